"""The breach-response pack (alerts.response), rendered from a leak built through the real
ingest path: a synthetic patient dump and a repost of part of it are detected, stored and
matched against two organisations' registered people; the pack of one organisation must hold
every required section in French and English, Markdown and PDF, its own figures and nobody's
identifier.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
import yaml

from alerts.outbox import Outbox
from alerts.response import (
    LANGS,
    Lang,
    Pack,
    PackError,
    RefusingFetcher,
    build_pack,
    render_html,
    render_markdown,
    render_pdf,
)
from indexer.identifiers import canonical_forms
from indexer.leaks.models import Leak, LeakAppearance, OrgLeakImpact
from indexer.models import CrawledItem
from tests.fixtures.mail import AlertsEnv
from tests.test_alerts_delivery import register
from vigie.config.loader import LoadedConfig
from vigie.wiring import open_ingest_sink, open_leak_store, outbox_path
from vigie_kit.synthetic import Synth

SECTIONS: dict[Lang, tuple[str, ...]] = {
    "fr": ("Dossier de réponse à une violation de données", "1. Échéances", "2. Nature de la violation",
           "Où et quand les données ont été vues",
           "Catégories et nombre approximatif de personnes et d'enregistrements",
           "Catégories particulières (article 9)", "3. Conséquences probables",
           "4. Communication aux personnes concernées (article 34)", "5. Mesures à envisager",
           "6. Délégué à la protection des données", "7. Retrouver les personnes concernées",
           "8. Projet de lettre aux personnes concernées"),
    "en": ("Personal data breach response pack", "1. Deadlines", "2. Nature of the breach",
           "Where and when the data was seen", "Categories and approximate numbers of data subjects and records",
           "Special categories (Article 9)", "3. Likely consequences",
           "4. Communication to the people concerned (Article 34)", "5. Measures to consider",
           "6. Data protection officer", "7. Finding the people concerned",
           "8. Draft letter to the people concerned"),
}
TYPE_LABEL = {"fr": {"email": "adresses électroniques", "phone": "numéros de téléphone",
                     "nir": "numéros de sécurité sociale (NIR)"},
              "en": {"email": "email addresses", "phone": "phone numbers",
                     "nir": "French social security numbers (NIR)"}}
DPO = {"name": "Cellule RGPD Acme", "email": "dpo@acme.test", "phone": "+33 1 00 00 00 00"}
ROWS = 30  # acme registers 10 people of the dump, "other" 5 others


class World:
    """The leak as the ingest path clustered it, and acme's impact as its alerts recorded it."""

    def __init__(self, env: AlertsEnv, config: LoadedConfig, leak: Leak, impact: OrgLeakImpact, dump_text: str,
                 planted: dict[str, list[str]]) -> None:
        self.env, self.config, self.leak, self.impact = env, config, leak, impact
        self.dump_text, self.planted = dump_text, planted


