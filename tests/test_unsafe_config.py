"""Unsafe configurations are refused before anything runs (issue 11, section 5): a `.onion` URL
on a direct source, a clearnet URL on a Tor source, placeholder secrets, and non-random keys.
Each refusal is a `file:LINE: field: reason` line from the real loader, or a `KeyFileError`
from the real key loader, and never quotes the refused value."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests import cli_fork
from vigie.config.loader import check_config_dir
from vigie.keys import KeyFileError, load_data_key, load_match_key

REPO = Path(__file__).resolve().parents[1]
GOOD_SECRET = "9c1f4e7a2b8d6053e1a7c4f9b2d8e6a1"

SOURCE = """\
name: s
network: {network}
start_urls: ["{url}"]
schedule:
  interval: 10m
forum:
  thread_link: "a::attr(href)"
  post:
    container: "div.post"
    body: ".content"
{extra}"""

ORG = """\
id: org
display_name: Org
channels:
  webhook:
    url: https://hooks.example.net/vigie
    secret: "{secret}"
"""


def _problems(cfg: Path, env: dict[str, str] | None = None) -> list[str]:
    loaded, problems = check_config_dir(cfg, env=env or {})
    assert (loaded is None) == bool(problems)
    return [str(p) for p in problems]


def _source(tmp_path: Path, network: str, url: str, extra: str = "") -> Path:
    (tmp_path / "sources").mkdir(parents=True, exist_ok=True)
    (tmp_path / "sources" / "s.yaml").write_text(SOURCE.format(network=network, url=url, extra=extra))
    return tmp_path


# --- network ----------------------------------------------------------------------------------


def test_direct_source_with_an_onion_start_url_is_refused(tmp_path: Path) -> None:
    cfg = _source(tmp_path, "direct", "http://abcdefghijklmnop.onion/forum")
    (problem,) = _problems(cfg)
    assert "sources/s.yaml:3: start_urls: " in problem
    assert "is a .onion address but network is 'direct'" in problem and "set network: tor" in problem


def test_direct_source_with_an_onion_login_url_is_refused(tmp_path: Path) -> None:
    login = """login:
  url: http://abcdefghijklmnop.onion/login
  username: u
  password: "Zq8-forum-acct"
  logged_in: {selector: "a.logout"}
  login_wall: {url_pattern: "/login"}
