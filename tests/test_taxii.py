"""TAXII 2.1 over real HTTP, read by the OASIS client (taxii2-client): discovery, API root,
collections, objects with added_after and paging (limit/next, X-TAXII-Date-Added-* headers), the
TAXII media type, bearer tokens; an analyst sees every leak (counts only), an organisation only
its own leaks (its figures and its own tokens), and any other object answers 404.

Everything is real: uvicorn on 127.0.0.1, the web's token database, the fragment store, the token
registry, the SQLite leak store (clustering two copies of one dump into one leak) and the alerts
per leak kept by the outbox."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest
import requests
import uvicorn
from requests.auth import AuthBase
from taxii2client.v21 import Server, as_pages

from alerts.matcher import AlertMatcher
from indexer.crypto import DataKey
from indexer.leaks.store import SqliteLeakStore
from indexer.models import StoredFragment
from indexer.tokens import MatchKey, prehash
from tests.fixtures.mail import DATA_KEY_HEX, MATCH_KEY_HEX, WebhookReceiver, make_fragment
from tests.web_env import PASSWORD, PEOPLE, StaticOps, write_config
from vigie.config.loader import load_config
from vigie.intel import IntelSource
from vigie.web.app import create_app
from vigie.web.setup import close_web_data, open_web_data
from vigie.web.taxii import COLLECTION_ID, TAXII_MEDIA_TYPE

T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)


class Bearer(AuthBase):
    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.secret}"
        return r


@dataclass
class TaxiiEnv:
    base: str
    tokens: dict[str, str]
    docs: dict[str, list[StoredFragment]] = field(default_factory=dict)  # org -> its copies

    def server(self, user: str) -> Server:
        return Server(f"{self.base}/taxii2/", auth=Bearer(self.tokens[user]))

    def collection_url(self) -> str:
        return f"{self.base}/taxii2/api/collections/{COLLECTION_ID}/"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TaxiiEnv]:
    root = tmp_path_factory.mktemp("taxii")
    receiver = WebhookReceiver().start()
    config = load_config(write_config(root, receiver.url, receiver.secret))
    match_key, data_key = MatchKey(bytes.fromhex(MATCH_KEY_HEX)), DataKey(bytes.fromhex(DATA_KEY_HEX))
    data = open_web_data(config, root / "data", match_key, data_key, StaticOps(sorted(config.sources)))
    leaks = SqliteLeakStore(root / "data" / "leaks.sqlite3")
    try:
        for org, people in PEOPLE.items():
            pre = root / f"{org}.prehash"
            pre.write_text("type,prehash\n" + "".join(f"{t},{prehash(t, v).hex()}\n" for t, v in people))
            data.registry.register_prehash_file(org, pre, match_key)
        # org-a's dump, first posted on darkforum, then a 40% sample reposted on pastesite a day later;
        # org-b's dump, unrelated records
        docs = {"org-a": [make_fragment(match_key, PEOPLE["org-a"], n=0, data_key=data_key),
                          make_fragment(match_key, PEOPLE["org-a"], n=7, data_key=data_key, source="pastesite")],
                "org-b": [make_fragment(match_key, PEOPLE["org-b"], n=1, data_key=data_key)]}
        docs["org-a"][0] = _at(docs["org-a"][0], T0)
        docs["org-a"][1] = _at(docs["org-a"][1], T0 + timedelta(days=1))
        docs["org-b"][0] = _at(docs["org-b"][0], T0 + timedelta(days=2))
        records = {docs["org-a"][0].id: set(range(1, 101)), docs["org-a"][1].id: set(range(1, 41)),
                   docs["org-b"][0].id: set(range(5000, 5080))}
        every = [d for ds in docs.values() for d in ds]
        data.store.upsert(every)
        data.store.flush()
        for d in every:
            leaks.add(d, records[d.id])
        matcher = AlertMatcher(data.registry, data.outbox, data.organisations, leaks=leaks)
        assert matcher.on_fragments(every) >= 2
        tokens: dict[str, str] = {}
        for org in PEOPLE:
            data.web_db.add_user(f"member-{org}", "org_member", PASSWORD, org=org)
        data.web_db.add_user("nora", "analyst", PASSWORD)
        data.web_db.add_user("oper", "operator", PASSWORD)
        for user in ("member-org-a", "member-org-b", "nora", "oper"):
            tokens[user] = data.web_db.create_token(user, 3600).secret
        intel = IntelSource(leaks=leaks, impacts=data.outbox, store=data.store, registry=data.registry,
                            organisations=data.organisations)
        server = uvicorn.Server(uvicorn.Config(create_app(data, intel), host="127.0.0.1", port=0, log_config=None,
                                               access_log=False, lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield TaxiiEnv(base=f"http://127.0.0.1:{port}", tokens=tokens, docs=docs)
        finally:
            server.should_exit = True
            thread.join(10)
    finally:
        leaks.close()
        close_web_data(data)
        receiver.stop()


def _at(doc: StoredFragment, when: datetime) -> StoredFragment:
    return replace(doc, posted_at=when, fetched_at=when)


def _all_objects(env: TaxiiEnv, user: str, per_request: int = 0, **filters: str) -> list[dict]:
    (root,) = env.server(user).api_roots
    (col,) = root.collections
    out: list[dict] = []
    for envelope in as_pages(col.get_objects, per_request=per_request, **filters):
        out += envelope.get("objects", [])
    return out


def _strict_valid(objects: list[dict]) -> None:
    # imported here: 1.4 CPU-s that every xdist worker paid collecting this module
    from stix2validator import ValidationOptions, validate_string

    bundle = json.dumps({"type": "bundle", "id": "bundle--6f7e1f3a-2c59-4b6e-9a52-8d1e0c3b4a71", "objects": objects})
    result = validate_string(bundle, ValidationOptions(version="2.1", strict=True))
    assert result.is_valid, [str(e) for e in result.errors]


def test_discovery_api_root_and_collection_through_the_oasis_client(env: TaxiiEnv) -> None:
    server = env.server("nora")
    assert server.title == "Vigie TAXII 2.1"
    (root,) = server.api_roots
    assert root.url == f"{env.base}/taxii2/api/" and root.versions == [TAXII_MEDIA_TYPE]
    (col,) = root.collections
    assert col.id == COLLECTION_ID and col.can_read and not col.can_write
    r = requests.get(env.collection_url() + "objects/", auth=Bearer(env.tokens["nora"]),
                     headers={"Accept": TAXII_MEDIA_TYPE}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == TAXII_MEDIA_TYPE
    assert r.headers["X-TAXII-Date-Added-First"] <= r.headers["X-TAXII-Date-Added-Last"]


def test_analyst_reads_every_leak_with_counts_only_and_pages_agree(env: TaxiiEnv) -> None:
    objects = _all_objects(env, "nora")
    incidents = [o for o in objects if o["type"] == "incident"]
    assert len(incidents) == 2  # org-a's two copies are one leak; org-b's dump is another
    assert len({o["id"] for o in objects}) == len(objects)
    _strict_valid(objects)
    paged = _all_objects(env, "nora", per_request=3)
    assert [o["id"] for o in paged] == [o["id"] for o in objects]
    text = json.dumps(objects)
    for people in PEOPLE.values():
        for _, value in people:
            assert value not in text
    for docs in env.docs.values():
        for d in docs:
            assert not any(t in text for toks in d.tokens.values() for t in toks)  # no token for analysts
    (a_incident,) = [i for i in incidents if "pastesite" in i["description"]]
    assert "2 copies" in a_incident["description"]


def test_added_after_returns_only_what_changed_since(env: TaxiiEnv) -> None:
    objects = _all_objects(env, "nora")
    r = requests.get(env.collection_url() + "objects/", auth=Bearer(env.tokens["nora"]), timeout=10,
                     params={"added_after": (T0 + timedelta(days=1, hours=12)).isoformat()})
    later = r.json()["objects"]
    assert [o["type"] for o in later if o["type"] == "incident"] == ["incident"]  # only org-b's leak changed since
    assert 0 < len(later) < len(objects)
    last = r.headers["X-TAXII-Date-Added-Last"]
    r = requests.get(env.collection_url() + "objects/", auth=Bearer(env.tokens["nora"]), timeout=10,
                     params={"added_after": last})
    assert r.status_code == 200 and r.json() == {"more": False, "objects": []}


def test_an_organisation_sees_only_its_leak_with_its_own_tokens(env: TaxiiEnv) -> None:
    mine = _all_objects(env, "member-org-a")
    incidents = [o for o in mine if o["type"] == "incident"]
    assert len(incidents) == 1
    ext = incidents[0]["extensions"]["extension-definition--ef765651-680c-498d-9894-99799f2fa126"]
    assert ext["impacted_entity_counts"]["organizations"] == 1
    _strict_valid(mine)
    (note,) = [o for o in mine if o["type"] == "note" and o["abstract"].startswith("Your own keyed tokens")]
    own = {t for d in env.docs["org-a"] for toks in d.tokens.values() for t in toks}
    listed = {line.split(" ")[1] for line in note["content"].splitlines()[1:]}
    assert listed and listed <= own
    b_tokens = {t for d in env.docs["org-b"] for toks in d.tokens.values() for t in toks}
    text = json.dumps(mine)
    assert not any(t in text for t in b_tokens)
    assert all(o.get("object_marking_refs") == ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"]
               for o in mine if o["type"] != "marking-definition")

    # org-b's incident, as org-b reads it, is a 404 for org-a (and so is an analyst's incident id)
    (b_incident,) = [o for o in _all_objects(env, "member-org-b") if o["type"] == "incident"]
    (root,) = env.server("member-org-a").api_roots
    (col,) = root.collections
    assert col.get_object(incidents[0]["id"])["objects"][0]["id"] == incidents[0]["id"]
    for foreign in (b_incident["id"], next(o["id"] for o in _all_objects(env, "nora") if o["type"] == "incident")):
        with pytest.raises(requests.HTTPError) as err:
            col.get_object(foreign)
        assert err.value.response is not None and err.value.response.status_code == 404


def test_refusals_are_taxii_errors(env: TaxiiEnv) -> None:
    url = env.collection_url() + "objects/"
    r = requests.get(url, timeout=10)
    assert r.status_code == 401 and r.headers["content-type"] == TAXII_MEDIA_TYPE
    assert r.json()["http_status"] == "401"
    r = requests.get(url, auth=Bearer(env.tokens["oper"]), timeout=10)
    assert r.status_code == 404  # operators have no business here: same answer as a missing object
    r = requests.get(url, auth=Bearer(env.tokens["nora"]), headers={"Accept": "text/html"}, timeout=10)
    assert r.status_code == 406
    r = requests.get(url, auth=Bearer(env.tokens["nora"]), params={"next": "garbage!"}, timeout=10)
    assert r.status_code == 400
    r = requests.get(url, auth=Bearer(env.tokens["nora"]), params={"added_after": "yesterday"}, timeout=10)
    assert r.status_code == 400
    r = requests.get(f"{env.base}/taxii2/api/collections/not-ours/objects/", auth=Bearer(env.tokens["nora"]),
                     timeout=10)
    assert r.status_code == 404
