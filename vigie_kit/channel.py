"""A public channel preview of our own, with the page structure of Telegram's web preview
(t.me/s/<channel>), served on loopback so that tests never reach the real service.

    GET /s/<channel>                newest posts (`per_page`), oldest first on the page, as Telegram
    GET /s/<channel>?before=<id>    the posts older than <id>

One post:
    <div class="tgme_widget_message" data-post="<channel>/<id>">
      <a class="tgme_widget_message_owner_name"><span>Author</span></a>
      <div class="tgme_widget_message_text">text</div>
      <a class="tgme_widget_message_document_wrap" href="/files/<id>/<name>">name</a>   (attachments)
      <a class="tgme_widget_message_date"><time datetime="2026-11-02T10:00:00+00:00">…</time></a>
    </div>
    <a class="tme_messages_more" href="/s/<channel>?before=<oldest id on the page>">  (if older exist)

`requests` records every path asked, so a test can check a re-crawl stops at the known id.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["ChannelPost", "ChannelServer"]


@dataclass
class ChannelPost:
    id: int
    author: str
    date: datetime
    text: str
    attachments: list[str] = field(default_factory=list)  # file names


class ChannelServer:
    """`with ChannelServer("leaknews", posts) as ch: ch.url` -> `http://127.0.0.1:<port>/s/leaknews`."""

    def __init__(self, channel: str, posts: list[ChannelPost], *, per_page: int = 5) -> None:
        self.channel = channel
        self.posts = list(posts)
        self.per_page = per_page
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/s/{self.channel}"

    def add(self, post: ChannelPost) -> None:
        with self._lock:
            self.posts.append(post)

    def render(self, before: int | None) -> str:
        with self._lock:
            older = sorted((p for p in self.posts if before is None or p.id < before), key=lambda p: p.id)
        page = older[-self.per_page:]
        blocks = []
        for p in page:
            files = "".join(f'<a class="tgme_widget_message_document_wrap" href="/files/{p.id}/{html.escape(n)}">'
                            f'<div class="tgme_widget_message_document_title">{html.escape(n)}</div></a>'
                            for n in p.attachments)
            blocks.append(
                f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" '
                f'data-post="{self.channel}/{p.id}"><div class="tgme_widget_message_author">'
                f'<a class="tgme_widget_message_owner_name"><span>{html.escape(p.author)}</span></a></div>'
                f'<div class="tgme_widget_message_text">{html.escape(p.text)}</div>{files}'
                f'<a class="tgme_widget_message_date"><time datetime="{p.date.isoformat()}">'
                f'{p.date:%H:%M}</time></a></div></div>')
        more = (f'<a class="tme_messages_more" data-before="{page[0].id}" href="/s/{self.channel}?before={page[0].id}">'
                "</a>") if page and len(older) > len(page) else ""
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{self.channel}</title></head><body>"
                f"<section class='tgme_channel_history'>{more}{''.join(blocks)}</section></body></html>")

    def __enter__(self) -> ChannelServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet: tests read `requests`
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(self.path)
                if parts.path.rstrip("/") != f"/s/{server.channel}":
                    body, status = b"not found", 404
                else:
                    raw = parse_qs(parts.query).get("before", [""])[0]
                    body, status = server.render(int(raw) if raw.isdigit() else None).encode(), 200
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
