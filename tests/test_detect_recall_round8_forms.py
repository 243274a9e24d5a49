# ruff: noqa: E501  (a dump's line is kept whole, as it is posted)
"""Recall round 8 (wave 28, helper I): identifier forms and attachments that blind sets 6/6c missed.

Two classes, each with variants the blind probe did not show and negatives of the same shape:

- one person's facts under their name alone on its line, as a CV or a profile heads them
  (set 6c attachment_pdf_cv: `Gabin PERROT` / `Née le 08/10/1993 à Lille` / `07 .. - mail`), in
  prose lines or behind labels, in a PDF or pasted: `prose.heading_name` makes that line the
  person's name. A name over a phone and a mail alone is a signature and stays clean: a birth, a
  NIR or a card must be among the facts (behind labels), or a birth or a home told as such (prose).
- a workbook's sheet that names its people only by another sheet's key (set 6c
  attachment_xlsx_hr_two_sheets: `Arrêts maladie` by `Matricule`): read joined to the rows the key
  points to (`spreadsheets.join_sheets`), so its notes are someone's.

Every case runs on both engines (the recognisers are Python on both: their fragments must agree)
and through `detect_many` as a crawl reads posts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest

from crawler.attachments import expand_attachment
from crawler.spreadsheets import join_sheets
from indexer import engine
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.blind_probe_harness import detect_many_agrees
from tests.fixtures.archives import ods_of
from tests.native_core import assert_same_fragments, vigie_native
from tests.test_documents import pdf
from vigie.config.schema import AttachmentLimits

KEY = MatchKey(b"round8-forms-key-0123456789abcdef")
ENGINES = ["python"] + (["native"] if vigie_native is not None else [])


def _run(data: str | bytes, eng: str, filename: str | None = None) -> list[Fragment]:
    try:
        engine.set_engine(eng)
        return detect(data, key=KEY, filename=filename)
    finally:
        engine.set_engine(None)


def _ids(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers if i.type not in ("name", "address")}


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica, WinAnsi, its stream uncompressed), as a CV exported to PDF is read:
    tests/test_documents.py's writer."""
    return pdf([lines], compress=False)


# ---------------------------------------------------------------- a person's facts under their name

HEADED: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # a title line above the name, the birth as a label inside the body, contacts on lines of their own
    "cv_title_then_name": (
        "CURRICULUM VITAE\nSolène FAVIER\nInfirmière diplômée d'État\nDate de naissance : 12/04/1988\n"
        "Tél. 06 47 21 93 08\nsolene.favier88@laposte.net\n3 allée des Cèdres, 35000 Rennes\n\nEXPÉRIENCES\n"
        "2015-2024 : CHU de Rennes, service de pneumologie",
        {("dob", "1988-04-12"), ("phone", "+33647219308"), ("email", "solene.favier88@laposte.net")},
    ),
    # English, the birth told with "Born", contacts separated by a bar
    "resume_en_born": (
        "Oliver HUGHES\nBorn 14/02/1990 in Leeds\n+44 7911 123456 | oliver.hughes@btinternet.com\n"
        "Senior accountant, 9 years in audit\n\nEXPERIENCE\n2016-2024: KPMG Leeds",
        {("dob", "1990-02-14"), ("phone", "+447911123456"), ("email", "oliver.hughes@btinternet.com")},
    ),
    # a profile's labels under the name (no `Nom :` label), bulleted
    "profile_labels_dashes": (
        "Matthieu ROYER\n- Né le : 21/09/1976\n- Portable : 07 61 32 48 90\n- Mail : m.royer76@sfr.fr\n",
        {("dob", "1976-09-21"), ("phone", "+33761324890"), ("email", "m.royer76@sfr.fr")},
    ),
    # English labels under the name
    "profile_labels_en": (
        "\nOliver HUGHES\nDate of birth: 14/02/1990\nMobile: +44 7911 123456\nEmail: oliver.hughes@btinternet.com\n",
        {("dob", "1990-02-14"), ("phone", "+447911123456"), ("email", "oliver.hughes@btinternet.com")},
    ),
    # a name in capitals first and given name second, the birth label spelled out, mobile first
    "profile_labels_dob": (
        "\nLEBRETON Anaïs\nDate de naissance : 03/07/1979\nTéléphone : 06 18 27 36 45\nE-mail : anais.lebreton@free.fr\n"
        "Adresse : 8 rue Voltaire, 13001 Marseille\n",
        {("dob", "1979-07-03"), ("phone", "+33618273645"), ("email", "anais.lebreton@free.fr")},
    ),
}
HEADED_NEGATIVES = {
    # a mail's signature: a name over a title, a work phone and address (no birth, no home)
    "signature_prose": "Merci pour votre retour.\n\nJean MARTIN\nDirecteur commercial\n06 12 34 56 78 - jean.martin@acme-conseil.fr\n"
    "12 rue de la Paix, 75002 Paris",
    # the same with labels: a name over a phone and a mail is a contact card, not a dox
    "signature_labels": "Bien cordialement,\n\nClaire DUVAL\nTél : 06 98 76 54 32\nMail : claire.duval@cabinet-duval.fr\n",
    # an organisation's heading and its founding date
    "company_founded": "Boulangerie MARTIN\nFondée le 12/03/1985\n01 42 68 53 00 - boulangerie.martin@orange.fr\n"
    "12 rue de la Paix, 75002 Paris",
    # a public figure's birth with no contact of theirs
    "bio_no_contact": "Victor HUGO\nNé le 26/02/1802 à Besançon\nPoète, dramaturge et homme politique français.\n"
    "Œuvres : Les Misérables, Notre-Dame de Paris",
    # an event's date and its booking contacts under a two-word title
    "event_contacts": "Salon Régional\nLe 12/03/2025 de 9h à 18h\nInscriptions : 01 42 68 53 00 - inscriptions@salon-regional.fr\n",
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(HEADED))
def test_headed_facts_are_a_dox(name: str, eng: str) -> None:
    text, want = HEADED[name]
    assert _ids(_run(text, eng)) == want


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(HEADED_NEGATIVES))
def test_headed_negatives_stay_clean(name: str, eng: str) -> None:
    assert _run(HEADED_NEGATIVES[name], eng) == []


