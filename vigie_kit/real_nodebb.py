"""NodeBB 1.4.0, a real Node.js forum engine on Redis, run locally for crawl tests from YAML alone.

The other real engines (vigie_kit.real_engines) are all Python; operators mostly meet PHP and
JavaScript ones. NodeBB is installed by scripts/engines.sh from npm with every package pinned
(scripts/engines/nodebb/package-lock.json, `npm ci`) under .cache/engines/nodebb/. A site is the
engine's own app directory copied into a private temp dir (its node_modules linked, not copied),
its database a private redis-server on a unix socket in that dir (no TCP port, no password
needed), installed by NodeBB's own `--setup` (schema, default categories, admin, the asset
build), filled by vigie_kit/engine_sites/nodebb_site.js through NodeBB's own modules, and
served by NodeBB's own web server on 127.0.0.1. The install step (25-70 s, ~13 CPU-s, most of it
the asset build) runs once per engine install: the built app and the installed database are kept in
.cache/engines/nodebb/vigie-installed/ and each site starts from a copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie_kit.ports import free_port
from vigie_kit.real_engines import (
    ENGINES_DIR,
    PASSWORD,
    SCRIPTS,
    RealEngineError,
    RealSite,
    TruthPost,
    _private_write,
    _stop,
    _truth_post,
    _wait_http,
    site_content,
)

__all__ = ["NODE_ENGINES", "nodebb_app", "nodebb_installed", "nodebb_reply", "real_nodebb", "site_spec"]

# pinned engine versions (npm); scripts/engines.sh installs the same from its lock file
NODE_ENGINES = {"nodebb": "nodebb@1.4.0"}
ENGINE_DIR = ENGINES_DIR / "nodebb"
CACHE = ENGINE_DIR / "vigie-installed"
# NodeBB's page sizes here: 3 topics a board give 2 listing pages, 10 posts a topic 3 pages
TOPICS_PER_PAGE = 2
POSTS_PER_PAGE = 4
# node's own directory first (a node from nvm or /usr/local), then the system's for redis-server
ENV = {
    "PATH": f"{Path(shutil.which('node') or '/usr/bin/node').parent}:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "NODE_ENV": "production",
}


def nodebb_app() -> Path | None:
    """NodeBB's app directory as scripts/engines.sh installed it, or None (not installed, or no node)."""
    app = ENGINE_DIR / "node_modules" / "nodebb"
    if not (ENGINE_DIR / ".installed").exists() or not (app / "app.js").exists() or shutil.which("node") is None:
        return None
    return app


def nodebb_installed() -> bool:
    """Whether NodeBB's install step is cached (a site then starts from a copy of it)."""
    return (CACHE / "dump.rdb").exists() and (CACHE / "app" / "app.js").exists()


def _redis_call(path: Path, command: str) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(30)
        conn.connect(str(path))
        conn.sendall(command.encode() + b"\r\n")
        return conn.recv(4096)


