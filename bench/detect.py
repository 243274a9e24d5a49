"""Benchmark of the detection engine against an AIL-style baseline, on one core.

    .venv/bin/python -m bench.detect [--dense-rows 40000] [--sparse-mb 20] [--quick]

(from the repository root, like the other benchmarks, so that `tests.corpus` imports)

Inputs (synthetic, from tests/corpus): (a) dense dumps (CSV with and without header, SQL, COPY,
combo, JSON lines: every line a record) and (b) sparse forum text (prose posts, signatures,
look-alike numbers, one dump in ~200 posts), each post a separate call as the crawler makes them.

Timed in the same run, pinned to one CPU:
- Vigie: `indexer.detect.detect()` on bytes (decode -> fragments -> identifiers -> validation
  -> tokens) then a lookup of every token in a 1M-token registry (a Python set of 16-byte
  tokens; the alerts registry is a memory-mapped table, `alerts/registry.py`, which the cyclic
  garbage collector never walks, where a full collection walks every entry of this set:
  detection pauses the collector, `detect()` and `prefilter.detect_many` both, wave 24).
- Baseline, AIL-style: one Python `re` pass per identifier type over the whole text (email,
  phone, NIR, IBAN, card), each match validated with the standard libraries (phonenumbers,
  python-stdnum's nir/iban/luhn), then HMAC-SHA256 of each valid value and the same lookup.
  No fragment detection, no header typing: this is what a regex-per-type module does.

Prints identifiers/s, MB/s and two ratios to the baseline: time for the same input (the
baseline extracts fewer identifiers: no names, dates of birth or credentials, no header typing)
and identifiers per second. Four inputs: dense dumps, sparse posts one call each, the same
sparse text as ~1 MB pages, and plain prose pages (no digit, no @: the prefilter's floor).
Appends a JSON line to bench/results/detect.jsonl.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import random
import re
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.fr import nir as std_nir

from bench.detect_extra import big, sparse_prefilter
from indexer import article9, engine
from indexer.crypto import DataKey
from indexer.detect import detect, prefilter
from indexer.documents import build_documents
from indexer.models import CrawledItem
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump, make_post, make_prose_post

ROOT = Path(__file__).resolve().parent.parent

KEY = MatchKey(bytes.fromhex("42" * 32))
DATA_KEY = DataKey(bytes.fromhex("24" * 32))

# ----------------------------------------------------------------------------- AIL-style baseline
BASE_RX = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?:(?:\+|00)33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"
                        r"|\+\d{1,3}[\s.-]?\d(?:[\s.-]?\d){6,13}"),
    "nir": re.compile(r"\b[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b"),
    "card": re.compile(r"\b(?:\d[ -]?){12,18}\d\b"),
}


def _base_valid(t: str, raw: str) -> str | None:
    if t == "email":
        return raw.lower()
    if t == "phone":
        try:
            n = phonenumbers.parse(raw, "FR")
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(n):
            return None
        return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
    if t == "nir":
        c = raw.replace(" ", "")
        return c if len(c) == 15 and std_nir.is_valid(c) else None
    if t == "iban":
        return std_iban.compact(raw) if std_iban.is_valid(raw) else None
    d = re.sub(r"[ -]", "", raw)
    return d if std_luhn.is_valid(d) else None


def baseline_tokens(text: str) -> list[bytes]:
    """The baseline's extraction: every valid match's token, in pattern order."""
    out = []
    for t, rx in BASE_RX.items():
        for m in rx.finditer(text):
            v = _base_valid(t, m.group(0))
            if v is not None:
                out.append(hmac.digest(KEY.key, hashlib.sha256(f"v1|{t}|{v}".encode()).digest(), "sha256")[:16])
    return out


def baseline(text: str, registry: set[bytes]) -> tuple[int, int]:
    """`baseline_tokens`, each looked up as it comes (the historical figure's loop, kept as it
    was: bench.instructions' `baseline_dense` counts it)."""
    found = hits = 0
    for t, rx in BASE_RX.items():
        for m in rx.finditer(text):
            v = _base_valid(t, m.group(0))
            if v is None:
                continue
            tok = hmac.digest(KEY.key, hashlib.sha256(f"v1|{t}|{v}".encode()).digest(), "sha256")[:16]
            found += 1
            hits += tok in registry
    return found, hits


def vigie(data: bytes, registry: set[bytes]) -> tuple[int, int]:
    found = hits = 0
    for f in detect(data, key=KEY):
        for i in f.identifiers:
            found += 1
            hits += i.token in registry
    return found, hits


def vigie_docs(data: bytes, registry: set[bytes]) -> tuple[int, int]:
    """What ingest does with an item (`Ingestor._write` before the store): `detect()`, then
    `build_documents` (tokens per type, counts, encrypted text), then every stored token looked
    up (the alerts' registry holds the same tokens)."""
    frags = detect(data, key=KEY)
    docs = build_documents(CrawledItem(source="bench", url="http://bench.onion/", raw=data), frags, DATA_KEY)
    hits = sum(bytes.fromhex(t) in registry for d in docs for ts in d.tokens.values() for t in ts)
    return sum(len(f.identifiers) for f in frags), hits


def _native_column(items: list[bytes], registry: set[bytes], base_s: float, python_ids: int,
                   docs: bool = False) -> dict[str, float | int]:
    """The same input on the compiled core (issue 17), when vigie_native is installed; it must
    find exactly what the Python engine finds (tests/test_engine_differential.py checks more).
    `docs`: also `vigie_docs` (detect + build_documents: the write path, wave 20)."""
    try:
        engine.set_engine("native")
    except engine.EngineError as e:
        print(f"native engine not measured: {e}")
        return {}
    try:
        article9.core_search_ready()  # built after 1 MB searched: here, outside the timed runs, as a crawl's
        # one whole untimed pass first: the core's lexicon search fills its lazy DFAs on its first
        # texts (~0.2 s on the dense mix, once a process: a crawl's or the service's pays it once),
        # which a 20 kB warm-up did not; the timed pass is a warm process's, as the Python column's
        run(vigie, items, registry, text=False)
        t, n, h = run(vigie, items, registry, text=False)
        if docs:
            td, nd, hd = run(vigie_docs, items, registry, text=False)
    finally:
        engine.set_engine("python")
    if n != python_ids:
        raise SystemExit(f"the native engine found {n} identifiers, the Python engine {python_ids}: a bug in the core")
    size = sum(len(x) for x in items)
    out: dict[str, float | int] = {
        "native_s": round(t, 3), "native_ids": n, "native_hits": h, "native_ids_per_s": round(n / t),
        "native_mb_per_s": round(size / t / 1e6, 2), "native_speedup": round(base_s / t, 2), "native_vs_python": 0.0}
    if docs:
        out.update({"native_docs_s": round(td, 3), "native_docs_ids_per_s": round(nd / td),
                    "native_docs_distinct_hits": hd})
    return out


def _product_column(items: list[bytes], registry: set[bytes], python_ids: int) -> dict[str, float | int]:
    """Issue 17's figure as the product makes it (bench/detect_product.py): on the compiled core,
    `detect()` -> `build_documents` -> the alert hook's lookups in a real alerts `Registry` of the
    same tokens as `registry`; the baseline's tokens looked up in the same registry. (Imported
    here: bench.instructions imports this module, and its counts depend on what is imported.)"""
    from bench.detect_product import product_registry, run_baseline, run_product

    try:
        engine.set_engine("native")
    except engine.EngineError:
        return {}
    try:
        with product_registry(registry) as p:
            # a first pass untimed: the table's pages mapped in, and the planted tokens' alerts made
            # (a crawl sees most dumps again: reposts, re-crawls; an alert is made once)
            made = run_product(items, p, KEY, DATA_KEY)[2]
            t, n, _ = run_product(items, p, KEY, DATA_KEY)
            tb, nb, hb = run_baseline(items, p, baseline_tokens)
    finally:
        engine.set_engine("python")
    if n != python_ids:
        raise SystemExit(f"the product path found {n} identifiers, the Python engine {python_ids}: a bug in the core")
    return {"native_product_s": round(t, 3), "native_product_ids_per_s": round(n / t),
            "native_product_alerts_first_pass": made, "baseline_product_s": round(tb, 3), "baseline_product_ids": nb,
            "baseline_product_hits": hb, "baseline_product_ids_per_s": round(nb / tb),
            "native_product_speedup": round(tb / t, 2)}


# ----------------------------------------------------------------------------------- inputs
def dense_inputs(rows: int) -> list[bytes]:
    kinds = ["csv", "csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl"]
    out, n, seed = [], 0, 0
    while n < rows:
        kind = kinds[seed % len(kinds)]
        text, _ = make_dump(kind, 2000, faker_seed=1000 + seed)
        out.append(text.encode("utf-8"))
        n += 2000
        seed += 1
    return out


def sparse_inputs(mb: float) -> list[bytes]:
    rng = random.Random(5)
    pool = [make_prose_post(200_000 + i).encode() for i in range(600)]
    dumps = [make_post(300_000 + i)[0].encode() for i in range(20)]
    out, size = [], 0
    while size < mb * 1e6:
        p = rng.choice(dumps) if rng.random() < 0.005 else rng.choice(pool)
        out.append(p)
        size += len(p)
    return out


def run(fn, items: list[bytes], registry: set[bytes], text: bool) -> tuple[float, int, int]:
    """CPU time of this process (the host may be shared: wall time would measure the neighbours)."""
    t0 = time.process_time()
    found = hits = 0
    for it in items:
        f, h = fn(it.decode("utf-8") if text else it, registry)
        found += f
        hits += h
    return time.process_time() - t0, found, hits


def _corpus_version() -> str:
    """The generator's content hash: results are comparable only on the same corpus."""
    src = b"".join((ROOT / "tests" / "corpus" / name).read_bytes() for name in ("generate.py", "values.py"))
    return hashlib.sha256(src).hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dense-rows", type=int, default=40_000)
    ap.add_argument("--sparse-mb", type=float, default=20.0)
    ap.add_argument("--registry", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="small inputs, for a smoke run")
    ap.add_argument("--label", default="", help="recorded with the results, e.g. 'before issue 12'")
    ap.add_argument("--big", action="store_true", help="only the big-input run: a combo list on disk, every core")
    ap.add_argument("--big-mb", type=float, default=300.0, help="size of the --big combo list, in MB")
    ap.add_argument("--workers", type=int, default=0, help="--big: processes (default: every core)")
    args = ap.parse_args()
    if args.quick:
        args.dense_rows, args.sparse_mb, args.registry = 4000, 2.0, 100_000
    if args.big:  # every core, so before the pinning below
        _record({"mode": "big", "quick": args.quick, "label": args.label,
                 "big": big(args.big_mb, KEY, args.workers or None)})
        return
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    rng = random.Random(1)
    registry = {rng.randbytes(16) for _ in range(args.registry)}
    print(f"generating inputs ({args.dense_rows} dense rows, {args.sparse_mb} MB sparse)...", flush=True)
    dense, sparse = dense_inputs(args.dense_rows), sparse_inputs(args.sparse_mb)
    # plant some registered identifiers so that lookups also hit
    for f in detect(dense[0], key=KEY)[:1]:
        registry.update(i.token for i in f.identifiers[:500])
    results: dict[str, dict[str, float | int | None]] = {}
    ids_per_s: dict[str, float] = {}  # the figures the targets are checked on, per input
    mb_per_s: dict[str, float] = {}
    speedup: dict[str, float] = {}
    # the same sparse text as whole thread pages (~1 MB per call): per-line cost without per-call cost
    pages, cur = [], []
    for x in sparse:
        cur.append(x)
        if sum(map(len, cur)) > 1_000_000:
            pages.append(b"\n\n".join(cur))
            cur = []
    if cur:
        pages.append(b"\n\n".join(cur))
    # plain prose (no digit, no @ anywhere): the floor set by decoding and the RE2 seed scan
    from faker import Faker

    fk = Faker("fr_FR")
    fk.seed_instance(3)
    paras = [fk.paragraph(nb_sentences=5) for _ in range(2000)]
    prose_page = "\n\n".join(paras).encode()
    prose = [prose_page] * max(1, int(args.sparse_mb * 1e6 / len(prose_page)))
    # the prefilter's Hyperscan database is compiled once per process, on the first input of
    # 256 kB or more: outside the timed runs (it landed in the Python engine's dense time)
    prefilter.available()
    for name, items in (("dense", dense), ("sparse", sparse), ("sparse_pages", pages), ("prose_pages", prose)):
        size = sum(len(x) for x in items)
        engine.set_engine("python")  # the "vigie" columns: the pure-Python reference engine
        vigie(items[0][:20000], registry)  # warm caches and imports
        tv, nv, hv = run(vigie, items, registry, text=False)
        tb, nb, hb = run(baseline, items, registry, text=True)
        nat = _native_column(items, registry, tb, nv, docs=name == "dense")  # issue 17: the compiled core, same run
        if nat and name == "dense":
            nat.update(_product_column(items, registry, nv))
        r = {
            "bytes": size, "calls": len(items),
            "vigie_s": round(tv, 3), "vigie_ids": nv, "vigie_hits": hv,
            "vigie_ids_per_s": round(nv / tv), "vigie_mb_per_s": round(size / tv / 1e6, 2),
            "baseline_s": round(tb, 3), "baseline_ids": nb, "baseline_hits": hb,
            "baseline_ids_per_s": round(nb / tb), "baseline_mb_per_s": round(size / tb / 1e6, 2),
            "speedup": round(tb / tv, 2),
            "ids_per_s_ratio": round((nv / tv) / (nb / tb), 2) if nb and nv else None,
        }
        if nat:
            nat["native_vs_python"] = round(tv / float(nat["native_s"]), 2)
        r.update(nat)
        results[name] = r
        ids_per_s[name], mb_per_s[name], speedup[name] = nv / tv, size / tv / 1e6, tb / tv
        print(f"{name:>12}: {size / 1e6:.1f} MB in {len(items)} calls | vigie {tv:.2f}s {nv} ids "
              f"{r['vigie_ids_per_s']:,} ids/s {r['vigie_mb_per_s']} MB/s | baseline {tb:.2f}s {nb} ids "
              f"{r['baseline_ids_per_s']:,} ids/s {r['baseline_mb_per_s']} MB/s | time ratio x{r['speedup']}, "
              f"ids/s ratio x{r['ids_per_s_ratio']}")
        if nat:
            print(f"{'':>12}  native {nat['native_s']:.2f}s {nat['native_ids']} ids {nat['native_ids_per_s']:,} ids/s "
                  f"{nat['native_mb_per_s']} MB/s | time ratio to baseline x{nat['native_speedup']}, "
                  f"to the Python engine x{nat['native_vs_python']}")
        if "native_docs_s" in nat:
            print(f"{'':>12}  native + build_documents {nat['native_docs_s']:.2f}s "
                  f"{nat['native_docs_ids_per_s']:,} ids/s (what ingest does before the store)")
        if "native_product_s" in nat:
            print(f"{'':>12}  PRODUCT PATH (issue 17's target): native detect + build_documents + the alert hook's "
                  f"registry lookups {nat['native_product_s']:.2f}s {nat['native_product_ids_per_s']:,} ids/s | "
                  f"baseline + the same registry {nat['baseline_product_s']:.2f}s | time ratio "
                  f"x{nat['native_product_speedup']}")
            print(f"{'':>12}  (historical figure above: Identifier objects and a Python set of 1M tokens)")
    targets = {"dense_ids_per_s>=300k": round(ids_per_s["dense"]) >= 300_000,
               "sparse_mb_per_s>=100": round(mb_per_s["sparse"], 2) >= 100,
               "ratio>=5_dense": round(speedup["dense"], 2) >= 5,
               "ratio>=5_sparse": round(speedup["sparse"], 2) >= 5,
               "sparse_pages_mb_per_s>=100": round(mb_per_s["sparse_pages"], 2) >= 100,
               "prose_pages_mb_per_s>=100": round(mb_per_s["prose_pages"], 2) >= 100}
    if "native_ids_per_s" in results["dense"]:
        targets["native_dense_ids_per_s>=1000k"] = float(results["dense"]["native_ids_per_s"] or 0) >= 1_000_000
        targets["native_ratio>=5_dense"] = float(results["dense"]["native_speedup"] or 0) >= 5
    if "native_product_ids_per_s" in results["dense"]:  # the target, read on the product's path
        targets["product_dense_ids_per_s>=1000k"] = float(results["dense"]["native_product_ids_per_s"] or 0) >= 1e6
        targets["product_ratio>=5_dense"] = float(results["dense"]["native_product_speedup"] or 0) >= 5
    engine.set_engine(None)  # back to VIGIE_ENGINE's choice for the rest
    pre = sparse_prefilter(sparse, KEY, baseline, registry)  # issue 17: both engines, baseline, raw scans
    targets["sparse_detect_many_mb_per_s>=200"] = float(pre.get("posts_detect_many_mb_per_s", 0)) >= 200
    print("targets:", ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in targets.items()))
    _record({"quick": args.quick, "registry": args.registry, "label": args.label,
             "corpus": _corpus_version(), **results, "prefilter": pre, "targets": targets})


def _record(fields: dict[str, object]) -> None:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    line = {"bench": "detect", "at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit,
            "python": platform.python_version(), "cpu": platform.processor() or platform.machine(), **fields}
    out = ROOT / "bench" / "results" / "detect.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
