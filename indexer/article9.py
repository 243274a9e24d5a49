"""GDPR article 9 flags (special categories), French and English, with evidence spans.

Why a lexicon of terms *about a person*: a flag raises a fragment to critical severity, so every
entry must say something about someone. "médecin" (a doctor in a contacts list) says nothing
about anyone's health; "séropositif", "sous insuline", "délégué CGT" do. The terms live in
data files, one per category and language (`indexer/article9_lexicon/`), inflected by rule.

Why context: the same word is evidence in a "notes" column and nothing in a "profession" column
("infirmière en oncologie"), a name column ("Christian") or after a negation ("pas de
traitement", "no history of diabetes", "VIH : négatif"). Ambiguous initials ("PS", "FO", "SEP")
count only beside a cue of their category ("adhérent", "membre") or under its column.

Matching runs on an accent-folded copy of the text whose characters map one to one onto the
original, so evidence spans are offsets into the original text. Every regex is RE2 (linear
time); context is read only in a bounded window around each match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2

from indexer import engine as _engine
from indexer._re2fast import contains, iter_spans
from indexer._re2fast import match as re2_match
from indexer.article9_lexicon import ACTIVITY, Lexicon, answer, fold_accents, lexicon
from indexer.models import SensitiveFlag

__all__ = ["HEADER_CATEGORIES", "blood_group_flag", "column_says_nothing", "core_search_ready", "declined_column",
           "evidence_terms", "fold", "header_says", "says_nothing", "scan_article9"]



def fold(text: str) -> str:
    """Lowercase and strip French accents, keeping the length (so offsets still hold).

    One character maps to one: text goes through Latin-1 (anything outside it, such as CJK or
    Cyrillic, becomes "?") and a 256-byte table, which runs at C speed on megabyte fragments."""
    return fold_accents(text).lower()


def _fold_text(text: str) -> str:
    """`fold_accents(text)` of a fragment: by the compiled core when it is the engine (one pass
    over the text's code points: the Latin-1 encode, table and decode cost ~3.5M instructions on
    a 145 kB fragment holding one character beyond Latin-1); the same string."""
    if text.isascii():
        return text
    mod = _engine.native_module()
    return fold_accents(text) if mod is None else mod.fold_accents(text)


# the core's search of the lexicon's terms (`vigie_native.LongestMatches`, built once from the
# pattern's text) per compiled pattern: {id: (pattern, finder or None when the core refused it)}
_CORE_TERMS: dict[int, tuple[re2._Regexp, Any]] = {}
# characters a process searches with RE2 before it builds the core's search: the build (~0.42 s of
# CPU, the 771 kB pattern's parse) pays back over volume only (~1.1 ms saved a MB of dense dumps), so
# a command that reads a few posts, and most test processes, keep RE2; a crawl or a dump's scan does not
_CORE_TERMS_AFTER = 1 << 20
_searched = [0]  # (a list: the counter of this process, not rebound)


def core_search_ready() -> bool:
    """Build the core's lexicon search now, whatever this process has searched (as a crawl worker
    or a benchmark's warm-up may, so that the build falls outside what they time); whether the
    core searches the lexicon's terms (the native engine, a core with `LongestMatches` that reads
    the pattern)."""
    mod = _engine.native_module()
    if mod is None:
        return False
    lex = lexicon()
    if id(lex.terms) not in _CORE_TERMS:
        _searched[0] = max(_searched[0], _CORE_TERMS_AFTER)
        list(_term_spans(lex, ""))
    return _CORE_TERMS[id(lex.terms)][1] is not None


def _term_spans(lex: Lexicon, folded: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each match of `lex.terms` in `folded`, as `iter_spans` gives them: by
    the compiled core when it is the engine, in one call (~1 us of the wrapper a match saved: the
    dense mix's dumps have 6,442), else by RE2. The same matches: RE2's leftmost-longest ones,
    each search from the end of the last (tests/test_article9_core_spans.py). A core without
    `LongestMatches` (older) or refusing the pattern leaves RE2 in charge, and so does a process
    that has searched less than `_CORE_TERMS_AFTER` characters."""
    mod = _engine.native_module()
    if mod is not None and folded.isascii():
        entry = _CORE_TERMS.get(id(lex.terms))
        if entry is None and _searched[0] < _CORE_TERMS_AFTER:
            _searched[0] += len(folded)
        elif entry is None:
            finder = None
            if hasattr(mod, "LongestMatches"):
                try:
                    finder = mod.LongestMatches(lex.terms.pattern)
                except ValueError:
                    finder = None
            entry = _CORE_TERMS[id(lex.terms)] = (lex.terms, finder)
        if entry is not None and entry[1] is not None:
            got = entry[1].spans_of(folded)
            if got is not None:
                it = iter(memoryview(got).cast("I"))
                return zip(it, it, strict=True)
    return (spans[0] for spans in iter_spans(lex.terms, folded))


