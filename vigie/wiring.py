"""The composition root: the one module that builds the running system from a loaded config.

Why one place: the crawler, the indexer and the alerts know nothing of each other or of the
application; something has to decide which store, which keys, which matcher and which Tor. The
CLI commands and the service call these builders and hand the results down, typed:

    store    = open_store(config, data_dir)                 # FragmentStore (embedded or ES)
    leaks    = open_leak_store(config, data_dir)            # SqliteLeakStore: leaks beside the fragments
    matcher  = build_matcher(config, data_dir)              # AlertMatcher over registry + outbox
    worker   = build_delivery_worker(config, data_dir)      # DeliveryWorker over the outbox
    outbox   = open_outbox(config, data_dir)                # OutboxBackend: SQLite or PostgreSQL
    with open_ingest_sink(config, data_dir, match_key, data_key) as sink:
        run_crawl(source, config.global_config, state_path=crawl_state_path(data_dir), sink=sink)
    tor      = start_tor(config.global_config.tor, data_dir, needed=True)  # TorController or None
    status   = component_status(config, data_dir)           # tor, store, outbox; read-only

Where the files live under the data directory is decided here too:

    <data_dir>/store.sqlite3          the embedded store (unless storage.embedded.path)
    <data_dir>/spool/                 the Elasticsearch spool
    <data_dir>/leaks.sqlite3          the leaks, with Elasticsearch (embedded: in store.sqlite3)
    <data_dir>/alerts.sqlite3         the alert outbox (alerts + deliveries), unless
                                      alerts.outbox.backend is postgresql (shared; DSN from a file)
    <data_dir>/alerts/                the token registry
    <data_dir>/crawl-state.sqlite3    what each source's crawls have already seen
    <data_dir>/service.sqlite3        the service's runs and schedules (`vigie status`)
    <data_dir>/tor/                   the DataDirectory of a tor launched by Vigie
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from alerts.matcher import AlertMatcher
from alerts.outbox import Outbox, OutboxBackend
from alerts.registry import Registry
from alerts.worker import DeliveryWorker
from crawler.defaults import DEFAULT_STATE_FILENAME
from crawler.tor import TorController, TorError
from indexer.crypto import DataKey
from indexer.ingest import Ingestor
from indexer.leaks.models import LeakStore
from indexer.leaks.store import SqliteLeakStore
from indexer.store import FragmentStore, StoreError, open_store_from_settings
from indexer.tokens import MatchKey
from indexer.victims import VictimIndex

if TYPE_CHECKING:
    from alerts.watchlist import WatchlistMatcher
    from crawler.frontier.link import RedisLink
from vigie.config.loader import LoadedConfig
from vigie.config.schema import OutboxSettings, StorageSettings, TorSettings
from vigie.core.peers import TrustedPeers
from vigie.core.process import getenv
from vigie.core.sqlite import open_readonly

__all__ = [
    "OUTBOX_FILENAME",
    "SERVICE_DB_FILENAME",
    "ComponentStatus",
    "build_delivery_worker",
    "build_matcher",
    "component_status",
    "crawl_state_path",
    "ensure_data_dir",
    "open_frontier_link",
    "open_ingest_sink",
    "open_leak_store",
    "open_outbox",
    "outbox_dsn",
    "open_victim_index",
    "VictimSinks",
    "open_store",
    "outbox_path",
    "registry_dir",
    "start_tor",
    "trusted_peers",
]

SERVICE_DB_FILENAME = "service.sqlite3"
OUTBOX_FILENAME = "alerts.sqlite3"


def ensure_data_dir(data_dir: Path) -> Path:
    """The data directory, created private (0700) if missing: it holds tokens and ciphertext."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return data_dir


def registry_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "alerts"


def outbox_path(data_dir: Path) -> Path:
    return Path(data_dir) / OUTBOX_FILENAME


def outbox_dsn(settings: OutboxSettings) -> str:
    """The PostgreSQL outbox's DSN: `$VIGIE_OUTBOX_DSN`, else the first line of
    `alerts.outbox.dsn_file` (mode 0600). Never logged."""
    from alerts.outbox_pg import PgOutboxError, read_dsn_file

    env = (getenv("VIGIE_OUTBOX_DSN") or "").strip()  # held out of os.environ (vigie.core.process)
    if env:
        return env
    if settings.dsn_file is None:
        raise PgOutboxError("alerts.outbox.backend is postgresql but there is no DSN: set "
                            "alerts.outbox.dsn_file in vigie.yaml (a 0600 file holding "
                            "postgresql://USER:PASSWORD@HOST:5432/DB) or the variable VIGIE_OUTBOX_DSN")
    return read_dsn_file(settings.dsn_file)


