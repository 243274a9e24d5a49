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
X Y", a civility) or before a birth or an identifier ("X Y, né le", "X Y : 06 ...").

A window may name several people, each a record of their own (`person_records`): an agenda's
line per patient, a chat's message each, "Mme X, 4 rue ..., et M. Y, né le ...", a calendar's
event each (`BEGIN:VEVENT` as `exports.readable` writes it, its SUMMARY's "reason - NAME
First"). A name after the first starts a person when a fact of theirs follows it (an
identifier, a street, a birth, on its line or the next) or precedes it on a line that names no
one else (a chat's sender shown by number); a relative ("sa mère, Sylvie X : 06 ...") stays the
dox's own. A date-shaped run (`[02.12.2026 09:41]`, a chat's time stamp) is no phone.

Linear: a failed window is not read again by a later start inside it (`Ctx.prose_end`), lines
over `_MAX_LINE` characters are not prose, and every pattern below is possessive or bounded
(tests/test_linear_patterns.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from indexer import identifiers as ids
from indexer.article9 import scan_article9
from indexer.detect.base import Ctx, Spec
from indexer.detect.extract import Sink, extract_record
from indexer.detect.mail import ORG_WORDS as _ORG_WORDS
from indexer.detect.scan import scan

__all__ = ["ROLE_MAILBOXES", "alone_prose", "heading_name", "personal", "prose_dox"]

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
_HEADED_FACTS = 5  # a person's facts under a heading name (`heading_name`): a birth, a home, contacts
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
    r"|cible|target|ex|know|avec|m|mr|mme|mrs|ms|mlle|dr|assur[ée]e?|patiente?))\Z")
# ... or just after it: a birth, a date, an identifier, a home
_NAME_BEFORE = re.compile(
    r"\A[ \t]*+[,:(–—-]?[ \t]*+(?:\(?n[ée]e?\b|born\b|b\.|(?i:dob|d\.o\.b)\b|\d|\+\d|[A-Z]{2}\d\d|[\w.+-]++@|lives\b"
    r"|habite\b|vit\b)")
_NOT_NAME = frozenset({
    "voici", "voilà", "voila", "dox", "doxx", "son", "sa", "ses", "il", "elle", "le", "la", "les", "name", "real",
    "dob", "phone", "email", "mail", "tel", "tél", "lives", "born", "found", "infos", "info", "pour", "mobile", "call",
    "her", "his", "my", "this", "je", "bon", "nom", "adresse", "insta", "twitter", "nir", "iban", "m", "mme", "mr",
    "dr", "pr", "the", "he", "she", "a", "an", "de", "du", "des", "et", "and", "full", "date", "née", "né", "ne",
    "cible", "identité", "address", "rue", "avenue", "sécu", "secu", "fixe", "portable", "numéro", "doxxed",
    "name's", "that's", "it's", "he's", "she's", "c'est",
})


_CIVILITY = frozenset({"m", "mme", "mlle", "mr", "mrs", "ms", "dr", "pr", "me"})
_NON_SPACE = re.compile(r"[^ \t]++")


def _name(line: str, taken: list[tuple[int, int]], pos: int = 0, strict: bool = False) -> tuple[int, int] | None:
    """The span of the first person's name on the line from `pos` (see the module docstring).
    `strict` (a mail's body, read whole): a civility or a cue before the name, or a birth after
    it, and no word of an organisation's (`Customer Services: +44 ...`, `Sérologie VIH 1/2`)."""
    restart = True
    while restart:  # (a loop, not a recursion: a line of civilities restarts once per civility)
        restart = False
        for m in _NAME.finditer(line, pos):
            st, en = m.span(1)
            if any(a < en and st < b for a, b in taken):
                continue
            words = [(w.start(), w.end()) for w in _NON_SPACE.finditer(line, st, en)]
            civ = [n for n, (a, b) in enumerate(words[1:-1], 1) if line[a:b].lower().rstrip(".") in _CIVILITY]
            if civ:  # `Demain Mme Agathe Roussel`: the name is what follows the civility
                pos = words[civ[-1]][1]
                restart = True
                break
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
            if strict:
                if any(line[a:b].lower().strip(".,") in _ORG_WORDS for a, b in words):
                    continue
                if _NAME_AFTER.search(before) or _BIRTH_AFTER.match(line, en):
                    return st, en
            elif _NAME_AFTER.search(before) or _NAME_BEFORE.match(line[en:en + 40]):
                return st, en
    return None


