# ruff: noqa: E501  (an export's line is kept whole, as the software writes it)
"""Blind probe, set 7: a French medical-software breach and the health, insurance, social and school
records around it, with the ordinary texts of the same shapes that hold no one.

Written apart from the detector (wave 28, helper H) from README.md, the docs, the identifiers reference
and the public API only. Recall: what a cabinet's software exports (patient lists, agendas, prescriptions,
HPRIM lab results, pharmacy deliveries, FHIR resources other than the Patient), what insurers and
social offices export (tiers payant, ALD reimbursements, CAF, France Travail), a hospital's HR file, a
school's ENT and canteen, and article 9 written in clinical shorthand (VIH+, HSH, PrEP, ALD 7, a
Jehovah's Witness refusing transfusion, halal and kosher meal orders), in French and English.
Precision: guidelines, drug leaflets, abstracts, a CeGIDD's page, prayer and shabbat times, lab price
lists, software release notes, a course on article 9 itself, API docs with example values: the same
words and shapes, about no one. Sets 7b (data stores, chats, contacts, several countries, OCR) and 7c (sold
posts, attachments, other languages' shorthand) import the people from here. `python -m tests.test_detect_blind_probe_set7` prints both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from tests.blind_probe_harness import (
    Probe,
    e164,
    fr_date,
    fr_spaced,
    iban,
    luhn,
    make_tests,
    nir,
    person_ids,
    spaced_nir,
)

__all__ = ["PEOPLE", "SET", "P", "ids"]

SET = Probe("7")
case = SET.case
neg = SET.negative


@dataclass(frozen=True)
class P:
    first: str
    last: str
    email: str
    mobile: str  # E.164
    dob: str  # ISO
    nir: str
    iban: str
    card: str
    street: str
    city: str
    zip: str


_FIRST = ["Nadia", "Thierry", "Sophie", "Karim", "Élodie", "Bruno", "Fatoumata", "Julien", "Yasmine", "Gérard", "Aurélie", "Mehdi", "Catherine", "Loïc", "Samira", "Pascal", "Maëlle", "Olivier", "Leïla", "Frédéric", "Hélène", "Abdelkader", "Sandrine", "Cédric", "Amandine", "Moussa", "Véronique", "Arnaud", "Nathalie", "Rachid", "Isabelle", "Damien", "Khadija", "Stéphane", "Christelle", "Youssef", "Brigitte", "Vincent", "Céline", "Ibrahim"]  # fmt: skip
_LAST = ["Kaddour", "Lemoine", "Besson", "Benali", "Carré", "Vasseur", "Diallo", "Roux", "Haddad", "Poirier", "Texier", "Bouzid", "Marchand", "Le Gall", "Cherif", "Renaud", "Jacob", "Barbier", "Mansouri", "Lacroix", "Hoarau", "Meziane", "Brunet", "Picard", "Colin", "Traoré", "Gilbert", "Leclerc", "Masson", "Amrani", "Aubert", "Schmitt", "Belkacem", "Hamon", "Royer", "El Idrissi", "Caron", "Perret", "Baron", "Keita"]  # fmt: skip
_DOMAINS = [
    "orange.fr",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "wanadoo.fr",
    "hotmail.fr",
    "yahoo.fr",
    "outlook.fr",
    "bbox.fr",
    "neuf.fr",
]
_STREETS = ["rue Victor Hugo", "avenue de la République", "boulevard Gambetta", "rue des Lilas", "impasse des Tilleuls", "allée des Cerisiers", "rue Jean Jaurès", "chemin du Moulin", "place de la Mairie", "rue Pasteur"]  # fmt: skip
_CITIES = [("Meaux", "77100", "77"), ("Roubaix", "59100", "59"), ("Vénissieux", "69200", "69"), ("Montreuil", "93100", "93"), ("Rennes", "35000", "35"), ("Perpignan", "66000", "66"), ("Saint-Denis", "97400", "974"), ("Mulhouse", "68100", "68"), ("Angers", "49000", "49"), ("Créteil", "94000", "94")]  # fmt: skip


def _ascii(s: str) -> str:
    return s.translate(str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")).lower().replace(" ", "")


def _digits(i: int, salt: str, n: int) -> str:
    h = hashlib.sha256(f"set7{salt}{i}".encode()).hexdigest() * 2
    return "".join(str(int(c, 16) % 10) for c in h)[:n]


def _person(i: int) -> P:
    first, last = _FIRST[i % 40], _LAST[(i * 7) % 40]
    sep = [".", "_", "", "-"][i % 4]
    email = f"{_ascii(first)}{sep}{_ascii(last)}{'' if i % 3 else i + 11}@{_DOMAINS[i % 10]}"
    mobile = e164(f"0{6 if i % 3 else 7}{'1245678'[(i * 3) % 7] if i % 3 else 3 + i % 7}{_digits(i, 'tel', 7)}")
    y, m, d = 1938 + (i * 13) % 70, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    city, zc, dept = _CITIES[i % 10]
    dept2 = dept if len(dept) == 2 else "97"
    commune = _digits(i, "com", 3) if len(dept) == 2 else "4" + _digits(i, "com", 2)
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{dept2}{commune}{_digits(i, 'ord', 3)}"
    bank = ["30006", "20041", "10278", "30004", "11315", "30003", "14505"][i % 7]
    card = luhn(["4974", "5131", "4561", "5355"][i % 4] + _digits(i, "card", 11), 16)
    return P(first, last, email, mobile, f"{y}-{m:02d}-{d:02d}", nir(body),
             iban("FR", f"{bank}{_digits(i, 'gui', 5)}{_digits(i, 'acc', 11)}{_digits(i, 'rib', 2)}"),
             card, f"{1 + (i * 17) % 120} {_STREETS[i % 10]}", city, zc)  # fmt: skip


PEOPLE = [_person(i) for i in range(40)]


ids = person_ids  # (e mail, p mobile, d birth, n NIR, i IBAN, c card)


def _sl(a: int, n: int) -> list[P]:
    """n people from a (wrapping): each case its own mix."""
    return [PEOPLE[(a + k) % 40] for k in range(n)]


def _compact(e: str) -> str:
    return "0" + e[3:]


def _dotted(e: str) -> str:
    return ".".join(fr_spaced(e).split())


def _rpps(i: int) -> str:
    return luhn("10" + _digits(i, "rpps", 8), 11)


def _ymd(iso: str) -> str:
    return iso.replace("-", "")


# ================================================================ a cabinet's software: patients, agendas, prescriptions

_NOTES = [
    "VIH+ (ALD 7) sous Biktarvy, CV indétectable",
    "HTA, dyslipidémie",
    "Diabète type 2 – metformine 1000",
    "HSH, PrEP à la demande depuis 2022",
    "Asthme",
    "Dépression récurrente, sertraline 50",
    "RAS",
    "BPCO stade 2, ALD 14",
    "Hépatite C guérie (2019)",
    "Hypothyroïdie – Lévothyrox 75",
]
_s = _sl(0, 10)
case(
    "cabinet_patients_semicolon_antecedents",
    "Nom;Prénom;Né(e) le;N° Sécu;Tél. portable;Courriel;Antécédents\n"
    + "\n".join(
        f"{p.last.upper()};{p.first};{fr_date(p.dob)};{p.nir};{fr_spaced(p.mobile)};{p.email};{_NOTES[k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "edpn"),
    ["health", "sexual_orientation"],
)
_s = _sl(10, 8)
case(
    "agenda_day_view_text",
    "Agenda — Dr Marchand — Lundi 3 juin 2024\n\n"
    + "\n".join(
        f"{8 + k // 2:02d}:{'00' if k % 2 == 0 else '30'} - {8 + k // 2:02d}:{'20' if k % 2 == 0 else '50'}   {'Mme' if k % 2 else 'M.'} {p.last.upper()} {p.first} (né{'e' if k % 2 else ''} le {fr_date(p.dob)})  {_dotted(p.mobile)}   motif : {m}"
        for k, (p, m) in enumerate(
            zip(
                _s,
                [
                    "renouvellement PrEP",
                    "suivi VIH trimestriel",
                    "certificat sport",
                    "résultats sérologie",
                    "HSH – dépistage IST",
                    "vaccin grippe",
                    "renouvellement traitement",
                    "douleurs lombaires",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "pd"),
    ["health", "sexual_orientation"],
)
_s = _sl(18, 6)
case(
    "agenda_csv_with_practitioner_rpps",
    "date;heure;praticien;rpps;patient;naissance;tel;email;motif\n"
    + "\n".join(
        f"2024-06-0{3 + k % 4};{9 + k}:15;Dr Hélène Aubert;{_rpps(1)};{p.last} {p.first};{p.dob};{_compact(p.mobile)};{p.email};{['suivi VIH', 'PrEP', 'contrôle TA', 'IVG médicamenteuse', 'bilan diabète', 'consultation'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe") | {("rpps", _rpps(1))},
    ["health"],
)
_p = PEOPLE[24]
case(
    "ordonnance_text",
    f"""Docteur Hélène AUBERT
