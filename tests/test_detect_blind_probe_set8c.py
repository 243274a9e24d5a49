# ruff: noqa: E501  (a register's line is kept whole, as it was exported)
"""Blind probe, set 8c: article 9 in registers and prose no earlier set tried, French and English, with
the public texts that use the same words about no one.

Written apart from the detector (wave 29, helper H), people from set 8. Recall: a psychiatric hospital's
register of admissions without consent (SDRE, SPDT, SPPI) and its PMSI-psy export, an addiction centre's
substitution treatments, a fertility centre's couples, an abortion in a dox, HIV clinic codes, union dues
on payslips and check-off lists, a party's donors and members, a church's confirmations, a diocese's
donors, a mosque's zakat, a CRM segment, an affair site, a diversity survey, the national DNA database,
face and fingerprint templates. Precision: statistics, press releases, a public candidate list, a
parish newsletter, an addiction centre's and a fertility centre's public pages, the law, code lists,
vendor specifications, and words that mean something else (CGT the transport terms, ARV the arrival).
"""

from __future__ import annotations

import base64
import hashlib
import json

from tests.blind_probe_harness import Probe, e164, fr_date, fr_spaced, make_tests, spaced_nir
from tests.test_detect_blind_probe_set8 import PEOPLE, compact, digits, ids, sl, up

__all__ = ["SET"]

SET = Probe("8c")
case = SET.case
neg = SET.negative

# ================================================================ health: psychiatry, addiction, fertility, abortion, HIV

