"""`engine.today()`, the date the compiled core compares birth dates with, is the date and year
`canon_dob` reads, without reading the date at every call (issue 17, wave 22: ~8k instructions a
call, ~4 calls a dump post). It is read again when the hold ends, and when the year cache that
`canon_dob` reads would be read again."""

from __future__ import annotations

from datetime import date

import pytest

from indexer import engine
from indexer import identifiers as ids


class _CountingDate(date):
    reads = 0

    @classmethod
    def today(cls) -> _CountingDate:
        cls.reads += 1
        d = date.today()
        return cls(d.year, d.month, d.day)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[_CountingDate]:
    _CountingDate.reads = 0
    monkeypatch.setattr(engine, "date", _CountingDate)
    monkeypatch.setattr(engine, "_TODAY", [(None, None, None), None, float("-inf")])
    return _CountingDate


def _reference() -> tuple[int, int, tuple[int, int, int]]:
    d = date.today()
    return ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day)


def test_today_is_what_canon_dob_reads_and_is_read_once_per_hold(counted: type[_CountingDate]) -> None:
    first = engine.today()
    assert first == _reference()
    assert counted.reads == 1
    for _ in range(50):
        assert engine.today() == first
    assert counted.reads == 1  # the date was not read again within the hold


def test_today_is_read_again_after_the_hold_or_a_year_cache_refresh(counted: type[_CountingDate],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    engine.today()
    monkeypatch.setattr(ids, "_YEAR", [ids._YEAR[0], float("-inf")])  # `_this_year` would read the year again
    assert engine.today() == _reference()
    assert counted.reads == 2
    monkeypatch.setattr(engine, "_TODAY_HOLD", 0.0)  # (the hold of the next tuple built)
    engine._TODAY[2] = float("-inf")
    engine.today()
    engine.today()
    assert counted.reads == 4