@pytest.mark.parametrize("eng", ENGINES)
def test_pdf_cv_through_the_attachment(eng: str) -> None:
    """A CV exported to PDF (another person, job line, place of birth and mail provider than the probe's)."""
    data = _pdf([
        "Inès CHARPENTIER",
        "Développeuse web depuis 2018",
        "Née le 17/01/1994 à Brest",
        "06 52 84 17 39 - ines.charpentier@gmail.com",
        "12 rue de Siam, 29200 Brest",
        "COMPÉTENCES",
        "Python, Django, PostgreSQL",
    ])
    files = expand_attachment("CV_Ines_Charpentier.pdf", data, AttachmentLimits())
    found = set().union(*(_ids(_run(f.data, eng, f.filename)) for f in files))
    assert found == {("dob", "1994-01-17"), ("phone", "+33652841739"), ("email", "ines.charpentier@gmail.com"),
                     ("email", "inescharpentier@gmail.com")}


def test_headed_engines_agree_and_crawl_road() -> None:
    texts = [t for t, _ in HEADED.values()] + list(HEADED_NEGATIVES.values())
    if vigie_native is not None:
        for t in texts:
            assert_same_fragments(_run(t, "python"), _run(t, "native"), t[:40])
    assert detect_many_agrees(texts, KEY) == []


# ---------------------------------------------------------------- a workbook's sheets joined by their key


def _xlsx(sheets: dict[str, Any]) -> bytes:
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(title)
        assert ws is not None
        ws.title = title
        first = False
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_STAFF = [
    ("Lemaire", "Hugo", "hugo.lemaire@orange.fr", "06 11 45 78 23", dt.datetime(1981, 5, 4)),
    ("Caron", "Léa", "lea.caron@free.fr", "07 52 36 14 89", dt.datetime(1990, 11, 23)),
    ("Barbier", "Nathan", "nathan.barbier@sfr.fr", "06 84 21 09 57", dt.datetime(1972, 2, 16)),
    ("Perrin", "Jade", "jade.perrin@laposte.net", "06 33 90 12 74", dt.datetime(1986, 8, 30)),
]


def _health(files: list[tuple[str, bytes]], eng: str) -> set[str]:
    return {s.category for fn, data in files for f in _run(data, eng, fn) for s in f.sensitive}


def _expand(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(f.filename, f.data) for f in expand_attachment(name, data, AttachmentLimits())]


