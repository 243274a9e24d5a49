"""The harness of the blind probe sets: cases scored on BOTH engines, MISSED, floors and a report.

A blind probe is written apart from the detector, from what a user reads (README.md, the docs, the
identifiers reference) and the public API. Each case states every identifier (type, canonical value:
e-mail lower case, gmail also without dots and +tag; phone E.164; NIR 15 characters with key; IBAN
compact; card digits; dates of birth ISO; national ids `CC:value`) and every article 9 category that
must be found; `maybe` may be found or not; `recall_only` must be found but is no precision target
(credentials, hashes: their canonical forms are the detector's). A case's data is a post's text or
bytes, an attachment (`filename`: read through `expand_attachment`), or several posts (`parts`: a dump
split across posts or pages of a thread, scored on their union).

Every case runs on both engines in this process and their fragments must be equal (`test_engines_agree`);
the scoring reads the compiled core's (the reference's when the core is not built). `MISSED` lists what
is missed today, one reason each as seen from outside: its test asserts the miss is still there, so a fix
must move the case out in the same commit. `make_tests` returns a set's test functions; a set's module
puts them in its namespace (`globals().update(make_tests(SET, floors))`).

Sets 4, 4b and 4c use it through set 4's module (their probes under set 4's key); set 5 and later import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import pytest

from crawler.attachments import AttachmentError, expand_attachment
from indexer import engine
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, require_native, vigie_native
from vigie.config.schema import AttachmentLimits

__all__ = [
    "STRICT",
    "Case",
    "Probe",
    "detect_many_agrees",
    "e164",
    "fr_date",
    "fr_spaced",
    "gmail",
    "grouped",
    "iban",
    "luhn",
    "make_tests",
    "nir",
    "person_ids",
    "spaced_nir",
]

# Types whose every found value must be expected (precision); credentials, hashes, names and
# addresses are asserted for recall only (their canonical forms are the detector's to choose).
STRICT = frozenset({"email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli", "dob", "national_id"})


# ---------------------------------------------------------------- checksums, computed here


def nir(body: str) -> str:
    """A 13-character NIR body with its key (2A reads as 19, 2B as 18)."""
    num = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - num % 97:02d}"


def luhn(partial: str, length: int) -> str:
    """`partial` completed with zeros then one Luhn check digit to `length` digits."""
    digits = partial.ljust(length - 1, "0")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


def iban(country: str, bban: str) -> str:
    """ISO 13616 check digits for `bban`."""
    moved = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in moved))
    return f"{country}{98 - num % 97:02d}{bban}"


def grouped(value: str, size: int = 4) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def e164(national: str, region: str = "FR") -> str:
    num = phonenumbers.parse(national, region)
    assert phonenumbers.is_valid_number(num), national
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def gmail(addr: str) -> set[tuple[str, str]]:
    """Both forms the docs say are tokened for a gmail address."""
    local, _, _ = addr.lower().partition("@")
    canon = local.split("+")[0].replace(".", "") + "@gmail.com"
    return {("email", addr.lower()), ("email", canon)}


def person_ids(people: Iterable[Any], fields: str) -> set[tuple[str, str]]:
    """Every identifier of `people` (objects with .email, .mobile, .dob, .nir, .iban, .card) that
    `fields` names: e mail (gmail's other forms too), p mobile, d birth, n NIR, i IBAN, c card."""
    out: set[tuple[str, str]] = set()
    for p in people:
        if "e" in fields:
            out |= gmail(p.email) if p.email.endswith("@gmail.com") else {("email", p.email)}
        if "p" in fields:
            out.add(("phone", p.mobile))
        if "d" in fields:
            out.add(("dob", p.dob))
        if "n" in fields:
            out.add(("nir", p.nir))
        if "i" in fields:
            out.add(("iban", p.iban))
        if "c" in fields:
            out.add(("card", p.card))
    return out


def spaced_nir(value: str) -> str:
    return f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}"


