"""Provenance: one value object, carried unchanged from the crawled item to every serialisation."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from crawler.sink import item_to_json
from indexer.crypto import DataKey
from indexer.documents import build_documents, fragment_from_dict, fragment_to_dict
from indexer.models import (
    DATETIME_FIELDS,
    PROVENANCE_FIELDS,
    CrawledItem,
    Fragment,
    Provenance,
    ProvenanceArgs,
    StoredFragment,
)
from indexer.store.elastic_mapping import PROVENANCE_PATHS, doc_to_source, index_template, source_to_doc
from indexer.store.embedded import EmbeddedStore

PARIS = timezone(timedelta(hours=1))
FULL = Provenance(source="forum-a", url="http://x.onion/t/1#p2", thread_url="http://x.onion/t/1",
                  thread_title="base clients", board="dumps", author="seller42",
                  posted_at=datetime(2026, 11, 1, 13, 0, tzinfo=PARIS),
                  fetched_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC), filename="clients.csv")


def _doc(provenance: Provenance) -> StoredFragment:
    item = CrawledItem(provenance=provenance, raw=b"email;tel\na@b.fr;0601020304\n")
    frag = Fragment(kind="csv", start_line=1, end_line=2, text="email;tel\na@b.fr;0601020304")
    (doc,) = build_documents(item, [frag], DataKey(b"k" * 32, 1))
    return doc


def test_the_keyword_forms_match_the_dataclass() -> None:
    assert tuple(ProvenanceArgs.__annotations__) == PROVENANCE_FIELDS == tuple(f.name for f in fields(Provenance))
    assert DATETIME_FIELDS == ("posted_at", "fetched_at")
    hints = get_type_hints(Provenance)
    assert get_type_hints(ProvenanceArgs) == hints


def test_items_built_with_keywords_or_a_provenance_are_equal() -> None:
    flat = CrawledItem(source="forum-a", url="http://x.onion/t/1#p2", body="hello", thread_title="t")
    assert flat == CrawledItem(provenance=Provenance("forum-a", "http://x.onion/t/1#p2", thread_title="t"),
                               body="hello")
    assert (flat.source, flat.url, flat.thread_title, flat.author) == ("forum-a", "http://x.onion/t/1#p2", "t", None)
    with pytest.raises(TypeError, match="source= and url="):
        CrawledItem(body="no provenance")
    # dataclasses.replace with a provenance field name replaces that field only (tests written
    # before Provenance do this; mypy's dataclass plugin knows only real fields, hence the dict)
    changes: dict[str, Any] = {"url": "http://y.onion/"}
    moved = replace(_doc(FULL), **changes)
    assert moved.url == "http://y.onion/" and moved.author == "seller42" and moved.provenance != FULL


def test_json_round_trip_normalises_to_utc() -> None:
    data = FULL.to_json()
    assert data["posted_at"] == "2026-11-01T12:00:00+00:00"
    assert FULL.to_json(zulu=True)["posted_at"] == "2026-11-01T12:00:00Z"
    assert Provenance.from_json(data) == Provenance.from_json(FULL.to_json(zulu=True))
    back = Provenance.from_json(data)
    assert back.posted_at == FULL.posted_at and back.posted_at is not None and back.posted_at.tzinfo == UTC


@pytest.mark.parametrize("provenance", [FULL, Provenance(source="paste", url="http://p.onion/1")],
                         ids=["every-field", "only-required"])
def test_every_serialiser_carries_every_field(provenance: Provenance, tmp_path: Path) -> None:
    doc = _doc(provenance)
    expected = replace(provenance, posted_at=provenance.posted_at and provenance.posted_at.astimezone(UTC),
                       fetched_at=provenance.fetched_at or doc.fetched_at)
    assert doc.provenance == expected

    line = item_to_json(CrawledItem(provenance=provenance, body="x"))
    assert {k: line[k] for k in PROVENANCE_FIELDS} == provenance.to_json(zulu=True)

    assert fragment_from_dict(json.loads(json.dumps(fragment_to_dict(doc)))) == doc
    assert source_to_doc(json.loads(json.dumps(doc_to_source(doc)))) == doc

    store = EmbeddedStore(tmp_path / "store.sqlite3")
    try:
        store.upsert([doc])
        assert store.get(doc.id) == doc
    finally:
        store.close()


def test_every_provenance_path_is_in_the_strict_mapping() -> None:
    props = index_template("vigie")["template"]["mappings"]["properties"]
    for name, path in PROVENANCE_PATHS.items():
        node = props
        for key in path[:-1]:
            node = node[key]["properties"]
        assert path[-1] in node, f"{name}: {'.'.join(path)} is not mapped"
