"""`vigie crawl SOURCE`: crawl one source now, with live progress and a summary table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from crawler import CrawlConfigError, SourceBrokenError
from vigie.cli import app
from vigie.cli.common import EXIT_CONFIG, ConfigDir, DataDir, console, fail, require_keys, runtime, shown
from vigie.core.files import write_private

if TYPE_CHECKING:
    from crawler.items import VictimSink
    from crawler.runner import CrawlProgress, CrawlSummary
    from crawler.sink import ItemSink

__all__ = ["crawl"]


def _socks(text: str | None) -> tuple[str, int] | None:
    """The one parser of `--tor-socks HOST:PORT` (the service runs this command too)."""
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        fail(f"--tor-socks {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9050", EXIT_CONFIG)
    return host, int(port)


def _progress_table(p: CrawlProgress) -> Table:
    table = Table(title=f"crawling {p.source}", show_header=True, header_style="bold")
    for col in ("pages", "posts", "files", "pastes", "fragments", "errors", "elapsed"):
        table.add_column(col, justify="right")
    table.add_row(*(str(n) for n in (p.pages, p.posts, p.files, p.pastes, p.fragments, p.errors)),
                  f"{p.elapsed:.1f}s")
    return table


@app.command("crawl")
def crawl(
    source: Annotated[str, typer.Argument(help="Source name (config/sources/<name>.yaml).")],
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1, help="Stop after N pages.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Also append every item as a JSON line (like scrapy crawl -o).")] = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Do not detect/store; only write -o.")] = False,
    tor_socks: Annotated[str | None, typer.Option(
        "--tor-socks", help="Tor SOCKS HOST:PORT (default: vigie.yaml tor.*).")] = None,
    summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Write the summary as JSON here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live progress or table (for the service).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Crawl one source now: pages, posts and attachments go to detection and the index.

    Incremental: only new threads, pages, posts and pastes are emitted (state in
    <data-dir>/crawl-state.sqlite3). One crawl per process (Twisted's reactor cannot restart);
    the service runs this command as a subprocess.

    Exits 3 when the source could not be read (the login failed, or a required selector matched
    nothing); the summary, with each silent failure counted, is written first.

    Example:  vigie crawl example-forum --max-pages 50 -o items.jsonl
    """
    # Scrapy and Twisted load here, not with the module: every other command (and `--help`) skips them
    from rich.live import Live

    from crawler.cookies import cookie_jar_path, load_jar
    from crawler.runner import CrawlProgress, run_crawl
    from crawler.sink import TeeSink
    from vigie import wiring

    rt = runtime(config, data_dir)
    if source not in rt.config.sources:
        raise CrawlConfigError(f"no source named {source!r} in {config}/sources/ "
                               f"(known: {', '.join(sorted(rt.config.sources)) or 'none'})")
    if no_index and output is None:
        fail("--no-index without -o would crawl for nothing: add -o items.jsonl", EXIT_CONFIG)
    src, socks = rt.config.sources[source], _socks(tor_socks)
    if not no_index:
        require_keys(rt, match=True, data=True)
    elif not quiet:
        console.print("[yellow]--no-index: items are only written to the -o file, not detected or stored[/]")
    state: dict[str, CrawlProgress] = {}
    jar_file = cookie_jar_path(data_dir, src.name)  # a session solved by hand (`vigie source cookies`)
    jar = None
    if jar_file.exists():
        require_keys(rt, match=False, data=True)
        jar = load_jar(jar_file, rt.data_key, src.name)

    def crawl_now(sink: ItemSink | None, victims: VictimSink | None = None) -> CrawlSummary:
        def go(progress: Callable[[CrawlProgress], None] | None) -> CrawlSummary:
            return run_crawl(src, rt.config.global_config, sink=sink, output=output, max_pages=max_pages,
                             state_path=wiring.crawl_state_path(wiring.ensure_data_dir(data_dir)),
                             tor_socks=socks, progress=progress, victims=victims, cookie_jar=jar,
                             data_key=None if no_index else rt.data_key)  # (a pending PrivateBin key, sealed)

        if quiet:
            return go(None)
        with Live(get_renderable=lambda: _progress_table(state.get("p", CrawlProgress(source))),
                  console=console, refresh_per_second=4, transient=True):
            return go(lambda p: state.update(p=p))

    needs_tor = src.network == "tor" and socks is None  # a named proxy is the operator's own tor
    if needs_tor and not quiet and rt.config.global_config.tor.mode == "launch":
        console.print("[dim]tor.mode launch: starting tor for this crawl unless one already listens...[/]")
    tor = wiring.start_tor(rt.config.global_config.tor, data_dir, needed=needs_tor,
                           peers=wiring.trusted_peers(rt.config))
    if tor is not None and tor.auto_ports:  # the configured ports were taken: our tor chose its own
        socks = (tor.settings.socks_host, tor.settings.socks_port)
    try:
        if no_index:
            summary = crawl_now(None)
        else:
            with wiring.open_ingest_sink(rt.config, data_dir, rt.match_key, rt.data_key) as sink, \
                    wiring.open_victim_index(rt.config, data_dir) as watch:
                # the watchlist reads posts' titles and bodies beside detection (alerts.watchlist)
                both: ItemSink = TeeSink(sink, watch.posts) if watch.posts is not None else sink
                summary = crawl_now(both, watch.victims)
    except MemoryError:
        # the service's address-space limit (service.crawl_memory_limit_bytes) was hit before the
        # crawl could stop itself: say so where the service reads the outcome, then fail
        if summary_json:
            write_private(summary_json, (json.dumps({"source": source, "finish_reason": "out_of_memory"}) + "\n")
                          .encode())
        raise
    finally:
        if tor is not None:
            tor.close()
    if summary_json:
        # as `-o`: the path may be in a shared directory where another user planted a link or a file
        write_private(summary_json, (json.dumps(summary.to_dict()) + "\n").encode())
    if not quiet:
        _print_summary(source, summary, output)
    if summary.broken:  # after the summary: the operator sees the counts, then the failure
        raise SourceBrokenError(f"source {source} could not be read: {summary.broken}")


