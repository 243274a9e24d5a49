"""Per-source incremental crawl state in SQLite (`<data dir>/crawl-state.sqlite3`).

What a re-crawl needs to fetch only what is new: threads seen (their last page reached and the
listing "marker" that changes when a reply is posted), a content hash per post (so a rerun emits
no duplicate and an edited post is emitted again), paste ids seen, attachments (pending until
handed off, so a crash between discovering and fetching a file does not lose it), and the source
status (ok / needs_attention) with the last run's stats, and which selectors matched pages of
each kind before (a selector that stops matching is a layout change, made loud).

Ordering rule: the spider only *reads* this state to skip work. Rows that say "done" are written
by the item pipeline after the sink accepted the item, so a crash can only cause a re-emit
(harmless: ingestion is idempotent), never a loss.

No plaintext crawled text at rest. Thread URLs, post keys, paste ids and attachment URLs are
attacker-chosen text that can carry a victim's email or phone (`/t/12-dump-jean.dupont@...`,
`patients_<email>.csv`); thread titles and authors too. So:
- every lookup key is stored as a keyed hash (HMAC-SHA256 under the state's own secret): the
  state only needs to answer "seen before?", which a hash answers;
- the two values a later crawl must read back to fetch pending work (a thread's last page URL,
  a pending attachment's URL and its provenance) are stored encrypted (AES-256-GCM under the
  same secret, bound to their row);
- titles and boards are not stored at all (nothing reads them back).
The secret is a random 32-byte key in `<state file>.key` (0600), created with the state and
local to it: the crawler holds no Vigie key (`vigie crawl --no-index -o` runs without any), and
losing the file only costs a full re-crawl (everything re-emitted; ingestion is idempotent). A
copy of the database alone reveals nothing; a same-user process can read both files, as it can
read the data key, which is the limit of any at-rest protection on a shared account. A state
written by an older Vigie (plaintext keys) is emptied on open and re-crawled.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from loguru import logger

from indexer.crypto import DataKey, decrypt_text, encrypt_text
from indexer.redact import mask_text
from vigie.core.files import random_key_file
from vigie.core.sqlite import connect

__all__ = ["MAX_PENDING", "CrawlState", "SourceStatus", "ThreadState"]

# Rows a source may leave to its next crawls, of each kind (attachments pending, pastes left cut
# short, walled or rate-limited): a site answering every attachment link with an error or a
# captcha, or every paste with a 429, added rows at every crawl, never removed, and each crawl of
# it began by reading and requesting them all: a state grown without limit by the site (round 16).
# Past the cap a new one is fetched by its own crawl but not remembered for the next.
MAX_PENDING = 10_000

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
CREATE TABLE IF NOT EXISTS pastes_cut (
    source TEXT NOT NULL, paste_id TEXT NOT NULL, meta TEXT NOT NULL, cuts INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (source, paste_id));
CREATE TABLE IF NOT EXISTS listing_offsets (
    source TEXT NOT NULL, page_key TEXT NOT NULL, next INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (source, page_key));
CREATE TABLE IF NOT EXISTS files (
    source TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
    meta TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (source, url));
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT, last_run TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS selectors (
    source TEXT NOT NULL, page_kind TEXT NOT NULL, selector TEXT NOT NULL, matched_at TEXT NOT NULL,
    PRIMARY KEY (source, page_kind, selector));
CREATE TABLE IF NOT EXISTS state_format (version INTEGER NOT NULL);
"""
_FORMAT = 2  # 1: plaintext keys, URLs, titles; 2: keyed hashes and encrypted URLs
_KEY_BYTES = 32