# Column names and dox labels (folded, non-alphanumerics as "_") that mark a category by themselves.
HEADER_CATEGORIES: dict[str, str] = {
    **{k: "health" for k in ("pathologie", "pathologies", "diagnostic", "diagnostics", "diagnosis",
                             "traitement", "traitements", "treatment", "maladie", "maladies",
                             "antecedents", "antecedents_medicaux", "allergies", "groupe_sanguin",
                             "blood_type", "medical_condition", "condition_medicale", "hiv_status",
                             "statut_vih", "medication", "medicaments", "handicap", "cim10", "icd10",
                             "sante", "etat_de_sante", "health", "health_status", "medical", "medical_notes",
                             "medical_info", "infos_medicales", "informations_medicales", "notes_medicales",
                             "traitement_en_cours", "medications", "disability", "medical_history",
                             "occupational_health", "medecine_du_travail", "sante_au_travail", "motif_arret",
                             "motif_arret_maladie", "restrictions_medicales")},
    **{k: "religion" for k in ("religion", "confession", "culte", "religious_beliefs", "faith", "croyance",
                               "croyances", "confession_religieuse", "denomination")},
    **{k: "sexual_orientation" for k in ("orientation_sexuelle", "sexual_orientation", "orientation",
                                         "sexuality", "sexualite")},
    **{k: "ethnic_origin" for k in ("ethnie", "ethnicity", "origine_ethnique", "race", "ethnic_origin",
                                    "ethnic_group", "race_ethnicity", "ethnic_background")},
    **{k: "trade_union" for k in ("syndicat", "union_membership", "appartenance_syndicale", "syndique",
                                  "trade_union", "union_member")},
    **{k: "political_opinion" for k in ("parti", "parti_politique", "political_party", "opinion_politique",
                                        "political_affiliation", "political_views", "opinions_politiques",
                                        "affiliation_politique", "party_affiliation")},
    **{k: "genetic" for k in ("adn", "dna", "genotype", "genetic_data", "donnees_genetiques", "genetique",
                              "test_adn")},
    **{k: "biometric" for k in ("empreinte", "fingerprint", "biometrie", "biometric", "biometrics",
                                "biometric_data", "empreintes_digitales", "face_template", "empreintes",
                                "empreinte_digitale", "fingerprints", "fingerprint_template", "fingerprint_hash",
                                "face_embedding", "face_encoding", "iris_code", "iris_template", "voiceprint",
                                "voice_print", "empreinte_vocale", "gabarit_biometrique", "biometric_template",
                                "donnees_biometriques", "photo_biometrique")},
    **{k: "sex_life" for k in ("vie_sexuelle", "sex_life", "sexual_activity", "activite_sexuelle",
                               "pratiques_sexuelles", "sexual_practices", "sexual_history", "antecedents_sexuels",
                               "nombre_de_partenaires", "number_of_partners", "partenaires_sexuels",
                               "sexual_partners")},
}
# a column of diagnosis codes (ICD-10 / CIM-10): a code alone in it ("B20", HIV) is a diagnosis
HEADER_CATEGORIES.update({k: "health" for k in (
    "code_diag", "code_diagnostic", "code_diagnostique", "diag", "code_cim", "code_cim10", "code_cim_10", "cim_10",
    "icd_10", "icd_code", "icd10_code", "code_icd", "diagnosis_code", "diagnostic_code", "dx_code", "code_pathologie")})
# US claims files number them, DX1 to DX25 (`dx1`, `dx_2`, `diag3`, `icd10_1`), and name the first
# and the admitting ones (`primary_dx`, `admit_dx`, `icd10_primary`)
HEADER_CATEGORIES.update({f"{w}{sep}{n}": "health" for w in ("dx", "diag", "icd10", "icd", "cim10")
                          for sep in ("", "_") for n in range(1, 26)})
HEADER_CATEGORIES.update({k: "health" for k in (
    "primary_dx", "secondary_dx", "principal_dx", "admit_dx", "admitting_dx", "dx_primary", "dx_secondary",
    "icd10_primary", "icd10_secondary", "icd_primary", "primary_diagnosis_code", "admit_diagnosis_code")})
HEADER_CATEGORIES.update({k: "political_opinion" for k in (
    "orientation_politique", "tendance_politique", "bord_politique", "couleur_politique", "sensibilite_politique",
    "intention_de_vote", "voting_intention", "political_leaning", "politics", "engagement_politique",
    "vote_intention", "party_membership", "adhesion_parti")})
HEADER_CATEGORIES.update({k: "ethnic_origin" for k in (
    "origines_ethniques", "groupe_ethnique", "appartenance_ethnique", "ethnicite", "race_ethnie", "ethnic")})
# a person's declared origin and the countries their parents were born in (an HR file's diversity survey):
# an ethnic origin (wave 29, the lead's decision). A bare `origine` is not listed: a lead's or a product's.
HEADER_CATEGORIES.update({k: "ethnic_origin" for k in (
    "origine_declaree", "origines_declarees", "origine_declaree_salarie", "origine_familiale", "origines_familiales",
    "origine_culturelle", "origines_culturelles", "origine_geographique_familiale", "ascendance", "ancestry",
    "declared_origin", "self_declared_origin", "self_described_origin", "family_origin", "family_origins",
    "ethnic_heritage", "cultural_background", "pays_naissance_parents", "pays_de_naissance_des_parents",
    "pays_naissance_pere", "pays_naissance_mere", "pays_de_naissance_du_pere", "pays_de_naissance_de_la_mere",
    "parents_birth_country", "parents_country_of_birth", "parents_birth_countries", "country_of_birth_parents",
    "father_country_of_birth", "mother_country_of_birth", "fathers_country_of_birth", "mothers_country_of_birth")})
HEADER_CATEGORIES.update({k: "sexual_orientation" for k in (
    "sexual_preference", "preference_sexuelle", "orientation_sex", "sexual_identity")})
HEADER_CATEGORIES.update({k: "trade_union" for k in (
    "adhesion_syndicale", "mandat_syndical", "union_affiliation", "syndicat_adherent")})
HEADER_CATEGORIES.update({k: "religion" for k in (
    "pratique_religieuse", "appartenance_religieuse", "religious_affiliation", "religious_practice", "faith_group")})
# a members' list of favourite Bible (Quran, Torah) verses: each verse is said of its member's faith
HEADER_CATEGORIES.update({k: "religion" for k in (
    "verset", "versets", "verset_prefere", "verset_favori", "verset_biblique", "verset_du_coran", "sourate",
    "sourate_preferee", "bible_verse", "favourite_verse", "favorite_verse", "favourite_bible_verse",
    "favorite_bible_verse", "verse_of_the_day", "memory_verse")})
# wave 29 (lead's decisions): a vaccine status or a suspected side effect, and an allergy, on a person's record
# are health. (A bare `vaccin` column is not listed: its name's words reach `date_vaccin` too, a date beside
# a driving licence's in a CRM, set 6's other_dates_labelled.)
HEADER_CATEGORIES.update({k: "health" for k in (
    "statut_vaccinal", "schema_vaccinal", "vaccination_status", "vaccine_status", "effet_indesirable",
    "effets_indesirables", "effet_secondaire", "effets_secondaires", "evenement_indesirable", "side_effect",
    "side_effects", "adverse_event", "adverse_events", "adverse_reaction", "adverse_reactions", "reaction_vaccinale",
    "allergie", "allergy", "allergies_connues", "known_allergies", "allergies_medicamenteuses", "drug_allergies",
    "rhesus", "groupe_rhesus", "groupe_abo", "abo_rh", "blood_group", "bloodgroup",
    "motif_ajournement", "contre_indication", "contre_indications", "deferral_reason")})
# Header names of a category that are as often something else: a school or career track
# (`orientation`: BTS, Master). Such a name flags nothing by itself: its values do, read in its
# column's context (`scan_article9`). (`diagnostic` stays a category's: a patients' column of
# ICD-10 codes is told by its name alone; a building survey's, every value a survey's, says nothing.
# `syndicat` too: a column of them that names a condominium's or a water board says nothing,
# `says_nothing`.)
_AMBIGUOUS_HEADERS = frozenset({"orientation", "denomination"})
# a `syndicat` that is no trade union: a condominium's association, a water, energy or
# inter-municipal board, a tourist office (folded, lower case, as `answer` gives a value)
_NO_UNION = re.compile(r"(?:syndicat|syndic)\b.{0,40}\b(?:copropri|des eaux|d'eau|de l'eau|intercommunal|mixte|"
                       r"d'initiative|d'energie|d'electricite|de la residence|des proprietaires)|\bsyndic\b|"
                       r"\bcopropri")
