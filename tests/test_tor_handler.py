"""TorDownloadHandler over the real private Tor network: onion fetch, isolation, no leak."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.handlers import TOR_HANDLER_PATH, tor_download_handler_settings
from crawler.handlers.tor import TorHandlerConfig
from crawler.tornet import PrivateTorNetwork
from tests.fixtures.tor import OnionSite, _SiteHandler, read_audit, serve_local, tor_fetch

pytestmark = [pytest.mark.tor]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- configuration (no network) ---------------------------------------------------------------

def test_settings_helper_routes_http_and_https_through_the_handler() -> None:
    s = tor_download_handler_settings("127.0.0.1", 9150, isolation="vigie:paste")
    assert s["DOWNLOAD_HANDLERS"] == {"http": TOR_HANDLER_PATH, "https": TOR_HANDLER_PATH}
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


@pytest.mark.slow
def test_sources_get_distinct_circuits(tor_network: PrivateTorNetwork, onion_site: OnionSite,
                                       tmp_path: Path) -> None:
    """Two isolation keys -> two SOCKS usernames -> streams on disjoint circuits (stem events)."""
    from stem.control import Controller, EventType

    streams: list[tuple[str, str, str]] = []  # (status, circuit id, socks username)
    lock = threading.Lock()

    def on_stream(event) -> None:  # stem StreamEvent
        raw = str(event)
        user = re.search(r'SOCKS_USERNAME="([^"]*)"', raw)
        with lock:
            streams.append((event.status, str(event.circ_id), user.group(1) if user else ""))

    with Controller.from_port("127.0.0.1", tor_network.control_port) as ctl:
        ctl.authenticate()
        ctl.add_event_listener(on_stream, EventType.STREAM)
        reqs = []
        for source in ("src-a", "src-b"):
            for i in range(4):
                meta = {"vigie_tor_isolation": f"vigie:{source}"}
                reqs.append({"url": onion_site.url(f"/page/{source}-{i}"), "meta": meta})
                reqs.append({"url": onion_site.local_url(f"/page/{source}-exit-{i}"), "meta": meta})
        spec = {"settings": tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                "requests": reqs}
        results = tor_fetch(spec, tmp_path)
        ctl.remove_event_listener(on_stream)
    assert [r["status"] for r in results] == [200] * len(reqs), results
    assert {r["isolation"] for r in results} == {"vigie:src-a", "vigie:src-b"}
    circuits: dict[str, set[str]] = {"vigie:src-a": set(), "vigie:src-b": set()}
    for status, circ, user in streams:
        if status == "SUCCEEDED" and user in circuits:
            circuits[user].add(circ)
    assert circuits["vigie:src-a"] and circuits["vigie:src-b"], streams
    assert circuits["vigie:src-a"].isdisjoint(circuits["vigie:src-b"]), circuits


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
            spec = {"settings": tor_download_handler_settings("127.0.0.1", tor_network.socks_port),
                    "requests": [{"url": f"http://{name}:{port}/page/leak"}], "audit": str(audit),
                    "attempts": 3}
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
    dead = _free_port()
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
