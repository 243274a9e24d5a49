"""The `vigie` command line: one entry point for operators, analysts and organisations.

Each area registers its commands from its own module (config_cmd, scan, search, crawl, org,
alerts_cmd, service); this module only builds the app and the global options.
"""

from __future__ import annotations

from typing import Annotated

import typer

from vigie import __version__
from vigie.log import setup_logging

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
    setup_logging(log_level, log_json)


# Command modules register themselves on `app` when imported.
from vigie.cli import demo, service, crawl, doctor, scan, search, hash_cmd, org, alerts_cmd, config_cmd  # noqa: E402,F401,I001 - order = order in --help


def main() -> None:
    app()
