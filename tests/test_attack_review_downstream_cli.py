"""Attacker's review, round 7 (the CLI's part; the rest is tests/test_attack_review_downstream.py):
what another party wrote, printed on the operator's terminal by the real CLI.

- `vigie status` in scale-out: the workers, leader and last runs it reads from Redis are not
  sealed; a worker name written there by another Redis client, with Rich markup, made the
  command fail (MarkupError), and its ESC sequences (OSC 52: the operator's clipboard) reached
  the terminal. Printed through `shown` now (vigie.cli.service).
- `vigie doctor` and `vigie status`: the problem text quotes what tor's control port answered,
  and the listener there may be any local process while tor is down (the model of
  tests/test_attack_review_tor_control.py): its `[/x]` made both commands fail with a
  traceback, its ESC sequences reached the terminal. Printed through `shown` now
  (vigie.cli.doctor, vigie.cli.service).
- Held already, on paths no test took: `vigie search`'s table and `vigie leak show` print a
  crawled excerpt, title and URL with terminal commands and Rich markup as text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_attack_review_downstream import _RAW_CONTROLS, TERMINAL, wide_console


def test_vigie_search_and_leak_show_print_a_hostile_title_and_excerpt_as_text(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Held already (shown), on paths no test took: `vigie search`'s table shows an excerpt, `vigie leak
    show` a thread title and a URL, all written by the site; with Rich markup in them too."""
    from indexer.store import open_store_from_settings
    from tests.fixtures.es import synthetic_docs
    from tests.test_search_cli import cli, make_env
    from vigie.config.loader import load_config
    from vigie.config.schema import StorageSettings
    from vigie.wiring import open_leak_store

    config, data = make_env(tmp_path)
    rich = "[link=http://phish.example/]x[/link][/]"
    [doc] = synthetic_docs(1)
    doc.excerpt = f"{doc.excerpt}\n{TERMINAL} {rich}"
    doc.provenance = replace(doc.provenance, thread_title=f"base {TERMINAL} {rich}\n  fake row",
                             url="http://forum.test/t/%1B%5B8m")
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert([doc])
    store.close()
    leaks = open_leak_store(load_config(config), data)
    try:
        leak_id = leaks.add(doc, {1, 2, 3}).leak_id
    finally:
        leaks.close()
    assert leak_id is not None
    base = ["-c", str(config), "-d", str(data)]
    wide_console(monkeypatch)
    outs = [cli(["search", *base]), cli(["leak", "show", leak_id, *base])]
    for out in outs:
        assert out.exit_code == 0, out.output
        assert _RAW_CONTROLS.findall(out.output) == [] and rich in out.output, repr(out.output)


def test_vigie_status_prints_what_another_redis_client_wrote_as_text(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Scale-out: `vigie status` reads the workers, the leader and the last runs from Redis, where
    nothing is sealed; a local process with Redis access (the model of tests/test_scale_security.py)
    wrote a run whose worker name held terminal commands (OSC 52 sets the operator's clipboard) and
    Rich markup (`[/x]` made the command fail), printed raw. Real redis-server, real CLI."""
    from crawler.frontier import connect
    from crawler.frontier.cluster import JobBoard
    from tests.redis_server import RedisServer, RedisServerError
    from tests.test_scale_security import _config
    from tests.test_search_cli import cli

    server = RedisServer()
    try:
        server.start()
    except RedisServerError as exc:
        pytest.skip(str(exc))
    try:
        monkeypatch.setenv("VIGIE_REDIS_PASSWORD", server.password)
        config, data, prefix = _config(tmp_path, server)
        link = connect(server.url, password=server.password, prefix=prefix, secret=b"s" * 32)
        try:
            worker = "w1\x1b]52;c;cm0gLXJmIH4K\x07 [/x]\x1b[8m"
            link.client.lpush(JobBoard(link, lease_ms=5000).history, json.dumps(
                {"source": "src-a", "run": "r1", "worker": worker, "finish_reason": f"finished{TERMINAL}",
                 "pages": 1, "fragments": 0, "errors": 0}))
        finally:
            link.close()
        wide_console(monkeypatch)
        out = cli(["status", "-c", str(config), "-d", str(data)])
    finally:
        server.cleanup()
    assert out.exit_code == 0, out.output
    assert _RAW_CONTROLS.findall(out.output) == [] and "[/x]" in out.output, repr(out.output)


def test_vigie_doctor_and_status_print_what_a_control_port_impostor_answered_as_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets
    import socket

    from tests.test_attack_review_tor_control import FakeControlPort
    from tests.test_search_cli import cli
    from vigie_kit.ports import free_port

    class Impostor(FakeControlPort):
        """Offers SAFECOOKIE, then fails the challenge with a message of its own."""

        def _handle(self, conn: socket.socket) -> None:
            with conn, conn.makefile("rb") as reader:
                for raw in reader:
                    word = raw.decode("latin-1").split(" ", 1)[0].strip().upper()
                    reply = (f'250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE COOKIEFILE="{self.cookie_file}"\r\n'
                             '250-VERSION Tor="0.4.8.10"\r\n250 OK\r\n' if word == "PROTOCOLINFO"
                             else f"552 {TERMINAL} [/x] refused\r\n")
                    conn.sendall(reply.encode("utf-8"))

    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    cookie = data / "control.cookie"
    cookie.write_bytes(secrets.token_bytes(32))
    impostor = Impostor("SAFECOOKIE", cookie)
    try:
        config = tmp_path / "config"
        (config / "sources").mkdir(parents=True)
        (config / "vigie.yaml").write_text(json.dumps({"tor": {"mode": "external", "socks_port": free_port(),
                                                               "control_port": impostor.port}}))
        wide_console(monkeypatch)
        outs = {cmd: cli([cmd, "-c", str(config), "-d", str(data)]) for cmd in ("doctor", "status")}
    finally:
        impostor.close()
    for cmd, out in outs.items():
        assert isinstance(out.exception, SystemExit | None), (cmd, repr(out.exception))  # no traceback
        assert _RAW_CONTROLS.findall(out.output) == [] and "[/x] refused" in out.output, (cmd, repr(out.output))
