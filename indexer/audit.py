"""The analysts' audit log: an append-only, hash-chained record of every reveal and person lookup.

Why a chain: the log is the only account of who looked at whose data, so editing it after the
fact must show. Each line is one JSON object (sorted keys, UTF-8) with two chain fields:

    seq   1 for the first record, then +1 per record
    prev  hex SHA-256 of the previous line's bytes (without its newline); the first record's
          prev is GENESIS, a fixed value, so a file cannot start in the middle of a chain

Appenders take an exclusive `flock` on the file, read the last line, write one line and fsync
before unlocking, so two concurrent `vigie` commands cannot fork the chain. The file is 0600.

What `verify_chain` detects, and what it cannot:
- an edited record (any byte): the next record's `prev` no longer matches;
- a deleted, reordered or inserted record: `seq` jumps or goes back, or `prev` mismatches;
- a partly written last line (a crash mid-write, or a file cut short inside a record): reported
  as broken. A damaged log is never appended to (`AuditError`): reveals and identifier searches
  are refused until an operator moves it aside (keep it: it is evidence), so nothing is audited
  into a chain that cannot be verified.
- NOT detectable by the chain alone: whole records removed from the end, an edit of the very
  last record, or a rewrite of the entire file by someone who recomputes every hash (the chain
  has no key: anyone who can write the file can build a new valid one). Against those, keep the
  head that `vigie audit verify` prints (`SEQ:HASH`) somewhere else (a ticket, a second host) and
  later pass it as `--anchor`: the record SEQ must still exist and hash to HASH.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

from indexer import IndexerError

__all__ = [
    "AUDIT_FILE",
    "GENESIS",
    "AuditBreak",
    "AuditError",
    "AuditLog",
    "AuditValue",
    "AuditVerdict",
    "current_os_user",
    "line_hash",
    "read_records",
    "verify_chain",
]

AUDIT_FILE = "audit.log"
GENESIS = hashlib.sha256(b"vigie audit log v1").hexdigest()

# a JSON value as the records hold it (recursive: identifier searches record a list of objects)
AuditValue: TypeAlias = "str | int | bool | None | Sequence[AuditValue] | Mapping[str, AuditValue]"

_TAIL_CHUNK = 8192


class AuditError(IndexerError):
    """The audit log cannot be appended to (damaged, not a chained log, or not writable); the
    action it was meant to record is refused."""


@dataclass(frozen=True)
class AuditBreak:
    """The first place where the chain does not hold: a 1-based line number and what is wrong."""

    line: int
    problem: str


@dataclass(frozen=True)
class AuditVerdict:
    """The result of walking the chain: how many records hold, the head to anchor, the first break."""

    records: int
    head_seq: int
    head_hash: str
    broken: AuditBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def line_hash(line: bytes) -> str:
    """The chain link: hex SHA-256 of one record's bytes, without the trailing newline."""
    return hashlib.sha256(line).hexdigest()


def current_os_user() -> str:
    """Who runs this process, from the OS (never from a flag or a variable the caller sets);
    `uid:N` when the uid has no passwd entry (some containers)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class AuditLog:
    """Appends chained records to one audit file (created 0600 in a 0700 directory)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, event: str, fields: Mapping[str, AuditValue]) -> dict[str, AuditValue]:
        """Append one record (`ts`, `event`, the fields, `seq`, `prev`), fsynced before return.

        Raises AuditError when the existing log is damaged or not chained: recording into it
        would hide the damage, so the caller's action must not happen either.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if not self._same_file(fd):  # moved aside while we waited: lock the new one
                    continue
                os.fchmod(fd, 0o600)
                seq, prev = self._chain_tail(fd)
                record: dict[str, AuditValue] = {**fields, "ts": _now(), "event": event, "seq": seq, "prev": prev}
                line = (json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
                data = line.encode("utf-8")
                while data:
                    data = data[os.write(fd, data):]
                os.fsync(fd)
                return record
            finally:
                os.close(fd)  # also releases the lock

    def _same_file(self, fd: int) -> bool:
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)

    def _chain_tail(self, fd: int) -> tuple[int, str]:
        """(seq, prev) of the next record, from the last line of the locked file."""
        size = os.fstat(fd).st_size
        if size == 0:
            return 1, GENESIS
        last = _last_line(fd, size)
        if not last.endswith(b"\n"):
            raise AuditError(f"the audit log {self.path} ends with an incomplete record (a crash during a "
                             "write, or a truncated file): run `vigie audit verify`, move the file aside "
                             "(keep it as evidence) and retry; a new chain starts")
        body = last[:-1]
        try:
            record = json.loads(body)
            seq = record["seq"]
            if not isinstance(seq, int) or not isinstance(record["prev"], str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise AuditError(f"the last line of the audit log {self.path} is not a chained audit record "
                             "(written by a Vigie before the chain existed, or altered): run `vigie audit "
                             "verify`, move the file aside (keep it as evidence) and retry; a new chain "
                             "starts") from None
        return seq + 1, line_hash(body)


def _last_line(fd: int, size: int) -> bytes:
    """The file's last line with its newline, read backwards in chunks (the log only grows)."""
    end = size
    buf = b""
    while end > 0:
        start = max(0, end - _TAIL_CHUNK)
        buf = os.pread(fd, end - start, start) + buf
        end = start
        cut = buf.rfind(b"\n", 0, len(buf) - 1)
        if cut >= 0:
            return buf[cut + 1:]
    return buf


