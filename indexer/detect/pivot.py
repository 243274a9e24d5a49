"""An entity's attributes spread over rows keyed by one id, read as one row per entity.

Data stores print a record one value at a time: redis-cli's `HGETALL` (numbered lines, a field
then its value), Redis `MONITOR` or a command file (`"HSET" "patient:1" "nom" "El Idrissi" ...`,
or one `HSET key field value` a line), entity-attribute-value tables (WordPress's usermeta rows
`(umeta_id, user_id, 'date_of_birth', '1944-03-19')`, a settings table, a CSV of `id;key;value`)
logs of `key=value` pairs naming the field (`uid=42 field=email value=...`), and object literals
whose keys are bare words, one entity each (Cypher's `CREATE (:Client {nom: "X", neLe: date("...")})`,
the mongo shell's `insertMany([{..., ddn: ISODate("...")}])`, YAML's `- {email: x, tel: y}`). Read as written,
each value stood alone beside a field name no header typed: a date alone is no birth, a quoted
cell holding a space split a space-delimited row (blind set 7b: births, e-mails and whole people
missed). `rewrite` turns each such block into a header (the field names, in order of first sight)
and one `|`-delimited row per entity, which any table is read as; other lines stay as written.

A block is taken only with two entities or more and two field names of identifiers or names
(`columns.role_of`) among its fields. The first look is a bit of `firstlook`'s scan for the shapes' words
(`HGETALL`'s `) "`, `HSET`, an EAV table's column names, `CREATE (`, `insertMany(`, `- {`...); a
text without them pays nothing else.
The same for both engines: the text is rewritten before either reads it; fragments keep the
input's line numbers (a row maps to its entity's lines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.detect.columns import STRONG_ROLES, role_of
from indexer.detect.linemap import LineMap

__all__ = ["NEEDLES", "may_hold", "rewrite"]

_MIN_ENTITIES = 2
_MIN_TYPED = 2  # field names of identifiers or names (`STRONG_ROLES`)
_MAX_FIELDS = 40
_MAX_CELLS = 12
_MAX_VALUE = 300
_MAX_BLOCKS = 16

# the first looks: redis-cli's numbered reply lines, a hash write, an EAV table's column names
_NUMBERED_LOOK = ') "'
_HSET_LOOKS = ("HSET", "hset", "HMSET", "hmset")
# (`usermeta`, `_meta`: an extended INSERT names its table, no column)
_EAV_LOOKS = ("meta_key", "meta_value", "usermeta", "_meta`", "_meta ", "attribute_code", "attribute_name",
              "attr_name", "field_name", "field_value", "fieldname", "field=", "property_name", "param_name", "key=")
_SAMPLE = 64  # rows read before the field names' column is looked for: a table without one is left there
_MAX_TRIES = 64  # lines an EAV block is looked for from, a text
# `may_hold`'s needles as patterns of `firstlook`'s scan (one pass over a text for all its looks: the
# C searches over a dense dump cost +19% of its detection, S1's measure)
# an object literal whose keys are bare words (Cypher's `CREATE (:Client {nom: "X", neLe: date("...")})`,
# the mongo shell's `insert({nom: "X", ddn: ISODate("...")})`, JavaScript, YAML's flow mappings): its
# producers' words first (a pattern for the literal itself in `firstlook`'s scan cost a dump post
# ~23,000 instructions, +1.3% on bench.instructions dump_posts), then the pattern on those texts
_OBJ_WORDS = ("CREATE (", "MERGE (", "insert(", "insertMany(", "insertOne(", "ISODate(", "- {", "= [\n", "= [{",
              "= {\n")
_OBJ_LOOK = re.compile(r"\{ ?[A-Za-z_][A-Za-z0-9_]{0,40} ?: ?[\"'0-9A-Za-z]")
NEEDLES: tuple[bytes, ...] = tuple(re.escape(w).encode() for w in (_NUMBERED_LOOK, *_HSET_LOOKS, *_EAV_LOOKS,
                                                                   *_OBJ_WORDS))

_NUMBERED = re.compile(r'\A\s*(\d{1,5})\)\s+(?:"((?:[^"\\]|\\.)*)"|(\S.*?))\s*\Z')
_PROMPT = re.compile(r"\A\S*>\s")  # `127.0.0.1:6379> HGETALL user:1`
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|(\S+)')
_FIELD = re.compile(r"\A[A-Za-z][A-Za-z0-9_.\- ]{0,39}\Z")
_KV = re.compile(r'([A-Za-z_][A-Za-z0-9_.\-]{0,40})=(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|(\S*))')
_REPLY = re.compile(r"\A\s*(?:OK|\(integer\) \d+|QUEUED)\s*\Z")
_ESC = re.compile(r"\\(.)")

Entity = tuple[list[tuple[str, str]], int, int]  # (field, value) pairs, first line, last line
Block = tuple[int, int, list[Entity]]  # first line, end line (exclusive), entities


def may_hold(text: str) -> bool:
    """Whether `text` may hold a block `rewrite` reads (C searches only)."""
    return (_NUMBERED_LOOK in text or any(w in text for w in _HSET_LOOKS)
            or any(w in text for w in _EAV_LOOKS) or _objects_may(text))


def _objects_may(text: str) -> bool:
    return any(w in text for w in _OBJ_WORDS) and _OBJ_LOOK.search(text) is not None


def _unescape(s: str) -> str:
    return _ESC.sub(r"\1", s) if "\\" in s else s


def _clean(v: str) -> str:
    return v.replace("|", "/").strip()[:_MAX_VALUE]


# ---------------------------------------------------------------- redis-cli's HGETALL replies


def _numbered(lines: Sequence[str], k: int) -> tuple[Block | None, int]:
    """A run of `N) "value"` lines (and the prompts between them) from line `k`: each reply whose
    numbering starts at 1 or follows a prompt is an entity, its odd lines fields, even lines values;
    and the line where the run stopped (`_blocks`: no start inside it is tried again)."""
    ents: list[Entity] = []
    j, n = k, len(lines)
    cur: list[str] = []
    top = -1
    last = k

    def close() -> None:
        if len(cur) >= 4:
            ents.append(([(cur[i], cur[i + 1]) for i in range(0, len(cur) - 1, 2)], top, last))

    while j < n:
        line = lines[j]
        m = _NUMBERED.match(line)
        if m is None:
            if _PROMPT.match(line) is None and line.strip():
                break
            close()
            cur, top = [], -1
            j += 1
            continue
        num = int(m.group(1))
        if num == 1:
            close()
            cur, top = [], j
        elif num != len(cur) + 1 or top < 0:
            break
        cur.append(_unescape(m.group(2)) if m.group(2) is not None else m.group(3))
        last = j
        j += 1
    close()
    return ((k, last + 1, ents) if len(ents) >= _MIN_ENTITIES else None), j


# ---------------------------------------------------------------- HSET commands (MONITOR, AOF, scripts)


def _may_hset(line: str) -> bool:
    up = line[:400].upper()
    return "HSET" in up or "HMSET" in up


def _hset(line: str) -> tuple[str, list[tuple[str, str]]] | None:
    toks = [c or _unescape(a or b) for a, b, c in _TOKEN.findall(line)]
    for i, t in enumerate(toks[:8]):
        if t.upper() in ("HSET", "HMSET", "HSETNX"):
            rest = toks[i + 1:]
            if len(rest) >= 3 and len(rest) % 2 == 1:
                return rest[0], [(rest[p], rest[p + 1]) for p in range(1, len(rest) - 1, 2)]
            return None
    return None


def _hsets(lines: Sequence[str], k: int) -> tuple[Block | None, int]:
    """A run of hash writes from line `k` (replies `OK`, `(integer) 1` between them): one entity per
    key, its writes' fields merged; and the line where the run stopped."""
    by_key: dict[str, Entity] = {}
    j, n, last = k, len(lines), k
    while j < n:
        got = _hset(lines[j]) if _may_hset(lines[j]) else None
        if got is None:
            if _REPLY.match(lines[j]) is None:
                break
            j += 1
            continue
        key, pairs = got
        ent = by_key.get(key)
        if ent is None:
            by_key[key] = (list(pairs), j, j)
        else:
            ent[0].extend(pairs)
            by_key[key] = (ent[0], ent[1], j)
        last = j
        j += 1
    ents = sorted(by_key.values(), key=lambda e: e[1])
    return ((k, last + 1, ents) if len(ents) >= _MIN_ENTITIES else None), j