@pytest.mark.parametrize("eng", ENGINES)
def test_xlsx_leave_sheet_by_employee_id(eng: str) -> None:
    """Another key's name (`ID salarié`), several leaves per person, the key not the first column of
    the people's sheet."""
    people = [["Nom", "Prénom", "ID salarié", "Email", "Portable", "Né(e) le"]] + [
        [last.upper(), first, f"E-{310 + k}", mail, tel, born] for k, (last, first, mail, tel, born) in enumerate(_STAFF)
    ]
    leaves = [["ID salarié", "Du", "Au", "Motif médical"],
              ["E-310", "02/02/2024", "20/02/2024", "dépression sévère"],
              ["E-311", "05/03/2024", "08/03/2024", "angine"],
              ["E-310", "01/06/2024", "30/06/2024", "rechute dépression"],
              ["E-313", "10/09/2024", "30/09/2024", "cancer du sein, chimiothérapie"]]
    files = _expand("rh_2024.xlsx", _xlsx({"Personnel": people, "Absences": leaves}))
    assert "health" in _health(files, eng)


@pytest.mark.parametrize("eng", ENGINES)
def test_ods_consultations_by_file_number(eng: str) -> None:
    """An OpenDocument clinic file: patients, then consultations by `N° dossier`."""
    patients = [["N° dossier", "Nom", "Prénom", "Téléphone", "Email"]] + [
        [f"D{7020 + k}", last.upper(), first, tel, mail] for k, (last, first, mail, tel, _b) in enumerate(_STAFF)
    ]
    visits = [["N° dossier", "Date", "Diagnostic"],
              ["D7021", "12/01/2024", "séropositivité VIH, suivi trithérapie"],
              ["D7023", "15/01/2024", "diabète de type 1"],
              ["D7020", "20/01/2024", "contrôle annuel"]]
    files = _expand("cabinet.ods", ods_of({"Patients": patients, "Consultations": visits}))
    assert "health" in _health(files, eng)


def _tsv(rows: list[list[str]]) -> bytes:
    return ("\n".join("\t".join(r) for r in rows) + "\n").encode()


def test_join_sheets_appends_the_keyed_rows() -> None:
    a = _tsv([["Matricule", "Nom", "Email"], ["M1", "DURAND", "a@x.fr"], ["M2", "PETIT", "b@x.fr"]])
    b = _tsv([["Matricule", "Motif"], ["M2", "burn-out"], ["M1", "grippe"], ["M9", "lombalgie"]])
    got = join_sheets([("A", a), ("B", b)])
    assert got[0] == ("A", a)
    assert got[1][1].decode().splitlines() == [
        "Matricule\tMotif\tNom\tEmail", "M2\tburn-out\tPETIT\tb@x.fr", "M1\tgrippe\tDURAND\ta@x.fr", "M9\tlombalgie\t\t",
    ]


def test_join_sheets_leaves_what_is_no_key() -> None:
    a = _tsv([["Matricule", "Nom"], ["M1", "DURAND"], ["M1", "PETIT"], ["M2", "ROUX"]])  # M1 twice: no key
    b = _tsv([["Matricule", "Motif"], ["M1", "burn-out"], ["M2", "grippe"]])
    assert join_sheets([("A", a), ("B", b)])[1] == ("B", b)
    c = _tsv([["Code", "Motif"], ["M1", "burn-out"], ["M2", "grippe"]])  # no column named alike
    a2 = _tsv([["Matricule", "Nom"], ["M1", "DURAND"], ["M2", "ROUX"]])
    assert join_sheets([("A", a2), ("C", c)])[1] == ("C", c)
    one = _tsv([["Matricule", "Motif"], ["M1", "burn-out"], ["M7", "grippe"]])  # one row found: too few
    assert join_sheets([("A", a2), ("D", one)])[1] == ("D", one)


def test_join_sheets_is_bounded() -> None:
    """A key repeated over many rows of the second sheet, pointing at a wide row: not written over and
    over (the joined sheet would pass both sheets' sizes together)."""
    a = _tsv([["K", "Notes"], ["k1", "x" * 50_000], ["k2", "y"]])
    b = _tsv([["K", "V"]] + [["k1", str(n)] for n in range(100)])
    assert join_sheets([("A", a), ("B", b)])[1] == ("B", b)


@pytest.mark.parametrize("eng", ENGINES)
def test_product_workbook_stays_clean(eng: str) -> None:
    """A catalogue's sheets joined by their reference: nobody's data, nothing found."""
    products = [["Référence", "Désignation", "Prix HT"], ["R-100", "Vis inox 4x40", "12,50"],
                ["R-101", "Cheville 6mm", "4,90"], ["R-102", "Perceuse 18V", "129,00"]]
    stock = [["Référence", "Entrepôt", "Quantité"], ["R-100", "Lyon", "1200"], ["R-102", "Nantes", "35"],
             ["R-101", "Lyon", "800"]]
    files = _expand("catalogue.xlsx", _xlsx({"Produits": products, "Stock": stock}))
    assert len(files) == 2
    assert all(_run(data, eng, fn) == [] for fn, data in files)


