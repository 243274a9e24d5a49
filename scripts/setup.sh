#!/usr/bin/env bash
# Install everything Vigie needs on a fresh Debian machine, idempotently:
#   Debian packages (tor, iproute2, util-linux; a JDK if none), a virtualenv with Vigie and its
#   test dependencies, the Elasticsearch integ-test distribution (from Maven Central), and an
#   unprivileged user to run Elasticsearch (it refuses to run as root).
# Usage: scripts/setup.sh            (sourced by scripts/test.sh and scripts/demo.sh)
#        scripts/setup.sh --crawl-only   no Elasticsearch and no JDK: enough to write and try
#                                        sources (vigie source try, vigie crawl, embedded store)
set -euo pipefail
CRAWL_ONLY=0
[ "${1:-}" = "--crawl-only" ] && CRAWL_ONLY=1
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/versions.env

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

need_apt=()
command -v tor >/dev/null || need_apt+=(tor)
command -v ip >/dev/null || need_apt+=(iproute2)
command -v unshare >/dev/null || need_apt+=(util-linux)
if [ "$CRAWL_ONLY" = 0 ]; then  # only to fetch and unpack Elasticsearch
  command -v mvn >/dev/null || need_apt+=(maven)
  command -v unzip >/dev/null || need_apt+=(unzip)
fi
# WeasyPrint (the breach-response pack's PDF) needs pango; DejaVu covers French and Babel's spaces
ldconfig -p 2>/dev/null | grep libpangoft2-1.0 >/dev/null || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# the browser tests (tests/test_web_browser.py): Playwright drives Debian's chromium through
# executable_path; `playwright install` (a downloaded browser) is never used
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# `render: browser` sources use the same chromium through scrapy-playwright (a pip dependency; the
# Playwright package brings its own driver, apt's chromium brings the browser's libraries).
# tests/test_browser_no_leak.py records the browser's connect()/sendto() calls with strace.
command -v strace >/dev/null || need_apt+=(strace)
# tests/test_attachments_7z.py writes its .7z archives with 7-Zip itself (another implementation
# than the py7zr Vigie reads them with)
command -v 7zz >/dev/null || need_apt+=(7zip)
# RAR attachments are read by libarchive (crawler._rar_worker, through the libarchive-c package):
# Debian 12's libarchive13, Debian 13's libarchive13t64 (apt selects it for the name libarchive13)
ls /usr/lib/*/libarchive.so.13 >/dev/null 2>&1 || need_apt+=(libarchive13)
# the PostgreSQL outbox tests (tests/pg_server.py) run a private cluster with Debian's initdb/pg_ctl
# (/usr/lib/postgresql/*/bin) as the unprivileged user vigie-pg (PostgreSQL refuses root)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_apt+=(postgresql)
# the Redis frontier of the scaled-out crawl (crawler.frontier; tests/redis_server.py runs
# private redis-server processes on 127.0.0.1)
command -v redis-server >/dev/null || need_apt+=(redis-server)
# NodeBB, the real Node.js forum engine tests/test_real_nodebb.py crawls (scripts/engines.sh: npm ci)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  if [ "$(id -u)" != 0 ]; then echo "run as root (or sudo) to install: ${need_apt[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "$CRAWL_ONLY" = 0 ]; then
# Elasticsearch 9 needs a JDK >= 21 (the integ-test zip bundles none).
find_jdk() {
  for j in "$ES_JAVA_HOME" /usr/lib/jvm/*; do
    [ -x "$j/bin/java" ] || continue
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$j"; return 0; fi
  done
  return 1
}
JDK=$(find_jdk || true)
if [ -z "$JDK" ]; then
  say "no JDK >= 21 for Elasticsearch: trying apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-21-jdk-headless >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-25-jdk-headless >/dev/null 2>&1 || true
  JDK=$(find_jdk || true)
  [ -n "$JDK" ] || { echo "Elasticsearch $ES_VERSION needs a JDK >= 21: install one and set ES_JAVA_HOME in scripts/versions.env" >&2; exit 1; }
fi
mkdir -p .cache && echo "$JDK" > .cache/es-java-home
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"' || {
  echo "Vigie needs Python >= 3.11 (found $("$PY" --version 2>&1))" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
# Reinstall whenever pyproject.toml changed (its hash, not its mtime: a checkout resets mtimes).
stamp=.venv/.vigie-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python dependencies into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[test,demo]"
  echo "$want" > "$stamp"
fi
# The compiled detection core (issue 17), rebuilt when its sources change; without cargo Vigie
# runs on the pure-Python engine (`vigie doctor` says which engine runs).
# its phone table follows the installed phonenumbers (the file is rewritten only when the metadata changed)
.venv/bin/python rust/vigie_native/gen_phone_table.py >/dev/null || say "phone table not regenerated: the core defers phones to Python"
native_stamp=.venv/.vigie-native
native_want=$(cat rust/vigie_native/Cargo.toml rust/vigie_native/Cargo.lock rust/vigie_native/pyproject.toml \
  rust/vigie_native/src/*.rs rust/vigie_native/generated/* 2>/dev/null | sha256sum | cut -d' ' -f1)
# rustup puts cargo in ~/.cargo/bin, which a non-login shell (CI) may not have on its PATH
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1; then
  say "cargo not found: the compiled detection core is not built, Vigie runs on the pure-Python engine"
elif [ "$(cat "$native_stamp" 2>/dev/null)" != "$native_want" ]; then
  say "building the compiled detection core (rust/vigie_native, maturin)"
  .venv/bin/pip install -q 'maturin>=1.5,<2'
  rm -rf rust/vigie_native/target/wheels
  .venv/bin/maturin build -q --release -m rust/vigie_native/Cargo.toml \
    && .venv/bin/pip install -q --force-reinstall --no-deps rust/vigie_native/target/wheels/vigie_native-*.whl \
    && echo "$native_want" > "$native_stamp" \
    || say "building vigie_native failed: Vigie runs on the pure-Python engine (see the cargo output above)"
fi

if [ "$CRAWL_ONLY" = 1 ]; then
  say "setup done (--crawl-only: no Elasticsearch; use storage.backend: embedded)"
  exit 0
fi
# Elasticsearch integ-test distribution, cached under .cache/ (not committed).
ES_HOME="$ROOT/.cache/elasticsearch-$ES_VERSION"
if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
  say "fetching Elasticsearch $ES_VERSION (integ-test-zip) from Maven Central"
  mkdir -p .cache/dl
  mvn -q -B dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$ROOT/.cache/dl" >/dev/null
  rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
  unzip -q ".cache/dl/elasticsearch-$ES_VERSION.zip" -d "$ES_HOME.tmp"
  mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rm -rf "$ES_HOME.tmp"
fi
if ! id "$ES_USER" >/dev/null 2>&1; then
  say "creating unprivileged user $ES_USER for Elasticsearch"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
fi
if ! id vigie-pg >/dev/null 2>&1; then
  say "creating unprivileged user vigie-pg for the tests' PostgreSQL"
  useradd --system --no-create-home --shell /usr/sbin/nologin vigie-pg
fi
chmod o+rx "$ROOT" "$ROOT/.cache" 2>/dev/null || true
chmod -R o+rX "$ES_HOME"
say "setup done"
