"""Dates as forums print them: strptime formats (one or a list), `auto` (dateparser), attributes.

Why relative dates are resolved against the page's fetch time: "il y a 3 heures" means three
hours before the page was served, not before the parser ran (a saved page read by `vigie source
try --html` days later, or a slow crawl, would otherwise shift every date). A date that cannot
be read is returned as None and counted by the caller: never silently set to now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from parsel import Selector, SelectorList

from indexer.html_text import element_text
from vigie.config.schema import DateSelector, parse_selector

if TYPE_CHECKING:
    from scrapy.http import TextResponse

__all__ = ["DateReading", "parse_date", "read_date", "read_date_value"]

_FR_MONTHS = [("janvier", "janv", "January"), ("février", "févr", "February"), ("fevrier", "fevr", "February"),
              ("mars", "mars", "March"), ("avril", "avr", "April"), ("mai", "mai", "May"),
              ("juin", "juin", "June"), ("juillet", "juil", "July"), ("août", "aout", "August"),
              ("aout", "aout", "August"), ("septembre", "sept", "September"), ("octobre", "oct", "October"),
              ("novembre", "nov", "November"), ("décembre", "déc", "December"), ("decembre", "dec", "December")]
_FR_DAYS = {"lundi": "Monday", "mardi": "Tuesday", "mercredi": "Wednesday", "jeudi": "Thursday",
            "vendredi": "Friday", "samedi": "Saturday", "dimanche": "Sunday"}
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|e|ème)\b", re.IGNORECASE)


def _clock_words(text: str) -> str:
    """"a.m."/"p.m." as strptime's %p and dateparser read them; "noon"/"midnight" as times."""
    text = re.sub(r"\b([ap])\.\s?m\.?(?=\s|$|[,;)])", lambda m: m.group(1).upper() + "M", text, flags=re.IGNORECASE)
    text = re.sub(r"\bnoon\b", "12:00 PM", text, flags=re.IGNORECASE)
    text = re.sub(r"\bmidnight\b", "12:00 AM", text, flags=re.IGNORECASE)
    return re.sub(r"(?<![:\d])(\d{1,2}) ([AP]M)\b", r"\1:00 \2", text)


def _strptime(text: str, fmt: str) -> datetime:
    low = _ORDINAL.sub(r"\1", _clock_words(text)).lower()
    low = re.sub(r"\b1er\b", "1", low)
    for full, abbr, english in _FR_MONTHS:
        low = re.sub(rf"\b{full}\b", english if "%B" in fmt else english[:3], low)
        low = re.sub(rf"\b{abbr}\.?(?=\s|$)", english[:3] if "%b" in fmt else english, low)
    for fr, en in _FR_DAYS.items():
        low = re.sub(rf"\b{fr}\b", en if "%A" in fmt else en[:3], low)
    return datetime.strptime(low, fmt)  # literals match case-insensitively


# What engines print for a post of the last minute, that dateparser reads as nothing while it reads
# "just now" and "il y a moins d'une minute" (XenForo's "A moment ago", Discourse's and NodeBB's
# "a few seconds ago", Flarum's and phpBB's French "à l'instant", "il y a quelques secondes"): the
# instant the page was served, as precise as the page is. The whole text must be the phrase.
_MOMENT_AGO = re.compile(
    r"(?:a|one) moment ago|moments ago|(?:a )?few seconds ago|seconds ago|"
    r"(?:à|a) l'instant|il y a (?:un instant|quelques (?:instants|secondes))", re.IGNORECASE)


def _auto(text: str, tz: str, language: str | None, fetched_at: datetime) -> datetime | None:
    if _MOMENT_AGO.fullmatch(text.replace("\u2019", "'").strip(" .")):
        return fetched_at
    import dateparser  # only sources with `format: auto` pay its import (every CLI start imports this module)

    base = fetched_at.astimezone(ZoneInfo(tz)).replace(tzinfo=None)  # dateparser's base is wall time in tz
    value = dateparser.parse(
        _clock_words(text), languages=[language] if language else None,
        settings={"RELATIVE_BASE": base, "TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True,
                  "PREFER_DATES_FROM": "past"})
    return value


# Characters of a date's text read at most. A forum prints a date, with its clock and an "edited on"
# note, in under a hundred; the site chooses what the element holds, and dateparser spends about
# half a millisecond per character (60 kB there held a page's parse for 9 s). Longer text is no
# date: None, counted by the caller as an unparsed date.
_DATE_TEXT_MAX = 200


