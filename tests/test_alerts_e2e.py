"""End to end on real parts: the organisation's CSV -> `vigie hash` -> `vigie org register` ->
a forum post carrying a dump is ingested (real detector, real embedded store) -> the delivery
worker (a real `vigie alerts deliver` process) -> the real SMTP server and webhook receiver.
Then: nothing Vigie wrote under its data directory holds a plaintext identifier or a pre-hash.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.identifiers import canonical_forms
from indexer.models import CrawledItem
from tests import cli_fork
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver
from vigie.wiring import build_matcher, open_store

pytestmark = pytest.mark.slow


def people(n: int, seed: int) -> list[dict[str, str]]:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    out = []
    while len(out) < n:
        p = {"nom": fake.last_name(), "prenom": fake.first_name(), "email": fake.unique.email(),
             "telephone": fake.unique.phone_number(), "nir": fake.unique.ssn()}
        if (canonical_forms("email", p["email"]) and canonical_forms("phone", p["telephone"])
                and canonical_forms("nir", p["nir"]) and "gmail" not in p["email"]):
            out.append(p)
    return out


def vigie(env: AlertsEnv, *args: str, log: str, cwd: Path | None = None, extra_env: dict[str, str] | None = None,
          ) -> subprocess.CompletedProcess[str]:
    logs = env.data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / log, "a") as fh:
        res = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "DEBUG", *args],
                           cwd=cwd, env=dict(os.environ, **(extra_env or {})), stdout=subprocess.PIPE,
                           stderr=fh, text=True, timeout=120)
    assert res.returncode == 0, (logs / log).read_text()
    return res


class World:
    """Synthetic people: the organisation's 20 (3 of them leak) and 50 strangers."""

    def __init__(self) -> None:
        everyone = people(70, seed=4242)
        self.org_people, self.strangers = everyone[:20], everyone[20:]
        ours = self.org_people[:3]
        # three leaked rows, each carrying exactly one of the organisation's identifiers
        s = self.strangers
        self.leak_rows = [
            {**s[0], "email": ours[0]["email"]},
            {**s[1], "telephone": ours[1]["telephone"]},
            {**s[2], "nir": ours[2]["nir"]},
        ]
        # 53 rows: the 3 leaked ones, then the 50 strangers' own rows
        self.dump_rows = self.leak_rows + s[:50]
        self.leaked = [("email", ours[0]["email"]), ("phone", ours[1]["telephone"]), ("nir", ours[2]["nir"])]

    def post(self) -> str:
        lines = ["Fresh dump from a clinic's patient database, 53 rows, enjoy", "",
                 "nom;prenom;email;telephone;nir;pathologie"]
        for i, r in enumerate(self.dump_rows):
            lines.append(";".join([r["nom"], r["prenom"], r["email"], r["telephone"], r["nir"],
                                   "diabète" if i % 2 else "VIH"]))
        return "\n".join(lines) + "\n"

    def plaintexts(self) -> set[str]:
        out: set[str] = set()
        for p in self.org_people + self.strangers:
            for t, key in (("email", "email"), ("phone", "telephone"), ("nir", "nir")):
                out.add(p[key])
                out.update(canonical_forms(t, p[key]))
        return out

    def write_org_csv(self, path: Path) -> None:
        with open(path, "w", newline="", encoding="cp1252") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["Nom", "Prénom", "Courriel", "Téléphone", "N° sécu"])
            for p in self.org_people:
                w.writerow([p["nom"], p["prenom"], p["email"], p["telephone"], p["nir"]])
            w.writerow(["Faux", "Patient", "pas-un-mail", "12", "1 99 99 99 999 999 00"])


