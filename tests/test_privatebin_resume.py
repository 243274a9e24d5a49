"""A PrivateBin paste not fetched when a crawl ends (the site down, the crawl killed) is fetched
by the next crawl, once, though the thread that linked it is unchanged and not read again.

Before, the key lived in the request only: the thread was recorded as read, the next crawl skipped
it while its marker did not change, and the paste was lost. The fetch is now pending in the crawl
state, its key encrypted with the data key (never in plain: checked on every byte left at rest).
Real parts: `vigie crawl` in a child process, a forum and PrivateBin's JSON API on 127.0.0.1
(tests/test_privatebin_crawl.py says why that API is served here), pastes encrypted by pbincli.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.forum import test_keys_env
from tests.test_crawl_identity import MiniSite
from tests.test_privatebin_crawl import EMAIL, IBAN, ROWS, PrivateBinServer, at_rest, crawl, write_source

pytestmark = pytest.mark.slow

PID = "7e" * 8  # (16 hex digits, as PrivateBin names a paste)


class _Outage(dict):  # type: ignore[type-arg]
    """The PrivateBin site failing every API call: the answer is never sent (connection dropped)."""

    def get(self, *_: Any) -> Any:
        raise ConnectionAbortedError("PrivateBin down (test)")


def test_a_paste_not_fetched_before_an_outage_is_fetched_once_by_the_next_crawl(tmp_path: Path) -> None:
    assert test_keys_env  # the crawls index: the data key seals the pending paste's key
    pbin, forum = PrivateBinServer(), MiniSite()
    for _ in pbin.serve():
        for _ in forum.serve():
            key = pbin.add(PID, f"clients:\n{EMAIL};{IBAN}\n{ROWS}")
            forum.pages["/b/1"] = ('<html><body><div class="topic"><a class="t" href="/t/1">x</a>'
                                   '<span class="m">1 reply</span></div></body></html>')
            forum.pages["/t/1"] = (
                '<html><body><h1>leaks</h1><div class="post" id="p1"><span class="author">x</span>'
                '<span class="date">3 mars 2026 à 10:00</span>'
                f'<div class="body">Full dump: {pbin.url}/?{PID}#{key}</div></div></body></html>')
            config = write_source(tmp_path / "config", forum, pbin)
            source = config / "sources" / "mini.yaml"
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            data["forum"]["thread_marker"] = "span.m::text"  # an unchanged thread is not read again
            source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            stored, pbin.pastes = pbin.pastes, _Outage()

            _, summary, items, log = crawl(config, tmp_path / "data")
            assert [h[0] for h in pbin.hits] == [f"/?{PID}"], log[-3000:]
            assert summary["posts"] == 1 and summary["pastes"] == 0, summary
            assert key.encode() not in at_rest(tmp_path / "data")  # pending, its key sealed

            pbin.pastes = stored
            code, summary, items, log = crawl(config, tmp_path / "data")
            assert code == 0, log[-3000:]
            assert forum.hits.count("/t/1") == 1  # the thread was not read again
            pastes = [i for i in items if i["url"] == f"{pbin.url}/?{PID}"]
            assert len(pastes) == 1 and pastes[0]["body"].startswith("clients:"), items
            assert pastes[0]["thread_url"] == forum.url + "/t/1"
            assert summary["pastes"] == 1 and summary["fragments"] >= 1, summary

            code, summary, items, log = crawl(config, tmp_path / "data")
            assert code == 0, log[-3000:]
            assert len(pbin.hits) == 2 and summary["pastes"] == 0  # read once
            assert len([i for i in items if i["url"] == f"{pbin.url}/?{PID}"]) == 1
            assert key not in log and key.encode() not in at_rest(tmp_path / "data")
