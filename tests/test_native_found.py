"""A sink's found list in the compiled core: `vigie_native.Found`, columns behind a list
(issue 17, wave 21), against a plain list given the same operations.

The core appends its identifiers to the columns and `Core.build` takes them over; the Python
readers and writers (the reference functions the core hands cells to, the recognisers'
`len(found) > before` counts, `remap_found`, `del found[before:]`) must see the list they saw.
Skipped when vigie_native is not built, except with VIGIE_REQUIRE_NATIVE=1.
"""

from __future__ import annotations

import copy
import pickle
import random
from collections.abc import Iterator
from typing import Any

import pytest

import indexer.detect as D
from indexer import engine
from indexer.detect import Sink, Tokenizer, _identifiers
from indexer.detect.roles import Role
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump
from tests.native_core import both_engines, native_engine

KEY = MatchKey(b"\x31" * 32, version=3)


@pytest.fixture(scope="module")
def native() -> Iterator[Any]:
    yield from native_engine()


def _item(r: random.Random, rough: bool) -> Any:
    """A found tuple; in a `rough` list, now and then one the columns cannot hold as it is."""
    t = r.choice(["email", "phone", "name", "card", "".join(["ph", "one"])])
    c = r.choice(["a@b.fr", "+33612345678", "élise dupont", "4111111111111111", "", "日本"])
    st = r.choice([0, 3, 40, -1])
    item: Any = (t, c, st, st + r.choice([0, 5]))
    odd = r.random() if rough else 1.0
    if odd < 0.03:
        item = (t, c, True, 5)  # a bool is an int, but must come back a bool
    elif odd < 0.06:
        item = (t, "\ud800x", st, st)  # a lone surrogate (a JSON escape read by the reference)
    elif odd < 0.08:
        item = [t, c, st, st]  # not a tuple
    elif odd < 0.10:
        item = (t, c, st)
    elif odd < 0.12:
        item = (t, c, 1 << 70, 0)  # an int no column holds
    return item


def _same(f: Any, lst: list[Any]) -> None:
    assert len(f) == len(lst) and bool(f) == bool(lst)
    assert f == lst and lst == f and not f != lst
    assert list(f) == lst and repr(f) == repr(lst)
    if lst:
        assert f[0] == lst[0] and f[-1] == lst[-1] and f[len(lst) // 2] == lst[len(lst) // 2]
        assert lst[-1] in f
    assert f[1:4] == lst[1:4] and f[::-2] == lst[::-2] and type(f[1:4]) is list


def test_random_operations_read_as_a_list(native: Any) -> None:
    """Appends, extends, index and slice reads, index writes, deletions: after each one the
    columns answer as the list given the same operations (and once an odd item spilled them
    into tuples, still)."""
    r = random.Random(21)
    spilled = columnar_end = 0
    for _ in range(300):
        f, lst = native.Found(), []
        rough = r.random() < 0.4  # odd items and deletions inside the list (both spill it)
        for _ in range(r.randint(0, 25)):
            op = r.random()
            if op < 0.45:
                it = _item(r, rough)
                f.append(it)
                lst.append(it)
            elif op < 0.6:
                its = [_item(r, rough) for _ in range(r.randint(0, 4))]
                f.extend(x for x in its)  # a generator, as `found.extend(x for x in tmp if ...)`
                lst.extend(its)
            elif op < 0.75 and lst:
                k = r.randrange(-len(lst), len(lst))
                t, c, st, en = lst[k] if len(lst[k]) == 4 else ("email", "a@b.fr", 0, 6)
                new = r.choice([(t, c, st + 7, en + 7), ("email", "z@y.fr", 1, 2)])  # remap_found, or another
                f[k] = new
                lst[k] = new
            elif op < 0.85:
                k = r.randint(0, len(lst))
                del f[k:]
                del lst[k:]
            elif op < 0.9 and lst and rough:
                k = r.randrange(len(lst))
                del f[k]
                del lst[k]
            elif op < 0.95 and len(lst) > 2 and rough:
                del f[1:2]
                del lst[1:2]
            _same(f, lst)
        assert pickle.loads(pickle.dumps(f)) == lst and copy.copy(f) == lst and copy.deepcopy(f) == lst
        assert type(pickle.loads(pickle.dumps(f))) is list
        spilled += not f.columnar
        columnar_end += f.columnar and len(f) > 3
        with pytest.raises(IndexError):
            f[len(lst)]
        with pytest.raises(TypeError):
            f["x"]
    assert spilled > 20 and columnar_end > 20  # both states were exercised


def test_an_odd_item_comes_back_as_it_went_in(native: Any) -> None:
    """The columns keep values, not objects: an item they cannot hold spills the list into
    plain tuples, so a bool start, a non-tuple or a surrogate is read back unchanged."""
    f = native.Found()
    f.append(("email", "a@b.fr", 0, 6))
    assert f.columnar
    f.append(("phone", "+33612345678", True, 12))
    assert not f.columnar and f[1][2] is True and f[0] == ("email", "a@b.fr", 0, 6)
    g = native.Found()
    g.append(("name", "\ud800", 0, 0))
    assert not g.columnar and g[0][1] == "\ud800"


def test_build_takes_the_columns_over(native: Any) -> None:
    """`Core.build` on the columns (consumed or not) gives the identifiers, masks and types the
    Python loop gives from the same items, and with `consume` leaves the list empty; a `Role`
    type (a str subclass, as under a typed header) is the same type as its plain name."""
    engine.set_engine("native")  # (whatever VIGIE_ENGINE says: `native` restores it after the module)
    core = engine.core()
    assert core is not None
    r = random.Random(5)
    for n in range(60):
        sink = Sink()
        assert type(sink.found) is native.Found
        for _ in range(r.randint(0, 40)):
            t = r.choice(["email", "phone", "card", "national_id", "name"])
            if t == "phone" and r.random() < 0.3:
                t = Role("phone", "BE")
            c = {"email": "a@b.fr", "phone": "+3261234567", "card": "4111111111111111", "national_id": "BE85073003328",
                 "name": "élise dupont"}[t]
            st = r.choice([-1, 0, 5, 3000])
            sink.found.append((t, c, st, st + r.choice([0, 3])))
        ref_masks: list[Any] = []
        ref = _identifiers(sink, Tokenizer(KEY), KEY.version, 2000, ref_masks)
        types: set[str] = set()
        masks: list[Any] = []
        consume = n % 2 == 0
        before = list(sink.found)
        got = core.build(sink.found, engine.native_tokenizer(KEY.key), KEY.version, 2000, masks, types, consume=consume)
        assert got == ref and masks == ref_masks and types == {f[0] for f in before}
        assert got.token_map() and got.counts() if ref else True
        assert (sink.found == []) if consume else (sink.found == before)


def test_the_dense_mix_stays_in_columns(native: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On every kind of the dense mix, what the core and the reference functions append keeps
    the list in columns up to `_build` (a spill would cost a tuple per identifier again), and
    the fragments are the Python engine's."""
    seen: list[tuple[str, bool]] = []
    build = D._build

    def spy(kind: str, *a: Any) -> Any:
        sink = a[3]
        seen.append((kind, type(sink.found) is native.Found and sink.found.columnar))
        return build(kind, *a)

    monkeypatch.setattr(D, "_build", spy)
    for seed, kind in enumerate(("csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl")):
        text, _ = make_dump(kind, 150, faker_seed=900 + seed)
        seen.clear()
        ref, got = both_engines(text.encode(), KEY)
        assert ref == got and ref, kind
        native_calls = seen[len(seen) - len(got):]
        assert native_calls and all(ok for _, ok in native_calls), (kind, seen)
