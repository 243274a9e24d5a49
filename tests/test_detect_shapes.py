"""One test per fragment shape and per rule of the issue, on small hand-written inputs."""

from __future__ import annotations

import pytest

from indexer.article9 import scan_article9
from indexer.detect import detect
from indexer.models import Severity
from indexer.redact import mask_value
from indexer.tokens import MatchKey, token

KEY = MatchKey(b"\x11" * 32, version=3)


def one(text: str | bytes, **kw: object):
    frags = detect(text, key=KEY, **kw)
    assert len(frags) == 1, [(f.kind, f.start_line, f.end_line) for f in frags]
    return frags[0]


def values(frag, t: str) -> set[str]:
    return {i.value for i in frag.identifiers if i.type == t}


FR_CSV = """nom;prenom;date_naissance;email;telephone;nir;pathologie
Dupont;Jean;12/03/1985;Jean.Dupont+promo@gmail.com;06 12 34 56 78;2 95 10 99 126 111 93;diabète
Martin;Élodie;01/02/1990;e.martin@orange.fr;0690 12 34 56;253072A07300443;séropositive
Durand;Paul;05/05/1975;pdurand@free.fr;+33 7 81 23 45 67;1891275125012;asthme"""


def test_french_csv_with_header_types_columns() -> None:
    f = one("Salut, la base du cabinet :\n\n" + FR_CSV + "\n\nBonne journée")
    assert (f.kind, f.start_line, f.end_line) == ("csv", 3, 6)
    assert values(f, "email") == {"jean.dupont+promo@gmail.com", "jeandupont@gmail.com", "e.martin@orange.fr",
                                  "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+590690123456", "+33781234567"}
    assert values(f, "nir") == {"295109912611193", "253072A07300443", "189127512501282"}
    assert values(f, "dob") == {"1985-03-12", "1990-02-01", "1975-05-05"}
    assert "dupont jean" in values(f, "name")
    assert {s.category for s in f.sensitive} == {"health"}
    assert f.severity is Severity.critical
    for i in f.identifiers:
        assert i.token == token(KEY, i.type, i.value) and i.key_version == 3


def test_cp1252_and_utf16_files_decode_to_the_same_fragments() -> None:
    ref = [(i.type, i.value) for i in one(FR_CSV).identifiers]
    for enc in ("cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"):
        data = FR_CSV.replace("\n", "\r\n").encode(enc)
        assert [(i.type, i.value) for i in one(data, filename="export.csv").identifiers] == ref, enc


def test_html_post_keeps_line_structure() -> None:
    rows = FR_CSV.split("\n")
    html = "<div class='post'><p>Regardez :</p><blockquote>" + "<br>\n".join(rows) + "</blockquote><p>Sig</p></div>"
    f = one(html, content_type="text/html")
    assert f.kind == "csv" and len(values(f, "nir")) == 3


def test_quoted_block_of_six_patient_rows_is_a_fragment() -> None:
    rows = ["Dupont;Jean;0612345678;295109912611193", "Martin;Lea;0612345679;253072A07300443",
            "Petit;Luc;0612345680;177022A00100229", "Roux;Ana;0612345681;253012A07300444",
            "Morel;Eve;0612345682;177025626004544", "Blanc;Noe;0612345683;253077507300483"]
    f = one("Il a posté ça :\n" + "\n".join("> " + r for r in rows) + "\nAbusé.")
    assert (f.kind, f.start_line, f.end_line) == ("csv", 2, 7)
    assert len(values(f, "nir")) == 6 and len(values(f, "phone")) == 6


def test_lone_email_in_signature_and_prose_are_not_fragments() -> None:
    post = ("Bonjour, je cherche un accès à la base de la mutuelle, prix à discuter.\n"
            "Mon médecin m'a dit que c'était urgent, 3 fois, 4 fois.\n\n--\n"
            "Jean, jean.dupont@gmail.com | 06 12 34 56 78\n")
    assert detect(post, key=KEY) == []


