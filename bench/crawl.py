"""Crawl benchmark: Vigie over Tor vs a sequential requests+SOCKS baseline (TorBot style), and
Vigie over direct loopback, on forums answering in 200 and 800 ms; all on the private Tor network.

    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python -m bench.crawl'

Everything runs on 127.0.0.1 inside a loopback-only network namespace (the script refuses to
run elsewhere): 7 tor processes, the demo forum (`vigie_kit.forum`, phpBB engine) published
as an onion service, and the crawlers.

Modes (each repeated `--repeats` times, default 5, fresh crawl state each time):
- vigie-tor:    `vigie crawl --quiet` (the real spider, `network: tor`), 8 isolated circuits
                (VIGIE_TOR_CIRCUITS_PER_SOURCE=8) carrying `--concurrency` requests in flight
                (default 32), items not indexed (`--no-index`: transport and crawling are
                measured, not detection); the default limits otherwise (stream timeout,
                hedging, pagination fetched ahead: issue 18);
- vigie-direct: the same crawl, `network: direct`, to the forum's 127.0.0.1 address;
- baseline:     one thread, `requests.get(url, proxies=socks5h://...)` per page (PySocks,
                remote DNS), BFS over the forum's same-host links with BeautifulSoup, as
                classic TorBot does; no login; capped at `--baseline-pages` pages (a sequential
                crawl's rate does not depend on how far it goes);
- baseline-session (`--with-session`): the same with one kept-alive `requests.Session`.

Latency: each hop of the private network is loopback, unlike real onion services (hundreds of
ms per request), so the forum itself waits `--latency-ms` (default 200 and 800) before every
answer (`ForumServer.latency_seconds`), for every mode alike. Forum sizes: `large` (default; the
demo generator with `--extra-threads` more threads per board: six-page board listings) and
`stock` (the demo forum as tests use it, 54 pages).

Faults (`--faults`, on by default): after the clean runs, vigie-tor is run again `--repeats`
times while the forum hangs one GET in `--stall-every` (50) for 60 s and then drops it
unanswered (a stalled stream / a dead circuit): recovery must take seconds, not the minute a
hung request cost before issue 18.

Reported per scenario: pages/min per mode (summed pages / summed seconds), the speedup over the
baseline (target >= 10x), Tor/direct time (target <= 2x), the slowest of the runs over their
median (target <= 1.5), hedges, circuit renewals and pages fetched ahead. Pages/min counts HTML
pages (attachments excluded); Vigie's time is its crawl duration (engine start to close, from its
summary); the baseline's is its loop's wall time. Runs of all modes alternate, so the load of
this shared machine falls on all of them. Results: printed, and appended as one JSON line to
bench/results/crawl.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from vigie_kit.tornet import PrivateTorNetwork, assert_loopback_only

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "crawl.jsonl"
SOURCE = "test-phpbb"
DENY = re.compile(r"logout|/profile/|/search")


def vigie_crawl(base_url: str, network: str, work: Path, socks_port: int, circuits: int,
                concurrency: int) -> dict[str, Any]:
    from tests.fixtures.forum import make_config, test_keys_env

    # the schema's defaults for timeouts and hedging (make_config only sets test-speed limits)
    config = make_config(work / "config", base_url, network=network,
                         limits={"concurrency": concurrency, "timeout_seconds": 60, "retry_backoff_seconds": 1.0})
    env = {**os.environ, **test_keys_env, "VIGIE_TOR_CIRCUITS_PER_SOURCE": str(circuits)}
    summary_path = work / "summary.json"
    cmd = [sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", SOURCE, "--config", str(config),
           "--data-dir", str(work / "data"), "--no-index", "-o", str(work / "items.jsonl"), "--quiet",
           "--summary-json", str(summary_path), "--tor-socks", f"127.0.0.1:{socks_port}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not summary_path.exists():
        raise RuntimeError(f"vigie crawl ({network}) exited {proc.returncode}: "
                           f"{(proc.stderr + proc.stdout)[-2000:]}")
    summary = json.loads(summary_path.read_text())
    items = sum(1 for _ in (work / "items.jsonl").open())
    return {"pages": summary["pages"], "seconds": summary["duration_seconds"], "items": items,
            "errors": summary["errors"], "retries": summary["retries"], "hedges": summary.get("hedges", 0),
            "hedges_won": summary.get("hedges_won", 0), "circuits_renewed": summary.get("circuits_renewed", 0),
            "pages_ahead": summary.get("pages_ahead", 0)}


def vigie_crawl_once_more(failed: list[str], *args: Any) -> dict[str, Any]:
    """`vigie_crawl`, run again once if it fails (the failure is kept in `failed` and reported):
    on a shared, overloaded machine a run can die of a timeout that says nothing about Vigie."""
    try:
        return vigie_crawl(*args)
    except RuntimeError as exc:
        failed.append(str(exc)[-600:])
        print(f"  run failed, once more: {str(exc)[-300:]}", file=sys.stderr, flush=True)
        work = args[2]
        return vigie_crawl(args[0], args[1], work.with_name(work.name + "-again"), *args[3:])


def baseline_crawl(start_url: str, socks_port: int, max_pages: int, *,
                   keep_alive: bool = False) -> dict[str, Any]:
    """TorBot-style: sequential, requests + socks5h, BeautifulSoup links, same host only."""
    import requests
    from bs4 import BeautifulSoup

    proxy = f"socks5h://vigie-baseline:x@127.0.0.1:{socks_port}"

    def new_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # never an environment proxy: only our SOCKS
        session.proxies = {"http": proxy, "https": proxy}
        return session

    kept = new_session() if keep_alive else None
    host = urlsplit(start_url).netloc
    queue, seen, pages, errors, sample = [start_url], {start_url}, 0, 0, ""
    began = time.monotonic()
    while queue and pages < max_pages:
        url = queue.pop(0)
        try:
            # like requests.get(): a fresh session (a new SOCKS stream) per page, unless kept
            session = kept or new_session()
            with session.get(url, timeout=60, stream=True) as resp:
                if "html" not in resp.headers.get("Content-Type", ""):
                    continue
                if int(resp.headers.get("Content-Length", "0") or 0) > 1024 * 1024:
                    continue  # same 1 MiB cap as Vigie's config
                html = resp.content
        except requests.RequestException as exc:
            errors += 1
            sample = sample or f"{url}: {type(exc).__name__}: {exc}"[:300]
            continue
        finally:
            if kept is None:
                session.close()
        pages += 1
        for a in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            href = a.get("href")
            if not isinstance(href, str):  # bs4 types attributes as str or a list (multi-valued ones)
                continue
            link = urljoin(url, href).split("#", 1)[0]
            if urlsplit(link).netloc == host and link not in seen and not DENY.search(link):
                seen.add(link)
                queue.append(link)
    return {"pages": pages, "seconds": round(time.monotonic() - began, 3), "errors": errors,
            "error_sample": sample}


def _grow(forum: Any, extra_threads: int) -> None:
    """More threads per board, from the forum's own generator (bench only; private helper)."""
    data = forum.data
    with data.lock:
        for board in data.boards[:4]:
            for _ in range(extra_threads):
                thread = data._new_thread(board)
                for _ in range(data.synth.rng.randint(1, 24)):
                    data.new_post(thread)


