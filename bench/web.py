"""Web API latency and throughput under concurrent load: faceted search and the alert list, on
the embedded store and on Elasticsearch.

    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python -m bench.web'
    .venv/bin/python -m bench.web --n 20000 --seconds 5 --no-es

N synthetic fragments (default 100,000; real keyed tokens and AES-GCM ciphertext, built by
`build_documents` in worker processes, not timed) go into the store; an organisation registers
the e-mails of 2,000 of them, so the real matcher raises 2,000 alerts. The app (`create_app`
over a real `WebData`) runs under uvicorn on 127.0.0.1 in this process; the load comes from a
second process (`--load`: asyncio + httpx, `--users` concurrent clients, each request waits for
the previous answer of its client), with bearer tokens:
  1. baseline: GET /api/v1/session without credentials (the whole stack, a 401 problem, no store);
  2. faceted search: GET /api/v1/search?q=...&severity=...&facets=true, queries rotating;
  3. alert list: GET /api/v1/alerts?limit=20 as the organisation's member.
Also timed in-process, sequentially: the store's own search + aggregations for the same
queries (what the API adds on top). Target (issue 15): p95 <= 150 ms for faceted search at 20
concurrent users on the embedded store. Appends one JSON line to bench/results/web.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from alerts.outbox import Outbox
from alerts.registry import Registry
from indexer.audit import AuditLog
from indexer.models import Severity, StoredFragment
from indexer.store import FragmentStore
from indexer.store.base import SearchQuery
from indexer.store.elastic import ElasticStore
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import prehash
from tests.es_server import ElasticsearchServer
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.config.schema import ElasticsearchSettings, OrganisationConfig, WebhookSettings, WebSettings
from vigie.web.app import create_app
from vigie.web.data import WebData
from vigie.web.ops import OpsReport
from vigie.web.users import WebDB

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web.jsonl"
ORG = "bench-clinic"
ALERTED = 2_000
QUERIES = [{"q": "clients", "severity": "critical"}, {"q": "base", "category": "health"},
           {"q": "vendeur"}, {"severity": "high"}, {"q": "clients", "source": "forum-b"},
           {"category": "health", "severity": "critical"}]


class NoService:
    """The operators' port: no service runs in the benchmark."""

    def report(self) -> OpsReport:
        return OpsReport(alive=False, tor="-", store="-", outbox="-")


