"""Dates as real forums print them (issue 13): format lists, `auto` with relative dates read
against the page's fetch time, a.m./p.m., noon/midnight, ordinals, attributes, time zones, and
the load-time check that a strftime format reads back what it writes. All offline."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from parsel import Selector

from crawler.spiders._dates import parse_date, read_date
from crawler.spiders.leaksite import parse_countdown
from vigie.config.loader import check_config_dir
from vigie.config.schema import DateSelector

# a Tuesday, 10:30 in Paris (UTC+1 in March)
FETCHED = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("text", "fmt", "lang", "tz", "expected"), [
    # a list of formats: the first that reads the text wins
    ("10/03/2026 14:05", ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"], None, "Europe/Paris", _utc(2026, 3, 10, 13, 5)),
    ("3 mars 2026", ["%d/%m/%Y %H:%M", "%d %B %Y"], None, "UTC", _utc(2026, 3, 3)),
    # auto, French relative dates, against the fetch time (10:30 Paris)
    ("hier à 14:05", "auto", "fr", "Europe/Paris", _utc(2026, 3, 9, 13, 5)),
    ("il y a 3 heures", "auto", "fr", "Europe/Paris", _utc(2026, 3, 10, 6, 30)),
    ("aujourd'hui à 08:15", "auto", "fr", "Europe/Paris", _utc(2026, 3, 10, 7, 15)),
    # auto, English
    ("yesterday at 2pm", "auto", "en", "UTC", _utc(2026, 3, 9, 14, 0)),
    ("March 3rd, 2026, 4:05 p.m.", "auto", "en", "America/New_York", _utc(2026, 3, 3, 21, 5)),
    ("March 3, 2026, noon", "auto", "en", "UTC", _utc(2026, 3, 3, 12, 0)),
    ("March 3, 2026, midnight", "auto", "en", "UTC", _utc(2026, 3, 3, 0, 0)),
    # strptime with a.m./p.m., noon, midnight and ordinals (Django-style dates)
    ("March 3rd, 2026, 11:05 a.m.", "%B %d, %Y, %I:%M %p", None, "UTC", _utc(2026, 3, 3, 11, 5)),
    ("Mar. 21st, 2026, 4 p.m.", "%b. %d, %Y, %I:%M %p", None, "UTC", _utc(2026, 3, 21, 16, 0)),
    ("March 3, 2026, noon", "%B %d, %Y, %I:%M %p", None, "UTC", _utc(2026, 3, 3, 12, 0)),
    ("March 3, 2026, midnight", "%B %d, %Y, %I:%M %p", None, "UTC", _utc(2026, 3, 3, 0, 0)),
    ("1er mars 2026 à 09:00", "%d %B %Y à %H:%M", None, "Europe/Paris", _utc(2026, 3, 1, 8, 0)),
    # the source's time zone: summer time in Paris is UTC+2
    ("2026-07-14 12:00", "%Y-%m-%d %H:%M", None, "Europe/Paris", _utc(2026, 7, 14, 10, 0)),
    # nothing reads it: None, never "now"
    ("le jour des morts", "%d/%m/%Y", None, "UTC", None),
    ("n/a", "auto", "en", "UTC", None),
])
def test_date_forms(text: str, fmt: str | list[str], lang: str | None, tz: str, expected: datetime | None) -> None:
    assert parse_date(text, fmt, tz, language=lang, fetched_at=FETCHED) == expected


def test_relative_dates_follow_the_fetch_time_not_the_clock() -> None:
    later = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    assert parse_date("il y a 2 jours", "auto", "Europe/Paris", language="fr", fetched_at=FETCHED) == \
        _utc(2026, 3, 8, 9, 30)
    assert parse_date("il y a 2 jours", "auto", "Europe/Paris", language="fr", fetched_at=later) == \
        _utc(2026, 5, 30, 9, 30)


def test_attribute_is_read_first_then_the_text() -> None:
    spec = DateSelector(selector="time", format="auto", language="fr", timezone="Europe/Paris")
    post = Selector(text='<div><time datetime="2026-03-01T10:00:00+01:00">hier</time></div>')
    reading = read_date(post, spec, FETCHED)
    assert (reading.raw, reading.value) == ("2026-03-01T10:00:00+01:00", _utc(2026, 3, 1, 9, 0))
    # a tooltip title in the forum's own format, then no attribute at all: the text
    titled = Selector(text='<div><span class="d" title="01/03/2026 10:00">il y a 9 jours</span></div>')
    spec = DateSelector(selector="span.d", format=["%d/%m/%Y %H:%M", "auto"], language="fr",
                        timezone="Europe/Paris")
    assert read_date(titled, spec, FETCHED).value == _utc(2026, 3, 1, 9, 0)
    bare = Selector(text='<div><span class="d">il y a 3 heures</span></div>')
    assert read_date(bare, spec, FETCHED).value == _utc(2026, 3, 10, 6, 30)
    unread = read_date(Selector(text='<div><span class="d">bientôt</span></div>'), spec, FETCHED)
    assert unread.unparsed and unread.raw == "bientôt"


def _source(tmp_path: Path, date_yaml: str) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "f.yaml").write_text(
        "network: direct\nstart_urls: ['http://127.0.0.1:9/']\nschedule: {interval: 1h}\n"
        "forum:\n  thread_link: 'a::attr(href)'\n  post:\n    container: div.post\n    body: .body\n"
        f"    date:\n      selector: .date\n{date_yaml}", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("bad", ["%-d/%m/%Y", "%e %b %Y"])
def test_config_check_rejects_a_format_that_cannot_read_itself_back(tmp_path: Path, bad: str) -> None:
    loaded, problems = check_config_dir(_source(tmp_path, f"      format: ['%d/%m/%Y', '{bad}']\n"), env={})
    assert loaded is None
    assert any(p.field == "forum.post.date.format" and bad in p.reason and "parse back" in p.reason
               for p in problems), problems


@pytest.mark.parametrize("bad", ["%M %M", "%d%U>%V1%d", "%Y-%m-%d %Y"])
def test_config_check_names_a_format_with_a_directive_twice(tmp_path: Path, bad: str) -> None:
    """strptime raises re.error, no ValueError, on a directive written twice: the config fuzzer's
    crash (CI, stop 38). It is a config problem with the field and the reason, not a traceback."""
    loaded, problems = check_config_dir(_source(tmp_path, f"      format: ['%d/%m/%Y', '{bad}']\n"), env={})
    assert loaded is None
    assert any(p.field == "forum.post.date.format" and bad in p.reason and "directive twice" in p.reason
               for p in problems), problems


def test_config_check_accepts_round_trip_formats_and_auto(tmp_path: Path) -> None:
    yaml = "      format: ['%d %B %Y à %H:%M', auto]\n      language: fr\n      timezone: Europe/Paris\n"
    loaded, problems = check_config_dir(_source(tmp_path, yaml), env={})
    assert problems == [] and loaded is not None


def test_config_check_rejects_an_unknown_time_zone(tmp_path: Path) -> None:
    _, problems = check_config_dir(_source(tmp_path, "      timezone: Europe/Parsi\n"), env={})
    assert any(p.field == "forum.post.date.timezone" for p in problems), problems


@pytest.mark.parametrize(("text", "fmt", "tz"), [
    ("0001-01-01T00:00:00+01:00", None, "UTC"),  # year 1 an hour east of Greenwich: before UTC's first day
    ("0001-01-01", None, "Europe/Paris"),
    ("9999-12-31T23:59:59-05:00", None, "UTC"),
    ("0001-01-01 00:00", "%Y-%m-%d %H:%M", "Europe/Paris"),
    ("0001-01-01", "auto", "Europe/Paris"),
])
def test_a_date_utc_cannot_hold_is_unparsed_not_an_error(text: str, fmt: str | None, tz: str) -> None:
    """A site controls its dates: one UTC cannot hold (OverflowError in `astimezone`) read as no
    date (the caller counts it unparsed), not as an exception that loses the page's posts."""
    assert parse_date(text, fmt, tz, fetched_at=FETCHED) is None


