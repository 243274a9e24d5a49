# ruff: noqa: E501  (a flattened dump is one long line, as it is posted)
"""A dump whose line ends were lost, read one record a line again (`detect.flattened`).

Hostile input left over two waves (helper C, waves 29-30): a table posted on one line, its records
glued by the cell delimiter itself (`nom;prenom;...;naissance;DUPONT;Jean;...`) or by a space or a
tab between one record's last field and the next one's first (`...;14/03/1980 MARTIN;...`), gave
nothing at all (the delimiter form) or lost every birth and some addresses (the spaced forms). Each
form here with other delimiters (`;`, `,`, `|`, a tab), glues, column orders, sizes (3 to 40
records), a two-word surname starting a record, records without an e-mail (dates recur instead), and
text before the table; negatives of the same shape that are no one's: a mailing list on one line, a
product catalogue's dates, prose with addresses, minified JSON, a changelog. Scoring as the recall
rounds: a positive's identifiers of the scored types equal the expected set; a negative's hold none
of the types it bans. The positives failed before this change on both engines; both engines give
the same fragments; `detect_many` (the crawl's road) finds what `detect` does. Values are synthetic:
made-up people, numbers libphonenumber calls valid, NIRs with their keys."""

from __future__ import annotations

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import people_ids, recall_file_tests
from tests.test_detect_recall_round10 import _person as _round10_person

KEY = MatchKey(b"\x4f" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

# the people of recall round 10 (one generator of made-up people with valid numbers), surnames in capitals
PEOPLE = [{**p, "last": p["last"].upper()} for p in map(_round10_person, range(40))]
POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}


def _flat(header: list[str], rows: list[list[str]], sep: str, glue: str) -> str:
    """The table on one line: cells apart by `sep`, records apart by `glue`."""
    return glue.join(sep.join(r) for r in [header, *rows])


_STD = ["nom", "prenom", "email", "telephone", "naissance"]


def _std(p: dict[str, str]) -> list[str]:
    return [p["last"], p["first"], p["mail"], p["national"], p["fr"]]


# ---------------------------------------------------------------- records glued by the delimiter
POSITIVES["delimiter__semicolons_twelve_records"] = (
    _flat(_STD, [_std(p) for p in PEOPLE[:12]], ";", ";") + "\n",
    people_ids(PEOPLE[:12], "mail phone dob"),
)
POSITIVES["delimiter__pipes_nir_first_three_records_and_a_title"] = (
    "Extraction patients cabinet (copie du formulaire)\n\n"
    + _flat(["nir", "nom", "prenom", "date_naissance", "mail"],
            [[p["nir"], p["last"], p["first"], p["iso"], p["mail"]] for p in PEOPLE[12:15]], "|", "|"),
    people_ids(PEOPLE[12:15], "nir dob mail"),
)
POSITIVES["delimiter__commas_no_header_forty_records"] = (
    _flat(["NOM", "PRENOM", "MOBILE", "EMAIL"], [[p["last"], p["first"], p["spaced"], p["mail"]] for p in PEOPLE], ",", ",")[len("NOM,PRENOM,MOBILE,EMAIL,"):],
    people_ids(PEOPLE, "mail phone"),
)
# ---------------------------------------------------------------- records glued by a space or a tab
POSITIVES["space_glue__birth_ends_a_record_two_word_surnames_start_one"] = (
    "voila le fichier: " + _flat(_STD, [_std(p) for p in PEOPLE[:9]], ";", " "),
    people_ids(PEOPLE[:9], "mail phone dob"),
)
POSITIVES["tab_glue__phone_last"] = (
    _flat(["Nom", "Prénom", "Né(e) le", "Courriel", "Portable"],
          [[p["last"], p["first"], p["fr"], p["mail"], p["spaced"]] for p in PEOPLE[20:28]], ";", "\t"),
    people_ids(PEOPLE[20:28], "dob mail phone"),
)
POSITIVES["space_glue__pipes_email_last_no_header"] = (
    " ".join("|".join([p["last"], p["first"], p["iso"], p["national"], p["mail"]]) for p in PEOPLE[28:34]),
    people_ids(PEOPLE[28:34], "dob phone mail"),
)
# ---------------------------------------------------------------- no address: the births recur
# (under a title line: a lone line of numbers without two addresses is no start on either road, as
# every lone line of digits is: a forum's order numbers and timestamps)
POSITIVES["delimiter__no_email_births_recur_under_a_title"] = (
    "export mutuelle (copie depuis le portail)\n" + _flat(["nom", "prenom", "date_naissance", "nir", "tel"], [[p["last"], p["first"], p["fr"], p["nir"], p["national"]] for p in PEOPLE[5:11]], ";", ";"),
    people_ids(PEOPLE[5:11], "dob nir phone"),
)

# ---------------------------------------------------------------- no one's, of the same shapes
NEGATIVES["mailing_list_on_one_line"] = (
    "À: " + "; ".join(f"{p['first']} {p['last']} <{p['mail'].split('@')[0]}@liste.example.org>" for p in PEOPLE[:2])
    + "; " + "; ".join(f"comite-{k}@asso-quartier.example.org" for k in range(14)) + "\nObjet : réunion du comité, ordre du jour joint\n",
    frozenset({"dob", "phone", "nir"}),
)
NEGATIVES["catalogue_dates_recur"] = (
    ";".join(f"SKU-{4410 + k};Gourde inox 75 cl lot {k};2025-{1 + k % 12:02d}-{1 + k % 27:02d};{12 + k}.90;en stock" for k in range(14)) + "\n",
    frozenset({"dob", "phone", "email", "nir", "national_id"}),
)
NEGATIVES["prose_paragraph_with_contacts"] = (
    "Bonjour à tous, pour la kermesse du 14/06/2025 merci d'écrire à kermesse@ecole-des-tilleuls.example.org, "
    "ou à la mairie (accueil@mairie-saint-aubin.example.org), avant le 30/05/2025; les stands ouvrent à 10h; "
    "le repas est à 12h30; la tombola à 16h, le 14/06/2025 toujours; pensez à vos gobelets, à vos chaises, "
    "à la monnaie; les bénévoles se retrouvent le 13/06/2025 à 18h; merci !\n",
    frozenset({"dob", "phone", "nir"}),
)
NEGATIVES["changelog_on_one_line"] = (
    "; ".join(f"v2.{k}.0 ({2020 + k // 4}-{1 + k % 12:02d}-15): correctifs de l'export, merci à dev{k}@projet.example.org" for k in range(8)) + "\n",
    frozenset({"dob", "phone", "nir"}),
)

globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))


def test_a_minified_json_line_is_left_to_the_json_readers() -> None:
    """A table as minified JSON is one line of records too: its own reader reads it, unchanged."""
    from indexer.detect.flattened import reflow

    text = "[" + ",".join(f'{{"nom":"{p["last"]}","mail":"{p["mail"]}","ne":"{p["fr"]}"}}' for p in PEOPLE[:6]) + "]"
    assert reflow(text) is None


def test_fragments_keep_the_written_line() -> None:
    """The records read again are named on the one line they were written on."""
    text = "intro\n\n" + POSITIVES["delimiter__semicolons_twelve_records"][0] + "\nfin\n"
    frags = detect(text, key=KEY)
    assert [(f.start_line, f.end_line) for f in frags] == [(3, 3)]
