"""Small texts get the one Hyperscan scan too (wave 27: `firstlook.SMALL` 512 -> 128 bytes).

Under `SMALL` every bit is set and each check's own Python first look decides; for the per-line
wrappers that is eighteen looks (`wrappers._sees`), ~200,000 instructions a dump post of 300-500
bytes, four times the scan. From `SMALL` up the scan's bits decide, as they did from 512: the
fragments must be the very same as with every check asked (`looks` forced to `ALL`), on the probe
sets' and the corpus's texts of that size, by `detect()` and by `detect_many`; glued rows in a text
under `glued.LOOK_BYTES` stay read as they are (its `may_hold` still decides there). On whichever
engine VIGIE_ENGINE selects.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import indexer.detect as D
from indexer.detect import detect, glued, wrappers
from indexer.detect import firstlook as F
from indexer.detect import prefilter as P
from indexer.tokens import MatchKey
from tests.corpus.generate import make_post

KEY = MatchKey(bytes.fromhex("42" * 32))
needs_scan = pytest.mark.skipif(F._db() is None, reason="no hyperscan here: every bit is set, the checks all run")


def _texts() -> list[bytes]:
    """Every probe case, negative and corpus post whose UTF-8 is SMALL to 512 bytes long (over
    512 the scan decided before too)."""
    from tests import test_detect_blind_probe_set5 as s5
    from tests import test_detect_blind_probe_set6 as s6

    out: list[bytes] = []
    for probe in (s5.SET, s6.SET):
        for case in probe.cases.values():
            out += [x if isinstance(x, bytes) else x.encode() for x in (case.parts or (case.data,))]
        out += [x if isinstance(x, bytes) else x.encode() for x in probe.negatives.values()]
    out += [make_post(300_000 + i)[0].encode() for i in range(40)]
    return [b for b in dict.fromkeys(out) if F.SMALL <= len(b) < glued.LOOK_BYTES]


def _frags(found: list[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(f) for f in found]


@needs_scan
def test_small_texts_same_fragments_as_with_every_check_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    assert len(texts) >= 40, len(texts)
    got = [_frags(detect(b, key=KEY)) for b in texts]
    many = [[dataclasses.asdict(f) for f in fs] for fs in P.detect_many(texts, key=KEY)]
    monkeypatch.setattr(F, "looks", lambda b: F.ALL)
    want = [_frags(detect(b, key=KEY)) for b in texts]
    assert sum(1 for w in want if w) >= 10  # (the texts hold dumps: the comparison reads fragments)
    for b, g, w in zip(texts, got, want, strict=True):
        assert g == w, b[:200]
    assert many == [[dataclasses.asdict(f) for f in fs] for fs in P.detect_many(texts, key=KEY)]


@needs_scan
def test_a_small_dump_post_asks_no_wrapper_look(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 300-500 byte post holding a small dump, no wrapper: the scan says so, `unwrap`'s looks
    are not run (with SMALL at 512 they ran eighteen times)."""
    post = (
        b"vends fichier clients, extrait ci-dessous, le reste en MP\n\n"
        b"nom;prenom;email;tel\n"
        b"Dupont;Jean;jean.dupont@example.org;0612345678\n"
        b"Lefevre;Amelie;amelie.lefevre@example.org;0698765432\n"
        b"Garnier;Hugo;hugo.garnier@example.org;0711223344\n"
        b"Roche;Noemie;noemie.roche@example.org;0655443322\n\n"
        b"prix 200 euros, paiement en crypto uniquement\n"
    )
    assert F.SMALL <= len(post) < 512
    assert not F.looks(post) & F.WRAPPED
    calls = []
    real = wrappers._sees
    monkeypatch.setattr(wrappers, "_sees", lambda kind, nt: calls.append(kind) or real(kind, nt))
    frags = detect(post, key=KEY)
    assert [f.kind for f in frags] and sum(len(f.identifiers) for f in frags) >= 8
    assert calls == []


@needs_scan
def test_glued_rows_in_a_text_under_look_bytes_are_read_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows needle sets GLUED on two `;` rows glued by ` | `; under `LOOK_BYTES` only
    `may_hold` (JSON objects, combos) sends a text to `split_glued`, as when SMALL was 512."""
    line = "DUPONT;Jean;jean.dupont@example.org;0612345678 | MARTIN;Paul;paul.martin@example.org;0698765432"
    text = ("liste:\n" + line + "\n" + line.replace("DUPONT", "DURAND") + "\n").encode()
    assert F.SMALL <= len(text) < glued.LOOK_BYTES
    assert F.looks(text) & F.GLUED and not glued.may_hold(text.decode())
    calls = []
    real = D._split_glued
    monkeypatch.setattr(D, "_split_glued", lambda t: calls.append(t) or real(t))
    detect(text, key=KEY)
    assert calls == []
