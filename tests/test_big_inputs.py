"""Big inputs lose nothing: a real `vigie scan` process on files generated on disk.

- a file past 64 MiB (the cut `Limits.max_bytes` made) is read whole, streamed in
  record-aligned chunks on a process pool, its memory bounded (not proportional to the file);
  the same from stdin;
- a big file's fragments equal one pass's (`detect()` on the whole bytes) on both engines,
  UTF-16 input included (transcoded as it streams, never read whole);
- a 200 MB line (no record boundary) is read to its head, said and counted (exit 1), and the
  dumps before and after it are found, the workers' memory bounded;
- a long mysqldump INSERT line is cut between its rows: every row read;
- a crawl's `-o` line of a file of NULs is not six bytes per NUL.

Synthetic data only. Sizes are what shows each point; the slow ones are marked.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.forum import shipped_example_env
from vigie_kit.procmem import descendants, high_water_kb

ROOT = Path(__file__).resolve().parent.parent
KEY_HEX = "358b03877d92bf43a86eedbee420e73eba07462e579cb874240877bfaea37ef4"
MiB = 1 << 20
# prose with nothing that could start a fragment: the engine passes over it at scan speed
FILLER_LINE = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt\n"


def dump(tag: str, n: int = 6) -> bytes:
    """A small CSV dump whose e-mails carry `tag`, a blank line before and after."""
    rows = "".join(f"Nom{k};Jean;{tag}.{k}@example.org;06 12 34 {k % 90 + 10:02d} 78\n" for k in range(n))
    return ("\nnom;prenom;email;telephone\n" + rows + "\n").encode()


def emails(tag: str, n: int = 6) -> set[str]:
    return {f"{tag}.{k}@example.org" for k in range(n)}


def filler(size: int) -> bytes:
    return FILLER_LINE * (size // len(FILLER_LINE))


class Ran:
    def __init__(self, rc: int, stdout: str, stderr: str, peak_mb: int, child_mb: int, seconds: float) -> None:
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.peak_mb, self.child_mb, self.seconds = peak_mb, child_mb, seconds

    def fragments(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]

    def emails(self) -> set[str]:
        return {i["value"] for f in self.fragments() for i in f["identifiers"] if i["type"] == "email"}


def scan(tmp: Path, *args: str, stdin: Path | None = None, engine: str | None = None) -> Ran:
    """`vigie scan ARGS --json --reveal` in its own process, its peak RSS (VmHWM, polled) and its
    detection workers' largest."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}, **shipped_example_env,
           "VIGIE_MATCH_KEY": f"1:{KEY_HEX}", "PYTHONPATH": str(ROOT)}
    if engine:
        env["VIGIE_ENGINE"] = engine
    out, err = tmp / "scan.out", tmp / "scan.err"
    t0 = time.monotonic()
    peak = child = 0
    with open(out, "wb") as o, open(err, "wb") as e, open(stdin or os.devnull, "rb") as i:
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "WARNING", "scan", *args, "--json",
                                 "--reveal", "--config", str(ROOT / "config"), "--data-dir", str(tmp / "data")],
                                stdin=i, stdout=o, stderr=e, cwd=tmp, env=env)
        while True:
            peak = max(peak, high_water_kb(proc.pid))
            for c in descendants(proc.pid):
                child = max(child, high_water_kb(c))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > 240:
                proc.kill()
            time.sleep(0.02)
    ran = Ran(os.waitstatus_to_exitcode(status), out.read_text(), err.read_text(), peak // 1024, child // 1024,
              time.monotonic() - t0)
    out.unlink()
    err.unlink()
    return ran


# the parent holds the interpreter, the engine, the pool's pipes and the chunks in flight
# (2 x workers x ~4 MB): ~150 MB; reading a 70 MB file whole took it well past 400 MB
PARENT_MB = 330
WORKER_MB = 330


