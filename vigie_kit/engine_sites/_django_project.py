"""What the Django engines' site scripts share (machina, pybbm, misago). Each script runs in its
engine's own venv, on that engine's Python and Django (pybbm: 3.10 and Django 2.2), with this
directory first on sys.path because the script is run by its path: keep this module to what
every one of those Pythons can run."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MANAGE_PY = (
    "import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings')\n"
    "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n"
)


def write_project(directory: Path, settings: str, urls: str) -> None:
    """settings.py (with the extra settings given as JSON in argv[3]), urls.py and manage.py."""
    extra = "".join(f"{key} = {value!r}\n" for key, value in json.loads(sys.argv[3]).items())
    (directory / "settings.py").write_text(settings + extra, encoding="utf-8")
    (directory / "urls.py").write_text(urls, encoding="utf-8")
    (directory / "manage.py").write_text(_MANAGE_PY, encoding="utf-8")


def setup_django() -> None:
    """Django set up on the project in the working directory (the one `write_project` made)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()


def make_users(site: dict[str, Any]) -> dict[str, Any]:
    """The site's users, created through the engine's user model, by name."""
    from django.contrib.auth import get_user_model

    return {name: get_user_model().objects.create_user(username=name, email=f"{name}@forum.invalid",
                                                       password=site["password"]) for name in site["users"]}


def run(project: Callable[[Path], None], populate: Callable[[], None]) -> None:
    """A site script's command line: `project DIR SETTINGS_JSON`, or `populate` (the site as JSON on stdin)."""
    if sys.argv[1] == "project":
        project(Path(sys.argv[2]))
    else:
        populate()
