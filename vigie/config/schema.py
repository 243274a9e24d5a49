"""The schema of every YAML file in `config/`: what operators may write, checked by pydantic.

Every model forbids unknown keys, so a typo is an error (with a suggestion) rather than a setting
that silently does nothing. Validators here only check what a file says on its own; cross-file
checks (duplicate names, organisations' channels against global channels) live in `config.loader`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

__all__ = [
    "AlertsSettings",
    "AttachmentLimits",
    "DateSelector",
    "ElasticsearchSettings",
    "EmbeddedSettings",
    "GlobalConfig",
    "KeySettings",
    "LimitSettings",
    "LoginSettings",
    "OrganisationConfig",
    "PostSelectors",
    "Schedule",
    "SourceConfig",
    "StorageSettings",
    "TorSettings",
    "parse_interval",
    "parse_selector",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_unset(cls, data: object) -> object:
        """`${VAR:-}` interpolates to "": treat it as an unset optional field."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items()
                    if not (v == "" and k in cls.model_fields and not cls.model_fields[k].is_required()
                            and cls.model_fields[k].default is None)}
        return data


# --------------------------------------------------------------------------------------------
# Shared value types
# --------------------------------------------------------------------------------------------

_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_interval(text: str) -> timedelta:
    """`90s`, `30m`, `6h`, `1d`, `2w` -> timedelta. Raises ValueError with the accepted forms."""
    match = _INTERVAL_RE.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise ValueError(
            f"invalid interval {text!r}: write a positive number and a unit, e.g. 90s, 30m, 6h, 1d"
        )
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


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
    return text


def _check_regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"regular expression {text!r} does not compile: {exc}") from None
    return text


Selector = Annotated[str, AfterValidator(_check_selector)]
Regex = Annotated[str, AfterValidator(_check_regex)]
Interval = Annotated[str, AfterValidator(_check_interval)]
Cron = Annotated[str, AfterValidator(_check_cron)]
SeverityName = Literal["low", "medium", "high", "critical"]
Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


# --------------------------------------------------------------------------------------------
# config/vigie.yaml
# --------------------------------------------------------------------------------------------


class EmbeddedSettings(Strict):
    path: Path | None = Field(
        default=None, description="SQLite file; default <data-dir>/store.sqlite3"
    )


class ElasticsearchSettings(Strict):
    hosts: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:9200"], min_length=1)
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_certs: Path | None = None
    verify_certs: bool = True
    index_prefix: Name = "vigie-fragments"
    rollover: Literal["monthly", "daily", "yearly"] = "monthly"
    bulk_batch_size: int = Field(default=500, ge=1, le=10_000)
    max_retries: int = Field(default=5, ge=0, le=50)
    request_timeout_seconds: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _one_auth(self) -> ElasticsearchSettings:
        if self.api_key is not None and (self.username or self.password):
            raise ValueError("set either api_key or username/password, not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        return self


class StorageSettings(Strict):
    backend: Literal["embedded", "elasticsearch"] = "embedded"
    embedded: EmbeddedSettings = EmbeddedSettings()
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()


class TorSettings(Strict):
    mode: Literal["launch", "external"] = "launch"
    tor_binary: str = "tor"
    socks_host: str = "127.0.0.1"
    socks_port: int = Field(default=9050, ge=1, le=65535)
    control_port: int = Field(default=9051, ge=1, le=65535)
    control_password: SecretStr | None = None
    cookie_auth_file: Path | None = None
    bootstrap_timeout_seconds: float = Field(default=180.0, gt=0)
    newnym_interval: Interval | None = "30m"
    circuit_failures_before_newnym: int = Field(default=5, ge=1)
    extra_torrc: dict[str, str] = Field(default_factory=dict)


class KeySettings(Strict):
    """Keys never live in the repo or the database: files outside both, or the environment
    (VIGIE_MATCH_KEY / VIGIE_DATA_KEY, hex), which wins over files."""

    match_key_file: Path = Path("~/.config/vigie/match.key")
    data_key_file: Path = Path("~/.config/vigie/data.key")
    webhook_signing_secret_file: Path | None = None


class SmtpSettings(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = "vigie@localhost"
    timeout_seconds: float = Field(default=30.0, gt=0)
    ca_certs: Path | None = None


class WebhookSettings(Strict):
    timeout_seconds: float = Field(default=10.0, gt=0)
    allow_http_loopback: bool = True
    ca_certs: Path | None = None


class DeliverySettings(Strict):
    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff_initial_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=900.0, gt=0)
    poll_interval_seconds: float = Field(default=1.0, gt=0)


class AlertsSettings(Strict):
    smtp: SmtpSettings | None = None
    webhook: WebhookSettings = WebhookSettings()
    delivery: DeliverySettings = DeliverySettings()


class ServiceSettings(Strict):
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=9108, ge=1, le=65535)
    crawl_mode: Literal["subprocess"] = "subprocess"


class GlobalConfig(Strict):
    storage: StorageSettings = StorageSettings()
    tor: TorSettings = TorSettings()
    keys: KeySettings = KeySettings()
    alerts: AlertsSettings = AlertsSettings()
    service: ServiceSettings = ServiceSettings()


# --------------------------------------------------------------------------------------------
# config/sources/<name>.yaml
# --------------------------------------------------------------------------------------------


class Schedule(Strict):
    interval: Interval | None = None
    cron: Cron | None = None
    jitter_seconds: int = Field(default=60, ge=0)
    enabled: bool = True

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("set exactly one of 'interval' (e.g. 30m) or 'cron' (e.g. '0 * * * *')")
        return self


