# ruff: noqa: E501  (a table's line is kept whole, as its tool wrote it)
"""Precision round 11: blind set 10's finds that are no one's (wave 31, helper P).

Four classes, each in shapes the probe did not show, beside the same shapes that ARE someone's:

- a directory of establishments (`establishments.directory`): a business park's companies by SIRET
  under `Dénomination` (a company's name, no religious denomination: `denomination` is read like
  `orientation`, its values decide), the pharmacies on duty with their landlines. A person's column,
  a mobile or a civility keeps the table;
- a table of number ranges (`establishments.range_bounds`): a block's first and last numbers
  (`0612000000;0612999999`) are no one's line; a lone number ending in zeros is kept;
- a device's serial numbers (`devices.serial_cards`): 16 digits opening with 4 and Luhn-valid by
  chance under `N° série`, `S/N`, `Asset tag` are no cards; a card under a card's column is kept;
- a sensor's or a log's rows whose first colon is a timestamp's (`2026-12-01T08:00:00Z;...`): no
  combo list (`shapes._STAMP`); a real `login:password` list is kept;
- a documentation's ONE example person (`john.doe@example.com`: a placeholder local part at a reserved
  domain, `examples._placeholder_address`); at a real provider, or two of them, or beside a phone: kept.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.blind_probe_harness import STRICT, luhn

KEY = MatchKey(b"\x3b" * 32, version=2)


def _frags(text: str) -> list[Fragment]:
    frags = detect(text, key=KEY)
    many = detect_many([text.encode()], key=KEY)[0]
    assert [(f.kind, f.start_line, sorted((i.type, i.value) for i in f.identifiers)) for f in frags] == [
        (f.kind, f.start_line, sorted((i.type, i.value) for i in f.identifiers)) for f in many
    ]
    return frags


def _strict(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers if i.type in STRICT or i.type == "credential"}


def _cats(frags: list[Fragment]) -> set[str]:
    return {s.category for f in frags for s in f.sensitive}


def _siret(k: int) -> str:
    return luhn(luhn(f"{(k * 7919 + 31) % 100_000_000:08d}", 9) + f"{(k * 37) % 10_000:04d}", 14)


def _serial(k: int) -> str:
    return luhn("4" + f"{(k * 982_451_653 + 17) % 10**14:014d}", 16)


_COMPANIES = [
    ("TRANSPORTS LE GALL", "4941A"),
    ("BOULANGERIE DU PORT", "1071C"),
    ("GARAGE DE L'ELORN", "4520A"),
    ("ATLANTIQUE PLOMBERIE", "4322A"),
    ("CABINET MORVAN EXPERTISE", "6920Z"),
]

NO_ONES = {
    # a companies' directory in other delimiters, headers and languages
    "siret_comma_denomination_sociale": "Zone d'activités du Vern — entreprises\nSIRET,Dénomination sociale,Code NAF,Commune\n"
    + "\n".join(f"{_siret(k)},{n},{naf},Landerneau" for k, (n, naf) in enumerate(_COMPANIES)),
    "siren_tab_raison_sociale": "SIREN\tRaison sociale\tCode APE\tEffectif\n"
    + "\n".join(f"{_siret(k)[:9]}\t{n}\t{naf}\t{12 + k}" for k, (n, naf) in enumerate(_COMPANIES)),
    "siret_pipe_denomination_adresse": "| Dénomination | SIRET | Adresse |\n"
    + "\n".join(
        f"| {n} | {_siret(k + 9)} | {3 + k} rue de la Forge 35000 Rennes |" for k, (n, _) in enumerate(_COMPANIES)
    ),
    # establishments' landlines: pharmacies, shops, agencies, in French and English
    "pharmacies_pipe_garde": "Pharmacies de garde — Quimper — janvier 2027\nDate | Pharmacie | Adresse | Tél.\n"
    + "\n".join(
        f"0{k + 2}/01/2027 | Pharmacie {n} | {4 + k} rue Kéréon 29000 Quimper | 02 98 {50 + k} {11 + k * 9} {30 + k}"
        for k, n in enumerate(["Centrale", "des Halles", "du Steir", "Saint-Corentin"])
    ),
    "bakeries_etablissement_tab": "Etablissement\tAdresse\tTéléphone\tHoraires\n"
    + "\n".join(
        f"Boulangerie {n}\t{10 + k} place des Lices 35000 Rennes\t02 99 {30 + k} {41 + k} {12 + 7 * k}\t7h-19h30"
        for k, n in enumerate(["Le Fournil", "Au Bon Pain", "Maison Rolland", "La Mie Dorée"])
    ),
    "agencies_en_comma": "Branch,Address,Phone\n"
    + "\n".join(
        f"{c} branch,{k + 1} High Street {c},020 7946 0{k}{k + 2}{k + 4}"
        for k, c in enumerate(["Camden", "Islington", "Hackney", "Lambeth"])
    ),
    "companies_with_landlines_and_siret": "Entreprise;SIRET;Téléphone;Ville\n"
    + "\n".join(f"{n};{_siret(k + 20)};01 4{k} 2{k} 3{k} 1{k};Paris" for k, (n, _) in enumerate(_COMPANIES)),
    # a numbering plan's ranges: other separators, spaced and international forms, sub-blocks
    "ranges_comma_first_last": "prefix,first,last,operator\n"
    + "\n".join(
        f"{z},{z}000000,{z}999999,{op}"
        for z, op in [("0616", "BOUY"), ("0617", "SFR0"), ("0618", "FREE"), ("0781", "ORAN")]
    ),
    "ranges_spaced_de_a": "Tranches attribuées (extrait)\nDe ; À ; Opérateur\n"
    + "\n".join(
        f"{z[:2]} {z[2:]} 00 00 00 ; {z[:2]} {z[2:]} 99 99 99 ; {op}"
        for z, op in [("0620", "ORAN"), ("0621", "SFR0"), ("0622", "LYCA"), ("0623", "FREE")]
    ),
    "ranges_e164_start_end_subblocks": "start|end|holder|date\n"
    + "\n".join(f"+336123{k}0000|+336123{k}9999|MVNO-{k}|2024-0{k + 1}-15" for k in range(5)),
    "ranges_landline_blocks_three_digits": "Plage SDA;Début;Fin;Client\n"
    + "\n".join(f"SDA-{k};01 44 5{k} 20 00;01 44 5{k} 29 99;Compte {900 + k}" for k in range(4)),
    # devices' serial numbers, Luhn-valid by chance, under their column's names
    "serials_sn_tab": "hostname\tip\tmac\tS/N\tmodel\n"
    + "\n".join(
        f"srv-{k:02d}\t192.168.1.{20 + k}\t00:1A:2B:{k:02X}:{(k * 53) % 256:02X}:{(k * 71) % 256:02X}\t{_serial(k)}\tR640"
        for k in range(6)
    ),
    "serials_asset_tag_comma": "Asset tag,Device,Owner dept,Location,Purchased\n"
    + "\n".join(f"{_serial(k + 40)},Laptop T14,Finance,Floor {k + 1},2024-0{k + 1}-10" for k in range(6)),
    "serials_serial_number_pipe": "Switch | Port | Serial Number | Firmware\n"
    + "\n".join(f"sw-core-{k} | Gi1/0/{k + 1} | {_serial(k + 80)} | 17.9.4" for k in range(6)),
    # a sensor's or a log's rows whose first colon is the timestamp's
    "sensor_pipe_offset": "\n".join(
        f"2026-12-0{1 + k % 3}T1{k}:15:00+01:00|pump-{k}|{4.2 + k / 10:.1f}|ok" for k in range(8)
    ),
    "meter_readings_compact_date": "\n".join(
        f"20261201T0{k}:30:00Z;meter-{740 + k};{1200 + k * 17};kWh" for k in range(8)
    ),
    "gps_log_underscore": "\n".join(
        f"2026-11-30_2{k % 4}:0{k}:11;48.{3900 + k * 7};-4.{4861 + k * 3};{12 + k}km/h" for k in range(8)
    ),
}


# a documentation's ONE example person at a reserved domain (the lead's policy, wave 29): no one
NO_ONES.update(
    {
        "readme_curl_jdoe": """## Create a customer
