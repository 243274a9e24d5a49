# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Credentials written by the tools that keep them (`detect.logins`; wave 30, blind probe set 9b):
a `.netrc`, a `.pgpass`, connection URLs (`scheme://login:password@host`) in an `.env` or a log,
`Authorization: Basic` headers, XML configuration files pairing a user and a password element
(FileZilla's, base64 or plain; Maven's `settings.xml`). Before this round none of them gave a
credential, and a URL's `password@host` was read as an e-mail address (`notmail`).

Each class written again with other people, tools, separators and layouts than the probe's, and
negatives of the same shapes that are no one's: documentation's placeholders (`user:password`,
`${DB_PASSWORD}`, a login that is its own password), a man page's grammar, URLs with a port and no
user, timestamps and IPv6 addresses with four colons. Scoring as the blind probes: a positive's
identifiers of the scored types equal the expected set; a negative's hold none of the banned
types. A text with no start line at all (no `@`, no long run of digits, no combo line: a log of
Basic headers alone, a `.netrc` of user names) is read by neither road: a crawl's pages skip such a
post before detection (`prefilter.detect_many`), so `detect` does too. Every positive failed
before this change on both engines (but Maven's, which the XML reader read already: kept so that
the rewrite is seen not to lose it); both engines give the same
fragments; `detect_many` (the crawl's road) finds what `detect` does. Values are synthetic."""

from __future__ import annotations

import base64

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import recall_file_tests

KEY = MatchKey(b"\x5a" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}
_MAILS = ["noemie.carlier@laposte.net", "yanis.bertrand62@orange.fr", "g.lacombe@free.fr", "ophelie_rey@sfr.fr"]
_PW = ["Quai-des-Brumes7", "t0rtue!Geniale", "Marne#1914x", "Bel-Air_2025"]


def _cred(login: str, password: str) -> tuple[str, str]:
    return ("credential", f"{login}:{password}")


def _both(mails: list[str], pws: list[str]) -> Ids:
    return {_cred(m, p) for m, p in zip(mails, pws, strict=True)} | {("email", m) for m in mails}


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


# ------------------------------------------------------------------------------------------ .netrc
POSITIVES["netrc__one_line_entries_and_default"] = (
    "# ~/.netrc de la machine compta\n"
    + "\n".join(f"machine {h} login {m} password {p}" for h, m, p in zip(["mail.laposte.net", "ftp.orange.fr", "dav.free.fr"], _MAILS, _PW, strict=False))
    + f"\ndefault login {_MAILS[3]} password {_PW[3]}\n",
    _both(_MAILS, _PW),
)
NEGATIVES["netrc__man_page_grammar"] = (
    "The .netrc file contains the following tokens, separated by spaces, tabs or newlines:\n"
    "machine name\n    Identify a remote machine name.\n"
    "login name\n    Identify a user on the remote machine.\n"
    "password string\n    Supply a password.\n"
    "default\n    This is the same as machine name except that default matches any name.\n",
    frozenset({"credential", "email"}),
)
NEGATIVES["netrc__anonymous_ftp"] = (
    "machine ftp.gnu.org login anonymous password noemie.carlier@laposte.net\n"
    "machine ftp.debian.org login ftp password yanis.bertrand62@orange.fr\n"
    "machine mirror.lan login guest password Visiteur2026\n",
    frozenset({"credential"}),
)
NEGATIVES["netrc__template_placeholders"] = (
    "machine api.example.org login ${NETRC_USER} password ${NETRC_PASSWORD}\n"
    "machine uploads.example.org login <your-login> password <your-password>\n"
    "machine ci.example.org login ci password ci\n",
    frozenset({"credential"}),
)

# ----------------------------------------------------------------------------------------- .pgpass
POSITIVES["pgpass__ips_and_wildcards"] = (
    "10.40.2.11:5432:dossiers:lecture_seule:Vr4i-Ch3min!\n"
    "10.40.2.12:6432:*:pgbouncer_adm:Pont-Neuf-88\n"
    "*:*:*:replicator:Fl3uve#Loire\n",
    {_cred("lecture_seule", "Vr4i-Ch3min!"), _cred("pgbouncer_adm", "Pont-Neuf-88"), _cred("replicator", "Fl3uve#Loire")},
)
POSITIVES["pgpass__quoted_in_a_ticket"] = (
    "Ticket #4411 — pièce jointe pgpass.txt (serveur RDV):\n"
    "    rdv-db.cabinet-sante.lan:5432:agenda:agenda_app:Hirondelle.42\n"
    "    rdv-db.cabinet-sante.lan:5432:agenda:agenda_admin:Cormoran_1987!\n",
    {_cred("agenda_app", "Hirondelle.42"), _cred("agenda_admin", "Cormoran_1987!")},
)
NEGATIVES["pgpass__format_documentation"] = (
    "Each line of the password file should have the following format:\n"
    "hostname:port:database:username:password\n"
    "localhost:5432:*:postgres:postgres\n"
    "db.example.com:5432:mydb:user:password\n",
    frozenset({"credential"}),
)
NEGATIVES["pgpass__timestamps_and_ipv6"] = (
    "10:15:30:000:INFO worker started\n10:15:31:250:INFO worker ready\n"
    "fe80:0:0:0:a00:27ff:fe4e:66a1\n2001:db8:85a3:0:0:8a2e:370:7334\n"
    "12:00:00:00:00 compteur remis à zéro\n",
    frozenset({"credential", "phone"}),
)

# ------------------------------------------------------------------------------ URLs with a password
POSITIVES["url__compose_env_percent_encoded"] = (
    "services:\n  app:\n    environment:\n"
    f"      - DATABASE_URL=mysql://{_MAILS[0].replace('@', '%40')}:Bl%40nc-Sabl%C3%A9@mysql.cabinet.lan:3306/rdv\n"
    "      - CACHE_URL=redis://cache_user:Gr%C3%AAle-2024@redis.cabinet.lan:6379/1\n"
    "      - BROKER_URL=amqps://worker:Soleil%23Levant9@mq.cabinet.lan:5671/vhost\n",
    {_cred(_MAILS[0], "Bl@nc-Sablé"), ("email", _MAILS[0]), _cred("cache_user", "Grêle-2024"), _cred("worker", "Soleil#Levant9")},
)
POSITIVES["url__ftp_list_in_a_post"] = (
    "accès FTP récupérés (encore valides hier) :\n"
    + "\n".join(f"ftp://{m}:{p}@ftp.{m.split('@')[1]}/" for m, p in zip(_MAILS[1:], _PW[1:], strict=True)),
    _both(_MAILS[1:], _PW[1:]),
)
POSITIVES["url__https_userinfo_in_a_crawler_log"] = (
    "2026-11-29 03:12:01 GET https://intranet_rh:Pr1ntemps!26@rh.clinique-ouest.lan/export.csv 200\n"
    "2026-11-29 03:12:04 GET https://webdav_sync:Auto-Mne-9@dav.clinique-ouest.lan/partage/ 207\n",
    {_cred("intranet_rh", "Pr1ntemps!26"), _cred("webdav_sync", "Auto-Mne-9")},
)
NEGATIVES["url__readme_placeholders"] = (
    "Configure the connection string, e.g.\n"
    "    postgresql://user:password@localhost:5432/mydb\n"
    "    mysql://root:secret@127.0.0.1/test\n"
    "    redis://:${REDIS_PASSWORD}@redis:6379/0\n"
    "    mongodb://admin:admin@mongo:27017/\n",
    frozenset({"credential", "email"}),
)
NEGATIVES["url__ports_and_no_user"] = (
    "Mirrors: https://mirror.example.org:8443/debian/ and http://10.0.0.4:8080/status?ok=1@2\n"
    "ssh://git@forge.example.org:2222/team/repo.git\nhttps://user@example.org/profile\n",
    frozenset({"credential", "email"}),
)

# -------------------------------------------------------------------------------- Basic headers
NEGATIVES["basic__rfc_example_and_garbage"] = (
    "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"
    "Authorization: Basic ####not-base64####\n"
    "Authorization: Basic " + _b64("no colon here") + "\n",
    frozenset({"credential", "email"}),
)

# ------------------------------------------------------------------------------------------- XML
POSITIVES["xml__filezilla_recentservers_pretty_printed"] = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3>\n<RecentServers>\n'
    + "\n".join(
        f"\t<Server>\n\t\t<Host>ftp.{m.split('@')[1]}</Host>\n\t\t<Port>21</Port>\n\t\t<User>{m}</User>\n"
        f'\t\t<Pass encoding="base64">{_b64(p)}</Pass>\n\t</Server>'
        for m, p in zip(_MAILS[:3], _PW[:3], strict=True)
    )
    + "\n</RecentServers>\n</FileZilla3>",
    _both(_MAILS[:3], _PW[:3]),
)
POSITIVES["xml__maven_settings_servers"] = (
    "<settings>\n  <servers>\n"
    f"    <server>\n      <id>nexus-releases</id>\n      <username>{_MAILS[2]}</username>\n      <password>Ch4taigne-Bois</password>\n    </server>\n"
    f"    <server>\n      <id>nexus-snapshots</id>\n      <username>{_MAILS[3]}</username>\n      <password>Gl4nd-Vert-33</password>\n    </server>\n"
    "  </servers>\n</settings>\n",
    _both(_MAILS[2:], ["Ch4taigne-Bois", "Gl4nd-Vert-33"]),
)
POSITIVES["netrc__account_and_port_tokens_multiline"] = (
    f"machine backup.cabinet.lan\n\tlogin {_MAILS[1]}\n\taccount compta\n\tpassword Zx9-Lune-Rousse\n"
    f"machine git.cabinet.lan port 2222\n\tlogin {_MAILS[3]}\n\tpassword Kq!77-Falaise\n",
    _both([_MAILS[1], _MAILS[3]], ["Zx9-Lune-Rousse", "Kq!77-Falaise"]),
)
POSITIVES["basic__proxy_log_beside_the_users_addresses"] = (
    "\n".join(
        f"> POST /api/rdv HTTP/1.1\n> {h}: Basic {_b64(f'{m}:{p}')}\n> Content-Type: application/json\n>\n{{\"patient_email\": \"{m}\"}}"
        for h, m, p in zip(["Authorization", "authorization", "Proxy-Authorization"], _MAILS[:3], _PW[:3], strict=True)
    ),
    _both(_MAILS[:3], _PW[:3]),
)
NEGATIVES["xml__settings_with_property_references"] = (
    "<servers>\n  <server>\n    <id>central</id>\n    <username>${env.MVN_USER}</username>\n"
    "    <password>${env.MVN_PASSWORD}</password>\n  </server>\n  <server>\n    <id>mirror</id>\n"
    "    <username>deployment</username>\n    <password>changeme</password>\n  </server>\n</servers>\n",
    frozenset({"credential"}),
)

globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))


def test_a_password_and_host_in_a_url_is_no_email() -> None:
    """URLs that make no credential (no login, a login that is its own password): their `password@host`
    is still no address, and the addresses beside them are kept."""
    text = ("REDIS_URL=redis://:Rd1s-Pr0d-2026@cache.cabinet.lan:6379/0\n"
            "AMQP_URL=amqp://celery:celery@mq.cabinet.lan:5672//\n"
            "SMTP_URL=smtp://relais:relais@smtp.cabinet.lan:587\n"
            "ALERT_TO=noemie.carlier@laposte.net\n")
    emails = {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == "email"}
    assert emails == {"noemie.carlier@laposte.net"}


def test_fragments_keep_the_written_lines() -> None:
    """The rewritten table's fragment names the lines the credentials were written on."""
    text = "intro\n\n" + POSITIVES["pgpass__quoted_in_a_ticket"][0]
    frags = detect(text, key=KEY)
    assert [(f.start_line, f.end_line) for f in frags] == [(4, 5)]
