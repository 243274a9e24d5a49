"""Matching and delivery against a real SMTP server (aiosmtpd) and a real HTTP receiver.

Fragments here are built with the real token functions (tests/fixtures/mail.make_fragment) so the
tests isolate matching and delivery; the detection-to-alert path is in test_alerts_e2e.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alerts.matcher import AlertMatcher, alert_id_for
from alerts.outbox import Outbox
from alerts.registry import Registry
from alerts.worker import DeliveryWorker
from indexer.identifiers import canonical_forms
from indexer.models import Severity
from indexer.tokens import prehash
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver, make_fragment
from vigie.cli import app
from vigie.wiring import build_delivery_worker, build_matcher, outbox_path, registry_dir

REPO = Path(__file__).resolve().parents[1]
OURS = [("email", "camille.durand@hopital-exemple.fr"), ("phone", "06 12 34 56 78"),
        ("nir", "2 84 05 75 123 456 72")]
OTHERS = [("email", f"autre{i}@exemple.org") for i in range(5)] + [("phone", "07 98 76 54 32")]


def register(env: AlertsEnv, idents: list[tuple[str, str]], org: str | None = None) -> int:
    """Write a pre-hash file the way `vigie hash` does and register it."""
    path = env.root / f"prehash-{org or env.org}.csv"
    with open(path, "w") as fh:
        fh.write("type,prehash\n")
        for id_type, raw in idents:
            forms = canonical_forms(id_type, raw)
            assert forms, f"test identifier {id_type} is invalid"
            for form in forms:
                fh.write(f"{id_type},{prehash(id_type, form).hex()}\n")
    rt = env.runtime()
    reg = Registry(registry_dir(env.data))
    return reg.register_prehash_file(org or env.org, path, rt.match_key).added_total


def drain(worker: DeliveryWorker, done, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        if done():
            return
        time.sleep(0.05)
    raise AssertionError(f"delivery did not complete in {timeout}s: {worker.counts()}")


def cli(args: list[str]):
    """Run a command in-process; then point logging back at the real stderr (the runner's
    captured stream is closed after the call)."""
    from vigie.log import setup_logging

    try:
        return CliRunner().invoke(app, args)
    finally:
        setup_logging("INFO")


def all_sent(outbox: Outbox) -> bool:
    counts = outbox.counts()
    return bool(counts) and set(counts) == {"sent"}


def test_one_alert_by_email_and_webhook_with_evidence(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                      webhook_receiver: WebhookReceiver) -> None:
    assert register(alerts_env, OURS) == 3
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    doc = make_fragment(rt.match_key, OURS + OTHERS)
    assert matcher.on_fragments([doc]) == 1
    assert matcher.on_fragments([doc]) == 0  # the ingest path calls again with old docs: no new alert
    worker = build_delivery_worker(rt.config, alerts_env.data)
    drain(worker, lambda: all_sent(matcher.outbox))
    worker.run_once()

    aid = alert_id_for("acme", doc.id)
    [mail] = smtp_sink.wait_for(1)
    assert mail["Message-ID"] == f"<{aid}@alerts.vigie>"
    assert mail["Subject"].startswith("[Vigie][CRITICAL] 3 of your identifiers")
    assert smtp_sink.envelopes[0][1] == ["soc@acme.test"]
    kinds = sorted(part.get_content_type() for part in mail.iter_parts())
    assert kinds == ["text/html", "text/plain"]
    part = mail.get_body(("plain",))
    assert part is not None
    text = part.get_content()
    assert "1 email, 1 nir, 1 phone" in text and "health" in text and "seller42" in text

    hooks = webhook_receiver.wait_for(1)
    assert list(hooks) == [aid]
    [receipt] = webhook_receiver.receipts
    assert receipt.verified and receipt.headers["webhook-id"] == aid
    assert receipt.headers["webhook-signature"].startswith("v1,") and "idempotency-key" not in receipt.headers
    alert = hooks[aid]["alert"]
    assert alert["matched"] == {"email": 1, "nir": 1, "phone": 1} and alert["matched_total"] == 3
    assert "fragment_counts" not in alert  # other people's counts are not this organisation's business
    assert alert["categories"] == ["health"] and alert["severity"] == "critical"
    assert alert["url"] == doc.url and alert["author"] == "seller42" and alert["kind"] == "csv"
    assert alert["posted_at"].startswith("2026-11-01T12:00")
    assert not any(raw in receipt.body.decode() for _, raw in OURS)


def test_min_severity_and_only_registered_orgs(alerts_env: AlertsEnv) -> None:
    alerts_env.write(1, "http://127.0.0.1:1/x", "9f8e7d6c5b4a39281706f5e4", min_severity="high")
    register(alerts_env, OURS)
    register(alerts_env, [OTHERS[0]], org="ghost")  # registered but not configured: no alert
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    medium = make_fragment(rt.match_key, OURS, severity=Severity.medium, n=1)
    high = make_fragment(rt.match_key, OURS[:1], severity=Severity.high, n=2)
    ghost = make_fragment(rt.match_key, [OTHERS[0]], n=3)
    assert matcher.on_fragments([medium, high, ghost]) == 1
    [row] = matcher.outbox.list_alerts()
    assert row["fragment_id"] == high.id and row["alert"]["matched"] == {"email": 1}


def test_smtp_down_then_up(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                           webhook_receiver: WebhookReceiver) -> None:
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    smtp_sink.stop()
    try:
        assert matcher.on_fragments([make_fragment(rt.match_key, OURS + OTHERS, n=i) for i in range(2)]) == 2
        worker = build_delivery_worker(rt.config, alerts_env.data)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            worker.run_once()
            emails = [d for r in matcher.outbox.list_alerts() for d in r["deliveries"] if d["channel"] == "email"]
            if all(d["attempts"] >= 2 for d in emails):
                break
            time.sleep(0.05)
        assert all(d["status"] == "pending" and "refused" in (d["last_error"] or "").lower() for d in emails)
    finally:
        smtp_sink.start()
    drain(worker, lambda: all_sent(matcher.outbox))
    mails = smtp_sink.wait_for(2)
    time.sleep(0.3)
    assert len(smtp_sink.messages) == 2 and len(set(smtp_sink.message_ids())) == 2
    assert len(webhook_receiver.processed) == 2 and webhook_receiver.duplicates == 0
    assert {m["Message-ID"] for m in mails} == {f"<{r['alert_id']}@alerts.vigie>" for r in matcher.outbox.list_alerts()}


def test_webhook_500_then_timeout_then_200(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                          webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, webhook_timeout=1.0)
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    webhook_receiver.plan[:] = [500, ("sleep", 2.5)]
    assert matcher.on_fragments([make_fragment(rt.match_key, OURS)]) == 1
    worker = build_delivery_worker(rt.config, alerts_env.data)
    drain(worker, lambda: all_sent(matcher.outbox))
    statuses = [r.status for r in webhook_receiver.receipts]
    assert statuses == [500, 0, 200]  # 0: the receiver was still sleeping when the client gave up
    keys = {r.headers["webhook-id"] for r in webhook_receiver.receipts}
    assert len(keys) == 1 and len(webhook_receiver.processed) == 1 and webhook_receiver.duplicates == 0
    [row] = matcher.outbox.list_alerts()
    hook = next(d for d in row["deliveries"] if d["channel"] == "webhook")
    assert hook["attempts"] == 3 and hook["status"] == "sent"


def test_dead_letter_then_cli_list_and_retry(alerts_env: AlertsEnv, webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(alerts_env_smtp_port(alerts_env), webhook_receiver.url, webhook_receiver.secret,
                     max_attempts=3, backoff=0.05)
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    webhook_receiver.plan[:] = [503, 503, 503]
    matcher.on_fragments([make_fragment(rt.match_key, OURS)])
    worker = build_delivery_worker(rt.config, alerts_env.data)
    drain(worker, lambda: matcher.outbox.counts().get("failed") == 1)
    assert matcher.outbox.counts() == {"failed": 1, "sent": 1}
    common = ["--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)]
    res = cli(["alerts", "list", "--status", "failed", "--json", *common])
    assert res.exit_code == 0, res.output
    [line] = res.stdout.strip().splitlines()
    failed = json.loads(line)
    hook = next(d for d in failed["deliveries"] if d["channel"] == "webhook")
    assert hook["status"] == "failed" and hook["attempts"] == 3 and "HTTP 503" in hook["last_error"]
    res = cli(["alerts", "retry", "--all-failed", *common])
    assert res.exit_code == 0 and "1 delivery queued" in res.stdout
    drain(worker, lambda: all_sent(matcher.outbox))
    assert list(webhook_receiver.processed) == [failed["alert_id"]]


def alerts_env_smtp_port(env: AlertsEnv) -> int:
    import yaml

    return int(yaml.safe_load((env.config / "vigie.yaml").read_text())["alerts"]["smtp"]["port"])


def test_hourly_digest_one_message_per_window(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                              webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret,
                     policy={"critical": "immediate", "high": "immediate", "medium": "hourly", "low": "daily"})
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    now = [1_800_000_100.0]  # 100 s into an hour

    def clock() -> float:
        return now[0]

    matcher = AlertMatcher(Registry(registry_dir(alerts_env.data)), Outbox(outbox_path(alerts_env.data)),
                           rt.config.organisations, clock=clock)
    docs = [make_fragment(rt.match_key, OURS[:i + 1], severity=Severity.medium, n=i) for i in range(3)]
    docs.append(make_fragment(rt.match_key, OURS, severity=Severity.critical, n=9))
    assert matcher.on_fragments(docs) == 4
    worker = DeliveryWorker(matcher.outbox, rt.config.organisations, rt.config.global_config.alerts, clock=clock)
    assert worker.run_once() == 2  # only the critical one, on both channels
    smtp_sink.wait_for(1)
    now[0] += 3000  # still inside the hour
    assert worker.run_once() == 0
    now[0] = 1_800_003_600.0 + 1  # the window closed
    assert worker.run_once() == 6
    mails = smtp_sink.wait_for(2)
    digest = mails[1]
    assert digest["Subject"].startswith("[Vigie][MEDIUM] hourly digest: 3 alert(s), 6 of your identifiers")
    hooks = webhook_receiver.wait_for(2)
    [body] = [b for b in hooks.values() if b["type"] == "vigie.digest"]
    assert body["policy"] == "hourly" and len(body["alerts"]) == 3
    email_digest = {d.digest_id for d in matcher.outbox.digest_members(digest["X-Vigie-Alert-Id"])}
    assert email_digest == {digest["X-Vigie-Alert-Id"]} and body["id"] != digest["X-Vigie-Alert-Id"]
    assert digest["Message-ID"] == f"<{digest['X-Vigie-Alert-Id']}@alerts.vigie>"
    assert worker.run_once() == 0


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "smtp.crt", tmp / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_smtp_starttls_with_auth(alerts_env: AlertsEnv, webhook_receiver: WebhookReceiver) -> None:
    import ssl

    cert, key = _self_signed(alerts_env.root)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    sink = SmtpSink(tls_context=ctx, credentials=("vigie", "smtp-pass-123")).start()
    try:
        alerts_env.write(sink.port, webhook_receiver.url, webhook_receiver.secret, smtp_extra=(
            f"{{security: starttls, username: vigie, password: smtp-pass-123, ca_certs: '{cert}'}}"))
        register(alerts_env, OURS)
        rt = alerts_env.runtime()
        matcher = build_matcher(rt.config, alerts_env.data)
        matcher.on_fragments([make_fragment(rt.match_key, OURS)])
        worker = build_delivery_worker(rt.config, alerts_env.data)
        drain(worker, lambda: all_sent(matcher.outbox))
        [mail] = sink.wait_for(1)
        assert mail["Subject"].startswith("[Vigie][CRITICAL]")
        # wrong password: a permanent error, dead-lettered at once
        alerts_env.write(sink.port, webhook_receiver.url, webhook_receiver.secret, smtp_extra=(
            f"{{security: starttls, username: vigie, password: wrong-pass, ca_certs: '{cert}'}}"))
        rt = alerts_env.runtime()
        matcher.on_fragments([make_fragment(rt.match_key, OURS, n=5)])
        worker = build_delivery_worker(rt.config, alerts_env.data)
        drain(worker, lambda: matcher.outbox.counts().get("failed") == 1)
        [row] = matcher.outbox.list_alerts(status="failed")
        assert "authentication failed" in row["deliveries"][0]["last_error"]
    finally:
        sink.stop()


@pytest.mark.slow
@pytest.mark.parametrize("channel", ["email", "webhook"])
def test_worker_killed_between_send_and_ack(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                            webhook_receiver: WebhookReceiver, channel: str) -> None:
    """A worker process killed after the receiver accepted a message and before the outbox
    acknowledged it: a restarted worker re-sends that message with the same key, and the
    receiver's dedupe on the key processes it once. The crash point is the worker's injected
    `after_send` hook (tests/fixtures/crash_worker.py), which SIGKILLs its own process."""
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    docs = [make_fragment(rt.match_key, OURS, n=i) for i in range(3)]
    assert matcher.on_fragments(docs) == 3
    ids = {alert_id_for("acme", d.id) for d in docs}
    marker = alerts_env.root / "killed-after-send"
    proc = subprocess.run([sys.executable, "-m", "tests.fixtures.crash_worker", str(alerts_env.config),
                           str(alerts_env.data), channel, str(marker)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    killed_key = marker.read_text().strip()
    assert killed_key in ids
    inflight = [d for r in matcher.outbox.list_alerts() for d in r["deliveries"]
                if d["status"] == "sending"]
    assert [d["channel"] for d in inflight] == [channel]  # sent, never acknowledged
    if channel == "webhook":
        assert killed_key in webhook_receiver.processed
    else:
        assert f"<{killed_key}@alerts.vigie>" in smtp_sink.message_ids()

    # the restarted worker: the killed worker's lease (1 s) expires, the row is due again
    worker = build_delivery_worker(rt.config, alerts_env.data, lease_seconds=1)
    drain(worker, lambda: all_sent(matcher.outbox))
    time.sleep(0.3)  # let a (wrong) extra copy arrive before counting
    # every alert delivered on both channels; the killed one was re-sent with the same key
    assert set(webhook_receiver.processed) == ids
    mail_ids = smtp_sink.message_ids()
    assert {m.strip("<>").split("@")[0] for m in mail_ids} == ids
    if channel == "webhook":
        sent_keys = [r.headers["webhook-id"] for r in webhook_receiver.receipts]
        assert sent_keys.count(killed_key) == 2 and len(sent_keys) == 4 and webhook_receiver.duplicates == 1
        assert len(mail_ids) == 3
    else:
        assert mail_ids.count(f"<{killed_key}@alerts.vigie>") == 2 and len(mail_ids) == 4
        assert len(webhook_receiver.receipts) == 3 and webhook_receiver.duplicates == 0


def test_org_cli_show_unregister_and_alerts_list(alerts_env: AlertsEnv) -> None:
    common = ["--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)]
    res = cli(["org", "show", "acme", *common])
    assert res.exit_code == 1 and "no tokens registered" in res.output
    pre = alerts_env.root / "pre.csv"
    pre.write_text("type,prehash\n" + "".join(
        f"{t},{prehash(t, canonical_forms(t, raw)[0]).hex()}\n" for t, raw in OURS))
    res = cli(["org", "register", "nobody", str(pre), *common])
    assert res.exit_code == 1 and "no organisation 'nobody'" in res.output
    res = cli(["org", "register", "acme", str(pre), "--no-retro-hunt", *common])
    assert res.exit_code == 0 and "3 new token(s) (email: 1, nir: 1, phone: 1)" in res.output
    res = cli(["org", "show", "acme", *common])
    assert res.exit_code == 0 and "acme: 3 token(s), last registration 20" in " ".join(res.output.split())
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    doc = make_fragment(rt.match_key, OURS)
    assert matcher.on_fragments([doc]) == 1
    res = cli(["alerts", "list", "--org", "acme", *common])
    assert res.exit_code == 0 and "1 alert(s)" in res.output and alert_id_for("acme", doc.id) in res.output
    res = cli(["org", "unregister", "acme", *common])
    assert res.exit_code == 0 and "3 token(s) removed" in res.output
    assert matcher.on_fragments([make_fragment(rt.match_key, OURS, n=7)]) == 0  # no tokens any more
    res = cli(["alerts", "list", "--status", "bogus", *common])
    assert res.exit_code == 1 and "unknown status" in res.output