def trusted_peers(config: LoadedConfig) -> TrustedPeers:
    """Who may serve the loopback services Vigie sends secrets to (`security:`, vigie.core.peers):
    handed to every adapter that connects to one (Redis, PostgreSQL, Elasticsearch, SMTP; the
    crawl's Tor SOCKS port gets it through its Scrapy settings, crawler.settings)."""
    return config.global_config.security.trusted_peers()


def open_outbox(config: LoadedConfig, data_dir: Path) -> OutboxBackend:
    """The configured outbox (`alerts.outbox.backend`): the embedded SQLite file, or PostgreSQL
    shared by every service and delivery worker. The caller closes it."""
    settings = config.global_config.alerts.outbox
    if settings.backend == "postgresql":
        from alerts.outbox_pg import PgOutbox

        return PgOutbox(outbox_dsn(settings), peers=trusted_peers(config))
    return Outbox(outbox_path(ensure_data_dir(data_dir)))


def crawl_state_path(data_dir: Path) -> Path:
    return Path(data_dir) / DEFAULT_STATE_FILENAME


def _embedded_path(storage: StorageSettings, data_dir: Path) -> Path:
    path = storage.embedded.path
    return Path(path).expanduser() if path is not None else Path(data_dir) / "store.sqlite3"


# -- the write path ---------------------------------------------------------------------------


def open_store(config: LoadedConfig, data_dir: Path) -> FragmentStore:
    """The configured store (`storage.backend`); the caller closes it."""
    return open_store_from_settings(config.global_config.storage, ensure_data_dir(data_dir),
                                    peers=trusted_peers(config))


def open_leak_store(config: LoadedConfig, data_dir: Path) -> SqliteLeakStore:
    """The leaks, beside the fragments: tables in the embedded store's own file, or, with
    Elasticsearch, the clustering state in `<data_dir>/leaks.sqlite3` and every leak also in the
    `<prefix>_leaks` index. The caller closes it."""
    storage = config.global_config.storage
    data_dir = ensure_data_dir(data_dir)
    if storage.backend == "elasticsearch":
        from indexer.leaks.elastic import ElasticLeakIndex

        return SqliteLeakStore(data_dir / "leaks.sqlite3",
                               mirror=ElasticLeakIndex(storage.elasticsearch, peers=trusted_peers(config)))
    return SqliteLeakStore(_embedded_path(storage, data_dir))


def build_matcher(config: LoadedConfig, data_dir: Path, *, leaks: LeakStore | None = None) -> AlertMatcher:
    """The ingest hook: `Ingestor(..., on_stored=build_matcher(config, data_dir).on_fragments)`.
    With `leaks`, one alert per (organisation, leak) and updates when it spreads; alerts raised
    for fragments before are attached to their leak on the way."""
    data_dir = ensure_data_dir(data_dir)
    return AlertMatcher(Registry(registry_dir(data_dir)), open_outbox(config, data_dir), config.organisations,
                        leaks=leaks)


def build_delivery_worker(config: LoadedConfig, data_dir: Path, *,
                          lease_seconds: float | None = None) -> DeliveryWorker:
    """The worker that sends what the matcher queued, with the configured channels and retries."""
    return DeliveryWorker(open_outbox(config, data_dir), config.organisations,
                          config.global_config.alerts, lease_seconds=lease_seconds, peers=trusted_peers(config))


@contextmanager
def open_ingest_sink(config: LoadedConfig, data_dir: Path, match_key: MatchKey, data_key: DataKey, *,
                     alerts: bool = True) -> Iterator[Ingestor]:
    """The sink handed to the crawler: the indexer's `Ingestor` over the configured store, with
    the alert matcher as its `on_stored` hook when `alerts` and organisations exist (so crawled
    leaks reach them). Each document is placed in its leak (`open_leak_store`) before the hook
    runs. On exit the store is flushed (the ES spool) and closed."""
    store = open_store(config, data_dir)
    leaks = open_leak_store(config, data_dir)
    matcher = build_matcher(config, data_dir, leaks=leaks) if alerts and config.organisations else None
    detection = config.global_config.detection
    ingestor = Ingestor(store, match_key, data_key, leaks=leaks,
                        on_stored=matcher.on_fragments if matcher is not None else None,
                        workers=detection.workers, big_bytes=detection.big_input_bytes,
                        pool_min_bytes=detection.pool_min_batch_bytes)
    try:
        yield ingestor
    finally:
        ingestor.close()  # the detection processes, if a big item or a batch started them
        try:
            store.flush()
        finally:
            store.close()
            leaks.flush_mirror()
            leaks.close()
            if matcher is not None:
                matcher.outbox.close()
                matcher.registry.close()


