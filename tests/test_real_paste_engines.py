"""Real third-party PASTE engines (pinnwand, dpaste, bepasty), crawled with the shipped operator YAML alone
(config/sources/example-<engine>.yaml): each engine from its own pinned venv (scripts/engines.sh),
a fresh site filled through the engine's own API (vigie_kit.real_engines.real_paste), served by
the engine's own server on 127.0.0.1, crawled by the real `vigie crawl` over direct loopback.
pinnwand and dpaste have no public listing, so their YAML lists the pastes (`start_role: pastes`),
and the test puts the site's paste links there, as an operator would; bepasty's is walked from its
/+list, its dumps uploaded as files (one zipped: read through the attachment path). Every planted dump must be found
with its identifiers counted once (a paste page shows its text two or three times: raw vs rendered
must not be double counted), every harmless paste give no fragment, nothing fail.

Skipped (with the reason) only when an engine's venv is absent: scripts/engines.sh makes them.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tests import cli_fork
from tests.fixtures.forum import REPO, CrawlRun, crawl, test_keys_env, write_source
from tests.fixtures.spider_output import spider_output
from vigie_kit.real_engines import PASTE_ENGINES, RealPasteSite, engine_python, real_paste

pytestmark = pytest.mark.slow

Crawled = tuple[RealPasteSite, CrawlRun, CrawlRun, Path]


def paste_config(directory: Path, engine: str, site: RealPasteSite) -> Path:
    """A config dir holding the shipped example-<engine>.yaml with the site's pastes as start URLs;
    only the addresses, the network and test-speed limits change, so the YAML is what is tested."""
    data = yaml.safe_load((REPO / "config" / "sources" / f"example-{engine}.yaml").read_text(encoding="utf-8"))
    if data["paste"].get("start_role") == "pastes":  # no listing: the operator lists the pastes
        data["start_urls"] = [p.url for p in site.pastes]
    else:
        data["start_urls"] = [re.sub(r"^http://[a-z]+x+\.onion", site.url, u) for u in data["start_urls"]]
    return write_source(directory, data)


@pytest.fixture(scope="module", params=[pytest.param(e, marks=pytest.mark.xdist_group(f"real-{e}"))
                                        for e in sorted(PASTE_ENGINES)])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    engine = str(request.param)
    if engine_python(engine) is None:
        pytest.skip(f"{PASTE_ENGINES[engine]} is not installed in .cache/engines/{engine}: run scripts/engines.sh")
    started = time.monotonic()
    with real_paste(engine) as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp(f"real-{engine}")
        config = paste_config(root / "config", engine, site)
        first = crawl(config, root / "data", f"example-{engine}", timeout=120)
        second = crawl(config, root / "data", f"example-{engine}", timeout=120)
        print(f"\n[{engine}] site built in {built:.1f}s; {len(first.items)} pastes crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield site, first, second, root


def test_every_paste_once_with_all_its_files_and_nothing_twice(crawled: Crawled) -> None:
    site, run, _, _ = crawled
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [str(item["post_id"]) for item in run.items]
    assert sorted(ids) == sorted(p.id for p in site.pastes), "pastes missing, unknown or emitted twice"
    by_id = {str(item["post_id"]): item for item in run.items}
    problems = []
    for paste in site.pastes:
        item = by_id[paste.id]
        body = item.get("body") or ""
        if item.get("url") != paste.url or item.get("thread_url") != paste.url:
            problems.append(f"{paste.id}: url {item.get('url')!r} != {paste.url!r}")
        for text in paste.texts:  # every file of it, once: raw and rendered not both read
            # (a line's indentation is not kept when the text is read from HTML: indexer.html_text)
            for line in (ln.strip() for ln in text.splitlines() if ln.strip()):
                if body.count(line) != text.count(line):
                    problems.append(f"{paste.id} ({paste.kind}): a line read {body.count(line)} times, "
                                    f"written {text.count(line)}: {line[:40]!r}")
                    break
        # title and date where the engine shows them (bepasty's file name and upload time), else
        # none invented; no engine shows an author
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        if item.get("author") or at != paste.posted_at or item.get("thread_title") != paste.title:
            problems.append(f"{paste.id}: author/date/title {item.get('author')!r} {at!r} "
                            f"{item.get('thread_title')!r} != None {paste.posted_at!r} {paste.title!r}")
    assert problems == []


def test_dumps_found_with_their_identifiers_and_harmless_pastes_give_nothing(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email, canon_nir, canon_phone
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run, _, root = crawled
    store = open_store_from_settings(StorageSettings(), root / "data")
    try:
        hits = store.search(SearchQuery(limit=1000)).hits
    finally:
        store.close()
    dumps = [p for p in site.pastes if p.planted]
    assert len(dumps) == 3
    # each planted email, phone and NIR that its validator takes (the generator writes some phone
    # numbers in no allocated range), as its token: all found, each once, no other of that type.
    # Fragments are told apart by their tokens, not their URL: a stored URL is masked where a part
    # of it looks like an identifier (indexer.redact.mask_url), and some paste ids do
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    canon = {"email": canon_email, "phone": canon_phone, "nir": canon_nir}
    wanted = {p.id: {k: {token(key, k, c).hex() for c in map(canon[k], v) if c} for k, v in p.planted.items()}
              for p in dumps}
    assert all(len(tokens) >= 3 for w in wanted.values() for tokens in w.values())
    got: dict[str, dict[str, set[str]]] = {pid: {k: set() for k in w} for pid, w in wanted.items()}
    strays = []
    for hit in hits:
        owners = [pid for pid, w in wanted.items() if set(hit.tokens.get("email", ())) & w["email"]]
        if len(owners) != 1:
            strays.append((hit.url, hit.excerpt[:60]))  # a harmless paste's fragment, or one mixing dumps
            continue
        for kind in got[owners[0]]:
            got[owners[0]][kind].update(hit.tokens.get(kind, ()))
    assert got == wanted, "a planted dump's emails, phones or NIRs not all found, or others found"
    assert strays == [], f"fragments that belong to no dump (harmless pastes): {strays}"
    assert run.summary["fragments"] >= len(dumps)


def test_no_failure_and_second_crawl_emits_nothing_new(crawled: Crawled) -> None:
    _, run, second, _ = crawled
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == [], f"{len(second.items)} pastes emitted again"
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary


def test_source_try_reads_a_paste_as_the_crawl_does(crawled: Crawled) -> None:
    """The operator's dry run on the YAML: `vigie source try` on a dump paste shows its id, the
    page it reads and the paste's text, every selector matched, no warning."""
    site, _, _, root = crawled
    dump = next(p for p in site.pastes if p.planted and len(p.texts) == max(len(q.texts) for q in site.pastes))
    name = f"example-{site.engine}"
    proc = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "WARNING", "source", "try", name, dump.url,
                           "--json", "--config", str(root / "config"), "--data-dir", str(root / "data")],
                        capture_output=True, text=True, timeout=60, cwd=REPO, env={**_env(), **test_keys_env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["warnings"] == [] and all(s["matches"] for s in result["selectors"]), result
    (paste,) = result["pastes"]
    assert result["page"] == "paste" and paste["id"] == dump.id and paste["url"] == dump.url
    if paste["read_from"] == dump.url:  # the page is read (pinnwand): its text as the crawl reads it
        assert paste["first_lines"][0] == dump.texts[0].splitlines()[0]
        assert paste["lines"] >= sum(len(t.splitlines()) for t in dump.texts)
    else:  # its raw text is read (dpaste, bepasty), which `try` names without fetching it
        assert paste["read_from"].startswith(dump.url + "/") and paste["lines"] is None
    config = yaml.safe_load(next((root / "config" / "sources").glob("*.yaml")).read_text(encoding="utf-8"))
    if config["paste"].get("start_role", "listing") == "listing":  # and on the listing: every paste, titled
        proc = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "WARNING", "source", "try", name,
                               "--json", "--config", str(root / "config"), "--data-dir", str(root / "data")],
                            capture_output=True, text=True, timeout=60, cwd=REPO, env={**_env(), **test_keys_env})
        assert proc.returncode == 0, proc.stderr[-2000:]
        listing = json.loads(proc.stdout)
        assert listing["page"] == "listing" and listing["warnings"] == [], listing
        assert all(s["matches"] == len(site.pastes) for s in listing["selectors"]), listing["selectors"]
        shown = sorted((p["id"], p["title"], p["posted_at"] and datetime.fromisoformat(p["posted_at"]))
                       for p in listing["pastes"])
        assert shown == sorted((p.id, p.title, p.posted_at) for p in site.pastes)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


