"""Header-less column typing reads a column's values only until its answer is certain, and asks a
cell only the national id rules its length allows (issue 17, wave 20: a dump post's column typing
was ~10% of its cost). The answers must be those of counting every value with every rule: these
tests compare both on random columns of synthetic values, and check that the work was cut."""

from __future__ import annotations

import random

import pytest

from indexer import identifiers as ids
from indexer.detect import columns as C
from indexer.detect.roles import Role

# synthetic values of each kind a header-less column may hold (none is a real person's)
EMAILS = ["jean.dupont@exemple.fr", "lea.m@exemple.org", "noe@exemple.net", "x@y"]
PHONES = ["06 12 34 56 78", "+33 7 81 23 45 67", "0612345679", "07792 703427", "+447409561459", "+32 470 12 34 56"]
NIRS = ["2 84 05 75 116 009 66", "184057511600966", "1 20 93 38 007 500 80"]
CARDS = ["4111 1111 1111 1111", "5458998644373483", "370495958509592"]
NATIONAL = ["BJ134575B", "KC 48 66 75 B", "85073003328", "85.07.30-033.28", "7561234567897", "756.1234.5678.97",
            "12345678Z", "X1234567L", "RSSMRA85T10A562S", "078-05-1120", "123456789", "BE:85073003328",
            "be:85073003328", "XX:123456789", "AB123456C\n-", "ß12345678", "૧૨૩૪૫૬૭૮૯૦૧"]
DATES = ["1941-08-11", "24.09.1945", "03/10/1946", "30-05-1978", "08/31", "1970-03-07"]
STREETS = ["12 rue de la Paix", "827, boulevard Lemaître, 34707 Leclerc", "7395 Ryan Cliffs, 72091 West Stephen",
           "3 impasse des Lilas", "12 ſtreet", "4 Kings ROAD"]
WORDS = ["Dupont", "Léa", "Paris", "75002", "243", "", "M", "F", "Christian", "12 ×", "1234", "0000000000"]
POOL = EMAILS + PHONES + NIRS + CARDS + NATIONAL + DATES + STREETS + WORDS


def _full_count(columns: list[list[str]]) -> list[str | None]:
    """The roles by `infer_roles` as written before wave 20: every value counted, the best type kept
    (most values; ties to the earlier type of `_BY_VALUE`) if it has two values and 60%; then the
    phones of the country of an IBAN or national id column in a dump without its header (wave 26),
    the dates of birth beside a NIR or in a list of people, the postcode and city beside a street."""
    regions: set[str] = set()
    for col in columns:
        for v in col:
            if ids.is_international(v) and (e164 := ids.canon_phone(v)):
                r = ids.calling_region(e164)
                if r:
                    regions.add(r)
    frozen = frozenset(regions - {"FR"})
    out: list[str | None] = []
    for col in columns:
        vals = [v for v in col if v]
        counts: dict[tuple[str, str | None], int] = {}
        for v in vals:
            t = C._value_types(v, frozen)
            if t is not None:
                counts[t] = counts.get(t, 0) + 1
        # French numbers without their 0 are phones beside one that keeps it (or +CC), else nothing (wave 23)
        bare = counts.pop(C._BARE_PHONE, 0)
        if C._PHONE in counts:
            counts[C._PHONE] += bare
        best = max(counts.items(), key=lambda kv: (kv[1], -C._BY_VALUE.index(kv[0][0])), default=None)
        if best is None or best[1] < 2 or best[1] < 0.6 * len(vals):
            out.append(None)
        else:
            (role, country), _ = best
            out.append(Role(role, country) if country else role)
    if None in out and ("iban" in out or "national_id" in out):  # (wave 26: a foreign dump without its header)
        more = C._countries_of(columns, out) - regions - {"FR"}
        for k, col in enumerate(columns):
            vals = [v for v in col if v]
            if more and out[k] is None and sum(C._national_in(v, more) for v in vals) >= max(2, 0.6 * len(vals)):
                out[k] = "phone"
    if "nir" in out:
        C._dob_beside_nir(columns, out)
    if "dob" not in out and (typed := sum(1 for r in out if r in C._PERSON_TYPED)):
        C._dob_of_fullz(columns, out, typed)  # (wave 27: a list of people's one column of births)
    if "street" in out:
        for k, col in enumerate(columns):
            vals = [v for v in col if v]
            if out[k] is None and vals and sum(len(v) == 5 and v.isdigit() for v in vals) >= 0.6 * len(vals):
                out[k] = "postcode"
                after = [v for v in columns[k + 1] if v] if k + 1 < len(columns) else []
                if after and out[k + 1] is None and sum(not C._WORTH.search(v) for v in after) >= 0.6 * len(after):
                    out[k + 1] = "city"
    return out


def _roles(roles: list[str | None]) -> list[tuple[str, str | None] | None]:
    return [None if r is None else (str(r), getattr(r, "region", None)) for r in roles]


def _random_columns(rng: random.Random) -> list[list[str]]:
    n = rng.choice([0, 1, 2, 3, 4, 5, 7, 10, 64])
    cols = []
    for _ in range(rng.randint(1, 5)):
        mostly = [rng.choice(POOL) for _ in range(rng.randint(1, 3))]
        cols.append([rng.choice(mostly) if rng.random() < 0.75 else rng.choice(POOL) for _ in range(n)])
    return cols


