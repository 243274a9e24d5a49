"""The organisations' watchlists: their names, brands, domains and software, found on leak sites
(victim records) and in crawled posts (thread titles and bodies).

Matching is on normalised text (`indexer.victims.normalise_name`: case, accents, punctuation,
legal suffixes) and whole tokens only: "Orange" matches "orange sa a été piratée" but not
"orangeraie"; a domain matches by registrable domain. A brand that is a common word is the
obvious false positive: the organisation lists exclusions ("orange mécanique"), and a match inside
an exclusion is ignored.

Alerts go through the outbox like identifier alerts (same channels, same exactly-once rules):
one per (organisation, victim, status) for a victim ("named on a leak site"; announced, then
published as an update), one per (organisation, item) for a post ("mentioned on <source>").
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import re2
from loguru import logger

from alerts.matcher import window_end
from alerts.outbox import NewAlert, OutboxBackend
from indexer.models import CrawledItem, Severity
from indexer.redact import mask_text, mask_url
from indexer.victims import VictimChange, normalise_name, registrable_domain
from vigie.config.schema import OrganisationConfig, Watchlist

__all__ = ["WatchHit", "WatchTerms", "WatchlistMatcher"]

# Domains in a post, by RE2: Python's `re` took time quadratic in a run of one-letter labels that
# ends on no top-level domain (`a.a.a.…a.1`): 16 kB 2.6 CPU-s, a megabyte-long post hours, per
# organisation watching a domain, and any member of a watched forum could post it (attacker's
# review, round 16). RE2's `\b` is ASCII's: a non-ASCII letter or digit is made `_` first (one
# for one, so spans stay; `_` is a word character no domain holds), so that `\b` sees what
# Python's Unicode `\b` saw: `example.comédie` holds no domain, as it did.
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_DOMAIN_RE = re2.compile(r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b", _OPTIONS)
_WIDE_WORD = re.compile(r"(?![\x00-\x7f])\w")


def _domains(text: str) -> list[str]:
    """The domain-like runs of `text`, as `re.findall` with Python's Unicode `\b` finds them."""
    seen = text if text.isascii() else _WIDE_WORD.sub("_", text)
    return [text[m.start():m.end()] for m in _DOMAIN_RE.finditer(seen)]


@dataclass(frozen=True)
class WatchHit:
    term: str  # as the organisation wrote it
    kind: str  # name | brand | software | domain


class WatchTerms:
    """One organisation's compiled watchlist."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.terms: list[tuple[str, str, str]] = []  # (normalised, as written, kind)
        for kind, values in (("name", watchlist.names), ("brand", watchlist.brands),
                             ("software", watchlist.software)):
            for v in values:
                norm = normalise_name(v)
                if norm:
                    self.terms.append((norm, v, kind))
        self.domains = {d for d in (registrable_domain(x) for x in watchlist.domains) if d}
        self.exclusions = [normalise_name(x, drop_suffixes=False) for x in watchlist.exclusions if x.strip()]
        longest_first = sorted({t for t, _, _ in self.terms}, key=len, reverse=True)
        self._pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, longest_first)) + r")(?!\w)") \
            if self.terms else None

    def __bool__(self) -> bool:
        return bool(self.terms or self.domains)

    def find(self, text: str) -> WatchHit | None:
        """The first watched term in `text` (whole tokens, outside exclusions), or None."""
        norm = normalise_name(text, drop_suffixes=False)
        if self._pattern is not None:
            # each exclusion's places, found once a text: asked again for each match of a term, a
            # post repeating an excluded phrase ("orange mécanique" x 25,000) cost time quadratic in
            # it, 3.6 CPU-s for 100 kB (attacker's review, round 16)
            excluded: list[tuple[list[int], list[int]]] | None = None
            for m in self._pattern.finditer(norm):
                if self.exclusions:
                    if excluded is None:
                        excluded = [self._places(norm, ex) for ex in self.exclusions]
                    if any(_within(places, m.start(), m.end()) for places in excluded):
                        continue
                term = next(t for t in self.terms if t[0] == m.group(1))
                return WatchHit(term[1], term[2])
        for candidate in _domains(text):
            dom = registrable_domain(candidate)
            if dom in self.domains:
                return WatchHit(candidate, "domain")
        return None

    @staticmethod
    def _places(norm: str, exclusion: str) -> tuple[list[int], list[int]]:
        """Where `exclusion` stands in `norm` as whole tokens: its starts and ends, in order."""
        found = [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(exclusion) + r"(?!\w)", norm)]
        return [a for a, _ in found], [b for _, b in found]


def _within(places: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of `places` (non-overlapping, in order: only the last
    one starting at or before `start` can hold it)."""
    starts, ends = places
    k = bisect.bisect_right(starts, start) - 1
    return k >= 0 and end <= ends[k]


