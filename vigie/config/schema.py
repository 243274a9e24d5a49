"""The schema of every YAML file in `config/`: what operators may write, checked by pydantic.

Every model forbids unknown keys, so a typo is an error (with a suggestion) rather than a setting
that silently does nothing. Validators here only check what a file says on its own; cross-file
checks (duplicate names, organisations' channels against global channels) live in
`vigie.config.loader`. Every field carries a `description=`: `vigie.config.reference` turns them
into docs/configuration.md, and tests/test_config_reference.py fails when one is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vigie.core.patterns import compile_pattern
from vigie.core.peers import DEFAULT_TRUSTED_LOCAL_USERS, TrustedPeers

__all__ = [
    "IMAGE_TYPES",
    "INFORMATIONAL",
    "AccessSettings",
    "AlertsSettings",
    "AnalystConfig",
    "AttachmentLimits",
    "BrowserSettings",
    "Channels",
    "Contact",
    "AttentionThresholds",
    "DpoContact",
    "DateSelector",
    "DeliverySettings",
    "DetectionSettings",
    "Detector",
    "ElasticsearchSettings",
    "EmailChannel",
    "EmbeddedSettings",
    "FollowRules",
    "ForumSelectors",
    "GlobalConfig",
    "Informational",
    "KeySettings",
    "LimitSettings",
    "LoginSettings",
    "OrganisationConfig",
    "OutboxSettings",
    "JsonPosts",
    "PasteSelectors",
    "PostSelectors",
    "ScaleSettings",
    "Schedule",
    "SecuritySettings",
    "ServiceSettings",
    "SmtpSettings",
    "SourceConfig",
    "StorageSettings",
    "Strict",
    "TorSettings",
    "UrlRewrite",
    "ValueKind",
    "WebhookChannel",
    "WebSettings",
    "WallDetector",
    "WebhookSettings",
    "parse_interval",
    "parse_selector",
    "placeholder_reason",
]


class Strict(BaseModel):
    """Base of every config model: unknown keys are errors, loaded values are immutable.

    `removed_fields` maps a key that existed in an earlier release to the message an operator
    sees when an old file still sets it, so an upgrade says what to do instead of "unknown key".
    """

    # hide_input_in_errors: a refused password must not be quoted when an error is printed
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)
    removed_fields: ClassVar[Mapping[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _empty_means_unset(cls, data: object) -> object:
        """`${VAR:-}` interpolates to "": treat it as an unset optional field."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items()
                    if not (v == "" and k in cls.model_fields and not cls.model_fields[k].is_required()
                            and cls.model_fields[k].default is None)}
        return data


@dataclass(frozen=True)
class ValueKind:
    """Names a validated string type (selector, interval...) so the reference can explain it once."""

    name: str
    meaning: str


@dataclass(frozen=True)
class Informational:
    """Marks a field kept for the operators' records that no code acts on (by design, and said so
    in the reference), so the "every field is used" test does not mistake it for a dead setting."""


INFORMATIONAL = Informational()


# --------------------------------------------------------------------------------------------
# Shared value types
# --------------------------------------------------------------------------------------------

_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


_MAX_INTERVAL_SECONDS = 100 * 365 * 86400  # a century: more is a typo, and overflows dates and timers


def parse_interval(text: str) -> timedelta:
    """`90s`, `30m`, `6h`, `1d`, `2w` -> timedelta. Raises ValueError with the accepted forms
    (also for a number too long to be meant: it overflowed timedelta and dates as an
    OverflowError, which no config check caught; found by the config fuzz target)."""
    match = _INTERVAL_RE.match(str(text))
    number = match.group(1).lstrip("0") if match else ""
    if not number:
        raise ValueError(
            f"invalid interval {str(text)[:40]!r}: write a positive number and a unit, e.g. 90s, 30m, 6h, 1d"
        )
    assert match is not None
    if len(number) > 12 or int(number) * _UNIT_SECONDS[match.group(2)] > _MAX_INTERVAL_SECONDS:
        raise ValueError(f"invalid interval {str(text).strip()[:40]!r}: at most 100 years (36500d, 5214w)")
    return timedelta(seconds=int(number) * _UNIT_SECONDS[match.group(2)])


