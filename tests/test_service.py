"""`vigie run`, the scheduled service, as a real process: real crawls of the demo forum (direct
loopback), real APScheduler job store, real signals, real SMTP server and webhook receiver."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.channels.smtp import message_id_for
from tests import cli_fork
from tests.fixtures.forum import crawl, make_config, test_keys_env
from vigie_kit.forum import ForumServer
from vigie_kit.sinks import SmtpSink, WebhookReceiver, free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SOURCE = "test-phpbb"
SECRET = "service-test-webhook-secret"


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def runs(data: Path, source: str | None = None) -> list[dict[str, Any]]:
    path = data / "service.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        sql = "SELECT * FROM runs" + (" WHERE source=?" if source else "") + " ORDER BY id"
        try:
            return [dict(r) for r in db.execute(sql, (source,) if source else ())]
        except sqlite3.OperationalError:  # the service is still creating its tables
            return []


def next_run(data: Path, source: str) -> str | None:
    with sqlite3.connect(data / "service.sqlite3") as db:
        row = db.execute("SELECT next_run_at FROM sources WHERE name=?", (source,)).fetchone()
    return row[0] if row else None


def store_ids(data: Path) -> list[str]:
    with sqlite3.connect(data / "store.sqlite3") as db:
        try:
            return [r[0] for r in db.execute("SELECT id FROM fragments")]
        except sqlite3.OperationalError:  # not created yet
            return []


def set_schedule(config: Path, source: str, interval: str, **limits: Any) -> None:
    path = config / "sources" / f"{source}.yaml"
    data = yaml.safe_load(path.read_text())
    data["schedule"] = {"interval": interval, "jitter_seconds": 0}
    data["limits"].update(limits)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def write_global(config: Path, metrics_port: int, smtp_port: int | None = None) -> None:
    smtp = (f"alerts:\n  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none}}\n"
            "  delivery: {backoff_initial_seconds: 0.2, poll_interval_seconds: 0.2}\n") if smtp_port else ""
    (config / "vigie.yaml").write_text(
        "storage:\n  backend: embedded\n"
        f"service:\n  metrics_port: {metrics_port}\n" + smtp)


@contextmanager
def service(config: Path, data: Path) -> Iterator[subprocess.Popen[str]]:
    log = (data.parent / f"service-{int(time.time() * 1000)}.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "run", "--config", str(config), "--data-dir", str(data)],
                            cwd=REPO, env={**os.environ, **test_keys_env}, stdout=log, stderr=subprocess.STDOUT,
                            text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def service_log(data: Path) -> str:
    """What the latest `service()` started in this test has logged so far."""
    return max(data.parent.glob("service-*.log")).read_text()


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 90) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=timeout)


def metric(port: int, name: str, **labels: str) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture
def small_forum() -> Iterator[ForumServer]:
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        yield forum


def test_interval_source_runs_repeatedly_with_status_and_metrics(small_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", small_forum.url)
    set_schedule(config, SOURCE, "2s")
    port = free_port()
    write_global(config, port)
    data = tmp_path / "data"
    with service(config, data) as proc:
        wait_for(lambda: len([r for r in runs(data, SOURCE) if r["outcome"] == "ok"]) >= 3, 120, "three runs")
        assert metric(port, "vigie_crawls_total", source=SOURCE, outcome="ok") >= 3
        assert metric(port, "vigie_up") == 1
        status = cli_fork.run([sys.executable, "-m", "vigie", "status", "--json", "--config", str(config),
                               "--data-dir", str(data)], capture_output=True, text=True,
                              env={**os.environ, **test_keys_env})
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["alive"] is True
        (src,) = report["sources"]
        assert src["source"] == SOURCE and src["last_run"]["outcome"] in {"ok", "running"}
        assert src["next_run_at"] is not None
        assert "fragment" in report["store"] and "embedded" in report["store"]
        assert stop(proc) == 0
    first, *rest = [r for r in runs(data, SOURCE) if r["outcome"] == "ok"]
    assert first["items"] > 40 and first["fragments"] > 0 and first["pages"] > 0
    assert all(r["items"] == 0 for r in rest), "re-crawls must emit nothing new"


def test_slow_source_never_overlaps_itself(small_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", small_forum.url)
    set_schedule(config, SOURCE, "1s", delay_seconds=0.4, concurrency=1)  # a crawl takes several seconds
    port = free_port()
    write_global(config, port)
    data = tmp_path / "data"
    with service(config, data) as proc:
        wait_for(lambda: len([r for r in runs(data, SOURCE) if r["finished_at"]]) >= 2, 180, "two finished runs")
        skipped = metric(port, "vigie_crawls_skipped_total", source=SOURCE)
        assert stop(proc) == 0
    done = [r for r in runs(data, SOURCE) if r["finished_at"]]
    for a, b in zip(done, done[1:], strict=False):
        assert a["finished_at"] <= b["started_at"], f"runs {a['id']} and {b['id']} overlap"
    assert (time.mktime(time.strptime(done[0]["finished_at"][:19], "%Y-%m-%dT%H:%M:%S"))
            - time.mktime(time.strptime(done[0]["started_at"][:19], "%Y-%m-%dT%H:%M:%S"))) >= 2
    assert skipped >= 1, "the 1 s schedule fired while a crawl was running: those runs must be skipped"


def test_restart_keeps_the_schedule_and_sighup_adds_a_source(small_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", small_forum.url)
    set_schedule(config, SOURCE, "1h")
    write_global(config, free_port())
    data = tmp_path / "data"
    with service(config, data) as proc:
        wait_for(lambda: [r for r in runs(data, SOURCE) if r["outcome"] == "ok"], 90, "the first run")
        first_started = runs(data, SOURCE)[0]["started_at"]
        planned = wait_for(lambda: (next_run(data, SOURCE) or "") > first_started and next_run(data, SOURCE),
                           10, "the next run to be planned")
        assert stop(proc) == 0
    assert planned is not None
    with service(config, data) as proc:
        # ready = signal handlers installed and the job store read (a SIGHUP before would kill it);
        # service.sqlite3 already exists from the first run, so it cannot tell
        wait_for(lambda: "vigie service running" in service_log(data), 90, "the restarted service")
        time.sleep(3)  # three seconds in which a wrongly re-planned run would start
        assert len(runs(data, SOURCE)) == 1, "a restart must not re-run a source before its time"
        assert next_run(data, SOURCE) == planned
        # SIGHUP: a broken config is refused as a whole and the service keeps going on the old
        # one. The same reload also shortens this source's interval to 1 s: applied in part, that
        # would re-run the source at once, so the old schedule must stay.
        (config / "sources" / "broken.yaml").write_text("name: broken\nnetwrok: direct\n")
        set_schedule(config, SOURCE, "1s")
        proc.send_signal(signal.SIGHUP)
        refused = wait_for(lambda: "config reload refused, keeping the running config" in service_log(data)
                           and service_log(data), 20, "the refused reload to be logged")
        assert "broken.yaml:2: netwrok: unknown key 'netwrok'; did you mean 'network'?" in refused
        time.sleep(3)  # three of the refused 1 s intervals
        assert proc.poll() is None
        assert len(runs(data, SOURCE)) == 1 and next_run(data, SOURCE) == planned
        with sqlite3.connect(data / "service.sqlite3") as db:
            assert [r[0] for r in db.execute("SELECT name FROM sources")] == [SOURCE]
        (config / "sources" / "broken.yaml").unlink()
        set_schedule(config, SOURCE, "1h")
        # ... and a new source is scheduled without a restart
        make_config(config, small_forum.url, name="second-forum")
        set_schedule(config, "second-forum", "1h")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: [r for r in runs(data, "second-forum") if r["outcome"] == "ok"], 90, "the new source's run")
        assert len(runs(data, SOURCE)) == 1
        assert stop(proc) == 0


def _register(config: Path, data: Path, forum: ForumServer, tmp: Path, n: int = 4) -> set[str]:
    """The org's identifiers: n emails of planted patients from several posts, plus others."""
    truth = forum.data.truth()
    emails = [p["planted"]["email"][0] for p in truth["posts"] if p["planted"].get("email")][:n]
    csv = tmp / "org.csv"
    csv.write_text("email\n" + "\n".join(emails + [f"nobody{i}@example.net" for i in range(30)]) + "\n")
    env = {**os.environ, **test_keys_env}
    for args in (["hash", str(csv), "-o", str(tmp / "pre.csv")],
                 ["org", "register", "acme", str(tmp / "pre.csv"), "--config", str(config), "--data-dir", str(data)]):
        done = cli_fork.run([sys.executable, "-m", "vigie", *args], capture_output=True, text=True, env=env, cwd=REPO)
        assert done.returncode == 0, done.stderr
    return set(emails)


