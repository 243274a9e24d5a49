"""Every pattern that sees page content runs in linear time (issue 11, section 3).

A regex call cannot be interrupted by the detector's time cap, so one backtracking pattern on a
hostile 1 MB line stalls a whole source (yesterday's `_KV` took seconds on 16k spaces and would
take hours on 1 MB). The patterns are found by introspection (module globals, containers of
them, class attributes), so a pattern added tomorrow is covered without touching this file.
Each module is measured in a subprocess with a timeout: a quadratic pattern fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

# Every module of the packages whose patterns see crawled or scanned content, found by walking
# the packages (a new module is covered too); the store and key handling never see page text.
PACKAGES = ["indexer", "crawler.spiders"]
SKIP_PREFIXES = ("indexer.store", "indexer.crypto", "indexer.tokens")


def _modules() -> list[str]:
    import importlib
    import pkgutil

    out = []
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        out.append(name)
        out += [m.name for m in pkgutil.walk_packages(pkg.__path__, name + ".")]
    return sorted(m for m in out if not m.startswith(SKIP_PREFIXES))


# The lines the patterns run on: 256 KiB. A quadratic pattern there still costs minutes to hours
# (the pre-fix `_KV` took seconds on 16k spaces: 256 times that at 256 KiB), while every linear
# pattern runs four times faster than on the 1 MB lines this check used before, which made it the
# suite's largest cost (~480 s of CPU of ~1,200 s of wall time on two cores). The end-to-end test
# below still runs `detect` on 1 MB lines.
N = 256 * 1024
MB = 1_000_000  # the end-to-end lines
LINE_BUDGET_S = 0.5  # per pattern and per line, scaled up on a slow runner (see _budget)

# The worker prints one JSON line per pattern and input BEFORE running it ("start") and after
# ("done"), so on a timeout the test names the pattern that never finished.
_WORKER = textwrap.dedent(r'''
    import importlib, json, re, sys, time
    import re2
    from indexer._re2fast import iter_spans

    N = __N__
    TRIGGER = "0612345678: a@b.org"
    INPUTS = {
        "spaces": " " * N, "spaces+trigger": " " * (N - len(TRIGGER)) + TRIGGER,
        "tabs+trigger": "\t" * (N - len(TRIGGER)) + TRIGGER, "digits": "0" * N, "digit-space": "1 " * (N // 2),
        "digit-dot": "1." * (N // 2), "letters": "a" * N, "letters+colon": "a" * (N - 2) + ": ",
        "word-space": "ab " * (N // 3), "a@": "a@" * (N // 2), "a.": "a." * (N // 2), "dots": "." * N,
        "at": "@" * N, "semicolons": ";" * N, "pipes": "|" * N, "commas": "," * N, "colons": ":" * N,
        "equals": "=" * N, "dashes": "-" * N, "quotes": '"' * N, "quote+letters": '"' + "a" * (N - 1),
        "squotes": "'" * N, "squote+letters": "'" + "a" * (N - 1), "backslash-quote": "\\'" * (N // 2),
        "lt": "<" * N, "lt-a": "<a" * (N // 2), "parens": "(" * N, "dollar": "$" * N,
        "hex-space": "a1 " * (N // 3), "upper-digit": "FR76" * (N // 4), "bullets": "- " * (N // 2),
        "kv-repeat": "a: " * (N // 3), "accented": "é" * N, "cells": "a;b|c\t" * (N // 6),
        "plus-digit": "+3" * (N // 2),
    }

    def patterns(mod):
        seen = set()
        def walk(name, value, depth):
            if isinstance(value, (re.Pattern, re2._Regexp)):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield name, value
            elif depth < 2 and isinstance(value, dict):
                for k, v in list(value.items()):
                    yield from walk(f"{name}[{k!r}]", v, depth + 1)
            elif depth < 2 and isinstance(value, (list, tuple, frozenset, set)):
                for k, v in enumerate(value):
                    yield from walk(f"{name}[{k}]", v, depth + 1)
            elif depth == 0 and isinstance(value, type) and value.__module__ == mod.__name__:
                for k, v in vars(value).items():
                    yield from walk(f"{name}.{k}", v, depth + 1)
        for name, value in list(vars(mod).items()):
            yield from walk(name, value, 0)

    listing = sys.argv[1:2] == ["--list"]  # name the patterns found, run none
    for mod in map(importlib.import_module, sys.argv[1 + listing:]):
      for name, rx in patterns(mod):
        name = f"{mod.__name__}.{name}"
        if listing:
            print(json.dumps({"found": name}), flush=True)
            continue
        for label, text in INPUTS.items():
            print(json.dumps({"start": name, "input": label}), flush=True)
            t0 = time.process_time()  # CPU time: the suite's other workers share the cores
            if isinstance(rx, re.Pattern):
                subject = text.encode("utf-8") if isinstance(rx.pattern, bytes) else text
                for _ in rx.finditer(subject):  # every match, as sub/findall/finditer would see
                    pass
            else:
                for _ in iter_spans(rx, text):  # RE2's own finditer is quadratic (see _re2fast)
                    pass
            print(json.dumps({"done": name, "input": label, "s": time.process_time() - t0}), flush=True)
    print(json.dumps({"end": True}), flush=True)
''').replace("__N__", str(N))


def _budget() -> float:
    """LINE_BUDGET_S, or more on a runner slower than this one: 40 times a trivial linear scan
    (sre stepping over every character of a line and yielding a match per two). A quadratic
    pattern on such a line costs minutes to hours, so the margin stays wide either way. Both this
    and each pattern's time are CPU times: four test workers share two cores, and a wall-clock
    second there is half a second of work or less (a linear pattern once read 11.7 s against a
    7.6 s budget)."""
    import re

    line = "ab" * (N // 2)
    t0 = time.thread_time()
    for _ in re.finditer(r"(?:a|b)(?:a|b)", line):
        pass
    return max(LINE_BUDGET_S, 40 * (time.thread_time() - t0))


def _run(modules: list[str], timeout: float, path: Path | None = None) -> list[dict[str, Any]]:
    """The worker's events for `modules` (importable from the repo, or from `path`)."""
    module = " ".join(modules)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(path or ""), os.environ.get("PYTHONPATH")]))}
    try:
        proc = subprocess.run([sys.executable, "-c", _WORKER, *modules], capture_output=True, text=True,
                              timeout=timeout, check=False, env=env)
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        out = raw.decode() if isinstance(raw, bytes) else raw
        events = [json.loads(x) for x in out.splitlines() if x.strip()]
        last = events[-1] if events else {}
        pytest.fail(f"{module}: timed out after {timeout:.0f}s in pattern {last.get('start')!r} on input "
                    f"{last.get('input')!r}: it is not linear-time (anchor it with \\A, remove ambiguous "
                    "repetition, or use RE2)")
    assert rc == 0, f"{module}: pattern worker failed:\n{err[-2000:]}"
    events = [json.loads(x) for x in out.splitlines() if x.strip()]
    assert events and events[-1] == {"end": True}, f"{module}: worker ended early:\n{err[-2000:]}"
    return events


