"""Big inputs through the process pool (`indexer.detect.parallel`) equal one pass, in order.

Small chunk sizes (tens of kB) stand in for the 8 MB default so that fragments cross chunk
boundaries many times: dumps separated by single blank lines, key: value doxes spaced out by
blank lines (which bridge them), SQL with CREATE TABLE far above header-less INSERTs, and
multi-line INSERT statements with blank lines inside. The reference is `detect()` on the
whole input. A real spawned pool of 2 processes runs the chunks.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.detect import detect
from indexer.detect.chunking import _lines
from indexer.detect.parallel import DetectPool, chunks, detect_stream, make_pool, pack, unpack
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump, make_post, make_prose_post

KEY = MatchKey(bytes.fromhex("17" * 32))


def _big_mixed() -> bytes:
    parts: list[str] = ["CREATE TABLE clients (", "  id int,", "  email varchar(255),", "  telephone varchar(20),",
                        "  nom varchar(64)", ");", ""]
    for i in range(110):
        if i % 5 == 0:
            parts.append(make_post(61_000 + i)[0])
        elif i % 5 == 1:
            parts.append(make_dump(["csv", "combo", "jsonl", "pg_copy", "separated_run"][i % 10 // 2], 30, 700 + i)[0])
        elif i % 5 == 2:  # a dox spaced out with blank lines: bridges blank lines
            parts.append(f"Nom: Martin{i}\n\nPrénom: Léa\n\nTel: 06 12 34 {i % 90 + 10:02d} 78\n\n"
                         f"Email: lea.martin{i}@gmail.com\n\nNé le: 01/02/1990")
        elif i % 5 == 3:  # a header-less INSERT reads the CREATE TABLE at the top; one runs over blank lines
            parts.append(f"INSERT INTO clients VALUES ({i},'c{i}@free.fr','0612345{i % 900 + 100:03d}','Durand'),\n\n"
                         f"({i + 1},'d{i}@orange.fr','0712345{i % 900 + 100:03d}','Petit');")
        else:
            parts.append(make_prose_post(62_000 + i))
    return "\n\n".join(parts).encode()


def _key(fs: list) -> list:
    return [(f.kind, f.start_line, f.end_line, f.text, f.excerpt, f.severity,
             [(x.type, x.value, x.token, x.start, x.end) for x in f.identifiers],
             [(s.category, s.evidence, s.start, s.end) for s in f.sensitive], f.delimiter) for f in fs]


@pytest.fixture(scope="module")
def mixed() -> bytes:
    return _big_mixed()


@pytest.fixture(scope="module")
def pool() -> Iterator[DetectPool]:
    p = make_pool(KEY, 2)  # real spawned processes, started once for the module
    yield p
    p.shutdown()


def test_chunks_cover_the_input_in_order(mixed: bytes) -> None:
    cs = list(chunks([mixed[i:i + 7000] for i in range(0, len(mixed), 7000)], chunk_bytes=14_000))
    assert len(cs) >= 5
    assert b"".join(c.data for c in cs) == mixed
    line = 0
    for c in cs:
        assert c.first_line == line
        line += _lines(c.data)
    assert any(c.prelude.startswith(b"CREATE TABLE clients") for c in cs[1:])


def test_pool_equals_one_pass_across_chunk_boundaries(mixed: bytes, pool: DetectPool) -> None:
    want = detect(mixed, key=KEY)
    assert len(want) > 70
    for size in (20_000, 57_000):
        got = list(detect_stream(io.BytesIO(mixed), key=KEY, pool=pool, chunk_bytes=size))
        assert _key(got) == _key(want), size
    # CRLF line ends: same fragments (the engine counts CR LF as one line end)
    crlf = mixed.replace(b"\n", b"\r\n")
    assert _key(list(detect_stream([crlf], key=KEY, pool=pool, chunk_bytes=30_000))) == _key(detect(crlf, key=KEY))


def test_combo_list_without_boundaries_streams(tmp_path: Path, pool: DetectPool) -> None:
    """One block of records, no blank line: cut at line ends, every record still read once."""
    text, _ = make_dump("combo", 4000, 5)
    path = tmp_path / "combo.txt"
    path.write_bytes(text.encode())
    whole = detect(text.encode(), key=KEY)
    got = list(detect_stream(path, key=KEY, pool=pool, chunk_bytes=16_000))
    assert len(got) > 1 and [f.kind for f in got] == ["combo"] * len(got)
    assert got[0].start_line == whole[0].start_line and got[-1].end_line == whole[-1].end_line
    assert all(a.end_line + 1 == b.start_line for a, b in zip(got, got[1:], strict=False))
    assert sorted(i.token for f in got for i in f.identifiers) == sorted(i.token for f in whole for i in f.identifiers)
    assert os.getpid() not in {f.result() for f in [pool.submit(os.getpid) for _ in range(4)]}  # other processes


def _records_big() -> dict[str, bytes]:
    """Inputs whose records span lines, with no blank line to cut at: a pretty-printed JSON
    array and a CSV whose notes cells hold line breaks."""
    import json

    rows = [{"id": k, "nom": f"Nom{k}", "prenom": "Jean", "email": f"patient{k}@example.fr",
             "telephone": f"06 12 {k // 100 % 100:02d} {k % 100:02d} 00", "notes": "suivi\nRAS"}
            for k in range(1500)]
    csv = "nom;prenom;notes;email;telephone\n" + "\n".join(
        f'Nom{k};Jean;"suivi du\n{k}\nRAS";patient{k}@example.fr;06 12 {k // 100 % 100:02d} {k % 100:02d} 00'
        for k in range(1500))
    return {"json": json.dumps(rows, indent=2).encode(), "csv": csv.encode()}


@pytest.mark.parametrize("shape", ["json", "csv"])
def test_records_across_lines_are_not_cut_between_chunks(pool: DetectPool, shape: str) -> None:
    """Without a blank line to cut at, a chunk ends where no record is cut (after a JSON
    record's `}`, outside a quoted cell): every record is read whole, as in one pass."""
    data = _records_big()[shape]
    whole = {(i.type, i.value) for f in detect(data, key=KEY) for i in f.identifiers}
    got = list(detect_stream([data], key=KEY, pool=pool, chunk_bytes=20_000))
    assert len(got) > 4
    assert {(i.type, i.value) for f in got for i in f.identifiers} == whole
    assert len({v for t, v in whole if t == "email"}) == 1500


# ------------------------------------------------------------------ parallel ingest, crash, rerun
def _items() -> list[dict[str, str]]:
    """Posts with a dump each, one of them naming the registered organisation's contact; one
    item is a file attachment over the test's `big_bytes` (detected in chunks on the pool)."""
    from tests.test_alerts_delivery import OURS

    items = []
    for i in range(10):
        rows = ["nom;prenom;email;telephone"] + [f"Client{j};Alex;client{i}.{j}@exemple-{i}.fr;06 1{i} 2{j % 10} 34 56"
                                                 for j in range(8)]
        rows.insert(3, f"Durand;Camille;{OURS[0][1]};{OURS[1][1]}")
        body = f"Base clients n°{i}, échantillon :\n\n" + "\n".join(rows) + "\n\nle reste en PV"
        items.append({"source": "forum-a", "url": f"http://forum.test/t/{i}#p1", "body": body})
    big = "\n\n".join(f"id;email;telephone\n{k};{OURS[0][1]};{OURS[1][1]}\n{k + 1};x{k}@exemple.org;07 98 76 54 32\n"
                      f"{k + 2};y{k}@exemple.org;07 98 76 54 31" for k in range(0, 600, 3))
    items.insert(5, {"source": "forum-a", "url": "http://forum.test/files/export.csv", "filename": "export.txt",
                     "raw": big.encode().hex()})
    return items


def _ingest(env, data, items_path, kill_after: int) -> int:
    import subprocess
    import sys

    log = items_path.parent / f"ingest-{kill_after}.log"
    with open(log, "w") as err:  # a file, not a pipe: the killed process's pool workers hold it
        proc = subprocess.Popen([sys.executable, "-m", "tests.fixtures.crash_ingest", str(env.config), str(data),
                                 str(items_path), str(kill_after), "4000"], cwd=Path(__file__).resolve().parents[1],
                                start_new_session=True, stderr=err)
        try:
            proc.wait(timeout=120)
        finally:
            try:  # the killed process's pool workers, if any outlived it
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert proc.returncode in (0, -signal.SIGKILL), log.read_text()[-3000:]
    return proc.returncode


@pytest.mark.slow
def test_crash_mid_parallel_ingest_then_rerun(alerts_env, smtp_sink, webhook_receiver, tmp_path) -> None:
    """A crawl child killed after the 4th item's alerts while the pool had detected further
    items: the rerun stores every fragment once and records, then delivers, every alert once,
    the same alerts as a clean sequential run into another data directory."""
    import json

    from indexer.models import CrawledItem
    from tests.test_alerts_delivery import OURS, all_sent, drain, register
    from vigie.wiring import build_delivery_worker, build_matcher, open_ingest_sink, open_store

    register(alerts_env, OURS)
    items_path = tmp_path / "items.json"
    items_path.write_text(json.dumps(_items()))
    assert _ingest(alerts_env, alerts_env.data, items_path, 4) == -signal.SIGKILL
    rt = alerts_env.runtime()
    store = open_store(rt.config, alerts_env.data)
    n_crashed = store.count()
    store.close()
    items = [CrawledItem(source=d["source"], url=d["url"], body=d.get("body", ""), filename=d.get("filename"),
                         raw=bytes.fromhex(d["raw"]) if d.get("raw") else None) for d in _items()]
    for data, workers in ((alerts_env.data, 2), (tmp_path / "ref", 1)):
        # the rerun, on 2 processes; then the reference: the same items, no crash, one process, a
        # fresh data directory (same keys and registry)
        if workers == 1:
            data.mkdir(mode=0o700)
            shutil.copytree(alerts_env.data / "alerts", data / "alerts")
            for name in ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm", "alerts.sqlite3"):
                assert not (data / name).exists()
        with open_ingest_sink(rt.config, data, rt.match_key, rt.data_key) as sink:
            sink.workers, sink.big_bytes, sink.batch_items, sink.pool_min_bytes = workers, 4000, 2, 0
            try:
                sink.ingest_many(items)
            finally:
                sink.close()
    ref = tmp_path / "ref"

    def state(data: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
        db = sqlite3.connect(data / "store.sqlite3")
        ids = sorted(r[0] for r in db.execute("SELECT id FROM fragments"))
        db.close()
        m = build_matcher(rt.config, data)
        alerts = sorted((a["alert_id"], a["org"], a["fragment_id"]) for a in m.outbox.list_alerts())
        m.outbox.close()
        m.registry.close()
        return ids, alerts

    got_ids, got_alerts = state(alerts_env.data)
    want_ids, want_alerts = state(ref)
    assert 0 < n_crashed and got_ids == want_ids
    assert len(got_alerts) >= 10 and got_alerts == want_alerts
    assert len({a[0] for a in got_alerts}) == len(got_alerts)

    matcher = build_matcher(rt.config, alerts_env.data)
    worker = build_delivery_worker(rt.config, alerts_env.data)
    drain(worker, lambda: all_sent(matcher.outbox), timeout=60)
    time.sleep(0.3)
    assert sorted(webhook_receiver.processed) == sorted(a[0] for a in got_alerts)
    assert webhook_receiver.duplicates == 0 and len(webhook_receiver.receipts) == len(got_alerts)
    assert len(smtp_sink.message_ids()) == len(set(smtp_sink.message_ids())) == len(got_alerts)


def test_fragments_cross_the_pipe_as_columns_unchanged() -> None:
    """`pack`/`unpack` (what the pool's workers send instead of pickled `Identifier`s) give back
    equal fragments: cards with their network, national ids with their country, identifiers
    without a span, key versions, flags, severity, delimiter; and a pickled round trip too."""
    import pickle

    posts = [make_post(900 + i)[0] for i in range(40)] + [make_dump(k, 30, faker_seed=7)[0]
                                                       for k in ("csv", "combo", "dox", "jsonl", "hl7")]
    frags = [f for p in posts for f in detect(p, key=KEY)]
    frags += detect(make_dump("csv", 20, faker_seed=8)[0], key=MatchKey(bytes.fromhex("18" * 32), version=3))
    kinds = {i.type for f in frags for i in f.identifiers}
    assert {"card", "national_id", "email", "phone"} <= kinds
    # and shapes detection rarely makes: no span, mixed key versions, a token of another length
    from indexer.models import Fragment, Identifier
    frags.append(Fragment("dox", 3, 4, "x", [Identifier("email", "a@b.fr", b"\x01" * 16, 1, None, None),
                                             Identifier("card", "4111111111111111", b"\x02" * 16, 2, 0, 4, "visa"),
                                             Identifier("national_id", "BE:85073003328", b"\x03" * 8, 2, 1, 2,
                                                        None, "BE")]))
    assert any(f.sensitive for f in frags) and any(f.delimiter for f in frags)
    back = unpack(pickle.loads(pickle.dumps(pack(frags), protocol=pickle.HIGHEST_PROTOCOL)))
    assert back == frags
    assert [i.network for f in back for i in f.identifiers] == [i.network for f in frags for i in f.identifiers]
    assert unpack(pack([])) == []




def test_a_pool_outlives_the_thread_that_started_its_workers(mixed: bytes) -> None:
    """The pool spawns its workers from the thread that first submits work (in a crawl, the one
    that met the first big attachment). That thread ending must not touch them. It did while the
    workers asked Linux for PR_SET_PDEATHSIG, which fires on the spawning *thread's* exit: the
    pool broke ("a child process terminated abruptly"), and a worker killed while holding the
    task queue's lock made the next `shutdown()` wait forever (a `vigie crawl` that never ended)."""
    import threading

    p = make_pool(KEY, 2)
    first = threading.Thread(target=lambda: list(detect_stream([mixed], key=KEY, chunk_bytes=20_000, pool=p)))
    first.start()
    first.join()
    assert len(p._processes) == 2  # both spawned by the thread that has now ended
    time.sleep(1.0)
    try:
        got = list(detect_stream([mixed], key=KEY, chunk_bytes=20_000, pool=p))
        assert _key(got) == _key(detect(mixed, key=KEY))
    finally:
        closer = threading.Thread(target=p.shutdown, daemon=True)
        closer.start()
        closer.join(timeout=60)
    assert not closer.is_alive(), "the pool's shutdown hung"


def test_pool_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    """A crawl killed by SIGKILL leaves no detection process holding the match key."""
    import subprocess
    import sys

    script = ("import sys, time\n"
              "from indexer.detect.parallel import detect_stream, make_pool\n"
              "from indexer.tokens import MatchKey\n"
              "if __name__ == '__main__':\n"
              "    key = MatchKey(bytes(32))\n"
              "    p = make_pool(key, 2)\n"
              "    list(detect_stream([b'a@exemple.fr;0612345678\\n' * 400], key=key, chunk_bytes=2000, pool=p))\n"
              "    print(' '.join(str(pid) for pid in p._processes), flush=True)\n"
              "    time.sleep(600)\n")
    (tmp_path / "parent.py").write_text(script)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "parent.py")], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    try:
        assert proc.stdout is not None
        pids = [int(x) for x in proc.stdout.readline().split()]
    finally:
        proc.kill()
        proc.wait()
    assert len(pids) == 2

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in pids), [pid for pid in pids if alive(pid)]


