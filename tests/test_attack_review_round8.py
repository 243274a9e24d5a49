"""Attacker's review, round 8: what a crawled site can make the crawler reach besides itself.

Earlier rounds kept a hostile page's images, fetch() calls, frames and redirects on the source's
hosts (tests/test_browser_render.py). These cases come in by other doors.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_browser_render import _send_html, browser_fetch

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.slow
def test_a_pages_websockets_reach_no_host_but_the_sources(tmp_path: Path) -> None:
    """A hostile page on a `network: direct` browser source opens WebSockets, from the page and
    from a worker, to a loopback service (as it would to Elasticsearch, Redis or the web app).
    Playwright's request routing, which aborts the page's off-site HTTP requests, never sees a
    WebSocket: before the fix the service got the handshake. One to the source's own host still
    connects (so the page's script did run and a site's own WebSocket still works)."""
    victim, own = _Listener("127.0.0.2"), _Listener("127.0.0.1")
    off_site = [f"ws://127.0.0.2:{victim.port}/page", f"ws://localhost:{victim.port}/name"]
    worker = f"new WebSocket('ws://127.0.0.2:{victim.port}/worker')"

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (f"<html><body><p id='state'>ready</p><article class='victim'><h2 class='name'>Acme</h2>"
                    f"</article><script>for (const u of {off_site!r}) {{ try {{ new WebSocket(u); }} catch (e) {{}} }}"
                    f"new Worker(URL.createObjectURL(new Blob([\"{worker}\"])));"
                    f"new WebSocket('ws://127.0.0.1:{own.port}/own');"
                    "</script></body></html>").encode()
            _send_html(self, body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None,
                                          "source": "hostile", "max_pages": 1})
        deadline = time.monotonic() + 5
        while not own.seen and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        site.shutdown()
        site.server_close()
        victim.close()
        own.close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert victim.seen == []
    assert [s.split(b" ")[:2] for s in own.seen] == [[b"GET", b"/own"]]
