"""A big input holding a JSON export written as ONE line (`[{...}, ...]`, or `{"data": [...]}`)
streamed through `indexer.detect.parallel` (`vigie scan` of a file over 8 MiB, a crawled
attachment over `detection.big_input_bytes`): the line is cut between two of its records, each
piece a valid JSON line again, so every record is read, in order, on the line's line number, in
bounded memory. It was cut to its head (1,000,000 characters): a 30 MB export gave its first
few thousand records. The whole-path tests use 13 MB: over the 8 MiB above which `vigie scan`
streams, seven 2 MiB chunks; the 200 MB test holds the memory bound. A line that cannot be cut
(one record of megabytes, a malformed or deep line) is still kept to its head and counted, in
linear time.

Runs on the engine `VIGIE_ENGINE` chooses (the suite runs the detection tests on both), the
`vigie scan` test too. Synthetic data only.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import engine as _engine
from indexer.decode import Limits
from indexer.detect.parallel import (
    DEFAULT_CHUNK_BYTES,
    DEFAULT_THRESHOLD_BYTES,
    Chunk,
    StreamStats,
    chunks,
    detect_stream,
)
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.test_big_inputs import PARENT_MB, WORKER_MB, dump, emails, scan

ROOT = Path(__file__).resolve().parent.parent
KEY = MatchKey(b"\x12" * 32, version=1)
MiB = 1 << 20


def _record(k: int) -> dict[str, object]:
    # a string with brackets and an escaped quote in it: the cut reads strings as strings
    return {"id": k, "nom": ["Martin", "Durand", "Moreau"][k % 3], "prenom": ["Claire", "Jean"][k % 2],
            "email": f"export{k}.x@clinique-exemple.fr", "telephone": f"06{k % 10**8:08d}",
            "note": 'suivi "[{" ]}' if k % 7 == 0 else "", "adresses": [{"ligne": f"{k % 90 + 1} rue des Lilas"}]}


def _export_line(n: int, wrapped: bool) -> bytes:
    body = "[" + ", ".join(json.dumps(_record(k), ensure_ascii=False) for k in range(n)) + "]"
    if wrapped:
        body = '{"status": "ok", "meta": {"page": 1, "links": [{"next": null}]}, "data": {"results": ' + body + "}}"
    return body.encode()


def _input(n: int, wrapped: bool) -> bytes:
    """Line 1 a title, line 2 the export, then a small CSV dump (lines 4 to 10) and a blank line."""
    return b"export API patients\n" + _export_line(n, wrapped) + b"\n" + dump("apres")


def _record_emails(frags: list[Fragment]) -> Counter[str]:
    return Counter(i.value for f in frags for i in f.identifiers if i.type == "email" and i.value.startswith("export"))


def _engine_name() -> str:
    return (os.environ.get("VIGIE_ENGINE") or "auto").strip().lower()


# --------------------------------------------------------------------- the whole path, 13 MB
N_RECORDS = 72_000  # records: ~13 MB on one line


@pytest.fixture(scope="module")
def export_13mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jsonstream") / "export.json"
    path.write_bytes(_input(N_RECORDS, wrapped=False))
    assert path.stat().st_size > DEFAULT_THRESHOLD_BYTES + 2 * DEFAULT_CHUNK_BYTES
    assert path.read_bytes().count(b"\n") == 11
    return path


@pytest.mark.slow
def test_a_13_mb_one_line_export_streamed_gives_every_record(export_13mb: Path) -> None:
    """Through `detect_stream` (the pool `vigie scan` and the crawl use): every record's e-mail
    once, on line 2, in order; the dump after it on its own lines."""
    stats = StreamStats()
    frags = list(detect_stream(export_13mb, key=KEY, workers=2, stats=stats))
    got = _record_emails(frags)
    assert set(got) == {f"export{k}.x@clinique-exemple.fr" for k in range(N_RECORDS)}
    assert max(got.values()) == 1  # no record read twice (the pieces do not overlap)
    assert stats.complete and stats.bytes_skipped == 0 and stats.chunks >= 6, stats
    json_frags = [f for f in frags if _record_emails([f])]
    assert {(f.kind, f.start_line, f.end_line) for f in json_frags} == {("jsonl", 2, 2)}
    order = [int(i.value[6:].split(".")[0]) for f in json_frags for i in f.identifiers
             if i.type == "email" and i.value.startswith("export")]
    assert order == sorted(order)
    assert emails("apres") <= {i.value for f in frags for i in f.identifiers}
    assert min(f.start_line for f in frags if f.kind != "jsonl") >= 4


@pytest.mark.slow
def test_vigie_scan_of_a_13_mb_one_line_export_finds_every_record(export_13mb: Path, tmp_path: Path) -> None:
    """The real `vigie scan` in its own process: every e-mail, exit 0 (nothing left unread),
    its memory and its workers' bounded (the line is never held whole). On the engine of this
    pass (scripts/test.sh runs this file on both: 13 MB through each engine once, not twice)."""
    engine = "python" if _engine_name() == "python" else "native"
    if engine == "native" and _engine.native_module() is None:
        pytest.skip("the compiled core is not built")
    ran = scan(tmp_path, str(export_13mb), engine=engine)
    assert ran.rc == 0, ran.stderr[-2000:]
    assert "only the head" not in ran.stderr
    got = ran.emails()
    assert {f"export{k}.x@clinique-exemple.fr" for k in range(N_RECORDS)} <= got
    assert emails("apres") <= got
    assert {f["start_line"] for f in ran.fragments() if f["kind"] == "jsonl"} == {2}
    assert ran.peak_mb < PARENT_MB, f"vigie scan peaked at {ran.peak_mb} MB"
    assert ran.child_mb < WORKER_MB, f"a detection worker peaked at {ran.child_mb} MB"


# ------------------------------------------------------------------------- the cut itself
def _blocks(data: bytes, size: int = MiB) -> Iterator[bytes]:
    for k in range(0, len(data), size):
        yield data[k:k + size]


def _pieces(cs: list[Chunk]) -> list[bytes]:
    """The JSON lines the chunks' detection reads (each piece given its head)."""
    return [ln for c in cs for ln in (c.head + c.data).split(b"\n") if ln.startswith((b"[", b"{"))]


