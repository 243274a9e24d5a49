"""Recall round 8 (blind set 7's misses of record shapes and identifier forms), each class written
again with other people, names, separators and sizes than the probe showed, with benign texts of
the same shapes that must stay clean:

- a column named by a generic head and what it holds (Kibana's `user.birthday`, `client.dob`,
  `patient.birthdate`): typed by its tail; a header whose names start with `@` (Kibana's and
  Logstash's `@timestamp`, `@version`) is still a header (an address's `x@` is a row's);
- a typed store's wrapper of one value (DynamoDB's `"dob": {"S": "1980-11-15"}`, Firestore's
  `{"timestampValue": ...}`): the value keeps its key's role;
- a YAML list of records whose keys nest (`contact:` over `email:`, `mobile:`) or hold a block
  scalar's text (`notes: |`): the whole record is read, not its first lines;
- a birth said in words inside a value no column or label types, once the text is a leak's
  fragment: an agenda's cell `M. X (née le 1er mars 1962)`, a chat export's message (JSON escapes
  `n\\u00e9e le`, Messenger's mojibake `n\\u00c3\\u00a9 le`), a label's `NÉ(E) LE`, a notes cell's
  `born on`, a report line's `DOB:`; not a thing's start (`le projet est né le`, `was born on`).

Scoring: a positive's identifiers of the scored types equal the expected set; a negative's hold
none of the types it bans. Every positive failed before its change on both engines (the change
switched off); both engines give the same fragments; `detect_many` (the crawl's road) finds what
`detect` does. Values are synthetic: made-up people, numbers libphonenumber calls valid, NIRs with
their key."""

from __future__ import annotations

import json

from indexer.tokens import MatchKey
from tests.blind_probe_harness import nir
from tests.native_core import people_ids, recall_file_tests

