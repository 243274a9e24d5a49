"""Fragments packed as columns to cross a process pool's pipe (`pack`), and rebuilt (`unpack`).

A fragment's identifiers cross the pool's pipe as columns, not as objects: pickling 130 000
`Identifier`s one by one (a 2 MB chunk of a combo list) took 1.0 s in the worker and 0.95 s in
the parent, more than the 0.65 s of detecting them, so the parent could not keep two workers
busy. As columns (the type names repeat and are pickled once; the 16-byte tokens as one
bytes) the worker's side takes 0.17 s, and the parent rebuilds the objects in the compiled
core (0.12 s with unpickling; 0.38 s with the Python engine's slot-filling constructor).
"""

from __future__ import annotations

from itertools import repeat
from typing import NamedTuple

from indexer import engine as _engine
from indexer.models import Fragment, SensitiveFlag, Severity

__all__ = ["PackedFragment", "pack", "unpack"]

_TOKEN_BYTES = 16


class PackedFragment(NamedTuple):
    """A `Fragment` with its identifiers as columns (what crosses the pool's pipe)."""

    kind: str
    start_line: int
    end_line: int
    text: str
    sensitive: list[SensitiveFlag]
    severity: Severity
    excerpt: str
    delimiter: str | None
    size: int  # how many identifiers
    types: list[str]
    values: list[str]
    tokens: bytes | list[bytes]  # one bytes when every token has the usual 16 bytes
    versions: int | list[int]  # one int when they are all the same (always, within one detection)
    starts: list[int | None]
    ends: list[int | None]
    networks: list[str | None] | None  # None when no identifier has one (most fragments)
    countries: list[str | None] | None


def _optional(values: list[str | None]) -> list[str | None] | None:
    return values if any(v is not None for v in values) else None


def pack(frags: list[Fragment]) -> list[PackedFragment]:
    """`frags` in the form that crosses a process boundary cheaply (`unpack` reverses it)."""
    out: list[PackedFragment] = []
    for f in frags:
        idents = f.identifiers
        columns = getattr(idents, "columns", None)
        if columns is not None and len(idents):
            # the compiled core's identifiers (`vigie_native.Identifiers`): their columns as they
            # are, without an `Identifier` object each (a 2 MB chunk of a combo list holds ~130k)
            types, values, tokens, version, starts, ends, networks, countries = columns()
            out.append(PackedFragment(
                f.kind, f.start_line, f.end_line, f.text, f.sensitive, f.severity, f.excerpt, f.delimiter, len(idents),
                types, values, tokens, version, starts, ends, networks, countries))
            continue
        toks = [i.token for i in idents]
        versions = [i.key_version for i in idents]
        out.append(PackedFragment(
            f.kind, f.start_line, f.end_line, f.text, f.sensitive, f.severity, f.excerpt, f.delimiter, len(idents),
            [i.type for i in idents], [i.value for i in idents],
            b"".join(toks) if all(len(t) == _TOKEN_BYTES for t in toks) else toks,
            versions[0] if versions and versions.count(versions[0]) == len(versions) else versions,
            [i.start for i in idents], [i.end for i in idents],
            _optional([i.network for i in idents]), _optional([i.country for i in idents])))
    return out


def unpack(packed: list[PackedFragment]) -> list[Fragment]:
    """The fragments `pack` was given, equal field by field."""
    from indexer.detect import _new_identifier

    core = _engine.core()
    native = getattr(core, "identifiers", None)  # the compiled core fills the slots itself (issue 17)
    out: list[Fragment] = []
    for p in packed:
        if native is not None:
            idents = native(p.types, p.values, p.tokens, p.versions, p.starts, p.ends, p.networks, p.countries)
            out.append(Fragment(p.kind, p.start_line, p.end_line, p.text, idents, p.sensitive, p.severity,
                                p.excerpt, p.delimiter))
            continue
        n = p.size
        toks = p.tokens
        if isinstance(toks, bytes):
            toks = [toks[k:k + _TOKEN_BYTES] for k in range(0, n * _TOKEN_BYTES, _TOKEN_BYTES)]
        versions = repeat(p.versions, n) if isinstance(p.versions, int) else p.versions
        networks = repeat(None, n) if p.networks is None else p.networks
        countries = repeat(None, n) if p.countries is None else p.countries
        idents = list(map(_new_identifier, p.types, p.values, toks, versions, p.starts, p.ends, networks, countries))
        out.append(Fragment(p.kind, p.start_line, p.end_line, p.text, idents, p.sensitive, p.severity, p.excerpt,
                            p.delimiter))
    return out


