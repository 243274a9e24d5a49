"""Text a crawled site chose, made safe for each kind of output Vigie writes: one function per kind.

Thread titles, authors, boards, file names, victim names, URLs and post text are written by the
people whose sites Vigie crawls. They hold whatever those people want: ESC sequences (a
terminal's own commands: set the window title, clear the screen, hyperlinks), C1 controls,
bidirectional overrides (a text shown in another order than it is), line breaks (a forged
line in a log, an alert e-mail or a timeline), Markdown or HTML. Each output that interprets
something gets that text through the one function of its kind:

- `one_line`: a value on a line of its own kind (an e-mail's `Label: value` rows, a log
  message, a timeline row): no line break, no control character.
- `plain`: a multi-line text for a human (an excerpt): lines kept, no other control.
- `md_escape`: a value inside Markdown (the breach-response pack, threat-intel notes that
  their readers render as Markdown): one line, nothing in it opens a link, an image, HTML,
  emphasis, code, a heading or a table cell.
- `json_text`: JSON for a terminal (`--json`): JSON escapes C0 controls already; the C1
  controls, bidirectional overrides and line separators are written as `\\uXXXX` too, which
  a JSON reader reads back as the same string.

Terminals with Rich markup have their own (`vigie.cli.common.shown`, built on `CONTROLS`);
HTML has Jinja2's autoescape and `html.escape`.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["BREAKS", "CONTROLS", "json_text", "md_escape", "one_line", "plain"]

# C0 controls but tab and newline, DEL, C1 controls (U+009B is a CSI on terminals that read
# them), and the bidirectional embeddings, overrides and isolates
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# what ends a line for a terminal, a mail reader or Python's splitlines
BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# for JSON: what json.dumps(ensure_ascii=False) leaves raw and a terminal or a reader may act on
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# what can open a link or an image ([ ]), HTML or an autolink (< >), emphasis, code, a heading or
# a table cell in CommonMark; `(` `!` only matter next to `[`, escaped here
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def one_line(text: str | None) -> str:
    """`text` on one line: each line break a space, each other control character `?`."""
    if not text:
        return ""
    return CONTROLS.sub("?", BREAKS.sub(" ", text))


def plain(text: str | None) -> str:
    """`text` with its lines (and tabs) kept, each other control character `?`."""
    if not text:
        return ""
    return CONTROLS.sub("?", BREAKS.sub("\n", text))


def md_escape(value: str) -> str:
    """`value` as literal Markdown text, on one line: what it says is shown, never interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value).replace("\t", " "))


def json_text(value: Any, **kwargs: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, **kwargs)` with no raw C1 control, bidirectional
    override or line separator in it: the same JSON for a reader, nothing for a terminal."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(value, ensure_ascii=False, **kwargs))
