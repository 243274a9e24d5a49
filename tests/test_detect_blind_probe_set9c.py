# ruff: noqa: E501  (a register's line is kept whole, as it was exported)
"""Blind probe, set 9c: article 9 in French and English forms no earlier set tried — the old psychiatric
admission terms (HDT, HO), ALD 23, disability at work (RQTH in an HR file, the employer's OETH
declaration), pregnancy at work and in a dox, preimplantation diagnosis, sexual life as distinct from
orientation, religion in HR's leave and meal requests, political opinion in a list's support committee,
union dues paid over by the employer, BRCA and Huntington tests, palm-vein and hand-geometry enrolment —
each in records and in prose, with texts that use the same words about no one.

Written apart from the detector (wave 30, helper H), people from set 9.
"""

from __future__ import annotations

import json

from tests.blind_probe_harness import Probe, fr_date, fr_spaced, make_tests, spaced_nir
from tests.test_detect_blind_probe_set9 import PEOPLE, compact, digits, ids, ne, sl, up

__all__ = ["SET"]

SET = Probe("9c")
case = SET.case
neg = SET.negative


# ================================================================ mental health: the old terms, ALD 23

_s = sl(0, 5)
_modes = [
    "HDT (tiers : épouse)",
    "HO (arrêté du maire, puis préfet)",
    "HDT urgence (art. L3212-3)",
    "HL",
    "HO — art. D398 CPP",
]
case(
    "hdt_ho_register_pre_2011_terms",
    "REGISTRE DE LA LOI — CHS de Quimperlé — admissions 2009-2010 (export de l'ancien logiciel)\n"
    "N° adm | Nom | Prénom | Né(e) le | N° SS | Mode | Entrée | Sortie\n"
    + "\n".join(
        f"{2009_0410 + k} | {up(p.last)} | {p.first} | {fr_date(p.dob)} | {p.nir} | {_modes[k]} | {fr_date(f'2009-0{k + 2}-1{k}')} | {fr_date(f'2010-0{k + 1}-2{k}')}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    {"health"},
)
_s = sl(5, 5)
_ald = [
    "23 — trouble bipolaire",
    "23 — schizophrénie",
    "23 — dépression récurrente sévère",
    "23 — trouble anxieux grave",
    "23 — anorexie mentale",
]
case(
    "ald23_protocol_list_cpam",
    "CPAM du Finistère — protocoles de soins ALD acceptés — service médical — novembre 2026\n"
    "NIR;Nom;Prénom;Date naissance;ALD;Début;Fin\n"
    + "\n".join(
        f"{p.nir};{up(p.last)};{p.first};{p.dob};{_ald[k]};2026-11-0{k + 1};2031-11-0{k + 1}" for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
    {"health"},
)
_p = PEOPLE[10]
case(
    "dox_fr_interned_hdt_bipolar",
    f"""{_p.first} {up(_p.last)} — {ne(_p)} le {fr_date(_p.dob)}
📱 {fr_spaced(_p.mobile)}  📧 {_p.email}
🏠 {_p.street}, {_p.zip} {_p.city}
Le mec a été interné en HDT à l'EPSM l'an dernier, bipolaire sous lithium, sa mère l'a fait enfermer.""",
    ids([_p], "dpe"),
    {"health"},
)
_s = sl(11, 4)
_dx = [
    "Schizophrenia, paranoid (F20.0)",
    "Bipolar affective disorder, current episode manic (F31.1)",
    "Severe depressive episode with psychotic symptoms (F32.3)",
    "Emotionally unstable personality disorder (F60.3)",
]
case(
    "psychiatric_discharge_summaries_csv_en",
    "mrn,surname,forename,dob,mobile,email,ward,discharge_date,primary_diagnosis\n"
    + "\n".join(
        f'{"MRN" + str(880110 + k)},{p.last},{p.first},{fr_date(p.dob)},{p.mobile},{p.email},Acute Psychiatry Ward {k + 1},2026-11-{10 + k},"{_dx[k]}"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
    {"health"},
)

# ================================================================ disability at work

_s = sl(15, 5)
_rq = ["oui (fin 2028)", "non", "oui (fin 2027) — aménagement de poste", "oui (définitive)", "en cours MDPH"]
case(
    "hr_file_rqth_column_and_workstation_adjustments",
    "matricule;nom;prénom;date_naissance;nir;RQTH;taux_IPP;commentaire_RH\n"
    + "\n".join(
        f"E{5501 + k};{up(p.last)};{p.first};{fr_date(p.dob)};{p.nir};{_rq[k]};{['', '', '12 %', '', ''][k]};{['siège ergonomique', '', 'mi-temps thérapeutique', 'surdité appareillée', ''][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    {"health"},
)
_s = sl(20, 4)
case(
    "doeth_beneficiaries_declaration",
    "DOETH 2026 — liste nominative des bénéficiaires de l'obligation d'emploi (annexe, ne pas diffuser)\n"
    + "\n".join(
        f"- {up(p.last)} {p.first}, NIR {spaced_nir(p.nir)}, {ne(p)} le {fr_date(p.dob)} : {['RQTH', 'pension d’invalidité 2e catégorie', 'carte mobilité inclusion invalidité', 'AAH'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
    {"health"},
)
_p = PEOPLE[24]
case(
    "disability_prose_fr_mdph_wheelchair",
    f"""Je balance : {_p.first} {up(_p.last)}, {ne(_p)} le {fr_date(_p.dob)}, joignable au {fr_spaced(_p.mobile)} et sur {_p.email}.
Elle touche l'AAH depuis son accident, dossier MDPH à Rouen, elle est en fauteuil mais elle poste ses vidéos de danse.""",
    ids([_p], "dpe"),
    {"health"},
)

# ================================================================ pregnancy, preimplantation diagnosis

_s = [p for p in PEOPLE if p.sex == "F"][:5]
case(
    "hr_pregnancy_declarations_register",
    "RH — déclarations de grossesse reçues (congés maternité à planifier)\n"
    "Salariée\tNé le\tPortable\tDate présumée d'accouchement\tDébut congé prénatal\tObservations\n"
    + "\n".join(
        f"{up(p.last)} {p.first}\t{fr_date(p.dob)}\t{fr_spaced(p.mobile)}\t{fr_date(f'2027-0{k + 2}-1{k}')}\t{fr_date(f'2026-12-2{k}')}\t{['grossesse gémellaire', 'grossesse pathologique, arrêt', '', 'grossesse à risque (diabète gestationnel)', ''][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    {"health"},
)
_p = [p for p in PEOPLE if p.sex == "F"][6]
case(
    "pregnancy_prose_en_dox",
    f"""Found her: {_p.first} {_p.last}, DOB {fr_date(_p.dob)}, cell {_p.mobile}, email {_p.email}.
She's five months pregnant and off work on maternity leave, so she's home all day at {_p.street}, {_p.city}.""",
    ids([_p], "dpe"),
    {"health"},
)
_s = sl(3, 4)
case(
    "dpi_preimplantation_couples_register",
    "Centre de DPI — CHU — couples en parcours (diagnostic préimplantatoire)\n"
    "Dossier | Conjoint 1 | Né(e) le | Conjoint 2 | Né(e) le | Indication\n"
    + "\n".join(
        f"DPI-26-{k + 41} | {up(_s[k].last)} {_s[k].first} | {fr_date(_s[k].dob)} | {up(_s[(k + 1) % 4].last)} {_s[(k + 1) % 4].first} | {fr_date(_s[(k + 1) % 4].dob)} | {['mucoviscidose (F508del hétérozygotes)', 'X fragile', 'translocation robertsonienne', 'maladie de Huntington'][k]}"
        for k in range(4)
    ),
    ids(_s, "d"),
    {"health", "genetic"},
)

# ================================================================ sexual life and orientation

_s = sl(7, 5)
case(
    "swingers_club_members_export",
    "id,pseudo,email,mobile,naissance,formule,preferences\n"
    + "\n".join(
        f'{3310 + k},{["couple29", "lui_seul", "coupleBZH", "elle_curieuse", "duo56"][k]},{p.email},{compact(p.mobile)},{fr_date(p.dob)},{["Couple Premium", "Homme seul", "Couple", "Femme seule", "Couple Premium"][k]},"{["échangisme soft, soirées du samedi", "triolisme", "échangisme, gang bang", "candaulisme", "club libertin, sauna"][k]}"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
    {"sex_life"},
)
_p = PEOPLE[12]
case(
    "sex_life_prose_fr_exchanges",
    f"""{_p.first} {up(_p.last)} ({fr_date(_p.dob)}) — {_p.email} — {fr_spaced(_p.mobile)}
Il fréquente un club échangiste à Brest tous les samedis avec sa femme et cherche des plans à trois sur les applis.""",
    ids([_p], "dpe"),
    {"sex_life"},
)
_s = sl(17, 5)
case(
    "lgbtq_staff_network_list_en",
    "Pride@Work staff network — members (internal, confidential)\nName | Email | Mobile | Identifies as | Out at work?\n"
    + "\n".join(
        f"{p.first} {p.last} | {p.email} | {p.mobile} | {['gay', 'lesbian', 'bisexual', 'gay', 'pansexual'][k]} | {['yes', 'no', 'partly', 'yes', 'no'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"sexual_orientation"},
)

# ================================================================ religion at work

_s = sl(22, 5)
_req = [
    "congé pour l'Aïd el-Kébir (vendredi)",
    "absence Yom Kippour, jeûne",
    "repas halal à la cantine d'entreprise",
    "pause prière du vendredi (13h-13h45)",
    "congé pour la Pâque orthodoxe",
]
case(
    "hr_religious_leave_and_meal_requests",
    "Demandes RH en attente — service du personnel\nDate;Salarié;Courriel;Portable;Objet\n"
    + "\n".join(
        f"2026-11-{12 + k};{up(p.last)} {p.first};{p.email};{fr_spaced(p.mobile)};{_req[k]}" for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"religion"},
)
_p = PEOPLE[11]
case(
    "religion_prose_en_hr_mail",
    f"""From: hr@company.example
Subject: prayer breaks

Hi team, {_p.first} {_p.last} (DOB {fr_date(_p.dob)}, mobile {_p.mobile}, {_p.email}) is a practising Muslim and has asked for two short prayer breaks a day during Ramadan; please plan the rota accordingly.""",
    ids([_p], "dpe"),
    {"religion"},
    maybe={("email", "hr@company.example")},  # the sender's role address
)

# ================================================================ political opinion, trade union

_s = sl(1, 6)
case(
    "support_committee_of_an_electoral_list",
    "Comité de soutien — liste « Quimper Écologie & Solidarités » (municipales) — contacts\n"
    + "\n".join(
        f"{p.first} {up(p.last)}, {['militant', 'sympathisante', 'colistier', 'donatrice', 'militant', 'adhérente EELV'][k]} — {p.email} — {fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"political_opinion"},
)
_s = sl(9, 5)
case(
    "union_dues_paid_over_by_employer",
    "REVERSEMENT COTISATIONS SYNDICALES — retenues sur salaire novembre 2026 — syndicat SUD Santé Sociaux\n"
    "Matricule | Nom | Prénom | NIR | IBAN salarié | Retenue\n"
    + "\n".join(
        f"M{7701 + k} | {up(p.last)} | {p.first} | {p.nir} | {p.iban} | {12 + k},50 €" for k, p in enumerate(_s)
    ),
    ids(_s, "ni"),
    {"trade_union"},
)
_p = PEOPLE[19]
case(
    "petition_and_party_prose_en",
    f"""{_p.first} {_p.last}, born {fr_date(_p.dob)}, {_p.email}, {_p.mobile}: signed the petition for Breton independence, card-carrying member of the UDB and canvasses for them every weekend.""",
    ids([_p], "dep"),
    {"political_opinion"},
)

# ================================================================ genetic, biometric

_s = sl(14, 5)
case(
    "brca_lab_results_export",
    "LABORATOIRE DE GÉNÉTIQUE MOLÉCULAIRE — résultats BRCA1/BRCA2 — lot 2026-47\n"
    "IPP;Nom;Prénom;DDN;Tel;Gène;Variant;Classe\n"
    + "\n".join(
        f"{50120 + k};{up(p.last)};{p.first};{p.dob.replace('-', '')};{compact(p.mobile)};{['BRCA1', 'BRCA2', 'BRCA1', 'BRCA2', 'BRCA1'][k]};{['c.68_69delAG', 'c.5946delT', 'c.5266dupC', 'absence de variant', 'c.181T>G'][k]};{[5, 5, 5, 1, 4][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    {"genetic", "health"},
)
_p = PEOPLE[22]
case(
    "huntington_test_prose_en",
    f"""{_p.first} {_p.last} — {_p.email} — {_p.mobile} — born {fr_date(_p.dob)}.
Her predictive test came back positive for the Huntington's gene expansion (42 CAG repeats), same as her father.""",
    ids([_p], "epd"),
    {"genetic", "health"},
)
_s = sl(25, 5)
case(
    "palm_vein_canteen_enrolment_log",
    "\n".join(
        f'2026-11-0{k + 2} 07:5{k}:10 ENROL OK user="{p.first} {up(p.last)}" mail={p.email} tel={p.mobile} modality=PALM_VEIN hand=right template_id=PV-{99100 + k} quality=0.9{k}'
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"biometric"},
)
_s = sl(4, 4)
case(
    "hand_geometry_access_json",
    json.dumps(
        [
            {
                "badge": f"B-{4410 + k}",
                "holder": {"name": f"{p.first} {p.last}", "email": p.email, "birth": p.dob},
                "biometrics": {
                    "type": "hand_geometry",
                    "template": f"HG1:{'%032x' % (0xBEEF1234 * (k + 7))}",
                    "enrolled": f"2026-10-1{k}",
                },
            }
            for k, p in enumerate(_s)
        ],
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "ed"),
    {"biometric"},
)

# ================================================================ the same words about no one

neg(
    "psychiatric_care_law_explainer",
    """Soins psychiatriques sans consentement : depuis la loi du 5 juillet 2011, l'hospitalisation à la demande
d'un tiers (HDT) est devenue les soins à la demande d'un tiers (SDT), et l'hospitalisation d'office (HO)
les soins sur décision du représentant de l'État (SDRE). Le juge des libertés contrôle toute mesure
avant le 12e jour. Les familles peuvent joindre l'UNAFAM au 01 53 06 30 43.""",
)
neg(
    "ald_23_medical_criteria_text",
    """ALD n° 23 — Affections psychiatriques de longue durée. Relèvent de l'exonération du ticket modérateur
les psychoses, les troubles graves de la personnalité, les troubles dépressifs récurrents ou persistants
de l'adulte, les troubles anxieux graves. L'exonération est accordée pour 5 ans, renouvelable.
Source : liste des ALD, article D322-1 du code de la sécurité sociale.""",
)
neg(
    "mdph_brochure_aah_rqth",
    """Vos droits avec la MDPH du Finistère
- AAH : jusqu'à 1 016,05 € par mois (montant au 01/04/2026), sous conditions de ressources.
- RQTH : reconnaissance de la qualité de travailleur handicapé, accordée de 1 à 10 ans, ou à vie.
- Carte mobilité inclusion (CMI) : mentions invalidité, priorité, stationnement.
Dossier à déposer en ligne ou à l'accueil : 1C rue Félix Le Dantec, Quimper — 02 98 90 50 50.""",
)
neg(
    "doeth_statistics_by_company_size",
    """Obligation d'emploi des travailleurs handicapés — résultats 2025 (DARES)
Taille d'entreprise   Établissements   Taux d'emploi direct   Bénéficiaires RQTH
20 à 49 salariés      62 100           3,4 %                  71 %
50 à 199 salariés     28 400           3,7 %                  74 %
200 à 499 salariés    5 900            3,9 %                  76 %
500 salariés et plus  2 700            4,1 %                  78 %""",
)
neg(
    "maternity_leave_hr_policy",
    """Politique RH — grossesse et congé maternité
La salariée enceinte informe l'employeur de son état de grossesse quand elle le souhaite ; aucune
déclaration n'est obligatoire avant le départ en congé. Congé prénatal : 6 semaines ; postnatal : 10
semaines (grossesse gémellaire : 12 + 22). Autorisations d'absence pour les examens médicaux prénataux.""",
)
neg(
    "dpi_centre_information_page",
    """Diagnostic préimplantatoire (DPI) — Centre pluridisciplinaire de diagnostic prénatal
Le DPI s'adresse aux couples qui risquent de transmettre une maladie génétique grave et incurable
(mucoviscidose, X fragile, maladie de Huntington, translocations). Délai moyen d'accès : 12 mois.
Secrétariat : du lundi au vendredi de 9h à 16h — dpi.secretariat@chu.example""",
)
neg(
    "sex_education_course_outline",
    """Éducation à la vie affective et sexuelle — 3e — séquence de 4 heures
1. Le consentement et la loi. 2. Les orientations sexuelles et la lutte contre l'homophobie.
3. Contraception, IST, dépistage (CeGIDD). 4. Les relations en ligne et le cyberharcèlement.
Intervenantes : infirmière scolaire et planning familial ; fiche d'évaluation en fin de séquence.""",
)
neg(
    "pride_march_announcement",
    """Marche des fiertés de Quimper — samedi 13 juin 2027, départ 14h place Saint-Corentin.
Char des associations LGBTQIA+, village associatif au jardin de l'Évêché, soirée au Novomax.
Bénévoles : inscription sur le site de l'association. Contact presse : presse@fiertes-quimper.example""",
)
neg(
    "religious_holidays_calendar_for_leave_planning",
    """Calendrier indicatif des fêtes religieuses 2027 (pour la planification des congés, circulaire
de la fonction publique) : Aïd el-Fitr ~ 10 mars ; Pâque juive 22-29 avril ; Pâque orthodoxe 2 mai ;
Aïd el-Adha ~ 17 mai ; Roch Hachana 2-3 octobre ; Yom Kippour 11 octobre ; Diwali 29 octobre.
Les autorisations d'absence sont accordées sous réserve des nécessités du service.""",
)
neg(
    "union_dues_rates_table",
    """Barème des cotisations syndicales 2027 — SUD Santé Sociaux
Salaire net mensuel       Cotisation mensuelle
moins de 1 400 €          7,00 €
1 400 € à 1 900 €         11,50 €
1 900 € à 2 500 €         15,00 €
plus de 2 500 €           0,75 % du net
66 % de la cotisation ouvre droit à un crédit d'impôt. Retenue sur salaire possible sur demande.""",
)
neg(
    "electoral_list_public_programme",
    """« Quimper Écologie & Solidarités » — municipales 2026 — nos 10 engagements
1. Gratuité des bus le samedi. 2. Cantines 100 % bio et locales. 3. Rénovation thermique des écoles.
Réunion publique le jeudi 12/02/2026 à 20h, salle du Chapeau Rouge. Contact : contact@qes.example""",
)
neg(
    "brca_genetics_textbook_paragraph",
    """BRCA1 (17q21) and BRCA2 (13q13) are tumour-suppressor genes; pathogenic variants such as
c.68_69delAG (BRCA1) and c.5946delT (BRCA2), frequent in Ashkenazi populations, raise the lifetime
risk of breast cancer to 45-72 %. Huntington's disease is caused by 36 or more CAG repeats in HTT.""",
)
neg(
    "biometric_vendor_datasheet_palm_vein",
    """PalmSecure-style module PV-200 — datasheet
Modality: palm vein (near-infrared), template 2 KB, FAR < 0.00008 %, FRR < 0.01 %.
Enrolment: 3 captures per hand, quality threshold 0.80. Interfaces: USB 2.0, SDK for Windows/Linux.
Complies with the CNIL model regulation on biometric access control at the workplace (2019).""",
)
neg(
    "anonymised_psychiatry_stats_by_age_band",
    """Admissions en soins sans consentement, Finistère, 2025 (effectifs)
Tranche d'âge   SDT   SDRE   SPI
18-24           142    31     58
25-44           388   102    121
45-64           251    64     77
65 et plus       97    12     40""",
)

# ================================================================ more records and prose (second batch)

_s = sl(2, 5)
case(
    "blue_badge_pip_register_en",
    "County Council — Blue Badge applications (auto-eligible via PIP) — Nov 2026\nRef,Name,DOB,Mobile,Email,Qualifying condition\n"
    + "\n".join(
        f'BB{61230 + k},{p.first} {p.last},{fr_date(p.dob)},{p.mobile},{p.email},"{["PIP mobility 12 pts — MS", "registered blind", "PIP mobility 10 pts — COPD", "lower-limb amputation", "cerebral palsy"][k]}"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
    {"health"},
)
_s = sl(7, 5)
case(
    "conference_catering_dietary_requirements",
    "Journées régionales — inscrits — régimes alimentaires (traiteur)\nNom;Prénom;Email;Portable;Régime;Précision\n"
    + "\n".join(
        f"{up(p.last)};{p.first};{p.email};{compact(p.mobile)};{['halal', 'casher', 'halal', 'casher strict (pas de viande le midi)', 'repas de Carême (vendredi sans viande)'][k]};{['', 'surveillance rabbinique', '', 'shabbat : départ vendredi 16h', 'catholique pratiquant'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"religion"},
)
_s = sl(12, 5)
case(
    "canvassing_app_export_voting_intention_en",
    "voter_id,name,phone,email,dob,intention,support_level,notes\n"
    + "\n".join(
        f"V{90210 + k},{p.first} {p.last},{p.mobile},{p.email},{p.dob},{['Labour', 'Reform UK', 'Green', 'Labour', 'Lib Dem'][k]},{[1, 2, 1, 3, 2][k]},{['strong Labour supporter, will deliver leaflets', 'hostile', 'poster in window', '', 'tactical voter'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pde"),
    {"political_opinion"},
)
_s = sl(17, 4)
case(
    "union_legal_claims_en",
    "UNISON legal services — member claims referred — Q4 2026\nMember no.,Name,Email,Mobile,Branch,Claim\n"
    + "\n".join(
        f"{digits(k, 'un', 7)},{p.first} {p.last},{p.email},{p.mobile},{['Cornwall Health', 'Devon County', 'Plymouth Hospitals', 'Exeter City'][k]},{['unfair dismissal', 'holiday pay', 'unpaid overtime', 'whistleblowing'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"trade_union"},
)
_fa = [p for p in PEOPLE if p.sex == "M" and p.dob < "1980"][:4]
_ch = [p for p in PEOPLE if p.dob > "1996"][:4]
_s = _fa + _ch
case(
    "paternity_dna_test_results_fr",
    "Laboratoire — tests de paternité (cadre judiciaire) — résultats\nDossier | Père présumé | Né le | Enfant | Né(e) le | Résultat\n"
    + "\n".join(
        f"TP-{4410 + k} | {up(f.last)} {f.first} | {fr_date(f.dob)} | {up(c.last)} {c.first} | {fr_date(c.dob)} | {['paternité exclue (6 marqueurs STR discordants)', 'probabilité de paternité 99,9998 %', 'paternité exclue', 'probabilité 99,99 %'][k]}"
        for k, (f, c) in enumerate(zip(_fa, _ch, strict=True))
    ),
    ids(_s, "d"),
    {"genetic"},
)
_s = sl(26, 4)
case(
    "cmp_waiting_list_fr",
    "CMP adultes — liste d'attente premier rendez-vous\nNom Prénom\tDDN\tTéléphone\tAdressé par\tMotif\n"
    + "\n".join(
        f"{up(p.last)} {p.first}\t{fr_date(p.dob)}\t{fr_spaced(p.mobile)}\tDr {['Faure', 'Lemaire', 'urgences', 'Perrin'][k]}\t{['idées suicidaires', 'troubles du comportement alimentaire', 'TOC envahissants', 'syndrome de stress post-traumatique'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    {"health"},
)
_s = sl(0, 5)
case(
    "voiceprint_bank_enrolment_en",
    "\n".join(
        f"2026-11-2{k}T10:0{k}:00Z VOICE-ID enrol customer={p.first} {p.last} msisdn={p.mobile} email={p.email} voiceprint=VP{digits(k, 'vp', 8)} phrase='my voice is my password' status=ENROLLED"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    {"biometric"},
)
_p = PEOPLE[27]
case(
    "orientation_prose_en_outing",
    f"""Posting this so everyone knows: {_p.first} {_p.last}, born {fr_date(_p.dob)}, {_p.mobile}, {_p.email}. He's gay, lives with his boyfriend on {_p.street}, and his parents still don't know.""",
    ids([_p], "dpe"),
    {"sexual_orientation"},
)

neg(
    "blue_badge_eligibility_guidance",
    """Blue Badge: you're automatically eligible if you get the higher rate of the mobility component of DLA,
or 8 points or more in the 'moving around' activity of PIP, or if you're registered blind. Badges last up
to 3 years and cost up to £10 in England. Apply online; call 0300 123 4567 if you need help.""",
)
neg(
    "catering_registration_form_diet_options",
    """Inscription aux Journées régionales — repas du midi
Régime alimentaire : ☐ standard  ☐ végétarien  ☐ halal  ☐ casher  ☐ sans gluten  ☐ autre : ________
Merci d'indiquer vos allergies ; le traiteur prévoit un menu sans porc par défaut.
Nom : ____________  Prénom : ____________  Courriel : ________________""",
)
neg(
    "canvassing_app_product_page",
    """DoorKnock — the canvassing app for campaigns of every size. Import the electoral roll, cut walk lists,
record voting intention and support level (1-5) on the doorstep, sync offline. Used by 400+ campaigns
across Labour, Lib Dem and Green local parties. Free trial: 30 days; pricing from £29/month.""",
)
neg(
    "paternity_test_price_page",
    """Test de paternité : en France, il n'est légal que sur décision d'un juge (article 16-11 du code civil).
Notre laboratoire agréé réalise les expertises judiciaires : 21 marqueurs STR, résultat sous 10 jours,
probabilité de paternité supérieure à 99,99 % ou exclusion. Tarif fixé par le tribunal.""",
)
neg(
    "cmp_opening_hours_page",
    """Centre médico-psychologique (CMP) adultes de Quimper — accueil sans rendez-vous le lundi de 14h à 17h.
Consultations psychiatriques et psychologiques gratuites, prises en charge par l'hôpital. Délai moyen pour
un premier rendez-vous : 6 semaines. En cas d'urgence : 15 ou 3114 (prévention du suicide).""",
)
neg(
    "voice_biometrics_bank_faq",
    """Voice ID FAQ: when you call us, we can recognise you by your voice instead of security questions.
Your voiceprint is stored encrypted and is never shared; you can opt out at any time by saying
'remove Voice ID' or in the app under Settings > Security. Lines open 8am-8pm: 0345 300 0000.""",
)

# ================================================================ prose where the records had it (third batch)

_s = sl(8, 5)
case(
    "petition_signatories_export_en",
    "signature_id,signed_at,first_name,last_name,email,mobile,postcode,comment,share_opt_in\n"
    + "\n".join(
        f'{55120 + k},2026-11-2{k}T1{k}:04:11Z,{p.first},{p.last},{p.email},{p.mobile},{p.zip},"{["Scrap the pension reform now!", "Vote them out in 2027", "Solidarity with the strikers", "", "Retraite à 60 ans !"][k]}",{["yes", "no", "yes", "yes", "no"][k]}'
        for k, p in enumerate(_s)
    )
    + "\n# petition: 'Withdraw the pension reform' — organised by the Nouveau Front populaire youth wing",
    ids(_s, "ep"),
    {"political_opinion"},
)
_p = PEOPLE[21]
case(
    "union_delegate_prose_fr",
    f"""{_p.first} {up(_p.last)}, {ne(_p)} le {fr_date(_p.dob)} — {fr_spaced(_p.mobile)} — {_p.email}
C'est lui le délégué syndical CGT de l'entrepôt, il a monté la section l'an dernier et c'est lui qui a lancé le piquet de grève.""",
    ids([_p], "dpe"),
    {"trade_union"},
)
_p = PEOPLE[29]
case(
    "face_template_prose_en",
    f"""Leak from the gym chain: {_p.first} {_p.last}, DOB {fr_date(_p.dob)}, {_p.mobile}, {_p.email}.
His face template (the 512-float embedding their turnstiles use for face recognition) is in the dump too, so anyone can clone his entry.""",
    ids([_p], "dpe"),
    {"biometric"},
)

neg(
    "petition_platform_privacy_notice",
    """Privacy notice — when you sign a petition we process your name, email, postcode and, if you choose,
your mobile number, to count your signature and (only if you opt in) to keep you updated. The petition's
organiser receives the number of signatures, never your details. Questions: dpo@petitions.example""",
)
neg(
    "union_election_protocol_text",
    """Protocole d'accord préélectoral — élections du CSE 2027
Collèges : ouvriers/employés ; techniciens/agents de maîtrise ; cadres. Listes syndicales déposées avant
le 15/01/2027 par les organisations représentatives (CGT, CFDT, FO, CFE-CGC, SUD). Vote électronique du
02/02/2027 au 05/02/2027. Le délégué syndical de chaque organisation signe le protocole.""",
)
neg(
    "face_recognition_news_article",
    """La CNIL met en demeure une chaîne de salles de sport : ses portiques à reconnaissance faciale
enregistraient le gabarit du visage de chaque abonné sans alternative proposée. L'entreprise a trois mois
pour supprimer les gabarits et offrir un accès par badge. Amende possible : 4 % du chiffre d'affaires.""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 30): a regression fails.
FLOORS = {"recall": 0.99, "precision": 0.99, "art9_recall": 0.8, "art9_precision": 0.99}
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