def test_a_broken_pool_is_replaced_for_the_next_item(mixed: bytes, tmp_path: Path) -> None:
    """A detection process killed (by the OOM killer, say) breaks the pool for good. The item
    then being detected fails (not stored, so the crawler retries it); the next item gets new
    processes instead of failing too."""
    from concurrent.futures.process import BrokenProcessPool

    from indexer.ingest import Ingestor
    from indexer.models import CrawledItem
    from indexer.store.embedded import EmbeddedStore
    from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY

    store = EmbeddedStore(tmp_path / "s.sqlite3")
    sink = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, workers=2, big_bytes=20_000)
    item = CrawledItem(source="s", url="http://x.onion/files/1/dump.txt", raw=mixed, filename="dump.txt")
    try:
        first = sink.ingest(item)
        pool = sink.pool()
        os.kill(next(iter(pool._processes)), signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            sink.ingest(item)
        again = sink.ingest(item)
        assert sink.pool() is not pool
        assert len(first.fragments) > 70 and [d.id for d in again.fragments] == [d.id for d in first.fragments]
    finally:
        sink.close()
        store.close()


def test_a_small_batch_is_detected_without_starting_the_pool(tmp_path: Path) -> None:
    """A crawl hands the ingest its pages' posts in small batches: starting the detection processes
    for them (each imports and warms up the engine, 1-3 s of CPU) cost more than detecting them,
    and made every small crawl seconds slower. A batch under `pool_min_bytes` is detected in the
    process while no pool runs; a bigger one starts the pool, which then serves every batch.
    Same fragments either way."""
    from indexer.ingest import Ingestor
    from indexer.models import CrawledItem
    from indexer.store.embedded import EmbeddedStore
    from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY

    def items(tag: str, n: int, size: int) -> list[CrawledItem]:
        return [CrawledItem(source="s", url=f"http://x.onion/t/{tag}{k}", body=make_dump("csv", size, k)[0])
                for k in range(n)]

    small, big = items("a", 3, 5), items("b", 4, 400)
    assert sum(len(it.body) for it in small) < 50_000 < sum(len(it.body) for it in big)
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    sink = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, workers=2, pool_min_bytes=50_000)
    try:
        got_small = sink.ingest_many(small)
        assert sink._pool is None  # no detection process started for three small posts
        got_big = sink.ingest_many(big)
        assert sink._pool is not None  # the big batch started them
        again = sink.ingest_many(small)  # and, running, they take the small batches too
        assert [[d.id for d in r.fragments] for r in again] == [[d.id for d in r.fragments] for r in got_small]
        assert all(r.fragments for r in got_small) and all(r.fragments for r in got_big)
    finally:
        sink.close()
        store.close()


