# ruff: noqa: E501  (a tool's line is kept whole, as the tool prints it)
"""Blind probe, set 9: the breached vendor's own world (a medical practice's software exports, a lab's
HL7, INS identity traits, a referral in prose) and leaks as analysts see them (diffs, grep, jq, csvkit,
pandas, notebooks, sqlite, Elasticsearch hits, MongoDB extended JSON), with ordinary texts of the same
shapes that hold no one.

Written apart from the detector (wave 30, helper H) from README.md, the docs, the identifiers reference
and the public API only: a new grader with other habits than set 8's writer (other people, other
tools). Sets 9b (identifiers where they hide) and 9c (article 9 in forms not yet tried) import the
people from here. `python -m tests.test_detect_blind_probe_set9` prints the three.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
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

__all__ = ["PEOPLE", "SET", "R", "civ", "compact", "digits", "ids", "ne", "rib_key", "sl", "up"]

SET = Probe("9")
case = SET.case
neg = SET.negative


@dataclass(frozen=True)
class R:
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
    sex: str  # F / M


_FIRST = ["Aurélien", "Maëlys", "Corentin", "Sidonie", "Baptiste", "Héloïse", "Loïc", "Armelle", "Quentin", "Bérénice", "Timothée", "Clémence", "Mathis", "Solène", "Enzo", "Rozenn", "Florent", "Inès", "Gaël", "Margaux", "Yasmine", "Cédric", "Lucie", "Hugo", "Salomé", "Théo", "Apolline", "Nathan", "Zoé", "Pierrick"]  # fmt: skip
_SEX = "MFMFMFMFMFMFMFMFMFMFFMFMFMFMFM"
_LAST = ["Abgrall", "Quéré", "Morvan", "Le Gall", "Caradec", "Bouvier", "Perrin", "Roussel", "Garnier", "Faure", "Benhamou", "Haddad", "Ollivier", "Mercier", "Blanchard", "Giraud", "Lemaire", "Carré", "Barbier", "Arnaud", "Masson", "Duval", "Picard", "Brunet", "Colin", "Roux", "Gautier", "Leclerc", "Renaud", "Aubert"]  # fmt: skip
_DOMAINS = ["wanadoo.fr", "gmail.com", "yahoo.fr", "outlook.fr", "neuf.fr", "bbox.fr", "orange.fr", "aol.com", "free.fr", "laposte.net"]  # fmt: skip
_STREETS = ["rue Jean Jaurès", "boulevard de la Liberté", "impasse des Mouettes", "rue de la Gare", "allée des Tilleuls", "rue Victor Hugo", "avenue de la République", "rue du Port", "chemin de Kerhallet", "rue Pasteur"]  # fmt: skip
_CITIES = [("Quimper", "29000", "29"), ("Lorient", "56100", "56"), ("Angers", "49000", "49"), ("Dijon", "21000", "21"), ("Bastia", "20200", "2B"), ("Saint-Denis", "97400", "974"), ("Metz", "57000", "57"), ("Perpignan", "66000", "66"), ("Rouen", "76000", "76"), ("Clermont-Ferrand", "63000", "63")]  # fmt: skip


def _ascii(s: str) -> str:
    return s.translate(str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")).lower().replace(" ", "").replace("-", "")


def digits(i: int, salt: str, n: int) -> str:
    h = hashlib.sha256(f"set9{salt}{i}".encode()).hexdigest() * 2
    return "".join(str(int(c, 16) % 10) for c in h)[:n]


def rib_key(bank: str, branch: str, account: str) -> str:
    """The French (and Monaco) RIB key."""
    acc = int("".join(c if c.isdigit() else "12345678912345678923456789"[ord(c.upper()) - 65] for c in account))
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * acc) % 97:02d}"


def _person(i: int) -> R:
    first, last = _FIRST[i % 30], _LAST[(i * 11) % 30]
    sep = ["-", ".", "", "_", "."][i % 5]
    email = f"{_ascii(first)}{sep}{_ascii(last)}{'' if i % 3 else 70 + i}@{_DOMAINS[(i * 3) % 10]}"
    mobile = e164(f"06{'2345678'[i % 7]}{digits(i, 'tel', 7)}" if i % 4 else f"07{5 + i % 5}{digits(i, 'tel', 7)}")
    y, m, d = 1944 + (i * 13) % 62, 1 + (i * 5) % 12, 1 + (i * 17) % 28
    city, zc, dept = _CITIES[i % 10]
    dept2 = dept if len(dept) == 2 else "97"
    commune = digits(i, "com", 3) if len(dept) == 2 else "4" + digits(i, "com", 2)
    sex = _SEX[i]
    body = f"{1 if sex == 'M' else 2}{y % 100:02d}{m:02d}{dept2}{commune}{digits(i, 'ord', 3)}"
    bank = ["30002", "10278", "13807", "14505", "30066", "11315", "16807"][i % 7]
    gui, acc = digits(i, "gui", 5), digits(i, "acc", 11)
    card = luhn(["4973", "5131", "4556", "5300"][i % 4] + digits(i, "card", 11), 16)
    return R(first, last, email, mobile, f"{y}-{m:02d}-{d:02d}", nir(body),
             iban("FR", f"{bank}{gui}{acc}{rib_key(bank, gui, acc)}"),
             card, f"{2 + (i * 7) % 80} {_STREETS[i % 10]}", city, zc, sex)  # fmt: skip


PEOPLE = [_person(i) for i in range(30)]
ids = person_ids  # (e mail, p mobile, d birth, n NIR, i IBAN, c card)


def sl(a: int, n: int) -> list[R]:
    """n people from a (wrapping)."""
    return [PEOPLE[(a + k) % 30] for k in range(n)]


def compact(e: str) -> str:
    return "0" + e[3:]


def up(s: str) -> str:
    return s.upper()


def civ(p: R) -> str:
    return "M." if p.sex == "M" else "Mme"


def ne(p: R) -> str:
    return "né" if p.sex == "M" else "née"


# ================================================================ the vendor's world: a practice's software

_s = sl(0, 6)
_motifs = [
    "Suivi HTA",
    "Renouvellement insuline",
    "Résultats HbA1c",
    "Suivi grossesse 5e mois",
    "Infiltration genou",
    "Bilan thyroïde",
]
case(
    "agenda_export_csv_week_of_appointments",
    "Date RDV;Heure;Durée;Praticien;Civilité;Nom;Prénom;Né(e) le;Portable;Email;Motif;Statut\n"
    + "\n".join(
        f"{fr_date(f'2026-12-0{1 + k // 2}')};{9 + k}:{'00' if k % 2 else '30'};15;Dr MORVAN;{civ(p)};{up(p.last)};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email};{_motifs[k]};{'Honoré' if k % 3 else 'Excusé'}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
    {"health"},
)
_s = sl(6, 3)
case(
    "ordonnances_bizone_pdf_text_three_pages",
    "\f".join(
        f"""Dr Hélène MORVAN — Médecin généraliste