# pinnwand 1.5.0's page for a paste of two files, as it serves it (trimmed to the parts read): each
# file highlighted in a table AND as its exact text in a <textarea class="copy-area">
PINNWAND_PAGE = """<html><head><title>View paste 7U</title></head><body><main class="paste-show multiple">
<div class="paste-meta"><p>This paste expires on <span>2026-12-10 19:02:36.996443</span>.</p></div>
<div class="file-container"><div class="files">
<div id="7U" class="file-show lang-python code nolinenos "><div class="code"><div class="source"><table>
<tr><td class="code"><code><span class="kn">import</span> os</code></td></tr></table></div></div>
<textarea class="copy-area">import os
</textarea><div class="meta">Filename: a.py.</div></div>
<div id="BY" class="file-show lang-text code nolinenos "><div class="code"><div class="source"><table>
<tr><td class="code"><code>nom;email</code></td></tr>
<tr><td class="code"><code>Jean;jean.dupont@exemple.fr</code></td></tr>
</table></div></div>
<textarea class="copy-area">nom;email
Jean;jean.dupont@exemple.fr
</textarea><div class="meta">Filename: b.csv.</div></div>
</div></div></main></body></html>"""


def test_paste_body_reads_every_file_once() -> None:
    """The class of page: a paste's text shown twice, in several files. Before `paste.body`, the
    page's whole body was read (no <pre>): every line twice, the dump counted twice; and
    raw_url_template reads pinnwand's first file only."""
    from parsel import Selector

    from crawler.spiders.paste import paste_page_text, paste_preview
    from vigie.config.schema import SourceConfig

    yaml_text = (REPO / "config" / "sources" / "example-pinnwand.yaml").read_text(encoding="utf-8")
    source = SourceConfig.model_validate(yaml.safe_load(yaml_text))
    body = paste_page_text(source, Selector(text=PINNWAND_PAGE))
    assert body == "import os\n\nnom;email\nJean;jean.dupont@exemple.fr"
    assert source.paste is not None
    unset = source.model_copy(update={"paste": source.paste.model_copy(update={"body": None})})
    assert (paste_page_text(unset, Selector(text=PINNWAND_PAGE)) or "").count("jean.dupont@exemple.fr") == 2
    missing = source.model_copy(update={"paste": source.paste.model_copy(update={"body": "div.nothing"})})
    assert paste_page_text(missing, Selector(text=PINNWAND_PAGE)) is None  # counted, then read as without it
    preview = paste_preview(source, PINNWAND_PAGE, "http://127.0.0.1:8000/7U")
    assert preview["page"] == "paste" and preview["warnings"] == [], preview
    assert preview["pastes"][0]["id"] == "7U" and preview["selectors"][0]["matches"] == 2


