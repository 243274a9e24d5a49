"""Hostile-input round 17 (wave 30): what a paste site's answer says of itself, and lies.

Through ONE real crawl of the kit's paste site (`vigie crawl` in a subprocess against 127.0.0.1,
module-scoped: every crawl test of this file reads the same run, each raw paste answering one
hostile way), then unit tests where a crawl adds nothing.

- a raw paste served as `text/plain` with no charset, in windows-1252 (a French, German or Spanish
  dump saved on Windows), was read by Scrapy's guess (charset-normalizer ties windows-1250 with
  windows-1252 and took the first): `Lefèvre` became `Lefčvre`, `à` `ŕ`, names and addresses
  mangled before detection. An undeclared page or paste that is not UTF-8 is read in the encoding
  `vigie scan` guesses for the same bytes (`indexer.decode.guessed_encoding`: windows-1252 for
  Western text, else charset-normalizer: Cyrillic in windows-1251 stays so), counted (`refused:
  pages_charset_guessed`) and logged. Declared pages and UTF-8 ones are not guesses: not counted.
- content sniffing lies: a raw paste whose bytes are an archive (a zip, a gzip, a tar) served as
  `text/html` or `text/plain` was read as text, a deflated member garbage to detection. Its bytes
  decide now, as a browser saving it: read as the archive (counted: `refused:
  content_types_ignored`, logged). A text paste that merely starts with `PK` stays text.
- a `Content-Disposition` was read by a regex taking its first `filename`: `filename="photo.jpg";
  filename*=UTF-8''clients.zip` (a browser saves `clients.zip`, RFC 6266) was an image to the crawl,
  refused unread (`files_not_listed`); a quoted `;` cut the name (`"clients;2024.csv"`: no type,
  refused); `filename*=ISO-8859-1''...` kept its charset in the name; a 2 kB name went whole into
  logs and labels. `crawler._disposition` reads it as a browser does (`filename*` first, any
  charset, RFC 2231 continuations), cut to 255 characters, its extension kept.
- a thread or listing page served as `application/json` (Scrapy's JsonResponse, whose selector
  reads no HTML) raised `ValueError: Cannot use xpath on a Selector of type 'json'` in the spider:
  its posts lost to a traceback. A page answered as JSON is read as a page (`JsonPageMiddleware`;
  `post.from_json` still reads a JSON body), markup so served counted (`refused:
  content_types_ignored`). Through ONE crawl of the kit forum (module-scoped), its other posts read.
- a zip padded with 100,000 empty files or directories (its directory too big for
  `attachments.max_files`) was refused whole as a bomb, the dump in it too: empty entries count for
  nothing now (`crawler.attachments._without_empty_entries`), the rest read within the caps; a
  tar's or a 7z's empty files neither.
- a 7z whose coder asks for gigabytes (an LZMA dictionary of 4 GB, a PPMd model of 4 GB) for a
  member of a few bytes: MemoryError under the crawl's address-space limit, or the process aborted
  (pyppmd). LZMA dictionaries are cut to what the folder unpacks; PPMd past 256 MB and encoded
  headers asking too much are refused as bombs (a process of its own, under a 1.5 GB limit).
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import struct
import subprocess
import sys
import tarfile
import textwrap
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Headers

from crawler._charset import guessed_page_encoding
from crawler._disposition import disposition_filename
from crawler.attachments import ArchiveBombError, expand_attachment
from crawler.spiders._files import file_name, type_refusal
from tests.fixtures.forum import CrawlRun, crawl, make_config, post_number
from tests.hostile_files import dump, dump_emails
from tests.test_hostile_probe import HostileForum
from vigie.config.schema import AttachmentLimits
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

Raw = Callable[[BaseHTTPRequestHandler], None]


def answer(body: bytes, content_type: str | None, *extra: str) -> Raw:
    """A raw paste answered with `body` under `content_type` (None: no Content-Type) and `extra` headers."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        head = "HTTP/1.1 200 OK\r\n" + (f"Content-Type: {content_type}\r\n" if content_type else "")
        head += "".join(f"{h}\r\n" for h in extra)
        handler.wfile.write(f"{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1") + body)
        handler.wfile.flush()
    return write