@dataclass(frozen=True)
class VictimSinks:
    """What a crawl hands victims and posts to, for the watchlist (`open_victim_index`)."""

    victims: VictimIndex
    posts: WatchlistMatcher | None


@contextmanager
def open_victim_index(config: LoadedConfig, data_dir: Path, *, alerts: bool = True) -> Iterator[VictimSinks]:
    """The victims index (a table in the embedded store's file; with Elasticsearch
    `<data_dir>/victims.sqlite3` mirrored to `<prefix>_victims`), with the watchlist matcher as
    its hook when `alerts`. `.posts` is the same matcher as an `ItemSink`: tee it beside the
    ingest sink so that thread titles and bodies are matched too."""
    from alerts.watchlist import WatchlistMatcher
    from indexer.victims import ElasticVictimIndex

    storage = config.global_config.storage
    data_dir = ensure_data_dir(data_dir)
    outbox = open_outbox(config, data_dir) if alerts else None
    watch = WatchlistMatcher(outbox, config.organisations) if outbox is not None else None
    if storage.backend == "elasticsearch":
        from indexer.store.elastic import client_from_settings

        index = VictimIndex(data_dir / "victims.sqlite3", on_change=watch.on_victim if watch else None,
                            mirror=ElasticVictimIndex(storage.elasticsearch.index_prefix,
                                                      client_from_settings(storage.elasticsearch,
                                                                           peers=trusted_peers(config))))
    else:
        index = VictimIndex(_embedded_path(storage, data_dir), on_change=watch.on_victim if watch else None)
    try:
        yield VictimSinks(index, watch)
    finally:
        index.flush_mirror()
        index.close()
        if outbox is not None:
            outbox.close()


# -- scale-out ----------------------------------------------------------------------------------


def open_frontier_link(config: LoadedConfig, data_dir: Path) -> RedisLink:
    """The Redis link of `scale:` (crawler.frontier): the shared frontier, crawl state, workers,
    jobs and leader lock, sealed under the shared state key (`scale.state_key_file`, default
    `<data_dir>/crawl-state-redis.key`; every worker needs the same file). The caller closes it.
    Raises ConfigError-like ValueError when `scale:` is absent (the embedded mode has no Redis)."""
    from crawler.frontier import connect
    from crawler.frontier.link import load_or_create_key

    scale = config.global_config.scale
    if scale is None:
        raise ValueError("no `scale:` section in vigie.yaml: workers and the scheduler need the Redis "
                         "frontier (docs/scale.md); the single-machine mode is `vigie run`")
    key_file = scale.state_key_file or Path(ensure_data_dir(data_dir)) / "crawl-state-redis.key"
    password = scale.redis_password.get_secret_value() if scale.redis_password is not None else None
    return connect(scale.redis_url, password=password, prefix=scale.key_prefix,
                   secret=load_or_create_key(Path(key_file).expanduser()), peers=trusted_peers(config))


# -- tor ----------------------------------------------------------------------------------------