KEY = MatchKey(b"\x58" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id"})
Ids = set[tuple[str, str]]

_FIRST = ["Nadège", "Bastien", "Léna", "Hugo", "Inès", "Mathis", "Romane", "Karim", "Zoé", "Timothée"]
_LAST = ["Rolland", "Benard", "Collet", "Huet", "Marchal", "Poulain", "Lacroix", "Tessier", "Gillet", "Leblanc"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "outlook.fr", "bbox.fr", "neuf.fr"]


def _person(i: int) -> dict[str, str]:
    """The i-th made-up person: e-mail, a French mobile, a birth (ISO and French) and a NIR."""
    first, last = _FIRST[i % 10], _LAST[(i * 3 + 1) % 10]
    plain = first.lower().translate(str.maketrans("èéïô", "eeio"))
    y, m, d = 1941 + (i * 7) % 60, 1 + (i * 5) % 12, 2 + (i * 11) % 27
    national = f"062{(3456789 + i * 7919) % 10**7:07d}" if i % 2 else f"078{(2345671 + i * 4447) % 10**7:07d}"
    return {
        "first": first,
        "last": last,
        "mail": f"{plain}.{last.lower()}{i + 20}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "e164": "+33" + national[1:],
        "iso": f"{y}-{m:02d}-{d:02d}",
        "fr": f"{d:02d}/{m:02d}/{y}",
        "nir": nir(
            f"{1 + i % 2}{y % 100:02d}{m:02d}{14 + i % 70:02d}{(i * 41) % 900 + 100:03d}{(i * 59) % 900 + 100:03d}"
        ),
    }


_PEOPLE = [_person(i) for i in range(12)]


_ids = people_ids


# ------------------------------------------------------------ generic heads, `@` names in a header


def _dotted_csv(people: list[dict[str, str]], sep: str, head: tuple[str, ...], born: str, q: str = '"') -> str:
    """An export's header of dotted field names (`head`: time, mail, phone, birth, action) and rows."""
    rows = [sep.join(f"{q}{c}{q}" for c in head)]
    for k, p in enumerate(people):
        when = f"Apr {k + 2}, 2024 @ 09:1{k % 10}:07.000"
        rows.append(sep.join(f"{q}{c}{q}" for c in (when, p["mail"], p["national"], p[born], "login")))
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------ typed stores' wrapped values


def _dynamo_scan(people: list[dict[str, str]], born_key: str) -> str:
    items = [
        {
            "pk": {"S": f"PATIENT#{k}"},
            "mail": {"S": p["mail"]},
            "mobile": {"S": p["e164"]},
            born_key: {"S": p["iso"]},
            "visits": {"N": str(3 + k)},
        }
        for k, p in enumerate(people)
    ]
    return json.dumps({"Items": items, "Count": len(items), "ScannedCount": len(items)}, indent=2)


def _dynamo_export_lines(people: list[dict[str, str]]) -> str:
    """DynamoDB's export to S3 (DYNAMODB_JSON): one `{"Item": {...}}` a line."""
    return "\n".join(
        json.dumps(
            {
                "Item": {
                    "id": {"N": str(900 + k)},
                    "courriel": {"S": p["mail"]},
                    "date_naissance": {"S": p["fr"]},
                    "secu": {"S": p["nir"]},
                }
            },
            ensure_ascii=False,
        )
        for k, p in enumerate(people)
    )


def _firestore(people: list[dict[str, str]]) -> str:
    docs = [
        {
            "name": f"projects/cabinet/databases/(default)/documents/patients/{k}",
            "fields": {
                "email": {"stringValue": p["mail"]},
                "phone": {"stringValue": p["national"]},
                "birthdate": {"timestampValue": p["iso"] + "T00:00:00Z"},
                "visits": {"integerValue": str(k)},
            },
        }
        for k, p in enumerate(people)
    ]
    return json.dumps({"documents": docs}, indent=1)


# ------------------------------------------------------------ births said in words


def _agenda(people: list[dict[str, str]], sep: str, words: str) -> str:
    """A day view, one appointment a line: time, `Civ. NAME First (<words> <birth>)`, phone, reason."""
    out = ["Planning — Dr Lenoir — mardi 4 juin 2024", ""]
    for k, p in enumerate(people):
        civ = "Mme" if k % 2 else "M."
        d, m, y = p["fr"].split("/")
        born = p["fr"] if k % 3 else f"{int(d)} {_MONTHS[int(m) - 1]} {y}"
        tel = " ".join(p["national"][j : j + 2] for j in range(0, 10, 2))
        out.append(
            sep.join([f"{9 + k}h15", f"{civ} {p['last'].upper()} {p['first']} ({words} {born})", tel, "contrôle"])
        )
    return "\n".join(out) + "\n"


_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _chat_json(people: list[dict[str, str]], mojibake: bool) -> str:
    """A chat export (pretty JSON, ASCII escapes as json.dumps writes them): one person a message."""
    msgs = []
    for k, p in enumerate(people):
        born = "n\u00c3\u00a9e le" if mojibake else "n\u00e9e le"
        text = f"{p['first']} {p['last']} / {p['mail']} / {p['national']} / {born} {p['fr']}"
        # (Messenger's keys for its mojibake, Slack's for the escapes)
        msgs.append(
            {"sender_name": "Vendeur", "timestamp_ms": 1717400000000 + k, "content": text}
            if mojibake
            else {"user": "U07QWE456", "ts": f"{1717400000 + k}.000100", "text": text}
        )
    if mojibake:  # (Messenger's export: its participants, then its messages)
        return json.dumps({"participants": [{"name": "Vendeur"}, {"name": "Acheteur"}], "messages": msgs}, indent=2)
    return json.dumps({"channel": "ventes", "messages": msgs}, indent=2)


def _labels(people: list[dict[str, str]]) -> str:
    """Wristband labels: one block a person, the birth in words on a line of its own."""
    blocks = []
    for k, p in enumerate(people):
        n = p["nir"]
        blocks.append(
            f"HÔPITAL NORD — IPP 0071{k:04d}\n{p['last'].upper()} {p['first']}\n"
            f"NÉ(E) LE {p['fr']}   Sexe {'MF'[k % 2]}\n"
            f"N° SS {n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}\n"
        )
    return "\n".join(blocks)


def _notes_csv(people: list[dict[str, str]]) -> str:
    rows = ["email;mobile;notes"]
    rows += [f"{p['mail']};{p['national']};client fidèle, born on {p['fr']}, carte VIP" for p in people]
    return "\n".join(rows) + "\n"


def _report_lines(people: list[dict[str, str]]) -> str:
    """A report's patient line: several labels on one line (`Name: ... DOB: ... Tel: ...`), then results."""
    return "\n\n".join(
        f"Name: {p['last'].upper()}, {p['first']}   DOB: {p['fr']}   Email: {p['mail']}\nResult: negative\n"
        for p in people
    )


def _blocks(people: list[dict[str, str]], fmt: str, tail: str, gap: str) -> str:
    """Blocks of a labelled line (several labels on it) then a line of no identifier, `gap` apart:
    each block's seed line must be read even where the line above it starts nothing."""
    return gap.join(fmt.format(**p, tel=p["national"]) + "\n" + tail.format(k=k) + "\n" for k, p in enumerate(people))


def _yaml_fr(people: list[dict[str, str]]) -> str:
    out = ["dossiers:"]
    for k, p in enumerate(people):
        out += [
            f"- nom: {p['last']}",
            f"  prenom: {p['first']}",
            f"  date_naissance: {p['iso']}",
            "  coordonnees:",
            f"    courriel: {p['mail']}",
            f'    portable: "{p["national"]}"',
            "    adresse:",
            f"      ville: Lyon {k}",
            "  remarques: >",
            "    rappel vaccin",
            "    en attente",
        ]
    return "\n".join(out) + "\n"


def _yaml_en(people: list[dict[str, str]]) -> str:
    out = ["users:"]
    for p in people:
        out += [
            f"    - username: {p['first'].lower()}{p['last'][:2].lower()}",
            f"      name: {p['first']} {p['last']}",
            "      info:",
            f"        birthdate: '{p['fr']}'",
            f"        ssn: '{p['nir']}'",
            "      notes: |-",
            "        VIP customer since 2019",
            f"      email: {p['mail']}",
        ]
    return "\n".join(out) + "\n"


P = _PEOPLE
POSITIVES: dict[str, tuple[str, Ids]] = {
    "kibana_customer_birthdate_comma": (
        _dotted_csv(
            P[:4], ",", ("@timestamp", "customer.email", "customer.phone", "customer.birthdate", "event.action"), "fr"
        ),
        _ids(P[:4], "email phone dob"),
    ),
    "logstash_client_dob_semicolon": (
        _dotted_csv(P[4:9], ";", ("@version", "client.mail", "client.mobile", "client.dob", "event.kind"), "iso", q=""),
        _ids(P[4:9], "email phone dob"),
    ),
    "splunk_patient_birthday_tab": (
        _dotted_csv(
            P[2:5], "\t", ("@time", "patient.courriel", "patient.portable", "patient.birthday", "action"), "fr", q=""
        ),
        _ids(P[2:5], "email phone dob"),
    ),
    "user_dob_without_at_header": (
        _dotted_csv(P[6:9], ",", ("time", "user.email", "user.phone", "user.birthday", "event"), "iso"),
        _ids(P[6:9], "email phone dob"),
    ),
    "dynamodb_scan_birthdate": (_dynamo_scan(P[:3], "birthDate"), _ids(P[:3], "email phone dob")),
    "dynamodb_scan_ddn_five": (_dynamo_scan(P[3:8], "ddn"), _ids(P[3:8], "email phone dob")),
    "dynamodb_export_json_lines": (_dynamo_export_lines(P[5:9]), _ids(P[5:9], "email dob nir")),
    "firestore_documents": (_firestore(P[8:11]), _ids(P[8:11], "email phone dob")),
    "yaml_nested_fr": (_yaml_fr(P[:4]), _ids(P[:4], "email phone dob")),
    "yaml_nested_en_four_spaces": (_yaml_en(P[4:7]), _ids(P[4:7], "email dob nir")),
    "yaml_probe_shape_other_people": (
        "patients:\n"
        + "".join(
            f"  - nom: {p['last']}\n    naissance: '{p['iso']}'\n    contact:\n      email: {p['mail']}\n"
            f"      mobile: '{' '.join(p['national'][j : j + 2] for j in range(0, 10, 2))}'\n"
            "    notes: |\n      RAS.\n"
            for p in P[7:11]
        ),
        _ids(P[7:11], "email phone dob"),
    ),
    "agenda_tabs_nee_le": (_agenda(P[:6], "\t", "née le"), _ids(P[:6], "phone dob")),
    "agenda_spaces_ne_e_le": (_agenda(P[5:9], "   ", "né(e) le"), _ids(P[5:9], "phone dob")),
    "chat_json_ascii_escapes": (_chat_json(P[:4], False), _ids(P[:4], "email phone dob")),
    "chat_json_mojibake": (_chat_json(P[6:10], True), _ids(P[6:10], "email phone dob")),
    "labels_upper_case": (_labels(P[2:5]), _ids(P[2:5], "nir dob")),
    "csv_notes_born_on": (_notes_csv(P[7:11]), _ids(P[7:11], "email phone dob")),
    "report_lines_dob_label": (_report_lines(P[1:4]), _ids(P[1:4], "email dob")),
    "blocks_fr_status_line": (
        _blocks(P[:5], "Nom : {last} {first}   Tél : {tel}   Mail : {mail}", "Statut : commande {k} payée", "\n\n"),
        _ids(P[:5], "email phone"),
    ),
    "blocks_en_order_line": (
        _blocks(P[4:8], "Patient: {first} {last}  Mobile: {e164}  E-mail: {mail}", "Sample #{k}: received", "\n\n"),
        _ids(P[4:8], "email phone"),
    ),
}

NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {
    "kibana_web_logs": (
        '"@timestamp","user.name","user.last_login","url.path","http.response.status_code"\n'
        + "\n".join(
            f'"Mar {k + 3}, 2024 @ 10:0{k}:00.000","svc-{k}","1{k}/03/1994","/api/v{k}","200"' for k in range(5)
        )
        + "\n",
        SCORED,
    ),
    "logstash_account_dates": (
        "@version;account.created;account.updated_at;client.visit_date;host.ip\n"
        + "\n".join(f"1;0{k + 1}/02/1986;1{k}/05/1991;2{k}/06/1978;10.0.0.{k}" for k in range(5))
        + "\n",
        SCORED,
    ),
    "dynamodb_product_catalog": (
        json.dumps(
            {
                "Items": [
                    {
                        "sku": {"S": f"SKU-{k}"},
                        "released": {"S": f"198{k}-0{k + 1}-1{k}"},
                        "price": {"N": f"{19 + k}.90"},
                        "stock": {"N": str(120 + k)},
                    }
                    for k in range(4)
                ]
            },
            indent=2,
        ),
        SCORED,
    ),
    "firestore_events": (
        json.dumps(
            {
                "documents": [
                    {
                        "fields": {
                            "title": {"stringValue": f"Concert {k}"},
                            "startTime": {"timestampValue": f"198{k}-05-1{k}T20:00:00Z"},
                            "seats": {"integerValue": str(300 + k)},
                        }
                    }
                    for k in range(4)
                ]
            },
            indent=1,
        ),
        SCORED,
    ),
    "yaml_services_config": (
        "services:\n"
        + "".join(
            f"  - name: api{k}\n    image: nginx:1.2{k}\n    ports:\n      - '808{k}:80'\n    env:\n"
            f"      RELEASE_DATE: 2019-0{k + 1}-12\n      BUILD: '0{k}12345678'\n    description: |\n"
            f"      Built on 1{k}/03/2019, born of release {k}\n"
            for k in range(4)
        ),
        SCORED,
    ),
    "agenda_created_on": (
        "\n".join(f"{9 + k}h00\tRéunion {k} (créée le 0{k + 1}/03/2020)\t06 1{k} 45 67 8{k}\tsalle B" for k in range(5))
        + "\n",
        frozenset({"dob"}),
    ),
    "chat_json_things_born": (
        json.dumps(
            {
                "messages": [
                    {
                        "body": f"contact {p['mail']} : le projet est n\u00e9 le 1{k}/03/2015, "
                        f"the shop was born on 0{k + 1}/02/2011"
                    }
                    for k, p in enumerate(P[:4])
                ]
            },
            indent=2,
        ),
        frozenset({"dob"}),
    ),
    "csv_notes_other_dates": (
        "email;mobile;notes\n"
        + "\n".join(f"{p['mail']};{p['national']};ticket ouvert le {p['fr']}, relance le 12/03/2024" for p in P[:4])
        + "\n",
        frozenset({"dob"}),
    ),
}


globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY, text_too=False))