Médecine générale — RPPS {_rpps(1)}
12 rue Nationale, 59100 Roubaix

Roubaix, le 14/05/2024

{"Madame" if _p.nir[0] == "2" else "Monsieur"} {_p.first} {_p.last.upper()}
Né(e) le {fr_date(_p.dob)} — N° SS {spaced_nir(_p.nir)}

ORDONNANCE BIZONE
Prescriptions relatives au traitement de l'affection de longue durée (ALD 7) :
- BIKTARVY 50/200/25 mg : 1 cp par jour pendant 3 mois
Prescriptions SANS RAPPORT avec l'ALD :
- Paracétamol 1 g si douleur, max 3/j
""",
    {("rpps", _rpps(1)), ("nir", _p.nir), ("dob", _p.dob)},
    ["health"],
)
_s = _sl(25, 3)
case(
    "ordonnances_batch_form_feed",
    "\f".join(
        f"Dr Cédric PICARD — RPPS {_rpps(2)}\nPatient : {p.last.upper()} {p.first}\nDate de naissance : {fr_date(p.dob, '.')}\nTél : {fr_spaced(p.mobile)}\n\n{rx}\n\nSignature"
        for p, rx in zip(
            _s,
            [
                "Truvada 200/245 : 1 cp/j (PrEP en continu)",
                "Lithium 400 LP : 2 cp le soir, lithémie à J5",
                "Méthadone sirop 60 mg/j, délivrance fractionnée 7 j",
            ],
            strict=True,
        )
    ),
    ids(_s, "dp") | {("rpps", _rpps(2))},
    ["health"],
)
_p = PEOPLE[28]
case(
    "courrier_confrere_prose",
    f"""Cher confrère,
Je vous adresse M. {_p.first} {_p.last}, né le {fr_date(_p.dob)}, joignable au {fr_spaced(_p.mobile)}, pour prise en charge
d'une infection VIH découverte au décours d'un dépistage (HSH, partenaires multiples, pas de PrEP).
CD4 à 412/mm3, charge virale 54 000 copies/mL. Merci de le recevoir rapidement.
Bien confraternellement,
Dr Marchand""",
    {("dob", _p.dob), ("phone", _p.mobile)},
    # (sex_life added in wave 30 by helper I: "partenaires multiples" is a person's sex life, GDPR art. 9)
    ["health", "sexual_orientation", "sex_life"],
)
_p = PEOPLE[29]
case(
    "dossier_patient_printout",
    f"""DOSSIER PATIENT — impression du 02/04/2024
Nom : {_p.last.upper()}            Prénom : {_p.first}
Né(e) le : {fr_date(_p.dob)}        NIR : {spaced_nir(_p.nir)}
Adresse : {_p.street}, {_p.zip} {_p.city}
Portable : {fr_spaced(_p.mobile)}     Mail : {_p.email}
Mutuelle : MGEN — tiers payant
Antécédents : Témoin de Jéhovah, refuse toute transfusion (directives anticipées signées)
Traitement : Kardegic 75""",
    {("dob", _p.dob), ("nir", _p.nir), ("phone", _p.mobile), ("email", _p.email)},
    ["religion", "health"],
)
_s = _sl(30, 6)
case(
    "en_clinic_list_shorthand",
    "MRN,Name,DOB,Mobile,Email,Problem list\n"
    + "\n".join(
        f"{48210 + k},{p.first} {p.last},{fr_date(p.dob)},{p.mobile},{p.email},{n}"
        for k, (p, n) in enumerate(
            zip(
                _s,
                [
                    "HIV+ on ART, VL undetectable",
                    "MSM, on PrEP",
                    "T2DM, HTN",
                    "bipolar I - lithium",
                    "HCV Ab+, RNA neg",
                    "no known problems",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "dpe"),
    ["health", "sexual_orientation"],
)

# ================================================================ HPRIM and other lab formats

_s = _sl(2, 4)
case(
    "hprim_sante_oru",
    "\r".join(
        ["H|~^\\&|||LABO BIOMEAUX^LBM77|||||||ORU|P|H2.1^C|20240315102233"]
        + [
            line
            for k, p in enumerate(_s)
            for line in (
                f"P|{k + 1}|{24031500 + k}|{p.nir}||{p.last.upper()}^{p.first}||{_ymd(p.dob)}|{'F' if p.nir[0] == '2' else 'M'}|||{p.street}^^{p.city}^^{p.zip}||{_compact(p.mobile)}|DR MARCHAND",
                "OBR|1|||VIH^Sérologie VIH 1+2|||20240314",
                f"OBX|1|CE|VIHCOMB^Ag p24 + Ac anti-VIH||{'POSITIF' if k % 2 == 0 else 'NEGATIF'}||||||F",
            )
        ]
        + ["L|1|||4"]
    ),
    ids(_s, "ndp"),
    ["health"],
)
_p = PEOPLE[6]
case(
    "hprim_net_text_block",
    f"""{24031577}
{_p.last.upper()}
{_p.first.upper()}
{_p.street.upper()}

