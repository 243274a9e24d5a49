"""A fragment's identifiers from the compiled core: `vigie_native.Identifiers`, columns behind a
sequence (issue 17, wave 20), against the list of `Identifier`s the Python engine gives.

The write path reads them through `token_map()` and `counts()` (no `Identifier` object made);
every other reader sees the list it saw before: length, indexing and slicing, iteration,
membership, equality both ways, pickling and copying. Skipped when vigie_native is not built,
except with VIGIE_REQUIRE_NATIVE=1.
"""

from __future__ import annotations

import copy
import pickle
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from indexer import engine
from indexer.crypto import DataKey
from indexer.detect import Sink, Tokenizer, _identifiers
from indexer.documents import build_documents, token_map
from indexer.models import CrawledItem, Fragment
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump
from tests.native_core import both_engines, native_engine

KEY = MatchKey(b"\x23" * 32, version=2)


@pytest.fixture(scope="module")
def native() -> Iterator[Any]:
    yield from native_engine()


def _reference_counts(idents: Sequence[Any]) -> dict[str, int]:
    return Fragment(kind="csv", start_line=1, end_line=1, text="", identifiers=list(idents)).counts()


def test_dense_fragments_read_as_the_reference_lists(native: Any) -> None:
    """Every kind of the dense mix: the core's sequence equals the Python engine's list and
    answers every list operation as the list does."""
    for seed, kind in enumerate(("csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl")):
        text, _ = make_dump(kind, 120, faker_seed=500 + seed)
        ref, got = both_engines(text.encode(), KEY)
        assert ref == got and got == ref, kind
        assert ref, kind
        for a, b in zip(ref, got, strict=True):
            ids, lst = b.identifiers, a.identifiers
            assert type(ids) is native.Identifiers and type(lst) is list
            assert isinstance(ids, Sequence)
            assert ids == lst and lst == ids and not ids != lst and ids == ids
            assert len(ids) == len(lst) and bool(ids)
            assert ids[0] == lst[0] and ids[-1] == lst[-1] and ids[len(lst) // 2] == lst[len(lst) // 2]
            assert ids[1:7] == lst[1:7] and type(ids[1:7]) is list and ids[::-3] == lst[::-3]
            assert list(ids) == lst and list(reversed(ids)) == lst[::-1]
            assert lst[3] in ids and ids.index(lst[3]) == lst.index(lst[3]) and ids.count(lst[3]) == lst.count(lst[3])
            assert ids[0] is ids[0]  # built once, then the same objects
            assert repr(ids) == repr(lst)
            with pytest.raises(IndexError):
                ids[len(lst)]
            with pytest.raises(TypeError):
                ids["x"]
            with pytest.raises(TypeError):
                hash(ids)
            assert ids != lst[:-1] and ids != tuple(lst) and ids != None  # noqa: E711 (list semantics)
            back = pickle.loads(pickle.dumps(b))
            assert back == a and type(back.identifiers) is list
            assert copy.deepcopy(b) == a and copy.copy(b) == a
            # what the write path reads without an object per identifier
            assert b.counts() == a.counts() == _reference_counts(lst)
            assert ids.token_map() == token_map(lst) == {
                t: sorted({i.token.hex() for i in lst if i.type == t}) for t in sorted({i.type for i in lst})}


def test_columns_of_random_found_lists(native: Any) -> None:
    """`Core.build` on random found lists (repeated values and tokens, spans with and without,
    a type name in a second, equal string object): the sequence, `token_map` and `counts` are the
    Python loop's."""
    engine.set_engine("native")  # (whatever VIGIE_ENGINE says: `native` restores it after the module)
    core = engine.core()
    assert core is not None
    r = random.Random(7)
    values = {
        "email": ["a@b.fr", "jean.dupont@gmail.com", "x@localhost", "é@x."],
        "phone": ["+33612345678", "+3261234567", "+33612345678"],
        "card": ["4111111111111111", "371449635398431", "12"],
        "national_id": ["BE85073003328", "ES12345678Z", "é", ""],
        "name": ["élise dupont", "Élise Dupont"], "dob": ["1980-01-01"],
    }
    for _ in range(200):
        sink = Sink()
        for _ in range(r.randint(0, 60)):
            t = r.choice(list(values))
            if r.random() < 0.2:
                t = "".join(list(t))  # an equal name, another object: the same type
            st = r.choice([-1, 0, 5, 40])
            sink.found.append((t, r.choice(values[t]), st, st + r.choice([0, 3])))
        ref = _identifiers(sink, Tokenizer(KEY), KEY.version, 2000, [])
        got = core.build(sink.found, engine.native_tokenizer(KEY.key), KEY.version, 2000, [], set())
        assert got.token_map() == token_map(ref)
        assert got.counts() == _reference_counts(ref)
        assert len(got) == len(ref) and got == ref
        # `_build`'s call: the found list emptied as it is read, the same identifiers and masks
        found, ref_masks, masks, types = list(sink.found), [], [], set()
        _identifiers(sink, Tokenizer(KEY), KEY.version, 30, ref_masks)
        eaten = core.build(found, engine.native_tokenizer(KEY.key), KEY.version, 30, masks, types, consume=True)
        assert found == [] and eaten == ref and masks == ref_masks and types == {f[0] for f in sink.found}


def test_documents_of_both_engines_are_equal(native: Any) -> None:
    """`build_documents` on the core's fragments stores what it stores from the reference's."""
    text, _ = make_dump("csv", 200, faker_seed=77)
    item = CrawledItem(source="s", url="http://x.onion/t/1", body=text)
    ref, got = both_engines(text.encode(), KEY)
    key = DataKey(bytes(range(32)))
    a, b = build_documents(item, ref, key), build_documents(item, got, key)
    assert len(a) == len(b) == 1
    for x, y in zip(a, b, strict=True):
        assert x.tokens and x.tokens == y.tokens and x.counts == y.counts and x.id == y.id
        assert (x.excerpt, x.severity, x.categories, x.evidence) == (y.excerpt, y.severity, y.categories, y.evidence)


def test_starts_and_pack_columns_are_the_objects(native: Any) -> None:
    """`starts()` (what `leaks.records.fragment_records` reads) and `columns()` (what
    `packing.pack` sends across the pool's pipe) give, without an `Identifier` each, what the
    objects give: the packed fragments are those packed from the Python engine's list."""
    from indexer.detect.packing import pack, unpack

    optional: list[tuple[bool, bool]] = []
    for seed, kind in enumerate(("csv", "sql_insert", "combo", "jsonl", "separated_run")):
        text, _ = make_dump(kind, 150, faker_seed=700 + seed)
        text += "\ncarte 4111 1111 1111 1111 BE85073003328 jean@gmail.com\n"  # a card network, a country
        ref, got = both_engines(text.encode(), KEY)
        assert ref == got and ref, kind
        for a, b in zip(ref, got, strict=True):
            spans = [i.start for i in a.identifiers if i.start is not None and i.end is not None]
            assert b.identifiers.starts() == spans
        packed_ref, packed = pack(ref), pack(got)
        assert packed == packed_ref and type(packed[0].tokens) is bytes
        assert unpack(packed) == ref
        optional += [(p.networks is not None, p.countries is not None) for p in packed]
    assert any(n for n, _ in optional) and any(c for _, c in optional)  # both optional columns were sent
    empty = Fragment(kind="csv", start_line=1, end_line=1, text="", identifiers=[])
    assert pack([empty]) == pack([Fragment(kind="csv", start_line=1, end_line=1, text="", identifiers=[])])
