"""Download handlers: `tor.TorDownloadHandler` sends http/https through Tor's SOCKS port only."""

from __future__ import annotations

from crawler.handlers.defaults import TOR_HANDLER_DEFAULTS

__all__ = ["TOR_HANDLER_DEFAULTS", "TOR_HANDLER_PATH", "tor_download_handler_settings"]

TOR_HANDLER_PATH = "crawler.handlers.tor.TorDownloadHandler"


def tor_download_handler_settings(socks_host: str, socks_port: int, *,
                                  isolation: str | None = None) -> dict[str, object]:
    """Scrapy settings that route every http/https request of a crawl through Tor.

    Merge them into a crawl's settings when `source.network == "tor"`. `isolation` is the
    circuit isolation key (default `vigie:<spider name>`).
    """
    settings: dict[str, object] = dict(TOR_HANDLER_DEFAULTS)
    settings.update({
        "DOWNLOAD_HANDLERS": {"http": TOR_HANDLER_PATH, "https": TOR_HANDLER_PATH},
        "VIGIE_TOR_SOCKS_HOST": socks_host,
        "VIGIE_TOR_SOCKS_PORT": int(socks_port),
    })
    if isolation:
        settings["VIGIE_TOR_ISOLATION"] = isolation
    return settings
