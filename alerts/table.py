"""A compact open-addressing hash table of 16-byte tokens, each mapped to a small "org-set" id.

Why not a Python set/dict: 10M `bytes` keys cost ~1.5 GB in CPython. Here each slot is two
uint64 words (the token) plus one uint16 (the id of a set of organisations), i.e. 18 bytes per
slot; at a load factor <= 0.7 and a power-of-two size, 10M tokens fit in 2^24 slots = 302 MB.
Tokens are HMAC outputs, hence uniformly distributed: the low word is the hash, no mixing needed.
Linear probing; the all-zero token marks an empty slot (an HMAC output of zero has probability
2^-128). Inserts and lookups are vectorised with numpy: each round probes every pending token
at once and the number of rounds is the longest probe run, not the number of tokens.
Deletions rebuild the table (unregistering is rare; a rebuild of 10M takes seconds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer import engine

__all__ = ["MAX_LOAD", "TokenTable", "tokens_to_words"]

MAX_LOAD = 0.7
_MIN_SLOTS = 1024


def tokens_to_words(raw: bytes | bytearray | memoryview) -> np.ndarray:
    """Concatenated 16-byte tokens -> (n, 2) uint64 array (little-endian words)."""
    arr = np.frombuffer(raw, dtype="<u8")
    if arr.size % 2:
        raise ValueError("token buffer length is not a multiple of 16 bytes")
    return arr.reshape(-1, 2)


def slots_for(count: int) -> int:
    n = _MIN_SLOTS
    while count > n * MAX_LOAD:
        n *= 2
    return n


class TokenTable:
    """keys: (nslots, 2) uint64; sets: (nslots,) uint16. Either may be a read-only memmap."""

    def __init__(self, keys: np.ndarray, sets: np.ndarray, count: int) -> None:
        if keys.shape[0] != sets.shape[0] or keys.shape[0] & (keys.shape[0] - 1):
            raise ValueError("table size must be a power of two and keys/sets must match")
        self.keys = keys
        self.sets = sets
        self.count = count
        self.mask = np.uint64(keys.shape[0] - 1)

    @classmethod
    def empty(cls, capacity: int = 0) -> TokenTable:
        n = slots_for(capacity)
        return cls(np.zeros((n, 2), dtype="<u8"), np.zeros(n, dtype="<u2"), 0)

    @property
    def nslots(self) -> int:
        return int(self.keys.shape[0])

    def lookup(self, words: np.ndarray) -> np.ndarray:
        """Slot index of each token, or -1 when absent.

        Each round probes the next slot of every token still looking; a token stops at its own
        key or at an empty slot. The round count is the longest probe run (~25 for an ingested
        dump's ~8,000 tokens at load ~0.5), so what a round costs is mostly numpy's per-call
        overhead: the pending tokens' words and positions are kept compacted (1-D filters, no
        2-D fancy indexing per round) and the slots are read with `take` (one 16-byte row each;
        `keys[p]` on a 2-D memmap cost ~10x more: issue 17's product path, wave 27)."""
        n = words.shape[0]
        result = np.full(n, -1, dtype=np.int64)
        if n == 0 or self.count == 0:
            return result
        keys = np.asarray(self.keys)  # (a plain view of a memmap: no subclass wrapping per call)
        mask = int(self.mask)
        w0 = words[:, 0].copy()
        w1 = words[:, 1].copy()
        pos = (w0 & self.mask).astype(np.int64)
        idx = np.arange(n)
        while True:
            slot = keys.take(pos, axis=0)
            s0 = slot[:, 0]
            s1 = slot[:, 1]
            occupied = (s0 | s1) != 0
            hit = (s0 == w0) & (s1 == w1)
            if hit.any():
                result[idx[hit]] = pos[hit]
                occupied &= ~hit
            if not occupied.any():
                return result
            idx = idx[occupied]
            w0 = w0[occupied]
            w1 = w1[occupied]
            pos = pos[occupied]
            pos += 1
            pos &= mask

    def lookup_hex(self, hex_tokens: Sequence[str]) -> np.ndarray | None:
        """`lookup` of tokens given as hex, in one call of the compiled core when it is the engine
        (`vigie_native.probe_hex`: each token parsed and probed in turn, the next ones' home slots
        prefetched; ~17 ms of numpy rounds and hex parsing on bench.detect's dense mix, issue 17).
        None without the core, or when a token is not 32 hex digits: the caller parses them as
        before (with its errors) and calls `lookup`."""
        probe = getattr(engine.native_module(), "probe_hex", None)
        if probe is None or not hex_tokens or self.count == 0:
            return None
        raw = probe(np.asarray(self.keys).reshape(-1).view(np.uint8),
                    hex_tokens if isinstance(hex_tokens, list) else list(hex_tokens))
        return None if raw is None else np.frombuffer(raw, dtype="<i8").astype(np.int64, copy=False)

    def insert_new(self, words: np.ndarray, set_ids: np.ndarray) -> None:
        """Insert tokens known to be absent and distinct. Grows the table when needed."""
        if words.shape[0] == 0:
            return
        if self.count + words.shape[0] > self.nslots * MAX_LOAD:
            self._grow(slots_for(self.count + words.shape[0]))
        self._place(words, set_ids)
        self.count += int(words.shape[0])

    def reserve(self, total: int) -> None:
        """Size the table for `total` tokens now, rather than doubling repeatedly while inserting."""
        if total > self.nslots * MAX_LOAD:
            self._grow(slots_for(total))

    def _place(self, words: np.ndarray, set_ids: np.ndarray) -> None:
        mask = int(self.mask)
        pos = (words[:, 0] & self.mask).astype(np.int64)
        idx = np.arange(words.shape[0])
        keys, sets = self.keys, self.sets
        while idx.size:
            p = pos[idx]
            slot = keys[p]
            free = (slot[:, 0] == 0) & (slot[:, 1] == 0)
            cand_p = p[free]
            placed = np.zeros(idx.size, dtype=bool)
            if cand_p.size:
                uniq, first = np.unique(cand_p, return_index=True)
                winners_local = np.flatnonzero(free)[first]
                winners = idx[winners_local]
                keys[uniq] = words[winners]
                sets[uniq] = set_ids[winners]
                placed[winners_local] = True
            idx = idx[~placed]
            pos[idx] = (pos[idx] + 1) & mask

    def _grow(self, nslots: int) -> None:
        live = self.live_slots()
        words, ids = self.keys[live].copy(), self.sets[live].copy()
        self.keys = np.zeros((nslots, 2), dtype="<u8")
        self.sets = np.zeros(nslots, dtype="<u2")
        self.mask = np.uint64(nslots - 1)
        self._place(words, ids)

    def live_slots(self) -> np.ndarray:
        return np.flatnonzero((self.keys[:, 0] != 0) | (self.keys[:, 1] != 0))

    def rebuild_without(self, drop_slots: np.ndarray) -> None:
        """Remove the given slots (linear probing cannot simply clear them)."""
        live = self.live_slots()
        keep = live[~np.isin(live, drop_slots)]
        words, ids = self.keys[keep].copy(), self.sets[keep].copy()
        n = slots_for(words.shape[0])
        self.keys = np.zeros((n, 2), dtype="<u8")
        self.sets = np.zeros(n, dtype="<u2")
        self.mask = np.uint64(n - 1)
        self.count = int(words.shape[0])
        self._place(words, ids)
