# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Recall round 10: shapes blind probe set 8 lost (wave 30), each written again with other people,
field names, separators and sizes, so that a fix holds for its class and not for the probe's one
example:

- a terminal's copy of a table without a header, its columns aligned by tabs AND runs of spaces
  (`shapes._tab_space_run`): the tab split put two values in a cell and no date column stood beside
  the names, every birth lost (set 8's terminal_copy_tabs_and_space_runs);
- a SOAP answer's records one a line, every tag namespaced (`<ns2:dateNaissance>`): the colons of
  the tags made the line a `:` separated row (`spaced.colon_rows`), read as `<ns2;...`, and the XML
  reader lost the births (soap_response_several_returns);
- a report printed in pages that repeat their header and rule (SQL*Plus's spool, a fixed-width
  listing): the last page's one row was dropped, a grid of one row (`shapes._page_head_above`;
  sqlplus_spool_pages_repeated_headers);
- a chat export's JSON whose dump goes on over several messages, two rows or one row and a word in
  each (one `\\n` escape): its rows stayed one JSON value, their dates untyped (`unveil._delimited`;
  telegram_json_export_rows_split_across_messages);
- rows whose cells a box-drawing bar parts (`║`, `│`, `┃`, `¦`), each row between two rules of dots
  or dashes: every row alone, and no lone record read such a row (`lone._SEPARATORS`;
  tilde_fence_rows_between_dotted_separators);
