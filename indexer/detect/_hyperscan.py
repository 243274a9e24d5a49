"""A Hyperscan database compiled once per process on first use, and its scratch space per thread.

Both users, the seed prefilter (`prefilter`) and the whole-text checks' first look
(`firstlook`), need the same three things: compile lazily (a pool worker compiles its own),
remember why compiling failed (a CPU Hyperscan does not support: the caller then takes its
slower way and `vigie doctor` says why), and one scratch space per thread (Hyperscan's rule).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CompiledOnce"]


class CompiledOnce:
    """`build()` (a compiled `hyperscan.Database`) called once, under a lock, on first `db()`."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._db: Any = None
        self.why = ""  # the compile error, "" while none happened
        self._lock = threading.Lock()
        self._local = threading.local()

    def db(self) -> Any:
        """The database, or None when compiling failed (`why` says how)."""
        if self._db is None and not self.why:
            with self._lock:
                if self._db is None and not self.why:
                    try:
                        self._db = self._build()
                    except Exception as exc:  # (the caller runs without the scan)
                        self.why = f"{type(exc).__name__}: {exc}"
        return self._db

    def scratch(self) -> Any:
        """This thread's scratch space for the database (call after `db()` answered one)."""
        s = getattr(self._local, "scratch", None)
        if s is None:
            import hyperscan

            s = self._local.scratch = hyperscan.Scratch(self.db())
        return s