# a `diagnostic` that is a building's survey (France's diagnostics immobiliers: energy class, asbestos, lead,
# termites, gas and electrical installations), no one's health (folded, lower case, as `answer` gives a value)
_NO_HEALTH = re.compile(r"(?:dpe|amiante|plomb|crep|termites?|merule|parasitaire|gaz(?! du sang)|electricite|"
                        r"installation electrique|carrez|boutin|erp|ernmt|esris|assainissement|"
                        r"performance energetique|etat des risques|radon)\b")
# words beside a category's word that make the name something else: the date one left
# (`parti_le`), an insurance (`mutuelle_sante`: oui/non says nothing of one's health)
_OTHER_SENSE_WORDS = frozenset({"le", "la", "les", "depuis", "since", "mutuelle", "assurance", "insurance",
                                "complementaire", "couverture", "caisse", "organisme", "contrat"})
# a table of animals (a vet's clinic: the owner's contact, the animal's breed and illness): its
# health, breed and genetic words are the animals'
_ANIMAL_COLUMNS = frozenset({"animal", "animaux", "espece", "species", "pet", "pets", "nom_animal", "animal_name",
                             "pet_name", "race_animal", "type_animal", "patient_animal"})
_ANIMAL_CATEGORIES = frozenset({"health", "ethnic_origin", "genetic"})
_ANIMAL_HEAD = re.compile(r"(?:^|[\t|;,])[ \"']{0,3}(?:" + "|".join(sorted(_ANIMAL_COLUMNS, key=len, reverse=True))
                          + r")[ \"']{0,3}(?:$|[\t|;,])")


# a staff table's unit columns: the ward or department one works in ("Oncologie", "Psychiatrie" beside a
# `fonction` of Infirmier(e)) is a posting, read as `affectation` (columns.txt: neutral); in a patients'
# table, with no job's column, the same `service` column is where one is treated, and still read
_WORKPLACE_COLUMNS = frozenset({"service", "services", "ward", "department", "departement", "dept", "unite",
                                "unit", "pole", "service_affectation", "unite_fonctionnelle"})
_STAFF_COLUMNS = frozenset({"fonction", "poste", "grade", "emploi", "metier", "job_title", "jobtitle", "job",
                            "profession", "qualification", "position", "role", "intitule_poste", "statut_agent"})
# terms that, glued after a word and a hyphen, make an adjective of that word ("format-agnostic",
# "platform-agnostic", "cloud-agnostic": independent of it), no one's belief
_COMPOUND_HEADS = frozenset({"agnostic", "agnostics"})
# a term that is a host name's label with the domain after it ("adamk@gypsy.exemple-cyrix.com",
# "rsdio@metastatic.exemple.org": a machine's name); a term that is the domain itself ("@gay-rencontres.fr",
# an account on a dating site) is still read
_SUBDOMAIN_AFTER = re.compile(r"\.[A-Za-z0-9-]{1,63}\.[A-Za-z]{2,24}")
# the local parts of the e-mail addresses of a row: a capitalised term spelled as one of their words
# ("Bastien Gay | Mail : bastien.gay@free.fr", "Rik Faith   faith@cs.exemple-univ.edu") is the person's name
_LOCAL_PART = re.compile(r"([A-Za-z0-9._%+-]{1,64})@[A-Za-z0-9]")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def _named_in_address(row: str, lterm: str) -> bool:
    """`lterm` (one lowercase word) is a word of an e-mail local part of `row` (lowercase)."""
    return any(lterm in _NOT_LETTERS.split(m.group(1)) for m in _LOCAL_PART.finditer(row))


def _after_capitalised(text: str, start: int) -> bool:
    """The word before `start`, one space away, is capitalised (a first name: "Bastien Gay"), not a
    sentence's end ("mail luc.chretien@x.fr. Chrétien pratiquant"); a middle initial or two between
    them are stepped over ("Rickard E. Faith", "Anna M. J. Gay")."""
    for _ in range(2):  # ("E. " before the term: the first name is before the initial)
        if start >= 5 and text[start - 1] == " " and text[start - 2] == "." and text[start - 3].isupper() \
                and text[start - 4] == " ":
            start -= 3
    if start < 3 or text[start - 1] != " ":
        return False
    k = start - 2
    floor = max(0, start - 32)  # (a first name is short: a 1 MB run of letters is not walked)
    while k >= floor and text[k].isalpha():
        k -= 1
    word = text[k + 1:start - 1]
    return 2 <= len(word) < 30 and word[0].isupper() and word[1:].islower()


def header_says(name: str, category: str, header: list[str]) -> bool:
    """Whether a column name of `category` (its `HEADER_CATEGORIES` role) in `header` flags the
    fragment by itself (see `_AMBIGUOUS_HEADERS`, `_OTHER_SENSE_WORDS`, `_ANIMAL_COLUMNS`)."""
    key = _norm(name)
    if key in _AMBIGUOUS_HEADERS:
        return False
    if key not in HEADER_CATEGORIES and not _OTHER_SENSE_WORDS.isdisjoint(key.split("_")):
        return False
    return category not in _ANIMAL_CATEGORIES or not any(_norm(c) in _ANIMAL_COLUMNS for c in header)


def _header_name_says_nothing(text: str, cols: _Columns, cat: str, start: int, end: int) -> bool:
    """A match on a delimited first line that is a whole column name of its category flagging
    nothing by itself (`header_says`): `pathologie` above a vet's animals, `orientation`."""
    if not cols.cells:
        return False
    line_end = text.find("\n")
    a = text.rfind(cols.delim, 0, start) + 1
    b = text.find(cols.delim, end, line_end)
    cell = text[a:b if b >= 0 else line_end]
    return HEADER_CATEGORIES.get(_norm(cell)) == cat and not header_says(cell, cat, cols.cells)


# "Religion: catholique", "- Santé = diabète": a dox line whose label names a category
# (also as a cell of a row or after another label: "RAS;religion: catholique", "Infos: ethnicity: Somali")
_A9_LABEL = re2.compile(r"(?m)(?:^|[\t|;,:])[ \t]*(?:[-*>\"][ \t]*)?(" + "|".join(
    sorted((k.replace("_", "[ _]") for k in HEADER_CATEGORIES), key=len, reverse=True))
    + r")[ \t]*(?::|=)[ \t]*[^\s]")


