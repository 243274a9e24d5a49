"""The data that crosses module boundaries: crawled items in, fragments and stored documents out.

These types are the contract between `crawler/` (produces `CrawledItem`), `indexer/` (turns an item
into `Fragment`s, then into `StoredFragment` documents) and `alerts/` (reads tokens and provenance
from `StoredFragment`). Field names here are stable: the CLI's JSON output and the index mapping
both derive from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Literal, TypedDict, Unpack, get_type_hints

__all__ = [
    "ARTICLE9_CATEGORIES",
    "IDENTIFIER_TYPES",
    "DATETIME_FIELDS",
    "PROVENANCE_FIELDS",
    "CrawledItem",
    "Fragment",
    "Identifier",
    "Provenance",
    "ProvenanceArgs",
    "SensitiveFlag",
    "Severity",
    "StoredFragment",
    "VictimFile",
    "VictimRecord",
    "content_hash",
    "utc",
]

IdentifierType = Literal[
    "email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli",
    "dob", "credential", "password_hash", "name", "address",
]
IDENTIFIER_TYPES: tuple[str, ...] = (
    "email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli",
    "dob", "credential", "password_hash", "name", "address",
)

Article9Category = Literal[
    "health", "sexual_orientation", "sex_life", "religion", "ethnic_origin",
    "political_opinion", "trade_union", "genetic", "biometric",
]
ARTICLE9_CATEGORIES: tuple[str, ...] = (
    "health", "sexual_orientation", "sex_life", "religion", "ethnic_origin",
    "political_opinion", "trade_union", "genetic", "biometric",
)


class Severity(IntEnum):
    """Ordered so that `max()` and `>=` comparisons work. The rules live in `indexer.severity`."""

    low = 1
    medium = 2
    high = 3
    critical = 4

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[value.lower()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; expected one of {', '.join(s.name for s in cls)}"
            ) from None


def content_hash(data: bytes | str) -> str:
    """The id of an item or a fragment: hex SHA-256 of its bytes (UTF-8 for text)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def utc(value: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC (the crawler normalises to UTC); aware ones converted."""
    return None if value is None else _as_utc(value)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where a piece of leaked data was found: the same fields on a crawled item, on the stored
    document and in an alert.

    Every serialiser (the `-o` JSON line, both store backends, the alert payload) iterates over
    `PROVENANCE_FIELDS` rather than naming fields, so a field added here reaches all of them, and
    a step that must treat every field alike (masking identifiers before storage) has one place
    to do it. Datetimes are the only non-text values (see `DATETIME_FIELDS`).
    """

    source: str
    url: str
    thread_url: str | None = None
    thread_title: str | None = None
    board: str | None = None
    author: str | None = None
    posted_at: datetime | None = None
    fetched_at: datetime | None = None
    filename: str | None = None

    def to_json(self, *, zulu: bool = False) -> dict[str, str | None]:
        """Every field, datetimes as ISO 8601 UTC ("+00:00", or "Z" when `zulu`)."""
        out: dict[str, str | None] = {}
        for name in PROVENANCE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, datetime):
                text = _as_utc(value).isoformat()
                value = text.replace("+00:00", "Z") if zulu else text
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provenance:
        """The inverse of `to_json` (absent keys are None; either datetime suffix is accepted)."""
        values: dict[str, Any] = {name: data.get(name) for name in PROVENANCE_FIELDS}
        for name in DATETIME_FIELDS:
            values[name] = utc(datetime.fromisoformat(values[name])) if values[name] else None
        return cls(**values)


PROVENANCE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Provenance))
DATETIME_FIELDS: tuple[str, ...] = tuple(
    name for name, hint in get_type_hints(Provenance).items() if hint == datetime | None)


class ProvenanceArgs(TypedDict, total=False):
    """The fields of `Provenance` as keyword arguments of `CrawledItem`/`StoredFragment`
    (kept equal to the dataclass by tests/test_provenance.py)."""

    source: str
    url: str
    thread_url: str | None
    thread_title: str | None
    board: str | None
    author: str | None
    posted_at: datetime | None
    fetched_at: datetime | None
    filename: str | None


