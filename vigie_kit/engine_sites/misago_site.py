"""Make and populate a fresh Misago site (run by the engine venv's python).

`python misago_site.py project DIR SETTINGS_JSON` writes a Django project for Misago into DIR:
Misago's own default settings (`misago.settings`: apps, context processors) with the project
settings its dev project sets (user model, backends, middleware, REST framework), PostgreSQL
(Misago runs on nothing else), Celery eager (no broker), local-memory cache;
`python misago_site.py populate < site.json > truth.json` (cwd = DIR) fills it through Misago's
models: a category per board (guests' permissions as the default category's), threads and
posts whose HTML is Misago's own markup parser's (a reply to a dump quotes it: a quote is no
part of the reply); one category stays empty.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from _django_project import run, setup_django, write_project

SETTINGS = '''
import json
import os
from misago.settings import *  # noqa: F403  (Misago's apps and context processors)
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(BASE_DIR, "pg.json"), encoding="utf-8") as fh:  # the kit's cluster (vigie_kit.engine_postgres)
    PG = json.load(fh)
SECRET_KEY = "local-throwaway-site-key"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": PG["database"], "USER": PG["user"],
                         "PASSWORD": PG["password"], "HOST": PG["host"], "PORT": int(PG["port"])}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "Forums <forum@forum.invalid>"
AUTH_USER_MODEL = "misago_users.User"
AUTHENTICATION_BACKENDS = ["misago.users.authbackends.MisagoBackend"]
CSRF_FAILURE_VIEW = "misago.core.errorpages.csrf_failure"
LOGIN_REDIRECT_URL = "misago:index"
LOGIN_URL = "misago:login"
LOGOUT_URL = "misago:logout"
MIDDLEWARE = [
    "misago.users.middleware.RealIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "misago.cache.middleware.cache_versions_middleware",
    "misago.conf.middleware.dynamic_settings_middleware",
    "misago.socialauth.middleware.socialauth_providers_middleware",
    "misago.users.middleware.UserMiddleware",
    "misago.acl.middleware.user_acl_middleware",
    "misago.core.middleware.ExceptionHandlerMiddleware",
    "misago.users.middleware.OnlineTrackerMiddleware",
    "misago.admin.middleware.AdminAuthMiddleware",
    "misago.threads.middleware.UnreadThreadsCountMiddleware",
    "misago.core.middleware.FrontendContextMiddleware",
]
ROOT_URLCONF = "urls"
SOCIAL_AUTH_STRATEGY = "misago.socialauth.strategy.MisagoStrategy"
SOCIAL_AUTH_JSONFIELD_ENABLED = True
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
              "OPTIONS": {"context_processors": TEMPLATE_CONTEXT_PROCESSORS}}]  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["misago.core.rest_permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "misago.core.exceptionhandler.handle_api_exception",
    "UNAUTHENTICATED_USER": "misago.users.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
}
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
MISAGO_SEARCH_CONFIG = "simple"
MISAGO_AVATARS_SIZES = [400, 200, 100]
MISAGO_USER_DATA_DOWNLOADS_WORKING_DIR = os.path.join(BASE_DIR, "userdata")
MISAGO_AVATAR_GALLERY = os.path.join(BASE_DIR, "avatargallery")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
'''
URLS = '''
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
urlpatterns = [path("", include("misago.urls", namespace="misago")),
               path("django-i18n.js", JavaScriptCatalog.as_view(packages=["misago"]), name="django-i18n")]
handler403 = "misago.core.errorpages.permission_denied"
handler404 = "misago.core.errorpages.page_not_found"
'''


def project(directory: Path) -> None:
    write_project(directory, SETTINGS, URLS)


def populate() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from misago.categories.models import Category, RoleCategoryACL
    from misago.core.utils import slugify
    from misago.markup import common_flavour
    from misago.threads.checksums import update_post_checksum
    from misago.threads.models import Post, Thread
    from misago.users.models import AnonymousUser

    site = json.load(sys.stdin)
    from misago.conf.models import Setting
    from misago.users.avatars import dynamic

    for name, value in site.get("settings", {}).items():  # page sizes: Misago keeps them in its database
        Setting.objects.change_setting(name, dry_value=str(value))

    users = {name: get_user_model().objects.create_user(name, f"{name}@forum.invalid", site["password"])
             for name in site["users"]}
    for user in users.values():  # Misago's generated avatar (its default one is fetched from gravatar)
        dynamic.set_avatar(user)
        user.save()
    root = Category.objects.root_category()
    template = Category.objects.get(slug="first-category")  # the category Misago installs, public
    acls = list(RoleCategoryACL.objects.filter(category=template))

    def category(name: str, parent: Category | None = None) -> Category:
        made = Category(name=name, slug=slugify(name))
        made.insert_at(parent or root, position="last-child", save=True)
        RoleCategoryACL.objects.bulk_create([RoleCategoryACL(role=a.role, category=made,
                                                             category_role=a.category_role) for a in acls])
        return made

    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    request.user = AnonymousUser()
    truth = []
    tops: list[Category] = []
    for number, board in enumerate(site["boards"]):
        # the last board is a subcategory of the first: Misago lists its threads in both
        where = category(board["title"], tops[0] if tops and number == len(site["boards"]) - 1 else None)
        tops.append(where)
        for thread in board["threads"]:
            first = thread["posts"][0]
            at = datetime.fromisoformat(first["date"])
            starter = users[first["author"]]
            row = Thread.objects.create(category=where, title=thread["title"], slug=slugify(thread["title"]),
                                        started_on=at, last_post_on=at, starter=starter,
                                        starter_name=starter.username, starter_slug=starter.slug,
                                        last_poster=starter, last_poster_name=starter.username,
                                        last_poster_slug=starter.slug)
            previous = None
            for post in thread["posts"]:
                poster = users[post["author"]]
                at = datetime.fromisoformat(post["date"])
                text, absent = post["body"], []
                if previous is not None and previous["planted"]:  # the reply to a dump quotes it
                    text = f'[quote="@{previous["author"]}"]\n{previous["body"]}\n[/quote]\n\n{text}'
                    absent = previous["planted"]["email"][:1]
                previous = post
                parsed = common_flavour(request, poster, text)
                made = Post.objects.create(category=where, thread=row, poster=poster, poster_name=poster.username,
                                           original=text, parsed=parsed["parsed_text"], checksum="-",
                                           posted_on=at, updated_on=at)
                update_post_checksum(made)
                made.save()
                truth.append({"id": made.pk, "key": post["key"], "author": poster.username,
                              "thread": thread["title"], "thread_url": row.get_absolute_url(),
                              "board": board["title"], "posted_at": Post.objects.get(pk=made.pk).posted_on.isoformat(),
                              "absent": absent})
            row.synchronize()
            row.save()
        where.synchronize()
        where.save()
    category("Annonces du staff")  # a category with no thread yet
    Category.objects.partial_rebuild(root.tree_id)
    from misago.acl.cache import clear_acl_cache

    clear_acl_cache()
    json.dump(truth, sys.stdout)


if __name__ == "__main__":
    run(project, populate)
