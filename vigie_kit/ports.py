"""A free TCP port on 127.0.0.1, for the local servers the demo, the tests and the private Tor
network start (the caller binds it a moment later, or uses it as a port where nothing listens).

Why not bind to port 0 and hand that port on: between the check and the caller's own bind (a tor
relay, an Elasticsearch node's JVM, a forum engine's Django: seconds; a port kept for a node
restarted after a 30 s outage), any other server of the machine binding port 0 may be given the
same port, from the same ephemeral range, and the caller's server then fails to start, or a
"dead" port answers. So the port is picked at random from the 8,192 ports just below the
kernel's ephemeral range (`net.ipv4.ip_local_port_range`), which the kernel never hands out for
port 0 nor for an outgoing connection: only another explicit pick could take it. A process never
returns the same port twice in its last 1,024 picks. Where the range cannot be read (not Linux),
port 0 as before.
"""

from __future__ import annotations

import secrets
import socket
from collections import deque
from pathlib import Path

__all__ = ["free_port"]

_SPAN = 8192  # ports below the ephemeral range to pick from
_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_recent: deque[int] = deque(maxlen=1024)


def _below_ephemeral() -> tuple[int, int] | None:
    """[low, high) of the ports to pick from: the span just below the ephemeral range, or None."""
    try:
        low = int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return (low - _SPAN, low) if low - _SPAN >= 1024 else None


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:  # in use, or kept by a closing connection
            return False
    return True


def free_port() -> int:
    span = _below_ephemeral()
    if span is not None:
        for _ in range(256):
            port = span[0] + secrets.randbelow(span[1] - span[0])  # no seeded state, none shared by a fork
            if port not in _recent and _bindable(port):
                _recent.append(port)
                return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
