"""TorDownloadHandler over the real private Tor network: onion fetch, isolation, no leak."""

from __future__ import annotations

import re
import socket
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.handlers import TOR_HANDLER_PATH, tor_download_handler_settings
from crawler.handlers.tor import TorHandlerConfig
from crawler.settings import build_settings
from tests.fixtures.tor import OnionSite, _SiteHandler, read_audit, serve_local, tor_fetch
from vigie.config.schema import GlobalConfig, SourceConfig
from vigie_kit.ports import free_port
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor]


# ---- configuration (no network) ---------------------------------------------------------------

def test_settings_helper_routes_http_and_https_through_the_handler() -> None:
    s = tor_download_handler_settings("127.0.0.1", 9150, isolation="vigie:paste")
    assert s["DOWNLOAD_HANDLERS"] == {"http": TOR_HANDLER_PATH, "https": TOR_HANDLER_PATH,
                                      "ftp": None, "s3": None, "file": None, "gs": None}
    assert (s["VIGIE_TOR_SOCKS_HOST"], s["VIGIE_TOR_SOCKS_PORT"]) == ("127.0.0.1", 9150)
    assert s["VIGIE_TOR_ISOLATION"] == "vigie:paste"
    cfg = TorHandlerConfig.from_settings(Settings(s))
    assert (cfg.socks_port, cfg.isolation, cfg.socks_password) == (9150, "vigie:paste", "vigie")


def test_socks_host_must_be_an_ip_literal() -> None:
    with pytest.raises(NotConfigured) as err:
        TorHandlerConfig.from_settings(Settings({"VIGIE_TOR_SOCKS_HOST": "localhost"}))
    assert str(err.value) == ("VIGIE_TOR_SOCKS_HOST='localhost' must be an IP address (e.g. "
                              "127.0.0.1): the Tor SOCKS address is never resolved by DNS")


# ---- over the private network -----------------------------------------------------------------

@pytest.mark.slow
def test_fetch_onion_pages_through_a_real_scrapy_crawl(
        tor_network: PrivateTorNetwork, onion_site: OnionSite, tmp_path: Path) -> None:
    paths = [f"/page/{i}" for i in range(6)]
    spec = {"settings": tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
            "requests": [{"url": onion_site.url(p)} for p in paths] + [{"url": onion_site.url("/missing")}]}
    results = {r["url"]: r for r in tor_fetch(spec, tmp_path)}
    for p in paths:
        r = results[onion_site.url(p)]
        assert r["status"] == 200 and f"vigie test page {p}" in r["body"], r
        assert r["isolation"] == "vigie:vigie-fetch"
    assert results[onion_site.url("/missing")]["status"] == 404
    assert all(onion_site.hits[p] >= 1 for p in paths)


@pytest.mark.slow
def test_download_maxsize_meta_is_enforced_over_tor(
        tor_network: PrivateTorNetwork, onion_site: OnionSite, tmp_path: Path) -> None:
    spec = {"settings": tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
            "requests": [{"url": onion_site.url("/big"), "meta": {"download_maxsize": 100_000}},
                         {"url": onion_site.url("/page/big-ok")}]}
    results = {r["url"]: r for r in tor_fetch(spec, tmp_path)}
    big = results[onion_site.url("/big")]
    assert big["status"] is None, big
    assert big["error"].startswith("scrapy.exceptions.DownloadCancelledError"), big
    assert "2097152 bytes which is larger than download max size (100000)" in big["error"], big
    assert results[onion_site.url("/page/big-ok")]["status"] == 200


def _crawler_retry(tmp_path: Path) -> dict[str, Any]:
    """The crawler's retry settings, as `build_settings` makes them for a source with the default
    limits: `BackoffRetryMiddleware` instead of Scrapy's RetryMiddleware, the retry count and the
    backoff. Only those: follow rules, pipeline and state are not what these tests are about."""
    source = SourceConfig.model_validate({
        "name": "s", "start_urls": ["http://s.onion/"], "schedule": {"interval": "1h"},
        "forum": {"thread_link": "a::attr(href)", "post": {"container": "div", "body": "p"}}})
    built = build_settings(source, GlobalConfig(), state_path=tmp_path / "state")
    retry = {k: v for k, v in built.items() if k.startswith(("RETRY_", "VIGIE_RETRY_"))}
    retry["DOWNLOADER_MIDDLEWARES"] = {k: v for k, v in built["DOWNLOADER_MIDDLEWARES"].items() if "Retry" in k}
    assert retry["RETRY_ENABLED"] and retry["DOWNLOADER_MIDDLEWARES"]["crawler.middlewares.BackoffRetryMiddleware"]
    return retry


