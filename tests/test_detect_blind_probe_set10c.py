# ruff: noqa: E501  (a record's line is kept whole, as it was exported)
"""Blind probe, set 10c: article 9 in the words of set 10's sectors (a telecom's accessibility notes, a
gym's suspensions, a hotel's kosher requests, a pilgrimage agency, a swingers' club, a DNA-ancestry
export, a UK diversity form, canvass returns, an inmate roster, an insurer's HIV question, strikers who
are no union's members), in records and in prose, French and English, and the same vocabulary about no
one: a hospital's services page, a manifesto, prayer times, a dating site's FAQ, a payroll package's
field documentation, statistics tables. Plus ordinary texts shaped like dumps (tracking numbers,
invoices, a ledger, a timetable).

Written apart from the detector (wave 31, helper H), people from set 10.
"""

from __future__ import annotations

import json

from tests.blind_probe_harness import Probe, fr_date, fr_spaced, luhn, make_tests
from tests.test_detect_blind_probe_set10 import compact, digits, ids, sl, up

__all__ = ["SET"]


def _ascii_mail(p: object) -> str:
    first, last = p.first, p.last
    fold = str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")
    return f"{first[0]}.{last}".translate(fold).lower().replace(" ", "")


SET = Probe("10c")
case = SET.case
neg = SET.negative


# ================================================================ article 9 in records: the sectors' own words

