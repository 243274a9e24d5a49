"""Identifiers the world uses (issue 12): foreign phones read in their fragment's country context,
IBANs of the whole registry, every card network, internationalised email domains, births from
1900, and national identifiers beside the NIR. Each type is checked through its validator and
through the full `detect()` path on a small dump, with decoys that must stay out.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from alerts.hashing import hash_file
from indexer.detect import detect
from indexer.detect.columns import role_of
from indexer.identifiers import (
    canon_card,
    canon_dob,
    canon_email,
    canon_iban,
    canon_national_id,
    canon_phone,
    canonical_forms,
    card_network,
    luhn_ok,
)
from indexer.models import Fragment, Identifier
from indexer.tokens import MatchKey, prehash, token

KEY = MatchKey(b"\x07" * 32)


def _ids(frags: list[Fragment], id_type: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == id_type}


def _all(frags: list[Fragment], id_type: str) -> list[Identifier]:
    return [i for f in frags for i in f.identifiers if i.type == id_type]


def _luhn(prefix: str, length: int) -> str:
    """A Luhn-valid number of `length` digits starting with `prefix` (zeros in between)."""
    body = prefix + "0" * (length - len(prefix) - 1)
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


# ------------------------------------------------------------------------------------------ phones
def test_phone_validator_every_country_and_notation() -> None:
    assert canon_phone("+1 713 754 1726") == "+17137541726"  # missed before issue 12
    assert canon_phone("+44 20 7946 0018") == "+442079460018"
    assert canon_phone("0041 44 668 18 00") == "+41446681800"
    assert canon_phone("(713) 754-1726", "US") == "+17137541726"
    assert canon_phone("0468 43 47 65", "BE") == "+32468434765"
    assert canon_phone("030 901820", "DE") == "+4930901820"
    assert canon_phone("0034 91 123 45 67", "US") == "+34911234567"  # 00 read as "+" even where 011 is dialled
    # unassigned ranges stay out, whatever the context
    for bad in ("+33 7 00 12 34 56", "+1 800 000 0000", "+32 2 123 45 67", "+44 7700 900123"):
        assert canon_phone(bad) is None, bad
    assert canon_phone("030 901820") is None  # a German number is not French


def test_header_names_the_country() -> None:
    for header, region in (("tel_us", "US"), ("phone (BE)", "BE"), ("Telefono_IT", "IT"), ("mobile (+44)", "GB")):
        role = role_of(header)
        assert role == "phone" and getattr(role, "region", None) == region, header
    assert getattr(role_of("numero_de_telephone"), "region", None) is None


def test_phone_context_header_rows_column_and_default() -> None:
    header = "nom;prenom;telephone (BE);email\nDupont;Jean;0468 43 47 65;j.dupont@exemple.fr\n" \
             "Martin;Eva;02 511 23 45;e.martin@exemple.fr\nLeroy;Paul;0471 23 45 67;p.leroy@exemple.fr\n"
    assert _ids(detect(header, key=KEY), "phone") == {"+32468434765", "+3225112345", "+32471234567"}
    # the other rows: three numbers with +32 give the two national ones their country
    rows = ("nom;tel;email\nA;+32 468 43 47 65;a@exemple.fr\nB;0471 23 45 67;b@exemple.fr\n"
            "C;+32 2 511 23 45;c@exemple.fr\nD;+32477112233;d@exemple.fr\nE;02 640 11 22;e@exemple.fr\n")
    assert {"+32471234567", "+3226401122"} <= _ids(detect(rows, key=KEY), "phone")
    # a +CC in another column of the same rows
    col = ("nom;tel;email;fax\nA;0468 43 47 65;a@exemple.fr;+32 2 511 23 45\n"
           "B;0471 23 45 67;b@exemple.fr;0032 2 640 11 22\nC;0477 11 22 33;c@exemple.fr;+3225112346\n")
    assert {"+32468434765", "+32471234567", "+32477112233"} <= _ids(detect(col, key=KEY), "phone")
    # a French dump with one foreign number stays French (the same digits are valid in both)
    fr = ("nom;tel;email\nA;04 68 43 47 65;a@exemple.fr\nB;06 12 34 56 78;b@exemple.fr\n"
          "C;+32 471 23 45 67;c@exemple.fr\nD;01 42 68 53 00;d@exemple.fr\n")
    assert _ids(detect(fr, key=KEY), "phone") == {"+33468434765", "+33612345678", "+32471234567", "+33142685300"}


def test_an_area_code_in_parentheses_after_the_country_code() -> None:
    dox = ("Name: John Smith\nPhone: call +1 (713) 754-1726 after 6\nEmail: john.smith@example.com\n"
           "Mobile: +44 (20) 7946 0958\n")
    assert _ids(detect(dox, key=KEY), "phone") == {"+17137541726", "+442079460958"}


def test_one_plus_cc_number_is_context_where_france_is_not() -> None:
    """The issue's "+CC elsewhere in the fragment" holds with a single such number: US numbers in
    national notation beside one "+1" number are American, with or without a header. A French
    column with one Dutch number stays French: the lone +CC only wins where France does not."""
    us = ("John Smith,(713) 754-1726,john@example.com\nJane Roe,713.754.1727,jane@example.com\n"
          "Al Gore,+1 202 456 1111,al@example.com\n")
    want = {"+17137541726", "+17137541727", "+12024561111"}
    assert _ids(detect(us, key=KEY), "phone") == want
    assert _ids(detect("name,phone,email\n" + us, key=KEY), "phone") == want
    # the +1 number in another column of the fragment
    other = ("name,phone,email,fax\nJohn Smith,7137541726,john@example.com,\n"
             "Jane Roe,7137541727,jane@example.com,+1 202 456 1111\n")
    assert _ids(detect(other, key=KEY), "phone") == want
    mixed = ("Jan;06 12 34 56 78;jan@exemple.fr\nPiet;06 23 45 67 89;piet@exemple.fr\n"
             "Klaas;+31 6 34567890;k@exemple.fr\n")
    assert _ids(detect(mixed, key=KEY), "phone") == {"+33612345678", "+33623456789", "+31634567890"}
    # ...unless the fragment's addresses are under that country's domain too (wave 24, L: a .nl list
    # with one +31 number is Dutch: 06 12 34 56 78 is a Dutch mobile as well as a French one)
    nl = mixed.replace("@exemple.fr", "@voorbeeld.nl")
    assert _ids(detect(nl, key=KEY), "phone") == {"+31612345678", "+31623456789", "+31634567890"}


def test_phone_context_from_ibans_and_copy_headers() -> None:
    # no header, no +CC: the rows' Belgian IBANs say where their national numbers are
    rows = ("Dupont\tJean\t0468 43 47 65\tBE68 5390 0754 7034\n"
            "Martin\tEva\t02 511 23 45\tBE71 0961 2345 6769\n"
            "Leroy\tPaul\t0471 23 45 67\tBE68539007547034\n")
    assert _ids(detect(rows, key=KEY), "phone") == {"+32468434765", "+3225112345", "+32471234567"}
    # a pg_dump column list whose names hold parentheses (`telephone_(BE)`)
    copy = ("COPY public.users (nom, telephone_(BE), email, date_naissance) FROM stdin;\n"
            "Dupont\t0468 43 47 65\tj@exemple.fr\t03/02/1931\nMartin\t02 511 23 45\te@exemple.fr\t1936-11-30\n\\.\n")
    frags = detect(copy, key=KEY)
    assert _ids(frags, "phone") == {"+32468434765", "+3225112345"}
    assert _ids(frags, "dob") == {"1931-02-03", "1936-11-30"}


def test_phone_decoys_stay_out() -> None:
    text = ("nom;tel;email\nA;+33 7 00 12 34 56;a@exemple.fr\nB;+1 800 000 0000;b@exemple.fr\n"
            "C;07 01 22 33 44;c@exemple.fr\nD;+32 2 123 45 67;d@exemple.fr\n")
    assert _ids(detect(text, key=KEY), "phone") == set()


# ------------------------------------------------------------------------------------------- IBANs
IBANS = {
    "BE68 5390 0754 7034": "BE68539007547034",  # missed before issue 12 (bank code not in stdnum's list)
    "DE89 3704 0044 0532 0130 00": "DE89370400440532013000",
    "GB29 NWBK 6016 1331 9268 19": "GB29NWBK60161331926819",
    "CH93 0076 2011 6238 5295 7": "CH9300762011623852957",
    "IT60 X054 2811 1010 0000 0123 456": "IT60X0542811101000000123456",
    "ES91 2100 0418 4502 0005 1332": "ES9121000418450200051332",
    "NL91 ABNA 0417 1643 00": "NL91ABNA0417164300",
    "PT50 0002 0123 1234 5678 9015 4": "PT50000201231234567890154",
    "LU28 0019 4006 4475 0000": "LU280019400644750000",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S": "MT84MALT011000012345MTLCAST001S",
    "SA03 8000 0000 6080 1016 7519": "SA0380000000608010167519",
    "fr14 2004 1010 0505 0001 3m02 606": "FR1420041010050500013M02606",
}


@pytest.mark.parametrize("raw", sorted(IBANS))
def test_iban_registry(raw: str) -> None:
    assert canon_iban(raw) == IBANS[raw]


def test_iban_decoys() -> None:
    for bad in ("BE68 5390 0754 7035",  # mod 97 fails
                "BE69 5390 0754 7034",  # IBAN check digits wrong
                "ES92 2100 0418 4502 0005 1332", "FR14 2004 1010 0505 0001 3M02 607",
                "DE89 3704 0044 0532 0130", "XX89 3704 0044 0532 0130 00"):  # length, unknown country
        assert canon_iban(bad) is None, bad
    dump = "nom;iban;email\nA;BE68 5390 0754 7034;a@exemple.fr\nB;BE68 5390 0754 7035;b@exemple.fr\n" \
           "C;DE89370400440532013000;c@exemple.fr\n"
    assert _ids(detect(dump, key=KEY), "iban") == {"BE68539007547034", "DE89370400440532013000"}


# ------------------------------------------------------------------------------------------- cards
NETWORKS = [("4", 16, "visa"), ("4", 13, "visa"), ("4", 19, "visa"), ("51", 16, "mastercard"),
            ("55", 16, "mastercard"), ("2221", 16, "mastercard"), ("2720", 16, "mastercard"),
            ("34", 15, "amex"), ("37", 15, "amex"), ("6011", 16, "discover"), ("644", 17, "discover"),
            ("65", 19, "discover"), ("622126", 16, "discover"), ("622925", 16, "discover"),
            ("3528", 16, "jcb"), ("3589", 19, "jcb"), ("62", 16, "unionpay"), ("6212", 19, "unionpay"),
            ("50", 12, "maestro"), ("6759", 16, "maestro"), ("36", 14, "diners"), ("300", 14, "diners"),
            ("38", 16, "diners")]


@pytest.mark.parametrize(("prefix", "length", "network"), NETWORKS)
def test_card_networks(prefix: str, length: int, network: str) -> None:
    n = _luhn(prefix, length)
    assert canon_card(n) == n and card_network(n) == network


def test_card_decoys_and_network_on_identifier() -> None:
    for bad in (_luhn("1", 16), _luhn("7", 16), _luhn("9", 15), _luhn("2720", 15), _luhn("2721", 16),
                _luhn("34", 16), _luhn("51", 19)):  # Luhn-valid outside every IIN range or length
        assert canon_card(bad) is None, bad
    visa = _luhn("4", 16)
    bad_luhn = visa[:-1] + str((int(visa[-1]) + 1) % 10)
    assert canon_card(bad_luhn) is None
    mc2 = _luhn("2221", 16)
    amex = _luhn("37", 15)
    dump = (f"nom;carte;email\nA;{mc2[:4]} {mc2[4:8]} {mc2[8:12]} {mc2[12:]};a@exemple.fr\n"
            f"B;{amex};b@exemple.fr\nC;{bad_luhn};c@exemple.fr\nD;{_luhn('8', 16)};d@exemple.fr\n")
    cards = {i.value: i.network for i in _all(detect(dump, key=KEY), "card")}
    assert cards == {mc2: "mastercard", amex: "amex"}


# ------------------------------------------------------------------------------------------ emails
def test_email_idn_one_canonical_form() -> None:
    # local part lower-cased as before; domain in its IDNA (xn--) ASCII form, lower case
    assert canon_email("Jean@Garçon.fr") == canon_email("jean@XN--GARON-0RA.fr") == "jean@xn--garon-0ra.fr"
    assert canon_email("ivan@пример.рф") == "ivan@xn--e1afmkfd.xn--p1ai"
    dump = ("nom\tprenom\temail\nA\tB\tjean@garçon.fr\nC\tD\tivan@xn--e1afmkfd.xn--p1ai\n"
            "E\tF\tmarie@bäckerei.de\n")
    assert _ids(detect(dump, key=KEY), "email") == {
        "jean@xn--garon-0ra.fr", "ivan@xn--e1afmkfd.xn--p1ai", "marie@xn--bckerei-5wa.de"}
    # in fields no header types (scanned as free text) too; a letter glued before the address
    # ("Müller@") does not give a truncated one ("ller@...")
    rows = ("Jean Petit;jean@garçon.fr;0612345678\nIvan Petrov;ivan@пример.рф;0698765432\n"
            "Hans Müller;Müller@bäckerei.de;0711223344\nAna Ruiz;ana@xn--espaa-rta.es;0655443322\n")
    assert _ids(detect(rows, key=KEY), "email") == {
        "jean@xn--garon-0ra.fr", "ivan@xn--e1afmkfd.xn--p1ai", "ana@xn--espaa-rta.es"}


# ------------------------------------------------------------------------------------------- births
def test_dob_every_year_from_1900() -> None:
    for y in (1900, 1931, 1935, 1939, 1948, 2001, date.today().year - 1):
        assert canon_dob(f"14/07/{y}") == f"{y}-07-14"
    assert canon_dob("12 mars 1935") == canon_dob("March 12, 1935") == canon_dob("12-Mar-1935") == "1935-03-12"
    assert canon_dob("1er août 1932") == "1932-08-01"
    assert canon_dob("07/26/1934") == "1934-07-26"  # only month first makes it a date
    soon = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    for bad in ("14/07/1899", "31/04/1935", "12 brumaire 1935", soon):
        assert canon_dob(bad) is None, bad
    dump = "nom;prenom;date_naissance;email\nA;B;03/02/1931;a@exemple.fr\nC;D;1936-11-30;c@exemple.fr\n" \
           "E;F;30/02/1937;e@exemple.fr\n"
    assert _ids(detect(dump, key=KEY), "dob") == {"1931-02-03", "1936-11-30"}


@pytest.mark.parametrize("label", ["born", "D.O.B", "DOB", "Date of birth", "bday", "Geboren", "F. nacimiento",
                                   "date naiss.", "Né(e) le", "birth_dt", "Geburtstag"])
def test_date_of_birth_labels_said_many_ways(label: str) -> None:
    dox = f"Name: Hans Muller\n{label}: 12/03/1935\nemail: hans.muller@beispiel.de\ncity: Berlin\n"
    assert _ids(detect(dox, key=KEY), "dob") == {"1935-03-12"}, label


@pytest.mark.parametrize(("header", "role"), [
    ("mob", "phone"), ("WhatsApp", "phone"), ("correo", "email"), ("Mailadresse", "email"), ("Kontonummer", "iban"),
    ("compte bancaire", "iban"), ("credit card number", "card"), ("Straße", "street"), ("dirección", "street"),
    ("contraseña", "password"), ("Passwort", "password"), ("social security", "nir")])
def test_column_names_in_other_words_and_languages(header: str, role: str) -> None:
    assert role_of(header) == role, header


def test_a_place_of_birth_is_no_date() -> None:
    dox = "Name: Hans Muller\nborn in: Berlin\nlieu de naissance: Lyon\nemail: hans.muller@beispiel.de\n"
    assert _ids(detect(dox, key=KEY), "dob") == set()


# ------------------------------------------------------------------------------------ national ids
NATIONAL_VALID = [
    ("BE", "85.07.30-033.28", "BE:85073003328"), ("BE", "85073003328", "BE:85073003328"),
    ("ES", "12345678Z", "ES:12345678Z"), ("ES", "12345678-z", "ES:12345678Z"), ("ES", "X-1234567-L", "ES:X1234567L"),
    ("IT", "RSSMRA85T10A562S", "IT:RSSMRA85T10A562S"), ("IT", "rssmra85t10a562s", "IT:RSSMRA85T10A562S"),
    ("US", "536-90-4399", "US:536904399"), ("US", "536904399", "US:536904399"),
    ("GB", "AB 12 34 56 C", "GB:AB123456C"), ("GB", "HH525490C", "GB:HH525490C"),
    ("CH", "756.1234.5678.97", "CH:7561234567897"),
]
NATIONAL_INVALID = [
    ("BE", "85.07.30-033.29"), ("ES", "12345678A"), ("ES", "X1234567A"), ("IT", "RSSMRA85T10A562T"),
    ("US", "666-12-3456"), ("US", "000-12-3456"), ("US", "912-12-3456"), ("US", "536-00-4399"), ("US", "536-90-0000"),
    ("GB", "GB 12 34 56 C"), ("GB", "TN 12 34 56 C"), ("GB", "DA 12 34 56 C"), ("GB", "AO 12 34 56 C"),
    ("GB", "AB 12 34 56 E"), ("CH", "756.1234.5678.98"), ("CH", "757.1234.5678.97"),
]


@pytest.mark.parametrize(("country", "raw", "canonical"), NATIONAL_VALID)
def test_national_id_valid(country: str, raw: str, canonical: str) -> None:
    assert canon_national_id(raw, country) == canonical
    assert canonical in canonical_forms("national_id", f"{country}:{raw}")
    assert canonical in canonical_forms("national_id", raw)  # bare: every country it passes


@pytest.mark.parametrize(("country", "raw"), NATIONAL_INVALID)
def test_national_id_invalid(country: str, raw: str) -> None:
    assert canon_national_id(raw, country) is None
    assert canonical_forms("national_id", f"{country}:{raw}") == []


def test_national_ids_in_a_dump_with_country_and_decoys() -> None:
    dump = ("nom;prenom;dni;nino;avs;codice_fiscale;numero_national;ssn;commande\n"
            "Garcia;Ana;12345678Z;AB 12 34 56 C;756.1234.5678.97;RSSMRA85T10A562S;85.07.30-033.28;536-90-4399;"
            "CMD-85073003329\n"
            "Lopez;Luis;12345678A;GB 12 34 56 C;756.1234.5678.98;RSSMRA85T10A562T;85.07.30-033.29;666-12-3456;"
            "12345678901\n"
            "Smith;Bob;X-1234567-L;HH525490C;7561234567897;BNCGNN70A41F205Y;90.02.01-003.28;078-05-1120;"
            "756.0000.0000.00\n")
    frags = detect(dump, key=KEY)
    got = {(i.value, i.country) for i in _all(frags, "national_id")}
    assert got == {("ES:12345678Z", "ES"), ("GB:AB123456C", "GB"), ("CH:7561234567897", "CH"),
                   ("IT:RSSMRA85T10A562S", "IT"), ("BE:85073003328", "BE"), ("US:536904399", "US"),
                   ("ES:X1234567L", "ES"), ("GB:HH525490C", "GB"), ("CH:7561234567897", "CH"),
                   ("IT:BNCGNN70A41F205Y", "IT"), ("BE:90020100328", "BE")}  # 078-05-1120: stdnum's blacklist
    assert not _ids(frags, "nir")  # a US SSN column is not read as a French NIR
    # a dox: labels name the country (CF, NN)
    dox = ("Nom: Rossi\nPrénom: Mario\nNé le: 10/12/1985\nTel: +39 06 6982 0000\nCF: RSSMRA85T10A562S\n"
           "NN: 90.02.01-003.28\n")
    assert _ids(detect(dox, key=KEY), "national_id") == {"IT:RSSMRA85T10A562S", "BE:90020100328"}
    # a column no header types is scanned for the shapes only these have (the Italian code,
    # dotted Belgian and Swiss numbers); their look-alikes with a failing check stay out
    notes = ("nom;email;notes\nA;a@exemple.fr;ex BNCGNN70A41F205Y, 85.07.30-033.28\n"
             "B;b@exemple.fr;756.1234.5678.97 ref 756.1234.5678.98 / 85.07.30-033.29\n")
    assert _ids(detect(notes, key=KEY), "national_id") == {"IT:BNCGNN70A41F205Y", "BE:85073003328",
                                                           "CH:7561234567897"}


def test_national_id_tokens_match_prehash_and_search_spec(tmp_path: Path) -> None:
    """What an organisation pre-hashes (`vigie hash`, header `dni`, or `CC:number` lines) and
    what `vigie search --identifier national_id:ES:...` tokenises are the detector's tokens."""
    frags = detect("nom;dni;email\nA;12345678Z;a@exemple.fr\nB;X1234567L;b@exemple.fr\n", key=KEY)
    tokens = {i.value: i.token for i in _all(frags, "national_id")}
    assert set(tokens) == {"ES:12345678Z", "ES:X1234567L"}
    src = tmp_path / "staff.csv"
    src.write_text("nom;dni\nA;12345678-Z\nB;X-1234567-L\nC;12345678A\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    with out.open("w", encoding="ascii") as fh:
        stats = hash_file(src, fh)
    assert stats.rejected == 1
    lines = out.read_text(encoding="ascii").split()
    assert sorted(lines) == sorted(f"national_id,{prehash('national_id', v).hex()}" for v in tokens)
    plain = tmp_path / "plain.txt"
    plain.write_text("ES:12345678Z\nUS:666-12-3456\n", encoding="utf-8")
    with out.open("w", encoding="ascii") as fh:
        stats = hash_file(plain, fh)
    assert stats.rejected == 1  # an SSN of a refused area is rejected, not taken for a phone
    assert out.read_text(encoding="ascii").split() == [f"national_id,{prehash('national_id', 'ES:12345678Z').hex()}"]
    # the search spec TYPE:VALUE with the country: same canonical form, same token
    forms = canonical_forms("national_id", "ES:12345678-z")
    assert [token(KEY, "national_id", f) for f in forms] == [tokens["ES:12345678Z"]]


def test_vigie_search_by_national_id(tmp_path: Path) -> None:
    """`vigie search --identifier national_id:ES:...` finds the fragment the detector stored,
    with or without the country and whatever the spelling; an invalid number is refused."""
    import json
    from datetime import UTC, datetime

    from indexer.documents import build_documents
    from indexer.models import CrawledItem
    from indexer.store import open_store_from_settings
    from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY
    from tests.test_search_cli import cli, make_env
    from vigie.config.schema import StorageSettings

    config, data = make_env(tmp_path)
    when = datetime(2026, 6, 1, tzinfo=UTC)
    item = CrawledItem(source="forum-a", url="http://forum.test/t/1", body="", thread_url="http://forum.test/t/1",
                       thread_title="base", author="x", posted_at=when, fetched_at=when)
    frags = detect("nom;dni;email\nA;12345678Z;a@exemple.fr\nB;X1234567L;b@exemple.fr\n", key=TEST_MATCH_KEY)
    docs = build_documents(item, frags, TEST_DATA_KEY)
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs)
    store.close()
    for spec in ("national_id:ES:12345678-z", "national_id:12345678Z", "national_id:es:X-1234567-L"):
        res = cli(["search", "--identifier", spec, "--json", "-c", str(config), "-d", str(data)])
        assert res.exit_code == 0, res.output
        assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == [docs[0].id], spec
        assert "12345678" not in res.stdout
    res = cli(["search", "--identifier", "national_id:ES:12345678A", "-c", str(config), "-d", str(data)])
    assert res.exit_code != 0 and "not a valid national_id" in res.output
