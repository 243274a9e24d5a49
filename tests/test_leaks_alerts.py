"""Alerts per leak, on real parts: the real detector, embedded store, leak store and matcher
(`vigie.wiring.open_ingest_sink`), a real SMTP server and webhook receiver.

One alert per organisation per leak; an update when the leak spreads (a new source, more of the
organisation's people); nothing for reposts that add neither; the payload names the leak, never
fragment ids; alerts raised for fragments before leaks existed are attached to their leak."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alerts.matcher import AlertMatcher
from alerts.outbox import Outbox
from alerts.registry import Registry
from indexer.ingest import Ingestor
from indexer.models import CrawledItem
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver
from tests.test_alerts_delivery import all_sent, drain, register
from vigie.wiring import build_delivery_worker, open_ingest_sink, open_leak_store, open_store, outbox_path, registry_dir
from vigie_kit.synthetic import Synth


class Dump:
    """60 synthetic patients; the organisation's people are rows 1, 2, 40 and 41."""

    def __init__(self, seed: int = 99) -> None:
        lines = Synth(seed).patients(60).text.split("\n")
        self.header, self.rows = lines[0], lines[1:]
        self.ours = [("email", self.rows[i].split(";")[3]) for i in (1, 2, 40, 41)]

    def copy(self, rows: range, *, delimiter: str = ";", shuffle: int | None = None) -> str:
        picked = [self.rows[i] for i in rows]
        if shuffle is not None:
            random.Random(shuffle).shuffle(picked)
        return "\n".join(line.replace(";", delimiter) for line in [self.header, *picked]) + "\n"


def _item(n: int, source: str, text: str) -> CrawledItem:
    return CrawledItem(source=source, url=f"http://{source}.onion/t/{n}", body=text,
                       thread_title=f"dump {n}", fetched_at=datetime(2026, 3, n, tzinfo=UTC))


def _alerts(env: AlertsEnv) -> list[dict]:
    outbox = Outbox(outbox_path(env.data))
    try:
        return sorted(outbox.list_alerts(org=env.org), key=lambda a: a["created_at"])
    finally:
        outbox.close()


def test_one_alert_per_leak_then_an_update_when_it_spreads(
        alerts_env: AlertsEnv, smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver) -> None:
    dump = Dump()
    assert register(alerts_env, dump.ours) == 4
    rt = alerts_env.runtime()
    other = Dump(seed=7)  # the same columns, other people: never part of the leak
    with open_ingest_sink(rt.config, alerts_env.data, rt.match_key, rt.data_key) as sink:
        a = sink.ingest(_item(1, "forum-a", dump.copy(range(0, 30))))  # rows 1, 2: two of ours
        b = sink.ingest(_item(2, "forum-a", dump.copy(range(0, 30), delimiter="|", shuffle=3)))
        sink.ingest(_item(3, "forum-c", other.copy(range(0, 60))))
        c = sink.ingest(_item(4, "paste-b", dump.copy(range(0, 60), delimiter="\t", shuffle=4)))
        fragment_ids = {d.id for r in (a, b, c) for d in r.fragments}
        leak_ids = {lid for r in (a, b, c) for lid in r.leaks.values()}
        assert len(leak_ids) == 1, "the copies were not clustered into one leak"
        (leak_id,) = leak_ids
        assert len(fragment_ids) == 3
        # re-ingesting every copy changes nothing
        for n, src, text in ((1, "forum-a", dump.copy(range(0, 30))),
                             (4, "paste-b", dump.copy(range(0, 60), delimiter="\t", shuffle=4))):
            sink.ingest(_item(n, src, text))

    alerts = _alerts(alerts_env)
    assert [a["alert"]["alert_kind"] for a in alerts] == ["new", "update"]
    first, update = (a["alert"] for a in alerts)
    assert first["leak_id"] == update["leak_id"] == leak_id
    assert first["people"] == 2 and first["leak_sources"] == ["forum-a"]
    assert update["people_before"] == 2 and update["people"] == 4
    assert update["new_sources"] == ["paste-b"] and update["leak_sources"] == ["forum-a", "paste-b"]
    for alert in alerts:  # the organisation sees the leak, not fragment ids
        text = json.dumps(alert["alert"])
        assert "fragment_id" not in alert["alert"]
        assert not any(fid in text for fid in fragment_ids)

    outbox = Outbox(outbox_path(alerts_env.data))
    impact = outbox.impact(alerts_env.org, leak_id)
    assert impact is not None and impact.people == 4 and impact.sources == ("forum-a", "paste-b")
    assert impact.identifier_types == {"email": 4}
    assert outbox.leaks_of_org(alerts_env.org) == [leak_id]
    worker = build_delivery_worker(rt.config, alerts_env.data)
    drain(worker, lambda: all_sent(outbox))
    mails = smtp_sink.wait_for(2)
    assert all(leak_id in m["Subject"] for m in mails)
    bodies = list(webhook_receiver.wait_for(2).values())
    assert sorted(b["alert"]["alert_kind"] for b in bodies) == ["new", "update"]
    assert {b["alert"]["leak_id"] for b in bodies} == {leak_id}
    outbox.close()