{_p.zip} {_p.city.upper()}
{fr_date(_p.dob)}
{_p.nir}
D2403157
15/03/2024
DR MARCHAND HELENE
****LAB****
RES|Charge virale VIH-1 (PCR)|CVVIH|N|<20|copies/mL|||N|F
RES|Lymphocytes CD4|CD4|N|612|/mm3|500|1500|N|F
****FINLAB****
""",
    {("dob", _p.dob), ("nir", _p.nir)},
    ["health"],
)
_s = _sl(8, 3)
case(
    "lab_results_pdf_text_en",
    "\n\n".join(
        f"PATIENT: {p.last.upper()}, {p.first}   DOB: {fr_date(p.dob)}   Phone: {p.mobile}\nTest: HIV-1/2 Ag/Ab combo ... REACTIVE\nTest: HIV-1 RNA quant ....... 18,400 copies/mL\nComment: confirmed HIV infection, refer to ID clinic"
        for p in _s
    ),
    ids(_s, "dp"),
    ["health"],
)

# ================================================================ FHIR resources beside the Patient

_p = PEOPLE[11]
case(
    "fhir_transaction_condition_medication",
    json.dumps(
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": "urn:uuid:6f1c-01",
                    "resource": {
                        "resourceType": "Patient",
                        "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": _p.nir}],
                        "name": [{"family": _p.last, "given": [_p.first]}],
                        "telecom": [
                            {"system": "phone", "value": _p.mobile, "use": "mobile"},
                            {"system": "email", "value": _p.email},
                        ],
                        "birthDate": _p.dob,
                    },
                },
                {
                    "resource": {
                        "resourceType": "Condition",
                        "subject": {"reference": "urn:uuid:6f1c-01"},
                        "code": {
                            "coding": [
                                {
                                    "system": "http://snomed.info/sct",
                                    "code": "86406008",
                                    "display": "Human immunodeficiency virus infection",
                                }
                            ],
                            "text": "Infection VIH",
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "MedicationStatement",
                        "subject": {"reference": "urn:uuid:6f1c-01"},
                        "medicationCodeableConcept": {"text": "BIKTARVY 50 mg/200 mg/25 mg"},
                    }
                },
            ],
        },
        ensure_ascii=False,
    ),
    {("nir", _p.nir), ("phone", _p.mobile), ("email", _p.email), ("dob", _p.dob)},
    ["health"],
)
_s = _sl(12, 3)
case(
    "fhir_observation_ndjson_social_history",
    "\n".join(
        json.dumps(
            {
                "resourceType": "Patient",
                "id": f"p{k}",
                "name": [{"text": f"{p.first} {p.last}"}],
                "telecom": [{"system": "email", "value": p.email}],
                "birthDate": p.dob,
            }
        )
        + "\n"
        + json.dumps(
            {
                "resourceType": "Observation",
                "subject": {"reference": f"Patient/p{k}"},
                "code": {
                    "coding": [{"system": "http://loinc.org", "code": "76690-7", "display": "Sexual orientation"}]
                },
                "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": c, "display": d}]},
            }
        )
        for k, (p, (c, d)) in enumerate(
            zip(_s, [("38628009", "Homosexual"), ("42035005", "Bisexual"), ("38628009", "Homosexual")], strict=True)
        )
    ),
    ids(_s, "ed"),
    ["sexual_orientation"],
)

# ================================================================ pharmacy

_s = _sl(14, 6)
case(
    "pharmacy_lgo_deliveries",
    "Date délivrance;Bénéficiaire;NIR;Rang;Né(e) le;AMC;Produit;CIP13;Qté\n"
    + "\n".join(
        f"1{k}/03/2024;{p.last.upper()} {p.first};{p.nir};1;{fr_date(p.dob)};{['MGEN', 'Harmonie', 'CSS', 'Malakoff'][k % 4]};{d};{cip};1"
        for k, (p, (d, cip)) in enumerate(
            zip(
                _s,
                [
                    ("EMTRICITABINE/TENOFOVIR 200/245", "3400930055445"),
                    ("METHADONE AP-HP 60MG SIROP", "3400935599807"),
                    ("DOLIPRANE 1000MG", "3400935955838"),
                    ("SUBUTEX 8MG", "3400934552885"),
                    ("INSULINE LANTUS SOLOSTAR", "3400936233359"),
                    ("VENTOLINE 100UG", "3400930003781"),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "nd"),
    ["health"],
)
_p = PEOPLE[20]
case(
    "pharmacy_ticket_text",
    f"""PHARMACIE DU MARCHÉ — 4 place de la Mairie 94000 Créteil
