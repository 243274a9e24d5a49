"""Matching: stored fragments' tokens against the registry, one alert per (organisation, leak).

Wiring (the ingest path calls the hook with every document of an item, new and old alike):

    matcher = AlertMatcher(registry, outbox, organisations, leaks)   # vigie.wiring.build_matcher
    ingestor = Ingestor(..., leaks=leak_store, on_stored=matcher.on_fragments)

A dump is reposted many times; the organisation needs one alert for the leak, then an update
when it spreads (a copy on a new source, or more of its people), not an alert per copy. The
ingest path places each document in its leak before calling the hook, so the matcher groups its
hits by leak and hands each (organisation, leak) to `Outbox.record_leak_match`, which decides
new / update / nothing in one transaction. Documents without records (no leak: prose, a dox)
keep one alert per (organisation, fragment), as before leaks existed.

Idempotency comes from the outbox's UNIQUE (org, subject): calling the hook again with the same
documents makes no new alert, so the ingest path need not remember what it already passed.
The payload names the leak, never fragment ids.
"""

from __future__ import annotations

import hashlib
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from alerts.outbox import LeakChange, LeakMatch, NewAlert, OutboxBackend
from alerts.registry import Registry
from indexer.leaks.models import Leak, LeakStore
from indexer.models import Severity, StoredFragment
from indexer.redact import mask_provenance
from vigie.config.schema import OrganisationConfig

__all__ = ["AlertMatcher", "alert_id_for", "build_leak_payload", "build_payload", "window_end"]

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


def build_leak_payload(alert_id: str, org: OrganisationConfig, leak: Leak | None, change: LeakChange,
                       doc: StoredFragment, severity: Severity, origin: str, now: float) -> dict[str, Any]:
    """A leak alert: the leak's id and first sighting, and only what concerns `org`: how many of
    its people (distinct matched identifiers, over every copy), which types, the sources where
    they appear, what changed since the last alert; one copy's masked provenance and redacted
    excerpt as evidence. No fragment id, no token, no count of other people."""
    return {
        "alert_id": alert_id,
        "alert_kind": change.kind,
        "organisation": org.id,
        "organisation_name": org.display_name,
        "origin": origin,
        "created_at": datetime.fromtimestamp(now, UTC).isoformat(),
        "severity": severity.name,
        "leak_id": leak.id if leak is not None else change.subject.split("/", 1)[0],
        "leak_first_seen": leak.first_seen.isoformat() if leak is not None else None,
        "leak_sources": list(change.sources),
        "new_sources": list(change.new_sources),
        "people": change.people,
        "people_before": change.people_before,
        **mask_provenance(doc.provenance).to_json(),
        "kind": doc.kind,
        "lines": [doc.start_line, doc.end_line],
        "matched": dict(sorted(change.types.items())),
        "matched_total": change.people,
        "categories": list(change.categories),
        "excerpt": doc.excerpt,
    }


