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
(tests/slow_socks.py, no delay: it forwards an onion name standing for the site, 127.0.0.1 and
localhost, all to 127.0.0.1, where the private Tor network's exits would go anywhere), a hostile
site and two services on 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.slow_socks import SlowCircuitSocks
from tests.test_attack_review_round8 import _Listener, hostile_page_site
from tests.test_browser_render import browser_fetch


@pytest.mark.slow
def test_a_page_through_tor_reaches_no_host_but_the_sources(tmp_path: Path) -> None:
    other_port, by_name = _Listener("127.0.0.1"), _Listener("127.0.0.1")
    off_site = [f"ws://127.0.0.1:{other_port.port}/port", f"ws://localhost:{by_name.port}/name"]
    own: list[str] = []
    worker = f"fetch('http://localhost:{by_name.port}/worker-fetch').catch(() => 0);"

    onion = "hostile" + "x" * 49 + ".onion"  # the site, as Tor would reach it (round 10: never a loopback name)
    site = hostile_page_site(off_site, worker, f"http://localhost:{by_name.port}/popup", own, own_host=onion)
    try:
        with SlowCircuitSocks(build_seconds=0, onions=(onion,)) as socks:
            result = browser_fetch(tmp_path, {"url": f"http://{onion}:{site.server_port}/",
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
