"""Logging is configured once (vigie.log): secrets never reach the output, whatever logs them."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from pathlib import Path

import pytest

from tests import cli_fork
from tests.fixtures.mail import AlertsEnv, SmtpSink, WebhookReceiver
from vigie.log import logger, register_secret, setup_logging

REPO = Path(__file__).resolve().parents[1]

SECRET = "s3cret-smtp-password-for-tests"


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_secrets_are_masked_in_messages_tracebacks_and_stdlib_records(as_json: bool) -> None:
    out = io.StringIO()
    setup_logging("INFO", json=as_json, sink=out)
    register_secret(SECRET)
    try:
        try:
            raise ConnectionError(f"535 auth failed for password {SECRET}")
        except ConnectionError:
            logger.exception("smtp login with {} failed", SECRET)
        logging.getLogger("scrapy.core.engine").error("stdlib record carrying %s", SECRET)
        text = out.getvalue()
        assert SECRET not in text
        assert text.count("***") >= 3  # message, exception text, stdlib record
        assert "ConnectionError" in text  # the traceback itself is kept
        if as_json:
            records = [json.loads(line) for line in text.splitlines()]
            assert [r["record"]["level"]["name"] for r in records] == ["ERROR", "ERROR"]
    finally:
        setup_logging("WARNING")


# A secret that changes spelling when escaped: quote, backslash, newline, non-ASCII.
NASTY = 'pa"ss\\wörd\nwith-€-and-"quotes"-9f3k'


def _spellings(value: str) -> list[str]:
    return [value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1]]


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_a_secret_with_quotes_backslashes_newlines_and_non_ascii_never_appears(as_json: bool) -> None:
    """With --log-json, masking the serialised line missed secrets whose JSON spelling differs."""
    out = io.StringIO()
    setup_logging("INFO", json=as_json, sink=out)
    register_secret(NASTY)
    try:
        try:
            raise PermissionError(f"login refused for {NASTY!r} / {NASTY}")
        except PermissionError:
            logger.exception("smtp login with {} failed", NASTY)
        logger.bind(password=NASTY, nested={"k": [NASTY]}).warning("bound extra, repr {!r}", NASTY)
        logging.getLogger("elastic_transport").error("stdlib %s", json.dumps({"password": NASTY}))
        text = out.getvalue()
        for form in _spellings(NASTY):
            assert form not in text, (form, text)
        assert "PermissionError" in text and text.count("***") >= 5
        if as_json:
            records = [json.loads(line) for line in text.splitlines()]
            assert len(records) == 3 and records[0]["record"]["exception"]["type"] == "PermissionError"
            assert records[1]["record"]["extra"]["password"] == "***"
    finally:
        setup_logging("WARNING")


def test_a_webhook_url_is_logged_as_scheme_and_host_only(alerts_env: AlertsEnv, webhook_receiver: WebhookReceiver,
                                                        smtp_sink: SmtpSink) -> None:
    """The real delivery worker, as `vigie --log-json alerts deliver --once`, against a receiver
    that answers 500: the failure is logged, but never the URL's path or query (a token)."""
    from alerts.registry import Registry
    from indexer.identifiers import canonical_forms
    from indexer.tokens import prehash
    from tests.fixtures.mail import make_fragment
    from vigie.wiring import build_matcher, registry_dir

    url = webhook_receiver.url + "/T0KEN-IN-PATH?token=QUERY-SECRET-42"
    alerts_env.write(smtp_sink.port, url, webhook_receiver.secret)
    ident = ("email", "camille.durand@hopital-exemple.fr")
    pre = alerts_env.root / "pre.csv"
    pre.write_text("type,prehash\n" + "".join(
        f"email,{prehash('email', form).hex()}\n" for form in canonical_forms(*ident)))
    rt = alerts_env.runtime()
    Registry(registry_dir(alerts_env.data)).register_prehash_file(alerts_env.org, pre, rt.match_key)
    assert build_matcher(rt.config, alerts_env.data).on_fragments([make_fragment(rt.match_key, [ident])]) == 1
    webhook_receiver.plan[:] = [500]
    run = cli_fork.run([sys.executable, "-m", "vigie", "--log-json", "--log-level", "DEBUG", "alerts", "deliver",
                          "--once", "--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)],
                       capture_output=True, text=True, cwd=REPO, timeout=120, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    assert any(r.status == 500 for r in webhook_receiver.receipts), "the webhook was attempted"
    records = [json.loads(line) for line in run.stderr.splitlines() if line.startswith("{")]
    failed = [r for r in records if "failed" in r["text"] and "webhook" in r["text"]]
    assert failed, run.stderr
    host = url.split("/hooks/")[0]
    assert any(host in r["text"] for r in failed), "scheme and host are kept"
    for leak in ("T0KEN-IN-PATH", "QUERY-SECRET-42", "/hooks/vigie"):
        assert leak not in run.stderr + run.stdout, leak


def test_scrapy_middleware_lines_do_not_carry_identifiers_from_urls() -> None:
    """Scrapy's retry/redirect/dupefilter lines print request URLs outside our log formatter."""
    import io
    import logging

    from vigie.log import setup_logging

    buf = io.StringIO()
    setup_logging("DEBUG", sink=buf)
    try:
        logging.getLogger("scrapy.downloadermiddlewares.retry").debug(
            "Retrying <GET http://abcdefgh.onion/u/jean.dupont@example.org?tel=0612345678> (failed 1 times)")
        logging.getLogger("scrapy.downloadermiddlewares.redirect").debug(
            "Redirecting (302) to <GET http://abcdefgh.onion/p/marie.curie@example.net> from <GET http://x.onion/a>")
    finally:
        setup_logging("INFO")
    out = buf.getvalue()
    assert "Retrying" in out and "Redirecting" in out and "abcdefgh.onion" in out
    for plain in ("jean.dupont@example.org", "0612345678", "marie.curie@example.net"):
        assert plain not in out