```
curl -X POST https://api.shop.invalid/v2/customers -d '{
  "name": "J. Doe", "email": "jdoe@example.com",
  "address": {"line1": "1 Infinite Loop", "city": "Cupertino", "zip": "95014"}}'
```
The API answers `201 Created`.""",
        "yaml_sample_config_jane": """# sample config, copy to settings.yml
billing:
  contact_name: Jane Doe
  contact_email: jane.doe@example.org
  street: 221B Baker Street
  city: London
  currency: GBP
""",
        "markdown_table_one_row_smith": """### Output
| Name | Email | City | Plan |
|------|-------|------|------|
| John Smith | john.smith@example.net | Springfield | pro |
""",
        "json_response_title_case": """Response `200 OK`:
{
  "customer": {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "Jane.Doe@example.com",
    "company": "ACME Corp",
    "address": "123 Main Street, Anytown"
  }
}
""",
        "french_doc_exemple_test": """Exemple d'appel :
    POST /clients
    nom=Dupont&prenom=Jean&courriel=jean.dupont@exemple.test&ville=Paris
La réponse contient l'identifiant du client créé.""",
    }
)


@pytest.mark.parametrize("name", sorted(NO_ONES))
def test_no_ones_identifiers_are_no_leak(eng: str, name: str) -> None:
    frags = _frags(NO_ONES[name])
    assert _strict(frags) == set(), (name, sorted(_strict(frags)))
    assert _cats(frags) == set(), (name, _cats(frags))


def test_the_probes_first_variants_made_finds_before() -> None:
    """Each class's shapes above are Luhn-valid, valid numbers or combos' shapes: what the fixes take out."""
    assert all(len(_siret(k)) == 14 for k in range(30)) and all(_serial(k).startswith("4") for k in range(90))


_CARDS = [luhn("497010123456789", 16), luhn("497010555555555", 16), luhn("497010987654321", 16)]

