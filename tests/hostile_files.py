"""Hostile attachments as a forum's attacker would post them, made in memory (no committed binaries):
archive bombs (nested, flat, overlapping entries), compressed streams that expand 1000x, archives
whose member names climb out (`../`, absolute, links to /etc/passwd), encrypted members, office
documents whose XML carries an entity bomb or external entities, spreadsheets that declare every
cell of a sheet, a CSV of one huge line, UTF-16 without a BOM, a PNG named .csv, JSON nested
100,000 deep, HTML of millions of tiny elements or 100,000 levels, a PDF (read as raw text:
docs/configuration.md lists no PDF type among `attachments.extensions`).

Each file but the pure bombs carries a dump (`dump(tag)`, six CSV records of e-mail and phone) so
that a test can tell "scanned" from "lost". `SCALE` shrinks the bombs for a fast suite run; the
blind probe (tests/test_hostile_attachments.py run as a script) uses the full sizes.

Used by tests/test_hostile_attachments.py only.
"""

from __future__ import annotations

import bz2
import io
import lzma
import shutil
import struct
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HOSTILE", "XXE_PORT", "Hostile", "dump", "dump_emails", "good_sibling"]

MiB = 1 << 20


def dump(tag: str, n: int = 6) -> str:
    """Six records a detector must find: e-mail;phone;city."""
    return "email;telephone;ville\n" + "".join(f"{tag}.{k}@example.org;06 12 34 56 {k:02d};Lyon\n" for k in range(n))


def dump_emails(tag: str, n: int = 6) -> set[str]:
    return {f"{tag}.{k}@example.org" for k in range(n)}


def good_sibling() -> tuple[str, bytes]:
    return "sibling.csv", dump("sibling").encode()


# ---------------------------------------------------------------- raw zip writer
@dataclass
class RawEntry:
    name: str
    data: bytes  # as stored (already compressed for method 8)
    method: int
    crc: int
    size: int  # uncompressed
    flags: int = 0


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _zeros_deflated(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes (size a multiple of 1 MiB), made from one
    compressed MiB repeated (a full flush resets the history, so each MiB compresses alike), and
    its CRC-32."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(MiB)) + c.flush(zlib.Z_FULL_FLUSH)
    stream = block * (size // MiB) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # a final empty block
    crc = 0
    zero = bytes(MiB)
    for _ in range(size // MiB):
        crc = zlib.crc32(zero, crc)
    return stream, crc


def entry(name: str, data: bytes, deflate: bool = True, flags: int = 0) -> RawEntry:
    return RawEntry(name, _deflate(data) if deflate else data, 8 if deflate else 0, zlib.crc32(data), len(data), flags)


def raw_zip(entries: list[RawEntry], central: list[tuple[int, str]] | None = None) -> bytes:
    """A zip of `entries`; `central` (entry index, name) lists the central directory's records
    when they differ from one per entry (several records pointing at one local header: the
    overlapping-entries bomb)."""
    out = io.BytesIO()
    offsets = []
    for e in entries:
        offsets.append(out.tell())
        name = e.name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, 0, 0x21, e.crc, len(e.data),
                              e.size, len(name), 0) + name + e.data)
    cd_start = out.tell()
    records = central if central is not None else [(i, e.name) for i, e in enumerate(entries)]
    for i, name_s in records:
        e, name = entries[i], name_s.encode()
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.flags, e.method, 0, 0x21, e.crc,
                              len(e.data), e.size, len(name), 0, 0, 0, 0, 0, offsets[i]) + name)
    cd_end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(records), len(records), cd_end - cd_start,
                          cd_start, 0))
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- archives
def zip_42(scale: float) -> bytes:
    """42.zip's shape: 16 zips of 16 zips of ... of one big file of zeros, and a dump at the top."""
    stream, crc = _zeros_deflated(max(1, int(256 * scale)) * MiB)
    size = max(1, int(256 * scale)) * MiB
    level = raw_zip([RawEntry("0.csv", stream, 8, crc, size)])
    for depth in range(4):
        level = zip_of({f"{depth}-{k}.zip": level for k in range(16)})
    return zip_of({"lisezmoi.csv": dump("zip42").encode(), "lib.zip": level})


def zip_flat(scale: float) -> bytes:
    """One member inflating to 1 GiB of zeros (a 1 MB download)."""
    size = max(1, int(1024 * scale)) * MiB
    stream, crc = _zeros_deflated(size)
    return raw_zip([RawEntry("zeros.csv", stream, 8, crc, size), entry("flat.csv", dump("zipflat").encode())])


