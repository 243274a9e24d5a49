# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 5c: article 9 in French and English (new phrasings, near misses), negatives, and the
crawl's paths: `detect_many` on a batch mixing chatter and dumps, `detect_stream` on a 340 KB dump.

Article 9 phrasings sit in a notes column of a small patients' CSV (with its identifiers) and in a
prose dox; near misses sit in the same places and must flag nothing. Negatives are posts that hold no
identifier a user would call personal data.
"""

from __future__ import annotations

import resource

from indexer.detect import detect
from tests.blind_probe_harness import Probe, detect_many_agrees, make_tests, nir
from tests.test_detect_blind_probe_set5 import BASES, PEOPLE, P, many

SET = Probe("5c")
case = SET.case
negative = SET.negative

_PEOPLE3 = PEOPLE[2:5]
_IDS3 = many(_PEOPLE3, "email mobile dob")


def notes_csv(notes: str, people: tuple[P, ...] | list[P] = _PEOPLE3) -> str:
    rows = ["nom;prenom;date_naissance;email;telephone;remarques"]
    for i, p in enumerate(people):
        rows.append(f"{p.last};{p.first};{p.fr_dob};{p.email};{p.nat0};{notes if i == 1 else 'RAS'}")
    return "\n".join(rows)


def prose_fr(sentence: str, p: P = PEOPLE[6]) -> str:
    return f"Cible : {p.first} {p.last}, née le {p.fr_dob}, tel {p.nat}, mail {p.email}. {sentence}"


def prose_en(sentence: str, p: P = PEOPLE[7]) -> str:
    return f"Target: {p.first} {p.last}, DOB {p.fr_dob}, mobile {p.nat}, email {p.email}. {sentence}"


_FR_IDS = PEOPLE[6].ids("email mobile dob")
_EN_IDS = PEOPLE[7].ids("email mobile dob")

ART9: dict[str, tuple[str, str, str]] = {
    # name: (language, phrasing, category)
    "schizophrenie_cmp": ("fr", "suivi au CMP pour une schizophrénie, sous Abilify", "health"),
    "hospitalisation_sous_contrainte": ("fr", "hospitalisée sous contrainte (SDRE) en 2023", "health"),
    "sclerose_en_plaques": ("fr", "sclérose en plaques diagnostiquée en 2018", "health"),
    "epileptique": ("fr", "épileptique, dernière crise en août", "health"),
    "anorexie": ("fr", "anorexie mentale, suivie à la Maison de Solenn", "health"),
    "levothyrox": ("fr", "sous Lévothyrox 75 µg depuis sa thyroïdectomie", "health"),
    "en_methotrexate": ("en", "on methotrexate for rheumatoid arthritis", "health"),
    "en_alzheimer": ("en", "diagnosed with early-onset Alzheimer's last spring", "health"),
    "en_sectioned": ("en", "sectioned under the Mental Health Act in 2022", "health"),
    "en_long_covid": ("en", "off work with long COVID since January", "health"),
    "homo_pas_out": ("fr", "homo, pas out au boulot", "sexual_orientation"),
    "bi_assumee": ("fr", "bisexuelle assumée, en couple avec une femme", "sexual_orientation"),
    "en_pansexual": ("en", "identifies as pansexual", "sexual_orientation"),
    "en_came_out": ("en", "came out as gay to his parents last year", "sexual_orientation"),
    "salon_massage_erotique": ("fr", "client régulier d'un salon de massage érotique rue Saint-Denis", "sex_life"),
    "en_sugar_daddy": ("en", "pays a sugar baby monthly through a dating app", "sex_life"),
    "bapteme_evangelique": ("fr", "baptisé adulte dans une église évangélique", "religion"),
    "shabbat": ("fr", "pratiquant, respecte le Shabbat", "religion"),
    "en_hindu": ("en", "devout Hindu, vegetarian for religious reasons", "religion"),
    "en_mormon": ("en", "practising Mormon, served an LDS mission in Brazil", "religion"),
    "renaissance_colleur": ("fr", "adhérent Renaissance, colle des affiches pour les municipales", "political_opinion"),
    "lutte_ouvriere": ("fr", "militante à Lutte Ouvrière", "political_opinion"),
    "en_reform_uk": ("en", "Reform UK member, canvassed for them in 2024", "political_opinion"),
    "unsa": ("fr", "encarté à l'UNSA, élu au CSE", "trade_union"),
    "en_rmt": ("en", "RMT union member, on the picket line in June", "trade_union"),
    "origine_kabyle": ("fr", "d'origine kabyle", "ethnic_origin"),
    "en_pakistani_heritage": ("en", "British of Pakistani heritage", "ethnic_origin"),
    "exome_variant": ("fr", "séquençage d'exome : porteur d'un variant pathogène du gène MYH7", "genetic health"),
    "en_sickle_trait": ("en", "carries the sickle cell trait (HbAS) per genetic screening", "genetic"),
    "gabarit_facial": ("fr", "gabarit de reconnaissance faciale enregistré pour le badge d'accès", "biometric"),
    "en_iris_scan": ("en", "iris scan enrolled at the gym turnstile", "biometric"),
    "fausse_couche": ("fr", "a fait une FC en mai, suivie en gynéco", "health"),
    "boulimie_tca": ("fr", "TCA (boulimie), suivi en hôpital de jour", "health"),
    "ritaline_tdah": ("fr", "sous Ritaline pour un TDAH", "health"),
    "remission_lymphome": ("fr", "en rémission d'un lymphome de Hodgkin", "health"),
    "amputee": ("fr", "amputé de la jambe gauche après un accident de moto", "health"),
    "appareille": ("fr", "appareillé des deux oreilles (surdité sévère)", "health"),
    "en_ivf": ("en", "IVF patient, third cycle at the Lister fertility clinic", "health"),
    "en_vasectomy": ("en", "had a vasectomy in 2021", "health"),
    "en_hiv_undetectable": ("en", "HIV+ and undetectable, sees the GUM clinic quarterly", "health"),
    "en_amputee": ("en", "below-knee amputee, uses a prosthetic leg", "health"),
    "kippa": ("fr", "porte la kippa, mange casher", "religion"),
    "hajj": ("fr", "a fait son hajj en 2019", "religion"),
    "athee_militant": ("fr", "athée militant, membre de la Libre Pensée", "religion"),
    "careme_orthodoxe": ("fr", "fait le carême orthodoxe", "religion"),
    "en_gurdwara_langar": ("en", "volunteers at the gurdwara langar every Sunday", "religion"),
    "jeunes_republicains": ("fr", "membre des Jeunes Républicains", "political_opinion"),
    "vote_ecolo": ("fr", "vote écolo depuis toujours, sympathisante EELV", "political_opinion"),
    "en_snp_activist": ("en", "SNP activist, leafleted for independence", "political_opinion"),
    "en_labour_councillor": ("en", "Labour councillor for Riverside ward", "political_opinion"),
    "cfe_cgc": ("fr", "adhérente CFE-CGC", "trade_union"),
    "solidaires": ("fr", "syndiqué chez Solidaires, gréviste", "trade_union"),
    "en_unite_rep": ("en", "Unite rep at the depot", "trade_union"),
    "famille_harkie": ("fr", "issue d'une famille harkie", "ethnic_origin"),
    "origine_antillaise": ("fr", "d'origine antillaise (Guadeloupe)", "ethnic_origin"),
    "en_kurdish": ("en", "Kurdish, fled Syria in 2015", "ethnic_origin"),
    "en_roma": ("en", "Roma, lives on a council traveller site", "ethnic_origin"),
    "mutation_hfe": ("fr", "homozygote C282Y du gène HFE (test génétique)", "genetic"),
    "en_brca_negative_panel": ("en", "genetic panel: Lynch syndrome MLH1 variant carrier", "genetic health"),
    "empreinte_palmaire": ("fr", "empreinte palmaire enregistrée pour la cantine", "biometric"),
    "voix_banque": ("fr", "empreinte vocale enregistrée pour l'authentification de sa banque", "biometric"),
    "en_face_id_enrolled": ("en", "facial geometry template enrolled for the office turnstiles", "biometric"),
    "prostituees": ("fr", "fréquente des prostituées au bois de Boulogne", "sex_life"),
    "en_affair": ("en", "having an affair with a coworker, uses Ashley Madison", "sex_life"),
    "en_married_to_wife_woman": ("en", "married to her wife Claire", "sexual_orientation"),
    "marie_a_un_homme": ("fr", "marié à un homme depuis 2017", "sexual_orientation"),
    "arret_maladie_depression": ("fr", "en arrêt maladie pour dépression depuis septembre", "health"),
    "hernie_discale": ("fr", "opérée d'une hernie discale en 2022", "health"),
    "insuffisant_renal": ("fr", "insuffisant rénal, en attente de greffe", "health"),
    "en_ms_relapse": ("en", "relapsing-remitting MS, on Ocrevus infusions", "health"),
    "en_gender_clinic": ("en", "on hormone therapy via the gender identity clinic", "health"),
    "en_jehovah_blood": ("en", "refuses blood transfusions as a Jehovah's Witness", "religion health"),
    "en_muslim_convert": ("en", "converted to Islam in 2019, prays five times a day", "religion"),
    "en_green_party_candidate": ("en", "stood as a Green Party candidate in the local elections", "political_opinion"),
}
for name, (lang, phrase, cat) in ART9.items():
    # (several categories space-separated: a disease risk's gene test, a transfusion refused, wave 31)
    case(f"a9_{name}__notes", notes_csv(phrase), _IDS3, set(cat.split()))
    if lang == "fr":
        case(f"a9_{name}__prose", prose_fr(phrase[0].upper() + phrase[1:] + "."), _FR_IDS, set(cat.split()))
    else:
        case(f"a9_{name}__prose", prose_en(phrase[0].upper() + phrase[1:] + "."), _EN_IDS, set(cat.split()))

NEAR: dict[str, str] = {
    # notes a CRM holds that are NOT article 9 data
    "rue_de_l_eglise": "habite 4 rue de l'Église, sonner deux fois",
    "mutualite_employer": "travaille à la Mutualité Française (service comptable)",
    "abonne_journal": "abonné au Parisien et à L'Équipe",
    "ancien_militaire": "ancien de l'armée de terre, 2e RIMa",
    "pharmacie_livraison": "livraison à la pharmacie du centre, horaires 9h-19h",
    "vote_procuration": "a demandé une procuration pour les élections du CE de son club de tennis",
    "en_temple_street": "lives on Temple Street, ring the bell",
    "en_christian_dior": "works at Christian Dior in customer service",
    "en_party_planner": "party planner, books venues for weddings",
    "en_union_station": "meet at Union Station, platform 4",
    "sang_donneur_rdv": "rdv pris pour un don du sang (collecte EFS samedi)",
    "en_gay_pride_volunteer_logistics": "sells tickets for the Pride boat party (events company)",
}
for name, phrase in NEAR.items():
    case(f"near_{name}__notes", notes_csv(phrase), _IDS3)

# near misses in a prose dox: a profession, an employer, a place or a relative is no article 9 data of the person
NEAR_PROSE: dict[str, tuple[str, str]] = {
    "infirmiere_chu": ("fr", "Infirmière de nuit au CHU de Nantes, service de cardiologie."),
    "benevole_croix_rouge": ("fr", "Bénévole à la Croix-Rouge le week-end."),
    "prof_lycee_catholique": ("fr", "Prof de maths dans un lycée privé catholique sous contrat."),
    "journaliste_sante": ("fr", "Journaliste santé, écrit sur le cancer et le VIH pour un hebdo."),
    "boucherie_halal_gerant": ("fr", "Gérant d'une boucherie halal à Roubaix."),
    "rue_des_juifs": ("fr", "Habite rue des Juifs à Strasbourg, 3e étage."),
    "en_nurse": ("en", "Works as a nurse at St Thomas' Hospital, night shifts."),
    "en_charity_shop": ("en", "Volunteers at the Cancer Research UK charity shop on Saturdays."),
    "en_catholic_school_alumni": ("en", "Went to St Aidan's Catholic school, now an accountant."),
    "en_near_mosque": ("en", "Lives near the mosque on Green Lane, parks on the street."),
    "en_pharmacist": ("en", "Pharmacist, dispenses methadone and PrEP at a high-street chain."),
    "en_union_street_office": ("en", "Office on Union Street, above the gay bar The Lamb."),
}
for name, (lang, sentence) in NEAR_PROSE.items():
    if lang == "fr":
        case(f"near_{name}__prose", prose_fr(sentence), _FR_IDS)
    else:
        case(f"near_{name}__prose", prose_en(sentence), _EN_IDS)

# a thread: article 9 in a reply that names the row above it (FR), and a health column with coded values
case(
    "a9_health_column_icd_and_words_mixed",
    "\n".join(
        ["nom;prenom;date_naissance;email;telephone;pathologie"]
        + [
            f"{p.last};{p.first};{p.fr_dob};{p.email};{p.nat0};{d}"
            for p, d in zip(_PEOPLE3, ("E11.9", "asthme sévère", "F20.0 schizophrénie paranoïde"), strict=True)
        ]
    ),
    _IDS3,
    {"health"},
)
case(
    "a9_en_survey_export_ethnicity_religion_columns",
    "\n".join(
        ["respondent_id,email,mobile,dob,ethnicity,religion"]
        + [
            f"R-{100 + i},{p.email},+{p.mobile[1:]},{p.dob},{e},{r}"
            for i, (p, e, r) in enumerate(
                zip(
                    _PEOPLE3,
                    ("White British", "Black Caribbean", "Mixed - White and Asian"),
                    ("No religion", "Muslim", "Sikh"),
                    strict=True,
                )
            )
        ]
    ),
    _IDS3,
    {"ethnic_origin", "religion"},
)

# ---------------------------------------------------------------- negatives (no personal identifier at all)

negative(
    "news_hospital_strike",
    "Grève au CHU de Nantes : les infirmières réclament 300 € de plus. Le syndicat SUD Santé appelle à manifester le 12/12 à 14h place Royale. Contact presse : 02 40 00 00 00.",
)
negative(
    "forum_rules_post",
    "Règles du forum :\n1. Pas de doxx de mineurs\n2. Les samples doivent faire 10 lignes max\n3. Escrow obligatoire au-delà de 500 $\nModération : @admin, @mod_02",
)
negative(
    "price_list_dumps",
    "Prix :\n- Combo FR 100k : 40 $\n- Base mutuelle 2026 (2,3 M lignes) : 1200 $\n- Fullz FR : 15 $/u\nPaiement XMR uniquement, dispo 24/7",
)
negative(
    "en_church_newsletter",
    "St Mary's parish newsletter: Advent services every Sunday at 10:30, carol service 21/12/2026. The food bank needs volunteers; call the parish office.",
)
negative(
    "en_clinic_opening_hours",
    "Riverside Clinic opening hours: Mon-Fri 08:00-18:30, Sat 09:00-12:00. Flu vaccinations by appointment from 01/10/2026.",
)
negative(
    "version_table",
    "version;date;sha;notes\n2.4.1;03/11/2026;9f8e7d6c5b4a39281706f5e4d3c2b1a0;fix login\n2.4.0;21/10/2026;1a2b3c4d5e6f708192a3b4c5d6e7f809;new theme\n2.3.9;30/09/2026;0f1e2d3c4b5a69788796a5b4c3d2e1f0;perf",
)
negative(
    "sports_table_with_dates",
    "Classement 12/11/2026\n1;PSG;34 pts;11 V;1 N;0 D\n2;OM;28 pts;9 V;1 N;2 D\n3;Lens;25 pts;8 V;1 N;3 D\n4;Monaco;24 pts;7 V;3 N;2 D",
)
negative(
    "crypto_wallet_list",
    "Adresses de dépôt :\nBTC bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\nXMR 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A\nETH 0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
)
negative(
    "en_hiv_awareness_post",
    "World AIDS Day 01/12: free HIV testing at the community centre, no appointment needed. PrEP info sessions every Tuesday.",
)
negative(
    "tracking_and_order_ids",
    "Commandes expédiées :\nCMD-2026-118273 Colissimo 6A12345678901\nCMD-2026-118274 Chronopost XY123456789FR\nCMD-2026-118275 Mondial Relay 88123456",
)


MISSED: dict[str, str] = {
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.99, "precision": 0.99, "art9_recall": 0.92, "art9_precision": 0.94}))


# ---------------------------------------------------------------- the crawl's paths

_CHATTER_POSTS = [
    "up",
    "merci pour le partage, ça marche nickel",
    "Quelqu'un a un invite pour le forum ? je paie en XMR",
    "Vendeur fiable, reçu en 10 min. +rep",
    "le lien est mort, reup svp 🙏",
    "<p>Nouveau tuto : comment sécuriser son OPSEC sous Tails</p><p>1) jamais de JS 2) bridges obfs4</p>",
    "Prix négociable en MP. Pas de sample gratuit.",
    "Ce sample date de 2023, déjà vu sur BreachForums.",
] * 5


def test_detect_many_batch_mixing_chatter_and_dumps_finds_what_detect_finds() -> None:
    """A forum page's posts: 40 chatter posts and each base dump of set 5 as one post among them, in
    bytes as a crawl hands them over. `detect_many` gives each post what `detect` gives, and the dumps'
    identifiers are all there (a dump among chatter is no less a dump)."""
    dumps = {name: "\n".join(lines) for name, (lines, _ids) in BASES.items()}
    batch: list[str | bytes] = list(_CHATTER_POSTS)
    for i, text in enumerate(dumps.values()):
        batch.insert(3 + 6 * i, text)
    assert detect_many_agrees(batch, SET.key) == []
    from indexer.detect.prefilter import detect_many

    got = detect_many([b.encode() if isinstance(b, str) else b for b in batch], key=SET.key)
    found = {(i.type, i.value) for frags in got for f in frags for i in f.identifiers}
    for name, (_lines, ids) in BASES.items():
        assert ids <= found, (name, sorted(ids - found))


def _stream_rows(n: int) -> tuple[bytes, set[tuple[str, str]]]:
    """n rows of invented patients (valid NIR keys, mobiles in an assigned block, dates of birth)."""
    rows = ["nom;prenom;date_naissance;email;telephone;nir"]
    ids: set[tuple[str, str]] = set()
    for i in range(n):
        y, m, d = 1940 + i % 60, 1 + i % 12, 1 + i % 28
        body = f"{1 + i % 2}{y % 100:02d}{m:02d}{(1 + i % 95):02d}{(i * 7) % 999:03d}{i % 997 + 1:03d}"
        value = nir(body)
        phone = f"+3361{i:07d}"
        rows.append(f"NOM{i};Prénom{i};{d:02d}/{m:02d}/{y};patient.{i}@orange.fr;0{phone[3:]};{value}")
        ids |= {("email", f"patient.{i}@orange.fr"), ("phone", phone), ("dob", f"{y}-{m:02d}-{d:02d}"), ("nir", value)}
    return "\n".join(rows).encode(), ids


def test_detect_stream_reads_a_340kb_dump_whole() -> None:
    """`vigie scan` streams a big file in chunks: every row of a 4,500-row patients' CSV (~340 KB, cut
    in 64 KB chunks) is read, as one `detect` of the whole gives, within a CPU budget."""
    from indexer.detect.parallel import detect_stream

    data, ids = _stream_rows(4500)
    assert len(data) > 300_000
    t0 = resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    frags = list(
        detect_stream(
            iter([data[i : i + 50_000] for i in range(0, len(data), 50_000)]),
            key=SET.key,
            workers=1,
            chunk_bytes=64_000,
        )
    )
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - t0
    found = {(i.type, i.value) for f in frags for i in f.identifiers}
    whole = {(i.type, i.value) for f in detect(data, key=SET.key) for i in f.identifiers}
    assert ids - found == set(), sorted(ids - found)[:10]
    assert {x for x in found if x[0] != "name"} == {x for x in whole if x[0] != "name"}
    assert cpu < 60, cpu  # generous: a few seconds on a loaded 2-core host


def main() -> None:
    SET.report()


if __name__ == "__main__":
    main()
