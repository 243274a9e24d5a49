"""The operator channel over a real SMTP server and a real webhook receiver: one notice per
condition until it clears, rate-limited per channel, state kept across a restart."""

from __future__ import annotations

from pathlib import Path

from alerts.operator import OperatorNotifier
from tests.fixtures.mail import SmtpSink, WebhookReceiver
from vigie.config.schema import AlertsSettings


def _settings(smtp: SmtpSink, hook: WebhookReceiver) -> AlertsSettings:
    return AlertsSettings.model_validate({
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout_seconds": 5},
        "webhook": {"allow_http_loopback": True},
        "operators": {"email": ["ops@vigie.test"], "webhook": {"url": hook.url, "secret": hook.secret},
                      "min_interval_seconds": 600}})


def test_one_notice_per_condition_rate_limited(tmp_path: Path, smtp_sink: SmtpSink,
                                               webhook_receiver: WebhookReceiver) -> None:
    now = [1_000_000.0]
    settings = _settings(smtp_sink, webhook_receiver)
    ops = OperatorNotifier(tmp_path / "service.sqlite3", settings, clock=lambda: now[0])
    assert ops.raise_("tor:down", "Tor is not reachable on 127.0.0.1:9050")
    assert ops.flush() == 1
    smtp_sink.wait_for(1)
    webhook_receiver.wait_for(1)
    assert "Tor is not reachable" in smtp_sink.messages[0]["Subject"]
    assert all(r.verified for r in webhook_receiver.receipts)

    assert not ops.raise_("tor:down", "Tor is not reachable")  # still down: nothing new
    assert ops.flush() == 0
    now[0] += 60
    assert ops.raise_("spool:filling", "the Elasticsearch spool is 85% full")
    assert ops.flush() == 0  # rate-limited: waits
    ops.close()
    ops = OperatorNotifier(tmp_path / "service.sqlite3", settings, clock=lambda: now[0])  # a restart
    now[0] += 600
    assert ops.flush() == 1  # the spool notice, and only it
    smtp_sink.wait_for(2)
    webhook_receiver.wait_for(2)
    assert "spool" in smtp_sink.messages[1]["Subject"] and "Tor" not in smtp_sink.messages[1]["Subject"]

    assert ops.clear("tor:down")
    now[0] += 600
    assert ops.raise_("tor:down", "Tor is not reachable again")  # a new occurrence is noticed again
    assert ops.flush() == 1
    smtp_sink.wait_for(3)
    assert len(smtp_sink.messages) == 3 and len(webhook_receiver.processed) == 3
    assert (tmp_path / "service.sqlite3").stat().st_mode & 0o777 == 0o600
    ops.close()
