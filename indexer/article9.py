"""GDPR article 9 flags (special categories), French and English, with evidence spans.

Why a hand-made lexicon rather than a bag of medical words: a flag raises a fragment to
critical severity, so every entry must say something *about a person*. "médecin" (a doctor's
name in a contacts list) says nothing about anyone's health; "séropositif", "sous insuline",
"schizophrène" do. Likewise "syndicat" alone is usually a building's "syndicat de copropriété",
so unions are matched by their names or by "syndiqué(e)". Religions match with their
qualifiers ("catholique non pratiquante" is one piece of evidence).

Matching runs on an accent-folded copy of the text whose characters map one to one onto the
original, so evidence spans are offsets into the original text. The regex is RE2 (linear time).
"""

from __future__ import annotations

import re2

from indexer._re2fast import iter_spans
from indexer.models import SensitiveFlag

__all__ = ["HEADER_CATEGORIES", "fold", "scan_article9"]

_SRC = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝæÆ"
_DST = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyaa"


def _latin_table() -> bytes:
    table = bytearray(range(256))
    for c in range(65, 91):
        table[c] = c + 32
    for c in range(128, 256):
        table[c] = ord("?")
    for a, b in zip(_SRC, _DST, strict=True):
        table[ord(a)] = ord(b)
    return bytes(table)


_LATIN = _latin_table()


def fold(text: str) -> str:
    """Lowercase and strip French accents, keeping the length (so offsets still hold).

    One character maps to one: text goes through Latin-1 (anything outside it, such as CJK or
    Cyrillic, becomes "?") and a 256-byte table, which runs at C speed on megabyte fragments."""
    if text.isascii():
        return text.lower()
    t = text.replace("\u2019", "'").replace("\u0153", "o").replace("\u0152", "o")
    return t.encode("latin-1", "replace").translate(_LATIN).decode("ascii")


_LEXICON: dict[str, list[str]] = {
    "health": [
        r"seropositi(?:f|ve|fs|ves)", r"hiv(?:[- ]positive)?", r"vih", r"sida", r"aids patient",
        r"tritherapie", r"antiretrovira(?:l|ux|ls)", r"diabet(?:e|ique|iques|es|ic|ics)",
        r"cancers?", r"chimio(?:therapie)?", r"chemotherapy", r"radiotherapie", r"radiotherapy",
        r"tumeurs?", r"tumou?rs?", r"leucemie", r"leukemia", r"lymphome", r"lymphoma",
        r"schizophren(?:e|es|ie|ia|ic)", r"bipolaires?", r"bipolar(?: disorder)?",
        r"depression(?: severe| chronique)?", r"depressi(?:f|ve)", r"psychiatri(?:e|que|c|st)",
        r"psychoses?", r"psychosis", r"autis(?:me|te|m|tic)", r"epileps?(?:ie|y|ique|ies)",
        r"epileptic", r"alzheimer(?:'s)?", r"parkinson(?:'s)?", r"sclerose en plaques",
        r"multiple sclerosis", r"hepatite [abc]", r"hepatitis [abc]", r"tuberculos(?:e|is)",
        r"asthm(?:e|a|atique|atic)", r"insuffisance (?:renale|cardiaque|respiratoire)",
        r"dialys(?:e|is)", r"handicap(?:e|ee|es|ees)?", r"disabilit(?:y|ies)", r"affection de longue duree",
        r"interruption volontaire de grossesse", r"ivg", r"abortion", r"grossesse", r"pregnan(?:t|cy)",
        r"sous (?:insuline|methadone|subutex|lithium|antidepresseurs?|traitement)", r"insulin",
        r"methadone", r"subutex", r"buprenorphine", r"antidepresseurs?", r"antidepressants?",
        r"toxicomanie", r"addiction", r"alcoolisme", r"alcoholism", r"anorexi(?:e|a)", r"boulimi(?:e|a)",
        r"covid(?:-19)?", r"diagnostic", r"diagnosis", r"pathologies?", r"antecedents? medicaux",
        r"dossier medical", r"medical (?:record|condition|history)", r"allergi(?:e|es|c) (?:a|to) \w+",
        r"hospitalis(?:e|ee|ation)", r"hospitali[sz]ed", r"groupe sanguin", r"blood type",
        r"mental health", r"sante mentale", r"infarctus", r"avc", r"stroke patient", r"obesite",
    ],
    "sexual_orientation": [
        r"homosexuel(?:le)?s?", r"homosexual", r"gay", r"lesbienne?s?", r"lesbian",
        r"bisexuel(?:le)?s?", r"bisexual", r"lgbt\w*", r"orientation sexuelle", r"sexual orientation",
        r"heterosexuel(?:le)?", r"heterosexual", r"pansexuel(?:le)?", r"pansexual", r"queer",
    ],
    "sex_life": [
        r"vie sexuelle", r"sex life", r"partenaires? sexuels?", r"sexual partners?",
        r"libertin(?:e|s|es)?", r"echangiste", r"swingers?", r"pratiques sexuelles", r"sexual practices",
    ],
    "religion": [
        r"catholiques?(?: non)?(?: pratiquante?s?)?", r"protestante?s?(?: non)?(?: pratiquante?s?)?",
        r"musulmane?s?(?: non)?(?: pratiquante?s?)?", r"juif|juive|juifs|juives", r"bouddhistes?",
        r"hindou(?:e|s|es)?", r"evangeliques?", r"temoins? de jehovah", r"jehovah's witness",
        r"chretien(?:ne)?s?", r"christian", r"catholic", r"muslim", r"jewish", r"buddhist",
        r"hindu", r"sikh", r"mormon", r"athee", r"atheist", r"religion", r"confession religieuse",
        r"pratiquante?s? (?:catholique|musulmane?|juive?)", r"islam", r"judaisme",
    ],
    "ethnic_origin": [
        r"origine ethnique", r"ethnic(?:ity| origin)", r"ethnie", r"racial origin", r"origine raciale",
        r"origine (?:maghrebine|africaine|asiatique|antillaise|arabe|juive|rom|subsaharienne)",
        r"african american", r"hispanic", r"caucasian", r"afro-?descendante?",
    ],
    "political_opinion": [
        r"opinions? politiques?", r"political (?:opinion|affiliation|party)s?",
        r"(?:militante?|adherente?|membre|sympathisante?) (?:du|de la|des|de) "
        r"(?:parti|ps|rn|lfi|pcf|npa|fn)\b[\w ]{0,30}",
        r"parti communiste", r"parti socialiste", r"front national", r"rassemblement national",
        r"france insoumise", r"les republicains", r"europe ecologie", r"reconquete",
        r"registered (?:democrat|republican)", r"party member",
    ],
    "trade_union": [
        r"syndique(?:e|s|es)?", r"delegue(?:e)? syndica(?:l|le|ux)",
        r"adherente? (?:a la |au )?(?:cgt|cfdt|fo|sud|unsa|cftc)",
        r"membre (?:du syndicat|de la cgt|de la cfdt)", r"cgt", r"cfdt", r"cftc", r"cfe-cgc",
        r"force ouvriere", r"unsa", r"trade union(?: member)?", r"union member(?:ship)?", r"labou?r union",
    ],
    "genetic": [
        r"adn", r"dna", r"genetiques?", r"genetic", r"genome", r"sequencage", r"brca[12]",
        r"mutation genetique", r"test genetique", r"genotype",
    ],
    "biometric": [
        r"empreintes? digitales?", r"fingerprints?", r"reconnaissance faciale", r"facial recognition",
        r"biometri(?:e|que|ques|c|cs)", r"iris scan", r"face template", r"gabarit facial",
    ],
}

