"""Header names a blind probe of leak samples found mistyped (a held-out set written apart from
the code; the names as French medical and accounting software export them):

- names written without separators or with an index (`NUMSECU`, `DTNAIS`, `TELPORT`, `NOMPAT`,
  `codepostal`, `TEL1`, `PRENOM1`) were untyped: no date of birth, no name, no address;
- a generic "number" head typed record numbers as phones (`numero_patient`, `numero_dossier`,
  `numero_passeport`: 9-digit ids became French phone numbers);
- someone else's name (`nom_medecin`, `nom_pere`, `prenom_mere`) was paired with the patient's
  first or last name;
- a birth place (`lieu_naissance`, `ville_naissance`, `cp_naissance`) was appended to the
  postal address, and IP address columns (`remote_addr`, `adresse_ip`) made postal addresses.

Exact identifier sets, on the engine VIGIE_ENGINE names. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.columns import role_of
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5b" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


# NIRs with their keys (97 - body mod 97), French numbers, synthetic e-mails
N1, N2, N3 = "185037511512332", "292016912345669", "177121305508704"

CASES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "glued_medical_software": (
        "NOMPAT;PRENOMPAT;DTNAIS;NUMSECU;TELDOM;TELPORT;ADRMAIL\n"
        "LEFEVRE;Jean;15/03/1985;1 85 03 75 115 123 32;01 45 67 89 12;06 12 34 56 78;jean.l@exemple.fr\n"
        "MARTIN;Elodie;23/01/1992;2 92 01 69 123 456 69;04 78 12 34 56;07 81 23 45 67;elodie.m@exemple.fr\n"
        "DUBOIS;Marc;02/12/1977;1 77 12 13 055 087 04;04 91 23 45 67;06 98 76 54 32;marc.d@exemple.fr\n",
        {("name", "jean lefevre"), ("name", "elodie martin"), ("name", "dubois marc"),
         ("dob", "1985-03-15"), ("dob", "1992-01-23"), ("dob", "1977-12-02"),
         ("nir", N1), ("nir", N2), ("nir", N3),
         ("phone", "+33145678912"), ("phone", "+33478123456"), ("phone", "+33491234567"),
         ("phone", "+33612345678"), ("phone", "+33781234567"), ("phone", "+33698765432"),
         ("email", "jean.l@exemple.fr"), ("email", "elodie.m@exemple.fr"), ("email", "marc.d@exemple.fr")}),
    "indexed_names": (
        "NOM1,PRENOM1,DATE_NAIS1,TEL1,MAIL1\n"
        "Martin,Elodie,23/01/1992,07 81 23 45 67,elodie.m@exemple.fr\n"
        "Moreau,Anais,30/05/1988,06 55 44 33 22,anais.m@exemple.fr\n",
        {("name", "elodie martin"), ("name", "anais moreau"), ("dob", "1992-01-23"), ("dob", "1988-05-30"),
         ("phone", "+33781234567"), ("phone", "+33655443322"),
         ("email", "elodie.m@exemple.fr"), ("email", "anais.m@exemple.fr")}),
    "glued_lowercase": (
        "nomfamille\tprenom\tdatenaissance\tnumerosecu\ttelportable\tadresse\tcodepostal\tville\n"
        f"Rousseau\tSophie\t1978-07-19\t{N2}\t06 33 22 11 00\t19 rue Paradis\t13006\tMarseille\n"
        f"Bernard\tLucas\t1999-10-04\t{N3}\t07 52 98 76 54\t5 impasse des Lilas\t75020\tParis\n",
        {("name", "rousseau sophie"), ("name", "bernard lucas"), ("dob", "1978-07-19"), ("dob", "1999-10-04"),
         ("nir", N2), ("nir", N3), ("phone", "+33633221100"), ("phone", "+33752987654"),
         ("address", "19 rue paradis 13006 marseille"), ("address", "5 impasse des lilas 75020 paris")}),
    "record_numbers_are_no_phones": (
        "numero_patient;numero_dossier;numero_passeport;nom;prenom;email\n"
        "412345678;612398765;123456789;Martin;Paul;paul.m@exemple.fr\n"
        "512398765;712345678;312345987;Durand;Eve;eve.d@exemple.fr\n"
        "312345987;412398111;512398765;Petit;Luc;luc.p@exemple.fr\n",
        {("name", "martin paul"), ("name", "durand eve"), ("name", "luc petit"),
         ("email", "paul.m@exemple.fr"), ("email", "eve.d@exemple.fr"), ("email", "luc.p@exemple.fr")}),
    "doctor_and_parents_are_not_paired_with_the_patient": (
        "nom;prenom;date_naissance;nom_medecin;nom_pere;prenom_mere;tel_medecin;tel\n"
        "Roux;Camille;21/10/2003;Dr Lefort;Roux;Nathalie;01 45 67 00 11;07 68 12 34 90\n"
        "Bernard;Lucas;04/10/1999;Dr Lefort;Bernard;Sylvie;01 45 67 00 11;07 52 98 76 54\n",
        {("name", "camille roux"), ("name", "bernard lucas"), ("dob", "2003-10-21"), ("dob", "1999-10-04"),
         ("phone", "+33145670011"), ("phone", "+33768123490"), ("phone", "+33752987654")}),
    "birth_place_is_no_part_of_the_address": (
        "nom;prenom;adresse;cp;ville;lieu_naissance;ville_naissance;cp_naissance;date_naissance\n"
        "Lambert;Monique;14 rue Nationale;59000;Lille;Arras;Arras;62000;28/04/1967\n"
        "Santoni;Antoine;2 boulevard Paoli;20200;Bastia;Ajaccio;Ajaccio;20000;09/05/1984\n",
        {("name", "lambert monique"), ("name", "antoine santoni"), ("dob", "1967-04-28"), ("dob", "1984-05-09"),
         ("address", "14 rue nationale 59000 lille"), ("address", "2 boulevard paoli 20200 bastia")}),
    "ip_addresses_are_no_postal_addresses": (
        "id;email;remote_addr;adresse_ip;cp;ville\n"
        "1;paul.m@exemple.fr;192.168.1.10;81.12.34.56;59000;Lille\n"
        "2;eve.d@exemple.fr;10.0.0.1;90.1.2.3;75002;Paris\n",
        {("email", "paul.m@exemple.fr"), ("email", "eve.d@exemple.fr")}),
}


@pytest.mark.parametrize("name", CASES)
def test_header_families(name: str) -> None:
    text, want = CASES[name]
    frags = detect(text, key=KEY)
    assert len(frags) == 1, [(f.kind, f.start_line, f.end_line) for f in frags]
    assert _found(frags) == want


@pytest.mark.parametrize(("header", "role"), [
    ("DTNAIS", "dob"), ("dt_nais", "dob"), ("DATNAIS", "dob"), ("date_nais_pat", "dob"), ("DATENAISSANCE", "dob"),
    ("NUMSECU", "nir"), ("NUMSS", "nir"), ("numero_insee", "nir"),
    ("TEL1", "phone"), ("TELDOM", "phone"), ("TELPORT", "phone"), ("telmobile", "phone"), ("GSM2", "phone"),
    ("numero_portable", "phone"), ("numero", "phone"),
    ("MAIL1", "email"), ("ADRMAIL", "email"), ("adresse_courriel", "email"), ("Mél", "email"),
    ("NOMPAT", "last_name"), ("PRENOMPAT", "first_name"), ("PRENOM1", "first_name"), ("patronyme", "last_name"),
    ("codepostal", "postcode"), ("CODPOS", "postcode"), ("ADR1", "street"), ("adresse1", "street"),
    # untyped: record numbers, someone else's name, a birth place, a second address line, no postal address
    ("numero_client", None), ("numero_dossier", None), ("numero_passeport", None), ("numero_patient", None),
    ("nom_medecin", None), ("nom_du_pere", None), ("prenom_mere", None),
    ("lieu_naissance", None), ("ville_naissance", None), ("cp_naissance", None), ("pays_naissance", None),
    ("adresse2", None), ("remote_addr", None), ("adresse_ip", None), ("wallet_address", None),
    ("passport", None), ("nomination", None), ("telex", None),
])
def test_role_of_header_families(header: str, role: str | None) -> None:
    assert role_of(header) == role


def test_a_parent_in_a_dox_is_a_person_of_their_own() -> None:
    """`Nom du père` is no column of the dox's person, but a dox names the father: his name is
    his own identifier, not the son's surname."""
    text = ("Nom : Dubois\nPrénom : Marc\nNé le : 02/12/1977\nNom du père : Dubois Michel\n"
            "Tél : 06 98 76 54 32\nMail : marc.d@exemple.fr\nAdresse : 45 boulevard Longchamp 13001 Marseille\n")
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["dox"]
    assert _found(frags) == {("name", "dubois marc"), ("name", "dubois michel"), ("dob", "1977-12-02"),
                             ("phone", "+33698765432"), ("email", "marc.d@exemple.fr"),
                             ("address", "45 boulevard longchamp 13001 marseille")}
