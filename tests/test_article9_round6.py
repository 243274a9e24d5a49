"""Article 9 round 6: precision. False flags blind probe set 6 (wave 26) found on ordinary people's
files, each written again with other people, separators and languages, so that the fix holds for the
class and not for the probe's one file:

- a surname that is a word of a category (Chrétien, Prêtre, Gay, Pape, Lévêque, Cohen) in a column
  named after the person it holds (`client`, `titulaire`, `customer`, `membre`, `contact`,
  `proprietaire`): a name, as under `nom`;
- a column name of a category that is as often something else flags nothing by itself:
  `orientation` (a school track), `syndicat` (a condominium's; not `diagnostic`: a patients'
  column of ICD-10 codes is told by its name alone); nor does a category word beside a word that
  makes it something else:
  `parti_le` (the date one left), `mutuelle_sante` / `assurance_sante` (an insurance: oui/non);
- a vet clinic's table (an `animal` / `espece` column): the breed and the illness are the animal's.

Kept (must still flag): the same columns holding their category's values (`orientation`:
homosexuel; `diagnostic`: diabète de type 2; `syndicat`: délégué CGT), a human patients' `pathologie`
column, a surname in a `notes` column is still read as a note.

Each negative flagged before this round on both engines (article 9 reads the fragment's text in
Python for both; the header names through the same `role_of`); identifiers stay as they were.
`test_engines_agree` compares the engines' fragments whole; `detect_many` gives what `detect` does."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x69" * 32, version=1)

_P = [
    ("Gaëlle", "Chrétien", "gaelle.c@orange.fr", "0611223344"),
    ("Bastien", "Gay", "bastien.g@free.fr", "0678901234"),
    ("Loïc", "Prêtre", "loic.p@sfr.fr", "0645678912"),
    ("Anne", "Pape", "anne.p@laposte.net", "0755443322"),
    ("Marc", "Lévêque", "marc.l@gmail.com", "0699887766"),
    ("Sarah", "Cohen", "sarah.c@bbox.fr", "0633221100"),
]
_EN = [
    ("Oliver", "Priest", "oliver.p@btinternet.com", "+44 7812 345678"),
    ("Amelia", "Gay", "amelia.g@gmail.com", "+44 7812 345679"),
    ("Harry", "Bishop", "harry.b@outlook.com", "+44 7812 345680"),
    ("Grace", "Christian", "grace.c@sky.com", "+44 7812 345681"),
]


def _table(head: list[str], rows: list[list[str]], sep: str = ";") -> str:
    return "\n".join(sep.join(r) for r in [head, *rows]) + "\n"


def _people(cols: str, sep: str) -> str:
    """A table whose first column holds `first last` under the name `cols`."""
    return _table([cols, "email", "telephone", "ville"], [[f"{f} {ln}", e, m, "Lyon"] for f, ln, e, m in _P], sep)


NEGATIVES: dict[str, str] = {
    "client_semicolon": _people("client", ";"),
    "titulaire_comma": _people("titulaire", ","),
    "membre_pipe": _people("membre", "|"),
    "proprietaire_tab": _people("proprietaire", "\t"),
    "contact_semicolon": _people("Contact", ";"),
    "customer_en_comma": _table(["customer", "email", "mobile"], [[f"{f} {ln}", e, m] for f, ln, e, m in _EN], ","),
    "cardholder_en_pipe": _table(
        ["Cardholder", "email", "expiry"],
        [[f"{f} {ln}", e, f"0{i + 1}/29"] for i, (f, ln, e, _m) in enumerate(_EN)],
        "|",
    ),
    "orientation_school_track": _table(
        ["nom", "email", "orientation", "etablissement"],
        [
            [ln, e, o, "Lycée Jean Moulin"]
            for (_f, ln, e, _m), o in zip(
                _P, ["BTS SIO", "Licence pro", "Master", "Bac pro", "BUT GEA", "CAP"], strict=True
            )
        ],
    ),
    "syndicat_condominium": _table(
        ["lot", "coproprietaire", "email", "syndicat"],
        [
            [str(i + 1), f"{f} {ln}", e, "Syndicat des copropriétaires du 12 rue Pasteur"]
            for i, (f, ln, e, _m) in enumerate(_P)
        ],
    ),
    "syndicat_water_board_en": _table(
        ["name", "email", "syndicat"], [[f"{f} {ln}", e, "Syndicat des eaux du Vivier"] for f, ln, e, _m in _EN], ","
    ),
    "parti_le_date_left": _table(
        ["nom", "prenom", "email", "arrive_le", "parti_le"],
        [[ln, f, e, f"0{i + 1}/01/2022", f"1{i}/08/2023"] for i, (f, ln, e, _m) in enumerate(_P)],
    ),
    "mutuelle_sante_yes_no": _table(
        ["nom", "email", "mutuelle_sante", "prevoyance"],
        [[ln, e, "oui" if i % 2 else "non", "non"] for i, (_f, ln, e, _m) in enumerate(_P)],
    ),
    "assurance_sante_en": _table(
        ["name", "email", "assurance_sante"], [[f"{f} {ln}", e, "yes"] for f, ln, e, _m in _EN], ","
    ),
    "vet_clinic_species_column": _table(
        ["proprietaire", "email", "telephone", "espece", "race", "pathologie"],
        [
            [f"{f} {ln}", e, m, a, r, p]
            for (f, ln, e, m), a, r, p in zip(
                _P,
                ["Chien", "Chat", "Chien", "Lapin", "Chat", "Chien"],
                ["Berger allemand", "Siamois", "Caniche", "Bélier", "Persan", "Husky"],
                ["dysplasie de la hanche", "diabète", "insuffisance rénale", "otite", "épilepsie", "arthrose"],
                strict=True,
            )
        ],
    ),
    "vet_clinic_en_pet_column": _table(
        ["owner", "email", "pet", "diagnosis"],
        [
            [f"{f} {ln}", e, p, d]
            for (f, ln, e, _m), p, d in zip(
                _EN,
                ["dog", "cat", "dog", "rabbit"],
                ["diabetes", "kidney failure", "epilepsy", "arthritis"],
                strict=True,
            )
        ],
        ",",
    ),
}

# a prose dox whose sentence names a topic, a job or a street, not the person's category
_DOX_FR = "Cible : Léa Marchand, née le 14/03/1988, tel 06 12 34 56 78, mail lea.marchand@free.fr. "
_DOX_EN = "Target: Sam Hughes, DOB 02/11/1979, mobile +44 7812 345678, email sam.hughes@gmail.com. "
NEGATIVES.update(
    {
        "prose_journalist_writes_on_cancer_hiv": _DOX_FR + "Journaliste santé, écrit sur le cancer et le VIH.",
        "prose_reportage_sur_le_diabete": _DOX_FR + "Pigiste, a fait un reportage sur le diabète chez les ados.",
        "prose_enquete_sur_la_depression": _DOX_FR + "Blogueuse, prépare une enquête sur la dépression au travail.",
        "prose_pharmacist_dispenses_methadone": _DOX_EN + "Pharmacist, dispenses methadone and PrEP at a chain store.",
        "prose_gp_prescribes_insulin": _DOX_EN + "Locum GP, prescribes insulin and statins on Tuesdays.",
        "prose_rue_des_juifs": _DOX_FR + "Habite rue des Juifs à Strasbourg, 3e étage.",
        "prose_place_des_protestants": _DOX_FR + "Se gare place des Protestants le matin.",
    }
)
KEPT_PROSE: dict[str, tuple[str, set[str]]] = {
    "prose_has_cancer_and_hiv": (_DOX_FR + "Séropositive, soignée pour un cancer du sein.", {"health"}),
    "prose_on_methadone": (_DOX_EN + "On methadone since 2019, sees a GP weekly.", {"health"}),
    "prose_practising_jew": (
        _DOX_FR + "Juive pratiquante, fréquente la synagogue de la rue des Rosiers.",
        {"religion"},
    ),
}

# (text, categories that must be flagged)
KEPT: dict[str, tuple[str, set[str]]] = {
    "orientation_with_orientations": (
        _table(
            ["nom", "email", "orientation"],
            [
                [ln, e, o]
                for (_f, ln, e, _m), o in zip(
                    _P, ["homosexuel", "bisexuelle", "hétérosexuel", "lesbienne", "gay", "pansexuel"], strict=True
                )
            ],
        ),
        {"sexual_orientation"},
    ),
    "diagnostic_with_diagnoses": (
        _table(
            ["nom", "email", "diagnostic"],
            [
                [ln, e, d]
                for (_f, ln, e, _m), d in zip(
                    _P,
                    ["diabète de type 2", "sclérose en plaques", "cancer du sein", "VIH", "épilepsie", "asthme"],
                    strict=True,
                )
            ],
        ),
        {"health"},
    ),
    "syndicat_with_unions": (
        _table(
            ["nom", "email", "syndicat"],
            [
                [ln, e, u]
                for (_f, ln, e, _m), u in zip(
                    _P, ["délégué CGT", "adhérent CFDT", "FO", "SUD Rail", "CGT", "UNSA"], strict=True
                )
            ],
        ),
        {"trade_union"},
    ),
    "patients_pathologie_column": (
        _table(["nom", "email", "pathologie"], [[ln, e, "suivi"] for _f, ln, e, _m in _P]),
        {"health"},
    ),
    "religion_column": (
        _table(["client", "email", "religion"], [[f"{f} {ln}", e, "catholique"] for f, ln, e, _m in _P]),
        {"religion"},
    ),
    "parti_politique_column": (
        _table(["nom", "email", "parti_politique"], [[ln, e, "LFI"] for _f, ln, e, _m in _P]),
        {"political_opinion"},
    ),
}
KEPT.update(KEPT_PROSE)


def _flags(data: str) -> set[str]:
    return {s.category for f in detect(data, key=KEY) for s in f.sensitive}


def _ids(data: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(data, key=KEY) for i in f.identifiers if i.type in ("email", "phone")}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_no_flag(name: str) -> None:
    text = NEGATIVES[name]
    assert _flags(text) == set()
    assert any(t == "email" for t, _ in _ids(text))  # (the file is read: its people are found)


@pytest.mark.parametrize("name", sorted(KEPT))
def test_kept(name: str) -> None:
    text, cats = KEPT[name]
    assert cats <= _flags(text)


def test_the_crawls_road_reads_them() -> None:
    texts = [*NEGATIVES.values(), *(t for t, _ in KEPT.values())]
    many = detect_many([t.encode() for t in texts], key=KEY)
    assert [sorted((s.category, s.evidence) for f in x for s in f.sensitive) for x in many] == [
        sorted((s.category, s.evidence) for f in detect(t, key=KEY) for s in f.sensitive) for t in texts
    ]


def test_engines_agree() -> None:
    require_native()
    try:
        for name, text in [*NEGATIVES.items(), *((k, v[0]) for k, v in KEPT.items())]:
            for data in (text, text.replace("\n", "\r\n").encode()):
                ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                assert_same_fragments(ref, got, f"{name} {type(data).__name__}")
    finally:
        engine.set_engine(None)