def test_early_answer_is_the_full_count_and_reads_fewer_values(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2026)
    samples = [_random_columns(rng) for _ in range(600)]
    expected = [_roles(_full_count(cols)) for cols in samples]
    calls = [0]
    real = C._value_types

    def counted(v: str, regions: frozenset[str]) -> tuple[str, str | None] | None:
        calls[0] += 1
        return real(v, regions)

    monkeypatch.setattr(C, "_value_types", counted)
    got = [_roles(C._infer_roles_py(cols)) for cols in samples]  # (the reference: the core reads no `_value_types`)
    assert got == expected
    assert sum(r is not None for e in expected for r in e) > 300  # typed columns were compared, not only None
    assert sum(r is None for e in expected for r in e) > 300
    values = sum(1 for cols in samples for col in cols for v in col if v)
    # a column of 5 values is decided after 3 (60%: more than half), a column of 64 after 39
    assert calls[0] < 0.75 * values, (calls[0], values)


def test_a_decided_column_stops_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = C._value_types

    def counted(v: str, regions: frozenset[str]) -> tuple[str, str | None] | None:
        seen.append(v)
        return real(v, regions)

    monkeypatch.setattr(C, "_value_types", counted)
    emails = ["a1@exemple.fr", "a2@exemple.fr", "a3@exemple.fr", "a4@exemple.fr", "a5@exemple.fr"]
    names = ["Dupont", "Martin", "Durand", "Petit", "Leroy"]
    assert C._infer_roles_py([emails, names]) == ["email", None]  # (the reference: the core reads no `_value_types`)
    # 3 of 5 e-mails are 60% and more than half: the last two are not read; 3 of 5 names typed
    # as nothing leave 2, short of the 3 a type needs
    assert seen == emails[:3] + names[:3]


def _forms_country(v: str) -> str | None:
    forms = ids.national_id_forms(v, strict=False)
    return forms[0][:2] if len(forms) == 1 and (not v.isdigit() or forms[0][:2] in ("BE", "CH")) else None


def test_national_country_is_what_every_countrys_rules_say() -> None:
    rng = random.Random(17)
    values = list(NATIONAL) + DATES + PHONES + NIRS + CARDS
    for _ in range(3000):  # digit runs and letter-digit mixes of the lengths the rules take, with separators
        n = rng.choice([8, 9, 10, 11, 12, 13, 15, 16, 17])
        v = "".join(rng.choice("0123456789" if rng.random() < 0.8 else "ABCKLXYZ") for _ in range(n))
        if rng.random() < 0.3:
            k = rng.randrange(1, n)
            v = v[:k] + rng.choice(" .-/\u00a0") + v[k:]
        values.append(v)
    values += ["85073003328", "7561234567897", "756.1234.5678.97", "BE:85073003328", "KR484428C"]
    typed = 0
    for v in values:
        assert C._national_country(v) == _forms_country(v), v
        typed += C._national_country(v) is not None
    assert typed >= 8


def test_a_date_asks_no_countrys_rules_and_no_address(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real_valid = C._national_valid
    real_contains = C.contains

    def valid(country: str, c: str) -> bool:
        asked.append(country)
        return real_valid(country, c)

    def contains(rx: object, text: str) -> bool:
        asked.append("address")
        return real_contains(rx, text)  # type: ignore[arg-type]

    monkeypatch.setattr(C, "_national_valid", valid)
    monkeypatch.setattr(C, "contains", contains)
    for v in ("1941-08-11", "24.09.1945", "03/10/1946"):
        assert C._value_types(v, frozenset()) is None
    assert asked == []  # 8 digits: no country's length; no letter: no street-type word
    assert C._value_types("KC 48 66 75 B", frozenset()) == ("national_id", "GB")
    assert asked == ["ES", "US", "GB"]  # a 9-character form: only the rules of 9 characters


def test_the_cores_national_and_date_checks_answer_as_the_reference() -> None:
    """`_national_valid` and `_dob` ask the compiled core when it is the engine: the same answers
    as python-stdnum's checks and `canon_dob` (on either engine), compacted values with odd
    characters included (the core compacts again: it is asked only ASCII letters and digits)."""
    rng = random.Random(22)
    alphabet = "0123456789" * 3 + "ABCXYZLT .-/\x0b\n:é"
    values = ["85073003328", "7561234567897", "X1234567L", "12345678Z", "RSSMRA85T10A562S", "AB123456C", "123\x0b",
              "078051120", "24.09.1945", "1999-02-29", "29/02/2000", "15.03.85", "19900726", "07/26/1990"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(6, 17))) for _ in range(4000)]
    for v in values:
        c = v.strip().upper().translate(ids._NID_STRIP)
        for cc in ids.NATIONAL_ID_COUNTRIES:
            if len(c) <= 24:
                assert C._national_valid(cc, c) is bool(ids._national_compact(cc, c)), (cc, c)
        assert C._dob(v) == ids.canon_dob(v), v
