"""Attacker's review, round 7: what crawled text (a site the attacker runs) reaches downstream.

Earlier rounds held one row per field in an alert e-mail's body, the threat-intel notes' Markdown,
the logs, `--json` and `vigie scan` (tests/test_attacker_review_outputs.py), and the web pages'
search results and fragment page (same file). Here, each test is a path they did not cover, run
against the real parts: the real delivery worker to the SMTP server and webhook receiver of
tests/fixtures/mail.py, the real web app (tests/web_env.py), the real CLI.

- An alert e-mail's Subject: a victim name carrying an RFC 2047 encoded word
  (`=?utf-8?b?...?=`) was decoded by Python's e-mail package when the header was set, so the
  line breaks it hid became real header lines in the message sent (a `Reply-To:` the recipient
  answers to, a blank line that starts a body of the attacker's choosing), and a bidirectional
  override hidden the same way passed `one_line`. The e-mail sender now writes the Subject (the
  one header holding crawled text) on one line with its `=?` broken (alerts.channels.smtp.header_text).
- A webhook's JSON: the payload went out with the crawled fields as they were (an ESC sequence,
  a C1 control, a right-to-left override in a file name), while the e-mail of the same alert
  showed them cleaned; a receiver that shows a field (a ticket, a chat message, a terminal) got
  them raw. The webhook now carries the same cleaned text as the e-mail
  (alerts.channels.render.clean_payload).
- The web app's evidence download ("the alert as sent") was the payload before that cleaning:
  opened in an editor or a terminal (`cat`), its C1 controls and overrides acted. It is now the
  cleaned payload the webhook sends (vigie.web.data.alert_evidence).
- `vigie audit show`: a web analyst with no right to reveal (and no shell here) asked to reveal
  a "fragment" whose id and reason held terminal commands and a line break; the refusal is
  audited with both, and the operator's terminal got them raw, with a forged record on a line of
  its own (Rich's `escape` escapes markup only). Now printed through `shown` (vigie.cli.audit_cmd).
- Held already, covered here for paths no test took: every page showing a hostile fragment or
  its alert (alerts list and detail, reveal, evidence download) shows text only and is not
  cached; every state-changing route, enumerated, refuses a session without its CSRF token.

The CLI's other cases (`vigie status`, `vigie doctor`, `vigie search`, `vigie leak show`) are in
tests/test_attack_review_downstream_cli.py.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml

from indexer.models import VictimRecord
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver, make_fragment
from tests.test_alerts_delivery import OURS, all_sent, drain, register
from tests.web_env import WebEnv
from vigie.wiring import build_delivery_worker, build_matcher, open_outbox, open_victim_index

_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _ew(text: str) -> str:
    """`text` as one RFC 2047 encoded word, as a mail reader (and Python's e-mail package) decodes."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


# a leak site's victim name: the watched organisation's name (so the watchlist alerts), then
# encoded words hiding header lines, a body of the attacker's own, and a right-to-left override
INJECTED = "\r\nReply-To: thief@evil.example\r\nBcc: thief@evil.example\r\n\r\nPay the ransom to keep this quiet"
HOSTILE_VICTIM = f"Acme Santé SAS {_ew(INJECTED)} {_ew(chr(0x202E) + 'fdp.exe')}"


def _watch_acme(env: AlertsEnv) -> None:
    path = env.config / "organisations" / f"{env.org}.yaml"
    org = yaml.safe_load(path.read_text())
    org["watchlist"] = {"names": ["Acme Santé SAS"]}
    path.write_text(yaml.safe_dump(org))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _deliver_victim(env: AlertsEnv, record: VictimRecord) -> None:
    """A leak site's record through the real victims index and watchlist, then the real worker."""
    _watch_acme(env)
    rt = env.runtime()
    with open_victim_index(rt.config, env.data) as sinks:
        assert sinks.victims.accept_victim(record) == 1
    outbox = open_outbox(rt.config, env.data)
    try:
        drain(build_delivery_worker(rt.config, env.data), lambda: all_sent(outbox))
    finally:
        outbox.close()


# -- e-mail headers --------------------------------------------------------------------------------

def test_an_encoded_word_in_a_victim_name_adds_no_header_and_no_control(alerts_env: AlertsEnv,
                                                                        smtp_sink: SmtpSink) -> None:
    _deliver_victim(alerts_env, VictimRecord(source="lockleak", url="http://lock.onion/v/1", name=HOSTILE_VICTIM,
                                             domain="acme-sante.fr"))
    [mail] = smtp_sink.wait_for(1)
    [(_, rcpts)] = smtp_sink.envelopes
    assert rcpts == ["soc@acme.test"]
    names = {k.lower() for k in mail.keys()}
    assert "reply-to" not in names and "bcc" not in names, sorted(names)
    assert mail.is_multipart() and mail.get_body(("plain",)) is not None  # the body is ours, whole
    subject = str(mail["Subject"])
    assert _RAW_CONTROLS.findall(subject) == [], repr(subject)
    assert subject.startswith("[Vigie][HIGH] Acme Santé SAS"), subject
    assert "thief@evil.example" not in subject and "fdp.exe" not in subject  # shown encoded, never decoded


# -- webhooks --------------------------------------------------------------------------------------

TERMINAL = "\x1b]0;owned\x07\x1b[8mhidden \x9b2J"


def test_a_webhook_carries_the_crawled_fields_as_cleaned_as_the_email(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                                      webhook_receiver: WebhookReceiver) -> None:
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    doc = make_fragment(rt.match_key, OURS)
    doc.provenance = replace(doc.provenance, thread_title=f"Fuite\n{TERMINAL}", author=f"eve{TERMINAL}",
                             board="boards\u2028Severity: LOW", filename="patients\u202eslx.exe")
    assert matcher.on_fragments([doc]) == 1
    drain(build_delivery_worker(rt.config, alerts_env.data), lambda: all_sent(matcher.outbox))
    [body] = webhook_receiver.wait_for(1).values()  # verified: the signature holds over what was sent
    [receipt] = webhook_receiver.receipts
    alert = body["alert"]
    assert [s for s in _strings(body) if _RAW_CONTROLS.search(s)] == [], alert
    assert _RAW_CONTROLS.findall(receipt.body.decode()) == []
    assert alert["filename"] == "patients?slx.exe" and alert["thread_title"].startswith("Fuite ")
    [mail] = smtp_sink.wait_for(1)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for name in ("thread_title", "author", "board", "filename"):
        assert f": {alert[name]}\n" in text.replace("\r\n", "\n"), (name, alert[name])  # the e-mail's very text


# -- the web app -------------------------------------------------------------------------------------
# These held before this round; each covers a path no earlier test took, and fails when the guard it
# names is removed (checked by hand: the finalize filter, autoescape, the CSRF check in `principal`).

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg/onload=alert(3)>"


class _Active(HTMLParser):
    """What a browser would act on in a page: inline scripts, images, SVG, event handlers, and
    links or sources whose target runs code (javascript:, data:)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in ("img", "svg", "iframe", "object") or (tag == "script" and not named.get("src")):
            self.found.append(tag)
        for name, value in attrs:
            target = (value or "").strip().lower()
            runs = name in ("href", "src", "action") and target.startswith(("javascript:", "data:"))
            if name.startswith("on") or runs:
                self.found.append(f"{tag} {name}={value}")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebEnv, str, str]]:
    """The web env, plus a fragment whose every crawled field, excerpt and raw text is hostile, and
    the alert it raised for org-a."""
    from alerts.matcher import AlertMatcher
    from indexer.crypto import encrypt_text
    from tests.web_env import PEOPLE, web_env

    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-downstream"), receiver.url, receiver.secret) as env:
            doc = make_fragment(env.match_key, PEOPLE["org-a"], n=7, data_key=env.data_key)
            doc.provenance = replace(doc.provenance, thread_title=f"dump {MARKUP} {TERMINAL}", author=MARKUP,
                                     board=f"{MARKUP}\u202e", filename="patients\u202eslx.exe",
                                     url="javascript:alert(document.cookie)//", thread_url="data:text/html,<b>x")
            doc.excerpt = f"{doc.excerpt}\n{MARKUP}\n{TERMINAL}"
            raw = f"lot;nom\n1;{MARKUP}{TERMINAL}"
            doc.encrypted_text = encrypt_text(env.data_key, raw, associated=doc.id.encode())
            env.data.store.upsert([doc])
            env.data.store.flush()
            assert AlertMatcher(env.data.registry, env.data.outbox, env.data.organisations).on_fragments([doc]) == 1
            (alert_id,) = [a for (a,) in env.data.outbox.db.execute("SELECT alert_id FROM alerts WHERE org='org-a'")
                           if a != env.alert_ids["org-a"]]
            yield env, doc.id, alert_id
    finally:
        receiver.stop()


def _login(env: WebEnv, user: str, totp: bool = False) -> tuple[httpx.Client, str]:
    from tests.web_env import PASSWORD

    client = httpx.Client(base_url=env.base_url, timeout=30, follow_redirects=False)
    r = client.post("/login", data={"username": user, "password": PASSWORD,
                                    "totp": env.totp_now(user) if totp else ""})
    assert r.status_code == 303, r.text[:300]
    return client, client.get("/api/v1/session").json()["csrf_token"]


def test_every_page_showing_a_hostile_fragment_or_its_alert_shows_text_only(web: tuple[WebEnv, str, str]) -> None:
    env, doc_id, alert_id = web
    ana, csrf = _login(env, "ana", totp=True)
    member, _ = _login(env, "member-org-a")
    try:
        pages = {"search": ana.get("/search"), "fragment": ana.get(f"/fragments/{doc_id}"),
                 "reveal": ana.post(f"/fragments/{doc_id}/reveal", data={"reason": "ticket 7", "csrf_token": csrf}),
                 "alerts": member.get("/alerts"), "alert": member.get(f"/alerts/{alert_id}")}
        evidence = member.get(f"/api/v1/alerts/{alert_id}/evidence")
    finally:
        ana.close()
        member.close()
    for name, page in pages.items():
        assert page.status_code == 200, (name, page.text[:300])
        assert page.headers["cache-control"] == "no-store", name  # revealed text and excerpts stay out of caches
        assert _Active(page.text).found == [] and _RAW_CONTROLS.findall(page.text) == [], name
    for name in ("search", "fragment", "reveal", "alert"):  # the hostile text is there, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[name].text, name
    assert "javascript:alert(document.cookie)//" in pages["fragment"].text  # a URL is shown, never a link
    assert "1;&lt;script&gt;" in pages["reveal"].text  # the raw text, revealed
    # the evidence download: JSON as an attachment under a name of ours, never sniffed as a page
    assert evidence.status_code == 200 and evidence.headers["content-type"] == "application/json"
    assert evidence.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r'attachment; filename="vigie-alert-[0-9a-f]{32}\.json"',
                        evidence.headers["content-disposition"]), evidence.headers["content-disposition"]
    # and it is the alert as the webhook sent it: its crawled text cleaned the same way
    sent = evidence.json()
    assert [t for t in _strings(sent) if _RAW_CONTROLS.search(t)] == [] and "&lt;" not in sent["thread_title"]
    assert sent["thread_title"].startswith("dump <script>"), sent["thread_title"]


def test_every_state_changing_route_refuses_a_session_without_its_csrf_token(web: tuple[WebEnv, str, str]) -> None:
    """Enumerated from the route tables (the API's and the pages'): a new route is covered without
    being listed. With the session cookie (what a page elsewhere makes the analyst's browser send)
    and no token, or the token sent from another site, every POST and DELETE is refused before it acts."""
    from fastapi.routing import APIRoute

    from tests.web_env import PASSWORD
    from vigie.web.api import router as api_router
    from vigie.web.pages import router as pages_router

    env, doc_id, alert_id = web
    token_id = next(t.id for t in env.data.web_db.tokens() if t.user == "nora")
    values = {"alert_id": alert_id, "doc_id": doc_id, "org_id": "org-a", "source": "darkforum", "name": "nora",
              "token_id": token_id, "hunt_id": "h"}
    login_routes = {"/login", "/api/v1/login", "/api/v1/session"}  # no session yet: their Origin is checked
    routes = [(m, r.path) for r in (*api_router.routes, *pages_router.routes) if isinstance(r, APIRoute)
              for m in sorted(r.methods or ()) if m not in ("GET", "HEAD")]
    assert len(routes) >= 25, routes  # the tables were read
    oper, csrf = _login(env, "oper")
    try:
        for method, path in routes:
            url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
            if path in login_routes:
                creds = {"username": "oper", "password": PASSWORD}
                elsewhere = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
                r = (oper.request(method, url, headers=elsewhere, json=creds) if path == "/api/v1/session"
                     else oper.request(method, url, headers=elsewhere, data=creds))
                assert r.status_code == 403, (method, path, r.status_code)
                continue
            for headers in ({}, {"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
                            {"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}):
                r = oper.request(method, url, data={"state": "resolved", "reason": "x"}, headers=headers)
                assert r.status_code == 403, (method, path, headers, r.status_code, r.text[:200])
        assert oper.get("/api/v1/session").status_code == 200  # the session itself was never ended
    finally:
        oper.close()
    assert env.data.web_db.token(token_id) is not None and not env.data.web_db.token(token_id).revoked  # type: ignore[union-attr]


# -- the CLI ---------------------------------------------------------------------------------------

def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """One record, one line: Rich wraps at the console's width, which it read once (80 here)."""
    from vigie.cli.common import console

    monkeypatch.setattr(console, "_width", 500)


def test_vigie_audit_show_prints_what_a_web_user_typed_as_text(web: tuple[WebEnv, str, str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An analyst of the web app with no right to reveal (no shell on the machine) asks to reveal a
    fragment whose id and reason carry terminal commands: the refusal is audited with both, and
    `vigie audit show` printed them to the operator's terminal raw (Rich's `escape` only escapes
    markup): the window title set, the rest of the line hidden, a line that reads as a record."""
    from typer.testing import CliRunner

    from vigie.cli import app

    env, _, _ = web
    forged = f"{TERMINAL}\n  99 2026-12-01T00:00:00 root: reveal x -> granted"
    r = httpx.post(env.url(f"/api/v1/fragments/{quote(TERMINAL, safe='')}/reveal"), json={"reason": forged},
                   headers={"Authorization": f"Bearer {env.tokens['nora']}"}, timeout=30)
    assert r.status_code == 403, r.text[:300]
    wide_console(monkeypatch)
    out = CliRunner().invoke(app, ["audit", "show", "--data-dir", str(env.root / "data")])
    assert out.exit_code == 0, out.output
    [line] = [ln for ln in out.output.splitlines() if "nora" in ln]
    assert "owned" in line and _RAW_CONTROLS.findall(out.output) == [], repr(out.output)
    assert "-> granted" in line and not any(ln.lstrip().startswith("99 ") for ln in out.output.splitlines())

