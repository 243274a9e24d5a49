"""Every input a fuzzer of tests/fuzz.py failed on, kept once the product was fixed
(tests/fixtures/fuzz_regressions/TARGET/NAME), passes its target's check again: a crash found once
is a test for good, not only a mutant a later 40 CPU-s of random walk may or may not meet again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fuzz
from tests.native_core import require_native

KEPT = [(target, path) for target in sorted(fuzz.TARGETS) for path in fuzz.regression_inputs(target)]


def test_kept_inputs_belong_to_a_target() -> None:
    """A directory named after no target (a typo, a target renamed) would keep its inputs out of
    every replay below, silently."""
    dirs = {p.name for p in fuzz.REGRESSIONS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert dirs <= set(fuzz.TARGETS), dirs - set(fuzz.TARGETS)
    assert KEPT, "no kept input: the replay below would test nothing"


@pytest.mark.parametrize(("target", "path"), KEPT, ids=[f"{t}/{p.name}" for t, p in KEPT])
def test_a_kept_failing_input_passes_its_target(target: str, path: Path) -> None:
    if fuzz.TARGETS[target].needs_core:
        require_native()
    fuzz.TARGETS[target].check(path.read_bytes())
