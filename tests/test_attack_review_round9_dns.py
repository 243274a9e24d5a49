"""Attacker's review, round 9: DNS rebinding on `network: direct` sources configured by name.

The site's owner runs the name's DNS: it can answer a loopback or LAN address from the start, or
a good address first and another later, so that the crawl (or the browser rendering its pages)
connects to services on this machine or its network under the site's name and the source's own
ports. Each direct crawl now asks for its names once, at its start, keeps the answer for the
whole run (Scrapy's downloads, attachments, redirects, and Chromium through
`--host-resolver-rules`), and refuses an answer holding an address that is neither public nor in
the source's `allowed_addresses`.

Real parts, loopback only: a real DNS server (dnslib's) on a 127.53.0.x address, real
`vigie crawl` runs whose system resolver (glibc, /etc/resolv.conf, as Chromium's too) is pointed
at it in a mount namespace of their own (`unshare --mount`, root as the suite runs), a site on
127.0.0.1 and a "victim" service on 127.0.0.2 at the same port.
"""

from __future__ import annotations

import json
import os
import socketserver
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.forum import REPO, test_keys_env

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a mount namespace for /etc/resolv.conf needs root")

SITE = "paste.rebind.test"


@dataclass
class Dns:
    """A DNS server on 127.53.0.x:53 answering A queries for SITE with `answer(n)` (the n-th A
    query, from 1), no AAAA; every query is recorded."""

    answer: Callable[[int], list[str]]
    queries: list[tuple[str, str]] = field(default_factory=list)
    address: str = ""

    def resolve(self, request: Any, handler: Any) -> Any:
        from dnslib import QTYPE, RR, A

        reply = request.reply()
        name, qtype = str(request.q.qname).rstrip(".").lower(), QTYPE[request.q.qtype]
        self.queries.append((name, qtype))
        if name == SITE and qtype == "A":
            n = sum(1 for q in self.queries if q == (SITE, "A"))
            for ip in self.answer(n):
                reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(ip), ttl=0))
        return reply

    def a_queries(self) -> int:
        return sum(1 for q in self.queries if q == (SITE, "A"))


class _OwnUdpServer(socketserver.ThreadingMixIn, socketserver.UDPServer):
    """dnslib's UDP server without SO_REUSEADDR: with it two workers' servers both bound one
    address and port and shared its queries."""

    allow_reuse_address = False
    daemon_threads = True


