"""Coverage-guided fuzzing, time-boxed: libFuzzer (through atheris) on the parts that read what an
attacker writes, and the config an operator writes. Nine targets, one process each (`--target`):

- `engines`: differential. Why libFuzzer beside hypothesis: tests/test_engine_differential.py
  draws records from our own idea of a dump, so it cannot reach a shape we did not think of.
  libFuzzer starts from real dumps and posts of every kind, mutates them byte by byte (cuts,
  splices, repeated bytes, swapped encodings) and keeps each mutant that reaches a branch of the
  reference engine no input reached before. Every input runs on the pure-Python reference and on
  the compiled core; a difference in any fragment, an exception, or a core panic (which
  detection would otherwise absorb by rerunning on the reference) fails. The first byte of an
  input picks the file name detection is told (none, .csv, .sql, .json, .txt, .xml, .html); the
  rest is the bytes, decoded by detection as a crawled attachment would be.
- `attachments`: an attachment is unpacked (`crawler.attachments.expand_attachment`: zip, 7z, rar,
  tar, gz, bz2, xz, xlsx, ods, docx, odt, pdf, nested) within its caps, or refused with `AttachmentError`, its one
  documented error: any other exception would lose the item without the count an operator sees.
  The first byte picks the file name (and so the unpacker); the caps are small, so that bombs
  are met often. Half the inputs collect the members set aside (the crawl's way: long lines said,
  one bad member losing nothing else); every file's name is a label (no control character, no `..`).
- `dates`: a post's or a victim's date as the site prints it reads as a UTC date or as none
  (`crawler.spiders._dates.parse_date` with strptime formats, ISO and dateparser; a leak site's
  countdown): an exception there lost every post of the page (a year-1 date, found here).
- `pages`: a forum page, read by the shipped and tested sources' selectors (`crawler.spiders.extract`, what
  the forum spider and `vigie source try` run), gives its posts or none, never an exception; the
  encoding the crawl would read it in under a declared charset (`crawler._charset.page_encoding`,
  honest or a lie as the first byte picks) is one Python decodes it in.
- `spiders`: a page given to each spider's callback (forum board index, board and thread; leak
  site listing and file tree; channel; paste listing and paste) as Scrapy would give it, with the
  meta the spider itself put on that request: the callback yields or not, never raises.
- `unveil`: a post's text read as its reader reads it (`indexer.detect.unveil`: base64, gzip inside
  it, hex, URL-encoded values, CSVs in JSON strings, full-width, invisible and look-alike
  characters) keeps its line map (each line maps to an input line, in order), and the post is
  detected alike by both engines, and alike by `detect` and by the crawl's `detect_many` batch on
  each engine (the crawl once lost what `vigie scan` found). Seeds: the blind probes' veiled posts.
- `rar`: a RAR 4 or RAR 5 archive's header walk (`crawler.rar.rar_listing`, Python, in the parent
  process: before libarchive starts) lists entries within its cap, numbered in order, or refuses
  with `RarError`; never another exception (the `attachments` target spawns the RAR worker for
  each such input, ~30 times slower, so mutations reach the walk rarely there).
- `lexicon`: article 9's lexicon search on the compiled core (`vigie_native.LongestMatches`) finds
  the matches RE2 finds, span for span, in any input's folded text. Seeds: the lexicon's files and
  the article 9 development sets.
- `config`: a config file (vigie.yaml, a source, an organisation) loads, or each of its problems
  names the file, line, field and reason; never a traceback (a control character, a list as a
  key, deep nesting and alias bombs did before this target was written).

A failing input is left in the artifact directory, to be replayed with
`python -m tests.fuzz --target T FILE`; once the product is fixed, it goes into
tests/fixtures/fuzz_regressions/T/ under a name saying what it found (`REGRESSIONS`): a test for good.

    .venv/bin/python -m tests.fuzz --target engines --seconds 60    60 s of wall clock
    .venv/bin/python -m tests.fuzz --target engines --cpu-seconds 40 --seconds 1600
                                what scripts/test.sh runs (each target, at a low priority beside pytest)
    .venv/bin/python -m tests.fuzz --target attachments crash-1234abcd      replay one input

The corpus grows in .cache/fuzz/<target> (kept between runs on one machine; a clean clone starts
from the seeds written here). Nothing here touches the network, and every value is synthetic.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import signal
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import atheris
import yaml
from loguru import logger

# our modules are instrumented for coverage: the mutants kept are those that reach new branches of
# the reference engine (which the core must reproduce; the core itself is not instrumented), of the
# unpackers, the spiders and the config loader
with atheris.instrument_imports(include=["indexer", "crawler", "vigie.config"]):
    import crawler.spiders.channel
    import crawler.spiders.forum
    import crawler.spiders.leaksite
    import crawler.spiders.paste  # noqa: F401  (the spiders, imported here to be instrumented)
    import indexer.detect  # noqa: F401  (imported here to be instrumented: detection and all it calls)
    from crawler._charset import page_encoding
    from crawler.attachments import AttachmentError, expand_attachment
    from crawler.rar import RarError, member_label, rar_listing
    from crawler.spiders._dates import parse_date
    from crawler.spiders.extract import extract_forum_page
    from crawler.spiders.leaksite import parse_countdown
    from indexer import engine
    from indexer.detect.prefilter import detect_many
    from indexer.detect.unveil import unveil
    from indexer.tokens import MatchKey
    from tests.native_core import assert_same_fragments, both_engines, vigie_native
    from vigie.config.loader import check_config_dir
from tests.fixtures.archives import ods_of, zip_of
from tests.fixtures.spider_output import spider_output
from vigie.config.schema import AttachmentLimits, SourceConfig

KEY = MatchKey(b"\x22" * 32, version=2)
HINTS: tuple[str | None, ...] = (None, "dump.csv", "dump.sql", "export.json", "paste.txt", "records.xml", "post.html")

Run = Callable[..., tuple[list[Any], list[Any]]]


def check_engines(data: bytes, run: Run = both_engines) -> None:
    """Detect `data` (its first byte: the file-name hint) on both engines and require equal
    fragments and no core panic."""
    hint = HINTS[data[0] % len(HINTS)] if data else None
    panics = engine.core_panics()
    ref, got = run(data[1:], KEY, filename=hint)
    what = f"input {hashlib.sha256(data).hexdigest()[:16]} (hint {hint})"
    assert engine.core_panics() == panics, f"{what}: the compiled core panicked"
    assert_same_fragments(ref, got, what)


def _records(n: int, seed: int) -> list[dict[str, str]]:
    from tests.corpus.generate import make_dump

    text, _ = make_dump("jsonl", n, faker_seed=seed, header=True)
    out: list[dict[str, str]] = []
    for line in text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
    return out


def _renderings(rows: list[dict[str, str]]) -> dict[str, str]:
    """One set of records in the pasted shapes the corpus generator does not write: pretty JSON,
    psql and mysql client tables, mysql's vertical form, XML attributes, labelled lines, YAML."""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    width = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in cols}
    rule = "+".join("-" * (width[c] + 2) for c in cols)
    psql = [" | ".join(c.ljust(width[c]) for c in cols), rule]
    psql += [" | ".join(r.get(c, "").ljust(width[c]) for c in cols) for r in rows]
    mysql = ["+" + rule + "+", "| " + " | ".join(c.ljust(width[c]) for c in cols) + " |", "+" + rule + "+"]
    mysql += ["| " + " | ".join(r.get(c, "").ljust(width[c]) for c in cols) + " |" for r in rows]
    vertical = []
    for i, r in enumerate(rows, 1):
        vertical.append(f"*************************** {i}. row ***************************")
        vertical += [f"{c.rjust(max(map(len, cols)))}: {v}" for c, v in r.items()]
    xml = ["<patients>"] + ["  <patient " + " ".join(f'{c}="{v}"' for c, v in r.items()) + "/>" for r in rows]
    labelled = [" | ".join(f"{c.capitalize()}: {v}" for c, v in r.items()) for r in rows]
    yaml_list = [f"{'- ' if i == 0 else '  '}{c}: {v}" for r in rows for i, (c, v) in enumerate(r.items())]
    return {
        "pretty.json": json.dumps(rows, indent=2, ensure_ascii=False),
        "psql.txt": "\n".join(psql + [f"({len(rows)} rows)"]),
        "mysql.txt": "\n".join(mysql + ["+" + rule + "+"]),
        "vertical.txt": "\n".join(vertical),
        "attrs.xml": "\n".join(xml + ["</patients>"]),
        "labelled.txt": "\n".join(labelled),
        "list.yaml": "\n".join(yaml_list),
    }


