"""Attacker's review, round 15: `vigie scan`'s archive passwords are not on its command line.

`vigie scan leak.7z --password TEXT` put the archive's password in the process list, where
every local account reads it (/proc/<pid>/cmdline, `ps`) for as long as the scan runs, and in the
shell's history. A posted leak's password is public, but an analyst also opens a victim's own
encrypted export, or a password given in confidence. They are read from a file now
(`--passwords-file FILE`, or `-` for stdin); `--password` still works, with a warning.

Cheap: an encrypted 7z made with py7zr (no 7-Zip needed), `vigie scan` forked (tests.cli_fork).
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import py7zr
import pytest

from tests import cli_fork
from tests.fixtures.forum import REPO, test_keys_env

PASSWORD = "Fuite-Clinique#2026"
ROWS = b"email;telephone\n" + b"".join(b"patient%d@exemple.fr;06 12 34 56 %02d\n" % (i, i) for i in range(30))


def _seven_zip(password: str, header_encryption: bool) -> bytes:  # AES-256, the key derived from the password
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password=password, header_encryption=header_encryption) as archive:
        archive.writestr(ROWS, "patients.csv")
    return buf.getvalue()


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    (tmp_path / "dump.7z").write_bytes(_seven_zip(PASSWORD, header_encryption=False))
    return tmp_path


def _scan(work: Path, *args: str, stdin: str = "") -> tuple[int, set[str], str]:
    run = cli_fork.run([sys.executable, "-m", "vigie", "scan", *args, "--json", "--reveal", "--config",
                        str(work / "config"), "--data-dir", str(work / "data")], cwd=work, input=stdin,
                       capture_output=True, text=True, timeout=120, env={**os.environ, **test_keys_env})
    found = {i["value"] for line in run.stdout.splitlines() for i in json.loads(line)["identifiers"]}
    return run.returncode, found, run.stderr


def test_the_passwords_come_from_a_file_or_stdin(work: Path) -> None:
    """The archive opened from a file (CRLF line ends, a blank line, a wrong candidate first);
    from stdin, every line is a candidate (two wrong ones: "none of the 2"; an opened archive
    costs a detection's cold start, ~4 s, so once is enough); the values are in no output."""
    (work / "pw.txt").write_bytes(b"nope\r\n\r\n" + PASSWORD.encode() + b"\r\n")
    code, found, err = _scan(work, "dump.7z", "--passwords-file", "pw.txt")
    assert code == 0, err
    assert {"patient3@exemple.fr", "patient29@exemple.fr"} <= found, sorted(found)[:5]
    assert PASSWORD not in err and "warning" not in err.lower()
    code, found, err = _scan(work, "dump.7z", "--passwords-file", "-", stdin=f"nope\n{PASSWORD}x\n")
    assert code == 1 and found == set() and "none of the 2 password(s)" in " ".join(err.split()), err


def test_a_wrong_password_file_opens_nothing_and_says_so(work: Path) -> None:
    """Negatives: passwords that are not the archive's (a near miss, the other archive's) open
    nothing: exit 1, nothing found, no password echoed."""
    (work / "pw.txt").write_text(f"{PASSWORD[:-1]}\nx{PASSWORD}\n", encoding="utf-8")
    code, found, err = _scan(work, "dump.7z", "--passwords-file", "pw.txt")
    assert code == 1 and found == set(), (code, err)
    assert "password" in err and PASSWORD[:-1] not in err


def test_stdin_is_not_read_twice_and_a_missing_file_is_said(work: Path) -> None:
    """`-` as both a PATH and the passwords file is refused (exit 2), as is a file that is not
    there, naming it: nothing scanned without the passwords the analyst meant."""
    code, _, err = _scan(work, "-", "--passwords-file", "-", stdin="a;b\n")
    assert code == 2 and "stdin" in err, err
    code, _, err = _scan(work, "dump.7z", "--passwords-file", "absent.txt")
    assert code == 2 and "absent.txt" in err, err


def test_the_old_flag_still_works_but_warns(work: Path) -> None:
    """`--password` keeps working (scripts use it; tests/test_archive_passwords.py opens archives
    with it), its values tried after the file's, with a warning on stderr that does not quote
    the password."""
    (work / "pw.txt").write_text("nope\n", encoding="utf-8")
    code, _, err = _scan(work, "dump.7z", "--passwords-file", "pw.txt", "--password", PASSWORD + "y")
    assert code == 1 and "none of the 2 password(s)" in " ".join(err.split()), err
    assert "--passwords-file" in err and "warning" in err and PASSWORD not in err, err


def test_on_a_terminal_the_password_is_asked_without_echo(work: Path) -> None:
    """`--passwords-file -` with a terminal on stdin (a real pseudo-terminal): a hidden prompt,
    the typed password not echoed back on the terminal; a wrong one says "none of the 1"."""
    import pty
    import select
    import subprocess
    import termios
    import time

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "scan", "dump.7z", "--passwords-file", "-",
                                 "--config", str(work / "config"), "--data-dir", str(work / "data")],
                                cwd=work, stdin=follower, stdout=subprocess.DEVNULL, stderr=follower,
                                env={**os.environ, **test_keys_env, "PYTHONPATH": str(REPO)})
        seen = b""
        deadline = time.monotonic() + 30
        while b"password" not in seen.lower() and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                seen += os.read(leader, 4096)
        # typed once the prompt has turned the echo off (click writes its text just before): typing
        # ahead of a prompt is echoed by any terminal, and is not what is under test
        while termios.tcgetattr(follower)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.05)
        os.write(leader, b"not-" + PASSWORD.encode() + b"\n")
        os.write(leader, b"\x04")  # end of input, for a reader that wanted all of stdin (before)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:  # the terminal read as it is written
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
        proc.kill() if proc.poll() is None else None
        proc.wait(10)
        while select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    finally:
        os.close(follower)
        os.close(leader)
    shown = seen.decode(errors="replace")
    assert "Archive password" in shown, shown
    assert PASSWORD not in shown, "the typed password was echoed"
    assert proc.returncode == 1 and "none of the 1 password(s)" in " ".join(shown.split()), shown
