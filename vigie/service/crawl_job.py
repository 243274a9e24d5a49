"""One crawl job of a worker, in its own process: `python -m vigie.service.crawl_job ...`.

The worker (vigie.service.worker) starts this for a job it claimed: a fresh process per crawl
(Twisted's reactor cannot restart), holding no lease itself. The crawl takes its requests from
the run's Redis frontier (`RedisFrontier`, under this process's own lease owner) and writes the
shared crawl state (`RedisCrawlState`), so a crawl killed anywhere is resumed by whichever worker
owns the source next: the frontier gives back what this process held, the state skips what was
accepted. Items go to the same ingest sink as `vigie crawl` (fragment ids do not depend on the
worker). Exit 0 with the summary written to --summary-json; anything else is a failed attempt.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from vigie.core.process import harden_process, hold_secret_env

__all__ = ["main"]


class _Discard:
    """`--no-index`: every item accepted, nothing kept (the transport and the crawl are measured,
    not detection, like `vigie crawl --no-index` in bench/crawl.py)."""

    def accept(self, item: object) -> int:
        return 0


def main(argv: list[str] | None = None) -> int:
    # what the CLI's main() does for every `vigie` command (this module is started without it):
    # PR_SET_DUMPABLE does not survive the worker's exec, and this process holds both keys and the
    # pages (attacker's review, round 14); the umask is the worker's, set here all the same
    os.umask(0o077)
    harden_process()
    hold_secret_env()
    parser = argparse.ArgumentParser(prog="python -m vigie.service.crawl_job")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--owner", required=True)
    parser.add_argument("--tor-socks", default=None)
    parser.add_argument("--summary-json", type=Path, required=True)
    parser.add_argument("--max-pages", type=int, default=None)
    parser.add_argument("--no-index", action="store_true",
                        help="benchmarks: crawl and keep the crawl state, but detect and store nothing")
    args = parser.parse_args(argv)

    from vigie.log import setup_logging
    from vigie.runtime import register_config_secrets

    setup_logging("INFO", json=True)
    from crawler.frontier.queue import RedisFrontier
    from crawler.frontier.state import RedisCrawlState
    from crawler.runner import run_crawl
    from crawler.sink import ItemSink, TeeSink
    from vigie import wiring
    from vigie.runtime import Runtime

    rt = Runtime(config_dir=args.config, data_dir=args.data_dir)
    config = rt.config
    register_config_secrets(config)
    scale = config.global_config.scale
    source = config.sources.get(args.source)
    if scale is None or source is None:
        print(f"crawl job: no scale: section or no source {args.source!r} in {args.config}", file=sys.stderr)
        return 2
    socks = None
    if args.tor_socks:
        host, _, port = args.tor_socks.rpartition(":")
        socks = (host, int(port))
    from crawler.cookies import cookie_jar_path, load_jar

    # a session solved by hand (`vigie source cookies`), as `vigie crawl` uses it: the file must be
    # in every worker's data directory (it is sealed under the data key)
    jar_file = cookie_jar_path(args.data_dir, source.name)
    jar = load_jar(jar_file, rt.data_key, source.name) if jar_file.exists() else None
    link = wiring.open_frontier_link(config, args.data_dir)
    try:
        frontier = RedisFrontier(link, source.name, args.run, args.owner,
                                 lease_ms=int(scale.request_lease_seconds * 1000))
        state = RedisCrawlState(link, source.name)
        if args.no_index:
            summary = run_crawl(source, config.global_config, state_path=wiring.crawl_state_path(args.data_dir),
                                sink=_Discard(), tor_socks=socks, state=state, frontier=frontier,
                                max_pages=args.max_pages, cookie_jar=jar)
        else:
            with wiring.open_ingest_sink(config, args.data_dir, rt.match_key, rt.data_key) as sink, \
                    wiring.open_victim_index(config, args.data_dir) as watch:
                both: ItemSink = TeeSink(sink, watch.posts) if watch.posts is not None else sink
                summary = run_crawl(source, config.global_config, state_path=wiring.crawl_state_path(args.data_dir),
                                    sink=both, victims=watch.victims, tor_socks=socks, state=state,
                                    frontier=frontier, max_pages=args.max_pages, cookie_jar=jar,
                                    data_key=rt.data_key)
        data = summary.to_dict()
        data["frontier_left"] = frontier.queued() + frontier.leased()
        fd = os.open(args.summary_json, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data) + "\n")
    finally:
        link.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
