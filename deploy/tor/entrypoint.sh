#!/bin/sh
# The control port is password-protected: hash ${TOR_CONTROL_PASSWORD} at start (never stored).
#
# The hash is made here, not by `tor --hash-password "$TOR_CONTROL_PASSWORD"`: a command line is
# readable by every account of the HOST (a container's processes are host processes, and
# /proc/PID/cmdline is world-readable unless /proc has hidepid), so that call showed the password
# to anyone polling /proc while it ran (attacker's review, round 14). Tor's hashed password is
# "16:" + hex(salt, 0x60, SHA-1 of (salt + password) repeated over 65,536 bytes) (tor's
# secret_to_key_rfc2440); the password only ever goes through printf, a shell builtin, into a pipe.
set -eu
: "${TOR_CONTROL_PASSWORD:?set TOR_CONTROL_PASSWORD in .env}"
salt_escapes=""
salt_hex=""
for byte in $(od -An -N8 -to1 /dev/urandom); do
    salt_escapes="$salt_escapes\\$byte"
    salt_hex="$salt_hex$(printf '%02X' "0$byte")"
done
# the loop ends when head has read its 65,536 bytes and printf's write fails (or SIGPIPE ends it)
digest=$(while printf "$salt_escapes" && printf '%s' "$TOR_CONTROL_PASSWORD"; do :; done 2>/dev/null \
    | head -c 65536 | sha1sum | cut -c1-40 | tr a-f A-F)
HASH="16:${salt_hex}60${digest}"
exec tor -f /etc/tor/torrc HashedControlPassword "$HASH"
