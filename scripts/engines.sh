#!/usr/bin/env bash
# Install the real third-party forum, imageboard, paste, mail-archive and Q&A engines that
# tests/test_real_engines.py, tests/test_real_imageboard.py, tests/test_real_paste_engines.py,
# tests/test_real_hyperkitty.py, tests/test_real_askbot.py, tests/test_real_trac.py and tests/test_real_nodebb.py crawl, each in its
# own venv under .cache/engines/<name>/ (their Django/Flask must never meet ours), from PyPI with
# every package pinned: scripts/engines/<name>.txt is the engine's `pip freeze` as pip resolved
# it (regenerate one with VIGIE_ENGINES_RESOLVE=1: the pinned engine alone, then freeze).
# Node.js engines (NODE_ENGINES: NodeBB) come from npm the same way: `npm ci` in .cache/engines/<name>/
# from scripts/engines/<name>/package-lock.json (regenerate with VIGIE_ENGINES_RESOLVE=1: npm install).
# Idempotent: an engine whose venv already holds that exact lock is skipped.
# Usage: scripts/engines.sh [name...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
PYTHON=${PYTHON:-python3}

# engines needing another Python than ours: the minimum version (flaskbb 2.2.0 wants >= 3.12)
declare -A NEEDS_PYTHON=([flaskbb]=3.12 [pybbm]=3.8 [djangochan]=3.12)
# and the maximum (pybbm 0.19.0, its last release, calls inspect.getargspec: gone in 3.11;
# dpaste's Django 3.2, declared for <= 3.10: runs on 3.11 as tested here, on nothing newer that we know)
declare -A MAX_PYTHON=([pybbm]=3.10 [dpaste]=3.11)

