"""`vigie demo`: the newcomer's first five minutes.

The demo itself is the demo kit (`vigie_kit.run`), which the product does not depend on: it is
installed with the `demo` extra. This command is the one place the product reaches into it,
lazily, after checking that the extra is there, so that a product-only install gets a message
saying what to install rather than an ImportError from deep inside the kit.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.columns import Columns
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, fail

__all__ = ["demo", "missing_demo_packages"]

# What the `demo` extra installs (pyproject.toml), plus the kit itself.
DEMO_PACKAGES = ("vigie_kit", "faker", "aiosmtpd")


def missing_demo_packages() -> list[str]:
    """The demo extra's packages that cannot be imported here (found without importing them)."""
    return [name for name in DEMO_PACKAGES if importlib.util.find_spec(name) is None]


def _table(title: str, counts: dict[str, int], key: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=True, header_style="bold", min_width=28)
    table.add_column(key)
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    if not counts:
        table.add_row("—", "0")
    return table


@app.command("demo")
def demo(
    summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Also write the summary as JSON.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic forum and patients.")] = 1337,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Run the whole system on one machine: private Tor network, onion forum, detection, alerts.

    Everything is local and synthetic: a private Tor network on 127.0.0.1 (it refuses to start
    outside a loopback-only network namespace), a forum of fake leaks served as an onion
    service, a demo clinic's hashed patients, a local SMTP server and webhook receiver. It
    writes under <data-dir>/demo and stops everything it started. About two minutes.

    Example:  sudo unshare -n -- sh -c 'ip link set lo up && vigie demo'   (or: scripts/demo.sh)
    """
    missing = missing_demo_packages()
    if missing:
        fail(escape(f"`vigie demo` needs the demo kit, which is not installed here (missing: {', '.join(missing)}). "
             "Install it with:\n    pip install 'vigie[demo]'\n(from a checkout: pip install -e '.[demo]', "
             "or run scripts/demo.sh, which installs everything it needs)."))
    from vigie_kit.run import DemoError, run_demo

    workspace = data_dir.resolve() / "demo"
    console.print(Panel.fit("[bold]Vigie demo[/]: a leak on a Tor forum, found, indexed and alerted — "
                            "all on this machine, all synthetic", border_style="cyan"))
    try:
        s = run_demo(workspace, console=console, seed=seed)
    except DemoError as exc:
        fail(str(exc))
    if summary_json:
        summary_json.write_text(json.dumps(asdict(s), indent=2) + "\n", encoding="utf-8")

    crawl = Table(title="Crawled through Tor", title_justify="left", show_header=False)
    crawl.add_column("what")
    crawl.add_column("value", justify="right")
    for label, value in (("onion service", s.onion[:16] + "….onion"), ("pages", s.pages), ("posts", s.posts),
                         ("attachments", s.files), ("archive bombs refused", s.bombs_refused),
                         ("crawl time", f"{s.crawl_seconds}s")):
        crawl.add_row(label, str(value))
    alerts = Table(title="Alerts to the demo clinic", title_justify="left", show_header=False)
    alerts.add_column("what")
    alerts.add_column("value", justify="right")
    for label, value in (("alerts raised", s.alerts), ("emails received (distinct)", s.emails_delivered),
                         ("webhooks received (verified, distinct)", s.webhooks_delivered),
                         *((f"matched {t}", n) for t, n in sorted(s.alerts_matched_identifiers.items()))):
        alerts.add_row(label, str(value))
    console.print()
    console.print(crawl)
    console.print(Columns([_table(f"{s.fragments} dump fragments", s.fragments_by_kind, "kind"),
                           _table("Identifiers (validated)", s.identifiers_by_type, "type"),
                           _table("GDPR art. 9 (fragments)", s.article9, "category"),
                           _table("Severity (fragments)", s.severity, "severity")]))
    console.print(alerts)
    ws = Path(s.workspace)
    cfg, data = ws / "config", ws / "data"
    console.print(Panel(
        f"Finished in {s.total_seconds}s (Tor network up in {s.tor_network_seconds}s).\n\n"
        "Where to look next (the demo's config and data stay in place):\n"
        f"  export VIGIE_CONFIG={cfg} VIGIE_DATA={data}\n"
        "  vigie search séropositif\n"
        "  vigie search --severity critical --category health\n"
        "  vigie stats\n"
        "  vigie alerts list\n"
        "  vigie org show clinique-des-tilleuls",
        title="Next", border_style="green"))
