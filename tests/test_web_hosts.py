"""DNS rebinding (vigie.web.hosts, vigie.service.metrics), over real HTTP against real servers on 127.0.0.1.

A page on another site that points its own name at 127.0.0.1 makes the analyst's browser send
requests to the app with that name in `Host`. Before, the app answered them like any other (the
login, the pages that need no session, the OpenAPI document): the page could read them. Now a
name outside `web.allowed_hosts` gets a 400 before any route runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, WebEnv, serve, web_env
from vigie.core.hosts import host_name
from vigie.service.metrics import ServiceMetrics
from vigie_kit.ports import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-hosts"), receiver.url, receiver.secret) as e:
            yield e
    finally:
        receiver.stop()


def _port(env: WebEnv) -> str:
    return env.base_url.rsplit(":", 1)[1]


@pytest.mark.parametrize("host", ["rebind.example", "rebind.example:{port}", "127.0.0.1.rebind.example:{port}",
                                  "127.0.0.1:{port}@rebind.example", "", "localhost:notaport"])
def test_a_foreign_host_name_is_refused_before_any_route(env: WebEnv, host: str) -> None:
    header = host.format(port=_port(env))
    for method, path, body in (("GET", "/api/v1/openapi.json", None), ("GET", "/login", None),
                               ("POST", "/api/v1/session", {"username": "oper", "password": PASSWORD})):
        r = httpx.request(method, env.url(path), headers={"Host": header}, json=body)
        assert r.status_code == 400, (header, path, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json"
        assert "web.allowed_hosts" in r.json()["detail"]
        assert "set-cookie" not in r.headers, "no session for a rebound name"
        assert r.headers["x-frame-options"] == "DENY", "the security headers are on the refusal too"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}",
                                  "127.0.0.1"])
def test_the_loopback_names_are_answered(env: WebEnv, host: str) -> None:
    r = httpx.post(env.url("/api/v1/session"), headers={"Host": host.format(port=_port(env))},
                   json={"username": "oper", "password": PASSWORD})
    assert r.status_code == 200, r.text[:300]


def test_a_name_the_operator_allows_is_answered(env: WebEnv) -> None:
    """Behind a reverse proxy the app is reached by the proxy's name: `web.allowed_hosts`."""
    before = env.data.settings
    env.data.settings = before.model_copy(update={"allowed_hosts": ["vigie.example.org"]})
    try:
        with serve(env.data) as base:
            port = base.rsplit(":", 1)[1]
            ok = httpx.get(base + "/api/v1/openapi.json", headers={"Host": f"vigie.example.org:{port}"})
            loop = httpx.get(base + "/api/v1/openapi.json")  # 127.0.0.1 is no longer in the list
    finally:
        env.data.settings = before
    assert ok.status_code == 200 and loop.status_code == 400


def test_host_names_are_read_like_a_browser_writes_them() -> None:
    assert host_name("[::1]:8080") == "::1" and host_name("LocalHost") == "localhost"
    assert host_name("127.0.0.1:8080") == "127.0.0.1" and host_name("vigie.example.org") == "vigie.example.org"
    for bad in ("a:b", "x@127.0.0.1", "127.0.0.1/x", "", "127.0.0.1:8080?x"):
        assert host_name(bad) is None, bad


def test_the_service_metrics_answer_loopback_names_only() -> None:
    """The same door on `vigie run`'s /metrics (on loopback by default): source names and the
    health of crawls and alerts are not for a rebound page to read."""
    metrics = ServiceMetrics()
    metrics.crawls.labels("darkforum", "ok").inc()
    port = free_port()
    server = metrics.serve("127.0.0.1", port)
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        ok = httpx.get(url)
        assert ok.status_code == 200 and 'vigie_crawls_total{outcome="ok",source="darkforum"} 1.0' in ok.text
        assert httpx.get(url, headers={"Host": f"localhost:{port}"}).status_code == 200
        rebound = httpx.get(url, headers={"Host": f"rebind.example:{port}"})
        assert rebound.status_code == 400 and "darkforum" not in rebound.text
    finally:
        server.shutdown()  # type: ignore[attr-defined]
