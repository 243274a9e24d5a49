"""A SOCKS5 proxy on 127.0.0.1 that answers a CONNECT the way Tor does when a circuit takes long
to build: the first CONNECT to a destination starts building its "circuit" (`build_seconds`),
every CONNECT to that destination (the first included) is answered once it is built, and later
ones at once. Tor itself does this on a loaded network or for an onion service's rendezvous;
the private Tor network here is too fast for it to show, so the delay is modelled (the stream
behind it is a real TCP connection, to 127.0.0.1 only).

    with SlowCircuitSocks(build_seconds=33) as socks:
        ...  # a client through ("127.0.0.1", socks.port); socks.connects lists (host, port, waited)
"""

from __future__ import annotations

import socket
import struct
import threading
import time

from crawler._tor_socks import _recv_exact
from tests.fault_proxy import LoopbackServer

__all__ = ["SlowCircuitSocks"]


class SlowCircuitSocks(LoopbackServer):
    def __init__(self, *, build_seconds: float, onions: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.build_seconds = build_seconds
        # the names whose CONNECT is forwarded (to 127.0.0.1: `onions` stand for sites on it, as
        # Chromium through Tor sends loopback destinations to no proxy)
        self.loopback_names = ("127.0.0.1", "localhost", *onions)
        self.connects: list[tuple[str, int, float]] = []  # (host, port, seconds the reply waited)
        self._built_at: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()

    def _handle(self, client: socket.socket) -> None:
        try:
            _, n = _recv_exact(client, 2)
            _recv_exact(client, n)
            client.sendall(b"\x05\x00")  # no authentication
            _, cmd, _, atyp = _recv_exact(client, 4)
            if atyp == 3:
                host = _recv_exact(client, _recv_exact(client, 1)[0]).decode("idna")
            elif atyp == 1:
                host = socket.inet_ntoa(_recv_exact(client, 4))
            else:
                raise ConnectionError("address type not supported here")
            (port,) = struct.unpack(">H", _recv_exact(client, 2))
            if cmd != 1 or host not in self.loopback_names:  # never anywhere but loopback
                client.sendall(b"\x05\x02\x00\x01" + bytes(6))
                return
            started = time.monotonic()
            with self._lock:
                ready = self._built_at.setdefault((host, port), started + self.build_seconds)
            time.sleep(max(0.0, ready - time.monotonic()))
            upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
        except (OSError, ConnectionError):
            client.close()
            return
        self.connects.append((host, port, time.monotonic() - started))
        try:
            client.sendall(b"\x05\x00\x00\x01" + bytes(6))
        except OSError:  # the client gave up waiting
            client.close()
            upstream.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while chunk := src.recv(65536):
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
