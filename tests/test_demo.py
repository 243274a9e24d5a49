"""`vigie demo` is the newcomer's first experience: run it for real (private Tor network, onion
forum, registration, crawl, alerts) and check its summary numbers against the forum's truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vigie_kit.forum import ForumServer

pytestmark = [pytest.mark.tor, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("demo")
    summary_path = root / "summary.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "vigie", "demo", "--data-dir", str(root / "data"),
                           "--summary-json", str(summary_path)],
                          cwd=REPO, env={**env, "COLUMNS": "120"}, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - began
    print(f"\n[demo] finished in {seconds:.1f}s")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return {"summary": json.loads(summary_path.read_text()), "stdout": proc.stdout, "seconds": seconds,
            "root": root}


def test_demo_crawls_the_whole_forum_through_tor(demo_run: dict) -> None:
    s = demo_run["summary"]
    truth = ForumServer("phpbb", seed=1337).data.truth()  # the same seed the demo uses
    assert s["onion"].endswith(".onion") and len(s["onion"]) == 62
    assert s["posts"] == len(truth["posts"])
    assert s["files"] == sum(a["expected"] for a in truth["attachments"]) == 4
    assert s["bombs_refused"] == 1
    assert s["pages"] >= 50


def test_demo_finds_fragments_identifiers_and_article9(demo_run: dict) -> None:
    s = demo_run["summary"]
    assert {"csv", "sql_insert", "combo", "dox"} <= set(s["fragments_by_kind"])
    assert s["fragments"] == sum(s["fragments_by_kind"].values()) >= 80
    truth = ForumServer("phpbb", seed=1337).data.truth()
    planted_nirs = {v for p in truth["posts"] for v in p["planted"].get("nir", [])}
    planted_nirs |= {v for a in truth["attachments"] if a["expected"] for v in a["planted"].get("nir", [])}
    assert s["identifiers_by_type"]["nir"] >= len(planted_nirs) * 0.98
    assert {"health", "religion", "sexual_orientation"} <= set(s["article9"])
    assert s["severity"].get("critical", 0) > 0


def test_demo_alerts_the_clinic_exactly_once_per_fragment(demo_run: dict) -> None:
    s = demo_run["summary"]
    # the clinic's leaked patients sit in one forum post (3) and in patients.csv (5)
    assert s["alerts"] == 2
    assert s["emails_delivered"] == 2 and s["webhooks_delivered"] == 2
    assert s["alerts_matched_identifiers"] == {"email": 8, "nir": 8, "phone": 8}
    assert s["registered"] and sum(s["registered"].values()) > 600


def test_demo_is_quick_and_tells_where_to_look_next(demo_run: dict) -> None:
    assert demo_run["seconds"] < 300
    out = demo_run["stdout"]
    for needle in ("[1/6]", "[6/6]", "Crawled through Tor", "Alerts to the demo clinic", "vigie search",
                   "vigie alerts list"):
        assert needle in out, needle
    # everything the demo started is stopped: no tor process of the demo is left
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(demo_run["root"]) not in ps