def parse_date(text: str, fmt: str | list[str] | None, tz: str = "UTC", *, language: str | None = None,
               fetched_at: datetime | None = None) -> datetime | None:
    """`text` read with `fmt`: ISO 8601 when None, `auto` (dateparser in `language`, relative
    dates against `fetched_at`), or strptime format(s) tried in order (French month and day names,
    ordinal days, a.m./p.m., noon and midnight understood). Naive values are in `tz`; the result
    is UTC, or None when nothing reads it (a text past `_DATE_TEXT_MAX`, or a date UTC cannot hold:
    year 1 east of Greenwich, 9999-12-31 west of it)."""
    text = " ".join(text[:4 * _DATE_TEXT_MAX].split())  # room for whitespace runs a page pads with
    if not text or len(text) > _DATE_TEXT_MAX:
        return None
    formats = fmt if isinstance(fmt, list) else [fmt]
    for one in formats:
        value: datetime | None = None
        try:
            if one is None:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            elif one == "auto":
                value = _auto(text, tz, language, fetched_at or datetime.now(UTC))
            else:
                value = _strptime(text, one)
        except (ValueError, OverflowError):  # dateparser overflows on "99999999999 years ago"
            value = None
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=ZoneInfo(tz))
            try:
                return value.astimezone(UTC)
            except OverflowError:  # "0001-01-01" in Paris is before UTC's first day: no date
                continue
    return None


@dataclass(frozen=True)
class DateReading:
    """What a date selector found: the raw text (or attribute value) and what it parsed to."""

    raw: str | None
    value: datetime | None

    @property
    def unparsed(self) -> bool:
        """True when something was there but could not be read: the loud case."""
        return bool(self.raw) and self.value is None


def read_date(node: Selector | SelectorList[Selector] | TextResponse, spec: DateSelector,
              fetched_at: datetime) -> DateReading:
    """The date under `node`: the element's `spec.attributes` first (machine-readable, e.g.
    `<time datetime>`: a Unix time, ISO, then the configured formats), then its text with the
    formats."""
    kind, query = parse_selector(spec.selector)
    found = node.css(query) if kind == "css" else node.xpath(query)
    if not found:
        return DateReading(None, None)
    first = found[0]
    if isinstance(first.root, str):
        raw = first.root.strip()
        return DateReading(raw or None, parse_date(_cut(raw, spec.pattern), spec.format, spec.timezone,
                                                   language=spec.language, fetched_at=fetched_at))
    for attribute in spec.attributes:
        raw_attr = (first.root.get(attribute) or "").strip()  # not `attrib`: see `extract._link_texts`
        if raw_attr:
            epoch = _epoch(_cut(raw_attr, spec.pattern))
            if epoch is not None:
                return DateReading(raw_attr, epoch)
            formats: list[str | None] = [None]
            formats += spec.format if isinstance(spec.format, list) else [spec.format]
            for fmt in formats:
                value = parse_date(_cut(raw_attr, spec.pattern), fmt, spec.timezone, language=spec.language,
                                   fetched_at=fetched_at)
                if value is not None:
                    return DateReading(raw_attr, value)
    raw = " ".join(element_text(first.root).split())
    return DateReading(raw or None, parse_date(_cut(raw, spec.pattern), spec.format, spec.timezone,
                                               language=spec.language, fetched_at=fetched_at))


def read_date_value(raw: str, spec: DateSelector | None, fetched_at: datetime) -> DateReading:
    """A date given as a value, not found in the page's HTML (a field of embedded JSON): a Unix
    time (seconds or milliseconds), ISO 8601, then the post's `date` format(s), pattern and time
    zone when it has a `date` selector."""
    raw = raw.strip()
    value = _epoch(raw) or parse_date(raw, None, spec.timezone if spec else "UTC", fetched_at=fetched_at)
    if value is None and spec is not None:
        value = parse_date(_cut(raw, spec.pattern), spec.format, spec.timezone, language=spec.language,
                           fetched_at=fetched_at)
    return DateReading(raw or None, value)


# A Unix time in seconds or milliseconds, 2001-09-09 to 2100 (10 digits; 13 in milliseconds).
_EPOCH = re.compile(r"(\d{10})(\d{3})?")
_EPOCH_MAX = 4_102_444_800  # 2100-01-01


def _epoch(value: str) -> datetime | None:
    """A machine-readable attribute holding a Unix time: XenForo's `data-time` (1.x prints
    `<abbr data-time="1795905731">A moment ago</abbr>`, the text no format reads), NodeBB's
    `data-timestamp` (milliseconds). Read whatever `format` says: no strptime format reads one,
    and `auto` was the only way to it."""
    match = _EPOCH.fullmatch(value)
    if match is None or int(match.group(1)) >= _EPOCH_MAX:
        return None
    return datetime.fromtimestamp(int(match.group(1)) + int(match.group(2) or 0) / 1000, UTC)


_PATTERN_TEXT_CHARS = 512


def _cut(text: str, pattern: str | None) -> str:
    """The date inside `text` by `pattern` (its first group, else the whole match); all of the
    text without a pattern, nothing when the pattern does not match (an unparsed date)."""
    if pattern is None:
        return text
    # an operator's `re` pattern on text a hostile page controls: a date is short, and the bound
    # keeps a backtracking pattern from running for long on a megabyte "date"
    match = re.search(pattern, text[:_PATTERN_TEXT_CHARS])
    if match is None:
        return ""
    return match.group(1) if match.re.groups else match.group(0)
