"""A phone column's cell that is no one valid number (two numbers in it, a number and a note),
on the compiled core: `extract._phone` then looks inside the cell for phones
(`scan(v, tmp, off, hint="phone")`, the phones kept: what `scan_only(v, off, "phone")` does).
The core reads such ASCII cells with its own port of the scanner (rust/vigie_native/src/scan.rs)
instead of calling `_phone` back per cell (~7 us each; a dense dump's "separated run" has
hundreds): same identifiers, same spans, as the reference on the pure-Python engine.

Skipped when vigie_native is not built, except with VIGIE_REQUIRE_NATIVE=1 (CI).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from indexer import engine
from indexer import identifiers as ids
from indexer.detect.columns import role_of
from tests.native_core import native_engine

_NUMBERS = [
    "06 12 34 56 78",
    "07 12 34 56 78",
    "0612345678",
    "+33 6 12 34 56 78",
    "01 42 68 53 00",
    "+33612345678",
    "0033 7 12 34 56 78",
    "+44 20 7946 0958",
    "06.12.34.56.78",
    "06/12/34/56/78",
    "02 62 12 34 56",
    "+1 506-680-3929",
    "0800 123 456",
]
_GLUE = [" / ", " ou ", ", ", " - ", " (pro) ", " et ", "  ", " | ", "; tel. "]
_NOTES = ["", " (bureau)", " apres 18h", " poste 12", " SKU-0612345678"]


def _cells(rng: random.Random) -> list[str]:
    out = [a + g + b for a in _NUMBERS[:6] for b in _NUMBERS[4:] for g in _GLUE[:3]]
    for _ in range(300):
        parts = [rng.choice(_NUMBERS) for _ in range(rng.randint(1, 3))]
        cell = parts[0]
        for p in parts[1:]:
            cell += rng.choice(_GLUE) + p
        out.append(cell + rng.choice(_NOTES))
    return out


@pytest.fixture(scope="module")
def native() -> Iterator[Any]:
    yield from native_engine()


@pytest.mark.parametrize("header", ["tel_fr", "telephone"])
def test_cells_of_several_numbers_read_in_the_core(native: Any, header: str) -> None:
    """Under a French phone column (`tel_fr`) and an unnamed country's (`telephone`: only an
    international number is read at once, the others wait for the row's country), every cell is
    read as the reference reads it, and the core calls `_phone` back for none of those without
    letters (before the port it was called for each cell that is no one valid number)."""
    from indexer.detect.extract import Sink, extract_record_py

    called: list[str] = []
    hooks = engine._hooks()
    reference_phone = hooks["phone"]

    def phone(v: str, *a: Any) -> int:
        called.append(v)
        return int(reference_phone(v, *a))

    core = native.Core({**hooks, "phone": phone})
    d = date.today()
    today = (ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day))
    role = role_of(header)
    cells = _cells(random.Random(26))
    several = 0
    for v in cells:
        got = Sink()
        with engine.reference_only():
            ref = Sink()
            extract_record_py([(v, 5)], [role], ref)
        core.record([(v, 5)], [role], got, today)
        assert list(got.found) == list(ref.found), v
        assert [p[:2] for p in got.pending] == [p[:2] for p in ref.pending], v
        several += len(ref.found) >= 2
    assert several > 50  # cells of two numbers or more were read (both found)
    # a cell with letters or other signs in it may be a valid number to `phonenumbers` ("...
    # ext. 12"), which the core's table does not decide: those still go back to `_phone`; cells
    # of digits, blanks, "+" and "/" never do (over 50 here)
    plain = [v for v in cells if set(v) <= set("0123456789 +/")]
    assert len(plain) > 50
    assert called and not set(called) & set(plain)
