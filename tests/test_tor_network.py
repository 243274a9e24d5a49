"""The private Tor network itself: loopback-only guard, reuse, clean stop, client crash/restart."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from crawler._tor_socks import socks5_greeting_ok, socks5_http_get
from crawler.handlers import tor_download_handler_settings
from tests.fixtures.tor import OnionSite, start_tor_fetch
from vigie_kit.tornet import NotIsolatedError, PrivateTorNetwork, assert_loopback_only

pytestmark = [pytest.mark.tor]


def test_refuses_to_start_when_another_interface_exists(tmp_path: Path) -> None:
    """A tap interface (no address, down) appears in this throw-away namespace: start() must
    refuse before launching anything."""
    assert_loopback_only()  # the suite runs in `unshare --net`
    subprocess.run(["ip", "tuntap", "add", "dev", "vigie-tap0", "mode", "tap"], check=True)
    try:
        with pytest.raises(NotIsolatedError) as err:
            PrivateTorNetwork(tmp_path / "net").start()
        assert "vigie-tap0" in str(err.value) and "unshare --net" in str(err.value)
        assert not (tmp_path / "net").exists(), "nothing may be created or launched"
    finally:
        subprocess.run(["ip", "tuntap", "del", "dev", "vigie-tap0", "mode", "tap"], check=True)


@pytest.mark.slow
def test_session_network_is_shared_and_serves_onions(tor_network: PrivateTorNetwork,
                                                     onion_site: OnionSite) -> None:
    assert tor_network.started_seconds is not None and tor_network.started_seconds < 120
    assert len(tor_network.pids) == 7
    assert socks5_greeting_ok("127.0.0.1", tor_network.socks_port)
    assert tor_network.client_cookie_path.stat().st_size == 32
    assert tor_network.add_onion_service(onion_site.port) == onion_site.onion  # reused, not re-created
    status, body = socks5_http_get("127.0.0.1", tor_network.socks_port, onion_site.url("/page/x"),
                                   username="t", password="t")
    assert status == 200 and b"/page/x" in body


@pytest.mark.slow
def test_kill_client_mid_fetch_then_restart_retries_succeed(
        tor_network: PrivateTorNetwork, onion_site: OnionSite, tmp_path: Path) -> None:
    """Handler level: slow pages in flight when tor dies fail with Scrapy errors; after the
    restart the retried requests succeed, each URL exactly once in the results."""
    urls = [onion_site.url(f"/slow/k{i}?ms=400") for i in range(12)]
    spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                         "CONCURRENT_REQUESTS": 3, "DOWNLOAD_TIMEOUT": 20},
            "requests": [{"url": u} for u in urls], "attempts": 8, "backoff_seconds": 0.5}
    proc, out = start_tor_fetch(spec, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while sum(n for p, n in onion_site.hits.items() if p.startswith("/slow/k")) < 3:
            assert time.monotonic() < deadline and proc.poll() is None, "fetch never started"
            time.sleep(0.05)
        tor_network.kill_client()
        assert not socks5_greeting_ok("127.0.0.1", tor_network.socks_port)
        time.sleep(1.0)
    finally:
        tor_network.restart_client()
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr[-2000:]
    import json
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["url"] for r in results) == sorted(urls)
    assert all(r["status"] == 200 for r in results), results
    errors = [e for r in results for e in r["errors"]]
    assert errors, "tor was killed: some attempts must have failed"
    assert all(e.startswith(("scrapy.exceptions.DownloadConnectionRefusedError",
                             "scrapy.exceptions.DownloadFailedError",
                             "scrapy.exceptions.DownloadTimeoutError",
                             "twisted.")) for e in errors), errors
    assert any("DownloadConnectionRefusedError" in e for e in errors)


@pytest.mark.slow
def test_stop_terminates_and_reaps_every_process(tmp_path: Path) -> None:
    """A second, short-lived network: stop() leaves no tor process behind (checked by PID)."""
    net = PrivateTorNetwork(tmp_path / "net2")
    net.start()
    pids = net.pids
    assert len(pids) == 7
    net.stop()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # reaped: not even a zombie
    assert net.pids == []
