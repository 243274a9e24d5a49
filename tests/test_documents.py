"""Documents attached to posts (`crawler.documents`): Word .docx and OpenDocument .odt written
here by hand (zipfile and XML, as the formats define them), PDFs by a small writer below (text
pages in Helvetica, a real cross-reference table; pypdf, a test dependency, encrypts one), read
as text a part or a page at a time and detected as any attachment's text; hostile ones (a
decompression bomb, an encrypted PDF, a truncated one, 10,000 pages, 100,000 nested elements,
an entity bomb) each end fast as a counted, shown failure. Then the same files crawled from the
kit forum and scanned by `vigie scan`. Also: an attachment's lines longer than the detector
reads are counted by the crawl (`refused: lines_too_long`) as `vigie scan` says them.
Synthetic data only."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
import zlib
from pathlib import Path

import pypdf
import pytest

from crawler.attachments import ArchiveBombError, AttachmentError, ExtractedFile, LinesTooLong, expand_attachment
from crawler.documents import MAX_DEPTH, pdf_pages
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests import cli_fork
from tests import hostile_files as H
from tests.fixtures.archives import zip_of
from tests.fixtures.forum import crawl, make_config, test_keys_env
from tests.test_hostile_attachments import Forum
from vigie.config.schema import AttachmentLimits
from vigie_kit.forum import ForumServer

KEY = MatchKey(b"\x11" * 32, version=3)
LIMITS = AttachmentLimits()
PATIENTS = [("Dupont", "Jean", "jean.dupont@example.fr", "06 12 34 56 78", "Suivi VIH"),
            ("Martin", "Élodie", "e.martin@example.fr", "07 81 23 45 67", "RAS"),
            ("Durand", "Paul", "pdurand@example.fr", "06 98 76 54 32", "diabète"),
            ("Petit", "Luc", "luc.petit@example.fr", "06 55 44 33 22", "asthme")]
HEAD = ("nom", "prenom", "email", "telephone", "notes")

# ------------------------------------------------------------------------------ writers
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _row(cells: tuple[str, ...]) -> str:
    return "<w:tr>" + "".join(f"<w:tc>{_para(c)}</w:tc>" for c in cells) + "</w:tr>"


def docx(body: str, **parts: str) -> bytes:
    """A .docx holding `body` in word/document.xml and `parts` (`header1`: XML inside its root)."""
    members = {"[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
               'package/2006/content-types"/>',
               "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}'
               "</w:body></w:document>"}
    for name, xml in parts.items():
        root = "hdr" if name.startswith("header") else "ftr" if name.startswith("footer") else name
        members[f"word/{name}.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><w:{root} {_W}>{xml}</w:{root}>'
    return zip_of(members)


def letter_docx() -> bytes:
    """A consultation letter: paragraphs, a patient table, a header and a footnote."""
    table = "<w:tbl>" + _row(HEAD) + "".join(_row(p) for p in PATIENTS) + "</w:tbl>"
    body = (_para("Compte rendu de consultation") + _para("Patients vus le 12/03/2024 :") + table
            + "<w:p><w:r><w:t>Dr Bernard</w:t><w:tab/><w:t>cabinet</w:t><w:br/><w:t>Lyon</w:t></w:r></w:p>")
    return docx(body, header1=_para("Cabinet médical du Parc - contact secretariat.parc@example.fr"),
                footnotes="<w:footnote>" + _para("Copie à paul.medecin@example.fr") + "</w:footnote>")


_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')


def _odt_row(cells: tuple[str, ...]) -> str:
    return ("<table:table-row>" + "".join(f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
                                           "</table:table-cell>" for c in cells) + "</table:table-row>")


def report_odt() -> bytes:
    table = '<table:table table:name="Patients">' + _odt_row(HEAD) + "".join(map(_odt_row, PATIENTS)) + \
        "</table:table>"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}><office:body>'
               f'<office:text><text:h>Ordonnances</text:h><text:p>Patients suivis<text:s text:c="2"/>:</text:p>'
               f"{table}<text:list><text:list-item><text:p>rappel jean.dupont@example.fr</text:p></text:list-item>"
               "</text:list></office:text></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODT_NS}><office:master-styles>'
              '<style:master-page style:name="Standard"><style:header><text:p>Clinique du Lac - accueil@example.fr'
              "</text:p></style:header></style:master-page></office:master-styles></office:document-styles>")
    return zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content,
                   "styles.xml": styles})


def pdf(pages: list[list[str]], compress: bool = True) -> bytes:
    """A PDF of text pages (Helvetica, WinAnsi), with its cross-reference table."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
    kids = []
    for i, lines in enumerate(pages):
        page, content = 4 + 2 * i, 5 + 2 * i
        kids.append(b"%d 0 R" % page)
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                      b" /Contents %d 0 R >>" % content)
        shown = b"".join(b"(" + line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(")
                         .replace(b")", b"\\)") + b") Tj T* " for line in lines)
        body = b"BT /F1 9 Tf 12 TL 30 810 Td " + shown + b"ET"
        head = b"<< /Length %d >>"
        if compress:
            body, head = zlib.compress(body), b"<< /Length %d /Filter /FlateDecode >>"
        objs[content] = head % len(body) + b"\nstream\n" + body + b"\nendstream"
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref, size = len(out), max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % offsets[k]
                                                                  for k in range(1, size))
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))


