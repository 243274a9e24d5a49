"""Dates as real forums print them (issue 13): format lists, `auto` with relative dates read
against the page's fetch time, a.m./p.m., noon/midnight, ordinals, attributes, time zones, and
the load-time check that a strftime format reads back what it writes. All offline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from parsel import Selector

from crawler.spiders._dates import parse_date, read_date
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


def test_config_check_accepts_round_trip_formats_and_auto(tmp_path: Path) -> None:
    yaml = "      format: ['%d %B %Y à %H:%M', auto]\n      language: fr\n      timezone: Europe/Paris\n"
    loaded, problems = check_config_dir(_source(tmp_path, yaml), env={})
    assert problems == [] and loaded is not None


def test_config_check_rejects_an_unknown_time_zone(tmp_path: Path) -> None:
    _, problems = check_config_dir(_source(tmp_path, "      timezone: Europe/Parsi\n"), env={})
    assert any(p.field == "forum.post.date.timezone" for p in problems), problems