# Western dumps in windows-1252, none declaring it: (text, the words that must come out whole)
WESTERN = {
    "fr": ("nom;prénom;adresse;email\n"
           "Lefèvre;Hélène;12 rue de la Gare, 75011 Paris;helene.lefevre@exemple.fr\n"
           "Garçon;Jérôme;3 allée des Châtaigniers, Besançon;jerome.garcon@exemple.fr\n"
           "Bérenger;Noël;7 place Saint-Étienne, Orléans;noel.berenger@exemple.fr\n",
           ["Lefèvre", "Hélène", "allée des Châtaigniers", "Orléans", "Noël"]),
    "de": ("Name\tStraße\tOrt\tE-Mail\n"
           "Jürgen Größ\tHauptstraße 5\tMünchen\tjuergen.gross@beispiel.de\n"
           "Änne Weiß\tBahnhofstraße 7\tKöln\taenne.weiss@beispiel.de\n",
           ["Jürgen Größ", "Bahnhofstraße", "Köln", "Änne Weiß"]),
    "pt": ("nome|morada|email\n"
           "João Conceição|Rua São Gonçalo 4, Viseu|joao.conceicao@exemplo.pt\n"
           "Inês Magalhães|Avenida da Liberdade 80, Lisboa|ines.magalhaes@exemplo.pt\n",
           ["João Conceição", "São Gonçalo", "Inês Magalhães"]),
    "it": ("Niccolò Lucà - via della Città 3, Forlì - niccolo.luca@esempio.it\n"
           "Mattia Però - piazza Santa Croce 1, Cantù - mattia.pero@esempio.it\n",
           ["Niccolò Lucà", "Città", "Forlì", "Però", "Cantù"]),
    "es": ("nombre,dirección,correo\n"
           "José Núñez,Calle de la Peña 3 Logroño,jose.nunez@ejemplo.es\n"
           "María Ibáñez,Avenida Andalucía 9 Cádiz,maria.ibanez@ejemplo.es\n",
           ["José Núñez", "Peña", "Logroño", "María Ibáñez", "Cádiz"]),
    "fr_prose": ("Voilà la base complète, très à jour : Noël Bérénice, née le 12/03/1987 à Orléans, "
                 "joignable au 06 12 34 56 78, être discret « svp » — merci à tous.\n",
                 ["Voilà", "très à jour", "Bérénice", "être discret « svp » — merci à tous"]),
}
RUSSIAN = "Иванов Иван Иванович; Москва, ул. Ленина 5; ivanov@primer.ru\nПетрова Анна; Казань; petrova@primer.ru\n"
POLISH = "Zażółć gęślą jaźń; Łódź, ul. Świętokrzyska 5; Wrocław; jan.kowalski@przyklad.pl\n"
UTF8 = "nom;prénom\nDurand;Sébastien;sebastien.durand@exemple.fr\n"


def zipped(tag: str, name: str = "clients.csv") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, dump(tag))
    return out.getvalue()


def tarred(tag: str) -> bytes:
    out = io.BytesIO()
    data = dump(tag).encode()
    with tarfile.open(fileobj=out, mode="w") as t:
        info = tarfile.TarInfo("export/clients.csv")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return out.getvalue()


