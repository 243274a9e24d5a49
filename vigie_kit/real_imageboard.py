"""A real imageboard engine run locally for crawl tests from YAML alone: djangochan 0.1.0 (PyPI,
Django 6), from its own pinned venv under .cache/engines/djangochan/ (scripts/engines.sh).

A fresh site is made in a private temp dir the way djangochan's README says (`djangochan init`,
its SQLite database cached once per venv), filled through its own models by
vigie_kit/engine_sites/djangochan_site.py, and served by `djangochan runserver` on 127.0.0.1.
What an imageboard does that our forum engines do not: posters are Anonymous or a name with a
tripcode (`name#secret` -> `name !Xyz...`), threads are answered by `>>id` quotes and greentext,
a board lists each thread with its last replies and no pages, and a full board archives its
oldest thread (it leaves the board page for /<board>/archive, which shows no subjects). The
truth is what djangochan stored, read back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vigie_kit.ports import free_port
from vigie_kit.real_engines import (
    PASSWORD,
    SCRIPTS,
    RealEngineError,
    _installed_db,
    _private_write,
    _run,
    _stop,
    _wait_http,
    engine_python,
)
from vigie_kit.synthetic import Synth

__all__ = ["IMAGEBOARD_ENGINES", "BoardPost", "RealBoard", "board_content", "real_imageboard"]

IMAGEBOARD_ENGINES = {"djangochan": "djangochan==0.1.0"}  # scripts/engines.sh installs the same
# djangochan's settings read these from the site's .env (its `init` writes the same keys)
_ENV = ("SECRET_KEY='local-throwaway-site-key'\nDEBUG=True\nADMIN_PASS=''\nCAPTCHA=False\nAPI_ON=True\n"
        "WWW_ON=True\nALLOWED_HOSTS=\"127.0.0.1 localhost\"\n")


@dataclass(frozen=True)
class BoardPost:
    """One post as djangochan stored it."""

    id: int
    author: str  # "Anonymous", or the name and its tripcode as the board prints them ("vendeur !Ab3...")
    thread_id: int
    thread_url: str  # absolute
    thread_title: str  # the OP's subject, else its text's first 100 characters (as vichan's <title> does)
    board: str  # "/db/ - Bases de données", as the board's header prints it
    excerpt: str  # a line of its text, as written
    posted_at: datetime  # UTC
    archived: bool  # its thread is in the board's archive, no longer on the board page
    planted: dict[str, list[str]]  # identifiers of its synthetic patients dump, if it carries one


@dataclass
class RealBoard:
    engine: str
    url: str
    posts: list[BoardPost]
    root: Path
    log: Path  # the engine's server log: one line per request it served
    python: Path

    def reply(self, thread_id: int, text: str, at: datetime, author: str = "Anonymous") -> BoardPost:
        """A new reply in a thread, through djangochan's models as the others were (it bumps the thread);
        `posts` stays the site as first built."""
        env = {"PATH": f"{self.python.parent}:/usr/bin:/bin", "HOME": str(self.root), "LANG": "C.UTF-8"}
        spec = {"key": "late", "author": author, "text": text, "date": at.isoformat()}
        rows = json.loads(_run([str(self.python), str(SCRIPTS / "djangochan_site.py"), "reply", str(thread_id)],
                               cwd=self.root, env=env, stdin=json.dumps(spec)))
        return _truth(rows, self.url, {"late": {"excerpt": text.splitlines()[0], "planted": {}}})[0]


def _when(synth: Synth, at: datetime, n: int) -> datetime:
    """The next post's time: hours to days later, on varied clocks, so djangochan prints every shape
    of its date format ("Feb. 2, 2026, 9:17 a.m.", "March 5, 2026, 4 p.m.", "noon", "midnight")."""
    before = at
    at += timedelta(hours=synth.rng.randint(20, 200))
    at = at.replace(minute=synth.rng.choice([0, 5, 17, 42]), second=0)
    if n % 6 == 1:
        at = at.replace(hour=12, minute=0)
    elif n % 6 == 3:
        at = at.replace(hour=synth.rng.choice([3, 9, 16, 21]), minute=0)
    elif n % 6 == 4:
        at = at.replace(hour=0, minute=0) + timedelta(days=1)
    while at <= before:  # a clock set earlier in the day than the last post's
        at += timedelta(days=1)
    return at


def board_content(seed: int = 5) -> dict[str, Any]:
    """Two boards. /db/ keeps 4 threads and gets 5, so djangochan archives its two oldest: their
    posts (a dump among them) are reached through the archive only. Threads with and without a
    subject, Anonymous and tripcoded posters, `>>id` quotes and greentext; three posts carry a
    CSV dump of synthetic patients as plain lines, as posted on imageboards."""
    synth = Synth(seed)
    at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    n = 0

    def post(text: str, *, author: str = "Anonymous", subject: str = "", dump: bool = False) -> dict[str, Any]:
        nonlocal at, n
        n += 1
        at = _when(synth, at, n)
        excerpt = next(ln for ln in text.splitlines() if not ln.startswith(">"))  # the poster's own words
        planted: dict[str, list[str]] = {}
        if dump:
            patients = synth.patients(rows=4)
            text += "\n" + patients.text
            planted = patients.planted
        return {"key": f"p{n}", "author": author, "subject": subject, "text": text, "date": at.isoformat(),
                "excerpt": excerpt, "planted": planted}

    def line() -> str:
        return synth.fake.sentence(nb_words=9)

    db = [
        [post(f"Extrait de la base d'une clinique, {line()}", author="vendeur#k3yp4ss",
              subject="Export patients clinique", dump=True),
         post(f">>{{p{n}}}\n{line()}\n>{line()}"),
         post(line(), author="bob")],
        [post(line()),  # no subject: djangochan has no title then
         post(f">>{{p{n}}}\n{line()}\nLa suite :", dump=True),
         post(f">>{{p{n}}}\n>{line()}\n{line()}", author="vendeur#k3yp4ss")],
        [post(line(), subject=synth.title().strip()), post(line()), post(line()), post(line()), post(line())],
        [post(line(), subject=synth.title().strip(), author="carol#0rchid")],
        [post(f"Nouveau lot, {line()}", subject="Mutuelle 2026", dump=True), post(f">>{{p{n}}}\n{line()}")],
    ]
    rand = [
        [post(line(), subject="Présentation"), post(f">>>/db/{{p1}}\n{line()}"), post(line(), author="bob")],
        [post(line())],
    ]

    def threads(posts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return [{"posts": ps} for ps in posts]

    return {"boards": [{"ln": "db", "name": "Bases de données", "max_threads": 4, "threads": threads(db)},
                       {"ln": "rand", "name": "Random", "threads": threads(rand)}]}


def _truth(rows: list[dict[str, Any]], url: str, written: dict[str, dict[str, Any]]) -> list[BoardPost]:
    posts = []
    for row in rows:
        title = row["thread_subject"] or " ".join(row["thread_text"].split())[:100]
        post = written[row["key"]]
        at = datetime.fromisoformat(row["posted_at"]).astimezone(UTC)
        posts.append(BoardPost(id=row["id"], author=row["author"], thread_id=row["thread"],
                               thread_url=url + row["thread_url"], thread_title=title, board=row["board"],
                               excerpt=post["excerpt"], posted_at=at, archived=row["archived"],
                               planted=post["planted"]))
    return posts


@contextmanager
def real_imageboard(engine: str = "djangochan", *, seed: int = 5) -> Iterator[RealBoard]:
    """Build a fresh djangochan site in a private temp dir, serve it on 127.0.0.1:<free port>, and
    yield its URL and truth; the server is stopped and the dir removed on exit."""
    python = engine_python(engine)
    if python is None:
        raise RealEngineError(f"{engine} is not installed in .cache/engines/{engine}: run scripts/engines.sh")
    root = Path(tempfile.mkdtemp(prefix=f"vigie-{engine}-"))  # 0700
    process = None
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8"}
    try:
        content = board_content(seed)
        _private_write(root / ".env", _ENV)
        _installed_db(python, root / "db.sqlite3", lambda: _run(
            [str(python.parent / "djangochan"), "init", "--admin-password", PASSWORD, "--skip-collectstatic"],
            cwd=root, env=env))
        rows = json.loads(_run([str(python), str(SCRIPTS / "djangochan_site.py"), "populate"], cwd=root, env=env,
                               stdin=json.dumps(content)))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = root / "server.log"
        with open(log, "wb") as sink:
            os.chmod(log, 0o600)
            process = subprocess.Popen([str(python.parent / "djangochan"), "runserver", "--noreload",
                                        f"127.0.0.1:{port}"], cwd=root, stdout=sink, stderr=subprocess.STDOUT,
                                       umask=0o077, env=env)
        _wait_http(url + "/", process, log)
        written = {p["key"]: p for b in content["boards"] for t in b["threads"] for p in t["posts"]}
        yield RealBoard(engine, url, _truth(rows, url, written), root, log, python)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(root, ignore_errors=True)
