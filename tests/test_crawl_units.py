"""Fast tests of the crawler's parts: archive caps, dates, text layout, state, settings, rules."""

from __future__ import annotations

import gzip
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

from crawler import TorUnavailableError
from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from crawler.middlewares import backoff_delay
from crawler.settings import build_settings
from crawler.spiders._base import element_text, first_text, parse_date
from crawler.state import CrawlState
from tests.fixtures.archives import zip_of
from tests.fixtures.spider_output import spider_output
from vigie.config.schema import AttachmentLimits, GlobalConfig, SourceConfig
from vigie_kit.forum_data import bomb_zip

LIMITS = AttachmentLimits(max_uncompressed_bytes=4 * 1024 * 1024, max_files=10, max_nesting=1)


# ------------------------------------------------------------------ attachments

def test_plain_and_archived_files_are_extracted() -> None:
    assert [f.filename for f in expand_attachment("a.csv", b"x;y", LIMITS)] == ["a.csv"]
    files = expand_attachment("d.zip", zip_of({"in/a.csv": b"1;2", "b.exe": b"MZ", "c.sql": b"INSERT"}), LIMITS)
    assert [(f.filename, f.data) for f in files] == [("d.zip/in/a.csv", b"1;2"), ("d.zip/c.sql", b"INSERT")]
    assert expand_attachment("x.sql.gz", gzip.compress(b"SELECT 1"), LIMITS)[0].data == b"SELECT 1"


def _tar(members: dict[str, bytes], link: str | None = None) -> bytes:
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        if link is not None:  # a symbolic link to a file outside: skipped, never followed
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tf.addfile(info)
    return buf.getvalue()


def test_tar_bz2_and_xz_dumps_are_extracted() -> None:
    """Leaks are often shared as .tar.gz, .tgz, .tar.bz2, .tar.xz or a lone .sql.xz; each is read
    in memory within the caps (a compressed tar is one archive level, not two)."""
    import bz2
    import lzma

    rows = b"email;phone\n" + b"a@example.org;0601020304\n" * 50
    tar = _tar({"dump/clients.csv": rows, "dump/tool.exe": b"MZ", "dump/base.sql": b"INSERT 1"}, link="dump/x.csv")
    want = [("dump/clients.csv", rows), ("dump/base.sql", b"INSERT 1")]
    flat = AttachmentLimits(max_uncompressed_bytes=4 * 1024 * 1024, max_files=10, max_nesting=0)
    for name, data in (("leak.tar", tar), ("leak.tar.gz", gzip.compress(tar)), ("leak.tgz", gzip.compress(tar)),
                       ("leak.tar.bz2", bz2.compress(tar)), ("leak.tar.xz", lzma.compress(tar))):
        files = expand_attachment(name, data, flat)
        inner = name.removesuffix(".gz").removesuffix(".bz2").removesuffix(".xz").replace(".tgz", ".tar")
        assert [(f.filename, f.data) for f in files] == [(f"{inner}/{n}", d) for n, d in want], name
    assert expand_attachment("base.sql.xz", lzma.compress(b"SELECT 1"), LIMITS)[0].data == b"SELECT 1"
    # two bzip2 streams one after the other (pbzip2 writes them): both read
    two = bz2.compress(rows[:100]) + bz2.compress(rows[100:])
    assert expand_attachment("dump.csv.bz2", two, LIMITS)[0].data == rows