_CATS = list(_LEXICON)
_RX = re2.compile(
    r"(?:^|[^a-z0-9_])(" + "|".join(f"({'|'.join(v)})" for v in _LEXICON.values()) + r")(?:[^a-z0-9_]|$)"
)

# Column names (folded, non-alphanumerics as "_") that mark a category by themselves.
HEADER_CATEGORIES: dict[str, str] = {
    **{k: "health" for k in ("pathologie", "pathologies", "diagnostic", "diagnostics", "diagnosis",
                             "traitement", "traitements", "treatment", "maladie", "maladies",
                             "antecedents", "antecedents_medicaux", "allergies", "groupe_sanguin",
                             "blood_type", "medical_condition", "condition_medicale", "hiv_status",
                             "statut_vih", "medication", "medicaments", "handicap", "cim10", "icd10")},
    **{k: "religion" for k in ("religion", "confession", "culte")},
    **{k: "sexual_orientation" for k in ("orientation_sexuelle", "sexual_orientation", "orientation")},
    **{k: "ethnic_origin" for k in ("ethnie", "ethnicity", "origine_ethnique", "race")},
    **{k: "trade_union" for k in ("syndicat", "union_membership", "appartenance_syndicale")},
    **{k: "political_opinion" for k in ("parti", "parti_politique", "political_party", "opinion_politique")},
    **{k: "genetic" for k in ("adn", "dna", "genotype")},
    **{k: "biometric" for k in ("empreinte", "fingerprint", "biometrie")},
}


def scan_article9(text: str, limit: int = 50) -> list[SensitiveFlag]:
    """Flags with evidence (original spelling) and offsets; at most `limit` flags, and at most
    three per (category, evidence) so that a 10 000-row file does not return 10 000 flags."""
    low = fold(text)
    flags: list[SensitiveFlag] = []
    seen: dict[tuple[str, str], int] = {}
    # resume at the end of the word, not of the match: the trailing boundary char may be the
    # leading boundary of the next word
    for spans in iter_spans(_RX, low, resume=1):
        start, end = spans[1]
        cat = next(c for i, c in enumerate(_CATS) if spans[i + 2][0] >= 0)
        k = (cat, low[start:end])
        if seen.get(k, 0) < 3:
            seen[k] = seen.get(k, 0) + 1
            flags.append(SensitiveFlag(category=cat, evidence=text[start:end], start=start, end=end))
            if len(flags) >= limit:
                break
    return flags
