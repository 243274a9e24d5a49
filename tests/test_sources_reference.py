"""docs/sources.md cannot drift (issue 13): its reference part is what the generator writes from
the schema today, and every worked example in it is a complete source that the real loader
accepts (`vigie config check`), one layout each: classic boards, a flat topic list, a login wall,
a paste site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigie.config.loader import check_config_dir
from vigie.config.reference import SOURCES_BEGIN, SOURCES_END, main, render_sources
from vigie.config.schema import SourceConfig

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "sources.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_generated_reference_is_current() -> None:
    current = PAGE.read_text(encoding="utf-8")
    assert render_sources(current, REPO / "config") == current, \
        "docs/sources.md is out of date: run python -m vigie.config.reference --sources --write"
    generated = current.split(SOURCES_BEGIN, 1)[1].split(SOURCES_END, 1)[0]
    for name in ("thread_canonical", "next_link_texts", "start_role", "paste_id_pattern", "login_wall", "timezone"):
        assert f"`{name}`" in generated, f"{name} is not documented"


def test_check_mode_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "sources.md"
    text = PAGE.read_text(encoding="utf-8")
    stale.write_text(text.replace("| `thread_link` |", "| `thread_lnk` |", 1), encoding="utf-8")
    assert main(["--config", str(REPO / "config"), "--sources", "--check", str(stale)]) == 1
    stale.write_text(text, encoding="utf-8")
    assert main(["--config", str(REPO / "config"), "--sources", "--check", str(stale)]) == 0


def test_four_layouts_are_documented() -> None:
    assert len(BLOCKS) >= 4
    kinds = [re.search(r"^kind: (\w+)", b, flags=re.MULTILINE) for b in BLOCKS]
    assert [k[1] if k else None for k in kinds].count("paste") >= 1
    assert any("login:" in b for b in BLOCKS) and any("start_role: board\n" in b for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.split("\n", 1)[0].removeprefix("name: ") for b in BLOCKS])
def test_example_passes_config_check(block: str, tmp_path: Path) -> None:
    name = re.search(r"^name: (\S+)", block, flags=re.MULTILINE)
    assert name, "an example without a name"
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / f"{name[1]}.yaml").write_text(block, encoding="utf-8")
    env = {var: "synthetic-test-value" for var in re.findall(r"\$\{(\w+)", block)}
    loaded, problems = check_config_dir(tmp_path, env)
    assert problems == [] and loaded is not None, "\n".join(str(p) for p in problems)
    source = loaded.sources[name[1]]
    assert isinstance(source, SourceConfig)
    assert (source.forum or source.paste or source.leaksite) is not None
