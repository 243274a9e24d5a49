"""Options shared by every command, the runtime they start from, and `fail` for usage messages.

Domain errors are not handled here: commands let them propagate to the error boundary in
`vigie.cli` (`_VigieGroup.invoke`), which prints them and picks the exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from vigie.cli import EXIT_CONFIG, EXIT_FAILURE
from vigie.core.text import one_line, plain

if TYPE_CHECKING:
    from vigie.runtime import Runtime

__all__ = ["EXIT_CONFIG", "EXIT_FAILURE", "ConfigDir", "DataDir", "console", "err_console", "fail", "require_keys",
           "runtime", "shown"]

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # an error names a path whole, never cut mid-name

ConfigDir = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="VIGIE_CONFIG", show_default=True,
                 help="Config directory (vigie.yaml, sources/, organisations/)."),
]
DataDir = Annotated[
    Path,
    typer.Option("--data-dir", "-d", envvar="VIGIE_DATA", show_default=True,
                 help="Where Vigie writes its databases, spool, state and logs."),
]

def shown(text: str | None, default: str = "-", *, lines: bool = False, markup: bool = True) -> str:
    """Text a crawled site (or a dump) chose, made safe to print on the operator's terminal with
    Rich: control characters become `?` (tabs kept; newlines kept only with `lines`) and Rich
    markup is escaped (a victim named `[/x]` crashed `vigie victims`; `[link=...]` made a link);
    `markup=False` for a plain `print`."""
    if not text:
        return default
    # C0 and C1 controls (ESC starts the terminal's own commands: set the title, clear the screen,
    # hyperlinks, and on some terminals report back into the input) and the bidirectional overrides
    # that show a text in another order than it is: vigie.core.text.CONTROLS
    text = plain(text) if lines else one_line(text)
    return escape(text) if markup else text


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    """For the command line's own usage problems (a flag combination, a malformed argument)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def runtime(config_dir: Path, data_dir: Path) -> Runtime:
    """Build the runtime and load the config now, so a bad config fails before any work
    (`ConfigError`, reported by the error boundary with every problem)."""
    from vigie.runtime import Runtime
    rt = Runtime(config_dir=config_dir, data_dir=data_dir)
    _ = rt.config
    return rt


def require_keys(rt: Runtime, match: bool = True, data: bool = False) -> None:
    """Refuse to run without the keys; on a terminal, offer to create a missing one first.

    A key that exists but is unusable (`KeyFileError`) is never replaced: that would orphan
    every token or ciphertext made with it. Errors propagate to the error boundary (exit 2).
    """
    from vigie.keys import KeyFileMissing, create_key_file
    wanted: list[Callable[[], object]] = [rt.load_match_key] if match else []
    wanted += [rt.load_data_key] if data else []
    for load in wanted:
        try:
            load()
        except KeyFileMissing as missing:
            if not (sys.stdin.isatty() and typer.confirm(
                    f"{missing} Create a new random key at {missing.path} (mode 600) now?", default=False)):
                raise
            create_key_file(missing.path)
            load()
            err_console.print(f"[green]created[/] {missing.path}: back it up, Vigie cannot work without it")