def _crawl_watching_streams(net: PrivateTorNetwork, spec: dict, tmp_path: Path
                            ) -> tuple[list[dict], dict[str, set[str]]]:
    """Run the crawl while stem records STREAM events: SOCKS username -> circuit ids used."""
    from stem.control import Controller, EventType

    streams: list[tuple[str, str, str]] = []  # (status, circuit id, socks username)
    lock = threading.Lock()

    def on_stream(event) -> None:  # stem StreamEvent
        user = re.search(r'SOCKS_USERNAME="([^"]*)"', str(event))
        with lock:
            streams.append((event.status, str(event.circ_id), user.group(1) if user else ""))

    with Controller.from_port("127.0.0.1", net.control_port) as ctl:
        ctl.authenticate()
        ctl.add_event_listener(on_stream, EventType.STREAM)
        results = tor_fetch(spec, tmp_path)
        ctl.remove_event_listener(on_stream)
    circuits: dict[str, set[str]] = {}
    for status, circ, user in streams:
        if status == "SUCCEEDED":
            circuits.setdefault(user, set()).add(circ)
    return results, circuits


@pytest.mark.slow
def test_sources_get_distinct_circuits(tor_network: PrivateTorNetwork, onion_site: OnionSite,
                                       tmp_path: Path) -> None:
    """Two isolation keys -> two SOCKS usernames -> streams on disjoint circuits (stem events)."""
    reqs = []
    for source in ("src-a", "src-b"):
        for i in range(4):
            meta = {"vigie_tor_isolation": f"vigie:{source}"}
            reqs.append({"url": onion_site.url(f"/page/{source}-{i}"), "meta": meta})
            reqs.append({"url": onion_site.local_url(f"/page/{source}-exit-{i}"), "meta": meta})
    # a fresh circuit on the private network now and then fails to build in time: the crawler's
    # own retry (BackoffRetryMiddleware) must cover that, the fetch helper does not retry
    spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                         **_crawler_retry(tmp_path)},
            "requests": reqs}
    results, circuits = _crawl_watching_streams(tor_network, spec, tmp_path)
    assert [r["status"] for r in results] == [200] * len(reqs), results
    assert {r["isolation"] for r in results} == {"vigie:src-a", "vigie:src-b"}
    a, b = circuits.get("vigie:src-a", set()), circuits.get("vigie:src-b", set())
    assert a and b, circuits
    assert a.isdisjoint(b), circuits


@pytest.mark.slow
def test_one_source_spread_over_several_isolated_circuits(
        tor_network: PrivateTorNetwork, onion_site: OnionSite, tmp_path: Path) -> None:
    spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port,
                                                         isolation="vigie:spread", circuits=3),
                         "CONCURRENT_REQUESTS": 3, **_crawler_retry(tmp_path)},  # as above
            "requests": [{"url": onion_site.url(f"/page/spread-{i}")} for i in range(9)]}
    results, circuits = _crawl_watching_streams(tor_network, spec, tmp_path)
    assert all(r["status"] == 200 for r in results) and len(results) == 9, results
    keys = {f"vigie:spread#{i}" for i in range(3)}
    assert {r["isolation"] for r in results} == keys
    used = [circuits.get(k, set()) for k in sorted(keys)]
    assert all(used), circuits
    assert not (used[0] & used[1] or used[0] & used[2] or used[1] & used[2]), circuits


@pytest.mark.slow
@pytest.mark.parametrize("prewarm", [True, False])
def test_first_request_opens_the_sources_other_circuits_at_once(
        tor_network: PrivateTorNetwork, onion_site: OnionSite, tmp_path: Path, prewarm: bool) -> None:
    """One slow request on a source with 3 circuits: with pre-warming, Tor opens streams on the
    other two circuits while it loads (their rendezvous is built then), and the site still
    receives that one request only; without it, only the first circuit is ever used."""
    path = f"/slow/warm-{prewarm}"
    spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port,
                                                         isolation=f"vigie:warm-{prewarm}", circuits=3),
                         "VIGIE_TOR_PREWARM_CIRCUITS": prewarm},
            "requests": [{"url": onion_site.url(path) + "?ms=4000"}]}
    before = sum(onion_site.hits.values())
    results, circuits = _crawl_watching_streams(tor_network, spec, tmp_path)
    assert [r["status"] for r in results] == [200], results
    assert sum(onion_site.hits.values()) - before == 1 and onion_site.hits[path] == 1
    opened = {user for user in circuits if user.startswith(f"vigie:warm-{prewarm}#")}
    if prewarm:
        assert opened == {f"vigie:warm-{prewarm}#{i}" for i in range(3)}, circuits
    else:
        assert opened == {f"vigie:warm-{prewarm}#0"}, circuits


