"""Keep Scrapy's helpers from reaching the Internet behind the crawler's back.

Scrapy's cookie middleware builds a `tldextract.TLDExtract()` at import time; on first use it
downloads the public suffix list from GitHub (a clearnet DNS lookup and HTTPS request, outside
Tor). `ensure_offline()` swaps it for one that only reads the snapshot bundled with tldextract.
"""

from __future__ import annotations

import scrapy.downloadermiddlewares.cookies as cookies
from tldextract import TLDExtract

__all__ = ["ensure_offline"]


class _OfflineTLDExtract(TLDExtract):
    """Reads only the suffix snapshot bundled with tldextract; its type marks the swap as done."""

    def __init__(self) -> None:
        super().__init__(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)


def ensure_offline() -> None:
    if isinstance(cookies._split_domain, _OfflineTLDExtract):
        return
    cookies._split_domain = _OfflineTLDExtract()
