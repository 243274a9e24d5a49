"""Wave 6 attacker's review: each test is an attack that worked on the code before its fix.

- A hostile site's zip attachment with a bzip2 member: zipfile inflates a bzip2 (or LZMA)
  member's whole read chunk with no output limit, and cuts the result to the member's declared
  size only afterwards, so a few hundred bytes that declare 1 kB allocate hundreds of MB (64 kB of
  them, tens of GB: the crawl dies on every run, the attachment stays pending) before any cap.
  (Fixed first by refusing such members; since wave 7 Vigie decompresses them itself, bounded.)
- Another local user and an operator's `-o` path in a shared directory (/tmp): a file they
  planted there stays theirs whatever mode Vigie gives it, a symbolic link they planted sends
  the write to a file they chose, and a file of ours they opened while it was readable keeps
  showing them what Vigie writes (`vigie leak pack/export -o`, `vigie crawl -o` plaintext items,
  `vigie hash -o` pre-hashes).
- An operator's Elasticsearch URL with the password in it (`https://elastic:PW@es:9200`): quoted
  by `vigie config check`, store errors and logs.
"""

from __future__ import annotations

import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from crawler.sink import JsonlSink
from indexer.models import CrawledItem
from tests.fixtures.forum import shipped_example_env
from vigie.cli import app
from vigie.config.loader import check_config_dir
from vigie.config.schema import AttachmentLimits
from vigie.core.files import PrivateFileError, write_private

REPO = Path(__file__).resolve().parents[1]
OTHER_UID = 65534  # nobody: "another local user"
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a file of another user here")


# -- zip members whose decompression zipfile cannot bound ------------------------------------

def _zip_lying_about_size(member: str, payload: bytes, method: int, declared: int) -> bytes:
    """A zip whose one member says it is `declared` bytes once expanded, with the CRC of those
    first bytes (local header and central directory alike), as a hostile site can write it:
    zipfile then returns the cut data as a valid member."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        zf.writestr(member, payload)
    data = bytearray(buf.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    crc = zlib.crc32(payload[:declared])
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_bzip2_or_lzma_bomb_is_expanded_within_the_caps(method: int) -> None:
    """zipfile inflates a bzip2 or LZMA member's whole read chunk with no output bound: 40 MB of
    zeros in a few hundred bytes allocated 40 MB before any cap was looked at. Such members are
    now decompressed by Vigie 64 kB at a time, no further than their declared size (as zipfile
    does for deflated members), each piece counted against the caps."""
    payload = b"\0" * (40 * 2**20)
    lying = _zip_lying_about_size("dump.csv", payload, method, declared=1000)
    assert len(lying) < 20_000  # 40 MB of zeros: a few kB at most
    limits = AttachmentLimits(max_uncompressed_bytes=4 * 2**20)
    tracemalloc.start()
    try:
        files = expand_attachment("leak.zip", lying, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(f.filename, len(f.data)) for f in files] == [("leak.zip/dump.csv", 1000)]
    assert peak < 8 * 2**20, f"{peak} bytes allocated while reading a {len(lying)}-byte archive"
    # declared honestly, it is over the cap: refused without expanding
    honest = io.BytesIO()
    with zipfile.ZipFile(honest, "w", compression=method) as zf:
        zf.writestr("dump.csv", payload)
    with pytest.raises(ArchiveBombError, match="declares"):
        expand_attachment("leak.zip", honest.getvalue(), limits)
    # declared under the cap but lying about its CRC: corrupt, not returned
    bad = bytearray(lying)
    for sig, at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        struct.pack_into("<I", bad, bad.find(sig) + at, 12345)
    with pytest.raises(AttachmentError, match="CRC"):
        expand_attachment("leak.zip", bytes(bad), limits)


def test_an_lzma_member_cannot_ask_for_a_huge_dictionary() -> None:
    """An LZMA member's properties name its dictionary size, allocated whole before the first
    byte (up to 4 GB; a raw stream takes no memory limit). It is cut to the member's own size."""
    rows = b"email;phone\n" + b"a@example.org;0601020304\n" * 100
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_LZMA) as zf:
        zf.writestr("dump.csv", rows)
    data = bytearray(buf.getvalue())
    local = data.find(b"PK\x03\x04")
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    props = local + 30 + name_len + extra_len + 4  # after the LZMA version and properties size
    struct.pack_into("<I", data, props + 1, 1536 * 2**20)  # a 1.5 GB dictionary
    tracemalloc.start()
    try:
        files = expand_attachment("leak.zip", bytes(data), AttachmentLimits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(f.filename, f.data) for f in files] == [("leak.zip/dump.csv", rows)]
    assert peak < 8 * 2**20, f"{peak} bytes allocated for a {len(rows)}-byte member"


