"""Real third-party forum and paste engines (django-spirit, pinnwand, ...) run locally, for crawl
tests from YAML alone.

Our imitation forums (vigie_kit.forum*) only prove the crawler reads what we imagined forums to
be; these are the engines operators meet. Each runs from its own venv under .cache/engines/<name>/
(made by scripts/engines.sh, pinned) so its Django/Flask never meets ours: a fresh site is built
in a private temp dir with SQLite (PostgreSQL for Misago, which runs on nothing else:
vigie_kit.engine_postgres), filled through the engine's own models by a script run with
the engine's python (vigie_kit/engine_sites/<name>_site.py), and served on 127.0.0.1 by the
engine's own dev server. The truth is what the engine stored (ids, URLs, dates), read back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vigie_kit.engine_postgres import engine_postgres
from vigie_kit.engine_sites.paste_sites import PASTE_BUILDERS
from vigie_kit.ports import free_port
from vigie_kit.synthetic import Synth

__all__ = ["ARCHIVE_ENGINES", "ENGINES", "FORUM_ENGINES", "PASTE_ENGINES", "QA_ENGINES", "TRACKER_ENGINES",
           "RealEngineError", "RealPasteSite", "RealSite", "TruthPaste", "TruthPost", "archive_reply", "engine_python",
           "installed", "paste_content", "real_forum", "real_paste", "site_content"]

REPO = Path(__file__).resolve().parents[1]
ENGINES_DIR = REPO / ".cache" / "engines"
SCRIPTS = Path(__file__).resolve().parent / "engine_sites"
# pinned engine versions; scripts/engines.sh installs the same
FORUM_ENGINES = {"spirit": "django-spirit==0.14.3", "flaskbb": "flaskbb==2.2.0", "machina": "django-machina==1.3.1",
                 "pybbm": "pybbm==0.19.0", "misago": "misago==0.39.6"}
PASTE_ENGINES = {"pinnwand": "pinnwand==1.5.0", "dpaste": "dpaste==3.5", "bepasty": "bepasty==1.2.2"}
# mail archives: threads of mails, built like a forum (real_forum) but ids that are no numbers
# (tests/test_real_hyperkitty.py)
ARCHIVE_ENGINES = {"hyperkitty": "hyperkitty==1.3.12"}
# question-and-answer forums: a question, its answers and comments as one thread (tests/test_real_askbot.py)
QA_ENGINES = {"askbot": "askbot==0.13.0"}
# issue trackers: a ticket, its description and comments as one thread (tests/test_real_trac.py)
TRACKER_ENGINES = {"trac": "Trac==1.6"}
ENGINES = {**FORUM_ENGINES, **PASTE_ENGINES, **ARCHIVE_ENGINES, **QA_ENGINES, **TRACKER_ENGINES}
PASSWORD = "engine-demo-pw-5Rq"  # the synthetic accounts' password (throwaway sites on loopback)


class RealEngineError(RuntimeError):
    """A real engine's site could not be built or served."""


@dataclass(frozen=True)
class TruthPost:
    """One post as the engine stored it."""

    id: int
    author: str
    thread: str
    thread_url: str  # absolute
    board: str
    excerpt: str  # a line of its body, as written
    posted_at: datetime  # UTC, as stored
    planted: dict[str, list[str]]  # identifiers of its synthetic patients dump, if it carries one
    absent: tuple[str, ...] = ()  # text the engine shows with the post that is no part of it (a signature)
    page_id: str | None = None  # the id its page shows, when that is not `id` (HyperKitty's Message-ID hash)
    files: tuple[str, ...] = ()  # the names of the files attached to it
    kind: str = ""  # what the engine calls it, where it has several kinds (Askbot: question, answer, comment)


@dataclass
class RealSite:
    engine: str
    url: str  # the forum's root, e.g. http://127.0.0.1:41234
    posts: list[TruthPost]
    root: Path  # the site's private dir (removed on exit)
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)


def engine_python(engine: str) -> Path | None:
    """The engine venv's python, or None when scripts/engines.sh has not installed it."""
    python = ENGINES_DIR / engine / "bin" / "python"
    return python if python.exists() else None


