"""Which addresses a name owned by someone else may send Vigie to (DNS rebinding).

A crawled site's owner runs its name's DNS, and so does an organisation for its webhook receiver:
either can answer 127.0.0.1 or a LAN address and make Vigie connect to a service on this machine
or its network under that name (a crawl reading it, a "test webhook" telling an open port from a
closed one). Both callers resolve a name once, check the answer here, and connect to the address
they checked: `crawler.resolver` for `network: direct` crawls, `alerts.channels.webhook` for
webhooks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

__all__ = ["Network", "address_refusal", "is_ip", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(str(v), strict=False) for v in values)


def _is_local_name(host: str) -> bool:
    """`localhost` and its subdomains are loopback by definition (RFC 6761), answered from
    /etc/hosts, not from a site owner's DNS."""
    return host == "localhost" or host.endswith(".localhost")


def address_refusal(host: str, addresses: Iterable[str], allowed: Sequence[Network], *, setting: str,
                    what: str = "a site's DNS pointing the crawl at this machine or its network") -> str | None:
    """Why the answer `addresses` for `host` may not be used, or None. One bad address refuses
    the whole answer: a name listing its own address beside 127.0.0.1 is hostile. `setting`
    names where an operator allows a network (said in the refusal)."""
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in allowed):
            continue
        if ip.is_loopback and _is_local_name(host):
            continue
        if ip.is_global and not ip.is_multicast:
            continue
        return (f"{host} resolved to {ip}, which is neither a public address nor in {setting}: "
                f"refused ({what}); if it really is there, add that network to {setting}")
    return None
