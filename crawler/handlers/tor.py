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
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from twisted.internet.defer import DeferredList
from twisted.web.client import Agent, HTTPConnectionPool
from twisted.web.iweb import IAgentEndpointFactory
from zope.interface import implementer

from crawler.handlers._socks import Socks5ClientEndpoint, SocksError
from crawler.handlers.defaults import TOR_HANDLER_DEFAULTS

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.web.client import URI

__all__ = ["TorDownloadHandler", "TorHandlerConfig"]

META_ISOLATION = "vigie_tor_isolation"


@dataclass(frozen=True)
class TorHandlerConfig:
    socks_host: str
    socks_port: int
    socks_password: str
    isolation: str | None
    connect_timeout: float
    circuits: int = 1

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
        return cls(socks_host=host, socks_port=port, socks_password=str(get("VIGIE_TOR_SOCKS_PASSWORD")),
                   isolation=str(isolation) if isolation else None, connect_timeout=timeout,
                   circuits=circuits)


@implementer(IAgentEndpointFactory)
class _SocksEndpointFactory:
    def __init__(self, reactor: Any, config: TorHandlerConfig, isolation: str, context_factory: Any):
        self._reactor = reactor
        self._config = config
        self._isolation = isolation
        self._context_factory = context_factory

    def endpointForURI(self, uri: URI) -> Socks5ClientEndpoint:
        tls = None
        if uri.scheme == b"https":
            tls = self._context_factory.creatorForNetloc(uri.host, uri.port)
        return Socks5ClientEndpoint(
            self._reactor, self._config.socks_host, self._config.socks_port,
            uri.host.decode("ascii"), uri.port, username=self._isolation,
            password=self._config.socks_password, tls_creator=tls,
            connect_timeout=self._config.connect_timeout,
        )


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
        self._agents: dict[str, Agent] = {}
        self._pools: dict[str, HTTPConnectionPool] = {}
        self._round_robin = 0

    def _isolation_key(self, request: Request) -> str:
        key = request.meta.get(META_ISOLATION)
        if not key:
            key = self._config.isolation
            if not key:
                spider = self._crawler.spider
                key = f"vigie:{getattr(spider, 'name', None) or 'default'}"
            if self._config.circuits > 1:
                key = f"{key}#{self._round_robin % self._config.circuits}"
                self._round_robin += 1
        key = str(key)
        if not 0 < len(key.encode()) <= 255:
            raise ValueError(f"Tor isolation key {key!r} must be 1-255 bytes (SOCKS username)")
        return key

    def _agent_for(self, key: str) -> Agent:
        agent = self._agents.get(key)
        if agent is None:
            from twisted.internet import reactor

            pool = HTTPConnectionPool(reactor, persistent=True)
            pool.maxPersistentPerHost = self._crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
            factory = _SocksEndpointFactory(reactor, self._config, key, self._contextFactory)
            agent = Agent.usingEndpointFactory(reactor, factory, pool=pool)
            self._pools[key] = pool
            self._agents[key] = agent
            if self._crawler.stats is not None:
                self._crawler.stats.set_value("vigie_tor/isolation_keys", len(self._agents))
        return agent

    async def download_request(self, request: Request) -> Response:
        key = self._isolation_key(request)
        request.meta["vigie_tor_isolation_used"] = key
        if b"Proxy-Authorization" in request.headers:
            headers = request.headers.copy()
            del headers[b"Proxy-Authorization"]
            request = request.replace(headers=headers)
        agent = _TorScrapyAgent(
            tor_agent=self._agent_for(key),
            contextFactory=self._contextFactory,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
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

        pools, self._pools, self._agents = list(self._pools.values()), {}, {}
        if pools:
            d = DeferredList([p.closeCachedConnections() for p in pools], consumeErrors=True)
            delayed = reactor.callLater(self._disconnect_timeout, d.callback, [])
            try:
                await maybe_deferred_to_future(d)
            finally:
                if delayed.active():
                    delayed.cancel()
        await super().close()