# archives served as text: (bytes, Content-Type, extra headers)
SNIFFED = {
    "zip_as_html": (zipped("zipenhtml"), "text/html; charset=utf-8", ()),
    "zip_as_text_named_txt": (zipped("zipentexte"), "text/plain",
                              ('Content-Disposition: attachment; filename="dump.txt"',)),
    "gz_as_text": (gzip.compress(dump("gzentexte").encode()), "text/plain; charset=utf-8", ()),
    "tar_as_text": (tarred("tarentexte"), "text/plain", ()),
    # the Content-Disposition's extended name wins (RFC 6266): a zip, not the image its plain name says
    "zip_disposition_star": (zipped("dispetoile"), "application/octet-stream",
                             ("Content-Disposition: attachment; filename=\"photo.jpg\"; "
                              "filename*=UTF-8''clients%20%C3%A9t%C3%A9.zip",)),
}
PK_TEXT = "PK;email;telephone\n" + "".join(f"{k};pktexte.{k}@example.org;06 12 34 56 {k:02d}\n" for k in range(6))


@dataclass
class Run:
    run: CrawlRun
    ids: dict[str, str]  # case: paste id

    def items(self, case: str) -> list[dict[str, Any]]:
        return [i for i in self.run.items if i.get("post_id") == self.ids[case]]

    def body(self, case: str) -> str:
        got = [i["body"] for i in self.run.items if i.get("post_id") == self.ids[case]]
        assert len(got) == 1, (case, got, self.run.stderr[-3000:])
        return str(got[0])


