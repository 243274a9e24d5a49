"""Article 9: a second blind probe (wave 19), on chronic diseases, their treatments and care, as a
GP's or a hospital's software holds them in a dump's notes column or a consultation letter,
French mostly, some English. The cases were written before the lexicon was read, from what such
notes are full of: long-term conditions (BPCO, insuffisance cardiaque et rénale, dialyse,
cirrhose, hépatite C, sclérose en plaques, Parkinson, épilepsie, cancers with their chemotherapy
and radiotherapy), the treatments and devices that give a condition away without naming it
(oxygénothérapie, pacemaker, insulinothérapie, anticoagulants, greffe, TSO), the administrative
marks of a disease (ALD, affection de longue durée, MDPH, RQTH), psychiatry, pregnancy, and the
doctors' abbreviations (BPCO, IRC, ICC, SEP, HTA, DT1, K du sein).

The negatives are the other senses of the same words, which a leak's text holds as often: a
doctor's specialty in a directory, a hospital department as an address, a pharmacy's price list,
the weather's "dépression", a court's "greffe", IRC the chat network, an ICC colour profile,
Parkinson's law, athletics' pacemakers, a note that names no condition. Each case asserts the
exact outcome: the categories flagged, or none. All data is synthetic."""

from __future__ import annotations

import pytest

from indexer.article9 import scan_article9

H, G = "health", "genetic"


def cats(text: str) -> set[str]:
    return {f.category for f in scan_article9(text)}


POSITIVES: list[tuple[frozenset[str], str]] = [(frozenset(c), t) for c, t in [
    # respiratory: the mail probe's consultation letter, by class
    ({H}, "BPCO stade III sous oxygénothérapie 2 L/min au long cours"),
    ({H}, "Bronchopneumopathie chronique obstructive post-tabagique, VEMS 45 %"),
    ({H}, "Mise en place d'une oxygénothérapie de déambulation"),
    ({H}, "asthme sévère non contrôlé, sous Xolair"),
    ({H}, "COPD on home oxygen 2 L/min"),
    # heart, kidney, liver
    ({H}, "Insuffisance cardiaque à FEVG altérée, NYHA II"),
    ({H}, "ICC décompensée, hospitalisé du 12/01 au 18/01"),
    ({H}, "IRC stade 4, préparation à la dialyse"),
    ({H}, "hémodialyse 3x/semaine, fistule avant-bras gauche"),
    ({H}, "insuffisance rénale chronique terminale"),
    ({H}, "Cirrhose éthylique Child B, varices oesophagiennes"),
    ({H}, "Hépatite C traitée, RVS à 12 semaines"),
    ({H}, "Congestive heart failure, EF 30%"),
    ({H}, "CKD stage 3b, nephrology follow-up"),
    ({H}, "started on haemodialysis in March"),
    # neurology
    ({H}, "SEP rémittente-récurrente sous Ocrevus"),
    ({H}, "sclérose en plaques diagnostiquée en 2015"),
    ({H}, "Maladie de Parkinson, sous Modopar 125"),
    ({H}, "Alzheimer débutant, MMSE 22/30"),
    ({H}, "Épilepsie partielle, sous Keppra 500 mg x2"),
    ({H}, "Multiple sclerosis, relapsing-remitting"),
    ({H}, "History of epilepsy, seizure-free on levetiracetam"),
    # cancers and their treatments
    ({H}, "K du sein gauche opéré, chimiothérapie adjuvante puis radiothérapie"),
    ({H}, "cancer du sein triple négatif en cours de chimio"),
    ({H}, "Chimio FEC 100, cure 3/6 le 14/02"),
    ({H}, "séances de radiothérapie terminées le 20/05"),
    ({H}, "Adénocarcinome prostatique, hormonothérapie"),
    ({H}, "Breast cancer, completed chemotherapy and radiotherapy"),
    # diabetes, blood pressure, other long-term conditions
    ({H}, "DT1 sous pompe à insuline"),
    ({H}, "diabète de type 1 sous insuline depuis l'enfance"),
    ({H}, "insulinothérapie basale-bolus, HbA1c 8,2 %"),
    ({H}, "HTA essentielle sous Coversyl 5"),
    ({H}, "Type 1 diabetic on an insulin pump"),
    ({H}, "Polyarthrite rhumatoïde sous méthotrexate"),
    ({H}, "Maladie de Crohn, sous Humira"),
    ({H}, "mucoviscidose, suivi au CRCM"),
    # "homozygote" states a genotype: genetic data too (decided after the probe ran: the lexicon lists
    # genotypes as genetic, and the sickle-cell trait is one)
    ({H, G}, "drépanocytose homozygote, crises vaso-occlusives"),
    # treatments and devices that give the condition away
    ({H}, "Porteur d'un pacemaker depuis 2018"),
    ({H}, "stimulateur cardiaque posé en 2019"),
    ({H}, "sous anticoagulants (Eliquis 5 mg x2) pour FA"),
    ({H}, "AVK : Préviscan, INR cible 2-3"),
    ({H}, "Greffe rénale en 2012, sous Advagraf"),
    ({H}, "transplanté hépatique"),
    ({H}, "kidney transplant recipient"),
    ({H}, "has a pacemaker fitted"),
    # administrative marks of a disease or a disability
    ({H}, "Patient en ALD 30 pour son diabète"),
    ({H}, "Prise en charge à 100 % au titre d'une affection de longue durée"),
    ({H}, "Dossier MDPH déposé, taux d'incapacité 80 %"),
    ({H}, "RQTH obtenue en 2021"),
    ({H}, "bénéficiaire de l'AAH"),
    # pregnancy and its end
    ({H}, "Grossesse de 14 SA, terme prévu le 02/09"),
    ({H}, "enceinte de 5 mois"),
    ({H}, "demande d'IVG, délai de réflexion respecté"),
    ({H}, "Pregnant, 20 weeks"),
    # psychiatry
    ({H}, "Épisode dépressif majeur, sous sertraline"),
    ({H}, "Trouble bipolaire de type II, sous lithium"),
    ({H}, "Schizophrénie paranoïde stabilisée"),
    ({H}, "hospitalisation en psychiatrie en 2020"),
    ({H}, "SDT du 03/02 au 20/03 au CHS"),
    ({H}, "Diagnosed with bipolar disorder, on lithium"),
    ({H}, "anorexie mentale, IMC 15"),
    # addictions and their substitution treatments
    ({H}, "TSO : méthadone 60 mg/j, délivrance quotidienne"),
    ({H}, "sous Subutex 8 mg"),
    ({H}, "On methadone maintenance therapy"),
    # HIV
    ({H}, "HIV positive since 2011, on Biktarvy"),
    ({H}, "VIH découvert en 2016, sous trithérapie"),
    # a dump's notes column and a letter's line
    ({H}, "id;nom;prenom;notes\n12;Martin;Claire;BPCO - O2 à domicile\n13;Petit;Luc;IRC dialysé"),
    ({H}, "Cher confrère, je vous adresse Mme Durand, 67 ans, suivie pour une insuffisance "
          "cardiaque et une BPCO, pour avis."),
]]

