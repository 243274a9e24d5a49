"""Attacker's review, round 10: a dedicated worker's WebSocket on a browser source through Tor.

Round 9 routed every request of every page, popup and worker, and every page's WebSocket, in the
browser context (Playwright's routing), because Chromium's host rules do nothing where it
resolves no name, as through Tor's SOCKS port. Playwright routes no WebSocket a worker opens: a
hostile onion page's `new Worker(blob)` running `new WebSocket('ws://elsewhere/')` reached any
host and port through Tor. Now a `network: tor` browser source's Chromium takes its proxy from a
PAC script that sends the source's hosts and ports to Tor's SOCKS port and every other
destination to a proxy that cannot exist: whatever opens a connection (a page, a frame, any
worker, a WebSocket or a fetch), Chromium's network stack refuses it before Tor is asked.

Real Chromium through a real SOCKS5 proxy on loopback standing for Tor's SOCKS port
(tests/slow_socks.py: it forwards the onion name that stands for the site, 127.0.0.1 and
localhost, all to 127.0.0.1), a hostile site and two services on 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.slow_socks import SlowCircuitSocks
from tests.test_attack_review_round8 import _Listener, hostile_page_site
from tests.test_browser_render import browser_fetch

ONION = "hostile" + "x" * 49 + ".onion"  # the site, as Tor would reach it
ELSEWHERE = "elsewhere" + "x" * 47 + ".onion"  # another onion (the test's SOCKS would forward it too)


@pytest.mark.slow
def test_a_workers_websocket_through_tor_reaches_no_host_but_the_sources(tmp_path: Path) -> None:
    """The page's worker opens WebSockets to another port of the site's onion, to another onion,
    and to 127.0.0.1 and `localhost` on other ports; before the fix the
    SOCKS port was asked for them and the services got the handshakes. Now Tor is asked for the
    site's host and port alone (the PAC script refuses the onions' other destinations, the
    resolver rules the loopback ones, which Chromium never sends to a PAC proxy); the page's own
    WebSocket still goes out (its script ran)."""
    other_port, by_name = _Listener("127.0.0.1"), _Listener("127.0.0.1")
    own: list[str] = []
    worker = (f"new WebSocket('ws://127.0.0.1:{other_port.port}/worker-port');"
              f"new WebSocket('ws://localhost:{by_name.port}/worker-name');"
              f"new WebSocket('ws://{ONION}:{other_port.port}/worker-onion-port');"
              f"new WebSocket('ws://{ELSEWHERE}:{other_port.port}/worker-elsewhere');")
    site = hostile_page_site([], worker, f"http://localhost:{by_name.port}/popup", own, own_host=ONION)
    try:
        with SlowCircuitSocks(build_seconds=0, onions=(ONION, ELSEWHERE)) as socks:
            result = browser_fetch(tmp_path, {"url": f"http://{ONION}:{site.server_port}/",
                                              "socks": ["127.0.0.1", socks.port], "source": "hostile",
                                              "max_pages": 1})
            deadline = time.monotonic() + 5
            while not own and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1)  # what the worker opened has had its time to arrive
            asked = sorted({(host, port) for host, port, _ in socks.connects})
    finally:
        site.shutdown()
        site.server_close()
        other_port.close()
        by_name.close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert other_port.seen == [] and by_name.seen == [], (other_port.seen, by_name.seen)
    assert asked == [(ONION, site.server_port)], asked
    assert [u.lower() for u in own] == ["websocket"]
