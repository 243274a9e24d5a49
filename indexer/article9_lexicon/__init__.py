"""Load the article 9 lexicon (the `*.txt` files beside this module) into RE2 patterns.

Why generated patterns rather than written ones: each entry is a term, and the French and English
inflection rules below turn it into its plural and feminine forms, so that "séropositives",
"syndiquées" or "diabetics" match without anyone listing them. The file format is described in
README.md beside this module. Every pattern is RE2 (linear time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import re2

__all__ = ["ACTIVITY", "AMBIGUOUS", "CATEGORIES", "SURE", "Lexicon", "answer", "fold_accents", "inflect", "lexicon"]

CATEGORIES = ("health", "sexual_orientation", "sex_life", "religion", "ethnic_origin", "political_opinion",
              "trade_union", "genetic", "biometric")
LANGS = ("fr", "en")
SURE, AMBIGUOUS, ACTIVITY = 0, 1, 2  # an entry's cue kind (see `Lexicon`)

_SRC = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝæÆ"
_DST = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYaA"


def _latin_table() -> bytes:
    table = bytearray(range(256))
    for c in range(128, 256):
        table[c] = ord("?")
    for a, b in zip(_SRC, _DST, strict=True):
        table[ord(a)] = ord(b)
    return bytes(table)


_LATIN = _latin_table()


def fold_accents(text: str) -> str:
    """Strip French accents, keeping case and length (one character maps to one, so offsets in
    the folded copy are offsets in the original). Outside Latin-1 becomes "?"."""
    if text.isascii():
        return text
    t = text.replace("\u2019", "'").replace("\u0153", "o").replace("\u0152", "O")
    return t.encode("latin-1", "replace").translate(_LATIN).decode("ascii")


_SEP = r"[\s_\-]{1,3}"  # between the words of a phrase: spaces, a tab, "_" or "-" in a dump


def _fr_forms(w: str) -> set[str]:
    forms = {w, w + "s", w + "x"}
    if w.endswith("e"):
        return forms - {w + "x"}
    forms |= {w + "e", w + "es"}
    if w.endswith("f"):
        forms |= {w[:-1] + "ve", w[:-1] + "ves"}
    if w.endswith(("en", "on", "el")):
        forms |= {w + w[-1] + "e", w + w[-1] + "es"}
    if w.endswith("al"):
        forms |= {w[:-1] + "ux"}
    if w.endswith("eux"):
        forms |= {w[:-1] + "se", w[:-1] + "ses"}
    if w.endswith("er"):
        forms |= {w[:-2] + "ere", w[:-2] + "eres"}
    return forms


def _en_forms(w: str) -> set[str]:
    forms = {w, w + "s", w + "es"}
    if w.endswith("y"):
        forms.add(w[:-1] + "ies")
    return forms


def inflect(word: str, lang: str, participle: bool = False) -> str:
    """Regex of a lowercase folded word and its inflected forms (words under 4 letters, and
    words with digits or punctuation, stay exact: "vih" is not "vihs"). `participle`: the word
    was written with a final "é" ("attiré", "encarté"), folded to "e", whose feminine is "-ée"."""
    if len(word) < 4 or not word.isalpha():
        return re.escape(word).replace(r"\-", _SEP)
    forms = _fr_forms(word) if lang == "fr" else _en_forms(word)
    if participle and lang == "fr":
        forms |= {word + "e", word + "es"}
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def _token(tok: str, lang: str, lists: dict[str, str], single: bool) -> str:
    """One word of an entry. Case-sensitive (exact) when it is an abbreviation ("VIH", "PrEP":
    two capitals or more) or a lone capitalised entry ("?Roma", "?Christian"); otherwise any
    case, inflected."""
    if tok.startswith("$"):
        name, _, rest = tok[1:].partition("-")  # "$people-american"
        if name not in lists:
            raise ValueError(f"article 9 lexicon: list ${name} is used before it is defined")
        return lists[name] + (re.escape("-" + rest).replace(r"\-", "[\\s_\\-]?") if rest else "")
    if tok == "{n}":  # a count: "a eu {n} partenaires" takes "a eu 15 partenaires"
        return "[0-9]{1,4}"
    if tok.endswith("*"):
        return "(?i:" + re.escape(fold_accents(tok[:-1]).lower()) + "[a-z]{0,10})"
    if tok.startswith("*"):  # "*ais/aise/ien": any word of that ending (a demonym, not a list)
        ends = [re.escape(fold_accents(e).lower()) for e in tok[1:].split("/") if e]
        return "(?i:[a-z]{2,14}(?:" + "|".join(sorted(ends, key=lambda e: (-len(e), e))) + "))"
    upper = sum(c.isupper() for c in tok)
    folded = fold_accents(tok)
    if upper >= 2 or (upper and single):
        return re.escape(folded).replace(r"\-", "[\\s_\\-]?")
    low = tok.lower()
    if "-" in low:  # "afro-descendant", "burn-out": the parts, joined by nothing, a space or "-"
        return "(?i:" + "[\\s_\\-]?".join(inflect(fold_accents(p), lang, p.endswith("é"))
                                          for p in low.split("-") if p) + ")"
    return f"(?i:{inflect(fold_accents(low), lang, low.endswith('é'))})"


# "~" between two words of an entry: up to three words in between ("elle ~ sa compagne" takes "elle vit
# avec sa compagne"); bounded, so the pattern stays linear and its DFA small
_GAP = _SEP + r"(?:[A-Za-z0-9']{1,20}" + _SEP + "){0,3}"
_LIST_DEF = re.compile(r"^\$\w+\s*=")


def _phrase(entry: str, lang: str, lists: dict[str, str]) -> str:
    toks = entry.split()
    words = [t for t in toks if t != "~"]
    out = ""
    for i, t in enumerate(toks):
        if t == "~":
            continue
        if out:
            out += _GAP if toks[i - 1] == "~" else _SEP
        out += _token(t, lang, lists, len(words) == 1)
    return out


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicon: `terms` finds every entry in one pass (the match is the term);
    `classify` tells a term's (category, cue kind), cached per distinct term: one capture group
    in the big pattern keeps each match cheap (RE2's submatch pass grows with the groups).
    The cue kind is SURE (evidence alone), AMBIGUOUS (needs a cue of the category: `?term`) or
    ACTIVITY (`?+term`: a service, an app, a practice, which an activity cue such as "uses",
    "pays", "member" makes count too). `cues[category]` (the `@` cues), `activity_cues[category]`
    (`@+`), `stances[category]` (`!`), `topics_after[category]` (`!+`) and the negations run only on
    the few characters around a match."""

    terms: re2._Regexp
    groups: tuple[tuple[str, int], ...]
    group_rx: tuple[re2._Regexp, ...]
    cues: dict[str, re2._Regexp]
    activity_cues: dict[str, re2._Regexp]
    stances: dict[str, re2._Regexp]
    topics_after: dict[str, re2._Regexp]
    neg_before: re2._Regexp
    neg_after: re2._Regexp
    neutral_columns: frozenset[str]
    name_columns: frozenset[str]
    note_columns: frozenset[str]
    # the first characters of the words `neg_after` looks for: a text whose first character
    # after the blanks (and an optional ":" or "=") is none of them is not negated after
    neg_after_first: frozenset[str]
    # whether a cue, stance or topic pattern matches an empty text (none does: each names a
    # word); if not, an empty window beside a match is not searched
    empty_windows_match: bool
    # answers that say nothing ("NC", "non renseignée", "prefer not to say": `declined.txt`), and those
    # that say an absence ("aucune", "none"), each as `answer` normalises it
    declined: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    # a person's diet or meal-order columns (`diet:` in columns.txt) and the words alone there that
    # say a religion (`diet_words:`): "halal" in a canteen's "régime" column; "sans porc" does not
    diet_columns: frozenset[str] = frozenset()
    diet_words: frozenset[str] = frozenset()
    # a CRM's or a mailing tool's tag and segment columns (`tags:`) and the words there that say a presumed
    # sexual orientation (`tag_words:`): "LGBT+ seniors" as a contact's tag (decided wave 29); the same
    # words in prose about an event or a newsletter's content say nothing of anyone
    tag_columns: frozenset[str] = frozenset()
    tag_words: frozenset[str] = frozenset()

    def classify(self, term: str) -> tuple[tuple[str, int], ...]:
        """Every (category, needs a cue) of a term `terms` found (its folded, case-kept spelling):
        a term may say two things ("chlamydia" is health and sex life)."""
        got = self._classified.get(term)
        if got is None:
            got = tuple(g for g, rx in zip(self.groups, self.group_rx, strict=True) if rx.fullmatch(term))
            got = got or (self.groups[0],)
            if len(self._classified) < 100_000:
                self._classified[term] = got
        return got

    @property
    def _classified(self) -> dict[str, tuple[tuple[str, int], ...]]:
        return _CLASSIFIED