def _check_cron(text: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    if len(text.split()) != 5:
        raise ValueError(
            f"invalid cron expression {text!r}: expected 5 fields "
            "(minute hour day-of-month month day-of-week), e.g. '*/30 * * * *'"
        )
    try:
        CronTrigger.from_crontab(text, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {text!r}: {exc}") from None
    return text


def _check_interval(text: str) -> str:
    parse_interval(text)
    return text


def parse_selector(text: str) -> tuple[Literal["css", "xpath"], str]:
    """A selector is CSS by default; `xpath:` (or a leading `/` or `(`) makes it XPath.

    Scrapy's `::text` and `::attr(name)` pseudo-elements are accepted in CSS.
    """
    text = text.strip()
    if text.startswith("xpath:"):
        return "xpath", text[len("xpath:"):].strip()
    if text.startswith("css:"):
        return "css", text[len("css:"):].strip()
    if text.startswith(("/", "(", "./")):
        return "xpath", text
    return "css", text


def _check_selector(text: str) -> str:
    from lxml import etree
    from parsel.csstranslator import HTMLTranslator

    kind, expr = parse_selector(text)
    if not expr:
        raise ValueError("empty selector")
    try:
        xpath = HTMLTranslator().css_to_xpath(expr) if kind == "css" else expr
        etree.XPath(xpath)
    except Exception as exc:  # cssselect.SelectorError, lxml.etree.XPathSyntaxError
        raise ValueError(f"{kind.upper()} selector {expr!r} does not parse: {exc}") from None
    if _EXSLT_REGEX.search(_XPATH_STRINGS.sub("''", xpath)):
        # parsel binds `re:` to EXSLT's regular expressions, which lxml runs with Python's `re` on
        # the page's text: `re:test(., '^(a+)+$')` held the crawl for 9 CPU-s on 29 characters
        # (round 16); they cannot be given RE2, so they are refused
        raise ValueError(f"XPath selector {expr!r} calls EXSLT's re: functions, which run a backtracking regex on "
                         "the page's text (a hostile page can make it take hours): use contains(), starts-with() or "
                         "translate(), or select more and let a `pattern` setting (run by RE2) pick")
    return text


# EXSLT's regular expressions (parsel's `re:` prefix) in an XPath, outside its string literals
_XPATH_STRINGS = re.compile(r"'[^']*'|\"[^\"]*\"")
_EXSLT_REGEX = re.compile(r"(?<![\w.-])re\s*:\s*[\w-]+\s*\(")


def _check_regex(text: str) -> str:
    from vigie.core.patterns import PatternError, check

    try:
        return check(text)  # RE2 runs it at crawl time (round 16): refused here, with why, if it cannot
    except PatternError as exc:
        raise ValueError(str(exc)) from None


Selector = Annotated[str, AfterValidator(_check_selector), ValueKind(
    "selector", "a CSS selector (Scrapy's `::text` and `::attr(name)` work), or XPath when prefixed "
    "with `xpath:` or starting with `/`, `(` or `./`; checked when the file is loaded")]
def _check_json_path(text: str) -> str:
    from vigie.core.jsonpath import JsonPathError, compile_path

    try:
        compile_path(text)
    except JsonPathError as exc:
        raise ValueError(str(exc)) from None
    return text


JsonPathText = Annotated[str, AfterValidator(_check_json_path), ValueKind(
    "JSON path", "a path into JSON the page embeds: `a.b`, `[*]`, `[0]`, `[type=posts]`, "
    "`[id=@relationships.user.data.id]` (a join on the current record), `$` for the document, "
    "`json()` to parse a string, `|` between alternatives (docs/sources.md, \"Posts in the page's JSON\")")]
Regex = Annotated[str, AfterValidator(_check_regex), ValueKind(
    "regex", "a regular expression in Python's syntax, searched anywhere in the text; run by RE2 (linear "
    "time on whatever a site writes), so no backreference, lookahead or lookbehind (docs/security.md)")]
Interval = Annotated[str, AfterValidator(_check_interval), ValueKind(
    "interval", "a positive number and a unit: `s`, `m`, `h`, `d` or `w` (e.g. `90s`, `30m`, `6h`, `1d`)")]
Cron = Annotated[str, AfterValidator(_check_cron), ValueKind(
    "cron", "a 5-field crontab expression in UTC: minute hour day-of-month month day-of-week "
    "(e.g. `*/30 * * * *`)")]
SeverityName = Literal["low", "medium", "high", "critical"]
Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$"), ValueKind(
    "name", "1 to 63 characters among `a-z 0-9 _ -`, starting with a letter or digit")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$"), ValueKind("email", "an email address")]

# Shipped examples and .env.example carry values like `replace-with-...` or `change-me`: a
# deployment that forgot to set one must stop, not run with a guessable secret. Markers are
# matched anywhere in the value; the generic words are removed and what is left must still
# hold a few distinct characters (so `secret123` or `my-password` are refused too).
_PLACEHOLDER_MARKERS = ("replace-with", "replace_with", "replaceme", "replace-me", "changeme", "change-me",
                        "change_me", "example", "placeholder", "todo", "xxx", "<", ">")
_PLACEHOLDER_WORDS = re.compile(r"secret|passw(or)?d|[^a-z0-9]")


def placeholder_reason(value: str, min_length: int = 1) -> str | None:
    """Why `value` cannot be a real secret (None when it may be one). Never quotes the value."""
    if not value:
        return "is empty"
    lowered = value.lower()
    marker = next((m for m in _PLACEHOLDER_MARKERS if m in lowered), None)
    if marker is not None:
        return f"looks like a placeholder (contains {marker!r})"
    if len(set(value)) == 1:
        return "looks like a placeholder (one repeated character)"
    if len(set(_PLACEHOLDER_WORDS.sub("", lowered))) < 4:
        return "looks like a placeholder (a generic word such as 'secret' or 'password')"
    if len(value) < min_length:
        return f"is too short ({len(value)} characters; at least {min_length})"
    return None


def _secret_checker(what: str, min_length: int, how: str) -> AfterValidator:
    def check(value: SecretStr) -> SecretStr:
        reason = placeholder_reason(value.get_secret_value(), min_length)
        if reason is not None:
            raise ValueError(f"{what} {reason}; {how}")
        return value

    return AfterValidator(check)


_RANDOM = "generate one with `openssl rand -hex 32`"
WebhookSecret = Annotated[SecretStr, _secret_checker("the webhook secret", 16, _RANDOM), ValueKind(
    "webhook secret", "at least 16 characters, not a placeholder (`replace-with...`, `change-me`, "
    "`secret`, one repeated character...); e.g. the output of `openssl rand -hex 32`")]
Password = Annotated[SecretStr, _secret_checker("the password", 1, "set the real one"), ValueKind(
    "password", "a real password: not empty and not a placeholder (`replace-with...`, `change-me`, "
    "`example`, `password`, one repeated character...)")]


# --------------------------------------------------------------------------------------------
# config/vigie.yaml
# --------------------------------------------------------------------------------------------


class EmbeddedSettings(Strict):
    """The embedded store: one SQLite file (WAL, FTS5), nothing else to run."""

    path: Path | None = Field(
        default=None, examples=["/var/lib/vigie/store.sqlite3"],
        description="SQLite file of the embedded store; unset means `<data-dir>/store.sqlite3`. "
        "Created with mode 0600.",
    )


class ElasticsearchSettings(Strict):
    """The Elasticsearch backend, read only when `storage.backend` is `elasticsearch`."""

    hosts: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:9200"], min_length=1,
        description="URLs of the cluster's nodes; requests are spread over them, and a node that fails "
        "is left out until it answers again. One entry may list several, comma-separated (for one variable).",
    )

    @field_validator("hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [h.strip() for v in value for h in (v.split(",") if isinstance(v, str) else [v])
                    if not isinstance(h, str) or h.strip()]
        return value

    @field_validator("hosts")
    @classmethod
    def _no_password_in_hosts(cls, value: list[str]) -> list[str]:
        """The hosts are quoted by errors, logs and `vigie config check`: a password there would be too."""
        from urllib.parse import urlsplit

        for host in value:
            try:
                secret = urlsplit(host).password
            except ValueError:
                secret = None
            if secret:
                raise ValueError("hosts: do not put the password in a node's URL (errors and logs quote the "
                                 "hosts); use username and password: ${VAR}, or api_key")
        return value
    username: str | None = Field(
        default=None, description="Basic-auth user; goes with `password`, excludes `api_key`."
    )
    password: Password | None = Field(
        default=None, description="Basic-auth password; write `${VAR}`, never the value itself."
    )
    api_key: SecretStr | None = Field(
        default=None, examples=["${VIGIE_ES_API_KEY}"],
        description="Encoded API key, instead of `username`/`password`.",
    )
    ca_certs: Path | None = Field(
        default=None, examples=["/etc/vigie/es-ca.pem"],
        description="PEM file of the CA that signed the cluster's certificate, when it is not a "
        "public CA (Elasticsearch's default self-signed setup).",
    )
    verify_certs: bool = Field(
        default=True, description="Check the cluster's TLS certificate; turn off only on a test cluster."
    )
    index_prefix: Name = Field(
        default="vigie-fragments",
        description="Name of the alias searched; the indices behind it are `<prefix>-<period>`.",
    )
    rollover: Literal["monthly", "daily", "yearly"] = Field(
        default="monthly",
        description="Period of one index: fragments go to the index of their fetch date, so old "
        "periods can be dropped whole by a retention policy.",
    )
    bulk_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Fragments per bulk request when indexing."
    )
    max_retries: int = Field(
        default=5, ge=0, le=50,
        description="Retries of a request, or of documents refused with 429, with exponential "
        "backoff; documents still not acknowledged go to the disk spool and are written later.",
    )
    request_timeout_seconds: float = Field(
        default=30.0, gt=0, examples=[60], description="Timeout of one request to the cluster."
    )
    spool_max_bytes: int = Field(
        default=1024 * 1024 * 1024, ge=1024, examples=[4 * 1024 * 1024 * 1024],
        description="Most bytes the disk spool holds while the cluster is unreachable; when full, "
        "new documents are refused (the crawl does not mark them seen, so the next crawl emits them "
        "again) and the service logs it once per episode and reports it in `vigie status`.",
    )

    @model_validator(mode="after")
    def _one_auth(self) -> ElasticsearchSettings:
        if self.api_key is not None and (self.username or self.password):
            raise ValueError("set either api_key or username/password, not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        return self


class StorageSettings(Strict):
    """Where redacted fragments and their tokens are stored."""

    backend: Literal["embedded", "elasticsearch"] = Field(
        default="embedded",
        description="`embedded`: SQLite under the data directory, for one machine. "
        "`elasticsearch`: a cluster, for teams and large volumes (configure `storage.elasticsearch`).",
    )
    embedded: EmbeddedSettings = Field(
        default=EmbeddedSettings(), description="Settings of the embedded (SQLite) backend."
    )
    elasticsearch: ElasticsearchSettings = Field(
        default=ElasticsearchSettings(), description="Settings of the Elasticsearch backend."
    )


class TorSettings(Strict):
    """How Vigie reaches Tor: a tor it launches itself, or one already running."""

    removed_fields: ClassVar[Mapping[str, str]] = {
        "circuit_failures_before_newnym": "was removed in 0.2: a failed request is already retried "
        "on a fresh isolated circuit for its source, so no NEWNYM is needed after failures; delete "
        "the key (tor.newnym_interval still renews circuits on a schedule)",
    }

    mode: Literal["launch", "external"] = Field(
        default="launch",
        description="`launch`: Vigie starts its own tor (data in `<data-dir>/tor`, cookie auth). "
        "`external`: connect to a running tor's SOCKS and control ports.",
    )
    tor_binary: str = Field(
        default="tor", examples=["/usr/sbin/tor"],
        description="The tor executable for `mode: launch`, a name on PATH or a path.",
    )
    socks_host: str = Field(default="127.0.0.1", description="Address of tor's SOCKS port.")
    socks_port: int = Field(default=9050, ge=1, le=65535, description="Tor's SOCKS port.")
    control_port: int = Field(
        default=9051, ge=1, le=65535, description="Tor's control port (on 127.0.0.1 in launch mode)."
    )
    control_password: Password | None = Field(
        default=None, description="Control-port password (`mode: external`); unset means cookie authentication."
    )
    cookie_auth_file: Path | None = Field(
        default=None, examples=["/run/tor/control.authcookie"],
        description="Control-port cookie file (`mode: external`); unset means the file tor names "
        "in its PROTOCOLINFO answer.",
    )
    bootstrap_timeout_seconds: float = Field(
        default=180.0, gt=0, description="How long to wait for tor to reach 100% bootstrap before failing."
    )
    circuit_build_timeout_seconds: float | None = Field(
        default=None, gt=0, le=600, examples=[20],
        description="`mode: launch`: a fixed circuit-build timeout for tor (`CircuitBuildTimeout`, with "
        "`LearnCircuitBuildTimeout 0`). Unset: tor learns it from the build times it sees, which suits the "
        "real network. Either way a crawl request whose stream is not open within the source's "
        "`limits.connect_timeout_seconds` is retried at once on a new circuit.",
    )
    newnym_interval: Interval | None = Field(
        default="30m",
        description="Ask tor for new circuits (NEWNYM) on this schedule; tor itself allows at most "
        "one NEWNYM per 10 s. A key with no value (`newnym_interval:`) disables it.",
    )
    extra_torrc: dict[str, str] = Field(
        default_factory=dict, examples=[{"ExitNodes": "{fr}", "Sandbox": "1"}],
        description="Extra torrc options for `mode: launch`, option name to value; a value with "
        "several lines becomes the option repeated once per line.",
    )


class KeySettings(Strict):
    """Keys never live in the repo or the database: files outside both, or the environment
    (VIGIE_MATCH_KEY / VIGIE_DATA_KEY, hex), which wins over files."""

    removed_fields: ClassVar[Mapping[str, str]] = {
        "webhook_signing_secret_file": "was removed in 0.2: each organisation's webhook is signed "
        "with its own channels.webhook.secret (config/organisations/<id>.yaml); delete the key",
    }

    match_key_file: Path = Field(
        default=Path("~/.config/vigie/match.key"),
        description="File of K_match, the HMAC key of identifier tokens (`vigie keys init` creates "
        "it, mode 0600). Losing it orphans every registered token: back it up offline.",
    )
    data_key_file: Path = Field(
        default=Path("~/.config/vigie/data.key"),
        description="File of the AES-GCM key that encrypts stored raw fragments (`vigie keys init` "
        "creates it, mode 0600).",
    )


class SmtpSettings(Strict):
    """The mail server alerts are sent through."""

    host: str = Field(default="127.0.0.1", description="SMTP server host.")
    port: int = Field(default=587, ge=1, le=65535, description="SMTP server port (587 submission, 465 ssl).")
    security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls",
        description="`starttls` upgrades a plain connection, `ssl` is TLS from the start (port "
        "465), `none` only for a relay on the same machine.",
    )
    username: str | None = Field(default=None, description="SMTP login; unset means no authentication.")
    password: Password | None = Field(default=None, description="SMTP password; write `${VAR}`.")
    from_address: str = Field(default="vigie@localhost", description="The From: address of alert mails.")
    timeout_seconds: float = Field(default=30.0, gt=0, examples=[10], description="Timeout of one SMTP session.")
    ca_certs: Path | None = Field(
        default=None, examples=["/etc/vigie/smtp-ca.pem"],
        description="PEM file of the CA that signed the server's certificate, when not a public CA.",
    )

    @model_validator(mode="after")
    def _no_empty_password_with_user(self) -> SmtpSettings:
        """A login with an empty password is a forgotten `${VAR}`, not "no authentication"."""
        if self.username and self.password is None:
            raise ValueError("password is empty but username is set; set the SMTP password "
                             "(or remove username for a relay without authentication)")
        return self

    @model_validator(mode="after")
    def _no_cleartext_login_over_a_network(self) -> SmtpSettings:
        """`security: none` with a login sends the password (AUTH, base64) in clear: only to a
        relay on this machine. Why: with a remote host, whoever is on the path (or spoofs the
        name) reads the password and every alert mail. A remote relay without login stays
        allowed (no credential to leak; the docs keep `none` for local relays)."""
        host = self.host.strip("[]").lower()
        loopback = host == "localhost" or host.startswith("127.") or host == "::1"
        if self.security == "none" and self.username and not loopback:
            raise ValueError(f"alerts.smtp.security: none would send the SMTP password in clear to {self.host}: "
                             "use starttls or ssl, or log in to a relay on this machine (127.0.0.1)")
        return self


class WebhookSettings(Strict):
    """How webhook alerts are posted (each organisation's URL and secret are in its own file)."""

    timeout_seconds: float = Field(default=10.0, gt=0, description="Timeout of one webhook POST.")
    allow_http_loopback: bool = Field(
        default=True,
        description="Accept plain-http webhook URLs on 127.0.0.0/8 or localhost (a local relay); "
        "any other host needs https.",
    )
    ca_certs: Path | None = Field(
        default=None, examples=["/etc/vigie/soc-ca.pem"],
        description="PEM file of the CA that signed the receivers' certificates, when not a public CA.",
    )
    allowed_addresses: list[str] = Field(
        default=[], examples=[["10.20.0.0/16"]],
        description="The networks (CIDR, or one address) a receiver's host name may resolve to besides "
        "public addresses, e.g. a SOC's receiver on the LAN. A name is resolved at each POST and the POST "
        "goes to the address checked; an answer holding a loopback, private, link-local or other "
        "non-public address outside these networks is refused without connecting (an organisation "
        "runs its name's DNS: it could otherwise make Vigie, or its \"test webhook\" button, probe "
        "services on this machine or its network). `localhost` may be loopback without it; a URL "
        "written with an address is used as written.",
    )

    @field_validator("allowed_addresses")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        out = []
        for text in value:
            try:
                out.append(str(ipaddress.ip_network(str(text).strip(), strict=False)))
            except ValueError:
                raise ValueError(f"allowed_addresses: {text!r} is not an address or network (e.g. 10.20.0.0/16, "
                                 "192.168.1.5, fd00::/8)") from None
        return out


def _empty_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class OutboxSettings(Strict):
    """Where alerts wait for delivery: an embedded SQLite file, or PostgreSQL shared by several
    processes and machines (docs/scale.md, "Outbox")."""

    backend: Literal["sqlite", "postgresql"] = Field(
        default="sqlite",
        description="`sqlite`: `<data_dir>/alerts.sqlite3`, one machine. `postgresql`: one outbox for "
        "several services and delivery workers (needs `pip install 'vigie[scale]'`).",
    )
    dsn_file: Annotated[Path | None, BeforeValidator(_empty_to_none)] = Field(
        default=None, examples=["/etc/vigie/outbox.dsn"],
        description="With `postgresql`: a file of mode 0600 holding the DSN, password included "
        "(`postgresql://vigie:PASSWORD@db:5432/vigie`); the variable `VIGIE_OUTBOX_DSN` overrides it. "
        "The DSN is never logged.",
    )


