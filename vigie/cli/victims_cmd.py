"""`vigie victims [QUERY]`: organisations named on leak sites (the `victims` index)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, runtime, shown
from vigie.core.text import json_text

__all__ = ["victims"]


def _day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


@app.command()
def victims(
    query: Annotated[str | None, typer.Argument(help="Part of a name, domain, sector or country.")] = None,
    status: Annotated[str | None, typer.Option(help="announced or published.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many victims.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Search the victims named on leak sites (deduplicated across sites and re-posts).

    Names are matched without case, accents or legal suffixes; a domain by its text.

    Example:  vigie victims "clinique du parc" --status published
    """
    from indexer.victims import victim_to_json
    from vigie import wiring
    rt = runtime(config, data_dir)
    with wiring.open_victim_index(rt.config, data_dir, alerts=False) as sinks:
        found = sinks.victims.search(query, status=status, limit=limit)
    if as_json:
        for v in found:
            typer.echo(json_text(victim_to_json(v)))
        return
    table = Table(title=f"{len(found)} victim(s)")
    for col in ("name", "domain", "status", "announced", "deadline", "sources", "files"):
        table.add_column(col)
    for v in found:
        # names, domains and statuses are what leak sites wrote: no markup, no terminal controls
        table.add_row(shown(v.name), shown(v.domain), shown(v.status), _day(v.announced_at), _day(v.deadline_at),
                      shown(", ".join(v.sources)), str(len(v.files)))
    console.print(table)
