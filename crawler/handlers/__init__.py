"""Download handlers: `tor.TorDownloadHandler` sends http/https through Tor's SOCKS port only."""

from __future__ import annotations

import os

from crawler.handlers.defaults import CIRCUITS_PER_SOURCE, TOR_HANDLER_DEFAULTS

__all__ = ["TOR_HANDLER_DEFAULTS", "TOR_HANDLER_PATH", "tor_download_handler_settings"]

TOR_HANDLER_PATH = "crawler.handlers.tor.TorDownloadHandler"


def tor_download_handler_settings(socks_host: str, socks_port: int, *,
                                  isolation: str | None = None,
                                  circuits: int | None = None) -> dict[str, object]:
    """Scrapy settings that route every http/https request of a crawl through Tor.

    Merge them into a crawl's settings when `source.network == "tor"`. `isolation` is the
    circuit isolation key (default `vigie:<spider name>`); `circuits` spreads one source over
    that many isolated circuits (default: $VIGIE_TOR_CIRCUITS_PER_SOURCE, else 1).
    """
    if circuits is None:
        env = os.environ.get("VIGIE_TOR_CIRCUITS_PER_SOURCE", "").strip()
        if env and not env.isdigit():
            raise ValueError(f"VIGIE_TOR_CIRCUITS_PER_SOURCE={env!r} must be a positive integer")
        circuits = int(env) if env else CIRCUITS_PER_SOURCE
    if circuits < 1:
        raise ValueError(f"circuits={circuits} must be >= 1")
    settings: dict[str, object] = dict(TOR_HANDLER_DEFAULTS)
    settings.update({
        # Every other scheme is switched off: Scrapy's ftp/s3/file handlers would connect (and
        # resolve names) directly, outside Tor. `data:` URLs never touch the network.
        "DOWNLOAD_HANDLERS": {"http": TOR_HANDLER_PATH, "https": TOR_HANDLER_PATH,
                              "ftp": None, "s3": None, "file": None, "gs": None},
        "VIGIE_TOR_SOCKS_HOST": socks_host,
        "VIGIE_TOR_SOCKS_PORT": int(socks_port),
        "VIGIE_TOR_CIRCUITS_PER_SOURCE": circuits,
    })
    if isolation:
        settings["VIGIE_TOR_ISOLATION"] = isolation
    return settings
