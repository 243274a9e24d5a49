"""Attacker's review, round 9: what a page rendered through Tor can make the browser reach.

Round 8 kept a `network: direct` page's WebSockets, its workers' and its popups on the source's
hosts and ports with Chromium's `--host-rules`. Those rules act where Chromium resolves names: a
source rendered through Tor's SOCKS port resolves none (Tor does), and they did nothing there, so
a hostile onion page reached any host and port through Tor (other onions, clearnet sites by the
exits). Now the browser context itself routes every request of every page, popup and worker and
every page's WebSocket, and refuses those off the source's hosts and ports, whatever the network;
Chromium's popup blocker is on (a popup's connection was opened before its request was routed).
Not covered: a dedicated worker's WebSocket, which Playwright does not route (through Tor only).

Real Chromium through a real SOCKS5 proxy on loopback standing for Tor's SOCKS port
(tests/slow_socks.py, no delay: it forwards to 127.0.0.1 and localhost only, where the private
Tor network's exits would go anywhere), a hostile site and two services on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.slow_socks import SlowCircuitSocks
from tests.test_attack_review_round8 import _Listener
from tests.test_browser_render import _send_html, browser_fetch


@pytest.mark.slow
def test_a_page_through_tor_reaches_no_host_but_the_sources(tmp_path: Path) -> None:
    other_port, by_name = _Listener("127.0.0.1"), _Listener("127.0.0.1")
    off_site = [f"ws://127.0.0.1:{other_port.port}/port", f"ws://localhost:{by_name.port}/name"]
    own: list[str] = []
    worker = f"fetch('http://localhost:{by_name.port}/worker-fetch').catch(() => 0);"

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
                    f"new WebSocket('ws://127.0.0.1:{self.server.server_address[1]}/own');"
                    f"window.open('http://localhost:{by_name.port}/popup');"
                    "</script></body></html>").encode()
            _send_html(self, body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with SlowCircuitSocks(build_seconds=0) as socks:
            result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/",
                                              "socks": ["127.0.0.1", socks.port], "source": "hostile",
                                              "max_pages": 1})
            deadline = time.monotonic() + 5
            while not own and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1)  # what the page opened last has had its time to arrive
            asked = sorted({port for host, port, _ in socks.connects})
    finally:
        site.shutdown()
        site.server_close()
        other_port.close()
        by_name.close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert other_port.seen == [] and by_name.seen == [], (other_port.seen, by_name.seen)
    assert asked == [site.server_port], asked  # Tor was asked for the site alone
    assert [u.lower() for u in own] == ["websocket"]
