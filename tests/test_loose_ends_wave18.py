"""Wave 18's operator and attacker loose ends, each through real processes and servers.

1. `vigie search <identifier>` as free text: the value is searched by keyed token, never sent to
   the store as words (a recording relay sits in front of the real Elasticsearch node); the web
   search's words too.
2. A stored URL still opens the post (paste ids, thread numbers are no identifiers), while one
   that names a person is stored masked; log lines keep the strict masking.
3. Attachments: the exports the detector reads (.ics, .vcf, .ldif, .mbox, .eml) are downloaded by
   default, and an attachment's HTML is held to the source's `limits.max_page_elements`.
4. Posts read with an empty body (a redesign the body selector misses) are a counted failure kind.
5. A `render: browser` source fetches attachments (a link that is a download) through the same
   attachment path, limits and counting (real Chromium, a local forum).
6. Chromium's shared memory (Playwright passes `--disable-dev-shm-usage`, which would put it in
   TMPDIR): memfd regions, no file in TMPDIR or /dev/shm; what it writes in TMPDIR is private and
   removed (strace of a real render).
7. The tests' `crawl()` reads `-o` output whose strings hold U+2028 and other line breaks
   `str.splitlines` knows.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.identifiers import canonical_forms
from indexer.store import open_store_from_settings
from indexer.tokens import token
from tests import cli_fork
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.config.schema import StorageSettings

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"VIGIE_MATCH_KEY": "1:" + TEST_MATCH_KEY.key.hex(), "VIGIE_DATA_KEY": "1:" + TEST_DATA_KEY.key.hex()}


def vigie(*args: str, stdin: str = "", env: dict[str, str] | None = None,
          timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (what an operator runs)."""
    return cli_fork.run([sys.executable, "-m", "vigie", *args], input=stdin, capture_output=True, text=True,
                        cwd=ROOT, timeout=timeout, env={**os.environ, **KEYS, **(env or {})})


