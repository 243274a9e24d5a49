"""Hostile attachments (tests/hostile_files.py: bombs, climbing names, entity bombs and external
entities, sheets that declare every cell, a one-line CSV, UTF-16 without a BOM, a PNG named .csv,
JSON and HTML nested 100,000 deep, HTML of millions of elements, a PDF), written blind as a forum's
attacker would post them, then met by the real programs:

- `vigie scan HOSTILE sibling.csv --json --reveal` in a subprocess, its peak RSS its own
  (`os.wait4`): no crash, memory bounded, a clear error or a scanned result, the dumps in the
  hostile file's healthy parts and in the sibling file found, no file written (names that climb
  out), nothing of /etc/passwd read, and no request to the local HTTP server the external
  entities point at;
- `vigie crawl` of the kit forum on 127.0.0.1 with every crawled hostile file attached to one
  post beside a healthy sibling attachment: the same, plus each refusal counted in the summary
  and the forum's posts all read.

Sizes: the suite's run makes the bombs at `SCALE` of their full size (seconds the suite can
spare); `python tests/test_hostile_attachments.py [CASE...]` runs the scan at full size
(1 GiB zip and 7z, 512 MiB streams, a 200 MB line, 40 MB of HTML) and prints one JSON line a case.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests import hostile_files as H
from tests.fixtures.forum import REPO, CrawlRun, make_config, post_number, test_keys_env
from vigie.config.schema import AttachmentLimits
from vigie_kit.forum import ForumServer
from vigie_kit.procmem import descendants, high_water_kb

MiB = 1 << 20
SCALE = 0.1
PASSWD = "root:x:0:0"


class _Trap(BaseHTTPRequestHandler):
    """The external entities' target: answers like /etc/passwd and records every request."""

    hits: list[str] = []

    def do_GET(self) -> None:
        _Trap.hits.append(self.path)
        body = f"{PASSWD}:/root:/bin/bash xxe.fuite@example.org".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def trap() -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    H.XXE_PORT[0] = server.server_address[1]
    yield _Trap.hits
    server.shutdown()


@dataclass
class Ran:
    returncode: int
    peak_mb: int  # the program's own
    children_mb: int  # the largest of its child processes' (a crawl's detection workers)
    seconds: float
    stdout: str
    stderr: str


def run_measured(cmd: list[str], cwd: Path, logs: Path, timeout: float = 300) -> Ran:
    """`cmd` in a subprocess, and its peak RSS in MiB: the high-water mark of the program's own
    memory (VmHWM, polled; it only grows), not the child's ru_maxrss, which counts the copy of
    this test process the child is before its exec (hundreds of MB of generated files); and the
    largest high-water mark of its own child processes (a crawl detects big inputs in workers)."""
    out, err = logs / "stdout.txt", logs / "stderr.txt"
    t0 = time.monotonic()
    peak_kb = 0
    children: dict[int, int] = {}
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, cwd=cwd, env={**os.environ, **test_keys_env})
        while True:
            peak_kb = max(peak_kb, high_water_kb(proc.pid))
            for child in descendants(proc.pid):
                children[child] = max(children.get(child, 0), high_water_kb(child))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout:  # only catches a run that never ends
                proc.kill()
            time.sleep(0.02)
    text_out, text_err = out.read_text(errors="replace"), err.read_text(errors="replace")
    out.unlink()
    err.unlink()
    return Ran(os.waitstatus_to_exitcode(status), peak_kb // 1024, max(children.values(), default=0) // 1024,
               time.monotonic() - t0, text_out, text_err)


class Forum:
    """The small kit forum plus one post carrying hostile attachments beside a healthy one."""

    def __init__(self, server: ForumServer) -> None:
        self.server = server
        data = server.data
        thread = data._new_thread(data.boards[1], title="fichiers joints")
        self.carrier = data.new_post(thread, body="voici les fichiers", with_dump=False)
        self.paths: dict[str, str] = {}

    def attach(self, filename: str, content: bytes) -> str:
        data = self.server.data
        data._attach(self.carrier, filename, b"", "csv", False)
        att = data.attachments[max(data.attachments)]
        path = self.server.view.file_url(att)
        ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(content)}\r\n"
                f'Content-Disposition: attachment; filename="{filename}"\r\nConnection: close\r\n\r\n').encode()

        def write(handler: BaseHTTPRequestHandler) -> None:
            handler.wfile.write(head)
            handler.wfile.write(content)
            handler.wfile.flush()
        self.server.raw_routes[path] = write
        self.paths[filename] = path
        return path

    def posts(self) -> set[int]:
        return {p["id"] for p in self.server.truth()["posts"]}


