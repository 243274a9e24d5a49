"""The adversary's grep (issue 11 section 2), on real parts end to end.

Synthetic plaintext identifiers (emails, French and E.164 phones, NIRs with and without spaces,
an IBAN, a card number, a street address) are planted in post bodies, a thread title, a post
author, an attachment's file name and so its URL, on a real local forum. Two organisations each
register one person. A real `vigie crawl` (DEBUG log) ingests it, a real `vigie alerts deliver`
sends the alerts to a real SMTP server and webhook receiver, then `vigie search` and `vigie
status` run. Then every file under the data directory, and every delivered email and webhook
body, is searched for each value and its canonical forms: case-insensitive, in UTF-8 and UTF-16
(LE/BE), base64 (each alignment), URL-encoded and JSON-escaped. Zero hits. The one exception is
the `-o` file, plaintext by design: it must be 0600, hold the values (so the needles are known
to find what exists), and `vigie crawl` must have warned about it.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import yaml

from indexer.identifiers import canonical_forms
from tests import cli_fork
from tests.fixtures.forum import REPO, make_config, test_keys_env
from vigie_kit.forum import ForumServer
from vigie_kit.sinks import SmtpSink, WebhookReceiver

pytestmark = pytest.mark.slow

# Alpha's person, Beta's person, and a stranger nobody registered.
ALPHA = {"email": "jean.dupont@exemple.fr", "phone": "04 26 28 70 72", "nir": "1 73 11 75 123 456 78"}
BETA = {"email": "marie.curie@exemple.fr", "phone": "+33 6 12 34 56 78", "nir": "285057531234590"}
STRANGER = {"email": "paul.martin@exemple.fr", "phone": "+33612345670", "nir": "295117512345611",
            "iban": "FR7630006000011234567890189", "card": "4111 1111 1111 1111"}
STREETS = ("12 rue de la Paix", "3 bis avenue Victor Hugo", "221B Baker Street")


def _env() -> dict[str, str]:
    return {**os.environ, **test_keys_env}


def vigie(data: Path, *args: str, log: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """A real `python -m vigie` at DEBUG; its log (stderr) is kept under the data dir, as an
    operator's log would be."""
    (data / "logs").mkdir(parents=True, exist_ok=True)
    with open(data / "logs" / log, "a") as fh:
        res = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "DEBUG", *args], cwd=cwd, env=_env(),
                           stdout=subprocess.PIPE, stderr=fh, text=True, timeout=180)
    assert res.returncode == 0, (data / "logs" / log).read_text()
    return res


def needles(values: list[tuple[str, str]]) -> dict[bytes, str]:
    """Every byte string an adversary would grep for, mapped to what it stands for. Matching is
    done on lower-cased haystacks for everything but base64 (which is case-sensitive)."""
    out: dict[bytes, str] = {}
    for id_type, value in values:
        texts = {value, *canonical_forms(id_type, value)} if id_type != "address" else {value}
        texts |= {"".join(c for c in t if c.isdigit()) for t in texts if sum(c.isdigit() for c in t) >= 9}
        for text in texts:
            for form in {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1],
                         quote(text, safe=""), quote(text), quote_plus(text)}:
                for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                    out[form.lower().encode(enc)] = f"{id_type} {value!r} as {enc} {form!r}"
            for variant in {text, text.lower()}:
                raw = variant.encode()
                for shift in range(3):
                    b64 = base64.b64encode(b"\0" * shift + raw)
                    start = 4 if shift else 0
                    end = len(b64) - (4 if (shift + len(raw)) % 3 else 0)
                    for piece in (b64[start:end], base64.urlsafe_b64encode(b"\0" * shift + raw)[start:end]):
                        if len(piece) >= 8:
                            out[b"b64:" + piece] = f"{id_type} {value!r} in base64 (shift {shift})"
    return out


