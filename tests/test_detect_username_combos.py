"""Combo lists whose logins are usernames (`jdupont:Azerty123!`): the same lines with `|` were read,
with `:` they gave nothing (a `key:value` run was a combo list only when half its logins were
addresses). And a combo list's header (`email:password`) was read as a credential of its own.
All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_credential
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x31" * 32, version=1)

USERS = [("jdupont", "Azerty123!"), ("marie.claire", "soleil2019"), ("k_martin", "P@ssw0rd"),
         ("xXdarkXx", "motdepasse!!"), ("lea-b", "Lea1994"), ("t.moreau85", "chaton85")]


def _credentials(frags: list[Fragment]) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "credential"}


EXPECTED = {canon_credential(u, p) for u, p in USERS}


@pytest.mark.parametrize("sep", [":", "|"])
def test_a_username_combo_list_gives_its_credentials(sep: str) -> None:
    text = "fresh combo, enjoy\n\n" + "\n".join(f"{u}{sep}{p}" for u, p in USERS) + "\n\nlike if it works"
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("combo", 3, 8)]
    assert _credentials(frags) == EXPECTED
    assert not any(p in frags[0].excerpt for _, p in USERS)


def test_a_header_names_the_columns_and_is_no_credential() -> None:
    for header in ("email:password", "login:pass", "Username|Password", "user:pwd"):
        rows = [f"{u}@exemple.fr:{p}" for u, p in USERS]
        frags = detect(header + "\n" + "\n".join(rows), key=KEY)
        assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("combo", 1, 7)], header
        assert _credentials(frags) == {canon_credential(f"{u}@exemple.fr", p) for u, p in USERS}, header


def test_mixed_logins_are_read_as_before() -> None:
    rows = [f"{u}:{p}" for u, p in USERS[:3]] + [f"{u}@exemple.fr:{p}" for u, p in USERS[3:]]
    assert len(_credentials(detect("\n".join(rows), key=KEY))) == 6


@pytest.mark.parametrize("text", [
    # settings and lists written `key:value`
    "host:localhost\nport:5432\nuser:postgres\ndbname:app",
    "logdir:/var/log/app\ndatadir:/var/lib/app2\nsocket:/tmp/app3.sock\npidfile:/run/app4.pid",
    "python:3.11.7\nnode:v20.1.0\nruby:3.2.2\njava:21.0.2",
    "chat:cat\nchien:dog\nmaison:house\nvoiture:car",
    # a proxy list (`ip:port`), file positions, a ratio table
    "\n".join(f"185.23.{k}.10:8080" for k in range(6)),
    "\n".join(f"185.23.{k}.10:3128:user{k}:pass{k}" for k in range(6)),
    "\n".join(f"main{k}.py:12{k}" for k in range(6)),
    "web01:8443\nweb02:8443\ndb01:5432\ncache01:6379",
    # identifiers that are no passwords: UUIDs, product keys
    "\n".join(f"id{k}:550e8400-e29b-41d4-a716-44665544000{k}" for k in range(6)),
    "\n".join(f"game{k}:ABCDE-FGH{k}J-KLMNP" for k in range(6)),
    # the same username again and again (a chat log, a tally)
    "\n".join(f"admin:Session{k}42!" for k in range(6)),
])
def test_key_value_runs_that_are_no_combo_list_give_nothing(text: str) -> None:
    assert detect("voici :\n\n" + text + "\n\nvoilà", key=KEY) == []