def test_address_books_directory_and_xml_exports_are_read_by_default() -> None:
    """.vcf, .ldif and .xml files, alone or inside an archive, are kept for detection by the
    default attachment settings: Vigie reads those shapes (vCard, LDIF, XML records)."""
    from indexer.detect import detect
    from indexer.tokens import MatchKey

    card = b"BEGIN:VCARD\nVERSION:3.0\nN:Dupont;Jean;;;\nEMAIL:jean.dupont@example.org\nTEL:0612345678\nEND:VCARD\n"
    entry = b"dn: cn=Jean Dupont,dc=x\ncn: Jean Dupont\nmail: jean.dupont@example.org\nmobile: 0612345678\n"
    xml = b"<p><nom>Dupont</nom><email>jean.dupont@example.org</email><tel>0612345678</tel></p>\n" * 2
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("contacts.vcf", card)
        z.writestr("annuaire.ldif", entry)
        z.writestr("export.xml", xml)
        z.writestr("readme.exe", b"MZ")
    defaults = AttachmentLimits()
    files = expand_attachment("leak.zip", buf.getvalue(), defaults)
    assert [f.filename for f in files] == ["leak.zip/contacts.vcf", "leak.zip/annuaire.ldif", "leak.zip/export.xml"]
    assert {"vcf", "ldif", "xml"} <= set(defaults.extensions)
    from indexer.decode import looks_like_html

    assert not looks_like_html('<?xml version="1.0"?>\n<r><p>x</p></r>')  # its <p> records keep their tags
    assert looks_like_html('<?xml version="1.0"?>\n<!DOCTYPE html><html><body><p>x</p></body></html>')  # XHTML
    assert looks_like_html("<div><p>x</p></div>") and looks_like_html("<r><p>x</p></r>", "page.html")
    key = MatchKey(b"\x07" * 32)
    for f in files:
        frags = detect(f.data, key=key, filename=f.filename)
        assert {i.value for fr in frags for i in fr.identifiers} >= {"jean.dupont@example.org", "+33612345678"}, f


def test_tar_bz2_and_xz_bombs_and_damage_are_refused() -> None:
    import bz2
    import lzma

    for name, bomb in (("dump.sql.bz2", bz2.compress(bytes(64 * 1024 * 1024))),
                       ("dump.sql.xz", lzma.compress(bytes(64 * 1024 * 1024)))):
        tracemalloc.start()
        try:
            with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
                expand_attachment(name, bomb, LIMITS)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 16 * 1024 * 1024, (name, peak)  # the 4 MB cap and a chunk, not 64 MB
    with pytest.raises(ArchiveBombError, match="max_files"):
        expand_attachment("many.tar.gz", gzip.compress(_tar({f"{i}.csv": b"x" for i in range(11)})), LIMITS)
    # thousands of empty bzip2 streams: nothing for the byte budget to see, so they are counted
    started = time.perf_counter()
    with pytest.raises(ArchiveBombError, match="streams"):
        expand_attachment("empty.csv.bz2", bz2.compress(b"") * 5000, LIMITS)
    assert time.perf_counter() - started < 2
    with pytest.raises(AttachmentError, match="cut short"):
        expand_attachment("dump.csv.bz2", bz2.compress(b"a;b\n" * 1000)[:-20], LIMITS)
    with pytest.raises(AttachmentError, match="not a valid tar"):
        expand_attachment("broken.tar", b"\x01" * 1024, LIMITS)
    # a sparse member: 4 stored bytes that tarfile expands to 2 GB of made-up zeros (10 kB of tar)
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        info = tarfile.TarInfo("dump.csv")
        info.size = 4
        info.pax_headers = {"GNU.sparse.map": "0,4", "GNU.sparse.size": str(2**31)}
        tf.addfile(info, io.BytesIO(b"a;b\n"))
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
            expand_attachment("sparse.tar", buf.getvalue(), LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak
    with pytest.raises(AttachmentError, match="not a valid xz"):
        expand_attachment("broken.sql.xz", b"\xfd7zXZ\x00garbage", LIMITS)


def test_zip_bomb_refused_from_its_declared_size_without_inflating() -> None:
    # The member's deflate stream is replaced by bytes zlib refuses: a reader that inflated
    # anything before checking the declared size would fail on them ("not a valid zip"), not
    # refuse the bomb from its headers. (A timing bound proved this only on a quiet machine.)
    bomb = bytearray(bomb_zip(32))
    with zipfile.ZipFile(io.BytesIO(bytes(bomb))) as archive:
        (info,) = archive.infolist()
    name_length, extra_length = struct.unpack_from("<HH", bomb, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    bomb[start:start + info.compress_size] = b"\xff" * info.compress_size
    with zipfile.ZipFile(io.BytesIO(bytes(bomb))) as archive, pytest.raises(zlib.error):
        archive.read(info)  # the stream is broken indeed
    with pytest.raises(ArchiveBombError, match="declares 33554432 uncompressed bytes"):
        expand_attachment("backup.zip", bytes(bomb), LIMITS)


def test_zip_lying_about_its_size_is_never_expanded_beyond_it() -> None:
    data = bytearray(zip_of({"dump.csv": bytes(8 * 1024 * 1024)}))
    # rewrite the declared uncompressed size (local header offset 22, central directory offset 24)
    struct.pack_into("<I", data, 22, 100)
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 100)
    with pytest.raises(AttachmentError):
        expand_attachment("liar.zip", bytes(data), LIMITS)


def test_gzip_bomb_stopped_while_streaming() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=1)
    with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
        expand_attachment("dump.sql.gz", bomb, LIMITS)


