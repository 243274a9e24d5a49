"""Who serves the PostgreSQL outbox's loopback address, checked around libpq's connect.

Why: the DSN holds the outbox's password, and libpq sends it in clear when the server asks for a
clear-text password; the alerts follow on the same connection. Another local user listening on
127.0.0.1:5432 while PostgreSQL is down would get both (vigie.core.peers). libpq opens its
socket and authenticates inside `connect()` and never hands the socket over before, so only the
listener can be checked in time for the password: right before each connect. Once connected,
the connection itself is checked too, before any query: a squatter that bound the port between
the two checks then gets no alert (it may have seen the password: rotate it; say so).
"""

from __future__ import annotations

import os
import socket
import stat
from typing import TYPE_CHECKING, Any

from vigie.core.executables import untrusted_writer
from vigie.core.peers import PeerCheckError, TrustedPeers, UntrustedPeerError, is_loopback_host

if TYPE_CHECKING:
    import psycopg

__all__ = ["SharedSocketDirectory", "check_connected", "check_listeners", "loopback_targets", "unix_socket_files"]

_SERVICE = "PostgreSQL (the alert outbox)"


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",")] if value else []


def loopback_targets(dsn: str) -> list[tuple[str, int]]:
    """The (address, port) pairs of the DSN's TCP hosts on loopback (the environment's PGHOST,
    PGHOSTADDR and PGPORT fill in what the DSN leaves out, as libpq does). A unix socket
    directory (a host starting with /) is not among them: its permissions guard it."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts: dict[str, Any] = conninfo_to_dict(dsn)
    except psycopg.Error:  # not a DSN: libpq refuses it next, without connecting (its message quotes the password)
        return []
    hosts = _split(parts.get("host") or os.environ.get("PGHOST"))
    addrs = _split(parts.get("hostaddr") or os.environ.get("PGHOSTADDR"))
    ports = _split(str(parts.get("port") or os.environ.get("PGPORT") or "")) or ["5432"]
    count = max(len(hosts), len(addrs))
    targets: list[tuple[str, int]] = []
    for i in range(count):
        addr = addrs[i] if i < len(addrs) and addrs[i] else (hosts[i] if i < len(hosts) else "")
        port = int(ports[i] if i < len(ports) and ports[i] else ports[0] or 5432)
        if addr and not addr.startswith(("/", "@")) and is_loopback_host(addr):
            targets.append((addr, port))
    return targets


def unix_socket_files(dsn: str) -> list[str]:
    """The socket files of the DSN's unix socket directories (a host starting with /, or
    PGHOST's): `<directory>/.s.PGSQL.<port>`, as libpq opens them."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts: dict[str, Any] = conninfo_to_dict(dsn)
    except psycopg.Error:
        return []
    hosts = _split(parts.get("host") or os.environ.get("PGHOST"))
    ports = _split(str(parts.get("port") or os.environ.get("PGPORT") or "")) or ["5432"]
    return [f"{host.rstrip('/')}/.s.PGSQL.{ports[i] if i < len(ports) and ports[i] else ports[0] or 5432}"
            for i, host in enumerate(hosts) if host.startswith("/")]


class SharedSocketDirectory(PeerCheckError):
    """A unix socket directory in which another account could put its own socket in the server's
    place between the owner check and libpq's connect: refused before anything is sent."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(
            f"{_SERVICE} socket {path}: {why}; not connected (libpq would send the DSN's password to "
            "whoever serves it then). Keep the socket in PostgreSQL's own directory (/var/run/postgresql: "
            "unix_socket_directories in postgresql.conf) and name it in the DSN (host=/var/run/postgresql)")


def check_listeners(dsn: str, peers: TrustedPeers) -> None:
    """Raises vigie.core.peers' UntrustedPeerError when a loopback host of `dsn` is listened on
    by an untrusted user, or one of its unix socket files belongs to one (a directory every
    account writes, `host=/tmp`, PostgreSQL's own default when built from source): call it right
    before `psycopg.connect`. In a sticky directory (/tmp) the real server's socket, once there,
    cannot be replaced by another account, so the file's owner stays the one who serves it; in
    one every account writes that is not sticky, or one an untrusted account owns, any file can
    be swapped after the check (SharedSocketDirectory), and in a shared one with no socket yet,
    another account's may appear before libpq connects: each is refused (round 12). A directory
    its group writes is shared when an account of that group is not trusted (round 13: Debian's
    /var/run/postgresql is 2775, group postgres, whose only account is the server's)."""
    for host, port in loopback_targets(dsn):
        peers.check_listener(host, port, _SERVICE)
    for path in unix_socket_files(dsn):
        shared = False
        if peers.enabled:
            try:
                directory = os.stat(os.path.dirname(path) or "/")
            except OSError:
                directory = None  # no such directory: libpq says so
            if directory is not None:
                shared = bool(directory.st_mode & stat.S_IWOTH)
                writer = (untrusted_writer(directory.st_gid, peers)
                          if directory.st_mode & stat.S_IWGRP and not shared else None)
                if writer is not None and not directory.st_mode & stat.S_ISVTX:
                    raise SharedSocketDirectory(path, f"its directory is writable by its group (gid "
                                                      f"{directory.st_gid}, mode g+w without +t), whose account "
                                                      f"{writer} is not a trusted local user and can replace the "
                                                      "socket file")
                shared = shared or writer is not None
                if not peers.trusts(directory.st_uid):
                    raise SharedSocketDirectory(path, f"its directory belongs to uid {directory.st_uid}, not a "
                                                      "trusted local user, who can replace any file in it")
                if shared and not directory.st_mode & stat.S_ISVTX:
                    raise SharedSocketDirectory(path, "its directory is writable by every account and not sticky "
                                                      "(mode o+w without +t): another account can replace the "
                                                      "socket file")
        try:
            owner = os.stat(path).st_uid
        except OSError:
            if shared:
                raise SharedSocketDirectory(path, "no socket there now, in a directory another account writes: "
                                                  "another account's could appear before libpq connects") from None
            continue  # no server there: libpq says so
        if peers.enabled and not peers.trusts(owner):
            raise UntrustedPeerError(_SERVICE, path, owner)


def check_connected(db: psycopg.Connection[Any], peers: TrustedPeers) -> None:
    """Raises UntrustedPeerError when the server side of `db`'s TCP connection belongs to an
    untrusted user (a unix socket passes): call it before the first query."""
    fd = db.pgconn.socket
    sock = socket.socket(fileno=os.dup(fd))
    try:
        peers.check_socket(sock, _SERVICE)
    finally:
        sock.close()
