"""The compiled core's keyed tokens by three raw SHA-256 compressions (issue 17, wave 21):
"v1|type|canonical" in one block, the key's ipad and opad states computed once. Every length
around the one-block limit (55 bytes), multi-byte characters, keys of every size (over 64
bytes HMAC hashes the key: the general path) against `indexer.tokens.token`. Skipped when
vigie_native is not built, except with VIGIE_REQUIRE_NATIVE=1."""

from __future__ import annotations

import random

from indexer.tokens import MatchKey, token
from tests.native_core import require_native


def test_short_path_tokens_are_the_reference_tokens() -> None:
    native = require_native()
    r = random.Random(21)
    for klen in (0, 1, 16, 32, 63, 64, 65, 100):
        key = MatchKey(bytes(r.randrange(256) for _ in range(klen)))
        tok = native.Tokenizer(key.key)
        assert tok.short_path == (klen <= 64), klen  # the fast path is on wherever it can be
        for n in range(0, 70):  # every message length from 4 bytes to past two blocks' worth
            t = r.choice(["email", "phone", "national_id", "x", ""])
            c = "".join(r.choice("abc@.0123") for _ in range(n))
            assert tok(t, c) == token(key, t, c), (klen, t, c)
        for _ in range(300):
            t = r.choice(["name", "credential", "é"])
            c = "".join(r.choice("abé😀€ 01") for _ in range(r.randint(0, 40)))
            assert tok(t, c) == token(key, t, c), (klen, t, c)


def test_paired_tokens_are_the_reference_tokens() -> None:
    """`build` computes a fragment's tokens two at a time (wave 23: the two hashes'
    compressions interleaved with the CPU's SHA extensions, where it has them): every pair of
    lengths around the one-block limit, mixed with identifiers past it, against the reference."""
    native = require_native()
    r = random.Random(23)
    for klen in (16, 32, 64, 65):
        key = MatchKey(bytes(r.randrange(256) for _ in range(klen)))
        tok = native.Tokenizer(key.key)
        pairs = []
        for n in range(0, 62):
            for m in (0, 9, 30, 51, 52, 60):
                pairs.append((r.choice(["email", "phone", "x"]), "".join(r.choice("ab@.09é😀") for _ in range(n))))
                pairs.append(("national_id", "".join(r.choice("0123") for _ in range(m))))
        pairs.append(("odd", "one"))  # an odd count: the last alone
        got = tok.tokens_of_pairs(pairs)
        assert got == [token(key, t, c) for t, c in pairs], klen
        assert tok.paired in (True, False) and (not tok.paired or klen <= 64)
