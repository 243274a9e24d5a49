"""The ingest path (detect -> documents -> store -> on_stored) and the audited reveal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from indexer.audit import AuditLog, verify_chain
from indexer.crypto import DataKey, decrypt_text, keyed_id
from indexer.documents import build_documents, fragment_from_dict, fragment_to_dict
from indexer.ingest import Ingestor
from indexer.models import CrawledItem, Fragment, StoredFragment
from indexer.reveal import REFUSED, RevealError, RevealRefused, authorize_reveal, reveal
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import MatchKey
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_fragment
from vigie.config.schema import AccessSettings, AnalystConfig

POST = CrawledItem(source="forum-a", url="http://forum.test/t/1#p3", body="dump", author="vendeur",
                   thread_url="http://forum.test/t/1", thread_title="Base clients",
                   posted_at=datetime(2026, 3, 1, 12, tzinfo=UTC), fetched_at=datetime(2026, 3, 2, tzinfo=UTC))


class FakeDetect:
    """Stands in for `indexer.detect.detect` in the tests that need exact control over the
    fragments, and records each call; `test_ingest_with_the_real_detector` below uses the real one."""

    def __init__(self, *frags: Fragment) -> None:
        self.frags = frags
        self.calls: list[dict[str, object]] = []

    def __call__(self, data: bytes | str, *, key: MatchKey, filename: str | None = None) -> list[Fragment]:
        self.calls.append({"data": data, "key": key, "filename": filename})
        return list(self.frags)


def fake_detect(*frags: Fragment) -> FakeDetect:
    return FakeDetect(*frags)


def test_build_documents_holds_no_plaintext(tmp_path: Path) -> None:
    frag = synthetic_fragment(1, categories=("health",), excerpt_words="[nom] séropositif")
    frag2 = synthetic_fragment(2)
    docs = build_documents(POST, [frag, frag2, frag], TEST_DATA_KEY)  # duplicate fragment -> one doc
    assert [d.id for d in docs] == [keyed_id(TEST_DATA_KEY, frag.text), keyed_id(TEST_DATA_KEY, frag2.text)]
    assert docs[0].id != frag.content_hash  # not the plain SHA-256: an index reader cannot test a leak line
    doc = docs[0]
    assert doc.source == "forum-a" and doc.thread_title == "Base clients" and doc.author == "vendeur"
    assert doc.posted_at == POST.posted_at and doc.fetched_at == POST.fetched_at
    assert doc.item_hash == keyed_id(TEST_DATA_KEY, POST.body) != POST.content_hash and doc.kind == "csv"
    assert doc.counts == {"email": 3, "phone": 1} and doc.categories == ["health"]
    assert doc.tokens["email"] == sorted({i.token.hex() for i in frag.identifiers if i.type == "email"})
    serialized = json.dumps(fragment_to_dict(doc))
    for ident in frag.identifiers:
        assert ident.value not in serialized
    assert decrypt_text(TEST_DATA_KEY, doc.encrypted_text, doc.id.encode()) == frag.text
    with pytest.raises(InvalidTag):  # the ciphertext is bound to its id: another id fails authentication
        decrypt_text(TEST_DATA_KEY, doc.encrypted_text, docs[1].id.encode())
    assert fragment_from_dict(fragment_to_dict(doc)) == doc


def test_on_stored_gets_every_document_every_time(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    seen: list[list[StoredFragment]] = []
    a, b = synthetic_fragment(1), synthetic_fragment(2)
    detect = fake_detect(a, b)
    ing = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, on_stored=seen.append, detect=detect)
    first = ing.ingest(POST)
    ids = [keyed_id(TEST_DATA_KEY, a.text), keyed_id(TEST_DATA_KEY, b.text)]
    assert sorted(first.created) == sorted(ids) and first.spooled == []
    assert detect.calls[0]["data"] == "dump" and detect.calls[0]["key"] is TEST_MATCH_KEY
    # a re-crawl (e.g. after a crash between storing and alerting): nothing new is created, but
    # alerting is handed the same documents again
    second = ing.ingest(POST)
    assert second.created == []
    assert [[d.id for d in docs] for docs in seen] == [ids] * 2
    assert store.count() == 2


def test_raw_file_is_passed_with_its_filename(tmp_path: Path) -> None:
    detect = fake_detect()
    item = CrawledItem(source="forum-a", url="http://forum.test/f.csv", raw=b"a;b\n", filename="f.csv")
    result = Ingestor(EmbeddedStore(tmp_path / "s.sqlite3"), TEST_MATCH_KEY, TEST_DATA_KEY,
                      detect=detect).ingest(item)
    assert detect.calls[0]["data"] == b"a;b\n" and detect.calls[0]["filename"] == "f.csv"
    assert result.fragments == [] and result.created == []


def test_ingest_with_the_real_detector(tmp_path: Path) -> None:
    from faker import Faker

    fake = Faker("fr_FR")
    Faker.seed(5)
    rows = ["nom;prenom;email;telephone"] + [
        f"{fake.last_name()};{fake.first_name()};{fake.unique.email()};0{fake.random_int(600000000, 799999999)}"
        for _ in range(30)]
    item = CrawledItem(source="paste-b", url="http://paste.test/raw/1", body="\n".join(rows),
                       fetched_at=datetime(2026, 3, 3, tzinfo=UTC))
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    seen: list[list[StoredFragment]] = []
    result = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, on_stored=seen.append).ingest(item)
    assert result.fragments, "the real detector should find the CSV dump"
    assert seen == [result.fragments]
    doc = store.get(result.fragments[0].id)
    assert doc is not None and doc.counts.get("email", 0) >= 25
    dump = (tmp_path / "s.sqlite3").read_bytes()
    assert rows[1].split(";")[2].encode() not in dump


def test_reveal_is_audited(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    frag = synthetic_fragment(7)
    doc = build_documents(POST, [frag], TEST_DATA_KEY)[0]
    store.upsert([doc])
    audit = AuditLog(tmp_path / "audit.log")
    access = AccessSettings(analysts=[AnalystConfig(name="alice", os_user="alice", may_reveal=True),
                                      AnalystConfig(name="bob", os_user="bob")])
    grant = authorize_reveal(access, "alice", doc_id=doc.id, reason="ticket 42", audit=audit)
    out = reveal(store, TEST_DATA_KEY, doc.id, grant=grant, reason="ticket 42", audit=audit)
    assert out.text == frag.text
    with pytest.raises(RevealError, match="no fragment"):
        reveal(store, TEST_DATA_KEY, "f" * 64, grant=grant, reason="typo", audit=audit)
    with pytest.raises(RevealError, match="does not decrypt"):
        reveal(store, DataKey(b"\x01" * 32, version=2), doc.id, grant=grant, reason="x", audit=audit)
    with pytest.raises(RevealError, match="reason"):
        reveal(store, TEST_DATA_KEY, doc.id, grant=grant, reason="  ", audit=audit)
    with pytest.raises(RevealRefused, match="may_reveal: true"):
        authorize_reveal(access, "bob", doc_id=doc.id, reason="curious", audit=audit)
    records = [json.loads(line) for line in audit.path.read_text().splitlines()]
    assert [r["outcome"] for r in records] == ["revealed", "not_found", "decrypt_failed", REFUSED]
    assert records[0]["analyst"] == "alice" and records[0]["doc_id"] == doc.id
    assert records[0]["reason"] == "ticket 42" and records[3]["analyst"] == "bob"
    text = audit.path.read_text()
    for ident in frag.identifiers:
        assert ident.value not in text
    assert audit.path.stat().st_mode & 0o777 == 0o600
    assert verify_chain(audit.path).intact


def test_alert_fixture_builds_real_documents() -> None:
    """`tests.fixtures.mail.make_fragment` feeds the alerts tests: its documents must be what
    the write path produces (keyed id, text encrypted and bound to it, masked excerpt)."""
    from indexer.tokens import token
    from tests.fixtures.mail import DATA_KEY_HEX, make_fragment

    data_key = DataKey(bytes.fromhex(DATA_KEY_HEX))
    idents = [("email", "Camille.Durand@hopital-exemple.fr"), ("phone", "06 12 34 56 78")]
    doc = make_fragment(TEST_MATCH_KEY, idents, n=3)
    text = decrypt_text(data_key, doc.encrypted_text, doc.id.encode())
    assert doc.id == keyed_id(data_key, text) and "06 12 34 56 78" in text
    assert doc.tokens["phone"] == [token(TEST_MATCH_KEY, "phone", "+33612345678").hex()]
    assert doc.counts == {"email": 1, "phone": 1} and doc.categories == ["health"]
    assert "Camille" not in doc.excerpt and "56 78" not in doc.excerpt and "+33 6** ** ** 78" in doc.excerpt
    assert make_fragment(TEST_MATCH_KEY, idents, n=3).id == doc.id != make_fragment(TEST_MATCH_KEY, idents, n=4).id
