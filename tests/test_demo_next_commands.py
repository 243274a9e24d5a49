"""The demo's closing lines are pasted into a shell by the operator, so they must run as printed.

Before, they sat in a rich Panel: a workspace path longer than the terminal's width was folded
onto a second line, and `export VIGIE_CONFIG=... VIGIE_DATA=...` pasted as two commands, the
second only setting an unexported shell variable.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from rich.console import Console

from vigie.cli.demo import _next_commands


def test_the_export_lines_set_both_variables_even_for_long_paths_with_spaces(tmp_path: Path) -> None:
    workspace = tmp_path / ("a folder with spaces " + "x" * 120)
    config_dir, data_dir = workspace / "config", workspace / "data"
    out = io.StringIO()
    console = Console(file=out, width=60)  # narrower than every line printed
    for line in _next_commands(config_dir, data_dir):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    exports = [line for line in out.getvalue().splitlines() if line.strip().startswith("export ")]
    script = "\n".join(exports) + '\nprintf "%s\\n%s\\n" "$VIGIE_CONFIG" "$VIGIE_DATA"\n'
    shown = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines() == [str(config_dir), str(data_dir)]


def test_every_command_line_names_one_vigie_command() -> None:
    lines = [line.strip() for line in _next_commands(Path("/c"), Path("/d"))]
    commands = [line for line in lines if not line.startswith("export ")]
    assert commands and all(line.startswith("vigie ") for line in commands)