_FULL_DATE = re.compile(r"(?<![\d.])\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d(?!\d)")


def _facts(text: str) -> tuple[list[Any], int, int]:
    """(found identifiers, contacts P, private identifiers) of one line, by `scan`: contacts
    counted once per span (a Gmail address gives two forms), service mailboxes left out."""
    found: list[Any] = []
    scan(text, found)
    if found and ("20" in text or "19" in text):
        # `[02.12.2026 09:41]` (a chat's time stamp) reads as a landline `02 12 20 26 09`: no
        # number begins with a date
        dates = [m.span() for m in _FULL_DATE.finditer(text)]
        if dates:
            found = [x if x[0] != "phone" or not any(a <= x[2] < b for a, b in dates) else ("skip",) + tuple(x[1:])
                     for x in found]
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


# the words of a document's title, not a person's name (`CURRICULUM VITAE`, `Fiche Contact`)
_TITLE_WORDS = frozenset({
    "curriculum", "vitae", "cv", "résumé", "resume", "profil", "profile", "fiche", "contact", "contacts",
    "coordonnées", "coordonnees", "candidature", "candidat", "candidate", "dossier", "personal", "details",
    "informations", "personnelles", "expérience", "experience", "formation", "education", "compétences", "skills"})


def heading_name(lines: list[str], k: int, floor: int = 0) -> tuple[int, int] | None:
    """The span of a person's name that line k is by itself, heading what follows (a CV's or a
    profile's first line, `Gabin PERROT`): two or three capitalised words, not all in capitals,
    alone on the line, at the top of its paragraph (the text's first line, or a blank line or a
    document title above it), no word of an organisation's or a title's. Such a name names the
    facts under it as a `Nom :` label does."""
    s = lines[k]
    if len(s) > 60:
        return None
    st = len(s) - len(s.lstrip())
    en = len(s.rstrip())
    m = _NAME.fullmatch(s, st, en)
    if m is None:
        return None
    raw = s[st:en].split()
    if all(w.isupper() for w in raw):  # a heading in capitals (`INSERT ALL`, `CURRICULUM VITAE`): a given
        return None  # name is written in lower case after its capital
    words = [w.lower() for w in raw]
    if any(w in _ORG_WORDS or w in _NOT_NAME or w in _TITLE_WORDS for w in words):
        return None
    top = k
    while top > floor and lines[top - 1].strip() and len(lines[top - 1]) <= 60 and all(
            w.strip(":-–—") in _TITLE_WORDS for w in lines[top - 1].lower().split()):
        top -= 1  # `CURRICULUM VITAE` above the name
    if top > floor and lines[top - 1].strip():
        return None
    return st, en


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