# ---------------------------------------------------------------- 1. identifiers typed as words
class Relay:
    """A TCP relay on 127.0.0.1 in front of the real Elasticsearch node that keeps every byte
    the client sent: what `vigie search` put on the wire, which the node would log or hold."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.sent = bytearray()
        self._lock = threading.Lock()
        self._srv = socket.create_server(("127.0.0.1", 0))
        self.port = self._srv.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, record: bool) -> None:
        try:
            while data := src.recv(65536):
                if record:
                    with self._lock:
                        self.sent += data
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def take(self) -> str:
        with self._lock:
            out, self.sent = bytes(self.sent), bytearray()
        return out.decode("utf-8", "replace")

    def close(self) -> None:
        self._srv.close()


VICTIM = "jeanne.martin@exemple.test"
PHONE = "+33612345678"


@pytest.fixture(scope="module")
def es_behind_relay(es_server, tmp_path_factory) -> Iterator[tuple[Path, Path, Relay, list, list]]:
    from urllib.parse import urlsplit

    from vigie.config.schema import ElasticsearchSettings

    url = urlsplit(es_server.url)
    relay = Relay((url.hostname or "127.0.0.1", url.port or 9200))
    tmp = tmp_path_factory.mktemp("search18")
    config, data = tmp / "config", tmp / "data"
    (config / "sources").mkdir(parents=True)
    (config / "organisations").mkdir()
    prefix = f"w18-{os.getpid()}-vigie"
    (config / "vigie.yaml").write_text(
        f"storage:\n  backend: elasticsearch\n  elasticsearch:\n    hosts: ['http://127.0.0.1:{relay.port}']\n"
        f"    index_prefix: {prefix}\n")
    victims = synthetic_docs(3, emails=[VICTIM], excerpt_words="mutuelle")
    others = synthetic_docs(4, start=40, excerpt_words="mutuelle")
    store = open_store_from_settings(StorageSettings(backend="elasticsearch", elasticsearch=ElasticsearchSettings(
        hosts=[es_server.url], index_prefix=prefix)), data)
    store.upsert(victims + others)
    store.flush()
    store.close()
    try:
        yield config, data, relay, victims, others
    finally:
        relay.close()


@pytest.mark.elasticsearch
@pytest.mark.parametrize("query", [VICTIM, f"mutuelle {VICTIM.title()}",
                                   "jeanne.martin [at] exemple [dot] test"])
def test_an_address_typed_as_words_is_searched_by_token_never_sent(es_behind_relay, query: str) -> None:
    config, data, relay, victims, _ = es_behind_relay
    relay.take()
    res = vigie("search", query, "--json", "-c", str(config), "-d", str(data))
    assert res.returncode == 0, res.stderr
    wire = relay.take()
    assert "_search" in wire  # the relay saw the query: the assertions below are about it
    assert VICTIM not in wire.lower() and "jeanne" not in wire.lower()
    tok = token(TEST_MATCH_KEY, "email", canonical_forms("email", VICTIM)[0]).hex()
    assert tok in wire
    assert sorted(json.loads(x)["id"] for x in res.stdout.splitlines()) == sorted(d.id for d in victims)
    assert "-i email:-" in res.stderr  # the warning shows the safe way
    audit = [json.loads(x) for x in (data / "audit.log").read_text().splitlines()]
    assert audit[-1]["event"] == "identifier_search" and audit[-1]["identifiers"][0]["tokens"] == [tok]
    assert "jeanne" not in (data / "audit.log").read_text()


@pytest.mark.elasticsearch
def test_words_beside_a_phone_number_are_still_words(es_behind_relay) -> None:
    config, data, relay, _, _ = es_behind_relay
    relay.take()
    res = vigie("search", "mutuelle 06 12 34 56 78", "--json", "-c", str(config), "-d", str(data))
    assert res.returncode == 0, res.stderr
    wire = relay.take()
    assert "mutuelle" in wire and "12 34 56" not in wire and PHONE not in wire
    assert token(TEST_MATCH_KEY, "phone", PHONE).hex() in wire
    res = vigie("search", "mutuelle", "--json", "-c", str(config), "-d", str(data))
    assert len(res.stdout.splitlines()) == 7 and "warning" not in res.stderr  # words alone: unchanged


@pytest.mark.elasticsearch
@pytest.mark.parametrize("query", ["jeanne.martin@exemple", "client 1234567890123"])
def test_what_looks_personal_but_is_invalid_is_refused_unsent(es_behind_relay, query: str) -> None:
    config, data, relay, _, _ = es_behind_relay
    relay.take()
    res = vigie("search", query, "-c", str(config), "-d", str(data))
    assert res.returncode != 0
    assert "-i TYPE:-" in res.stderr and query not in res.stderr
    assert "_search" not in relay.take()


def test_search_help_shows_the_stdin_form() -> None:
    res = vigie("search", "--help", env={"COLUMNS": "200"})
    assert res.returncode == 0
    assert "searched by keyed token" in res.stdout and "TYPE:-" in res.stdout


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[object]:
    from tests.fixtures.mail import WebhookReceiver
    from tests.web_env import web_env

    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web18"), receiver.url, receiver.secret) as env:
            yield env
    finally:
        receiver.stop()


@pytest.mark.slow
def test_the_web_search_takes_an_identifier_typed_as_words_by_token_and_audits_it(web) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {web.tokens['nora']}"}
    # (by POST since wave 19: GET refuses an identifier in its URL, tests/test_web_search_privacy.py)
    page = httpx.post(web.url("/api/v1/search"), json={"q": "Alice.Martin@clinique-a.fr"}, headers=headers)
    assert page.status_code == 200, page.text
    assert [i["id"] for i in page.json()["items"]] == [web.fragment_ids["org-a"]]  # as words: nothing (redacted)
    last = json.loads((web.root / "data" / "audit.log").read_text().splitlines()[-1])
    assert last["event"] == "identifier_search" and last["user"] == "web:nora" and last["results"] == 1
    assert "alice" not in json.dumps(last).lower()
    refused = httpx.post(web.url("/api/v1/search"), json={"q": "alice.martin@clinique"}, headers=headers)
    assert refused.status_code == 422 and "identifier search" in refused.json()["detail"]
    assert "alice" not in refused.text.lower()
    words = httpx.get(web.url("/api/v1/search"), params={"q": "db dump"}, headers=headers).json()
    assert words["total"] == 2  # words alone: as before

# ---------------------------------------------------------------- 2. stored URLs still open the post
PASTE_IDS = ("7304512", "3kd92Xzq", "20261203xK", "0612345678")  # the last one is a valid phone number


@pytest.fixture(scope="module")
def crawled_pastes(tmp_path_factory) -> Iterator[tuple[object, list]]:
    from indexer.store.base import SearchQuery
    from tests.fixtures.forum import crawl, make_config
    from vigie_kit.forum import ForumServer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        data = server.data
        with data.lock:
            for paste, pid in zip(data.pastes, PASTE_IDS, strict=False):
                paste.id, paste.text = pid, data.synth.any_dump().text
            del data.pastes[len(PASTE_IDS):]
        root = tmp_path_factory.mktemp("pastes18")
        config = make_config(root / "config", server.url, kind="paste", name="pastes18")
        run = crawl(config, root / "data", "pastes18")
        assert run.returncode == 0, run.stderr[-2000:]
        store = open_store_from_settings(StorageSettings(), root / "data")
        try:
            hits = store.search(SearchQuery(limit=1000)).hits
        finally:
            store.close()
        yield server, hits


@pytest.mark.slow
def test_stored_paste_urls_open_the_paste_unless_they_name_a_person(crawled_pastes) -> None:
    import urllib.request

    from indexer.detect.scan import classify_number

    server, hits = crawled_pastes
    assert [classify_number(pid) for pid in PASTE_IDS] == [None, None, None, ("phone", "+33612345678")]
    urls = {hit.url for hit in hits}
    kept = {f"{server.url.rstrip('/')}/p/{pid}" for pid in PASTE_IDS[:3]}
    assert kept <= urls, f"a paste's stored URL was changed: {sorted(urls)}"
    for url in kept:  # what an analyst clicks: the paste itself
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"<pre>" in resp.read()
    named = urls - kept
    assert named and all("0612345678" not in u and "612345678" not in u for u in named)
    assert all("/p/%2B33%206**%20**%20**%2078" in u for u in named)


@pytest.mark.parametrize(("url", "stored"), [
    ("http://bin.onion/?f468483c313401e8#9A8GsJ3kR7qWxYz1234567890abcdefGHIJKLmnopq=", "same"),
    ("http://forum.onion/viewtopic.php?t=123456&start=20#p1003", "same"),
    ("http://forum.onion/u/jeanne.martin@exemple.test/posts", "http://forum.onion/u/j***@e***.test/posts"),
    ("http://forum.onion/u/jeanne@exemple/posts", "http://forum.onion/u/j***@***/posts"),
    ("http://forum.onion/t/1#p173117512345678", "http://forum.onion/t/1#p1%2073%20%2A%2A%20%2A%2A%20%2A%2A%2A%20"
     "%2A%2A%2A%2078"),
    ("http://forum.onion/f/FR7630006000011234567890189.csv", "http://forum.onion/f/FR**%20****%20****%20****%20189.csv"),
    ("http://forum.onion/s?q=12+rue+de+la+Paix", "http://forum.onion/s?q=%5Baddress%5D"),
])
def test_the_stored_url_rule_and_the_log_rule(url: str, stored: str) -> None:
    from indexer.redact import mask_url
    from vigie.log import mask

    assert mask_url(url) == (url if stored == "same" else stored)
    assert mask_url(mask_url(url)) == mask_url(url)  # masked again on the way out: unchanged
    logged = mask(f"fetched {url} in 2s")
    for secret in ("jeanne", "173117512345678", "7630006000011234567890", "rue de la", "f468483c313401e8",
                   "123456"):
        assert secret not in logged.lower()


# ---------------------------------------------------------------- 3. attachments: exports, HTML ceiling
EXPORTS = ROOT / "tests" / "data" / "blind_probe_contacts"
EXPORT_FILES = ("agenda_thunderbird.ics", "contacts_icloud_v3.vcf", "annuaire_thunderbird.ldif",
                "boite_dr_martin.mbox", "reponse_patiente.eml")
CEILING = 3000


def _dense_html(rows: int = 60, pad: int = 3 * CEILING) -> bytes:
    """A dump as an HTML table, after more empty elements than CEILING (a tree of it is what the
    source's ceiling refuses): read by the tag stripper, its rows are still found."""
    from vigie_kit.synthetic import Synth

    s = Synth(7)
    cells = "".join(f"<tr><td>{s.email()}</td><td>0{s.rng.choice('67')}{s.rng.randrange(10**8):08d}</td></tr>\n"
                    for _ in range(rows))
    return (f"<html><body>{'<i></i>' * pad}<table><tr><th>email</th><th>telephone</th></tr>\n{cells}"
            "</table></body></html>").encode()


@pytest.fixture(scope="module")
def crawled_attachments(tmp_path_factory) -> Iterator[tuple[object, object, Path]]:
    import yaml

    from tests.fixtures.forum import crawl, make_config
    from vigie_kit.forum import ForumServer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        post = next(iter(server.data.posts))
        for name in EXPORT_FILES:
            server.data.add_attachment(post, name, (EXPORTS / name).read_bytes())
        server.data.add_attachment(post, "export_clients.txt", _dense_html())
        root = tmp_path_factory.mktemp("attach18")
        config = make_config(root / "config", server.url, name="attach18", limits={"max_page_elements": CEILING})
        path = config / "sources" / "attach18.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        del data["attachments"]["extensions"]  # the defaults: what an operator who sets none gets
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        run = crawl(config, root / "data", "attach18")
        yield server, run, root


@pytest.mark.slow
def test_exports_the_detector_reads_are_downloaded_by_default(crawled_attachments) -> None:
    from indexer.store.base import SearchQuery

    _, run, root = crawled_attachments
    got = {f["filename"] for f in run.files()}
    assert set(EXPORT_FILES) <= got, f"not downloaded: {sorted(set(EXPORT_FILES) - got)}"
    store = open_store_from_settings(StorageSettings(), root / "data")
    try:
        hits = store.search(SearchQuery(limit=1000)).hits
    finally:
        store.close()
    with_fragments = {h.filename for h in hits}
    assert set(EXPORT_FILES) <= with_fragments, f"no fragment from {sorted(set(EXPORT_FILES) - with_fragments)}"


@pytest.mark.slow
def test_an_attachments_html_is_held_to_the_sources_ceiling(crawled_attachments) -> None:
    from indexer.store.base import SearchQuery

    _, run, root = crawled_attachments
    assert run.summary["failures"].get("pages_too_dense") == 1, run.summary  # that file, and no page
    store = open_store_from_settings(StorageSettings(), root / "data")
    try:
        hits = store.search(SearchQuery(limit=1000)).hits
    finally:
        store.close()
    rows = sum(h.counts.get("email", 0) for h in hits if h.filename == "export_clients.txt")
    assert rows == 60  # its text scanned all the same


# ---------------------------------------------------------------- 4. empty post bodies are counted
def _mini_post(pid: str, body_class: str = "body", body: str | None = None, attachment: bool = False) -> str:
    link = f'<a class="att" href="/f/{pid}.csv"></a>' if attachment else ""
    return (f'<div class="post" id="{pid}"><span class="author">someone</span><span class="date">3 mars 2026 à '
            f'10:00</span><div class="{body_class}">{f"body {pid}" if body is None else body}{link}</div></div>')


@pytest.fixture
def mini_site() -> Iterator[object]:
    from tests.test_crawl_identity import MiniSite

    yield from MiniSite().serve()


def test_posts_whose_body_the_selector_misses_are_counted_and_flag_the_source(mini_site, tmp_path: Path) -> None:
    from tests.fixtures.forum import crawl
    from tests.test_crawl_identity import POST_SELECTORS, write_source

    forum = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)",
             "post": {**POST_SELECTORS, "attachments": "a.att::attr(href)"}}
    site = mini_site
    site.pages.update({
        "/list": '<html><body><table><tr class="row"><a class="t" href="/t/1">one</a></tr></table></body></html>',
        "/t/1": "<html><body><h1>One</h1>" + _mini_post("a1") + _mini_post("a2") + "</body></html>",
    })
    # selectors_lost (post.body matched before, nothing on the page now) would flag the source
    # first: off here, so that what flags it is the empty bodies alone
    config = write_source(tmp_path / "config", site, forum, start="/list", attention={"selectors_lost": 0})
    first = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.summary["failures"]["empty_bodies"] == 0 and first.summary["needs_attention"] is False
    # the redesign: bodies move to div.message; one post holds only a file (not counted:
    # it has something to read) and one an empty body in the old markup
    site.pages["/t/1"] = ("<html><body><h1>One</h1>" + "".join(_mini_post(p, "message") for p in ("a1", "a2", "a3"))
                          + _mini_post("a4", "message", "", attachment=True) + _mini_post("a5", body="")
                          + "</body></html>")
    second = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.summary["failures"]["empty_bodies"] == 4, second.summary["failures"]
    assert second.summary["needs_attention"] is True
    assert "empty bodies" in second.summary["attention_reason"]
    assert "post.body" in second.stderr  # the warning says what to check


