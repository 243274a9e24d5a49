"""Attacker's review, round 13: a Content-Length int() refuses, in a browser source's page.

A `render: browser` source watches each response of the page Chromium renders for its declared
Content-Length (`_get_response_and_download`'s `seen`: a download past `attachments.max_bytes` is
cancelled as it starts). It read the header with `isdigit()` and int(): `isdigit` takes '²'
(a superscript), which int() refuses, and int() refuses more than 4,300 digits. Raised in
Playwright's response handler, the ValueError failed the page's navigation: a page answered so
was lost (its victims, its posts) with an error that named nothing.

Real parts: a hostile site on 127.0.0.1 (a direct source, as round 8's test), real Chromium
through the crawl's own browser handler (`vigie_kit.browser_fetch`).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_browser_render import browser_fetch

pytestmark = pytest.mark.slow

PAGE = (
    b"<html><body><p id='state'>ready</p><article class='victim'><h2 class='name'>Acme</h2></article>"
    b"<img src='/pixel.png'></body></html>"
)
PNG = b"\x89PNG\r\n\x1a\n"


def _site(length: bytes) -> ThreadingHTTPServer:
    """A page (and its image) whose Content-Length is `length`; the body ends with the connection."""

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ctype, body = (b"image/png", PNG) if self.path == "/pixel.png" else (b"text/html", PAGE)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: " + length
            self.wfile.write(head + b"\r\nConnection: close\r\n\r\n" + body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


@pytest.mark.parametrize("length", ["\u00b2".encode(), b"9" * 5000], ids=["superscript two", "5000 digits"])
def test_a_page_declaring_a_length_int_refuses_is_read(tmp_path: Path, length: bytes) -> None:
    site = _site(length)
    try:
        result = browser_fetch(
            tmp_path,
            {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None, "source": "hostile", "max_pages": 1},
        )
    finally:
        site.shutdown()
        site.server_close()
    # before: no page (its navigation raised ValueError: invalid literal for int() with base 10: '²')
    assert [p["victims"] for p in result["pages"]] == [["Acme"]], result
