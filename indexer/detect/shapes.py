"""Recognisers for each fragment shape. Each takes the line context and a start line and returns
(next line index, fragment spec or None). Every recogniser advances past the lines it examined,
so the whole pass stays linear in the number of lines.

A spec is (kind, first line, last line, filler) where the filler extracts records into a Sink
given the fragment's line offsets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import re2

from indexer._re2fast import iter_spans
from indexer.detect.columns import STRONG_ROLES, norm_name, role_of
from indexer.detect.extract import Sink, extract_record, mask_free_text
from indexer.detect.scan import _WORTH
from indexer.redact import EXCERPT_CHARS
from indexer.detect.scan import scan

__all__ = ["Ctx", "Spec", "recognise"]

Filler = Callable[[Sink, list[int]], int]  # returns number of records with a strong identifier
Spec = tuple[str, int, int, Filler]


class Ctx:
    """Lines of the input (quote prefixes removed) and what earlier lines told us."""

    __slots__ = ("lines", "tables", "is_table_file", "max_line")

    def __init__(self, lines: list[str], is_table_file: bool, max_line: int) -> None:
        self.lines = lines
        self.tables: dict[str, list[str]] = {}
        self.is_table_file = is_table_file
        self.max_line = max_line


# ------------------------------------------------------------------------------- SQL (mysqldump)
_INSERT = re2.compile(r"(?i)^\s*(?:INSERT|REPLACE)(?:\s+IGNORE)?\s+INTO\s+[`\"\[]?([\w.]+?)[`\"\]]?\s*(?:\(([^)]*)\))?\s*VALUES\s*")
_CREATE = re2.compile(r"(?i)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?([\w.]+?)[`\"\]]?\s*\(")
_COLDEF = re2.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+\w")
_TUPLE = re2.compile(r"\(((?:'(?:[^'\\]|\\.|'')*'|[^'()])*)\)")
# Python `re` for the values inside one tuple: RE2 (_TUPLE) has already matched the tuple, so
# its quotes are balanced units and each quoted alternative succeeds where it starts (its three
# branches begin with disjoint characters): no backtracking beyond the unit itself.
_SQLVAL = re.compile(r"'(?:[^'\\]|\\.|'')*'|[^,]+")


def _sql_fields(inner: str, base: int) -> list[tuple[str, int]]:
    out = []
    for m in _SQLVAL.finditer(inner):
        st = m.start()
        v = m.group()
        if v[:1] == "'":
            out.append((v[1:-1].replace("\\'", "'").replace("''", "'"), base + st + 1))
        else:
            out.append((v, base + st))
    return out


def _create_table(ctx: Ctx, i: int) -> int:
    m = _CREATE.match(ctx.lines[i])
    name = m.group(1).split(".")[-1]
    cols = []
    j = i + 1
    while j < len(ctx.lines) and j < i + 500:
        s = ctx.lines[j]
        if s.lstrip().startswith(")"):
            break
        cm = _COLDEF.match(s)
        if cm and cm.group(1).upper() not in ("PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "FULLTEXT"):
            cols.append(cm.group(1))
        j += 1
    ctx.tables[name] = cols
    return j + 1


def _sql(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = _INSERT.match(lines[i])
    j = i
    while True:  # consecutive INSERTs into the same table (one per row dumps) form one fragment
        while j < len(lines) - 1 and not lines[j].rstrip().endswith(";") and j - i < 1_000_000:
            j += 1
        if j + 1 < len(lines):
            nm = _INSERT.match(lines[j + 1]) if lines[j + 1][:1] in "IiRr" else None
            if nm and nm.group(1) == m.group(1) and nm.group(2) == m.group(2):
                j += 1
                continue
        break
    table = m.group(1).split(".")[-1]
    cols = [c.strip().strip("`\"[]") for c in m.group(2).split(",")] if m.group(2) else ctx.tables.get(table, [])
    roles = [role_of(c) for c in cols] if cols else None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        _header_flags(sink, cols, offs[0])
        for k in range(i, j + 1):
            s = lines[k]
            hm = _INSERT.match(s) if s[:1] in "IiRr" else None
            pos = hm.end() if hm else 0
            base = offs[k - i] + pos
            for n, sp in enumerate(iter_spans(_TUPLE, s[pos:] if pos else s)):
                if (n & 255) == 0 and sink.over():
                    return hit
                st, en = sp[1]
                if extract_record(_sql_fields(s[pos + st:pos + en], base + st), roles, sink):
                    hit += 1
        return hit

    return j + 1, ("sql_insert", i, j, fill)


# ------------------------------------------------------------------------------ pg_dump COPY
_COPY = re2.compile(r"(?i)^COPY\s+([\w.\"]+)\s*\(([^)]*)\)\s+FROM\s+stdin")


def _copy(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = _COPY.match(lines[i])
    cols = [c.strip().strip('"') for c in m.group(2).split(",")]
    roles = [role_of(c) for c in cols]
    j = i + 1
    while j < len(lines) and lines[j].rstrip() != "\\.":
        j += 1
    end = min(j, len(lines) - 1)

    def fill(sink: Sink, offs: list[int]) -> int:
        _header_flags(sink, cols, offs[0])
        hit = 0
        for k in range(i + 1, min(j, len(lines))):
            if (k & 255) == 0 and sink.over():
                break
            fields, o = [], offs[k - i]
            for v in lines[k].split("\t"):
                fields.append((v, o))
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return end + 1, ("pg_copy", i, end, fill)


# ------------------------------------------------------------------------------------ HL7 v2
_SEG = re.compile(r"[A-Z][A-Z0-9]{2}\|")
# PID field -> role (HL7 v2.5): 3 ids, 5 name, 7 birth date, 11 address, 13/14 phones, 19 SSN
_PID = {3: None, 5: "hl7name", 7: "dob", 11: "hl7addr", 13: "phone", 14: "phone", 19: "nir"}


def _hl7(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i + 1
    while j < len(lines) and (_SEG.match(lines[j]) or lines[j].startswith("MSH|")):
        j += 1

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            s = lines[k]
            seg = s[:3]
            if seg in ("DG1", "OBX", "PV1", "PRB", "AL1", "RXE", "RXO", "ORC", "OBR"):
                sink.header_flags.append(("health", "HL7 " + seg, offs[k - i], offs[k - i] + 3))
            if seg not in ("PID", "NK1", "IN1", "GT1"):
                if seg != "MSH":
                    scan(s, sink.found, offs[k - i])
                continue
            o = offs[k - i]
            fields, roles = [], []
            for n, v in enumerate(s.split("|")):
                if n > 0:
                    if seg == "PID" and _PID.get(n) == "hl7name" or seg in ("NK1", "GT1") and n in (2, 3):
                        parts = v.split("^")
                        if len(parts) >= 2 and parts[0] and parts[1]:
                            fields += [(parts[0], o), (parts[1], o + len(parts[0]) + 1)]
                            roles += ["last_name", "first_name"]
                    elif seg == "PID" and n == 11:
                        po = o
                        for p in v.split("^")[:5]:
                            fields.append((p, po))
                            roles.append("street" if po == o else ("city" if len(fields) and not p.isdigit() else "postcode"))
                            po += len(p) + 1
                    elif seg == "PID" and n == 7:
                        fields.append((v[:8], o))
                        roles.append("dob")
                    else:
                        fields.append((v.replace("^", " "), o))
                        roles.append(_PID.get(n) if seg == "PID" else None)
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("hl7", i, j - 1, fill)


# ------------------------------------------------------------------------- JSON lines / Mongo
_MONGO = re2.compile(r'(?:ObjectId|ISODate|NumberLong|NumberInt|NumberDecimal|Timestamp)\(\s*("[^"]*"|[\d.]+)\s*\)')


def _walk(obj: Any, line: str, base: int, fields: list[tuple[str, int]], roles: list[str | None], role: str | None, depth: int) -> None:
    if depth > 6 or len(fields) > 500:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            r = role_of(k) if isinstance(k, str) else None
            _walk(v, line, base, fields, roles, r, depth + 1)
    elif isinstance(obj, list):
        for v in obj[:200]:
            _walk(v, line, base, fields, roles, role, depth + 1)
    elif isinstance(obj, (str, int)) and not isinstance(obj, bool):
        s = str(obj)
        if not s:
            return
        pos = line.find(s)
        fields.append((s, base + pos if pos >= 0 else -(10**9)))  # unknown span: not masked by type, the safety net masks it
        roles.append(role)


def _is_json_line(s: str) -> bool:
    t = s.strip().rstrip(",")
    return len(t) > 2 and t[0] in "{[" and t[-1] in "}]" and ":" in t


def _jsonl(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    while j < len(lines) and _is_json_line(lines[j]):
        j += 1
    if j - i < 2:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            s = lines[k]
            t = s.strip().rstrip(",").lstrip("[").rstrip("]")
            try:
                obj = json.loads(t)
            except (ValueError, RecursionError):
                try:
                    obj = json.loads(_MONGO.sub(r"\1", t))
                except (ValueError, RecursionError):
                    before = len(sink.found)
                    scan(s, sink.found, offs[k - i])
                    hit += len(sink.found) > before
                    continue
            fields: list[tuple[str, int]] = []
            roles: list[str | None] = []
            _walk(obj, s, offs[k - i], fields, roles, None, 0)
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("jsonl", i, j - 1, fill)


# --------------------------------------------------------------- key: value (stealer logs, doxes)
# Python `re` on purpose for the per-line patterns (RE2's wrapper costs ~5 us a call): each is
# anchored, and every quantified part is followed by a disjoint class, so no input backtracks
# more than a constant (the label is capped at 40 chars); the values are greedy to the end of
# the line and stripped in Python. tests/test_detect_adversarial.py feeds them hostile lines.
_KV = re.compile(r"\s*[-*•]?\s*([^\s\d:=>*•-][^:=>\t;|]{0,40})(?::|=>|->|=)\s*(\S.*)")
_RULE = re.compile(r"\s*[=\-_*#~+]{3,}\s*$")
_STEALER = {
    "url": "url", "host": "url", "hostname": "url", "site": "url", "origin": "url", "soft": "soft",
    "software": "soft", "browser": "soft", "application": "soft", "app": "soft", "storage": "soft",
    "login": "login", "username": "login", "user": "login", "user_login": "login", "user_name": "login",
    "email": "email", "mail": "email", "pass": "password", "password": "password", "pwd": "password",
    "passwd": "password", "mot_de_passe": "password",
}
_DOX_EXTRA = {
    "ne_le": "dob", "nee_le": "dob", "ne_e_le": "dob", "date_de_naissance": "dob", "age": None,
    "mere": "full_name", "pere": "full_name", "ip": None, "adresse_ip": None,
}
_DOX_ANCHORS = {"dob", "street", "phone", "email", "nir", "iban", "card"}
_NAME = {"first_name", "last_name", "full_name"}


def _label(label: str) -> str | None:
    key = norm_name(label)
    if key in _DOX_EXTRA:
        return _DOX_EXTRA[key]
    return role_of(label)


def _kv(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    last_kv = i
    gap = 0
    family = None
    while j < len(lines):
        s = lines[j]
        km = _KV.match(s)
        key = norm_name(km.group(1)) if km else ""
        if km and (key in _STEALER or _label(km.group(1)) is not None):
            fam = key in _STEALER and _STEALER[key] not in ("email", "login")
            if family is None and (key in _STEALER and _STEALER[key] in ("url", "soft", "password") or key not in _STEALER):
                family = fam
            if gap and family is not None and fam != family and not (key in _STEALER and _STEALER[key] in ("email", "login")):
                break  # a dox after a stealer block (or the reverse) is its own fragment
            last_kv = j
            gap = 0
        elif not s.strip() or _RULE.match(s):
            gap += 1
            if gap > 2:
                break
        else:
            break
        j += 1
    end = last_kv
    labels: list[tuple[int, str, str, int]] = []  # (line, role, value, value col)
    stealer_roles: set[str] = set()
    for k in range(i, end + 1):
        m = _KV.match(lines[k])
        if not m:
            continue
        key = norm_name(m.group(1))
        if key in _STEALER:
            stealer_roles.add(_STEALER[key])
        role = _label(m.group(1))
        if role is not None or key in _STEALER:
            labels.append((k, role or _STEALER.get(key, ""), m.group(2).rstrip(), m.start(2)))
    roles = {r for _, r, _, _ in labels}
    if "url" in stealer_roles and "password" in stealer_roles and ("login" in stealer_roles or "email" in stealer_roles):
        kind = "stealer_log"
    elif roles & _NAME and len(roles & _DOX_ANCHORS) >= 2:
        kind = "dox"
    else:
        return max(end + 1, i + 1), None

    def fill(sink: Sink, offs: list[int]) -> int:
        if kind == "dox":
            fields = [(v, offs[k - i] + col) for k, _, v, col in labels]
            rl: list[str | None] = [r if r != "url" else None for _, r, _, _ in labels]
            return extract_record(fields, rl, sink)
        hit = 0
        rec_f: list[tuple[str, int]] = []
        rec_r: list[str | None] = []
        for k, r, v, col in labels:
            if r == "url" and rec_f:
                hit += extract_record(rec_f, rec_r, sink) > 0
                rec_f, rec_r = [], []
            rec_f.append((v, offs[k - i] + col))
            rec_r.append(None if r in ("url", "soft") else r)
        if rec_f:
            hit += extract_record(rec_f, rec_r, sink) > 0
        return hit

    return end + 1, (kind, i, end, fill)


# ------------------------------------------------------------------------------ combo lists
_COMBO = re.compile(r"\s*([^\s:|;]{1,128})([:|])(\S{1,256})\s*$")


def _combo_line(s: str) -> bool:
    m = _COMBO.match(s)
    return bool(m) and not (m.group(2) == "|" and "|" in m.group(3)) and "://" not in s and not m.group(1).isdigit() and not s.lstrip().startswith(("http", "www."))


def _combo(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    while j < len(lines) and _combo_line(lines[j]):
        j += 1
    if j - i < 3:
        return i + 1, None
    sample = [_COMBO.match(lines[k]) for k in range(i, min(j, i + 50))]
    emails = sum("@" in m.group(1) for m in sample)
    if emails < 0.5 * len(sample) and sum(m.group(2) == "|" for m in sample) < 0.5 * len(sample):
        return j, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            m = _COMBO.match(lines[k])
            o = offs[k - i]
            hit += extract_record([(m.group(1), o + m.start(1)), (m.group(3), o + m.start(3))],
                                  ["login", "password"], sink) > 0
        return hit

    return j, ("combo", i, j - 1, fill)


# ------------------------------------------------------------------- CSV / TSV / separated runs
_QUOTED = re2.compile(r'"(?:[^"]|"")*"')
_SEPS = ("\t", ";", "|", ",")
_FIELD_RX: dict[str, object] = {}


def _sig(s: str) -> tuple[str, int] | None:
    if not s.strip():
        return None
    t = _QUOTED.sub("", s) if '"' in s else s
    best = None
    for sep in _SEPS:
        c = t.count(sep)
        if c and (best is None or c > best[1]):
            best = (sep, c)
    return best


def _split(s: str, sep: str, base: int) -> list[tuple[str, int]]:
    if '"' not in s:
        out, o = [], base
        for v in s.split(sep):
            out.append((v, o))
            o += len(v) + 1
        return out
    rx = _FIELD_RX.get(sep)
    if rx is None:
        rx = _FIELD_RX[sep] = re2.compile('"(?:[^"]|"")*"|[^' + ("\\t" if sep == "\t" else re2.escape(sep)) + "]*")
    out = []
    for m in rx.finditer(s):
        if m.start() > 0 and s[m.start() - 1] != sep and m.group(0) == "":
            continue
        out.append((m.group(0).replace('""', '"'), base + m.start()))
    return out


def _runs(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    sig = _sig(lines[i])
    if sig is None:
        return i + 1, None
    j = i + 1
    while j < len(lines) and _sig(lines[j]) == sig:
        j += 1
    if j - i < 2:  # a header and one row at the very least
        return j, None
    sep, count = sig
    head = [f for f, _ in _split(lines[i], sep, 0)]
    hroles = [role_of(h) for h in head]
    typed_n = sum(1 for r in hroles if r in STRONG_ROLES)
    has_header = "@" not in lines[i] and typed_n >= 1 and (typed_n >= 2 or count == 1) and not any(ch.isdigit() for ch in lines[i])
    rows = (j - i) - (1 if has_header else 0)
    if rows < (1 if has_header else 3):
        return j, None
    avg = sum(len(lines[k]) for k in range(i, j)) / (j - i) / (count + 1)
    if avg > 80:
        return j, None
    spaced = False
    if sep == "," and not has_header:  # prose has ", " after its commas; CSV rarely does
        sample = [_QUOTED.sub("", lines[k]) for k in range(i, min(j, i + 20))]
        spaced = sum(t.count(", ") for t in sample) > 0.5 * count * len(sample)
    roles = hroles if has_header else None
    kind = "csv" if has_header or (ctx.is_table_file and i <= 2) else "separated_run"

    def fill(sink: Sink, offs: list[int]) -> int:
        if has_header:
            _header_flags(sink, head, offs[0])
        hit = 0
        found = sink.found
        for k in range(i + (1 if has_header else 0), j):
            if (k & 255) == 0 and sink.over():
                break
            if roles is None:  # nothing is typed: one scan of the whole line beats one per field
                before = len(found)
                scan(lines[k], found, offs[k - i])
                hit += len(found) > before
                if offs[k - i] < EXCERPT_CHARS:  # word fields (names, cities) masked in the excerpt
                    for v, o in _split(lines[k], sep, offs[k - i]):
                        if not _WORTH.search(v):
                            mask_free_text(v, o, sink.masks)
            else:
                hit += extract_record(_split(lines[k], sep, offs[k - i]), roles, sink) > 0
        return hit

    # acceptance needs the records: a typed header suffices, else most rows must hold identifiers
    def accept(hits: int) -> bool:
        if has_header and typed_n >= 2:
            return True
        return hits >= max(1, (0.8 if spaced else 0.5) * rows)

    fill.accept = accept  # type: ignore[attr-defined]
    return j, (kind, i, j - 1, fill)


def _header_flags(sink: Sink, cols: list[str], base: int) -> None:
    for c in cols:
        r = role_of(c)
        if r and r.startswith("a9:"):
            sink.header_flags.append((r[3:], c.strip().strip("`\"'"), -1, -1))


# ------------------------------------------------------------------------------- dispatcher
def recognise(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    s = ctx.lines[i]
    t = s.lstrip()
    if not t:
        return i + 1, None
    c = t[0]
    if c in "IiRr" and t[:6].upper() in ("INSERT", "REPLAC") and _INSERT.match(s):
        return _sql(ctx, i)
    if c in "Cc":
        head = t[:6].upper()
        if head == "CREATE" and _CREATE.match(s):
            return _create_table(ctx, i), None
        if head[:5] == "COPY " and _COPY.match(s):
            return _copy(ctx, i)
    if t.startswith("MSH|"):
        return _hl7(ctx, i)
    if c in "{[" and _is_json_line(s):
        return _jsonl(ctx, i)
    if _combo_line(s):
        nxt, spec = _combo(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if _KV.match(s):
        nxt, spec = _kv(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    return _runs(ctx, i)
