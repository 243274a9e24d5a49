"""Relative dates as forum engines print them, in English and French, read by `format: auto`
against the fetch time (crawler/spiders/_dates.py); what no reader can date stays empty.

The class: the last minute ("A moment ago": XenForo; "a few seconds ago": Discourse, NodeBB;
"à l'instant", "il y a un instant": Flarum, phpBB, XenForo in French), minutes, hours and days
ago, yesterday and today with a clock (12- and 24-hour, "à 15h04"), weekdays, weeks. Fetched at
2026-12-03 15:30:00 UTC, 16:30 in Paris."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.spiders._dates import parse_date

FETCHED = datetime(2026, 12, 3, 15, 30, 0, tzinfo=UTC)
PARIS = "Europe/Paris"


def _paris(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=UTC) - timedelta(hours=1)


CASES = [
    # the last minute: the fetch time
    ("en", "A moment ago", FETCHED),
    ("en", "a moment ago", FETCHED),
    ("en", "Moments ago", FETCHED),
    ("en", "a few seconds ago", FETCHED),
    ("en", "A few seconds ago.", FETCHED),
    ("en", "Just now", FETCHED),
    ("fr", "À l'instant", FETCHED),
    ("fr", "à l’instant", FETCHED),  # typographic apostrophe, as XenForo's French pack prints it
    ("fr", "A l'instant", FETCHED),
    ("fr", "il y a un instant", FETCHED),
    ("fr", "Il y a quelques secondes", FETCHED),
    ("fr", "il y a quelques instants", FETCHED),
    ("fr", "il y a moins d'une minute", FETCHED - timedelta(minutes=1)),
    # minutes, hours, days, weeks ago
    ("en", "5 minutes ago", FETCHED - timedelta(minutes=5)),
    ("en", "2 hours ago", FETCHED - timedelta(hours=2)),
    ("en", "an hour ago", FETCHED - timedelta(hours=1)),
    ("en", "3 days ago", FETCHED - timedelta(days=3)),
    ("en", "2 weeks ago", FETCHED - timedelta(weeks=2)),
    ("fr", "il y a 5 minutes", FETCHED - timedelta(minutes=5)),
    ("fr", "Il y a 2 heures", FETCHED - timedelta(hours=2)),
    ("fr", "il y a une heure", FETCHED - timedelta(hours=1)),
    ("fr", "il y a 2 jours", FETCHED - timedelta(days=2)),
    ("fr", "Il y a 3 semaines", FETCHED - timedelta(weeks=3)),
    # yesterday, today, a weekday, with the clock in the site's zone
    ("en", "Yesterday at 3:04 PM", _paris(2, 15, 4)),
    ("en", "yesterday at 3:04 p.m.", _paris(2, 15, 4)),
    ("en", "Today, 14:02", _paris(3, 14, 2)),
    ("en", "Today at 2:02 PM", _paris(3, 14, 2)),
    ("en", "Yesterday, 09:12", _paris(2, 9, 12)),
    ("en", "Monday at 10:15 AM", datetime(2026, 11, 30, 9, 15, tzinfo=UTC)),  # Monday before Thursday 3rd
    ("fr", "hier à 15:04", _paris(2, 15, 4)),
    ("fr", "Hier à 15h04", _paris(2, 15, 4)),
    ("fr", "Aujourd'hui, 14:02", _paris(3, 14, 2)),
    ("fr", "Aujourd’hui à 14:02", _paris(3, 14, 2)),
    ("fr", "Hier à 09:12:30", _paris(2, 9, 12, 30)),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES, ids=[c[1] for c in CASES])
def test_relative_dates_as_engines_print_them(language: str, text: str, expected: datetime) -> None:
    assert parse_date(text, "auto", PARIS, language=language, fetched_at=FETCHED) == expected


@pytest.mark.parametrize(("language", "text"), [
    ("en", "a while ago"), ("en", "some time ago"), ("en", "A moment ago by bob"), ("en", "moment"),
    ("fr", "il y a longtemps"), ("fr", "instant"), ("fr", "il y a un instant ou deux, peut-être"),
])
def test_what_no_reader_can_date_stays_empty(language: str, text: str) -> None:
    """Never the fetch time for a text that only looks like a "moment ago" phrase."""
    assert parse_date(text, "auto", PARIS, language=language, fetched_at=FETCHED) is None


def test_the_moment_phrases_need_format_auto() -> None:
    """A strptime format reads what it says and nothing else: no guess for the phrase."""
    assert parse_date("A moment ago", "%d/%m/%Y %H:%M", PARIS, fetched_at=FETCHED) is None
