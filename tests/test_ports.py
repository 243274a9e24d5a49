"""vigie_kit.ports.free_port: the port a test server, a tor relay or an Elasticsearch node binds a
moment after it was picked (or a port where nothing must listen) is one no server binding port 0
can be given in between: it lies outside the kernel's ephemeral range."""

from __future__ import annotations

import socket
from contextlib import ExitStack
from pathlib import Path

import pytest

from vigie_kit.ports import free_port

RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


@pytest.mark.skipif(not RANGE.exists(), reason="no /proc/sys/net/ipv4/ip_local_port_range (not Linux)")
def test_a_picked_port_is_never_one_that_port_0_or_a_connection_gets() -> None:
    low, high = (int(x) for x in RANGE.read_text().split())
    picked = [free_port() for _ in range(500)]
    assert not [p for p in picked if low <= p <= high], (low, high)
    assert len(set(picked)) == len(picked)  # nor one this process handed out lately
    with ExitStack() as stack:  # 300 servers binding port 0 meanwhile: none is given a picked port
        given = set()
        for _ in range(300):
            s = stack.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            given.add(s.getsockname()[1])
        assert not given & set(picked)


def test_a_picked_port_is_free_to_bind_and_to_find_nothing_on() -> None:
    port = free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        taken = free_port()
        assert taken != port
