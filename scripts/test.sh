#!/usr/bin/env bash
# Set everything up, run the static checks (scripts/lint.sh), then run the whole test suite
# inside a network namespace that holds only loopback, so that no test can reach anything
# outside this machine.
#
# Both detection engines (issue 17): the whole suite runs on the compiled core (rust/vigie_native,
# built by setup.sh when cargo is present; VIGIE_REQUIRE_NATIVE=1 makes a core that failed to build
# fail the run instead of skipping its tests), then the tests whose subject is detection (below)
# run again on the pure-Python reference engine. The whole suite twice would take twice the
# 20-minute budget; `VIGIE_TEST_ENGINES=python scripts/test.sh` runs all of it on the Python engine.
# Beside both passes, tests/fuzz.py runs each target under libFuzzer for VIGIE_FUZZ_SECONDS of CPU time
# (40; 0 skips it), at a low priority (below).
# Four pytest-xdist workers on the two cores (VIGIE_TEST_WORKERS): the suite waits on servers
# much of the time (Tor circuits, Elasticsearch restarts, schedules) and four overlap the waits
# (the core pass: 13 minutes quiet in wave 15; 24 with two in wave 14). The two tests that once failed under that
# load pointed at two real defects, since fixed: a Redis reply lost with its connection left a request
# leased and the run ended without it (crawler.frontier), and Chromium gives a SOCKS handshake
# 30 s whatever the page timeout (crawler.handlers.browser). The detection timing tests measure CPU
# time, not the wall clock. The tests that share a server (Tor network, Elasticsearch) stay on
# one worker (tests/conftest.py).
# Extra arguments go to pytest, e.g. scripts/test.sh -k config -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the static checks first: a broken layer contract, a type error or a lint finding fails the run
# before any test runs. They run beside engines.sh, compileall and cargo test below (they read only
# the sources; mypy from a clean clone is ~14 CPU-s, while engines.sh waits on downloads there), and
# their report is printed, and a failure stops the run, before pytest starts
mkdir -p .cache
bash scripts/lint.sh >.cache/lint.log 2>&1 &
lint_pid=$!
# the real third-party forum engines tests/test_real_engines.py crawls, each in its own venv (the
# demo does not need them); one that cannot install here makes its tests skip and say why
bash scripts/engines.sh || echo "==> a forum engine did not install: tests/test_real_engines.py says which" >&2
# compile the project's modules once: the suite starts ~240 `python -m vigie` processes, and where
# PYTHONDONTWRITEBYTECODE is set (this machine kind sets it) each one compiled our ~100 modules
# from source again: 0.7 s of CPU per start (`vigie --help`: 2.4 s -> 1.7 s)
.venv/bin/python -m compileall -q -j 2 indexer alerts crawler vigie vigie_kit tests >/dev/null
ES_JAVA_HOME=$(cat .cache/es-java-home)
export ES_JAVA_HOME
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if [ -z "${VIGIE_TEST_ENGINES:-}" ]; then
  if command -v cargo >/dev/null 2>&1; then VIGIE_TEST_ENGINES="native python"; else
    echo "==> cargo not found: the compiled core is not built, the suite runs on the Python engine only" >&2
    VIGIE_TEST_ENGINES="python"
  fi
