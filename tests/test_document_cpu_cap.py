"""A Word or OpenDocument text stops at a CPU-time cap, refused and counted as the other bombs.

Memory has been flat since wave 24 (`crawler.documents` lets go of what it read), time was not
bounded: millions of tiny runs within `attachments.max_uncompressed_bytes` (200 MB of one-letter
runs: ~45 CPU seconds on this machine) held the crawl's thread. `documents.DOCUMENT_SECONDS`
(this thread's CPU seconds, for all the parts of one document) now stops the reading; the
attachment is refused as an `ArchiveBombError` (the crawl counts it with the other refusals).
The tests set the cap to 0 rather than build a document that takes seconds: the cap is looked at
every `_EVERY` parse events, so a document of more events than that is refused at once, and the
same document under the default cap is read (no dependence on the host's speed).
"""

from __future__ import annotations

import pytest

from crawler import documents
from crawler.attachments import ArchiveBombError, expand_attachment
from tests.test_documents import _W, LIMITS, docx, report_odt, zip_of

RUNS = 6 * documents._EVERY  # one-letter runs: more parse events than one look at the clock


def _many_runs_docx() -> bytes:
    return docx("<w:p>" + "<w:r><w:t>x</w:t></w:r>" * RUNS + "</w:p><w:p><w:r><w:t>fin</w:t></w:r></w:p>")


def _parts(data: bytes) -> tuple[list[str], object]:
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    return names, lambda part: z.read(part) if part in names else None


def test_a_docx_of_many_tiny_runs_stops_at_the_cap() -> None:
    names, read = _parts(_many_runs_docx())
    with pytest.raises(documents.DocumentCapError, match="CPU seconds"):
        list(documents.docx_texts("runs.docx", read, names, seconds=0.0))  # type: ignore[arg-type]
    # under the default cap the same document is read whole
    ((part, text),) = documents.docx_texts("runs.docx", read, names)  # type: ignore[arg-type]
    assert part == "document.txt" and text == b"x" * RUNS + b"\nfin\n"


def test_an_odt_of_many_tiny_spans_stops_at_the_cap() -> None:
    names, read = _parts(report_odt())
    assert list(documents.odt_texts("r.odt", read))  # type: ignore[arg-type]
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text><text:p>'
        + "<text:span>x</text:span>" * RUNS
        + "</text:p></office:text></office:body></office:document-content>"
    )
    names, read = _parts(zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content}))
    with pytest.raises(documents.DocumentCapError, match="CPU seconds"):
        list(documents.odt_texts("spans.odt", read, seconds=0.0))  # type: ignore[arg-type]


def test_the_attachment_is_refused_as_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _many_runs_docx()
    assert expand_attachment("runs.docx", data, LIMITS)  # read under the default cap
    monkeypatch.setattr(documents, "DOCUMENT_SECONDS", 0.0)
    with pytest.raises(ArchiveBombError, match="CPU seconds"):
        expand_attachment("runs.docx", data, LIMITS)
    skipped: list = []
    inner = zip_of({"runs.docx": data, "ok.csv": b"email\na@b.fr\n"})
    files = expand_attachment("leak.zip", inner, LIMITS, skipped)
    assert [f.filename for f in files] == ["leak.zip/ok.csv"]
    assert len(skipped) == 1 and isinstance(skipped[0], ArchiveBombError)


assert _W  # (the writers' namespace: the docx above is theirs)