@pytest.fixture(scope="module")
def pastes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("round17")
    with ForumServer("phpbb", size="small", hostile=False) as server:
        routes: dict[str, Raw] = {
            **{f"w_{k}": answer(text.encode("cp1252"), "text/plain") for k, (text, _) in WESTERN.items()},
            "w_fr_no_type": answer(WESTERN["fr"][0].encode("cp1252"), None),  # no Content-Type at all
            "ru": answer(RUSSIAN.encode("cp1251"), "text/plain"),
            "pl_declared": answer(POLISH.encode("cp1250"), "text/plain; charset=windows-1250"),
            "utf8": answer(UTF8.encode(), "text/plain"),
            **{case: answer(body, ctype, *extra) for case, (body, ctype, extra) in SNIFFED.items()},
            "pk_text": answer(PK_TEXT.encode(), "text/plain; charset=utf-8"),
        }
        ids = {}
        for case, route in routes.items():
            paste = server.add_paste("placeholder", title=f"paste {case}")
            server.raw_routes[f"/raw/{paste.id}"] = route
            ids[case] = paste.id
        config = make_config(tmp / "config", server.url, kind="paste", limits={"retries": 0})
        run = crawl(config, tmp / "data", "test-paste", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    yield Run(run, ids)


@pytest.mark.parametrize("case", sorted(WESTERN))
def test_an_undeclared_western_paste_is_read_as_windows_1252(pastes: Run, case: str) -> None:
    body = pastes.body(f"w_{case}")
    for words in WESTERN[case][1]:
        assert words in body, (case, body)


def test_an_undeclared_paste_without_a_content_type_is_read_alike(pastes: Run) -> None:
    body = pastes.body("w_fr_no_type")
    assert all(w in body for w in WESTERN["fr"][1]), body


def test_cyrillic_and_declared_pastes_are_read_as_they_are(pastes: Run) -> None:
    assert "Иванов Иван Иванович" in pastes.body("ru") and "Казань" in pastes.body("ru")
    assert "Zażółć gęślą jaźń; Łódź" in pastes.body("pl_declared")  # declared: read so, no guess
    assert "Sébastien" in pastes.body("utf8")


def test_each_guess_is_counted_and_logged(pastes: Run) -> None:
    # the Western five and the Russian one; not the declared one nor the UTF-8 one (nor the pages
    # of the listing, UTF-8)
    assert pastes.run.summary["refused"]["pages_charset_guessed"] == len(WESTERN) + 2, pastes.run.summary
    said = pastes.run.stderr
    assert said.count("declares no charset and is not UTF-8: read as cp1252") == len(WESTERN) + 1, said[-3000:]
    assert said.count("declares no charset and is not UTF-8: read as cp1251") == 1, said[-3000:]


@pytest.mark.parametrize(("text", "codec", "expected"), [
    (WESTERN["fr"][0], "cp1252", "cp1252"),
    ("Maître Œdipe, cœur, sœur: 2,50 € — « ça »\n", "cp1252", "cp1252"),
    (RUSSIAN, "cp1251", "cp1251"),
    (UTF8, "utf-8", None),  # UTF-8: no guess
    ("plain ascii only\n", "ascii", None),
], ids=["fr", "ligatures", "ru", "utf8", "ascii"])
def test_what_an_undeclared_body_is_guessed_as(text: str, codec: str, expected: str | None) -> None:
    assert guessed_page_encoding("text/plain", text.encode(codec)) == expected
    # declared in the Content-Type, or in a <meta>, or by a BOM: no guess
    assert guessed_page_encoding("text/plain; charset=iso-8859-1", text.encode(codec)) is None
    assert guessed_page_encoding("text/html", b'<meta charset="windows-1250">' + text.encode(codec)) is None
    assert guessed_page_encoding("text/plain", b"\xef\xbb\xbf" + text.encode("utf-8")) is None


TAGS = {"zip_as_html": "zipenhtml", "zip_as_text_named_txt": "zipentexte", "gz_as_text": "gzentexte",
        "tar_as_text": "tarentexte", "zip_disposition_star": "dispetoile"}


@pytest.mark.parametrize("case", sorted(SNIFFED))
def test_an_archive_served_as_text_is_read_as_the_archive(pastes: Run, case: str) -> None:
    got = pastes.items(case)
    assert got and all(i.get("filename") for i in got), (case, got, pastes.run.stderr[-3000:])
    text = "\n".join(i["body"] for i in got)
    assert all(e in text for e in dump_emails(TAGS[case])), (case, got)
    if case == "zip_disposition_star":
        assert all(i["filename"].startswith("clients été.zip") for i in got), got


def test_a_text_paste_starting_with_pk_stays_text(pastes: Run) -> None:
    got = pastes.items("pk_text")
    assert [i.get("filename") for i in got] == [None] and all(e in got[0]["body"] for e in dump_emails("pktexte"))


def test_each_sniffed_archive_is_counted(pastes: Run) -> None:
    # the four served as text; the octet-stream one is a file already (its name decides)
    assert pastes.run.summary["refused"]["content_types_ignored"] == len(SNIFFED) - 1, pastes.run.summary
    assert pastes.run.stderr.count("but its bytes are a ") == len(SNIFFED) - 1, pastes.run.stderr[-3000:]


# Content-Disposition values: (header, the name a browser saves, read?)
DISPOSITIONS = [
    (b"attachment; filename=\"photo.jpg\"; filename*=UTF-8''clients.csv", "clients.csv", True),
    (b"attachment; filename*=UTF-8''photo.jpg; filename=\"clients.csv\"", "photo.jpg", False),  # either order
    (b'attachment; filename="clients;2024.csv"', "clients;2024.csv", True),
    (b"attachment; filename*=ISO-8859-1''donn%E9es.csv", "données.csv", True),
    (b"attachment; filename*=utf-8'fr'donn%C3%A9es%20m%C3%A9dicales.tsv", "données médicales.tsv", True),
    (b"attachment; filename*=Shift_JIS''%83%65%83%58%83%67.csv", "テスト.csv", True),
    (b"attachment; filename*=x-unknown-charset''caf%C3%A9.csv", "café.csv", True),
    (b"attachment; filename*0*=UTF-8''pati; filename*1=ents.; filename*2=csv", "patients.csv", True),
    (b'attachment; filename="\xc3\xa9l\xc3\xa8ves.csv"', "élèves.csv", True),  # raw UTF-8 bytes
    (b'inline; filename="C:\\\\Users\\\\x\\\\leak.csv"', "leak.csv", True),
    (b"attachment; filename*=UTF-8''clients.txt", "clients.txt", True),  # what phpBB sends
    (b'attachment; filename="clients.csv"', "clients.csv", True),
]


@pytest.mark.parametrize(("header", "name", "read"), DISPOSITIONS, ids=[str(k) for k in range(len(DISPOSITIONS))])
def test_a_content_disposition_is_read_as_a_browser_reads_it(header: bytes, name: str, read: bool) -> None:
    headers = Headers({"Content-Disposition": header, "Content-Type": "application/octet-stream"})
    assert file_name(headers, {}, "http://127.0.0.1/file.php?id=3") == name
    refused = type_refusal(name, headers, AttachmentLimits().extensions)
    assert (refused is None) == read, refused


def test_a_two_kilobyte_name_is_cut_keeping_its_type() -> None:
    for stem, ext in (("x" * 2048, "csv"), ("données " * 300, "xlsx"), ("a.b" * 1000, "zip")):
        headers = Headers({"Content-Disposition": f'attachment; filename="{stem}.{ext}"'.encode()})
        got = file_name(headers, {}, "http://127.0.0.1/f")
        assert len(got) <= 255 and got.endswith(f"….{ext}") and got.startswith(stem[:100]), got
    assert disposition_filename(b"attachment") is None and disposition_filename(b"") is None


# ---------------------------------------------------------------- 7z coders asking for gigabytes
def _seven_zip(tmp: Path, method: str, files: int = 1, tag: str = "septzip") -> bytes:
    """A 7z of `files` dumps written by 7-Zip with `method` (its header compressed past a few files)."""
    exe = shutil.which("7zz") or shutil.which("7z")
    if exe is None:
        raise RuntimeError("7-Zip (Debian package 7zip) is needed to write a 7z: scripts/setup.sh installs it")
    work = tmp / f"{method.replace(':', '_').replace('=', '')}-{files}-{tag}"
    work.mkdir()
    for k in range(files):
        (work / f"clients{k}.csv").write_text(dump(f"{tag}{k}"), encoding="utf-8")
    subprocess.run([exe, "a", "-bd", "-bso0", "-bsp0", *([] if files > 1 else ["-mhc=off"]), f"-m0={method}",
                    "x.7z", *(f"clients{k}.csv" for k in range(files))], cwd=work, check=True)
    return (work / "x.7z").read_bytes()


def _with_coder(data: bytes, method: bytes, props: bytes) -> bytes:
    """`data` (a 7z) with the properties of its first coder of `method` (in its header, or in its
    encoded header's own streams) replaced by `props`, the header's and start header's CRCs made
    right: what a hostile archiver writes."""
    offset, size = struct.unpack_from("<QQ", data, 12)
    start = 32 + offset
    header = bytearray(data[start:start + size])
    flag = bytes([0x20 | len(method)])  # a coder with properties, its id `len(method)` bytes long
    at = header.find(flag + method) + 1 + len(method)
    assert at > len(method) and header[at] == len(props), (method, header.hex())
    header[at + 1:at + 1 + len(props)] = props
    out = bytearray(data[:start] + bytes(header) + data[start + size:])
    struct.pack_into("<I", out, 28, zlib.crc32(header))
    struct.pack_into("<I", out, 8, zlib.crc32(bytes(out[12:32])))
    return bytes(out)


_LZMA, _LZMA2, _PPMD = b"\x03\x01\x01", b"\x21", b"\x03\x04\x01"
_WORKER = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))  # as a crawl under its memory limit
    from crawler.attachments import expand_attachment
    from vigie.config.schema import AttachmentLimits
    for name, path in json.loads(sys.stdin.read()):
        try:
            files = expand_attachment(name, open(path, "rb").read(), AttachmentLimits(), [])
            error = None
        except Exception as exc:
            files, error = [], f"{type(exc).__name__}: {exc}"
        print(json.dumps({"name": name, "files": {f.filename: f.data.decode("utf-8", "replace") for f in files},
                          "error": error}), flush=True)
