"""Peak memory of a running command and of its descendants, read from /proc: what the big-input
tests and benchmarks report (a detection worker's peak as well as the command's), without a
dependency. Linux only; a process that has ended reads as 0."""

from __future__ import annotations

import os

__all__ = ["descendants", "high_water_kb"]


def high_water_kb(pid: int) -> int:
    """The process's resident-set high-water mark (VmHWM), in kB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
    except (OSError, ValueError):
        return 0


def descendants(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc's per-thread children lists (a process pool's
    workers are children of the thread that started them, not always of the main one)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tids = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{parent}/task/{tid}/children", encoding="ascii") as f:
                    kids = [int(k) for k in f.read().split()]
            except (OSError, ValueError):
                continue
            found += kids
            todo += kids
    return found
