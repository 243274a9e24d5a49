"""A fragment's MinHash bands are stored (`leak_bands`): they must be the same whatever datasketch
release computes them, or a repost ingested after an upgrade would find none of the fragments
stored before it and start a leak of its own. datasketch 2.0 changed its default permutations
(`affine32`); `indexer.leaks.cluster.signature` computes the values of datasketch 1.x itself, which
these tests write out from the 1.x formula (SHA-1 of each value's 8 bytes, its first 4 bytes little
endian; h * a + b mod 2^61 - 1, masked to 32 bits; a, b from RandomState(seed)) and compare with
datasketch's `legacy` scheme."""

from __future__ import annotations

import hashlib
import random
import struct

import numpy as np

from indexer.leaks.cluster import _SEED, NUM_PERM, bands, signature

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def _v1_signature(records: set[int]) -> np.ndarray:
    gen = np.random.RandomState(_SEED)
    a, b = np.array(
        [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(NUM_PERM)
        ],
        dtype=np.uint64,
    ).T
    hv = np.array(
        [struct.unpack("<I", hashlib.sha1(r.to_bytes(8, "big")).digest()[:4])[0] for r in records],
        dtype=np.uint64,
        ndmin=2,
    ).T
    phv = np.bitwise_and((hv * a + b) % _MERSENNE, _MAX_HASH)
    return np.minimum(np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64), phv.min(axis=0))


def test_signatures_are_datasketch_1x_values() -> None:
    rng = random.Random(4)
    for n in (1, 2, 7, 100, 2000):
        records = {rng.getrandbits(63) for _ in range(n)}
        assert signature(records).tolist() == _v1_signature(records).tolist()


def test_bands_of_a_known_set_are_pinned() -> None:
    # computed with datasketch 1.x's formula above; a change here orphans every stored band
    assert bands(signature({1, 2, 3, (1 << 62) + 5}))[:4] == [
        (0, 1257172834),
        (1, 374575349),
        (2, 1480888570),
        (3, 1635051392),
    ]


def test_signatures_are_datasketchs_legacy_scheme() -> None:
    from datasketch import MinHash

    rng = random.Random(5)
    for n in (1, 3, 500):
        records = {rng.getrandbits(63) for _ in range(n)}
        try:
            mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="legacy")
        except TypeError:  # datasketch 1.x: legacy is all it has
            mh = MinHash(num_perm=NUM_PERM, seed=_SEED)
        mh.update_batch([r.to_bytes(8, "big") for r in records])
        assert signature(records).tolist() == mh.hashvalues.tolist()
    assert signature(set()).tolist() == [(1 << 32) - 1] * NUM_PERM  # (never asked: no records, no leak)
