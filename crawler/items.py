"""What the spiders yield: a `CrawledItem` wrapped with the bookkeeping the pipeline commits.

The wrapper exists so the pipeline can update the crawl state *after* the sink accepted the
item (see `crawler.state`). `ThreadCheckpoint` is not data: it travels through the pipeline
behind the posts of a thread page so that the page is marked done only once they are handed off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from indexer.models import CrawledItem, VictimRecord

__all__ = ["FileDone", "ThreadCheckpoint", "VictimItem", "VictimSink", "VigieItem"]


@dataclass
class VigieItem:
    item: CrawledItem
    kind: Literal["post", "file", "paste"]
    key: str  # post key, file URL or paste id: what the state records as seen
    content_hash: str
    thread_key: str | None = None
    file_url: str | None = None  # the attachment URL this item came from (for files)
    file_parts: int = 1  # how many items the attachment produced (archive members)
    fragments: int = 0  # set by the pipeline: what the sink found in it


@dataclass
class ThreadCheckpoint:
    thread_key: str
    page_url: str
    page_index: int
    title: str | None = None
    board: str | None = None
    marker: str | None = None
    final: bool = False
    last_post_id: str | None = None
    last_posted_at: str | None = None
    emitted: tuple[str, ...] = ()  # keys of the posts this page emitted: all must be accepted first


@dataclass
class FileDone:
    """An attachment was handled without producing items (refused bomb, wrong type, empty)."""

    url: str
    status: Literal["done", "refused"]
    reason: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class VictimItem:
    """A victim named on a leak site (`kind: leaksite`): goes to the victim sink, not the
    fragment sink, since it is a structured record rather than text to scan."""

    record: VictimRecord
    alerts: int = 0  # set by the pipeline: alerts the sink raised


@runtime_checkable
class VictimSink(Protocol):
    def accept_victim(self, record: VictimRecord) -> int:
        """Store one victim record (deduplicated); return the alerts it raised. Raise if not stored."""
        ...
