"""Requests to the running service ("crawl now", "pause", "resume"), left as files.

Why files: the web app and the service are siblings (neither imports the other) and may run as
separate processes; nothing of ours listens for the other. A request is one JSON file in
`<data-dir>/requests/` (0700; files 0600, written aside then renamed into place, so the service
never reads half a file): `<kind>-<source>.json` holding `{"kind", "source", "by", "at"}`. The
service polls the directory about once a second, acts, and deletes the file; a file still present
is a pending request, and is shown as such.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

from loguru import logger

__all__ = ["REQUESTS_DIR", "ControlRequest", "RequestKind", "pending_requests", "take_requests", "write_request"]

REQUESTS_DIR = "requests"
RequestKind = Literal["crawl", "pause", "resume"]
_KINDS: tuple[str, ...] = get_args(RequestKind)
# Source names are config file stems (vigie.config.schema Name); anything else is not ours.
_SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class ControlRequest:
    kind: RequestKind
    source: str
    by: str
    at: float


def _folder(data_dir: Path) -> Path:
    return Path(data_dir) / REQUESTS_DIR


def write_request(data_dir: Path, kind: RequestKind, source: str, by: str) -> Path:
    """Leave a request for the service (atomic: written aside, then renamed into place)."""
    if kind not in _KINDS or not _SOURCE.match(source):
        raise ValueError(f"not a valid request: {kind!r} for source {source!r}")
    folder = _folder(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    final = folder / f"{kind}-{source}.json"
    tmp = folder / f".{kind}-{source}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"kind": kind, "source": source, "by": by, "at": time.time()}, fh)
    os.replace(tmp, final)
    return final


def _parse(path: Path) -> ControlRequest | None:
    kind, _, source = path.stem.partition("-")
    if kind not in _KINDS or not _SOURCE.match(source):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != kind or data.get("source") != source:
        return None
    by = data.get("by")
    at = data.get("at")
    return ControlRequest(cast(RequestKind, kind), source, by if isinstance(by, str) else "?",
                          float(at) if isinstance(at, (int, float)) else 0.0)


def pending_requests(data_dir: Path) -> dict[str, str]:
    """source -> the kind of its pending request ("crawl" wins over the others for display)."""
    folder = _folder(data_dir)
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        request = _parse(path)
        if request is not None and out.get(request.source) != "crawl":
            out[request.source] = request.kind
    return out


def take_requests(data_dir: Path) -> list[ControlRequest]:
    """The pending requests, oldest first, each removed from the folder as it is taken.

    A file that is not a well-formed request (wrong name, bad JSON, a kind or source that do not
    match its name) is removed and logged: it was not written by `write_request`.
    """
    folder = _folder(data_dir)
    if not folder.is_dir():
        return []
    taken: list[ControlRequest] = []
    for path in sorted(folder.glob("*.json")):
        request = _parse(path)
        try:
            path.unlink()
        except FileNotFoundError:
            continue  # another reader took it
        if request is None:
            logger.warning("ignored a malformed service request file {}", path.name[:120])
            continue
        taken.append(request)
    return sorted(taken, key=lambda r: r.at)