RPPS 10101977420 — 14 rue Pasteur 29000 Quimper — Tél. cabinet 02 98 95 40 40
                                                      Quimper, le {fr_date(f"2026-11-2{k}")}
{civ(p)} {up(p.last)} {p.first}          Né(e) le {fr_date(p.dob)}
N° SS : {spaced_nir(p.nir)}
------------------------------------------------------------
Prescriptions relatives au traitement de l'affection de longue durée reconnue (ALD)
  METFORMINE 1000 mg : 1 cp matin et soir, 3 mois
  INSULINE GLARGINE 100 UI/ml : 18 UI le soir, 3 mois
------------------------------------------------------------
Prescriptions SANS RAPPORT avec l'affection de longue durée
  PARACETAMOL 1 g : si douleur, max 3/j
                                                      Page 1/1"""
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
    {"health"},
    maybe={("phone", e164("0298954040"))},  # the practice's own line, on every page
)
_s = sl(9, 5)
case(
    "vitale_card_reads_software_log",
    "\n".join(
        f'[2026-11-30 0{8 + k}:{12 + k * 7}:0{k}] INFO  SesamVitale: LECTURE CV OK lecteur=TLA-3 bénéficiaire="{up(p.last)} {p.first}" nir={p.nir[:13]} cle={p.nir[13:]} naissance={p.dob.replace("-", "")} rang=1 regime=01 caisse=291 ald=non'
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
)
_s = sl(14, 3)
case(
    "noemie_rejects_explained_in_a_support_mail",
    f"""Objet : rejets NOEMIE du lot 2026-11-27, 3 FSE refusées
Bonjour le support,

Depuis la mise à jour, trois feuilles de soins du lot 4471 reviennent en rejet. Les patients :
- {civ(_s[0])} {_s[0].first} {up(_s[0].last)}, {ne(_s[0])} le {fr_date(_s[0].dob)}, n° sécu {spaced_nir(_s[0].nir)} : code 2B7 « droits fermés », pourtant la carte Vitale est à jour ;
- {civ(_s[1])} {_s[1].first} {up(_s[1].last)}, {ne(_s[1])} le {fr_date(_s[1].dob)}, n° sécu {spaced_nir(_s[1].nir)} : code A12 « bénéficiaire inconnu » ;
- {civ(_s[2])} {_s[2].first} {up(_s[2].last)}, {ne(_s[2])} le {fr_date(_s[2].dob)}, n° sécu {spaced_nir(_s[2].nir)} : même rejet 2B7.
Pouvez-vous regarder ? Je peux vous envoyer les fichiers B2 si besoin.
Cordialement, Corinne, secrétaire du cabinet""",
    ids(_s, "nd"),
)
_s = sl(17, 6)
case(
    "patient_list_printed_to_pdf_columns",
    "                         CABINET MÉDICAL DU PORT — LISTE DES PATIENTS (médecin traitant)\n"
    "                                   Édité le 30/11/2026 — page 1/212\n\n"
    "Nom                    Prénom        Né(e) le     N° sécurité sociale       Téléphone\n"
    + "\n".join(
        f"{up(p.last):<22} {p.first:<13} {fr_date(p.dob)}   {spaced_nir(p.nir):<25} {fr_spaced(p.mobile)}" for p in _s
    ),
    ids(_s, "dnp"),
)
_s = sl(23, 3)
case(
    "mutuelle_attestation_family_beneficiaries",
    f"""ATTESTATION DE TIERS PAYANT — MUTUELLE DES PAYS DE L'ADOUR
Valable du 01/01/2026 au 31/12/2026 — N° AMC 442271893 — Adhérent n° 00871245
Assuré principal : {civ(_s[0])} {up(_s[0].last)} {_s[0].first}
N° de sécurité sociale : {spaced_nir(_s[0].nir)}
Adresse : {_s[0].street}, {_s[0].zip} {_s[0].city}

Bénéficiaires        Date de naissance   Rang   NIR
{up(_s[0].last)} {_s[0].first:<14} {fr_date(_s[0].dob)}          1      {_s[0].nir}
{up(_s[1].last)} {_s[1].first:<14} {fr_date(_s[1].dob)}          1      {_s[1].nir}
{up(_s[2].last)} {_s[2].first:<14} {fr_date(_s[2].dob)}          2      {_s[0].nir}

