#!/usr/bin/env bash
# Install the real third-party forum engines that tests/test_real_engines.py crawls, each in its
# own venv under .cache/engines/<name>/ (their Django/Flask must never meet ours), from PyPI with
# every package pinned: scripts/engines/<name>.txt is the engine's `pip freeze` as pip resolved
# it (regenerate one with VIGIE_ENGINES_RESOLVE=1: the pinned engine alone, then freeze).
# Idempotent: an engine whose venv already holds that exact lock is skipped.
# Usage: scripts/engines.sh [name...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
PYTHON=${PYTHON:-python3}

# engines needing a newer Python than ours: the minimum version (flaskbb 2.2.0 wants >= 3.12)
declare -A NEEDS_PYTHON=([flaskbb]=3.12)

# a python3 at least $1 (PATH first, then pyenv's versions), or nothing
find_python() {
  local want=$1 candidate
  for candidate in "$PYTHON" python3.14 python3.13 python3.12 \
      "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.1[2-9]*/bin/python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
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
)

mkdir -p .cache/engines
chmod 700 .cache/engines
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${!ENGINES[@]}")
for name in "${names[@]}"; do
  req=${ENGINES[$name]:-}
  if [ -z "$req" ]; then
    echo "engines.sh: unknown engine '$name' (known: ${!ENGINES[*]})" >&2
    exit 2
  fi
  venv=.cache/engines/$name
  lock=scripts/engines/$name.txt
  if [ -f "$venv/.installed" ] && [ -f "$lock" ] && cmp -s "$venv/.installed" "$lock"; then
    echo "==> $name: $req already installed in $venv" >&2
    continue
  fi
  python=$(find_python "${NEEDS_PYTHON[$name]:-3.11}") || {
    echo "==> $name: SKIPPED, $req needs Python >= ${NEEDS_PYTHON[$name]} and none was found" \
         "(install python${NEEDS_PYTHON[$name]}); its tests will skip" >&2
    continue
  }
  echo "==> $name: installing $req into $venv (with $python)" >&2
  started=$SECONDS
  rm -rf "$venv"
  "$python" -m venv "$venv"
  if [ -n "${VIGIE_ENGINES_RESOLVE:-}" ] || [ ! -f "$lock" ]; then
    "$venv/bin/pip" install -q --disable-pip-version-check "$req"
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