_NEUTRAL_CATEGORIES = frozenset({"health", "genetic", "biometric", "sex_life", "sexual_orientation"})
_WINDOW = 60  # characters of context read on each side of a match (cues, negation, the label)
_LINE_MAX = 400  # a row longer than this is read as prose: no column is looked up
_DELIMS = "\t|;,"
# Python `re`: one negated class, linear; RE2's wrapper cost ~10 us a `sub` (it builds a Match
# per run in Python), once per header name and per label flag
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# a clause ends at punctuation, and in markup at a tag: `<telecom use="HP"/><patient>` (a CDA's
# home phone) holds no clause with "patient" in it (`_MARKUP_TAG` ends the text read after a match)
_CLAUSE_END = ".;|\t\n,!?()[]>"
# one of them, searched in the reversed text before a match: the clause's start in one search
_CLAUSE_CHAR = re.compile("[" + re.escape(_CLAUSE_END) + "]")
_MARKUP_TAG = re.compile(r"<[/A-Za-z]")


@lru_cache(maxsize=4096)
def _norm(name: str) -> str:
    return _NON_ALNUM.sub("_", fold(name.strip().strip("`\"'[] "))).strip("_")


class _Columns:
    """The header row of a delimited fragment, read once and only if a match needs it; a
    header cell is normalised only when a match asks for its column (a row of an HL7 message
    or of a 12-column export has a term in one cell: normalising the others cost ~2k
    instructions each). `_norm` folds case, so the header is read from the case-kept text."""

    __slots__ = ("delim", "cells", "count", "first", "_animals", "_staff")

    def __init__(self, text: str) -> None:
        first = text[:text.find("\n")] if "\n" in text[:_LINE_MAX] else ""
        self.delim = max(_DELIMS, key=first.count) if first else ""
        self.count = first.count(self.delim) if self.delim else 0
        self.cells = first.split(self.delim) if self.count >= 1 else []
        self.first = first
        self._animals: bool | None = None
        self._staff: bool | None = None

    @property
    def staff(self) -> bool:
        """A table of staff (a job's column beside the others: `fonction`, `poste`, `grade`): its
        `service` or `ward` column is where each one works (`_WORKPLACE_COLUMNS`), not their health."""
        if self._staff is None:
            self._staff = any(_norm(c) in _STAFF_COLUMNS for c in self.cells)
        return self._staff

    @property
    def animals(self) -> bool:
        """A table of animals (`_ANIMAL_COLUMNS`): its health, breed and genetic words are theirs
        (looked at once, when a match of those categories sits in a cell)."""
        if self._animals is None:
            low = self.first.lower()
            self._animals = bool(self.cells) and ("anim" in low or "espece" in low or "species" in low
                                                  or "pet" in low) and _ANIMAL_HEAD.search(low) is not None
        return self._animals

    def name_at(self, line: str, col_offset: int) -> str | None:
        """The header name of the cell at `col_offset` in `line`, if the row has the header's shape.
        A quoted cell may hold the delimiter ('...,"VIH+, sous trithérapie"'): then only the
        delimiters outside quotes count, so the cell keeps its column."""
        if not self.cells:
            return None
        if line.count(self.delim) != self.count:
            if '"' not in line:
                return None
            cuts = _unquoted(line, self.delim)
            if len(cuts) != self.count:
                return None
            return _norm(self.cells[sum(c < col_offset for c in cuts)])
        return _norm(self.cells[line.count(self.delim, 0, col_offset)])


def _unquoted(line: str, delim: str) -> list[int]:
    """Offsets of the delimiters of `line` that are outside double quotes: those of the even
    pieces of its split on `"` (a quote opens or closes; the first piece is outside), each
    found by `str.find`, not a test per character in the interpreter."""
    out: list[int] = []
    pos = 0
    outside = True
    for piece in line.split('"'):
        if outside:
            i = piece.find(delim)
            while i >= 0:
                out.append(pos + i)
                i = piece.find(delim, i + 1)
        pos += len(piece) + 1
        outside = not outside
    return out


def _label(line: str, offset: int) -> str | None:
    """The key of the "key: value" or JSON "key": "value" cell the match sits in ("Profession:
    infirmière en oncologie", "religion=musulmane"), if nothing but the value lies between."""
    k = max(line.rfind(":", 0, offset), line.rfind("=", 0, offset))
    if k <= 0 or any(c in line[k + 1:offset] for c in _CLAUSE_END):
        return None
    # a label inside a note's label ("Infos: signe astrologique: Cancer") is the nearer one
    # and a dox's sentence ends before its label ("né le 01/02/1990. Info: sourd, parle en LSF")
    cell_start = max(max(line.rfind(d, 0, k) for d in _DELIMS + "{:"), line.rfind(". ", 0, k)) + 1
    key = _norm(line[cell_start:k])
    return key if 0 < len(key) <= 30 else None


def _column_verdict(lex: Lexicon, cat: str, role: str | None) -> bool | None:
    """False: the column says the match is not about the person; True: the column is of the
    match's category; None: the column says nothing."""
    if role is None:
        return None
    if role in lex.name_columns or (role in lex.neutral_columns and cat in _NEUTRAL_CATEGORIES):
        return False
    if HEADER_CATEGORIES.get(role) == cat:
        return True
    return None


_ITEM_START = "\t|;,:=\n\"'("
_ITEM_END = "\t|;,\n\"')."


def _whole_item(low: str, start: int, end: int) -> bool:
    """The match is a whole cell, or a whole comma-separated item of one ("noir, 1m80"): said of
    the person the row is about, when the column is a free-text note about them. (Only
    punctuation and `isalpha` are read: `low` may keep its case.)"""
    head = low[max(0, start - 12):start].rstrip(" ")
    tail = low[end:end + 12].lstrip(" ")
    # an elided article is inside a phrase, not a cell's quote: "dégustation à l'aveugle"
    elided = head[-1:] == "'" and head[-2:-1].isalpha()
    return (not head or (head[-1] in _ITEM_START and not elided)) and (not tail or tail[0] in _ITEM_END)


