"""`crawler.state.CrawlState` with its rows in Redis, for workers on several hosts.

Same keys, same sealing, same semantics as the SQLite backend (see crawler/state.py): lookup keys
are keyed hashes (HMAC-SHA256 under the shared state key, per source and kind), the URLs a later
crawl must read back are sealed (AES-256-GCM, bound to their row), titles and boards are not
stored. The rows are written by the item pipeline after the sink accepted the item, as before;
what makes delivery exactly-once (post content hashes, thread checkpoints, and the fragment ids
the indexer derives from the items, not from where the crawl ran) does not change.

One crawl per source at a time in the whole cluster (the job lease, crawler.frontier.cluster),
so the read-modify-write of a thread row has a single writer.

Keys (`<prefix>:state:<source>:*`): threads, posts, pastes, pastes_cut, listing_offsets, files
(HASHes), selectors (SET), status (a HASH field in `<prefix>:state:sources`).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from crawler.frontier.link import RedisLink, as_text
from crawler.state import CrawlState, SourceStatus, ThreadState, _now
from indexer.crypto import DataKey
from indexer.redact import mask_text

__all__ = ["RedisCrawlState"]


def _row(raw: bytes | str | None) -> dict[str, Any] | None:
    """A row read back, or None when it is not one this module wrote: any local process that
    reaches Redis can write here, and a row that does not read must cost a re-read of what it
    described, not the crawl (a junk row raised in the listing's callback, and the threads
    listed after it were not crawled, run after run)."""
    if raw is None:
        return None
    try:
        row = json.loads(raw)
    except ValueError:  # includes UnicodeDecodeError
        return None
    return row if isinstance(row, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class RedisCrawlState(CrawlState):
    """Drop-in for `CrawlState(path, source)`: `RedisCrawlState(link, source)`."""

    def __init__(self, link: RedisLink, source: str) -> None:
        self.link = link
        self.source = source
        self.path = link.key("state", source)  # type: ignore[assignment]  # where it lives, for summaries
        self._key = DataKey(link.secret)
        self._lock = threading.Lock()
        self._r = link.client
        self._k = {t: link.key("state", source, t)
                   for t in ("threads", "posts", "pastes", "pastes_cut", "listing_offsets", "files", "selectors")}
        self._sources = link.key("state", "sources")

    def close(self) -> None:
        return None  # the link belongs to the caller

    # ---------------------------------------------------------------- threads
    def thread(self, thread_key: str) -> ThreadState | None:
        hashed = self._h("thread", thread_key)
        row = _row(self._r.hget(self._k["threads"], hashed))
        if row is None:
            return None
        try:
            pages = int(row["pages"])
        except (KeyError, TypeError, ValueError):
            return None
        return ThreadState(thread_key, self._open(hashed, _text(row.get("url"))), pages,
                           self._open(hashed + "|marker", _text(row.get("marker"))),
                           self._open(hashed + "|post", _text(row.get("post"))), _text(row.get("posted_at")),
                           _text(row.get("updated_at")))

    def record_thread_page(self, thread_key: str, page_url: str, page_index: int, *,
                           title: str | None = None, board: str | None = None,
                           marker: str | None = None, final: bool = False,
                           last_post_id: str | None = None, last_posted_at: str | None = None) -> None:
        hashed = self._h("thread", thread_key)
        with self._lock:
            row: dict[str, Any] = _row(self._r.hget(self._k["threads"], hashed)) or {}
            if not isinstance(row.get("pages"), int):
                row = {"url": None, "pages": 0}
            if page_index >= int(row["pages"]):
                row["url"] = self._seal(hashed, page_url)
            row["pages"] = max(int(row["pages"]), page_index)
            if final:
                row["marker"] = self._seal(hashed + "|marker", marker) if marker is not None else None
            if last_post_id:
                row["post"] = self._seal(hashed + "|post", last_post_id)
            if last_posted_at:
                row["posted_at"] = last_posted_at
            row["updated_at"] = _now()
            self._r.hset(self._k["threads"], hashed, json.dumps(row))

    # ---------------------------------------------------------------- posts and pastes
    def post_seen(self, post_key: str, content_hash: str) -> bool:
        got = self._r.hget(self._k["posts"], self._h("post", post_key))
        return got is not None and as_text(got) == content_hash

    def record_post(self, post_key: str, content_hash: str, thread_key: str | None) -> None:
        self._r.hset(self._k["posts"], self._h("post", post_key), content_hash)

    def paste_seen(self, paste_id: str) -> bool:
        return bool(self._r.hexists(self._k["pastes"], self._h("paste", paste_id)))

    def record_paste(self, paste_id: str, content_hash: str) -> None:
        hashed = self._h("paste", paste_id)
        self._r.hset(self._k["pastes"], hashed, content_hash)
        self._r.hdel(self._k["pastes_cut"], hashed)

    def paste_cut(self, paste_id: str, meta: dict[str, Any], *, cut: bool = True) -> int:
        hashed = self._h("paste", paste_id)
        with self._lock:
            cuts = self.paste_cuts(paste_id) + cut
            self._r.hset(self._k["pastes_cut"], hashed,
                         json.dumps({"cuts": cuts, "meta": self._seal(hashed, json.dumps(meta))}))
        return cuts

    def paste_cuts(self, paste_id: str) -> int:
        row = _row(self._r.hget(self._k["pastes_cut"], self._h("paste", paste_id)))
        cuts = row.get("cuts") if row else None
        return cuts if isinstance(cuts, int) else 0

    def cut_pastes(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for hashed, raw in self._r.hgetall(self._k["pastes_cut"]).items():
            row = _row(raw)
            opened = self._open(as_text(hashed), _text(row.get("meta"))) if row else None
            if opened is not None:
                out.append(json.loads(opened))
        return out

    # ---------------------------------------------------------------- listings past their link cap
    def listing_offset(self, page_key: str) -> int:
        got = self._r.hget(self._k["listing_offsets"], self._h("listing", page_key))
        text = as_text(got) if got is not None else ""
        return int(text) if text.isdigit() else 0

    def set_listing_offset(self, page_key: str, offset: int) -> None:
        self._r.hset(self._k["listing_offsets"], self._h("listing", page_key), str(offset))

    # ---------------------------------------------------------------- attachments
    def file_status(self, url: str) -> str | None:
        row = _row(self._r.hget(self._k["files"], self._h("file", url)))
        return _text(row.get("status")) if row else None

    def file_pending(self, url: str, meta: dict[str, Any], *, again: bool = False) -> None:
        hashed = self._h("file", url)
        row = {"status": "pending", "meta": self._seal(hashed, json.dumps({"url": url, "meta": meta}))}
        if again:  # (the meta of a file still pending replaced: crawler.state.CrawlState.file_pending)
            old = _row(self._r.hget(self._k["files"], hashed))
            if old is None or old.get("status") == "pending":
                self._r.hset(self._k["files"], hashed, json.dumps(row))
            return
        self._r.hsetnx(self._k["files"], hashed, json.dumps(row))

    def file_done(self, url: str, status: str = "done", reason: str | None = None) -> None:
        self._r.hset(self._k["files"], self._h("file", url),
                     json.dumps({"status": status, "reason": mask_text(reason), "meta": None}))

    def pending_files(self) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for hashed, raw in self._r.hgetall(self._k["files"]).items():
            row = _row(raw)
            if row is None or row.get("status") != "pending":
                continue
            opened = self._open(as_text(hashed), _text(row.get("meta")))
            if opened is not None:
                data = json.loads(opened)
                out.append((data["url"], data["meta"]))
        return out

    # ---------------------------------------------------------------- selector history
    def selectors_matched(self) -> set[tuple[str, str]]:
        out = set()
        for raw in self._r.smembers(self._k["selectors"]):
            kind, _, name = as_text(raw).partition("\x1f")
            out.add((kind, name))
        return out

    def record_selectors(self, matched: set[tuple[str, str]]) -> None:
        if matched:
            self._r.sadd(self._k["selectors"], *(f"{kind}\x1f{name}" for kind, name in sorted(matched)))

    # ---------------------------------------------------------------- source status
    def status(self) -> SourceStatus | None:
        row = _row(self._r.hget(self._sources, self.source))
        if row is None or _text(row.get("status")) is None or _text(row.get("updated_at")) is None:
            return None
        last_run = row.get("last_run")
        return SourceStatus(self.source, row["status"], _text(row.get("reason")),
                            last_run if isinstance(last_run, dict) else None, row["updated_at"])

    def set_status(self, status: str, reason: str | None = None,
                   last_run: dict[str, Any] | None = None) -> None:
        with self._lock:
            old = self.status()
            row = {"status": status, "reason": mask_text(reason),
                   "last_run": last_run if last_run else (old.last_run if old else None), "updated_at": _now()}
            self._r.hset(self._sources, self.source, json.dumps(row))

    def counts(self) -> dict[str, int]:
        return {t: int(self._r.hlen(self._k[t])) for t in ("threads", "posts", "pastes", "files")}

    def forget(self) -> None:
        """Drop this source's state (the SQLite backend's equivalent is deleting its rows)."""
        self._r.delete(*self._k.values())
        self._r.hdel(self._sources, self.source)


