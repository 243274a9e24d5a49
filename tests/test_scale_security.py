"""An attacker's view of the scale-out parts: a local process that can reach Redis but holds none of
Vigie's files (not the shared state key). A TCP Redis without AUTH is refused by the config (any
local process could reach it); the tests below give the attacker Redis access anyway (a leaked
password, a socket directory left open), since the sealing must not rest on Redis's door alone.

What such a process must not get: code run in the scheduler or a worker, a crawl of something
outside the configured sources, or every worker stalled by one bad entry. Real redis-server
(tests/redis_server.py), the real ScaleScheduler and CrawlWorker classes in this process.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.frontier.cluster import CrawlJob, JobBoard, LeaderLock
from tests.fixtures.forum import make_config
from tests.redis_server import RedisServer, RedisServerError

pytestmark = pytest.mark.slow


class _Touch:
    """A pickle that, when loaded, creates a file: stands for any code an attacker would run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.path), "w"))


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
    except RedisServerError as e:
        pytest.skip(str(e))
    with pytest.MonkeyPatch.context() as env:  # `redis_password: ${VIGIE_REDIS_PASSWORD}` in `_config`
        env.setenv("VIGIE_REDIS_PASSWORD", server.password)
        yield server
    server.cleanup()


def _config(base: Path, redis: RedisServer, sources: tuple[str, ...] = ("src-a",)) -> tuple[Path, Path, str]:
    config, data = base / "config", base / "data"
    for name in sources:
        make_config(config, f"http://{name}.invalid", name=name)
    prefix = f"t{os.urandom(3).hex()}"
    (config / "vigie.yaml").write_text(
        "storage:\n  backend: embedded\n"
        f"scale:\n  redis_url: {redis.url}\n  redis_password: ${{VIGIE_REDIS_PASSWORD}}\n  key_prefix: {prefix}\n"
        "  worker_lease_seconds: 5\n  leader_lease_seconds: 5\n  request_lease_seconds: 20\n", encoding="utf-8")
    data.mkdir(mode=0o700)
    return config, data, prefix


def test_a_pickle_planted_in_the_scheduler_jobstore_is_not_run(redis: RedisServer, tmp_path: Path) -> None:
    """APScheduler's RedisJobStore unpickles what it finds in Redis: a planted pickle ran code in
    the leader as soon as it took the lock (it lists its jobs to sync them with the config)."""
    import redis as redis_py

    from vigie.service.leader import _JOB_AAD, ScaleScheduler

    config, data, prefix = _config(tmp_path, redis)
    marker = tmp_path / "pwned"
    client = redis_py.Redis.from_url(redis.url, password=redis.password)
    client.hset(f"{prefix}:apscheduler:jobs", "src-a", pickle.dumps(_Touch(marker)))
    client.zadd(f"{prefix}:apscheduler:run_times", {"src-a": 1.0})

    first = ScaleScheduler(config, data, instance="s1")
    stop = threading.Event()
    try:
        first.step()
        assert first.leading
        assert not marker.exists(), "the scheduler unpickled a job planted in Redis"
        jobs = {j.id for j in first.scheduler.get_jobs()}  # type: ignore[union-attr]
        assert jobs == {"src-a"}  # the planted entry dropped, the configured job re-added
        raw = client.hget(f"{prefix}:apscheduler:jobs", "src-a")
        assert raw is not None
        # the stored value is the sealed pickle, not the pickle itself (a check on the first byte
        # would fail one run in 256: the random nonce leads the sealed value)
        unsealed = first.link.unseal(bytes(raw), _JOB_AAD)
        assert unsealed is not None and unsealed.startswith(b"\x80"), "the job is not sealed under the state key"
        assert unsealed not in bytes(raw), "a job is stored as a bare pickle"
        nxt = first.scheduler.get_job("src-a").next_run_time  # type: ignore[union-attr]
    finally:
        stop.set()
        first._step_down("test")
        first.lock.release()
        first.link.close()
    # the next leader reads the sealed jobs back, with their next run time
    second = ScaleScheduler(config, data, instance="s2")
    try:
        second.step()
        assert second.leading
        assert second.scheduler.get_job("src-a").next_run_time == nxt  # type: ignore[union-attr]
    finally:
        second._step_down("test")
        second.lock.release()
        second.link.close()
    client.close()


