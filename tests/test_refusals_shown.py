"""What a crawl refused or did not read whole reaches the operator beyond the crawl's own JSON.

A crawl's summary counts, under `refused`, the inputs whose detection stopped at a cap (the rest
of them not read), truncated pages, lines read in part, pages whose charset was ignored..., and
its archive and PrivateBin bombs; the service kept the summary but showed only its `failures`:
`vigie status` and the Prometheus metrics said nothing of an attachment half read. They show
them now (`vigie_crawl_refused_total`, `vigie_privatebin_links_total`, a status line per source).
In-process: the service's database written as `vigie run` writes it, `vigie status` through
Typer's runner, the metrics' text as Prometheus scrapes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prometheus_client import generate_latest
from typer.testing import CliRunner

from tests.fixtures.forum import make_config, test_keys_env
from vigie.cli import app
from vigie.service.metrics import ServiceMetrics
from vigie.service.status import ServiceDB
from vigie.wiring import SERVICE_DB_FILENAME

SUMMARY: dict[str, Any] = {
    "source": "mini", "pages": 4, "posts": 2, "files": 1, "pastes": 1, "fragments": 9, "errors": 0,
    "bombs_refused": 1, "needs_attention": False, "attention_reason": None, "failures": {"unparsed_dates": 0},
    "refused": {"pages_too_big": 0, "files_too_big": 0, "pages_markup_trimmed": 0, "pages_charset_ignored": 3,
                "pages_truncated": 2, "file_links_dropped": 0, "lines_too_long": 0, "detection_stopped": 1,
                "cookies_dropped": 0},
    "privatebin": {"read": 1, "wrong_key": 2, "gone": 0},
}
SHOWN = {"pages_charset_ignored": 3, "pages_truncated": 2, "detection_stopped": 1, "bombs_refused": 1}


def test_the_metrics_count_what_crawls_refused() -> None:
    metrics = ServiceMetrics()
    metrics.record_crawl("mini", SUMMARY)
    metrics.record_crawl("mini", SUMMARY)
    text = generate_latest(metrics.registry).decode()
    for kind, n in SHOWN.items():
        assert f'vigie_crawl_refused_total{{kind="{kind}",source="mini"}} {2.0 * n}' in text, text
    assert 'vigie_crawl_refused_total{kind="lines_too_long",source="mini"} 0.0' in text  # every kind, at 0 too
    assert 'vigie_privatebin_links_total{outcome="wrong_key",source="mini"} 4.0' in text


def test_vigie_status_shows_what_the_last_crawl_refused(tmp_path: Path) -> None:
    config, data = make_config(tmp_path / "config", "http://127.0.0.1:9"), tmp_path / "data"
    data.mkdir()
    db = ServiceDB(data / SERVICE_DB_FILENAME)
    db.set_source("mini", "1h", None)
    db.finish_run(db.start_run("mini"), "ok", SUMMARY)
    db.set_source("quiet", "1h", None)
    db.finish_run(db.start_run("quiet"), "ok", {**SUMMARY, "refused": {"detection_stopped": 0}, "bombs_refused": 0})
    db.close()
    args = ["-c", str(config), "-d", str(data)]
    res = CliRunner().invoke(app, ["status", "--json", *args], env=test_keys_env)
    assert res.exit_code == 0, res.output
    last = {s["source"]: s["last_run"] for s in json.loads(res.stdout)["sources"]}
    assert last["mini"]["refused"] == SHOWN and last["quiet"]["refused"] == {}
    res = CliRunner().invoke(app, ["status", *args], env={**test_keys_env, "COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    said = " ".join(res.stdout.split())
    assert ("source mini: refused or not read whole in its last crawl: pages charset ignored 3, pages truncated 2, "
            "detection stopped 1, bombs refused 1") in said, said
    assert "source quiet: refused" not in said