def ingest(env: AlertsEnv, world: World, times: int = 1) -> int:
    from indexer.ingest import Ingestor

    rt = env.runtime()
    store = open_store(rt.config, rt.data_dir)
    matcher = build_matcher(rt.config, rt.data_dir)
    made: list[int] = []
    ingestor = Ingestor(store, rt.match_key, rt.data_key,
                        on_stored=lambda docs: made.append(matcher.on_fragments(docs)))
    try:
        for _ in range(times):  # a re-crawl hands the same documents again
            res = ingestor.ingest(CrawledItem(
                source="darkforum", url="http://darkforum.onion/t/881#p1", body=world.post(),
                thread_url="http://darkforum.onion/t/881", thread_title="[FR] clinique patients 2026",
                author="seller42", posted_at=datetime(2026, 11, 20, 21, 5, tzinfo=UTC)))
            assert res.fragments, "the detector found no fragment in the dump"
        store.flush()
    finally:
        store.close()
        matcher.outbox.close()
    return sum(made)


def hash_and_register(env: AlertsEnv, world: World, *register_args: str) -> str:
    org_machine = env.root / "org-machine"  # the organisation's side: outside Vigie's data dir
    org_machine.mkdir(exist_ok=True)
    world.write_org_csv(org_machine / "patients.csv")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    cli_fork.run([sys.executable, "-m", "vigie", "hash", "patients.csv", "-o", "prehashes.csv",
                    "--rejects", "rejects.csv", "-q"], cwd=org_machine, env=clean, check=True, timeout=60)
    lines = (org_machine / "prehashes.csv").read_text().splitlines()
    assert lines[0] == "type,prehash" and len(lines) == 1 + 60
    rejects = (org_machine / "rejects.csv").read_text().splitlines()
    assert [r.split(",")[:2] for r in rejects] == [["22", "email"], ["22", "phone"], ["22", "nir"]]
    res = vigie(env, "org", "register", env.org, str(org_machine / "prehashes.csv"), *register_args,
                "--config", str(env.config), "--data-dir", str(env.data), log="register.log")
    return res.stdout


def deliver_until_done(env: AlertsEnv, smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver) -> None:
    logs = env.data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "worker.log", "a") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "DEBUG", "alerts", "deliver",
                                 "--config", str(env.config), "--data-dir", str(env.data)],
                                stdout=fh, stderr=subprocess.STDOUT)
        try:
            smtp_sink.wait_for(1, timeout=30)
            webhook_receiver.wait_for(1, timeout=30)
            time.sleep(1.0)  # would a duplicate follow?
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)


def assert_one_alert_with_three_matches(smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver) -> None:
    assert len(smtp_sink.messages) == 1, smtp_sink.message_ids()
    [mail] = smtp_sink.messages
    assert mail["Subject"].startswith("[Vigie][CRITICAL] 3 of your identifiers")
    assert "1 email, 1 nir, 1 phone" in mail.get_body(("plain",)).get_content()
    # one alert, processed once (a slow loaded machine may make the sender retry: same key)
    assert len({r.headers["webhook-id"] for r in webhook_receiver.receipts}) == 1
    assert len(webhook_receiver.processed) == 1
    [body] = webhook_receiver.processed.values()
    alert = body["alert"]
    assert alert["matched"] == {"email": 1, "nir": 1, "phone": 1} and alert["matched_total"] == 3
    assert alert["severity"] == "critical" and "health" in alert["categories"]
    assert alert["author"] == "seller42" and alert["thread_title"] == "[FR] clinique patients 2026"
    assert "fragment_counts" not in alert  # other people's counts are not this organisation's business
    assert mail["Message-ID"] == f"<{alert['alert_id']}@alerts.vigie>"


