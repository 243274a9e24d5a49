"""`vigie search`, `vigie stats` and `vigie reveal`: what analysts use to look at the index.

Search never needs the data key: it shows redacted excerpts, counts and provenance. Searching by
identifier needs the match key, because the value is canonicalised and tokenised locally and
only the token is sent to the store; it is a lookup of a person, so it is audited (who, the
identifier types, the keyed tokens, the result count; never the value). Reveal needs the data
key *and* the right to reveal: the OS user running the command must be listed in vigie.yaml's
`access.analysts` with `may_reveal: true`. Every reveal attempt, refused ones included, is
written to the chained audit log `<data-dir>/audit.log` (`vigie audit verify` checks it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, err_console, fail, require_keys, runtime, shown
from vigie.core.text import json_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from indexer.audit import AuditLog
    from indexer.models import StoredFragment
    from indexer.store import FragmentStore
    from vigie.runtime import Runtime

__all__ = ["EXIT_FORBIDDEN", "parse_since", "reveal_cmd", "search", "stats"]

EXIT_FORBIDDEN = 4
_SEV_STYLE = {"low": "dim", "medium": "yellow", "high": "bold red", "critical": "bold white on red"}


def parse_since(text: str) -> datetime:
    """`2026-03-01`, `2026-03-01T12:00`, or a relative age: `90m`, `6h`, `7d`, `2w`."""
    from vigie.config.schema import parse_interval

    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return datetime.now(UTC) - parse_interval(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is neither a date (2026-03-01, 2026-03-01T12:00) nor an age (6h, 7d, 2w)") from None


def _audit_log(data_dir: Path) -> AuditLog:
    from indexer.audit import AUDIT_FILE, AuditLog
    from vigie import wiring
    return AuditLog(wiring.ensure_data_dir(data_dir) / AUDIT_FILE)


def _expand_stdin(specs: list[str]) -> list[str]:
    """`TYPE:-` stands for the values read from stdin, one a line, all of that TYPE.

    Why: a value written on the command line (`-i email:jane@example.org`) can be read by every
    local user for as long as the command runs (`ps`, /proc/<pid>/cmdline) and stays in the
    shell's history: the person looked up is disclosed to whoever shares the machine, while the
    store and the audit log keep only keyed tokens. Such a value is still accepted, with a
    warning pointing here; the web app takes it by POST for the same reason."""
    out: list[str] = []
    stdin_lines: list[str] | None = None
    for spec in specs:
        id_type, sep, raw = spec.partition(":")
        if sep and raw == "-":
            if stdin_lines is None:
                stdin_lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
            if not stdin_lines:
                fail(f"--identifier {id_type}:- reads the values from stdin, and stdin held none")
            out += [f"{id_type}:{value}" for value in stdin_lines]
        else:
            if sep and raw:
                err_console.print(f"[yellow]warning:[/] the {escape(id_type)} value is on the command line, "
                                  "where other local users can read it (ps) and the shell keeps it: pipe it in "
                                  f"with -i {escape(id_type)}:- instead")
            out.append(spec)
    return out


def _query_identifiers(rt: Runtime, text: str) -> tuple[str | None, dict[str, list[str]]]:
    """The words to send, and the tokens per type of the identifiers typed among them
    (`indexer.search_terms`): searched by token and audited, never sent as words."""
    from indexer.search_terms import QueryIdentifierError, split_identifiers
    from indexer.tokens import token

    try:
        words, found = split_identifiers(text)
    except QueryIdentifierError as exc:
        fail(f"{exc}. Search a person by identifier, the value read from stdin: "
             "printf '%s\\n' VALUE | vigie search -i TYPE:-  (TYPE: email, phone, iban, card, nir...)")
    if not found:
        return words, {}
    require_keys(rt)
    kinds = ", ".join(sorted(found))
    err_console.print(f"[yellow]warning:[/] the query holds {escape(kinds)} identifier(s): searched by keyed "
                      "token (and audited), never sent as words. It is on the command line, where other local "
                      f"users can read it (ps) and the shell keeps it: pipe it in with -i {escape(min(found))}:- "
                      "instead")
    return words, {kind: list(dict.fromkeys(token(rt.match_key, kind, f).hex() for f in forms))
                   for kind, forms in found.items()}


def _identifier_tokens(rt: Runtime, specs: list[str]) -> tuple[dict[str, list[str]], str | None]:
    """Tokens per identifier type (what the store is queried with, and what the audit records),
    and the one type when all specs share it (the store then narrows the match to it)."""
    from indexer.identifiers import IdentifierError, canonical_forms
    from indexer.tokens import token

    require_keys(rt)
    by_type: dict[str, list[str]] = {}
    for spec in _expand_stdin(specs):
        id_type, sep, raw = spec.partition(":")
        if not sep or not raw:
            fail(f"--identifier {spec!r}: write TYPE:VALUE, e.g. email:jean.dupont@exemple.fr")
        try:
            forms = canonical_forms(id_type.strip().lower(), raw.strip())
        except IdentifierError as exc:
            fail(f"--identifier {spec!r}: {exc}")
        if not forms:
            fail(f"--identifier {spec!r}: not a valid {id_type} (it would never be found in a dump)")
        kind = id_type.strip().lower()
        tokens = by_type.setdefault(kind, [])
        tokens.extend(t for t in (token(rt.match_key, kind, f).hex() for f in forms) if t not in tokens)
    return by_type, (next(iter(by_type)) if len(by_type) == 1 else None)


def _open(rt: Runtime) -> FragmentStore:
    """The store, for reading: an embedded store that does not exist is an error here (opening
    it would create an empty one, and the analyst would search the wrong place in silence)."""
    from vigie import wiring
    storage = rt.config.global_config.storage
    if storage.backend == "embedded":
        path = Path(storage.embedded.path or rt.data_dir / "store.sqlite3").expanduser()
        if not path.exists():
            fail(f"no store at {path.resolve()}: nothing was indexed there yet; "
                 "check --data-dir / VIGIE_DATA (or storage.embedded.path)")
    return wiring.open_store(rt.config, rt.data_dir)


@app.command("search")
def search(
    query: Annotated[str | None, typer.Argument(
        help="Words that must all appear in the redacted excerpt, thread title or author. An identifier "
        "in them (an address, a phone number, an IBAN...) is searched by keyed token, never sent as words; "
        "better still, pipe it in with -i TYPE:- (here it is on the command line, readable in `ps`).")] = None,
    identifier: Annotated[list[str], typer.Option(
        "--identifier", "-i", metavar="TYPE:VALUE",
        help="Find fragments holding this identifier (tokenised locally; repeatable). TYPE:- reads the "
        "values from stdin, one a line, keeping them out of `ps` and the shell history.")
    ] = [],  # noqa: B006
    source: Annotated[list[str], typer.Option(
        "--source", "-s", help="Only this source (repeatable).")] = [],  # noqa: B006
    severity: Annotated[list[str], typer.Option(
        "--severity", help="Only this severity: low, medium, high, critical (repeatable).")] = [],  # noqa: B006
    min_severity: Annotated[str | None, typer.Option("--min-severity", help="This severity or worse.")] = None,
    category: Annotated[list[str], typer.Option(
        "--category", help="Article 9 category, e.g. health (repeatable).")] = [],  # noqa: B006
    since: Annotated[str | None, typer.Option(
        "--since", help="Posted (else fetched) at or after: 2026-03-01 or an age like 7d.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Posted (else fetched) before this date.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Results per page.")] = 20,
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="Page number (newest first).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per fragment (no ciphertext).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Search stored fragments by words, identifier, source, severity, category and date.

    Shows redacted excerpts only; `vigie reveal ID` shows a fragment's raw text (audited).

    Example:  echo jean.dupont@exemple.fr | vigie search --identifier email:- --since 30d
    """
    from indexer.documents import public_dict
    from indexer.models import Severity
    from indexer.store import SearchQuery

    rt = runtime(config, data_dir)
    try:
        sevs = tuple(Severity.parse(s) for s in severity)
        min_sev = Severity.parse(min_severity) if min_severity else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    by_type, token_type = _identifier_tokens(rt, identifier) if identifier else ({}, None)
    if query and query.strip():
        query, in_query = _query_identifiers(rt, query)
        for kind, found in in_query.items():
            by_type.setdefault(kind, []).extend(t for t in found if t not in by_type[kind])
        token_type = next(iter(by_type)) if len(by_type) == 1 else None
    tokens = tuple(dict.fromkeys(t for ts in by_type.values() for t in ts))
    q = SearchQuery(text=query, tokens=tokens, token_type=token_type, sources=tuple(source),
                    severities=sevs, min_severity=min_sev, categories=tuple(category),
                    since=parse_since(since) if since else None,
                    until=parse_since(until) if until else None,
                    offset=(page - 1) * limit, limit=limit)
    store = _open(rt)
    try:
        result = store.search(q)
    finally:
        store.close()
    if by_type:
        _audit_identifier_search(rt, by_type, result.total)
    if as_json:
        for doc in result.hits:
            print(json_text(public_dict(doc)))
        return
    if not result.hits:
        console.print(f"no fragment matches ({result.total} in total for this query; page {page})")
        return
    pages = max(1, -(-result.total // limit))
    title = f"{result.total} fragment(s) · page {page}/{pages}"
    if console.width < _TABLE_MIN_WIDTH:
        _print_stacked(title, result.hits)
        return
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for col, kw in (("id", {"overflow": "fold", "max_width": 18}), ("when", {"no_wrap": True}),
                    ("source", {}), ("severity", {}), ("kind / lines", {}),
                    ("identifiers", {}), ("art. 9", {}), ("excerpt", {"max_width": 60})):
        table.add_column(col, **kw)
    for doc in result.hits:
        f = _Shown.of(doc)
        table.add_row(doc.id, f.when, shown(doc.source), f.severity, f.kind_lines, f.identifiers, f.categories,
                      shown(doc.excerpt[:200], lines=True))
    console.print(table)


# Below this many columns the eight-column table folds every cell into slivers (a 64-character id
# over 11 lines at 80 columns): each hit is printed as a block instead, its id whole on one line.
_TABLE_MIN_WIDTH = 120


@dataclass(frozen=True)
class _Shown:
    """A hit's short fields as both layouts print them (one reading, so the two cannot drift)."""

    when: str
    severity: str
    kind_lines: str
    identifiers: str
    categories: str

    @classmethod
    def of(cls, doc: StoredFragment) -> _Shown:
        from indexer.models import Severity

        when = doc.posted_at or doc.fetched_at
        sev = Severity(doc.severity).name
        return cls(
            when=when.strftime("%Y-%m-%d %H:%M") if when else "?",
            severity=f"[{_SEV_STYLE[sev]}]{sev}[/]",
            kind_lines=f"{doc.kind} {doc.start_line}-{doc.end_line}",
            identifiers=", ".join(f"{t} {n}" for t, n in doc.counts.items()) or "-",
            categories=", ".join(doc.categories) or "-",
        )


def _print_stacked(title: str, hits: Sequence[StoredFragment]) -> None:
    console.print(title)
    for doc in hits:
        f = _Shown.of(doc)
        console.print()
        console.print(f"[bold]{doc.id}[/]", soft_wrap=True)
        console.print(f"  {f.when} · {shown(doc.source)} · {f.severity} · {f.kind_lines}")
        console.print(f"  identifiers: {f.identifiers}")
        console.print(f"  art. 9: {f.categories}")
        for line in shown(doc.excerpt[:200], lines=True).splitlines()[:6]:
            console.print(f"  [dim]│[/] {line}", overflow="ellipsis", no_wrap=True)


def _audit_identifier_search(rt: Runtime, by_type: dict[str, list[str]], total: int) -> None:
    """A lookup of a person is recorded before its results are shown: who (the OS user, and the
    analyst it is configured as), the identifier types and keyed tokens, the result count. The
    tokens let an auditor holding the match key answer "who looked this person up?" without the
    log ever holding the value or a canonical form of it."""
    from indexer.audit import current_os_user
    from indexer.reveal import analyst_for

    user = current_os_user()
    analyst = analyst_for(rt.config.global_config.access, user)
    _audit_log(rt.data_dir).append("identifier_search", {
        "user": user, "analyst": analyst.name if analyst else None,
        "identifiers": [{"type": kind, "tokens": tokens} for kind, tokens in sorted(by_type.items())],
        "results": total,
    })


@app.command("stats")
def stats(
    source: Annotated[list[str], typer.Option(
        "--source", "-s", help="Only this source (repeatable).")] = [],  # noqa: B006
    since: Annotated[str | None, typer.Option(
        "--since", help="Posted (else fetched) at or after: a date or an age like 30d.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object with every aggregation.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Count stored fragments per source, severity, day, kind and article 9 category.

    Example:  vigie stats --since 30d
    """
    from dataclasses import asdict

    from indexer.models import Severity
    from indexer.store import SearchQuery

    rt = runtime(config, data_dir)
    store = _open(rt)
    try:
        agg = store.aggregations(SearchQuery(sources=tuple(source),
                                             since=parse_since(since) if since else None))
    finally:
        store.close()
    if as_json:
        print(json_text(asdict(agg)))
        return
    console.print(f"[bold]{agg.total}[/] fragment(s)")
    order = {s.name: s.value for s in Severity}
    sections = [
        ("per source", sorted(agg.per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        ("per severity", sorted(agg.per_severity.items(), key=lambda kv: -order.get(kv[0], 0))),
        ("per kind", sorted(agg.per_kind.items(), key=lambda kv: (-kv[1], kv[0]))),
        ("per article 9 category", sorted(agg.per_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        ("per day", sorted(agg.per_day.items())),
    ]
    for title, rows in sections:
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        table.add_column("key")
        table.add_column("fragments", justify="right")
        for key, n in rows:
            table.add_row(str(key), str(n))
        console.print(table)


@app.command("reveal")
def reveal_cmd(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Fragment id (from `vigie search`).")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why you need the raw text (goes to the audit log).")],
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Decrypt and print one fragment's raw text, for analysts allowed to; every attempt is audited.

    Allowed: the OS user running this is listed in vigie.yaml's access.analysts with
    may_reveal: true. The audit record (who, when, id, reason, outcome; never the text) is
    appended to the chained <data-dir>/audit.log before anything is printed; refusals too.

    Example:  vigie reveal 3f1c...e9 --reason "ticket SEC-42: confirm before notifying"
    """
    from indexer.audit import current_os_user
    from indexer.reveal import RevealRefused, authorize_reveal, reveal

    rt = runtime(config, data_dir)
    audit = _audit_log(data_dir)
    try:
        grant = authorize_reveal(rt.config.global_config.access, current_os_user(), doc_id=doc_id.strip(),
                                 reason=reason, audit=audit)
    except RevealRefused as exc:
        fail(escape(str(exc)), EXIT_FORBIDDEN)
    require_keys(rt, match=False, data=True)
    store = _open(rt)
    try:
        out = reveal(store, rt.data_key, doc_id.strip(), grant=grant, reason=reason, audit=audit)
    finally:
        store.close()
    doc = out.doc
    err_console.print(f"[dim]fragment {doc.id} · {doc.source} · {shown(doc.url)} · lines "
                      f"{doc.start_line}-{doc.end_line} · revealed to {grant.analyst}, audited[/]")
    # the dump as it was posted; on a terminal, its control characters are not the terminal's commands
    print(shown(out.text, "", lines=True, markup=False) if sys.stdout.isatty() else out.text)