def test_fragment_alerts_are_attached_to_their_leak(alerts_env: AlertsEnv) -> None:
    """An outbox from before leaks: its per-fragment alert is attached to the leak (and the
    migration is idempotent); the next copy of that leak is an update, not a second alert."""
    dump = Dump()
    register(alerts_env, dump.ours)
    rt = alerts_env.runtime()
    data = alerts_env.data
    # an outbox created by the previous schema (no leak_id column)
    data.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(outbox_path(data))
    old.executescript("CREATE TABLE alerts (alert_id TEXT PRIMARY KEY, org TEXT NOT NULL, fragment_id TEXT NOT NULL,"
                      " severity INTEGER NOT NULL, created_at REAL NOT NULL, origin TEXT NOT NULL,"
                      " payload TEXT NOT NULL, UNIQUE (org, fragment_id));")
    old.close()
    store, leaks = open_store(rt.config, data), open_leak_store(rt.config, data)
    legacy = AlertMatcher(Registry(registry_dir(data)), Outbox(outbox_path(data)), rt.config.organisations)
    Ingestor(store, rt.match_key, rt.data_key, leaks=leaks, on_stored=legacy.on_fragments).ingest(
        _item(1, "forum-a", dump.copy(range(0, 30))))
    [alert] = _alerts(alerts_env)
    assert "leak_id" not in alert["alert"]  # the per-fragment alert of before
    legacy.outbox.close()

    for _ in range(2):  # the migration runs when a leak-aware matcher is built; twice is harmless
        matcher = AlertMatcher(Registry(registry_dir(data)), Outbox(outbox_path(data)), rt.config.organisations,
                               leaks=leaks)
        ingest = Ingestor(store, rt.match_key, rt.data_key, leaks=leaks, on_stored=matcher.on_fragments)
        ingest.ingest(_item(1, "forum-a", dump.copy(range(0, 30))))  # the same copy: nothing new
        [row] = matcher.outbox.db.execute("SELECT leak_id FROM alerts").fetchall()
        assert row[0] == leaks.leak_of_fragment(alert["fragment_id"])
        matcher.outbox.close()
    matcher = AlertMatcher(Registry(registry_dir(data)), Outbox(outbox_path(data)), rt.config.organisations,
                           leaks=leaks)
    Ingestor(store, rt.match_key, rt.data_key, leaks=leaks, on_stored=matcher.on_fragments).ingest(
        _item(4, "paste-b", dump.copy(range(0, 60))))
    kinds = [a["alert"].get("alert_kind", "fragment") for a in _alerts(alerts_env)]
    assert kinds == ["fragment", "update"]
    matcher.outbox.close()
    store.close()
    leaks.close()


def test_outbox_migration_adds_the_leak_column_once(tmp_path: Path) -> None:
    path = tmp_path / "alerts.sqlite3"
    for _ in range(2):
        Outbox(path).close()
    db = sqlite3.connect(path)
    columns = [r[1] for r in db.execute("PRAGMA table_info(alerts)")]
    db.close()
    assert columns.count("leak_id") == 1
