"""Identifier precision, round 7: well-known example values are no one's (`indexer.detect.examples`).

Payment providers' published test cards (4242 4242 4242 4242, 4111 1111 1111 1111, Stripe's
4000 00.. range...) are never cards; the IBAN registry's example of a country (FR14 2004 1010
..., DE89 3704 ..., GB29 NWBK ...) is no one's in a document (a format table, a README line)
but a person's in a dump's row or a dox; an API doc's example record (a placeholder phone, a
reserved domain, the epoch as a birth) holds no one. The same values in a real dump's shape keep
what the dump holds. Each case on both engines, through `detect()` and `detect_many` (the
crawl's path), which must agree; texts over `firstlook.SMALL` (128 bytes) go through its Hyperscan gate
(bit EXAMPLE), smaller ones are walked directly.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect import examples as EX
from indexer.detect import firstlook as FL
from indexer.detect.examples import TEST_CARDS, TEXTBOOK_IBANS, is_test_card
from indexer.detect.prefilter import detect_many
from indexer.identifiers import canon_card_py, canon_iban
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x27" * 32, version=2)

# padding that makes any text cross firstlook's SMALL (128 bytes since wave 27): prose with no identifier
_PAD = "\n\n" + "Ce paragraphe ne contient aucune donnée personnelle, seulement du texte de remplissage. " * 7



def _found(text: str) -> set[tuple[str, str]]:
    """(type, value) of every identifier detect() finds; detect_many must find the same."""
    frags = detect(text, key=KEY)
    many = detect_many([text.encode()], key=KEY)[0]
    got = {(i.type, i.value) for f in frags for i in f.identifiers}
    assert got == {(i.type, i.value) for f in many for i in f.identifiers}
    return got


def _strict(found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {x for x in found if x[0] not in ("name", "address", "credential", "username")}


def _grouped(v: str, size: int = 4) -> str:
    return " ".join(v[i : i + size] for i in range(0, len(v), size))


# ---------------------------------------------------------------- test cards: never cards

_DOCS = {
    "stripe_table_en": """## Testing
Use these card numbers in test mode:
| Brand | Number | CVC |
|---|---|---|
| Visa | 4242 4242 4242 4242 | Any 3 digits |
| Mastercard | 5555 5555 5555 4444 | Any 3 digits |
| Amex | 3782 822463 10005 | Any 4 digits |
| Discover | 6011 1111 1111 1117 | Any 3 digits |""",
    "list_fr": """Cartes de test du bac à sable :
