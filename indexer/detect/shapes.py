"""Recognisers for hand-made shapes (key: value blocks, combo lists, separated runs) and the
dispatcher that picks a recogniser for a line (machine-made dumps are in `records`).

Each recogniser takes the line context and a start line and returns (next line index, spec or
None), and advances past the lines it examined, so the whole pass stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from typing import Any

from indexer import engine as _engine
from indexer import identifiers as ids
from indexer._re2fast import match as re2_match
from indexer.article9 import scan_article9
from indexer.detect.base import Ctx, Spec, header_flags
from indexer.detect.bbcode import bbcode_row, bbcode_table
from indexer.detect.cells import vertical_head, vertical_table
from indexer.detect.columns import (
    LUHN_ID_ROLES,
    ROLES,
    STRONG_ROLES,
    infer_roles,
    names_a_luhn_column,
    norm_name,
    other_person_role,
    role_of,
)
from indexer.detect.encoded import (
    FormField,
    decode_form_value,
    form_fields,
    has_obfuscated_at,
    obfuscated_emails,
    remap_found,
)
from indexer.detect.extract import NULLS, Sink, clean, extract_combo, extract_record, extract_rows, mask_free_text
from indexer.detect.mail import mail_block, mail_line
from indexer.detect.medical import PRACTITIONER_HINT, prescription
from indexer.detect.prose import ROLE_MAILBOXES, heading_name, personal, prose_dox
from indexer.detect.records import (
    ASTM_HEAD,
    ASTM_RECORD,
    COPY,
    CREATE,
    astm,
    copy_block,
    create_table,
    hl7,
    insert_match,
    is_json_line,
    is_ldif_dn,
    is_pretty_json_line,
    is_vcard_begin,
    is_xml_line,
    jsonl,
    ldif,
    ldif_start,
    opens_json_value,
    pretty_json,
    pretty_json_start,
    split_insert_head,
    sql,
    vcard,
    vcard_start,
    xml,
)
from indexer.detect.scan import _WORTH, classify_number, scan
from indexer.detect.sql_update import is_update, sql_update
from indexer.redact import EXCERPT_CHARS

__all__ = ["MIN_HEADERLESS_ROWS", "Ctx", "Spec", "block_start", "delimiter_of", "recognise"]

# the roles a header-less column typed by its values makes a block a dump with (a street column
# alone does not: an address list is not a leak of identifiers)
_TYPED_BY_VALUE = frozenset({"email", "iban", "nir", "card", "national_id", "phone"})


# --------------------------------------------------------------- key: value (stealer logs, doxes)
# Python `re` on purpose for the per-line patterns (RE2's wrapper costs ~5 us a call). Each is
# anchored with `\A` (so even `search` tries one start), and no two adjacent repetitions can
# match the same character: `\s*[-*•]?\s*` could split a run of spaces n ways and, on a line
# of spaces before a non-label, tried every split (16k spaces: seconds; 1 MB: hours). The
# bullet now carries its own spaces, so a run of spaces is consumed one way only, the label
# is capped at 40 chars, and the value is greedy to the end of the line (stripped in Python).
# tests/test_linear_patterns.py feeds every pattern 1 MB hostile lines.
_KV = re.compile(r"\A\s*(?:[-*•]\s*)?([^\s\d:=>*•-][^:=>\t;|]{0,40})(?::|=>|->|=)\s*(\S.*)")
_RULE = re.compile(r"\A\s*[=\-_*#~+]{3,}\s*$")
# a form's check box, ticked or not (a filled-in form's text, an OCR'd one): `[X]`, `[ ]`, `☐`, `☒`
_TICKED = re.compile(r"\[[ xX\u2713\u2714]\]|[\u2610-\u2612]")
# the rule under a table's header in query tools' output: psql's `----+-----`, the mysql client's
# `+----+-----+`, reStructuredText's `=== ===`: dashes or equals signs, with `+`, `|`, `:` and spaces
_TABLE_RULE = re.compile(r"\A\s*+[|+:]?[-=]{3,}+[-=+|: ]*+\Z")
_STEALER = {
    "url": "url", "host": "url", "hostname": "url", "site": "url", "origin": "url", "soft": "soft",
    "software": "soft", "browser": "soft", "application": "soft", "app": "soft", "storage": "soft",
    "login": "login", "username": "login", "user": "login", "user_login": "login", "user_name": "login",
    "identifiant": "login", "utilisateur": "login", "nom_d_utilisateur": "login",
    "email": "email", "mail": "email", "pass": "password", "password": "password", "pwd": "password",
    "passwd": "password", "mot_de_passe": "password",
    # stealers' abbreviations (Raccoon's `URL:` / `USR:` / `PASS:`, builds that write `PW:` / `PSW:`)
    "usr": "login", "usrname": "login", "usr_name": "login", "pw": "password", "psw": "password",
    "pswd": "password", "passw": "password", "uri": "url", "website": "url",
}
# a stealer's labels in Russian (builds sold to Russian-speaking buyers write `Сайт:` / `Логин:` /
# `Пароль:`), which `norm_name` (ASCII only) makes empty: their `_STEALER` key
_STEALER_RU = {
    "сайт": "url", "хост": "url", "ссылка": "url", "url-адрес": "url", "логин": "login", "пользователь": "login",
    "имя пользователя": "login", "почта": "email", "эл. почта": "email", "пароль": "password", "браузер": "soft",
}  # fmt: skip


def stealer_key(label: str) -> str:
    """`norm_name(label)`, or a Russian stealer label's `_STEALER` key (`_STEALER_RU`)."""
    return norm_name(label) or _STEALER_RU.get(label.strip().lower(), "")


_DOX_EXTRA = {
    "ne_le": "dob", "nee_le": "dob", "ne_e_le": "dob", "date_de_naissance": "dob", "age": None,
    "mere": "full_name", "pere": "full_name", "ip": None, "adresse_ip": None,
}
_DOX_ANCHORS = {"dob", "street", "phone", "email", "nir", "iban", "card"}
# a stealer's Autofills.txt: a form field's name on a line, its saved value on the next
# (`Name: email` / `Value: x@y.fr`): the value is typed by the name, as a label would
_PAIR_NAME = frozenset({"name", "field", "field_name", "fieldname", "champ", "nom_du_champ", "key"})
_PAIR_VALUE = frozenset({"value", "valeur", "val"})
# a label that says only "number" (`Numéro :`, `N° :`, `Number:`): a phone's, unless its value is a
# card's number (Luhn, a network's range and length), as in a phishing kit's card block
_NUMBER_LABELS = frozenset({"numero", "number", "num", "no", "n", "nr", "nummer", "numero_de", "n_o"})
_PAIR_ANCHORS = frozenset({"dob", "phone", "email", "nir", "iban", "card", "street"})
_NAME = {"first_name", "last_name", "full_name"}
# what a person has and an organisation or a signature has not: one of these makes the facts under
# a name alone on its line (`prose.heading_name`) a dox
_OWN_FACTS = {"dob", "nir", "card", "national_id"}


# Telegram doxes label their lines with an emoji instead of a word: "📞 06 12 34 56 78",
# "🏠 12 rue de la Paix 75002 Paris", "🎂 15/03/1985" (with or without a colon after it)
_EMOJI_LABELS = {
    "👤": "full_name", "🧑": "full_name", "👨": "full_name", "👩": "full_name", "🙍": "full_name", "🪪": "full_name",
    "🎂": "dob", "📞": "phone", "☎": "phone", "📱": "phone", "📲": "phone", "📧": "email", "✉": "email", "📩": "email",
    "📨": "email", "🏠": "street", "🏡": "street", "📍": "street", "🏘": "street", "💳": "card", "🏦": "iban",
    "🆔": "nir",
}
# one emoji (and its variation selector) at the line's start, then the value: each repetition is
# possessive and no two can take the same character
# (U+1F100-1F1FF, enclosed alphanumerics: `🆔` is one)
_EMOJI_KV = re.compile(
    r"\A[ \t]*+([\u2600-\u27bf\U0001f100-\U0001f1ff\U0001f300-\U0001faff])\ufe0f?+[ \t]*+(?::[ \t]*+)?(\S.*)"
)


def _kv_match(s: str) -> re.Match[str] | None:
    """`_KV.match(s)`, or a line labelled by one of `_EMOJI_LABELS` (`📞 06 12 34 56 78`) unless
    the words after the emoji are a label themselves (`📞 Tel: 06 ...`): a match whose group 1 is
    the label and group 2 the value either way."""
    # (`_KV` needs one of `:`, `=`, `=>` or `->`: a line with none is no match, told by three C
    # searches where the pattern tried its label at 40 lengths: a dump's rows, most lines here)
    km = _KV.match(s) if ":" in s or "=" in s or ">" in s else None
    c = s[:1]
    if c >= "\u2600" or (c in " \t" and s.lstrip()[:1] >= "\u2600"):
        em = _EMOJI_KV.match(s)
        if em is not None and em.group(1) in _EMOJI_LABELS and (
                km is None or (norm_name(km.group(1)) not in _STEALER and _label(km.group(1)) is None)):
            return em
    return km


# A person introduced by name and birth, as doxes, member lists and medical letters write one:
# "Anaïs Moreau, née le 30/05/1988 à Boulogne", "- Jean-Pierre LEFEVRE, né le 15 mars 1985, 06 ...",
# "Patient : M. LEFEVRE Jean-Pierre, né(e) le 15/03/1985, NIR ...". Two to four capitalised words
# (after a bullet or a title), then "né(e) le" and a date. Each repetition starts with a character
# the one before it cannot take, and is possessive: linear on any line.
_CAP = "A-ZÀ-ÖØ-Þ"
_NAME_WORD = rf"[{_CAP}][^\W\d_]*+(?:['’-][^\W\d_]++)*+"
_BORN = re.compile(
    rf"\A[ \t]*+(?:[-*•][ \t]++)?(?:(?:M\.|Mme\.?|Mlle\.?|Mr\.?|Monsieur|Madame|Mademoiselle)[ \t]++)?"
    rf"({_NAME_WORD}(?:[ \t]{_NAME_WORD}){{1,3}}+),?[ \t]++[nN][ée]e?(?:\(e\))?[ \t]++le[ \t]++"
    r"(\d{1,2}(?:er)?[ ./-](?:\d{1,2}|[^\W\d_]{3,10}\.?)[ ./-]\d{2,4})\b")


def _born(s: str) -> tuple[str, int, str, int, str, int] | None:
    """(name, its column, date, its column, the rest of the line, its column) of a line or value
    introducing a person by name and date of birth (`_BORN`), when the date is one; else None."""
    if "le" not in s:
        return None
    m = _BORN.match(s)
    if m is None or ids.canon_dob(m.group(2)) is None:
        return None
    rest = s[m.end():]
    return m.group(1), m.start(1), m.group(2), m.start(2), rest, m.end()


# A dox's birth line without a label's colon nor a name: "Né le 12/03/1984 à Ajaccio", "née le
# 3 mars 1990, Lyon": the date of birth, then the place (free text). And the date that starts a
# birth label's value followed by more words ("Né le : 22/04/1978 à Ajaccio", "Date de naissance
# : 01/02/1990 (34 ans)"): the date alone is the value (the whole value was no date).
_DATE = r"(\d{1,2}(?:er)?[ ./-](?:\d{1,2}|[^\W\d_]{3,10}\.?)[ ./-]\d{2,4}|\d{4}-\d{2}-\d{2})\b"
_BORN_LINE = re.compile(r"\A[ \t]*+(?:[-*•][ \t]++)?[nN][ée]e?(?:\(e\))?[ \t]++le[ \t]++" + _DATE)
_DATE_HEAD = re.compile(r"\A" + _DATE)
_BORN_FIRST = frozenset("nN \t-*•")  # what such a line starts with (a test before the call)


def _born_line(s: str) -> tuple[str, int, str, int] | None:
    """(date, its column, the rest of the line, its column) of an unlabelled birth line (above)."""
    if "le" not in s:
        return None
    m = _BORN_LINE.match(s)
    if m is None or ids.canon_dob(m.group(1)) is None:
        return None
    return m.group(1), m.start(1), s[m.end():], m.end()


def _quoted_member(value: str) -> str | None:
    """The inside of a printed object's quoted member value with its comma (`'1983-04-18',`, as
    mongosh and JavaScript write one), else None: the quote and the comma typed no date."""
    if len(value) >= 4 and value[-1] == "," and value[0] in "'\"" and value[-2] == value[0]:
        return value[1:-2]
    return None


def _date_head(value: str) -> str | None:
    """The date that starts a birth label's value when the whole value is no date, else None."""
    m = _DATE_HEAD.match(value)
    if m is None or m.end() == len(value) or ids.canon_dob(value) is not None or ids.canon_dob(m.group(1)) is None:
        return None
    return m.group(1)


# A template's blanks, as phishing kits and "how to write a dox" posts fill their labels:
# `xxx@xxx.com`, `06 XX XX XX XX`, `XXXXXXXX` (letters all x, bar an address's ending), or a
# name that is the label's own words (`Nom : Prénom NOM`, `Name: First Last`)
_TLD_END = re.compile(r"\.[A-Za-z]{2,6}\s*\Z")
_NAME_BLANKS = frozenset({"prénom", "prenom", "nom", "name", "first", "last", "surname", "firstname", "lastname",
                          "full", "x", "xx", "xxx"})


def _placeholder(value: str, role: str) -> bool:
    v = _TLD_END.sub("", value.strip()) if "@" in value else value
    letters = [c for c in v if c.isalpha()]
    if len(letters) >= 2 and all(c in "xX" for c in letters):
        return True
    return role in _NAME and bool(letters) and all(
        w.strip(".,;").lower() in _NAME_BLANKS for w in value.replace("/", " ").split())


def _label(label: str) -> str | None:
    key = norm_name(label)
    if not key:  # `📞: 06 ...`: an emoji's label
        return _EMOJI_LABELS.get(label.strip()[:1])
    if key in _DOX_EXTRA:
        return _DOX_EXTRA[key]
    # `Nom du père : X` in a dox: a person of the dox's own (a second `Nom` starts their record)
    return role_of(label) or other_person_role(label)


# `*************************** 1. row ***************************`: the mysql client's `\G` output
# puts one between records (a column per line); inside a run of key: value lines it starts a record
_ROW_MARK = re.compile(r"\A\s*\*{3,}\s*\d{1,9}\.\s*row\s*\*{3,}\s*$")

_Label = tuple[int, str, str, int]  # (line, role, value, value col)
_Free = tuple[int, str, int]  # (line, value, value col)


def _dox_records(lines: list[str], i: int, end: int, labels: list[_Label],
                 free: list[_Free]) -> list[tuple[list[_Label], list[_Free]]]:
    """The people of a run of key: value lines: one, unless the run is a list of records. A
    record starts at a `\\G` row mark, at a YAML list item (`- nom: X`, the other keys indented
    under it: not a run of bulleted lines, which is one dox written as a list), or where a name
    of the kind the record already holds comes again (a second `Nom:`). One person's names stay
    paired with their own details, not with the next person's."""
    bullets = {k for k in range(i, end + 1) if lines[k].lstrip().startswith("- ")}
    n_kv = len(labels) + len(free)
    by_bullet = 2 <= len(bullets) and len(bullets) * 2 <= n_kv
    marks = [k for k in range(i, end + 1) if "*" in lines[k] and _ROW_MARK.match(lines[k])]
    entries = sorted([(k, 0, n) for n, (k, _, _, _) in enumerate(labels)]
                     + [(k, 1, n) for n, (k, _, _) in enumerate(free)])
    out: list[tuple[list[_Label], list[_Free]]] = []
    cur_l: list[_Label] = []
    cur_f: list[_Free] = []
    names: set[str] = set()
    last = i - 1
    for k, is_free, n in entries:
        role = None if is_free else labels[n][1]
        if cur_l or cur_f:
            mi = bisect_right(marks, last)  # a row mark between the last entry and this one
            if ((by_bullet and k in bullets) or (mi < len(marks) and marks[mi] < k)
                    or (role in _NAME and role in names)):
                out.append((cur_l, cur_f))
                cur_l, cur_f, names = [], [], set()
        if is_free:
            cur_f.append(free[n])
        else:
            cur_l.append(labels[n])
            if role in _NAME:
                names.add(role)
        last = k
    if cur_l or cur_f:
        out.append((cur_l, cur_f))
    return out


