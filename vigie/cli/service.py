"""`vigie run` (the scheduled service) and `vigie status` (what it is doing)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, fail, require_keys, runtime


@app.command("run")
def run(config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Run the scheduled service: crawls on their schedules, indexing, alert delivery.

    Each crawl runs in its own subprocess; schedules persist in <data-dir>/scheduler.sqlite3.
    SIGHUP reloads the config (sources added, removed, rescheduled); SIGTERM stops gracefully.
    Prometheus metrics are served on service.metrics_port (default 9108).

    Example:  vigie run --config /etc/vigie --data-dir /var/lib/vigie
    """
    from vigie.service.service import VigieService

    rt = runtime(config, data_dir)
    require_keys(rt, match=True, data=True)
    service = VigieService(config, rt.ensure_data_dir())
    service.install_signal_handlers()
    service.start()
    raise typer.Exit(service.serve_forever())


def _ago(iso: str | None) -> str:
    if not iso:
        return "—"
    when = datetime.fromisoformat(iso)
    delta = (datetime.now(UTC) - when).total_seconds()
    future = delta < 0
    delta = abs(delta)
    text = f"{delta:.0f}s" if delta < 90 else f"{delta / 60:.0f}m" if delta < 5400 else f"{delta / 3600:.1f}h"
    return f"in {text}" if future else f"{text} ago"


@app.command("status")
def status(
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show each source's last run, next run and outcome, and the state of Tor, store and outbox.

    Example:  vigie status --data-dir /var/lib/vigie
    """
    from vigie.service.status import ServiceDB

    rt = runtime(config, data_dir)
    if not (data_dir / "service.sqlite3").exists():
        fail(f"no service state in {data_dir}: start the service with `vigie run --data-dir {data_dir}`")
    db = ServiceDB(data_dir / "service.sqlite3")
    report: dict[str, Any] = {"service": db.state(), "alive": db.service_alive(), "sources": []}
    for src in db.sources():
        last = src.last_run
        report["sources"].append({
            "source": src.name, "schedule": src.schedule, "next_run_at": src.next_run_at,
            "last_run": None if last is None else {
                "started_at": last.started_at, "finished_at": last.finished_at, "outcome": last.outcome,
                "pages": last.pages, "items": last.items, "fragments": last.fragments, "errors": last.errors},
        })
    report["tor"] = _tor_state(rt)
    report["store"] = _store_state(rt)
    report["outbox"] = _outbox_state(rt)
    if as_json:
        print(json.dumps(report, default=str))
        return

    state = report["service"].get("state", "unknown")
    alive = "[green]running[/]" if report["alive"] else f"[yellow]{state if state != 'running' else 'not running (crashed?)'}[/]"
    console.print(f"service: {alive}  pid {report['service'].get('pid', '—')}")
    table = Table(title="sources", title_justify="left")
    for col in ("source", "schedule", "last run", "outcome", "pages", "items", "fragments", "errors", "next run"):
        table.add_column(col, justify="right" if col in {"pages", "items", "fragments", "errors"} else "left")
    for s in report["sources"]:
        last = s["last_run"] or {}
        outcome = last.get("outcome", "never run")
        style = "green" if outcome == "ok" else "yellow" if outcome in {"running", "stopped", "never run"} else "red"
        table.add_row(s["source"], s["schedule"], _ago(last.get("finished_at") or last.get("started_at")),
                      f"[{style}]{outcome}[/]", str(last.get("pages", "—")), str(last.get("items", "—")),
                      str(last.get("fragments", "—")), str(last.get("errors", "—")), _ago(s["next_run_at"]))
    console.print(table)
    console.print(f"tor:    {report['tor']}")
    console.print(f"store:  {report['store']}")
    console.print(f"outbox: {report['outbox']}")


def _tor_state(rt: Any) -> str:
    from crawler.tor import TorController

    tor = TorController(rt.config.global_config.tor, rt.data_dir / "tor")
    try:
        h = tor.health()  # never raises
    finally:
        tor.close()
    if h.control_reachable:
        text = (f"tor {h.version}, bootstrap {h.bootstrap_percent}%, {h.circuit_count} circuit(s), "
                f"SOCKS {'reachable' if h.socks_reachable else 'NOT reachable'}")
    else:
        text = f"not reachable ({h.error})"
    return ("ok: " if h.ok else "attention: ") + text


def _store_state(rt: Any) -> str:
    try:
        from indexer.store import open_store

        store = open_store(rt)
        try:
            return f"{rt.config.global_config.storage.backend}: {store.count()} fragment(s)"
        finally:
            store.close()
    except Exception as exc:
        return f"unavailable ({exc})"


def _outbox_state(rt: Any) -> str:
    try:
        from alerts.outbox import Outbox

        outbox = Outbox.for_data_dir(rt.data_dir)
        counts = outbox.counts()
        return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "empty"
    except Exception as exc:
        return f"unavailable ({exc})"