- Visa : 4111-1111-1111-1111 (paiement accepté)
- Visa : 4000-0000-0000-0002 (carte refusée)
- Mastercard : 5105-1051-0510-5100
- Visa 3-D Secure : 4000-0025-0000-3155""",
    "csv_sandbox": "scenario;card;expected\napproved;4012888888881881;200\ndeclined;4000000000000002;402\n"
    "insufficient;4000000000009995;402\nfraud;4100000000000019;402\n3ds;4000002760003184;200",
    "json_fixture": '[\n  {"card": "4242424242424242", "exp": "12/34", "cvc": "123"},\n'
    '  {"card": "378282246310005", "exp": "12/34", "cvc": "1234"},\n'
    '  {"card": "6011000990139424", "exp": "12/34", "cvc": "123"}\n]',
    "python_code": 'TEST_CARDS = {\n    "visa": "4111111111111111",\n    "mastercard": "5555555555554444",\n'
    '    "amex": "371449635398431",\n    "jcb": "3530111333300000",\n}',
    "combo_with_cc": "jean.dupont@orange.fr:Soleil2023|4111111111111111|12/26|123\n"
    "marie.durand@free.fr:Lyon69!|4242424242424242|01/27|456\n"
    "paul.martin@sfr.fr:azerty12|5555555555554444|03/28|789",
}


@pytest.mark.parametrize("pad", [False, True], ids=["bare", "padded"])
@pytest.mark.parametrize("name", sorted(_DOCS))
def test_published_test_cards_are_no_cards(eng: str, name: str, pad: bool) -> None:
    got = _found(_DOCS[name] + (_PAD if pad else ""))
    assert not {x for x in got if x[0] == "card"}, got
    if name == "combo_with_cc":  # the people's addresses stay: only the cards are examples
        assert {("email", "jean.dupont@orange.fr"), ("email", "paul.martin@sfr.fr")} <= got


def test_real_cards_beside_a_test_card_are_kept(eng: str) -> None:
    """A customers' dump keeps every card, a published test number in a customer's row too: it
    is that customer's value, however they got it (synthetic and test dumps give people
    `4111 1111 1111 1111`); a payment page's table holds no one beside its numbers."""
    real = ["4970101234567802", "4532015112830366", "2221123456789014", "371234567890120"]
    rows = [f"{n};{n.lower()}@exemple-client.fr;{_grouped(c)}" for n, c in zip(["A", "B", "C", "D"], real, strict=True)]
    text = "nom;email;carte\n" + "\n".join(rows) + "\nE;e@exemple-client.fr;4111 1111 1111 1111"
    for t in (text, text + _PAD):
        cards = {v for k, v in _found(t) if k == "card"}
        assert cards == {*real, "4111111111111111"}
    # cards alone, one a line: the test number among real ones is still a customer's
    text = "carte\n" + "\n".join(_grouped(c) for c in [*real, "4111111111111111"])
    assert {v for k, v in _found(text) if k == "card"} == {*real, "4111111111111111"}
    # and among test numbers only, it is a payment page's
    text = "carte\n" + "\n".join(_grouped(c) for c in ["4111111111111111", "4242424242424242", "5555555555554444"])
    assert not {v for k, v in _found(text) if k == "card"}


def test_the_list_is_of_cards_the_readers_would_take() -> None:
    """Every listed number passes Luhn and a network's ranges (else it need not be listed)."""
    assert all(canon_card_py(c) == c for c in TEST_CARDS)
    assert is_test_card("4000000000000002") and is_test_card("4000002500003155")  # Stripe's range
    assert not is_test_card("4970101234567802") and not is_test_card("400000123456789")


# ---------------------------------------------------------------- textbook IBANs: a document's, or a person's

_IBAN_DOCS = {
    "format_table_fr": """## Format de l'IBAN
| Pays | Longueur | Exemple |
|---|---|---|
| France | 27 | FR14 2004 1010 0505 0001 3M02 606 |
| Allemagne | 22 | DE89 3704 0044 0532 0130 00 |
| Royaume-Uni | 22 | GB29 NWBK 6016 1331 9268 19 |
| Espagne | 24 | ES91 2100 0418 4502 0005 1332 |""",
    "format_table_en": """Country,Length,Example
Netherlands,18,NL91ABNA0417164300
Switzerland,21,CH9300762011623852957
Italy,27,IT60X0542811101000000123456
Belgium,16,BE68539007547034
Austria,20,AT611904300234573201""",
    "readme_lines": """Validation de l'IBAN (mod 97) : la fonction accepte les espaces.
    >>> valide("FR14 2004 1010 0505 0001 3M02 606")
    True
    >>> valide("de89 3704 0044 0532 0130 00")
    True
    >>> valide("GB29NWBK60161331926819")
    True""",
    "json_examples": '{\n  "FR": "FR1420041010050500013M02606",\n  "DE": "DE89370400440532013000",\n'
    '  "GB": "GB29NWBK60161331926819",\n  "LU": "LU280019400644750000"\n}',
}


@pytest.mark.parametrize("pad", [False, True], ids=["bare", "padded"])
@pytest.mark.parametrize("name", sorted(_IBAN_DOCS))
def test_textbook_ibans_in_a_document_are_no_ones(eng: str, name: str, pad: bool) -> None:
    got = _found(_IBAN_DOCS[name] + (_PAD if pad else ""))
    assert not _strict(got), got