def test_join_sheets_leaves_forms_and_monthly_sheets() -> None:
    """A form a sheet (label, value: the labels are no key) and one table over several sheets (the
    same header) are read as they are."""
    f1 = _tsv([["Nom", "DURAND"], ["Prénom", "Paul"], ["Email", "p@x.fr"]])
    f2 = _tsv([["Nom", "PETIT"], ["Prénom", "Anne"], ["Email", "a@x.fr"]])
    f3 = _tsv([["Nom", "ROUX"], ["Email", "r@x.fr"], ["Mobile", "0612345678"]])
    assert join_sheets([("f1", f1), ("f2", f2), ("f3", f3)]) == [("f1", f1), ("f2", f2), ("f3", f3)]
    jan = _tsv([["Matricule", "Nom", "Heures"], ["M1", "DURAND", "151"], ["M2", "PETIT", "140"]])
    feb = _tsv([["Matricule", "Nom", "Heures"], ["M2", "PETIT", "120"], ["M1", "DURAND", "151"]])
    assert join_sheets([("janvier", jan), ("fevrier", feb)]) == [("janvier", jan), ("fevrier", feb)]


# ---------------------------------------------------------------- a query tool's grid: header, rule, rows

GRIDS: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # SSMS "results to text": a datetime column under an English header, names first
    "ssms_datetime_en": (
        "Nom                  Email                         Mobile          DateOfBirth\n"
        "-------------------- ----------------------------- --------------- -----------------------\n"
        "MARTIN               paul.martin@sfr.fr            06 78 90 34 12  1968-03-27 00:00:00.000\n"
        "DURAND               jeanne.durand@orange.fr       07 45 12 89 63  1961-10-16 00:00:00.000\n"
        "PETIT                luc.petit@free.fr             06 12 45 78 36  1990-07-11 00:00:00.000\n"
        "\n(3 rows affected)",
        {("dob", "1968-03-27"), ("dob", "1961-10-16"), ("dob", "1990-07-11"), ("email", "paul.martin@sfr.fr"),
         ("email", "jeanne.durand@orange.fr"), ("email", "luc.petit@free.fr"), ("phone", "+33678903412"),
         ("phone", "+33745128963"), ("phone", "+33612457836")},
    ),
    # Sybase/SAP isql: every line indented by one space, lower-case French header, dates day first
    "isql_fr": (
        "1> select email, tel, date_naiss from abonnes\n2> go\n"
        " email                          tel              date_naiss\n"
        " ------------------------------ ---------------- ----------\n"
        " paul.martin@sfr.fr             06 78 90 34 12   27/03/1968\n"
        " jeanne.durand@orange.fr        07 45 12 89 63   16/10/1961\n"
        " luc.petit@free.fr              06 12 45 78 36   11/07/1990\n\n(3 rows affected)",
        {("dob", "1968-03-27"), ("dob", "1961-10-16"), ("dob", "1990-07-11"), ("email", "paul.martin@sfr.fr"),
         ("email", "jeanne.durand@orange.fr"), ("email", "luc.petit@free.fr"), ("phone", "+33678903412"),
         ("phone", "+33745128963"), ("phone", "+33612457836")},
    ),
    # sqlcmd pads each column to its width and puts one space between: a value as wide as its column
    # (the first row's and the last row's mail) touches the next one
    "sqlcmd_full_width": (
        "1> SELECT Mail, Portable, Naissance FROM dbo.Adherents\n2> GO\n"
        "Mail                    Portable     Naissance \n"
        "----------------------- ------------ ----------\n"
        "camille.robin@orange.fr 0621436587   12/06/1987\n"
        "louis.meyer@free.fr     0761345678   03/11/1954\n"
        "emma.schmitt@sfr.fr     0698765432   21/01/1990\n"
        "noe.lefebvre@gmail.com  0645127890   14/02/1988\n\n(4 rows affected)",
        {("dob", "1987-06-12"), ("dob", "1954-11-03"), ("dob", "1990-01-21"), ("dob", "1988-02-14"),
         ("email", "camille.robin@orange.fr"), ("email", "louis.meyer@free.fr"), ("email", "emma.schmitt@sfr.fr"),
         ("email", "noe.lefebvre@gmail.com"), ("email", "noelefebvre@gmail.com"), ("phone", "+33621436587"),
         ("phone", "+33761345678"), ("phone", "+33698765432"), ("phone", "+33645127890")},
    ),
    # DB2's command line: upper-case header, international phones, a count line after
    "db2_clp": (
        "db2 => SELECT LASTNAME, PHONE, BIRTHDATE FROM EMPLOYEE\n\n"
        "LASTNAME        PHONE                BIRTHDATE\n"
        "--------------- -------------------- ----------\n"
        "HAAS            +33 6 78 90 34 12    1968-03-27\n"
        "THOMPSON        +33 7 45 12 89 63    1961-10-16\n"
        "KWAN            +33 6 12 45 78 36    1990-07-11\n\n"
        "  3 record(s) selected.",
        {("dob", "1968-03-27"), ("dob", "1961-10-16"), ("dob", "1990-07-11"), ("phone", "+33678903412"),
         ("phone", "+33745128963"), ("phone", "+33612457836")},
    ),
}

