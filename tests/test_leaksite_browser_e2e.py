"""End to end through the browser: the JavaScript leak site (vigie_kit.leaksite, its victim list
built client-side from JSON, behind a captcha wall) published as an onion service on the private
Tor network, crawled by a real `vigie crawl` of a `leaksite` source with `render: browser` and a
cookie jar handed over with `vigie source cookies`. A victim whose name is on an organisation's
watchlist gets exactly one alert, by email and by webhook (real SMTP and webhook receivers); a
re-crawl raises none; its status flipping announced -> published in the site's JSON raises one
update.

The server-rendered variant of the same flow is tests/test_victims_e2e.py."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from alerts.outbox import Outbox
from tests import cli_fork
from tests.fixtures.forum import REPO, CrawlRun, crawl, test_keys_env
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver
from tests.test_victims_e2e import _deliver
from vigie_kit.leaksite import WALL_TEXT, LeakSite, Victim, make_victims
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor, pytest.mark.slow]

SOURCE = "lockleak-js"
WATCHED = Victim(id=100, name="CLINIQUE BORÉAL SANTÉ S.A.S.", domain="www.clinique-boreal-sante.fr", country="FR",
                 sector="healthcare", announced="2026-11-20", status="announced", deadline="2026-12-01")


@pytest.fixture
def walled_site(tor_network: PrivateTorNetwork) -> Iterator[tuple[LeakSite, str]]:
    # near-misses first ("Clinique Santé 0", "Boréal ..."), the watched victim on page 2: pagination matters
    victims = [*make_victims(5), WATCHED]
    with LeakSite(victims=victims, per_page=4, wall=True) as site:
        yield site, tor_network.add_onion_service(site.address[1])


def _source(config: Path, onion: str) -> None:
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / f"{SOURCE}.yaml").write_text(yaml.safe_dump({
        "name": SOURCE, "kind": "leaksite", "network": "tor", "render": "browser", "start_urls": [f"http://{onion}/"],
        "schedule": {"interval": "1h"}, "limits": {"delay_seconds": 0, "timeout_seconds": 90},
        "wall": {"text": WALL_TEXT},
        "leaksite": {"rows": "article.victim", "name": "h2.name", "domain": "a.website::attr(href)",
                     "country": ".country", "sector": ".sector",
                     "announced": {"selector": "time.announced::attr(datetime)"},
                     "deadline": {"selector": ".countdown::attr(data-deadline)"}, "status": ".status",
                     "file_links": "a.files::attr(href)", "next_page": "a.next::attr(href)"},
    }, allow_unicode=True), encoding="utf-8")


def _crawl(env: AlertsEnv, net: PrivateTorNetwork) -> CrawlRun:
    run = crawl(env.config, env.data, SOURCE, extra=["--tor-socks", f"127.0.0.1:{net.socks_port}"], timeout=240)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


def _alert_count(env: AlertsEnv) -> int:
    outbox = Outbox(env.data / "alerts.sqlite3")
    try:
        return len(outbox.list_alerts(org=env.org))
    finally:
        outbox.close()


def test_js_leak_site_over_tor_alerts_once_then_update(walled_site: tuple[LeakSite, str],
                                                       tor_network: PrivateTorNetwork, alerts_env: AlertsEnv,
                                                       smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver,
                                                       tmp_path: Path) -> None:
    site, onion = walled_site
    env = alerts_env
    org_file = env.config / "organisations" / f"{env.org}.yaml"
    org = yaml.safe_load(org_file.read_text())
    org["watchlist"] = {"names": ["Clinique Boréal Santé"], "domains": ["clinique-boreal-sante.fr"]}
    org_file.write_text(yaml.safe_dump(org, allow_unicode=True))
    _source(env.config, onion)

    # no jar yet: the crawl stops at the first wall page, asks for attention, reads no victim
    del site.requests[:]  # add_onion_service's reachability probe met the wall: not the crawl's
    walled = _crawl(env, tor_network)
    assert walled.summary["needs_attention"] and "session expired" in walled.summary["attention_reason"], (
        walled.summary, site.requests, walled.stderr[-3000:])
    assert site.requests == [("/", True)] and _alert_count(env) == 0  # never hammered, nothing raised

    # the captcha solved by hand in Tor Browser: its session cookie, handed over by the real CLI
    # (sealed with the data key `crawl()` runs with)
    name, value = site.session_cookie
    exported = tmp_path / "cookies.txt"
    exported.write_text(f"# Netscape HTTP Cookie File\n{onion}\tFALSE\t/\tFALSE\t{int(time.time()) + 86400}"
                        f"\t{name}\t{value}\n")
    stored = cli_fork.run([sys.executable, "-m", "vigie", "source", "cookies", SOURCE, str(exported),
                             "--config", str(env.config), "--data-dir", str(env.data)],
                          capture_output=True, text=True, timeout=60, cwd=REPO, env={**os.environ, **test_keys_env})
    assert stored.returncode == 0, stored.stdout + stored.stderr

    del site.requests[:]
    started = time.monotonic()
    _crawl(env, tor_network)
    first_crawl = time.monotonic() - started
    assert site.walls_served() == 0, site.requests  # page, script and JSON all carried the jar's cookie
    assert [p for p, _ in site.requests if p != "/favicon.ico"] == ["/", "/app.js", "/api/victims"] * 2
    _deliver(env, smtp_sink, webhook_receiver, 1)
    (mail,) = smtp_sink.messages
    assert WATCHED.name in mail["Subject"] and "named on a leak site" in mail["Subject"]
    (alert,) = [a["alert"] for a in webhook_receiver.processed.values()]
    assert all(r.verified for r in webhook_receiver.receipts)
    assert alert["watch_kind"] == "victim" and alert["status"] == "announced" and alert["source"] == SOURCE
    assert str(alert["deadline_at"]).startswith("2026-12-01")

    _crawl(env, tor_network)  # nothing changed: no alert
    assert _alert_count(env) == 1

    i = site.victims.index(WATCHED)
    site.victims[i] = replace(WATCHED, status="published", deadline=None)
    _crawl(env, tor_network)
    assert _alert_count(env) == 2
    smtp_sink.clear()
    webhook_receiver.clear()
    _deliver(env, smtp_sink, webhook_receiver, 1)
    (update,) = [a["alert"] for a in webhook_receiver.processed.values()]
    assert update["alert_kind"] == "update" and update["status"] == "published"
    assert len(smtp_sink.messages) == 1
    assert site.walls_served() == 0 and len(site.requests) >= 18  # three crawls, two pages each
    print(f"\n[leaksite browser e2e] first crawl (browser start + 2 pages through Tor) {first_crawl:.1f}s")
