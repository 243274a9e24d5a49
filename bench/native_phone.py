"""Benchmark of phone validation: the compiled core (vigie_native.canon_phone, Rust) against the
reference it ports (indexer.identifiers.canon_phone, Python + phonenumbers), side by side.

    .venv/bin/python bench/native_phone.py [--n 20000] [--repeats 5]

Workloads (synthetic, seeded):
- french: Faker fr_FR numbers as dumps write them (the reference's fast path: ~1 regex pair);
- common: the same as world below, from 12 countries a French dump often holds (phonenumbers'
  patterns stay in Python's `re` cache);
- world: every region's example numbers with their last digits randomised, in E.164,
  00-international and international notation, read with region FR (phonenumbers.parse);
- national: the same numbers in national notation, read in their own region.
Per workload: phones/s of the reference, of the core called once per phone from Python, and of
the core called once per list (canon_phones: no per-call overhead), best CPU time of N runs (the
machine is shared and noisy), the ratios, and how many the core deferred (those are not
re-run through Python here: the figure is the core's own speed). Appends one JSON line to
bench/results/native_phone.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import phonenumbers  # noqa: E402
from phonenumbers import PhoneNumberFormat as F  # noqa: E402
from phonenumbers import PhoneNumberType as T  # noqa: E402

from indexer.identifiers import canon_phone  # noqa: E402

_TYPES = (T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.VOIP)


COMMON = ("US", "GB", "DE", "BE", "ES", "IT", "CH", "PT", "MA", "DZ", "TN", "NL")


def _world(rng: random.Random, n: int, regions: tuple[str, ...] | None = None,
           ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(international notations read in FR, national notations read in their own region)."""
    nums = []
    for region in regions or sorted(phonenumbers.SUPPORTED_REGIONS):
        for t in _TYPES:
            ex = phonenumbers.example_number_for_type(region, t)
            if ex is not None:
                nums.append((ex, region))
    intl: list[tuple[str, str]] = []
    nat: list[tuple[str, str]] = []
    while len(intl) < n:
        ex, region = rng.choice(nums)
        nsn = phonenumbers.national_significant_number(ex)
        k = min(4, len(nsn) - 2)
        nsn = nsn[:-k] + "".join(rng.choice("0123456789") for _ in range(k))
        num = phonenumbers.PhoneNumber(country_code=ex.country_code, national_number=int(nsn),
                                       italian_leading_zero=ex.italian_leading_zero,
                                       number_of_leading_zeros=ex.number_of_leading_zeros)
        e164 = phonenumbers.format_number(num, F.E164)
        intl.append((rng.choice((e164, "00" + e164[1:], phonenumbers.format_number(num, F.INTERNATIONAL))), "FR"))
        nat.append((phonenumbers.format_number(num, F.NATIONAL), region))
    return intl, nat


def _french(rng: random.Random, n: int) -> list[tuple[str, str]]:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(rng.randrange(1 << 30))
    return [(fake.phone_number(), "FR") for _ in range(n)]


def _best(fn: Callable[[], object], repeats: int) -> float:
    """Best CPU time of this process over the runs: on a shared, loaded machine the wall clock
    counts other processes' turns too."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def run(name: str, cases: list[tuple[str, str]], repeats: int, native: object) -> dict[str, object]:
    by_region: dict[str, list[str]] = {}
    for raw, region in cases:
        by_region.setdefault(region, []).append(raw)
    one = native.canon_phone  # type: ignore[attr-defined]
    many = native.canon_phones  # type: ignore[attr-defined]

    def python() -> None:
        for raw, region in cases:
            canon_phone(raw, region)

    def rust_each() -> None:
        for raw, region in cases:
            one(raw, region)

    def rust_batch() -> None:
        for region, raws in by_region.items():
            many(raws, region)

    rust_batch()  # compile the regions' patterns before timing (done once per process)
    deferred = sum(1 for raw, region in cases if one(raw, region) is Ellipsis)
    valid = sum(1 for raw, region in cases if canon_phone(raw, region) is not None)
    t_py, t_each, t_batch = (_best(f, repeats) for f in (python, rust_each, rust_batch))
    n = len(cases)
    res = {"workload": name, "phones": n, "valid": valid, "deferred": deferred,
           "phones_per_s": {"python": round(n / t_py), "rust_per_call": round(n / t_each),
                            "rust_batch": round(n / t_batch)},
           "speedup_per_call": round(t_py / t_each, 1), "speedup_batch": round(t_py / t_batch, 1)}
    print(f"{name:8s} {n} phones ({valid} valid, {deferred} deferred): python {n / t_py:,.0f}/s, "
          f"rust per call {n / t_each:,.0f}/s (x{t_py / t_each:.1f}), "
          f"rust batch {n / t_batch:,.0f}/s (x{t_py / t_batch:.1f})")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="phones per workload")
    ap.add_argument("--repeats", type=int, default=5, help="runs per measure (the best is kept)")
    args = ap.parse_args()
    try:
        import vigie_native
    except ImportError as e:
        raise SystemExit(f"vigie_native is not built ({e}): build it with maturin develop --release "
                         "-m rust/vigie_native/Cargo.toml") from e
    rng = random.Random(17)
    intl, nat = _world(rng, args.n)
    common, _ = _world(rng, args.n, COMMON)
    results = [run("french", _french(rng, args.n), args.repeats, vigie_native),
               run("common", common, args.repeats, vigie_native),
               run("world", intl, args.repeats, vigie_native),
               run("national", nat, args.repeats, vigie_native)]
    line = {"bench": "native_phone", "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
            "phonenumbers": phonenumbers.__version__, "repeats": args.repeats, "best_of": args.repeats,
            "results": results}
    out = ROOT / "bench" / "results" / "native_phone.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
