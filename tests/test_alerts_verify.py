"""alerts.verify: the receivers' check, and the webhook sender's refusal of plain HTTP off loopback."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from alerts.channels import ChannelError
from alerts.channels.webhook import WebhookSender, is_loopback_host
from alerts.verify import signature_header, verify_signature
from vigie.config.schema import WebhookSettings

SECRET = "whsec-test-0123456789"
BODY = b'{"type":"vigie.alert","id":"abc"}'


def test_valid_signature_by_the_documented_formula() -> None:
    ts = "1800000000"
    by_hand = hmac.new(SECRET.encode(), ts.encode() + b"." + BODY, hashlib.sha256).hexdigest()
    assert signature_header(SECRET, ts, BODY) == f"v1={by_hand}"
    assert verify_signature(SECRET, ts, BODY, f"v1={by_hand}", now=1800000010)
    assert verify_signature(SECRET, ts, BODY, f"v1=deadbeef, v1={by_hand}", now=1800000010)  # rotation


@pytest.mark.parametrize("case", ["secret", "body", "timestamp", "stale", "future", "scheme", "missing", "junk"])
def test_rejections(case: str) -> None:
    ts, now = "1800000000", 1800000000.0
    header = signature_header(SECRET, ts, BODY)
    args = {"secret": SECRET, "timestamp": ts, "body": BODY, "signature_header": header, "now": now}
    if case == "secret":
        args["secret"] = "another-secret"
    elif case == "body":
        args["body"] = BODY + b" "
    elif case == "timestamp":
        args["timestamp"] = "1800000001"
    elif case == "stale":
        args["now"] = now + 301
    elif case == "future":
        args["now"] = now - 301
    elif case == "scheme":
        args["signature_header"] = header.replace("v1=", "v0=")
    elif case == "missing":
        args["signature_header"] = None
    elif case == "junk":
        args["timestamp"] = "yesterday"
    assert verify_signature(**args) is False  # type: ignore[arg-type]
    args.update(secret=SECRET, body=BODY, timestamp=ts, signature_header=header, now=now)
    assert verify_signature(**args) is True  # type: ignore[arg-type]


def test_http_only_to_loopback() -> None:
    sender = WebhookSender(WebhookSettings())
    sender.check_url("https://soc.example.org/hook")
    sender.check_url("http://127.0.0.1:8080/hook")
    sender.check_url("http://localhost/hook")
    sender.check_url("http://[::1]:9000/hook")
    with pytest.raises(ChannelError, match="must use https"):
        sender.check_url("http://soc.example.org/hook")
    with pytest.raises(ChannelError):
        WebhookSender(WebhookSettings(allow_http_loopback=False)).check_url("http://127.0.0.1/hook")
    assert is_loopback_host("127.8.9.10") and not is_loopback_host("10.0.0.1")
