"""Make and populate a fresh django-machina site (run by the engine venv's python).

`python machina_site.py project DIR` writes a Django project for machina (its documented
settings: apps, middleware, template and static dirs, caches, haystack) into DIR;
`python machina_site.py populate < site.json > truth.json` (cwd = DIR) fills it through
machina's models: a category per board holding one forum, topics, posts, and the anonymous
read permissions of a public board; one forum stays empty.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from _django_project import make_users, run, setup_django, write_project

SETTINGS = '''
import os
from machina import MACHINA_MAIN_STATIC_DIR, MACHINA_MAIN_TEMPLATE_DIR
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "local-throwaway-site-key"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles",
    "mptt", "haystack", "widget_tweaks",
    "machina", "machina.apps.forum", "machina.apps.forum_conversation",
    "machina.apps.forum_conversation.forum_attachments", "machina.apps.forum_conversation.forum_polls",
    "machina.apps.forum_feeds", "machina.apps.forum_moderation", "machina.apps.forum_search",
    "machina.apps.forum_tracking", "machina.apps.forum_member", "machina.apps.forum_permission",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "machina.apps.forum_permission.middleware.ForumPermissionMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [MACHINA_MAIN_TEMPLATE_DIR], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages",
        "machina.core.context_processors.metadata"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "machina_attachments": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                  "LOCATION": os.path.join(BASE_DIR, "attachments_cache")}}
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
STATIC_URL = "/static/"
STATICFILES_DIRS = [MACHINA_MAIN_STATIC_DIR]
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
'''
URLS = '''
from django.contrib import admin
from django.urls import include, path
from machina import urls as machina_urls
urlpatterns = [path("admin/", admin.site.urls), path("forum/", include(machina_urls))]
'''


def project(directory: Path) -> None:
    write_project(directory, SETTINGS, URLS)


def populate() -> None:
    setup_django()
    from machina.apps.forum.models import Forum
    from machina.apps.forum_conversation.models import Post, Topic
    from machina.apps.forum_permission.models import ForumPermission, UserForumPermission

    site = json.load(sys.stdin)
    users = make_users(site)
    for codename in ("can_see_forum", "can_read_forum"):  # a public board: guests may read
        permission = ForumPermission.objects.get(codename=codename)
        UserForumPermission.objects.create(forum=None, permission=permission, anonymous_user=True, has_perm=True)
        UserForumPermission.objects.create(forum=None, permission=permission, authenticated_user=True,
                                           has_perm=True)
    truth = []
    for board in site["boards"]:
        category = Forum.objects.create(name=f"Catégorie {board['title']}", type=Forum.FORUM_CAT)
        forum = Forum.objects.create(name=board["title"], parent=category, type=Forum.FORUM_POST)
        for thread in board["threads"]:
            topic = Topic.objects.create(forum=forum, poster=users[thread["posts"][0]["author"]],
                                         subject=thread["title"], type=Topic.TOPIC_POST, status=Topic.TOPIC_UNLOCKED,
                                         approved=True)
            for post in thread["posts"]:
                at = datetime.fromisoformat(post["date"])
                row = Post.objects.create(topic=topic, poster=users[post["author"]], subject=thread["title"],
                                          content=post["body"], approved=True)
                Post.objects.filter(pk=row.pk).update(created=at, updated=at)
                stored = Post.objects.get(pk=row.pk).created
                truth.append({"id": row.pk, "key": post["key"], "author": post["author"], "thread": thread["title"],
                              "topic": topic.pk, "board": board["title"], "posted_at": stored.isoformat()})
            topic.refresh_from_db()
            topic.update_trackers()
            Topic.objects.filter(pk=topic.pk).update(created=datetime.fromisoformat(thread["posts"][0]["date"]))
        forum.refresh_from_db()
        forum.update_trackers()
    from django.urls import reverse

    empty = Forum.objects.create(name="Annonces", type=Forum.FORUM_CAT)  # a forum with no topic yet
    Forum.objects.create(name="Annonces du staff", parent=empty, type=Forum.FORUM_POST)
    for item in truth:
        topic = Topic.objects.select_related("forum").get(pk=item.pop("topic"))
        item["thread_url"] = reverse("forum_conversation:topic", kwargs={
            "forum_slug": topic.forum.slug, "forum_pk": topic.forum.pk, "slug": topic.slug, "pk": topic.pk})
    json.dump(truth, sys.stdout)


if __name__ == "__main__":
    run(project, populate)
