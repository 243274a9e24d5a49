"""Saved free-text searches behind opaque handles, so that what an analyst typed stays out of URLs.

Why: a search for a victim's name, e-mail or NIR carried as `GET /search?q=...` stays in the
browser's history, the reverse proxy's access log and (without our no-referrer header, behind a
proxy that rewrites it) Referer headers. The page's form POSTs the words and filters; the server
keeps them here under a random handle and redirects to `/search?s=HANDLE` (post/redirect/get: the
back button, a reload and the "load more" links work, and none of them carries the words).

A handle is the caller's alone (its session, or its API token's user), lives
`SEARCH_HANDLE_SECONDS` from its last use, at most `MAX_HANDLES_PER_OWNER` per owner (the oldest
goes first), and only in this process's memory: never on disk, gone on restart or logout (the
session id it is filed under no longer authenticates). A handle that is unknown, expired or
another caller's is the same miss (`None`): the page asks to search again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from vigie.web.data import SearchFilters
from vigie.web.models import Principal

__all__ = ["MAX_HANDLES_PER_OWNER", "SEARCH_HANDLE_SECONDS", "SavedSearch", "SearchHandles", "owner_of"]

SEARCH_HANDLE_SECONDS = 3600.0
MAX_HANDLES_PER_OWNER = 32


@dataclass(frozen=True)
class SavedSearch:
    """What the form sent: the filters to run, and the dates as typed (shown back in the form)."""

    filters: SearchFilters
    since: str = ""
    until: str = ""


def owner_of(p: Principal) -> str:
    """A session's handles are its own (a second login of the same user does not see them)."""
    return f"session:{p.session_id}" if p.session_id else f"{p.via}:{p.name}"


class SearchHandles:
    """Thread-safe (uvicorn runs sync routes in a thread pool); bounded per owner and in time."""

    def __init__(self, ttl_seconds: float = SEARCH_HANDLE_SECONDS, per_owner: int = MAX_HANDLES_PER_OWNER) -> None:
        self._ttl = ttl_seconds
        self._per_owner = per_owner
        self._lock = threading.Lock()
        self._by_owner: dict[str, OrderedDict[str, tuple[float, SavedSearch]]] = {}

    def save(self, p: Principal, saved: SavedSearch) -> str:
        handle = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            mine = self._by_owner.setdefault(owner_of(p), OrderedDict())
            mine[handle] = (now, saved)
            while len(mine) > self._per_owner:
                mine.popitem(last=False)
        return handle

    def get(self, p: Principal, handle: str) -> SavedSearch | None:
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            mine = self._by_owner.get(owner_of(p))
            entry = mine.get(handle) if mine is not None else None
            if mine is None or entry is None:
                return None
            mine[handle] = (now, entry[1])  # used: lives on
            mine.move_to_end(handle)
            return entry[1]

    def _expire(self, now: float) -> None:
        for owner in list(self._by_owner):
            mine = self._by_owner[owner]
            while mine and next(iter(mine.values()))[0] < now - self._ttl:
                mine.popitem(last=False)
            if not mine:
                del self._by_owner[owner]
