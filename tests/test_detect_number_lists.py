"""One number per line written with spaces: a phone list (`06 12 34 56 78`, `+33 6 12 34 56
78`), an IBAN list, a card list (`4970 1012 3456 7802`). Each line was read as five or four
columns of digits that type nothing, so such a list gave nothing while the same list without
spaces was found. All values are synthetic (valid check digits, made-up numbers)."""

from __future__ import annotations

import random

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x4b" * 32, version=1)


def _luhn(prefix: str) -> str:
    total = 0
    for k, ch in enumerate(reversed(prefix + "0")):
        d = int(ch) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return prefix + str((10 - total % 10) % 10)


def _iban_fr(bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"


def _groups(s: str, n: int = 4) -> str:
    return " ".join(s[k:k + n] for k in range(0, len(s), n))


PHONES_FR = [f"06 1{k} 23 45 6{k}" for k in range(8)]
PHONES_INTL = [f"+33 7 8{k} 12 34 5{k}" for k in range(8)]
CARDS = [_luhn(f"49701012345678{k}") for k in range(8)]
IBANS = [_iban_fr(f"3000600001123456789018{k}") for k in range(8)]

LISTS = {
    "phones_fr": (PHONES_FR, "phone"),
    "phones_intl": (PHONES_INTL, "phone"),
    "phones_dashes": ([p.replace(" ", "-") for p in PHONES_FR], "phone"),
    "cards_grouped": ([_groups(c) for c in CARDS], "card"),
    "ibans_grouped": ([_groups(i) for i in IBANS], "iban"),
}


def _count(frags: list[Fragment], t: str) -> int:
    return len({i.value for f in frags for i in f.identifiers if i.type == t})


@pytest.mark.parametrize("name", LISTS)
def test_a_list_of_spaced_numbers_is_a_fragment(name: str) -> None:
    values, t = LISTS[name]
    text = "Liste fraîche, 8 lignes :\n\n" + "\n".join(values) + "\n\nà vous de jouer"
    frags = detect(text, key=KEY)
    assert len(frags) == 1, [(f.kind, f.start_line, f.end_line) for f in frags]
    assert (frags[0].start_line, frags[0].end_line) == (3, 10)  # 1-based
    assert _count(frags, t) == len(values)


def test_two_numbers_are_not_a_list() -> None:
    assert detect("Appelez le\n\n06 12 34 56 78\n07 81 23 45 67\n\nmerci", key=KEY) == []


@pytest.mark.parametrize("rows", [
    # figures of a table, dates and times, version numbers: numbers with spaces that are no identifier
    [f"2024 0{k} 15 12 30 4{k}" for k in range(1, 9)],
    [f"{k * 137 % 1000} {k * 71 % 100} {k * 13 % 50}" for k in range(1, 12)],
    [f"1.{k}.0 2.{k}.1 (build {k}0)" for k in range(1, 9)],
])
def test_numeric_tables_give_nothing(rows: list[str]) -> None:
    assert detect("\n".join(rows), key=KEY) == []


def test_random_grouped_digits_are_not_taken_for_a_card_list() -> None:
    rnd = random.Random(17)
    rows = [_groups("".join(rnd.choice("0123456789") for _ in range(16))) for _ in range(40)]
    # about one in ten passes Luhn: far from the four in five a list needs
    assert detect("\n".join(rows), key=KEY) == []


def test_a_phone_in_each_line_of_prose_is_no_number_list() -> None:
    text = "\n".join(f"Appelle-moi au {p} ce soir" for p in PHONES_FR[:4])
    assert all(f.kind != "separated_run" for f in detect(text, key=KEY))


AMEX = [_luhn(f"3782822463100{k}") for k in range(6)]  # 15 digits


@pytest.mark.parametrize("row", [
    "{g} {exp} {cvv}", "{g} {exp}", "{g} exp {exp} cvv {cvv}", "{g}  {exp}  {cvv}", "{g} {cvv} {exp}",
])
def test_a_grouped_card_followed_by_its_expiry_is_a_card(row: str) -> None:
    lines = [row.format(g=_groups(c), exp=f"0{k + 1}/2{k}", cvv=f"{k}42") for k, c in enumerate(CARDS[:6])]
    frags = detect("\n".join(lines), key=KEY)
    assert _count(frags, "card") == 6, [(f.kind, f.excerpt) for f in frags]


def test_an_amex_number_in_its_own_groups_before_more_digits() -> None:
    lines = [f"{a[:4]} {a[4:10]} {a[10:]} 0{k + 1}/27 1234" for k, a in enumerate(AMEX)]
    assert _count(detect("\n".join(lines), key=KEY), "card") == len(AMEX)


def test_a_card_column_whose_cells_carry_the_cvv_too() -> None:
    text = "nom;carte\n" + "\n".join(f"Martin{k};{_groups(c)} {k}42" for k, c in enumerate(CARDS[:6]))
    assert _count(detect(text, key=KEY), "card") == 6


def test_grouped_digits_failing_luhn_before_more_digits_are_no_card() -> None:
    bad = [c[:-1] + str((int(c[-1]) + 1) % 10) for c in CARDS[:6]]
    frags = detect("\n".join(f"{_groups(b)} 12/27 123" for b in bad), key=KEY)
    assert _count(frags, "card") == 0