""")


def test_a_7z_coder_asking_for_gigabytes_neither_kills_nor_hides(tmp_path: Path) -> None:
    """A 7z's LZMA coder asking for a 4 GB dictionary (LZMA2: 1.5 GB) for a member of a few hundred
    bytes: MemoryError under the crawl's address-space limit (`service.crawl_memory_limit_bytes`),
    the attachment lost; a PPMd coder asking for 4 GB aborted the whole process ("double free or
    corruption" in pyppmd). LZMA dictionaries are cut to what the folder unpacks (read, the same
    bytes); a PPMd model past `MAX_PPMD_MEMORY` or an encoded header asking too much is refused as a
    bomb; the process lives on and reads the next archive."""
    lzma = _seven_zip(tmp_path, "LZMA:d=64k", tag="lzmaquatre")
    cases = {  # name: (bytes, the dump it must give, or None: refused as a bomb)
        "lzma_4g.7z": (_with_coder(lzma, _LZMA, b"\x5d\xff\xff\xff\xff"), "lzmaquatre"),
        "lzma_1g.7z": (_with_coder(lzma, _LZMA, b"\x5d" + (1 << 30).to_bytes(4, "little")), "lzmaquatre"),
        "lzma2_max.7z": (_with_coder(_seven_zip(tmp_path, "LZMA2:d=64k", tag="lzmadeux"), _LZMA2, b"\x28"),
                         "lzmadeux"),
        "ppmd_4g.7z": (_with_coder(_seven_zip(tmp_path, "PPMd:mem=16m", tag="ppmdquatre"), _PPMD,
                                   b"\x06\xff\xff\xff\xff"), None),
        "ppmd_1g.7z": (_with_coder(_seven_zip(tmp_path, "PPMd:mem=16m", tag="ppmdun"), _PPMD,
                                   b"\x06" + (1 << 30).to_bytes(4, "little")), None),
        "header_4g.7z": (_with_coder(_seven_zip(tmp_path, "LZMA:d=64k", files=40, tag="entete"), _LZMA,
                                     b"\x5d\xff\xff\xff\xff"), None),
        "ppmd_ok.7z": (_seven_zip(tmp_path, "PPMd:mem=16m", tag="ppmdsain"), "ppmdsain"),  # guards: as before
        "lzma_ok.7z": (lzma, "lzmaquatre"),
    }
    paths = []
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append((name, str(tmp_path / name)))
    proc = subprocess.run([sys.executable, "-c", _WORKER], input=json.dumps(paths), capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {r["name"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(got) == set(cases), (got, proc.stderr[-2000:])
    for name, (_, tag) in cases.items():
        if tag is None:
            assert (got[name]["error"] or "").startswith("ArchiveBombError"), got[name]
        else:
            text = "\n".join(got[name]["files"].values())
            assert got[name]["error"] is None and all(e in text for e in dump_emails(f"{tag}0")), got[name]


# ---------------------------------------------------------------- forum pages served as JSON
class Retyped:
    """The kit's own answer for `path` with its Content-Type lines replaced by `types` (a header a
    line each; none: no Content-Type) and its body by `body(kit's body)` when given."""

    def __init__(self, server: ForumServer, path: str, types: list[str],
                 body: Callable[[bytes], bytes] | None = None) -> None:
        self.server, self.path, self.types, self.body = server, path, types, body
        server.raw_routes[path] = self

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        real, captured = handler.wfile, io.BytesIO()
        handler.wfile = captured  # type: ignore[assignment]
        del self.server.raw_routes[self.path]
        try:
            handler._dispatch("GET")  # type: ignore[attr-defined]
        finally:
            self.server.raw_routes[self.path] = self
            handler.wfile = real
        head, _, body = captured.getvalue().partition(b"\r\n\r\n")
        keep = [line for line in head.split(b"\r\n") if not line.lower().startswith(
            (b"content-type:", b"content-length:", b"transfer-encoding:", b"connection:"))]
        body = self.body(body) if self.body is not None else body
        keep += [f"Content-Type: {t}".encode() for t in self.types]
        real.write(b"\r\n".join([*keep, b"Content-Length: %d" % len(body), b"Connection: close"]) + b"\r\n\r\n" + body)
        real.flush()


@dataclass
class ForumRun:
    run: CrawlRun
    served_json: dict[str, set[int]]  # case: the posts it must give
    healthy: set[int]
    error_thread: int

    def posts(self) -> set[int]:
        return {post_number(p) for p in self.run.posts()}


@pytest.fixture(scope="module")
def forum_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForumRun]:
    tmp = tmp_path_factory.mktemp("round17forum")
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        data = server.data
        threads = {  # case: (board, Content-Type lines, body edit)
            "json": (0, ["application/json"], None),
            "x_json_charset": (1, ["application/x-json; charset=utf-8"], None),
            "json_bom_blank": (0, ["application/json"], lambda b: b"\xef\xbb\xbf\r\n  \n" + b),
        }
        served: dict[str, set[int]] = {}
        for case, (board, types, edit) in threads.items():
            tid = forum.thread(board=board, body=f"message {case}")
            Retyped(server, f"/thread/{tid}", types, edit)
            served[case] = {p.id for p in data.posts.values() if p.thread_id == tid}
        # a whole board's listing served as JSON: its threads are read all the same
        board = data.boards[2]
        Retyped(server, f"/board/{board.id}", ["application/json"])
        served["board_json"] = {p.id for p in data.posts.values() if data.threads[p.thread_id].board_id == board.id}
        # a thread answering real JSON where its page was (an API's error): no post, no traceback
        error_thread = forum.thread(board=1, raw=answer(b'{"error": "maintenance", "retry": 60}', "application/json"))
        healthy = forum.healthy_posts() - set().union(*served.values())
        run = crawl(make_config(tmp / "config", server.url, limits={"retries": 0}), tmp / "data", "test-phpbb",
                    timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    yield ForumRun(run, served, healthy, error_thread)


@pytest.mark.parametrize("case", ["json", "x_json_charset", "json_bom_blank", "board_json"])
def test_a_page_served_as_json_is_read_as_the_page_it_is(forum_run: ForumRun, case: str) -> None:
    missed = forum_run.served_json[case] - forum_run.posts()
    assert forum_run.served_json[case] and not missed, (case, missed, forum_run.run.stderr[-3000:])


def test_json_pages_are_counted_and_nothing_else_is_lost(forum_run: ForumRun) -> None:
    said = forum_run.run.stderr
    assert "Traceback" not in said and "Selector of type 'json'" not in said, said[-3000:]
    assert forum_run.run.summary["refused"]["content_types_ignored"] == 4, forum_run.run.summary
    assert said.count("is served as application/") == 4, said[-3000:]
    assert forum_run.healthy <= forum_run.posts(), forum_run.healthy - forum_run.posts()
    # the thread answering real JSON: no post on it, given up with its reason (not a traceback)
    assert forum_run.run.summary["errors"] == 1 and f"/thread/{forum_run.error_thread}: no post found" in said


# ---------------------------------------------------------------- archives padded with empty entries
SMALL = AttachmentLimits(max_files=10)  # a directory of 10 kB at most: a few hundred empty entries pass it


def _padded_zip(tag: str, *, empties: int, where: str = "first", directories: bool = False,
                method: int = zipfile.ZIP_STORED, real: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        def dumps() -> None:
            for k in range(real):
                z.writestr(f"export/clients{k}.csv", dump(f"{tag}{k}"))
        if where == "first":
            dumps()
        for k in range(empties):
            z.writestr(f"vide/{k}/" if directories else f"vide/{k}.txt", b"")
        if where == "last":
            dumps()
    return out.getvalue()


def _zip64_padded(tag: str, empties: int) -> bytes:
    """A stored zip of a dump then `empties` empty files, written by hand (zipfile takes seconds to
    write 70,000 entries): past 65,535 entries its end record is a zip64 one, as zipfile writes it."""
    local, central = bytearray(), bytearray()
    members = [(b"export/clients.csv", dump(tag).encode())] + [(b"vide/%d.txt" % k, b"") for k in range(empties)]
    for name, data in members:
        crc, offset = zlib.crc32(data), len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0)
        local += name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, len(data), len(data),
                               len(name), 0, 0, 0, 0, 0, offset) + name
    count, at = len(members), len(local)
    end64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), at)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at + len(central), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(central), at, 0)
    return bytes(local + central + end64 + locator + end)


@pytest.mark.parametrize(("case", "make", "tags"), [
    ("dump_first", lambda: _padded_zip("videpremier", empties=500), ["videpremier0"]),
    ("dump_last", lambda: _padded_zip("videdernier", empties=500, where="last"), ["videdernier0"]),
    ("directories", lambda: _padded_zip("dossiers", empties=500, directories=True), ["dossiers0"]),
    ("deflated_empties", lambda: _padded_zip("videdeflate", empties=500, method=zipfile.ZIP_DEFLATED),
     ["videdeflate0"]),
    ("three_dumps", lambda: _padded_zip("videtrois", empties=500, where="last", real=3),
     ["videtrois0", "videtrois1", "videtrois2"]),
    ("zip64_70000", lambda: _zip64_padded("videzip64", 70_000), ["videzip64"]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_zip_padded_with_empty_entries_is_read(case: str, make: Callable[[], bytes], tags: list[str]) -> None:
    """Empty files (or directories) beside a dump made the zip's directory too big for
    `attachments.max_files`: refused whole as a bomb, the dump with it. Empty entries hold nothing
    and count for nothing now; what is in the zip is read."""
    files = expand_attachment("vides.zip", make(), AttachmentLimits() if case == "zip64_70000" else SMALL, [])
    text = "\n".join(f.data.decode() for f in files)
    assert len(files) == len(tags) and all(e in text for t in tags for e in dump_emails(t)), [f.filename for f in files]


def test_a_zip_of_too_many_real_files_is_still_refused() -> None:
    for data in (_padded_zip("trop", empties=0, real=SMALL.max_files + 1),  # (its directory within the bytes)
                 _padded_zip("tropvide", empties=500, real=SMALL.max_files + 1)):
        with pytest.raises(ArchiveBombError, match="max_files"):
            expand_attachment("trop.zip", data, SMALL, [])


def test_a_tar_or_7z_padded_with_empty_files_is_read(tmp_path: Path) -> None:
    """The same padding in a tar (150 empty files, `attachments.max_files` is 100) or a 7z: refused
    whole (`more than 100 files`), the dump in it lost; empty files count for nothing now."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        for k in range(150):
            t.addfile(tarfile.TarInfo(f"vide/{k}.txt"), io.BytesIO(b""))
        data = dump("tarvide").encode()
        info = tarfile.TarInfo("export/clients.csv")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    exe = shutil.which("7zz") or shutil.which("7z")
    assert exe is not None, "7-Zip (Debian package 7zip) is needed to write a 7z: scripts/setup.sh installs it"
    (tmp_path / "vide").mkdir()
    for k in range(150):
        (tmp_path / "vide" / f"{k}.txt").write_bytes(b"")
    (tmp_path / "clients.csv").write_text(dump("septvide"), encoding="utf-8")
    subprocess.run([exe, "a", "-bd", "-bso0", "-bsp0", "x.7z", "vide", "clients.csv"], cwd=tmp_path, check=True)
    for name, data, tag in (("vides.tar", out.getvalue(), "tarvide"), ("vides.7z", (tmp_path / "x.7z").read_bytes(),
                                                                           "septvide")):
        files = expand_attachment(name, data, AttachmentLimits(), [])
        assert len(files) == 1 and all(e in files[0].data.decode() for e in dump_emails(tag)), (name, files)
    with pytest.raises(ArchiveBombError, match="max_files"):  # real files past the cap: refused as before
        expand_attachment("trop.zip", _padded_zip("tropvrai", empties=0, real=101), AttachmentLimits(), [])