def _aid(org_id: str, subject: str) -> str:
    return hashlib.sha256(f"vigie-watch|v1|{org_id}|{subject}".encode()).hexdigest()[:32]


def _excerpt(text: str, term: str, width: int = 160) -> str:
    """Around the match, with identifiers masked (`indexer.redact.mask_text`)."""
    low = text.casefold()
    i = max(0, low.find(term.casefold()))
    return mask_text(text[max(0, i - width // 2): i + len(term) + width // 2].strip()) or ""


class WatchlistMatcher:
    """`on_victim(change) -> alerts made` (the victims index's hook) and `accept(item) -> 0`
    (an `ItemSink` for posts, teed beside the ingest sink)."""

    def __init__(self, outbox: OutboxBackend, organisations: Mapping[str, OrganisationConfig],
                 clock: Callable[[], float] = time.time) -> None:
        self.outbox = outbox
        self.organisations = dict(organisations)
        self.terms = {oid: WatchTerms(o.watchlist) for oid, o in organisations.items()}
        self.clock = clock
        self._lock = threading.Lock()

    def _channels(self, org: OrganisationConfig, severity: Severity, now: float) -> tuple[tuple[str, str, float], ...]:
        policy = next((p for name, p in org.policy.items() if name == severity.name), "immediate")
        return tuple((name, policy, window_end(policy, now))
                     for name, ch in (("email", org.channels.email), ("webhook", org.channels.webhook))
                     if ch is not None and ch.enabled)

    def _alert(self, org: OrganisationConfig, subject: str, severity: Severity,
               payload: dict[str, Any]) -> NewAlert | None:
        if severity < Severity.parse(org.min_severity):
            return None
        now = self.clock()
        aid = _aid(org.id, subject)
        full = {"alert_id": aid, "organisation": org.id, "organisation_name": org.display_name,
                "origin": "watchlist", "created_at": datetime.fromtimestamp(now, UTC).isoformat(),
                "severity": severity.name, "matched": {}, "matched_total": 0, "categories": [], **payload}
        return NewAlert(aid, org.id, subject, int(severity), "watchlist", full, self._channels(org, severity, now))

    def on_victim(self, change: VictimChange) -> int:
        """A new or published victim: alert every organisation whose watchlist names it."""
        if change.kind not in ("new", "published"):
            return 0
        v = change.victim
        text = " ".join(x for x in (v.name, v.domain or "") if x)
        alerts: list[NewAlert] = []
        for oid, terms in self.terms.items():
            hit = terms.find(text) if terms else None
            if hit is None:
                continue
            published = v.status == "published"
            a = self._alert(self.organisations[oid], f"victim:{v.id}:{v.status}", Severity.high, {
                "watch_kind": "victim", "alert_kind": "update" if change.kind == "published" else "new",
                "title": f"{'published' if published else 'named'} on a leak site",
                "source": change.record.source, "url": mask_url(change.record.url), "victim_id": v.id,
                "victim_name": v.name, "victim_domain": v.domain, "status": v.status,
                "announced_at": v.announced_at.isoformat() if v.announced_at else None,
                "deadline_at": v.deadline_at.isoformat() if v.deadline_at else None,
                "files": len(v.files), "watch_term": hit.term, "watch_term_kind": hit.kind,
                "excerpt": mask_text(f"{v.name} ({v.domain or '-'}) {v.country or ''} {v.sector or ''}".strip()),
            })
            if a is not None:
                alerts.append(a)
        return self._add(alerts)

    def accept(self, item: CrawledItem) -> int:
        """A crawled post: alert organisations whose watchlist its title or body mentions.
        Returns 0: it finds no fragments (the ingest sink beside it does)."""
        text = f"{item.thread_title or ''}\n{item.body}" if item.raw is None else (item.thread_title or "")
        alerts: list[NewAlert] = []
        for oid, terms in self.terms.items():
            hit = terms.find(text) if terms else None
            if hit is None:
                continue
            a = self._alert(self.organisations[oid], f"mention:{item.content_hash[:32]}", Severity.medium, {
                "watch_kind": "mention", "alert_kind": "new", "title": f"mentioned on {item.source}",
                "source": item.source, "url": mask_url(item.url), "thread_title": mask_text(item.thread_title or ""),
                "posted_at": item.posted_at.isoformat() if item.posted_at else None,
                "deadline_at": None, "watch_term": hit.term, "watch_term_kind": hit.kind,
                "excerpt": _excerpt(text, hit.term),
            })
            if a is not None:
                alerts.append(a)
        self._add(alerts)
        return 0

    def _add(self, alerts: list[NewAlert]) -> int:
        if not alerts:
            return 0
        with self._lock:
            made = self.outbox.add_alerts(alerts)
        if made:
            logger.info("{} watchlist alert(s)", len(made))
        return len(made)