def _print_summary(source: str, summary: CrawlSummary, output: Path | None) -> None:
    table = Table(title=f"crawl of {source}: {summary.finish_reason}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("pages", summary.pages), ("posts", summary.posts), ("files", summary.files),
                         ("pastes", summary.pastes), ("fragments", summary.fragments),
                         ("already seen (skipped)", summary.already_seen), ("errors", summary.errors),
                         ("retries", summary.retries), ("archive bombs refused", summary.bombs_refused),
                         ("pages refused (too big)", summary.pages_refused),
                         ("files not of a listed type", summary.files_not_listed),
                         ("hedged requests (won, withdrawn)",
                          f"{summary.hedges} ({summary.hedges_won}, {summary.hedges_withdrawn})"),
                         ("Tor circuits renewed", summary.circuits_renewed),
                         ("pages fetched ahead", summary.pages_ahead),
                         *((kind.replace("_", " "), count) for kind, count in summary.failures.items()),
                         *((f"refused: {kind.replace('_', ' ')}", count) for kind, count in summary.refused.items()),
                         *((f"privatebin: {kind.replace('_', ' ')}", n) for kind, n in summary.privatebin.items()
                           if any(summary.privatebin.values())),
                         ("duration", f"{summary.duration_seconds:.1f}s")):
        table.add_row(label, str(value))
    console.print(table)
    if summary.needs_attention:
        # the reason may quote the site (a URL, a login form's error): text, never markup
        console.print(f"[bold yellow]source {source} needs attention:[/] {shown(summary.attention_reason)}")
    if output:
        console.print(f"items written to {output}")
