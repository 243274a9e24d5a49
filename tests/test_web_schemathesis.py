"""The API against its own OpenAPI document (schemathesis), over real HTTP to uvicorn: generated
requests as an analyst and as an organisation member never get a 5xx, and every response
matches the schema (status codes, content types, bodies). Bounded: a few examples per operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import WebEnv, web_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-st"), receiver.url, receiver.secret) as e:
            yield e
    finally:
        receiver.stop()


_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("user", ["ana", "member-org-a"])
def test_api_conforms_to_its_schema(env: WebEnv, user: str) -> None:
    """Every operation of the document, a few generated cases each, as an analyst and as an
    organisation member (tokens: no login, so no lockout; the login route is covered by
    test_web_auth and excluded here for that reason)."""
    schema = schemathesis.openapi.from_url(env.url("/api/v1/openapi.json"))
    headers = {"Authorization": f"Bearer {env.tokens[user]}"}
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 25
    tried = 0
    for op in operations:
        if (op.method.upper(), op.path) == ("POST", "/api/v1/session"):
            continue

        @given(case=op.as_strategy())
        @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=_CHECKS)

        check()
        tried += 1
    assert tried == len(operations) - 1
