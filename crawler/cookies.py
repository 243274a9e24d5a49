"""Cookie jars: a session an operator solved by hand (captcha, login) in Tor Browser, handed to
the crawler with `vigie source cookies NAME cookies.txt`.

Why encrypted: a session cookie is a bearer credential to the operator's account on a criminal
forum; anyone reading it could act as them. The jar is sealed with the data key (AES-GCM, bound
to the source's name so one source's jar cannot be swapped for another's) in a 0600 file under
a 0700 directory. The crawler never loads keys itself: the caller hands it the `DataKey`.

Two consumers: `CookieJarMiddleware` adds the jar's cookies to the HTTP handler's requests for
the cookie's own host only, and `crawler.handlers.browser` loads them into the source's
browser context. `WallMiddleware` stops the crawl at the first wall page (see docs/browser.md).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.defer import deferred_from_coro

from crawler import CrawlerError
from crawler._markup import html_selector
from indexer.crypto import DataKey, decrypt_text, encrypt_text

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from vigie.config.schema import WallDetector

__all__ = ["MAX_COOKIE_BYTES", "MAX_CRAWL_COOKIES", "MAX_CRAWL_COOKIE_BYTES", "BoundedCookiesMiddleware", "Cookie",
           "CookieJar", "CookieJarError", "CookieJarMiddleware", "JarInfo", "WallMiddleware",
           "cookie_jar_path", "jar_info", "load_jar", "parse_cookies", "save_jar", "session_expired_reason",
           "wall_detected"]

_DIR_MODE = 0o700
MAX_CRAWL_COOKIES = 300  # cookies a crawl keeps of what its site sets (BoundedCookiesMiddleware)
MAX_COOKIE_BYTES = 4096  # a cookie's name and value, as browsers keep at most
# all the jar's names and values together: 300 cookies of 4 KiB made every request carry 1.2 MB of
# Cookie header (600 MB sent through Tor over a 500-page run); sites' real jars are a few kB
MAX_CRAWL_COOKIE_BYTES = 64 * 1024
_FILE_MODE = 0o600


class CookieJarError(CrawlerError):
    """A cookie file could not be read (unknown format, no cookie) or a stored jar not opened."""


@dataclass(frozen=True)
class Cookie:
    """One cookie. `expires` is a Unix time; None is a session cookie (kept until the jar is replaced)."""

    name: str
    value: str
    domain: str  # without the leading dot; `include_subdomains` says whether subdomains get it
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    include_subdomains: bool = False
    expires: float | None = None

    def expired(self, now: float) -> bool:
        return self.expires is not None and self.expires <= now

    def matches(self, host: str, path: str = "/") -> bool:
        """RFC 6265 domain and path matching: the cookie goes to its own host (and subdomains
        only when the jar said so), never to another site a crawled page links to."""
        host = host.lower().rstrip(".")
        if host != self.domain and not (self.include_subdomains and host.endswith("." + self.domain)):
            return False
        return path == self.path or path.startswith(self.path.rstrip("/") + "/") or self.path == "/"

    def to_playwright(self) -> dict[str, Any]:
        """The shape of Playwright's `storage_state["cookies"]` entries."""
        return {"name": self.name, "value": self.value,
                "domain": ("." if self.include_subdomains else "") + self.domain, "path": self.path,
                "expires": self.expires if self.expires is not None else -1,
                "httpOnly": self.http_only, "secure": self.secure, "sameSite": "Lax"}


@dataclass(frozen=True)
class CookieJar:
    """The cookies of one source, and when the operator handed them over."""

    source: str
    cookies: tuple[Cookie, ...]
    saved_at: float

    def usable(self, now: float | None = None) -> list[Cookie]:
        now = time.time() if now is None else now
        return [c for c in self.cookies if not c.expired(now)]

    def for_url_host(self, host: str, path: str = "/", now: float | None = None) -> list[Cookie]:
        return [c for c in self.usable(now) if c.matches(host, path)]

    @property
    def expires_at(self) -> float | None:
        """The earliest expiry of a persistent cookie: a session usually dies with its first cookie."""
        stamps = [c.expires for c in self.cookies if c.expires is not None]
        return min(stamps) if stamps else None

    def expired(self, now: float | None = None) -> bool:
        """True when the session cannot be valid any more: no cookie left, or one already expired."""
        now = time.time() if now is None else now
        at = self.expires_at
        return not self.usable(now) or (at is not None and at <= now)


