"""Attacker's review, round 14: a scale worker's crawl process was not hardened as Vigie's others.

Every `vigie` command starts in the CLI's main(), which sets the umask to 077 and calls
`harden_process()` (no core dump, PR_SET_DUMPABLE 0: no debugger attached by another process).
A scale worker runs each crawl as `python -P -m vigie.service.crawl_job`, which never goes through
that main(): the worker's preexec set RLIMIT_CORE to 0, but PR_SET_DUMPABLE goes back to 1 at
exec, so the crawl that holds both keys and the crawled pages was the one Vigie process another
process of the account could attach to or read the memory of (/proc/PID/mem), and whose
/proc/PID files belong to the account rather than to root.

The test runs the job's entry point in a fresh interpreter, as the worker does (`-P`), with
arguments that make it stop at once (no scale: section), and asks the kernel afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.core.process import PRODUCT_PYTHON

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

_PROBE = r"""
import ctypes, json, os, resource, sys
os.umask(0o022)  # what a caller's shell may leave
from vigie.service import crawl_job
try:
    rc = crawl_job.main(sys.argv[1:])
except BaseException as exc:  # the job refuses the empty config: what it set before is what counts
    rc = type(exc).__name__
libc = ctypes.CDLL(None, use_errno=True)
mask = os.umask(0o077)
print(json.dumps({"rc": str(rc), "dumpable": libc.prctl(3, 0, 0, 0, 0),  # PR_GET_DUMPABLE
                  "core": list(resource.getrlimit(resource.RLIMIT_CORE)), "umask": mask}))
"""


def test_the_crawl_job_process_is_hardened_like_every_vigie_command(tmp_path: Path) -> None:
    """Before: dumpable 1 and umask 022 (the core limit was the caller's)."""
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "vigie.yaml").write_text("storage: {backend: embedded}\n")
    args = ["--config", str(config), "--data-dir", str(tmp_path / "data"), "--source", "s", "--run", "r",
            "--owner", "o", "--summary-json", str(tmp_path / "summary.json")]
    run = subprocess.run([*PRODUCT_PYTHON, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1],
                         env={"PATH": "/usr/bin:/bin", "VIGIE_MATCH_KEY": "1:" + "0123456789abcdef" * 4,
                              "VIGIE_DATA_KEY": "1:" + "fedcba9876543210" * 4})
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["rc"] == "2", got  # it stopped where it should: no scale: section
    assert got["dumpable"] == 0, got
    assert got["core"] == [0, 0], got
    assert got["umask"] == 0o077, got