GRID_NEGATIVES = {
    # orders: the date under its header is no birth
    "orders_date": "Reference    Produit                 DateCommande\n------------ ----------------------- ------------\n"
    "CMD-1001     Perceuse 18V            2024-03-27\nCMD-1002     Vis inox 4x40           2024-10-16\n"
    "CMD-1003     Cheville 6mm            2024-07-11\n\n(3 rows affected)",
    # sp_who: sessions, logins and hosts, no one's data
    "sp_who": "spid   status      loginame        hostname        dbname     cmd\n"
    "------ ----------- --------------- --------------- ---------- ----------------\n"
    "51     sleeping    sa              SRV-APP01       master     AWAITING COMMAND\n"
    "52     runnable    app_user        SRV-APP02       crm        SELECT\n"
    "53     sleeping    report_ro       SRV-BI01        dwh        AWAITING COMMAND\n\n(3 rows affected)",
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(GRIDS))
def test_query_grid_is_read_under_its_header(name: str, eng: str) -> None:
    text, want = GRIDS[name]
    assert _ids(_run(text, eng)) == want


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(GRID_NEGATIVES))
def test_query_grid_negatives(name: str, eng: str) -> None:
    assert _run(GRID_NEGATIVES[name], eng) == []


def test_grids_engines_agree_and_crawl_road() -> None:
    texts = [t for t, _ in GRIDS.values()] + list(GRID_NEGATIVES.values())
    if vigie_native is not None:
        for t in texts:
            assert_same_fragments(_run(t, "python"), _run(t, "native"), t[:40])
    assert detect_many_agrees(texts, KEY) == []


# ---------------------------------------------------------------- a post's words over a dump's proof rows


def _nir(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


def _luhn(partial: str, length: int = 16) -> str:
    digits = partial.ljust(length - 1, "0")
    total = sum((d * 2 - 9 if d > 4 else d * 2) if i % 2 == 0 else d for i, d in enumerate(map(int, reversed(digits))))
    return digits + str((10 - total % 10) % 10)


_N = [_nir("2870675123456"), _nir("1541175123457"), _nir("2900175123458")]
_C = [_luhn("4970101234"), _luhn("5132890012"), _luhn("4970105555")]
PROOFS: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # a French hospital's proof, `|` rows under a header whose birth column the rows hold
    "fr_pipe_nir": (
        "HOPITAL SAINTE MARIE — 1,2 To — publié le 02/04/2024\nPreuve (extrait de patients.csv) :\n"
        "NUM_DOSSIER|NOM|PRENOM|DATE_NAISS|SECU|PORTABLE\n"
        f"0045127|MOREL|Lucie|12/06/1987|{_N[0]}|06 21 43 65 87\n"
        f"0045128|GAUTIER|Paul|03/11/1954|{_N[1]}|07 61 34 56 78\n"
        f"0045129|FONTAINE|Nadia|21/01/1990|{_N[2]}|06 98 76 54 32",
        {("dob", "1987-06-12"), ("dob", "1954-11-03"), ("dob", "1990-01-21"), *(("nir", n) for n in _N),
         ("phone", "+33621436587"), ("phone", "+33761345678"), ("phone", "+33698765432")},
    ),
    # an English shop's, `,` rows with cards
    "en_comma_cards": (
        "ACME Retail — 80 GB — leaked 2024-05-02\nSample from customers.csv:\nid,first_name,last_name,dob,card,email\n"
        f"10021,John,Miller,1984-07-12,{_C[0]},john.miller84@yahoo.com\n"
        f"10022,Sarah,Jones,1979-02-28,{_C[1]},sarah.jones@yahoo.co.uk\n"
        f"10023,David,Brown,1991-11-05,{_C[2]},d.brown91@hotmail.com",
        {("dob", "1984-07-12"), ("dob", "1979-02-28"), ("dob", "1991-11-05"), *(("card", c) for c in _C),
         ("email", "john.miller84@yahoo.com"), ("email", "sarah.jones@yahoo.co.uk"), ("email", "d.brown91@hotmail.com")},
    ),
    # a clinic's, `;` rows under a short header (DDN: date de naissance)
    "fr_semicolon_ddn": (
        "CLINIQUE DES LILAS — 55 Go — 14/03/2024\nExtrait patients :\nIPP;NOM;PRENOM;DDN;NIR;MAIL\n"
        f"00412;ROBIN;Camille;12/06/1987;{_N[0]};camille.robin@orange.fr\n"
        f"00413;MEYER;Louis;03/11/1954;{_N[1]};louis.meyer@free.fr\n"
        f"00414;SCHMITT;Emma;21/01/1990;{_N[2]};emma.schmitt@sfr.fr",
        {("dob", "1987-06-12"), ("dob", "1954-11-03"), ("dob", "1990-01-21"), *(("nir", n) for n in _N),
         ("email", "camille.robin@orange.fr"), ("email", "louis.meyer@free.fr"), ("email", "emma.schmitt@sfr.fr")},
    ),
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(PROOFS))
def test_a_posts_words_leave_its_proof_rows_to_their_header(name: str, eng: str) -> None:
    text, want = PROOFS[name]
    assert _ids(_run(text, eng)) == want