def test_one_detection_process_reads_a_big_item_in_the_pools_chunks(mixed: bytes, tmp_path: Path) -> None:
    """`detection.workers: 1` (the default on a one-core host): a big item is detected in this
    process in the pool's chunks, with the pool's fragments (here 20 kB chunks of the mixed dump)."""
    from indexer.ingest import Ingestor
    from indexer.models import CrawledItem
    from indexer.store.embedded import EmbeddedStore
    from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY

    item = CrawledItem(source="s", url="http://x.onion/files/1/dump.txt", raw=mixed, filename="dump.txt")
    got = {}
    for workers in (1, 2):
        store = EmbeddedStore(tmp_path / f"s{workers}.sqlite3")
        sink = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, workers=workers, big_bytes=20_000)
        try:
            got[workers] = [d.id for d in sink.ingest(item).fragments]
            assert (sink._pool is None) == (workers == 1)  # no process started for one
        finally:
            sink.close()
            store.close()
    assert len(got[1]) > 70 and got[1] == got[2]


def test_one_detection_process_reads_an_item_past_64_mib_to_its_end(tmp_path: Path) -> None:
    """An attachment's member may be 200 MiB within the default caps. Detected whole, `decode`
    cut it at 64 MiB (a warning in the log, the tail never read): the rows after it were lost."""
    from indexer.ingest import Ingestor
    from indexer.models import CrawledItem
    from indexer.store.embedded import EmbeddedStore
    from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY

    line = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n"
    tail = b"email;telephone\n" + b"".join(b"client%d@exemple.fr;06 12 34 56 %02d\n" % (i, i) for i in range(20))
    data = line * ((65 << 20) // len(line)) + tail
    assert len(data) > 64 << 20
    store = EmbeddedStore(tmp_path / "s.sqlite3")
    sink = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, workers=1)
    try:
        docs = sink.ingest(CrawledItem(source="s", url="http://x.onion/f/big.csv", raw=data, filename="big.csv"))
    finally:
        sink.close()
        store.close()
    assert [(d.counts.get("email"), d.counts.get("phone")) for d in docs.fragments] == [(20, 20)]
