"""`vigie demo`: the whole system on one machine, in a few minutes, touching nothing outside it.

It starts a private Tor network (7 tor processes on 127.0.0.1) and serves the demo forum only as
an onion service on it; registers a demo clinic from a synthetic patient file through the real
`vigie hash` and `vigie org register`; crawls the forum through Tor with the real `vigie crawl`;
delivers the alerts to a local SMTP server and a local webhook receiver; prints what happened;
and stops everything it started. It refuses to run outside a loopback-only network namespace.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from alerts.outbox import Outbox
from vigie.config.loader import LoadedConfig
from vigie.keys import create_key_file
from vigie.wiring import build_delivery_worker, open_leak_store, open_store, outbox_path
from vigie_kit.demo_config import ORG_ID, SOURCE, WEBHOOK_SECRET, DemoEndpoints, write_demo_config
from vigie_kit.sinks import SmtpSink, WebhookReceiver

__all__ = ["DemoError", "DemoSummary", "run_demo"]


class DemoError(Exception):
    """The demo cannot run here; the message says what to do."""


@dataclass
class DemoSummary:
    onion: str = ""
    tor_network_seconds: float = 0.0
    pages: int = 0
    posts: int = 0
    files: int = 0
    bombs_refused: int = 0
    crawl_seconds: float = 0.0
    fragments: int = 0
    fragments_by_kind: dict[str, int] = field(default_factory=dict)
    identifiers_by_type: dict[str, int] = field(default_factory=dict)
    article9: dict[str, int] = field(default_factory=dict)
    severity: dict[str, int] = field(default_factory=dict)
    registered: dict[str, int] = field(default_factory=dict)
    alerts: int = 0
    alerts_matched_identifiers: dict[str, int] = field(default_factory=dict)
    emails_delivered: int = 0
    webhooks_delivered: int = 0
    leaks: list[dict[str, Any]] = field(default_factory=list)  # leaks seen in more than one copy
    total_seconds: float = 0.0
    workspace: str = ""


def _step(console: Console, n: int, text: str) -> None:
    console.print(f"\n[bold cyan][{n}/6][/] [bold]{text}[/]")


def _vigie(args: list[str], env: dict[str, str], *, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "vigie", "--log-level", "WARNING", *args]
    proc = subprocess.run(cmd, env=env, text=True, capture_output=quiet, timeout=600)
    if proc.returncode != 0:
        raise DemoError(f"`vigie {' '.join(args)}` failed (exit {proc.returncode}):\n{proc.stderr or ''}")
    return proc


def preflight() -> None:
    if shutil.which("tor") is None:
        raise DemoError("the `tor` program is not installed. Install it with:\n"
                        "    sudo apt-get install -y tor\n"
                        "(or run scripts/demo.sh, which installs everything it needs).")
    from vigie_kit.tornet import NotIsolatedError, assert_loopback_only

    try:
        assert_loopback_only("the demo")
    except NotIsolatedError as exc:
        raise DemoError(f"{exc}\nThe simplest way: scripts/demo.sh") from None


def _patient_file(truth: dict[str, Any], path: Path, seed: int) -> dict[str, int]:
    """The clinic's patients: a few who were leaked on the forum, many who were not."""
    from faker import Faker

    rows: list[tuple[str, str, str]] = []
    leaked_post = next(p for p in truth["posts"] if p["expected"] and not p["members_only"]
                       and all(p["planted"].get(t) for t in ("email", "phone", "nir")))
    leaked_file = next(a for a in truth["attachments"] if a["filename"] == "patients.csv")
    for planted, n in ((leaked_post["planted"], 3), (leaked_file["planted"], 5)):
        rows += list(zip(planted["email"][:n], planted["phone"][:n], planted["nir"][:n], strict=True))
    fake = Faker("fr_FR")
    fake.seed_instance(seed + 1)
    for _ in range(200):
        rows.append((fake.unique.email(), fake.phone_number(), fake.ssn()))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["email", "telephone", "nir"])
        writer.writerows(rows)
    return {"leaked_patients": 8, "patients": len(rows)}


