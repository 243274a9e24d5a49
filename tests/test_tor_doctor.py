"""`vigie doctor` and the stem adapter (`crawler.tor.TorController`) on the private network."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from crawler.tor import TorControlError, TorController
from tests import cli_fork
from vigie.config.schema import TorSettings
from vigie_kit.ports import free_port
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor]

ROOT = Path(__file__).resolve().parents[1]


def _doctor(tmp_path: Path, tor: dict, *args: str) -> tuple[int, dict]:
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "vigie.yaml").write_text(json.dumps({"tor": tor}))  # JSON is YAML
    proc = cli_fork.run([sys.executable, "-m", "vigie", "doctor", "--json", "-c", str(cfg),
                           "-d", str(tmp_path / "data"), *args],
                        cwd=ROOT, capture_output=True, text=True, timeout=240)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, (proc.stdout, proc.stderr[-2000:])
    return proc.returncode, json.loads(lines[-1])


def _external(net: PrivateTorNetwork, **extra: object) -> TorSettings:
    return TorSettings(mode="external", socks_port=net.socks_port, control_port=net.control_port,
                       cookie_auth_file=net.client_cookie_path, **extra)


@pytest.mark.slow
def test_doctor_reports_the_private_network_client(tor_network: PrivateTorNetwork,
                                                   tmp_path: Path) -> None:
    code, health = _doctor(tmp_path, {
        "mode": "external", "socks_port": tor_network.socks_port,
        "control_port": tor_network.control_port,
        "cookie_auth_file": str(tor_network.client_cookie_path)})
    assert code == 0, health
    assert health["ok"] is True
    assert health["version"].startswith("0.4.")
    assert health["bootstrap_percent"] == 100
    assert health["socks_reachable"] and health["control_reachable"]
    assert health["circuit_count"] >= 1


def test_doctor_fails_clearly_when_tor_is_absent(tmp_path: Path) -> None:
    dead = free_port()
    code, health = _doctor(tmp_path, {"mode": "external", "socks_port": free_port(),
                                      "control_port": dead})
    assert code == 1
    assert health["ok"] is False and health["control_reachable"] is False
    assert f"cannot reach tor's control port 127.0.0.1:{dead}" in health["error"]


@pytest.mark.slow
def test_doctor_launch_starts_tor_and_reports_bootstrap(tor_network: PrivateTorNetwork,
                                                        tmp_path: Path) -> None:
    """tor.mode launch + --launch: stem starts a tor that joins the private network."""
    code, health = _doctor(tmp_path, {
        "mode": "launch", "socks_port": free_port(), "control_port": free_port(),
        "bootstrap_timeout_seconds": 90, "extra_torrc": tor_network.client_options()}, "--launch")
    assert code == 0, health
    assert health["bootstrap_percent"] == 100 and health["ok"] is True
    assert (tmp_path / "data" / "tor").is_dir()


def test_doctor_launch_mode_without_launch_checks_the_binary(tmp_path: Path) -> None:
    code, out = _doctor(tmp_path, {"mode": "launch", "tor_binary": "tor"})
    assert code == 0 and out["tor_binary"].endswith("/tor")
    code, out = _doctor(tmp_path, {"mode": "launch", "tor_binary": "no-such-tor-binary"})
    assert code == 1 and out["tor_binary"] is None


@pytest.mark.slow
def test_controller_health_and_rate_limited_newnym(tor_network: PrivateTorNetwork,
                                                   tmp_path: Path) -> None:
    progress: list[str] = []
    tor = TorController(_external(tor_network, newnym_interval="30m"), tmp_path,
                        on_progress=progress.append)
    with tor:
        assert any("bootstrapped 100%" in m for m in progress), progress
        health = tor.health()
        assert health.ok and health.version and health.version.startswith("0.4.")
        if tor.newnym_wait() > 0:  # another test sent one within tor's 10 s window
            import time
            time.sleep(tor.newnym_wait() + 0.2)
        assert tor.newnym() is True and tor.newnym_count == 1
        # tor's rate limit: an immediate second NEWNYM is deferred, not sent
        assert tor.newnym() is False and tor.newnym_count == 1
        assert 0 < tor.newnym_wait() <= 10
        assert tor.tick() is False  # still pending, still rate-limited
        assert tor.newnym_count == 1


def test_controller_errors_name_the_port(tmp_path: Path) -> None:
    port = free_port()
    tor = TorController(TorSettings(mode="external", control_port=port), tmp_path)
    with pytest.raises(TorControlError, match=f"cannot reach tor's control port 127.0.0.1:{port}"):
        tor.connect()
    health = tor.health()
    assert not health.ok and not health.control_reachable


def test_scheduled_newnym_uses_the_interval(tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    """The schedule is driven by an injectable clock, against the real control port."""
    now = [1000.0]
    tor = TorController(_external(tor_network, newnym_interval="60s"), tmp_path,
                        clock=lambda: now[0])
    tor.connect()
    try:
        assert tor.tick() is False  # 0 s since start
        now[0] += 59
        assert tor.tick() is False and tor.newnym_count == 0  # not yet due
        now[0] += 2
        # Due, and sent: tor's 10 s NEWNYM window is counted per control connection (stem's
        # is_newnym_available), and this one is fresh, so other tests' NEWNYMs cannot defer it.
        assert tor.tick() is True and tor.newnym_count == 1
        assert tor.tick() is False and tor.newnym_count == 1  # the interval restarts from the NEWNYM
    finally:
        tor.close()
