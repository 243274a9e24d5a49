"""Directories of establishments and tables of number ranges: identifiers of no one.

Why: a public list of businesses holds their business identifiers, not anyone's personal data.
Two shapes came up in blind probe set 10 (wave 31):

- a directory of establishments (`directory`): a business park's companies (`SIRET;Dénomination;NAF;
  Adresse;Effectif`), the pharmacies on duty (`Date;Pharmacie;Adresse;Téléphone`, each pharmacy's
  landline). The header names an establishment's column (dénomination, raison sociale, entreprise,
  pharmacie, company, NAF...) and no person's (nom, prénom, contact, client, patient, mobile,
  naissance...; an address column is the establishment's), no row names a civility, every phone is a
  fixed line (`nobody._switchboard`), and the identifiers are those phones, SIRETs/SIRENs and
  addresses. The same table with a person's column, a mobile or a mailbox is kept (wave 30's
  `switchboards` is the same decision for a company's service lines);
- a table of number ranges (`range_bounds`): a numbering plan's blocks (`0612000000;0612999999`,
  first and last of a range, `+44 7700 900000 - 7700 900999`): a pair of phones of the same number
  but for a tail of zeros in one and of nines in the other is a range's bounds, no one's line.

Python for both engines (`detect._build`'s), asked only of a table whose found types are within
`TYPES` (a dump's fragment with births, mails or NIRs never pays for the header's look); the bounds'
look only of a fragment with phones whose text holds `9999`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.article9 import fold
from indexer.detect.nobody import _switchboard
from indexer.detect.switchboards import _CIVILITY, _PERSON_HEAD
from indexer.models import Identifier

__all__ = ["KINDS", "RANGE_TYPES", "TYPES", "directory", "range_bounds", "ranges_head"]

# what a directory of establishments holds: their landlines, SIRETs and SIRENs, addresses (and a name
# the name finder read in a company's name)
TYPES = frozenset({"phone", "siret", "siren", "address", "name"})
# what a table of number ranges holds: phones (and what a name or address finder reads in an operator's
# column); a dump's table, with its mails or births, never pays for the header's look
RANGE_TYPES = frozenset({"phone", "address", "name"})
# the kinds of fragment a table is read as
KINDS = frozenset({"csv", "separated_run"})

# a header's words that name an establishment's column (folded: lower case, no accents)
_ORG_HEAD = re.compile(
    r"(?<![a-z])(?:denominations?|denomination sociale|raisons? sociales?|raison_sociale|entreprises?|societes?|"
    r"etablissements?|enseignes?|commerces?|pharmacies?|pharmacy|companies|company|business(?:es)?|"
    r"shops?|stores?|magasins?|agences?|branch(?:es)?|succursales?|naf|code naf|ape|code ape|effectifs?|"
    r"headcount|forme juridique|legal form|siret|siren)(?![a-z])"
)
# an establishment's address is no person's: the word leaves the header before `_PERSON_HEAD` reads it
_ADDRESS_WORD = re.compile(r"(?<![a-z])(?:adresses?|address(?:es)?)(?![a-z])")
# the people a table of establishments may still list (its customers, patients, members): kept
_CUSTOMER_HEAD = re.compile(
    r"(?<![a-z])(?:clients?|clientes?|customers?|patients?|patientes?|adherents?|membres?|members?|"
    r"beneficiaires?|eleves?|pupils?|students?|etudiants?|gerants?|dirigeants?|owners?|proprietaires?|"
    r"mails?|e-?mails?|courriels?|nir|secu|iban|rib)(?![a-z])"
)
_HEAD_CHARS = 300  # a header line's length read


def directory(text: str, raw: list[str], first: int, idents: Iterable[Identifier]) -> bool:
    """Whether the fragment `text` (its first line `raw[first]`) is a directory of establishments:
    the header (that line or the one over it) names an establishment's column and no person's, no
    row names a civility, every phone is a fixed line, and it holds at least two phones or business
    numbers. Asked only of a table whose identifiers are within `TYPES`."""
    if not _head_of_establishments(raw, first) or _CIVILITY.search(text) is not None:
        return False
    strong = 0
    for ident in idents:
        if ident.type == "phone":
            if not _switchboard(ident.value):
                return False
            strong += 1
        elif ident.type in ("siret", "siren"):
            strong += 1
    return strong >= 2


def _head_of_establishments(raw: list[str], first: int) -> bool:
    """Whether the header at or over `raw[first]` names an establishment's column and no person's."""
    for k in range(max(0, first - 1), first + 1):
        head = fold(raw[k][:_HEAD_CHARS])
        if _ORG_HEAD.search(head) is not None:
            rest = _ADDRESS_WORD.sub(" ", head)
            return _PERSON_HEAD.search(rest) is None and _CUSTOMER_HEAD.search(rest) is None
    return False


# ---------------------------------------------------------------- number ranges

_MIN_TAIL = 3  # a range's bounds end in at least three zeros and as many nines
# a header cell that names a range's bound (`Tranche_Debut`, `first`, `De`, `À`, `range_end`), lower case
_BOUND_CELL = re.compile(r"(?:^|[ _-])(?:d[ée]but|fin|de|[aà]|from|to|first|last|start|end|min|max|low|high|lower|"
                         r"upper|premier|dernier|bornes?)(?:$|[ _-])")
# what a header naming bounds holds somewhere (C searches on its lower case before any split or pattern:
# a dump's `nom;prenom;email;telephone` header is read no further)
_BOUND_SCREEN = ("debut", "début", "fin", "de ", " de", "à", "a ", "from", "to", "first", "last", "start", "end",
                 "min", "max", "low", "high", "upper", "premier", "dernier", "borne")


def ranges_head(raw: list[str], first: int) -> bool:
    """Whether the header at or over `raw[first]` names two bounds of a range (`Tranche_Debut;Tranche_Fin`,
    `first,last`, `De ; À`): the gate of `range_bounds` (a dump's table never pays for the phones' walk)."""
    for k in range(first, max(-1, first - 2), -1):
        head = raw[k]
        if len(head) > _HEAD_CHARS:
            continue
        low = head.lower()
        if not any(w in low for w in _BOUND_SCREEN):
            continue
        sep = max(";,|\t", key=low.count)
        if low.count(sep) < 1:
            continue
        if sum(1 for cell in low.split(sep) if _BOUND_CELL.search(cell.strip(" |\"'")) is not None) >= 2:
            return True
    return False


def range_bounds(idents: Iterable[Identifier]) -> set[str]:
    """The phones (E.164) that are the bounds of a range: `+33612000000` with `+33612999999` (the same
    digits but a tail of zeros in one and of nines, as long, in the other). Both bounds are returned."""
    phones = {i.value for i in idents if i.type == "phone"}
    out: set[str] = set()
    for p in phones:
        zeros = len(p) - len(p.rstrip("0"))
        # a tail of zeros (the whole run or its end) and the same prefix followed by as many nines
        for tail in range(zeros, _MIN_TAIL - 1, -1):
            top = p[:-tail] + "9" * tail
            if top in phones:
                out.update((p, top))
                break
    return out
