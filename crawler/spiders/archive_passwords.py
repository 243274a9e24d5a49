"""The passwords a post gives for its encrypted archive ("Pass: leakforum2024", "mdp : x").

Leaks are often posted as an encrypted zip or 7z with the password in the same post (or the
thread's first post): without it the dump is never read. This finds a few candidates in a post's
text for `crawler.attachments.expand_attachment(passwords=...)` to try, each once per archive.

Why so narrow: a label (`pass`, `password`, `pwd`, `pw`, `mdp`, `mot de passe`, `clé`/`key` near
an archive word, the 🔑 emoji), then a separator, then one value, quoted or a single word; at most
`MAX_CANDIDATES` per text, never the text itself. Every pattern is linear (a label is a fixed word,
the rest is parsed in a bounded window after it: tests/test_linear_patterns.py runs them on hostile
lines). The candidates are public (posted beside the archive) but are still never logged or stored:
logs and the crawl state are at rest.
"""

from __future__ import annotations

import re

__all__ = ["MAX_CANDIDATES", "MAX_PASSWORD_CHARS", "password_candidates"]

# candidates from one text at most (two variants of one value count as two)
MAX_CANDIDATES = 4
# a value longer than this is not taken for a password
MAX_PASSWORD_CHARS = 64
# labels looked at per text at most: a dump pasted in the post ("password: ..." on every line) is
# not read to its end for candidates the cap would drop anyway
_MAX_LABELS = 32
# characters after a label in which its qualifier, separator and value must be
_WINDOW = 160

_LABEL = re.compile(r"(?i)(?<!\w)(?:mots?[ \t]?de[ \t]?passe|passwords?|passwd|pass|pwd|pw|mdp|cl[ée]s?|key)(?!\w)|🔑")
# words between a label and its separator: "mot de passe de l'archive :", "Password for the zip:", "pass (rar):"
_QUALIFIER = re.compile(r"(?i)[ \t]{0,4}+(?=[(\w'’])(?:\([^()\n]{0,30}\)|(?:for|of|to|the|this|de|du|des|la|le|"
                        r"cette|ce|archive|zip|rar|7z|7-?zip|fichier|file|dump|leak)(?!\w)|[dl]['’])")
_SEPARATOR = re.compile(r"(?i)[ \t]{0,4}+(?:[:=：]|->|=>|→|[-–—](?=[ \t])|(?:is|est)(?!\w)[ \t]{0,4}+[:=]?)[ \t]{0,4}+")
_EMOJI_SEPARATOR = re.compile(r"[ \t]{0,4}+(?:[:=：]|->|→)?[ \t]{0,4}+")
_QUOTED = re.compile(r"[\"'“«`‘]([^\"'”»`’\n]{1,64})[\"'”»`’]")
_SPACE = re.compile(r"\s")
# `clé`/`key` are passwords only near one of these (a "key" is often an API key or a licence)
_ARCHIVE_WORD = re.compile(r"(?i)archive|zip|rar|7z")
_TRAILING = ".,;:!?)]}»”"


def password_candidates(text: str) -> tuple[str, ...]:
    """The passwords `text` gives for an archive, most likely first, at most `MAX_CANDIDATES`:
    a bare value's trailing punctuation ("Pass: abc.") is tried without it first, then with it."""
    out: list[str] = []
    for n, label in enumerate(_LABEL.finditer(text)):
        if n >= _MAX_LABELS or len(out) >= MAX_CANDIDATES:
            break
        word = label.group().lower()
        if word.startswith(("cl", "key")):
            near = text[max(0, label.start() - 60):label.end() + 60]
            if not _ARCHIVE_WORD.search(near):
                continue
        for value in _values_after(text, label.end(), word == "🔑"):
            if value not in out and len(out) < MAX_CANDIDATES:
                out.append(value)
    return tuple(out)


def _values_after(text: str, pos: int, emoji: bool) -> list[str]:
    window = text[pos:pos + _WINDOW]
    at = 0
    if not emoji:
        for _ in range(6):  # "de l'archive", "for the zip"
            qualifier = _QUALIFIER.match(window, at)
            if qualifier is None or qualifier.end() == at:
                break
            at = qualifier.end()
    separator = (_EMOJI_SEPARATOR if emoji else _SEPARATOR).match(window, at)
    if separator is None:
        return []
    at = separator.end()
    quoted = _QUOTED.match(window, at)
    if quoted is not None:  # « x » has its spaces inside the quotes: tried without them first
        value = quoted.group(1)
        return [v for v in dict.fromkeys((value.strip(), value)) if v.strip()]
    space = _SPACE.search(window, at)  # a bare value: to the next space, and no longer than a password
    if space is None and pos + _WINDOW < len(text):
        return []  # it runs past the window: longer than any password
    value = window[at:space.start() if space else len(window)]
    if not value or len(value) > MAX_PASSWORD_CHARS:
        return []
    stripped = value.rstrip(_TRAILING)
    return [v for v in dict.fromkeys((stripped, value)) if v]
