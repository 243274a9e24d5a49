"""Real paste engines' sites (pinnwand, dpaste), run from their venvs and filled through their own
HTTP APIs once served: run by vigie_kit.real_engines.real_paste in OUR python (unlike the forum
site scripts beside it, which run in the engine's), since nothing here imports the engine.

Each builder gets the engine venv's python and a private dir, writes the engine's configuration,
and returns the command serving it (`{port}` / `{addr}` filled in by the caller) and a `fill`
function that creates the pastes over HTTP once the server answers and returns what the engine
stored (its slugs and URLs): the truth the crawl is compared with.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["PASTE_BUILDERS", "PasteBuild"]

# (command, fill(base_url, pastes) -> stored rows): the server command, and how pastes are created
PasteBuild = tuple[list[str], Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]]]

PINNWAND_CONFIG = """
database_uri = "sqlite:///{db}"
# a throwaway site on loopback: no rate limit in the way of building it or crawling it
[ratelimit.read]
capacity = 100000
consume = 1
refill = 100000
[ratelimit.create]
capacity = 100000
consume = 1
refill = 100000
[ratelimit.delete]
capacity = 100000
consume = 1
refill = 100000
"""

DPASTE_SETTINGS = """
from dpaste.settings.base import *  # noqa: F403  (dpaste's own settings, as its docs say to start from)
import os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "local-throwaway-site-key"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "dpaste.sqlite")}}
STATICFILES_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
LOGGING = {"version": 1, "disable_existing_loggers": False}
"""


def _post(url: str, body: bytes, content_type: str) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:  # loopback only
        return dict(json.loads(answer.read().decode("utf-8")))


def _write(path: Path, text: str) -> None:
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    path.write_text(text, encoding="utf-8")


def _pinnwand(python: Path, root: Path) -> PasteBuild:
    """pinnwand's own server on a SQLite file; pastes (one or several files each) through its
    v1 API (`POST /api/v1/paste`), which answers with the paste's link."""
    config = root / "pinnwand.toml"
    _write(config, PINNWAND_CONFIG.format(db=root / "pinnwand.sqlite"))

    def fill(url: str, pastes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for paste in pastes:
            files = [{"lexer": f["lexer"], "content": f["content"], "name": f["name"]} for f in paste["files"]]
            answer = _post(url + "/api/v1/paste", json.dumps({"expiry": "1week", "files": files}).encode(),
                           "application/json")
            link = urllib.parse.urlsplit(answer["link"])
            out.append({"key": paste["key"], "id": link.path.strip("/"), "url": url + link.path,
                        "title": None, "author": None, "posted_at": None})
        return out

    return [str(python), "-m", "pinnwand", "--configuration-path", str(config), "http", "--port", "{port}"], fill


def _dpaste(python: Path, root: Path) -> PasteBuild:
    """dpaste's own settings (SQLite), migrated, served by Django's runserver; snippets through
    its API (`POST /api/`, format json), which answers with the snippet's URL."""
    _write(root / "vsettings.py", DPASTE_SETTINGS)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8",
           "DJANGO_SETTINGS_MODULE": "vsettings", "PYTHONPATH": str(root)}
    proc = subprocess.run([str(python), "-m", "django", "migrate", "-v0"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180, umask=0o077)
    if proc.returncode != 0:
        raise RuntimeError(f"dpaste's migrate failed in {root} (exit {proc.returncode}):\n{proc.stderr[-3000:]}")

    def fill(url: str, pastes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for paste in pastes:
            only = paste["files"][0]  # a snippet is one text
            lexer = {"text": "_text"}.get(only["lexer"], only["lexer"])  # dpaste's name for plain text
            form = {"content": only["content"], "lexer": lexer, "filename": only["name"],
                    "expires": str(3600 * 24 * 7), "format": "json"}
            answer = _post(url + "/api/", urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded")
            path = urllib.parse.urlsplit(answer["url"]).path
            out.append({"key": paste["key"], "id": path.strip("/"), "url": url + path,
                        "title": None, "author": None, "posted_at": None})
        return out

    return [str(python), "-m", "django", "runserver", "--noreload", "--settings=vsettings",
            "--pythonpath", str(root), "{addr}"], fill


BEPASTY_CONFIG = """
SITENAME = "127.0.0.1"
STORAGE = "filesystem"
STORAGE_FILESYSTEM_DIRECTORY = {storage!r}
SECRET_KEY = "local-throwaway-site-key"
# the uploader logs in with this token; anyone may read and list (a public file drop)
PERMISSIONS = {{{token!r}: "admin,list,create,modify,read,delete"}}
DEFAULT_PERMISSIONS = "read,list"
"""
BEPASTY_TOKEN = "engine-demo-upload-token-8Vw"  # the throwaway site's uploader secret


def _multipart(fields: dict[str, str], filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "vigie-boundary-7f3a9c"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _bepasty(python: Path, root: Path) -> PasteBuild:
    """bepasty's own server (Flask) on filesystem storage; each file is uploaded through the upload
    form's endpoint (`POST /+upload`) with the uploader's token in the form (as bepasty's command
    line clients send it), which redirects to the item's page: its name is the item's id."""
    storage = root / "storage"
    storage.mkdir(mode=0o700)
    config = root / "bepasty.cfg"
    _write(config, BEPASTY_CONFIG.format(storage=str(storage), token=BEPASTY_TOKEN))

    def fill(url: str, pastes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for paste in pastes:
            only = paste["files"][0]  # an item is one file
            data = only["content"] if isinstance(only["content"], bytes) else only["content"].encode()
            body, ctype = _multipart({"token": BEPASTY_TOKEN, "maxlife-unit": "WEEKS", "maxlife-value": "1"},
                                     only["name"], data,
                                     only.get("type", "text/plain"))
            upload = urllib.request.Request(url + "/+upload", data=body, headers={"Content-Type": ctype}, method="POST")
            with urllib.request.urlopen(upload, timeout=30) as answer:
                path = urllib.parse.urlsplit(answer.geturl()).path
            item = path.strip("/")
            with open(storage / f"{item}.meta", "rb") as meta:  # what bepasty stored (its own pickle)
                uploaded = pickle.load(meta)["timestamp-upload"]
            out.append({"key": paste["key"], "id": item, "url": url + path, "title": only["name"], "author": None,
                        "posted_at": datetime.fromtimestamp(uploaded, UTC).isoformat()})
        return out

    return ["/usr/bin/env", f"BEPASTY_CONFIG={config}", str(python.parent / "bepasty-server"), "--host", "127.0.0.1",
            "--port", "{port}"], fill


PASTE_BUILDERS: dict[str, Callable[[Path, Path], PasteBuild]] = {"pinnwand": _pinnwand, "dpaste": _dpaste,
                                                                 "bepasty": _bepasty}
