# ruff: noqa: E501  (a file's line is kept whole, as it was leaked)
"""Blind probe, set 9b: identifiers where they hide — phones behind `poste`, `tel:` URIs, vCard 4 in its
three syntaxes, Corsican and provisional NIRs, IBANs of six countries in print and RIB forms, cards in
magnetic-track data, credentials in `.netrc`, `.pgpass`, DSNs and `Authorization: Basic` headers, and
e-mail addresses with sub-addresses, quoted local parts and IDN domains — with the references, specs
and templates that write the same shapes about no one.

Written apart from the detector (wave 30, helper H), people from set 9.
"""

from __future__ import annotations

import base64
import json

from tests.blind_probe_harness import Probe, e164, fr_date, fr_spaced, grouped, iban, luhn, make_tests, nir, spaced_nir
from tests.test_detect_blind_probe_set9 import PEOPLE, compact, digits, ids, rib_key, sl, up

__all__ = ["SET"]

SET = Probe("9b")
case = SET.case
neg = SET.negative


def es_bban(bank: str, branch: str, account: str) -> str:
    """Spain's CCC with its two control digits."""

    def dc(s: str, w: list[int]) -> str:
        r = 11 - sum(int(c) * k for c, k in zip(s, w, strict=True)) % 11
        return str({11: 0, 10: 1}.get(r, r))

    return (
        bank
        + branch
        + dc(bank + branch, [4, 8, 5, 10, 9, 7, 3, 6])
        + dc(account, [1, 2, 4, 8, 5, 10, 9, 7, 3, 6])
        + account
    )


def it_bban(abi: str, cab: str, account: str) -> str:
    """Italy's BBAN with its CIN letter."""
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
    s = abi + cab + account
    total = sum(odd[int(c)] if i % 2 == 0 else int(c) for i, c in enumerate(s))
    return chr(65 + total % 26) + s


def be_bban(bank: str, account: str) -> str:
    n = int(bank + account) % 97
    return f"{bank}{account}{n or 97:02d}"


def ibans(k: int) -> dict[str, str]:
    g, a = digits(k, "mcg", 5), digits(k, "mca", 11)
    return {
        "FR": PEOPLE[k].iban,
        "MC": iban("MC", f"11222{g}{a}{rib_key('11222', g, a)}"),
        "DE": iban("DE", f"{['37040044', '50010517', '10070000'][k % 3]}{digits(k, 'de', 10)}"),
        "ES": iban("ES", es_bban(["2100", "0049", "0182"][k % 3], digits(k, "esb", 4), digits(k, "esa", 10))),
        "IT": iban("IT", it_bban(["03069", "02008", "05034"][k % 3], digits(k, "itc", 5), digits(k, "ita", 12))),
        "BE": iban("BE", be_bban(["001", "310", "735"][k % 3], digits(k, "bea", 7))),
    }


# ================================================================ phones behind extensions and URIs

