"""Article 9: a blind probe's cases (2026-12), written before the detector and its lexicon were read,
as a reviewer of leaked records would write them: a French doctor's patient notes, CSV/SQL/JSON
rows with a notes column, HR files, forum doxes. Each case asserts the exact outcome: the
categories flagged, or none.

The misses were fixed by class (addictions as "-mane" nouns and "accro à"/"addicted to" a
substance, senses and disabilities with their onset, HR leave and fitness for work, pregnancy and
birth, cancers written "néo"/"K" with the organ, drugs with a dose or the doctor's "poursuite",
conversions to any religion, going to a place of worship, more denominations and unions) and
guards were added against the false flags (a care setting as one's workplace, a term named as an
institution or a company, a topic word after the term, a nested label, an elided article)."""

from __future__ import annotations

import pytest

from indexer.article9 import scan_article9

H, SO, SL, R, P, T, E, G, B = ("health", "sexual_orientation", "sex_life", "religion", "political_opinion",
                               "trade_union", "ethnic_origin", "genetic", "biometric")


def cats(text: str) -> set[str]:
    return {f.category for f in scan_article9(text)}


POSITIVES: list[tuple[frozenset[str], str]] = [(frozenset(c), t) for c, t in [
    # health: abbreviations and drugs of a patient file
    ({H}, "ATCD: HTA, DT2 sous metformine, dyslipidémie"),
    ({H}, "pat. VIH+ sous ARV, CV indétectable"),
    ({H}, "suivi PrEP, Truvada 1cp/j"),
    ({H}, "Poursuite Amlodipine 5 mg, TA 14/9"),
    ({H}, "Poursuite Kardégic 75 mg"),
    ({H}, "renouvellement Seresta 10"),
    ({H}, "ttt: Xanax 0,25 le soir pour anxiété"),
    ({H}, "sous Levothyrox 100"),
    ({H}, "néo pulmonaire opéré"),
    ({H}, "K du sein traité"),
    ({H}, "TS médicamenteuse en 2021"),
    ({H}, "tentative d'autolyse en 2018"),
    ({H}, "IVG médicamenteuse le 12/03"),
    ({H}, "accouchement prévu le 03/05"),
    ({H}, "césarienne programmée"),
    ({H}, "SEROPOSITIF"),
    ({H}, "diabetique, hypertendu"),
    ({H}, "Hx: T2D, HTN, on metformin"),
    ({H}, "Hep C"),
    ({H}, "had a C-section"),
    # health: addictions
    ({H}, "cocaïnomane"),
    ({H}, "héroïnomane sevré"),
    ({H}, "toxico"),
    ({H}, "dépendante à l'alcool depuis 10 ans"),
    ({H}, "accro à la cocaïne"),
    ({H}, "sous méthadone 60mg, suivi CSAPA"),
    ({H}, "rehab for cocaine"),
    ({H}, "addicted to painkillers"),
    ({H}, "sober since 2019"),
    # health: disabilities and senses
    ({H}, "sourde de naissance"),
    ({H}, "aveugle"),
    ({H}, "handicap moteur"),
    ({H}, "dyslexique"),
    ({H}, "amputé de la jambe gauche"),
    ({H}, "registered blind"),
    ({H}, "deaf since birth"),
    ({H}, "visually impaired"),
    ({H}, "hemophiliac"),
    ({H}, "dyslexic, extra time in exams"),
    ({H}, "amputee"),
    ({H, G}, "trisomie 21"),
    # health: an HR file
    ({H}, "mi-temps thérapeutique"),
    ({H}, "inapte au poste selon la médecine du travail"),
    ({H}, "congé maternité à partir du 15/04"),
    ({H}, "congé pathologique"),
    ({H}, "sick note: gastroenteritis"),
    ({H}, "maternity leave from April"),
    ({H}, "reasonable adjustments for dyslexia"),
    ({H}, "Occupational health: unfit for night shifts"),
    ({H}, "signed off sick with stress"),
    ({H}, "transition hormonale, sous testostérone"),
    # sexual orientation, sex life
    ({SO}, "homme ayant des relations sexuelles avec des hommes"),
    ({SO}, "femme ayant des relations sexuelles avec des femmes"),
    ({SO}, "il est attiré par les hommes"),
    ({SO}, "le mec est pédé"),
    ({SO}, "lives with his boyfriend"),
    ({SL}, "échangiste, fréquente des clubs libertins"),
    ({SL}, "extramarital affair"),
    # religion
    ({R}, "converti à l'islam en 2015"),
    ({R}, "convertie au christianisme"),
    ({R}, "converti au bouddhisme"),
    ({R}, "repas sans porc (religion)"),
    ({R}, "jeûne pendant le ramadan"),
    ({R}, "fête l'Aïd en famille"),
    ({R}, "se rend chaque vendredi à la mosquée"),
    ({R}, "fréquente assidûment l'église"),
    ({R}, "membre de l'Opus Dei"),
    ({R}, "attends the mosque every Friday"),
    ({R}, "goes to the synagogue on Saturdays"),
    ({R}, "worships at the local gurdwara"),
    ({R}, "Quaker"),
    ({R}, "Rastafarian"),
    ({R}, "Mennonite"),
    # political opinions
    ({P}, "militant LFI"),
    ({P}, "sympathisante socialiste"),
    ({P}, "électeur socialiste"),
    ({P}, "MAGA supporter"),
    # trade union: a union after a membership word is not a political opinion
    ({T}, "encarté à la CGT"),
    ({T}, "encartée chez FO"),
    ({T}, "membre du bureau syndical"),
    ({T}, "responsable syndicale CFDT"),
    ({T}, "IBEW Local 58"),
    ({T}, "USW member"),
    ({T}, "union organizer at the plant"),
    # ethnic origin, genetic, biometric
    ({E}, "d'origine maghrébine"),
    ({E}, "Asian British"),
    ({E}, "Pakistani British"),
    ({G, H}, "Huntington gene positive"),  # (a disease risk: health too, wave 31)
    ({G}, "tested positive for the gene"),
    ({B}, "fingerprint data"),
    ({B}, "iris data"),
]]

