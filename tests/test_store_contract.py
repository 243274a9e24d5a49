"""The FragmentStore contract, run against both backends: embedded SQLite and a real
Elasticsearch node (tests/es_server.py). Both must give the same answers to the same calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.crypto import decrypt_text
from indexer.documents import build_documents, fragment_to_dict
from indexer.models import CrawledItem, Severity
from indexer.store import FragmentStore, SearchQuery, StoreError, open_store_from_settings
from indexer.store.base import FragmentStore as FragmentStoreProtocol
from indexer.tokens import token
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs, synthetic_fragment
from vigie.config.schema import StorageSettings

BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FragmentStore]:
    if request.param == "embedded":
        settings = StorageSettings(backend="embedded")
    else:
        es_settings = request.getfixturevalue("es_settings")
        settings = StorageSettings(backend="elasticsearch", elasticsearch=es_settings)
    st = open_store_from_settings(settings, tmp_path)
    yield st
    st.close()


def put(store: FragmentStore, docs: list) -> object:
    result = store.upsert(docs)
    store.flush()
    return result


def same(a, b) -> bool:
    return fragment_to_dict(a) == fragment_to_dict(b)


def test_implements_protocol(store: FragmentStore) -> None:
    assert isinstance(store, FragmentStoreProtocol)


def test_insert_get_count(store: FragmentStore) -> None:
    docs = synthetic_docs(5, categories=("health",))
    result = put(store, docs)
    assert sorted(result.created) == sorted(d.id for d in docs)
    assert result.existing == [] and result.spooled == []
    assert store.count() == 5
    for doc in docs:
        got = store.get(doc.id)
        assert got is not None and same(got, doc)
        # the raw text comes back encrypted, bound to its id
        assert "@exemple.test" in decrypt_text(TEST_DATA_KEY, got.encrypted_text, got.id.encode())
    assert store.get("0" * 64) is None


def test_idempotent_upsert(store: FragmentStore) -> None:
    docs = synthetic_docs(4)
    put(store, docs)
    again = put(store, docs + docs[:2])  # duplicates inside one batch too
    assert again.created == [] and sorted(again.existing) == sorted(d.id for d in docs)
    # the same fragment crawled again two months later: still one document (for ES this lands
    # in another monthly index unless the store finds the existing one)
    later = [replace(d, fetched_at=d.fetched_at + timedelta(days=61), url=d.url + "?again") for d in docs]
    third = put(store, later)
    assert third.created == [] and len(third.existing) == 4
    assert store.count() == 4
    assert store.get(docs[0].id).url == docs[0].url  # first seen wins


def test_free_text(store: FragmentStore) -> None:
    a = synthetic_docs(3, excerpt_words="fichier clients mutuelle")
    b = synthetic_docs(2, start=100, excerpt_words="export banque")
    item = CrawledItem(source="paste-b", url="http://paste.test/x", author="dumper_bob",
                       thread_title="Fuite hopital", fetched_at=datetime(2026, 3, 2, tzinfo=UTC))
    c = build_documents(item, [synthetic_fragment(500)], TEST_DATA_KEY)
    put(store, a + b + c)
    assert store.search(SearchQuery(text="mutuelle")).total == 3
    assert store.search(SearchQuery(text="banque export")).total == 2
    assert store.search(SearchQuery(text="fichier banque")).total == 0  # every word must match
    assert [h.id for h in store.search(SearchQuery(text="hopital")).hits] == [c[0].id]  # thread title
    assert [h.id for h in store.search(SearchQuery(text="dumper_bob")).hits] == [c[0].id]  # author
    assert store.search(SearchQuery(text="introuvable")).total == 0
    # user input is never query syntax
    assert store.search(SearchQuery(text='mutuelle" (* :')).total == 3
    # the plaintext identifiers are not searchable
    assert store.search(SearchQuery(text="exemple")).total == 0


def test_search_by_token(store: FragmentStore) -> None:
    shared = "victime.commune@exemple.test"
    docs = synthetic_docs(6)
    withshared = synthetic_docs(3, start=50, emails=[shared, "autre@exemple.test"])
    put(store, docs + withshared)
    tok = token(TEST_MATCH_KEY, "email", shared).hex()
    page = store.search(SearchQuery(tokens=(tok,)))
    assert sorted(h.id for h in page.hits) == sorted(d.id for d in withshared)
    assert store.search(SearchQuery(tokens=(tok,), token_type="email")).total == 3
    assert store.search(SearchQuery(tokens=(tok,), token_type="phone")).total == 0
    one_phone = docs[0].tokens["phone"][0]
    assert store.search(SearchQuery(tokens=(tok, one_phone))).total == 4  # any of the tokens
    assert store.search(SearchQuery(tokens=("ab" * 16,))).total == 0


def test_iter_by_tokens_pages_through_everything(store: FragmentStore) -> None:
    shared = "retro.hunt@exemple.test"
    hits = synthetic_docs(23, emails=[shared])
    others = synthetic_docs(10, start=1000)
    put(store, hits + others)
    tok = token(TEST_MATCH_KEY, "email", shared).hex()
    extra = others[0].tokens["email"][0]
    got = list(store.iter_by_tokens([tok, extra, "cd" * 16], batch_size=7))
    assert sorted(d.id for d in got) == sorted([d.id for d in hits] + [others[0].id])
    assert list(store.iter_by_tokens([])) == []


def test_filters(store: FragmentStore) -> None:
    t0 = datetime(2026, 4, 1, tzinfo=UTC)
    a = synthetic_docs(4, source="forum-a", base_time=t0, step=timedelta(days=1), severity=Severity.low)
    b = synthetic_docs(3, start=10, source="paste-b", base_time=t0 + timedelta(days=10),
                       step=timedelta(days=1), severity=Severity.critical, categories=("health", "religion"))
    c = synthetic_docs(2, start=20, source="forum-c", base_time=t0 + timedelta(days=20),
                       severity=Severity.high, categories=("political_opinion",))
    put(store, a + b + c)

    def ids(q: SearchQuery) -> list[str]:
        return sorted(h.id for h in store.search(replace(q, limit=100)).hits)

    assert ids(SearchQuery(sources=("paste-b",))) == sorted(d.id for d in b)
    assert ids(SearchQuery(sources=("paste-b", "forum-c"))) == sorted(d.id for d in b + c)
    assert ids(SearchQuery(severities=(Severity.low,))) == sorted(d.id for d in a)
    assert ids(SearchQuery(min_severity=Severity.high)) == sorted(d.id for d in b + c)
    assert ids(SearchQuery(categories=("religion",))) == sorted(d.id for d in b)
    assert ids(SearchQuery(categories=("religion", "political_opinion"))) == sorted(d.id for d in b + c)
    assert ids(SearchQuery(categories=("genetic",))) == []
    # date range on posted_at: since inclusive, until exclusive
    assert ids(SearchQuery(since=t0 + timedelta(days=10))) == sorted(d.id for d in b + c)
    assert ids(SearchQuery(since=t0 + timedelta(days=1), until=t0 + timedelta(days=3))) == \
        sorted(d.id for d in a[1:3])
    assert ids(SearchQuery(sources=("paste-b",), min_severity=Severity.critical,
                           since=t0 + timedelta(days=11))) == sorted(d.id for d in b[1:])


def test_pagination_newest_first(store: FragmentStore) -> None:
    docs = synthetic_docs(25, step=timedelta(hours=1))
    put(store, docs)
    newest_first = [d.id for d in reversed(docs)]
    seen = []
    for page_no in range(3):
        page = store.search(SearchQuery(offset=page_no * 10, limit=10))
        assert page.total == 25
        seen.extend(h.id for h in page.hits)
    assert seen == newest_first
    assert store.search(SearchQuery(offset=30, limit=10)).hits == []


def test_aggregations(store: FragmentStore) -> None:
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    a = synthetic_docs(5, source="forum-a", base_time=t0, step=timedelta(hours=6), severity=Severity.medium)
    b = synthetic_docs(3, start=10, source="paste-b", base_time=t0 + timedelta(days=3),
                       severity=Severity.critical, categories=("health",), kind="sql_insert")
    put(store, a + b)
    agg = store.aggregations()
    assert agg.total == 8
    assert agg.per_source == {"forum-a": 5, "paste-b": 3}
    assert agg.per_severity == {"critical": 3, "medium": 5}
    assert agg.per_day == {"2026-05-01": 3, "2026-05-02": 2, "2026-05-04": 3}
    assert agg.per_kind == {"csv": 5, "sql_insert": 3}
    assert agg.per_category == {"health": 3}
    only_b = store.aggregations(SearchQuery(sources=("paste-b",)))
    assert only_b.total == 3 and only_b.per_source == {"paste-b": 3}


def test_no_plaintext_identifier_at_rest(store: FragmentStore, tmp_path: Path) -> None:
    email = "secret.person@exemple.test"
    docs = synthetic_docs(2, emails=[email])
    put(store, docs)
    if hasattr(store, "path"):  # embedded: the whole database file (and its WAL)
        blobs = b"".join(p.read_bytes() for p in tmp_path.glob("store.sqlite3*"))
    else:  # elasticsearch: every stored _source, as raw JSON
        raw = store.client.search(index=store.alias, size=100)
        blobs = str(raw.body).encode()
    assert blobs  # we did look at something
    assert email.encode() not in blobs and b"secret.person" not in blobs


def test_bad_token_type_without_tokens(store: FragmentStore) -> None:
    with pytest.raises(StoreError):
        store.search(SearchQuery(token_type="email"))
