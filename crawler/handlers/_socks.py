"""A Twisted SOCKS5 client endpoint with username/password auth (RFC 1928 + RFC 1929).

txtorcon's `TorClientEndpoint` does not implement SOCKS username/password, which Tor uses for
circuit isolation (`IsolateSOCKSAuth`), so Vigie speaks SOCKS5 itself. The destination is always
sent as a host name (ATYP 3): Tor resolves it, nothing is ever resolved locally. The only TCP
connection this endpoint opens is to the SOCKS port, an IP literal, so there is no fallback path
that could go direct.
"""

from __future__ import annotations

import socket
import struct
from typing import TYPE_CHECKING, cast

from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.interfaces import (
    IProtocol,
    IProtocolFactory,
    IReactorTime,
    IStreamClientEndpoint,
    ISystemHandle,
    ITCPTransport,
)
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.protocols.policies import ProtocolWrapper
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.python.failure import Failure
from zope.interface import implementer

from crawler._tor_socks import SOCKS_REPLIES
from vigie.core.peers import PeerCheckError, TrustedPeers

if TYPE_CHECKING:
    from twisted.internet.interfaces import IAddress, IOpenSSLClientConnectionCreator, IReactorTCP

__all__ = ["Socks5ClientEndpoint", "SocksError", "SocksPeerError", "SocksTimeoutError"]


class SocksError(Exception):
    """The SOCKS proxy answered but could not open the stream; `code` is the SOCKS reply code."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class SocksPeerError(SocksError):
    """The SOCKS port is served by an account not trusted (vigie.core.peers): a squatter there
    would see every host we crawl and answer for them. Nothing was sent on the connection."""


class SocksTimeoutError(SocksError):
    """The stream was not open within the handshake timeout (over Tor: circuit, onion-service
    rendezvous and CONNECT reply), so the caller can retry on a fresh circuit at once instead
    of waiting for Tor's own SocksTimeout (2 minutes)."""


