#!/usr/bin/env bash
# Static checks that CI runs before the tests (scripts/test.sh calls this): ruff (style and
# bugs), mypy (types of the product packages) and import-linter (the layer contract in
# pyproject.toml). Every check runs even when an earlier one fails, so one run shows all that
# is wrong; the script exits non-zero if any failed and names them.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
failed=()

echo "==> ruff check ." >&2
"$PY/ruff" check . || failed+=(ruff)

# the packages are listed in [tool.mypy] packages
echo "==> mypy (crawler indexer alerts vigie)" >&2
"$PY/mypy" || failed+=(mypy)

# --no-cache: the graph is rebuilt every time (under a second), so no stale cache to trust
echo "==> lint-imports (layer contracts in pyproject.toml)" >&2
"$PY/lint-imports" --no-cache || failed+=(lint-imports)

if ((${#failed[@]})); then
    echo "==> lint FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "==> lint passed: ruff, mypy, lint-imports" >&2
