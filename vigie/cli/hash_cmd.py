"""`vigie hash`: the organisation-side tool. Needs no config, no key, no server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, err_console, fail
from vigie.core.files import open_private

__all__ = ["hash_identifiers"]


@app.command("hash")
def hash_identifiers(
    input_file: Annotated[Path, typer.Argument(
        metavar="INPUT", help="CSV with a header, or text with one identifier per line.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Where to write `type,prehash` lines (default: stdout).")] = None,
    id_type: Annotated[str | None, typer.Option(
        "--type", "-t",
        help="Identifier type of the values (email, phone, nir, iban, card, siren, siret, rpps, adeli, dob, "
             "national_id; national_id:BE for bare Belgian numbers, also ES, IT, US, GB, CH...).",
    )] = None,
    column: Annotated[str | None, typer.Option(
        "--column", help="CSV column to read: header name or 1-based number.")] = None,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Write rejected lines here as `line,type,reason` (values are not copied).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0: one per CPU).")] = 0,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Pre-hash your identifiers locally, for `vigie org register` (no key, no server, no config).

    Each value is canonicalised exactly as Vigie's extractor does it, then written as
    `type,SHA256("v1|type|canonical")` in hex. Only this output leaves your machine: send it to
    the Vigie operator over an encrypted channel. Invalid values (a NIR with a bad key, a phone
    that does not parse) are counted and listed in --rejects by line number. --config and
    --data-dir are accepted for uniformity and ignored.

    Example:  vigie hash patients.csv -o prehashes.csv --rejects rejects.csv
    """
    from alerts.hashing import HashError, hash_file

    del config, data_dir  # runs on the organisation's machine: nothing of Vigie's is needed
    if not input_file.is_file():
        fail(f"input file {input_file} does not exist or is not a file")
    # 0600, and never through another user's file or link: pre-hashes of phone numbers or NIRs
    # are found again by hashing every candidate
    try:
        out = open(open_private(output), "w", encoding="ascii", newline="") if output else sys.stdout
        rej = open(open_private(rejects), "w", encoding="utf-8", newline="") if rejects else None
    except OSError as exc:  # PrivateFileError included: it says why and what to do
        fail(f"cannot write {exc.filename or output or rejects}: {exc.strerror or exc}")
    show = not quiet and err_console.is_terminal or (not quiet and output is not None)
    try:
        out.write("type,prehash\n")
        with Progress(TextColumn("hashing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                      console=err_console, disable=not show, transient=False) as progress:
            task = progress.add_task("hash", total=input_file.stat().st_size)
            stats = hash_file(input_file, out, rej, id_type=id_type, column=column,
                              on_bytes=lambda n: progress.advance(task, n),
                              jobs=jobs or os.cpu_count() or 1)
    except HashError as exc:
        fail(str(exc))
    finally:
        if output:
            out.close()
        if rej:
            rej.close()
    if not quiet:
        by_type = ", ".join(f"{t}: {n}" for t, n in sorted(stats.by_type.items())) or "none"
        err_console.print(
            f"{stats.lines} lines, {stats.values} values: {stats.values - stats.rejected} accepted "
            f"({by_type}), {stats.rejected} rejected"
            + (f" (see {rejects})" if rejects and stats.rejected else "")
            + f"; {stats.written} pre-hashes written" + (f" to {output}" if output else ""),
            highlight=False,
        )