def report_pdf() -> bytes:
    rows = [";".join(HEAD)] + [";".join(p) for p in PATIENTS]
    return pdf([["Compte rendu - liste des patients", *rows[:3]], [], ["suite", rows[0], *rows[3:]]])


def encrypted(data: bytes, user: str = "secret") -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user, owner_password="owner-pw", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def deep_docx(depth: int = 100_000) -> bytes:
    return docx("<w:p>" + "<w:r>" * depth + "<w:t>x</w:t>" + "</w:r>" * depth + "</w:p>" + _para("apres"))


def docx_bomb() -> bytes:
    """word/document.xml of 300 MB of spaces, deflated to about 300 kB."""
    return zip_of({"word/document.xml": b"<w:document>" + b" " * (300 << 20) + b"</w:document>"})


def _emails(files: list[ExtractedFile]) -> set[str]:
    return {i.value for f in files for fr in detect(f.data, key=KEY, filename=f.filename) for i in fr.identifiers
            if i.type == "email"}


PATIENT_EMAILS = {p[2] for p in PATIENTS}


# ------------------------------------------------------------------------------ readers
def test_a_word_letter_is_read_paragraph_by_paragraph_its_table_row_by_row() -> None:
    files = expand_attachment("lettre.docx", letter_docx(), LIMITS)
    assert [f.filename for f in files] == ["lettre.docx/document.txt", "lettre.docx/header1.txt",
                                          "lettre.docx/footnotes.txt"]
    lines = files[0].data.decode().split("\n")
    assert lines[:3] == ["Compte rendu de consultation", "Patients vus le 12/03/2024 :", "\t".join(HEAD)]
    assert lines[3] == "Dupont\tJean\tjean.dupont@example.fr\t06 12 34 56 78\tSuivi VIH"
    assert "Dr Bernard\tcabinet\nLyon" in files[0].data.decode()
    frags = detect(files[0].data, key=KEY, filename=files[0].filename)
    assert PATIENT_EMAILS <= {i.value for f in frags for i in f.identifiers if i.type == "email"}
    assert any(f.kind in ("csv", "table") and any(s.category == "health" for s in f.sensitive) for f in frags)
    assert files[1].data == "Cabinet médical du Parc - contact secretariat.parc@example.fr\n".encode()
    assert files[2].data == "Copie à paul.medecin@example.fr\n".encode()


def test_a_table_in_a_cell_and_a_text_box_are_read_once() -> None:
    inner = "<w:tbl>" + _row(("a", "b")) + _row(("c", "d")) + "</w:tbl>"
    table = f"<w:tbl><w:tr><w:tc>{_para('x')}{inner}</w:tc><w:tc>{_para('y')}{_para('z')}</w:tc></w:tr></w:tbl>"
    box = ("<w:p><w:r><w:t>avant</w:t></w:r><w:r><w:drawing><w:txbxContent>" + _para("dans la boite")
           + "</w:txbxContent></w:drawing></w:r><w:r><w:t>apres</w:t></w:r></w:p>")
    text = expand_attachment("n.docx", docx(table + box), LIMITS)[0].data.decode()
    assert text == "x a b c d\ty z\n\ndans la boite\navantapres\n"