Pharmacie PH7 100 % — Optique OPT 300 € — Dentaire DEN 250 %""",
    ids(_s[:2], "nd") | ids(_s[2:], "d"),
)
_s = sl(26, 3)
case(
    "lab_hl7_oru_pid_ins_hba1c",
    "\r".join(
        line
        for k, p in enumerate(_s)
        for line in (
            f"MSH|^~\\&|SIL_BIOLAB|LABO_ARMOR|DPI|CABINET|20261130{10 + k}2200||ORU^R01^ORU_R01|MSG{88120 + k}|P|2.5|||||FRA|UNICODE UTF-8",
            f"PID|1||{44120 + k}^^^LABO_ARMOR^PI~{p.nir}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||{up(p.last)}^{up(p.first)}^^^^^L||{p.dob.replace('-', '')}|{p.sex}|||{p.street}^^{p.city}^^{p.zip}^FRA||^PRN^CP^^^^^^^^^{compact(p.mobile)}~^NET^Internet^{p.email}",
            f"OBR|1||B{7710 + k}|HBA1C^Hémoglobine glyquée^L|||20261129083000",
            f"OBX|1|NM|4548-4^HbA1c^LN||{7 + k}.{k + 2}|%|4.0-6.0|H|||F",
            "NTE|1||Diabète de type 2 déséquilibré, contrôle dans 3 mois",
        )
    ),
    ids(_s, "ndpe"),
    {"health"},
)
_s = sl(1, 4)
case(
    "ins_identity_traits_json_answers",
    json.dumps(
        [
            {
                "matriculeINS": {"valeur": p.nir, "oid": "1.2.250.1.213.1.4.8", "type": "NIR"},
                "nomNaissance": up(p.last),
                "prenomsActeNaissance": f"{p.first} Marie" if p.sex == "F" else f"{p.first} Jean",
                "premierPrenom": p.first,
                "sexe": p.sex,
                "dateNaissance": p.dob,
                "lieuNaissance": p.nir[5:10],
                "statutIdentite": "INS qualifiée",
            }
            for p in _s
        ],
        ensure_ascii=False,
        indent=2,
    ),
    ids(_s, "nd"),
)
_p = PEOPLE[5]
case(
    "gp_referral_letter_prose_cardiology",
    f"""Dr Armelle Lemaire, médecin généraliste à Lorient
à Dr Faure, cardiologue

Cher confrère,
Je vous adresse {civ(_p)} {_p.first} {up(_p.last)}, {ne(_p)} le {fr_date(_p.dob)} (NIR {spaced_nir(_p.nir)}), que vous pouvez joindre au {fr_spaced(_p.mobile)} ou par mail à {_p.email}, pour avis concernant une fibrillation atriale paroxystique découverte sur un Holter. Elle est sous apixaban depuis octobre.
Bien confraternellement.""",
    ids([_p], "dnpe"),
    {"health"},
)
_s = sl(10, 5)
_spec = ["psychiatre", "psychiatre", "addictologue", "psychiatre", "addictologue"]
case(
    "sms_reminders_export_csv_specialist",
    "date_envoi,destinataire,message,statut\n"
    + "\n".join(
        f'2026-11-2{k} 18:00:0{k},{p.mobile},"Bonjour {p.first}, rappel de votre RDV le {2 + k}/12 à 1{k}h avec le Dr Giraud ({_spec[k]}), CMP de Lorient. Répondre STOP pour annuler.",DELIVRD'
        for k, p in enumerate(_s)
    ),
    ids(_s, "p"),
    {"health"},
)
_s = sl(15, 4)
case(
    "prescriptions_sql_insert_software_base",
    "-- MySQL dump 10.13  Distrib 8.0.40, for Linux (x86_64)\n-- Host: localhost    Database: medilogiciel\n"
    "INSERT INTO `prescriptions` (`id`,`patient_nir`,`patient_ddn`,`patient_nom`,`medicament`,`posologie`,`date_presc`) VALUES "
    + ",".join(
        f"({5510 + k},'{p.nir}','{p.dob}','{up(p.last)} {p.first}','{['LEVOTHYROX 75', 'SERTRALINE 50', 'TRUVADA', 'LAMICTAL 100'][k]}','1 cp/j','2026-11-1{k}')"
        for k, p in enumerate(_s)
    )
    + ";\n",
    ids(_s, "nd"),
    {"health"},
)
_s = sl(19, 4)
case(
    "duplicate_patients_report_software",
    "RAPPORT DE DOUBLONS POTENTIELS — base patients — 30/11/2026\n"
    "Critère : même nom de naissance + même date de naissance\n\n"
    + "\n".join(
        f"Groupe {k + 1}\n  fiche #{30211 + k}  {up(p.last)} {p.first}  né(e) {fr_date(p.dob)}  tél {fr_spaced(p.mobile)}  créée 2019\n  fiche #{40877 + k}  {up(p.last)} {p.first[:3]}.  né(e) {fr_date(p.dob)}  mail {p.email}  créée 2024\n  → fusion proposée"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
)
_s = sl(24, 5)
case(
    "teleconsultation_invoices_csv",
    "invoice_id,created_at,patient_email,patient_phone,patient_birthdate,act,amount_eur,paid\n"
    + "\n".join(
        f"TC-2026-{90331 + k},2026-11-{10 + k}T1{k}:22:10Z,{p.email},{p.mobile},{p.dob},TCG,30.00,true"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)

# ---------------------------------------------------------------- the vendor's world, nobody in it

neg(
    "medical_software_release_notes",
    """MédiLogiciel 9.4.2 — notes de version (30/11/2026)
- Lecture carte Vitale : prise en charge des lecteurs TLA-3 et de l'appli carte Vitale (ApCV).
- INSi : l'identité passe au statut « INS qualifiée » après appel au téléservice ; OID 1.2.250.1.213.1.4.8.
- Rejets NOEMIE : le code 2B7 (droits fermés) affiche désormais le motif en clair.
- Agenda : export CSV (colonnes Date RDV;Heure;Praticien;Nom;Prénom;Né(e) le;Portable;Email).
- Ordonnance bizone : correction du saut de page quand la partie ALD dépasse 12 lignes.
Support : 02 98 55 21 00 (du lundi au vendredi, 8h-19h).""",
)
neg(
    "medical_software_public_price_list",
    """Tarifs 2027 — MédiLogiciel (prix HT)
