"""An .xlsx, .docx or .odt part is read in constant memory, however many tiny items it holds.

The shared strings and a sheet's rows are read by `iterparse`, each item cleared once read and
meant to be let go of. Shared strings were only cleared: each stayed a child of `<sst>` (~80 bytes
apiece: 84 kB of .xlsx naming 2,000,000 one-letter strings held 230 MB). Rows were taken out of
`<sheetData>` only when the row just read was its last child, which it seldom is: the parser runs
a chunk ahead of the events (300,000 tiny rows held 23 MB, 200 MB of them about 350 MB). A Word or
OpenDocument text's paragraphs alike (`crawler.documents`: 500 kB of .docx holding 5,000,000 empty
paragraphs peaked at 685 MB). The peak is measured by tracemalloc (allocations, not the host's
speed or load).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from crawler import documents, spreadsheets

_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _peak_mb(read: Callable[[], int]) -> tuple[int, float]:
    tracemalloc.start()
    try:
        n = read()
        return n, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_shared_strings_are_let_go_of_as_read() -> None:
    sst = b'<?xml version="1.0"?><sst ' + _NS + b">" + b"<si><t>a</t></si>" * 40_000 + b"</sst>"
    n, peak = _peak_mb(lambda: len(spreadsheets._shared_strings(sst, "x.xlsx/xl/sharedStrings.xml")))
    # the list itself: 200,000 pointers to one interned "a" (0.3 MB); before, 3 MB more of elements
    assert n == 40_000 and peak < 1.5, peak


def test_a_sheets_rows_are_let_go_of_as_read() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (k, k) for k in range(1, 40_001))
    sheet = b'<?xml version="1.0"?><worksheet ' + _NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"
    n, peak = _peak_mb(lambda: sum(1 for _ in spreadsheets._sheet_rows(sheet, "x.xlsx/s1", [], set(), False)))
    assert n == 40_000 and peak < 1.5, peak  # before: 3 MB


def test_a_documents_paragraphs_are_let_go_of_as_read() -> None:
    w = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    docx = (b'<?xml version="1.0"?><w:document ' + w + b"><w:body>" + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 40_000
            + b"</w:body></w:document>")
    n, peak = _peak_mb(lambda: sum(1 for _ in documents._docx_lines(docx, "x.docx/word/document.xml")))
    assert n == 40_000 and peak < 1.5, peak  # before: 3.4 MB
    ns = (b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    odt = (b'<?xml version="1.0"?><office:document-content ' + ns + b"><office:body><office:text>"
           + b"<text:p>x</text:p>" * 40_000 + b"</office:text></office:body></office:document-content>")
    n, peak = _peak_mb(lambda: sum(1 for _ in documents._odt_lines(odt, "x.odt/content.xml")))
    assert n == 40_000 and peak < 1.5, peak  # before: 3.1 MB
