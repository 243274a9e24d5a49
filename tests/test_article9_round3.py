"""Article 9, round 3 (wave 23): what helper H's blind probe set 3 found, fixed class-wide.

- An answer that says nothing ("NC", "Non renseignée", "Prefer not to say", "-") under a column or a
  label named after a category reveals no one's category: a column holding only such answers does not
  flag; the same column with one real value does (`indexer/article9_lexicon/declined.txt`).
- Mutual-help groups (AA, NA), a vaccination said of the person, "uses a wheelchair", deafness and an
  ethnic word in a dox's "Info:" sentence flag, in French and English; their other senses do not.
- Decisions (README.md beside the lexicon): an explicit absence of belief is a belief ("athée", "non
  croyant", "sans religion", "Religion: aucune" all flag religion); gender identity stays with sexual
  orientation and transition care is health too; a negative test result is a test result, health data
  by recital 35, in a note as in a laboratory table.

Run it with VIGIE_ENGINE=native and =python: `detect` must give the same flags on both.
"""

from __future__ import annotations

import pytest

from indexer.article9 import column_says_nothing, says_nothing, scan_article9
from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"article9-round3-key-0123456789abc")
PEOPLE = [
    ("Durand", "camille.durand@free.fr", "06 12 34 56 78"),
    ("Petit", "hugo.petit@orange.fr", "07 61 23 45 89"),
    ("Martin", "luc.martin@laposte.net", "06 98 76 54 32"),
]


def cats(text: str) -> set[str]:
    return {f.category for f in scan_article9(text)}


def detected(text: str) -> set[str]:
    return {s.category for f in detect(text, key=KEY) for s in f.sensitive}


def table(column: str, values: list[str], delim: str = ";") -> str:
    rows = [delim.join(["nom", "email", "telephone", column])]
    rows += [delim.join([n, e, p, v]) for (n, e, p), v in zip(PEOPLE, values, strict=True)]
    return "\n".join(rows) + "\n"


DECLINED = [
    "NC",
    "Non renseignée",
    "N/A",
    "inconnu",
    "-",
    "Ne souhaite pas répondre",
    "Prefer not to say",
    "",
    "non communiqué",
    "declined to answer",
    "Unknown",
]
COLUMNS = {  # a column of each category, and a real value of it (each flags when it is there)
    "religion": ("religion", "Protestante"),
    "orientation_sexuelle": ("sexual_orientation", "bisexuelle"),
    "ethnicity": ("ethnic_origin", "Kurdish"),
    "syndicat": ("trade_union", "CGT"),
    "parti_politique": ("political_opinion", "LFI"),
    "pathologie": ("health", "asthme"),
}


@pytest.mark.parametrize("column", sorted(COLUMNS))
@pytest.mark.parametrize("delim", [";", ",", "\t", "|"])
def test_a_column_of_declined_answers_flags_nothing(column: str, delim: str) -> None:
    for i in range(0, len(DECLINED), 3):
        values = (DECLINED[i : i + 3] + DECLINED[:3])[:3]
        assert detected(table(column, values, delim)) == set(), (column, values)


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_a_real_value_in_the_same_column_flags(column: str) -> None:
    cat, value = COLUMNS[column]
    assert cat in detected(table(column, ["NC", value, "Non renseignée"])), column
    # the column's name flags even where the value is no lexicon term
    assert cat in detected(table(column, ["NC", "Autre (précisé au dossier)", "-"])), column


def test_the_probes_table() -> None:
    text = (
        "nom;email;religion;orientation\nHenry;j.henry@free.fr;Non renseignée;Ne souhaite pas répondre\n"
        "Ibert;k.ibert@orange.fr;NC;NC\n"
    )
    assert detected(text) == set()
    assert detected(text.replace("Ibert;k.ibert@orange.fr;NC;NC", "Ibert;k.ibert@orange.fr;NC;gay")) == {
        "sexual_orientation"
    }


