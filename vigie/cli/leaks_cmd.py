"""`vigie leaks list` and `vigie leak show`: the leaks that reposts were clustered into.

`leak_app` is the `vigie leak` group; `vigie leak pack` (vigie.cli.leak_pack) and `vigie leak
export` (vigie.cli.leak_export) register on it too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import EXIT_CONFIG, ConfigDir, DataDir, console, fail, runtime, shown
from vigie.core.text import json_text

if TYPE_CHECKING:
    from indexer.leaks.models import Leak

__all__ = ["leak_app", "leaks_app"]

leaks_app = typer.Typer(help="Leaks: one dump across its reposts.", no_args_is_help=True)
app.add_typer(leaks_app, name="leaks")
leak_app = typer.Typer(help="One leak: its timeline, breach-response pack, threat-intel export.",
                       no_args_is_help=True)
app.add_typer(leak_app, name="leak")


def _day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--since {text!r}: expected a date such as 2026-03-01 (ISO 8601)", EXIT_CONFIG)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _types(types: dict[str, int]) -> str:
    return ", ".join(f"{n} {t}" for t, n in sorted(types.items())) or "-"


def _summary(leak: Leak) -> dict[str, Any]:
    return {"id": leak.id, "first_seen": leak.first_seen.isoformat(), "first_source": leak.first_source,
            "sources": list(leak.sources), "copies": len(leak.appearances), "records": leak.record_count,
            "identifier_types": leak.identifier_types, "categories": list(leak.categories),
            "largest_records": leak.largest_record_count, "aliases": list(leak.aliases)}


@leaks_app.command("list")
def list_leaks(
    org: Annotated[str | None, typer.Option("--org", help="Only the leaks this organisation was alerted for.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only leaks first seen on or after this date.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest first).")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """List leaks: id, first seen, sources, distinct records, identifier types, art. 9 categories.

    A leak is one dump across its reposts (samples, re-encodings, merges with other dumps),
    recognised by the records its copies share. With --org, only the leaks that organisation's
    people are in (those it was alerted for).

    Example:  vigie leaks list --org example-org --since 2026-03-01
    """
    from vigie import wiring
    rt = runtime(config, data_dir)
    when = _since(since)
    if org is not None and org not in rt.config.organisations:
        fail(f"--org {org!r}: no config/organisations/{org}.yaml defines it", EXIT_CONFIG)
    leaks_store = wiring.open_leak_store(rt.config, data_dir)
    try:
        if org is None:
            leaks = leaks_store.list(since=when, limit=limit)
        else:
            outbox = wiring.open_outbox(rt.config, data_dir)  # SQLite, or the shared PostgreSQL outbox
            try:
                ids = outbox.leaks_of_org(org)
            finally:
                outbox.close()
            found = (leaks_store.get(i) for i in ids)
            leaks = [leak for leak in found if leak is not None and (when is None or leak.first_seen >= when)]
            leaks = sorted({leak.id: leak for leak in leaks}.values(), key=lambda x: x.first_seen, reverse=True)[:limit]
    finally:
        leaks_store.close()
    if as_json:
        for leak in leaks:
            typer.echo(json_text(_summary(leak)))
        return
    if not leaks:
        console.print("no leaks" + (f" for {org}" if org else "") + (f" since {since}" if since else ""))
        return
    table = Table("leak", "first seen", "sources", "copies", "records", "types", "art. 9")
    for leak in leaks:
        table.add_row(leak.id, _day(leak.first_seen), ", ".join(leak.sources), str(len(leak.appearances)),
                      str(leak.record_count), _types(leak.identifier_types), ", ".join(leak.categories) or "-")
    console.print(table)


@leak_app.command("show")
def show_leak(
    leak_id: Annotated[str, typer.Argument(metavar="LEAK", help="The leak id (see `vigie leaks list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="The leak and its timeline as one JSON object.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Show one leak's timeline: each copy, when and where it was seen, how many records.

    URLs and thread titles are shown masked, as stored. A merged leak's old id still works.

    Example:  vigie leak show leak-3f9c2a7e1b4d5a6c7d8e
    """
    from vigie import wiring
    rt = runtime(config, data_dir)
    store = wiring.open_leak_store(rt.config, data_dir)
    try:
        leak = store.get(leak_id)
    finally:
        store.close()
    if leak is None:
        fail(f"no leak {leak_id!r} in {data_dir} (see `vigie leaks list`)")
    if as_json:
        out = _summary(leak)
        out["timeline"] = [{"seen_at": a.seen_at.isoformat() if a.seen_at else None, "source": a.source,
                            "url": a.url, "thread_title": a.thread_title, "records": a.record_count,
                            "fragment_id": a.fragment_id} for a in leak.appearances]
        typer.echo(json_text(out))
        return
    console.print(f"[bold]{leak.id}[/]  first seen {_day(leak.first_seen)} on {leak.first_source}", highlight=False)
    console.print(f"{leak.record_count} distinct records in {len(leak.appearances)} copies; largest copy "
                  f"{leak.largest_record_count} records; types: {_types(leak.identifier_types)}; "
                  f"art. 9: {', '.join(leak.categories) or 'none'}", highlight=False)
    if leak.aliases:
        console.print(f"merged from: {', '.join(leak.aliases)}", highlight=False)
    table = Table("seen", "source", "records", "thread (masked)", "url (masked)")
    for a in leak.appearances:
        table.add_row(_day(a.seen_at), a.source, str(a.record_count), shown(a.thread_title), shown(a.url))
    console.print(table)
