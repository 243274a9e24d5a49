"""Searchable article 9 evidence: `vigie search séropositif`, `vigie search VIH` and `vigie search
"témoin de Jéhovah"` find the fragments that carry those words, on both store backends, although
the excerpt masks the notes; no identifier reaches the evidence field; stores made before the
field keep working (embedded: column and full-text index added on open; Elasticsearch: the field
added to the existing indices)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.detect import detect
from indexer.documents import build_documents
from indexer.models import CrawledItem, StoredFragment
from indexer.store import open_store_from_settings
from indexer.store.elastic import ElasticStore
from indexer.store.elastic_mapping import index_template
from indexer.store.embedded import EmbeddedStore
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from tests.test_search_cli import cli, make_env
from vigie.config.schema import ElasticsearchSettings, StorageSettings

T0 = datetime(2026, 6, 1, tzinfo=UTC)
# synthetic people (made up); the notes column is what the analyst searches for
DUMPS = {
    "hiv": ("nom;prenom;email;telephone;notes\n"
            "Durand;Camille;camille.durand@exemple.test;0612345678;séropositive sous trithérapie\n"
            "Petit;Hugo;hugo.petit@exemple.test;0623456789;VIH, suivi à l'hôpital de jour\n"
            "Robert;Léa;lea.robert@exemple.test;0634567890;RAS\n"),
    "jw": ("nom;prenom;email;telephone;notes\n"
           "Martin;Louis;louis.martin@exemple.test;0645678901;Témoin de Jéhovah\n"
           "Bernard;Chloé;chloe.bernard@exemple.test;0656789012;refuse transfusion, témoins de Jéhovah\n"
           "Thomas;Inès;ines.thomas@exemple.test;0667890123;RAS\n"),
    "plain": ("nom;prenom;email;telephone;notes\n"
              "Richard;Jules;jules.richard@exemple.test;0678901234;client fidèle\n"
              "Dubois;Adam;adam.dubois@exemple.test;0689012345;relance en juin\n"
              "Lefebvre;Manon;manon.lefebvre@exemple.test;0690123456;RAS\n"),
}


def ingested_docs() -> dict[str, StoredFragment]:
    """Each dump through the real path: detection, then the stored documents."""
    out: dict[str, StoredFragment] = {}
    for n, (name, body) in enumerate(DUMPS.items()):
        item = CrawledItem(source="forum-a", url=f"http://forum.test/t/{n}", body=body,
                           thread_title="fichier patients", posted_at=T0 + timedelta(hours=n),
                           fetched_at=T0 + timedelta(hours=n, minutes=5))
        frags = detect(body, key=TEST_MATCH_KEY)
        docs = build_documents(item, frags, TEST_DATA_KEY)
        assert len(docs) == 1, (name, frags)
        out[name] = docs[0]
    return out


def test_documents_carry_evidence_terms_and_never_an_identifier() -> None:
    docs = ingested_docs()
    assert {"séropositive", "séropositif", "VIH"} <= set(docs["hiv"].evidence)
    assert "Témoin de Jéhovah" in docs["jw"].evidence
    assert docs["plain"].evidence == []
    for doc in docs.values():
        for term in doc.evidence:
            assert "@" not in term and not any(c.isdigit() for c in term)
            assert not any(n.lower() in term.lower() for n in ("durand", "camille", "petit", "martin", "louis"))
        # the excerpt masks the notes: without the evidence field, nothing would find them
        assert "séropositive" not in doc.excerpt


def _search_ids(config: Path, data: Path, *words: str) -> set[str]:
    res = cli(["search", *words, "--json", "-c", str(config), "-d", str(data)])
    assert res.exit_code == 0, res.output
    return {json.loads(line)["id"] for line in res.stdout.splitlines()}


def _assert_searches(config: Path, data: Path, docs: dict[str, StoredFragment]) -> None:
    hiv, jw = docs["hiv"].id, docs["jw"].id
    assert _search_ids(config, data, "séropositif") == {hiv}
    assert _search_ids(config, data, "seropositive") == {hiv}  # accents folded
    assert _search_ids(config, data, "VIH") == {hiv}
    assert _search_ids(config, data, "vih") == {hiv}
    assert _search_ids(config, data, "témoin de Jéhovah") == {jw}
    assert _search_ids(config, data, "temoin de jehovah") == {jw}
    assert _search_ids(config, data, "trithérapie") == {hiv}
    assert _search_ids(config, data, "fichier") == {d.id for d in docs.values()}  # the title still searches
    assert _search_ids(config, data, "camille.durand") == set()  # identifiers are not in it


def test_search_evidence_on_the_embedded_store(tmp_path: Path) -> None:
    config, data = make_env(tmp_path)
    docs = ingested_docs()
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs.values())
    assert store.get(docs["hiv"].id).evidence == docs["hiv"].evidence  # type: ignore[union-attr]
    store.close()
    _assert_searches(config, data, docs)


def _make_old_store(path: Path) -> None:
    """A store as Vigie wrote it before the evidence field: no column, a three-column index."""
    store = EmbeddedStore(path)
    store.upsert(synthetic_docs(2, excerpt_words="mutuelle"))
    store.close()
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TABLE fragments_fts;
        ALTER TABLE fragments DROP COLUMN evidence;
        CREATE VIRTUAL TABLE fragments_fts USING fts5(
            excerpt, thread_title, author, content='fragments', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 0');
        INSERT INTO fragments_fts(fragments_fts) VALUES ('rebuild');
    """)
    db.close()


