"""The alerts registry's lookups by the compiled core (`vigie_native.probe_hex`, wave 28) answer
as numpy's `TokenTable.lookup` does.

The ingest hook looks up every token of an item; on the native engine `Registry.registered_hex`
hands the documents' hex tokens to the core in one call (parsed and probed there) instead of a
hex join, `bytes.fromhex` and numpy's probe rounds. Checked here against `TokenTable.lookup`
(the reference, kept for the Python engine): tables near their load limit with long probe runs,
runs that wrap past the last slot, absent tokens, the all-zero token (it "finds" the first empty
slot in both), upper-case hex; a token that is not 32 hex digits sends the call back to the
Python path with its error. The core is called directly, so this file means the same on both
engines; it is skipped where the core is not installed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alerts.registry import Registry, RegistryError
from alerts.table import MAX_LOAD, TokenTable, tokens_to_words
from indexer import engine

native = pytest.importorskip("vigie_native")
probe_hex: Any = getattr(native, "probe_hex", None)
pytestmark = pytest.mark.skipif(probe_hex is None, reason="the installed core has no probe_hex")


def _table(nslots: int, tokens: list[bytes]) -> TokenTable:
    t = TokenTable.empty(int(nslots * MAX_LOAD) - 1)
    words = tokens_to_words(b"".join(tokens)).copy()
    t.insert_new(words, np.arange(1, len(tokens) + 1, dtype="<u2"))
    return t


def _core(t: TokenTable, hexes: list[str]) -> np.ndarray:
    raw = probe_hex(np.asarray(t.keys).reshape(-1).view(np.uint8), hexes)
    assert raw is not None
    return np.frombuffer(raw, dtype="<i8")


def _reference(t: TokenTable, hexes: list[str]) -> np.ndarray:
    return t.lookup(tokens_to_words(bytes.fromhex("".join(hexes))))


def _homed(rng: random.Random, nslots: int, home: int) -> bytes:
    """A random token whose home slot (low word masked) is `home`."""
    w0 = (rng.getrandbits(64) & ~(nslots - 1)) | home
    return w0.to_bytes(8, "little") + rng.randbytes(8)


@pytest.mark.parametrize("nslots", [1024, 4096])
def test_random_tables_as_numpy(nslots: int) -> None:
    rng = random.Random(nslots)
    present = [rng.randbytes(16) for _ in range(int(nslots * MAX_LOAD) - 2)]
    t = _table(nslots, present)
    absent = [rng.randbytes(16) for _ in range(3000)]
    asked = present + absent + [bytes(16)]
    rng.shuffle(asked)
    hexes = [x.hex() for x in asked]
    got = _core(t, hexes)
    want = _reference(t, hexes)
    assert got.tolist() == want.tolist()
    assert (got >= 0).sum() == len(present) + 1  # (the zero token "finds" an empty slot, in both)
    assert _core(t, [h.upper() for h in hexes]).tolist() == want.tolist()


def test_long_runs_that_wrap_past_the_last_slot() -> None:
    """Forty tokens homed at the last three slots: their runs wrap to the table's start, past
    tokens homed there; absent tokens homed at the end walk the whole cluster."""
    rng = random.Random(3)
    nslots = 1024
    clustered = [_homed(rng, nslots, nslots - 1 - (k % 3)) for k in range(40)]
    early = [_homed(rng, nslots, k % 5) for k in range(10)]
    t = _table(nslots, clustered + early)
    asked = clustered + early + [_homed(rng, nslots, nslots - 1) for _ in range(20)] + [_homed(rng, nslots, 2)]
    hexes = [x.hex() for x in asked]
    got = _core(t, hexes)
    assert got.tolist() == _reference(t, hexes).tolist()
    assert (got[:40] < 100).sum() >= 30 and (got[40:50] >= 0).all()  # (the runs did wrap, past the early ones)


def test_not_hex_goes_back_to_the_python_path(tmp_path: Path) -> None:
    t = _table(1024, [bytes(range(16))])
    keys = np.asarray(t.keys).reshape(-1).view(np.uint8)
    good = bytes(range(16)).hex()
    for bad in ["zz" * 16, good[:30], good + "00", good[:31] + " ", "é" * 32]:
        assert probe_hex(keys, [good, bad]) is None
    with pytest.raises(ValueError, match="power of two"):
        probe_hex(keys[:-16], [good])
    reg = Registry(tmp_path / "alerts")
    reg.register("o", [(tokens_to_words(bytes(range(16))).copy(), np.zeros(1, np.uint8), 1)])
    with pytest.raises(RegistryError, match="not hex"):
        reg.registered_hex([good, "zz" * 16])
    reg.close()


def test_registry_hits_on_both_paths(tmp_path: Path) -> None:
    """A real registry (memory-mapped, as the ingest hook reads it): `registered_hex` gives the
    same hits with the core as with numpy (the reference engine on this thread)."""
    rng = random.Random(7)
    mine = [rng.randbytes(16) for _ in range(3000)]
    reg = Registry(tmp_path / "alerts")
    words = tokens_to_words(b"".join(mine)).copy()
    reg.register("org", [(words, np.zeros(len(mine), np.uint8), len(mine))], expected=len(mine))
    reg.close()
    reader = Registry(tmp_path / "alerts")
    asked = [x.hex() for x in mine[::7]] + [rng.randbytes(16).hex() for _ in range(5000)]
    rng.shuffle(asked)
    had_core = engine.native_module() is not None
    engine.set_engine("native")
    try:
        got = reader.registered_hex(asked)
        assert reader.table.lookup_hex(asked) is not None
        with engine.reference_only():
            assert reader.table.lookup_hex(asked) is None
            want = reader.registered_hex(asked)
    finally:
        engine.set_engine("native" if had_core else "python")
        reader.close()
    assert got == want and len(got) == len(mine[::7])
