"""Options shared by every command, and the helpers that turn errors into readable exits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from vigie.config.loader import ConfigError
from vigie.keys import KeyError_
from vigie.runtime import Runtime

__all__ = ["ConfigDir", "DataDir", "console", "err_console", "fail", "require_keys", "runtime"]

console = Console()
err_console = Console(stderr=True)

ConfigDir = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="VIGIE_CONFIG", help="Config directory (vigie.yaml, sources/, organisations/).",
                 show_default=True),
]
DataDir = Annotated[
    Path,
    typer.Option("--data-dir", "-d", envvar="VIGIE_DATA", help="Where Vigie writes its databases, spool, state and logs.",
                 show_default=True),
]

EXIT_CONFIG = 2
EXIT_FAILURE = 1


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def runtime(config_dir: Path, data_dir: Path) -> Runtime:
    """Build the runtime and load the config now, so a bad config fails before any work."""
    rt = Runtime(config_dir=config_dir, data_dir=data_dir)
    try:
        _ = rt.config
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        err_console.print(f"[red]{len(exc.problems)} problem(s) in {config_dir}[/]; run `vigie config check {config_dir}`")
        raise typer.Exit(EXIT_CONFIG) from None
    return rt


def require_keys(rt: Runtime, match: bool = True, data: bool = False) -> None:
    """Refuse to run without the keys; on a terminal, offer to create the missing ones first."""
    from vigie.keys import create_key_file

    keys = rt.config.global_config.keys
    wanted = [("matching key (K_match)", keys.match_key_file, "match_key")] if match else []
    wanted += [("data key", keys.data_key_file, "data_key")] if data else []
    for label, path, attr in wanted:
        try:
            getattr(rt, attr)
        except KeyError_ as exc:
            missing = not path.expanduser().exists() and "does not exist" in str(exc)
            if missing and sys.stdin.isatty() and typer.confirm(
                f"No {label} yet. Create a new random one at {path.expanduser()} (mode 600)?", default=False
            ):
                create_key_file(path)
                rt.__dict__.pop(attr, None)
                try:
                    getattr(rt, attr)
                except KeyError_ as again:
                    fail(str(again), EXIT_CONFIG)
                err_console.print(f"[green]created[/] {path.expanduser()}: back it up, Vigie cannot work without it")
                continue
            fail(str(exc), EXIT_CONFIG)
