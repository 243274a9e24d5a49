"""`vigie audit verify` and `vigie audit show`: check and read the analysts' audit log.

The log (`<data-dir>/audit.log`, written by `vigie reveal` and `vigie search --identifier`) is a
hash chain (see `indexer.audit`): verify walks it and names the first broken record. Neither
command needs the configuration or the keys, so an auditor can check a copy of the data
directory anywhere; `--data-dir` is all they take.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vigie.cli import app
from vigie.cli.common import EXIT_FAILURE, DataDir, console, err_console, fail, shown
from vigie.core.text import json_text

__all__ = ["audit_app", "show", "verify"]

audit_app = typer.Typer(help="The analysts' audit log (reveals, identifier searches).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

_ANCHOR = re.compile(r"^(\d+):([0-9a-fA-F]{64})$")


def _log_path(data_dir: Path) -> Path:
    from indexer.audit import AUDIT_FILE
    path = data_dir / AUDIT_FILE
    if not path.is_file():
        fail(f"no audit log at {path.resolve()}: nothing was revealed or looked up there yet; "
             "check --data-dir / VIGIE_DATA")
    return path


@audit_app.command("verify")
def verify(
    anchor: Annotated[str | None, typer.Option(
        "--anchor", metavar="SEQ:HASH",
        help="A head printed by an earlier verify and kept elsewhere: record SEQ must still hash to HASH.")
    ] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Check that the audit log's hash chain is intact; exit 1 and name the first broken record if not.

    Detected: an edited, deleted, reordered or inserted record, and a partly written last record.
    Whole records cut from the end, or a rewrite of the whole file, are only detected against an
    --anchor kept elsewhere (the chain has no key); keep the head this command prints.

    Example:  vigie audit verify --data-dir /var/lib/vigie --anchor 41:9f2c...e0
    """
    from indexer.audit import verify_chain
    pinned: tuple[int, str] | None = None
    if anchor is not None:
        match = _ANCHOR.match(anchor.strip())
        if not match:
            raise typer.BadParameter(f"{anchor!r}: write SEQ:HASH as printed by `vigie audit verify`, e.g. "
                                     "41:" + "0" * 64, param_hint="--anchor")
        pinned = (int(match.group(1)), match.group(2))
    path = _log_path(data_dir)
    verdict = verify_chain(path, anchor=pinned)
    if verdict.broken is not None:
        err_console.print(f"[bold red]broken:[/] {escape(str(path))} line {verdict.broken.line}: "
                          f"{escape(verdict.broken.problem)}", highlight=False)
        err_console.print(f"the {verdict.records} record(s) before it are intact; keep the file as evidence")
        raise typer.Exit(EXIT_FAILURE)
    console.print(f"[green]intact:[/] {verdict.records} record(s) in {escape(str(path))}", highlight=False)
    console.print(f"head (keep it elsewhere, pass it later as --anchor): {verdict.head_seq}:{verdict.head_hash}",
                  highlight=False)


@audit_app.command("show")
def show(
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as stored, one JSON object a line.")
                       ] = False,
    data_dir: DataDir = Path("data"),
) -> None:
    """Print the audit log readably: when, who, what, on which document or identifier types, outcome.

    It does not check the chain; run `vigie audit verify` for that.

    Example:  vigie audit show --data-dir /var/lib/vigie
    """
    from indexer.audit import read_records
    for n, record in read_records(_log_path(data_dir)):
        if record is None:
            console.print(f"[red]line {n}: not a JSON record[/]")
            continue
        if as_json:
            print(json_text(record, sort_keys=True))
            continue
        who = record.get("user")
        if record.get("analyst") not in (None, who):
            who = f"{who} ({record.get('analyst')})"
        if record.get("event") == "identifier_search":
            kinds = record.get("identifiers")
            what = "identifier search: " + ", ".join(
                str(k.get("type")) for k in (kinds if isinstance(kinds, list) else []) if isinstance(k, dict))
            what += f" -> {record.get('results')} result(s)"
        else:
            what = f"{record.get('event')} {record.get('doc_id')} -> {record.get('outcome')}"
            if record.get("reason"):
                what += f" (reason: {record.get('reason')})"
        # who, the document id and the reason are what a web user sent (an analyst without a shell
        # here): on the operator's terminal, text only (shown), on one line
        console.print(f"{record.get('seq')!s:>5} {shown(str(record.get('ts')))} {shown(str(who))}: {shown(what)}",
                      highlight=False)