_PEOPLE = [
    ("FOURNIER", "Maëlys", "maelys.fournier@orange.fr"),
    ("BAUDIN", "Grégoire", "g.baudin@free.fr"),
    ("BENALI", "Soraya", "soraya.benali@sfr.fr"),
]


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_a_textbook_iban_in_a_customer_row_is_a_persons(eng: str, sep: str) -> None:
    """The registry's example, typed by someone into a form, is in the dump as their IBAN."""
    ibans = ["FR1420041010050500013M02606", "FR7630006000011234567890189", "DE89370400440532013000"]
    rows = [sep.join([a, b, c, _grouped(i)]) for (a, b, c), i in zip(_PEOPLE, ibans, strict=True)]
    text = sep.join(["nom", "prenom", "email", "iban"]) + "\n" + "\n".join(rows)
    for t in (text, text + _PAD):
        assert {v for k, v in _found(t) if k == "iban"} == set(ibans)


def test_a_textbook_iban_in_a_dox_is_a_persons(eng: str) -> None:
    dox = (
        "Nom : Maëlys Fournier\nNée le : 14/03/1991\nTél : 06 12 45 78 36\nMail : maelys.fournier@orange.fr\n"
        "IBAN : GB29 NWBK 6016 1331 9268 19\nAdresse : 4 rue des Lilas, 69003 Lyon"
    )
    assert ("iban", "GB29NWBK60161331926819") in _found(dox)


def test_the_iban_list_is_of_valid_ibans() -> None:
    assert all(canon_iban(v) == v for v in TEXTBOOK_IBANS)


# ---------------------------------------------------------------- placeholders: an example record is no one

_EXAMPLE_RECORDS = {
    "api_json_en": """### GET /v1/users/7
Example response:
```json
{
  "id": 7,
  "email": "john.smith@example.org",
  "mobile": "+44 7700 000000",
  "phone": "+33 1 00 00 00 00",
  "date_of_birth": "1900-01-01"
}
```""",
    "api_json_fr": """Exemple de réponse :
{
  "nom": "Dupont",
  "courriel": "jean.dupont@exemple.test",
  "telephone": "06 00 00 00 00",
  "date_naissance": "01/01/1970",
  "carte": "4242 4242 4242 4242"
}""",
    "form_placeholders": """Champs du formulaire d'inscription (valeurs d'exemple) :
Email : prenom.nom@example.com
Téléphone : 01 23 45 67 89
Date de naissance : 1970-01-01""",
}


@pytest.mark.parametrize("pad", [False, True], ids=["bare", "padded"])
@pytest.mark.parametrize("name", sorted(_EXAMPLE_RECORDS))
def test_an_example_record_holds_no_one(eng: str, name: str, pad: bool) -> None:
    got = _found(_EXAMPLE_RECORDS[name] + (_PAD if pad else ""))
    assert not _strict(got), got


def test_a_dump_keeps_its_values_beside_a_placeholder(eng: str) -> None:
    """A customer's 06 00 00 00 00 beside their birth is their value (a dump's first synthetic
    number is often 06 00 00 00 00); the dump's other values stay, reserved domains and the
    epoch birth included (Faker writes example.* addresses; people are born on 1 January 1970)."""
    text = (
        "nom;email;telephone;naissance\nFOURNIER;maelys.fournier@example.org;06 12 45 78 36;1970-01-01\n"
        "BAUDIN;g.baudin@example.com;06 00 00 00 00;12/05/1984\nBENALI;soraya.benali@sfr.fr;07 45 12 89 63;03/11/1990"
    )
    for t in (text, text + _PAD):
        got = _strict(_found(t))
        assert got == {
            ("email", "maelys.fournier@example.org"),
            ("email", "g.baudin@example.com"),
            ("email", "soraya.benali@sfr.fr"),
            ("phone", "+33612457836"),
            ("phone", "+33600000000"),
            ("phone", "+33745128963"),
            ("dob", "1970-01-01"),
            ("dob", "1984-05-12"),
            ("dob", "1990-11-03"),
        }


def test_reserved_domains_alone_are_kept(eng: str) -> None:
    """Without a published example beside them, example.* addresses are read (the corpus's Faker data)."""
    text = "email;password\n" + "\n".join(f"user{k}@example.net;Pass{k}word!" for k in range(4))
    assert {v for k, v in _found(text) if k == "email"} == {f"user{k}@example.net" for k in range(4)}


