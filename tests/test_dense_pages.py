"""Pages too dense for a tree (crawler.middlewares.DenseMarkupMiddleware): a real `vigie crawl`
(a subprocess) of the kit forum on 127.0.0.1, one of whose threads answers a hostile page of
millions of tiny elements. libxml2 costs 120 to 270 bytes an element, and such a page (19 MB of
unclosed `<p>`: 1.2 GB of resident memory) could push the source's crawl to its memory limit,
stopping it. Now the page is counted (`pages_too_dense`), its text (with the dump pasted in it)
is still scanned, every healthy post is read, and the crawl's peak RSS stays bounded. A real
thread page of 2,000 posts (5 MB) is read as before.

Peak RSS is the crawl process's own and its workers' (`os.wait4` on it from a small launcher:
ru_maxrss, see `_LAUNCHER`), never wall-clock time. The pages here are 6 MB (the seconds the suite
can spare); the bound sits well under what they cost before the fix (see the commit message for the figures, and
`python tests/test_dense_pages.py SHAPE MB` to measure one shape at any size).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from crawler._markup import MarkupCount, count_start_tags, page_text
from crawler.defaults import MAX_PAGE_ELEMENTS
from tests.fixtures.forum import REPO, CrawlRun, make_config, post_number, test_keys_env
from vigie.config.schema import LimitSettings
from vigie_kit.forum import ForumServer

MiB = 1024 * 1024
# what a crawl of the small kit forum takes with the fix, with room for a loaded runner: the four
# 6 MB pages below took 220 MB quiet and 293 MB beside another crawl (one page at a time,
# `concurrency: 1`), but 610 and 703 MB in two runs of the whole suite at 4 workers (several
# refused pages in memory at once); without the fix (`max_page_elements: 0`) 1,266 MB beside one
# crawl. The bound tells the two apart on a loaded runner; it is no tight figure.
RSS_BOUND_MB = 1000
NESTED = "<div>" * 100_000 + "deep" + "</div>" * 100_000
DUMP = [f"fuite.dense{k}@example.org;06 12 34 56 {k:02d};Lyon" for k in range(6)]


def _hostile(unit: str, size: int) -> bytes:
    """A thread page: one post whose body holds the dump, then `unit` repeated to `size` bytes."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
            f'<div class="post" id="p900001"><a class="author">bob</a><time datetime="2026-03-01T10:00:00Z">'
            f'</time><div class="content">{"<br>".join(DUMP)}<br>{unit * (size // len(unit))}'
            f"</div></div></body></html>").encode()


SHAPES: dict[str, Callable[[int], bytes]] = {
    "unclosed-p": lambda size: _hostile("<p>x ", size),
    "tiny-elements": lambda size: _hostile("<i>x</i>", size),
    "a-storm": lambda size: _hostile('<a href="/t/1">x</a>', size),
    "br-storm": lambda size: _hostile("<br>", size),
    "nested-100k": lambda size: _hostile(NESTED, len(NESTED)),
}


def thread_page_of_2000_posts() -> bytes:
    """A real-looking thread page: 2,000 posts of phpBB-like markup, 5 MB."""
    posts = []
    for k in range(1, 2001):
        posts.append(
            f'<div class="post" id="p{500_000 + k}"><div class="postprofile"><a class="author" href="/u/{k % 97}">'
            f'membre{k % 97}</a><span class="rank">Membre</span><ul class="stats"><li>Messages: {k}</li>'
            f"<li>Inscrit: 2024</li></ul>"
            f'</div><div class="postbody"><h3><a href="#p{k}">Re: base clients</a></h3><p class="meta">par <b>'
            f'membre{k % 97}</b> <time datetime="2026-03-01T10:{k % 60:02d}:00Z"></time></p>'
            f'<div class="content"><blockquote><cite>quelqu\'un a écrit :</cite>merci pour le partage</blockquote>'
            f"Voici la suite, ligne {k}.<br>contact: membre{k}@exemple.fr<br>"
            + "Lorem ipsum dolor sit amet, <em>consectetur</em> adipiscing elit. " * 32
            + f'</div><div class="signature"><a href="/s/{k}">ma signature</a></div></div></div>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>gros fil</title></head><body>'
            f'<div id="page">{"".join(posts)}</div></body></html>').encode()


def _answer(page: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + page)
        handler.wfile.flush()
    return write