def _analyse(lines: list[str], lo: int, hi: int, name_lines: frozenset[int] = frozenset(),
             strict: bool = False) -> tuple[bool, int, _PerLine]:
    """Whether lines lo..hi are a dox (see the module docstring), their identifiers and facts
    `P + F`, and per line: (line, its typed spans (start, end, role), the spans of the
    identifiers `scan` found). Several people may be named (an agenda's line per patient, a
    chat's message each, `Mme X ..., et M. Y, né le ...`): a name after the first starts a
    person of its own when what follows it on its line holds a fact (an identifier, a birth, a
    street); each person has one name, one home and one birth. `name_lines`: lines that are a
    name by themselves (a mail's signature, `mail.py`)."""
    contacts = private = 0
    dox_cue = cue = False
    per_line: _PerLine = []
    named = addressed = False  # the current person's name and home
    born = homed = False
    own = False  # a birth or a home: what a person has and a company has not
    pre = {k: _facts(lines[k]) for k in range(lo, hi + 1) if lines[k].strip()}
    for k in range(lo, hi + 1):
        s = lines[k]
        if not s.strip():
            continue
        found, p, f = pre[k]
        contacts += p
        private += f
        own = own or any(x[0] in _OWN for x in found)
        low = s.lower()
        dox_cue = dox_cue or _DOX_CUE.search(low) is not None
        cue = cue or _CUE.search(low) is not None
        typed: _Typed = []
        streets = [m for m in _STREET.finditer(s)][:4]
        names: list[tuple[int, int]] = []
        if k in name_lines:
            st = len(s) - len(s.lstrip())
            names.append((st, len(s.rstrip())))
        if s[:6] == "BEGIN:" and s.strip().upper() == "BEGIN:VEVENT":
            # a calendar's event (as `exports.readable` writes it): its own person's record
            typed.append((0, 0, "start"))
            named = addressed = born = homed = False
        elif s[:9] == "SUMMARY: " and (
                sm := _SUMMARY_NAME.search(s) or _SUMMARY_NAME_FIRST.match(s)) is not None and not any(
                w.lower() in _ORG_WORDS or w.lower() in _NOT_NAME for w in sm.group(1).split()):
            names.append(sm.span(1))  # `SUMMARY: Consultation psychiatrie - LEFÈVRE Frédéric`
        pos = 0
        while len(names) < 4:
            nm = _name(s, [(m.start(), m.end()) for m in streets] + names, pos, strict)
            if nm is None:
                break
            pos = nm[1]
            if named or names:  # a second person: only with a fact of their own after the name
                if _RELATIVE.search(low, max(0, nm[0] - 24), nm[0]):
                    continue  # `Sa mère, Sylvie X : 06 ...`: a relative, part of the person's own dox
                nxt = min([a for a, _ in _name_starts(s, nm[1])] + [len(s)])
                tail = s[nm[1]:nxt]
                if not (any(nm[1] <= x[2] < nxt and x[0] != "skip" for x in found) or _STREET.search(tail)
                        or _BIRTH_AFTER.match(tail) or (nxt == len(s) and _facts_below(lines, pre, k, hi))):
                    # the line's only name, its facts before it (`+33 7 ...: Bonjour c'est X Y`,
                    # a chat's sender shown by number): the line is that person's
                    if names or nxt != len(s) or not any(x[2] < nm[0] and x[0] != "skip" for x in found):
                        continue
                    typed.append((0, 0, "start"))
            names.append(nm)
        names.sort()
        people = [(a, "full_name") for a, _ in names]
        for a, b in names:
            typed.append((a, b, "full_name"))
        dates = [dm for dm in _DATE.finditer(s)][:8]
        marks = sorted(people + [(m.start(), "street") for m in streets] + [(dm.start(), "date") for dm in dates])
        by_start = {m.start(): m for m in streets}
        by_date = {dm.start(): dm for dm in dates}
        last_name_end = -1
        last_birth_end = -1  # `born 14/02/1981 and mine is 03/09/1978`: births listed
        for at, what in marks:
            if what == "full_name":
                if named:  # a person of their own: their home and birth are theirs
                    addressed = born = homed = False
                named = True
                last_name_end = next(b for a, b in names if a == at)
            elif what == "street":
                m = by_start[at]
                if addressed:
                    continue
                addressed = True
                typed.append((m.start(), m.end(), "street"))
                if _HOME_BEFORE.search(low, max(0, m.start() - 50), m.start()):
                    private += 1
                    own = homed = True
            else:
                dm = by_date[at]
                st = dm.start()
                after_name = last_name_end >= 0 and last_name_end <= st and not s[last_name_end:st].strip(" \t,(—–")
                listed = last_birth_end >= 0 and st - last_birth_end <= 24 and not _SENTENCE_END.search(
                    s, last_birth_end, st)
                birth = _BIRTH_BEFORE.search(low, max(0, st - 40), st) is not None
                if not birth and st < 40 and not s[:st].strip() and k > lo:  # `... date of birth is` / `14/02/1981`
                    birth = _BIRTH_ENDS.search(lines[k - 1][-40:].lower()) is not None
                if (after_name or listed or birth) and ids.canon_dob(dm.group()) is not None:
                    typed.append((dm.start(), dm.end(), "dob"))
                    last_birth_end = dm.end()
                    if not born:
                        private += 1
                    own = born = True
            if born and addressed and not homed and named:  # a person's birth and street: their home
                private += 1
                homed = True
        if "rpps" in low or "adeli" in low or "sire" in low:
            # a practitioner's number behind its name (`RPPS 10003214565`), an employer's (`SIRET 443...`)
            for pm in (*_PRO_ID.finditer(s), *_FIRM_ID.finditer(s)):
                if not any(a < pm.end(2) and pm.start(2) < b for a, b, _ in typed):
                    typed.append((pm.start(2), pm.end(2), pm.group(1).lower()))
        typed.extend((x[2], x[3], "skip") for x in found if x[0] == "skip")
        per_line.append((k, sorted(typed), sorted({(x[2], x[3]) for x in found if x[0] != "skip"})))
    facts = contacts + private
    named = named or any(r == "full_name" for _, typed, _ in per_line for _, _, r in typed)
    dox = ((dox_cue or (cue and named)) and facts >= 2) or (named and own and facts >= 3)
    if not dox and facts >= 2 and not strict:
        dox = _told_about(lines, lo, hi, named, own)
    return dox, facts, per_line