@contextmanager
def _redis(directory: Path) -> Iterator[Path]:
    """A private redis-server on a unix socket (mode 0700) in `directory`, loading its dump.rdb if there."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise RealEngineError("redis-server is not installed: run scripts/setup.sh (apt-get install redis-server)")
    sock = directory / "redis.sock"
    config = (
        f"port 0\nunixsocket {sock}\nunixsocketperm 700\ndir {directory}\ndbfilename dump.rdb\n"
        f'save ""\nappendonly no\nlogfile {directory / "redis.log"}\ndaemonize no\n'
    )
    process = subprocess.Popen(
        [exe, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        umask=0o077,
    )
    assert process.stdin is not None
    process.stdin.write(config.encode())
    process.stdin.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log = directory / "redis.log"
                raise RealEngineError(
                    f"NodeBB's redis-server exited ({process.returncode}): "
                    f"{log.read_text(errors='replace')[-2000:] if log.exists() else ''}"
                )
            try:
                if _redis_call(sock, "PING").startswith(b"+PONG"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RealEngineError(f"NodeBB's redis-server did not answer on {sock} within 30 s")
            time.sleep(0.05)
        yield sock
    finally:
        _stop(process)


def _config(app: Path, port: int, sock: Path) -> None:
    _private_write(
        app / "config.json",
        json.dumps(
            {
                "url": f"http://127.0.0.1:{port}",
                "port": port,
                "bind_address": "127.0.0.1",
                "secret": "local-throwaway-site-secret",
                "database": "redis",
                "redis": {"host": str(sock), "port": "", "password": "", "database": "0"},
            },
            indent=2,
        ),
    )


def _node(app: Path, args: list[str], *, stdin: str | None = None, timeout: float = 300) -> str:
    proc = subprocess.run(
        ["node", *args],
        cwd=app,
        env={**ENV, "HOME": str(app.parent)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        umask=0o077,
    )
    if proc.returncode != 0:
        raise RealEngineError(
            f"node {' '.join(args)[:80]}... failed in {app} (exit {proc.returncode}):\n"
            f"{(proc.stderr or proc.stdout)[-3000:]}"
        )
    return proc.stdout


def _install(package: Path, root: Path) -> None:
    """NodeBB's own setup on a fresh copy of its app (schema, default categories and welcome topic,
    the admin, the asset build), kept in CACHE: its built app and its database's dump."""
    app = root / "install" / "app"
    shutil.copytree(package, app, symlinks=True)
    (app / "node_modules").symlink_to(package.parent)  # the hoisted tree npm installed beside NodeBB
    for sub in ("sounds", "files", "profile", "system", "category"):  # npm's package drops these empty dirs
        (app / "public" / "uploads" / sub).mkdir(parents=True, exist_ok=True)
    data = root / "install" / "redis"
    data.mkdir(mode=0o700)
    with _redis(data) as sock:
        _config(app, free_port(), sock)
        setup = {
            "admin:username": "admin",
            "admin:password": PASSWORD,
            "admin:password:confirm": PASSWORD,
            "admin:email": "admin@forum.invalid",
        }
        _node(app, ["app.js", f"--setup={json.dumps(setup)}"], timeout=600)
        if not _redis_call(sock, "SAVE").startswith(b"+OK"):
            raise RealEngineError("NodeBB's installed database could not be saved (redis SAVE)")
    partial = CACHE.with_name(f"{CACHE.name}.{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    (app / "config.json").unlink()
    shutil.copytree(app, partial / "app", symlinks=True, ignore=shutil.ignore_patterns("logs"))
    shutil.copyfile(data / "dump.rdb", partial / "dump.rdb")
    shutil.rmtree(CACHE, ignore_errors=True)
    partial.replace(CACHE)


def site_spec(seed: int = 7) -> tuple[dict[str, Any], dict[str, str]]:
    """site_content for NodeBB (3 boards of 3 topics) plus what NodeBB shows beside a post: a user's
    signature, a quote of an earlier post, two edits (one by another user), a dump uploaded as a
    file; and each touched post's `excerpt` / `absent` by key."""
    content = site_content(seed, boards=3, threads=3, per_page=POSTS_PER_PAGE)
    users = content["users"]
    content["signature"] = f"{users[1]} : vendeur de confiance, réponses sous 24 h"
    content["settings"] = {"posts_per_page": POSTS_PER_PAGE, "topics_per_page": TOPICS_PER_PAGE}
    content["boards"][2]["parent"] = 0  # a subcategory: a row of its parent's page, not of the index
    replies = [
        (t, i)
        for b in content["boards"]
        for t in b["threads"]
        for i in range(1, len(t["posts"]))
        if not t["posts"][i]["planted"] and not t["posts"][i - 1]["planted"]
    ]
    quoting, quoted = replies[2][0]["posts"][replies[2][1]], replies[2][0]["posts"][replies[2][1] - 1]
    quoting["quote"] = True
    content["quotes"] = {quoting["key"]: {"key": quoted["key"], "author": quoted["author"], "text": quoted["excerpt"]}}
    first, second = replies[4][0]["posts"][replies[4][1]], replies[-1][0]["posts"][replies[-1][1]]
    other = "admin"  # NodeBB lets its author or a moderator edit a post: the admin made by its setup
    content["edits"] = [
        {"key": first["key"], "editor": first["author"], "line": "Modifié : lien mis à jour."},
        {"key": second["key"], "editor": other, "line": f"Modifié par {other} : titre corrigé."},
    ]
    excerpts = {e["key"]: e["line"] for e in content["edits"]}
    # one dump uploaded as a file rather than pasted: its text links it (NodeBB's composer's way)
    dumps = [p for b in content["boards"] for t in b["threads"] for p in t["posts"][1:] if p["planted"]]
    uploader = dumps[1]
    body, dump = uploader["body"].split("\n\n```\n", 1)
    uploader["body"] = body
    uploader["files"] = [{"name": "export_patients.csv", "content": dump.removesuffix("\n```")}]
    return content, {**excerpts, f"quote:{quoting['key']}": quoted["excerpt"]}


def _truth(raw: list[dict[str, Any]], content: dict[str, Any], touched: dict[str, str], url: str) -> list[TruthPost]:
    """The script's rows as TruthPosts: an edited post's excerpt is its edit's line; a signature
    (the signing user's posts) and a quoted post's line (the quoting post) are shown but no part of it."""
    written = {p["key"]: p for b in content["boards"] for t in b["threads"] for p in t["posts"]}
    signer = content["users"][1]
    posts = []
    for row in raw:
        key = row["key"]
        row["excerpt"] = row["excerpt"] or touched.get(key)
        row["absent"] = [content["signature"] if row["author"] == signer else "", touched.get(f"quote:{key}", "")]
        posts.append(_truth_post(row, url, written))
    return sorted(posts, key=lambda p: p.id)


@contextmanager
def real_nodebb(*, seed: int = 7) -> Iterator[RealSite]:
    """Build a fresh NodeBB site in a private temp dir, serve it on 127.0.0.1:<free port>, and
    yield its URL and truth (`extra["install_s"]`: the install step's seconds, 0 when cached);
    the server and its redis are stopped and the dir removed on exit."""
    package = nodebb_app()
    if package is None:
        raise RealEngineError(
            f"{NODE_ENGINES['nodebb']} is not installed in {ENGINE_DIR} (or node is missing): "
            "run scripts/engines.sh nodebb"
        )
    root = Path(tempfile.mkdtemp(prefix="vigie-nodebb-"))  # 0700
    try:
        started = time.monotonic()
        if not nodebb_installed():
            _install(package, root)
        install_s = time.monotonic() - started
        app = root / "app"
        shutil.copytree(CACHE / "app", app, symlinks=True)
        data = root / "redis"
        data.mkdir(mode=0o700)
        shutil.copyfile(CACHE / "dump.rdb", data / "dump.rdb")
        with _redis(data) as sock:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            _config(app, port, sock)
            content, touched = site_spec(seed)
            raw = json.loads(_node(app, [str(SCRIPTS / "nodebb_site.js"), str(app)], stdin=json.dumps(content)))
            log = root / "server.log"
            with open(log, "wb") as sink:
                os.chmod(log, 0o600)
                process = subprocess.Popen(
                    ["node", "app.js"],
                    cwd=app,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    umask=0o077,
                    env={**ENV, "HOME": str(root)},
                )
            try:
                _wait_http(url + "/", process, log, timeout=120)
                yield RealSite(
                    "nodebb",
                    url,
                    _truth(raw, content, touched, url),
                    root,
                    log,
                    extra={"install_s": install_s, "edited": sorted(touched)},
                )
            finally:  # NodeBB before its database
                _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def nodebb_reply(site: RealSite, to: TruthPost, text: str, at: datetime, author: str) -> TruthPost:
    """A new post by `author` at the end of `to`'s topic in a running NodeBB site, written through
    NodeBB's own `topics.reply` (it bumps the topic's post count, the YAML's marker); `site.posts`
    stays the site as first built."""
    topic = re.search(r"/topic/(\d+)/", to.thread_url)
    if site.engine != "nodebb" or topic is None:
        raise RealEngineError(f"nodebb_reply answers a post of a NodeBB site, not {to.thread_url} of {site.engine}")
    spec = {"key": "late", "tid": int(topic.group(1)), "author": author, "body": text, "date": at.isoformat()}
    app = site.root / "app"
    rows = json.loads(_node(app, [str(SCRIPTS / "nodebb_site.js"), str(app), "reply"], stdin=json.dumps(spec)))
    return _truth_post(rows[0], site.url, {"late": {"excerpt": text.splitlines()[0], "planted": {}}})


def main() -> int:
    """`python -m vigie_kit.real_nodebb`: NodeBB's install step once (scripts/engines.sh), so the
    suite's sites start from the cached install."""
    if nodebb_app() is None or nodebb_installed():
        return 0
    try:
        with real_nodebb():
            pass
    except (RealEngineError, OSError, subprocess.SubprocessError) as exc:
        print(f"real_nodebb: its install step failed: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
