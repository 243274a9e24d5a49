"""Wave 19's loose ends about the browser (real Chromium, real crawl, real HTTP servers on 127.0.0.1).

2. A `render: browser` source's download without a Content-Length was written whole to
   Playwright's directory, then refused once read: an endless answer filled the disk. It is now
   watched as Chromium writes it and cancelled once past `attachments.max_bytes`, counted
   `files_too_big` like the HTTP handler's.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_loose_ends_wave18 import _zip

pytestmark = pytest.mark.slow

ENDLESS_TOTAL = 48 * 2**20  # what the endless download would send if never stopped
CHUNK = 64 * 1024


@dataclass
class StreamingForum:
    url: str
    files: dict[str, bytes]
    hits: list[str] = field(default_factory=list)
    endless_sent: list[int] = field(default_factory=lambda: [0])


@pytest.fixture
def streaming_forum() -> Iterator[StreamingForum]:
    """A forum whose posts a script writes, with two downloads (`Content-Disposition:
    attachment`): a small zip with its Content-Length, and an endless one without (HTTP/1.0: its
    end would be the connection's close), paced so that what it sent when stopped is measurable."""
    from vigie_kit.synthetic import Synth

    files = {"/f/dump.zip": _zip("patients.csv", Synth(19).patients(12).text.encode())}
    hrefs = [*files, "/f/endless.zip"]
    post = ('<div class="post" id="{pid}"><span class="author">x</span><span class="date">3 mars 2026 à 10:00</span>'
            '<div class="body">voir fichier {pid}</div><a class="att" href="{href}">fichier</a></div>')
    posts = [post.format(pid=f"p{i}", href=href) for i, href in enumerate(hrefs)]
    pages = {"/list": '<html><body><table><tr class="row"><td><a class="t" href="/t/1">one</a></td></tr></table>'
                      "</body></html>",
             "/t/1": "<html><body><h1>One</h1><div id=root></div><script>document.getElementById('root')"
                     f".innerHTML = {json.dumps(''.join(posts))};</script></body></html>"}
    forum = StreamingForum(url="", files=files)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            forum.hits.append(self.path)
            if self.path == "/f/endless.zip":
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Disposition", 'attachment; filename="endless.zip"')
                self.end_headers()
                block = bytes(range(256)) * (CHUNK // 256)
                try:
                    while forum.endless_sent[0] < ENDLESS_TOTAL:
                        self.wfile.write(block)
                        forum.endless_sent[0] += len(block)
                        # a pause once the first block is out: the partial file stays long enough to
                        # be seen where Chromium writes it (the first test looks)
                        time.sleep(1.0 if forum.endless_sent[0] == len(block) else 0.002)
                except OSError:
                    pass  # the browser cancelled it
                return
            if self.path in files:
                body, kind = files[self.path], "application/zip"
            else:
                body, kind = (pages.get(self.path) or "<html><body>not found</body></html>").encode(), "text/html"
            self.send_response(200 if self.path in files or self.path in pages else 404)
            self.send_header("Content-Type", kind)
            if self.path in files:
                self.send_header("Content-Disposition", f'attachment; filename="{self.path.rsplit("/", 1)[-1]}"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    forum.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield forum
    finally:
        server.shutdown()
        server.server_close()


def test_a_browser_download_without_length_is_stopped_at_the_cap(streaming_forum: StreamingForum,
                                                                  tmp_path: Path) -> None:
    from tests.fixtures.forum import crawl
    from tests.test_crawl_identity import POST_SELECTORS, MiniSite, write_source

    forum = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)",
             "post": {**POST_SELECTORS, "attachments": "a.att::attr(href)"}}
    limit = 256 * 1024
    config = write_source(tmp_path / "config", MiniSite(url=streaming_forum.url), forum, start="/list",
                          render="browser", attachments={"max_bytes": limit})
    # where the download is written while it comes: a plaintext attachment belongs in the crawl's
    # private browser home in the data directory (0700, removed with it), never in TMPDIR (Playwright's
    # default `playwright-artifacts-*`)
    # (a short TMPDIR: Chromium's singleton socket path must fit a sockaddr_un, 108 bytes)
    temp, data = Path(tempfile.mkdtemp(prefix="vw19-")), tmp_path / "data"
    in_temp: set[str] = set()
    in_home: set[str] = set()
    crawling = threading.Event()
    crawling.set()

    def watch() -> None:
        while crawling.is_set():
            in_temp.update(str(p.relative_to(temp)) for p in temp.glob("playwright-artifacts-*/*"))
            if data.exists():
                in_home.update(p.name for p in data.glob(".browser-home-*/downloads/*"))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        run = crawl(config, data, "mini", extra=["--no-index"], timeout=180, env={"TMPDIR": str(temp)})
    finally:
        crawling.clear()
        watcher.join()
        shutil.rmtree(temp, ignore_errors=True)
    assert in_home and in_temp == set(), (in_home, in_temp)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(p["post_id"] for p in run.posts()) == ["p0", "p1"], run.stderr[-2000:]
    assert [f["filename"] for f in run.files()] == ["dump.zip/patients.csv"], run.stderr[-3000:]
    assert "/f/endless.zip" in streaming_forum.hits
    assert run.summary["files"] == 1 and run.summary["refused"]["files_too_big"] == 1, run.summary
    assert "cancelled as it came" in run.stderr, run.stderr[-3000:]
    # stopped near the cap: what was sent is the cap, the socket buffers and a poll's worth, not the whole
    print(f"endless download: {streaming_forum.endless_sent[0]} bytes sent when stopped (cap {limit})")
    assert streaming_forum.endless_sent[0] < ENDLESS_TOTAL // 4, streaming_forum.endless_sent[0]



def test_a_browser_crawl_leaves_nothing_in_home_and_nothing_readable(streaming_forum: StreamingForum,
                                                                      tmp_path: Path) -> None:
    """Chromium wrote `~/.config/chromium/Crash Reports/settings.dat` (and dconf's
    `~/.cache/dconf/user`) in the operator's home, outside the crawl's profile: a crawl under a
    fresh HOME (XDG_* unset, so the defaults under it count) must leave HOME as it found it, and
    everything under the data directory unreadable by others."""
    import os

    from tests.fixtures.forum import crawl
    from tests.test_crawl_identity import POST_SELECTORS, MiniSite, write_source

    home = tmp_path / "home"
    home.mkdir()
    forum = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)",
             "post": {**POST_SELECTORS, "attachments": "a.att::attr(href)"}}
    config = write_source(tmp_path / "config", MiniSite(url=streaming_forum.url), forum, start="/list",
                          render="browser", attachments={"max_bytes": 256 * 1024})
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    data = tmp_path / "data"
    run = crawl(config, data, "mini", extra=["--no-index"], timeout=180, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(p["post_id"] for p in run.posts()) == ["p0", "p1"], run.stderr[-2000:]  # Chromium did render
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
    readable = [(str(p.relative_to(data)), oct(p.stat().st_mode & 0o777)) for p in [data, *data.rglob("*")]
                if p.stat().st_mode & 0o077]
    assert readable == [], "readable by others in the data directory"
    assert not [p.name for p in data.iterdir() if p.name.startswith(".browser-home")], "the browser's home was left"
