"""Matching: stored fragments' tokens against the registry, one alert per (organisation, fragment).

Wiring (the ingest path calls the hook with every document of an item, new and old alike):

    matcher = AlertMatcher(registry, outbox, organisations)   # built by vigie.wiring.build_matcher
    ingestor = Ingestor(..., on_stored=matcher.on_fragments)

Idempotency comes from the outbox's UNIQUE (org, fragment_id): calling the hook again with the
same documents makes no new alert, so the ingest path need not remember what it already passed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from alerts.outbox import NewAlert, Outbox
from alerts.registry import Registry
from indexer.models import Severity, StoredFragment
from indexer.redact import mask_provenance
from vigie.config.schema import OrganisationConfig

__all__ = ["AlertMatcher", "alert_id_for", "build_payload", "window_end"]

_WINDOW_SECONDS = {"hourly": 3600, "daily": 86400}


def alert_id_for(org_id: str, fragment_id: str) -> str:
    """Stable: the same organisation and fragment always give the same id (the idempotency key)."""
    return hashlib.sha256(f"vigie-alert|v1|{org_id}|{fragment_id}".encode()).hexdigest()[:32]


def window_end(policy: str, now: float) -> float:
    """When a digest window containing `now` closes (UTC hour / UTC day); `now` if immediate."""
    size = _WINDOW_SECONDS.get(policy)
    if size is None:
        return now
    return (int(now) // size + 1) * size


def build_payload(alert_id: str, org: OrganisationConfig, doc: StoredFragment,
                  matched: Mapping[str, int], origin: str, now: float) -> dict[str, Any]:
    """The alert as sent (and stored): only what concerns `org`: the types and counts of ITS
    identifiers found (`matched`), the redacted excerpt as evidence, the masked provenance.

    No token, no identifier, and nothing about the fragment's other people (no per-type counts
    of the whole fragment): organisation B must learn nothing about organisation A's people
    beyond what the redacted excerpt shows. The provenance is masked again here (it already is
    in documents stored since masking existed; masking a masked value changes nothing)."""
    return {
        "alert_id": alert_id,
        "organisation": org.id,
        "organisation_name": org.display_name,
        "origin": origin,
        "created_at": datetime.fromtimestamp(now, UTC).isoformat(),
        "severity": Severity(doc.severity).name,
        "fragment_id": doc.id,
        **mask_provenance(doc.provenance).to_json(),
        "kind": doc.kind,
        "lines": [doc.start_line, doc.end_line],
        "matched": dict(sorted(matched.items())),
        "matched_total": sum(matched.values()),
        "categories": sorted(doc.categories),
        "excerpt": doc.excerpt,
    }


class AlertMatcher:
    """`on_fragments(docs) -> int` matches documents and records new alerts (returns how many)."""

    def __init__(self, registry: Registry, outbox: Outbox,
                 organisations: Mapping[str, OrganisationConfig],
                 clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.outbox = outbox
        self.organisations = dict(organisations)
        self.clock = clock
        self._warned: set[str] = set()
        self._lock = threading.Lock()  # one registry/outbox connection, possibly several threads

    def __call__(self, docs: Sequence[StoredFragment]) -> int:
        return self.on_fragments(docs)

    def on_fragments(self, docs: Sequence[StoredFragment], origin: str = "ingest",
                     only_orgs: Iterable[str] | None = None) -> int:
        """Record one alert per (organisation, document) not alerted before; returns how many."""
        if not docs:
            return 0
        with self._lock:
            return self._match(docs, origin, only_orgs)

    def _match(self, docs: Sequence[StoredFragment], origin: str,
               only_orgs: Iterable[str] | None) -> int:
        self.registry.refresh()
        if len(self.registry) == 0:
            return 0
        only = set(only_orgs) if only_orgs is not None else None
        flat: list[str] = []
        where: list[tuple[int, str]] = []
        for i, doc in enumerate(docs):
            for id_type, tokens in doc.tokens.items():
                for tok in tokens:
                    flat.append(tok)
                    where.append((i, id_type))
        if not flat:
            return 0
        hits: dict[tuple[int, str], dict[str, set[str]]] = {}
        for (i, id_type), tok, orgs in zip(where, flat, self.registry.orgs_for_hex(flat), strict=True):
            for org_id in orgs:
                if only is not None and org_id not in only:
                    continue
                hits.setdefault((i, org_id), {}).setdefault(id_type, set()).add(tok)
        if not hits:
            return 0
        now = self.clock()
        alerts: list[NewAlert] = []
        for (i, org_id), by_type in hits.items():
            org = self.organisations.get(org_id)
            if org is None:
                if org_id not in self._warned:
                    self._warned.add(org_id)
                    logger.warning("tokens registered for organisation {!r} match, but no "
                                   "config/organisations/{}.yaml defines it: no alert made",
                                   org_id, org_id)
                continue
            doc = docs[i]
            severity = Severity(doc.severity)
            if severity < Severity.parse(org.min_severity):
                continue
            matched = {t: len(s) for t, s in by_type.items()}
            aid = alert_id_for(org_id, doc.id)
            policy = next((p for name, p in org.policy.items() if name == severity.name), "immediate")
            channels = tuple(
                (name, policy, window_end(policy, now))
                for name, ch in (("email", org.channels.email), ("webhook", org.channels.webhook))
                if ch is not None and ch.enabled
            )
            alerts.append(NewAlert(aid, org_id, doc.id, int(severity), origin,
                                   build_payload(aid, org, doc, matched, origin, now), channels))
        created = self.outbox.add_alerts(alerts)
        if created:
            logger.info("{} new alert(s) from {} fragment(s) ({})", len(created), len(docs), origin)
        return len(created)

    on_stored = on_fragments