@pytest.fixture()
def dns(tmp_path: Path) -> Iterator[Callable[[Callable[[int], list[str]]], Dns]]:
    from dnslib.server import DNSLogger, DNSServer

    servers: list[Any] = []

    def start(answer: Callable[[int], list[str]]) -> Dns:
        zone = Dns(answer)
        for n in range(1, 255):  # the first free address: xdist workers share the namespace's loopback
            try:
                server = DNSServer(zone, port=53, address=f"127.53.0.{n}", server=_OwnUdpServer,
                                   logger=DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data"))
            except OSError:
                continue
            zone.address = f"127.53.0.{n}"
            break
        else:
            pytest.fail("no free 127.53.0.x:53 for the test's DNS server")
        server.start_thread()
        servers.append(server)
        (tmp_path / "resolv.conf").write_text(f"nameserver {zone.address}\noptions attempts:1 timeout:2\n")
        return zone

    yield start
    for server in servers:
        server.stop()


class _Site:
    """An HTTP server on `host`:`port` (0: any) recording the paths asked of it."""

    def __init__(self, host: str, port: int, text: str) -> None:
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                body = (f"<html><body><h1>paste</h1><pre>{text}</pre>"
                        f"<script>fetch('/api/after-load').catch(() => 0)</script></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def site_and_victim() -> Iterator[tuple[_Site, _Site]]:
    site = _Site("127.0.0.1", 0, "une paste: paul.simon@exemple.fr")
    victim = _Site("127.0.0.2", site.port, "interne: admin.interne@exemple.fr")
    yield site, victim
    site.close()
    victim.close()


def _config(root: Path, port: int, *, pages: int, render: str = "http", allowed: list[str] | None = None) -> Path:
    source: dict[str, Any] = {
        "name": "pastes", "kind": "paste", "network": "direct", "schedule": {"interval": "1h"},
        "start_urls": [f"http://{SITE}:{port}/p/{n}" for n in range(1, pages + 1)],
        "paste": {"start_role": "pastes", "paste_id_pattern": r"/p/(\d+)"},
        "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 1, "timeout_seconds": 20,
                   "retries": 0},
        "render": render}
    if render == "browser":  # a fresh Chromium (and its own DNS cache) for every page
        source["browser"] = {"restart_after_pages": 1, "max_pages_at_once": 1, "page_timeout_seconds": 20}
    if allowed is not None:
        source["allowed_addresses"] = allowed
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "pastes.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    (root / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return root


@dataclass
class _Run:
    returncode: int
    summary: dict[str, Any]
    items: list[dict[str, Any]]
    stderr: str


def _crawl(tmp: Path, config: Path, timeout: float = 180) -> _Run:
    """`vigie crawl pastes` with /etc/resolv.conf bound to the test's (its own mount namespace)."""
    data, out = tmp / "data", tmp / "items.jsonl"
    data.mkdir(exist_ok=True)
    summary = out.with_suffix(".summary.json")
    cmd = ["unshare", "--mount", "--", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"',
           str(tmp / "resolv.conf"), sys.executable, "-m", "vigie", "--log-level", "INFO", "crawl", "pastes",
           "--config", str(config), "--data-dir", str(data), "-o", str(out), "--summary-json", str(summary),
           "--quiet", "--no-index"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env={**os.environ, **test_keys_env})
    items = [json.loads(line) for line in out.read_text().split("\n") if line] if out.exists() else []
    return _Run(proc.returncode, json.loads(summary.read_text()) if summary.exists() else {}, items, proc.stderr)


def _texts(run: _Run) -> str:
    return json.dumps(run.items)


@pytest.mark.slow
@pytest.mark.parametrize("render", ["http", "browser"])
def test_a_name_answered_with_a_local_address_is_refused(render: str, tmp_path: Path, dns: Any,
                                                           site_and_victim: tuple[_Site, _Site]) -> None:
    """The site's DNS answers 127.0.0.2 (a service on this machine, or a LAN address) from the
    first query on. Before the fix the crawl (Scrapy's resolver, or Chromium's) took it and read
    the service's pages under the site's name; now the answer is refused (neither public nor in
    `allowed_addresses`), said in the log, and nothing reaches the service."""
    site, victim = site_and_victim
    zone = dns(lambda n: ["127.0.0.2"])
    run = _crawl(tmp_path, _config(tmp_path / "config", site.port, pages=2, render=render))
    assert victim.seen == [], (victim.seen, run.stderr[-3000:])
    assert "admin.interne" not in _texts(run)
    assert run.items == [] and run.summary["errors"] >= 1, (run.summary, run.stderr[-3000:])
    assert f"{SITE} resolved to 127.0.0.2" in run.stderr and "allowed_addresses" in run.stderr, run.stderr[-3000:]
    assert zone.a_queries() >= 1


@pytest.mark.slow
@pytest.mark.parametrize("render", ["http", "browser"])
def test_a_name_keeps_its_first_answer_for_the_whole_crawl(render: str, tmp_path: Path, dns: Any,
                                                            site_and_victim: tuple[_Site, _Site]) -> None:
    """The site's DNS answers 127.0.0.1 (the site; allowed by the source) to the first query and
    127.0.0.2 (the service) to every later one. Every page, and whatever each page's script
    fetches from its own origin, reaches the site only, and the name is asked once. Before the fix
    each fresh Chromium (restarted after every page here, as after `restart_after_pages`) asked
    again and rendered the service's page under the site's name. (Scrapy's own resolver cached
    its first IPv4 answer for the run already; the http case checks that it still holds.)"""
    site, victim = site_and_victim
    zone = dns(lambda n: ["127.0.0.1"] if n == 1 else ["127.0.0.2"])
    run = _crawl(tmp_path, _config(tmp_path / "config", site.port, pages=3, render=render,
                                   allowed=["127.0.0.1/32"]))
    assert victim.seen == [], (victim.seen, run.stderr[-3000:])
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(i["post_id"] for i in run.items) == ["1", "2", "3"], (run.summary, run.stderr[-3000:])
    assert "paul.simon" in _texts(run) and "admin.interne" not in _texts(run)
    assert {"/p/1", "/p/2", "/p/3"} <= set(site.seen)
    assert zone.a_queries() == 1, zone.queries


def test_which_answers_a_direct_source_accepts() -> None:
    """The check itself: public addresses pass; loopback, private, link-local, shared, the
    unspecified address (0.0.0.0 connects to this machine), multicast and an IPv4-mapped IPv6
    form of any of them need the source's `allowed_addresses`; one bad address refuses the whole
    answer (a site mixing its own address with 127.0.0.1 is hostile); `localhost` names may be
    loopback."""
    from crawler.resolver import parse_networks, refusal

    none = parse_networks([])
    assert refusal("site.example", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], none) is None
    for bad in ["127.0.0.1", "10.1.2.3", "192.168.1.10", "172.16.0.5", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::"]:
        assert refusal("site.example", [bad], none) is not None, bad
    assert refusal("site.example", ["93.184.215.14", "127.0.0.1"], none) is not None
    lan = parse_networks(["192.168.1.0/24", "::1"])
    assert refusal("nas.lan", ["192.168.1.10"], lan) is None and refusal("nas.lan", ["::1"], lan) is None
    assert refusal("nas.lan", ["192.168.2.10"], lan) is not None
    assert refusal("localhost", ["127.0.0.1", "::1"], none) is None
    assert refusal("forum.localhost", ["127.0.0.1"], none) is None
    assert refusal("localhost", ["10.0.0.1"], none) is not None
    assert refusal("notlocalhost", ["127.0.0.1"], none) is not None
