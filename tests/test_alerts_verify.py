"""alerts.verify: the receivers' check (Standard Webhooks), and the webhook sender's refusal of
plain HTTP off loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from alerts.channels import ChannelError
from alerts.channels.webhook import WebhookSender, is_loopback_host
from alerts.verify import ReplayCache, Verdict, WebhookVerifier, sign, signing_key, verify_signature
from vigie.config.schema import WebhookSettings

SECRET = "whsec-test-0123456789"  # no "whsec_" prefix: a plain secret, used as its UTF-8 bytes
BODY = b'{"type":"vigie.alert","id":"abc"}'
MSG = "3c1f9a0e4b7d2a61c0f5e8d9b2a74e10"
TS = "1800000000"


def test_valid_signature_by_the_documented_formula() -> None:
    by_hand = base64.b64encode(hmac.new(SECRET.encode(), f"{MSG}.{TS}.".encode() + BODY,
                                        hashlib.sha256).digest()).decode()
    assert sign(SECRET, MSG, TS, BODY) == f"v1,{by_hand}"
    assert verify_signature(SECRET, MSG, TS, BODY, f"v1,{by_hand}", now=1800000010)
    rotated = f"v1,{base64.b64encode(b'x' * 32).decode()} v1,{by_hand}"  # old and new secret
    assert verify_signature(SECRET, MSG, TS, BODY, rotated, now=1800000010)


def test_whsec_secret_is_base64_and_a_bad_one_is_refused() -> None:
    raw = bytes(range(32))
    whsec = "whsec_" + base64.b64encode(raw).decode()
    assert signing_key(whsec) == raw and signing_key(SECRET) == SECRET.encode()
    assert sign(whsec, MSG, TS, BODY) == sign(raw, MSG, TS, BODY) != sign(SECRET, MSG, TS, BODY)
    for bad in ("whsec_not*base64!", "", "whsec_"):
        with pytest.raises(ValueError):
            signing_key(bad)
        assert verify_signature(bad, MSG, TS, BODY, sign(SECRET, MSG, TS, BODY), now=1800000000) is False


@pytest.mark.parametrize("case", ["secret", "body", "timestamp", "id", "stale", "future", "scheme",
                                  "missing", "no-id", "junk-ts", "hex-v1=", "non-ascii", "non-ascii-id",
                                  "bad-base64", "no-comma", "huge-ts", "huge-header"])
def test_rejections(case: str) -> None:
    now = 1800000000.0
    header = sign(SECRET, MSG, TS, BODY)
    secret, body, at = SECRET, BODY, now
    msg_id: str | None = MSG
    ts: str | None = TS
    sig: str | None = header
    if case == "secret":
        secret = "another-secret"
    elif case == "body":
        body = BODY + b" "
    elif case == "timestamp":
        ts = "1800000001"
    elif case == "id":  # the captured request re-sent under another id: the id is signed
        msg_id = MSG[:-1] + "1"
    elif case == "stale":
        at = now + 301
    elif case == "future":
        at = now - 301
    elif case == "scheme":
        sig = header.replace("v1,", "v2,")
    elif case == "missing":
        sig = None
    elif case == "no-id":
        msg_id = None
    elif case == "junk-ts":
        ts = "yesterday"
    elif case == "hex-v1=":  # the old Vigie-Signature format
        sig = "v1=" + hmac.new(SECRET.encode(), TS.encode() + b"." + BODY, hashlib.sha256).hexdigest()
    elif case == "non-ascii":
        sig = "v1,é" + header[4:]
    elif case == "non-ascii-id":
        msg_id = "idé"
    elif case == "bad-base64":
        sig = "v1,@@@@"
    elif case == "no-comma":
        sig = "v1"
    elif case == "huge-ts":
        ts = "9" * 5000  # int() of this raises in Python >= 3.11 (digit limit)
    elif case == "huge-header":
        sig = header + " v1,AAAA" * 2000
    assert verify_signature(secret, msg_id, ts, body, sig, now=at) is False
    assert verify_signature(SECRET, MSG, TS, BODY, header, now=now) is True


def _headers(msg_id: str = MSG, ts: str = TS, body: bytes = BODY) -> dict[str, str]:
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": ts, "Webhook-Signature": sign(SECRET, msg_id, ts, body)}


def test_verifier_refuses_a_replayed_id_within_the_window() -> None:
    now = [1800000000.0]
    verifier = WebhookVerifier(SECRET, clock=lambda: now[0])
    assert verifier.verify(_headers(), BODY) is Verdict.VALID
    now[0] += 10
    assert verifier.verify(_headers(), BODY) is Verdict.REPLAY  # the same captured request
    # the same id re-signed with a later timestamp (Vigie's own re-send): still not processed twice
    assert verifier.verify(_headers(ts=str(int(now[0]))), BODY) is Verdict.REPLAY
    assert verifier.verify(_headers(msg_id="another-id"), BODY) is Verdict.VALID
    # a tampered request is INVALID before the cache is even asked
    assert verifier.verify({**_headers(), "Webhook-Id": "fresh-id"}, BODY) is Verdict.INVALID
    assert verifier.verify({**_headers(), "webhook-signature": "v1,\u00e9\u00e9"}, BODY) is Verdict.INVALID
    assert verifier.verify({}, BODY) is Verdict.INVALID


def test_forget_lets_a_failed_id_be_processed_and_the_cache_expires() -> None:
    now = [1800000000.0]
    cache = ReplayCache(tolerance_seconds=300)
    verifier = WebhookVerifier(SECRET, cache=cache, clock=lambda: now[0])
    assert verifier.verify(_headers(), BODY) is Verdict.VALID
    verifier.forget(MSG)  # the receiver failed to process it and answered 500
    assert verifier.verify(_headers(), BODY) is Verdict.VALID
    # past timestamp + tolerance the entry is dropped: the request itself is stale by then
    now[0] += 301
    assert verifier.verify(_headers(), BODY) is Verdict.INVALID
    assert cache.claim("other", int(now[0]), now[0]) and len(cache) == 1


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