_s = sl(2, 5)
_direct = [e164(f"02985{digits(k, 'ld', 5)}") for k in range(5)]
case(
    "staff_directory_mobiles_and_direct_lines_poste",
    "ANNUAIRE INTERNE — Clinique Saint-Yves (diffusion restreinte)\n"
    "Nom / Prénom              | Service        | Ligne directe             | Portable pro / perso        | Courriel\n"
    + "\n".join(
        f"{up(p.last)} {p.first:<14} | {['Bloc', 'Accueil', 'Pharmacie', 'RH', 'Compta'][k]:<14} | {fr_spaced(_direct[k])} poste {410 + k} | {fr_spaced(p.mobile)} (perso) | {p.email}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
    maybe={("phone", d) for d in _direct},
)
_s = sl(7, 4)
case(
    "tel_and_mailto_uri_anchors_in_html_table",
    '<table id="clients"><tr><th>Client</th><th>Contact</th><th>Né(e) le</th></tr>\n'
    + "\n".join(
        f'<tr><td>{p.first} {up(p.last)}</td><td><a href="tel:{p.mobile}">Appeler</a> · <a href="mailto:{p.email}?subject=Votre%20commande">Écrire</a></td><td>{fr_date(p.dob)}</td></tr>'
        for p in _s
    )
    + "\n</table>",
    ids(_s, "ped"),
)
_s = sl(11, 4)
case(
    "tel_uris_with_ext_and_phone_context_json",
    json.dumps(
        [
            {
                "contact": f"{p.first} {p.last}",
                "uris": [
                    f"tel:{p.mobile[:3]}-{p.mobile[3]}-{p.mobile[4:6]}-{p.mobile[6:8]}-{p.mobile[8:10]}-{p.mobile[10:]}",
                    f"tel:{compact(p.mobile)};phone-context=+33",
                    f"mailto:{p.email}",
                ],
                "birthday": p.dob,
            }
            for p in _s
        ],
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "ped"),
)
_s = sl(15, 3)
case(
    "vcard4_tel_value_uri_and_bday",
    "\r\n".join(
        line
        for p in _s
        for line in (
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{p.first} {p.last}",
            f"N:{p.last};{p.first};;;",
            f"BDAY:{p.dob.replace('-', '')}",
            f'TEL;VALUE=uri;PREF=1;TYPE="voice,cell":tel:{p.mobile}',
            f"EMAIL;TYPE=home:{p.email}",
            f"ADR;TYPE=home:;;{p.street};{p.city};;{p.zip};France",
            "END:VCARD",
        )
    ),
    ids(_s, "dpe"),
)
_s = sl(18, 3)
case(
    "xcard_xml_rfc6351",
    '<?xml version="1.0" encoding="UTF-8"?>\n<vcards xmlns="urn:ietf:params:xml:ns:vcard-4.0">\n'
    + "\n".join(
        f"""  <vcard>
    <fn><text>{p.first} {p.last}</text></fn>
    <n><surname>{p.last}</surname><given>{p.first}</given><additional/><prefix/><suffix/></n>
    <bday><date>{p.dob.replace("-", "")}</date></bday>
    <tel><parameters><type><text>cell</text></type></parameters><uri>tel:{p.mobile}</uri></tel>
    <email><text>{p.email}</text></email>
  </vcard>"""
        for p in _s
    )
    + "\n</vcards>",
    ids(_s, "dpe"),
)
_s = sl(21, 3)
case(
    "jcard_json_rfc7095",
    json.dumps(
        [
            [
                "vcard",
                [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", f"{p.first} {p.last}"],
                    ["bday", {}, "date", p.dob],
                    ["tel", {"type": ["cell", "voice"]}, "uri", f"tel:{p.mobile}"],
                    ["email", {"type": "home"}, "text", p.email],
                ],
            ]
            for p in _s
        ],
        ensure_ascii=False,
    ),
    ids(_s, "dpe"),
)
_s = sl(24, 4)
_mc = [e164(f"+3776{digits(k, 'mcm', 8)}") for k in range(4)]
case(
    "monaco_residents_phones_and_ibans",
    "Résidents — Banque du Rocher — extraction clients privés\n"
    "Nom;Prénom;Mobile;Naissance;IBAN\n"
    + "\n".join(
        f"{up(p.last)};{p.first};+377 {_mc[k][4]} {_mc[k][5:7]} {_mc[k][7:9]} {_mc[k][9:11]} {_mc[k][11:]};{fr_date(p.dob)};{grouped(ibans(k)['MC'])}"
        for k, p in enumerate(_s)
    ),
    {("phone", m) for m in _mc} | {("iban", ibans(k)["MC"]) for k in range(4)} | ids(_s, "d"),
)

# ================================================================ NIRs: Corsica and provisional numbers

_cors = []
for k in range(5):
    p = PEOPLE[k + 3]
    y, m = p.dob[2:4], p.dob[5:7]
    _cors.append(
        (p, nir(f"{1 if p.sex == 'M' else 2}{y}{m}{'2A' if k % 2 else '2B'}{digits(k, 'cc', 3)}{digits(k, 'co', 3)}"))
    )
case(
    "nir_corsican_2a_2b_spaced_and_compact",
    "Agents — Collectivité de Corse — extraction paie\nMatricule,Nom,Prénom,NIR,Date de naissance\n"
    + "\n".join(
        f"C{7700 + k},{up(p.last)},{p.first},{spaced_nir(n) if k % 2 else n},{fr_date(p.dob)}"
        for k, (p, n) in enumerate(_cors)
    ),
    {("nir", n) for _, n in _cors} | ids([p for p, _ in _cors], "d"),
)
_prov = []
for k in range(5):
    p = PEOPLE[k + 12]
    _prov.append(
        (
            p,
            nir(
                f"{7 if p.sex == 'M' else 8}{p.dob[2:4]}{p.dob[5:7]}99{['352', '212', '109', '134', '427'][k]}{digits(k, 'pr', 3)}"
            ),
        )
    )
case(
    "nir_provisional_7_8_new_hires_dpae",
    "DPAE — embauches du mois (saisonniers, numéros provisoires en attente d'immatriculation)\n"
    + "\n".join(
        f"{k + 1}. {up(p.last)} {p.first} — né(e) le {fr_date(p.dob)} — n° SS provisoire {spaced_nir(n)} — tél. {fr_spaced(p.mobile)} — CDD 01/12/2026-28/02/2027"
        for k, (p, n) in enumerate(_prov)
    ),
    {("nir", n) for _, n in _prov} | ids([p for p, _ in _prov], "dp"),
)

# ================================================================ IBANs of six countries, print and RIB forms

_s = sl(4, 6)
_cc = ["FR", "MC", "DE", "ES", "IT", "BE"]
case(
    "iban_six_countries_payroll_print_format",
    "VIREMENTS SALAIRES — NOVEMBRE 2026 — Groupe Riviera Hôtels\nBénéficiaire               Pays  IBAN                                   Montant\n"
    + "\n".join(
        f"{up(p.last)} {p.first:<14}  {_cc[k]}    {grouped(ibans(k)[_cc[k]]):<38} {1850 + k * 97},00"
        for k, p in enumerate(_s)
    ),
    {("iban", ibans(k)[_cc[k]]) for k in range(6)},
)
_s = sl(10, 3)
case(
    "rib_text_blocks_pasted_in_a_thread",
    "\n\n".join(
        f"""RELEVÉ D'IDENTITÉ BANCAIRE
Titulaire du compte : {civ} {up(p.last)} {p.first}
{p.street} {p.zip} {p.city}
Code banque  Code guichet  N° de compte   Clé RIB
{p.iban[4:9]}        {p.iban[9:14]}         {p.iban[14:25]}    {p.iban[25:]}
IBAN : {grouped(p.iban)}
BIC : {["CMCIFRPP", "AGRIFRPP836", "CCBPFRPPQPR"][k]}"""
        for k, (p, civ) in enumerate(zip(_s, ["M.", "Mme", "M."], strict=True))
    )
    + "\n\nles 3 RIB des gérants, 2 comptes pro en plus en MP",
    ids(_s, "i"),
)
_s = sl(20, 4)
case(
    "ibans_lowercase_compact_in_sepa_csv",
    "creditor_ref;debtor_name;debtor_iban;debtor_bic;amount;due\n"
    + "\n".join(
        f"RUM-2026-{4410 + k};{p.first} {up(p.last)};{ibans(k)[c].lower()};{['BNPAFRPP', 'DEUTDEFF', 'CAIXESBB', 'GEBABEBB'][k]};{29 + k}.90;2026-12-05"
        for k, (p, c) in enumerate(zip(_s, ["FR", "DE", "ES", "BE"], strict=True))
    ),
    {("iban", ibans(k)[c]) for k, c in enumerate(["FR", "DE", "ES", "BE"])},
)

# ================================================================ cards in magnetic-track data

_s = sl(1, 5)
_amex = luhn("3782" + digits(9, "amex", 10), 15)
case(
    "track1_track2_pairs_dumps_shop",
    "[DUMPS FR 101/201 — fresh skim nov. — checked]\n"
    + "\n".join(
        f"Track1: %B{p.card}^{up(p.last).replace(' ', '')}/{up(p.first)}^2{8 + k % 2}{k + 1:02d}1010000000000000{k}00000?\nTrack2: ;{p.card}=2{8 + k % 2}{k + 1:02d}10100000{k}000000?"
        for k, p in enumerate(_s)
    )
    + f"\nTrack2: ;{_amex}=2903101{digits(9, 'am2', 8)}?\nprice 101+201: 45$ / 201 only: 30$",
    ids(_s, "c") | {("card", _amex)},
)
_s = sl(6, 4)
case(
    "payment_gateway_debug_log_pan_json",
    "\n".join(
        f"2026-11-30T21:4{k}:0{k}Z DEBUG gateway.request body={json.dumps({'order': f'CMD-{88100 + k}', 'customer': {'email': p.email, 'phone': p.mobile}, 'card': {'pan': p.card, 'exp': f'{k + 1:02d}/2{8 + k % 2}', 'cvc': digits(k, 'cvc', 3)}, 'amount': 4990 + k})}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "cep"),
)

# ================================================================ credentials in files and headers

_s = sl(13, 3)
_pw = ["Kerhallet29!", "Mouettes#2024", "Quimper-Lorient56"]
case(
    "netrc_file_leaked_from_a_home_dir",
    "==> /home/jdupont/.netrc <==\n"
    + "\n".join(
        f"machine {['imap.orange.fr', 'ftp.free.fr', 'smtp.laposte.net'][k]}\n  login {p.email}\n  password {_pw[k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "e"),
    recall_only={("credential", f"{p.email}:{_pw[k]}") for k, p in enumerate(_s)},
)
case(
    "pgpass_file_leaked",
    "$ cat ~/.pgpass\n"
    "db-prod.clinique.lan:5432:patients:app_rw:Zq7!pLm2#Rt9\n"
    "db-prod.clinique.lan:5432:*:jmorvan:Brest_2026_secure\n"
    "10.12.0.5:5433:facturation:compta:Iroise29Factu!\n"
    "*:*:*:postgres:Sup3rAdm1n-Pg\n",
    recall_only={
        ("credential", "app_rw:Zq7!pLm2#Rt9"),
        ("credential", "jmorvan:Brest_2026_secure"),
        ("credential", "compta:Iroise29Factu!"),
        ("credential", "postgres:Sup3rAdm1n-Pg"),
    },
)
_p = PEOPLE[16]
case(
    "dsn_urls_in_env_files",
    f"""# ----- leaked from gitlab.clinique.lan/infra/deploy (.env.production) -----
DATABASE_URL=postgresql://svc_dpi:N8w!xR4pQ2z@db-prod.clinique.lan:5432/dpi
REDIS_URL=redis://:Rd1s-Pr0d-2026@cache.clinique.lan:6379/0
MONGO_URI=mongodb+srv://reporting:Mg0Rep0rt!ng26@cluster0.clinique.lan/stats?retryWrites=true
SMTP_URL=smtp://{_p.email.replace("@", "%40")}:Tilleuls-1997@smtp.bbox.fr:587
AMQP_URL=amqp://celery:C3l3ry-Br0k3r@mq.clinique.lan:5672//""",
    {("email", _p.email)},
    recall_only={
        ("credential", "svc_dpi:N8w!xR4pQ2z"),
        ("credential", "reporting:Mg0Rep0rt!ng26"),
        ("credential", f"{_p.email}:Tilleuls-1997"),
        ("credential", "celery:C3l3ry-Br0k3r"),
    },
)
_s = sl(17, 4)
_bp = ["Gare2025!", "Soleil-56", "Jaures#1988", "Liberte.2026"]
case(
    "authorization_basic_headers_in_proxy_log",
    "\n".join(
        f"""2026-11-30 21:0{k}:1{k} REQ GET https://intranet.clinique.lan/dossiers/{7700 + k} HTTP/1.1
  Host: intranet.clinique.lan
  Authorization: Basic {base64.b64encode(f"{p.email}:{_bp[k]}".encode()).decode()}
  User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)"""
        for k, p in enumerate(_s)
    ),
    recall_only={("credential", f"{p.email}:{_bp[k]}") for k, p in enumerate(_s)},
    maybe=ids(_s, "e"),
)
_s = sl(21, 4)
_up = ["Picard.1991", "Brunet!29", "Colin-2024", "Roux#Rouen"]
case(
    "url_userinfo_in_squid_access_log",
    "\n".join(
        f"1796080{k}11.{k}21    {210 + k} 10.0.4.{17 + k} TCP_MISS/200 4411 GET ftp://{p.email.replace('@', '%40')}:{_up[k]}@ftp.{p.email.split('@')[1]}/backup/ - HIER_DIRECT/ftp.{p.email.split('@')[1]} text/html"
        for k, p in enumerate(_s)
    ),
    recall_only={("credential", f"{p.email}:{_up[k]}") for k, p in enumerate(_s)},
    maybe=ids(_s, "e"),
)

# ================================================================ e-mail addresses written unusually

_s = sl(25, 5)
_tags = ["impots", "ameli", "caf", "banque", "mutuelle"]
case(
    "email_subaddresses_plus_on_every_domain",
    "email;telephone;ne_le\n"
    + "\n".join(
        f"{p.email.split('@')[0]}+{_tags[k]}@{p.email.split('@')[1]};{compact(p.mobile)};{fr_date(p.dob)}"
        for k, p in enumerate(_s)
    )
    + f"\n{_s[1].email.split('@')[0].replace('.', '')}+promo@googlemail.com;{compact(_s[1].mobile)};{fr_date(_s[1].dob)}",
    {
        ("email", f"{p.email.split('@')[0]}+{_tags[k]}@{p.email.split('@')[1]}")
        for k, p in enumerate(_s)
        if not p.email.endswith("gmail.com")
    }
    | {
        ("email", f"{p.email.split('@')[0]}+{_tags[k]}@gmail.com")
        for k, p in enumerate(_s)
        if p.email.endswith("gmail.com")
    }
    | {("email", f"{p.email.split('@')[0].replace('.', '')}@gmail.com") for p in _s if p.email.endswith("gmail.com")}
    | {("email", f"{_s[1].email.split('@')[0].replace('.', '')}+promo@googlemail.com")}
    | {("email", f"{_s[1].email.split('@')[0].replace('.', '')}@gmail.com")}
    | ids(_s, "pd"),
)
_s = sl(0, 5)
_q = {
    1: f'"{_s[1].first.lower()} {_s[1].last.lower()}"@{_s[1].email.split("@")[1]}',
    3: f'"{_s[3].last.lower()}..{_s[3].first.lower()}"@{_s[3].email.split("@")[1]}',
}
case(
    "email_quoted_local_parts_among_plain_ones",
    "nom;email;mobile\n" + "\n".join(f"{p.last};{_q.get(k, p.email)};{p.mobile}" for k, p in enumerate(_s)),
    {("email", p.email) for k, p in enumerate(_s) if k not in _q} | ids(_s, "p"),
    maybe={("email", v) for v in _q.values()},
)
_idn = [
    ("chloe.morvan", "CRÊPERIE-DU-PORT.bzh"),
    ("yann.le-gall", "forêt-bretonne.fr"),
    ("ines.haddad", "pâtisserie-ïnès.fr"),
    ("gael.roux", "château-kerjean.bzh"),
]
_s = sl(5, 4)
case(
    "email_idn_domains_unicode_and_upper_case",
    "Commerçants inscrits au marché de Noël — contacts\nEnseigne | Courriel | Portable | Né(e) le\n"
    + "\n".join(
        f"{d.split('.')[0]} | {loc}@{d} | {fr_spaced(p.mobile)} | {fr_date(p.dob)}"
        for (loc, d), p in zip(_idn, _s, strict=True)
    ),
    {("email", f"{loc}@{d.lower().encode('idna').decode()}") for loc, d in _idn} | ids(_s, "pd"),
)

# ================================================================ the same shapes about no one

neg(
    "country_phone_prefix_table",
    """Indicatifs téléphoniques internationaux (extrait)
Pays          Indicatif   Format national          Longueur (sans 0)
France        +33         0X XX XX XX XX            9
Monaco        +377        XX XX XX XX / 6 XX XX XX XX  8 ou 9
Belgique      +32         0XXX XX XX XX             8 ou 9
Suisse        +41         0XX XXX XX XX             9
Espagne       +34         XXX XX XX XX              9
Italie        +39         3XX XXX XXXX              9 à 10
Allemagne     +49         0XXX XXXXXXX              6 à 11
Pour appeler la France depuis l'étranger : 00 33 puis le numéro sans le 0.""",
)
neg(
    "iban_format_spec_with_textbook_examples",
    """Structure de l'IBAN par pays (ISO 13616, registre SWIFT)
Pays  Long.  Structure BBAN              Exemple publié par le registre
FR    27     5n 5n 11c 2n                FR14 2004 1010 0505 0001 3M02 606
MC    27     5n 5n 11c 2n                MC58 1122 2000 0101 2345 6789 030
DE    22     8n 10n                      DE89 3704 0044 0532 0130 00
ES    24     4n 4n 1n 1n 10n             ES91 2100 0418 4502 0005 1332
IT    27     1a 5n 5n 12c                IT60 X054 2811 1010 0000 0123 456
BE    16     3n 7n 2n                    BE68 5390 0754 7034
Contrôle : déplacer les 4 premiers caractères à la fin, lettres A=10 ... Z=35, le reste modulo 97 doit valoir 1.""",
)
neg(
    "bic_and_bank_routing_table",
    """Code banque  Établissement                       BIC            Guichet principal  Ville
30002        Crédit Lyonnais (LCL)               CRLYFRPP       00550              Paris
30004        BNP Paribas                         BNPAFRPP       00828              Paris
10278        Crédit Mutuel Arkéa                 CMBRFR2B       36000              Le Relecq-Kerhuon
13807        Banque Populaire Grand Ouest        CCBPFRPPNAN    00744              Nantes
14505        Caisse d'Épargne Bretagne-Pays de Loire CEPAFRPP450 00001            Nantes
11315        Caisse d'Épargne CEPAC              CEPAFRPP131    00001              Marseille
12739        Banque de Monaco (CFM Indosuez)     CFMOMCMX       00001              Monaco""",
)
neg(
    "checksum_test_vectors",
    """# test vectors for the checksum module (public, from the standards and the card networks' docs)
LUHN_VALID = ["79927398713", "4111111111111111", "5500000000000004", "378282246310005", "6011111111111117"]
LUHN_INVALID = ["79927398710", "4111111111111112", "1234567812345678"]
IBAN_VALID = ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606"]
IBAN_INVALID = ["GB82WEST12345698765431", "FR1420041010050500013M02607"]
NIR_KEY = [("1 55 55 55 555 555", 55), ("2 69 05 49 588 157", 80)]  # body, expected key
def test_luhn(): assert all(luhn_ok(v) for v in LUHN_VALID)""",
)
neg(
    "synthetic_data_generator_readme",
    """# fakefr — jeux de données synthétiques pour tester vos pipelines

    pip install fakefr
    fakefr patients --n 1000 --seed 42 --format csv > patients.csv

Colonnes produites : nom, prenom, ddn (AAAA-MM-JJ), nir (clé valide, département 99 réservé aux tests),
email (domaine example.org), portable (plage 06 39 98 réservée à la fiction par l'ARCEP), iban (banque
fictive 99999). Aucune ligne ne correspond à une personne réelle ; vérifiez-le avec `fakefr audit`.
Licence MIT. Contributions bienvenues (voir CONTRIBUTING.md).""",
)
neg(
    "conference_badge_template",
    """<!-- badge.html.j2 — Journées Bretonnes d'Informatique Médicale 2027 -->
<div class="badge">
  <p class="name">{{ participant.prenom }} {{ participant.nom | upper }}</p>
  <p class="org">{{ participant.organisation }}</p>
  <p class="mail">{{ participant.email }}</p>
  <p class="role">{% if participant.orateur %}ORATEUR{% else %}PARTICIPANT{% endif %}</p>
  <img class="qr" src="{{ qr(participant.id) }}" alt="">
</div>
<!-- aperçu : Prénom NOM / Organisation / prenom.nom@organisation.example / PARTICIPANT -->""",
)
neg(
    "netrc_man_page_example",
    """NETRC(5)                     File Formats Manual                     NETRC(5)
NAME
       netrc - user configuration for ftp
DESCRIPTION
       machine name  Identify a remote machine name.
       login name    Identify a user on the remote machine.
       password string  Supply a password.
EXAMPLE
       machine ftp.example.com login anonymous password guest@example.com
       default login anonymous password user@site""",
)
neg(
    "pgpass_and_dsn_documentation",
    """34.16. The Password File
Each line of the file should be of the format:
    hostname:port:database:username:password
A host name of localhost matches both TCP and Unix-socket connections; * matches anything, e.g.
    *:*:*:postgres:<your password here>
Connection URIs have the general form
    postgresql://[userspec@][hostspec][/dbname][?paramspec]
    where userspec is user[:password], e.g. postgresql://user:secret@localhost:5432/mydb""",
)
neg(
    "http_basic_auth_rfc_example",
    """RFC 7617, section 2: if the user agent wishes to send the user-id "Aladdin" and password
"open sesame", it would use the following header field:
    Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==
The server answers a request without credentials with:
    WWW-Authenticate: Basic realm="WallyWorld", charset="UTF-8"
    HTTP/1.1 401 Unauthorized""",
)
neg(
    "vcard4_rfc6350_example_card",
    """RFC 6350 section 8, example: the following is an example of a vCard 4.0 (an author's business card).
BEGIN:VCARD
VERSION:4.0
FN:Simon Perreault
N:Perreault;Simon;;;ing. jr,M.Sc.
BDAY:--0203
GENDER:M
LANG;PREF=1:fr
TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102
TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501
EMAIL;TYPE=work:simon.perreault@viagenie.ca
URL;TYPE=home:http://nomis80.org
END:VCARD""",
)
neg(
    "magnetic_track_format_spec",
    """ISO/IEC 7813 — track formats
Track 1 (IATA, 79 alphanumeric): %B<PAN up to 19>^<NAME 2-26: SURNAME/GIVEN>^<YYMM><service code 3><discretionary>?<LRC>
Track 2 (ABA, 40 numeric):       ;<PAN up to 19>=<YYMM><service code 3><discretionary>?<LRC>
Service code: 1st digit 1 = international, 2 = international with chip; 2nd digit 0 = normal authorization.
Sample from the standard's annex: %B0000000000000000^SURNAME/GIVEN^YYMM101000000000000000000?""",
)
neg(
    "email_address_syntax_rfc_examples",
    """RFC 3696 section 3 gives these as valid addresses:
    "Abc\\@def"@example.com
    "Fred Bloggs"@example.com
    customer/department=shipping@example.com
    $A12345@example.com
    !def!xyz%abc@example.com
    _somename@example.com
Sub-addressing (RFC 5233): user+detail@example.net is delivered to user@example.net.""",
)
neg(
    "idn_registry_news",
    """Noms de domaine internationalisés : depuis 2012, le .fr accepte les caractères accentués (é, è, ê, ë,
à, â, ç, î, ï, ô, ö, ù, û, ü, ÿ, æ, œ). Un nom comme crêperie-du-port.bzh s'écrit en ASCII
xn--crperie-du-port-qkb.bzh dans le DNS (Punycode, RFC 3492). Les adresses électroniques en Unicode
(EAI, RFC 6530) restent peu prises en charge par les messageries. Contact presse : presse@registre.example""",
)
neg(
    "tel_uri_rfc3966_examples",
    """RFC 3966 examples:
    tel:+1-201-555-0123           a global number
    tel:7042;phone-context=example.com   a local number
    tel:863-1234;phone-context=+1-914-555
The 'ext' parameter carries an extension: tel:+1-201-555-0123;ext=1234
In HTML: <a href="tel:+1-201-555-0123">call us</a>""",
)
neg(
    "staff_directory_template_headers_only",
    "Nom / Prénom              | Service        | Ligne directe             | Portable pro / perso        | Courriel\n"
    + "\n".join(
        f"{'':<25} | {s:<14} | 02 98 5_ __ __ poste ___  | 06 __ __ __ __              | ____@clinique.example"
        for s in ["Bloc", "Accueil", "Pharmacie"]
    ),
)

# ================================================================ more hiding places (second batch)

_s = sl(3, 3)
case(
    "epc_qr_payloads_refunds",
    "Remboursements à émettre — QR codes EPC générés (contenu décodé)\n\n"
    + "\n\n".join(
        f"BCD\n002\n1\nSCT\n{['AGRIFRPP', 'CMCIFRPP', 'SOGEFRPP'][k]}\n{p.first} {up(p.last)}\n{p.iban}\nEUR{48 + k}.50\n\nRMB-2026-{3301 + k}\nRemboursement commande"
        for k, p in enumerate(_s)
    ),
    ids(_s, "i"),
)
_s = sl(8, 4)
case(
    "swift_mt103_messages_batch",
    "\n".join(
        f"""{{1:F01BNPAFRPPAXXX0000{k}00000}}{{2:I103DEUTDEFFXXXXN}}{{4:
:20:TRF2026113{k}
:23B:CRED
:32A:261130EUR{1200 + k * 50},00
:50K:/{_s[k].iban}
{up(_s[k].last)} {up(_s[k].first)}
{up(_s[k].street)}
:59:/{ibans(k)["DE"]}
{up(_s[(k + 1) % 4].last)} {up(_s[(k + 1) % 4].first)}
:71A:SHA
-}}"""
        for k in range(4)
    ),
    ids(_s, "i") | {("iban", ibans(k)["DE"]) for k in range(4)},
)
_s = sl(12, 4)
case(
    "sip_uris_pbx_users_export",
    "extension,display_name,sip_uri,voicemail_to,mobile_forward\n"
    + "\n".join(
        f'{201 + k},"{p.first} {p.last}",sip:{p.mobile}@voip.cabinet.lan;user=phone,{p.email},{p.mobile}'
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
)
_s = sl(16, 5)
case(
    "wa_me_links_target_list",
    "cibles arnaque colis — relancer sur WhatsApp\n"
    + "\n".join(
        f"{p.first} {up(p.last)} ({p.city}) → https://wa.me/{p.mobile[1:]}?text=Bonjour%20{p.first}" for p in _s
    ),
    ids(_s, "p"),
)
_s = sl(21, 3)


def _hex(s: str) -> str:
    return " ".join(s[i : i + 2] for i in range(0, len(s), 2))


case(
    "emv_tlv_hex_dumps_pan_and_track2",
    "\n\n".join(
        f"""== txn {k + 1} ==
5A 08 {_hex(p.card)}
5F 20 {len(up(p.last) + "/" + up(p.first)):02X} {up(p.last)}/{up(p.first)}
5F 24 03 {_hex(f"{28 + k}{k + 1:02d}28")}
57 13 {_hex(p.card + "D" + f"{28 + k}{k + 1:02d}" + "2011000000000000F")}"""
        for k, p in enumerate(_s)
    ),
    ids(_s, "c"),
)
_s = sl(24, 3)
_fz = ["Barbier#2026", "Roux-Rouen76", "Gautier!88"]
case(
    "filezilla_sitemanager_xml",
    '<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3 version="3.67.1" platform="windows">\n<Servers>\n'
    + "\n".join(
        f'<Server><Host>ftp.{p.email.split("@")[1]}</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><User>{p.email}</User><Pass encoding="base64">{base64.b64encode(_fz[k].encode()).decode()}</Pass><Logontype>1</Logontype><Name>perso {p.first}</Name></Server>'
        for k, p in enumerate(_s)
    )
    + "\n</Servers>\n</FileZilla3>",
    recall_only={("credential", f"{p.email}:{_fz[k]}") for k, p in enumerate(_s)},
    maybe=ids(_s, "e"),
)
_s = sl(27, 4)
case(
    "iban_in_form_boxes_four_characters_a_cell",
    "Formulaire de prélèvement — saisie OCR des cases\n"
    + "\n".join(
        f"Nom : {up(p.last)} {p.first} | Né(e) le : {fr_date(p.dob)}\nIBAN |{'|'.join(p.iban[i : i + 4] for i in range(0, 27, 4))}|"
        for p in _s
    ),
    ids(_s, "id"),
)

neg(
    "epc_qr_guideline_example",
    """EPC069-12 Quick Response Code — guidelines, example payload (Belgian Red Cross):
BCD
002
1
SCT
BPOTBEB1
Red Cross of Belgium
BE72000000001616
EUR1
CHAR

Urgency fund
Sample EPC QR code""",
)
neg(
    "mt103_documentation_sample",
    """MT103 field reference — sample message from the user handbook
:20:REFERENCE12345
:23B:CRED
:32A:090828EUR1000000,
:50K:/GB29NWBK60161331926819
ORDERING CUSTOMER NAME
:59:/DE89370400440532013000
BENEFICIARY NAME
:71A:SHA""",
)
neg(
    "sip_uri_rfc3261_examples",
    """RFC 3261 section 19.1.3, example SIP URIs:
    sip:alice@atlanta.com
    sip:alice:secretword@atlanta.com;transport=tcp
    sips:alice@atlanta.com?subject=project%20x&priority=urgent
    sip:+1-212-555-1212:1234@gateway.com;user=phone
    sip:alice@192.0.2.4""",
)
neg(
    "shop_whatsapp_business_link",
    """Crêperie Ty Breizh — commandes à emporter sur WhatsApp : https://wa.me/33298951122?text=Commande
Ouvert du mardi au dimanche, 11h45-14h et 18h45-22h. Galettes au blé noir, cidre fermier.
12 rue Kéréon, Quimper.""",
)
neg(
    "pos_receipts_masked_pans",
    "\n".join(
        f"CB SANS CONTACT  {fr_date(f'2026-11-2{k}')} {10 + k}:1{k}:0{k}\nCARTE XXXX XXXX XXXX {digits(k, 'l4', 4)}  A{digits(k, 'aid', 6)}\nMONTANT = {12 + k},{40 + k} EUR\nTICKET CLIENT A CONSERVER\n"
        for k in range(4)
    ),
)
neg(
    "emv_tag_reference_table",
    """EMV tags commonly read from a contactless card (EMV Book 3, Annex A)
Tag   Name                              Format      Length
5A    Application PAN                   cn          var. up to 10
57    Track 2 Equivalent Data           b           var. up to 19
5F20  Cardholder Name                   ans         2-26
5F24  Application Expiration Date       n 6 YYMMDD  3
9F02  Amount, Authorised                n 12        6""",
)

# ================================================================ as an attachment

_s = sl(26, 4)
case(
    "att_vcf_vcard4_contacts_file",
    "\r\n".join(
        line
        for p in _s
        for line in (
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{p.first} {p.last}",
            f"BDAY:{p.dob}",
            f"TEL;VALUE=uri;TYPE=cell:tel:{p.mobile}",
            f"EMAIL:{p.email}",
            "END:VCARD",
        )
    ).encode(),
    ids(_s, "dpe"),
    filename="Contacts (4).vcf",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 30): a regression fails.
FLOORS = {"recall": 0.64, "precision": 0.89}  # no article 9 here
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
