"""A real HTTP test forum (two engines) plus a paste site, for tests, benchmarks and `vigie demo`.

It is deliberately awkward: boards and threads over several pages, a members-only board behind a
login form with a CSRF token, relative and absolute links, a logout link that a crawler must not
follow (`logout_hits` counts it), attachments (CSV, a zip holding a CSV, a .gz, a .exe, a zip
bomb), a huge page, malformed HTML, a cp1252 page without any charset declaration and an endless
pagination trap. Faults can be injected per URL (500, timeout, garbage, dropped connection, a
stall that never answers). For speed tests and benchmarks every answer can be delayed
(`latency_seconds`, as slow onion services are) and the first request for one new path in N can
hang (`stall_every`); a second request for that path (a retry, a hedge) is answered.

The server answers with links built from the Host header it was addressed with, so the same
instance works on 127.0.0.1 and behind a Tor onion service.

    python -m vigie_kit.forum --port 0 --data DIR [--engine phpbb|xen]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vigie_kit._forum_views import Ctx, PhpbbView, XenView
from vigie_kit.forum_data import BOMB_MEGABYTES, PASTES_PER_PAGE, ForumData, Paste, Post

__all__ = ["ForumServer", "Hit"]

_COOKIE = "demo_sid"
_TYPES = {"csv": "text/csv", "txt": "text/plain", "zip": "application/zip", "bomb": "application/zip",
          "gz": "application/gzip", "exe": "application/octet-stream"}


@dataclass(frozen=True)
class Hit:
    at: float  # time.monotonic()
    method: str
    path: str  # path and query, as requested
    status: int
    user: str | None
    began: float = 0.0  # time.monotonic() when the request arrived (`at` is when it was answered)


class ForumServer:
    """The demo forum. `start()` binds 127.0.0.1:port (0 = any free port) and serves in a thread.

    `session_mode`: None (normal), "expire_once" (the next members-only page kills the session
    once: a crawler must log in again) or "always_expire" (sessions never survive a members-only
    page: a crawler must give up and report the source as needing attention).
    """

    def __init__(self, engine: str = "phpbb", *, host: str = "127.0.0.1", port: int = 0,
                 seed: int = 1337, size: str = "full", hostile: bool = True,
                 username: str = "watcher", password: str = "demo-password",
                 bomb_megabytes: int = BOMB_MEGABYTES, timeout_fault_seconds: float = 5.0,
                 latency_seconds: float = 0.0, stall_every: int = 0, stall_seconds: float = 30.0) -> None:
        if engine not in ("phpbb", "xen"):
            raise ValueError(f"unknown forum engine {engine!r}: use 'phpbb' or 'xen'")
        self.engine = engine
        self.data = ForumData(seed, size=size, hostile=hostile and engine == "phpbb",
                              bomb_megabytes=bomb_megabytes)
        self.view = PhpbbView(self.data) if engine == "phpbb" else XenView(self.data)
        self.username, self.password = username, password
        self.session_mode: str | None = None
        self.faults: dict[str, list[str]] = {}
        # paths (without query) answered by a test's own function, which writes the raw answer
        # to the handler's `wfile` (hostile answers: bombs, endless bodies, broken redirects)
        self.raw_routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.timeout_fault_seconds = timeout_fault_seconds
        # speed tests: every answer waits `latency_seconds`; the first GET of every `stall_every`-th
        # new path (0: none) hangs `stall_seconds` and is then dropped unanswered, like a stalled Tor
        # stream. Only first GETs stall: a retry or hedge of a hung request goes out on another
        # circuit and is answered, so a test can tell which copy won (a stalled hedge would not be).
        self.latency_seconds = latency_seconds
        self.stall_every = stall_every
        self.stall_seconds = stall_seconds
        self.stalls = 0
        self._gets = 0  # distinct paths asked for with GET
        self._got: set[str] = set()
        self.hits: Counter[str] = Counter()
        self.hit_log: list[Hit] = []
        self.login_posts = 0
        self.login_failures = 0
        self._sessions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ForumServer:
        server = self

        class _Handler(_ForumHandler):
            forum = server

        self._httpd = _QuietServer((self._host, self._port), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-forum", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ForumServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        assert self._httpd is not None, "ForumServer.start() first"
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ test controls
    @property
    def logout_hits(self) -> int:
        return sum(n for path, n in self.hits.items() if "logout" in path)

    def add_post(self, thread_id: int | None = None, *, author: str | None = None,
                 body: str | None = None, with_dump: bool = True) -> Post:
        """Append a post (default: to the first thread of the first board)."""
        return self.data.add_post(thread_id or self.data.boards[0].threads[0].id, author, body, with_dump)

    def add_paste(self, text: str | None = None, title: str | None = None) -> Paste:
        return self.data.add_paste(text, title)

    def max_concurrent(self) -> int:
        """The most requests this server was handling at once (from the hit log)."""
        with self._lock:
            events = [(h.began, 1) for h in self.hit_log] + [(h.at, -1) for h in self.hit_log]
        most = now = 0
        for _, step in sorted(events):  # at equal times an end (-1) sorts before a start
            now += step
            most = max(most, now)
        return most

    def reset_counters(self) -> None:
        with self._lock:
            self.hits.clear()
            self.hit_log.clear()
            self.login_posts = self.login_failures = 0
            self.stalls = self._gets = 0
            self._got.clear()

    def kill_sessions(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session["user"] = None

    def truth(self, base: str | None = None) -> dict[str, Any]:
        """Ground truth (see `ForumData.truth`), with absolute URLs for this server."""
        base = base or self.url
        truth = self.data.truth()
        ctx = Ctx(base, None, "")
        for post in truth["posts"]:
            href = self.view.thread_href(ctx, self.data.threads[post["thread_id"]])
            post["thread_url"] = href if href.startswith("http") else base + href.replace("..", "")
        for att in truth["attachments"]:
            att["url"] = base + self.view.file_url(self.data.attachments[att["id"]])
        for paste in truth["pastes"]:
            paste["url"] = f"{base}/p/{paste['id']}"
        truth.update(engine=self.engine, url=base, start_url=base + ("/forums/" if self.engine == "xen" else "/"),
                     paste_url=base + "/recent", username=self.username)
        return truth

    # ------------------------------------------------------------------ sessions
    def _session(self, sid: str | None) -> tuple[str, dict[str, Any], bool]:
        with self._lock:
            if sid and sid in self._sessions:
                return sid, self._sessions[sid], False
            sid = secrets.token_hex(12)
            self._sessions[sid] = {"user": None, "csrf": secrets.token_hex(16), "expired_once": False}
            return sid, self._sessions[sid], True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a crawler with 32 requests in flight to a forum that
    # answers slowly (latency_seconds) overflows it, and the kernel then drops handshakes that
    # the client retries a second later (dmesg: "Possible SYN flooding")
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up (timeouts, cancelled downloads) are part of the tests


class _ForumHandler(BaseHTTPRequestHandler):
    forum: ForumServer
    # per request, set by `_handle` before anything is sent
    _sid: str
    _session_data: dict[str, Any]
    _new_sid: bool
    _status: int
    protocol_version = "HTTP/1.1"
    server_version = "DemoForum/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ------------------------------------------------------------------ plumbing
    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _send(self, status: int, body: bytes | str, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self._new_sid:
            self.send_header("Set-Cookie", f"{_COOKIE}={self._sid}; Path=/; HttpOnly")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self._status = status

    def _handle(self, method: str) -> None:
        f = self.forum
        self._status = 0
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        self._sid, self._session_data, self._new_sid = f._session(
            cookie[_COOKIE].value if _COOKIE in cookie else None)
        user_before = self._session_data["user"]
        began = time.monotonic()
        try:
            with f._lock:
                fault = f.faults.get(self.path, []).pop(0) if f.faults.get(self.path) else None
                if method == "GET" and self.path not in f._got:
                    f._got.add(self.path)
                    f._gets += 1
                    if fault is None and f.stall_every and f._gets % f.stall_every == 0:
                        fault = "stall"
            if f.latency_seconds:
                time.sleep(f.latency_seconds)
            if fault is not None:
                self._fault(fault)
            else:
                self._dispatch(method)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with f._lock:
                f.hits[self.path] += 1
                f.hit_log.append(Hit(time.monotonic(), method, self.path, self._status, user_before, began))

    def _fault(self, kind: str) -> None:
        if kind in ("500", "502", "503"):
            self._send(int(kind), f"<h1>{kind} Erreur du serveur</h1>")
        elif kind == "timeout":
            time.sleep(self.forum.timeout_fault_seconds)
            self._send(503, "<h1>trop tard</h1>")
        elif kind == "stall":  # no answer at all, then the connection is dropped
            with self.forum._lock:
                self.forum.stalls += 1
            time.sleep(self.forum.stall_seconds)
            self.close_connection = True
            self._status = -2
        elif kind == "garbage":
            self._send(200, os.urandom(2048), "application/octet-stream")
        elif kind == "drop":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><div class=")
            self.close_connection = True
            self._status = -1
        else:
            raise ValueError(f"unknown fault {kind!r}")

    # ------------------------------------------------------------------ routes
    def _dispatch(self, method: str) -> None:
        f, view = self.forum, self.forum.view
        parts = urlsplit(self.path)
        raw = f.raw_routes.get(parts.path)
        if raw is not None:
            self._status = 200
            self.close_connection = True
            try:
                raw(self)
            except OSError:  # the client gave up (a size limit, a timeout): what these answers test
                pass
            return
        query = dict(parse_qsl(parts.query))
        base = f"http://{self.headers.get('Host') or f'{f.address[0]}:{f.address[1]}'}"
        ctx = Ctx(base, self._session_data["user"], self._session_data["csrf"])
        if parts.path in ("/recent",) or parts.path.startswith(("/p/", "/raw/")):
            return self._paste(parts.path, query, ctx)
        route, args = view.route(parts.path, query)
        with f.data.lock:
            if route == "index":
                return self._send(200, view.index(ctx))
            if route == "login":
                return self._login(method, ctx, query)
            if route == "logout":
                self._session_data["user"] = None
                return self._send(302, "", headers={"Location": "/"})
            if route == "board" and 1 <= args["id"] <= len(f.data.boards):
                board = f.data.boards[args["id"] - 1]
                if board.members_only and not self._allowed(ctx):
                    return self._send(*self._wall(ctx))
                return self._send(200, view.board(ctx, board, args["page"]))
            if route == "thread" and args["id"] in f.data.threads:
                thread = f.data.threads[args["id"]]
                page = args["page"]
                if f.data.board_of(thread).members_only and not self._allowed(ctx):
                    return self._send(*self._wall(ctx))
                if page > thread.pages:
                    return self._send(404, "<h1>Page introuvable</h1>")
                text = view.thread(ctx, thread, page)
                if thread.special == "cp1252":
                    return self._send(200, text.encode("cp1252", "xmlcharrefreplace"), "text/html")
                return self._send(200, text)
            if route == "file" and args["id"] in f.data.attachments:
                att = f.data.attachments[args["id"]]
                thread = f.data.threads[f.data.posts[att.post_id].thread_id]
                if f.data.board_of(thread).members_only and not self._allowed(ctx):
                    return self._send(*self._wall(ctx))
                headers = {"Content-Disposition": f'attachment; filename="{att.filename}"'}
                return self._send(200, att.data, _TYPES.get(att.kind, "application/octet-stream"), headers)
        return self._send(404, "<h1>Page introuvable</h1>")

    def _allowed(self, ctx: Ctx) -> bool:
        s, mode = self._session_data, self.forum.session_mode
        if s["user"] is None:
            return False
        if mode == "always_expire" or (mode == "expire_once" and not s["expired_once"]):
            s["user"], s["expired_once"] = None, True
            ctx.user = None
            return False
        return True

    def _wall(self, ctx: Ctx) -> tuple[int, str, str, dict[str, str]]:
        status, headers, body = self.forum.view.wall(ctx, urlsplit(self.path).path)
        return status, body, "text/html; charset=utf-8", headers

    def _login(self, method: str, ctx: Ctx, query: dict[str, str]) -> None:
        f, view = self.forum, self.forum.view
        if method == "GET":
            return self._send(200, view.login(ctx))
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
        with f._lock:
            f.login_posts += 1
        if form.get(view.csrf_field) != self._session_data["csrf"]:
            with f._lock:
                f.login_failures += 1
            return self._send(403, view.login(ctx, "Jeton CSRF invalide, réessayez."))
        if form.get(view.user_field) != f.username or form.get(view.password_field) != f.password:
            with f._lock:
                f.login_failures += 1
            return self._send(200, view.login(ctx, "Identifiants incorrects."))
        self._session_data["user"] = f.username
        target = query.get("next") or ("/forums/" if f.engine == "xen" else "/")
        return self._send(302, "", headers={"Location": target})

    def _paste(self, path: str, query: dict[str, str], ctx: Ctx) -> None:
        data = self.forum.data
        with data.lock:
            pastes = list(reversed(data.pastes))  # newest first
        by_id = {p.id: p for p in pastes}
        if path == "/recent":
            page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1
            rows = pastes[(page - 1) * PASTES_PER_PAGE: page * PASTES_PER_PAGE]
            items = "".join(f'<li><a class="paste" href="/p/{p.id}">{html.escape(p.title)}</a></li>' for p in rows)
            nav = (f'<a rel="next" href="/recent?page={page + 1}">Plus ancien</a>'
                   if page * PASTES_PER_PAGE < len(pastes) else "")
            return self._send(200, f'<html><head><meta charset="utf-8"><title>Pastes</title></head><body>'
                                   f"<ul>{items}</ul>{nav}</body></html>")
        pid = path.rsplit("/", 1)[-1]
        if pid not in by_id:
            return self._send(404, "<h1>Paste introuvable</h1>")
        paste = by_id[pid]
        if path.startswith("/raw/"):
            return self._send(200, paste.text, "text/plain; charset=utf-8")
        return self._send(200, f'<html><head><meta charset="utf-8"><title>{html.escape(paste.title)}</title></head>'
                               f'<body><a href="/raw/{pid}">raw</a><pre>{html.escape(paste.text)}</pre></body></html>')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Vigie demo forum (synthetic data only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--engine", choices=["phpbb", "xen"], default="phpbb")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--data", type=Path, help="directory where truth.json is written")
    args = parser.parse_args(argv)
    server = ForumServer(args.engine, host=args.host, port=args.port, seed=args.seed, size=args.size).start()
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
        (args.data / "truth.json").write_text(json.dumps(server.truth(), indent=1, ensure_ascii=False))
    print(json.dumps({"url": server.url, "host": server.address[0], "port": server.address[1]}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
