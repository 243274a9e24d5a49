"""Recall round 8 (blind set 7's misses of record shapes and identifier forms), each class written
again with other people, names, separators and sizes than the probe showed, with benign texts of
the same shapes that must stay clean:

- a column named by a generic head and what it holds (Kibana's `user.birthday`, `client.dob`,
  `patient.birthdate`): typed by its tail; a header whose names start with `@` (Kibana's and
  Logstash's `@timestamp`, `@version`) is still a header (an address's `x@` is a row's);
- a typed store's wrapper of one value (DynamoDB's `"dob": {"S": "1980-11-15"}`, Firestore's
  `{"timestampValue": ...}`): the value keeps its key's role.

Scoring: a positive's identifiers of the scored types equal the expected set; a negative's hold
none of the types it bans. Every positive failed before its change on both engines (the change
switched off); both engines give the same fragments; `detect_many` (the crawl's road) finds what
`detect` does. Values are synthetic: made-up people, numbers libphonenumber calls valid, NIRs with
their key."""

from __future__ import annotations

import json

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import nir
from tests.native_core import assert_crawl_road_reads_them, assert_engines_agree, found_ids

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


def _ids(people: list[dict[str, str]], kinds: str) -> Ids:
    key = {"email": "mail", "phone": "e164", "dob": "iso", "nir": "nir"}
    return {(k, p[key[k]]) for p in people for k in kinds.split()}


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
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in found_ids(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    text, banned = NEGATIVES[name]
    got = found_ids(detect(text, key=KEY))
    assert not {x for x in got if x[0] in banned}, sorted(got)


def test_the_crawls_road_reads_them() -> None:
    """`detect_many` (a crawl's page of posts) finds in each post what `detect` does, as text and bytes."""
    assert_crawl_road_reads_them([v[0] for d in (POSITIVES, NEGATIVES) for v in d.values()], KEY)


def test_engines_agree() -> None:
    """Both engines give the same fragments (every field, the excerpt too), LF and CRLF."""
    assert_engines_agree({k: v[0] for d in (POSITIVES, NEGATIVES) for k, v in d.items()}, KEY, text_too=False)