def _scenario(net: PrivateTorNetwork, forum: Any, onion: str, size: str, latency: int, work: Path,
              args: argparse.Namespace) -> dict[str, Any]:
    forum.latency_seconds = latency / 1000
    direct_url, onion_url = forum.url, f"http://{onion}"
    modes = ["vigie-tor", "vigie-direct", "baseline"] + (["baseline-session"] if args.with_session else [])
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    failed: list[str] = []
    for i in range(args.repeats):
        tag = f"{size}-l{latency}-r{i}"
        runs["vigie-direct"].append(vigie_crawl_once_more(failed, direct_url, "direct", work / f"direct-{tag}",
                                                          net.socks_port, args.circuits, args.concurrency))
        runs["vigie-tor"].append(vigie_crawl_once_more(failed, onion_url, "tor", work / f"tor-{tag}",
                                                       net.socks_port, args.circuits, args.concurrency))
        cap = min(args.baseline_pages, runs["vigie-tor"][-1]["pages"])
        runs["baseline"].append(baseline_crawl(onion_url + "/", net.socks_port, cap))
        if args.with_session:
            runs["baseline-session"].append(baseline_crawl(onion_url + "/", net.socks_port, cap, keep_alive=True))
        print(f"{size} forum, latency {latency} ms, run {i + 1}: " + ", ".join(
            f"{mode} {r[-1]['pages']} pages in {r[-1]['seconds']:.2f}s "
            f"({r[-1]['errors']} errors, {r[-1].get('retries', 0)} retries, {r[-1].get('hedges', 0)} hedges)"
            for mode, r in runs.items()), flush=True)
    ppm = {mode: round(_ppm(r), 1) for mode, r in runs.items()}
    scenario: dict[str, Any] = {
        "forum": size, "latency_ms": latency, "pages_per_min": ppm,
        "speedup_vs_baseline": round(ppm["vigie-tor"] / ppm["baseline"], 2),
        "tor_cost_vs_direct": round(ppm["vigie-direct"] / ppm["vigie-tor"], 2),
        "median_seconds": {m: statistics.median(x["seconds"] for x in r) for m, r in runs.items()},
        "slowest_over_median": {m: _spread(r) for m, r in runs.items() if m.startswith("vigie")},
        "failed_runs_rerun": failed,
        "runs": runs,
    }
    if args.with_session:
        scenario["speedup_vs_baseline_session"] = round(ppm["vigie-tor"] / ppm["baseline-session"], 2)
    scenario["targets_met"] = {"speedup>=10": scenario["speedup_vs_baseline"] >= 10,
                               "tor_cost<=2": scenario["tor_cost_vs_direct"] <= 2,
                               "slowest/median<=1.5": scenario["slowest_over_median"]["vigie-tor"] <= 1.5}
    return scenario