def zip_overlap(scale: float) -> bytes:
    """A non-recursive bomb: 500 central-directory records all pointing at one 64 MiB kernel
    (each "file" is the same compressed bytes), plus a real member."""
    size = max(1, int(64 * scale)) * MiB
    stream, crc = _zeros_deflated(size)
    entries = [RawEntry("k.csv", stream, 8, crc, size), entry("overlap.csv", dump("overlap").encode())]
    return raw_zip(entries, central=[(1, "overlap.csv")] + [(0, "k.csv")] * 500)


def zip_self_nested(_: float) -> bytes:
    """A zip holding a zip holding ... 30 deep, a dump at each of the first levels."""
    inner = zip_of({"fond.csv": dump("zipdeep30").encode()})
    for depth in range(29, -1, -1):
        inner = zip_of({f"niveau{depth}.csv": dump(f"zipdeep{depth}").encode(), f"n{depth}.zip": inner})
    return inner


def zip_names(_: float) -> bytes:
    """Members named to climb out of a folder, absolute, Windows-style, and one name twice."""
    return raw_zip([entry("../../../zipslip.csv", dump("zipslip").encode()),
                    entry("/tmp/vigie-absolute.csv", dump("zipabs").encode()),
                    entry("..\\..\\windows.csv", dump("zipwin").encode()),
                    entry("dup.csv", dump("zipdupone").encode()),
                    entry("dup.csv", dump("zipduptwo").encode())])


def zip_encrypted(_: float) -> bytes:
    """A member flagged encrypted (ZipCrypto: 12-byte header then ciphertext) beside a clear one."""
    secret = bytes(range(256)) * 4
    return raw_zip([RawEntry("secret.csv", secret, 0, 0x12345678, len(secret) - 12, flags=1),
                    entry("clear.csv", dump("zipclear").encode())])


def zip_corrupt(_: float) -> bytes:
    """A good member, then a member whose deflate stream is garbage, then a good one."""
    good = entry("avant.csv", dump("corruptbefore").encode())
    bad = RawEntry("casse.csv", b"\xff" * 4096, 8, 0, 100_000)
    after = entry("apres.csv", dump("corruptafter").encode())
    return raw_zip([good, bad, after])


