"""Download handler for `render: browser` sources: headless Debian Chromium through Tor's SOCKS
port, driven by scrapy-playwright (docs/browser.md).

No DNS or direct traffic, ever. Chromium's proxy is a PAC script (`proxy_pac`) that sends the
source's hosts and ports to Tor's SOCKS port (remote DNS) and everything else to a proxy that
never resolves; `--host-resolver-rules` maps every other name and address to nothing, so a name
that slipped past the proxy (a prefetch, a feature we did not think of, a loopback destination,
which Chromium never sends to a PAC proxy) fails instead of reaching the system resolver;
WebRTC, QUIC, prefetch/preconnect and Chromium's background services (updates, sync, safe
browsing, metrics, domain reliability) are off. tests/test_browser_no_leak.py records every
connect() and DNS attempt of the browser processes (strace) and finds none but the SOCKS port.

Fail closed: every request this handler gets is rendered by the browser (the `playwright` meta
flag is forced); scrapy-playwright's fallback to Scrapy's plain HTTP handler, which would
connect directly, is never used.

Per-source isolation: Tor isolates circuits by SOCKS credentials, which Chromium cannot send.
A crawl process runs one source, and its browser is that process's own; its streams carry no
SOCKS credentials, so Tor's default `IsolateSOCKSAuth` keeps them off the circuits of the HTTP
handler (which sends `vigie:<source>`). A `.onion` destination gets its own rendezvous circuit
per onion service anyway, so two browser sources never share one. Only two *clearnet-over-Tor*
browser sources crawled at the same time could share an exit circuit: add `IsolateDestAddr` to
the SocksPort line of your torrc if that matters to you. Cookies and storage are per source: one
browser context `vigie:<source>` holding that source's cookie jar.

Circuits opened before navigation: Chromium gives a SOCKS handshake 30 seconds, hard-coded
(net/socket/socks_connect_job.cc), and Tor answers a SOCKS CONNECT only once its circuit is
built; to an onion service that means a rendezvous, which takes longer than 30 s on a loaded Tor
network. So a page whose timeout was 90 s failed at 30 s (`net::ERR_TIMED_OUT`) on every
attempt. Before Chromium's first page to a host (and again once Tor may have let the circuit
go), the handler opens the stream itself through the same SOCKS port, without credentials like
Chromium (the same isolation, so the same circuit), waiting up to the page timeout, and closes
it unused: the site sees a connection that carries no request, and Chromium's stream attaches to
the circuit at once. Counted as `vigie_browser/circuits_opened` and `..._failed` (a failure lets
the navigation go ahead and fail or succeed on its own).

Only the source's hosts: the page's scripts, images, frames and redirects reach no host but
those of the source's start and login URLs (`crawler.settings.source_hosts`, as the follow rules
of `crawler.middlewares`); anything else is aborted before it leaves the browser and counted as
`playwright/request_count/aborted`. Through Tor this keeps a site's beacons to other hosts off
the source's circuits; on `network: direct` it keeps a hostile page's JavaScript from reaching
127.0.0.1, the local network or a cloud metadata address (no such guard existed: the proxy and
Tor's exit policy were the only one, and a direct source has neither).

Who serves the SOCKS port: a squatter listening there while tor restarts would see every onion
the source crawls and could answer for them. Chromium never shows its sockets, so before each
page the SOCKS listener's owner is checked (vigie.core.peers; `security.trusted_local_users`),
and the circuit opening's own connection is checked once made; a refused page fails with the
reason, logged at ERROR and counted as `vigie_browser/socks_untrusted`.

Attachments: a link the site answers as a download is a navigation that ends in a download,
which the context accepts; its bytes become the response, read by the spider's attachment path
like the HTTP handler's (`_get_response_and_download`: within `download_maxsize`, one without a
Content-Length watched as Chromium writes it and cancelled past the limit, deleted from
Playwright's download directory once read). They were lost: downloads were refused.

Limits (`source.browser`): a per-page timeout, a cap on pages rendered at once, and a restart of
the browser after N pages or when its processes' RSS grows past a limit.

No secret in the browser's environment: Chromium ran the site's scripts without its sandbox
(it keeps it now wherever it can: crawler.handlers._sandbox), and it and Playwright's driver
inherited the crawl's whole environment (the data and match keys, any `${NAME}` config secret);
a renderer bug that reads its environment handed over the key that decrypts every stored fragment.
Both now get `vigie.core.process.child_env()` only (Chromium through the launch options, the
driver through Playwright's `get_driver_env`, which has no other way in):
tests/test_attack_review_residue.py reads their /proc/<pid>/environ during a crawl.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from loguru import logger
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy.exceptions import DownloadFailedError, DownloadTimeoutError, IgnoreRequest, NotConfigured
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler._tor_socks import socks5_connect
from crawler.handlers._pac import JS_SHA256, pac_digest
from crawler.handlers._sandbox import chromium_sandbox
from crawler.handlers.defaults import trusted_peers_from_settings
from crawler.resolver import is_ip
from crawler.settings import port_of
from vigie.core.peers import PeerCheckError
from vigie.core.process import child_env

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["BROWSER_HANDLER_PATH", "CHROMIUM_NETWORK_ARGS", "BrowserDownloadHandler", "BrowserLimits",
           "browser_download_handler_settings", "browser_env", "browser_rss_bytes", "chromium_args",
           "host_rules", "proxy_pac", "proxy_pac_url", "SOCKS_ALIAS"]

BROWSER_HANDLER_PATH = "crawler.handlers.browser.BrowserDownloadHandler"
CHROMIUM = "/usr/bin/chromium"
_DOWNLOAD_POLL = 0.02  # seconds between two looks at a download being written (_watch_download)

# Everything that could make Chromium talk to the network on its own, or around the proxy.
CHROMIUM_NETWORK_ARGS: tuple[str, ...] = (
    "--disable-quic",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--dns-prefetch-disable",
    "--metrics-recording-only",
    "--disable-features=NetworkPrediction,NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,"
    "DialMediaRouteProvider,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "SafeBrowsingEnhancedProtection,InterestFeedContentSuggestions,DnsOverHttps,AsyncDns,"
    "PrivacySandboxSettings4,UseDnsHttpsSvcb",
)


def host_rules(hosts: frozenset[str], ports: frozenset[int], pins: Mapping[str, str] | None = None) -> str:
    """Chromium's `--host-rules`: every destination but `hosts` on `ports` mapped to a name that
    never resolves, in Chromium's network stack, so that whatever the page opens (WebSockets and
    the requests of its workers, which Playwright's routing never sees) reaches no other host
    or port. Each allowed `host:port` maps to itself first (an `EXCLUDE` rule matches the host
    only, whatever the port). No host known: nothing is reachable, as `_off_site` aborts every
    request then.

    `pins` (a `network: direct` source): each host name mapped to the address the crawl gave it
    at its start (`crawler.resolver`), so Chromium resolves none itself (the URL's host stays the
    name: Host header, cookies, TLS); a name without one is left out, unreachable. IP hosts map
    to themselves. (These rules and `--host-resolver-rules` are one mechanism in Chromium: the
    latter, when given, replaces them, so a direct source's browser gets only these.)"""
    def target(h: str) -> str | None:
        if pins is None or is_ip(h):
            return h
        return pins.get(h)

    keep = "".join(f"MAP {h}:{p} {t}:{p} , " for h in sorted(hosts) if (t := target(h)) for p in sorted(ports))
    return f"--host-rules={keep}MAP * ~NOTFOUND"



def chromium_args(socks: tuple[str, int] | None) -> list[str]:
    """Chromium's command line: the network switches, plus the proxy and resolver rules when the
    source goes through Tor (`socks` = the SOCKS port's IP and port)."""
    args = list(CHROMIUM_NETWORK_ARGS)
    if socks is not None:  # the proxy itself comes with the source's hosts, at launch (`proxy_pac_url`)
        host = f"[{socks[0]}]" if ":" in socks[0] else socks[0]
        args += [f"--host-resolver-rules=MAP {SOCKS_ALIAS} {host} , MAP * ~NOTFOUND"]
    return args


@dataclass(frozen=True)
class BrowserLimits:
    page_timeout_seconds: float
    max_pages_at_once: int
    restart_after_pages: int
    restart_above_rss_mb: int


def browser_download_handler_settings(socks: tuple[str, int] | None, limits: BrowserLimits, *,
                                      source: str, executable: str = CHROMIUM) -> dict[str, object]:
    """Scrapy settings rendering every http/https request of a crawl in headless Chromium.

    `socks` is Tor's SOCKS (IP, port), None for a `network: direct` source. Merge after the Tor
    handler's settings: these replace its http/https handlers."""
    if socks is not None:
        import ipaddress

        try:
            ipaddress.ip_address(socks[0])
        except ValueError:
            raise NotConfigured(f"browser SOCKS host {socks[0]!r} must be an IP address: the proxy itself "
                                "is never resolved by DNS") from None
    # `env`: set by BrowserDownloadHandler.__init__ (child_env()), not here: settings are logged.
    # The sandbox wherever Chromium can keep it (not as root; user namespaces needed): asked of
    # Chromium once (crawler.handlers._sandbox; attacker's review, round 14)
    sandboxed, _ = chromium_sandbox(executable, CHROMIUM_NETWORK_ARGS, browser_env)
    launch: dict[str, object] = {"executable_path": executable, "headless": True, "args": chromium_args(socks),
                                 "chromium_sandbox": sandboxed, "handle_sigint": False, "handle_sigterm": False,
                                 # Chromium's popup blocker on (Playwright turns it off): a page opens no
                                 # window without a click, and so starts no connection for one
                                 "ignore_default_args": ["--disable-popup-blocking"]}
    return {
        "DOWNLOAD_HANDLERS": {"http": BROWSER_HANDLER_PATH, "https": BROWSER_HANDLER_PATH,
                              "ftp": None, "s3": None, "file": None, "gs": None},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": limits.page_timeout_seconds * 1000,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": limits.max_pages_at_once,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
        "CONCURRENT_REQUESTS": limits.max_pages_at_once,
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.max_pages_at_once,
        "DOWNLOAD_TIMEOUT": limits.page_timeout_seconds + 10,
        "VIGIE_BROWSER_SOURCE": source,
        "VIGIE_BROWSER_SOCKS": f"{socks[0]}:{socks[1]}" if socks is not None else "",
        "VIGIE_BROWSER_PAGE_TIMEOUT": limits.page_timeout_seconds,
        "VIGIE_BROWSER_RESTART_AFTER_PAGES": limits.restart_after_pages,
        "VIGIE_BROWSER_RESTART_ABOVE_RSS_MB": limits.restart_above_rss_mb,
    }


def browser_rss_bytes(root_pid: int | None = None) -> int:
    """Resident memory of the Chromium processes descending from `root_pid` (this process)."""
    root = os.getpid() if root_pid is None else root_pid
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        pid = int(entry.name)
        children.setdefault(ppid, []).append(pid)
        names[pid] = name
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if "chrom" in names.get(pid, ""):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
    return total


def _private_home(state_path: str | None, source: str) -> Path:
    """A 0700 directory inside the crawl's data directory (beside its state database; TMPDIR when
    there is none) that Chromium takes for its home, removed when the handler closes."""
    base = Path(state_path).parent if state_path else Path(tempfile.gettempdir())
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in source)[:40]
    return Path(tempfile.mkdtemp(prefix=f".browser-home-{safe}-", dir=base))  # mkdtemp: mode 0700