class _Handshake(Protocol):
    """Speaks SOCKS5 on the fresh TCP connection, then hands the transport to the real protocol."""

    def __init__(self, ep: Socks5ClientEndpoint, factory: IProtocolFactory, done: Deferred[IProtocol]):
        self._ep = ep
        self._factory = factory
        self._done = done
        self._buf = b""
        self._state = "greeting"
        self._inner: IProtocol | None = None

    def _tcp(self) -> ITCPTransport:
        """The TCP connection to the SOCKS port.

        `Protocol.transport` is typed `ITransport | None` because it is unset before
        `makeConnection`; here it is always the TCP4ClientEndpoint's connection. Adapting it to
        `ITCPTransport` checks that at run time (zope raises TypeError otherwise) and gives
        `abortConnection`, which a plain `ITransport` lacks.
        """
        return ITCPTransport(self.transport)

    def abort(self) -> None:
        """Drop the TCP connection to the SOCKS port at once (used when the caller cancels)."""
        if self.transport is not None:
            self._tcp().abortConnection()

    def connectionMade(self) -> None:
        self._ep._connected(self)
        try:  # before the greeting: the credentials and the target follow it
            sock = cast("socket.socket", ISystemHandle(self.transport).getHandle())  # a TCP client transport
            self._ep.peers.check_socket(sock, f"Tor's SOCKS port (crawl of {self._ep.target})")
        except PeerCheckError as exc:
            self._fail(SocksPeerError(str(exc)))
            return
        self._tcp().write(b"\x05\x01\x02")  # username/password only

    def dataReceived(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.dataReceived(data)
            return
        self._buf += data
        try:
            self._advance()
        except SocksError as exc:
            self._fail(exc)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self._inner is not None:
            self._inner.connectionLost(reason)
        elif not self._done.called:
            self._done.errback(SocksError(
                f"SOCKS proxy {self._ep.proxy} closed the connection during the handshake "
                f"for {self._ep.target}"))

    def _fail(self, exc: Exception) -> None:
        if not self._done.called:
            self._done.errback(exc)
        self._tcp().abortConnection()

    def _take(self, n: int) -> bytes | None:
        if len(self._buf) < n:
            return None
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _advance(self) -> None:
        if self._state == "greeting":
            reply = self._take(2)
            if reply is None:
                return
            if reply != b"\x05\x02":
                raise SocksError(f"SOCKS proxy {self._ep.proxy} does not accept username/password "
                                 f"auth (reply {reply!r}); is it Tor's SocksPort?")
            user, pwd = self._ep.username.encode(), self._ep.password.encode()
            self._tcp().write(bytes([1, len(user)]) + user + bytes([len(pwd)]) + pwd)
            self._state = "auth"
        if self._state == "auth":
            reply = self._take(2)
            if reply is None:
                return
            if reply[1] != 0:
                raise SocksError(f"SOCKS proxy {self._ep.proxy} rejected the isolation credentials")
            host = self._ep.host.encode("idna")
            self._tcp().write(b"\x05\x01\x00\x03" + bytes([len(host)]) + host
                              + struct.pack(">H", self._ep.port))
            self._state = "connect"
        if self._state == "connect":
            if len(self._buf) < 5:
                return
            ver, rep, _, atyp, first = self._buf[:5]
            if rep != 0:
                raise SocksError(f"SOCKS CONNECT to {self._ep.target} through {self._ep.proxy} "
                                 f"failed: {SOCKS_REPLIES.get(rep, f'reply code {rep}')}", rep)
            size = 4 + {1: 4, 4: 16}.get(atyp, 1 + first) + 2
            if self._take(size) is None:
                return
            self._state = "open"
            self._open()

    def _open(self) -> None:
        tcp = self._tcp()
        inner = self._factory.buildProtocol(tcp.getPeer())
        if inner is None:
            self._fail(SocksError("protocol factory refused to build a protocol"))
            return
        self._inner = inner
        inner.makeConnection(tcp)
        # unwrap TLS (TLSMemoryBIOProtocol is a ProtocolWrapper): callers want their own protocol
        app = inner.wrappedProtocol if isinstance(inner, ProtocolWrapper) else inner
        self._done.callback(app)
        if self._buf:
            data, self._buf = self._buf, b""
            inner.dataReceived(data)


class _HandshakeFactory(Factory[_Handshake]):
    def __init__(self, ep: Socks5ClientEndpoint, factory: IProtocolFactory, done: Deferred[IProtocol]):
        self._ep, self._factory, self._done = ep, factory, done

    def buildProtocol(self, addr: IAddress | None) -> _Handshake:
        return _Handshake(self._ep, self._factory, self._done)


@implementer(IStreamClientEndpoint)
class Socks5ClientEndpoint:
    """Connect to host:port through a SOCKS5 proxy, optionally wrapping the stream in TLS."""

    def __init__(self, reactor: IReactorTCP, socks_host: str, socks_port: int, host: str,
                 port: int, *, username: str, password: str,
                 tls_creator: IOpenSSLClientConnectionCreator | None = None,
                 connect_timeout: float = 10.0, handshake_timeout: float | None = None,
                 peers: TrustedPeers | None = None):
        self._reactor = reactor
        self.peers = peers if peers is not None else TrustedPeers.default()
        self._socks = (socks_host, socks_port)
        self.host, self.port = host, port
        self.username, self.password = username, password
        self._tls = tls_creator
        self._timeout = connect_timeout
        self._handshake_timeout = handshake_timeout
        self._proto: _Handshake | None = None

    @property
    def proxy(self) -> str:
        return f"{self._socks[0]}:{self._socks[1]}"

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    def _connected(self, proto: _Handshake) -> None:
        self._proto = proto

    def connect(self, protocolFactory: IProtocolFactory) -> Deferred[IProtocol]:
        factory: IProtocolFactory = protocolFactory
        if self._tls is not None:
            factory = TLSMemoryBIOFactory(self._tls, True, protocolFactory)

        def cancel(d: Deferred[IProtocol]) -> None:
            tcp_d.cancel()
            if self._proto is not None:
                self._proto.abort()

        done: Deferred[IProtocol] = Deferred(cancel)
        tcp = TCP4ClientEndpoint(self._reactor, self._socks[0], self._socks[1], timeout=self._timeout)
        tcp_d = tcp.connect(_HandshakeFactory(self, factory, done))

        def tcp_failed(failure: Failure) -> None:
            if done.called:
                return
            if failure.check(TxConnectionRefusedError):
                done.errback(TxConnectionRefusedError(
                    f"Tor SOCKS port {self.proxy} refused the connection (is tor running? "
                    f"check VIGIE_TOR_SOCKS_HOST/VIGIE_TOR_SOCKS_PORT); request to {self.target} "
                    "not sent"))
            elif not failure.check(CancelledError):
                done.errback(failure)

        tcp_d.addErrback(tcp_failed)
        if self._handshake_timeout:
            limit = self._handshake_timeout

            def too_slow() -> None:
                if not done.called:
                    done.errback(SocksTimeoutError(
                        f"SOCKS CONNECT to {self.target} through {self.proxy} not open after {limit:g} s "
                        "(circuit or rendezvous too slow; VIGIE_TOR_SOCKS_TIMEOUT_SECONDS)", 6))
                tcp_d.cancel()
                if self._proto is not None:
                    self._proto.abort()

            timer = IReactorTime(self._reactor).callLater(limit, too_slow)

            def stop_timer(result: object) -> object:
                if timer.active():
                    timer.cancel()
                return result

            done.addBoth(stop_timer)
        return done
