"""The whole pipeline on a big combo list: `vigie scan FILE` as an operator runs it, every core.

Issue 17's "2 GB combo list, all cores" figure, measured through the command rather than
`detect_stream` in the bench's own process (bench/detect.py --big): the file is generated on
disk (`bench.detect_extra._write_combo`: distinct logins everywhere), then

- ours: `vigie scan FILE` in a subprocess (its default: a file over 8 MiB is streamed in
  record-aligned chunks on a pool of every core); wall time, the identifiers it reports (its
  per-fragment counts, parsed from its text output: `--json` would print 100M+ JSON objects;
  those counts are distinct values per type in a fragment, so a little under `detect_stream`'s
  len(identifiers) of bench/detect.py --big), CPU time of the command and its workers,
  peak RSS of the command (VmHWM, polled) and of its largest worker;
- the baseline: `grep -oaE` of an e-mail regex over the same file, counted by `wc -l` (what
  an analyst would run first; it validates nothing, tokenises nothing);

and prints the ratio of the wall times. One JSON line is appended to results/scan_big.jsonl.

    .venv/bin/python -m bench.scan_big --mb 2000 --label "wave 18: 2 GB combo list, vigie scan"

Needs a match key in VIGIE_MATCH_KEY (a random one is made for the run when it is not set).
The file is written under --dir (default /tmp) and deleted afterwards; check `df -h` first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.detect_extra import _write_combo
from vigie_kit.procmem import descendants, high_water_kb

ROOT = Path(__file__).resolve().parent.parent
_COUNTS = re.compile(r"identifiers: ([^\n]*?)\s+article 9")


def vigie_scan(path: Path, work: Path, env: dict[str, str]) -> dict[str, object]:
    """`vigie scan path`, measured; identifiers summed from its per-fragment lines."""
    cfg = work / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    out, err = work / "scan.out", work / "scan.err"
    t0 = time.perf_counter()
    peak = child = 0
    shown = 0
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "WARNING", "scan", str(path), "--config",
                                 str(cfg), "--data-dir", str(work / "data")], stdout=o, stderr=e, cwd=work, env=env)
        while True:
            peak = max(peak, high_water_kb(proc.pid))
            for c in descendants(proc.pid):
                child = max(child, high_water_kb(c))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            el = time.perf_counter() - t0
            if el - shown >= 60:
                shown = el
                print(f"  {el:.0f} s: output {out.stat().st_size // 1024} kB, RSS peak {peak // 1024} MB, "
                      f"worker peak {child // 1024} MB", flush=True)
            time.sleep(0.1)
    wall = time.perf_counter() - t0
    text = out.read_text(encoding="utf-8", errors="replace")
    ids = frags = 0
    for m in _COUNTS.finditer(text):
        frags += 1
        ids += sum(int(part.rsplit(" ", 1)[1]) for part in m.group(1).split(", ") if part.strip())
    return {"rc": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 2), "fragments": frags, "identifiers": ids,
            # wait4's usage: the command's and its waited-for workers' CPU time together
            "cpu_s_with_workers": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": peak // 1024, "peak_rss_largest_worker_mb": child // 1024,
            "stderr_tail": err.read_text(errors="replace")[-500:]}


def grep_baseline(path: Path) -> dict[str, object]:
    t0 = time.perf_counter()
    grep = subprocess.Popen(["grep", "-oaE", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", str(path)],
                            stdout=subprocess.PIPE, env={**os.environ, "LC_ALL": "C"})
    count = subprocess.run(["wc", "-l"], stdin=grep.stdout, capture_output=True, text=True).stdout
    grep.wait()
    return {"wall_s": round(time.perf_counter() - t0, 2), "emails": int(count.strip() or 0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=2000.0, help="size of the combo list, in MB")
    ap.add_argument("--dir", default="/tmp", help="where the file is written (deleted after)")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    free = shutil.disk_usage(args.dir).free
    if free - args.mb * 1e6 < 10e9:
        sys.exit(f"{args.dir}: {free / 1e9:.1f} GB free; the run needs {args.mb / 1e3:.1f} GB and keeps 10 GB free")
    env = dict(os.environ)
    env.setdefault("VIGIE_MATCH_KEY", "1:" + secrets.token_hex(32))
    with tempfile.TemporaryDirectory(prefix="vigie-bench-scan-", dir=args.dir) as tmp:
        work = Path(tmp)
        path = work / "combo.txt"
        print(f"writing a {args.mb:.0f} MB combo list in {path}...", flush=True)
        t0 = time.perf_counter()
        size = _write_combo(path, args.mb)
        print(f"  {size / 1e6:.0f} MB in {time.perf_counter() - t0:.0f} s; load {os.getloadavg()}", flush=True)
        base = grep_baseline(path)
        print(f"baseline grep -oaE | wc -l: {base['emails']:,} e-mail matches in {base['wall_s']} s", flush=True)
        load0 = os.getloadavg()
        ours = vigie_scan(path, work, env)
        load1 = os.getloadavg()
    ratio = round(float(ours["wall_s"]) / float(base["wall_s"]), 1)  # type: ignore[arg-type]
    ids, wall = int(ours["identifiers"]), float(ours["wall_s"])  # type: ignore[call-overload]
    r = {"bytes": size, "workers": len(os.sched_getaffinity(0)), "vigie_scan": ours, "grep": base,
         "ids_per_s": round(ids / wall), "mb_per_s": round(size / wall / 1e6, 2),
         "wall_vs_grep": ratio, "load_before": [round(x, 1) for x in load0], "load_after": [round(x, 1) for x in load1]}
    print(f"vigie scan: {size / 1e6:.0f} MB in {wall:.1f} s wall (rc {ours['rc']}): {ids:,} identifiers in "
          f"{ours['fragments']:,} fragments, {r['ids_per_s']:,} ids/s ({r['mb_per_s']} MB/s); peak RSS "
          f"{ours['peak_rss_mb']} MB, largest worker {ours['peak_rss_largest_worker_mb']} MB; x{ratio} grep's time")
    line = {"bench": "scan_big", "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True).stdout.strip(),
            "python": platform.python_version(), "engine": os.environ.get("VIGIE_ENGINE", "auto"),
            "label": args.label, **r}
    out = ROOT / "bench" / "results" / "scan_big.jsonl"
    with open(out, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
