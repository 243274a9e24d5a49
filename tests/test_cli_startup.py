"""What a `vigie` process imports before it runs its command.

Every `vigie` command is a new process (the test suite starts a few hundred; operators run
`vigie scan`, `vigie search`, `vigie org ...` by hand), and the command modules all load for each
one, to register their commands. Scrapy and Twisted (only `vigie crawl` and `vigie source try`
need them), numpy (the alerts registry), the composition root and the config schema once cost
about 1.5 s of CPU per process, `--help` included. These tests run the real entry point in a
fresh interpreter and fail if one of them is imported again at start-up, so the gain cannot
silently come back; and they check that the error boundary, which now looks the config and key
errors up only once their modules are loaded, still maps them to exit code 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: the CLI's own `main` path (app built, command modules registered),
# then report which of the heavy packages are in sys.modules, on stderr (stdout holds the help).
_PROBE = """
import json, sys
from vigie.cli import app
try:
    app(sys.argv[1:], prog_name="vigie")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = ("scrapy", "twisted", "numpy", "vigie.wiring", "vigie.config.schema", "crawler.runner")
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}), file=sys.stderr)
"""


def _start(args: list[str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**env, "COLUMNS": "120"}, timeout=120)
    report: dict[str, object] = json.loads(proc.stderr.strip().splitlines()[-1])
    return {**report, "stdout": proc.stdout}


def test_vigie_help_imports_neither_scrapy_twisted_nor_the_heavy_layers() -> None:
    report = _start(["--help"])
    assert report["code"] == 0
    assert "crawl" in str(report["stdout"]) and "scan" in str(report["stdout"])  # the help was printed
    assert report["loaded"] == [], f"`vigie --help` imported {report['loaded']}"


@pytest.mark.parametrize("command", [["crawl", "--help"], ["scan", "--help"], ["search", "--help"],
                                     ["org", "--help"]])
def test_a_command_help_does_not_load_the_crawler(command: list[str]) -> None:
    report = _start(command)
    assert report["code"] == 0
    assert "Usage:" in str(report["stdout"])
    assert report["loaded"] == [], f"`vigie {' '.join(command)}` imported {report['loaded']}"


def test_a_config_error_still_exits_2_with_its_problems(tmp_path: Path) -> None:
    """ConfigError is looked up in sys.modules at the error boundary: the loader is imported by
    the command itself here, and the mapping must still apply (exit 2, every problem listed)."""
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "vigie.yaml").write_text("storage:\n  bakend: embedded\n")
    dump = tmp_path / "dump.txt"
    dump.write_text("nothing here\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    proc = subprocess.run([sys.executable, "-m", "vigie", "scan", str(dump), "--config", str(config),
                           "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "bakend" in proc.stderr
    assert "problem(s) in the configuration" in proc.stderr
    assert "Traceback" not in proc.stderr
