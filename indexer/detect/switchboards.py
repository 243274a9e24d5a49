"""A company's directory of service lines: switchboards, extensions and faxes of no one.

Why: an internal directory ("Annuaire interne", "Service / Ligne directe / Poste / Fax") lists its
units' lines: `Accueil / standard 02 40 44 12 00`, `Comptabilité 02 40 44 12 10`. Those numbers ring
a desk, not a person; they are no one's personal data (the lead's decision, wave 30) and a fragment
of six of them is no leak. The same table with a person per row (a `Nom` or `Interlocuteur` column,
`Mme Durand` in a row, a personal mobile or a person's address) IS personal data and is kept.

The decision, for a table's fragment (`service_lines`): its header (the fragment's first line or the
one over it) names a service column or a line's kind (service, département, unité, poste, standard,
fax, ligne directe, extension) and no column of a person (nom, prénom, name, interlocuteur, contact,
responsable, mobile, address...); no row names a civility (M., Mme, Dr, Mr, Mrs...); every identifier
found is a phone that is a fixed line (a switchboard: `nobody._switchboard`), or a unit's mailbox
(`nobody._unit_mailbox`). Then no fragment is built.

Python for both engines (`detect._build`'s): asked only of a table whose found types are phones and
addresses alone (the types the build reads anyway), so a dump's fragment (names, births) pays a set
comparison, never the header's look (bench.instructions dump_posts paid +4.3% looking at every
fragment's header).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.article9 import fold
from indexer.detect.nobody import _EMAIL, _switchboard, _unit_mailbox
from indexer.models import Identifier

__all__ = ["KINDS", "TYPES", "service_lines"]

# what a directory of service lines holds: switchboards, extensions' lines, faxes and units' mailboxes
TYPES = frozenset({"phone", "email"})
# the kinds of fragment a table is read as
KINDS = frozenset({"csv", "separated_run"})

# a header's words that name a unit or a line's kind (folded: lower case, no accents)
_UNIT_HEAD = re.compile(
    r"(?<![a-z])(?:services?|departements?|departments?|dept|unites?|units?|poles?|postes?|ext|extensions?|"
    r"standards?|switchboards?|fax|telecopie|ligne directe|lignes directes|direct lines?|sda)(?![a-z])"
)
# the phrases that name a unit with a person's word in them ("Nom du service", "Unit name")
_UNIT_NAME = re.compile(r"(?<![a-z])(?:nom (?:du|de l'|de la|des) ?(?:service|unite|pole|departement)s?|"
                        r"(?:service|unit|department|dept) names?)(?![a-z])")
# a header's words that name a person's column: such a table is a list of people
_PERSON_HEAD = re.compile(
    r"(?<![a-z])(?:noms?|prenoms?|names?|surnames?|firstnames?|lastnames?|first|last|nom_prenom|"
    r"interlocuteurs?|contacts?|responsables?|referents?|collaborateurs?|collaboratrices?|agents?|employes?|"
    r"employees?|salaries?|staff|titulaires?|personnes?|persons?|people|qui|who|medecins?|docteurs?|"
    r"praticiens?|mobiles?|portables?|gsm|cell|adresses?|address|naissance|birth|"
    r"dob|civilite|titre|title|fonction|job|role)(?![a-z])"
)
# a civility in a row: a person named there
_CIVILITY = re.compile(r"(?<![A-Za-z])(?:M\.|MM\.|Mme|Mmes|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?|Me|Madame|Monsieur|"
                       r"Docteur|Professeur)(?=[ \t.])")
_HEAD_CHARS = 300  # a header line's length read


def service_lines(text: str, raw: list[str], first: int, idents: Iterable[Identifier]) -> bool:
    """Whether the fragment `text` (its first line `raw[first]`) is a directory of service lines: a
    header (that line or the one over it) names a unit's column and no person's, no row names a
    civility, at least two phones, every phone a fixed line, every address a unit's mailbox. Asked
    only of a table whose identifiers are phones and addresses alone (`TYPES`): a dump's fragment
    has names, births or more, and never pays for the header's look."""
    if not _head_of_units(raw, first) or _CIVILITY.search(text) is not None:
        return False
    phones = 0
    for ident in idents:
        if ident.type == "phone":
            if not _switchboard(ident.value):
                return False
            phones += 1
    if phones < 2:
        return False
    if "@" in text:
        for line in fold(text).split("\n"):
            for m in _EMAIL.finditer(line):
                if _unit_mailbox(m.group(1), m.group(2), line) is not True:
                    return False
    return True


def _head_of_units(raw: list[str], first: int) -> bool:
    """Whether the header at or over `raw[first]` names a unit's column and no person's."""
    for k in range(max(0, first - 1), first + 1):
        head = fold(raw[k][:_HEAD_CHARS])
        if _UNIT_HEAD.search(head) is not None:
            return _PERSON_HEAD.search(_UNIT_NAME.sub(" ", head)) is None
    return False
