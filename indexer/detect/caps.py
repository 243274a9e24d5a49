"""Inputs whose detection stopped at a cap, counted so that callers can say so.

`Limits` caps one `detect()` call's fragments (`max_fragments`, 10,000), identifiers
(`max_identifiers`, 5,000,000) and CPU time (`max_seconds`, 20 s): past one, detection returns
what it found and the rest of that input is not read. That was a log line only: an mbox of
100,000 tiny messages (8.5 MB) hid a dump at its end, and neither the crawl's summary nor
`vigie scan`'s exit code said anything. Each stop is now counted here, per process; the
detection processes (`indexer.detect.parallel`) send theirs back with their fragments and the
caller adds them (`count`), so the crawl's summary (`refused: detection_stopped`,
crawler.runner) and `vigie scan` (exit 1, the file named) read one number: `stopped()` after
minus before. The detector's own log line says where in its input it stopped, not which input
(a detection process knows no URL): the caller that does says that (`said`: the ingest names
the item's masked URL and file).
"""

from __future__ import annotations

import threading

from loguru import logger

from indexer.decode import Limits

__all__ = ["count", "json_past_cap", "said", "stopped", "stopped_text"]

_STOPPED = [0]
_LOCK = threading.Lock()  # (the crawl detects on a thread of its own)


def count(n: int = 1) -> None:
    """`n` more inputs (or chunks of one) whose detection stopped at a cap."""
    with _LOCK:
        _STOPPED[0] += n


def stopped() -> int:
    """How many detections stopped at a cap in this process (theirs included for the pool's)."""
    return _STOPPED[0]


def stopped_text(n: int, limits: Limits | None = None) -> str:
    """What `vigie scan` says of an input whose detection stopped `n` times."""
    lim = limits or Limits()
    where = "once" if n == 1 else f"in {n} of its chunks"
    return (f"detection stopped at a cap {where} ({lim.max_fragments:,} fragments, {lim.max_identifiers:,} "
            f"identifiers or {lim.max_seconds:g} s of CPU for one input): the rest was not read; split the "
            "file and scan its parts")


def said(n: int, where: str, limits: Limits | None = None) -> None:
    """Log that the detection of `where` (an item's masked URL and its file, never its text)
    stopped at a cap `n` times: the operator reading the log finds the input whose rest was not
    read, not only a line number in a detection process's log."""
    lim = limits or Limits()
    logger.warning("detection of {} stopped at a cap {} ({:,} fragments, {:,} identifiers or {:g} s of CPU for one "
                   "input or chunk): the rest of it was not read (counted: refused detection_stopped)", where,
                   "once" if n == 1 else f"{n} times", lim.max_fragments, lim.max_identifiers, lim.max_seconds)


def json_past_cap(data: bytes | str) -> bool:
    """Whether one `detect()` call would leave part of a one-line JSON export unread: a line
    that opens an array of objects and holds more non-empty ones than its one-line reader keeps
    (`records._LONG_JSON_RECORDS`, 1,000,000: each kept is a node and a parsed record, ~550 MB at
    the cap). The callers detect such an input in chunks instead, as a big one
    (`parallel.detect_stream`/`detect_here`: the cutter cuts the line between its records, each
    piece a valid JSON line), so every record is read; it was said and the rest lost. Only an
    input over 6 MB with a line past `Limits.max_line_chars` is looked at (an object that is not
    empty takes 6 characters); then its brackets are counted once (C-level scan)."""
    from indexer.detect.records import _LONG_JSON_RECORDS, is_long_json_records, long_json_unread

    if len(data) <= 6 * _LONG_JSON_RECORDS:
        return False
    cap = Limits().max_line_chars
    nl: bytes | str = b"\n" if isinstance(data, bytes) else "\n"
    pos = 0
    while len(data) - pos > cap:
        last = data.rfind(nl, pos, pos + cap + 1)  # type: ignore[arg-type]
        if last >= 0:  # no long line starts here: on by a window of `cap` (as `_has_long_run`)
            pos = last + 1
            continue
        end = data.find(nl, pos)  # type: ignore[arg-type]
        end = len(data) if end < 0 else end
        if end - pos > 6 * _LONG_JSON_RECORDS:
            line = data[pos:end]
            text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            if is_long_json_records(text) and long_json_unread(text) > 0:
                return True
        pos = end + 1
    return False
