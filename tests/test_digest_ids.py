"""A digest's id identifies its content: equal alerts -> same id, different alerts -> another id.

The receiver deduplicates on that id (webhook-id, email Message-ID), so two digests with different
content under one id would make it drop the second: the case of a dead-lettered digest whose alerts
the operator re-sends one by one with `vigie alerts retry ALERT_ID`.
"""

from __future__ import annotations

import time

import pytest

from alerts.worker import DeliveryWorker, SentMessage, digest_id_for
from indexer.models import Severity
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver, make_fragment
from tests.test_alerts_delivery import OURS, cli, drain, register
from vigie.wiring import build_matcher

HOURLY = {"critical": "hourly", "high": "hourly", "medium": "hourly", "low": "hourly"}


def test_retrying_dead_lettered_digest_alerts_one_by_one_sends_distinct_ids(
        alerts_env: AlertsEnv, smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, policy=HOURLY,
                     max_attempts=2, backoff=0.05)
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    docs = [make_fragment(rt.match_key, OURS[:i + 1], severity=Severity.medium, n=i) for i in range(3)]
    assert matcher.on_fragments(docs) == 3
    # the worker lives two hours ahead, so the hourly window these alerts wait for has closed
    worker = DeliveryWorker(matcher.outbox, rt.config.organisations, rt.config.global_config.alerts,
                            clock=lambda: time.time() + 7200)
    smtp_sink.stop()
    webhook_receiver.plan[:] = [503, 503]
    try:
        drain(worker, lambda: matcher.outbox.counts() == {"failed": 6})
    finally:
        smtp_sink.start()
    assert [r.status for r in webhook_receiver.receipts] == [503, 503]  # one digest of 3, twice
    [first_try] = {r.body for r in webhook_receiver.receipts}

    common = ["--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)]
    alert_ids = sorted(r["alert_id"] for r in matcher.outbox.list_alerts())
    for aid in alert_ids[:2]:
        res = cli(["alerts", "retry", aid, *common])
        assert res.exit_code == 0 and "2 deliveries queued" in res.stdout, res.output
        drain(worker, lambda: "pending" not in matcher.outbox.counts() and "sending" not in matcher.outbox.counts())
    assert matcher.outbox.counts() == {"sent": 4, "failed": 2}

    # webhook: two digests, each processed (none dropped as a duplicate), each carrying one alert
    assert webhook_receiver.duplicates == 0
    processed = webhook_receiver.processed
    assert sorted(a["alert_id"] for body in processed.values() for a in body["alerts"]) == alert_ids[:2]
    assert all(len(body["alerts"]) == 1 and body["id"] == key for key, body in processed.items())
    assert all(key not in first_try.decode() for key in processed)  # not the dead-lettered digest's id
    # email: two digests with distinct Message-IDs, each naming its one alert
    mails = smtp_sink.wait_for(2)
    assert len({m["Message-ID"] for m in mails}) == 2
    for mail, aid in zip(mails, alert_ids[:2], strict=True):
        part = mail.get_body(("plain",))
        assert part is not None
        text = part.get_content()
        assert aid in text and not any(other in text for other in alert_ids if other != aid)
        assert mail["Message-ID"] == f"<{mail['X-Vigie-Alert-Id']}@alerts.vigie>"


def test_digest_id_is_a_function_of_its_content() -> None:
    base = digest_id_for("acme", "webhook", "hourly", ["a1", "a2", "a3"])
    assert digest_id_for("acme", "webhook", "hourly", ["a3", "a1", "a2"]) == base  # order is not content
    others = {digest_id_for("acme", "webhook", "hourly", ["a1", "a2"]),
              digest_id_for("acme", "webhook", "hourly", ["a1", "a2", "a4"]),
              digest_id_for("acme", "email", "hourly", ["a1", "a2", "a3"]),
              digest_id_for("acme", "webhook", "daily", ["a1", "a2", "a3"]),
              digest_id_for("other", "webhook", "hourly", ["a1", "a2", "a3"]),
              digest_id_for("acme", "webhook", "hourly", ["a1\na2", "a3"])}  # no ambiguous joining
    assert base not in others and len(others) == 6
    with pytest.raises(ValueError):
        digest_id_for("acme", "webhook", "hourly", [])


def test_a_digest_resent_after_a_crash_keeps_its_id(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                    webhook_receiver: WebhookReceiver) -> None:
    """The worker dies between the send and the ack (its after_send hook raises, standing in for
    the SIGKILL of test_alerts_delivery's crash test): the rows stay bound to the digest, and the
    next worker re-sends the same alerts under the same id, which the receiver drops."""
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, policy=HOURLY)
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    docs = [make_fragment(rt.match_key, OURS[:i + 1], severity=Severity.medium, n=i) for i in range(3)]
    assert matcher.on_fragments(docs) == 3
    alert_ids = sorted(r["alert_id"] for r in matcher.outbox.list_alerts())

    class Died(Exception):
        pass

    def die(message: SentMessage) -> None:
        if message.channel == "webhook":
            raise Died(message.key)

    clock = lambda: time.time() + 7200  # noqa: E731
    dying = DeliveryWorker(matcher.outbox, rt.config.organisations, rt.config.global_config.alerts,
                           clock=clock, lease_seconds=0.5, after_send=die)
    with pytest.raises(Died) as died:
        while True:
            dying.run_once()
    key = str(died.value)
    assert key == digest_id_for("acme", "webhook", "hourly", alert_ids)
    assert {d.digest_id for d in matcher.outbox.digest_members(key)} == {key}
    time.sleep(0.6)  # the dead worker's lease expires
    worker = DeliveryWorker(matcher.outbox, rt.config.organisations, rt.config.global_config.alerts,
                            clock=clock)
    drain(worker, lambda: set(matcher.outbox.counts()) == {"sent"})
    assert [r.headers["webhook-id"] for r in webhook_receiver.receipts] == [key, key]
    assert list(webhook_receiver.processed) == [key] and webhook_receiver.duplicates == 1
