"""`vigie scan`: run the detection engine on local files or stdin, for operators and analysts."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigie.cli import EXIT_CONFIG, app
from vigie.cli.common import EXIT_FAILURE, ConfigDir, DataDir, console, err_console, fail, require_keys, runtime, shown
from vigie.core.text import json_text

if TYPE_CHECKING:
    from indexer.detect.parallel import DetectPool
    from indexer.models import Fragment
    from indexer.tokens import MatchKey

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
    passwords_file: Annotated[str | None, typer.Option(
        "--passwords-file", metavar="FILE|-",
        help="Passwords to try on the encrypted zips (ZipCrypto) and 7z given, as posted beside them: one a line "
             "in FILE, or - for stdin; the first 4 tried, each once per archive. Never logged.")] = None,
    passwords: Annotated[list[str] | None, typer.Option(
        "--password", metavar="TEXT",
        help="Deprecated (the command line is readable by every local user and kept by the shell): use "
             "--passwords-file. A password to try, repeatable.")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Find leaked-data fragments in files or stdin: kind, lines, identifiers, article 9 flags, severity.

    Archives (zip, 7z, tar, gz, bz2, xz), Excel and OpenDocument workbooks, documents (docx, odt, pdf,
    rtf) and SQLite databases are opened as a crawl opens an attachment, within the same limits (the
    defaults of a source's `attachments:`): each file, sheet, table, document part or PDF page (and
    file a PDF embeds) is scanned and named `PATH/member` (`report.pdf/page-3.txt`). A file (or
    stdin) over 8 MiB is read whole in record-aligned chunks on every core, in bounded memory:
    gigabytes are fine. A line over
    1,000,000 characters (not an SQL INSERT) is read to that size only, and said. Detection of one
    input (or one chunk of a big one) stops after 10,000 fragments, 5,000,000 identifiers or 20 s of
    CPU: the rest is not read, and said (exit 1).

    An encrypted zip or 7z is opened with the passwords of `--passwords-file` (the password posted
    beside the leak; one a line, `-` for stdin), each tried once per archive; one none of them opens
    is not read (exit 1).

    Needs the match key (tokens are keyed); nothing is stored. Exit code 0 whether or not
    fragments are found; 1 when a file cannot be read whole (or an archive is corrupt or over a
    limit, or one of its members is: the other files and members are still scanned).

    Example:  vigie scan dump.csv post.html leak.zip export.xlsx report.pdf --json | jq .severity
    Example:  printf '%s\\n' leakforum2024 | vigie scan leak.zip --passwords-file -
    """
    from crawler.attachments import UNPACKED_TYPES, AttachmentError, LinesTooLong, expand_attachment, file_kind
    from vigie.config.schema import AttachmentLimits

    candidates = _passwords(passwords_file, passwords or [], paths)
    rt = runtime(config, data_dir)
    require_keys(rt)
    limits = AttachmentLimits()
    inputs: list[tuple[str, _Input, str | None]] = []  # (label, bytes or a file to stream, file name)
    unread = 0  # files or members that could not be read: said on stderr, the others still scanned, exit 1
    for p in paths:
        if p == "-":
            inputs.append((p, _stdin_input(), None))
            continue
        path = Path(p)
        if not path.is_file():
            fail(f"cannot scan {p}: not a file (pass a file path, or - for stdin)")
        if file_kind(path) not in UNPACKED_TYPES:  # (its bytes decide: a zip named .jpg is unpacked)
            inputs.append((p, path, path.name))  # read when scanned: streamed when big
            continue
        size = path.stat().st_size
        if size > limits.max_bytes:  # refused before reading it whole (expand_attachment would)
            unread += 1
            err_console.print(f"[bold red]error:[/] cannot scan {shown(p)}: {size} bytes > "
                              f"attachments.max_bytes={limits.max_bytes}: an archive is unpacked in memory; "
                              "unpack it and scan its files", highlight=False)
            continue
        skipped: list[AttachmentError] = []
        try:
            files = expand_attachment(path.name, path.read_bytes(), limits, skipped, passwords=candidates)
        except AttachmentError as exc:  # it quotes the archive's member names: what the dump's author chose
            unread += 1
            err_console.print(f"[bold red]error:[/] cannot scan {shown(p)}: {shown(str(exc))}", highlight=False)
            continue
        for part in skipped:
            if isinstance(part, LinesTooLong):
                continue  # said of the part when it is scanned, as of any input
            unread += 1
            err_console.print(f"[bold red]error:[/] {shown(p)}: a part was not read: {shown(str(part))}",
                              highlight=False)
        inputs += [(p + f.filename[len(path.name):], f.data, f.filename) for f in files]
    scanner = _Scanner(rt.match_key)
    try:
        for p, source, name in inputs:
            label = p if len(inputs) > 1 or len(paths) > 1 else None  # named whenever several were given
            unread += scanner.scan(p, source, name, label if as_json else None, as_json, reveal)
    finally:
        scanner.close()
    if reveal and not as_json:
        typer.echo("(--reveal only applies to --json output)", err=True)
    if unread:
        err_console.print(f"[bold red]error:[/] {unread} file(s) or part(s) not read whole (said above)",
                          highlight=False)
        raise typer.Exit(EXIT_FAILURE)


