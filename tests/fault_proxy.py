"""A TCP relay on 127.0.0.1 that loses chosen replies, for fault tests against a real server.

A connection that drops between a command reaching the server and its reply reaching the client
is the case a client's retry cannot see through: the command ran, the client sends it again. The
relay forwards every byte both ways, and when a client chunk holds `trigger` (bytes, e.g. a Lua
script's SHA1 in an EVALSHA) and `drop(n)` says so for that n-th occurrence, it closes both
sockets instead of forwarding the server's next answer: the server ran the command, the client
saw the connection die.

    with ReplyDropper(("127.0.0.1", redis_port), trigger=sha, drop=lambda n: n % 3 == 2) as relay:
        url = f"redis://127.0.0.1:{relay.port}/0"
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Self

__all__ = ["LoopbackServer", "ReplyDropper"]


class LoopbackServer:
    """A TCP listener on 127.0.0.1 (a free port) handing each connection to `_handle` in a thread
    of its own, while used as a context manager."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._closing = False

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        raise NotImplementedError


class ReplyDropper(LoopbackServer):
    def __init__(self, upstream: tuple[str, int], *, trigger: bytes, drop: Callable[[int], bool]) -> None:
        super().__init__()
        self.upstream, self.trigger, self.drop = upstream, trigger, drop
        self.seen = 0  # client chunks that held the trigger
        self.dropped = 0  # replies not forwarded
        self._lock = threading.Lock()

    def _handle(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        armed = threading.Event()  # the next reply from the server is to be lost
        threading.Thread(target=self._down, args=(client, server, armed), daemon=True).start()
        self._up(client, server, armed)

    def _up(self, client: socket.socket, server: socket.socket, armed: threading.Event) -> None:
        try:
            while chunk := client.recv(65536):
                if self.trigger in chunk:
                    with self._lock:
                        n = self.seen
                        self.seen += 1
                    if self.drop(n):
                        armed.set()
                server.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(client, server)

    def _down(self, client: socket.socket, server: socket.socket, armed: threading.Event) -> None:
        try:
            while chunk := server.recv(65536):
                if armed.is_set():
                    with self._lock:
                        self.dropped += 1
                    return  # the server answered; the client never hears it
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(client, server)


def _close(*socks: socket.socket) -> None:
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()
