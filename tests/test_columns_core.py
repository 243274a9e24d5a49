"""A header-less run's column typing by the compiled core (`vigie_native.infer_roles`, issue 17,
wave 29) gives the reference's roles (`columns.infer_roles` on the Python engine), countries
included, on random columns of synthetic values of every kind it types: the core's own steps,
the values it hands back to Python (IDN addresses, IBANs' country rules, dates it defers on)
and the whole calls it hands back (digits beyond ASCII, letters beyond Latin). All values are
synthetic (Faker, fixed seeds)."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from indexer import engine
from indexer.detect import columns as C
from tests.test_detect_columns_early import POOL

pytestmark = pytest.mark.skipif(engine.native_module() is None, reason="the compiled core is not the engine")

_LOCALES = ("de_DE", "nl_NL", "es_ES", "it_IT", "fr_FR", "en_GB", "fr_BE", "de_CH", "en_US")


def _pool() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"iban": [], "phone": [], "postcode": [], "city": [], "name": [], "date": [],
                                 "email": [], "street": []}
    for k, loc in enumerate(_LOCALES):
        fmt = random.Random(k).choice(["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"])
        f = Faker(loc)
        f.seed_instance(29 + k)
        for _ in range(12):
            out["iban"].append(f.iban())
            out["phone"].append(f.phone_number())
            out["postcode"].append(f.postcode())
            out["city"].append(f.city())
            out["name"].append(f.first_name())
            out["date"].append(f.date_of_birth().strftime(fmt))
            out["email"].append(f.email())
            out["street"].append(f.street_address())
    out["iban"] += [" ".join(v[i:i + 4] for i in range(0, len(v), 4)) for v in out["iban"][:20]]
    out["email"] += ["marie@société-générale.fr", "jo@niño.es", "Ana.Lopez@EXEMPLE.es"]
    out["name"] += ["Jean-Pierre", "D’Alembert", "O'Neil", "Ève", "Łukasz", "Иван", "Ο Νίκος", "J. R. R", "de la Tour"]
    out["phone"] += ["0151 23456789", "030 1234567", "+49 30 1234567", "06 12 34 56 78", "0612345678", "612345678",
                     "+32 470 12 34 56", "0470 12 34 56", "07911 123456", "+44 7911 123456", "٠٦١٢٣٤٥٦٧٨"]
    out["other"] = POOL + ["", "", "NC", "243", "08/31", "75002", "13001", "$12", "x@y", "ß12345678"]
    return out


def _random_columns(rng: random.Random, pool: dict[str, list[str]]) -> list[list[str]]:
    rows = rng.choice([2, 3, 4, 5, 8, 12])
    kinds = rng.sample(sorted(pool), rng.randint(1, 6))
    cols = []
    for kind in kinds:
        mostly = pool[kind]
        cols.append([rng.choice(mostly) if rng.random() < 0.85 else rng.choice(pool["other"]) for _ in range(rows)])
    if rng.random() < 0.15:  # a SQL tuple's cells: `('jean@x.fr'`, `'0612...');`
        cols[0] = [f"('{v}'" for v in cols[0]]
        cols[-1] = [f"'{v}');" for v in cols[-1]]
    return cols


def _roles(r: list[str | None]) -> list[tuple[str, str | None] | None]:
    return [None if x is None else (str(x), getattr(x, "region", None)) for x in r]


def test_the_cores_roles_are_the_references() -> None:
    rng = random.Random(2029)
    pool = _pool()
    samples = [_random_columns(rng, pool) for _ in range(1500)]
    core = C._core_roles()
    assert core is not None
    answered = partial = 0
    for cols in samples:
        with engine.reference_only():
            want = _roles(C.infer_roles([list(c) for c in cols]))
        got = _roles(C.infer_roles([list(c) for c in cols]))
        assert got == want, cols
        raw = core[0]([list(c) for c in cols], core[1], engine.today(), C.ids._this_year(), core[2])
        if raw is not None:
            answered += 1
            partial += not raw[0]
    # the core typed most samples itself (a call handed back whole types nothing here)
    assert answered > 0.8 * len(samples), answered
    assert sum(r is not None for cols in samples[:300] for r in C.infer_roles(cols)) > 150


def test_a_german_dump_without_header_types_its_phones_by_its_ibans_country() -> None:
    """The IBANs' country reads the untyped column's national numbers (`_countries_of`,
    `_national_in`): in the core, not handed back."""
    ibans = ["DE89370400440532013000", "DE02120300000000202051", "DE12500105170648489890", "DE02500105170137075030"]
    phones = ["0151 23456780", "030 12345670", "089 1234567", "0171 2345678"]
    names = ["Schmidt", "Müller", "Weber", "Wagner"]
    core = C._core_roles()
    assert core is not None
    raw = core[0]([names, ibans, phones], core[1], engine.today(), C.ids._this_year(), core[2])
    assert raw is not None and raw[0] is True
    with engine.reference_only():
        want = C.infer_roles([names, ibans, phones])
    assert want == [None, "iban", "phone"]
    assert C.infer_roles([names, ibans, phones]) == want


def test_digits_beyond_ascii_go_back_to_python_whole() -> None:
    core = C._core_roles()
    assert core is not None
    cols = [["Jean", "Léa", "Noé"], ["٠٦١٢٣٤٥٦٧٨", "0612345678", "0712345678"]]
    assert core[0](cols, core[1], engine.today(), C.ids._this_year(), core[2]) is None
    with engine.reference_only():
        want = C.infer_roles(cols)
    assert C.infer_roles(cols) == want
