"""The outbox contract on both backends (SQLite, embedded; PostgreSQL, shared), and what only the
shared one has to hold: several processes claiming, delivering and crashing over one outbox.

PostgreSQL is a real private cluster (tests/pg_server.py: Debian's initdb/pg_ctl, 127.0.0.1, a
random port, password auth); the webhook receiver is the real HTTP server of vigie_kit.sinks,
which verifies each signature and counts messages it had already processed (`duplicates`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.outbox import LeakChange, LeakMatch, NewAlert, Outbox, OutboxBackend
from alerts.outbox_pg import PgOutbox, PgOutboxError
from tests.fixtures.mail import WebhookReceiver
from tests.pg_server import PostgresServer, pg_server  # noqa: F401  (session fixture)

REPO = Path(__file__).resolve().parents[1]
TABLES = "alerts, deliveries, leak_orgs, leak_org_tokens"


def _truncate(pg: PostgresServer) -> None:
    import psycopg

    with psycopg.connect(pg.dsn, autocommit=True) as db:
        for table in TABLES.split(", "):
            db.execute(f"DROP TABLE IF EXISTS {table} CASCADE")  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OutboxBackend]:
    if request.param == "sqlite":
        box: OutboxBackend = Outbox(tmp_path / "alerts.sqlite3")
    else:
        pg = request.getfixturevalue("pg_server")
        _truncate(pg)
        box = PgOutbox(pg.dsn)
    yield box
    box.close()


def alert(n: int, *, org: str = "acme", channels: tuple[str, ...] = ("webhook",), policy: str = "immediate",
          at: float = 0.0, fragment: str | None = None) -> NewAlert:
    aid = f"alert-{org}-{n:04d}"
    return NewAlert(alert_id=aid, org=org, fragment_id=fragment or f"frag-{n:04d}", severity=3, origin="ingest",
                    payload={"alert_id": aid, "org": org, "n": n, "matched": {"email": 1}, "matched_total": 1},
                    channels=tuple((c, policy, at) for c in channels))


# ------------------------------------------------------------------ the contract, both backends


def test_enqueue_is_idempotent_on_the_alert_and_on_org_subject(outbox: OutboxBackend) -> None:
    assert outbox.add_alerts([alert(1, channels=("email", "webhook")), alert(2)]) == ["alert-acme-0001",
                                                                                      "alert-acme-0002"]
    assert outbox.add_alerts([alert(1), alert(2)]) == []  # replayed ingest
    same_subject = NewAlert("other-id", "acme", "frag-0001", 3, "ingest", {"alert_id": "other-id"},
                            (("webhook", "immediate", 0.0),))
    assert outbox.add_alerts([same_subject]) == []
    assert outbox.counts() == {"pending": 3}
    assert outbox.has_alert("acme", "frag-0001") and not outbox.has_alert("acme", "frag-9999")
    listed = outbox.list_alerts()
    assert sorted(a["alert_id"] for a in listed) == ["alert-acme-0001", "alert-acme-0002"]
    first = next(a for a in listed if a["alert_id"] == "alert-acme-0001")
    assert [d["channel"] for d in first["deliveries"]] == ["email", "webhook"]
    assert first["alert"]["n"] == 1


def test_claim_lease_ack_retry_dead_letter_requeue(outbox: OutboxBackend) -> None:
    outbox.add_alerts([alert(i) for i in range(1, 4)])
    now = 1000.0
    due = outbox.due(now)
    assert len(due) == 3 and all(d.status == "pending" and d.payload for d in due)
    ids = [d.id for d in due]
    assert outbox.claim(ids, now + 30, now) == ids
    assert outbox.claim(ids, now + 30, now) == []  # held under the lease
    assert outbox.due(now + 10) == []
    # the claimer died: once the lease expires the rows are due again, and the attempt counts
    expired = outbox.due(now + 31)
    assert sorted(d.id for d in expired) == sorted(ids) and {d.status for d in expired} == {"sending"}
    assert outbox.claim([ids[0]], now + 100, now + 31) == [ids[0]]
    outbox.ack([ids[0]], now + 32)
    outbox.retry_later([ids[1]], now + 500, "HTTP 503 from http://127.0.0.1:1")
    outbox.dead_letter([ids[2]], "HTTP 410")
    assert outbox.counts() == {"sent": 1, "pending": 1, "failed": 1}
    assert [d.id for d in outbox.due(now + 499)] == [ids[2]] or outbox.due(now + 499) == []
    retried = next(d for d in outbox.due(now + 501) if d.id == ids[1])
    assert retried.attempts == 1 and retried.last_error and "503" in retried.last_error
    assert outbox.claim([ids[0]], now + 1000, now + 999) == []  # sent rows are never claimed again
    failed = outbox.list_alerts(status="failed")
    assert [a["alert_id"] for a in failed] == ["alert-acme-0003"]
    assert outbox.requeue(all_failed=True) == 1
    assert outbox.counts() == {"sent": 1, "pending": 2}
    assert outbox.requeue("alert-acme-0002") == 1
    assert outbox.requeue() == 0


def test_digest_binding(outbox: OutboxBackend) -> None:
    outbox.add_alerts([alert(i, policy="hourly", at=500.0) for i in range(1, 4)])
    due = outbox.due(600.0)
    ids = [d.id for d in due]
    assert outbox.claim(ids, 700.0, 600.0) == ids
    outbox.bind_digest(ids, "digest-1")
    members = outbox.digest_members("digest-1")
    assert [m.alert_id for m in members] == ["alert-acme-0001", "alert-acme-0002", "alert-acme-0003"]
    assert {m.digest_id for m in members} == {"digest-1"} and outbox.digest_members("nope") == []


def _build(change: LeakChange) -> NewAlert:
    aid = f"leak-alert-{change.subject}"
    return NewAlert(aid, "acme", change.subject, 3, "ingest",
                    {"alert_id": aid, "kind": change.kind, "people": change.people,
                     "new_sources": list(change.new_sources)}, (("webhook", "immediate", 0.0),))


def match(tokens: dict[str, set[str]], sources: tuple[str, ...] = ("forum-a",), frag: str = "f1") -> LeakMatch:
    return LeakMatch(org="acme", leak_id="leak-1", tokens=tokens, sources=sources, categories=("health",),
                     fragment_ids=(frag,))


def test_leak_match_new_repeat_update_and_below_severity(outbox: OutboxBackend) -> None:
    assert outbox.record_leak_match(match({"email": {"t1", "t2"}}), lambda c: None) is None  # below severity
    assert outbox.impact("acme", "leak-1") is None  # ... records nothing: a graver copy still alerts
    first = outbox.record_leak_match(match({"email": {"t1", "t2"}}), _build)
    assert first == "leak-alert-leak-1"
    assert outbox.record_leak_match(match({"email": {"t2", "t1"}}, frag="f2"), _build) is None  # same people
    update = outbox.record_leak_match(match({"email": {"t3"}, "phone": {"p1"}}, ("forum-b",), "f3"), _build)
    assert update == "leak-alert-leak-1/update/1"
    impact = outbox.impact("acme", "leak-1")
    assert impact is not None and impact.people == 3 and impact.sources == ("forum-a", "forum-b")
    assert impact.identifier_types == {"email": 3, "phone": 1} and impact.categories == ("health",)
    assert impact.fragment_ids == ("f1", "f3")
    assert outbox.leaks_of_org("acme") == ["leak-1"] and outbox.leaks_of_org("other") == []
    payloads = {a["alert_id"]: a["alert"] for a in outbox.list_alerts()}
    assert payloads["leak-alert-leak-1/update/1"]["new_sources"] == ["forum-b"]


def test_attach_leaks_migration(outbox: OutboxBackend) -> None:
    outbox.add_alerts([alert(1, fragment="old-frag-1"), alert(2, fragment="old-frag-2")])
    assert sorted(outbox.unattached_fragments()) == ["old-frag-1", "old-frag-2"]
    assert outbox.attach_leaks({"old-frag-1": "leak-9"}) == 1
    assert outbox.attach_leaks({"old-frag-1": "leak-9"}) == 0  # idempotent
    assert outbox.unattached_fragments() == ["old-frag-2"]
    impact = outbox.impact("acme", "leak-9")
    assert impact is not None and impact.people == 1 and impact.fragment_ids == ("old-frag-1",)


# ------------------------------------------------------------------ only the shared backend


def test_concurrent_claims_give_each_row_to_one_connection(pg_server: PostgresServer) -> None:  # noqa: F811
    _truncate(pg_server)
    boxes = [PgOutbox(pg_server.dsn) for _ in range(4)]
    boxes[0].add_alerts([alert(i) for i in range(60)])
    got: list[list[int]] = [[] for _ in boxes]
    start = threading.Barrier(len(boxes))

    def race(k: int) -> None:
        start.wait()
        for d in boxes[k].due(time.time(), 200):
            got[k].extend(boxes[k].claim([d.id], time.time() + 60, time.time()))

    threads = [threading.Thread(target=race, args=(k,)) for k in range(len(boxes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [i for g in got for i in g]
    assert len(claimed) == 60 and len(set(claimed)) == 60, [len(g) for g in got]
    for b in boxes:
        b.close()


def test_concurrent_first_matches_of_one_leak_make_one_alert(pg_server: PostgresServer) -> None:  # noqa: F811
    _truncate(pg_server)
    boxes = [PgOutbox(pg_server.dsn) for _ in range(4)]
    made: list[str | None] = []
    start = threading.Barrier(len(boxes))

    def record(k: int) -> None:
        start.wait()
        made.append(boxes[k].record_leak_match(match({"email": {"t1", "t2"}}, frag=f"copy-{k}"), _build))

    threads = [threading.Thread(target=record, args=(k,)) for k in range(len(boxes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made.count("leak-alert-leak-1") == 1 and made.count(None) == 3, made
    assert [a["alert"]["kind"] for a in boxes[0].list_alerts()] == ["new"]
    for b in boxes:
        b.close()


def test_concurrent_spreads_of_one_leak_each_make_their_update(pg_server: PostgresServer) -> None:  # noqa: F811
    """Four workers each find one more person of the organisation in copies of a leak already
    alerted, at once: the per-(org, leak) lock makes them take turns, so each sees the others'
    people and raises its own update (none is swallowed by a stale read)."""
    _truncate(pg_server)
    boxes = [PgOutbox(pg_server.dsn) for _ in range(4)]
    assert boxes[0].record_leak_match(match({"email": {"t1", "t2"}}), _build) == "leak-alert-leak-1"
    made: list[str | None] = []
    start = threading.Barrier(len(boxes))

    def record(k: int) -> None:
        start.wait()
        made.append(boxes[k].record_leak_match(match({"email": {f"new-{k}"}}, frag=f"copy-{k}"), _build))

    threads = [threading.Thread(target=record, args=(k,)) for k in range(len(boxes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m or "" for m in made) == [f"leak-alert-leak-1/update/{i}" for i in range(1, 5)]
    impact = boxes[0].impact("acme", "leak-1")
    assert impact is not None and impact.people == 6
    people = sorted(a["alert"]["people"] for a in boxes[0].list_alerts())
    assert people == [2, 3, 4, 5, 6]
    for b in boxes:
        b.close()


def test_the_dsn_password_never_appears_in_errors(pg_server: PostgresServer) -> None:  # noqa: F811
    wrong = pg_server.dsn.replace(pg_server.password, "not-the-password-5f3a")
    with pytest.raises(PgOutboxError) as err:
        PgOutbox(wrong)
    text = str(err.value)
    assert "not-the-password-5f3a" not in text and pg_server.password not in text
    assert pg_server.describe() in text and "dsn_file" in text


def _workers(pg: PostgresServer, receiver: WebhookReceiver, mode: str, n: int,
             marker: Path | None = None) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "VIGIE_TEST_PG_DSN": pg.dsn}
    argv = [sys.executable, "-m", "tests.fixtures.pg_worker", receiver.url, receiver.secret, mode]
    if marker is not None:
        argv.append(str(marker))
    return [subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(n)]


def _wait(procs: list[subprocess.Popen[str]], timeout: float = 50) -> list[tuple[int, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append((p.returncode, stdout + stderr[-2000:]))
    return out


@pytest.mark.slow
def test_three_worker_processes_deliver_each_alert_exactly_once(pg_server: PostgresServer,  # noqa: F811
                                                                webhook_receiver: WebhookReceiver) -> None:
    _truncate(pg_server)
    box = PgOutbox(pg_server.dsn)
    box.add_alerts([alert(i) for i in range(40)])
    results = _wait(_workers(pg_server, webhook_receiver, "drain", 3))
    assert all(rc == 0 for rc, _ in results), results
    assert box.counts() == {"sent": 40}
    assert len(webhook_receiver.processed) == 40
    assert webhook_receiver.duplicates == 0  # no crash: not even a re-send
    assert len(webhook_receiver.receipts) == 40
    assert all(r.verified for r in webhook_receiver.receipts)
    acked = [int(text.split("acked ")[1].split()[0]) for _, text in results if "acked " in text]
    assert len(acked) == 3
    box.close()


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(pg_server: PostgresServer,  # noqa: F811
                                                    webhook_receiver: WebhookReceiver, tmp_path: Path) -> None:
    _truncate(pg_server)
    box = PgOutbox(pg_server.dsn)
    box.add_alerts([alert(i) for i in range(20)])
    marker = tmp_path / "killed-after"
    [crashed] = _wait(_workers(pg_server, webhook_receiver, "crash", 1, marker))
    assert crashed[0] == -9, crashed  # SIGKILLed between the send and the ack
    orphan = marker.read_text().strip()
    assert orphan in webhook_receiver.processed
    assert box.counts() == {"sending": 1, "pending": 19}  # the orphan is held by the dead worker's lease
    results = _wait(_workers(pg_server, webhook_receiver, "drain", 2))
    assert all(rc == 0 for rc, _ in results), results
    assert box.counts() == {"sent": 20}
    assert sorted(webhook_receiver.processed) == sorted(f"alert-acme-{i:04d}" for i in range(20))
    # at-least-once: the orphan went out twice under the same signed id, processed once
    assert webhook_receiver.duplicates == 1
    assert [r.headers.get("webhook-id") for r in webhook_receiver.receipts].count(orphan) == 2
    [resent] = [a for a in box.list_alerts() if a["alert_id"] == orphan]
    assert resent["deliveries"][0]["attempts"] == 2
    box.close()


# ------------------------------------------------------------------ configuration and wiring


def _config(tmp_path: Path, outbox: dict[str, object]) -> object:
    import yaml

    from vigie.config.loader import load_config

    config = tmp_path / "config"
    config.mkdir(parents=True)
    (config / "vigie.yaml").write_text(yaml.safe_dump({"storage": {"backend": "embedded"},
                                                       "alerts": {"outbox": outbox}}))
    return load_config(config)


def test_wiring_opens_the_configured_backend_from_a_private_dsn_file(
        pg_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from vigie.wiring import build_delivery_worker, open_outbox

    monkeypatch.delenv("VIGIE_OUTBOX_DSN", raising=False)
    dsn_file = tmp_path / "outbox.dsn"
    dsn_file.write_text(pg_server.dsn + "\n")
    dsn_file.chmod(0o644)
    config = _config(tmp_path, {"backend": "postgresql", "dsn_file": str(dsn_file)})
    with pytest.raises(PgOutboxError, match=f"chmod 600 {dsn_file}"):
        open_outbox(config, tmp_path / "data")  # type: ignore[arg-type]
    dsn_file.chmod(0o600)
    box = open_outbox(config, tmp_path / "data")  # type: ignore[arg-type]
    assert isinstance(box, PgOutbox)
    box.close()
    worker = build_delivery_worker(config, tmp_path / "data")  # type: ignore[arg-type]
    assert isinstance(worker.outbox, PgOutbox)
    worker.outbox.close()
    assert not (tmp_path / "data" / "alerts.sqlite3").exists()  # nothing embedded was opened
    # the variable overrides the file, as the keys' variables do
    dsn_file.write_text("postgresql://vigie:wrong@127.0.0.1:1/nothing\n")
    monkeypatch.setenv("VIGIE_OUTBOX_DSN", pg_server.dsn)
    open_outbox(config, tmp_path / "data").close()  # type: ignore[arg-type]


def test_sqlite_stays_the_default_and_postgresql_needs_a_dsn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.wiring import open_outbox

    monkeypatch.delenv("VIGIE_OUTBOX_DSN", raising=False)
    box = open_outbox(_config(tmp_path / "a", {}), tmp_path / "data")  # type: ignore[arg-type]
    assert isinstance(box, Outbox) and (tmp_path / "data" / "alerts.sqlite3").exists()
    box.close()
    config = _config(tmp_path / "b", {"backend": "postgresql", "dsn_file": ""})  # an unset ${VAR:-}
    with pytest.raises(PgOutboxError, match="alerts.outbox.dsn_file"):
        open_outbox(config, tmp_path / "data")  # type: ignore[arg-type]


def test_cli_and_status_read_the_shared_outbox(pg_server: PostgresServer, tmp_path: Path,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch,
                                               webhook_receiver: WebhookReceiver) -> None:
    import json

    from typer.testing import CliRunner

    from vigie.cli import app
    from vigie.log import setup_logging
    from vigie.wiring import component_status

    _truncate(pg_server)
    monkeypatch.setenv("VIGIE_OUTBOX_DSN", pg_server.dsn)
    config = _config(tmp_path, {"backend": "postgresql"})
    (tmp_path / "config" / "organisations").mkdir()
    (tmp_path / "config" / "organisations" / "acme.yaml").write_text(json.dumps({
        "id": "acme", "display_name": "Acme", "min_severity": "low",
        "channels": {"webhook": {"url": webhook_receiver.url, "secret": webhook_receiver.secret}}}))
    box = PgOutbox(pg_server.dsn)
    box.add_alerts([alert(1), alert(2)])
    [d1, _] = box.due(time.time())
    box.claim([d1.id], time.time() + 60, time.time())
    box.dead_letter([d1.id], "HTTP 410 from http://127.0.0.1:1")
    data = tmp_path / "data"
    try:
        listed = CliRunner().invoke(app, ["alerts", "list", "--json", "--config", str(tmp_path / "config"),
                                          "--data-dir", str(data)])
        retried = CliRunner().invoke(app, ["alerts", "retry", "--all-failed", "--config", str(tmp_path / "config"),
                                           "--data-dir", str(data)])
        delivered = CliRunner().invoke(app, ["alerts", "deliver", "--once", "--config", str(tmp_path / "config"),
                                             "--data-dir", str(data)])
    finally:
        setup_logging("INFO")
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines() if line.startswith("{")]
    assert sorted(r["alert_id"] for r in rows) == ["alert-acme-0001", "alert-acme-0002"]
    assert retried.exit_code == 0 and "1 delivery queued again" in retried.output, retried.output
    assert delivered.exit_code == 0 and "2 deliveries acknowledged" in delivered.output, delivered.output
    assert sorted(webhook_receiver.processed) == ["alert-acme-0001", "alert-acme-0002"]
    assert box.counts() == {"sent": 2}
    assert not (data / "alerts.sqlite3").exists()  # nothing went to an embedded outbox
    status = component_status(config, data)  # type: ignore[arg-type]
    assert status.outbox == "postgresql: sent: 2"
    monkeypatch.setenv("VIGIE_OUTBOX_DSN", pg_server.dsn.replace(pg_server.password, "wrong-password-77"))
    down = component_status(config, data)  # type: ignore[arg-type]
    assert down.outbox.startswith("postgresql: unavailable") and "wrong-password-77" not in down.outbox
    box.close()


def test_a_restarted_server_fails_one_call_then_the_outbox_reconnects(pg_server: PostgresServer) -> None:  # noqa: F811
    """Kept last in this file: it restarts the session's server (same port and data)."""
    _truncate(pg_server)
    box = PgOutbox(pg_server.dsn)
    box.add_alerts([alert(1)])
    pg_server.stop("immediate")  # a crash: recovered from the WAL on the next start
    pg_server.start()
    with pytest.raises(PgOutboxError, match="lost the connection") as err:
        box.add_alerts([alert(2)])
    assert pg_server.password not in str(err.value)
    assert box.add_alerts([alert(2)]) == ["alert-acme-0002"]  # reconnected; the failed call left nothing
    assert box.counts() == {"pending": 2}
    box.close()


