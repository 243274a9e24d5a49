"""`vigie scan`: run the detection engine on local files or stdin, for operators and analysts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli import app
from vigie.cli.common import EXIT_FAILURE, ConfigDir, DataDir, console, err_console, fail, require_keys, runtime, shown
from vigie.core.text import json_text

__all__ = ["fragment_json", "scan"]


def fragment_json(frag: object, reveal: bool = False, path: str | None = None) -> dict[str, object]:
    """The stable JSON form of one fragment (field names are relied on by other tools)."""
    from indexer.models import Fragment

    assert isinstance(frag, Fragment)
    idents = []
    for ident in frag.identifiers:
        item: dict[str, object] = {"type": ident.type, "token": ident.token.hex()}
        if reveal:
            item["value"] = ident.value
        idents.append(item)
    out: dict[str, object] = {
        "kind": frag.kind,
        "start_line": frag.start_line,
        "end_line": frag.end_line,
        "severity": frag.severity.name,
        "sensitive": [{"category": f.category, "evidence": f.evidence} for f in frag.sensitive],
        "identifiers": idents,
    }
    if path is not None:
        out["path"] = path
    return out


@app.command("scan")
def scan(
    paths: Annotated[list[str], typer.Argument(metavar="PATH|-", help="Files to scan, or - for stdin.")],
    as_json: Annotated[bool, typer.Option(
        "--json",
        help="One JSON object per fragment (kind, start_line, end_line, severity, sensitive, identifiers).",
    )] = False,
    reveal: Annotated[bool, typer.Option(
        "--reveal", help="Add each identifier's canonical value to --json output (local analysis only).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Find leaked-data fragments in files or stdin: kind, lines, identifiers, article 9 flags, severity.

    Archives (zip, 7z, tar, gz, bz2, xz) and Excel and OpenDocument workbooks are opened as a crawl opens an
    attachment, within the same limits (the defaults of a source's `attachments:`): each file or
    sheet is scanned and named `PATH/member`.

    Needs the match key (tokens are keyed); nothing is stored. Exit code 0 whether or not
    fragments are found; 1 when a file cannot be read (or an archive is corrupt or over a limit, or
    one of its members is: the other files and members are still scanned).

    Example:  vigie scan dump.csv post.html leak.zip export.xlsx --json | jq .severity
    """
    from crawler.attachments import UNPACKED_TYPES, AttachmentError, expand_attachment, extension_of
    from indexer.detect import detect
    from vigie.config.schema import AttachmentLimits

    rt = runtime(config, data_dir)
    require_keys(rt)
    key = rt.match_key
    limits = AttachmentLimits()
    inputs: list[tuple[str, bytes, str | None]] = []  # (label, bytes, file name)
    unread = 0  # files or members that could not be read: said on stderr, the others still scanned, exit 1
    for p in paths:
        if p == "-":
            inputs.append((p, sys.stdin.buffer.read(), None))
            continue
        path = Path(p)
        if not path.is_file():
            fail(f"cannot scan {p}: not a file (pass a file path, or - for stdin)")
        data = path.read_bytes()
        if extension_of(path.name) not in UNPACKED_TYPES:
            inputs.append((p, data, path.name))
            continue
        skipped: list[AttachmentError] = []
        try:
            files = expand_attachment(path.name, data, limits, skipped)
        except AttachmentError as exc:  # it quotes the archive's member names: what the dump's author chose
            unread += 1
            err_console.print(f"[bold red]error:[/] cannot scan {shown(p)}: {shown(str(exc))}", highlight=False)
            continue
        for part in skipped:
            unread += 1
            err_console.print(f"[bold red]error:[/] {shown(p)}: a part was not read: {shown(str(part))}",
                              highlight=False)
        inputs += [(p + f.filename[len(path.name):], f.data, f.filename) for f in files]
    for p, data, name in inputs:
        frags = detect(data, key=key, filename=name)
        if as_json:
            label = p if len(inputs) > 1 or len(paths) > 1 else None  # named whenever several were given
            for f in frags:
                sys.stdout.write(json_text(fragment_json(f, reveal, label)) + "\n")
            continue
        # a member's name is the archive author's: text, never markup or a terminal control
        label = shown(p if p != "-" else "<stdin>")
        if not frags:
            console.print(f"{label}: no fragment found", highlight=False, soft_wrap=True)
            continue
        console.print(f"[bold]{label}[/]: {len(frags)} fragment(s)", highlight=False, soft_wrap=True)
        for f in frags:
            counts = ", ".join(f"{t} {n}" for t, n in f.counts().items())
            cats = ", ".join(f.categories()) or "none"
            console.print(f"  {f.kind:<12} lines {f.start_line}-{f.end_line}  severity [bold]{f.severity.name}[/]"
                          f"  identifiers: {counts}  article 9: {cats}", highlight=False, soft_wrap=True)
    if reveal and not as_json:
        typer.echo("(--reveal only applies to --json output)", err=True)
    if unread:
        raise typer.Exit(EXIT_FAILURE)