def test_mysqldump_extended_insert_uses_create_table_columns() -> None:
    sql = ("CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(255),\n  `password` varchar(255),\n"
           "  `telephone` varchar(20),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
           "INSERT INTO `users` VALUES (1,'a@b.fr','$2y$10$" + "a" * 53 + "','0612345678'),"
           "(2,'c@d.com','hunter2','0612345679'),(3,'o\\'neil@x.org',NULL,'0612345670');")
    f = one(sql)
    assert (f.kind, f.start_line, f.end_line) == ("sql_insert", 8, 8)
    assert values(f, "email") == {"a@b.fr", "c@d.com", "o'neil@x.org"}
    assert values(f, "credential") == {"c@d.com:hunter2"}
    assert values(f, "password_hash") == {"bcrypt:$2y$10$" + "a" * 53}
    assert f.severity is Severity.high
    assert "hunter2" not in f.excerpt and "0612345679" not in f.excerpt


def test_pg_dump_copy_block() -> None:
    text = "COPY public.patients (id, nom, prenom, email, nir, iban) FROM stdin;\n" \
           "1\tDupont\tJean\tj@x.fr\t295109912611193\tFR14 2004 1010 0505 0001 3M02 606\n" \
           "2\tMartin\tLea\t\\N\t253072B07300470\t\\N\n\\.\n"
    f = one(text)
    assert (f.kind, f.start_line, f.end_line) == ("pg_copy", 1, 4)
    assert values(f, "iban") == {"FR1420041010050500013M02606"}
    assert values(f, "nir") == {"295109912611193", "253072B07300470"}


def test_combo_list() -> None:
    f = one("fresh combo\na@b.com:pass1\nc.d@gmail.com:p@ss:2\ne@f.com:pass3\nthanks")
    assert (f.kind, f.start_line, f.end_line) == ("combo", 2, 4)
    assert values(f, "credential") == {"a@b.com:pass1", "c.d@gmail.com:p@ss:2", "e@f.com:pass3"}
    assert "cd@gmail.com" in values(f, "email")


def test_jsonl_and_mongo_shell_export() -> None:
    text = ('{"_id": ObjectId("5f1e"), "email": "x@y.fr", "tel": "0612345678", "nir": "295109912611193"}\n'
            '{"_id": {"$oid": "5f1f"}, "email": "z@y.fr", "profile": {"phone": "+33 6 12 34 56 77"}}\n')
    f = one(text)
    assert f.kind == "jsonl"
    assert values(f, "phone") == {"+33612345678", "+33612345677"}
    assert values(f, "nir") == {"295109912611193"}


def test_stealer_log_blocks() -> None:
    text = ("===============\nSoft: Chrome\nURL: https://accounts.google.com/\nUsername: jdupont@gmail.com\n"
            "Password: Azerty123!\n===============\nSoft: Firefox\nURL: https://banque.fr/login\nLogin: 12345678\n"
            "Password: 0000\n===============\n")
    f = one(text)
    assert f.kind == "stealer_log"
    assert values(f, "credential") == {"jdupont@gmail.com:Azerty123!", "12345678:0000"}


def test_dox_with_name_dob_address_phone() -> None:
    text = ("DOX de ce rat\n\nNom: Dupont\nPrénom: Jean\nNé le: 12/03/1985\nAdresse: 12 rue de la Paix, 75002 Paris\n"
            "Tel: 06 12 34 56 78\nReligion: catholique non pratiquant\n")
    f = one(text)
    assert (f.kind, f.start_line, f.end_line) == ("dox", 3, 8)
    assert values(f, "dob") == {"1985-03-12"} and values(f, "name") == {"dupont jean"}
    assert values(f, "address") == {"12 rue de la paix 75002 paris"}
    assert {s.category for s in f.sensitive} == {"religion"}
    assert "catholique" in {s.evidence for s in f.sensitive}
    assert f.severity is Severity.critical