fi
# the compiled core's own unit tests (rust/vigie_native: its regex ports, the sparse scan's
# verdicts); they link against libpython, so they need a Python built with --enable-shared
if [[ " $VIGIE_TEST_ENGINES " == *" native "* ]]; then
  pylib=$(.venv/bin/python -c "import sysconfig as s; print(s.get_config_var('LIBDIR') if s.get_config_var('Py_ENABLE_SHARED') else '')")
  if [ -n "$pylib" ]; then
    echo "==> cargo test (rust/vigie_native)" >&2
    (cd rust/vigie_native && PYO3_PYTHON="$PWD/../../.venv/bin/python" LD_LIBRARY_PATH="$pylib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      cargo test -q --release)
  else
    echo "==> cargo test skipped: this Python has no shared libpython to link the core's tests against" >&2
  fi
fi
# coverage-guided fuzzing (tests/fuzz.py: libFuzzer through atheris), one process per target, two at a
# time: both detection engines side by side (a difference or a core panic fails), then the attachment
# unpackers (anything but their documented error fails), a site's dates, its forum pages, every spider's
# callbacks and the config loader (an exception, or a config problem without its file and line, fails);
# unveiling's line map and the two engines, detect and detect_many on veiled posts; the RAR header walk;
# article 9's lexicon search (core vs RE2). A failing input is left in .cache/fuzz/artifacts (replay:
# .venv/bin/python -m tests.fuzz --target T FILE).
# It runs BESIDE pytest, at nice 19, in the CPU time pytest leaves idle (its workers wait on Tor
# circuits, Elasticsearch, servers): after pytest it took ~3:10 of the wall clock (9 targets x 30 s, two
# at a time, plus each one's start). So each target's box is VIGIE_FUZZ_SECONDS (40; 0 skips fuzzing)
# of CPU time, not of the wall clock (tests/fuzz.py --cpu-seconds), however busy pytest keeps the cores;
# whatever is left when pytest ends runs on the free cores. 40, not the 30 s it had on a free core: a
# CPU second beside other work runs fewer inputs (shared caches; the engines target at load 14: 72
# inputs a CPU-s, 105 a second on a free core in wave 29's run).
FUZZ_SECONDS=${VIGIE_FUZZ_SECONDS:-40}
fuzz_pid=
if [ "$FUZZ_SECONDS" != 0 ]; then
  targets=(attachments dates pages spiders config rar)
  [[ " $VIGIE_TEST_ENGINES " == *" native "* ]] && targets=(engines unveil lexicon "${targets[@]}")
  echo "==> tests/fuzz.py under libFuzzer beside pytest, $FUZZ_SECONDS CPU-s per target: ${targets[*]} (loopback only)" >&2
  mkdir -p .cache/fuzz
  rm -f .cache/fuzz/summary.log
  export FUZZ_SECONDS
  # its own session (setsid), so that a failed pytest pass ends it (the trap) and nothing is left running.
  # A session of its own is also a scheduling group of its own where the kernel groups by session
  # (autogroup, /proc/sys/kernel/sched_autogroup_enabled: on here and on most distributions' kernels), and
  # a process's nice only ranks it within its group: the groups share the CPU equally. So `nice -n 19`
  # alone gave the fuzzers as much CPU as the whole of pytest whenever both wanted it (wave 31, 12 s, a
  # loaded machine: two busy loops at nice 19 in a session of their own ran 2.4 CPU-s each, two at nice 0
  # in the shell's session 0.6, and two more in a session whose group nice is 19: 0.1), and pytest's
  # passes ran on about one core while the fuzzers lasted (the core pass: 11:27 without them in wave 29,
  # 15:13-15:56 beside them in wave 30). The group's own nice (/proc/self/autogroup) makes the whole group
  # yield: the fuzzers run on the CPU pytest leaves idle, as intended, and what is left after pytest.
  printf '%s\n' "${targets[@]}" | setsid sh -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec nice -n 19 "$@"' fuzz \
    xargs -P 2 -I{} bash -c '
    log=.cache/fuzz/{}.log
    if unshare --net -- bash -c "ip link set lo up && exec .venv/bin/python -m tests.fuzz --target {} --cpu-seconds $FUZZ_SECONDS --seconds $((FUZZ_SECONDS * 40))" \
        >"$log" 2>&1; then
      done=$(grep -m1 "^Done " "$log")
      # libFuzzer'"'"'s own line is the wall-clock cap: the cores were never idle enough for the CPU box
      case "$done" in *"CPU second"*) ;; *) done="$done: its wall-clock cap, before $FUZZ_SECONDS CPU-s";; esac
      echo "==> fuzz {}: passed ($done)" >&2
    else
      grep -Ev "^(INFO: Instrumenting|#[0-9]+[[:space:]]+(NEW|REDUCE) |\")" "$log" >&2
      echo "==> fuzz {}: FAILED (whole log: $log)" >&2
      exit 1
    fi' 2>.cache/fuzz/summary.log &
  fuzz_pid=$!
  trap '[ -n "$fuzz_pid" ] && kill -- -"$fuzz_pid" 2>/dev/null' EXIT