@pytest.mark.parametrize("wrapped", [False, True], ids=["array", "wrapper"])
def test_each_piece_is_a_valid_json_line_of_whole_records_in_order(wrapped: bool) -> None:
    n = 30_000
    stats = StreamStats()
    cs = list(chunks(_blocks(_input(n, wrapped)), 512 * 1024, stats=stats))
    pieces = _pieces(cs)
    assert len(pieces) >= 8 and stats.complete, stats
    ids: list[int] = []
    for piece in pieces:
        value = json.loads(piece)  # each piece parses
        if wrapped:
            assert set(value) <= {"status", "meta", "data"} and isinstance(value["data"]["results"], list)
            value = value["data"]["results"]
        ids += [r["id"] for r in value]
    assert ids == list(range(n))  # every record, once, in order
    assert {c.first_line for c in cs if c.head} == {1}  # every later piece on the export's line (0-based)
    if wrapped:  # the wrapper's values are not repeated in every piece: only its keys reopen it
        assert sum(p.count(b'"status"') for p in pieces) == 1


@pytest.mark.slow
def test_a_line_of_200_mb_streams_in_bounded_memory(tmp_path: Path) -> None:
    """A 200 MB one-line export generated as it is read (never on disk, never whole): `chunks`
    in a process of its own peaks far under the line's size; every record is in the pieces.
    The cut is the same code on both engines: run once, in the compiled core's pass."""
    if _engine_name() == "python" and importlib.util.find_spec("vigie_native") is not None:
        pytest.skip("engine-independent (the cut is Python on both engines): run in the core's pass")
    prog = r"""
import json, sys
from indexer.detect.parallel import StreamStats, chunks
from vigie_kit.procmem import high_water_kb
rec = '{"id": %d, "email": "flux%d@exemple.fr", "ville": "Lyon", "adresses": [{"ligne": "1 rue [x]"}]}'
def gen():
    yield b"["
    block = []
    for k in range(1_900_000):
        block.append((", " if k else "") + rec % (k, k))
        if len(block) == 20_000:
            yield "".join(block).encode(); block = []
    yield ("".join(block) + "]\nfin\n").encode()
st = StreamStats(); n = 0; big = 0
for c in chunks(gen(), 2 << 20, stats=st):
    big = max(big, len(c.head) + len(c.data))
    n += (c.head + c.data).count(b'"email"')
print(json.dumps({"records": n, "bytes": st.bytes_read, "biggest": big, "complete": st.complete,
                  "peak_kb": high_water_kb(__import__("os").getpid())}))
"""
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout)
    assert got["bytes"] > 200_000_000 and got["records"] == 1_900_000 and got["complete"], got
    assert got["biggest"] < 5 * MiB, got
    assert got["peak_kb"] < 120_000, got  # the line is 200 MB: never held