def test_stored_deflated_bzip2_and_lzma_members_are_read() -> None:
    rows = b"email;phone\n" + b"a@example.org;0601020304\n" * 100
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=method) as zf:
            zf.writestr("dump.csv", rows)
        files = expand_attachment("leak.zip", buf.getvalue(), AttachmentLimits())
        assert [(f.filename, f.data) for f in files] == [("leak.zip/dump.csv", rows)]


# -- files written where another local user can write ----------------------------------------

def _planted(path: Path, data: bytes = b"") -> Path:
    """What another user leaves at an -o path in a shared directory: their file, world-writable."""
    path.write_bytes(data)
    path.chmod(0o666)
    os.chown(path, OTHER_UID, OTHER_UID)
    return path


@root_only
def test_another_users_file_at_the_output_path_gets_nothing(tmp_path: Path) -> None:
    out = _planted(tmp_path / "pack.md")
    with open(out, "rb") as spy:  # they opened it beforehand, or chmod it back later: it is theirs
        with pytest.raises(PrivateFileError, match="belongs to another user"):
            write_private(out, b"the organisation's breach pack")
        with pytest.raises(PrivateFileError, match="belongs to another user"):
            JsonlSink(out, append=True)
        assert spy.read() == b""
    assert out.read_bytes() == b""


@root_only
def test_another_users_symlink_does_not_choose_where_we_write(tmp_path: Path) -> None:
    victim = tmp_path / "authorized_keys"
    victim.write_bytes(b"ssh-ed25519 AAAA operator\n")
    victim.chmod(0o600)
    link = tmp_path / "items.jsonl"
    link.symlink_to(victim)
    os.lchown(link, OTHER_UID, OTHER_UID)
    with pytest.raises(PrivateFileError, match="symbolic link of another user"):
        write_private(link, b"attacker-controlled page text\n")
    with pytest.raises(PrivateFileError, match="symbolic link of another user"):
        JsonlSink(link)
    assert victim.read_bytes() == b"ssh-ed25519 AAAA operator\n"


