"""Shared plumbing of the two extra test forums (`forum_django`, `forum_flat`): content, one
account's reading state, sessions with a CSRF-checked login, and the HTTP server.

Why a second forum kit beside `vigie_kit.forum`: these engines differ from the phpBB/XenForo
pair in what breaks a crawler rather than in markup alone. Their listing links depend on the
account's reading state (an "unread" link into the middle of a thread, a `?page=N` bookmark),
their dates are what engines print (`a.m.`/`noon`, "il y a 3 heures"), and their dumps are
rendered as `<p><code>` blocks or `<br>` lines. The account starts with some threads half
read, as if an analyst had used it by hand, so the very first crawl already meets those links.

Everything is synthetic (Faker fr_FR, fixed seeds). `truth()` gives, per post, the author, UTC
date (with the precision its printed form allows), canonical thread URL, board and body lines.
"""

from __future__ import annotations

import html
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from vigie_kit.synthetic import Synth

__all__ = ["Block", "EAttachment", "EBoard", "EPost", "EThread", "EngineData", "EngineServer", "Page",
           "Request", "esc"]

_COOKIE = "sessionid"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Block:
    """A piece of a post: `text` (prose lines), `dump` (rows, rendered as the engine renders
    code) or `quote` (a quoted post: `who` wrote the lines)."""

    kind: str
    lines: tuple[str, ...]
    who: str = ""


@dataclass
class EAttachment:
    id: int
    filename: str
    data: bytes
    planted: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class EPost:
    id: int
    thread_id: int
    author: str
    posted_at: datetime  # UTC, whole minutes
    blocks: list[Block]
    planted: dict[str, list[str]] = field(default_factory=dict)
    attachments: list[EAttachment] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The body as the text model must render it: one entry per non-empty line."""
        out: list[str] = []
        for block in self.blocks:
            if block.kind == "quote":
                out.append(f"{block.who} a écrit :")
            out.extend(line for line in block.lines if line.strip())
        return out


@dataclass
class EThread:
    id: int
    board_id: int
    title: str
    posts: list[EPost] = field(default_factory=list)


@dataclass
class EBoard:
    id: int
    name: str
    members_only: bool = False
    threads: list[EThread] = field(default_factory=list)


class EngineData:
    """Boards, threads, posts and the crawling account's reading state (posts read per thread)."""

    def __init__(self, seed: int, anchor: datetime | None = None) -> None:
        self.synth = Synth(seed)
        self.lock = threading.RLock()
        self.anchor = (anchor or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.boards: list[EBoard] = []
        self.threads: dict[int, EThread] = {}
        self.posts: dict[int, EPost] = {}
        self.attachments: dict[int, EAttachment] = {}
        self.read: dict[int, int] = {}  # thread id -> posts the account has read
        self._next_post = 501

    def board(self, name: str, members_only: bool = False) -> EBoard:
        board = EBoard(len(self.boards) + 1, name, members_only)
        self.boards.append(board)
        return board

    def thread(self, board: EBoard, title: str | None = None) -> EThread:
        with self.lock:
            thread = EThread(len(self.threads) + 1, board.id, title or self.synth.title())
            board.threads.append(thread)
            self.threads[thread.id] = thread
            return thread

    def body(self, dump: str | None) -> tuple[list[Block], dict[str, list[str]]]:
        """Prose, optionally a dump (`csv`, `csv_bare` without header, `combo`, `sql`) and prose."""
        s = self.synth
        blocks = [Block("text", (s.prose(s.rng.randint(1, 3)),))]
        planted: dict[str, list[str]] = {}
        if dump is not None:
            made = {"csv": s.patients, "csv_bare": s.patients, "combo": s.combo, "sql": s.sql}[dump](6)
            rows = made.text.split("\n")
            blocks.append(Block("dump", tuple(rows[1:] if dump == "csv_bare" else rows)))
            planted = made.planted
            blocks.append(Block("text", (s.prose(1),)))
        return blocks, planted

    def post(self, thread: EThread, at: datetime, dump: str | None = None, *, author: str | None = None,
             quote: EPost | None = None) -> EPost:
        with self.lock:
            blocks, planted = self.body(dump)
            if quote is not None:
                blocks.insert(0, Block("quote", quote.blocks[0].lines, quote.author))
            post = EPost(self._next_post, thread.id, author or self.synth.fake.user_name(),
                         at.astimezone(UTC).replace(second=0, microsecond=0), blocks, planted)
            self._next_post += 1
            thread.posts.append(post)
            self.posts[post.id] = post
            return post

    def attach(self, post: EPost, filename: str, data: bytes, planted: dict[str, list[str]]) -> EAttachment:
        att = EAttachment(len(self.attachments) + 1, filename, data, planted)
        self.attachments[att.id] = att
        post.attachments.append(att)
        return att

    def board_of(self, thread: EThread) -> EBoard:
        return self.boards[thread.board_id - 1]

    def mark_read(self, thread: EThread, upto: int) -> None:
        with self.lock:
            self.read[thread.id] = max(self.read.get(thread.id, 0), upto)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    base: str  # "http://host:port" as the client addressed us (works behind an onion service)
    session: dict[str, Any]
    raw_query: str = ""  # the query as sent ("12-some-thread/page2": vBulletin's friendly URLs have no key=value)

    @property
    def user(self) -> str | None:
        return self.session.get("user")


@dataclass
class Page:
    status: int
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    ctype: str = "text/html; charset=utf-8"


class EngineView(Protocol):
    """What an engine implements: every route, and its ground truth."""

    data: EngineData

    def handle(self, req: Request) -> Page: ...

    def truth(self, base: str) -> dict[str, Any]: ...


class EngineServer:
    """Serves an engine view on 127.0.0.1:port (0 = free port) in a thread; counts hits."""

    def __init__(self, view: EngineView, *, port: int = 0) -> None:
        self.view = view
        self.hits: Counter[str] = Counter()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> EngineServer:
        server = self

        class _Bound(_Handler):
            engine = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), _Bound)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="engine-forum", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> EngineServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "EngineServer.start() first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def truth(self, base: str | None = None) -> dict[str, Any]:
        return self.view.truth(base or self.url)

    def session(self, sid: str | None) -> tuple[str, dict[str, Any], bool]:
        with self.lock:
            if sid and sid in self.sessions:
                return sid, self.sessions[sid], False
            sid = secrets.token_hex(12)
            self.sessions[sid] = {"user": None, "csrf": secrets.token_hex(16)}
            return sid, self.sessions[sid], True


class _Handler(BaseHTTPRequestHandler):
    engine: EngineServer
    protocol_version = "HTTP/1.1"
    server_version = "EngineForum/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        sid, session, new = self.engine.session(cookie[_COOKIE].value if _COOKIE in cookie else None)
        parts = urlsplit(self.path)
        form: dict[str, str] = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
        base = f"http://{self.headers.get('Host') or f'127.0.0.1:{self.engine.port}'}"
        page = self.engine.view.handle(Request(method, parts.path, dict(parse_qsl(parts.query)), form, base, session,
                                                 parts.query))
        with self.engine.lock:
            self.engine.hits[self.path] += 1
        data = page.body.encode("utf-8") if isinstance(page.body, str) else page.body
        self.send_response(page.status)
        self.send_header("Content-Type", page.ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in page.headers.items():
            self.send_header(key, value)
        if new:
            self.send_header("Set-Cookie", f"{_COOKIE}={sid}; Path=/; HttpOnly")
        self.end_headers()
        self.wfile.write(data)