def engine_seeds() -> list[bytes]:
    """The starting corpus: small dumps of every kind with and without header, corpus posts in
    several renderings, the differential test's fuzzed records and the pasted shapes above."""
    from tests.corpus.generate import KINDS, make_dump, make_post, render
    from tests.fixtures.fuzz_records import fuzz_post

    seeds: list[tuple[int, bytes]] = []
    for kind in KINDS:
        for header in (True, False):
            text, _ = make_dump(kind, 10, faker_seed=500 + len(seeds), header=header)
            seeds.append((HINTS.index(None), text.encode()))
    for i in range(12):
        text, _ = make_post(77_000 + i)
        how = ("plain", "crlf", "cp1252", "utf-16", "html", "html-div")[i % 6]
        data = render(text, how)
        seeds.append((i % len(HINTS), data if isinstance(data, bytes) else data.encode()))
    seeds += [(HINTS.index(None), fuzz_post(seed).encode()) for seed in range(20)]
    for name, text in _renderings(_records(6, 31)).items():
        hint = {"json": "export.json", "xml": "records.xml"}.get(name.rpartition(".")[2], "paste.txt")
        seeds.append((HINTS.index(hint), text.encode()))
    seeds.append((HINTS.index("post.html"), render(make_post(78_000)[0], "html").encode()))
    return [bytes([hint]) + body for hint, body in seeds]


# ------------------------------------------------------------------------------ attachments
NAMES = ("leak.zip", "leak.tar", "leak.tgz", "clients.csv.gz", "clients.csv.bz2", "base.sql.xz", "patients.xlsx",
         "patients.xlsm", "patients.ods", "clients.csv", "leak.7z", "lettre.docx", "note.odt", "compte-rendu.pdf",
         "leak.rar", "cabinet.sqlite", "liste.rtf")
# A mutated byte of a compressed member fails its CRC long before any parser sees it: in these
# modes the input is one part of a workbook (an xlsx's first sheet, an ods's content.xml), zipped
# by the harness into a real workbook, so that mutations reach the XML readers themselves.
PARTS = (("patients.xlsx", "xl/worksheets/sheet1.xml"), ("patients.ods", "content.xml"),
         ("lettre.docx", "word/document.xml"), ("note.odt", "content.xml"))
LIMITS = AttachmentLimits(max_uncompressed_bytes=2 * 1024 * 1024, max_files=12, max_nesting=2)


# what no file's label holds (`crawler.rar.member_label`): a control character, a bidi override, a `..`
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|(?:^|/)\.\.(?:/|$)")