@pytest.mark.parametrize("eng", ENGINES)
def test_a_prose_dox_above_a_table_is_still_read(eng: str) -> None:
    text = ("Il s'appelle Julien Moreau, né le 14/02/1988, son tel c'est le 06 45 12 78 90\n"
            "et son mail julien.moreau88@orange.fr\nref;produit;prix\nA1;clavier;20\nA2;souris;10\nA3;ecran;150")
    frags = _run(text, eng)
    assert _ids(frags) == {("dob", "1988-02-14"), ("phone", "+33645127890"), ("email", "julien.moreau88@orange.fr")}
    assert [f.kind for f in frags] == ["dox"]


def test_proofs_engines_agree_and_crawl_road() -> None:
    texts = [t for t, _ in PROOFS.values()]
    if vigie_native is not None:
        for t in texts:
            assert_same_fragments(_run(t, "python"), _run(t, "native"), t[:40])
    assert detect_many_agrees(texts, KEY) == []


# ---------------------------------------------------------------- HL7 telecoms and medical files in archives


def _hl7(pid13: str, nir_: str = _N[0]) -> str:
    return "\r".join([
        "MSH|^~\\&|DPI|CHNORD|EAI|CHNORD|20240402081500||ADT^A08|MSG0042|P|2.5",
        f"PID|1||77812^^^CHNORD^PI~{nir_}^^^ASIP-SANTE-INS-NIR^INS||MOREL^Lucie||19870612|F|||4 rue Nationale^^Lille^^59000"
        f"||{pid13}",
        "PV1|1|O|CARDIO^^^CHNORD||||||||||||||||",
    ])


HL7_TELECOMS = {
    # v2.5's unformatted number (12th component), the e-mail in a repetition
    "unformatted_12th": ("^PRN^CP^^^^^^^^^0621436587~^NET^Internet^lucie.morel@orange.fr",
                         {("phone", "+33621436587"), ("email", "lucie.morel@orange.fr")}),
    # the local number (7th component) written whole, a home line
    "local_7th": ("^PRN^PH^^^^0320456789", {("phone", "+33320456789")}),
    # both a mobile in the 12th and a home line in the 1st, in two repetitions
    "two_repetitions": ("0320456789^PRN^PH~^ORN^CP^^^^^^^^^0698765432",
                        {("phone", "+33320456789"), ("phone", "+33698765432")}),
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(HL7_TELECOMS))
def test_hl7_telecom_components(name: str, eng: str) -> None:
    pid13, want = HL7_TELECOMS[name]
    got = _ids(_run(_hl7(pid13), eng))
    assert got == want | {("dob", "1987-06-12"), ("nir", _N[0])}


@pytest.mark.parametrize("eng", ENGINES)
def test_hl7_telecom_without_a_number_gives_none(eng: str) -> None:
    """A use code and an equipment type alone, or a country code and an area code without the local
    number, are no phone."""
    got = _ids(_run(_hl7("^PRN^CP~^PRN^PH^^33^3"), eng))
    assert got == {("dob", "1987-06-12"), ("nir", _N[0])}