def _alone_in_note(lex: Lexicon, kinds: list[tuple[str, int]], cat: str, line: str, column: str | None,
                   role: str | None, folded: str, start: int, end: int, line_start: int) -> bool:
    """An ambiguous word alone in a note about the person (a whole cell or comma-separated item
    under a notes column or a dox's "Infos:", not behind another label: "nationalité: nigérian")
    is said of the person, unless it already has a sure meaning ("chlamydia" alone is health;
    sex life only beside a cue of it). Read only for an ambiguous match without a cue's column."""
    if any(c != cat and not a for c, a in kinds):
        return False
    note = (_label(line, start - line_start) or column) if column else role
    if note in lex.tag_columns:  # "LGBT+ seniors" as a contact's tag: its presumed orientation (wave 29)
        return cat == "sexual_orientation" and folded[start:end].lower() in lex.tag_words
    if note in lex.diet_columns:  # "halal" alone in a meal order; "sans porc" there says nothing
        return cat == "religion" and folded[start:end].lower() in lex.diet_words and _whole_item(folded, start, end)
    if not (note in lex.note_columns and _whole_item(folded, start, end)):
        return False
    return cat != "sex_life" or not _other_sense_on_row(lex, folded[line_start:line_start + len(line)])


# Categories whose words give a sex-life word alone in a note its other sense: abstinence from alcohol or
# meat, a monk's chastity, a priest's celibacy, a libido lowered by a drug ("sevrage tabagique, abstinente",
# "moine bouddhiste, chasteté"). Orientation and origin give no other sense ("lesbienne, vierge").
_OTHER_SENSES = frozenset({"health", "religion"})


def _other_sense_on_row(lex: Lexicon, row: str) -> bool:
    """The row (the person's record: a dump's row, a dox's line) holds a sure term of a category that
    gives an ambiguous sex-life word alone in its note another sense. Read only for such a word."""
    for s, e in _term_spans(lex, row):
        if any(c in _OTHER_SENSES and not a for c, a in lex.classify(row[s:e])):
            return True
    return False


def _cued(lex: Lexicon, cat: str, kind: int, before: str, after: str) -> bool:
    """A cue of the category beside an ambiguous match: in its clause before it, or after it on its
    row (the next row is another person). An activity cue ("uses", "pays", "member") counts only
    for an activity entry (an app, a service: "uses Tinder", "paie des escorts"), not for a word
    whose other sense is common ("virgin olive oil", "music lover, member since 2019"). An empty
    side is not searched when no cue matches an empty text (`Lexicon.empty_windows_match`)."""
    skip_empty = not lex.empty_windows_match
    for cue in (lex.cues.get(cat), lex.activity_cues.get(cat) if kind == ACTIVITY else None):
        if cue is not None and ((not (skip_empty and not before) and contains(cue, before))
                                or (not (skip_empty and not after) and contains(cue, after))):
            return True
    return False


def _proper_noun(lex: Lexicon, cat: str, kind: int, term: str, before: str) -> bool:
    """A lowercase sex-life entry written capitalised inside a clause names something ("la Vierge
    Marie", "a Ford Escort", "Virgin Atlantic" after a word), not a person's sex life. Case-sensitive
    entries ("Tinder") are names by design and stay."""
    return (cat == "sex_life" and term[:1].isupper() and not term.isupper() and bool(before.strip())
            and (cat, kind) in lex.classify(term.lower()))


# what `neg_after` skips before its word: RE2's `\s` (no `\v`) and quotes
_AFTER_BLANKS = "\t\n\f\r \"'"


def _negated(lex: Lexicon, folded: str, start: int, end: int, clause_start: int) -> bool:
    """A negation in the five words before the match (its clause) or right after it. `folded`
    may keep its case: the slices read are lowered here (a dump's 150 kB fragment is not)."""
    words = folded[clause_start:start].lower().split()
    if words and contains(lex.neg_before, " ".join(words[-5:])):
        return True
    after = folded[end:end + 30].lower()
    # `neg_after` is anchored: its blanks, an optional ":" or "=" and more blanks, then a word;
    # a character after them that starts none of its words ("diabète,", "VIH+") answers without RE2
    rest = after.lstrip(_AFTER_BLANKS)
    if rest[:1] in (":", "="):
        rest = rest[1:].lstrip(_AFTER_BLANKS)
    return rest[:1] in lex.neg_after_first and contains(lex.neg_after, after)


def _clause_start(low: str, look: int, start: int) -> int:
    """Where the clause holding the match at `start` begins: just after the last clause end
    between `look` and `start`, else `look` (one search of the reversed slice, not an `rfind`
    per clause end; none when the match follows a clause end, as a dump's cell does)."""
    if start > look and low[start - 1] in _CLAUSE_END:
        return start
    cut = _CLAUSE_CHAR.search(low[look:start][::-1])
    return start - cut.start() if cut is not None else look


# the rest of an e-mail address's local part after a match, up to its "@" and the domain's first
# character: a term there is a name or a mailbox's word, not something said of the person (a combo
# list's "paul.gay@..." is Mr Gay's address); a term in the domain ("@gay-rencontres.fr", an account
# on a dating site) is still read
_EMAIL_LOCAL_TAIL = re.compile(r"[a-zA-Z0-9._%+-]{0,64}@[a-zA-Z0-9]")


