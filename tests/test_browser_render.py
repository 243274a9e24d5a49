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