# ---------------------------------------------------------------- 7. -o lines hold U+2028 as it is
def test_crawl_output_with_unicode_line_separators_is_read_whole(mini_site, tmp_path: Path) -> None:
    from tests.fixtures.forum import crawl
    from tests.test_crawl_identity import POST_SELECTORS, write_source

    forum = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)", "post": POST_SELECTORS}
    odd = ["un\u2028deux", "trois\x85quatre", "cinq\u2029six", "sept\x1cneuf"]
    mini_site.pages.update({
        "/list": '<html><body><table><tr class="row"><a class="t" href="/t/1">one</a></tr></table></body></html>',
        "/t/1": "<html><body><h1>One</h1>" + "".join(_mini_post(f"a{i}", body=b) for i, b in enumerate(odd))
                + "</body></html>",
    })
    config = write_source(tmp_path / "config", mini_site, forum, start="/list")
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert any(ch in (tmp_path / "data").joinpath(p.name).read_text(encoding="utf-8") for p in
               (tmp_path / "data").glob("items-*.jsonl") for ch in ("\u2028", "\x85"))  # written as they are
    assert sorted(i["post_id"] for i in run.items) == [f"a{i}" for i in range(len(odd))]


# ---------------------------------------------------------------- 6. Chromium's shared memory and TMPDIR
_OPEN = re.compile(r'^(\d+)\s+openat\(AT_FDCWD, "([^"]+)", ([A-Z_|]+)(?:, (0\d+))?')
_MKDIR = re.compile(r'^(\d+)\s+mkdir\("([^"]+)", (0\d+)\) = 0')


