"""The compiled core for the tests that compare it with the Python reference: the `vigie_native`
module of this code's interface, else a skip. Under `VIGIE_REQUIRE_NATIVE=1` (what
scripts/test.sh sets where cargo is present) a missing or stale build fails instead, so a suite
that should compare the engines cannot pass by comparing nothing."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from indexer import engine

__all__ = ["assert_finds", "assert_finds_none", "assert_same_fragments", "both_engines", "native_engine",
           "people_ids", "require_native", "vigie_native"]


def _load() -> Any | None:
    try:
        module = importlib.import_module("vigie_native")
    except ImportError:  # depends on the build (scripts/setup.sh builds it when cargo is present)
        return None
    return module if getattr(module, "ABI", None) == engine.ABI else None


vigie_native: Any | None = _load()


def require_native() -> Any:
    """The module, or skip (fail under VIGIE_REQUIRE_NATIVE=1)."""
    if vigie_native is not None:
        return vigie_native
    if os.environ.get("VIGIE_REQUIRE_NATIVE") == "1":
        pytest.fail("VIGIE_REQUIRE_NATIVE=1 but vigie_native of this code's interface is not importable: build "
                    "it with scripts/setup.sh (needs cargo) or `maturin build --release -m "
                    "rust/vigie_native/Cargo.toml` and pip install the wheel")
    pytest.skip("vigie_native (of this code's interface) is not built (scripts/setup.sh builds it when cargo is "
                "present): nothing to compare")


def native_engine() -> Iterator[Any]:
    """Body of a module-scoped `native` fixture for tests that switch engines: the module (or a
    skip), and the engine VIGIE_ENGINE names restored afterwards."""
    module = require_native()
    try:
        yield module
    finally:
        engine.set_engine(None)


def both_engines(data: bytes, key: Any, **kw: Any) -> tuple[list[Any], list[Any]]:
    """`detect(data, key=key, **kw)` on the Python engine, then on the compiled core:
    (reference, core's)."""
    from indexer.detect import detect

    engine.set_engine("python")
    ref = detect(data, key=key, **kw)
    engine.set_engine("native")
    return ref, detect(data, key=key, **kw)


def assert_same_fragments(ref: list[Any], got: list[Any], what: str) -> None:
    """The reference engine's fragments equal the core's; else an assertion that names the first
    difference (fragment count, identifier, excerpt, then the whole fragment), which is what a
    reader of a failed differential run needs first."""
    if ref == got:
        return
    assert len(ref) == len(got), f"{what}: {len(ref)} fragments (python) vs {len(got)} (native)"
    for a, b in zip(ref, got, strict=True):
        if a == b:
            continue
        for x, y in zip(a.identifiers, b.identifiers, strict=False):
            assert x == y, f"{what}: first different identifier\n python {x}\n native {y}"
        assert len(a.identifiers) == len(b.identifiers), f"{what}: identifier counts differ"
        assert a.excerpt == b.excerpt, f"{what}: excerpts differ\n{a.excerpt!r}\n{b.excerpt!r}"
        assert a == b, f"{what}: fragments differ\n{a}\n{b}"


def assert_engines_agree(inputs: dict[str, str], key: Any, text_too: bool = True) -> None:
    """Both engines give the same fragments for each of `inputs` (name -> text), with LF and CRLF
    line ends, as bytes and (`text_too`) as text; the engine VIGIE_ENGINE names is restored after
    (a round's cases read through both: the Python engine is the reference)."""
    require_native()
    try:
        for name, text in inputs.items():
            for eol in ("\n", "\r\n"):
                t = text.replace("\n", eol)
                for data in (t, t.encode()) if text_too else (t.encode(),):
                    ref, got = both_engines(data, key)  # type: ignore[arg-type]
                    assert_same_fragments(ref, got, f"{name} {eol!r} {type(data).__name__}")
    finally:
        engine.set_engine(None)


# a recall round's person (a dict of its fields) -> the identifier each field name stands for
_PERSON_FIELDS = {"mail": ("email", "mail"), "email": ("email", "mail"), "phone": ("phone", "e164"),
                  "dob": ("dob", "iso"), "nir": ("nir", "nir"), "iban": ("iban", "iban")}


def people_ids(people: list[dict[str, str]], fields: str) -> set[tuple[str, str]]:
    """The identifiers a recall round expects of `people` for `fields` ("mail phone dob nir iban cred";
    "email" is "mail"; "cred" is the address and its `pw`): one definition for every round's file."""
    out: set[tuple[str, str]] = set()
    for p in people:
        for f in fields.split():
            if f == "cred":
                out.add(("credential", f"{p['mail']}:{p['pw']}"))
            else:
                kind, key = _PERSON_FIELDS[f]
                out.add((kind, p[key]))
    return out


def found_ids(frags: list[Any]) -> set[tuple[str, str]]:
    """(type, value) of every identifier of `frags`."""
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def assert_finds(text: str, want: set[tuple[str, str]], scored: frozenset[str] | set[str], key: Any) -> None:
    """`detect(text)` finds exactly `want` among the identifiers of the `scored` types."""
    from indexer.detect import detect

    got = {x for x in found_ids(detect(text, key=key)) if x[0] in scored}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


def assert_finds_none(text: str, banned: frozenset[str] | set[str], key: Any) -> None:
    """`detect(text)` finds no identifier of the `banned` types."""
    from indexer.detect import detect

    got = found_ids(detect(text, key=key))
    assert not {x for x in got if x[0] in banned}, sorted(got)


def assert_crawl_road_reads_them(texts: list[str], key: Any) -> None:
    """`detect_many` (a crawl's page of posts) finds in each post what `detect` does, as text and bytes."""
    from indexer.detect import detect
    from indexer.detect.prefilter import detect_many

    for items in (texts, [t.encode() for t in texts]):
        many = detect_many(items, key=key)  # type: ignore[arg-type]
        assert [found_ids(x) for x in many] == [found_ids(detect(b, key=key)) for b in items]


def recall_file_tests(positives: dict[str, tuple[str, Any]], negatives: dict[str, tuple[str, Any]],
                      scored: frozenset[str], key: Any, text_too: bool = True) -> dict[str, Any]:
    """The four tests each recall round's file runs on its cases, for `globals().update(...)`:
    each positive (text, identifiers to find among the `scored` types), each negative (text, types
    none of which may be found), the crawl's road (`detect_many`) finding what `detect` does, and
    both engines agreeing (as bytes, and as text unless `text_too` is False). One definition instead of
    the same four functions in every file."""

    @pytest.mark.parametrize("name", sorted(positives))
    def test_positive(name: str) -> None:
        text, want = positives[name]
        assert_finds(text, want, scored, key)

    @pytest.mark.parametrize("name", sorted(negatives))
    def test_negative(name: str) -> None:
        text, banned = negatives[name]
        assert_finds_none(text, banned, key)

    def test_the_crawls_road_reads_them() -> None:
        """`detect_many` (a crawl's page of posts) finds in each post what `detect` does, as text and bytes."""
        assert_crawl_road_reads_them([v[0] for d in (positives, negatives) for v in d.values()], key)

    def test_engines_agree() -> None:
        """Both engines give the same fragments (every field, the excerpt too), LF and CRLF, bytes and
        (`text_too`) text; the engine VIGIE_ENGINE names is restored after."""
        assert_engines_agree({k: v[0] for d in (positives, negatives) for k, v in d.items()}, key, text_too)

    return {"test_positive": test_positive, "test_negative": test_negative,
            "test_the_crawls_road_reads_them": test_the_crawls_road_reads_them,
            "test_engines_agree": test_engines_agree}