SOMEONES = {
    # an establishments' table with a person's column, a mobile or a civility
    "pharmacy_patients_mobiles": (
        "Pharmacie;Patient;Mobile\n"
        + "\n".join(
            f"Pharmacie du Port;{n};06 {12 + k} 34 5{k} 7{k}"
            for k, n in enumerate(["Jean Le Bris", "Anne Kerleroux", "Paul Tanguy"])
        ),
        {("phone", "+33612345070"), ("phone", "+33613345171"), ("phone", "+33614345272")},
    ),
    "companies_contact_landlines": (
        "Entreprise;Contact;Téléphone\n"
        + "\n".join(
            f"{n};{c};02 98 4{k} 1{k} 2{k}"
            for k, (n, c) in enumerate(
                [("GARAGE DU LEON", "Mme Durand"), ("ARMOR ELEC", "M. Le Goff"), ("KERBRAT", "Mme Salaün")]
            )
        ),
        {("phone", "+33298401020"), ("phone", "+33298411121"), ("phone", "+33298421222")},
    ),
    "companies_manager_mobile_siret": (
        "Dénomination;SIRET;Gérant;Mobile\n"
        + "\n".join(
            f"{n};{_siret(k)};{g};07 8{k} 9{k} 0{k} 1{k}"
            for k, (n, g) in enumerate(
                [("SARL TY COZ", "Yann Cozic"), ("EURL MORVAN", "Lena Morvan"), ("SAS GLAZ", "Erwan Glazig")]
            )
        ),
        {
            ("siret", _siret(0)),
            ("siret", _siret(1)),
            ("siret", _siret(2)),
            ("phone", "+33780900010"),
            ("phone", "+33781910111"),
            ("phone", "+33782920212"),
        },
    ),
    "shops_with_mobiles": (
        "Commerce;Adresse;Téléphone\n"
        + "\n".join(
            f"Fleuriste {n};{k + 2} rue Neuve 29200 Brest;06 7{k} 4{k} 2{k} 9{k}"
            for k, n in enumerate(["Rose", "Iris", "Lys"])
        ),
        {("phone", "+33670402090"), ("phone", "+33671412191"), ("phone", "+33672422292")},
    ),
    # numbers ending in zeros with no range's other bound: people's numbers
    "people_number_ends_in_zeros": (
        "nom;mobile\nJean Le Bris;06 12 34 50 00\nAnne Kerleroux;06 23 45 60 00\nPaul Tanguy;07 81 92 00 00\n",
        {("phone", "+33612345000"), ("phone", "+33623456000"), ("phone", "+33781920000")},
    ),
    # a card under a card's column in the same inventory shape, beside a serial column
    "card_column_beside_serials": (
        "Host;S/N;Card number;Holder\n"
        + "\n".join(
            f"pos-{k};{_serial(k)};{c};{h}"
            for k, (c, h) in enumerate(zip(_CARDS, ["Jean Le Bris", "Anne Kerleroux", "Paul Tanguy"], strict=True))
        ),
        {("card", c) for c in _CARDS},
    ),
    # a placeholder-looking address at a real provider, two example people, a dump at example.com
    "doe_at_a_real_provider": (
        "Name: John Doe\nEmail: john.doe@gmail.com\nAddress: 12 rue des Lilas 69003 Lyon\n",
        {("email", "john.doe@gmail.com")},
    ),
    "two_placeholder_people": (
        "name,email,city\nJohn Doe,john.doe@example.com,Lyon\nJane Doe,jane.doe@example.com,Paris\nJ Smith,jdoe@example.com,Nice\n",
        {("email", "john.doe@example.com"), ("email", "jane.doe@example.com"), ("email", "jdoe@example.com")},
    ),
    "placeholder_beside_a_phone": (
        "Name: John Doe\nEmail: john.doe@example.com\nMobile: 06 12 34 56 78\nAddress: 4 rue Nationale 59000 Lille\n",
        {("email", "john.doe@example.com"), ("phone", "+33612345678")},
    ),
}


@pytest.mark.parametrize("name", sorted(SOMEONES))
def test_the_same_shapes_with_people_are_kept(eng: str, name: str) -> None:
    text, want = SOMEONES[name]
    got = _strict(_frags(text))
    assert want <= got, (name, sorted(want - got))


def test_a_denomination_column_of_faiths_still_flags_religion(eng: str) -> None:
    text = (
        "Nom;Denomination;Email\nJean Dupont;Baptist;jean.dupont@gmail.com\nMarie Lefort;Catholic;marie.lefort@orange.fr\n"
        "Paul Roux;Methodist;paul.roux@free.fr\n"
    )
    assert "religion" in _cats(_frags(text))


def test_a_real_combo_list_is_kept(eng: str) -> None:
    text = "jlebris:Azerty2026!\nakerleroux:Soleil#29\nptanguy:Brest_1983\nmcozic:Kenavo!77\n"
    got = _strict(_frags(text))
    assert len([t for t, _ in got if t == "credential"]) == 4, sorted(got)
