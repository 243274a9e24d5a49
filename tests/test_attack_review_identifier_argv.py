"""Attacker's review: the person an analyst looks up, on the command line.

`vigie search -i email:VALUE` took the identifier only as an argument: every local user can read
a running command's arguments (`ps`, /proc/<pid>/cmdline) and the shell keeps them in its
history, while the store and the audit log keep only keyed tokens (the web app takes the value
by POST for the same reason). `-i TYPE:-` now reads the values from stdin; a value given as an
argument still works, with a warning. Real CLI subprocesses over a real embedded store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.identifiers import canonical_forms
from indexer.models import Severity
from indexer.store import open_store_from_settings
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.config.schema import StorageSettings

ROOT = Path(__file__).resolve().parents[1]
ENV = {"VIGIE_MATCH_KEY": "1:" + TEST_MATCH_KEY.key.hex(), "VIGIE_DATA_KEY": "1:" + TEST_DATA_KEY.key.hex(),
       "COLUMNS": "250"}
TYPED = "Jeanne.Martin@Exemple.test"
VICTIM = canonical_forms("email", TYPED)[0]


@pytest.fixture()
def populated(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "organisations").mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n")
    data = tmp_path / "data"
    docs = (synthetic_docs(3, source="forum-a", base_time=datetime(2026, 6, 1, tzinfo=UTC))
            + synthetic_docs(2, start=10, source="paste-b", base_time=datetime(2026, 6, 5, tzinfo=UTC),
                             severity=Severity.critical, emails=[VICTIM]))
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs)
    store.close()
    return config, data, sorted(d.id for d in docs[3:])


def _search(config: Path, data: Path, spec: str, stdin: str | None) -> tuple[subprocess.CompletedProcess[str], bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "search", "-i", spec, "--json", "-c", str(config),
                             "-d", str(data)], cwd=ROOT, env={**os.environ, **ENV}, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cmdline = b""
    deadline = time.monotonic() + 30
    while b"search" not in cmdline and time.monotonic() < deadline:  # once exec has replaced the fork's
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()  # what any local user reads while it runs
        time.sleep(0.01)
    assert b"search" in cmdline
    out, err = proc.communicate(stdin or "", timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), cmdline


def test_an_identifier_read_from_stdin_never_shows_in_the_process_arguments(populated) -> None:
    config, data, expected = populated
    done, cmdline = _search(config, data, "email:-", TYPED + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines()) == expected
    assert TYPED.encode() not in cmdline and VICTIM.encode() not in cmdline
    assert "warning" not in done.stderr


def test_several_values_on_stdin_are_one_search(populated) -> None:
    config, data, expected = populated
    done, _ = _search(config, data, "email:-", f"nobody@exemple.test\n\n{TYPED}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines()) == expected


def test_a_value_on_the_command_line_still_works_and_is_warned_about(populated) -> None:
    config, data, expected = populated
    done, cmdline = _search(config, data, f"email:{TYPED}", None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines()) == expected
    assert TYPED.encode() in cmdline  # the exposure the warning is about
    assert ("warning: the email value is on the command line, where other local users can read it (ps) and the "
            "shell keeps it: pipe it in with -i email:- instead") in " ".join(done.stderr.split())
