"""Who may reveal comes from vigie.yaml's `access.analysts`, matched on the OS user running the
command; refusals are audited; identifier searches are audited without the value. End to end
through the CLI on the embedded store, as the real OS user of the test run."""

from __future__ import annotations

import base64
import json
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.audit import current_os_user, verify_chain
from indexer.identifiers import canonical_forms
from indexer.models import Severity
from indexer.reveal import REFUSED
from indexer.store import open_store_from_settings
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.cli import app
from vigie.config.schema import StorageSettings

ENV = {"VIGIE_MATCH_KEY": "1:" + TEST_MATCH_KEY.key.hex(), "VIGIE_DATA_KEY": "1:" + TEST_DATA_KEY.key.hex()}
RAW_VICTIM = "Jeanne.Martin@Exemple.test"
VICTIM = canonical_forms("email", RAW_VICTIM)[0]
ME = current_os_user()
ME_ANALYST = f"access:\n  analysts:\n    - {{name: alice, os_user: '{ME}', may_reveal: true}}\n"
OTHER_ANALYST = "access:\n  analysts:\n    - {name: bob, os_user: someone-else, may_reveal: true}\n"


def cli(args: list[str], **env: str):
    from vigie.log import setup_logging

    try:
        return CliRunner().invoke(app, args, env={**ENV, **env})
    finally:
        setup_logging("INFO")


def setup(tmp_path: Path, access_yaml: str) -> tuple[list[str], Path, list]:
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "organisations").mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n" + access_yaml)
    data = tmp_path / "data"
    docs = synthetic_docs(2, source="paste-b", base_time=datetime(2026, 6, 1, tzinfo=UTC),
                          severity=Severity.critical, emails=[VICTIM])
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs)
    store.close()
    return ["-c", str(config), "-d", str(data)], data, docs


def records(data: Path) -> list[dict]:
    return [json.loads(x) for x in (data / "audit.log").read_text().splitlines()]


def test_a_listed_analyst_reveals_and_it_is_audited(tmp_path: Path) -> None:
    base, data, docs = setup(tmp_path, ME_ANALYST)
    res = cli(["reveal", docs[0].id, "--reason", "ticket 7", *base])
    assert res.exit_code == 0, res.output
    assert VICTIM in res.stdout  # the raw text, decrypted
    [rec] = records(data)
    assert (rec["event"], rec["user"], rec["analyst"], rec["doc_id"], rec["reason"], rec["outcome"]) == \
        ("reveal", ME, "alice", docs[0].id, "ticket 7", "revealed")
    assert VICTIM not in (data / "audit.log").read_text()
    assert verify_chain(data / "audit.log").intact


@pytest.mark.parametrize("access", [
    "",  # no access section at all
    OTHER_ANALYST,
    f"access:\n  analysts:\n    - {{name: alice, os_user: '{ME}'}}\n",  # listed, may_reveal defaults to false
], ids=["no-access", "other-user-listed", "listed-without-may-reveal"])
def test_anyone_else_is_refused_and_audited(tmp_path: Path, access: str) -> None:
    base, data, docs = setup(tmp_path, access)
    res = cli(["reveal", docs[0].id, "--reason", "curious", *base])
    assert res.exit_code == 4
    assert VICTIM not in res.stdout
    assert "may_reveal: true" in res.stderr and "access" in res.stderr and ME in res.stderr
    [rec] = records(data)
    assert (rec["user"], rec["doc_id"], rec["reason"], rec["outcome"]) == (ME, docs[0].id, "curious", REFUSED)
    assert verify_chain(data / "audit.log").intact


def test_the_old_flag_and_variables_grant_nothing(tmp_path: Path) -> None:
    base, data, docs = setup(tmp_path, OTHER_ANALYST)
    res = cli(["reveal", docs[0].id, "--reason", "x", "--i-have-decrypt-role", *base])
    assert res.exit_code == 2 and "No such option" in res.output
    res = cli(["reveal", docs[0].id, "--reason", "x", "--analyst", "bob", *base])
    assert res.exit_code == 2 and "No such option" in res.output
    res = cli(["reveal", docs[0].id, "--reason", "as bob", *base], VIGIE_ROLE="decrypt", VIGIE_ANALYST="bob",
              USER="someone-else", LOGNAME="someone-else")
    assert res.exit_code == 4 and VICTIM not in res.stdout
    assert [(r["user"], r["outcome"]) for r in records(data)] == [(ME, REFUSED)]


def _encodings(value: str) -> set[bytes]:
    """The forms an adversary greps for: case-folded, UTF-16, base64, URL- and JSON-escaped."""
    out: set[bytes] = set()
    for v in {value, value.lower(), value.upper()}:
        out |= {v.encode(), v.encode("utf-16-le"), v.encode("utf-16-be"), base64.b64encode(v.encode()),
                urllib.parse.quote(v).encode(), urllib.parse.quote_plus(v).encode(), json.dumps(v)[1:-1].encode()}
    return out


def test_identifier_search_is_audited_without_the_value(tmp_path: Path) -> None:
    base, data, docs = setup(tmp_path, "")
    res = cli(["search", "--identifier", f"email:{RAW_VICTIM}", "--json", *base])
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == 2
    [rec] = records(data)
    assert rec["event"] == "identifier_search" and rec["user"] == ME and rec["results"] == 2
    assert [i["type"] for i in rec["identifiers"]] == ["email"]
    assert set(rec["identifiers"][0]["tokens"]) & {t for d in docs for t in d.tokens["email"]}  # the keyed token
    raw = (data / "audit.log").read_bytes()
    forms = {RAW_VICTIM, *canonical_forms("email", RAW_VICTIM), RAW_VICTIM.split("@")[0]}
    hits = [(f, enc) for f in forms for enc in _encodings(f) if enc.lower() in raw.lower()]
    assert hits == []
    # a full-text search is not a lookup of a person: not audited
    assert cli(["search", "fichier", "--json", *base]).exit_code == 0
    assert len(records(data)) == 1
    assert verify_chain(data / "audit.log").intact


def test_an_analyst_listed_twice_is_a_config_error(tmp_path: Path) -> None:
    base, _, _ = setup(tmp_path, "access:\n  analysts:\n    - {name: a, os_user: alice}\n"
                                 "    - {name: b, os_user: alice, may_reveal: true}\n")
    res = cli(["reveal", "0" * 64, "--reason", "x", *base])
    assert res.exit_code == 2 and "listed twice" in res.stderr
