"""The token registry: keyed on registration, idempotent, shared tokens, unregister, growth,
readers picking up new generations, and no pre-hash kept on disk."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from alerts.registry import Registry, RegistryError
from alerts.table import TokenTable, tokens_to_words
from indexer.tokens import MatchKey, token_from_prehash

KEY = MatchKey(bytes(range(32)), version=3)


def prehashes(n: int, seed: str) -> list[bytes]:
    return [hashlib.sha256(f"{seed}-{i}".encode()).digest() for i in range(n)]


def write(path: Path, rows: list[tuple[str, bytes]]) -> Path:
    path.write_text("type,prehash\n" + "".join(f"{t},{p.hex()}\n" for t, p in rows))
    return path


def hexes(pres: list[bytes]) -> list[str]:
    return [token_from_prehash(KEY, p).hex() for p in pres]


def test_register_is_keyed_idempotent_and_counted(tmp_path: Path) -> None:
    emails, phones = prehashes(300, "e"), prehashes(200, "p")
    f = write(tmp_path / "a.csv", [("email", p) for p in emails] + [("phone", p) for p in phones]
              + [("email", emails[0])])  # a duplicate line
    reg = Registry(tmp_path / "reg")
    res = reg.register_prehash_file("acme", f, KEY)
    assert res.read == 502 and res.added == {"email": 300, "phone": 200}
    assert sorted(res.iter_new_hex()) == sorted(hexes(emails + phones))
    again = reg.register_prehash_file("acme", f, KEY)
    assert again.added == {} and again.new_tokens == []
    info = reg.org_info("acme")
    assert info is not None and info.counts == {"email": 300, "phone": 200} and info.total == 500
    assert info.key_version == 3 and info.last_registered_at is not None
    # lookups answer with the keyed token, never with the pre-hash
    assert reg.orgs_for_hex(hexes(emails[:2])) == [("acme",), ("acme",)]
    assert reg.orgs_for_hex([p.hex()[:32] for p in emails[:2]]) == [(), ()]
    assert reg.orgs_for_hex(hexes(prehashes(3, "other"))) == [(), (), ()]


def test_shared_tokens_and_unregister(tmp_path: Path) -> None:
    a, b, shared = prehashes(100, "a"), prehashes(100, "b"), prehashes(50, "s")
    reg = Registry(tmp_path / "reg")
    reg.register_prehash_file("acme", write(tmp_path / "a.csv", [("nir", p) for p in a + shared]), KEY)
    res = reg.register_prehash_file("beta", write(tmp_path / "b.csv", [("nir", p) for p in b + shared]), KEY)
    assert res.added == {"nir": 150}  # shared tokens are new *for beta*
    assert set(reg.orgs_for_hex(hexes(shared))) == {("acme", "beta")}
    assert len(reg) == 250
    assert reg.unregister("acme") == 150
    assert reg.org_info("acme") is None and reg.org_info("beta").total == 150
    assert set(reg.orgs_for_hex(hexes(a))) == {()}
    assert set(reg.orgs_for_hex(hexes(shared + b))) == {("beta",)}
    assert len(reg) == 150
    # a reader opened before the change sees it after refresh()
    reader = Registry(tmp_path / "reg")
    reg.register_prehash_file("acme", write(tmp_path / "c.csv", [("nir", a[0])]), KEY)
    assert reader.orgs_for_hex(hexes(a[:1])) == [()]  # its memory map is the old generation
    assert reader.refresh() is True
    assert reader.orgs_for_hex(hexes(a[:1])) == [("acme",)]


def test_growth_across_many_chunks_and_generations(tmp_path: Path) -> None:
    import alerts.registry as registry_mod

    pres = prehashes(20_000, "g")
    reg = Registry(tmp_path / "reg")
    chunks = registry_mod.read_prehash_file(write(tmp_path / "g.csv", [("email", p) for p in pres]), KEY, chunk=3000)
    res = reg.register("acme", chunks, KEY.version)
    assert res.added_total == 20_000 and len(reg) == 20_000
    assert reg.table.nslots >= 20_000 / 0.7
    assert all(o == ("acme",) for o in reg.orgs_for_hex(hexes(pres)))
    files = sorted(p.name for p in (tmp_path / "reg").iterdir() if p.suffix in (".keys", ".sets"))
    assert len(files) == 2  # old generations are removed


def test_no_prehash_at_rest(tmp_path: Path) -> None:
    pres = prehashes(500, "x")
    reg = Registry(tmp_path / "reg")
    reg.register_prehash_file("acme", write(tmp_path / "x.csv", [("iban", p) for p in pres]), KEY)
    blob = b"".join(p.read_bytes() for p in (tmp_path / "reg").iterdir() if p.is_file())
    assert not any(p in blob or p.hex().encode() in blob or p[:16] in blob for p in pres)
    toks = [bytes.fromhex(h) for h in hexes(pres)]
    assert sum(t in blob for t in toks) == 500  # the tokens are what is stored


def test_bad_file_is_reported_with_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("type,prehash\nemail," + "ab" * 32 + "\nsocks,1234\n")
    with pytest.raises(RegistryError, match=r"bad.csv:3: expected 'type,<64 hex chars>'"):
        Registry(tmp_path / "reg").register_prehash_file("acme", f, KEY)
    assert Registry(tmp_path / "reg").org_info("acme") is None  # nothing half-registered


def test_table_against_a_python_dict() -> None:
    rng = np.random.default_rng(7)
    raw = rng.bytes(16 * 50_000)
    words = tokens_to_words(raw)
    ids = rng.integers(1, 9, 50_000).astype("<u2")
    t = TokenTable.empty()
    t.insert_new(words[:30_000], ids[:30_000])
    t.insert_new(words[30_000:], ids[30_000:])
    expected = {raw[i * 16:(i + 1) * 16]: int(ids[i]) for i in range(50_000)}
    slots = t.lookup(words)
    assert all(expected[raw[i * 16:(i + 1) * 16]] == int(t.sets[s]) for i, s in enumerate(slots))
    absent = tokens_to_words(os.urandom(16 * 10_000))
    assert (t.lookup(absent) == -1).all()
    t.rebuild_without(slots[:100])
    assert (t.lookup(words[:100]) == -1).all() and (t.lookup(words[100:]) >= 0).all()
