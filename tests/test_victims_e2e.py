"""End to end: a victim named on a leak site whose name is on an organisation's watchlist gets
exactly one alert, by email and webhook (real SMTP and webhook receivers); a re-crawl raises
none; the status changing announced -> published raises one update.

The listing is server-rendered (tests/test_leaksite_spider.ListingServer); the same flow through
`render: browser` on the walled JavaScript leak site over Tor is tests/test_leaksite_browser_e2e.py."""

from __future__ import annotations

import subprocess
import sys
import time

import yaml

from alerts.outbox import Outbox
from tests.fixtures.forum import crawl
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver
from tests.test_leaksite_spider import ListingServer, Row, leaksite_source


def _deliver(env: AlertsEnv, smtp: SmtpSink, hook: WebhookReceiver, n: int) -> None:
    """Run the delivery worker until `n` mails and `n` webhooks arrived (and a moment more)."""
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "alerts", "deliver", "--config", str(env.config),
                             "--data-dir", str(env.data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        smtp.wait_for(n, timeout=30)
        hook.wait_for(n, timeout=30)
        time.sleep(1.0)  # would a duplicate follow?
    finally:
        proc.terminate()
        proc.wait(15)


def test_named_victim_alerts_once_then_update(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                              webhook_receiver: WebhookReceiver) -> None:
    env = alerts_env
    org_file = env.config / "organisations" / f"{env.org}.yaml"
    org = yaml.safe_load(org_file.read_text())
    org["watchlist"] = {"names": ["Acme Santé SAS"], "domains": ["acme-sante.fr"], "exclusions": ["acme corp"]}
    org_file.write_text(yaml.safe_dump(org, allow_unicode=True))
    rows = [Row("Boulangerie Martin", "boulangerie-martin.fr"),
            Row("ACME SANTE S.A.S.", "https://www.acme-sante.fr", files=[("dossiers.zip", "3 GB")]),
            Row("Acme Corp", "acmecorp.com")]
    with ListingServer(rows) as site:
        leaksite_source(env.config, site.url)
        run = crawl(env.config, env.data, "lockleak")
        assert run.returncode == 0, run.stderr
        _deliver(env, smtp_sink, webhook_receiver, 1)
        (mail,) = smtp_sink.messages
        assert "ACME SANTE S.A.S." in mail["Subject"] and "named on a leak site" in mail["Subject"]
        body = mail.get_body(("plain",))
        assert body is not None and "Countdown / publication" in body.get_content()
        (alert,) = [a["alert"] for a in webhook_receiver.processed.values()]
        assert all(r.verified for r in webhook_receiver.receipts)
        assert alert["watch_kind"] == "victim" and alert["status"] == "announced"
        assert alert["deadline_at"] and alert["source"] == "lockleak" and alert["files"] == 1

        again = crawl(env.config, env.data, "lockleak")  # nothing changed: no alert
        assert again.returncode == 0, again.stderr
        outbox = Outbox(env.data / "alerts.sqlite3")
        try:
            assert len(outbox.list_alerts(org=env.org)) == 1
        finally:
            outbox.close()

        site.rows[1].status = "published"
        third = crawl(env.config, env.data, "lockleak")
        assert third.returncode == 0, third.stderr
        smtp_sink.clear()
        webhook_receiver.clear()
        _deliver(env, smtp_sink, webhook_receiver, 1)
        (update,) = [a["alert"] for a in webhook_receiver.processed.values()]
        assert update["alert_kind"] == "update" and update["status"] == "published"
        assert len(smtp_sink.messages) == 1
