"""The service's dense write path does no avoidable per-identifier or per-record work (issue 17,
wave 21, bench/write_path.py): token BLOBs are bound without the sqlite3 module's adapter lookup
(a formatted AttributeError per token, 18% of a dense dump's upsert), a re-crawled item's
fragments already placed in a leak get no record hashes computed again, and a fragment's MinHash
bands are looked up in one statement. Each test also checks the answers are those of before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from indexer import ingest as ingest_module
from indexer.crypto import DataKey
from indexer.detect import detect
from indexer.ingest import Ingestor
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem
from indexer.store.base import SearchQuery
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump

MATCH_KEY = MatchKey(bytes(range(32)))
DATA_KEY = DataKey(bytes(range(32, 64)))


def _item(k: int, text: str) -> CrawledItem:
    return CrawledItem(
        source="forum",
        url=f"http://forum.onion/t/{k}",
        raw=text.encode(),
        filename="dump.csv",
        fetched_at=datetime(2026, 12, 4, tzinfo=UTC),
    )


@pytest.fixture
def bytes_adapted() -> Iterator[list[int]]:
    """Counts the `bytes` parameters the sqlite3 module adapts: an adapter registered for `bytes`
    is asked for each one (as the module asks for one, and misses, when none is registered)."""
    calls = [0]

    def adapt(value: bytes) -> bytes:
        calls[0] += 1
        return value

    sqlite3.register_adapter(bytes, adapt)
    try:
        yield calls
    finally:
        del sqlite3.adapters[(bytes, sqlite3.PrepareProtocol)]


def test_token_blobs_are_bound_without_an_adapter_lookup(tmp_path: Path, bytes_adapted: list[int]) -> None:
    text = make_dump("csv", 300, faker_seed=21)[0]
    ingestor = Ingestor(EmbeddedStore(tmp_path / "s.sqlite3"), MATCH_KEY, DATA_KEY, workers=1)
    docs = ingestor.ingest(_item(1, text)).fragments
    tokens = {(t, v) for d in docs for t, vs in d.tokens.items() for v in vs}
    assert len(tokens) > 500
    assert bytes_adapted[0] <= len(docs)  # the ciphertext of each document, no token
    store = ingestor.store
    assert isinstance(store, EmbeddedStore)
    with store._reading() as db:  # the same BLOBs as before
        stored = {(t, b.hex()) for b, t in db.execute("SELECT token, type FROM tokens")}
        assert all(type(b) is bytes for (b,) in db.execute("SELECT token FROM tokens LIMIT 5"))
    assert stored == tokens
    some = sorted(tokens)[:5]
    for id_type, value in some:  # and a token search still finds them
        page = store.search(SearchQuery(tokens=(value,)))
        assert [d.id for d in page.hits] == [docs[0].id], id_type
    store.close()


def test_a_recrawled_item_computes_no_records_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = ingest_module.fragment_records

    def counted(fragment: Any, key: Any) -> set[int]:
        calls.append(1)
        return real(fragment, key)

    monkeypatch.setattr(ingest_module, "fragment_records", counted)
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    leaks = SqliteLeakStore(tmp_path / "s.sqlite3")
    ingestor = Ingestor(store, MATCH_KEY, DATA_KEY, leaks=leaks, workers=1)
    text = make_dump("csv", 120, faker_seed=22)[0]
    first = ingestor.ingest(_item(1, text))
    assert first.leaks and len(calls) == len(detect(text, key=MATCH_KEY))
    again = ingestor.ingest(_item(1, text))
    assert again.leaks == first.leaks  # the same leaks, read from the store
    assert len(calls) == len(first.fragments)  # none computed the second time
    # a repost with one more row: new fragment, its records computed, the same leak
    reposted = ingestor.ingest(_item(2, text + "\n" + text.split("\n")[-1].replace("@", "x@")))
    assert len(calls) > len(first.fragments)
    assert set(reposted.leaks.values()) == set(first.leaks.values())
    leaks.close()
    store.close()


def test_a_fragments_bands_are_looked_up_in_one_statement(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    leaks = SqliteLeakStore(tmp_path / "s.sqlite3")
    ingestor = Ingestor(store, MATCH_KEY, DATA_KEY, leaks=leaks, workers=1)
    text = make_dump("csv", 80, faker_seed=23)[0]
    rows = text.split("\n")
    first = ingestor.ingest(_item(1, "\n".join(rows[:60])))
    statements: list[str] = []
    leaks._db.set_trace_callback(statements.append)
    second = ingestor.ingest(_item(2, "\n".join(rows[:1] + rows[30:])))  # shares 30 rows with the first
    leaks._db.set_trace_callback(None)
    assert set(second.leaks.values()) == set(first.leaks.values())  # found as a candidate, and joined
    assert sum("leak_bands" in s and "SELECT" in s for s in statements) == 1
    leaks.close()
    store.close()
