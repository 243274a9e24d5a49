"""Make and populate a fresh pybbm site (run by the engine venv's python).

`python pybbm_site.py project DIR SIZES_JSON` writes a Django project for pybbm (its documented
settings: the app, its context processor and middleware, the site's `base.html` its templates
extend, `pybb.urls` under /forum/) into DIR; `python pybbm_site.py populate < site.json >
truth.json` (cwd = DIR) fills it through pybbm's models: a category per board holding one
forum, topics and posts (two users sign theirs: a signature is no part of a post); one forum
stays empty.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from _django_project import make_users, run, setup_django, write_project

SETTINGS = '''
import os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "local-throwaway-site-key"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.sites", "django.contrib.messages", "django.contrib.staticfiles", "pybb",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "pybb.middleware.PybbMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(BASE_DIR, "templates")], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages",
        "pybb.context_processors.processor"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
'''
URLS = '''
from django.conf.urls import include, url
from django.contrib import admin
from django.contrib.auth.views import LoginView
# pybbm's templates link to a login and a sign-up page by these names (django-registration's)
urlpatterns = [url(r"^admin/", admin.site.urls), url(r"^forum/", include("pybb.urls", namespace="pybb")),
               url(r"^accounts/login/$", LoginView.as_view(), name="auth_login"),
               url(r"^accounts/register/$", LoginView.as_view(), name="registration_register")]
'''
# the site's own base template (pybbm's templates extend PYBB_TEMPLATE, "base.html"), as its docs show
BASE = '''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title>
{% block extra_head %}{% endblock %}</head>
<body><div id="breadcrumb">{% block breadcrumb %}{% endblock %}</div>
<div id="content">{% block content %}{% endblock %}</div>{% block extra_script %}{% endblock %}</body></html>
'''


def project(directory: Path) -> None:
    write_project(directory, SETTINGS, URLS)
    (directory / "templates").mkdir(mode=0o700, exist_ok=True)
    (directory / "templates" / "base.html").write_text(BASE, encoding="utf-8")


def populate() -> None:
    setup_django()
    from pybb.models import Category, Forum, Post, Topic

    site = json.load(sys.stdin)
    users = make_users(site)
    from pybb.util import get_pybb_profile

    signatures = {}
    for name in site["users"][:2]:  # a signature under each of their posts, shown to guests too
        profile = get_pybb_profile(users[name])
        profile.signature = signatures[name] = f"Vendeur de confiance, contact {name}.vente@protonmail.com"
        profile.save()
    truth = []
    for position, board in enumerate(site["boards"]):
        category = Category.objects.create(name=f"Catégorie {board['title']}", position=position)
        forum = Forum.objects.create(name=board["title"], category=category)
        for thread in board["threads"]:
            topic = Topic.objects.create(forum=forum, name=thread["title"], user=users[thread["posts"][0]["author"]])
            for post in thread["posts"]:
                at = datetime.fromisoformat(post["date"])
                row = Post.objects.create(topic=topic, user=users[post["author"]], body=post["body"], created=at)
                stored = Post.objects.get(pk=row.pk).created
                truth.append({"id": row.pk, "key": post["key"], "author": post["author"], "thread": thread["title"],
                              "thread_url": topic.get_absolute_url(), "board": board["title"],
                              "posted_at": stored.isoformat(), "absent": [signatures.get(post["author"], "")]})
            Topic.objects.filter(pk=topic.pk).update(created=datetime.fromisoformat(thread["posts"][0]["date"]))
    empty = Category.objects.create(name="Annonces", position=len(site["boards"]))  # a forum with no topic yet
    Forum.objects.create(name="Annonces du staff", category=empty)
    json.dump(truth, sys.stdout)


if __name__ == "__main__":
    run(project, populate)
