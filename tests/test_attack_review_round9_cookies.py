"""Attacker's review, round 9: the crawl's cookie jar, by bytes.

Round 8 capped the jar at 300 cookies of 4 KiB each: 1.2 MB, sent back in every request's Cookie
header (600 MB through Tor over a 500-page run). A real `vigie crawl` of a raw loopback paste site.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.test_attack_review_round8 import RawSite, _paste_source


class _FatCookieSite(RawSite):
    """Pastes `/p/N` whose every answer sets 50 new cookies of 4,000 bytes (200 kB of headers,
    under the 256 KiB ceiling); it records the largest Cookie header a request brought back."""

    def __init__(self) -> None:
        self.largest_cookie_header = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(1 << 20)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        cookie = max((len(h) for h in head if h.lower().startswith(b"cookie:")), default=0)
        self.largest_cookie_header = max(self.largest_cookie_header, cookie)
        n = int(head[0].split(b" ")[1].rsplit(b"/", 1)[1])
        body = b"une paste: paul.simon@exemple.fr\n"
        cookies = b"".join(b"Set-Cookie: f%d_%d=%s; Path=/\r\n" % (n, i, b"v" * 3990) for i in range(50))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                     + cookies + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.mark.slow
def test_a_site_cannot_fill_the_jar_with_big_cookies(tmp_path: Path) -> None:
    """Ten pages of 50 cookies of 4 kB each: before the fix the jar kept 300 of them and the
    crawl's later requests each carried 1.2 MB of Cookie header; now the jar's names and values
    stay within MAX_CRAWL_COOKIE_BYTES, and the refused ones are counted."""
    from tests.fixtures.forum import crawl

    ceiling = 64 * 1024  # crawler.cookies.MAX_CRAWL_COOKIE_BYTES, checked last

    site = _FatCookieSite()
    try:
        config = _paste_source(tmp_path / "config", site.url, timeout=30, pages=10)
        run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=180)
    finally:
        site.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.items) == 10, run.stderr[-2000:]
    assert 0 < site.largest_cookie_header <= ceiling + 60 * 20, site.largest_cookie_header
    assert run.summary["refused"]["cookies_dropped"] >= 10 * 50 - ceiling // 4000, run.summary["refused"]
    from crawler.cookies import MAX_CRAWL_COOKIE_BYTES

    assert ceiling == MAX_CRAWL_COOKIE_BYTES
