"""Attacker's review, round 10: an organisation's own DNS and its webhook receiver.

The organisation runs its receiver's name's DNS. Answering 127.0.0.2 (or a LAN address) made
Vigie connect there: every alert, and on demand the web app's "test webhook" button, which shows
the organisation the outcome, told an open port (a TLS error, an HTTP status) from a closed one
(connection refused): a port scan of this machine and its network, by an organisation member.
The sender now resolves the name itself, refuses an answer holding an address that is neither
public nor in `alerts.webhook.allowed_addresses` without connecting, and connects to the
address it checked (TLS still verified for the name).

The same name's DNS may also answer slowly: the lookup (before the POST's timer started) held
the one delivery worker, every other organisation's alerts with it, as long as glibc waited for
each server and tried again; it now ends at `alerts.webhook.timeout_seconds` as the POST does.

Real parts, loopback only: /etc/hosts (or /etc/resolv.conf) bound to the test's own in a mount
namespace of the sending process (`unshare --mount`, root as the suite runs), a "victim" TCP
service on 127.0.0.2, a real TLS receiver on 127.0.0.1, a DNS server on 127.53.0.x that never
answers, the real WebhookSender.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.fixtures.forum import REPO
from tests.test_webhook_signing import PLAIN, RecipeReceiver

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a mount namespace for /etc/hosts needs root")

_CHILD = r"""
import json, sys, time
from alerts.channels import ChannelError
from alerts.channels.webhook import WebhookSender
from vigie.config.schema import WebhookSettings
out = []
for url, allowed, ca in json.loads(sys.argv[1]):
    sender = WebhookSender(WebhookSettings(allowed_addresses=allowed, ca_certs=ca, timeout_seconds=2))
    started = time.monotonic()
    try:
        out.append(["sent", sender.send(url, sys.argv[2], b'{"type": "vigie.test"}', "test-1")])
    except ChannelError as exc:
        out.append(["refused", str(exc)])
    out[-1].append(time.monotonic() - started)
print(json.dumps(out))
"""


def _send(tmp: Path, hosts: str, cases: list[tuple[str, list[str], str | None]], *,
          bound: str = "/etc/hosts") -> list[list[object]]:
    """Each case's outcome, sent by a process that reads `hosts` as `bound` (/etc/hosts or
    /etc/resolv.conf), and the seconds each took."""
    (tmp / "hosts").write_text(hosts)
    cmd = ["unshare", "--mount", "--", "sh", "-c", f'mount --bind "$0" {bound} && exec "$@"', str(tmp / "hosts"),
           sys.executable, "-c", _CHILD, json.dumps(cases), PLAIN]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


class _Victim:
    """A service on 127.0.0.2 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.2", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


def _closed_port() -> int:
    """A port of 127.0.0.2 nothing listens on (held bound, not listening, for the test's span)."""
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    _closed_port.keep = s  # type: ignore[attr-defined]
    return int(s.getsockname()[1])


def test_a_receiver_name_answered_with_a_local_address_is_not_connected_to(tmp_path: Path) -> None:
    """Before the fix the victim accepted the POST's connection and the outcomes differed by port
    (an SSL error on the open one, ConnectionRefusedError on the closed one); now neither is
    connected to and both read alike: refused for the answer, naming the setting."""
    victim = _Victim()
    closed = _closed_port()
    try:
        out = _send(tmp_path, "127.0.0.1 localhost\n127.0.0.2 hook.rebind.test\n",
                    [(f"https://hook.rebind.test:{victim.port}/h", [], None),
                     (f"https://hook.rebind.test:{closed}/h", [], None)])
    finally:
        victim.sock.close()
    assert victim.accepted == 0, out
    (open_kind, open_text, _), (closed_kind, closed_text, _) = out
    assert open_kind == closed_kind == "refused", out
    assert "hook.rebind.test resolved to 127.0.0.2" in str(open_text), out
    assert "alerts.webhook.allowed_addresses" in str(open_text), out
    assert str(open_text).replace(str(victim.port), "PORT") == str(closed_text).replace(str(closed), "PORT"), out


def _cert_for(tmp: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "hook.crt", tmp / "hook.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_a_receiver_in_allowed_addresses_gets_the_post_under_its_name(tmp_path: Path) -> None:
    """A receiver on the operator's own network (here 127.0.0.1) is reached once its network is
    in `alerts.webhook.allowed_addresses`: the POST goes to the address checked, with the name
    in Host and the certificate verified for the name; without the setting it is refused."""
    cert, key = _cert_for(tmp_path, "soc.rebind.test")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    receiver = RecipeReceiver(PLAIN)
    receiver.server.socket = ctx.wrap_socket(receiver.server.socket, server_side=True)
    port = receiver.server.server_address[1]
    url = f"https://soc.rebind.test:{port}/hooks/vigie"
    try:
        out = _send(tmp_path, "127.0.0.1 localhost soc.rebind.test\n",
                    [(url, ["127.0.0.1/32"], str(cert)), (url, [], str(cert))])
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    assert out[0][:2] == ["sent", 200], out
    assert out[1][0] == "refused" and "soc.rebind.test resolved to 127.0.0.1" in str(out[1][1]), out
    assert receiver.processed == ["test-1"]
    [(headers, _)] = receiver.captured
    assert headers["Host"] == f"soc.rebind.test:{port}"


def test_a_receiver_name_whose_dns_never_answers_ends_at_the_timeout(tmp_path: Path) -> None:
    """The name's DNS server takes every query and answers none; glibc waits 20 s for it
    (`options timeout:20 attempts:1`). Before the fix the POST (timeout 2 s) took those 20 s;
    now it ends at its 2 s, said so, and nothing is connected to. (A bound on the wall clock, 5
    times the timeout on either side: a loaded host stretches neither the wait nor the cut.)"""
    silent = None
    for n in range(1, 255):  # the first free address: xdist workers share the namespace's loopback
        try:
            silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            silent.bind((f"127.53.0.{n}", 53))
            break
        except OSError:
            silent.close()
            silent = None
    assert silent is not None, "no free 127.53.0.x:53 for the silent DNS server"
    try:
        address = silent.getsockname()[0]
        out = _send(tmp_path, f"nameserver {address}\noptions timeout:20 attempts:1\n",
                    [("https://hook.silent.test:8443/h", [], None)], bound="/etc/resolv.conf")
    finally:
        silent.close()
    [(kind, text, seconds)] = out
    assert kind == "refused" and "did not resolve within 2" in str(text), out
    assert float(seconds) < 10, out  # the resolver's own wait is 20 s