- a dox's or a register's line of several labelled fields (`Nom : LE BIHAN  Prénom : X  Né(e) le :
  ...`): read as one label, the surname's value ran to the line's end, the birth in it no field, and
  the record without a birth lost its NIR too (`shapes._line_pairs`; set 8c's fnaeg_dna_profiles).

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set;
a negative's hold none of the types it bans. The positives failed before this round's change on
both engines (the two guards marked so excepted); both engines give the same fragments;
`detect_many` (the crawl's road) finds what `detect` does. Values are synthetic: made-up people,
numbers libphonenumber calls valid, NIRs with their keys."""

from __future__ import annotations

import json
import unicodedata

from indexer.tokens import MatchKey
from tests.blind_probe_harness import e164, nir
from tests.native_core import people_ids, recall_file_tests

KEY = MatchKey(b"\x3a" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

_FIRST = ["Maëlys", "Yanis", "Héloïse", "Corentin", "Aïcha", "Florian", "Perrine", "Nabil", "Clémence", "Loïc", "Sandrine", "Wassim"]
_LAST = ["Le Goff", "Moulin", "Abdelli", "Garnier", "Da Costa", "Perrot", "Meyer", "Le Bris", "Carpentier", "Hoarau", "Benoît", "Sanchez"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "hotmail.fr", "yahoo.fr", "outlook.fr"]


def _person(i: int) -> dict[str, str]:
    first, last = _FIRST[i % 12], _LAST[(i * 5 + 2) % 12]
    plain = unicodedata.normalize("NFKD", first.lower()).encode("ascii", "ignore").decode()
    plain_last = unicodedata.normalize("NFKD", last.lower()).encode("ascii", "ignore").decode().replace(" ", "")
    y, m, d = 1946 + (i * 13) % 57, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    national = f"06{(42817365 + i * 7723) % 10**8:08d}" if i % 2 else f"07{(53102947 + i * 5113) % 10**8:08d}"
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{(13 + i * 7) % 89 + 1:02d}{(211 + i * 43) % 989 + 1:03d}{(401 + i * 61) % 989 + 1:03d}"
    return {
        "first": first,
        "last": last,
        "mail": f"{plain}.{plain_last}{i + 3}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "spaced": " ".join(national[k:k + 2] for k in range(0, 10, 2)),
        "e164": e164(national),
        "iso": f"{y}-{m:02d}-{d:02d}",
        "fr": f"{d:02d}/{m:02d}/{y}",
        "dot": f"{d:02d}.{m:02d}.{y}",
        "nir": nir(body),
    }


PEOPLE = [_person(i) for i in range(16)]


_ids = people_ids


def _up(s: str) -> str:
    return s.upper()


POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}

# ------------------------------------------------------------------ a terminal's copy: tabs and runs of spaces

_A = PEOPLE[0:4]
POSITIVES["terminal__name_padded_nir_and_phone_in_one_tab_cell"] = (
    "\n".join(f"{_up(p['last']):<13}{p['first']}\t{p['nir']}   {p['national']}\t\t{p['dot']}\t{p['mail']}" for p in _A),
    _ids(_A, "mail phone dob nir"),
)
_B = PEOPLE[4:9]
POSITIVES["terminal__tabs_between_names_spaces_after_iso_dates"] = (
    "\n".join(f"{p['first']}\t{p['last']}\t{p['mail']}{' ' * (2 + n % 3)}{p['spaced']}    {p['iso']}" for n, p in enumerate(_B)),
    _ids(_B, "mail phone dob"),
)
_C = PEOPLE[9:12]
POSITIVES["terminal__spaced_phone_then_mail_and_date_in_one_tab_cell"] = (
    "\n".join(f"{_up(p['last']):<12}{p['first']:<10}\t{p['spaced']}\t{p['mail']}   {p['fr']}" for p in _C),
    _ids(_C, "mail phone dob"),
)
NEGATIVES["terminal__tickets_copy_recent_dates"] = (
    "\n".join(f"{p['mail']}{' ' * (3 + n)}TCK-{4410 + n}\t\t{2024 + n % 2}-0{n + 1}-1{n}\touvert" for n, p in enumerate(PEOPLE[:5])),
    frozenset({"dob", "phone", "nir"}),
)
NEGATIVES["terminal__orders_copy_no_person"] = (
    "\n".join(f"CMD-{2210 + n}   {12 + n},90 EUR\t\t{1 + n:02d}/03/2025\tlivré   Colissimo" for n in range(6)),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ SOAP answers: namespaced tags, a record a line

_D = PEOPLE[1:5]
POSITIVES["soap__ns2_french_fields_one_return_a_line"] = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:listerAssuresResponse xmlns:ns2="http://ws.caisse.example/assure/v2">\n'
    + "\n".join(f"<return><ns2:id>{7700 + n}</ns2:id><ns2:nom>{_up(p['last'])}</ns2:nom><ns2:prenom>{p['first']}</ns2:prenom><ns2:dateNaissance>{p['iso']}</ns2:dateNaissance><ns2:mobile>{p['national']}</ns2:mobile><ns2:mail>{p['mail']}</ns2:mail></return>" for n, p in enumerate(_D))
    + "\n</ns2:listerAssuresResponse></soap:Body></soap:Envelope>",
    _ids(_D, "mail phone dob"),
)
_E = PEOPLE[6:9]
POSITIVES["soap__tns_english_birth_date_and_ssn"] = (
    "<tns:customers xmlns:tns=\"urn:crm:export\">\n"
    + "\n".join(f"<tns:customer><tns:lastName>{p['last']}</tns:lastName><tns:birthDate>{p['iso']}</tns:birthDate><tns:ssn>{p['nir']}</tns:ssn><tns:email>{p['mail']}</tns:email></tns:customer>" for p in _E)
    + "\n</tns:customers>",
    _ids(_E, "mail dob nir"),
)
_F = PEOPLE[10:14]
POSITIVES["soap__wcf_a_prefix_dates_day_first"] = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetPatientsResult xmlns:a="http://schemas.datacontract.org/2004/07/Clinic">\n'
    + "\n".join(f"<a:Patient><a:DateOfBirth>{p['fr']}</a:DateOfBirth><a:FamilyName>{p['last']}</a:FamilyName><a:Phone>{p['spaced']}</a:Phone><a:Email>{p['mail']}</a:Email></a:Patient>" for p in _F)
    + "\n</GetPatientsResult></s:Body></s:Envelope>",
    _ids(_F, "mail phone dob"),
)
_G = PEOPLE[2:6]
POSITIVES["colon_rows__still_read_as_rows (guard)"] = (
    "\n".join(f"{_up(p['last'])}:{p['first']}:{p['fr']}:{p['mail']}:{p['national']}" for p in _G),
    _ids(_G, "mail phone dob"),
)
NEGATIVES["soap__orders_namespaced_no_person"] = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:commandesResponse xmlns:ns2="urn:shop">\n'
    + "\n".join(f"<ns2:commande><ns2:ref>C-{880 + n}</ns2:ref><ns2:dateCommande>2025-0{n + 1}-0{n + 2}</ns2:dateCommande><ns2:montant>{30 + n}.50</ns2:montant><ns2:statut>expédiée</ns2:statut></ns2:commande>" for n in range(4))
    + "\n</ns2:commandesResponse></soap:Body></soap:Envelope>",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["soap__fault_and_wsdl_types"] = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode>\n'
    '<faultstring>Validation error: ns2:dateNaissance expected xs:date</faultstring><detail><ns2:code>E-1987</ns2:code></detail></soap:Fault>\n'
    '<xs:element name="dateNaissance" type="xs:date"/><xs:element name="telephone" type="xs:string"/><xs:element name="nir" type="xs:string"/>\n'
    "</soap:Body></soap:Envelope>",
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ reports printed in pages: a header each page


def _ruled_page(rows: list[dict[str, str]], names: tuple[str, ...], widths: tuple[int, ...], keys: tuple[str, ...], rule: str = "-") -> str:
    head = " ".join(f"{n:<{w}}" for n, w in zip(names, widths, strict=True)) + "\n" + " ".join(rule * w for w in widths)
    return head + "\n" + "\n".join(" ".join(f"{(_up(p[k]) if k == 'last' else p[k]):<{w}}" for k, w in zip(keys, widths, strict=True)) for p in rows)


_H = PEOPLE[0:5]
POSITIVES["pages__sqlplus_four_then_one_nir_column"] = (
    "SQL> SET PAGESIZE 8\nSQL> SELECT nom, prenom, nir, email FROM assures;\n\n"
    + "\n\f\n".join(_ruled_page(_H[k:k + 4], ("NOM", "PRENOM", "NIR", "EMAIL"), (14, 10, 15, 34), ("last", "first", "nir", "mail")) for k in (0, 4))
    + "\n\n5 rows selected.\n",
    _ids(_H, "mail nir"),
)
_I = PEOPLE[5:12]
POSITIVES["pages__equals_rule_three_pages_last_one_row"] = (
    "\n\f\n".join(_ruled_page(_I[k:k + 3], ("EMAIL", "TEL", "NAISSANCE"), (32, 12, 10), ("mail", "national", "fr"), rule="=") for k in (0, 3, 6))
    + "\n",
    _ids(_I, "mail phone dob"),
)
_J = PEOPLE[12:16]


def _fixed_page(rows: list[dict[str, str]]) -> str:
    return "NOM            PRENOM       DATE_NAISSANCE   EMAIL\n" + "\n".join(
        f"{_up(p['last']):<15}{p['first']:<13}{p['fr']:<17}{p['mail']}" for p in rows)


POSITIVES["pages__fixed_width_header_repeated_no_rule"] = (
    "LISTE DES ADHERENTS                                  page 1\n" + _fixed_page(_J[:3])
    + "\n\f\nLISTE DES ADHERENTS                                  page 2\n" + _fixed_page(_J[3:]) + "\n",
    _ids(_J, "mail dob"),
)
NEGATIVES["pages__one_sample_row_under_each_of_two_headers"] = (
    "Format attendu :\n" + _ruled_page(PEOPLE[0:1], ("NOM", "EMAIL", "TELEPHONE", "DATE_NAIS"), (14, 34, 12, 10), ("last", "mail", "national", "fr"))
    + "\n\nEt pour l'export suivant, le même :\n" + _ruled_page(PEOPLE[1:2], ("NOM", "EMAIL", "TELEPHONE", "DATE_NAIS"), (14, 34, 12, 10), ("last", "mail", "national", "fr")) + "\n",
    frozenset({"dob"}),
)
NEGATIVES["pages__stock_report_last_page_one_row"] = (
    "\n\f\n".join(
        "REF        LIBELLE                 QTE   DATE_ENTREE\n---------- ----------------------- ----- -----------\n"
        + "\n".join(f"A-{k * 3 + r:04d}     Carton {k * 3 + r} x 12          {10 + r:<5} 1{r}/02/2025" for r in range(3 if k < 2 else 1))
        for k in range(3)) + "\n",
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ a chat export's dump over several messages


def _tg(texts: list[str], key: str = "text", kind: str = "message") -> str:
    return json.dumps({"name": "leaks_fr", "type": "private_channel", "id": 1733004411, "messages": [
        {"id": 300 + n, "type": kind, "date": f"2026-11-29T0{n}:1{n}:00", key: t} for n, t in enumerate(texts)]},
        ensure_ascii=False, indent=1)


_K = PEOPLE[3:8]
_k = [f"{_up(p['last'])};{p['first']};{p['fr']};{p['mail']};{p['spaced']}" for p in _K]
POSITIVES["chat_json__semicolon_rows_two_then_two_then_one"] = (
    _tg(["NOM;PRENOM;NE_LE;MAIL;TEL\n" + "\n".join(_k[:2]), "\n".join(_k[2:4]), _k[4] + "\nla suite ce soir"]),
    _ids(_K, "mail phone dob"),
)
_L = PEOPLE[8:12]
_l = [f"{p['mail']}|{p['e164']}|{p['iso']}|{p['last']}" for p in _L]
POSITIVES["chat_json__discord_content_pipes_two_a_message"] = (
    json.dumps({"guild": {"id": "77120", "name": "base"}, "messages": [
        {"id": str(9000 + n), "type": "Default", "timestamp": "2026-11-30T10:00:00+00:00", "content": "\n".join(rows)}
        for n, rows in enumerate((_l[:2], _l[2:]))]}, ensure_ascii=False, indent=2),
    _ids(_L, "mail phone dob"),
)
_M = PEOPLE[12:16]
_m = [f"{p['first']}\t{p['last']}\t{p['dot']}\t{p['nir']}\t{p['mail']}" for p in _M]
POSITIVES["chat_json__tab_rows_one_line_json_two_values"] = (
    json.dumps({"paste": {"id": "aZ9", "parts": [{"body": "\n".join(_m[:2])}, {"body": "\n".join(_m[2:])}]}}, ensure_ascii=False),
    _ids(_M, "mail dob nir"),
)
NEGATIVES["chat_json__menus_and_prices_one_break"] = (
    _tg(["Menu du jour : entrée, plat, dessert, café 14,50 €\nRéservation conseillée le midi",
         "Horaires : lundi, mardi, jeudi, vendredi 9h-18h\nFermé le 25/12/2025 et le 01/01/2026",
         "Tarifs 2026 : 10, 20, 50, 100 crédits\nPaiement par carte uniquement"]),
    frozenset({"dob", "phone", "nir", "email", "card"}),
)
NEGATIVES["chat_json__orders_two_rows_recent_dates"] = (
    _tg(["CMD-1,2025-01-03,49.90,livré\nCMD-2,2025-02-11,12.00,livré", "CMD-3,2025-03-08,8.50,annulé\nCMD-4,2025-03-09,99.00,livré"]),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ box-drawing bars, a rule between rows

_N = PEOPLE[0:4]
POSITIVES["box__double_bar_dotted_rules_in_tilde_fence"] = (
    "extrait, le reste en privé\n~~~\n"
    + "\n· · · · · · · · · · · · · · · ·\n".join(f"{p['first']} {p['last']} ║ {p['mail']} ║ {p['spaced']} ║ {p['fr']}" for p in _N)
    + "\n~~~\n",
    _ids(_N, "mail phone dob"),
)
_O = PEOPLE[4:7]
POSITIVES["box__light_bar_dash_rules_iso_dates"] = (
    "\n──────────────────────────────\n".join(f"│ {_up(p['last'])} │ {p['iso']} │ {p['national']} │ {p['mail']} │" for p in _O) + "\n",
    _ids(_O, "mail phone dob"),
)
_P = PEOPLE[7:10]
POSITIVES["box__heavy_bar_bullet_rules_nir_no_phone"] = (
    "\n• • • • • • • • • •\n".join(f"{p['first']} ┃ {p['mail']} ┃ {p['nir']} ┃ {p['dot']}" for p in _P),
    _ids(_P, "mail dob nir"),
)
_Q = PEOPLE[10:13]
POSITIVES["box__broken_bar_blank_lines_between"] = (
    "\n\n".join(f"{p['last']} ¦ {p['first']} ¦ {p['mail']} ¦ {p['spaced']} ¦ {p['fr']}" for p in _Q),
    _ids(_Q, "mail phone dob"),
)
NEGATIVES["box__price_list_between_dotted_rules"] = (
    "\n· · · · · · · · · ·\n".join(f"Article {n} ║ {12 + n},90 € ║ 0{n + 1}/03/2025 ║ en stock ║ réf 4410{n}" for n in range(4)),
    frozenset({"dob", "phone", "nir", "email", "card"}),
)
NEGATIVES["box__shop_contacts_no_birth"] = (
    "\n─────────────\n".join(f"Boutique {c} ║ contact@boutique-{c.lower()}.fr ║ 02 40 4{n} 12 00 ║ ouvert 9h-19h" for n, c in enumerate(("Nantes", "Rennes", "Brest"))),
    frozenset({"dob", "nir"}),
)


# ------------------------------------------------------------------ a dox's line of several labelled fields


def _spaced_nir(v: str) -> str:
    return f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}"


_R = [p for p in PEOPLE if " " in p["last"]][:3]
POSITIVES["line_pairs__register_heads_two_word_surnames"] = (
    "\n\n".join(f"REGISTRE — fiche {5521 + n}\nNom : {_up(p['last'])}  Prénom : {p['first']}  Né(e) le : {p['fr']}\nNIR : {_spaced_nir(p['nir'])}\nObservations : RAS"
                for n, p in enumerate(_R)),
    _ids(_R, "dob nir"),
)
_S = [p for p in PEOPLE if " " in p["last"]][1:3]
POSITIVES["line_pairs__pipes_between_pairs_then_contacts"] = (
    "\n\n".join(f"NOM: {_up(p['last'])} | PRÉNOM: {p['first']} | DATE DE NAISSANCE: {p['iso']} | VILLE: Quimper\nTél : {p['spaced']}\nN° sécu : {p['nir']}"
                for p in _S),
    _ids(_S, "phone dob nir"),
)
_T = [p for p in PEOPLE if " " in p["last"]][:2]
POSITIVES["line_pairs__english_surname_first_name_dob"] = (
    "\n\n".join(f"Record {n + 1}\nSurname: {_up(p['last'])}  Given name: {p['first']}  Date of birth: {p['dot']}\nSocial security no: {_spaced_nir(p['nir'])}\nSample: buccal swab"
                for n, p in enumerate(_T)),
    _ids(_T, "dob nir"),
)
NEGATIVES["line_pairs__blank_form_template"] = (
    "Nom : NOM  Prénom : Prénom  Né(e) le : jj/mm/aaaa\nNIR : _ __ __ __ ___ ___ __\nObservations : ...\n",
    frozenset({"dob", "nir", "phone", "email"}),
)
NEGATIVES["line_pairs__company_record_founding_date"] = (
    "Raison sociale : LE BON PAIN  Forme : SAS  Créée le : 12/03/2006\nTél : 02 98 44 12 00\nSiège : 4 rue de Siam, 29200 Brest\n",
    frozenset({"dob", "nir"}),
)

globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))