def seven_zip(scale: float) -> bytes:
    """A 7z whose one member declares and inflates to 1 GiB of zeros (7-Zip's own output), and a dump."""
    exe = shutil.which("7zz") or shutil.which("7z")
    if exe is None:
        raise RuntimeError("7-Zip (Debian package 7zip) is needed to write a 7z: scripts/setup.sh installs it")
    size = max(256, int(1024 * scale)) * MiB  # past the default 200 MiB cap at any scale
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.csv").write_bytes(dump("sevenz").encode())
        (Path(tmp) / "zeros.csv").write_bytes(b"")
        with open(Path(tmp) / "zeros.csv", "wb") as f:
            for _ in range(size // MiB):
                f.write(bytes(MiB))
        subprocess.run([exe, "a", "-bd", "-bso0", "-bsp0", "-mx=1", "x.7z", "a.csv", "zeros.csv"], cwd=tmp,
                       check=True, capture_output=True, timeout=120)
        return (Path(tmp) / "x.7z").read_bytes()


def gz_bomb(scale: float) -> bytes:
    """A gzip stream 1000x its size: 512 MiB of zeros, then a dump line in a second member."""
    size = max(1, int(512 * scale)) * MiB
    stream, crc = _zeros_deflated(size)
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    member = head + stream + struct.pack("<II", crc, size & 0xFFFFFFFF)
    import gzip
    return member + gzip.compress(dump("gzbomb").encode())


def bz2_bomb(scale: float) -> bytes:
    """Concatenated bzip2 streams of zeros (pbzip2's output shape): 512 MiB from a few kB."""
    size = max(1, int(512 * scale)) * MiB
    one = bz2.compress(bytes(64 * MiB)) if size >= 64 * MiB else bz2.compress(bytes(size))
    return one * max(1, size // (64 * MiB)) + bz2.compress(dump("bz2bomb").encode())


def xz_bomb(scale: float) -> bytes:
    size = max(1, int(512 * scale)) * MiB
    one = lzma.compress(bytes(16 * MiB), preset=1) if size >= 16 * MiB else lzma.compress(bytes(size))
    return one * max(1, size // (16 * MiB)) + lzma.compress(dump("xzbomb").encode())


def tar_escape(_: float) -> bytes:
    """Members named ../, absolute, symlinks and a hard link to /etc/passwd, a FIFO, a device."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        def add(name: str, data: bytes | None = None, **kw: object) -> None:
            info = tarfile.TarInfo(name)
            for k, v in kw.items():
                setattr(info, k, v)
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
        add("../../../../tmp/vigie-tarslip.csv", dump("tarslip").encode())
        add("/tmp/vigie-tarabs.csv", dump("tarabs").encode())
        add("passwd.csv", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        add("up.csv", type=tarfile.SYMTYPE, linkname="../../../../../../etc/passwd")
        add("hard.csv", type=tarfile.LNKTYPE, linkname="/etc/passwd")
        add("fifo.csv", type=tarfile.FIFOTYPE)
        add("dev.csv", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        add("sain.csv", dump("tarsain").encode())
    return buf.getvalue()


# ---------------------------------------------------------------- office documents
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<workbook xmlns="http://schemas.openxmlformats.'
       'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="bombe" sheetId="1" r:id="rId1"/><sheet name="clients" sheetId="2" r:id="rId2"/>'
       '</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<worksheet xmlns="http://schemas.'
          'openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{rows}</sheetData></worksheet>')


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _rows(text: str, first: int = 1) -> str:
    out = []
    for i, line in enumerate(text.strip().splitlines()):
        cells = "".join(f'<c r="{_col(j + 1)}{first + i}" t="inlineStr"><is><t>{v}</t></is></c>'
                        for j, v in enumerate(line.split(";")))
        out.append(f'<row r="{first + i}">{cells}</row>')
    return "".join(out)


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)) + "]>")


def xxe(port: int) -> str:
    return (f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/external.dtd" [<!ENTITY file SYSTEM "file:///etc/passwd">'
            f'<!ENTITY web SYSTEM "http://127.0.0.1:{port}/entity"><!ENTITY % remote SYSTEM '
            f'"http://127.0.0.1:{port}/param"> %remote;]>')


def xlsx(dtd: str, bomb_cell: str, *, dim: str = "", extra_rows: str = "", tag: str = "xlsx") -> bytes:
    """A workbook written by hand: sheet 1 holds `bomb_cell` (an entity reference) and `extra_rows`
    under `dtd`, sheet 2 a dump (the workbook's own parts are clean: one bad sheet must not lose
    the other)."""
    bomb_row = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{bomb_cell}</t></is></c></row>' if bomb_cell else ""
    return zip_of({
        "[Content_Types].xml": _CT.format(dtd="").encode(),
        "_rels/.rels": _RELS.format(dtd="").encode(),
        "xl/workbook.xml": _WB.format(dtd="").encode(),
        "xl/_rels/workbook.xml.rels": _WB_RELS.format(dtd="").encode(),
        "xl/worksheets/sheet1.xml": _SHEET.format(dtd=dtd, dim=dim, rows=bomb_row + extra_rows).encode(),
        "xl/worksheets/sheet2.xml": _SHEET.format(dtd="", dim="", rows=_rows(dump(tag))).encode(),
    })


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods_rows(text: str) -> str:
    return "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in line.split(";")) + "</table:table-row>" for line in text.strip().splitlines())


def ods(dtd: str, bomb: str, tag: str = "ods") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<office:document-content {_ODS_NS}><office:body>'
               f'<office:spreadsheet><table:table table:name="bombe">{bomb}</table:table>'
               f'<table:table table:name="clients">{_ods_rows(dump(tag))}</table:table>'
               f"</office:spreadsheet></office:body></office:document-content>")
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                f'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                f'"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                f'"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<office:document-styles {_ODS_NS}/>')
        zf.writestr("meta.xml", f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<office:document-meta {_ODS_NS}/>')
    return buf.getvalue()


def docx(dtd: str, cell: str) -> bytes:
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<w:document xmlns:w="http://schemas.'
           f'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{cell}</w:t></w:r></w:p>'
           + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in dump("docx").splitlines())
           + "</w:body></w:document>")
    return zip_of({"[Content_Types].xml": _CT.format(dtd=dtd).encode(), "_rels/.rels": _RELS.format(dtd=dtd).encode(),
                   "word/document.xml": doc.encode()})


def xlsx_every_cell(_: float) -> bytes:
    """A sheet declaring A1:XFD1048576, with cells at the far corners and 2,000 rows each holding
    a cell in the last column (a reader that pads rows to the widest makes 33 million cells)."""
    far = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>z</t></is></c></row>' for r in range(2, 2002))
    corner = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>fin</t></is></c></row>'
    return xlsx("", "coin", dim='<dimension ref="A1:XFD1048576"/>', extra_rows=far + corner, tag="xlsxdim")


def ods_every_cell(_: float) -> bytes:
    """OpenDocument's repeat attributes: one non-empty cell repeated 16,384 times, in a row
    repeated 1,048,576 times (17 billion cells from a few bytes)."""
    bomb = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated='
            '"16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    return ods("", bomb, tag="odsdim")


# ---------------------------------------------------------------- text files
def csv_one_line(scale: float) -> bytes:
    """One 200 MB line of cells, then a dump."""
    return b"colonne," * (max(1, int(200 * scale)) * MiB // 8) + b"\n" + dump("oneline").encode()


def utf16_no_bom(_: float) -> bytes:
    return dump("utfseize").encode("utf-16-le")


def utf16be_no_bom(_: float) -> bytes:
    return dump("utfseizebe").encode("utf-16-be")


def png_as_csv(_: float) -> bytes:
    """A real PNG (2 MB of noise pixels) under a .csv name."""
    import random
    rng = random.Random(7)
    width, height = 1024, 512
    raw = b"".join(b"\0" + rng.randbytes(width * 4) for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def json_deep(_: float) -> bytes:
    """Arrays then objects nested 100,000 deep around records, then a record at the top."""
    inner = '{"email": "jsondeep.inner@example.org", "tel": "06 12 34 56 78"}'
    deep = "[" * 50_000 + '{"a":' * 50_000 + inner + "}" * 50_000 + "]" * 50_000
    records = ",".join(f'{{"email": "jsondeep.{k}@example.org", "telephone": "06 12 34 56 {k:02d}"}}' for k in range(6))
    return f'{{"profond": {deep}, "clients": [{records}]}}'.encode()


def jsonl_deep(_: float) -> bytes:
    """JSON lines: one line nested 100,000 deep, then records."""
    return ("[" * 100_000 + "]" * 100_000 + "\n" + "".join(
        f'{{"email": "jsonldeep.{k}@example.org", "telephone": "06 12 34 56 {k:02d}"}}\n' for k in range(6))).encode()


def _html(body: str) -> bytes:
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>'
    return f"{head}<body>{body}</body></html>".encode()


def html_tiny(scale: float) -> bytes:
    """5 million tiny elements (40 MB), the dump before them."""
    n = max(1000, int(5_000_000 * scale))
    return _html("<pre>" + dump("htmltiny") + "</pre>" + "<i>x</i>" * n)


def html_dense_8mb(scale: float) -> bytes:
    """Just under 8 MiB of `<p>` (closed by the next one: no nesting): 1.7 million elements, within
    the size read as a tree."""
    n = max(1000, (int(8 * MiB * scale) - 1024) // 5)
    return _html("<pre>" + dump("htmldense") + "</pre>" + "<p>x " * n)


def html_deep(_: float) -> bytes:
    """100,000 levels of `<div>`, a dump at the bottom and one after."""
    return _html("<div>" * 100_000 + "<pre>" + dump("htmldeepin") + "</pre>" + "</div>" * 100_000
                 + "<pre>" + dump("htmldeepafter") + "</pre>")


def pdf_bomb(scale: float) -> bytes:
    """A PDF whose one stream is a FlateDecode of 256 MiB of zeros, and a text object with a dump."""
    size = max(1, int(256 * scale)) * MiB
    stream = zlib.compress(bytes(size), 9) if size <= 16 * MiB else b"".join([
        zlib.compress(bytes(16 * MiB), 9)] * (size // (16 * MiB)))
    text = ") Tj T* (".join(dump("pdf").splitlines())
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>stream\n" % len(stream) + stream + b"\nendstream",
            f"<< /Length {len(text) + 20} >>stream\nBT\n({text}) Tj\nET\nendstream".encode()]
    out = b"%PDF-1.7\n"
    for i, o in enumerate(objs, 1):
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    return out + b"trailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, how to make it (scale 1.0: the full size), the dumps it holds
    that a reader must find (tags of `dump`), whether a crawl downloads it with the default
    `attachments.extensions` (`crawled`), and whether the suite makes it at its `SCALE` (`heavy`:
    its cost grows with its size; the others are bombs, cheap at full size, or small)."""

    filename: str
    make: Callable[[float], bytes]
    found: tuple[str, ...] = ()
    crawled: bool = True
    heavy: bool = False


# the port of the test's own HTTP server that the external entities point at (it must see no request)
XXE_PORT = [9]


def _xml_case(kind: str, dtd_of: Callable[[int], str], cell: str) -> Callable[[float], bytes]:
    def make(_: float) -> bytes:
        dtd = dtd_of(XXE_PORT[0])
        if kind == "xlsx":
            return xlsx(dtd, cell, tag=f"xlsx{'xxe' if 'SYSTEM' in dtd else 'laughs'}")
        if kind == "ods":
            row = f'<table:table-row><table:table-cell office:value-type="string"><text:p>{cell}</text:p>' \
                  f"</table:table-cell></table:table-row>"
            return ods(dtd, row, tag=f"ods{'xxe' if 'SYSTEM' in dtd else 'laughs'}")
        return docx(dtd, cell)
    return make


def _laughs(_: int) -> str:
    return LAUGHS


HOSTILE: dict[str, Hostile] = {
    "zip-42": Hostile("bibliotheque.zip", zip_42, ()),
    "zip-flat-1g": Hostile("zeros.zip", zip_flat, ()),
    "zip-overlap": Hostile("overlap.zip", zip_overlap, ()),
    "zip-nested-30": Hostile("poupees.zip", zip_self_nested, ("zipdeep0",)),
    "zip-names": Hostile("noms.zip", zip_names, ("zipslip", "zipabs", "zipwin", "zipdupone", "zipduptwo")),
    "zip-encrypted": Hostile("chiffre.zip", zip_encrypted, ("zipclear",)),
    "zip-corrupt-member": Hostile("abime.zip", zip_corrupt, ("corruptbefore", "corruptafter")),
    "7z-1g": Hostile("gros.7z", seven_zip, (), heavy=True),  # 256 MiB at the suite's scale
    "gz-1000x": Hostile("base.csv.gz", gz_bomb, ()),
    "bz2-1000x": Hostile("base.sql.bz2", bz2_bomb, ()),
    "xz-1000x": Hostile("base.txt.xz", xz_bomb, ()),
    "tar-escape": Hostile("archive.tar", tar_escape, ("tarslip", "tarabs", "tarsain")),
    "xlsx-laughs": Hostile("rires.xlsx", _xml_case("xlsx", _laughs, "&lol9;"), ("xlsxlaughs",)),
    # content.xml holds every sheet of an OpenDocument file: nothing of these two can be read
    "xlsx-xxe": Hostile("xxe.xlsx", _xml_case("xlsx", xxe, "&file;&web;"), ("xlsxxxe",)),
    "ods-laughs": Hostile("rires.ods", _xml_case("ods", _laughs, "&lol9;"), ()),
    "ods-xxe": Hostile("xxe.ods", _xml_case("ods", xxe, "&file;&web;"), ()),
    "docx-laughs": Hostile("rires.docx", _xml_case("docx", _laughs, "&lol9;"), ()),
    "docx-xxe": Hostile("xxe.docx", _xml_case("docx", xxe, "&file;&web;"), ()),
    "xlsx-every-cell": Hostile("grille.xlsx", xlsx_every_cell, ("xlsxdim",)),
    "ods-every-cell": Hostile("grille.ods", ods_every_cell, ("odsdim",)),
    "csv-one-line": Hostile("ligne.csv", csv_one_line, ("oneline",), heavy=True),
    "utf16le-no-bom": Hostile("seize.csv", utf16_no_bom, ("utfseize",)),
    "utf16be-no-bom": Hostile("seizebe.txt", utf16be_no_bom, ("utfseizebe",)),
    "png-as-csv": Hostile("image.csv", png_as_csv, ()),
    "json-deep": Hostile("profond.json", json_deep, ("jsondeep",)),
    "jsonl-deep": Hostile("profond.jsonl", jsonl_deep, ("jsonldeep",), crawled=False),
    "html-tiny-5m": Hostile("page.html", html_tiny, ("htmltiny",), crawled=False, heavy=True),
    "html-tiny-as-txt": Hostile("page.txt", html_tiny, ("htmltiny",), heavy=True),
    "html-dense-as-txt": Hostile("dense.txt", html_dense_8mb, ("htmldense",)),
    "html-deep-as-txt": Hostile("profond.txt", html_deep, ("htmldeepin", "htmldeepafter")),
    "html-dense-8mb": Hostile("dense.html", html_dense_8mb, ("htmldense",), crawled=False),
    "html-deep-100k": Hostile("profond.html", html_deep, ("htmldeepin", "htmldeepafter"), crawled=False),
    # read by PDFium (crawler.documents): its page's content is the bomb, no text; the dump is in an
    # object no page uses, so nothing is expected of it
    "pdf-bomb": Hostile("rapport.pdf", pdf_bomb, (), heavy=True),
}
