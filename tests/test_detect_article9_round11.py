# ruff: noqa: E501  (a dump's line is kept whole, as it is pasted)
"""Article 9 and precision, round 11: blind set 9c's article 9 misses and set 9b's specification examples,
by class (wave 31, helper I; the lead's decisions of wave 31).

- a gene test's result that reveals a disease or its risk (a BRCA pathogenic variant, a Huntington expansion) is
  HEALTH and GENETIC; a paternity test's result (exclusion, probability, STR markers) is GENETIC only;
- a psychiatric admission written with the pre-2011 terms (HDT, HO, with their legal frame: a third party, a
  mayor's or prefect's order, L3212/L3213) of a named person is HEALTH; "HO" of a model railway is not;
- a transfusion refused by a person (a register of care refusals) is HEALTH;
- a union's legal-services register of its members (a union named over `Member no.`) and a person's union office
  told in the sentence under their contacts (`C'est lui le délégué syndical CGT`) are TRADE UNION;
- a petition's signatories are POLITICAL OPINION when the petition's cause is political, as its vocabulary says
  (a reform, a vote, an election, a strike, a law, a government: `indexer.detect.petitions`); a petition about a
  pothole or a bakery's hours, and a contract platform's `signed_at`, say nothing;
- ONE example in a specification's text (an RFC cited over it with its section or "example") is no leak: a list of
  address syntaxes at reserved domains, one author's card; two people in that shape, or the same values without
  the specification's framing, are kept.

Every test runs on both engines (`eng`): article 9 is read by the same Python on both, over the lexicon's terms the
compiled core finds (`article9._term_spans`).
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x31" * 32, version=2)


def found(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers}


def types(text: str) -> set[str]:
    return {t for t, _ in found(text)}


def cats(text: str) -> set[str]:
    return {s.category for f in detect(text, key=KEY) for s in f.sensitive}


# ---------------------------------------------------------------- gene tests: a disease's risk is health too

GENE_DISEASE = {
    "brca_lab_tab_en": "Sample\tPatient\tDOB\tPhone\tGene\tResult\nS-771\tRachel Cohen\t1981-06-14\t+44 7700 912 345\tBRCA2\tpathogenic variant c.5946delT\nS-772\tAmy Brooks\t1975-02-03\t+44 7700 913 456\tBRCA1\tlikely pathogenic variant\nS-773\tJo Patel\t1990-11-21\t+44 7700 914 567\tBRCA1\tno variant detected\n",
    "brca_prose_fr": "Nadia Ferrand — nadia.ferrand@laposte.net — 06 31 72 48 15 — née le 09/09/1979.\nSa consultation d'oncogénétique a confirmé qu'elle est porteuse d'une mutation BRCA 1, comme sa mère.",
    "huntington_prose_en_htt": "Mark Delaney (mark.delaney@gmail.com, +44 7911 456 789), born 23/01/1977.\nHe got his results last spring: HTT gene expansion confirmed, 44 CAG repeats.",
    "huntington_prose_fr": "Julien Masse, 06 48 12 93 70, julien.masse@free.fr, né à Brest.\nTest présymptomatique positif : il porte le gène de Huntington, comme son père.",
    "lynch_register_fr": "IPP;Nom;Prénom;DDN;Téléphone;Résultat\n88120;LE ROUX;Hervé;12/04/1962;06 11 42 58 93;syndrome de Lynch (MLH1)\n88121;CORRE;Annick;30/08/1958;06 22 53 69 04;syndrome de Lynch (MSH2)\n88122;TANGUY;Loïc;02/02/1985;06 33 64 70 15;pas de mutation\n",
}
# a paternity test: genetic only (no disease)
PATERNITY = {
    "register_en": "Case | Alleged father | DOB | Child | DOB | Result\nPT-101 | John Hale | 04/05/1971 | Emma Hale | 12/06/2004 | paternity excluded (5 STR loci)\nPT-102 | Dan Moss | 19/01/1966 | Leo Moss | 03/03/2001 | probability of paternity 99.998%\n",
    "semicolons_fr": "dossier;père présumé;né le;enfant;né(e) le;conclusion\nAP-31;GUILLOU Yann;14/02/1975;GUILLOU Lou;21/07/2010;exclusion de paternité\nAP-32;RIOU Marc;08/10/1969;RIOU Inès;30/01/2008;indice de paternité 120 000\n",
    "prose_fr": "Kevin Tessier, né le 11/12/1990, 06 72 41 85 36 : le labo a rendu les marqueurs STR, probabilité de paternité 99,99 %, c'est bien le père.",
}
GENE_NEGATIVES = {
    "lab_price_list": "Laboratoire de génétique — tarifs 2026\nPanel BRCA1/BRCA2 (hors nomenclature) : 450 €\nRecherche d'expansion CAG (Huntington) : 320 €\nSecrétariat : 02 98 34 70 00 — secretariat.genetique@chu-exemple.fr",
    "association_helpline": "Huntington France — ligne d'écoute pour les familles touchées par la maladie de Huntington : 01 53 60 08 79, du lundi au vendredi. Contact : contact@huntington-asso.fr",
}


@pytest.mark.parametrize("name", sorted(GENE_DISEASE))
def test_a_gene_test_that_reveals_a_disease_risk_is_health_and_genetic(eng: str, name: str) -> None:
    assert {"health", "genetic"} <= cats(GENE_DISEASE[name]), name


@pytest.mark.parametrize("name", sorted(PATERNITY))
def test_a_paternity_test_is_genetic_only(eng: str, name: str) -> None:
    assert cats(PATERNITY[name]) == {"genetic"}, name


@pytest.mark.parametrize("name", sorted(GENE_NEGATIVES))
def test_a_genetics_lab_or_association_naming_no_one_flags_nothing(eng: str, name: str) -> None:
    assert cats(GENE_NEGATIVES[name]) == set(), name


# ---------------------------------------------------------------- psychiatric admissions, the pre-2011 terms

ADMISSIONS = {
    "tab_mode_legal": "n_adm\tnom\tprenom\tddn\ttel\tmode_legal\n1204\tRIVIERE\tPascal\t1969-03-12\t06 12 57 84 30\tHO (arrêté préfectoral)\n1205\tBOUVIER\tNadège\t1984-07-01\t06 23 68 95 41\tHDT (demande d'un tiers : mère)\n",
    "prose_place_en_hdt": "Yannick Le Floch, né le 07/05/1981, 06 54 87 21 09 : placé en HDT par sa sœur en 2008 à Quimper, il a passé trois mois à l'hôpital.",
    "prose_hospitalise_en_ho": "Contact : Thierry Gourmelon (thierry.gourmelon@orange.fr, 06 65 98 32 10), né le 18/03/1972.\nHospitalisé en HO en 2006 après l'incendie, mesure de HO levée en 2007.",
    "csv_hdt_urgence": "nom,prenom,naissance,telephone,admission\nCAROFF,Gwen,1990-09-09,0677123456,HDT urgence\nPENNEC,Alan,1987-01-30,0688234567,hospitalisation à la demande d'un tiers\n",
}
ADMISSION_NEGATIVES = {
    "law_text_with_ministry_line": "La loi du 27 juin 1990 distinguait l'HDT (hospitalisation à la demande d'un tiers) et l'HO (hospitalisation d'office, sur arrêté préfectoral) ; la loi du 5 juillet 2011 les a remplacées par les SDT et SDRE. Renseignements : 01 40 56 60 00.",
    "model_railway_shop": "Réf;Article;Échelle;Prix;Contact\n4410;Locomotive BB 67400;HO;89 €;boutique@trains-exemple.fr\n4411;Wagon citerne;HO;24 €;02 97 21 00 00\n4412;Voiture Corail;HL;35 €;02 97 21 00 00\n",
    "opening_hours_psychiatry": "Service de psychiatrie adulte — secrétariat ouvert du lundi au vendredi de 9h à 17h. Téléphone : 02 98 01 50 50. Les admissions en soins à la demande d'un tiers passent par les urgences.",
}


@pytest.mark.parametrize("name", sorted(ADMISSIONS))
def test_a_psychiatric_admission_in_the_old_terms_is_health(eng: str, name: str) -> None:
    assert "health" in cats(ADMISSIONS[name]), name


@pytest.mark.parametrize("name", sorted(ADMISSION_NEGATIVES))
def test_the_old_terms_about_no_one_flag_nothing(eng: str, name: str) -> None:
    assert cats(ADMISSION_NEGATIVES[name]) == set(), name


# ---------------------------------------------------------------- a transfusion refused

TRANSFUSION = {
    "register_en": "Patient | DOB | Phone | Note\nGrace Owusu | 12/03/1979 | +44 7700 915 678 | refuses blood transfusion, consents to cell salvage\nPaul Mensah | 01/09/1960 | +44 7700 916 789 | declined transfusion (advance decision on file)\n",
    "csv_fr": "nom;prenom;ddn;tel;consigne\nBERTRAND;Lucie;1992-05-17;06 14 25 36 47;refus de toute transfusion sanguine\nCHARPENTIER;Noël;1948-12-02;06 25 36 47 58;refuse les transfusions (directives anticipées)\n",
    "prose_fr": "Mme Claire Vasseur, née le 05/06/1970, 06 41 52 63 74 : a refusé la transfusion après l'accident malgré l'avis du chirurgien.",
}


@pytest.mark.parametrize("name", sorted(TRANSFUSION))
def test_a_transfusion_refused_is_health(eng: str, name: str) -> None:
    assert "health" in cats(TRANSFUSION[name]), name


# ---------------------------------------------------------------- trade union: a member register, an office told below

UNION = {
    "delegate_fr_prose_fo": "Sophie MARCHAND, née le 03/04/1985 — 06 47 18 29 60 — sophie.marchand@free.fr\nElle est déléguée syndicale FO à la mairie depuis 2019, c'est elle qui négocie les primes.",
    "rep_fr_prose_sud": "Karim BELKACEM, né le 14/02/1978, 07 61 24 35 46, karim.belkacem@gmail.com\nReprésentant syndical SUD Rail au dépôt de Rennes, il a mené la grève de mars.",
    "legal_claims_gmb": "GMB legal services — member cases opened Q3 2026\nMember number,Name,Email,Mobile,Workplace,Case\n448120,Tom Walsh,tom.walsh@gmail.com,+447700900111,Asda Leeds,disciplinary\n448121,Sara Khan,sara.khan@outlook.com,+447700900222,Royal Mail Hull,personal injury\n",
    "legal_claims_unite_tab": "Unite the Union — regional legal unit — claims by member\nMember ID\tName\tEmail\tPhone\tClaim\n9917\tLiam Ross\tliam.ross@yahoo.co.uk\t+447700900333\tunfair dismissal\n9918\tNia Evans\tnia.evans@gmail.com\t+447700900444\tequal pay\n",
}
UNION_NEGATIVES = {
    "union_programme": "Programme de la section : le délégué syndical de chaque établissement sera élu en janvier ; permanence syndicale le jeudi. Contact : 01 42 03 81 00 — contact@union-locale-exemple.fr",
    "gym_member_claims": "Fitness Club — member claims for refunds 2026\nMember no.,Name,Email,Amount\n1201,Tom Walsh,tom.walsh@gmail.com,30\n1202,Sara Khan,sara.khan@outlook.com,45\n",
    "person_then_hobby": "Cédric DUVAL, né le 22/10/1969 — 06 21 42 25 30 — cedric.duval91@outlook.fr\nC'est lui qui entraîne l'équipe de foot du quartier le samedi matin.",
}


@pytest.mark.parametrize("name", sorted(UNION))
def test_a_union_office_or_register_is_trade_union(eng: str, name: str) -> None:
    assert "trade_union" in cats(UNION[name]), name


@pytest.mark.parametrize("name", sorted(UNION_NEGATIVES))
def test_union_words_about_no_one_and_a_clubs_members_flag_nothing(eng: str, name: str) -> None:
    assert cats(UNION_NEGATIVES[name]) == set(), name


def test_the_person_whose_office_is_told_below_keeps_every_identifier(eng: str) -> None:
    got = found(UNION["delegate_fr_prose_fo"])
    assert {("dob", "1985-04-03"), ("phone", "+33647182960"), ("email", "sophie.marchand@free.fr")} <= got


# ---------------------------------------------------------------- a political petition's signatories

PETITIONS = {
    "fr_signataires_commentaire": "signataire;email;tel;date_signature;commentaire\nMartin Lucas;lucas.martin@free.fr;06 12 34 56 71;2026-10-02;Non à la réforme des retraites !\nNoémie Briand;noemie.briand@orange.fr;06 23 45 67 82;2026-10-03;Démission du gouvernement\nYves Cadiou;yves.cadiou@gmail.com;06 34 56 78 93;2026-10-04;\n",
    "en_title_names_the_cause": "Petition: Stop the immigration bill — signatures export\nsigned_on,name,email,phone,reason\n2026-09-01,Ann Lowe,ann.lowe@gmail.com,+447700900555,\n2026-09-02,Ben Shaw,ben.shaw@outlook.com,+447700900666,I signed\n",
    "cause_in_the_line_under": "signature_id,name,email,mobile,comment\n71,Lea Roux,lea.roux@free.fr,+33611223344,Enough!\n72,Paul Henry,paul.henry@gmail.com,+33622334455,\n# pétition : abrogation de la loi sur les retraites — Front populaire\n",
}
PETITION_NEGATIVES = {
    "pothole": "signature_id,signed_at,name,email,mobile,comment\n901,2026-11-02,Lea Roux,lea.roux@free.fr,+33611223344,Please fix the road before winter\n902,2026-11-03,Paul Henry,paul.henry@gmail.com,+33622334455,Dangerous for cyclists\n# petition: 'Repair the potholes on Rue de Brest'\n",
    "bakery_hours_fr": "Pétition : pour que la boulangerie du bourg rouvre le dimanche\nsignataire;email;tel;commentaire\nMartin Lucas;lucas.martin@free.fr;06 12 34 56 71;Le dimanche matin c'est sacré pour les croissants\nNoémie Briand;noemie.briand@orange.fr;06 23 45 67 82;Merci !\n",
    "contracts_signed_at": "contract_id,signed_at,client,email,phone,subject\nC-88,2026-10-01,Lea Roux,lea.roux@free.fr,+33611223344,government tender response\nC-89,2026-10-02,Paul Henry,paul.henry@gmail.com,+33622334455,election of the board\n",
}


@pytest.mark.parametrize("name", sorted(PETITIONS))
def test_a_political_petitions_signatories_are_political_opinion(eng: str, name: str) -> None:
    assert "political_opinion" in cats(PETITIONS[name]), name


@pytest.mark.parametrize("name", sorted(PETITION_NEGATIVES))
def test_a_petition_about_no_political_cause_flags_nothing(eng: str, name: str) -> None:
    got = cats(PETITION_NEGATIVES[name])
    assert got == set(), (name, got)
    assert "email" in types(PETITION_NEGATIVES[name])  # (the signatories are still found)


# ---------------------------------------------------------------- precision: one example in a specification's text

SPEC_EXAMPLES = {
    "rfc5322_appendix_addresses": "RFC 5322, Appendix A.1.2, gives these addresses in its examples:\n    \"Joe Q. Public\" <john.q.public@example.com>\n    Mary Smith <mary@x.test>, jdoe@example.org\n    Who? <one@y.test>\n",
    "vcard_fr_framing": "Exemple tiré de la RFC 6350, section 6.4.1 (une carte) :\nBEGIN:VCARD\nVERSION:4.0\nFN:Jean Dupuis\nTEL;TYPE=work:+33 1 45 22 18 70\nTEL;TYPE=cell:+33 6 70 11 22 33\nEMAIL:jean.dupuis@exemple-editeur.fr\nEND:VCARD\n",
    "icalendar_rfc5545_example": "RFC 5545 section 4, example: a meeting request\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nORGANIZER;CN=John Smith:mailto:jsmith@example.com\nATTENDEE;CN=Henry Cabot:mailto:hcabot@example.com\nSUMMARY:Annual review\nEND:VEVENT\nEND:VCALENDAR\n",
}
NOT_SPEC_EXAMPLES = {
    # two people's cards under the same framing: a leak
    "two_vcards_under_rfc": ("RFC 6350 section 8, example:\nBEGIN:VCARD\nVERSION:4.0\nFN:Jean Dupuis\nTEL;TYPE=cell:+33 6 70 11 22 33\nEMAIL:jean.dupuis@gmail.com\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Marie Caradec\nTEL;TYPE=cell:+33 6 81 22 33 44\nEMAIL:marie.caradec@orange.fr\nEND:VCARD\n", {"jean.dupuis@gmail.com", "marie.caradec@orange.fr"}),
    # realistic addresses listed under an RFC's section: not reserved, several: kept
    "real_addresses_under_rfc": ("Addresses that pass RFC 5322 section 3.4 (from our customer table):\n    lea.roux@free.fr\n    paul.henry@gmail.com\n    noemie.briand@orange.fr\n", {"lea.roux@free.fr", "paul.henry@gmail.com", "noemie.briand@orange.fr"}),
    # the same card with no specification over it: someone's
    "one_card_no_rfc": ("Found on his laptop:\nBEGIN:VCARD\nVERSION:4.0\nFN:Simon Perreault\nTEL;VALUE=uri;TYPE=\"work,cell\":tel:+1-418-262-6501\nEMAIL;TYPE=work:simon.perreault@viagenie.ca\nEND:VCARD\n", {"simon.perreault@viagenie.ca"}),
    # synthetic people at example.com (Faker) with their phones, no specification: kept
    "faker_people_example_com": ("name,email,phone\nLea Roux,lea.roux@example.com,+33611223344\nPaul Henry,paul.henry@example.org,+33622334455\n", {"lea.roux@example.com", "paul.henry@example.org"}),
}


@pytest.mark.parametrize("name", sorted(SPEC_EXAMPLES))
def test_one_example_in_a_specifications_text_is_no_leak(eng: str, name: str) -> None:
    got = found(SPEC_EXAMPLES[name])
    assert not {x for x in got if x[0] in ("email", "phone")}, (name, got)


@pytest.mark.parametrize("name", sorted(NOT_SPEC_EXAMPLES))
def test_people_in_a_specifications_shape_are_kept(eng: str, name: str) -> None:
    text, want = NOT_SPEC_EXAMPLES[name]
    assert {v for t, v in found(text) if t == "email"} >= want, name