def test_nesting_file_count_and_size_caps() -> None:
    # max_nesting=1: one archive inside the downloaded one is expanded, a second level is refused
    assert expand_attachment("outer.zip", zip_of({"i.zip": zip_of({"a.csv": b"1"})}), LIMITS)[0].data == b"1"
    three_levels = zip_of({"mid.zip": zip_of({"deep.zip": zip_of({"a.csv": b"1"})})})
    with pytest.raises(ArchiveBombError, match="max_nesting"):
        expand_attachment("outer.zip", three_levels, LIMITS)
    with pytest.raises(ArchiveBombError, match="max_files"):
        expand_attachment("many.zip", zip_of({f"{i}.csv": b"x" for i in range(11)}), LIMITS)
    with pytest.raises(ArchiveBombError, match="max_bytes"):
        expand_attachment("big.csv", b"x" * 100, AttachmentLimits(max_bytes=10))
    with pytest.raises(AttachmentError, match="not a valid zip"):
        expand_attachment("broken.zip", b"PK\x03\x04garbage", LIMITS)


def test_a_zip_with_bytes_cut_out_is_an_attachment_error() -> None:
    """Bytes cut out of a member (a torn download, or forged) shift the central directory: zipfile
    reads the directory but then seeks before the file's start, a ValueError it does not document
    (found by tests/fuzz.py). It must come out as the attachment's corruption, which the spider
    counts and logs, not as an exception that loses the download unseen."""
    whole = zip_of({"a.csv": b"email\n" + b"x@ex.fr\n" * 50, "b.csv": b"1"})
    cut = whole[:40] + whole[50:]
    with pytest.raises(ValueError, match="negative seek"):  # what zipfile itself raises
        with zipfile.ZipFile(io.BytesIO(cut)) as z:
            z.read("a.csv")
    with pytest.raises(AttachmentError, match=r"corrupt, cannot be unpacked \(ValueError: negative seek"):
        expand_attachment("torn.zip", cut, LIMITS)


# ------------------------------------------------------------------ parsing

@pytest.mark.parametrize(("text", "fmt", "tz", "expected"), [
    ("12 mars 2026 à 14:05", "%d %B %Y à %H:%M", "Europe/Paris", datetime(2026, 3, 12, 13, 5, tzinfo=UTC)),
    ("1er août 2025 à 09:00", "%d %B %Y à %H:%M", "Europe/Paris", datetime(2025, 8, 1, 7, 0, tzinfo=UTC)),
    ("Le 3 déc. 2025, 14h05", "Le %d %b %Y, %Hh%M", "UTC", datetime(2025, 12, 3, 14, 5, tzinfo=UTC)),
    ("2026-03-12T14:05:00+01:00", None, "UTC", datetime(2026, 3, 12, 13, 5, tzinfo=UTC)),
    ("2026-03-12T14:05:00Z", None, "UTC", datetime(2026, 3, 12, 14, 5, tzinfo=UTC)),
    ("hier", "%d %B %Y", "UTC", None),
])
def test_dates(text: str, fmt: str | None, tz: str, expected: datetime | None) -> None:
    assert parse_date(text, fmt, tz) == expected