# ------------------------------------------------------------------------------- parsing
def parse_cookies(text: str) -> list[Cookie]:
    """Cookies from a Netscape cookies.txt, or from a JSON export of a browser extension
    (EditThisCookie / Cookie-Editor: a list of objects with `expirationDate`; Playwright's
    storage state: `{"cookies": [...]}` with `expires`). Raises CookieJarError when nothing is found."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CookieJarError(f"the cookie file looks like JSON but does not parse: {exc}; export it again "
                                 "as JSON (Cookie-Editor: Export > JSON) or as Netscape cookies.txt") from exc
        cookies = _from_json(data)
    else:
        cookies = _from_netscape(stripped)
    if not cookies:
        raise CookieJarError("no cookie found in the file: expected Netscape cookies.txt (7 tab-separated "
                             "fields per line) or a JSON export from a browser extension")
    return cookies


def _from_netscape(text: str) -> list[Cookie]:
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r\n")
        http_only = line.startswith("#HttpOnly_")
        if http_only:
            line = line[len("#HttpOnly_"):]
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise CookieJarError(f"line {number} of the cookie file has {len(fields)} tab-separated fields, "
                                 "a Netscape cookies.txt line has 7 (domain, subdomains, path, secure, "
                                 "expiry, name, value)")
        domain, subdomains, path, secure, expiry, name, value = fields
        try:
            stamp = int(expiry)
        except ValueError:
            raise CookieJarError(f"line {number} of the cookie file: expiry {expiry!r} is not a Unix time") from None
        out.append(Cookie(name=name, value=value, domain=domain.lstrip(".").lower(), path=path or "/",
                          secure=secure.upper() == "TRUE", http_only=http_only,
                          include_subdomains=subdomains.upper() == "TRUE" or domain.startswith("."),
                          expires=float(stamp) if stamp > 0 else None))
    return out


def _from_json(data: Any) -> list[Cookie]:
    if isinstance(data, dict):
        data = data.get("cookies", [])
    if not isinstance(data, list):
        raise CookieJarError("the JSON cookie file must be a list of cookies or {\"cookies\": [...]}")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "name" not in item or "domain" not in item:
            raise CookieJarError(f"JSON cookie #{i} has no name or domain: export the cookies again")
        raw_expiry = item.get("expirationDate", item.get("expires"))
        expiry = float(raw_expiry) if isinstance(raw_expiry, int | float | str) else 0.0
        session = bool(item.get("session")) or expiry <= 0
        domain = str(item["domain"])
        host_only = item.get("hostOnly")
        subdomains = domain.startswith(".") if host_only is None else not bool(host_only)
        out.append(Cookie(name=str(item["name"]), value=str(item.get("value", "")),
                          domain=domain.lstrip(".").lower(), path=str(item.get("path") or "/"),
                          secure=bool(item.get("secure", False)), http_only=bool(item.get("httpOnly", False)),
                          include_subdomains=subdomains, expires=None if session else expiry))
    return out


# ------------------------------------------------------------------------------- storage
def cookie_jar_path(data_dir: Path, source: str) -> Path:
    return data_dir / "cookies" / f"{source}.jar"


def _aad(source: str) -> bytes:
    return f"vigie/cookie-jar/v1|{source}".encode()


_MAGIC = b"VIGIE-COOKIE-JAR 1\n"


@dataclass(frozen=True)
class JarInfo:
    """What `vigie status` shows without the data key: when the session was handed over and when
    its first cookie expires. Times only (no name, value or host); authenticated on load."""

    source: str
    saved_at: float
    expires_at: float | None
    cookies: int


def save_jar(path: Path, jar: CookieJar, key: DataKey) -> None:
    """Seal `jar` with the data key into `path` (0600, directory 0700), replacing it atomically.
    The file is a header line (JarInfo as JSON, bound to the ciphertext as associated data) and
    the AES-GCM blob of the cookies."""
    path.parent.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path.parent, _DIR_MODE)
    info = json.dumps(asdict(JarInfo(jar.source, jar.saved_at, jar.expires_at, len(jar.cookies)))).encode()
    payload = json.dumps({"source": jar.source, "saved_at": jar.saved_at,
                          "cookies": [asdict(c) for c in jar.cookies]})
    blob = encrypt_text(key, payload, _aad(jar.source) + b"|" + info)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_MAGIC + info + b"\n" + blob)
    os.chmod(tmp, _FILE_MODE)
    os.replace(tmp, path)


def _split(path: Path) -> tuple[bytes, bytes] | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if not data.startswith(_MAGIC) or b"\n" not in data[len(_MAGIC):]:
        raise CookieJarError(f"{path} is not a Vigie cookie jar: import the cookies again with `vigie source cookies`")
    info, blob = data[len(_MAGIC):].split(b"\n", 1)
    return info, blob


def jar_info(path: Path) -> JarInfo | None:
    """The jar's header, readable without the key (None when there is no jar)."""
    parts = _split(path)
    if parts is None:
        return None
    data = json.loads(parts[0])
    return JarInfo(source=str(data["source"]), saved_at=float(data["saved_at"]),
                   expires_at=None if data["expires_at"] is None else float(data["expires_at"]),
                   cookies=int(data["cookies"]))


