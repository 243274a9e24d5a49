"""Attacker's review, round 13: the tor Vigie launches, found on PATH where another account writes.

`tor.tor_binary` (default `tor`) is looked up on PATH. A PATH entry another account can write (an
empty entry, which is the current directory, when Vigie starts from /tmp or a shared directory;
a world- or group-writable directory) let that account put its own `tor` there, and `vigie run`
or `vigie crawl` ran it with Vigie's rights: its keys (in its environment or data directory), its
data, its alerts. The program found and every directory above it must now belong to a trusted
account and be writable by no untrusted one (`vigie.core.executables.trusted_executable`); the
resolved path is what runs.

Real parts: a real script planted where PATH finds it first, run (or not) by the real launcher
(`TorController.launch`); it leaves a mark when run. The system's tor still passes.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from crawler.tor import TorController, TorLaunchError
from vigie.config.schema import TorSettings
from vigie.core.executables import trusted_executable
from vigie.core.peers import TrustedPeers

NOBODY = 65534


def _plant(directory: Path, mark: Path) -> None:
    tor = directory / "tor"
    tor.write_text(f"#!/bin/sh\ntouch {mark}\nsleep 30\n")
    tor.chmod(0o755)


def _launch(data: Path) -> str:
    controller = TorController(
        TorSettings(mode="launch", bootstrap_timeout_seconds=3), data, peers=TrustedPeers.default()
    )
    with pytest.raises(TorLaunchError) as got:
        controller.launch()
    return str(got.value)


@pytest.mark.parametrize("how", ["world-writable directory first on PATH", "empty PATH entry, cwd shared"])
def test_a_tor_another_account_planted_on_path_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    shared, mark = tmp_path / "shared", tmp_path / "ran"
    shared.mkdir()
    shared.chmod(0o777)  # every account writes it (not sticky): anyone's `tor` could be there
    _plant(shared, mark)
    if how.startswith("empty"):
        monkeypatch.chdir(shared)
        monkeypatch.setenv("PATH", ":" + os.environ["PATH"])
    else:
        monkeypatch.setenv("PATH", f"{shared}:{os.environ['PATH']}")
    message = _launch(tmp_path / "data")  # before: the planted script ran (the mark), then tor "failed"
    assert not mark.exists(), "the planted tor was run"
    assert "writable by every account" in message and "not run" in message, message


@pytest.mark.skipif(os.geteuid() != 0, reason="another account's file needs root to make")
def test_a_tor_another_account_owns_is_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own, mark = tmp_path / "bin", tmp_path / "ran"
    own.mkdir()
    _plant(own, mark)
    os.chown(own / "tor", NOBODY, NOBODY)
    monkeypatch.setenv("PATH", f"{own}:{os.environ['PATH']}")
    message = _launch(tmp_path / "data")
    assert not mark.exists() and "uid 65534" in message, message


def test_the_systems_tor_and_a_sticky_directory_still_pass(tmp_path: Path) -> None:
    system = shutil.which("tor")
    assert system is not None
    assert trusted_executable(system, TrustedPeers.default()) == os.path.realpath(system)
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)  # as /tmp: a file of ours there cannot be replaced by another account
    mine = sticky / "tool"
    mine.write_text("#!/bin/sh\n")
    mine.chmod(0o755)
    assert trusted_executable(str(mine), TrustedPeers.default()) == str(mine)
    mine.chmod(0o757)  # but the file itself writable by every account is refused
    assert stat.S_IMODE(mine.stat().st_mode) == 0o757
    with pytest.raises(Exception, match="writable by every account"):
        trusted_executable(str(mine), TrustedPeers.default())
