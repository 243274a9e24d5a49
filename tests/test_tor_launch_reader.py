"""`crawler.tor._launch_tor` reads tor's log lines however they arrive: two lines in one write
(tor's root warning and "Bootstrapped 0%", written together under load) were read at once by a
buffered `readline()`, the second kept in Python's buffer, and the selector, which sees only the
pipe, waited the whole bootstrap timeout for it: the suite's intermittent 180 s hang of a
launched tor (tests/test_attack_review_residue.py, waves 19 and 20).

The "tor" here is a shell script that writes what tor writes, in one write, then waits: a stand-in
(a fake, said here), because a real tor's writes cannot be made to coalesce on demand. The real
tor is launched by tests/test_attack_review_residue.py and tests/test_tor_doctor.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawler.tor import _launch_tor

WARN = "Dec 04 15:40:01.000 [warn] You are running Tor as root. You don't need to, and you probably shouldn't."
BOOT = "Dec 04 15:40:01.000 [notice] Bootstrapped 0% (starting): Starting"


def _fake_tor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "tor"
    script.write_text("#!/bin/sh\ncat >/dev/null\n" + body)
    script.chmod(0o700)
    return str(script)


def test_lines_written_together_are_each_read_at_once(tmp_path: Path) -> None:
    binary = _fake_tor(tmp_path, f"printf '%s\\n%s\\n' \"{WARN}\" \"{BOOT}\"\nexec sleep 60\n")
    seen: list[str] = []
    started = time.monotonic()
    proc = _launch_tor(binary, {"SocksPort": "127.0.0.1:9"}, 20, seen.append)
    try:
        assert time.monotonic() - started < 10  # not the 20 s timeout: the second line was read
        assert seen == [WARN, BOOT]
    finally:
        proc.kill()
        proc.wait()


def test_a_tor_that_exits_after_a_warning_is_said_with_that_warning(tmp_path: Path) -> None:
    warning = "Dec 04 [warn] Could not bind to 127.0.0.1:9050: Address already in use"
    binary = _fake_tor(tmp_path, f"printf '%s\\n' '{warning}'\n")
    with pytest.raises(OSError, match="tor exited: Address already in use"):
        _launch_tor(binary, {"SocksPort": "127.0.0.1:9"}, 20, lambda line: None)