def test_an_embedded_store_made_before_the_field_is_upgraded_on_open(tmp_path: Path) -> None:
    config, data = make_env(tmp_path)
    path = data / "store.sqlite3"
    data.mkdir(mode=0o700)
    _make_old_store(path)
    docs = ingested_docs()
    store = EmbeddedStore(path)
    store.upsert(docs.values())
    assert store.count() == 5
    store.close()
    _assert_searches(config, data, docs)
    assert len(_search_ids(config, data, "mutuelle")) == 2  # the old documents are still found
    db = sqlite3.connect(path)
    assert "evidence" in {r[1] for r in db.execute("PRAGMA table_info(fragments_fts)")}
    db.close()


@pytest.mark.elasticsearch
def test_search_evidence_on_elasticsearch(es_settings: ElasticsearchSettings, tmp_path: Path) -> None:
    yaml = (f"storage:\n  backend: elasticsearch\n  elasticsearch:\n    hosts: ['{es_settings.hosts[0]}']\n"
            f"    index_prefix: {es_settings.index_prefix}\n")
    config, data = make_env(tmp_path, yaml)
    docs = ingested_docs()
    store = open_store_from_settings(StorageSettings(backend="elasticsearch", elasticsearch=es_settings), data)
    store.upsert(docs.values())
    store.flush()
    store.close()
    _assert_searches(config, data, docs)


@pytest.mark.elasticsearch
def test_an_elasticsearch_index_made_before_the_field_gets_it(es_settings: ElasticsearchSettings,
                                                               tmp_path: Path) -> None:
    alias = es_settings.index_prefix
    yaml = (f"storage:\n  backend: elasticsearch\n  elasticsearch:\n    hosts: ['{es_settings.hosts[0]}']\n"
            f"    index_prefix: {alias}\n")
    config, data = make_env(tmp_path, yaml)
    docs = ingested_docs()
    # the month's index as the previous template made it: no evidence field
    old = index_template(alias)["template"]
    del old["mappings"]["properties"]["vigie"]["properties"]["evidence"]
    probe = ElasticStore(es_settings, data / "probe-spool")
    name = probe.index_for(T0)
    probe.client.indices.delete_index_template(name=alias)
    for existing in probe.client.indices.get(index=f"{alias}-*", allow_no_indices=True):
        probe.client.indices.delete(index=existing)
    probe.client.indices.create(index=name, settings=old["settings"], mappings=old["mappings"],
                                aliases=old["aliases"])
    probe.close()
    store = ElasticStore(es_settings, data / "spool")
    store.upsert(docs.values())
    store.flush()
    mapping = store.client.indices.get_mapping(index=name)[name]["mappings"]
    assert mapping["properties"]["vigie"]["properties"]["evidence"]["type"] == "text"
    store.close()
    hiv = docs["hiv"].id
    assert _search_ids(config, data, "VIH") == {hiv}
    assert _search_ids(config, data, "séropositif") == {hiv}
    assert _search_ids(config, data, "témoin de Jéhovah") == {docs["jw"].id}
