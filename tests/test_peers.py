"""vigie.core.peers against real sockets: who owns the other end of a loopback connection.

The squatters are real processes running as `nobody` (tests/squatter.py); the trusted servers
are sockets of this process (root). Nothing here is faked: the uids come from the kernel's
/proc/net/tcp and tcp6 and from netlink sock_diag, each way tested."""

from __future__ import annotations

import os
import pwd
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from tests.squatter import NOBODY, Squatter
from vigie.core.peers import (
    DEFAULT_TRUSTED_LOCAL_USERS,
    PeerCheckUnavailable,
    TrustedPeers,
    UntrustedPeerError,
    _decode,
    is_loopback_host,
)
from vigie_kit.ports import free_port

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a squatter of another uid needs root to start")


def test_proc_net_addresses_decode_as_the_kernel_prints_them() -> None:
    assert _decode("0100007F:1F90") == (_decode("0100007F:1F90")[0], 8080)
    assert str(_decode("0100007F:1F90")[0]) == "127.0.0.1"
    assert str(_decode("00000000000000000000000001000000:0050")[0]) == "::1"
    # an IPv4-mapped address in tcp6 (a dual-stack listener's connection) reads as IPv4
    assert str(_decode("0000000000000000FFFF00000100007F:0050")[0]) == "127.0.0.1"


# both ways of reading a connection's owner: netlink sock_diag (fast) and /proc/net alone
WAYS = [pytest.param(TrustedPeers.default(), id="sock_diag"),
        pytest.param(replace(TrustedPeers.default(), sock_diag=False), id="proc_net")]


@pytest.mark.parametrize("peers", WAYS)
def test_a_connection_to_another_users_listener_is_refused_with_its_owner_and_the_setting(peers: TrustedPeers) -> None:
    with Squatter("redis") as sq:
        sock = socket.create_connection(("127.0.0.1", sq.port))
        try:
            with pytest.raises(UntrustedPeerError) as got:
                peers.check_socket(sock, "Redis")
        finally:
            sock.close()
    err = got.value
    assert (err.uid, err.user, err.address) == (NOBODY, pwd.getpwuid(NOBODY).pw_name, f"127.0.0.1:{sq.port}")
    assert f"uid {NOBODY} ({err.user})" in str(err) and "security.trusted_local_users" in str(err)
    assert f"Redis at 127.0.0.1:{sq.port}" in str(err)


@pytest.mark.parametrize("peers", WAYS)
def test_an_accepted_connection_carries_its_listeners_owner(peers: TrustedPeers) -> None:
    """The kernel gives a socket accepted from a listener the listener's owner: the squatter's
    own process accepts (and reads) before we look, and the row still says nobody. A trusted
    listener's accepted socket says root."""
    with Squatter("redis") as sq:
        sock = socket.create_connection(("127.0.0.1", sq.port))
        try:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            assert sock.recv(16) == b"+OK\r\n"  # accepted and served by the squatter's thread
            with pytest.raises(UntrustedPeerError) as got:
                peers.check_socket(sock, "Redis")
            assert got.value.uid == NOBODY
        finally:
            sock.close()
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    try:
        peers.check_socket(client, "ours")  # root: passes
        assert TrustedPeers.from_names([]).uids >= {0, os.geteuid()}
    finally:
        for s in (client, server, listener):
            s.close()


@pytest.mark.parametrize("peers", WAYS)
def test_a_dual_stack_listener_on_any_address_is_seen_from_127_0_0_1(peers: TrustedPeers) -> None:
    """A squatter listening on [::] (not v6-only) serves 127.0.0.1: its connection is in tcp6
    as ::ffff:127.0.0.1, and its listener counts for 127.0.0.1 and ::1."""
    with Squatter("redis", dual_stack=True) as sq:
        for host in ("127.0.0.1", "::1"):
            sock = socket.create_connection((host, sq.port))
            try:
                with pytest.raises(UntrustedPeerError):
                    peers.check_socket(sock, "Redis")
            finally:
                sock.close()
        for host in ("127.0.0.1", "::1", "localhost"):
            with pytest.raises(UntrustedPeerError):
                TrustedPeers.default().check_listener(host, sq.port, "Redis")