FACTURE N° 2024-031577        15/03/2024 10:22
Assuré : {_p.last.upper()} {_p.first}   NIR : {spaced_nir(_p.nir)}
Bénéficiaire : idem   Né(e) le : {fr_date(_p.dob)}
Prescripteur : Dr AUBERT — RPPS {_rpps(1)}
-----------------------------------------------
TRUVADA 200MG/245MG CPR 30       1   PrEP
PRESERVATIFS x12                 1
-----------------------------------------------
Part AMO 100% — Part AMC 0,00 — Reste à charge 0,00""",
    {("nir", _p.nir), ("dob", _p.dob), ("rpps", _rpps(1))},
    ["health"],
)

# ================================================================ insurers and social offices

_s = _sl(16, 6)
case(
    "mutuelle_tiers_payant_no_art9",
    "num_adherent;code_amc;nir_assure;rang_beneficiaire;nom;prenom;date_naissance;iban_prelevement;email\n"
    + "\n".join(
        f"AD{_digits(k, 'adh', 8)};{_digits(k, 'amc', 9)};{p.nir};0{1 + k % 3};{p.last};{p.first};{p.dob};{p.iban};{p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ndie"),
)
_s = _sl(22, 6)
case(
    "mutuelle_remboursements_ald",
    "date_soins;assure;nir;acte;exo;montant_rembourse\n"
    + "\n".join(
        f"0{1 + k}/02/2024;{p.first} {p.last};{spaced_nir(p.nir)};{a};{x};{12.5 + k * 3:.2f}"
        for k, (p, (a, x)) in enumerate(
            zip(
                _s,
                [("C", "ALD 7"), ("PHARMA", "ALD 30"), ("C", ""), ("K 20", "ALD 23"), ("PHARMA", "ALD 8"), ("C", "")],
                strict=True,
            )
        )
    ),
    ids(_s, "n"),
    ["health"],
)
_s = _sl(28, 6)
case(
    "caf_allocataires_aah",
    "N° allocataire;NIR;Nom;Prénom;Date de naissance;Prestations;IBAN\n"
    + "\n".join(
        f"{_digits(k, 'caf', 7)};{p.nir};{p.last};{p.first};{fr_date(p.dob)};{pr};{p.iban}"
        for k, (p, pr) in enumerate(zip(_s, ["RSA, APL", "AAH", "AF, ARS", "PPA", "AAH, APL", "AEEH"], strict=True))
    ),
    ids(_s, "ndi"),
    ["health"],
)
_s = _sl(34, 6)
case(
    "france_travail_rqth",
    "identifiant;nir;nom;prenom;date_naissance;telephone;email;rqth;observations\n"
    + "\n".join(
        f"{_digits(k, 'ft', 7)}{'ABCDEF'[k]};{p.nir};{p.last};{p.first};{p.dob};{_compact(p.mobile)};{p.email};{'oui' if k % 2 else 'non'};{['', 'travailleur handicapé, reconnaissance MDPH', '', 'RQTH – lombalgie chronique', '', 'suivi Cap emploi'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ndpe"),
    ["health"],
)
_s = _sl(5, 5)
case(
    "cmu_c_css_beneficiaries_no_art9",
    "Liste des bénéficiaires CSS (ex-CMU-C) au 01/01/2024\nNIR;Nom;Prénom;Date naissance;Droit\n"
    + "\n".join(
        f"{p.nir};{p.last};{p.first};{fr_date(p.dob)};{['CSS gratuite', 'CSS participative', 'CMU-C', 'CSS gratuite', 'AME'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
)

# ================================================================ a hospital's HR file

_s = _sl(1, 6)
case(
    "hospital_hr_mandats_fr",
    "Matricule;NIR;Nom;Prénom;Né le;Service;IBAN;Mandat;Observations\n"
    + "\n".join(
        f"{100420 + k};{p.nir};{p.last.upper()};{p.first};{fr_date(p.dob)};{sv};{p.iban};{m};{o}"
        for k, (p, (sv, m, o)) in enumerate(
            zip(
                _s,
                [
                    ("Urgences", "Délégué CGT", ""),
                    ("Pharmacie", "", "temps partiel thérapeutique"),
                    ("Pédiatrie", "Élue FO au CSE", ""),
                    ("Bloc", "", ""),
                    ("Cardiologie", "Déléguée syndicale SUD Santé", "mi-temps thérapeutique"),
                    ("Cuisine", "", ""),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "ndi"),
    ["trade_union", "health"],
)
_s = _sl(7, 5)
case(
    "hospital_hr_payroll_en",
    "employee_id\tname\tdob\tni_number_fr\tbank_iban\tunion_dues\tleave_reason\n"
    + "\n".join(
        f"E{7700 + k}\t{p.first} {p.last}\t{p.dob}\t{p.nir}\t{p.iban}\t{d}\t{r}"
        for k, (p, (d, r)) in enumerate(
            zip(
                _s,
                [("UNISON 12.40", ""), ("", "maternity"), ("CFDT 9.80", ""), ("", "cancer treatment"), ("", "")],
                strict=True,
            )
        )
    ),
    ids(_s, "ndi"),
    ["trade_union", "health"],
)

# ================================================================ schools: ENT, PAI, canteen

_s = _sl(3, 5)
case(
    "ent_parents_pai",
    "Élève;Classe;Né(e) le;Responsable légal;Tél. responsable;Mail responsable;PAI\n"
    + "\n".join(
        f"{p.last.upper()} {['Lina', 'Noah', 'Jade', 'Adam', 'Rose'][k]};CM{1 + k % 2};{fr_date(f'201{4 + k}-0{1 + k}-1{k}')};{p.first} {p.last.upper()};{fr_spaced(p.mobile)};{p.email};{pai}"
        for k, (p, pai) in enumerate(
            zip(
                _s,
                [
                    "allergie arachide – stylo Anapen",
                    "",
                    "diabète de type 1 (pompe à insuline)",
                    "",
                    "épilepsie – Buccolam",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "pe") | {("dob", f"201{4 + k}-0{1 + k}-1{k}") for k in range(5)},
    ["health"],
)
_s = _sl(9, 6)
case(
    "cantine_regimes_religieux",
    "nom_enfant;classe;parent;tel_parent;email_parent;regime\n"
    + "\n".join(
        f"{p.last} {['Ayoub', 'Sarah', 'Ilan', 'Maryam', 'Tom', 'Esther'][k]};6e{'ABCDEF'[k]};{p.first} {p.last};{_compact(p.mobile)};{p.email};{['halal', 'standard', 'casher', 'halal', 'végétarien', 'casher'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    ["religion"],
)

# ================================================================ hospital wards: meals, transfusion, consent

_s = _sl(15, 5)
case(
    "hospital_meal_orders",
    "SERVICE CARDIOLOGIE — commandes repas du 15/03\nChambre | Patient | Né(e) le | Régime | Remarque\n"
    + "\n".join(
        f"{214 + k} | {p.last.upper()} {p.first} | {fr_date(p.dob)} | {r} | {rm}"
        for k, (p, (r, rm)) in enumerate(
            zip(
                _s,
                [
                    ("casher", "pas de laitage avec viande"),
                    ("halal", ""),
                    ("sans sel", "insuffisance cardiaque"),
                    ("diabétique", ""),
                    ("normal", ""),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "d"),
    ["religion", "health"],
)
_s = _sl(20, 4)
case(
    "transfusion_refusals_register",
    "Registre refus de soins — Hématologie\n"
    + "\n".join(
        f"- {p.first} {p.last} ({fr_date(p.dob)}, NIR {p.nir}) : {t}"
        for p, t in zip(
            _s,
            [
                "Témoin de Jéhovah, refuse transfusion de produits sanguins labiles, accepte EPO",
                "TJ — refus CGR/PFC, attestation signée",
                "refuse transfusion (convictions religieuses, Témoins de Jéhovah)",
                "refus de transfusion pour raisons personnelles",
            ],
            strict=True,
        )
    ),
    ids(_s, "dn"),
    ["religion", "health"],
)
_s = _sl(24, 4)
case(
    "ramadan_insulin_notes",
    "\n".join(
        f"{p.last.upper()} {p.first} — {fr_date(p.dob)} — {fr_spaced(p.mobile)} — {n}"
        for p, n in zip(
            _s,
            [
                "musulman pratiquant, jeûne du Ramadan : adapter insuline basale",
                "DT2, souhaite jeûner pendant le Ramadan, éducation hypoglycémie",
                "pratique le jeûne de Kippour, décaler glycémie",
                "pas de jeûne",
            ],
            strict=True,
        )
    ),
    ids(_s, "dp"),
    ["religion", "health"],
)

# ================================================================ sexual health: CeGIDD, blood donation, gender clinic

_s = _sl(30, 6)
case(
    "cegidd_consultations",
    "date;consultant;ne_le;tel;orientation;depistage_vih;syphilis;prep\n"
    + "\n".join(
        f"2024-03-1{k};{p.first} {p.last[0]}.;{p.dob};{_compact(p.mobile)};{o};{v};{s};{pr}"
        for k, (p, (o, v, s, pr)) in enumerate(
            zip(
                _s,
                [
                    ("HSH", "neg", "pos", "oui"),
                    ("hétéro", "neg", "neg", "non"),
                    ("bi", "neg", "neg", "oui"),
                    ("FSF", "neg", "neg", "non"),
                    ("HSH", "POS", "neg", "non"),
                    ("hétéro", "neg", "neg", "non"),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "dp"),
    ["sexual_orientation", "health"],
)
_s = _sl(36, 4)
case(
    "blood_donor_file",
    "DONNEUR;NÉ LE;TÉL;GROUPE;STATUT;MOTIF\n"
    + "\n".join(
        f"{p.last.upper()} {p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{g};{s};{m}"
        for p, (g, s, m) in zip(
            _s,
            [
                ("O+", "apte", ""),
                ("A-", "ajourné", "HSH, dernier rapport < 4 mois"),
                ("B+", "ajourné", "voyage zone palu"),
                ("AB+", "apte", ""),
            ],
            strict=True,
        )
    ),
    ids(_s, "dp"),
    ["health", "sexual_orientation"],
)
_s = _sl(38, 3)
case(
    "gender_clinic_hrt",
    "\n".join(
        f"Patient(e) : {p.first} {p.last} — né(e) le {fr_date(p.dob)} — {p.email}\nSuivi : transition {['MtF', 'FtM', 'MtF'][k]}, THS {['œstradiol gel + cyprotérone', 'testostérone énanthate 250 mg/3 sem', 'œstradiol patch'][k]}\n"
        for k, p in enumerate(_s)
    ),
    ids(_s, "de"),
    ["health"],
)
_s = _sl(0, 4)
case(
    "ivg_register_cpef",
    "N° dossier | Patiente | Née le | Portable | Acte | Terme\n"
    + "\n".join(
        f"IVG-24-{110 + k} | {p.first} {p.last} | {fr_date(p.dob)} | {fr_spaced(p.mobile)} | IVG {'médicamenteuse' if k % 2 else 'instrumentale'} | {6 + k} SA"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    ["health"],
)

# ================================================================ nursing homes, dentists, opticians, vaccination

_s = _sl(4, 5)
case(
    "ehpad_residents_gir",
    "Résident;Né(e) le;Chambre;GIR;Contact famille;Tél famille;Traitements\n"
    + "\n".join(
        f"{p.last.upper()} {['Marcelle', 'Roger', 'Yvonne', 'Lucien', 'Paulette'][k]};{fr_date(f'19{30 + k}-0{k + 2}-2{k}')};{101 + k};GIR {1 + k % 4};{p.first} {p.last};{fr_spaced(p.mobile)};{t}"
        for k, (p, t) in enumerate(
            zip(
                _s,
                ["Aricept (Alzheimer)", "Eliquis, Lasilix", "Risperdal", "", "morphine LP, soins palliatifs"],
                strict=True,
            )
        )
    ),
    ids(_s, "p") | {("dob", f"19{30 + k}-0{k + 2}-2{k}") for k in range(5)},
    ["health"],
)
_s = _sl(13, 4)
case(
    "optician_prescriptions",
    "client,naissance,email,portable,OD,OG,remarque\n"
    + "\n".join(
        f"{p.first} {p.last},{fr_date(p.dob)},{p.email},{fr_spaced(p.mobile)},{od},{og},{r}"
        for p, (od, og, r) in zip(
            _s,
            [
                ("-2.25 (-0.50 à 90°)", "-2.00", "glaucome suivi ophtalmo"),
                ("+1.50 add 2.00", "+1.75 add 2.00", ""),
                ("-6.00", "-5.75", "kératocône"),
                ("+0.50", "+0.75", ""),
            ],
            strict=True,
        )
    ),
    ids(_s, "dep"),
    ["health"],
)
_s = _sl(17, 5)
case(
    "vaccination_center_export",
    "nom_usage;prenom;date_naissance;nir;vaccin;rang;date_injection;effet_indesirable\n"
    + "\n".join(
        f"{p.last};{p.first};{p.dob};{p.nir};{v};{r};2023-10-{10 + k};{e}"
        for k, (p, (v, r, e)) in enumerate(
            zip(
                _s,
                [
                    ("Comirnaty XBB.1.5", "D4", ""),
                    ("Efluelda", "1", ""),
                    ("Comirnaty XBB.1.5", "D5", "myocardite suspectée"),
                    ("Prevenar 20", "1", ""),
                    ("Gardasil 9", "2", ""),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "dn"),
    ["health"],
)

# ================================================================ article 9 shorthand alone in a notes column

_s = _sl(21, 8)
case(
    "shorthand_notes_column_fr",
    "nom|prenom|naissance|portable|note\n"
    + "\n".join(
        f"{p.last}|{p.first}|{fr_date(p.dob)}|{_compact(p.mobile)}|{n}"
        for p, n in zip(
            _s,
            ["VIH+", "HSH", "PrEP", "ALD 7", "TJ refus transfu", "CV indétectable", "sero+ depuis 2015", "ATCD IVG x2"],
            strict=True,
        )
    ),
    ids(_s, "dp"),
    ["health", "sexual_orientation", "religion"],
)
_s = _sl(29, 6)
case(
    "shorthand_notes_column_en",
    "name,dob,phone,email,notes\n"
    + "\n".join(
        f"{p.first} {p.last},{p.dob},{p.mobile},{p.email},{n}"
        for p, n in zip(
            _s, ["HIV pos", "MSM", "on PrEP", "LGBTQ+ support group", "JW - no blood", "halal diet"], strict=True
        )
    ),
    ids(_s, "dpe"),
    ["health", "sexual_orientation", "religion"],
)

# ================================================================ PRECISION: the same words and shapes, about no one

neg(
    "has_prep_guideline",
    """Recommandations de bonne pratique — Prophylaxie pré-exposition (PrEP) au VIH
