"""The Elasticsearch `leaks` index: one document per leak, beside the fragments' indices.

Named `<prefix>_leaks`: outside the fragments' `<prefix>-*` template pattern (whose strict
mapping and alias are for fragments only). The clustering state (record hashes, bands) stays in
`<data_dir>/leaks.sqlite3` (`SqliteLeakStore`): it is the working set of the clustering, read
and written in one transaction per fragment, not something to query. What ES readers need (a
dashboard, the web app, another Vigie reading the cluster) is the leaks themselves, written here
after each change. A change made while ES is unreachable stays marked in SQLite and is written
by the next `flush` (`SqliteLeakStore.flush_mirror`), so the index catches up, like the spool.

Documents hold the leak as `Leak` has it: masked URLs and titles, counts; never a record hash.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from indexer.leaks.models import Leak, LeakAppearance
from indexer.store.elastic import client_from_settings
from indexer.store.elastic_mapping import SIDE_INDEX_SETTINGS
from vigie.config.schema import ElasticsearchSettings
from vigie.core.peers import TrustedPeers

__all__ = ["ElasticLeakIndex"]

_APPEARANCE = {
    "fragment_id": {"type": "keyword"}, "source": {"type": "keyword"}, "url": {"type": "keyword"},
    "thread_title": {"type": "text"}, "posted_at": {"type": "date"}, "fetched_at": {"type": "date"},
    "record_count": {"type": "long"},
}
_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"}, "first_seen": {"type": "date"}, "first_source": {"type": "keyword"},
        "appearances": {"type": "object", "properties": _APPEARANCE},
        "record_count": {"type": "long"},
        "identifier_types": {"type": "object", "dynamic": True},
        "categories": {"type": "keyword"}, "largest_fragment_id": {"type": "keyword"},
        "largest_record_count": {"type": "long"}, "aliases": {"type": "keyword"},
        "sources": {"type": "keyword"},
    },
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def leak_to_source(leak: Leak) -> dict[str, Any]:
    return {
        "id": leak.id, "first_seen": leak.first_seen.isoformat(), "first_source": leak.first_source,
        "appearances": [{"fragment_id": a.fragment_id, "source": a.source, "url": a.url,
                         "thread_title": a.thread_title, "posted_at": _iso(a.posted_at),
                         "fetched_at": _iso(a.fetched_at), "record_count": a.record_count}
                        for a in leak.appearances],
        "record_count": leak.record_count, "identifier_types": leak.identifier_types,
        "categories": list(leak.categories), "largest_fragment_id": leak.largest_fragment_id,
        "largest_record_count": leak.largest_record_count, "aliases": list(leak.aliases),
        "sources": list(leak.sources),
    }


def source_to_leak(src: dict[str, Any]) -> Leak:
    first = _dt(src["first_seen"])
    assert first is not None
    return Leak(
        id=src["id"], first_seen=first, first_source=src["first_source"],
        appearances=tuple(LeakAppearance(a["fragment_id"], a["source"], a.get("url"), a.get("thread_title"),
                                         _dt(a.get("posted_at")), _dt(a.get("fetched_at")), a["record_count"])
                          for a in src["appearances"]),
        record_count=src["record_count"], identifier_types=dict(src["identifier_types"]),
        categories=tuple(src["categories"]), largest_fragment_id=src["largest_fragment_id"],
        largest_record_count=src["largest_record_count"], aliases=tuple(src.get("aliases", ())))


class ElasticLeakIndex:
    """Leaks in ES. Errors of the client propagate: the caller (the mirror flush) keeps the
    change marked and retries later."""

    def __init__(self, settings: ElasticsearchSettings, *, client: Any = None,
                 peers: TrustedPeers | None = None) -> None:
        self.index = f"{settings.index_prefix}_leaks"
        self.client = client if client is not None else client_from_settings(settings, peers=peers)
        self._ready = False

    def _ensure(self) -> None:
        if self._ready:
            return
        if not self.client.indices.exists(index=self.index):
            self.client.indices.create(index=self.index, mappings=_MAPPING, settings=SIDE_INDEX_SETTINGS)
        self._ready = True

    def put(self, leak: Leak) -> None:
        """Write the leak, and drop the documents of leaks merged into it."""
        self._ensure()
        self.client.index(index=self.index, id=leak.id, document=leak_to_source(leak))
        for alias in leak.aliases:
            self.client.delete(index=self.index, id=alias, ignore_status=404)

    def get(self, leak_id: str) -> Leak | None:
        self._ensure()
        res = self.client.search(index=self.index, size=1, query={"bool": {"should": [
            {"ids": {"values": [leak_id]}}, {"term": {"aliases": leak_id}}]}})
        hits = res["hits"]["hits"]
        return source_to_leak(hits[0]["_source"]) if hits else None

    def list(self, since: datetime | None = None, limit: int = 100) -> builtins.list[Leak]:
        self._ensure()
        query = {"range": {"first_seen": {"gte": since.isoformat()}}} if since else {"match_all": {}}
        self.client.indices.refresh(index=self.index)
        res = self.client.search(index=self.index, size=limit, query=query,
                                 sort=[{"first_seen": "desc"}, {"id": "asc"}])
        return [source_to_leak(h["_source"]) for h in res["hits"]["hits"]]

    def close(self) -> None:
        self.client.close()
