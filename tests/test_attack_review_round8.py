"""Attacker's review, round 8: what a crawled site can make the crawler reach, or hold.

Earlier rounds kept a hostile page's images, fetch() calls, frames and redirects on the source's
hosts (tests/test_browser_render.py). These cases come in by other doors: a page's WebSockets,
another port of the source's own host, endless response headers, a cookie jar grown without end.
Real sites on 127.0.0.1, real `vigie crawl` runs, real Chromium. (The webhook cases are in
tests/test_attack_review_round8_webhook.py.)
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.test_browser_render import _send_html, browser_fetch


class _Listener:
    """A loopback TCP service that records every connection made to it (what a WebSocket or
    any other socket a page opens would reach first: the connect itself)."""

    def __init__(self, host: str) -> None:
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    self.seen.append(conn.recv(4096))
                except OSError:
                    self.seen.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


class RawSite:
    """A raw loopback TCP server that answers each connection in a thread of its own (`answer`):
    the hostile sites and receivers of this round write bytes no HTTP server library would send.
    `tls`, an ssl.SSLContext, makes the handshake in accept()."""

    def __init__(self, tls: Any = None) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)  # (accept() wakes to see `close`: closing alone does not wake it)
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_side=True)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed, or a client's TLS handshake failed
                if self._stop.is_set():
                    return
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                self.answer(conn)
            except OSError:
                pass

    def answer(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def hostile_page_site(off_site: list[str], worker: str, popup: str, own: list[str],
                      own_host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A started loopback site whose page opens WebSockets to `off_site`, a worker running the
    script `worker`, a WebSocket to the site itself (`own_host`, the name the crawl reaches it by;
    its handshake's Upgrade header is appended to `own`: the page's script did run) and a popup
    on `popup`. The caller shuts it down."""

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/own":  # the WebSocket handshake to the site itself
                own.append(self.headers.get("Upgrade", ""))
                self.send_response(404)
                self.end_headers()
                return
            body = (f"<html><body><p id='state'>ready</p><article class='victim'><h2 class='name'>Acme</h2>"
                    f"</article><script>for (const u of {off_site!r}) {{ try {{ new WebSocket(u); }} catch (e) {{}} }}"
                    f'new Worker(URL.createObjectURL(new Blob(["{worker}"])));'
                    f"new WebSocket('ws://{own_host}:{self.server.server_address[1]}/own');"
                    f"window.open('{popup}');"
                    "</script></body></html>").encode()
            _send_html(self, body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


@pytest.mark.slow
def test_a_pages_websockets_reach_no_host_but_the_sources(tmp_path: Path) -> None:
    """A hostile page on a `network: direct` browser source opens WebSockets, from the page and
    from a worker, to loopback services (as it would to Elasticsearch, Redis or the web app):
    on another address, and on another port of the source's own; and a popup (window.open) on
    another address. Playwright's request routing, which aborts the page's off-site HTTP
    requests, never sees a WebSocket, and scrapy-playwright routes the crawled page only, not a
    page it opens: before the fix the services got the handshakes and the popup's GET. One to
    the source's own host and port still goes out (so the page's script did run, and a site's
    own WebSocket still works)."""
    victim, other_port = _Listener("127.0.0.2"), _Listener("127.0.0.1")
    off_site = [f"ws://127.0.0.2:{victim.port}/page", f"ws://localhost:{victim.port}/name",
                f"ws://127.0.0.1:{other_port.port}/port"]
    worker = f"new WebSocket('ws://127.0.0.2:{victim.port}/worker')"
    own: list[str] = []

    site = hostile_page_site(off_site, worker, f"http://127.0.0.2:{victim.port}/popup", own)
    try:
        result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None,
                                          "source": "hostile", "max_pages": 1})
        deadline = time.monotonic() + 5
        while not own and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        site.shutdown()
        site.server_close()
        victim.close()
        other_port.close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert victim.seen == [] and other_port.seen == []
    assert [u.lower() for u in own] == ["websocket"]