def _state_secret(db_path: Path) -> bytes:
    """The state's own random key, next to it (0600); created on first use, atomically (written
    to a private temporary file, then linked into place: a concurrent crawl reads either no
    file or the whole key)."""
    key_path = db_path.with_name(db_path.name + ".key")
    secret = random_key_file(key_path, _KEY_BYTES)
    if len(secret) != _KEY_BYTES:
        raise ValueError(f"crawl state key {key_path} is {len(secret)} bytes, not {_KEY_BYTES}: delete it "
                         f"and {db_path} (the next crawl then starts from scratch)")
    return secret


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
    # when a page of it was last recorded (a listing's links past its cap: the least recent first);
    # not compared: two states holding the same thread answer alike
    updated_at: str | None = field(default=None, compare=False)


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
        fresh = not self.path.exists()
        self._db = connect(self.path, synchronous="NORMAL", pragmas={"secure_delete": "ON"})
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}  # rows left to the next crawl, by table (`_room`)
        if self.path.exists() and str(self.path) != ":memory:":
            self._key = DataKey(_state_secret(self.path))
        else:
            self._key = DataKey(os.urandom(_KEY_BYTES))
        self._upgrade(fresh)

    def _upgrade(self, fresh: bool) -> None:
        """Empty a state written with plaintext keys (an older Vigie): its rows can no longer be
        looked up, and their text must not stay on disk (secure_delete, then VACUUM)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute("SELECT version FROM state_format").fetchone()
            if row is not None and row[0] >= _FORMAT:
                self._db.execute("COMMIT")
                return
            old = not fresh and any(self._db.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
                                    for t in ("threads", "posts", "pastes", "files"))
            for table in ("threads", "posts", "pastes", "pastes_cut", "listing_offsets", "files"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("UPDATE sources SET reason=NULL")
            self._db.execute("DELETE FROM state_format")
            self._db.execute("INSERT INTO state_format (version) VALUES (?)", (_FORMAT,))
            self._db.execute("COMMIT")
            if old:
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _h(self, kind: str, value: str) -> str:
        """The stored form of a lookup key: a keyed hash, per source and per kind of key."""
        msg = f"vigie/crawl-state/v2|{self.source}|{kind}|{value}".encode("utf-8", "surrogatepass")
        return hmac.digest(self._key.key, msg, "sha256").hex()

    def _seal(self, row_key: str, text: str) -> str:
        return base64.b64encode(encrypt_text(self._key, text, associated=row_key.encode())).decode("ascii")

    def _open(self, row_key: str, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return decrypt_text(self._key, base64.b64decode(sealed), associated=row_key.encode())
        except (InvalidTag, ValueError):  # another key file (deleted and recreated): re-crawl it
            return None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _room(self, table: str) -> bool:
        """Whether `table` (files pending, pastes_cut) takes one more row of this source; call with
        the lock held. Counted once per crawl, then kept by the methods that add and remove rows."""
        if table not in self._pending:
            where = " AND status='pending'" if table == "files" else ""
            self._pending[table] = self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE source=?{where}",
                                                    (self.source,)).fetchone()[0]
        if self._pending[table] < MAX_PENDING:
            return True
        if self._pending.get(table + "|said") is None:
            self._pending[table + "|said"] = 1
            logger.warning("crawl state of source {}: {} rows already left to the next crawls ({}): a new one is not "
                           "remembered (fetched by this crawl only)", self.source, MAX_PENDING,
                           "attachments pending" if table == "files" else "pastes cut short or refused")
        return False

    def _count(self, table: str, change: int) -> None:
        if table in self._pending:
            self._pending[table] += change

    def _one(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _exec(self, sql: str, *args: Any) -> None:
        with self._lock:
            self._db.execute(sql, args)

    # ---------------------------------------------------------------- threads
    def thread(self, thread_key: str) -> ThreadState | None:
        hashed = self._h("thread", thread_key)
        row = self._one("SELECT last_page_url, page_count, marker, last_post_id, last_posted_at, updated_at "
                        "FROM threads WHERE source=? AND thread_key=?", self.source, hashed)
        if row is None:
            return None
        return ThreadState(thread_key, self._open(hashed, row[0]), row[1], self._open(hashed + "|marker", row[2]),
                           self._open(hashed + "|post", row[3]), row[4], row[5])

    def record_thread_page(self, thread_key: str, page_url: str, page_index: int, *,
                           title: str | None = None, board: str | None = None,
                           marker: str | None = None, final: bool = False,
                           last_post_id: str | None = None, last_posted_at: str | None = None) -> None:
        """The thread's pages up to `page_url` are fully handed off. `marker` is stored only
        when `final` (the thread's last page was reached), so an interrupted thread is revisited.
        `title` and `board` are accepted for the pipeline's sake and not stored (see the module
        docstring); URLs, the marker and the last post id are sealed."""
        hashed = self._h("thread", thread_key)
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
            self.source, hashed, None, None, self._seal(hashed, page_url), page_index,
            self._seal(hashed + "|marker", marker) if final and marker is not None else None,
            self._seal(hashed + "|post", last_post_id) if last_post_id else None,
            last_posted_at, _now(), 1 if final else 0)

    # ---------------------------------------------------------------- posts and pastes
    def post_seen(self, post_key: str, content_hash: str) -> bool:
        row = self._one("SELECT content_hash FROM posts WHERE source=? AND post_key=?", self.source,
                        self._h("post", post_key))
        return row is not None and row[0] == content_hash

    def record_post(self, post_key: str, content_hash: str, thread_key: str | None) -> None:
        self._exec("INSERT INTO posts (source, post_key, content_hash, thread_key, seen_at) VALUES (?,?,?,?,?) "
                   "ON CONFLICT(source, post_key) DO UPDATE SET content_hash=excluded.content_hash,"
                   " seen_at=excluded.seen_at", self.source, self._h("post", post_key), content_hash,
                   self._h("thread", thread_key) if thread_key else None, _now())

    def paste_seen(self, paste_id: str) -> bool:
        return self._one("SELECT 1 FROM pastes WHERE source=? AND paste_id=?", self.source,
                         self._h("paste", paste_id)) is not None

    def record_paste(self, paste_id: str, content_hash: str) -> None:
        hashed = self._h("paste", paste_id)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO pastes (source, paste_id, content_hash, seen_at) VALUES (?,?,?,?)",
                             (self.source, hashed, content_hash, _now()))
            gone = self._db.execute("DELETE FROM pastes_cut WHERE source=? AND paste_id=?", (self.source, hashed))
            self._count("pastes_cut", -gone.rowcount)

    def paste_cut(self, paste_id: str, meta: dict[str, Any], *, cut: bool = True) -> int:
        """A paste that came cut short of its Content-Length, left to the next crawl (crawler.spiders.
        paste): its link and provenance (`meta`) sealed, as a pending file's; the crawls it came cut
        in so far, this one included, returned. Read whole or as it arrives, it is recorded
        (`record_paste`) and its row goes. Not `cut`: a paste a wall answered for (a captcha), left to
        the next crawl the same way, its count unchanged."""
        hashed = self._h("paste", paste_id)
        with self._lock:
            row = self._db.execute("SELECT cuts FROM pastes_cut WHERE source=? AND paste_id=?",
                                   (self.source, hashed)).fetchone()
            cuts = (int(row[0]) if row else 0) + cut
            if row is None:
                if not self._room("pastes_cut"):
                    return cuts
                self._count("pastes_cut", 1)
            self._db.execute("INSERT OR REPLACE INTO pastes_cut (source, paste_id, meta, cuts, updated_at) "
                             "VALUES (?,?,?,?,?)", (self.source, hashed, self._seal(hashed, json.dumps(meta)), cuts,
                                                    _now()))
        return cuts

    def paste_cuts(self, paste_id: str) -> int:
        """The crawls in which the paste came cut short so far (0: none, or it was read since)."""
        row = self._one("SELECT cuts FROM pastes_cut WHERE source=? AND paste_id=?", self.source,
                        self._h("paste", paste_id))
        return int(row[0]) if row else 0

    def cut_pastes(self) -> list[dict[str, Any]]:
        """The provenance (`paste_cut`'s meta) of every paste left to this crawl cut short."""
        with self._lock:
            rows = self._db.execute("SELECT paste_id, meta FROM pastes_cut WHERE source=? ORDER BY updated_at LIMIT ?",
                                    (self.source, MAX_PENDING)).fetchall()
        opened = (self._open(hashed, sealed) for hashed, sealed in rows)
        return [json.loads(text) for text in opened if text is not None]

    # ---------------------------------------------------------------- listings past their link cap
    def listing_offset(self, page_key: str) -> int:
        """Where the next crawl starts following a listing page's links (crawler.spiders.forum:
        a page holding more than `limits.max_links_per_page`); 0 when it never stopped."""
        row = self._one("SELECT next FROM listing_offsets WHERE source=? AND page_key=?", self.source,
                        self._h("listing", page_key))
        return int(row[0]) if row else 0

    def set_listing_offset(self, page_key: str, offset: int) -> None:
        self._exec("INSERT OR REPLACE INTO listing_offsets (source, page_key, next, updated_at) VALUES (?,?,?,?)",
                   self.source, self._h("listing", page_key), offset, _now())

    # ---------------------------------------------------------------- attachments
    def file_status(self, url: str) -> str | None:
        row = self._one("SELECT status FROM files WHERE source=? AND url=?", self.source, self._h("file", url))
        return row[0] if row else None

    def file_pending(self, url: str, meta: dict[str, Any], *, again: bool = False) -> None:
        """Remember a discovered attachment before fetching it (a to-do, not a result); its URL
        and `meta` (the provenance of the file) sealed, because the next crawl must fetch it.
        `again`: the meta of a file still pending is replaced (a download cut short counts its
        crawls there: crawler.spiders._files); a file done or refused stays so."""
        hashed = self._h("file", url)
        sealed = self._seal(hashed, json.dumps({"url": url, "meta": meta}))
        if again:
            self._exec("INSERT INTO files (source, url, status, meta, updated_at) VALUES (?,?,?,?,?) "
                       "ON CONFLICT(source, url) DO UPDATE SET meta=excluded.meta, updated_at=excluded.updated_at "
                       "WHERE files.status='pending'", self.source, hashed, "pending", sealed, _now())
            return
        with self._lock:
            if self._db.execute("SELECT 1 FROM files WHERE source=? AND url=?", (self.source, hashed)).fetchone() \
                    or not self._room("files"):
                return
            self._db.execute("INSERT INTO files (source, url, status, meta, updated_at) VALUES (?,?,?,?,?)",
                             (self.source, hashed, "pending", sealed, _now()))
            self._count("files", 1)

    def file_done(self, url: str, status: str = "done", reason: str | None = None) -> None:
        """`status`: done (handed off), refused (bomb, too big, wrong type: never retried)."""
        with self._lock:
            row = self._db.execute("SELECT status FROM files WHERE source=? AND url=?",
                                   (self.source, self._h("file", url))).fetchone()
        if row is not None and row[0] == "pending":
            self._count("files", -1)
        self._exec("INSERT INTO files (source, url, status, reason, updated_at) VALUES (?,?,?,?,?) "
                   "ON CONFLICT(source, url) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
                   " updated_at=excluded.updated_at, meta=NULL", self.source, self._h("file", url), status,
                   mask_text(reason), _now())

    def pending_files(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute("SELECT url, meta FROM files WHERE source=? AND status='pending' "
                                    "ORDER BY updated_at LIMIT ?", (self.source, MAX_PENDING)).fetchall()
        out: list[tuple[str, dict[str, Any]]] = []
        for hashed, sealed in rows:
            opened = self._open(hashed, sealed)
            if opened is not None:
                data = json.loads(opened)
                out.append((data["url"], data["meta"]))
        return out

    # ---------------------------------------------------------------- selector history
    def selectors_matched(self) -> set[tuple[str, str]]:
        """(page kind, selector name) pairs that matched some page in an earlier crawl. Names are
        the source's own field names (`post.date`), not crawled text: stored as they are."""
        with self._lock:
            rows = self._db.execute("SELECT page_kind, selector FROM selectors WHERE source=?",
                                    (self.source,)).fetchall()
        return {(str(k), str(n)) for k, n in rows}

    def record_selectors(self, matched: set[tuple[str, str]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT INTO selectors (source, page_kind, selector, matched_at) VALUES (?,?,?,?) "
                "ON CONFLICT(source, page_kind, selector) DO UPDATE SET matched_at=excluded.matched_at",
                [(self.source, kind, name, _now()) for kind, name in sorted(matched)])

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
                   self.source, status, mask_text(reason), json.dumps(last_run) if last_run else None, _now())

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("threads", "posts", "pastes", "files"):
            row = self._one(f"SELECT COUNT(*) FROM {table} WHERE source=?", self.source)
            out[table] = int(row[0]) if row else 0
        return out
