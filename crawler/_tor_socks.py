"""A tiny blocking SOCKS5 client (RFC 1928 + RFC 1929 username/password) for probes.

Used where a Twisted reactor is not running: readiness checks of the private Tor network, the
`vigie doctor` SOCKS probe, the browser handler's circuit opening (in a thread) and tests.
Hostnames are always sent to the proxy as names (ATYP 3), so nothing is ever resolved locally.
The crawler's HTTP requests use `crawler.handlers._socks`.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from vigie.core.peers import TrustedPeers

__all__ = ["SOCKS_REPLIES", "SocksProbeError", "socks5_connect", "socks5_greeting_ok", "socks5_http_get"]

SOCKS_REPLIES = {  # RFC 1928 reply codes; also used by the Twisted endpoint (crawler.handlers._socks)
    1: "general SOCKS server failure",
    2: "connection not allowed by ruleset",
    3: "network unreachable",
    4: "host unreachable",
    5: "connection refused",
    6: "TTL expired (Tor: circuit or stream timed out)",
    7: "command not supported",
    8: "address type not supported",
}


class SocksProbeError(OSError):
    """The SOCKS proxy refused or failed the request; `code` is the SOCKS reply code (or None)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise SocksProbeError("SOCKS proxy closed the connection during the handshake")
        buf += chunk
    return buf


def socks5_connect(
    socks_host: str,
    socks_port: int,
    host: str,
    port: int,
    *,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
    peers: TrustedPeers | None = None,
) -> socket.socket:
    """Open a TCP stream to host:port through the SOCKS5 proxy (remote DNS). Caller closes it.
    A loopback proxy must be served by one of `peers` (default: vigie.core.peers' list), checked
    before the target is named: vigie.core.peers' errors (OSErrors) are raised otherwise."""
    sock = socket.create_connection((socks_host, socks_port), timeout=timeout)
    try:
        (peers if peers is not None else TrustedPeers.default()).check_socket(sock, "SOCKS proxy")
        if username is not None:
            sock.sendall(b"\x05\x01\x02")
        else:
            sock.sendall(b"\x05\x01\x00")
        ver, method = _recv_exact(sock, 2)
        if ver != 5 or method == 0xFF:
            raise SocksProbeError(f"SOCKS proxy {socks_host}:{socks_port} refused our auth methods")
        if method == 2:
            user = (username or "").encode()
            pwd = (password or "").encode()
            sock.sendall(bytes([1, len(user)]) + user + bytes([len(pwd)]) + pwd)
            _, status = _recv_exact(sock, 2)
            if status != 0:
                raise SocksProbeError("SOCKS username/password rejected")
        name = host.encode("idna") if not host.isascii() else host.encode()
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack(">H", port))
        ver, rep, _, atyp = _recv_exact(sock, 4)
        if rep != 0:
            raise SocksProbeError(
                f"SOCKS CONNECT to {host}:{port} failed: {SOCKS_REPLIES.get(rep, f'code {rep}')}", rep
            )
        skip = {1: 4, 4: 16}.get(atyp)
        if skip is None:
            skip = _recv_exact(sock, 1)[0]
        _recv_exact(sock, skip + 2)
        return sock
    except BaseException:
        sock.close()
        raise


def socks5_greeting_ok(socks_host: str, socks_port: int, timeout: float = 5.0) -> bool:
    """True if something speaking SOCKS5 answers on the port (no stream is opened)."""
    try:
        with socket.create_connection((socks_host, socks_port), timeout=timeout) as sock:
            sock.sendall(b"\x05\x01\x00")
            return _recv_exact(sock, 2) == b"\x05\x00"
    except OSError:
        return False


def socks5_http_get(
    socks_host: str,
    socks_port: int,
    url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes]:
    """A minimal HTTP/1.0 GET through SOCKS5: (status, body). Plain http only (onion/loopback)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"socks5_http_get only fetches http:// URLs, got {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    sock = socks5_connect(socks_host, socks_port, parts.hostname, parts.port or 80,
                          username=username, password=password, timeout=timeout)
    with sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {parts.hostname}\r\n"
                     "Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        raise SocksProbeError(f"no HTTP response from {url} through SOCKS") from None
    return status, body