# the modules in this many parts, one test each: xdist spreads them over its workers (whole, the
# check was the suite's longest test, 2-5 minutes of one worker at the end of a run)
PARTS = 6


def test_the_introspection_finds_the_patterns() -> None:
    modules = _modules()
    assert {"indexer.detect.shapes", "indexer.html_text", "crawler.spiders._base"} <= set(modules)
    found = {e["found"] for e in _run(["--list", *modules], timeout=120) if "found" in e}
    assert len(found) >= 40, "fewer patterns than today: is the introspection broken?"
    assert {f"indexer.detect.shapes.{n}" for n in ("_KV", "_RULE", "_COMBO", "_QUOTED")} <= found


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_every_pattern_is_linear_on_long_hostile_lines(part: int) -> None:
    budget = _budget()
    modules = _modules()[part::PARTS]
    events = _run(modules, timeout=300 + 100 * budget)  # a quadratic pattern takes hours
    done = [e for e in events if "done" in e]
    assert done, f"no pattern run in {modules}"
    slow = [(e["done"], e["input"], round(e["s"], 2)) for e in done if e["s"] > budget]
    assert not slow, f"patterns slower than {budget:.2f}s on a {N // 1024} KiB line: {slow}"


def test_the_worker_finds_patterns_and_times_out_on_a_quadratic_one(tmp_path: Path) -> None:
    """The check itself can fail: the pre-fix `_KV` (two `\\s*` around an optional bullet) in a
    module of its own is reported by name within the timeout, and a module of linear patterns
    passes. Without this, a worker that found no pattern would pass everything."""
    (tmp_path / "quad_mod.py").write_text(
        "import re\n"
        "_KV = re.compile(r'\\s*[-*•]?\\s*([^\\s\\d:=>*•-][^:=>\\t;|]{0,40})(?::|=>|->|=)\\s*(\\S.*)')\n")
    env_path = str(tmp_path)
    try:
        proc = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); "
                               f"sys.argv = ['w', 'quad_mod']; exec({_WORKER!r})"],
                              capture_output=True, text=True, timeout=10, check=False)
        pytest.fail(f"the pre-fix _KV finished within 10 s: {proc.stdout[-500:]}")
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        out = raw.decode() if isinstance(raw, bytes) else raw
        last = json.loads(out.splitlines()[-1])
        assert last["start"] == "quad_mod._KV" and "done" not in last
    (tmp_path / "linear_mod.py").write_text("import re\n_KV = re.compile(r'\\A[^:]{0,40}:[ \\t]*+(\\S.*)')\n")
    events = _run(["linear_mod"], timeout=120, path=tmp_path)
    done = [e["done"] for e in events if "done" in e]
    assert set(done) == {"linear_mod._KV"} and len(done) >= 30  # one per hostile input


@pytest.fixture(scope="module")
def key() -> MatchKey:
    return MatchKey(b"\x07" * 32)


@pytest.mark.parametrize("line", [
    " " * (MB - 19) + "0612345678: a@b.org",
    "\t" * (MB - 19) + "0612345678: a@b.org",
    "- " * (MB // 2) + "Email: a@b.org",
    "a: " * (MB // 3),
    "1 " * (MB // 2),
    "a@" * (MB // 2),
    ";" * MB,
], ids=["spaces+kv", "tabs+kv", "bullets+email", "kv-repeat", "digit-space", "a@", "semicolons"])  # not 1 MB ids
def test_detect_on_a_hostile_1mb_line_stays_far_under_the_time_cap(line: str, key: MatchKey) -> None:
    """End to end: the time cap (20 s) is checked between lines, so a line must never take
    long by itself. Three lines of it, the way a post would carry it, and a dump after them
    that must still be found."""
    dump = "\n".join(f"jean.dupont{k}@example.org;06123456{k:02d};Paris" for k in range(10))
    text = f"{line}\n{line}\n\n{dump}\n"
    t0 = time.thread_time()  # CPU time, as the cap itself (the other workers share the cores)
    frags = detect(text, key=key)
    took = time.thread_time() - t0
    assert took < 10, f"detect took {took:.1f}s of CPU on a hostile 1 MB line"
    assert any(i.type == "email" for f in frags for i in f.identifiers)
