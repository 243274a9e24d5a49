"""A `network: direct` crawl's names resolved once, at its start, and checked (DNS rebinding).

The owner of a site we crawl by name runs its DNS: it can answer 127.0.0.1 or a LAN address from
the start, or a good address first and another later, and make the crawl (or the browser that
renders its pages, whose script may read what comes back under the site's own origin) connect to
services on this machine or its network, on the source's own ports. Scrapy's resolver kept its
first IPv4 answer for a run but checked nothing, and Chromium asked the system resolver again
whenever its cache (a minute, or a restarted browser) let it.

`PinnedResolver` is the crawl's only resolver (Scrapy's `TWISTED_DNS_RESOLVER`, so every
download, redirect, login and attachment goes through it): it asks the system resolver for each
of the source's host names when the crawl starts, refuses an answer holding any address that is
neither public nor in the source's `allowed_addresses` (`refusal`), and answers every later
lookup with the accepted addresses only; a name that is not one of the source's hosts is never
resolved. The browser handler maps each name to its pinned address in Chromium's resolver rules
(`pinned`), so Chromium never resolves a name itself. A refused or failed answer is asked again
at the next request (an accepted one is never replaced).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from loguru import logger
from twisted.internet import defer
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver, IResolverSimple
from zope.interface import implementer, provider

from vigie.core.addresses import Network, address_refusal, is_ip, parse_networks

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["PinnedResolver", "installed", "is_ip", "parse_networks", "refusal"]

_INSTALLED: PinnedResolver | None = None


def installed() -> PinnedResolver | None:
    """The resolver this crawl process installed (one crawl per process), if any."""
    return _INSTALLED


def refusal(host: str, addresses: Iterable[str], allowed: Sequence[Network]) -> str | None:
    """Why the answer `addresses` for `host` may not be used by a crawl, or None
    (`vigie.core.addresses.address_refusal`)."""
    return address_refusal(host, addresses, allowed, setting="the source's allowed_addresses")


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - Twisted's endpoints never cancel a resolution
        pass


@provider(IResolutionReceiver)
class _Collector:
    """Receives the system resolver's addresses for one name."""

    def __init__(self, done: Any) -> None:
        self.found: list[str] = []
        self._done = done

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.found.append(str(address.host))

    def resolutionComplete(self) -> None:
        self._done(self.found)


@implementer(IResolverSimple)
class _Simple:
    """`reactor.resolve` (a `connectTCP` to a name) through the pins as well."""

    def __init__(self, pinned: PinnedResolver) -> None:
        self._pinned = pinned

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        def first(addresses: tuple[str, ...]) -> str:
            return next((a for a in addresses if ":" not in a), addresses[0])

        return self._pinned.pinned(name).addCallback(first)


@implementer(IHostnameResolver)
class PinnedResolver:
    """See the module docstring. Built by Scrapy (`TWISTED_DNS_RESOLVER`) from the crawl's
    settings: `VIGIE_ALLOWED_HOSTS` (the names to pin) and `VIGIE_ALLOWED_ADDRESSES`."""

    def __init__(self, reactor: Any, hosts: Iterable[str], allowed: Sequence[Network]) -> None:
        self.reactor = reactor
        self._names = {h.lower().rstrip(".") for h in hosts if h and not is_ip(h)}
        self._allowed = tuple(allowed)
        self._pins: dict[str, tuple[str, ...]] = {}
        self._waiting: dict[str, list[defer.Deferred[tuple[str, ...]]]] = {}
        self._said: set[str] = set()
        self._system: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> PinnedResolver:
        s = crawler.settings
        return cls(reactor, s.getlist("VIGIE_ALLOWED_HOSTS"), parse_networks(s.getlist("VIGIE_ALLOWED_ADDRESSES")))

    def install_on_reactor(self) -> None:
        global _INSTALLED
        self._system = self.reactor.nameResolver  # getaddrinfo in the reactor's thread pool
        self.reactor.installResolver(_Simple(self))  # (sets nameResolver too: replaced next)
        self.reactor.installNameResolver(self)
        _INSTALLED = self
        for name in sorted(self._names):  # asked now, at the crawl's start
            self.pinned(name).addErrback(lambda _: None)

    def pinned(self, host: str) -> defer.Deferred[tuple[str, ...]]:
        """`host`'s addresses for this crawl: an IP as it is; a source's name as first accepted;
        any other name fails with DNSLookupError."""
        name = host.lower().strip("[]").rstrip(".")
        if is_ip(name):
            return defer.succeed((name,))
        if name in self._pins:
            return defer.succeed(self._pins[name])
        if name not in self._names:
            return defer.fail(DNSLookupError(f"{name} is not one of the source's hosts: not resolved"))
        d: defer.Deferred[tuple[str, ...]] = defer.Deferred()
        waiting = self._waiting.setdefault(name, [])
        waiting.append(d)
        if len(waiting) == 1:
            self._system.resolveHostName(_Collector(lambda found: self._answered(name, found)), name, 0, None, "TCP")
        return d

    def _answered(self, name: str, found: list[str]) -> None:
        waiting = self._waiting.pop(name, [])
        addresses = tuple(dict.fromkeys(found))
        why = refusal(name, addresses, self._allowed) if addresses else f"{name} did not resolve"
        if why is None:
            self._pins[name] = addresses
            logger.info("{} resolved to {} at the crawl's start: these addresses are used for the whole run",
                        name, ", ".join(addresses))
            for d in waiting:
                d.callback(addresses)
            return
        if why not in self._said:
            self._said.add(why)
            logger.warning(why)
        for d in waiting:
            d.errback(DNSLookupError(why))

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes: Sequence[type[Any]] | None = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)

        def give(addresses: tuple[str, ...]) -> None:
            for text in addresses:
                kind = IPv6Address if ":" in text else IPv4Address
                if addressTypes is None or kind in addressTypes:
                    resolutionReceiver.addressResolved(kind("TCP", text, portNumber))
            resolutionReceiver.resolutionComplete()

        def failed(failure: Any) -> None:
            failure.trap(DNSLookupError)
            resolutionReceiver.resolutionComplete()  # no address: the endpoint fails the request

        self.pinned(hostName).addCallbacks(give, failed)
        return resolution