@pytest.mark.slow
def test_chromium_shared_memory_is_anonymous_and_its_tmpdir_files_private_and_removed(tmp_path: Path) -> None:
    import tempfile

    from vigie_kit.leaksite import LeakSite

    # short: Chromium's singleton socket lives in its profile there, and a unix socket's path has
    # at most 107 bytes (under pytest's tmp_path the browser rendered nothing)
    tmpdir = Path(tempfile.mkdtemp(prefix="w18-"))
    trace = tmp_path / "strace.txt"
    spec, out = tmp_path / "spec.json", tmp_path / "out.json"
    with LeakSite() as site:
        host, port = site.address
        spec.write_text(json.dumps({"url": f"http://{host}:{port}/", "socks": None, "source": "lockleak",
                                    "max_pages": 2}))
        proc = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,mkdir,memfd_create", "-o", str(trace),
                               sys.executable, "-m", "vigie_kit.browser_fetch", str(spec), str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=240,
                              env={**os.environ, "TMPDIR": str(tmpdir)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [len(p["victims"]) for p in json.loads(out.read_text())["pages"]] == [10, 10]  # it rendered
    lines = trace.read_text(errors="replace").splitlines()
    assert sum('memfd_create("shared-memory-region"' in ln for ln in lines) > 0  # Chromium's shared memory
    private_dirs = [Path(m[2]) for m in map(_MKDIR.match, lines) if m and int(m[3], 8) & 0o077 == 0
                    and Path(m[2]).parent == tmpdir]
    created = [(Path(m[2]), m[4]) for m in map(_OPEN.match, lines) if m and "O_CREAT" in m[3]]
    assert not [p for p, _ in created if str(p).startswith("/dev/shm")], "shared memory as files in /dev/shm"
    in_tmp = [(p, mode) for p, mode in created if tmpdir in p.parents]
    assert in_tmp, "nothing written in TMPDIR: this test would see nothing"
    exposed = [(str(p), mode) for p, mode in in_tmp
               if not any(d in p.parents for d in private_dirs) and (mode is None or int(mode, 8) & 0o077)]
    assert exposed == [], "files in TMPDIR neither 0600 nor inside a 0700 directory"
    left = list(tmpdir.iterdir())
    if not left:
        tmpdir.rmdir()
    assert left == [], "left in TMPDIR after the browser closed"


# ---------------------------------------------------------------- 5. attachments of a browser source
def _zip(name: str, data: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def js_forum() -> Iterator[tuple[str, list[str], dict[str, bytes]]]:
    """A forum whose posts a script writes (nothing without JavaScript), each with a file link
    the server answers as a download (`Content-Disposition: attachment`)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from vigie_kit.synthetic import Synth

    s = Synth(18)
    files = {"/f/dump.zip": _zip("patients.csv", s.patients(12).text.encode()),
             "/f/big.zip": _zip("huge.csv", s.patients(12).text.encode() + bytes(range(256)) * 4096)}
    post = ('<div class="post" id="{pid}"><span class="author">x</span><span class="date">3 mars 2026 à 10:00</span>'
            '<div class="body">voir fichier {pid}</div><a class="att" href="{href}">fichier</a></div>')
    posts = [post.format(pid=f"p{i}", href=href) for i, href in enumerate(files)]
    pages = {"/list": '<html><body><table><tr class="row"><td><a class="t" href="/t/1">one</a></td></tr></table>'
                      "</body></html>",
             "/t/1": "<html><body><h1>One</h1><div id=root></div><script>document.getElementById('root')"
                     f".innerHTML = {json.dumps(''.join(posts))};</script></body></html>"}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            if self.path in files:
                body, kind = files[self.path], "application/zip"
            else:
                body, kind = (pages.get(self.path) or "<html><body>not found</body></html>").encode(), "text/html"
            self.send_response(200 if self.path in files or self.path in pages else 404)
            self.send_header("Content-Type", kind)
            if self.path in files:
                self.send_header("Content-Disposition", f'attachment; filename="{self.path.rsplit("/", 1)[-1]}"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits, files
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_browser_sources_attachments_are_read_within_the_limits(js_forum, tmp_path: Path) -> None:
    from tests.fixtures.forum import crawl
    from tests.test_crawl_identity import POST_SELECTORS, MiniSite, write_source

    url, hits, files = js_forum
    forum = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)",
             "post": {**POST_SELECTORS, "attachments": "a.att::attr(href)"}}
    limit = len(files["/f/dump.zip"]) * 2
    assert len(files["/f/big.zip"]) > limit
    config = write_source(tmp_path / "config", MiniSite(url=url), forum, start="/list", render="browser",
                          attachments={"max_bytes": limit})
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"], timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(p["post_id"] for p in run.posts()) == ["p0", "p1"], run.stderr[-2000:]  # the script wrote them
    assert [f["filename"] for f in run.files()] == ["dump.zip/patients.csv"], run.stderr[-3000:]
    assert "/f/dump.zip" in hits and "/f/big.zip" in hits
    assert run.summary["files"] == 1 and run.summary["refused"]["files_too_big"] == 1, run.summary
    assert "cancelled as it started" in run.stderr  # its Content-Length said so: not written whole first
