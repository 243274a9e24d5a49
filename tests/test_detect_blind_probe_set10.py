# ruff: noqa: E501  (an export's line is kept whole, as the software wrote it)
"""Blind probe, set 10: other sectors' leaks as their own software exports them (a web shop, a hotel's
guest register, a school, payroll and HR, a telecom, a gym, a dating site, a parish, a town hall's
electoral roll, a prison, a party's CRM, a benefits office, an insurer), with ordinary texts of the same
shapes that hold no one (a shop's catalogue, a carrier's tracking list, a porting-prefix table...).

Written apart from the detector (wave 31, helper H) from README.md, the docs, the identifiers reference
and the public API only: a new grader with other habits than set 9's writer (other sectors, other
people). Sets 10b (formats and identifiers across borders) and 10c (article 9 in those sectors' words,
and precision) import the people from here. `python -m tests.test_detect_blind_probe_set10` prints all three.
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
    grouped,
    iban,
    luhn,
    make_tests,
    nir,
    person_ids,
    spaced_nir,
)

__all__ = ["PEOPLE", "SET", "P", "compact", "digits", "ids", "rib_key", "sl", "up"]

SET = Probe("10")
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
    sex: str
    street: str
    city: str
    zip: str


_FIRST = ["Kévin", "Nadia", "Jérémy", "Samia", "Anthony", "Océane", "Rayan", "Jessica", "Mickaël", "Laetitia", "Dylan", "Sabrina", "Nicolas", "Fatoumata", "Thibault", "Gwenaëlle", "Yanis", "Élodie", "Romain", "Anaïs", "Mehdi", "Audrey", "Julien", "Chloé", "Bastien", "Thi Lan", "Sébastien", "Manon", "Adrien", "Noémie", "Joao", "Marion", "Ludovic", "Aïcha", "Florian", "Coralie", "Grégory", "Ophélie", "Antoine", "Priscilla"]  # fmt: skip
_SEX = "MFMFMFMFMFMFMFMFMFMFMFMFMFMFMFMFMFMFMFMF"
_LAST = ["Lefebvre", "Benali", "Fontaine", "Rodrigues", "Chevalier", "Nguyen", "Boyer", "Lambert", "Da Silva", "Rousseau", "Vincent", "Muller", "Fournier", "Diallo", "Girard", "Le Bihan", "Bonnet", "Dupuis", "Lacroix", "Guerin", "Meunier", "Traoré", "Marchand", "Petitjean", "Hoarau", "Tran", "Kerbrat", "Poulain", "Schmitt", "Cordier", "Pereira", "Laurent", "Hamon", "Belkacem", "Rivière", "Jacquet", "Prévost", "Huet", "Collet", "Payet"]  # fmt: skip
_DOMAINS = ["hotmail.fr", "gmail.com", "sfr.fr", "live.fr", "orange.fr", "icloud.com", "free.fr", "yahoo.com", "protonmail.com", "laposte.net"]  # fmt: skip
_STREETS = ["rue des Lilas", "avenue Jean Moulin", "rue de Verdun", "place du Marché", "rue Émile Zola", "chemin des Vignes", "rue Nationale", "boulevard Gambetta", "rue du Moulin", "résidence Les Pins"]  # fmt: skip
_CITIES = [("Limoges", "87000", "87"), ("Brest", "29200", "29"), ("Valence", "26000", "26"), ("Tours", "37000", "37"), ("Ajaccio", "20000", "2A"), ("Nîmes", "30000", "30"), ("Lens", "62300", "62"), ("Poitiers", "86000", "86"), ("Saint-Pierre", "97410", "974"), ("Mulhouse", "68100", "68")]  # fmt: skip


def _ascii(s: str) -> str:
    return s.translate(str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")).lower().replace(" ", "").replace("-", "")


def digits(i: int, salt: str, n: int) -> str:
    h = hashlib.sha256(f"set10{salt}{i}".encode()).hexdigest() * 2
    return "".join(str(int(c, 16) % 10) for c in h)[:n]


def rib_key(bank: str, branch: str, account: str) -> str:
    acc = int("".join(c if c.isdigit() else "12345678912345678923456789"[ord(c.upper()) - 65] for c in account))
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * acc) % 97:02d}"


def _person(i: int) -> P:
    first, last = _FIRST[i], _LAST[(i * 7) % 40]
    sep = [".", "_", "", "-", "."][i % 5]
    email = f"{_ascii(first)}{sep}{_ascii(last)}{'' if i % 4 else 80 + i}@{_DOMAINS[(i * 7) % 10]}"
    mobile = e164(f"06{'1245678'[i % 7]}{digits(i, 'tel', 7)}" if i % 3 else f"07{6 + i % 4}{digits(i, 'tel', 7)}")
    y, m, d = 1951 + (i * 11) % 55, 1 + (i * 7) % 12, 1 + (i * 13) % 28
    city, zc, dept = _CITIES[i % 10]
    dept2 = dept if len(dept) == 2 else "97"
    commune = digits(i, "com", 3) if len(dept) == 2 else "4" + digits(i, "com", 2)
    sex = _SEX[i]
    body = f"{1 if sex == 'M' else 2}{y % 100:02d}{m:02d}{dept2}{commune}{digits(i, 'ord', 3)}"
    bank = ["20041", "30004", "17515", "12506", "30003", "18206", "10907"][i % 7]
    gui, acc = digits(i, "gui", 5), digits(i, "acc", 11)
    card = luhn(["4970", "5132", "4539", "5555"][i % 4] + digits(i, "card", 11), 16)
    return P(first, last, email, mobile, f"{y}-{m:02d}-{d:02d}", nir(body),
             iban("FR", f"{bank}{gui}{acc}{rib_key(bank, gui, acc)}"), card, sex,
             f"{3 + (i * 9) % 70} {_STREETS[i % 10]}", city, zc)  # fmt: skip


PEOPLE = [_person(i) for i in range(40)]
ids = person_ids  # (e mail, p mobile, d birth, n NIR, i IBAN, c card)


def sl(a: int, n: int) -> list[P]:
    return [PEOPLE[(a + k) % 40] for k in range(n)]


def compact(e: str) -> str:
    return "0" + e[3:]


def up(s: str) -> str:
    return s.upper()


def ean13(twelve: str) -> str:
    return twelve + str((10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(twelve)) % 10) % 10)


def _dotted(e: str) -> str:
    d = compact(e)
    return ".".join(d[i : i + 2] for i in range(0, 10, 2))


# ================================================================ a web shop (PrestaShop, WooCommerce, Magento)

_s = sl(0, 5)
case(
    "prestashop_ps_address_multirow_insert",
    "-- Dumping data for table `ps_address`\nLOCK TABLES `ps_address` WRITE;\n"
    "INSERT INTO `ps_address` (`id_address`, `id_country`, `id_state`, `id_customer`, `id_manufacturer`, `id_supplier`, `id_warehouse`, `alias`, `company`, `lastname`, `firstname`, `address1`, `address2`, `postcode`, `city`, `other`, `phone`, `phone_mobile`, `vat_number`, `dni`, `date_add`, `date_upd`, `active`, `deleted`) VALUES "
    + ",".join(
        f"({1204 + k},8,0,{877 + k},0,0,0,'Mon adresse','','{p.last}','{p.first}','{p.street}','','{p.zip}','{p.city}','','','{compact(p.mobile)}','','','2025-0{k + 1}-1{k} 1{k}:2{k}:0{k}','2026-0{k + 3}-0{k + 1} 09:1{k}:44',1,0)"
        for k, p in enumerate(_s)
    )
    + ";\nUNLOCK TABLES;",
    ids(_s, "p"),
)
_s = sl(5, 4)
case(
    "prestashop_ps_customer_birthday_and_newsletter",
    "INSERT INTO `ps_customer` (`id_customer`,`id_shop_group`,`id_shop`,`id_gender`,`id_default_group`,`id_lang`,`id_risk`,`company`,`siret`,`ape`,`firstname`,`lastname`,`email`,`passwd`,`last_passwd_gen`,`birthday`,`newsletter`,`ip_registration_newsletter`,`newsletter_date_add`,`optin`,`website`,`outstanding_allow_amount`,`show_public_prices`,`max_payment_days`,`secure_key`,`note`,`active`,`is_guest`,`deleted`,`date_add`,`date_upd`) VALUES\n"
    + ",\n".join(
        f"({310 + k},1,1,{1 if p.sex == 'M' else 2},3,1,0,NULL,NULL,NULL,'{p.first}','{p.last}','{p.email}','$2y$10$"
        + hashlib.sha256(p.email.encode()).hexdigest()[:53]
        + f"','2025-11-0{k + 1} 10:00:00','{p.dob}',1,'90.12.{k}.4','2025-11-0{k + 1} 10:02:11',0,NULL,0.000000,0,0,'{hashlib.md5(p.last.encode()).hexdigest()}',NULL,1,0,0,'2025-11-0{k + 1} 10:00:00','2026-10-2{k} 18:00:00')"
        for k, p in enumerate(_s)
    )
    + ";",
    ids(_s, "ed"),
)
_s = sl(9, 4)
case(
    "woocommerce_wp_postmeta_billing_rows",
    "INSERT INTO `wp_postmeta` (`meta_id`, `post_id`, `meta_key`, `meta_value`) VALUES\n"
    + ",\n".join(
        f"({90410 + 8 * k + j}, {5512 + k}, '{key}', '{val}')"
        for k, p in enumerate(_s)
        for j, (key, val) in enumerate(
            [
                ("_billing_first_name", p.first),
                ("_billing_last_name", p.last),
                ("_billing_address_1", p.street),
                ("_billing_city", p.city),
                ("_billing_postcode", p.zip),
                ("_billing_email", p.email),
                ("_billing_phone", fr_spaced(p.mobile)),
                ("_order_total", f"{40 + k * 13}.90"),
            ]
        )
    )
    + ";",
    ids(_s, "ep"),
)
_s = sl(13, 3)
case(
    "woocommerce_rest_orders_json",
    json.dumps(
        [
            {
                "id": 7731 + k,
                "status": "processing",
                "currency": "EUR",
                "date_created": f"2026-11-2{k}T14:0{k}:11",
                "total": f"{59 + k}.80",
                "customer_id": 412 + k,
                "billing": {
                    "first_name": p.first,
                    "last_name": p.last,
                    "company": "",
                    "address_1": p.street,
                    "address_2": "",
                    "city": p.city,
                    "state": "",
                    "postcode": p.zip,
                    "country": "FR",
                    "email": p.email,
                    "phone": compact(p.mobile),
                },
                "shipping": {
                    "first_name": p.first,
                    "last_name": p.last,
                    "address_1": p.street,
                    "city": p.city,
                    "postcode": p.zip,
                    "country": "FR",
                    "phone": "",
                },
                "payment_method": "stripe",
                "transaction_id": f"pi_3Q{digits(k, 'pi', 8)}Ab",
                "line_items": [
                    {
                        "id": 99 + k,
                        "name": "Coque iPhone 15",
                        "sku": f"CQ-{digits(k, 'sku', 5)}",
                        "quantity": 1,
                        "price": 19.9,
                    }
                ],
            }
            for k, p in enumerate(_s)
        ],
        indent=1,
        ensure_ascii=False,
    ),
    ids(_s, "ep"),
)
_s = sl(16, 4)
case(
    "magento_sales_order_grid_export_csv",
    '"ID","Purchase Point","Purchase Date","Bill-to Name","Ship-to Name","Grand Total (Base)","Grand Total (Purchased)","Status","Billing Address","Shipping Address","Shipping Information","Customer Email","Customer Group","Subtotal","Shipping and Handling","Customer Name","Payment Method","Total Refunded","Telephone"\n'
    + "\n".join(
        f'"00000{4411 + k}","Main Website\nMain Website Store\nDefault Store View","Nov {20 + k}, 2026 3:1{k}:08 PM","{p.first} {p.last}","{p.first} {p.last}","€{80 + k}.00","€{80 + k}.00","Complete","{p.street},{p.city},{p.zip}","{p.street},{p.city},{p.zip}","Colissimo - Domicile","{p.email}","General","€{75 + k}.00","€5.00","{p.first} {p.last}","Carte bancaire","","{fr_spaced(p.mobile)}"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
)
_s = sl(20, 4)
case(
    "shop_carrier_labels_export_with_tracking",
    "Référence commande;N° de suivi;Service;Destinataire;Adresse;CP;Ville;Portable destinataire;Email destinataire;Poids (kg);Date dépôt\n"
    + "\n".join(
        f"WC-{2026_1100 + k};6A{digits(k, 'trk', 11)};DOM;{p.first} {up(p.last)};{p.street};{p.zip};{p.city};{compact(p.mobile)};{p.email};{0.4 + k / 10:.1f};0{k + 2}/12/2026"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
)
_s = sl(24, 3)
case(
    "shop_customer_service_mail_refund_bank_details",
    f"""De : service-client@boutique-exemple.fr
