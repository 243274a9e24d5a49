"""Crawl benchmark: Vigie over Tor (8 isolated circuits) vs a sequential requests+SOCKS
baseline (TorBot style), plus Vigie over direct loopback; all on the private Tor network.

    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python -m bench.crawl'

Everything runs on 127.0.0.1 inside a loopback-only network namespace (the script refuses to
run elsewhere): 7 tor processes, the demo forum (`vigie_kit.forum`, phpBB engine) published
as an onion service, and the crawlers.

Modes (each repeated `--repeats` times, fresh crawl state each time):
- vigie-tor:    `vigie crawl --quiet` (the real spider, `network: tor`), 8 isolated
                circuits (VIGIE_TOR_CIRCUITS_PER_SOURCE=8) carrying `--concurrency` requests in
                flight (default 32, i.e. 4 streams per circuit; the first recorded run used 8),
                items not indexed (`--no-index`: transport and crawling are measured, not
                detection);
- vigie-direct: the same crawl, `network: direct`, to the forum's 127.0.0.1 address;
- baseline:     one thread, `requests.get(url, proxies=socks5h://...)` per page (PySocks,
                remote DNS), BFS over the forum's same-host links with BeautifulSoup, as
                classic TorBot does; no login; capped at `--baseline-pages` pages (a sequential
                crawl's rate does not depend on how far it goes);
- baseline-session: the same with one kept-alive `requests.Session` (as newer TorBot's httpx
                client does), for reference.

Scenarios: the private network has almost no latency (each hop is loopback), unlike real
onion services (hundreds of ms per request), so the forum is also measured behind a relay that
delays each request by `--latency-ms` (default 0 and 200), for every mode alike. Two forum
sizes: `stock` (the demo forum as tests use it: 54 pages, mostly a chain of paginated pages, so
little parallelism to gain) and `large` (the same generator with `--extra-threads` more threads
per board, a more forum-like breadth).

Pages/min counts HTML pages (attachments excluded); Vigie's time is its crawl duration (from
engine start to close, as reported in its summary); the baseline's is its loop's wall time.
Results: printed, and appended as one JSON line to bench/results/crawl.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
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


class LatencyRelay:
    """TCP relay on 127.0.0.1 that delays every client->server chunk by `delay` seconds."""

    def __init__(self, target_port: int, delay: float):
        self.target_port, self.delay = target_port, delay
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
            try:
                while data := await reader.read(65536):
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            await asyncio.gather(pump(reader, up_writer, self.delay), pump(up_reader, writer, 0))

        async def main() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await server.serve_forever()

        self._loop.run_until_complete(main())


def vigie_crawl(base_url: str, network: str, work: Path, socks_port: int, circuits: int,
                concurrency: int) -> dict[str, Any]:
    from tests.fixtures.forum import make_config, test_keys_env

    config = make_config(work / "config", base_url, network=network,
                         limits={"concurrency": concurrency, "timeout_seconds": 60})
    env = {**os.environ, **test_keys_env, "VIGIE_TOR_CIRCUITS_PER_SOURCE": str(circuits)}
    summary_path = work / "summary.json"
    cmd = [sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", SOURCE, "--config", str(config),
           "--data-dir", str(work / "data"), "--no-index", "-o", str(work / "items.jsonl"), "--quiet",
           "--summary-json", str(summary_path), "--tor-socks", f"127.0.0.1:{socks_port}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"vigie crawl ({network}) failed: {proc.stderr[-2000:]}")
    summary = json.loads(summary_path.read_text())
    items = sum(1 for _ in (work / "items.jsonl").open())
    return {"pages": summary["pages"], "seconds": summary["duration_seconds"], "items": items,
            "errors": summary["errors"], "retries": summary["retries"]}


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


def _scenario(net: PrivateTorNetwork, forum: Any, size: str, latency: int, work: Path,
              args: argparse.Namespace) -> dict[str, Any]:
    relay = LatencyRelay(forum.address[1], latency / 1000)
    onion = net.add_onion_service(relay.port)
    direct_url, onion_url = f"http://127.0.0.1:{relay.port}", f"http://{onion}"
    modes = ("vigie-tor", "vigie-direct", "baseline", "baseline-session")
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    for i in range(args.repeats):
        tag = f"{size}-l{latency}-r{i}"
        runs["vigie-direct"].append(vigie_crawl(direct_url, "direct", work / f"direct-{tag}",
                                                net.socks_port, args.circuits, args.concurrency))
        runs["vigie-tor"].append(vigie_crawl(onion_url, "tor", work / f"tor-{tag}",
                                             net.socks_port, args.circuits, args.concurrency))
        cap = min(args.baseline_pages, runs["vigie-tor"][-1]["pages"])
        runs["baseline"].append(baseline_crawl(onion_url + "/", net.socks_port, cap))
        runs["baseline-session"].append(baseline_crawl(onion_url + "/", net.socks_port, cap,
                                                       keep_alive=True))
        print(f"{size} forum, latency {latency} ms, run {i + 1}: " + ", ".join(
            f"{mode} {r[-1]['pages']} pages in {r[-1]['seconds']:.2f}s "
            f"({r[-1]['errors']} errors, {r[-1].get('retries', 0)} retries)" for mode, r in runs.items()),
            flush=True)
    ppm = {mode: round(_ppm(r), 1) for mode, r in runs.items()}
    scenario: dict[str, Any] = {
        "forum": size, "latency_ms": latency, "pages_per_min": ppm,
        "speedup_vs_baseline": round(ppm["vigie-tor"] / ppm["baseline"], 2),
        "speedup_vs_baseline_session": round(ppm["vigie-tor"] / ppm["baseline-session"], 2),
        "tor_cost_vs_direct": round(ppm["vigie-direct"] / ppm["vigie-tor"], 2),
        "median_seconds": {m: statistics.median(x["seconds"] for x in r) for m, r in runs.items()},
        "runs": runs,
    }
    scenario["targets_met"] = {"speedup>=10": scenario["speedup_vs_baseline"] >= 10,
                               "tor_cost<=2": scenario["tor_cost_vs_direct"] <= 2}
    return scenario


def _ppm(runs: list[dict[str, Any]]) -> float:
    return 60.0 * sum(r["pages"] for r in runs) / sum(r["seconds"] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight (over --circuits isolated circuits)")
    parser.add_argument("--circuits", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0, 200])
    parser.add_argument("--sizes", nargs="+", default=["stock", "large"], choices=["stock", "large"])
    parser.add_argument("--extra-threads", type=int, default=30)
    parser.add_argument("--baseline-pages", type=int, default=60)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    assert_loopback_only("the crawl benchmark")

    from vigie_kit.forum import ForumServer

    work = Path(tempfile.mkdtemp(prefix="vigie-bench-crawl-"))
    began = time.monotonic()
    net = PrivateTorNetwork(work / "tornet", on_progress=lambda m: print(f"  [tornet] {m}", file=sys.stderr))
    scenarios: list[dict[str, Any]] = []
    with net:
        network_seconds = net.started_seconds
        for size in args.sizes:
            forum = ForumServer("phpbb")
            if size == "large":
                _grow(forum, args.extra_threads)
            with forum:
                for latency in args.latency_ms:
                    scenarios.append(_scenario(net, forum, size, latency, work, args))
    print()
    print(f"{'forum':>6} {'latency':>8} {'vigie-tor':>10} {'baseline':>9} {'bl-sess':>8} {'direct':>8} "
          f"{'speedup':>8} {'vs-sess':>8} {'tor/direct':>10}")
    for s in scenarios:
        p = s["pages_per_min"]
        print(f"{s['forum']:>6} {s['latency_ms']:>6}ms {p['vigie-tor']:>10.0f} {p['baseline']:>9.0f} "
              f"{p['baseline-session']:>8.0f} {p['vigie-direct']:>8.0f} {s['speedup_vs_baseline']:>7.1f}x "
              f"{s['speedup_vs_baseline_session']:>7.1f}x {s['tor_cost_vs_direct']:>9.2f}x")
    print("(pages/min; targets: speedup >= 10x over the sequential baseline, Tor cost <= 2x direct)")
    record = {
        "bench": "crawl", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "network_start_seconds": round(network_seconds or 0, 1),
        "total_seconds": round(time.monotonic() - began, 1),
        "concurrency": args.concurrency, "circuits": args.circuits, "repeats": args.repeats,
        "extra_threads": args.extra_threads, "baseline_pages": args.baseline_pages,
        "scenarios": scenarios,
    }
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as fh:
            fh.write(json.dumps(record) + "\n")
        print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