def grep(haystack: bytes, table: dict[bytes, str]) -> list[str]:
    low = haystack.lower()
    hits = []
    for needle, what in table.items():
        if needle.startswith(b"b64:"):
            if needle[4:] in haystack:
                hits.append(what)
        elif needle in low:
            hits.append(what)
    return hits


def planted() -> list[tuple[str, str]]:
    values = [(t, v) for person in (ALPHA, BETA, STRANGER) for t, v in person.items()]
    return values + [("address", s) for s in STREETS]


def seed_forum(forum: ForumServer) -> None:
    """The planted values: a thread title, a post author, a post body (a dump with addresses),
    an attachment named after a person (so its URL carries the email too), headerless."""
    data = forum.data
    board = data.boards[0]  # public
    title = f"Fuite clinique {ALPHA['email']} tel +33426287072 NIR 173117512345678 {STRANGER['iban']}"
    thread = data.add_thread(board.id, title)
    rows = ["nom;prenom;email;telephone;nir;iban;carte;adresse"]
    people = [("Dupont", "Jean", ALPHA, STREETS[0] + " 75002 Paris"),
              ("Curie", "Marie", BETA, STREETS[1] + " 69003 Lyon"),
              ("Martin", "Paul", STRANGER, STREETS[2] + " London")]
    for nom, prenom, p, street in people:
        rows.append(";".join([nom, prenom, p["email"], p["phone"], p["nir"], STRANGER["iban"], STRANGER["card"],
                              street]))
    for i in range(6):
        rows.append(f"Nom{i};Prenom{i};client{i}@exemple.net;06 11 22 33 {i:02d};;;;{i + 1} rue Lafayette")
    body = "Base patients, fraîche, servez-vous\n\n" + "\n".join(rows) + "\n\nContact: " + STRANGER["email"]
    post = data.new_post(thread, author=BETA["email"], body=body)
    headerless = "\n".join([
        f"Jean,Dupont,{STREETS[0]},75002,Paris,{ALPHA['phone']},{ALPHA['email']}",
        f"Paul,Martin,{STREETS[1]},69003,Lyon,{STRANGER['phone']},{STRANGER['email']}",
        *(f"Zoe{i},Roux,{i + 2} rue Lafayette,75009,Paris,06 98 76 54 {i:02d},zoe{i}@exemple.net" for i in range(5)),
    ]) + "\n"
    data.add_attachment(post.id, f"patients_{ALPHA['email']}_0426287072.csv", headerless.encode())


def write_config(root: Path, forum: ForumServer, smtp: SmtpSink, hooks: WebhookReceiver) -> Path:
    config = root / "config"
    (config / "organisations").mkdir(parents=True)
    (config / "vigie.yaml").write_text(yaml.safe_dump({
        "storage": {"backend": "embedded"},
        "alerts": {"smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none",
                            "from_address": "vigie@alerts.test", "timeout_seconds": 5},
                   "webhook": {"timeout_seconds": 10},
                   "delivery": {"max_attempts": 6, "backoff_initial_seconds": 0.2, "backoff_max_seconds": 1.0,
                                "poll_interval_seconds": 0.1}},
    }))
    for org in ("alpha", "beta"):
        (config / "organisations" / f"{org}.yaml").write_text(yaml.safe_dump({
            "id": org, "display_name": org.title(),
            "channels": {"email": {"to": [f"soc@{org}.test"]}, "webhook": {"url": hooks.url, "secret": hooks.secret}},
            "min_severity": "low",
            "policy": {"critical": "immediate", "high": "immediate", "medium": "immediate", "low": "immediate"},
        }))
    return make_config(config, forum.url)


