"""Attacker's review, round 15: the PATH the programs Vigie starts run others by.

Round 13 made Vigie run the `tor` it looks up on PATH only from where no other account can put
one. The programs it starts (tor, Chromium, Playwright's driver, the readers) still got the
operator's PATH whole: Debian's /usr/bin/chromium is a shell script that runs `uname`, `grep`,
`expr`, `findmnt`, `ls` and `tr` by name before Chromium starts, as Vigie's account (the account
whose data directory holds the key files). A PATH entry another account writes (the current
directory through an empty entry or `.`, a shared tools directory, a home another account owns)
let that account run its own `uname` there. `child_env()` now keeps only the PATH entries no
other account can add a program to (`vigie.core.process.trusted_path`).

Cheap: the real Chromium wrapper with `--version` (about a second), a planted `uname` recording
that it ran; no browser started. As root, another account is uid 1000 (chown).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vigie.core.process import child_env, trusted_path

CHROMIUM = "/usr/bin/chromium"
OTHER_UID = 1000

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Debian's chromium is not installed")


def _plant(directory: Path, marker: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    fake = directory / "uname"
    fake.write_text(f"#!/bin/sh\necho ran >> {marker}\nexec /usr/bin/uname \"$@\"\n")
    fake.chmod(0o755)


def _planted_dirs(tmp_path: Path) -> dict[str, tuple[str, Path | None]]:
    """(PATH entry, the directory to run from) for each place another account can write."""
    tmp_path.chmod(0o755)
    world = tmp_path / "world"  # writable by everyone, not sticky
    _plant(world, tmp_path / "ran")
    world.chmod(0o777)
    other = tmp_path / "other"  # another account's own directory
    _plant(other, tmp_path / "ran")
    os.chown(other, OTHER_UID, OTHER_UID)
    under = tmp_path / "open" / "bin"  # a directory of ours inside one everyone writes: renamed away
    _plant(under, tmp_path / "ran")
    (tmp_path / "open").chmod(0o777)
    cwd = tmp_path / "cwd"  # an empty entry: the current directory, when Vigie starts there
    _plant(cwd, tmp_path / "ran")
    return {"world_writable": (str(world), None), "other_account": (str(other), None),
            "inside_a_world_writable_dir": (str(under), None), "empty_entry_is_cwd": ("", cwd),
            "dot_is_cwd": (".", cwd)}


@pytest.mark.skipif(os.geteuid() != 0, reason="planting another account's directory needs root (chown)")
@pytest.mark.parametrize("case", ["world_writable", "other_account", "inside_a_world_writable_dir",
                                  "empty_entry_is_cwd", "dot_is_cwd"])
def test_chromiums_wrapper_runs_no_program_another_account_planted(tmp_path: Path, case: str) -> None:
    """Before: the planted `uname` ran (the wrapper's `uname -m`), as the crawl's account."""
    entry, cwd = _planted_dirs(tmp_path)[case]
    env = child_env({"PATH": f"{entry}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    run = subprocess.run([CHROMIUM, "--version"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert "Chromium" in run.stdout, run.stderr[-500:]
    assert not (tmp_path / "ran").exists(), f"the {case} uname ran (PATH given: {env['PATH']})"


def test_ordinary_path_entries_stay(tmp_path: Path) -> None:
    """Negatives: the system's directories, a directory of ours under the sticky /tmp, a
    symlinked entry to one of them stay, in order, once each; nothing left gives /usr/bin:/bin."""
    ours = tmp_path / "tools"
    ours.mkdir(mode=0o755)
    link = tmp_path / "link"
    link.symlink_to(ours)
    path = f"{ours}:/usr/local/bin:/usr/bin:/bin:/usr/bin:{link}"
    assert trusted_path(path) == f"{ours}:/usr/local/bin:/usr/bin:/bin:{link}"
    assert trusted_path(":.:relative/bin") == "/usr/bin:/bin"
    env = child_env({"PATH": "/usr/bin:/bin", "HOME": "/x", "VIGIE_DATA_KEY": "1:00"})
    assert env == {"PATH": "/usr/bin:/bin", "HOME": "/x"}
    assert shutil.which("uname", path=env["PATH"]) is not None