def read_records(path: Path) -> Iterator[tuple[int, dict[str, AuditValue] | None]]:
    """(line number, record or None when the line is not a JSON object), for display."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                record = json.loads(raw)
            except ValueError:
                yield n, None
                continue
            yield n, record if isinstance(record, dict) else None


def _seq_later(lines: list[bytes], seq: int) -> bool:
    """Whether a record numbered `seq` appears among these lines (to tell moved from deleted)."""
    for raw in lines:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("seq") == seq:
            return True
    return False


def verify_chain(path: Path, anchor: tuple[int, str] | None = None) -> AuditVerdict:
    """Walk the chain from GENESIS and stop at the first record that breaks it.

    `anchor` is a (seq, hash) printed by an earlier verify and kept elsewhere: record `seq` must
    still exist with that hash (this catches a truncated tail or a wholesale rewrite).
    """
    data = Path(path).read_bytes()
    lines = data.split(b"\n")
    torn = lines.pop()  # b"" when the file ends with a newline, as a sound log does
    expected_prev, expected_seq = GENESIS, 1
    anchored = anchor is None

    def verdict(broken: AuditBreak | None) -> AuditVerdict:
        return AuditVerdict(records=expected_seq - 1, head_seq=expected_seq - 1, head_hash=expected_prev,
                            broken=broken)

    for n, raw in enumerate(lines, 1):
        try:
            record = json.loads(raw)
        except ValueError:
            return verdict(AuditBreak(n, "not a JSON record (altered or damaged)"))
        seq = record.get("seq") if isinstance(record, dict) else None
        prev = record.get("prev") if isinstance(record, dict) else None
        if not isinstance(seq, int) or not isinstance(prev, str):
            return verdict(AuditBreak(n, "not a chained record (no seq/prev): written before the chain "
                                         "existed, or forged"))
        if seq > expected_seq:
            missing = f"record {expected_seq}" if seq == expected_seq + 1 else f"records {expected_seq}..{seq - 1}"
            fate = "moved further down: the records were reordered" if _seq_later(lines[n:], expected_seq) \
                else "deleted"
            return verdict(AuditBreak(n, f"seq {seq} where {expected_seq} was expected: {missing} {fate}"))
        if seq < expected_seq:
            return verdict(AuditBreak(n, f"seq {seq} where {expected_seq} was expected: a record was "
                                         "inserted or the records were reordered"))
        if prev != expected_prev:
            where = "the chain's start (GENESIS)" if n == 1 else f"line {n - 1}"
            return verdict(AuditBreak(n, f"prev does not match the hash of {where}: "
                                         + ("that line was altered, or this one forged" if n > 1
                                            else "this record was forged or the file's start removed")))
        expected_prev, expected_seq = line_hash(raw), seq + 1
        if anchor is not None and seq == anchor[0]:
            if expected_prev != anchor[1].lower():
                return verdict(AuditBreak(n, f"record {seq} does not hash to the anchor {anchor[1]}: the log "
                                             "was rewritten since the anchor was taken"))
            anchored = True
    if torn:
        return verdict(AuditBreak(len(lines) + 1, "incomplete last record (cut short: a crash during a write, "
                                                  "or the file was truncated)"))
    if not anchored and anchor is not None:
        return verdict(AuditBreak(len(lines) + 1, f"the anchored record {anchor[0]} is missing: records were "
                                                  "removed from the end, or the log was replaced"))
    return verdict(None)