À : compta@boutique-exemple.fr
Objet : remboursements à faire (litiges novembre)

Salut Manon,
Trois clients à rembourser par virement (la CB est expirée pour eux) :
1) {_s[0].first} {up(_s[0].last)} — commande 20441 — 64,90 € — IBAN {grouped(_s[0].iban)} — joignable au {fr_spaced(_s[0].mobile)}
2) {_s[1].first} {up(_s[1].last)} — commande 20467 — 129,00 € — IBAN {grouped(_s[1].iban)} — {_s[1].email}
3) {_s[2].first} {up(_s[2].last)} — commande 20502 — 18,50 € — IBAN {_s[2].iban} — tél {_dotted(_s[2].mobile)}
Merci ! Kévin""",
    {("iban", p.iban) for p in _s} | {("phone", _s[0].mobile), ("email", _s[1].email), ("phone", _s[2].mobile)},
    maybe={
        ("email", "service-client@boutique-exemple.fr"),
        ("email", "compta@boutique-exemple.fr"),
    },  # the shop's own mailboxes
)

neg(
    "shop_product_catalogue_csv_ean",
    "sku;ean13;designation;marque;prix_ttc;stock;poids_g;categorie\n"
    + "\n".join(
        f"CQ-{digits(k, 'cat', 5)};{ean13('3760' + digits(k, 'ean', 8))};{name};Exemplo;{9 + k * 3}.90;{k * 17 % 90};{40 + k * 5};Accessoires"
        for k, name in enumerate(
            [
                "Coque iPhone 15 transparente",
                "Câble USB-C 2 m",
                "Chargeur 20 W",
                "Verre trempé S24",
                "Support voiture",
                "Batterie 10000 mAh",
                "Écouteurs filaires",
                "Housse tablette 11''",
            ]
        )
    ),
)
neg(
    "carrier_tracking_list_no_recipient",
    "Bordereau de remise n° 2026-1203-01 — dépôt bureau de poste Limoges Beaublanc\n"
    "N° colis;Référence;Service;Poids;Pays;Date\n"
    + "\n".join(
        f"6A{digits(k, 'trk2', 11)};CMD{digits(k, 'ord', 6)};{['DOM', 'DOS', 'BPR', 'COL'][k % 4]};{0.3 + k / 7:.2f};FR;03/12/2026"
        for k in range(10)
    )
    + "\nTotal : 10 colis — 4,18 kg",
)
neg(
    "shop_rest_api_doc_one_example_order",
    """## Retrieve an order

