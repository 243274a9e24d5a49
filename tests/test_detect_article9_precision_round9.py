# ruff: noqa: E501  (an export's line is kept whole, as the software writes it)
"""Article 9 and precision, round 9: blind set 7's remaining article 9 misses, by class (wave 29, helper I).

Each class is built from the lead's decisions of wave 29 (a blood group, a deferral, a vaccine's side effect and
an allergy are health; a CRM tag "LGBT+" on a contact is a presumed orientation; "TJ" is a Jehovah's Witness
only with a refused transfusion or under a religion column; "H>H" / "H cherche H" say who one seeks), with
variants the probes did not show (other separators, languages, layouts) and benign texts of the same shape that
stay clean. Every test runs on both engines (`eng`): the lexicon's terms are searched by the compiled core too.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import nir, spaced_nir

KEY = MatchKey(b"\x29" * 32, version=2)

# synthetic people (numbers valid in form only): NIRs of a man born 03/1980, a woman born 04/1981, a man 05/1992
_NIRS = [nir("1800375106123"), nir("2810469123045"), nir("1920513055188")]


def cats(text: str, filename: str | None = None) -> set[str]:
    return {s.category for f in detect(text, key=KEY, filename=filename) for s in f.sensitive}


def ids(text: str) -> set[str]:
    return {i.type for f in detect(text, key=KEY) for i in f.identifiers}


# ---------------------------------------------------------------- religion: "TJ"/"JW" with the refused transfusion

TJ = {
    "pipe_notes_fr": "nom|prenom|naissance|portable|note\nDUPONT|Jean|12/03/1980|0612345678|TJ refus transfu\nMARTIN|Luc|13/04/1981|0623456789|HTA\n",
    "csv_notes_comma": "nom,prenom,ddn,tel,remarques\nDupont,Jean,12/03/1980,06 12 34 56 78,\"TJ, refuse toute transfusion\"\nMartin,Luc,13/04/1981,06 23 45 67 89,RAS\n",
    "tab_obs_pas_de": "NOM\tPRENOM\tDDN\tTEL\tOBS\nDUPONT\tJean\t12/03/1980\t0612345678\tTJ - pas de transfusion\nMARTIN\tLuc\t13/04/1981\t0623456789\tdiabète\n",
    "en_jw_no_blood": "name,dob,phone,notes\nJohn Smith,1980-03-12,+33612345678,JW - no blood\nMary Jones,1981-04-13,+33623456789,asthma\n",
    "en_jw_refuses": "patient\tdob\temail\tnotes\nJohn Smith\t1980-03-12\tjohn.smith@gmail.com\tJW, refuses blood transfusion\nMary Jones\t1981-04-13\tmary.jones@gmail.com\tasthma\n",
    "produits_sanguins": "nom;prenom;ne_le;tel;notes\nDUPONT;Jean;12/03/1980;06 12 34 56 78;TJ, refuse les produits sanguins\nMARTIN;Luc;13/04/1981;06 23 45 67 89;-\n",
}
TJ_NOT = {
    # 'TJ' alone, whatever the column, is a tribunal judiciaire as often (the lead's decision)
    "atcd_alone": "nom|prenom|ddn|gsm|atcd\nDUPONT|Jean|12/03/1980|0612345678|TJ\nMARTIN|Luc|13/04/1981|0623456789|-\n",
    "notes_alone": "nom;prenom;ddn;tel;notes\nDupont;Jean;12/03/1980;06 12 34 56 78;TJ\nMartin;Luc;13/04/1981;06 23 45 67 89;TJ Paris\n",
    "court_news": "avocat;email;portable;dossier\nJean Dupont;jean.dupont@gmail.com;06 12 34 56 78;le TJ fait droit à la demande de transfusion\nLuc Martin;luc.martin@gmail.com;06 23 45 67 89;audience du TJ de Meaux\n",
    "jw_hotel": "name,phone,hotel,notes\nJohn Smith,+33612345678,JW Marriott,no blood test needed\nMary Jones,+33623456789,Hilton,late arrival\n",
}


@pytest.mark.parametrize("name", sorted(TJ))
def test_a_refused_transfusion_beside_tj_is_religion(eng: str, name: str) -> None:
    assert "religion" in cats(TJ[name])


@pytest.mark.parametrize("name", sorted(TJ_NOT))
def test_tj_alone_is_no_religion(eng: str, name: str) -> None:
    text = TJ_NOT[name]
    assert "phone" in ids(text)  # (a fragment there is: its flags are what is tested)
    assert "religion" not in cats(text)


# ---------------------------------------------------------------- sexual orientation: who one seeks, a CRM's tag

SEEKS = {
    "obs_h_h": "NOM;PRENOM;NE_LE;TEL;OBS\nDUPONT;Jean;12-03-1980;0612345678;H>H, TPE en 2023\nMARTIN;Luc;13-04-1981;0623456789;HTA\n",
    "notes_f_f": "nom,prenom,ddn,portable,notes\nDupont,Claire,12/03/1980,06 12 34 56 78,F>F\nMartin,Lise,13/04/1981,06 23 45 67 89,RAS\n",
    "profile_recherche": "Pseudo : loulou75\nNom : Jean Dupont\nNé le : 12/03/1980\nTel : 06 12 34 56 78\nRecherche : H cherche H\n",
    "profile_looking_for": "username,email,phone,looking_for\nbigbear,john.smith@gmail.com,+33612345678,M4M\ncitygirl,mary.jones@gmail.com,+33623456789,friends\n",
    "ad_en": "Contact: John Smith, +33 6 12 34 56 78, john.smith@gmail.com, born 12/03/1980. Man seeking man for long-term relationship.\n",
}
SEEKS_NOT = {
    "formula": "eleve;email;tel;exercice\nJean Dupont;jean.dupont@gmail.com;06 12 34 56 78;si H>H' alors la suite converge\nLuc Martin;luc.martin@gmail.com;06 23 45 67 89;noter H>H+1\n",
    "maintenance": "technicien;tel;obs\nDupont Jean;06 12 34 56 78;délai H>H+2\nMartin Luc;06 23 45 67 89;RAS\n",
    "recherche_job": "Nom : Jean Dupont\nNé le : 12/03/1980\nTel : 06 12 34 56 78\nRecherche : CDI développeur\n",
}
TAGS = {
    "mailchimp": 'Email Address,First Name,Last Name,Phone Number,TAGS\njean.dupont@orange.fr,Jean,Dupont,+33612345678,"newsletter,ateliers"\nluc.martin@free.fr,Luc,Martin,+33623456789,"LGBT+ seniors"\n',
    "segments_semicolon": "email;nom;tel;segments\nclaire.roy@free.fr;Roy;06 12 34 56 78;clients fidèles\nlise.morel@orange.fr;Morel;06 23 45 67 89;Communauté LGBT, newsletter\n",
    "interests_en": "email,name,phone,interests\njohn.smith@gmail.com,John Smith,+447700900123,\"hiking, LGBTQ+ events\"\nmary.jones@gmail.com,Mary Jones,+447700900456,cooking\n",
    "etiquettes_queer": "courriel|nom|portable|etiquettes\nalex.petit@free.fr|Petit|0612345678|LGBTQI, soirées\nsam.leroy@orange.fr|Leroy|0623456789|vip\n",
}
TAGS_NOT = {
    "prose_newsletter": "abonne;email;portable;derniere_lettre\nClaire Roy;claire.roy@free.fr;06 12 34 56 78;Notre newsletter LGBT+ seniors paraît chaque mois\nLise Morel;lise.morel@free.fr;06 23 45 67 89;agenda des sorties\n",
    "bi_tag": "email,name,phone,tags\njohn.smith@gmail.com,John Smith,06 12 34 56 78,\"BI, reporting\"\nmary.jones@gmail.com,Mary Jones,06 23 45 67 89,newsletter\n",
    "description_column": "email;nom;tel;sujet\nclaire.roy@free.fr;Roy;06 12 34 56 78;article sur les droits LGBT\nlise.morel@orange.fr;Morel;06 23 45 67 89;agenda\n",
}


@pytest.mark.parametrize("name", sorted(SEEKS))
def test_who_one_seeks_is_orientation(eng: str, name: str) -> None:
    assert "sexual_orientation" in cats(SEEKS[name])


@pytest.mark.parametrize("name", sorted(TAGS))
def test_a_contacts_tag_is_orientation(eng: str, name: str) -> None:
    assert "sexual_orientation" in cats(TAGS[name])


@pytest.mark.parametrize("name", sorted(SEEKS_NOT) + sorted(TAGS_NOT))
def test_the_same_words_about_no_one(eng: str, name: str) -> None:
    text = {**SEEKS_NOT, **TAGS_NOT}[name]
    assert "phone" in ids(text)
    assert "sexual_orientation" not in cats(text)


# ---------------------------------------------------------------- health: a ward, a blood group, a side effect


def _label(ward: str, k: int) -> str:
    """A sheet of three patients' labels, a blank line between (one label alone is read as no one's)."""
    people = [("DUPONT Jean", f"1{k}/03/1980", "M"), ("MARTIN Lise", f"1{k}/04/1981", "F"), ("ROY Paul", f"1{k}/05/1992", "M")]
    return "\n\n".join(f"CHU NORD — IPP 0012345{k}{j}  IEP 2400{k}{j}11\n{name}\nNé(e) le {born}  Sexe {sex}\nNIR {spaced_nir(_NIRS[j])}\n{ward}"
                         for j, (name, born, sex) in enumerate(people))


HEALTH = {
    "label_uf_hepato": _label("UF 2301 - Hépato-gastro-entérologie", 0),
    "label_uh_addicto": _label("UH 12 ADDICTOLOGIE", 1),
    "label_uf_infect": _label("UF 3310 maladies infectieuses", 2),
    "donors_gs_rh": "nom;prenom;ddn;tel;GS\nDupont;Jean;12/03/1980;06 12 34 56 78;A Rh+\nMartin;Luc;13/04/1981;06 23 45 67 89;O Rh-\nRoy;Lise;14/05/1982;06 34 56 78 90;AB Rh+\n",
    "donors_abo_en": "name,dob,phone,ABO\nJohn Smith,1980-03-12,+447700900123,O neg\nMary Jones,1981-04-13,+447700900456,AB pos\n",
    "donors_deferral": "donneur|tel|statut\nDupont Jean|0612345678|ajourné du don (voyage)\nMartin Luc|0623456789|apte\n",
    "side_effect_fr": "nom;prenom;date_naissance;tel;effet_indesirable\nDupont;Jean;1980-03-12;06 12 34 56 78;\nMartin;Luc;1981-04-13;06 23 45 67 89;fièvre 39° après D2\n",
    "side_effects_en": "name,dob,phone,vaccine,side_effects\nJohn Smith,1980-03-12,+447700900123,Comirnaty,\nMary Jones,1981-04-13,+447700900456,Spikevax,sore arm and fever\n",
    "allergy": "nom|prenom|ddn|gsm|allergie\nDUPONT|Jean|12/03/1980|0612345678|pénicilline\nMARTIN|Luc|13/04/1981|0623456789|\n",
    "myocarditis_note": "nom;prenom;ddn;tel;notes\nDupont;Jean;12/03/1980;06 12 34 56 78;myocardite après rappel\nMartin;Luc;13/04/1981;06 23 45 67 89;-\n",
}
HEALTH_NOT = {
    "school_groups": "nom;prenom;email;tel;groupe\nDupont;Jean;jean.dupont@free.fr;06 12 34 56 78;A\nMartin;Luc;luc.martin@free.fr;06 23 45 67 89;B\nRoy;Lise;lise.roy@free.fr;06 34 56 78 90;C\n",
    "tp_groups": "nom,prenom,tel,gr\nDupont,Jean,06 12 34 56 78,A1\nMartin,Luc,06 23 45 67 89,B2\n",
    "grades": "eleve;tel;groupe;note\nDupont Jean;06 12 34 56 78;G1;A+\nMartin Luc;06 23 45 67 89;G2;B-\n",
    "uf_code_alone": "agent;tel;uf\nDupont Jean;06 12 34 56 78;UF 4102\nMartin Luc;06 23 45 67 89;UF 2210\n",
    "staff_affectation": "nom;prenom;portable;fonction;affectation\nDupont;Jean;06 12 34 56 78;Infirmier;UF 4102 INFECTIOLOGIE\nMartin;Luc;06 23 45 67 89;ASH;UF 1203 PSYCHIATRIE\n",
    "date_vaccin_crm": "nom;prenom;email;date_permis;date_vaccin\nDupont;Jean;jean.dupont@free.fr;12/01/2004;20/10/2021\nMartin;Luc;luc.martin@free.fr;13/02/2005;21/10/2021\n",
    "side_effect_declined": "nom;prenom;tel;effet_indesirable\nDupont;Jean;06 12 34 56 78;néant\nMartin;Luc;06 23 45 67 89;\n",
}


@pytest.mark.parametrize("name", sorted(HEALTH))
def test_a_ward_a_blood_group_a_side_effect_are_health(eng: str, name: str) -> None:
    assert "health" in cats(HEALTH[name])


@pytest.mark.parametrize("name", sorted(HEALTH_NOT))
def test_groups_codes_and_postings_are_no_health(eng: str, name: str) -> None:
    text = HEALTH_NOT[name]
    assert ids(text) & {"phone", "email"}
    assert "health" not in cats(text)


# ---------------------------------------------------------------- precision: a specification's one example record

SPEC_EXAMPLES = {
    "swagger2_json": '{"swagger": "2.0", "definitions": {"Client": {"type": "object", "properties": {\n'
    '  "nom": {"type": "string", "example": "MARTIN"},\n  "email": {"type": "string", "example": "claire.martin@gmail.com"},\n'
    '  "mobile": {"type": "string", "example": "+33 6 23 45 67 89"},\n  "iban": {"type": "string", "example": "FR7630004000031234567890143"}}}}}\n',
    "json_schema_examples": '{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n  "title": "Customer",\n  "properties": {\n'
    '    "email": {"type": "string", "format": "email", "examples": ["john.smith@outlook.com"]},\n'
    '    "phone": {"type": "string", "examples": ["+44 7700 900123"]},\n    "birthDate": {"type": "string", "format": "date", "examples": ["1985-06-15"]}\n  }\n}\n',
    "openapi_yaml_block": "components:\n  schemas:\n    Adherent:\n      properties:\n        courriel:\n          type: string\n"
    "          example: paul.durand@orange.fr\n        portable:\n          type: string\n          example: '07 12 34 56 78'\n"
    "        ddn:\n          type: string\n          example: '1982-04-23'\n",
}
SPEC_PEOPLE = {
    # a real export's rows: no example key before their values
    "yaml_rows": "- nom: MARTIN\n  email: claire.martin@gmail.com\n  mobile: '06 23 45 67 89'\n- nom: DURAND\n"
    "  email: paul.durand@orange.fr\n  mobile: '07 12 34 56 78'\n",
}


@pytest.mark.parametrize("name", sorted(SPEC_EXAMPLES))
def test_a_specifications_one_example_record_is_no_ones(eng: str, name: str) -> None:
    assert ids(SPEC_EXAMPLES[name]) & {"email", "phone", "iban", "dob"} == set()


@pytest.mark.parametrize("name", sorted(SPEC_PEOPLE))
def test_people_in_the_example_shape_are_found(eng: str, name: str) -> None:
    assert {"email", "phone"} <= ids(SPEC_PEOPLE[name])


# ---------------------------------------------------------------- precision: a vendor's test message, a sample's placeholder birth

PLACEHOLDER_BIRTH = {
    "hl7_oru_test": "\r".join([
        "MSH|^~\\&|DEMOLAB|DEMO|DPI|HOSP|20240401083000||ORU^R01|T0002|T|2.5",
        "PID|1||DEMO001^^^DEMO^PI||DEMO^PATIENT||19000101|F|||1 RUE DU TEST^^TESTVILLE^^00000",
        "OBR|1||LAB0001|HBA1C^Hémoglobine glyquée^L",
        "OBX|1|NM|HBA1C^HbA1c^L||6.1|%"]),
    "hl7_adt_lf_lines": "MSH|^~\\&|VENDORAPP|SITE|ADT|SITE|202401011200||ADT^A08|MSG00001|T|2.3\n"
    "PID|||ZZTEST^^^^MR||ZZTEST^JOHN^Q||19000101|M|||123 ANY ST^^ANYTOWN^^99999\nPV1||I|MED^^^CARDIO\n"
    "DG1|1||I10^Hypertension^I10\n",
    "fhir_sample_patient": '{"resourceType": "Patient", "id": "sample", "name": [{"family": "Test", "given": ["Patient"]}],\n'
    ' "gender": "unknown", "birthDate": "1900-01-01",\n "address": [{"city": "Testville"}]}\n',
    "form_sample": "Exemple de fiche :\nNom : TEST\nPrénom : Patient\nDate de naissance : 01/01/1900\nCommentaire : diabète\n",
}
PLACEHOLDER_BIRTH_KEPT = {
    # the same birth beside a person's other identifier is theirs (a dump's row)
    "row_with_email": "nom;prenom;ddn;email\nDUPONT;Jean;01/01/1900;jean.dupont@gmail.com\nMARTIN;Luc;13/04/1981;luc.martin@gmail.com\n",
}


@pytest.mark.parametrize("name", sorted(PLACEHOLDER_BIRTH))
def test_a_placeholder_birth_alone_is_no_ones(eng: str, name: str) -> None:
    assert detect(PLACEHOLDER_BIRTH[name], key=KEY) == []


@pytest.mark.parametrize("name", sorted(PLACEHOLDER_BIRTH_KEPT))
def test_a_placeholder_birth_in_a_record_is_kept(eng: str, name: str) -> None:
    assert "dob" in ids(PLACEHOLDER_BIRTH_KEPT[name])


# ---------------------------------------------------------------- precision: SSH algorithm names are no addresses

SSH_NAMES = {
    "ciphers_list": "aes128-gcm@openssh.com\naes256-gcm@openssh.com\nchacha20-poly1305@openssh.com\n",
    "macs_csv": "umac-64-etm@openssh.com,umac-128-etm@openssh.com,\nhmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,\n"
    "hmac-sha1-etm@openssh.com,\numac-64@openssh.com,umac-128@openssh.com,\nhmac-sha2-256,hmac-sha2-512,hmac-sha1\n",
    "kex_libssh": "curve25519-sha256@libssh.org\nsntrup761x25519-sha512@openssh.com\nssh-ed25519-cert-v01@openssh.com\n",
}


@pytest.mark.parametrize("name", sorted(SSH_NAMES))
def test_ssh_algorithm_names_are_no_addresses(eng: str, name: str) -> None:
    assert "email" not in ids(SSH_NAMES[name])


def test_a_mailbox_at_an_ssh_domain_is_kept(eng: str) -> None:
    text = "openssh@openssh.com\nbugs@libssh.org\nsecurity@openssh.com\n"
    assert "email" in ids(text)
