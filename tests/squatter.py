"""A port squatter for tests: another local user listening on 127.0.0.1 in a service's place.

The tests run as root; the squatter is a real process that drops to `nobody` (uid 65534) before
it binds, so the kernel records that account as the owner of its sockets, as it would for any
other local user who took the port while the real service was down. It speaks just enough of
the service's protocol to draw the secret out of a client that does not check who it talks to
(a Redis that says +OK to AUTH, an SMTP server that accepts AUTH, a SOCKS5 proxy accepting the
credentials and the CONNECT, an Elasticsearch root answer, a PostgreSQL server asking for a
clear-text password), and records every byte it receives: a test asserts it got none.

    with Squatter("redis") as sq:
        ...connect to 127.0.0.1:sq.port...
    assert sq.received == b""
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from types import TracebackType

__all__ = ["NOBODY", "Squatter"]

NOBODY = 65534

# Runs in the child: everything it needs is imported before the privileges are dropped.
_SERVER = r'''
import json, os, socket, struct, sys, threading
proto, uid, family = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.setgroups([]); os.setgid(uid); os.setuid(uid)
if family == "dual":
    srv = socket.socket(socket.AF_INET6); srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", 0))
elif family.startswith("unix:"):  # a unix socket created in a directory every account writes
    srv = socket.socket(socket.AF_UNIX); srv.bind(family[5:])
else:
    srv = socket.socket(); srv.bind(("127.0.0.1", 0))
srv.listen(16)
out_lock = threading.Lock()
def say(line):
    with out_lock:
        sys.stdout.write(line + "\n"); sys.stdout.flush()
say(f"PORT {0 if family.startswith('unix:') else srv.getsockname()[1]}")
ES_ROOT = json.dumps({"name": "squat", "cluster_name": "squat", "version": {"number": "9.2.0",
    "build_flavor": "default"}, "tagline": "You Know, for Search"}).encode()
def reply(conn, n, data):
    if proto == "redis":
        conn.sendall(b"+OK\r\n" * max(1, data.count(b"*")))
    elif proto == "smtp":
        for line in data.split(b"\r\n"):
            word = line[:4].upper()
            if word in (b"EHLO", b"HELO"): conn.sendall(b"250-squat\r\n250 AUTH PLAIN LOGIN\r\n")
            elif word == b"AUTH": conn.sendall(b"235 ok\r\n")
            elif word == b"DATA": conn.sendall(b"354 go\r\n")
            elif line == b".": conn.sendall(b"250 queued\r\n")
            elif word == b"QUIT": conn.sendall(b"221 bye\r\n")
            elif word in (b"MAIL", b"RCPT", b"RSET", b"NOOP"): conn.sendall(b"250 ok\r\n")
    elif proto == "socks5":
        if n == 0: conn.sendall(b"\x05\x02" if b"\x02" in data[2:] else b"\x05\x00")
        elif n == 1 and data[:1] == b"\x01": conn.sendall(b"\x01\x00")
        elif data[:2] == b"\x05\x01": conn.sendall(b"\x05\x00\x00\x01" + bytes(6))
        else: conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsquat!")
    elif proto == "http":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Elastic-Product: "
                     b"Elasticsearch\r\nContent-Length: " + str(len(ES_ROOT)).encode() + b"\r\n\r\n" + ES_ROOT)
    elif proto == "postgres":
        if len(data) == 8 and data[4:8] in (struct.pack(">i", 80877103), struct.pack(">i", 80877104)):
            conn.sendall(b"N")  # no TLS, no GSS: the startup message follows in clear
        elif data[:1] != b"p":
            conn.sendall(b"R" + struct.pack(">ii", 8, 3))  # AuthenticationCleartextPassword
def serve(conn):
    if proto == "smtp": conn.sendall(b"220 squat ESMTP\r\n")
    n = 0
    try:
        while True:
            data = conn.recv(65536)
            if not data: break
            say("DATA " + data.hex())
            reply(conn, n, data); n += 1
    except OSError:
        pass
    finally:
        conn.close()
while True:
    conn, _ = srv.accept()
    say("CONN")
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
'''


class Squatter:
    """A listener on 127.0.0.1 (or a dual-stack one on ::) owned by `uid`, speaking `protocol`
    (redis, smtp, socks5, http, postgres); `received` is every byte it was sent."""

    def __init__(self, protocol: str, *, uid: int = NOBODY, dual_stack: bool = False,
                 unix_path: str | None = None) -> None:
        family = f"unix:{unix_path}" if unix_path else "dual" if dual_stack else "v4"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, protocol, str(uid), family],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline().split()
        if first[:1] != ["PORT"]:
            self._proc.kill()
            raise RuntimeError(f"squatter did not start: {self._proc.stderr.read() if self._proc.stderr else ''}")
        self.port = int(first[1])
        self._chunks: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            kind, _, rest = line.strip().partition(" ")
            with self._lock:
                if kind == "CONN":
                    self.connections += 1
                elif kind == "DATA":
                    self._chunks.append(bytes.fromhex(rest))

    @property
    def received(self) -> bytes:
        time.sleep(0.2)  # what a client sent just before returning reaches the squatter's pipe
        with self._lock:
            return b"".join(self._chunks)

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait(timeout=10)
        self._reader.join(timeout=5)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Squatter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


if __name__ == "__main__":  # manual use: python -m tests.squatter redis
    with Squatter(sys.argv[1] if len(sys.argv) > 1 else "redis") as sq:
        print(f"squatting 127.0.0.1:{sq.port} as uid {NOBODY} (pid {os.getpid()}); Ctrl-C to stop")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print(sq.received)