def check_attachment(data: bytes) -> None:
    """Unpack `data` (its first byte: the file name, or a workbook whose part the rest is) within
    `LIMITS`: what comes out keeps to the caps, and the only error is `AttachmentError`."""
    mode = data[0] % (len(NAMES) + len(PARTS)) if data else NAMES.index("clients.csv")
    if mode < len(NAMES):
        name, body = NAMES[mode], data[1:]
    else:
        name, part = PARTS[mode - len(NAMES)]
        body = _with_part(name, part, data[1:])
    skipped: list[AttachmentError] | None = [] if len(data) % 2 else None  # members set aside, or not
    try:
        files = expand_attachment(name, body, LIMITS, skipped)
    except AttachmentError:
        return
    assert all(isinstance(e, AttachmentError) for e in skipped or ())
    assert len(files) <= LIMITS.max_files, f"{name}: {len(files)} files out of {LIMITS.max_files} allowed"
    if name != "clients.csv":  # an archive's or a workbook's: counted against the budget
        total = sum(len(f.data) for f in files)
        assert total <= LIMITS.max_uncompressed_bytes, f"{name}: {total} bytes unpacked"
    for f in files:  # named under the attachment ("leak.zip/x.csv"; a .tgz's tar is "leak.tar/x.csv")
        assert f.filename.startswith(name.partition(".")[0] + "."), f"{name}: a member named {f.filename!r}"
        assert not _UNSAFE_NAME.search(f.filename), f"{name}: a member named {f.filename!r}"  # a label
        assert isinstance(f.data, bytes)


