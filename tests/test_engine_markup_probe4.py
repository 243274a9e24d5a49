"""What round 4 of the engine markup probe (imageboards: vichan, LynxChan, jschan, TinyIB; their
pages in tests/engine_pages/, crawled with their source.yaml alone by
tests/test_engine_markup_probe.py) found the product could not read, as its class rather than
its one page:

- an imageboard stores an upload under a number or a hash (`/db/src/1764366131234.txt`,
  `/.media/<sha256>.txt`, `/file/<sha256>.txt`), serves it as a static file with no
  Content-Disposition, and keeps the poster's own name only in the link's HTML `download`
  attribute (`<a href="/db/src/1764366131234.txt" download="clients.txt">`): the crawl named the
  file by its number, so nothing said a `clients.txt` was posted. The link's `download` name is
  now the file's name when the server gives none (the server's name still wins, as in a browser).

What the sources had to say instead (docs/sources.md, "Selectors"): a poster's name and tripcode
in two elements, a thread without a subject. The ID imageboards print next to the name (a hash of
the poster's address within one thread) is no person and is left out by the same selectors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from parsel import Selector

from crawler.spiders.extract import download_names
from tests.fixtures.engine_pages import ENGINE_PAGES
from tests.fixtures.forum import crawl
from vigie_kit.forum_engines import EngineServer, Page, Request

_THREAD = """<!doctype html><html><head><meta charset="utf-8"><title>/db/ - Fichiers</title></head><body>
<h1>/db/ - Bases de données</h1>
<div class="thread" id="thread_500">
<div class="post op" id="op_500"><div class="files">
 <p class="fileinfo">File: <a href="/db/src/1764000000001.txt">1764000000001.txt</a>
 (<a href="/db/src/1764000000001.txt" download="patients.txt" title="Save as original filename">patients.txt</a>)</p>
 <p class="fileinfo">File: <a href="/db/src/1764000000002.txt">1764000000002.txt</a>
 (<a href="/db/src/1764000000002.txt" download="ignored-name.txt">ignored-name.txt</a>)</p>
 <p class="fileinfo">File: <a href="/db/src/1764000000003.txt">1764000000003.txt</a> (sans-nom.txt)</p>
 <p class="fileinfo">File: <a href="/db/src/1764000000004.txt">1764000000004.txt</a>
 (<a href="/db/src/1764000000004.txt" download="../../etc/evil.exe">evil.exe</a>)</p>
 <p class="fileinfo">File: <a href="/.media/9b1c7e04d2a3">9b1c7e04d2a3</a>
 (<a href="/.media/9b1c7e04d2a3" download="sans-extension.csv">sans-extension.csv</a>)</p>
</div><p class="intro"><span class="name">Anonymous</span></p>
<div class="body">Quatre fichiers.</div></div>
</div></body></html>"""

_FILE_TEXT = b"nom;email\nGarnier;elodie.garnier@orange.fr\nBrunet;mathieu.brunet@free.fr\n"


class _Board:
    """One imageboard thread whose five uploads are served as static files: the first and third
    with no Content-Disposition (the page names the first with `download`, not the third), the
    second with the server's own name, the fourth named `.exe` by its page, the fifth stored
    under a bare hash with no extension."""

    data: Any = None

    def __init__(self) -> None:
        self.served: list[str] = []

    def handle(self, req: Request) -> Page:
        self.served.append(req.path)
        if req.path in ("/db/", "/db/index.html"):
            return Page(200, '<html><body><h1>/db/</h1><div class="thread">'
                             '<a href="/db/res/500.html">[Reply]</a></div></body></html>')
        if req.path == "/db/res/500.html":
            return Page(200, _THREAD)
        if req.path.startswith("/db/src/17640000000") or req.path == "/.media/9b1c7e04d2a3":
            headers = ({"Content-Disposition": 'attachment; filename="server-name.txt"'}
                       if req.path.endswith("2.txt") else {})
            return Page(200, _FILE_TEXT, headers, ctype="text/plain")
        return Page(404, "<html><body>404</body></html>")

    def truth(self, base: str) -> dict[str, Any]:
        return {}


def _config(directory: Path, base_url: str) -> tuple[Path, str]:
    source = {
        "name": "download-names", "kind": "forum", "network": "direct", "start_urls": [base_url + "/db/"],
        "schedule": {"interval": "1h"},
        "forum": {"start_role": "board", "thread_rows": "div.thread", "thread_link": "a::attr(href)",
                  "post": {"container": "div.post", "post_id": "::attr(id)", "author": "span.name",
                           "body": "div.body", "attachments": "p.fileinfo > a:first-child::attr(href)"}},
        "attachments": {"enabled": True, "extensions": ["txt", "csv"]},
        "limits": {"delay_seconds": 0, "autothrottle": False, "retries": 0, "timeout_seconds": 20},
    }
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    (directory / "sources" / "download-names.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    (directory / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return directory, "download-names"


def test_an_uploads_name_is_the_one_its_link_gives_when_the_server_gives_none(tmp_path: Path) -> None:
    """The attachment selector picks the stored-name links (the first link of each file line); the
    page names the file elsewhere in the post (`download`). Before, the file was `1764000000001.txt`;
    it is `patients.txt` now. A Content-Disposition still wins (`server-name.txt`), a link with no
    `download` keeps the URL's name, and a `download` name is a file name, not a path: the one the
    page calls `../../etc/evil.exe` is refused by its type (`.exe`), never written anywhere. A file
    stored under a bare hash (`/.media/9b1c7e04d2a3`) was refused outright: a name without a type;
    its page's name (`sans-extension.csv`) lets it be read."""
    view = _Board()
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", server.url)
        run = crawl(config, tmp_path / "data", name, timeout=90)
    assert run.returncode == 0, run.stderr[-3000:]
    names = sorted(str(f.get("filename")) for f in run.files())
    assert names == ["1764000000003.txt", "patients.txt", "sans-extension.csv", "server-name.txt"], names
    assert "/db/src/1764000000004.txt" in view.served  # fetched: its URL says .txt, its name says .exe
    assert all(f.get("author") == "Anonymous" for f in run.files())


