"""`vigie alerts list|retry|deliver`: the outbox and its delivery worker."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, fail, runtime, shown
from vigie.core.text import json_text

__all__ = ["alerts_app"]

alerts_app = typer.Typer(help="Alerts and their delivery (email, signed webhook).", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")

_STATUSES = ("pending", "sending", "sent", "failed")


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S") if ts else "—"


@alerts_app.command("list")
def list_alerts(
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only alerts with a delivery in this state: pending, sending, sent, failed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest first).")] = 200,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """List alerts with their delivery state per channel (dead letters: --status failed).

    Example:  vigie alerts list --org example-org --status failed
    """
    from vigie import wiring
    if status is not None and status not in _STATUSES:
        fail(f"unknown status {status!r}; expected one of {', '.join(_STATUSES)}")
    rt = runtime(config, data_dir)
    embedded = rt.config.global_config.alerts.outbox.backend == "sqlite"
    if embedded and not (data_dir / "alerts.sqlite3").exists():
        fail(f"no alerts database in {data_dir.resolve()}: check --data-dir / VIGIE_DATA")
    outbox = wiring.open_outbox(rt.config, data_dir)  # SQLite, or the shared PostgreSQL outbox
    try:
        rows = outbox.list_alerts(org, status, limit)
    finally:
        outbox.close()
    if as_json:
        for row in rows:
            print(json_text(row, sort_keys=True))
        return
    table = Table(title=f"{len(rows)} alert(s)", title_justify="left")
    table.add_column("alert id", no_wrap=True)
    for col in ("org", "severity", "source", "matched", "created (UTC)", "deliveries"):
        table.add_column(col)
    for row in rows:
        a = row["alert"]
        deliveries = "\n".join(
            f"{d['channel']}: {d['status']}" + (f" after {d['attempts']}" if d["attempts"] > 1 else "")
            + (f" ({shown(d['last_error'][:80])})" if d["last_error"] and d["status"] != "sent" else "")
            for d in row["deliveries"])
        table.add_row(row["alert_id"], row["org"], a["severity"], a["source"],
                      ", ".join(f"{n} {t}" for t, n in a["matched"].items()),
                      _when(row["created_at"]), deliveries)
    console.print(table)


@alerts_app.command("retry")
def retry(
    alert_id: Annotated[str | None, typer.Argument(
        metavar="[ALERT_ID]", help="Retry this alert's undelivered channels now.")] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help="Retry every dead-lettered delivery.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Put dead-lettered (or waiting) deliveries back in the queue with a fresh attempt count.

    Example:  vigie alerts retry --all-failed
    """
    from vigie import wiring
    if (alert_id is None) == (not all_failed):
        fail("give either an ALERT_ID or --all-failed")
    rt = runtime(config, data_dir)
    outbox = wiring.open_outbox(rt.config, data_dir)
    try:
        n = outbox.requeue(alert_id, all_failed)
    finally:
        outbox.close()
    if alert_id and n == 0:
        fail(f"no failed or pending delivery for alert {alert_id!r} (see `vigie alerts list`)")
    console.print(f"{n} deliver{'y' if n == 1 else 'ies'} queued again; `vigie alerts deliver --once` sends them now")


@alerts_app.command("deliver")
def deliver(
    once: Annotated[bool, typer.Option("--once", help="One pass over due deliveries, then exit.")] = False,
    lease: Annotated[float | None, typer.Option(
        "--lease", help="Seconds before an unacknowledged send is retried (default 2x timeout + 30).")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Run the delivery worker: send due alerts by email and webhook, with retries.

    `vigie run` already runs this worker; use this command alone or from cron (--once).

    Example:  vigie alerts deliver --once
    """
    from vigie import wiring
    rt = runtime(config, data_dir)
    worker = wiring.build_delivery_worker(rt.config, data_dir, lease_seconds=lease)
    if once:
        n = worker.run_once()
        console.print(f"{n} deliver{'y' if n == 1 else 'ies'} acknowledged; outbox: {worker.counts()}")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run_forever(stop)