def _org(config: Path, webhook_url: str, *, email: bool = True) -> None:
    channels: dict[str, Any] = {"webhook": {"url": webhook_url, "secret": SECRET}}
    if email:
        channels["email"] = {"to": ["soc@acme.test"]}
    (config / "organisations").mkdir(exist_ok=True)
    (config / "organisations" / "acme.yaml").write_text(yaml.safe_dump({
        "id": "acme", "display_name": "ACME santé", "min_severity": "low", "channels": channels,
        "policy": {"critical": "immediate", "high": "immediate", "medium": "immediate", "low": "immediate"}}))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_stop_mid_crawl_then_restart_loses_and_duplicates_nothing(small_forum: ForumServer, tmp_path: Path,
                                                                   sig: int) -> None:
    # what a complete, uninterrupted crawl stores
    reference = make_config(tmp_path / "ref-config", small_forum.url)
    ref = crawl(reference, tmp_path / "ref-data", SOURCE)
    assert ref.returncode == 0, ref.stderr[-2000:]
    expected_ids = set(store_ids(tmp_path / "ref-data"))
    assert len(expected_ids) > 5

    with SmtpSink() as smtp, WebhookReceiver(secret=SECRET) as hook:
        config = make_config(tmp_path / "config", small_forum.url)
        # a second between pages: the kill must land mid-crawl even on a loaded machine (at a
        # quarter second the whole crawl once ended between the poll that saw it under way and
        # the kill)
        set_schedule(config, SOURCE, "3s", delay_seconds=1.0, concurrency=1)
        write_global(config, free_port(), smtp.port)
        _org(config, hook.url)
        data = tmp_path / "data"
        _register(config, data, small_forum, tmp_path)
        with service(config, data) as proc:
            wait_for(lambda: (data / "store.sqlite3").exists() and len(store_ids(data)) >= 2, 90, "a crawl under way")
            # this test's crawl only (its config dir is its own): other tests run the same source at once
            own_crawl = f"vigie.*crawl {SOURCE} --config {config}"
            children = subprocess.run(["pgrep", "-f", own_crawl], capture_output=True, text=True).stdout.split()
            assert children, "the crawl runs in a subprocess"
            if sig == signal.SIGKILL:  # a crash of the service and of its crawl alike
                for pid in children:
                    os.kill(int(pid), signal.SIGKILL)
                proc.kill()
                proc.wait()
            else:
                assert stop(proc) == 0
                # a clean stop logs no error (APScheduler once fired a due run into its stopped pool)
                logged = "".join(p.read_text() for p in tmp_path.glob("service-*.log"))
                assert "Traceback" not in logged and " ERROR " not in logged, logged[-3000:]
            interrupted = len(store_ids(data))
        assert interrupted < len(expected_ids), "the crawl was stopped before its end"
        wait_for(lambda: not subprocess.run(["pgrep", "-f", own_crawl], capture_output=True).stdout,
                 30, "the crawl subprocess to be gone")
        # the second between pages only had to let the stop land mid-crawl: the resumed crawl
        # runs at full speed (at one page a second it took most of this test's 90 s)
        set_schedule(config, SOURCE, "3s", delay_seconds=0, concurrency=1)
        with service(config, data) as proc:
            wait_for(lambda: set(store_ids(data)) >= expected_ids, 120, "every fragment after the restart")
            db = sqlite3.connect(data / "alerts.sqlite3")
            alert_ids = wait_for(lambda: {r[0] for r in db.execute("SELECT alert_id FROM alerts")}, 30, "alerts")
            wait_for(lambda: set(hook.processed) == alert_ids and len(set(smtp.message_ids())) == len(alert_ids), 60,
                     "every alert delivered")
            assert stop(proc) == 0
        assert set(store_ids(data)) == expected_ids  # ids are content hashes: one row per fragment
        assert set(hook.processed) == alert_ids and len(alert_ids) >= 3
        # each alert processed once at the receivers; a resend after the kill may arrive again,
        # but only under the same idempotency key / Message-ID, which the receivers dedupe
        assert hook.duplicates == len([r for r in hook.receipts if r.status == 200]) - len(alert_ids)
        message_ids = [m["Message-ID"] for m in smtp.messages]
        assert set(message_ids) == {message_id_for(a) for a in alert_ids}
        assert all(r.verified for r in hook.receipts)
        outcomes = [r["outcome"] for r in runs(data, SOURCE)]
        assert outcomes[0] == ("stopped" if sig == signal.SIGTERM else "interrupted"), outcomes


