"""Clustering fragments into leaks: MinHash candidates, confirmed by exact shared-record counts.

A fragment's identity is its set of keyed record hashes (`indexer.leaks.records`). Two copies
of one dump share records; two dumps of the same shape (same columns, other people) share none.

Candidates: a 128-permutation MinHash (datasketch) of the record set, banded with one row per
band (b=128, r=1), i.e. two fragments are candidates when they agree on any permutation's
minimum. With r=1 the probability of being a candidate is 1-(1-J)^128: 99.9% at Jaccard 0.05,
which is what a 5% sample of a dump has with the whole, in either arrival order (the sample
first or the whole first). That symmetry is why the bands are not datasketch's
`MinHashLSHEnsemble`: its containment query is one-way (a small query inside a big indexed set)
and its index is built once and cannot take inserts, while leaks grow one fragment at a time,
in several processes (the service's crawl subprocesses). The bands are kept in the store
(SQLite), so every process sees every fragment. Disjoint record sets agree on a minimum only by
a 32-bit collision, and a candidate counts for nothing until confirmed.

Confirmation: the exact number of records a fragment shares with each candidate leak, counted in
the store's record index. A fragment joins the leak with which it shares the most, if that is
at least half of the smaller side (containment, not Jaccard: a 5% sample is wholly contained in
its dump). It merges other confirmed leaks into that one only when they look like samples of
the same dump, not like a second dump pasted into a compilation (see `decide`): merging two
dumps through a compilation would make every pair of their copies a false pair.

Why not whole-text fuzzy hashes (TLSH, ssdeep): every combo list, every patient CSV with the
same columns looks like every other one to them (the structure dominates the text), and a small
sample's digest cannot be compared with the whole's. Records compare what matters: the people.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import methodcaller

import numpy as np

__all__ = ["NUM_PERM", "Candidate", "Decision", "bands", "decide", "signature"]

NUM_PERM = 128
_SEED = 20160  # fixed: signatures are stored, they must be comparable across runs
_MIN_CONTAINMENT = 0.5  # shared / smaller side, to join a leak
_MERGE_CONTAINMENT = 0.8  # shared / the other leak's size, to merge it too
_MERGE_MAX_SHARE = 0.5  # ... and it explains at most this share of what the best leak does not
_MIN_EXPECTED = 2.0  # below this many expected common records, the overlap test cannot tell
_MIN_OBSERVED = 0.5  # observed / expected common records, to call two leaks one dump


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch 1.x's (a, b) pairs for `_SEED`: drawn from RandomState(seed), a then b per permutation."""
    gen = np.random.RandomState(_SEED)
    pairs = [
        (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
        for _ in range(NUM_PERM)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a, b


_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_A, _B = _permutations()
_DIGEST = methodcaller("digest")
_EIGHT_BYTES = methodcaller("to_bytes", 8, "big")


def signature(records: Iterable[int]) -> np.ndarray:
    """The MinHash (uint64 array of NUM_PERM values) of a set of record hashes: the values of
    datasketch 1.x's `MinHash(num_perm=128, seed=_SEED).update_batch(r.to_bytes(8, "big") ...)`,
    computed here (tests/test_leaks_signature_stable.py checks them against its formula and pins
    some). The bands are stored, so the values must not change with a library: datasketch 2.0 made
    another permutation scheme its default (`affine32`), under which no band stored before would
    match again and reposts would start leaks of their own. Computed here, no process that
    clusters imports datasketch (and scipy through it: 0.6 s), and it is faster than datasketch's
    `legacy` scheme (7 sets of 2,000: 31 -> 25 ms CPU): the SHA-1s through C-level maps, not a
    Python call each, the modulo 2^61-1 by the Mersenne fold instead of a division, in place."""
    values = list(records)
    if not values:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, map(_EIGHT_BYTES, values))))
    # each value's hash: the first 4 bytes of its SHA-1, little endian (datasketch's sha1_hash32)
    hv = np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint64)[:, None]
    x = hv * _A  # modulo 2^64, as datasketch computes it; in place from here
    x += _B
    high = x >> np.uint64(61)
    x &= _MERSENNE
    x += high  # x mod 2^61-1, or that plus 2^61-1 (8 values in 2^61: checked, not assumed)
    if (x >= _MERSENNE).any():
        x -= _MERSENNE * (x >= _MERSENNE)
    x &= _MAX_HASH
    out: np.ndarray = np.minimum(x.min(axis=0), _MAX_HASH)
    return out


def bands(sig: np.ndarray) -> list[tuple[int, int]]:
    """The LSH band keys (band, value) of a signature: one row per band."""
    return [(i, int(v)) for i, v in enumerate(sig.tolist())]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A leak that shares `shared` records (exact count) with the new fragment."""

    leak_id: str
    shared: int
    size: int  # the leak's distinct records
    first_seen_us: int  # for choosing the survivor of a merge (the older one)


@dataclass(frozen=True, slots=True)
class Decision:
    join: str | None  # the leak the fragment joins (None: it starts a new one)
    merge: tuple[str, ...] = ()  # other leaks merged into `join`


def _confirmed(c: Candidate, n: int) -> bool:
    smaller = min(n, c.size)
    return smaller > 0 and c.shared >= min(2, smaller) and c.shared / smaller >= _MIN_CONTAINMENT


def decide(n: int, candidates: Iterable[Candidate], both: Callable[[str, str], int]) -> Decision:
    """Where a fragment of `n` distinct records goes, given its confirmed overlaps.

    It joins the leak it shares most with (the best). Another confirmed leak L is merged in when
    the fragment shows that L and the best are copies of one dump, not two dumps pasted together
    (a compilation). The test: if they were independent samples of one dump, the records the
    fragment shares with both would number about shared(best) x shared(L) / n; two different
    dumps share none. `both(best, L)` is that exact count. When the expectation is too small to
    tell (two small samples, e.g. 5% each), L is merged only if it lies mostly inside the
    fragment (>= 80%) and explains at most half of what the best leak does not (a compilation
    of a whole second dump explains all of it). The survivor is the oldest leak (first seen,
    then id), so ids stay stable; the others become its aliases."""
    ok = sorted((c for c in candidates if _confirmed(c, n)), key=lambda c: (-c.shared, c.first_seen_us, c.leak_id))
    if not ok:
        return Decision(None)
    best = ok[0]
    rest = max(n - best.shared, 1)
    merged = []
    for c in ok[1:]:
        expected = best.shared * c.shared / n
        if expected >= _MIN_EXPECTED:
            if both(best.leak_id, c.leak_id) >= _MIN_OBSERVED * expected:
                merged.append(c)
        elif c.shared >= _MERGE_CONTAINMENT * c.size and c.shared <= _MERGE_MAX_SHARE * rest:
            merged.append(c)
    if not merged:
        return Decision(best.leak_id)
    group = sorted([best, *merged], key=lambda c: (c.first_seen_us, c.leak_id))
    return Decision(group[0].leak_id, tuple(c.leak_id for c in group[1:]))
