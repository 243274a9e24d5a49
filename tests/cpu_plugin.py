"""CPU per test, for finding what the suite spends its two cores on (not loaded by default).

    VIGIE_CPU_OUT=/tmp/cpu.jsonl .venv/bin/python -m pytest -p tests.cpu_plugin -n 2 tests/test_x.py ...

(inside the loopback-only namespace, as scripts/test.sh runs pytest; extra arguments to
scripts/test.sh reach pytest too)

One JSON line per test: the pytest process's own CPU ("self"), the CPU of its children reaped
during the test plus the commands forked through tests/cli_fork.py ("child"), the wall time, and
how many commands were forked. A server a session fixture started is reaped, and so counted, at
the end of the last test of its worker. Compare a group of files with `VIGIE_TEST_FORK=0` (every
command exec'd) and without, to measure what tests/cli_fork.py saves.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator

import pytest

from tests import cli_fork

_OUT = os.environ.get("VIGIE_CPU_OUT", "cpu-per-test.jsonl")


def _cpu() -> tuple[float, float, int]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime + cli_fork.cpu_seconds(),
            cli_fork.forked())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    own, children, forks = _cpu()
    began = time.monotonic()
    yield
    own2, children2, forks2 = _cpu()
    with open(_OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps({"id": item.nodeid, "self": round(own2 - own, 3), "child": round(children2 - children, 3),
                              "wall": round(time.monotonic() - began, 3), "forks": forks2 - forks}) + "\n")