def test_label_lines_without_a_person_are_not_a_dox() -> None:
    assert detect("Prix: 50 euros\nContact: tox\nPaiement: BTC\nTel: 06 12 34 56 78\n", key=KEY) == []


def test_hl7_message() -> None:
    text = ("MSH|^~\\&|DXCARE|CHU|||20240101||ADT^A01|1|P|2.5\r"
            "PID|1||123^^^CHU||DUPONT^JEAN||19850312|M|||12 RUE X^^PARIS^^75001||0612345678|||||295109912611193\r"
            "DG1|1||B20^Maladie VIH\r")
    f = one(text)
    assert (f.kind, f.start_line, f.end_line) == ("hl7", 1, 3)
    assert values(f, "dob") == {"1985-03-12"} and values(f, "nir") == {"295109912611193"}
    assert values(f, "name") == {"dupont jean"}
    assert "health" in {s.category for s in f.sensitive}
    assert f.severity is Severity.critical


def test_english_headers_and_headerless_runs() -> None:
    f = one("first_name,last_name,dob,ssn,phone\nJohn,Smith,1980-01-02,295109912611193,+1 415 555 2671\n"
            "Jane,Doe,1981-02-03,253072A07300443,+44 20 7946 0018\n")
    assert (f.kind, f.delimiter) == ("csv", ",") and values(f, "phone") == {"+14155552671", "+442079460018"}
    # three fields with no header: a csv typed by its values, not a combo (a combo is exactly
    # `login<sep>password`, and a `|` line with another `|` in its second field is refused by
    # `_combo_line`); every row's email and phone are identifiers
    g = one("a@b.fr|0612345678|x\nc@d.fr|0612345679|y\ne@f.fr|0612345670|z\n")
    assert (g.kind, g.delimiter, g.start_line, g.end_line) == ("csv", "|", 1, 3)
    assert values(g, "email") == {"a@b.fr", "c@d.fr", "e@f.fr"}
    assert values(g, "phone") == {"+33612345678", "+33612345679", "+33612345670"}


def test_luhn_only_types_need_a_header() -> None:
    run = "a;404833048;x\nb;73282932000074;y\nc;10005173140;z\n"
    assert detect(run, key=KEY) == []  # no strong identifier, no header: not a leak fragment
    f = one("nom;prenom;siren;siret;rpps;adeli;email\nA;B;404833048;73282932000074;10005173140;349102665;a@b.fr\n"
            "C;D;404833049;73282932000075;10005173141;349102666;c@d.fr\n")
    assert values(f, "siren") == {"404833048"} and values(f, "siret") == {"73282932000074"}
    assert values(f, "rpps") == {"10005173140"} and values(f, "adeli") == {"349102665"}


def test_look_alikes_inside_a_dump_are_rejected() -> None:
    f = one("nom;email;nir;iban;cb\nA;a@b.fr;295109912611199;FR15 2004 1010 0505 0001 3M02 606;4111111111111112\n"
            "B;c@d.fr;253072C07300443;FR1420041010050500013M02606;4111111111111111\n")
    assert values(f, "nir") == set()
    assert values(f, "iban") == {"FR1420041010050500013M02606"} and values(f, "card") == {"4111111111111111"}


@pytest.mark.parametrize("text,cat", [
    ("catholique non pratiquante", "religion"), ("patient séropositif", "health"), ("HIV-positive", "health"),
    ("sous insuline", "health"), ("schizophrénie", "health"), ("homosexuel", "sexual_orientation"),
    ("délégué syndical", "trade_union"), ("adhérent CGT", "trade_union"),
    ("origine ethnique : maghrébine", "ethnic_origin"),
    ("militant du parti communiste", "political_opinion"), ("test ADN", "genetic"),
    ("empreintes digitales", "biometric"), ("vie sexuelle", "sex_life"), ("muslim", "religion"),
])
def test_article9_lexicon_hits(text: str, cat: str) -> None:
    flags = scan_article9(f"Dupont;Jean;{text};0612345678")
    assert cat in {f.category for f in flags}
    f = flags[0]
    assert f"Dupont;Jean;{text};0612345678"[f.start:f.end] == f.evidence