def test_an_opendocument_text_is_read_with_its_tables_and_headers() -> None:
    files = expand_attachment("ordonnances.odt", report_odt(), LIMITS)
    assert [f.filename for f in files] == ["ordonnances.odt/content.txt", "ordonnances.odt/headers.txt"]
    lines = files[0].data.decode().split("\n")
    assert lines[:3] == ["Ordonnances", "Patients suivis  :", "\t".join(HEAD)]
    assert "Petit\tLuc\tluc.petit@example.fr\t06 55 44 33 22\tasthme" in lines
    assert PATIENT_EMAILS <= _emails(files[:1])
    assert files[1].data == b"Clinique du Lac - accueil@example.fr\n"


def test_a_pdf_is_read_page_by_page_in_a_process_of_its_own() -> None:
    files = expand_attachment("rapport.pdf", report_pdf(), LIMITS)
    assert [f.filename for f in files] == ["rapport.pdf/page-1.txt", "rapport.pdf/page-3.txt"]  # page 2: no text
    assert files[0].data.decode().split("\n")[1:3] == [";".join(HEAD), ";".join(PATIENTS[0])]
    assert _emails(files) == PATIENT_EMAILS
    # a PDF with an owner password only opens without one, as every viewer opens it
    assert _emails(expand_attachment("r.pdf", encrypted(report_pdf(), user=""), LIMITS)) == PATIENT_EMAILS


def test_documents_are_read_inside_archives_and_are_default_types() -> None:
    assert {"docx", "odt", "pdf"} <= set(LIMITS.extensions)
    leak = zip_of({"dossier/lettre.docx": letter_docx(), "dossier/rapport.pdf": report_pdf()})
    names = [f.filename for f in expand_attachment("fuite.zip", leak, LIMITS)]
    assert names == ["fuite.zip/dossier/lettre.docx/document.txt", "fuite.zip/dossier/lettre.docx/header1.txt",
                     "fuite.zip/dossier/lettre.docx/footnotes.txt", "fuite.zip/dossier/rapport.pdf/page-1.txt",
                     "fuite.zip/dossier/rapport.pdf/page-3.txt"]
    assert expand_attachment("fuite.zip", leak, AttachmentLimits(extensions=["zip", "csv"])) == []


