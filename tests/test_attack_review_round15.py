"""Attacker's review, round 15: what a program a library starts inside a Vigie command inherits.

Rounds 8 and 13 gave the programs Vigie starts (tor, Chromium, Playwright's driver, the readers)
a cut environment (`vigie.core.process.child_env`), but a library starts programs of its own with
the whole of `os.environ`: Scrapy's start-up line ran `uname -p` (platform.platform() on Python
3.11) from inside every crawl, with both keys and the forum password in its environ (CI caught
it 1 run in N, when the residue test's /proc poll happened to see the short-lived `uname`).
`ctypes.util.find_library` (ldconfig, gcc), `webbrowser`, `getpass`' tty helpers are the same
class. The keys and the config's `${NAME}` secrets now leave the environment of every `vigie`
process once read (`vigie.core.process.hold_secret_env`, `hold_env`), and go back only to
Vigie's own crawl processes (`product_env`).

Cheap: `vigie scan` of a small file, no crawl (the real crawl is traced by
tests/test_attack_review_residue.py, with strace, every run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.fixtures.forum import REPO, make_config, test_keys_env

SECRET_VAR = "R15_FORUM_PASSWORD"
SECRET = "r15-forum-pw-Zq8v"
KEY_HEX = [value.split(":", 1)[1] for value in test_keys_env.values()]

# A library inside the command starting a program at the end of it (atexit: after the config and
# the keys were read): `cat` prints its own environment, as inherited.
_PROBE = r"""
import atexit, subprocess, sys
def probe():
    env = subprocess.run(["cat", "/proc/self/environ"], capture_output=True).stdout
    sys.stderr.write("PROBE-ENV:" + env.replace(b"\0", b"\n").decode(errors="replace") + ":END\n")
atexit.register(probe)
from vigie.cli import main
sys.argv = ["vigie", *sys.argv[1:]]
main()
"""


def _config(tmp_path: Path) -> Path:
    config = make_config(tmp_path / "config", "http://127.0.0.1:9/")
    path = config / "sources" / "test-phpbb.yaml"
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    source["login"]["password"] = "${" + SECRET_VAR + "}"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    return config


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    env = {**os.environ, **test_keys_env, SECRET_VAR: SECRET, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    probe = run.stderr.split("PROBE-ENV:", 1)[-1].split(":END", 1)[0] if "PROBE-ENV:" in run.stderr else ""
    return run, probe


def test_a_program_a_library_starts_gets_no_key_and_no_config_secret(tmp_path: Path) -> None:
    """`vigie scan` reads the config (a `${NAME}` forum password) and the match key (it fails
    without one), scans a small dump; then a program is started from inside the process.
    Before: its environ held VIGIE_MATCH_KEY, VIGIE_DATA_KEY and the forum password."""
    config = _config(tmp_path)
    dump = tmp_path / "clients.csv"
    dump.write_text("email;telephone\njean.martin@exemple.fr;06 12 34 56 78\npaul.durand@exemple.fr;06 22 34 56 79\n")
    run, probe = _run(tmp_path, "scan", str(dump), "--json", "--config", str(config),
                      "--data-dir", str(tmp_path / "data"))
    assert run.returncode == 0, run.stderr[-2000:]  # the keys were read (from where they are held)
    assert "PATH=" in probe and "HOME=" in probe, probe[:500]  # the probe ran, its environment is there
    secrets = [(SECRET_VAR, SECRET), *zip(test_keys_env, KEY_HEX, strict=True)]
    leaks = [name for name, value in secrets if value in probe]
    assert leaks == [], f"a program started inside `vigie scan` holds {leaks} in its environment"


def test_the_config_check_holds_the_secret_but_keeps_ordinary_variables(tmp_path: Path) -> None:
    """`vigie config check` (the config alone): the `${NAME}` secret leaves the environment, and
    what programs need (PATH, HOME, LANG) stays. A second variable the config does not name stays
    too: only what the config reads is held."""
    config = _config(tmp_path)
    os.environ.setdefault("LANG", "C.UTF-8")
    run, probe = _run(tmp_path, "config", "check", "--config", str(config))
    assert run.returncode == 0, run.stderr[-2000:]
    assert SECRET not in probe and SECRET_VAR not in probe, "the config's ${NAME} secret reached the program"
    assert "PATH=" in probe and "PYTHONPATH=" in probe, probe[:500]


def test_vigie_s_own_crawl_process_gets_the_secrets_back() -> None:
    """The service's and the scale worker's crawl (a Vigie process that reads the keys and the
    config) get them back through `product_env()`, in a fresh interpreter: the hold leaves
    `os.environ`, not the process."""
    script = r"""
import os, json
from vigie.core.process import hold_secret_env, hold_env, product_env, getenv
hold_secret_env()
hold_env(["R15_FORUM_PASSWORD", "PATH"])
# the secrets' names only: the suite's own VIGIE_ENGINE / VIGIE_REQUIRE_NATIVE are no secrets
secret = lambda k: k in ("VIGIE_DATA_KEY", "VIGIE_MATCH_KEY") or k.startswith("R15_")
print(json.dumps({"environ": sorted(k for k in os.environ if secret(k)),
                  "product": sorted(k for k in product_env() if secret(k)),
                  "path": "PATH" in os.environ, "key": getenv("VIGIE_DATA_KEY") == os.environ.get("X_WANT")}))
"""
    env = {**os.environ, **test_keys_env, SECRET_VAR: SECRET, "PYTHONPATH": str(REPO),
           "X_WANT": test_keys_env["VIGIE_DATA_KEY"]}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                         check=True).stdout
    import json
    got = json.loads(out)
    assert got == {"environ": [], "product": sorted([*test_keys_env, SECRET_VAR]), "path": True, "key": True}, got
