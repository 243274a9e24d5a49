"""What the operators' pages need from the service, as a port the web does not implement itself.

Why a port: `vigie.web` and `vigie.service` are siblings in the layers (neither imports the
other). `vigie serve` (the CLI, above both) plugs the service's read-only status report in
(`vigie.cli.serve._ServiceOps`); tests plug in the same.

Requests to the service ("crawl now", "pause") are files, one per request, in
`<data-dir>/requests/` (0700; files 0600, written atomically): `crawl-<source>.json` or
`pause-<source>.json` holding `{"kind", "source", "by", "at"}`. The service polls that directory,
acts and deletes the file; a file still present is a pending request, shown as such.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

__all__ = ["REQUESTS_DIR", "OpsReport", "OpsSource", "OperatorPort", "RequestKind", "pending_requests",
           "write_request"]

REQUESTS_DIR = "requests"
RequestKind = Literal["crawl", "pause"]


@dataclass(frozen=True)
class OpsSource:
    name: str
    schedule: str | None
    next_run_at: str | None
    last_outcome: str | None = None
    last_started_at: str | None = None
    last_finished_at: str | None = None
    pages: int = 0
    items: int = 0
    fragments: int = 0
    errors: int = 0
    needs_attention: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpsReport:
    alive: bool
    tor: str
    store: str
    outbox: str
    sources: list[OpsSource] = field(default_factory=list)


class OperatorPort(Protocol):
    def report(self) -> OpsReport:
        """The service's view of every configured source, and Tor's, the store's and the outbox's health."""


def write_request(data_dir: Path, kind: RequestKind, source: str, by: str) -> Path:
    """Leave a request for the service (atomic: written aside, then renamed into place)."""
    folder = Path(data_dir) / REQUESTS_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    final = folder / f"{kind}-{source}.json"
    tmp = folder / f".{kind}-{source}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"kind": kind, "source": source, "by": by, "at": time.time()}, fh)
    os.replace(tmp, final)
    return final


def pending_requests(data_dir: Path) -> dict[str, str]:
    """source -> the kind of its pending request ("crawl" wins over "pause" for display)."""
    folder = Path(data_dir) / REQUESTS_DIR
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        kind, _, source = path.stem.partition("-")
        if kind in ("crawl", "pause") and source:
            out[source] = kind if out.get(source) != "crawl" else "crawl"
    return out