def test_a_reader_of_our_formerly_readable_file_sees_nothing_new(tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    out.write_bytes(b"old export\n")
    out.chmod(0o644)
    with open(out, "rb") as spy:  # opened while it was readable by everyone
        write_private(out, b"new export with the organisation's tokens\n")
        assert spy.read() == b"old export\n"
    assert out.read_bytes() == b"new export with the organisation's tokens\n"
    assert out.stat().st_mode & 0o777 == 0o600


def test_own_links_pipes_and_devices_still_work(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_private(link, b"pack")
    assert target.read_bytes() == b"pack" and target.stat().st_mode & 0o777 == 0o600 and link.is_symlink()
    mode = os.stat(os.devnull).st_mode
    write_private(Path(os.devnull), b"discarded")
    # a device is written, never narrowed: as root, an fchmod here made /dev/null 0600 for the
    # whole machine (PostgreSQL's initdb, run as its own user, then failed on every start)
    assert os.stat(os.devnull).st_mode == mode
    sink = JsonlSink(target, append=True)
    sink.accept(CrawledItem(source="s", url="http://x.onion/", body="b"))
    sink.close()
    assert target.read_bytes().startswith(b"pack{")


def test_vigie_hash_output_is_0600_even_over_a_readable_file(tmp_path: Path) -> None:
    src = tmp_path / "emails.txt"
    src.write_text("alice.martin@example.org\nbob.durand@example.org\n", encoding="utf-8")
    out, rej = tmp_path / "prehashes.csv", tmp_path / "rejects.csv"
    for f in (out, rej):
        f.write_text("", encoding="utf-8")
        f.chmod(0o644)
    old_umask = os.umask(0o022)  # the CLI sets 077 for files it creates; these exist already
    try:
        res = CliRunner().invoke(app, ["hash", str(src), "-t", "email", "-o", str(out), "--rejects", str(rej),
                                       "-q", "-j", "1"])
    finally:
        os.umask(old_umask)
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="ascii").count("\nemail,") == 2
    assert out.stat().st_mode & 0o777 == 0o600 and rej.stat().st_mode & 0o777 == 0o600


# -- a password in an Elasticsearch node's URL ------------------------------------------------

def test_a_password_in_an_elasticsearch_url_is_refused_without_quoting_it() -> None:
    """`vigie config check` printed `storage backend: elasticsearch (https://elastic:PASSWORD@...)`
    and every store error and log line quotes the hosts; Redis URLs were refused this way already."""
    password = "Zq8wV3rKp2xT"
    env = {**os.environ, **shipped_example_env, "VIGIE_STORAGE_BACKEND": "elasticsearch",
           "VIGIE_ES_URL": f"https://elastic:{password}@es01:9200,https://es02:9200"}
    _, problems = check_config_dir(REPO / "config", env=env)
    said = [str(p) for p in problems]
    assert any("do not put the password in a node's URL" in s for s in said), said
    assert not any(password in s for s in said)
    env["VIGIE_ES_URL"] = "https://es01:9200,https://es02:9200"  # a user name alone, or none, is fine
    _, problems = check_config_dir(REPO / "config", env=env)
    assert not any("hosts" in str(p) for p in problems)


# -- a thread page whose posts nest -------------------------------------------------------------

def _nested_thread_page(n: int) -> str:
    """n posts, each left unclosed so the next nests inside it (what lxml makes of a missing
    </div>), each with its own body and a signature after its body."""
    posts = "".join(f"<div class='post'><span class='who'>user{i}</span><div class='content'>body {i}</div>"
                    f"<div class='sig'>sig {i}</div>" for i in range(n))
    return f"<html><body>{posts}{'</div>' * n}</body></html>"


def test_nested_posts_are_read_in_linear_time_each_with_its_own_parts() -> None:
    """Every field selector searched each post's subtree, which held every later post: 1,000
    nested posts (75 kB) took 13 s of CPU with post.exclude, 2,000 (150 kB) 100 s."""
    from datetime import UTC, datetime

    from parsel import Selector

    from crawler.spiders.extract import page_posts
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({"thread_link": "a::attr(href)", "post": {
        "container": "div.post", "author": "span.who", "body": ".content", "exclude": ["div.sig"]}})
    html = _nested_thread_page(1000)
    start = time.process_time()
    posts = page_posts(Selector(text=html), "http://forum.onion/t/1", forum, datetime.now(UTC))
    cpu = time.process_time() - start
    assert [(p.author, p.body) for p in posts] == [(f"user{i}", f"body {i}") for i in range(1000)]
    assert cpu < 2.0, f"{cpu:.1f} s of CPU for a {len(html)}-byte page"
    flat = "<html><body>" + "".join(f"<div class='post'><span class='who'>u{i}</span><div class='content'>b {i}"
                                    f"</div><div class='sig'>s</div></div>" for i in range(3)) + "</body></html>"
    assert [(p.author, p.body) for p in page_posts(Selector(text=flat), "http://forum.onion/t/2", forum,
                                                    datetime.now(UTC))] == [(f"u{i}", f"b {i}") for i in range(3)]


def test_nested_thread_rows_are_read_in_linear_time() -> None:
    """Listing rows (forum.thread_rows, and leaksite rows through the same each_own) nest the same way."""
    from parsel import Selector

    from crawler.spiders.extract import page_threads
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({"thread_rows": "div.row", "thread_link": "a.t::attr(href)",
                                           "thread_title": "a.t", "post": {"container": "div.post", "body": "p"}})
    rows = "".join(f"<div class='row'><a class='t' href='/t/{i}'>thread {i}</a>" for i in range(1000))
    html = f"<html><body>{rows}{'</div>' * 1000}</body></html>"
    start = time.process_time()
    links = page_threads(Selector(text=html), "http://forum.onion/b/1", forum)
    cpu = time.process_time() - start
    assert [(t.url, t.title) for t in links] == [(f"http://forum.onion/t/{i}", f"thread {i}") for i in range(1000)]
    assert cpu < 2.0, f"{cpu:.1f} s of CPU for a {len(html)}-byte listing"


# -- crawled text printed on the operator's terminal --------------------------------------------

HOSTILE_TITLE = "Dump \x1b]0;owned\x07\x1b[2J\x1b[Hfake prompt$ [/x] \u202egnp.exe"


def test_source_try_prints_no_terminal_control_from_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ESC sequences in a thread title or a post (set the window title, clear the screen and
    draw a fake prompt, hyperlinks...) reached the operator's terminal through Rich tables."""
    from tests.fixtures.forum import ENGINE_ENV, engine_config

    config = engine_config(tmp_path / "config", "django", "http://127.0.0.1:9")
    page = tmp_path / "listing.html"
    page.write_text(f"<html><body><table class='topics'><tr><td><a href='/t/1/'>{HOSTILE_TITLE}</a></td>"
                    "<td>3 replies</td></tr></table><div class='post' id='p1'><a class='username'>eve\x1b[8m</a>"
                    f"<div class='post-body'>{HOSTILE_TITLE}</div></div></body></html>", encoding="utf-8")
    monkeypatch.setenv("TEST_FORUM_PASSWORD", ENGINE_ENV["TEST_FORUM_PASSWORD"])
    from vigie.cli import common
    monkeypatch.setattr(common.console, "_width", 250)  # made once per process (see the next test)
    out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(page), "--url",
                                   "http://127.0.0.1:9/b/1/", "--config", str(config), "--data-dir", str(tmp_path)],
                             env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "fake prompt" in out.stdout and "[/x]" in out.stdout  # shown as text
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout, repr(out.stdout)


