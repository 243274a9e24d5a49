"""A ceiling on the bytes of a response's status line and headers, for every crawl's HTTP client.

Why: Twisted's HTTP client (Scrapy's HTTP/1.1 handler, and the Tor handler built on it) bounds
each header line (16 KiB) but neither their number nor their total, and Scrapy's
`download_maxsize` counts only the body. A site answering with endless headers (or endless
continuation lines of one) had every line kept in memory until the request's timeout: 730 MB of
resident memory in 20 s on loopback, enough to stop the crawl as out of memory within its 60 s
default timeout (the attacker's review, round 8). Chromium refuses more than 256 KiB of
headers; so does this, failing the request as a broken response (`ResponseFailed`), which the
crawl counts and retries like any other.

How: Scrapy's client protocol makes its parser a `_LenientHTTPClientParser` (it sets the class of
the one Twisted builds, by its module's name for it); a crawl process swaps a subclass that counts
what it reads before the body in for that name, and in for Twisted's own `HTTPClientParser`
(any other client of Twisted's). Both names are private: `scrapy==2.19.0` is pinned, and
tests/test_attack_review_round8.py fails should either stop being used. The swap is done once,
in the process that crawls (`limit_response_headers`, called where the crawl's middlewares are
built, as `crawler._offline.ensure_offline`).
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers import http11
from twisted.web import _newclient

__all__ = ["MAX_RESPONSE_HEADER_BYTES", "ResponseHeadersTooLarge", "limit_response_headers"]

MAX_RESPONSE_HEADER_BYTES = 256 * 1024  # Chromium's own ceiling (net::HttpStreamParser)


class ResponseHeadersTooLarge(Exception):
    """A response's status line and headers passed MAX_RESPONSE_HEADER_BYTES."""


class _Bounded:
    """Counts the bytes of the status line and headers (1xx interim responses included: a parser
    reset for one keeps the count) and fails the response past the ceiling."""

    state: Any
    _vigie_header_bytes = 0

    def lineReceived(self, line: bytes) -> None:
        if self.state in (_newclient.STATUS, _newclient.HEADER):
            self._vigie_header_bytes += len(line) + 1
            if self._vigie_header_bytes > MAX_RESPONSE_HEADER_BYTES:
                raise ResponseHeadersTooLarge(
                    f"the response's headers passed {MAX_RESPONSE_HEADER_BYTES} bytes: refused")
        super().lineReceived(line)  # type: ignore[misc]


class _BoundedLenientParser(_Bounded, http11._LenientHTTPClientParser):
    pass


class _BoundedParser(_Bounded, _newclient.HTTPClientParser):
    pass


def limit_response_headers() -> None:
    """Swap the bounded parsers into Scrapy's and Twisted's HTTP clients (idempotent)."""
    http11._LenientHTTPClientParser = _BoundedLenientParser  # type: ignore[misc]
    _newclient.HTTPClientParser = _BoundedParser  # type: ignore[misc]
