"""Commands whose issue has not landed yet. Each says so and exits 3; none pretends to work.

When an issue lands, its command moves to its own module and leaves this file.
"""

from __future__ import annotations

from pathlib import Path

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, not_yet


@app.command("demo")
def demo(config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Run the whole system on one machine: private Tor network, test forum, alerts.

    Example:  vigie demo
    """
    not_yet("demo", 7)
