"""Who is on the other end of a loopback connection: the uid that owns the server's socket.

Why: Vigie sends secrets (Redis AUTH, the PostgreSQL password, Elasticsearch credentials, the
SMTP login and alert contents) and its whole crawl (Tor's SOCKS port) to services on 127.0.0.1.
A loopback port belongs to whoever binds it first: while the real service is down (at boot,
during a restart), any other local user can listen there (a port squatter) and receive all of
it. Linux tells who owns each TCP socket in /proc/net/tcp and /proc/net/tcp6 (the `uid`
column); the kernel gives a socket accepted from a listener the listener's owner, so the server
side of the connection we made names the account that serves it.

The connection's owner is asked of the kernel by its four addresses (netlink sock_diag,
vigie.core.sockdiag: microseconds), and read from /proc/net when that cannot tell (a few
milliseconds: the kernel walks its whole socket table).

Two checks, best first:
- `TrustedPeers.check_socket(sock, service)`: after connect(), before anything is sent, the
  server side of OUR connection (the row whose local address is our peer and whose remote
  address is us). Nothing can swap the server between this check and the first byte.
- `TrustedPeers.check_listener(host, port, service)`: every listener that would take a
  connection to host:port (one on 0.0.0.0 or :: serves 127.0.0.1 too), for clients that never
  show their socket (libpq, Chromium). A squatter that binds between this check and the
  client's connect() is not seen: use it only where the socket cannot be had.

A unix socket's server is asked of the kernel too (SO_PEERCRED: the uid that created the
listening socket). Its directory's permissions guard it only where the operator chose the
directory well: Redis's sample configuration put `/tmp/redis.sock` in a directory every account
writes, where another user creates the socket while Redis is down and gets the AUTH password
(round 11 of the attacker's review).

Not checked: non-loopback addresses (a remote service is authenticated by TLS, not by a uid),
other operating systems (no /proc/net:
the check passes and says so in `PEER_CHECK_SUPPORTED`), and attackers running as root or as
Vigie's own user (they can read Vigie's memory anyway). On Linux, an unreadable /proc/net is an
error, never a silent pass.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import socket
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vigie.core.sockdiag import lookup_owner

__all__ = [
    "DEFAULT_TRUSTED_LOCAL_USERS",
    "PEER_CHECK_SUPPORTED",
    "TRUSTED_USERS_SETTING",
    "PeerCheckError",
    "PeerCheckUnavailable",
    "TrustedPeers",
    "UntrustedPeerError",
    "is_loopback_host",
]

TRUSTED_USERS_SETTING = "security.trusted_local_users"
# The Debian (and Elastic's .deb) service accounts of the daemons Vigie talks to, and the two
# accounts scripts/setup.sh creates to run Vigie's own Elasticsearch and PostgreSQL (demo and
# tests). Root and the user Vigie runs as are always trusted on top of these (they can read
# Vigie's memory anyway). A name with no account on the host is ignored.
DEFAULT_TRUSTED_LOCAL_USERS: tuple[str, ...] = (
    "debian-tor", "redis", "postgres", "elasticsearch", "vigie-es", "vigie-pg")
PEER_CHECK_SUPPORTED = sys.platform.startswith("linux")

_PROC_NET = Path("/proc/net")
_LISTEN = "0A"
# the server side of a connection we just opened: established, or still in the accept queue
# (a request socket, shown as SYN_RECV with the listener's uid). Other states are refused: a
# socket its owner already closed is shown with uid 0 (a time-wait socket has no owner).
_OPEN_STATES = frozenset({"01", "03"})


class PeerCheckError(ConnectionError):
    """Base of the peer checks' errors: an OSError, so a client library treats a refused
    connection like one that failed (closed, retried, reported) and sends nothing on it."""


class UntrustedPeerError(PeerCheckError):
    """The socket at a loopback address belongs to a user not in `security.trusted_local_users`."""

    def __init__(self, service: str, address: str, uid: int) -> None:
        self.service, self.address, self.uid = service, address, uid
        self.user = _user_name(uid)
        super().__init__(
            f"{service} at {address} is served by uid {uid} ({self.user}), which is not a trusted local "
            f"user: refused before anything was sent (another local user may have taken the port while "
            f"{service} was down). If {self.user} really runs {service}, add it to {TRUSTED_USERS_SETTING} "
            "in vigie.yaml; otherwise find who listens there (ss -ltnp) and restart the real service")


class PeerCheckUnavailable(PeerCheckError):
    """Linux, but /proc/net cannot be read (or does not show the connection): who serves the
    address cannot be told, so nothing is sent (fail closed)."""


def is_loopback_host(host: str) -> bool:
    """An IP literal in 127.0.0.0/8 or ::1 (also ::ffff:127.x), or `localhost`. Other names are
    not resolved here: a remote service is another trust question (TLS)."""
    text = host.strip("[]").lower()
    if text == "localhost" or text.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_loopback)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"no account for uid {uid}"


def _decode(field: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    """`0100007F:1F90` -> (127.0.0.1, 8080). The kernel prints each 32-bit word of the address
    as a host-order integer, the port as a plain hex number. IPv4-mapped IPv6 reads as IPv4."""
    addr_hex, port_hex = field.split(":")
    raw = b"".join(int(addr_hex[i:i + 8], 16).to_bytes(4, sys.byteorder) for i in range(0, len(addr_hex), 8))
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(raw)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip, int(port_hex, 16)


@dataclass(frozen=True)
class _Row:
    local: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]
    remote: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]
    state: str
    uid: int


def _rows(proc_net: Path, local_port: int) -> Iterator[_Row]:
    """The sockets whose local port is `local_port` (the others are not decoded: a busy host
    has thousands of rows, and the crawl checks every connection it opens to Tor)."""
    suffix = f":{local_port:04X}"
    read_any = False
    errors: list[str] = []
    for name in ("tcp", "tcp6"):
        try:
            text = (proc_net / name).read_text()
        except FileNotFoundError:  # a kernel without IPv6 has no tcp6
            continue
        except OSError as exc:
            errors.append(f"{proc_net / name}: {exc.strerror or exc}")
            continue
        read_any = True
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8 or not fields[1].endswith(suffix):
                continue
            yield _Row(_decode(fields[1]), _decode(fields[2]), fields[3], int(fields[7]))
    if not read_any:
        raise PeerCheckUnavailable(
            f"cannot tell who serves a loopback address: {'; '.join(errors) or f'{proc_net}/tcp is missing'}. "
            f"Mount /proc (procfs), or set security.check_local_peers: false in vigie.yaml to send to "
            "whatever listens there")


def _address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> str:
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


_ANY = (ipaddress.IPv4Address("0.0.0.0"), ipaddress.IPv6Address("::"))


@dataclass(frozen=True)
class TrustedPeers:
    """The accounts Vigie may send secrets and crawl traffic to on loopback: root and the user
    Vigie runs as (`always`), and the accounts `names` (names or numeric uids).

    The names are resolved (NSS: /etc/passwd, nscd, LDAP...) only when a socket is owned by
    someone else than root or us, once: a crawl whose tor runs as root never asks, so the browser's
    crawl makes no lookup at all (tests/test_browser_no_leak.py counts nscd's socket as one).
    `enabled=False` (security.check_local_peers: false) turns every check off."""

    names: tuple[str, ...] = ()
    enabled: bool = True
    proc_net: Path = _PROC_NET
    sock_diag: bool = True  # False: /proc/net only (tests compare the two ways)
    always: frozenset[int] = field(default_factory=lambda: frozenset({0, os.geteuid()}))
    _resolved: list[frozenset[int]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_names(cls, names: Iterable[str], *, enabled: bool = True) -> TrustedPeers:
        return cls(tuple(names), enabled)

    @property
    def uids(self) -> frozenset[int]:
        """Every trusted uid. A name with no account on the host is skipped: the default list
        names services a host may not run."""
        if not self._resolved:
            uids = set(self.always)
            for name in self.names:
                if name.isdigit():
                    uids.add(int(name))
                    continue
                try:
                    uids.add(pwd.getpwnam(name).pw_uid)
                except KeyError:
                    continue
            self._resolved.append(frozenset(uids))
        return self._resolved[0]

    def trusts(self, uid: int) -> bool:
        return uid in self.always or uid in self.uids

    @classmethod
    def default(cls) -> TrustedPeers:
        return cls.from_names(DEFAULT_TRUSTED_LOCAL_USERS)

    def _active(self) -> bool:
        return self.enabled and PEER_CHECK_SUPPORTED

    def admit(self, sock: socket.socket, service: str) -> socket.socket:
        """`sock` once `check_socket` passed it; closed, and the error raised, when it did not:
        what each client library's connect hook needs (redis-py's `_connect`, urllib3's
        `_new_conn`, smtplib's `_get_socket`)."""
        try:
            self.check_socket(sock, service)
        except PeerCheckError:
            sock.close()
            raise
        return sock

    def check_socket(self, sock: socket.socket, service: str) -> None:
        """Raises UntrustedPeerError unless the server side of `sock`, a connected TCP or unix
        socket, belongs to a trusted user; a socket to a non-loopback address passes. Call it
        after connect() and before sending anything."""
        if not self._active():
            return
        if sock.family == socket.AF_UNIX:
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            uid = struct.unpack("3i", creds)[1]
            if not self.trusts(uid):
                raise UntrustedPeerError(service, str(sock.getpeername() or "a unix socket"), uid)
            return
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        peer, mine = sock.getpeername(), sock.getsockname()
        peer_ip, mine_ip = _ip(peer[0]), _ip(mine[0])
        if not peer_ip.is_loopback:
            return
        want_local, want_remote = (peer_ip, int(peer[1])), (mine_ip, int(mine[1]))
        quick = lookup_owner(want_local, want_remote) if self.sock_diag else None  # None: /proc/net decides
        if quick is not None:
            if not self.trusts(quick.uid):
                raise UntrustedPeerError(service, _address(*want_local), quick.uid)
            return
        for row in _rows(self.proc_net, want_local[1]):
            if row.local == want_local and row.remote == want_remote:
                if row.state not in _OPEN_STATES:
                    raise PeerCheckUnavailable(
                        f"{service} at {_address(*want_local)} closed the connection at once (state {row.state}): "
                        "who served it cannot be told; nothing was sent")
                if not self.trusts(row.uid):
                    raise UntrustedPeerError(service, _address(*want_local), row.uid)
                return
        raise PeerCheckUnavailable(
            f"{service} at {_address(*want_local)}: the server side of our connection is not in "
            f"{self.proc_net}/tcp or tcp6 (another network namespace's /proc?): who serves it cannot be told; "
            "nothing was sent")

    def listener_uids(self, host: str, port: int) -> list[int]:
        """The owners of every socket listening where a connection to host:port would land
        (host:port itself, or the wildcard address of its family on that port)."""
        name = host.lower()
        localhost = name == "localhost" or name.endswith(".localhost")
        targets = [_ip("127.0.0.1"), _ip("::1")] if localhost else [_ip(host)]
        uids = []
        for row in _rows(self.proc_net, port):
            ip, lport = row.local
            if row.state != _LISTEN or lport != port:
                continue
            if any(ip == t or (ip in _ANY and (ip.version == t.version or ip.version == 6)) for t in targets):
                uids.append(row.uid)
        return uids

    def check_listener(self, host: str, port: int, service: str) -> None:
        """Raises UntrustedPeerError if a listener that would take a connection to host:port
        (a loopback address) belongs to an untrusted user. Nothing listening passes: the
        connection will be refused. Only for clients whose socket cannot be had: a squatter
        that binds after this check is not seen (see the module docstring)."""
        if not self._active() or not is_loopback_host(host):
            return
        address = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
        for uid in self.listener_uids(host.strip("[]"), port):
            if not self.trusts(uid):
                raise UntrustedPeerError(service, address, uid)