Licence cabinet, 1 praticien ............................ 49,00 €/mois
Praticien supplémentaire ................................ 29,00 €/mois
Module SESAM-Vitale 1.40 addendum 8 ..................... inclus
Module agenda en ligne + rappels SMS (500 SMS/mois) ..... 15,00 €/mois
Reprise de données (depuis un autre logiciel) ........... 390,00 € (forfait)
Formation à distance (2 x 2 h) .......................... 180,00 €
Engagement 12 mois, puis résiliable à tout moment. Devis : commercial@medilogiciel.example""",
)
neg(
    "empty_ordonnance_template",
    """Dr ______________________          RPPS : ___________
Adresse du cabinet : __________________________________
                                         Le ___/___/______
Nom : ______________________ Prénom : __________________
Né(e) le : ___/___/______    N° SS : _ __ __ __ ___ ___ __
Poids : ____ kg (enfant)
Prescriptions relatives au traitement de l'affection de longue durée reconnue (ALD)
1. ______________________________________________
Prescriptions SANS RAPPORT avec l'affection de longue durée
1. ______________________________________________
Signature :""",
)
neg(
    "hl7_ack_batch_no_patient",
    "\r".join(
        f"MSH|^~\\&|DPI|CABINET|SIL_BIOLAB|LABO_ARMOR|20261130{10 + k}2201||ACK^R01^ACK|ACK{88120 + k}|P|2.5\rMSA|AA|MSG{88120 + k}|Message accepted"
        for k in range(5)
    ),
)
neg(
    "noemie_reject_codes_reference_table",
    """Codes rejet NOEMIE les plus fréquents (extrait du cahier des charges, version 2026)
