"""Attacker's review: `--summary-json FILE` written through whatever sat at FILE.

`vigie crawl SOURCE --summary-json FILE` wrote its summary with `Path.write_text`: a symbolic
link another user planted at FILE (a shared directory, a path announced in a runbook) sent the
write to a file of their choosing (here a stand-in for `~/.config/vigie/match.key`: emptied and
overwritten, every registered token orphaned), and a file they had created there stayed theirs to
read. `-o FILE` has been written through `open_private` since wave 6; the summary now is too. The
crawl is real (`vigie crawl` against the local test forum).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.fixtures.forum import crawl, make_config
from vigie_kit.forum import ForumServer

OTHER_UID = 65534  # nobody: "another local user"
KEY = b"1:83e50d6ab8b093a0f591b6171816f1bfd24c1db8d2a27c197bd884eb5c5aabf6\n"


def test_a_planted_symlink_does_not_choose_where_the_summary_goes(fresh_forum: ForumServer, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "match.key"
    key.parent.mkdir(mode=0o700)
    key.write_bytes(KEY)
    key.chmod(0o600)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    link = shared / "summary.json"
    link.symlink_to(key)
    os.lchown(link, OTHER_UID, OTHER_UID)
    cfg = make_config(tmp_path / "config", fresh_forum.url)
    run = crawl(cfg, tmp_path / "data", "test-phpbb", output=tmp_path / "items.jsonl",
                extra=["--summary-json", str(link)])
    assert key.read_bytes() == KEY
    assert run.returncode != 0
    assert "is a symbolic link of another user" in run.stderr


def test_a_planted_readable_file_gets_no_summary(fresh_forum: ForumServer, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "summary.json"
    planted.write_bytes(b"")
    planted.chmod(0o666)
    os.chown(planted, OTHER_UID, OTHER_UID)
    cfg = make_config(tmp_path / "config", fresh_forum.url)
    run = crawl(cfg, tmp_path / "data", "test-phpbb", output=tmp_path / "items.jsonl",
                extra=["--summary-json", str(planted)])
    assert planted.read_bytes() == b""
    assert run.returncode != 0 and "belongs to another user" in run.stderr


def test_the_summary_still_goes_to_an_ordinary_path(fresh_forum: ForumServer, tmp_path: Path) -> None:
    cfg = make_config(tmp_path / "config", fresh_forum.url)
    out = tmp_path / "summary.json"
    run = crawl(cfg, tmp_path / "data", "test-phpbb", output=tmp_path / "items.jsonl",
                extra=["--summary-json", str(out)])
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(out.read_text())["posts"] > 0 and out.stat().st_mode & 0o777 == 0o600