class _HeaderFloodSite(RawSite):
    """Pastes on a raw loopback server; `/p/1` answers a status line, then headers without end
    (counting what it managed to send), as a hostile site can."""

    PASTE = b"une paste: paul.simon@exemple.fr\n"

    def __init__(self, first: bytes, repeated: bytes) -> None:
        self.first, self.flood = first, repeated
        self.flood_sent = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        request = conn.recv(65536)
        if request.startswith(b"GET /p/1 "):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + self.first)
            while not self._stop.is_set():
                conn.sendall(self.flood)
                self.flood_sent += len(self.flood)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                         + str(len(self.PASTE)).encode() + b"\r\nConnection: close\r\n\r\n" + self.PASTE)


def _paste_source(config: Path, url: str, timeout: float, pages: int = 2) -> Path:
    import yaml

    data = {"name": "pastes", "kind": "paste", "network": "direct", "schedule": {"interval": "1h"},
            "start_urls": [f"{url}/p/{n}" for n in range(1, pages + 1)],
            "paste": {"start_role": "pastes", "paste_id_pattern": r"/p/(\d+)"},
            "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 2, "timeout_seconds": timeout,
                       "retries": 0}}
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / "pastes.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return config


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["headers", "continuation"])
def test_a_response_with_endless_headers_is_cut_at_a_ceiling(kind: str, tmp_path: Path) -> None:
    """A paste site answers one page with headers that never end (many lines, or one header's
    endless continuation lines). Twisted bounds each line but not their number, and Scrapy's
    download_maxsize counts only bodies: before the fix the crawl read (and kept in memory) all
    it was sent until the request's timeout, hundreds of megabytes; now the response fails past
    256 KiB of headers and the crawl goes on with the other paste."""
    from tests.fixtures.forum import crawl

    if kind == "headers":  # many header lines
        site = _HeaderFloodSite(b"", b"".join(b"X-Flood-%d: %s\r\n" % (n, b"v" * 60) for n in range(2000)))
    else:  # one header's continuation lines (the parser gathers them in one list)
        site = _HeaderFloodSite(b"X-Flood: start\r\n", (b" " + b"v" * 69 + b"\r\n") * 2000)
    try:
        config = _paste_source(tmp_path / "config", site.url, timeout=20)
        started = time.monotonic()
        run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=120)
        took = time.monotonic() - started
    finally:
        site.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert [i["post_id"] for i in run.items] == ["2"], (run.items, run.stderr[-2000:])
    assert run.summary["errors"] == 1 and "headers passed 262144 bytes" in run.stderr
    # what the crawl took in before giving up: the ceiling plus what the socket buffers held
    assert site.flood_sent < 16 * 2**20, site.flood_sent
    assert took < 20, took


def test_the_tor_handlers_http_client_is_bounded_too() -> None:
    """The Tor handler's connections use Twisted's own HTTP client protocol, not Scrapy's lenient
    one; its parser is bounded as well. (Fed through Twisted's in-memory transport: the real path
    is a SOCKS stream through Tor to a hostile site, which the crawl test above stands for on a
    direct source.)"""
    from twisted.internet.testing import StringTransport
    from twisted.web._newclient import HTTP11ClientProtocol, Request, ResponseFailed
    from twisted.web.http_headers import Headers

    from crawler._headers import ResponseHeadersTooLarge, limit_response_headers

    limit_response_headers()
    protocol = HTTP11ClientProtocol()
    transport = StringTransport()
    protocol.makeConnection(transport)
    failures: list = []
    protocol.request(Request(b"GET", b"/", Headers({b"host": [b"site.onion"]}), None)).addErrback(failures.append)
    protocol.dataReceived(b"HTTP/1.1 200 OK\r\n")
    chunk = b"".join(b"X-Flood-%d: %s\r\n" % (n, b"v" * 60) for n in range(1000))
    sent = 0
    while not failures and sent < 64 * 2**20:
        protocol.dataReceived(chunk)
        sent += len(chunk)
    assert failures and failures[0].check(ResponseFailed), sent
    assert any(r.check(ResponseHeadersTooLarge) for r in failures[0].value.reasons)
    assert sent < 2**20 and transport.disconnecting


