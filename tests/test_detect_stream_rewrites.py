"""Rows a blank line apart and ':' rows in inputs of 256 KB or more: a file, a streamed chunk, a page.

Wave 24's rewrites (`indexer/detect/spaced.py`) ran only on texts under 256 KB read whole: a
bigger input lost such a dump whole (`detect()` over the windowed threshold: no start line in a
row alone, no window; a streamed file's 2 MB chunks: read whole but not rewritten). They now run
region by region (`indexer/detect/stream_spaced.py`): the same identifiers as the rows read
adjacent, through `detect()` (windowed and full ways), `detect_stream` (the pool `vigie scan` and
the crawl use) and `detect_here`, and the windowed way gives what the full way gives.
Inputs are built here, small (a few hundred KB), on both engines.
"""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.decode import Limits, decode
from indexer.detect import Tokenizer, detect, detect_text, stream_spaced
from indexer.detect import prefilter as P
from indexer.detect.parallel import detect_here
from tests.test_detect_evasions_round4 import KEY, PEOPLE, SEPARATORS, SHAPES, _ids

# prose paragraphs (no seed) a blank line apart, then one with a year: a page of posts
FILLER = "Bonjour à tous, voici les nouvelles du forum.\n\nRendez-vous en 2025 pour la suite.\n\n" * 3200
COLON = [":".join([p[0], p[1], p[2], p[3], p[4]]) for p in PEOPLE]


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> str:
    if request.param == "native":
        from tests.native_core import require_native

        require_native()
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine(None)


def _spaced(shape: str, sep: str = "blank") -> str:
    return SEPARATORS[sep].join(SHAPES[shape]) + "\n"


CASES = {
    "combo_after_filler": lambda: FILLER + _spaced("combo"),
    "csv_between_filler": lambda: FILLER + _spaced("csv_semicolon_header", "space") + "\n\n" + FILLER[:20_000],
    "emails_first": lambda: _spaced("emails_one_a_line") + "\n\n\n" + FILLER,
    "json_lines_hash_sep": lambda: (
        FILLER[: FILLER.index("\n\n", 150_000) + 2] + _spaced("json_lines", "hash") + "\n" + FILLER
    ),
    "colon_rows_in_filler": lambda: FILLER + "\n".join(COLON) + "\n\n" + FILLER[:50_000],
}


def _want(name: str) -> set[tuple[str, str]]:
    """The rows alone, under 256 KB, read whole: wave 24's result."""
    text = CASES[name]()
    if name.startswith("colon"):
        return _ids(detect("\n".join(COLON), key=KEY))
    shape = next(
        s
        for s in SHAPES
        if SEPARATORS["blank"].join(SHAPES[s][:2]) in text.replace("\n \n", "\n\n").replace("\n#\n", "\n\n")
    )
    return _ids(detect("\n".join(SHAPES[shape]), key=KEY))


@pytest.mark.parametrize("name", sorted(CASES))
def test_big_input_reads_the_rows(eng: str, name: str) -> None:
    data = CASES[name]().encode()
    assert len(data) > stream_spaced.BIG_TEXT
    want = _want(name)
    assert want
    assert _ids(detect(data, key=KEY)) == want  # (windowed or full, whichever `detect` takes)
    assert _ids(detect_text(data.decode(), key=KEY)) == want  # the full way, one text of 256 KB or more


@pytest.mark.parametrize("name", sorted(CASES))
def test_windowed_way_is_the_full_way(name: str) -> None:
    data = CASES[name]().encode()
    got = P.run(data, detect_text, Tokenizer(KEY), None, None, Limits(), max_share=1.0)
    assert got is not None
    assert got == detect_text(decode(data), key=KEY)


def test_streamed_file_reads_every_chunk(eng: str) -> None:
    """A double-spaced combo list of ~470 KB in chunks of ~150-300 KB (`detect_here`: `detect_stream`'s
    chunks in this process): every row of every chunk, whether a chunk is over 256 KB or under."""
    rows = [f"u{k:05d}.{PEOPLE[k % 8][3]}:Pw{k}!x" for k in range(12_000)]
    data = ("\n\n".join(rows) + "\n").encode()
    assert len(data) > 2 * 150_000 + stream_spaced.BIG_TEXT // 2
    want = _ids(detect("\n".join(rows), key=KEY))  # the rows adjacent
    got = _ids(detect_here([data], key=KEY, chunk_bytes=150_000))
    assert len(got) >= 2 * 12_000 and got == want
    assert _ids(detect(data, key=KEY)) == got  # one call over 256 KB: the full way, region by region


def test_regions_are_the_runs() -> None:
    """`regions` finds each run whole and nothing in prose; a run is read whole in its window."""
    data = CASES["csv_between_filler"]().encode()
    ((s, e),) = stream_spaced.regions(data)
    assert data[s:e].decode().startswith(SHAPES["csv_semicolon_header"][0])
    assert data[s:e].decode().rstrip("\n \t").endswith(SHAPES["csv_semicolon_header"][-1])
    assert stream_spaced.regions(FILLER.encode()) == []
    page = "\n\n".join(f"Prix: {k}$, contact: tox, paiement: BTC" for k in range(2000)).encode()
    assert stream_spaced.regions(page) == []  # one-line posts of a page: no shape, no region
