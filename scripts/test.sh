#!/usr/bin/env bash
# Set everything up, run the static checks (scripts/lint.sh), then run the whole test suite
# inside a network namespace that holds only loopback, so that no test can reach anything
# outside this machine.
# Extra arguments go to pytest, e.g. scripts/test.sh -k config -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the static checks first: a broken layer contract, a type error or a lint finding fails the run
bash scripts/lint.sh
ES_JAVA_HOME=$(cat .cache/es-java-home)
export ES_JAVA_HOME
echo "==> running the test suite in an isolated network namespace (loopback only)" >&2
exec unshare --net -- bash -c 'ip link set lo up && exec .venv/bin/python -m pytest "$@"' pytest "$@"
