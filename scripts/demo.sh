#!/usr/bin/env bash
# Set everything up, then run `vigie demo` (private Tor network, test forum, alerts) inside a
# network namespace that holds only loopback: the demo cannot touch the real Tor network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec unshare --net -- bash -c 'ip link set lo up && exec .venv/bin/vigie demo "$@"' vigie-demo "$@"