class Forum:
    def __init__(self, server: ForumServer) -> None:
        self.server = server
        self.hostile_threads: set[int] = set()

    def thread(self, page: bytes) -> None:
        data = self.server.data
        thread = data._new_thread(data.boards[0], title=f"dense thread {len(self.hostile_threads)}")
        data.new_post(thread, body="dense", with_dump=False)
        self.hostile_threads.add(thread.id)
        self.server.raw_routes[f"/thread/{thread.id}"] = _answer(page)

    def healthy_posts(self) -> set[int]:
        return {p["id"] for p in self.server.truth()["posts"] if p["thread_id"] not in self.hostile_threads}


@pytest.fixture()
def forum() -> Iterator[Forum]:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        yield Forum(server)


# Runs a command and writes its exit code and ru_maxrss (KiB) to argv[1]. Linux carries a process's
# peak RSS over exec from the process that forked it (exec_mmap keeps the old memory's high-water
# mark; Python's subprocess forks with vfork: the parent's whole peak): a crawl started straight
# from a pytest worker reported the worker's own peak (wave 26's "1001 MB": the same crawl takes
# ~280 MB). Started from this small process, the crawl's ru_maxrss is its own and its workers'.
_LAUNCHER = """import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss], f)
"""


def peak_measured(cmd: list[str], tmp: Path, stderr: Path) -> tuple[int, int]:
    """(exit code, peak RSS in MiB) of `cmd`: its own ru_maxrss and its child processes', never
    this process's (see `_LAUNCHER`)."""
    usage_path = tmp / "usage.json"
    with open(stderr, "wb") as err:
        launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(usage_path), *cmd],
                                    stdout=subprocess.DEVNULL, stderr=err, cwd=REPO,
                                    env={**os.environ, **test_keys_env}, start_new_session=True)
        try:
            launcher.wait(timeout=300)  # only catches a crawl that never ends
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, 9)
            raise AssertionError("the crawl did not end") from None
    code, maxrss_kb = json.loads(usage_path.read_text())
    return code, maxrss_kb // 1024


def crawl_measured(forum: Forum, tmp: Path, limits: dict[str, Any] | None = None) -> tuple[CrawlRun, int]:
    """`vigie crawl` of the forum in a subprocess, and its peak RSS in MiB (its own ru_maxrss)."""
    config = make_config(tmp / "config", forum.server.url, limits={"max_download_bytes": 32 * MiB, **(limits or {})})
    data_dir, output = tmp / "data", tmp / "items.jsonl"
    data_dir.mkdir(parents=True, exist_ok=True)
    summary_path = tmp / "summary.json"
    cmd = [sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", "test-phpbb", "--config", str(config),
           "--data-dir", str(data_dir), "-o", str(output), "--summary-json", str(summary_path), "--quiet"]
    code, peak = peak_measured(cmd, tmp, tmp / "stderr.txt")
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    items = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] if output.exists() else []
    run = CrawlRun(code, summary, items, "", (tmp / "stderr.txt").read_text(errors="replace"))
    return run, peak


def _posts(run: CrawlRun) -> set[int]:
    return {post_number(p) for p in run.posts() if p.get("post_id")}


@pytest.mark.slow
def test_pages_too_dense_for_a_tree_are_counted_their_text_scanned_and_memory_bounded(
        forum: Forum, tmp_path: Path) -> None:
    shapes = ("unclosed-p", "tiny-elements", "a-storm", "br-storm")
    for shape in shapes:
        forum.thread(SHAPES[shape](6 * MiB))
    run, peak_mb = crawl_measured(forum, tmp_path, {"concurrency": 1})
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["finish_reason"] == "finished", run.summary
    assert run.summary["failures"]["pages_too_dense"] == len(shapes), run.stderr[-3000:]
    assert run.summary["needs_attention"] and "pages too dense" in run.summary["attention_reason"]
    assert run.stderr.count("limits.max_page_elements") == len(shapes)
    assert peak_mb < RSS_BOUND_MB, f"the crawl peaked at {peak_mb} MB of RSS"
    # nothing else lost: every healthy post read, and the dump pasted in each page scanned as its text
    assert _posts(run) == forum.healthy_posts()
    texts = [i for i in run.items if i["url"].endswith(tuple(f"/thread/{t}" for t in forum.hostile_threads))]
    assert len(texts) == len(shapes)
    assert all(line.split(";")[0] in text["body"] for line in DUMP for text in texts)


def test_the_peak_measured_is_the_crawls_own_not_this_processs(tmp_path: Path) -> None:
    # this process's peak raised past 300 MB: a child started from it straight reported it
    # (failed before: 300+ MB for `python -c pass`)
    ballast = b"\x01" * (300 * MiB)
    del ballast
    code, peak = peak_measured([sys.executable, "-c", "b = b'x' * (64 << 20)"], tmp_path, tmp_path / "err.txt")
    assert code == 0 and 64 <= peak < 200, peak


