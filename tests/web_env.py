"""A real Vigie behind a real uvicorn on 127.0.0.1 for the web tests: two organisations A and B,
fragments stored by the real store, alerts made by the real matcher from registered pre-hashes,
users and tokens in a real web.sqlite3.

Nothing is faked except the service's status (`StaticOps`): no `vigie run` runs in these tests,
so the operators' port returns a fixed report built from the configured sources.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import uvicorn
import yaml

from indexer.crypto import DataKey
from indexer.tokens import MatchKey, prehash
from tests.fixtures.mail import DATA_KEY_HEX, MATCH_KEY_HEX, WebhookReceiver, make_fragment
from vigie.config.loader import load_config
from vigie.web.app import create_app
from vigie.web.data import WebData
from vigie.web.ops import OpsReport, OpsSource
from vigie.web.setup import close_web_data, open_web_data

PASSWORD = "correct horse battery staple"
ORGS = ("org-a", "org-b")
# per organisation: the identifiers its fragment holds (and that it registered)
PEOPLE = {"org-a": [("email", "alice.martin@clinique-a.fr"), ("phone", "+33612345678")],
          "org-b": [("email", "bruno.petit@hopital-b.fr"), ("phone", "+33698765432")]}


class StaticOps:
    """Stands in for the service (none runs here): every configured source, never run."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources

    def report(self) -> OpsReport:
        return OpsReport(alive=False, tor="not reachable (test)", store="embedded", outbox="empty",
                         sources=[OpsSource(name=s, schedule="1h", next_run_at=None, needs_attention=("never ran",))
                                  for s in self.sources])


@dataclass
class WebEnv:
    root: Path
    base_url: str
    data: WebData
    match_key: MatchKey
    data_key: DataKey
    alert_ids: dict[str, str] = field(default_factory=dict)  # org -> its alert id
    fragment_ids: dict[str, str] = field(default_factory=dict)  # org -> its fragment id
    tokens: dict[str, str] = field(default_factory=dict)  # user -> bearer secret
    totp_secrets: dict[str, str] = field(default_factory=dict)
    receiver: WebhookReceiver | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def totp_now(self, user: str) -> str:
        return pyotp.TOTP(self.totp_secrets[user]).now()


def write_config(root: Path, webhook_url: str, webhook_secret: str) -> Path:
    config = root / "config"
    (config / "organisations").mkdir(parents=True)
    (config / "sources").mkdir()
    (config / "vigie.yaml").write_text(yaml.safe_dump({
        "storage": {"backend": "embedded"},
        "alerts": {"webhook": {"timeout_seconds": 5}},
        # a lockout of 3 s: a test sends its next login well within it even on a loaded machine (with
        # 1 s, a request queued behind others arrived after the lock and the lockout tests failed)
        "web": {"lockout_seconds": 3, "login_max_failures": 3},
    }))
    for org in ORGS:
        (config / "organisations" / f"{org}.yaml").write_text(yaml.safe_dump({
            "id": org, "display_name": org.upper(), "min_severity": "low",
            "channels": {"webhook": {"url": webhook_url, "secret": webhook_secret}},
            "policy": {"critical": "immediate", "high": "immediate", "medium": "immediate", "low": "immediate"},
        }))
    (config / "sources" / "darkforum.yaml").write_text(yaml.safe_dump({
        "name": "darkforum", "kind": "forum", "network": "direct", "start_urls": ["http://127.0.0.1:9/"],
        "schedule": {"interval": "1h"},
        "forum": {"thread_link": "a.thread", "post": {"container": "div.post", "body": "div.body"}},
    }))
    return config


def populate(env: WebEnv) -> None:
    """Register each organisation's people, store one fragment per organisation, match."""
    from alerts.matcher import AlertMatcher

    for org, people in PEOPLE.items():
        pre = env.root / f"{org}.prehash"
        pre.write_text("type,prehash\n" + "".join(f"{t},{prehash(t, v).hex()}\n" for t, v in people))
        env.data.registry.register_prehash_file(org, pre, env.match_key)
    docs = [make_fragment(env.match_key, PEOPLE[org], n=i, data_key=env.data_key) for i, org in enumerate(ORGS)]
    env.data.store.upsert(docs)
    env.data.store.flush()
    matcher = AlertMatcher(env.data.registry, env.data.outbox, env.data.organisations)
    assert matcher.on_fragments(docs) == 2
    for org, doc in zip(ORGS, docs, strict=True):
        env.fragment_ids[org] = doc.id
        (alert_id,) = [r[0] for r in env.data.outbox.db.execute(
            "SELECT alert_id FROM alerts WHERE org=?", (org,)).fetchall()]
        env.alert_ids[org] = alert_id


def add_users(env: WebEnv) -> None:
    db = env.data.web_db
    for org in ORGS:
        db.add_user(f"member-{org}", "org_member", PASSWORD, org=org)
    env.totp_secrets["ana"] = db.add_user("ana", "analyst", PASSWORD, totp=True, may_reveal=True) or ""
    db.add_user("nora", "analyst", PASSWORD)
    db.add_user("oper", "operator", PASSWORD)
    for user in ("member-org-a", "member-org-b", "ana", "nora", "oper"):
        env.tokens[user] = db.create_token(user, 3600).secret


@contextmanager
def serve(app_data: WebData) -> Iterator[str]:
    """uvicorn on 127.0.0.1, port 0, in a thread; yields the base URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(app_data), host="127.0.0.1", port=0, log_config=None,
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def web_env(root: Path, webhook_url: str, webhook_secret: str) -> Iterator[WebEnv]:
    config = load_config(write_config(root, webhook_url, webhook_secret))
    match_key, data_key = MatchKey(bytes.fromhex(MATCH_KEY_HEX)), DataKey(bytes.fromhex(DATA_KEY_HEX))
    data = open_web_data(config, root / "data", match_key, data_key, StaticOps(sorted(config.sources)))
    try:
        with serve(data) as base:
            env = WebEnv(root=root, base_url=base, data=data, match_key=match_key, data_key=data_key)
            populate(env)
            add_users(env)
            yield env
    finally:
        close_web_data(data)