def scan_article9(text: str, limit: int = 50) -> list[SensitiveFlag]:
    """Flags with evidence (original spelling) and offsets; at most `limit` flags, and at most
    three per (category, evidence) so that a 10 000-row file does not return 10 000 flags."""
    lex = lexicon()
    folded = _fold_text(text)
    # no lower-case copy of the whole text for the terms: their windows are lowered as read
    # (`folded` is ASCII, so a slice's lower case is the lower case's slice; a dump's 150 kB
    # fragment of names cost 0.9M instructions to lower); the labels and codes below read one
    flags: list[SensitiveFlag] = []
    seen: dict[tuple[str, str], int] = {}
    columns: _Columns | None = None
    classify = lex.classify
    skip_empty = not lex.empty_windows_match
    # terms whose every category has its three flags: a dump's diagnosis column repeats a few
    # terms on every row (2 000 matches, 18 distinct, in a 2 000-row patients file), and each
    # later match is skipped on one set lookup (`seen` only grows: a term once done stays done)
    done: set[str] = set()
    at = "@" in folded
    for start, end in _term_spans(lex, folded):
        term = folded[start:end]
        if term in done:
            continue
        if at and _EMAIL_LOCAL_TAIL.match(folded, end) is not None:
            continue  # the local part of an address ("paul.gay@", "luc.chretien@") names a mailbox
        if start and folded[start - 1] in "@./" and folded[end:end + 1] == "." \
                and _SUBDOMAIN_AFTER.match(folded, end) is not None:
            continue  # a host's label ("@gypsy.exemple-cyrix.com"), not a word said of anyone
        lterm = term.lower()
        if lterm in _COMPOUND_HEADS and start > 1 and folded[start - 1] == "-" and folded[start - 2].isalpha():
            continue  # "format-agnostic"
        kinds = [(c, a) for c, a in classify(term) if seen.get((c, lterm), 0) < 3]
        if not kinds:
            done.add(term)
            continue
        # the row around the match, if it is a row (a bounded look: a 1 MB line is prose)
        nl = folded.rfind("\n", max(0, start - _LINE_MAX), start)
        line_start = nl + 1 if nl >= 0 or start <= _LINE_MAX else start - _WINDOW
        line_end = folded.find("\n", end, end + _LINE_MAX)
        if line_end < 0 and len(folded) - end <= _LINE_MAX:
            line_end = len(folded)
        look = max(line_start, start - _WINDOW)
        clause_start = _clause_start(folded, look, start)  # (clause ends are not letters)
        role: str | None = None
        column: str | None = None
        line = ""
        if line_end >= 0 and (nl >= 0 or start <= _LINE_MAX):
            line = folded[line_start:line_end].lower()
            if line_start > 0:
                if columns is None:
                    columns = _Columns(folded)
                column = columns.name_at(line, start - line_start)
            inner = _label(line, start - line_start) if not column or column in lex.note_columns else None
            if column in _WORKPLACE_COLUMNS and columns is not None and columns.staff:
                column = "affectation"  # a staff table's ward: where one works (columns.txt)
            role = column or inner
            if column in lex.note_columns:  # a note cell's own label says more ("signe astrologique: Cancer")
                if inner in lex.name_columns or inner in lex.neutral_columns:
                    role = inner
        if role is not None and all(_column_verdict(lex, c, role) is False for c, _ in kinds):
            continue  # (what the loop below concludes for each category; the rest is not read)
        if at and term[:1].isupper() and " " not in lterm and _after_capitalised(folded, start) and "@" in (
                row := folded[line_start:line_end if line_end >= 0 else end + _LINE_MAX]) \
                and _named_in_address(row.lower(), lterm):
            continue  # a surname the row's own address spells ("Bastien Gay | bastien.gay@free.fr")
        if _negated(lex, folded, start, end, clause_start):
            continue
        before = folded[clause_start:start].lower()
        row_end = folded.find("\n", end, end + _WINDOW)
        after = folded[end:row_end if row_end >= 0 else end + _WINDOW].lower()
        if "<" in after and (tag := _MARKUP_TAG.search(after)) is not None:
            after = after[:tag.start()]
        for cat, ambiguous in kinds:
            verdict = _column_verdict(lex, cat, role)
            if verdict is False or (column is not None and cat in _ANIMAL_CATEGORIES and columns is not None
                                    and columns.animals):
                continue
            if line_start == 0 and line:
                if columns is None:
                    columns = _Columns(folded)
                if _header_name_says_nothing(text, columns, cat, start, end):
                    continue
            stance = lex.stances.get(cat)
            if stance is not None and (before or not skip_empty) and contains(stance, before):
                continue  # "milite contre la prostitution"
            topic = lex.topics_after.get(cat)
            if topic is not None and (after or not skip_empty) and contains(topic, after):
                continue  # "the prostitution bill", "sex workers' rights"
            if ambiguous and not verdict and (
                    _proper_noun(lex, cat, ambiguous, term, before)
                    or not (_alone_in_note(lex, kinds, cat, line, column, role, folded, start, end, line_start)
                            or _cued(lex, cat, ambiguous, before, after))):
                continue
            k = (cat, lterm)
            seen[k] = seen.get(k, 0) + 1
            flags.append(SensitiveFlag(category=cat, evidence=text[start:end], start=start, end=end))
            if len(flags) >= limit:
                return flags
    if ":" in folded or "=" in folded:  # (`low` has the same ":" and "=")
        low = folded.lower()
        _label_flags(lex, text, low, flags, seen, limit)
        if len(flags) < limit and _may_hold_codes(low):
            _code_flags(text, low, flags, seen, limit)
    return flags


# A blood group column under a name that says it only with its values ("GROUPE", "GS", "ABO", "Rh": a
# donors' file, a transfusion register): every value read is a blood group ("O+", "AB-", "A Rh+", "B positif"),
# and a blood group is health (wave 29, the lead's decision). `groupe_sanguin` and `blood_type` say it by name.
_BLOOD_NAMES = frozenset({"groupe", "gs", "abo", "rh", "grp", "group", "gpe", "groupe rh", "groupe_rh", "abo/rh",
                          "abo_rh", "groupe sang", "gr. sanguin", "gr sanguin", "blood", "abo rh"})
_BLOOD_VALUE = re.compile(r"(?i)(?:a|b|ab|o|0)[ ]?(?:[+-]|rh ?[+-]|rh[ée]sus ?[+-]|pos|neg|n[ée]g|positif|"
                          r"positive|n[ée]gatif|negative)")
_BLOOD_ROWS = 200  # rows read under the header (a bound: a donors' file is read on its first rows)


def blood_group_flag(text: str) -> SensitiveFlag | None:
    """A health flag on a blood group column's name (`_BLOOD_NAMES`) of a delimited table, when every value
    read under it is a blood group (two rows at least): a `groupe` column of "A", "B", "C" (a school's classes)
    says nothing. Asked of a table's fragment only (`detect._build`, kind `csv`): ~8k instructions a text
    under callgrind, mostly the C searches of its first line."""
    nl = text.find("\n", 0, _LINE_MAX)
    if nl < 0:
        return None
    low = text[:nl].lower()
    if not ("gr" in low or "gs" in low or "gp" in low or "abo" in low or "rh" in low or "blood" in low):
        return None
    delim = max(_DELIMS, key=low.count)
    cells = low.rstrip("\r").split(delim)
    if len(cells) < 2:
        return None
    col = next((k for k, c in enumerate(cells) if c.strip(" \"'`") in _BLOOD_NAMES), -1)
    if col < 0:
        return None
    values = 0
    pos = nl + 1
    for _ in range(_BLOOD_ROWS):
        end = text.find("\n", pos)
        row = text[pos:end if end >= 0 else len(text)].rstrip("\r").split(delim)
        if len(row) == len(cells) and (v := row[col].strip(" \"'")):
            if _BLOOD_VALUE.fullmatch(v) is None:
                return None
            values += 1
        if end < 0:
            break
        pos = end + 1
    if values < 2:
        return None
    start = sum(len(c) + 1 for c in cells[:col])
    name = text[start:start + len(cells[col])]
    return SensitiveFlag(category="health", evidence=name.strip(" \"'`"), start=start, end=start + len(name))