def site_content(seed: int = 7, *, boards: int = 3, threads: int = 2, per_page: int = 4) -> dict[str, Any]:
    """Users, boards, threads and posts (Faker fr_FR prose; some posts carry a CSV dump of
    synthetic patients); thread lengths give 1 to 3 pages at `per_page` posts a page."""
    synth = Synth(seed)
    users = [f"{synth.fake.user_name().lower().replace('.', '_')[:20]}{i}" for i in range(4)]
    titles = ["Ventes de bases", "Discussions générales", "Leaks santé", "Requêtes"]
    at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    lengths = [1, per_page + 1, 2 * per_page + 2, per_page, 3, per_page * 2]
    out: dict[str, Any] = {"users": users, "password": PASSWORD, "boards": []}
    number = 0
    for b in range(boards):
        board: dict[str, Any] = {"title": titles[b], "threads": []}
        for t in range(threads):
            thread: dict[str, Any] = {"title": synth.title().strip(), "posts": []}
            for _ in range(lengths[(b * threads + t) % len(lengths)]):
                number += 1
                at += timedelta(hours=synth.rng.randint(1, 30), minutes=synth.rng.choice([0, 5, 17, 42]))
                excerpt = synth.fake.sentence(nb_words=8)
                body = excerpt + "\n\n" + synth.prose(2)
                planted: dict[str, list[str]] = {}
                if number % 5 == 2:
                    dump = synth.patients(rows=4)
                    body += "\n\n```\n" + dump.text + "\n```"
                    planted = dump.planted
                thread["posts"].append({"key": f"p{number}", "author": synth.rng.choice(users), "body": body,
                                        "date": at.isoformat(), "excerpt": excerpt, "planted": planted})
            board["threads"].append(thread)
        out["boards"].append(board)
    return out


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], stdin: str | None = None,
         timeout: float = 180) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
                          umask=0o077)
    if proc.returncode != 0:
        raise RealEngineError(f"{' '.join(cmd[:4])}... failed in {cwd} (exit {proc.returncode}):\n"
                              f"{proc.stderr[-3000:]}")
    return proc.stdout


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop an engine's server: politely, then for good if it has not gone in 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RealEngineError(f"the engine's server exited ({process.returncode}):\n"
                                  f"{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # loopback only
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RealEngineError(f"{url} did not answer within {timeout:.0f}s; see {log}")


def _private_write(path: Path, text: str) -> None:
    """A file of the site only its owner reads (0600), like everything the engines write here."""
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    path.write_text(text, encoding="utf-8")


def _installed_db(python: Path, db: Path, install: Callable[[], object]) -> None:
    """`db` as the engine's own install step leaves it: run once per engine venv, then the
    empty installed database is copied (the install is the slowest step, and the same every
    time); the cache lives in the venv, so reinstalling the engine drops it."""
    cache = python.parent.parent / "vigie-installed-site.sqlite3"
    if cache.exists():
        shutil.copyfile(cache, db)
        os.chmod(db, 0o600)
        return
    install()
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    shutil.copyfile(db, partial)
    os.chmod(partial, 0o600)
    partial.replace(cache)


def _spirit_site(python: Path, root: Path, content: dict[str, Any], per_page: int,
                 _stack: ExitStack) -> tuple[list[str], Any]:
    """A Spirit project (its own project template) with a small page size; returns the server
    command and the raw truth."""
    bindir = str(python.parent)
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8"}
    spirit = python.parent.parent / "lib"
    template = next(spirit.glob("python3*/site-packages/spirit/extra/project_template"))
    _run([str(python.parent / "django-admin"), "startproject", f"--template={template}", "vsite", str(root)],
         cwd=root, env=env)
    _private_write(root / "vsite" / "settings" / "vigie.py",
        "from .dev import *  # noqa: F403\n"
        "ALLOWED_HOSTS = ['127.0.0.1', 'localhost']\n"
        "LOGGING = {'version': 1, 'disable_existing_loggers': False}\n")
    settings = "vsite.settings.vigie"
    _installed_db(python, root / "db.sqlite3", lambda: _run(
        [str(python), "manage.py", "migrate", "-v0", f"--settings={settings}"], cwd=root, env=env))
    spec = {**content, "settings": {"comments_per_page": per_page, "topics_per_page": per_page}}
    raw = json.loads(_run([str(python), str(SCRIPTS / "spirit_site.py"), settings], cwd=root, env=env,
                          stdin=json.dumps(spec)))
    return [str(python), "manage.py", "runserver", "--noreload", f"--settings={settings}", "{addr}"], raw