def _faults(net: PrivateTorNetwork, forum: Any, onion: str, size: str, latency: int, work: Path,
            args: argparse.Namespace, clean: dict[str, Any]) -> dict[str, Any]:
    """vigie-tor again, while the forum hangs the first GET of one new path in `--stall-every` for
    60 s (a retry or hedge of it is answered, as on a fresh circuit)."""
    forum.latency_seconds = latency / 1000
    forum.stall_every, forum.stall_seconds = args.stall_every, 60.0
    runs: list[dict[str, Any]] = []
    failed: list[str] = []
    try:
        for i in range(args.repeats):
            forum.reset_counters()
            run = vigie_crawl_once_more(failed, f"http://{onion}", "tor", work / f"fault-{size}-l{latency}-r{i}",
                                        net.socks_port, args.circuits, args.concurrency)
            run["stalls"] = forum.stalls
            runs.append(run)
            print(f"{size} forum, latency {latency} ms, faults run {i + 1}: {run['pages']} pages in "
                  f"{run['seconds']:.2f}s, {run['stalls']} hung requests, {run['retries']} retries, "
                  f"{run['hedges']} hedges ({run['hedges_won']} won), {run['circuits_renewed']} circuits renewed",
                  flush=True)
    finally:
        forum.stall_every = 0
    clean_median = clean["median_seconds"]["vigie-tor"]
    median = statistics.median(r["seconds"] for r in runs)
    return {"forum": size, "latency_ms": latency, "stall_every": args.stall_every, "stall_seconds": 60.0,
            "median_seconds": median, "clean_median_seconds": clean_median,
            "worst_extra_seconds": round(max(r["seconds"] for r in runs) - clean_median, 2),
            "items_equal_clean": all(r["items"] == clean["runs"]["vigie-tor"][0]["items"] for r in runs),
            "failed_runs_rerun": failed, "runs": runs}


