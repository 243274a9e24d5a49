"""A dox written as prose: one person's identifiers in sentences, not behind labels.

"il s'appelle Julien Moreau, né le 14/02/1988, il habite au 23 rue des Lilas, 69003 Lyon. Son
tel c'est le 06 45 12 78 90 et son mail julien.moreau88@gmail.com": no label, no separator, no
second record, so no other recogniser takes it; yet doxing one person is what the watched
forums do most. `prose_dox` is the last recogniser `shapes.recognise` tries on a seed line.

What is read (the *window*): the seed line's paragraph, at most `_UP` lines above it (never
above the main loop's floor) and `_MAX_LINES` in all. A blank line is crossed only when a line
next to it is a `key: value` line without a quote ("Son 06 : ...", "Real name: ..."): then the
windowed prefilter (`prefilter._boundary`: no `key: value` line within 3 lines) and the
parallel cutter never cut there either, so the engine reads the same lines whole or windowed.

What makes a dox rather than a contact block, an article or an ad (decided on the blind probe's
positives and negatives, tests/test_detect_blind_probe_prose_dox.py):
- contacts `P`: distinct phone numbers and e-mail addresses that are not a service's mailbox
  (`contact@`, `presse@`, `sav@`: `ROLE_MAILBOXES`);
- private facts `F`: a NIR, an IBAN, a card, a date introduced as a birth ("né le", "born",
  "DOB", or right after the person's name), a street address introduced as a home ("habite",
  "vit", "lives");
- a dox cue: "dox", "s'appelle", "name is", "cible", "my ex": what the post says it is; or
  words that describe someone ("il habite", "lives at", "son tel", "sa mère", "her number"),
  which count once the person is named (a lowercase "il est né le ... appelez le 06 ..." in
  a thread is talk, not a record: tests/test_detect_blind_probe_born.py).
A window is a dox when it has a cue and `P + F >= 2` (two identifiers of a person someone is
talking about), or, without a cue, a named person with a birth, a home, a NIR or a card among
`P + F >= 3` (`Elodie Renaud, 12/12/1987, 5 rue ..., 06 ..., mail, IBAN`): a company has an
IBAN, phones and mailboxes, never a birth date, a home, a NIR or a card. A company's contact
block or a bank's notice (role mailboxes, a switchboard, its IBAN: no cue, no birth, no home),
a press article or an ad (one phone), a public figure's bio (a birth date, no contact), a
signature or a team page (a name, a work phone and address: no cue, no private fact) stay
below. The person's name is read after a cue ("s'appelle X Y", "Dox: X Y", "c'est
X Y") or before a birth or an identifier ("X Y, né le", "X Y : 06 ..."): the first such one.

Linear: a failed window is not read again by a later start inside it (`Ctx.prose_end`), lines
over `_MAX_LINE` characters are not prose, and every pattern below is possessive or bounded
(tests/test_linear_patterns.py)."""

from __future__ import annotations

import re
from typing import Any

from indexer import identifiers as ids
from indexer.detect.base import Ctx, Spec
from indexer.detect.extract import Sink, extract_record
from indexer.detect.scan import scan

__all__ = ["ROLE_MAILBOXES", "alone_prose", "personal", "prose_dox"]

# the mailboxes of a service, not of a person: a company's `contact@, ventes@, presse@, rh@` in
# a post is how to reach it, not a leak
ROLE_MAILBOXES = frozenset({
    "abuse", "accounting", "accueil", "admin", "administration", "billing", "commercial", "compta", "comptabilite",
    "contact", "contacts", "dpo", "facturation", "hello", "help", "helpdesk", "hr", "info", "infos", "jobs",
    "legal", "marketing", "media", "newsletter", "no-reply", "noreply", "office", "postmaster", "press", "presse",
    "privacy", "recrutement", "rh", "sales", "sav", "secretariat", "security", "securite", "service-client",
    "support", "team", "ventes", "webmaster"})


def personal(value: str) -> bool:
    return value.partition("@")[0].lower() not in ROLE_MAILBOXES


_UP = 4  # lines read above the seed line
_MAX_LINES = 16  # lines a window spans at most
_MAX_LINE = 2000  # a longer line is no prose (and is not read as such)
_CONTACT = frozenset({"email", "phone"})
_PRIVATE = frozenset({"nir", "iban", "card", "national_id"})
_LONG_RUN = re.compile(r"[0-9](?:[ .-]?[0-9]){12}")  # 13 digits or more: a NIR's, a card's
_OWN = frozenset({"nir", "card", "national_id"})  # a person's, never a company's (an IBAN may be either)

