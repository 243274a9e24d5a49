"""Attacker's review, round 13: an attachment refused by its headers is not downloaded first.

Forum engines serve every attachment through a download script (`download/file.php?id=7`:
phpBB, MyBB, SMF, vBulletin), so a link's name says nothing of the file: the crawl follows it and
judges the answer by the name its Content-Disposition gives. That judgement came after the body:
an image (the most common attachment on a forum, and not read unless the operator lists image
types), or any file of a type not listed, was downloaded up to `attachments.max_bytes` (50 MB by
default) and then refused. A site answering every such link with an endless image cost the crawl
that many bytes per link, and its time.

Now the headers decide (`crawler.spiders._files.type_refusal`, asked on Scrapy's
`headers_received`): a name of a type not listed, or an image's Content-Type when that image type
is not listed, stops the download at once; the answer is refused as the whole file was, counted
in the crawl summary's `files_not_listed`. An HTML answer (a login wall) and a redirect go on as before.

Real forum (the kit's phpBB on 127.0.0.1), real `vigie crawl`; the hostile answers are raw bytes
on the wire, each counting what the server managed to write.
"""

from __future__ import annotations

import itertools
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.fixtures.forum import crawl, make_config
from tests.test_hostile_probe import HostileForum
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
LIMIT = 48 * MiB  # attachments.max_bytes: before the fix each endless answer sent this much
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 65528


class Endless:
    """An answer with these headers and a body that never ends, counting the bytes written."""

    def __init__(self, headers: str) -> None:
        self.head = f"HTTP/1.1 200 OK\r\n{headers}Connection: close\r\n\r\n".encode()
        self.sent = 0

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(self.head)
        for _ in itertools.count():
            handler.wfile.write(PNG)  # raises once the client hung up
            self.sent += len(PNG)


def test_attachments_refused_by_their_headers_are_not_downloaded(tmp_path: Path) -> None:
    answers = {
        # an image behind a download script, no Content-Disposition: read as `file.php`
        "file.php": Endless("Content-Type: image/png\r\n"),
        # a name of a type not listed
        "download.php": Endless(
            'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="holiday.exe"\r\n'
        ),
        # a listed name, but an image by its Content-Type (png is not listed)
        "get.php": Endless('Content-Type: image/jpeg\r\nContent-Disposition: inline; filename="clients.csv"\r\n'),
    }
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        for name, answer in answers.items():
            forum.attach(name, answer)
        config = make_config(tmp_path / "config", server.url, attachments={"max_bytes": LIMIT})
        run = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
        assert run.returncode == 0, run.stderr[-3000:]
        healthy = forum.healthy_posts()
    sent = {name: answer.sent for name, answer in answers.items()}
    # before: 48 MiB each, then refused as too big; now what loopback's socket buffers took before
    # the client hung up (a few MiB at most)
    assert all(n < LIMIT // 3 for n in sent.values()), sent
    assert run.summary["refused"]["files_too_big"] == 0, run.summary
    assert run.summary["files_not_listed"] >= 3, run.summary
    assert run.summary["errors"] == 0, run.stderr[-3000:]
    # the forum's own attachments (csv, zip...) are still read, and every post
    assert run.files(), "the healthy attachments were read"
    assert {int(p["post_id"].lstrip("p")) for p in run.posts()} >= healthy
