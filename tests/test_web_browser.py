"""The four journeys of the web app in a real browser: Playwright driving Debian's chromium
(headless, `executable_path`, no downloaded browser) against a real uvicorn on 127.0.0.1, with the
real store, registry, matcher, outbox, audit log and web.sqlite3 behind it (tests/web_env.py).

1. An analyst logs in with TOTP, searches "séropositif", keeps the critical ones, opens the
   fragment and reveals it with a reason: the audit log holds the record.
2. An organisation member sees exactly its alerts, acknowledges one, uploads a pre-hash file made
   by the real `vigie hash` code; the retro-hunt finds a past fragment and the new alert appears.
3. An operator sees a source needing attention, asks for a crawl now (the request file appears)
   and retries a dead letter.
4. Organisation A opens organisation B's alert URL: 404, nothing of B shown.

Every page is checked for console errors and CSP violations. Screenshots go to the test's
artefacts directory; VIGIE_UPDATE_SCREENSHOTS=1 also copies the README's two to docs/screenshots/.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, sync_playwright

from indexer.models import StoredFragment
from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, WebEnv, web_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# org-a's patient who is in a past leak but was not registered before the upload
PAST_PATIENT = "claire.dubois@clinique-a.fr"
# records a CSP violation in the page (an init script is injected by the browser, not by the page)
CSP_PROBE = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)", allow_module_level=True)


def _fragment(env: WebEnv, n: int, rows: list[tuple[str, str, str]], title: str,
              severity: str | None = None) -> StoredFragment:
    """A stored document whose unmasked column (diagnostic) is searchable, built by the real
    detection types, redaction, tokens and document builder (as tests.fixtures.mail.make_fragment)."""
    from indexer.documents import build_documents
    from indexer.identifiers import canonical_forms
    from indexer.models import CrawledItem, Fragment, Identifier, SensitiveFlag, Severity
    from indexer.redact import mask_value, redact
    from indexer.severity import severity as severity_of
    from indexer.tokens import token

    lines = ["id;email;diagnostic"]
    idents: list[Identifier] = []
    masks: list[tuple[int, int, str]] = []
    offset = len(lines[0]) + 1
    for rid, email, diagnostic in rows:
        line = f"{rid};{email};{diagnostic}"
        start = offset + len(rid) + 1
        for form in canonical_forms("email", email):
            idents.append(Identifier("email", form, token(env.match_key, "email", form), env.match_key.version,
                                     start, start + len(email)))
            masks.append((start, start + len(email), mask_value("email", form)))
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    flags = [SensitiveFlag(category="health", evidence="séropositif")]
    fragment = Fragment(kind="csv", start_line=1, end_line=len(lines), text=text, identifiers=idents,
                        sensitive=flags, excerpt=redact(text, masks),
                        severity=Severity.parse(severity) if severity else severity_of(idents, flags))
    item = CrawledItem(source="darkforum", url=f"http://forum.onion/t/{100 + n}#p1", body=text,
                       thread_url=f"http://forum.onion/t/{100 + n}", thread_title=title, author="seller42",
                       posted_at=datetime(2026, 10, 20 + n, 9, 30, tzinfo=UTC),
                       fetched_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    (doc,) = build_documents(item, [fragment], env.data_key)
    return doc


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-browser"), receiver.url, receiver.secret) as e:
            e.receiver = receiver
            docs = [_fragment(e, 1, [("1", "marc.roy@example.org", "séropositif VIH, suivi trimestriel"),
                                     ("2", PAST_PATIENT, "diabète type 2")], "patients infectiologie",
                              severity="critical"),
                    _fragment(e, 2, [("3", "lea.blanc@example.org", "séropositif, non traité")],
                              "old clinic export", severity="high")]
            e.data.store.upsert(docs)
            e.data.store.flush()
            yield e
    finally:
        receiver.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """`launch` gives chromium a fresh temporary user-data-dir of its own, removed at close."""
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-screenshots")


class Watched:
    """A page in a fresh context, with its console errors and CSP violations collected."""

    def __init__(self, browser: Browser, env: WebEnv, artefacts: Path, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=env.base_url,
                                           locale="en-GB", timezone_id="Europe/Paris")
        self.context.add_init_script(CSP_PROBE)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
        self.artefacts = artefacts
        self.name = name

    def shot(self, label: str) -> Path:
        path = self.artefacts / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def follow(self, target: Locator) -> None:
        """Click a link or a form's button and wait for the page it loads.

        `wait_for_load_state()` after a click returns at once while the old page is still loaded,
        so a read after it may see the old page or, mid-navigation, an empty document (CI, wave 19:
        the Outbox link's page read as ''). `expect_navigation` waits for the new one.
        """
        with self.page.expect_navigation():
            target.click()

    def check_clean(self, expected_404: str | None = None) -> None:
        """No CSP violation, no console error, no failed request (but the one 404 a test asked for)."""
        violations = self.page.evaluate("window.__csp")
        assert violations == [], f"CSP violations: {violations}"
        errors = self.errors
        if expected_404:
            errors = [e for e in errors if not (e.endswith(expected_404) or "status of 404" in e)]
            assert len(errors) < len(self.errors), "the expected 404 was not seen"
        assert errors == [], f"console errors or failed requests: {errors}"

    def login(self, user: str, totp: str = "") -> None:
        self.page.goto("/login")
        self.page.get_by_label("User name").fill(user)
        self.page.get_by_label("Password").fill(PASSWORD)
        if totp:
            self.page.get_by_label("TOTP code").fill(totp)
        self.follow(self.page.get_by_role("button", name="Log in"))
        assert not self.page.url.endswith("/login"), self.page.locator("main").inner_text()

    def close(self) -> None:
        self.context.close()


def _publish(path: Path, name: str) -> None:
    if os.environ.get("VIGIE_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / name)


def test_analyst_searches_filters_opens_and_reveals(env: WebEnv, browser: Browser, artefacts: Path) -> None:
    w = Watched(browser, env, artefacts, "analyst")
    page = w.page
    w.login("ana", env.totp_now("ana"))
    assert page.url.endswith("/search")
    page.get_by_label("Words in the redacted text, title or author").fill("séropositif")
    w.follow(page.get_by_role("button", name="Search", exact=True))
    assert page.get_by_role("status").first.inner_text().startswith("2 fragments")
    page.get_by_label("critical").check()
    w.follow(page.get_by_role("button", name="Search", exact=True))
    assert page.get_by_role("status").first.inner_text().startswith("1 fragment")
    # times are shown in the viewer's zone (Europe/Paris), UTC on hover
    stamp = page.locator("time").first
    assert stamp.get_attribute("datetime") == "2026-10-21T09:30:00Z"
    assert stamp.get_attribute("title") == "UTC 2026-10-21 09:30 UTC" and "11:30" in stamp.inner_text()
    _publish(w.shot("search"), "analyst-search.png")
    w.follow(page.get_by_role("link", name="patients infectiologie"))
    assert "séropositif" in page.locator("pre.excerpt").inner_text()
    assert "marc.roy@example.org" not in page.content()
    page.get_by_label("Reason (kept in the audit log)").fill("ticket SOC-1234: confirm the leak is genuine")
    w.follow(page.get_by_role("button", name="Reveal"))
    assert "marc.roy@example.org" in page.locator("pre.revealed").inner_text()
    w.shot("reveal")
    records = [json.loads(line) for line in (env.root / "data" / "audit.log").read_text().splitlines()]
    reveals = [r for r in records if "ticket SOC-1234" in json.dumps(r, ensure_ascii=False)]
    assert reveals and "web:ana" in json.dumps(reveals[-1])
    w.check_clean()
    w.close()


def test_org_member_triages_uploads_and_sees_the_retro_hunt_alert(env: WebEnv, browser: Browser,
                                                                  artefacts: Path) -> None:
    from alerts.hashing import hash_file

    w = Watched(browser, env, artefacts, "org")
    page = w.page
    w.login("member-org-a")
    assert page.url.endswith("/alerts")
    links = page.locator("ol.alerts a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert links == [f"/alerts/{env.alert_ids['org-a']}"]
    w.follow(page.locator("ol.alerts a").first)
    page.get_by_label("State").select_option("acknowledged")
    page.get_by_label("Note").fill("DPO informed, assessing")
    w.follow(page.get_by_role("button", name="Save"))
    assert page.locator("h1 .badge.state-acknowledged").count() == 1
    assert "DPO informed, assessing" in page.locator("ol.history").inner_text()
    assert page.get_by_role("heading", name="What to do now").is_visible()
    w.shot("alert")
    # the clinic hashes its patients on its side with the real `vigie hash` code
    patients = env.root / "patients.csv"
    patients.write_text(f"email\n{PAST_PATIENT}\nnobody.here@clinique-a.fr\n", encoding="utf-8")
    prehashes = env.root / "prehashes.csv"
    out = io.StringIO()
    out.write("type,prehash\n")
    hash_file(patients, out)
    prehashes.write_text(out.getvalue(), encoding="ascii")
    w.follow(page.get_by_role("link", name="Organisation & uploads"))
    page.get_by_label("Pre-hash file").set_input_files(str(prehashes))
    page.get_by_role("button", name="Upload and retro-hunt").click()
    page.get_by_text("Retro-hunt finished").wait_for(timeout=30_000)
    assert "1 past fragment(s) found, 1 new alert(s)" in page.locator(".hunt").inner_text()
    w.shot("retro-hunt")
    w.follow(page.get_by_role("link", name="See the new alerts"))
    assert page.locator("ol.alerts li.alert-item").count() == 2
    assert "retrohunt" in page.locator("ol.alerts li.alert-item").first.inner_text()
    _publish(w.shot("alerts"), "org-alerts.png")
    w.check_clean()
    w.close()


def test_operator_crawls_now_and_retries_a_dead_letter(env: WebEnv, browser: Browser,
                                                       artefacts: Path) -> None:
    # a delivery that exhausted its retries: the outbox's own dead-letter step, as the worker does it
    (row,) = env.data.outbox.db.execute("SELECT id FROM deliveries WHERE org='org-b' AND status='pending'").fetchall()
    env.data.outbox.dead_letter([row[0]], "HTTP 503 from the receiver")
    w = Watched(browser, env, artefacts, "operator")
    page = w.page
    w.login("oper")
    card = page.locator("#source-darkforum")
    assert "needs attention" in card.inner_text().lower() and "never ran" in card.inner_text()
    w.follow(card.get_by_role("button", name="Crawl now"))
    assert (env.root / "data" / "requests" / "crawl-darkforum.json").exists()
    assert "Request pending: crawl" in page.locator("#source-darkforum").inner_text()
    w.shot("sources")
    w.follow(page.get_by_role("link", name="Outbox"))
    assert "HTTP 503 from the receiver" in page.content()
    w.follow(page.get_by_role("button", name="Retry"))
    assert page.get_by_text("No dead letter").is_visible()
    status = env.data.outbox.db.execute("SELECT status FROM deliveries WHERE id=?", (row[0],)).fetchone()[0]
    assert status == "pending"
    w.shot("outbox")
    w.check_clean()
    w.close()


def test_org_a_gets_404_for_org_b_alert(env: WebEnv, browser: Browser, artefacts: Path) -> None:
    w = Watched(browser, env, artefacts, "scoping")
    w.login("member-org-a")
    response = w.page.goto(f"/alerts/{env.alert_ids['org-b']}")
    assert response is not None and response.status == 404
    html = w.page.content()
    assert "Not found" in html and not re.search(r"org-b|ORG-B|hopital-b", html)
    w.shot("404")
    w.check_clean(expected_404=f"/alerts/{env.alert_ids['org-b']}")
    w.close()
