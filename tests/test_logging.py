"""Logging is configured once (vigie.log): secrets never reach the output, whatever logs them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from vigie.log import logger, register_secret, setup_logging

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