@pytest.mark.parametrize("text", ["médecin", "Dr Martin, médecin généraliste", "syndicat de copropriété",
                                  "cancérologue? non: comptable", "adnexe", "gayet", "the race was won"])
def test_article9_lexicon_misses(text: str) -> None:
    assert scan_article9(text) == []


def test_catholique_non_pratiquante_is_religion_not_a_negation() -> None:
    """'non pratiquante' qualifies the religion, it does not deny it (unlike 'VIH : non')."""
    flags = scan_article9("Marie, catholique non pratiquante, 45 ans")
    assert {f.category for f in flags} == {"religion"}
    assert "catholique" in {f.evidence for f in flags}
    assert scan_article9("VIH : non") == []
    # saying one has no religion is a statement of belief (indexer/article9_lexicon/README.md, wave 23)
    assert {f.category for f in scan_article9("religion : non.")} == {"religion"}


def test_redaction_masks_every_identifier_irreversibly() -> None:
    f = one(FR_CSV)
    for i in f.identifiers:
        if i.type in ("email", "phone", "nir"):
            assert i.value not in f.excerpt
    for raw in ("Dupont", "Jean.Dupont", "06 12 34 56 78", "2 95 10 99 126 111 93", "253072A07300443", "12/03/1985"):
        assert raw not in f.excerpt
    assert "j***@g***.com" in f.excerpt and "+33 6** ** ** 78" in f.excerpt and "2 95 ** ** *** *** 93" in f.excerpt
    assert mask_value("card", "4111111111111111") == "**** **** **** 1111"


def test_severity_levels() -> None:
    assert one("email;telephone\na@b.fr;0612345678\nc@d.fr;0612345679\n").severity is Severity.medium
    assert one("nom;prenom;date_naissance\nDupont;Jean;12/03/1985\nMartin;Lea;01/01/1990\n").severity is Severity.low
    assert one("nom;nir\nDupont;295109912611193\nMartin;253072A07300443\n").severity is Severity.high


def test_header_names_with_digits_and_english_dox_labels() -> None:
    f = one("nom;prenom;adresse1;tel2;email\nDupont;Jean;12 rue X;0612345678;a@b.fr\n"
            "Martin;Lea;3 rue Y;0612345679;c@d.fr\n")
    assert f.kind == "csv" and values(f, "name") == {"dupont jean", "lea martin"}
    g = one("Real Name: John Smith\nDOB: 01/02/1980\nPhone: +1 415 555 2671\nAddress: 12 Main St, Springfield\n")
    assert g.kind == "dox" and values(g, "dob") == {"1980-02-01"} and values(g, "name") == {"john smith"}


@pytest.mark.parametrize("text,kind,counts", [
    ("nom;prenom;email;telephone\nDupont;Jean;a@b.fr;0612345678;\nMartin;Lea;c@d.fr;0612345679\nPetit;Luc;e@f.fr;0612345670;\n",
     "csv", {"email": 3, "phone": 3, "name": 3}),  # some rows end with a separator, some do not
    ("1. a@b.fr:pass1\n2. c@d.fr:pass2\n3. e@f.fr:pass3\n", "combo", {"credential": 3, "email": 3}),
    ("a@b.fr\tpass1\nc@d.fr\tpass2\ne@f.fr\tpass3\n", "combo", {"credential": 3, "email": 3}),
    ("a@b.fr;0612345678\nc@d.fr;0612345679\ne@f.fr;0612345670\n", "csv", {"email": 3, "phone": 3}),
    ("Voici:\n0612345678\n0612345679\n0612345670\nfin", "separated_run", {"phone": 3}),
    ("| nom | prenom | email |\n|---|---|---|\n| Dupont | Jean | a@b.fr |\n| Martin | Lea | c@d.fr |\n", "csv",
     {"email": 2, "name": 2}),
])
def test_messier_shapes(text: str, kind: str, counts: dict[str, int]) -> None:
    f = one(text)
    assert f.kind == kind and f.counts() == counts