def _django_site(python: Path, root: Path, content: dict[str, Any], script_name: str,
                 sizes: dict[str, int]) -> tuple[list[str], Any]:
    """A Django engine's project made by its site script (`project`), migrated once per venv
    (`_installed_db`), filled by the script (`populate`), and the command serving it."""
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8"}
    script = str(SCRIPTS / script_name)
    _run([str(python), script, "project", str(root), json.dumps(sizes)], cwd=root, env=env)
    _installed_db(python, root / "db.sqlite3", lambda: _run([str(python), "manage.py", "migrate", "-v0"],
                                                            cwd=root, env=env))
    raw = json.loads(_run([str(python), script, "populate"], cwd=root, env=env, stdin=json.dumps(content)))
    return [str(python), "manage.py", "runserver", "--noreload", "{addr}"], raw


def _machina_site(python: Path, root: Path, content: dict[str, Any], per_page: int,
                  _stack: ExitStack) -> tuple[list[str], Any]:
    """A Django project set up as machina's documentation says (machina has no project
    template), with small page sizes through machina's own settings."""
    return _django_site(python, root, content, "machina_site.py", {
        "MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE": per_page, "MACHINA_FORUM_TOPICS_NUMBER_PER_PAGE": per_page})


def _pybbm_site(python: Path, root: Path, content: dict[str, Any], per_page: int,
                _stack: ExitStack) -> tuple[list[str], Any]:
    """A Django project set up as pybbm's documentation says (its app, context processor,
    middleware, a site `base.html`), with small page sizes through pybbm's own settings."""
    return _django_site(python, root, content, "pybbm_site.py",
                        {"PYBB_TOPIC_PAGE_SIZE": per_page, "PYBB_FORUM_PAGE_SIZE": per_page})


def _misago_site(python: Path, root: Path, content: dict[str, Any], per_page: int,
                 stack: ExitStack) -> tuple[list[str], Any]:
    """A Django project for Misago (vigie_kit/engine_sites/misago_site.py: its own default
    settings and its dev project's) on a PostgreSQL cluster of its own (Misago runs on nothing
    else), installed by its migrations once per venv; page sizes through its database settings."""
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8"}
    script = str(SCRIPTS / "misago_site.py")
    _run([str(python), script, "project", str(root), "{}"], cwd=root, env=env)

    def connect(connection: dict[str, str]) -> None:
        _private_write(root / "pg.json", json.dumps(connection))

    def install(connection: dict[str, str]) -> None:
        connect(connection)
        _run([str(python), "manage.py", "migrate", "-v0"], cwd=root, env=env, timeout=600)

    connect(stack.enter_context(engine_postgres(python.parent.parent / "vigie-installed-pg", install)))
    sizes = {"threads_per_page": per_page, "posts_per_page": per_page, "posts_per_page_orphans": 0}
    raw = json.loads(_run([str(python), script, "populate"], cwd=root, env=env,
                          stdin=json.dumps({**content, "settings": sizes})))
    return [str(python), "manage.py", "runserver", "--noreload", "{addr}"], raw


FLASKBB_CONFIG = """
import os
HERE = os.path.dirname(os.path.abspath(__file__))
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(HERE, "flaskbb.sqlite")
SECRET_KEY = "local-throwaway-site-key"
WTF_CSRF_SECRET_KEY = "local-throwaway-csrf-key"
WHOOSHEE_DIR = os.path.join(HERE, "whoosh")
LOG_PATH = os.path.join(HERE, "logs")
USE_DEFAULT_LOGGING = False
REDIS_ENABLED = False
RATELIMIT_ENABLED = False
RATELIMIT_STORAGE_URI = "memory://"
CACHE_TYPE = "NullCache"
CELERY_CONFIG = {"task_always_eager": True, "broker_url": "memory://", "result_backend": "cache+memory://"}
"""


def _flaskbb_site(python: Path, root: Path, content: dict[str, Any], per_page: int,
                  _stack: ExitStack) -> tuple[list[str], Any]:
    """FlaskBB's own `install` (schema, groups, settings, admin, plugins), then its models; page
    sizes through its settings. Redis, Celery and caching off: a single local process."""
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8"}
    config = root / "flaskbb.cfg"
    _private_write(config, FLASKBB_CONFIG)
    script = str(SCRIPTS / "flaskbb_site.py")
    _installed_db(python, root / "flaskbb.sqlite", lambda: _run(
        [str(python), script, "cli", "--config", str(config), "install", "--force", "-u", "admin",
         "-e", "admin@forum.invalid", "-p", PASSWORD], cwd=root, env=env))
    raw = json.loads(_run([str(python), script, "populate", str(config)], cwd=root, env=env,
                          stdin=json.dumps({**content, "per_page": per_page})))
    return [str(python), script, "cli", "--config", str(config), "run", "--no-reload", "--no-debugger",
            "--host", "127.0.0.1", "--port", "{port}"], raw