_CLASSIFIED: dict[str, tuple[tuple[str, int], ...]] = {}


def _read(name: str) -> list[str]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return [s for s in (line.split("#", 1)[0].strip() for line in text.splitlines()) if s]


def _options() -> re2.Options:
    opts = re2.Options()
    opts.longest_match = True  # "témoin de Jéhovah" over "témoin", "parti socialiste" over "parti"
    # the DFA of ~3000 alternatives: never fall back to the slow NFA (a budget, not an allocation;
    # at 64 MB the DFA of today's lexicon did not fit and RE2 fell back)
    opts.max_mem = 256 << 20
    return opts


_BARE = frozenset({"non", "no"})  # after-negations that must stand alone (see `lexicon`)


def answer(value: str) -> str:
    """A cell's or a label's value as `declined.txt` lists it: accents folded, lower case, blanks
    collapsed, surrounding blanks, quotes and a final "." removed."""
    return " ".join(fold_accents(value).lower().strip(" \t\r\n\"'`").removesuffix(".").split())


def _words_rx(words: list[str]) -> str:
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def lexicon() -> Lexicon:
    """Read and compile the lexicon once per process."""
    groups: dict[tuple[str, int], list[str]] = {}
    cues: dict[str, list[str]] = {}
    activity_cues: dict[str, list[str]] = {}
    stances: dict[str, list[str]] = {}
    topics_after: dict[str, list[str]] = {}
    for cat in CATEGORIES:
        for lang in LANGS:
            lists: dict[str, str] = {}
            for line in _read(f"{cat}.{lang}.txt"):
                if _LIST_DEF.match(line):  # "$people = ...", not "$people descent" (an entry)
                    name, _, items = line[1:].partition("=")
                    alts = [_phrase(i.strip(), lang, lists) for i in items.split(",") if i.strip()]
                    lists[name.strip()] = "(?:" + "|".join(alts) + ")"
                elif line.startswith("@+"):
                    activity_cues.setdefault(cat, []).append(_phrase(line[2:].lower(), lang, lists))
                elif line.startswith("@"):
                    cues.setdefault(cat, []).append(_phrase(line[1:].lower(), lang, lists))
                elif line.startswith("!+"):  # a word right after the term ("prostitution law", "hooking up the TV")
                    topics_after.setdefault(cat, []).append(_phrase(line[2:].lower(), lang, lists))
                elif line.startswith("!"):
                    stances.setdefault(cat, []).append(_phrase(line[1:].lower(), lang, lists))
                else:
                    ambiguous = ACTIVITY if line.startswith("?+") else AMBIGUOUS if line.startswith("?") else SURE
                    entry = line.lstrip("?+")
                    # zero-width word boundaries: no capture group, and a match never eats the
                    # character the next term needs ("VIH,PrEP")
                    rx = r"\b" + _phrase(entry, lang, lists) + (r"\b" if fold_accents(entry[-1]).isalnum() else "")
                    groups.setdefault((cat, ambiguous), []).append(rx)
    order = tuple(groups)
    terms = re2.compile("|".join(_words_rx(groups[g]) for g in order), options=_options())
    group_rx = tuple(re2.compile(f"(?:{_words_rx(groups[g])})", options=_options()) for g in order)
    def word_rx(v: list[str]) -> re2._Regexp:
        return re2.compile(f"(?:^|[^a-z0-9_])(?:{_words_rx(v)})(?:[^a-z0-9_]|$)")
    cue_rx = {c: word_rx(v) for c, v in cues.items()}
    before: list[str] = []
    after: list[str] = []
    after_first: set[str] = set()
    for line in _read("negation.txt"):
        side, _, word = line.partition(":")
        w = fold_accents(word.strip()).lower()
        if not w:
            raise ValueError(f"article 9 lexicon: negation.txt: {line!r} names no word")
        (before if side.strip() == "before" else after).append(re.escape(w))
        if side.strip() != "before":
            after_first.add(w[:1])
    columns: dict[str, set[str]] = {"neutral": set(), "names": set(), "notes": set(), "diet": set(),
                                     "diet_words": set(), "tags": set(), "tag_words": set()}
    for line in _read("columns.txt"):
        kind, _, cols = line.partition(":")
        if kind.strip() not in columns:
            raise ValueError(f"article 9 lexicon: columns.txt: unknown kind {kind!r}; expected one of {list(columns)}")
        columns[kind.strip()].update(cols.split())
    # "non"/"no" right after a term negate it only when they stand alone ("VIH : non"): "catholique
    # non pratiquante" is still a religion, and "non binaire" is not a negation
    plain_after = _words_rx([w for w in after if w not in _BARE])
    bare_after = _words_rx([w for w in after if w in _BARE])
    activity_rx = {c: word_rx(v) for c, v in activity_cues.items()}
    stance_rx = {c: word_rx(v) for c, v in stances.items()}
    # right after the term, behind a possessive, a space, a hyphen or a bracket ("prostitution
    # law", "sex workers' rights", "gay-friendly", "(CGT) return", "CGT (conditions générales"); any
    # case: the text read is lowered, and a list's capitals ("$unfr = CGT, UNSA" in "!+au $unfr")
    # would otherwise never match it
    topic_rx = {c: re2.compile(f"(?i)^[()\\]'\\s\\-]{{0,3}}(?:{_words_rx(v)})(?:[^a-z0-9_]|$)")
                for c, v in topics_after.items()}
    declined: set[str] = set()
    absent: set[str] = set()
    for line in _read("declined.txt"):
        kind, sep, value = line.partition(":")
        if sep and kind.strip() == "absent":
            absent.add(answer(value))
        else:
            declined.add(answer(line))
    windows = (*cue_rx.values(), *activity_rx.values(), *stance_rx.values(), *topic_rx.values())
    return Lexicon(
        terms=terms, groups=order, group_rx=group_rx, cues=cue_rx,
        activity_cues=activity_rx, stances=stance_rx, topics_after=topic_rx,
        neg_before=re2.compile(f"(?:(?:^|[^a-z0-9_])(?:{_words_rx(before)})|n't)(?:[^a-z0-9_]|$)"),
        neg_after=re2.compile(f"^[\\s\"']*(?:[:=][\\s\"']*)?(?:(?:{plain_after})(?:[^a-z0-9_]|$)"
                              f"|(?:{bare_after})[\\s\"']*(?:[^a-z0-9_\\s\"']|$))"),
        neutral_columns=frozenset(columns["neutral"]), name_columns=frozenset(columns["names"]),
        note_columns=frozenset(columns["notes"]),
        diet_columns=frozenset(columns["diet"]), diet_words=frozenset(columns["diet_words"]),
        tag_columns=frozenset(columns["tags"]), tag_words=frozenset(columns["tag_words"]),
        neg_after_first=frozenset(after_first),
        empty_windows_match=any(rx.search("") is not None for rx in windows),
        declined=frozenset(declined), absent=frozenset(absent),
    )
