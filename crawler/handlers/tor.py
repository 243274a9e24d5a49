"""Scrapy download handler for http/https that only ever connects through Tor's SOCKS port.

Enable it with the settings from `crawler.handlers.tor_download_handler_settings()`; every
setting and meta key is documented in `crawler.handlers.defaults`.

Design: Scrapy 2.19's HTTP/1.1 handler does the HTTP work (timeouts, size limits, data loss);
this subclass only swaps the Twisted agent for one whose every connection is a SOCKS5 stream
(`crawler.handlers._socks`), with the destination sent as a name so Tor resolves it. It reuses
Scrapy's private `_ScrapyAgent`, which is why `scrapy==2.19.0` is pinned in pyproject.toml; the
tests in tests/test_tor_handler.py cover the parts it relies on.

Per-source circuit isolation: the isolation key is the SOCKS username, and Tor's SocksPort has
`IsolateSOCKSAuth` on by default. One HTTP connection pool per key, so a kept-alive connection
opened for one source is never reused by another.

Failures are detected in seconds, not minutes (issue 18): the SOCKS handshake is bounded
(`VIGIE_TOR_SOCKS_TIMEOUT_SECONDS`: circuit, rendezvous and CONNECT reply), and so is the
silence of an open stream while an answer is awaited (`VIGIE_TOR_STREAM_TIMEOUT_SECONDS`). A
request that fails on its circuit (timeout, SOCKS error, stream dropped) renews that circuit:
the isolation key gets a new generation (`<key>~<n>`, new SOCKS credentials, so Tor builds a
new circuit) and the retry, sent at once by `BackoffRetryMiddleware`, rides it. Slow requests
are hedged (`crawler.handlers._hedge`): past the source's p95 latency a copy goes out on a
separate circuit (`<key>+h`), the first answer wins, the other is cancelled. With several
circuits per source, the first request to a host also opens the source's other circuits at once
(a SOCKS CONNECT closed as soon as Tor has opened the stream), so that an onion service's
rendezvous circuits are built while the first page loads, not one by one as the crawl fans out.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from dataclasses import dataclass, field
from time import monotonic
from typing import TYPE_CHECKING, Any

from loguru import logger
from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.exceptions import (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.utils._download_handlers import wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.internet.interfaces import IProtocol, IProtocolFactory, IStreamClientEndpoint
from twisted.python.failure import Failure
from twisted.web.client import Agent, HTTPConnectionPool, ResponseFailed
from twisted.web.iweb import IAgentEndpointFactory
from zope.interface import implementer

from crawler.handlers._hedge import HedgePolicy
from crawler.handlers._prewarm import CircuitPrewarmer
from crawler.handlers._socks import Socks5ClientEndpoint, SocksError, SocksPeerError
from crawler.handlers.defaults import TOR_HANDLER_DEFAULTS, trusted_peers_from_settings
from vigie.core.peers import TrustedPeers

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.web.client import URI

__all__ = ["TorDownloadHandler", "TorHandlerConfig"]

META_ISOLATION = "vigie_tor_isolation"
_LOSER = "_vigie_tor_hedge_loser"
# failures that say the circuit (or the stream on it) is bad: the next request takes a new one
_CIRCUIT_FAILURES = (SocksError, ResponseFailed, ResponseDataLossError, DownloadTimeoutError, TxTimeoutError,
                     ConnectionLost, ConnectionDone)


@dataclass(frozen=True)
class TorHandlerConfig:
    socks_host: str
    socks_port: int
    socks_password: str
    isolation: str | None
    connect_timeout: float
    circuits: int = 1
    socks_timeout: float = 30.0
    stream_timeout: float = 15.0
    hedge: HedgePolicy = field(default_factory=HedgePolicy)
    prewarm: bool = True
    peers: TrustedPeers = field(default_factory=TrustedPeers.default)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> TorHandlerConfig:
        def get(name: str) -> Any:
            value = settings.get(name)
            return TOR_HANDLER_DEFAULTS[name] if value is None else value

        host = str(get("VIGIE_TOR_SOCKS_HOST"))
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise NotConfigured(
                f"VIGIE_TOR_SOCKS_HOST={host!r} must be an IP address (e.g. 127.0.0.1): the "
                "Tor SOCKS address is never resolved by DNS") from None
        port = int(get("VIGIE_TOR_SOCKS_PORT"))
        if not 0 < port < 65536:
            raise NotConfigured(f"VIGIE_TOR_SOCKS_PORT={port} is not a TCP port")
        timeout = float(get("VIGIE_TOR_CONNECT_TIMEOUT_SECONDS"))
        if timeout <= 0:
            raise NotConfigured(f"VIGIE_TOR_CONNECT_TIMEOUT_SECONDS={timeout} must be > 0")
        isolation = get("VIGIE_TOR_ISOLATION")
        circuits = int(get("VIGIE_TOR_CIRCUITS_PER_SOURCE"))
        if not 1 <= circuits <= 64:
            raise NotConfigured(f"VIGIE_TOR_CIRCUITS_PER_SOURCE={circuits} must be between 1 and 64")
        socks_timeout = float(get("VIGIE_TOR_SOCKS_TIMEOUT_SECONDS"))
        stream_timeout = float(get("VIGIE_TOR_STREAM_TIMEOUT_SECONDS"))
        if socks_timeout <= 0 or stream_timeout < 0:
            raise NotConfigured(f"VIGIE_TOR_SOCKS_TIMEOUT_SECONDS={socks_timeout} must be > 0 and "
                                f"VIGIE_TOR_STREAM_TIMEOUT_SECONDS={stream_timeout} >= 0 (0: no stream timeout)")
        fraction = float(get("VIGIE_TOR_HEDGE_MAX_FRACTION"))
        percentile = float(get("VIGIE_TOR_HEDGE_PERCENTILE"))
        if not (0 <= fraction <= 1 and 50 <= percentile < 100):
            raise NotConfigured(f"VIGIE_TOR_HEDGE_MAX_FRACTION={fraction} must be within 0-1 and "
                                f"VIGIE_TOR_HEDGE_PERCENTILE={percentile} within 50-99.9")
        hedge = HedgePolicy(enabled=bool(get("VIGIE_TOR_HEDGE_ENABLED")) and fraction > 0, percentile=percentile,
                            min_samples=int(get("VIGIE_TOR_HEDGE_MIN_SAMPLES")), max_fraction=fraction,
                            min_delay=float(get("VIGIE_TOR_HEDGE_MIN_DELAY_SECONDS")))
        return cls(socks_host=host, socks_port=port, socks_password=str(get("VIGIE_TOR_SOCKS_PASSWORD")),
                   isolation=str(isolation) if isolation else None, connect_timeout=timeout,
                   circuits=circuits, socks_timeout=socks_timeout, stream_timeout=stream_timeout, hedge=hedge,
                   prewarm=bool(get("VIGIE_TOR_PREWARM_CIRCUITS")), peers=trusted_peers_from_settings(settings))


@dataclass
class _Watch:
    """One attempt's stream: when it last showed life, and whether its SOCKS stream is opening
    (then only the SOCKS timeout applies)."""

    last: float
    connecting: bool = False
    stalled: bool = False


@implementer(IStreamClientEndpoint)
class _WatchedEndpoint:
    def __init__(self, inner: Socks5ClientEndpoint, watch: _Watch):
        self._inner, self._watch = inner, watch

    def connect(self, protocolFactory: IProtocolFactory) -> Deferred[IProtocol]:
        watch = self._watch
        watch.connecting = True

        def opened(result: Any) -> Any:
            watch.connecting, watch.last = False, monotonic()
            return result

        return self._inner.connect(protocolFactory).addBoth(opened)


@implementer(IAgentEndpointFactory)
class _SocksEndpointFactory:
    def __init__(self, reactor: Any, config: TorHandlerConfig, isolation: str, context_factory: Any,
                 watch: _Watch):
        self._reactor = reactor
        self._config = config
        self._isolation = isolation
        self._context_factory = context_factory
        self._watch = watch

    def endpointForURI(self, uri: URI) -> _WatchedEndpoint:
        tls = None
        if uri.scheme == b"https":
            tls = self._context_factory.creatorForNetloc(uri.host, uri.port)
        return _WatchedEndpoint(Socks5ClientEndpoint(
            self._reactor, self._config.socks_host, self._config.socks_port,
            uri.host.decode("ascii"), uri.port, username=self._isolation,
            password=self._config.socks_password, tls_creator=tls,
            connect_timeout=self._config.connect_timeout, handshake_timeout=self._config.socks_timeout,
            peers=self._config.peers,
        ), self._watch)


class _TorScrapyAgent(_ScrapyAgent):
    def __init__(self, *, tor_agent: Agent, **kwargs: Any):
        super().__init__(**kwargs)
        self._tor_agent = tor_agent

    def _get_agent(self, request: Request, timeout: float) -> Agent:
        return self._tor_agent  # never a direct or HTTP-proxy agent, whatever meta says


class TorDownloadHandler(HTTP11DownloadHandler):
    """http/https through Tor's SOCKS port only, with remote DNS and per-source isolation."""

    lazy = False

    def __init__(self, crawler: Crawler):
        if not crawler.settings.getbool("VIGIE_TOR_ENABLED", True):
            raise NotConfigured("VIGIE_TOR_ENABLED is False: no http(s) handler, requests fail")
        super().__init__(crawler)
        self._config = TorHandlerConfig.from_settings(crawler.settings)
        self._hedge = self._config.hedge
        self._pools: dict[str, HTTPConnectionPool] = {}
        self._generation: dict[str, int] = {}  # isolation slot -> circuit generation
        self._round_robin = 0
        self._in_flight = 0
        self._limit = max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
                          or crawler.settings.getint("CONCURRENT_REQUESTS") or 1)
        self._waiting: deque[Deferred[None]] = deque()
        self._watches: dict[int, _Watch] = {}
        self._prewarmer = CircuitPrewarmer(self._config, self._key, self._renew, self._count)
        crawler.signals.connect(self._alive, signal=signals.headers_received)
        crawler.signals.connect(self._alive, signal=signals.bytes_received)

    def _alive(self, request: Request, **_: Any) -> None:
        watch = self._watches.get(id(request))
        if watch is not None:
            watch.last = monotonic()

    # ------------------------------------------------------------------ circuits
    def _slot(self, request: Request) -> str:
        """The isolation key this request belongs to (before circuit renewals)."""
        key = request.meta.get(META_ISOLATION)
        if not key:
            key = self._config.isolation
            if not key:
                spider = self._crawler.spider
                key = f"vigie:{getattr(spider, 'name', None) or 'default'}"
            if self._config.circuits > 1:
                key = f"{key}#{self._round_robin % self._config.circuits}"
                self._round_robin += 1
        return str(key)

    def _key(self, slot: str) -> str:
        """The SOCKS username for `slot` now: the slot, then `slot~n` after n renewals."""
        gen = self._generation.get(slot, 0)
        key = f"{slot}~{gen}" if gen else slot
        if not 0 < len(key.encode()) <= 255:
            raise ValueError(f"Tor isolation key {key!r} must be 1-255 bytes (SOCKS username)")
        return key

    def _renew(self, slot: str, key: str) -> None:
        """Move `slot` to a new circuit (new SOCKS credentials), once per failed circuit."""
        if self._key(slot) != key:
            return  # another request already renewed it
        self._generation[slot] = self._generation.get(slot, 0) + 1
        self._count("vigie_tor/circuits_renewed")
        pool = self._pools.pop(key, None)
        if pool is not None:
            pool.closeCachedConnections()  # idle connections ride the bad circuit

    def _pool_for(self, key: str) -> HTTPConnectionPool:
        pool = self._pools.get(key)
        if pool is None:
            from twisted.internet import reactor

            pool = HTTPConnectionPool(reactor, persistent=True)
            pool.maxPersistentPerHost = self._limit
            self._pools[key] = pool
            if self._crawler.stats is not None:
                self._crawler.stats.max_value("vigie_tor/isolation_keys", len(self._pools))
        return pool

    # ------------------------------------------------------------------ permits
    def _acquire(self, hedge: bool) -> Deferred[None]:
        """A place among the source's `limit` requests in flight. Scrapy's slot already keeps
        page requests within it, so they get one at once, unless a hedge took it: a hedge goes
        first for the next free place (a request held up that long is what the crawl waits on)."""
        if self._in_flight < self._limit and not self._waiting:
            self._in_flight += 1
            return succeed(None)
        entry: list[Deferred[None]] = []

        def cancelled(_: Deferred[None]) -> None:
            if entry and entry[0] in self._waiting:
                self._waiting.remove(entry[0])

        d: Deferred[None] = Deferred(cancelled)
        entry.append(d)
        if hedge:
            self._waiting.appendleft(d)
        else:
            self._waiting.append(d)
        return d

    def _release(self) -> None:
        self._in_flight -= 1
        while self._waiting and self._in_flight < self._limit:
            self._in_flight += 1
            self._waiting.popleft().callback(None)

    # ------------------------------------------------------------------ one attempt
    def _attempt(self, request: Request, slot: str) -> Deferred[Response]:
        """Download `request` once on `slot`'s current circuit, with the stream watchdog."""
        from twisted.internet import reactor

        key = self._key(slot)
        request.meta["vigie_tor_isolation_used"] = slot
        request.meta["vigie_tor_socks_username"] = key
        watch = _Watch(monotonic())
        factory = _SocksEndpointFactory(reactor, self._config, key, self._contextFactory, watch)
        agent = _TorScrapyAgent(
            tor_agent=Agent.usingEndpointFactory(reactor, factory, pool=self._pool_for(key)),
            contextFactory=self._contextFactory,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        self._watches[id(request)] = watch
        d = agent.download_request(request)
        limit = self._config.stream_timeout
        timer: list[Any] = []

        def check() -> None:
            idle = monotonic() - watch.last
            if watch.connecting or idle < limit:  # opening: the SOCKS timeout applies
                timer[:] = [reactor.callLater(limit if watch.connecting else limit - idle, check)]
                return
            watch.stalled = True
            self._count("vigie_tor/stream_stalled")
            d.cancel()

        if limit:
            timer.append(reactor.callLater(limit, check))

        def done(result: Any) -> Any:
            for call in timer:
                if call.active():
                    call.cancel()
            self._watches.pop(id(request), None)
            if isinstance(result, Failure):
                if watch.stalled:  # cancelled by the watchdog (Twisted may wrap that in ResponseFailed)
                    result = Failure(DownloadTimeoutError(
                        f"no answer from {request.url} for {limit:g} s on an open Tor stream "
                        "(stalled stream or dead circuit; VIGIE_TOR_STREAM_TIMEOUT_SECONDS)"))
                if result.check(*_CIRCUIT_FAILURES) and not request.meta.pop(_LOSER, False):
                    self._renew(slot, key)
            return result

        return d.addBoth(done)

    # ------------------------------------------------------------------ hedged download
    def _race(self, request: Request, slot: str, delay: float | None) -> Deferred[Response]:
        """The first answer of the request and, past `delay`, of a copy on another circuit."""
        from twisted.internet import reactor

        attempts: list[tuple[Request, Deferred[Response]]] = []
        failures: list[Failure] = []
        hedge_timer: list[Any] = []

        def cancel_all(_: Deferred[Response]) -> None:
            for call in hedge_timer:
                if call.active():
                    call.cancel()
            for _req, d in attempts:
                d.cancel()

        result: Deferred[Response] = Deferred(cancel_all)
        began = monotonic()

        def won(response: Response, req: Request) -> None:
            if result.called:
                return
            self._hedge.latencies.add(monotonic() - began)
            for call in hedge_timer:
                if call.active():
                    call.cancel()
            for other, d in attempts:
                if other is not req:
                    if other is not request and self._never_sent(other):
                        self._hedge.hedged -= 1  # it cost the server nothing: back into the budget
                        self._count("vigie_tor/hedge/withdrawn")
                    other.meta[_LOSER] = True  # slow is not broken: its circuit is kept
                    d.cancel()  # the slower copy: its connection is dropped
            if req is not request:
                self._count("vigie_tor/hedge/won")
                for name in ("vigie_tor_isolation_used", "vigie_tor_socks_username", "download_latency"):
                    if name in req.meta:
                        request.meta[name] = req.meta[name]
            result.callback(response)

        def lost(failure: Failure) -> None:
            if result.called:
                return  # a cancelled loser
            failures.append(failure)
            if len(failures) == len(attempts):  # nothing else in flight: give up (the retry takes over)
                for call in hedge_timer:
                    if call.active():
                        call.cancel()
                result.errback(failures[0])

        def launch(req: Request, on: str, permit: Deferred[None]) -> None:
            def go(_: None) -> Deferred[Response]:
                return self._attempt(req, on).addBoth(release)

            def release(outcome: Any) -> Any:
                self._release()
                return outcome

            d = permit.addCallback(go)
            attempts.append((req, d))
            d.addCallbacks(won, lost, callbackArgs=(req,))

        def hedge() -> None:
            if result.called:
                return
            if not self._hedge.allow():
                self._count("vigie_tor/hedge/skipped")
                return
            self._hedge.hedged += 1
            self._count("vigie_tor/hedge/sent")
            launch(request.copy(), f"{slot}+h", self._acquire(hedge=True))

        launch(request, slot, self._acquire(hedge=False))
        if delay is not None and not result.called:
            hedge_timer.append(reactor.callLater(delay, hedge))
        return result

    def _never_sent(self, request: Request) -> bool:
        """Whether `request` has not reached the server: still waiting for a place in flight, or
        its Tor stream still opening (a new isolated circuit to an onion service takes a
        rendezvous, often longer than the original needs to answer). The hedge budget bounds the
        extra load a server sees, so such a hedge is given back: on a small crawl, two copies
        cancelled while their circuits were built otherwise used up the budget before the one
        request that hung."""
        watch = self._watches.get(id(request))
        return watch is None or watch.connecting

    async def download_request(self, request: Request) -> Response:
        slot = self._slot(request)
        if not request.meta.get(META_ISOLATION):
            self._prewarmer.first_request(request.url, slot)
        if b"Proxy-Authorization" in request.headers:
            headers = request.headers.copy()
            del headers[b"Proxy-Authorization"]
            request = request.replace(headers=headers)
        self._hedge.started += 1
        delay = self._hedge.delay(request.method, request.meta.get("vigie_kind"))
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(self._race(request, slot, delay))
        except SocksPeerError as exc:
            self._count("vigie_tor/socks_untrusted")
            logger.error("crawl: {}", exc)
            raise DownloadFailedError(str(exc)) from exc
        except SocksError as exc:
            self._count(f"vigie_tor/socks_error/{exc.code or 'handshake'}")
            if exc.code == 5:
                raise DownloadConnectionRefusedError(str(exc)) from exc
            if exc.code == 6:
                raise DownloadTimeoutError(str(exc)) from exc
            raise DownloadFailedError(str(exc)) from exc
        except DownloadConnectionRefusedError:
            self._count("vigie_tor/socks_unreachable")
            raise
        except ResponseDataLossError:
            raise

    def _count(self, key: str) -> None:
        if self._crawler.stats is not None:
            self._crawler.stats.inc_value(key)

    async def close(self) -> None:
        from twisted.internet import reactor

        self._prewarmer.cancel()
        pools, self._pools = list(self._pools.values()), {}
        if pools:
            d = DeferredList([p.closeCachedConnections() for p in pools], consumeErrors=True)
            delayed = reactor.callLater(self._disconnect_timeout, d.callback, [])
            try:
                await maybe_deferred_to_future(d)
            finally:
                if delayed.active():
                    delayed.cancel()
        await super().close()