@pytest.mark.tor
def test_service_crawls_an_onion_source_through_tor_and_reports_tor(tor_network, tmp_path: Path) -> None:
    """The production path end to end: `vigie run` attaches to a running tor (mode external, the
    private network's client), its crawl subprocess reaches the forum only as an onion service,
    and `vigie status` reports Tor's health."""
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        onion = tor_network.add_onion_service(forum.address[1])
        config = make_config(tmp_path / "config", f"http://{onion}", network="tor",
                             limits={"timeout_seconds": 30})
        set_schedule(config, SOURCE, "1h")
        (config / "vigie.yaml").write_text(yaml.safe_dump({
            "storage": {"backend": "embedded"},
            "service": {"metrics_port": free_port()},
            "tor": {"mode": "external", "socks_host": "127.0.0.1", "socks_port": tor_network.socks_port,
                    "control_port": tor_network.control_port,
                    "cookie_auth_file": str(tor_network.client_cookie_path), "newnym_interval": "10m"}}))
        data = tmp_path / "data"
        with service(config, data) as proc:
            ok = wait_for(lambda: [r for r in runs(data, SOURCE) if r["finished_at"]], 180, "the crawl over Tor")
            status = cli_fork.run([sys.executable, "-m", "vigie", "status", "--json", "--config", str(config),
                                   "--data-dir", str(data)], capture_output=True, text=True,
                                  env={**os.environ, **test_keys_env})
            assert stop(proc) == 0
        assert ok[0]["outcome"] == "ok", ok
        truth = forum.truth()  # every post, and one file per attachment (the zip holds one csv)
        assert ok[0]["items"] == sum(p["expected"] for p in truth["posts"]) + \
            sum(a["expected"] for a in truth["attachments"])
        report = json.loads(status.stdout)
        assert report["tor"].startswith("ok: tor 0.4"), report["tor"]
        assert "bootstrap 100%" in report["tor"]
        assert forum.logout_hits == 0


