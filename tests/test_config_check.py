"""`vigie config check`: every broken config is reported as file:LINE: field: reason, exit 2."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import cli_fork
from tests.fixtures.forum import shipped_example_env
from vigie.config.loader import check_config_dir, load_config

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "config"
# The shipped examples refuse their placeholder defaults: the variables they name must be set.
SHIPPED_ENV = shipped_example_env

GOOD_SOURCE = """\
name: {name}
kind: forum
network: direct
start_urls: ["http://127.0.0.1:8080/"]
schedule:
  interval: 10m
forum:
  thread_link: "a.thread::attr(href)"
  post:
    container: "div.post"
    body: ".content"
"""


def vigie(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "200", **SHIPPED_ENV, **(env or {})}
    return cli_fork.run(
        [sys.executable, "-m", "vigie", *args], capture_output=True, text=True,
        env=full_env, cwd=cwd or REPO, timeout=120,
    )


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    """A copy of the shipped example config, to break one thing at a time."""
    target = tmp_path / "config"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def problems_of(directory: Path, env: dict[str, str] | None = None) -> list[str]:
    _, problems = check_config_dir(directory, env=env if env is not None else {**os.environ, **SHIPPED_ENV})
    return [str(p) for p in problems]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def assert_problem(problems: list[str], file: str, line: int, field: str, reason_pattern: str) -> None:
    wanted = re.compile(rf"{re.escape(file)}:{line}: {re.escape(field)}: .*{reason_pattern}")
    assert any(wanted.search(p) for p in problems), (
        f"no {file}:{line}: {field}: /{reason_pattern}/ in:\n" + "\n".join(problems))


# --- the shipped examples -------------------------------------------------------------------


def test_shipped_examples_are_valid() -> None:
    assert problems_of(SHIPPED) == []
    loaded = load_config(SHIPPED, env={**os.environ, **SHIPPED_ENV})
    assert set(loaded.sources) >= {"example-forum", "example-paste"}
    assert "example-org" in loaded.organisations


def test_cli_check_passes_on_shipped_examples_with_summary() -> None:
    result = vigie("config", "check", "config/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "configuration is valid" in result.stdout
    assert "example-forum" in result.stdout and "every 30m" in result.stdout
    assert "example-org" in result.stdout
    assert "embedded" in result.stdout


# --- broken configs: one test per kind of mistake, each asserting file, line and field -------


def test_yaml_syntax_error(cfg: Path) -> None:
    _write(cfg / "sources" / "bad.yaml", GOOD_SOURCE.format(name="bad") + "limits:\n  max_pages: [1, 2\n")
    assert_problem(problems_of(cfg), "sources/bad.yaml", 14, "(yaml)", "YAML syntax error")


@pytest.mark.parametrize(("text", "line", "field", "reason"), [
    # a control character: YAML refuses it before parsing (it raised a bare ReaderError)
    (GOOD_SOURCE.format(name="ctl") + "description: a\x01b\n", 12, "(yaml)", "#x0001 is not allowed"),
    # a list or a mapping as a key (TypeError: unhashable type)
    (GOOD_SOURCE.format(name="key") + "limits:\n  ? [max_pages, 2]\n  : 1\n", 13, "limits", "plain name"),
    # deeper than any config, and a node that holds itself (RecursionError)
    (GOOD_SOURCE.format(name="deep") + "description: " + "[" * 3000 + "]" * 3000 + "\n", 1, "(yaml)", "nested deeper"),
    (GOOD_SOURCE.format(name="self") + "description: &a [*a]\n", 12, "(yaml)", "nested deeper"),
    # ten lines of aliases are 10^8 values (the loader ran for minutes)
    (GOOD_SOURCE.format(name="bomb") + "x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]\n" for i in range(1, 9)), 12, "(yaml)", "more than 100000"),
], ids=["control-character", "list-as-key", "deep", "self-alias", "alias-bomb"])
def test_hostile_yaml_is_a_problem_with_its_line_not_a_traceback(cfg: Path, text: str, line: int, field: str,
                                                                 reason: str) -> None:
    _write(cfg / "sources" / "odd.yaml", text)
    started = time.process_time()
    assert_problem(problems_of(cfg), "sources/odd.yaml", line, field, reason)
    assert time.process_time() - started < 10


def test_missing_required_field(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="nostart").replace('start_urls: ["http://127.0.0.1:8080/"]\n', "")
    _write(cfg / "sources" / "nostart.yaml", text)
    # a missing key has no line of its own: it is reported at the mapping that lacks it
    assert_problem(problems_of(cfg), "sources/nostart.yaml", 1, "start_urls", "required field is missing")


def test_wrong_type(cfg: Path) -> None:
    _write(cfg / "sources" / "typed.yaml", GOOD_SOURCE.format(name="typed") + "limits:\n  max_pages: lots\n")
    assert_problem(problems_of(cfg), "sources/typed.yaml", 13, "limits.max_pages", "valid integer")


def test_unknown_key_suggests_nearest(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="typo").replace("network: direct", "netwrok: direct")
    _write(cfg / "sources" / "typo.yaml", text)
    assert_problem(problems_of(cfg), "sources/typo.yaml", 3, "netwrok", "unknown key 'netwrok'; did you mean 'network'")


def test_unknown_nested_key_in_global_config(cfg: Path) -> None:
    text = (cfg / "vigie.yaml").read_text().replace(
        "  backend: ${VIGIE_STORAGE_BACKEND:-embedded}", "  backend: embedded\n  bakend_url: x")
    _write(cfg / "vigie.yaml", text)
    lines = (cfg / "vigie.yaml").read_text().splitlines()
    line = next(i for i, text_line in enumerate(lines, 1) if "bakend_url" in text_line)
    assert_problem(problems_of(cfg), "vigie.yaml", line, "storage.bakend_url", "did you mean 'backend'")


@pytest.mark.parametrize(("section", "key", "value", "hint"), [
    ("tor", "circuit_failures_before_newnym", "5", "retried on a fresh isolated circuit"),
    ("keys", "webhook_signing_secret_file", "/etc/vigie/webhook.key", "channels.webhook.secret"),
    ("service", "crawl_mode", "subprocess", "always runs each crawl as a `vigie crawl` subprocess"),
])
def test_removed_key_says_it_was_removed_and_what_to_do(cfg: Path, section: str, key: str, value: str,
                                                        hint: str) -> None:
    text = (cfg / "vigie.yaml").read_text()
    assert f"\n{section}:\n" in text
    _write(cfg / "vigie.yaml", text.replace(f"\n{section}:\n", f"\n{section}:\n  {key}: {value}\n", 1))
    line = next(i for i, text_line in enumerate((cfg / "vigie.yaml").read_text().splitlines(), 1) if key in text_line)
    problems = problems_of(cfg)
    assert_problem(problems, "vigie.yaml", line, f"{section}.{key}",
                   f"'{key}' was removed in 0.2: .*{re.escape(hint)}")
    assert not any("unknown key" in p for p in problems), problems


def test_invalid_cron(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="cron").replace("  interval: 10m", '  cron: "61 * * * *"')
    _write(cfg / "sources" / "cron.yaml", text)
    assert_problem(problems_of(cfg), "sources/cron.yaml", 6, "schedule.cron", "invalid cron expression")


def test_invalid_interval(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="ival").replace("interval: 10m", "interval: 10 minutes")
    _write(cfg / "sources" / "ival.yaml", text)
    assert_problem(problems_of(cfg), "sources/ival.yaml", 6, "schedule.interval", "invalid interval")


@pytest.mark.parametrize("interval", ["0444444444444444444444444444444444444444h", "99999999999999w", "36501d"])
def test_an_interval_past_a_century_is_a_config_problem_not_a_crash(cfg: Path, interval: str) -> None:
    """The config fuzz target's find: a long number overflowed timedelta (an OverflowError out of
    `vigie config check`, not a problem naming the file, line and field)."""
    text = GOOD_SOURCE.format(name="big").replace("interval: 10m", f"interval: {interval}")
    _write(cfg / "sources" / "big.yaml", text)
    assert_problem(problems_of(cfg), "sources/big.yaml", 6, "schedule.interval", "at most 100 years")


def test_an_interval_of_a_century_or_with_leading_zeros_is_read() -> None:
    from vigie.config.schema import parse_interval

    assert parse_interval("36500d").days == 36500
    assert parse_interval("0" * 30 + "90s").total_seconds() == 90
    with pytest.raises(ValueError, match="write a positive number"):
        parse_interval("0" * 30 + "s")


def test_css_selector_that_does_not_parse(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="css").replace('container: "div.post"', 'container: "div..post[["')
    _write(cfg / "sources" / "css.yaml", text)
    assert_problem(problems_of(cfg), "sources/css.yaml", 10, "forum.post.container", "CSS selector .* does not parse")


def test_xpath_selector_that_does_not_parse(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="xp").replace('body: ".content"', 'body: "xpath://div[@class="')
    _write(cfg / "sources" / "xp.yaml", text)
    assert_problem(problems_of(cfg), "sources/xp.yaml", 11, "forum.post.body", "XPATH selector .* does not parse")


def test_unset_environment_variable(cfg: Path) -> None:
    org = (cfg / "organisations" / "example-org.yaml").read_text()
    org = org.replace("${EXAMPLE_ORG_WEBHOOK_SECRET:-replace-with-a-long-random-secret}", "${VIGIE_TEST_UNSET_SECRET}")
    _write(cfg / "organisations" / "example-org.yaml", org)
    lines = org.splitlines()
    line = next(i for i, text_line in enumerate(lines, 1) if "VIGIE_TEST_UNSET_SECRET" in text_line)
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_TEST_UNSET_SECRET"}
    problems = problems_of(cfg, env)
    assert_problem(problems, "organisations/example-org.yaml", line,
                   "channels.webhook.secret", r"\$\{VIGIE_TEST_UNSET_SECRET\} is not set")
    # said once: what the model makes of the emptied value would repeat it with a wrong hint
    assert sum(": channels.webhook.secret:" in p for p in problems) == 1, problems


def test_invalid_enum_value(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="net").replace("network: direct", "network: i2p")
    _write(cfg / "sources" / "net.yaml", text)
    assert_problem(problems_of(cfg), "sources/net.yaml", 3, "network", "'tor' or 'direct'")


def test_http_webhook_outside_loopback_is_refused(cfg: Path) -> None:
    org = (cfg / "organisations" / "example-org.yaml").read_text()
    org = org.replace("https://soc.example.org/hooks/vigie", "http://soc.example.org/hooks/vigie")
    _write(cfg / "organisations" / "example-org.yaml", org)
    line = next(i for i, text_line in enumerate(org.splitlines(), 1) if "url: http://" in text_line)
    assert_problem(problems_of(cfg), "organisations/example-org.yaml", line, "channels.webhook.url", "must use https")


def test_duplicate_source_names(cfg: Path) -> None:
    _write(cfg / "sources" / "a.yaml", GOOD_SOURCE.format(name="twin"))
    _write(cfg / "sources" / "b.yaml", GOOD_SOURCE.format(name="twin"))
    assert_problem(problems_of(cfg), "sources/b.yaml", 1, "name", "already used by")


def test_every_error_is_reported_not_just_the_first(cfg: Path) -> None:
    text = GOOD_SOURCE.format(name="many").replace("network: direct", "netwrok: direct")
    text = text.replace("interval: 10m", "interval: often") + "limits:\n  concurrency: -1\n"
    _write(cfg / "sources" / "many.yaml", text)
    (cfg / "vigie.yaml").write_text("storage:\n  backend: cassandra\n")
    problems = problems_of(cfg)
    assert_problem(problems, "sources/many.yaml", 3, "netwrok", "did you mean 'network'")
    assert_problem(problems, "sources/many.yaml", 6, "schedule.interval", "invalid interval")
    assert_problem(problems, "sources/many.yaml", 13, "limits.concurrency", "greater than or equal to 1")
    assert_problem(problems, "vigie.yaml", 2, "storage.backend", "'embedded' or 'elasticsearch'")


# --- through the real CLI ----------------------------------------------------------------------


def test_cli_prints_every_problem_and_exits_2(cfg: Path) -> None:
    _write(cfg / "sources" / "typo.yaml", GOOD_SOURCE.format(name="typo").replace("network:", "netwrok:"))
    _write(cfg / "sources" / "cron.yaml",
           GOOD_SOURCE.format(name="cron").replace("  interval: 10m", '  cron: "* * *"'))
    result = vigie("config", "check", str(cfg))
    assert result.returncode == 2
    lines = [out for out in result.stdout.splitlines() if out.strip()]
    assert any(re.search(r"sources/typo\.yaml:3: netwrok: unknown key", out) for out in lines), result.stdout
    assert any(re.search(r"sources/cron\.yaml:6: schedule\.cron: invalid cron expression", out)
               for out in lines), result.stdout


def test_secret_values_are_never_printed(cfg: Path) -> None:
    org = (cfg / "organisations" / "example-org.yaml").read_text()
    org = org.replace("${EXAMPLE_ORG_WEBHOOK_SECRET:-replace-with-a-long-random-secret}", "${VIGIE_TEST_SECRET}")
    org = org.replace("min_severity: medium ", "min_severity: extreme ")
    _write(cfg / "organisations" / "example-org.yaml", org)
    secret = "s3cr3t-value-that-must-not-appear"
    result = vigie("--log-level", "DEBUG", "config", "check", str(cfg), env={"VIGIE_TEST_SECRET": secret})
    assert result.returncode == 2
    assert "min_severity" in result.stdout
    assert secret not in result.stdout + result.stderr


def test_config_dir_from_environment(cfg: Path) -> None:
    _write(cfg / "sources" / "typo.yaml", GOOD_SOURCE.format(name="typo").replace("network:", "netwrok:"))
    result = vigie("config", "check", env={"VIGIE_CONFIG": str(cfg)})
    assert result.returncode == 2
    assert "netwrok" in result.stdout


def test_other_commands_refuse_a_bad_config(cfg: Path, tmp_path: Path) -> None:
    (cfg / "vigie.yaml").write_text("storage:\n  backend: cassandra\n")
    result = vigie("keys", "init", "--config", str(cfg), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "vigie.yaml:2: storage.backend" in result.stderr


def test_log_json_writes_one_object_per_line(cfg: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    text = (cfg / "vigie.yaml").read_text()
    text = text.replace("~/.config/vigie/match.key", str(keys / "m.key"))
    text = text.replace("~/.config/vigie/data.key", str(keys / "d.key"))
    (cfg / "vigie.yaml").write_text(text)
    result = vigie("--log-json", "--log-level", "DEBUG", "keys", "init", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    assert (keys / "m.key").stat().st_mode & 0o777 == 0o600
    records = [json.loads(out) for out in result.stderr.splitlines() if out.startswith("{")]
    assert records, result.stderr
    assert all("record" in r and "text" in r for r in records)
    again = vigie("keys", "init", "--config", str(cfg))
    assert "already exists, kept" in again.stdout


def test_loading_the_config_keeps_nothing_of_its_files(cfg: Path) -> None:
    """A service reloads its config (SIGHUP, `vigie check`): the loader once kept every scalar
    node it built in one module-wide YAML constructor, and with each node's mark the file's whole
    text, secrets included. After a load, no YAML node of the files may be alive."""
    import gc

    import yaml

    marker = "keep-nothing-3f9c2e"
    source = cfg / "sources" / "example-forum.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("name: example-forum",
                                                                 f"name: example-forum\n# {marker}"),
                      encoding="utf-8")
    for _ in range(3):
        problems_of(cfg)
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, yaml.Node) and isinstance(o.start_mark, yaml.Mark)
             and marker in (o.start_mark.buffer or "")]
    assert alive == [], f"{len(alive)} YAML nodes of the loaded files are still alive"