def load_jar(path: Path, key: DataKey, source: str) -> CookieJar | None:
    """The jar stored for `source`, or None when there is none. Raises CookieJarError when the
    file does not open with this key (another data key, another source's jar, an edited header)."""
    parts = _split(path)
    if parts is None:
        return None
    info, blob = parts
    try:
        data = json.loads(decrypt_text(key, blob, _aad(source) + b"|" + info))
    except Exception as exc:
        raise CookieJarError(f"the cookie jar {path} does not open with the data key for source {source!r}: "
                             "import the cookies again with `vigie source cookies`") from exc
    return CookieJar(source=data["source"], saved_at=float(data["saved_at"]),
                     cookies=tuple(Cookie(**c) for c in data["cookies"]))


def session_expired_reason(when: float | None = None) -> str:
    """The attention reason shown by `vigie status` (with the time, so the operator knows how stale)."""
    stamp = datetime.fromtimestamp(time.time() if when is None else when, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return f"session expired at {stamp}: import fresh cookies with `vigie source cookies`"


def wall_detected(wall: WallDetector, html: str) -> bool:
    if wall.text is not None and wall.text in html:
        return True
    return wall.selector is not None and bool(html_selector(html).css(wall.selector))


# ------------------------------------------------------------------------------- middlewares
def _jar_of(crawler: Crawler) -> tuple[CookieJar | None, WallDetector | None]:
    from crawler.spiders._base import VigieSpider

    spider = crawler.spider
    if not isinstance(spider, VigieSpider):
        return None, None
    return spider.cookie_jar, spider.source.wall


def _held(jar: Any) -> int:
    """Cookies in a Scrapy jar, counted from http.cookiejar's domain -> path -> name tables
    (`len(jar)` walks every cookie through generators: 30 times slower here)."""
    return sum(len(names) for paths in jar.jar._cookies.values() for names in paths.values())


def _held_bytes(jar: Any) -> int:
    """The names and values of a Scrapy jar's cookies, in characters."""
    return sum(len(c.name) + len(c.value or "") for paths in jar.jar._cookies.values()
               for names in paths.values() for c in names.values())


class BoundedCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookie middleware with a browser's ceilings: a cookie whose name and value pass
    MAX_COOKIE_BYTES is not kept, nor a new one once the crawl's jar holds MAX_CRAWL_COOKIES
    (one already kept may still be replaced: a session that rotates its cookie goes on), nor one
    that would take the jar's names and values past MAX_CRAWL_COOKIE_BYTES.

    Why: Python's cookie jar keeps whatever a site sets, and every later request sends it all
    back. A page setting 2,500 cookies (what 256 KiB of headers hold) made the 30th request
    carry 5 MB of Cookie header; over a run's 500 pages, quadratic work, gigabytes, and as
    much sent through Tor. Browsers keep 180 a domain (Chromium) and 4 KiB a cookie; a crawl
    has one or two hosts. Dropped cookies are counted (`vigie/cookies/refused`)."""

    def _process_cookies(self, cookies: Any, *, jar: Any, request: Request) -> None:
        size = None  # the jar's bytes, counted once a response (a replaced cookie counted twice: at most)
        for cookie in cookies:
            n = len(cookie.name) + len(cookie.value or "")
            if n > MAX_COOKIE_BYTES:
                self.crawler.stats.inc_value("vigie/cookies/refused")
                continue
            if size is None:
                size = _held_bytes(jar)
            if size + n > MAX_CRAWL_COOKIE_BYTES:  # new or replacing: the jar's bytes would pass theirs
                self.crawler.stats.inc_value("vigie/cookies/refused")
                continue
            held = _held(jar)
            super()._process_cookies([cookie], jar=jar, request=request)
            if held >= MAX_CRAWL_COOKIES and _held(jar) > held:  # a new one past the ceiling
                jar.jar.clear(cookie.domain, cookie.path, cookie.name)
                self.crawler.stats.inc_value("vigie/cookies/refused")
            else:
                size += n


class CookieJarMiddleware:
    """Adds the source's jar to each request for a matching host (after Scrapy's CookiesMiddleware,
    so cookies the site set during the crawl win over the jar's copies of the same name)."""

    def __init__(self, crawler: Crawler) -> None:
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CookieJarMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        from urllib.parse import urlsplit

        jar, _ = _jar_of(self._crawler)
        if jar is None or request.meta.get("playwright"):
            return  # the browser context holds the jar itself
        parts = urlsplit(request.url)
        cookies = [c for c in jar.for_url_host(parts.hostname or "", parts.path or "/")
                   if not c.secure or parts.scheme == "https"]
        if not cookies:
            return
        present = SimpleCookie()
        header = request.headers.get(b"Cookie")
        if header:
            present.load(header.decode("latin-1"))
        extra = [f"{c.name}={c.value}" for c in cookies if c.name not in present]
        if extra:
            request.headers[b"Cookie"] = "; ".join(([header.decode("latin-1")] if header else []) + extra)


class WallMiddleware:
    """Stops the crawl at the first wall page, or before the first request when the jar has
    expired: a wall answered again and again gets the Tor exit or the account flagged. The crawl
    state is kept; the source is marked "needs attention: session expired" with the time."""

    def __init__(self, crawler: Crawler) -> None:
        self._crawler = crawler
        self._stopped = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WallMiddleware:
        return cls(crawler)

    def _stop(self) -> None:
        from crawler.spiders._base import VigieSpider

        if self._stopped:
            return
        self._stopped = True
        spider = self._crawler.spider
        if isinstance(spider, VigieSpider):
            spider.attention(session_expired_reason())
        if self._crawler.stats is not None:
            self._crawler.stats.inc_value("vigie/walls")
        if self._crawler.engine is not None:
            deferred_from_coro(self._crawler.engine.close_spider_async(reason="session_expired"))

    def process_request(self, request: Request) -> None:
        if self._stopped:
            raise IgnoreRequest("the crawl stopped at a wall; no more requests to this source")
        jar, _ = _jar_of(self._crawler)
        if jar is not None and jar.expired():
            self._stop()
            raise IgnoreRequest("the source's cookie jar has expired")

    def process_response(self, request: Request, response: Response) -> Response:
        _, wall = _jar_of(self._crawler)
        if wall is None or self._stopped:
            if self._stopped:
                raise IgnoreRequest("the crawl stopped at a wall")
            return response
        if isinstance(response, TextResponse) and wall_detected(wall, response.text):
            self._stop()
            raise IgnoreRequest(f"wall at {request.url}")
        return response
