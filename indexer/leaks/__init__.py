"""Leaks: fragments clustered across reposts by their records' keyed hashes.

`models` (the shared types), `records` (rows normalised and keyed), `cluster` (MinHash/LSH
candidates confirmed by exact shared-record counts), `store` (both backends).
"""

from indexer import IndexerError

__all__ = ["LeakError"]


class LeakError(IndexerError):
    """Base class of the leaks' errors (a store that cannot be read or written)."""
