"""Per-source incremental crawl state in SQLite (`<data dir>/crawl-state.sqlite3`).

What a re-crawl needs to fetch only what is new: threads seen (their last page reached and the
listing "marker" that changes when a reply is posted), a content hash per post (so a rerun emits
no duplicate and an edited post is emitted again), paste ids seen, attachments (pending until
handed off, so a crash between discovering and fetching a file does not lose it), and the source
status (ok / needs_attention) with the last run's stats.

Ordering rule: the spider only *reads* this state to skip work. Rows that say "done" are written
by the item pipeline after the sink accepted the item, so a crash can only cause a re-emit
(harmless: ingestion is idempotent), never a loss.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.core.sqlite import connect

__all__ = ["CrawlState", "SourceStatus", "ThreadState"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    source TEXT NOT NULL, thread_key TEXT NOT NULL, title TEXT, board TEXT,
    last_page_url TEXT, page_count INTEGER NOT NULL DEFAULT 0, marker TEXT,
    last_post_id TEXT, last_posted_at TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (source, thread_key));
CREATE TABLE IF NOT EXISTS posts (
    source TEXT NOT NULL, post_key TEXT NOT NULL, content_hash TEXT NOT NULL,
    thread_key TEXT, seen_at TEXT NOT NULL, PRIMARY KEY (source, post_key));
CREATE TABLE IF NOT EXISTS pastes (
    source TEXT NOT NULL, paste_id TEXT NOT NULL, content_hash TEXT NOT NULL, seen_at TEXT NOT NULL,
    PRIMARY KEY (source, paste_id));
CREATE TABLE IF NOT EXISTS files (
    source TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
    meta TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (source, url));
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT, last_run TEXT, updated_at TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class ThreadState:
    thread_key: str
    last_page_url: str | None
    page_count: int
    marker: str | None
    last_post_id: str | None
    last_posted_at: str | None


@dataclass(frozen=True)
class SourceStatus:
    source: str
    status: str  # "ok" | "needs_attention"
    reason: str | None
    last_run: dict[str, Any] | None
    updated_at: str


class CrawlState:
    """One SQLite connection (WAL), safe to share between the reactor thread and others."""

    def __init__(self, path: Path | str, source: str) -> None:
        self.path = Path(path)
        self.source = source
        # NORMAL: a power loss may drop the last state rows, which only re-emits items (ingestion
        # is idempotent); the store, written first, is the one that must be FULL
        self._db = connect(self.path, synchronous="NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _one(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _exec(self, sql: str, *args: Any) -> None:
        with self._lock:
            self._db.execute(sql, args)

    # ---------------------------------------------------------------- threads
    def thread(self, thread_key: str) -> ThreadState | None:
        row = self._one("SELECT thread_key, last_page_url, page_count, marker, last_post_id, last_posted_at "
                        "FROM threads WHERE source=? AND thread_key=?", self.source, thread_key)
        return ThreadState(*row) if row else None

    def record_thread_page(self, thread_key: str, page_url: str, page_index: int, *,
                           title: str | None = None, board: str | None = None,
                           marker: str | None = None, final: bool = False,
                           last_post_id: str | None = None, last_posted_at: str | None = None) -> None:
        """The thread's pages up to `page_url` are fully handed off. `marker` is stored only
        when `final` (the thread's last page was reached), so an interrupted thread is revisited."""
        self._exec(
            "INSERT INTO threads (source, thread_key, title, board, last_page_url, page_count, marker,"
            " last_post_id, last_posted_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(source, thread_key) DO UPDATE SET "
            " title=COALESCE(excluded.title, title), board=COALESCE(excluded.board, board),"
            " last_page_url=CASE WHEN excluded.page_count >= page_count THEN excluded.last_page_url"
            "   ELSE last_page_url END,"
            " page_count=MAX(page_count, excluded.page_count),"
            " marker=CASE WHEN ? THEN excluded.marker ELSE marker END,"
            " last_post_id=COALESCE(excluded.last_post_id, last_post_id),"
            " last_posted_at=COALESCE(excluded.last_posted_at, last_posted_at),"
            " updated_at=excluded.updated_at",
            self.source, thread_key, title, board, page_url, page_index,
            marker if final else None, last_post_id, last_posted_at, _now(), 1 if final else 0)

    # ---------------------------------------------------------------- posts and pastes
    def post_seen(self, post_key: str, content_hash: str) -> bool:
        row = self._one("SELECT content_hash FROM posts WHERE source=? AND post_key=?", self.source, post_key)
        return row is not None and row[0] == content_hash

    def record_post(self, post_key: str, content_hash: str, thread_key: str | None) -> None:
        self._exec("INSERT INTO posts (source, post_key, content_hash, thread_key, seen_at) VALUES (?,?,?,?,?) "
                   "ON CONFLICT(source, post_key) DO UPDATE SET content_hash=excluded.content_hash,"
                   " seen_at=excluded.seen_at", self.source, post_key, content_hash, thread_key, _now())

    def paste_seen(self, paste_id: str) -> bool:
        return self._one("SELECT 1 FROM pastes WHERE source=? AND paste_id=?", self.source, paste_id) is not None

    def record_paste(self, paste_id: str, content_hash: str) -> None:
        self._exec("INSERT OR REPLACE INTO pastes (source, paste_id, content_hash, seen_at) VALUES (?,?,?,?)",
                   self.source, paste_id, content_hash, _now())

    # ---------------------------------------------------------------- attachments
    def file_status(self, url: str) -> str | None:
        row = self._one("SELECT status FROM files WHERE source=? AND url=?", self.source, url)
        return row[0] if row else None

    def file_pending(self, url: str, meta: dict[str, Any]) -> None:
        """Remember a discovered attachment before fetching it (a to-do, not a result)."""
        self._exec("INSERT OR IGNORE INTO files (source, url, status, meta, updated_at) VALUES (?,?,?,?,?)",
                   self.source, url, "pending", json.dumps(meta), _now())

    def file_done(self, url: str, status: str = "done", reason: str | None = None) -> None:
        """`status`: done (handed off), refused (bomb, too big, wrong type: never retried)."""
        self._exec("INSERT INTO files (source, url, status, reason, updated_at) VALUES (?,?,?,?,?) "
                   "ON CONFLICT(source, url) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
                   " updated_at=excluded.updated_at", self.source, url, status, reason, _now())

    def pending_files(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute("SELECT url, meta FROM files WHERE source=? AND status='pending'",
                                    (self.source,)).fetchall()
        return [(url, json.loads(meta or "{}")) for url, meta in rows]

    # ---------------------------------------------------------------- source status
    def status(self) -> SourceStatus | None:
        row = self._one("SELECT source, status, reason, last_run, updated_at FROM sources WHERE source=?",
                        self.source)
        if row is None:
            return None
        return SourceStatus(row[0], row[1], row[2], json.loads(row[3]) if row[3] else None, row[4])

    def set_status(self, status: str, reason: str | None = None,
                   last_run: dict[str, Any] | None = None) -> None:
        self._exec("INSERT INTO sources (source, status, reason, last_run, updated_at) VALUES (?,?,?,?,?) "
                   "ON CONFLICT(source) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
                   " last_run=COALESCE(excluded.last_run, last_run), updated_at=excluded.updated_at",
                   self.source, status, reason, json.dumps(last_run) if last_run else None, _now())

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("threads", "posts", "pastes", "files"):
            row = self._one(f"SELECT COUNT(*) FROM {table} WHERE source=?", self.source)
            out[table] = int(row[0]) if row else 0
        return out
