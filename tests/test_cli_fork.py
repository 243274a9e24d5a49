"""tests/cli_fork.py runs the suite's `python -m vigie` commands by fork from a preloaded server:
each case here runs one command both ways, forked and exec'd (`subprocess.run`), and the two must
agree on what the tests read (exit code, stdout, stderr); the fork must have been taken (else the
comparison proves nothing), and the cases where a fork would differ must fall back to exec."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli_fork
from tests.fixtures.forum import make_config, test_keys_env

pytestmark = pytest.mark.skipif(os.environ.get("VIGIE_TEST_FORK") == "0", reason="VIGIE_TEST_FORK=0: nothing forks")

VIGIE = [sys.executable, "-m", "vigie"]
DUMP = ("nom;prenom;email;telephone\n"
        "Lefebvre;Camille;camille.lefebvre@exemple.fr;06 12 34 56 78\n"
        "Moreau;Hugo;hugo.moreau@exemple.fr;07 98 76 54 32\n"
        "Garnier;Lina;lina.garnier@exemple.fr;06 45 67 89 01\n")


def both(cmd: list[str], **kwargs: object) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The command forked, then exec'd; fails unless the first really went through the server."""
    before = cli_fork.forked()
    forked = cli_fork.run(cmd, **kwargs)  # type: ignore[arg-type]
    assert cli_fork.forked() == before + 1, "the command was exec'd, not forked: this comparison proves nothing"
    return forked, subprocess.run(cmd, **kwargs)  # type: ignore[call-overload]


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    return make_config(tmp_path / "config", "http://127.0.0.1:9")


def test_an_error_exit_and_its_message_are_the_execs(config: Path, tmp_path: Path) -> None:
    forked, execd = both([*VIGIE, "crawl", "nope", "-c", str(config), "-d", str(tmp_path / "d")],
                         capture_output=True, text=True, timeout=120, env={**os.environ, **test_keys_env})
    assert forked.returncode == execd.returncode == 2
    assert forked.stderr == execd.stderr and "no source named 'nope'" in forked.stderr
    assert forked.stdout == execd.stdout


def test_a_scan_reads_its_cwd_environment_and_stdin(config: Path, tmp_path: Path) -> None:
    """A relative path resolves in the given cwd, the keys come from the given environment (none
    in the server's), stdin is the given input."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "clients.csv").write_text(DUMP, encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}, **test_keys_env}
    args = ["--json", "--reveal", "-c", str(config), "-d", str(tmp_path / "d")]
    forked, execd = both([*VIGIE, "scan", "clients.csv", *args], cwd=work, env=env, capture_output=True, text=True,
                         timeout=120)
    assert forked.returncode == execd.returncode == 0, forked.stderr
    assert forked.stdout == execd.stdout and "camille.lefebvre@exemple.fr" in forked.stdout
    piped, execd = both([*VIGIE, "scan", "-", *args], input=DUMP, cwd=work, env=env, capture_output=True, text=True,
                        timeout=120)
    assert piped.returncode == execd.returncode == 0, piped.stderr
    assert piped.stdout == execd.stdout and "hugo.moreau@exemple.fr" in piped.stdout


@pytest.mark.parametrize("engine", ["python", None])
def test_the_detection_engine_is_chosen_from_the_commands_environment(config: Path, tmp_path: Path,
                                                                       engine: str | None) -> None:
    """`indexer.engine` chose at import, in the server: the command chooses again from its own
    VIGIE_ENGINE, as an exec'd one does."""
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_ENGINE"}
    if engine:
        env["VIGIE_ENGINE"] = engine
    forked, execd = both([*VIGIE, "doctor", "-c", str(config), "-d", str(tmp_path / "d")], env=env,
                         capture_output=True, text=True, timeout=120)
    lines = [[ln for ln in p.stdout.splitlines() if "detection engine" in ln] for p in (forked, execd)]
    assert lines[0] and lines[0] == lines[1], (forked.stdout, execd.stdout)
    if engine:
        assert "VIGIE_ENGINE=python" in lines[0][0]


def test_a_command_past_its_timeout_is_killed_and_raises_as_subprocess_does(config: Path, tmp_path: Path) -> None:
    read, write = os.pipe()  # stdin that never ends: `scan -` waits for it
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            cli_fork.run([*VIGIE, "scan", "-", "-c", str(config), "-d", str(tmp_path / "d")], stdin=read,
                         capture_output=True, timeout=3, env={**os.environ, **test_keys_env})
    finally:
        os.close(read)
        os.close(write)


def test_what_an_interpreter_reads_as_it_starts_makes_it_an_exec(config: Path, tmp_path: Path) -> None:
    before = cli_fork.forked()
    for env in ({**os.environ, "PYTHONHASHSEED": "7"}, {**os.environ, "LC_ALL": "C"}):
        done = cli_fork.run([*VIGIE, "--version"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stdout.startswith("vigie ")
    done = cli_fork.run([*VIGIE, "--version"], capture_output=True, text=True, timeout=120, start_new_session=True)
    assert done.returncode == 0
    assert cli_fork.forked() == before, "forked although a fork would not be what an exec is"