fi
lint_rc=0
wait "$lint_pid" || lint_rc=$?
cat .cache/lint.log >&2
[ "$lint_rc" = 0 ] || exit "$lint_rc"
# the tests whose outcome depends on the engine: detection itself, ingest, crawl/scan parity, leaks
DETECTION_TESTS=(tests/test_detect_*.py tests/test_identifiers*.py tests/test_headerless.py tests/test_article9*.py
  tests/test_engine_differential.py tests/test_prefilter.py tests/test_parallel_detect.py tests/test_ingest.py
  tests/test_crawl_parity.py tests/test_leaks_cluster.py tests/test_alerts_hashing.py tests/test_at_rest_grep.py)
# every run leaves its profile (three waves went without one: a run for it beside eight helpers never
# ended): the 30 slowest setups, calls and teardowns printed, each test's time (setup, call and teardown)
# in .cache/junit-ENGINE.xml, and after each pass the files that took most of the workers' time
profile() {
  .venv/bin/python - "$1" <<'PY' >&2 || true
import sys, xml.etree.ElementTree as ET
from collections import Counter
by_file, n = Counter(), Counter()
for case in ET.parse(sys.argv[1]).iter("testcase"):
    name = case.get("classname", "").split(".")
    key = "/".join(name[:2]) + ".py" if name[:1] == ["tests"] else ".".join(name)
    by_file[key] += float(case.get("time") or 0)
    n[key] += 1
total = sum(by_file.values())
print(f"==> the workers' time by test file ({total:.0f} s in all; the 15 largest):")
for key, t in by_file.most_common(15):
    print(f"    {t:7.1f} s  {100 * t / total:4.1f}%  {n[key]:5d} tests  {key}")
PY
}
first=1
for engine in $VIGIE_TEST_ENGINES; do
  require=0; [ "$engine" = native ] && require=1
  # the detection tests are named to tests/conftest.py (VIGIE_TEST_FILES), not as 123 arguments: pytest
  # walked tests/ again for each argument (10.2 CPU-s of collection a worker, 6.9 this way)
  only=(); what="the whole test suite"
  # (VIGIE_TEST_RERUN=1: tests/conftest.py leaves out the tests that set their engines themselves,
  # each parameter of an `eng` fixture and the differential's `both`: the first pass ran them as this one would)
  if [ "$first" = 0 ]; then
    only=(VIGIE_TEST_FILES="${DETECTION_TESTS[*]}" VIGIE_TEST_RERUN=1); what="the detection tests"
  fi
  echo "==> $what on the $engine detection engine, in an isolated network namespace (loopback only)" >&2
  rc=0
  rm -f ".cache/junit-$engine.xml"
  env VIGIE_ENGINE="$engine" VIGIE_REQUIRE_NATIVE=$require ${only[@]+"${only[@]}"} \
    unshare --net -- bash -c 'ip link set lo up && exec .venv/bin/python -m pytest -n "${VIGIE_TEST_WORKERS:-4}" --dist loadgroup "$@"' \
    pytest --durations=30 --junitxml=".cache/junit-$engine.xml" "$@" || rc=$?
  if [ -f ".cache/junit-$engine.xml" ]; then profile ".cache/junit-$engine.xml"; fi
  # (5, nothing selected, is no failure on the second pass: `scripts/test.sh -k config` may select no
  # detection test; test files named as arguments are collected on both passes, as pytest collects them)
  if [ "$rc" != 0 ] && { [ "$first" = 1 ] || [ "$rc" != 5 ]; }; then exit "$rc"; fi
  first=0
done
# the fuzzing that ran beside pytest: wait for what is left of it, then its report
if [ -n "$fuzz_pid" ]; then
  rc=0
  waited=$SECONDS
  wait "$fuzz_pid" || rc=$?
  fuzz_pid=
  cat .cache/fuzz/summary.log >&2
  # what fuzzing still cost the wall clock: 0 when the CPU pytest left idle was enough
  echo "==> fuzzing ended $((SECONDS - waited)) s after pytest" >&2
  [ "$rc" = 0 ] || { echo "==> fuzzing FAILED (above)" >&2; exit "$rc"; }
fi