def _worker(config: Path, data: Path) -> Any:
    from vigie.service.worker import CrawlWorker

    return CrawlWorker(config, data, worker_id="w1", tor_socks=("127.0.0.1", 9), tick=0.05)


def test_one_malformed_job_does_not_stall_every_worker(redis: RedisServer, tmp_path: Path) -> None:
    """A junk entry on the job board (anyone with Redis access can HSET it) made `pending()` raise:
    every worker skipped every round, and no crawl of any source ran again."""
    config, data, prefix = _config(tmp_path, redis)
    worker = _worker(config, data)
    spawned: list[CrawlJob] = []
    worker._spawn = spawned.append  # nothing is crawled here: only what the worker claims matters
    try:
        lock = LeaderLock(worker.link, "scheduler", "t", lease_ms=5000)
        assert lock.acquire()
        board = JobBoard(worker.link, lease_ms=5000)
        worker.link.client.hset(board.key, "junk", b"\xff not json")
        worker.link.client.hset(board.key, "other", json.dumps({"source": 5}))
        assert board.push("src-a", lock)
        worker.step()
        assert [j.source for j in spawned] == ["src-a"]
        assert set(board.pending()) == {"src-a"}  # the junk is skipped (and reported), not fatal
    finally:
        worker.shutdown()


def test_a_job_whose_body_names_another_source_is_refused(redis: RedisServer, tmp_path: Path) -> None:
    """The worker checked the board's key (a configured source it owns) but started the crawl, named
    its temporary file and kept its lease under the job body's `source`: a planted body sent a
    path (`../..`) into the summary file name and a name no check had seen to the crawl process."""
    config, data, prefix = _config(tmp_path, redis)
    worker = _worker(config, data)
    spawned: list[CrawlJob] = []
    worker._spawn = spawned.append
    try:
        board = JobBoard(worker.link, lease_ms=5000)
        body = CrawlJob("../../tmp/evil", "0123456789ab", 0, 1).to_json()
        worker.link.client.hset(board.key, "src-a", body)
        worker.step()
        assert spawned == []
        assert board.pending() == {}
    finally:
        worker.shutdown()


@pytest.mark.parametrize("dsn", ["postgresql//vigie:S3cretPw-7Qz@127.0.0.1/vigie",  # a typo: no ':'
                                 "host=127.0.0.1 dbname=vigie password=S3cret Pw-7Qz"])  # an unquoted space
def test_a_malformed_outbox_dsn_is_refused_without_echoing_its_password(dsn: str) -> None:
    """libpq's parse error quotes the connection string: it escaped PgOutbox as a raw
    psycopg.ProgrammingError, password and all, to whatever printed or logged it. No server is
    needed: the DSN is refused before any connection."""
    from alerts.outbox_pg import PgOutbox, PgOutboxError

    with pytest.raises(PgOutboxError) as got:
        PgOutbox(dsn, connect_timeout=1)
    chain: list[BaseException] = []
    e: BaseException | None = got.value
    while e is not None:
        chain.append(e)
        e = e.__cause__ or e.__context__
    text = " ".join(str(x) for x in chain)
    assert "S3cret" not in text and "7Qz" not in text, text
    assert "alerts.outbox.dsn_file" in str(got.value)


