"""The product wheel installs and imports without the demo extra (faker, aiosmtpd).

The wheel is built for real, offline, from a copy of the sources (so the build leaves nothing in
the checkout), with the venv's setuptools (`--no-build-isolation`: the test extra installs it).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("crawler", "indexer", "alerts", "vigie")
DEMO_ONLY = ("faker", "aiosmtpd")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    for package in (*PRODUCT, "vigie_kit"):
        shutil.copytree(REPO / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(root / "dist"), str(src)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [built] = (root / "dist").glob("vigie-*.whl")
    yield built


def _requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=!~[ (":
        name = name.split(stop)[0]
    return name.strip().lower()


def test_demo_dependencies_only_under_the_demo_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        [meta_name] = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(zf.read(meta_name).decode())
    requires = meta.get_all("Requires-Dist") or []
    runtime = [r for r in requires if ";" not in r]
    assert "scrapy" in {_requirement_name(r) for r in runtime}  # the parse found the runtime list
    assert not [r for r in runtime if _requirement_name(r) in DEMO_ONLY]
    demo = {_requirement_name(r) for r in requires if r.split(";", 1)[-1].strip() == 'extra == "demo"'}
    assert set(DEMO_ONLY) <= demo
    assert "demo" in (meta.get_all("Provides-Extra") or [])


def _imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_product_module_imports_the_demo_kit_or_its_dependencies(wheel: Path) -> None:
    offenders: dict[str, set[str]] = {}
    seen = 0
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if not name.endswith(".py") or name.split("/")[0] not in PRODUCT:
                continue
            seen += 1
            bad = _imported_roots(zf.read(name).decode("utf-8")) & {*DEMO_ONLY, "vigie_kit"}
            # `vigie demo` reaches into the kit lazily, after checking the extra is installed
            if name == "vigie/cli/demo.py":
                bad -= {"vigie_kit"}
            if bad:
                offenders[name] = bad
    assert seen > 50  # the product's modules are in the wheel
    assert not offenders


def test_wheel_imports_and_explains_the_demo_extra_without_it(wheel: Path, tmp_path: Path) -> None:
    """Every product module imports from the unpacked wheel with faker and aiosmtpd unimportable,
    and `vigie demo` then says to install `vigie[demo]`."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    script = f"""
import importlib, pkgutil, sys
for blocked in {DEMO_ONLY!r}:
    sys.modules[blocked] = None  # `import faker` now raises ImportError, as if not installed
import vigie
assert vigie.__file__.startswith({str(site)!r}), vigie.__file__
count = 0
for package in {PRODUCT!r}:
    mod = importlib.import_module(package)
    for info in pkgutil.walk_packages(mod.__path__, package + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
            count += 1
print("imported", count)
from vigie.cli import main
sys.argv = ["vigie", "demo"]
main()
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert "imported" in proc.stdout, proc.stderr[-3000:]
    assert int(proc.stdout.split("imported", 1)[1].split()[0]) > 50
    assert proc.returncode == 1, proc.stdout + proc.stderr
    message = " ".join(proc.stderr.split())
    assert "missing: faker, aiosmtpd" in message and "pip install 'vigie[demo]'" in message, proc.stderr