def test_a_paste_source_needs_links_or_its_pastes_as_start_urls() -> None:
    from pydantic import ValidationError

    from vigie.config.schema import SourceConfig

    base = {"name": "p", "kind": "paste", "network": "direct", "start_urls": ["http://127.0.0.1:1/AB"],
            "schedule": {"interval": "1h"}}
    with pytest.raises(ValidationError, match="paste_links"):
        SourceConfig.model_validate({**base, "paste": {}})
    assert SourceConfig.model_validate({**base, "paste": {"start_role": "pastes"}}).paste is not None


def test_a_raw_paste_served_as_an_archive_is_unpacked(tmp_path: Path) -> None:
    """A file drop's raw URL serves the upload as it was (bepasty's /<ID>/+download): a zipped
    dump (application/zip, named by Content-Disposition) was retried as 'not text', then dropped
    with an error; it is unpacked as a forum attachment is, each file one item under the paste id."""
    import io
    import zipfile

    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from crawler.items import VigieItem
    from crawler.spiders.paste import PasteSpider
    from crawler.state import CrawlState
    from vigie.config.schema import SourceConfig

    yaml_text = (REPO / "config" / "sources" / "example-bepasty.yaml").read_text(encoding="utf-8")
    source = SourceConfig.model_validate(yaml.safe_load(yaml_text))
    spider = PasteSpider.from_crawler(get_crawler(PasteSpider), source=source,
                                      state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("patients.csv", "nom;email\nMartin;claire.martin@exemple.fr\n")
        archive.writestr("notes.txt", "rien\n")
    url = "http://127.0.0.1:1/Ab12Cd34"
    response = Response(url + "/+download", body=buffer.getvalue(), headers={
        "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="export.zip"'},
        request=Request(url + "/+download", meta={"vigie_paste": {"id": "Ab12Cd34", "url": url,
                                                                  "title": "export.zip", "posted_at": None}}))
    items = [x for x in spider_output(spider.parse_paste(response)) if isinstance(x, VigieItem)]
    assert sorted((i.key, i.item.filename) for i in items) == [("Ab12Cd34", "export.zip/notes.txt"),
                                                              ("Ab12Cd34", "export.zip/patients.csv")]
    assert all(i.kind == "paste" and i.item.url == url and i.item.thread_title == "export.zip" for i in items)


def test_a_raw_paste_archive_with_a_bad_member_keeps_the_others(tmp_path: Path) -> None:
    """One member that cannot be read (here a nested zip that is no zip) is set aside and counted;
    the dump beside it is still read, as in a forum attachment (the paste spider refused the whole
    archive, and the dump with it)."""
    import io
    import zipfile

    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from crawler.items import VigieItem
    from crawler.spiders.paste import PasteSpider
    from crawler.state import CrawlState
    from vigie.config.schema import SourceConfig

    yaml_text = (REPO / "config" / "sources" / "example-bepasty.yaml").read_text(encoding="utf-8")
    source = SourceConfig.model_validate(yaml.safe_load(yaml_text))
    crawler = get_crawler(PasteSpider)
    spider = PasteSpider.from_crawler(crawler, source=source,
                                      state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("patients.csv", "nom;email\nMartin;claire.martin@exemple.fr\n")
        archive.writestr("inner.zip", b"PK\x03\x04 not a zip at all")
    url = "http://127.0.0.1:1/Ef56Gh78"
    response = Response(url + "/+download", body=buffer.getvalue(), headers={
        "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="export.zip"'},
        request=Request(url + "/+download", meta={"vigie_paste": {"id": "Ef56Gh78", "url": url,
                                                                  "title": "export.zip", "posted_at": None}}))
    items = [x for x in spider_output(spider.parse_paste(response)) if isinstance(x, VigieItem)]
    assert [(i.key, i.item.filename) for i in items] == [("Ef56Gh78", "export.zip/patients.csv")]
    assert crawler.stats.get_value("vigie/errors") == 1
    assert crawler.stats.get_value("vigie/files/bombs_refused") is None


def test_an_uploaded_pastes_html_is_held_to_the_sources_ceiling(tmp_path: Path) -> None:
    """A file drop's upload holding HTML past the source's `limits.max_page_elements` is counted
    `pages_too_dense` and carries that ceiling to detection, as a forum attachment does (the paste
    spider held it to the detector's fixed 200,000 elements, uncounted)."""
    import io
    import zipfile

    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from crawler.items import VigieItem
    from crawler.spiders.paste import PasteSpider
    from crawler.state import CrawlState
    from vigie.config.schema import SourceConfig

    data = yaml.safe_load((REPO / "config" / "sources" / "example-bepasty.yaml").read_text(encoding="utf-8"))
    data.setdefault("limits", {})["max_page_elements"] = 500
    source = SourceConfig.model_validate(data)
    crawler = get_crawler(PasteSpider)
    spider = PasteSpider.from_crawler(crawler, source=source,
                                      state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None)
    rows = "".join(f"<tr><td>client{k}@exemple.fr</td></tr>\n" for k in range(400))
    dense = f"<html><body><table><tr><th>email</th></tr>\n{rows}</table></body></html>"
    light = "<html><body><table><tr><th>email</th></tr><tr><td>a.b@exemple.fr</td></tr></table></body></html>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clients.txt", dense)
        archive.writestr("un.txt", light)
    url = "http://127.0.0.1:1/Ij90Kl12"
    response = Response(url + "/+download", body=buffer.getvalue(), headers={
        "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="export.zip"'},
        request=Request(url + "/+download", meta={"vigie_paste": {"id": "Ij90Kl12", "url": url,
                                                                  "title": "export.zip", "posted_at": None}}))
    items = [x for x in spider_output(spider.parse_paste(response)) if isinstance(x, VigieItem)]
    assert sorted(i.item.filename for i in items) == ["export.zip/clients.txt", "export.zip/un.txt"]
    assert {i.item.max_html_elements for i in items} == {500}
    assert crawler.stats.get_value("vigie/failures/pages_too_dense") == 1  # the dense one only
