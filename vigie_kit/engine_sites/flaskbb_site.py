"""Run FlaskBB's own CLI, or populate a fresh FlaskBB site (run by the engine venv's python).

`python flaskbb_site.py cli ARGS...` is the `flaskbb` command (install, run...);
`python flaskbb_site.py populate CONFIG < site.json > truth.json` fills the site through
FlaskBB's models (users, a category per board holding one forum, topics, posts) and its
settings (posts/topics per page).

Why the import hook: flaskbb 2.2.0 declares Python >= 3.12 but annotates with names it imports
only under TYPE_CHECKING (`dist: Distribution`), which only Python 3.14's deferred annotations
tolerate. FlaskBB's own modules are therefore compiled here with `from __future__ import
annotations` (annotations kept as strings, as 3.14 does lazily), their bytecode cached apart
(<venv>/lazy-annotations-pycache); the engine's files on disk are not changed.
"""

from __future__ import annotations
import __future__

import importlib.machinery
import json
import sys
from datetime import datetime
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

_LAZY = __future__.annotations.compiler_flag


class _LazyAnnotationsLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data: Any, path: Any, *, _optimize: int = -1) -> CodeType:  # type: ignore[override]
        return compile(data, path, "exec", flags=_LAZY, dont_inherit=True, optimize=_optimize)


class _FlaskBBFinder:
    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: ModuleType | None = None) -> Any:
        if name.split(".")[0] != "flaskbb":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = _LazyAnnotationsLoader(spec.loader.name, spec.loader.path)
        return spec


def populate(config: str) -> None:
    from flaskbb import create_app
    from flaskbb.extensions import db
    from flaskbb.forum.models import Category, Forum, Post, Topic
    from flaskbb.management.models import Setting
    from flaskbb.user.models import Group, User

    site = json.load(sys.stdin)
    app = create_app(config)
    truth = []
    with app.app_context(), app.test_request_context("/"):
        Setting.update({"posts_per_page": site["per_page"], "topics_per_page": site["per_page"]})
        member = db.session.execute(db.select(Group).filter_by(name="Member")).scalar_one()
        users = {}
        for name in site["users"]:
            user = User(username=name, email=f"{name}@forum.invalid", password=site["password"])
            user.primary_group_id = member.id
            user.activated = True
            if name in site["users"][:2]:  # shown under each of their posts, inside the post's cell
                user.signature = f"Vendeur de confiance, contact {name}.vente@protonmail.com"
            users[name] = user.save()
        for position, board in enumerate(site["boards"], start=2):
            category = Category(title=f"Catégorie {board['title']}", position=position)
            category.save()
            forum = Forum(title=board["title"], description=board["title"], category_id=category.id)
            forum.save()
            for thread in board["threads"]:
                first, *rest = thread["posts"]
                topic = Topic(title=thread["title"])
                post = Post(content=first["body"])
                topic.save(user=users[first["author"]], forum=forum, post=post)
                written = [(post, first)]
                for item in rest:
                    reply = Post(content=item["body"])
                    reply.save(user=users[item["author"]], topic=topic)
                    written.append((reply, item))
                for row, item in written:  # the dates the site's history would have given them
                    row.date_created = datetime.fromisoformat(item["date"])
                topic.date_created = written[0][0].date_created
                topic.last_updated = forum.last_post_created = written[-1][0].date_created
                db.session.commit()
                for row, item in written:
                    db.session.refresh(row)
                    truth.append({"id": row.id, "key": item["key"], "author": item["author"],
                                  "thread": thread["title"], "thread_url": topic.url, "board": board["title"],
                                  "posted_at": row.date_created.isoformat(),
                                  "absent": [users[item["author"]].signature or ""]})
        # `flaskbb install` always makes its welcome forum and topic: their post is truth too
        ours = {item["id"] for item in truth}
        for row in db.session.execute(db.select(Post)).scalars():
            if row.id not in ours:
                truth.append({"id": row.id, "key": None, "author": row.username, "thread": row.topic.title,
                              "thread_url": row.topic.url, "board": row.topic.forum.title,
                              "posted_at": row.date_created.isoformat(), "excerpt": row.content.splitlines()[0]})
    json.dump(truth, sys.stdout)


def main() -> None:
    sys.meta_path.insert(0, _FlaskBBFinder)
    # the bytecode compiled so is cached apart from the ordinary one, which it must never replace
    sys.pycache_prefix = str(Path(sys.prefix) / "lazy-annotations-pycache")
    if sys.argv[1] == "cli":
        from flaskbb.cli.main import flaskbb

        sys.argv = ["flaskbb", *sys.argv[2:]]
        flaskbb()
    else:
        populate(sys.argv[2])


if __name__ == "__main__":
    main()