def _provenance(provenance: Provenance | None, where: ProvenanceArgs, owner: str) -> Provenance:
    """`provenance`, with the keyword fields given replacing its own (so `dataclasses.replace(doc,
    url=...)` works); or built from the keyword fields alone."""
    if provenance is not None:
        return replace(provenance, **where) if where else provenance
    if "source" not in where or "url" not in where:
        raise TypeError(f"{owner}() needs provenance=Provenance(...) or at least source= and url=")
    return Provenance(**where)


class _ProvenanceView:
    """Read-only attribute access to the provenance (`item.url`, `doc.posted_at`): many readers,
    one place."""

    __slots__ = ()
    provenance: Provenance

    @property
    def source(self) -> str:
        return self.provenance.source

    @property
    def url(self) -> str:
        return self.provenance.url

    @property
    def thread_url(self) -> str | None:
        return self.provenance.thread_url

    @property
    def thread_title(self) -> str | None:
        return self.provenance.thread_title

    @property
    def board(self) -> str | None:
        return self.provenance.board

    @property
    def author(self) -> str | None:
        return self.provenance.author

    @property
    def posted_at(self) -> datetime | None:
        return self.provenance.posted_at

    @property
    def fetched_at(self) -> datetime | None:
        return self.provenance.fetched_at

    @property
    def filename(self) -> str | None:
        return self.provenance.filename


@dataclass(slots=True, init=False)
class CrawledItem(_ProvenanceView):
    """One post or one attached file, as the crawler hands it to the indexer.

    `body` is text for posts; `raw` holds the bytes of a file (then `filename` is set and `body`
    may be empty: the indexer decodes it). Built either as `CrawledItem(provenance=..., body=...)`
    or with the provenance fields as keywords (`CrawledItem(source=..., url=..., body=...)`).
    """

    provenance: Provenance
    body: str
    raw: bytes | None
    post_id: str | None
    # a file's HTML is read as a tree up to this many elements (its source's
    # `limits.max_page_elements`; 0: no ceiling), past it by the tag stripper; None: the default
    max_html_elements: int | None

    def __init__(self, *, provenance: Provenance | None = None, body: str = "", raw: bytes | None = None,
                 post_id: str | None = None, max_html_elements: int | None = None,
                 **where: Unpack[ProvenanceArgs]) -> None:
        self.provenance = _provenance(provenance, where, "CrawledItem")
        self.body = body
        self.raw = raw
        self.post_id = post_id
        self.max_html_elements = max_html_elements

    @property
    def content_hash(self) -> str:
        return content_hash(self.raw if self.raw is not None else self.body)


@dataclass(slots=True, frozen=True)
class Identifier:
    """A validated identifier. `value` is canonical; it never leaves the process unredacted
    except through `vigie scan --reveal` and the encrypted raw text."""

    type: str
    value: str
    token: bytes  # HMAC-SHA256(K_match, "v1|type|value")[:16]
    key_version: int = 1
    start: int | None = None  # character offsets in the fragment text, for redaction
    end: int | None = None
    # card: the network its IIN range and length name ("visa", "mastercard", "amex", ...);
    # national_id: the issuing country ("BE", "ES", ...), also the value's "CC:" prefix
    network: str | None = None
    country: str | None = None