def crawl_measured(forum: Forum, tmp: Path) -> tuple[CrawlRun, Ran]:
    """`vigie crawl` of the forum with the default attachment limits, and its peak RSS."""
    defaults = AttachmentLimits()  # the shipped example reads fewer types: every default type is read here
    config = make_config(tmp / "config", forum.server.url, limits={"concurrency": 2},
                         attachments={"extensions": list(defaults.extensions),
                                      "max_uncompressed_bytes": defaults.max_uncompressed_bytes})
    data_dir, output, summary = tmp / "data", tmp / "items.jsonl", tmp / "summary.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    ran = run_measured([sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", "test-phpbb", "--config",
                        str(config), "--data-dir", str(data_dir), "-o", str(output), "--summary-json", str(summary),
                        "--quiet"], REPO, tmp)
    # split on "\n" alone: a body may hold U+2028 or \x1c, which JSON leaves as they are and splitlines() cuts at
    lines = output.read_text(encoding="utf-8", errors="replace").split("\n") if output.exists() else []
    items = [json.loads(line) for line in lines if line.endswith("}")]  # a crawl killed mid-line: its stderr says
    run = CrawlRun(ran.returncode, json.loads(summary.read_text()) if summary.exists() else {}, items, "", ran.stderr)
    return run, ran


def crawl_probe(scale: float, tmp: Path) -> dict[str, Any]:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = Forum(server)
        forum.attach(*H.good_sibling())
        for name, case in H.HOSTILE.items():
            if case.crawled:
                forum.attach(case.filename, _make(name, scale))
        run, ran = crawl_measured(forum, tmp)
        files: dict[str, set[str]] = {}
        for item in run.files():
            files.setdefault(item["filename"], set()).update(
                re.findall(r"[\w.-]+@example\.org", (item.get("body") or "").replace("\x00", "")))
        return {"rc": ran.returncode, "peak_mb": ran.peak_mb, "children_mb": ran.children_mb,
                "s": round(ran.seconds, 1),
                "posts_missing": sorted(forum.posts() - {post_number(p) for p in run.posts()}),
                "failures": run.summary.get("failures"), "refused": run.summary.get("refused"),
                "bombs_refused": run.summary.get("bombs_refused"), "errors": run.summary.get("errors"),
                "attention": run.summary.get("attention_reason"), "files": {k: sorted(v) for k, v in files.items()},
                "passwd": any(PASSWD in (i.get("body") or "") for i in run.items), "stderr": ran.stderr[-3000:]}


# ------------------------------------------------------------------------------------------ tests
ARCHIVES = ("zip-42", "zip-flat-1g", "zip-overlap", "zip-nested-30", "zip-names", "zip-encrypted",
            "zip-corrupt-member", "7z-1g", "gz-1000x", "bz2-1000x", "xz-1000x", "tar-escape")
DOCUMENTS = ("xlsx-laughs", "xlsx-xxe", "ods-laughs", "ods-xxe", "docx-laughs", "docx-xxe", "xlsx-every-cell",
             "ods-every-cell")
# (the .txt copies of the HTML files are the crawl's: `vigie scan` reads them alike)
TEXTS = ("csv-one-line", "utf16le-no-bom", "utf16be-no-bom", "png-as-csv", "json-deep", "jsonl-deep", "html-tiny-5m",
         "html-deep-100k", "pdf-bomb")
# what `vigie scan` says on stderr of each file it cannot read whole (the rest of each is read)
SAID = {"zip-42": "nested deeper than attachments.max_nesting=2", "zip-flat-1g": "attachments.max_uncompressed_bytes",
        "zip-overlap": "attachments.max_files", "zip-nested-30": "nested deeper than attachments.max_nesting=2",
        "zip-encrypted": "secret.csv", "zip-corrupt-member": "casse.csv", "7z-1g": "attachments.max_uncompressed_bytes",
        "gz-1000x": "attachments.max_uncompressed_bytes", "bz2-1000x": "attachments.max_uncompressed_bytes",
        "xz-1000x": "attachments.max_uncompressed_bytes", "xlsx-laughs": "EntitiesForbidden",
        "xlsx-xxe": "EntitiesForbidden", "ods-laughs": "EntitiesForbidden", "ods-xxe": "EntitiesForbidden",
        "docx-laughs": "EntitiesForbidden", "docx-xxe": "EntitiesForbidden",
        "csv-one-line": "1 line(s) longer than 1,000,000 characters: only the head of each was read",
        "html-tiny-5m": "its text is read by the tag stripper",
        "html-deep-100k": "nested deeper than the parser builds: read with the tag stripper"}
