#!/bin/sh
# The control port is password-protected: hash ${TOR_CONTROL_PASSWORD} at start (never stored).
set -eu
: "${TOR_CONTROL_PASSWORD:?set TOR_CONTROL_PASSWORD in .env}"
HASH=$(tor --quiet --hash-password "$TOR_CONTROL_PASSWORD")
exec tor -f /etc/tor/torrc HashedControlPassword "$HASH"