def test_a_long_date_text_is_not_given_to_the_parsers() -> None:
    """dateparser takes ~0.5 ms per character: a site that puts 60 kB in its date element would hold
    each page for seconds. A date text past 200 characters is no date; below, dates still read."""
    padded = "lundi 9 mars 2026 à 14:05 " + " " * 5000  # whitespace does not count
    assert parse_date(padded, "auto", "Europe/Paris", language="fr", fetched_at=FETCHED) == _utc(2026, 3, 9, 13, 5)
    long = "lundi 9 mars 2026 à 14:05 " * 8  # 208 characters
    started = time.process_time()
    assert parse_date(long * 300, "auto", "Europe/Paris", language="fr", fetched_at=FETCHED) is None
    assert parse_date(long, ["%d/%m/%Y", "auto"], "Europe/Paris", language="fr", fetched_at=FETCHED) is None
    assert time.process_time() - started < 1.0  # the 62 kB text was not parsed (~30 s with dateparser)


def test_a_countdown_past_the_calendar_is_no_date() -> None:
    """"99999999 days" left (a site's text): no date, not an OverflowError."""
    assert parse_countdown("2 days 5 hours", FETCHED) == datetime(2026, 3, 12, 14, 30, tzinfo=UTC)
    assert parse_countdown("99999999 days", FETCHED) is None
    assert parse_countdown("9" * 40 + "d", FETCHED) is None


def test_the_kit_forums_twice_printed_hour_is_an_hour_wide_in_its_truth() -> None:
    """The flat kit forum prints Paris wall-clock times with no offset: on the night the clocks go
    back, 02:14 is printed for 00:14Z and for 01:14Z, and a crawl may read either. Its truth said
    to the second, so tests/test_forum_engines_e2e.py and test_incremental_logged_in.py failed on
    the days a synthetic post fell in that hour (2026-12-04: post 585 read 01:14Z for 00:14Z)."""
    from vigie_kit.forum_flat import flat_date

    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    for at in (datetime(2026, 10, 25, 0, 14, tzinfo=UTC), datetime(2026, 10, 25, 1, 14, tzinfo=UTC)):
        assert flat_date(at, now) == ("le 25 octobre 2026 à 02h14", 3600)
    assert flat_date(datetime(2026, 10, 25, 2, 14, tzinfo=UTC), now) == ("le 25 octobre 2026 à 03h14", 0)
    assert flat_date(datetime(2026, 10, 24, 0, 14, tzinfo=UTC), now)[1] == 0  # the day before: printed once
    assert flat_date(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), now)[1] == 0  # spring: no hour printed twice
