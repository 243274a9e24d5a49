"""Attacker's review, round 11: IPv6 answers that stand for a local IPv4 address.

A crawled site's owner runs its name's DNS, and so does an organisation for its webhook receiver
(rounds 9 and 10 pin and check the answer: `vigie.core.addresses`). The check took Python's
`is_global`, which calls every IPv6 form that carries an IPv4 address global whatever it
carries: NAT64's `64:ff9b::7f00:1` and `64:ff9b::a00:5` (127.0.0.1, 10.0.0.5: on an IPv6-only
host behind a NAT64 gateway, as clouds offer, the gateway connects there), 6to4's `2002:7f00:1::`,
the IPv4-translated `::ffff:0:7f00:1` and IPv4-compatible `::7f00:1`, NAT64's local-use prefix
`64:ff9b:1::/48` and the deprecated site-local `fec0::/10`. An AAAA record was enough to pass them.
Each is now judged by the IPv4 address it stands for (or refused outright, for the last two).

Real parts: the function itself for every form; then the real WebhookSender resolving a name
through /etc/hosts bound in a mount namespace (`unshare --mount`, root as the suite runs): before,
it connected to the NAT64 form (no such route here: a network error; behind a NAT64 gateway,
127.0.0.1), now it refuses the answer without connecting.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest

from crawler.resolver import refusal
from vigie.core.addresses import address_refusal, is_public

LOCAL = [
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (a cloud's metadata service)
    "64:ff9b:1::a00:5",  # NAT64's local-use prefix (RFC 8215)
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "::ffff:0:7f00:1",  # IPv4-translated 127.0.0.1
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::a00:5",  # IPv4-compatible 10.0.0.5
    "fec0::1",  # site-local
]
PUBLIC = ["64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111", "1.1.1.1", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", LOCAL)
def test_an_ipv6_form_of_a_local_address_is_refused(address: str) -> None:
    """Each passed as public before (crawl and webhook alike); now refused, naming what it stands for."""
    why = refusal("leak.example", [address], ())
    assert why is not None and "leak.example resolved to" in why
    assert not is_public(address)
    inner = ipaddress.ip_address(address)
    if (
        isinstance(inner, ipaddress.IPv6Address)
        and inner not in ipaddress.ip_network("64:ff9b:1::/48")
        and inner not in ipaddress.ip_network("fec0::/10")
    ):
        assert "standing for" in why, why


def test_public_forms_stay_public_and_the_operators_networks_are_read_through_them() -> None:
    """The same forms carrying a public address pass; a network in allowed_addresses covers the
    IPv4 address a NAT64 form stands for (a receiver on the LAN reached through NAT64); `localhost`
    at ::1 stays allowed, any other name at ::1 or :: is refused as before."""
    for address in PUBLIC:
        assert refusal("leak.example", [address], ()) is None, address
        assert is_public(address)
    lan = (ipaddress.ip_network("10.0.0.0/8"),)
    assert address_refusal("hook.example", ["64:ff9b::a00:5"], lan, setting="x") is None
    assert address_refusal("localhost", ["::1"], (), setting="x") is None
    assert refusal("leak.example", ["::1"], ()) is not None and refusal("leak.example", ["::"], ()) is not None


@pytest.mark.skipif(os.geteuid() != 0, reason="a mount namespace for /etc/hosts needs root")
def test_a_webhook_name_answered_with_a_nat64_form_of_localhost_is_not_connected_to(tmp_path: Path) -> None:
    from tests.test_attack_review_round10_webhook import _send

    out = _send(
        tmp_path,
        "127.0.0.1 localhost\n64:ff9b::7f00:1 hook.nat64.test\n",
        [("https://hook.nat64.test:8443/h", [], None)],
    )
    [(kind, text, _)] = out
    assert kind == "refused", out
    assert "hook.nat64.test resolved to 64:ff9b::7f00:1 (standing for 127.0.0.1)" in str(text), out