class DeliverySettings(Strict):
    """Retries of alert delivery: each alert is delivered at least once (same id on re-sends) or dead-lettered."""

    max_attempts: int = Field(
        default=8, ge=1, le=100,
        description="Attempts per alert before it is dead-lettered (`vigie alerts list --status failed`).",
    )
    backoff_initial_seconds: float = Field(
        default=2.0, gt=0, description="Wait before the first retry; it doubles (with jitter) after each failure."
    )
    backoff_max_seconds: float = Field(default=900.0, gt=0, description="Longest wait between two attempts.")
    poll_interval_seconds: float = Field(
        default=1.0, gt=0, examples=[5], description="How often the delivery worker looks for due alerts."
    )


class OperatorWebhook(Strict):
    """The operators' webhook: signed like the organisations' (Standard Webhooks)."""

    url: Annotated[str, Field(pattern=r"^https?://")] = Field(
        description="Receiver URL; https, or http on loopback only (`alerts.webhook.allow_http_loopback`)."
    )
    secret: WebhookSecret = Field(description="HMAC-SHA256 signing secret shared with the receiver; write `${VAR}`.")


class OperatorChannel(Strict):
    """Notices to the people who run Vigie (a source needing attention, a session expired, Tor
    down, a spool filling, a dead-lettered alert): one notice per condition until it clears."""

    email: list[Email] = Field(
        default_factory=list, examples=[["soc@example.org"]],
        description="Recipients of operator notices, through `alerts.smtp`; empty means no mail.",
    )
    webhook: OperatorWebhook | None = Field(default=None, description="Operator notices as signed webhook POSTs.")
    min_interval_seconds: float = Field(
        default=300.0, ge=0,
        description="Rate limit: at most one notice per channel in this many seconds; notices raised "
        "meanwhile wait and go out together.",
    )


class AlertsSettings(Strict):
    """Alert channels and delivery."""

    smtp: SmtpSettings | None = Field(
        default=None, description="Outgoing mail; required when any organisation has an email channel."
    )
    webhook: WebhookSettings = Field(default=WebhookSettings(), description="Webhook posting.")
    delivery: DeliverySettings = Field(default=DeliverySettings(), description="Retries and dead-lettering.")
    outbox: OutboxSettings = Field(default=OutboxSettings(), description="Where alerts wait for delivery.")
    operators: OperatorChannel | None = Field(
        default=None, description="Where operator notices go (source needs attention, Tor down, spool filling...).")


class ServiceSettings(Strict):
    """The long-running service, `vigie run`."""

    removed_fields: ClassVar[Mapping[str, str]] = {
        "crawl_mode": "was removed in 0.2: the service always runs each crawl as a `vigie crawl` "
        "subprocess, there is no other mode; delete the key",
    }

    metrics_host: str = Field(default="127.0.0.1", description="Address the Prometheus /metrics endpoint listens on.")
    metrics_port: int | None = Field(
        default=9108, ge=1, le=65535,
        description="Port of the Prometheus /metrics endpoint; a key with no value (`metrics_port:`) disables it.",
    )
    metrics_readers: list[str] = Field(
        default=["prometheus"], examples=[["prometheus", "grafana-agent"]],
        description="On a loopback `metrics_host`: the local accounts (names or uids) whose processes may read "
        "/metrics, besides root and the account Vigie runs as; another local user's connection is closed "
        "unanswered (source names and the health of crawls and alerts are not every local user's business). "
        "Checked on Linux, like `security.trusted_local_users`, and off with `security.check_local_peers: false`.",
    )
    crawl_memory_limit_bytes: int = Field(
        default=2 * 1024 * 1024 * 1024, ge=256 * 1024 * 1024, examples=[4 * 1024 * 1024 * 1024],
        description="Address-space limit (RLIMIT_AS) of each crawl subprocess; the crawl stops itself "
        "gracefully at 90% of it (Scrapy MEMUSAGE), and the run is reported as out of memory.",
    )
    crawl_kill_grace_seconds: float = Field(
        default=60.0, gt=0, le=3600,
        description="A crawl still running this long after its source's `limits.max_duration` gets "
        "SIGTERM, and SIGKILL after as long again; the run is reported as killed.",
    )


class AnalystConfig(Strict):
    """One analyst, known by the OS account that runs `vigie`: the identity is the account, never a
    flag or a variable the caller could set, so a right granted here cannot be self-asserted."""

    name: Name = Field(description="The analyst's name, as written in the audit log.", examples=["alice"])
    os_user: str = Field(
        pattern=r"^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$",
        description="The OS login name this analyst runs `vigie` as (`id -un`); commands act for it.",
        examples=["alice"],
    )
    may_reveal: bool = Field(
        default=False,
        description="May decrypt a fragment's raw text with `vigie reveal`; every attempt is audited.",
    )


class AccessSettings(Strict):
    """Who may do what with the stored data. Rights come from here, never from the command line."""

    analysts: list[AnalystConfig] = Field(
        default=[],
        description="The analysts and their rights; a user not listed here may search but never reveal.",
    )

    @model_validator(mode="after")
    def _unique(self) -> AccessSettings:
        for label, values in (("name", [a.name for a in self.analysts]),
                              ("os_user", [a.os_user for a in self.analysts])):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"analysts: {label} {twice[0]!r} is listed twice; list each analyst once")
        return self


class WebSettings(Strict):
    """The web app and its API, `vigie serve` (users, sessions and tokens live in `<data-dir>/web.sqlite3`)."""

    host: str = Field(
        default="127.0.0.1",
        description="Address `vigie serve` listens on; a non-loopback address also needs `allow_remote: true`.",
    )
    port: int = Field(default=8080, ge=1, le=65535, description="Port `vigie serve` listens on.")
    allow_remote: bool = Field(
        default=False,
        description="Allow listening on a non-loopback address (behind a TLS reverse proxy, or in a container "
        "whose port is published on 127.0.0.1 only).",
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"], min_length=1,
        examples=[["127.0.0.1", "localhost", "vigie.example.org"]],
        description="The names the app answers to in a request's `Host` header (without port); any other "
        "gets a 400, so that a web page pointing its own name at this machine (DNS rebinding) cannot "
        "script the app from an analyst's browser. Add the name a reverse proxy forwards.",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookie `Secure` even when the request arrived over plain HTTP (set it "
        "behind a TLS-terminating proxy); requests seen as https always get `Secure`.",
    )
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="How long a login session lasts.")
    reveal_totp_minutes: float = Field(
        default=10.0, gt=0, le=24 * 60,
        description="A reveal needs a TOTP code verified this recently in the same session.",
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=100,
        description="Failed logins (per account and per client address) before the exponential lockout starts. "
        "A browser the account logged in from in the last 30 days (its `vigie_device` cookie) is not held by its "
        "address's lockout, only by its account's: everyone on this machine or behind a proxy shares an address.",
    )
    lockout_seconds: float = Field(
        default=60.0, gt=0, le=86400,
        description="The first lockout after `login_max_failures`; it doubles with each further failure.",
    )



def _check_redis_url(url: str) -> str:
    """The shared frontier holds the crawl queue and state: Redis is reached on this host only
    (loopback or a unix socket; several hosts reach it through a tunnel), never over a network."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:  # first: the messages below quote the URL
        raise ValueError("redis_url: do not put the password in the URL; use scale.redis_password: ${VAR}")
    if parts.scheme == "unix":
        if not parts.path.startswith("/"):
            raise ValueError(f"redis_url {url!r}: a unix socket needs an absolute path, e.g. unix:///run/redis/redis.sock")
        return url
    if parts.scheme != "redis" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"redis_url {url!r}: only redis://127.0.0.1:PORT/DB or unix:///path/redis.sock "
                         "(Redis stays on loopback; reach a remote one through an SSH or WireGuard tunnel)")
    return url


class ScaleSettings(Strict):
    """Scale-out (docs/scale.md): a Redis frontier shared by `vigie worker` processes, each with
    its own Tor, and `vigie scheduler` with leader election. Absent: one machine, no Redis."""

    redis_url: Annotated[str, AfterValidator(_check_redis_url)] = Field(
        examples=["redis://127.0.0.1:6379/0", "unix:///run/redis/redis.sock"],
        description="The Redis holding the frontier, the shared crawl state, the workers and the leader "
        "lock: loopback or a unix socket only.",
    )
    redis_password: Password | None = Field(
        default=None, validate_default=True,
        description="Redis AUTH password (redis-server `--requirepass`); write `${VAR}`. Required with a "
        "TCP `redis_url`: any local process can reach a loopback port. May stay unset only with a unix "
        "socket in a directory only Vigie's and Redis's users can enter (e.g. 0750, group vigie).")
    key_prefix: str = Field(
        default="vigie", pattern=r"^[a-z0-9_-]{1,32}$",
        description="Prefix of every Redis key, so several installations can share one Redis.")
    worker_lease_seconds: float = Field(
        default=15.0, gt=0.5, le=600,
        description="A worker that has not renewed its heartbeat for this long is dead: its sources "
        "move to the live workers and its crawl jobs are taken over.")
    request_lease_seconds: float = Field(
        default=120.0, gt=0.5, le=3600,
        description="Visibility timeout of a request taken from the frontier: not acknowledged by then "
        "(its crawl was killed), it goes back to the queue.")
    leader_lease_seconds: float = Field(
        default=15.0, gt=0.5, le=600,
        description="Lease of the scheduler leader lock; a standby takes over once it lapses.")
    worker_id: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="This worker's name (`vigie worker --id` overrides it); unset: host name and pid.")
    max_crawls_per_worker: int = Field(
        default=4, ge=1, le=256, description="Crawls one worker runs at once (each in its own process).")
    state_key_file: Path | None = Field(
        default=None, description="The key that seals the shared crawl state in Redis (created 0600 "
        "on first use); every worker needs the same file. Unset: `<data-dir>/crawl-state-redis.key`.")

    @field_validator("redis_password")
    @classmethod
    def _password_over_tcp(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """Without AUTH, any other local user's process could reach a TCP Redis: empty or stall the
        crawl queue, take the leader lock, write files as Redis's user (`CONFIG SET dir`). A unix
        socket is guarded by its directory's permissions instead."""
        url = info.data.get("redis_url")  # absent: redis_url was refused, already reported
        if value is None and isinstance(url, str) and not url.startswith("unix:"):
            raise ValueError(
                "required with a TCP redis_url (any local process can connect to a loopback port and "
                "empty the crawl queue, take the leader lock or write files through Redis): start "
                "redis-server with --requirepass and write redis_password: ${VIGIE_REDIS_PASSWORD}, "
                "or use redis_url: unix:///path/redis.sock in a directory only Vigie's and Redis's users can enter")
        return value


