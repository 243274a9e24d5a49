"""Index write throughput: embedded store vs Elasticsearch bulk vs one request per document.

    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python -m bench.index'
    .venv/bin/python -m bench.index --n 20000 --es-url http://127.0.0.1:9200

Writes N synthetic fragments (default 100,000; built beforehand through `build_documents`, so
keyed tokens and AES-GCM ciphertext are real, and building is not timed):
  1. to the embedded store (SQLite WAL + FTS5), `--batch` documents per upsert call;
  2. to Elasticsearch through `ElasticStore.upsert` (streaming_bulk, `--bulk-size` per request),
     including the existence check per batch and the final refresh;
  3. baseline: to Elasticsearch one `index` request per document (op_type=create), the way a
     naive client writes. It is timed on a sample (`--baseline-sample`, default 2,000) and its
     rate extrapolated to N, which the output says.
Targets (issue 5): embedded >= 20,000/s, ES bulk >= 5,000/s and >= 20x the baseline.
Unless --es-url is given, a throw-away node is started with tests/es_server.py.
Appends one JSON line to bench/results/index.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from indexer.store.elastic import ElasticStore
from indexer.store.elastic_mapping import doc_to_source
from indexer.store.embedded import EmbeddedStore
from tests.es_server import ElasticsearchServer
from tests.fixtures.es import synthetic_docs
from vigie.config.schema import ElasticsearchSettings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "index.jsonl"


CPU: dict[str, float] = {}  # CPU seconds per path: ours (this process) + the ES node's


def bench_embedded(docs: list, batch: int, workdir: Path) -> float:
    store = EmbeddedStore(workdir / "bench.sqlite3")
    c0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(0, len(docs), batch):
        store.upsert(docs[i:i + batch])
    store.flush()
    elapsed = time.perf_counter() - t0
    CPU["embedded"] = time.process_time() - c0
    assert store.count() == len(docs), "embedded store lost documents"
    store.close()
    return elapsed


def warm_up(url: str, workdir: Path) -> None:
    """A fresh JVM runs its first requests interpreted and keeps compiling for tens of thousands
    of documents (measured: ~350 us of node CPU per document in the first 20k, ~95 us after
    80k); a production cluster is always warm, so both ES paths are timed after a warm-up of
    throw-away documents through both code paths."""
    docs = synthetic_docs(60_000, start=10_000_000, n_records=2)
    store = ElasticStore(ElasticsearchSettings(hosts=[url], index_prefix="bench-warmup"), workdir / "warm")
    store.upsert(docs)
    for doc in docs[:2000]:
        store.client.index(index="bench-warmup-single", id=doc.id, document=doc_to_source(doc))
    store.flush()
    store.close()


def bench_es_bulk(docs: list, url: str, bulk_size: int, batch: int, workdir: Path,
                  server: ElasticsearchServer | None = None) -> tuple[float, str]:
    settings = ElasticsearchSettings(hosts=[url], index_prefix="bench-bulk", bulk_batch_size=bulk_size)
    store = ElasticStore(settings, workdir / "spool")
    c0, e0 = time.process_time(), _es_cpu(server)
    t0 = time.perf_counter()
    spooled = 0
    for i in range(0, len(docs), batch):
        spooled += len(store.upsert(docs[i:i + batch]).spooled)
    store.flush()
    elapsed = time.perf_counter() - t0
    CPU["es_bulk"] = time.process_time() - c0 + _es_cpu(server) - e0
    CPU["es_bulk_node_only"] = _es_cpu(server) - e0
    assert spooled == 0, f"{spooled} documents went to the spool: the benchmark is not valid"
    assert store.count() == len(docs), f"ES holds {store.count()} documents, expected {len(docs)}"
    version = store.server_version or "?"
    store.close()
    return elapsed, version


def _es_cpu(server: ElasticsearchServer | None) -> float:
    return server.cpu_seconds() if server is not None else 0.0


def bench_es_single(docs: list, url: str, server: ElasticsearchServer | None = None) -> float:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=30)
    settings = ElasticsearchSettings(hosts=[url], index_prefix="bench-single")
    store = ElasticStore(settings, Path(tempfile.mkdtemp()) / "spool", client=client)
    c0, e0 = time.process_time(), _es_cpu(server)
    t0 = time.perf_counter()
    for doc in docs:
        client.index(index=store.index_for(doc.fetched_at), id=doc.id, document=doc_to_source(doc),
                     op_type="create")
    client.indices.refresh(index=store.alias)
    elapsed = time.perf_counter() - t0
    CPU["es_single_request"] = time.process_time() - c0 + _es_cpu(server) - e0
    CPU["es_single_request_node_only"] = _es_cpu(server) - e0
    assert client.count(index=store.alias)["count"] == len(docs)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=10_000, help="documents per upsert call")
    ap.add_argument("--bulk-size", type=int, default=1_000, help="documents per bulk request")
    ap.add_argument("--baseline-sample", type=int, default=2_000)
    ap.add_argument("--es-url", default=None)
    ap.add_argument("--heap", default="1g", help="heap of the throw-away node")
    ap.add_argument("--no-record", action="store_true", help="do not append to bench/results")
    args = ap.parse_args()

    t0 = time.perf_counter()
    docs = synthetic_docs(args.n, n_records=2, step=timedelta(seconds=90),
                          base_time=datetime(2026, 1, 1, tzinfo=UTC))
    print(f"built {len(docs):,} documents in {time.perf_counter() - t0:.1f}s (not timed below)")
    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-"))

    emb = bench_embedded(docs, args.batch, workdir)
    server: ElasticsearchServer | None = None
    url = args.es_url
    if url is None:
        server = ElasticsearchServer(heap=args.heap).start()
        url = server.url
    try:
        warm_up(url, workdir)
        bulk, version = bench_es_bulk(docs, url, args.bulk_size, args.batch, workdir, server)
        sample = docs[:min(args.baseline_sample, len(docs))]
        single = bench_es_single(sample, url, server)
    finally:
        if server is not None:
            server.cleanup()

    n = len(docs)
    rates = {"embedded": n / emb, "es_bulk": n / bulk, "es_single_request": len(sample) / single}
    ratio = rates["es_bulk"] / rates["es_single_request"]
    load = os.getloadavg()[0]
    print(f"\nElasticsearch {version}, {os.cpu_count()} CPU(s), heap {args.heap if server else '?'}, "
          f"load average {load:.1f} (other processes share these CPUs)")
    counts = {"embedded": n, "es_bulk": n, "es_single_request": len(sample)}
    per_cpu = {k: (counts[k] / CPU[k] if CPU.get(k) else None) for k in counts}
    print(f"{'path':<22}{'docs':>10}{'seconds':>10}{'docs/s':>12}{'CPU s':>9}{'docs/CPU-s':>12}")
    for key, label, secs in (("embedded", "embedded (SQLite)", emb), ("es_bulk", "ES bulk", bulk),
                             ("es_single_request", "ES 1 request/doc", single)):
        pc = f"{per_cpu[key]:>12,.0f}" if per_cpu[key] else f"{'?':>12}"
        print(f"{label:<22}{counts[key]:>10,}{secs:>10.2f}{rates[key]:>12,.0f}{CPU.get(key, 0):>9.1f}{pc}")
    if server is not None:
        print(f"of which the ES node: bulk {CPU['es_bulk_node_only']:.1f} CPU s, "
              f"1 request/doc {CPU['es_single_request_node_only']:.1f} CPU s")
    print(f"(baseline timed on a {len(sample):,}-document sample; {n:,} documents would take "
          f"~{n / rates['es_single_request']:.0f}s)")
    print("CPU s = CPU time of this process plus the ES node's; docs/CPU-s is what one dedicated core "
          "would sustain, independent of other load on the machine")
    print(f"\nES bulk / baseline: {ratio:.1f}x   embedded / ES bulk: {rates['embedded'] / rates['es_bulk']:.1f}x")
    targets = {"embedded>=20000/s": rates["embedded"] >= 20_000, "es_bulk>=5000/s": rates["es_bulk"] >= 5_000,
               "bulk>=20x_baseline": ratio >= 20}
    print("targets: " + ", ".join(f"{k} {'OK' if v else 'MISSED'}" for k, v in targets.items()))

    if not args.no_record:
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip()
        except OSError:
            commit = ""
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit,
            "n": n, "batch": args.batch, "bulk_size": args.bulk_size,
            "baseline_sample": len(sample), "baseline_extrapolated": len(sample) < n,
            "es_version": version, "cpus": os.cpu_count(), "load_avg_1m": round(load, 2),
            "python": platform.python_version(),
            "seconds": {"embedded": round(emb, 3), "es_bulk": round(bulk, 3),
                        "es_single_request_sample": round(single, 3)},
            "docs_per_s": {k: round(v) for k, v in rates.items()},
            "cpu_seconds": {k: round(v, 2) for k, v in CPU.items()},
            "docs_per_cpu_s": {k: (round(v) if v else None) for k, v in per_cpu.items()},
            "ratio_bulk_vs_baseline": round(ratio, 1), "targets_met": targets,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with open(RESULTS, "a") as fh:
            fh.write(json.dumps(record) + "\n")
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
