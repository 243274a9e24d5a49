# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Recall round 8: record shapes blind probe set 5 lost (wave 28), each written again with other
people, separators, languages and sizes, so that a fix holds for its class and not for the probe's
one example:

- a list encoded a row at a time (each line its own base64, padded or not, standard or URL-safe
  alphabet): joined, the lines did not decode (a padded row's `=` inside) or glued the rows;
- chatter between a dump's rows ("up", "merci bro" every two or three rows, a question between a
  stealer record's login and its password): the rows cut into pieces too small to be a dump;
- records written one field a line, a blank line between records (a lookup tool's output):
  each value stood alone;
- a table one record a column, labels down the first column (a sheet turned a quarter, a page's
  cards side by side): no line was a record.

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set
(names are not scored); a negative's hold none of the types it bans. Every positive failed before
this round's change on both engines; both engines give the same fragments; `detect_many` (the
crawl's road) finds what `detect` does. Values are synthetic: made-up people, numbers libphonenumber
calls valid, NIRs and IBANs with their keys."""

from __future__ import annotations

import base64
import html

import pytest

from indexer.tokens import MatchKey
from tests.blind_probe_harness import e164, iban, nir
from tests.native_core import people_ids, recall_file_tests

KEY = MatchKey(b"\x38" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

_FIRST = ["Maëlle", "Quentin", "Solène", "Thibault", "Ophélie", "Romain", "Anaïs", "Grégoire", "Léna", "Yanis"]
_LAST = ["Fournier", "Gauthier", "Lemaire", "Renaud", "Schmitt", "Colas", "Dumont", "Leclerc", "Masson", "Aubert"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "hotmail.fr", "yahoo.fr", "outlook.fr"]


def _person(i: int) -> dict[str, str]:
    first, last = _FIRST[i % 10], _LAST[(i * 7 + 3) % 10]
    plain = first.lower().translate(str.maketrans("ëéèï", "eeei"))
    y, m, d = 1951 + (i * 9) % 52, 1 + (i * 5) % 12, 1 + (i * 13) % 28
    national = f"06{(23456781 + i * 7253) % 10**8:08d}" if i % 2 else f"07{(51234567 + i * 3571) % 10**8:08d}"
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{(13 + i * 7) % 89 + 1:02d}{(101 + i * 37) % 989 + 1:03d}{(211 + i * 53) % 989 + 1:03d}"
    bank = f"{30002 + i * 11:05d}{(i * 733 + 41) % 100000:05d}{(10000000 + i * 6121) % 10**11:011d}"
    rib = 97 - (89 * int(bank[:5]) + 15 * int(bank[5:10]) + 3 * int(bank[10:])) % 97
    return {
        "first": first,
        "last": last,
        "mail": f"{plain}.{last.lower()}{i}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "e164": e164(national),
        "iso": f"{y}-{m:02d}-{d:02d}",
        "fr": f"{d:02d}/{m:02d}/{y}",
        "nir": nir(body),
        "iban": iban("FR", f"{bank}{rib:02d}"),
        "pw": f"{last[:3]}{y % 100:02d}!{plain[:2]}#{i}",
    }


PEOPLE = [_person(i) for i in range(12)]


_ids = people_ids


def _b64(s: str, urlsafe: bool = False) -> str:
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(s.encode()).decode()


def _even_row(i: int, p: dict[str, str]) -> str:
    row = f"{4100 + i}|{p['mail']}|{p['national']}|{p['fr']}"
    while len(row.encode()) % 3:
        row = "0" + row  # (a zero-padded id)
    return row


POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}

# ------------------------------------------------------------------ a list encoded a row at a time
_P = PEOPLE[:7]
POSITIVES["b64_each_line__combo_after_a_sentence"] = (
    "combo frais, encodé ligne par ligne pour les bots :\n" + "\n".join(_b64(f"{p['mail']}:{p['pw']}") for p in _P),
    _ids(_P, "mail cred"),
)
POSITIVES["b64_each_line__csv_with_its_header"] = (
    "\n".join(_b64(r) for r in ["nom;prenom;naissance;email;mobile"] + [f"{p['last']};{p['first']};{p['fr']};{p['mail']};{p['national']}" for p in PEOPLE[2:8]]),
    _ids(PEOPLE[2:8], "mail phone dob"),
)
# (a run is looked at where two adjacent rows are unpadded, 32+ characters, or one is 60+: a list
# whose every row is padded and short is not, the first look's rule in both engines)
POSITIVES["b64_each_line__url_safe_comma_rows"] = (
    "\n".join(_b64(_even_row(i, p).replace("|", ","), urlsafe=True) for i, p in enumerate(PEOPLE[4:9])),
    _ids(PEOPLE[4:9], "mail phone"),
)
# rows whose UTF-8 is a multiple of 3 bytes: no padding anywhere, and joined they decode, glued
_even = PEOPLE[:6]
_even_rows = [_even_row(i, p) for i, p in enumerate(_even)]
POSITIVES["b64_each_line__unpadded_rows_pipe"] = ("\n".join(_b64(r) for r in _even_rows), _ids(_even, "mail phone"))

NEGATIVES["b64_each_line__api_keys"] = (
    "clés API (révoquées) :\n" + "\n".join(base64.b64encode(bytes((i * 37 + j * 11) % 256 for j in range(24 + i))).decode() for i in range(8)),
    SCORED,
)
NEGATIVES["b64_each_line__chatter_encoded"] = (
    "\n".join(_b64(s) for s in ["bonjour à tous, voici le planning de la semaine", "lundi réunion à dix heures en salle B", "mardi pas de réunion, télétravail pour tous", "mercredi formation sécurité obligatoire"]),
    SCORED,
)

# ------------------------------------------------------------------ chatter between a dump's rows
_CHAT = ["up", "merci bro, ça marche ?", "quelqu'un a la suite ?", "+1 valide", "thanks man, legit", "reupload stp le lien est mort"]


def _with_chatter(rows: list[str], every: int, two: bool = False) -> str:
    out: list[str] = []
    for i, r in enumerate(rows):
        out.append(r)
        if i % every == every - 1 and i < len(rows) - 1:
            out.append(_CHAT[i % len(_CHAT)])
            if two:
                out.append(_CHAT[(i + 1) % len(_CHAT)])
    return "\n".join(out)


POSITIVES["chatter__combo_every_two_rows"] = (
    _with_chatter([f"{p['mail']}:{p['pw']}" for p in PEOPLE[:8]], 2),
    _ids(PEOPLE[:8], "mail cred"),
)
POSITIVES["chatter__semicolon_rows_no_header_two_lines_every_two"] = (
    _with_chatter([f"{p['last']};{p['mail']};{p['national']};{p['fr']}" for p in PEOPLE[3:10]], 2, two=True),
    _ids(PEOPLE[3:10], "mail phone dob"),
)
POSITIVES["chatter__tab_rows_no_header_every_two"] = (
    _with_chatter([f"{p['last']}\t{p['mail']}\t{p['national']}\t{p['fr']}" for p in PEOPLE[2:9]], 2),
    _ids(PEOPLE[2:9], "mail phone dob"),
)
POSITIVES["chatter__english_dox_between_labels"] = (
    "\n\n".join(
        "\n".join([f"Name: {p['first']} {p['last']}", "lol", f"DOB: {p['fr']}", f"Phone: {p['national']}", "thanks man, legit",
                   f"Email: {p['mail']}", f"IBAN: {p['iban']}"])
        for p in PEOPLE[5:7]
    ),
    _ids(PEOPLE[5:7], "mail phone dob iban"),
)
POSITIVES["chatter__stealer_login_apart_from_password"] = (
    "\n".join(
        "\n".join(["=" * 20, f"URL: https://www.{('amazon.fr', 'ameli.fr', 'impots.gouv.fr')[i % 3]}/login", f"Login: {p['mail']}", "qui a la suite", f"Password: {p['pw']}"])
        for i, p in enumerate(PEOPLE[6:11])
    ),
    _ids(PEOPLE[6:11], "mail cred"),
)
POSITIVES["chatter__pipe_rows_every_three"] = (
    _with_chatter([f"{p['mail']} | {p['national']} | {p['iban']}" for p in PEOPLE[:7]], 3),
    _ids(PEOPLE[:7], "mail phone iban"),
)

NEGATIVES["chatter__support_contacts_in_a_faq"] = (
    "Site : https://www.boutique-exemple.fr\nmerci pour le lien\nSupport : contact@boutique-exemple.fr\nsuper, merci\nHoraires : du lundi au vendredi",
    frozenset({"email", "phone", "credential"}),
)
NEGATIVES["chatter__config_lines_between_words"] = (
    "host: db.interne.local\nça marche chez moi\nport: 5432\nuser: app\nle mot de passe est dans le coffre\ntimeout: 30",
    SCORED,
)
NEGATIVES["chatter__invoice_lines"] = (
    "Facture : 2024-118\nmerci\nMontant : 1 240,00 EUR\nok reçu\nÉchéance : 30/11/2024\nRéférence : FA2024118",
    SCORED,
)

# ------------------------------------------------------------------ one field a line, a blank line between records
POSITIVES["stanzas__english_four_fields"] = (
    "\n\n".join("\n".join([f"{p['first']} {p['last']}", p["mail"], p["e164"], p["iso"]]) for p in PEOPLE[:5]),
    _ids(PEOPLE[:5], "mail phone dob"),
)
POSITIVES["stanzas__with_iban_and_nir_after_a_title"] = (
    "résultats de la recherche\n\n" + "\n\n".join("\n".join([p["last"].upper(), p["first"], p["fr"], p["nir"], p["iban"]]) for p in PEOPLE[4:8]),
    _ids(PEOPLE[4:8], "dob nir iban"),
)
POSITIVES["stanzas__three_records_spaced_phone"] = (
    "\n\n".join("\n".join([p["mail"], " ".join(p["national"][k:k + 2] for k in range(0, 10, 2)), p["fr"]]) for p in PEOPLE[8:11]),
    _ids(PEOPLE[8:11], "mail phone"),
)

NEGATIVES["stanzas__poem"] = (
    "Sous le pont Mirabeau coule la Seine\nEt nos amours\nFaut-il qu'il m'en souvienne\n\n"
    "La joie venait toujours après la peine\nVienne la nuit sonne l'heure\nLes jours s'en vont je demeure\n\n"
    "Les mains dans les mains restons face à face\nTandis que sous\nLe pont de nos bras passe",
    SCORED,
)
NEGATIVES["stanzas__shop_branches"] = (
    "\n\n".join(
        f"Agence {city}\n{n} rue de la République\n{cp} {city}\n0{d} {a} 00 00 00"
        for city, n, cp, d, a in (("Lyon", 12, 69002, 4, 72), ("Marseille", 8, 13001, 4, 91), ("Lille", 3, 59000, 3, 20), ("Nantes", 21, 44000, 2, 40))
    ),
    frozenset({"email", "dob", "nir", "iban", "credential"}),
)
NEGATIVES["stanzas__release_notes"] = (
    "\n\n".join(f"Version 2.{k}.0\n{2023 + k // 4}-0{1 + k % 9}-15\nCorrections de bugs\nsupport@editeur-exemple.fr" for k in range(4)),
    frozenset({"dob", "phone", "nir", "iban", "credential"}),
)

# ------------------------------------------------------------------ one record a column
_T = PEOPLE[1:6]
_rows_t = [("Nom", [p["last"] for p in _T]), ("Email", [p["mail"] for p in _T]), ("Mobile", [p["national"] for p in _T]),
           ("Né le", [p["fr"] for p in _T]), ("N° SS", [p["nir"] for p in _T])]
POSITIVES["transposed__semicolon_paste"] = ("\n".join(";".join([k, *v]) for k, v in _rows_t), _ids(_T, "mail phone dob nir"))
POSITIVES["transposed__markdown_pipes_english"] = (
    "| Field | A | B | C | D | E |\n"
    + "\n".join("| " + " | ".join([k, *v]) + " |" for k, v in [("Email", [p["mail"] for p in _T]), ("Phone", [p["e164"] for p in _T]),
                                                              ("Date of birth", [p["iso"] for p in _T]), ("IBAN", [p["iban"] for p in _T])]),
    _ids(_T, "mail phone dob iban"),
)
POSITIVES["transposed__html_cards_side_by_side"] = (
    "<html><body><h2>Fiches clients</h2><table>"
    + "".join("<tr><th>" + html.escape(k) + "</th>" + "".join(f"<td>{html.escape(x)}</td>" for x in v) + "</tr>" for k, v in _rows_t[:4])
    + "</table></body></html>",
    _ids(_T, "mail phone dob"),
)

NEGATIVES["transposed__product_comparison"] = (
    "Modèle;Alpha 3;Beta 5;Gamma 7\nPrix;199 €;249 €;329 €\nPoids;1,2 kg;1,4 kg;1,1 kg\nAutonomie;10 h;12 h;9 h\nGarantie;2 ans;2 ans;3 ans",
    SCORED,
)
NEGATIVES["transposed__shop_contacts_side_by_side"] = (
    "Boutique\tParis Centre\tLyon Part-Dieu\tLille Europe\nEmail\tparis@enseigne-exemple.fr\tlyon@enseigne-exemple.fr\tlille@enseigne-exemple.fr\n"
    "Horaires\t9h-19h\t10h-20h\t9h-19h\nOuverture\t2015\t2018\t2021",
    frozenset({"dob", "phone", "nir", "iban", "credential"}),
)


globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))


def test_an_archive_nested_past_max_nesting_is_refused_as_a_bomb_its_siblings_read() -> None:
    """Set 5's 4-deep zip is refused by design (docs/configuration.md, `attachments.max_nesting`):
    the refusal names the setting and goes to `skipped` (the crawl counts it in `bombs_refused`),
    and a file beside the deep archive is still read."""
    import io
    import zipfile

    from crawler.attachments import ArchiveBombError, expand_attachment
    from vigie.config.schema import AttachmentLimits

    def _zip(members: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members.items():
                z.writestr(n, d)
        return buf.getvalue()

    rows = "\n".join(["email;tel"] + [f"{p['mail']};{p['national']}" for p in PEOPLE[:3]]).encode()
    deep = _zip({"1.zip": _zip({"2.zip": _zip({"3.zip": _zip({"clients.csv": rows})})})})
    with pytest.raises(ArchiveBombError, match="max_nesting=2"):
        expand_attachment("leak.zip", deep, AttachmentLimits())
    skipped: list[Exception] = []
    got = expand_attachment("leak.zip", _zip({"deep.zip": deep, "lisezmoi.csv": rows}), AttachmentLimits(), skipped=skipped)  # type: ignore[arg-type]
    assert [f.filename for f in got] == ["leak.zip/lisezmoi.csv"]
    assert len(skipped) == 1 and isinstance(skipped[0], ArchiveBombError)
    three = _zip({"1.zip": _zip({"2.zip": _zip({"clients.csv": rows})})})
    assert [f.data for f in expand_attachment("leak.zip", three, AttachmentLimits())] == [rows]