# A coded concept says the category by its code alone, as medical software exports one (FHIR's
# `{"system": "http://hl7.org/fhir/sid/icd-10", "code": "B24"}`, CDA's `<code code="B20"
# codeSystem="2.16.840.1.113883.6.3"/>`, FHIR XML's `<system value="..."/><code value="..."/>`),
# with no display text: any ICD-10 (CIM-10) code is a diagnosis, so health; a code of HL7's
# religious affiliations (`v3-ReligiousAffiliation`, OID 2.16.840.1.113883.5.1076) is a religion;
# LOINC 76690-7 records a sexual orientation; SNOMED CT 86406008 and 165816005 are HIV.
_CODE = r'code"?\s*(?::\s*|=\s*|\s+value\s*=\s*)"([^"<>{}]{1,12})"'
_SYSTEM = (r'(?:system"?\s*(?::\s*|=\s*|\s+value\s*=\s*)|codesystem\s*=\s*)"'
           r'(?:[^"<>{}]{0,60}?)(icd-?10[^"]{0,8}|cim-?10[^"]{0,8}|2\.16\.840\.1\.113883\.6\.(?:3|90)'
           r'|v3-religiousaffiliation|2\.16\.840\.1\.113883\.5\.1076|loinc\.org|2\.16\.840\.1\.113883\.6\.1'
           r'|snomed\.info/sct|2\.16\.840\.1\.113883\.6\.96)"')
# the code and its system in one coding, either order, at most 160 characters apart, no object or
# element of another concept between (`}`, `</coding>`, `/>` then a new `<code`)
_CODED = re.compile(rf'{_SYSTEM}[^{{}}\[\]]{{0,160}}?\b{_CODE}|\b{_CODE}[^{{}}\[\]<>]{{0,160}}?{_SYSTEM}')
_ICD10 = re.compile(r"[a-tv-z][0-9]{2}(?:\.?[0-9a-z]{1,4})?")
_SNOMED_HIV = frozenset({"86406008", "165816005"})


def _may_hold_codes(low: str) -> bool:
    """Whether `_CODED` can match in `low`, by literals every match holds (C searches): a quote,
    "code" and "system" (both alternatives hold `_CODE` and `_SYSTEM`), and a piece of one of the
    systems. Without "code" and "system", a JSON dump whose text happened to hold "icd" (317 kB)
    cost ~10 ms of `_CODED.finditer` for nothing, 4% of the dense mix's time on the core."""
    return ('"' in low and "code" in low and "system" in low
            and ("113883" in low or "icd" in low or "cim" in low or "loinc" in low or "snomed" in low
                 or "religi" in low))


def _code_category(system: str, code: str) -> str | None:
    if system.startswith(("icd", "cim", "2.16.840.1.113883.6.3", "2.16.840.1.113883.6.90")):
        return "health" if _ICD10.fullmatch(code) else None
    if "religi" in system or system == "2.16.840.1.113883.5.1076":
        return "religion"
    if system in ("loinc.org", "2.16.840.1.113883.6.1"):
        return "sexual_orientation" if code == "76690-7" else None
    return "health" if code in _SNOMED_HIV else None


def _code_flags(text: str, low: str, flags: list[SensitiveFlag], seen: dict[tuple[str, str], int],
                limit: int) -> None:
    """The categories coded concepts say by their codes (`_CODED`)."""
    taken = {f.start for f in flags}
    for m in _CODED.finditer(low):
        system, code = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        c0 = m.start(2) if m.group(1) is not None else m.start(3)
        cat = _code_category(system, code)
        if cat is None or c0 in taken:
            continue
        k = (cat, code)
        if seen.get(k, 0) >= 3:
            continue
        seen[k] = seen.get(k, 0) + 1
        flags.append(SensitiveFlag(category=cat, evidence=text[c0:c0 + len(code)], start=c0, end=c0 + len(code)))
        if len(flags) >= limit:
            return


def _label_flags(lex: Lexicon, text: str, low: str, flags: list[SensitiveFlag],
                 seen: dict[tuple[str, str], int], limit: int) -> None:
    """A dox's "Religion: ..." or "Santé: ..." line is the category whatever its value says
    ("Santé: sous Levothyrox"), unless the value denies it ("Religion: aucune")."""
    taken = {f.start for f in flags}
    for spans in iter_spans(_A9_LABEL, low):
        start, end = spans[1]
        if start in taken:  # the label is a lexicon term too ("Ethnicity"): flagged already
            continue
        cat = HEADER_CATEGORIES[_NON_ALNUM.sub("_", low[start:end])]
        k = (cat, low[start:end])
        if seen.get(k, 0) >= 3:
            continue
        # the label's value, to its line's end or its cell's ("Religion: NC;Orientation: NC")
        value = low[end:end + 80].lstrip(" \t:=")
        value = value[:min((i for i in (value.find(c) for c in "\n\t|;,") if i >= 0), default=len(value))]
        if says_nothing(value, cat, lex):
            continue  # "Religion: non renseignée", "Orientation: prefer not to say"
        non_belief = cat == "religion" and answer(value) in lex.absent  # "Religion: aucune" says a non-belief
        if not non_belief and re2_match(lex.neg_after, low[end:end + 30]) is not None:
            continue  # "Santé: aucune", "VIH: non"
        seen[k] = seen.get(k, 0) + 1
        flags.append(SensitiveFlag(category=cat, evidence=text[start:end], start=start, end=end))
        if len(flags) >= limit:
            return


# Inflected endings back to the form a search names: "séropositives" -> "séropositif",
# "syndiquée" -> "syndiqué", "lesbiennes" -> "lesbien" (longest ending first).
_BASE_ENDINGS = (("ives", "if"), ("ive", "if"), ("ennes", "en"), ("enne", "en"), ("elles", "el"),
                 ("elle", "el"), ("euses", "eux"), ("euse", "eux"), ("ées", "é"), ("ée", "é"), ("és", "é"))


def _base_forms(word: str) -> tuple[str, str]:
    """(singular, masculine singular) of a lowercase word of 5+ letters; other words unchanged."""
    if len(word) < 5 or not word.isalpha() or not word.islower():
        return word, word
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    for ending, base in _BASE_ENDINGS:
        if word.endswith(ending):
            return singular, word[:-len(ending)] + base
    return singular, singular


