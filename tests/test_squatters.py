"""Each adapter that sends a secret or crawl traffic to a loopback service refuses a port squatter.

The attacker's review: another local user binds 127.0.0.1:<port> while the real service is down
(at boot, during a restart) and receives what Vigie sends there: Redis's AUTH password,
PostgreSQL's password, Elasticsearch's credentials, the SMTP login and the alerts, or every onion
the crawl asks Tor's SOCKS port for. The squatter here is a real process running as `nobody`
that speaks enough of each protocol to draw the secret out (tests/squatter.py); every test
asserts it received not one byte, and that the operator gets an error naming the account and
the setting. Before the check, each of these squatters got the secret.

The same adapters against the real servers run by trusted accounts (redis-server and aiosmtpd
as root, Elasticsearch as `vigie-es`, PostgreSQL as `vigie-pg`, tor as root) are covered by
their own tests (test_scale_*, test_alerts_*, test_store_*, test_outbox_pg, test_tor_handler).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loguru import logger

from tests.squatter import Squatter

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a squatter of another uid needs root to start")

SECRET = "Sq-s3cret-Pw-7731"


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """What the adapters log at ERROR (loguru), to check the operator is told."""
    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="ERROR", format="{message}")
    yield seen
    logger.remove(sink)


def _told(errors: list[str], port: int) -> None:
    said = "\n".join(errors)
    assert f"127.0.0.1:{port}" in said and "uid 65534" in said and "security.trusted_local_users" in said, said
    assert SECRET not in said


def test_redis_refuses_a_squatter_before_auth(errors: list[str]) -> None:
    import redis

    from crawler.frontier.link import connect

    with Squatter("redis") as sq:
        link = connect(f"redis://127.0.0.1:{sq.port}/0", password=SECRET, secret=os.urandom(32),
                       timeout=2.0, retries=0)
        try:
            with pytest.raises(redis.ConnectionError) as got:
                link.client.set("vigie:probe", "x")
        finally:
            link.close()
        assert sq.received == b""  # no AUTH, no command
    assert "uid 65534" in str(got.value) and "security.trusted_local_users" in str(got.value)
    _told(errors, sq.port)


def test_redis_accepts_the_squatters_account_once_the_operator_trusts_it(tmp_path: Path) -> None:
    """The setting reaches the adapter through the composition root (vigie.wiring)."""
    from vigie.config.loader import load_config
    from vigie.wiring import open_frontier_link

    with Squatter("redis") as sq:
        (tmp_path / "sources").mkdir()
        (tmp_path / "vigie.yaml").write_text(
            f"scale:\n  redis_url: redis://127.0.0.1:{sq.port}/0\n  redis_password: {SECRET}\n"
            "security:\n  trusted_local_users: [nobody]\n")
        link = open_frontier_link(load_config(tmp_path), tmp_path / "data")
        try:
            link.client.set("vigie:probe", "x")
        finally:
            link.close()
        assert SECRET.encode() in sq.received  # trusted: AUTH went out, as the operator asked


def test_smtp_refuses_a_squatter_before_the_banner(errors: list[str]) -> None:
    from alerts.channels import ChannelError
    from alerts.channels.smtp import SmtpSender
    from vigie.config.schema import SmtpSettings

    with Squatter("smtp") as sq:
        settings = SmtpSettings(host="127.0.0.1", port=sq.port, security="none", username="vigie",
                                password=SECRET, timeout_seconds=5)
        with pytest.raises(ChannelError) as got:
            SmtpSender(settings).send(["dpo@example.org"], "alert-1", "Leak", "body: jean@example.fr", "<p>x</p>")
        assert sq.received == b""  # no EHLO, no AUTH, no alert
    assert not got.value.permanent  # retried: the real relay may be back
    assert "uid 65534" in str(got.value)
    _told(errors, sq.port)


def test_elasticsearch_refuses_a_squatter_before_the_credentials(errors: list[str], tmp_path: Path) -> None:
    from elastic_transport import ConnectionError as EsConnectionError

    from indexer.store.elastic import client_from_settings
    from vigie.config.schema import ElasticsearchSettings

    with Squatter("http") as sq:
        settings = ElasticsearchSettings(hosts=[f"http://127.0.0.1:{sq.port}"], username="elastic",
                                         password=SECRET, max_retries=0, request_timeout_seconds=5)
        client = client_from_settings(settings)
        try:
            with pytest.raises(EsConnectionError):
                client.info()
        finally:
            client.close()
        assert sq.received == b""  # no request, no Authorization header
    _told(errors, sq.port)


def test_postgresql_refuses_a_squatter_before_libpq_sends_the_password(errors: list[str]) -> None:
    """The squatter asks for a clear-text password, which libpq sends as it is: only the listener
    can be checked before (libpq never shows its socket first)."""
    from alerts.outbox_pg import PgOutbox, PgOutboxError

    with Squatter("postgres") as sq:
        with pytest.raises(PgOutboxError) as got:
            PgOutbox(f"postgresql://vigie:{SECRET}@127.0.0.1:{sq.port}/vigie", connect_timeout=3)
        assert sq.received == b""
    assert "uid 65534" in str(got.value) and SECRET not in str(got.value)
    _told(errors, sq.port)


def test_the_sync_socks_client_refuses_a_squatter_before_naming_the_target() -> None:
    from crawler._tor_socks import socks5_connect
    from vigie.core.peers import UntrustedPeerError

    with Squatter("socks5") as sq:
        with pytest.raises(UntrustedPeerError):
            socks5_connect("127.0.0.1", sq.port, "secretforumxxxxxxxx.onion", 80, username="vigie:src",
                           password=SECRET, timeout=5)
        assert sq.received == b""


def test_the_crawls_socks_handler_refuses_a_squatter_before_the_greeting(tmp_path: Path) -> None:
    """A real Scrapy crawl with the Tor handler pointed at a squatter on the SOCKS port: the onion
    is never named to it, the request fails with the reason, and the refusal is counted."""
    from crawler.handlers import tor_download_handler_settings
    from tests.fixtures.tor import tor_fetch

    with Squatter("socks5") as sq:
        spec: dict[str, Any] = {"settings": {**tor_download_handler_settings("127.0.0.1", sq.port),
                                             "RETRY_ENABLED": False},
                                "requests": [{"url": "http://secretforumxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"}]}
        [result] = tor_fetch(spec, tmp_path)
        assert sq.received == b""
    assert result["status"] is None
    assert result["error"].startswith("scrapy.exceptions.DownloadFailedError"), result
    assert "uid 65534" in result["error"] and "security.trusted_local_users" in result["error"]


@pytest.mark.slow
def test_the_browser_handler_refuses_a_squatter_on_chromiums_proxy(tmp_path: Path) -> None:
    """Chromium never shows its socket: the SOCKS listener is checked before each page. The
    squatter sees no connection at all (neither Chromium's nor the circuit opening's)."""
    from tests.test_browser_render import browser_fetch

    with Squatter("socks5") as sq:
        result = browser_fetch(tmp_path, {"url": "http://secretforumxxxxxxxx.onion/", "socks": ["127.0.0.1", sq.port],
                                          "source": "squat", "max_pages": 1, "timeout": 20, "retries": 0})
        assert sq.received == b"" and sq.connections == 0
    assert result["pages"] == []
    assert result["stats"].get("vigie_browser/socks_untrusted", 0) >= 1, result["stats"]


def test_status_and_doctor_show_a_squatter_on_tors_socks_port_and_do_not_greet_it(tmp_path: Path) -> None:
    """`vigie status` and `vigie doctor` (TorController.health) used to greet whatever answered
    SOCKS5 and call it reachable; a launch-mode crawl used it as "tor already running"."""
    from crawler.tor import TorError
    from vigie.config.loader import load_config
    from vigie.wiring import component_status, start_tor
    from vigie_kit.ports import free_port

    with Squatter("socks5") as sq:
        (tmp_path / "sources").mkdir()
        (tmp_path / "vigie.yaml").write_text(
            f"tor:\n  mode: external\n  socks_port: {sq.port}\n  control_port: {free_port()}\n")
        status = component_status(load_config(tmp_path), tmp_path / "data").tor
        assert status.startswith("attention:") and "uid 65534" in status, status
        # launch mode: the squatter is not used; since round 11 it does not stop tor either: the tor
        # launched binds ports of its own (tests/test_attack_review_round11_tor_ports.py); a tor
        # that cannot start is the error seen here (its only bridge is nothing)
        (tmp_path / "vigie.yaml").write_text(
            f"tor:\n  mode: launch\n  socks_port: {sq.port}\n  bootstrap_timeout_seconds: 1\n"
            "  extra_torrc: {UseBridges: '1', Bridge: '127.0.0.1:9'}\n")
        with pytest.raises(TorError) as got:
            start_tor(load_config(tmp_path).global_config.tor, tmp_path / "data", needed=True)
        assert "uid 65534" not in str(got.value) and "bootstrap" in str(got.value).lower(), got.value
        assert sq.received == b""
