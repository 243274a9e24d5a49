"""`render: browser` over the private Tor network: the JS leak site as an onion service, its
victims read from the client-rendered DOM, pagination followed, the rate printed (pages/minute)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vigie_kit.leaksite import LeakSite
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def browser_fetch(tmp: Path, spec: dict[str, Any], wrapper: list[str] | None = None,
                  timeout: float = 240) -> dict[str, Any]:
    """Run vigie_kit.browser_fetch in a subprocess (one reactor per process); its JSON result."""
    spec_path, out = tmp / "spec.json", tmp / "out.json"
    spec_path.write_text(json.dumps(spec))
    cmd = [*(wrapper or []), sys.executable, "-m", "vigie_kit.browser_fetch", str(spec_path), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


def _send_html(handler: Any, body: bytes) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture(scope="module")
def onion_leaksite(tor_network: PrivateTorNetwork):
    with LeakSite() as site:
        yield site, tor_network.add_onion_service(site.address[1])


def test_js_leak_site_rendered_through_tor(onion_leaksite, tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    site, onion = onion_leaksite
    result = browser_fetch(tmp_path, {"url": f"http://{onion}/", "socks": ["127.0.0.1", tor_network.socks_port],
                                      "source": "lockleak", "max_pages": 3})
    pages = result["pages"]
    assert [p["ready"] for p in pages] == ["ready"] * 3
    names = [n for p in pages for n in p["victims"]]
    assert names == [v.name for v in site.victims]  # every victim, only from the JS-built DOM
    assert pages[-1]["next"] is None
    # the served HTML itself holds no victim: only a browser sees them
    assert site.victims[0].name not in (ROOT / "vigie_kit" / "leaksite.py").read_text().split("_SHELL")[1][:400]
    rate = len(pages) / result["seconds"] * 60
    print(f"\n[browser] {len(pages)} pages rendered through Tor in {result['seconds']:.1f}s: {rate:.1f} pages/minute")


def test_browser_restarted_after_n_pages(tmp_path: Path) -> None:
    # a local site (network: direct, no Tor needed): only the handler's restart logic is under test
    with LeakSite() as site:
        host, port = site.address
        result = browser_fetch(tmp_path, {"url": f"http://{host}:{port}/", "socks": None, "source": "lockleak",
                                          "max_pages": 3, "restart_after": 1})
    assert [len(p["victims"]) for p in result["pages"]] == [10, 10, 5]
    assert result["stats"].get("vigie_browser/restarts/pages") == 2  # before pages 2 and 3


def test_a_page_the_browser_gave_up_on_is_retried(tmp_path: Path) -> None:
    """A navigation that times out (a stalled circuit, a slow site) is retried like an HTTP
    request that timed out: the first request of the page stalls past the page timeout, the
    second is answered, and the page is read. (A local server, network: direct: only the
    handler's failure path is under test.)"""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []
    release = threading.Event()

    class Stalling(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/":
                self.send_error(404)
                return
            asked.append(self.path)
            if len(asked) == 1:
                release.wait(20)  # past the 3 s page timeout: the browser gives up on it
            _send_html(self, b"<html><body><p id='state'>ready</p>"
                             b"<article class='victim'><h2 class='name'>Acme</h2></article></body></html>")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{server.server_port}/", "socks": None,
                                          "source": "stalled", "max_pages": 1, "timeout": 3})
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert len(asked) == 2
    assert result["stats"].get("retry/count") == 1
    assert result["stats"].get("retry/reason_count/scrapy.exceptions.DownloadTimeoutError") == 1


def test_a_circuit_slower_than_chromiums_30_s_socks_limit_still_gives_the_page(tmp_path: Path) -> None:
    """Chromium gives up on a SOCKS handshake after 30 s whatever the page timeout, and Tor
    answers only once its circuit is built (an onion's rendezvous on a loaded network takes
    longer). The handler opens the circuit first, waiting up to the page timeout (60 s here):
    the page is read on its first attempt (retries off). Before, the navigation failed with
    net::ERR_TIMED_OUT at 30 s. The slow circuit is modelled by tests/slow_socks.py (Tor's own
    timing cannot be slowed on purpose); the browser, the handler and the site are real."""
    from tests.slow_socks import SlowCircuitSocks

    onion = "slowcircuit" + "x" * 45 + ".onion"  # the site as Tor reaches it (Chromium sends no loopback name to Tor)
    with LeakSite() as site, SlowCircuitSocks(build_seconds=33, onions=(onion,)) as socks:
        _, port = site.address
        result = browser_fetch(tmp_path, {"url": f"http://{onion}:{port}/", "socks": ["127.0.0.1", socks.port],
                                          "source": "slowcircuit", "max_pages": 1, "timeout": 60, "retries": 0})
        waits = sorted(w for _, _, w in socks.connects)
    assert [len(p["victims"]) for p in result["pages"]] == [10], result
    assert result["stats"].get("vigie_browser/circuits_opened") == 1
    assert "retry/count" not in result["stats"]
    assert waits[0] < 5 and waits[-1] >= 30, waits  # the handler's stream waited; Chromium's did not


def test_a_page_reaches_no_host_but_the_sources(tmp_path: Path) -> None:
    """A hostile page on a `network: direct` browser source (no Tor, so no proxy and no exit
    policy in the way) points an image, a fetch() and an iframe at another loopback address and
    at `localhost`, as it would at a local service or a cloud metadata address. None of them
    leaves the browser; the page itself is read. (Real Chromium, real local servers.)"""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Victim(BaseHTTPRequestHandler):  # the local service a page must not reach
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    victim = ThreadingHTTPServer(("127.0.0.2", 0), Victim)
    vport = victim.server_port

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (f"<html><body><p id='state'>ready</p><article class='victim'><h2 class='name'>Acme</h2>"
                    f"</article><img src='http://127.0.0.2:{vport}/img'>"
                    f"<iframe src='http://localhost:{vport}/frame'></iframe>"
                    f"<script>fetch('http://127.0.0.2:{vport}/fetch').catch(() => 0)</script></body></html>").encode()
            _send_html(self, body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    for server in (victim, site):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = browser_fetch(tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None,
                                          "source": "hostile", "max_pages": 1})
    finally:
        for server in (victim, site):
            server.shutdown()
            server.server_close()
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert hits == []
    assert result["stats"].get("playwright/request_count/aborted") == 3