def assert_no_plaintext_at_rest(env: AlertsEnv, world: World) -> None:
    needles = {s.encode() for s in world.plaintexts() if len(s) >= 6}
    prehashes = (env.root / "org-machine" / "prehashes.csv").read_text().splitlines()[1:]
    pre_hex = {line.split(",")[1] for line in prehashes}
    needles |= {h.encode() for h in pre_hex} | {bytes.fromhex(h) for h in pre_hex}
    org_side = (env.root / "org-machine" / "patients.csv").read_bytes() + \
        (env.root / "org-machine" / "prehashes.csv").read_bytes()
    assert sum(n in org_side for n in needles) >= 80  # the needles do find what exists
    files = [p for p in env.data.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in files) and any("sqlite" in p.name for p in files)
    hits = [(str(p.relative_to(env.data)), n[:12]) for p in files for n in needles if n in p.read_bytes()]
    assert hits == [], f"plaintext identifiers or pre-hashes found at rest: {hits[:10]}"


def test_end_to_end_hash_register_ingest_alert_once(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                    webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, webhook_timeout=10)
    world = World()
    out = hash_and_register(alerts_env, world)
    assert "60 new token(s)" in out
    show = vigie(alerts_env, "org", "show", alerts_env.org, "--json", "--config", str(alerts_env.config),
                 "--data-dir", str(alerts_env.data), log="cli.log")
    assert '"counts": {"email": 20, "nir": 20, "phone": 20}' in show.stdout
    assert ingest(alerts_env, world, times=2) == 1  # the second crawl of the same post: no new alert
    deliver_until_done(alerts_env, smtp_sink, webhook_receiver)
    assert_one_alert_with_three_matches(smtp_sink, webhook_receiver)
    assert_no_plaintext_at_rest(alerts_env, world)


def test_retro_hunt_ingest_first_register_later(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, webhook_timeout=10)
    world = World()
    assert ingest(alerts_env, world) == 0  # nobody registered yet
    out = hash_and_register(alerts_env, world)
    assert "retro-hunt: 1 stored fragment(s) hold these tokens, 1 new alert(s)" in out
    out = hash_and_register(alerts_env, world)  # same file again: idempotent, nothing new
    assert "0 new token(s)" in out and "retro-hunt:" not in out and "--hunt-all" in out
    deliver_until_done(alerts_env, smtp_sink, webhook_receiver)
    assert_one_alert_with_three_matches(smtp_sink, webhook_receiver)
    assert webhook_receiver.processed[next(iter(webhook_receiver.processed))]["alert"]["origin"] == "retrohunt"
    assert ingest(alerts_env, world) == 0  # seen again later: still one alert
    assert_no_plaintext_at_rest(alerts_env, world)


def test_an_interrupted_or_skipped_retro_hunt_can_be_finished(alerts_env: AlertsEnv, smtp_sink: SmtpSink,
                                                             webhook_receiver: WebhookReceiver) -> None:
    alerts_env.write(smtp_sink.port, webhook_receiver.url, webhook_receiver.secret, webhook_timeout=10)
    world = World()
    assert ingest(alerts_env, world) == 0
    prehashes = alerts_env.root / "org-machine" / "prehashes.csv"
    first = hash_and_register(alerts_env, world, "--no-retro-hunt")  # the hunt never ran
    assert "retro-hunt:" not in first
    again = vigie(alerts_env, "org", "register", alerts_env.org, str(prehashes), "--config", str(alerts_env.config),
                  "--data-dir", str(alerts_env.data), log="register.log").stdout
    assert "0 new token(s)" in again and "retro-hunt:" not in again
    done = vigie(alerts_env, "org", "register", alerts_env.org, str(prehashes), "--hunt-all", "--config",
                 str(alerts_env.config), "--data-dir", str(alerts_env.data), log="register.log").stdout
    assert "retro-hunt: 1 stored fragment(s) hold these tokens, 1 new alert(s)" in done
    twice = vigie(alerts_env, "org", "register", alerts_env.org, str(prehashes), "--hunt-all", "--config",
                  str(alerts_env.config), "--data-dir", str(alerts_env.data), log="register.log").stdout
    assert "0 new alert(s)" in twice
    deliver_until_done(alerts_env, smtp_sink, webhook_receiver)
    assert_one_alert_with_three_matches(smtp_sink, webhook_receiver)

