"""A petition's signatories: a political opinion when the petition's cause is political.

Signing a petition says one takes its side, and the comments signatories leave say it in their own
words ("Scrap the pension reform now!"): a table of signatories (a signature column: `signature_id`,
`signed_at`, `signataire`, `date_signature`) of a political petition is political opinion (wave 31,
the lead's decision). Of a petition about a pothole or a shop's opening hours, it says nothing: the
cause is told by its VOCABULARY (`_CAUSE`: an election, a vote, a government, a reform, a law, a strike,
a party, as petitions word them), read in the table's comments, its title and the line under it (where
an export names its petition: `# petition: 'Withdraw the pension reform'`), and by the lexicon's
political terms there (`Rassemblement national`, `Labour voter`). A table says it is signatories' only
with a signature column and a petition's word or a comment column: a contracts platform's `signed_at`
over invoices is not a petition.

Python for both engines (article 9 is read by the reference on either); the header is read first, so
a table with no signature column (nearly all) costs one search of its first line.
"""

from __future__ import annotations

import re

from indexer.article9 import fold, scan_article9
from indexer.models import SensitiveFlag

__all__ = ["petition_flags", "signed_head"]

# a header's signature column (folded, lower case): `signature_id`, `signed_at`, `date_signature`, `signataire`
_SIGNED_HEAD = re.compile(r"(?:^|[\t|;,\"' ])(?:[a-z_ ]{0,20}[_ ])?"
                          r"(?:signatures?|signed|signataires?|signe(?:e|es)?[_ ]le)"
                          r"(?:[_ ][a-z_ ]{0,20})?[\"' ]*(?:$|[\t|;,])")
# a petition's word, or a column of what each signatory wrote
_PETITION = re.compile(r"\bp[ée]titions?\b|\bpetitie\b")
_COMMENT_HEAD = re.compile(r"(?:^|[\t|;,\"' ])(?:comments?|commentaires?|reasons?|raisons?|messages?|why|pourquoi|"
                           r"motivations?|remarques?|pourquoi_je_signe|why_i_signed|reason_for_signing)"
                           r"[\"' ]*(?:$|[\t|;,])")
# a political cause's vocabulary, as petitions and their signatories word it (folded, lower case): an
# election or a vote, a government and its offices, a reform, a law or a bill to withdraw, a strike, a party,
# a referendum. A pothole, a bus line or a shop's hours hold none of it.
_CAUSE = re.compile(
    r"\b(?:pension reform|reforme des retraites|retraites? a 6[0-9]|retirement age|age de (?:la )?(?:retraite|depart)"
    r"|vote (?:them|him|her) out|votez? (?:contre|pour)|vote (?:against|for)|elections?|electoral|referendum"
    r"|government|gouvernement|prime minister|premier ministre|ministre|minister|president|presidente"
    r"|parliament|parlement|assemblee nationale|senat|deputes?|mps?|congress|senators?"
    r"|strikers?|general strike|on strike|greves?|grevistes?|greve generale"
    r"|49[ .-]?3|abrogation|abrogez?|abroger|withdraw the (?:bill|law|reform)|retrait de la (?:loi|reforme)"
    r"|scrap the (?:bill|law|reform)|(?:the|this) (?:bill|reform)|(?:la|cette) (?:loi|reforme)"
    r"|austerity|austerite|immigration|asylum|droit d'asile|brexit|democracy|democratie|dictatorship|dictature"
    r"|political|left[ -]wing|right[ -]wing|de gauche|de droite|far[ -]right|extreme droite"
    r"|extreme gauche|front populaire|the party|le parti|demission|resign(?:ation)?)\b")
_MAX_HEAD = 400
_MAX_TEXT = 16_000  # characters read for the cause (an export's first rows tell it; a 2 MB one is not folded whole)


def signed_head(text: str) -> bool:
    """Whether the first line of `text` (a table's header) has a signature column: the one search nearly
    every table pays (its caller looks for "ign" first)."""
    nl = text.find("\n", 0, _MAX_HEAD)
    if nl < 0:
        return False
    head = text[:nl].lower()
    return "sign" in head and _SIGNED_HEAD.search(fold(head)) is not None


def petition_flags(text: str, title: str = "", below: str = "") -> list[SensitiveFlag]:
    """The political opinion of a signatories' table `text` (its header first), as its cause says it
    (`title`: the line over it; `below`: the line under it). Evidence spans are `text`'s where the word
    is there, none when the title or the line under says it."""
    nl = text.find("\n", 0, _MAX_HEAD)
    if nl < 0:
        return []
    head = text[:nl].lower()
    if not signed_head(text):
        return []
    around = fold(title + "\n" + below).lower()
    fhead = fold(head)
    if _PETITION.search(around) is None and _PETITION.search(fhead) is None and _COMMENT_HEAD.search(fhead) is None:
        return []
    body = fold(text[:_MAX_TEXT]).lower()
    m = _CAUSE.search(body, nl)
    if m is not None:
        return [SensitiveFlag(category="political_opinion", evidence=text[m.start():m.end()], start=m.start(),
                              end=m.end())]
    for where in (text[nl:_MAX_TEXT], title, below):
        for f in scan_article9(where, limit=8) if where else ():
            if f.category == "political_opinion":
                return [SensitiveFlag(category=f.category, evidence=f.evidence, start=None, end=None)]
    m = _CAUSE.search(around)
    if m is not None:
        return [SensitiveFlag(category="political_opinion", evidence=m.group(), start=None, end=None)]
    return []
