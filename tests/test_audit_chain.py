"""The audit log is a hash chain: `verify_chain` / `vigie audit verify` find every tampering that a
chain can see (edited, deleted, reordered, inserted, torn), concurrent appenders never fork it,
and what a keyless chain cannot see is caught against an anchor kept elsewhere."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.audit import GENESIS, AuditError, AuditLog, line_hash, verify_chain
from vigie.cli import app


def build_log(path: Path, n: int = 5) -> list[bytes]:
    log = AuditLog(path)
    for i in range(n):
        log.append("reveal", {"user": "alice", "analyst": "alice", "doc_id": f"{i:064x}",
                              "reason": f"ticket {i}", "outcome": "revealed"})
    return path.read_bytes().splitlines(keepends=True)


def write(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def audit_cli(*args: str):
    from vigie.log import setup_logging

    try:
        return CliRunner().invoke(app, ["audit", *args])
    finally:
        setup_logging("INFO")


def test_a_sound_chain_verifies(tmp_path: Path) -> None:
    path = tmp_path / "data" / "audit.log"
    lines = build_log(path)
    records = [json.loads(x) for x in lines]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev"] == GENESIS
    assert records[3]["prev"] == line_hash(lines[2].rstrip(b"\n"))
    verdict = verify_chain(path)
    assert verdict.intact and verdict.records == 5
    assert verdict.head_seq == 5 and verdict.head_hash == line_hash(lines[4].rstrip(b"\n"))
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_the_pre_chain_format_does_not_verify_and_is_not_appended_to(tmp_path: Path) -> None:
    """The log as Vigie wrote it before the chain (plain JSON lines, as `append_audit` did): any of
    its lines could be edited, removed or reordered unseen, so it must not pass as verified."""
    path = tmp_path / "audit.log"
    old = {"ts": "2026-06-01T10:00:00Z", "event": "reveal", "analyst": "alice", "doc_id": "ab" * 32,
           "reason": "ticket 7", "role_via": "env:VIGIE_ROLE", "outcome": "revealed"}
    path.write_text(json.dumps(old, sort_keys=True) + "\n")
    verdict = verify_chain(path)
    assert verdict.broken is not None and verdict.broken.line == 1
    assert "not a chained record" in verdict.broken.problem
    with pytest.raises(AuditError, match="not a chained audit record"):
        AuditLog(path).append("reveal", {"user": "alice"})
    assert path.read_text().count("\n") == 1  # nothing was chained onto it


def test_an_edited_field_is_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = build_log(path)
    lines[1] = lines[1].replace(b'"outcome":"revealed"', b'"outcome":"not_found"')
    write(path, lines)
    broken = verify_chain(path).broken
    assert broken is not None and broken.line == 3 and "line 2" in broken.problem and "altered" in broken.problem


def test_a_deleted_line_is_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = build_log(path)
    del lines[2]
    write(path, lines)
    broken = verify_chain(path).broken
    assert broken is not None and broken.line == 3 and "deleted" in broken.problem


def test_reordered_lines_are_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = build_log(path)
    lines[1], lines[2] = lines[2], lines[1]
    write(path, lines)
    broken = verify_chain(path).broken
    assert broken is not None and broken.line == 2 and "reordered" in broken.problem


def test_an_inserted_forged_line_is_found(tmp_path: Path) -> None:
    """A well-formed forgery: right seq, right prev for its place; the record after it breaks."""
    path = tmp_path / "audit.log"
    lines = build_log(path)
    forged = {**json.loads(lines[2]), "doc_id": "f" * 64, "seq": 3, "prev": line_hash(lines[1].rstrip(b"\n"))}
    lines.insert(2, (json.dumps(forged, sort_keys=True, separators=(",", ":")) + "\n").encode())
    write(path, lines)
    broken = verify_chain(path).broken
    assert broken is not None and broken.line == 4 and "inserted" in broken.problem


def test_a_torn_last_record_is_found_and_never_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = build_log(path, 3)
    write(path, [*lines[:2], lines[2][:40]])
    broken = verify_chain(path).broken
    assert broken is not None and broken.line == 3 and "incomplete" in broken.problem
    with pytest.raises(AuditError, match="incomplete record"):
        AuditLog(path).append("reveal", {"user": "alice"})


def test_anchor_catches_what_a_keyless_chain_cannot(tmp_path: Path) -> None:
    """Cutting whole records off the end, or rewriting the file with recomputed hashes, leaves a
    valid chain; the head kept elsewhere does not match any more."""
    path = tmp_path / "audit.log"
    lines = build_log(path)
    head = verify_chain(path)
    anchor = (head.head_seq, head.head_hash)
    assert verify_chain(path, anchor=anchor).intact
    write(path, lines[:4])  # the last record removed
    assert verify_chain(path).intact
    broken = verify_chain(path, anchor=anchor).broken
    assert broken is not None and "missing" in broken.problem
    # a rewrite: record 2 changed, every later hash recomputed
    rewritten = tmp_path / "rewritten.log"
    records = [json.loads(x) for x in lines]
    records[1]["outcome"] = "not_found"
    log = AuditLog(rewritten)
    for r in records:
        log.append(str(r["event"]), {k: v for k, v in r.items() if k not in ("ts", "event", "seq", "prev")})
    assert verify_chain(rewritten).intact
    broken = verify_chain(rewritten, anchor=anchor).broken
    assert broken is not None and broken.line == 5 and "rewritten" in broken.problem


def _append_many(path: str, worker: int, n: int) -> None:
    log = AuditLog(Path(path))
    for i in range(n):
        log.append("identifier_search", {"user": f"w{worker}", "results": i})


def test_concurrent_appenders_never_fork_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    verdict = verify_chain(path)
    assert verdict.intact, verdict.broken
    assert verdict.records == 100


def test_an_existing_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    AuditLog(path).append("reveal", {"user": "alice"})
    assert path.stat().st_mode & 0o777 == 0o600


def test_cli_verify_reports_intact_and_the_first_broken_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    lines = build_log(data / "audit.log")
    ok = audit_cli("verify", "--data-dir", str(data))
    assert ok.exit_code == 0, ok.output
    assert "intact: 5 record(s)" in ok.stdout
    head = ok.stdout.split("--anchor): ")[1].split()[0]
    assert audit_cli("verify", "--anchor", head, "--data-dir", str(data)).exit_code == 0
    show = audit_cli("show", "--data-dir", str(data))
    assert show.exit_code == 0 and "ticket 3" in show.stdout
    del lines[3]
    write(data / "audit.log", lines)
    bad = audit_cli("verify", "--data-dir", str(data))
    assert bad.exit_code == 1
    assert "line 4" in bad.stderr and "deleted" in bad.stderr
    assert audit_cli("verify", "--anchor", "nonsense", "--data-dir", str(data)).exit_code == 2
    missing = audit_cli("verify", "--data-dir", str(tmp_path / "elsewhere"))
    assert missing.exit_code == 1 and "no audit log" in missing.stderr