class DetectionSettings(Strict):
    """Detection on several cores (the crawl's ingest; docs in indexer/detect/parallel.py)."""

    workers: int | None = Field(
        default=None, ge=1, le=256, examples=[4],
        description="Detection processes a crawl starts for big attachments and batches of items; unset: "
        "one per core; 1: none, everything in the crawl process.")
    big_input_bytes: int = Field(
        default=8 * 1024 * 1024, ge=64 * 1024,
        description="An item (an attachment) above this size is cut on record boundaries (blank lines that "
        "no fragment spans) and its pieces are detected on the detection processes; the fragments are those "
        "of one pass, in order.")
    pool_min_batch_bytes: int = Field(
        default=1024 * 1024, ge=0,
        description="While no detection process runs yet, a batch of crawled items smaller than this in all is "
        "detected in the crawl process: starting the processes costs each 1-3 s of CPU (they import and warm up "
        "the engine), more than a few pages of posts take. A bigger batch or a big item starts them, and they "
        "then serve every batch; 0: every batch of two items or more starts them.")


class SecuritySettings(Strict):
    """Who may serve the loopback services Vigie sends secrets and crawl traffic to (Tor's SOCKS port, Redis,
    PostgreSQL, Elasticsearch, SMTP). A loopback port belongs to whoever binds it first: while a service is down
    (at boot, during a restart), another local user could listen there and receive the Redis or PostgreSQL
    password, Elasticsearch's credentials, the SMTP login and the alerts, or every onion Vigie crawls (and answer
    for them). On Linux, Vigie reads the owner of the server's socket in /proc/net/tcp and tcp6 and sends
    nothing to an account not listed here: after connecting, on the connection itself (Redis, SMTP,
    Elasticsearch, Tor's SOCKS port for the HTTP crawl), or, where the client library never shows its socket
    (libpq: also checked once connected, before any query; Chromium's SOCKS proxy), on the listener just before
    connecting. A unix socket's server is checked the same way (the kernel's SO_PEERCRED: Redis's, and
    PostgreSQL's once connected; a PostgreSQL socket file of an untrusted account is refused before): in a
    directory every account writes (/tmp) another user could create it first. A refusal is logged at ERROR
    with the address, the owner and this setting, and fails like a service that is down. Not checked:
    non-loopback addresses (TLS authenticates a remote service), other systems than Linux, and root or
    Vigie's own user (they can read Vigie's memory anyway). Tor's control port needs no check: SAFECOOKIE
    authentication already proves the server read tor's cookie."""

    trusted_local_users: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$")]] = Field(
        default_factory=lambda: list(DEFAULT_TRUSTED_LOCAL_USERS),
        examples=[["debian-tor", "redis", "postgres", "elasticsearch", "vigie-es", "vigie-pg", "smtp-relay"]],
        description="Accounts (names, or numeric uids) that may own the socket of a loopback service Vigie talks "
        "to, besides root and the user Vigie runs as (always trusted). The default: the Debian service accounts "
        "of tor, Redis, PostgreSQL and Elasticsearch, and `vigie-es` and `vigie-pg`, which scripts/setup.sh "
        "creates to run the demo's and tests' servers; a name with no account on the host is skipped. Add the "
        "account of any other local service Vigie is pointed at (a mail relay whose listening socket is not "
        "opened by root; Postfix's and Exim's are).",
    )
    check_local_peers: bool = Field(
        default=True,
        description="Check who owns loopback services' sockets (above). `false` sends to whatever listens there: "
        "only where /proc/net cannot be read (some sandboxes), and no other local user can run code.",
    )

    def trusted_peers(self) -> TrustedPeers:
        """The check the adapters run (vigie.core.peers), built once by the composition root."""
        return TrustedPeers.from_names(self.trusted_local_users, enabled=self.check_local_peers)


class GlobalConfig(Strict):
    """config/vigie.yaml: settings of the whole installation."""

    storage: StorageSettings = Field(default=StorageSettings(), description="Where fragments are stored.")
    tor: TorSettings = Field(default=TorSettings(), description="How Tor is reached.")
    keys: KeySettings = Field(default=KeySettings(), description="Where the keys are read from.")
    alerts: AlertsSettings = Field(default=AlertsSettings(), description="How alerts are delivered.")
    service: ServiceSettings = Field(default=ServiceSettings(), description="The `vigie run` service.")
    access: AccessSettings = Field(
        default=AccessSettings(), description="Analysts and their rights (who may reveal raw text)."
    )
    web: WebSettings = Field(default=WebSettings(), description="The web app and API (`vigie serve`).")
    scale: ScaleSettings | None = Field(
        default=None, description="Scale-out over several workers with a Redis frontier (docs/scale.md); "
        "absent: the single-machine embedded mode, no Redis.")
    detection: DetectionSettings = Field(
        default=DetectionSettings(), description="Detection on several cores (big attachments, batches).")
    security: SecuritySettings = Field(
        default=SecuritySettings(), description="Who may serve the loopback services Vigie sends secrets to.")


# --------------------------------------------------------------------------------------------
# config/sources/<name>.yaml
# --------------------------------------------------------------------------------------------


class Schedule(Strict):
    """When `vigie run` crawls the source: exactly one of `interval` or `cron`."""

    interval: Interval | None = Field(default=None, description="Crawl every so often, e.g. `30m`.")
    cron: Cron | None = Field(
        default=None, examples=["*/15 * * * *"], description="Crawl at the times of a crontab expression (UTC)."
    )
    jitter_seconds: int = Field(
        default=60, ge=0,
        description="Random delay up to this many seconds added to each run, so crawls do not "
        "start at predictable times.",
    )
    enabled: bool = Field(
        default=True, examples=[False],
        description="`false` keeps the file but stops scheduled crawls (`vigie crawl` still runs it by hand).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("set exactly one of 'interval' (e.g. 30m) or 'cron' (e.g. '0 * * * *')")
        return self


class DateSelector(Strict):
    """Where a post's date is and how to read it."""

    selector: Selector = Field(description="Selector of the date text or attribute, relative to the post.")
    format: str | list[str] | None = Field(
        default=None, examples=["%d %B %Y à %H:%M", ["%d/%m/%Y %H:%M", "%d %B %Y"], "auto"],
        description="A strptime format, or a list tried in order; omit it for ISO 8601 (e.g. a datetime "
        "attribute). Month and day names in French, German, Russian, Spanish, Italian, Portuguese and Dutch "
        "(full, abbreviated, Russian genitive: `Сб Ноя 28`, `28. März`; `language` picks one), ordinal days "
        "(`3rd`, `1er`), `a.m.`/`p.m.`, `noon` and `midnight` are understood. `auto` reads whatever a forum "
        "prints (dateparser, in `language`), "
        "relative dates included (`hier à 14:05`, `il y a 3 heures`, `yesterday at 2pm`, `A moment ago`, "
        "`à l'instant`), resolved "
        "against the time the page was fetched. A format is checked when the file is loaded: it must "
        "read back what it writes. A date that does not parse is counted (`unparsed_dates`), never "
        "replaced by the crawl time.",
    )
    language: str | None = Field(
        default=None, examples=["fr", "en"],
        description="Language of the dates for `format: auto` (an ISO 639-1 code); unset means detected, slower "
        "and less sure. With strptime formats, the language whose month and day names are read (unset: each in "
        "turn).",
    )
    pattern: Regex | None = Field(
        default=None, examples=[r" on (.+)$", r"(\d\d/\d\d/\d{4} \d\d:\d\d)"],
        description="A regex searched in the date's text or attribute when the date shares it with other words "
        "(`By: alice on March 3, 2026, 2:05 p.m.`): its first group (the whole match if it has none) is what "
        "`format` reads. A text it does not match is an unparsed date.",
    )
    attributes: list[str] = Field(
        default_factory=lambda: ["datetime", "title", "data-time"],
        description="Attributes of the matched element read first when present (machine-readable dates such "
        "as `<time datetime=...>` or a tooltip `title`), then those of the elements inside it (Discuz!'s "
        "`<em>发表于 <span title=...>昨天 22:10</span></em>`); the element's text is the fallback.",
    )
    timezone: str = Field(
        default="UTC", examples=["Europe/Paris"],
        description="IANA time zone of dates written without an offset; dates are stored in UTC.",
    )

    @field_validator("format")
    @classmethod
    def _round_trip(cls, value: str | list[str] | None) -> str | list[str] | None:
        """A format that cannot read back what it writes would leave every date unparsed."""
        for fmt in value if isinstance(value, list) else [value]:
            if fmt is None or fmt == "auto":
                continue
            sample, written = datetime(2026, 3, 14, 15, 9, 26), "(nothing: strftime refused it)"
            try:
                written = sample.strftime(fmt)
                ok = datetime.strptime(written, fmt).strftime(fmt) == written
            except ValueError:
                ok = False
            except re.error:  # strptime compiles the format to a regex: a directive twice is no format
                raise ValueError(f"date format {fmt!r} uses a directive twice (strptime reads each once), "
                                 "e.g. `%d/%m/%Y %H:%M`") from None
            if not ok:
                raise ValueError(f"date format {fmt!r} cannot parse back what it formats ({sample:%Y-%m-%d %H:%M:%S} "
                                 f"-> {written!r}): use strptime directives only "
                                 "(%d %m %Y %H %M %S %B %b %p %I...), no %-d or %e, or `auto`")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"unknown time zone {value!r}: use an IANA name such as Europe/Paris or UTC") from None
        return value


class JsonPosts(Strict):
    """Post fields read from JSON the page embeds (a `<script>`'s text or an attribute), for what
    the HTML does not print: Flarum's post dates and ids (its JSON:API payload), JSON-LD's
    `datePublished`, Discourse's `data-preloaded`. A field read here wins over the HTML selector
    of the same field; when the record lacks it, or the JSON cannot be read (counted as
    `json_unread`), the HTML's value stands and no post is lost."""

    source: Selector = Field(
        examples=["script#flarum-json-payload::text", "script[type='application/ld+json']::text",
                  "#data-preloaded::attr(data-preloaded)"],
        description="Where the JSON is: a selector of a script's text (`::text`) or an attribute (`::attr(x)`), "
        "relative to the page (`scope: page`) or to each post's container (`scope: post`); a thread page that "
        "is JSON itself (an engine's API) is `script#vigie-json::text`. The first match "
        "that holds JSON is read; at most 4,000,000 characters and 64 levels of nesting.",
    )
    scope: Literal["page", "post"] = Field(
        default="page",
        description="`page`: one JSON for the page, whose `records` are paired with the posts (`pair`); `post`: "
        "each post container holds its own JSON, whose first record is that post's.",
    )
    records: JsonPathText = Field(
        default="$", examples=["apiDocument.included[type=posts]", "$ | comment[*]",
                               "topic_*.json().post_stream.posts[*]"],
        description="The path to the post records in the JSON (one value per post); `$` is the document itself.",
    )
    pair: Literal["order", "key", "records"] = Field(
        default="order",
        description="How records meet the HTML posts (`scope: page`): `order`, the n-th record is the n-th post "
        "(a page whose counts differ is counted as `json_unread` and read from its HTML alone); `key`, the "
        "record whose `record_key` equals the post's `html_key`; `records`, the posts are the records alone "
        "(the HTML containers are not read: `body` and the other fields come from the JSON, attachments "
        "from the HTML of `body`).",
    )
    html_key: Selector | None = Field(
        default=None, examples=["::attr(id)", "::attr(data-pid)"],
        description="With `pair: key`: the post's key in its HTML, relative to the container.",
    )
    record_key: JsonPathText | None = Field(
        default=None, examples=["id", "post_number", "url"],
        description="With `pair: key`: the record's key, compared with `html_key`.",
    )
    key_pattern: Regex | None = Field(
        default=None, examples=[r"(\d+)$"],
        description="With `pair: key`: a regex applied to both keys before they are compared (its first group, "
        "else the whole match), e.g. the number of `elComment_102` and of `...&comment=102`.",
    )
    post_id: JsonPathText | None = Field(default=None, examples=["id"], description="The post's id in its record.")
    author: JsonPathText | None = Field(
        default=None, examples=["author.name", "$.apiDocument.included[type=users][id=@relationships.user.data.id]"
                                ".attributes.username"],
        description="The author's name in the record (a `$` path with an `@` filter joins another record).",
    )
    date: JsonPathText | None = Field(
        default=None, examples=["attributes.createdAt", "datePublished", "timestamp"],
        description="The post's date in the record: a Unix time (seconds or milliseconds) or ISO 8601, else read "
        "with the post's `date.format` and `date.timezone` when set. One that cannot be read is counted "
        "(`unparsed_dates`) unless the HTML's date is read.",
    )
    body: JsonPathText | None = Field(
        default=None, examples=["attributes.contentHtml", "text", "cooked"],
        description="The post's text in the record, read as HTML (`body_html`) with `exclude` applied.",
    )
    body_html: bool = Field(
        default=True, examples=[False],
        description="Whether the record's `body` is HTML (Flarum's contentHtml, Discourse's cooked) or plain text "
        "(JSON-LD's `text`, `articleBody`).",
    )
    thread_title: JsonPathText | None = Field(
        default=None, examples=["$.apiDocument.data.attributes.title", "$.headline"],
        description="The thread's title in the page's JSON (from the document: write `$.`), used when the "
        "listing row gave none, before the page's `<h1>`.",
    )

    @model_validator(mode="after")
    def _pairing(self) -> JsonPosts:
        if self.pair == "key" and (self.html_key is None or self.record_key is None):
            raise ValueError("pair: key needs html_key (in the post's HTML) and record_key (in its record)")
        if self.scope == "post" and self.pair != "order":
            raise ValueError("scope: post reads each post's own JSON: pair does not apply, leave it unset")
        return self


