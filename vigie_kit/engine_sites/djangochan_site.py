"""Fill a fresh djangochan site (run by the engine venv's python, cwd = the site's directory,
after `djangochan init` made its database there).

`python djangochan_site.py populate < board.json > truth.json` creates the boards and posts
through djangochan's own models (core.models.Board, Post): its `save()` derives the tripcode
from `name#secret`, bumps a thread on a reply and, once a board holds `max_threads` threads,
archives one (djangochan's own rule: an archived thread leaves the board page for its archive).
Each post is then given its date (djangochan stamps `now` and has no way to post in the past),
its thread bumped to it, before the next post is made, so the archive rule sees the same order.
`python djangochan_site.py reply THREAD < post.json` adds one reply the same way.

The truth printed is what djangochan stored, read back: ids, names, tripcodes, dates, archive flags.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangochan.settings")
    os.environ.setdefault("DJANGOCHAN_WORKDIR", os.getcwd())
    import django

    django.setup()


def _post(board: Any, thread: Any, spec: dict[str, Any], ids: dict[str, int]) -> Any:
    from core.models import Post

    text = spec["text"]
    for key, pk in ids.items():  # quotes of earlier posts (">>{k3}") by the ids djangochan gave them
        text = text.replace("{" + key + "}", str(pk))
    post = Post(board=board, thread=thread, author=spec.get("author") or "Anonymous",
                subject=spec.get("subject", ""), text=text)
    post.save()
    at = datetime.fromisoformat(spec["date"])
    Post.objects.filter(pk=post.pk).update(timestamp=at, bump=at)
    post.refresh_from_db()
    if thread is not None:  # a reply's save() wrote the OP back whole (with its bump at now)
        Post.objects.filter(pk=thread.pk).update(bump=at)
        thread.refresh_from_db()
    ids[spec["key"]] = post.pk
    return post


def _truth(keys: dict[int, str]) -> list[dict[str, Any]]:
    from core.models import Post

    rows = []
    for post in Post.objects.select_related("board", "thread").order_by("pk"):
        op = post.thread or post
        trip = ("!!" if post.secure else "!") + post.tripcode if post.tripcode else ""
        rows.append({"key": keys.get(post.pk), "id": post.pk, "author": f"{post.author} {trip}".strip(),
                     "thread": op.pk, "thread_url": f"/{post.board.ln}/thread/{op.pk}/",
                     "thread_subject": op.subject, "thread_text": op.text, "archived": op.archived,
                     "board": f"/{post.board.ln}/ - {post.board.name}", "posted_at": post.timestamp.isoformat()})
    return rows


def populate() -> None:
    _setup()
    from core.models import Board

    site = json.load(sys.stdin)
    ids: dict[str, int] = {}
    for spec in site["boards"]:
        board = Board.objects.create(ln=spec["ln"], name=spec["name"], description=spec.get("description", ""),
                                     max_threads=spec.get("max_threads", 100))
        for thread in spec["threads"]:
            op = _post(board, None, thread["posts"][0], ids)
            for reply in thread["posts"][1:]:
                _post(board, op, reply, ids)
    json.dump(_truth({pk: key for key, pk in ids.items()}), sys.stdout)


def reply() -> None:
    _setup()
    from core.models import Post

    thread = Post.objects.get(pk=int(sys.argv[2]))
    spec = json.load(sys.stdin)
    ids: dict[str, int] = {}
    _post(thread.board, thread, spec, ids)
    json.dump([row for row in _truth({ids[spec["key"]]: spec["key"]}) if row["key"] == spec["key"]], sys.stdout)


if __name__ == "__main__":
    {"populate": populate, "reply": reply}[sys.argv[1]]()