def _passwords(path: str | None, given: list[str], paths: list[str]) -> list[str]:
    """The archive passwords: `--passwords-file` (a file, or `-` for stdin, a hidden prompt on a
    terminal) first, then the deprecated `--password` values, which every local user could read
    in the process list (and the shell's history kept): said on stderr, never the value
    (attacker's review, round 15)."""
    out: list[str] = []
    if path is not None:
        if path == "-" and "-" in paths:
            fail("--passwords-file - and a PATH - both read stdin: put the passwords in a file "
                 "(or pipe the text and give the passwords in a file)", EXIT_CONFIG)
        try:
            if path == "-" and sys.stdin.isatty():  # typed: not echoed, one password
                text = typer.prompt("Archive password", hide_input=True, err=True)
            else:
                text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            fail(f"cannot read the passwords file {path} ({why}): one password a line, or - for stdin", EXIT_CONFIG)
        out += [line.rstrip("\r") for line in text.split("\n") if line.rstrip("\r")]
    if given:
        err_console.print("[bold yellow]warning:[/] --password puts the password on the command line, where other "
                          "local users can read it (ps) and the shell keeps it: use --passwords-file FILE (or - "
                          "for stdin) instead", highlight=False)
        out += given
    return out


_Input = bytes | Path | Iterator[bytes]
_BLOCK = 1 << 20


def _stdin_input() -> bytes | Iterator[bytes]:
    """Standard input: its bytes when small, else its blocks (streamed like a big file)."""
    from indexer.detect.parallel import DEFAULT_THRESHOLD_BYTES

    head = sys.stdin.buffer.read(DEFAULT_THRESHOLD_BYTES + 1)
    if len(head) <= DEFAULT_THRESHOLD_BYTES:
        return head
    rest = iter(lambda: sys.stdin.buffer.read(_BLOCK), b"")
    return itertools.chain([head], rest)


class _Scanner:
    """Detects each input: one `detect()` call when small, else `detect_stream` on a pool of
    every core started once for the command (a file of gigabytes is read in record-aligned
    chunks, memory bounded by the chunks in flight, never cut), and prints its fragments."""

    def __init__(self, key: MatchKey) -> None:
        self.key = key
        self.pool: DetectPool | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def scan(self, p: str, source: _Input, name: str | None, label: str | None, as_json: bool,
             reveal: bool) -> int:
        """Scan one input and print what was found; 1 when part of it was not read (said on
        stderr), else 0."""
        from concurrent.futures.process import BrokenProcessPool

        from crawler.attachments import long_lines_said, long_lines_text
        from indexer.detect import caps, detect
        from indexer.detect.parallel import DEFAULT_THRESHOLD_BYTES, StreamStats, detect_stream, make_pool

        shown_label = shown(p if p != "-" else "<stdin>")  # a member's name is the archive author's: text only
        stats = StreamStats()
        stopped_before = caps.stopped()  # detections stopped at a cap (the pool's counted here too)
        cut: str | None = None
        count = 0
        streamed = False
        try:
            if isinstance(source, Path) and source.stat().st_size <= DEFAULT_THRESHOLD_BYTES:
                source = source.read_bytes()
            # (a one-line JSON export of more records than one detect() reads goes in chunks too: all read)
            if isinstance(source, bytes) and len(source) <= DEFAULT_THRESHOLD_BYTES and not caps.json_past_cap(source):
                cut = long_lines_said(source, name)  # detect() reads their head only: said, as the stream's are
                found = detect(source, key=self.key, filename=name)
                if not as_json and found:
                    console.print(f"[bold]{shown_label}[/]: {len(found)} fragment(s)", highlight=False,
                                  soft_wrap=True)
                frags: Iterable[Fragment] = found
            else:
                if self.pool is None:
                    self.pool = make_pool(self.key)
                if not as_json:
                    console.print(f"[bold]{shown_label}[/]: big input, read in chunks on {self.pool.workers} "
                                  "process(es)", highlight=False, soft_wrap=True)
                frags = detect_stream([source] if isinstance(source, bytes) else source, key=self.key,
                                      filename=name, pool=self.pool, stats=stats)
            streamed = not isinstance(frags, list)
            for f in frags:
                count += 1
                self._show(f, label, as_json, reveal)
        except OSError as exc:
            err_console.print(f"[bold red]error:[/] {shown_label}: could not be read whole after {count} "
                              f"fragment(s): {shown(exc.strerror or str(exc))}", highlight=False)
            return 1
        except BrokenProcessPool:
            self.close()  # the next input gets a new pool
            err_console.print(f"[bold red]error:[/] {shown_label}: a detection process died (out of memory?) "
                              f"after {count} fragment(s); the rest of this input was not scanned", highlight=False)
            return 1
        if not as_json and (streamed or not count):
            said = "no fragment found" if not count else f"{count} fragment(s)"
            console.print(f"[bold]{shown_label}[/]: {said}", highlight=False, soft_wrap=True)
        if stats.long_lines:
            cut = long_lines_text(stats.long_lines, stats.bytes_skipped)
        if cut is not None:
            err_console.print(f"[bold red]error:[/] {shown_label}: {cut}", highlight=False)
        stopped = caps.stopped() - stopped_before
        if stopped:
            err_console.print(f"[bold red]error:[/] {shown_label}: {caps.stopped_text(stopped)}", highlight=False)
        return 1 if cut is not None or stopped else 0

    @staticmethod
    def _show(f: Fragment, label: str | None, as_json: bool, reveal: bool) -> None:
        if as_json:
            sys.stdout.write(json_text(fragment_json(f, reveal, label)) + "\n")
            return
        counts = ", ".join(f"{t} {n}" for t, n in f.counts().items())
        cats = ", ".join(f.categories()) or "none"
        console.print(f"  {f.kind:<12} lines {f.start_line}-{f.end_line}  severity "
                      f"[bold]{f.severity.name}[/]  identifiers: {counts}  article 9: {cats}",
                      highlight=False, soft_wrap=True)
