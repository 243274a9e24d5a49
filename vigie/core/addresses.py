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

__all__ = ["Network", "address_refusal", "is_ip", "is_public", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 addresses that stand for the IPv4 address in their last 32 bits, which a translator on the
# path (NAT64, SIIT) turns into that IPv4 destination: NAT64's well-known prefix (RFC 6052), the
# IPv4-translated form (RFC 2765) and the deprecated IPv4-compatible one; 6to4 (2002::/16) carries
# it in bits 16-48 (`sixtofour`). Python calls all of them global whatever they carry.
_CARRIERS = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96", "::/96"))
# never public whatever follows: NAT64's local-use prefix (RFC 8215), deprecated site-local addresses
_NOT_PUBLIC = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b:1::/48", "fec0::/10"))


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


def _carried(ip: _Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (see `_CARRIERS`), or None."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _CARRIERS) and not (ip.is_loopback or ip.is_unspecified):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public(ip: _Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in _NOT_PUBLIC):
        return False
    inner = _carried(ip)
    target = inner if inner is not None else ip
    return target.is_global and not target.is_multicast


def is_public(address: str) -> bool:
    """Whether `address` is a public one, judged by the IPv4 address it stands for when it is an
    IPv6 address carrying one (a NAT64 or 6to4 form of 127.0.0.1 is not public)."""
    return _public(ipaddress.ip_address(address.strip("[]").split("%", 1)[0]))


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
        inner = _carried(ip)
        if inner is not None and any(inner in net for net in allowed):
            continue
        if _public(ip):
            continue
        shown = f"{ip} (standing for {inner})" if inner is not None and inner != ip else f"{ip}"
        return (f"{host} resolved to {shown}, which is neither a public address nor in {setting}: "
                f"refused ({what}); if it really is there, add that network to {setting}")
    return None
