"""SQL UPDATE statements, one a line: each is one person's record, its columns named in it.

A database's log, a migration or an attacker's "fix" script writes one `UPDATE` a row:

    UPDATE clients SET tel='0681548454', naissance='1984-02-17' WHERE email='ines@x.fr';
    UPDATE `clients` SET `tel` = '0738731272', `naissance` = '1961-07-05' WHERE `id` = 7;

Read as `key=value` log lines the quoted date kept its quote and comma (no date of birth), and
with quoted names or blanks around `=` the lines were rows of space-separated cells: the phones
alone came out. Here each assignment of the SET list and each equality of the WHERE clause is a
field, typed by its column's name as a header's would be (`columns.role_of`). A run of such lines
is a fragment when a column of an identifier's type is named; one line alone when two of its
columns are of two identifier types (one e-mail in an UPDATE is no dump).
"""

from __future__ import annotations

import re

from indexer.detect.base import Ctx, Spec, header_flags
from indexer.detect.columns import role_of
from indexer.detect.extract import Sink, extract_record

__all__ = ["is_update", "sql_update"]

# `UPDATE [ONLY] name [[AS] alias] SET `: the name written without blanks (backticks, quotes,
# brackets, schema dots); every repeat bounded, so a match costs at most a few hundred steps
_HEAD = re.compile(
    r"(?i)\A[\t ]*+UPDATE[\t ]++(?:ONLY[\t ]++)?[^\s]{1,200}+(?:[\t ]++(?:AS[\t ]++)?"
    r"(?!SET[\t ])[A-Za-z_]\w{0,30}+)?[\t ]++SET[\t ]++"
)
# `name = value`: the name bare or quoted (a table's prefix dropped), the value quoted (its inside:
# group 2, group 3 for double quotes) or bare up to a blank, `,`, `;` or `)` (group 4). A quoted
# value runs to the next quote (a doubled quote cuts it: rare in a person's fields), so that no two
# matches' values scan the same characters; every repeat possessive and bounded: linear on any line
_ASSIGN = re.compile(
    r"(?<![\w`\"\]])(?:[`\"\[]?\w{1,60}+[`\"\]]?\.)?[`\"\[]?([A-Za-z_]\w{0,60}+)[`\"\]]?"
    r"[\t ]*+=[\t ]*+(?:'([^'\n]{0,4096}+)'|\"([^\"\n]{0,4096}+)\"|([^\s,;()'\"]{1,200}+))"
)
_MAX_LINE = 8192  # characters: a longer line is no one row's UPDATE
_TYPED = frozenset({"email", "phone", "nir", "iban", "card", "national_id", "dob", "siren", "siret"})


def is_update(line: str) -> bool:
    """Whether `line` is an UPDATE statement's head (`recognise` asks it of lines whose first
    word is UPDATE)."""
    return len(line) <= _MAX_LINE and _HEAD.match(line) is not None


def _record(line: str, base: int) -> tuple[list[tuple[str, int]], list[str | None]]:
    fields: list[tuple[str, int]] = []
    roles: list[str | None] = []
    m = _HEAD.match(line)
    for a in _ASSIGN.finditer(line, m.end() if m else 0):
        k = 2 if a.start(2) >= 0 else 3 if a.start(3) >= 0 else 4
        v = a.group(k)
        if not v:
            continue
        fields.append((v, base + a.start(k)))
        roles.append(role_of(a.group(1)))
    return fields, roles


def sql_update(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of UPDATE lines from line `i` (see the module)."""
    lines = ctx.lines
    j = i
    while j < len(lines) and lines[j].lstrip()[:6].upper() == "UPDATE" and is_update(lines[j]):
        j += 1
    if j == i:
        return i + 1, None
    named: set[str] = set()
    cols: list[str] = []
    for k in range(i, min(j, i + 20)):
        fields, roles = _record(lines[k], 0)
        named |= {str(r) for r in roles if r is not None}
        if k == i:
            m = _HEAD.match(lines[k])
            cols = [a.group(1) for a in _ASSIGN.finditer(lines[k], m.end() if m else 0)]
    typed = named & _TYPED
    if not typed or (j - i == 1 and len(typed) < 2):
        return j, None

    def fill(sink: Sink, offs: list[int]) -> int:
        header_flags(sink, cols, offs[0])
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            fields, roles = _record(lines[k], offs[k - i])
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("sql_update", i, j - 1, fill)
