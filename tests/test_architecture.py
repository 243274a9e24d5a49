"""The layer contract in pyproject.toml ([tool.importlinter]) is what keeps imports one-way. These
tests run the real `lint-imports` on a copy of the product packages, so that a contract that
stopped catching anything (a typo in a layer name, a package left out of root_packages, an
ignore_imports that swallows too much) fails here rather than silently passing in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "indexer", "alerts", "vigie", "vigie_kit")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS = "Layers: vigie.cli > vigie.service | vigie_kit > vigie.wiring"
DEMO_KIT = "The product never imports the demo kit"


def _copy_tree(dest: Path) -> Path:
    """Copies what lint-imports reads: the packages and pyproject.toml (nothing is installed)."""
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy goes first on the path, so grimp analyses it and not the editable install.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=120)


def _broken(result: subprocess.CompletedProcess[str], contract: str) -> bool:
    """Whether lint-imports failed and reported `contract` (its name, the first words) broken."""
    out = " ".join(result.stdout.split())  # lint-imports wraps long names over lines
    return result.returncode != 0 and contract in out and "BROKEN" in out


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return _copy_tree(tmp_path)


def test_the_code_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_indexer_importing_the_cli_breaks_the_layers(tree: Path) -> None:
    (tree / "indexer" / "_upward.py").write_text('"""An upward import, on purpose."""\nimport vigie.cli\n')
    result = _lint_imports(tree)
    assert _broken(result, LAYERS), result.stdout + result.stderr
    assert "indexer._upward -> vigie.cli" in result.stdout


def test_crawler_importing_alerts_breaks_the_layers(tree: Path) -> None:
    (tree / "crawler" / "_sibling.py").write_text('"""A sibling import, on purpose."""\nfrom alerts import hashing\n')
    result = _lint_imports(tree)
    assert _broken(result, LAYERS), result.stdout + result.stderr
    assert "crawler._sibling -> alerts" in result.stdout


def test_the_product_importing_faker_breaks_the_demo_kit_contract(tree: Path) -> None:
    (tree / "alerts" / "_fake.py").write_text('"""A demo dependency in the product, on purpose."""\nimport faker\n')
    result = _lint_imports(tree)
    assert _broken(result, DEMO_KIT), result.stdout + result.stderr
    assert "alerts._fake -> faker" in result.stdout
