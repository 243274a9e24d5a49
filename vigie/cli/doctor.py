"""`vigie doctor`: is Tor usable? Version, bootstrap, SOCKS/control reachability, circuits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import EXIT_FAILURE, ConfigDir, DataDir, console, err_console, runtime, shown

if TYPE_CHECKING:
    from crawler.tor import TorHealth

__all__ = ["doctor"]


def _print(health: TorHealth, title: str) -> None:
    """The version, bootstrap summary and problem are what the control port's listener said: any
    local process can be that listener while tor is down (see crawler.tor), so they are text here
    (`shown`): its `[/x]` made the command fail and its ESC sequences reached the terminal."""

    def yes(flag: bool) -> str:
        return "[green]yes[/]" if flag else "[red]no[/]"

    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("check")
    table.add_column("result")
    table.add_row("mode", health.mode)
    table.add_row("tor version", shown(health.version) if health.version else "[red]unknown[/]")
    boot = "unknown" if health.bootstrap_percent is None else (
        f"{health.bootstrap_percent}% ({shown(health.bootstrap_summary)})")
    table.add_row("bootstrap", boot)
    table.add_row("SOCKS reachable", yes(health.socks_reachable))
    table.add_row("control reachable", yes(health.control_reachable))
    table.add_row("circuits (built)", "unknown" if health.circuit_count is None
                  else str(health.circuit_count))
    if health.error:
        table.add_row("problem", f"[red]{shown(health.error)}[/]")
    console.print(table)
    console.print("[green]✓ Tor is usable[/]" if health.ok else "[red]✗ Tor is not usable[/]")


@app.command("doctor")
def doctor(
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
    launch: Annotated[bool, typer.Option(
        "--launch", help="With tor.mode launch: start tor now, wait for bootstrap, report, stop it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the health as one JSON object.")] = False,
) -> None:
    """Check that Tor is usable: version, bootstrap, SOCKS/control reachability, circuit count.

    With tor.mode external it connects to the configured control port. With tor.mode launch it
    says whether the tor binary exists; add --launch to start it, wait for bootstrap and report.
    Exits 1 when Tor is not usable.

    Example:  vigie doctor --config config --launch
    """
    from crawler.rar import rar_support
    from crawler.tor import TorController, TorError, TorHealth
    from indexer.detect.prefilter import status as prefilter_status
    from indexer.engine import engine_name
    rt = runtime(config, data_dir)
    if not as_json:  # which detection engine runs here: the compiled core or the pure-Python reference
        console.print(f"detection engine: {engine_name()}")
        console.print(f"detection prefilter: {prefilter_status()}")
        # RAR attachments: the reader started as a crawl starts it, on a small archive of each version
        rar_ok, rar_said = rar_support()
        console.print(f"RAR attachments: {rar_said}" if rar_ok else
                      f"[yellow]RAR attachments cannot be read[/] (each is counted as an error): {shown(rar_said)}")
        if any(s.render == "browser" for s in rt.config.sources.values()):
            # asked of Chromium as a crawl asks it (crawler.handlers._sandbox: attacker's review, round 14)
            from crawler.handlers._sandbox import chromium_sandbox
            from crawler.handlers.browser import CHROMIUM, CHROMIUM_NETWORK_ARGS, browser_env

            boxed, why = chromium_sandbox(CHROMIUM, CHROMIUM_NETWORK_ARGS, browser_env)
            console.print("Chromium sandbox: on (render: browser sources)" if boxed else
                          f"[yellow]Chromium sandbox: off[/] (render: browser sources run the sites' scripts "
                          f"without it): {shown(why)}")
    settings = rt.config.global_config.tor
    where = f"{settings.socks_host}:{settings.socks_port} / control 127.0.0.1:{settings.control_port}"
    if settings.mode == "launch" and not launch:
        binary = shutil.which(settings.tor_binary)
        if as_json:
            print(json.dumps({"mode": "launch", "tor_binary": binary, "ok": binary is not None}))
        elif binary:
            console.print(f"tor.mode is launch: tor binary found at [bold]{binary}[/]; "
                          "run `vigie doctor --launch` to start it and check bootstrap")
        else:
            err_console.print(f"[red]tor binary {settings.tor_binary!r} not found[/]: "
                              "apt-get install tor, or set tor.tor_binary")
        raise typer.Exit(0 if binary else EXIT_FAILURE)

    tor = TorController(settings, rt.ensure_data_dir() if launch else data_dir,
                        on_progress=None if as_json else (lambda m: err_console.print(f"  tor: {m}")),
                        peers=rt.config.global_config.security.trusted_peers())
    try:
        if settings.mode == "launch":
            try:
                tor.start()
            except TorError as exc:
                health = TorHealth(mode="launch", error=str(exc))
            else:
                health = tor.health()
        else:
            health = tor.health()
    finally:
        tor.close()
    if as_json:
        print(json.dumps(health.as_dict()))
    else:
        _print(health, f"Tor ({settings.mode}: {where})")
    raise typer.Exit(0 if health.ok else EXIT_FAILURE)
