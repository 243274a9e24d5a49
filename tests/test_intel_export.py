"""STIX 2.1 and MISP exports of a leak: valid for the reference tools (stix2-validator strict,
pymisp load), stable ids across versions, TLP on every object, and no identifier of a person
(only counts, masked provenance, and the organisation's own tokens in its own export)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pymisp import MISPEvent

from indexer.leaks.models import Leak, LeakAppearance, OrgLeakImpact
from indexer.models import CrawledItem
from indexer.redact import mask_url
from tests.fixtures.mail import AlertsEnv
from tests.test_alerts_delivery import register
from vigie.intel.misp import build_misp_event
from vigie.intel.model import LeakExport, Recipient, Tlp, leak_modified
from vigie.intel.stix import INCIDENT_CORE_EXTENSION, TLP2_MARKINGS, VIGIE_IDENTITY_ID, build_stix_bundle
from vigie_kit.synthetic import Synth

ONION_A = "http://forumaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion"
ONION_B = "http://pastebbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.onion"
T0, T1, T2 = (datetime(2026, 3, d, 10, tzinfo=UTC) for d in (1, 5, 9))
PLANTED = "jeanne.dupont@exemple.fr"  # a plaintext identifier left in provenance by a (hypothetical) bug upstream
OWN_TOKEN, OTHER_TOKEN = "ab" * 16, "cd" * 16
MASKED_B = mask_url(f"{ONION_B}/p/{PLANTED}")
assert MASKED_B and PLANTED not in MASKED_B


def _leak(*, extra: tuple[LeakAppearance, ...] = ()) -> Leak:
    apps = (
        LeakAppearance("f1", "darkforum", f"{ONION_A}/thread/12", "Base patients [email]", T0, T0, 1200),
        LeakAppearance("f2", "pastesite", f"{ONION_B}/p/{PLANTED}", f"repost {PLANTED}", None, T1, 60),
        *extra,
    )
    return Leak(id="lk_0123456789abcdef", first_seen=T0, first_source="darkforum", appearances=apps,
                record_count=1200, identifier_types={"email": 1150, "phone": 900, "nir": 1100},
                categories=("health",), largest_fragment_id="f1", largest_record_count=1200)


def _org_export(tlp: Tlp = "amber+strict") -> LeakExport:
    impact = OrgLeakImpact(org_id="org-a", leak_id="lk_0123456789abcdef", people=37,
                           identifier_types={"email": 30, "nir": 7}, categories=("health",), first_alert_at=T1,
                           sources=("darkforum",), fragment_ids=("f1",))
    return LeakExport(leak=_leak(), tlp=tlp,
                      recipient=Recipient("org-a", "Clinique A", impact, {"email": (OWN_TOKEN,)}))


def _validate(text: str) -> list[str]:
    """Strict OASIS validation (a warning is an error); returns the warnings of a lax run, for the log."""
    # imported here: 1.4 CPU-s that every xdist worker paid collecting this module, used by one
    from stix2validator import ValidationOptions, validate_string

    strict = validate_string(text, ValidationOptions(version="2.1", strict=True))
    errors = [str(e) for e in strict.errors]
    assert strict.is_valid, errors
    lax = validate_string(text, ValidationOptions(version="2.1"))
    warnings = [str(w) for w in lax.warnings]
    print("stix2-validator warnings:", warnings or "none")
    return warnings


def _objects(text: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for o in json.loads(text)["objects"]:
        out.setdefault(o["type"], []).append(o)
    return out


def test_analyst_bundle_is_valid_and_says_what_the_issue_asks() -> None:
    text = build_stix_bundle(LeakExport(leak=_leak())).serialize(pretty=True)
    assert _validate(text) == []
    objs = _objects(text)
    (incident,) = objs["incident"]
    ext = incident["extensions"][INCIDENT_CORE_EXTENSION]
    assert ext["extension_type"] == "property-extension" and ext["determination"] == "suspected"
    total = ext["confidentiality_impacts"][0]
    assert total == {"information_type": "pii", "loss_type": "suspected-loss", "record_count": 1200,
                     "description": "Distinct records over all copies of the leak.", "labels": ["leak-total"]}
    per_type = {i["labels"][0]: i["record_count"] for i in ext["confidentiality_impacts"][1:]}
    assert per_type == {"identifier-type:email": 1150, "identifier-type:nir": 1100, "identifier-type:phone": 900}
    assert ext["impacted_entity_counts"] == {"individuals": 1200}
    assert incident["labels"] == ["gdpr-article-9:health"]
    assert incident["created"].startswith("2026-03-01T10:00:00") and incident["modified"].startswith("2026-03-05")
    assert [i["id"] for i in objs["identity"]] == [VIGIE_IDENTITY_ID]  # no victim in the analysts' view
    assert {u["value"] for u in objs["url"]} == {f"{ONION_A}/thread/12", MASKED_B}
    assert len(objs["observed-data"]) == 2
    assert sorted(n["abstract"].split(" ")[0] for n in objs["note"]) == ["Summary", "Timeline"]
    amber = TLP2_MARKINGS["amber"]["id"]
    for o in json.loads(text)["objects"]:
        if o["type"] != "marking-definition":
            assert o["object_marking_refs"] == [amber], o["id"]
        if o["type"] not in ("marking-definition", "url") and o["id"] != VIGIE_IDENTITY_ID:
            assert o["created_by_ref"] == VIGIE_IDENTITY_ID, o["id"]
    assert OWN_TOKEN not in text


def test_no_plaintext_identifier_leaves_even_if_provenance_was_not_masked() -> None:
    for x in (LeakExport(leak=_leak()), _org_export()):
        stix = build_stix_bundle(x).serialize()
        misp = build_misp_event(x).to_json()
        for text in (stix, misp):
            assert PLANTED not in text and "jeanne" not in text.lower()


def test_organisation_bundle_has_its_figures_its_identity_and_only_its_tokens() -> None:
    x = _org_export("amber+strict")
    text = build_stix_bundle(x).serialize(pretty=True)
    _validate(text)
    objs = _objects(text)
    ext = objs["incident"][0]["extensions"][INCIDENT_CORE_EXTENSION]
    assert ext["impacted_entity_counts"] == {"individuals": 37, "organizations": 1}
    org_impacts = {tuple(i["labels"]): (i["record_count"], i["loss_type"]) for i in ext["confidentiality_impacts"]
                   if "organisation:org-a" in i["labels"]}
    assert org_impacts == {("organisation:org-a", "identifier-type:email"): (30, "confirmed-loss"),
                           ("organisation:org-a", "identifier-type:nir"): (7, "confirmed-loss")}
    assert {i["name"] for i in objs["identity"]} == {"Vigie", "Clinique A"}
    (rel,) = [r for r in objs["relationship"] if r["target_ref"].startswith("identity--")]
    assert rel["source_ref"] == objs["incident"][0]["id"]
    (tokens,) = [n for n in objs["note"] if n["abstract"].startswith("Your own keyed tokens")]
    assert f"email {OWN_TOKEN}" in tokens["content"] and OTHER_TOKEN not in text
    assert all(o.get("object_marking_refs", [TLP2_MARKINGS["amber+strict"]["id"]])
               == [TLP2_MARKINGS["amber+strict"]["id"]] for o in json.loads(text)["objects"])


def test_ids_are_stable_and_a_new_repost_is_a_new_version_of_the_same_incident() -> None:
    first = _objects(build_stix_bundle(LeakExport(leak=_leak())).serialize())
    again = _objects(build_stix_bundle(LeakExport(leak=_leak())).serialize())
    assert first == again
    grown = _leak(extra=(LeakAppearance("f3", "otherforum", f"{ONION_A}/t/99", None, T2, T2, 300),))
    later = _objects(build_stix_bundle(LeakExport(leak=grown)).serialize())
    assert later["incident"][0]["id"] == first["incident"][0]["id"]
    assert later["incident"][0]["modified"] > first["incident"][0]["modified"]
    assert leak_modified(grown) == T2
    # the analysts' incident and an organisation's are different objects (different content, same leak)
    org = _objects(build_stix_bundle(_org_export()).serialize())
    assert org["incident"][0]["id"] != first["incident"][0]["id"]


@pytest.mark.parametrize("tlp", ["clear", "green", "amber", "amber+strict", "red"])
def test_every_tlp_level_validates(tlp: Tlp) -> None:
    text = build_stix_bundle(replace(_org_export(), tlp=tlp)).serialize()
    _validate(text)
    assert f'"tlp_2_0": "{tlp}"' in text


def test_misp_event_loads_back_with_objects_and_taxonomy_tags() -> None:
    x = _org_export("amber")
    text = build_misp_event(x).to_json(indent=2)
    ev = MISPEvent()
    ev.load(text)
    assert ev.info.startswith("Vigie: data leak lk_0123456789abcdef")
    tags = [t.name for t in ev.tags]
    assert tags[0] == "tlp:amber"
    assert {'infoleak:submission="crawler"', 'infoleak:automatic-detection="mail"',
            'gdpr:special-categories="health"'} <= set(tags)
    assert ev.threat_level_id == 1 and ev.distribution == 0
    names = sorted(o.name for o in ev.objects)
    assert names == ["annotation", "annotation", "annotation", "incident", "url", "url"]
    (incident,) = ev.get_objects_by_name("incident")
    assert incident.get_attributes_by_relation("determination")[0].value == "suspected"
    urls = {o.get_attributes_by_relation("url")[0].value for o in ev.get_objects_by_name("url")}
    assert urls == {f"{ONION_A}/thread/12", MASKED_B}
    counters = {a.comment: int(a.value) for a in ev.attributes if a.type == "counter"}
    assert counters["distinct records over all copies of the leak"] == 1200
    assert counters["matched identifiers of org-a's registered people"] == 37
    texts = [o.get_attributes_by_relation("text")[0].value for o in ev.get_objects_by_name("annotation")]
    assert any(f"email {OWN_TOKEN}" in t for t in texts)
    assert build_misp_event(x).to_json() == build_misp_event(x).to_json()  # stable uuids: re-import updates
    analyst = build_misp_event(LeakExport(leak=_leak())).to_json()
    assert OWN_TOKEN not in analyst and "org-a" not in analyst


# -- `vigie leak export` on a data directory made by the real ingest path ------------------------


def _crawled(n: int, source: str, text: str) -> CrawledItem:
    return CrawledItem(source=source, url=f"http://{source}.onion/t/{n}", body=text, thread_title=f"dump {n}",
                       fetched_at=datetime(2026, 3, n, tzinfo=UTC))


def test_cli_leak_export_stix_and_misp_for_an_analyst_and_for_the_organisation(alerts_env: AlertsEnv) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app
    from vigie.wiring import open_ingest_sink

    lines = Synth(99).patients(40).text.split("\n")
    header, rows = lines[0], lines[1:]
    ours = [("email", rows[i].split(";")[3]) for i in (1, 2, 30)]
    assert register(alerts_env, ours) == 3
    rt = alerts_env.runtime()
    with open_ingest_sink(rt.config, alerts_env.data, rt.match_key, rt.data_key) as sink:
        first = sink.ingest(_crawled(1, "forum-a", "\n".join([header, *rows[:20]]) + "\n"))
        second = sink.ingest(_crawled(4, "paste-b", "\n".join([header, *rows]).replace(";", "|") + "\n"))
    (leak_id,) = {*first.leaks.values(), *second.leaks.values()}
    doc_tokens = {t for r in (first, second) for d in r.fragments for toks in d.tokens.values() for t in toks}
    runner = CliRunner()
    common = ["--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)]

    out = alerts_env.root / "leak.stix.json"
    res = runner.invoke(app, ["leak", "export", leak_id, "--org", alerts_env.org, "--tlp", "amber+strict",
                              "-o", str(out), *common])
    assert res.exit_code == 0, res.output
    assert out.stat().st_mode & 0o777 == 0o600
    text = out.read_text()
    _validate(text)
    objs = _objects(text)
    ext = objs["incident"][0]["extensions"][INCIDENT_CORE_EXTENSION]
    assert ext["impacted_entity_counts"] == {"individuals": 3, "organizations": 1}
    assert {i["name"] for i in objs["identity"]} == {"Vigie", "Acme Santé SAS"}
    (tokens,) = [n for n in objs["note"] if n["abstract"].startswith("Your own keyed tokens")]
    listed = {line.split(" ")[1] for line in tokens["content"].splitlines()[1:]}
    assert len(listed) == 3 and listed <= doc_tokens  # its three registered people, nobody else
    assert len(objs["observed-data"]) == 2
    for _, value in ours:
        assert value not in text

    res = runner.invoke(app, ["leak", "export", leak_id, "--format", "misp", *common])
    assert res.exit_code == 0, res.output
    ev = MISPEvent()
    ev.load(res.stdout)
    assert ev.info.startswith(f"Vigie: data leak {leak_id}")
    assert not any(t in res.stdout for t in doc_tokens) and alerts_env.org not in res.stdout

    res = runner.invoke(app, ["leak", "export", leak_id, "--org", "nobody", *common])
    assert res.exit_code != 0 and "unknown organisation 'nobody'" in res.output
    res = runner.invoke(app, ["leak", "export", "lk_missing", *common])
    assert res.exit_code != 0 and "no leak 'lk_missing'" in res.output
    res = runner.invoke(app, ["leak", "export", leak_id, "--tlp", "purple", *common])
    assert res.exit_code != 0 and "--tlp 'purple'" in res.output
