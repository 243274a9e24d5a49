"""A page cut short of its Content-Length (the connection closed before its last byte: common
over Tor) is read as a browser shows it, on its last attempt, and counted.

It was given up (Scrapy's `ResponseDataLossError`, with its reason since 5be6769): a dump posted
in a page that always arrives truncated was never read. Now the attempts before the last fail and
are retried as before (`BackoffRetryMiddleware`), and the last keeps what arrived (Scrapy's
`download_fail_on_dataloss` off for it): the posts in it are read, the page is counted in the
crawl summary (`refused: pages_truncated`) and logged. Real forum server on 127.0.0.1.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.hostile_files import dump, dump_emails


@pytest.mark.slow
@pytest.mark.parametrize("retries", [0, 1])
def test_a_page_cut_short_of_its_content_length_is_read_and_counted(tmp_path: Path, retries: int) -> None:
    from tests.test_hostile_probe import HostileForum, _answer, _crawl, _posts
    from vigie_kit.forum import ForumServer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        tid = forum.thread(board=1, body=dump("tronque"))
        with urllib.request.urlopen(f"{server.url}/thread/{tid}", timeout=30) as r:  # (the real page, on 127.0.0.1)
            page = r.read()
        assert b"tronque.5@example.org" in page
        cut = page[:page.index(b"tronque.5@example.org") + 40]  # the post whole, the page's end never sent
        assert len(cut) < len(page)
        sent: list[int] = []

        def answer(handler: object) -> None:
            sent.append(1)
            _answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                    + str(len(page) + 1000).encode() + b"\r\nConnection: close\r\n\r\n", cut)(handler)  # type: ignore[arg-type]

        server.raw_routes[f"/thread/{tid}"] = answer
        run = _crawl(forum, tmp_path, limits={"retries": retries})
        healthy = forum.healthy_posts()
    assert len(sent) == retries + 1, sent  # retried as before, never in a loop
    assert run.summary["refused"]["pages_truncated"] == 1, run.stderr[-3000:]
    assert run.summary["errors"] == 0, run.stderr[-3000:]
    assert "was cut short of its Content-Length" in run.stderr, run.stderr[-3000:]
    assert _posts(run) - healthy, "the truncated page's post was not read"
    bodies = "\n".join(p.get("body", "") for p in run.posts())
    assert all(e in bodies for e in dump_emails("tronque")), bodies[-2000:]
    assert run.summary["fragments"] >= 1, run.summary
