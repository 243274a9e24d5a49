"""The configuration `vigie demo` runs with, built from the pydantic models of `vigie.config.schema`.

Why models and not YAML text: the models are the schema, so a renamed or removed field breaks
the demo at once (mypy, then pydantic) instead of producing a file that the loader rejects, or
accepts with a setting silently dropped. The models are dumped as YAML into a config directory,
then read back through the operators' path (`vigie.config.loader.load_config`), and what comes
back must equal what was built: the dump itself cannot lose a field either.

The demo source's selectors describe the kit's own forum (`vigie_kit.forum`, phpBB engine), so
they live here with it, not in the operators' example file (tests/fixtures/forum.py checks that
example against the same forum).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, SecretStr

from vigie.config.loader import LoadedConfig, load_config
from vigie.config.schema import (
    AlertsSettings,
    AttachmentLimits,
    Channels,
    Contact,
    DateSelector,
    DeliverySettings,
    Detector,
    EmailChannel,
    FollowRules,
    ForumSelectors,
    GlobalConfig,
    KeySettings,
    LimitSettings,
    LoginSettings,
    OrganisationConfig,
    PostSelectors,
    Schedule,
    ServiceSettings,
    SmtpSettings,
    SourceConfig,
    StorageSettings,
    TorSettings,
    WebhookChannel,
)

__all__ = ["DemoEndpoints", "DemoConfigError", "ORG_ID", "SOURCE", "WEBHOOK_SECRET", "demo_models",
           "write_demo_config"]

ORG_ID = "clinique-des-tilleuls"
SOURCE = "demo-forum"
WEBHOOK_SECRET = "demo-webhook-secret-not-for-production"
FORUM_USER, FORUM_PASSWORD = "watcher", "demo-password"  # the kit forum's account (vigie_kit.forum)


class DemoConfigError(RuntimeError):
    """The demo's config did not survive a dump and reload: the schema and this module disagree."""


@dataclass(frozen=True)
class DemoEndpoints:
    """Where the demo's local parts listen; known only once they have started."""

    onion: str  # the forum's onion address, without scheme
    socks_port: int
    control_port: int
    cookie_path: Path
    smtp_port: int
    webhook_url: str
    keys_dir: Path  # holds match.key and data.key


@dataclass(frozen=True)
class DemoModels:
    global_config: GlobalConfig
    source: SourceConfig
    organisation: OrganisationConfig


def demo_models(ep: DemoEndpoints) -> DemoModels:
    """The demo's three config files as models: embedded store, the private Tor network's client,
    local mail and webhook, fast crawl limits (the forum is local), immediate alerts."""
    base = f"http://{ep.onion}"
    global_config = GlobalConfig(
        storage=StorageSettings(backend="embedded"),
        tor=TorSettings(mode="external", socks_host="127.0.0.1", socks_port=ep.socks_port,
                        control_port=ep.control_port, cookie_auth_file=ep.cookie_path),
        keys=KeySettings(match_key_file=ep.keys_dir / "match.key", data_key_file=ep.keys_dir / "data.key"),
        alerts=AlertsSettings(
            smtp=SmtpSettings(host="127.0.0.1", port=ep.smtp_port, security="none",
                                    from_address="vigie-demo@localhost"),
            delivery=DeliverySettings(max_attempts=5, backoff_initial_seconds=0.5, poll_interval_seconds=0.2),
        ),
        service=ServiceSettings(metrics_port=None),
    )
    source = SourceConfig(
        name=SOURCE,
        kind="forum",
        description="The demo leak forum (vigie_kit.forum, phpBB engine), an onion service of the private Tor network.",
        network="tor",
        start_urls=[f"{base}/"],
        schedule=Schedule(interval="30m", jitter_seconds=0),
        forum=ForumSelectors(
            board_links="a.board-link::attr(href)",
            thread_rows="tr.thread",
            thread_link="a.thread-title::attr(href)",
            thread_title="a.thread-title::text",
            thread_marker="td.replies::text",
            next_page="a[rel=next]::attr(href)",
            thread_next_page="a.next-page::attr(href)",
            post=PostSelectors(container="div.post", post_id="::attr(id)", author=".author::text",
                               date=DateSelector(selector="time::attr(datetime)"), body=".content",
                               attachments="a.attachment::attr(href)"),
        ),
        login=LoginSettings(url=f"{base}/login", username=FORUM_USER, password=SecretStr(FORUM_PASSWORD),
                            form_selector="form#login", logged_in=Detector(selector="a[href*=logout]"),
                            login_wall=Detector(url_pattern="/login")),
        follow=FollowRules(deny=["logout", "/profile/", "/search"]),
        limits=LimitSettings(max_pages=500, max_depth=6, concurrency=8, autothrottle=False, delay_seconds=0,
                             timeout_seconds=60, retries=4),
        attachments=AttachmentLimits(enabled=True, extensions=["txt", "csv", "sql", "json", "gz", "zip"]),
    )
    organisation = OrganisationConfig(
        id=ORG_ID,
        display_name="Clinique des Tilleuls (demo)",
        contacts=[Contact(name="Délégué à la protection des données", email="dpo@clinique-tilleuls.test")],
        channels=Channels(
            email=EmailChannel(to=["dpo@clinique-tilleuls.test"]),
            webhook=WebhookChannel(url=ep.webhook_url, secret=SecretStr(WEBHOOK_SECRET)),
        ),
        min_severity="medium",
        policy={"critical": "immediate", "high": "immediate", "medium": "immediate", "low": "immediate"},
    )
    return DemoModels(global_config, source, organisation)


def _plain(value: Any) -> Any:
    """A model dump made of YAML scalars: secrets revealed (the demo's own), paths as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value)
    return value


def _dump(model: BaseModel, path: Path, header: str) -> None:
    body = yaml.safe_dump(_plain(model.model_dump(exclude_unset=True)), allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {header}\n{body}", encoding="utf-8")


def write_demo_config(root: Path, ep: DemoEndpoints) -> LoadedConfig:
    """Write `<root>/config/` for the demo and load it back the way `vigie` will.

    Raises `vigie.config.loader.ConfigError` if the loader rejects it, and `DemoConfigError` if
    it loads into something other than the models it was written from."""
    models = demo_models(ep)
    cfg = root / "config"
    _dump(models.global_config, cfg / "vigie.yaml",
          "Written by `vigie demo`: embedded store, the private Tor network's client, local mail and webhook.")
    _dump(models.source, cfg / "sources" / f"{SOURCE}.yaml", "Written by `vigie demo`: the demo forum.")
    _dump(models.organisation, cfg / "organisations" / f"{ORG_ID}.yaml", "Written by `vigie demo`: the demo clinic.")
    loaded = load_config(cfg, env={})
    round_trip = {
        "vigie.yaml": (loaded.global_config, models.global_config),
        f"sources/{SOURCE}.yaml": (loaded.sources.get(SOURCE), models.source),
        f"organisations/{ORG_ID}.yaml": (loaded.organisations.get(ORG_ID), models.organisation),
    }
    for name, (got, built) in round_trip.items():
        if got != built:
            raise DemoConfigError(f"{cfg / name} does not load back as written: the loader and "
                                  f"vigie_kit.demo_config disagree (built {built!r}, loaded {got!r})")
    return loaded
