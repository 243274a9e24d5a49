"""The Python engine's fast path for phones (`identifiers._parse_valid_e164`) against
libphonenumber itself (`_parse_valid_e164_slow`): on every region's example numbers of every type,
in E.164, international and national notation, read in their own region and in others, with
digits changed, added and removed, and on random strings of the characters the path accepts.
It must give the same answer or hand the number back (`_DEFER`); it must also take most real
numbers, or it is no fast path."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from indexer import identifiers as ids

_TYPES = [t for t in vars(PhoneNumberType).values() if isinstance(t, int) and t != PhoneNumberType.UNKNOWN]
_FORMATS = (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL)


def _examples() -> list[tuple[str, str]]:
    """(text, region it is read in) for every region's example numbers, and variants."""
    rng = random.Random(17)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    out: list[tuple[str, str]] = []
    for region in regions:
        for t in _TYPES:
            ex = phonenumbers.example_number_for_type(region, t)
            if ex is None:
                continue
            for f in _FORMATS:
                text = phonenumbers.format_number(ex, f)
                for read_in in (region, "FR", rng.choice(regions)):
                    out.append((text, read_in))
            e164 = phonenumbers.format_number(ex, PhoneNumberFormat.E164)
            national = phonenumbers.national_significant_number(ex)
            for _ in range(3):
                d = list(e164[1:])
                i = rng.randrange(len(d))
                op = rng.randrange(3)
                if op == 0:
                    d[i] = str(rng.randrange(10))
                elif op == 1:
                    d.insert(i, str(rng.randrange(10)))
                elif len(d) > 3:
                    del d[i]
                out.append(("+" + "".join(d), region))
                out.append(("00" + "".join(d), region))
            out.append(("0" + national, region))
            out.append((national[:-1], region))
            out.append(("(" + national[:3] + ") " + national[3:], region))
    return out


def _shared_codes() -> list[tuple[str, str]]:
    """Numbers of the calling codes several regions share (+1, +7, +44, +262, +590...): each
    region's example numbers with their head kept and the rest drawn, so that which region
    takes a number (leading digits, else validity, in libphonenumber's order) decides it."""
    rng = random.Random(29)
    out = []
    for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        if len(regions) < 2:
            continue
        for region in regions:
            for t in _TYPES:
                ex = phonenumbers.example_number_for_type(region, t)
                if ex is None:
                    continue
                nsn = phonenumbers.national_significant_number(ex)
                for keep in range(1, len(nsn)):
                    tail = "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
                    out.append((f"+{cc}{nsn[:keep]}{tail}", "FR"))
    return out


def _random_strings(n: int) -> list[tuple[str, str]]:
    rng = random.Random(23)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    alphabet = "0123456789" * 4 + "+ .-/()\u00a0\t"
    out = []
    for _ in range(n):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 22)))
        out.append((s, rng.choice(regions)))
        cc = rng.choice(list(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))
        out.append((f"+{cc} " + "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 15))),
                    rng.choice(regions)))
    return out


def _check(cases: list[tuple[str, str]]) -> tuple[int, int]:
    taken = valid = 0
    for text, region in cases:
        got = ids._parse_valid_e164(text, region)
        if got is ids._DEFER:
            continue
        taken += 1
        valid += got is not None
        assert got == ids._parse_valid_e164_slow(text, region), (text, region, got)
    return taken, valid


def test_fast_phone_path_agrees_with_libphonenumber_on_every_region() -> None:
    cases = _examples()
    taken, valid = _check(cases)
    # the example numbers are mostly valid: the path must both take them and find them valid
    assert taken >= 0.85 * len(cases), (taken, len(cases))
    assert valid >= 0.4 * len(cases), (valid, len(cases))


def test_fast_phone_path_picks_the_region_of_a_shared_calling_code_as_libphonenumber_does() -> None:
    cases = _shared_codes()
    taken, valid = _check(cases)
    assert taken >= 0.9 * len(cases) and valid >= 0.2 * len(cases), (taken, valid, len(cases))


def test_fast_phone_path_agrees_with_libphonenumber_on_random_strings() -> None:
    cases = _random_strings(15_000)
    taken, valid = _check(cases)
    assert taken >= 0.3 * len(cases) and valid > 100, (taken, valid, len(cases))


@pytest.mark.parametrize("text,region,e164", [
    ("+1 415 555 2671", "FR", "+14155552671"),
    ("+44 (0)20 7946 0018", "FR", "+442079460018"),  # the (0) is a national prefix, stripped
    ("030 12345678", "DE", "+493012345678"),
    ("06 12 34 56 78", "IT", "+390612345678"),  # Italy keeps its leading zero
    ("+212 6 41 35 23 14", "FR", "+212641352314"),
])
def test_fast_phone_path_reads_dump_shapes(text: str, region: str, e164: str) -> None:
    assert ids._parse_valid_e164(text, region) == e164 == ids._parse_valid_e164_slow(text, region)


def test_fast_phone_path_defers_what_it_does_not_read() -> None:
    for text, region in (("tel:+33612345678", "FR"), ("+44 20 7946 0018 ext. 12", "FR"),
                         ("1-800-FLOWERS", "US"), ("+800 1234 5678", "FR"), ("0044 20 7946 0018", "FR"),
                         ("+1\t415 555 2671", "FR")):
        assert ids._parse_valid_e164(text, region) is ids._DEFER, text
