"""Attacker's review, round 12: `vigie status` and the tor ports another account squats.

Round 11 made the tor `vigie run` launches bind ports of its own choosing when another local
account holds the configured ones, and left open that `vigie status` still asked the configured
ports: it reported the squatter's port (or tor "not reachable") while the service's tor ran fine
elsewhere, so an operator saw the wrong tor, or none. It also read a launched tor's cookie from the
current directory (`./tor/control_auth_cookie`), not the data directory's. Status now reads the
control port the launched tor wrote in its 0700 data directory, uses it once that tor passes
SAFECOOKIE with the cookie beside it, and names the ports it chose.

Real parts, loopback only: a squatter running as `nobody` on the configured control port
(tests/squatter.py) and a real tor launched by `vigie.wiring.start_tor` whose only relay is a
bridge at 127.0.0.1:9 (nothing there: it never bootstraps; its control port is what is asked), as
round 11's test does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.squatter import Squatter
from tests.test_attack_review_round11_tor_ports import _settings
from vigie.core.peers import TrustedPeers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="a squatter of another uid needs root to start"),
]


def test_status_shows_the_tor_the_service_runs_not_the_squatter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 ) -> None:
    """Before: status asked 127.0.0.1:<configured control port>, the squatter's, and said "not
    reachable"; now it reports the launched tor (its version) on the ports it chose."""
    from crawler.tor import TorController
    from vigie.wiring import start_tor, tor_status
    from vigie_kit.ports import free_port

    monkeypatch.setattr(TorController, "wait_bootstrap", lambda self, timeout=None: None)
    with Squatter("http") as sq:
        settings = _settings(free_port(), sq.port)
        data_dir = tmp_path / "data"
        tor = start_tor(settings, data_dir, needed=True)
        assert tor is not None
        try:
            chosen = tor.settings.control_port
            assert chosen != sq.port
            said = tor_status(settings, data_dir, TrustedPeers.default())
            assert "not reachable" not in said and said.startswith("attention: tor 0."), said
            assert f"control 127.0.0.1:{chosen}" in said and f"SOCKS 127.0.0.1:{tor.settings.socks_port}" in said
        finally:
            tor.close()
        # the tor gone, its file stays: its port is tried, fails, and the configured ones are asked
        said = tor_status(settings, data_dir, TrustedPeers.default())
        assert "not reachable" in said and f"127.0.0.1:{sq.port}" in said, said