def test_text_layout_keeps_one_record_per_line() -> None:
    sel = Selector(text="<div>Hello   world<br>\na@b.fr:pw<br>\nc@d.fr:pw<pre>x;y\nz;w</pre>"
                        "<p>fin <b>gras</b></p><script>evil()</script></div>")
    assert element_text(sel.css("div")[0].root) == "Hello world\na@b.fr:pw\nc@d.fr:pw\nx;y\nz;w\nfin gras"


def test_first_text_ignores_nested_matches_and_reads_attributes() -> None:
    sel = Selector(text='<div class="p" id="p1"><a class="author">alice</a>'
                        '<div class="p" id="p2"><a class="author">bob</a></div></div>')
    post = sel.css("div.p")[0]
    assert first_text(post, ".author::text") == "alice"
    assert first_text(post, "::attr(id)") == "p1"
    assert first_text(post, "xpath:.//a[@class='author']/text()") == "alice"
    assert first_text(post, "xpath:@id") == "p1"


def test_first_text_of_a_table_cell_is_its_text_alone() -> None:
    """A listing's column picked whole (Trac's ticket query: `td.component`, the thread's board)
    read as '\\t Leaks santé' before: the tab that parts a row's cells, and the cell's indentation."""
    row = Selector(text='<table><tr><td class="id">#9</td><td class="component">\n   Leaks santé\n  </td>'
                        '<td class="who"><a href="/u/1">bob</a></td></tr></table>').css("tr")[0]
    assert first_text(row, "td.component") == "Leaks santé"
    assert first_text(row, "td.who") == "bob"
    assert first_text(row, "td.id") == "#9"


# ------------------------------------------------------------------ state

def test_state_marks_threads_final_only_on_their_last_page(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "src")
    state.record_thread_page("t1", "http://f/t1?page=1", 1, marker="5")
    assert state.thread("t1").marker is None and state.thread("t1").page_count == 1
    state.record_thread_page("t1", "http://f/t1?page=2", 2, marker="5", final=True)
    t = state.thread("t1")
    assert (t.marker, t.page_count, t.last_page_url) == ("5", 2, "http://f/t1?page=2")
    state.record_thread_page("t1", "http://f/t1?page=1", 1)  # an older page never moves it back
    assert state.thread("t1").last_page_url == "http://f/t1?page=2"
    state.record_post("t1#p1", "h1", "t1")
    assert state.post_seen("t1#p1", "h1") and not state.post_seen("t1#p1", "h2")
    state.file_pending("http://f/a.csv", {"thread": {"key": "t1"}})
    assert state.pending_files() == [("http://f/a.csv", {"thread": {"key": "t1"}})]
    state.file_done("http://f/a.csv")
    assert state.pending_files() == [] and state.file_status("http://f/a.csv") == "done"
    state.set_status("needs_attention", "login wall", {"pages": 3})
    assert state.status().status == "needs_attention" and state.status().last_run == {"pages": 3}
    other = CrawlState(tmp_path / "s.sqlite3", "other")
    assert other.thread("t1") is None and other.status() is None


# ------------------------------------------------------------------ settings

def _source(network: str = "direct", **extra: object) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "s", "network": network,
        "start_urls": ["http://forum.example.onion/" if network == "tor" else "http://forum.example.test/"],
        "schedule": {"interval": "1h"}, "forum": {"thread_link": "a::attr(href)",
                                                  "post": {"container": "div", "body": "p"}}, **extra})


