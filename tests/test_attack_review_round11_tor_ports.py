"""Attacker's review, round 11: another local user on the tor ports of `vigie run` and `vigie crawl`.

The tor that `vigie run` and `vigie crawl` launch (`tor.mode: launch`) listened on the configured
`tor.socks_port` and `tor.control_port` (9050, 9051). Another local account binding either first
stopped every tor source: a squatter on the SOCKS port was refused (its owner checked, round 8)
and the crawl failed with it; one on the control port kept tor from starting at all. Monitoring of
the dark web stopped for as long as the squatter stayed, for the price of one `listen()`. The
squatter is still never used, but no longer stops anything: the tor launched then binds ports of
its own choosing (`auto`, as a scale worker's does since round 10), and the crawl uses them
(`vigie crawl` from its controller, the service's crawls through `--tor-socks`).

Real parts, loopback only: squatters running as `nobody` (tests/squatter.py), a real tor whose
only relay is a bridge at 127.0.0.1:9 (nothing there: it never bootstraps, so bootstrap is not
waited for; its listeners are what is under test).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.squatter import Squatter
from vigie.config.schema import TorSettings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="a squatter of another uid needs root to start"),
]


def _settings(socks_port: int, control_port: int) -> TorSettings:
    return TorSettings(
        mode="launch",
        socks_host="127.0.0.1",
        socks_port=socks_port,
        control_port=control_port,
        bootstrap_timeout_seconds=30,
        extra_torrc={"UseBridges": "1", "Bridge": "127.0.0.1:9"},
    )


@pytest.mark.parametrize("taken", ["socks", "control"])
def test_a_squatter_on_a_configured_tor_port_stops_no_tor_source(
    tmp_path: Path, taken: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the fix, `start_tor` raised TorError for the SOCKS squatter ("not a tor of ours")
    and TorLaunchError for the control one (tor could not bind its port). Now a tor of ours
    listens on ports it bound itself, answers SOCKS5, and the squatter got nothing; the service's
    crawl command names that SOCKS port."""
    from crawler._tor_socks import socks5_greeting_ok
    from crawler.tor import TorController
    from vigie.service.service import VigieService
    from vigie.wiring import start_tor
    from vigie_kit.ports import free_port

    monkeypatch.setattr(TorController, "wait_bootstrap", lambda self, timeout=None: None)
    with Squatter("socks5" if taken == "socks" else "http") as sq:
        socks_port, control_port = (sq.port, free_port()) if taken == "socks" else (free_port(), sq.port)
        tor = start_tor(_settings(socks_port, control_port), tmp_path / "data", needed=True)
        assert tor is not None
        try:
            chosen = tor.settings.socks_port, tor.settings.control_port
            assert sq.port not in chosen and socks5_greeting_ok("127.0.0.1", chosen[0]), (sq.port, chosen)
            service = SimpleNamespace(_tor=tor, config_dir=tmp_path / "config", data_dir=tmp_path / "data")
            cmd = VigieService._default_crawl_command(service, "onion-a", tmp_path / "s.json")  # type: ignore[arg-type]
            assert cmd[-2:] == ["--tor-socks", f"127.0.0.1:{chosen[0]}"], cmd
        finally:
            tor.close()
        assert sq.received == b"", sq.received  # looked at (a connect), never spoken to
