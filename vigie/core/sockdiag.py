"""The owner of one TCP socket, asked of the kernel by its four addresses (netlink sock_diag).

Why: reading /proc/net/tcp walks the kernel's whole socket hash table (a few milliseconds per
file here, whatever the number of sockets), and the crawl checks every connection it opens to
Tor's SOCKS port (vigie.core.peers). An exact sock_diag lookup (what `ss` uses, without a dump)
finds the one socket by its 4-tuple in microseconds. It answers None whenever its answer would not
be the owner (no sock_diag in this kernel or sandbox, a socket not found, a socket still in the
listener's request queue, whose uid sock_diag reports as 0): the caller then reads /proc/net.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
from dataclasses import dataclass

__all__ = ["DiagAnswer", "lookup_owner"]

_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST = 1
_NLMSG_ERROR = 2
_NLMSG_HDR = struct.Struct("=IHHII")
# inet_diag_req_v2: family, protocol, ext, pad, states; inet_diag_sockid: sport, dport (big-endian),
# src[16], dst[16], if, cookie[2]
_REQ = struct.Struct("=BBBBI")
_SOCKID = struct.Struct(">HH16s16s")
_SOCKID_TAIL = struct.Struct("=III")
_NO_COOKIE = 0xFFFFFFFF
# inet_diag_msg: family, state, timer, retrans, sockid (48 bytes), expires, rqueue, wqueue, uid, inode
_MSG = struct.Struct("=BBBB48sIIIII")
_ESTABLISHED = 1


@dataclass(frozen=True)
class DiagAnswer:
    state: int
    uid: int


def _packed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bytes:
    return ip.packed.ljust(16, b"\0")


def lookup_owner(local: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int],
                 remote: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int],
                 timeout: float = 1.0) -> DiagAnswer | None:
    """The state and owner uid of the TCP socket whose local address is `local` and remote
    address `remote`, or None when sock_diag cannot tell (see the module docstring). An IPv4
    pair also finds a dual-stack IPv6 socket serving it (the kernel looks IPv4 up by address)."""
    family = socket.AF_INET if local[0].version == 4 else socket.AF_INET6
    want = _SOCKID.pack(local[1], remote[1], _packed(local[0]), _packed(remote[0]))
    body = (_REQ.pack(family, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF) + want
            + _SOCKID_TAIL.pack(0, _NO_COOKIE, _NO_COOKIE))
    seq = int.from_bytes(os.urandom(4), "little")
    message = _NLMSG_HDR.pack(_NLMSG_HDR.size + len(body), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST, seq, 0) + body
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, _NETLINK_SOCK_DIAG) as nl:
            nl.settimeout(timeout)
            nl.send(message)  # no address: a netlink socket sends to the kernel (port id 0)
            reply = nl.recv(65536)
    except (OSError, AttributeError):  # no AF_NETLINK (not Linux) or no sock_diag here
        return None
    offset = 0
    while offset + _NLMSG_HDR.size <= len(reply):
        length, kind, _flags, got_seq, _pid = _NLMSG_HDR.unpack_from(reply, offset)
        if length < _NLMSG_HDR.size:
            return None
        payload = reply[offset + _NLMSG_HDR.size:offset + length]
        offset += (length + 3) & ~3
        if got_seq != seq:
            continue
        if kind == _NLMSG_ERROR:  # ENOENT (not found), EINVAL, EOPNOTSUPP...: /proc/net decides
            return None
        if kind == _SOCK_DIAG_BY_FAMILY and len(payload) >= _MSG.size:
            _fam, state, _timer, _retrans, sockid, _exp, _rq, _wq, uid, _inode = _MSG.unpack_from(payload)
            # Only an established socket of exactly this 4-tuple answers. The kernel's lookup falls back
            # to the listener when no connection matches (a LISTEN answer); a request socket (SYN_RECV)
            # is reported with uid 0 where /proc/net gives the listener's; other states: /proc/net decides.
            if state != _ESTABLISHED or sockid[:_SOCKID.size] != want:
                return None
            return DiagAnswer(state, uid)
    return None
