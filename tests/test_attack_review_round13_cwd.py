"""Attacker's review, round 13: the service's crawl processes imported Python from the current directory.

`vigie run` starts each crawl as `python -m vigie crawl ...` (and a scale worker each job as
`python -m vigie.service.crawl_job ...`), in the service's own current directory. `python -m`
puts that directory first on `sys.path`: started from /tmp or any directory another account
writes, a `vigie/` package (or `yaml.py`, `scrapy/`...) that account left there was imported
instead of Vigie's own, and ran with Vigie's rights, its keys in its environment. The readers'
processes (`crawler._pdf_worker`, `crawler._rar_worker`) ran isolated (`-I`) already; the crawl
processes now run with `-P` (Python's safe path: no directory is prepended; PYTHONPATH still
counts, as an operator's installation may need it).

Real parts: the service's own crawl command (`VigieService._default_crawl_command`) and the scale
worker's, run for real from a world-writable directory holding a planted `vigie` package that
leaves a mark when imported.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

from vigie.service.service import VigieService


def _planted(tmp_path: Path) -> tuple[Path, Path]:
    shared, mark = tmp_path / "shared", tmp_path / "ran"
    (shared / "vigie").mkdir(parents=True)
    (shared / "vigie" / "__init__.py").write_text(f"open({str(mark)!r}, 'w').close()\nraise SystemExit(3)\n")
    shared.chmod(0o777)
    return shared, mark


def test_the_services_crawl_command_imports_nothing_from_the_current_directory(tmp_path: Path) -> None:
    shared, mark = _planted(tmp_path)
    service = SimpleNamespace(config_dir=tmp_path / "config", data_dir=tmp_path / "data", _tor=None)
    cmd = VigieService._default_crawl_command(service, "nosuch", tmp_path / "summary.json")  # type: ignore[arg-type]
    proc = subprocess.run(cmd, cwd=shared, capture_output=True, text=True, timeout=120)
    assert not mark.exists(), "the planted vigie package ran in the crawl process"  # before: it did (exit 3)
    assert proc.returncode not in (0, 3), proc.stderr[-2000:]  # Vigie's own: no such config


def test_the_scale_workers_job_command_imports_nothing_from_the_current_directory(tmp_path: Path) -> None:
    from vigie.service import worker

    shared, mark = _planted(tmp_path)
    assert "-P" in worker.JOB_PYTHON
    proc = subprocess.run(
        [*worker.JOB_PYTHON, "-m", "vigie.service.crawl_job", "--help"],
        cwd=shared,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not mark.exists(), "the planted vigie package ran in the job process"
    assert proc.returncode == 0 and "--source" in proc.stdout, proc.stderr[-2000:]
