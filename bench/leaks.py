"""Benchmark of leak clustering: pairwise precision and recall on reposts, and throughput.

    .venv/bin/python bench/leaks.py [--dumps-per-shape 8] [--rows 1000] [--seeds 3] [--quick]

The corpus (tests/fixtures/leaks_corpus.py): dumps of three shapes (patients CSV, combo list, SQL
users table), several per shape (same columns, other people); each reposted as samples of 1% to
100%, shuffled, re-delimited, columns reordered, in UTF-8/latin-1/UTF-16, and merged with a
smaller sample of another dump of its shape. Everything is ingested in random order through
the real path (detector, embedded store, `SqliteLeakStore`).

Ours: MinHash bands (b=128, r=1) over keyed record hashes, confirmed by exact shared-record
counts with containment (indexer.leaks.cluster). Baseline, in the same run on the same record
sets: datasketch's `MinHashLSH` at Jaccard 0.5 with union-find over its candidates (Jaccard only,
no containment), the textbook near-duplicate setup. Reported: pairwise precision, recall over
copies of >= 5% (the target) and over all copies, leaks mixing two dumps, fragments/s.

Appends one JSON line to bench/results/leaks.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from datasketch import MinHash, MinHashLSH

from indexer.crypto import DataKey
from indexer.ingest import Ingestor
from indexer.leaks.cluster import NUM_PERM
from indexer.leaks.records import fragment_records, record_key
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import MatchKey

if TYPE_CHECKING:
    from tests.fixtures.leaks_corpus import PairScores

ROOT = Path(__file__).resolve().parent.parent
MATCH_KEY = MatchKey(bytes.fromhex("bcece3c02099398fd79e8d59dc3ea8d7b68c59f04ca322cf0df99a90e203a879"))
DATA_KEY = DataKey(bytes.fromhex("5e1f0c9a3b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f"))


def _scores(s: PairScores) -> dict[str, float | int]:
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "true_pairs": s.true_pairs,
            "predicted_pairs": s.predicted_pairs, "cross_label_leaks": s.cross_label_leaks}


def _baseline(records: dict[str, set[int]]) -> dict[str, str]:
    """Jaccard-only LSH (threshold 0.5) + union-find over candidate pairs."""
    lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    parent = {k: k for k in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, recs in records.items():
        mh = MinHash(num_perm=NUM_PERM, seed=1)
        mh.update_batch([r.to_bytes(8, "big") for r in recs])
        for other in lsh.query(mh):
            parent[find(other)] = find(key)
        lsh.insert(key, mh)
    return {k: find(k) for k in records}


def run(seed: int, dumps_per_shape: int, rows: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))  # the corpus lives with the tests (tests/fixtures/leaks_corpus.py)
    from tests.fixtures.leaks_corpus import make_corpus, pairwise

    corpus = make_corpus(seed=seed, dumps_per_shape=dumps_per_shape, rows=rows)
    rk = record_key(MATCH_KEY)
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store.sqlite3")
        leaks = SqliteLeakStore(Path(tmp) / "store.sqlite3")
        ingest = Ingestor(store, MATCH_KEY, DATA_KEY, leaks=leaks)
        truth: dict[str, str] = {}
        big: set[str] = set()
        records: dict[str, set[int]] = {}
        spent = 0.0
        for i, rep in enumerate(corpus):
            item = CrawledItem(source=f"s{i % 5}", url=f"http://x.onion/{i}", raw=rep.raw, filename=rep.filename,
                               fetched_at=datetime(2026, 1, 1 + i % 28, tzinfo=UTC))
            t0 = time.perf_counter()
            result = ingest.ingest(item)
            spent += time.perf_counter() - t0
            # the record sets again, outside the timing, for the baseline
            for frag in ingest.detect(rep.raw, key=MATCH_KEY, filename=rep.filename):
                recs = fragment_records(frag, rk)
                doc_id = next((d.id for d in result.fragments if d.start_line == frag.start_line), None)
                if recs and doc_id is not None:
                    records[f"{i}/{doc_id}"] = recs
            for doc in result.fragments:
                key = f"{i}/{doc.id}"
                truth[key] = rep.label
                if rep.fraction >= 0.05:
                    big.add(key)
        ours = {k: lid for k in truth if (lid := leaks.leak_of_fragment(k.split("/", 1)[1])) is not None}
        n_leaks = leaks.count()
        store.close()
        leaks.close()
    t0 = time.perf_counter()
    base = _baseline(records)
    base_s = time.perf_counter() - t0
    return {
        "seed": seed, "items": len(corpus), "fragments": len(truth), "leaks": n_leaks,
        "dumps": dumps_per_shape * 3,
        "ours": {"ge5pct": _scores(pairwise(ours, truth, big)),
                 "all": _scores(pairwise(ours, truth, set(truth))),
                 "ingest_seconds": round(spent, 2), "fragments_per_s": round(len(truth) / spent, 1)},
        "baseline_jaccard_lsh": {"ge5pct": _scores(pairwise(base, truth, big)),
                                 "all": _scores(pairwise(base, truth, set(truth))),
                                 "cluster_seconds": round(base_s, 3)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dumps-per-shape", type=int, default=8)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="3 dumps per shape, 200 rows, 1 seed")
    args = ap.parse_args()
    if args.quick:
        args.dumps_per_shape, args.rows, args.seeds = 3, 200, 1
    runs = [run(seed, args.dumps_per_shape, args.rows) for seed in range(1, args.seeds + 1)]
    for r in runs:
        o, b = r["ours"], r["baseline_jaccard_lsh"]
        assert isinstance(o, dict) and isinstance(b, dict)
        print(f"seed {r['seed']}: {r['items']} items, {r['fragments']} fragments, {r['leaks']} leaks "
              f"(truth: {r['dumps']} dumps)")
        for name, res in (("ours", o), ("baseline Jaccard LSH", b)):
            g, a = res["ge5pct"], res["all"]
            print(f"  {name:22s} >=5%: P={g['precision']:.3f} R={g['recall']:.3f} | all: R={a['recall']:.3f} "
                  f"| mixed leaks {g['cross_label_leaks']}")
        ratio = o["ge5pct"]["recall"] / max(b["ge5pct"]["recall"], 1e-9)
        print(f"  recall (>=5%) ours / baseline: {ratio:.2f}x; ingest {o['fragments_per_s']} fragments/s")
    line = {"bench": "leaks", "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": {"python": platform.python_version(), "machine": platform.machine()},
            "params": {"dumps_per_shape": args.dumps_per_shape, "rows": args.rows, "seeds": args.seeds},
            "targets": {"precision": 0.98, "recall_ge5pct": 0.95, "cross_label_leaks": 0}, "runs": runs}
    out = ROOT / "bench" / "results" / "leaks.jsonl"
    with open(out, "a") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {out}")


if __name__ == "__main__":
    main()