class AlertMatcher:
    """`on_fragments(docs) -> int` matches documents and records new alerts (returns how many).

    With `leaks`, the alerts of documents that belong to a leak are per leak (see the module
    docstring), and alerts raised for fragments before leaks existed are attached to their leak
    when the matcher is built (`Outbox.attach_leaks`, idempotent)."""

    def __init__(self, registry: Registry, outbox: OutboxBackend,
                 organisations: Mapping[str, OrganisationConfig],
                 clock: Callable[[], float] = time.time, leaks: LeakStore | None = None) -> None:
        self.registry = registry
        self.outbox = outbox
        self.organisations = dict(organisations)
        self.clock = clock
        self.leaks = leaks
        self._warned: set[str] = set()
        self._lock = threading.Lock()  # one registry/outbox connection, possibly several threads
        if leaks is not None:
            attached = outbox.attach_leaks(leaks.leaks_of_fragments(outbox.unattached_fragments()))
            if attached:
                logger.info("{} alert(s) raised for fragments attached to their leak", attached)

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
        # every token of the batch in one list, and where each (document, type) run of it ends:
        # an item's tokens are ~all unregistered, so only the hits get per-token Python work
        flat: list[str] = []
        ends: list[int] = []
        runs: list[tuple[int, str]] = []
        for i, doc in enumerate(docs):
            for id_type, tokens in doc.tokens.items():
                if tokens:
                    flat.extend(tokens)
                    ends.append(len(flat))
                    runs.append((i, id_type))
        if not flat:
            return 0
        hits: dict[tuple[int, str], dict[str, set[str]]] = {}
        for k, orgs in self.registry.registered_hex(flat):
            i, id_type = runs[bisect_right(ends, k)]
            tok = flat[k]
            for org_id in orgs:
                if only is not None and org_id not in only:
                    continue
                hits.setdefault((i, org_id), {}).setdefault(id_type, set()).add(tok)
        if not hits:
            return 0
        now = self.clock()
        leak_of = self.leaks.leaks_of_fragments(d.id for d in docs) if self.leaks is not None else {}
        alerts: list[NewAlert] = []
        by_leak: dict[tuple[str, str], list[tuple[int, dict[str, set[str]]]]] = {}
        for (i, org_id), by_type in hits.items():
            org = self._org(org_id)
            if org is None:
                continue
            doc = docs[i]
            leak_id = leak_of.get(doc.id)
            if leak_id is not None:
                by_leak.setdefault((org_id, leak_id), []).append((i, by_type))
                continue
            severity = Severity(doc.severity)
            if severity < Severity.parse(org.min_severity):
                continue
            matched = {t: len(s) for t, s in by_type.items()}
            aid = alert_id_for(org_id, doc.id)
            alerts.append(NewAlert(aid, org_id, doc.id, int(severity), origin,
                                   build_payload(aid, org, doc, matched, origin, now),
                                   _channels(org, severity, now)))
        created = self.outbox.add_alerts(alerts)
        for (org_id, leak_id), parts in sorted(by_leak.items()):
            made = self._leak_alert(self.organisations[org_id], leak_id, [(docs[i], bt) for i, bt in parts],
                                    origin, now)
            if made is not None:
                created.append(made)
        if created:
            logger.info("{} new alert(s) from {} fragment(s) ({})", len(created), len(docs), origin)
        return len(created)

    def _org(self, org_id: str) -> OrganisationConfig | None:
        org = self.organisations.get(org_id)
        if org is None and org_id not in self._warned:
            self._warned.add(org_id)
            logger.warning("tokens registered for organisation {!r} match, but no "
                           "config/organisations/{}.yaml defines it: no alert made", org_id, org_id)
        return org

    def _leak_alert(self, org: OrganisationConfig, leak_id: str,
                    parts: list[tuple[StoredFragment, dict[str, set[str]]]], origin: str, now: float) -> str | None:
        """One (organisation, leak) of this batch: record it, alert if new or spread."""
        tokens: dict[str, set[str]] = {}
        for _, by_type in parts:
            for t, toks in by_type.items():
                tokens.setdefault(t, set()).update(toks)
        docs = [d for d, _ in parts]
        severity = max(Severity(d.severity) for d in docs)
        # the evidence: the copy holding most of the organisation's identifiers
        doc = max(parts, key=lambda p: (sum(len(s) for s in p[1].values()), p[0].id))[0]
        match = LeakMatch(org=org.id, leak_id=leak_id, tokens=tokens,
                          sources=tuple(dict.fromkeys(d.source for d in docs)),
                          categories=tuple(sorted({c for d in docs for c in d.categories})),
                          fragment_ids=tuple(d.id for d in docs))
        leak = self.leaks.get(leak_id) if self.leaks is not None else None

        def build(change: LeakChange) -> NewAlert | None:
            if severity < Severity.parse(org.min_severity):
                return None
            aid = alert_id_for(org.id, change.subject)
            return NewAlert(aid, org.id, change.subject, int(severity), origin,
                            build_leak_payload(aid, org, leak, change, doc, severity, origin, now),
                            _channels(org, severity, now))

        return self.outbox.record_leak_match(match, build)

    on_stored = on_fragments


def _channels(org: OrganisationConfig, severity: Severity, now: float) -> tuple[tuple[str, str, float], ...]:
    """(channel, policy, first attempt) for each enabled channel; digests wait for their window."""
    policy = next((p for name, p in org.policy.items() if name == severity.name), "immediate")
    return tuple(
        (name, policy, window_end(policy, now))
        for name, ch in (("email", org.channels.email), ("webhook", org.channels.webhook))
        if ch is not None and ch.enabled
    )
