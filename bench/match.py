"""Benchmark of the alerts side: registration, registry memory, matching, end-to-end latency.

    .venv/bin/python bench/match.py [--sizes 1000000,10000000] [--alerts 1000] [--quick]

Measures in one run (each heavy part in its own subprocess, so RSS figures are not polluted):
- registration throughput (`Registry.register_prehash_file`: parse + HMAC + insert + write) for
  each size, with the registering process's peak RSS;
- the registry's RSS at the largest size, loaded in memory and memory-mapped, after lookups;
  baseline: a plain Python `set` of the same 16-byte tokens;
- matching throughput in tokens/s (`Registry.orgs_for_hex`, batches of 1,000 hex tokens as the
  ingest hook passes them, 10% hits) against `bytes.fromhex(t) in set`;
- latency from a fragment's ingestion (real detector, embedded store, matcher hook) to receipt
  of its webhook by a real HTTP receiver, p50/p95 over N alerts, immediate policy, with the
  delivery worker running as `vigie alerts deliver` in its own process.

Appends one JSON line to bench/results/match.jsonl. Run it inside a loopback-only namespace:
    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python bench/match.py'
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY_HEX = "bcece3c02099398fd79e8d59dc3ea8d7b68c59f04ca322cf0df99a90e203a879"


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    vals = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            k, v = line.split(":")
            vals[k] = int(v.split()[0]) / 1024
    return vals["VmRSS"], vals["VmHWM"]


def make_prehash_file(path: Path, n: int) -> None:
    types = ("email", "phone", "nir", "iban")
    with open(path, "w") as fh:
        fh.write("type,prehash\n")
        step = 100_000
        for start in range(0, n, step):
            m = min(step, n - start)
            raw = os.urandom(32 * m).hex()
            fh.write("".join(f"{types[(start + i) & 3]},{raw[64 * i:64 * i + 64]}\n" for i in range(m)))


# ---------------------------------------------------------------- subprocess workers


def child_register(args: list[str]) -> dict:
    from alerts.registry import Registry
    from indexer.tokens import MatchKey

    prehash_file, reg_dir = Path(args[0]), Path(args[1])
    reg = Registry(reg_dir)
    t0 = time.perf_counter()
    res = reg.register_prehash_file("bench-org", prehash_file, MatchKey(bytes.fromhex(KEY_HEX)),
                                    keep_new_tokens=False)
    dt = time.perf_counter() - t0
    return {"lines": res.read, "added": res.added_total, "seconds": round(dt, 2),
            "prehashes_per_s": round(res.read / dt), "peak_rss_mb": round(rss_mb()[1], 1),
            "nslots": reg.table.nslots}


def _probe_batches(reg_dir: Path, batches: int, batch: int) -> list[list[str]]:
    """Batches of hex tokens, 10% registered (read from the table), 90% random."""
    import numpy as np

    from alerts.registry import Registry

    reg = Registry(reg_dir)  # memory-mapped: only used to pick registered tokens
    live = reg.table.live_slots()
    rng = np.random.default_rng(1)
    picks = reg.table.keys[rng.choice(live, size=batches * batch // 10, replace=False)].copy()
    hits = [picks[i].astype("<u8").tobytes().hex() for i in range(picks.shape[0])]
    out, h = [], 0
    for _ in range(batches):
        b = [os.urandom(16).hex() for _ in range(batch - batch // 10)] + hits[h:h + batch // 10]
        h += batch // 10
        out.append(b)
    reg.close()
    return out


def child_registry(args: list[str]) -> dict:
    from alerts.registry import Registry

    reg_dir, mode = Path(args[0]), args[1]
    base = rss_mb()[0]
    batches = _probe_batches(reg_dir, 200, 1000)
    probe_mb = rss_mb()[0] - base
    reg = Registry(reg_dir, in_memory=(mode == "memory"))
    hits = 0
    t0 = time.perf_counter()
    for b in batches:
        hits += sum(1 for o in reg.orgs_for_hex(b) if o)
    dt = time.perf_counter() - t0
    n = sum(len(b) for b in batches)
    rss, hwm = rss_mb()
    return {"mode": mode, "tokens": len(reg), "rss_mb": round(rss - probe_mb, 1), "peak_rss_mb": round(hwm, 1),
            "lookup_tokens_per_s": round(n / dt), "hits": hits, "probed": n}


def child_set_baseline(args: list[str]) -> dict:
    from alerts.registry import Registry

    reg_dir = Path(args[0])
    batches = _probe_batches(reg_dir, 200, 1000)
    reg = Registry(reg_dir)
    before = rss_mb()[0]
    s: set[bytes] = set()
    keys = reg.table.keys
    for start in range(0, keys.shape[0], 1 << 20):
        chunk = keys[start:start + (1 << 20)]
        raw = chunk.astype("<u8").tobytes()
        for i in range(chunk.shape[0]):
            tok = raw[16 * i:16 * i + 16]
            if tok != b"\x00" * 16:
                s.add(tok)
    set_mb = rss_mb()[0] - before
    hits = 0
    t0 = time.perf_counter()
    for b in batches:
        hits += sum(1 for t in b if bytes.fromhex(t) in s)
    dt = time.perf_counter() - t0
    n = sum(len(b) for b in batches)
    return {"tokens": len(s), "set_rss_mb": round(set_mb, 1), "lookup_tokens_per_s": round(n / dt), "hits": hits}


def run_child(name: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", name, *args], capture_output=True,
                         text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"child {name} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- latency


def latency(n_alerts: int, rate: float, work: Path) -> dict:
    import yaml
    from faker import Faker

    from indexer.identifiers import canonical_forms
    from indexer.ingest import Ingestor
    from indexer.models import CrawledItem
    from indexer.tokens import prehash
    from tests.fixtures.mail import WebhookReceiver
    from vigie.log import setup_logging
    from vigie.runtime import Runtime
    from vigie.wiring import build_matcher, open_store

    setup_logging("WARNING")
    receiver = WebhookReceiver().start()
    config, data = work / "config", work / "data"
    (config / "organisations").mkdir(parents=True)
    (config / "vigie.yaml").write_text(yaml.safe_dump({
        "storage": {"backend": "embedded"},
        "alerts": {"webhook": {"timeout_seconds": 5}},  # delivery settings: defaults (poll 1 s)
    }))
    (config / "organisations" / "bench.yaml").write_text(yaml.safe_dump({
        "id": "bench", "display_name": "Bench", "min_severity": "low",
        "channels": {"webhook": {"url": receiver.url, "secret": receiver.secret}},
        "policy": {s: "immediate" for s in ("critical", "high", "medium", "low")},
    }))
    os.environ["VIGIE_MATCH_KEY"] = "1:" + KEY_HEX
    os.environ["VIGIE_DATA_KEY"] = "1:" + KEY_HEX[::-1]
    fake = Faker("fr_FR")
    fake.seed_instance(99)
    emails: list[str] = []
    while len(emails) < n_alerts * 5:
        e = fake.unique.email()
        if canonical_forms("email", e) and "gmail" not in e:
            emails.append(e)
    ours = emails[:n_alerts]
    pre = work / "pre.csv"
    pre.write_text("type,prehash\n" + "".join(
        f"email,{prehash('email', canonical_forms('email', e)[0]).hex()}\n" for e in ours))
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "vigie", "org", "register", "bench", str(pre), "--config", str(config),
                    "--data-dir", str(data)], check=True, env=env, capture_output=True, cwd=ROOT)
    rt = Runtime(config, data)
    store = open_store(rt.config, data)
    matcher = build_matcher(rt.config, data)
    ingested: dict[str, float] = {}
    pending: list = []

    def hook(docs: list) -> None:
        pending.extend(docs)
        matcher.on_fragments(docs)

    ingestor = Ingestor(store, rt.match_key, rt.data_key, on_stored=hook)
    log = open(data / "worker.log", "w")
    worker = subprocess.Popen([sys.executable, "-m", "vigie", "alerts", "deliver", "--config", str(config),
                               "--data-dir", str(data)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    time.sleep(2.0)  # let the worker start
    interval = 1.0 / rate
    t_next = time.perf_counter()
    ingest_s: list[float] = []
    for i in range(n_alerts):
        rows = [ours[i]] + emails[n_alerts + 4 * i:n_alerts + 4 * i + 4]
        body = "leak\n\nemail;nom\n" + "".join(f"{e};{fake.last_name()}\n" for e in rows)
        t0 = time.time()
        pending.clear()
        ingestor.ingest(CrawledItem(source="bench", url=f"http://bench.onion/t/{i}", body=body, author="x"))
        t1 = time.time()
        ingest_s.append(t1 - t0)
        for d in pending:
            ingested[d.id] = t0
        t_next += interval
        time.sleep(max(0.0, t_next - time.perf_counter()))
    deadline = time.time() + 60
    while len(receiver.processed) < n_alerts and time.time() < deadline:
        time.sleep(0.1)
    worker.terminate()
    worker.wait(20)
    store.close()
    lat = []
    for r in receiver.receipts:
        if r.status == 200:
            frag = json.loads(r.body)["alert"]["fragment_id"]
            lat.append(r.at - ingested[frag])
    lat.sort()
    receiver.stop()

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 3) if lat else float("nan")

    return {"alerts": n_alerts, "received": len(receiver.processed), "duplicates": receiver.duplicates,
            "ingest_rate_per_s": rate, "p50_s": pct(0.50), "p95_s": pct(0.95),
            "max_s": round(lat[-1], 3) if lat else None,
            "ingest_p50_ms": round(sorted(ingest_s)[len(ingest_s) // 2] * 1000, 1),
            "poll_interval_s": 1.0}


# ---------------------------------------------------------------- vigie hash


def hash_cli(n_lines: int, work: Path) -> dict:
    """`vigie hash` over an n-line CSV (email, telephone, nir), all CPUs vs one process."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(5)
    em = [fake.email() for _ in range(5000)]
    ph = [fake.phone_number() for _ in range(5000)]
    ns = [fake.ssn() for _ in range(5000)]
    src = work / "people.csv"
    with open(src, "w") as fh:
        fh.write("email;telephone;nir\n")
        for i in range(n_lines):
            fh.write(f"{i}{em[i % 5000]};{ph[(i * 7) % 5000]};{ns[(i * 13) % 5000]}\n")
    out: dict = {"lines": n_lines}
    for label, jobs in (("all_cpus", "0"), ("one_process", "1")):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "vigie", "hash", str(src), "-o", str(work / "pre.csv"), "-q",
                        "--jobs", jobs], check=True, cwd=ROOT)
        out[f"{label}_seconds"] = round(time.perf_counter() - t0, 2)
    out["values_per_s_all_cpus"] = round(3 * n_lines / out["all_cpus_seconds"])
    out["speedup"] = round(out["one_process_seconds"] / out["all_cpus_seconds"], 2)
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--alerts", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=50.0, help="items ingested per second")
    ap.add_argument("--quick", action="store_true", help="sizes 100k and 1M, 200 alerts")
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        fn = {"register": child_register, "registry": child_registry, "set": child_set_baseline}[args.child[0]]
        print(json.dumps(fn(args.child[1:])))
        return
    sizes = [100_000, 1_000_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    n_alerts = 200 if args.quick else args.alerts
    result: dict = {"bench": "match", "at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "host": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "machine": platform.machine()}, "registration": [], "targets": {
                                 "rss_mb_at_10M": 400, "p95_s": 2.0}}
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            f = work / f"pre-{n}.csv"
            t0 = time.perf_counter()
            make_prehash_file(f, n)
            print(f"[{n:,}] pre-hash file written in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
            reg_dir = work / f"reg-{n}"
            r = run_child("register", str(f), str(reg_dir))
            result["registration"].append({"prehashes": n, **r})
            print(f"[{n:,}] registration: {r}", file=sys.stderr)
            f.unlink()
        biggest = work / f"reg-{sizes[-1]}"
        mem = run_child("registry", str(biggest), "memory")
        mm = run_child("registry", str(biggest), "mmap")
        base = run_child("set", str(biggest))
        result["registry"] = {"in_memory": mem, "mmap": mm, "baseline_python_set": base,
                              "rss_ratio_set_over_registry": round(base["set_rss_mb"] / mem["rss_mb"], 2),
                              "lookup_ratio_registry_over_set":
                                  round(mem["lookup_tokens_per_s"] / base["lookup_tokens_per_s"], 2)}
        print(f"registry: {result['registry']}", file=sys.stderr)
        assert mem["hits"] == base["hits"], "registry and set disagree"
        for n in sizes:
            import shutil

            shutil.rmtree(work / f"reg-{n}", ignore_errors=True)
        result["hash_cli"] = hash_cli(100_000 if args.quick else 1_000_000, work)
        print(f"vigie hash: {result['hash_cli']}", file=sys.stderr)
        lat_dir = work / "latency"
        lat_dir.mkdir()
        result["latency"] = latency(n_alerts, args.rate, lat_dir)
        print(f"latency: {result['latency']}", file=sys.stderr)
    out = ROOT / "bench" / "results" / "match.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "a") as fh:
        fh.write(json.dumps(result) + "\n")
    reg = result["registry"]
    print(f"registry RSS at {reg['in_memory']['tokens']:,} tokens: {reg['in_memory']['rss_mb']} MB "
          f"(python set: {reg['baseline_python_set']['set_rss_mb']} MB, ratio {reg['rss_ratio_set_over_registry']}x); "
          f"lookups {reg['in_memory']['lookup_tokens_per_s']:,}/s "
          f"vs set {reg['baseline_python_set']['lookup_tokens_per_s']:,}/s "
          f"(ratio {reg['lookup_ratio_registry_over_set']}); latency p50 {result['latency']['p50_s']}s "
          f"p95 {result['latency']['p95_s']}s")


if __name__ == "__main__":
    main()
