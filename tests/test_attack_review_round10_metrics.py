"""Attacker's review, round 10: `vigie run`'s /metrics and the other users of the machine.

The Prometheus endpoint listens on 127.0.0.1:9108 by default, without authentication: any local
account could read which sources Vigie watches (their names, often the site's), when each was
crawled, how the crawls and the alerts fare. Round 6 kept rebound web pages out (Host names);
nothing kept out a process of another local user. Now, on a loopback address, a connection from
an account that is neither root, nor Vigie's own, nor in `service.metrics_readers` (the
`prometheus` account by default) is closed unanswered: the server asks the kernel who owns the
client's socket (vigie.core.peers, as for the services Vigie connects to).

Real parts: the service's metrics server on 127.0.0.1, real clients, one of them a process
running as uid 65534 (nobody), as another local user's would.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from vigie.core.peers import TrustedPeers
from vigie.service.metrics import ServiceMetrics
from vigie_kit.ports import free_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                                reason="running a client as another user needs root (Linux)")

_CLIENT = r"""
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
sys.stdout.write(data.decode("latin-1"))
"""


def _get(port: int, uid: int | None) -> str:
    """GET /metrics as `uid` (None: as this process), with the system python (nobody may enter .venv)."""
    proc = subprocess.run(["/usr/bin/python3", "-I", "-c", _CLIENT, str(port)], capture_output=True, text=True,
                          timeout=60, cwd="/", preexec_fn=(lambda: os.setuid(uid)) if uid is not None else None)
    return proc.stdout + proc.stderr


def test_another_local_user_cannot_read_the_service_metrics() -> None:
    """Before the fix uid 65534 read the page, the source's name in it; now its connection is
    closed before a byte is answered, while root (as Vigie's own account) still reads it, and an
    account listed in the readers does too."""
    metrics = ServiceMetrics()
    metrics.crawls.labels("darkforum-watched", "ok").inc()
    port = free_port()
    server = metrics.serve("127.0.0.1", port)
    listed_port = free_port()
    listed = metrics.serve("127.0.0.1", listed_port, readers=TrustedPeers.from_names(["65534"]))
    try:
        other = _get(port, 65534)
        own = _get(port, None)
        reader = _get(listed_port, 65534)
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        listed.shutdown()  # type: ignore[attr-defined]
    assert "darkforum-watched" not in other and "200 OK" not in other, other[:500]
    assert "200 OK" in own and 'source="darkforum-watched"' in own, own[:500]
    assert "200 OK" in reader and 'source="darkforum-watched"' in reader, reader[:500]
