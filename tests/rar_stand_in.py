"""A stand-in for the RAR reader process (`crawler._rar_worker`), for what no archive written here
can make the real one do: hang, crash, or send nonsense (libarchive's known crashes are fixed in
Debian's build, and its hangs need compressed archives no free tool writes). A fake only there:
any other archive is handed to the real worker, unchanged.

- `python tests/rar_stand_in.py worker MEMORY SECONDS`: started by `crawler.rar.rar_read` in the
  worker's place (`crawler.rar._WORKER`). It reads the archive from its standard input (a memory
  file), and if the archive holds `HANG`, sleeps; `CRASH`, dies of SIGSEGV; `SILENT`, closes its
  output and sleeps; `NONSENSE`, sends a record out of place; else rewinds its input and becomes
  the real worker (`exec`).
- `python tests/rar_stand_in.py vigie ARGS...`: `vigie ARGS...` (a crawl) with this stand-in as its
  RAR reader and a 3-second time-out per archive, so that a crawl meets a hanging reader.
"""

from __future__ import annotations

import os
import runpy
import signal
import struct
import sys
import time

HANG, CRASH, NONSENSE = b"VIGIE-STAND-IN-HANG", b"VIGIE-STAND-IN-CRASH", b"VIGIE-STAND-IN-NONSENSE"
SILENT = b"VIGIE-STAND-IN-SILENT"
SECONDS = 3


def worker(args: list[str]) -> None:
    data = os.read(0, 1 << 24)
    if HANG in data:
        time.sleep(3600)
    if CRASH in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    if SILENT in data:  # its output closed, then a hang
        os.close(1)
        time.sleep(3600)
    if NONSENSE in data:
        os.write(1, struct.pack(">cI", b"D", 5) + b"hello")  # data before any member began
        time.sleep(3600)
    os.lseek(0, 0, os.SEEK_SET)
    os.execv(sys.executable, [sys.executable, "-I", "-m", "crawler._rar_worker", *args])


def vigie(args: list[str]) -> None:
    import crawler.rar

    crawler.rar._WORKER = [sys.executable, os.path.abspath(__file__), "worker"]
    crawler.rar.RAR_SECONDS = SECONDS
    sys.argv = ["vigie", *args]
    runpy.run_module("vigie", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    {"worker": worker, "vigie": vigie}[sys.argv[1]](sys.argv[2:])
