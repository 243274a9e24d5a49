"""Retro-hunt: when an organisation registers tokens, alert on fragments already in the store.

The store answers `iter_by_tokens` from its token index (never a scan). Only the tokens that were
new for the organisation are searched; alerts go through the same matcher and outbox as live
matches, so a fragment already alerted on is not alerted again.
"""

from __future__ import annotations

from collections.abc import Iterable

from loguru import logger

from alerts.matcher import AlertMatcher
from indexer.models import StoredFragment
from indexer.store.base import FragmentStore

__all__ = ["retro_hunt"]


def retro_hunt(store: FragmentStore, matcher: AlertMatcher, org_id: str,
               hex_tokens: Iterable[str], batch: int = 500) -> tuple[int, int]:
    """Returns (fragments found, alerts made)."""
    found = made = 0
    seen: set[str] = set()
    pending: list[StoredFragment] = []
    for doc in store.iter_by_tokens(hex_tokens):
        if doc.id in seen:
            continue
        seen.add(doc.id)
        found += 1
        pending.append(doc)
        if len(pending) >= batch:
            made += matcher.on_fragments(pending, origin="retrohunt", only_orgs=[org_id])
            pending.clear()
    if pending:
        made += matcher.on_fragments(pending, origin="retrohunt", only_orgs=[org_id])
    logger.info("retro-hunt for {}: {} past fragment(s) hold its tokens, {} new alert(s)",
                org_id, found, made)
    return found, made