# a capitalised name that a copula follows: `Théo Dumas est homo`, `Yves Le Goff is HIV positive`
_NAME_IS = re.compile(rf"(?<![\w'’-]){_WORD}(?:[ \t]++{_WORD}){{1,2}}+[ \t]++(?:est|is|was|était|etait|a|has)\b")


# how a letter or a note tells of someone as a patient (a third person: `vous êtes suivi`, a
# leaflet's, is not): the words of care around it are then the patient's carers, not the contacts'
_PATIENT = re.compile(
    r"\b(?:(?:est|sont|a [ée]t[ée]|ont [ée]t[ée]|[ée]tait|etait) (?:suivie?s?|soign[ée]e?s?|trait[ée]e?s?"
    r"|hospitalis[ée]e?s?"
    r"|diagnostiqu[ée]e?s?|d[ée]pist[ée]e?s?|intern[ée]e?s?|admise?s?|atteinte?s?|sous (?:m[ée]thadone|subutex"
    r"|buprénorphine|traitement|antid[ée]presseurs?|trith[ée]rapie|neuroleptiques?))"
    r"|souffre d|je vous adresse|(?:pour|en vue d['’]une) prise en charge"
    r"|(?:is|was|are|were) (?:being )?(?:treated|followed|diagnosed|hospitali[sz]ed|admitted|on methadone)"
    r"|suffers from|i am referring|(?:i )?refer(?:ring)? (?:mr|mrs|ms|miss|this patient))\b")
# who offers care or help gives their contacts beside the words of health; a dox does not talk so
_CARE_TALK = re.compile(
    r"\b(?:dr|docteur|doctor|pr|professeur|m[ée]decin|infirmi[eè]re?|psychologue|th[ée]rapeute|cabinet|rdv"
    r"|rendez-vous|appointments?|consult\w*+|permanence|association|clinique|clinic|centre|center|h[ôo]pital"
    r"|hospital|pharmacie|pharmacy|aumônier|aumonier|paroisse|parish|mosqu[ée]e|mosque|[ée]glise|church"
    # a helpline's poster: `Sida Info Service : 0 800 840 800 (appel gratuit, 24h/24)`
    r"|services?|helplines?|hotlines?|[ée]coute|num[ée]ro vert|appel gratuit|free ?phone|toll[ -]free|urgences?"
    r"|emergency|samu|24h/24|24/7)\b")


def _told_about(lines: list[str], lo: int, hi: int, named: bool, own: bool = False) -> bool:
    """Whether lines lo..hi, holding two of a person's identifiers and facts, say something of
    article 9 about a person they name (`X (x@y, 06 ...) tested HIV positive`, `X est homo, ...
    joignable au 06 ...`): what is said of someone is what makes their contacts a dox, as a
    dox's cue does. The name is `_name`'s, or two or three capitalised words and a copula; no
    word of an organisation's (`Centre Dépistage VIH`). Words of care (`_CARE_TALK`) say the contacts
    are a practitioner's or a service's, unless the person has a birth, a home or a NIR (`own`: no
    service has them) or is told as a patient (`_PATIENT`: `X (x@y, 06 ...) est suivi au CSAPA`, a
    referral letter's `Je vous adresse M. X ... pour prise en charge`)."""
    text = "\n".join(lines[lo:hi + 1])
    low = text.lower()
    if _CARE_TALK.search(low) is not None and not own and _PATIENT.search(low) is None:
        return False  # a practitioner's or a service's contact (`Dr X ... dépistage du VIH : RDV au 01 ...`)
    after = 0
    if not named:
        m = _NAME_IS.search(text)
        if m is None or any(w.lower() in _ORG_WORDS or w.lower() in _NOT_NAME for w in m.group().split()[:-1]):
            return False
        after = m.end()  # what is said of them, not a word of the name (`Dépistage VIH Paris est ...`)
    return any(f.start is None or f.start >= after for f in scan_article9(text, limit=4))


