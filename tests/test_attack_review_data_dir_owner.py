"""Attacker's review: a data directory that another local user created first.

Vigie narrowed an existing data directory to 0700 and used it, whoever owned it. The owner of a
directory can chmod it back at any time and rename, delete or replace what is in it: a local user
who creates `data/` (or the configured path) before Vigie's first run could put a web.sqlite3 of
their own there, with an operator account whose password they know, or swap the outbox. The
real CLI now refuses such a directory, and says why, before it reads or writes anything in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures.forum import shipped_example_env, test_keys_env

ROOT = Path(__file__).resolve().parents[1]
OTHER_UID = 65534  # nobody: "another local user"


def _org_show(config: Path, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigie", "org", "show", "example-org", "-c", str(config),
                           "-d", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **shipped_example_env, **test_keys_env, "COLUMNS": "250"})


def test_a_data_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, OTHER_UID, OTHER_UID)
    data.chmod(0o777)
    done = _org_show(config, data)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (f"error: data directory {data} belongs to another user (uid {OTHER_UID}), who can replace anything "
            "Vigie keeps in it: refused") in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    assert list(data.iterdir()) == [] and data.stat().st_mode & 0o777 == 0o777  # nothing read, written or changed


def test_our_own_wide_data_directory_is_still_narrowed_and_used(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    done = _org_show(config, data)
    assert done.returncode == 1 and "example-org: no tokens registered" in done.stderr, done.stdout + done.stderr
    assert data.stat().st_mode & 0o777 == 0o700