`GET /wp-json/wc/v3/orders/<id>`

```json
{
  "id": 727,
  "status": "processing",
  "billing": {
    "first_name": "John",
    "last_name": "Doe",
    "address_1": "969 Market",
    "city": "San Francisco",
    "state": "CA",
    "postcode": "94103",
    "country": "US",
    "email": "john.doe@example.com",
    "phone": "(555) 555-5555"
  }
}
```
The `billing.email` field is required when creating an order without a customer id.""",
)

# ================================================================ a hotel's guest register (fiche de police)

_s = sl(27, 4)
_nat = ["Belge", "Portugaise", "Française", "Marocaine"]
case(
    "hotel_fiche_de_police_register_csv",
    "Hôtel des Voyageurs — registre des fiches individuelles de police — semaine 48\n"
    "Chambre;Nom;Prénom;Date de naissance;Lieu de naissance;Nationalité;Pièce;N° pièce;Arrivée;Départ;Domicile;Email;Téléphone\n"
    + "\n".join(
        f"{101 + k * 3};{up(p.last)};{p.first};{fr_date(p.dob)};{['Liège', 'Porto', p.city, 'Oujda'][k]};{_nat[k]};{['CNI', 'Passeport', 'CNI', 'Passeport'][k]};{['592-1234567-89', 'CB4417201', '230587104423', 'UZ7740312'][k]};2{k}/11/2026;2{k + 2}/11/2026;{p.street} {p.zip} {p.city};{p.email};{fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dep"),
)
_s = sl(31, 3)
case(
    "hotel_pms_arrivals_report_fixed_width",
    "ARRIVALS REPORT                                    Hotel Le Phare ** — 04-DEC-26 07:02\n"
    "ROOM GUEST NAME                 ARR       DEP       NTS BIRTH DATE  EMAIL                              MOBILE\n"
    + "\n".join(
        f"{210 + k:<4} {up(p.last) + ', ' + p.first:<25} 04-DEC-26 0{6 + k}-DEC-26 {2 + k:>3} {fr_date(p.dob, '.')}  {p.email:<34} {e164(compact(p.mobile))}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dep"),
)
_s = sl(34, 3)
case(
    "hotel_booking_reservations_with_accessibility_remarks",
    "Book number,Booked by,Guest name(s),Check-in,Check-out,Booked on,Status,Rooms,Persons,Price,Remarks,Phone number,Booker email\n"
    + "\n".join(
        f'{4081552300 + k * 7717},"{p.last}, {p.first}","{p.first} {p.last}",2026-12-1{k},2026-12-1{k + 2},2026-11-0{k + 1},ok,1,2,{180 + k * 20} EUR,"{r}",{p.mobile},{p.email}'
        for k, (p, r) in enumerate(
            zip(
                _s,
                [
                    "Fauteuil roulant, chambre PMR indispensable (paraplégique)",
                    "Arrivée tardive vers 23h",
                    "Lit bébé svp",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "pe"),
    {"health"},
)

# ================================================================ a school, a university

_s = sl(0, 5)
_pai = [
    "PAI allergie arachide — trousse d'urgence (Anapen) en vie scolaire",
    "",
    "PAP dyslexie — tiers-temps",
    "PAI diabète type 1 — pompe à insuline, collation autorisée",
    "",
]
_aesh = ["", "", "AESH mutualisée 12h (notification MDPH)", "", "AESH individuelle 18h — TSA"]
case(
    "college_pronote_like_students_export_pai_aesh",
    "Élève;Classe;Né(e) le;Régime;Responsable légal 1;Portable R1;Courriel R1;PAI / PAP;Accompagnement\n"
    + "\n".join(
        f"{up(_LAST[(k * 3 + 1) % 40])} {['Lina', 'Noah', 'Jade', 'Lucas', 'Inaya'][k]};4e{'ABCDE'[k]};{fr_date(f'2012-0{k + 2}-1{k}')};DP4;{p.first} {up(_LAST[(k * 3 + 1) % 40])};{fr_spaced(p.mobile)};{p.email};{_pai[k]};{_aesh[k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe") | {("dob", f"2012-0{k + 2}-1{k}") for k in range(5)},
    {"health"},
)
_s = sl(5, 4)
case(
    "university_scolarite_export_exam_arrangements",
    "INE;Nom;Prénom;Date naiss.;Mail perso;Mail universitaire;Portable;Bourse;Aménagement examens\n"
    + "\n".join(
        f"{digits(k, 'ine', 9)}{'ABCDEFGHJK'[k]}{k};{up(p.last)};{p.first};{fr_date(p.dob)};{p.email};{_ascii(p.first)}.{_ascii(p.last)}@etu.univ-poitiers.fr;{compact(p.mobile)};{['éch. 4', '', 'éch. 7', ''][k]};{['tiers-temps (troubles dys)', '', 'salle isolée, tiers-temps — épilepsie', 'ordinateur'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "edp") | {("email", f"{_ascii(p.first)}.{_ascii(p.last)}@etu.univ-poitiers.fr") for p in _s},
    {"health"},
)
_s = sl(9, 3)
case(
    "cpe_mail_to_teachers_pai_list_prose",
    f"""Objet : sortie au Futuroscope jeudi — élèves à PAI
