# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Recall round 10b: identifiers blind probe set 9b found in links and card forms (wave 30), each
written again with other people, link kinds, separators and sizes, so that a fix holds for its
class and not for the probe's one example, and the precision cases of the same shapes:

- a dialling link that does not show its number (`<a href="tel:+33...">Appeler</a>`, `sms:`,
  `callto:`, WhatsApp's `https://wa.me/336...` and `api.whatsapp.com/send?phone=`): the number read
  in place of the link's text (`html_text._tel_read`);
- WhatsApp's click-to-chat links in text (a scam's target list): the international number the link
  writes without its `+` (`detect.dial`);
- a pretty-printed JSON record whose identifiers are an array's elements, one a line (`"uris": [
  "tel:+33-6-...", "mailto:..."]`): the walk up to the value's first line stopped at them
  (`records._JSON_ELEMENT`);
- jCard (RFC 7095): cards written as JSON arrays of `[name, params, type, value]`, read as objects
  keyed by their properties (`detect.jcard`);
- xCard (RFC 6351): a property's value in an element named for its type (`<bday><date>19560505
  </date></bday>`), named by its property (`records._xcard_property`);
- precision: a SIP URI's user (`sip:+33612345678@voip.cabinet.lan;user=phone`) is a phone, read
  as one when valid, and no e-mail address; a template's blank (`____@clinique.example`) is no
  address (`notmail`).

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set;
a negative's hold none of the types it bans. Every positive failed before this round's change on
both engines; both engines give the same fragments; `detect_many` (the crawl's road) finds what
`detect` does. Values are synthetic: made-up people, numbers libphonenumber calls valid."""

from __future__ import annotations

import json

from indexer.tokens import MatchKey
from tests.blind_probe_harness import e164
from tests.native_core import people_ids, recall_file_tests

KEY = MatchKey(b"\x3b" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

_FIRST = ["Maëlle", "Yanis", "Capucine", "Noah", "Jade", "Sacha", "Romane", "Ilyès", "Zoé", "Évan", "Lina", "Côme"]
_LAST = ["Kerbrat", "Haddad", "Le Gall", "Vasseur", "Nguyen", "Delorme", "Abadie", "Ferreira", "Quéré", "Lemoine", "Tessier", "Bouvier"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "hotmail.fr", "outlook.fr", "wanadoo.fr"]


def _person(i: int) -> dict[str, str]:
    first, last = _FIRST[i % 12], _LAST[(i * 5 + 2) % 12]
    plain = first.lower().translate(str.maketrans("ëèéêïîôç", "eeeeiioc"))
    y, m, d = 1951 + (i * 13) % 52, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    national = f"06{(24681357 + i * 7717) % 10**8:08d}" if i % 2 else f"07{(58371946 + i * 3301) % 10**8:08d}"
    return {
        "first": first,
        "last": last,
        "mail": f"{plain}.{last.lower().replace(' ', '').replace('é', 'e')}{i + 3}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "e164": e164(national),
        "iso": f"{y}-{m:02d}-{d:02d}",
        "fr": f"{d:02d}/{m:02d}/{y}",
        "compact": f"{y}{m:02d}{d:02d}",
    }


PEOPLE = [_person(i) for i in range(12)]


_ids = people_ids


def _dashed(e: str) -> str:
    """`+33-6-12-34-56-78`, RFC 3966's visual separators."""
    n = e[3:]
    return f"+33-{n[0]}-{n[1:3]}-{n[3:5]}-{n[5:7]}-{n[7:9]}"


POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}

# ------------------------------------------------------------------ dialling links in HTML
_A = PEOPLE[0:4]
POSITIVES["html__tel_links_list_items_with_mailto"] = (
    "<ul>\n"
    + "\n".join(f'<li>{p["last"].upper()}, {p["first"]}, <a href="tel:{p["national"]}">📞</a> <a href="mailto:{p["mail"]}">✉</a></li>' for p in _A)
    + "\n</ul>",
    _ids(_A, "phone mail"),
)
_B = PEOPLE[4:8]
POSITIVES["html__whatsapp_buttons_in_div_rows"] = (
    '<div class="rows">\n'
    + "\n".join(f'<div class="r"><span>{p["first"]} {p["last"]}</span> <span>{p["fr"]}</span> <a class="btn" href="https://wa.me/{p["e164"][1:]}?text=Bonjour">WhatsApp</a></div>' for p in _B)
    + "\n</div>",
    _ids(_B, "phone dob"),
)
_C = PEOPLE[8:12]
POSITIVES["html__sms_callto_and_api_whatsapp_table"] = (
    "<table><tr><th>Nom</th><th>SMS</th><th>Mail</th></tr>\n"
    + "\n".join(
        f'<tr><td>{p["first"]} {p["last"]}</td><td><a href="{["sms:", "callto:", "https://api.whatsapp.com/send?phone="][k % 3]}{p["national"] if k % 3 < 2 else p["e164"][1:]}">écrire</a></td><td>{p["mail"]}</td></tr>'
        for k, p in enumerate(_C))
    + "\n</table>",
    _ids(_C, "phone mail"),
)
_D = PEOPLE[2:5]
POSITIVES["html__tel_uri_dashed_with_extension"] = (
    "<table>\n"
    + "\n".join(f'<tr><td>{p["first"]}</td><td><a href="tel:{_dashed(p["e164"])};ext=12">Appeler</a></td><td>{p["mail"]}</td><td>{p["fr"]}</td></tr>' for p in _D)
    + "\n</table>",
    _ids(_D, "phone mail dob"),
)
NEGATIVES["html__shop_footer_one_tel_and_whatsapp_link"] = (
    '<footer><p>Boulangerie Le Fournil — <a href="tel:+33298001122">Appelez-nous</a> · '
    '<a href="https://wa.me/33298001122">WhatsApp</a> · <a href="mailto:contact@fournil.example">Écrire</a></p>\n'
    "<p>Ouvert du mardi au dimanche, 7h-19h30. Commandes de gâteaux 48 h à l'avance.</p></footer>",
    frozenset({"phone", "dob"}),
)
NEGATIVES["html__links_to_nothing_dialled"] = (
    "<ul>\n" + "\n".join(f'<li><a href="https://wa.me/message/QX{k}ZT4">Groupe {k}</a> <a href="tel:">—</a> <a href="sms:?body=STOP">STOP</a></li>' for k in range(5)) + "\n</ul>",
    frozenset({"phone"}),
)

# ------------------------------------------------------------------ WhatsApp links in text
_E = PEOPLE[1:6]
POSITIVES["text__wa_me_target_list_with_messages"] = (
    "liste relance colis bloqué\n"
    + "\n".join(f"{k + 1}. {p['first']} {p['last'][0]}. : https://wa.me/{p['e164'][1:]}?text=Votre%20colis%20est%20bloqu%C3%A9" for k, p in enumerate(_E)),
    _ids(_E, "phone"),
)
_F = PEOPLE[6:10]
POSITIVES["text__api_whatsapp_send_links_with_births"] = (
    "relances anniversaire (promo -20 %)\n"
    + "\n".join(f"{p['last']} {p['first']}, né(e) le {p['fr']} https://api.whatsapp.com/send/?phone={p['e164'][1:]}&text&type=phone_number&app_absent=0" for p in _F),
    _ids(_F, "phone dob"),
)
_G = PEOPLE[0:3] + [{"first": "Wout", "last": "Peeters", "e164": "+32475612398"}]
POSITIVES["text__whatsapp_scheme_and_web_links_belgian"] = (
    "\n".join(f"- {p['first']} {p['last']} {['whatsapp://send?phone=', 'https://web.whatsapp.com/send?phone=', 'wa.me/'][k % 3]}{p['e164'][1:]}" for k, p in enumerate(_G)),
    {("phone", p["e164"]) for p in _G},
)
NEGATIVES["text__group_invites_and_flags"] = (
    "Rejoignez nos groupes : https://chat.whatsapp.com/K3xYz12AbC et https://wa.me/message/ABCDEF123\n"
    "Paramètres de l'appli : notify_by_phone=true&phone=&lang=fr\n"
    "Le support répond sur https://wa.me/qr/7XKQ2 du lundi au vendredi.\n"
    "Build 20240315 du 15/03/2024, ticket 1234567890.",
    frozenset({"phone", "dob"}),
)

# ------------------------------------------------------------------ pretty JSON arrays of identifiers
_H = PEOPLE[3:7]
POSITIVES["json__uris_array_dashed_tel_and_mailto"] = (
    json.dumps([{"name": f"{p['first']} {p['last']}", "uris": [f"tel:{_dashed(p['e164'])}", f"mailto:{p['mail']}"], "birthday": p["iso"]} for p in _H], ensure_ascii=False, indent=2),
    _ids(_H, "phone mail dob"),
)
_I = PEOPLE[7:11]
POSITIVES["json__phones_and_emails_arrays_four_spaces"] = (
    json.dumps({"contacts": [{"id": 40 + k, "displayName": p["first"], "phones": [p["national"]], "emails": [p["mail"]], "dob": p["fr"]} for k, p in enumerate(_I)]}, ensure_ascii=False, indent=4),
    _ids(_I, "phone mail dob"),
)
_J = PEOPLE[9:12]
POSITIVES["json__tab_indented_phone_context_and_mails"] = (
    json.dumps([{"nom": p["last"], "telephones": [f"tel:{p['national']};phone-context=+33"], "mails": [p["mail"], "newsletter"], "naissance": p["iso"]} for p in _J], ensure_ascii=False, indent="\t"),
    _ids(_J, "phone mail dob"),
)
NEGATIVES["json__config_arrays_of_strings_and_dates"] = (
    json.dumps({"name": "vigie-demo", "keywords": ["leak", "monitor", "gdpr"], "releases": ["2024-01-15", "2024-03-02", "2024-06-30"],
                "locales": ["fr-FR", "en-GB", "de-DE"], "build": {"dates": ["1999-12-31", "2000-01-01"], "ids": ["A-1234", "B-0987"]}}, indent=2),
    frozenset({"phone", "dob", "email"}),
)

# ------------------------------------------------------------------ xCard births
_K = PEOPLE[0:3]
POSITIVES["xcard__namespaced_date_and_or_time"] = (
    '<?xml version="1.0"?>\n<v:vcards xmlns:v="urn:ietf:params:xml:ns:vcard-4.0">\n'
    + "\n".join(f"<v:vcard><v:fn><v:text>{p['first']} {p['last']}</v:text></v:fn><v:bday><v:date-and-or-time>{p['iso']}</v:date-and-or-time></v:bday><v:email><v:text>{p['mail']}</v:text></v:email></v:vcard>" for p in _K)
    + "\n</v:vcards>",
    _ids(_K, "mail dob"),
)
_L = PEOPLE[5:9]
POSITIVES["xcard__one_property_a_line_with_parameters"] = (
    "<vcards xmlns=\"urn:ietf:params:xml:ns:vcard-4.0\">\n"
    + "\n".join(
        f"<vcard>\n <n><surname>{p['last']}</surname><given>{p['first']}</given></n>\n <bday><parameters><calscale><text>gregorian</text></calscale></parameters><date>{p['compact']}</date></bday>\n"
        f" <tel><parameters><type><text>cell</text></type></parameters><uri>tel:{p['e164']}</uri></tel>\n</vcard>"
        for p in _L)
    + "\n</vcards>",
    _ids(_L, "phone dob"),
)
_M = PEOPLE[8:11]
POSITIVES["xcard__anniversary_is_no_birth"] = (
    "<vcards>\n"
    + "\n".join(f"<vcard><fn><text>{p['first']}</text></fn><bday><date>{p['iso']}</date></bday><anniversary><date>2015-06-20</date></anniversary><email><text>{p['mail']}</text></email></vcard>" for p in _M)
    + "\n</vcards>",
    _ids(_M, "mail dob"),
)
NEGATIVES["xml__events_with_date_elements"] = (
    "<events>\n" + "\n".join(f"<event><title><text>Atelier {k}</text></title><start><date>2024-0{k + 1}-1{k}</date></start><uri>https://asso.example/e/{k}</uri></event>" for k in range(5)) + "\n</events>",
    frozenset({"dob", "phone", "email"}),
)

# ------------------------------------------------------------------ jCard (RFC 7095)


def _jcard(p: dict[str, str], tel: str, extra: bool = False) -> list[object]:
    props: list[list[object]] = [["version", {}, "text", "4.0"], ["fn", {}, "text", f"{p['first']} {p['last']}"],
                                 ["n", {}, "text", [p["last"], p["first"], "", "", ""]], ["bday", {}, "date", p["iso"]],
                                 ["tel", {"type": ["cell"]}, "uri", tel], ["email", {"type": "home"}, "text", p["mail"]]]
    if extra:
        props.insert(3, ["adr", {"type": "home"}, "text", ["", "", "12 rue des Lilas", "Rennes", "", "35000", "France"]])
        props.append(["tel", {"type": ["work", "voice"]}, "uri", "tel:+33-2-99-00-11-22;ext=301"])
    return ["vcard", props]


_Q = PEOPLE[1:4]
POSITIVES["jcard__one_card_a_line"] = (
    "\n".join(json.dumps(_jcard(p, f"tel:{p['e164']}"), ensure_ascii=False) for p in _Q),
    _ids(_Q, "phone mail dob"),
)
_R = PEOPLE[4:8]
POSITIVES["jcard__pretty_printed_with_address_and_work_line"] = (
    json.dumps([_jcard(p, f"tel:{_dashed(p['e164'])}", extra=True) for p in _R], ensure_ascii=False, indent=2),
    _ids(_R, "phone mail dob") | {("phone", "+33299001122")},
)
_S = PEOPLE[8:12]
POSITIVES["jcard__api_wrapper_national_numbers"] = (
    json.dumps({"status": "ok", "addressbook": "perso", "cards": [_jcard(p, p["national"]) for p in _S]}, ensure_ascii=False),
    _ids(_S, "phone mail dob"),
)
NEGATIVES["jcard__rfc7095_example_card_in_prose"] = (
    "RFC 7095, B.1, gives this example of a jCard:\n\n"
    + json.dumps(["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Simon Perreault"], ["bday", {}, "date-and-or-time", "--02-03"],
                            ["tel", {"type": ["work", "voice"], "pref": "1"}, "uri", "tel:+1-418-656-9254;ext=102"],
                            ["tel", {"type": ["work", "cell"]}, "uri", "tel:+1-418-262-6501"],
                            ["email", {"type": "work"}, "text", "simon.perreault@viagenie.ca"]]], indent=2)
    + "\n\nThe same card in vCard is in RFC 6350.",
    frozenset({"phone", "email", "dob"}),
)

# ------------------------------------------------------------------ SIP URIs and template blanks (precision)
_N = PEOPLE[2:6]
POSITIVES["sip__uppercase_scheme_user_phone_semicolons"] = (
    "poste;nom;uri;messagerie\n" + "\n".join(f"{301 + k};{p['first']} {p['last']};SIP:{p['e164']}@pbx.mairie.lan;{p['mail']}" for k, p in enumerate(_N)),
    _ids(_N, "phone mail"),
)
_O = PEOPLE[6:9]
POSITIVES["sip__sips_national_user_in_json_lines"] = (
    "\n".join(json.dumps({"ext": 400 + k, "user": p["first"], "contact": f"<sips:{p['national']}@voip.example.net;transport=tls>", "email": p["mail"]}) for k, p in enumerate(_O)),
    _ids(_O, "phone mail"),
)
_P = PEOPLE[9:12]
POSITIVES["sip__pipe_table_national_users"] = (
    "ext | nom | contact | courriel\n" + "\n".join(f"{500 + k} | {p['first']} {p['last']} | sip:{p['national']}@sip{k + 1}.ovh.net:5060 | {p['mail']}" for k, p in enumerate(_P)),
    _ids(_P, "phone mail"),
)
NEGATIVES["sip__rfc3261_trace_names_not_mailboxes"] = (
    "INVITE sip:bob@biloxi.example.com SIP/2.0\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n"
    "To: Bob <sip:bob@biloxi.example.com>\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\nCSeq: 314159 INVITE\n"
    "REGISTER sips:ss2.biloxi.example.com SIP/2.0\nContact: <sips:carol@cube2214a.chicago.example.com>",
    frozenset({"email"}),
)
NEGATIVES["template__underscore_blanks_for_addresses"] = (
    "FICHE CONTACT (à remplir)\n"
    + "\n".join(f"Nom : ________  Prénom : ________  Courriel : {'_' * (4 + k)}@{['clinique.example', 'mairie-exemple.fr', 'ecole.example'][k % 3]}  Tél : __ __ __ __ __" for k in range(4)),
    frozenset({"email", "phone"}),
)


globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))
