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
  echo "==> $name: installing $req into $venv" >&2
  started=$SECONDS
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  if [ -n "${VIGIE_ENGINES_RESOLVE:-}" ] || [ ! -f "$lock" ]; then
    "$venv/bin/pip" install -q --disable-pip-version-check "$req"
    "$venv/bin/pip" freeze --disable-pip-version-check > "$lock"
  else
    "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$lock"
  fi
  cp "$lock" "$venv/.installed"
  echo "==> $name: installed in $((SECONDS - started))s" >&2
done