# what `seeds.alone_is_nothing` counts before asking `alone_prose`, as the compiled prefilter
# counts it (rust/vigie_native/src/prefilter.rs, `seedish`): each "@", and each run of digits
# (at most one of " ./%+-" between two) that holds 8 of them
_DIGIT_RUN = re.compile(r"[0-9](?:[ ./%+-]?[0-9])*+")

# how people write about someone else (lowercased text); see the module docstring: a dox's own
# words, which name what the post is ...
_DOX_CUE = re.compile(r"\b(?:dox+(?:ed|ing|é|e)?|s['’]appelle|name is|name's|real name|cible|target|my ex|mon ex)\b")
# ... and the words that describe someone, which count once the person is named
_CUE = re.compile(
    r"\b(?:(?:il|elle) (?:habite|vit)|habite (?:au|à|a)|vit (?:au|à|a|chez)|lives (?:at|in|on)"
    r"|(?:son|sa|ses) (?:t[ée]l|t[ée]l[ée]phone|num[ée]ro|num|portable|mail|adresse|insta|snap|0[67]|m[èe]re"
    r"|p[èe]re|s[œo]e?ur|fr[èe]re|mari|femme|copine|copain|parents)"
    r"|(?:his|her) (?:number|phone|mobile|cell|email|e-mail|mail|address|birthday|mum|mom|dad|mother|father"
    r"|sister|brother|wife|husband|real))\b")

# a date: `14/02/1988`, `12.05.1985`, `15/03/85`, `3 mars 1995`, `1er avril 2001`, `1977-01-13`,
# `March 3rd, 1990`; its birth is told by `_BIRTH_BEFORE` (or the person's name just before it)
_DATE = re.compile(
    r"(?<![\d/.-])(?:\d{1,2}(?:er)?[ ./-](?:\d{1,2}|[^\W\d_]{3,10}+\.?)[ ./-]\d{4}|\d{1,2}[/.]\d{1,2}[/.]\d\d"
    r"|\d{4}-\d\d-\d\d|[A-Z][a-z]{2,8}+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})(?![\d/])")
_BIRTH_BEFORE = re.compile(
    r"(?:\bn[ée]e?s?\b|\bborn\b|\bdob\b|d\.o\.b|naissance|birthday|\bbirth\b|anniversaire|\bb\.)[^.;!?\n]{0,24}\Z")

# a French street address with its postcode: `23 rue des Lilas, 69003 Lyon`
_STREET = re.compile(
    r"(?<!\w)\d{1,4}+(?: ?(?:bis|ter))?,? (?i:rue|avenue|av\.|bd|boulevard|all[ée]e|impasse|chemin|place|cours|quai"
    r"|route|square|passage|r[ée]sidence|lotissement|cit[ée]|voie|sentier|promenade|esplanade|faubourg|hameau)"
    r"\b[^\n,.;:!?()]{1,60}?,? \d{5} [^\W\d_][\w'’-]{0,40}+")
_HOME_BEFORE = re.compile(
    r"(?:habite|\bvit\b|vivent|domicil|\blives?\b|living|r[ée]sid|chez (?:lui|elle|ses)|(?:his|her|son) address"
    r"|son adresse)[^.;!?\n]{0,30}\Z")

# a name: two or three capitalised words (a surname may be in capitals)
_CAP = "A-ZÀ-ÖØ-Þ"
_WORD = rf"[{_CAP}][^\W\d_]*+(?:['’-][^\W\d_]++)*+"
_NAME = re.compile(rf"(?<![\w'’-])({_WORD}(?:[ \t]++{_WORD}){{1,2}}+)(?![\w'’-])")
# what may come just before a person's name (the end of the text before it, lowercased, its
# trailing punctuation and emoji left out) ...
_NAME_AFTER = re.compile(
    r"(?:\b(?:s['’]appelle|appelle|name is|name's|name|nom|identit[ée]|identity|dox+(?:ed|é)?|sur|on|of|de|c['’]est"
    r"|cible|target|ex|know|avec|m|mr|mme|mrs|ms|mlle|dr))\Z")
# ... or just after it: a birth, a date, an identifier, a home
_NAME_BEFORE = re.compile(
    r"\A[ \t]*+[,:(–-]?[ \t]*+(?:\(?n[ée]e?\b|born\b|b\.|\d|\+\d|[A-Z]{2}\d\d|[\w.+-]++@|lives\b|habite\b|vit\b)")