def _hyperkitty_site(python: Path, root: Path, content: dict[str, Any], _per_page: int,
                     _stack: ExitStack) -> tuple[list[str], Any]:
    """A Django project for HyperKitty (vigie_kit/engine_sites/hyperkitty_site.py), its mails
    archived through HyperKitty's own `add_to_list`; it pages thread listings by 10 (no setting
    changes that: the content has more threads a list instead) and shows a thread's mails on one page."""
    return _django_site(python, root, content, "hyperkitty_site.py", {})


def _askbot_site(python: Path, root: Path, content: dict[str, Any], _per_page: int,
                 _stack: ExitStack) -> tuple[list[str], Any]:
    """An Askbot project made by its own `askbot-setup` (vigie_kit/engine_sites/askbot_site.py);
    its page sizes are its smallest (10 questions, 10 answers a page): the content is sized to them."""
    return _django_site(python, root, content, "askbot_site.py", {})


def _trac_site(python: Path, root: Path, content: dict[str, Any], _per_page: int,
               _stack: ExitStack) -> tuple[list[str], Any]:
    """A Trac environment made by its own `trac-admin initenv` (SQLite) with a component per
    board, filled through its ticket model (vigie_kit/engine_sites/trac_site.py), served by its own
    `tracd`; its ticket query pages by the start URL's `max` (the content's 9 tickets: 2 pages)."""
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8",
           "PYTHONWARNINGS": "ignore"}  # Trac's import of pkg_resources warns on every command
    script = str(SCRIPTS / "trac_site.py")
    _run([str(python), script, "project", str(root), json.dumps([b["title"] for b in content["boards"]])],
         cwd=root, env=env)
    raw = json.loads(_run([str(python), script, "populate"], cwd=root, env=env, stdin=json.dumps(content)))
    return [str(python.parent / "tracd"), "--hostname", "127.0.0.1", "--port", "{port}", "-s", "env"], raw


_BUILDERS = {"spirit": _spirit_site, "flaskbb": _flaskbb_site, "machina": _machina_site, "pybbm": _pybbm_site,
             "misago": _misago_site, "hyperkitty": _hyperkitty_site, "askbot": _askbot_site, "trac": _trac_site}
# where each engine's forum index is (the start URL of its source YAML)
INDEX = {"spirit": "/", "flaskbb": "/", "machina": "/forum/", "pybbm": "/forum/", "misago": "/",
         "hyperkitty": "/hyperkitty/", "askbot": "/questions/", "trac": "/query"}
# site_content's shape where the default does not page an engine's listings (HyperKitty: 10 threads a page)
CONTENT = {"hyperkitty": {"boards": 2, "threads": 11}, "askbot": {"boards": 2, "threads": 6, "per_page": 7},
           "trac": {"boards": 3, "threads": 3}}


def _truth_post(r: dict[str, Any], url: str, written: dict[str, Any]) -> TruthPost:
    """A site script's truth row as a TruthPost; `written`: the posts as site_content wrote them,
    by key (a post the engine made itself, a welcome topic, has no key: the runner gives its excerpt)."""
    return TruthPost(id=int(r["id"]), author=r["author"], thread=r["thread"], thread_url=url + r["thread_url"],
                     board=r["board"], excerpt=r.get("excerpt") or written[r["key"]]["excerpt"],
                     posted_at=datetime.fromisoformat(r["posted_at"]).astimezone(UTC),
                     planted=written[r["key"]]["planted"] if r["key"] else {},
                     absent=tuple(a for a in r.get("absent", ()) if a), page_id=r.get("page_id"),
                     files=tuple(r.get("files", ())), kind=r.get("kind", ""))


