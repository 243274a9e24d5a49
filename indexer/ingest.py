"""The write path: one crawled item in, its fragments detected, stored, and handed to alerting.

Exactly-once alerting relies on this contract: `on_stored` receives *all* of the item's documents
on every ingest, whether they were new or already stored. The alerts side deduplicates on
(organisation, fragment id), so a crash between "stored" and "matched" is repaired by the next
crawl of the same item instead of losing the alert.

Leaks: when a leak store is given, each document's records (keyed hashes of its normalised rows,
`indexer.leaks.records`) place it in a leak before `on_stored` runs, so the alerts see the leak.
Placing is idempotent: a fragment already placed changes nothing, and a crash between "stored"
and "placed" is repaired by the next ingest of the same item, like the alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from loguru import logger

from indexer.crypto import DataKey, keyed_id
from indexer.detect import detect as _detect
from indexer.documents import build_documents
from indexer.leaks.records import fragment_records, record_key
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem, Fragment, StoredFragment
from indexer.store.base import FragmentStore
from indexer.tokens import MatchKey

__all__ = ["DetectFn", "IngestResult", "Ingestor"]

DetectFn = Callable[..., list[Fragment]]


@dataclass
class IngestResult:
    fragments: list[StoredFragment] = field(default_factory=list)  # every document of the item
    created: list[str] = field(default_factory=list)  # ids new to the store
    spooled: list[str] = field(default_factory=list)  # ids queued on disk (backend down)
    leaks: dict[str, str] = field(default_factory=dict)  # fragment id -> leak id (those with records)


class Ingestor:
    """Detects, stores and hands to alerting; it is also the crawler's `ItemSink` (`accept`).

    The store is the caller's: opening and closing it is the composition root's job
    (`vigie.wiring.open_ingest_sink`).
    """

    def __init__(
        self,
        store: FragmentStore,
        match_key: MatchKey,
        data_key: DataKey,
        on_stored: Callable[[list[StoredFragment]], object] | None = None,
        detect: DetectFn | None = None,
        leaks: SqliteLeakStore | None = None,
    ) -> None:
        self.store = store
        self.leaks = leaks
        self.match_key = match_key
        self.data_key = data_key
        self.on_stored = on_stored
        self.detect: DetectFn = detect or _detect

    def ingest(self, item: CrawledItem, fetched_at: datetime | None = None) -> IngestResult:
        data: bytes | str = item.raw or item.body
        fragments = self.detect(data, key=self.match_key, filename=item.filename)
        docs = build_documents(item, fragments, self.data_key, fetched_at)
        result = IngestResult(fragments=docs)
        if not docs:
            return result
        stored = self.store.upsert(docs)
        result.created = list(stored.created)
        result.spooled = list(stored.spooled)
        # the stored (masked) URL: a URL may carry a victim's identifier, and logs are at rest too
        logger.debug("ingest {}: {} fragment(s), {} new, {} spooled", docs[0].url, len(docs),
                     len(result.created), len(result.spooled))
        if self.leaks is not None:
            result.leaks = self._place(fragments, docs)
        if self.on_stored is not None:
            self.on_stored(docs)  # all of them, new and existing: see the module docstring
        return result

    def _place(self, fragments: list[Fragment], stored: list[StoredFragment]) -> dict[str, str]:
        """Put each stored document in its leak (same ids as `build_documents`: keyed text)."""
        assert self.leaks is not None
        key = record_key(self.match_key)
        docs = {d.id: d for d in stored}
        placed: dict[str, str] = {}
        for frag in fragments:
            doc = docs.get(keyed_id(self.data_key, frag.text))
            if doc is None or doc.id in placed:
                continue
            added = self.leaks.add(doc, fragment_records(frag, key))
            if added.leak_id is not None:
                placed[doc.id] = added.leak_id
        return placed

    def accept(self, item: CrawledItem) -> int:
        """`crawler.sink.ItemSink`: ingest, and report how many fragments the item held. Raises if
        the item was not stored, so the crawler does not mark it as seen."""
        return len(self.ingest(item).fragments)