@pytest.mark.slow
def test_a_thread_page_of_2000_posts_is_read_whole(forum: Forum, tmp_path: Path) -> None:
    page = thread_page_of_2000_posts()
    assert 4.5 * MiB < len(page) < 6 * MiB and count_start_tags(page).weight < MAX_PAGE_ELEMENTS * 0.7
    forum.thread(page)
    run, _ = crawl_measured(forum, tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["failures"]["pages_too_dense"] == 0, run.stderr[-3000:]
    assert _posts(run) == forum.healthy_posts() | set(range(500_001, 502_001))


@pytest.mark.slow
def test_the_ceiling_is_the_operators(forum: Forum, tmp_path: Path) -> None:
    """limits.max_page_elements reaches the crawl: below the big thread page's count it is refused
    (and its text still scanned), at 0 the check is off."""
    forum.thread(thread_page_of_2000_posts())
    run, _ = crawl_measured(forum, tmp_path, limits={"max_page_elements": 20_000})
    assert run.summary["failures"]["pages_too_dense"] == 1, run.stderr[-3000:]
    assert not _posts(run) & set(range(500_001, 502_001))
    assert any("membre1999@exemple.fr" in i["body"] for i in run.items)


@pytest.mark.slow
def test_a_login_page_too_dense_fails_the_login_loudly(forum: Forum, tmp_path: Path) -> None:
    """A form cannot be read without a tree: the login fails (to its errback), counted and said."""
    forum.server.raw_routes["/login"] = _answer(SHAPES["br-storm"](2 * MiB))
    run, _ = crawl_measured(forum, tmp_path)
    assert run.summary["failures"]["pages_too_dense"] == 1, run.stderr[-3000:]
    reason = run.summary["attention_reason"] or ""
    assert run.summary["needs_attention"] and "login page" in reason and "limits.max_page_elements" in reason
    assert not _posts(run)


def test_start_tags_and_links_are_counted_as_libxml2_makes_elements() -> None:
    counted = count_start_tags(b'<p>x <a href="1">y</a> a < b <!-- c --> <?pi?> </p><br/><IMG src=x><A\nhref=2>'
                               b"<abbr>")
    # (the comment and the processing instruction are nodes too: round 12, tests/test_attack_review_round12_markup.py)
    assert (counted.start_tags, counted.links, counted.others, counted.weight) == (6, 2, 2, 6 + 2 + 3 * 2)
    page = b'<i>x</i><a href="/t">y</a>' * 50_000
    assert all(count_start_tags(page, chunk=c) == MarkupCount(100_000, 50_000)
               for c in (1, 2, 3, 7, 4096))  # none lost or counted twice at a cut
    assert count_start_tags(b"<p>" * 1_000_000, stop_above=10, chunk=64).start_tags <= 10 + 64  # stops past it
    assert LimitSettings().max_page_elements == MAX_PAGE_ELEMENTS


def test_page_text_keeps_identifiers_whole_across_its_cuts() -> None:
    html = "".join(f"<p>ligne {k} contact.{k}@exemple.fr</p>" for k in range(2000)) + "mot " * 5000 + "fin@x.fr"
    text = page_text(html, chunk=1000)
    assert all(f"contact.{k}@exemple.fr" in text for k in range(2000)) and "fin@x.fr" in text


if __name__ == "__main__":  # measure one shape: python tests/test_dense_pages.py SHAPE MB [max_page_elements]
    import tempfile

    shape, size = sys.argv[1], float(sys.argv[2])
    extra = {"max_page_elements": int(sys.argv[3])} if len(sys.argv) > 3 else {}
    with ForumServer("phpbb", size="small", hostile=False) as server, tempfile.TemporaryDirectory() as tmp:
        f = Forum(server)
        f.thread(thread_page_of_2000_posts() if shape == "2000-posts" else SHAPES[shape](int(size * MiB)))
        t0 = time.monotonic()
        run, peak = crawl_measured(f, Path(tmp), limits=extra)
        print(json.dumps({"shape": shape, "MiB": size, "peak_rss_mb": peak, "seconds": round(time.monotonic() - t0, 1),
                          "rc": run.returncode, "finish": run.summary.get("finish_reason"),
                          "too_dense": run.summary.get("failures", {}).get("pages_too_dense"),
                          "posts": len(_posts(run)), "healthy": len(f.healthy_posts()),
                          "dump_found": any(DUMP[0].split(";")[0] in i.get("body", "") for i in run.items)}))
        if run.returncode:
            print(run.stderr[-2000:])