# ---------------------------------------------------------------- object literals with bare keys

# (the bare value's run is possessive: it cannot hold a `,` or `}` itself, so where the lazy run would
# stop before ` ,` the possessive one ends on that blank, which `strip()` drops: the same pairs, and a
# hostile 256 KiB line of `a: a: ...` costs 0.06 CPU-s instead of 0.65, every try backtracking 200)
_PAIR = re.compile(r"""([A-Za-z_][A-Za-z0-9_]{0,40}|"[^"\n]{1,40}"|'[^'\n]{1,40}') ?: ?"""
                   r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
                   r"""|[A-Za-z_][A-Za-z0-9_.]{0,30}\( ?(?:"[^"\n]{0,40}"|'[^'\n]{0,40}'|[^()\n]{0,40}) ?\)"""
                   r"""|[^,{}\[\]\s][^,{}\[\]\n]{0,200}+)(?= ?[,}])""")
_MIN_PAIRS = 3


def _object_pairs(line: str) -> list[list[tuple[str, str]]]:
    """The objects of a line (`{k: v, ...}`, several on a line too), each as its (key, value) pairs;
    a value quoted is unquoted, a call (`date("1993-03-03")`) kept as written."""
    out: list[list[tuple[str, str]]] = []
    for body in line.split("{")[1:]:
        body = body.split("}")[0] + "}"
        pairs = []
        for m in _PAIR.finditer(body):
            k, v = m.group(1).strip("\"'"), m.group(2).strip()
            if v[:1] in "\"'" and v[-1:] == v[:1] and len(v) >= 2:
                v = _unescape(v[1:-1])
            pairs.append((k, v))
        if len(pairs) >= _MIN_PAIRS:
            out.append(pairs)
    return out


