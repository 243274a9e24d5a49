"""Attacker's review, round 13: a count or an index int() refuses, in a spreadsheet's XML.

The xlsx and ods readers (`crawler.spreadsheets`) read cell styles, shared-string indexes, number
formats, repeats and space counts with `isdigit()` then int(): `isdigit` takes '²' (a
superscript), which int() refuses, and int() refuses more than 4,300 digits. One such attribute
in one cell raised ValueError, and the whole workbook was refused as corrupt: every sheet of it,
the dump's included, unread. Each is now read as the attribute's default (`_number`).

Real parts: workbooks written by hand as zip and XML (tests/hostile_files.py), read by the
crawl's own reader (`expand_attachment`).
"""

from __future__ import annotations

import pytest

from crawler.attachments import expand_attachment
from tests.hostile_files import dump_emails, ods, xlsx
from vigie.config.schema import AttachmentLimits

BAD = ["\u00b2", "9" * 5000]


def _xlsx_cells(bad: str) -> bytes:
    rows = f'<row r="2"><c r="A2" s="{bad}"><v>31118</v></c><c r="B2" t="s"><v>{bad}</v></c></row>'
    return xlsx("", "", extra_rows=rows, tag="xlsxbad")


def _ods_cells(bad: str) -> bytes:
    cells = (
        f'<table:table-row table:number-rows-repeated="{bad}"><table:table-cell '
        f'table:number-columns-repeated="{bad}" office:value-type="string"><text:p>a<text:s text:c="{bad}"/>b'
        "</text:p></table:table-cell></table:table-row>"
    )
    return ods("", cells, tag="odsbad")


@pytest.mark.parametrize("bad", BAD, ids=["superscript two", "5000 digits"])
@pytest.mark.parametrize(("name", "make", "tag"), [("t.xlsx", _xlsx_cells, "xlsxbad"), ("t.ods", _ods_cells, "odsbad")])
def test_a_workbook_with_an_attribute_int_refuses_is_read(name: str, make: object, tag: str, bad: str) -> None:
    files = expand_attachment(name, make(bad), AttachmentLimits(), [])  # type: ignore[operator]  # before: corrupt
    text = "\n".join(f.data.decode() for f in files)
    assert all(email in text for email in dump_emails(tag)), text[:300]