@dataclass(slots=True, frozen=True)
class SensitiveFlag:
    category: str  # one of ARTICLE9_CATEGORIES
    evidence: str  # the matched words, e.g. "séropositif"
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Fragment:
    """A block of leaked records found in one item, with what was extracted from it."""

    # csv, separated_run, sql_insert, pg_copy, combo, jsonl, stealer_log, dox, hl7, astm, xml, json (a
    # pretty-printed value), vcard, ldif, mail (a message's correspondents and body), log (key=value lines),
    # chat (a chat log's messages)
    kind: str
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str  # the raw fragment text: encrypted before it is stored
    # a list, or from the compiled core a `vigie_native.Identifiers`: the same sequence held as
    # columns, whose `Identifier` objects are built only when one is read (`token_map()` and
    # `counts()` give the write path what it needs without them)
    identifiers: Sequence[Identifier] = field(default_factory=list)
    sensitive: list[SensitiveFlag] = field(default_factory=list)
    severity: Severity = Severity.low
    excerpt: str = ""  # redacted; nothing in it can be reversed
    delimiter: str | None = None  # csv: the field separator (",", ";", "\t", "|"), with or without a header

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def counts(self) -> dict[str, int]:
        """Distinct identifiers per type."""
        columns = getattr(self.identifiers, "counts", None)  # the core's columns: no object per identifier
        if columns is not None:
            out: dict[str, int] = columns()
            return out
        seen: dict[str, set[str]] = {}
        for ident in self.identifiers:
            seen.setdefault(ident.type, set()).add(ident.value)
        return {t: len(v) for t, v in sorted(seen.items())}

    def categories(self) -> list[str]:
        return sorted({f.category for f in self.sensitive})


@dataclass(slots=True, init=False)
class StoredFragment(_ProvenanceView):
    """The document that a `FragmentStore` holds. No plaintext identifier appears in it.

    Built like `CrawledItem`: `provenance=` or the provenance fields as keywords."""

    id: str  # keyed content hash of the fragment text
    kind: str
    start_line: int
    end_line: int
    excerpt: str
    severity: Severity
    tokens: dict[str, list[str]]  # identifier type -> hex tokens (sorted, distinct)
    counts: dict[str, int]  # identifier type -> distinct count
    categories: list[str]  # article 9 categories
    encrypted_text: bytes  # AES-GCM(data key): nonce || ciphertext
    provenance: Provenance
    key_version: int
    item_hash: str | None
    evidence: list[str]  # article 9 evidence terms ("VIH", "témoin de Jéhovah"): searchable, never an identifier

    def __init__(self, *, id: str, kind: str, start_line: int, end_line: int, excerpt: str,
                 severity: Severity, tokens: dict[str, list[str]], counts: dict[str, int],
                 categories: list[str], encrypted_text: bytes, provenance: Provenance | None = None,
                 key_version: int = 1, item_hash: str | None = None, evidence: list[str] | None = None,
                 **where: Unpack[ProvenanceArgs]) -> None:
        self.id = id
        self.kind = kind
        self.start_line = start_line
        self.end_line = end_line
        self.excerpt = excerpt
        self.severity = severity
        self.tokens = tokens
        self.counts = counts
        self.categories = categories
        self.encrypted_text = encrypted_text
        self.provenance = _provenance(provenance, where, "StoredFragment")
        self.key_version = key_version
        self.item_hash = item_hash
        self.evidence = list(evidence or ())

    def all_tokens(self) -> set[str]:
        return {t for tokens in self.tokens.values() for t in tokens}


@dataclass(frozen=True, slots=True)
class VictimFile:
    """One entry of a file tree a leak site publishes for a victim: read as a listing, its
    contents are not fetched (the size is the site's own text, e.g. `1.2 GB`)."""

    name: str
    size: str | None = None


@dataclass(frozen=True, slots=True)
class VictimRecord:
    """A victim named on a leak site, as the `leaksite` spider reads it (organisation names,
    not personal data: kept as written). `status` goes announced -> published; `deadline_at` is
    the countdown's end or the publication date."""

    source: str
    url: str
    name: str
    domain: str | None = None
    country: str | None = None
    sector: str | None = None
    announced_at: datetime | None = None
    deadline_at: datetime | None = None
    status: Literal["announced", "published"] = "announced"
    file_links: tuple[str, ...] = ()
    files: tuple[VictimFile, ...] = ()
    fetched_at: datetime | None = None