Bonjour à tous,
Pour la sortie de jeudi, trois élèves ont un PAI, merci de prendre les trousses à l'infirmerie :
- Tom {up(_s[0].last)} (5eB) : allergie sévère aux fruits à coque, stylo d'adrénaline ; maman joignable au {fr_spaced(_s[0].mobile)}.
- Sarah {up(_s[1].last)} (5eC) : asthme, Ventoline avant l'effort ; père : {fr_spaced(_s[1].mobile)}.
- Ilyes {up(_s[2].last)} (5eC) : épilepsie, protocole Buccolam ; mère : {_s[2].email}, {fr_spaced(_s[2].mobile)}.
Merci, Mme Girard, CPE""",
    ids(_s, "p") | {("email", _s[2].email)},
    {"health"},
)
neg(
    "school_pai_procedure_page",
    """Le projet d'accueil individualisé (PAI)
Le PAI est un document écrit qui précise les adaptations apportées à la vie de l'élève en collectivité
(allergies alimentaires, asthme, diabète, épilepsie). Il est demandé par la famille au directeur d'école
ou au chef d'établissement, rédigé avec le médecin de l'Éducation nationale et signé par chacun.
Un accompagnant d'élève en situation de handicap (AESH) peut être notifié par la MDPH.
Contact : infirmerie du collège, poste 214, du lundi au vendredi de 8 h à 16 h 30.""",
)

# ================================================================ payroll and HR

_s = sl(12, 4)
_abs = [
    "Maladie ordinaire",
    "Congé maternité (prénatal)",
    "Accident du travail — lombalgie",
    "Temps partiel thérapeutique",
]
case(
    "hr_absences_export_reasons",
    "Matricule;Nom;Prénom;N° sécurité sociale;Date naissance;Type absence;Du;Au;Jours;Subrogation\n"
    + "\n".join(
        f"00{412 + k};{up(p.last)};{p.first};{p.nir};{fr_date(p.dob)};{_abs[k]};0{k + 2}/11/2026;{k + 12}/11/2026;{10 + k};Oui"
        for k, p in enumerate(_s)
    ),
    ids(_s, "nd"),
    {"health"},
)
_s = sl(16, 3)
case(
    "payslip_pdf_text_three_employees",
    "\f".join(
        f"""BULLETIN DE PAIE — Période du 01/11/2026 au 30/11/2026
Employeur : SARL Transports Rivière — 12 ZA de Kergaradec 29490 Guipavas
Salarié : {up(p.last)} {p.first}                  Matricule : 00{700 + k}
N° de sécurité sociale : {spaced_nir(p.nir)}        Date d'entrée : 0{k + 1}/03/2019
Emploi : Chauffeur PL        Coefficient : 150M
Salaire de base                    151,67 h     12,40       1 880,71
Absence maladie du 0{k + 3}/11 au 1{k}/11        -45,50 h     12,40        -564,20
IJSS subrogées                                                   412,18
Net à payer avant impôt                                        1 402,77
Payé par virement le 30/11/2026 sur {grouped(p.iban)}"""
        for k, p in enumerate(_s)
    ),
    ids(_s, "ni"),
    {"health"},
)
_s = sl(19, 5)
case(
    "payroll_salary_transfer_list_csv",
    "Matricule;Salarié;IBAN;BIC;Net à payer;Libellé\n"
    + "\n".join(
        f"00{820 + k};{up(p.last)} {p.first};{p.iban};AGRIFRPP;{1500 + k * 87},{k}2;SALAIRE NOV 2026"
        for k, p in enumerate(_s)
    ),
    ids(_s, "i"),
)
_s = sl(24, 4)
case(
    "hr_staff_register_with_union_mandates",
    "Registre unique du personnel — extrait\nNom;Prénom;Né(e) le;Nationalité;Emploi;Entrée;Mandat;Portable pro\n"
    + "\n".join(
        f"{up(p.last)};{p.first};{fr_date(p.dob)};Française;{['Magasinier', 'Cariste', 'Comptable', 'Préparatrice'][k]};2{k}/0{k + 1}/2015;{['Délégué syndical CGT', '', 'Élu CSE (liste CFDT)', 'Représentante de section FO'][k]};{compact(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dp"),
    {"trade_union"},
)
neg(
    "payroll_software_absence_codes_doc",
    """Codes motif d'arrêt (bloc S21.G00.60 « Arrêt de travail »)
