"""The one hand-off out of the crawler: `ItemSink.accept(item) -> fragments found`.

The crawler knows nothing about detection or storage: whoever runs the crawl hands it a sink.
`vigie.wiring.open_ingest_sink` gives the indexer's `Ingestor` (detection, storage, alerts);
`JsonlSink` serves `vigie crawl -o items.jsonl`; `TeeSink` feeds both. Whoever opens a sink
closes it; `run_crawl` closes only the `JsonlSink` it opens for `output`.

`accept` must raise if the item was not handed off: the pipeline then does not mark the item
as seen, and the next crawl emits it again.

The `-o` file is the one place Vigie writes plaintext on purpose (what was crawled, verbatim,
like `scrapy crawl -o`): it is created 0600, and opening it warns on stderr, once per process,
that it holds personal data in clear.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from indexer.models import CrawledItem
from vigie.core.files import open_private

__all__ = ["PLAINTEXT_WARNING", "BatchSink", "ItemSink", "JsonlSink", "TeeSink", "accept_batch", "item_to_json"]

PLAINTEXT_WARNING = ("warning: {path} holds the crawled items in PLAINTEXT, personal data included "
                     "(emails, phone numbers, NIR, IBAN...): keep it private (it is written 0600) "
                     "and delete it when done")
_warned = False


@runtime_checkable
class ItemSink(Protocol):
    def accept(self, item: CrawledItem) -> int:
        """Hand one item off; return the number of fragments found in it (0 if unknown)."""
        ...


def _file_text(raw: bytes) -> str:
    """The file's text as detection decodes it, NULs dropped (JSON wrote each as `\\u0000`, six
    bytes: a bomb's member of zeros took a crawl's `-o` file to gigabytes)."""
    from indexer.decode import text_of

    return text_of(raw)


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
        global _warned
        if isinstance(path, (str, Path)):
            # 0600 whatever the umask; another user's file or link planted at the path is refused
            fd = open_private(Path(path), append=append)
            self._fh: IO[str] = open(fd, "a" if append else "w", encoding="utf-8")
            self._owned = True
            name = str(path)
        else:
            self._fh, self._owned = path, False
            name = "the output stream"
        if not _warned:
            _warned = True
            print(PLAINTEXT_WARNING.format(path=name), file=sys.stderr)
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


@runtime_checkable
class BatchSink(Protocol):
    """An `ItemSink` that can also take several items at once (the indexer detects them on
    every core); the crawler batches the items that queued up while the sink was busy."""

    def accept(self, item: CrawledItem) -> int: ...

    def accept_many(self, items: Sequence[CrawledItem]) -> list[int]:
        """`[accept(item) for item in items]`, in that order; raises if any item was not taken."""
        ...


def accept_batch(sink: ItemSink, items: Sequence[CrawledItem]) -> list[int | Exception]:
    """Each item's fragment count, or the exception that refused it. A batch sink takes them in
    one call; if that call raises, the items go again one at a time (ingestion is idempotent),
    so one bad item only fails itself."""
    if len(items) > 1 and isinstance(sink, BatchSink):
        try:
            return list(sink.accept_many(items))
        except _STOP:
            raise
        except BaseException:  # an Exception, or a panic of the compiled core (below)
            pass
    out: list[int | Exception] = []
    for item in items:
        try:
            out.append(int(sink.accept(item) or 0))
        except Exception as exc:
            out.append(exc)
        except _STOP:
            raise
        except BaseException as exc:
            # a panic of the compiled detection core is pyo3's PanicException, a BaseException:
            # it failed the whole batch and escaped the pipeline's `except Exception` (not counted,
            # not logged as a sink failure). Its message quotes the input: only its type is kept.
            out.append(RuntimeError(f"the sink crashed on this item ({type(exc).__name__}); a bug to report"))
    return out


_STOP = (KeyboardInterrupt, SystemExit, GeneratorExit)


class TeeSink:
    """Hands each item to several sinks in order; the fragment count is the largest reported."""

    def __init__(self, *sinks: ItemSink) -> None:
        self.sinks = sinks

    def accept(self, item: CrawledItem) -> int:
        return max((sink.accept(item) for sink in self.sinks), default=0)

    def accept_many(self, items: Sequence[CrawledItem]) -> list[int]:
        counts = [0] * len(items)
        for sink in self.sinks:
            got = sink.accept_many(items) if isinstance(sink, BatchSink) else [sink.accept(it) for it in items]
            counts = [max(a, int(b or 0)) for a, b in zip(counts, got, strict=True)]
        return counts
