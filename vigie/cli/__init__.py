"""The `vigie` command line: one entry point for operators, analysts and organisations.

Each area registers its commands from its own module (config_cmd, scan, search, crawl, org,
alerts_cmd, service); this module builds the app, the global options and the one error
boundary (`_VigieGroup.invoke`, like pip's `Command.main`): commands raise the packages' own
errors and this maps them to a message and an exit code.

    2    the operator must fix something first: configuration, keys, usage, an unknown source,
         a tor source without the Tor transport
    1    anything else that failed (store, crawl, alerts, detection)
    3    a crawl could not read its source: the login failed or a required selector matched nothing
    130  interrupted (Ctrl-C)
    4    (`vigie reveal` only) the decrypt role is missing

Every command module loads in every `vigie` process (to register its commands), so a module
imports at its top only what its options and help need (typer, rich, the CLI's own helpers);
the rest (Scrapy and Twisted, `vigie.wiring`, the config schema, numpy through the alerts, the
web stack) is imported inside the command that uses it. `tests/test_cli_startup.py` fails if
`vigie --help` loads them again.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Annotated, Any

import typer
from typer._click import Context  # the class TyperGroup.invoke is typed with (typer vendors click)
from typer.core import TyperGroup

from alerts import AlertsError
from crawler import CrawlConfigError, CrawlerError, SourceBrokenError, TorUnavailableError
from indexer import IndexerError
from vigie import __version__
from vigie.config.errors import ConfigError  # (cheap modules: the error boundary needs them in every process)
from vigie.core.errors import KeyFileError
from vigie.core.files import PrivateFileError
from vigie.core.process import harden_process, hold_secret_env

__all__ = ["EXIT_CONFIG", "EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_SOURCE_BROKEN", "app", "main"]

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_SOURCE_BROKEN = 3
EXIT_INTERRUPTED = 130

# Order matters: the first matching class decides (CrawlConfigError is also a CrawlerError).
_EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (KeyFileError, EXIT_CONFIG),
    (PrivateFileError, EXIT_CONFIG),  # a path another user may have planted or can read: refused, said plainly
    (CrawlConfigError, EXIT_CONFIG),
    (TorUnavailableError, EXIT_CONFIG),
    (SourceBrokenError, EXIT_SOURCE_BROKEN),
    (CrawlerError, EXIT_FAILURE),
    (AlertsError, EXIT_FAILURE),
    (IndexerError, EXIT_FAILURE),
)


def _error(message: str) -> None:
    from vigie.cli.common import err_console, shown

    # an error may quote what a crawled site or a dump wrote (a file name in an archive, a page's
    # URL): shown as text, with no terminal control
    err_console.print(f"[bold red]error:[/] {shown(message, '', lines=True)}", highlight=False)


# The order of `vigie --help`: first steps, then running, then analysis, then administration.
# A command missing from this list is listed after these, never hidden.
_HELP_ORDER = ("demo", "run", "status", "crawl", "doctor", "scan", "search", "stats", "victims", "leaks", "leak",
               "reveal", "audit", "hash", "org", "source", "alerts", "serve", "users", "config", "keys",
               "worker", "scheduler")


class _VigieGroup(TyperGroup):
    """The error boundary: every command runs inside `invoke`, so this is the one place that
    turns an exception into a message and an exit code (also under Typer's CliRunner)."""

    def list_commands(self, ctx: Context) -> list[str]:
        """Commands in `_HELP_ORDER`, whatever order their modules were imported in."""
        rank = {name: i for i, name in enumerate(_HELP_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: rank.get(name, len(rank)))

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _error("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except ConfigError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            _error(f"{len(exc.problems)} problem(s) in the configuration; run `vigie config check` "
                   "on the --config directory")
            raise typer.Exit(EXIT_CONFIG) from None
        except tuple(cls for cls, _ in _EXIT_CODES) as exc:
            _error(str(exc))
            raise typer.Exit(next(code for cls, code in _EXIT_CODES if isinstance(exc, cls))) from None

app = typer.Typer(
    name="vigie",
    help=(
        "Vigie watches Tor forums and paste sites for leaked data and alerts the organisations "
        "whose people appear in it.\n\n"
        "Start with:  [bold]vigie demo[/]  (a private Tor network, an onion forum, alerts, in about a minute)\n\n"
        "Every command takes --config DIR (or $VIGIE_CONFIG, default ./config) and --data-dir DIR "
        "(or $VIGIE_DATA, default ./data)."
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    cls=_VigieGroup,
)


def _version(value: bool) -> None:
    if value:
        print(f"vigie {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    log_level: Annotated[str, typer.Option("--log-level", envvar="VIGIE_LOG_LEVEL",
                                           help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    log_json: Annotated[bool, typer.Option("--log-json", envvar="VIGIE_LOG_JSON",
                                           help="Write logs as one JSON object per line (for production).")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    from vigie.log import setup_logging  # loguru and the redaction patterns: not needed for `--help`

    setup_logging(log_level, log_json)


def _register_commands() -> tuple[ModuleType, ...]:
    """Import the command modules: each registers its commands on `app` as it loads.

    Imported here, not at the top of this module, because each does `from vigie.cli import app`,
    so `app` must exist first. The order in --help is `_HELP_ORDER`, not this import order.
    """
    from vigie.cli import (
        alerts_cmd,
        audit_cmd,
        config_cmd,
        crawl,
        demo,
        doctor,
        hash_cmd,
        leak_export,
        leak_pack,
        leaks_cmd,
        org,
        scan,
        search,
        serve,
        service,
        source_cmd,
        source_cookies,
        users_cmd,
        victims_cmd,
        worker_cmd,
    )

    return (alerts_cmd, audit_cmd, config_cmd, crawl, demo, doctor, hash_cmd, leak_export, leak_pack, leaks_cmd, org,
            scan, search, serve, service, source_cmd, source_cookies, users_cmd,
            victims_cmd, worker_cmd)


_COMMAND_MODULES = _register_commands()


def main() -> None:
    # Whatever the caller's umask, nothing Vigie creates is readable by other local users; files
    # and directories also get explicit 0600/0700 modes where they are created.
    os.umask(0o077)
    harden_process()  # no core dump of Vigie or its children: it would hold the keys and the pages
    hold_secret_env()  # no program a library starts gets the keys in its environment
    app()