# ------------------------------------------------------------------------------ hostile
HOSTILE = {  # name -> (file, the error it is refused with, what the error says)
    "pdf-encrypted": ("chiffre.pdf", lambda: encrypted(report_pdf()), AttachmentError, "encrypted with a password"),
    "pdf-truncated": ("coupe.pdf", lambda: report_pdf()[:400], AttachmentError, "not a PDF PDFium can open"),
    "pdf-10000-pages": ("cent.pdf", lambda: pdf([["x"]] * 10_000, compress=False), ArchiveBombError,
                        "declares 10000 pages > 2000"),
    "docx-deep": ("profond.docx", deep_docx, AttachmentError, f"nested deeper than {MAX_DEPTH} elements"),
    "docx-bomb": ("bombe.docx", docx_bomb, ArchiveBombError, "attachments.max_uncompressed_bytes"),
    "docx-laughs": ("rires.docx", lambda: H.HOSTILE["docx-laughs"].make(1.0), AttachmentError, "EntitiesForbidden"),
    "odt-truncated": ("coupe.odt", lambda: report_odt()[:300], AttachmentError, "zip"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_are_refused_fast_and_say_why(name: str) -> None:
    filename, make, error, said = HOSTILE[name]
    data = make()
    started = time.monotonic()
    with pytest.raises(error, match=said):
        expand_attachment(filename, data, LIMITS, [])
    assert time.monotonic() - started < 10


def test_a_pdf_decompression_bomb_is_read_in_bounded_memory() -> None:
    """256 MiB of zeros as a page's content stream (tests/hostile_files.py): PDFium reads no text
    of it, within the reader's address-space limit, and the crawl's process holds none of it."""
    started = time.monotonic()
    assert expand_attachment("rapport.pdf", H.pdf_bomb(1.0), LIMITS, []) == []
    assert time.monotonic() - started < 10


def test_a_pdf_reader_stopped_part_way_keeps_the_pages_it_read_and_says_so() -> None:
    """A time-out (here 3 s for 8,000 pages of text, 15 s of CPU on wave 22's host) and an address
    space too small for the reader (8 MiB: it needs about 28) stop the reader's process, not the
    caller: what was read is kept, the rest is said."""
    # 3 s, not 1: the reader's start-up and first page are in it, and under load 1 s read no page
    # (wave 22: 0 pages in a run beside other tests; 54 at load 16); 8,000 pages of 160 lines, not
    # 4,000 of 40 (2.2 s of CPU, which a host 3 times faster reads whole within 1 s)
    long = pdf([[f"ligne {k} de la page {p} dr.{p}@example.fr" for k in range(160)] for p in range(8000)])
    started = time.monotonic()
    read = pdf_pages("long.pdf", long, max_pages=10_000, max_text=1 << 30, seconds=3)
    assert time.monotonic() - started < 7
    # stopped at its 3 s by either of its limits: the wall clock or, with a core to itself the whole
    # time, RLIMIT_CPU a moment earlier
    assert read.error is not None and re.match(r"long\.pdf: the PDF reader (took more than 3 s|used more than 3 s "
                                               r"of CPU) and was stopped after \d+ page\(s\)", str(read.error))
    assert 0 < len(read.pages) < 8000 and read.pages[0][1].startswith(b"ligne 0 de la page 0")
    data = pdf([[f"ligne {k} de la page {p} dr.{p}@example.fr" for k in range(40)] for p in range(4000)])
    starved = pdf_pages("long.pdf", data, max_pages=5000, max_text=1 << 30, memory_bytes=8 << 20)
    assert starved.pages == [] and starved.error is not None and "the PDF reader" in str(starved.error)
    # through expand_attachment: the text past attachments.max_uncompressed_bytes is a cap, as an archive's
    small = AttachmentLimits(max_uncompressed_bytes=100_000, max_files=500)  # 10,000 pages, 100 kB of text
    with pytest.raises(ArchiveBombError, match="more than 100000 bytes of text once read"):
        expand_attachment("long.pdf", data, small)
    skipped: list[AttachmentError] = []
    kept = expand_attachment("long.pdf", data, small, skipped)
    assert kept and [type(e) for e in skipped] == [ArchiveBombError]


def test_an_attachment_with_a_line_over_the_detector_limit_is_set_aside_as_cut() -> None:
    line = b"colonne," * 150_000 + b"\n" + H.dump("long").encode()  # a 1.2 MB line, then a dump
    skipped: list[AttachmentError] = []
    files = expand_attachment("ligne.csv", line, LIMITS, skipped)
    assert [f.filename for f in files] == ["ligne.csv"]
    assert [str(e) for e in skipped] == ["ligne.csv: 1 line(s) longer than 1,000,000 characters: only the head "
                                         "of each was read (200,000 bytes not read)"]
    assert isinstance(skipped[0], LinesTooLong)
    short: list[AttachmentError] = []
    expand_attachment("ok.csv", H.dump("court").encode() * 20_000, LIMITS, short)  # 1.7 MB of short lines
    assert short == []


# ------------------------------------------------------------------------------ crawl and scan
def _files() -> dict[str, bytes]:
    return {"lettre.docx": letter_docx(), "ordonnances.odt": report_odt(), "rapport.pdf": report_pdf(),
            "chiffre.pdf": encrypted(report_pdf()), "cent.pdf": pdf([["x"]] * 10_000, compress=False),
            "profond.docx": deep_docx(), "ligne.csv": b"colonne," * 150_000 + b"\n" + H.dump("long").encode()}


@pytest.mark.slow
def test_a_crawl_reads_attached_documents_and_counts_those_it_cannot(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = Forum(server)
        for name, data in _files().items():
            forum.attach(name, data)
        config = make_config(tmp_path / "config", server.url, limits={"concurrency": 2},
                             attachments={"extensions": list(LIMITS.extensions)})
        run = crawl(config, tmp_path / "data", "test-phpbb", timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    bodies: dict[str, str] = {f["filename"]: f.get("body") or "" for f in run.files()}
    for name in ("lettre.docx/document.txt", "ordonnances.odt/content.txt", "rapport.pdf/page-1.txt",
                 "rapport.pdf/page-3.txt"):
        assert name in bodies, (sorted(bodies), run.stderr[-3000:])
    assert "jean.dupont@example.fr" in bodies["lettre.docx/document.txt"]
    assert "luc.petit@example.fr" in bodies["rapport.pdf/page-3.txt"]
    assert not any(n.startswith(("chiffre.pdf", "cent.pdf", "profond.docx")) for n in bodies)
    summary = run.summary
    # the 10,000 pages refused as a bomb (beside the kit forum's own), the encrypted PDF and the
    # deep document as errors; the long line read to its head and counted as `vigie scan` says it
    assert summary["bombs_refused"] == 2 and summary["errors"] == 2, summary
    assert summary["refused"]["lines_too_long"] == 1, summary
    assert "only the head of each was read" in run.stderr and "encrypted with a password" in run.stderr


@pytest.mark.slow
def test_vigie_scan_reads_documents_and_says_what_it_could_not(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for name, data in _files().items():
        (work / name).write_bytes(data)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    files = sorted(os.listdir(work))
    proc = cli_fork.run([sys.executable, "-m", "vigie", "scan", *files, "--json", "--reveal", "--config",
                           str(tmp_path / "config"), "--data-dir", str(tmp_path / "data")], cwd=work,
                        capture_output=True, text=True, timeout=240, env={**os.environ, **test_keys_env})
    assert proc.returncode == 1, proc.stderr
    found: dict[str, set[str]] = {}
    for line in proc.stdout.splitlines():
        frag = json.loads(line)
        found.setdefault(frag["path"], set()).update(i["value"] for i in frag["identifiers"] if i["type"] == "email")
    assert PATIENT_EMAILS <= found["lettre.docx/document.txt"]
    assert PATIENT_EMAILS <= found["rapport.pdf/page-1.txt"] | found["rapport.pdf/page-3.txt"]
    assert PATIENT_EMAILS <= found["ordonnances.odt/content.txt"]
    assert H.dump_emails("long") <= found["ligne.csv"]
    err = " ".join(proc.stderr.split())  # rich wraps long lines
    for said in ("chiffre.pdf: encrypted with a password", "declares 10000 pages > 2000",
                 f"nested deeper than {MAX_DEPTH} elements",
                 "ligne.csv: 1 line(s) longer than 1,000,000 characters: only the head of each was read"):
        assert said in err, proc.stderr
    assert "4 file(s) or part(s) not read whole" in err, proc.stderr


def test_an_archive_of_slow_pdfs_holds_the_crawl_for_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each PDF reader is stopped at its time-out, but the crawl's event loop waits on them one after
    the other: an archive of 100 PDFs that each hang held it for 100 time-outs. The PDFs of one
    attachment share one budget (60 s; 2 s here); those left when it is spent are set aside, counted."""
    import crawler.attachments as A

    monkeypatch.setattr(A, "_PDF_SECONDS_PER_ATTACHMENT", 2.0)
    # slow enough that its reader is stopped at 2 s on a fast host too (40 lines a page were read
    # whole within 2 s on wave 21's machine: the test then failed)
    slow = pdf([[f"ligne {k} de la page {p} dr.{p}@example.fr" for k in range(160)] for p in range(4000)])
    archive = zip_of({f"compte-rendu-{k}.pdf": slow for k in range(5)})
    skipped: list[AttachmentError] = []
    started = time.monotonic()
    limits = AttachmentLimits(max_files=500, max_uncompressed_bytes=1 << 30)
    kept = expand_attachment("comptes-rendus.zip", archive, limits, skipped)
    assert time.monotonic() - started < 6
    assert kept and all(f.filename.startswith("comptes-rendus.zip/compte-rendu-0.pdf/") for f in kept)
    said = [str(e) for e in skipped]
    # stopped at its 2 s by either of its limits: the wall clock ("took more than") or, when it had
    # a core to itself the whole time, RLIMIT_CPU a moment earlier ("used more than 2 s of CPU")
    assert re.match(r"comptes-rendus\.zip/compte-rendu-0\.pdf: the PDF reader (took more than 2 s|used more "
                    r"than 2 s of CPU) and was stopped after \d+ page\(s\) with text", said[0]), said
    assert sum("PDFs took the 2 s their readers may take in all" in s for s in said) == 4, said