def _facts_below(lines: list[str], pre: dict[int, tuple[list[Any], int, int]], k: int, hi: int) -> bool:
    """Whether the line below line k (an event's, a record's next line) holds a fact of the
    person named last on line k and names no one of its own: an identifier, a street, a birth."""
    j = k + 1
    if j > hi or j not in pre:
        return False
    s = lines[j]
    if _name(s, []) is not None:
        return False
    return any(x[0] != "skip" for x in pre[j][0]) or _STREET.search(s) is not None \
        or _BIRTH_BEFORE.search(s.lower()[:60]) is not None and _DATE.search(s) is not None


_PRO_ID = re.compile(r"(?i)\b(rpps|adeli)\b[ \t]*+(?:n[°o]\.?[ \t]*+)?:?[ \t]*+(\d(?:[ .]?\d){8,10}+)(?!\d)")
_FIRM_ID = re.compile(
    r"(?i)\b(siret|siren)\b[ \t]*+(?:n[°o]\.?[ \t]*+)?:?[ \t]*+(\d{3}[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{5})?)(?!\d)")
_BIRTH_ENDS = re.compile(r"(?:\bn[ée]e?s? le|\bborn(?: on)?|birth(?: is)?|\bdob|naissance)[ \t]*+:?[ \t]*+\Z")
# an event's summary ending with the patient's name after the reason: `Motif - NOM Prénom`
_SUMMARY_NAME = re.compile(rf" [-–] ({_WORD}(?:[ \t]{_WORD}){{1,2}})[ \t]*\Z")
# ... or the name first: `SUMMARY: EL IDRISSI Bruno - suivi VIH`
_SUMMARY_NAME_FIRST = re.compile(rf"SUMMARY: ({_WORD}(?:[ \t]{_WORD}){{1,3}}) [-–] ")
_SENTENCE_END = re.compile(r"[.;!?]")
_RELATIVE = re.compile(
    r"\b(?:m[èe]re|p[èe]re|s[œo]e?ur|fr[èe]re|mari|femme|copine|copain|fils|fille|parents?|oncle|tante|cousine?"
    r"|grand-m[èe]re|grand-p[èe]re|mother|father|mum|mom|dad|sister|brother|wife|husband|son|daughter|girlfriend"
    r"|boyfriend|uncle|aunt|cousin)\b[^.;!?\n]{0,16}\Z")
_BIRTH_AFTER = re.compile(r"(?<![ \t])[ \t]*+[,:(–-]?[ \t]*+\(?(?:n[ée]e?\b|born\b|b\.)")


def _name_starts(s: str, pos: int) -> list[tuple[int, int]]:
    """The next capitalised run after `pos` that `_name` would take (the end of a person's
    own text on a line that names several)."""
    nm = _name(s, [], pos)
    return [nm] if nm is not None else []