def test_vigie_victims_shows_a_hostile_name_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A victim name is what a leak site wrote: `[/x]` in it made `vigie victims` crash on Rich
    markup (the listing could not be read at all), and its ESC sequences reached the terminal."""
    from indexer.models import VictimRecord
    from vigie import wiring
    from vigie.config.loader import load_config

    config = tmp_path / "config"
    config.mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    data = tmp_path / "data"
    with wiring.open_victim_index(load_config(config), data, alerts=False) as sinks:
        sinks.victims.upsert(VictimRecord(source="lockbit", url="http://leak.onion/", name=HOSTILE_TITLE,
                                          domain="acme.example"))
    # the console is made once per process: a width of its own, whatever COLUMNS said when an
    # earlier test of this worker made it (at 80 columns the name is cut with an ellipsis)
    from vigie.cli import common
    monkeypatch.setattr(common.console, "_width", 250)
    out = CliRunner().invoke(app, ["victims", "--config", str(config), "--data-dir", str(data)],
                             env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "fake prompt" in out.stdout and "[/x]" in out.stdout, out.stdout
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout, repr(out.stdout)


def test_log_lines_for_a_terminal_carry_no_control_from_crawled_text() -> None:
    """A hostile attachment name or title reached stderr raw in a log line or an exception text."""
    from vigie.log import logger, setup_logging

    out = io.StringIO()
    setup_logging("INFO", sink=out)
    try:
        try:
            raise ValueError(f"{HOSTILE_TITLE}.csv: not a valid zip file")
        except ValueError:
            logger.exception("attachment {} unreadable", HOSTILE_TITLE)
    finally:
        setup_logging("WARNING")
    text = out.getvalue()
    assert text.count("fake prompt") == 2 and "[/x]" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, repr(text)


def test_published_pattern_reads_only_the_start_of_a_hostile_status() -> None:
    """leaksite.published_pattern ran on the whole status text a leak site wrote: with a pattern
    such as `\\d+\\s*published` a 20 kB run of digits took 10 s, a megabyte hours (date.pattern
    was capped the same way earlier)."""
    from crawler.spiders.leaksite import is_published
    from vigie.config.schema import LeaksiteSelectors

    default = LeaksiteSelectors.model_fields["published_pattern"].default
    assert is_published(default, "Published") and not is_published(default, "announced") \
        and not is_published(default, None)
    start = time.process_time()
    assert not is_published(r"\d+\s*published", "1" * 1_000_000)
    assert time.process_time() - start < 1.0


# -- the web app's second-factor step-up ---------------------------------------------------------

@pytest.mark.slow
def test_totp_step_up_in_a_session_is_throttled(tmp_path: Path) -> None:
    """POST /api/v1/session/totp (and the reveal form's code) tried codes without any limit: a
    stolen session cookie of an analyst allowed to reveal could try every code until one fit,
    then decrypt fragments. Now wrong codes lock the step-up like failed logins (web_env:
    3 failures, then 3 s doubling), the right code included, over real HTTP."""
    import httpx
    import pyotp

    from tests.fixtures.mail import WebhookReceiver
    from tests.web_env import PASSWORD, web_env

    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path / "web", receiver.url, receiver.secret) as env:
            r = httpx.post(env.url("/api/v1/session"),
                           json={"username": "ana", "password": PASSWORD, "totp": env.totp_now("ana")})
            assert r.status_code == 200, r.text
            totp = pyotp.TOTP(env.totp_secrets["ana"])
            valid = {totp.at(time.time() + d) for d in (-60, -30, 0, 30, 60)}
            wrong = (f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
            with httpx.Client(cookies=r.cookies, headers={"X-CSRF-Token": r.json()["csrf_token"]}) as c:
                statuses = []
                for _ in range(10):
                    statuses.append(c.post(env.url("/api/v1/session/totp"), json={"totp": next(wrong)}).status_code)
                    if statuses[-1] == 429:
                        break
                assert statuses[:3] == [401, 401, 401] and statuses[-1] == 429, statuses
                right = c.post(env.url("/api/v1/session/totp"), json={"totp": totp.at(time.time() + 30)})
                assert right.status_code == 429 and "retry-after" in right.headers
                assert c.post(env.url("/api/v1/session/totp"), json={"totp": "١٢٣٤٥٦"}).status_code in (401, 429)
    finally:
        receiver.stop()


def test_post_exclude_matching_text_or_attributes_does_not_fail_the_page() -> None:
    """`vigie config check` accepts `post.exclude: ["div.sig::text"]`; parsel cannot drop a text,
    and the exception failed every thread page of the crawl."""
    from datetime import UTC, datetime

    from parsel import Selector

    from crawler.spiders.extract import page_posts
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({"thread_link": "a::attr(href)", "post": {
        "container": "div.post", "body": ".content", "exclude": ["div.sig::text", "xpath:.//@class", "div.sig"]}})
    html = "<div class='post'><div class='content'>body<div class='sig'>signature</div></div></div>"
    posts = page_posts(Selector(text=html), "http://forum.onion/t/1", forum, datetime.now(UTC))
    assert [p.body for p in posts] == ["body"]


def _zip_of_many_entries(n: int) -> bytes:
    """A zip whose central directory lists `n` entries (all the same empty stored file), built
    by hand in a moment: what a hostile site attaches to make ZipFile build n objects."""
    name = b"a.csv"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
    entry = struct.pack("<4s6H3L5HLL", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, 0) + name
    directory = entry * n
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), len(local), 0)
    return local + directory + end


def test_a_zip_listing_too_many_entries_is_refused_before_they_are_parsed() -> None:
    """The file count was checked after ZipFile had parsed every entry: 300,000 empty entries
    (26 MB, under attachments.max_bytes) took 8 s of CPU and 150 MB for each such attachment."""
    bomb = _zip_of_many_entries(60_000)
    start = time.process_time()
    with pytest.raises(ArchiveBombError, match="central directory"):
        expand_attachment("leak.zip", bomb, AttachmentLimits())
    assert time.process_time() - start < 0.5
    names = [f"export/{'x' * 200}{i}.csv" for i in range(100)]  # a real archive at the cap, long names
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, b"a;b\n")
    assert len(expand_attachment("ok.zip", buf.getvalue(), AttachmentLimits())) == 100
