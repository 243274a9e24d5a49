"""Make and populate a fresh HyperKitty archive (run by the engine venv's python).

HyperKitty is GNU Mailman 3's archive UI: mailing lists, threads of mails, attachments. Mailman
core is not needed to read an archive: mails reach it through HyperKitty's own `add_to_list`
(what its archiver endpoint and `hyperkitty_import` call), in batch mode (no Mailman REST calls).

`python hyperkitty_site.py project DIR SIZES_JSON` writes a Django project for HyperKitty (the
settings of its test and example projects: its apps, django-mailman3's, allauth, django-q run
in-process, haystack's simple engine, no SCSS compiler) into DIR; `python hyperkitty_site.py
populate < site.json > truth.json` (cwd = DIR) archives the site's posts as mails: a list per
board, a thread per thread (replies In-Reply-To the mail before), some replies quoting that
mail, two authors signing theirs (`-- ` lines), one dump sent as a CSV attachment rather than in
the text. Senders write from Paris (their Date headers carry +0100), as the list's members do.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from _django_project import run, setup_django, write_project

SETTINGS = '''
import os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "local-throwaway-site-key"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1
INSTALLED_APPS = [
    "hyperkitty", "django_mailman3", "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.sites", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.humanize", "rest_framework", "django_gravatar", "compressor", "haystack", "django_extensions",
    "django_q", "allauth", "allauth.account", "allauth.socialaccount",
]
MIDDLEWARE = [
    "allauth.account.middleware.AccountMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.locale.LocaleMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware", "django.middleware.security.SecurityMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.i18n",
        "django.template.context_processors.static", "django.template.context_processors.tz",
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages", "django_mailman3.context_processors.common",
        "hyperkitty.context_processors.common"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder",
                       "django.contrib.staticfiles.finders.AppDirectoriesFinder", "compressor.finders.CompressorFinder"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "hk_root"
LOGOUT_URL = "account_logout"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                           "allauth.account.auth_backends.AuthenticationBackend"]
COMPRESS_ENABLED = False
COMPRESS_PRECOMPILERS = ()  # no sassc here: HyperKitty's test settings do the same
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
Q_CLUSTER = {"retry": 60, "timeout": 30, "orm": "default", "sync": True}
MAILMAN_REST_API_URL = "http://127.0.0.1:9"   # never called: batch mode, no Postorius
MAILMAN_REST_API_USER = "restadmin"
MAILMAN_REST_API_PASS = "restpass"
MAILMAN_ARCHIVER_KEY = "local-throwaway-archiver-key"
MAILMAN_ARCHIVER_FROM = ("127.0.0.1", "::1")
HYPERKITTY_BATCH_MODE = True
FILTER_VHOST = False
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
'''
URLS = '''
from django.urls import include, path
urlpatterns = [path("hyperkitty/", include("hyperkitty.urls")), path("", include("django_mailman3.urls")),
               path("accounts/", include("allauth.urls"))]
'''
PARIS = ZoneInfo("Europe/Paris")
DOMAIN = "lists.forum.invalid"


def project(directory: Path) -> None:
    write_project(directory, SETTINGS, URLS)


def _list_name(number: int) -> str:
    return f"liste{number + 1}@{DOMAIN}"


def _archive(name: str, subject: str, post: dict, message_id: str, parent: dict | None,
             attachment: tuple[str, str] | None = None) -> dict:
    """`post` sent to list `name` as a mail (answering `parent`'s, when given) and archived by
    HyperKitty's `add_to_list`; returns its truth row (the mail as HyperKitty stored it)."""
    from django.urls import reverse
    from hyperkitty.lib.incoming import add_to_list
    from hyperkitty.models import Email

    message = EmailMessage()
    author = post["author"]
    message["From"] = f"{author} <{author}@forum.invalid>"
    message["To"] = name
    message["Subject"] = subject if parent is None else f"Re: {subject}"
    at = datetime.fromisoformat(post["date"])
    message["Date"] = format_datetime(at.astimezone(PARIS))  # the sender's clock: Paris
    message["Message-ID"] = message_id
    if parent is not None:
        message["In-Reply-To"] = parent["message_id"]
        message["References"] = parent["message_id"]
    message.set_content(post["text"])
    if attachment is not None:
        filename, text = attachment
        message.add_attachment(text.encode("utf-8"), maintype="text", subtype="csv", filename=filename)
    hash_ = add_to_list(name, message)
    email = Email.objects.select_related("thread", "mailinglist").get(mailinglist__name=name, message_id_hash=hash_)
    return {"id": email.pk, "key": post["key"], "author": author, "thread": subject,
            "board": email.mailinglist.display_name, "posted_at": email.date.isoformat(), "page_id": hash_,
            "files": [attachment[0]] if attachment else [], "message_id": message_id,
            "thread_url": reverse("hk_thread", kwargs={"mlist_fqdn": name, "threadid": email.thread.thread_id})}


def populate() -> None:
    setup_django()
    from django.db import transaction

    site = json.load(sys.stdin)
    with transaction.atomic():  # one commit, not one a statement
        truth = _fill(site)
    json.dump(truth, sys.stdout)


def _fill(site: dict) -> list[dict]:
    from hyperkitty.models import MailingList

    signers = {name: f"{name} -- membre depuis 2019, clé PGP sur demande" for name in site["users"][:2]}
    truth = []
    attached = False  # one dump goes as an attachment (the first dump post of a reply)
    for number, board in enumerate(site["boards"]):
        name = _list_name(number)
        MailingList.objects.update_or_create(name=name, defaults={"display_name": board["title"]})
        for t, thread in enumerate(board["threads"]):
            parent: dict | None = None
            for n, post in enumerate(thread["posts"]):
                absent = []
                body = post["body"]
                if parent is not None and n % 2 == 0:  # a reply quoting the mail it answers: no part of it
                    quoted = parent["excerpt"]
                    said = datetime.fromisoformat(parent["date"]).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
                    body = f"Le {said}, {parent['author']} a écrit :\n> {quoted}\n\n{body}"
                    absent.append(quoted)
                attachment = None
                if post["planted"] and parent is not None and not attached:
                    # the dump goes as a file: the text keeps what precedes it
                    body, _, dump = body.partition("\n\n```\n")
                    body += "\n\nVoir le fichier joint."
                    attachment = (f"export_{post['key']}.csv", dump.removesuffix("\n```"))
                    attached = True
                if post["author"] in signers:
                    body += f"\n\n-- \n{signers[post['author']]}\n"
                    absent.append(signers[post["author"]])
                row = _archive(name, thread["title"], {**post, "text": body}, f"<{post['key']}.b{number}t{t}@{DOMAIN}>",
                               parent, attachment)
                truth.append({**row, "absent": absent})
                parent = {**post, "message_id": row["message_id"]}
    return truth


def reply(page_id: str) -> None:
    """A new mail answering the mail whose Message-ID hash is `page_id` (the post as JSON on
    stdin: key, author, text, date), archived as the others were; prints its truth row."""
    setup_django()
    from hyperkitty.models import Email

    post = json.load(sys.stdin)
    parent = Email.objects.select_related("thread__starting_email", "mailinglist").get(message_id_hash=page_id)
    row = _archive(parent.mailinglist.name, parent.thread.starting_email.subject, post,
                   f"<{post['key']}.late@{DOMAIN}>", {"message_id": f"<{parent.message_id}>"})
    json.dump([{**row, "absent": []}], sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "reply":
        reply(sys.argv[2])
    else:
        run(project, populate)
