"""The one hand-off from the crawler to the indexer: `ItemSink.accept(item) -> fragments found`.

The crawler knows nothing about detection or storage; the CLI or the service decides what the
sink is: `DetectingSink` around the indexer's `Ingestor` (detection then storage), `JsonlSink`
for `vigie crawl -o items.jsonl`, or both through `TeeSink`.

`accept` must raise if the item was not handed off: the pipeline then does not mark the item
as seen, and the next crawl emits it again.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

from indexer.models import CrawledItem

if TYPE_CHECKING:
    from vigie.runtime import Runtime

__all__ = ["DetectingSink", "ItemSink", "JsonlSink", "TeeSink", "item_to_json", "open_indexing_sink"]


@runtime_checkable
class ItemSink(Protocol):
    def accept(self, item: CrawledItem) -> int:
        """Hand one item off; return the number of fragments found in it (0 if unknown)."""
        ...


class _Ingests(Protocol):
    def ingest(self, item: CrawledItem) -> Any: ...


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    from datetime import UTC

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _file_text(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("latin-1")


def item_to_json(item: CrawledItem) -> dict[str, Any]:
    """The `-o` line: source, url, thread_url, thread_title, board, author, posted_at (ISO 8601
    UTC), body (text; a file's bytes decoded) and, for a file, filename."""
    out: dict[str, Any] = {
        "source": item.source, "url": item.url, "thread_url": item.thread_url,
        "thread_title": item.thread_title, "board": item.board, "author": item.author,
        "posted_at": _iso(item.posted_at), "fetched_at": _iso(item.fetched_at),
        "post_id": item.post_id, "content_hash": item.content_hash,
        "body": item.body if item.raw is None else (item.body or _file_text(item.raw)),
    }
    if item.filename is not None:
        out["filename"] = item.filename
    return out


class JsonlSink:
    """Writes every item as one JSON line (like `scrapy crawl -o items.jsonl`); finds no fragments."""

    def __init__(self, path: Path | str | IO[str], *, append: bool = False) -> None:
        if isinstance(path, (str, Path)):
            self._fh: IO[str] = open(path, "a" if append else "w", encoding="utf-8")
            self._owned = True
        else:
            self._fh, self._owned = path, False
        self._lock = threading.Lock()

    def accept(self, item: CrawledItem) -> int:
        line = json.dumps(item_to_json(item), ensure_ascii=False)
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()
        return 0

    def close(self) -> None:
        if self._owned:
            self._fh.close()


class DetectingSink:
    """Adapts anything with `.ingest(item)` returning an object with `.fragments` (the indexer's
    `Ingestor`) to `ItemSink`."""

    def __init__(self, ingestor: _Ingests) -> None:
        self.ingestor = ingestor

    def accept(self, item: CrawledItem) -> int:
        result = self.ingestor.ingest(item)
        fragments = getattr(result, "fragments", 0)
        if isinstance(fragments, int):
            return fragments
        return len(fragments) if fragments is not None else 0

    def close(self) -> None:
        close = getattr(self.ingestor, "close", None)
        if callable(close):
            close()


class TeeSink:
    """Hands each item to several sinks in order; the fragment count is the largest reported."""

    def __init__(self, *sinks: ItemSink) -> None:
        self.sinks = sinks

    def accept(self, item: CrawledItem) -> int:
        return max((sink.accept(item) for sink in self.sinks), default=0)

    def close(self) -> None:
        for sink in self.sinks:
            close = getattr(sink, "close", None)
            if callable(close):
                close()


def open_indexing_sink(rt: Runtime, *, alerts: bool = True) -> DetectingSink:
    """The production sink: the indexer's `Ingestor` over the configured store, with the alert
    matcher as its `on_stored` hook when `alerts` (so crawled leaks reach organisations).

    This is wiring only: which store, which keys. The crawler still sees nothing but `accept`.
    """
    from indexer.ingest import Ingestor
    from indexer.store import open_store

    on_stored = None
    if alerts and rt.config.organisations:
        from alerts.service import build_matcher

        on_stored = build_matcher(rt.config, rt.ensure_data_dir()).on_fragments
    store = open_store(rt)
    return _StoreClosingSink(Ingestor(store, rt.match_key, rt.data_key, on_stored=on_stored), store)


class _StoreClosingSink(DetectingSink):
    def __init__(self, ingestor: _Ingests, store: Any) -> None:
        super().__init__(ingestor)
        self._store = store

    def close(self) -> None:
        for name in ("flush", "close"):
            method = getattr(self._store, name, None)
            if callable(method):
                method()
