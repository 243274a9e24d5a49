"""`vigie crawl SOURCE`: crawl one source now, with live progress and a summary table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import EXIT_CONFIG, ConfigDir, DataDir, console, fail, require_keys, runtime

__all__ = ["crawl"]


def _socks(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        fail(f"--tor-socks {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9050", EXIT_CONFIG)
    return host, int(port)


def _socks_reachable(host: str, port: int) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _ensure_tor(rt: object, source_name: str, tor_socks: tuple[str, int] | None) -> object | None:
    """With `tor.mode: launch` and no Tor listening yet (a crawl run by hand, not by the service),
    start Tor for this crawl and return its controller (closed by the caller)."""
    config = rt.config  # type: ignore[attr-defined]
    tor = config.global_config.tor
    if config.sources[source_name].network != "tor" or tor_socks is not None or tor.mode != "launch":
        return None
    if _socks_reachable(tor.socks_host, tor.socks_port):
        return None
    from crawler.tor import TorController, TorError

    console.print(f"[dim]starting tor for this crawl (SOCKS {tor.socks_host}:{tor.socks_port})...[/]")
    try:
        return TorController(tor, rt.ensure_data_dir()).start()  # type: ignore[attr-defined]
    except TorError as exc:
        fail(f"tor could not be started for source {source_name!r}: {exc}")


def _progress_table(p: object) -> Table:
    table = Table(title=f"crawling {getattr(p, 'source', '')}", show_header=True, header_style="bold")
    for col in ("pages", "posts", "files", "pastes", "fragments", "errors", "elapsed"):
        table.add_column(col, justify="right")
    table.add_row(*(str(getattr(p, c)) for c in ("pages", "posts", "files", "pastes", "fragments", "errors")),
                  f"{getattr(p, 'elapsed', 0.0):.1f}s")
    return table


@app.command("crawl")
def crawl(
    source: Annotated[str, typer.Argument(help="Source name (config/sources/<name>.yaml).")],
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1, help="Stop after N pages.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also append every item as a JSON line (like scrapy crawl -o).")] = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Do not detect/store; only write -o.")] = False,
    tor_socks: Annotated[str | None, typer.Option("--tor-socks", help="Tor SOCKS HOST:PORT (default: vigie.yaml tor.*).")] = None,
    summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Write the summary as JSON here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live progress or table (for the service).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Crawl one source now: pages, posts and attachments go to detection and the index.

    Incremental: only new threads, pages, posts and pastes are emitted (state in
    <data-dir>/crawl-state.sqlite3). One crawl per process (Twisted's reactor cannot restart);
    the service runs this command as a subprocess.

    Example:  vigie crawl example-forum --max-pages 50 -o items.jsonl
    """
    from crawler import CrawlConfigError, CrawlerError, TorUnavailableError
    from crawler.runner import CrawlProgress, run_crawl
    from crawler.sink import open_indexing_sink

    rt = runtime(config, data_dir)
    if source not in rt.config.sources:
        fail(f"no source named {source!r} in {config}/sources/ (known: {', '.join(sorted(rt.config.sources)) or 'none'})",
             EXIT_CONFIG)
    if no_index and output is None:
        fail("--no-index without -o would crawl for nothing: add -o items.jsonl", EXIT_CONFIG)
    sink = None
    if not no_index:
        require_keys(rt, match=True, data=True)
        sink = open_indexing_sink(rt)
    elif not quiet:
        console.print("[yellow]--no-index: items are only written to the -o file, not detected or stored[/]")

    tor = _ensure_tor(rt, source, _socks(tor_socks))
    state: dict[str, CrawlProgress] = {}

    def on_progress(p: CrawlProgress) -> None:
        state["p"] = p

    try:
        if quiet:
            summary = run_crawl(rt, source, max_pages=max_pages, output=output, sink=sink,
                                tor_socks=_socks(tor_socks))
        else:
            with Live(get_renderable=lambda: _progress_table(state.get("p", CrawlProgress(source))),
                      console=console, refresh_per_second=4, transient=True):
                summary = run_crawl(rt, source, max_pages=max_pages, output=output, sink=sink,
                                    tor_socks=_socks(tor_socks), progress=on_progress)
    except (CrawlConfigError, TorUnavailableError) as exc:
        fail(str(exc), EXIT_CONFIG)
    except CrawlerError as exc:
        fail(str(exc))
    finally:
        if tor is not None:
            tor.close()  # type: ignore[attr-defined]
    if summary_json:
        summary_json.write_text(json.dumps(summary.to_dict()) + "\n", encoding="utf-8")
    if quiet:
        return
    table = Table(title=f"crawl of {source}: {summary.finish_reason}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("pages", summary.pages), ("posts", summary.posts), ("files", summary.files),
                         ("pastes", summary.pastes), ("fragments", summary.fragments),
                         ("already seen (skipped)", summary.already_seen), ("errors", summary.errors),
                         ("retries", summary.retries), ("archive bombs refused", summary.bombs_refused),
                         ("pages refused (too big)", summary.pages_refused),
                         ("duration", f"{summary.duration_seconds:.1f}s")):
        table.add_row(label, str(value))
    console.print(table)
    if summary.needs_attention:
        console.print(f"[bold yellow]source {source} needs attention:[/] {summary.attention_reason}")
    if output:
        console.print(f"items written to {output}")