NEGATIVES = [
    # a doctor's specialty, a department as an address
    "Dr Sophie Leroy, cardiologue, 12 rue de la Paix, 75002 Paris, tél. 01 23 45 67 89",
    "Service de cardiologie, CHU de Nantes, 5 allée de l'Île Gloriette, 44093 Nantes",
    "Expéditeur : Service d'oncologie médicale, Hôpital Saint-Louis",
    "Recrutement : infirmier(e) en service de psychiatrie, CDI temps plein",
    # a pharmacy's price list names drugs, no patient
    "Tarifs : Doliprane 1000 mg boîte de 8 : 2,18 € ; Smecta : 4,10 € ; Spasfon : 3,50 €",
    # the words' other senses
    "Météo : une dépression atlantique apportera des pluies sur la Bretagne",
    "Alerte pollution à l'ozone : un air à donner de l'asthme, vitesse limitée à 70 km/h",
    "Extrait Kbis délivré par le greffe du tribunal de commerce de Lyon",
    "Rejoignez-nous sur IRC, canal #vigie sur Libera.Chat",
    "Profil couleur ICC sRGB intégré au PDF",
    "La loi de Parkinson : le travail s'étale pour occuper le temps disponible",
    "The pacemakers dropped out at 30 km and he ran the rest alone",
    "Bouteille d'oxygène B5 pour le poste de soudure, 45 €",
    "TSO userid IBMUSER, logon procedure IKJACCNT",
    "Relais SPDT 5 V, 10 A, 2,40 € pièce",
    # a note that names no condition: nothing to flag (a negation of nothing)
    "Pas d'antécédent notable. Examen clinique normal.",
    "RAS, revoir dans un an",
    # a condition or a treatment negated in its clause is not the person's (negation.txt: "pas de",
    # "sans", "VIH : négatif"); the new entries follow the same rule
    "Pas d'oxygénothérapie à ce jour",
    "Sans dialyse ni greffe rénale",
    "No history of COPD or heart failure",
]


@pytest.mark.parametrize(("expected", "text"), POSITIVES, ids=[t[:40] for _, t in POSITIVES])
def test_flags_the_condition(expected: frozenset[str], text: str) -> None:
    assert cats(text) == set(expected), text


@pytest.mark.parametrize("text", NEGATIVES, ids=[t[:40] for t in NEGATIVES])
def test_flags_nothing(text: str) -> None:
    assert cats(text) == set(), text
