"""Whether Chromium can keep its sandbox here: asked of Chromium itself, once per process.

Why: a `render: browser` source runs a hostile site's JavaScript. Playwright launches Chromium
with `--no-sandbox` unless told otherwise (`chromium_sandbox`), and Vigie did so always: a
renderer bug the site exploits then ran as Vigie's account, beside the data directory (key
files, the outbox whose alerts Vigie signs and sends, the crawl state). With the sandbox, the
renderer runs in namespaces of its own under a seccomp filter, and the same bug needs a second
one to get out (attacker's review, round 14).

Chromium's sandbox needs an account other than root (Chromium refuses it to root) and user
namespaces it may create (Debian's default; not under Docker's default seccomp profile, nor
where AppArmor restricts them): where they are missing, a launch with the sandbox fails outright.
So Chromium is asked once, before the crawl's browser starts: `--dump-dom about:blank` with its
sandbox, reaching no network (every name maps to nothing). The answer decides the launch; a
browser without its sandbox is said at WARNING, with the reason, once per process.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from loguru import logger

__all__ = ["SandboxAnswer", "chromium_sandbox", "forget_sandbox_answers"]

SandboxAnswer = tuple[bool, str]  # (the sandbox works, why not)
_ANSWERS: dict[str, SandboxAnswer] = {}
_PROBE_SECONDS = 60.0
_ROOT = "Vigie runs as root, and Chromium keeps its sandbox from root: run Vigie under an account of its own"


def _ask(executable: str, args: Sequence[str], env: dict[str, str]) -> SandboxAnswer:
    cmd = [executable, "--headless", "--disable-gpu", *args, "--host-resolver-rules=MAP * ~NOTFOUND",
           "--dump-dom", "about:blank"]
    try:
        run = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=_PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return False, f"Chromium did not answer within {_PROBE_SECONDS:.0f} s with its sandbox"
    except OSError as exc:
        return False, f"Chromium could not be started ({exc.strerror or exc})"
    if run.returncode == 0 and b"<html" in run.stdout:
        return True, ""
    said = [line for line in run.stderr.decode("utf-8", "replace").splitlines() if "sandbox" in line.lower()]
    return False, (said[-1].strip()[:300] if said else f"Chromium exited {run.returncode} with its sandbox")


def chromium_sandbox(executable: str, args: Sequence[str], env_for: Callable[[Path], dict[str, str]]) -> SandboxAnswer:
    """(True, "") when `executable` renders a page with its sandbox on this machine, under this
    account; else (False, why). `env_for(home)` is the browser's environment with its home in
    `home` (a 0700 temporary directory, removed after). Asked once per executable and process."""
    known = _ANSWERS.get(executable)
    if known is not None:
        return known
    if os.geteuid() == 0:
        answer: SandboxAnswer = (False, _ROOT)
    else:
        with tempfile.TemporaryDirectory(prefix="vigie-sandbox-probe-") as home:
            answer = _ask(executable, args, env_for(Path(home)))
    _ANSWERS[executable] = answer
    if not answer[0]:
        logger.warning("browser: Chromium will run the sites' scripts WITHOUT its sandbox: {}. A renderer bug a site "
                       "exploits then runs as Vigie's account (docs/security.md, 'Left open')", answer[1])
    return answer


def forget_sandbox_answers() -> None:
    """Ask Chromium again next time (tests)."""
    _ANSWERS.clear()
