"""The embedded store's facets and search totals equal a brute-force count over the same
documents, for random filters; and reads do not queue behind the write lock.

Why brute force in Python rather than the old SQL: the facets are now computed in one grouped
pass (day numbers, categories split from a column) instead of five queries; an independent
count over the documents themselves is what catches a facet drifting from the filter."""

from __future__ import annotations

import random
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.models import Severity, StoredFragment
from indexer.store.base import Aggregations, SearchQuery
from indexer.store.embedded import EmbeddedStore
from tests.fixtures.es import synthetic_docs

SOURCES = ("forum-a", "forum-b", "paste-c")
CATEGORIES = ("health", "religion", "sexual_orientation")
WORDS = ("clients", "mutuelle", "fichier", "patients", "banque")
KINDS = ("csv", "sql_dump", "json")
BASE = datetime(2025, 12, 30, 22, tzinfo=UTC)


def corpus(seed: int) -> list[StoredFragment]:
    rng = random.Random(seed)
    docs: list[StoredFragment] = []
    for i in range(0, 240, 4):
        cats = tuple(c for c in CATEGORIES if rng.random() < 0.3)
        docs += synthetic_docs(4, start=i, source=rng.choice(SOURCES), severity=rng.choice(list(Severity)),
                               categories=cats, kind=rng.choice(KINDS),
                               excerpt_words=" ".join(rng.sample(WORDS, rng.randint(0, 3))),
                               base_time=BASE + timedelta(hours=rng.randint(0, 24 * 6)),
                               step=timedelta(minutes=rng.choice((1, 90, 700))))
    # some documents have no posted_at: their time is fetched_at
    return [replace(d, provenance=replace(d.provenance, posted_at=None)) if k % 7 == 0 else d
            for k, d in enumerate(docs)]


def random_query(rng: random.Random) -> SearchQuery:
    def some(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(rng.sample(values, rng.randint(1, 2))) if rng.random() < 0.35 else ()

    since = BASE + timedelta(hours=rng.randint(0, 24 * 6)) if rng.random() < 0.25 else None
    until = BASE + timedelta(hours=rng.randint(24, 24 * 8)) if rng.random() < 0.25 else None
    return SearchQuery(
        text=" ".join(rng.sample(WORDS, rng.randint(1, 2))) if rng.random() < 0.5 else None,
        sources=some(SOURCES), categories=some(CATEGORIES),
        severities=tuple(rng.sample(list(Severity), rng.randint(1, 2))) if rng.random() < 0.3 else (),
        min_severity=rng.choice(list(Severity)) if rng.random() < 0.2 else None,
        since=since, until=until, limit=500)


def _fold(text: str) -> set[str]:
    """Words as the FTS5 `unicode61 remove_diacritics 2` tokenizer sees them."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return set(re.findall(r"[^\W_]+", plain))


def when(d: StoredFragment) -> datetime:
    at = d.posted_at or d.fetched_at
    assert at is not None
    return at


def matches(d: StoredFragment, q: SearchQuery) -> bool:
    if q.text and not _fold(q.text) <= _fold(" ".join([d.excerpt, d.thread_title or "", d.author or "", *d.evidence])):
        return False
    return ((not q.sources or d.source in q.sources)
            and (not q.severities or d.severity in q.severities)
            and (q.min_severity is None or d.severity >= q.min_severity)
            and (not q.categories or bool(set(d.categories) & set(q.categories)))
            and (q.since is None or when(d) >= q.since)
            and (q.until is None or when(d) < q.until))


def brute_force(docs: list[StoredFragment], q: SearchQuery) -> Aggregations:
    hit = [d for d in docs if matches(d, q)]

    def count(values: list[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items()))

    return Aggregations(
        total=len(hit), per_source=count([d.source for d in hit]), per_kind=count([d.kind for d in hit]),
        per_severity=count([d.severity.name for d in hit]),
        per_day=count([when(d).astimezone(UTC).date().isoformat() for d in hit]),
        per_category=count([c for d in hit for c in set(d.categories)]))


@pytest.mark.parametrize("where", ["file", "memory"])
def test_facets_equal_brute_force_for_random_filters(tmp_path: Path, where: str) -> None:
    docs = corpus(15)
    store = EmbeddedStore(tmp_path / "store.sqlite3" if where == "file" else ":memory:")
    try:
        store.upsert(docs)
        store.flush()
        rng = random.Random(2026)
        queries = [SearchQuery(limit=500), *(random_query(rng) for _ in range(60))]
        non_empty = 0
        for q in queries:
            want = brute_force(docs, q)
            got = store.aggregations(q)
            assert got == want, q
            page = store.search(q)
            assert page.total == want.total, q
            assert sorted(h.id for h in page.hits) == sorted(d.id for d in docs if matches(d, q)), q
            non_empty += want.total > 0
        assert non_empty > 30  # the random filters exercise real matches, not empty answers
        # dict order is part of the answer (the API returns it as is): sorted keys
        full = store.aggregations()
        assert list(full.per_day) == sorted(full.per_day) and len(full.per_day) > 3
        assert list(full.per_severity) == sorted(full.per_severity)
    finally:
        store.close()


def test_reads_do_not_wait_for_the_write_lock(tmp_path: Path) -> None:
    """A long upsert batch holds the store's write lock for its whole transaction; searches from
    other threads (20 web users) must go on meanwhile, each on its own read connection."""
    store = EmbeddedStore(tmp_path / "store.sqlite3")
    docs = corpus(3)
    store.upsert(docs)
    results: list[int] = []

    def read() -> None:
        q = SearchQuery(text="clients")
        results.append(store.search(q).total + store.aggregations(q).total + store.count())

    # the lock upsert takes, held as a batch would hold it
    with store._lock:
        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        blocked = [t for t in threads if t.is_alive()]
    for t in threads:
        t.join(10)
    assert not blocked, "reads waited for the write lock"
    assert len(results) == 4 and len(set(results)) == 1
    # a batch committed later is visible to the pooled readers
    more = synthetic_docs(3, start=10_000, excerpt_words="clients")
    store.upsert(more)
    assert store.count() == len(docs) + 3
    assert store.get(more[0].id) is not None
    store.close()