def fr_spaced(e: str) -> str:
    """+33612345678 -> 06 12 34 56 78"""
    d = "0" + e[3:]
    return " ".join(d[i : i + 2] for i in range(0, 10, 2))


def fr_date(iso: str, sep: str = "/") -> str:
    y, m, d = iso.split("-")
    return f"{d}{sep}{m}{sep}{y}"


# ---------------------------------------------------------------- cases and their scoring


@dataclass(frozen=True)
class Case:
    data: str | bytes
    ids: frozenset[tuple[str, str]] = frozenset()
    cats: frozenset[str] = frozenset()
    filename: str | None = None  # an attachment, read through expand_attachment
    maybe: frozenset[tuple[str, str]] = frozenset()
    recall_only: frozenset[tuple[str, str]] = field(default=frozenset())  # credentials, hashes
    parts: tuple[str | bytes, ...] = ()  # several posts (data unused): scored on their union


Score = tuple[set[tuple[str, str]], set[tuple[str, str]], set[str], set[str]]


class Probe:
    """One set's cases and negatives, run on both engines once each (cached)."""

    def __init__(self, name: str, key: MatchKey | None = None) -> None:
        self.name = name
        self.key = key or MatchKey(f"set{name}-blind-probe-key-0123456789ab".encode())
        self.cases: dict[str, Case] = {}
        self.negatives: dict[str, str | bytes] = {}
        self.missed: dict[str, str] = {}
        self._runs: dict[str, tuple[list[Fragment], list[Fragment] | None]] = {}

    def case(
        self,
        name: str,
        data: str | bytes | Sequence[str | bytes],
        idents: Iterable[tuple[str, str]] = (),
        cats: Iterable[str] = (),
        *,
        filename: str | None = None,
        maybe: Iterable[tuple[str, str]] = (),
        recall_only: Iterable[tuple[str, str]] = (),
    ) -> None:
        assert name not in self.cases and name not in self.negatives, name
        parts: tuple[str | bytes, ...] = ()
        if not isinstance(data, (str, bytes)):
            parts, data = tuple(data), ""
            assert filename is None and len(parts) > 1, name
        self.cases[name] = Case(
            data, frozenset(idents), frozenset(cats), filename, frozenset(maybe), frozenset(recall_only), parts
        )

    def negative(self, name: str, text: str | bytes) -> None:
        assert name not in self.cases and name not in self.negatives, name
        self.negatives[name] = text

    def miss(self, **reasons: str) -> None:
        self.missed.update(reasons)

    def posts(self) -> list[str | bytes]:
        """Every post of the set (attachments left out): what a crawl would hand `detect_many`."""
        out: list[str | bytes] = []
        for c in self.cases.values():
            if c.filename is None:
                out += list(c.parts) if c.parts else [c.data]
        return out + list(self.negatives.values())

    def _parts(self, name: str) -> list[tuple[str | bytes, str | None]]:
        if name in self.negatives:
            return [(self.negatives[name], None)]
        c = self.cases[name]
        if c.parts:
            return [(p, None) for p in c.parts]
        if c.filename is None:
            return [(c.data, None)]
        assert isinstance(c.data, bytes)
        try:
            return [(f.data, f.filename) for f in expand_attachment(c.filename, c.data, AttachmentLimits())]
        except AttachmentError:  # refused as unreadable: nothing of it is read
            return []

    def run(self, name: str) -> tuple[list[Fragment], list[Fragment] | None]:
        """(fragments to score, the other engine's or None): the core's when built, else the reference's."""
        if name not in self._runs:
            parts = self._parts(name)

            def all_frags() -> list[Fragment]:
                return [f for data, fn in parts for f in detect(data, key=self.key, filename=fn)]

            if vigie_native is None:
                self._runs[name] = (all_frags(), None)
            else:
                try:
                    engine.set_engine("python")
                    ref = all_frags()
                    engine.set_engine("native")
                    got = all_frags()
                finally:
                    engine.set_engine(None)
                self._runs[name] = (got, ref)
        return self._runs[name]

    def found(self, name: str) -> tuple[set[tuple[str, str]], set[str]]:
        frags, _ = self.run(name)
        return {(i.type, i.value) for f in frags for i in f.identifiers}, {
            s.category for f in frags for s in f.sensitive
        }

    def score(self, name: str) -> Score:
        """(missed identifiers, false strict identifiers, missed categories, false categories)."""
        c = self.cases[name]
        found, cats = self.found(name)
        missed = set(c.ids | c.recall_only) - found
        false = {x for x in found if x[0] in STRICT and x not in c.ids | c.maybe}
        return missed, false, set(c.cats) - cats, cats - c.cats

    def negative_finds(self, name: str) -> tuple[list[tuple[str, str]], list[str]]:
        found, cats = self.found(name)
        return sorted(x for x in found if x[0] in STRICT or x[0] in ("credential", "password_hash")), sorted(cats)

    def wrong(self, name: str) -> bool:
        if name in self.negatives:
            return self.negative_finds(name) != ([], [])
        return any(self.score(name))

    def tally(self) -> dict[str, float]:
        tp = fn = fp = ctp = cfn = cfp = 0
        for name, c in self.cases.items():
            missed, false, mc, fc = self.score(name)
            tp += len(c.ids | c.recall_only) - len(missed)
            fn += len(missed)
            fp += len(false)
            ctp += len(c.cats - mc)
            cfn += len(mc)
            cfp += len(fc)
        for name in self.negatives:
            strict, cats = self.negative_finds(name)
            fp += len(strict)
            cfp += len(cats)
        return {
            "recall": tp / max(1, tp + fn),
            "precision": tp / max(1, tp + fp),
            "art9_recall": ctp / max(1, ctp + cfn),
            "art9_precision": ctp / max(1, ctp + cfp),
            "tp": tp, "fn": fn, "fp": fp, "ctp": ctp, "cfn": cfn, "cfp": cfp,
        }  # fmt: skip

    def report(self) -> None:
        n_cases, n_negs, n_missed = len(self.cases), len(self.negatives), len(self.missed)
        print(f"== set {self.name}: {n_cases} positives, {n_negs} negatives, {n_missed} in MISSED")
        for name in sorted(self.cases):
            missed, false, mc, fc = self.score(name)
            if missed or false or mc or fc:
                c = self.cases[name]
                share = f"{len(c.ids | c.recall_only) - len(missed)}/{len(c.ids | c.recall_only)}"
                print(f"  {name} ({share}): missed {sorted(missed)} false {sorted(false)}", end="")
                print(f" art9 missed {sorted(mc)} false {sorted(fc)}")
        for name in sorted(self.negatives):
            if self.wrong(name):
                print(f"  {name} (negative): false {self.negative_finds(name)}")
        s = self.tally()
        print(
            f"  identifiers: recall {s['tp']}/{s['tp'] + s['fn']} = {s['recall']:.3f}, "
            f"precision {s['tp']}/{s['tp'] + s['fp']} = {s['precision']:.3f}; "
            f"article 9: recall {s['ctp']}/{s['ctp'] + s['cfn']} = {s['art9_recall']:.3f}, "
            f"precision {s['ctp']}/{s['ctp'] + s['cfp']} = {s['art9_precision']:.3f}"
        )

    def check_well_formed(self) -> None:
        assert set(self.missed) <= set(self.cases) | set(self.negatives), (
            set(self.missed) - set(self.cases) - set(self.negatives)
        )
        for name, c in self.cases.items():
            assert c.ids or c.cats or c.recall_only or c.maybe, name  # maybe only: a text that may hold a business
            for t, v in c.ids:
                if t == "nir":
                    assert len(v) == 15 and nir(v[:13]) == v, (name, v)
                elif t == "iban":
                    assert iban(v[:2], v[4:]) == v, (name, v)
                elif t == "phone":
                    assert phonenumbers.is_valid_number(phonenumbers.parse(v)), (name, v)
                elif t in ("card", "siret", "siren", "rpps"):
                    assert luhn(v[:-1], len(v)) == v, (name, v)
                elif t == "email":
                    assert v == v.lower() and "@" in v, (name, v)
                elif t == "dob":
                    y, m, d = map(int, v.split("-"))
                    assert 1900 < y < 2026 and 1 <= m <= 12 and 1 <= d <= 31, (name, v)

    def check_engines(self, name: str) -> None:
        require_native()  # a skip, or a failure under VIGIE_REQUIRE_NATIVE=1
        got, ref = self.run(name)
        assert ref is not None
        assert_same_fragments(ref, got, f"set {self.name} case {name}")