def _drops_first_attempt() -> tuple[type[_SiteHandler], Counter[str]]:
    """A site that closes the connection without an answer on the first request of each path
    (what a circuit or stream torn down mid-request looks like to the crawler) and answers the
    next; with the count of requests per path it received."""
    received: Counter[str] = Counter()

    class DropsFirstAttempt(_SiteHandler):
        def do_GET(self) -> None:
            path = self.path.partition("?")[0]
            received[path] += 1
            if received[path] == 1:
                self.close_connection = True
                return
            super().do_GET()

    return DropsFirstAttempt, received


@pytest.mark.slow
def test_the_crawlers_retry_recovers_a_failed_first_attempt_over_tor(
        tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    """The isolation tests above rely on the crawler's retry for the odd circuit that fails;
    here every first attempt fails, and each request must still come back from its second."""
    handler, received = _drops_first_attempt()
    site = serve_local(handler)
    port = site.server_address[1]
    paths = [f"/page/retry-{i}" for i in range(3)]
    try:
        spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                             **_crawler_retry(tmp_path), "VIGIE_RETRY_BACKOFF_BASE_SECONDS": 0.2},
                "requests": [{"url": f"http://127.0.0.1:{port}{p}"} for p in paths]}
        results = {r["url"]: r for r in tor_fetch(spec, tmp_path)}
    finally:
        site.shutdown()
    for p in paths:
        r = results[f"http://127.0.0.1:{port}{p}"]
        assert r["status"] == 200 and f"vigie test page {p}" in r["body"], r
    assert received == {p: 2 for p in paths}, received  # through the exit twice: dropped, then answered


def test_circuits_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_TOR_CIRCUITS_PER_SOURCE", "8")
    assert tor_download_handler_settings("127.0.0.1", 9050)["VIGIE_TOR_CIRCUITS_PER_SOURCE"] == 8
    monkeypatch.setenv("VIGIE_TOR_CIRCUITS_PER_SOURCE", "eight")
    with pytest.raises(ValueError, match="VIGIE_TOR_CIRCUITS_PER_SOURCE='eight' must be a positive integer"):
        tor_download_handler_settings("127.0.0.1", 9050)
    monkeypatch.delenv("VIGIE_TOR_CIRCUITS_PER_SOURCE")
    assert tor_download_handler_settings("127.0.0.1", 9050)["VIGIE_TOR_CIRCUITS_PER_SOURCE"] == 1


def test_circuits_per_source_come_from_the_source_yaml_before_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIE_TOR_CIRCUITS_PER_SOURCE", "8")

    def built(limits: dict[str, Any]) -> object:
        source = SourceConfig.model_validate({
            "name": "s", "start_urls": ["http://s.onion/"], "schedule": {"interval": "1h"}, "network": "tor",
            "limits": limits, "forum": {"thread_link": "a::attr(href)", "post": {"container": "div", "body": "p"}}})
        return build_settings(source, GlobalConfig(), state_path=tmp_path / "state")["VIGIE_TOR_CIRCUITS_PER_SOURCE"]

    assert built({"circuits": 3}) == 3
    assert built({}) == 8


def test_disabled_handler_fails_closed(tmp_path: Path) -> None:
    """VIGIE_TOR_ENABLED=False: no http handler at all, so requests fail; nothing goes direct."""
    site = serve_local(_SiteHandler)
    try:
        spec = {"settings": {**tor_download_handler_settings("127.0.0.1", 9), "VIGIE_TOR_ENABLED": False},
                "requests": [{"url": f"http://127.0.0.1:{site.server_address[1]}/page/x"}]}
        results = tor_fetch(spec, tmp_path)
    finally:
        site.shutdown()
    assert results[0]["status"] is None and "NotSupported" in results[0]["error"], results
    assert sum(site.hits.values()) == 0