def _zip(members: dict[str, str]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, t in members.items():
            z.writestr(n, t)
    return buf.getvalue()


@pytest.mark.parametrize("eng", ENGINES)
def test_medical_files_in_an_archive_are_read(eng: str) -> None:
    """.hl7 and .hpr messages (a file each, as interface engines and laboratories write them) and
    .ndjson (a FHIR bulk export's `Patient.ndjson`) are read out of an archive by default."""
    assert {"hl7", "hpr", "ndjson"} <= set(AttachmentLimits().extensions)
    patients = "\n".join(json.dumps({"resourceType": "Patient", "id": f"p{k}", "birthDate": b,
                                     "telecom": [{"system": "email", "value": m}]})
                         for k, (b, m) in enumerate([("1987-06-12", "lucie.morel@orange.fr"),
                                                     ("1954-11-03", "paul.gautier@free.fr"),
                                                     ("1990-01-21", "nadia.fontaine@sfr.fr")]))
    hpr = ("H|~^\\&|||LBM59|||||||ORU|P|H2.2|20240402\rP|1|24040201|" + _N[1]
           + "||GAUTIER^Paul||19541103|M|||2 place du Marché^^Douai^^59500||0761345678\rOBX|1|NM|GLY^Glycémie||1.02|g/L\rL|1")
    files = _expand("export_dpi.zip", _zip({
        "adt/ADT_0042.hl7": _hl7("^PRN^CP^^^^^^^^^0621436587"),
        "bulk/Patient.ndjson": patients,
        "labo/LBM59_240402.hpr": hpr,
    }))
    found = set().union(*(_ids(_run(data, eng, fn)) for fn, data in files))
    assert {("phone", "+33621436587"), ("nir", _N[0]), ("email", "lucie.morel@orange.fr"),
            ("email", "nadia.fontaine@sfr.fr"), ("nir", _N[1]), ("dob", "1954-11-03")} <= found


@pytest.mark.parametrize("eng", ENGINES)
def test_ndjson_of_no_one_stays_clean(eng: str) -> None:
    """A FHIR bulk export of organisations and devices read out of its archive gives nothing."""
    orgs = "\n".join(json.dumps({"resourceType": "Organization", "id": f"o{k}", "name": n, "active": True})
                     for k, n in enumerate(["CH Nord", "Clinique des Lilas", "Laboratoire LBM59"]))
    files = _expand("bulk.zip", _zip({"Organization.ndjson": orgs}))
    assert files and all(_run(data, eng, fn) == [] for fn, data in files)


# ---------------------------------------------------------------- a national number's column named with its country


_PEOPLE3 = [("Julien Poirier", "1959-12-22", "j.poirier@free.fr"), ("Yasmine Jacob", "1972-05-05", "y.jacob@orange.fr"),
            ("Gérard Picard", "1985-10-16", "g.picard@sfr.fr")]
_NIRS3 = [_nir("2591268981412"), _nir("1720549324478"), _nir("2851094412063")]
COUNTRY_HEADERS = {
    # an English payroll's NIRs under the UK's name for the number, suffixed with the country
    "tsv_ni_number_fr": "employee_id\tname\tdob\tni_number_fr\temail\n" + "".join(
        f"E{k}\t{n}\t{b}\t{v}\t{m}\n" for k, ((n, b, m), v) in enumerate(zip(_PEOPLE3, _NIRS3, strict=True))),
    # a CSV's `nino_fr`
    "csv_nino_fr": "name,birth_date,nino_fr,mail\n" + "".join(
        f"{n},{b},{v},{m}\n" for (n, b, m), v in zip(_PEOPLE3, _NIRS3, strict=True)),
    # an SQL dump's `national_insurance_france`
    "sql_national_insurance_france": "INSERT INTO staff (name, dob, national_insurance_france, email) VALUES " + ",".join(
        f"('{n}','{b}','{v}','{m}')" for (n, b, m), v in zip(_PEOPLE3, _NIRS3, strict=True)) + ";",
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(COUNTRY_HEADERS))
def test_a_national_column_named_french_holds_nirs(name: str, eng: str) -> None:
    got = _ids(_run(COUNTRY_HEADERS[name], eng))
    assert {("nir", v) for v in _NIRS3} <= got
    assert {t for t, _ in got} <= {"nir", "dob", "email"}


@pytest.mark.parametrize("eng", ENGINES)
def test_a_french_named_column_of_wrong_keys_gives_no_nir(eng: str) -> None:
    bad = [v[:13] + f"{(int(v[13:]) + 1) % 100:02d}" for v in _NIRS3]
    text = "name,birth_date,ssn_fr,mail\n" + "".join(f"{n},{b},{v},{m}\n" for (n, b, m), v in zip(_PEOPLE3, bad, strict=True))
    assert not {t for t, _ in _ids(_run(text, eng))} & {"nir", "national_id"}


@pytest.mark.parametrize("eng", ENGINES)
def test_a_british_named_column_stays_british(eng: str) -> None:
    text = "name,dob,ni_number_uk,email\nOliver Hughes,1990-02-14,JG 10 37 26 C,oliver.hughes@btinternet.com\n" \
        "Amelia Clarke,1985-06-01,AB 12 34 56 D,amelia.clarke@sky.com\nJack Wilson,1979-09-30,CE 98 76 54 A,jack.w@bt.com\n"
    assert not {t for t, _ in _ids(_run(text, eng))} & {"nir"}


# ---------------------------------------------------------------- an agenda's events, the patient's name first


def _ics(events: list[tuple[str, str, str, str]], eol: str = "\r\n") -> str:
    body = "".join(
        f"BEGIN:VEVENT{eol}UID:e{k}@agenda{eol}DTSTART:2024040{k + 1}T090000{eol}SUMMARY:{summary}{eol}"
        f"DESCRIPTION:{desc1}\\n{desc2}\\n{desc3}{eol}END:VEVENT{eol}"
        for k, (summary, desc1, desc2, desc3) in enumerate(events))
    return f"BEGIN:VCALENDAR{eol}VERSION:2.0{eol}PRODID:-//Agenda//FR{eol}{body}END:VCALENDAR{eol}"


AGENDAS: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "fr_three_word_names": (_ics([
        ("LE GOFF Marie - suivi diabète", "Née le 12/06/1987", "Tél 06 21 43 65 87", "Mail marie.legoff@orange.fr"),
        ("DA SILVA Paulo - consultation", "Né le 03/11/1954", "Tél 07 61 34 56 78", "Mail paulo.dasilva@free.fr"),
    ]), {("dob", "1987-06-12"), ("dob", "1954-11-03"), ("phone", "+33621436587"), ("phone", "+33761345678"),
         ("email", "marie.legoff@orange.fr"), ("email", "paulo.dasilva@free.fr")}),
    "en_born": (_ics([
        ("HUGHES Oliver – HIV follow-up", "Born 14/02/1990", "Mobile +44 7911 123456", "Email oliver.hughes@btinternet.com"),
        ("CLARKE Amelia – PrEP start", "Born 01/06/1985", "Mobile +44 7456 789012", "Email amelia.clarke@sky.com"),
    ]), {("dob", "1990-02-14"), ("dob", "1985-06-01"), ("phone", "+447911123456"), ("phone", "+447456789012"),
         ("email", "oliver.hughes@btinternet.com"), ("email", "amelia.clarke@sky.com")}),
    "lf_lines": (_ics([
        ("FONTAINE Nadia - IVG consultation", "Née le 21/01/1990", "Tél 06 98 76 54 32", "Mail nadia.fontaine@sfr.fr"),
        ("ROBIN Camille - renouvellement", "Née le 30/08/1986", "Tél 06 33 90 12 74", "Mail camille.robin@laposte.net"),
    ], eol="\n"), {("dob", "1990-01-21"), ("dob", "1986-08-30"), ("phone", "+33698765432"), ("phone", "+33633901274"),
                   ("email", "nadia.fontaine@sfr.fr"), ("email", "camille.robin@laposte.net")}),
}


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("name", sorted(AGENDAS))
def test_agenda_events_name_first(name: str, eng: str) -> None:
    text, want = AGENDAS[name]
    files = _expand("agenda.ics", text.encode())
    assert set().union(*(_ids(_run(data, eng, fn)) for fn, data in files)) == want


@pytest.mark.parametrize("eng", ENGINES)
def test_agenda_of_meetings_stays_clean(eng: str) -> None:
    """Meetings: a room and a service's switchboard and mailbox, no one's birth."""
    text = _ics([
        ("Réunion Équipe - Salle B", "Ordre du jour : budget", "Accueil 01 42 68 53 00", "Contact accueil@mairie-exemple.fr"),
        ("Comité Direction - Salle A", "Ordre du jour : travaux", "Accueil 01 42 68 53 00", "Contact accueil@mairie-exemple.fr"),
    ])
    files = _expand("reunions.ics", text.encode())
    assert not {t for fn, data in files for t, _ in _ids(_run(data, eng, fn))} & {"dob", "email"}
