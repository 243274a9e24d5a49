"""Hostile-input round 18 (wave 31): where a leak hides inside the files that carry it.

Unit tests through `expand_attachment` (what a crawl calls on each attachment; its refusals are
counted by the spider as `bombs_refused` or `errors` and shown in the crawl summary, the metrics and
`vigie status`, as every earlier round's): no crawl is needed here. Round 18's SQLite and RTF
cases are in tests/test_attachments_sqlite_rtf.py.

- a PDF's embedded files (`/EmbeddedFiles`, a PDF's attachments): a seller posts a one-page
  "sample" PDF whose attachment is the whole CSV; only the cover's text was read. The PDF's reader
  (PDFium, in its process of its own) hands them back now, read as an archive's members are
  (`cover.pdf/clients.csv`, a zip in it unpacked), within the caps: at most what is left of
  `attachments.max_files`, their bytes within `attachments.max_uncompressed_bytes` with the text,
  refused past `attachments.max_nesting` (counted as a bomb), the pages kept.
- a workbook of 150 or 1,000 sheets (twelve years of monthly sheets, or padding): refused whole as a
  bomb (`declares 1009 parts > attachments.max_files`), its first sheet, the patients, with it. A
  workbook's parts are not files: 20 per file of max_files are allowed, its first `max_files`
  sheets with rows read, the rest set aside with their reason (counted as a bomb).
- a message whose MIME parts nest 1,000 deep or more: the email package recurses per level, its
  RecursionError was caught and the message read as written, its quoted-printable or base64 parts
  never decoded (the dump in them lost, silently). Its leaf parts are found between their
  boundary lines and decoded alone now (`indexer.detect.exports._flat_message_text`).
- a .docx whose XML declares an external entity (XXE) or whose rels point at an external image:
  a guard (it held before): the entity refuses the document with its reason, the image is never
  fetched (a real server on 127.0.0.1 counts no request), the document's text is read.
"""

from __future__ import annotations

import base64
import io
import time
import zipfile

import pypdf
import pytest
from openpyxl import Workbook

from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import person_ids
from tests.fixtures.archives import ods_of
from tests.test_detect_blind_probe_set9 import PEOPLE, compact, fr_date
from tests.test_documents import pdf
from vigie.config.schema import AttachmentLimits

KEY = MatchKey(b"wave31-hostile-round-18-key-0123456789abcdef")
LIMITS = AttachmentLimits()


def found(name: str, data: bytes, limits: AttachmentLimits = LIMITS,
          skipped: list[AttachmentError] | None = None) -> set[tuple[str, str]]:
    files = expand_attachment(name, data, limits, skipped=[] if skipped is None else skipped)
    return {(i.type, i.value) for f in files for frag in detect(f.data, key=KEY, filename=f.filename)
            for i in frag.identifiers}


def csv_of(people: list[object], sep: str = ";") -> bytes:
    rows = [sep.join(("email", "portable", "naissance"))]
    rows += [sep.join((p.email, compact(p.mobile), fr_date(p.dob))) for p in people]  # type: ignore[attr-defined]
    return ("\n".join(rows) + "\n").encode()