def _chunk(args: tuple[int, int]) -> list[StoredFragment]:
    """One slice of the corpus: a mix of sources, severities and article 9 categories."""
    start, n = args
    out: list[StoredFragment] = []
    step = 500
    for s in range(start, start + n, step):
        k = (s // step) % 10
        severity = Severity.critical if k == 0 else Severity.high if k < 3 else Severity.medium
        if s < ALERTED:
            out += [d for i in range(s, min(s + step, ALERTED))
                    for d in synthetic_docs(1, start=i, emails=[f"patient{i}@clinique.test"],
                                            severity=Severity.critical, categories=("health",),
                                            excerpt_words="clients clinique")]
            continue
        out += synthetic_docs(min(step, start + n - s), start=s, source=f"forum-{'abc'[k % 3]}", severity=severity,
                              categories=("health",) if k in (0, 4) else (), excerpt_words="clients base",
                              base_time=datetime(2026, 1, 1, tzinfo=UTC), step=timedelta(minutes=3))
    return out


def build_corpus(n: int, workers: int) -> list[StoredFragment]:
    size = 5_000
    with ProcessPoolExecutor(workers) as pool:
        parts = pool.map(_chunk, [(s, min(size, n - s)) for s in range(0, n, size)])
        return [d for part in parts for d in part]


def make_data(store: FragmentStore, work: Path, docs: list[StoredFragment]) -> WebData:
    from alerts.matcher import AlertMatcher

    # a webhook channel nobody delivers to (no delivery worker runs here); the config requires one
    hook = {"url": "http://127.0.0.1:9/hook", "secret": os.urandom(24).hex()}
    org = OrganisationConfig.model_validate({"id": ORG, "display_name": "Bench clinic", "min_severity": "low",
                                             "channels": {"webhook": hook}})
    matcher = AlertMatcher(Registry(work / "registry"), Outbox(work / "outbox.sqlite3"), {ORG: org})
    data = WebData(store=store, matcher=matcher,
                   web_db=WebDB(work / "web.sqlite3", TEST_DATA_KEY), organisations={ORG: org},
                   webhook=WebhookSettings(), settings=WebSettings(), match_key=TEST_MATCH_KEY,
                   data_key=TEST_DATA_KEY, audit=AuditLog(work / "audit.log"), ops=NoService(), data_dir=work,
                   source_names=("forum-a", "forum-b", "forum-c"))
    pre = work / "clinic.prehash"
    pre.write_text("type,prehash\n" + "".join(f"email,{prehash('email', f'patient{i}@clinique.test').hex()}\n"
                                              for i in range(ALERTED)))
    data.registry.register_prehash_file(ORG, pre, TEST_MATCH_KEY)
    made = matcher.on_fragments(docs[:ALERTED])
    assert made == ALERTED, f"expected {ALERTED} alerts, the matcher made {made}"
    return data


@contextmanager
def served(data: WebData) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(create_app(data), host="127.0.0.1", port=0, log_config=None,
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


# -- the load generator (a second process) --------------------------------------------------------


async def _load(urls: list[str], token: str | None, users: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        stop = time.perf_counter() + seconds

        async def user(u: int) -> None:
            nonlocal errors
            i = u
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = await client.get(urls[i % len(urls)])
                except httpx.TimeoutException:
                    # a request slower than the client timeout counts (at its wait) as an error
                    # instead of ending the run: the slow backend is what is being measured
                    r = None
                latencies.append(time.perf_counter() - t0)
                if r is None or r.status_code >= 500 or (token and r.status_code != 200):
                    errors += 1
                i += users

        began = time.perf_counter()
        await asyncio.gather(*(user(u) for u in range(users)))
        wall = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 1),
            "max_ms": round(1000 * latencies[-1], 1)}


def run_load(urls: list[str], token: str | None, users: int, seconds: float) -> dict[str, float]:
    """Start the load generator as a second process; its JSON answer is the measurement."""
    spec = json.dumps({"urls": urls, "token": token, "users": users, "seconds": seconds})
    proc = subprocess.run([sys.executable, "-m", "bench.web", "--load", spec], capture_output=True, text=True,
                          timeout=seconds + 120, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr[-2000:]}")
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def direct_store(store: FragmentStore, rounds: int) -> dict[str, float]:
    """The store's search + aggregations for the same queries, sequential, in-process."""
    times = []
    for i in range(rounds):
        q = QUERIES[i % len(QUERIES)]
        sq = SearchQuery(text=q.get("q"), severities=(Severity.parse(q["severity"]),) if "severity" in q else (),
                         categories=(q["category"],) if "category" in q else (),
                         sources=(q["source"],) if "source" in q else (), limit=20)
        t0 = time.perf_counter()
        store.search(sq)
        store.aggregations(sq)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"p50_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(1000 * times[int(len(times) * .95)], 1)}


def measure(name: str, store: FragmentStore, work: Path, docs: list[StoredFragment], users: int,
            seconds: float) -> dict[str, object]:
    data = make_data(store, work, docs)
    data.web_db.add_user("ana", "analyst", "bench-password-long")
    data.web_db.add_user("member", "org_member", "bench-password-long", org=ORG)
    analyst = data.web_db.create_token("ana", 3600).secret
    member = data.web_db.create_token("member", 3600).secret
    out: dict[str, object] = {"backend": name}
    with served(data) as base:
        search_urls = [f"{base}/api/v1/search?{httpx.QueryParams(q)}&facets=true" for q in QUERIES]
        run_load(search_urls[:2], analyst, users, 2)  # warm-up: caches, JIT of the ES node
        out["baseline_session_401"] = run_load([f"{base}/api/v1/session"], None, users, seconds)
        out["faceted_search"] = run_load(search_urls, analyst, users, seconds)
        out["alert_list"] = run_load([f"{base}/api/v1/alerts?limit=20"], member, users, seconds)
    out["store_direct_search_aggs"] = direct_store(store, 30)
    print(f"{name}: {json.dumps(out)}", flush=True)
    data.outbox.close()
    data.registry.close()
    data.web_db.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8.0, help="Load duration per endpoint.")
    ap.add_argument("--no-es", action="store_true", help="Embedded store only.")
    ap.add_argument("--es-url", help="Use this Elasticsearch instead of starting a throw-away node.")
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--load", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load:
        spec = json.loads(args.load)
        print(json.dumps(asyncio.run(_load(spec["urls"], spec["token"], spec["users"], spec["seconds"]))))
        return

    began = time.perf_counter()
    docs = build_corpus(args.n, max(1, (os.cpu_count() or 1)))
    print(f"built {len(docs)} fragments in {time.perf_counter() - began:.0f}s", flush=True)
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="vigie-bench-web-") as tmp:
        work = Path(tmp)
        embedded = EmbeddedStore(work / "embedded" / "store.sqlite3")
        for i in range(0, len(docs), 5_000):
            embedded.upsert(docs[i:i + 5_000])
        embedded.flush()
        results.append(measure("embedded", embedded, work / "embedded", docs, args.users, args.seconds))
        embedded.close()
        if not args.no_es:
            server = None if args.es_url else ElasticsearchServer(heap=args.heap).start()
            try:
                url = args.es_url or (server.url if server else "")
                es = ElasticStore(ElasticsearchSettings(hosts=[url], index_prefix="bench-web"), work / "es" / "spool")
                es.upsert(docs)
                es.flush()
                results.append(measure("elasticsearch", es, work / "es", docs, args.users, args.seconds))
                es.close()
            finally:
                if server:
                    server.stop()
                    server.cleanup()
    emb = results[0]
    search = emb["faceted_search"]
    baseline = emb["baseline_session_401"]
    assert isinstance(search, dict) and isinstance(baseline, dict)
    ratio = search["p95_ms"] / max(baseline["p95_ms"], 0.1)
    met = search["p95_ms"] <= 150
    print(f"embedded faceted search at {args.users} users: p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms, "
          f"{search['rps']} req/s; baseline p95 {baseline['p95_ms']} ms (ratio {ratio:.1f}x); "
          f"target p95 <= 150 ms: {'met' if met else 'NOT met'}")
    line = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "n": len(docs), "users": args.users,
            "seconds_per_endpoint": args.seconds, "results": results, "target_p95_ms": 150, "target_met": met,
            "search_p95_vs_baseline": round(ratio, 1),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "loadavg_1m_at_end": os.getloadavg()[0]},
            "total_seconds": round(time.perf_counter() - began, 1)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as fh:
        fh.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