def _tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:  # type: ignore[call-overload]
        for member, body in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def _7z(members: dict[str, bytes], method: int) -> bytes:
    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": method}]) as z:
        for member, body in members.items():
            z.writestr(body, member)
    return buf.getvalue()


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    cols = list(rows[0])
    ws.append(cols)
    for r in rows:
        ws.append([r.get(c, "") for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@cache
def _workbook(name: str) -> bytes:
    """The seed workbook or document `name` (a zip of XML parts)."""
    if name.endswith((".docx", ".odt")):
        from tests.test_documents import letter_docx, report_odt

        return letter_docx() if name.endswith(".docx") else report_odt()
    rows = _records(5, 43)
    if name.endswith(".xlsx"):
        return _xlsx(rows)
    cols = list(rows[0])
    return ods_of({"patients": [cols] + [[r.get(c, "") for c in cols] for r in rows]})


def _with_part(name: str, part: str, body: bytes) -> bytes:
    """The seed workbook `name` with its member `part` replaced by `body` (CRCs right)."""
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(_workbook(name))) as z:
        for info in z.infolist():
            members[info.filename] = body if info.filename == part else z.read(info)
    return zip_of(members)


def _sqlite(csv: bytes) -> bytes:
    """A small SQLite file of `csv`'s rows, a view and a trigger beside them."""
    import sqlite3

    rows = [line.split(",")[:4] for line in csv.decode().splitlines()[1:6]]
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE clients (a TEXT, b TEXT, c TEXT, d TEXT)")
    con.executemany("INSERT INTO clients VALUES (?, ?, ?, ?)", [r + [""] * (4 - len(r)) for r in rows])
    con.executescript("CREATE VIEW v AS SELECT a FROM clients; CREATE TRIGGER t AFTER INSERT ON clients BEGIN "
                      "SELECT 1; END;")
    con.commit()
    data = bytes(con.serialize())
    con.close()
    return data


def _rtf(csv: bytes) -> bytes:
    """An RTF table of `csv`'s first rows, with the groups and escapes Word writes."""
    rows = "".join("\\trowd\\cellx2000\\cellx4000\\pard\\intbl " + "\\cell ".join(line.split(",")[:3])
                   + "\\cell\\row\n" for line in csv.decode().splitlines()[:6])
    return ("{\\rtf1\\ansi\\ansicpg1252\\uc1{\\fonttbl{\\f0 Arial;}}{\\*\\generator x;}"
            "\\pard Liste \\'e0 \\u233? {\\pict\\bin4 {{{{}\\par\n" + rows + "}").encode("cp1252", "replace")


def attachment_seeds() -> list[bytes]:
    """Each unpacker's real files: zips (stored, deflated, bzip2, LZMA, nested, holding a
    workbook), tars (plain, gzipped), single compressed streams, both workbook kinds and the
    documents (.docx, .odt, .pdf)."""
    import py7zr

    from tests.corpus.generate import make_dump
    from tests.test_documents import pdf, report_pdf
    from vigie_kit.rar import RarEntry, rar4, rar5

    csv = make_dump("csv", 12, faker_seed=41, header=True)[0].encode()
    sql = make_dump("sql_insert", 8, faker_seed=42, header=True)[0].encode()
    xlsx = _workbook("patients.xlsx")
    seeds = {
        "leak.zip": [zip_of({"clients.csv": csv, "base.sql": sql}, m) for m in
                     (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)]
        + [zip_of({"inner.zip": zip_of({"clients.csv": csv})}),
           zip_of({"export/patients.xlsx": xlsx, "notes.txt": b"x"})],
        "leak.tar": [_tar({"clients.csv": csv, "dir/base.sql": sql})],
        "leak.tgz": [_tar({"clients.csv": csv}, "w:gz")],
        "clients.csv.gz": [gzip.compress(csv), gzip.compress(csv[:200]) + gzip.compress(csv[200:])],
        "clients.csv.bz2": [bz2.compress(csv)],
        "base.sql.xz": [lzma.compress(sql)],
        "patients.xlsx": [xlsx],
        "patients.xlsm": [xlsx],
        "patients.ods": [_workbook("patients.ods")],
        "clients.csv": [csv],
        "leak.7z": [_7z({"clients.csv": csv, "dir/base.sql": sql}, m) for m in (py7zr.FILTER_LZMA2, py7zr.FILTER_COPY)]
        + [_7z({"inner.zip": zip_of({"clients.csv": csv})}, py7zr.FILTER_LZMA2)],
        "lettre.docx": [_workbook("lettre.docx")],
        "note.odt": [_workbook("note.odt")],
        # each PDF is read in a process of its own (~0.2 s): two seeds, the mutations reach the parent's
        # reading of the worker's records and the caps
        "compte-rendu.pdf": [report_pdf(), pdf([csv.decode().splitlines()[:40]], compress=False)],
        # RAR 4 and 5 (vigie_kit.rar: stored members): a mutation that keeps the headers' CRCs reaches
        # libarchive in its own process, the others the header walk (crawler.rar.rar_listing)
        "leak.rar": [rar4([RarEntry("clients.csv", csv), RarEntry("dir/base.sql", sql)]),
                     rar5([RarEntry("clients.csv", csv), RarEntry("l", kind="symlink", target="/etc/passwd"),
                           RarEntry("inner.zip", zip_of({"clients.csv": csv}))])],
        # SQLite (read from memory, locked down: crawler.databases) and RTF (crawler.rtf), wave 31
        "cabinet.sqlite": [_sqlite(csv)],
        "liste.rtf": [_rtf(csv)],
    }
    out = [bytes([NAMES.index(name)]) + body for name, bodies in seeds.items() for body in bodies]
    for mode, (name, part) in enumerate(PARTS, len(NAMES)):
        with zipfile.ZipFile(io.BytesIO(_workbook(name))) as z:
            out.append(bytes([mode]) + z.read(part))
    return out


# ------------------------------------------------------------------------------------ dates
FORMATS: tuple[str | list[str] | None, ...] = (None, "auto", "%d/%m/%Y %H:%M", "%d %B %Y à %H:%M",
                                               ["%Y-%m-%d", "%A %d %b %Y, %I:%M %p"], ["%d.%m.%Y", "auto"])
FETCHED = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def check_date(data: bytes) -> None:
    """A site's date text (its first byte: the configured format and zone) reads as a UTC date
    or as none, and a leak site's countdown as a date or none: never an exception, which would
    lose the page's posts."""
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    tz = "Europe/Paris" if data[0] & 0x80 else "America/New_York"
    text = data[1:].decode("utf-8", "replace")
    value = parse_date(text, fmt, tz, language="fr" if data[0] & 0x40 else None, fetched_at=FETCHED)
    assert value is None or value.utcoffset() == timedelta(0), value
    countdown = parse_countdown(text, FETCHED)
    assert countdown is None or countdown.tzinfo is not None


def date_seeds() -> list[bytes]:
    texts = ["10/03/2026 14:05", "3 mars 2026 à 09:15", "2026-03-09T14:05:00+01:00", "hier à 14:05",
             "il y a 3 heures", "Tuesday 03 Mar 2026, 2:05 p.m.", "09.03.2026", "3d 04h 12m", "1j 02:03:04",
             "2 days 5 hours", "0001-01-01", "Posté le lundi 9 mars 2026 à 14:05 (modifié)"]
    return [bytes([mode]) + t.encode() for t in texts for mode in (0x81, 0xC1, 0x02, 0x83, 0x04, 0xC5)]


# ------------------------------------------------------------------------------------ pages
# the shipped forum sources (config/sources) and those the real-engine tests crawl (tests/data/sources)
SOURCES = ("example-forum", "example-xenforo", "example-machina", "real-flaskbb", "real-machina", "real-misago",
           "real-pybbm", "real-spirit", "test-django", "test-flat", "real-hyperkitty", "real-askbot", "real-trac")


def _source_path(name: str) -> Path:
    root = Path(__file__).resolve().parents[1]
    shipped = root / "config" / "sources" / f"{name}.yaml"
    return shipped if shipped.exists() else root / "tests" / "data" / "sources" / f"{name}.yaml"


@cache
def _source(name: str) -> SourceConfig:
    raw = yaml.safe_load(_source_path(name).read_text())
    raw.pop("login", None)  # its password is a placeholder the loader refuses; pages are read logged out
    return SourceConfig.model_validate(raw)


_DECLARED = ("utf-8", "cp1252", "utf-16", "utf-16-le", "utf-32", "cp500", "cp037", "shift_jis", "nonsense")


def check_page(data: bytes) -> None:
    """A page a forum serves (its first byte: which forum source's selectors read it) gives its
    boards, threads and posts, or none: never an exception, which would lose every post of the
    page; each post's date is UTC or none."""
    if not data:
        return
    source = _source(SOURCES[data[0] % len(SOURCES)])
    # the encoding the crawl reads it in (`crawler._charset`), when the one declared (its first byte
    # picks a label, honest or not) is none a browser reads: one Python decodes the page in
    declared = _DECLARED[data[0] % len(_DECLARED)]
    encoding = page_encoding(declared, data[1:])
    assert encoding is None or data[1:].decode(encoding, "replace") is not None
    page = extract_forum_page(source, data[1:], "http://forum.example.onion/t/1?page=2", FETCHED)
    for post in page.posts:
        assert post.posted_at is None or post.posted_at.utcoffset() == timedelta(0), post.posted_at
        assert isinstance(post.body, str)


def page_seeds() -> list[bytes]:
    """The demo forum's index, board and thread pages in both its markups (phpBB-like tables,
    XenForo-like articles with French dates), for each shipped source."""
    from vigie_kit._forum_views import Ctx, PhpbbView, XenView
    from vigie_kit.forum_data import ForumData

    data = ForumData(7, size="small", hostile=False)
    ctx = Ctx(base="http://forum.example.onion", user="reader", csrf="x")
    board = data.boards[0]
    pages = [html for view in (PhpbbView(data), XenView(data))
             for html in (view.index(ctx), view.board(ctx, board, 1), view.thread(ctx, board.threads[2], 1))]
    return [bytes([n]) + html.encode() for n in range(len(SOURCES)) for html in pages]


# ---------------------------------------------------------------------------------- spiders
SITE = "http://forum.example.onion"


@dataclass(frozen=True)
class SpiderPage:
    """A spider callback and a request the spider itself made for such a page (its URL and meta)."""

    what: str
    callback: Callable[[Any], Any]
    url: str
    meta: dict[str, Any]


def _make_spider(cls: Any, raw: dict[str, Any], state_dir: Path, **kw: Any) -> Any:
    from scrapy.utils.test import get_crawler

    from crawler.state import CrawlState

    source = SourceConfig.model_validate(raw)
    return cls.from_crawler(get_crawler(cls), source=source, sink=None, **kw,
                            state=CrawlState(state_dir / f"{source.name}.sqlite3", source.name))


def _requests(results: Any) -> list[Any]:
    from scrapy import Request

    return [r for r in results if isinstance(r, Request)]


def _started(spider: Any) -> list[Any]:
    import asyncio

    async def collect() -> list[Any]:
        return [r async for r in spider.start()]

    return asyncio.run(collect())


@cache
def spider_pages() -> tuple[tuple[SpiderPage, ...], tuple[bytes, ...]]:
    """The pages each spider reads (forum board index, board, thread; leak site listing and file
    tree; channel page; paste listing and paste), each with the meta the spider gives its request,
    taken from the spider's own start and from its own reading of a demo page; and those demo
    pages, the seeds."""
    from crawler.spiders.channel import ChannelSpider
    from crawler.spiders.forum import ForumSpider
    from crawler.spiders.leaksite import LeaksiteSpider
    from crawler.spiders.paste import PasteSpider
    from vigie_kit._forum_views import Ctx, PhpbbView
    from vigie_kit.channel import ChannelPost, ChannelServer
    from vigie_kit.forum_data import ForumData

    state_dir = Path(tempfile.mkdtemp(prefix="vigie-fuzz-spiders-"))
    data = ForumData(7, size="small", hostile=False)
    view, ctx = PhpbbView(data), Ctx(base=SITE, user="reader", csrf="x")
    board, thread = data.boards[0], data.boards[0].threads[2]

    def read(spider_page: SpiderPage, body: str) -> list[Any]:
        return _requests(spider_page.callback(response(spider_page, body.encode())))

    forum_raw = yaml.safe_load(_source_path("example-forum").read_text())
    forum_raw.pop("login", None)
    forum_raw["start_urls"] = [SITE + "/"]
    forum = _make_spider(ForumSpider, forum_raw, state_dir)
    (start,) = _requests(_started(forum))
    boards = SpiderPage("forum board index", forum.parse_listing, start.url, dict(start.meta))
    board_req = read(boards, view.index(ctx))[0]
    listing = SpiderPage("forum board", forum.parse_listing, board_req.url, dict(board_req.meta))
    thread_req = next(r for r in read(listing, view.board(ctx, board, 1)) if "/thread/" in r.url)
    thread_page = SpiderPage("forum thread", forum.parse_thread, thread_req.url, dict(thread_req.meta))

    leak = _make_spider(LeaksiteSpider, {
        "name": "lockleak", "kind": "leaksite", "network": "tor", "start_urls": ["http://leaks.example.onion/"],
        "schedule": {"interval": "1h"}, "leaksite": {
            "rows": "article.victim", "name": ".name", "domain": "a.website::attr(href)", "country": ".country",
            "sector": ".sector", "announced": {"selector": "time.announced::attr(datetime)"},
            "deadline": {"selector": ".countdown"}, "status": ".status", "file_links": "a.files::attr(href)",
            "next_page": "a.next::attr(href)", "file_tree": {"rows": "tr", "name": ".fname", "size": ".fsize"}}},
        state_dir)
    (leak_start,) = _requests(_started(leak))
    leak_listing = SpiderPage("leak site listing", leak.parse_listing, leak_start.url, dict(leak_start.meta))
    victims = ('<html><body><article class="victim"><h2 class="name">Clinique du Parc S.A.S.</h2>'
               '<a class="website" href="https://www.clinique-du-parc.fr">site</a><span class="country">FR</span>'
               '<span class="sector">Santé</span><time class="announced" datetime="2026-11-02T10:00:00Z">2 nov'
               '</time><span class="countdown">3d 04h 12m</span><span class="status">PUBLISHED</span>'
               '<a class="files" href="/files/clinique-du-parc">files</a></article>'
               '<article class="victim"><h2 class="name">Boulangerie Martin</h2><span class="countdown">1j 02:03:04'
               '</span></article><a class="next" href="/?page=2">next</a></body></html>')
    tree_req = read(leak_listing, victims)[0]
    leak_tree = SpiderPage("leak site file tree", leak.parse_tree, tree_req.url, dict(tree_req.meta))
    tree = ('<html><body><table><tr><td class="fname">patients.csv</td><td class="fsize">1.2 GB</td></tr>'
            '<tr><td class="fname">rh/paie.xlsx</td><td class="fsize">40 MB</td></tr></table></body></html>')

    channel = _make_spider(ChannelSpider, {
        "name": "leaknews", "kind": "channel", "network": "tor", "start_urls": ["http://t.example.onion/s/leaknews"],
        "schedule": {"interval": "1h"}}, state_dir)
    (channel_start,) = _requests(_started(channel))
    channel_page = SpiderPage("channel page", channel.parse_page, channel_start.url, dict(channel_start.meta))
    posts = [ChannelPost(i, "LeakNews", datetime(2026, 11, i, 16, tzinfo=UTC), f"post {i}: sample\nanne{i}@exemple.fr",
                         [f"sample-{i}.csv"]) for i in range(1, 8)]
    channel_html = ChannelServer("leaknews", posts, per_page=5).render(None)

    paste_raw = yaml.safe_load(_source_path("example-paste").read_text())
    paste_raw.pop("login", None)
    paste = _make_spider(PasteSpider, paste_raw, state_dir)
    (paste_start,) = _requests(_started(paste))
    paste_listing = SpiderPage("paste listing", paste.parse_listing, paste_start.url, dict(paste_start.meta))
    listing_html = ('<html><body><a class="paste" href="/p/Ab12Cd">dump clinique</a>'
                    '<a class="paste" href="/p/Zz99">combo</a><a rel="next" href="/?page=2">older</a></body></html>')
    paste_req = read(paste_listing, listing_html)[0]
    one_paste = SpiderPage("paste", paste.parse_paste, paste_req.url, dict(paste_req.meta))

    pages = (boards, listing, thread_page, leak_listing, leak_tree, channel_page, paste_listing, one_paste)
    bodies = (view.index(ctx), view.board(ctx, board, 1), view.thread(ctx, thread, 1), victims, tree, channel_html,
              listing_html, "email;telephone\nanne@exemple.fr;06 12 34 56 78\n")
    return pages, tuple(bytes([n]) + body.encode() for n, body in enumerate(bodies))


def response(page: SpiderPage, body: bytes) -> Any:
    """The page as Scrapy hands it to the callback: an HTML response to the spider's request,
    whose encoding Scrapy reads from the body."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    return HtmlResponse(page.url, body=body, headers={"Content-Type": "text/html"},
                        request=Request(page.url, meta=dict(page.meta)))


def check_spider_page(data: bytes) -> None:
    """A page a site serves (its first byte: which spider callback reads it) gives that spider's
    items and requests, or none: never an exception, which loses the page and everything after
    it on the page."""
    if not data:
        return
    pages, _ = spider_pages()
    page = pages[data[0] % len(pages)]
    spider_output(page.callback(response(page, data[1:])))


def long_number_seeds() -> list[bytes]:
    """Pages holding a number longer than int() reads (4,300 digits): a board's next link
    (`?page=999...`, the pagination fetched ahead read it) and a channel message's id; each
    raised ValueError, losing the page (attacker's review, round 13)."""
    _, seeds = spider_pages()
    big = "9" * 5000
    board = seeds[1].replace(b"</body>", f'<a rel="next" href="/board/1?page={big}">suivant</a></body>'.encode())
    channel = seeds[5].replace(b'data-post="leaknews/3"', f'data-post="leaknews/{big}"'.encode())
    assert board != seeds[1] and channel != seeds[5], "the demo pages changed: put the long numbers elsewhere"
    return [board, channel]


def spider_seeds() -> list[bytes]:
    return [*spider_pages()[1], *long_number_seeds()]


# ----------------------------------------------------------------------------------- unveil
def check_unveil(data: bytes, run: Run = both_engines) -> None:
    """A post (its first byte: the file-name hint) as unveiled keeps a line map into the post,
    and is detected alike by both engines, and alike by `detect` and `detect_many` on each."""
    hint = HINTS[data[0] % len(HINTS)] if data else None
    body = data[1:]
    text = body.decode("utf-8", "replace")
    what = f"input {hashlib.sha256(data).hexdigest()[:16]} (hint {hint})"
    got = unveil(text)
    if got is not None:
        new, src = got
        assert len(src) == new.count("\n") + 1, f"{what}: {len(src)} lines mapped of {new.count(chr(10)) + 1}"
        assert all(0 <= a <= b < text.count("\n") + 1 for a, b in zip(src, src[1:] + src[-1:], strict=True)), \
            f"{what}: the line map leaves the input or goes back: {src[:50]}"
    panics = engine.core_panics()
    ref, core = run(body, KEY, filename=hint)
    assert engine.core_panics() == panics, f"{what}: the compiled core panicked"
    assert_same_fragments(ref, core, what)
    for name, alone in (("python", ref), ("native", core)):
        engine.set_engine(name)
        batch = detect_many([b"bonjour", body, b"merci"], key=KEY, filenames=[None, hint, None])
        assert batch[0] == batch[2] == [], f"{what}: its neighbours in the batch got fragments"
        assert_same_fragments(alone, batch[1], f"{what}: detect and detect_many on the {name} engine")


def unveil_seeds() -> list[bytes]:
    """The blind probes' posts (both rounds: zero-width, full-width, look-alikes, spelled @,
    base64 wrapped, inline and of gzip, hex, URL-encoded, CSV in JSON) and their negatives."""
    from tests import test_detect_blind_probe_evasions as r1
    from tests import test_detect_blind_probe_evasions2 as r2

    texts = [t for mod in (r1, r2) for t in [*(p[0] for p in mod.POSITIVES.values()), *mod.NEGATIVES.values()]]
    return [bytes([k % len(HINTS)]) + (t if isinstance(t, bytes) else t.encode()) for k, t in enumerate(texts)]


# ---------------------------------------------------------------------------------- lexicon
def check_lexicon(data: bytes) -> None:
    """Article 9's lexicon search on the core (`vigie_native.LongestMatches`) finds, span for span,
    the matches RE2 finds (`iter_spans`, leftmost-longest) in the folded text of any input (read as
    Latin-1, then folded as `scan_article9` folds it: ASCII)."""
    from indexer._re2fast import iter_spans
    from indexer.article9_lexicon import fold_accents, lexicon

    text = fold_accents(data.decode("latin-1"))
    got = _lexicon_finder().spans_of(text)
    assert got is not None, "the core refused an ASCII text"
    it = iter(memoryview(got).cast("I"))
    core = list(zip(it, it, strict=True))
    want = [spans[0] for spans in iter_spans(lexicon().terms, text)]
    assert core == want, f"input {hashlib.sha256(data).hexdigest()[:16]}: RE2 {want[:8]}, core {core[:8]}"


@cache
def _lexicon_finder() -> Any:
    from indexer.article9_lexicon import lexicon

    assert vigie_native is not None and hasattr(vigie_native, "LongestMatches"), "the core has no LongestMatches"
    return vigie_native.LongestMatches(lexicon().terms.pattern)


def lexicon_seeds() -> list[bytes]:
    """The lexicon's own files and the article 9 development sets, whole and glued (Latin-1)."""
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "indexer" / "article9_lexicon").glob("*.txt"))
    files += sorted(root.glob("tests/corpus/article9_dev*/*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    out = [t.encode("latin-1", "replace") for t in texts]
    out += [t.replace(" ", "\x0b").replace("\n", "").encode("latin-1", "replace") for t in texts[::3]]
    return out


# -------------------------------------------------------------------------------------- rar
RAR_ENTRIES = 16
RAR_SIGNATURES = (b"Rar!\x1a\x07\x01\x00", b"Rar!\x1a\x07\x00", b"")


def check_rar(data: bytes) -> None:
    """A RAR archive's header walk (its first byte: a RAR 5 or RAR 4 signature put before the
    rest, or none) lists at most `RAR_ENTRIES` entries, numbered from 0, each labelled without a
    way out of the archive, or refuses with `RarError`."""
    if not data:
        return
    try:
        listing = rar_listing(RAR_SIGNATURES[data[0] % 3] + data[1:], RAR_ENTRIES)
    except RarError:
        return
    assert len(listing.entries) <= RAR_ENTRIES, len(listing.entries)
    for k, e in enumerate(listing.entries):
        assert e.ordinal == k and e.size >= -1 and e.kind in ("file", "dir", "link"), e
        label = member_label(e.name)
        assert label and not label.startswith("/") and ".." not in label.split("/"), label


def rar_seeds() -> list[bytes]:
    """RAR 5 and RAR 4 archives of the test kit's writer (stored members): files, a directory,
    links, an encrypted member, encrypted headers, a solid archive, a name climbing out."""
    from vigie_kit.rar import RarEntry, rar4, rar5

    csv = b"email;telephone\nanne@exemple.fr;06 12 34 56 78\n"
    sets = [[RarEntry("clients.csv", csv), RarEntry("dir", kind="dir"), RarEntry("base/x.sql", b"INSERT 1")],
            [RarEntry("l", kind="symlink", target="/etc/passwd"), RarEntry("clients.csv", csv)],
            [RarEntry("secret.csv", csv, encrypted=True), RarEntry("../../etc/x", csv, declared_size=1 << 40)]]
    out = []
    sets5 = [*sets, [RarEntry("h", kind="hardlink", target="clients.csv")]]  # (RAR 4 has no hard links)
    for mode, write, kinds in ((0, rar5, sets5), (1, rar4, sets)):
        for entries in kinds:
            for kw in ({}, {"solid": True}, {"encrypted_headers": True}):
                out.append(bytes([mode]) + write(entries, **kw)[len(RAR_SIGNATURES[mode]):])
    return out


# ----------------------------------------------------------------------------------- config
CONFIG_FILES = ("vigie.yaml", "sources/fuzzed.yaml", "organisations/fuzzed.yaml")


def check_config(data: bytes) -> None:
    """A config file an operator wrote (its first byte: which kind) is loaded, or refused with
    problems that each name the file, a line, a field and a reason: never a traceback."""
    if not data:
        return
    name = CONFIG_FILES[data[0] % len(CONFIG_FILES)]
    with tempfile.TemporaryDirectory(prefix="vigie-fuzz-config-") as directory:
        path = Path(directory) / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data[1:])
        _, problems = check_config_dir(directory, env={"EXAMPLE_FORUM_PASSWORD": "pw-for-the-fuzzer-1"})
    for p in problems:
        assert p.file and p.line >= 1 and p.field and p.reason, p


def config_seeds() -> list[bytes]:
    """The shipped config: vigie.yaml, every source and organisation."""
    root = Path(__file__).resolve().parents[1] / "config"
    out = [bytes([0]) + (root / "vigie.yaml").read_bytes()]
    out += [bytes([1]) + p.read_bytes() for p in sorted((root / "sources").glob("*.yaml"))]
    out += [bytes([2]) + p.read_bytes() for p in sorted((root / "organisations").glob("*.yaml"))]
    return out


@dataclass(frozen=True)
class Target:
    check: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]
    max_len: int  # bytes an input may grow to: under every time and size cap of what it runs
    needs_core: bool