01 Maladie
02 Maternité
03 Paternité / accueil de l'enfant
04 Accident de travail de droit commun
05 Maladie professionnelle
06 Accident de trajet
07 Temps partiel thérapeutique
Le champ S21.G00.60.002 porte la date du dernier jour travaillé (JJMMAAAA), le champ .003 la date
de fin prévisionnelle. Exemple de saisie : 01;14112026;28112026 — la subrogation se déclare au bloc S21.G00.60.""",
)

# ================================================================ a telecom

_s = sl(28, 5)
case(
    "telecom_cdr_csv_msisdn_imsi_imei",
    "call_id,start_time,duration_s,calling_msisdn,called_msisdn,imsi,imei,cell_id,type\n"
    + "\n".join(
        f"{digits(k, 'cid', 12)},2026-11-30T{10 + k}:0{k}:1{k}Z,{30 + k * 41},{p.mobile[1:]},{_s[(k + 1) % 5].mobile[1:]},20801{digits(k, 'imsi', 10)},{luhn('35' + digits(k, 'imei', 12), 15)},{digits(k, 'cell', 5)},{'MOC' if k % 2 else 'MTC'}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "p"),
)
_s = sl(33, 4)
case(
    "telecom_subscribers_with_rio_iccid_iban",
    "MSISDN;Titulaire;Date naissance;Offre;Code RIO;ICCID;Mandat SEPA;IBAN;Statut\n"
    + "\n".join(
        f"{compact(p.mobile)};{up(p.last)} {p.first};{fr_date(p.dob)};Forfait 100 Go;01P{digits(k, 'rio', 6)}{'ABCDE'[k]}{digits(k, 'rio2', 2)};{luhn('893320' + digits(k, 'icc', 12), 19)};RUM-{digits(k, 'rum', 10)};{grouped(p.iban)};Actif"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pdi"),
)
neg(
    "telecom_number_ranges_porting_table",
    "EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;Date_Attribution\n"
    + "\n".join(
        f"{z};{z}000000;{z}999999;{op};Métropole;{d}"
        for z, op, d in [
            ("0612", "ORAN", "20/01/1998"),
            ("0613", "SFR0", "14/03/1998"),
            ("0614", "BOUY", "02/06/1998"),
            ("0615", "SFR0", "14/03/1998"),
            ("0751", "FRTE", "17/07/2012"),
            ("0752", "LYCA", "08/11/2013"),
            ("0767", "FREE", "21/02/2017"),
            ("0780", "ORAN", "05/05/2020"),
        ]
    ),
)

# ================================================================ a gym, a sports club

_s = sl(2, 5)
_notes = [
    "",
    "Asthme d'effort — Ventoline dans le sac",
    "",
    "Prothèse de hanche gauche (2024), pas de squat lourd",
    "Enceinte (5 mois), coach prévenu",
]
case(
    "gym_members_export_with_medical_remarks",
    "N° adhérent;Civilité;Nom;Prénom;Date de naissance;Email;Mobile;Formule;IBAN prélèvement;Certificat médical;Remarques coach\n"
    + "\n".join(
        f"FIT{digits(k, 'fit', 6)};{'M.' if p.sex == 'M' else 'Mme'};{up(p.last)};{p.first};{fr_date(p.dob)};{p.email};{fr_spaced(p.mobile)};Premium 12 mois;{p.iban};{'fourni' if k % 2 else 'à relancer'};{_notes[k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "depi"),
    {"health"},
)
_s = sl(7, 4)
case(
    "football_club_licences_u13_parents",
    "N° licence;Nom;Prénom;Né le;Catégorie;Responsable;Tél responsable;Email responsable;Certificat\n"
    + "\n".join(
        f"25{digits(k, 'lic', 8)};{up(p.last)};{['Enzo', 'Maël', 'Sacha', 'Timéo'][k]};{fr_date(f'2014-{k + 3:02d}-2{k}')};U13;{p.first} {up(p.last)};{fr_spaced(p.mobile)};{p.email};valide 2025-2028"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe") | {("dob", f"2014-{k + 3:02d}-2{k}") for k in range(4)},
)
neg(
    "race_results_with_bibs_and_times",
    "Semi-marathon de Tours 2026 — classement scratch\nPl.;Dossard;Nom;Cat.;Club;Temps;Moy.\n"
    + "\n".join(
        f"{k + 1};{1400 + k * 37};{up(_LAST[k])} {_FIRST[k][0]}.;{['SEM', 'M0M', 'M1M', 'SEF', 'M2M'][k % 5]};{['AC Tours', 'ASPTT', 'Individuel'][k % 3]};01:{9 + k}:{10 + k * 3:02d};{19.8 - k * 0.3:.1f}"
        for k in range(12)
    ),
)

# ================================================================ a dating site

_s = sl(11, 4)
_prof = [
    ("homo", "agnostique", "un homme"),
    ("bi", "musulmane pratiquante", "une femme ou un homme"),
    ("hétéro", "catholique", "une femme"),
    ("lesbienne", "juive", "une femme"),
]
case(
    "dating_site_profiles_json_export",
    json.dumps(
        {
            "export": "profiles",
            "count": 4,
            "profiles": [
                {
                    "id": 88120 + k,
                    "pseudo": f"{_ascii(p.first)}{k}{k + 7}",
                    "email": p.email,
                    "mobile": p.mobile,
                    "birthdate": p.dob,
                    "city": p.city,
                    "orientation": o,
                    "religion": r,
                    "looking_for": f"Je cherche {lf}",
                    "premium": k % 2 == 0,
                }
                for k, (p, (o, r, lf)) in enumerate(zip(_s, _prof, strict=True))
            ],
        },
        ensure_ascii=False,
        indent=2,
    ),
    ids(_s, "epd"),
    {"sexual_orientation", "religion"},
)
_s = sl(15, 3)
case(
    "dating_site_moderation_queue_prose",
    f"""[modération] signalements du 02/12