def evidence_terms(flags: list[SensitiveFlag], limit: int = 64) -> list[str]:
    """The distinct evidence terms of a fragment's flags, as written (first spelling kept), each
    followed by its base form when it differs ("séropositives", "séropositif"), for the searchable
    evidence field: `vigie search séropositif` finds the fragment that says "séropositives".
    These are lexicon terms and column names, never an identifier."""
    out: dict[str, str] = {}
    for f in flags:
        term = " ".join(f.evidence.split())
        forms = [_base_forms(w) for w in term.split()]
        for t in (term, " ".join(f[0] for f in forms), " ".join(f[1] for f in forms)):
            if t and len(out) < limit:
                out.setdefault(fold(t), t)
    return list(out.values())


def says_nothing(value: str, category: str, lex: Lexicon | None = None) -> bool:
    """The value of a cell or a label of `category` reveals nothing about the person: a declined or
    unknown answer ("NC", "non renseignée", "Prefer not to say", "-", empty), or an absence ("aucune",
    "none") for any category but religion, where an explicit absence of belief is a belief statement
    (`indexer/article9_lexicon/declined.txt`, README.md)."""
    lex = lex or lexicon()
    a = answer(value)
    if category == "trade_union" and _NO_UNION.search(a) is not None:
        return True  # "Syndicat des copropriétaires ...", "Syndicat des eaux du Vivier"
    if category == "health" and _NO_HEALTH.match(a) is not None:
        return True  # a house survey's `diagnostic`: "DPE classe D", "amiante négatif", "termites RAS"
    return a in lex.declined or (category != "religion" and a in lex.absent)


_COLUMN_ROWS = 5000  # rows read below a header for `column_says_nothing` (a bound, not a sample)


def column_says_nothing(text: str, name: str, category: str) -> bool:
    """`declined_column` found the column and every value under it says nothing."""
    return declined_column(text, name, category) is not None


def declined_column(text: str, name: str, category: str) -> tuple[int, int] | None:
    """The delimited table in `text` has a header cell `name`, and every value read under it says
    nothing (`says_nothing`): a column named after a category ("religion", "orientation") that holds
    only "NC" or "Ne souhaite pas répondre" reveals no one's category. Returns the header line's span
    (its name there, "pathologie", is a lexicon term too: not a flag either), or None whenever the
    column or its rows cannot be read (a SQL INSERT, a spaced table): then the column's name flags."""
    # the header is the line where the name is first written (`name` is a header cell as written)
    at = text.find(name) if name else -1
    if at < 0:
        return None
    head_start = text.rfind("\n", 0, at) + 1
    head_end = text.find("\n", at)
    head_end = len(text) if head_end < 0 else head_end  # (a one-line INSERT: its rows follow on its line)
    if head_end - head_start > 4000 and not (text[head_start:at].lstrip()[:6].lower() == "insert"):
        return None  # a line too long to be a header
    head = text[head_start:min(head_end, head_start + 4000)]
    want = _norm(name)
    lex = lexicon()
    if "(" in head and (ins := re2_match(_SQL_HEAD, head)) is not None:
        return _declined_sql(text, head_start, head_start + ins.end(), ins.group(1) or "", want, category)
    for delim in _DELIMS:
        if delim not in head:
            continue
        cells = head.split(delim)
        col = next((n for n, c in enumerate(cells) if name in c and _norm(c) == want), -1)
        if col < 0:
            continue
        rows = 0
        pos = head_end + 1
        for _ in range(_COLUMN_ROWS):  # row by row: a real value on the first row ends the read
            if pos >= len(text):
                break
            nxt = text.find("\n", pos)
            line, pos = (text[pos:], len(text)) if nxt < 0 else (text[pos:nxt], nxt + 1)
            if not line.strip():
                continue
            row = line.split(delim)
            if len(row) != len(cells):
                if '"' in line:
                    return None  # a quoted cell holding the delimiter: not read here, so kept
                continue
            if not says_nothing(row[col], category, lex):
                return None
            rows += 1
        # (a table longer than the rows read keeps its flag: its later rows were not read)
        return (head_start, head_end) if rows and pos >= len(text) else None
    return None


# a SQL INSERT's column list and its VALUES tuples (a quoted string with '' or \' escapes, or a bare word)
_SQL_HEAD = re2.compile(r"(?i)\s*insert\s+(?:ignore\s+)?into\s+[^\s(]+\s*\(([^()]+)\)\s*values\s*")
_SQL_FIELD = r"(?:'(?:[^'\\]|\\.|'')*'|[^,()']*)"  # (one field: RE2, linear)
_SQL_TUPLE = re2.compile(r"\(\s*(" + _SQL_FIELD + r"(?:\s*,\s*" + _SQL_FIELD + r")*)\s*\)")


def _sql_fields(body: str) -> list[str]:
    """A tuple's fields, split on the commas outside quotes (escaped quotes kept inside)."""
    masked = body.replace("\\\\", "\0\0").replace("\\'", "\0\0")
    out: list[str] = []
    start = pos = 0
    outside = True
    for piece in masked.split("'"):
        if outside:
            i = piece.find(",")
            while i >= 0:
                out.append(body[start:pos + i].strip())
                start = pos + i + 1
                i = piece.find(",", i + 1)
        pos += len(piece) + 1
        outside = not outside
    out.append(body[start:].strip())
    return out


def _declined_sql(text: str, head_start: int, values_at: int, cols: str, want: str,
                  category: str) -> tuple[int, int] | None:
    """`declined_column` for a SQL INSERT: the tuples after VALUES (of this statement and of the next
    ones of the fragment), each of the column list's length, or None (a tuple of another shape, one
    real value)."""
    names = [_norm(c) for c in cols.split(",")]
    if want not in names:
        return None
    col = names.index(want)
    lex = lexicon()
    rows = last = 0
    for n, spans in enumerate(iter_spans(_SQL_TUPLE, text[values_at:])):
        if n >= _COLUMN_ROWS:
            return None  # (not read whole: the flag stays)
        s0, s1 = spans[1]
        body = text[values_at + s0:values_at + s1]
        fields = _sql_fields(body)
        if len(fields) != len(names):
            return None
        if fields[col][:1] != "'" and _norm(fields[col]) == want and [_norm(f) for f in fields] == names:
            continue  # the next statement's column list
        value = fields[col].strip()
        if value[:1] == "'" and value[-1:] == "'" and len(value) >= 2:
            value = value[1:-1]
        if not says_nothing(value, category, lex):
            return None
        rows += 1
        last = values_at + spans[0][1]
    # (the statements read: the column's name in each of their column lists is no flag either)
    return (head_start, last) if rows else None