def browser_env(home: Path) -> dict[str, str]:
    """Chromium's environment: `child_env()` (no secret), with its home and XDG directories in
    `home`. Why: Chromium writes outside the profile Playwright gives it: crashpad's
    `~/.config/chromium/Crash Reports/settings.dat` (even with --disable-crash-reporter),
    dconf's `~/.cache/dconf/user`, fontconfig's cache: files about our crawls in the operator's
    home, left behind. In `home` they stay inside the data directory and go with it."""
    env = {k: v for k, v in child_env().items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"), GSETTINGS_BACKEND="memory")
    return env


def _scrub_driver_env() -> None:
    """Start Playwright's driver (node) with `child_env()`: Playwright copies `os.environ` whole in
    `get_driver_env()` and takes no environment from its caller. Wrapped once per process; if a
    Playwright release moves the function, the crawl still runs and says the driver keeps the
    environment (tests/test_attack_review_residue.py fails on it)."""
    from playwright._impl import transport

    original = getattr(transport, "get_driver_env", None)
    if original is None:
        logger.warning("browser: Playwright's driver environment cannot be narrowed in this Playwright release: "
                       "its driver process inherits the crawl's environment (keys, config secrets)")
        return
    if getattr(original, "vigie_scrubbed", False):
        return

    def scrubbed() -> dict[str, str]:
        return child_env(original())

    scrubbed.vigie_scrubbed = True  # type: ignore[attr-defined]
    transport.get_driver_env = scrubbed


_REFUSED_PROXY = "PROXY refused.invalid:9"  # a name the resolver rules never resolve: no socket at all
# the name Chromium knows Tor's SOCKS port by, mapped to its address by the resolver rules: every
# other name or address, 127.0.0.1 included, maps to nothing (`chromium_args`)
SOCKS_ALIAS = "vigie-tor-socks.invalid"


def proxy_pac(hosts: frozenset[str], ports: frozenset[int], socks_port: int) -> str:
    """A PAC script for a `network: tor` source's Chromium: the source's `hosts` on `ports` go to
    Tor's SOCKS port, every other destination to a proxy whose name never resolves, so the
    connection fails in Chromium's network stack before Tor is asked. Why: Playwright's routing
    (`_create_browser_context`) never sees a dedicated worker's WebSocket, and `--host-rules` act
    only where Chromium resolves names, which it does not through a SOCKS5 proxy; a hostile onion
    page's worker reached any host and port through Tor (round 10 of the attacker's review). Proxy
    resolution is asked for every connection Chromium's network service makes, whoever asks: a
    page, a frame, any worker, a WebSocket, a fetch, a download.

    Chromium sends loopback and `localhost` destinations direct whatever a PAC script says, and
    falls back to a direct connection should the script ever fail to run: the resolver rules map
    every name and address but `SOCKS_ALIAS` to nothing, so neither connects anywhere.

    The script is on Chromium's command line, which every local account may read: it holds each
    allowed `host:port` as a salted SHA-256 digest (`crawler.handlers._pac`), never the hosts."""
    salt = secrets.token_hex(16)  # the script is on Chromium's command line: digests, not hosts (_pac)
    allowed = {pac_digest(salt, f"{h.lower().strip('[]')}:{p}"): 1 for h in sorted(hosts) for p in sorted(ports)}
    tor = json.dumps(f"SOCKS5 {SOCKS_ALIAS}:{socks_port}")
    return (JS_SHA256 + "var SALT = " + json.dumps(salt) + ", ALLOWED = " + json.dumps(allowed, sort_keys=True)
            + ";\n"
            "function FindProxyForURL(url, host) {\n"
            "  var m = /^([a-z][a-z0-9+.-]*):\\/\\/([^\\/?#]*)/i.exec(url);\n"
            f"  if (!m) return {json.dumps(_REFUSED_PROXY)};\n"
            "  var scheme = m[1].toLowerCase(), given = /:(\\d+)$/.exec(m[2].replace(/^.*@/, ''));\n"
            "  var port = given ? String(parseInt(given[1], 10)) : (scheme == 'https' || scheme == 'wss') ? '443'\n"
            "    : (scheme == 'http' || scheme == 'ws') ? '80' : '';\n"
            "  var key = String(host).toLowerCase().replace(/^\\[|\\]$/g, '') + ':' + port;\n"
            f"  if (Object.prototype.hasOwnProperty.call(ALLOWED, sha256hex(SALT + '|' + key))) return {tor};\n"
            f"  return {json.dumps(_REFUSED_PROXY)};\n"
            "}\n")


def proxy_pac_url(hosts: frozenset[str], ports: frozenset[int], socks_port: int) -> str:
    """`proxy_pac` as a data: URL (nothing fetched), for Chromium's `auto_proxy` environment
    variable: not its command line (`_maybe_launch_browser`)."""
    script = base64.b64encode(proxy_pac(hosts, ports, socks_port).encode()).decode()
    return f"data:application/x-ns-proxy-autoconfig;base64,{script}"


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """Every http/https request rendered by Chromium in the source's own browser context."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        _scrub_driver_env()
        self._home = _private_home(crawler.settings.get("VIGIE_STATE_PATH"), crawler.settings.get(
            "VIGIE_BROWSER_SOURCE") or "default")
        self.config.launch_options["env"] = browser_env(self._home)  # see the module docstring
        # an attachment Chromium downloads is plaintext on disk until read: in the private home (0700,
        # in the data dir, removed with it), not in Playwright's default playwright-artifacts-* in TMPDIR
        downloads = self._home / "downloads"
        downloads.mkdir(mode=0o700, exist_ok=True)
        self.config.launch_options["downloads_path"] = str(downloads)
        s = crawler.settings
        self._source = str(s.get("VIGIE_BROWSER_SOURCE") or "default")
        self._restart_after = s.getint("VIGIE_BROWSER_RESTART_AFTER_PAGES", 200)
        self._rss_limit = s.getint("VIGIE_BROWSER_RESTART_ABOVE_RSS_MB", 1024) * 2**20
        self._max_at_once = max(1, self.config.max_pages_per_context)
        self._cond = asyncio.Condition()
        self._inflight = 0
        self._pages_since_launch = 0
        self._restarting = False
        socks = str(s.get("VIGIE_BROWSER_SOCKS") or "")
        host, _, port = socks.rpartition(":")
        self._socks = (host, int(port)) if host else None
        self._peers = trusted_peers_from_settings(s)
        self._page_timeout = s.getfloat("VIGIE_BROWSER_PAGE_TIMEOUT", 60.0)
        self._circuits: dict[tuple[str, int], float] = {}  # (host, port) -> when its circuit was opened
        self._hosts: frozenset[str] | None = None  # read from the spider's source on first use
        self._ports: frozenset[int] | None = None  # likewise
        self.abort_request = self._off_site  # scrapy-playwright's hook, asked for every browser request
        self._opening: dict[tuple[str, int], asyncio.Future[None]] = {}

    @property
    def context_name(self) -> str:
        return f"vigie:{self._source}"

    async def _maybe_launch_browser(self) -> None:
        """Chromium launched with the source's hosts and ports as its only reachable ones
        (`host_rules`, known once the spider is): `abort_request` stops the page's HTTP
        requests, but Playwright routes no WebSocket, and a page's
        `new WebSocket('ws://127.0.0.1:9200/')` reached Elasticsearch, Redis or the web app on a
        `network: direct` source (round 8 of the attacker's review)."""
        args = self.config.launch_options.setdefault("args", [])
        args[:] = [a for a in args if not a.startswith("--host-rules=")]
        if self._socks is None:  # direct: Chromium resolves no name (`host_rules`, with the pins)
            args.append(host_rules(self._allowed_hosts(), self._allowed_ports(), await self._pins()))
        else:  # through Tor: the proxy chosen per destination (`proxy_pac`); no --host-rules, which
            # the resolver rules replace there (`host_rules`) and which named the hosts in the clear
            args[:] = [a for a in args if not a.startswith(("--proxy-server=", "--proxy-bypass-list=",
                                                            "--proxy-pac-url="))]
            # ... and the script in Chromium's environment, not on its command line: every local
            # account reads /proc/<pid>/cmdline, only this one /proc/<pid>/environ; the digests
            # there let a reader confirm a guessed onion (round 13 of the attacker's review).
            # Chromium on Linux reads `auto_proxy` (a PAC URL) when no proxy switch is given and
            # no desktop's settings apply (browser_env passes none)
            env = self.config.launch_options.setdefault("env", browser_env(self._home))
            env["auto_proxy"] = proxy_pac_url(self._allowed_hosts(), self._allowed_ports(), self._socks[1])
        await super()._maybe_launch_browser()

    async def _pins(self) -> dict[str, str]:
        """A direct source's names and the address each was given at the crawl's start
        (crawler.resolver), for the host rules: Chromium asked the system resolver itself
        whenever its cache (a minute) or a restart let it, and a site's DNS answering 127.0.0.1
        then had the page, under its own origin, read a service of this machine (round 9 of the
        attacker's review). A name refused or unresolved (logged) is left out: unreachable."""
        from scrapy.utils.defer import deferred_to_future
        from twisted.internet.error import DNSLookupError

        from crawler.resolver import installed

        resolver = installed()
        pins: dict[str, str] = {}
        for host in sorted(self._allowed_hosts()):
            if is_ip(host) or resolver is None:  # (no resolver: a handler built without build_settings)
                continue
            try:
                addresses = await deferred_to_future(resolver.pinned(host))
            except DNSLookupError:
                continue
            ipv4 = [a for a in addresses if ":" not in a]
            pins[host] = ipv4[0] if ipv4 else f"[{addresses[0]}]"
        return pins

    async def _create_browser_context(self, name: str, context_kwargs: dict[str, Any] | None,
                                      spider: Any = None) -> Any:
        """The context, with every request and WebSocket of every page, popup and worker in it
        refused off the source's hosts and ports (`_off_site`). scrapy-playwright routes the
        crawled page alone, Playwright's request routing sees no WebSocket, and Chromium's host
        rules act only where Chromium resolves names: through Tor's SOCKS port it resolves none,
        and a hostile onion page's WebSockets, workers and popups reached any host and port
        through Tor (round 9 of the attacker's review). A page's own routes run first."""
        wrapper = await super()._create_browser_context(name, context_kwargs, spider)
        await wrapper.context.route_web_socket(re.compile(".*"), self._route_web_socket)
        await wrapper.context.route(re.compile(".*"), self._route_request)
        return wrapper

    async def _route_web_socket(self, ws: Any) -> None:
        scheme, sep, rest = str(ws.url).partition("://")
        if self._off_site_url({"ws": "http", "wss": "https"}.get(scheme.lower(), scheme) + sep + rest):
            if self.stats is not None:
                self.stats.inc_value("vigie_browser/websockets_refused")
            await ws.close()
        else:
            ws.connect_to_server()

    async def _route_request(self, route: Any) -> None:
        if self._off_site(route.request):
            if self.stats is not None:
                self.stats.inc_value("vigie_browser/requests_refused")
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    def _context_kwargs(self) -> dict[str, Any]:
        from crawler.spiders._base import VigieSpider

        spider = self._crawler.spider
        jar = spider.cookie_jar if isinstance(spider, VigieSpider) else None
        # downloads accepted: an attachment link is a navigation that becomes a download
        # (`_get_response_and_download`), read like the HTTP handler's file, within its limits
        kwargs: dict[str, Any] = {"java_script_enabled": True, "accept_downloads": True,
                                  "service_workers": "block"}
        if isinstance(spider, VigieSpider):
            kwargs["user_agent"] = spider.source.user_agent
        if jar is not None:
            kwargs["storage_state"] = {"cookies": [c.to_playwright() for c in jar.usable()], "origins": []}
        return kwargs

    async def _get_response_and_download(self, request: Request, page: Any, spider: Any) -> tuple[Any, Any]:
        """scrapy-playwright's navigation, which reads a download's bytes into the response (an
        attachment), within the request's `download_maxsize` (a file's `attachments.max_bytes`).
        Playwright writes a download to its own 0700 directory before it can be read: each is
        deleted as soon as it was read (not when the browser closes), and one larger than the limit
        is refused with the HTTP handler's words, so that it is counted the same way (`size_refusal`:
        `files_too_big`, `pages_refused`). One whose Content-Length says it is too big is cancelled
        as it starts; one without is watched as it is written (`_watch_download`) and cancelled once
        past the limit, so that an endless or huge answer never fills the disk."""
        limit = int(request.meta.get("download_maxsize") or self._crawler.settings.getint("DOWNLOAD_MAXSIZE") or 0)
        downloads: list[Any] = []
        declared: dict[str, int] = {}
        cancelled: list[str] = []
        watchers: list[asyncio.Task[None]] = []

        def seen(response: Any) -> None:  # (any response of the page: an exception here fails its goto)
            length = str(response.headers.get("content-length") or "").strip()
            # ASCII digits only, and few: `isdigit` takes '²', which int() refuses, and int() refuses
            # more than 4,300 digits; a site's image answered so failed its page (round 13)
            if length.isascii() and length.isdigit() and len(length) <= 18:
                declared[response.url] = int(length)

        def keep(download: Any) -> None:  # (Playwright takes no builtin method as a handler)
            downloads.append(download)
            size = declared.get(download.url)
            if limit and size is not None and size > limit:
                cancelled.append(f"declares {size} bytes, larger than download max size ({limit}): cancelled as "
                                 "it started")
                asyncio.ensure_future(download.cancel())
            elif limit:
                watchers.append(asyncio.ensure_future(self._watch_download(download, limit, cancelled)))

        page.on("response", seen)
        page.on("download", keep)
        try:
            response, download = await super()._get_response_and_download(request, page, spider)
        finally:
            for w in watchers:
                w.cancel()
            for d in downloads:
                with contextlib.suppress(PlaywrightError):
                    await d.delete()
        if cancelled:
            if self.stats is not None:
                self.stats.inc_value("vigie_browser/downloads_too_big")
            raise IgnoreRequest(f"browser: the download {cancelled[0]}")
        if download and limit and len(download.body) > limit:
            if self.stats is not None:
                self.stats.inc_value("vigie_browser/downloads_too_big")
            raise IgnoreRequest(f"browser: the download is {len(download.body)} bytes, larger than download max "
                                f"size ({limit})")
        if download and self.stats is not None:
            self.stats.inc_value("vigie_browser/downloads")
        return response, download

    @staticmethod
    async def _watch_download(download: Any, limit: int, cancelled: list[str]) -> None:
        """Cancel `download` once the file Chromium writes grows past `limit` bytes.

        Why a poll: Playwright tells a download's start and end, nothing between, and Chromium
        writes it whole to disk before Playwright hands over its path; the only progress there is
        is the file itself (its path is the artifact's, Playwright's private `absolutePath`; Chromium
        writes `<it>.crdownload` until done, hence the prefix match). Should a Playwright release
        move that path, it says so and the check after the read still refuses it. Every `_DOWNLOAD_POLL`
        seconds: past the limit by at most what arrives in that time (over Tor, kilobytes)."""
        artifact = getattr(getattr(download, "_impl_obj", download), "_artifact", None)
        where = Path(str(getattr(artifact, "_initializer", {}).get("absolutePath") or ""))
        if not where.name:
            logger.warning("browser: cannot watch the download of {} as it is written (this Playwright keeps no "
                           "artifact path): it is checked against download max size once read", download.url)
            return
        while True:
            with contextlib.suppress(OSError):
                written = sum(p.stat().st_size for p in where.parent.glob(glob.escape(where.name) + "*"))
                if written > limit:
                    cancelled.append(f"passed {limit} bytes without a Content-Length saying so ({written} written): "
                                     f"larger than download max size ({limit}), cancelled as it came")
                    with contextlib.suppress(PlaywrightError):
                        await download.cancel()
                    return
            await asyncio.sleep(_DOWNLOAD_POLL)

    async def _close(self) -> None:
        """scrapy-playwright's close (contexts, browser, Playwright), then the browser's home goes."""
        try:
            await super()._close()
        finally:
            shutil.rmtree(self._home, ignore_errors=True)

    def _restart_due(self) -> bool:
        if "browser" not in vars(self):
            return False
        if self._pages_since_launch >= self._restart_after:
            return True
        return browser_rss_bytes() > self._rss_limit

    async def _restart_browser(self) -> None:
        """Close every context and the browser; the next page launches a fresh one."""
        reason = "pages" if self._pages_since_launch >= self._restart_after else "memory"
        browser = self.browser
        browser.remove_listener("disconnected", self._browser_disconnected_callback)
        for wrapper in list(self.context_wrappers.values()):
            await wrapper.context.close()
        self.context_wrappers.clear()
        await browser.close()
        del self.browser
        self._pages_since_launch = 0
        if self.stats is not None:
            self.stats.inc_value(f"vigie_browser/restarts/{reason}")

    def _allowed_hosts(self) -> frozenset[str]:
        if self._hosts is None:
            from crawler.settings import source_hosts
            from crawler.spiders._base import VigieSpider

            spider = self._crawler.spider
            hosts = set(self._crawler.settings.getlist("VIGIE_ALLOWED_HOSTS"))
            if not hosts and isinstance(spider, VigieSpider):
                hosts = source_hosts(spider.source)
            self._hosts = frozenset(h.lower() for h in hosts if h)  # none known: every request aborted
        return self._hosts

    def _off_site(self, request: Any) -> bool:
        """True (abort) for a request the browser would send to a host the source does not list,
        or by a scheme other than http(s) (see the module docstring)."""
        return self._off_site_url(str(request.url))

    def _off_site_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):  # never leaves the browser
            return False
        return parts.scheme not in ("http", "https") or (parts.hostname or "") not in self._allowed_hosts() or (
            port_of(url) not in self._allowed_ports())

    def _allowed_ports(self) -> frozenset[int]:
        """The source's ports (`crawler.settings.source_ports`): a page's script reached any
        port of the source's host (the web app, Elasticsearch... on a site configured by its
        loopback or LAN address)."""
        if self._ports is None:
            from crawler.settings import WEB_PORTS, source_ports
            from crawler.spiders._base import VigieSpider

            spider = self._crawler.spider
            ports = {int(p) for p in self._crawler.settings.getlist("VIGIE_ALLOWED_PORTS")}
            if not ports and isinstance(spider, VigieSpider):
                ports = source_ports(spider.source)
            self._ports = frozenset(ports or WEB_PORTS)
        return self._ports

    # Tor stops attaching new streams to a circuit after MaxCircuitDirtiness (10 minutes by
    # default): open it again after a little less
    CIRCUIT_FRESH_SECONDS = 540.0

    async def _open_circuit(self, url: str) -> None:
        """Tor's circuit to the page's host, built before Chromium asks for it (see the module
        docstring). Concurrent pages to one host wait for the same opening."""
        if self._socks is None:
            return
        parts = urlsplit(url)
        if not parts.hostname:
            return
        target = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        if time.monotonic() - self._circuits.get(target, float("-inf")) < self.CIRCUIT_FRESH_SECONDS:
            return
        opening = self._opening.get(target)
        if opening is None:
            opening = self._opening[target] = asyncio.ensure_future(self._open_stream(target))
            opening.add_done_callback(lambda _: self._opening.pop(target, None))
        await asyncio.shield(opening)

    async def _open_stream(self, target: tuple[str, int]) -> None:
        assert self._socks is not None
        try:
            sock = await asyncio.to_thread(socks5_connect, self._socks[0], self._socks[1], target[0], target[1],
                                           timeout=self._page_timeout, peers=self._peers)
        except PeerCheckError:
            raise  # the page is refused (download_request)
        except OSError:
            if self.stats is not None:
                self.stats.inc_value("vigie_browser/circuits_open_failed")
            return
        sock.close()
        self._circuits[target] = time.monotonic()
        if self.stats is not None:
            self.stats.inc_value("vigie_browser/circuits_opened")

    async def _check_proxy(self) -> None:
        """Who serves Tor's SOCKS port, checked on its listener before each page: Chromium opens
        its own connections to the proxy and never shows them, so the listener is all that can be
        checked (a squatter binding between this check and Chromium's connect is not seen; the
        circuit opening's own connection, checked as it is made, narrows that). A squatter would
        see every onion the source crawls and could answer for them: the page is refused."""
        if self._socks is None:
            return
        try:
            await asyncio.to_thread(self._peers.check_listener, self._socks[0], self._socks[1],
                                    "Tor's SOCKS port (Chromium's proxy)")
        except PeerCheckError as exc:
            raise self._refused(exc) from None

    def _refused(self, exc: PeerCheckError) -> DownloadFailedError:
        if self.stats is not None:
            self.stats.inc_value("vigie_browser/socks_untrusted")
        logger.error("crawl: {}", exc)
        return DownloadFailedError(f"browser: {exc}")

    async def download_request(self, request: Request) -> Response:
        # Forced: a request without the flag would go to Scrapy's plain HTTP handler, directly.
        request.meta["playwright"] = True
        request.meta["playwright_context"] = self.context_name
        request.meta.setdefault("playwright_context_kwargs", self._context_kwargs())
        request.meta.setdefault("playwright_page_goto_kwargs", {"wait_until": "networkidle"})
        async with self._cond:
            await self._cond.wait_for(lambda: self._inflight < self._max_at_once and not self._restarting)
            if self._restart_due():
                self._restarting = True
                try:
                    await self._cond.wait_for(lambda: self._inflight == 0)
                    await self._restart_browser()
                finally:
                    self._restarting = False
                    self._cond.notify_all()
            self._inflight += 1
        try:
            await self._check_proxy()
            try:
                await self._open_circuit(request.url)
            except PeerCheckError as exc:
                raise self._refused(exc) from None
            return await super().download_request(request)
        except PlaywrightError as exc:
            # Scrapy's retry knows transport failures (RETRY_EXCEPTIONS), not Playwright's: a
            # navigation that timed out on a slow or broken circuit lost its page at once, where
            # the HTTP handler's request would have been retried on a fresh circuit
            said = str(exc).strip()
            kind = DownloadTimeoutError if isinstance(exc, PlaywrightTimeoutError) else DownloadFailedError
            raise kind(f"browser: {said.splitlines()[0] if said else type(exc).__name__}") from exc
        finally:
            async with self._cond:
                self._inflight -= 1
                self._pages_since_launch += 1
                self._cond.notify_all()