def test_a_shared_key_file_planted_by_someone_else_is_refused(tmp_path: Path) -> None:
    """`scale.state_key_file` may sit in a directory every worker reads; a key file another user
    planted there before the first start was used as is: the planter then knew the key that
    authenticates queued requests (unpickled once their tag verifies) and seals the crawl state."""
    from crawler.frontier.link import load_or_create_key

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    planted = shared / "crawl-state-redis.key"
    planted.write_bytes(b"k" * 32)
    os.chmod(planted, 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_or_create_key(planted)
    os.chmod(planted, 0o600)
    if os.geteuid() == 0:  # as root the test can plant a file of another user
        os.chown(planted, 65534, 65534)
        with pytest.raises(PermissionError):
            load_or_create_key(planted)
    link = shared / "linked.key"
    link.symlink_to(planted)
    with pytest.raises(PermissionError):
        load_or_create_key(link)


def test_the_key_files_temporary_file_follows_no_planted_symlink(tmp_path: Path) -> None:
    """The key was written to `<key>.<pid>.tmp`, opened with O_TRUNC and no O_EXCL: a symlink
    planted under that (predictable) name made the first start overwrite the file it points to."""
    from crawler.frontier.link import load_or_create_key

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    victim = tmp_path / "precious"
    victim.write_bytes(b"precious data")
    key = shared / "crawl-state-redis.key"
    (shared / f"{key.name}.{os.getpid()}.tmp").symlink_to(victim)
    secret = load_or_create_key(key)
    assert victim.read_bytes() == b"precious data"
    assert len(secret) == 32 and key.stat().st_mode & 0o777 == 0o600 and not key.is_symlink()
    assert load_or_create_key(key) == secret


def test_junk_crawl_state_rows_cost_a_re_read_not_the_crawl(redis: RedisServer, tmp_path: Path) -> None:
    """The crawl state's rows are in Redis; a process that overwrote them with junk made every
    lookup raise (in a listing's callback: the threads listed after it were never crawled, run
    after run). A junk row now reads as absent: the thread or file is read again."""
    from crawler.frontier import connect
    from crawler.frontier.state import RedisCrawlState

    link = connect(redis.url, password=redis.password, prefix=f"t{os.urandom(3).hex()}", secret=b"s" * 32)
    try:
        state = RedisCrawlState(link, "src-a")
        state.record_thread_page("t1", "http://x.onion/t1?p=2", 2, marker="m", final=True, last_post_id="p9")
        state.file_pending("http://x.onion/f.zip", {"name": "f.zip"})
        state.set_status("ok")
        assert state.thread("t1") is not None and state.pending_files() and state.status() is not None
        junk = [b"\xff", b"[1, 2]", b'{"pages": "many", "url": 5}', b'{"status": 7, "meta": [1]}', b"null"]
        for n, value in enumerate(junk):
            for table in ("threads", "files"):
                for field in link.client.hkeys(state._k[table]):
                    link.client.hset(state._k[table], field, value)
            link.client.hset(state._sources, "src-a", value)
            assert state.thread("t1") is None, value
            assert state.file_status("http://x.onion/f.zip") is None, value
            assert state.pending_files() == [], value
            assert state.status() is None, value
            state.set_status("ok")
            state.record_thread_page("t1", f"http://x.onion/t1?p={n}", 1)
            got = state.thread("t1")
            assert got is not None and got.last_page_url == f"http://x.onion/t1?p={n}" and got.page_count == 1
    finally:
        link.close()


def test_jobs_planted_for_unknown_sources_do_not_make_a_worker_reload_per_name(redis: RedisServer,
                                                                             tmp_path: Path) -> None:
    """A job for a source the worker does not know makes it re-read its config (its config may be
    older than the scheduler's): once a minute per name, so names planted by the hundred in Redis
    made it re-read every YAML file hundreds of times a round."""
    config, data, prefix = _config(tmp_path, redis)
    worker = _worker(config, data)
    spawned: list[CrawlJob] = []
    worker._spawn = spawned.append
    reloads = []
    real = worker.reload
    worker.reload = lambda: reloads.append(1) or real()
    try:
        board = JobBoard(worker.link, lease_ms=5000)
        for n in range(200):
            worker.link.client.hset(board.key, f"ghost-{n}", CrawlJob(f"ghost-{n}", "00ab", 0, 1).to_json())
        lock = LeaderLock(worker.link, "scheduler", "t", lease_ms=5000)
        assert lock.acquire() and board.push("src-a", lock)
        worker.step()
        worker.step()
        assert len(reloads) == 1
        assert [j.source for j in spawned] == ["src-a"]  # the configured source is still crawled
        assert len(worker._unknown) <= 1000
    finally:
        worker.shutdown()


def test_finishing_a_job_survives_junk_on_the_board_and_in_the_history(redis: RedisServer, tmp_path: Path) -> None:
    """The finish script decoded the board's entry with cjson, unguarded: junk written there between
    claim and finish made it fail, so the finished crawl was neither recorded nor released and ran
    again once its lease lapsed; junk in the run history broke `vigie status`."""
    from crawler.frontier import connect

    link = connect(redis.url, password=redis.password, prefix=f"t{os.urandom(3).hex()}", secret=b"s" * 32)
    try:
        lock = LeaderLock(link, "scheduler", "t", lease_ms=5000)
        board = JobBoard(link, lease_ms=5000)
        assert lock.acquire() and board.push("src-a", lock)
        job = board.pending()["src-a"]
        assert board.claim("src-a", "w1")
        link.client.hset(board.key, "src-a", b"\xff junk")
        link.client.lpush(board.history, b"{not json")
        assert board.finish(job, "w1", {"pages": 3, "finish_reason": "finished"})
        assert board.holder("src-a") is None and board.pending() == {}
        assert [r["run"] for r in board.runs()] == [job.run_id]
    finally:
        link.close()


@pytest.mark.parametrize("url", ["redis://:Sup3rSecretPw@10.0.0.5:6379/0", "rediss://vigie:Sup3rSecretPw@127.0.0.1:6380/0"])
def test_a_redis_url_with_a_password_is_refused_without_quoting_it(url: str, tmp_path: Path) -> None:
    """The loopback check came first and quoted the URL: a remote URL with its password (a likely
    first try) put the password in the config error, printed by `vigie config check` and logged by
    a worker's or scheduler's refused reload."""
    from vigie.config.loader import ConfigError, load_config

    (tmp_path / "sources").mkdir()
    (tmp_path / "vigie.yaml").write_text(f"storage:\n  backend: embedded\nscale:\n  redis_url: {url}\n")
    with pytest.raises(ConfigError) as got:
        load_config(tmp_path)
    assert "Sup3rSecretPw" not in str(got.value)
    assert "scale.redis_password" in str(got.value)


def test_a_tcp_redis_without_a_password_is_refused_and_a_unix_socket_is_not(tmp_path: Path) -> None:
    """Any other local user's process can connect to a loopback port: without AUTH it could empty
    or stall the crawl queue, take the leader lock, or `CONFIG SET dir` to write files as Redis's
    user. A unix socket is guarded by its directory instead, so it may go without a password."""
    from vigie.config.loader import ConfigError, load_config

    (tmp_path / "sources").mkdir()
    head = "storage:\n  backend: embedded\nscale:\n  redis_url: "
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_TEST_UNSET"}
    for body, line in (("redis://127.0.0.1:6379/0\n  key_prefix: x\n", 3),
                       ("redis://localhost:6380/1\n  redis_password: ${VIGIE_TEST_UNSET:-}\n", 5)):
        (tmp_path / "vigie.yaml").write_text(head + body)
        with pytest.raises(ConfigError) as got:
            load_config(tmp_path, env=env)
        [problem] = got.value.problems
        assert (Path(problem.file).name, problem.line, problem.field) == ("vigie.yaml", line, "scale.redis_password")
        assert "--requirepass" in problem.reason and "unix://" in problem.reason, problem.reason
        if line == 5:  # the variable to export is named, as for every refused `${VAR}` value
            assert "export VIGIE_TEST_UNSET=" in problem.reason, problem.reason
    (tmp_path / "vigie.yaml").write_text(head + "redis://127.0.0.1:6379/0\n  redis_password: ${VIGIE_TEST_PW}\n")
    scale = load_config(tmp_path, env={**env, "VIGIE_TEST_PW": "Hq8-wz3ptL"}).global_config.scale
    assert scale is not None and scale.redis_password is not None
    assert scale.redis_password.get_secret_value() == "Hq8-wz3ptL" and "Hq8-wz3ptL" not in repr(scale)
    (tmp_path / "vigie.yaml").write_text(head + "unix:///run/vigie-redis/redis.sock\n")
    scale = load_config(tmp_path, env=env).global_config.scale
    assert scale is not None and scale.redis_password is None


def test_the_test_redis_refuses_a_client_without_its_password(redis: RedisServer) -> None:
    """What every other test here relies on: the server runs with AUTH on, as the config now requires."""
    import redis as redis_py

    with pytest.raises(redis_py.AuthenticationError):
        redis_py.Redis.from_url(redis.url, protocol=2).ping()
    with pytest.raises(redis_py.AuthenticationError):
        redis_py.Redis.from_url(redis.url, password="not-" + redis.password, protocol=2).ping()
    assert redis_py.Redis.from_url(redis.url, password=redis.password).ping()


@pytest.mark.skipif(os.geteuid() != 0, reason="planting a file of another user needs root")
def test_an_outbox_dsn_file_of_another_user_is_refused(tmp_path: Path) -> None:
    """Only the DSN file's mode was checked: a 0600 file another user planted (in a shared
    directory) was read by a root service, and its DSN chose the database the alerts went to."""
    from alerts.outbox_pg import PgOutboxError, read_dsn_file

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    planted = shared / "outbox.dsn"
    planted.write_text("postgresql://them:pw@127.0.0.1:5433/theirs\n")
    os.chmod(planted, 0o600)
    os.chown(planted, 65534, 65534)
    with pytest.raises(PgOutboxError, match="another user"):
        read_dsn_file(planted)
    os.chown(planted, os.geteuid(), os.getegid())
    assert read_dsn_file(planted).startswith("postgresql://them")


def test_a_planted_or_replayed_worker_does_not_take_sources(redis: RedisServer, tmp_path: Path) -> None:
    """Membership was a bare sorted set of names and deadlines: a process with Redis access added
    a worker that never claims (with a deadline years away), and every source rendezvous-hashed to
    it was never crawled; a dead worker's entry replayed the same way kept it 'live'."""
    from crawler.frontier.cluster import Membership, owner_of
    from vigie.service.worker import source_key

    config, data, prefix = _config(tmp_path, redis)
    worker = _worker(config, data)
    spawned: list[CrawlJob] = []
    worker._spawn = spawned.append
    try:
        key = source_key(worker.config.sources["src-a"])
        ghost = next(f"ghost-{n}" for n in range(1000) if owner_of(key, ["w1", f"ghost-{n}"]) != "w1")
        members = Membership(worker.link, lease_ms=5000)
        far = worker.link.now_ms() + 10 * 365 * 86_400_000
        worker.link.client.zadd(members.key, {ghost: far, f"{ghost}|{'0' * 32}": far})
        # a name with non-ASCII characters and a live deadline: refused like the others (it made
        # the check raise TypeError, and the worker's step with it)
        worker.link.client.zadd(members.key, {f"fantôme|{'0' * 64}": worker.link.now_ms() + 4000})
        dead = Membership(worker.link, lease_ms=5000)
        dead.heartbeat("w0")  # a real member's entry, replayed with a far deadline once w0 is gone
        replayed = next(m for m in worker.link.client.zrange(members.key, 0, -1) if m.startswith(b"w0"))
        worker.link.client.zadd(members.key, {replayed: far})
        lock = LeaderLock(worker.link, "scheduler", "t", lease_ms=5000)
        assert lock.acquire() and JobBoard(worker.link, lease_ms=5000).push("src-a", lock)
        worker.step()
        assert members.live() == ["w1"]
        assert [j.source for j in spawned] == ["src-a"]
    finally:
        worker.shutdown()


def test_lease_keys_set_by_hand_without_expiry_do_not_block_for_good(redis: RedisServer, tmp_path: Path) -> None:
    """The leader lock and a source's job lease are SET NX: one SET without expiry by a process
    with Redis access stopped every crawl (no leader, ever) or one source's crawls, for good."""
    from crawler.frontier import connect

    link = connect(redis.url, password=redis.password, prefix=f"t{os.urandom(3).hex()}", secret=b"s" * 32)
    try:
        lock = LeaderLock(link, "scheduler", "s1", lease_ms=5000)
        link.client.set(lock.key, "squatter")
        assert lock.acquire()
        board = JobBoard(link, lease_ms=5000)
        assert board.push("src-a", lock)
        link.client.set(board._lease_key("src-a"), "squatter", px=10 * 365 * 86_400_000)
        assert board.claim("src-a", "w1") and board.holder("src-a") == "w1"
        assert not board.claim("src-a", "w2")  # a live lease still holds
        other = LeaderLock(link, "scheduler", "s2", lease_ms=5000)
        assert not other.acquire()
    finally:
        link.close()