def _spread(runs: list[dict[str, Any]]) -> float:
    """The slowest run's time over the median's."""
    times = [r["seconds"] for r in runs]
    return round(max(times) / statistics.median(times), 2)


def _ppm(runs: list[dict[str, Any]]) -> float:
    return 60.0 * sum(r["pages"] for r in runs) / sum(r["seconds"] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight (over --circuits isolated circuits)")
    parser.add_argument("--circuits", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[200, 800])
    parser.add_argument("--sizes", nargs="+", default=["large"], choices=["stock", "large"])
    parser.add_argument("--extra-threads", type=int, default=30)
    parser.add_argument("--baseline-pages", type=int, default=40)
    parser.add_argument("--with-session", action="store_true", help="also the kept-alive requests baseline")
    parser.add_argument("--no-faults", dest="faults", action="store_false", help="skip the runs with hung requests")
    parser.add_argument("--stall-every", type=int, default=50)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    assert_loopback_only("the crawl benchmark")

    from vigie_kit.forum import ForumServer

    work = Path(tempfile.mkdtemp(prefix="vigie-bench-crawl-"))
    began = time.monotonic()
    load_at_start = os.getloadavg()[0]  # the machine is shared: a loaded one starves Vigie's parsing
    net = PrivateTorNetwork(work / "tornet", on_progress=lambda m: print(f"  [tornet] {m}", file=sys.stderr))
    scenarios: list[dict[str, Any]] = []
    faults: list[dict[str, Any]] = []
    with net:
        network_seconds = net.started_seconds
        for size in args.sizes:
            forum = ForumServer("phpbb")
            if size == "large":
                _grow(forum, args.extra_threads)
            with forum:
                onion = net.add_onion_service(forum.address[1])
                for latency in args.latency_ms:
                    scenarios.append(_scenario(net, forum, onion, size, latency, work, args))
                if args.faults:
                    faults.append(_faults(net, forum, onion, size, args.latency_ms[0], work, args, scenarios[-len(
                        args.latency_ms)]))
    print()
    print(f"{'forum':>6} {'latency':>8} {'vigie-tor':>10} {'baseline':>9} {'direct':>8} "
          f"{'speedup':>8} {'tor/direct':>10} {'slowest/median':>15}")
    for sc in scenarios:
        p = sc["pages_per_min"]
        print(f"{sc['forum']:>6} {sc['latency_ms']:>6}ms {p['vigie-tor']:>10.0f} {p['baseline']:>9.0f} "
              f"{p['vigie-direct']:>8.0f} {sc['speedup_vs_baseline']:>7.1f}x {sc['tor_cost_vs_direct']:>9.2f}x "
              f"{sc['slowest_over_median']['vigie-tor']:>14.2f}")
    print("(pages/min; targets: speedup >= 10x over the sequential baseline, Tor <= 2x direct, "
          "slowest of the runs <= 1.5x their median)")
    for f in faults:
        print(f"faults ({f['forum']}, {f['latency_ms']} ms, 1 new path in {f['stall_every']} hung 60 s): median "
              f"{f['median_seconds']:.2f}s vs {f['clean_median_seconds']:.2f}s clean, "
              f"worst +{f['worst_extra_seconds']:.2f}s, items as clean: {f['items_equal_clean']}")
    record = {
        "bench": "crawl", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version(),
                 "load_average_1m_at_start_and_end": [round(load_at_start, 1), round(os.getloadavg()[0], 1)]},
        "network_start_seconds": round(network_seconds or 0, 1),
        "total_seconds": round(time.monotonic() - began, 1),
        "concurrency": args.concurrency, "circuits": args.circuits, "repeats": args.repeats,
        "extra_threads": args.extra_threads, "baseline_pages": args.baseline_pages,
        "latency": "forum answers after latency_ms (ForumServer.latency_seconds)",
        "scenarios": scenarios, "faults": faults,
    }
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as fh:
            fh.write(json.dumps(record) + "\n")
        print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


def _commit() -> str | None:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout.strip() or None


if __name__ == "__main__":
    raise SystemExit(main())