def run_demo(workspace: Path, *, console: Console | None = None, seed: int = 1337) -> DemoSummary:
    from vigie_kit.forum import ForumServer
    from vigie_kit.tornet import PrivateTorNetwork

    console = console or Console()
    preflight()
    began = time.monotonic()
    summary = DemoSummary(workspace=str(workspace))
    if workspace.exists():
        shutil.rmtree(workspace)
    keys, data = workspace / "keys", workspace / "data"
    for name in ("match.key", "data.key"):
        create_key_file(keys / name)
    env = {k: v for k, v in os.environ.items() if k not in ("VIGIE_MATCH_KEY", "VIGIE_DATA_KEY")}

    with ExitStack() as stack:
        _step(console, 1, "Starting a private Tor network on 127.0.0.1 (7 tor processes)")
        started = time.monotonic()
        net = PrivateTorNetwork(workspace / "tornet", on_progress=lambda m: console.print(f"   [dim]tor:[/] {m}"))
        net.start()
        stack.callback(net.stop)
        summary.tor_network_seconds = round(time.monotonic() - started, 1)
        console.print(f"   private Tor network ready in {summary.tor_network_seconds}s")

        _step(console, 2, "Serving the demo leak forum, only as an onion service")
        forum = stack.enter_context(ForumServer("phpbb", seed=seed))
        summary.onion = net.add_onion_service(forum.address[1])
        truth = forum.truth(base=f"http://{summary.onion}")
        console.print(f"   forum at [bold]http://{summary.onion}/[/] "
                      f"({len(truth['posts'])} posts, {len(truth['attachments'])} attachments, "
                      "members-only board behind a login)")
        smtp = stack.enter_context(SmtpSink())
        hook = stack.enter_context(WebhookReceiver(secret=WEBHOOK_SECRET))
        console.print(f"   local SMTP server on 127.0.0.1:{smtp.port}, webhook receiver at {hook.url}")
        loaded = write_demo_config(workspace, DemoEndpoints(
            onion=summary.onion, socks_port=net.socks_port, control_port=net.control_port,
            cookie_path=net.client_cookie_path, smtp_port=smtp.port, webhook_url=hook.url, keys_dir=keys))
        cfg = loaded.directory
        common = ["--config", str(cfg), "--data-dir", str(data)]

        _step(console, 3, "Registering the demo clinic: `vigie hash`, then `vigie org register`")
        patients = workspace / "clinic" / "patients.csv"
        patients.parent.mkdir(parents=True)
        counts = _patient_file(truth, patients, seed)
        prehashes = workspace / "clinic" / "prehashes.csv"
        rejects = workspace / "clinic" / "rejects.csv"
        _vigie(["hash", str(patients), "-o", str(prehashes), "--rejects", str(rejects)], env)
        # the clinic's plaintext stays on the clinic's side: it was left in Vigie's data directory,
        # where the demo says no plaintext is kept (its rejects hold plaintext values too)
        patients.unlink()
        rejects.unlink(missing_ok=True)
        _vigie(["org", "register", ORG_ID, str(prehashes), *common], env)
        summary.registered = dict(Counter(line.split(",", 1)[0] for line in prehashes.read_text().splitlines()
                                          if "," in line and not line.startswith("type,")))
        console.print(f"   {counts['patients']} patients hashed on the clinic's side; "
                      f"{sum(summary.registered.values())} pre-hashes keyed into tokens (no plaintext kept)")

        _step(console, 4, "Crawling the forum through Tor: login, pagination, attachments")
        summary_path = workspace / "crawl-summary.json"
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "vigie", "--log-level", "ERROR", "crawl", SOURCE, *common,
                               "--summary-json", str(summary_path)], env=env, timeout=600)
        if proc.returncode != 0:
            raise DemoError(f"the crawl failed (exit {proc.returncode}); see the messages above")
        summary.crawl_seconds = round(time.monotonic() - started, 1)
        crawl = json.loads(summary_path.read_text())
        summary.pages, summary.posts, summary.files = crawl["pages"], crawl["posts"], crawl["files"]
        summary.bombs_refused = crawl.get("bombs_refused", 0)

        _step(console, 5, "Delivering alerts (email + signed webhook; the receivers process each id once)")
        _deliver(loaded, data, console)
        _collect(loaded, data, summary)
        _show_leaks(loaded, data, summary, console)
        summary.emails_delivered = len(set(smtp.message_ids()))
        summary.webhooks_delivered = len(hook.processed)

    summary.total_seconds = round(time.monotonic() - began, 1)
    _step(console, 6, "Done: everything the demo started has been stopped")
    return summary


def _deliver(config: LoadedConfig, data: Path, console: Console) -> None:
    """Drain the outbox once, here, instead of starting `vigie run`: the summary that follows
    must count every alert as delivered (or not), not a service still working in the background."""
    worker = build_delivery_worker(config, data)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            worker.run_once()
            counts = worker.counts()
            if not counts.get("pending", 0) and not counts.get("sending", 0):
                break
            time.sleep(0.2)
        console.print(f"   outbox: {worker.counts()}")
    finally:
        worker.outbox.close()


def _show_leaks(config: LoadedConfig, data: Path, summary: DemoSummary, console: Console) -> None:
    """The forum's reposts grouped into their leaks: each leak, its copies and where they were."""
    leaks = open_leak_store(config, data)
    try:
        reposted = [leak for leak in leaks.list(limit=1000) if len(leak.appearances) > 1]
    finally:
        leaks.close()
    summary.leaks = [{"id": leak.id, "copies": len(leak.appearances), "records": leak.record_count,
                      "largest": leak.largest_record_count, "titles": [a.thread_title for a in leak.appearances]}
                     for leak in reposted]
    console.print(f"   reposts grouped into leaks: {len(reposted)} leak(s) seen in more than one copy "
                  "(`vigie leaks list`, `vigie leak show LEAK`)")
    for leak in reposted:
        sizes = " + ".join(str(a.record_count) for a in leak.appearances)
        console.print(f"   [bold]{leak.id}[/]: {len(leak.appearances)} copies ({sizes} records), "
                      f"{leak.record_count} distinct records, first seen {leak.first_seen:%Y-%m-%d %H:%M}",
                      highlight=False)


def _collect(config: LoadedConfig, data: Path, summary: DemoSummary) -> None:
    from indexer.store.base import SearchQuery

    store = open_store(config, data)
    try:
        aggs = store.aggregations()
        summary.fragments = aggs.total
        summary.fragments_by_kind = dict(sorted(aggs.per_kind.items()))
        summary.article9 = dict(sorted(aggs.per_category.items()))
        summary.severity = dict(sorted(aggs.per_severity.items()))
        by_type: Counter[str] = Counter()
        offset = 0
        while True:
            page = store.search(SearchQuery(offset=offset, limit=500))
            for doc in page.hits:
                by_type.update(doc.counts)
            offset += len(page.hits)
            if not page.hits or offset >= page.total:
                break
        summary.identifiers_by_type = dict(by_type.most_common())
    finally:
        store.close()
    outbox = Outbox(outbox_path(data))
    try:
        alerts = outbox.list_alerts()
        summary.alerts = len({a["alert_id"] for a in alerts})
        matched: Counter[str] = Counter()
        for a in alerts:
            matched.update(a["alert"].get("matched", {}))
        summary.alerts_matched_identifiers = dict(matched)
    finally:
        outbox.close()
