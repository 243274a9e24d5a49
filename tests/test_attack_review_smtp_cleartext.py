"""Attacker's review: the SMTP password sent in clear over a network.

`alerts.smtp.security: none` is documented for a relay on the same machine, but nothing held it
there: with a remote host and a login, Vigie sent AUTH (the password, base64) and every alert mail
unencrypted to whoever is on the path. The real CLI (`vigie config check`) now refuses that
configuration before anything is sent; a plain login to a relay on this machine, and a remote
relay that takes mail without a login, stay allowed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "smtp-Pw-Synthetic-81"


def _check(tmp_path: Path, smtp: dict[str, object]) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "vigie.yaml").write_text(json.dumps({"alerts": {"smtp": smtp}}))  # JSON is YAML
    return subprocess.run([sys.executable, "-m", "vigie", "config", "check", str(cfg)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("host", ["smtp.example.net", "192.0.2.25", "mail"])
def test_a_plain_smtp_login_to_another_host_is_refused(tmp_path: Path, host: str) -> None:
    proc = _check(tmp_path, {"host": host, "port": 25, "security": "none", "username": "vigie",
                             "password": PASSWORD})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (f"alerts.smtp.security: none would send the SMTP password in clear to {host}: use starttls or ssl, "
            "or log in to a relay on this machine (127.0.0.1)") in proc.stdout
    assert PASSWORD not in proc.stdout + proc.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_a_plain_login_to_a_relay_on_this_machine_stays_allowed(tmp_path: Path, host: str) -> None:
    proc = _check(tmp_path, {"host": host, "port": 25, "security": "none", "username": "vigie",
                             "password": PASSWORD})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_remote_relay_without_login_stays_allowed(tmp_path: Path) -> None:
    """No credential to leak: a relay on the site's network that takes mail without a login."""
    proc = _check(tmp_path, {"host": "relay.example.net", "port": 25, "security": "none"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
