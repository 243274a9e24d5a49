"""Every `VIGIE_TOR_*` Scrapy setting read by `crawler.handlers.tor.TorDownloadHandler`.

One place for defaults, alphabetical after the `_ENABLED` flag, each documented.

Request meta keys understood by the handler:
- `vigie_tor_isolation` (str): isolation key for this request; requests with different keys
  never share a Tor circuit. Default: `VIGIE_TOR_ISOLATION`, else `vigie:<spider name>`.
- `download_timeout`, `download_maxsize`, `download_warnsize`, `download_fail_on_dataloss`:
  Scrapy's standard keys, honoured as by the HTTP/1.1 handler.
- `proxy` is ignored on purpose: every request goes through the Tor SOCKS port, never elsewhere.
Values written back: `vigie_tor_isolation_used` (the isolation key of the request: the meta
value or the source's key, `#n` for its circuit), `vigie_tor_socks_username` (what was actually
sent to Tor: that key, `~n` after n circuit renewals, `+h` on a hedged copy's circuit).

Stats: `vigie_tor/circuits_renewed`, `vigie_tor/stream_stalled`, `vigie_tor/hedge/sent`,
`vigie_tor/hedge/won`, `vigie_tor/hedge/withdrawn` (a losing copy cancelled before it reached the
server: it is given back to the budget), `vigie_tor/hedge/skipped` (past the budget or the
concurrency limit),
`vigie_tor/socks_error/<code>`, `vigie_tor/isolation_keys`, `vigie_tor/circuits_prewarmed`,
`vigie_tor/circuits_prewarm_failed`, `vigie_tor/socks_untrusted` (the SOCKS port was served by
an account not in `VIGIE_TRUSTED_LOCAL_USERS`: nothing was sent to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vigie.core.peers import TrustedPeers

__all__ = ["CIRCUITS_PER_SOURCE", "TOR_HANDLER_DEFAULTS", "trusted_peers_from_settings"]

# Typed on its own: `tor_download_handler_settings()` computes with it (the dict holds objects).
CIRCUITS_PER_SOURCE = 1

TOR_HANDLER_DEFAULTS: dict[str, object] = {
    # False makes the handler raise NotConfigured: http(s) then has no handler and every
    # request fails (fail closed); it never falls back to a direct connection.
    "VIGIE_TOR_ENABLED": True,
    # Circuits per isolation key: requests of one source are spread round-robin over this many
    # isolated circuits (keys `<key>#0` ... `<key>#N-1`), for throughput. 1 = one circuit per
    # source. `tor_download_handler_settings()` takes its default from the environment variable
    # of the same name when set. A `vigie_tor_isolation` meta value is used as is.
    "VIGIE_TOR_CIRCUITS_PER_SOURCE": CIRCUITS_PER_SOURCE,
    # Seconds allowed for the TCP connection to the SOCKS port itself (loopback: fast or dead).
    # The whole request, SOCKS handshake included, is bounded by Scrapy's DOWNLOAD_TIMEOUT.
    "VIGIE_TOR_CONNECT_TIMEOUT_SECONDS": 10.0,
    # Hedged requests (crawler.handlers._hedge): once a page request has taken longer than the
    # source's PERCENTILE latency (over its last 200 requests, after MIN_SAMPLES of them, never
    # before MIN_DELAY), a copy goes out on another circuit and the first answer wins. At most
    # MAX_FRACTION of the requests are hedged, and only below the concurrency limit.
    "VIGIE_TOR_HEDGE_ENABLED": True,
    "VIGIE_TOR_HEDGE_MAX_FRACTION": 0.1,
    "VIGIE_TOR_HEDGE_MIN_DELAY_SECONDS": 0.25,
    "VIGIE_TOR_HEDGE_MIN_SAMPLES": 10,
    "VIGIE_TOR_HEDGE_PERCENTILE": 95.0,
    # With CIRCUITS_PER_SOURCE > 1: on a source's first request to a host, open its other
    # circuits at once (a SOCKS CONNECT to the same host, closed unused as soon as Tor has opened
    # it), so an onion service's rendezvous circuits are built in parallel with the first page
    # instead of when the crawl fans out. A circuit that fails to open is renewed.
    "VIGIE_TOR_PREWARM_CIRCUITS": True,
    # Isolation key sent as the SOCKS username; None means `vigie:<spider name>`.
    "VIGIE_TOR_ISOLATION": None,
    # SOCKS password sent with every isolation key (Tor isolates on username AND password).
    "VIGIE_TOR_SOCKS_PASSWORD": "vigie",
    # Tor's SocksPort. Must be an IP literal: the proxy address itself is never resolved.
    "VIGIE_TOR_SOCKS_HOST": "127.0.0.1",
    "VIGIE_TOR_SOCKS_PORT": 9050,
    # Seconds for the SOCKS handshake up to Tor's CONNECT reply (over Tor: the circuit, and for an
    # onion service its rendezvous). Past it the request fails, its circuit is renewed and the
    # retry goes out at once (Tor's own SocksTimeout is 2 minutes). limits.connect_timeout_seconds.
    "VIGIE_TOR_SOCKS_TIMEOUT_SECONDS": 30.0,
    # Seconds an open stream may stay silent while an answer is awaited (no header, no byte):
    # then the request fails as stalled and is retried at once on a renewed circuit.
    # 0 = no stream timeout (DOWNLOAD_TIMEOUT only). limits.stream_timeout_seconds.
    "VIGIE_TOR_STREAM_TIMEOUT_SECONDS": 15.0,
    # Who may own the socket of Tor's SOCKS port (vigie.core.peers; config: security.*): the
    # account names, None for vigie.core.peers' default list; root and our own user always pass.
    # The HTTP handler checks each connection before the SOCKS greeting, the browser handler the
    # listener before each page (Chromium never shows its socket). False turns the check off.
    "VIGIE_TRUSTED_LOCAL_USERS": None,
    "VIGIE_CHECK_LOCAL_PEERS": True,
}


def trusted_peers_from_settings(settings: Any) -> TrustedPeers:
    """The SOCKS port's trusted owners from a crawl's Scrapy settings (see the two keys above)."""
    names: Iterable[str] | None = settings.get("VIGIE_TRUSTED_LOCAL_USERS")
    enabled = settings.getbool("VIGIE_CHECK_LOCAL_PEERS", True)
    if names is None:
        return TrustedPeers.default() if enabled else TrustedPeers.from_names((), enabled=False)
    return TrustedPeers.from_names([str(n) for n in names], enabled=enabled)
