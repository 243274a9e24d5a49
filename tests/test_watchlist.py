"""The watchlist matcher: normalisation, whole tokens, registrable domains, exclusions, and its
precision and recall on a generated set of listings and posts mixing real-looking brand names,
near-misses and brands that are common words ("Orange", "Avenir", "Clinique du Parc")."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from alerts.outbox import Outbox
from alerts.watchlist import WatchlistMatcher, WatchTerms
from indexer.models import CrawledItem, VictimRecord
from indexer.victims import VictimIndex
from vigie.config.schema import OrganisationConfig, Watchlist

PARC = Watchlist(names=["Clinique du Parc SAS"], domains=["cliniqueduparc.fr"], software=["MediSoft Pro"])
ORANGE = Watchlist(names=["Orange SA"], domains=["orange.fr"],
                   exclusions=["orange mécanique", "jus d'orange", "couleur orange", "orange pressée"])
AVENIR = Watchlist(names=["Mutuelle Avenir"], brands=["Avenir"],
                   exclusions=["l'avenir", "d'avenir", "avenir radieux", "à l'avenir", "bel avenir"])


def test_whole_tokens_suffixes_accents_domains_exclusions() -> None:
    parc, orange = WatchTerms(PARC), WatchTerms(ORANGE)
    assert parc.find("CLINIQUE-DU-PARC S.A.S. added to LockBit") is not None
    assert parc.find("Cliniqué du Parc") is not None  # accents ignored
    assert parc.find("login at https://intranet.cliniqueduparc.fr/rh") is not None  # registrable domain
    assert parc.find("cliniqueduparc.fr.evil.com") is None  # another registrable domain
    assert parc.find("medisoft pro 4.2 customers database") is not None
    assert parc.find("cliniques du parc naturel") is None  # not the whole tokens
    assert orange.find("ORANGE S.A. hacked, 2 TB") is not None
    assert orange.find("orangeraie de Valence") is None
    assert orange.find("Orange mécanique, le film") is None  # excluded phrase
    assert orange.find("Orange mécanique, puis Orange piraté") is not None  # a match outside the exclusion


# ---------------------------------------------------------------------- precision / recall

def _variants(name: str, rng: random.Random) -> str:
    return rng.choice([name, name.upper(), name.lower(), name.replace(" ", "-"), f"{name} S.A.S.", f"{name} SA",
                       f"{name}, Inc."])


def generated_set(seed: int = 7) -> list[tuple[str, str | None]]:
    """(text, org that should match or None). Positives name an organisation as a leak site or a
    post would; negatives are near-misses and the brands used as common words."""
    rng = random.Random(seed)
    pos_templates = ["{x} victime d'une cyberattaque, données en vente", "LockBit adds {x} to its leak site",
                     "Dump of {x} customers (2.3 GB) available", "{x}", "New victim: {x} - deadline 3d",
                     "Quelqu'un a l'accès VPN de {x} ?", "fuite {x} : fichiers RH et paie"]
    brands = {"parc": ["Clinique du Parc"], "orange": ["Orange"], "avenir": ["Mutuelle Avenir", "Avenir"]}
    domains = {"parc": ["cliniqueduparc.fr", "www.cliniqueduparc.fr"], "orange": ["orange.fr", "boutique.orange.fr"]}
    out: list[tuple[str, str | None]] = []
    for _ in range(150):
        org = rng.choice(list(brands))
        out.append((rng.choice(pos_templates).format(x=_variants(rng.choice(brands[org]), rng)), org))
    for _ in range(30):
        org = rng.choice(list(domains))
        out.append((f"creds for https://{rng.choice(domains[org])}/login leaked", org))
    negatives = [
        "orangeraie de Valence à vendre", "un jus d'orange pressée le matin", "la couleur orange du logo",
        "Orange mécanique ressort au cinéma", "l'avenir du ransomware-as-a-service", "une entreprise d'avenir",
        "à l'avenir, chiffrez vos sauvegardes", "un bel avenir pour ce forum", "Avenirs croisés (roman)",
        "parc des expositions, clinique vétérinaire", "cliniques du parc naturel régional", "cliniqueduparc-fr.ru",
        "orangebank.com accounts dump", "orange-county.gov leak", "medisoft installer crack",
        "Clinique du Val dump", "le Parc des Princes", "Orangina SAS victim", "orangé", "AVENIRIA data",
        "Clinique du Parc Monceau (Paris 17e) victim",  # another clinic of the same name: a true near-miss
    ]
    for _ in range(6):
        for n in negatives:
            out.append((n if rng.random() < 0.5 else n.upper(), None))
    return out


def measure(samples: list[tuple[str, str | None]]) -> tuple[float, float, int, int, int]:
    terms = {"parc": WatchTerms(PARC), "orange": WatchTerms(ORANGE), "avenir": WatchTerms(AVENIR)}
    tp = fp = fn = 0
    for text, expected in samples:
        found = {org for org, t in terms.items() if t.find(text) is not None}
        tp += int(expected in found)
        fn += int(expected is not None and expected not in found)
        fp += len(found - {expected})
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


def test_precision_and_recall_floor() -> None:
    samples = generated_set()
    precision, recall, tp, fp, fn = measure(samples)
    print(f"\nwatchlist on {len(samples)} generated texts: precision {precision:.3f}, recall {recall:.3f} "
          f"(tp {tp}, fp {fp}, fn {fn})")
    assert recall >= 0.98
    # measured 0.909 (seed 7): the false positives left are "orangé" (accents are folded),
    # "orange-county.gov" (a hyphen splits tokens) and another "Clinique du Parc" (Monceau), which
    # the organisation would exclude once seen
    assert precision >= 0.9
    # and without exclusions, the common words cost precision: the floor above is not free
    bare = {"orange": WatchTerms(Watchlist(names=["Orange SA"])), "avenir": WatchTerms(Watchlist(brands=["Avenir"]))}
    fps = sum(1 for text, exp in samples for org, t in bare.items() if exp != org and t.find(text) is not None)
    assert fps > fp + 20


# ---------------------------------------------------------------------- alerts through the outbox

def _org(watch: Watchlist) -> OrganisationConfig:
    return OrganisationConfig.model_validate({
        "id": "parc", "display_name": "Clinique du Parc", "min_severity": "medium",
        "channels": {"email": {"to": ["dpo@parc.test"]}}, "watchlist": watch.model_dump()})


def test_victim_alert_once_then_update_on_publication(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "alerts.sqlite3")
    watch = WatchlistMatcher(outbox, {"parc": _org(PARC)})
    index = VictimIndex(tmp_path / "victims.sqlite3", on_change=watch.on_victim)
    now = datetime(2026, 11, 3, tzinfo=UTC)
    rec = VictimRecord(source="lockleak", url="http://x.onion/", name="CLINIQUE DU PARC S.A.S.",
                       domain="www.cliniqueduparc.fr", deadline_at=now, fetched_at=now)
    other = VictimRecord(source="lockleak", url="http://x.onion/", name="Orangeraie SARL", fetched_at=now)
    try:
        assert index.accept_victim(rec) == 1
        assert index.accept_victim(other) == 0
        assert index.accept_victim(rec) == 0  # re-crawl
        repost = VictimRecord(source="mirror", url="http://y.onion/", name="Clinique du Parc", fetched_at=now)
        assert index.accept_victim(repost) == 0  # another site, same victim: merged, no alert
        published = VictimRecord(source="lockleak", url="http://x.onion/", name="Clinique du Parc SAS",
                                 status="published", fetched_at=now)
        assert index.accept_victim(published) == 1
        assert index.accept_victim(published) == 0
        alerts = outbox.list_alerts(org="parc")
        assert len(alerts) == 2
    finally:
        index.close()
        outbox.close()


def test_mention_in_a_post_alerts_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "alerts.sqlite3")
    watch = WatchlistMatcher(outbox, {"parc": _org(PARC)})
    post = CrawledItem(source="leaknews", url="http://127.0.0.1/s/leaknews/4", thread_title="leaknews",
                       body="selling access to the Clinique du Parc intranet, contact jean.dupont@example.org")
    try:
        assert watch.accept(post) == 0 and watch.accept(post) == 0
        (alert,) = outbox.list_alerts(org="parc")
        text = str(alert)
        assert "jean.dupont@example.org" not in text  # the excerpt is redacted
        assert "mentioned on leaknews" in text
        unrelated = CrawledItem(source="leaknews", url="http://127.0.0.1/s/leaknews/5", body="parc des expositions")
        watch.accept(unrelated)
        assert len(outbox.list_alerts(org="parc")) == 1
    finally:
        outbox.close()