#1 profil « {_ascii(_s[0].first)}_bzh » ({_s[0].email}, né le {fr_date(_s[0].dob)}) : homme qui cherche des hommes, signalé pour photos — OK, rien à retirer.
#2 profil « lady_{_ascii(_s[1].last)} » ({_s[1].email}, née le {fr_date(_s[1].dob)}) : se dit séropositive dans sa bio, demande à la retirer — fait.
#3 profil « {_ascii(_s[2].first)}29 » ({_s[2].email}, né le {fr_date(_s[2].dob)}) : pseudo insultant, banni.""",
    ids(_s, "ed"),
    {"sexual_orientation", "health"},
)
neg(
    "dating_site_faq_orientation_religion",
    """FAQ — Mon profil
Puis-je indiquer mon orientation sexuelle ? Oui, le champ « Je cherche » accepte homme, femme ou les deux ;
il n'est visible que des membres que vous avez acceptés.
Puis-je indiquer ma religion ? Le champ « Convictions » (aucune, catholique, musulmane, juive, bouddhiste,
autre) est facultatif ; il sert au filtre de recherche et n'est jamais utilisé pour la publicité.
Comment supprimer mon compte ? Paramètres > Confidentialité > Supprimer. Vos données sont effacées sous 30 jours.
Contact : support@rencontres-exemple.fr""",
)

# ================================================================ a parish, an association

