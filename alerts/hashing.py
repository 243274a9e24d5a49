"""The organisation's side: identifiers in, `type,prehash_hex` lines out. No key, no server.

Runs on the organisation's own machine (`vigie hash`). Each value goes through
`indexer.identifiers.canonical_forms`, the very function the extractor uses, so a pre-hash made
here equals the one Vigie computes from a dump (`indexer.tokens.prehash`). Email yields two
forms (exact and provider-canonical): both are written.

Input is either a CSV whose header names the columns (French or English names, any of `,;\t|`
as separator, UTF-8 or cp1252) or a text file with one identifier per line.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from alerts import AlertsError
from indexer.tokens import prehash

__all__ = ["HEADER_TYPES", "HashError", "HashStats", "column_type", "hash_file"]


class HashError(AlertsError):
    """The input cannot be read as asked (unknown column, no recognisable header...)."""


# Normalised header name (lowercase, no accents, non-alphanumerics removed) -> identifier type.
HEADER_TYPES: dict[str, str] = {}
for _type, _names in {
    "email": "email mail e_mail courriel adresse_mail adresse_email email_address mail_address "
             "adresse_electronique",
    "phone": "telephone tel phone mobile portable phone_number numero_telephone num_tel gsm "
             "cell cellphone telephone_mobile telephone_portable tel_mobile tel_portable msisdn "
             "n_tel no_tel n_telephone numero_de_telephone phone_no",
    "nir": "nir nss numero_secu num_secu secu securite_sociale numero_securite_sociale "
           "social_security_number ssn insee numero_insee matricule_secu n_secu no_secu n_ss "
           "numero_ss num_ss n_securite_sociale n_de_securite_sociale numero_de_securite_sociale "
           "no_securite_sociale",
    "iban": "iban rib_iban numero_iban",
    "card": "card carte card_number numero_carte cb pan credit_card carte_bancaire",
    "siren": "siren", "siret": "siret", "rpps": "rpps numero_rpps", "adeli": "adeli numero_adeli",
    "dob": "dob date_naissance date_de_naissance birthdate birth_date date_of_birth naissance ddn "
           "birthday geburtsdatum fecha_nacimiento data_nascita",
    # national identifiers: the header names the country, values are then given without "CC:"
    "national_id": "national_id", "national_id:BE": "numero_national registre_national rijksregisternummer niss",
    "national_id:ES": "dni nie dni_nie", "national_id:IT": "codice_fiscale codicefiscale",
    "national_id:US": "us_ssn", "national_id:GB": "nino ni_number national_insurance_number",
    "national_id:CH": "avs ahv numero_avs no_avs ahv_nr",
}.items():
    for _name in _names.split():
        HEADER_TYPES[_name.replace("_", "")] = _type

# Order in which a bare line of text is tried when no --type is given (most specific first).
_GUESS_ORDER = ("email", "iban", "card", "nir", "siret", "phone")
_SEPARATORS = ",;\t|"


def _norm(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def column_type(header: str) -> str | None:
    """The identifier type a column header names, or None (e.g. 'Téléphone' -> 'phone')."""
    return HEADER_TYPES.get(_norm(header))


@dataclass
class HashStats:
    lines: int = 0
    values: int = 0
    written: int = 0
    rejected: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    rejected_by_type: dict[str, int] = field(default_factory=dict)


def _decoded_lines(path: Path, on_bytes: Callable[[int], None] | None) -> Iterator[str]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # a multi-byte char cut by the 1 MiB boundary is still UTF-8
            encoding = "utf-8" if exc.start >= len(head) - 4 else "cp1252"
        fh.seek(0)
        first = True
        done = 0
        for raw in fh:
            line = raw.decode(encoding, errors="replace")
            if first:
                line = line.lstrip("\ufeff")
                first = False
            yield line
            done += len(raw)
            if on_bytes is not None and done >= 1 << 16:
                on_bytes(done)
                done = 0
        if on_bytes is not None and done:
            on_bytes(done)


def _sniff_separator(line: str) -> str | None:
    counts = {sep: line.count(sep) for sep in _SEPARATORS}
    sep, n = max(counts.items(), key=lambda kv: kv[1])
    return sep if n else None


def hash_file(path: Path, out: TextIO, rejects: TextIO | None = None, *, id_type: str | None = None,
              column: str | None = None, on_bytes: Callable[[int], None] | None = None,
              jobs: int = 1) -> HashStats:
    """Write `type,prehash_hex` for every valid identifier of `path` to `out`.

    `column` selects one CSV column (header name or 1-based number); `id_type` forces the type
    (otherwise it comes from the header, or is guessed per line for plain text). Rejected values
    go to `rejects` as `line,type,reason`: the value itself is not echoed, so the report can be
    shared without spreading the data. `jobs` > 1 canonicalises in that many processes.
    """
    from indexer.identifiers import IdentifierError, canonical_forms

    if id_type is not None:
        try:
            _typed_forms(id_type, "", canonical_forms)
        except IdentifierError as exc:
            raise HashError(str(exc)) from None
    lines = _decoded_lines(path, on_bytes)
    try:
        first = next(lines)
    except StopIteration:
        return HashStats()

    sep = _sniff_separator(first)
    header = next(csv.reader([first], delimiter=sep)) if sep else [first.strip()]
    typed = [column_type(h) for h in header]
    columns: list[tuple[int, str | None]]  # (index, type or None=guess)
    has_header = any(typed) or (column is not None and not column.isdigit())
    if column is not None:
        if column.isdigit():
            idx = int(column) - 1
            has_header = any(typed)
        else:
            names = [_norm(h) for h in header]
            if _norm(column) not in names:
                raise HashError(f"{path}: no column {column!r} in the header {header}; "
                                "give its name as written in the first line, or its number (1-based)")
            idx = names.index(_norm(column))
        ctype = id_type or (typed[idx] if has_header and idx < len(typed) else None)
        columns = [(idx, ctype)]
    elif id_type is not None:
        # `--type national_id` takes the country from a header that names it (`dni`)
        same: list[tuple[int, str | None]] = [(i, t if ":" not in id_type else id_type) for i, t in enumerate(typed)
                if t is not None and t.partition(":")[0] == id_type.partition(":")[0]]
        columns = same or [(0, id_type)]
        has_header = bool(same)
    elif any(typed):
        columns = [(i, t) for i, t in enumerate(typed) if t]
    elif sep and len(header) > 1:
        # no header: the first row is data; keep the columns whose first value is recognised
        columns = [(i, None) for i, v in enumerate(header) if _guess(v.strip(), canonical_forms)[0]]
        if not columns:
            raise HashError(
                f"{path}: the first line names no identifier column and holds no recognisable "
                "identifier; use --column NAME (and --type TYPE), or name a column e.g. email, "
                "telephone, nir, iban"
            )
        has_header = False
    else:
        columns = [(0, None)]
        has_header = False
    text_mode = sep is None or (id_type is not None and column is None and not has_header)

    stats = HashStats()

    def rows() -> Iterator[tuple[int, list[str]]]:
        if text_mode:
            if not has_header:
                yield 1, [first.rstrip("\r\n")]
            for n, line in enumerate(lines, 2):
                yield n, [line.rstrip("\r\n")]
            return
        reader = csv.reader(_chain(first, lines) if not has_header else lines, delimiter=sep or ",")
        offset = 0 if not has_header else 1
        for row in reader:
            yield reader.line_num + offset, row

    # Canonicalisation dominates (phone and NIR parsing); batches of rows go to worker
    # processes when jobs > 1. Output order is kept (imap is ordered).
    batches = _batches(rows(), columns)
    if jobs > 1:
        import multiprocessing as mp

        pool = mp.get_context("fork").Pool(jobs)
        results: Iterator[tuple[str, str, HashStats]] = pool.imap(_hash_batch, batches, chunksize=1)
    else:
        pool = None
        results = map(_hash_batch, batches)
    try:
        for text, rej_text, part in results:
            out.write(text)
            if rejects is not None:
                rejects.write(rej_text)
            _merge(stats, part)
    finally:
        if pool is not None:
            pool.terminate()
    return stats


_BATCH = 5000


def _batches(rows: Iterator[tuple[int, list[str]]], columns: list[tuple[int, str | None]],
             ) -> Iterator[tuple[list[tuple[int, list[str]]], list[tuple[int, str | None]]]]:
    batch: list[tuple[int, list[str]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch, columns
            batch = []
    if batch:
        yield batch, columns


def _merge(total: HashStats, part: HashStats) -> None:
    total.lines += part.lines
    total.values += part.values
    total.written += part.written
    total.rejected += part.rejected
    for src, dst in ((part.by_type, total.by_type), (part.rejected_by_type, total.rejected_by_type)):
        for k, v in src.items():
            dst[k] = dst.get(k, 0) + v


def _hash_batch(args: tuple[list[tuple[int, list[str]]], list[tuple[int, str | None]]],
                ) -> tuple[str, str, HashStats]:
    from indexer.identifiers import canonical_forms

    rows, columns = args
    stats = HashStats()
    out: list[str] = []
    rej: list[str] = []
    for lineno, row in rows:
        stats.lines += 1
        for idx, ctype in columns:
            value = row[idx].strip() if idx < len(row) else ""
            if not value:
                continue
            stats.values += 1
            if ctype is None:
                ctype_found, forms = _guess(value, canonical_forms)
                reason_type = ctype_found or "unknown"
            else:
                ctype_found, forms = _typed_forms(ctype, value, canonical_forms)
                reason_type = ctype
            if not forms:
                stats.rejected += 1
                stats.rejected_by_type[reason_type] = stats.rejected_by_type.get(reason_type, 0) + 1
                reason = (f"not a valid {ctype}" if ctype else
                          "not recognised as any identifier type (use --type)")
                rej.append(f"{lineno},{reason_type},{reason}\n")
                continue
            assert ctype_found is not None
            for form in forms:
                out.append(f"{ctype_found},{prehash(ctype_found, form).hex()}\n")
                stats.written += 1
            stats.by_type[ctype_found] = stats.by_type.get(ctype_found, 0) + 1
    return "".join(out), "".join(rej), stats


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _typed_forms(ctype: str, value: str, canonical_forms: Callable[[str, str], list[str]]) -> tuple[str, list[str]]:
    """(token type, canonical forms) of a value under a column type; `national_id:BE` (a header
    naming the country, or `--type national_id:BE`) reads a bare value as that country's."""
    base, _, cc = ctype.partition(":")
    if base == "national_id" and cc and not (len(value) > 3 and value[2] == ":"):
        value = f"{cc}:{value}"
    return base, canonical_forms(base, value)


def _guess(value: str, canonical_forms: Callable[[str, str], list[str]]) -> tuple[str | None, list[str]]:
    if len(value) > 3 and value[2] == ":" and value[:2].isalpha() and value[:2].isupper():
        # `BE:85073003328` says what it is: valid as that country's, or rejected (never a phone)
        from indexer.identifiers import IdentifierError

        try:
            return "national_id", canonical_forms("national_id", value)
        except IdentifierError:  # a country without national id rules
            return "national_id", []
    for t in _GUESS_ORDER:
        if t == "email" and "@" not in value:
            continue
        forms = canonical_forms(t, value)
        if forms:
            return t, forms
    return None, []