def archive_reply(site: RealSite, to: TruthPost, text: str, at: datetime, author: str) -> TruthPost:
    """A new mail answering `to` in a running HyperKitty site, archived through HyperKitty's
    `add_to_list` as the others were (it bumps the thread's last activity); `site.posts` stays the
    site as first built."""
    python = engine_python(site.engine)
    if python is None or site.engine != "hyperkitty" or to.page_id is None:
        raise RealEngineError(f"archive_reply answers a mail of a HyperKitty site, not of {site.engine}")
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(site.root), "LANG": "C.UTF-8"}
    spec = {"key": "late", "author": author, "text": text, "date": at.isoformat()}
    rows = json.loads(_run([str(python), str(SCRIPTS / "hyperkitty_site.py"), "reply", to.page_id], cwd=site.root,
                           env=env, stdin=json.dumps(spec)))
    return _truth_post(rows[0], site.url, {"late": {"excerpt": text.splitlines()[0], "planted": {}}})


@contextmanager
def real_forum(engine: str, *, seed: int = 7, per_page: int = 4) -> Iterator[RealSite]:
    """Build a fresh `engine` site in a private temp dir, serve it on 127.0.0.1:<free port>, and
    yield its URL and truth; the server is stopped and the dir removed on exit."""
    python = engine_python(engine)
    if python is None:
        raise RealEngineError(f"{engine} is not installed in {ENGINES_DIR / engine}: run scripts/engines.sh")
    root = Path(tempfile.mkdtemp(prefix=f"vigie-{engine}-"))  # 0700
    process = None
    stack = ExitStack()  # what a site needs beside its server (a database server), closed last
    try:
        content = site_content(seed, **{"per_page": per_page, **CONTENT.get(engine, {})})
        command, raw = _BUILDERS[engine](python, root, content, per_page, stack)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = root / "server.log"
        with open(log, "wb") as sink:
            os.chmod(log, 0o600)
            argv = [part.replace("{addr}", f"127.0.0.1:{port}").replace("{port}", str(port)) for part in command]
            process = subprocess.Popen(argv, cwd=root, stdout=sink,
                                       stderr=subprocess.STDOUT, umask=0o077,
                                       env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root),
                                            "LANG": "C.UTF-8"})
        _wait_http(url + INDEX[engine], process, log)
        written = {p["key"]: p for b in content["boards"] for t in b["threads"] for p in t["posts"]}
        yield RealSite(engine, url, [_truth_post(r, url, written) for r in raw], root, log)
    finally:
        if process is not None:
            _stop(process)
        try:
            stack.close()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class TruthPaste:
    """One paste as the engine stored it."""

    id: str  # the engine's slug
    url: str  # absolute: the paste's page
    kind: str  # dump, code, log, prose, config
    title: str | None  # what the engine shows as its title (a file name), if anything
    texts: tuple[str, ...]  # its files' contents, as written
    planted: dict[str, list[str]]  # identifiers of its synthetic patients dump, if it carries one
    posted_at: datetime | None = None  # UTC, when the engine shows it


@dataclass
class RealPasteSite:
    engine: str
    url: str
    pastes: list[TruthPaste]
    root: Path
    log: Path


_CODE = '''def merge(intervals):
    """Merge overlapping [start, end] intervals."""
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out
'''


def paste_content(seed: int = 11, *, multi_file: bool = True) -> list[dict[str, Any]]:
    """Pastes for a paste engine: three carry a CSV dump of synthetic patients (one, when the
    engine has pastes of several files, as the second file behind some code), the rest are
    harmless: code, a service log, prose, a config file."""
    synth = Synth(seed)
    at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    pastes: list[dict[str, Any]] = []
    for n in range(9):
        kind = ("dump", "code", "log", "dump", "prose", "config", "dump", "code", "prose")[n]
        planted: dict[str, list[str]] = {}
        if kind == "dump":
            dump = synth.patients(rows=4)
            planted = dump.planted
            files = [{"name": f"export_{n}.csv", "lexer": "text", "content": dump.text + "\n"}]
            if n == 3 and multi_file:  # a dump behind some code in the same paste
                files.insert(0, {"name": "parse.py", "lexer": "python", "content": _CODE})
            elif n == 3:
                files[0]["content"] = synth.prose(1) + "\n\n" + files[0]["content"]
        elif kind == "code":
            files = [{"name": f"merge_{n}.py", "lexer": "python", "content": _CODE}]
        elif kind == "log":
            lines = []
            for i in range(12):
                at += timedelta(seconds=synth.rng.randint(1, 90))
                level = synth.rng.choice(["INFO", "INFO", "WARNING", "DEBUG"])
                lines.append(f"{at:%Y-%m-%d %H:%M:%S} {level} worker-{i % 3}: "
                             f"{synth.rng.choice(['job done', 'queue drained', 'retrying fetch', 'cache warm'])}"
                             f" in {synth.rng.randint(3, 900)} ms")
            files = [{"name": "worker.log", "lexer": "text", "content": "\n".join(lines) + "\n"}]
        elif kind == "prose":
            files = [{"name": f"notes_{n}.txt", "lexer": "text", "content": synth.prose(4) + "\n"}]
        else:
            files = [{"name": "settings.ini", "lexer": "ini",
                      "content": "[server]\nworkers = 4\ntimeout = 30\n\n[cache]\nsize = 512\n"}]
        pastes.append({"key": f"k{n}", "kind": kind, "files": files, "planted": planted})
    return pastes


