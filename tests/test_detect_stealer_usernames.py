"""Stealer logs whose logins are usernames (`URL: ...` / `Username: jdupont` / `Password: ...`): with
an address as the login they were read; with a username no line of the log held an `@` or eight
digits, so none was a seed line and the log gave nothing. A line that starts with a password's
label is a seed line now (in every engine's seed scan: RE2, Hyperscan, the compiled core's), and
the French labels (`Identifiant`, `Nom d'utilisateur`) name the login. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.identifiers import canon_credential
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x43" * 32, version=1)

USERS = [(f"jdupont{k}", f"Azerty{k}23!") for k in range(5)]
EXPECTED = {canon_credential(u, p) for u, p in USERS}


def _credentials(frags: list[Fragment]) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "credential"}


LOGS = {
    "redline": "\n\n".join(f"URL: https://accounts.exemple.com/signin\nUsername: {u}\nPassword: {p}\n"
                           "Application: Google_[Chrome]_Default" for u, p in USERS),
    "host_login": "\n\n".join(f"Host: https://login.exemple.com\nLogin: {u}\nPassword: {p}" for u, p in USERS),
    "soft_upper": "\n".join(f"SOFT: Chrome\nURL: https://site{k}.exemple/login\nUSER: {u}\nPASS: {p}\n==========="
                            for k, (u, p) in enumerate(USERS)),
    "french": "\n\n".join(f"Site : https://site.exemple.fr\nIdentifiant : {u}\nMot de passe : {p}" for u, p in USERS),
    "quoted": "\n".join(f"> URL: https://site.exemple\n> Username: {u}\n> Password: {p}\n>" for u, p in USERS),
}


@pytest.mark.parametrize("name", LOGS)
def test_a_stealer_log_with_usernames_gives_its_credentials(name: str) -> None:
    frags = detect("logs frais :\n\n" + LOGS[name] + "\n\nbon appétit", key=KEY)
    assert [f.kind for f in frags] == ["stealer_log"]
    assert _credentials(frags) == EXPECTED
    assert not any(p in frags[0].excerpt for _, p in USERS)


def test_one_entry_is_one_credential() -> None:
    frags = detect("URL: https://site.exemple/login\nUsername: jdupont\nPassword: Azerty123!", key=KEY)
    assert _credentials(frags) == {canon_credential("jdupont", "Azerty123!")}


def test_the_many_posts_path_agrees() -> None:
    posts = [("x\n\n" + log + "\n").encode() for log in LOGS.values()] + [
        b"lien\n\nPassword: infected\n\nmerci\n", b"rien\n"]
    many = detect_many(posts, key=KEY)
    assert [[(f.kind, len(f.identifiers)) for f in frags] for frags in many] == [
        [(f.kind, len(f.identifiers)) for f in detect(p, key=KEY)] for p in posts]
    assert [len(frags) for frags in many] == [1] * len(LOGS) + [0, 0]


@pytest.mark.parametrize("text", [
    "voici le lien\n\nPassword: infected\n\nenjoy",  # an archive's password, said in a post
    "Download: https://mega.exemple/file/xyz\nPassword: vigie2024\nSize: 2 GB",
    "Mot de passe : celui du forum",
    "pass: demande en MP",
])
def test_a_password_said_without_a_login_gives_nothing(text: str) -> None:
    assert detect(text, key=KEY) == []
