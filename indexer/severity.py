"""Severity of a fragment: the one place where the rules live.

    critical  article 9 data AND a direct identifier (the person can be named or reached)
    high      a NIR, financial data (IBAN, card) or credentials (login+password, password hash)
    medium    contact identifiers (email, phone, postal address)
    low       everything else (names alone, dates of birth, company numbers, health-professional ids)

Why article 9 alone is not critical: "diabète" in a table of anonymous statistics is not a
leak about anyone. Why a name counts as direct: a list of named HIV patients is the worst case
the GDPR (art. 9, 33, 34) describes.
"""

from __future__ import annotations

from collections.abc import Iterable

from indexer.models import Identifier, SensitiveFlag, Severity

__all__ = ["CONTACT", "DIRECT", "HIGH", "severity", "severity_for_types"]

DIRECT = frozenset({"email", "phone", "nir", "iban", "card", "name", "address", "credential", "rpps", "adeli"})
HIGH = frozenset({"nir", "iban", "card", "credential", "password_hash"})
CONTACT = frozenset({"email", "phone", "address"})


def severity_for_types(types: Iterable[str], has_article9: bool) -> Severity:
    present = set(types)
    if has_article9 and present & DIRECT:
        return Severity.critical
    if present & HIGH:
        return Severity.high
    if present & CONTACT:
        return Severity.medium
    return Severity.low


def severity(identifiers: Iterable[Identifier], sensitive: Iterable[SensitiveFlag]) -> Severity:
    return severity_for_types((i.type for i in identifiers), any(True for _ in sensitive))
