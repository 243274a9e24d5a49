"""Run one crawl of one source in this process and summarise it.

ONE CRAWL PER PROCESS: Scrapy runs on Twisted's reactor, which cannot be restarted once stopped.
`vigie crawl` runs one crawl and exits; the scheduled service (`vigie run`) launches every crawl
as a subprocess, `vigie crawl SOURCE --quiet --summary-json FILE`. A second `run_crawl` in the
same process raises `CrawlerError` instead of hanging.

`run_crawl` gets everything typed from its caller (the source, the global settings, where the
crawl state lives, the sink): the crawler does not load configuration or build the pipeline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawler import CrawlConfigError, CrawlerError
from crawler._offline import ensure_offline
from crawler.cookies import CookieJar
from crawler.items import VictimSink, VigieItem
from crawler.middlewares import MIDDLEWARE_FAILURE_KINDS
from crawler.settings import build_settings
from crawler.sink import ItemSink, JsonlSink, TeeSink
from crawler.spiders._base import FAILURE_KINDS, VigieSpider
from crawler.spiders._privatebin import PRIVATEBIN_COUNTS
from crawler.state import CrawlState
from indexer import engine as _engine
from indexer.detect import caps as _caps
from vigie.config.schema import GlobalConfig, SourceConfig

if TYPE_CHECKING:
    from crawler.frontier.queue import RedisFrontier
    from indexer.crypto import DataKey

__all__ = ["CrawlProgress", "CrawlSummary", "attention_from_failures", "run_crawl"]

_REACTOR_USED = False


@dataclass
class CrawlProgress:
    """Live counters, passed to the `progress` callback after every page and item."""

    source: str
    pages: int = 0
    posts: int = 0
    files: int = 0
    pastes: int = 0
    fragments: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


@dataclass
class CrawlSummary:
    source: str
    pages: int
    posts: int
    files: int
    pastes: int
    fragments: int
    errors: int
    retries: int
    bombs_refused: int
    pages_refused: int
    threads_new: int
    threads_resumed: int
    threads_unchanged: int
    already_seen: int
    needs_attention: bool
    attention_reason: str | None
    finish_reason: str
    duration_seconds: float
    state_path: str
    output: str | None = None
    # the silent failures made loud, by kind (crawler.spiders._base.FAILURE_KINDS and
    # crawler.middlewares.MIDDLEWARE_FAILURE_KINDS: pages_too_dense), all present,
    # and `detector_crashes`: inputs the compiled detection core crashed on (each was detected
    # again by the reference engine, so nothing is lost, but it is a bug to report)
    failures: dict[str, int] = field(default_factory=dict)
    # hostile input refused or cut, by kind, all present (each case is also logged with its URL
    # and reason): pages over limits.max_download_bytes and attachments over attachments.max_bytes
    # (declared, sent, or inflated by a Content-Encoding), pages whose tags had their attributes
    # past the 256th cut (crawler.middlewares.HostileMarkupMiddleware), attachment links past the
    # per-page cap (crawler.defaults.MAX_FILE_LINKS_PER_PAGE), thread and paste links of a listing page
    # past limits.max_links_per_page (`links_deferred`: left to the next crawl), attached files with lines longer than
    # the detector reads (`lines_too_long`: only the head of each read, as `vigie scan` says), pages
    # and files cut short of their Content-Length on their last attempt (`pages_truncated`: what
    # arrived is read, crawler.middlewares.TruncatedPageMiddleware; an attachment so cut is left
    # pending instead, `files_cut_short`, until it came cut in crawler.spiders._files.CUT_SHORT_CRAWLS
    # crawls in a row, and a paste so, `pastes_cut_short`), attachments served as an image their name
    # and first bytes say they are not (`content_types_ignored`: read), items whose detection stopped
    # at a cap of `indexer.decode.Limits` (`detection_stopped`: 10,000 fragments, 5,000,000
    # identifiers or 20 s of CPU; the rest of the item not read, indexer.detect.caps), pages, pastes and
    # files a site answered 429 (or 503 with a Retry-After) past the retries, or asking a wait past
    # limits.max_retry_after_seconds (`rate_limited`: left to the next crawl), links and next pages
    # past limits.max_depth (`links_too_deep`: not followed)
    refused: dict[str, int] = field(default_factory=dict)
    # why the source could not be read at all (login failed, required selector dead): `vigie
    # crawl` exits with EXIT_SOURCE_BROKEN when set
    broken: str | None = None
    # crawl speed (issue 18): hedged copies sent, won, and withdrawn (cancelled before they reached
    # the server, so not counted in the hedge budget), Tor circuits renewed after a failure,
    # pagination pages fetched ahead of their chain
    hedges: int = 0
    hedges_won: int = 0
    hedges_withdrawn: int = 0
    circuits_renewed: int = 0
    pages_ahead: int = 0
    # PrivateBin links met, by outcome (crawler.spiders._privatebin.PRIVATEBIN_COUNTS), all present:
    # read, burn-after-reading skipped or burnt by the read, on a site not listed, locked by a
    # password not given, refused (iterations, too big), unreadable, gone
    privatebin: dict[str, int] = field(default_factory=dict)
    # attachments not read for their type (the operator's `attachments.extensions`, not hostile
    # input): by the link's name, or by the answer's headers (Content-Disposition name, an image's
    # Content-Type), in which case the body was not downloaded
    files_not_listed: int = 0

    @property
    def items(self) -> int:
        return self.posts + self.files + self.pastes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _spider_class(kind: str) -> type:
    if kind == "leaksite":
        from crawler.spiders.leaksite import LeaksiteSpider

        return LeaksiteSpider
    if kind == "channel":
        from crawler.spiders.channel import ChannelSpider

        return ChannelSpider
    if kind == "paste":
        from crawler.spiders.paste import PasteSpider

        return PasteSpider
    from crawler.spiders.forum import ForumSpider

    return ForumSpider


def _limit_reason(finish_reason: str, source: SourceConfig, global_config: GlobalConfig) -> str | None:
    """A run cut short by a limit leaves the source half-crawled: the operator must know why
    (the same wording as the service's run outcome, see `vigie.service.service`)."""
    if finish_reason == "closespider_timeout":
        return f"timeout: stopped after max_duration ({source.limits.max_duration})"
    if finish_reason == "memusage_exceeded":
        limit = global_config.service.crawl_memory_limit_bytes // 2**20
        return f"out of memory: stopped near the memory limit ({limit} MiB)"
    return None


def attention_from_failures(failures: dict[str, int], source: SourceConfig) -> str | None:
    """The first failure count at or past its threshold in `source.attention`, as a reason."""
    limits = source.attention
    thresholds = {"unparsed_dates": limits.unparsed_dates, "follows_refused": limits.follows_refused,
                  "pagination_stopped": limits.pagination_stopped, "selectors_lost": limits.selectors_lost,
                  "threads_shrank": limits.threads_shrank,
                  "redirected_off_site": limits.redirected_off_site,
                  "json_unread": limits.json_unread,
                  "empty_bodies": limits.empty_bodies,
                  "pages_forbidden": limits.pages_forbidden,
                  "pages_walled": limits.pages_walled}  # login_failed: always (the spider says so)
    thresholds["pages_too_dense"] = limits.pages_too_dense  # crawler.middlewares.MIDDLEWARE_FAILURE_KINDS
    for kind, count in failures.items():
        limit = thresholds.get(kind)
        if limit and count >= limit:
            return f"{kind.replace('_', ' ')}: {count} in this crawl (attention.{kind} is {limit})"
    return None


def run_crawl(source: SourceConfig, global_config: GlobalConfig, *, state_path: Path,
              sink: ItemSink | None = None, output: Path | None = None, max_pages: int | None = None,
              tor_socks: tuple[str, int] | None = None, progress: Callable[[CrawlProgress], None] | None = None,
              log_level: str = "INFO", victims: VictimSink | None = None,
              cookie_jar: CookieJar | None = None, state: CrawlState | None = None,
              frontier: RedisFrontier | None = None, data_key: DataKey | None = None) -> CrawlSummary:
    """Crawl `source` now; items go to `sink` and/or `output` (JSON lines). Blocks until done.

    `state_path` is the crawl-state database (what was already seen). The caller owns `sink`
    and closes it; the `output` file is opened and closed here.
    `cookie_jar` is the source's session solved by hand (crawler.cookies), sent to its hosts only.
    Scale-out (crawler.frontier): `state` replaces the SQLite state at `state_path` (a
    `RedisCrawlState` shared by every worker) and `frontier` puts the run's Redis queue in charge
    of scheduling (Scrapy's SCHEDULER and DUPEFILTER_CLASS); the caller owns and clears both.
    `data_key` seals at rest what a later crawl needs and must not keep in plain: the key of a
    PrivateBin paste whose fetch is pending (crawler.spiders._privatebin); None keeps none.
    Raises `CrawlConfigError` (nowhere to send items), `TorUnavailableError` (a tor source
    without the Tor transport) or `CrawlerError` (second crawl in one process).
    """
    global _REACTOR_USED
    if sink is None and output is None:
        raise CrawlConfigError("run_crawl needs a sink or an output file: items would go nowhere")
    if _REACTOR_USED:
        raise CrawlerError("a crawl already ran in this process and Twisted's reactor cannot restart: "
                           "run each crawl in its own process (vigie crawl SOURCE)")
    settings = build_settings(source, global_config, state_path=state_path, max_pages=max_pages,
                              tor_socks=tor_socks, log_level=log_level)
    if frontier is not None:
        from crawler.frontier.scrapy import bind, frontier_settings

        bind(frontier)
        extra_mw = {**settings.get("SPIDER_MIDDLEWARES", {}), **frontier_settings()["SPIDER_MIDDLEWARES"]}
        settings = {**settings, **frontier_settings(), "SPIDER_MIDDLEWARES": extra_mw}
    jsonl = JsonlSink(output, append=True) if output is not None else None  # like `scrapy crawl -o`: appends
    sinks: list[ItemSink] = [s for s in (jsonl, sink) if s is not None]
    the_sink: ItemSink = sinks[0] if len(sinks) == 1 else TeeSink(*sinks)
    state = state if state is not None else CrawlState(state_path, source.name)
    live = CrawlProgress(source.name)
    if log_level.upper() != "DEBUG":
        logging.getLogger("scrapy").setLevel(logging.WARNING)
        logging.getLogger("py.warnings").setLevel(logging.ERROR)

    ensure_offline()
    process = CrawlerProcess({**settings, "LOG_INSTALL_ROOT_HANDLER": False})
    crawler = process.create_crawler(_spider_class(source.kind))
    finish: dict[str, str] = {}

    def tick() -> None:
        if progress is not None:
            live.errors = int(crawler.stats.get_value("vigie/errors", 0) or 0) if crawler.stats else live.errors
            progress(live)

    def on_response(response: Any, request: Any, **_: Any) -> None:
        if request.meta.get("vigie_kind") != "file":
            live.pages += 1
        tick()

    def on_item(item: Any, **_: Any) -> None:
        if isinstance(item, VigieItem):
            if item.kind == "post":
                live.posts += 1
            elif item.kind == "file":
                live.files += 1
            else:
                live.pastes += 1
            live.fragments += item.fragments
            tick()

    def on_closed(reason: str, **_: Any) -> None:
        finish["reason"] = reason

    crawler.signals.connect(on_response, signal=signals.response_received)
    crawler.signals.connect(on_item, signal=signals.item_scraped)
    crawler.signals.connect(on_closed, signal=signals.spider_closed)
    _REACTOR_USED = True
    crashes_before = _engine.core_panics()
    stopped_before = _caps.stopped()
    logger.info("crawling source {} ({}, network {})", source.name, source.kind, source.network)
    try:
        # a leak site's victims go to `victims` (the victims index), not to the fragment sink
        extra = {"victims": victims} if source.kind == "leaksite" else {}
        process.crawl(crawler, source=source, state=state, sink=the_sink, cookie_jar=cookie_jar, data_key=data_key,
                      **extra)
        process.start()
    finally:
        if jsonl is not None:
            jsonl.close()
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider

    def stat(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    failures = {kind: stat(f"vigie/failures/{kind}") for kind in (*FAILURE_KINDS, *MIDDLEWARE_FAILURE_KINDS)}
    failures["detector_crashes"] = _engine.core_panics() - crashes_before
    reason = spider.needs_attention if isinstance(spider, VigieSpider) else None
    reason = reason or attention_from_failures(failures, source)
    reason = reason or _limit_reason(finish.get("reason", ""), source, global_config)

    summary = CrawlSummary(
        source=source.name, pages=live.pages, posts=stat("vigie/items/post"), files=stat("vigie/items/file"),
        pastes=stat("vigie/items/paste"), fragments=stat("vigie/fragments"),
        errors=stat("vigie/errors") + stat("spider_exceptions/count"), retries=stat("retry/count"),
        bombs_refused=stat("vigie/files/bombs_refused"), pages_refused=stat("vigie/pages/too_big"),
        threads_new=stat("vigie/threads/new"), threads_resumed=stat("vigie/threads/resumed"),
        threads_unchanged=stat("vigie/threads/unchanged"),
        already_seen=stat("vigie/posts/already_seen") + stat("vigie/pastes/already_seen"),
        needs_attention=reason is not None, attention_reason=reason,
        finish_reason=finish.get("reason", "unknown"), duration_seconds=round(live.elapsed, 3),
        state_path=str(state.path), output=str(output) if output else None, failures=failures,
        refused={"pages_too_big": stat("vigie/pages/too_big"), "files_too_big": stat("vigie/files/too_big"),
                 "pages_markup_trimmed": stat("vigie/pages/markup_trimmed"),
                 "pages_charset_ignored": stat("vigie/pages/charset_ignored"),
                 "pages_charset_guessed": stat("vigie/pages/charset_guessed"),
                 "pages_truncated": stat("vigie/pages/truncated"),
                 "files_cut_short": stat("vigie/files/cut_short"),
                 "content_types_ignored": stat("vigie/files/content_type_ignored")
                 + stat("vigie/pages/content_type_ignored"),
                 "pastes_cut_short": stat("vigie/pastes/cut_short"),
                 "file_links_dropped": stat("vigie/files/links_dropped"),
                 "links_deferred": stat("vigie/links/deferred"),
                 "lines_too_long": stat("vigie/files/lines_too_long"),
                 "detection_stopped": _caps.stopped() - stopped_before,
                 "cookies_dropped": stat("vigie/cookies/refused"),
                 "rate_limited": stat("vigie/pages/rate_limited"),
                 "links_too_deep": stat("vigie/follow/too_deep")},
        broken=spider.broken if isinstance(spider, VigieSpider) else None,
        hedges=stat("vigie_tor/hedge/sent"), hedges_won=stat("vigie_tor/hedge/won"),
        hedges_withdrawn=stat("vigie_tor/hedge/withdrawn"),
        circuits_renewed=stat("vigie_tor/circuits_renewed"), pages_ahead=stat("vigie/pagination/ahead"),
        privatebin={kind: stat(f"vigie/privatebin/{kind}") for kind in PRIVATEBIN_COUNTS},
        files_not_listed=stat("vigie/files/wrong_type"))
    state.set_status("needs_attention" if reason else "ok", reason, last_run=summary.to_dict())
    state.close()
    logger.info("crawl of {} finished ({}): {} pages, {} items, {} errors", source.name,
                summary.finish_reason, summary.pages, summary.items, summary.errors)
    return summary