def test_the_listener_check_names_the_squatter_and_passes_nothing_listening_or_a_trusted_one() -> None:
    with Squatter("http") as sq:
        assert TrustedPeers.default().listener_uids("127.0.0.1", sq.port) == [NOBODY]
        with pytest.raises(UntrustedPeerError) as got:
            TrustedPeers.default().check_listener("127.0.0.1", sq.port, "Elasticsearch")
        assert got.value.uid == NOBODY
        TrustedPeers.from_names(["nobody"]).check_listener("127.0.0.1", sq.port, "Elasticsearch")
        TrustedPeers.from_names([str(NOBODY)]).check_listener("127.0.0.1", sq.port, "Elasticsearch")
        TrustedPeers.from_names([], enabled=False).check_listener("127.0.0.1", sq.port, "Elasticsearch")
    TrustedPeers.default().check_listener("127.0.0.1", free_port(), "nothing there")
    ours = socket.create_server(("127.0.0.1", 0))
    try:
        TrustedPeers.default().check_listener("127.0.0.1", ours.getsockname()[1], "ours")
    finally:
        ours.close()


def test_an_unreadable_proc_net_is_an_error_not_a_pass(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    try:
        blind = TrustedPeers(proc_net=tmp_path / "no-proc-net", sock_diag=False)
        with pytest.raises(PeerCheckUnavailable) as got:
            blind.check_socket(client, "Redis")
        assert "no-proc-net/tcp" in str(got.value) and "security.check_local_peers" in str(got.value)
        with pytest.raises(PeerCheckUnavailable):
            blind.check_listener("127.0.0.1", listener.getsockname()[1], "Redis")
    finally:
        client.close()
        listener.close()


def test_only_loopback_hosts_are_checked() -> None:
    assert all(is_loopback_host(h) for h in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost",
                                             "::ffff:127.0.0.1", "es.localhost"))
    assert not any(is_loopback_host(h) for h in ("10.0.0.5", "es.example.org", "::", "0.0.0.0", "8.8.8.8"))
    TrustedPeers.default().check_listener("es.example.org", 9200, "Elasticsearch")  # remote: TLS's job


def test_the_trusted_list_resolves_names_skips_unknown_ones_and_always_has_root_and_us() -> None:
    peers = TrustedPeers.from_names(["nobody", "no-such-account-here", "4242"])
    assert peers.uids == frozenset({0, os.geteuid(), NOBODY, 4242})
    default = TrustedPeers.default()
    known = {pwd.getpwnam(n).pw_uid for n in DEFAULT_TRUSTED_LOCAL_USERS if _exists(n)}
    assert default.uids == frozenset({0, os.geteuid(), *known})
    assert NOBODY not in default.uids


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def test_the_setting_reaches_the_check_and_bad_names_are_config_errors(tmp_path: Path) -> None:
    from vigie.config.loader import ConfigError, load_config
    from vigie.wiring import trusted_peers

    (tmp_path / "sources").mkdir()
    (tmp_path / "vigie.yaml").write_text("security:\n  trusted_local_users: [nobody]\n")
    config = load_config(tmp_path)
    assert trusted_peers(config).uids == frozenset({0, os.geteuid(), NOBODY})
    assert trusted_peers(config).enabled
    (tmp_path / "vigie.yaml").write_text("storage:\n  backend: embedded\nsecurity:\n"
                                         "  trusted_local_users: [redis, 'evil user; rm']\n")
    with pytest.raises(ConfigError) as got:
        load_config(tmp_path)
    [problem] = got.value.problems
    assert (Path(problem.file).name, problem.line) == ("vigie.yaml", 4)
    assert problem.field.startswith("security.trusted_local_users"), problem.field
    (tmp_path / "vigie.yaml").write_text("security:\n  check_local_peers: false\n")
    assert not trusted_peers(load_config(tmp_path)).enabled
    (tmp_path / "vigie.yaml").write_text("storage:\n  backend: embedded\n")
    assert trusted_peers(load_config(tmp_path)) == TrustedPeers.default()
