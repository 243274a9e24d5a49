"""`vigie worker` and `vigie scheduler`: the scaled-out crawl (docs/scale.md).

Both need the `scale:` section of vigie.yaml (a Redis on loopback or a unix socket); without
it, `vigie run` schedules and runs every crawl on one machine, as before.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli import EXIT_CONFIG, app
from vigie.cli.common import ConfigDir, DataDir, fail, require_keys, runtime

__all__ = ["scheduler", "worker"]


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@app.command("worker")
def worker(
    worker_id: Annotated[str | None, typer.Option("--id", help="This worker's name (default: scale.worker_id, "
                                                  "else host name and pid).")] = None,
    tor_socks: Annotated[str | None, typer.Option(
        "--tor-socks", help="Use this Tor SOCKS HOST:PORT instead of launching the worker's own Tor client.")] = None,
    no_index: Annotated[bool, typer.Option(
        "--no-index", help="For benchmarks: crawl and keep the crawl state, but detect and store nothing.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Run one crawl worker: claims the queued crawls of the sources that hash to it.

    Renews a heartbeat lease in Redis; the sources whose onion hashes to this worker among the
    live ones (rendezvous hashing) are crawled here, through this worker's own Tor client, one
    process per crawl. Stateless: kill it and another worker resumes its crawls within
    scale.worker_lease_seconds. SIGTERM stops it cleanly (its crawls are handed back at once);
    SIGHUP re-reads the config (a crawl queued for a source it does not know also does).

    Example:  vigie worker --id crawler-1 --config /etc/vigie --data-dir /var/lib/vigie
    """
    from vigie import wiring
    from vigie.cli.crawl import _socks
    from vigie.service.worker import CrawlWorker

    rt = runtime(config, data_dir)
    if rt.config.global_config.scale is None:
        fail("vigie worker needs a `scale:` section in vigie.yaml (the Redis frontier, docs/scale.md); "
             "on one machine use `vigie run`", EXIT_CONFIG)
    require_keys(rt, match=True, data=True)
    stop = _stop_on_signals()
    w = CrawlWorker(config, wiring.ensure_data_dir(data_dir), worker_id=worker_id, tor_socks=_socks(tor_socks),
                    index=not no_index)
    signal.signal(signal.SIGHUP, lambda *_: w.request_reload())
    raise typer.Exit(w.run(stop))


@app.command("scheduler")
def scheduler(
    instance: Annotated[str | None, typer.Option("--id", help="This instance's name in logs and the "
                                                 "leader lock (default: host name and pid).")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Run the crawl scheduler of a scaled-out deployment, leader-elected through Redis.

    Start two or more: one holds the leader lock (a lease with a fencing token) and pushes crawl
    jobs on the sources' schedules onto the Redis frontier; the others stand by and take over
    within scale.leader_lease_seconds when it stops or dies. SIGHUP re-reads the config (the leader
    reschedules added, removed or changed sources).

    Example:  vigie scheduler --id sched-a --config /etc/vigie --data-dir /var/lib/vigie
    """
    from vigie import wiring
    from vigie.service.leader import ScaleScheduler

    rt = runtime(config, data_dir)
    if rt.config.global_config.scale is None:
        fail("vigie scheduler needs a `scale:` section in vigie.yaml (docs/scale.md); on one machine "
             "`vigie run` schedules the crawls", EXIT_CONFIG)
    stop = _stop_on_signals()
    s = ScaleScheduler(config, wiring.ensure_data_dir(data_dir), instance=instance)
    signal.signal(signal.SIGHUP, lambda *_: s.request_reload())
    raise typer.Exit(s.run(stop))