TARGETS = {
    "engines": Target(check_engines, engine_seeds, 8192, True),
    "attachments": Target(check_attachment, attachment_seeds, 65536, False),
    "dates": Target(check_date, date_seeds, 1024, False),
    "pages": Target(check_page, page_seeds, 32768, False),
    "spiders": Target(check_spider_page, spider_seeds, 32768, False),
    "config": Target(check_config, config_seeds, 16384, False),
    "unveil": Target(check_unveil, unveil_seeds, 16384, True),
    "rar": Target(check_rar, rar_seeds, 65536, False),
    "lexicon": Target(check_lexicon, lexicon_seeds, 16384, True),
}


SLOW_INPUT = 60  # seconds an input may take (libFuzzer's -timeout)

# Every input a fuzzer failed on, once fixed, stays here (tests/fixtures/fuzz_regressions/TARGET/NAME, the
# whole input: its first byte too): tests/test_fuzz_regressions.py replays each one as a test of its own, and
# each run of the target starts from them beside its seeds. A crash found once is so a permanent test,
# whatever the random walk of the next 40 CPU-s finds (CI fuzzes from a clean clone: no corpus kept).
REGRESSIONS = Path(__file__).resolve().parent / "fixtures" / "fuzz_regressions"


def regression_inputs(target: str) -> list[Path]:
    """The kept failing inputs of `target`, by name."""
    return sorted(p for p in (REGRESSIONS / target).glob("*") if p.is_file())


