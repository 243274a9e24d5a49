"""Workbooks and documents whose few kilobytes of XML write one cell's text millions of times
(wave 22's hostile-input round): an .xlsx whose sheet points 200,000 cells at one 256 kB shared
string, an .ods and an .odt whose 256 kB cell is repeated 100 columns x 100 rows. Their parts are
small (the attachment budget counts those), but their text was built whole before it was counted:
`vigie scan` of such 5 MB files took 2.7-2.9 GB and died of MemoryError (the other files of the
scan with it). Now the sheet or the document is refused as its text passes what is left of
`attachments.max_uncompressed_bytes` (an `ArchiveBombError`, counted as a bomb), the other sheets
are read, and memory stays far below.

Each case runs in a process of its own under a 1.5 GB address-space limit: before the fix it
dies of MemoryError there instead of taking the host's memory.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile

import pytest

from tests.hostile_files import dump, dump_emails

KB = 1024
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _col(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _inline_rows(tag: str) -> str:
    rows = [line.split(";") for line in dump(tag).strip().split("\n")]
    return "".join(f'<row r="{r + 1}">' + "".join(f'<c r="{_col(c)}{r + 1}" t="inlineStr"><is><t>{v}</t></is></c>'
                                                  for c, v in enumerate(row)) + "</row>" for r, row in enumerate(rows))


def shared_strings_bomb() -> bytes:
    """Sheet 1: 400 rows of 512 cells, each the one shared string (256 kB): 51 GB of text.
    Sheet 2: a dump."""
    bomb = "".join(f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}" t="s"><v>0</v></c>' for c in range(512)) + "</row>"
                   for r in range(1, 401))
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": f'<workbook {_NS} xmlns:r="{rel}"><sheets><sheet name="Bombe" sheetId="1" r:id="rId1"/>'
                           '<sheet name="Clients" sheetId="2" r:id="rId2"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{k}" Type="{rel}/worksheet" Target="worksheets/sheet{k}.xml"/>'
                      for k in (1, 2)) + "</Relationships>",
        "xl/sharedStrings.xml": f'<sst {_NS} count="1" uniqueCount="1"><si><t>{"A" * 256 * KB}</t></si></sst>',
        "xl/worksheets/sheet1.xml": f"<worksheet {_NS}><sheetData>{bomb}</sheetData></worksheet>",
        "xl/worksheets/sheet2.xml": f"<worksheet {_NS}><sheetData>{_inline_rows('xlsxafter')}</sheetData></worksheet>",
    })


def _repeated_rows() -> str:
    cell = (f'<table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>{"B" * 256 * KB}'
            "</text:p></table:table-cell>")
    return f'<table:table-row table:number-rows-repeated="100">{cell}</table:table-row>' * 30


def _ods_table(name: str, tag: str) -> str:
    rows = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>{v}</text:p></table:table-cell>"
                                                 for v in line.split(";")) + "</table:table-row>"
                   for line in dump(tag).strip().split("\n"))
    return f'<table:table table:name="{name}">{rows}</table:table>'


def _odf(kind: str, body: str) -> bytes:
    return _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}",
                 "content.xml": f'<?xml version="1.0"?><office:document-content {_ODF}><office:body>{body}'
                                "</office:body></office:document-content>"})


def ods_repeat_bomb() -> bytes:
    """A dump, a sheet of a 256 kB cell repeated 100 x 100 times (x30: 750 MB of text), a dump."""
    return _odf("spreadsheet", "<office:spreadsheet>" + _ods_table("Avant", "odsbefore")
                + f'<table:table table:name="Bombe">{_repeated_rows()}</table:table>'
                + _ods_table("Apres", "odsafter") + "</office:spreadsheet>")


def odt_repeat_bomb() -> bytes:
    return _odf("text", f'<office:text><text:p>bonjour</text:p><table:table table:name="T">{_repeated_rows()}'
                        "</table:table></office:text>")


_WORKER = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
    from crawler.attachments import expand_attachment
    from vigie.config.schema import AttachmentLimits
    name, data = sys.argv[1], sys.stdin.buffer.read()
    skipped = []
    try:
        files = expand_attachment(name, data, AttachmentLimits(), skipped)
        error = None
    except Exception as exc:
        files, error = [], f"{type(exc).__name__}: {exc}"
    # this process's own peak (VmHWM: its memory since exec); not ru_maxrss, which Linux carries
    # over exec from the forking process (a pytest worker of 1.3 GB made every case "1341 MB")
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) >> 10
    print(json.dumps({"files": {f.filename: f.data.decode("utf-8", "replace") for f in files}, "error": error,
                      "skipped": [f"{type(e).__name__}: {e}" for e in skipped], "peak_mb": peak}))
""")


def _expand(name: str, data: bytes) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run([sys.executable, "-c", _WORKER, name], input=data, capture_output=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out: dict = json.loads(proc.stdout)  # type: ignore[type-arg]
    return out


@pytest.mark.parametrize(("name", "make", "kept", "refused"), [
    ("clients.xlsx", shared_strings_bomb, {"clients.xlsx/Clients.tsv": "xlsxafter"}, "clients.xlsx/Bombe"),
    ("clients.ods", ods_repeat_bomb, {"clients.ods/Avant.tsv": "odsbefore", "clients.ods/Apres.tsv": "odsafter"},
     "clients.ods/Bombe"),
], ids=["xlsx-shared-strings", "ods-repeated-cells"])
def test_a_sheet_that_writes_one_cell_millions_of_times_is_refused_and_the_others_read(
        name: str, make: object, kept: dict[str, str], refused: str) -> None:
    got = _expand(name, make())  # type: ignore[operator]
    assert got["error"] is None, got["error"]
    assert sorted(got["files"]) == sorted(kept)
    for filename, tag in kept.items():
        assert all(e in got["files"][filename] for e in dump_emails(tag)), filename
    assert [s for s in got["skipped"] if s.startswith(f"ArchiveBombError: {refused}: its text passes")], got["skipped"]
    assert "attachments.max_uncompressed_bytes" in got["skipped"][0]
    assert got["peak_mb"] < 600, f"{got['peak_mb']} MB to read {name}"


def test_a_document_whose_table_repeats_one_cell_millions_of_times_is_refused_as_a_bomb() -> None:
    got = _expand("lettre.odt", odt_repeat_bomb())
    assert got["files"] == {}
    assert (got["error"] or "").startswith("ArchiveBombError: lettre.odt/content.xml: its text passes"), got["error"]
    assert got["peak_mb"] < 600, f"{got['peak_mb']} MB to read lettre.odt"
