"""`vigie config check` and `vigie keys init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import EXIT_CONFIG, ConfigDir, DataDir, console, err_console, runtime

config_app = typer.Typer(help="Check the operators' configuration.", no_args_is_help=True)
keys_app = typer.Typer(help="Create the secret keys (kept outside the repo and the database).",
                       no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(keys_app, name="keys")


@config_app.command("check")
def check(
    directory: Annotated[Path | None, typer.Argument(help="Config directory to check (default: --config).")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Validate every YAML file and print all problems as file:LINE: field: reason.

    Exits 0 with a summary when the config is good, 2 when anything is wrong.

    Example:  vigie config check config/
    """
    from vigie.config.loader import check_config_dir
    target = directory or config
    loaded, problems = check_config_dir(target)
    if problems or loaded is None:
        for problem in problems:
            print(problem)
        err_console.print(f"[red]{len(problems)} problem(s)[/] in {target}")
        raise typer.Exit(EXIT_CONFIG)

    g = loaded.global_config
    backend: str = g.storage.backend
    if backend == "elasticsearch":
        backend += f" ({', '.join(g.storage.elasticsearch.hosts)})"
    console.print(f"[green]✓[/] {target}: configuration is valid")
    console.print(f"  storage backend: [bold]{backend}[/]   tor: {g.tor.mode} "
                  f"(socks {g.tor.socks_host}:{g.tor.socks_port})")
    table = Table(title=f"{len(loaded.sources)} source(s)", title_justify="left")
    for col in ("source", "kind", "network", "schedule", "start URL"):
        table.add_column(col)
    for name, src in loaded.sources.items():
        sched = f"every {src.schedule.interval}" if src.schedule.interval else f"cron {src.schedule.cron}"
        if not src.schedule.enabled:
            sched += " (disabled)"
        network = "tor, clearnet allowed" if src.network == "tor" and src.allow_clearnet_over_tor else src.network
        table.add_row(name, src.kind, network, sched, src.start_urls[0])
    console.print(table)
    table = Table(title=f"{len(loaded.organisations)} organisation(s)", title_justify="left")
    for col in ("id", "name", "channels", "min severity"):
        table.add_column(col)
    for org_id, org in loaded.organisations.items():
        channels = [c for c in ("email", "webhook") if getattr(org.channels, c) is not None]
        table.add_row(org_id, org.display_name, ", ".join(channels), org.min_severity)
    console.print(table)


@keys_app.command("init")
def keys_init(config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Create the matching key and the data key where vigie.yaml says (mode 600).

    Existing keys are never overwritten: losing K_match would orphan every registered token.

    Example:  vigie keys init
    """
    from loguru import logger

    from vigie.keys import create_key_file
    rt = runtime(config, data_dir)
    keys = rt.config.global_config.keys
    for label, path in (("matching key (K_match)", keys.match_key_file), ("data key", keys.data_key_file)):
        created = create_key_file(path)
        logger.info("{} {} at {}", label, "created" if created else "kept", path.expanduser())
        state = "[green]created[/]" if created else "already exists, kept"
        console.print(f"{label}: {path.expanduser()} {state}")