def _socks_listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def start_tor(tor: TorSettings, data_dir: Path, *, needed: bool, long_running: bool = False,
              on_progress: Callable[[str], None] | None = None,
              peers: TrustedPeers | None = None, auto_ports: bool = False) -> TorController | None:
    """Start or attach to Tor for whoever crawls `network: tor` sources; None when there is
    nothing for the caller to control. The one Tor lifecycle of `vigie crawl` and `vigie run`:

    - not `needed` (no tor source, or the operator named a SOCKS proxy): None;
    - `mode: launch` with something already listening on the SOCKS port (the service's tor,
      seen from its crawl subprocess): None, that tor is used as it is, never launched twice;
      unless the listener is another account's, or something listens on the control port: then
      the tor launched binds ports of its own choosing (`auto_ports`; the caller crawls through
      `controller.settings.socks_port`);
    - `mode: launch`: launch tor under `<data_dir>/tor` and wait for bootstrap. Failures raise
      `TorError` (a `CrawlerError`): the operator asked Vigie to run it;
    - `mode: external`, `long_running` (the service): attach to the control port for NEWNYM and
      health. A tor that is down is not fatal: None, logged; tor sources fail closed until it
      is back. A one-off crawl (`long_running=False`) just uses the external SOCKS port: None.

    When `long_running`, the controller sends NEWNYM on `tor.newnym_interval`. The caller
    closes the controller (which stops a tor it launched). `auto_ports` (a scale worker's own tor):
    a launched tor binds free ports of its own choosing, read back into the controller's settings.
    """
    if not needed or (tor.mode == "external" and not long_running):
        return None
    peers = peers if peers is not None else TrustedPeers.default()
    if tor.mode == "launch" and not auto_ports:
        squatted = None
        if _socks_listening(tor.socks_host, tor.socks_port):
            squatted = TorController(tor, Path("."), peers=peers).socks_owner_problem()
            if squatted is None:
                logger.info("tor already listens on {}:{}; using it", tor.socks_host, tor.socks_port)
                return None
        elif _socks_listening("127.0.0.1", tor.control_port):
            squatted = f"something already listens on tor's control port 127.0.0.1:{tor.control_port}"
        if squatted is not None:
            # not a tor of ours (a squatter would see every onion crawled): it is not used, and it
            # does not stop tor sources either, as it did (round 11 of the attacker's review): our
            # tor binds ports of its own choosing, which the caller reads from the controller
            logger.warning("tor: {}; the tor launched now binds free ports of its own choosing instead "
                           "(tor.socks_port and tor.control_port are taken)", squatted)
            auto_ports = True
    controller = TorController(tor, ensure_data_dir(data_dir), on_progress=on_progress, peers=peers,
                               auto_ports=auto_ports)
    try:
        controller.start()
    except TorError as exc:
        controller.close()
        if tor.mode == "launch":
            raise
        logger.error("tor is not reachable ({}); tor sources will fail closed until it is", exc)
        return None
    if long_running:
        controller.start_scheduler()
    return controller


# -- status (read-only) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentStatus:
    """One line each for Tor, the store and the outbox, as `vigie status` shows them."""

    tor: str
    store: str
    outbox: str
    # with `scale:`: the Redis side (workers, leader, jobs, recent runs); {} in the embedded mode
    cluster: dict[str, Any] = field(default_factory=dict)


def component_status(config: LoadedConfig, data_dir: Path) -> ComponentStatus:
    """Tor's health, the store's size and the outbox's counts (the service's own runs are added
    by `vigie.service.status.status_report`, which owns that database).

    Read-only: databases are opened `mode=ro` and a missing one reads as "no data yet", so
    asking for the status of a data dir never creates files in it."""
    return ComponentStatus(tor=_tor_state(config, data_dir),
                           store=_store_state(config, data_dir),
                           outbox=_outbox_state(config, data_dir), cluster=_cluster_state(config))


def _cluster_state(config: LoadedConfig) -> dict[str, Any]:
    """Scale-out, read from Redis: live workers, the scheduler's leader, the crawl jobs queued or
    running (and who holds each) and the last finished runs. Why here: in scale-out the runs are
    on the job board, not in the service database, and an operator asks `vigie status` first.
    Nothing it reads is sealed, so the link takes a throwaway key: status never creates the
    shared key file."""
    scale = config.global_config.scale
    if scale is None:
        return {}
    from redis.exceptions import RedisError

    from crawler.frontier import connect
    from crawler.frontier.cluster import JobBoard, LeaderLock, Membership

    password = scale.redis_password.get_secret_value() if scale.redis_password is not None else None
    where = scale.redis_url.split("@")[-1]
    try:
        link = connect(scale.redis_url, password=password, prefix=scale.key_prefix, secret=os.urandom(32),
                       timeout=3.0, retries=1, peers=trusted_peers(config))
        try:
            lease_ms = int(scale.worker_lease_seconds * 1000)
            board = JobBoard(link, lease_ms=lease_ms)
            holder = LeaderLock(link, "scheduler", "status", lease_ms=lease_ms).holder()
            jobs = {source: {"run": job.run_id, "worker": board.holder(source)}
                    for source, job in sorted(board.pending().items())}
            return {"redis": where, "workers": Membership(link, lease_ms=lease_ms).live(verify=False),
                    "leader": holder.rpartition(":")[0] if holder else None, "jobs": jobs,
                    "recent_runs": board.runs(10)}
        finally:
            link.close()
    except (RedisError, OSError) as exc:  # status reports them, it does not fail
        return {"redis": where, "error": f"unavailable ({type(exc).__name__}: {exc})"}


