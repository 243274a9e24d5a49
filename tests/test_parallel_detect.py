"""Big inputs through the process pool (`indexer.detect.parallel`) equal one pass, in order.

Small chunk sizes (tens of kB) stand in for the 8 MB default so that fragments cross chunk
boundaries many times: dumps separated by single blank lines, key: value doxes spaced out by
blank lines (which bridge them), SQL with CREATE TABLE far above header-less INSERTs, and
multi-line INSERT statements with blank lines inside. The reference is `detect()` on the
whole input. A real spawned pool of 2 processes runs the chunks.
"""

from __future__ import annotations

import io
import resource

import pytest

from indexer.detect import detect
from indexer.detect.parallel import _lines, chunks, detect_stream
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump, make_post, make_prose_post

KEY = MatchKey(bytes.fromhex("17" * 32))


def _big_mixed() -> bytes:
    parts: list[str] = ["CREATE TABLE clients (", "  id int,", "  email varchar(255),", "  telephone varchar(20),",
                        "  nom varchar(64)", ");", ""]
    for i in range(160):
        if i % 5 == 0:
            parts.append(make_post(61_000 + i)[0])
        elif i % 5 == 1:
            parts.append(make_dump(["csv", "combo", "jsonl", "pg_copy", "separated_run"][i % 10 // 2], 30, 700 + i)[0])
        elif i % 5 == 2:  # a dox spaced out with blank lines: bridges blank lines
            parts.append(f"Nom: Martin{i}\n\nPrénom: Léa\n\nTel: 06 12 34 {i % 90 + 10:02d} 78\n\n"
                         f"Email: lea.martin{i}@gmail.com\n\nNé le: 01/02/1990")
        elif i % 5 == 3:  # a header-less INSERT reads the CREATE TABLE at the top; one runs over blank lines
            parts.append(f"INSERT INTO clients VALUES ({i},'c{i}@free.fr','0612345{i % 900 + 100:03d}','Durand'),\n\n"
                         f"({i + 1},'d{i}@orange.fr','0712345{i % 900 + 100:03d}','Petit');")
        else:
            parts.append(make_prose_post(62_000 + i))
    return "\n\n".join(parts).encode()


def _key(fs: list) -> list:
    return [(f.kind, f.start_line, f.end_line, f.text, f.excerpt, f.severity,
             [(x.type, x.value, x.token, x.start, x.end) for x in f.identifiers],
             [(s.category, s.evidence, s.start, s.end) for s in f.sensitive], f.delimiter) for f in fs]


@pytest.fixture(scope="module")
def mixed() -> bytes:
    return _big_mixed()


def test_chunks_cover_the_input_in_order(mixed: bytes) -> None:
    cs = list(chunks([mixed[i:i + 7000] for i in range(0, len(mixed), 7000)], chunk_bytes=20_000))
    assert len(cs) >= 5
    assert b"".join(c.data for c in cs) == mixed
    line = 0
    for c in cs:
        assert c.first_line == line
        line += _lines(c.data)
    assert any(c.prelude.startswith(b"CREATE TABLE clients") for c in cs[1:])


def test_pool_equals_one_pass_across_chunk_boundaries(mixed: bytes) -> None:
    want = detect(mixed, key=KEY)
    assert len(want) > 100
    for size in (20_000, 57_000):
        got = list(detect_stream(io.BytesIO(mixed), key=KEY, workers=2, chunk_bytes=size))
        assert _key(got) == _key(want), size
    # CRLF line ends: same fragments (the engine counts CR LF as one line end)
    crlf = mixed.replace(b"\n", b"\r\n")
    assert _key(list(detect_stream([crlf], key=KEY, workers=2, chunk_bytes=30_000))) == _key(detect(crlf, key=KEY))


def test_combo_list_without_boundaries_streams(tmp_path) -> None:
    """One block of records, no blank line: cut at line ends, every record still read once."""
    text, _ = make_dump("combo", 4000, 5)
    path = tmp_path / "combo.txt"
    path.write_bytes(text.encode())
    whole = detect(text.encode(), key=KEY)
    got = list(detect_stream(path, key=KEY, workers=2, chunk_bytes=16_000))
    assert len(got) > 1 and [f.kind for f in got] == ["combo"] * len(got)
    assert got[0].start_line == whole[0].start_line and got[-1].end_line == whole[-1].end_line
    assert all(a.end_line + 1 == b.start_line for a, b in zip(got, got[1:], strict=False))
    assert sorted(i.token for f in got for i in f.identifiers) == sorted(i.token for f in whole for i in f.identifiers)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0  # the work ran in child processes