# said without the file's name: a name may hold an identifier, and logs never do
UNNAMED = ("html-tiny-5m", "html-deep-100k")
# peak RSS of one `vigie scan` of a group (it holds every file of its group at once): about 160 MB
# of interpreter and detection, the 309 MB of a stream refused at the 200 MiB cap (it is held
# until the cap is met), and the largest text's copies (the 50 MB line)
SCAN_RSS_MB = 700
DENSE_RSS_MB = 300  # 8 MB of <p> read as a tree took 690 MB in `vigie scan` before the element ceiling


@functools.cache
def _make(name: str, scale: float = SCALE) -> bytes:
    """The hostile file (made once a session: the scan and the crawl share it)."""
    case = H.HOSTILE[name]
    return case.make(scale if case.heavy else 1.0)


def scan_group(tmp: Path, names: tuple[str, ...]) -> tuple[Ran, dict[str, set[str]]]:
    """One `vigie scan` of the group's files and a healthy sibling, from a directory of its own."""
    (tmp / "config").mkdir(exist_ok=True)
    (tmp / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    work = tmp / "work"
    work.mkdir()
    for name in names:
        (work / H.HOSTILE[name].filename).write_bytes(_make(name, SCALE))
    (work / H.good_sibling()[0]).write_bytes(H.good_sibling()[1])
    files = sorted(p.name for p in work.iterdir())
    ran = run_measured([sys.executable, "-m", "vigie", "--log-level", "WARNING", "scan", *files, "--json", "--reveal",
                        "--config", str(tmp / "config"), "--data-dir", str(tmp / "data")], work, tmp)
    assert sorted(p.name for p in work.iterdir()) == files, "the scan wrote a file where it ran"
    found: dict[str, set[str]] = {}
    for line in ran.stdout.splitlines():
        frag = json.loads(line)
        found.setdefault(frag["path"], set()).update(i["value"] for i in frag["identifiers"] if i["type"] == "email")
    return ran, found


def _emails_under(found: dict[str, set[str]], filename: str) -> set[str]:
    return set().union(*(v for k, v in found.items() if k == filename or k.startswith(filename + "/")))


def check_group(ran: Ran, found: dict[str, set[str]], names: tuple[str, ...], trap: list[str]) -> list[str]:
    """What went wrong for the group, case by case (empty when all is well)."""
    problems = []
    if "Traceback" in ran.stderr:
        problems.append(f"a traceback: {ran.stderr[-2000:]}")
    if not H.dump_emails("sibling") <= found.get("sibling.csv", set()):
        problems.append("the healthy sibling's dump was lost")
    for name in names:
        case = H.HOSTILE[name]
        got = _emails_under(found, case.filename)
        problems += [f"{name}: dump {tag} not found" for tag in case.found if not H.dump_emails(tag) <= got]
        if name in SAID and not any((name in UNNAMED or case.filename in line) and SAID[name] in line
                                    for line in ran.stderr.splitlines()):
            problems.append(f"{name}: stderr does not say {SAID[name]!r} of {case.filename}")
    if PASSWD in ran.stdout or "xxe.fuite" in ran.stdout:
        problems.append("/etc/passwd or the external entity's answer was read")
    if trap:
        problems.append(f"external entities fetched: {trap}")
    escaped = [p for p in ("/tmp/vigie-tarslip.csv", "/tmp/vigie-tarabs.csv", "/tmp/vigie-absolute.csv")
               if Path(p).exists()]
    if escaped:
        problems.append(f"written outside: {escaped}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("group", [ARCHIVES, DOCUMENTS, TEXTS], ids=["archives", "documents", "texts"])
def test_vigie_scan_of_hostile_files_is_bounded_and_loses_nothing_else(
        group: tuple[str, ...], trap: list[str], tmp_path: Path) -> None:
    ran, found = scan_group(tmp_path, group)
    assert check_group(ran, found, group, trap) == []
    assert ran.peak_mb < SCAN_RSS_MB, f"vigie scan peaked at {ran.peak_mb} MB"
    # a file or a part that could not be read fails the command (exit 1), after the rest was scanned
    assert ran.returncode == (1 if any(n in SAID and n not in UNNAMED for n in group) else 0), ran.stderr


def test_records_after_a_deep_json_value_are_found(tmp_path: Path) -> None:
    """A value nested 100,000 deep on the line before the records: the records are read
    (records._loads reads what is nested past the parser's depth as null)."""
    from indexer.detect import detect
    from indexer.tokens import MatchKey

    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    frags = detect(H.json_deep(1.0), key=key, filename="profond.json")
    emails = {i.value for f in frags for i in f.identifiers if i.type == "email"}
    assert H.dump_emails("jsondeep") <= emails


@pytest.mark.slow
def test_a_dense_html_file_is_read_by_the_tag_stripper_in_bounded_memory(tmp_path: Path) -> None:
    ran, found = scan_group(tmp_path, ("html-dense-8mb",))
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert H.dump_emails("htmldense") <= found.get("dense.html", set())
    assert "elements (a link counts as 4), too many for a tree: its text is read by the tag stripper" in ran.stderr
    assert ran.peak_mb < DENSE_RSS_MB, f"vigie scan peaked at {ran.peak_mb} MB"


# the crawl process: 454 MB before the element ceiling, 414 to 440 after (a guard, not the fix's
# measure); its detection workers, where the 8 MB dense attachment is read: 556 MB before, 161 after
CRAWL_RSS_MB = 1000
WORKER_RSS_MB = 400


@pytest.mark.slow
def test_vigie_crawl_of_a_post_of_hostile_attachments_counts_each_and_loses_nothing_else(
        trap: list[str], tmp_path: Path) -> None:
    r = crawl_probe(SCALE, tmp_path)
    print(json.dumps({k: v for k, v in r.items() if k not in ("stderr", "files")}))  # the figures, shown with -s
    assert r["rc"] == 0, r["stderr"]
    assert r["posts_missing"] == [], r["stderr"]
    assert set(r["files"].get("sibling.csv", [])) == H.dump_emails("sibling"), r["stderr"]
    read = set().union(*map(set, r["files"].values()))
    # the dumps in every hostile file's healthy parts (the 50 MB line is over attachments.max_bytes)
    lost = [(name, tag) for name, case in H.HOSTILE.items() if case.crawled
            for tag in case.found if not H.dump_emails(tag) <= read]
    assert lost == [], (lost, r["stderr"])
    assert not r["passwd"] and trap == []
    assert r["peak_mb"] < CRAWL_RSS_MB, f"the crawl peaked at {r['peak_mb']} MB"
    assert r["children_mb"] < WORKER_RSS_MB, f"a detection worker of the crawl peaked at {r['children_mb']} MB"
    # every refusal counted, once per attachment: 8 bombs (2 of them partly read) and the kit forum's
    # own, 8 unreadable archives, documents or parts (encrypted, corrupt, 6 entity bombs), 2 HTML
    # attachments too dense for a tree, the one-line CSV read to its line's head
    assert (r["bombs_refused"], r["errors"], r["refused"]["files_too_big"], r["failures"]["pages_too_dense"],
            r["refused"]["lines_too_long"]) == (8 + 1, 8, 0, 2, 1), r


if __name__ == "__main__":  # the blind probe at full size: python tests/test_hostile_attachments.py [CASE...]
    import tempfile

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    H.XXE_PORT[0] = server.server_address[1]
    for case_name in sys.argv[1:] or list(H.HOSTILE):
        with tempfile.TemporaryDirectory() as tmp_dir:
            SCALE = 1.0
            ran_one, found_one = scan_group(Path(tmp_dir), (case_name,))
            print(json.dumps({"case": case_name, "rc": ran_one.returncode, "peak_mb": ran_one.peak_mb,
                              "seconds": round(ran_one.seconds, 1),
                              "problems": check_group(ran_one, found_one, (case_name,), _Trap.hits),
                              "stderr": ran_one.stderr[-300:]}), flush=True)
    server.shutdown()
