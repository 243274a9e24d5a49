"""Two false French phones (wave 24; blind probe set 3c's `products_mysqldump` and
`australian_clinic_list`), in both engines:

- a number glued to a word by a dash (`SKU-0612345678`, `REF-0145678912`) is a product or order
  code, no phone (unless the word labels a phone: `Tel-0612345678`, or a phone column holds it);
- a list whose national numbers are also valid French ones (`0412 345 678` in Australia, `0470 12
  34 56` in Belgium, `079 123 45 67` in Switzerland) is read in its own country when a number
  written with its +CC and an address under that country's domain (`.com.au`, `.be`, `.ch`) both
  name it. A domain alone is no context: a French list of `.ch` addresses stays French.

Every case runs on both engines (the compiled core when built): same identifiers, same
fragments. Synthetic data only.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, native_engine

KEY = MatchKey(b"\x5c" * 32, version=2)


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Any:
    if request.param == "native":
        native_engine()  # skipped (or failed under VIGIE_REQUIRE_NATIVE=1) when not built
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine()  # back to VIGIE_ENGINE


def _phones(text: str) -> set[str]:
    return {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == "phone"}


# ------------------------------------------------------------------------------ glued codes

CODES = ["SKU-0612345678", "REF-0145678912", "ref-0781234567", "INV-0645127890", "Art-0320456789", "ORD-0033612345678"]
CODE_TEXTS = {
    "mysql": lambda c: f"INSERT INTO `products` VALUES (1,'{c}','3017620422003',4.99),(2,'{c}9','5449000000996',1);\n",
    "csv": lambda c: f"id;sku;ean;prix\n1;{c};3017620422003;4,99\n2;{c};5449000000996;1,20\n",
    "prose": lambda c: f"Commande passée, le colis porte la référence {c}, livraison jeudi.\n",
    "log": lambda c: f"2026-12-04 10:12:01 INFO order created id={c} status=paid\n",
}


@pytest.mark.parametrize("shape", sorted(CODE_TEXTS))
def test_a_code_glued_to_a_word_is_no_phone(eng: str, shape: str) -> None:
    found = {c: _phones(CODE_TEXTS[shape](c)) for c in CODES}
    assert not any(found.values()), (eng, {c: p for c, p in found.items() if p})


def test_a_phone_label_before_the_dash_still_labels_a_phone(eng: str) -> None:
    for label in ("Tel", "tel", "Mobile", "GSM", "Tél", "portable"):
        text = f"nom;infos;email\nDurand;{label}-0612345678;p.durand@free.fr\nMarie;{label}-0781234567;m@free.fr\n"
        assert _phones(text) == {"+33612345678", "+33781234567"}, (eng, label)
    # a column that names the phone reads its value whatever is glued to it
    assert _phones("nom;telephone\nDurand;TEL-0612345678\nMarie;TEL-0781234567\n") == {"+33612345678", "+33781234567"}
    # a code of letters and digits before the dash is no word: as before
    assert _phones("nom;infos\nDurand;A1-0612345678\nMarie;B2-0781234567\n") == {"+33612345678", "+33781234567"}


# ------------------------------------------------------------------ the list's own country

# (national number as written, its E.164 in the country, a +CC number of the country, a domain)
COUNTRIES = {
    "AU": ("0412 345 678", "+61412345678", "+61 413 222 333", "bigpond.com.au"),
    "BE": ("0470 12 34 56", "+32470123456", "+32 471 98 76 54", "skynet.be"),
    "CH": ("079 123 45 67", "+41791234567", "+41 78 765 43 21", "bluewin.ch"),
}


def _list(country: str, sep: str, header: str, plus_first: bool) -> str:
    national, _, plus, domain = COUNTRIES[country]
    rows = [["Jack Wilson", national, f"jack.wilson@{domain}"], ["Chloe Taylor", plus, f"chloe.t@{domain}"]]
    if plus_first:
        rows.reverse()
    return "\n".join(sep.join(r) for r in [["Name", header, "Email"], *rows]) + "\n"


LISTS = {
    f"{cc}-{name}-{'plus-first' if first else 'plus-last'}": (cc, _list(cc, sep, header, first))
    for cc in COUNTRIES
    for name, sep, header in (("comma", ",", "Mobile"), ("semicolon", ";", "Phone"), ("tab", "\t", "Tel"))
    for first in (False, True)
}


def test_the_numbers_are_what_the_cases_say() -> None:
    for cc, (national, e164, plus, _) in COUNTRIES.items():
        assert phonenumbers.format_number(phonenumbers.parse(national, cc), phonenumbers.PhoneNumberFormat.E164) == e164
        assert phonenumbers.is_valid_number(phonenumbers.parse(national, "FR"))  # French-shaped too: the trap
        assert phonenumbers.is_valid_number(phonenumbers.parse(plus))


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_is_read_in_its_country(eng: str, name: str) -> None:
    cc, text = LISTS[name]
    national, e164, plus, _ = COUNTRIES[cc]
    want = {e164, phonenumbers.format_number(phonenumbers.parse(plus), phonenumbers.PhoneNumberFormat.E164)}
    assert _phones(text) == want, (eng, name)


def test_a_domain_alone_is_no_context(eng: str) -> None:
    """French numbers beside Swiss or Belgian addresses, with no +41/+32 number: still French;
    one foreign +CC number and French addresses: French too."""
    text = "Nom;Portable;Email\nDurand;06 12 34 56 78;p.durand@bluewin.ch\nMarie;07 81 23 45 67;m.marie@skynet.be\n"
    assert _phones(text) == {"+33612345678", "+33781234567"}, eng
    text = "Nom;Portable;Email\nDurand;06 12 34 56 78;p.durand@orange.fr\nMarie;+41 78 765 43 21;m.marie@free.fr\n"
    assert _phones(text) == {"+33612345678", "+41787654321"}, eng


def test_engines_agree() -> None:
    native_engine()
    texts = [t for _, t in LISTS.values()] + [f(c) for f in CODE_TEXTS.values() for c in CODES[:2]]
    for t in texts:
        engine.set_engine("python")
        ref = detect(t, key=KEY)
        engine.set_engine("native")
        got = detect(t, key=KEY)
        engine.set_engine()  # back to VIGIE_ENGINE
        assert_same_fragments(ref, got, t[:40])