def test_short_lists_and_number_columns_are_not_fragments() -> None:
    assert detect("12\n13\n14\n15\n", key=KEY) == []
    assert detect("a@b.fr\nc@d.fr\n", key=KEY) == []


@pytest.mark.parametrize("tel_first", [True, False])
def test_dox_after_an_unlabelled_signature_line(tel_first: bool) -> None:
    """Seed lines standing alone are skipped without running the recognisers; the blocks found
    later must still start below them (an unlabelled `Contact: x@y` two lines above a dox must
    not be taken as the dox's first line, which would end it before it starts)."""
    dox = ["Nom: Dupont", "Prénom: Jean", "Adresse: 12 rue de la Paix"]
    dox = ["Tel: 06 12 34 56 78", *dox] if tel_first else [*dox, "Tel: 06 12 34 56 78"]
    f = one("Salut\n\nContact: jean.dupont@example.fr\n\n" + "\n".join(dox) + "\n")
    assert (f.kind, f.start_line, f.end_line) == ("dox", 5, 8)
    assert values(f, "phone") == {"+33612345678"} and values(f, "name") == {"dupont jean"}


@pytest.mark.parametrize("pad", [" , ", ", ", " ,", "  ;  ", " | "])
def test_quoted_fields_between_padded_separators_stay_one_cell(pad: str) -> None:
    """`a , "12, rue X" , b`: the quoted address holds the separator. It was split there, and
    every later column (phone, email, birth date) was read under the wrong header: 1 phone
    found of 1 889 on such a 2 000-row export. Both engines split the same way
    (tests/test_engine_differential.py compares the splitters)."""
    sep = pad.strip()
    rows = [pad.join(["NOM", "Prénom", "Adresse postale", "portable", "E-mail", "naissance"])]
    people = [("Valentin", "Dorothée", '"32, avenue Gilbert Toussaint, 74736 Sainte Danielle"', "0612345678",
               "d.valentin@example.fr", "21-01-1947"),
              ("Moreno", "Antoine", '"39; rue Odette | Guibert, 97693 Chevalier"', "07 81 23 45 67",
               "a.moreno@example.fr", "22/04/1993"),
              ("Petit", "Zoé", '"1, place ""du"" Marché, 75001 Paris"', "+33 6 98 76 54 32",
               "zoe.petit@example.fr", "03/11/1988")]
    for p in people:
        rows.append(pad.join(p))
    f = one("\n".join(rows))
    assert f.kind == "csv" and f.delimiter == sep
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    assert values(f, "email") == {"d.valentin@example.fr", "a.moreno@example.fr", "zoe.petit@example.fr"}
    assert values(f, "dob") == {"1947-01-21", "1993-04-22", "1988-11-03"}


_CARDS = """BEGIN:VCARD
VERSION:3.0
N:Dupont;Jean;;;
FN:Jean Dupont
item1.EMAIL;TYPE=INTERNET,pref:jean.dupont@example.fr
TEL;TYPE=CELL:06 12 34 56 78
BDAY:1985-03-12
ADR;TYPE=HOME:;;12 rue de la Paix;Paris;;75002;France
NOTE:patient suivi pour un diabète,
  rendez-vous le mardi
END:VCARD

BEGIN:VCARD
VERSION:4.0
N:Martin;Élodie;;;
EMAIL:e.martin@orange.fr
TEL;VALUE=uri;TYPE=voice:tel:+33-7-81-23-45-67
BDAY:19900201
END:VCARD
begin:vcard
version:2.1
n:Durand;Paul
email;internet:pdurand@free.fr
tel;home:+33 6 98 76 54 32
end:vcard
"""