NEGATIVES = [
    "12 avenue Claude Vellefaux, Hôpital Saint-Louis, 75010 Paris",
    "3 rue de l'Église, 59000 Lille",
    "syndic de copropriété Foncia",
    "Université Paris 7 Diderot",
    "The SEO Bible, 2nd edition",
    "Navy Federal Credit Union",
    "Capital Gains Tax (CGT) return",
    "CGT allowance used",
    "PS : rappeler le client demain",
    "sortie RN7 km 45",
    "12 rue Gay-Lussac, 75005 Paris",
    "Contact: Christian Martin",
    "signe astrologique: Cancer",
    "Job title: Prep Cook",
    "meal prep Sunday",
    "infirmière au service d'oncologie",
    "travaille au service de cardiologie du CHU",
    "works at the oncology ward as a porter",
    "Institut catholique de Paris",
    "Université catholique de Lille",
    "Secours catholique, bénévole",
    "Catholic school fees",
    "transistor bipolaire",
    "véhicule de fonction ALD Automotive",
    "patron d'un bar gay-friendly",
    "dégustation à l'aveugle",
    "test en aveugle du nouveau produit",
    "blinds cleaned daily",
    "Invoice due date: 2024-03-01",
    "terme prévu du contrat: 30/06",
    "build clean since v2.1",
    "Credit Union branch on Main St",
    "European Union official visit",
    "member of the Church Street tennis club",
    "Hep C awareness campaign poster",
    "empreinte carbone du transport",
    "SSH key fingerprint SHA256:abcd1234",
    "Innovation is in our DNA",
    "pratiquant le tennis depuis 10 ans",
    "fait de la voile le week-end",
    "enceinte Bluetooth JBL",
    "golf: handicap 12",
    "syndicat d'initiative de Colmar",
    "Ford Escort 1.6",
    "accro au shopping",
    "K-way rouge taille M",
]


@pytest.mark.parametrize(("expected", "text"), POSITIVES, ids=[t for _, t in POSITIVES])
def test_a_probe_positive_has_exactly_its_categories(expected: frozenset[str], text: str) -> None:
    note = f"notes: {text}"
    assert cats(note) == expected, (note, scan_article9(note))


@pytest.mark.parametrize("text", NEGATIVES)
def test_a_probe_negative_is_not_flagged(text: str) -> None:
    note = f"notes: {text}"
    assert scan_article9(note) == [], note


def test_the_probe_cases_in_a_patient_dump_an_hr_file_and_a_dox() -> None:
    """The same classes through the real pipeline (`detect`), on the engine under test."""
    from indexer.detect import detect
    from indexer.tokens import MatchKey

    key = MatchKey(b"k" * 32)
    patients = ("nom;prenom;ddn;email;observations\n"
                "Lefebvre;Anne;12/05/1974;anne.lefebvre@exemple.test;néo du côlon opéré en 2020\n"
                "Roux;Paul;03/04/1961;paul.roux@exemple.test;RAS\n"
                "Martin;Karim;21/09/1988;karim.martin@exemple.test;héroïnomane sevré, sous Subutex\n")
    hr = ("matricule,nom,prenom,email,remarques\n"
          "0042,Durand,Léa,lea.durand@exemple.test,congé maternité à partir du 15/04\n"
          "0043,Petit,Marc,marc.petit@exemple.test,encarté à la CGT\n"
          "0044,Morel,Inès,ines.morel@exemple.test,signe astrologique: Cancer\n")
    dox = ("Nom: Kevin Lambert\nEmail: kevin.lambert@exemple.test\nTéléphone: 06 12 34 56 78\n"
           "Infos: se rend chaque vendredi à la mosquée, sourd de naissance\n")
    got = {}
    for name, body in (("patients", patients), ("hr", hr), ("dox", dox)):
        frags = detect(body, key=key)
        got[name] = {(f.category, f.evidence) for fr in frags for f in fr.sensitive}
    assert {c for c, _ in got["patients"]} == {H}
    assert {e for _, e in got["patients"]} >= {"néo du côlon", "héroïnomane", "sous Subutex"}
    assert got["hr"] == {(H, "congé maternité"), (T, "encarté à la CGT")}
    assert {c for c, _ in got["dox"]} == {R, H}