def test_sighup_brings_a_new_organisation_to_the_running_delivery_worker(small_forum: ForumServer,
                                                                         tmp_path: Path) -> None:
    """README flow: while the service runs, add config/organisations/<id>.yaml, SIGHUP, then
    `vigie org register` (its retro-hunt queues alerts): the service's worker delivers them."""
    with WebhookReceiver(secret=SECRET) as hook:
        config = make_config(tmp_path / "config", small_forum.url)
        set_schedule(config, SOURCE, "1h")
        write_global(config, free_port())
        data = tmp_path / "data"
        with service(config, data) as proc:
            wait_for(lambda: [r for r in runs(data, SOURCE) if r["outcome"] == "ok"], 90, "the first crawl")
            _org(config, hook.url, email=False)  # no SMTP in this config
            proc.send_signal(signal.SIGHUP)
            time.sleep(1.5)
            _register(config, data, small_forum, tmp_path)
            db = sqlite3.connect(data / "alerts.sqlite3")
            alert_ids = wait_for(lambda: {r[0] for r in db.execute("SELECT alert_id FROM alerts")}, 30, "alerts")
            wait_for(lambda: set(hook.processed) == alert_ids, 30, "the running worker to deliver them")
            assert stop(proc) == 0
        assert len(alert_ids) >= 3
