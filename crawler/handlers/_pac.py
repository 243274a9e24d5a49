"""What a browser source's PAC script knows of the source's hosts: salted SHA-256 digests only.

Why: Chromium takes its PAC script on its command line (`--proxy-pac-url=data:...`: a `file:` URL
is not read, and a script served over HTTP would be fetched around the proxy), and every local
account reads a process's command line in /proc/<pid>/cmdline unless /proc is mounted with
`hidepid`. The script listed the source's hosts and ports in the clear: another local user learned
which onions were being rendered, a closed forum's address included (round 11 of the attacker's
review). It now holds `pac_digest(salt, "host:port")` for each allowed pair and a fresh random
salt, and computes the same digest in JavaScript for each destination Chromium asks about
(`JS_SHA256`, checked against hashlib by tests/test_attack_review_round11_browser.py): a reader
of the command line can confirm a guess, not read the list. Since round 13 the script is no
longer on the command line at all: it is in Chromium's environment (`auto_proxy`), which only
Vigie's account reads; the digests stay, should the environment ever be shown.
"""

from __future__ import annotations

import hashlib

__all__ = ["JS_SHA256", "pac_digest"]

# SHA-256's round constants (FIPS 180-4, 4.2.2)
_K = (
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
)  # fmt: skip

# `sha256hex(text)`: the hex SHA-256 of `text`'s UTF-8 bytes, in the JavaScript a PAC script runs
# (no library there: 32-bit integer arithmetic by `| 0` and `>>> 0`)
JS_SHA256 = (
    "function sha256hex(text) {\n"
    "  var K = [" + ",".join(str(k) for k in _K) + "];\n"
    "  var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];\n"
    "  var s = unescape(encodeURIComponent(text)), n = s.length, m = [], w = [], i, j;\n"
    "  for (i = 0; i < n; i++) m[i >> 2] |= (s.charCodeAt(i) & 255) << (24 - (i % 4) * 8);\n"
    "  m[n >> 2] |= 0x80 << (24 - (n % 4) * 8);\n"
    "  var words = (((n + 8) >> 6) + 1) * 16;\n"
    "  for (i = 0; i < words; i++) m[i] = m[i] | 0;\n"
    "  m[words - 1] = n * 8;\n"
    "  for (j = 0; j < words; j += 16) {\n"
    "    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];\n"
    "    for (i = 0; i < 64; i++) {\n"
    "      if (i < 16) { w[i] = m[j + i]; } else {\n"
    "        var x = w[i - 15], y = w[i - 2];\n"
    "        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);\n"
    "        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);\n"
    "        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;\n"
    "      }\n"
    "      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));\n"
    "      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;\n"
    "      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));\n"
    "      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;\n"
    "      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;\n"
    "    }\n"
    "    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;\n"
    "    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;\n"
    "  }\n"
    "  var out = '';\n"
    "  for (i = 0; i < 8; i++) out += ('00000000' + (H[i] >>> 0).toString(16)).slice(-8);\n"
    "  return out;\n"
    "}\n"
)


def pac_digest(salt: str, key: str) -> str:
    """What the PAC script compares for a destination `key` (`host:port`): the hex SHA-256 of
    `salt|key`, as `sha256hex(SALT + '|' + key)` computes it there."""
    return hashlib.sha256(f"{salt}|{key}".encode()).hexdigest()
