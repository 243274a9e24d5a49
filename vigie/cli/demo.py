"""`vigie demo`: the newcomer's first five minutes.

The demo itself is the demo kit (`vigie_kit.run`), which the product does not depend on: it is
installed with the `demo` extra. This command is the one place the product reaches into it,
lazily, after checking that the extra is there, so that a product-only install gets a message
saying what to install rather than an ImportError from deep inside the kit.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shlex
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.columns import Columns
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, fail, require_keys, runtime
from vigie.core.files import write_private

if TYPE_CHECKING:
    from vigie.web.users import WebDB

__all__ = ["DemoAccount", "create_demo_accounts", "demo", "missing_demo_packages", "serve_demo"]

# What the `demo` extra installs (pyproject.toml), plus the kit itself.
DEMO_PACKAGES = ("vigie_kit", "faker", "aiosmtpd")


def missing_demo_packages() -> list[str]:
    """The demo extra's packages that cannot be imported here (found without importing them)."""
    return [name for name in DEMO_PACKAGES if importlib.util.find_spec(name) is None]


def _next_commands(config_dir: Path, data_dir: Path) -> list[str]:
    """The shell lines that reopen the demo's results (one command a line, runnable as printed)."""
    vigie = Path(sys.executable).with_name("vigie")
    lines = [f"  export VIGIE_CONFIG={shlex.quote(str(config_dir))}",
             f"  export VIGIE_DATA={shlex.quote(str(data_dir))}"]
    if vigie.exists() and shutil.which("vigie") != str(vigie):
        lines.append(f"  export PATH={shlex.quote(str(vigie.parent))}:\"$PATH\"")
    lines += ["  vigie search séropositif",
              "  vigie search --severity critical --category health",
              "  vigie stats",
              "  vigie alerts list",
              "  vigie org show clinique-des-tilleuls",
              "  vigie demo --serve-only        # the web app over these results"]
    return lines


def _table(title: str, counts: dict[str, int], key: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=True, header_style="bold", min_width=28)
    table.add_column(key)
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    if not counts:
        table.add_row("—", "0")
    return table


@dataclass(frozen=True)
class DemoAccount:
    user: str
    password: str
    role: str
    org: str | None
    totp_secret: str | None = None
    totp_uri: str | None = None


def create_demo_accounts(web_db: WebDB, org_id: str) -> list[DemoAccount]:
    """One-time web accounts for the demo: an analyst (TOTP, may reveal) and the clinic's member.

    Fresh random names and passwords at every serve, disabled when it stops (`serve_demo`), so a
    demo data directory never keeps a usable fixed password."""
    suffix = secrets.token_hex(3)
    analyst, member = f"analyst-{suffix}", f"clinic-{suffix}"
    pw_analyst, pw_member = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    secret = web_db.add_user(analyst, "analyst", pw_analyst, totp=True, may_reveal=True) or ""
    web_db.add_user(member, "org_member", pw_member, org=org_id)
    return [DemoAccount(analyst, pw_analyst, "analyst", None, secret, web_db.totp_uri(analyst, secret, "Vigie demo")),
            DemoAccount(member, pw_member, "org_member", org_id)]


def serve_demo(workspace: Path, port: int) -> None:
    """Serve the web app over a demo workspace on 127.0.0.1 until Ctrl-C, with one-time accounts."""
    import uvicorn

    from vigie.cli.serve import ServiceOps
    from vigie.web.app import create_app
    from vigie.web.setup import close_web_data, open_web_data

    rt = runtime(workspace / "config", workspace / "data")
    require_keys(rt, match=True, data=True)
    # the demo's config holds its one organisation, the clinic
    clinic = next(iter(sorted(rt.config.organisations)), None)
    if clinic is None:
        fail(f"no organisation in {workspace / 'config'}: run `vigie demo --serve` again")
    data = open_web_data(rt.config, rt.data_dir, rt.match_key, rt.data_key, ServiceOps(rt.config, rt.data_dir))
    accounts = create_demo_accounts(data.web_db, clinic)
    url = f"http://127.0.0.1:{port}/"
    # plain lines (no wrapping, no markup): a newcomer copies them, a test parses them
    typer.echo(f"\nVigie web app: {url}   (Ctrl-C to stop; these accounts are disabled when it stops)")
    for a in accounts:
        who = "analyst (may reveal, TOTP)" if a.role == "analyst" else f"member of {a.org}"
        typer.echo(f"  {who}: user {a.user}  password {a.password}")
        if a.totp_secret:
            typer.echo(f"    TOTP secret {a.totp_secret}  (add it to an authenticator app: {a.totp_uri})")
    try:
        uvicorn.run(create_app(data), host="127.0.0.1", port=port, log_config=None, access_log=False,
                    proxy_headers=False, server_header=False)
    finally:
        for a in accounts:
            data.web_db.disable_user(a.user)
        close_web_data(data)
        typer.echo("Vigie web app stopped; the demo accounts are disabled.")


@app.command("demo")
def demo(
    summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Also write the summary as JSON.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic forum and patients.")] = 1337,
    serve: Annotated[bool, typer.Option("--serve", help="Then serve the web app on 127.0.0.1 (Ctrl-C stops it).")
                     ] = False,
    serve_only: Annotated[bool, typer.Option(
        "--serve-only", help="Skip the run: serve the web app over the last demo's results.")] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port of the web app (--serve).")] = 8080,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Run the whole system on one machine: private Tor network, onion forum, detection, alerts.

    Everything is local and synthetic: a private Tor network on 127.0.0.1 (it refuses to start
    outside a loopback-only network namespace), a forum of fake leaks served as an onion
    service, a demo clinic's hashed patients, a local SMTP server and webhook receiver. It
    writes under <data-dir>/demo and stops everything it started. About two minutes.

    With --serve it then serves the web app on 127.0.0.1 and prints one-time accounts (an
    analyst with TOTP, the demo clinic's member) to click through what it found;
    --serve-only does just that over the last demo's results.

    Example:  sudo unshare -n -- sh -c 'ip link set lo up && vigie demo'   (or: scripts/demo.sh)
    Example:  vigie demo --serve-only --port 8080
    """
    missing = missing_demo_packages()
    if missing:
        fail(escape(f"`vigie demo` needs the demo kit, which is not installed here (missing: {', '.join(missing)}). "
             "Install it with:\n    pip install 'vigie[demo]'\n(from a checkout: pip install -e '.[demo]', "
             "or run scripts/demo.sh, which installs everything it needs)."))
    from vigie_kit.run import DemoError, run_demo

    workspace = data_dir.resolve() / "demo"
    if serve_only:
        if not (workspace / "config").is_dir():
            fail(f"no demo results under {workspace}: run `vigie demo --serve` first")
        serve_demo(workspace, port)
        return
    console.print(Panel.fit("[bold]Vigie demo[/]: a leak on a Tor forum, found, indexed and alerted — "
                            "all on this machine, all synthetic", border_style="cyan"))
    try:
        s = run_demo(workspace, console=console, seed=seed)
    except DemoError as exc:
        fail(str(exc))
    if summary_json:
        write_private(summary_json, (json.dumps(asdict(s), indent=2) + "\n").encode())  # as any -o file

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
        f"Finished in {s.total_seconds}s (Tor network up in {s.tor_network_seconds}s).\n"
        "Where to look next: the commands below (the demo's config and data stay in place).",
        title="Next", border_style="green"))
    # Printed outside the panel and never folded: an operator copies these lines into a shell,
    # and a path folded at the terminal's width would paste as two broken commands.
    for line in _next_commands(cfg, data):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    if serve:
        serve_demo(ws, port)
