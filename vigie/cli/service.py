"""`vigie run` (the scheduled service) and `vigie status` (what it is doing)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, require_keys, runtime, shown


@app.command("run")
def run(config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Run the scheduled service: crawls on their schedules, indexing, alert delivery.

    Each crawl runs in its own subprocess; schedules persist in <data-dir>/scheduler.sqlite3.
    SIGHUP reloads the config (sources added, removed, rescheduled); SIGTERM stops gracefully.
    Prometheus metrics are served on service.metrics_port (default 9108).

    Example:  vigie run --config /etc/vigie --data-dir /var/lib/vigie
    """
    from vigie import wiring
    from vigie.service.service import VigieService

    rt = runtime(config, data_dir)
    require_keys(rt, match=True, data=True)
    service = VigieService(config, wiring.ensure_data_dir(data_dir))
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
    rt = runtime(config, data_dir)
    from vigie.service.status import status_report

    report = status_report(rt.config, data_dir).to_dict()  # read-only: creates no file
    if as_json:
        print(json.dumps(report, default=str))
        return
    if not report["service"]:
        console.print(f"service: [yellow]no data yet[/] (it never ran with --data-dir {data_dir}; "
                      f"start it with `vigie run --data-dir {data_dir}`)")
    else:
        state = report["service"].get("state", "unknown")
        state_text = state if state != "running" else "not running (crashed?)"
        alive = "[green]running[/]" if report["alive"] else f"[yellow]{state_text}[/]"
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
    for s in report["sources"]:  # the last crawl's silent failures, made loud (issue 13)
        last = s["last_run"] or {}
        counted = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (last.get("failures") or {}).items() if v)
        if counted or last.get("attention_reason"):
            console.print(f"source {s['source']}: [yellow]{shown(last.get('attention_reason'), 'failures')}[/]"
                          + (f" ({counted})" if counted else ""))
        refused = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (last.get("refused") or {}).items() if v)
        if refused:  # what its last crawl refused or did not read whole (detection stopped at a cap, ...)
            console.print(f"source {s['source']}: [yellow]refused or not read whole in its last crawl[/]: {refused}")
    for name, session in report["sessions"].items():  # cookie jars imported with `vigie source cookies`
        expires = session["expires_at"]
        when = "no expiry (session cookies)" if expires is None else (
            f"expires {datetime.fromtimestamp(expires, UTC):%Y-%m-%d %H:%M}Z"
            + (" [red](EXPIRED)[/]" if expires <= time.time() else ""))
        age_days = (time.time() - session["saved_at"]) / 86400
        console.print(f"session {name}: imported {age_days:.1f} days ago, {when}")
    # what the tor control port, the store and the outbox answered (the listener may be any local
    # process while the service is down): text, as in `vigie doctor`
    console.print(f"tor:    {shown(report['tor'])}")
    console.print(f"store:  {shown(report['store'])}")
    console.print(f"outbox: {shown(report['outbox'])}")
    cluster = report["cluster"]
    if cluster.get("error"):
        console.print(f"scale:  [red]{shown(cluster['redis'])} {shown(cluster['error'])}[/]")
    elif cluster:
        # what Redis holds is not sealed (vigie.wiring._cluster_state): any client of it wrote these
        # names, so they are printed as text (a worker named `[/x]` made this command fail, and its
        # ESC sequences reached the operator's terminal)
        running = [f"{shown(src)} on {shown(job['worker'])}" for src, job in cluster["jobs"].items() if job["worker"]]
        queued = [shown(src) for src, job in cluster["jobs"].items() if not job["worker"]]
        leader = shown(cluster["leader"]) if cluster["leader"] else "[yellow]none[/]"
        console.print(f"scale:  {shown(cluster['redis'])}, {len(cluster['workers'])} live worker(s) "
                      f"({', '.join(map(shown, cluster['workers'])) or 'none'}), scheduler leader {leader}; "
                      f"running: {', '.join(running) or 'none'}; queued: {', '.join(queued) or 'none'}")
        for run in cluster["recent_runs"][:5]:
            figures = ", ".join(f"{shown(str(run.get(k)))} {k}" for k in ("pages", "fragments", "errors"))
            console.print(f"  last run {shown(str(run.get('source')))} by {shown(str(run.get('worker')))}: "
                          f"{shown(str(run.get('finish_reason')))}, {figures}")
