"""The write path: one crawled item in, its fragments detected, stored, and handed to alerting.

Exactly-once alerting relies on this contract: `on_stored` receives *all* of the item's documents
on every ingest, whether they were new or already stored. The alerts side deduplicates on
(organisation, fragment id), so a crash between "stored" and "matched" is repaired by the next
crawl of the same item instead of losing the alert.

Leaks: when a leak store is given, each document's records (keyed hashes of its normalised rows,
`indexer.leaks.records`) place it in a leak before `on_stored` runs, so the alerts see the leak.
Placing is idempotent: a fragment already placed changes nothing, and a crash between "stored"
and "placed" is repaired by the next ingest of the same item, like the alerts.

Many cores (issue 17): detection is the CPU part, so `ingest_many` detects the items on a pool
of processes (`indexer.detect.parallel`) while the writes (store, leaks, `on_stored`) stay in
this process, item after item in input order, each exactly as `ingest` does it: a crash
leaves a prefix of the items written, and a rerun writes the rest (the ids are keyed content
hashes: nothing is stored twice, and alerting dedupes per fragment). An item over
`big_bytes` (an attachment) is cut on record boundaries and its chunks spread over the pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from loguru import logger

from indexer.crypto import DataKey
from indexer.decode import Limits
from indexer.detect import caps as _caps
from indexer.detect import detect as _detect
from indexer.detect.parallel import (
    DEFAULT_CHUNK_BYTES,
    DEFAULT_POOL_MIN_BYTES,
    DEFAULT_THRESHOLD_BYTES,
    DetectPool,
    detect_here,
    detect_items,
    detect_stream,
    make_pool,
)
from indexer.documents import build_documents
from indexer.leaks.records import fragment_records, record_key
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem, Fragment, StoredFragment
from indexer.redact import mask_text, mask_url
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
        workers: int | None = None,
        big_bytes: int = DEFAULT_THRESHOLD_BYTES,
        pool_min_bytes: int = DEFAULT_POOL_MIN_BYTES,
    ) -> None:
        """`workers`: detection processes for `ingest_many` and big items (None: one per core,
        1: none, everything in this process); `big_bytes`: an item above this is detected in
        chunks on the pool; `pool_min_bytes`: a batch smaller than this in all is detected here
        while the pool is not running (see `ingest_many`). A custom `detect` (tests) always runs
        here."""
        self.store = store
        self.leaks = leaks
        self.match_key = match_key
        self.data_key = data_key
        self.on_stored = on_stored
        self.detect: DetectFn = detect or _detect
        self.workers = workers
        self.big_bytes = big_bytes
        self.pool_min_bytes = pool_min_bytes
        self.batch_items = 256  # items per detection task in `ingest_many`
        self._pool: DetectPool | None = None

    def _parallel(self) -> bool:
        return self.detect is _detect and self.workers != 1

    def pool(self) -> DetectPool:
        """The detection processes, started on first use (spawned: they hold the match key only)."""
        if self._pool is None:
            self._pool = make_pool(self.match_key, self.workers)
        return self._pool

    def close(self) -> None:
        """Stop the detection processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    @contextmanager
    def _on_pool(self) -> Iterator[DetectPool]:
        """The pool, replaced after it broke. A worker that dies (killed, out of memory) breaks a
        process pool for good: without this, every big item after it would fail too. The item
        being detected still fails (the crawler does not mark it seen, and retries it)."""
        try:
            yield self.pool()
        except BrokenExecutor:
            broken, self._pool = self._pool, None
            if broken is not None:  # (not when a nested use already replaced it)
                logger.error("a detection process died (killed, or out of memory?): the item is not "
                             "stored, and new detection processes are started for the next one")
                broken.shutdown(wait=False, cancel_futures=True)
            raise

    def _detect_one(self, item: CrawledItem) -> list[Fragment]:
        before = _caps.stopped()
        try:
            return self._detect_item(item)
        finally:
            if _caps.stopped() > before:
                _caps.said(_caps.stopped() - before, _where(item))

    def _detect_item(self, item: CrawledItem) -> list[Fragment]:
        data: bytes | str = item.raw or item.body
        # an attachment's HTML ceiling is its source's (limits.max_page_elements), as for its pages
        limits = None if item.max_html_elements is None else Limits(max_html_elements=item.max_html_elements)
        # (a one-line JSON export of more records than one detect() reads: in chunks too, each read)
        if (len(data) > self.big_bytes or _caps.json_past_cap(data)) and self.detect is _detect:
            blob = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            chunk_bytes = min(self.big_bytes, DEFAULT_CHUNK_BYTES)
            if not self._parallel():  # one detection process: the same chunks here (never cut at 64 MiB)
                return list(detect_here([blob], key=self.match_key, filename=item.filename, limits=limits,
                                        chunk_bytes=chunk_bytes))
            with self._on_pool() as pool:
                return list(detect_stream([blob], key=self.match_key, filename=item.filename, limits=limits,
                                          chunk_bytes=chunk_bytes, pool=pool))
        if limits is not None:
            return self.detect(data, key=self.match_key, filename=item.filename, limits=limits)
        return self.detect(data, key=self.match_key, filename=item.filename)

    def ingest(self, item: CrawledItem, fetched_at: datetime | None = None) -> IngestResult:
        return self._write(item, self._detect_one(item), fetched_at)

    def ingest_many(self, items: Sequence[CrawledItem], fetched_at: datetime | None = None) -> list[IngestResult]:
        """`[ingest(item) for item in items]`, with detection on the pool (see the module
        docstring); writes in order, one item at a time."""
        if not self._parallel() or len(items) < 2 or (
                self._pool is None and sum(len(it.raw or it.body) for it in items) < self.pool_min_bytes):
            # a small batch while no detection process runs (a forum's pages of posts: most
            # never pass the prefilter) costs less here than starting the pool, whose processes
            # each import the engine and warm it up (1-3 s of CPU apiece); a big batch or a big
            # item starts it, and it then serves every batch
            return [self.ingest(it, fetched_at) for it in items]
        # (an item with its own HTML ceiling is detected alone, with it: a batch shares the defaults)
        small = [len(it.raw or it.body) <= self.big_bytes and it.max_html_elements is None
                 and not _caps.json_past_cap(it.raw or it.body) for it in items]
        out = []
        with self._on_pool() as pool:
            found = detect_items(pool, [(it.raw or it.body, it.filename) for it, s in zip(items, small, strict=True)
                                        if s], batch_items=self.batch_items)
            for it, s in zip(items, small, strict=True):  # detection runs ahead; the writes follow in order
                before = _caps.stopped()
                frags = next(found) if s else self._detect_one(it)
                if s and _caps.stopped() > before:  # a batch's stops are counted as its first item comes
                    _caps.said(_caps.stopped() - before, f"an item of the batch that starts with {_where(it)}")
                out.append(self._write(it, frags, fetched_at))
        return out

    def _write(self, item: CrawledItem, fragments: list[Fragment], fetched_at: datetime | None) -> IngestResult:
        ids: list[str] = []  # (each fragment's document id, for `_place`)
        docs = build_documents(item, fragments, self.data_key, fetched_at, ids=ids)
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
            result.leaks = self._place(fragments, docs, ids)
        if self.on_stored is not None:
            self.on_stored(docs)  # all of them, new and existing: see the module docstring
        return result

    def _place(self, fragments: list[Fragment], stored: list[StoredFragment], ids: list[str]) -> dict[str, str]:
        """Put each stored document in its leak; `ids` are the fragments' document ids, as
        `build_documents` gave them (keyed text)."""
        assert self.leaks is not None
        key = record_key(self.match_key)
        docs = {d.id: d for d in stored}
        # a re-crawled item's fragments are placed already: their records (the write path's
        # costliest Python on a dense dump) are not computed again, `add` would change nothing
        placed: dict[str, str] = self.leaks.leaks_of_fragments(docs)
        todo: dict[str, tuple[StoredFragment, set[int]]] = {}
        for frag, doc_id in zip(fragments, ids, strict=True):
            doc = docs.get(doc_id)
            if doc is None or doc.id in placed or doc.id in todo:
                continue
            todo[doc.id] = (doc, fragment_records(frag, key))
        # one transaction for the item's fragments (`add_many`): a commit each took minutes
        # for an attachment of 10,000 fragments
        for doc_id, added in zip(todo, self.leaks.add_many(list(todo.values())), strict=True):
            if added.leak_id is not None:
                placed[doc_id] = added.leak_id
        return placed

    def accept(self, item: CrawledItem) -> int:
        """`crawler.sink.ItemSink`: ingest, and report how many fragments the item held. Raises if
        the item was not stored, so the crawler does not mark it as seen."""
        return len(self.ingest(item).fragments)

    def accept_many(self, items: Sequence[CrawledItem]) -> list[int]:
        """`crawler.sink.BatchSink`: `[accept(item) for item in items]`, detected on the pool
        (`ingest_many`). Raises if one was not stored: the caller then retries them one by one
        (the items already written are written again as no-ops)."""
        return [len(r.fragments) for r in self.ingest_many(items)]


def _where(item: CrawledItem) -> str:
    """An item as a log line names it: its masked URL, and its file's masked name."""
    return (mask_url(item.url) or "?") + (f" ({mask_text(item.filename)})" if item.filename else "")
