"""Populate a fresh django-spirit site (run by the engine venv's python, cwd = the project dir).

Usage: python spirit_site.py SETTINGS_MODULE < site.json > truth.json. The site JSON is made by
vigie_kit.real_engines (users, boards, threads, posts with bodies and UTC dates); everything is
written through Spirit's models and its own Markdown renderer, like its views do.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[1]
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from djconfig.models import Config
    from spirit.category.models import Category
    from spirit.comment.models import Comment
    from spirit.core.utils.markdown import Markdown
    from spirit.topic.models import Topic

    site = json.load(sys.stdin)
    for key, value in site["settings"].items():  # what Spirit's admin "config" form stores
        Config.objects.update_or_create(key=key, defaults={"value": json.dumps(value)})
    users = {}
    for name in site["users"]:
        user = get_user_model().objects.create_user(username=name, email=f"{name}@forum.invalid",
                                                    password=site["password"])
        user.st.is_verified = True
        user.st.save()
        users[name] = user
    truth = []
    for board in site["boards"]:
        category = Category.objects.create(title=board["title"], description=board["title"])
        for thread in board["threads"]:
            first = thread["posts"][0]
            topic = Topic.objects.create(user=users[first["author"]], category=category, title=thread["title"],
                                         date=datetime.fromisoformat(first["date"]),
                                         last_active=datetime.fromisoformat(thread["posts"][-1]["date"]))
            for post in thread["posts"]:
                comment = Comment.objects.create(user=users[post["author"]], topic=topic, comment=post["body"],
                                                 comment_html=Markdown().render(post["body"]),
                                                 date=datetime.fromisoformat(post["date"]))
                stored = Comment.objects.get(pk=comment.pk).date
                truth.append({"id": comment.pk, "key": post["key"], "author": post["author"],
                              "thread_url": topic.get_absolute_url(), "thread": thread["title"],
                              "board": board["title"], "posted_at": stored.isoformat()})
            topic.comment_count = len(thread["posts"])
            topic.save()
    json.dump(truth, sys.stdout)


if __name__ == "__main__":
    main()
