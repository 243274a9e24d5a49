"""Attacker's review, round 9: samples posted compressed inside base64 (indexer/detect/unveil.py).

A post can hold a gzip or zlib stream in base64, which unveiling inflates to read the sample.
Deflate reaches ~1,000:1: 20 kB of base64 inflate to 16 MB. Measured by the memory the
inflation takes (tracemalloc's peak: deterministic, whatever the host's speed) and by the size
of what comes out, on both detection entry points' common step, `unveil`.
"""

from __future__ import annotations

import base64
import gzip
import tracemalloc
import zlib

import pytest

from indexer.detect import detect
from indexer.detect.unveil import unveil
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x4e" * 32, version=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("wrap", ["zlib", "gzip"])
def test_a_blob_that_is_not_text_is_not_inflated_whole(wrap: str) -> None:
    """Twelve 21 kB blobs of a stream of 16 MB of zeros (or 0x01 bytes) in one 256 kB post: each
    was inflated whole (16 MB, ~10-30 ms) before its head was found not to be text, and none
    counted against the post's budget: 200 MB inflated per post, and a page holds dozens of
    posts. Now the head is inflated first and the rest only when the head reads as text."""
    pack = zlib.compress if wrap == "zlib" else gzip.compress
    blobs = [_b64(pack(bytes([n % 2]) * (16 * 2**20), 9)) for n in range(12)]
    post = "voici la base:\n\n" + "\n\n".join(blobs) + "\n"
    tracemalloc.start()
    try:
        got = unveil(post)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got is None
    assert peak < 4 * 2**20, peak  # before: 16 MB held at once per blob


def test_what_a_post_decodes_to_is_bounded_by_its_size() -> None:
    """A 31 kB post decoded to 16 MB of `adresse;telephone` lines (500,000 identifiers to detect
    and store from 31 kB, in every post of a page). What all of a post's blobs decode to is now
    at most 16 times the post (or 256 kB for a small one); a compressed sample as posted (a few
    times its base64) is still read whole."""
    row = b"jean.dupont@exemple.fr;0612345678\n"
    post = "dump:\n" + _b64(zlib.compress(row * (16 * 2**20 // len(row)), 9)) + "\n"
    got = unveil(post)
    assert got is not None
    assert len(got[0]) <= max(256 * 1024, 16 * len(post)) + len(post), (len(post), len(got[0]))
    # a real sample: 2,000 distinct rows gzipped, read whole with every address in it
    rows = "".join(f"client{n}@exemple.fr;06{n:08d}\n" for n in range(2000)).encode()
    sample = "échantillon:\n" + _b64(gzip.compress(rows)) + "\nfin\n"
    assert len(rows) > 4 * len(sample)  # compressed well: the budget is not the post's size alone
    found = {i.value for f in detect(sample, key=KEY) for i in f.identifiers if i.type == "email"}
    assert found == {f"client{n}@exemple.fr" for n in range(2000)}