def pdf_embedding(files: dict[str, bytes], cover: str = "Echantillon - base clients 2026") -> bytes:
    """A one-page PDF embedding `files` (pypdf writes them: not the reader under test)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf([[cover]]))))
    for name, body in files.items():
        writer.add_attachment(name, body)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


# ---------------------------------------------------------------- a PDF's embedded files

_A, _B, _C = PEOPLE[0:4], PEOPLE[4:8], PEOPLE[8:12]


@pytest.mark.parametrize(("files", "people"), [
    ({"clients.csv": csv_of(_A)}, _A),
    ({"export/base.txt": csv_of(_B, "\t"), "lisezmoi.txt": b"mot de passe au prochain message"}, _B),
    ({"dump.zip": zipped({"2026/patients.csv": csv_of(_C, ",")})}, _C),  # an archive in the PDF
])
def test_a_pdfs_embedded_files_are_read(files: dict[str, bytes], people: list[object]) -> None:
    assert person_ids(people, "epd") <= found("echantillon.pdf", pdf_embedding(files))


def test_embedded_files_are_named_under_the_pdf_and_the_cover_is_read_too() -> None:
    data = pdf_embedding({"../../etc/clients.csv": csv_of(_A)})
    names = [f.filename for f in expand_attachment("sample.pdf", data, LIMITS, skipped=[])]
    assert names == ["sample.pdf/page-1.txt", "sample.pdf/etc/clients.csv"]


def test_a_pdf_embedding_nothing_personal_gives_nothing() -> None:
    data = pdf_embedding({"conditions.txt": b"Conditions generales de vente, version du 01/02/2026.\n",
                          "tarifs.csv": b"produit;prix\nabonnement;12,90\nlivraison;4,50\n"})
    assert found("catalogue.pdf", data) == set()


def test_embedded_files_past_max_files_are_counted_the_first_read() -> None:
    files = {f"part{k:03d}.csv": csv_of(PEOPLE[k % 30:k % 30 + 1]) for k in range(30)}
    skipped: list[AttachmentError] = []
    got = found("many.pdf", pdf_embedding(files), LIMITS.model_copy(update={"max_files": 6}), skipped)
    assert got and len({v for t, v in got if t == "email"}) == 5  # (the PDF itself is one of the 6 files)
    assert [type(e) for e in skipped] == [ArchiveBombError] and "embeds 30 files" in str(skipped[0])


def test_embedded_files_past_the_byte_budget_are_a_bomb_the_pages_kept() -> None:
    data = pdf_embedding({"big.csv": csv_of(_A) * 2000})  # ~190 kB
    skipped: list[AttachmentError] = []
    files = expand_attachment("big.pdf", data, LIMITS.model_copy(update={"max_uncompressed_bytes": 50_000}), skipped)
    assert [f.filename for f in files] == ["big.pdf/page-1.txt"]
    assert [type(e) for e in skipped] == [ArchiveBombError] and "embedded files" in str(skipped[0])


def test_a_pdf_too_deep_keeps_its_pages_its_embedded_files_refused() -> None:
    inner = pdf_embedding({"clients.csv": csv_of(_A)})
    skipped: list[AttachmentError] = []
    data = zipped({"a/sample.pdf": inner})
    files = expand_attachment("leak.zip", data, LIMITS.model_copy(update={"max_nesting": 0}), skipped)
    assert [f.filename for f in files] == ["leak.zip/a/sample.pdf/page-1.txt"]
    assert [type(e) for e in skipped] == [ArchiveBombError] and "max_nesting=0" in str(skipped[0])
    assert person_ids(_A, "e") <= found("leak.zip", data)  # (read at the default nesting)


# ---------------------------------------------------------------- workbooks of many sheets

def _xlsx(sheets: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Patients"
    ws.append(["email", "portable", "naissance"])
    for p in _A:
        ws.append([p.email, compact(p.mobile), fr_date(p.dob)])
    for k in range(sheets):
        wb.create_sheet(f"M{k:04d}").append(["mois", k])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_workbook_of_more_sheets_than_max_files_reads_its_first_and_counts_the_rest() -> None:
    skipped: list[AttachmentError] = []  # (150 sheets: 1,000 are refused alike, openpyxl writes them slowly)
    data = _xlsx(150)
    started = time.process_time()
    got = found("suivi.xlsx", data, skipped=skipped)
    assert time.process_time() - started < 10
    assert person_ids(_A, "epd") <= got
    assert [type(e) for e in skipped] == [ArchiveBombError] and "more than 100 sheets" in str(skipped[0])


def test_an_ods_of_many_sheets_alike() -> None:
    sheets = {"Patients": [["email", "portable"], *[[p.email, compact(p.mobile)] for p in _B]]}
    sheets |= {f"M{k}": [["mois", str(k)]] for k in range(150)}
    skipped: list[AttachmentError] = []
    assert person_ids(_B, "ep") <= found("suivi.ods", ods_of(sheets), skipped=skipped)
    assert [type(e) for e in skipped] == [ArchiveBombError]


def test_a_workbook_within_max_files_loses_nothing() -> None:
    skipped: list[AttachmentError] = []
    files = expand_attachment("suivi.xlsx", _xlsx(20), LIMITS, skipped)
    assert len(files) == 21 and skipped == []


def test_a_workbook_of_parts_past_20_per_file_is_still_a_bomb() -> None:
    with pytest.raises(ArchiveBombError, match="per file of attachments.max_files"):
        expand_attachment("suivi.xlsx", _xlsx(60), LIMITS.model_copy(update={"max_files": 2}), skipped=[])


# ---------------------------------------------------------------- MIME nested deep

@pytest.mark.parametrize(("depth", "encoding"), [(1000, "quoted-printable"), (1200, "base64"), (1000, "8bit")])
def test_a_message_nested_thousands_of_mime_parts_deep_is_read(depth: int, encoding: str) -> None:
    people = PEOPLE[13:17]
    body = csv_of(people)
    if encoding == "quoted-printable":
        body = body.replace(b"@", b"=40")
    elif encoding == "base64":
        body = base64.encodebytes(body)
    inner = f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {encoding}\n\n{body.decode()}"
    for k in range(depth):
        inner = f"Content-Type: multipart/mixed; boundary=\"b{k}\"\n\n--b{k}\n{inner}\n--b{k}--\n"
    data = ("From: vendeur@example.org\nSubject: echantillon\nMIME-Version: 1.0\n" + inner).encode()
    started = time.process_time()
    assert person_ids(people, "ep") <= found("message.eml", data)  # (births in a mail body: missed at any depth)
    assert time.process_time() - started < 10


# ---------------------------------------------------------------- a .docx pointing outside itself

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(document: str, target: str) -> bytes:
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            f'Target="{target}" TargetMode="External"/></Relationships>')
    return zipped({"[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>', "word/document.xml": document,
                   "word/_rels/document.xml.rels": rels})


def test_a_docx_with_external_entities_or_images_fetches_nothing() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"contact: fetched@example.org")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        p = PEOPLE[20]
        xxe = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{url}/xxe">]><w:document {_W}><w:body>'
               f"<w:p><w:r><w:t>&x; {p.email}</w:t></w:r></w:p></w:body></w:document>")
        with pytest.raises(AttachmentError, match="EntitiesForbidden"):  # refused with its reason, counted
            expand_attachment("lettre.docx", _docx(xxe, f"{url}/img.png"), LIMITS, skipped=[])
        plain = (f'<?xml version="1.0"?><w:document {_W}><w:body><w:p><w:r><w:t>Contact : {p.email}</w:t></w:r>'
                 '</w:p></w:body></w:document>')
        files = expand_attachment("lettre.docx", _docx(plain, f"{url}/img.png"), LIMITS, skipped=[])
        assert [f.filename for f in files] == ["lettre.docx/document.txt"] and p.email.encode() in files[0].data
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
