"""Attacker's review: a configuration that another local user can write.

The config directory decides where alerts go (an organisation's webhook URL and secret, its
e-mail addresses) and what is crawled how (a source's URLs, `network: direct`). A local user who
can write a file there, or add one to a directory there, redirects an organisation's alerts to a
receiver of theirs or adds an organisation of their own, and Vigie loaded it all the same. Each
case runs the real CLI (`vigie config check`, `vigie org list`) on a copy of the shipped config.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.forum import shipped_example_env, test_keys_env

ROOT = Path(__file__).resolve().parents[1]


def _vigie(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigie", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **shipped_example_env, **test_keys_env, "COLUMNS": "200"})


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    for path in [cfg, *cfg.rglob("*")]:  # as a checkout with umask 022 leaves it
        path.chmod(0o755 if path.is_dir() else 0o644)
    return cfg


def test_the_shipped_config_copy_is_accepted(config: Path) -> None:
    """The baseline the cases below change one mode of."""
    proc = _vigie("config", "check", str(config))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("target", ["organisations/example-org.yaml", "organisations", "sources", "vigie.yaml",
                                    "."])
def test_a_config_path_other_users_can_write_is_refused(config: Path, target: str) -> None:
    path = config / target
    path.chmod(0o777 if path.is_dir() else 0o666)
    proc = _vigie("config", "check", str(config))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    shown = str(path.resolve()) if target != "." else str(config.resolve())
    assert f"{shown} is writable by other users" in proc.stdout
    assert f"chmod o-w {shown}" in proc.stdout


def test_a_world_writable_organisations_directory_stops_the_commands_that_load_it(config: Path,
                                                                                         tmp_path: Path) -> None:
    (config / "organisations").chmod(0o1777)  # sticky does not help: anyone may still add a file
    (tmp_path / "data").mkdir(mode=0o700)
    refused = _vigie("org", "show", "example-org", "-c", str(config), "-d", str(tmp_path / "data"))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"{(config / 'organisations').resolve()} is writable by other users" in refused.stdout + refused.stderr
    (config / "organisations").chmod(0o755)
    proc = _vigie("org", "show", "example-org", "-c", str(config), "-d", str(tmp_path / "data"))
    assert proc.returncode == 1 and "example-org: no tokens registered" in proc.stderr, proc.stdout + proc.stderr


def test_group_writable_stays_the_operators_choice(config: Path) -> None:
    """A shared operators' group (umask 002) may edit the config: only *other* users are refused."""
    (config / "organisations").chmod(0o775)
    (config / "organisations" / "example-org.yaml").chmod(0o664)
    proc = _vigie("config", "check", str(config))
    assert proc.returncode == 0, proc.stdout + proc.stderr
