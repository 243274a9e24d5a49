"""One-line JSON exports of millions of tiny objects (wave 23's hostile-input round).

- `[{}, {}, ...]`: each empty object was a node of the one-line reader (`records._long_json_spans`)
  kept to the end, ~650 bytes each: 5 MB of them took 420 MB in `detect()`, and a 2 MiB chunk of a
  streamed file as much in each detection process; they also counted towards the reader's cap of
  1,000,000 objects, past which the records after them were silently not read. An empty object
  holds nothing: it is neither kept nor counted now (the first one aside);
- a one-line export is read whole by `detect()` (record by record), but the crawl and `vigie scan`
  said of it "1 line(s) longer than 1,000,000 characters: only the head of each was read" (a
  `lines_too_long` refusal, exit 1) when everything was read; they now say only what is not read:
  the objects past the reader's cap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.attachments import expand_attachment, long_lines_said
from indexer.crypto import DataKey
from indexer.detect.caps import json_past_cap
from indexer.ingest import Ingestor
from indexer.models import CrawledItem
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import MatchKey
from vigie.config.schema import AttachmentLimits

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys
from indexer.detect import detect
from indexer.tokens import MatchKey
n = int(sys.argv[1])
data = b"[" + b"{}," * n + b'{"email": "dernier@example.org", "tel": "0612345678"}, {"email": "fin@example.org"}]'
frags = detect(data, key=MatchKey(b"\\x24" * 32, version=2), filename="export.json")
emails = sorted(i.value for f in frags for i in f.identifiers if i.type == "email")
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(emails, hwm // 1024)
"""


def _run(n: int) -> tuple[list[str], int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n)], capture_output=True, text=True, cwd=ROOT,
                         check=True, timeout=300).stdout.split("]")
    return json.loads(out[0].replace("'", '"') + "]"), int(out[1])


def test_a_line_of_millions_of_empty_objects_costs_no_memory_and_hides_no_record() -> None:
    emails, small_mb = _run(10)
    assert emails == ["dernier@example.org", "fin@example.org"]
    # 1.1 million empty objects (3.3 MB, past the reader's cap of 1,000,000 objects): before, 317 MB
    # more than the small case (its peak, VmHWM, is this child's own) and the records after them lost
    emails, big_mb = _run(1_100_000)
    assert emails == ["dernier@example.org", "fin@example.org"]
    assert big_mb - small_mb < 150, (small_mb, big_mb)


def test_a_one_line_export_read_whole_is_not_said_to_be_cut() -> None:
    rows = [{"email": f"client{k}@example.org", "telephone": f"06 12 34 {k % 100:02d} 78"} for k in range(40_000)]
    data = json.dumps(rows).encode()  # 2.3 MB on one line: read whole, record by record
    assert len(data) > 2_000_000
    assert long_lines_said(data, "export.json") is None
    skipped: list = []  # type: ignore[type-arg]
    files = expand_attachment("export.json", data, AttachmentLimits(), skipped)
    assert [f.filename for f in files] == ["export.json"] and skipped == []
    # a line that is not JSON is still said to be read in part
    said = long_lines_said(b"x" * 1_500_000 + b"\n", "a.txt")
    assert said is not None and "only the head of each was read" in said


def test_objects_past_the_one_line_readers_cap_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """detect() reads the first 1,000,000 objects of one line; a file of more under the 8 MiB a file
    is streamed past (8.2 MB of `{"a":1},`) was said and the rest lost (wave 23). Such an input is
    now detected in chunks, as a bigger one (the cutter cuts the line between its records). Here at
    a tenth of the scale, for the suite's time: the reader's cap 100,000, the stream's chunks 256 kB
    (a tenth of 2 MiB, which holds far fewer than 1,000,000 objects)."""
    from indexer import ingest
    from indexer.detect import records

    monkeypatch.setattr(records, "_LONG_JSON_RECORDS", 100_000)
    monkeypatch.setattr(ingest, "DEFAULT_CHUNK_BYTES", 256 * 1024)
    tail = b'{"email": "dernier@example.org", "tel": "0612345678"}, {"email": "fin@example.org", "tel": "0698765432"}]'
    data = b"[" + b'{"a":1},' * 150_000 + tail  # one line of 1.05 MB: past the detector's line cap too
    assert json_past_cap(data) and not json_past_cap(b"[" + b'{"a":1},' * 90_000 + tail)
    assert long_lines_said(data, "export.json") is None  # read whole: nothing to say
    skipped: list = []  # type: ignore[type-arg]
    files = expand_attachment("export.json", data, AttachmentLimits(), skipped)
    assert [f.filename for f in files] == ["export.json"] and skipped == []
    store = EmbeddedStore(tmp_path / "store.sqlite3")
    ingestor = Ingestor(store, MatchKey(b"\x24" * 32, version=2), DataKey(b"\x11" * 32), workers=1)
    try:  # the crawl's write path: both records at the line's end are read
        docs = ingestor.ingest(CrawledItem(source="s", url="http://x.onion/1", raw=data, filename="export.json"))
    finally:
        ingestor.close()
        store.close()
    assert sum(d.counts.get("email", 0) for d in docs.fragments) == 2, [d.counts for d in docs.fragments]