def test_leak_commands_read_the_configured_outbox_not_an_embedded_one(
        pg_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """`vigie leaks list --org`, `vigie leak pack` and `vigie leak export` read the organisation's
    leaks from the configured outbox: with PostgreSQL they never open (create) the SQLite file,
    and an unreachable server is an error, not an empty answer."""
    from typer.testing import CliRunner

    from vigie.cli import app
    from vigie.log import setup_logging

    _truncate(pg_server)
    monkeypatch.setenv("VIGIE_OUTBOX_DSN", pg_server.dsn)
    _config(tmp_path, {"backend": "postgresql"})
    (tmp_path / "config" / "organisations").mkdir()
    (tmp_path / "config" / "organisations" / "acme.yaml").write_text(
        '{"id": "acme", "display_name": "Acme", "min_severity": "low", '
        '"channels": {"webhook": {"url": "http://127.0.0.1:9/hook", "secret": "s3cret-for-tests-only-000000000000"}}}')
    data = tmp_path / "data"
    where = ["--config", str(tmp_path / "config"), "--data-dir", str(data)]
    try:
        listed = CliRunner().invoke(app, ["leaks", "list", "--org", "acme", "--json", *where])
        monkeypatch.setenv("VIGIE_OUTBOX_DSN", pg_server.dsn.replace(pg_server.password, "wrong-password-78"))
        down = CliRunner().invoke(app, ["leaks", "list", "--org", "acme", "--json", *where])
    finally:
        setup_logging("INFO")
    assert listed.exit_code == 0 and listed.output.strip() == "", listed.output
    assert down.exit_code != 0 and "wrong-password-78" not in down.output, down.output
    assert "outbox" in down.output.lower() or "postgresql" in down.output.lower(), down.output
    assert not (data / "alerts.sqlite3").exists()  # nothing embedded was created or read