def register(root: Path, config: Path, data: Path, org: str, person: dict[str, str]) -> None:
    side = root / f"{org}-machine"  # the organisation's own machine: outside Vigie's data dir
    side.mkdir()
    (side / "people.csv").write_text(f"Courriel;Téléphone;N° sécu\n{person['email']};{person['phone']};"
                                     f"{person['nir']}\n", encoding="utf-8")
    cli_fork.run([sys.executable, "-m", "vigie", "hash", "people.csv", "-o", "prehashes.csv", "-q"], cwd=side,
                 env={k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}, check=True, timeout=60)
    out = vigie(data, "org", "register", org, str(side / "prehashes.csv"), "--config", str(config),
                "--data-dir", str(data), log="register.log").stdout
    assert "3 new token(s)" in out, out


def deliver(config: Path, data: Path, smtp: SmtpSink, hooks: WebhookReceiver, emails: int) -> None:
    with open(data / "logs" / "worker.log", "a") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "DEBUG", "alerts", "deliver",
                                 "--config", str(config), "--data-dir", str(data)], cwd=REPO, env=_env(),
                                stdout=fh, stderr=subprocess.STDOUT)
        try:
            smtp.wait_for(emails, timeout=60)
            hooks.wait_for(emails, timeout=60)
            time.sleep(1.0)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)


def test_nothing_vigie_writes_or_sends_holds_a_planted_identifier(
        tmp_path: Path, smtp_sink: SmtpSink, webhook_receiver: WebhookReceiver) -> None:
    table = needles(planted())
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        seed_forum(forum)
        config = write_config(tmp_path, forum, smtp_sink, webhook_receiver)
        data = tmp_path / "data"
        register(tmp_path, config, data, "alpha", ALPHA)
        register(tmp_path, config, data, "beta", BETA)
        output = tmp_path / "out" / "items.jsonl"
        output.parent.mkdir()
        vigie(data, "crawl", "test-phpbb", "--config", str(config), "--data-dir", str(data), "-o", str(output),
              "--quiet", log="crawl.log")
    crawl_log = (data / "logs" / "crawl.log").read_text()
    assert crawl_log.count("PLAINTEXT") == 1 and str(output) in crawl_log
    assert output.stat().st_mode & 0o777 == 0o600
    # the needles find what exists: the -o file holds every planted value
    plain = output.read_bytes()
    found = {what.split(" as ")[0].split(" in ")[0] for what in grep(plain, table)}
    assert found == {f"{t} {v!r}" for t, v in planted()}, sorted({f"{t} {v!r}" for t, v in planted()} - found)

    # alpha: the dump post and the attachment; beta: the dump post
    deliver(config, data, smtp_sink, webhook_receiver, emails=3)
    to = sorted(str(m["To"]) for m in smtp_sink.messages)
    assert to == ["soc@alpha.test", "soc@alpha.test", "soc@beta.test"], to
    orgs = sorted(body["alert"]["organisation"] for body in webhook_receiver.processed.values())
    assert orgs == ["alpha", "alpha", "beta"]

    searched = vigie(data, "search", "fuite", "--json", "--config", str(config), "--data-dir", str(data),
                     log="cli.log").stdout
    assert searched.strip(), "the masked title is still searchable by its words"
    vigie(data, "search", "--identifier", f"email:{BETA['email']}", "--json", "--config", str(config),
          "--data-dir", str(data), log="cli.log")
    vigie(data, "status", "--config", str(config), "--data-dir", str(data), log="cli.log")

    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in files) and any(p.name.startswith("crawl-state") for p in files)
    hits = [f"{p.relative_to(data)}: {what}" for p in files for what in grep(p.read_bytes(), table)]
    for m in smtp_sink.messages:
        parts = [m.as_bytes()] + [str(part.get_content()).encode() for part in m.walk() if not part.is_multipart()]
        hits += [f"email to {m['To']}: {what}" for blob in parts for what in grep(blob, table)]
    for r in webhook_receiver.receipts:
        hits += [f"webhook: {what}" for what in grep(r.body, table)]
    hits += [f"vigie search output: {what}" for what in grep(searched.encode(), table)]
    assert hits == [], "planted identifiers found:\n" + "\n".join(sorted(set(hits))[:40])
