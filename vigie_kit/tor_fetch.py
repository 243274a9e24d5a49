"""Fetch a list of URLs with a real Scrapy crawl, in its own process; for tests and benchmarks.

    python -m vigie_kit.tor_fetch SPEC.json OUT.jsonl

SPEC: {"settings": {...Scrapy settings...}, "requests": [{"url": ..., "meta": {...}}],
       "attempts": 1, "backoff_seconds": 0.5, "audit": "/path/audit.jsonl" | null}

One JSON line per request in OUT: url, status, body (first 4000 chars), attempts, error,
isolation, seconds. Errors are retried by the spider itself with exponential backoff (Scrapy's
RetryMiddleware retries at once, which a dead Tor would exhaust in milliseconds).
With "audit", a `sys.addaudithook` hook records every `socket.getaddrinfo`, `socket.connect`
and `socket.gethostbyname` of this process, so tests can prove that no DNS lookup and no
connection other than to the SOCKS port happened (no monkeypatching involved).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _install_audit(path: Path) -> None:
    out = path.open("a", buffering=1)
    watched = {"socket.getaddrinfo", "socket.connect", "socket.gethostbyname",
               "socket.gethostbyname_ex", "socket.sendto"}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in watched:
            if event in ("socket.connect", "socket.sendto"):
                detail = repr(args[-1])
            else:
                detail = repr(args[0])
            out.write(json.dumps({"event": event, "args": detail}) + "\n")

    sys.addaudithook(hook)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text())
    out_path = Path(argv[1])
    if spec.get("audit"):
        _install_audit(Path(spec["audit"]))

    import scrapy
    from scrapy.crawler import CrawlerProcess

    attempts = int(spec.get("attempts", 1))
    backoff = float(spec.get("backoff_seconds", 0.5))
    results: list[dict[str, Any]] = []

    class FetchSpider(scrapy.Spider):
        name = spec.get("spider_name", "vigie-fetch")

        async def start(self):  # Scrapy >= 2.13 entry point
            for req in spec["requests"]:
                yield self._make(req["url"], dict(req.get("meta", {})), 1, time.monotonic(), [])

        def _make(self, url: str, meta: dict[str, Any], attempt: int, began: float,
                  errors: list[str]) -> scrapy.Request:
            # the spider's own retries (attempts > 1) replace the crawler's; with one attempt, a
            # retry middleware set in the spec's settings (the crawler's) does the retrying
            meta.update({"_attempt": attempt, "_began": began, "dont_retry": attempts > 1, "_errors": errors,
                         "_meta": {k: v for k, v in meta.items() if not k.startswith("_")}})
            return scrapy.Request(url, meta=meta, dont_filter=True, callback=self.parse,
                                  errback=self.failed)

        def parse(self, response):
            results.append({
                "url": response.request.url, "status": response.status,
                "body": response.text[:4000] if hasattr(response, "text") else "",
                "attempts": response.meta["_attempt"], "error": None,
                "errors": response.meta["_errors"],
                "isolation": response.meta.get("vigie_tor_isolation_used"),
                "seconds": round(time.monotonic() - response.meta["_began"], 4),
            })

        async def failed(self, failure):
            req = failure.request
            attempt = req.meta["_attempt"]
            error = f"{type(failure.value).__module__}.{type(failure.value).__name__}: {failure.value}"
            errors = [*req.meta["_errors"], error]
            if attempt < attempts:
                await asyncio.sleep(backoff * 2 ** (attempt - 1))
                meta = dict(req.meta["_meta"])
                return self._make(req.url, meta, attempt + 1, req.meta["_began"], errors)
            results.append({
                "url": req.url, "status": None, "body": "", "attempts": attempt,
                "error": error, "errors": errors,
                "isolation": req.meta.get("vigie_tor_isolation_used"),
                "seconds": round(time.monotonic() - req.meta["_began"], 4),
            })
            return None

    settings = {"LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
                "RETRY_ENABLED": False, "COOKIES_ENABLED": False, "HTTPERROR_ALLOW_ALL": True}
    settings.update(spec.get("settings", {}))
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider)
    process.start()
    with out_path.open("w") as fh:
        for row in results:
            fh.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