def _nir_and_birth_agree(labels: list[_Label]) -> bool:
    """Whether a block's labelled NIR and date of birth say the same year and month (a letter's
    `Né(e) le : 30/01/1950` and `N° de sécurité sociale : 1 50 01 ...`)."""
    nirs = {c[1:5] for _, r, v, _ in labels if r == "nir" and (c := ids.canon_nir(v)) is not None}
    if not nirs:
        return False
    for _, r, v, _ in labels:
        if r == "dob" and (d := ids.canon_dob(v)) is not None and d[2:4] + d[5:7] in nirs:
            return True
    return False


# a YAML key with no value on its line (`contact:`, `  adresse:`), or with a block scalar's
# indicator (`notes: |`, `notes: >-`)
_YAML_PARENT = re.compile(r"\A( *+)(?:- )?[^\s:#][^:#]{0,40}:(?:[ \t]*+[|>][-+]?)?[ \t]*+\Z")


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" "))


def _yaml_held(lines: list[str], j: int) -> bool:
    """Whether line j belongs to a YAML record the lines above began: a key with no value over
    lines indented deeper (its mapping's members or its block scalar's text), or a line indented
    deeper than such a key above it (up to 8 lines up). Not a blank line."""
    s = lines[j]
    if s[:1] != " " and s.rstrip()[-1:] not in (":", "|", ">", "-", "+"):
        return False  # (a line at the margin is a key over its members or nothing of YAML's)
    if not s.strip():
        return False
    if _YAML_PARENT.match(s) is not None:
        return j + 1 < len(lines) and _indent(lines[j + 1]) > _indent(s)
    ind = _indent(s)
    for k in range(j - 1, max(-1, j - 9), -1):
        t = lines[k]
        if t.strip() and _indent(t) < ind:
            return _YAML_PARENT.match(t) is not None
    return False