"""
    cfg = _source(tmp_path, "direct", "http://127.0.0.1:8080/", login)
    (problem,) = _problems(cfg)
    assert ":11: login: " in problem and "login URL" in problem and "network is 'direct'" in problem


def test_tor_source_with_a_clearnet_url_is_refused_unless_allowed(tmp_path: Path) -> None:
    cfg = _source(tmp_path, "tor", "http://127.0.0.1:8080/")
    (problem,) = _problems(cfg)
    assert ":3: start_urls: " in problem and "not a .onion address but network is 'tor'" in problem
    assert "network: direct" in problem and "allow_clearnet_over_tor: true" in problem
    _source(tmp_path, "tor", "http://127.0.0.1:8080/", "allow_clearnet_over_tor: true\n")
    assert _problems(cfg) == []


@pytest.mark.parametrize(("network", "url"), [("tor", "http://abcdefghijklmnop.onion/"),
                                              ("direct", "https://forum.example.net/")])
def test_matching_network_and_address_load(tmp_path: Path, network: str, url: str) -> None:
    assert _problems(_source(tmp_path, network, url)) == []


# --- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [
    "", "short-but-ok-7", "replace-with-a-long-random-secret", "change-me-webhook", "CHANGEME-0123456789abc",
    "webhook-secret-example-value", "aaaaaaaaaaaaaaaaaaaaaaaa", "secretsecretsecret123", "TODO-set-this-value-later",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1", "<your-webhook-secret-here>",
])
def test_placeholder_or_short_webhook_secrets_are_refused(tmp_path: Path, secret: str) -> None:
    (tmp_path / "organisations").mkdir()
    (tmp_path / "organisations" / "org.yaml").write_text(ORG.format(secret=secret))
    (problem,) = _problems(tmp_path)
    assert "organisations/org.yaml:6: channels.webhook.secret: " in problem
    assert "webhook secret" in problem and "openssl rand -hex 32" in problem
    if secret:
        assert secret not in problem


def test_a_real_webhook_secret_loads(tmp_path: Path) -> None:
    (tmp_path / "organisations").mkdir()
    (tmp_path / "organisations" / "org.yaml").write_text(ORG.format(secret=GOOD_SECRET))
    assert _problems(tmp_path) == []


@pytest.mark.parametrize(("yaml_text", "line", "field"), [
    ("alerts:\n  smtp:\n    username: vigie\n    password: change-me-smtp\n", 4, "alerts.smtp.password"),
    ("alerts:\n  smtp:\n    username: vigie\n    password: ''\n", 2, "alerts.smtp"),
    ("storage:\n  elasticsearch:\n    username: elastic\n    password: password\n", 4,
     "storage.elasticsearch.password"),
    ("tor:\n  mode: external\n  control_password: example-tor-pw\n", 3, "tor.control_password"),
])
def test_placeholder_passwords_are_refused(tmp_path: Path, yaml_text: str, line: int, field: str) -> None:
    (tmp_path / "vigie.yaml").write_text(yaml_text)
    (problem,) = _problems(tmp_path)
    assert f"vigie.yaml:{line}: {field}: " in problem and ("placeholder" in problem or "empty" in problem)


def test_a_refused_default_names_the_variable_to_set(tmp_path: Path) -> None:
    """The shipped shape `${VAR:-replace-with-...}` fails loudly and says which variable to export."""
    (tmp_path / "organisations").mkdir()
    (tmp_path / "organisations" / "org.yaml").write_text(
        ORG.format(secret="${ORG_HOOK_SECRET:-replace-with-a-long-random-secret}"))
    (problem,) = _problems(tmp_path)
    assert "${ORG_HOOK_SECRET} is not set" in problem and "export ORG_HOOK_SECRET=" in problem
    assert _problems(tmp_path, {"ORG_HOOK_SECRET": GOOD_SECRET}) == []


def test_shipped_examples_refuse_their_defaults_naming_each_variable() -> None:
    problems = "\n".join(_problems(REPO / "config"))
    for var in ("EXAMPLE_ORG_WEBHOOK_SECRET", "EXAMPLE_FORUM_PASSWORD", "EXAMPLE_XENFORO_PASSWORD"):
        assert f"export {var}=" in problems, problems


def _env_example() -> dict[str, str]:
    out = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def test_env_example_placeholders_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copying .env.example without editing it must not give a running deployment."""
    example = _env_example()
    env = {"VIGIE_ES_USER": "elastic", "VIGIE_ES_PASSWORD": example["ELASTIC_PASSWORD"],
           "VIGIE_TOR_CONTROL_PASSWORD": example["TOR_CONTROL_PASSWORD"], **example}
    problems = "\n".join(_problems(REPO / "config", env))
    for field in ("storage.elasticsearch.password", "tor.control_password", "alerts.smtp.password",
                  "channels.webhook.secret", "login.password"):
        assert f": {field}: " in problems, (field, problems)
    monkeypatch.setenv("VIGIE_MATCH_KEY", example["VIGIE_MATCH_KEY"])
    monkeypatch.setenv("VIGIE_DATA_KEY", example["VIGIE_DATA_KEY"])
    with pytest.raises(KeyFileError, match=r"\$VIGIE_MATCH_KEY: .*openssl rand -hex 32"):
        load_match_key(Path("/nonexistent/key"))
    with pytest.raises(KeyFileError, match=r"\$VIGIE_DATA_KEY: .*openssl rand -hex 32"):
        load_data_key(Path("/nonexistent/key"))


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("hexkey", ["00" * 32, "11" * 32, "5a" * 16 + "c3" * 16, "0123456" * 9 + "0"])
def test_keys_without_entropy_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hexkey: str) -> None:
    monkeypatch.setenv("VIGIE_MATCH_KEY", "1:" + hexkey)
    with pytest.raises(KeyFileError, match=r"\$VIGIE_MATCH_KEY: the key is not random"):
        load_match_key(tmp_path / "unused")
    monkeypatch.delenv("VIGIE_DATA_KEY", raising=False)
    key_file = tmp_path / "data.key"
    key_file.write_text("1:" + hexkey + "\n")
    key_file.chmod(0o600)
    with pytest.raises(KeyFileError, match=rf"{key_file}: the key is not random.*vigie keys init"):
        load_data_key(key_file)


def test_a_random_key_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_MATCH_KEY", "1:" + os.urandom(32).hex())
    assert len(load_match_key(tmp_path / "unused").key) == 32


def test_cli_refuses_an_unsafe_source_with_file_and_line(tmp_path: Path) -> None:
    """Every command loads through the loader: `vigie crawl` refuses before crawling."""
    cfg = _source(tmp_path / "config", "direct", "http://abcdefghijklmnop.onion/")
    env = {**os.environ, "VIGIE_MATCH_KEY": "1:" + os.urandom(32).hex(), "VIGIE_DATA_KEY": "1:" + os.urandom(32).hex()}
    crawl = ["crawl", "s", "--config", str(cfg), "--data-dir", str(tmp_path / "d")]
    for args in (["config", "check", str(cfg)], crawl):
        run = cli_fork.run([sys.executable, "-m", "vigie", *args], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=120)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "sources/s.yaml:3: start_urls: " in run.stdout + run.stderr
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


def test_a_refused_webhook_url_is_reported_without_its_path(tmp_path: Path) -> None:
    (tmp_path / "organisations").mkdir()
    (tmp_path / "organisations" / "org.yaml").write_text(
        ORG.format(secret=GOOD_SECRET).replace("https://hooks.example.net/vigie", "http://hooks.example.net/T0KEN?k=Q1"))
    (problem,) = _problems(tmp_path)
    assert "channels.webhook.url: " in problem and "must use https" in problem and "hooks.example.net" in problem
    assert "T0KEN" not in problem and "Q1" not in problem