# ---------------------------------------------------------------- the gate: every writing of every value is seen


def test_firstlook_sees_the_most_copied_values_however_written() -> None:
    """The gate's values in every grouping (a big text holding one has every listed value of its
    fragments dropped); a text without any of them is not walked."""
    if FL._db() is None:
        pytest.skip("no Hyperscan: every bit is set")
    gated = list(EX._GATE_CARDS) + list(EX._GATE_IBANS)
    assert set(gated) <= TEST_CARDS | TEXTBOOK_IBANS
    for v in gated:
        g = f"{v[:4]} {v[4:10]} {v[10:]}" if len(v) in (14, 15) and v[0] == "3" else _grouped(v)  # Amex: 4-6-5
        for w in (v, g, g.replace(" ", "-")):
            assert FL.looks((_PAD + w + _PAD).encode()) & FL.EXAMPLE, w
    for w in (
        "+33 6 00 00 00 00",
        "0600000000",
        "06.00.00.00.00",
        "+44 7700 000000",
        "01 23 45 67 89",
        "0123456789",
        "Boules",
        "TIRAGE",
        "winning_numbers",
    ):
        assert FL.looks((_PAD + w + _PAD).encode()) & FL.EXAMPLE, w
    assert not FL.looks((_PAD * 2 + "06 12 45 78 36 FR76 3000 6000 0112 3456 7890 189").encode()) & FL.EXAMPLE


def test_a_big_text_with_a_gated_value_loses_the_rarer_ones_too(eng: str) -> None:
    """A format table over `firstlook.SMALL` that holds FR14 drops the registry's other examples too."""
    rows = [v for v in sorted(TEXTBOOK_IBANS) if v not in EX._GATE_IBANS][:12] + ["FR1420041010050500013M02606"]
    text = "Country;Example\n" + "\n".join(f"{v[:2]};{_grouped(v)}" for v in rows) + _PAD
    assert len(text.encode()) > FL.SMALL
    assert not _strict(_found(text))


# ---------------------------------------------------------------- a lottery's draws are no phones

_DRAWS = {
    "loto_fr": "date;jour;boules;numero_chance\n13/03/2024;mercredi;06 12 34 45 48;7\n"
    "09/03/2024;samedi;06 09 15 27 38;10\n06/03/2024;mercredi;07 35 40 44 46;4\n04/03/2024;lundi;06 21 22 31 47;9",
    "euromillions_en": "draw_date,winning_numbers,lucky_stars\n2024-03-12,07-18-23-41-49,02-11\n"
    "2024-03-08,06-12-34-45-48,03-07\n2024-03-05,06.09.15.27.38,01-05\n2024-03-01,07 35 40 44 46,04-09",
    "keno_tsv": "tirage\tnumeros\n1\t06 21 22 31 47\n2\t07 35 40 44 46\n3\t06 12 34 45 48",
}


@pytest.mark.parametrize("pad", [False, True], ids=["bare", "padded"])
@pytest.mark.parametrize("name", sorted(_DRAWS))
def test_a_lotterys_draws_are_no_phones(eng: str, name: str, pad: bool) -> None:
    got = _found(_DRAWS[name] + (_PAD if pad else ""))
    assert not {x for x in got if x[0] == "phone"}, got


def test_a_draws_winners_keep_their_phones(eng: str) -> None:
    """A contest's winners drawn by lot ("tirage au sort"): their numbers are phones."""
    phones = ["06 12 45 78 36", "07 45 12 89 63", "06 78 90 34 12", "06 23 45 67 18"]
    text = "Tirage au sort du 13/03 : les gagnants\nnom;telephone;lot\n" + "\n".join(
        f"{n};{p};bon d'achat" for n, p in zip(["Fournier", "Baudin", "Benali", "Leclerc"], phones, strict=True)
    )
    for t in (text, text + _PAD):
        assert {v for k, v in _found(t) if k == "phone"} == {"+33" + p.replace(" ", "")[1:] for p in phones}
