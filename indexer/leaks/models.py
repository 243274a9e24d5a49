"""Leaks: one dump across its reposts. The types shared by the clustering (`indexer.leaks`),
the alerts (per leak, not per fragment), the breach-response pack and the STIX/MISP export.

Why a leak and not a fragment: a dump is reposted, cut down to samples, re-encoded and merged
with others; an organisation needs to know which leak it is, when it first appeared, where it
spread and how many of its people are in it. A `Leak` is the set of fragments whose records
overlap (see `indexer.leaks.cluster`). Nothing here holds plaintext: URLs and titles are the
masked ones of the stored fragments, records are counted, never listed.

Field names are stable (other parts build against them); fields may be added at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = ["Leak", "LeakAppearance", "LeakStore", "OrgLeakImpact"]


@dataclass(frozen=True, slots=True)
class LeakAppearance:
    """One copy of the leak: a stored fragment and where it was seen (masked provenance)."""

    fragment_id: str
    source: str
    url: str | None  # masked, as stored
    thread_title: str | None  # masked, as stored
    posted_at: datetime | None
    fetched_at: datetime | None
    record_count: int  # distinct records in this copy

    @property
    def seen_at(self) -> datetime | None:
        """When this copy appeared: posted, else fetched (the timeline's order)."""
        return self.posted_at or self.fetched_at


@dataclass(frozen=True, slots=True)
class Leak:
    """A leak as its stores return it. `id` is stable: it is derived from the first fragment
    that formed it, and a merge keeps the older leak's id (the other becomes an alias)."""

    id: str
    first_seen: datetime
    first_source: str
    appearances: tuple[LeakAppearance, ...]  # oldest first
    record_count: int  # distinct records over all copies
    identifier_types: dict[str, int]  # type -> distinct identifiers (max over copies)
    categories: tuple[str, ...]  # article 9 categories seen in any copy
    largest_fragment_id: str
    largest_record_count: int
    aliases: tuple[str, ...] = ()  # ids of leaks merged into this one

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources, in order of first appearance."""
        return tuple(dict.fromkeys(a.source for a in self.appearances))

    @property
    def fragment_ids(self) -> tuple[str, ...]:
        return tuple(a.fragment_id for a in self.appearances)


@dataclass(frozen=True, slots=True)
class OrgLeakImpact:
    """What one organisation has in one leak: counts of ITS matched people and identifier
    types, never anybody else's (the pack and the export derive their figures from this)."""

    org_id: str
    leak_id: str
    people: int  # distinct matched identifiers of this organisation (an upper bound of persons)
    identifier_types: dict[str, int]  # this organisation's matched types and counts
    categories: tuple[str, ...]  # article 9 categories of the copies its people appear in
    first_alert_at: datetime
    sources: tuple[str, ...]  # sources of the copies its people appear in
    fragment_ids: tuple[str, ...] = field(default=())  # copies holding its people (for tokens)


@runtime_checkable
class LeakStore(Protocol):
    """Leaks beside the fragments, in the same backend (SQLite tables or an ES `leaks` index)."""

    def get(self, leak_id: str) -> Leak | None:
        """The leak, also when `leak_id` is an alias of a leak it was merged into."""

    def list(self, since: datetime | None = None, limit: int = 100) -> list[Leak]:
        """Newest first (by first_seen); `since` keeps leaks first seen on or after it."""

    def leak_of_fragment(self, fragment_id: str) -> str | None:
        """The id of the leak a fragment belongs to (None if the fragment holds no records)."""

    def leaks_of_fragments(self, fragment_ids: Iterable[str]) -> dict[str, str]:
        """fragment id -> leak id, for those that belong to one."""

    def close(self) -> None:
        """Release the store's connections (whoever opened it closes it)."""