Code | Libellé                                   | Action conseillée
2B7  | Droits fermés à la date des soins         | Vérifier l'attestation de droits (ADRi)
A12  | Bénéficiaire inconnu                      | Contrôler le NIR et le rang de naissance
C43  | Acte incompatible avec l'ALD déclarée     | Refacturer hors ALD
P28  | Praticien non conventionné à cette date   | Contacter la CPAM
Les rejets arrivent dans les retours 578 (format B2) sous 48 h ouvrées.""",
)
neg(
    "agenda_free_slots_practitioners_only",
    "Date;Heure;Praticien;Statut;Salle\n"
    + "\n".join(
        f"{fr_date(f'2026-12-0{1 + k // 3}')};{8 + k}:00;Dr {['MORVAN', 'FAURE', 'LEMAIRE'][k % 3]};Libre;Cabinet {1 + k % 2}"
        for k in range(8)
    ),
)
neg(
    "ins_oid_documentation",
    """Identifiant national de santé (INS) — rappel des OID
  1.2.250.1.213.1.4.8   INS-NIR (matricule = NIR de l'individu, 15 caractères)
  1.2.250.1.213.1.4.9   INS-NIA (numéro d'identification d'attente)
  1.2.250.1.213.1.4.10  INS-NIR de test
  1.2.250.1.213.1.4.11  INS-NIA de test
Traits d'identité : nom de naissance, prénom(s) de l'acte de naissance, date de naissance (AAAA-MM-JJ),
sexe (M/F), code lieu de naissance (COG INSEE, 5 caractères, 99xxx pour l'étranger).
Format du matricule : X XX XX XX XXX XXX XX (sexe, année, mois, département, commune, ordre, clé).""",
)
neg(
    "pharmacy_opening_hours_and_duty",
    """Pharmacie du Port — 3 quai de l'Odet, 29000 Quimper — 02 98 95 11 22
Lundi au vendredi : 8h30 - 19h30 ; samedi : 9h00 - 19h00 ; dimanche : fermé.
Pharmacie de garde le dimanche 06/12/2026 : Pharmacie de Kerfeunteun (composer le 3237).
Tests antigéniques sans rendez-vous, vaccination grippe jusqu'au 31/01/2027.""",
)
neg(
    "hospital_public_phone_directory",
    """Centre hospitalier de Cornouaille — annuaire des services (standard 02 98 52 60 60)
Accueil des urgences ................. 02 98 52 60 15
Maternité — salle de naissance ....... 02 98 52 62 40
Consultations de cardiologie ......... 02 98 52 61 87
Pédiatrie ............................ 02 98 52 63 10
Centre de prélèvements ............... 02 98 52 64 02
Facturation / frais de séjour ........ 02 98 52 65 55
Ouvert 24 h/24 ; consultations du lundi au vendredi de 8h30 à 17h.""",
)

# ================================================================ leaks as analysts see them

_old, _new = sl(2, 4), sl(5, 3)
case(
    "diff_unified_two_dump_versions",
    "$ diff -u clients_2026-10.csv clients_2026-11.csv\n"
    "--- clients_2026-10.csv\t2026-10-31 23:10:02.000000000 +0100\n"
    "+++ clients_2026-11.csv\t2026-11-30 23:12:44.000000000 +0100\n"
    "@@ -1,6 +1,7 @@\n"
    " id;nom;prenom;email;mobile;naissance\n"
    + "\n".join(
        f"{'-' if k == 1 else ' '}{1041 + k};{up(p.last)};{p.first};{p.email};{compact(p.mobile)};{fr_date(p.dob)}"
        for k, p in enumerate(_old)
    )
    + "\n"
    + "\n".join(
        f"+{2210 + k};{up(p.last)};{p.first};{p.email};{compact(p.mobile)};{fr_date(p.dob)}" for k, p in enumerate(_new)
    ),
    ids(_old + _new, "epd"),
)
_s = sl(8, 5)
case(
    "grep_recursive_file_line_match",
    "$ grep -rnE ';[0-9]{2}/[0-9]{2}/(19|20)[0-9]{2}$' leak_2026/\n"
    + "\n".join(
        f"leak_2026/{['crm/contacts.csv', 'crm/contacts.csv', 'shop/export_clients.txt', 'old/backup_2019.sql', 'shop/export_clients.txt'][k]}:{1842 + k * 977}:{up(p.last)};{p.first};{p.email};{compact(p.mobile)};{fr_date(p.dob)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(13, 5)
case(
    "jq_compact_objects",
    "$ jq -c '.clients[] | {n: .nom, m: .mail, t: .tel, d: .ddn}' dump.json | head -5\n"
    + "\n".join(
        json.dumps(
            {"n": f"{up(p.last)} {p.first}", "m": p.email, "t": p.mobile, "d": p.dob},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for p in _s
    ),
    ids(_s, "epd"),
)
_s = sl(18, 5)
case(
    "jq_raw_tsv_no_header",
    "$ jq -r '.[] | [.lastname, .firstname, .email, .phone, .birthdate] | @tsv' users.json\n"
    + "\n".join(f"{p.last}\t{p.first}\t{p.email}\t{p.mobile}\t{p.dob}" for p in _s),
    ids(_s, "epd"),
)
_s = sl(23, 5)
_w = (14, 11, 34, 14, 10)
case(
    "csvlook_table",
    "$ csvcut -c nom,prenom,email,portable,date_naissance clients.csv | head -6 | csvlook\n"
    "| "
    + " | ".join(h.ljust(w) for h, w in zip(["nom", "prenom", "email", "portable", "date_naissance"], _w, strict=True))
    + " |\n"
    "| "
    + " | ".join("-" * w for w in _w)
    + " |\n"
    + "\n".join(
        "| "
        + " | ".join(
            v.ljust(w) for v, w in zip([up(p.last), p.first, p.email, compact(p.mobile), p.dob], _w, strict=True)
        )
        + " |"
        for p in _s
    ),
    ids(_s, "epd"),
)
_s = sl(28, 5)
case(
    "pandas_print_elided_rows_index",
    ">>> df = pd.read_csv('patients.csv', sep=';', dtype=str)\n>>> df\n"
    + "          nom     prenom                          email        portable         ddn\n"
    + "\n".join(
        f"{k:<6} {up(p.last):>8} {p.first:>10} {p.email:>30} {compact(p.mobile):>14} {p.dob:>11}"
        for k, p in enumerate(_s[:3])
    )
    + "\n...         ...        ...                            ...             ...         ...\n"
    + "\n".join(
        f"{184310 + k:<6} {up(p.last):>8} {p.first:>10} {p.email:>30} {compact(p.mobile):>14} {p.dob:>11}"
        for k, p in enumerate(_s[3:])
    )
    + "\n\n[184312 rows x 5 columns]",
    ids(_s, "epd"),
)
_s = sl(3, 4)
case(
    "spreadsheet_copy_merged_family_cells",
    "Famille\tMembre\tNé(e) le\tPortable\tCourriel\n"
    + f"{up(_s[0].last)}\t{_s[0].first}\t{fr_date(_s[0].dob)}\t{fr_spaced(_s[0].mobile)}\t{_s[0].email}\n"
    + f"\t{_s[1].first}\t{fr_date(_s[1].dob)}\t{fr_spaced(_s[1].mobile)}\t{_s[1].email}\n"
    + f"\t{_s[2].first}\t{fr_date(_s[2].dob)}\t\t\n"
    + f"{up(_s[3].last)}\t{_s[3].first}\t{fr_date(_s[3].dob)}\t{fr_spaced(_s[3].mobile)}\t{_s[3].email}\n",
    ids(_s, "d") | ids([_s[0], _s[1], _s[3]], "pe"),
)
_s = sl(7, 4)
case(
    "jupyter_notebook_outputs",
    json.dumps(
        {
            "cells": [
                {
                    "cell_type": "markdown",
                    "metadata": {},
                    "source": ["# Exploration du dump cabinet\n", "Premier coup d'œil."],
                },
                {
                    "cell_type": "code",
                    "execution_count": 3,
                    "metadata": {},
                    "source": ["df = pd.read_csv('export_patients.csv', sep=';')\n", "df.head(4)"],
                    "outputs": [
                        {
                            "output_type": "execute_result",
                            "execution_count": 3,
                            "metadata": {},
                            "data": {
                                "text/plain": [
                                    "        nom   prenom                         mail          tel         ddn\n",
                                    *[
                                        f"{k}  {up(p.last):>8} {p.first:>8} {p.email:>28} {compact(p.mobile)} {p.dob}\n"
                                        for k, p in enumerate(_s)
                                    ],
                                ]
                            },
                        }
                    ],
                },
            ],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "epd"),
)
_s = sl(11, 5)
case(
    "sqlite_mode_quote_rows",
    "sqlite> .mode quote\nsqlite> SELECT nom, prenom, email, tel, naissance FROM clients LIMIT 5;\n"
    + "\n".join(
        f"'{up(p.last).replace(chr(39), chr(39) * 2)}','{p.first}','{p.email}','{compact(p.mobile)}','{p.dob}'"
        for p in _s
    ),
    ids(_s, "epd"),
)
_s = sl(16, 4)
case(
    "elasticsearch_search_hits_nested_source",
    json.dumps(
        {
            "took": 7,
            "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {
                "total": {"value": 48213, "relation": "eq"},
                "max_score": 1.0,
                "hits": [
                    {
                        "_index": "crm-clients-2026.11",
                        "_id": f"aZ{k}x9PqBfT0{k}",
                        "_score": 1.0,
                        "_source": {
                            "identite": {"nom": up(p.last), "prenom": p.first, "naissance": p.dob},
                            "contact": {"courriel": p.email, "telephone": {"mobile": fr_spaced(p.mobile)}},
                            "adresse": {"voie": p.street, "cp": p.zip, "ville": p.city},
                        },
                    }
                    for k, p in enumerate(_s)
                ],
            },
        },
        ensure_ascii=False,
    ),
    ids(_s, "epd"),
)
_s = sl(20, 4)
case(
    "mongo_extended_json_canonical_numberlong_dates",
    "\n".join(
        json.dumps(
            {
                "_id": {"$oid": f"6568a1f0c2b{k}4e0012ab34c{k}"},
                "email": p.email,
                "mobile": {"$numberLong": p.mobile[1:]},
                "birth": {
                    "$date": {
                        "$numberLong": str(
                            int(datetime.datetime.fromisoformat(p.dob + "T00:00:00+00:00").timestamp() * 1000)
                        )
                    }
                },
                "createdAt": {"$date": f"2026-11-2{k}T08:00:00Z"},
            },
            separators=(",", ":"),
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = sl(24, 6)
case(
    "wc_then_head_of_a_dump",
    "$ ls -lh\n-rw-r--r-- 1 kali kali 41M Nov 30 23:58 adherents_full.csv\n$ wc -l adherents_full.csv\n312448 adherents_full.csv\n$ head -7 adherents_full.csv\n"
    "NUM_ADH|NOM|PRENOM|DATE_NAISS|NIR|IBAN|EMAIL\n"
    + "\n".join(
        f"{66000 + k}|{up(p.last)}|{up(p.first)}|{p.dob.replace('-', '')}|{p.nir}|{p.iban}|{p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dnie"),
)
_s = sl(0, 5)
case(
    "xsv_table_aligned",
    "$ xsv select 2,3,5,6,8 members.csv | xsv slice -l 5 | xsv table\n"
    "last_name  first_name  email                          mobile        dob\n"
    + "\n".join(f"{p.last:<10} {p.first:<11} {p.email:<30} {p.mobile:<13} {fr_date(p.dob)}" for p in _s),
    ids(_s, "epd"),
)

# ---------------------------------------------------------------- analysts' outputs, nobody in them

neg(
    "sort_uniq_count_email_domains",
    "$ cut -d';' -f4 clients.csv | sed 's/.*@//' | sort | uniq -c | sort -rn | head\n"
    " 48211 orange.fr\n 39002 gmail.com\n 21877 free.fr\n 17320 wanadoo.fr\n  9981 sfr.fr\n  8754 hotmail.fr\n  6120 laposte.net\n  4402 yahoo.fr\n  2290 outlook.fr\n  1187 bbox.fr",
)
neg(
    "pandas_info_and_describe",
    """>>> df.info()
<class 'pandas.core.frame.DataFrame'>
RangeIndex: 184312 entries, 0 to 184311
Data columns (total 6 columns):
 #   Column     Non-Null Count   Dtype
---  ------     --------------   -----
 0   nom        184312 non-null  object
 1   prenom     184309 non-null  object
 2   email      171220 non-null  object
 3   portable   160433 non-null  object
 4   ddn        184001 non-null  datetime64[ns]
 5   nir        183950 non-null  object
dtypes: datetime64[ns](1), object(5)
memory usage: 8.4+ MB
>>> df['ddn'].describe()
count                  184001
mean     1968-07-14 03:11:52
min      1921-01-03 00:00:00
25%      1954-11-20 00:00:00
50%      1969-02-08 00:00:00
75%      1983-06-30 00:00:00
max      2008-12-27 00:00:00
Name: ddn, dtype: object""",
)
neg(
    "notebook_age_band_counts",
    json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": 7,
                    "source": ["df.groupby('tranche_age')['dept'].value_counts().unstack().head()"],
                    "outputs": [
                        {
                            "output_type": "execute_result",
                            "data": {
                                "text/plain": [
                                    "dept            29     56     22     35\n",
                                    "tranche_age                            \n",
                                    "18-24         4120   3377   2210   5012\n",
                                    "25-34         8812   6120   4403   9977\n",
                                    "35-49        12210   9981   6012  13320\n",
                                    "50-64        11002   9120   6677  11870\n",
                                    "65+           9870   8871   7102   9004\n",
                                ]
                            },
                            "metadata": {},
                            "execution_count": 7,
                        }
                    ],
                    "metadata": {},
                }
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    ),
)
neg(
    "grep_count_per_file",
    "$ grep -c '@' leak_2026/*/*.csv\nleak_2026/crm/contacts.csv:48211\nleak_2026/shop/export_clients.csv:120034\nleak_2026/old/backup_2019.csv:6120\n$ grep -c '^0[67]' leak_2026/crm/contacts.csv\n41002",
)
neg(
    "diff_of_a_config_file",
    """$ git diff config/vigie.yaml
diff --git a/config/vigie.yaml b/config/vigie.yaml
index 4e1a2b3..9f0c7d1 100644
--- a/config/vigie.yaml
+++ b/config/vigie.yaml
@@ -12,7 +12,7 @@ crawler:
   concurrency: 4
-  timeout_s: 30
+  timeout_s: 45
   retries: 3
-  user_agent: "Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0"
+  user_agent: "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
   since: 2026-11-01""",
)
neg(
    "elasticsearch_aggregations_only",
    json.dumps(
        {
            "took": 31,
            "timed_out": False,
            "hits": {"total": {"value": 48213, "relation": "eq"}, "max_score": None, "hits": []},
            "aggregations": {
                "par_annee_naissance": {
                    "buckets": [
                        {
                            "key_as_string": f"{y}-01-01",
                            "key": (y - 1970) * 31556952000,
                            "doc_count": 1200 + y % 17 * 31,
                        }
                        for y in (1950, 1960, 1970, 1980, 1990, 2000)
                    ]
                },
                "par_domaine": {
                    "buckets": [
                        {"key": d, "doc_count": 9000 - i * 1234}
                        for i, d in enumerate(["orange.fr", "gmail.com", "free.fr"])
                    ]
                },
            },
        }
    ),
)
neg(
    "mongo_extended_json_product_catalogue",
    "\n".join(
        json.dumps(
            {
                "_id": {"$oid": f"6568b2a1d3c{k}5f0023bc45d{k}"},
                "ean": {"$numberLong": luhn("376" + digits(k, "ean", 9), 13)},
                "label": f"Tensiomètre bras modèle {k}",
                "price": {"$numberDecimal": f"{39 + k}.90"},
                "stock": {"$numberInt": str(12 + k)},
                "updated": {"$date": {"$numberLong": str(1795000000000 + k * 86400000)}},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        for k in range(6)
    ),
)
neg(
    "sqlite_schema_and_counts",
    """sqlite> .schema patients
CREATE TABLE patients (id INTEGER PRIMARY KEY, nom TEXT NOT NULL, prenom TEXT, ddn DATE, nir CHAR(15), tel TEXT, email TEXT);
CREATE INDEX idx_patients_nir ON patients(nir);
sqlite> SELECT count(*), min(ddn), max(ddn) FROM patients;
18431|1921-01-03|2008-12-27
sqlite> SELECT substr(tel,1,2) AS prefixe, count(*) FROM patients GROUP BY 1;
01|2210
02|4877
06|8120
07|3224""",
)

# ================================================================ more analysts' views (second batch)

_s = [p for p in sl(20, 8) if p.last.isascii() and p.first.isascii()][:4]
case(
    "cat_show_all_tabs_and_crlf_markers",
    "$ cat -A export_clients.tsv | head -5\n"
    "id^Inom^Iprenom^Imail^Imobile^Inaissance^M$\n"
    + "\n".join(
        f"{k + 1}^I{up(p.last)}^I{p.first}^I{p.email}^I{compact(p.mobile)}^I{fr_date(p.dob)}^M$"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_a, _b = sl(9, 3), sl(12, 3)
case(
    "comm_lines_unique_to_each_dump",
    "$ comm -3 <(sort membres_2025.csv) <(sort membres_2026.csv)\n"
    + "\n".join(f"{up(p.last)},{p.first},{p.email},{compact(p.mobile)},{fr_date(p.dob)}" for p in _a)
    + "\n"
    + "\n".join(f"\t{up(p.last)},{p.first},{p.email},{compact(p.mobile)},{fr_date(p.dob)}" for p in _b),
    ids(_a + _b, "epd"),
)
_s = sl(2, 3)
case(
    "pandas_wide_frame_wrapped_column_blocks",
    ">>> df.head(3)\n"
    "        nom    prenom                          email  \\\n"
    + "\n".join(f"{k}  {up(p.last):>9} {p.first:>9} {p.email:>30}   " for k, p in enumerate(_s))
    + "\n\n     portable         ddn                         iban  \n"
    + "\n".join(f"{k}  {compact(p.mobile)}  {p.dob}  {p.iban}  " for k, p in enumerate(_s)),
    ids(_s, "epdi"),
)
_s = sl(5, 4)
case(
    "elasticsearch_bulk_ndjson_action_source_pairs",
    "\n".join(
        json.dumps({"index": {"_index": "patients-v2", "_id": str(771 + k)}})
        + "\n"
        + json.dumps(
            {
                "nom": up(p.last),
                "prenom": p.first,
                "email": p.email,
                "tel": fr_spaced(p.mobile),
                "naissance": fr_date(p.dob),
                "nir": p.nir,
            },
            ensure_ascii=False,
        )
        for k, p in enumerate(_s)
    )
    + "\n",
    ids(_s, "epdn"),
)
_s = sl(14, 4)
case(
    "mysql_html_output_one_line",
    '$ mysql --html -e "SELECT nom, prenom, email, tel, date_naissance FROM crm.clients LIMIT 4"\n'
    "<TABLE BORDER=1><TR><TH>nom</TH><TH>prenom</TH><TH>email</TH><TH>tel</TH><TH>date_naissance</TH></TR>"
    + "".join(
        f"<TR><TD>{up(p.last)}</TD><TD>{p.first}</TD><TD>{p.email}</TD><TD>{compact(p.mobile)}</TD><TD>{p.dob}</TD></TR>"
        for p in _s
    )
    + "</TABLE>\n",
    ids(_s, "epd"),
)
_s = sl(18, 4)
case(
    "vendor_data_migration_log_warnings",
    "Reprise de données — ancien logiciel → MédiLogiciel 9 — cabinet Dr Faure — 2026-11-29\n"
    + "\n".join(
        f"[WARN] fiche {12040 + k} {up(p.last)} {p.first} ({fr_date(p.dob)}) : {['clé NIR recalculée', 'portable au format international converti', 'doublon fusionné', 'adresse incomplète'][k]} — NIR {p.nir} — tél {fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    )
    + "\n[INFO] 18 431 fiches importées, 212 avertissements.",
    ids(_s, "dnp"),
)
_s = sl(22, 5)
case(
    "awk_two_columns_email_and_phone",
    "$ awk -F';' 'NR>1 {print $4, $5}' clients.csv | head -5\n"
    + "\n".join(f"{p.email} {compact(p.mobile)}" for p in _s),
    ids(_s, "ep"),
)
_s = sl(27, 3)
_newtel = [e164(f"06{'67'[k % 2]}{digits(k, 'nt', 7)}") for k in range(3)]
case(
    "git_word_diff_phone_changes_in_rows",
    "$ git diff --word-diff clients.csv\n@@ -12,3 +12,3 @@\n"
    + "\n".join(
        f"{up(p.last)};{p.first};{p.email};[-{compact(p.mobile)}-]{{+{compact(_newtel[k])}+}};{fr_date(p.dob)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd") | {("phone", t) for t in _newtel},
)

neg(
    "cat_show_all_hosts_file",
    "$ cat -A /etc/hosts\n127.0.0.1^Ilocalhost$\n127.0.1.1^Ikali$\n10.12.0.5^Idb-prod.clinique.lan^Idb-prod$\n10.12.0.9^Icache.clinique.lan$\n$\n# The following lines are desirable for IPv6 capable hosts$\n::1     ip6-localhost ip6-loopback$",
)
neg(
    "comm_of_installed_package_lists",
    "$ comm -3 <(dpkg-query -W -f='${Package} ${Version}\\n' | sort) <(sort paquets_serveur_b.txt)\n"
    "libssl3 3.0.15-1~deb12u1\nopenssh-server 1:9.2p1-2+deb12u3\n\tlibssl3 3.0.17-1~deb12u2\n\topenssh-server 1:9.2p1-2+deb12u5\n\tpostgresql-15 15.10-0+deb12u1",
)
neg(
    "pandas_wide_frame_sales_stats",
    ">>> ventes.head(3)\n"
    "       magasin        date   ca_ttc  nb_tickets  panier_moyen  \\\n"
    "0   Quimper-01  2026-11-02  1245310        8812        141.32   \n"
    "1    Lorient-02  2026-11-02   987120        7001        141.00   \n"
    "2      Brest-03  2026-11-02  1402255        9920        141.36   \n\n"
    "   ean_top_produit  stock_restant  \n"
    f"0  {luhn('3760' + digits(1, 'e1', 8), 13)}          1204  \n"
    f"1  {luhn('3760' + digits(2, 'e1', 8), 13)}           880  \n"
    f"2  {luhn('3760' + digits(3, 'e1', 8), 13)}          1530  ",
)
neg(
    "elasticsearch_bulk_product_documents",
    "\n".join(
        json.dumps({"index": {"_index": "catalogue", "_id": f"P{k}"}})
        + "\n"
        + json.dumps(
            {
                "ref": f"TENS-{400 + k}",
                "libelle": f"Tensiomètre poignet modèle {k}",
                "prix": 29.9 + k,
                "maj": f"2026-11-0{k + 1}",
            },
            ensure_ascii=False,
        )
        for k in range(5)
    )
    + "\n",
)
neg(
    "mysql_html_server_variables",
    "<TABLE BORDER=1><TR><TH>Variable_name</TH><TH>Value</TH></TR><TR><TD>max_connections</TD><TD>151</TD></TR><TR><TD>innodb_buffer_pool_size</TD><TD>134217728</TD></TR><TR><TD>version</TD><TD>8.0.40-0ubuntu0.24.04.1</TD></TR><TR><TD>time_zone</TD><TD>+01:00</TD></TR></TABLE>",
)
neg(
    "vendor_migration_log_counts_only",
    """Reprise de données — ancien logiciel → MédiLogiciel 9 — 2026-11-29 22:14:07
[INFO] 18 431 fiches patients lues, 18 219 importées.
[WARN] 212 NIR à clé invalide (fiches laissées en statut « identité provisoire »).
[WARN] 1 044 fiches sans date de naissance ; 3 118 sans téléphone portable.
[INFO] Durée : 00:41:52 — rapport détaillé dans reprise_2026-11-29.xlsx (accès réservé au médecin).""",
)

# ================================================================ the same, as attachments


def _sqlite_file(rows: list[R]) -> bytes:
    """A real SQLite database file, as a breached practice's software keeps it."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE TABLE patients (id INTEGER PRIMARY KEY, nom TEXT, prenom TEXT, ddn TEXT, nir TEXT, portable TEXT, email TEXT)"
    )
    con.executemany(
        "INSERT INTO patients (nom, prenom, ddn, nir, portable, email) VALUES (?, ?, ?, ?, ?, ?)",
        [(up(p.last), p.first, p.dob, p.nir, compact(p.mobile), p.email) for p in rows],
    )
    con.commit()
    data = con.serialize()
    con.close()
    return bytes(data)


_s = sl(4, 5)
case("att_sqlite_database_file", _sqlite_file(_s), ids(_s, "dnpe"), filename="cabinet.sqlite")
_s = sl(9, 4)
case(
    "att_ipynb_dataframe_html_output",
    json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": 2,
                    "metadata": {},
                    "source": ["df.head(4)"],
                    "outputs": [
                        {
                            "output_type": "execute_result",
                            "execution_count": 2,
                            "metadata": {},
                            "data": {
                                "text/html": [
                                    '<table border="1" class="dataframe">\n<thead><tr><th></th><th>nom</th><th>email</th><th>tel</th><th>ddn</th></tr></thead>\n<tbody>\n',
                                    *[
                                        f"<tr><th>{k}</th><td>{up(p.last)}</td><td>{p.email}</td><td>{compact(p.mobile)}</td><td>{fr_date(p.dob)}</td></tr>\n"
                                        for k, p in enumerate(_s)
                                    ],
                                    "</tbody>\n</table>",
                                ]
                            },
                        }
                    ],
                }
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        ensure_ascii=False,
    ).encode(),
    ids(_s, "epd"),
    filename="exploration_dump.ipynb",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "sms_reminders_export_csv_specialist": "an SMS gateway's CSV of reminders for appointments with a psychiatrist or addictologist at a CMP: phones found, health not flagged",
    "att_ipynb_dataframe_html_output": "an attached .ipynb whose output is a DataFrame's text/html table (th index, td cells, dd/mm/yyyy births): emails and phones found, every birth missed",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 30): a regression fails.
FLOORS = {"recall": 0.84, "precision": 0.985, "art9_recall": 0.8, "art9_precision": 0.99}
globals().update(make_tests(SET, FLOORS))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("9b", "9c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
