"""Instruction counts of the detection paths under callgrind (this VM has no perf counters).

    valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no --callgrind-out-file=/dev/null \\
        .venv/bin/python -m bench.instructions WORKLOAD [MB]

Only the measured call is counted: a tiny C helper (compiled here with gcc against valgrind's
callgrind.h, loaded with ctypes) turns instrumentation on just before it and collection off
just after, so interpreter start-up, imports and input generation are not in the figure.
callgrind prints `Collected : N` at exit: N instructions for WORKLOAD, once, warm.

WORKLOAD: `posts` (the bench's sparse posts, `detect()` per post), `posts_many` (the same,
`prefilter.detect_many`: Hyperscan on the Python engine, the core's `sparse_scan` with
VIGIE_ENGINE=native), `posts_raw` (the Hyperscan scan alone), `posts_native_scan` (the core's
scan alone); a `_nodumps` suffix (`posts_many_nodumps`) drops the 0.5% dump posts; `pages` (the same text as
~1 MB pages, `detect()` per page), `pages_windows` (the same pages through `prefilter.run`:
only the windows around start lines decoded), `dense` (the bench's dense dumps, 2 000 rows each),
`dense_docs` (the same, each dump's fragments then made into stored documents by
`build_documents`, as ingest does: the write path's share of a dense dump),
`baseline_dense` (bench.detect's AIL-style baseline on the `dense` dumps: the ratio of the
two counts is the dense target's "x times the baseline's time" without the clock's noise),
`dense_<kind>` (MB dumps of 2 000 rows of one kind of that mix: `dense_csv`, `dense_sql_insert`...),
`dump_posts` (the 20 dump posts mixed into the sparse posts, `detect()` each, MB times: where the
sparse text's time goes), `combo` (`detect()` on the first MB MiB of the bench's combo list,
`detect_extra._write_combo`: one call, as `parallel` makes per 2 MiB chunk of a big file).
Counts are stable across runs and neighbours, unlike times on a shared VM.
"""

from __future__ import annotations

import ctypes
import gc
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.detect import KEY, baseline, dense_inputs, sparse_inputs
from bench.detect_extra import _write_combo
from indexer import article9, engine
from indexer.crypto import DataKey
from indexer.decode import Limits
from indexer.detect import Tokenizer, detect, detect_text
from indexer.detect import prefilter as P
from indexer.documents import build_documents
from indexer.models import CrawledItem
from tests.corpus.generate import make_dump, make_post

DATA_KEY = DataKey(bytes(range(32)))

DENSE_KINDS = ("csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl")

_C = r"""
#include <valgrind/callgrind.h>
void cg_on(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_TOGGLE_COLLECT; }
void cg_off(void) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _helper() -> ctypes.CDLL:
    d = Path(tempfile.mkdtemp(prefix="vigie-cg-"))
    (d / "cg.c").write_text(_C)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(d / "cg.so"), str(d / "cg.c")], check=True)
    return ctypes.CDLL(str(d / "cg.so"))


def _combo_head(mb: float) -> bytes:
    """The first `mb` MiB of the bench's combo list, cut at a line end."""
    with tempfile.TemporaryDirectory(prefix="vigie-cg-combo-") as d:
        path = Path(d) / "combo.txt"
        _write_combo(path, mb * 1.05 + 0.5)
        head = path.read_bytes()[: int(mb * 1024 * 1024)]
    return head[: head.rfind(b"\n") + 1]


def _no_core(*_a: object) -> list[object]:
    raise SystemExit("posts_native_scan needs the compiled core as the engine: VIGIE_ENGINE=native")


def main() -> None:
    what = sys.argv[1]
    mb = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    cg = _helper()
    nodumps = what.endswith("_nodumps")
    what = what.removesuffix("_nodumps")
    if what in ("dense", "dense_docs", "baseline_dense"):
        items = dense_inputs(int(2000 * mb))
    elif what.startswith("dense_"):  # one kind of the dense mix: dense_csv, dense_sql_insert, dense_jsonl...
        items = [make_dump(what.removeprefix("dense_"), 2000, faker_seed=1000 + s)[0].encode() for s in range(int(mb))]
    elif what == "combo":
        items = [_combo_head(mb)]
    elif what == "dump_posts":
        items = [make_post(300_000 + i)[0].encode() for i in range(20)] * max(1, int(mb))
    else:
        items = sparse_inputs(mb)
        if nodumps:  # the posts without the 0.5% dump posts: the prefilter's own share
            dumps = {make_post(300_000 + i)[0].encode() for i in range(20)}
            items = [x for x in items if x not in dumps]
        if what in ("pages", "pages_windows"):
            items = [b"\n\n".join(items)]
    work = {
        "posts": lambda: [detect(x, key=KEY) for x in items],
        "posts_many": lambda: P.detect_many(items, key=KEY),
        "posts_raw": lambda: P.scan_batch(items),
        "posts_native_scan": lambda: (P.native_scan() or _no_core)(items, Limits().max_line_chars, 1 << 20,
                                                                     P._label_names, engine.today()),
        "pages": lambda: [detect(x, key=KEY) for x in items],
        "pages_windows": lambda: [P.run(x, detect_text, Tokenizer(KEY), None, None, Limits()) for x in items],
        "dense": lambda: [detect(x, key=KEY) for x in items],
        "dense_docs": lambda: [build_documents(CrawledItem(source="bench", url=f"u{k}", raw=x), detect(x, key=KEY),
                                               DATA_KEY) for k, x in enumerate(items)],
        # the AIL-style baseline of bench.detect on the same dumps, decoding included as there:
        # the ratio of counts is the "x times the baseline's time" that a noisy VM's clock blurs
        "baseline_dense": lambda: [baseline(x.decode("utf-8"), set()) for x in items],
        **{f"dense_{k}": (lambda: [detect(x, key=KEY) for x in items]) for k in DENSE_KINDS},
        "combo": lambda: [detect(x, key=KEY) for x in items],
        "dump_posts": lambda: [detect(x, key=KEY) for x in items],
    }[what]
    article9.core_search_ready()  # (native: the core's lexicon search, built after 1 MB searched, as a crawl's)
    work()  # warm: imports, compiled patterns, caches
    # The collector's state is made the same for every run before counting: an empty youngest
    # generation and every object alive so far frozen out of reach of its walks. Without this, the
    # one collection that the first allocation after `detect_many` (which pauses the collector)
    # triggers inside the window was young or full depending on how many objects the process had
    # made before (its directory, its imports): posts_many_nodumps counted 33.46M in /work/main
    # and 31.69M in a worktree of the same commit, all of it that one collection (wave 30).
    gc.collect()
    gc.freeze()
    cg.cg_on()
    out = work()
    cg.cg_off()
    gc.unfreeze()
    size = sum(map(len, items))
    ids = sum(len(f.identifiers) for r in out if isinstance(r, list) for f in r if hasattr(f, "identifiers"))
    print(f"{what}: {size} bytes in {len(items)} call(s), {len(out)} results, {ids} identifiers", file=sys.stderr)


if __name__ == "__main__":
    main()
