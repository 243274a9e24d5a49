"""Prometheus metrics of `vigie run`, served on `service.metrics_host:metrics_port` at /metrics.

Served on loopback (the default), the endpoint answers only requests that name a loopback host
(`127.0.0.1`, `localhost`, `::1`): a web page that points its own name at 127.0.0.1 (DNS
rebinding) could otherwise read, from a browser on this machine, which sources Vigie watches and
how its crawls and alerts fare. On another address, the operator exposed it on purpose (a
scraper reaches it by a name only the operator knows): no name is checked there.

On loopback it also answers only the local accounts allowed to read it (`service.metrics_readers`,
root and Vigie's own account): any local user could read it before, and learn the same.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from loguru import logger
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from vigie.core.hosts import LOOPBACK_NAMES, host_name
from vigie.core.peers import PeerCheckError, TrustedPeers, is_loopback_host

__all__ = ["DEFAULT_METRICS_READERS", "ServiceMetrics"]

DEFAULT_METRICS_READERS = ("prometheus",)  # service.metrics_readers' default (Debian's prometheus account)

_WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not logged (one every few seconds)."""


def _loopback_names_only(app: _WSGIApp) -> _WSGIApp:
    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if host_name(environ.get("HTTP_HOST", "")) not in LOOPBACK_NAMES:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"this endpoint answers only to 127.0.0.1, localhost and ::1\n"]
        return app(environ, start_response)

    return guarded


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.crawls = Counter("vigie_crawls_total", "Crawl runs by outcome.", ["source", "outcome"], registry=r)
        self.crawls_skipped = Counter("vigie_crawls_skipped_total",
                                      "Runs skipped because the previous one was still going.", ["source"], registry=r)
        self.crawls_limited = Counter(
            "vigie_crawls_limited_total", "Runs cut short by a limit: timeout (max_duration, graceful), "
            "killed_timeout (overran it by the grace), out_of_memory.", ["source", "limit"], registry=r)
        self.spool_full = Gauge("vigie_spool_full", "1 while the Elasticsearch spool is full and refuses writes.",
                                registry=r)
        self.spool_bytes = Gauge("vigie_spool_bytes", "Bytes pending in the Elasticsearch spool.", registry=r)
        self.crawl_seconds = Histogram("vigie_crawl_duration_seconds", "Crawl duration.", ["source"], registry=r,
                                       buckets=(1, 5, 15, 60, 300, 900, 3600, 14400))
        self.pages = Counter("vigie_pages_total", "Pages fetched.", ["source"], registry=r)
        self.items = Counter("vigie_items_total", "Posts and files handed to the indexer.", ["source"], registry=r)
        self.fragments = Counter("vigie_fragments_total", "Dump fragments found.", ["source"], registry=r)
        self.crawl_errors = Counter("vigie_crawl_errors_total", "Errors during crawls.", ["source"], registry=r)
        self.running = Gauge("vigie_crawls_running", "Crawls in progress.", registry=r)
        self.outbox = Gauge("vigie_outbox_alerts", "Alerts in the outbox by status.", ["status"], registry=r)
        self.store_documents = Gauge("vigie_store_documents", "Fragments in the store.", registry=r)
        self.up = Gauge("vigie_up", "1 while the service runs.", registry=r)
        self.crawl_failures = Counter(
            "vigie_crawl_failures_total", "Silent failures made loud, by kind: unparsed_dates, follows_refused, "
            "pagination_stopped, login_failed, selectors_lost, threads_shrank, redirected_off_site, json_unread, "
            "empty_bodies, pages_forbidden, pages_walled (a captcha or a login form answered in place of a page), "
            "pages_too_dense (pages not parsed: more elements than limits.max_page_elements), detector_crashes "
            "(inputs the compiled detection core crashed on, detected again by the Python engine).", ["source", "kind"],
            registry=r)
        self.crawl_refused = Counter(
            "vigie_crawl_refused_total", "What crawls refused or did not read whole, by kind (the crawl summary's "
            "`refused`): detection_stopped (inputs whose detection stopped at a cap: the rest not read), "
            "lines_too_long, pages_truncated, files_cut_short, pastes_cut_short, content_types_ignored, "
            "pages_charset_ignored, pages_charset_guessed (pages and raw pastes declaring no charset, not UTF-8: "
            "read in the encoding guessed, windows-1252 for Western text), "
            "pages_markup_trimmed, pages_too_big, files_too_big, file_links_dropped, links_deferred (thread and "
            "paste links past limits.max_links_per_page, left to the next crawl), cookies_dropped, rate_limited "
            "(429 or 503 answers past the retries or limits.max_retry_after_seconds, left to the next crawl), "
            "links_too_deep (links and next pages past limits.max_depth, not followed), and "
            "bombs_refused (archive and PrivateBin bombs).",
            ["source", "kind"], registry=r)
        self.privatebin = Counter(
            "vigie_privatebin_links_total", "PrivateBin links met by crawls, by outcome: read, burn_skipped, "
            "burned_on_read, not_listed, no_password, wrong_key, iterations, too_big, malformed, unsupported, gone.",
            ["source", "outcome"], registry=r)
        self.needs_attention = Gauge("vigie_source_needs_attention",
                                     "1 when the source's last crawl marked it as needing attention.", ["source"],
                                     registry=r)

    def record_crawl(self, source: str, summary: Mapping[str, Any]) -> None:
        """A crawl's failure counts and attention flag (the `--summary-json` of `vigie crawl`), so
        an alert rule sees a layout change or a failed login without reading logs."""
        failures = summary.get("failures") or {}
        for kind, count in failures.items():
            self.crawl_failures.labels(source, str(kind)).inc(float(count or 0))
        # what was refused or not read whole: counted in the crawl's JSON only before (an input whose
        # detection stopped at a cap, a truncated page, a line read in part)
        refused = {**(summary.get("refused") or {}), "bombs_refused": summary.get("bombs_refused") or 0}
        for kind, count in refused.items():
            self.crawl_refused.labels(source, str(kind)).inc(float(count or 0))
        for outcome, count in (summary.get("privatebin") or {}).items():
            self.privatebin.labels(source, str(outcome)).inc(float(count or 0))
        self.needs_attention.labels(source).set(1.0 if summary.get("needs_attention") else 0.0)

    def serve(self, host: str, port: int, *, readers: TrustedPeers | None = None) -> object:
        """Serve /metrics on a daemon thread (as prometheus_client's `start_http_server`, with the
        loopback names check when `host` is a loopback address, and there a connection from an
        account `readers` does not trust closed unanswered; None: `service.metrics_readers`'s
        default, `TrustedPeers(enabled=False)`: anyone's)."""
        allowed = readers if readers is not None else TrustedPeers.from_names(DEFAULT_METRICS_READERS)
        app: _WSGIApp = make_wsgi_app(self.registry)
        loopback = is_loopback_host(host)
        if loopback:
            app = _loopback_names_only(app)
        refused: set[int] = set()

        class Server(ThreadingWSGIServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

            def verify_request(self, request: Any, client_address: Any) -> bool:
                """The client's own socket is asked who owns it (`TrustedPeers.check_socket` reads the
                other end of a connection: for an accepted one, the client's)."""
                if not loopback:
                    return True
                try:
                    allowed.check_socket(request, "a /metrics reader")
                except PeerCheckError as exc:
                    uid = getattr(exc, "uid", -1)
                    if uid not in refused and len(refused) < 64:  # said once per account
                        refused.add(uid)
                        logger.warning("metrics: a connection from uid {} closed unanswered: not root, not Vigie's "
                                       "own account and not in service.metrics_readers", uid)
                    return False
                return True

        server = make_server(host.strip("[]"), port, app, Server, handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, name="vigie-metrics", daemon=True).start()
        return server