def _tor_state(config: LoadedConfig, data_dir: Path) -> str:
    return tor_status(config.global_config.tor, data_dir, trusted_peers(config))


def tor_status(settings: TorSettings, data_dir: Path, peers: TrustedPeers) -> str:
    """Tor's health for `vigie status`, read-only (only connects). The tor `vigie run` launched
    binds ports of its own choosing when the configured ones are taken (round 11: another account
    may squat them): its control port is then read from what it wrote in its 0700 data directory,
    and used once the tor there passes SAFECOOKIE with the cookie it wrote beside it (a stale
    file's port held by anyone else fails that); its SOCKS port is asked of it. Before round 12
    status asked the configured ports only, and reported the squatter there (or tor unreachable)
    while the service's tor ran on others; and it read a launched tor's cookie from the current
    directory, not the data directory."""
    chosen = _chosen_control_port(settings, data_dir)
    if chosen is not None:
        tor = TorController(settings.model_copy(update={"control_port": chosen}), data_dir, peers=peers,
                            auto_ports=True)
        try:
            tor.connect()
        except TorError:
            pass  # the tor that wrote it is gone: the configured ports, below
        else:
            return _health_text(tor) + (f" (on the ports it chose: SOCKS {tor.settings.socks_host}:"
                                        f"{tor.settings.socks_port}, control 127.0.0.1:{chosen})")
        finally:
            tor.close()
    return _health_text(TorController(settings, data_dir, peers=peers))


def _chosen_control_port(settings: TorSettings, data_dir: Path) -> int | None:
    """The control port a launched tor chose (`TorController.launch`'s ControlPortWriteToFile)."""
    if settings.mode != "launch":
        return None
    try:
        text = (data_dir / "tor" / "control-port").read_text()
    except (OSError, UnicodeDecodeError):
        return None
    import re

    found = re.search(r"^PORT=127\.0\.0\.1:(\d+)$", text, re.M)
    return int(found.group(1)) if found is not None else None


def _health_text(tor: TorController) -> str:
    try:
        h = tor.health()  # never raises
    finally:
        tor.close()
    if h.control_reachable:
        text = (f"tor {h.version}, bootstrap {h.bootstrap_percent}%, {h.circuit_count} circuit(s), "
                f"SOCKS {'reachable' if h.socks_reachable else 'NOT reachable'}")
    else:
        text = f"not reachable ({h.error})"
    return ("ok: " if h.ok else "attention: ") + text


def _store_state(config: LoadedConfig, data_dir: Path) -> str:
    storage = config.global_config.storage
    if storage.backend == "elasticsearch":
        from indexer.store.elastic import ElasticStore

        spool = data_dir / "spool"
        if not spool.is_dir():  # the ES store keeps a spool there; status must not create it
            return "elasticsearch: no data yet (the spool directory does not exist)"
        try:
            store = ElasticStore(storage.elasticsearch, spool, peers=trusted_peers(config))
            try:
                return f"elasticsearch: {store.count()} fragment(s)"
            finally:
                store.close()
        except StoreError as exc:
            return f"unavailable ({exc})"
    path = _embedded_path(storage, data_dir)
    try:
        db = open_readonly(path)
        if db is None:
            return f"embedded: no data yet ({path} does not exist)"
        try:
            (count,) = db.execute("SELECT count(*) FROM fragments").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:  # e.g. not a Vigie store: reported, status itself does not fail
        return f"unavailable ({exc})"
    return f"embedded: {count} fragment(s)"


def _outbox_state(config: LoadedConfig, data_dir: Path) -> str:
    settings = config.global_config.alerts.outbox
    if settings.backend == "postgresql":
        from alerts import AlertsError
        from alerts.outbox_pg import PgOutbox

        try:
            box = PgOutbox(outbox_dsn(settings), connect_timeout=3, peers=trusted_peers(config))
            try:
                pg_counts = box.counts()
            finally:
                box.close()
        except AlertsError as exc:  # the message names host:port/db, never the DSN
            return f"postgresql: unavailable ({exc})"
        return "postgresql: " + (", ".join(f"{k}: {v}" for k, v in sorted(pg_counts.items())) or "empty")
    try:
        db = open_readonly(outbox_path(data_dir))
        if db is None:
            return "no data yet"
        try:
            counts = dict(db.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"unavailable ({exc})"
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "empty"
