"""Article 9 recall and precision on the separate phrase bank (tests/corpus/phrasebank).

Each phrase is embedded, as it would appear in a leak, in two contexts and run through the real
detector (`indexer.detect.detect`):

- `notes`: a delimited dump with a header whose notes column ("notes", "commentaire",
  "remarques"...) holds the phrase in one row and ordinary CRM remarks in the others;
- `dox`: a doxing post (name, date of birth, phone, email as `key: value` lines) whose free-text
  field ("Infos", "Notes", "Other") holds the phrase.

A sample is a positive of its category; a flag of that category on it is a true positive. Any flag
of a category on a sample that is not its positive (a negative, another category's phrase, unless
listed in `{also: ...}`) is a false positive of that category. The surrounding rows are generated
from a fixed seed, so the figures are a function of the bank and the detector only.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import indexer
from indexer.article9 import fold
from indexer.detect import detect
from indexer.models import ARTICLE9_CATEGORIES
from indexer.tokens import MatchKey
from tests.corpus import values as V

__all__ = ["BANK_DIR", "A9Score", "Phrase", "article9_score", "embed", "lexicon_overlap", "load_bank"]

BANK_DIR = Path(__file__).resolve().parent / "phrasebank"
CONTEXTS = ("notes", "dox")
_KEY = MatchKey(b"\x42" * 32)
_ALSO = re.compile(r"\s*\{also:\s*([a-z_, ]+)\}\s*$")


@dataclass(frozen=True)
class Phrase:
    category: str
    form: str  # note, prose or neg
    lang: str  # fr or en
    text: str
    also: frozenset[str] = frozenset()


def load_bank(directory: Path = BANK_DIR) -> list[Phrase]:
    """Every phrase of every `<category>.txt`; refuses unknown categories and sections."""
    out: list[Phrase] = []
    for path in sorted(directory.glob("*.txt")):
        cat = path.stem
        if cat not in ARTICLE9_CATEGORIES:
            raise ValueError(f"{path}: {cat!r} is not an article 9 category; expected one of {ARTICLE9_CATEGORIES}")
        form = lang = ""
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                form, _, lang = line.strip("[]").partition(".")
                if form not in ("note", "prose", "neg") or lang not in ("fr", "en"):
                    raise ValueError(f"{path}:{n}: unknown section {line!r}; expected [note|prose|neg.fr|en]")
                continue
            if not form:
                raise ValueError(f"{path}:{n}: phrase before any [section] header")
            m = _ALSO.search(line)
            also = frozenset(x.strip() for x in m.group(1).split(",")) if m else frozenset()
            out.append(Phrase(cat, form, lang, line[:m.start()] if m else line, also))
    return out


# ordinary remarks of a CRM notes column: the rows around the phrase
_FILLER = {"fr": ["RAS", "client fidèle", "rappeler lundi", "", "relance facture", "VIP", "newsletter ok",
                  "préfère être contacté par mail", "adresse à vérifier", "a changé de numéro", ""],
           "en": ["", "loyal customer", "call back Monday", "VIP", "invoice reminder sent", "prefers email",
                  "address to check", "new number", "n/a", ""]}
_NOTES_HEADERS = {"fr": ["notes", "commentaire", "remarques", "observations", "notes_internes", "info"],
                  "en": ["notes", "comments", "remarks", "comment", "internal_notes", "info"]}


def embed(phrase: Phrase, context: str, seed: int) -> str:
    """The phrase inside a leak-shaped text (see the module docstring)."""
    r = random.Random(seed)
    people = [(r.choice(["Martin", "Bernard", "Dubois", "Smith", "Garcia", "Rossi", "Lefèvre", "Moreau"]),
               r.choice(["Marie", "Jean", "Sophie", "Karim", "Emma", "Lucas", "Chloé", "David"]),
               f"user{r.randint(100, 99999)}@{r.choice(['gmail.com', 'orange.fr', 'free.fr', 'yahoo.com'])}",
               f"06 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
               V.dob(r).raw) for _ in range(6)]
    if context == "notes":
        sep = r.choice([";", ",", "\t", "|"])
        head = ["nom", "prenom", "email", "telephone", _NOTES_HEADERS[phrase.lang][r.randrange(6)]]
        at = r.randrange(1, len(people))

        def cell(v: str) -> str:
            return f'"{v}"' if sep in v or '"' in v or "," in v else v
        rows = [sep.join(head)]
        for i, (last, first, mail, tel, _) in enumerate(people):
            note = phrase.text if i == at else r.choice(_FILLER[phrase.lang])
            rows.append(sep.join(cell(x) for x in (last, first, mail, tel, note)))
        return "\n".join(rows)
    if context == "dox":
        last, first, mail, tel, born = people[0]
        fr = phrase.lang == "fr"
        lines = [f"{'Nom' if fr else 'Name'}: {first} {last}", f"{'Date de naissance' if fr else 'DOB'}: {born}",
                 f"{'Téléphone' if fr else 'Phone'}: {tel}", f"Email: {mail}",
                 f"{r.choice(['Infos', 'Notes', 'Remarques'] if fr else ['Info', 'Notes', 'Other'])}: {phrase.text}"]
        intro = "Dox complet, tout est vérifié :" if fr else "Full dox, everything checked:"
        return intro + "\n\n" + "\n".join(lines) + "\n"
    raise ValueError(f"unknown context {context!r}; expected one of {CONTEXTS}")


@dataclass
class A9Score:
    tp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    by_form: Counter[tuple[str, str, bool]] = field(default_factory=Counter)  # (category, form.lang, found)
    by_context: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (context, found)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (category, context, phrase)
    false_flags: list[tuple[str, str, str]] = field(default_factory=list)  # (flagged category, context, phrase)
    lost: int = 0  # samples on which the detector returned no fragment at all

    def recall(self, c: str) -> float:
        d = self.tp[c] + self.fn[c]
        return self.tp[c] / d if d else 1.0

    def precision(self, c: str) -> float:
        d = self.tp[c] + self.fp[c]
        return self.tp[c] / d if d else 1.0

    def table(self) -> str:
        rows = [f"{'category':<20}{'tp':>5}{'fn':>5}{'fp':>5}{'recall':>8}{'precision':>11}"]
        for c in ARTICLE9_CATEGORIES:
            rows.append(f"{c:<20}{self.tp[c]:>5}{self.fn[c]:>5}{self.fp[c]:>5}{self.recall(c):>8.3f}"
                        f"{self.precision(c):>11.3f}")
        rows.append(f"samples without any fragment: {self.lost}")
        return "\n".join(rows)


def score_bank(bank: list[Phrase]) -> A9Score:
    sc = A9Score()
    for i, ph in enumerate(bank):
        for ctx in CONTEXTS:
            frags = detect(embed(ph, ctx, seed=i * 7 + len(ctx)), key=_KEY)
            if not frags:
                sc.lost += 1
            flagged = {s.category for f in frags for s in f.sensitive}
            if ph.form != "neg":
                hit = ph.category in flagged
                sc.tp[ph.category] += hit
                sc.fn[ph.category] += not hit
                sc.by_form[(ph.category, f"{ph.form}.{ph.lang}", hit)] += 1
                sc.by_context[(ctx, hit)] += 1
                if not hit:
                    sc.misses.append((ph.category, ctx, ph.text))
            allowed = ({ph.category} | ph.also) if ph.form != "neg" else set()
            for c in flagged - allowed:
                sc.fp[c] += 1
                sc.false_flags.append((c, ctx, ph.text))
    return sc


@lru_cache(maxsize=1)
def article9_score() -> A9Score:
    """The bank's score, computed once per process (the tests and the report share it)."""
    return score_bank(load_bank())


def lexicon_overlap(bank: list[Phrase]) -> tuple[list[Phrase], list[Phrase]]:
    """Positives of the bank that equal a line of a data file of the `indexer` package (folded as
    the detector folds), split into (notes-column phrases, prose sentences). A note such as
    "sclérose en plaques" may rightly be a lexicon term too; a whole sentence may not: it would mean
    the bank was copied into the detector."""
    root = Path(indexer.__file__).resolve().parent
    lines = {fold(ln).strip() for p in root.rglob("*.txt") for ln in p.read_text(encoding="utf-8").splitlines()}
    same = [p for p in bank if p.form != "neg" and fold(p.text).strip() in lines]
    return [p for p in same if p.form == "note"], [p for p in same if p.form == "prose"]
