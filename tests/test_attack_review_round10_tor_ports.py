"""Attacker's review, round 10: the ports of a scale worker's own tor.

`vigie worker` launches a tor of its own. It picked that tor's SOCKS and control ports by binding
port 0 and closing the socket, then handed the numbers to tor, which bound them a moment later:
another local (unprivileged) user who binds such a port in between either keeps tor from starting
(no crawl on that worker) or, on the SOCKS port, is taken for a tor already running and receives
every onion the worker crawls (refused only where `security.trusted_local_users` can tell its
owner). The worker's tor now binds ports of its own choosing (`auto`) and says which: the
control port in ControlPortWriteToFile (in its 0700 data directory), the SOCKS port through the
control port, once SAFECOOKIE authenticated it.

Real parts, loopback only: a real redis-server and CrawlWorker, a real tor whose only relay is
a bridge at 127.0.0.1:9 (nothing there: it never bootstraps, so bootstrap is not waited for;
its listeners are what is under test), a "squatter" listening on the ports the old way handed
out, as the race's winner would.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.forum import make_config
from tests.test_scale_security import _config, redis  # noqa: F401 - redis: the module's Redis server fixture

pytestmark = pytest.mark.slow


def test_a_workers_tor_listens_on_ports_it_chose_itself(redis: Any, tmp_path: Path,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the fix the worker found the squatter on "its" SOCKS port, took it for a running
    tor (root, as the suite runs, is trusted; another account would have stopped the worker) and
    had no tor of its own; now its tor listens on ports it bound itself and answers SOCKS5."""
    from crawler._tor_socks import socks5_greeting_ok
    from crawler.tor import TorController
    from vigie.service import worker as worker_module
    from vigie.service.worker import CrawlWorker

    config, data, _ = _config(tmp_path, redis)
    make_config(config, "http://exampleforumabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnop.onion",
                name="onion-a", network="tor")
    with (config / "vigie.yaml").open("a", encoding="utf-8") as fh:
        fh.write("tor:\n  mode: launch\n  bootstrap_timeout_seconds: 30\n"
                 "  extra_torrc: {UseBridges: '1', Bridge: '127.0.0.1:9'}\n")
    squatters: list[socket.socket] = []

    def racing_free_port() -> int:
        """The old pick (bind to port 0, close), and another local user binding it right after."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        squatters.append(socket.create_server(("127.0.0.1", port)))
        return port

    monkeypatch.setattr(worker_module, "_free_port", racing_free_port, raising=False)
    # nothing to bootstrap from (the bridge at 127.0.0.1:9 is no relay): the listeners are under test
    monkeypatch.setattr(TorController, "wait_bootstrap", lambda self, timeout=None: None)
    worker = CrawlWorker(config, data, worker_id="w1", tick=0.05)
    seen: dict[str, Any] = {}
    stop = threading.Event()

    def step() -> None:
        seen["socks"] = worker.tor_socks
        seen["greets"] = worker.tor_socks is not None and socks5_greeting_ok(*worker.tor_socks)
        seen["control"] = worker._tor.settings.control_port if worker._tor is not None else None
        port_file = data / "workers" / "w1" / "tor" / "control-port"
        seen["file_mode"] = port_file.stat().st_mode & 0o777 if port_file.exists() else None
        stop.set()

    monkeypatch.setattr(worker, "step", step)
    taken: set[int] = set()
    try:
        worker.run(stop)
    finally:
        for s in squatters:
            taken.add(s.getsockname()[1])
            s.close()
    assert seen["socks"] is not None and seen["socks"][1] not in taken, (seen, taken)
    assert seen["greets"], seen
    assert seen["control"] is not None and seen["control"] not in taken, (seen, taken)
    assert seen["file_mode"] == 0o600, seen  # where tor said which control port it took
