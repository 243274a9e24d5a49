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
from itertools import islice
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from parsel import Selector, SelectorList

from indexer.html_text import element_text
from vigie.config.schema import DateSelector, parse_selector
from vigie.core.patterns import compile_pattern

if TYPE_CHECKING:
    from scrapy.http import TextResponse

__all__ = ["DateReading", "parse_date", "read_date", "read_date_value"]

_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|e|ème)\b", re.IGNORECASE)
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Month and day names as forums' language packs print them, lower case, each month's or day's forms
# (full, genitive, abbreviated; the longest first), per language: a strptime format reads the
# English ones, so these are put in their place. One language at a time (a text is never mixed),
# French first as it always was, then the others: their short forms collide across languages
# (German "Do" is Thursday, Spanish "do" Sunday), never within one.
_NAMES: dict[str, tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]] = {
    "fr": ((("janvier", "janv"), ("février", "fevrier", "févr", "fevr", "fév", "fev"), ("mars",), ("avril", "avr"),
            ("mai",), ("juin",), ("juillet", "juil"), ("août", "aout"), ("septembre", "sept"), ("octobre", "oct"),
            ("novembre", "nov"), ("décembre", "decembre", "déc", "dec")),
           (("lundi", "lun"), ("mardi", "mar"), ("mercredi", "mer"), ("jeudi", "jeu"), ("vendredi", "ven"),
            ("samedi", "sam"), ("dimanche", "dim"))),
    "de": ((("januar", "jänner", "jan", "jän"), ("februar", "feb"), ("märz", "maerz", "mär", "mrz"), ("april", "apr"),
            ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"), ("september", "sept", "sep"),
            ("oktober", "okt"), ("november", "nov"), ("dezember", "dez")),
           (("montag", "mo"), ("dienstag", "di"), ("mittwoch", "mi"), ("donnerstag", "do"), ("freitag", "fr"),
            ("samstag", "sonnabend", "sa"), ("sonntag", "so"))),
    "ru": ((("январь", "января", "янв"), ("февраль", "февраля", "фев"), ("март", "марта", "мар"),
            ("апрель", "апреля", "апр"), ("май", "мая"), ("июнь", "июня", "июн"), ("июль", "июля", "июл"),
            ("август", "августа", "авг"), ("сентябрь", "сентября", "сент", "сен"), ("октябрь", "октября", "окт"),
            ("ноябрь", "ноября", "нояб", "ноя"), ("декабрь", "декабря", "дек")),
           (("понедельник", "пн"), ("вторник", "вт"), ("среда", "ср"), ("четверг", "чт"), ("пятница", "пт"),
            ("суббота", "сб"), ("воскресенье", "вс"))),
    "es": ((("enero", "ene"), ("febrero", "feb"), ("marzo", "mar"), ("abril", "abr"), ("mayo", "may"),
            ("junio", "jun"), ("julio", "jul"), ("agosto", "ago"), ("septiembre", "setiembre", "sept", "sep", "set"),
            ("octubre", "oct"), ("noviembre", "nov"), ("diciembre", "dic")),
           (("lunes", "lun"), ("martes", "mar"), ("miércoles", "miercoles", "mié", "mie"), ("jueves", "jue"),
            ("viernes", "vie"), ("sábado", "sabado", "sáb", "sab"), ("domingo", "dom"))),
    "it": ((("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"), ("maggio", "mag"),
            ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"), ("settembre", "set"), ("ottobre", "ott"),
            ("novembre", "nov"), ("dicembre", "dic")),
           (("lunedì", "lunedi", "lun"), ("martedì", "martedi", "mar"), ("mercoledì", "mercoledi", "mer"),
            ("giovedì", "giovedi", "gio"), ("venerdì", "venerdi", "ven"), ("sabato", "sab"), ("domenica", "dom"))),
    "pt": ((("janeiro", "jan"), ("fevereiro", "fev"), ("março", "marco", "mar"), ("abril", "abr"), ("maio", "mai"),
            ("junho", "jun"), ("julho", "jul"), ("agosto", "ago"), ("setembro", "set"), ("outubro", "out"),
            ("novembro", "nov"), ("dezembro", "dez")),
           (("segunda-feira", "segunda", "seg"), ("terça-feira", "terça", "terca", "ter"),
            ("quarta-feira", "quarta", "qua"), ("quinta-feira", "quinta", "qui"), ("sexta-feira", "sexta", "sex"),
            ("sábado", "sabado", "sáb", "sab"), ("domingo", "dom"))),
    "nl": ((("januari", "jan"), ("februari", "feb"), ("maart", "mrt", "mar"), ("april", "apr"), ("mei",),
            ("juni", "jun"), ("juli", "jul"), ("augustus", "aug"), ("september", "sep"), ("oktober", "okt"),
            ("november", "nov"), ("december", "dec")),
           (("maandag", "ma"), ("dinsdag", "di"), ("woensdag", "wo"), ("donderdag", "do"), ("vrijdag", "vr"),
            ("zaterdag", "za"), ("zondag", "zo"))),
}


def _name_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    # a whole word, an abbreviation's dot taken with it ("nov.", "нояб.")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")\.?(?!\w)")


_NAME_PATTERNS = {lang: ([_name_pattern(m) for m in months], [_name_pattern(d) for d in days])
                  for lang, (months, days) in _NAMES.items()}


