"""Attacker's review, round 11: an organisation's DNS that never answers, asked again and again.

Round 10 ended a webhook's lookup at `alerts.webhook.timeout_seconds`, but getaddrinfo cannot be
cut: it went on in a thread of its own for as long as glibc waits for the name's servers (up to
450 s with `options timeout:30 attempts:5` and three servers), and every delivery attempt and
every "test webhook" click started another. An organisation pointing its receiver's name at a
server that takes queries and answers none kept a thread alive per click and per retry. Now a
send joins the lookup of its name still running, and past `_Lookup.MAX_LOOKUPS` names still
being looked up a send is refused at once (the delivery is retried later as any failure is).

Real parts, loopback only: /etc/resolv.conf bound, in a mount namespace of the sending process
(`unshare --mount`, root as the suite runs), to a DNS server on 127.53.0.x that takes every
query and answers none; the real WebhookSender.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.forum import REPO

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a mount namespace for /etc/resolv.conf needs root")

_CHILD = r"""
import json, threading, time
from alerts.channels import ChannelError
from alerts.channels import webhook
from alerts.channels.webhook import WebhookSender
from vigie.config.schema import WebhookSettings

def lookups():
    return sum(1 for t in threading.enumerate() if t.name == "vigie-webhook-dns" and t.is_alive())

sender = WebhookSender(WebhookSettings(timeout_seconds=1))
out = {"same": [], "cap": []}
for _ in range(4):  # the delivery worker's retries, or an organisation member's clicks
    try:
        sender.send("https://hook.silent.test:8443/h", "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"{}", "t-1")
        out["same"].append(["sent", 0])
    except ChannelError as exc:
        out["same"].append([str(exc), lookups()])
if hasattr(webhook, "_Lookup"):
    webhook._Lookup.MAX_LOOKUPS = 2  # (before the fix there was no limit to lower)
for name in ("two.silent.test", "three.silent.test"):
    started = time.monotonic()
    try:
        sender.send(f"https://{name}:8443/h", "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"{}", "t-2")
        out["cap"].append(["sent", 0, 0])
    except ChannelError as exc:
        out["cap"].append([str(exc), lookups(), time.monotonic() - started])
print(json.dumps(out))
"""


def _silent_dns() -> socket.socket:
    for n in range(1, 255):  # the first free address: xdist workers share the namespace's loopback
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((f"127.53.0.{n}", 53))
            return sock
        except OSError:
            sock.close()
    raise AssertionError("no free 127.53.0.x:53 for the silent DNS server")


def test_a_name_that_never_answers_keeps_one_lookup_and_no_more_than_the_cap(tmp_path: Path) -> None:
    """Four sends to a name whose DNS never answers (glibc waits 150 s, far past the test; each
    send gives up at its 1 s): before the fix each left its own lookup thread running, four at the end; now the three
    later ones join the first, one thread. Then, with the limit lowered to two names, a second
    silent name is looked up (two running) and a third is refused at once, without a thread or
    a wait; before, it waited its second like the others and a third thread ran."""
    silent = _silent_dns()
    try:
        resolv = tmp_path / "resolv.conf"
        resolv.write_text(f"nameserver {silent.getsockname()[0]}\noptions timeout:30 attempts:5\n")
        cmd = [
            "unshare",
            "--mount",
            "--",
            "sh",
            "-c",
            'mount --bind "$0" /etc/resolv.conf && exec "$@"',
            str(resolv),
            sys.executable,
            "-c",
            _CHILD,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
    finally:
        silent.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert all("did not resolve within 1" in text for text, _ in out["same"]), out
    assert [threads for _, threads in out["same"]] == [1, 1, 1, 1], out
    (second, threads_second, _), (third, threads_third, waited) = out["cap"]
    assert "did not resolve within 1" in second and threads_second == 2, out
    assert "still being looked up" in third and threads_third == 2, out  # refused, not waited on
    print(f"\n[webhook dns] the third name refused after {waited:.3f} s (the others waited their 1 s)")


_PROBE = r"""
import json, sys, time
from alerts.channels import ChannelError
from alerts.channels.webhook import WebhookSender
from vigie.config.schema import WebhookSettings
sender = WebhookSender(WebhookSettings(allowed_addresses=["127.0.0.2/32"], timeout_seconds=1))
test = getattr(sender, "send_test", sender.send)  # (before the fix the web app called send)
out = []
for port in json.loads(sys.argv[1]):
    url = f"https://hook.lan.test:{port}/h"
    started = time.monotonic()
    try:
        out.append(["sent", test(url, "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"{}", "t-3"), 0])
    except ChannelError as exc:
        out.append([str(exc).replace(f":{port}/", ":PORT/"), None, time.monotonic() - started])
print(json.dumps(out))
"""


class _Service:
    """A TCP service on 127.0.0.2 an organisation's member should not learn of: it accepts and
    closes (`close`), or greets as SSH does and waits (`banner`)."""

    def __init__(self, kind: str) -> None:
        import threading

        self.sock = socket.create_server(("127.0.0.2", 0))
        self.port = self.sock.getsockname()[1]
        self.kind = kind
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.kind == "banner":
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                self._held = conn  # kept open: the client's TLS handshake waits on it
            else:
                conn.close()

    def close(self) -> None:
        self.sock.close()


def test_test_webhook_says_the_same_of_every_port_in_allowed_addresses(tmp_path: Path) -> None:
    """An organisation's receiver name pointed at 127.0.0.2, which `allowed_addresses` lets
    through, on a closed port (bound, not listening: refused), a port that accepts and closes,
    and one that greets as SSH: before the fix "test webhook" said ConnectionRefusedError,
    SSLEOFError and a TLS error or a timeout, each as soon as it happened (a port scan of that
    network); now all three read alike and none before the 1 s timeout."""
    closed = socket.socket()
    closed.bind(("127.0.0.2", 0))  # no listen(): a connection is refused, deterministically
    services = [_Service("close"), _Service("banner")]
    try:
        hosts = tmp_path / "hosts"
        hosts.write_text("127.0.0.1 localhost\n127.0.0.2 hook.lan.test\n")
        ports = [closed.getsockname()[1], *(s.port for s in services)]
        cmd = [
            "unshare",
            "--mount",
            "--",
            "sh",
            "-c",
            'mount --bind "$0" /etc/hosts && exec "$@"',
            str(hosts),
            sys.executable,
            "-c",
            _PROBE,
            json.dumps(ports),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
    finally:
        closed.close()
        for s in services:
            s.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    texts = {text for text, _, _ in out}
    assert len(texts) == 1 and "not delivered" in next(iter(texts)), out
    assert all(seconds >= 1.0 for _, _, seconds in out), out  # none said before the timeout