def _objects(lines: Sequence[str], k: int) -> tuple[Block | None, int]:
    """A run of lines holding object literals from line `k`, each object an entity; and the line
    where the run stopped."""
    ents: list[Entity] = []
    j, n = k, len(lines)
    while j < n and len(ents) < 20_000:
        got = _object_pairs(lines[j]) if "{" in lines[j] else []
        if not got:
            break
        ents += [(p, j, j) for p in got]
        j += 1
    return ((k, j, ents) if len(ents) >= _MIN_ENTITIES else None), j


# ---------------------------------------------------------------- entity-attribute-value rows


def _split(s: str, d: str) -> list[str]:
    """`s` split at `d` outside quotes, each cell stripped and unquoted (`''` and `\\'` inside)."""
    out: list[str] = []
    cell: list[str] = []
    q = ""
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if q:
            if c == "\\" and i + 1 < n:
                cell.append(s[i + 1])
                i += 2
                continue
            if c == q:
                if i + 1 < n and s[i + 1] == q:
                    cell.append(c)
                    i += 2
                    continue
                q = ""
            else:
                cell.append(c)
        elif c in "'\"`" and not "".join(cell).strip():
            q = c
            cell = []
        elif c == d:
            out.append("".join(cell).strip())
            cell = []
        else:
            cell.append(c)
        i += 1
    out.append("".join(cell).strip())
    return out


def _tuples(line: str) -> list[list[str]]:
    """The value tuples of an SQL line (`(1, 120, 'email', 'a@b.fr'),`, or several on an extended
    INSERT's one line)."""
    s = line
    at = s.upper().find("VALUES")
    if at >= 0:
        s = s[at + 6:]
    out: list[list[str]] = []
    i, n = 0, len(s)
    while i < n:
        st = s.find("(", i)
        if st < 0:
            break
        q = ""
        j = st + 1
        while j < n:
            c = s[j]
            if q:
                if c == "\\":
                    j += 1
                elif c == q:
                    q = ""
            elif c in "'\"":
                q = c
            elif c == ")":
                break
            j += 1
        if j >= n:
            break
        out.append(_split(s[st + 1:j], ","))
        i = j + 1
    return out