class PostSelectors(Strict):
    """Selectors inside a thread page, one match of `container` per post."""

    container: Selector = Field(
        description="Selects each post of a thread page (with `from_json.pair: records`, what a thread page holds: "
        "e.g. its JSON script).")
    body: Selector | None = Field(
        default=None, description="The post's text, relative to the container; this is what is scanned. Required "
        "unless `from_json.pair: records` reads it from `from_json.body`.")
    author: Selector | None = Field(default=None, description="The author's name, relative to the container.")
    date: DateSelector | None = Field(default=None, description="The post's date; unset means unknown.")
    post_id: Selector | None = Field(
        default=None, description="A stable id of the post (e.g. `::attr(id)`), used to recognise posts already seen."
    )
    attachments: Selector | None = Field(
        default=None, description="Links to attached files, downloaded within the `attachments` limits."
    )
    exclude: list[Selector] = Field(
        default_factory=list, examples=[["div.signature", "blockquote.quote", ".edited-note"]],
        description="Parts of a post left out of its `body` (relative to the container; when the `body` lies "
        "outside it, e.g. the next table row, relative to the body too): a signature repeated "
        "under every post of its author, a quoted earlier post (its identifiers would be found again under the "
        "quoting author), an edit note. Default: none, the `body` element whole.",
    )
    signature_line: Regex | None = Field(
        default=None, examples=[r"^_{5,}$"],
        description="A regex matching the line that opens a signature the engine writes inside the body's own "
        "element, where no `exclude` selector can reach it (phpBB 2 appends `_________________` and the "
        "signature to the message's span): the last line it matches and all that follows are left out of the "
        "body, when what follows is a signature's size (at most 10 lines and 1,000 characters); a longer tail is "
        "kept whole, so a separator typed in a post cannot hide a dump after it.",
    )
    body_lines: bool = Field(
        default=False, examples=[True],
        description="Whether the line breaks written in the body's HTML are lines of the post: for an engine that "
        "shows a text as it was typed through its style sheet (`white-space: pre-wrap`) instead of `<br>`, as "
        "HyperKitty shows a mail (a dump's rows are lines, a signature's `-- ` a line of its own). Default: "
        "`false`, newlines in the HTML are spaces, as a browser shows them without such a style (a page's "
        "markup is indented with them).",
    )
    from_json: JsonPosts | None = Field(
        default=None, description="Post fields read from JSON embedded in the page (docs/sources.md, \"Posts in "
        "the page's JSON\"); unset means the HTML alone.",
    )

    @model_validator(mode="after")
    def _a_body(self) -> PostSelectors:
        records = self.from_json is not None and self.from_json.pair == "records"
        if self.body is None and not (records and self.from_json is not None and self.from_json.body):
            raise ValueError("post.body is required (it may be left out only when from_json.pair is records and "
                             "from_json.body is set)")
        return self


class UrlRewrite(Strict):
    """A regex over a URL and what it becomes, to name a thread the same whatever link led to it."""

    pattern: Regex = Field(examples=[r"[?&](page|start)=\d+"],
                           description="Regex searched in the URL (Python's syntax, run by RE2); the first match is "
                           "replaced.")
    template: str = Field(examples=["", r"/t/\1"],
                          description="The replacement (`\\1` is the first group of `pattern`).")

    @model_validator(mode="after")
    def _groups(self) -> UrlRewrite:
        groups = re.compile(self.pattern).groups
        for ref in re.findall(r"\\(\d+)|\\g<(\d+)>", self.template):
            number = int(ref[0] or ref[1])
            if number > groups:
                raise ValueError(f"template {self.template!r} uses group {number} but pattern {self.pattern!r} "
                                 f"has {groups}")
        return self


class ForumSelectors(Strict):
    """How to walk a forum: boards, then thread listings, then threads and their posts."""

    board_links: Selector | None = Field(
        default=None, description="Links from a start page to boards; unset means the start URLs are boards."
    )
    thread_rows: Selector | None = Field(
        default=None, description="One row per thread on a board page; the other thread selectors are "
        "relative to it. Unset means the whole page is one row.",
    )
    thread_link: Selector = Field(description="The link to a thread (relative to its row).")
    thread_title: Selector | None = Field(default=None, description="The thread's title (relative to its row).")
    thread_page_title: Selector | None = Field(
        default=None, examples=["div.op span.subject", "xpath:(//div[@id='op']//span[@class='subject'])[1]"],
        description="The thread's title on the thread page itself (relative to the page), preferred to the "
        "listing row's `thread_title` when it matches: for listings that name a thread otherwise or not at all "
        "(an imageboard's archive shows each thread's opening text, no subject; a latest-posts page the last "
        "post's excerpt). Default: the row's title, then `post.from_json.thread_title`, then the page's "
        "`<h1>` or `<title>`.",
    )
    thread_board: Selector | None = Field(
        default=None, examples=["a.thread-category"],
        description="The board a thread row names (relative to its row), when a listing mixes boards: a "
        "category listing its subcategories' threads too, a latest-topics page. Default: the listing's board.",
    )
    thread_marker: Selector | None = Field(
        default=None,
        description="text in a thread row that changes when the thread gets a new post (reply "
        "count, last-post date); when unchanged since the last crawl the thread is not fetched. A thread "
        "several listings show (a board and its catalog) is fetched when any of them shows another marker: "
        "write one that reads the same on each (an imageboard's reply count, the omitted notice plus the "
        "replies shown, is the catalog's count too)",
    )
    empty_listing: Selector | None = Field(
        default=None, examples=["div.topics > p.empty", "xpath://p[contains(., 'No topics')]"],
        description="Matches on a board page that has no threads yet (the engine's 'no topics here' "
        "message), or that lists none itself (an overview whose board link leads to the listing: a "
        "HyperKitty list's 'All Threads'): such a page is no layout change, so the thread selectors matching "
        "nothing on it are not counted as `selectors_lost`.",
    )
    board_title: Selector | None = Field(
        default=None, examples=["h2.board-name::text"],
        description="the board's name on its listing page; default: the page <h1>",
    )
    next_page: Selector | None = Field(default=None, description="The link to a board's next page.")
    thread_next_page: Selector | None = Field(default=None, description="The link to a thread's next page.")
    thread_more_links: Selector | None = Field(
        default=None, examples=["div.replies > a.moreReplies::attr(href)"],
        description="Links on a thread page to more of the same thread's posts that no next page holds, every "
        "match followed (the next page is one link, a chain): a Reddit-like engine's \"continue this thread →\" under "
        "a comment nested too deep, its \"load more comments\" of one branch. Each page is fetched once and read as "
        "the thread's (its posts already read are skipped), the links on it followed in turn; at most 200 such pages "
        "a thread (`pagination_stopped` past that). Unset: such comments are never read.")
    next_link_texts: list[str] = Field(
        default_factory=list, examples=[["»", "›", "Suivant", "Page suivante", "Next", "Older"]],
        description="Texts of a next-page link (boards and threads), matched whole and case-insensitively, "
        "used when `next_page`/`thread_next_page` are unset or match nothing; a `rel=next` link matches too. "
        "Links to the last page (`Last`, `Dernière`, `»»`) never match.",
    )
    start_role: Literal["boards", "board"] | None = Field(
        default=None,
        description="What the start URLs are: `boards`, an index whose `board_links` lead to board listings "
        "(threads listed on the index itself are not read, so a thread's board always comes from its own "
        "listing); `board`, itself a thread listing. Default: `boards` when `board_links` is set, else `board`.",
    )
    thread_canonical: Selector | None = Field(
        default=None, examples=["link[rel=canonical]::attr(href)", "h1 a::attr(href)"],
        description="On a thread page, the link to the thread's own first page (the canonical `<link>`, a "
        "breadcrumb or the title link): the thread's key, whatever link led to it. When the page reached "
        "is not that one (an unread or bookmark link into the middle), the crawl walks to it first. A page "
        "reached by a thread's next link that names another thread here is not read as this thread's "
        "(`attention.pagination_stopped`).",
    )
    thread_first_page: Selector | None = Field(
        default=None, examples=["ul.pagination a:first-child::attr(href)"],
        description="On a thread page, the pagination's link to page 1; used when `thread_canonical` is "
        "unset, so a thread entered in the middle is read from its first page.",
    )
    thread_url_rewrite: list[UrlRewrite] = Field(
        default_factory=list,
        description="Rewrites applied in order to every thread URL (listing links, redirects, canonical "
        "links) to get the thread's key, e.g. dropping a page number or a session parameter.",
    )
    post: PostSelectors = Field(description="Selectors of the posts inside a thread page.")


class PasteSelectors(Strict):
    """How to walk a paste site: listing pages, then each paste's raw text."""

    start_role: Literal["listing", "pastes"] = Field(
        default="listing",
        description="What the start URLs are: `listing` (pages listing recent pastes) or `pastes` (the "
        "pastes themselves, for an engine with no public listing such as pinnwand or dpaste: list the "
        "pastes to watch; each is read once, its id from paste_id_pattern on its URL).",
    )
    paste_links: Selector | None = Field(
        default=None, description="Links to pastes on a listing page (required when start_role is `listing`)."
    )
    next_page: Selector | None = Field(
        default=None,
        description="The link to the next (older) listing page; the walk stops at a page with nothing new.",
    )
    title: Selector | None = Field(default=None, description="Pastes' titles on the listing page, in link order.")
    date: DateSelector | None = Field(
        default=None, description="Pastes' dates on the listing page, in link order: every match of "
        "`date.selector` is read as one paste's date (with `format`, `pattern`, `timezone` as a post's date)."
    )
    body: Selector | None = Field(
        default=None, examples=["textarea.copy-area"],
        description="On a paste page read as HTML (no raw_url_template): the element(s) holding the paste's "
        "text, every match read (a paste of several files), so the rendered copy beside it is not read "
        "twice. Unset: the page's first <pre>, else its whole body.",
    )
    raw_url_template: str | None = Field(
        default=None,
        description="URL of a paste's raw text, e.g. '/raw/{id}' (relative to the paste's URL); "
        "{id} comes from paste_id_pattern. Unset means the paste page itself is read.",
    )
    paste_id_pattern: Regex = Field(
        default=r"([A-Za-z0-9_-]+)/?$",
        description="Regex whose first group is the paste id in a paste link; ids make the crawl incremental.",
    )

    @model_validator(mode="after")
    def _links(self) -> PasteSelectors:
        if self.start_role == "listing" and self.paste_links is None:
            raise ValueError("set 'paste_links' (the links on the listing page), or start_role: pastes when "
                             "the start URLs are the pastes themselves")
        return self


