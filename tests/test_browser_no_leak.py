"""The browser makes no DNS or direct connection: every connect()/sendto()/sendmsg() of the
browser crawl's whole process tree (strace -f) on the private Tor network is to Tor's SOCKS port,
a local Unix socket, or nothing. A control run of the same browser without our switches is
caught by the same check (it resolves a clearnet name the page refers to), so the check can fail."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.test_browser_render import browser_fetch
from vigie_kit.leaksite import LeakSite
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("strace") is None, reason="strace missing: scripts/setup.sh")]

_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg)\((?P<args>.*)$")
_INET = re.compile(r'sa_family=AF_INET6?, sin6?_port=htons\((?P<port>\d+)\).*?(?:inet_addr\("(?P<v4>[^"]+)"\)|'
                   r'inet_pton\(AF_INET6, "(?P<v6>[^"]+)")')
_UNIX = re.compile(r'sa_family=AF_UNIX, sun_path=(?P<path>"[^"]*"|@"[^"]*")')


# Chromium's IPv6 reachability probe: connect() of a UDP socket, then getsockname(); a UDP
# connect puts nothing on the wire (no datagram is written), so it is not traffic.
_IPV6_PROBE = ("2001:4860:4860::8888", 443)
_SOCKET = re.compile(r"^(?P<pid>\d+)\s+socket\((?P<args>[^)]*)\)\s+=\s+(?P<fd>\d+)")


def leaks(trace: str, socks_port: int) -> list[str]:
    """Every network attempt that is not the SOCKS port: DNS (port 53, nscd, systemd-resolved's
    socket), any other TCP/UDP destination, any addressed datagram."""
    found = []
    udp: set[tuple[str, str]] = set()  # (thread, fd) of datagram sockets
    for line in trace.splitlines():
        sock = _SOCKET.match(line)
        if sock:
            key = (sock["pid"], sock["fd"])
            if "SOCK_DGRAM" in sock["args"]:
                udp.add(key)
            else:
                udp.discard(key)
            continue
        m = _CALL.match(line)
        if not m:
            continue
        args = m["args"]
        inet = _INET.search(args)
        if inet:
            port, addr = int(inet["port"]), inet["v4"] or inet["v6"]
            fd = args.split(",", 1)[0]
            probe = m["call"] == "connect" and (addr, port) == _IPV6_PROBE and (m["pid"], fd) in udp
            if not (addr == "127.0.0.1" and port == socks_port) and not probe:
                found.append(line)
            continue
        unix = _UNIX.search(args)
        if unix and re.search(r"nscd|resolve", unix["path"]):
            found.append(line)
        elif "sa_family=AF_NETLINK" in args or "sa_family=AF_UNSPEC" in args or unix or "sa_family" not in args:
            continue  # local IPC, interface queries, un-addressed sends on connected sockets
        else:
            found.append(line)
    return found


@pytest.fixture(scope="module")
def onion_canary_site(tor_network: PrivateTorNetwork):
    # the page also pulls an image from a clearnet name: a leaky browser resolves it locally
    with LeakSite(extra_head='<link rel="dns-prefetch" href="//leak-canary.example">'
                             '<img src="http://leak-canary.example/pixel.png">') as site:
        yield site, tor_network.add_onion_service(site.address[1])


def _traced(tmp: Path, onion: str, socks_port: int, control: bool) -> tuple[dict, str]:
    trace = tmp / "trace.txt"
    spec = {"url": f"http://{onion}/", "socks": ["127.0.0.1", socks_port], "source": "lockleak",
            "max_pages": 1, "timeout": 60, "no_proxy_flags": control}
    # -ff: one file per thread, so no call is split into "unfinished"/"resumed" halves
    result = browser_fetch(tmp, spec, wrapper=["strace", "-f", "-ff", "-qq",
                                               "-e", "trace=socket,connect,sendto,sendmsg",
                                               "-e", "signal=none", "-s", "128", "-o", str(trace)])
    lines = [f"{f.suffix.lstrip('.')} {line}" for f in sorted(tmp.glob("trace.txt.*"))
             for line in f.read_text().splitlines()]
    return result, "\n".join(lines)


def test_browser_only_talks_to_the_socks_port(onion_canary_site, tor_network: PrivateTorNetwork,
                                              tmp_path: Path) -> None:
    site, onion = onion_canary_site
    result, trace = _traced(tmp_path, onion, tor_network.socks_port, control=False)
    assert result["pages"] and result["pages"][0]["ready"] == "ready"  # the page really rendered
    assert f"htons({tor_network.socks_port})" in trace  # the trace did see the browser's traffic
    assert leaks(trace, tor_network.socks_port) == []


def test_the_check_catches_a_browser_without_the_switches(onion_canary_site, tor_network: PrivateTorNetwork,
                                                          tmp_path: Path) -> None:
    site, onion = onion_canary_site
    _, trace = _traced(tmp_path, onion, tor_network.socks_port, control=True)
    assert leaks(trace, tor_network.socks_port), "a browser without proxy/resolver switches must be caught"
