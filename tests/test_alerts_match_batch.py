"""The ingest hook's lookups (issue 17, wave 27): an item's every token in one batch, the table's
probe runs, and only the registered tokens worked on in Python.

Pinned against the plain definitions: `TokenTable.lookup` against a dict on tables whose probe
runs wrap past the last slot, share a low word, or hold a token whose low word is zero;
`Registry.registered_hex` against `orgs_for_hex`; `AlertMatcher.on_fragments`' per-organisation
counts against a brute force over `orgs_for_hex`, on documents with several types, empty token
lists and tokens registered by two organisations."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from alerts.matcher import AlertMatcher
from alerts.outbox import Outbox
from alerts.registry import Registry, RegistryError
from alerts.table import TokenTable, tokens_to_words
from indexer.models import Severity, StoredFragment
from vigie.config.schema import OrganisationConfig


def _token(low: int, high: int) -> bytes:
    return low.to_bytes(8, "little") + high.to_bytes(8, "little")


def test_lookup_follows_runs_that_wrap_share_low_words_and_hold_a_zero_low_word() -> None:
    t = TokenTable.empty()  # 1,024 slots
    last = t.nslots - 1
    present = [_token(last - 2 + (i % 3) + 1024 * (i // 3), 7 + i) for i in range(30)]  # one run past the end
    present += [_token(5, h) for h in (1, 2, 3, 4)]  # one low word, four tokens
    present += [_token(0, 9), _token(1024, 0)]  # a zero low word (occupied) and a zero high word
    raw = b"".join(present)
    t.insert_new(tokens_to_words(raw), np.arange(1, len(present) + 1, dtype="<u2"))
    absent = [_token(last, 999), _token(5, 5), _token(0, 10), _token(1024, 1), _token(last - 2, 1)]
    probe = present + absent
    slots = t.lookup(tokens_to_words(b"".join(probe)))
    for i, tok in enumerate(probe):
        if i < len(present):
            s = int(slots[i])
            assert s >= 0 and t.keys[s].tobytes() == tok and int(t.sets[s]) == i + 1, i
        else:
            assert slots[i] == -1, i
    assert slots[:30].min() < 30 < slots[:30].max(), "the run did not wrap past the last slot"


def _registry(tmp_path: Path) -> tuple[Registry, list[str]]:
    toks = [hashlib.sha256(str(i).encode()).digest()[:16] for i in range(400)]
    reg = Registry(tmp_path / "reg")
    for org, picked in (("acme", toks[0:120]), ("globex", toks[80:200])):
        words = tokens_to_words(b"".join(picked)).copy()
        reg.register(org, [(words, np.zeros(len(words), np.uint8), len(words))])
    return reg, [t.hex() for t in toks]


def test_registered_hex_is_orgs_for_hex_without_the_misses(tmp_path: Path) -> None:
    reg, hexes = _registry(tmp_path)
    batch = hexes[150:] + hexes[:150] + hexes[100:90:-1]  # misses, each org's, shared ones, repeats
    full = reg.orgs_for_hex(batch)
    got = reg.registered_hex(batch)
    assert got == [(i, o) for i, o in enumerate(full) if o]
    assert {o for _, o in got} == {("acme",), ("globex",), ("acme", "globex")}
    assert reg.registered_hex([]) == [] and reg.registered_hex(hexes[300:]) == []
    with pytest.raises(RegistryError, match="not hex"):
        reg.registered_hex(["zz" * 16])
    with pytest.raises(RegistryError, match="16 bytes"):
        reg.registered_hex(["ab" * 15])
    empty = Registry(tmp_path / "empty")
    assert empty.registered_hex(hexes[:5]) == [] and empty.orgs_for_hex(hexes[:2]) == [(), ()]


def _doc(n: int, tokens: dict[str, list[str]]) -> StoredFragment:
    return StoredFragment(
        id=f"{n:032x}",
        kind="csv",
        start_line=1,
        end_line=9,
        excerpt="[redacted]",
        severity=Severity.high,
        tokens=tokens,
        counts={t: len(v) for t, v in tokens.items()},
        categories=[],
        encrypted_text=b"x",
        source="forum",
        url=f"http://f.onion/{n}",
    )


def test_matcher_counts_each_organisations_tokens_per_document_and_type(tmp_path: Path) -> None:
    reg, hexes = _registry(tmp_path)
    docs = [
        _doc(1, {"email": sorted(hexes[0:10] + hexes[300:310]), "phone": [], "nir": sorted(hexes[110:130])}),
        _doc(2, {"email": []}),
        _doc(3, {"iban": sorted(hexes[250:260]), "phone": sorted(hexes[190:205] + hexes[95:97])}),
        _doc(4, {"card": sorted(hexes[350:360])}),
    ]
    orgs = {
        o: OrganisationConfig.model_validate(
            {
                "id": o,
                "display_name": o.title(),
                "min_severity": "low",
                "channels": {"email": {"to": [f"dpo@{o}.test"]}},
            }
        )
        for o in ("acme", "globex")
    }
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for d in docs:
        for id_type, toks in d.tokens.items():
            for owners in reg.orgs_for_hex(toks):
                for o in owners:
                    by_type = expected.setdefault((o, d.id), {})
                    by_type[id_type] = by_type.get(id_type, 0) + 1
    outbox = Outbox(tmp_path / "alerts.sqlite3")
    try:
        matcher = AlertMatcher(reg, outbox, orgs)
        assert matcher.on_fragments(docs) == len(expected) == 4
        got = {(a["org"], a["alert"]["fragment_id"]): a["alert"]["matched"] for a in outbox.list_alerts()}
        assert got == expected
        assert expected[("acme", docs[0].id)] == {"email": 10, "nir": 10}
        assert expected[("globex", docs[2].id)] == {"phone": 12}
        assert matcher.on_fragments(docs) == 0  # idempotent
        only = AlertMatcher(Registry(tmp_path / "reg"), Outbox(tmp_path / "other.sqlite3"), orgs)
        assert only.on_fragments(docs, only_orgs=["globex"]) == 2
    finally:
        outbox.close()