La PrEP par ténofovir disoproxil/emtricitabine (TDF/FTC) est recommandée chez les personnes non infectées
par le VIH à haut risque d'acquisition : hommes ayant des relations sexuelles avec des hommes (HSH) et
personnes trans, usagers de drogues injectables, personnes en situation de prostitution.
Schéma continu : 1 cp/j. Schéma discontinu (HSH uniquement) : 2 cp 2 à 24 h avant, puis 1 cp à H24 et H48.
Surveillance : sérologie VIH (test combiné de 4e génération) à M1 puis tous les 3 mois, créatininémie,
dépistage des IST (syphilis, chlamydia, gonocoque). Le traitement antirétroviral d'une infection VIH relève
de l'ALD 7 ; la PrEP n'ouvre pas droit à l'ALD. Grade B. Validé par le Collège le 12/04/2024.""",
)
neg(
    "drug_leaflet_biktarvy",
    """NOTICE : INFORMATION DE L'UTILISATEUR
Biktarvy 50 mg/200 mg/25 mg, comprimés pelliculés
bictégravir/emtricitabine/ténofovir alafénamide
1. Qu'est-ce que Biktarvy et dans quels cas est-il utilisé ?
Biktarvy est utilisé pour traiter l'infection par le virus de l'immunodéficience humaine de type 1 (VIH-1)
chez les adultes et les adolescents âgés de 12 ans et plus, pesant au moins 35 kg.
2. Ne prenez jamais Biktarvy si vous êtes allergique ... si vous prenez de la rifampicine.
Numéro d'AMM : EU/1/18/1289/001 — CIP 34009 301 459 7 3
Titulaire : Gilead Sciences Ireland UC, Carrigtohill, County Cork, T45 DP77, Irlande.
La dernière date à laquelle cette notice a été révisée est : 03/2024.""",
)
neg(
    "abstract_hiv_msm",
    """Background: Men who have sex with men (MSM) remain disproportionately affected by HIV in France.
Methods: We analysed 2 431 MSM attending 14 CeGIDD sites between 01/01/2019 and 31/12/2022 (ANRS-Prevenir,
NCT03113123). Results: HIV incidence was 1.1 per 100 person-years (95% CI 0.7-1.6); among PrEP users it fell
to 0.06 (0.01-0.21). Bisexual men were less likely to start PrEP (aOR 0.62, 0.45-0.85, p=0.003).
Conclusions: On-demand PrEP is effective. doi:10.1016/S2352-3018(24)00031-7. PMID: 38512345.
Correspondence: Prof. A. Moreau, Hôpital Saint-Louis, Paris.""",
)
neg(
    "mosque_prayer_times",
    """Mosquée de Vénissieux — Horaires des prières — Mars 2025 (Ramadan 1446)
Date       | Fajr  | Chourouq | Dhohr | Asr   | Maghrib | Icha
01/03/2025 | 05:52 | 07:12    | 12:41 | 15:48 | 18:11   | 19:31
02/03/2025 | 05:50 | 07:10    | 12:41 | 15:49 | 18:12   | 19:32
03/03/2025 | 05:48 | 07:08    | 12:41 | 15:50 | 18:14   | 19:34
Jumu'a : khotba à 13h00. Cours d'arabe pour enfants le mercredi 14h-16h.
Iftar collectif tous les samedis, inscriptions à l'accueil.""",
)
neg(
    "synagogue_shabbat_times",
    """Synagogue de la rue Copernic — Horaires des offices
Vendredi 14/03/2025 : allumage des bougies 18h32, Kabbalat Chabbat 18h45
Samedi 15/03/2025 : Chaharit 9h00, Minha 18h15, sortie de Chabbat 19h38
Pourim : lecture de la Méguila jeudi 13/03 à 19h30 et vendredi 14/03 à 7h30.
Cours de Talmud le mardi 20h. Repas casher sur réservation au secrétariat.""",
)
neg(
    "lab_price_list_nabm",
    """Code NABM;Libellé;Cotation;Tarif (€)
1606;Sérologie VIH 1+2 (test combiné Ag/Ac);B 35;9,45
1611;Charge virale VIH-1 (ARN);B 250;67,50
4713;Sérologie syphilis (TT + TNT);B 40;10,80
0552;Hémoglobine glyquée (HbA1c);B 35;9,45
1208;Bêta-HCG quantitative;B 45;12,15
5257;Recherche Chlamydia trachomatis par PCR;B 90;24,30""",
)
neg(
    "ald_list",
    """Liste des affections de longue durée (ALD 30) — article D.322-1 du code de la sécurité sociale
ALD 1 Accident vasculaire cérébral invalidant
ALD 5 Insuffisance cardiaque grave, troubles du rythme graves
ALD 7 Déficit immunitaire primitif grave nécessitant un traitement prolongé, déficit immunitaire acquis grave (VIH)
ALD 8 Diabète de type 1 et diabète de type 2
ALD 23 Affections psychiatriques de longue durée
ALD 30 Tumeur maligne, affection maligne du tissu lymphatique ou hématopoïétique""",
)
neg(
    "cegidd_public_page",
    """CeGIDD du Centre hospitalier — Dépistage gratuit et anonyme
Dépistage du VIH, des hépatites B et C et des IST. Consultations PrEP et TPE (traitement post-exposition).
Accueil sans rendez-vous : lundi, mercredi, vendredi de 9h à 12h et de 14h à 17h.
Public : tous, notamment HSH, personnes trans, travailleuses et travailleurs du sexe.
Résultats remis en main propre, jamais par téléphone. Bâtiment C, 2e étage.""",
)
neg(
    "software_release_notes_medical",
    """Notes de version — logiciel de cabinet v24.3 (15/03/2024)
- Import HPRIM Santé 2.2 : correction des résultats de charge virale VIH tronqués (ticket #10452)
- ALD : la mention « ALD 7 » s'affiche de nouveau sur l'ordonnance bizone
- Agenda : export CSV (date;heure;patient;motif) au format UTF-8
- DMP : alimentation du volet de synthèse médicale (VSM) en CDA R2 N3
- Correctif : le champ « Religion » est retiré de la fiche patient (RGPD, art. 9)
- Version minimale : Windows 10 22H2, SQL Server 2019 CU25 (15.0.4355.3)""",
)
neg(
    "rgpd_article9_course",
    """Module 3 — Les données sensibles (article 9 du RGPD)
Sont interdits, sauf exceptions, les traitements qui révèlent l'origine raciale ou ethnique, les opinions
politiques, les convictions religieuses ou philosophiques, l'appartenance syndicale, ainsi que les données
génétiques, biométriques, les données concernant la santé ou la vie sexuelle ou l'orientation sexuelle.
Exemples : un fichier de patients séropositifs, la liste des adhérents d'un syndicat, un registre de
dons à une mosquée. Exercice : classez les champs suivants : groupe sanguin, religion, mandat CGT, HSH.""",
)
neg(
    "hospital_canteen_menu",
    """Restaurant du personnel — semaine du 11 au 15 mars
Lundi : poulet basquaise (halal) / dahl de lentilles — Mardi : lasagnes / option végétarienne
Mercredi : poisson du jour — Jeudi : couscous (viande halal) — Vendredi : pavé de saumon
Plateaux casher disponibles sur commande 48 h à l'avance (prestataire agréé Beth Din).
Prix : 3,80 € agent, 6,50 € extérieur. Allergènes affichés en caisse.""",
)
neg(
    "cse_election_results_hospital",
    """Élections professionnelles CHU — résultats du 1er tour (CSE central)
Inscrits : 8 412 — Votants : 3 905 — Participation : 46,42 %
CGT : 1 402 voix (37,1 %) — 6 sièges
FO : 1 028 voix (27,2 %) — 4 sièges
SUD Santé : 731 voix (19,3 %) — 3 sièges
CFDT : 618 voix (16,4 %) — 2 sièges
Représentativité : CGT, FO, SUD et CFDT dépassent le seuil de 10 %.""",
)
neg(
    "hiv_stats_by_region_csv",
    "region;annee;decouvertes_vih;dont_hsh;taux_pour_100000;part_prep\n"
    "Île-de-France;2022;1850;742;15.0;0.41\nAuvergne-Rhône-Alpes;2022;412;201;5.1;0.33\n"
    "Provence-Alpes-Côte d'Azur;2022;389;170;7.6;0.29\nGuyane;2022;212;9;73.2;0.05\nOccitanie;2022;301;150;5.0;0.31",
)
neg(
    "support_thread_hprim_import",
    """Sujet : Import HPRIM qui plante sur certains patients
Bonjour, depuis la mise à jour 24.3 l'import des résultats du labo plante sur 3 dossiers (IDs 10452,
10453 et 20871). Message : « Segment P invalide : date de naissance 00000000 ». Les autres passent.
Réponse du support (ticket 2024-031577) : il s'agit d'un bug connu, corrigé en 24.3.1. En attendant,
désactivez l'option « Rapprochement par NIR » dans Paramètres > Laboratoires. Cordialement, le support.""",
)
neg(
    "openapi_patient_example",
    """openapi: 3.0.3
info: {title: API Patients, version: 1.4.0}
components:
  schemas:
    Patient:
      type: object
      required: [nom, prenom, date_naissance]
      properties:
        nom: {type: string, example: DUPONT}
        prenom: {type: string, example: Jean}
        date_naissance: {type: string, format: date, example: "1970-01-01"}
        email: {type: string, format: email, example: jean.dupont@example.com}
        telephone: {type: string, pattern: '^0[1-9](\\d{2}){4}$', example: "06 12 34 56 78"}
        ald: {type: boolean, description: "Vrai si le patient est en ALD (ex. ALD 7 : VIH)"}""",
)
neg(
    "pharmacies_de_garde",
    """Pharmacies de garde — secteur Meaux — week-end du 16 et 17 mars
Samedi 19h - lundi 9h : composez le 32 37 (service audiotel 0,35 €/min) ou rendez-vous sur 3237.fr.
Dimanche : Pharmacie du Marché (4 place de la Mairie) et Pharmacie des Remparts (12 rue du Grand Cerf).
Pour une urgence vitale, appelez le 15 ou le 112.""",
)
neg(
    "vaccination_schedule",
    """Calendrier des vaccinations 2024 — nourrissons
2 mois : DTCaP-Hib-HepB (1re dose), pneumocoque (VPC13), méningocoque B
4 mois : DTCaP-Hib-HepB (2e dose), pneumocoque, méningocoque B
5 mois : méningocoque C — 11 mois : DTCaP-Hib-HepB (rappel), pneumocoque
12 mois : ROR (1re dose), méningocoque B et C — 16-18 mois : ROR (2e dose)
Rattrapage HPV (Gardasil 9) : 11-14 ans 2 doses à 6 mois d'intervalle, 15-19 ans 3 doses.""",
)
neg(
    "bus_timetable",
    """Ligne 12 — Gare routière ↔ CHU Sud — horaires valables du 02/09/2024 au 05/07/2025
Gare routière   06:12 06:42 07:05 07:25 07:45 08:10 08:40
Hôtel de Ville  06:18 06:48 07:12 07:32 07:52 08:17 08:47
Mosquée         06:21 06:51 07:15 07:35 07:55 08:20 08:50
CHU Sud         06:34 07:04 07:29 07:49 08:09 08:34 09:04
Service réduit le 01/05. Info trafic : application mobile ou site du réseau.""",
)
neg(
    "insee_population_table",
    "code_insee;commune;population_2021;superficie_km2;densite\n"
    "77284;Meaux;56084;14.84;3779.2\n59512;Roubaix;98089;13.23;7414.1\n69259;Vénissieux;67129;15.33;4378.9\n"
    "93048;Montreuil;111367;8.92;12485.1\n35238;Rennes;225081;50.39;4466.8\n97411;Saint-Denis;153810;142.79;1077.2",
)
neg(
    "mutuelle_garanties_table",
    """Tableau des garanties 2024 — formule Confort
Consultation généraliste (OPTAM) : 100 % BR + 50 % BR
Hospitalisation : forfait journalier pris en charge, chambre particulière 60 €/jour
Psychologue : 4 séances/an à 30 €
Dentaire prothèses : 300 % BR — Optique : 250 € tous les 2 ans
Tiers payant : présentez votre carte (AMC 123456789) au professionnel de santé.
Cotisation mensuelle : 58,40 € adulte, 24,10 € enfant.""",
)
neg(
    "drug_interactions_table",
    """| Médicament A | Médicament B | Niveau | Conduite à tenir |
|---|---|---|---|
| Biktarvy | Rifampicine | contre-indication | ne pas associer |
| Méthadone | Ritonavir | précaution | surveiller signes de sevrage |
| Lithium | Diurétiques thiazidiques | déconseillé | contrôler la lithémie à J5 |
| Lévothyroxine | Carbonate de calcium | précaution | espacer de 4 h |""",
)
neg(
    "cnil_sanction_news",
    """La CNIL sanctionne un éditeur de logiciel médical : 1,5 million d'euros d'amende
Des données de près de 500 000 personnes, dont des informations sur leur statut VIH, des traitements de
substitution et des notes sur leur orientation sexuelle, étaient accessibles sur Internet depuis 2019.
La délibération n° SAN-2022-009 du 15 avril 2022 relève des manquements aux articles 5, 28 et 32 du RGPD.
L'éditeur a fait appel devant le Conseil d'État.""",
)
neg(
    "ameli_nir_faq",
    """FAQ — Comment lire mon numéro de sécurité sociale ?
Il comporte 13 chiffres suivis d'une clé de 2 chiffres :
- 1er chiffre : 1 pour un homme, 2 pour une femme ;
- 2e et 3e : les deux derniers chiffres de l'année de naissance ; 4e et 5e : le mois ;
- 6e et 7e : le département de naissance (99 si né à l'étranger) ; puis la commune et un numéro d'ordre.
La clé de contrôle se calcule ainsi : 97 moins le reste de la division du numéro par 97.""",
)
neg(
    "medical_conference_program",
    """Journées nationales d'infectiologie — Programme du jeudi 13 juin 2024
08:30-10:00 Session VIH : « PrEP injectable en 2024 » (Pr Moreau, Paris) ; « Vieillir avec le VIH » (Dr Okafor, Lyon)
10:30-12:00 Santé sexuelle des HSH : chemsex et réduction des risques
14:00-15:30 Communications orales O-12 à O-19 — salle Rhône 3A
Inscriptions : 450 € (médecins), 190 € (internes). N° d'organisme de formation 11 75 512 34 75.""",
)