def _clock_words(text: str) -> str:
    """"a.m."/"p.m." as strptime's %p and dateparser read them; "noon"/"midnight" as times."""
    text = re.sub(r"\b([ap])\.\s?m\.?(?=\s|$|[,;)])", lambda m: m.group(1).upper() + "M", text, flags=re.IGNORECASE)
    text = re.sub(r"\bnoon\b", "12:00 PM", text, flags=re.IGNORECASE)
    text = re.sub(r"\bmidnight\b", "12:00 AM", text, flags=re.IGNORECASE)
    return re.sub(r"(?<![:\d])(\d{1,2}) ([AP]M)\b", r"\1:00 \2", text)


def _in_english(low: str, fmt: str, language: str) -> str:
    """`low`'s month and day names of `language` written as `fmt` reads them (full for %B/%A)."""
    months, days = _NAME_PATTERNS[language]
    for n, pattern in enumerate(months):
        low = pattern.sub(_EN_MONTHS[n] if "%B" in fmt else _EN_MONTHS[n][:3], low)
    for n, pattern in enumerate(days):
        low = pattern.sub(_EN_DAYS[n] if "%A" in fmt else _EN_DAYS[n][:3], low)
    return low


def _strptime(text: str, fmt: str, language: str | None = None) -> datetime:
    """`text` read by `fmt` as it is (English names), else its month and day names read in
    `language` (when one of `_NAMES`), or in French, then each other language of `_NAMES` in turn."""
    low = _ORDINAL.sub(r"\1", _clock_words(text)).lower()
    low = re.sub(r"\b1er\b", "1", low)
    order = [language] if language in _NAMES else ["fr", *(lang for lang in _NAMES if lang != "fr")]
    error: ValueError | None = None
    for lang in (None, *order):
        try:  # literals match case-insensitively
            return datetime.strptime(low if lang is None else _in_english(low, fmt, lang), fmt)
        except ValueError as exc:
            error = error or exc
    raise error or ValueError(f"{text!r} does not match {fmt!r}")


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
                value = _strptime(text, one, language)
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


# Elements inside a date's element whose attributes are read when its own hold no date: Discuz!
# prints `<em>发表于 <span title="2026-12-2 22:10">昨天 22:10</span></em>` (the <em> alone when the
# date is old), XenForo 1.x and IP.Board 3 their `abbr`/`span` with the date inside a permalink. A
# date's element holds a few; the bound keeps a hostile one of thousands from being walked.
_DATE_DESCENDANTS = 16


def read_date(node: Selector | SelectorList[Selector] | TextResponse, spec: DateSelector,
              fetched_at: datetime) -> DateReading:
    """The date under `node`: the element's `spec.attributes` first (machine-readable, e.g.
    `<time datetime>`: a Unix time, ISO, then the configured formats), then those of the elements
    inside it that hold a time of day (the first that reads), then its text with the formats."""
    kind, query = parse_selector(spec.selector)
    found = node.css(query) if kind == "css" else node.xpath(query)
    if not found:
        return DateReading(None, None)
    first = found[0]
    if isinstance(first.root, str):  # an attribute's value or a string (`::attr(data-timer)`, XPath `@x`)
        raw = first.root.strip()
        # a Unix time read as such, as in an element's `attributes`: a leak site's countdown names
        # its end in `data-timer="1796220000"`, and no strptime format reads one
        value = _epoch(_cut(raw, spec.pattern)) or parse_date(_cut(raw, spec.pattern), spec.format, spec.timezone,
                                                              language=spec.language, fetched_at=fetched_at)
        return DateReading(raw or None, value)
    reading = _attribute_date(first.root, spec, fetched_at)
    if reading is not None:
        return reading
    inside = (el for el in first.root.iterdescendants() if isinstance(el.tag, str))
    for element in islice(inside, _DATE_DESCENDANTS):
        reading = _attribute_date(element, spec, fetched_at, clocked=True)
        if reading is not None:
            return reading
    raw = " ".join(element_text(first.root).split())
    return DateReading(raw or None, parse_date(_cut(raw, spec.pattern), spec.format, spec.timezone,
                                               language=spec.language, fetched_at=fetched_at))


# A time of day in an attribute: what makes an inner element's date the post's (MyBB's relative
# style prints `<span title="12-02-2026">Yesterday</span>, 11:15 PM`: the day alone is inside, the
# whole date is the text).
_CLOCK = re.compile(r"\d{1,2}:\d{2}")


def _attribute_date(element: Any, spec: DateSelector, fetched_at: datetime, *,
                    clocked: bool = False) -> DateReading | None:
    """The first of `spec.attributes` of `element` that reads as a date (a Unix time, ISO, then the
    configured formats), or None; with `clocked`, only a Unix time or a value with a time of day."""
    for attribute in spec.attributes:
        raw_attr = (element.get(attribute) or "").strip()  # not `attrib`: see `extract._link_texts`
        if raw_attr:
            epoch = _epoch(_cut(raw_attr, spec.pattern))
            if epoch is not None:
                return DateReading(raw_attr, epoch)
            if clocked and not _CLOCK.search(raw_attr):
                continue
            formats: list[str | None] = [None]
            formats += spec.format if isinstance(spec.format, list) else [spec.format]
            for fmt in formats:
                value = parse_date(_cut(raw_attr, spec.pattern), fmt, spec.timezone, language=spec.language,
                                   fetched_at=fetched_at)
                if value is not None:
                    return DateReading(raw_attr, value)
    return None


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
    match = compile_pattern(pattern).search(text[:_PATTERN_TEXT_CHARS])
    if match is None:
        return ""
    return match.group(1) if match.re.groups else match.group(0)
