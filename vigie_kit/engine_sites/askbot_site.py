"""Make and populate a fresh Askbot site (run by the engine venv's python).

Askbot is a question-and-answer forum (StackOverflow's model): questions, their answers, and
comments under either; no boards, tags instead. `python askbot_site.py project DIR SIZES_JSON`
makes the project with Askbot's own `askbot-setup` (SQLite, its generated settings) and lets
127.0.0.1 in; `python askbot_site.py populate < site.json > truth.json` (cwd = DIR) fills it
through Askbot's user methods (`post_question`, `post_answer`, `post_comment`): a question per
thread tagged with its board's tag, then its posts as answers, every fourth as a comment under
the answer before it; the questions listing pages by 10 (Askbot's smallest page), a question's
answers by 10 (Askbot's constant); two posts edited afterwards, one by another user.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

PROJECT = "vsite"


def project(directory: Path) -> None:
    setup = Path(sys.executable).parent / "askbot-setup"
    subprocess.run([str(setup), "--force", "-r", str(directory), "--proj-name", PROJECT, "--db-engine", "sqlite",
                    "--db-name", str(directory / "db.sqlite3"), "--noinput", "--admin-name", "admin",
                    "--admin-email", "admin@forum.invalid", "--domain-name", "qa.forum.invalid", "--timezone", "UTC",
                    "--language-code", "en", "--log-file-path", str(directory / "askbot.log")],
                   check=True, stdout=subprocess.DEVNULL)
    with open(directory / PROJECT / "settings.py", "a", encoding="utf-8") as settings:
        settings.write('\nALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
                       'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n')


def tag(title: str) -> str:
    """A board's title as an Askbot tag (lower case ASCII words joined by '-')."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_.lower()))


def populate() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = f"{PROJECT}.settings"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from askbot.conf import settings as askbot_settings
    from django.contrib.auth import get_user_model
    from django.db import transaction

    site = json.load(sys.stdin)
    with transaction.atomic():  # one commit: ~8,000 statements each committed alone took a minute
        truth = _fill(site, askbot_settings, get_user_model())
    json.dump(truth, sys.stdout)


def _fill(site: dict, askbot_settings: Any, user_model: Any) -> list[dict]:
    askbot_settings.update("DEFAULT_QUESTIONS_PAGE_SIZE", "10")
    askbot_settings.update("LIMIT_ONE_ANSWER_PER_USER", False)  # four users answer a long thread
    users = {}
    for name in site["users"]:
        user = user_model.objects.create_user(username=name, email=f"{name}@forum.invalid",
                                              password=site["password"])
        user.reputation = 10000  # may answer its own question, comment, at once
        user.save()
        users[name] = user
    truth = []
    for board in site["boards"]:
        for thread in board["threads"]:
            question = answer = None
            for n, post in enumerate(thread["posts"]):
                at = datetime.fromisoformat(post["date"])
                author = users[post["author"]]
                if question is None:
                    row = question = author.post_question(title=thread["title"], body_text=post["body"],
                                                          tags=tag(board["title"]), timestamp=at)
                elif n % 4 == 3 and answer is not None:
                    row = author.post_comment(parent_post=answer, body_text=post["body"], timestamp=at)
                else:
                    row = answer = author.post_answer(question=question, body_text=post["body"], timestamp=at)
                truth.append({"id": row.pk, "key": post["key"], "author": post["author"], "thread": thread["title"],
                              "board": tag(board["title"]), "posted_at": row.added_at.isoformat(),
                              "thread_url": question.get_absolute_url(), "kind": row.post_type, "post": row,
                              "body": post["body"], "date": at, "tags": tag(board["title"])})
    _edit(truth, users)
    for row in truth:
        for key in ("post", "body", "date", "tags"):
            del row[key]
    return truth


def _edit(truth: list[dict], users: dict) -> None:
    """Two edits, a day after the last post: the first question by its own author, the second
    answer by another user. Askbot then shows the editor and the edit's time after the author and
    the post's own time: the post is still its author's, of its time; its text is the edited one
    (the runner's `excerpt`, the line the edit added)."""
    from datetime import timedelta

    at = max(row["date"] for row in truth) + timedelta(days=1)
    question = next(row for row in truth if row["kind"] == "question")
    answer = [row for row in truth if row["kind"] == "answer"][1]
    editor = next(user for name, user in users.items() if name != answer["author"])
    for row, user in ((question, users[question["author"]]), (answer, editor)):
        row["excerpt"] = f"Modifié par {user.username} : lien mis à jour."
        body = row["body"] + "\n\n" + row["excerpt"]
        if row["kind"] == "question":
            user.edit_question(question=row["post"], title=row["thread"], body_text=body, tags=row["tags"],
                               timestamp=at, force=True)
        else:
            user.edit_answer(answer=row["post"], body_text=body, timestamp=at, force=True)


if __name__ == "__main__":
    if sys.argv[1] == "project":
        project(Path(sys.argv[2]))
    else:
        populate()
