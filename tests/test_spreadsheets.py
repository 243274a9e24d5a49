"""Spreadsheets attached to posts (`crawler.spreadsheets`, `crawler.attachments`): each sheet
read as the table a CSV export would be, then detected as one. The workbooks are written by
openpyxl and the OpenDocument ones by odfpy (other implementations of the formats, as Excel and
LibreOffice are), with shared strings, dates stored as day counts under date formats, numbers,
empty and repeated cells and several sheets; hostile ones are refused or bounded. Synthetic
data only."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from crawler.spreadsheets import MAX_COLUMNS
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.fixtures.archives import ods_of, zip_of
from vigie.config.schema import AttachmentLimits

KEY = MatchKey(b"\x11" * 32, version=3)
LIMITS = AttachmentLimits()

PATIENTS = [
    ("Dupont", "Jean", date(1985, 3, 12), "jean.dupont@example.fr", "06 12 34 56 78", "Suivi VIH.\nTraitement ARV"),
    ("Martin", "Élodie", date(1990, 2, 1), "e.martin@orange.fr", "07 81 23 45 67", "RAS"),
    ("Durand", "Paul", date(1975, 5, 5), "pdurand@free.fr", "+33 6 98 76 54 32", None),
    ("Petit", "Luc", date(1969, 11, 30), "luc.petit@gmail.com", "06 55 44 33 22", "diabète"),
]


def _workbook(**kw: object) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    ws.append(["nom", "prenom", "date_naissance", "email", "telephone", "notes"])
    for row in PATIENTS:
        ws.append(list(row))
    for r in range(2, len(PATIENTS) + 2):
        ws.cell(row=r, column=3).number_format = str(kw.get("date_format", "DD/MM/YYYY"))
    other = wb.create_sheet("Facturation")
    other.append(["client", "iban", "montant", "le"])
    other.append(["Dupont Jean", "FR76 3000 6000 0112 3456 7890 189", 1234.5, datetime(2024, 1, 31, 14, 30)])
    other.append(["Martin Élodie", "FR14 2004 1010 0505 0001 3M02 606", 99, datetime(2024, 2, 1)])
    wb.create_sheet("Vide")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_each_sheet_is_a_table_with_its_dates_and_cells() -> None:
    files = expand_attachment("export.xlsx", _workbook(), LIMITS)
    assert [f.filename for f in files] == ["export.xlsx/Patients.tsv", "export.xlsx/Facturation.tsv"]
    rows = files[0].data.decode().split("\n")
    assert rows[0] == "nom\tprenom\tdate_naissance\temail\ttelephone\tnotes"
    assert rows[1] == 'Dupont\tJean\t1985-03-12\tjean.dupont@example.fr\t06 12 34 56 78\t"Suivi VIH.'
    assert rows[2] == 'Traitement ARV"'
    assert rows[4] == "Durand\tPaul\t1975-05-05\tpdurand@free.fr\t+33 6 98 76 54 32\t"  # as wide as the header
    bill = files[1].data.decode().split("\n")
    assert bill[1] == "Dupont Jean\tFR76 3000 6000 0112 3456 7890 189\t1234.5\t2024-01-31 14:30:00"
    assert bill[2].endswith("\t99\t2024-02-01")


@pytest.mark.parametrize("fmt", ["DD/MM/YYYY", "yyyy-mm-dd", "d-mmm-yy", '[$-40C]d mmmm yyyy;@', "mm-dd-yy"])
def test_dates_of_birth_under_any_date_format_are_read_as_dates(fmt: str) -> None:
    table = expand_attachment("e.xlsx", _workbook(date_format=fmt), LIMITS)[0]
    assert "1985-03-12" in table.data.decode()


def test_a_workbook_attached_to_a_post_is_detected_like_its_csv() -> None:
    files = expand_attachment("export.xlsx", _workbook(), LIMITS)
    frags = [f for x in files for f in detect(x.data, key=KEY, filename=x.filename)]
    found = {(i.type, i.value) for f in frags for i in f.identifiers}
    assert {("email", "jean.dupont@example.fr"), ("phone", "+33612345678"), ("dob", "1985-03-12"),
            ("dob", "1969-11-30"), ("iban", "FR7630006000011234567890189")} <= found
    names = {v for t, v in found if t == "name"}
    assert {"dupont jean", "elodie martin", "durand paul", "luc petit"} <= names
    patients = [f for f in frags if f.kind == "csv" and f.start_line == 1]
    assert patients and any(s.category == "health" for f in patients for s in f.sensitive)


def test_workbooks_inside_zips_are_read_and_counted() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dump/export.xlsx", _workbook())
        z.writestr("dump/readme.txt", "voir le classeur")
    files = expand_attachment("leak.zip", buf.getvalue(), LIMITS)
    assert [f.filename for f in files] == ["leak.zip/dump/export.xlsx/Patients.tsv",
                                          "leak.zip/dump/export.xlsx/Facturation.tsv", "leak.zip/dump/readme.txt"]
    with pytest.raises(ArchiveBombError):  # each sheet is a file of attachments.max_files
        expand_attachment("export.xlsx", _workbook(), AttachmentLimits(max_files=1))


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_hostile_workbooks_are_refused_or_bounded() -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              f'<sst {_NS}><si><t>&b;</t></si></sst>')
    with pytest.raises(AttachmentError, match="sharedStrings"):
        expand_attachment("b.xlsx", zip_of({"xl/sharedStrings.xml": laughs, "xl/worksheets/sheet1.xml":
                                           f"<worksheet {_NS}><sheetData/></worksheet>"}), LIMITS)
    external = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                f'<worksheet {_NS}><sheetData><row><c t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
                "</worksheet>")
    with pytest.raises(AttachmentError):
        expand_attachment("e.xlsx", zip_of({"xl/worksheets/sheet1.xml": external}), LIMITS)
    with pytest.raises(AttachmentError, match="not a readable"):
        expand_attachment("m.xlsx", zip_of({"xl/worksheets/sheet1.xml": "<worksheet><sheetData><row>"}), LIMITS)
    with pytest.raises(AttachmentError, match="not a valid zip"):
        expand_attachment("z.xlsx", b"PK\x03\x04 not a zip", LIMITS)
    # a cell far to the right does not make a row of 16 384 cells; shared-string indexes out of
    # range are empty cells
    far = (f'<worksheet {_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c>'
           '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c><c r="B1" t="s"><v>999</v></c></row></sheetData>'
           "</worksheet>")
    table = expand_attachment("f.xlsx", zip_of({"xl/worksheets/sheet1.xml": far}), LIMITS)[0].data.decode()
    assert table == "email\n" and MAX_COLUMNS < 16384
    # a bomb of a sheet: the decompressed parts count against attachments.max_uncompressed_bytes
    rows = "".join(f'<row><c t="inlineStr"><is><t>{"x" * 200}</t></is></c></row>' for _ in range(20_000))
    big = zip_of({"xl/worksheets/sheet1.xml": f"<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>"})
    with pytest.raises(ArchiveBombError):
        expand_attachment("big.xlsx", big, AttachmentLimits(max_uncompressed_bytes=1_000_000))


def test_xlsx_is_a_default_attachment_type_and_can_be_left_out() -> None:
    assert {"xlsx", "xlsm", "ods"} <= set(AttachmentLimits().extensions)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("export.xlsx", _workbook())
    assert expand_attachment("leak.zip", buf.getvalue(), AttachmentLimits(extensions=["zip", "csv"])) == []


def test_opendocument_spreadsheets_are_read_like_workbooks() -> None:
    head = ["nom", "prenom", "date_naissance", "email", "telephone", "notes"]
    rows = [head] + [[n, p, d.strftime("%d/%m/%Y"), e, t, notes] for n, p, d, e, t, notes in PATIENTS]
    data = ods_of({"Patients": rows, "Vide": []}, repeat_tail=1018)
    files = expand_attachment("export.ods", data, LIMITS)
    assert [f.filename for f in files] == ["export.ods/Patients.tsv"]
    lines = files[0].data.decode().split("\n")
    assert lines[0] == "\t".join(head)
    assert lines[1] == 'Dupont\tJean\t12/03/1985\tjean.dupont@example.fr\t06 12 34 56 78\t"Suivi VIH.'
    assert lines[4] == "Durand\tPaul\t05/05/1975\tpdurand@free.fr\t+33 6 98 76 54 32\t"
    frags = detect(files[0].data, key=KEY, filename=files[0].filename)
    found = {(i.type, i.value) for f in frags for i in f.identifiers}
    assert {("dob", "1985-03-12"), ("email", "luc.petit@gmail.com"), ("name", "elodie martin")} <= found


def test_opendocument_repeats_are_bounded() -> None:
    """A cell with text repeated to the sheet's edge, a row repeated a million times: written a
    bounded number of times, not expanded."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="x")
    row = TableRow(numberrowsrepeated=1_000_000)
    cell = TableCell(numbercolumnsrepeated=16_384, valuetype="string")
    cell.addElement(P(text="a@b.fr"))
    row.addElement(cell)
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    table_text = expand_attachment("x.ods", buf.getvalue(), LIMITS)[0].data.decode()
    lines = table_text.rstrip("\n").split("\n")
    assert 1 < len(lines) <= 100 and all(1 < len(ln.split("\t")) <= MAX_COLUMNS for ln in lines)
    with pytest.raises(AttachmentError, match="content.xml"):
        expand_attachment("y.ods", zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), LIMITS)