@pytest.mark.slow
def test_no_local_dns_and_no_direct_connection(tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    """A clearnet-style hostname is resolved inside Tor, never by the crawler process.

    `leak-check.vigie.test` exists nowhere but in the Tor client's address map (MAPADDRESS to
    127.0.0.1, set through the control port), so the fetch can only succeed if the name was
    handed to Tor. (Our exits only accept 127.0.0.0/8, so Tor cannot pick an exit for a name it
    must resolve at the exit; the map makes Tor itself resolve it.) The crawler process runs
    under an audit hook that records every getaddrinfo/gethostbyname/connect/sendto: nothing
    may happen except connects to the SOCKS port; the target server only sees the exit.
    """
    from stem.control import Controller, EventType

    name = "leak-check.vigie.test"
    site = serve_local(_SiteHandler)
    port = site.server_address[1]
    audit = tmp_path / "audit.jsonl"
    targets: list[str] = []
    try:
        with Controller.from_port("127.0.0.1", tor_network.control_port) as ctl:
            ctl.authenticate()
            ctl.map_address({name: "127.0.0.1"})
            ctl.add_event_listener(lambda e: targets.append(f"{e.status} {e.target}"), EventType.STREAM)
            spec = {"settings": {**tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                                 **_crawler_retry(tmp_path)},
                    "requests": [{"url": f"http://{name}:{port}/page/leak"}], "audit": str(audit)}
            results = tor_fetch(spec, tmp_path)
            ctl.map_address({name: name})  # drop the mapping
    finally:
        site.shutdown()
    assert results[0]["status"] == 200, results
    assert "vigie test page /page/leak" in results[0]["body"]
    assert f"NEW {name}:{port}" in targets, targets  # Tor received the name, not an address
    events = read_audit(audit)
    lookups = [e for e in events if e["event"] != "socket.connect"]
    assert lookups == [], lookups
    connects = {e["args"] for e in events if e["event"] == "socket.connect"}
    assert connects == {repr(("127.0.0.1", tor_network.socks_port))}, connects


def test_fails_closed_when_socks_is_down(tmp_path: Path) -> None:
    """SOCKS port dead: every request errors; the target server sees zero connections, even
    with a `proxy` meta pointing straight at it."""
    site = serve_local(_SiteHandler)
    port = site.server_address[1]
    dead = free_port()
    audit = tmp_path / "audit.jsonl"
    try:
        spec = {"settings": tor_download_handler_settings("127.0.0.1", dead),
                "requests": [{"url": f"http://127.0.0.1:{port}/page/a"},
                             {"url": f"http://localhost:{port}/page/b"},
                             {"url": f"https://127.0.0.1:{port}/page/c"},
                             {"url": f"http://127.0.0.1:{port}/page/d",
                              "meta": {"proxy": f"http://127.0.0.1:{port}"}}],
                "audit": str(audit)}
        results = tor_fetch(spec, tmp_path)
    finally:
        site.shutdown()
    assert len(results) == 4
    for r in results:
        assert r["status"] is None
        assert r["error"].startswith("scrapy.exceptions.DownloadConnectionRefusedError"), r
        assert f"Tor SOCKS port 127.0.0.1:{dead} refused the connection" in r["error"]
    assert sum(site.hits.values()) == 0
    events = read_audit(audit)
    assert {e["args"] for e in events if e["event"] == "socket.connect"} == {repr(("127.0.0.1", dead))}
    assert [e for e in events if e["event"] != "socket.connect"] == []


def test_other_url_schemes_are_refused_not_fetched_directly(tmp_path: Path) -> None:
    """ftp:// (or file://, s3://) must never reach Scrapy's own handlers, which would connect
    and resolve names directly, outside Tor: with the Tor settings those schemes are switched
    off. A real FTP-ish listener on 127.0.0.1 must see no connection and no name is resolved."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    ftp_port = listener.getsockname()[1]
    audit = tmp_path / "audit.jsonl"
    try:
        spec = {"settings": tor_download_handler_settings("127.0.0.1", free_port()),
                "requests": [{"url": f"ftp://127.0.0.1:{ftp_port}/dump.zip"},
                             {"url": f"ftp://leak-check.example.net:{ftp_port}/dump.zip"},
                             {"url": "file:///etc/hostname"}],
                "audit": str(audit), "attempts": 1}
        results = tor_fetch(spec, tmp_path, timeout=60)
        listener.settimeout(0.5)
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
    assert len(results) == 3
    for r in results:
        assert r["status"] is None and "NotSupported" in r["error"], r
    assert read_audit(audit) == []  # no connect, no DNS lookup at all