class Detector(Strict):
    """Recognises a page by a selector that matches, or by its URL: at least one of the two."""

    selector: Selector | None = Field(default=None, description="Matches when this selector finds something.")
    url_pattern: Regex | None = Field(default=None, description="Matches when the page's URL matches this regex.")

    @model_validator(mode="after")
    def _one(self) -> Detector:
        if self.selector is None and self.url_pattern is None:
            raise ValueError("set 'selector' or 'url_pattern'")
        return self


class LoginSettings(Strict):
    """Logging in to a forum that hides content from guests; hidden form inputs (CSRF) are sent back."""

    url: str = Field(description="Page of the login form.")
    username_field: str = Field(default="username", description="Name of the form's user-name input.")
    password_field: str = Field(default="password", description="Name of the form's password input.")
    username: str = Field(description="The account's user name; may be written `${VAR}`.")
    password: Password = Field(description="The account's password; write `${VAR}`, never the value itself.")
    form_selector: Selector | None = Field(
        default=None, description="Which form to fill; unset means the form with a password field."
    )
    logged_in: Detector = Field(description="Recognises the page after a successful login.")
    login_wall: Detector = Field(
        description="Recognises a page that asks to log in; the crawl logs in again once, then "
        "reports the source as needing attention.",
    )


class FollowRules(Strict):
    """Which discovered links the crawl may follow (deny wins over allow)."""

    allow: list[Regex] = Field(
        default_factory=list, examples=[["/forum/", "/thread/"]],
        description="When not empty, only links matching one of these regexes are followed.",
    )
    deny: list[Regex] = Field(
        default_factory=lambda: [r"logout", r"signout", r"deconnexion"],
        description="Links matching any of these regexes are never followed (keep logout in it).",
    )
    session_params: list[str] = Field(
        default_factory=list, examples=[["token", "visit"]],
        description="Query parameter names (or `;name=` path parameters), compared without case, that carry the "
        "site's session id in its links, beside the default ones (`sid`, `s`, `PHPSESSID`, `jsessionid`, "
        "`sessionid`, `session_id`, `sessid`, `sess_id`, `osCsid`, `zenid`, `CFID`, `CFTOKEN`, `ASPSESSIONID*`, "
        "`sesskey`, which go only when their value looks like a session token: 16 letters and digits or more "
        "(`,` `-` `_` too), a digit or both cases in it, no word between hyphens; ASP.NET's `/(S(...))/` goes "
        "too). They are left out of the names the crawl state knows a thread, a post, an attachment and a paste "
        "by (a thread under a new `sid` each crawl was read "
        "again whole and its posts handed on again); requests still carry them. Name here only parameters that "
        "never tell two threads apart.",
    )


class AttentionThresholds(Strict):
    """When a crawl's silent failures mark the source "needs attention": the count, per crawl, at
    which each one does (0: never). A failed login always does, and fails `vigie crawl`."""

    unparsed_dates: int = Field(default=1, ge=0, description="Post dates found but not read by `date.format`.")
    follows_refused: int = Field(
        default=1, ge=0,
        description="Links found by a selector (thread, next page, attachment) refused by `follow.deny`.")
    pagination_stopped: int = Field(
        default=1, ge=0, description="Paginations that stopped early: a last-page link but no next link, "
        "the per-chain page cap reached, or a thread's next link that led to a page naming another thread as its "
        "own (`thread_canonical` or `thread_first_page`: its posts are not read as this thread's).")
    selectors_lost: int = Field(
        default=1, ge=0, description="Pages where a selector matched nothing although it matched pages of the "
        "same kind before (the site changed its layout).")
    threads_shrank: int = Field(
        default=1, ge=0, description="Threads whose page count is smaller than at the last crawl.")
    redirected_off_site: int = Field(
        default=1, ge=0, description="Pages of the source answered by a redirect to a host that is not one of "
        "its own (not followed): most often the site moved to a new address.")
    json_unread: int = Field(
        default=1, ge=0, description="Thread pages whose embedded JSON (`post.from_json`) could not be read (missing, "
        "too big, too deep, not JSON) or paired with the posts; their posts were read from the HTML alone.")
    empty_bodies: int = Field(
        default=3, ge=0, description="Posts read with an empty body and no attachment: `post.body` selects nothing "
        "or an empty element in them (the site's markup changed?), or `post.exclude` takes all of it; nothing in "
        "them is scanned. A post holding only an image is one too, hence a default above 1.")
    pages_forbidden: int = Field(
        default=1, ge=0, description="Pages and files answered 401 or 403 that are no login wall `login.login_wall` "
        "recognises: a board the site now keeps for its members, a crawler the site banned; they and the pages "
        "they lead to are not read (a members-only board: set `login`).")
    pages_walled: int = Field(
        default=1, ge=0, description="Pages a captcha, a DDoS filter's challenge or a login form answered (with 200) "
        "in place of their content, recognised where the source's selectors found nothing: not read (a paste or "
        "a file so answered is fetched again by the next crawl), and no layout change (`selectors_lost` is not "
        "counted for them). A session to renew (`vigie source cookies`), `login` to set, or a site throttling "
        "the crawl.")
    pages_too_dense: int = Field(
        default=1, ge=0, description="Pages of more elements than `limits.max_page_elements`: not parsed (their "
        "posts and links are not read), their text scanned as one item; a hostile page, or a limit too low. "
        "An attached file's HTML past that ceiling counts too (its text is scanned by the tag stripper).")


class LimitSettings(Strict):
    """Politeness and safety limits of one crawl run."""

    max_pages: int = Field(default=500, ge=1, description="Pages fetched per run at most.")
    max_depth: int = Field(
        default=10, ge=0, description="Links followed from a start URL at most (a board's or a thread's next page "
        "counts as one more: a board of more pages is read to that depth); links past it are not followed, "
        "counted (`refused: links_too_deep`) and logged. 0 means no limit.")
    max_download_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="Largest response accepted, in bytes; larger ones are refused."
    )
    max_page_elements: int = Field(
        default=200_000, ge=0, description="Elements a page may hold and still be parsed (start tags, counted from "
        "the bytes before parsing; a link counts as four); a denser page is counted as `pages_too_dense` and "
        "only its text is scanned. The same ceiling holds for an attached file's HTML. A crawl costs 130 to "
        "320 bytes an element, 1.3 kB a link: 4 million unclosed `<p>` took 1.2 GB. 0: no limit.")
    max_links_per_page: int = Field(
        default=250, ge=0, description="Thread links (a forum's listing) or paste links (a paste listing) "
        "followed from one listing page in one crawl at most; an engine's listing shows 200 at most. The "
        "links past it are counted (`refused: links_deferred`) and left to the next crawl, which goes on where "
        "this one stopped: a hostile page of 24,000 thread links spent the crawl's `max_pages` on them. 0: no "
        "limit.")
    concurrency: int = Field(default=4, ge=1, le=64, description="Requests in flight at once to the source.")
    autothrottle: bool = Field(
        default=True, description="Adapt the delay to the source's response times (Scrapy AutoThrottle)."
    )
    delay_seconds: float = Field(default=0.5, ge=0, description="Wait between two requests to the source.")
    delay_jitter: bool = Field(
        default=True, description="Randomise each delay between 0.5x and 1.5x `delay_seconds`."
    )
    timeout_seconds: float = Field(default=60.0, gt=0, description="Timeout of one request.")
    connect_timeout_seconds: float = Field(
        default=30.0, gt=0,
        description="Over Tor: longest wait for a stream to the source to open (circuit, onion-service "
        "rendezvous, SOCKS reply). Past it the request is retried at once on a new circuit.",
    )
    stream_timeout_seconds: float = Field(
        default=15.0, ge=0,
        description="Over Tor: longest silence of an open stream while an answer is awaited (a stalled "
        "stream or a dead circuit). Past it the request is retried at once on a new circuit; 0 "
        "leaves only `timeout_seconds`.",
    )
    circuits: int | None = Field(
        default=None, ge=1, le=64,
        description="Over Tor: isolated circuits the source's requests are spread over, round robin (more "
        "circuits carry more requests at once to a slow onion service; each costs a rendezvous, opened in "
        "parallel with the first page). Unset: $VIGIE_TOR_CIRCUITS_PER_SOURCE, else 1.",
    )
    hedge: bool = Field(
        default=True,
        description="Over Tor: a page request slower than 95% of the source's recent ones gets a copy on "
        "another circuit, and the first answer wins (at most 10% more requests, never above `concurrency`).",
    )
    retries: int = Field(
        default=4, ge=0, le=20,
        description="Retries of a request that failed (5xx, timeout, dropped connection, garbage page).",
    )
    retry_backoff_seconds: float = Field(
        default=1.0, ge=0, description="The first retry waits this long, then the wait doubles (at most 60 s)."
    )
    max_retry_after_seconds: float = Field(
        default=300.0, ge=0, le=86_400, description="Longest wait a page, paste or file answered 429 or 503 with a "
        "`Retry-After` (seconds or an HTTP date) is retried after: the retry waits what the site asks, and no "
        "request of the crawl goes to that host before then (within `retries`). A longer wait (a hostile site "
        "asking for a year parks no crawl) is not waited for: the page is left to the next crawl, counted "
        "(`refused: rate_limited`, as are answers still rate-limited after the retries). 0: never wait.")
    max_duration: Interval = Field(
        default="2h", examples=["30m"],
        description="Longest run: the crawl then stops gracefully (Scrapy CLOSESPIDER_TIMEOUT, state "
        "kept) and the source is marked as needing attention; the service kills a crawl that "
        "overruns it by `service.crawl_kill_grace_seconds`.",
    )


# image types an operator may add to `attachments.extensions`: read for an archive in them only
IMAGE_TYPES = frozenset({"jpg", "jpeg", "png", "gif", "webp"})


