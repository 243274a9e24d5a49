"""Two of the compiled core's ports (issue 17, wave 24): article 9's accent fold
(`vigie_native.fold_accents`, what `article9._fold_text` asks when the core is the engine) and the
Belgian and Spanish IBANs' own checks, which the core used to hand to python-stdnum. Each is
compared with the Python reference it replaces; the IBAN test also requires that the core decides
these IBANs itself (before, every one of them went through the `canon_iban` hook)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from indexer import article9, engine
from indexer import identifiers as ids
from indexer.article9_lexicon import fold_accents
from tests.native_core import native_engine


@pytest.fixture(scope="module")
def native() -> Iterator[Any]:
    yield from native_engine()


def test_fold_of_every_character(native: Any) -> None:
    """Every code point (lone surrogates too), in one text and one by one between ASCII runs of
    every length around the core's sixteen-character steps."""
    every = "".join(chr(c) for c in range(0x110000))
    assert native.fold_accents(every) == fold_accents(every)
    r = random.Random(24)
    odd = "éÉàœŒ\u2019×ÿ\x80\x9f\xa0łЖ中€😀\U0010ffff\ufeff\ud800"
    for n in range(600):
        text = "".join(r.choice(odd) if r.random() < 0.3 else "x" * r.randint(0, 33) for _ in range(r.randint(1, 12)))
        if n % 3 == 0:
            text = text.upper() + "\n" + text
        assert native.fold_accents(text) == fold_accents(text), repr(text)
    # a long text is read 1,048,576 code points at a time: characters on either side of each cut
    step = 1 << 20
    long = list("x" * (2 * step + 7))
    for k in (0, step - 1, step, step + 1, 2 * step - 1, 2 * step, 2 * step + 6):
        long[k] = "é\u0142\ud800"[k % 3]
    assert native.fold_accents("".join(long)) == fold_accents("".join(long))


def test_fold_text_is_the_reference_fold(native: Any) -> None:
    """`_fold_text` on either engine is the reference fold (ASCII kept as is)."""
    for name in ("native", "python"):
        engine.set_engine(name)
        for text in ("Séropositif, sous trithérapie — l’été", "ascii only", "a\ud800b é", "\udfff", "", "Łódź ł"):
            assert article9._fold_text(text) == fold_accents(text), (name, text)


def _with_check_digits(cc: str, bban: str) -> str:
    n = int(bban + str(ord(cc[0]) - 55) + str(ord(cc[1]) - 55) + "00")
    return f"{cc}{98 - n % 97:02d}{bban}"


def _be_es_ibans(r: random.Random) -> list[str]:
    """Valid mod 97-10 IBANs of Belgium and Spain, half with their country's own check right
    (the account's mod 97, the CCC's two digits), in the spellings a dump has."""
    out = []
    for k in range(1200):
        if k % 2:
            account = r.randrange(10**10)
            check = account % 97 or 97
            if k % 4 == 1:
                check = (check + r.randint(1, 96)) % 100
            bban = f"{account:010d}{check:02d}"
            iban = _with_check_digits("BE", bban)
        else:
            bank, acct = f"{r.randrange(10**8):08d}", f"{r.randrange(10**10):010d}"
            d1 = _ccc_digit("00" + bank)
            d2 = _ccc_digit(acct)
            if k % 4 == 2:
                d1 = str((int(d1) + r.randint(1, 9)) % 10)
            iban = _with_check_digits("ES", bank + d1 + d2 + acct)
        out.append(" ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if k % 3 == 0 else iban)
    return out


def _ccc_digit(digits: str) -> str:
    check = sum(int(n) * 2**i for i, n in enumerate(digits)) % 11
    return str(check if check < 2 else 11 - check)


def test_be_es_ibans_decided_in_the_core(native: Any) -> None:
    """The core's verdict on Belgian and Spanish IBANs is `extract_record_py`'s, and it asks
    the `canon_iban` hook for none of them."""
    from indexer.detect.extract import Sink, extract_record_py

    asked: list[str] = []

    def canon_iban(raw: str) -> str | None:
        asked.append(raw)
        return ids.canon_iban(raw)

    values = _be_es_ibans(random.Random(17))
    engine.set_engine("native")
    core = native.Core({**engine._hooks(), "canon_iban": canon_iban})
    d = date.today()
    today = (ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day))
    valid = 0
    for v in values:
        ref, got = Sink(), Sink()
        extract_record_py([(v, 0)], ["iban"], ref)
        core.record([(v, 0)], ["iban"], got, today)
        assert list(got.found) == list(ref.found), v
        valid += bool(ref.found)
    assert asked == []
    assert 450 < valid < 750  # about half: both verdicts were taken