class DateSelector(Strict):
    selector: Selector
    format: str | None = Field(
        default=None,
        description="strptime format; omit for ISO 8601 (e.g. a datetime attribute). "
        "French month names are understood with %B/%b.",
    )
    timezone: str = "UTC"


class PostSelectors(Strict):
    container: Selector
    body: Selector
    author: Selector | None = None
    date: DateSelector | None = None
    post_id: Selector | None = None
    attachments: Selector | None = None


class ForumSelectors(Strict):
    board_links: Selector | None = None
    thread_rows: Selector | None = None
    thread_link: Selector
    thread_title: Selector | None = None
    thread_marker: Selector | None = Field(
        default=None,
        description="text in a thread row that changes when the thread gets a new post (reply "
        "count, last-post date); when unchanged since the last crawl the thread is not fetched",
    )
    board_title: Selector | None = Field(
        default=None, description="the board's name on its listing page; default: the page <h1>"
    )
    next_page: Selector | None = None
    thread_next_page: Selector | None = None
    post: PostSelectors


class PasteSelectors(Strict):
    paste_links: Selector
    next_page: Selector | None = None
    title: Selector | None = None
    raw_url_template: str | None = Field(
        default=None, description="e.g. '/raw/{id}'; {id} comes from paste_id_pattern"
    )
    paste_id_pattern: Regex = r"([A-Za-z0-9_-]+)/?$"


class Detector(Strict):
    selector: Selector | None = None
    url_pattern: Regex | None = None

    @model_validator(mode="after")
    def _one(self) -> Detector:
        if self.selector is None and self.url_pattern is None:
            raise ValueError("set 'selector' or 'url_pattern'")
        return self


class LoginSettings(Strict):
    url: str
    username_field: str = "username"
    password_field: str = "password"
    username: str
    password: SecretStr
    form_selector: Selector | None = None
    logged_in: Detector
    login_wall: Detector


class FollowRules(Strict):
    allow: list[Regex] = Field(default_factory=list)
    deny: list[Regex] = Field(default_factory=lambda: [r"logout", r"signout", r"deconnexion"])


class LimitSettings(Strict):
    max_pages: int = Field(default=500, ge=1)
    max_depth: int = Field(default=10, ge=0)
    max_download_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    concurrency: int = Field(default=4, ge=1, le=64)
    autothrottle: bool = True
    delay_seconds: float = Field(default=0.5, ge=0)
    delay_jitter: bool = True
    timeout_seconds: float = Field(default=60.0, gt=0)
    retries: int = Field(default=4, ge=0, le=20)
    retry_backoff_seconds: float = Field(
        default=1.0, ge=0, description="first retry waits this long, then doubling (max 60 s)"
    )


class AttachmentLimits(Strict):
    enabled: bool = True
    extensions: list[str] = Field(
        default_factory=lambda: ["txt", "csv", "sql", "json", "gz", "zip"]
    )
    max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    max_uncompressed_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_files: int = Field(default=100, ge=1)
    max_nesting: int = Field(default=2, ge=0)

    @field_validator("extensions")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        allowed = {"txt", "csv", "tsv", "sql", "json", "jsonl", "gz", "zip", "log"}
        bad = [e for e in value if e.lower().lstrip(".") not in allowed]
        if bad:
            raise ValueError(f"unsupported extension(s) {bad}; allowed: {sorted(allowed)}")
        return [e.lower().lstrip(".") for e in value]


class SourceConfig(Strict):
    name: Name
    kind: Literal["forum", "paste"] = "forum"
    description: str | None = None
    network: Literal["tor", "direct"] = "tor"
    start_urls: list[str] = Field(min_length=1)
    schedule: Schedule
    forum: ForumSelectors | None = None
    paste: PasteSelectors | None = None
    login: LoginSettings | None = None
    follow: FollowRules = FollowRules()
    limits: LimitSettings = LimitSettings()
    attachments: AttachmentLimits = AttachmentLimits()
    user_agent: str = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"start URL {url!r} must be an absolute http(s) URL")
        return value

    @model_validator(mode="after")
    def _selectors_for_kind(self) -> SourceConfig:
        if self.kind == "forum" and self.forum is None:
            raise ValueError("a forum source needs a 'forum' section with its selectors")
        if self.kind == "paste" and self.paste is None:
            raise ValueError("a paste source needs a 'paste' section with its selectors")
        return self


# --------------------------------------------------------------------------------------------
# config/organisations/<id>.yaml
# --------------------------------------------------------------------------------------------


class Contact(Strict):
    name: str
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    role: str | None = None


class EmailChannel(Strict):
    enabled: bool = True
    to: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)


class WebhookChannel(Strict):
    enabled: bool = True
    url: Annotated[str, Field(pattern=r"^https?://")]
    secret: SecretStr

    @field_validator("url")
    @classmethod
    def _https_unless_loopback(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        loopback = host == "localhost" or host.startswith("127.") or host == "::1"
        if parts.scheme == "http" and not loopback:
            raise ValueError(f"webhook URL {value!r} must use https (http is allowed only for loopback)")
        return value


class Channels(Strict):
    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None


DeliveryPolicy = Literal["immediate", "hourly", "daily"]


class OrganisationConfig(Strict):
    id: Name
    display_name: str
    contacts: list[Contact] = Field(default_factory=list)
    channels: Channels
    min_severity: SeverityName = "medium"
    policy: dict[SeverityName, DeliveryPolicy] = Field(
        default_factory=lambda: {"critical": "immediate", "high": "immediate",
                                 "medium": "immediate", "low": "daily"}
    )

    @model_validator(mode="after")
    def _has_channel(self) -> OrganisationConfig:
        if self.channels.email is None and self.channels.webhook is None:
            raise ValueError("an organisation needs at least one channel (email or webhook)")
        return self
