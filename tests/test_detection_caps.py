"""Detection stopped at a cap is said to the caller (wave 23, hostile input).

`Limits` caps one input's detection (10,000 fragments, 5,000,000 identifiers, 20 s of CPU); past
one, the rest of the input was not read with only a log line to say so: an mbox of 100,000 tiny
messages hid a dump at its end, and neither the crawl's summary nor `vigie scan`'s exit code
showed it. Each stop is now counted (`indexer.detect.caps`), in this process and in the
detection processes (`indexer.detect.parallel`, sent back with their fragments), and said:
`vigie scan` exits 1 naming the file, a crawl's summary counts it (`refused: detection_stopped`).
Both engines (the suite runs this file under each).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.decode import Limits
from indexer.detect import caps, detect
from indexer.detect.parallel import detect_items, detect_stream, make_pool
from indexer.tokens import MatchKey

KEY = MatchKey(bytes(range(32)), 1)
SMALL = Limits(max_fragments=5)


def blocks(n: int, tag: str = "cap") -> bytes:
    """`n` two-row tables apart (one fragment each): the cheapest input with many fragments."""
    return "".join(f"nom;email;tel\nA;{tag}{i}.a@example.org;0612345678\nB;{tag}{i}.b@example.org;0612345679\n\n"
                   "bla\n\n" for i in range(n)).encode()


def test_a_detection_stopped_at_its_fragment_cap_is_counted() -> None:
    assert len(detect(blocks(20), key=KEY)) == 20
    before = caps.stopped()
    assert len(detect(blocks(20), key=KEY)) == 20  # (the same, under no cap: nothing counted)
    assert caps.stopped() == before
    assert len(detect(blocks(20), key=KEY, limits=SMALL)) == 5
    assert caps.stopped() == before + 1
    assert len(detect(blocks(5), key=KEY, limits=SMALL)) == 5  # exactly at the cap: stopped after the last
    assert caps.stopped() == before + 2
    assert len(detect(blocks(4), key=KEY, limits=SMALL)) == 4
    assert caps.stopped() == before + 2


def test_the_detection_processes_send_their_stops_back() -> None:
    pool = make_pool(KEY, 1)
    try:
        before = caps.stopped()
        found = list(detect_stream([blocks(20)], key=KEY, pool=pool, limits=SMALL))
        assert len(found) == 5
        assert caps.stopped() == before + 1  # counted in the worker, added here
        lists = list(detect_items(pool, [(blocks(20, "x"), None), (blocks(3, "y"), None), (blocks(9, "z"), None)],
                                  limits=SMALL))
        assert [len(fs) for fs in lists] == [5, 3, 5]
        assert caps.stopped() == before + 3
        assert len(list(detect_stream([blocks(4)], key=KEY, pool=pool, limits=SMALL))) == 4
        assert caps.stopped() == before + 3
    finally:
        pool.shutdown()


def test_vigie_scan_exits_1_naming_a_file_whose_detection_stopped(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from tests.fixtures.forum import test_keys_env
    from vigie.cli import app, common

    for k, v in test_keys_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(common.err_console, "_width", 250)
    config = tmp_path / "config"
    config.mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    many = Limits().max_fragments + 40
    (tmp_path / "mailbox.txt").write_bytes(blocks(many))  # ~720 kB: detected in-process, whole
    (tmp_path / "small.txt").write_bytes(blocks(3))
    args = ["--config", str(config), "--data-dir", str(tmp_path / "d")]
    ok = CliRunner().invoke(app, ["scan", str(tmp_path / "small.txt"), *args])
    assert ok.exit_code == 0, ok.output
    out = CliRunner().invoke(app, ["scan", str(tmp_path / "mailbox.txt"), str(tmp_path / "small.txt"), "--json",
                                   *args])
    assert out.exit_code == 1, out.output
    assert out.stdout.count('"kind"') == Limits().max_fragments + 3  # what was found is still shown
    said = " ".join(out.stderr.split())
    assert "mailbox.txt: detection stopped at a cap once (10,000 fragments" in said, said
    assert "the rest was not read" in said and "small.txt" not in said, said


@pytest.mark.slow
def test_a_crawl_counts_an_attachment_whose_detection_stopped(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum, _crawl
    from vigie_kit.forum import ForumServer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        # the same table again and again: each a fragment, all one stored document (10,040
        # different ones took the crawl's write path minutes)
        forum.attach("mailbox.csv", b"".join([blocks(1)] * (Limits().max_fragments + 40)))
        run = _crawl(forum, tmp_path, attachments={"max_bytes": 4 << 20})
    assert run.summary["refused"]["detection_stopped"] == 1, run.stderr[-3000:]
    # the log line names the input (its masked URL and file), not only a line in a detection process
    said = [ln for ln in run.stderr.splitlines() if "stopped at a cap" in ln and "detection of " in ln]
    assert len(said) == 1 and "mailbox.csv" in said[0], run.stderr[-3000:]
    assert run.summary["fragments"] >= 1, run.summary