def _cpu_seconds() -> float:
    """CPU time of this process and of the workers it waited for (the RAR and PDF workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def cpu_boxed(check: Callable[[bytes], None], budget: float, *, clock: Callable[[], float] = _cpu_seconds,
              input_clock: Callable[[], float] = time.process_time,
              stop: Callable[[int], object] = os._exit, every: float = 0.2,
              alarm: Callable[[float], object] = lambda seconds: None) -> Callable[[bytes], None]:
    """`check`, ending the process once fuzzing has had `budget` seconds of CPU (counted from
    the first input, as libFuzzer's -max_total_time counts its wall clock). Why CPU and not the
    wall clock: scripts/test.sh fuzzes at a low priority while pytest runs, in the CPU time pytest
    leaves idle (it waits on Tor circuits, Elasticsearch, servers); a wall-clock box there would
    run fewer inputs the busier pytest is, a CPU box runs as many as a box on a free core. Checked
    between inputs (a failing input is reported whole) and at most `every` 0.2 s (a syscall).
    libFuzzer's -timeout is a wall clock too: at a low priority an input may wait its turn (minutes:
    scripts/test.sh's fuzzers yield the CPU to pytest whole), so main() sets it to the whole wall-clock
    cap and this fails an input that took more than `SLOW_INPUT` of CPU, what -timeout fails on a free
    core: after the input, or during it through `alarm(seconds)` (main: a CPU-time timer, SIGPROF,
    which interrupts an input stuck in Python code)."""
    state = {"start": -1.0, "next": 0.0, "runs": 0, "t0": 0.0}

    def boxed(data: bytes) -> None:
        now = time.monotonic()
        if now >= state["next"]:
            state["next"] = now + every
            cpu = clock()
            if state["start"] < 0:
                state["start"], state["t0"] = cpu, now
            elif cpu - state["start"] >= budget:
                # libFuzzer's own last line (scripts/test.sh reports it), then the exit it makes at its time box
                print(f"Done {state['runs']} runs in {cpu - state['start']:.0f} CPU second(s) "
                      f"({now - state['t0']:.0f} s of wall clock)", file=sys.stderr, flush=True)
                stop(0)
                return
        state["runs"] += 1
        c0 = input_clock()
        alarm(SLOW_INPUT + 1)
        try:
            check(data)
        finally:
            alarm(0)
        spent = input_clock() - c0
        if spent > SLOW_INPUT:
            raise AssertionError(f"one input took {spent:.0f} CPU-s (more than {SLOW_INPUT} s): a slow input")

    return boxed


def _too_slow(signum: int, frame: object) -> None:
    raise AssertionError(f"one input has taken more than {SLOW_INPUT} CPU-s: a slow input")


def _cpu_alarm(seconds: float) -> None:
    """SIGPROF after `seconds` of this process's CPU time (0: none): a slow input fails while it runs."""
    if signal.getsignal(signal.SIGPROF) is not _too_slow:
        signal.signal(signal.SIGPROF, _too_slow)
    signal.setitimer(signal.ITIMER_PROF, seconds)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="replay these inputs instead of fuzzing")
    parser.add_argument("--target", choices=sorted(TARGETS), required=True)
    parser.add_argument("--seconds", type=int, default=60, help="fuzz for this long (libFuzzer's -max_total_time)")
    parser.add_argument("--cpu-seconds", type=float, default=0,
                        help="fuzz until this much CPU time is spent instead (what scripts/test.sh runs beside "
                             "pytest, at a low priority); --seconds then only caps the wall clock")
    parser.add_argument("--corpus", type=Path, help="the growing corpus, kept between runs (.cache/fuzz/TARGET)")
    parser.add_argument("--artifacts", type=Path, default=Path(".cache/fuzz/artifacts"),
                        help="where a failing input is written")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    logger.remove()  # what the code logs about each hostile input would drown libFuzzer's report
    corpus = args.corpus or Path(".cache/fuzz") / args.target
    if target.needs_core and vigie_native is None:
        print("vigie_native (of this code's interface) is not built: nothing to compare; scripts/setup.sh "
              "builds it when cargo is present", file=sys.stderr)
        return 2
    if args.inputs:
        for path in args.inputs:
            target.check(path.read_bytes())
            print(f"{path}: passes")
        return 0
    corpus.mkdir(parents=True, exist_ok=True)
    args.artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vigie-fuzz-seeds-") as seeds:
        inputs = target.seeds()
        for data in inputs:
            (Path(seeds) / hashlib.sha1(data).hexdigest()).write_bytes(data[:target.max_len])
        box = f"{args.cpu_seconds:g} CPU-s (at most {args.seconds} s)" if args.cpu_seconds else f"{args.seconds} s"
        print(f"fuzzing {args.target} for {box} from {len(inputs)} seeds and {corpus}", flush=True)
        atheris.Setup([sys.argv[0], f"-max_total_time={args.seconds}", f"-max_len={target.max_len}",
                       f"-timeout={args.seconds if args.cpu_seconds else SLOW_INPUT}", "-rss_limit_mb=3072",
                       "-print_final_stats=1",
                       f"-artifact_prefix={args.artifacts}/{args.target}-", str(corpus), seeds,
                       *([str(REGRESSIONS / args.target)] if regression_inputs(args.target) else [])],
                      cpu_boxed(target.check, args.cpu_seconds, alarm=_cpu_alarm) if args.cpu_seconds else target.check)
        atheris.Fuzz()  # exits the process: 0 when the time is up, non-zero on a failing input
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