class _CookieSite(RawSite):
    """Pastes `/p/N` whose every answer sets `per_page` new cookies (under the 256 KiB header
    ceiling); it records the largest Cookie header a request brought back."""

    def __init__(self, per_page: int) -> None:
        self.per_page = per_page
        self.largest_cookie_header = 0
        self.big_came_back = False
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(1 << 20)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        cookie = max((len(h) for h in head if h.lower().startswith(b"cookie:")), default=0)
        self.largest_cookie_header = max(self.largest_cookie_header, cookie)
        self.big_came_back |= any(b"big=" in h for h in head)
        n = int(head[0].split(b" ")[1].rsplit(b"/", 1)[1])
        body = b"une paste: paul.simon@exemple.fr\n"
        cookies = b"".join(b"Set-Cookie: c%d_%d=%s; Path=/\r\n" % (n, i, b"v" * 60) for i in range(self.per_page))
        cookies = b"Set-Cookie: big=" + b"v" * 5000 + b"; Path=/\r\n" + cookies  # past a browser's 4 KiB
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                     + cookies + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.mark.slow
def test_a_site_cannot_grow_the_crawls_cookie_jar_without_end(tmp_path: Path) -> None:
    """Each page of a paste site sets 1,000 new cookies. Python's cookie jar keeps them all and
    every later request sends them all back: before the fix, 20 pages made requests of 1.3 MB of
    Cookie header (2,500 a page, what 256 KiB of headers hold: 5 MB by the 30th; quadratic work
    and memory over a run's 500 pages, and as much sent through Tor). Now a crawl's jar keeps at
    most MAX_CRAWL_COOKIES, as a browser caps a site's."""
    from crawler.cookies import MAX_CRAWL_COOKIES
    from tests.fixtures.forum import crawl

    site = _CookieSite(per_page=1000)
    try:
        config = _paste_source(tmp_path / "config", site.url, timeout=30, pages=20)
        run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=180)
    finally:
        site.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.items) == 20, run.stderr[-2000:]
    assert 0 < site.largest_cookie_header < MAX_CRAWL_COOKIES * 80, site.largest_cookie_header
    assert not site.big_came_back
    # the operator sees what was dropped (a login's session cookie could be among them) in the
    # summary's refused counts, which `vigie crawl` prints and `vigie status` keeps as the last run
    assert run.summary["refused"]["cookies_dropped"] >= 20 * 1000 - MAX_CRAWL_COOKIES, run.summary["refused"]


@pytest.mark.slow
def test_a_site_cannot_send_the_crawl_to_another_port_of_its_host(tmp_path: Path) -> None:
    """A paste on a site the operator configured by its address (a local mirror, a LAN site, or
    a name whose DNS the site's owner answers with 127.0.0.1 once the crawl started) links an
    archive on another port of the same host: where Elasticsearch, Redis, PostgreSQL, Tor's
    control port or the web app listen. The follow rules compared host names only, so the
    crawl sent that service a GET (before the fix the service below was hit). Now only the
    ports of the source's URLs and the two web ports are followed."""
    from tests.fixtures.forum import crawl

    service = _Listener("127.0.0.1")
    text = (f"base clients: http://127.0.0.1:{service.port}/_search/dump.zip\n"
            "une paste: paul.simon@exemple.fr\n").encode()

    class Pastes(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Pastes)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        config = _paste_source(tmp_path / "config", f"http://127.0.0.1:{site.server_port}", timeout=10, pages=1)
        run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=120)
    finally:
        site.shutdown()
        site.server_close()
        service.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert [i["post_id"] for i in run.items] == ["1"], run.stderr[-2000:]
    assert service.seen == []


@pytest.mark.slow
def test_a_pages_requests_reach_no_other_port_of_the_sources_host(tmp_path: Path) -> None:
    """The browser's side of the same rule: a hostile page on a `network: direct` browser source
    configured by its loopback address points an image and a fetch() at another port of that
    address (a local service). Before the fix both reached it (only the host was compared)."""
    service = _Listener("127.0.0.1")

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (f"<html><body><p id='state'>ready</p><article class='victim'><h2 class='name'>Acme</h2>"
                    f"</article><img src='http://127.0.0.1:{service.port}/img'>"
                    f"<script>fetch('http://127.0.0.1:{service.port}/fetch').catch(() => 0)</script>"
                    "</body></html>").encode()
            _send_html(self, body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None,
                                          "source": "hostile", "max_pages": 1})
    finally:
        site.shutdown()
        site.server_close()
        service.close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert service.seen == []
    assert result["stats"].get("playwright/request_count/aborted") == 2
