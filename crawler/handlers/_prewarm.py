"""Pre-opened circuits: a source's isolated circuits built in parallel with its first page.

Why: with several circuits per source (`VIGIE_TOR_CIRCUITS_PER_SOURCE`), every circuit to an
onion service needs its own rendezvous, which takes seconds. Built lazily, they are paid one
after the other when the crawl fans out after the first page, so a crawl on a cold Tor client
(every scheduled crawl, in practice: Tor drops idle circuits after minutes) ran seconds slower
than the same crawl on warm circuits. On the first request of a source to a host, the other
circuits get a SOCKS CONNECT to the same host, closed unused as soon as Tor has opened it: the
site sees a connection that carries no request, and a circuit that fails to open is renewed
before a page request depends on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.interfaces import IProtocol
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure
from twisted.web.client import URI

from crawler.handlers._socks import Socks5ClientEndpoint, SocksError

if TYPE_CHECKING:
    from crawler.handlers.tor import TorHandlerConfig

__all__ = ["CircuitPrewarmer"]


class CircuitPrewarmer:
    """Opens `<key>#i` for every i but the one the first request rides, once per source and host.

    `key_for(slot)` gives the SOCKS username of a slot now (renewals included), `renew(slot, key)`
    moves a slot to a new circuit, `count(stat)` increments a crawl stat.
    """

    def __init__(self, config: TorHandlerConfig, key_for: Callable[[str], str],
                 renew: Callable[[str, str], None], count: Callable[[str], None]):
        self._config = config
        self._key_for, self._renew, self._count = key_for, renew, count
        self._done: set[tuple[str, str, int]] = set()  # (source key, host, port) already opened
        self._opening: set[Deferred[IProtocol]] = set()

    def first_request(self, url: str, slot: str) -> None:
        """Called for every request on a round-robin slot (`<key>#i`); acts on the first per host."""
        if not self._config.prewarm or self._config.circuits < 2:
            return
        base, sep, _ = slot.rpartition("#")
        uri = URI.fromBytes(url.encode("ascii", "replace"))
        target = (base, uri.host.decode("ascii", "replace"), uri.port)
        if not sep or target in self._done:
            return
        self._done.add(target)
        for i in range(self._config.circuits):
            if f"{base}#{i}" != slot:
                self._open(f"{base}#{i}", target[1], target[2])

    def cancel(self) -> None:
        """Drop the openings still in progress (the crawl is closing)."""
        for opening in list(self._opening):
            opening.cancel()

    def _open(self, slot: str, host: str, port: int) -> None:
        from twisted.internet import reactor

        key = self._key_for(slot)
        endpoint = Socks5ClientEndpoint(
            reactor, self._config.socks_host, self._config.socks_port, host, port, username=key,
            password=self._config.socks_password, connect_timeout=self._config.connect_timeout,
            handshake_timeout=self._config.socks_timeout, peers=self._config.peers)
        opening = endpoint.connect(Factory.forProtocol(Protocol))
        self._opening.add(opening)

        def opened(proto: IProtocol) -> None:
            self._count("vigie_tor/circuits_prewarmed")
            transport = getattr(proto, "transport", None)
            if transport is not None:
                transport.loseConnection()

        def failed(failure: Failure) -> None:
            if failure.check(CancelledError):
                return
            self._count("vigie_tor/circuits_prewarm_failed")
            if failure.check(SocksError):
                self._renew(slot, key)

        opening.addCallbacks(opened, failed)
        opening.addBoth(lambda _: self._opening.discard(opening))
