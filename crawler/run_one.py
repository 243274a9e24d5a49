"""Subprocess entry point: crawl one source, print the summary as JSON on the last stdout line.

The scheduled service runs every crawl in its own process because Twisted's reactor cannot be
restarted in one process (see `crawler.runner`). `vigie crawl SOURCE --summary-json FILE --quiet`
does the same through the CLI; this module is the minimal form without Typer/rich:

    python -m crawler.run_one SOURCE --config config --data-dir data [--max-pages N]
        [-o items.jsonl] [--no-index] [--tor-socks 127.0.0.1:9050] [--summary-json FILE]

Exit codes: 0 crawled (the summary says whether the source needs attention), 2 configuration
problem, 1 any other failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["main"]


def _socks(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"--tor-socks {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9050")
    return host, int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run_one", description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--config", type=Path, default=Path("config"))
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--no-index", action="store_true", help="only write -o, do not detect/store")
    parser.add_argument("--tor-socks", type=_socks)
    parser.add_argument("--summary-json", type=Path)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)

    from crawler import CrawlConfigError, CrawlerError, TorUnavailableError
    from crawler.runner import run_crawl
    from crawler.sink import open_indexing_sink
    from vigie.config.loader import ConfigError
    from vigie.keys import KeyError_
    from vigie.log import setup_logging
    from vigie.runtime import Runtime

    setup_logging(args.log_level, json=True)
    rt = Runtime(config_dir=args.config, data_dir=args.data_dir)
    try:
        sink = None if args.no_index else open_indexing_sink(rt)
        summary = run_crawl(rt, args.source, max_pages=args.max_pages, output=args.output, sink=sink,
                            tor_socks=args.tor_socks, log_level=args.log_level)
    except (ConfigError, CrawlConfigError, TorUnavailableError, KeyError_) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CrawlerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    payload = json.dumps(summary.to_dict())
    if args.summary_json:
        args.summary_json.write_text(payload + "\n")
    print(payload, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