class AttachmentLimits(Strict):
    """Which attached files are downloaded and unpacked, and the limits against archive bombs."""

    enabled: bool = Field(default=True, description="Download attachments at all.")
    extensions: list[str] = Field(
        default_factory=lambda: ["txt", "csv", "tsv", "sql", "json", "jsonl", "ndjson", "xml", "vcf", "ldif", "ics",
                                 "mbox", "eml", "hl7", "hpr", "xlsx", "xlsm", "ods", "docx", "odt", "pdf", "gz", "zip",
                                 "7z", "rar", "tar", "tgz", "bz2", "xz", "sqlite", "sqlite3", "db", "rtf"],
        description="File types downloaded, among txt, csv, tsv, sql, json, jsonl, ndjson (JSON lines: a FHIR bulk "
                    "export's `Patient.ndjson`), xml, vcf (vCard address books), "
                    "ldif (directory exports), ics (iCalendar agendas), mbox and eml (mailboxes and messages: "
                    "their MIME parts decoded), hl7 and hpr (HL7 v2 and HPRIM messages, as interface engines and "
                    "laboratories write them a file each), xlsx, xlsm and ods (Excel and OpenDocument spreadsheets: "
                    "each sheet read as a table), docx, odt and pdf (Word, OpenDocument and PDF documents: "
                    "their text read, a file per part or page: `letter.docx/document.txt`, `report.pdf/page-3.txt`; "
                    "a PDF in a process of its own, at most 20 pages per file of `max_files`), rtf (RTF documents: "
                    "their text, tables as rows: `letter.rtf/document.txt`), sqlite, sqlite3 and db (SQLite "
                    "databases: each table read as a table under its column names, `cabinet.sqlite/patients.tsv`, "
                    "from a private copy in memory with views, triggers and extensions off; a `.db` that is no "
                    "SQLite database is read as the file it is), gz, zip, 7z, rar, "
                    "tar, tgz, bz2, xz, log. Archives are unpacked in memory within the limits below (zip members "
                    "stored, deflated, bzip2 or LZMA; 7z with any of 7-Zip's usual methods; RAR 4 and RAR 5 by "
                    "libarchive in a process of its own, never an encrypted RAR; an encrypted zip or 7z "
                    "with the password posted beside it (docs/sources.md, Encrypted archives); a .tar.gz is read "
                    "as a tar); inside them, only files of these types are read. Not by default: jpg, jpeg, png, "
                    "gif, webp (images: read only for an archive hidden in or appended to one, as imageboards "
                    "and image-only forums carry them; a plain image gives nothing). A file is read as what its "
                    "bytes are, whatever its name, when that type is listed too (a RAR named `.csv` is refused "
                    "unless rar is listed). An answer whose headers already say it will not be read (a name of a "
                    "type not listed in its Content-Disposition, an image's Content-Type when that image type is not "
                    "listed: a forum's `file.php?id=7` serving a photo) is refused before its body is downloaded "
                    "(the crawl summary's `files_not_listed`).",
    )
    max_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="Largest attachment downloaded, in bytes.")
    max_uncompressed_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1,
        description="Most bytes unpacked from one archive; beyond, the archive is skipped and logged.",
    )
    max_files: int = Field(default=100, ge=1, description="Most files read from one archive.")
    max_nesting: int = Field(default=2, ge=0, description=(
        "Archives inside archives unpacked at most: with 2, `leak.zip` > `1.zip` > `2.zip` > `patients.csv` is read; "
        "an archive nested deeper is refused as a bomb (its siblings are still read), logged and counted in the "
        "crawl summary's `bombs_refused`."))

    @field_validator("extensions")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        allowed = {"txt", "csv", "tsv", "sql", "json", "jsonl", "ndjson", "xml", "vcf", "ldif", "ics", "mbox", "eml",
                   "hl7", "hpr", "xlsx", "xlsm", "ods", "docx", "odt", "pdf", "gz", "zip", "7z", "rar", "tar", "tgz",
                   "bz2", "xz", "log", "sqlite", "sqlite3", "db", "rtf", *IMAGE_TYPES}
        bad = [e for e in value if e.lower().lstrip(".") not in allowed]
        if bad:
            raise ValueError(f"unsupported extension(s) {bad}; allowed: {sorted(allowed)}")
        return [e.lower().lstrip(".") for e in value]


class FileTreeSelectors(Strict):
    """A file tree a leak site publishes for a victim: read as a listing (names, sizes); the
    files themselves are not downloaded."""

    rows: Selector = Field(description="Selects each file row of the tree page.")
    name: Selector = Field(description="The file's name (or path), relative to its row.")
    size: Selector | None = Field(
        default=None, description="The file's size as written (`1.2 GB`), relative to its row.")
    folders: Selector | None = Field(
        default=None, examples=["pre > a[href$='/']:not([href^='../'])::attr(href)"],
        description="Links to the tree's folders on a tree page (a directory listing such as nginx's or Apache's "
        "autoindex shows one folder a page): each folder below the page is read as the tree is, its files named "
        "with the folder's path (`Finance/bilan_2025.pdf`); unset means the linked page alone is read. At most 50 "
        "pages a victim, and the first `attachments.max_files` files.")
    deadline: DateSelector | None = Field(
        default=None, description="The victim's deadline on the linked page (its company page), relative to the page, "
        "read as `leaksite.deadline` is when the listing's row shows none (a site whose listing names the victims "
        "alone and prints each countdown or publication date on the victim's own page).")
    status: Selector | None = Field(
        default=None, description="The status text on the linked page, relative to the page: the victim is "
        "published when it or the row's `status` matches `published_pattern`.")


class LeaksiteSelectors(Strict):
    """A leak site's victim listing: one row per victim, fields by selector, relative to the row."""

    rows: Selector = Field(description="Selects each victim of a listing page.")
    name: Selector = Field(description="The victim's name.")
    domain: Selector | None = Field(default=None, description="The victim's domain or website.")
    country: Selector | None = Field(default=None, description="The victim's country.")
    sector: Selector | None = Field(default=None, description="The victim's sector.")
    announced: DateSelector | None = Field(default=None, description="When the victim was announced.")
    deadline: DateSelector | None = Field(
        default=None, description="The countdown's end or the publication date, whichever the site shows. Read as "
        "a post's date (`attributes` first; a Unix time, e.g. a script's `data-timer`, read as such), else the "
        "text as a countdown (`3d 04h 12m`, `1j 02:03:04`) from the crawl's time; a countdown of zeros (the "
        "digits a script fills in, `00D 00h 00m 00s` as served) tells no end: an unparsed date.")
    status: Selector | None = Field(default=None, description="The status text (e.g. `published`, `announced`).")
    published_pattern: Regex = Field(
        default=r"(?i)publi|leaked|released|dumped",
        description="A status text matching this regex means the data is published; otherwise announced.",
    )
    file_links: Selector | None = Field(
        default=None, description="Links to the victim's file trees or samples, relative to the row.")
    file_tree: FileTreeSelectors | None = Field(
        default=None, description="How to read a linked file tree page; unset means links are recorded, not followed.")
    next_page: Selector | None = Field(default=None, description="The link to the listing's next page.")


class ChannelSelectors(Strict):
    """A public channel's web preview; the defaults fit the Telegram structure (t.me/s/<channel>)."""

    message: Selector = Field(default=".tgme_widget_message", description="Selects each post.")
    message_id: Selector = Field(
        default="::attr(data-post)",
        description="The post's id, relative to the post (`channel/123`: the number after the last `/`).",
    )
    author: Selector | None = Field(
        default=".tgme_widget_message_owner_name", description="The post's author, relative to the post.")
    date: DateSelector = Field(
        default=DateSelector(selector="time::attr(datetime)"), description="The post's date, relative to the post.")
    text: Selector = Field(default=".tgme_widget_message_text", description="The post's text, relative to the post.")
    attachments: Selector | None = Field(
        default=".tgme_widget_message_document_wrap::attr(href)",
        description="Attachment links of the post, relative to it (downloaded only with `attachments.enabled`).",
    )
    older: Selector = Field(
        default="a.tme_messages_more::attr(href)", description="The link to older posts (`?before=<id>`).")


class WallDetector(Strict):
    """Recognises a captcha or login wall in front of the site's content: a selector that matches,
    or a text the page contains (at least one). Meeting it stops the crawl at once (never hammer
    the wall) and marks the source "needs attention: session expired"; `vigie source cookies`
    then hands the crawler a fresh session solved by hand in Tor Browser."""

    selector: Selector | None = Field(default=None, description="The wall is up when this selector finds something.")
    text: str | None = Field(
        default=None, min_length=3, description="The wall is up when the page's HTML contains this text."
    )

    @model_validator(mode="after")
    def _one(self) -> WallDetector:
        if self.selector is None and self.text is None:
            raise ValueError("set 'selector' or 'text'")
        return self


class BrowserSettings(Strict):
    """Limits of the headless Chromium used by a `render: browser` source."""

    page_timeout_seconds: float = Field(
        default=90.0, gt=0, le=600,
        description="Longest wait for one page to load and run its scripts through Tor.",
    )
    max_pages_at_once: int = Field(
        default=2, ge=1, le=16,
        description="Pages rendered at the same time; each costs tens of MiB and a Tor stream or more.",
    )
    restart_after_pages: int = Field(
        default=200, ge=1,
        description="The browser is closed and started afresh after this many pages (leaks in long-lived "
        "renderers, state a site could pile up).",
    )
    restart_above_rss_mb: int = Field(
        default=1024, ge=64,
        description="The browser is restarted when its processes together use more memory than this (MiB).",
    )


