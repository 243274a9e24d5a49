"""`vigie search` on a terminal narrower than the table: each hit as a block, its id whole.

At 80 columns the eight-column table folded the 64-character fragment id over 11 lines (the id
an analyst copies into `vigie reveal`), and every other cell into slivers. Crawled text in the
stacked layout is still made safe (control characters, Rich markup), as in the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.models import Severity
from indexer.store import open_store_from_settings
from tests.fixtures.es import synthetic_docs
from tests.test_search_cli import cli, make_env
from vigie.cli import common
from vigie.config.schema import StorageSettings

HOSTILE = "\x1b]8;;http://x/\x07[link=http://x/]y[/link]"


@pytest.fixture
def store_dirs(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    config, data = make_env(tmp_path)
    docs = synthetic_docs(2, source="forum-a", base_time=datetime(2026, 6, 1, tzinfo=UTC),
                          excerpt_words="fichier " + HOSTILE, severity=Severity.critical, categories=("health",))
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs)
    store.close()
    return config, data, [d.id for d in docs]


def _search(width: int, store_dirs: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> str:
    config, data, _ = store_dirs
    monkeypatch.setattr(common.console, "_width", width)
    res = cli(["search", "fichier", "-c", str(config), "-d", str(data)])
    assert res.exit_code == 0, res.output
    return res.output


def test_a_narrow_terminal_gets_each_id_whole_on_one_line(store_dirs: tuple[Path, Path, list[str]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    text = _search(80, store_dirs, monkeypatch)
    lines = [line.strip() for line in text.splitlines()]
    for doc_id in store_dirs[2]:
        assert doc_id in lines, text
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "critical" in text and "forum-a" in text and "health" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "[link=http://x/]y[/link]" in text  # crawled markup shown as text, not made a link


def test_a_wide_terminal_keeps_the_table(store_dirs: tuple[Path, Path, list[str]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    text = _search(200, store_dirs, monkeypatch)
    assert "┃ id" in text and "excerpt" in text
    lines = [line.strip() for line in text.splitlines()]
    assert not any(doc_id in lines for doc_id in store_dirs[2])  # the id folds in its column
