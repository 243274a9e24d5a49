"""`date.pattern`: a date that shares its text with other words (django-machina prints
"By: alice on March 3, 2026, 2:05 p.m.") is cut out by a regex before `format` reads it; a text
the pattern does not match is an unparsed date (counted), never a guess."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.spiders._dates import read_date
from vigie.config.schema import DateSelector

FETCHED = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
POST = Selector(text='<div class="post"><small>By: <a>alice</a> on March 3, 2026, 2:05 p.m.</small>'
                     '<i title="posted on 04/03/2026 09:30">x</i></div>')


def test_without_a_pattern_the_sentence_does_not_parse() -> None:
    reading = read_date(POST, DateSelector(selector="small", format="auto", language="en"), FETCHED)
    assert reading.raw == "By: alice on March 3, 2026, 2:05 p.m." and reading.value is None


@pytest.mark.parametrize(("selector", "pattern", "fmt", "expected"), [
    ("small", r" on (.+)$", "auto", datetime(2026, 3, 3, 14, 5, tzinfo=UTC)),
    ("xpath:.//small/text()[last()]", r"on (.+)", "auto", datetime(2026, 3, 3, 14, 5, tzinfo=UTC)),
    ("i", r"\d\d/\d\d/\d{4} \d\d:\d\d", "%d/%m/%Y %H:%M", datetime(2026, 3, 4, 8, 30, tzinfo=UTC)),  # title attr
])
def test_the_pattern_cuts_the_date_out(selector: str, pattern: str, fmt: str, expected: datetime) -> None:
    spec = DateSelector(selector=selector, format=fmt, language="en", pattern=pattern, timezone="Europe/Paris"
                        if fmt != "auto" else "UTC")
    assert read_date(POST, spec, FETCHED).value == expected


def test_a_text_the_pattern_misses_is_unparsed() -> None:
    reading = read_date(POST, DateSelector(selector="small", format="auto", pattern=r"le (\d+)"), FETCHED)
    assert reading.raw and reading.unparsed


def test_a_bad_pattern_is_refused_when_loaded() -> None:
    with pytest.raises(ValueError, match="regex|pattern"):
        DateSelector(selector="small", pattern="on (")


def test_a_huge_hostile_date_text_is_cut_before_the_pattern_runs() -> None:
    """A hostile page can make the date element a megabyte of text; a backtracking pattern (here
    quadratic: `(.*) on`) then ran for hours on it. Only the text's head is searched."""
    import time

    page = Selector(text=f"<div><small>{'x' * 60_000} March 3, 2026</small></div>")  # no " on ": no match
    spec = DateSelector(selector="small", format="auto", language="en", pattern=r"(.*) on (.+)$")
    t0 = time.thread_time()
    reading = read_date(page, spec, FETCHED)
    assert time.thread_time() - t0 < 5.0
    assert reading.value is None and reading.unparsed
