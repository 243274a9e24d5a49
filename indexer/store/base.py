"""The one interface through which fragments are stored and searched.

Two implementations: `indexer.store.embedded.EmbeddedStore` (SQLite WAL + FTS5, the default) and
`indexer.store.elastic.ElasticStore` (Elasticsearch, with a disk spool). Everything else in
Vigie (the ingest path, search, alerts' retro-hunts) talks to this protocol only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from indexer import IndexerError
from indexer.models import Severity, StoredFragment

__all__ = ["Aggregations", "FragmentStore", "SearchPage", "SearchQuery", "StoreError", "UpsertResult",
           "unique_by_id"]


class StoreError(IndexerError):
    """Base class of storage errors (unreachable backend, version mismatch, bad query)."""


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None  # free text over the redacted excerpt, thread title, author
    tokens: tuple[str, ...] = ()  # hex tokens; a document matches if it holds any of them
    token_type: str | None = None  # restrict the token match to one identifier type
    sources: tuple[str, ...] = ()
    min_severity: Severity | None = None
    severities: tuple[Severity, ...] = ()
    categories: tuple[str, ...] = ()  # article 9; a document matches if it has any of them
    since: datetime | None = None  # on posted_at, or fetched_at when posted_at is unknown (inclusive)
    until: datetime | None = None  # exclusive
    offset: int = 0
    limit: int = 20


@dataclass
class SearchPage:
    total: int
    hits: list[StoredFragment]


@dataclass
class Aggregations:
    total: int
    per_source: dict[str, int] = field(default_factory=dict)
    per_severity: dict[str, int] = field(default_factory=dict)
    per_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" -> count
    per_kind: dict[str, int] = field(default_factory=dict)
    per_category: dict[str, int] = field(default_factory=dict)


@dataclass
class UpsertResult:
    created: list[str] = field(default_factory=list)  # ids that were new
    existing: list[str] = field(default_factory=list)  # ids already stored (idempotent no-op)
    spooled: list[str] = field(default_factory=list)  # ids queued on disk (backend down)


def unique_by_id(docs: Iterable[StoredFragment]) -> dict[str, StoredFragment]:
    """The batch an `upsert` writes: one document per id, the first one given."""
    batch: dict[str, StoredFragment] = {}
    for doc in docs:
        batch.setdefault(doc.id, doc)
    return batch


@runtime_checkable
class FragmentStore(Protocol):
    def upsert(self, docs: Iterable[StoredFragment]) -> UpsertResult:
        """Store documents by id (content hash). Storing the same id twice keeps one document."""

    def get(self, doc_id: str) -> StoredFragment | None: ...

    def search(self, query: SearchQuery) -> SearchPage:
        """Newest first (posted_at, then fetched_at, then id)."""

    def iter_by_tokens(self, tokens: Iterable[str], batch_size: int = 1000) -> Iterator[StoredFragment]:
        """Every document holding any of `tokens`, by an index query (never a full scan).
        Used by retro-hunts."""

    def count(self) -> int: ...

    def aggregations(self, query: SearchQuery | None = None) -> Aggregations: ...

    def flush(self) -> None:
        """Make writes durable and visible (drain the spool when the backend is reachable)."""

    def close(self) -> None: ...
