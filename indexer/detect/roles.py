"""The country a column's values are read in, from its header or its values.

A national phone number (`0468 43 47 65`) is valid in several countries, and a national
identifier's rules are per country, so a column's role alone is not enough: `tel_us`,
`phone (BE)`, `telefono (+39)` also name a country, and a `pays` / `country` column names one
per row. `role_of` (columns.py) returns a `Role`, which compares and hashes as the plain role
string (every `role == "phone"` holds) and carries the region it found in the header.
"""

from __future__ import annotations

import phonenumbers

from indexer.article9 import fold
from indexer.identifiers import calling_region

__all__ = ["COUNTRY_NAMES", "Role", "region_of_country", "region_of_header"]


class Role(str):
    """A column role with the country named by its header: `region` when the header says it
    (`tel_us`, `phone (+32)`, `dni` is Spain's), `hint` when only its language does (`Handy`,
    `cellulare`); the rows' own +CC numbers outrank a hint, never a region."""

    region: str | None
    hint: str | None

    def __new__(cls, role: str, region: str | None = None, hint: str | None = None) -> Role:
        o = super().__new__(cls, role)
        o.region = region
        o.hint = hint
        return o


# 2-letter words that end header names without naming a country ("tel_no", "user_id", "phone_my")
_NOT_A_COUNTRY = frozenset({"no", "id", "is", "to", "in", "me", "my", "am", "pm", "nr", "et", "on", "or", "as", "ok"})
_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)

# phone words whose language says the country (weakly: the rows' +CC numbers decide first)
_LANG_HINT: dict[str, str] = {
    "telefon": "DE", "handy": "DE", "mobil": "DE", "mobilnummer": "DE", "telefonnummer": "DE", "rufnummer": "DE",
    "movil": "ES", "cellulare": "IT", "telefoon": "NL", "gsm_nummer": "NL", "mobiel": "NL", "natel": "CH",
    "telefoonnummer": "NL", "mobielnummer": "NL", "gsmnummer": "NL",
    "telemovel": "PT", "telefone": "PT",
}


def region_of_header(key: str) -> tuple[str | None, str | None]:
    """(region, hint) named by a normalised header (`norm_name` output): a last word that is a
    region code (`tel_us`, `phone_be`) or a calling code (`phone_32` from "phone (+32)"), and the
    language of its first word."""
    words = key.split("_")
    region = None
    if len(words) > 1:
        last = words[-1]
        if len(last) == 2 and last.isalpha() and last not in _NOT_A_COUNTRY and last.upper() in _REGIONS:
            region = last.upper()
        elif last.isdigit() and len(last) <= 3:
            region = calling_region("+" + last)
    return region, _LANG_HINT.get(words[0]) or _LANG_HINT.get(key)


# Country names as dumps write them in a `pays` / `country` column (accents folded, lower case),
# French, English and the country's own; ISO 3166 alpha-2 codes are read as such.
COUNTRY_NAMES: dict[str, str] = {
    name: cc for cc, names in {
        "FR": "france", "BE": "belgique|belgium|belgie", "CH": "suisse|switzerland|schweiz|svizzera",
        "DE": "allemagne|germany|deutschland", "ES": "espagne|spain|espana", "IT": "italie|italy|italia",
        "GB": "royaume-uni|royaume uni|united kingdom|uk|angleterre|england|great britain",
        "US": "etats-unis|etats unis|united states|usa|united states of america", "CA": "canada",
        "NL": "pays-bas|pays bas|netherlands|nederland", "LU": "luxembourg", "PT": "portugal",
        "MA": "maroc|morocco", "DZ": "algerie|algeria", "TN": "tunisie|tunisia", "SN": "senegal",
        "CI": "cote d'ivoire|ivory coast", "PL": "pologne|poland|polska", "RO": "roumanie|romania",
        "AT": "autriche|austria|osterreich", "IE": "irlande|ireland", "SE": "suede|sweden", "NO": "norvege|norway",
        "DK": "danemark|denmark", "TR": "turquie|turkey|turkiye", "BR": "bresil|brazil|brasil",
        "MX": "mexique|mexico", "AU": "australie|australia",
    }.items() for name in names.split("|")
}


def region_of_country(value: str) -> str | None:
    """The region a `pays` / `country` cell names: an alpha-2 code or a French, English or
    native name."""
    v = value.strip()
    if len(v) == 2 and v.isalpha():
        u = v.upper()
        return "GB" if u == "UK" else u if u in _REGIONS else None
    if len(v) > 40:
        return None
    return COUNTRY_NAMES.get(fold(v).lower())
