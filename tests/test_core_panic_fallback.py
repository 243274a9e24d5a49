"""A panic of the compiled core costs time, never a fragment: the input is detected again by the
pure-Python reference engine on that thread, and the crash is logged and counted.

No known input panics the core (each one found became a fix and a test in test_native_hostile.py),
so the crash is injected: a function the native path calls raises a genuine pyo3 PanicException,
obtained from the core's `panic_probe`, which panics on purpose. This is the one fake here,
because no input we know of panics the core.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from loguru import logger

from indexer import engine
from indexer import identifiers as ids
from indexer.detect import detect
from indexer.detect import prefilter as pf
from indexer.tokens import MatchKey

KEY = MatchKey(b"k" * 32)
ROWS = [f"Patient{i};patient{i}@mail-synthetique.fr;06 12 34 5{i} {i}{i};1{i}5067512345{i}" for i in range(8)]
DUMP = "nom;email;telephone;nir\n" + "\n".join(ROWS) + "\n"
POSTS = [b"bonjour a tous, rien ici", ("vente base clients\n" + DUMP).encode(), b"merci pour le partage"]


def _panic() -> BaseException:
    vigie_native: Any = importlib.import_module("vigie_native")
    try:
        vigie_native.panic_probe("card 4970101234567890")
    except BaseException as exc:  # the panic is what we came for
        assert engine.is_core_panic(exc), type(exc).__mro__
        return exc
    pytest.fail("panic_probe no longer panics: inject the panic another way")


@pytest.fixture
def native() -> Iterator[None]:
    try:
        importlib.import_module("vigie_native")
    except ImportError:
        if os.environ.get("VIGIE_REQUIRE_NATIVE") == "1":
            pytest.fail("VIGIE_REQUIRE_NATIVE=1 but vigie_native is not importable: build it with scripts/setup.sh")
        pytest.skip("vigie_native is not built (scripts/setup.sh builds it when cargo is present)")
    engine.set_engine("native")
    yield
    engine.set_engine(None)


def _errors() -> tuple[list[str], int]:
    seen: list[str] = []
    return seen, logger.add(lambda m: seen.append(str(m)), level="ERROR", format="{message}")


def test_a_core_panic_in_detect_falls_back_to_the_reference_engine(native: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    engine.set_engine("python")
    reference = detect(DUMP, key=KEY)
    assert reference and sum(len(f.identifiers) for f in reference) >= 24
    engine.set_engine("native")
    assert detect(DUMP, key=KEY) == reference  # the core agrees when it does not crash

    panic = _panic()
    real = engine.core()
    calls: list[bool] = []

    class Crashing:  # the core, except that building a fragment panics
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def build(self, *args: Any, **kwargs: Any) -> Any:
            calls.append(True)
            raise panic

    monkeypatch.setitem(engine._state, "core", Crashing())
    before = engine.core_panics()
    seen, sink = _errors()
    try:
        got = detect(DUMP, key=KEY)
    finally:
        logger.remove(sink)
    assert calls, "the native path was not taken: the test injected nothing"
    assert got == reference
    assert engine.core_panics() == before + 1
    assert len(seen) == 1 and "crashed" in seen[0] and "PanicException" in seen[0]
    assert "patient0" not in seen[0] and "mail-synthetique" not in seen[0]  # the input is not logged
    # the fallback was for that call and that thread only: the next call takes the native path again
    assert engine.core() is not None and ids._native() is not None


def test_reference_only_is_per_thread(native: None) -> None:
    other: list[object] = []
    with engine.reference_only():
        assert engine.core() is None and engine.native_module() is None and ids._native() is None
        t = threading.Thread(target=lambda: other.append(engine.native_module()))
        t.start()
        t.join()
    assert other[0] is not None  # another thread kept the compiled core
    assert engine.native_module() is not None


def test_a_panic_in_the_sparse_scan_detects_each_item_alone(native: None, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.set_engine("python")
    reference = pf.detect_many(POSTS, key=KEY)
    assert [len(r) for r in reference] == [0, 1, 0]
    engine.set_engine("native")
    panic = _panic()

    def crashing_scan(*args: Any, **kwargs: Any) -> Any:
        raise panic

    monkeypatch.setattr(pf, "native_scan", lambda: crashing_scan)
    before = engine.core_panics()
    seen, sink = _errors()
    try:
        got = pf.detect_many(POSTS, key=KEY)
    finally:
        logger.remove(sink)
    assert got == reference
    assert engine.core_panics() == before + 1
    assert len(seen) == 1 and "sparse scan crashed" in seen[0]


def test_an_ordinary_error_is_not_taken_for_a_panic(native: None, monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.core()

    class Failing:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def build(self, *args: Any, **kwargs: Any) -> Any:
            raise MemoryError("not a panic")

    monkeypatch.setitem(engine._state, "core", Failing())
    before = engine.core_panics()
    with pytest.raises(MemoryError):
        detect(DUMP, key=KEY)
    assert engine.core_panics() == before
