"""Numbers that are no phone must not type a column as one (wave 23, blind probe set 3's false phones).

A column is typed by its values when 60% of them validate as one type. A French number validates
without its trunk 0 (`612345678`, what a spreadsheet leaves of `0612345678`), and so did a latitude
(`48.8566140`: nine digits once its point is dropped) and any nine-digit counter starting with 1 to
7: GPS exports, SNMP walks and inventories were read as lists of French phones. Now a decimal number
(one point among digits) types nothing, and numbers without their 0 type a phone column only beside
one that keeps it (or +33) or under a phone header. Positives: the French lists that must still be
read (with a 0, +33, dots, a spreadsheet's mix of both, a `tel` header over bare numbers).
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"false-phones-test-key-0123456789")


def phones(text: str) -> set[str]:
    return {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == "phone"}


NEGATIVES = {
    "latlon_csv": "id,lat,lon\nA,48.8566140,2.3522219\nB,43.2964820,5.3697800\nC,45.7640430,4.8356590",
    "latlon_semicolon_named": "ville;latitude;longitude;habitants\nParis;48.8566140;2.3522219;2133111\n"
    "Marseille;43.2964820;5.3697800;873076\nLyon;45.7578137;4.8320114;522250",
    "gps_log_seven_decimals": "\n".join(
        f"2026-12-04T10:0{n}:00Z dev-{n} {46.20 + n / 1000:.7f} {6.14 + n / 1000:.7f} 412.5" for n in range(6)
    ),
    "snmp_counters": "\n".join(f"IF-MIB::ifOutOctets.{n} = Counter32: {645123456 + n * 7919}" for n in range(6)),
    "gauge_table": "iface;in_octets;out_octets\n"
    + "\n".join(f"eth{n};{612345678 + n * 1013};{701234567 + n * 2027}" for n in range(5)),
    "prices_decimal": "sku;prix;poids\n" + "\n".join(f"A{n};{n + 1}.23456789;0.{n}4" for n in range(5)),
}

POSITIVES = {
    "fr_list_with_zero": (
        "Martin;Claire;06 12 48 93 57\nBernard;Louis;07 81 22 64 09\nPetit;Anna;06 45 10 77 32",
        {"+33612489357", "+33781226409", "+33645107732"},
    ),
    "fr_list_plus33_and_dots": (
        "Martin;Claire;+33 6 12 48 93 57\nBernard;Louis;07.81.22.64.09\nPetit;Anna;0645107732",
        {"+33612489357", "+33781226409", "+33645107732"},
    ),
    "spreadsheet_dropped_some_zeros": (
        "Martin;Claire;612489357\nBernard;Louis;781226409\nPetit;Anna;0645107732",
        {"+33612489357", "+33781226409", "+33645107732"},
    ),
    "bare_numbers_under_a_tel_header": (
        "nom;prenom;tel\nMartin;Claire;612489357\nBernard;Louis;781226409",
        {"+33612489357", "+33781226409"},
    ),
    "tel_prefix_glued": (
        "nom;contact\nMartin;Tel-0612489357\nBernard;Tel-0781226409",
        {"+33612489357", "+33781226409"},
    ),
    "coordinates_beside_phones": (
        "nom;tel;lat;lon\nMartin;0612489357;48.8566140;2.3522219\nBernard;0781226409;43.2964820;5.3697800",
        {"+33612489357", "+33781226409"},
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_no_phone(name: str) -> None:
    assert phones(NEGATIVES[name]) == set()


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_phones_still_found(name: str) -> None:
    text, want = POSITIVES[name]
    assert phones(text) == want