_s = sl(18, 4)
case(
    "parish_catechism_registrations",
    "Paroisse Saint-Corentin — inscriptions catéchèse 2026-2027\nEnfant;Né(e) le;Baptisé(e);Parcours;Parent;Portable;Courriel;Don\n"
    + "\n".join(
        f"{['Louise', 'Gabriel', 'Rose', 'Raphaël'][k]} {up(p.last)};{fr_date(f'2017-0{k + 4}-0{k + 3}')};{['oui, le 12/06/2017', 'non (baptême prévu à Pâques)', 'oui', 'oui'][k]};{['Première communion', 'Éveil à la foi', 'Première communion', 'Profession de foi'][k]};{p.first} {up(p.last)};{fr_spaced(p.mobile)};{p.email};{20 * (k + 1)} €"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe") | {("dob", f"2017-0{k + 4}-0{k + 3}") for k in range(4)},
    {"religion"},
)
_s = sl(22, 4)
case(
    "hiking_club_members_roll_no_art9",
    "Les Randonneurs du Limousin — liste des adhérents 2026\nN°;Nom;Prénom;Né(e) le;Téléphone;Mail;Licence FFRandonnée;Cotisation\n"
    + "\n".join(
        f"{k + 1};{up(p.last)};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email};{digits(k, 'ffr', 6)};payée"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
)
neg(
    "diocese_advent_calendar",
    """Diocèse de Quimper et Léon — calendrier de l'Avent 2026
Dim. 29/11 : 1er dimanche de l'Avent, messe à 10 h 30 à la cathédrale Saint-Corentin.
Mer. 02/12 : célébration pénitentielle, 18 h 30, église Saint-Mathieu.
Sam. 05/12 : veillée de prière pour les vocations, 20 h 30.
Mar. 08/12 : Immaculée Conception, messe à 18 h 30.
Jeu. 24/12 : messes de la Nuit de Noël à 18 h 00 et à minuit ; ven. 25/12 : messe du jour à 10 h 30.
Inscriptions au catéchisme et préparation au baptême : s'adresser à l'accueil paroissial, du lundi au samedi, 9 h 30 - 12 h.""",
)

# ================================================================ a town hall: the electoral roll

_s = sl(26, 5)
case(
    "electoral_roll_extract_bureau",
    "COMMUNE DE VALENCE — LISTE ÉLECTORALE — Bureau 12 (École Jean Macé) — extraction REU du 01/12/2026\n"
    "N° d'ordre;Nom de naissance;Nom d'usage;Prénoms;Date de naissance;Lieu de naissance;Adresse\n"
    + "\n".join(
        f"{312 + k * 4};{up(p.last)};{'' if k % 2 else up(_LAST[k])};{p.first} {['Marie', 'Paul', 'Anne', 'Louis', 'Claire'][k]};{fr_date(p.dob)};{p.city} ({p.zip[:2]});{p.street} {p.zip} {p.city}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "d"),
)
_s = sl(31, 4)
case(
    "party_nationbuilder_people_export",
    "nationbuilder_id,first_name,last_name,email,mobile_number,born_at,tag_list,support_level,is_volunteer,membership_name,membership_started_at\n"
    + "\n".join(
        f'{120400 + k},{p.first},{p.last},{p.email},{p.mobile},{p.dob},"{["adhérent, fédé 87, porte-à-porte", "sympathisant, newsletter", "adhérent, élu municipal", "adhérent, jeunes"][k]}",{k % 3 + 1},{"true" if k % 2 else "false"},Adhésion Parti socialiste 2026,2026-0{k + 1}-15'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
    {"political_opinion"},
)
_s = sl(35, 4)
case(
    "canvassing_app_notes_door_to_door",
    "Quartier Beaublanc — porte-à-porte du 28/11 — export application terrain\nAdresse | Nom | Tél | Réponse | Notes\n"
    + "\n".join(
        f"{p.street} | {p.first} {up(p.last)} | {fr_spaced(p.mobile)} | {['Soutien', 'Opposé', 'Indécis', 'Soutien'][k]} | {['vote RN depuis 2017, veut une affiche', 'militant LFI, nous a claqué la porte', 'hésite entre Les Républicains et nous', 'prête à tracter pour la liste'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "p"),
    {"political_opinion"},
)
neg(
    "party_programme_page",
    """Notre programme pour les municipales 2026
1. Une cantine bio et locale dans chaque école, avec un repas végétarien quotidien.
2. Le droit de vote des résidents étrangers aux élections locales, que nous défendrons au Parlement.
3. Une maison de santé par quartier, ouverte jusqu'à 20 h.
4. La gratuité des transports pour les moins de 26 ans.
Réunion publique le 12 janvier à 19 h, salle des fêtes. Permanence : 05 55 34 12 00.""",
)

# ================================================================ a prison's register

_s = sl(1, 5)
case(
    "detention_register_diet_and_worship",
    "CENTRE PÉNITENTIAIRE — état nominatif des personnes détenues — bâtiment B\n"
    "N° écrou;Nom;Prénom;Né le;Cellule;Régime alimentaire;Culte;Fin de peine\n"
    + "\n".join(
        f"{digits(k, 'ecrou', 5)};{up(p.last)};{p.first};{fr_date(p.dob)};B{2 + k}{k + 10};{['sans porc', 'standard', 'casher', 'halal', 'végétarien'][k]};{['musulman (aumônier)', '', 'israélite', 'musulman', 'catholique'][k]};{fr_date(f'202{7 + k % 3}-0{k + 1}-1{k}')}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "d"),
    {"religion"},
)
_s = sl(6, 3)
case(
    "detention_sentence_list_no_art9",
    "Greffe — sortants du mois de janvier 2027\nN° écrou;Nom;Prénom;Date naissance;Infraction;Peine;Date de libération\n"
    + "\n".join(
        f"{digits(k, 'ecr2', 5)};{up(p.last)};{p.first};{fr_date(p.dob)};{['vol aggravé', 'conduite sans permis (récidive)', 'escroquerie'][k]};{['18 mois', '8 mois', '2 ans'][k]};1{k}/01/2027"
        for k, p in enumerate(_s)
    ),
    ids(_s, "d"),
)
neg(
    "prison_canteen_weekly_menu",
    """Menu de la semaine 49 — restauration collective
Lundi : carottes râpées, poulet rôti (halal) / omelette, haricots verts, yaourt.
Mardi : potage, bœuf bourguignon (option sans porc et végétarienne), riz, fruit.
Mercredi : salade verte, poisson pané, purée, compote.
Les régimes confessionnels (sans porc, halal, casher sur commande) et médicaux sont servis sur prescription.""",
)

# ================================================================ benefits, jobseekers, insurers

_s = sl(9, 5)
_prest = ["RSA socle", "AEEH + complément 3e cat.", "APL", "PCH aide humaine", "Prime d'activité"]
case(
    "caf_beneficiaries_benefits_export",
    "N° allocataire;NIR;Nom;Prénom;Date naissance;Prestation;Montant;IBAN\n"
    + "\n".join(
        f"{digits(k, 'alloc', 7)};{p.nir};{up(p.last)};{p.first};{fr_date(p.dob)};{_prest[k]};{[607.75, 151.70, 288.0, 1204.12, 96.5][k]};{p.iban}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ndi"),
    {"health"},
)
_s = sl(14, 4)
case(
    "jobseekers_list_no_art9",
    "Identifiant;Nom;Prénom;NIR;Né(e) le;Catégorie;Conseiller;Portable\n"
    + "\n".join(
        f"{digits(k, 'ft', 7)}{'ABCD'[k]};{up(p.last)};{p.first};{spaced_nir(p.nir)};{fr_date(p.dob)};A;M. Hamon;{fr_spaced(p.mobile)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ndp"),
)
_s = sl(18, 3)
case(
    "insurer_loan_health_questionnaire_answers",
    "\n\n".join(
        f"""Questionnaire de santé — prêt immobilier n° {digits(k, "pret", 8)}
Assuré : {up(p.last)} {p.first} — né(e) le {fr_date(p.dob)} — {p.email} — {fr_spaced(p.mobile)}
Q1 Êtes-vous actuellement en arrêt de travail ? {["Non", "Oui, depuis le 02/10/2026", "Non"][k]}
Q2 Suivez-vous un traitement médical régulier ? {["Oui : Levothyrox 75 µg", "Oui : antidépresseur (sertraline)", "Non"][k]}
Q3 Avez-vous été hospitalisé au cours des 10 dernières années ? {["Non", "Oui : 3 semaines en 2024 (burn-out)", "Oui : 2019, tumeur du sein, chimiothérapie"][k]}"""
        for k, p in enumerate(_s)
    ),
    ids(_s, "dep"),
    {"health"},
)
neg(
    "insurer_blank_health_questionnaire",
    """QUESTIONNAIRE DE SANTÉ (à remplir par l'assuré, sous pli confidentiel à l'attention du médecin-conseil)
Nom : ____________  Prénom : ____________  Date de naissance : __/__/____
1. Êtes-vous actuellement en arrêt de travail ?                          □ Oui  □ Non
2. Suivez-vous un traitement médical régulier ?                         □ Oui  □ Non
3. Avez-vous été hospitalisé au cours des 10 dernières années ?           □ Oui  □ Non
4. Êtes-vous atteint d'une affection de longue durée (ALD) ?              □ Oui  □ Non
Depuis la loi Lemoine (2022), aucun questionnaire n'est demandé pour un prêt de moins de 200 000 € par personne.""",
)
neg(
    "caf_public_page_amounts",
    """Montants au 1er avril 2026
RSA (personne seule, sans enfant) : 646,52 €
AAH (taux plein) : 1 033,32 €
AEEH (allocation de base) : 151,70 € par mois et par enfant
Prime d'activité : montant forfaitaire 633,21 €
Les montants sont revalorisés chaque année au 1er avril. Simulation sur caf.fr, rubrique Mes services en ligne.""",
)

# ================================================================ more of the same sectors

_s = sl(21, 4)
case(
    "magento_customer_entity_sql_dob_column",
    "INSERT INTO `customer_entity` (`entity_id`, `website_id`, `email`, `group_id`, `increment_id`, `store_id`, `created_at`, `updated_at`, `is_active`, `disable_auto_group_change`, `created_in`, `prefix`, `firstname`, `middlename`, `lastname`, `suffix`, `dob`, `password_hash`, `rp_token`, `rp_token_created_at`, `default_billing`, `default_shipping`, `taxvat`, `confirmation`, `gender`, `failures_num`, `first_failure`, `lock_expires`) VALUES "
    + ", ".join(
        f"({2201 + k}, 1, '{p.email}', 1, NULL, 1, '2025-0{k + 4}-0{k + 2} 08:1{k}:00', '2026-11-1{k} 21:0{k}:00', 1, 0, 'Default Store View', NULL, '{p.first}', NULL, '{p.last}', NULL, '{p.dob}', '{hashlib.sha256(p.last.encode()).hexdigest()}:{digits(k, 'salt', 8)}:1', NULL, NULL, {3301 + k}, {3301 + k}, NULL, NULL, {1 if p.sex == 'M' else 2}, 0, NULL, NULL)"
        for k, p in enumerate(_s)
    )
    + ";",
    ids(_s, "ed"),
)
neg(
    "magento_schema_only_no_rows",
    """CREATE TABLE `customer_entity` (
  `entity_id` int unsigned NOT NULL AUTO_INCREMENT COMMENT 'Entity ID',
  `website_id` smallint unsigned DEFAULT NULL COMMENT 'Website ID',
  `email` varchar(255) DEFAULT NULL COMMENT 'Email',
  `firstname` varchar(255) DEFAULT NULL COMMENT 'First Name',
  `lastname` varchar(255) DEFAULT NULL COMMENT 'Last Name',
  `dob` date DEFAULT NULL COMMENT 'Date of Birth',
  `password_hash` varchar(128) DEFAULT NULL COMMENT 'Password_hash',
  `gender` int unsigned DEFAULT NULL COMMENT 'Gender',
  PRIMARY KEY (`entity_id`),
  UNIQUE KEY `CUSTOMER_ENTITY_EMAIL_WEBSITE_ID` (`email`,`website_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2201 DEFAULT CHARSET=utf8mb3 COMMENT='Customer Entity';""",
)
_s = sl(25, 3)
case(
    "mutuelle_enrolment_beneficiaries_children_on_parent_nir",
    "Contrat collectif — adhésions décembre 2026\nAdhérent;NIR adhérent;Né(e) le;Ayant droit;Lien;Né(e) le;Rattaché au NIR;Email;IBAN remboursements\n"
    + "\n".join(
        f"{up(p.last)} {p.first};{p.nir};{fr_date(p.dob)};{['Jules', 'Alice', 'Tiago'][k]} {up(p.last)};enfant;{fr_date(f'201{k + 5}-0{k + 1}-2{k}')};{p.nir};{p.email};{p.iban}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ndei") | {("dob", f"201{k + 5}-0{k + 1}-2{k}") for k in range(3)},
)
_s = sl(28, 4)
case(
    "crous_grants_export_parents_income",
    "N° dossier;INE;Nom;Prénom;Né(e) le;Échelon;Revenu brut global parents;Points de charge;IBAN étudiant;Mail\n"
    + "\n".join(
        f"DSE{digits(k, 'dse', 7)};{digits(k, 'ine2', 10)}{'KLMN'[k]};{up(p.last)};{p.first};{fr_date(p.dob)};{k + 2};{18400 + k * 5100} €;{k + 1};{grouped(p.iban)};{p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "die"),
)
_s = sl(32, 3)
case(
    "electoral_proxies_register",
    "REGISTRE DES PROCURATIONS — élections municipales, 1er tour\nMandant;Né(e) le;Bureau;Mandataire;Né(e) le;Établie le;Autorité\n"
    + "\n".join(
        f"{up(p.last)} {p.first};{fr_date(p.dob)};{12 + k};{up(q.last)} {q.first};{fr_date(q.dob)};0{k + 2}/03/2026;Commissariat de Valence"
        for k, (p, q) in enumerate(zip(_s, sl(35, 3), strict=True))
    ),
    ids(_s + sl(35, 3), "d"),
)
_s = sl(36, 4)
case(
    "car_insurer_claims_drivers",
    "N° sinistre;Conducteur;Né(e) le;N° permis;Date sinistre;Circonstances;Tél;Email\n"
    + "\n".join(
        f"S26-{digits(k, 'sin2', 6)};{p.first} {up(p.last)};{fr_date(p.dob)};{digits(k, 'perm', 2)}{'AB'[k % 2]}{digits(k, 'perm2', 9)};1{k}/10/2026;{['choc arrière au feu', 'stationnement', 'bris de glace', 'chaussée glissante'][k]};{fr_spaced(p.mobile)};{p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dpe"),
)
_s = sl(3, 1)[0]
case(
    "telecom_itemised_bill_called_numbers",
    f"""Facture détaillée — ligne {fr_spaced(_s.mobile)} — titulaire {_s.first} {up(_s.last)} — novembre 2026
Date       Heure   Numéro appelé      Durée    Montant
"""
    + "\n".join(
        f"{fr_date(f'2026-11-{3 + k * 3:02d}')} {9 + k}:{k * 7:02d}   {fr_spaced(q.mobile)}     0{k}:{12 + k * 5}    inclus"
        for k, q in enumerate(sl(10, 6))
    ),
    ids([_s] + sl(10, 6), "p"),
)
neg(
    "famous_people_born_in_brest",
    """Personnalités nées à Brest (extrait de l'encyclopédie locale)
- Victor Segalen, écrivain et médecin de marine, né le 14/01/1878
- Pierre Mac Orlan… non, né à Péronne ; à Brest : Jean Cras, compositeur, né le 22/05/1879
- Yann Queffélec, écrivain, né le 21/09/1949, prix Goncourt 1985
- Christine Boisson, actrice, née le 08/04/1956
- Roger Gicquel, journaliste, né le 22/02/1933
- Cécile de France… non : Marie-José Pérec est née à Basse-Terre le 09/05/1968""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "hotel_pms_arrivals_report_fixed_width": "a hotel PMS's fixed-width arrivals report (ROOM, GUEST NAME, ARR/DEP as 04-DEC-26, BIRTH DATE as dd.mm.yyyy, EMAIL, MOBILE): emails and phones found, every birth missed",
    "telecom_itemised_bill_called_numbers": "an itemised phone bill: the six numbers called are found, the subscriber's own line in the bill's title ('Facture détaillée — ligne 07 .. — titulaire ...') is missed",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 31): a regression fails.
FLOORS = {"recall": 0.98, "precision": 0.94, "art9_recall": 0.8, "art9_precision": 0.99}
globals().update(make_tests(SET, FLOORS))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("10b", "10c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
