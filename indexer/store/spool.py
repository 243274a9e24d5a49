"""A disk journal for documents that could not reach Elasticsearch yet.

Format: append-only segment files `spool/segment-<n>.vjl`, each a sequence of records

    magic b"VGS1" | payload length (u32, big endian) | CRC-32 of payload (u32, BE) | payload

where the payload is one document as UTF-8 JSON (`indexer.documents.fragment_to_dict`; it holds
only what the index would hold anyway: tokens, redacted excerpt, ciphertext).

Durability (fsync policy): every `append()` call writes all its records with one `write`, then
`fsync`s the segment (and the directory when a segment is created) before returning, so a
document reported as `spooled` survives a crash or power loss. The spool is only used while
Elasticsearch is unreachable, so favouring durability over throughput costs nothing in normal
operation.

Draining: `read()` yields records in append order; the caller acknowledges progress with
`ack(position)` once the backend has them, which persists a cursor (write-temp, fsync, rename),
so a crash mid-drain resends at most one batch, and resending is harmless because documents are
written with their content-hash id (`create`), i.e. idempotently. Fully drained segments are
deleted.

Cap: with `max_bytes`, an `append` that would take the pending bytes (not yet acknowledged)
past it raises `SpoolFull` and writes nothing. Nothing is lost: the ingest fails, so the crawler
does not mark the item seen and the next crawl emits it again. The first refusal of a fill
episode is logged as an error (a `full` marker file, so every process sharing the spool sees
it); the episode, and the refusals, end once draining brings the spool down to half the cap, so
a full spool does not flap between refusing and accepting small documents.

Damage: a record cut short at the end of a segment (a crash mid-write) or with a bad checksum is
reported (`SpoolDamage`, logged as a warning) and every complete record before it is kept. When
appending to a segment with a damaged tail, the damaged bytes are first moved aside to
`spool/damaged-<segment>-<offset>.bin` and the segment truncated, so good records never follow
garbage. Records after a damaged one in the same segment (only possible with damage in the
middle, e.g. a bad disk) are moved aside with it and reported, never silently replayed.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from loguru import logger

from indexer.documents import fragment_from_dict, fragment_to_dict
from indexer.models import StoredFragment
from indexer.store.base import StoreError

__all__ = ["Spool", "SpoolDamage", "SpoolFull", "SpoolPosition", "SpoolUsage", "spool_usage"]

MAGIC = b"VGS1"
_HEADER = struct.Struct(">4sII")
_MAX_RECORD = 64 * 1024 * 1024
_SEGMENT_BYTES = 64 * 1024 * 1024


class SpoolFull(StoreError):
    """The spool holds `max_bytes` already: the documents were refused, not written anywhere.
    Raised through `upsert`, so the item is not marked seen and is emitted again next crawl."""


@dataclass(frozen=True)
class SpoolUsage:
    """What `vigie status` and the metrics show about the spool."""

    pending_bytes: int
    max_bytes: int | None
    full: bool  # the last append was refused (a marker file, so other processes see it)


@dataclass(frozen=True, order=True)
class SpoolPosition:
    segment: int
    offset: int  # byte offset just past the record


@dataclass(frozen=True)
class SpoolDamage:
    segment: Path
    offset: int  # where the damaged record starts
    size: int  # bytes from there to the end of the segment
    reason: str


@dataclass
class _Segment:
    number: int
    path: Path
    good_end: int = 0
    damage: list[SpoolDamage] = field(default_factory=list)


_FULL_MARKER = "full"


class Spool:
    def __init__(self, directory: Path, *, max_bytes: int | None = None) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.max_bytes = max_bytes
        self.damage: list[SpoolDamage] = []
        self._cursor_path = self.dir / "cursor.json"
        self._reported: set[tuple[str, int]] = set()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive across processes (flock on `spool/lock`): one writer or drainer at a time,
        e.g. the service and a `vigie crawl` run sharing a data directory."""
        fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    # ------------------------------------------------------------------ state
    def _segments(self) -> list[_Segment]:
        segs = []
        for path in self.dir.glob("segment-*.vjl"):
            try:
                segs.append(_Segment(int(path.stem.split("-", 1)[1]), path))
            except ValueError:
                continue
        return sorted(segs, key=lambda s: s.number)

    def _cursor(self) -> SpoolPosition:
        try:
            data = json.loads(self._cursor_path.read_text())
            return SpoolPosition(int(data["segment"]), int(data["offset"]))
        except (FileNotFoundError, ValueError, KeyError):
            return SpoolPosition(0, 0)

    def is_empty(self) -> bool:
        cursor = self._cursor()
        for seg in self._segments():
            size = seg.path.stat().st_size
            if seg.number > cursor.segment and size > 0:
                return False
            if seg.number == cursor.segment and size > cursor.offset:
                return False
        return True

    def pending_bytes(self) -> int:
        """Bytes of records not yet acknowledged (what the cap counts)."""
        return _pending_bytes(self.dir, self._cursor())

    def usage(self) -> SpoolUsage:
        return SpoolUsage(self.pending_bytes(), self.max_bytes, (self.dir / _FULL_MARKER).exists())

    def _check_room(self, size: int) -> None:
        marker = self.dir / _FULL_MARKER
        if self.max_bytes is None:
            return
        pending = self.pending_bytes()
        full = marker.exists()
        if full and pending <= self.max_bytes // 2:  # hysteresis: an episode ends at half the cap
            marker.unlink(missing_ok=True)
            logger.warning("spool: room again ({} of {} bytes pending); accepting documents",
                           pending, self.max_bytes)
            full = False
        if not full and pending + size <= self.max_bytes:
            return
        if not full:  # once per fill episode, across processes
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
            logger.error("spool FULL in {}: {} of {} bytes pending (storage.elasticsearch.spool_max_bytes) "
                         "while Elasticsearch is unreachable; new documents are REFUSED and re-emitted by "
                         "later crawls. Bring Elasticsearch back or raise the cap.", self.dir, pending,
                         self.max_bytes)
        raise SpoolFull(f"Elasticsearch spool in {self.dir} is full ({pending} of {self.max_bytes} bytes "
                        f"pending, {size} more refused): bring Elasticsearch back so it drains, or raise "
                        "storage.elasticsearch.spool_max_bytes in vigie.yaml")

    def __len__(self) -> int:
        return sum(1 for _ in self.read())

    # ------------------------------------------------------------------ write
    def append(self, docs: Iterable[StoredFragment]) -> list[str]:
        buf = bytearray()
        ids = []
        for doc in docs:
            payload = json.dumps(fragment_to_dict(doc), separators=(",", ":")).encode()
            buf += _HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload
            ids.append(doc.id)
        if not ids:
            return ids
        self._check_room(len(buf))
        segs = self._segments()
        if segs and segs[-1].path.stat().st_size < _SEGMENT_BYTES:
            seg = segs[-1]
            self._repair_tail(seg)
            created = False
        else:
            number = segs[-1].number + 1 if segs else 1
            seg = _Segment(number, self.dir / f"segment-{number:08d}.vjl")
            created = True
        fd = os.open(seg.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, bytes(buf))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.dir)
        return ids

    def _repair_tail(self, seg: _Segment) -> None:
        if not seg.path.exists():
            return
        for _ in self._scan(seg, 0):
            pass
        size = seg.path.stat().st_size
        if seg.good_end < size:
            aside = self.dir / f"damaged-{seg.path.stem}-{seg.good_end}.bin"
            with open(seg.path, "rb") as src, open(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                                                   "wb") as out:  # 0600 whatever the umask
                src.seek(seg.good_end)
                out.write(src.read())
            os.truncate(seg.path, seg.good_end)
            logger.warning("spool: moved {} damaged byte(s) from the tail of {} to {}",
                           size - seg.good_end, seg.path.name, aside.name)

    # ------------------------------------------------------------------ read
    def read(self) -> Iterator[tuple[SpoolPosition, StoredFragment]]:
        """Pending records in append order (after the cursor), with the position to `ack`."""
        cursor = self._cursor()
        for seg in self._segments():
            if seg.number < cursor.segment:
                continue
            start = cursor.offset if seg.number == cursor.segment else 0
            for end, payload in self._scan(seg, start):
                yield SpoolPosition(seg.number, end), fragment_from_dict(json.loads(payload))

    def _scan(self, seg: _Segment, start: int) -> Iterator[tuple[int, bytes]]:
        with open(seg.path, "rb") as fh:
            fh.seek(start)
            offset = start
            seg.good_end = start
            while True:
                header = fh.read(_HEADER.size)
                if not header:
                    return
                reason = None
                if len(header) < _HEADER.size:
                    reason = f"truncated header ({len(header)} of {_HEADER.size} bytes)"
                else:
                    magic, length, crc = _HEADER.unpack(header)
                    if magic != MAGIC or length > _MAX_RECORD:
                        reason = "bad record header (not a spool record)"
                    else:
                        payload = fh.read(length)
                        if len(payload) < length:
                            reason = f"truncated record ({len(payload)} of {length} payload bytes)"
                        elif zlib.crc32(payload) != crc:
                            reason = "checksum mismatch"
                if reason is not None:
                    self._report(seg, offset, reason)
                    return
                offset += _HEADER.size + length
                seg.good_end = offset
                yield offset, payload

    def _report(self, seg: _Segment, offset: int, reason: str) -> None:
        size = seg.path.stat().st_size - offset
        damage = SpoolDamage(seg.path, offset, size, reason)
        seg.damage.append(damage)
        if (seg.path.name, offset) not in self._reported:
            self._reported.add((seg.path.name, offset))
            self.damage.append(damage)
            logger.warning("spool: {} at byte {} of {} ({} byte(s) skipped); every complete "
                           "record before it is kept", reason, offset, seg.path.name, size)

    def park(self, docs: list[StoredFragment]) -> Path:
        """Keep documents the backend refused (not an outage) in `rejected.jsonl`, fsynced."""
        path = self.dir / "rejected.jsonl"
        data = "".join(json.dumps(fragment_to_dict(d), separators=(",", ":")) + "\n" for d in docs)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, data.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return path

    # ------------------------------------------------------------------ acknowledge
    def ack(self, position: SpoolPosition) -> None:
        """Everything up to `position` is in the backend: persist the cursor, drop old segments."""
        tmp = self._cursor_path.with_suffix(".tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
            json.dump({"segment": position.segment, "offset": position.offset}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._cursor_path)
        for seg in self._segments():
            if seg.number < position.segment:
                seg.path.unlink(missing_ok=True)
        _fsync_dir(self.dir)

    def compact(self) -> None:
        """After a full drain: move damaged tails aside, then, if nothing is pending, remove the
        drained segments and reset the cursor."""
        for seg in self._segments():
            self._repair_tail(seg)
        if not self.is_empty():
            return
        for seg in self._segments():
            seg.path.unlink(missing_ok=True)
        self._cursor_path.unlink(missing_ok=True)
        if (self.dir / _FULL_MARKER).exists():  # the fill episode ends with the drain
            (self.dir / _FULL_MARKER).unlink(missing_ok=True)
            logger.warning("spool: drained; accepting documents again")
        _fsync_dir(self.dir)


def _pending_bytes(directory: Path, cursor: SpoolPosition) -> int:
    total = 0
    for path in directory.glob("segment-*.vjl"):
        try:
            number, size = int(path.stem.split("-", 1)[1]), path.stat().st_size
        except (ValueError, FileNotFoundError):
            continue
        if number > cursor.segment:
            total += size
        elif number == cursor.segment:
            total += max(0, size - cursor.offset)
    return total


def spool_usage(directory: Path, max_bytes: int | None) -> SpoolUsage | None:
    """Read-only, for `vigie status`: None when there is no spool directory (nothing created)."""
    if not directory.is_dir():
        return None
    try:
        data = json.loads((directory / "cursor.json").read_text())
        cursor = SpoolPosition(int(data["segment"]), int(data["offset"]))
    except (FileNotFoundError, ValueError, KeyError):
        cursor = SpoolPosition(0, 0)
    return SpoolUsage(_pending_bytes(directory, cursor), max_bytes, (directory / _FULL_MARKER).exists())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