@pytest.fixture
def world(alerts_env: AlertsEnv) -> World:
    env = alerts_env
    org_file = env.config / "organisations" / f"{env.org}.yaml"
    acme = yaml.safe_load(org_file.read_text())
    org_file.write_text(yaml.safe_dump({**acme, "dpo": DPO}))
    (env.config / "organisations" / "other.yaml").write_text(yaml.safe_dump({
        "id": "other", "display_name": "Other Clinic", "channels": {"email": {"to": ["soc@other.test"]}},
        "min_severity": "low"}))
    dump = Synth(seed=16).patients(ROWS)
    # the generator writes some phone numbers no validator accepts: registered people are valid ones
    valid = [i for i in range(ROWS) if all(canonical_forms(t, dump.planted[t][i]) for t in ("email", "phone", "nir"))]

    def people(rows: list[int]) -> list[tuple[str, str]]:
        return [(t, dump.planted[t][i]) for i in rows for t in ("email", "phone", "nir")]

    assert register(env, people(valid[:10])) == 30
    assert register(env, people(valid[10:15]), org="other") == 15
    lines = dump.text.split("\n")
    original = CrawledItem(source="darkforum", url="http://forumxyz.onion/t/17#p1", body=dump.text,
                           thread_title="hopital db", posted_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    # a repost of rows 5-24 on a paste site two days later: half of acme's people, all of other's
    # (its URL carries one of acme's people, as some paste sites' do: the pack shows it masked)
    repost = CrawledItem(source="pastebin-onion", url=f"http://pastexyz.onion/raw/a1?by={dump.planted['email'][valid[0]]}",
                         body="\n".join([lines[0], *lines[6:26]]), posted_at=datetime(2026, 11, 22, 7, 30, tzinfo=UTC))
    rt = env.runtime()
    with open_ingest_sink(rt.config, env.data, rt.match_key, rt.data_key) as sink:
        results = [sink.ingest(item) for item in (original, repost)]
    assert [len(r.fragments) for r in results] == [1, 1]
    # the repost joined the original's leak (L1's clustering, through the real ingest path)
    [leak_id] = {lid for r in results for lid in r.leaks.values()}
    leaks = open_leak_store(rt.config, env.data)
    outbox = Outbox(outbox_path(env.data))
    try:
        leak = leaks.get(leak_id)
        impact = outbox.impact(env.org, leak_id)
    finally:
        leaks.close()
        outbox.close()
    assert leak is not None and impact is not None
    assert len(leak.appearances) == 2 and set(impact.fragment_ids) == set(leak.fragment_ids)
    return World(env, rt.config, leak, impact, dump.text, dump.planted)


def _forbidden(world: World) -> set[str]:
    """Every identifier of the dump as written and in its canonical forms, and every other cell
    long enough not to be an ordinary word (names, addresses, dates of birth)."""
    values = {v for vs in world.planted.values() for v in vs}
    values |= {f for t, vs in world.planted.items() for v in vs for f in canonical_forms(t, v)}
    values |= {"".join(ch for ch in v if ch.isdigit()) for v in world.planted["phone"]}
    values |= {cell for line in world.dump_text.split("\n")[1:] for cell in line.split(";")[:7] if len(cell) >= 8}
    return {v for v in values if v}


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize("lang", LANGS)
def test_pack_from_an_ingested_leak_in_both_formats(world: World, lang: Lang) -> None:
    org = world.config.organisations["acme"]
    pack = build_pack(world.leak, world.impact, org, lang)
    md = render_markdown(pack)
    pdf_text = _pdf_text(render_pdf(pack))
    # every required section, in both formats
    for heading in SECTIONS[lang]:
        assert heading in md, heading
        assert heading in pdf_text, heading
    # the figures are acme's own: 10 people per type (not the dump's 30, not other's 5)
    assert world.impact.identifier_types == {"email": 10, "phone": 10, "nir": 10}
    assert world.impact.people == 10  # one person, three identifiers: counted once
    for t, n in world.impact.identifier_types.items():
        assert f"| {TYPE_LABEL[lang][t]} | {n} |" in md
    people, records = ("environ 10 ", "concernés :** 30") if lang == "fr" else ("about 10 ", "concerned:** 30")
    assert people in md and records in md
    assert people in pdf_text and records.replace("**", "") in pdf_text
    # health notes in the dump: article 9, so the art. 34 communication is likely required
    assert "health" in pack.categories and pack.art34_required
    assert ("communication probablement requise" if lang == "fr" else "communication likely required") in md
    # where: both sources, the repost marked as holding acme's people too
    for source in ("darkforum", "pastebin-onion"):
        assert source.replace("_", "\\_") in md and source in pdf_text
    assert "http://pastexyz.onion/raw/a1?by=" in md  # the repost's URL, masked
    # the 72-hour clock from the first alert
    assert pack.deadline == world.impact.first_alert_at + timedelta(hours=72)
    assert pack.deadline.strftime("%H:%M") in md
    assert ("en plusieurs phases" if lang == "fr" else "in phases") in md
    # the DPO from acme's config, in the DPO section and in the letter
    assert md.count("dpo@acme.test") == 2 and "Cellule RGPD Acme" in md
    assert "dpo@acme.test" in pdf_text
    # where the list of people is: the leak id and the tokens, not the people
    assert "vigie hash" in md and world.leak.id in md
    # no identifier of any person, in any spelling, in either format
    for value in _forbidden(world):
        assert value not in md, f"{value!r} in the Markdown pack"
        assert value not in pdf_text, f"{value!r} in the PDF pack"


def _pack(types: dict[str, int], categories: tuple[str, ...] = (), *, now: datetime | None = None,
          dpo: bool = True) -> Pack:
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    seen = LeakAppearance("f1", "darkforum", "http://x.onion/t/1", None, t0, None, 10)
    leak = Leak("L1", t0, "darkforum", (seen,), 10, dict(types), categories, "f1", 10)
    impact = OrgLeakImpact("acme", "L1", sum(types.values()), dict(types), categories, t0 + timedelta(hours=1),
                           ("darkforum",), ("f1",))
    from vigie.config.schema import OrganisationConfig

    org = OrganisationConfig.model_validate({"id": "acme", "display_name": "Acme", "channels": {
        "email": {"to": ["soc@acme.test"]}}, **({"dpo": DPO} if dpo else {})})
    return build_pack(leak, impact, org, "en", now=now or t0 + timedelta(hours=2))


def test_art34_decision_follows_the_data_present() -> None:
    contact = _pack({"email": 40, "phone": 12})
    assert not contact.art34_required and contact.art34_reasons == ("contact_only",)
    assert contact.consequences == ("phishing",)
    assert "communication not presumed required" in render_markdown(contact)
    bank = _pack({"email": 3, "iban": 3})
    assert bank.art34_required and bank.art34_reasons == ("financial",)
    assert "financial_fraud" in bank.consequences and "notify_banks" in bank.measures
    nir = _pack({"nir": 5, "dob": 5})
    assert nir.art34_reasons == ("national_id",) and "identity_fraud" in nir.consequences
    sensitive = _pack({"email": 2}, ("religion",))
    assert sensitive.art34_reasons == ("special_categories",) and "special_categories" in sensitive.consequences
    assert "religious beliefs" in render_markdown(sensitive)
    passwords = _pack({"credential": 9})
    assert passwords.art34_reasons == ("credentials",) and "reset_credentials" in passwords.measures


def test_deadline_overdue_and_missing_dpo() -> None:
    on_time = _pack({"email": 1})
    assert not on_time.overdue and "The 72 hours have passed" not in render_markdown(on_time)
    late = _pack({"email": 1}, now=datetime(2026, 11, 24, 10, 1, tzinfo=UTC))
    assert late.overdue and "The 72 hours have passed" in render_markdown(late)
    no_dpo = render_markdown(_pack({"email": 1}, dpo=False))
    assert "no DPO is configured" in no_dpo and "[DPO contact details to complete]" in no_dpo


def test_a_pack_never_mixes_organisations_or_leaks(world: World) -> None:
    other = world.config.organisations["other"]
    # the other organisation's pack of the same leak counts its own 5 people, and acme's says 10
    outbox = Outbox(outbox_path(world.env.data))
    try:
        theirs = outbox.impact("other", world.leak.id)
    finally:
        outbox.close()
    assert theirs is not None and theirs.people == 5
    assert "about 5 " in render_markdown(build_pack(world.leak, theirs, other, "en"))
    acme = world.config.organisations["acme"]
    assert "about 10 " in render_markdown(build_pack(world.leak, world.impact, acme, "en"))
    with pytest.raises(PackError, match="organisation 'acme'"):
        build_pack(world.leak, world.impact, other, "fr")
    with pytest.raises(PackError, match=f"leak '{world.leak.id}'"):
        build_pack(replace(world.leak, id="another"), world.impact, world.config.organisations["acme"], "fr")


class _Hits(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Hits.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bait_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hits.hits = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_crafted_url_adds_no_link_image_or_fetch(bait_server: str) -> None:
    """A crawled site chooses its URLs: Markdown or HTML in one must stay text in both formats,
    and rendering the PDF must connect nowhere (a real HTTP server counts the attempts)."""
    crafted = (f"http://x.onion/t/<img src=\"{bait_server}/img.png\">![p]({bait_server}/md.png)"
               f"[click]({bait_server}/link)<{bait_server}/auto>*bold*|cell")
    pack = _pack({"email": 1})
    pack = replace(pack, timeline=(replace(pack.timeline[0], url=crafted),))
    html = render_html(pack)
    assert "<img" not in html and "<a " not in html and "<em>bold" not in html
    assert "&lt;img src=" in html  # shown as text
    fetcher = RefusingFetcher()
    pdf = render_pdf(pack, fetcher=fetcher)
    assert fetcher.refused == [] and _Hits.hits == []
    assert "img.png" in _pdf_text(pdf)


def test_the_refusing_fetcher_refuses(bait_server: str, tmp_path: Path) -> None:
    """The last line of defence: even HTML that asks for an image and a local file gets neither."""
    from weasyprint import HTML

    secret = tmp_path / "secret.txt"
    secret.write_text("not for the pdf")
    fetcher = RefusingFetcher()
    HTML(string=f'<img src="{bait_server}/x.png"><link rel="stylesheet" href="file://{secret}">',
         url_fetcher=fetcher).write_pdf()
    assert len(fetcher.refused) == 2 and _Hits.hits == []



def test_cli_leak_pack_writes_the_pack(world: World, tmp_path: Path) -> None:
    """`vigie leak pack` over the ingested leak: Markdown to stdout, PDF to a 0600 file, and the
    organisation's usage mistakes refused with what to do."""
    from typer.testing import CliRunner

    from vigie.cli import app

    where = ["--config", str(world.env.config), "--data-dir", str(world.env.data)]
    runner = CliRunner()
    md = runner.invoke(app, ["leak", "pack", world.leak.id, "--org", "acme", "--lang", "en", *where])
    assert md.exit_code == 0, md.output
    assert all(heading in md.stdout for heading in SECTIONS["en"])
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"old")
    out.chmod(0o644)
    pdf = runner.invoke(app, ["leak", "pack", world.leak.id, "--org", "acme", "--lang", "fr", "--format", "pdf",
                              "-o", str(out), *where])
    assert pdf.exit_code == 0, pdf.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert all(heading in _pdf_text(out.read_bytes()) for heading in SECTIONS["fr"])
    unknown = runner.invoke(app, ["leak", "pack", world.leak.id, "--org", "nobody", *where])
    assert unknown.exit_code != 0 and "unknown organisation 'nobody'" in unknown.output
    missing = runner.invoke(app, ["leak", "pack", "leak-none", "--org", "acme", *where])
    assert missing.exit_code != 0 and "no leak 'leak-none'" in missing.output



def test_the_leak_alert_says_how_to_get_the_pack(world: World) -> None:
    from alerts.channels.render import email_parts

    outbox = Outbox(outbox_path(world.env.data))
    try:
        [first] = [a["alert"] for a in outbox.list_alerts("acme") if a["alert"].get("alert_kind") == "new"]
    finally:
        outbox.close()
    _, text, html = email_parts([first])
    hint = f"vigie leak pack {world.leak.id} --org acme"
    assert hint in text and hint in html


# --- the committed samples (docs/breach-pack-sample.{fr,en}.md and .pdf) ---------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "docs"


def sample_pack(lang: Lang) -> Pack:
    """A fixed, made-up leak and impact: the samples reviewers read. VIGIE_WRITE_SAMPLES=1 rewrites them."""
    from vigie.config.schema import OrganisationConfig

    t0 = datetime(2026, 11, 18, 22, 14, tzinfo=UTC)
    copies = (
        LeakAppearance("9b1f03c4d2e8a7f6", "darkforum", "http://darkforumxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"
                       "thread/8841", "[masked] patients db", t0, None, 1200),
        LeakAppearance("4c7e91ab02d3f5e8", "pastesite", "http://pastexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/raw/"
                       "Zk3p", None, t0 + timedelta(days=1, hours=3), None, 60),
        LeakAppearance("d0a55e6f7b8c9d10", "darkforum", "http://darkforumxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"
                       "thread/9127", None, t0 + timedelta(days=3), None, 1500),
    )
    leak = Leak("lk-5e0c7a91d3", t0, "darkforum", copies, 1500, {"email": 1480, "phone": 1320, "nir": 1500,
                "dob": 1500}, ("health",), "d0a55e6f7b8c9d10", 1500)
    impact = OrgLeakImpact("example-org", leak.id, 412, {"email": 412, "phone": 388, "nir": 97, "dob": 405},
                           ("health",), t0 + timedelta(hours=9, minutes=31), ("darkforum", "pastesite"),
                           ("9b1f03c4d2e8a7f6", "d0a55e6f7b8c9d10"))
    org = OrganisationConfig.model_validate({
        "id": "example-org", "display_name": "Example Medical Software SAS",
        "channels": {"email": {"to": ["soc@example.org"]}},
        "dpo": {"name": "Claire Martin, déléguée à la protection des données", "email": "dpo@example.org",
                "phone": "+33 1 23 45 67 89", "postal_address": "12 rue de l'Exemple, 75001 Paris"}})
    return build_pack(leak, impact, org, lang, now=t0 + timedelta(hours=11))


@pytest.mark.parametrize("lang", LANGS)
def test_committed_samples_are_current(lang: Lang) -> None:
    import os

    md = render_markdown(sample_pack(lang))
    path = SAMPLES / f"breach-pack-sample.{lang}.md"
    if os.environ.get("VIGIE_WRITE_SAMPLES") == "1":
        path.write_text(md, encoding="utf-8")
        (SAMPLES / f"breach-pack-sample.{lang}.pdf").write_bytes(render_pdf(sample_pack(lang)))
    assert path.read_text(encoding="utf-8") == md, f"{path.name} is stale: rerun with VIGIE_WRITE_SAMPLES=1"
