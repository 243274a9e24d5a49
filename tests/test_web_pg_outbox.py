"""`vigie serve` on both outbox backends: the web app's alerts, alert detail and dead letters read
through `OutboxBackend` only, so the SQLite outbox and the PostgreSQL one are held to one contract
(the same tests, parametrised over both).

The web parts are built the way `vigie serve` builds them (`vigie.web.setup.open_web_data`, hence
`vigie.wiring.open_outbox` from the configuration), so the PostgreSQL case also checks that the
composition root opens the configured backend. PostgreSQL is a real private cluster
(tests/pg_server.py); the HTTP check runs the real app under uvicorn on 127.0.0.1. The service's
status is the fixed `StaticOps` of tests/web_env.py (no `vigie run` here).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from alerts.outbox import NewAlert, Outbox, OutboxBackend
from alerts.outbox_pg import PgOutbox
from indexer.crypto import DataKey
from indexer.tokens import MatchKey
from tests.fixtures.mail import DATA_KEY_HEX, MATCH_KEY_HEX
from tests.pg_server import PostgresServer, pg_server  # noqa: F401  (session fixture)
from tests.web_env import PASSWORD, StaticOps, serve, write_config
from vigie.config.loader import load_config
from vigie.web.data import WebData
from vigie.web.models import Principal
from vigie.web.problems import ProblemError
from vigie.web.setup import close_web_data, open_web_data

OPER = Principal(name="oper", role="operator", org=None)
ANALYST = Principal(name="nora", role="analyst", org=None)
MEMBER_A = Principal(name="member-org-a", role="org_member", org="org-a")
MEMBER_B = Principal(name="member-org-b", role="org_member", org="org-b")


@dataclass
class Web:
    data: WebData
    dsn: str | None  # the PostgreSQL case's DSN (tests only: the product reads it from a 0600 file)


@pytest.fixture(params=["sqlite", "postgresql"])
def web(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Web]:
    config_dir = write_config(tmp_path, "http://127.0.0.1:9/hook", secrets.token_hex(16))
    dsn = None
    if request.param == "postgresql":
        dsn = _icu_database(request.getfixturevalue("pg_server"))
        _drop_tables(dsn)
        dsn_file = tmp_path / "outbox.dsn"
        dsn_file.write_text(dsn + "\n")
        dsn_file.chmod(0o600)
        settings = yaml.safe_load((config_dir / "vigie.yaml").read_text())
        settings["alerts"]["outbox"] = {"backend": "postgresql", "dsn_file": str(dsn_file)}
        (config_dir / "vigie.yaml").write_text(yaml.safe_dump(settings))
    config = load_config(config_dir)
    data = open_web_data(config, tmp_path / "data", MatchKey(bytes.fromhex(MATCH_KEY_HEX)),
                         DataKey(bytes.fromhex(DATA_KEY_HEX)), StaticOps(sorted(config.sources)))
    try:
        # the composition root opened the configured backend, and nothing embedded beside it
        assert isinstance(data.outbox, PgOutbox if dsn else Outbox)
        assert (tmp_path / "data" / "alerts.sqlite3").exists() is (dsn is None)
        yield Web(data, dsn)
    finally:
        close_web_data(data)


def _icu_database(pg: PostgresServer) -> str:
    """A database whose default collation is ICU's en-US (as on a server installed in English), not
    the test cluster's C: its ORDER BY on text differs from SQLite's byte-wise one, which the
    outbox's queries must not depend on. Made once per cluster; returns its DSN."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    with psycopg.connect(pg.dsn, autocommit=True) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname='vigie_web_icu'").fetchone() is None:
            db.execute("CREATE DATABASE vigie_web_icu TEMPLATE template0 ENCODING UTF8 LOCALE_PROVIDER icu "
                       "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    return make_conninfo(pg.dsn, dbname="vigie_web_icu")


def _drop_tables(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS alerts, deliveries, leak_orgs, leak_org_tokens CASCADE")


def _set_created(web: Web, created: dict[str, float]) -> None:
    """Give alerts chosen creation times (ties included), so that the order is known in advance."""
    if web.dsn is None:
        box = web.data.outbox
        assert isinstance(box, Outbox)
        with box.db:
            box.db.executemany("UPDATE alerts SET created_at=? WHERE alert_id=?", [(t, a) for a, t in created.items()])
        return
    import psycopg

    with psycopg.connect(web.dsn, autocommit=True) as db, db.cursor() as cur:
        cur.executemany("UPDATE alerts SET created_at=%s WHERE alert_id=%s", [(t, a) for a, t in created.items()])


def _alert(alert_id: str, org: str, n: int, channels: tuple[str, ...] = ("webhook",)) -> NewAlert:
    payload = {"alert_id": alert_id, "org": org, "matched": {"email": n}, "matched_total": n,
               "categories": ["health"] if n % 2 else [], "source": "darkforum", "excerpt": f"[email] x{n}",
               "kind": "table", "thread_title": f"dump {n}"}
    return NewAlert(alert_id=alert_id, org=org, fragment_id=f"frag-{alert_id}", severity=1 + n % 4, origin="ingest",
                    payload=payload, channels=tuple((c, "immediate", 0.0) for c in channels))


# org-a's ids differ from each other where a locale-aware collation and a byte-wise one disagree
# ('-' and '_' vs letters, upper vs lower case): the ties below must break the same way on both
# (en-US, descending: a-Zed, a-ab, a_b; byte-wise: a_b, a-ab, a-Zed)
CREATED = {"a-Zed": 300.0, "a-ab": 300.0, "a_b": 300.0, "aB": 200.0, "a-c": 100.0,
           "b-1": 300.0, "b-2": 250.0, "b-3": 50.0}
ORG_OF = {a: "org-a" if a.startswith("a") else "org-b" for a in CREATED}
# newest first, then alert id descending, byte-wise
EXPECTED = sorted(CREATED, key=lambda a: (CREATED[a], a.encode()), reverse=True)


def _seed(web: Web) -> None:
    made = web.data.outbox.add_alerts(_alert(a, ORG_OF[a], n) for n, a in enumerate(CREATED))
    assert sorted(made) == sorted(CREATED)
    _set_created(web, CREATED)


def _all_pages(data: WebData, p: Principal, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = data.list_alerts(p, cursor=cursor, limit=limit)
        pages.append([a.alert_id for a in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_alerts_newest_first_paged_and_scoped_to_the_members_organisation(web: Web) -> None:
    _seed(web)
    data = web.data
    assert EXPECTED[:4] == ["b-1", "a_b", "a-ab", "a-Zed"]  # the tie at 300 broken byte-wise
    for who in (OPER, ANALYST):
        assert _all_pages(data, who, 3) == [EXPECTED[:3], EXPECTED[3:6], EXPECTED[6:]]
    own_a = [a for a in EXPECTED if ORG_OF[a] == "org-a"]
    assert _all_pages(data, MEMBER_A, 2) == [own_a[:2], own_a[2:4], own_a[4:]]
    assert _all_pages(data, MEMBER_B, 20) == [["b-1", "b-2", "b-3"]]
    first = data.list_alerts(MEMBER_A, limit=1).items[0]
    assert (first.alert_id, first.org, first.fragment_id, first.created_at, first.state) == \
        ("a_b", "org-a", "frag-a_b", 300.0, "new")
    n = list(CREATED).index("a_b")
    assert (first.matched, first.matched_total, first.source) == ({"email": n}, n, "darkforum")
    # another organisation's alert is absent for a member, whatever the route
    for call in (data.get_alert, data.alert_evidence):
        with pytest.raises(ProblemError) as got:
            call(MEMBER_A, "b-1")
        assert got.value.status == 404
    with pytest.raises(ProblemError) as got:
        data.get_alert(OPER, "no-such-alert")
    assert got.value.status == 404
    assert data.get_alert(ANALYST, "b-1").org == "org-b"


def test_alert_detail_shows_each_channels_delivery_and_its_triage(web: Web) -> None:
    box: OutboxBackend = web.data.outbox
    box.add_alerts([_alert("a-1", "org-a", 3, channels=("webhook", "email"))])
    rows = {d.channel: d.id for d in box.due(time.time())}
    now = time.time()
    assert sorted(box.claim(list(rows.values()), now + 60, now)) == sorted(rows.values())
    box.ack([rows["email"]], now)
    box.dead_letter([rows["webhook"]], "HTTP 503 from the receiver")
    detail = web.data.get_alert(MEMBER_A, "a-1")
    assert [(d["channel"], d["status"], d["attempts"], d["last_error"]) for d in detail.deliveries] == [
        ("email", "sent", 1, None), ("webhook", "failed", 1, "HTTP 503 from the receiver")]
    assert detail.deliveries[0]["sent_at"] == now
    assert detail.deliveries[1]["sent_at"] is None
    assert (detail.excerpt, detail.kind, detail.thread_title, detail.severity) == ("[email] x3", "table", "dump 3",
                                                                                  "critical")  # 1 + 3 % 4
    triaged = web.data.triage_alert(MEMBER_A, "a-1", "acknowledged", "our DPO is on it")
    assert triaged.state == "acknowledged" and [e.note for e in triaged.history] == ["our DPO is on it"]
    assert yaml.safe_load(web.data.alert_evidence(MEMBER_A, "a-1"))["thread_title"] == "dump 3"
    with pytest.raises(ProblemError) as got:
        web.data.get_alert(MEMBER_B, "a-1")
    assert got.value.status == 404


def test_dead_letters_listed_in_queue_order_paged_and_retried(web: Web) -> None:
    box: OutboxBackend = web.data.outbox
    box.add_alerts([_alert(f"dl-{i}", "org-a" if i % 2 else "org-b", i) for i in range(4)])
    due = sorted(box.due(time.time()), key=lambda d: d.id)
    now = time.time()
    box.claim([d.id for d in due], now + 60, now)
    for d in due[:3]:
        box.dead_letter([d.id], f"HTTP 50{d.alert_id[-1]}")
    box.retry_later([due[3].id], now + 3600, "HTTP 429")  # pending again: not a dead letter
    first = web.data.dead_letters(OPER, limit=2)
    assert [(x.alert_id, x.org, x.channel, x.attempts, x.last_error) for x in first.items] == [
        ("dl-0", "org-b", "webhook", 1, "HTTP 500"), ("dl-1", "org-a", "webhook", 1, "HTTP 501")]
    assert first.next_cursor is not None
    rest = web.data.dead_letters(OPER, cursor=first.next_cursor, limit=2)
    assert [x.alert_id for x in rest.items] == ["dl-2"] and rest.next_cursor is None
    for who in (MEMBER_A, ANALYST):  # operators only
        with pytest.raises(ProblemError) as got:
            web.data.dead_letters(who)
        assert got.value.status == 404
    assert web.data.retry_dead_letter(OPER, "dl-1") == 1
    assert [x.alert_id for x in web.data.dead_letters(OPER).items] == ["dl-0", "dl-2"]
    assert box.counts() == {"failed": 2, "pending": 2}
    again = [d for d in box.due(time.time()) if d.alert_id == "dl-1"]
    assert [(d.status, d.attempts) for d in again] == [("pending", 0)]  # due now, attempts reset
    for alert_id in ("dl-1", "dl-3", "no-such-alert"):  # no longer, never, nothing: not a dead letter
        with pytest.raises(ProblemError) as got:
            web.data.retry_dead_letter(OPER, alert_id)
        assert got.value.status == 404


def test_the_http_app_serves_alerts_and_dead_letters_from_the_configured_outbox(web: Web) -> None:
    _seed(web)
    box = web.data.outbox
    (b3,) = [d for d in box.due(time.time()) if d.alert_id == "b-3"]
    box.claim([b3.id], time.time() + 60, time.time())
    box.dead_letter([b3.id], "HTTP 410 Gone")
    db = web.data.web_db
    db.add_user("member-org-a", "org_member", PASSWORD, org="org-a")
    db.add_user("oper", "operator", PASSWORD)
    member, oper = (db.create_token(u, 3600).secret for u in ("member-org-a", "oper"))
    with serve(web.data) as base, httpx.Client(base_url=base, timeout=10) as http:
        mine = http.get("/api/v1/alerts", params={"limit": 100}, headers={"Authorization": f"Bearer {member}"})
        assert mine.status_code == 200, mine.text
        assert [a["alert_id"] for a in mine.json()["items"]] == [a for a in EXPECTED if ORG_OF[a] == "org-a"]
        assert http.get("/api/v1/alerts/b-1", headers={"Authorization": f"Bearer {member}"}).status_code == 404
        h = {"Authorization": f"Bearer {oper}"}
        letters = http.get("/api/v1/ops/dead-letters", headers=h).json()["items"]
        assert [(x["alert_id"], x["last_error"]) for x in letters] == [("b-3", "HTTP 410 Gone")]
        assert http.post("/api/v1/ops/dead-letters/b-3/retry", headers=h).status_code == 204
        assert http.get("/api/v1/ops/dead-letters", headers=h).json()["items"] == []
    assert box.counts() == {"pending": len(CREATED)}