def _rows_of(line: str) -> list[list[str]]:
    """A line's rows of cells: SQL tuples, `key=value` pairs' values, or delimited cells."""
    st = line.strip()
    if not st:
        return []
    if st[0] == "(" or "VALUES" in st.upper()[:200]:
        return [t for t in _tuples(st) if 3 <= len(t) <= _MAX_CELLS]
    if "=" in st:
        kv = _KV.findall(st)
        if len(kv) >= 3:
            return [[_unescape(a or b) or c for _, a, b, c in kv][-_MAX_CELLS:]]
    for d in ("\t", "|", ";", ","):
        if st.count(d) >= 2:
            cells = _split(st.strip(d), d)
            return [cells] if 3 <= len(cells) <= _MAX_CELLS else []
    return []


def _typed(names: set[str]) -> int:
    return sum(1 for f in names if role_of(f) in STRONG_ROLES)


def _names_at(rows: list[tuple[list[str], int]]) -> int | None:
    """The first column of `rows` (a sample) holding only field names, two of them typed."""
    for a in range(len(rows[0][0])):
        col = {r[a] for r, _ in rows[:_SAMPLE] if len(r) > a}
        if len(col) >= 2 and all(_FIELD.match(c) for c in col) and _typed(col) >= _MIN_TYPED:
            return a
    return None


def _eav(rows: list[tuple[list[str], int]]) -> list[Entity] | None:
    """The entities of rows of the same width, or None: a column of field names (two of them typed,
    at least one repeated), a column of entity ids in runs (one run each), values after the names."""
    n = len(rows[0][0])
    for a in range(n):
        col = [r[a] for r, _ in rows]
        if not all(_FIELD.match(c) for c in col):
            continue
        names = set(col)
        if len(names) < 2 or len(names) == len(col) or _typed(names) < _MIN_TYPED:
            continue
        for e in sorted(range(n), key=lambda x: (abs(x - a), x)):
            if e == a:
                continue
            ids = [r[e] for r, _ in rows]
            runs = 1 + sum(1 for x, y in zip(ids, ids[1:], strict=False) if x != y)
            if runs < _MIN_ENTITIES or runs != len(set(ids)) or runs * 2 > len(ids):
                continue
            v = a + 1 if a + 1 < n and a + 1 != e else n - 1
            if v in (a, e):
                continue
            ents: list[Entity] = []
            prev = None
            for r, k in rows:
                if ents and r[e] == prev:
                    ents[-1][0].append((r[a], r[v]))
                    ents[-1] = (ents[-1][0], ents[-1][1], k)
                else:
                    ents.append(([(r[a], r[v])], k, k))
                prev = r[e]
            return ents
    return None


def _eav_block(lines: Sequence[str], k: int) -> Block | int:
    """Rows of one width from line `k` (a header over them, an `INSERT ... VALUES` line, is skipped
    when it holds no row) read as entities (`_eav`); else the line where the rows stopped."""
    n = len(lines)
    rows: list[tuple[list[str], int]] = []
    width = 0
    j = k
    while j < n and len(rows) < 20_000:
        got = _rows_of(lines[j])
        if not got:
            if rows or j > k + 1:
                break
            j += 1
            continue
        if not width:
            width = len(got[0])
        if any(len(r) != width for r in got):
            if len(rows) <= 1 and j <= k + 1:  # a header of another width (`id,key,value` named otherwise)
                rows, width = [], 0
                j += 1
                continue
            break
        rows += [(r, j) for r in got]
        j += 1
        if len(rows) >= _SAMPLE and len(rows) - len(got) < _SAMPLE and _names_at(rows) is None:
            return j  # (no column of field names in its first rows: an ordinary table, not read on)
    if len(rows) < 4:
        return j
    # a header row of the same width (`user_id;meta_key;meta_value`) is no entity
    if all(_FIELD.match(c) for c in rows[0][0]) and sum(1 for _, ln in rows if ln == rows[0][1]) == 1:
        rows = rows[1:]
    ents = _eav(rows)
    if ents is None or len(ents) < _MIN_ENTITIES:
        return j
    # (the line naming the columns, an `INSERT ... VALUES` or a header, goes with the block: written
    # above the rows it would be read as their header)
    return k, rows[-1][1] + 1, ents