def person_records(lines: list[str], lo: int, per_line: _PerLine, offs: list[int],
                   keep: Callable[[int, int, int], bool] | None = None) -> list[tuple[list[tuple[str, int]],
                                                                                    list[str | None]]]:
    """The fields and roles of each person's record: the typed spans, each identifier on its
    own and the words between them as free text (words that hold no identifier are masked in
    the excerpt: relatives' names); a new record at each person's name after the first.
    `keep(line, start, end)`: whether an identifier's span is kept (a mail's switchboard is not)."""
    out: list[tuple[list[tuple[str, int]], list[str | None]]] = []
    fields: list[tuple[str, int]] = []
    roles: list[str | None] = []
    named = started = False
    for k, typed, spans in per_line:
        s = lines[k]
        base = offs[k - lo]
        cuts = typed + [(a, b, "" if keep is None or keep(k, a, b) else "skip") for a, b in spans
                        if not any(x < b and a < y for x, y, _ in typed)]
        pos = 0
        for st, en, r in sorted(cuts):
            if st < pos:
                continue
            if r == "skip":  # no one's number (a date read as a phone, a switchboard): not read
                if s[pos:st].strip():
                    fields.append((s[pos:st], base + pos))
                    roles.append(None)
                pos = en
                continue
            if r == "start":  # a person's line begins (their facts before their name)
                if named:
                    out.append((fields, roles))
                    fields, roles = [], []
                named = False
                started = True
                continue
            if r == "full_name":
                if named and not started:
                    if s[pos:st].strip():
                        fields.append((s[pos:st], base + pos))
                        roles.append(None)
                    out.append((fields, roles))
                    fields, roles = [], []
                    pos = st
                named = True
                started = False
            if s[pos:st].strip():
                fields.append((s[pos:st], base + pos))
                roles.append(None)
            fields.append((s[st:en], base + st))
            roles.append(r or None)
            pos = en
        if s[pos:].strip():
            fields.append((s[pos:], base + pos))
            roles.append(None)
    if fields:
        out.append((fields, roles))
    return out


def _art9_words(text: str) -> bool:
    """Whether the text holds an article 9 term (`_told_about` may make it a dox)."""
    return bool(scan_article9(text, limit=1))


def _before_table(lines: list[str], i: int, hi: int) -> int:
    """The window's last line before a table that starts below seed line i (three lines or more
    cut alike by one separator: a header and its rows), else `hi`: a post's words over a dump
    (`CLINIQUE DU PARC — 412 GB ... Proof:` then `IPP;NOM;PRENOM;DDN;NIR`) are no dox of the
    dump's people; the table is the shapes' to read, by its header."""
    from indexer.detect.shapes import _sig  # (shapes imports this module)

    for k in range(i + 1, hi - 1):
        sig = _sig(lines[k])
        if sig is not None and sig[1] >= 2 and _sig(lines[k + 1]) == sig and _sig(lines[k + 2]) == sig:
            return k - 1
    return hi


def prose_dox(ctx: Ctx, i: int, floor: int) -> tuple[int, Spec | None]:
    """A prose dox around seed line i (see the module docstring), or (i + 1, None)."""
    lines = ctx.lines
    if i < ctx.prose_end or len(lines[i]) > _MAX_LINE:
        return i + 1, None
    lo, hi = _window(ctx, i, max(floor, ctx.prose_end))
    hi = _before_table(lines, i, hi)
    ctx.prose_end = hi + 1
    # what every dox needs, looked for first on the whole window (a dump's rows, a header, a
    # list of addresses have none of it): a dox's own words, or two capitalised words that may
    # be the person's name with a describing word, a date, a street or a NIR's or card's digits
    text = "\n".join(lines[lo:hi + 1])
    low = text.lower()
    if _DOX_CUE.search(low) is None and (_NAME.search(text) is None or (
            _CUE.search(low) is None and _DATE.search(text) is None and _STREET.search(text) is None
            and _LONG_RUN.search(text) is None and not _art9_words(text))):
        return i + 1, None
    dox, _, per_line = _analyse(lines, lo, hi)
    if not dox and (heads := frozenset(k for k in range(lo, min(hi, lo + 1) + 1)
                                       if heading_name(lines, k, floor) is not None)):
        # one person's facts under their name alone on its line (a CV, a profile): a few facts, no
        # record of data among them (a page's `Home Victims` menu over a JSON sample is no name)
        dox, facts, per_line = _analyse(lines, lo, hi, heads)
        dox = dox and facts <= _HEADED_FACTS and not any(
            lines[k].lstrip()[:1] in '{["<' for k in range(lo, hi + 1))
    if not dox:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        return sum(extract_record(f, r, sink) for f, r in person_records(lines, lo, per_line, offs))

    return hi + 1, ("dox", lo, hi, fill)
