"""A dump post's fixed costs cut in wave 28 (issue 17's sparse target: a forum post holding a
small dump is sent the full way), each with the same result as before.

- The thread's CPU clock (a system call, ~1.7 us on this VM) is read once a detection call, not
  at every block: `cpu_gate`/`cpu_over` read it only once the monotonic clock says the time cap
  may be reached; the cap still stops a call that reaches it.
- A row's fields through the compiled core's `split_row` (`shapes._split` on the native engine):
  the same list as the reference's, on the dump posts' own lines.
- `Sink._hint_from_mail` reads a fragment's addresses by `Found.values_of` (no tuple per
  identifier): the same addresses as the slice, and the same hint, as a plain list gives.
All cheap: detect() on the bench's 20 dump posts of ~1.3 kB at most, no crawl.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

import indexer.detect as D
from indexer import engine
from indexer.decode import Limits
from indexer.detect import detect, shapes
from indexer.detect.extract import Sink, cpu_gate, cpu_over
from indexer.detect.roles import Role
from indexer.tokens import MatchKey
from tests.corpus.generate import make_post
from tests.native_core import require_native

KEY = MatchKey(b"\x28" * 32)
POSTS = [make_post(300_000 + i)[0] for i in range(20)]  # (bench.instructions' dump_posts)


class _Clock:
    """`time.thread_time` counted (the module's own `time`, as extract.py reads it)."""

    def __init__(self) -> None:
        self.reads = 0
        self.real = time.thread_time

    def __call__(self) -> float:
        self.reads += 1
        return self.real()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Clock]:
    c = _Clock()
    monkeypatch.setattr(time, "thread_time", c)
    yield c


def test_a_dump_post_reads_the_cpu_clock_once_per_call(clock: _Clock) -> None:
    # a CSV under a seller's words, an INSERT dump, a quoted header-less list, a JSON-lines sample:
    # one read a `_detect_text` call (a rewrite's second reading is a call of its own), none per block
    calls = 0
    real = D._detect_text

    def counted(*a: Any, **k: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*a, **k)

    D._detect_text = counted
    try:
        for text in (POSTS[1], POSTS[8], POSTS[14], POSTS[16]):
            before, calls_before = clock.reads, calls
            frags = detect(text.encode(), key=KEY)
            assert frags, text[:80]
            assert clock.reads - before == calls - calls_before, text[:80]  # (before: ~3 a post)
    finally:
        D._detect_text = real


def test_the_time_cap_still_stops_a_call() -> None:
    for text in (POSTS[3], POSTS[10], POSTS[17]):
        full = detect(text.encode(), key=KEY)
        capped = detect(text.encode(), key=KEY, limits=Limits(max_seconds=0.0))
        # stopped at its first block (the lines left alone are still read one by one, as before)
        assert full and all(f.kind == "lone_record" for f in capped), text[:80]
        assert sum(len(f.identifiers) for f in capped) < sum(len(f.identifiers) for f in full)
    gate, deadline = cpu_gate(0.0)
    assert cpu_over(gate, deadline - 1.0)  # past the gate: the CPU clock is asked, and it is past
    gate, deadline = cpu_gate(3600.0)
    assert not cpu_over(gate, deadline - 7200.0)  # the gate an hour away: not asked, not over
    assert not cpu_over(float("-inf"), time.thread_time() + 60.0)


def test_the_cap_reaches_the_sink() -> None:
    s = Sink(time.thread_time() - 1.0, 1 << 62, float("-inf"))
    assert s.over()  # (the first call reads the clock)
    s = Sink(time.thread_time() - 1.0, 1 << 62, time.monotonic() + 3600.0)
    assert not s.over()  # a deadline already past but a gate an hour away: the gate is trusted


def test_rows_split_by_the_core_as_by_the_reference() -> None:
    native = require_native()
    if engine.native_module() is None:
        engine.set_engine("native")
    try:
        n = 0
        for text in POSTS:
            for line in text.split("\n"):
                for sep in (";", ",", "|", "\t", " "):
                    if sep in line:
                        with engine.reference_only():
                            want = shapes._split(line, sep, 7)
                        assert shapes._split(line, sep, 7) == want == native.split_row(line, sep, 7), line
                        n += 1
        assert n > 300
    finally:
        engine.set_engine(None)


def _found_items(r: random.Random) -> list[tuple[Any, Any, int, int]]:
    kinds: list[Any] = ["email", "phone", "name", Role("email", "BE"), Role("phone", None, "de")]
    vals = ["a@skynet.be", "b@x.de", "c@gmail.com", "d@menara.ma", "+3247012345", "élise", "e@ex.fr", "日本@x.jp"]
    return [(r.choice(kinds), r.choice(vals), r.randint(0, 99), r.randint(0, 99)) for _ in range(r.randint(0, 40))]


def test_values_of_is_the_slice_read_in_python() -> None:
    native = require_native()
    assert hasattr(native.Found, "values_of"), "the installed core predates Found.values_of: rebuild it"
    r = random.Random(28)
    for _ in range(400):
        items = _found_items(r)
        if r.random() < 0.2:  # an item the columns cannot hold: the list spills to tuples
            items.insert(r.randint(0, len(items)), ("email", 5, True, 1))  # type: ignore[arg-type]
        f = native.Found()
        f.extend(items)
        for limit in (0, 1, 5, 256):
            assert f.values_of("email", limit) == [x[1] for x in items[:limit] if x[0] == "email"]
        assert f.values_of("card", 256) == []


def test_the_mail_hint_is_the_same_from_a_core_list_as_from_a_plain_one() -> None:
    native = require_native()
    r = random.Random(5)
    cases = [["x@skynet.be", "y@telenet.be", "z@gmail.com"], ["x@a.ch", "y@b.ch", "z@c.de", "w@d.de"],
             ["x@a.ma", "y@b.ma"], ["x@a.fr", "y@b.fr", "z@c.be"], ["x@a.be"], ["x@orange.fr", "y@btinternet.com",
                                                                             "z@sky.com"]]
    pool = ["a@b.be", "c@d.de", "e@f.com", "g@sky.com", "h@i.fr", "j@k.io"]
    cases += [[r.choice(pool) for _ in range(r.randint(0, 9))] for _ in range(200)]
    for mails in cases:
        items = [("email", m, k, k + 1) for k, m in enumerate(mails)] + [("phone", "0470123456", 90, 99)]
        got = []
        for found in (list(items), native.Found()):
            s = Sink()
            s.found = found
            if not isinstance(found, list):
                found.extend(items)
            s.pending = [("0470123456", 90, 1, None, None), ("0612345678", 95, 1, "es", None)]
            s._hint_from_mail()
            got.append(s.pending)
        assert got[0] == got[1], mails
