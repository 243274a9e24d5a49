"""Every file Vigie writes is 0600 and every directory 0700, whatever the caller's umask
(issue 11, section 6): another local user must not read the store, the crawl state, the
registry, the outbox or the logs. The real flow runs under umask 000 with a data directory
that already exists with mode 0755: a crawl of a local test forum with indexing, an
organisation registered, its alerts delivered to a real SMTP server, `vigie status` and
`vigie search`. Then the whole data directory is walked."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from indexer.identifiers import canonical_forms
from indexer.tokens import prehash
from tests.fixtures.forum import make_config, test_keys_env
from vigie_kit.forum import ForumServer
from vigie_kit.sinks import SmtpSink

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _vigie(*args: str, config: Path, data: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigie", *args, "--config", str(config), "--data-dir", str(data)],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout,
                          env={**os.environ, **test_keys_env, "COLUMNS": "200"})


def _modes(root: Path) -> dict[str, str]:
    """Every path under `root` (and root itself) whose mode is not 0600 (file) / 0700 (dir)."""
    wrong: dict[str, str] = {}
    for path in [root, *root.rglob("*")]:
        st = path.lstat()
        mode = stat.S_IMODE(st.st_mode)
        if stat.S_ISDIR(st.st_mode) and mode != 0o700 or stat.S_ISREG(st.st_mode) and mode != 0o600:
            wrong[str(path.relative_to(root.parent))] = oct(mode)
    return wrong


def test_everything_vigie_writes_is_private_under_a_permissive_umask(
        fresh_forum: ForumServer, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    config.mkdir()
    (config / "vigie.yaml").write_text(yaml.safe_dump({
        "storage": {"backend": "embedded"},
        "alerts": {"smtp": {"host": "127.0.0.1", "port": smtp_sink.port, "security": "none",
                            "from_address": "vigie@alerts.test", "timeout_seconds": 5}},
    }))
    make_config(config, fresh_forum.url)
    (config / "organisations").mkdir()
    (config / "organisations" / "acme.yaml").write_text(yaml.safe_dump({
        "id": "acme", "display_name": "Acme", "channels": {"email": {"to": ["soc@acme.test"]}},
        "min_severity": "low", "policy": {s: "immediate" for s in ("critical", "high", "medium", "low")},
    }))
    planted = [p["planted"] for p in fresh_forum.truth()["posts"] if p["expected"] and p["planted"]]
    emails = [e for p in planted for e in p.get("email", [])][:5]
    assert emails, "the test forum plants identifiers"
    pre = tmp_path / "prehashes.csv"
    pre.write_text("type,prehash\n" + "".join(f"email,{prehash('email', f).hex()}\n"
                                              for e in emails for f in canonical_forms("email", e)))

    data.mkdir(mode=0o755)
    data.chmod(0o755)  # an existing, world-readable data dir (e.g. made by hand or an old release)
    (data / "notes.txt").write_text("left by the operator")
    (data / "notes.txt").chmod(0o644)
    sent_before = len(smtp_sink.messages)
    with _umask(0o000):
        register = _vigie("org", "register", "acme", str(pre), config=config, data=data)
        assert register.returncode == 0, register.stderr[-3000:]
        crawl = _vigie("crawl", "test-phpbb", config=config, data=data)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        deliver = _vigie("alerts", "deliver", "--once", config=config, data=data)
        assert deliver.returncode == 0, deliver.stderr[-3000:]
        status = _vigie("status", "--json", config=config, data=data)
        assert status.returncode == 0, status.stderr[-3000:]
        search = _vigie("search", "--json", config=config, data=data)
        assert search.returncode == 0, search.stderr[-3000:]

    assert len(smtp_sink.messages) > sent_before, "alerts went out by mail: the whole flow ran"
    assert json.loads(status.stdout), status.stdout
    names = {p.name for p in data.rglob("*")}
    assert {"store.sqlite3", "crawl-state.sqlite3"} <= names, names
    assert any(n.startswith("registry") for n in names) and "alerts.sqlite3" in names, names
    assert "narrowed" in register.stderr and "0700" in register.stderr, "the operator is told"
    wrong = _modes(data)
    # the operator's own file is theirs: Vigie narrows the directory, not files it did not write
    wrong.pop("data/notes.txt", None)
    assert wrong == {}, wrong


def test_spool_files_are_private_even_outside_the_cli(tmp_path: Path) -> None:
    """The Elasticsearch spool used as a library (no `vigie` entry point setting the umask):
    segments, the cursor and a damaged tail moved aside are 0600 under umask 000."""
    from indexer.store.spool import Spool
    from tests.fixtures.es import synthetic_docs

    docs = synthetic_docs(6)
    with _umask(0o000):
        spool = Spool(tmp_path / "spool")
        spool.append(docs[:5])
        segment = next((tmp_path / "spool").glob("segment-*.vjl"))
        os.truncate(segment, segment.stat().st_size - 25)  # a crash mid-write: a damaged tail
        damaged = Spool(tmp_path / "spool")
        damaged.append(docs[5:])
        position = [pos for pos, _ in damaged.read()][-1]
        damaged.ack(position)
    names = {p.name for p in (tmp_path / "spool").iterdir()}
    assert any(n.startswith("damaged-") for n in names) and "cursor.json" in names, names
    assert _modes(tmp_path / "spool") == {}


def test_the_image_data_directory_is_private() -> None:
    """Docker cannot run here: the Dockerfile is read. The volume at /var/lib/vigie inherits the
    image directory's owner and mode when it is first created."""
    lines = (REPO / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    setup = next(line for line in lines if "mkdir -p /var/lib/vigie" in line)
    assert "chown vigie:vigie /var/lib/vigie" in setup and "chmod 0700 /var/lib/vigie" in setup
    user = next(i for i, line in enumerate(lines) if line.startswith("USER "))
    assert lines[user] == "USER vigie" and lines.index(setup) < user