def test_vcard_contacts_are_one_record_per_card() -> None:
    """Address books (phone backups, webmail and CRM exports) are dumps too: one record per card,
    each property typed by its name (N, FN, EMAIL, TEL, BDAY, ADR), parameters and groups
    ignored, folded lines kept with their property."""
    f = one("Le carnet d'adresses du cabinet :\n\n" + _CARDS + "\nbonne lecture")
    assert (f.kind, f.start_line, f.end_line) == ("vcard", 3, 27)
    assert values(f, "email") == {"jean.dupont@example.fr", "e.martin@orange.fr", "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    assert values(f, "dob") == {"1985-03-12", "1990-02-01"}
    names = {frozenset(n.split()) for n in values(f, "name")}
    assert {frozenset({"dupont", "jean"}), frozenset({"martin", "elodie"}), frozenset({"durand", "paul"})} <= names
    assert not {frozenset({"dupont", "elodie"}), frozenset({"martin", "jean"})} & names  # one card, one person
    assert any(i.type == "address" for i in f.identifiers)
    assert "jean.dupont@example.fr" not in f.excerpt and "06 12 34 56 78" not in f.excerpt


def test_cards_written_without_their_end_line_are_one_record_each() -> None:
    """Some exports (and pastes cut by hand) leave out END:VCARD: each card then ends where the
    next BEGIN:VCARD starts, the last one at the text's end. One record per card: a card's name
    never pairs with the next card's email."""
    cards = "".join(f"BEGIN:VCARD\nVERSION:3.0\nN:{last};{first};;;\nEMAIL:{email}\nTEL:{tel}\n"
                    for last, first, email, tel in [("Dupont", "Jean", "jean.dupont@example.fr", "06 12 34 56 78"),
                                                    ("Martin", "Élodie", "e.martin@orange.fr", "07 81 23 45 67"),
                                                    ("Durand", "Paul", "pdurand@free.fr", "06 98 76 54 32")])
    f = one("carnet exporté :\n" + cards)
    assert (f.kind, f.start_line, f.end_line) == ("vcard", 2, 16)
    assert values(f, "email") == {"jean.dupont@example.fr", "e.martin@orange.fr", "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    names = {frozenset(n.split()) for n in values(f, "name")}
    assert {frozenset({"dupont", "jean"}), frozenset({"martin", "elodie"}), frozenset({"durand", "paul"})} <= names
    assert not {frozenset({"dupont", "elodie"}), frozenset({"martin", "paul"})} & names


def test_a_card_without_end_or_a_next_card_is_not_read_as_one() -> None:
    """A lone BEGIN:VCARD followed by property lines to the text's end is no card list: the
    vCard reader leaves it to the others (it was the only rule before cards without END)."""
    text = "BEGIN:VCARD\nN:Dupont;Jean;;;\nEMAIL:jean.dupont@example.fr\n"
    assert all(f.kind != "vcard" for f in detect(text, key=KEY))


def test_a_big_vcard_file_goes_through_the_windowed_path_whole() -> None:
    """Over 256 kB, detection decodes only windows around the lines that can start a fragment:
    each card's BEGIN line must still be in its window."""
    cards = [f"BEGIN:VCARD\nVERSION:3.0\nN:Nom{k};Prénom{k};;;\nFN:Prénom{k} Nom{k}\nORG:Société {k}\n"
             f"TITLE:Responsable\nEMAIL;TYPE=INTERNET:contact{k}@example.fr\nTEL;TYPE=WORK:01 45 {k % 100:02d} 67 89\n"
             f"URL:https://example.fr/{k}\nEND:VCARD\n" for k in range(1800)]
    data = "".join(cards).encode()
    assert len(data) > 256_000
    frags = detect(data, key=KEY)
    emails = {i.value for f in frags for i in f.identifiers if i.type == "email"}
    assert emails == {f"contact{k}@example.fr" for k in range(1800)}
    assert {f.kind for f in frags} == {"vcard"}


def test_a_json_array_on_one_line_is_one_record_per_object() -> None:
    """An API response or an export written on one line (`[{...}, {...}]`): each object is a
    record. It was no fragment at all: JSON lines needed two lines."""
    import json

    people = [{"nom": "Dupont", "prenom": "Jean", "email": "jean.dupont@example.fr", "tel": "06 12 34 56 78",
               "naissance": "12/03/1985"},
              {"nom": "Martin", "prenom": "Élodie", "email": "e.martin@orange.fr", "tel": "07 81 23 45 67",
               "naissance": "01/02/1990"},
              {"nom": "Durand", "prenom": "Paul", "email": "pdurand@free.fr", "tel": "+33 6 98 76 54 32"}]
    f = one("voici la réponse de l'API : \n" + json.dumps(people, ensure_ascii=False) + "\n")
    assert f.kind == "jsonl" and f.start_line == f.end_line == 2
    assert values(f, "email") == {"jean.dupont@example.fr", "e.martin@orange.fr", "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    assert values(f, "dob") == {"1985-03-12", "1990-02-01"}
    names = {frozenset(n.split()) for n in values(f, "name")}
    assert {frozenset({"dupont", "jean"}), frozenset({"martin", "elodie"}), frozenset({"durand", "paul"})} <= names
    assert not {frozenset({"dupont", "elodie"}), frozenset({"martin", "paul"})} & names
    assert not detect('[{"a": 1}, {"b": 2}]\n', key=KEY)  # objects without identifiers: nothing


def _three_patients_in_xml(text: str):
    """The XML tests' three patients, each with their own email, phone, date of birth and name,
    found in `text` as one xml fragment whose excerpt shows none of them."""
    f = one("export du logiciel :\n" + text + "\nfin")
    assert f.kind == "xml"
    assert values(f, "email") == {"jean.dupont@example.fr", "e.martin@orange.fr", "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    assert values(f, "dob") == {"1985-03-12", "1990-02-01", "1975-05-05"}
    names = {frozenset(n.split()) for n in values(f, "name")}
    assert {frozenset({"dupont", "jean"}), frozenset({"martin", "elodie"}), frozenset({"durand", "paul"})} <= names
    assert not {frozenset({"dupont", "elodie"}), frozenset({"martin", "paul"})} & names
    assert "jean.dupont@example.fr" not in f.excerpt
    return f


def test_xml_exports_one_record_per_element_group() -> None:
    """Exports written as XML: leaf elements typed by their tag (namespaces ignored), one record
    per patient whether a record holds one line or several; markup whose tags type nothing is
    no fragment."""
    rows = [("Dupont", "Jean", "jean.dupont@example.fr", "06 12 34 56 78", "1985-03-12"),
            ("Martin", "Élodie", "e.martin@orange.fr", "07 81 23 45 67", "1990-02-01"),
            ("Durand", "Paul", "pdurand@free.fr", "+33 6 98 76 54 32", "1975-05-05")]
    one_line = "<?xml version=\"1.0\"?>\n<patients>\n" + "\n".join(
        f'  <patient id="{k}"><nom>{n}</nom><prenom>{p}</prenom><email>{e}</email><telephone>{t}</telephone>'
        f"<dateNaissance>{d}</dateNaissance></patient>" for k, (n, p, e, t, d) in enumerate(rows)) + "\n</patients>"
    nested = "<hl:export xmlns:hl=\"urn:x\">\n" + "\n".join(
        f"  <hl:patient>\n    <hl:nom>{n}</hl:nom>\n    <hl:prenom>{p}</hl:prenom>\n    <hl:contact>\n"
        f"      <hl:email type=\"perso\">{e}</hl:email>\n      <hl:tel>{t}</hl:tel>\n    </hl:contact>\n"
        f"    <hl:naissance>{d}</hl:naissance>\n  </hl:patient>" for n, p, e, t, d in rows) + "\n</hl:export>"
    for text in (one_line, nested):
        _three_patients_in_xml(text)
    untyped = "\n".join(f"<item><ref>{k:08d}</ref><qty>{k}</qty></item>" for k in range(40))
    assert not [fr for fr in detect(untyped, key=KEY) if fr.kind == "xml"]
    # markup whose tags type nothing is read as before: a list of addresses is still one
    contacts = detect("".join(f"<contact>u{k}@example.fr</contact>\n" for k in range(30)), key=KEY)
    assert {i.value for fr in contacts for i in fr.identifiers} == {f"u{k}@example.fr" for k in range(30)}


def test_xml_exports_with_fields_as_attributes() -> None:
    """`<patient nom="..." email="..."/>`: each attribute a field typed by its name, in either
    quote, one record per element; attributes and element texts of one record together; the
    values masked in the excerpt at their place."""
    rows = [("Dupont", "Jean", "jean.dupont@example.fr", "06 12 34 56 78", "12/03/1985"),
            ("Martin", "Élodie", "e.martin@orange.fr", "07 81 23 45 67", "01/02/1990"),
            ("Durand", "Paul", "pdurand@free.fr", "+33 6 98 76 54 32", "05/05/1975")]
    attrs = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<patients>\n" + "\n".join(
        f"  <patient id=\"{k}\" nom=\"{n}\" prenom='{p}' naissance=\"{d}\" email=\"{e}\" tel=\"{t}\"/>"
        for k, (n, p, e, t, d) in enumerate(rows)) + "\n</patients>"
    mixed = "<export>\n" + "\n".join(
        f"  <patient nom=\"{n}\" prenom=\"{p}\">\n    <email>{e}</email>\n    <contact tel=\"{t}\" />\n"
        f"    <naissance>{d}</naissance>\n  </patient>" for n, p, e, t, d in rows) + "\n</export>"
    for text in (attrs, mixed):
        f = _three_patients_in_xml(text)
        for i in f.identifiers:
            if i.type == "email":
                assert f.text[i.start:i.end] == i.value
        assert "jean.dupont@example.fr" not in f.excerpt and "Dupont" not in f.excerpt
    # attributes that type nothing (an HTML-ish page, a config) are no fragment
    plain = "\n".join(f'<item ref="{k:08d}" qty="{k}" href="/p/{k}"/>' for k in range(40))
    assert not [fr for fr in detect(plain, key=KEY) if fr.kind == "xml"]


_LDIF = """version: 1
# export of ou=patients
dn: cn=Jean Dupont,ou=patients,dc=cabinet,dc=fr
objectClass: inetOrgPerson
cn: Jean Dupont
sn: Dupont
givenName: Jean
mail: jean.dupont@example.fr
mobile: 06 12 34 56 78
description: suivi cardiologie, rendez-vous
 le mardi
jpegPhoto:: /9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8M

dn: CN=Martin Elodie,OU=Users,DC=corp,DC=fr
sAMAccountName: emartin
userPrincipalName: e.martin@corp.example.fr
telephoneNumber: +33 7 81 23 45 67
l: Lyon
postalCode: 69003

dn: uid=pdurand,ou=people,dc=example,dc=fr
cn: Paul Durand
mail: pdurand@free.fr
homePhone: +33 6 98 76 54 32
"""


def test_ldif_directory_exports_are_one_record_per_entry() -> None:
    """LDAP and Active Directory exports: entries from `dn:` to a blank line, attributes typed
    by their name (LDAP's short names included: cn, sn, l, uid), base64 values and folded lines
    not read as values of their own."""
    f = one("dump de l'annuaire :\n\n" + _LDIF)
    assert (f.kind, f.start_line) == ("ldif", 5)
    assert values(f, "email") == {"jean.dupont@example.fr", "e.martin@corp.example.fr", "pdurand@free.fr"}
    assert values(f, "phone") == {"+33612345678", "+33781234567", "+33698765432"}
    names = {frozenset(n.split()) for n in values(f, "name")}
    assert {frozenset({"dupont", "jean"}), frozenset({"durand", "paul"})} <= names
    assert not any("9j" in i.value for i in f.identifiers)