# a python3 at least $1 and at most $2 (PATH first, then pyenv's versions), or nothing
find_python() {
  local want=$1 most=$2 candidate
  for candidate in "$PYTHON" python3.14 python3.13 python3.12 python3.11 python3.10 python3.9 \
      "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.*/bin/python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c "import sys; v = sys.version_info[:2]
sys.exit(not tuple(map(int, '$want'.split('.'))) <= v <= tuple(map(int, '$most'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# name -> pinned requirement (keep in step with vigie_kit/real_engines.py ENGINES)
declare -A ENGINES=(
  [spirit]="django-spirit==0.14.3"
  [flaskbb]="flaskbb==2.2.0"
  [machina]="django-machina==1.3.1"
  # pybbm names no Django (its last release, 2017, runs on 2.2 at most) and its default markup
  # needs bbcode: both pinned beside it
  [pybbm]="pybbm==0.19.0 Django==2.2.28 bbcode==1.1.0"
  [misago]="misago==0.39.6"  # runs on PostgreSQL only: vigie_kit/engine_postgres.py starts one
  # paste engines (tests/test_real_paste_engines.py)
  [pinnwand]="pinnwand==1.5.0"  # Tornado pastebin
  # dpaste 3.5 (2020) names Django >= 2.2 but imports django.conf.urls.url (gone in 4.0) and
  # sets CSP_* settings (django-csp 4 reads others): both pinned to what it was written for
  [dpaste]="dpaste==3.5 Django==3.2.25 django-csp==3.8"
  [bepasty]="bepasty==1.2.2"    # Flask file pastebin
  # an imageboard (tests/test_real_imageboard.py): Django 6, so Python >= 3.12
  [djangochan]="djangochan==0.1.0"
  # a mail archive (tests/test_real_hyperkitty.py): GNU Mailman 3's archive UI, run without
  # Mailman core (mails archived through its own add_to_list)
  [hyperkitty]="hyperkitty==1.3.12"
  # a question-and-answer forum (tests/test_real_askbot.py): questions, answers, comments
  [askbot]="askbot==0.13.0"
  # an issue tracker (tests/test_real_trac.py): tickets, their descriptions and comments. Trac 1.6
  # imports pkg_resources, which setuptools 81 dropped and Python 3.12's venvs no longer hold:
  # setuptools is pinned with it (pip freeze leaves setuptools out: the lock names it by hand)
  [trac]="Trac==1.6 setuptools==80.9.0"
)

# name -> pinned npm package: a Node.js forum on Redis (tests/test_real_nodebb.py; Node >= 18)
declare -A NODE_ENGINES=([nodebb]="nodebb@1.4.0")

# a Node.js engine from npm, pinned by its lock file (every package and its integrity hash)
install_node_engine() {
  local name=$1 req=$2 dir=.cache/engines/$1 spec=scripts/engines/$1
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "==> $name: SKIPPED, $req needs node and npm (scripts/setup.sh installs Debian's nodejs, npm);" \
         "its tests will skip" >&2
    return 0
  fi
  if [ -f "$dir/.installed" ] && cmp -s "$dir/.installed" "$spec/package-lock.json"; then
    echo "==> $name: $req already installed in $dir" >&2
    return 0
  fi
  echo "==> $name: installing $req into $dir (npm ci, $(node --version))" >&2
  local started=$SECONDS
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$spec/package.json" "$dir/"
  if [ -n "${VIGIE_ENGINES_RESOLVE:-}" ] || [ ! -f "$spec/package-lock.json" ]; then
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error) || { rm -rf "$dir"; return 1; }
    cp "$dir/package-lock.json" "$spec/package-lock.json"
  else
    cp "$spec/package-lock.json" "$dir/"
    # a failed npm (no registry) leaves no half install: the engine's tests skip and say why
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { rm -rf "$dir"; return 1; }
  fi
  cp "$spec/package-lock.json" "$dir/.installed"
  echo "==> $name: installed in $((SECONDS - started))s" >&2
}

mkdir -p .cache/engines
chmod 700 .cache/engines
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${!ENGINES[@]}" "${!NODE_ENGINES[@]}")
for name in "${names[@]}"; do
  if [ -n "${NODE_ENGINES[$name]:-}" ]; then
    install_node_engine "$name" "${NODE_ENGINES[$name]}" ||
      echo "==> $name: npm could not install ${NODE_ENGINES[$name]}; its tests will skip" >&2
    continue
  fi
  req=${ENGINES[$name]:-}
  if [ -z "$req" ]; then
    echo "engines.sh: unknown engine '$name' (known: ${!ENGINES[*]} ${!NODE_ENGINES[*]})" >&2
    exit 2
  fi
  venv=.cache/engines/$name
  lock=scripts/engines/$name.txt
  if [ -f "$venv/.installed" ] && [ -f "$lock" ] && cmp -s "$venv/.installed" "$lock"; then
    echo "==> $name: $req already installed in $venv" >&2
    continue
  fi
  python=$(find_python "${NEEDS_PYTHON[$name]:-3.11}" "${MAX_PYTHON[$name]:-3.99}") || {
    echo "==> $name: SKIPPED, $req needs Python ${NEEDS_PYTHON[$name]:-3.11} to ${MAX_PYTHON[$name]:-any}" \
         "and none was found (install one); its tests will skip" >&2
    continue
  }
  echo "==> $name: installing $req into $venv (with $python)" >&2
  started=$SECONDS
  rm -rf "$venv"
  "$python" -m venv "$venv"
  if [ -n "${VIGIE_ENGINES_RESOLVE:-}" ] || [ ! -f "$lock" ]; then
    # shellcheck disable=SC2086  # $req may hold several pinned requirements
    "$venv/bin/pip" install -q --disable-pip-version-check $req
    "$venv/bin/pip" freeze --disable-pip-version-check > "$lock"
  else
    "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$lock"
  fi
  if [ "$name" = flaskbb ]; then  # compile FlaskBB once the way vigie_kit/engine_sites/flaskbb_site.py runs it
    "$venv/bin/python" vigie_kit/engine_sites/flaskbb_site.py cli --version >/dev/null 2>&1 || true
  fi
  cp "$lock" "$venv/.installed"
  echo "==> $name: installed in $((SECONDS - started))s" >&2
done
# each forum engine's own install step (migrations; FlaskBB's `install`) once per venv, on a site
# built and dropped here: its empty installed database is kept in the venv and every site the
# suite builds starts from a copy (vigie_kit.real_engines._installed_db). Loopback only, as the tests.
for name in "${names[@]}"; do
  [ -f ".cache/engines/$name/.installed" ] || continue
  case $name in pinnwand|dpaste|bepasty|djangochan|trac) continue ;; esac
  if [ "$name" = nodebb ]; then  # NodeBB's own setup and asset build, cached (vigie_kit/real_nodebb.py)
    unshare --net -- bash -c 'ip link set lo up && exec .venv/bin/python -m vigie_kit.real_nodebb' >&2 ||
      echo "==> $name: its install step failed here; each test site will run it again" >&2
    continue
  fi
  if ! unshare --net -- bash -c 'ip link set lo up && exec .venv/bin/python -m vigie_kit.real_engines "$1"' _ "$name" >&2; then
    echo "==> $name: its install step failed here; each test site will run it again" >&2
  fi
done