def _zip_one_dump(content: list[dict[str, Any]]) -> None:
    """The second dump's file replaced by a zip holding it (its text stays the truth)."""
    import io
    import zipfile

    dump = [p for p in content if p["planted"]][1]["files"][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(dump["name"], dump["content"])
    dump.update(text=dump["content"], content=buffer.getvalue(), name=dump["name"].replace(".csv", ".zip"),
                type="application/zip")


@contextmanager
def real_paste(engine: str, *, seed: int = 11) -> Iterator[RealPasteSite]:
    """Serve a fresh `engine` paste site on 127.0.0.1:<free port>, filled through the engine's
    own API, and yield its URL and what it stored; stopped and removed on exit."""
    python = engine_python(engine)
    if python is None:
        raise RealEngineError(f"{engine} is not installed in {ENGINES_DIR / engine}: run scripts/engines.sh")
    root = Path(tempfile.mkdtemp(prefix=f"vigie-{engine}-"))  # 0700
    process = None
    try:
        multi = engine == "pinnwand"  # a pinnwand paste holds several files; a dpaste snippet one text
        content = paste_content(seed, multi_file=multi)
        if engine == "bepasty":  # a file drop: one dump arrives zipped, as an upload
            _zip_one_dump(content)
        command, fill = PASTE_BUILDERS[engine](python, root)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = root / "server.log"
        with open(log, "wb") as sink:
            os.chmod(log, 0o600)
            argv = [part.replace("{addr}", f"127.0.0.1:{port}").replace("{port}", str(port)) for part in command]
            process = subprocess.Popen(argv, cwd=root, stdout=sink, stderr=subprocess.STDOUT, umask=0o077,
                                       env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root),
                                            "LANG": "C.UTF-8"})
        _wait_http(url + "/", process, log)
        written = {p["key"]: p for p in content}
        pastes = []
        for row in fill(url, content):
            paste = written[row["key"]]
            files = paste["files"] if multi else paste["files"][:1]
            pastes.append(TruthPaste(id=row["id"], url=row["url"], kind=paste["kind"], title=row["title"],
                                     texts=tuple(f.get("text", f["content"]) for f in files),
                                     planted=paste["planted"], posted_at=datetime.fromisoformat(row["posted_at"])
                                     if row["posted_at"] else None))
        yield RealPasteSite(engine, url, pastes, root, log)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(root, ignore_errors=True)


def installed(engine: str) -> bool:
    """Whether `engine`'s empty installed database is cached in its venv (`_installed_db`, or
    Misago's PostgreSQL cluster): a site then starts from a copy, without the install step."""
    python = engine_python(engine)
    if python is None:
        return False
    venv = python.parent.parent
    return (venv / "vigie-installed-site.sqlite3").exists() or (venv / "vigie-installed-pg" / "data").is_dir()


def main(argv: list[str]) -> int:
    """`python -m vigie_kit.real_engines ENGINE...`: run each forum engine's own install step once
    (scripts/engines.sh, after installing the engine), by building and dropping one site, so that
    the suite's sites start from the cached installed database (the migrations of FlaskBB and
    Misago took ~80 s each in the suite's first run)."""
    failed = 0
    for engine in argv:
        if engine not in FORUM_ENGINES | ARCHIVE_ENGINES | QA_ENGINES or installed(engine):
            continue
        try:
            with real_forum(engine):
                pass
        except (RealEngineError, OSError, subprocess.SubprocessError) as exc:
            print(f"real_engines: {engine}: its install step failed: {exc}", flush=True)
            failed = 1
    return failed


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