def _kv(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    last_kv = i
    gap = 0
    family = None
    heading = None if _kv_match(lines[i]) else heading_name(lines, i, ctx.floor)  # a name over the labels
    while j < len(lines):
        s = lines[j]
        km = _kv_match(s)
        key = stealer_key(km.group(1)) if km else ""
        if j == i and heading is not None:
            last_kv = j
        elif km is None and (_born(s) is not None or (s[:1] in _BORN_FIRST and _born_line(s) is not None)):
            last_kv = j  # "Anaïs Moreau, née le 30/05/1988", "Né le 12/03/1984 à Ajaccio": a dox's person
            gap = 0
        elif km and (key in _STEALER or _label(km.group(1)) is not None or (
                key in _PAIR_NAME and j + 1 < len(lines) and (n := _kv_match(lines[j + 1])) is not None
                and norm_name(n.group(1)) in _PAIR_VALUE)):
            fam = key in _STEALER and _STEALER[key] not in ("email", "login")
            if family is None and (key not in _STEALER or _STEALER[key] in ("url", "soft", "password")):
                family = fam
            if gap and family is not None and fam != family and _STEALER.get(key) not in ("email", "login"):
                break  # a dox after a stealer block (or the reverse) is its own fragment
            last_kv = j
            gap = 0
        elif km and j > i:  # a free-text field of the block ("Notes: ...", "Santé: ..."): part of it
            last_kv = j
            gap = 0
        elif _ROW_MARK.match(s) and j > i:  # the mysql client's `\G` output: the next record
            gap = 0
        elif j > i and _yaml_held(lines, j):
            gap = 0  # a YAML mapping's key over its members (`contact:`), a block scalar's text (`notes: |`)
        elif j > i and ("[" in s or "\u2610" <= s.lstrip()[:1] <= "\u2612") and _TICKED.search(s) is not None:
            last_kv = j  # a form's question ticked (`Etes-vous en ALD ? [X] OUI [ ] NON`): part of it
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
    free: list[tuple[int, str, int]] = []  # (line, value, value col) under a label of no role
    stealer_roles: set[str] = set()
    anchors = 0  # strong identifiers after a person's name and birth (`_born`), which no label types
    pairs = 0  # `Name: email` / `Value: x@y.fr` pairs read (a stealer's Autofills.txt)
    pair_role: tuple[int, str | None] | None = None  # (the Value line, its role) after a Name line
    for k in range(i, end + 1):
        m = _kv_match(lines[k])
        if not m:
            if k == i and heading is not None:
                labels.append((k, "full_name", lines[k][heading[0]:heading[1]], heading[0]))
            elif (b := _born(lines[k])) is not None:
                anchors += _person(k, b, 0, labels, free)
            elif (bl := _born_line(lines[k])) is not None:
                date, dc, rest, rc = bl
                labels.append((k, "dob", date, dc))
                if rest.strip(" \t,.;"):
                    free.append((k, rest.rstrip(), rc))
            continue
        key = stealer_key(m.group(1))
        if pair_role is not None and pair_role[0] == k:
            if pair_role[1] is not None:  # the value, typed by the field's name
                labels.append((k, pair_role[1], m.group(2).rstrip(), m.start(2)))
                pairs += 1
            pair_role = None
            continue
        if (key in _PAIR_NAME and k < end and (n := _kv_match(lines[k + 1])) is not None
                and norm_name(n.group(1)) in _PAIR_VALUE):
            pair_role = (k + 1, _label(m.group(2).strip()))  # the name is no one's value
            continue
        if ":" in m.group(2) and key not in _STEALER and (several := _pairs(lines[k])) is not None:
            _line_pairs(k, several, labels, free)  # `Nom : LE BIHAN  Prénom : Gwenaëlle  Né(e) le : ...`
            continue
        if key in _STEALER:
            stealer_roles.add(_STEALER[key])
        role = _label(m.group(1))
        if key in _NUMBER_LABELS and role in (None, "phone") and ids.canon_card(m.group(2).strip()) is not None:
            role = "card"  # `[ Numéro ] : 4970 8817 7421 2287` under a phishing kit's CARTE BANCAIRE
        if role in _NAME and (b := _born(m.group(2))) is not None:  # `Patient : M. X, né le ...`
            anchors += _person(k, b, m.start(2), labels, free)
        elif role is not None and key not in _STEALER and _placeholder(m.group(2), role):
            continue  # a template's blank (`Mail : xxx@xxx.com`, `Nom : Prénom NOM`): no one's value
        elif role == "dob" and (member := _quoted_member(m.group(2).rstrip())) is not None:
            labels.append((k, "dob", member, m.start(2) + 1))  # mongosh's `naissance: '1983-04-18',`
        elif role == "dob" and (head := _date_head(m.group(2).rstrip())) is not None:
            labels.append((k, "dob", head, m.start(2)))  # `Né le : 22/04/1978 à Ajaccio`: the place apart
            free.append((k, m.group(2)[len(head):].rstrip(), m.start(2) + len(head)))
        elif role is not None or key in _STEALER:
            labels.append((k, role or _STEALER.get(key, ""), m.group(2).rstrip(), m.start(2)))
        else:  # free text: in the fragment (article 9 notes), scanned and masked as an untyped field
            free.append((k, m.group(2).rstrip(), m.start(2)))
    roles = {r for _, r, _, _ in labels}
    if {"url", "password"} <= stealer_roles and ("login" in stealer_roles or "email" in stealer_roles) and not (
            _code_literals(labels)):
        kind = "stealer_log"
    elif roles & _NAME and len(roles & _DOX_ANCHORS) + (anchors > 0) >= 2 and (
            heading is None or roles & _OWN_FACTS):  # (a name over a phone and a mail is a signature's)
        kind = "dox"
    elif "nir" in roles and "dob" in roles and _nir_and_birth_agree(labels):
        kind = "dox"  # no name (a letter's salutation holds it), but a NIR and the birth it says: a person
    elif roles & _NAME and "card" in roles:
        kind = "card_dox"  # a holder and a card number: a stealer's CreditCards block, a carder's fullz
    elif len(labels) >= MIN_HEADERLESS_ROWS and len(roles) == 1 and roles <= _LISTED and not free:
        kind = "separated_run"  # `Email: a@x.fr` line after line: a list, each value behind its label
    elif pairs >= 2 and pairs == len(labels) and not free and roles & _PAIR_ANCHORS:
        kind = "fields"  # a browser's saved form fields (`Name: tel` / `Value: 06 ...`): each by its name
    else:
        return max(end + 1, i + 1), None

    def fill(sink: Sink, offs: list[int]) -> int:
        if kind == "separated_run" or kind == "fields":
            return sum(extract_record([(v, offs[k - i] + col)], [r], sink) > 0 for k, r, v, col in labels)
        if kind == "dox" or kind == "card_dox":
            hit = 0
            for rec_labels, rec_free in _dox_records(lines, i, end, labels, free):
                fields = [(v, offs[k - i] + col) for k, _, v, col in rec_labels]
                fields += [(v, offs[k - i] + col) for k, v, col in rec_free]
                rl: list[str | None] = [r if r != "url" else None for _, r, _, _ in rec_labels] + [None] * len(rec_free)
                hit += extract_record(fields, rl, sink)
            return hit
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

    if kind == "separated_run":
        fill.accept = lambda hits: hits >= 0.8 * len(labels)  # type: ignore[attr-defined]
    elif kind == "fields":  # (a date of birth counts no hit: one value a field, one typed is enough)
        fill.accept = lambda hits: hits >= 1  # type: ignore[attr-defined]
        kind = "separated_run"
    elif kind == "card_dox":  # (a masked number `4970 **** **** 5980` beside a name is no leak)
        fill.accept = lambda hits: hits >= 1  # type: ignore[attr-defined]
        kind = "dox"
    return end + 1, (kind, i, end, fill)


def _line_pairs(k: int, pairs: list[tuple[str, str, int]], labels: list[tuple[int, str, str, int]],
                free: list[tuple[int, str, int]]) -> None:
    """A dox's line of several labelled fields (`Nom : LE BIHAN  Prénom : Gwenaëlle  Né(e) le :
    01/01/1941`, a register's record head) as its pairs: read as one label, the surname's value ran
    to the line's end and the birth in it was no field (a surname of one word was saved by the
    prose reader, `LE BIHAN`'s two capitals were not)."""
    for label, value, col in pairs:
        role = _label(label)
        v = value.rstrip()
        if role == "dob" and (head := _date_head(v)) is not None:
            labels.append((k, "dob", head, col))
            if len(head) < len(v):
                free.append((k, v[len(head):], col + len(head)))
        elif role is not None and not _placeholder(v, role):
            labels.append((k, role, v, col))
        else:
            free.append((k, v, col))


# the Facebook 2021 scrape's rows, the most re-posted leak format: the phone in international
# digits (no '+'), the account's id, first and last name, gender, then cities, status, workplace,
# the account's date and an address, colon-separated (`33608215465:100004414156900:Océane:Perrin:
# female:Lyon:...:1/1/2019 12:00:00 AM::`). The date is the account's, no birth: not read.
_FB_ROW = re.compile(r"\A[ \t]*+\+?+(\d{10,15}+):\d{5,20}+:([^:\n]{0,64}+):([^:\n]{0,64}+):(?:(?i:male|female))?+:")
_FB_MAIL = re.compile(r"[^\s:@]{1,64}+@[^\s:@]{1,255}+")


def _fb_rows(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of `_FB_ROW` lines (3 at least): each line's phone and names, and an address in its rest."""
    lines = ctx.lines
    rows: list[re.Match[str]] = []
    j = i
    while j < len(lines) and (m := _FB_ROW.match(lines[j])) is not None:
        rows.append(m)
        j += 1
    if len(rows) < MIN_HEADERLESS_ROWS:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k, m in enumerate(rows):
            if (k & 255) == 0 and sink.over():
                break
            o = offs[k]
            fields = [(m.group(1), o + m.start(1)), (m.group(2), o + m.start(2)), (m.group(3), o + m.start(3))]
            roles: list[str | None] = ["phone", "first_name", "last_name"]
            if (e := _FB_MAIL.search(lines[i + k], m.end())) is not None:
                fields.append((e.group(), o + e.start()))
                roles.append("email")
            hit += extract_record(fields, roles, sink) > 0
        return hit

    fill.accept = lambda hits: hits >= 0.8 * len(rows)  # type: ignore[attr-defined]
    return j, ("separated_run", i, j - 1, fill)


def _person(k: int, born: tuple[str, int, str, int, str, int], base: int, labels: list[_Label],
            free: list[_Free]) -> int:
    """A person's name and birth (`_born`, found at column `base` of line k) as a dox's labels,
    the rest of the line as its free text; returns 1 if that rest holds a strong identifier."""
    name, nc, date, dc, rest, rc = born
    labels.append((k, "full_name", name, base + nc))
    labels.append((k, "dob", date, base + dc))
    if rest.strip(" \t,.;"):
        free.append((k, rest.rstrip(), base + rc))
        tmp: list[Any] = []
        scan(rest, tmp)
        return int(any(t[0] in _TYPED_BY_VALUE for t in tmp))
    return 0


def _told_below(ctx: Ctx, i: int) -> bool:
    """The line under a person's line `i` is a sentence (no birth of its own) holding an article 9
    term: what is said of that person (`prose._told_about` decides whom it names)."""
    if i + 1 >= len(ctx.lines):
        return False
    s = ctx.lines[i + 1]
    return 12 <= len(s.strip()) <= 400 and _born(s) is None and bool(scan_article9(s, limit=1))


def _born_run(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """Lines that each introduce a person by name and birth, the rest of the line their details
    (`- Jean-Pierre LEFEVRE, né le 15 mars 1985, 06 12 34 56 78`): a person per line. Most of
    them must hold a strong identifier besides (a list of births alone is no leak)."""
    lines = ctx.lines
    j = i
    people: list[tuple[str, int, str, int, str, int]] = []
    while j < len(lines) and (b := _born(lines[j])) is not None:
        people.append(b)
        j += 1

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k, (name, nc, date, dc, rest, rc) in enumerate(people):
            o = offs[k]
            hit += extract_record([(name, o + nc), (date, o + dc), (rest, o + rc)], ["full_name", "dob", None],
                                  sink) > 0
        return hit

    fill.accept = lambda hits: hits >= max(1, 0.5 * len(people))  # type: ignore[attr-defined]
    return j, ("dox" if len(people) == 1 else "separated_run", i, j - 1, fill)


# the roles a run of lines with one and the same label is a list of (`Email: a@x.fr`, `Tel: ...`)
_LISTED = frozenset({"email", "phone", "nir", "iban", "card", "national_id"})


# -------------------------------------------------------------------- labelled fields on one line
# `Nom: Dupont Jean | Email: j@x.fr | Tel: 06...`, `[+] Name: John Doe - Mail: ... - Phone: ...`,
# `email=j@x.fr&tel=06...`: a person per line, each field behind its label, as dox collections,
# stealer exports and logged form posts write them. Read line by line as key: value, each such
# line was one label and a long garbage value.
# a separator: one of these characters with the spaces around it; a dash or a bullet only with
# spaces on both sides (`Jean-Pierre` is one name). Found by this one-character class and
# widened by hand: a pattern that starts with `\s*` scans every run of spaces from each of its
# positions (quadratic on a line of spaces).
_PAIR_SEP_CHAR = re.compile(r"[|;\t¦&•–—-]")
_SPACED_ONLY = frozenset("•–—-")
# a label at a piece's first non-space character, after an optional bullet: `[+] Name:`, `- Mail =`
_PAIR = re.compile(r"(?:\[[+*!#-]\]\s*|[-*•>]\s+)?([^\W\d_][^:=|;\t]{0,30}?)\s*+(?::|=>|=)\s*")
_MAX_PAIRS = 24  # a person's fields; a line of more pairs is some other shape (and costs more to read)


def _separators(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each field separator of a labelled line, spaces around it included."""
    out: list[tuple[int, int]] = []
    last = 0
    for m in _PAIR_SEP_CHAR.finditer(line):
        k = m.start()
        if k < last:
            continue
        st, en = k, k + 1
        while st > last and line[st - 1].isspace():
            st -= 1
        while en < len(line) and line[en].isspace():
            en += 1
        if line[k] in _SPACED_ONLY and (st == k or en == k + 1):
            continue  # a dash between words (`Jean-Pierre`, `2024-01-31`)
        out.append((st, en))
        last = en
    return out


def _pairs(line: str) -> list[tuple[str, str, int]] | None:
    """(label, value, value column) of a line made of two or more `label: value` pieces between
    separators (`|`, `;`, `&`, a tab, ` - `); a piece without a label belongs to the value before
    it (`Adresse: 12 rue X - Paris`). None when the line is not such a line."""
    if len(line) > 2000 or line.count(":") + line.count("=") < 2:  # two labels at the least
        return None
    if _PAIR_SEP_CHAR.search(line) is None:  # no separator at all (one C-level scan)
        return _spaced_pairs(line)
    return _separated_pairs(line) or _spaced_pairs(line)


def _separated_pairs(line: str) -> list[tuple[str, str, int]] | None:
    """`_pairs` for fields between separators."""
    cuts = _separators(line)
    if not cuts or len(cuts) > 4 * _MAX_PAIRS:
        return None
    pieces = [0, *(e for _, e in cuts)]
    ends = [*(st for st, _ in cuts), len(line)]
    out: list[list[Any]] = []  # [label, value start, value end]
    for a, b in zip(pieces, ends, strict=True):
        while a < b and line[a].isspace():
            a += 1
        m = _PAIR.match(line, a, b)
        if m is not None and m.end() <= b:
            if len(out) == _MAX_PAIRS:
                return None
            out.append([m.group(1).strip(), m.end(), b])
        elif out:
            out[-1][2] = b  # the separator was inside the value
        else:
            return None  # the line does not start with a label
    if not 2 <= len(out) <= _MAX_PAIRS:
        return None
    return [(label, line[st:en].rstrip(), st) for label, st, en in out]


# `Nom: Dupont Jean Email: j@x.fr Tel: 06 12 34 56 78`, `nom: X, email: Y`, `nom=X email=Y`:
# labelled fields with only a space or a comma between them. A value holds spaces, so the
# fields are cut at the labels instead: a `:` or `=` whose last one to four words are a known
# label (a column name, a dox or stealer label, taken whole: `Date de naissance`, not the
# `Martin Tel` that a name ends with), the first at the start of the line. Any other `:` is in
# a value (`https://`, `12:30`).
_SEP_MARK = re.compile(r"[:=]")
_LABEL_WORDS = 4
_FREE_LABELS = frozenset({"note", "notes", "remarque", "remarques", "commentaire", "commentaires", "comment",
                          "comments", "observation", "observations", "info", "infos", "details", "description",
                          "motif", "antecedents", "remark", "remarks"})


@lru_cache(maxsize=4096)
def _known_label(words: str) -> bool:
    """Whether these words, taken whole, are a label a field is known by."""
    key = norm_name(words)
    return key in ROLES or key in _DOX_EXTRA or key in _STEALER or key in _FREE_LABELS


def _spaced_pairs(line: str) -> list[tuple[str, str, int]] | None:
    """`_pairs` for fields cut by a space or a comma only (see above); None unless two labels
    or more, the first at the start of the line (after a bullet)."""
    marks = [m.start() for m in _SEP_MARK.finditer(line)]
    if len(marks) > 4 * _MAX_PAIRS:
        return None
    head = _PAIR.match(line, len(line) - len(line.lstrip()))
    if head is None or not _known_label(head.group(1)):
        return None
    labels = [(head.group(1).strip(), head.end())]  # (label, value start)
    cuts: list[int] = []  # where each value after the first ends (its next label starts)
    for p in marks:
        if p < labels[-1][1] or p + 1 >= len(line) or line[p + 1] not in " \t" and line[p] == ":":
            continue  # inside the label just read, or `https://`, `12:30`: part of a value
        start = None
        k = p
        while k > labels[-1][1] and line[k - 1] == " ":
            k -= 1
        words_start = [k]
        lo = max(labels[-1][1], k - 48)  # a label is 40 characters at most (as `_KV`'s)
        for _ in range(_LABEL_WORDS):
            w = line.rfind(" ", lo, words_start[-1] - 1)
            if w < lo:
                break
            words_start.append(w + 1)
        for ws in reversed(words_start[1:]):  # the longest known label first
            if ws > labels[-1][1] and _known_label(line[ws:k]):
                start = ws
                break
        if start is None:
            continue
        after = p + 1
        while after < len(line) and line[after] == " ":
            after += 1
        if after >= len(line):
            return None
        cuts.append(start)
        labels.append((line[start:k].strip(), after))
        if len(labels) > _MAX_PAIRS:
            return None
    if len(labels) < 2:
        return None
    out: list[tuple[str, str, int]] = []
    for n, (label, st) in enumerate(labels):
        en = cuts[n] if n < len(cuts) else len(line)
        value = line[st:en].rstrip().rstrip(",;").rstrip()
        if not value:
            return None
        out.append((label, value, st))
    return out


def _labelled(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of lines of labelled fields: one record per line, each field typed by its label (as
    a dox's). Two lines or more with a strong identifier's label; one line is a dox when its
    labels name a person and two of the dox anchors."""
    lines = ctx.lines
    recs: list[list[tuple[str, str, int]]] = []
    j = i
    while j < len(lines) and (p := _pairs(lines[j])) is not None:
        recs.append(p)
        j += 1
    if not recs:
        return i + 1, None
    roles = [[_label(label) for label, _, _ in rec] for rec in recs]
    found = {r for rr in roles for r in rr if r is not None}
    if len(recs) == 1 and not (found & _NAME and len(found & _DOX_ANCHORS) >= 2):
        return i + 1, None
    if len(recs) > 1 and not found & STRONG_ROLES:
        return j, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k, (rec, rl) in enumerate(zip(recs, roles, strict=True)):
            if (k & 255) == 0 and sink.over():
                break
            if "dob" in rl:  # `DOB: 03/17/1968   MRN: 00482913`: the date, and what follows it untyped
                fields, frl = _date_heads([(v, offs[k] + col) for _, v, col in rec], rl)
                hit += extract_record(fields, frl, sink) > 0
                continue
            hit += extract_record([(v, offs[k] + col) for _, v, col in rec], list(rl), sink) > 0
        return hit

    return j, ("dox", i, j - 1, fill)


def _date_heads(fields: list[tuple[str, int]], roles: list[str | None]) -> tuple[list[tuple[str, int]],
                                                                                 list[str | None]]:
    """A record's fields with each date-of-birth value that starts with a date and goes on (an
    unknown label's pair, an age, a place) cut in two: the date under its role, the rest untyped."""
    out: list[tuple[str, int]] = []
    out_roles: list[str | None] = []
    for (v, o), r in zip(fields, roles, strict=True):
        t = v.rstrip()
        if r == "dob" and (head := _date_head(t)) is not None and len(head) < len(t):
            out += [(head, o), (v[len(head):], o + len(head))]
            out_roles += ["dob", None]
        else:
            out.append((v, o))
            out_roles.append(r)
    return out, out_roles


# ----------------------------------------------------------------- key=value logs (logfmt)
# `2024-03-12T22:14:00Z level=info msg="signup ok" email=j@x.fr phone=+33612345678 birthdate=...`,
# `Mar 12 22:14:00 web01 app[42]: user=jdupont mail=j@x.fr tel=0612345678`: an application's
# log lines, one record each, every field behind its key, whatever comes before the first one.
# Read as a row of space-separated cells, `email=j@x.fr` was one cell, and an address may hold an
# `=` in its local part: the key stayed in the address (and its token matched nothing), and
# `birthdate=1984-12-01` typed no date of birth. A pair: a key after a blank (or the line's
# start, a comma, a semicolon), `=`, then a value in double quotes or up to the next blank. The
# quoted value stops at the next quote (no escapes), so that two quoted values never scan the
# same characters: linear on any line. A value in single quotes is read inside them: SQL's
# `UPDATE clients SET tel='06..', naissance='1984-02-17' WHERE email='..';` (with the quote and
# the comma kept, `'1984-02-17',` typed no date of birth).
_LOGFMT_PAIR = re.compile(r'(?<![^\s,;])([A-Za-z_][\w.\-]{0,40}+)=(?:"([^"\n]*+)"|\'([^\'\n]*+)\'|([^\s"]*+))')
_LOGFMT_MIN_PAIRS = 2
_LOGFMT_MAX_PAIRS = 64


def _logfmt_pairs(line: str) -> list[re.Match[str]] | None:
    """The `key=value` pairs of a log line (see above), when it has two or more and not too many."""
    if line.count("=") < _LOGFMT_MIN_PAIRS or len(line) > 4000:
        return None
    pairs = list(_LOGFMT_PAIR.finditer(line))
    return pairs if _LOGFMT_MIN_PAIRS <= len(pairs) <= _LOGFMT_MAX_PAIRS else None


def _logfmt_record(line: str, pairs: list[re.Match[str]], base: int) -> tuple[list[tuple[str, int]],
                                                                               list[str | None]]:
    """A log line's fields: each pair's value typed by its key (a key of no role, an address
    by a `url` key: untyped, scanned), and the text between the pairs (a time stamp, a message's
    words) as untyped fields when it may hold an identifier."""
    fields: list[tuple[str, int]] = []
    roles: list[str | None] = []
    last = 0
    for m in pairs:
        gap = line[last:m.start()]
        if _WORTH.search(gap):
            fields.append((gap, base + last))
            roles.append(None)
        k = 2 if m.start(2) >= 0 else 3 if m.start(3) >= 0 else 4
        v = m.group(k)
        if v:
            role = _log_label(m.group(1))
            fields.append((v, base + m.start(k)))
            roles.append(None if role == "url" else role)
        last = m.end()
    tail = line[last:]
    if _WORTH.search(tail):
        fields.append((tail, base + last))
        roles.append(None)
    return fields, roles


_KEY_PARTS = re.compile(r"[._-]|(?<=[a-z])(?=[A-Z])")
_KEY_TAIL_ROLES = frozenset({"email", "phone", "dob", "nir", "iban", "card", "national_id"})


@lru_cache(maxsize=2048)
def _log_label(key: str) -> str | None:
    """A log key's role: its label's (`_label`), else its last part's when that names a typed
    identifier (`patient_email`, `user.phone`, `customerBirthdate`: an API names a field by its
    owner and its type)."""
    role = _label(key)
    if role is not None or len(key) > 60:
        return role
    parts = [x for x in _KEY_PARTS.split(key) if x]
    if len(parts) < 2:
        return None
    tail = _label(parts[-1])
    return tail if tail in _KEY_TAIL_ROLES else None


def _logfmt(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of log lines of `key=value` pairs (see above): one record a line. Two lines or more
    with a strong identifier's key; one line is a record when its keys name a person and two of
    the dox anchors (as `_labelled`'s)."""
    lines = ctx.lines
    recs: list[list[re.Match[str]]] = []
    j = i
    while j < len(lines) and (p := _logfmt_pairs(lines[j])) is not None:
        recs.append(p)
        j += 1
    if not recs:
        return i + 1, None
    found = {r for rec in recs[:_SAMPLE_ROWS] for m in rec if (r := _log_label(m.group(1))) is not None}
    if len(recs) == 1 and not (found & _NAME and len(found & _DOX_ANCHORS) >= 2):
        return i + 1, None
    if len(recs) > 1 and not found & STRONG_ROLES:
        return j, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k, rec in enumerate(recs):
            if (k & 255) == 0 and sink.over():
                break
            fields, roles = _logfmt_record(lines[i + k], rec, offs[k])
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("log", i, j - 1, fill)


# --------------------------------------------------------------------------------- chat logs
# `[12/03/2024 22:14] shadow#4242: tiens son num 06 ...`, `[22:14] <kr4ken> et son mail x@y.fr`,
# `2024-03-12 22:14:03 | admin: ...`: a Discord, Telegram or IRC log copied whole, one message a line
# behind its time and its author. Read as `label: value` lines, the time was the label and nothing
# was typed. Each message is scanned as free text; the run is a fragment when two messages or more
# give an identifier (one address in a chat is someone's signature as often as a leak).
_CHAT = re.compile(
    r"\A[ \t]*+[\[(]?+(?:\d{1,4}+[/.-]\d{1,2}+[/.-]\d{1,4}+[ T,]++)?\d{1,2}+:\d{2}+(?::\d{2}+)?+"
    r"(?:[ \t]*+[AaPp][Mm])?+[\])]?+[ \t]*+[|-]?+[ \t]*+(?:<([^\s<>]{1,40}+)>|([^\s:<>\[\]]{1,40}+):)[ \t]++(\S.*)")
_CHAT_MIN_HITS = 2


def _chat_match(s: str) -> re.Match[str] | None:
    c = s.lstrip()[:1]
    return _CHAT.match(s) if (c == "[" or c == "(" or c.isdigit()) and len(s) <= 4000 else None


# a birth a message gives as a dox does: `née le 27/11/1993`, `born 03/07/1992`, `DOB: 03/07/1992`
_CHAT_BIRTH = re.compile(
    r"(?i)(?:\bn[ée]e?(?:\(e\))?[ \t]{1,3}le|\bborn(?:[ \t]{1,3}on)?|\bd\.?o\.?b\.?)[ \t]{0,3}:?[ \t]{0,3}" + _DATE)


def _chat_births(text: str, off: int, sink: Sink) -> None:
    """The dates of birth a chat message introduces (`_CHAT_BIRTH`); its free-text reading
    (`scan`) takes no date."""
    for m in _CHAT_BIRTH.finditer(text):
        c = ids.canon_dob(m.group(1))
        if c is not None:
            sink.found.append(("dob", c, off + m.start(1), off + m.end(1)))


def _chat(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of chat lines (see above), three at the least."""
    lines = ctx.lines
    msgs: list[re.Match[str]] = []
    j = i
    while j < len(lines) and (m := _chat_match(lines[j])) is not None:
        msgs.append(m)
        j += 1
    if len(msgs) < MIN_HEADERLESS_ROWS:
        return i + 1, None

    dox = [False]  # a message that is a dox by itself (see `_chat_dox`)

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k, m in enumerate(msgs):
            if (k & 255) == 0 and sink.over():
                break
            before = len(sink.found)
            text, o = m.group(3), offs[k] + m.start(3)
            extract_record([(text, o)], [None], sink)
            hit += len(sink.found) > before
            if "e" in text or "E" in text:  # (né/née/born/DOB)
                _chat_births(text, o, sink)
            if len(sink.found) > before:
                _chat_nir_births(text, o, sink, before)
            if not dox[0] and len(sink.found) - before >= 2:
                dox[0] = _chat_dox(sink.found, before)
        return hit

    fill.accept = lambda hits: hits >= _CHAT_MIN_HITS or dox[0]  # type: ignore[attr-defined]
    return j, ("chat", i, j - 1, fill)


_CHAT_DATE = re.compile(r"(?<![\d/.-])(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})(?![\d/.-])")


def _chat_nir_births(text: str, off: int, sink: Sink, before: int) -> None:
    """A message's date that no word introduces is its NIR's holder's birth when the NIR says the
    same year and month (`x@y.fr | 06 ... | 14/03/1982 | 1 82 03 99 ...`), as a header-less
    column's dates beside NIRs are (`columns._dob_beside_nir`); any other date stays a date."""
    got = sink.found[before:]
    if any(f[0] == "dob" for f in got):
        return
    born = {f[1][1:5] for f in got if f[0] == "nir" and f[1][3:5] <= "12"}
    if not born or ("/" not in text and "." not in text and "-" not in text):
        return
    for m in _CHAT_DATE.finditer(text):
        c = ids.canon_dob(m.group(1))
        if c is not None and c[2:4] + c[5:7] in born:
            sink.found.append(("dob", c, off + m.start(1), off + m.end(1)))


_CHAT_DOX_KEYS = frozenset({"dob", "nir", "iban", "card", "national_id"})
_CHAT_ANCHORS = _CHAT_DOX_KEYS | {"email", "phone"}


def _chat_dox(found: list[tuple[str, str, int, int]], before: int) -> bool:
    """Whether the identifiers one message gave (`found[before:]`) make it a dox: two kinds or
    more, one of them a birth, a NIR, a bank account, a card or a national number (the message
    that drops a person among chatter: `née le 27/11/1993, tel 06 ...`). A phone and an address
    alone are a business's contact as often: those need a second message, as before."""
    kinds = {f[0] for f in found[before:]} & _CHAT_ANCHORS
    return len(kinds) >= 2 and not kinds.isdisjoint(_CHAT_DOX_KEYS)


# ------------------------------------------------------------ URL-encoded forms, obfuscated lists
_FORM_SAMPLE = 64  # lines of a run of form lines read to decide whether it types anything


def _form(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of URL-encoded form lines (`encoded.form_fields`: POST bodies, query strings, URLs
    with their query), one record per line as `_labelled` reads them, each value decoded
    (`jean.dupont%40gmail.com` is the address, `06%2012...` the number) and its identifiers'
    spans moved back onto the encoded text. A run whose first lines type nothing is left to the
    other recognisers (a list of URLs with an address in the query is a list)."""
    lines = ctx.lines
    recs: list[list[FormField]] = []
    j = i
    while j < len(lines) and len(recs) < _FORM_SAMPLE and (p := form_fields(lines[j])) is not None:
        recs.append(p)
        j += 1
    roles = [[_label(key) for key, _, _ in rec] for rec in recs]
    found = {r for rr in roles for r in rr if r is not None}
    if not (found & _NAME and len(found & _DOX_ANCHORS) >= 2) and (len(recs) < 2 or not found & STRONG_ROLES):
        return i + 1, None
    while j < len(lines) and (p := form_fields(lines[j])) is not None:
        recs.append(p)
        roles.append([_label(key) for key, _, _ in p])
        j += 1

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        nf, nm = len(sink.found), len(sink.masks)
        where: list[tuple[int, list[int] | None]] = []
        for k, (rec, rl) in enumerate(zip(recs, roles, strict=True)):
            if (k & 255) == 0 and sink.over():
                break
            fields = []
            for (_, v, col), role in zip(rec, rl, strict=True):
                o = offs[k] + col
                got = decode_form_value(v)
                if got is None:  # not text: nothing is read from it, and the excerpt hides it
                    got = ("", None)
                    if o < EXCERPT_CHARS:
                        sink.masks.append((o, o + len(v), "********" if role == "password" else v[:1] + "***"))
                fields.append((got[0], o))
                where.append((o, got[1]))
            hit += extract_record(fields, list(rl), sink) > 0
        sink.settle()  # (what `detect_text` does after the fill) so that the pending phones move too
        remap_found(sink, nf, nm, where)
        return hit

    return j, ("dox", i, j - 1, fill)


# what may stand beside the addresses of an obfuscated list's line: a name, a phone, list and
# field punctuation (`- Jean Dupont : jean [at] orange [dot] fr`, `Dupont Jean - j(at)x(dot)fr - 06 ...`)
_OBFUSCATED_REST_CHARS = 100
_OBFUSCATED_REST_WORDS = 6
_NOT_IN_ADDRESS = frozenset(" \t@<>\"'(),;:[]")
_CODE_CHARS = "={}$`\\"
_REST_PUNCT = " \t-*•,;:|/()<>[]\"'–—=."


def _obfuscated_line(s: str) -> bool:
    """A line of an obfuscated list: one address or two, obfuscated (`jean [at] gmail [dot] com`)
    or plain, and beside them at most a few words (a name, a phone, a city) and punctuation,
    as a list's line has them; prose around an address has more."""
    t = s.strip().strip("-*•,;").strip()
    if not t or len(t) > 200 + _OBFUSCATED_REST_CHARS:
        return False
    if " " not in t and "@" in t:
        return True
    got = obfuscated_emails(t)
    spans = [(st, en) for _, st, en in got]
    at = t.find("@")
    while at >= 0:  # a plain address: the address characters on each side of its @
        b = e = at
        while b > 0 and at - b < 64 and t[b - 1] not in _NOT_IN_ADDRESS:
            b -= 1
        while e + 1 < len(t) and t[e + 1] not in _NOT_IN_ADDRESS:
            e += 1
        if b < at < e:
            spans.append((b, e + 1))
        at = t.find("@", e + 1)
    if not spans or len(spans) > 2:
        return False
    spans.sort()
    rest, o = [], 0
    for st, en in spans:
        if st < o:
            return False
        rest.append(t[o:st])
        o = en
    rest.append(t[o:])
    words = " ".join(rest)
    if any(c in words for c in _CODE_CHARS):  # `x = grid[at]row[dot]col`: code, no list
        return False
    words = words.strip(_REST_PUNCT)
    # (a phone's groups are no words: only those with a letter count)
    return len(words) <= _OBFUSCATED_REST_CHARS and sum(
        1 for w in words.split() if not w.isdigit() and any(c.isalpha() for c in w)) <= _OBFUSCATED_REST_WORDS


def _obfuscated_list(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A list of addresses, one a line, written obfuscated against scrapers (plain ones may be
    among them): three lines at least, as `_list`."""
    lines = ctx.lines
    j = i
    while j < len(lines) and _obfuscated_line(lines[j]):
        j += 1
    if j - i < 3:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        found = sink.found
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            before = len(found)
            scan(lines[k], found, offs[k - i])
            hit += len(found) > before
        return hit

    fill.accept = lambda hits: hits >= 0.8 * (j - i)  # type: ignore[attr-defined]
    return j, ("separated_run", i, j - 1, fill)


# ------------------------------------------------------------------- addresses on one line
# A mailing list pasted on one line (`a@x.fr, b@y.fr; c@z.fr ...`), a message's recipients
# (`To: Claire Martin <a@x.fr>, "Martin, Paul" <b@y.fr>, ...`): the line holds addresses, their
# display names, separators and at most a short label, nothing else, and four addresses at least
# (one a line needs three lines; prose that names a few addresses is never all addresses).
# Possessive throughout: linear on hostile lines (tests/test_linear_patterns.py).
MIN_LINE_ADDRESSES = 4
_ADDR = r"[^\s@<>,;|\"()\[\]]{1,64}+@[^\s@<>,;|\"()\[\]]{1,255}+"
_DISPLAY = r"(?:\"[^\"\n]{0,80}+\"|[^\W\d_][\w.'’-]{0,40}+(?: [\w.'’-]{1,40}+){0,5}+)"
_ITEM = rf"(?:(?:{_DISPLAY}\s*+)?<{_ADDR}>|{_ADDR})"
_ADDRESS_LINE = re.compile(
    rf"\A\s*+(?:[-*•]\s++)?(?:[^\W\d_][\w'’ -]{{0,30}}+:\s*+)?{_ITEM}(?:\s*+[,;|]\s*+{_ITEM}|\s++{_ITEM})*+"
    r"\s*+[,;.]?\s*+\Z")


# Phone numbers listed on one line (`WhatsApp : +33.6.67.47.40.47 / +33-7-71-34-75-01 / +33 7 36
# 17 36 79`): the line holds the numbers, separators and at most a short label, nothing else, and
# three numbers at least that validate (a dotted version or a lottery draw does not; prose that
# gives a number or two has words between them).
MIN_LINE_PHONES = 3
_PHONE_LINE_LABEL = re.compile(r"\A\s*+(?:[-*•]\s++)?(?:[^\W\d_][^:\d\n]{0,40}+:\s*+)?")
# (a separator char, or a dash, slash or word between blanks: no run of blanks is matched, so a
# line of blanks costs linear time; the items are stripped)
_PHONE_LINE_SEP = re.compile(r"[,;|•]|(?<=\s)(?:/|-|–|—|et|and|ou|or)(?=\s)")
_PHONE_ITEM = re.compile(r"\+?(?:\(\d{1,4}\)\s?)?\d[\d .()-]{5,24}\d")
_PHONE_LINE_MAX = 600


def _phone_line(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """Line `i` when it lists phone numbers (see above): a fragment of its own, whatever the
    lines around it are (the names under it are no shape)."""
    s = ctx.lines[i]
    if len(s) > _PHONE_LINE_MAX:
        return i + 1, None
    head = _PHONE_LINE_LABEL.match(s)
    body = s[head.end():].strip().rstrip(".,;") if head is not None else ""
    items = [x.strip() for x in _PHONE_LINE_SEP.split(body)] if body else []
    if items and len(items[0]) <= 40 and not any(c.isdigit() for c in items[0]):
        items = items[1:]  # a label before the first separator (`GSM ; +32 ... ; ...`)
    if not MIN_LINE_PHONES <= len(items) <= 40 or not all(_PHONE_ITEM.fullmatch(x) for x in items):
        return i + 1, None
    got: list[Any] = []
    scan(s, got, 0)
    n = sum(1 for x in got if x[0] == "phone")
    if n < MIN_LINE_PHONES or n < 0.8 * len(items):
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        before = len(sink.found)
        scan(s, sink.found, offs[0])
        return len(sink.found) - before

    return i + 1, ("separated_run", i, i, fill)


# the mailboxes of a service, not of a person (`prose.ROLE_MAILBOXES`: `contact@, ventes@,
# presse@, rh@`): how to reach a company, not a leak; they do not count towards the four
_ROLE_MAILBOXES = ROLE_MAILBOXES
_personal = personal


def _address_line(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """One line of addresses (see above); each address is scanned and validated as anywhere."""
    line = ctx.lines[i]
    if line.count("@") < MIN_LINE_ADDRESSES or _ADDRESS_LINE.match(line) is None:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        found = sink.found
        before = len(found)
        scan(line, found, offs[0])
        return sum(1 for f in found[before:] if f[0] == "email" and _personal(f[1]))

    fill.accept = lambda hits: hits >= MIN_LINE_ADDRESSES  # type: ignore[attr-defined]
    return i + 1, ("separated_run", i, i, fill)


# ------------------------------------------------------------------------------ combo lists
_COMBO = re.compile(r"\A\s*(?:\d{1,7}[.)\]]\s+)?([^\s:|;]{1,128})([:|])(\S{1,256})\s*$")


def _combo_match(s: str) -> re.Match[str]:
    """The match of a line `_combo_line` accepted; a line it did not accept is a bug upstream."""
    m = _COMBO.match(s)
    if m is None:
        raise AssertionError(f"not a combo line: {s[:40]!r}")
    return m


def _combo_line(s: str) -> bool:
    """A `login:password` or `login|password` line. A login never holds a comma: a CSV row
    without spaces whose last cell is a time (`1,Claire,c@x.fr,2024-01-15T10:30:00`) is none."""
    if ":" not in s and "|" not in s:  # (what `_COMBO` separates by: two C searches before the pattern)
        return False
    m = _COMBO.match(s)
    if m is None or (m.group(2) == "|" and "|" in m.group(3)) or m.group(1).isdigit() or "," in m.group(1):
        return False
    return "://" not in s and not s.lstrip().startswith(("http", "www."))


def _combo_end(lines: list[str], j: int) -> int:
    """The first line from `j` on that is not a combo line. The compiled core scans the run in
    one call and hands back to `_combo_line` the lines it cannot decide (Unicode digits)."""
    native = _engine.native_module()
    if native is not None:
        n: int = native.combo_end(lines, j, _combo_line)
        return n
    while j < len(lines) and _combo_line(lines[j]):
        j += 1
    return j


def _combo_header(m: re.Match[str]) -> bool:
    """`email:password`, `login|pass`: a combo list's header names its two columns."""
    return _STEALER.get(norm_name(m.group(1))) in ("email", "login") and (
        _STEALER.get(norm_name(m.group(3))) == "password")


# `jdupont:Azerty123!` lines: a username, not an address, before the colon. A run of `key:value`
# lines is a config or a list as often, so such a run is a combo list only when nearly every
# login is a distinct username (letters, digits, `._-`; not an IPv4 address, a proxy list's
# `ip:port`) and nearly every password looks like one: 6 characters or more, a letter and a
# digit or a symbol (not the `/`, `.`, `_`, `-` of a path, a file or a version: `logdir:/var/log`).
_USERNAME = re.compile(r"\A[A-Za-z0-9._-]{2,64}+\Z")
_IPV4 = re.compile(r"\A\d{1,3}+(?:\.\d{1,3}+){3}+\Z")
# an ISO timestamp's date and hour before its first colon (`2026-12-01T08:00:00Z;A4C138;18.2`, a sensor's or
# a log's row): no login
_STAMP = re.compile(r"\A\d{4}+[-/.]?\d{2}+[-/.]?\d{2}+[T_]\d{1,2}+\Z")
_PATH_CHARS = frozenset("/._-")
# a UUID, a product key (`ABCDE-FGH1J-KLMNP`): a `name:key` list is no combo list
_KEY_SHAPED = re.compile(r"\A(?:[0-9A-Fa-f]{8}+(?:-[0-9A-Fa-f]{4}+){3}+-[0-9A-Fa-f]{12}+"
                         r"|[A-Z0-9]{4,}+(?:-[A-Z0-9]{4,}+){2,}+)\Z")


def _password_shaped(v: str) -> bool:
    if len(v) < 6 or not _password_like(v) or not any(c.isalpha() for c in v) or _KEY_SHAPED.fullmatch(v):
        return False
    return any(c.isdigit() or (not c.isalnum() and c not in _PATH_CHARS) for c in v)


def _username_combos(sample: list[re.Match[str]]) -> bool:
    ok = sum(1 for m in sample if _USERNAME.fullmatch(m.group(1)) and not _IPV4.fullmatch(m.group(1))
             and not _STAMP.match(m.group(1))
             and _label(m.group(1)) is None and norm_name(m.group(1)) not in _STEALER and _password_shaped(m.group(3))
             and not _code_password(m.group(3)) and _FILE_NAME.search(m.group(1)) is None)
    return ok >= 0.8 * len(sample) and len({m.group(1).lower() for m in sample}) >= 0.8 * len(sample)


# What a `name:rest` line of code or system data leaves after its first colon: a path's `::`
# (Rust `ops::Deref,`, C++, Perl), an /etc/passwd entry's `x:0:0:gecos:/home:/bin/sh` (an LFI
# proof posted everywhere: the `x` says the hash is elsewhere), a quoted item (`"md5",`).
_PASSWD_REST = re.compile(r"\A[^:\s]{0,128}+:\d{1,10}+:\d{1,10}+:[^:]{0,256}+:[^:]{0,256}+:[^:]{0,256}+\Z")


# a file's name before its checksum (`build-0.tar.gz|f5cb...`: a release's SHA1SUMS) is no login
_FILE_NAME = re.compile(r"\.(?:t?gz|bz2|xz|zst|zip|7z|rar|tar|iso|img|exe|msi|dll|so|deb|rpm|apk|dmg|jar|whl|txt|csv"
                        r"|json|xml|pdf|py|js|rs|go|sh|bin|png|jpe?g|gif|mp4|mkv|log)\Z", re.IGNORECASE)


# a value written as a literal of code: a quoted string then a comma (a dict's or an options
# object's member: `"password": "pass",`, `password: 'stinks',`); no stealer writes its logs so
_CODE_LITERAL = re.compile(r"\A\s*+(?:\"[^\"]{0,256}+\"|'[^']{0,256}+')\s*+,\s*+\Z")


def _code_literals(labels: list[tuple[int, str, str, int]]) -> bool:
    """Whether the logins and passwords of a run of labels are all literals of code."""
    vals = [v for _, r, v, _ in labels if r in ("login", "password")]
    return bool(vals) and all(_CODE_LITERAL.match(v) is not None for v in vals)


def _code_password(v: str) -> bool:
    return v[:1] in (":", '"', "'") or _PASSWD_REST.match(v) is not None


_PHONE_LOGIN = re.compile(r"\+[1-9][0-9]{7,14}")


def _combo(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = _combo_end(lines, i)
    head = 1 if j > i and _combo_header(_combo_match(lines[i])) else 0  # read below the header
    if j - i - head < 3:
        return i + 1, None
    sample = [_combo_match(lines[k]) for k in range(i + head, min(j, i + head + 50))]
    emails = sum("@" in m.group(1) for m in sample)
    # the password first (`Azerty12!:jean@x.fr`): the address after the colon on most lines
    # (a password's shape each, and no label: `from:a@x.fr`, `cc:b@y.fr` are headers' lines);
    # phone numbers as logins (`+33612345678:pass`, an app's accounts): asked only of a block
    # with no address before its colons
    flipped = phones = False
    if emails == 0:
        flipped = sum(1 for m in sample if "@" in m.group(3) and _password_shaped(m.group(1))
                      and _label(m.group(1)) is None) >= 0.8 * len(sample)
        phones = not flipped and sum(1 for m in sample if _PHONE_LOGIN.fullmatch(m.group(1))) >= 0.8 * len(sample)
    # (`|` lines are asked what `:` lines are: any two-column pipe table, `date|epoch`, `match|score`,
    # `ticket|sha1`, MISP's `"filename|md5",`, was a combo list)
    if emails < 0.5 * len(sample) and (
            not flipped and not phones and not _username_combos(sample)):
        return j, None

    if flipped or phones:  # (a line at a time, the fields in their roles' order)
        groups, kinds = ((3, 1), ["login", "password"]) if flipped else ((1, 3), ["phone", "password"])

        def turned(sink: Sink, offs: list[int]) -> int:
            hit = 0
            for k in range(i + head, j):
                if (k & 255) == 0 and sink.over():
                    break
                m = _combo_match(lines[k])
                o = offs[k - i]
                hit += extract_record([(m.group(g), o + m.start(g)) for g in groups], kinds, sink) > 0
            return hit

        return j, ("combo", i, j - 1, turned)

    def line(sink: Sink, offs: list[int], k: int) -> int:
        m = _combo_match(lines[k])
        o = offs[k - i]
        return extract_record([(m.group(1), o + m.start(1)), (m.group(3), o + m.start(3))], ["login", "password"], sink)

    def fill(sink: Sink, offs: list[int]) -> int:
        n = extract_combo(lines, i + head, j, offs, i, sink, partial(line, sink, offs))
        if n is not None:  # the compiled core (issue 17), one call for the block
            return n
        hit = 0
        for k in range(i + head, j):
            if (k & 255) == 0 and sink.over():
                break
            hit += line(sink, offs, k) > 0
        return hit

    return j, ("combo", i, j - 1, fill)


# ------------------------------------------------------------- URL:login:password, captures
# What stealer logs are resold as: `https://site/login:user@x.fr:pass` ("ULP" lists, the URL with
# a scheme or a bare host, `android://...@com.app/` for apps; a space, `|` or `;` may stand for
# the first colon), and combo lines that a checker wrote its captures after
# (`user@x.fr:pass | Plan = Premium | Country = FR`). `_combo_line` refuses both (a URL, a
# space after the password). The URL's path holds no `:`, `;` or `|` (they separate), and every
# repetition is possessive: a line is read one way, in linear time (the port is the one choice).
_URL_COMBO = re.compile(
    r"\A\s*+((?:[A-Za-z][A-Za-z0-9+.\-]{0,15}+://[^\s/:|;]++|(?:[A-Za-z0-9\-]++\.)++[A-Za-z]{2,24}+)"
    r"(?::\d{1,5}+)?(?:/[^\s:|;]*+)?)(?: ?+\| ?+|[: ;])([^\s:|;]{1,128}+)(?: ?+\| ?+|[:;])([^\s|]{1,256}+)"
    r"(?:\s++\|.*)?\s*+\Z")
# the same with spaces for both separators (`https://accounts.google.com/signin x@y.fr Pass1!`, as
# some sellers' tools write them): only with an e-mail for the login, a sentence after a link
# (`https://x.fr is down again`) holds none
_URL_SPACED = re.compile(
    r"\A\s*+((?:[A-Za-z][A-Za-z0-9+.\-]{0,15}+://[^\s/:|;]++|(?:[A-Za-z0-9\-]++\.)++[A-Za-z]{2,24}+)"
    r"(?::\d{1,5}+)?(?:/[^\s:|;]*+)?) ++([^\s:|;@]{1,64}+@(?:[A-Za-z0-9\-]{1,63}+\.){1,8}+[A-Za-z]{2,24}+)"
    r" ++(\S{1,256}+)\s*+\Z")
# what follows a site and its contact address in a directory, no password: a phone number, a
# link, another address
_NO_PASSWORD = re.compile(r"\A(?:[+(]?[0-9][0-9 .()/-]{7,}+\Z|https?://|www\.|[^@\s]++@[A-Za-z0-9\-]++\.)")
_CAPTURED_COMBO = re.compile(r"\A\s*+(?:\d{1,7}+[.)\]]\s++)?([^\s:|;]{1,128}+)[:;]([^\s|]{1,256}+)\s++\|\s.*\Z")


def _url_combo_match(s: str) -> re.Match[str] | None:
    """The match of a URL:login:password or captured combo line: groups (url or None, login,
    password)."""
    if len(s) > 600:
        return None
    if "." in s and (m := _URL_COMBO.match(s)) is not None and not m.group(2).isdigit():
        return m
    if (sp := s.find(" ")) >= 0 and s.find("@", sp) > 0 and (m := _URL_SPACED.match(s)) is not None and (
            _NO_PASSWORD.match(m.group(3)) is None):  # (an address after a space: two C searches)
        return m
    if " |" in s and (m := _CAPTURED_COMBO.match(s)) is not None and not m.group(1).isdigit() and (
            not _known_label(m.group(1))):  # `Nom:Dupont | Email:...` is a labelled line
        return m
    return None


def _url_combo(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """Three lines or more of them (or of plain combo lines among them), a record a line: the
    URL scanned, the login and password read as a combo's."""
    lines = ctx.lines
    j = i
    while j < len(lines) and (_url_combo_match(lines[j]) is not None or _combo_line(lines[j])):
        j += 1
    if j - i < 3:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            o = offs[k - i]
            m = _url_combo_match(lines[k])
            if m is None:
                c = _combo_match(lines[k])
                fields = [(c.group(1), o + c.start(1)), (c.group(3), o + c.start(3))]
                roles: list[str | None] = ["login", "password"]
            elif m.re is _URL_COMBO or m.re is _URL_SPACED:
                fields = [(m.group(g), o + m.start(g)) for g in (1, 2, 3)]
                roles = [None, "login", "password"]
            else:
                fields = [(m.group(g), o + m.start(g)) for g in (1, 2)]
                roles = ["login", "password"]
            hit += extract_record(fields, roles, sink) > 0
        return hit

    fill.accept = lambda hits: hits >= 0.8 * (j - i)  # type: ignore[attr-defined]
    return j, ("combo", i, j - 1, fill)


# ------------------------------------------------------------------- CSV / TSV / separated runs
# Python `re` for quoted CSV fields (RE2's wrapper costs ~6 us a call, `re` ~1 us here): a
# field's inside is written unrolled, `[^"]*(?:""[^"]*)*`, the same strings in the same order of
# preference as `(?:[^"]|"")*` (its two pieces start with disjoint characters, so each character
# is consumed one way only), but a run of ordinary characters is one tight loop of sre's instead
# of a branch per character (a quoted dump row cost ~20k instructions in `_unquote` and ~40k in
# `_split`; tests/test_detect_quoted_unrolled.py compares both spellings on random lines). A
# failed quote costs one scan to the end of the line and only the last quote of a line can fail
# (any later quote closes it), so a line costs linear time. Same leftmost-first semantics as RE2
# (checked on random lines), and tests/test_detect_adversarial.py feeds hostile quote runs.
_IN_QUOTES = '[^"]*(?:""[^"]*)*'
_QUOTED = re.compile('"' + _IN_QUOTES + '"')
_SEPS = ("\t", ";", "|", ",")
_FIELD_RX: dict[str, re.Pattern[str]] = {}

# Backslash-escaped quotes: MySQL's `INTO OUTFILE ... ENCLOSED BY '"' ESCAPED BY '\\'`, PHP's
# fputcsv with an escape character and hand-rolled exporters write `"Dupont \"Jo\""` (and
# `\\` for a backslash: `"C:\\Users\\"`), where RFC 4180 doubles the quote. Read as RFC 4180,
# the `\"` closes the cell and the row gets a field too many: every later column shifts. But
# `"C:\"` is a legal RFC 4180 cell (`C:\`), so the reading is chosen per line: a line that
# holds `\"` is read with backslash escapes when it is not well-formed CSV under RFC 4180 and
# is well-formed with the escapes (a quote opens a field after optional spaces, closes it before
# optional spaces and a separator or the line's end, and nowhere else: `""` inside, and `\"`
# or `\\` in the escaped reading, are inside the field). A well-formed RFC 4180 line is thus
# read as it always was. No line is well-formed both ways with different fields (checked over
# every line of up to 10 characters of `"`, `\`, `,`, `a` and space): such a line (its only
# `\"` after an escaped backslash, `"C:\\"`) has the same fields either way. The tests are
# possessive (`*+`): a line costs one linear pass per reading. Separator-agnostic (any of
# `_SEPS` separates), as `_unquote` is. `split.rs` (`escaped`, `well_formed`) is the core's
# twin; tests/test_detect_backslash_quotes.py has the tests.
_WF_BARE = '[^\\t;|,"]*+'
_WF_RFC = '(?: *+"(?:[^"]|"")*+" *+|' + _WF_BARE + ")"
_WF_BS = '(?: *+"(?:[^"\\\\]|\\\\[\\s\\S]|"")*+" *+|' + _WF_BARE + ")"
_WELL_FORMED = re.compile(f"{_WF_RFC}(?:[\\t;|,]{_WF_RFC})*+")
_WELL_FORMED_BS = re.compile(f"{_WF_BS}(?:[\\t;|,]{_WF_BS})*+")
_QUOTED_BS = re.compile(r'"(?:[^"\\]|\\[\s\S]|"")*"')
_FIELD_RX_BS: dict[str, re.Pattern[str]] = {}


def _escaped(s: str) -> bool:
    """Whether line `s` is read with backslash-escaped quotes (see above)."""
    return '\\"' in s and _WELL_FORMED.fullmatch(s) is None and _WELL_FORMED_BS.fullmatch(s) is not None


def _unquote(s: str) -> str:
    """The line with each quoted field made one placeholder character, empty ones nothing: a
    quoted field may hold the separator, and an empty `""` is an empty cell like a bare one."""
    if '"' not in s:
        return s
    if _escaped(s):  # well-formed: every quote outside a field opens one that closes
        return _QUOTED_BS.sub(lambda m: "q" if m.end() - m.start() > 2 else "", s)
    t = s.replace('""', "") if '""' in s else s
    if _paired(t):
        return "q".join(t.split('"')[0::2])
    return _QUOTED.sub("q", t)


def _paired(t: str) -> bool:
    """Whether `_QUOTED`'s matches in `t` are its quotes taken two by two: with no `""` in it, a
    field's inside is the characters up to the next quote, which closes it; with an even count,
    every opening quote has that closing one. Then `_QUOTED.sub(r, t)` is `r.join` of every other
    piece of `t.split('"')`, a C split instead of sre's walk and a match object per field."""
    return '""' not in t and t.count('"') % 2 == 0


def _drop_quoted(s: str) -> str:
    """The line without its quoted fields (what is left is the line's own text)."""
    if _escaped(s):
        return _QUOTED_BS.sub("", s)
    return "".join(s.split('"')[0::2]) if _paired(s) else _QUOTED.sub("", s)


# The per-line tests below are asked of the same line several times in one call: by the start
# line's `block_start` looking up, by the recognisers from the block's first line, by the next
# start's look up (a header over one row at a time: five `_sig`s and three cell splits a line).
# Short lines' answers are kept for the call (`forget()` empties them when `detect_text` ends:
# nothing crawled outlives it here); a line over _MEMO_LINE is tested each time.
_MEMO_LINE = 400
_MEMO_SIZE = 2048


def forget() -> None:
    """Drop the per-line answers kept during a detection call."""
    _sig_short.cache_clear()
    _spaced_row_short.cache_clear()
    _cell_count_short.cache_clear()
    _header_roles_short.cache_clear()


def _sig(s: str) -> tuple[str, int, int] | None:
    """(separator, count, count with trailing separators) of a record line, quoted fields
    taken as one cell: the counts of its fields, without and with trailing empty cells."""
    return _sig_short(s) if len(s) <= _MEMO_LINE else _sig_of(s)


def _sig_of(s: str) -> tuple[str, int, int] | None:
    if not s.strip():
        return None
    u = _unquote(s)
    t = u.rstrip(" \t;|,")
    best = None
    for sep in _SEPS:
        if sep not in t:  # (`in` is a C search without `count`'s argument parsing: most lines hold one separator)
            continue
        c = t.count(sep)
        if best is None or c > best[1]:
            best = (sep, c)
    return None if best is None else (best[0], best[1], u.count(best[0]))


_sig_short = lru_cache(maxsize=_MEMO_SIZE)(_sig_of)


def delimiter_of(line: str) -> str | None:
    """The field delimiter of a delimited block, read from its first line (a header or a row)."""
    sig = _sig(line)
    if sig is not None:
        return sig[0]
    t = line.strip()  # columns apart by spaces (`_spaced`)
    return "\t" if "\t" in t else " " if " " in t else None


def _fits(s: str, sig: tuple[str, int, int]) -> bool:
    """Whether a line belongs to a run of `sig`: the same number of fields, give or take
    trailing separators and empty trailing cells (exports end some rows with `;;` and not
    others): the ranges (count without, count with trailing empties) of both lines overlap."""
    sep, lo, hi = sig
    t = _unquote(s)
    raw = t.count(sep)
    if raw < lo:
        return False
    return raw <= hi or t.rstrip(" \t;|,").count(sep) <= hi


def _bare(sep: str) -> str:
    return "[^" + ("\\t" if sep == "\t" else re.escape(sep)) + "]*"


# a line whose fields are each unquoted or quoted whole (`"Dupont";"Jean";12`), by separator: its
# fields are its `str.split`'s (`_split`)
_SIMPLE_RX: dict[str, re.Pattern[str]] = {}


def _at_offsets(parts: list[str], base: int) -> list[tuple[str, int]]:
    """The fields `parts` of a line split on a one-character separator, each with its offset
    (`base` for the first). (A loop: `zip` with `accumulate` in C cost more on a row's few fields.)"""
    out, o = [], base
    for v in parts:
        out.append((v, o))
        o += len(v) + 1
    return out


def _split(s: str, sep: str, base: int) -> list[tuple[str, int]]:
    """The fields of a delimited row with their offsets (characters from `base`). On the compiled
    core, its port (`split_row`: the same list, tests/test_engine_differential.py): 2-8x cheaper a
    line (a header-less run's column typing splits its first rows several times: a dump post's
    quoted rows cost ~17 us each through the pattern below, ~2 us in the core)."""
    native = _engine.native_module()
    if native is not None:
        out: list[tuple[str, int]] = native.split_row(s, sep, base)
        return out
    if len(sep) != 1 or sep > "\x7f":  # the core splits on a byte: both refuse anything else
        raise ValueError(f"a field separator is one ASCII character, not {sep!r}")
    if '"' not in s:
        out, o = [], base
        for v in s.split(sep):
            out.append((v, o))
            o += len(v) + 1
        return out
    if '\\"' in s and _escaped(s):
        # the same fields with `\"` and `\\` inside a quoted one; the line is well-formed with
        # them, so every quote a field starts with closes (no attempt scans on and fails)
        rx = _FIELD_RX_BS.get(sep)
        if rx is None:
            rx = _FIELD_RX_BS[sep] = re.compile(' *"(?:[^"\\\\]|\\\\[\\s\\S]|"")*" *|' + _bare(sep))
    else:
        simple = _SIMPLE_RX.get(sep)
        if simple is None:
            bare = "\\t" if sep == "\t" else re.escape(sep)
            field = f'(?:"[^"{bare}]*+"|[^"{bare}]*+)'
            simple = _SIMPLE_RX[sep] = re.compile(f"{field}(?:{bare}{field})*+")
        if sep != " " and simple.fullmatch(s) is not None:
            # each field unquoted, or quoted whole with no quote or separator inside: the fields the
            # pattern below finds are the split's (a quoted one closes at its own last quote, before
            # the separator), for a C split instead of sre's walk and a match object per field
            return _at_offsets(s.split(sep), base)
        rx = _FIELD_RX.get(sep)
        if rx is None:
            # a quoted field may stand between spaces (`a , "12, rue X" , b`), as `_unquote` reads
            # it when it counts the fields: without the spaces the comma inside split the field
            # and every later column was read under the wrong header. The spaces fail or match one
            # way (a quote follows them or not), so a line still costs linear time.
            rx = _FIELD_RX[sep] = re.compile(' *"' + _IN_QUOTES + '" *|' + _bare(sep))
    # The text stays as written (`Dupont \"Jo\"`, `O""Brien`): a value as long as its cell keeps
    # the spans of what is found in it and the excerpt's masks over the whole cell (with `\"` or
    # `""` read as one quote, a name's or a password's last letters stayed in the excerpt, and a
    # phone in a note after one was masked a character or two early); names are read by their
    # words, no email, phone or number holds a quote, and a quoted password's `""` is one quote
    # in its credential (extract.py).
    out = []
    for m in rx.finditer(s):
        if m.start() > 0 and s[m.start() - 1] != sep and m.group(0) == "":
            continue
        out.append((m.group(0), base + m.start()))
    return out


def _password_like(v: str) -> bool:
    v = v.strip()
    return 0 < len(v) <= 64 and "@" not in v and not any(c.isspace() for c in v) and classify_number(v) is None


def _two_column_combo(lines: list[str], i: int, j: int, sep: str) -> bool:
    sample = [_split(lines[k], sep, 0) for k in range(i, min(j, i + 20))]
    ok = sum(1 for f in sample if len(f) == 2 and _BARE_ADDRESS.match(f[0][0]) is not None and _password_like(f[1][0]))
    return ok >= 0.8 * len(sample)


# the login of a two-column `email<sep>password` file: an address and nothing else (its quotes
# and blanks aside), not a line of code or a credit with an `@` in it (`@pytest.mark.x('a', b)`,
# `* @param start first ..., inclusive`, `our @chown = ('/bin/chown', '-h');`,
# `# Name <a@x.org>, 2011`: a .po file's translators, the year no password)
_BARE_ADDRESS = re.compile(r"\A\s*+[\"']?+[^\s@<>()\[\]\"',;:=*#]{1,64}+@[^\s@<>()\[\]\"',;:=]{1,255}+[\"']?+\s*+\Z")


def _list(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """One value per line (an email list, a phone list): a run with zero separators."""
    lines = ctx.lines
    if any(ch in " \t" for ch in lines[i].strip()):
        return _spaced(ctx, i)
    j = i
    while j < len(lines) and len(lines[j]) <= 120 and _WORTH.search(lines[j]) and " " not in lines[j].strip():
        j += 1
    if j - i < 3:
        return max(j, i + 1), None
    return j, ("separated_run", i, j - 1, _scan_lines(lines, i, j))


def _scan_lines(lines: list[str], i: int, j: int, anchored: bool = False) -> Callable[[Sink, list[int]], int]:
    """The fill of a one-value-per-line run `lines[i:j]`: each line scanned as free text, the
    run kept when four lines in five give an identifier (`anchored`: one that starts the line,
    so that `2024 01 15 12 30 41`, a time stamp holding a landline's shape, is no hit)."""

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        found = sink.found
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            before = len(found)
            line = lines[k]
            scan(line, found, offs[k - i])
            if len(found) > before:
                hit += not anchored or found[before][2] == offs[k - i] + len(line) - len(line.lstrip())
        return hit

    fill.accept = lambda hits: hits >= 0.8 * (j - i)  # type: ignore[attr-defined]
    return fill


# A header-less block needs this many rows, or two rows that each hold identifiers of two typed
# columns: two lines with one email each are a signature and a reply as often as a dump.
MIN_HEADERLESS_ROWS = 3
_SAMPLE_ROWS = 64  # rows read to type a header-less block's columns
_MAX_TYPED_FIELDS = 256  # wider rows are not typed column by column (a line of 1M tabs is no dump)


# Columns apart by spaces: a fixed-width export (`DUPONT      JEAN      0612345678`, gaps of two or
# more) or single spaces (`jean@exemple.fr 0612345678`). Neither regex can backtrack: one class.
_GAPS = (re.compile(r"\t| {2,}"), re.compile(r"[ \t]+"))
_MAX_SPACED_CELLS = 24


def _cells(line: str, gap: re.Pattern[str], base: int) -> list[tuple[str, int]]:
    """The cells of a space-separated line with their offsets (leading and trailing spaces are
    no cell; cut at single blanks, a quoted message at the line's end is one, `_quoted_tail`)."""
    t = line.rstrip()
    o = len(t) - len(t.lstrip())
    out: list[tuple[str, int]] = []
    q = _quoted_tail(t) if gap is _GAPS[1] else -1
    end = q if q > o else len(t)
    for m in gap.finditer(t, o, end):
        out.append((t[o:m.start()], base + o))
        o = m.end()
    if q > o:
        out.append((t[o:q].rstrip(" \t"), base + o))
        o = q
    out.append((t[o:], base + o))
    return out


def _quoted_tail(t: str) -> int:
    """Where the quoted text that ends line `t` starts (`... +33612345678 : "Bonjour Karim, ..."`,
    `status=sent msg="..."`), or -1: an SMS gateway's or a mailer's log ends each row in a message
    of its own length, and rows cut at single spaces had as many cells only by chance (the first
    row of a log was lost, its message a word longer). The text is one cell."""
    if len(t) < 3 or t[-1] != '"':
        return -1
    q = t.rfind('"', 0, len(t) - 1)
    if q <= 0:
        return -1
    before = t[q - 1]
    if before in " \t":
        return q
    if before == "=":
        sp = max(t.rfind(" ", 0, q), t.rfind("\t", 0, q))
        return sp + 1 if sp >= 0 else -1
    return -1


def _cell_count(line: str, gap: int) -> int:
    """len(_cells(line, _GAPS[gap], 0)), without building the cells."""
    if len(line) <= _MEMO_LINE:
        return _cell_count_short(line, gap)
    return len(_cells(line, _GAPS[gap], 0))


@lru_cache(maxsize=_MEMO_SIZE)
def _cell_count_short(line: str, gap: int) -> int:
    t = line.rstrip()
    if gap == 1 and t[-1:] == '"' and (q := _quoted_tail(t)) > 0:
        o = len(t) - len(t.lstrip())
        return 1 + len(_GAPS[1].findall(t[:q].rstrip(), o)) + (q > o)
    return 1 + len(_GAPS[gap].findall(t, len(t) - len(t.lstrip())))


def _spaced_row(s: str) -> bool:
    return len(s) <= 400 and _spaced_row_short(s)


@lru_cache(maxsize=_MEMO_SIZE)
def _spaced_row_short(s: str) -> bool:
    return bool(s.strip()) and _sig(s) is None and _WORTH.search(s) is not None


def _spaced_header(head: str, row: str) -> list[str | None] | None:
    """The roles of `head` if it names the columns of the fixed-width row below it (`NOM
    PRENOM  NAISSANCE  EMAIL` over `DUPONT  JEAN  12/03/1985  j@x.fr`): as many cells apart by
    two spaces or more, most of them starting where the row's do, no value in it (a digit, an
    @), and the names a CSV header needs (two strong roles, or one in a two-column file)."""
    if len(head) > 400:
        return None
    roles = _header_roles(head, row) if len(row) > _MEMO_LINE else _header_roles_short(head, row)
    return None if roles is None else list(roles)


def _header_roles(head: str, row: str) -> tuple[str | None, ...] | None:
    if _sig(head) is not None or _WORTH.search(head) is not None:
        return None
    gap = _GAPS[0]
    hc, rc = _cells(head, gap, 0), _cells(row, gap, 0)
    if not 2 <= len(hc) <= _MAX_SPACED_CELLS or len(hc) != len(rc):
        return None
    if 2 * len({o for _, o in hc} & {o for _, o in rc}) < len(hc):
        return None
    roles = tuple(role_of(h) for h, _ in hc)
    typed = sum(1 for r in roles if r in STRONG_ROLES)
    return roles if typed >= 2 or (typed == 1 and len(hc) == 2) else None


_header_roles_short = lru_cache(maxsize=_MEMO_SIZE)(_header_roles)


def glued_dob(v: str) -> str | None:
    """A date of birth written as 8 digits day first (`12041963`, old mainframe and fixed-width
    exports): what `ids.canon_dob` gives for it written `12/04/1963` (month first only where day
    first is no date), and None for what `canon_dob` reads already (`19630412`, HL7's order)."""
    if len(v) != 8 or not v.isdigit() or ids.canon_dob(v) is not None:
        return None
    return ids.canon_dob(v[:2] + "/" + v[2:4] + "/" + v[4:])


def _glued_dob_column(roles: Sequence[str | None], sample: list[list[tuple[str, int]]]) -> int:
    """The index of the date-of-birth column whose sampled cells are each 8 glued digits that
    read as a date day first (`glued_dob`), else -1: the engines' column readers take only
    dates with separators or year first, and this column is read again here (both engines)."""
    if "dob" not in roles or not sample:
        return -1
    d = list(roles).index("dob")
    for cells in sample:
        if d >= len(cells) or glued_dob(clean(*cells[d])[0]) is None:
            return -1
    return d


def _add_glued_dob(cells: list[tuple[str, int]], d: int, sink: Sink) -> None:
    if d < len(cells):
        v, off = clean(*cells[d])
        c = glued_dob(v)
        if c is not None:
            sink.found.append(("dob", c, off, off + len(v)))


# a date of birth whose first two fields are both 1 to 12, or not (`04/17/1981`, `17/04/1981`); its year
# may be two digits and a time may follow (mdb-export's `11/19/81 00:00:00`, Access's `4/17/1981 0:00`)
_MDY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def _month_first_column(roles: Sequence[str | None], sample: list[list[tuple[str, int]]], lines: list[str],
                        body: int, j: int, sep: str) -> int:
    """The index of the date-of-birth column written month first, else -1: one of its dates
    whose second field is over 12 (`04/17/1981`, a US export) and none whose first is says the
    order of the whole column (`11/02/1988` is the 2nd of November there); a column is never
    read in two orders. Asked of the first rows' cells already split (`sample`), then when they
    all read both ways of a few rows more, and when one is month first of `_SAMPLE_ROWS` rows."""
    d = list(roles).index("dob")
    month_first, day_first = _first_fields(clean(*cells[d])[0] for cells in sample if d < len(cells))
    if not month_first and not day_first:  # all read both ways (6% of French dumps): a few rows more,
        # cut by C's split (a quoted separator shifts a row's cells: this only says whether to look on)
        rows = (lines[k].split(sep) for k in range(body + len(sample), min(j, body + 16)))
        month_first, day_first = _first_fields(c[d].strip(" \"'") for c in rows if d < len(c))
    if day_first or not month_first:
        return -1
    end = min(j, body + _SAMPLE_ROWS)
    month_first, day_first = _first_fields(
        clean(*cells[d])[0] for k in range(body, end) if d < len(cells := _split(lines[k], sep, 0)))
    return d if month_first and not day_first else -1


def _first_fields(dates: Iterable[str]) -> tuple[bool, bool]:
    """(one of `dates` reads only month first, one reads only day first)."""
    month_first = day_first = False
    for v in dates:
        m = _MDY.fullmatch(v)
        if m is not None:
            day_first = day_first or int(m.group(1)) > 12
            month_first = month_first or int(m.group(3)) > 12
    return month_first, day_first


def _add_month_first_dob(cells: list[tuple[str, int]], d: int, sink: Sink) -> None:
    if d < len(cells):
        v, off = clean(*cells[d])
        m = _MDY.fullmatch(v)
        c = ids.canon_dob(f"{m.group(3)}{m.group(2)}{m.group(1)}{m.group(2)}{m.group(4)}") if m is not None else None
        if c is not None:
            sink.found.append(("dob", c, off, off + len(v)))


# A report printed in pages (SQL*Plus's spool, a mainframe listing, isql's `-h`) repeats its
# header (and its rule) on each page, after a form feed: a last page may hold a single row, which
# a grid of one row dropped (a header and one row is a form's sample). Such a row is the table's
# when the same header lines stand above, within `_PAGE_BACK` lines, over two rows or more.
_PAGE_BACK = 400


def _page_head_above(lines: list[str], i: int, span: int) -> bool:
    """Whether lines[i:i + span] (a header, and its rule if `span` is 2) stand identically higher
    up, at most `_PAGE_BACK` lines above, over two rows (a page's header repeated)."""
    head = lines[i]
    for h in range(i - 1, max(-1, i - _PAGE_BACK), -1):
        if lines[h] == head and lines[h + 1:h + span] == lines[i + 1:i + span]:
            rows = lines[h + span:h + span + 2]
            return len(rows) == 2 and all(r.strip() and not _TABLE_RULE.match(r) for r in rows)
    return False


def _spaced_with_header(ctx: Ctx, i: int, roles: list[str | None]) -> tuple[int, Spec | None]:
    """A fixed-width table under the header on line `i`: its rows typed by the header's names,
    as a CSV file's (a date under NAISSANCE is a date of birth, a name under NOM a name)."""
    lines = ctx.lines
    gap = _GAPS[0]
    count = len(roles)
    j = i + 1
    while j < len(lines) and _spaced_row(lines[j]) and _cell_count(lines[j], 0) == count:
        j += 1
    ctx.spaced_end[0] = max(ctx.spaced_end[0], j)
    if j - i - 1 < 2 and not (j - i - 1 == 1 and _page_head_above(lines, i, 1)):
        return i + 1, None
    head = [h for h, _ in _cells(lines[i], gap, 0)]
    glued = -1 if "dob" not in roles else _glued_dob_column(
        roles, [_cells(lines[k], gap, 0) for k in range(i + 1, min(j, i + 4))])

    def fill(sink: Sink, offs: list[int]) -> int:
        header_flags(sink, head, offs[0])
        hit = 0
        for k in range(i + 1, j):
            if (k & 255) == 0 and sink.over():
                break
            cells = _cells(lines[k], gap, offs[k - i])
            hit += extract_record(cells, roles, sink) > 0
            if glued >= 0:
                _add_glued_dob(cells, glued, sink)
        return hit

    return j, ("csv", i, j - 1, fill)


_DASHES = re.compile(r"[-=]++")


def _ruled_cells(line: str, cols: list[tuple[int, int]], base: int) -> list[tuple[str, int]]:
    """`line` cut at the columns of a grid's rule (each from its first dash to the next one's): a
    value as wide as its column leaves one space before the next (sqlcmd pads with one)."""
    out: list[tuple[str, int]] = []
    for n, (a, _b) in enumerate(cols):
        end = cols[n + 1][0] if n + 1 < len(cols) else len(line)
        cell = line[a:end]
        lead = len(cell) - len(cell.lstrip())
        out.append((cell.strip(), base + a + lead))
    return out


def _ruled_roles(lines: list[str], i: int) -> tuple[list[tuple[int, int]], list[str | None]] | None:
    """(the columns of the rule under line i, the roles of line i's names in them) when line i is
    a grid's header (see `_ruled_grid`): two strong roles or more, no value (a digit, an @)."""
    head, rule = lines[i], lines[i + 1]
    if len(head) > 400 or len(rule) > 400 or not head.strip() or _WORTH.search(head) is not None:
        return None
    cols = [m.span() for m in _DASHES.finditer(rule)]
    if not 2 <= len(cols) <= _MAX_SPACED_CELLS:
        return None
    roles = [role_of(h) for h, _ in _ruled_cells(head, cols, 0)]
    return (cols, roles) if sum(1 for r in roles if r in STRONG_ROLES) >= 2 else None


def _ruled_grid(ctx: Ctx, i: int, cols: list[tuple[int, int]], roles: list[str | None]) -> tuple[int, Spec | None]:
    """A query tool's grid (sqlcmd, SSMS's results as text, isql, DB2's CLP): the header on line
    `i`, a rule of dashes under it, one run of dashes a column, then the rows, each cut where the
    rule's columns start (a value as wide as its column is one space from the next), typed by
    the header's names as a CSV file's."""
    lines = ctx.lines
    rule = lines[i + 1]
    j = i + 2
    width = len(rule.rstrip()) + 40
    while j < len(lines) and lines[j].strip() and len(lines[j]) <= width and not _TABLE_RULE.match(lines[j]):
        j += 1
    ctx.spaced_end[0] = max(ctx.spaced_end[0], j)
    if j - i - 2 < 2 and not (j - i - 2 == 1 and _page_head_above(lines, i, 2)):
        return i + 1, None
    head = [h for h, _ in _ruled_cells(lines[i], cols, 0)]

    def fill(sink: Sink, offs: list[int]) -> int:
        header_flags(sink, head, offs[0])
        hit = 0
        for k in range(i + 2, j):
            if (k & 255) == 0 and sink.over():
                break
            hit += extract_record(_ruled_cells(lines[k], cols, offs[k - i]), roles, sink) > 0
        return hit

    return j, ("csv", i, j - 1, fill)


def _spaced(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A dump whose columns are apart by spaces, without a header: typed by value like a
    header-less CSV, over the run of lines that have as many cells as this one (with two or
    more spaces between cells where the values hold single spaces), at least
    MIN_HEADERLESS_ROWS of them, with a column typed by its values. Prose lines that each carry
    an address have as many words only by chance, and never an identifier at the same place.
    A run found to be no table is not looked at again from a later line (linear time)."""
    lines = ctx.lines
    if _named_number(lines[i]) is not None:  # two spaces before the number read as two columns
        nxt, spec = _named_numbers(ctx, i)
        if spec is not None:
            return nxt, spec
    if not _spaced_row(lines[i]):
        if i >= ctx.spaced_end[0] and i + 1 < len(lines) and _spaced_row(lines[i + 1]) and (
                roles := _spaced_header(lines[i], lines[i + 1])) is not None:
            return _spaced_with_header(ctx, i, roles)
        if i >= ctx.spaced_end[0] and i + 2 < len(lines) and _TABLE_RULE.match(lines[i + 1]) and _spaced_row(
                lines[i + 2]) and (ruled := _ruled_roles(lines, i)) is not None:
            return _ruled_grid(ctx, i, *ruled)  # the header, a rule of dashes, the rows
        return i + 1, None
    for g, gap in enumerate(_GAPS):
        if i < ctx.spaced_end[g]:
            continue
        count = _cell_count(lines[i], g)
        j = i + 1
        elided: list[int] = []
        if 2 <= count <= _MAX_SPACED_CELLS:
            while j < len(lines):
                if _spaced_row(lines[j]) and _cell_count(lines[j], g) == count:
                    j += 1
                elif j + 1 < len(lines) and _elision(lines[j]) and _spaced_row(lines[j + 1]) \
                        and _cell_count(lines[j + 1], g) == count:
                    elided.append(j)  # (a print's `...` row between its head and its tail)
                    j += 1
                else:
                    break
        ctx.spaced_end[g] = j
        if j - i < MIN_HEADERLESS_ROWS:
            continue
        roles = infer_roles(_columns(lines, i, j, partial(_cells, gap=gap, base=0)))
        if not any(r in _TYPED_BY_VALUE for r in roles):
            continue

        def fill(sink: Sink, offs: list[int], gap: re.Pattern[str] = gap, j: int = j,
                 roles: list[str | None] = roles, single: bool = g == 1,
                 skip: frozenset[int] = frozenset(elided)) -> int:
            hit = 0
            for k in range(i, j):
                if (k & 255) == 0 and sink.over():
                    break
                if k in skip:
                    continue
                cells = _cells(lines[k], gap, offs[k - i])
                if single:
                    cells, rl = _join_untyped(cells, roles, lines[k], offs[k - i])
                    hit += extract_record(cells, rl, sink) > 0
                else:
                    hit += extract_record(cells, roles, sink) > 0
            return hit

        n = j - i - len(elided)
        fill.accept = lambda hits, n=n: hits >= 0.8 * n  # type: ignore[attr-defined]
        return j, ("csv", i, j - 1, fill)
    return _number_list(ctx, i)


_ELLIPSES = frozenset(("...", "…", "⋮", "⋯"))
_ELLIPSIS_HEADS = ".…⋮⋯"


def _elision(line: str) -> bool:
    """Whether `line` is a print's elision row: only ellipses (pandas' `...` under each column, R's `⋮`)."""
    cells = line.split()
    return bool(cells) and len(cells) <= _MAX_SPACED_CELLS and all(c in _ELLIPSES for c in cells)


# A terminal's copy of a table (`Laborde       Dylan<TAB>d.l@gmx.fr   0677825149<TAB><TAB>24/02/2004`):
# the columns were aligned on screen, some by tabs and some by runs of spaces, so a tab's cells hold
# two values (`d.l@gmx.fr   0677825149`) and none of the tab split's columns is one of dates beside
# names: every birth was lost. Where most rows' tab cells hold a run of two spaces or more inside,
# the row is read with every run of blanks of two or more (or a tab) as one gap, when all the
# rows then have as many cells; their columns typed by value as `_spaced`'s.
_MIXED_GAP = re.compile(r"[ \t]{2,}|\t")


def _tab_space_run(lines: list[str], i: int, j: int) -> Spec | None:
    """The spec of the header-less tab run lines[i:j] read with `_MIXED_GAP`, or None."""
    n = j - i
    if n < MIN_HEADERLESS_ROWS:
        return None
    sample = range(i, min(j, i + _SAMPLE_ROWS))
    if 2 * sum(1 for k in sample if "  " in lines[k].strip()) <= len(sample):
        return None
    count = _cell_count_of(lines[i])
    if not 3 <= count <= _MAX_SPACED_CELLS or any(_cell_count_of(lines[k]) != count for k in range(i + 1, j)):
        return None
    cells_of = partial(_cells, gap=_MIXED_GAP, base=0)
    roles = infer_roles(_columns(lines, i, j, cells_of))
    if not any(r in _TYPED_BY_VALUE for r in roles):
        return None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            hit += extract_record(_cells(lines[k], _MIXED_GAP, offs[k - i]), roles, sink) > 0
        return hit

    fill.accept = lambda hits: hits >= 0.8 * n  # type: ignore[attr-defined]
    return ("csv", i, j - 1, fill)


def _cell_count_of(line: str) -> int:
    t = line.rstrip()
    return 1 + len(_MIXED_GAP.findall(t, len(t) - len(t.lstrip())))


# One number per line written with spaces (`06 12 34 56 78`, `+33 6 12 34 56 78`, `4970 1012 3456
# 7802 exp 12/27`, `FR76 3000 6000 ...`): each line is one value, and what follows it, not
# columns. A line starts with a digit (after a `+`, a parenthesis or an IBAN's country), so prose
# (a phone in a sentence) never reads as such a list.
_NUMBER_LINE = re.compile(r"[+(]?(?:[A-Z]{2})?[0-9][0-9A-Za-z ()./:\-]*")


def _number_list(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of such lines, read as `_list` reads one value per line: three lines at least,
    four in five of them giving an identifier."""
    lines = ctx.lines
    j = i
    while j < len(lines) and len(lines[j]) <= 120 and _NUMBER_LINE.fullmatch(lines[j].strip()):
        j += 1
    if j - i < MIN_HEADERLESS_ROWS:
        return _named_numbers(ctx, i)  # `1. Claire Martin : 06 ...` starts like a number
    return j, ("separated_run", i, j - 1, _scan_lines(lines, i, j, anchored=True))


# A directory: a person's name, then a number written with spaces (`Claire Martin : 06 12 34 56
# 78`, `Jean de la Tour - +33 6 ...`, an IBAN `FR76 3000 ...` or `fr76 3000 ...`). Cut at single spaces the number was
# five cells of two digits (or of four characters) that type nothing, and the whole list was lost.
# The name is two to four words, capitalised but for French, Dutch, German, Arabic and Italian
# particles; a line that names a service (`Le standard : 01 ...`, `Urgences : 15`, `Service
# client : ...`) is no person's.
_PARTICLES = "de|du|des|la|le|d'|van|von|der|den|di|da|del|della|el|al|ben|bin|ibn"
_NAMED_NUMBER = re.compile(
    r"\A\s*+(?:[-*•]\s++|\d{1,4}+[.)]\s++)?"
    r"((?:(?:[A-ZÀ-Ý][\w'’.-]{0,30}+|(?:" + _PARTICLES + r")) ++){0,3}[A-ZÀ-Ý][\w'’.-]{0,30}+)"
    r"\s*+(?:[:=|–—-]\s*+)?((?:\(?\+|\()?[0-9][0-9 ()./-]{6,30}+|[A-Za-z]{2}[0-9]{2}(?: ?[0-9A-Za-z]){10,32}+)\s*+")
_SERVICE_WORDS = frozenset({
    "accueil", "agence", "bureau", "cabinet", "centre", "client", "clients", "clinique", "commercial", "contact",
    "direction", "domicile", "fax", "fixe", "hopital", "hotline", "mairie", "mobile", "numero", "pharmacie",
    "police", "portable", "pompiers", "reception", "samu", "sav", "secretariat", "service", "siege", "standard",
    "support", "tel", "telephone", "urgence", "urgences"})


# One word before the number: a family name (`Santoni 06 50 92 04 74`, a list of surnames), or a
# phone's label (`Tel 06...`, `Portable : 07...`, `Mobile 06...`: a list of someone's numbers, whose
# label is no name), but not what numbers a document, an order or a page.
_PHONE_WORDS = frozenset({"tel", "tél", "telephone", "téléphone", "portable", "mobile", "gsm", "cell", "cellulaire",
                          "phone", "mob", "port", "whatsapp", "telegram", "signal"})
_NOT_NAMES = frozenset({"commande", "facture", "ref", "reference", "ticket", "dossier", "colis", "total", "version",
                        "page", "id", "no", "num", "numero", "order", "invoice", "tracking", "suivi", "compte",
                        "contrat", "adherent", "client", "siret", "siren", "tva", "code", "pin", "imei", "serial",
                        "sn", "lot", "article", "produit", "prix", "montant", "solde", "date", "heure", "annee",
                        "iban", "rib", "bic", "carte", "cb"})


def _named_number(s: str) -> re.Match[str] | None:
    if len(s) > 120:
        return None
    m = _NAMED_NUMBER.fullmatch(s)
    if m is None:
        return None
    words = m.group(1).split()
    if len(words) == 1:  # (a word with a digit is the number's own start: `FR76 3000 ...`)
        w = words[0].lower().rstrip(".")
        if any(c.isdigit() for c in w):
            return None
        return m if w in _PHONE_WORDS or norm_name(w) not in _SERVICE_WORDS | _NOT_NAMES else None
    if any(norm_name(w) in _SERVICE_WORDS for w in words):
        return None
    return m


def _label_word(m: re.Match[str]) -> bool:
    """Whether a `_named_number` match's words are a phone's label (`Tel`), not a name."""
    return m.group(1).lower().rstrip(".") in _PHONE_WORDS


def _named_numbers(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of `name: number` lines (see above): three at least, four in five giving an
    identifier from the number, which must end its line; the name is read as a full name."""
    lines = ctx.lines
    j = i
    matches: list[re.Match[str]] = []
    while j < len(lines) and (m := _named_number(lines[j])) is not None:
        matches.append(m)
        j += 1
    if j - i < MIN_HEADERLESS_ROWS:
        return i + 1, None
    # (a name said again is a label, unless it is a phone's: then its numbers must differ)
    if len({m.group(2) if _label_word(m) else m.group(1) for m in matches}) < 0.8 * (j - i):
        return j, None  # not looked at again from a later line of the run (linear time)

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        found = sink.found
        for k, m in enumerate(matches):
            if (k & 255) == 0 and sink.over():
                break
            o = offs[k]
            before = len(found)
            scan(m.group(2), found, o + m.start(2))
            if len(found) > before and found[-1][3] == o + m.start(2) + len(m.group(2).rstrip(" ./-")):
                hit += 1
                if not _label_word(m):
                    extract_record([(m.group(1), o + m.start(1))], ["full_name"], sink)
            else:
                del found[before:]
        return hit

    fill.accept = lambda hits: hits >= 0.8 * (j - i)  # type: ignore[attr-defined]
    return j, ("separated_run", i, j - 1, fill)


def _join_untyped(cells: list[tuple[str, int]], roles: list[str | None], line: str,
                  base: int) -> tuple[list[tuple[str, int]], list[str | None]]:
    """Cells cut at single spaces, with each run of untyped cells joined back into the text it
    was (`Claire Martin -`, `- 06 12 34 56 78`): a value written with spaces, a phone above all,
    was five cells of two digits that type nothing, and lost."""
    out: list[tuple[str, int]] = []
    out_roles: list[str | None] = []
    run: list[int] | None = None  # [start, end] offsets of the run of untyped cells
    for k, (v, off) in enumerate(cells):
        role = roles[k] if k < len(roles) else None
        if role is None:
            if run is None:
                run = [off, off + len(v)]
            else:
                run[1] = off + len(v)
            continue
        if run is not None:
            out.append((line[run[0] - base:run[1] - base], run[0]))
            out_roles.append(None)
            run = None
        out.append((v, off))
        out_roles.append(role)
    if run is not None:
        out.append((line[run[0] - base:run[1] - base], run[0]))
        out_roles.append(None)
    return out, out_roles


def _columns(lines: list[str], i: int, j: int, split: Callable[[str], list[tuple[str, int]]]) -> list[list[str]]:
    """The cleaned, non-null cells of a sample of rows, by column (for `infer_roles`); `split`
    gives a line's cells with their offsets."""
    cols: list[list[str]] = []
    for k in range(i, min(j, i + _SAMPLE_ROWS)):
        if lines[k].lstrip()[:1] in _ELLIPSIS_HEADS and _elision(lines[k]):
            continue  # (a print's `...` row: no column's value)
        for c, (v, o) in enumerate(split(lines[k])):
            if c == len(cols):
                cols.append([])
            v = clean(v, o)[0]
            cols[c].append("" if v in NULLS else v)
    return cols


_LONG_CELL = 80  # a field longer than this is a long cell (a token, a JSON cart, a photo, a user agent)
_LONG_SAMPLE = 20  # lines of a run looked at


def _long_column(lines: list[str], i: int, j: int, sep: str) -> bool:
    """Whether the long fields of the run `lines[i:j]` (its average field over 80 characters)
    are one to three COLUMNS of an export, the other fields short: a users table's JWT, an
    order's cart JSON, a photo's data: URI, a user agent (every web app's table has one; the
    rows were all dropped, wave 25). Prose cut at its commas has long fields anywhere and few
    short ones, and what it says is in its long fields: each row's short fields must hold an
    `@` or 6 digits (the header's need not). Looks at `_LONG_SAMPLE` lines: bounded work."""
    cols: set[int] = set()
    short = total = 0
    for k in range(i, min(j, i + _LONG_SAMPLE)):
        row = 0
        worth = k == i  # (a header)
        for c, (v, _) in enumerate(_split(lines[k], sep, 0)):
            if len(v) > _LONG_CELL:
                cols.add(c)
            elif v.strip():
                row += 1
                total += len(v)
                worth = worth or "@" in v or sum(map(str.isdigit, v)) >= 6
        if row < 2 or not worth:
            return False
        short += row
    # two long columns, three when the rows hold as many short fields (a users table's two
    # tokens and its user agent among seven fields)
    return len(cols) <= min(3, max(2, short // (min(j, i + _LONG_SAMPLE) - i))) and total <= 24 * short


def _ragged(sig: tuple[str, int, int]) -> tuple[str, int, int]:
    """The field counts a run of `sig` takes: exports leave a row's empty last fields off (`;;`
    dropped) or add empty columns to some rows (`;;;x`), so a row of four fields or more is
    in its run up to three fields longer, and one or two fields shorter (three from seven on);
    a narrower one has its exact width (a two-field combo and a three-field row are not one run)."""
    sep, lo, hi = sig
    if lo < 3:
        return sig
    return sep, lo - min(3, lo // 2), hi + 3


def _ragged_row(s: str, wide: tuple[str, int, int]) -> bool:
    """Whether `s` is a ragged row of a run that takes `wide`: no JSON line (a token's claims
    decoded under the rows have their commas too) and no blank line."""
    t = s.lstrip()
    return t[:1] not in ("", "{", "[") and _fits(s, wide)


# an @ after an address's local part: a row's, not a header's, whose names may start with one
# (Kibana's and Logstash's `@timestamp`, `@version`; JSON-LD's `@id`)
_NAMED_AT = re.compile(r"[\w.+-]@")


def _runs(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    sig = _sig(lines[i])
    if sig is None:
        return i + 1, None
    # a rule under the first line (a query tool's output: psql, the mysql client): the line is a
    # header and the rows start below the rule
    rule = int(i + 2 < len(lines) and _TABLE_RULE.match(lines[i + 1]) is not None and _fits(lines[i + 2], sig))
    wide = _ragged(sig)
    native = _engine.native_module()
    j = i + 1 + rule
    while True:  # (rows of its width, then a ragged row and on: rarely more than once)
        if native is not None:  # the compiled core: the run's lines in one call (issue 17)
            j = native.run_end(lines, j, *sig)
        else:
            while j < len(lines) and lines[j].strip() and _fits(lines[j], sig):
                j += 1
        if wide is sig or j >= len(lines) or not _ragged_row(lines[j], wide):
            break
        j += 1
    if j - i - rule < 2:  # a header and one row at the very least
        return j, None
    sep, count, _ = sig
    head = [f for f, _ in _split(lines[i], sep, 0)]
    hroles = [role_of(h) for h in head]
    typed_n = sum(1 for r in hroles if r in STRONG_ROLES)
    # a header names columns: no @, no field that looks like a value (5+ digits), and at least
    # two names we know (one is enough for a two-column file); `adresse1` or `tel2` are fine
    no_at = "@" not in lines[i] or _NAMED_AT.search(lines[i]) is None
    has_header = (no_at and typed_n >= 1 and (typed_n >= 2 or count == 1)
                  and not any(sum(map(str.isdigit, h)) >= 5 for h in head))  # (per character in C)
    if typed_n == 1 and not has_header and not LUHN_ID_ROLES.isdisjoint(hroles) and no_at:
        # `raison_sociale;siret;contact`: one name, of a column only a header types
        has_header = names_a_luhn_column(head, hroles, [f for f, _ in _split(lines[i + 1 + rule], sep, 0)])
    if rule and not has_header:  # a rule under a row: the rows below it are a run of their own
        return i + 1, None
    body = i + (1 if has_header else 0) + rule  # the first row
    rows = j - body
    if rows < (1 if has_header else 2):
        return j, None
    avg = sum(map(len, lines[i:j])) / (j - i) / (count + 1)  # (a slice and `map`: no Python step a line)
    if avg > 80 and not _long_column(lines, i, j, sep):
        return j, None
    spaced = False
    if sep == "," and not has_header:  # prose has ", " after its commas; CSV rarely does
        sample = [_drop_quoted(lines[k]) for k in range(i, min(j, i + 20))]
        spaced = sum(t.count(", ") for t in sample) > 0.5 * count * len(sample)
    roles: list[str | None] | None = hroles if has_header else None
    kind = "csv" if has_header or (ctx.is_table_file and i <= 2) else "separated_run"
    if not has_header and count == 1 and _two_column_combo(lines, i, j, sep):
        roles, kind = ["login", "password"], "combo"  # `email<TAB>password`, `email;password`
    elif not has_header:
        if sep == "\t" and count < _MAX_SPACED_CELLS and (mixed := _tab_space_run(lines, i, j)) is not None:
            return j, mixed  # a terminal's copy: columns apart by tabs and by runs of spaces
        # no header: type the columns by what their values validate as, across rows
        row_cells = partial(_split, sep=sep, base=0)
        inferred = infer_roles(_columns(lines, i, j, row_cells)) if count < _MAX_TYPED_FIELDS else []
        strong = sum(1 for r in inferred if r in _TYPED_BY_VALUE)
        if strong and (rows >= MIN_HEADERLESS_ROWS or strong >= 2):
            roles, kind = inferred, "csv"
        elif rows < MIN_HEADERLESS_ROWS:
            return j, None

    glued = us = -1
    if roles is not None and "dob" in roles:
        first_rows = [_split(lines[k], sep, 0) for k in range(body, min(j, body + 3))]
        glued = _glued_dob_column(roles, first_rows)
        if glued < 0:
            us = _month_first_column(roles, first_rows, lines, body, j, sep)
    row_roles = roles
    if us >= 0 and roles is not None:  # (its dates read below, month first: no engine's column reader does)
        row_roles = list(roles)
        row_roles[us] = None

    def fill(sink: Sink, offs: list[int]) -> int:
        if has_header:
            header_flags(sink, head, offs[0])
        if glued >= 0 or us >= 0:  # (dates of birth as 8 glued digits or month first: read below)
            n = fill_rows(sink, offs)
            for k in range(body, j):
                if (k & 255) == 0 and sink.over():
                    break
                if glued >= 0:
                    _add_glued_dob(_split(lines[k], sep, offs[k - i]), glued, sink)
                else:
                    _add_month_first_dob(_split(lines[k], sep, offs[k - i]), us, sink)
            return n
        return fill_rows(sink, offs)

    def fill_rows(sink: Sink, offs: list[int]) -> int:
        if row_roles is not None:  # the compiled core (issue 17), one call for the block
            n = extract_rows(lines, body, j, offs, i, sep, True, row_roles, sink)
            if n is not None:
                return n
        hit = 0
        found = sink.found
        for k in range(body, j):
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
                hit += extract_record(_split(lines[k], sep, offs[k - i]), row_roles, sink) > 0
        return hit

    # acceptance needs the records: a typed header suffices, else most rows must hold identifiers
    # (a two-row block without a header: both). Without a header or a column typed by its
    # values, identifiers scattered over the columns are what prose gives (`écrivez à x@y.fr;
    # on répond vite` over `appelez; le standard; au 01...`): 80% of the rows then.
    loose = roles is not None and not spaced

    def accept(hits: int) -> bool:
        if has_header and typed_n >= 2:
            return True
        if rows < MIN_HEADERLESS_ROWS:
            return hits >= rows
        return hits >= max(1, (0.5 if loose else 0.8) * rows)

    fill.accept = accept  # type: ignore[attr-defined]
    return j, (kind, i, j - 1, fill)


# ------------------------------------------------------------------------------- dispatcher
BACK = 8  # how far a block may start above the first line that carries an identifier


def block_start(ctx: Ctx, i: int, floor: int) -> int:
    """The first line of the block that line `i` belongs to, looking at most BACK lines up and
    never above `floor`: the labels above a dox's phone line, the header above CSV rows, the
    `URL:` and `Soft:` lines above a stealer log's login. Lines of the same family only."""
    lines = ctx.lines
    s = lines[i]
    ctx.floor = floor
    lo = max(floor, i - BACK)
    k = i
    if ":" in s and (card := vcard_start(lines, i, floor)) is not None:  # a property of a vCard
        return card
    if "|" in s and ASTM_RECORD.match(s):  # a laboratory message's record: up to its header record
        j = i
        while j > lo and ASTM_RECORD.match(lines[j - 1]):
            j -= 1
            if ASTM_HEAD.match(lines[j]):
                return j
    if ":" in s and (entry := ldif_start(lines, i, floor)) is not None:  # an attribute of an LDIF entry
        return entry
    if i >= ctx.json_end and s.lstrip()[:1] == '"' and is_pretty_json_line(s) and (
            top := pretty_json_start(lines, i, floor)) is not None:  # a member of a pretty-printed JSON value
        return top
    if _combo_line(s):
        while k > lo and _combo_line(lines[k - 1]):
            k -= 1
    elif _url_combo_match(s) is not None:
        while k > lo and (_url_combo_match(lines[k - 1]) is not None or _combo_line(lines[k - 1])):
            k -= 1
    elif is_xml_line(s):  # the record's elements above its identifier's line
        while k > lo and is_xml_line(lines[k - 1]):
            k -= 1
    elif s.lstrip()[:1] in "{[" and is_json_line(s):
        while k > lo and is_json_line(lines[k - 1]):
            k -= 1
    elif ((km := _kv_match(s)) is not None and "," not in km.group(1)) or (
            s[:1] in _BORN_FIRST and _born_line(s) is not None):
        # (a "label" holding a comma is cells of a CSV row: `Claire Martin,1985-03-15T00:00:00,...`
        # matches as `label: value` at the time's colon; its header is found below, by signature)
        j = k
        while j > lo:
            prev = lines[j - 1]
            if _kv_match(prev) or _born(prev) is not None or (prev[:1] in _BORN_FIRST and _born_line(prev) is not None):
                k = j = j - 1
            elif k == j and prev[:1].isupper() and heading_name(lines, j - 1, floor) is not None:
                k = j - 1  # `Gabin PERROT` over a dox's labels: the name they are of
                break
            elif not prev.strip() or _RULE.match(prev):
                j -= 1
                if k - j > 2:
                    break
            else:
                break
    else:
        if s[:1] == "[" or s.lstrip()[:1] == "[":
            if bbcode_row(s):  # a BBCode table's row: up to its first row (the header's)
                while k > lo and bbcode_row(lines[k - 1]):
                    k -= 1
                return k
        sig = _sig(s)
        if sig is None and (head := vertical_head(lines, i, floor)) is not None:
            return head  # a table flattened one cell a line: up to its header's first name
        if sig is not None:
            wide = _ragged(sig)  # (the rows a run of it takes: `_runs`)
            while k > lo and lines[k - 1].strip() and _fits(lines[k - 1], wide) and (
                    wide is sig or lines[k - 1].lstrip()[:1] not in ("{", "[") or _fits(lines[k - 1], sig)):
                ps = _sig(lines[k - 1])
                if ps is None or ps[0] != sig[0]:
                    break
                k -= 1
            # the header of a query tool's output, above the rule under it (see `_runs`)
            if k - 2 >= lo and _TABLE_RULE.match(lines[k - 1]) and _fits(lines[k - 2], sig):
                ps = _sig(lines[k - 2])
                if ps is not None and ps[0] == sig[0]:
                    k -= 2
        elif _spaced_row(s) and k > lo:
            # a fixed-width table: up its rows (as many cells) to the header that names them
            count = _cell_count(s, 0)
            while k > lo and _spaced_row(lines[k - 1]) and _cell_count(lines[k - 1], 0) == count:
                k -= 1
            if k > lo and _spaced_header(lines[k - 1], lines[k]) is not None:
                k -= 1
            elif k - 1 > lo and _TABLE_RULE.match(lines[k - 1]) and _ruled_roles(lines, k - 2) is not None:
                k -= 2  # a query tool's grid (sqlcmd, SSMS, isql): its header over a rule of dashes
            else:
                k = i
    return k


def recognise(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    s = ctx.lines[i]
    t = s.lstrip()
    if not t:
        return i + 1, None
    c = t[0]
    if c in "IiRr" and (t[:6].upper() in ("INSERT", "REPLAC") or t[:5].upper() == "INTO ") and (
            insert_match(s) or split_insert_head(ctx.lines, i)):
        return sql(ctx, i)
    if c in "Cc":
        head = t[:6].upper()
        if head == "CREATE" and re2_match(CREATE, s):
            return create_table(ctx, i), None
        if head[:5] == "COPY " and re2_match(COPY, s):
            return copy_block(ctx, i)
    if t.startswith("MSH|"):
        return hl7(ctx, i)
    if c in "Uu" and t[:6].upper() == "UPDATE" and is_update(s):
        nxt, spec = sql_update(ctx, i)
        if spec is not None:
            return nxt, spec
    if c == "H" and ASTM_HEAD.match(t):
        nxt, spec = astm(ctx, i)
        if spec is not None:
            return nxt, spec
    if c in "Bb" and is_vcard_begin(s):
        return vcard(ctx, i)
    if c in "Dd" and is_ldif_dn(s):
        return ldif(ctx, i)
    if c == "<":
        nxt, spec = xml(ctx, i)
        if spec is not None:
            return nxt, spec
    if c == "[" and bbcode_row(s):
        return bbcode_table(ctx, i)
    if c in '{["' and i >= ctx.json_end and not is_json_line(s) and opens_json_value(s):
        nxt, spec = pretty_json(ctx, i)
        if spec is not None:
            return nxt, spec
    if c in "{[" and is_json_line(s):
        return jsonl(ctx, i)
    if ":" in s and mail_line(s):  # a message's headers: its correspondents (`mail`)
        got = mail_block(ctx, i, ctx.floor)
        if got is not None:
            return got
    if "=" in s and form_fields(s) is not None:
        nxt, spec = _form(ctx, i)
        if spec is not None:
            return nxt, spec
    if c in "+123456789" and _FB_ROW.match(s) is not None:
        nxt, spec = _fb_rows(ctx, i)
        if spec is not None:
            return nxt, spec
    if _url_combo_match(s) is not None:
        nxt, spec = _url_combo(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if PRACTITIONER_HINT.search("\n".join(ctx.lines[i:i + 4])) is not None and (
            doc := prescription(ctx, i, _born, _born_line, _kv_match)) is not None:
        return doc  # a prescription, a certificate: a practitioner's number and one patient's birth
    if _pairs(s) is not None:
        nxt, spec = _labelled(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if "=" in s and _logfmt_pairs(s) is not None:
        nxt, spec = _logfmt(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if _combo_line(s):
        nxt, spec = _combo(ctx, i)
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if "le" in s and _born(s) is not None:
        # a person's name and birth: a dox's first line when labelled lines follow, else a list
        nxt, spec = _kv(ctx, i) if i + 1 < len(ctx.lines) and _kv_match(ctx.lines[i + 1]) else _born_run(ctx, i)
        if spec is not None and nxt == i + 1 and spec[0] == "dox" and _told_below(ctx, i):
            # one person's line, and the sentence under it tells of them (`C'est lui le délégué syndical
            # CGT de l'entrepôt`): a dox in prose, read whole (as `prose_dox` reads a line ending in "."),
            # not a one-line list of births whose next line is nobody's
            kept = ctx.prose_end
            pnxt, pspec = prose_dox(ctx, i, ctx.floor)
            if pspec is not None and pnxt > nxt:
                return pnxt, pspec
            ctx.prose_end = kept
        if spec is not None:
            return nxt, spec
    if c in "[(0123456789" and ":" in s and _chat_match(s) is not None:
        nxt, spec = _chat(ctx, i)
        if spec is not None:
            return nxt, spec
    if _kv_match(s) or (c in "nN-*•" and _born_line(s) is not None) or (
            c.isupper() and len(s) <= 60 and ":" not in s and i + 1 < len(ctx.lines) and _kv_match(ctx.lines[i + 1])
            and heading_name(ctx.lines, i, ctx.floor) is not None):  # (`block_start` walked up to a name)
        nxt, spec = _kv(ctx, i)
        if spec is None and _named_number(s) is not None:
            # `Santoni : 06 50 92 04 74`, `Portable : 07 ...`: a name or a phone's label, no other label
            nn, nspec = _named_numbers(ctx, i)
            if nspec is not None:
                return nn, nspec
        if spec is not None or nxt > i + 1:
            return nxt, spec
    if ("[" in s or "(" in s or "{" in s) and has_obfuscated_at(s):
        nxt, spec = _obfuscated_list(ctx, i)
        if spec is not None:
            return nxt, spec
    if _sig(s) is None:
        if (vt := vertical_table(ctx, i)) is not None:
            return vt
        nxt, spec = _list(ctx, i)
    else:
        nxt, spec = _runs(ctx, i)
    if spec is None and nxt == i + 1 and s.count("@") >= MIN_LINE_ADDRESSES:
        nxt, spec = _address_line(ctx, i)
    if spec is None and "@" not in s and _PHONE_ITEM.search(s) is not None:
        # (a run of two lines that typed nothing may be this line and the names under it)
        pnxt, pspec = _phone_line(ctx, i)
        if pspec is not None:
            return pnxt, pspec
    if spec is None:  # nothing else took the line: a dox written as prose?
        pnxt, pspec = prose_dox(ctx, i, ctx.floor)
        if pspec is not None:
            return pnxt, pspec
    return nxt, spec