class PrivateBinSettings(Strict):
    """PrivateBin pastes linked from the source's posts and pastes (`https://host/?<id>#<key>`): the
    paste is fetched as the site's own script would (its JSON), decrypted with the key of the link's
    fragment (and a password posted beside the link), and scanned as a paste; its attachment is read as
    an attached file. The key is never logged nor stored in plain: the paste is kept under its address
    without it; a fetch left pending by an interrupted crawl keeps its key encrypted with the data key
    (docs/sources.md, PrivateBin pastes)."""

    enabled: bool = Field(default=True, description="Read the PrivateBin links found at all.")
    instances: list[str] = Field(
        default_factory=list,
        examples=[["http://privatebinxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"]],
        description="Addresses of the PrivateBin sites whose links are read, besides the source's own hosts "
        "(a forum's posts link pastes elsewhere): each `http(s)://host[:port]/[path]`, a link read when it "
        "starts with one. They are added to the hosts and ports the crawl may contact; a link to a site not "
        "listed is counted (`privatebin: not listed`), not fetched.",
    )
    read_burn_after_reading: bool = Field(
        default=False,
        description="Fetch pastes whose link marks them burn-after-reading (a fragment starting with `-`, "
        "PrivateBin >= 1.7). Reading one deletes it on the server: the leaker finds it gone and knows it was "
        "read. Off: such links are counted (`privatebin: burn skipped`) and left alone.",
    )

    @field_validator("instances")
    @classmethod
    def _instances(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", url):
                raise ValueError(f"privatebin.instances: {url!r} must be an http(s) address with no query or "
                                 "fragment, e.g. http://pbinxxxx.onion/")
        return value


def _check_network(url: str, what: str, info: ValidationInfo) -> None:
    """A `.onion` name must never reach a DNS resolver (`network: direct`), and a `tor` source
    aimed at a local site hangs at "bootstrapped 0%" instead of saying `network: direct` is missing."""
    from urllib.parse import urlsplit

    network = info.data.get("network")
    host = (urlsplit(url).hostname or "").lower()
    if network is None or not host:  # network itself invalid (reported), or a relative URL
        return
    onion = host.endswith(".onion")
    if network == "direct" and onion:
        raise ValueError(f"{what} {url!r} is a .onion address but network is 'direct': the crawl "
                         "would ask the local DNS resolver for it; set network: tor")
    if network == "tor" and not onion and not info.data.get("allow_clearnet_over_tor", False):
        raise ValueError(f"{what} {url!r} is not a .onion address but network is 'tor': set network: "
                         "direct for a clearnet or local site, or allow_clearnet_over_tor: true to "
                         "reach it through a Tor exit")


class SourceConfig(Strict):
    """config/sources/<name>.yaml: one crawled site."""

    name: Name = Field(
        description="The source's name in commands, logs and alerts; default: the file name without .yaml."
    )
    kind: Literal["forum", "paste", "leaksite", "channel"] = Field(
        default="forum", description="`forum` needs a `forum` section, `paste` a `paste` section, "
        "`leaksite` a `leaksite` section; `channel` reads a public channel preview (`channel`, optional).",
    )
    description: Annotated[str | None, INFORMATIONAL] = Field(
        default=None, description="A note for operators about the site; Vigie does not read it."
    )
    network: Literal["tor", "direct"] = Field(
        default="tor",
        description="`tor`: only through Tor's SOCKS port, one isolated circuit per source. "
        "`direct`: without Tor, for clearnet or local sites; refused with a `.onion` URL (the "
        "name would go to the local DNS resolver).",
    )
    allow_clearnet_over_tor: bool = Field(
        default=False, examples=[True],
        description="Let a `network: tor` source use URLs that are not `.onion` (a clearnet site "
        "reached through a Tor exit). Off, such a source is refused: it is usually a local site "
        "whose `network: direct` was forgotten.",
    )
    allowed_addresses: list[str] = Field(
        default=[], examples=[["192.168.1.0/24"], ["127.0.0.1/32"]],
        description="For a `network: direct` source named by host name: the networks (CIDR, or one "
        "address) its names may resolve to besides public addresses, e.g. a LAN site's or a local "
        "mirror's. Each name is resolved once when a crawl starts and that answer is used for the whole "
        "run; an answer holding a loopback, private, link-local or other non-public address outside "
        "these networks is refused (the site's owner could otherwise point its name at services on this "
        "machine or its network). `localhost` names may be loopback without it; a source named by its "
        "address needs none.",
    )
    start_urls: list[str] = Field(min_length=1, description="Absolute http(s) URLs where each crawl starts.")
    schedule: Schedule = Field(description="When the source is crawled.")
    forum: ForumSelectors | None = Field(default=None, description="Selectors of a `kind: forum` source.")
    paste: PasteSelectors | None = Field(default=None, description="Selectors of a `kind: paste` source.")
    leaksite: LeaksiteSelectors | None = Field(default=None, description="Selectors of a `kind: leaksite` source.")
    channel: ChannelSelectors = Field(
        default=ChannelSelectors(), description="Selectors of a `kind: channel` source (Telegram's by default).")
    login: LoginSettings | None = Field(default=None, description="How to log in; unset means crawl as a guest.")
    follow: FollowRules = Field(default=FollowRules(), description="Which links are followed.")
    limits: LimitSettings = Field(default=LimitSettings(), description="Limits of one crawl run.")
    attention: AttentionThresholds = Field(
        default=AttentionThresholds(), description="When silent failures mark the source as needing attention.")
    attachments: AttachmentLimits = Field(default=AttachmentLimits(), description="Attached files.")
    user_agent: str = Field(
        default="Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0",
        description="User-Agent header sent; the default blends in with Tor Browser.",
    )
    render: Literal["http", "browser"] = Field(
        default="http",
        description="`http`: pages are fetched as HTML, fast. `browser`: pages are rendered by headless "
        "Chromium through Tor (docs/browser.md), for sites that build their content with JavaScript "
        "(e.g. a leak site whose victim list comes from JSON); about ten times slower and heavier, so "
        "use it only when the fetched HTML lacks the content.",
    )
    browser: BrowserSettings = Field(
        default=BrowserSettings(), description="Limits of the browser of a `render: browser` source."
    )
    wall: WallDetector | None = Field(
        default=None,
        description="Recognises a captcha or login wall; set it on a source crawled with a session "
        "(cookies) solved by hand, so an expired session stops the crawl instead of hammering the wall.",
    )
    privatebin: PrivateBinSettings = Field(
        default=PrivateBinSettings(), description="PrivateBin pastes linked from posts and pastes."
    )

    @field_validator("allowed_addresses")
    @classmethod
    def _networks(cls, value: list[str], info: ValidationInfo) -> list[str]:
        import ipaddress

        if value and info.data.get("network") == "tor":
            raise ValueError("allowed_addresses is for network: direct sources (a tor source never resolves names "
                             "locally); delete it")
        out = []
        for text in value:
            try:
                out.append(str(ipaddress.ip_network(str(text).strip(), strict=False)))
            except ValueError:
                raise ValueError(f"allowed_addresses: {text!r} is not an address or network (e.g. 192.168.1.0/24, "
                                 "127.0.0.1, fd00::/8)") from None
        return out

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for url in value:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"start URL {url!r} must be an absolute http(s) URL")
            _check_network(url, "start URL", info)
        return value

    @field_validator("login")
    @classmethod
    def _login_url(cls, value: LoginSettings | None, info: ValidationInfo) -> LoginSettings | None:
        if value is not None:
            _check_network(value.url, "login URL", info)
        return value

    @model_validator(mode="after")
    def _login_followable(self) -> SourceConfig:
        """A login URL that `follow.deny` refuses is never fetched: the crawl would always run as a guest."""
        if self.login is not None:
            for pattern in self.follow.deny:
                if compile_pattern(pattern).search(self.login.url):
                    raise ValueError(f"login.url {self.login.url!r} matches follow.deny pattern {pattern!r}, so "
                                     "the login page would never be fetched: narrow that pattern")
        return self

    @model_validator(mode="after")
    def _privatebin_network(self) -> SourceConfig:
        """A PrivateBin instance is contacted as the start URLs are: the same network rules."""
        from urllib.parse import urlsplit

        for url in self.privatebin.instances:
            onion = (urlsplit(url).hostname or "").lower().endswith(".onion")
            if self.network == "direct" and onion:
                raise ValueError(f"privatebin.instances: {url!r} is a .onion address but network is 'direct'")
            if self.network == "tor" and not onion and not self.allow_clearnet_over_tor:
                raise ValueError(f"privatebin.instances: {url!r} is not a .onion address but network is 'tor' "
                                 "(allow_clearnet_over_tor: true reaches it through a Tor exit)")
        return self

    @model_validator(mode="after")
    def _selectors_for_kind(self) -> SourceConfig:
        if self.kind == "forum" and self.forum is None:
            raise ValueError("a forum source needs a 'forum' section with its selectors")
        if self.kind == "paste" and self.paste is None:
            raise ValueError("a paste source needs a 'paste' section with its selectors")
        if self.kind == "leaksite" and self.leaksite is None:
            raise ValueError("a leaksite source needs a 'leaksite' section with its selectors")
        return self


# --------------------------------------------------------------------------------------------
# config/organisations/<id>.yaml
# --------------------------------------------------------------------------------------------


class Contact(Strict):
    """A person at the organisation, kept for the operators' records."""

    name: Annotated[str, INFORMATIONAL] = Field(description="The person's name.")
    email: Annotated[Email, INFORMATIONAL] = Field(
        description="The person's email address (alerts go to `channels.email.to`, not here)."
    )
    role: Annotated[str | None, INFORMATIONAL] = Field(default=None, examples=["DPO"], description="The person's role.")


class DpoContact(Strict):
    """The data protection officer (GDPR art. 37-39): the breach-response pack (`vigie leak pack`)
    names them to the supervisory authority (art. 33(3)(b)) and in the letter to the people
    concerned (art. 34(2)), so the drafts are ready to send without hunting for it."""

    name: str = Field(description="The DPO's name, or the office's (e.g. `Délégué à la protection des données`).")
    email: Email = Field(description="Where the people concerned and the authority can write to the DPO.")
    phone: str | None = Field(default=None, description="A phone number for the people concerned, if any.")
    postal_address: str | None = Field(
        default=None, description="A postal address for the people concerned, on one line, if any.")


class EmailChannel(Strict):
    """Alerts by email, through `alerts.smtp` of vigie.yaml."""

    enabled: bool = Field(default=True, description="`false` keeps the address list but sends nothing.")
    to: list[Email] = Field(min_length=1, description="Recipients of every alert mail.")


class WebhookChannel(Strict):
    """Alerts as signed JSON POSTs (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)."""

    enabled: bool = Field(default=True, description="`false` keeps the settings but posts nothing.")
    url: Annotated[str, Field(pattern=r"^https?://")] = Field(
        description="Receiver URL; https, or http on loopback only."
    )
    secret: WebhookSecret = Field(
        description="This organisation's HMAC-SHA256 signing secret, shared with its receiver; write `${VAR}`."
    )

    @field_validator("url")
    @classmethod
    def _https_unless_loopback(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        loopback = host == "localhost" or host.startswith("127.") or host == "::1"
        if parts.scheme == "http" and not loopback:
            # scheme and host only: receivers put tokens in the path or query
            raise ValueError(f"webhook URL http://{host}/… must use https (http is allowed only for loopback)")
        return value


class Channels(Strict):
    """Where the organisation's alerts go: at least one channel."""

    email: EmailChannel | None = Field(default=None, description="Alerts by email.")
    webhook: WebhookChannel | None = Field(default=None, description="Alerts by signed webhook.")


DeliveryPolicy = Literal["immediate", "hourly", "daily"]


def _default_policy() -> dict[SeverityName, DeliveryPolicy]:
    return {"critical": "immediate", "high": "immediate", "medium": "immediate", "low": "daily"}


class Watchlist(Strict):
    """The organisation's own names, matched on leak sites, channels and forums. Not personal
    data, so kept as written; only this organisation's alerts use it."""

    names: list[str] = Field(default_factory=list, examples=[["Clinique du Parc SAS"]],
                             description="Legal and usual names; case, accents, punctuation and legal suffixes "
                             "are ignored.")
    brands: list[str] = Field(default_factory=list, description="Brand and product names, matched as whole words.")
    domains: list[str] = Field(default_factory=list, examples=[["cliniqueduparc.fr"]],
                               description="Domains, matched by registrable domain (`www.x.fr` and `mail.x.fr` "
                               "are `x.fr`).")
    software: list[str] = Field(default_factory=list,
                                description="Software the organisation sells or uses, matched as whole words.")
    exclusions: list[str] = Field(
        default_factory=list, examples=[["orange mécanique"]],
        description="Phrases that contain a watched name but are not the organisation: a match inside one is ignored.",
    )


class OrganisationConfig(Strict):
    """config/organisations/<id>.yaml: one subscribing organisation. Its identifiers are never
    written here: they are registered as keyed tokens with `vigie org register`."""

    id: Name = Field(description="The organisation's id in commands and alert payloads.")
    display_name: str = Field(description="The organisation's name in alerts and reports.")
    contacts: Annotated[list[Contact], INFORMATIONAL] = Field(
        default_factory=list, description="People to reach about the subscription; Vigie does not write to them."
    )
    channels: Channels = Field(description="Where alerts go.")
    dpo: DpoContact | None = Field(
        default=None,
        description="The data protection officer, named in the breach-response pack (`vigie leak pack`); "
        "without it the pack leaves a placeholder to fill in.",
    )
    min_severity: SeverityName = Field(
        default="medium", description="Findings below this severity raise no alert."
    )
    policy: dict[SeverityName, DeliveryPolicy] = Field(
        default_factory=_default_policy,
        description="Per severity: `immediate` (one message per alert) or an `hourly`/`daily` digest. "
        "A severity left out is immediate.",
    )
    watchlist: Watchlist = Field(
        default_factory=Watchlist,
        description="Names, brands, domains and software watched on leak sites and channels.")

    @model_validator(mode="after")
    def _has_channel(self) -> OrganisationConfig:
        if self.channels.email is None and self.channels.webhook is None:
            raise ValueError("an organisation needs at least one channel (email or webhook)")
        return self