# ================================================================ batch 2: reminders, sick notes, disability files, therapy notes

_s = _sl(3, 5)
case(
    "sms_reminders_log",
    "\n".join(
        f'2024-03-1{k} 08:00:0{k} SMS OK to {p.mobile} : "Bonjour {p.first}, rappel de votre RDV au {c} demain à {9 + k}h. Pour annuler répondez STOP."'
        for k, (p, c) in enumerate(
            zip(
                _s,
                [
                    "CeGIDD (dépistage VIH/IST)",
                    "CMP adultes",
                    "centre PrEP",
                    "cabinet dentaire",
                    "CSAPA (addictologie)",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "p"),
    ["health"],
)
_p = PEOPLE[33]
_siret = luhn("44306184" + "1000", 14)
case(
    "avis_arret_travail_text",
    f"""AVIS D'ARRÊT DE TRAVAIL — Volet 3 (employeur)
Assuré : {_p.last.upper()} {_p.first}   N° d'immatriculation : {spaced_nir(_p.nir)}
Date de naissance : {fr_date(_p.dob)}
Employeur : SAS Transports Brunet, SIRET {_siret}
Arrêt initial du 11/03/2024 au 24/03/2024 inclus. Sorties autorisées sans restriction d'horaire.
Éléments d'ordre médical (volet 1) : épisode dépressif majeur, burn-out professionnel.
Médecin : Dr Aubert, RPPS {_rpps(1)}""",
    {("nir", _p.nir), ("dob", _p.dob), ("siret", _siret), ("rpps", _rpps(1))},
    ["health"],
)
_s = _sl(11, 4)
case(
    "mdph_dossiers_export",
    "n_dossier;demandeur;ne_le;tel;email;droits;taux\n"
    + "\n".join(
        f"MDPH77-{_digits(k, 'mdph', 6)};{p.first} {p.last};{p.dob};{fr_spaced(p.mobile)};{p.email};{d};{t}"
        for k, (p, (d, t)) in enumerate(
            zip(
                _s,
                [
                    ("AAH, CMI invalidité", "80 %"),
                    ("RQTH", "50-79 %"),
                    ("PCH aide humaine", "80 %"),
                    ("AEEH complément 2", "50-79 %"),
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "dpe"),
    ["health"],
)
_s = _sl(26, 3)
case(
    "psychologist_session_notes",
    "\n\n".join(
        f"=== {p.first} {p.last} — née/né le {fr_date(p.dob)} — {p.email} ===\nSéance 12 ({fr_date(f'2024-03-1{k}')}) : {n}"
        for k, (p, n) in enumerate(
            zip(
                _s,
                [
                    "idées suicidaires passives, pas de scénario ; revoir traitement avec le psychiatre",
                    "travail sur le coming out auprès des parents (homosexualité)",
                    "TCA : épisodes de boulimie en baisse",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "de"),
    ["health", "sexual_orientation"],
)

# ---------------------------------------------------------------- the same shapes, about machines and products

neg(
    "redis_monitor_sessions_cache",
    "\n".join(
        [
            '1710498153.412345 [0 127.0.0.1:52344] "GET" "cache:page:/rdv/medecins?specialite=infectiologie"',
            '1710498153.413001 [0 127.0.0.1:52344] "SETEX" "session:9f1c0e5b7d24688a" "3600" "{\\"cart\\":[3400930055445],\\"locale\\":\\"fr\\"}"',
            '1710498153.413512 [0 127.0.0.1:52350] "INCR" "stats:rdv:2024-03-15"',
            '1710498153.414020 [0 127.0.0.1:52350] "HSET" "ratelimit:203.0.113.42" "count" "12" "window" "1710498120"',
        ]
    ),
)
neg(
    "psql_products_table",
    """pharmacie=# SELECT cip13, libelle, prix_ttc, stock FROM produit WHERE libelle ILIKE '%vih%' OR atc LIKE 'J05%';
     cip13     |              libelle               | prix_ttc | stock
---------------+------------------------------------+----------+-------
 3400930055445 | EMTRICITABINE/TENOFOVIR 200/245    |   171.25 |    12
 3400930145931 | BIKTARVY 50/200/25MG CPR           |   712.40 |     4
 3400937891231 | AUTOTEST VIH EXACTO                |    24.90 |    31
(3 rows)""",
)
neg(
    "ics_public_holidays",
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mairie//Jours feries//FR\r\n"
    + "".join(
        f"BEGIN:VEVENT\r\nUID:ferie-{d}@mairie\r\nDTSTART;VALUE=DATE:{d}\r\nSUMMARY:{s}\r\nDESCRIPTION:Mairie fermée. Urgences état civil : 01 64 36 40 00\r\nEND:VEVENT\r\n"
        for d, s in [
            ("20250101", "Jour de l'an"),
            ("20250421", "Lundi de Pâques"),
            ("20250501", "Fête du travail"),
            ("20250529", "Ascension"),
            ("20251225", "Noël"),
        ]
    )
    + "END:VCALENDAR",
)
neg(
    "hl7_vendor_test_message",
    "\r".join(
        [
            "MSH|^~\\&|TESTAPP|TESTFAC|LIS|LAB|20240315102233||ORM^O01|TEST0001|T|2.5",
            "PID|1||TEST123^^^TESTFAC^PI||TEST^PATIENT^A||19000101|U|||1 TEST STREET^^TESTVILLE^^00000||0000000000",
            "ORC|NW|ORD0001",
            "OBR|1|ORD0001||VIH^Serologie VIH 1+2^L",
        ]
    ),
)
neg(
    "kibana_csv_web_logs",
    '"@timestamp","client.ip","url.path","http.response.status_code","user_agent.name"\n'
    '"Mar 15, 2024 @ 10:22:33.000","203.0.113.42","/rdv/creneaux","200","Chrome"\n'
    '"Mar 15, 2024 @ 10:22:35.120","198.51.100.7","/api/patients/10452","403","curl"\n'
    '"Mar 15, 2024 @ 10:22:41.880","192.0.2.200","/static/logo@2x.png","304","Firefox"',
)
neg(
    "mailchimp_campaign_report",
    "Campaign,Sent,Opens,Clicks,Unsubscribes,Top domain\n"
    "Newsletter mars - journée mondiale de lutte contre le VIH,12482,4120,812,37,orange.fr\n"
    "Invitation soirée débat santé des HSH,8412,2905,603,21,gmail.com\n"
    "Rappel vaccination grippe,15003,6120,1480,55,free.fr",
)
neg(
    "wp_options_rows",
    "INSERT INTO `wp_options` (`option_id`, `option_name`, `option_value`, `autoload`) VALUES\n"
    "(1, 'siteurl', 'https://cabinet-exemple.fr', 'yes'),\n(2, 'blogname', 'Cabinet médical des Lilas', 'yes'),\n"
    "(3, 'date_format', 'd/m/Y', 'yes'),\n(4, 'start_of_week', '1', 'yes'),\n(5, 'timezone_string', 'Europe/Paris', 'yes'),\n"
    "(6, 'db_version', '57155', 'yes'),\n(7, 'initial_db_version', '49752', 'yes');",
)
neg(
    "spring_properties_config",
    """server.port=8443
spring.datasource.url=jdbc:postgresql://10.0.4.12:5432/cabinet
spring.datasource.username=cabinet_app
spring.jpa.hibernate.ddl-auto=validate
export.hprim.directory=/srv/hprim/in
export.patient.fields=nom,prenom,ddn,nir,telephone,email,antecedents
sms.sender=CABINET
sms.template.rappel=Bonjour {prenom}, rappel de votre RDV le {date} à {heure}.
logging.level.fr.cabinet=INFO""",
)
neg(
    "ldif_groups_no_people",
    """dn: ou=groups,dc=chsud,dc=local
objectClass: organizationalUnit
ou: groups

dn: cn=infectiologie,ou=groups,dc=chsud,dc=local
objectClass: groupOfNames
cn: infectiologie
description: Service des maladies infectieuses (VIH, hépatites), accès DPI étendu
member: uid=svc-hprim,ou=services,dc=chsud,dc=local
member: uid=svc-dmp,ou=services,dc=chsud,dc=local""",
)
neg(
    "stripe_payouts_csv",
    "id,Amount,Currency,Arrival Date,Status,Bank Last4,Description\n"
    "po_1OtXa2Lk3kq9P0b7,4821.30,eur,2024-03-15,paid,6143,STRIPE PAYOUT\n"
    "po_1OtXa2Lk3kq9P0b8,3977.10,eur,2024-03-18,paid,6143,STRIPE PAYOUT\n"
    "po_1OtXa2Lk3kq9P0b9,5120.00,eur,2024-03-22,in_transit,6143,STRIPE PAYOUT",
)

# ================================================================ insurers' flat files and the INS teleservice

_s = _sl(6, 4)
case(
    "noemie_fixed_width_padded",
    "\n".join(
        f"{'{:<4}'.format('RSP')}{p.nir[:13]} {p.nir[13:]} {p.dob.replace('-', '')} {p.last.upper():<20}{p.first.upper():<15}{'0' + str(k)}{'{:>9}'.format(f'{12.5 + k:.2f}').replace('.', ',')} C  {'ALD' if k % 2 == 0 else '   '}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
    ["health"],
)
_s = _sl(7, 4)
case(
    "noemie_fixed_width_glued",
    "\n".join(
        f"RSP{p.nir}{p.dob.replace('-', '')}{p.last.upper()[:12]:<12}{p.first.upper()[:10]:<10}0001250C" for p in _s
    ),
    ids(_s, "nd"),
)
_s = _sl(8, 3)
case(
    "insi_traits_identite",
    "\n\n".join(
        f"Réponse INSi — statut : identité récupérée\nMatricule INS : {p.nir} (OID 1.2.250.1.213.1.4.8)\nNom de naissance : {p.last.upper()}\nPrénom(s) de naissance : {p.first.upper()}\nSexe : {'F' if p.nir[0] == '2' else 'M'}\nDate de naissance : {p.dob}\nLieu de naissance (code INSEE) : {p.nir[5:10]}"
        for p in _s
    ),
    ids(_s, "nd"),
)
neg(
    "noemie_layout_spec",
    """Norme NOEMIE 580 — enregistrement type 'RSP' (retour de paiement), longueur 128
Position 001-003 : type d'enregistrement (RSP)
Position 004-016 : NIR de l'assuré (13 caractères) ; 017-018 : clé
Position 019-026 : date de naissance du bénéficiaire (AAAAMMJJ, 00000000 si inconnue)
Position 027-038 : nom ; 039-048 : prénom ; 049-052 : rang ; 053-060 : montant (centimes)
Position 061 : code exonération (C = ALD, 3 = maternité, 4 = AT/MP). Exemple de valeur : 0001250C""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "hprim_net_text_block": "an HPRIM NET report (one field a line: number, name, first name, address, birth, NIR, then ****LAB**** RES| lines) gives nothing",
    "lab_results_pdf_text_en": "a lab report's text, 'PATIENT: ... DOB: dd/mm/yyyy Phone: +33...' blocks with HIV results: the last block's birth and phone and the health flag are missed",
    "transfusion_refusals_register": "a register of '- Name (dd/mm/yyyy, NIR ...) : Témoin de Jéhovah, refuse transfusion' lines: three births missed (the NIR and the health flag are found since wave 31)",
    "noemie_fixed_width_padded": "an insurer's NOEMIE-like fixed-width return file (NIR body, key apart, birth AAAAMMJJ, names padded, 'C  ALD') gives nothing",
    "noemie_fixed_width_glued": "the same records with no blank between fields (RSP + NIR + AAAAMMJJ glued, a 23-digit run whose NIR's year and month repeat in the birth): nothing",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 28): a regression fails.
FLOORS = {"recall": 0.89, "precision": 0.99, "art9_recall": 0.78, "art9_precision": 0.93}
globals().update(make_tests(SET, FLOORS))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("7b", "7c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
