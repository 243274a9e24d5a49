"""Attacker's review of the outputs: each test is text a crawled site (or a dump's author) chose,
reaching an output that interprets it, and failed on the code before its fix.

- An alert e-mail's plain-text part: a thread title with line breaks wrote rows of its own
  (`  Severity: LOW`, `  URL: <the attacker's page>`) among the real ones, and its ESC sequences
  and bidirectional overrides went out raw (alerts.channels.render, vigie.core.text.one_line).
- The threat-intel timeline (STIX Note, MISP annotation): a title's line break forged a row (a
  copy on another site, another record count), its `|` a column, and `![x](http://...)` an image
  that a reader rendering the note as Markdown fetches from the analyst's browser (md_escape).
- Human log lines: a crawled name's colour sequence was kept (the sink kept every SGR, loguru's
  and the message's alike: ESC [ 8 m hid the rest of the line), and a line break in it started a
  line that reads as a log line of its own.
- `--json` on a terminal: JSON escapes only C0 controls; a victim name's C1 CSI (U+009B) and
  bidirectional override reached the terminal raw (json_text writes them as \\uXXXX).
- `vigie scan` of an archive: a member's name was printed with its ESC sequences, and quoted
  with Rich markup on (`[link=...]` made a hyperlink) when the archive could not be read.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from indexer.leaks.models import Leak, LeakAppearance
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver, make_fragment
from tests.test_alerts_delivery import OURS, all_sent, drain, register
from vigie.cli import app
from vigie.intel.misp import build_misp_event
from vigie.intel.model import LeakExport
from vigie.intel.stix import build_stix_bundle
from vigie.wiring import build_delivery_worker, build_matcher

# what a hostile site writes in a title, an author or a file name: a forged row after a line
# break, a terminal's commands (window title, hide the rest), a right-to-left override, markup
FORGED = "  Severity: LOW\n  URL: http://phish.example/login"
TERMINAL = "\x1b]0;owned\x07\x1b[8mhidden \u202egpj.exe \x9b2J"
HOSTILE = f"Fuite clinique\n{FORGED}\n{TERMINAL}"


def _raw_controls(text: str) -> list[str]:
    return re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


# -- e-mail alerts ------------------------------------------------------------------------------

def test_an_alert_email_has_one_row_per_field_whatever_a_title_holds(alerts_env: AlertsEnv,
                                                                     smtp_sink: SmtpSink) -> None:
    register(alerts_env, OURS)
    rt = alerts_env.runtime()
    matcher = build_matcher(rt.config, alerts_env.data)
    doc = make_fragment(rt.match_key, OURS)
    doc.provenance = replace(doc.provenance, thread_title=HOSTILE, author=f"eve\n{FORGED}", board=TERMINAL)
    assert matcher.on_fragments([doc]) == 1
    drain(build_delivery_worker(rt.config, alerts_env.data), lambda: all_sent(matcher.outbox))
    [mail] = smtp_sink.wait_for(1)
    text_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = (part.get_content().replace("\r\n", "\n") for part in (text_part, html_part))  # SMTP's line ends
    rows = [ln.strip().split(":", 1)[0] for ln in text.splitlines()
            if ln.startswith("  ") and not ln.startswith("    ")]
    assert rows.count("Severity") == 1 and rows.count("URL") == 1, text
    assert "Severity: CRITICAL" in text and "Thread: Fuite clinique   Severity: LOW" in text  # shown, on its row
    assert _raw_controls(text) == [] and _raw_controls(html) == [], (text, html)
    assert "\u202e" not in str(mail["Subject"])


# -- threat-intel exports -----------------------------------------------------------------------

T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)
PIXEL = "http://tracker.example/p.png"
TITLE = (f"Base patients\n2026-03-02T00:00:00+00:00 | ransom-blog | http://other.example/ | copy | 999999 records"
         f" ![x]({PIXEL}) [open](http://phish.example/login) <img src={PIXEL}> | {TERMINAL}")


def _leak() -> Leak:
    apps = (LeakAppearance("f1", "darkforum", "http://forum.onion/t/12", TITLE, T0, T0, 1200),
            LeakAppearance("f2", "pastesite", "http://paste.onion/p/3", "repost", None, T0, 60))
    return Leak(id="lk_0123456789abcdef", first_seen=T0, first_source="darkforum", appearances=apps,
                record_count=1200, identifier_types={"email": 1150}, categories=(), largest_fragment_id="f1",
                largest_record_count=1200)


def _rendered_has_no_fetch_or_link(content: str) -> None:
    # what a reader rendering notes as Markdown shows (bare URLs it may linkify are not ours to stop)
    page = MarkdownIt("commonmark").enable("table").render(content)
    assert "<img" not in page and "<a " not in page, page


def test_the_intel_timeline_keeps_one_row_per_copy_and_no_markdown_from_a_title() -> None:
    x = LeakExport(leak=_leak())
    notes = {o["abstract"]: o["content"] for o in json.loads(build_stix_bundle(x).serialize())["objects"]
             if o["type"] == "note"}
    [timeline] = [c for a, c in notes.items() if a.startswith("Timeline")]
    misp = [o.get_attributes_by_relation("text")[0].value
            for o in build_misp_event(x).get_objects_by_name("annotation")]
    assert timeline in misp
    lines = timeline.splitlines()
    assert len(lines) == 2, timeline  # one row per copy: the title's line break made a third
    assert [len(re.findall(r"(?<!\\) \| ", ln)) for ln in lines] == [4, 4], lines  # 5 columns each
    assert "Base patients" in lines[0] and lines[0].endswith("| 1200 records")
    assert _raw_controls(timeline) == [], timeline
    _rendered_has_no_fetch_or_link(timeline)


# -- logs -----------------------------------------------------------------------------------------

def test_a_log_message_cannot_forge_a_line_or_colour_the_terminal() -> None:
    from vigie.log import logger, setup_logging

    out = io.StringIO()
    setup_logging("INFO", sink=out)
    try:
        logger.warning("attachment {} refused", "dump.csv\x1b[8m\n12:00:00 ERROR   vigie.alerts all alerts sent {x}")
    finally:
        setup_logging("WARNING")
    text = out.getvalue()
    assert "\x1b" not in text, repr(text)
    # every line a log line writes at the margin starts with its time; a continuation is indented
    assert all(re.match(r"\d\d:\d\d:\d\d (WARNING|ERROR)", ln) or ln.startswith("    ")
               for ln in text.splitlines()), text
    assert text.count("\n12:00:00") == 0 and "all alerts sent {x}" in text


def test_an_exception_text_cannot_forge_a_line_or_colour_the_terminal() -> None:
    """The traceback quotes the exception's text (an attachment error names the archive member):
    its SGR sequences were kept and its line breaks started lines of their own."""
    from vigie.log import logger, setup_logging

    out = io.StringIO()
    setup_logging("INFO", sink=out)
    try:
        try:
            raise ValueError("x.zip/rows.csv\x1b[8m: not a valid zip file\n12:00:00 INFO    vigie.alerts all sent")
        except ValueError:
            logger.exception("attachment unreadable")
    finally:
        setup_logging("WARNING")
    text = out.getvalue()
    assert "\x1b" not in text and "ValueError: x.zip/rows.csv?[8m" in text, repr(text)
    assert "\n12:00:00" not in text and "\n    12:00:00 INFO    vigie.alerts all sent" in text, text


# -- JSON on a terminal -------------------------------------------------------------------------

def test_json_output_carries_no_raw_c1_control_or_bidi_override(tmp_path: Path) -> None:
    from indexer.models import VictimRecord
    from vigie import wiring
    from vigie.config.loader import load_config

    config = tmp_path / "config"
    config.mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    data = tmp_path / "data"
    name = f"Clinique {TERMINAL}"
    with wiring.open_victim_index(load_config(config), data, alerts=False) as sinks:
        sinks.victims.upsert(VictimRecord(source="lockbit", url="http://leak.onion/", name=name, domain="acme.example"))
    out = CliRunner().invoke(app, ["victims", "--json", "--config", str(config), "--data-dir", str(data)])
    assert out.exit_code == 0, out.output
    assert _raw_controls(out.stdout) == [], repr(out.stdout)
    assert json.loads(out.stdout)["name"] == " ".join(name.split())  # the same string for a JSON reader


def test_json_text_is_json_with_the_same_values() -> None:
    from vigie.core.text import json_text

    value = {"a": f"x{TERMINAL}\u2028\u2066y", "b": ["é", "\x7f", 1]}
    text = json_text(value, sort_keys=True)
    assert json.loads(text) == value and _raw_controls(text) == [] and "\u2028" not in text and "é" in text


# -- vigie scan of an archive -----------------------------------------------------------------------

MEMBER = "rows\x1b]8;;http://phish.example/\x07click\x1b]8;;\x07\x1b[2J[link=http://phish.example/]x[/link].txt"


def _zip(member: str, data: bytes, *, encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, data)
    raw = bytearray(buf.getvalue())
    if encrypted:  # the "encrypted" flag bit, in the local header and the central directory
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(sig) + off
            struct.pack_into("<H", raw, at, struct.unpack_from("<H", raw, at)[0] | 1)
    return bytes(raw)


@pytest.mark.parametrize("encrypted", [False, True], ids=["listed", "refused"])
def test_vigie_scan_prints_an_archive_members_name_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           encrypted: bool) -> None:
    from tests.fixtures.mail import MATCH_KEY_HEX

    monkeypatch.setenv("VIGIE_MATCH_KEY", "1:" + MATCH_KEY_HEX)
    config = tmp_path / "config"
    config.mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    archive = tmp_path / "leak.zip"
    archive.write_bytes(_zip(MEMBER, b"nothing to see here\n", encrypted=encrypted))
    from vigie.cli import common
    monkeypatch.setattr(common.console, "_width", 250)
    monkeypatch.setattr(common.err_console, "_width", 250)
    out = CliRunner().invoke(app, ["scan", str(archive), "--config", str(config), "--data-dir", str(tmp_path / "d")])
    assert out.exit_code == (1 if encrypted else 0), out.output
    assert "\x1b" not in out.output and "\x07" not in out.output, repr(out.output)
    # the name, as text (its empty path part, the "//", is dropped like any member path's since
    # crawler.rar.member_label labels zip members too: wave 23)
    assert "[link=http:/phish.example/]x[/link]" in out.output


# -- operator notices -------------------------------------------------------------------------------

def test_an_operator_notice_quoting_a_line_break_still_goes_out_on_one_line(tmp_path: Path, smtp_sink: SmtpSink,
                                                                           webhook_receiver: WebhookReceiver) -> None:
    """Hardening (no crawled path to it was found): a condition's message is free text, and one
    holding a line break made the e-mail's Subject refuse it (ValueError out of `flush`, every
    check, no notice ever sent), and wrote rows of its own into the body."""
    from alerts.operator import OperatorNotifier
    from tests.test_operator_channel import _settings

    ops = OperatorNotifier(tmp_path / "service.sqlite3", _settings(smtp_sink, webhook_receiver))
    try:
        assert ops.raise_("source:x:attention", f"source x needs attention: login refused\n- {TERMINAL}")
        assert ops.flush() == 1
    finally:
        ops.close()
    [mail] = smtp_sink.wait_for(1)
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert [ln for ln in text.splitlines() if ln.startswith("- ")] == [text.splitlines()[1]], text
    assert _raw_controls(text + str(mail["Subject"])) == [], text


# -- the web app ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_web_pages_show_a_hostile_title_without_its_controls(tmp_path: Path) -> None:
    """Autoescape makes a title's `<script>` text, but left its bidirectional override (an
    attachment `\\u202egpj.exe` read as `exe.jpg` in the analyst's browser) and its control
    characters in the search results and the fragment page."""
    import httpx

    from tests.web_env import PASSWORD, PEOPLE, web_env

    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path, receiver.url, receiver.secret) as env:
            doc = make_fragment(env.match_key, PEOPLE["org-a"], n=7, data_key=env.data_key)
            doc.provenance = replace(doc.provenance, thread_title=f"dump <b>x</b> {TERMINAL}", author=TERMINAL,
                                     filename="patients\u202eslx.exe")
            env.data.store.upsert([doc])
            env.data.store.flush()
            with httpx.Client(base_url=env.base_url, timeout=30, follow_redirects=False) as client:
                r = client.post("/login", data={"username": "nora", "password": PASSWORD, "totp": ""})
                assert r.status_code == 303, r.text[:300]
                pages = [client.get("/search"), client.get(f"/fragments/{doc.id}")]
    finally:
        receiver.stop()
    for page in pages:
        assert page.status_code == 200, page.text[:300]
        assert "dump &lt;b&gt;x&lt;/b&gt;" in page.text  # the title, as text
        assert _raw_controls(page.text) == [], [c for c in _raw_controls(page.text)]
