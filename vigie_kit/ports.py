"""A free TCP port on 127.0.0.1, for the local servers the demo, the tests and the private Tor
network start (bind to port 0, read the port, close: the caller binds it right after)."""

from __future__ import annotations

import socket

__all__ = ["free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