# ---------------------------------------------------------------- the rewrite


def _blocks(text: str, lines: Sequence[str]) -> list[Block]:
    found: list[Block] = []
    starts: list[tuple[int, str]] = []
    if _NUMBERED_LOOK in text:
        starts += [(k, "n") for k, ln in enumerate(lines) if ln.lstrip()[:3] == '1) ' and _NUMBERED.match(ln)]
    if any(w in text for w in _HSET_LOOKS):
        up = [k for k, ln in enumerate(lines) if _may_hset(ln) and _hset(ln) is not None]
        starts += [(k, "h") for i, k in enumerate(up) if i == 0 or up[i - 1] != k - 1]
    looks = [w for w in _EAV_LOOKS if w in text]
    if looks:
        for k, ln in enumerate(lines):
            if any(w in ln for w in looks):
                starts.append((k, "e"))
    if _objects_may(text):
        obj = [k for k, ln in enumerate(lines) if "{" in ln and _OBJ_LOOK.search(ln) is not None]
        starts += [(k, "o") for i, k in enumerate(obj) if i == 0 or obj[i - 1] != k - 1]
    starts.sort()
    end = tries = 0
    # where each kind's last run that made no block stopped: a start inside it is not tried again. A
    # run read from a later start is a tail of it (same lines, the same way: its entities, fields and
    # typed names a subset), so it makes no block either, bar one with fewer fields than a run of more
    # than `_MAX_FIELDS` (none such is read). Tried again, each start of a run of replies with `OK`
    # between them, or of `1)` lines, read the rest of the run: 4,000 such lines 6 to 38 CPU-s
    # (round 17, docs/security.md)
    read_to = {"n": 0, "h": 0, "o": 0}
    for k, kind in starts:
        if k < end or k < read_to.get(kind, 0):
            continue
        if kind == "e":
            tries += 1
            if tries > _MAX_TRIES:
                continue
            eav = _eav_block(lines, k)
            if isinstance(eav, int):
                end = eav  # (the rows it read are no block: not looked at again from each of them)
                continue
            got: Block | None = eav
        else:
            got, stop = _numbered(lines, k) if kind == "n" else _hsets(lines, k) if kind == "h" else _objects(lines, k)
            read_to[kind] = stop
        if got is None:
            continue
        fields = {f for ent in got[2] for f, _ in ent[0]}
        if len(fields) > _MAX_FIELDS or _typed(fields) < _MIN_TYPED:
            continue
        found.append(got)
        end = got[1]
        if len(found) >= _MAX_BLOCKS:
            break
    return found


def rewrite(text: str) -> tuple[str, list[int], list[int]] | None:
    """(the text with each block as a header and a row per entity, each new line's first and last
    line in `text`, 0-based) or None when no block is found."""
    lines = text.split("\n")
    blocks = _blocks(text, lines)
    if not blocks:
        return None
    new = LineMap()
    k = 0
    for first, end, ents in blocks:
        new.keep(lines, k, first)
        head: list[str] = []
        for ent in ents:
            for f, _ in ent[0]:
                if f not in head:
                    head.append(f)
        col = {f: i for i, f in enumerate(head)}
        new.add("|".join(_clean(f) for f in head), first)
        for pairs, top, last in ents:
            row = [""] * len(head)
            for f, v in pairs:
                if not row[col[f]]:
                    row[col[f]] = _clean(v)
            new.add("|".join(row), top, last)
        k = end
    new.keep(lines, k, len(lines))
    return new.result()
