"""Detection, storage and search of leaked-data fragments."""

from __future__ import annotations

__all__ = ["IndexerError"]


class IndexerError(Exception):
    """Root of every error the indexer raises on purpose (store, detection, decoding, reveal,
    identifiers), so the CLI's one error boundary can map them all without knowing each."""