_s = sl(3, 5)
_modes = [
    "SDRE (arrêté préfectoral)",
    "SPDT urgence (tiers : mère)",
    "SPPI (péril imminent)",
    "SPDT (tiers : conjoint)",
    "SDRE — irresponsabilité pénale (art. 706-135 CPP)",
]
case(
    "sdre_spdt_admissions_register",
    "CHS de ******* — Registre de la loi (soins psychiatriques sans consentement) — 2026\n"
    "N° reg.|NOM|Prénom|Né(e) le|NIR|Mode d'admission|Date décision|Certificat 24h|Certificat 72h\n"
    + "\n".join(
        f"2026-{140 + k}|{up(p.last)}|{p.first}|{fr_date(p.dob)}|{p.nir}|{_modes[k]}|{10 + k}/1{k % 2}/2026|oui|oui"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    {"health"},
)
_s = sl(8, 4)
case(
    "rimp_pmsi_psy_export",
    "FINESS;IPP;NOM;PRENOM;DDN;SEXE;DP;DAS;MODE_LEGAL;FORME_ACTIVITE\n"
    + "\n".join(
        f"290000{k}17;{88001 + k};{up(p.last)};{up(p.first)};{p.dob.replace('-', '')};{p.nir[0]};{dp};{das};{ml};{fa}"
        for k, (p, dp, das, ml, fa) in enumerate(
            zip(
                _s,
                ["F20.0", "F31.2", "F32.3", "F10.2"],
                ["Z91.1", "F17.2", "X61", "K70.3"],
                ["SDRE", "SPDT", "SL", "SPPI"],
                ["01 hospitalisation temps plein", "01", "20 CMP", "01"],
                strict=True,
            )
        )
    ),
    ids(_s, "d"),
    {"health"},
)
_s = sl(12, 5)
_tso = [
    "méthadone sirop 70 mg/j, délivrance quotidienne",
    "BHD (Subutex) 8 mg, délivrance hebdo",
    "méthadone gélules 120 mg, relais ville",
    "Orobupré 6 mg, sevrage progressif",
    "naloxone remise (kit Prenoxad)",
]
case(
    "csapa_substitution_file",
    "CSAPA ****** — file active TSO au 30/11/2026\nNom\tPrénom\tNé(e) le\tPortable\tMail\tTraitement\tPharmacie relais\n"
    + "\n".join(
        f"{up(p.last)}\t{p.first}\t{fr_date(p.dob)}\t{fr_spaced(p.mobile)}\t{p.email}\t{_tso[k]}\tPharmacie {p.city}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
    {"health"},
)
_s = sl(17, 6)
_amp = [
    "FIV-ICSI, tentative 2, transfert J5",
    "IAC cycle 3 (stimulation Gonal-f)",
    "don d'ovocytes — liste d'attente",
    "FIV, préservation ovocytaire avant chimio",
    "ICSI, oligo-asthénospermie sévère",
    "TEC (transfert d'embryon congelé)",
]
case(
    "amp_fertility_couples",
    "Centre AMP — dossiers couples actifs\ndossier;madame;née le;monsieur;né le;téléphone;protocole\n"
    + "\n".join(
        f"AMP-26-{k:03d};{_s[k].first} {up(_s[k].last)};{fr_date(_s[k].dob)};{_s[(k + 3) % 6].first} {up(_s[(k + 3) % 6].last)};{fr_date(_s[(k + 3) % 6].dob)};{compact(_s[k].mobile)};{_amp[k]}"
        for k in range(6)
    ),
    ids(_s, "dp"),
    {"health"},
)
_p = PEOPLE[21]
case(
    "ivg_gossip_dox_prose_fr",
    f"Bon vu qu'elle fait la maline sur le serveur : {_p.first} {_p.last}, née le {fr_date(_p.dob)}, "
    f"{_p.street} à {_p.city}. Son 06 c'est le {fr_spaced(_p.mobile)} et son mail {_p.email}. "
    "Elle a fait une IVG médicamenteuse au planning familial en mars, son ex l'a raconté à tout le monde.",
    ids([_p], "dpe"),
    {"health"},
)
_s = sl(24, 4)
case(
    "hiv_clinic_icd_codes_and_arv",
    "nir;nom;prenom;ddn;cim10;arv;cv;cd4;prochain_rdv\n"
    + "\n".join(
        f"{p.nir};{up(p.last)};{p.first};{p.dob};{c};{a};{v};{cd4};{fr_date(f'2027-0{k + 1}-1{k}')}"
        for k, (p, c, a, v, cd4) in enumerate(
            zip(
                _s,
                ["B20.7", "B24", "Z21", "B22.2"],
                ["TDF/FTC/DTG", "BIC/FTC/TAF", "aucun (refus)", "DTG/3TC"],
                ["<50", "indétectable", "42 300", "<20"],
                [612, 480, 233, 790],
                strict=True,
            )
        )
    ),
    ids(_s, "nd"),
    {"health"},
)
_p = PEOPLE[27]
case(
    "mental_health_act_section_prose_en",
    f"Info on the guy who's been harassing us: {_p.first} {_p.last}, DOB {fr_date(_p.dob)}, mobile {_p.mobile}, email {_p.email}. "
    "He was sectioned under the Mental Health Act (section 3) last spring and is still under a community treatment order.",
    ids([_p], "dpe"),
    {"health"},
)
_p = PEOPLE[1]
case(
    "csapa_methadone_prose_fr",
    f"Pour info {_p.first} {up(_p.last)} ({_p.email}, {fr_spaced(_p.mobile)}) est suivi au CSAPA de {_p.city} depuis deux ans, "
    "il passe tous les matins à la pharmacie chercher sa méthadone. Faites tourner.",
    ids([_p], "ep"),
    {"health"},
)

# ================================================================ trade union membership

_s = sl(5, 5)
_unions = ["CGT", "CFDT", "FO", "SUD Santé", "CFE-CGC"]
case(
    "payroll_union_dues_deduction",
    "matricule;nom;prenom;nir;iban;brut;cotis_syndicale;net_a_payer\n"
    + "\n".join(
        f"M{3300 + k};{up(p.last)};{p.first};{p.nir};{p.iban};{2100 + k * 130},00;{_unions[k]} {12 + k},50;{1650 + k * 101},{k}2"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ni"),
    {"trade_union"},
)
_s = sl(10, 4)
case(
    "uk_check_off_list_en",
    "Payroll check-off deductions — November 2026\nEmployee,Email,Mobile,Union,Branch,Deduction (GBP)\n"
    + "\n".join(
        f"{p.first} {p.last},{p.email},{p.mobile},{u},{b},{d}"
        for p, u, b, d in zip(
            _s,
            ["UNISON", "Unite", "GMB", "RCN"],
            ["Brest Health", "Depot 4", "Logistics", "Ward staff"],
            ["14.20", "16.80", "12.10", "18.00"],
            strict=True,
        )
    ),
    ids(_s, "ep"),
    {"trade_union"},
)
_p = PEOPLE[15]
case(
    "union_rep_prose_en",
    f"Careful with {_p.first} {_p.last} ({_p.email}, {_p.mobile}): she's been a Unite shop steward at the depot since 2019 and reports everything to the union.",
    ids([_p], "ep"),
    {"trade_union"},
)
_s = sl(19, 4)
case(
    "union_section_contacts_fr",
    "Section syndicale FO — Hôpital ****** — annuaire des adhérents (usage interne)\n"
    + "\n".join(
        f"- {p.first} {up(p.last)}, {['IDE', 'AS', 'ASH', 'cadre'][k]}, adhérent(e) depuis {2010 + k * 3} — {fr_spaced(p.mobile)} — {p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    {"trade_union"},
)

# ================================================================ political opinion

_s = sl(23, 5)
case(
    "party_financing_donors",
    "Association de financement du parti ****** — dons 2025 (reçus fiscaux)\nN° reçu;Donateur;Adresse;CP;Ville;Email;Montant;Date du don\n"
    + "\n".join(
        f"R25-{1040 + k};{p.first} {up(p.last)};{p.street};{p.zip};{p.city};{p.email};{[50, 150, 500, 30, 7500][k]},00;{fr_date(f'2025-0{k + 4}-1{k}')}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "e"),
    {"political_opinion"},
)
_s = sl(28, 4)
case(
    "local_party_members_renewals_en",
    "Conservative Association — membership renewals due\nName\tEmail\tPhone\tDate of birth\tMember since\tStatus\n"
    + "\n".join(
        f"{p.first} {p.last}\t{p.email}\t{p.mobile}\t{fr_date(p.dob)}\t{2008 + k}\t{['lapsed', 'renewed', 'due', 'renewed'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
    {"political_opinion"},
)
_p = PEOPLE[6]
case(
    "party_activist_prose_fr",
    f"{_p.first} {_p.last}, {_p.email}, tél {fr_spaced(_p.mobile)} : militante encartée chez Reconquête, elle tracte tous les samedis au marché de {_p.city}.",
    ids([_p], "ep"),
    {"political_opinion"},
)

# ================================================================ religion

_s = sl(2, 5)
case(
    "parish_confirmation_register_en",
    "St ******* Parish — Confirmation candidates 2026\nCandidate | DOB | Parent email | Parent mobile | Baptised at | Sponsor\n"
    + "\n".join(
        f"{p.first} {p.last} | {fr_date(p.dob)} | {p.email} | {p.mobile} | St Mary's, {p.city} | {PEOPLE[(k + 9) % 30].first}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dep"),
    {"religion"},
)
_s = sl(7, 5)
case(
    "denier_eglise_donors",
    "Diocèse de ****** — Denier de l'Église 2025 — donateurs\ncivilité;nom;prénom;email;téléphone;montant;prélèvement;paroisse\n"
    + "\n".join(
        f"{['M.', 'Mme', 'M. et Mme', 'Mme', 'M.'][k]};{up(p.last)};{p.first};{p.email};{fr_spaced(p.mobile)};{[120, 60, 300, 40, 200][k]};{['mensuel', 'non', 'annuel', 'mensuel', 'non'][k]};{p.city}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"religion"},
)
_s = sl(12, 4)
case(
    "mosque_zakat_donors",
    "Mosquée ****** — Zakat al-Fitr 1447 — versements\nNom | Téléphone | Email | Personnes du foyer | Montant\n"
    + "\n".join(
        f"{p.first} {p.last} | {compact(p.mobile)} | {p.email} | {3 + k} | {(3 + k) * 9} €" for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    {"religion"},
)
_p = PEOPLE[20]
case(
    "religion_conversion_prose_en",
    f"Found her: {_p.first} {_p.last}, {_p.email}, {_p.mobile}, born {fr_date(_p.dob)}. She converted to Islam last year and goes to Friday prayers at the mosque on rue Nationale.",
    ids([_p], "epd"),
    {"religion"},
)

# ================================================================ orientation, sex life, origin

_s = sl(16, 5)
case(
    "crm_segment_lgbt_tags",
    "email,first_name,last_name,phone,tags,segment\n"
    + "\n".join(
        f'{p.email},{p.first},{p.last},{p.mobile},"{t}",{sg}'
        for p, t, sg in zip(
            _s,
            ["newsletter;LGBT+", "promo;Gay Pride newsletter", "LGBT+;Pride 2026", "newsletter", "Communauté LGBT;VIP"],
            ["LGBT", "LGBT", "LGBT", "général", "LGBT"],
            strict=True,
        )
    ),
    ids(_s, "ep"),
    {"sexual_orientation"},
)
_s = sl(21, 4)
case(
    "affair_site_members",
    "pseudo;email;mobile;né le;situation;recherche\n"
    + "\n".join(
        f"{p.first.lower()}{k}{k};{p.email};{compact(p.mobile)};{fr_date(p.dob)};{s};{r}"
        for k, (p, s, r) in enumerate(
            zip(
                _s,
                ["marié(e)", "en couple", "marié(e)", "pacsé(e)"],
                ["relation extraconjugale discrète", "plan à trois", "aventure sans lendemain", "échangisme"],
                strict=True,
            )
        )
    ),
    ids(_s, "epd"),
    {"sex_life"},
)
_s = sl(25, 4)
case(
    "diversity_survey_individual_rows",
    "matricule;nom;email;date_naissance;origine_declaree;pays_naissance_parents\n"
    + "\n".join(
        f"E{900 + k};{p.last};{p.email};{p.dob};{o};{c}"
        for k, (p, o, c) in enumerate(
            zip(
                _s,
                ["Maghreb", "Afrique subsaharienne", "Asie du Sud-Est", "Antilles"],
                ["Algérie", "Mali", "Vietnam", "Martinique"],
                strict=True,
            )
        )
    ),
    ids(_s, "ed"),
    {"ethnic_origin"},
)

# ================================================================ genetic, biometric


def _str_profile(k: int) -> str:
    loci = ["D3S1358", "vWA", "D16S539", "CSF1PO", "TPOX", "D8S1179", "D21S11", "D18S51"]
    return " ".join(f"{loc} {10 + (k + i) % 7}/{12 + (k * 3 + i) % 8}" for i, loc in enumerate(loci))


_s = sl(0, 3)
case(
    "fnaeg_dna_profiles",
    "\n\n".join(
        f"FNAEG — fiche {digits(k, 'fnaeg', 10)}\nNom : {up(p.last)}  Prénom : {p.first}  Né(e) le : {fr_date(p.dob)}\nNIR : {spaced_nir(p.nir)}\nProfil génétique (STR) : {_str_profile(k)}\nAmel X/{'Y' if p.nir[0] == '1' else 'X'}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    {"genetic"},
)


def _b64(seed: str, n: int) -> str:
    return base64.b64encode(hashlib.sha512(seed.encode()).digest() * (n // 64 + 1))[: n * 4 // 3].decode()


_s = sl(9, 4)
case(
    "face_template_employees_json",
    "\n".join(
        json.dumps(
            {
                "employee_id": f"E{k + 100}",
                "name": f"{p.first} {p.last}",
                "email": p.email,
                "mobile": p.mobile,
                "face_template": {"algo": "ArcFace-r100", "dim": 512, "data": _b64(p.email, 96)},
                "enrolled": f"2025-0{k + 1}-0{k + 2}",
            },
            ensure_ascii=False,
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"biometric"},
)
_s = sl(14, 3)
case(
    "timeclock_fingerprint_iso19794_en",
    "Badge,Name,Email,DOB,Finger,Template (ISO/IEC 19794-2, base64)\n"
    + "\n".join(
        f"{digits(k, 'badge', 6)},{p.first} {p.last},{p.email},{fr_date(p.dob)},R-index,Rk1SACAyMAAA{_b64(p.last, 60)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ed"),
    {"biometric"},
)

# ================================================================ second round: the NHS, IVF, petitions, a synagogue, custody codes


def _nhs(nine: str) -> str:
    check = 11 - sum(int(c) * (10 - i) for i, c in enumerate(nine)) % 11
    return nine + str(0 if check == 11 else check)


_NHS = [n for n in (_nhs(digits(k, "nhs", 9)) for k in range(40)) if len(n) == 10 and not n.endswith("10")][:4]
_UK = [("Oliver", "Hughes", "oliver.hughes@btinternet.com", "074" + digits(1, "uk", 8), "1971-08-02"),
       ("Amelia", "Price", "amelia.price@outlook.com", "075" + digits(2, "uk", 8), "1988-01-19"),
       ("Harry", "Ward", "harry.ward@sky.com", "079" + digits(3, "uk", 8), "1959-10-27"),
       ("Isla", "Morgan", "isla.morgan@yahoo.co.uk", "074" + digits(4, "uk", 8), "1996-05-05")]  # fmt: skip
case(
    "uk_gp_list_nhs_numbers_not_phones",
    "NHS No.,Patient,DOB,Mobile,Email,Problem list\n"
    + "\n".join(
        f"{n[:3]} {n[3:6]} {n[6:]},{f} {ln},{fr_date(d)},{t[:5]} {t[5:]},{m},{pb}"
        for (f, ln, m, t, d), n, pb in zip(
            _UK,
            _NHS,
            ["Type 2 diabetes; CKD stage 3", "Anxiety; on sertraline", "COPD; home oxygen", "Epilepsy; lamotrigine"],
            strict=True,
        )
    ),
    {("email", x[2]) for x in _UK} | {("phone", e164(x[3], "GB")) for x in _UK} | {("dob", x[4]) for x in _UK},
    {"health"},
)
_p = PEOPLE[11]
case(
    "ivf_prose_en",
    f"Her details since she blocked everyone: {_p.first} {_p.last}, {_p.email}, {_p.mobile}, born {fr_date(_p.dob)}. "
    "She's on her third round of IVF at the private clinic and told the whole office about the embryo transfer.",
    ids([_p], "epd"),
    {"health"},
)
_s = sl(13, 5)
case(
    "party_petition_signatories",
    "Pétition du Rassemblement national « Non à l'immigration de masse » — signataires (export)\n"
    "date;prenom;nom;email;telephone;code_postal;souhaite_adherer\n"
    + "\n".join(
        f"2026-11-{10 + k} 2{k}:14;{p.first};{up(p.last)};{p.email};{compact(p.mobile)};{p.zip};{['oui', 'non', 'oui', 'oui', 'non'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    {"political_opinion"},
)
_s = sl(18, 4)
case(
    "synagogue_membership_dues_en",
    "Congregation Beth ****** — membership dues 5787\nMember,Email,Mobile,Hebrew name,Aliyah / yahrzeit notes,Dues\n"
    + "\n".join(
        f"{p.first} {p.last},{p.email},{p.mobile},{h},{n},{d}"
        for p, h, n, d in zip(
            _s,
            ["Gavriel ben Moshe", "Rivka bat Avraham", "Yosef ben David", "Miriam bat Yaakov"],
            ["Kohen", "yahrzeit 12 Tevet", "Levi", "bat mitzvah 2027"],
            ["1,200", "850", "1,200", "600"],
            strict=True,
        )
    ),
    ids(_s, "ep"),
    {"religion"},
)
_s = sl(22, 4)
case(
    "custody_record_ic_codes_ethnicity_en",
    "Custody No.,Surname,Forename,DOB,Mobile,Ethnicity (IC code),Self-defined ethnicity,Offence\n"
    + "\n".join(
        f"CU/{digits(k, 'cu', 6)},{up(p.last)},{p.first},{fr_date(p.dob)},{p.mobile},{ic},{sd},{o}"
        for k, (p, ic, sd, o) in enumerate(
            zip(
                _s,
                ["IC3", "IC4", "IC1", "IC6"],
                ["B2 Black African", "A1 Indian", "W1 White British", "O9 Any other"],
                ["Theft", "Public order", "Criminal damage", "Drink driving"],
                strict=True,
            )
        )
    ),
    ids(_s, "dp"),
    {"ethnic_origin"},
)

_p = PEOPLE[26]
case(
    "affair_prose_en",
    f"Exposing {_p.first} {_p.last} ({_p.email}, {_p.mobile}): married with two kids and has been having an affair with a colleague for a year, "
    "they book the same hotel every Thursday. His wife deserves to know.",
    ids([_p], "ep"),
    {"sex_life"},
)

# ================================================================ identifiers beside words that are not article 9

_s = sl(4, 4)
case(
    "blood_donor_loyalty_status_not_art9",
    "nom;prenom;email;mobile;statut_don;nb_dons;prochain_don_possible\n"
    + "\n".join(
        f"{p.last};{p.first};{p.email};{compact(p.mobile)};donneur régulier;{12 + k};{fr_date(f'2027-01-{10 + k}')}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
)
_s = sl(18, 4)
case(
    "cgt_transport_terms_customer_claims_not_union",
    "N° réclamation;client;email;mobile;motif;référence CGT\n"
    + "\n".join(
        f"REC-{digits(k, 'rec', 7)};{p.first} {p.last};{p.email};{fr_spaced(p.mobile)};retard > 60 min;art. {4 + k}.2 des CGT (Conditions Générales de Transport)"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
)

# ================================================================ the same words, about no one

neg(
    "hiv_discoveries_by_region_stats",
    """Découvertes de séropositivité VIH par région, 2025 (Santé publique France)
Région;Découvertes;Taux / million;dont HSH (%);dont stade SIDA (%)
Île-de-France;1 812;146;41;13
Auvergne-Rhône-Alpes;462;57;47;12
Provence-Alpes-Côte d'Azur;388;75;44;15
Guyane;201;694;4;19
Bretagne;112;33;52;11""",
)
neg(
    "union_press_release_strike",
    """COMMUNIQUÉ — L'intersyndicale CGT, CFDT, FO et SUD appelle à la grève le 12/12/2026
Les organisations syndicales du CHU dénoncent la fermeture de 40 lits de psychiatrie et le recours
aux admissions en SDRE faute de places. Rassemblement à 11h devant la direction.
Contact presse : service communication de l'union départementale, 02 98 44 00 00.""",
)
neg(
    "municipal_candidate_list_public",
    """Élections municipales 2026 — Liste « Brest en commun » (Union de la gauche), déposée en préfecture
1. Erwan KERBRAT, 54 ans, enseignant
2. Soizic TANGUY, 47 ans, infirmière
3. Yannick LE BIHAN, 61 ans, retraité de l'arsenal
4. Noémie RIGAUD, 33 ans, juriste
5. Ludovic HUET, 42 ans, chauffeur de bus
Tête de liste : Erwan Kerbrat. Programme disponible en mairie.""",
)
neg(
    "parish_newsletter_christmas",
    """Paroisse Saint-Louis — Lettre d'information de décembre
Messes de Noël : 24/12 à 18h (familles) et minuit, 25/12 à 10h30.
Baptêmes et mariages 2027 : inscriptions au secrétariat paroissial, 02 98 80 12 34, du mardi au vendredi.
Denier de l'Église : merci aux 412 donateurs de 2025 ! Reçu fiscal envoyé en février.
Confirmation des jeunes le 16/05/2027 en la cathédrale.""",
)
neg(
    "csapa_public_page",
    """CSAPA du Pays de Brest — Centre de soins, d'accompagnement et de prévention en addictologie
Accueil anonyme et gratuit. Traitements de substitution aux opiacés (méthadone, buprénorphine),
consultations jeunes consommateurs, kits de naloxone. Ouvert du lundi au vendredi de 9h à 17h.
Accueil : 02 98 33 10 10 — 12 rue de Siam, 29200 Brest.""",
)
neg(
    "amp_centre_information_page",
    """Le parcours d'AMP au CHU : après un bilan d'infertilité du couple, l'équipe propose une insémination
intra-utérine (IIU), puis une FIV ou une ICSI. Le taux de grossesse par transfert est d'environ 25 %.
La préservation ovocytaire avant chimiothérapie est possible. Délai moyen pour un don d'ovocytes : 18 mois.
Prise de rendez-vous en ligne ou au 02 98 22 33 44.""",
)
neg(
    "sdre_law_text",
    """Article L3213-1 du code de la santé publique
I.- Le représentant de l'État dans le département prononce par arrêté, au vu d'un certificat médical
circonstancié ne pouvant émaner d'un psychiatre exerçant dans l'établissement d'accueil, l'admission
en soins psychiatriques des personnes dont les troubles mentaux nécessitent des soins et compromettent
la sûreté des personnes ou portent atteinte, de façon grave, à l'ordre public (SDRE).
Voir aussi l'article L3212-1 (SPDT) et le péril imminent (SPPI).""",
)
neg(
    "icd10_b20_b24_reference_table",
    """CIM-10 — Chapitre I — Maladie due au virus de l'immunodéficience humaine [VIH] (B20-B24)
B20   Immunodéficience humaine virale, à l'origine de maladies infectieuses et parasitaires
B21   Immunodéficience humaine virale, à l'origine de tumeurs malignes
B22   Immunodéficience humaine virale, à l'origine d'autres affections précisées
B23   Immunodéficience humaine virale, à l'origine d'autres affections
B24   Immunodéficience humaine virale [VIH], sans précision
Z21   Infection asymptomatique par le virus de l'immunodéficience humaine [VIH]""",
)
neg(
    "fnaeg_news_article",
    """Le fichier national automatisé des empreintes génétiques (FNAEG) comptait fin 2025 plus de 4,8 millions
de profils, dont 3,9 millions de personnes mises en cause. Chaque profil comporte 16 marqueurs STR
(D3S1358, vWA, D16S539...) et l'amélogénine. La CNIL a rappelé en novembre la durée de conservation.""",
)
neg(
    "biometric_template_vendor_spec",
    """ISO/IEC 19794-2:2005 finger minutiae record — header layout
Bytes 0-3   format identifier 'FMR\\0' (0x464D5200)
Bytes 4-7   version ' 20\\0'
Bytes 8-11  record length
Bytes 14-15 image width in pixels; 16-17 image height
Each finger view: position (1 = right thumb, 2 = right index...), quality 0-100, minutiae count,
then 6 bytes per minutia: type and x (14 bits), y (14 bits), angle, quality.
Example (base64, synthetic): Rk1SACAyMAAAAAEIAAABLAGQAMUAxQEAAAAAHw==""",
)
neg(
    "dating_app_marketing_copy",
    """Rencontrez des hommes qui cherchent des hommes près de chez vous. Gratuit, discret et sans engagement.
Plus de 2 millions de membres gays, bi et curieux en France. Application notée 4,6/5.
Télécharger sur l'App Store et Google Play. 18+ uniquement.""",
)
neg(
    "zakat_rate_announcement",
    """Communiqué du Conseil théologique : la Zakat al-Fitr 1447 est fixée à 9 € par personne.
Elle doit être versée avant la prière de l'Aïd. Les fidèles peuvent la remettre à leur mosquée
ou à une association caritative. Horaires de la prière de l'Aïd : 8h30 et 9h30.""",
)
neg(
    "airline_ops_board_arv_dep",
    """BES OPS BOARD 30NOV26
FLT     ORIG  DEST  STD    ATD    ARV    PAX  GATE
AF7701  ORY   BES   06:40  06:52  08:05  142  2
HOP342  BES   LYS   09:10  09:14  10:38   66  3
TO4411  BES   FAO   11:25  11:40  14:02  181  1
VY8512  BCN   BES   13:15  13:31  15:09  170  2""",
)
neg(
    "diversity_index_aggregates",
    """Index égalité et diversité 2026 — données agrégées (aucune donnée individuelle)
Effectif total : 1 204 ; femmes 58 % ; personnes en situation de handicap 6,1 %
Écart de rémunération F/H : 3,2 % ; taux de promotion F 11 %, H 12 %
Enquête anonyme diversité (taux de réponse 41 %) : résultats publiés par tranche de 10 %.""",
)

neg(
    "party_conference_programme_en",
    """Labour Party Conference 2026 — Liverpool — main hall programme
Sunday 27 September  14:00  Opening address — the Party Chair
Monday 28 September  10:30  Economy debate — Shadow Chancellor; 15:00 Health and social care
Tuesday 29 September 14:15  Leader's speech
Wednesday 30 September 11:00 Policy votes and close
Press office: press@labour.example, accreditation deadline 01/09/2026.""",
)
neg(
    "nhs_waiting_times_stats",
    """Referral to treatment waiting times, October 2026 (England, all providers)
Treatment function       Incomplete pathways   Within 18 weeks (%)   52+ weeks
Trauma & Orthopaedics    812,334               54.1                  41,207
Gynaecology              601,220               53.2                  27,880
Mental Health (adult)    112,907               71.9                  1,204
IVF / Fertility          18,448                80.4                  96""",
)
neg(
    "police_ic_codes_reference",
    """Identity codes (IC) used in police radio and custody systems — reference card
IC1 White - North European      IC2 White - South European     IC3 Black
IC4 Asian (South Asian)          IC5 Chinese, Japanese or SE Asian   IC6 Arab or North African
IC9 Unknown. Self-defined ethnicity uses the 2011 census 16+1 codes (W1 ... O9).""",
)
neg(
    "ivf_success_rates_table",
    """IVF success rates by age, fresh own-egg cycles, 2024 (national register)
Age band   Cycles   Births per embryo transferred
18-34      21,040   35 %
35-37      10,212   28 %
38-39       6,877   21 %
40-42       5,930   12 %
43-44       1,644    5 %""",
)
neg(
    "petition_public_page_counts",
    """Pétition « Pour la réouverture de la maternité de Carhaix » — 48 212 signatures
Lancée le 14/03/2026 par le collectif des usagers. Objectif : 50 000.
Dernières signatures : Soizic (29), Erwan (29), Marjorie (22), il y a 3 minutes.
Prochaine étape : remise au ministère de la Santé le 12/12/2026.""",
)

neg(
    "vaccination_campaign_public_schedule",
    """Campagne de vaccination grippe et Covid-19 2026-2027 — centre municipal
Du 14/10/2026 au 31/01/2027, sans rendez-vous le mercredi de 14h à 18h.
Public prioritaire : 65 ans et plus, personnes atteintes de maladies chroniques, femmes enceintes.
Se munir de sa carte Vitale. Renseignements : 02 98 00 80 80.""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 29): a regression fails.
FLOORS = {"recall": 0.97, "precision": 0.99, "art9_recall": 0.68, "art9_precision": 0.9}
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
