"""Keep Scrapy's helpers from reaching the Internet behind the crawler's back.

Scrapy's cookie middleware builds a `tldextract.TLDExtract()` at import time; on first use it
downloads the public suffix list from GitHub (a clearnet DNS lookup and HTTPS request, outside
Tor). `ensure_offline()` swaps it for one that only reads the snapshot bundled with tldextract.
"""

from __future__ import annotations

__all__ = ["ensure_offline"]


def ensure_offline() -> None:
    import scrapy.downloadermiddlewares.cookies as cookies
    from tldextract import TLDExtract

    current = getattr(cookies, "_split_domain", None)
    if getattr(current, "_vigie_offline", False):
        return
    offline = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
    offline._vigie_offline = True  # type: ignore[attr-defined]
    cookies._split_domain = offline