_s = sl(0, 4)
case(
    "telecom_customer_notes_accessibility",
    "Ligne;Titulaire;Email;Note conseiller\n"
    + "\n".join(
        f"{compact(p.mobile)};{p.first} {up(p.last)};{p.email};{n}"
        for p, n in zip(
            _s,
            [
                "client sourd profond, contacter uniquement par SMS ou via le relais Rogervoice",
                "souhaite changer d'offre en janvier",
                "cliente malvoyante (cécité), factures en braille demandées",
                "réclamation débit 4G réglée",
            ],
            strict=True,
        )
    ),
    ids(_s, "pe"),
    {"health"},
)
_s = sl(4, 4)
case(
    "gym_membership_freezes_reasons",
    "Adhérent;Email;Mobile;Gel du;Au;Motif du gel;Justificatif\n"
    + "\n".join(
        f"{p.first} {up(p.last)};{p.email};{fr_spaced(p.mobile)};01/1{k}/2026;31/0{k + 1}/2027;{m};{'certificat reçu' if k % 2 == 0 else 'attestation'}"
        for k, (p, m) in enumerate(
            zip(
                _s,
                [
                    "chimiothérapie (cancer du sein)",
                    "mutation professionnelle à Lyon",
                    "grossesse — reprise après accouchement",
                    "rupture des ligaments croisés, opérée",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "ep"),
    {"health"},
)
_s = sl(8, 3)
case(
    "hotel_guest_preferences_kosher_en",
    "Guest profile export — preferences\nName|Email|Mobile|Preferences\n"
    + "\n".join(
        f"{p.first} {p.last}|{p.email}|{p.mobile}|{x}"
        for p, x in zip(
            _s,
            [
                "Kosher breakfast; Shabbat elevator; no check-in Friday after sunset",
                "Feather-free pillows; high floor",
                "Halal room service menu; prayer mat and qibla direction",
            ],
            strict=True,
        )
    ),
    ids(_s, "ep"),
    {"religion"},
)
_s = sl(11, 4)
case(
    "hajj_pilgrimage_agency_passengers",
    "Agence Al-Safa Voyages — Hajj 1448 / 2027 — liste des pèlerins (groupe B)\nN°;Nom;Prénom;Né(e) le;Passeport;Expire le;Portable;Mahram\n"
    + "\n".join(
        f"{k + 1};{up(p.last)};{p.first};{fr_date(p.dob)};{digits(k, 'pp', 2)}AB{digits(k, 'pp2', 5)};{fr_date(f'203{k}-0{k + 2}-1{k}')};{fr_spaced(p.mobile)};{['', 'époux', '', 'fils'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    {"religion"},
)
_s = sl(15, 3)
case(
    "synagogue_bar_mitzvah_register",
    "Communauté israélite de Nîmes — préparation bar/bat mitsva 5787\nJeune;Né(e) le;Paracha;Parent;Tél;Courriel\n"
    + "\n".join(
        f"{['Nathan', 'Léa', 'Samuel'][k]} {up(p.last)};{fr_date(f'2014-0{k + 3}-1{k}')};{['Bereshit', 'Noach', 'Lekh Lekha'][k]};{p.first} {up(p.last)};{fr_spaced(p.mobile)};{p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe") | {("dob", f"2014-0{k + 3}-1{k}") for k in range(3)},
    {"religion"},
)
_s = sl(18, 4)
case(
    "swingers_club_members_roll",
    "Le Boudoir — club libertin — fichier des membres (couples et solos)\nPseudo;Prénom Nom;Mobile;Email;Né(e) le;Statut;Pratiques\n"
    + "\n".join(
        f"{['Duo29', 'Loup_solo', 'CoupleBZH', 'Sylphide'][k]};{p.first} {up(p.last)};{compact(p.mobile)};{p.email};{fr_date(p.dob)};{['couple', 'homme seul', 'couple', 'femme seule'][k]};{['échangisme soft', 'candaulisme', 'échangisme complet', 'triolisme'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pde"),
    {"sex_life"},
)
_s = sl(22, 3)
case(
    "dna_ancestry_export_ethnicity_estimates",
    json.dumps(
        [
            {
                "kit_id": f"A{digits(k, 'kit', 9)}",
                "name": f"{p.first} {p.last}",
                "email": p.email,
                "birth_date": p.dob,
                "haplogroup_paternal": ["E-M81", "R-M269", "J-M267"][k],
                "ethnicity_estimate": [
                    {"region": "North African", "pct": 62},
                    {"region": "Iberian", "pct": 23},
                    {"region": "French", "pct": 15},
                ]
                if k == 0
                else [{"region": "Breton", "pct": 71}, {"region": "Irish", "pct": 29}]
                if k == 1
                else [{"region": "Levantine", "pct": 88}, {"region": "Ashkenazi Jewish", "pct": 12}],
                "raw_data": "rs4477212 AA, rs3094315 AG, rs3131972 GG",
            }
            for k, p in enumerate(_s)
        ],
        indent=1,
    ),
    ids(_s, "ed"),
    {"genetic", "ethnic_origin"},
)
_s = sl(25, 4)
case(
    "uk_diversity_monitoring_returns",
    "Applicant ID,Name,Email,Date of birth,Ethnic group,Religion or belief,Sexual orientation,Disability\n"
    + "\n".join(
        f"APP-{digits(k, 'app', 5)},{p.first} {p.last},{p.email},{fr_date(p.dob)},{e},{r},{o},{d}"
        for k, (p, e, r, o, d) in enumerate(
            zip(
                _s,
                [
                    "Black British - Caribbean",
                    "White - Irish",
                    "Asian British - Pakistani",
                    "Mixed - White and Black African",
                ],
                ["Christian", "No religion", "Muslim", "Prefer not to say"],
                ["Heterosexual", "Gay man", "Heterosexual", "Bisexual"],
                ["No", "Yes - dyslexia", "No", "Yes - Type 1 diabetes"],
                strict=True,
            )
        )
    ),
    ids(_s, "ed"),
    {"ethnic_origin", "religion", "sexual_orientation", "health"},
)
_s = sl(29, 4)
case(
    "uk_canvass_returns_voting_intention",
    "Canvass returns — Ward 7 — Saturday session\nElector no.|Name|Address|Phone|VI|Notes\n"
    + "\n".join(
        f"PD{digits(k, 'el', 4)}|{p.first} {p.last}|{p.street}|{p.mobile}|{v}|{n}"
        for k, (p, v, n) in enumerate(
            zip(
                _s,
                ["LAB", "CON", "LD", "LAB"],
                [
                    "promise, wants a poster",
                    "hostile, Reform-curious",
                    "soft LD, tactical",
                    "party member, will deliver leaflets",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "p"),
    {"political_opinion"},
)
_s = sl(33, 4)
case(
    "us_style_inmate_roster_religious_preference",
    "INMATE ROSTER — HOUSING UNIT C\nBooking #|Last, First|DOB|Religious preference|Diet|Release\n"
    + "\n".join(
        f"{digits(k, 'bk', 7)}|{up(p.last)}, {p.first}|{int(p.dob[5:7])}/{int(p.dob[8:])}/{p.dob[:4]}|{r}|{d}|2027-0{k + 2}-01"
        for k, (p, r, d) in enumerate(
            zip(_s, ["Muslim", "Catholic", "None", "Jewish"], ["Halal", "Regular", "Regular", "Kosher"], strict=True)
        )
    ),
    {("dob", p.dob) for p in _s},
    {"religion"},
    maybe={
        ("dob", f"{p.dob[:4]}-{p.dob[8:]}-{p.dob[5:7]}") for p in _s if int(p.dob[8:]) <= 12
    },  # day first where that is a date too
)
_s = sl(37, 3)
case(
    "life_insurance_application_hiv_answers_en",
    "\n---\n".join(
        f"""Application {digits(k, "pol", 8)} — Term life, £250,000
Applicant: {p.first} {p.last}   DOB: {fr_date(p.dob)}   Email: {p.email}
Q7. Have you ever tested positive for HIV? {["No", "Yes — diagnosed 2018, on antiretroviral therapy", "No"][k]}
Q8. In the last 5 years, have you been treated for anxiety or depression? {["Yes — sertraline 2023-2024", "No", "No"][k]}
Q9. Do you smoke? {["No", "No", "Yes, 10 a day"][k]}"""
        for k, p in enumerate(_s)
    ),
    ids(_s, "de"),
    {"health"},
)
_s = sl(1, 3)
case(
    "mdph_decisions_incapacity_rate",
    "MDPH du Finistère — décisions CDAPH du 26/11/2026\nDossier;Nom;Prénom;Né(e) le;NIR;Taux d'incapacité;Décision\n"
    + "\n".join(
        f"{digits(k, 'mdph', 6)};{up(p.last)};{p.first};{fr_date(p.dob)};{p.nir};{['≥ 80 %', '50 à 79 %', '≥ 80 %'][k]};{['AAH + CMI invalidité', 'RQTH + orientation ESAT', 'PCH aide humaine'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    {"health"},
)
_s = sl(5, 4)
case(
    "strikers_list_no_union_membership",
    "Service paie — salariés grévistes du 05/12/2026 (retenue 1/30e)\nMatricule;Nom;Prénom;N° SS;Heures;Retenue\n"
    + "\n".join(f"00{640 + k};{up(p.last)};{p.first};{p.nir};7;{68 + k * 3},40" for k, p in enumerate(_s)),
    ids(_s, "n"),
)
_s = sl(9, 3)
case(
    "payroll_ssp_reasons_en",
    "Employee,NI number,Email,SSP start,SSP end,Reason\n"
    + "\n".join(
        f"{p.first} {p.last},{['JM', 'PR', 'WE'][k]}{digits(k, 'nino', 6)}{'ABC'[k]},{p.email},2026-11-0{k + 2},2026-11-2{k},{['Stress and depression', 'Miscarriage', 'Back surgery'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "e") | {("national_id", f"GB:{['JM', 'PR', 'WE'][k]}{digits(k, 'nino', 6)}{'ABC'[k]}") for k in range(3)},
    {"health"},
)

# ================================================================ article 9 in prose

_s = sl(12, 1)[0]
case(
    "dox_fr_child_autism_cmp",
    f"""Tout sur {_s.first} {up(_s.last)} (la balance du quartier) :
né le {fr_date(_s.dob)}, habite {_s.street} à {_s.city}, portable {fr_spaced(_s.mobile)}, mail {_s.email}.
Sa fille est suivie au CMP pour autisme le mercredi, vous savez où le trouver.""",
    ids([_s], "dpe"),
    {"health"},
)
_s = sl(13, 1)[0]
case(
    "dox_en_jehovahs_witness_kingdom_hall",
    f"""Name: {_s.first} {_s.last}
DOB: {_s.dob}
Phone: {_s.mobile}
Email: {_s.email}
Notes: Jehovah's Witness, at the Kingdom Hall on Rue Pasteur every Sunday and Thursday evening. Refuses blood.""",
    ids([_s], "dpe"),
    {"religion"},
)
_s = sl(14, 1)[0]
case(
    "dox_fr_party_activist_poster_gluer",
    f"""{_s.first} {up(_s.last)}, {fr_date(_s.dob)}, {_s.email}, {fr_spaced(_s.mobile)}.
Militante Reconquête depuis 2022, elle colle les affiches du parti tous les samedis et tient le stand au marché.""",
    ids([_s], "dep"),
    {"political_opinion"},
)
_s = sl(15, 1)[0]
case(
    "dox_fr_in_couple_with_a_man",
    f"""Le prof de maths : {_s.first} {up(_s.last)}, né le {fr_date(_s.dob)}, {fr_spaced(_s.mobile)}.
Il vit en couple avec un homme depuis 2019 à {_s.city} ({_s.street}).""",
    ids([_s], "dp"),
    {"sexual_orientation"},
)
_s = sl(16, 1)[0]
case(
    "dox_en_unite_shop_steward",
    f"""{_s.first} {_s.last} — {_s.email} — {_s.mobile} — born {_s.dob}.
She is the Unite shop steward at the depot and organised last month's walkout.""",
    ids([_s], "epd"),
    {"trade_union"},
)
_s = sl(17, 1)[0]
case(
    "dox_fr_ivg_clinic",
    f"""{up(_s.last)} {_s.first}, née le {fr_date(_s.dob)}, {_s.email} / {fr_spaced(_s.mobile)} : elle a avorté en octobre à la clinique du Parc (IVG médicamenteuse), son mec ne le sait pas.""",
    ids([_s], "dep"),
    {"health"},
)
_s = sl(18, 1)[0]
case(
    "dox_en_converted_to_islam",
    f"""Target: {_s.first} {_s.last}, {_s.email}, {_s.mobile}, DOB {fr_date(_s.dob)}. Converted to Islam in 2021, prays at the mosque on Avenue Jean Moulin.""",
    ids([_s], "epd"),
    {"religion"},
)

_s = sl(19, 1)[0]
case(
    "dox_en_stroke_wheelchair",
    f"""Found him: {_s.first} {_s.last}, {_s.street}, {_s.city}. Mobile {_s.mobile}, email {_s.email}.
He had a stroke last year and has used a wheelchair since, so he's always home.""",
    ids([_s], "pe"),
    {"health"},
)
_s = sl(20, 1)[0]
case(
    "dox_en_communist_party_member",
    f"""{_s.first} {_s.last} ({_s.email}, {_s.mobile}, b. {fr_date(_s.dob)}) is a paid-up member of the Communist Party and sells the party paper outside the station on Saturdays.""",
    ids([_s], "epd"),
    {"political_opinion"},
)
_s = sl(21, 1)[0]
case(
    "dox_fr_ramadan_practising",
    f"""{up(_s.last)} {_s.first} — {fr_spaced(_s.mobile)} — {_s.email} — née le {fr_date(_s.dob)}
Musulmane pratiquante, elle fait le ramadan et porte le voile depuis l'an dernier.""",
    ids([_s], "ped"),
    {"religion"},
)
_s = sl(22, 4)
case(
    "school_pe_exemptions_medical_reasons",
    "Dispenses d'EPS — 2nde — année 2026-2027\nÉlève;Classe;Né(e) le;Motif (certificat);Durée;Contact famille\n"
    + "\n".join(
        f"{['Inès', 'Hugo', 'Lou', 'Malo'][k]} {up(p.last)};2nde{k + 1};{fr_date(f'2010-{k + 2:02d}-1{k}')};{['scoliose sévère (corset)', 'fracture du poignet', 'cardiopathie congénitale', 'asthme sévère'][k]};{['annuelle', '6 semaines', 'annuelle', 'partielle'][k]};{fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "p") | {("dob", f"2010-{k + 2:02d}-1{k}") for k in range(4)},
    {"health"},
)
_s = sl(26, 4)
case(
    "lycee_chaplaincy_attendance_list",
    "Aumônerie catholique du lycée — inscrits 2026-2027 (retraite de confirmation à Lisieux)\nNom;Prénom;Classe;Parent;Portable parent;Mail parent;Confirmation\n"
    + "\n".join(
        f"{up(p.last)};{['Paul', 'Agathe', 'Côme', 'Bertille'][k]};1re{k + 1};{p.first} {up(p.last)};{fr_spaced(p.mobile)};{p.email};{['oui', 'oui', 'non', 'oui'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    {"religion"},
)
_s = sl(30, 5)
case(
    "cse_election_candidate_lists_by_union",
    "Élections CSE 2026 — collège employés — listes déposées\nListe;Rang;Candidat(e);Matricule;Mail pro;Portable\n"
    + "\n".join(
        f"{['CGT', 'CGT', 'CFDT', 'CFDT', 'SUD'][k]};{k % 2 + 1};{p.first} {up(p.last)};00{830 + k};{_ascii_mail(p)}@transports-riviere.fr;{fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "p") | {("email", f"{_ascii_mail(p)}@transports-riviere.fr") for p in _s},
    {"trade_union"},
)
_s = sl(35, 4)
case(
    "telecare_subscribers_medical_notes",
    "Téléassistance — abonnés secteur Nord\nAbonné;Né(e) le;Tél. domicile;Contact 1;Tél. contact 1;Infos médicales\n"
    + "\n".join(
        f"{['Mme', 'M.', 'Mme', 'M.'][k]} {up(p.last)} {['Yvonne', 'Marcel', 'Germaine', 'René'][k]};{fr_date(f'193{k + 2}-0{k + 4}-0{k + 5}')};02 98 4{k} 1{k} 2{k};{p.first} {up(p.last)};{fr_spaced(p.mobile)};{['diabétique insulino-dépendante', 'pacemaker, anticoagulants', 'Alzheimer stade modéré', 'BPCO sous oxygène'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "p") | {("dob", f"193{k + 2}-0{k + 4}-0{k + 5}") for k in range(4)},
    {"health"},
    maybe={("phone", f"+332984{k}1{k}2{k}") for k in range(4)},
)
_s = sl(2, 3)
case(
    "gay_dating_app_export_hiv_status",
    json.dumps(
        {
            "service": "Grindr — personal data export (GDPR art. 15)",
            "profiles": [
                {
                    "profileId": 5521900 + k,
                    "gender": "Man",
                    "lookingForGender": "Men",
                    "displayName": ["BrestBear", "Tom29", "Discret_Quimper"][k],
                    "email": p.email,
                    "phone": p.mobile,
                    "birthday": p.dob,
                    "lookingFor": ["Chat", "Dates", "Right Now"][k],
                    "hivStatus": ["Negative, on PrEP", "Positive, undetectable", "Negative"][k],
                    "lastTestedDate": f"2026-0{k + 7}-01",
                    "tribes": [["Bear"], ["Geek", "Jock"], ["Discreet"]][k],
                }
                for k, p in enumerate(_s)
            ],
        },
        indent=1,
    ),
    ids(_s, "epd"),
    {"health", "sexual_orientation"},
)

# ---------------------------------------------------------------- people, and the words without article 9 about them

_s = sl(23, 1)[0]
case(
    "dox_fr_nurse_at_cardiology_ward_no_art9",
    f"""{_s.first} {up(_s.last)}, née le {fr_date(_s.dob)}, {fr_spaced(_s.mobile)}, {_s.email}.
Infirmière au CHU, service de cardiologie, de nuit ; elle se gare tous les soirs au parking P3 de l'hôpital.""",
    ids([_s], "dpe"),
)
_s = sl(24, 1)[0]
case(
    "dox_en_political_reporter_no_art9",
    f"""{_s.first} {_s.last} — {_s.email} — {_s.mobile} — born {fr_date(_s.dob)}.
Political reporter at the Gazette; covered the Labour and Conservative conferences and the union strike talks this autumn.""",
    ids([_s], "epd"),
)
_s = sl(27, 4)
case(
    "pharmacy_staff_rota_no_art9",
    "Pharmacie du Marché — planning des gardes décembre\nNom;Fonction;Portable;Mail;Garde\n"
    + "\n".join(
        f"{p.first} {up(p.last)};{['Pharmacienne titulaire', 'Préparateur', 'Pharmacien adjoint', 'Préparatrice'][k]};{fr_spaced(p.mobile)};{p.email};{['05/12', '12/12', '19/12', '26/12'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
)

# ================================================================ the same words about no one

neg(
    "hospital_services_page",
    """Centre hospitalier de Cornouaille — nos services
Cardiologie, oncologie et hématologie, psychiatrie adulte (CMP, hôpital de jour), pédopsychiatrie,
maternité de niveau 2 (IVG médicamenteuse et instrumentale, centre de PMA), infectiologie (CeGIDD,
dépistage VIH et hépatites gratuit et anonyme), addictologie, soins palliatifs.
Standard : 02 98 52 60 60 — Urgences : 15. Prise de rendez-vous en ligne sur le site de l'hôpital.""",
)
neg(
    "party_manifesto_en",
    """Our manifesto for the county elections
We will freeze council tax for two years, reopen the three closed libraries, and put a defibrillator in
every village hall. We stand with the trade unions for fair pay in social care, and we will protect
the right of every faith community to worship freely. Join the Labour Party today: members vote on
our candidates. Canvassing sessions every Saturday at 10am from the Market Street office.""",
)
neg(
    "mosque_prayer_times_table",
    "Horaires des prières — décembre 2026 — Grande Mosquée\nJour;Fajr;Chourouq;Dhohr;Asr;Maghreb;Icha\n"
    + "\n".join(
        f"{d:02d}/12/2026;06:{40 + d % 10:02d};08:{20 + d % 10:02d};12:{40 + d % 5:02d};14:{50 - d % 5:02d};17:0{d % 9};18:3{d % 9}"
        for d in range(1, 11)
    )
    + "\nJoumoua (vendredi) : khotba à 13 h 00.",
)
neg(
    "dating_site_faq_en",
    """Help centre — Your profile
Can I show my sexual orientation? Yes: straight, gay, lesbian, bisexual, pansexual or asexual. You can hide it.
Can I say I'm HIV-positive? You may add your status and the date of your last test; it is never shown in search.
Religion: choose from Christian, Muslim, Jewish, Hindu, Buddhist, Sikh, spiritual, or none.
We never share this with advertisers. Questions? Contact privacy@dating-example.com.""",
)
neg(
    "payroll_package_field_documentation_en",
    """Absence reason codes (table ABSREASON)
SICK   Sickness (self-certified up to 7 days, fit note after)
MAT    Maternity leave (SMP: 39 weeks)
PAT    Paternity leave
MISC   Miscarriage / pregnancy-related sickness (excluded from Bradford factor)
UNION  Trade union duties (paid time off, ACAS code)
RELIG  Religious observance (unpaid or annual leave)
Each employee record holds NI_NUMBER (AA999999A), DOB (YYYY-MM-DD) and one row per absence.""",
)
neg(
    "union_strike_press_release",
    """Communiqué intersyndical CGT, CFDT, FO, SUD — 3 décembre 2026
Les organisations syndicales appellent l'ensemble des salariés du dépôt à la grève le samedi 5 décembre
pour l'ouverture de négociations salariales. Rassemblement à 10 h devant l'entrée principale.
La section CGT tiendra une permanence à la bourse du travail jeudi de 17 h à 19 h.""",
)
neg(
    "diversity_monitoring_blank_form_en",
    """Equal opportunities monitoring form (optional, kept apart from your application)
What is your ethnic group? [ ] White  [ ] Mixed  [ ] Asian or Asian British  [ ] Black or Black British  [ ] Other
What is your religion or belief? [ ] No religion [ ] Christian [ ] Muslim [ ] Jewish [ ] Hindu [ ] Sikh [ ] Other
What is your sexual orientation? [ ] Heterosexual [ ] Gay or lesbian [ ] Bisexual [ ] Prefer not to say
Do you consider yourself to have a disability? [ ] Yes [ ] No""",
)
neg(
    "dna_kit_marketing_page",
    """Découvrez vos origines ! Notre test ADN analyse plus de 700 000 marqueurs et vous donne une estimation
d'origines ethniques parmi 2 600 régions (Maghreb, péninsule Ibérique, Bretagne, Levant, juifs ashkénazes…),
votre haplogroupe paternel et maternel, et vous met en relation avec vos cousins génétiques.
Kit à 59 € jusqu'au 31 décembre, résultats en 4 à 6 semaines.""",
)
neg(
    "hajj_agency_offer_page",
    """Omra et Hajj 2027 — Agence Al-Safa Voyages (agréée par le ministère saoudien)
Formule Hajj confort : 7 490 € par personne, vol direct Paris-Djeddah, hôtel à 300 m du Haram.
Formule Omra Ramadan : 2 290 €. Visa, vaccin méningocoque ACYW obligatoire, accompagnement par un guide.
Renseignements : 01 48 22 10 10, du lundi au samedi.""",
)
neg(
    "swingers_club_rules_page",
    """Le Boudoir — règlement intérieur
Le club est ouvert aux couples le vendredi et le samedi, aux hommes seuls le jeudi uniquement.
L'échangisme se pratique dans le respect : « non » veut dire non. Préservatifs fournis au bar.
Tenue correcte exigée. Entrée 60 € par couple, une boisson comprise.""",
)
neg(
    "insurer_hiv_question_template_en",
    """Medical questions (all applicants)
7. Have you ever tested positive for HIV, hepatitis B or hepatitis C?          Yes / No
8. In the last 5 years, have you been treated for anxiety, depression or any mental illness?  Yes / No
9. Do you smoke or use nicotine products?                                      Yes / No
If you answer Yes, our medical underwriter will contact you. Answers are kept confidential.""",
)
neg(
    "prison_statistics_by_religion",
    """Statistiques de l'administration pénitentiaire — pratiques cultuelles déclarées (échantillon national)
Culte;Personnes détenues;Part
Musulman;18 200;26 %
Catholique;9 800;14 %
Protestant;2 100;3 %
Israélite;350;0,5 %
Aucun culte déclaré;39 550;56,5 %
Aumôniers agréés : 1 760 (dont 250 musulmans).""",
)
neg(
    "census_ethnic_groups_table_en",
    "Ethnic group,Count,Percent\nWhite British,45134686,74.4\nWhite Irish,531087,0.9\nAsian British - Indian,1864318,3.1\nAsian British - Pakistani,1587819,2.7\nBlack British - African,1488381,2.5\nBlack British - Caribbean,623119,1.0\nMixed,1717976,2.9\nOther,1225845,2.1",
)
neg(
    "telecom_accessibility_page",
    """Accessibilité — clients sourds, malentendants, aveugles ou malvoyants
Le service client est joignable gratuitement en visio-LSF, transcription instantanée et langage parlé complété,
du lundi au vendredi de 8 h 30 à 19 h. Factures en braille ou en gros caractères sur simple demande.
Numéro dédié : 0 800 11 22 33 (service et appel gratuits).""",
)
neg(
    "cse_elections_results_page",
    """Résultats des élections CSE du 20 novembre 2026 — collège employés
Inscrits : 412 — Votants : 287 — Participation : 69,7 %
CGT : 118 voix (41,1 %), 3 sièges ; CFDT : 97 voix (33,8 %), 2 sièges ; SUD : 72 voix (25,1 %), 1 siège.
Représentativité : CGT, CFDT et SUD dépassent 10 % et peuvent désigner un délégué syndical.""",
)
neg(
    "telecare_service_brochure",
    """Téléassistance : restez chez vous en toute sécurité
Un médaillon ou un bracelet relié 24 h/24 à notre centre d'écoute. Recommandé aux personnes âgées,
diabétiques, porteuses d'un pacemaker, atteintes de la maladie d'Alzheimer ou d'une BPCO.
Détecteur de chute en option. À partir de 19,90 € par mois, 50 % déductibles des impôts.""",
)
neg(
    "pharmacies_on_duty_public_list",
    "Pharmacies de garde — secteur de Brest — décembre 2026\nDate;Pharmacie;Adresse;Téléphone\n"
    + "\n".join(
        f"{d}/12/2026;Pharmacie {n};{a};02 98 {40 + k} {10 + 7 * k} {20 + 3 * k}"
        for k, (d, n, a) in enumerate(
            [
                ("05", "du Marché", "3 place du Marché 29200 Brest"),
                ("12", "de la Gare", "1 avenue Clemenceau 29200 Brest"),
                ("19", "Saint-Martin", "22 rue de Paris 29200 Brest"),
                ("26", "de Kerinou", "140 rue Robespierre 29200 Brest"),
            ]
        )
    )
    + "\nLa nuit, composez le 3237 pour connaître la pharmacie de garde la plus proche.",
)
neg(
    "gym_freeze_policy_page",
    """Suspendre mon abonnement
Vous pouvez geler votre abonnement de 1 à 6 mois pour raison médicale (blessure, opération, maladie),
grossesse, mutation professionnelle ou chômage. Joignez un certificat médical ou une attestation.
Le gel est gratuit ; les mois gelés s'ajoutent à la fin de votre engagement.""",
)

# ================================================================ shapes of a dump that hold no one

neg(
    "ups_tracking_numbers_list",
    "Expéditions du 03/12 (UPS Standard)\n"
    + "\n".join(
        f"1Z{digits(k, 'ups', 3)}E{digits(k, 'ups2', 2)}68{digits(k, 'ups3', 8)};colis {k + 1}/6;{2.4 + k * 0.7:.1f} kg;livraison prévue 0{5 + k % 3}/12/2026"
        for k in range(6)
    ),
)
neg(
    "invoice_register_numbers_and_dates",
    "Journal des factures — novembre 2026\nN° facture;Date;Client (code);HT;TVA;TTC;Échéance\n"
    + "\n".join(
        f"FA2026-{1100 + k:05d};{fr_date(f'2026-11-{k + 2:02d}')};C{digits(k, 'cli', 5)};{300 + k * 71}.00;{(300 + k * 71) * 0.2:.2f};{(300 + k * 71) * 1.2:.2f};{fr_date(f'2026-12-{k + 2:02d}')}"
        for k in range(10)
    ),
)
neg(
    "fec_accounting_ledger_lines",
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise\n"
    + "\n".join(
        f"VT|Ventes|VT{k + 1:05d}|202611{k + 10}|411000|Clients|C{digits(k, 'aux', 6)}|SARL {['ARMOR ELEC', 'GARAGE DU LEON', 'LE FOURNIL'][k % 3]}|FA2026-{1100 + k:05d}|202611{k + 10}|Facture FA2026-{1100 + k:05d}|{400 + k * 12},00|0,00|||202612{k + 10}||"
        for k in range(8)
    ),
)
neg(
    "bus_timetable",
    "Ligne 12 — Gare SNCF ↔ Zone de Kergaradec — horaires du 01/09/2026 au 04/07/2027\nArrêt;"
    + ";".join(f"{6 + k}:{(k * 17) % 60:02d}" for k in range(8))
    + "\n"
    + "\n".join(
        f"{a};" + ";".join(f"{6 + k}:{(k * 17 + 3 * j) % 60:02d}" for k in range(8))
        for j, a in enumerate(
            ["Gare SNCF", "Liberté", "Saint-Martin", "Hôpital", "Kergaradec Centre", "Kergaradec Nord"]
        )
    ),
)
neg(
    "lottery_results_history",
    "Tirages Loto — historique\nDate;Boule 1;Boule 2;Boule 3;Boule 4;Boule 5;N° chance;Code gagnant\n"
    + "\n".join(
        f"{fr_date(f'2026-11-{2 + 2 * k:02d}')};{3 + k};{12 + k};{21 + k};{33 + k};{40 + k % 9};{1 + k % 10};{'ABCDEFGH'[k]} {digits(k, 'loto', 4)} {digits(k, 'loto2', 4)}"
        for k in range(8)
    ),
)
neg(
    "card_terminal_batch_totals",
    "TPE n° 4471 — télécollecte du 04/12/2026 22:00\nRemise;Nb;Montant;Réf. autorisation;N° contrat\n"
    + "\n".join(
        f"{k + 1};{12 + k};{310 + k * 55},{k}0 €;{digits(k, 'auth', 6)};{luhn('4' + digits(k, 'ctr', 14), 16)[:7]}"
        for k in range(5)
    )
    + "\nTotal : 70 transactions, 1 825,00 €",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "dox_en_stroke_wheelchair": "a one-person dox in English ('Found him: <name>, <street>, <city>. Mobile +33..., email ...', a stroke, a wheelchair): nothing found",
    "school_pe_exemptions_medical_reasons": "a school's PE exemptions (pupil, class, dd/mm/yyyy birth, medical reason, parent's phone): phones and health found, every pupil's birth missed",
    "telecare_subscribers_medical_notes": "a telecare provider's subscribers (birth, home landline, contact's name and mobile, medical notes): births and health found, every contact's mobile missed",
    "us_style_inmate_roster_religious_preference": "an inmate roster ('Booking #|Last, First|DOB M/D/YYYY|Religious preference|Diet|Release', no phone or mail): nothing found, neither births nor religion",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 31): a regression fails.
FLOORS = {"recall": 0.9, "precision": 0.97, "art9_recall": 0.75, "art9_precision": 0.95}
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