@pytest.mark.parametrize("label", ["Religion", "Orientation sexuelle", "Ethnie", "Syndicat", "Santé", "Religion "])
@pytest.mark.parametrize("value", ["NC", "Non renseignée", "Prefer not to say", "-", "N/A", "ne se prononce pas"])
def test_a_label_with_a_declined_answer_flags_nothing(label: str, value: str) -> None:
    assert cats(f"Dox: Camille Durand\n{label}: {value}\nTel: 06 12 34 56 78\n") == set()


def test_a_label_with_a_value_still_flags() -> None:
    assert cats("Religion: témoin de Jéhovah\n") == {"religion"}
    assert cats("Santé: sous Levothyrox\n") == {"health"}
    assert cats("Orientation sexuelle: NC; Religion: Autre\n") == {"religion"}


def test_a_long_table_is_read_whole_before_its_flag_is_dropped() -> None:
    head = "nom;email;religion\n"
    rows = "".join(f"P{i};p{i}@free.fr;NC\n" for i in range(40))
    assert column_says_nothing(head + rows, "religion", "religion")
    assert not column_says_nothing(head + rows + "Z;z@free.fr;Bouddhiste\n", "religion", "religion")
    # a column not found, or rows of another shape only, keep the flag (nothing read says otherwise)
    assert not column_says_nothing(head + rows, "ethnie", "ethnic_origin")
    assert column_says_nothing("INSERT INTO t (nom, religion) VALUES ('a', 'NC');\n", "religion", "religion")
    assert not column_says_nothing("INSERT INTO t (nom, religion) VALUES ('a', NOW());\n", "religion", "religion")
    assert not column_says_nothing(head + 'A;a@b.fr;"NC;Autre"\n', "religion", "religion")


def test_absence_is_nothing_but_for_religion() -> None:
    assert says_nothing("aucune", "health") and says_nothing(" None. ", "trade_union")
    assert not says_nothing("aucune", "religion") and says_nothing("NC", "religion")
    assert cats("Santé: aucune\n") == set() and cats("Religion: aucune\n") == {"religion"}


# recall: each phrase in a note and in a dox's sentence, French and English
POSITIVES = [
    ("health", "attends AA meetings weekly"),
    ("health", "va aux réunions des AA depuis 2019"),
    ("health", "membre des Alcooliques Anonymes"),
    ("health", "fréquente les Narcotiques Anonymes"),
    ("health", "goes to Narcotics Anonymous"),
    ("health", "NA meetings twice a week"),
    ("health", "vacciné contre la grippe"),
    ("health", "vaccinée contre le covid en 2021"),
    ("health", "vaccination antigrippale faite"),
    ("health", "vaccinated against hepatitis B"),
    ("health", "had his flu jab in October"),
    ("health", "flu vaccine done 2025"),
    ("health", "uses a wheelchair"),
    ("health", "in a wheelchair since the accident"),
    ("health", "wheelchair-bound"),
    ("health", "en fauteuil roulant"),
    ("health", "sourd, parle en LSF"),
    ("health", "sourd, parle la langue des signes"),
    ("health", "malentendant"),
    ("health", "deaf, uses sign language"),
    ("health", "hard of hearing"),
    ("ethnic_origin", "Rom, vit en caravane"),
    ("ethnic_origin", "il est rom"),
]


@pytest.mark.parametrize(("cat", "phrase"), POSITIVES, ids=[p for _, p in POSITIVES])
def test_flags_in_a_note_and_a_dox(cat: str, phrase: str) -> None:
    assert cat in cats(f"nom;email;notes\nDurand;c.durand@free.fr;{phrase}\n"), phrase
    assert cat in cats(f"Dox: Camille Durand, née le 12/03/1991, tel 06 12 34 56 78. Info: {phrase}."), phrase
    assert cat in detected(table("notes", [phrase, "RAS", phrase])), phrase