@pytest.fixture(scope="module")
def past_64(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """70 MiB: a dump at the start, one in the middle, one past 64 MiB, prose between."""
    path = tmp_path_factory.mktemp("big") / "export.txt"
    with open(path, "wb") as f:
        f.write(dump("debut"))
        f.write(filler(32 * MiB))
        f.write(dump("milieu"))
        f.write(filler(34 * MiB))
        assert f.tell() > 64 * MiB
        f.write(dump("apres64"))
        f.write(filler(3 * MiB))
    return path


@pytest.mark.slow
def test_a_file_past_64_mib_is_read_whole_in_bounded_memory(past_64: Path, tmp_path: Path) -> None:
    ran = scan(tmp_path, str(past_64))
    assert ran.rc == 0, ran.stderr[-2000:]
    assert emails("debut") | emails("milieu") | emails("apres64") <= ran.emails(), ran.stderr[-2000:]
    starts = sorted(f["start_line"] for f in ran.fragments())
    assert starts[-1] > past_64.stat().st_size // len(FILLER_LINE) * 0.9  # the whole input's line numbers
    assert ran.peak_mb < PARENT_MB, f"vigie scan peaked at {ran.peak_mb} MB for a 70 MiB file"
    assert ran.child_mb < WORKER_MB, f"a detection worker peaked at {ran.child_mb} MB"


@pytest.mark.slow
def test_stdin_past_64_mib_is_read_whole(past_64: Path, tmp_path: Path) -> None:
    ran = scan(tmp_path, "-", stdin=past_64)
    assert ran.rc == 0, ran.stderr[-2000:]
    assert emails("debut") | emails("milieu") | emails("apres64") <= ran.emails(), ran.stderr[-2000:]
    assert ran.peak_mb < PARENT_MB, f"vigie scan - peaked at {ran.peak_mb} MB for 70 MiB on stdin"


@functools.cache
def _mixed(blocks: int) -> bytes:
    """Dumps of several kinds, separated by blank lines and prose, one after another."""
    from tests.corpus.generate import make_dump

    parts = []
    for k in range(blocks):
        # (SQL last: a statement in an input's first half sends the rest through the engine whole)
        kind = ["csv", "combo", "jsonl", "separated_run"][k % 4] if k < blocks - 4 else ["sql_insert", "pg_copy"][k % 2]
        parts.append(make_dump(kind, 12, 900 + k)[0].encode())
        parts.append(filler(300 * 1024))
    return b"\n\n".join(parts)


def _one_pass(data: bytes, engine: str, filename: str) -> list[dict]:
    """`detect()` on the whole bytes in this process, on the given engine, as `vigie scan` prints it."""
    from contextlib import nullcontext

    from indexer import engine as _engine
    from indexer.detect import detect
    from indexer.tokens import MatchKey
    from vigie.cli.scan import fragment_json

    with _engine.reference_only() if engine == "python" else nullcontext():
        frags = detect(data, key=MatchKey(bytes.fromhex(KEY_HEX)), filename=filename)
    return [json.loads(json.dumps(fragment_json(f, True))) for f in frags]


@pytest.mark.slow
@pytest.mark.parametrize(("engine", "encoding"), [("native", "utf-8"), ("python", "utf-8"), ("python", "utf-16-le")])
def test_a_big_file_streamed_gives_one_pass_fragments(engine: str, encoding: str, tmp_path: Path) -> None:
    from indexer import engine as _engine

    if engine == "native" and _engine.native_module() is None:
        pytest.skip("the compiled core is not built")
    data = _mixed(30)
    if encoding != "utf-8":
        data = data.decode("utf-8").encode(encoding)
    assert 8 * MiB < len(data) < 64 * MiB  # streamed by vigie scan; one pass can still read it whole
    path = tmp_path / "melange.txt"
    path.write_bytes(data)
    want = _one_pass(data, engine, path.name)
    assert len(want) >= 25
    ran = scan(tmp_path, str(path), engine=engine)
    assert ran.rc == 0, ran.stderr[-2000:]
    assert ran.fragments() == want


@pytest.mark.slow
def test_a_200_mb_line_is_read_to_its_head_said_and_nothing_else_lost(tmp_path: Path) -> None:
    """One line of 200 MB: a list of addresses with no line end. Its head (1,000,000 characters,
    to its last whole address) is read, the rest counted as not read (stderr, exit 1); the dumps
    before and after it, and a second file given after it, are found; no process holds the line."""
    block = b"".join(f"ligne.{k}@example.org; ".encode() for k in range(40_000))  # 1 MB, repeated
    path = tmp_path / "uneligne.txt"
    with open(path, "wb") as f:
        f.write(dump("avant"))
        for _ in range(200 * 1_000_000 // len(block)):
            f.write(block)
        f.write(b"\n")
        f.write(dump("apres"))
    after = tmp_path / "suivant.csv"
    after.write_bytes(dump("suivant"))
    ran = scan(tmp_path, str(path), str(after))
    assert ran.rc == 1, ran.stderr[-2000:]
    assert "uneligne.txt: 1 line(s) longer than 1,000,000 characters: only the head of each was read" in ran.stderr
    got = ran.emails()
    assert emails("avant") | emails("apres") | emails("suivant") <= got, ran.stderr[-2000:]
    assert len({e for e in got if e.startswith("ligne.")}) >= 30_000  # the head's (1,000,000 characters)
    assert "Traceback" not in ran.stderr
    assert ran.peak_mb < PARENT_MB, f"vigie scan peaked at {ran.peak_mb} MB"
    assert ran.child_mb < WORKER_MB, f"a detection worker peaked at {ran.child_mb} MB"


@pytest.mark.slow
def test_a_long_insert_line_is_cut_between_rows_every_row_read(tmp_path: Path) -> None:
    """mysqldump writes a table's rows as one INSERT line of many megabytes: every row is read."""
    n = 200_000
    rows = ",".join(f"({k},'sql.{k}@example.org','06 12 {k // 100 % 100:02d} {k % 100:02d} 00')" for k in range(n))
    data = ("CREATE TABLE `clients` (\n  `id` int,\n  `email` varchar(255),\n  `tel` varchar(20)\n);\n"
            f"INSERT INTO `clients` VALUES {rows};\n").encode() + dump("fin")
    assert len(data) > 8 * MiB and data.count(b"\n") < 20
    path = tmp_path / "dump.sql"
    path.write_bytes(data)
    ran = scan(tmp_path, str(path))
    assert ran.rc == 0, ran.stderr[-2000:]
    got = ran.emails()
    assert {f"sql.{k}@example.org" for k in range(n)} <= got
    assert emails("fin") <= got
    assert {f["start_line"] for f in ran.fragments() if f["kind"] != "csv"} == {6}


def test_crawl_output_of_a_file_of_nuls_is_not_six_bytes_a_nul(tmp_path: Path) -> None:
    """`vigie crawl -o`: a member of NULs (a decompression bomb's zeros) wrote each NUL as `\\u0000`;
    the line is now what the text holds (as detection reads it: NULs dropped), the dump kept."""
    from datetime import UTC, datetime

    from crawler.sink import JsonlSink
    from indexer.models import CrawledItem, Provenance

    raw = b"\x00" * (16 * MiB) + dump("nuls") + b"\x00" * MiB
    prov = Provenance(source="forum", url="http://127.0.0.1/f/1", fetched_at=datetime.now(UTC), filename="zeros.csv")
    item = CrawledItem(provenance=prov, post_id="1", raw=raw)
    out = tmp_path / "items.jsonl"
    sink = JsonlSink(out)
    sink.accept(item)
    sink.close()
    assert out.stat().st_size < 64 * 1024, out.stat().st_size
    body = json.loads(out.read_text(encoding="utf-8"))["body"]
    assert all(e in body for e in emails("nuls"))
