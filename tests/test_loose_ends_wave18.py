"""Wave 18's operator and attacker loose ends, each through real processes and servers.

1. `vigie search <identifier>` as free text: the value is searched by keyed token, never sent to
   the store as words (a recording relay sits in front of the real Elasticsearch node).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.identifiers import canonical_forms
from indexer.store import open_store_from_settings
from indexer.tokens import token
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.config.schema import StorageSettings

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"VIGIE_MATCH_KEY": "1:" + TEST_MATCH_KEY.key.hex(), "VIGIE_DATA_KEY": "1:" + TEST_DATA_KEY.key.hex()}


def vigie(*args: str, stdin: str = "", env: dict[str, str] | None = None,
          timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (what an operator runs)."""
    return subprocess.run([sys.executable, "-m", "vigie", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **KEYS, **(env or {})})


# ---------------------------------------------------------------- 1. identifiers typed as words
class Relay:
    """A TCP relay on 127.0.0.1 in front of the real Elasticsearch node that keeps every byte
    the client sent: what `vigie search` put on the wire, which the node would log or hold."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.sent = bytearray()
        self._lock = threading.Lock()
        self._srv = socket.create_server(("127.0.0.1", 0))
        self.port = self._srv.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(client, up, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, record: bool) -> None:
        try:
            while data := src.recv(65536):
                if record:
                    with self._lock:
                        self.sent += data
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def take(self) -> str:
        with self._lock:
            out, self.sent = bytes(self.sent), bytearray()
        return out.decode("utf-8", "replace")

    def close(self) -> None:
        self._srv.close()


VICTIM = "jeanne.martin@exemple.test"
PHONE = "+33612345678"


@pytest.fixture(scope="module")
def es_behind_relay(es_server, tmp_path_factory) -> Iterator[tuple[Path, Path, Relay, list, list]]:
    from urllib.parse import urlsplit

    from vigie.config.schema import ElasticsearchSettings

    url = urlsplit(es_server.url)
    relay = Relay((url.hostname or "127.0.0.1", url.port or 9200))
    tmp = tmp_path_factory.mktemp("search18")
    config, data = tmp / "config", tmp / "data"
    (config / "sources").mkdir(parents=True)
    (config / "organisations").mkdir()
    prefix = f"w18-{os.getpid()}-vigie"
    (config / "vigie.yaml").write_text(
        f"storage:\n  backend: elasticsearch\n  elasticsearch:\n    hosts: ['http://127.0.0.1:{relay.port}']\n"
        f"    index_prefix: {prefix}\n")
    victims = synthetic_docs(3, emails=[VICTIM], excerpt_words="mutuelle")
    others = synthetic_docs(4, start=40, excerpt_words="mutuelle")
    store = open_store_from_settings(StorageSettings(backend="elasticsearch", elasticsearch=ElasticsearchSettings(
        hosts=[es_server.url], index_prefix=prefix)), data)
    store.upsert(victims + others)
    store.flush()
    store.close()
    try:
        yield config, data, relay, victims, others
    finally:
        relay.close()


@pytest.mark.elasticsearch
@pytest.mark.parametrize("query", [VICTIM, f"mutuelle {VICTIM.title()}",
                                   "jeanne.martin [at] exemple [dot] test"])
def test_an_address_typed_as_words_is_searched_by_token_never_sent(es_behind_relay, query: str) -> None:
    config, data, relay, victims, _ = es_behind_relay
    relay.take()
    res = vigie("search", query, "--json", "-c", str(config), "-d", str(data))
    assert res.returncode == 0, res.stderr
    wire = relay.take()
    assert "_search" in wire  # the relay saw the query: the assertions below are about it
    assert VICTIM not in wire.lower() and "jeanne" not in wire.lower()
    tok = token(TEST_MATCH_KEY, "email", canonical_forms("email", VICTIM)[0]).hex()
    assert tok in wire
    assert sorted(json.loads(x)["id"] for x in res.stdout.splitlines()) == sorted(d.id for d in victims)
    assert "-i email:-" in res.stderr  # the warning shows the safe way
    audit = [json.loads(x) for x in (data / "audit.log").read_text().splitlines()]
    assert audit[-1]["event"] == "identifier_search" and audit[-1]["identifiers"][0]["tokens"] == [tok]
    assert "jeanne" not in (data / "audit.log").read_text()


@pytest.mark.elasticsearch
def test_words_beside_a_phone_number_are_still_words(es_behind_relay) -> None:
    config, data, relay, _, _ = es_behind_relay
    relay.take()
    res = vigie("search", "mutuelle 06 12 34 56 78", "--json", "-c", str(config), "-d", str(data))
    assert res.returncode == 0, res.stderr
    wire = relay.take()
    assert "mutuelle" in wire and "12 34 56" not in wire and PHONE not in wire
    assert token(TEST_MATCH_KEY, "phone", PHONE).hex() in wire
    res = vigie("search", "mutuelle", "--json", "-c", str(config), "-d", str(data))
    assert len(res.stdout.splitlines()) == 7 and "warning" not in res.stderr  # words alone: unchanged


@pytest.mark.elasticsearch
@pytest.mark.parametrize("query", ["jeanne.martin@exemple", "client 1234567890123", "+44 7911 12345"])
def test_what_looks_personal_but_is_invalid_is_refused_unsent(es_behind_relay, query: str) -> None:
    config, data, relay, _, _ = es_behind_relay
    relay.take()
    res = vigie("search", query, "-c", str(config), "-d", str(data))
    assert res.returncode != 0
    assert "-i TYPE:-" in res.stderr and query not in res.stderr
    assert "_search" not in relay.take()


def test_search_help_shows_the_stdin_form() -> None:
    res = vigie("search", "--help", env={"COLUMNS": "200"})
    assert res.returncode == 0
    assert "searched by keyed token" in res.stdout and "TYPE:-" in res.stdout
