"""The channel spider on our own Telegram-style preview (vigie_kit.channel, loopback): every post
with author, date, text and attachment links through the "load older" pages, then a re-crawl
that reads only the newest page and emits only the new post (incremental by message id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from tests.fixtures.forum import crawl
from vigie_kit.channel import ChannelPost, ChannelServer

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _posts(n: int) -> list[ChannelPost]:
    return [ChannelPost(i, "LeakNews", T0 + timedelta(hours=i), f"post {i}: sample of Clinique du Parc",
                        [f"sample-{i}.csv"] if i % 4 == 0 else []) for i in range(1, n + 1)]


def _source(config: Path, url: str) -> None:
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / "leaknews.yaml").write_text(yaml.safe_dump({
        "name": "leaknews", "kind": "channel", "network": "direct", "start_urls": [url],
        "schedule": {"interval": "1h"}, "limits": {"delay_seconds": 0}}), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")


def test_channel_pages_then_incremental(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    with ChannelServer("leaknews", _posts(12), per_page=5) as ch:
        _source(config, ch.url)
        run = crawl(config, data, "leaknews")
        assert run.returncode == 0, run.stderr
        posts = {int(p["post_id"]): p for p in run.posts()}
        assert sorted(posts) == list(range(1, 13))
        assert [r for r in ch.requests if "before=" in r] == ["/s/leaknews?before=8", "/s/leaknews?before=3"]
        p8 = posts[8]
        assert p8["author"] == "LeakNews" and p8["thread_title"] == "leaknews"
        assert p8["posted_at"] == "2026-11-02T16:00:00Z"
        assert "post 8: sample of Clinique du Parc" in p8["body"] and "/files/8/sample-8.csv" in p8["body"]
        assert p8["url"] == f"{ch.url}/8"

        ch.requests.clear()
        ch.add(ChannelPost(13, "LeakNews", T0 + timedelta(hours=13), "post 13: new dump"))
        again = crawl(config, data, "leaknews")
        assert again.returncode == 0, again.stderr
        assert [p["post_id"] for p in again.posts()] == ["13"]
        assert ch.requests == ["/s/leaknews"]  # the newest page holds a known id: no older page