NEAR_MISSES = [
    "Pack de 24 piles AA et AAA",
    "Bought AA batteries and a flashlight",
    "AA sizes only, no NA stock left",
    "Vol AA 1234 pour New York, réunion avec le client",
    "Voyage à Rome en mai, visite du Colisée",
    "Lecteur CD-Rom externe USB",
    "The manager was deaf to our requests",
    "Il fait la sourde oreille à nos relances",
    "A wheelchair ramp was installed in the lobby",
    "Accès fauteuil roulant par l'entrée nord",
    "wheelchair accessible venue, step-free",
    "Le vaccin contre la grippe est disponible en pharmacie",
    "Campagne de vaccination contre la grippe à la mairie samedi",
    "The flu vaccine is available at the pharmacy",
    "Annual flu shot clinic for staff on Friday",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_flag_nothing(text: str) -> None:
    assert cats(text) == set(), (text, scan_article9(text))


# decisions (README.md beside the lexicon)
@pytest.mark.parametrize(
    "text",
    [
        "athée",
        "non croyant",
        "sans religion",
        "agnostique",
        "libre penseur",
        "atheist",
        "non-believer",
        "no religion",
        "agnostic",
        "Religion: aucune",
        "Religion: none",
        "Il n'est pas croyant",
    ],
)
def test_an_explicit_absence_of_belief_is_a_belief(text: str) -> None:
    assert cats(f"notes: {text}") == {"religion"}, text


# wave 28, the lead's decision: gender identity is not sexual orientation (it was listed with it here)
@pytest.mark.parametrize("text", ["trans", "femme trans", "non binaire", "transgender", "non-binary"])
def test_gender_identity_is_not_sexual_orientation(text: str) -> None:
    assert "sexual_orientation" not in cats(f"notes: {text}"), text


@pytest.mark.parametrize(
    "text",
    ["chirurgie de réassignation", "gender-affirming surgery", "sex reassignment surgery", "gender-affirming care"],
)
def test_transition_care_is_health_too(text: str) -> None:
    assert "health" in cats(f"notes: {text}"), text  # (wave 28: no longer sexual orientation too)


@pytest.mark.parametrize(
    "text",
    [
        "VIH négatif",
        "VIH : négatif",
        "tested negative for HIV",
        "négatif au VIH",
        "HIV test negative",
        "dépistage VIH négatif",
    ],
)
def test_a_negative_test_result_is_health(text: str) -> None:
    assert cats(f"notes: {text}") == {"health"}, text
    assert "health" in detected(table("notes", [text, "RAS", text]))


def test_a_laboratory_table_and_a_note_agree() -> None:
    lab = "Patient;Tél;Examen;Résultat\n" + "".join(f"{n};{p};Sérologie VIH;Négatif\n" for n, _, p in PEOPLE)
    note = "nom;telephone;notes\n" + "".join(f"{n};{p};VIH négatif\n" for n, _, p in PEOPLE)
    assert detected(lab) == detected(note) == {"health"}


@pytest.mark.parametrize("text", ["pas de diabète", "no history of diabetes", "VIH : non", "sans traitement"])
def test_the_absence_of_a_condition_still_cancels(text: str) -> None:
    assert cats(f"notes: {text}") == set(), text


def sql(column: str, values: list[str]) -> str:
    rows = ", ".join(f"('{n}', '{e}', {v})" for (n, e, _), v in zip(PEOPLE, values, strict=True))
    return f"INSERT INTO `clients` (`nom`, `email`, `{column}`) VALUES {rows};\n"


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_a_sql_insert_of_declined_answers_flags_nothing(column: str) -> None:
    assert detected(sql(column, ["'NC'", "NULL", "'Non renseignée'"])) == set(), column
    # one statement a row, as mysqldump --skip-extended-insert writes them
    one_a_row = "".join(
        sql(column, ["'NC'", "NULL", "'-'"])
        .replace("), (", f");\nINSERT INTO `clients` (`nom`, `email`, `{column}`) VALUES (")
        .splitlines(keepends=True)
    )
    assert detected(one_a_row) == set(), column
    cat, value = COLUMNS[column]
    assert cat in detected(sql(column, ["'NC'", f"'{value}'", "NULL"])), column
    assert cat in detected(sql(column, ["'NC'", "'Autre (voir dossier), cf. note'", "NULL"])), column