# ------------------------------------------------------------------------- hostile lines
RECORD = '{"email": "hostile@exemple.fr", "telephone": "0612345678"}'


def _hostile(scale: int) -> Iterator[tuple[str, bytes, bool]]:
    """(name, line, whether some of it is left unread): over 2 x chunk, no line end in reach."""
    recs = ", ".join([RECORD] * 20_000 * scale)
    big = 3 * MiB * scale
    yield "huge_record_after_records", ("[" + recs + ', {"x": "' + "a" * big + '"}, ' + RECORD + "]").encode(), True
    yield "huge_record_first", ('[{"x": "' + "a" * big + '"}, ' + recs + "]").encode(), True
    yield "unterminated_string", ('[{"email": "a.b@exemple.fr"}, {"x": "' + "a" * big + "]").encode(), True
    yield "deep", ("[" + recs + ", " + "[" * big + "]" * big + ", " + RECORD + "]").encode(), True
    yield "mismatched", ("[" + recs + ", " + "{]" * big + ", " + RECORD + "]").encode(), True
    yield "not_objects", ("[" + RECORD + ", " + ", ".join(["1"] * big) + "]").encode(), True
    tricky = ", ".join(['{"v": "}, {[", "e": "s@x.fr"}'] * 200_000 * scale)
    yield "brackets_in_strings", ("[" + tricky + "]").encode(), False


@pytest.mark.parametrize("name", [n for n, _, _ in _hostile(1)])
def test_a_line_that_cannot_be_cut_is_kept_to_its_head_counted_in_linear_time(name: str) -> None:
    cap = Limits().max_line_chars
    times = []
    for scale in (1, 2):
        line = next(ln for n, ln, _ in _hostile(scale) if n == name)
        lossy = next(lossy for n, _, lossy in _hostile(scale) if n == name)
        data = b"avant\n" + line + b"\napres\n"
        stats = StreamStats()
        t0 = time.thread_time()
        cs = list(chunks(_blocks(data), 512 * 1024, stats=stats))
        times.append(time.thread_time() - t0)
        assert all(len(c.head) + len(c.data) <= 2 * 512 * 1024 + cap * 4 for c in cs)
        assert stats.long_lines == int(lossy) and (stats.bytes_skipped > 0) == lossy, stats
        # every byte read or counted (a cut drops the comma between two records)
        assert sum(len(c.data) for c in cs) + stats.bytes_skipped >= len(data) - 2 * len(cs)
        assert b"apres" in cs[-1].data and cs[-1].first_line + cs[-1].data.count(b"\n") == 3
        for piece in _pieces(cs)[:-1] if lossy else _pieces(cs):
            if piece.endswith(b"]"):
                json.loads(piece)  # every piece cut between records parses
    assert times[0] < 10, times
    assert times[1] < 3 * times[0] + 0.5, times  # twice the input: about twice the time


def test_a_cut_line_is_read_as_one_pass_reads_it() -> None:
    """The pieces' records against one pass over the same line (a lower line cap makes a 2 MB
    line long enough to be cut in four): the same e-mails and phones."""
    from indexer.detect import detect

    data = _input(8_000, wrapped=True)
    limits = dataclasses.replace(Limits(), max_line_chars=200_000)
    one = detect(data, key=KEY)
    streamed = list(detect_stream(_blocks(data), key=KEY, workers=1, chunk_bytes=400_000, limits=limits))

    def ids(frags: list[Fragment]) -> Counter[tuple[str, str]]:
        return Counter((i.type, i.value) for f in frags for i in f.identifiers)

    assert ids(one) == ids(streamed) and sum(ids(one).values()) > 16_000


def test_a_json_looking_line_that_does_not_end_like_one_is_still_counted() -> None:
    """A line over the cap that opens like an export but does not end like one (`]`, `}`), short
    enough to reach `detect()` whole: `detect()` reads its head only, and that is counted (it was
    before: `_bounded` cut it itself), so that `vigie scan` says it and exits 1."""
    line = ("[" + ", ".join([RECORD] * 24_000) + ", tronque").encode()
    assert Limits().max_line_chars < len(line) < 2 * MiB
    stats = StreamStats()
    cs = list(chunks(_blocks(b"avant\n" + line + b"\napres\n"), 2 * MiB, stats=stats))
    assert stats.long_lines == 1 and stats.bytes_skipped == len(line) - Limits().max_line_chars, stats
    assert b"apres" in cs[-1].data
