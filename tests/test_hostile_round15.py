"""Hostile-input round 15 (wave 28), through the real crawl (`vigie crawl` in a subprocess against
the kit forum and its paste site on 127.0.0.1, as tests/test_hostile_round14.py): what a hostile
or flaky site answers, each case from a class, counted in the summary with its reason, the rest
read, nothing lost and nothing indexed twice across crawls.

- a paste whose connection closes before its Content-Length's bytes came (or whose chunked body
  stops mid-chunk) on its last attempt was read as it arrived and recorded as seen: the rest of
  the paste was never fetched again. It is now left to the next crawl (counted: `refused:
  pastes_cut_short`), fetched again first, even when the listing no longer reaches it; one that
  arrives cut in `CUT_SHORT_CRAWLS` crawls in a row is read as it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.spiders._files import CUT_SHORT_CRAWLS
from tests.fixtures.forum import CrawlRun, crawl, make_config
from tests.hostile_files import dump, dump_emails
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

Raw = Callable[[BaseHTTPRequestHandler], None]


class CutAnswer:
    """A raw paste of `body` answered whole, or (while `cut` is set) cut after half of it: a
    Content-Length the bytes never reach, or a chunked body whose last chunk never comes."""

    def __init__(self, body: bytes, *, chunked: bool = False) -> None:
        self.body, self.chunked, self.cut = body, chunked, True

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        half = self.body[: len(self.body) // 2]
        if self.chunked:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            sent = b"%x\r\n%s\r\n" % (len(half), half)
            if self.cut:  # the second chunk announced, half of it sent, then the connection closed
                sent += b"%x\r\n%s" % (len(self.body) - len(half), self.body[len(half):][:10])
            else:
                sent += b"%x\r\n%s\r\n0\r\n\r\n" % (len(self.body) - len(half), self.body[len(half):])
        else:
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(self.body)}"
                    "\r\nConnection: close\r\n\r\n").encode()
            sent = half if self.cut else self.body
        handler.wfile.write(head + sent)
        handler.wfile.flush()


def _paste_run(server: ForumServer, tmp_path: Path) -> CrawlRun:
    config = make_config(tmp_path / "config", server.url, kind="paste", limits={"retries": 0})
    run = crawl(config, tmp_path / "data", "test-paste", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_a_paste_cut_short_is_fetched_again_and_read_once(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        answers = {"coupeunefois": CutAnswer(dump("coupeunefois").encode()),  # cut in the first crawl only
                   "coupechunk": CutAnswer(dump("coupechunk").encode(), chunked=True),  # the same, chunked
                   "coupetoujours": CutAnswer(dump("coupetoujours").encode())}  # cut in every crawl
        ids = {}
        for tag, answer in answers.items():
            paste = server.add_paste(dump(tag), title=f"fichier {tag}")
            server.raw_routes[f"/raw/{paste.id}"] = answer
            ids[tag] = paste.id
        for k in range(7):  # newer pastes: the cut ones fall to the listing's second page, which a
            server.add_paste(dump(f"recent{k}"), title=f"recent {k}")  # later crawl no longer walks
        read: dict[str, list[str]] = {tag: [] for tag in answers}
        for n in range(1, CUT_SHORT_CRAWLS + 2):
            run = _paste_run(server, tmp_path)
            bodies = {p["post_id"]: p.get("body", "") for p in run.posts()}
            for tag, pid in ids.items():
                if pid in bodies:
                    read[tag].append(bodies[pid])
            refused = run.summary["refused"]
            got = {tag for tag, pid in ids.items() if pid in bodies}
            assert run.summary["errors"] == 0, run.stderr[-3000:]
            if n == 1:  # none read nor recorded: all three come again
                assert got == set() and refused["pastes_cut_short"] == 3, (got, refused, run.stderr[-3000:])
                assert refused["pages_truncated"] == 0
                assert run.stderr.count("cut short of its Content-Length") >= 3
                assert all(f"recent{k}.0@example.org" in "".join(bodies.values()) for k in range(7))
                answers["coupeunefois"].cut = answers["coupechunk"].cut = False
            elif n == 2:  # the listing's first page holds nothing new: the two come from the state
                assert got == {"coupeunefois", "coupechunk"} and refused["pastes_cut_short"] == 1, (got, refused)
            elif n < CUT_SHORT_CRAWLS:
                assert got == set() and refused["pastes_cut_short"] == 1, (got, refused)
            elif n == CUT_SHORT_CRAWLS:  # cut in every crawl: read as it arrives, counted
                assert got == {"coupetoujours"} and refused["pastes_cut_short"] == 0, (got, refused)
                assert refused["pages_truncated"] == 1
            else:  # all recorded for good: none fetched again
                assert got == set() and refused["pastes_cut_short"] == 0, (got, refused)
    # each read once: the two whole, the always-cut one up to its cut (its first rows)
    assert [len(v) for v in read.values()] == [1, 1, 1], read
    for tag in ("coupeunefois", "coupechunk"):
        assert all(e in read[tag][0] for e in dump_emails(tag)), tag
    assert "coupetoujours.0@example.org" in read["coupetoujours"][0]
    assert "coupetoujours.5@example.org" not in read["coupetoujours"][0]

