# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 4b: article 9 data as it sits in real exports and doxes, and what must yield nothing.

Same people, harness and rules as `tests/test_detect_blind_probe_set4.py` (written apart from the
detector, wave 24, helper H). Positives: a notes column of a small export (the first person's note
names the category; the others' notes are neutral), codes alone (ICD-10), treatments that name a
disease only by implication (antiretrovirals, insulin, lithium, methadone), trade-union and party
membership, beliefs, origin, orientation, sex life, genetic and biometric data, in French and
English, and doxes written as prose. Near misses carry identifiers but no category (street names,
surnames and towns that look like a category word, professions, employers). Negatives hold no
identifier nor category: catalogues, news, SQL, machine data (epoch-millisecond timestamps, EAN-13
codes, tracking numbers, IPv6, hashes, ISBNs), and forum posts about leaks that hold none.
"""

from __future__ import annotations

import json

from tests.test_detect_blind_probe_set4 import (
    K0,
    K1,
    K2,
    K3,
    K4,
    K5,
    K6,
    K7,
    K8,
    K9,
    K10,
    K11,
    P,
    Probe,
    fr,
    make_tests,
    many,
)

SET = Probe("4b")
case = SET.case
negative = SET.negative

NEUTRAL = ("RAS", "", "rappel SMS ok")


def notes_csv(
    note: str, people: tuple[P, P, P] = (K1, K2, K3), head: str = "nom;prenom;email;telephone;date_naissance;notes"
) -> str:
    lines = [head]
    for p, n in zip(people, (note, *NEUTRAL[:2]), strict=True):
        cell = '"' + n.replace('"', '""') + '"' if (";" in n or '"' in n) else n
        lines.append(f"{p.last};{p.first};{p.email};{p.nat0};{fr(p)};{cell}")
    return "\n".join(lines) + "\n"


def notes_case(
    name: str,
    note: str,
    cats: str,
    people: tuple[P, P, P] = (K1, K2, K3),
    head: str = "nom;prenom;email;telephone;date_naissance;notes",
) -> None:
    case(name, notes_csv(note, people, head), many(*people, fields="email mobile dob"), cats.split())


ENG = "last;first;email;phone;dob;comments"

# ---------------------------------------------------------------- health, by code or by implication

notes_case("icd10_code_alone_f32", "F32.1", "health", head="nom;prenom;email;telephone;date_naissance;cim10")
notes_case("icd10_code_alone_b20", "B20", "health", head="nom;prenom;email;telephone;date_naissance;code_diag")
notes_case("icd10_code_with_label_fr", "E10.9 Diabète sucré de type 1, sans complication", "health")
notes_case(
    "icd10_several_codes_comma",
    "I10, E66.0, G47.3",
    "health",
    head="nom;prenom;email;telephone;date_naissance;diagnostics",
)
notes_case("treatment_biktarvy", "Ttt : Biktarvy 1 cp/j, CV indétectable", "health")
notes_case("treatment_insulin_pens", "stylos NovoRapid + Lantus, glycémies x4/j", "health")
notes_case("treatment_lithium", "Téralithe 400 LP 2/j, lithémie à contrôler", "health")
notes_case("treatment_methadone", "TSO méthadone 60 mg, délivrance quotidienne", "health")
notes_case("pregnancy_months", "enceinte de 5 mois, terme prévu en avril", "health")
notes_case("disability_rqth", "RQTH, taux d'incapacité 80 %", "health")
notes_case("psychiatric_admission", "hospitalisée en psychiatrie (SDRE) en 2024", "health")
notes_case("sick_leave_burnout", "arrêt maladie 3 mois pour burn-out", "health")
notes_case("allergy_penicillin", "allergie pénicilline (choc anaphylactique 2019)", "health")
notes_case(
    "en_prep_truvada", "on PrEP (Truvada), 3-monthly STI screening", "health", (K6, K7, K8), ENG.replace(";", ",")
)
notes_case("en_dialysis", "dialysis 3x/week, awaiting kidney transplant", "health", (K6, K7, K8), ENG)
notes_case("en_chemo", "chemo cycle 4/6 - breast cancer", "health", (K9, K10, K11), ENG)
notes_case("en_ozempic_t2d", "Ozempic 1mg weekly (T2DM)", "health", (K9, K10, K11), ENG)

# ---------------------------------------------------------------- the other categories

notes_case("union_cgt_delegate", "délégué syndical CGT depuis 2019", "trade_union")
notes_case("union_sud_dues", "cotisation SUD Santé prélevée", "trade_union")
notes_case("union_en_steward", "Unite shop steward, Bristol branch", "trade_union", (K4, K5, K6), ENG)
notes_case("political_lfi_activist", "militant LFI, distribue des tracts", "political_opinion")
notes_case("political_rn_card", "encarté au RN depuis 2017", "political_opinion")
notes_case(
    "political_en_labour_member", "Labour Party member, canvasses at elections", "political_opinion", (K4, K5, K6), ENG
)
notes_case("religion_ramadan", "jeûne pendant le ramadan, pas de RDV avant 18h", "religion")
notes_case("religion_kosher_meals", "repas casher uniquement (pratiquant)", "religion")
notes_case("religion_en_mass", "Catholic, attends Mass every Sunday", "religion", (K7, K8, K9), ENG)
notes_case(
    "origin_maghrebine", "origine maghrébine", "ethnic_origin", head="nom;prenom;email;telephone;date_naissance;origine"
)
notes_case(
    "origin_en_black_caribbean",
    "Black Caribbean",
    "ethnic_origin",
    (K7, K8, K9),
    "last;first;email;phone;dob;ethnicity",
)
notes_case("orientation_bisexual_fr", "bisexuelle, en couple avec une femme", "sexual_orientation")
notes_case("orientation_en_gay", "gay, lives with partner Mark", "sexual_orientation", (K10, K11, K0), ENG)
notes_case("sex_life_swinger_club", "libertin, membre d'un club échangiste", "sex_life")
notes_case("sex_life_en_escort_client", "regular client of escort services", "sex_life", (K10, K11, K0), ENG)
notes_case("genetic_brca2", "porteuse d'une mutation BRCA2", "genetic health")  # (a disease risk: wave 31)
notes_case("genetic_karyotype", "caryotype 47,XXY (Klinefelter)", "genetic health")
notes_case("genetic_en_factor_v", "Factor V Leiden heterozygous (genetic test 2022)", "genetic", (K4, K5, K6), ENG)
notes_case("biometric_fingerprint_template", "gabarit empreinte digitale enrôlé (index droit)", "biometric")
notes_case(
    "biometric_en_face_template", "face recognition template stored for building access", "biometric", (K4, K5, K6), ENG
)

notes_case("health_pacemaker", "porte un pacemaker depuis 2021", "health")
notes_case("health_kidney_graft", "greffé du rein, sous tacrolimus", "health")
notes_case("health_obesity_bmi", "obésité morbide, IMC 41, sleeve prévue", "health")
notes_case("health_en_hiv_plus", "HIV+ since 2015, undetectable", "health", (K9, K10, K11), ENG)
notes_case("health_en_bipolar", "bipolar II, sees psychiatrist monthly", "health", (K9, K10, K11), ENG)
notes_case("union_cfdt_member", "adhérente CFDT", "trade_union")
notes_case("union_en_gmb_rep", "GMB union rep at the depot", "trade_union", (K4, K5, K6), ENG)
notes_case("political_eelv_candidate", "ancien candidat EELV aux municipales", "political_opinion")
notes_case("political_reconquete_supporter", "sympathisant Reconquête, présent aux meetings", "political_opinion")
notes_case("religion_atheist", "athée", "religion", head="nom;prenom;email;telephone;date_naissance;religion")
notes_case("religion_buddhist_convert", "converti au bouddhisme", "religion")
notes_case("religion_en_sikh", "Sikh, wears a turban", "religion", (K7, K8, K9), ENG)
notes_case("orientation_same_sex_marriage", "a épousé son compagnon en 2019", "sexual_orientation")
notes_case("origin_rom", "famille d'origine rom", "ethnic_origin")
notes_case("biometric_voiceprint", "empreinte vocale enregistrée pour l'authentification", "biometric")
notes_case("genetic_wgs", "séquençage du génome complet disponible (WGS)", "genetic")


notes_case("health_alcohol_detox", "en cure de désintox alcool", "health")
notes_case("health_cystic_fibrosis", "mucoviscidose", "health")
notes_case("health_subutex", "Subutex 8mg", "health")
notes_case("health_suicide_attempt", "tentative de suicide 2023", "health")
notes_case("political_gilet_jaune", "gilet jaune actif", "political_opinion")
notes_case("religion_jehovah", "témoin de Jéhovah", "religion")
notes_case("orientation_grindr", "inscrit sur Grindr", "sexual_orientation")
notes_case("biometric_en_palm_vein", "palm vein template", "biometric", (K4, K5, K6), ENG)
notes_case("genetic_paternity_dna", "test ADN de paternité", "genetic")
notes_case(
    "origin_en_asian_british", "Asian British", "ethnic_origin", (K7, K8, K9), "last;first;email;phone;dob;ethnicity"
)

# ---------------------------------------------------------------- prose doxes

case(
    "prose_fr_union_and_health",
    f"Voilà le dossier sur {K5.first} {K5.last}, né le {fr(K5)}, tel {K5.nat}, mail {K5.email}. "
    "Délégué CGT à l'usine de Florange, il est sous antidépresseurs depuis son divorce.",
    many(K5, fields="email mobile dob"),
    ["trade_union", "health"],
)
case(
    "prose_fr_religion_conversion",
    f"{K9.first} {K9.last} ({fr(K9)}) s'est converti à l'islam l'an dernier, il fréquente la mosquée de Pantin. Son 06 : {K9.nat}.",
    {("dob", K9.dob), ("phone", K9.mobile)},
    ["religion"],
)
case(
    "prose_en_diabetes_and_party",
    f"Target: {K6.first} {K6.last}, DOB {fr(K6)}, cell {K6.mobile}, email {K6.email}. She's type 1 diabetic "
    "(wears an insulin pump) and volunteers for the Green Party every election.",
    many(K6, fields="email mobile dob"),
    ["health", "political_opinion"],
)
case(
    "prose_fr_orientation_outing",
    f"Pour info {K7.first} {K7.last} est homo, il cache ça à sa famille. Né le {fr(K7)}, joignable au {K7.nat}.",
    {("dob", K7.dob), ("phone", K7.mobile)},
    ["sexual_orientation"],
)
case(
    "prose_en_hiv_positive",
    f"{K11.first} {K11.last} ({K11.email}, {K11.nat}) tested HIV positive in 2021 and hides it from his employer.",
    {("email", K11.email), ("phone", K11.mobile)},
    ["health"],
)
case(
    "prose_fr_documented_il_s_appelle",
    f"il s'appelle {K11.first} {K11.last}, né le {fr(K11)}, son tel {K11.nat}, il est séropositif",
    {("dob", K11.dob), ("phone", K11.mobile)},
    ["health"],
)
case(
    "prose_fr_born_and_phone",
    f"{K7.first} {K7.last} né le {fr(K7)}, tel {K7.nat}",
    {("dob", K7.dob), ("phone", K7.mobile)},
)
case(
    "prose_en_born_email_phone_hiv",
    f"{K11.first} {K11.last} (born {fr(K11)}, {K11.email}, {K11.nat}) tested HIV positive in 2021.",
    {("dob", K11.dob), ("email", K11.email), ("phone", K11.mobile)},
    ["health"],
)
case(
    "dox_en_labels_then_hiv_line",
    f"Name: {K11.first} {K11.last}\nEmail: {K11.email}\nPhone: {K11.nat}\nHIV positive since 2021.",
    {("email", K11.email), ("phone", K11.mobile)},
    ["health"],
)
case(
    "tg_one_line_lower_slang",
    f"{K11.first.lower()} {K11.last.lower()} {fr(K11)} {K11.nat0} {K11.email} séropo",
    {("dob", K11.dob), ("phone", K11.mobile), ("email", K11.email)},
    ["health"],
)
case(
    "dox_en_labels_union_and_sick_leave",
    f"Full name: {K6.first} {K6.last}\nDOB: {fr(K6)}\nCell: {K6.nat}\nEmail: {K6.email}\nNotes: Unite union rep, on sick leave for depression since March.",
    many(K6, fields="email mobile dob"),
    ["trade_union", "health"],
)
case(
    "prose_en_reached_at_religion",
    f"{K6.first} {K6.last} (DOB {fr(K6)}) can be reached at {K6.email} or {K6.nat}. She's a practising Muslim and wears the hijab at work.",
    many(K6, fields="email mobile dob"),
    ["religion"],
)
case(
    "prose_fr_antifa_fiche_s",
    f"{K3.first} {K3.last}, né le {fr(K3)}, mail {K3.email}, tel {K3.nat}. Militant antifa, fiché S d'après son ex.",
    many(K3, fields="email mobile dob"),
    ["political_opinion"],
)
case(
    "prose_fr_escorting",
    f"{K4.first} {K4.last}, née le {fr(K4)}, {K4.email}, {K4.nat} — elle fait de l'escorting le week-end.",
    many(K4, fields="email mobile dob"),
    ["sex_life"],
)
case(
    "prose_fr_23andme_brca1",
    f"{K8.first} {K8.last} ({fr(K8)}, {K8.email}, {K8.nat}) a fait un test 23andMe, porteuse du gène BRCA1.",
    many(K8, fields="email mobile dob"),
    ["genetic", "health"],  # (a BRCA carrier: a disease risk, wave 31)
)
case(
    "prose_fr_em_dashes_fingerprints",
    f"{K9.first} {K9.last} — né le {fr(K9)} — {K9.email} — {K9.nat} — ses empreintes digitales sont dans la base du club de sport.",
    many(K9, fields="email mobile dob"),
    ["biometric"],
)

# ---------------------------------------------------------------- near misses: identifiers, no category

case(
    "near_street_names_religious",
    "nom;email;adresse;ville\n"
    f"{K1.last};{K1.email};3 rue de l'Église;Grenoble\n"
    f"{K2.last};{K2.email};12 place du Temple;Bastia\n"
    f"{K3.last};{K3.email};impasse de la Synagogue;Saint-Denis\n"
    f"{K4.last};{K4.email};8 avenue de la Mosquée;Rennes\n",
    many(K1, K2, K3, K4, fields="email"),
)
case(
    "near_surnames_gay_lenoir_chretien",
    "nom;prenom;email;telephone\n"
    f"Gay;Marie;marie.gay@orange.fr;{K1.nat0}\n"
    f"Lenoir;Paul;paul.lenoir@free.fr;{K2.nat0}\n"
    f"Chrétien;Anne;anne.chretien@sfr.fr;{K3.nat0}\n",
    {("email", "marie.gay@orange.fr"), ("email", "paul.lenoir@free.fr"), ("email", "anne.chretien@sfr.fr")}
    | many(K1, K2, K3, fields="mobile"),
)
case(
    "near_towns_lourdes_trinite",
    "nom;email;ville;cp\n"
    f"{K5.last};{K5.email};Lourdes;65100\n"
    f"{K6.last};{K6.email};La Trinité;06340\n"
    f"{K7.last};{K7.email};Sainte-Marie-aux-Mines;68160\n",
    many(K5, K6, K7, fields="email"),
)
case(
    "near_professions_and_employers",
    "matricule;nom;email;poste;employeur\n"
    f"E101;{K8.last};{K8.email};Infirmière de bloc;CHU de Dijon\n"
    f"E102;{K9.last};{K9.email};Pharmacien;Pharmacie de la Gare\n"
    f"E103;{K10.last};{K10.email};Aumônier;Centre hospitalier de Pointe-à-Pitre\n",
    many(K8, K9, K10, fields="email"),
)
case(
    "near_company_union_mutuelle",
    "client;email;employeur;mutuelle\n"
    f"{K11.last};{K11.email};Union des Coopératives Agricoles;Mutuelle Générale\n"
    f"{K0.last};{K0.email};Crédit Mutuel;Harmonie Mutuelle\n"
    f"{K1.last};{K1.email};Parti Pris Architectes;MGEN\n",
    many(K11, K0, K1, fields="email"),
)
case(
    "near_party_as_verb_and_events",
    "nom;email;commentaire\n"
    f"{K2.last};{K2.email};parti le 12/03 sans laisser d'adresse\n"
    f"{K3.last};{K3.email};a commandé pour la fête de Noël\n"
    f"{K4.last};{K4.email};demande facture pour le comité des fêtes\n",
    many(K2, K3, K4, fields="email"),
)
case(
    "near_hr_columns_nationality_diet_gender",
    "nom;prenom;email;sexe;nationalite;regime_alimentaire;mutuelle;situation_familiale;club;langues\n"
    f"{K5.last};{K5.first};{K5.email};M;française;végétarien;MGEN;Pacsé;Union Sportive Quimperoise;arabe, français\n"
    f"{K6.last};{K6.first};{K6.email};F;marocaine;sans porc;Harmonie Mutuelle;Mariée;Chorale Saint-Michel;français\n"
    f"{K7.last};{K7.first};{K7.email};M;sénégalaise;halal;MAAF Santé;Célibataire;Club de bridge;wolof, français\n",
    many(K5, K6, K7, fields="email"),
    # a halal meal order is religion (the lead's decision, wave 28: blind set 7's canteen and ward
    # meal orders); 'sans porc', 'végétarien', nationality, gender, a chorale's saint stay nothing
    ["religion"],
)
case(
    "near_en_booking_words",
    "last,first,email,segment,delivery_notes,employer,booking\n"
    f"{K8.last},{K8.first},{K8.email},Black Friday customer,Straight delivery no signature,Union Bank of Switzerland,Party size: 4\n"
    f"{K9.last},{K9.first},{K9.email},White label reseller,Leave with neighbour,Labour Ready Inc,Queen size bed\n"
    f"{K10.last},{K10.first},{K10.email},Gold,Gay Street entrance,Church & Dwight,Twin room\n",
    many(K8, K9, K10, fields="email"),
)


# ---------------------------------------------------------------- negatives: no identifier, no category

negative(
    "pharmacy_catalogue_cip_codes",
    "\n".join(
        [
            "CIP13;Désignation;Labo;PFHT;Remb",
            "3400930106262;BIKTARVY 50/200/25MG CPR 30;GILEAD;715,20;100%",
            "3400936406014;LANTUS 100U/ML SOL INJ SOLOSTAR 5;SANOFI;48,31;65%",
            "3400933006041;TERALITHE LP 400MG CPR 100;SANOFI;9,20;65%",
            "3400937543725;METHADONE AP-HP 60MG GELULE 7;BOUCHARA;5,48;65%",
            "3400934809519;TRUVADA 200/245MG CPR 30;GILEAD;410,70;100%",
        ]
    ),
)
negative(
    "sql_union_injection_tutorial",
    "Classic UNION based SQLi:\n' UNION SELECT username, password FROM users--\n' UNION ALL SELECT NULL, table_name FROM information_schema.tables--\nthen dump with GROUP_CONCAT(email SEPARATOR 0x3a)",
)
negative(
    "hiv_news_article_no_person",
    "Santé publique France estime à 5 000 le nombre de découvertes de séropositivité au VIH en 2025, un chiffre stable. "
    "La PrEP est désormais prescrite par les médecins généralistes ; les dépistages ont progressé de 8 % en Île-de-France.",
)
negative(
    "union_strike_news",
    "La CGT, FO et SUD appellent à la grève le 12 décembre dans les hôpitaux. Les syndicats réclament 300 € de hausse.",
)
negative(
    "election_results_article",
    "Résultats du second tour : RN 31,4 %, Ensemble 24,1 %, LFI 18,9 %, LR 9,2 %. Participation : 66,7 %.",
)
negative(
    "forum_post_about_a_leak",
    "Quelqu'un a la base France Travail de 2024 ? 43M de lignes parait-il : nom, prénom, NIR, date de naissance, "
    "email, téléphone, adresse. Je paie en XMR, pas d'escrow. Pas de sample ici sinon ban.",
)
negative(
    "json_logs_epoch_ms",
    "\n".join(
        json.dumps({"ts": ts, "level": "info", "msg": "request done", "duration_ms": d, "status": 200})
        for ts, d in ((1701234567890, 12), (1701234568012, 40), (2312345678901, 7), (1712098765432, 19))
    ),
)
negative(
    "ean13_product_list",
    "\n".join(
        [
            "ean;libelle;prix",
            "2123456000005;Pain de campagne (pesé);3,20",
            "2987654003218;Comté 18 mois (pesé);7,85",
            "3017620422003;Pâte à tartiner 400 g;3,49",
            "1234567890128;Article test;0,00",
        ]
    ),
)
negative(
    "parcel_tracking_numbers",
    "Suivi colis :\n6A12345678901 — livré\n1Z999AA10123456784 — en transit\nLA123456785FR — en attente\nCB123456789FR — livré\n00340434161234567890 — DHL",
)
negative(
    "ipv6_and_mac_table",
    "\n".join(
        [
            "Interface  IPv6                         MAC",
            "eth0       2001:db8:85a3::8a2e:370:7334  00:1a:2b:3c:4d:5e",
            "eth1       fe80::21a:2bff:fe3c:4d5e      00:1a:2b:3c:4d:5f",
            "wlan0      2a01:cb00:0612:3456:7890::1   0c:61:23:45:67:89",
        ]
    ),
)
negative(
    "hash_dump_without_users",
    "\n".join(
        [
            "e10adc3949ba59abbe56e057f20f883e",
            "5f4dcc3b5aa765d61d8327deb882cf99",
            "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92",
        ]
    ),
)
negative(
    "isbn_bibliography",
    "Bibliographie :\n- Camus, L'Étranger, Gallimard, 1942. ISBN 978-2-07-036002-4\n- Ernaux, Les Années, 2008. ISBN 9782070402472\n- Modiano, Dora Bruder, 1997, ISBN 2-07-074889-8",
)
negative(
    "git_log_oneline",
    "\n".join(
        [
            "a1b2c3d (HEAD -> main) fix: NIR parser for 2A/2B",
            "9f8e7d6 feat: add IBAN grouping (closes #0612)",
            "0612345 chore: bump deps 2026-12-01",
            "7ab90cd test: 06 12 34 56 78 fixtures removed",
        ]
    ),
)
negative(
    "lottery_results",
    "Tirage du 04/12/2026 : 06 12 34 41 48 — étoiles 03 11\nTirage du 01/12/2026 : 07 15 22 36 49 — étoiles 01 09\nTirage du 27/11/2026 : 02 19 27 33 45 — étoiles 05 12",
)
negative(
    "gps_track_dms",
    "Trace GPX\n48°51'24.0\"N 2°21'07.9\"E 35 m 2026-12-04T08:12:55Z\n48°51'29.6\"N 2°21'15.2\"E 36 m 2026-12-04T08:13:10Z\n45°45'51.5\"N 4°50'08.9\"E 170 m 2026-12-04T12:00:01Z",
)
negative(
    "bank_public_bic_list",
    "Codes BIC des principales banques françaises :\nBNP Paribas BNPAFRPPXXX\nSociété Générale SOGEFRPPXXX\nCrédit Agricole AGRIFRPPXXX\nLa Banque Postale PSSTFRPPXXX",
)
negative(
    "pharmacy_opening_hours_no_person",
    "Pharmacie de garde — horaires : lun-sam 8h30-20h. Vaccination grippe et covid sans RDV. Tests VIH/hépatites gratuits le jeudi.",
)


negative(
    "sirene_public_company_directory",
    "\n".join(
        [
            "denomination;adresse;code_postal;ville;activite",
            "BOULANGERIE DU MARCHE;3 place du Marché;54000;Nancy;1071C",
            "GARAGE DES ALPES;12 route de Lyon;38000;Grenoble;4520A",
            "CABINET INFIRMIER SAINT-ROCH;4 rue Saint-Roch;65100;Lourdes;8690D",
        ]
    ),
)
negative(
    "invoice_numbers_and_amounts",
    "Facture N° 2026-061234 du 04/12/2026\nRéf. client : CL0612345678\nCommande : 0712345678-B\nTotal TTC : 1 234,56 €\nÉchéance : 03/01/2027\nRIB : voir pièce jointe",
)
negative(
    "sports_results_table",
    "Ligue 1 — J14\nPSG 2-1 OM (06/12/2026)\nOL 0-0 LOSC (07/12/2026)\nClassement : 1. PSG 34 pts, 2. Monaco 29, 3. Lens 28\nAffluence : 47 612 / 57 263 / 49 834",
)
negative(
    "stock_prices_csv",
    "date,open,high,low,close,volume\n2026-12-01,61.23,62.10,60.95,61.84,1234567890\n2026-12-02,61.84,63.01,61.50,62.77,0987654321\n2026-12-03,62.77,62.90,61.12,61.30,1122334455",
)
negative(
    "uuid_and_request_ids",
    "\n".join(
        f"req_id={u} user_id={n:08d} ts=2026-12-04T21:1{n}:03Z status=200"
        for n, u in enumerate(
            (
                "3f2a1b9c-0612-4a2d-9c00-1d2f4a9b0c3b",
                "a1b2c3d4-0712-4e5f-8a9b-0c1d2e3f4a5b",
                "0c3b5e81-1984-4a2d-9c00-07121984abcd",
            )
        )
    ),
)
negative(
    "medical_guideline_text",
    "Recommandations HAS 2026 : chez le patient diabétique de type 2, la metformine reste le traitement de première intention ; "
    "l'insuline est introduite si l'HbA1c dépasse 9 %. Le lithium (Téralithe) impose une lithémie à J5. Codes CIM-10 : E11, F31.",
)
negative(
    "church_mass_schedule",
    "Paroisse Saint-Jean — horaires des messes : samedi 18h30, dimanche 10h30. Permanence au presbytère, 2 rue de l'Église. Catéchisme le mercredi.",
)
negative(
    "crypto_addresses_and_tx",
    "BTC: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\nXMR: 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A\ntx 0612345678abcdef0612345678abcdef0612345678abcdef0612345678abcdef",
)


def _imei(tac: str, serial: int) -> str:
    from tests.test_detect_blind_probe_set3 import luhn

    return luhn(tac + f"{serial:06d}", 15)


negative(
    "phone_shop_imei_inventory",
    "modele;imei;etat\n"
    + "\n".join(f"iPhone 14;{_imei('35391110', n * 7919 % 999999)};reconditionné" for n in range(1, 40)),
)
negative(
    "hardware_serials_13_digits",
    "Inventaire parc\n"
    + "\n".join(
        f"PC-{n:03d}  SN {s}  HP EliteBook 840"
        for n, s in enumerate(("1840775123456", "2860492211308", "1580382483974", "2910535359664"))
    ),
)
negative(
    "sepa_creditor_identifiers",
    "Identifiants créanciers SEPA (ICS) :\nEDF FR61ZZZ453005\nOrange FR72ZZZ111813\nSFR FR39ZZZ390417\nFree FR27ZZZ456713",
)
negative(
    "insee_commune_codes",
    "code_insee;code_postal;commune\n92012;92100;Boulogne-Billancourt\n38185;38000;Grenoble\n2B033;20200;Bastia\n93066;93200;Saint-Denis\n97105;97100;Basse-Terre",
)

# Found on both engines alike (2026-12-05, wave 24); one reason each, as seen from outside.
MISSED: dict[str, str] = {
    "dox_en_labels_then_hiv_line": "`Name:/Email:/Phone:` block then `HIV positive since 2021.`: no health",
    "prose_fr_born_and_phone": "`Théo Dumas né le 04/05/1995, tel 06 ...`: nothing (a dox of dob + phone is not read)",
    "prose_fr_documented_il_s_appelle": "README's own shape `il s'appelle …, né le …, son tel …, il est séropositif`: nothing",
    "tg_one_line_lower_slang": "`yves le goff 01/09/1955 0665486668 x@y.fr séropo` on one line: nothing",
    "orientation_same_sex_marriage": "`a épousé son compagnon en 2019` (a man's row): no orientation",
    "prose_fr_orientation_outing": "a two-sentence outing with a dob and a phone: nothing",
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.95, "precision": 0.99, "art9_recall": 0.78, "art9_precision": 0.97}))

if __name__ == "__main__":
    SET.report()
