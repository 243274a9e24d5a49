"""Request bodies over real HTTP (a real uvicorn on 127.0.0.1): bounded before they are read, and an
upload's file read only once its sender is known (vigie.web.bodies).

The attacker is another local process: the app listens on loopback. Before, FastAPI parsed a
multipart body (spooling it to the temporary directory) before it checked the sender, and the
64 MB rule came after the whole file was in memory; so an anonymous client could make the server
take in any size of body. Each test talks raw HTTP over a socket, so it can declare a body it never
sends and see whether the server waits for it.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from indexer.tokens import prehash
from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PEOPLE, WebEnv, web_env
from vigie.web.bodies import DEFAULT_BODY_LIMIT, UPLOAD_BODY_LIMIT

pytestmark = pytest.mark.slow

ANSWER_WITHIN_S = 10.0  # a server waiting for the declared body would hold the socket far longer


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-bodies"), receiver.url, receiver.secret) as e:
            yield e
    finally:
        receiver.stop()


def _connect(env: WebEnv) -> socket.socket:
    host, port = env.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=ANSWER_WITHIN_S)


def _head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body of the response (read to its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"the server closed the connection without an answer: {data[:200]!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def _multipart_head(boundary: str) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\ntype,prehash\n").encode()


def _bearer(env: WebEnv, user: str) -> str:
    return f"Bearer {env.tokens[user]}"


def test_an_anonymous_upload_is_refused_without_reading_its_body(env: WebEnv) -> None:
    """1 GB declared, 100 bytes sent: the 401 comes at once (before, the server waited for the
    gigabyte, parsing it into its temporary directory before it looked at the sender)."""
    boundary = "vigieboundary"
    with _connect(env) as sock:
        sock.sendall(_head("/api/v1/orgs/org-a/prehash", {
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(2**30)}))
        sock.sendall(_multipart_head(boundary))
        began = time.monotonic()
        status, headers, body = _answer(sock)
    assert status == 401, body[:300]
    assert headers["content-type"] == "application/problem+json"
    assert time.monotonic() - began < ANSWER_WITHIN_S


def test_an_upload_to_another_organisation_is_refused_without_reading_its_body(env: WebEnv) -> None:
    boundary = "vigieboundary"
    with _connect(env) as sock:
        sock.sendall(_head("/api/v1/orgs/org-b/prehash", {
            "Authorization": _bearer(env, "member-org-a"),
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(2**30)}))
        sock.sendall(_multipart_head(boundary))
        status, _, body = _answer(sock)
    assert status == 404, body[:300]  # as for any object of another organisation


@pytest.mark.parametrize("path", ["/api/v1/orgs/org-a/prehash", "/orgs/org-a/prehash"])
def test_a_declared_body_over_the_upload_limit_is_refused_before_it_is_sent(env: WebEnv, path: str) -> None:
    boundary = "vigieboundary"
    with _connect(env) as sock:
        sock.sendall(_head(path, {
            "Authorization": _bearer(env, "member-org-a"), "X-CSRF-Token": "unused-with-a-bearer-token",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(UPLOAD_BODY_LIMIT + 1)}))
        sock.sendall(_multipart_head(boundary))
        status, headers, body = _answer(sock)
    assert status == 413, body[:300]
    assert b"64 MB" in body and b"vigie org register" in body


def test_a_chunked_upload_is_cut_at_the_limit(env: WebEnv) -> None:
    """No Content-Length to refuse: the server stops at the limit, answers 413 and registers
    nothing; the client is not read to the end (it is still sending when the answer comes)."""
    boundary = "vigieboundary"
    t, v = PEOPLE["org-a"][0]
    line = f"{t},{prehash(t, v).hex()}\n".encode()
    chunk = line * (1024 * 1024 // len(line))
    before = env.data.registry.org_info("org-a")
    assert before is not None
    sent = 0
    with _connect(env) as sock:
        sock.sendall(_head("/api/v1/orgs/org-a/prehash", {
            "Authorization": _bearer(env, "member-org-a"),
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Transfer-Encoding": "chunked"}))
        first = _multipart_head(boundary)
        sock.sendall(b"%x\r\n%s\r\n" % (len(first), first))
        try:
            while sent < 4 * UPLOAD_BODY_LIMIT:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection once it had answered
        status, headers, body = _answer(sock)
    assert status == 413, body[:300]
    assert json.loads(body)["status"] == 413
    assert sent < 4 * UPLOAD_BODY_LIMIT, "the server read the whole body"
    assert env.data.registry.org_info("org-a") == before  # nothing registered, not even the first MB


def test_other_routes_take_at_most_a_mebibyte(env: WebEnv) -> None:
    payload = json.dumps({"type": "email", "value": "x" * (DEFAULT_BODY_LIMIT + 10)}).encode()
    with _connect(env) as sock:
        sock.sendall(_head("/api/v1/search/identifier", {
            "Authorization": _bearer(env, "ana"), "Content-Type": "application/json",
            "Content-Length": str(len(payload))}))
        status, headers, body = _answer(sock)  # nothing of the body sent: refused on its length
    assert status == 413 and headers["content-type"] == "application/problem+json", body[:300]
    # a body within the limit reaches the route (which validates it)
    small = json.dumps({"type": "email", "value": "alice.martin@clinique-a.fr"}).encode()
    with _connect(env) as sock:
        sock.sendall(_head("/api/v1/search/identifier", {
            "Authorization": _bearer(env, "ana"), "Content-Type": "application/json",
            "Content-Length": str(len(small))}) + small)
        status, _, body = _answer(sock)
    assert status == 200, body[:300]


def test_an_upload_within_the_limit_is_registered(env: WebEnv) -> None:
    """The routes read the file themselves now (no body parameter): a plain upload through the API
    still registers its pre-hashes and starts the retro-hunt."""
    t, v = PEOPLE["org-a"][1]
    body = f"type,prehash\n{t},{prehash(t, v).hex()}\n".encode()
    r = httpx.post(env.url("/api/v1/orgs/org-a/prehash"), headers={"Authorization": _bearer(env, "member-org-a")},
                   files={"file": ("p.csv", body)})
    assert r.status_code == 202, r.text[:300]
    assert r.json()["org"] == "org-a" and r.json()["lines_read"] == 2  # the header and the person
    missing = httpx.post(env.url("/api/v1/orgs/org-a/prehash"), headers={"Authorization": _bearer(env, "member-org-a")},
                         files={"other": ("p.csv", body)})
    assert missing.status_code == 422 and "multipart field `file`" in missing.json()["detail"]