def test_settings_follow_the_source_limits(tmp_path: Path) -> None:
    source = _source(limits={"concurrency": 3, "delay_seconds": 2, "max_pages": 7, "max_depth": 4,
                             "max_download_bytes": 4096, "retries": 5, "retry_backoff_seconds": 0.5})
    s = build_settings(source, GlobalConfig(), state_path=tmp_path / "st", max_pages=3)
    assert (s["CONCURRENT_REQUESTS_PER_DOMAIN"], s["DOWNLOAD_DELAY"], s["RANDOMIZE_DOWNLOAD_DELAY"]) == (3, 2, True)
    assert (s["CLOSESPIDER_PAGECOUNT"], s["VIGIE_MAX_DEPTH"], s["DOWNLOAD_MAXSIZE"]) == (3, 4, 4096)
    assert (s["RETRY_TIMES"], s["VIGIE_RETRY_BACKOFF_BASE_SECONDS"], s["ROBOTSTXT_OBEY"]) == (5, 0.5, False)
    assert s["VIGIE_ALLOWED_HOSTS"] == ["forum.example.test"]
    assert "DOWNLOAD_HANDLERS" not in s, "direct sources use Scrapy's own HTTP handler"


def test_tor_source_gets_the_tor_handler_or_fails_closed(tmp_path: Path) -> None:
    s = build_settings(_source("tor"), GlobalConfig(), state_path=tmp_path / "st", tor_socks=("127.0.0.1", 9999))
    handlers = s["DOWNLOAD_HANDLERS"]
    assert {k for k, v in handlers.items() if v} == {"http", "https"}  # every other scheme is off
    assert {"ftp", "s3", "file"} <= {k for k, v in handlers.items() if v is None}
    assert (s["VIGIE_TOR_SOCKS_HOST"], s["VIGIE_TOR_SOCKS_PORT"]) == ("127.0.0.1", 9999)
    # a SOCKS host that does not resolve (the suite runs with loopback only) stops the crawl:
    # no settings without the Tor handler, so never a direct connection instead
    with pytest.raises(TorUnavailableError, match="cannot resolve the Tor SOCKS host 'no-such-tor.invalid'"):
        build_settings(_source("tor"), GlobalConfig(), state_path=tmp_path / "st",
                       tor_socks=("no-such-tor.invalid", 9050))


def test_backoff_grows_and_is_capped() -> None:
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, 1.0, 5.0, rng) for n in range(1, 6)]
    assert 0.75 <= delays[0] <= 1.25 and 1.5 <= delays[1] <= 2.5 and 3 <= delays[2] <= 5
    assert max(delays) <= 5 * 1.25
    assert backoff_delay(3, 0, 10) == 0