def test_download_names_are_file_names_of_the_selected_links_only() -> None:
    post = Selector(text="""<div class="post">
      <a href="/db/src/1.txt" download="a.txt">a</a> <a href="/db/src/1.txt" download="second.txt">again</a>
      <a href="/db/src/2.txt" download="C:\\dumps\\b.csv">b</a> <a href="/db/src/3.txt" download="">c</a>
      <a href="/db/src/4.txt" download="d.txt">not an attachment</a></div>""")
    got = dict(download_names(post, "http://board.example/db/res/9.html",
                              ("http://board.example/db/src/1.txt", "http://board.example/db/src/2.txt",
                               "http://board.example/db/src/3.txt")))
    assert got == {"http://board.example/db/src/1.txt": "a.txt", "http://board.example/db/src/2.txt": "b.csv"}


PHORUM_WALL = """<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="EN" lang="EN"><head><title>Log In</title></head>
<body><div id="page"><form action="./login.php" method="post" id="login-form"><input type="text" name="username"/>
<input type="password" name="password"/></form></div></body></html>"""


def test_a_page_opening_with_an_xml_declaration_is_read_as_html_by_source_try_and_the_wall() -> None:
    """Phorum's emerald pages open with `<?xml version="1.0" encoding="UTF-8"?>` (XHTML 1.0). The
    crawl parses them as HTML and reads them whole (tests/engine_pages/phorum), but `vigie source
    try` let parsel guess the type: XML, in the XHTML namespace, where no CSS selector matches. The
    operator saw 0 posts and every selector matching nothing on a page the crawl reads right; a
    `wall` selector never recognised such a login page either."""
    from crawler.cookies import wall_detected
    from vigie.cli.source_cmd import try_source
    from vigie.config.schema import SourceConfig, WallDetector

    data = yaml.safe_load((ENGINE_PAGES / "phorum" / "source.yaml").read_text(encoding="utf-8"))
    source = SourceConfig.model_validate({**data, "network": "direct", "start_urls": ["http://127.0.0.1:9/list.php?2"]})
    html = (ENGINE_PAGES / "phorum" / "read-12-1.html").read_text(encoding="utf-8")
    assert html.startswith("<?xml")
    shown = try_source(source, html, "http://127.0.0.1:9/read.php?2,12", datetime.now(UTC))
    assert [(p["post_id"], p["author"]) for p in shown["posts"]] == [("12", "alice"), ("15", "bob"), ("16", "carol")]
    assert all(p["posted_at"] for p in shown["posts"]), shown["posts"]
    assert shown["thread_next_page"] == "http://127.0.0.1:9/read.php?2,12,page=2"
    assert wall_detected(WallDetector(selector="form#login-form"), PHORUM_WALL)
