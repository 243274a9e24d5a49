"""The one hand-off out of the crawler: `ItemSink.accept(item) -> fragments found`.

The crawler knows nothing about detection or storage: whoever runs the crawl hands it a sink.
`vigie.wiring.open_ingest_sink` gives the indexer's `Ingestor` (detection, storage, alerts);
`JsonlSink` serves `vigie crawl -o items.jsonl`; `TeeSink` feeds both. Whoever opens a sink
closes it; `run_crawl` closes only the `JsonlSink` it opens for `output`.

`accept` must raise if the item was not handed off: the pipeline then does not mark the item
as seen, and the next crawl emits it again.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from indexer.models import CrawledItem

__all__ = ["ItemSink", "JsonlSink", "TeeSink", "item_to_json"]


@runtime_checkable
class ItemSink(Protocol):
    def accept(self, item: CrawledItem) -> int:
        """Hand one item off; return the number of fragments found in it (0 if unknown)."""
        ...


def _file_text(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("latin-1")


def item_to_json(item: CrawledItem) -> dict[str, Any]:
    """The `-o` line: every provenance field (datetimes ISO 8601 UTC with a "Z"; `filename` is
    null for a post), post_id, content_hash and body (text; a file's bytes decoded)."""
    return {
        **item.provenance.to_json(zulu=True),
        "post_id": item.post_id, "content_hash": item.content_hash,
        "body": item.body if item.raw is None else (item.body or _file_text(item.raw)),
    }


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


class TeeSink:
    """Hands each item to several sinks in order; the fragment count is the largest reported."""

    def __init__(self, *sinks: ItemSink) -> None:
        self.sinks = sinks

    def accept(self, item: CrawledItem) -> int:
        return max((sink.accept(item) for sink in self.sinks), default=0)
