"""URL:login:password lines ("ULP" lists, what stealer logs are resold as) and combo lines with a
checker's captures after them: the e-mails were found but not the credentials (a URL and a space
after the password made them no combo line), and captured lines gave nothing at all. All values
are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_credential
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x2e" * 32, version=1)

ACCOUNTS = [(f"agent{k}.martin@exemple.fr", f"Azerty{k}!x") for k in range(6)]
CREDENTIALS = {canon_credential(login, pw) for login, pw in ACCOUNTS}


def _values(frags: list[Fragment], t: str) -> set[str | None]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


LINES = {
    "https": "https://portail{k}.exemple-sante.fr/login:{login}:{pw}",
    "port_and_path": "http://10.0.0.{k}:8080/auth/sign-in?next=/home:{login}:{pw}",
    "bare_host": "www.exemple{k}.com/connexion:{login}:{pw}",
    "space_first": "https://portail{k}.exemple.fr/login {login}:{pw}",
    "pipes": "https://portail{k}.exemple.fr/login|{login}|{pw}",
    "android": "android://AbCdEf{k}Gh==@fr.exemple.app/:{login}:{pw}",
    "captured": "{login}:{pw} | Plan = Premium | Country = FR | Expire = 2027-01-0{k}",
    "captured_semicolon": "{login};{pw} | Balance: {k}0 EUR",
}


@pytest.mark.parametrize("fmt", LINES.values(), ids=LINES.keys())
def test_url_login_password_lines_give_credentials(fmt: str) -> None:
    text = "fresh logs\n\n" + "\n".join(fmt.format(k=k, login=lo, pw=pw) for k, (lo, pw) in enumerate(ACCOUNTS))
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["combo"]
    assert _values(frags, "credential") == CREDENTIALS
    assert _values(frags, "email") == {lo for lo, _ in ACCOUNTS}
    assert all(pw not in frags[0].excerpt for _, pw in ACCOUNTS)


def test_a_password_holding_colons_keeps_them() -> None:
    text = "\n".join(f"https://x{k}.exemple.fr/:{lo}:{pw}:tail" for k, (lo, pw) in enumerate(ACCOUNTS))
    assert _values(detect(text, key=KEY), "credential") == {canon_credential(lo, pw + ":tail") for lo, pw in ACCOUNTS}


def test_a_labelled_line_is_not_a_captured_combo() -> None:
    text = "\n".join(f"Nom:Dupont{k} Jean | Email:j{k}@exemple.fr | Tel:06123456{k}{k}" for k in range(4))
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["dox"] and not _values(frags, "credential")


@pytest.mark.parametrize("text", [
    # URLs and times in prose and logs: no login, no password
    "\n".join(f"voir https://forum.exemple.fr/t/{k} : merci | {k} réponses" for k in range(5)),
    "\n".join(f"12:3{k}:0{k} | GET /index.html 200" for k in range(5)),
    "\n".join(f"www.exemple{k}.fr:443:tcp open" for k in range(5)),
])
def test_lines_that_only_look_like_it_give_no_credential(text: str) -> None:
    assert not _values(detect(text, key=KEY), "credential")
