"""Every `VIGIE_TOR_*` Scrapy setting read by `crawler.handlers.tor.TorDownloadHandler`.

One place for defaults, alphabetical after the `_ENABLED` flag, each documented.

Request meta keys understood by the handler:
- `vigie_tor_isolation` (str): isolation key for this request; requests with different keys
  never share a Tor circuit. Default: `VIGIE_TOR_ISOLATION`, else `vigie:<spider name>`.
- `download_timeout`, `download_maxsize`, `download_warnsize`, `download_fail_on_dataloss`:
  Scrapy's standard keys, honoured as by the HTTP/1.1 handler.
- `proxy` is ignored on purpose: every request goes through the Tor SOCKS port, never elsewhere.
Values written back: `vigie_tor_isolation_used` (the key actually sent to Tor).
"""

from __future__ import annotations

__all__ = ["CIRCUITS_PER_SOURCE", "TOR_HANDLER_DEFAULTS"]

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
    # Isolation key sent as the SOCKS username; None means `vigie:<spider name>`.
    "VIGIE_TOR_ISOLATION": None,
    # SOCKS password sent with every isolation key (Tor isolates on username AND password).
    "VIGIE_TOR_SOCKS_PASSWORD": "vigie",
    # Tor's SocksPort. Must be an IP literal: the proxy address itself is never resolved.
    "VIGIE_TOR_SOCKS_HOST": "127.0.0.1",
    "VIGIE_TOR_SOCKS_PORT": 9050,
}