def test_cookie_public_suffix_check_never_goes_online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy's cookie middleware would download the public suffix list from GitHub (clearnet,
    outside Tor) on the first Set-Cookie; `ensure_offline` makes it use the bundled snapshot."""
    import socket

    import scrapy.downloadermiddlewares.cookies as cookies

    from crawler._offline import ensure_offline

    lookups: list[object] = []

    def no_network(*args: object, **kwargs: object) -> object:
        lookups.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    ensure_offline()
    assert cookies._is_public_domain("onion") and cookies._is_public_domain("co.uk")
    assert not cookies._is_public_domain("exampleforum.onion")
    assert lookups == []


def test_pending_attachments_wait_for_the_login(tmp_path: Path) -> None:
    """A request sent while the login runs can swap the session cookie between the form's CSRF
    token and the POST (seen as an intermittent failed login on re-crawls): with a login, the
    only thing a forum spider starts with is the login request."""
    import asyncio

    import yaml

    from crawler.spiders.forum import ForumSpider

    text = (Path(__file__).resolve().parents[1] / "config" / "sources" / "example-forum.yaml").read_text()
    data = yaml.safe_load(text.replace("${EXAMPLE_FORUM_USER:-watcher}", "watcher")
                          .replace("${EXAMPLE_FORUM_PASSWORD:-change-me}", "forum-pw-1"))
    source = SourceConfig.model_validate(data)
    state = CrawlState(tmp_path / "s.sqlite3", source.name)
    state.file_pending("http://exampleforum.onion/files/7", {"post_url": "x", "thread_url": "y"})
    spider = ForumSpider(source=source, state=state, sink=None)

    async def first_requests() -> list[Any]:
        return [r async for r in spider.start()]

    started = asyncio.run(first_requests())
    assert [r.url for r in started] == [source.login.url]
    assert any(r.url.endswith("/files/7") for r in spider._after_login)  # sent once logged in


def test_control_characters_in_a_page_do_not_fail_nested_posts_or_exclude() -> None:
    """lxml's HTML parser keeps a C0 control character of the page in its text, but refuses to
    set one through its API: taking a nested post or an excluded part out joins its tail to the
    text before it, and one "\\x01" or "\\x1c" there failed the whole page (found by tests/fuzz.py).
    Each post is still read, its own text kept, the character read as a space."""
    from crawler.spiders.extract import page_posts, page_threads
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({"thread_rows": "div.row", "thread_link": "a::attr(href)", "post": {
        "container": "div.post", "author": "span.who", "body": ".content", "exclude": ["div.sig"]}})
    nested = ("<html><body><div class='post'><span class='who'>anne</span><div class='content'>one\x01"
              "<div class='sig'>sig</div>\x1c after sig</div>"
              "<div class='post'><span class='who'>luc</span><div class='content'>two</div></div>\x01tail\x0b"
              "</div></body></html>")
    posts = page_posts(Selector(text=nested), "http://forum.onion/t/1", forum, datetime.now(UTC))
    assert [(p.author, " ".join(p.body.split())) for p in posts] == [("anne", "one after sig"), ("luc", "two")]
    rows = "<html><body><div class='row'><a href='/t/1'>a</a>\x02<div class='row'><a href='/t/2'>b</a></div>\x03x</div>"
    assert [t.url for t in page_threads(Selector(text=rows), "http://forum.onion/", forum)] == [
        "http://forum.onion/t/1", "http://forum.onion/t/2"]


def test_a_link_no_url_can_be_made_of_is_skipped_not_the_page(tmp_path: Path) -> None:
    """A site writes its links: "http://[x" makes urljoin raise ValueError, and one such board,
    thread or next link failed the forum spider's whole listing (found by tests/fuzz.py). Through
    the shipped source's selectors and Scrapy's own response, the spider follows every other link
    of the page; the bad one is skipped like a row without a link."""
    import yaml
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawler.spiders._base import absolute_url
    from crawler.spiders.forum import ForumSpider

    assert absolute_url("http://f.onion/b/1", " /t/2#p9 ") == "http://f.onion/t/2"
    assert absolute_url("http://f.onion/b/1", "/t/2#p9", keep_fragment=True) == "http://f.onion/t/2#p9"
    assert absolute_url("http://f.onion/b/1", "http://[x/t/3") is None
    for other in ("ht:tp//f.onion/t/4", "mailto:anne@exemple.fr", "javascript:go(5)", "ftp://f.onion/x",
                  "http://f.onion: Fernandes</t/7", "http://f.onion:99999999/t/8",
                  "https: 04h 12m</span><span class=", "https:"):
        assert absolute_url("http://f.onion/b/1", other) is None, other
    assert absolute_url("https://f.onion/b/1", "HTTPS://f.onion/t/6") == "https://f.onion/t/6"
    shipped = Path(__file__).resolve().parents[1] / "config" / "sources" / "example-forum.yaml"
    data = yaml.safe_load(shipped.read_text())
    data.pop("login")
    source = SourceConfig.model_validate(data)
    spider = ForumSpider.from_crawler(get_crawler(ForumSpider), source=source,
                                      state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None)
    rows = "".join(f'<tr class="thread"><td><a class="thread-title" href="{href}">t</a></td>'
                   f'<td class="replies">{n}</td></tr>'
                   for n, href in enumerate(["/t/1", "http://[bad/t/2", "/t/3", "ht:tp//x/t/4"]))
    page = (f'<html><body><a class="board-link" href="http://[x/b/9">x</a><a class="board-link" href="/b/2">b</a>'
            f'<table>{rows}</table><a rel="next" href="http://[x/b/1?page=2">next</a></body></html>')
    url = "http://exampleforum.onion/b/1"
    response = HtmlResponse(url, body=page.encode(), encoding="utf-8",
                            request=Request(url, meta={"vigie_role": "board", "vigie_chain": url, "vigie_page": 1}))
    followed = [r.url for r in spider.parse_listing(response) if isinstance(r, Request)]
    assert "http://exampleforum.onion/b/2" in followed
    assert "http://exampleforum.onion/t/1" in followed and "http://exampleforum.onion/t/3" in followed
    assert not any("[" in u or "ht:tp" in u for u in followed)


def test_an_attribute_name_with_a_control_character_does_not_fail_the_page() -> None:
    """lxml's HTML parser lets a control character into an attribute's name; parsel's `attrib`
    reads every attribute and raises on it, which failed the whole page where the spiders read
    links' href, rel and title, and dates' attributes (found by tests/fuzz.py). Only the named
    attribute is read now."""
    from crawler.spiders._dates import read_date
    from crawler.spiders.extract import last_page_link, next_link
    from vigie.config.schema import DateSelector

    page = Selector(text='<html><body><div class="nav"><a \x01x="1" href="/t/1?page=2">Suivant</a>'
                         '<a \x02y="2" href="/t/1?page=9">»»</a></div>'
                         '<time \x03z="3" datetime="2026-03-01T13:00:00Z">1 mars</time></body></html>')
    assert next_link(page, "http://f.onion/t/1", None, ["suivant"]) == "http://f.onion/t/1?page=2"
    assert last_page_link(page, "http://f.onion/t/1") == "http://f.onion/t/1?page=9"
    reading = read_date(page, DateSelector(selector="time", attributes=["datetime"]), datetime.now(UTC))
    assert reading.value == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(("body", "text"), [(b" \x00", ""), (b"<!-- only a comment -->", ""),
                                             (b"<html><body><p>anne@exemple.fr</p></body></html>", "anne@exemple.fr"),
                                             (b"<pre>a;b\nanne@exemple.fr;1</pre>", "a;b\nanne@exemple.fr;1"),
                                             # an unclosed IPv6 host in a link: urlsplit raised while
                                             # the paste's archive links were read (tests/fuzz.py)
                                             (b"<pre>http://[x/dump.zip anne@exemple.fr</pre>",
                                              "http://[x/dump.zip anne@exemple.fr")])
def test_a_paste_page_without_a_body_is_still_a_paste(tmp_path: Path, body: bytes, text: str) -> None:
    """An HTML paste page with no <body> element (nothing but a NUL, or a comment) raised
    IndexError and lost the paste (found by tests/fuzz.py): its text is empty instead; a page's
    <pre>, else its body, is still the paste's text."""
    import yaml
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawler.items import VigieItem
    from crawler.spiders.paste import PasteSpider

    shipped = Path(__file__).resolve().parents[1] / "config" / "sources" / "example-paste.yaml"
    source = SourceConfig.model_validate(yaml.safe_load(shipped.read_text()))
    spider = PasteSpider.from_crawler(get_crawler(PasteSpider), source=source,
                                      state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None)
    url = source.start_urls[0].rstrip("/") + "/raw/Ab12"
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html"},
                            request=Request(url, meta={"vigie_paste": {"id": "Ab12", "url": url, "title": "t"}}))
    (item,) = [x for x in spider_output(spider.parse_paste(response)) if isinstance(x, VigieItem)]
    assert item.item.body.strip() == text