def detect_many_agrees(items: Sequence[str | bytes], key: MatchKey) -> list[str]:
    """What `detect_many` (the crawl's path) gives differently from `detect` on each item, as text and
    as bytes (a crawl hands bytes over; on the core, bytes go through its sparse scan): [] when equal."""
    from indexer.detect.prefilter import detect_many

    diffs: list[str] = []
    for batch in (list(items), [i.encode() if isinstance(i, str) else i for i in items]):
        got = detect_many(batch, key=key)
        for i, (item, frags) in enumerate(zip(batch, got, strict=True)):
            want = detect(item, key=key)
            if frags != want:
                kind = type(item).__name__
                diffs.append(f"item {i} ({kind}): {len(frags)} fragments, detect gives {len(want)}: {str(item)[:60]!r}")
    return diffs


def make_tests(
    probe: Probe, floors: Mapping[str, float], *, crawl_check: bool = True
) -> dict[str, Callable[..., None]]:
    """The test functions of a set, for its module's namespace (`crawl_check=False`: the module checks
    `detect_many` itself, over several sets at once)."""
    ok_cases = sorted(set(probe.cases) - set(probe.missed))
    ok_negs = sorted(set(probe.negatives) - set(probe.missed))

    def test_cases_are_well_formed() -> None:
        probe.check_well_formed()

    @pytest.mark.parametrize("name", sorted(probe.cases) + sorted(probe.negatives))
    def test_engines_agree(name: str) -> None:
        probe.check_engines(name)

    @pytest.mark.parametrize("name", ok_cases)
    def test_positive(name: str) -> None:
        missed, false, mc, fc = probe.score(name)
        problems = {
            "missed": sorted(missed),
            "false": sorted(false),
            "missed art. 9": sorted(mc),
            "false art. 9": sorted(fc),
        }
        assert not any(problems.values()), problems

    @pytest.mark.parametrize("name", ok_negs)
    def test_negative(name: str) -> None:
        assert probe.negative_finds(name) == ([], [])

    @pytest.mark.parametrize("name", sorted(probe.missed))
    def test_missed(name: str) -> None:
        """Left as found (reason in MISSED): when one passes, move it out of MISSED."""
        assert probe.wrong(name), f"{name} is now found exactly: remove it from MISSED"

    def test_scores() -> None:
        """Floors at what was measured when the set was written: a regression fails."""
        s = probe.tally()
        for k, v in floors.items():
            assert s[k] >= v, (k, s)

    def test_detect_many_equals_detect() -> None:
        """The crawl detects posts with `detect_many`: on every post of the set it must give what
        `detect` gives, or the crawl loses what `vigie scan` finds. (Posts over 256 KB are left out:
        `detect_many` hands those to `detect` itself, and they are the set's costliest.)"""
        assert detect_many_agrees([p for p in probe.posts() if len(p) < 256_000], probe.key) == []

    tests: dict[str, Callable[..., None]] = {
        "test_cases_are_well_formed": test_cases_are_well_formed,
        "test_engines_agree": test_engines_agree,
        "test_positive": test_positive,
        "test_negative": test_negative,
        "test_missed": test_missed,
        "test_scores": test_scores,
    }
    if crawl_check:
        tests["test_detect_many_equals_detect"] = test_detect_many_equals_detect
    return tests