_NOT_NAME = frozenset({
    "voici", "voilà", "voila", "dox", "doxx", "son", "sa", "ses", "il", "elle", "le", "la", "les", "name", "real",
    "dob", "phone", "email", "mail", "tel", "tél", "lives", "born", "found", "infos", "info", "pour", "mobile", "call",
    "her", "his", "my", "this", "je", "bon", "nom", "adresse", "insta", "twitter", "nir", "iban", "m", "mme", "mr",
    "dr", "pr", "the", "he", "she", "a", "an", "de", "du", "des", "et", "and", "full", "date", "née", "né", "ne",
    "cible", "identité", "address", "rue", "avenue", "sécu", "secu", "fixe", "portable", "numéro", "doxxed",
    "name's", "that's", "it's", "he's", "she's", "c'est",
})


_NON_SPACE = re.compile(r"[^ \t]++")


def _name(line: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the first person's name on the line (see the module docstring)."""
    for m in _NAME.finditer(line):
        st, en = m.span(1)
        if any(a < en and st < b for a, b in taken):
            continue
        words = [(w.start(), w.end()) for w in _NON_SPACE.finditer(line, st, en)]
        while words and line[words[0][0]:words[0][1]].lower() in _NOT_NAME:
            words = words[1:]
        while words and line[words[-1][0]:words[-1][1]].lower() in _NOT_NAME:
            words = words[:-1]
        if len(words) < 2:
            continue
        st, en = words[0][0], words[-1][1]
        k = st  # the text before it, its trailing punctuation and emoji left out
        while k > 0 and st - k < 40 and not line[k - 1].isalnum():
            k -= 1
        before = line[max(0, k - 24):k].lower()
        if _NAME_AFTER.search(before) or _NAME_BEFORE.match(line[en:en + 40]):
            return st, en
    return None


def _facts(text: str) -> tuple[list[Any], int, int]:
    """(found identifiers, contacts P, private identifiers) of one line, by `scan`: contacts
    counted once per span (a Gmail address gives two forms), service mailboxes left out."""
    found: list[Any] = []
    scan(text, found)
    spans: set[tuple[int, int]] = set()
    contacts = private = 0
    for t, c, st, en in found:
        if (st, en) in spans:
            continue
        spans.add((st, en))
        if t in _CONTACT and (t != "email" or personal(c)):
            contacts += 1
        elif t in _PRIVATE:
            private += 1
    return found, contacts, private


def alone_prose(s: str) -> bool:
    """Whether a line standing alone between blank lines may be (part of) a prose dox: a dox
    by itself, or two of a person's identifiers and facts, whose paragraph `prose_dox` reads
    across the blank lines next to a `key: value` line (`seeds.alone_is_nothing` asks; it counts
    its "@"s and 8-digit runs first (`_DIGIT_RUN`), as the compiled prefilter does before
    handing such a line back to `alone_is_nothing`)."""
    if len(s) > _MAX_LINE or s.count("@") + sum(
            len(m.group()) - sum(c in " ./%+-" for c in m.group()) >= 8 for m in _DIGIT_RUN.finditer(s)) < 2:
        return False
    dox, facts, _ = _analyse([s], 0, 0)
    return dox or facts >= 2


def _kv_next(lines: list[str], k: int) -> bool:
    from indexer.detect.shapes import _KV  # (shapes imports this module)
    return 0 <= k < len(lines) and '"' not in lines[k] and _KV.match(lines[k]) is not None


def _window(ctx: Ctx, i: int, floor: int) -> tuple[int, int]:
    """The lines read around seed line i (see the module docstring)."""
    lines = ctx.lines
    lo = i
    while lo - 1 >= floor and i - (lo - 1) <= _UP:
        prev = lines[lo - 1]
        if prev.strip():
            if len(prev) > _MAX_LINE:
                break
            lo -= 1
        elif lo - 2 >= floor and lines[lo - 2].strip() and (_kv_next(lines, lo) or _kv_next(lines, lo - 2)) \
                and len(lines[lo - 2]) <= _MAX_LINE:
            lo -= 2
        else:
            break
    hi = i
    n = len(lines)
    while hi + 1 < n and hi + 1 - lo < _MAX_LINES:
        nxt = lines[hi + 1]
        if nxt.strip():
            if len(nxt) > _MAX_LINE:
                break
            hi += 1
        elif hi + 2 < n and hi + 2 - lo < _MAX_LINES and lines[hi + 2].strip() and len(lines[hi + 2]) <= _MAX_LINE \
                and (_kv_next(lines, hi) or _kv_next(lines, hi + 2)):
            hi += 2
        else:
            break
    return lo, hi


_Typed = list[tuple[int, int, str]]
_PerLine = list[tuple[int, _Typed, list[tuple[int, int]]]]


def _analyse(lines: list[str], lo: int, hi: int) -> tuple[bool, int, _PerLine]:
    """Whether lines lo..hi are a dox (see the module docstring), their identifiers and facts
    `P + F`, and per line: (line, its
    typed spans (start, end, role), the spans of the identifiers `scan` found)."""
    contacts = private = 0
    dox_cue = cue = False
    per_line: _PerLine = []
    named = addressed = False  # one person: their name and home once
    own = False  # a birth or a home: what a person has and a company has not
    for k in range(lo, hi + 1):
        s = lines[k]
        if not s.strip():
            continue
        found, p, f = _facts(s)
        contacts += p
        private += f
        own = own or any(x[0] in _OWN for x in found)
        low = s.lower()
        dox_cue = dox_cue or _DOX_CUE.search(low) is not None
        cue = cue or _CUE.search(low) is not None
        typed: _Typed = []
        m = _STREET.search(s) if not addressed else None
        if m is not None:
            addressed = True
            typed.append((m.start(), m.end(), "street"))
            if _HOME_BEFORE.search(low, max(0, m.start() - 50), m.start()):
                private += 1
                own = True
        nm = None
        if not named:
            nm = _name(s, [(a, b) for a, b, _ in typed])
            if nm is not None:
                named = True
                typed.append((nm[0], nm[1], "full_name"))
        for dm in _DATE.finditer(s):
            st = dm.start()
            after_name = nm is not None and nm[1] <= st and not s[nm[1]:st].strip(" \t,(")
            if (after_name or _BIRTH_BEFORE.search(low, max(0, st - 40), st)) \
                    and ids.canon_dob(dm.group()) is not None:
                typed.append((dm.start(), dm.end(), "dob"))
                private += 1
                own = True
                break
        per_line.append((k, sorted(typed), sorted({(x[2], x[3]) for x in found})))
    facts = contacts + private
    dox = ((dox_cue or (cue and named)) and facts >= 2) or (named and own and facts >= 3)
    return dox, facts, per_line


def prose_dox(ctx: Ctx, i: int, floor: int) -> tuple[int, Spec | None]:
    """A prose dox around seed line i (see the module docstring), or (i + 1, None)."""
    lines = ctx.lines
    if i < ctx.prose_end or len(lines[i]) > _MAX_LINE:
        return i + 1, None
    lo, hi = _window(ctx, i, max(floor, ctx.prose_end))
    ctx.prose_end = hi + 1
    # what every dox needs, looked for first on the whole window (a dump's rows, a header, a
    # list of addresses have none of it): a dox's own words, or two capitalised words that may
    # be the person's name with a describing word, a date, a street or a NIR's or card's digits
    text = "\n".join(lines[lo:hi + 1])
    low = text.lower()
    if _DOX_CUE.search(low) is None and (_NAME.search(text) is None or (
            _CUE.search(low) is None and _DATE.search(text) is None and _STREET.search(text) is None
            and _LONG_RUN.search(text) is None)):
        return i + 1, None
    dox, _, per_line = _analyse(lines, lo, hi)
    if not dox:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        fields: list[tuple[str, int]] = []
        roles: list[str | None] = []
        for k, typed, spans in per_line:
            s = lines[k]
            base = offs[k - lo]
            # the typed spans, then each identifier on its own and the words between them as
            # free text: words that hold no identifier are masked in the excerpt (relatives' names)
            cuts = typed + [(a, b, "") for a, b in spans if not any(x < b and a < y for x, y, _ in typed)]
            pos = 0
            for st, en, r in sorted(cuts):
                if st < pos:
                    continue
                if s[pos:st].strip():
                    fields.append((s[pos:st], base + pos))
                    roles.append(None)
                fields.append((s[st:en], base + st))
                roles.append(r or None)
                pos = en
            if s[pos:].strip():
                fields.append((s[pos:], base + pos))
                roles.append(None)
        return extract_record(fields, roles, sink)

    return hi + 1, ("dox", lo, hi, fill)
