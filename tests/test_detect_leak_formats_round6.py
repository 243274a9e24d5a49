"""Leak formats round 6: whole leak formats blind probe set 6c found giving nothing (wave 26), each
written again with other people, labels, casings, separators and blank lines, so that a fix holds for
its class and not for the probe's one example:

- a stealer log's blocks under abbreviated labels (Raccoon's `URL:` / `USR:` / `PASS:`, builds that
  write `PW:`, `PSW:`, `PSWD:`, `URI:`, `Website:`): nothing was read, not even the e-mails;
- a stealer's Autofills.txt, a form field's name on a line and its saved value on the next
  (`Name: email` / `Value: x@y.fr`, `Field:`/`Value:`, `Nom :`/`Valeur :`): nothing was read;
- a phishing kit's card block whose number's label says only "number" (`[ Numéro ] : 4970 ...`,
  `N° :`, `Number:`), read as a phone's label: the cards were lost (a phone under it stays a phone);
- the Facebook 2021 scrape's rows (`33608215465:100004414156900:Océane:Perrin:female:Lyon:...:
  1/1/2019 12:00:00 AM::`, with '+' or without, a title line or none, an address at the end or
  none, other countries): nothing was read; the phones now (and the address), the account's date
  no birth;
- a US claims file whose diagnoses are ICD-10 codes alone under numbered headers (`dx1`, `DX_2`,
  `diag3`, `icd10_primary`): no health flag (under `dx_code` there was one).

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set
(names are not scored); a negative's hold none of the types it bans. Every positive failed before
this round's change on both engines (run with the change switched off in /work/main); both engines
give the same fragments; `detect_many` (the crawl's road) finds what `detect` does. Values are
synthetic: made-up people, numbers libphonenumber calls valid."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.blind_probe_harness import luhn
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x6d" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

_PEOPLE = [
    ("manon.martinez13@orange.fr", "Summer2023!", "+33612457809", "1992-07-11"),
    ("lucas.petit@sfr.fr", "Azerty!78", "+33745128890", "1985-03-02"),
    ("chloe.roux71@hotmail.fr", "qwerty123x", "+33678012345", "1971-12-30"),
    ("noah.fabre@laposte.net", "M0tdepasse", "+33699887766", "2001-01-19"),
]
_SITES = [
    "https://www.orange.fr/auth",
    "https://www.sfr.fr/login",
    "https://www.impots.gouv.fr/",
    "https://www.ameli.fr/",
]


def _stealer(url: str, login: str, pw: str, sep: str, blank: str) -> tuple[str, Ids]:
    blocks = [f"{url}{sep}{_SITES[k]}\n{login}{sep}{m}\n{pw}{sep}{p}" for k, (m, p, _, _) in enumerate(_PEOPLE)]
    want = {("email", m) for m, _, _, _ in _PEOPLE} | {("credential", f"{m}:{p}") for m, p, _, _ in _PEOPLE}
    return blank.join(blocks) + "\n", want


def _fr(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _autofill(name: str, value: str, fields: tuple[str, str, str], sep: str, blank: str) -> tuple[str, Ids]:
    pairs = []
    want: Ids = set()
    for m, _, ph, dob in _PEOPLE:
        national = "0" + ph[3:]
        spaced = " ".join(national[k : k + 2] for k in range(0, 10, 2))
        vals = {"e": m, "t": spaced, "b": _fr(dob)}
        for field, kind in zip(fields, "etb", strict=True):
            pairs.append(f"{name}{sep}{field}\n{value}{sep}{vals[kind]}")
        want |= {("email", m), ("phone", ph), ("dob", dob)}
    return blank.join(pairs) + "\n", want


_CARDS = [luhn("497088177421", 16), luhn("541203818521", 16), luhn("455666220235", 16), luhn("37828224631", 15)]
_HOLDERS = ["LINA GIRARD", "ENZO ANDRE", "CHLOE LEFEVRE", "HUGO MERCIER"]


def _kit(holder: str, number: str, group: str, fmt: str, blank: str) -> tuple[str, Ids]:
    blocks = []
    for k, card in enumerate(_CARDS):
        shown = card if not group else group.join(card[n : n + 4] for n in range(0, len(card), 4))
        lines = [(holder, _HOLDERS[k]), (number, shown), ("Expiration", f"0{k + 3}/27"), ("CVV", f"{412 + k}")]
        blocks.append("++++ CARTE BANCAIRE ++++\n" + "\n".join(fmt.format(a, b) for a, b in lines))
    return blank.join(blocks) + "\n", {("card", c) for c in _CARDS}


_FB = [
    ("33608215465", "100004414156900", "Océane", "Perrin", "female", "Lyon", "Married", "Orange", ""),
    ("33746237203", "100004550105582", "Mathis", "Morel", "male", "Lille", "Single", "SNCF", "mathis.morel@sfr.fr"),
    ("33665543157", "100004060523496", "Lina", "Girard", "female", "Nantes", "", "", ""),
    ("33623323357", "100003318273645", "Chloé", "Lefèvre", "female", "Caen", "In a relationship", "NHS", ""),
]


def _fb(plus: str, title: str, status: bool) -> tuple[str, Ids]:
    rows = []
    for k, (ph, fbid, first, last, gender, city, rel, work, mail) in enumerate(_FB):
        rest = f"{city}:{city}:{rel if status else ''}:{work}:{k + 1}/{k + 1}/2019 12:00:00 AM:{mail}:"
        rows.append(f"{plus}{ph}:{fbid}:{first}:{last}:{gender}:{rest}")
    want = {("phone", "+" + r[0]) for r in _FB} | {("email", r[8]) for r in _FB if r[8]}
    return title + "\n".join(rows) + "\n", want


POSITIVES: dict[str, tuple[str, Ids]] = {
    "fb2021_bare": _fb("", "", True),
    "fb2021_title_plus": _fb("+", "France.txt (extrait, 4 lignes sur 19 848 331)\n", True),
    "fb2021_no_status": _fb("", "FB leak 2021 sample:\n\n", False),
    "kit_bracketed_numero": _kit("Titulaire", "Numéro", " ", "[ {} ] : {}", "\n\n"),
    "kit_plain_no_dashes": _kit("Cardholder", "Number", "-", "{}: {}", "\n"),
    "kit_n_degree_glued": _kit("Nom sur la carte", "N°", "", "{} : {}", "\n\n"),
    "kit_numero_arrow_upper": _kit("TITULAIRE", "NUMERO", " ", "{} => {}", "\n\n"),
    "raccoon_upper_blank": _stealer("URL", "USR", "PASS", ": ", "\n\n"),
    "raccoon_lower_no_blank": _stealer("url", "usr", "pass", ":", "\n"),
    "pw_title_rule": _stealer("Url", "Usr", "PW", ": ", "\n===============\n"),
    "psw_uri": _stealer("URI", "USR", "PSW", " : ", "\n\n"),
    "pswd_website_login": _stealer("Website", "Login", "PSWD", ": ", "\n\n"),
    "usrname_passw": _stealer("Host", "UsrName", "Passw", ": ", "\n\n"),
    "autofill_chrome": _autofill("Name", "Value", ("email", "tel", "birthday"), ": ", "\n\n"),
    "autofill_upper_no_blank": _autofill("NAME", "VALUE", ("email", "phone", "bday"), ": ", "\n"),
    "autofill_field_names": _autofill("Field", "Value", ("user_email", "mobile", "dob"), ": ", "\n\n"),
    "autofill_french": _autofill("Nom du champ", "Valeur", ("courriel", "telephone", "date_naissance"), " : ", "\n\n"),
}
# credentials are looked for on both sides; the logins of the negatives are no one's
_CRED = frozenset({"credential", "email", "phone", "dob", "card"})
# a phone under a "number" label stays a phone; a number that is no card's stays nothing
KEEP: dict[str, tuple[str, Ids]] = {
    "numero_phone_in_a_dox": (
        "Nom : Lina GIRARD\nNuméro : 06 65 54 31 57\nEmail : lina.girard5@sfr.fr\nNé le : 23/11/1964\n",
        {("phone", "+33665543157"), ("email", "lina.girard5@sfr.fr"), ("dob", "1964-11-23")},
    ),
    "numero_not_luhn_beside_a_holder": (
        "Titulaire : LINA GIRARD\nNuméro : 4970 8817 7421 2288\nEmail : lina.girard5@sfr.fr\nNé le : 23/11/1964\n",
        {("email", "lina.girard5@sfr.fr"), ("dob", "1964-11-23")},
    ),
}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {
    "chatter_about_labels": (
        "Les logs Raccoon ont le format URL: / USR: / PASS: ; ceux de Vidar Soft: / Host: / Login:.\n"
        "Quelqu'un a un parser ? Le mien plante sur les blocs sans ligne vide.\n",
        _CRED,
    ),
    "server_log_lines": (
        "2026-12-05 09:12:01 INFO url: /api/v1/items usr: svc-backup status: 200\n"
        "2026-12-05 09:12:02 INFO url: /api/v1/login usr: svc-backup status: 401\n"
        "2026-12-05 09:12:03 WARN pw: rotation due in 3 days\n",
        _CRED,
    ),
    "epoch_colon_log": (
        "\n".join(f"{1764400000 + k * 60}:{40210 + k}:worker:job{k}:male:queue:done:" for k in range(6)) + "\n",
        _CRED,
    ),
    "form_schema_name_value": (
        "Name: email\nValue: (string) the user's address\n\nName: tel\nValue: (string) E.164\n\n"
        "Name: birthday\nValue: (date) YYYY-MM-DD\n",
        _CRED,
    ),
    "http_headers_name_value": (
        "Name: Content-Type\nValue: text/html; charset=utf-8\n\nName: Cache-Control\nValue: max-age=3600\n\n"
        "Name: X-Request-Id\nValue: 7f3a9c2e-11b0-4d5e-9b7a-0c2d6e8f1a3b\n",
        _CRED,
    ),
}


_CODES = ["F32.1", "B20", "C50.911", "E11.9", "O09.90"]


def _claims(heads: tuple[str, str], sep: str) -> str:
    rows = [sep.join(("claim_id", "member_first", "member_last", "member_dob", "member_email", *heads, "amount"))]
    for k, code in enumerate(_CODES):
        rows.append(
            sep.join(
                (
                    f"CLM{9120 + k}",
                    "Ava",
                    "Miller",
                    f"0{k + 1}/1{k}/19{70 + k}",
                    f"ava.miller{k}@yahoo.com",
                    code,
                    "",
                    f"{120 + k}.50",
                )
            )
        )
    return "\n".join(rows) + "\n"


# a claims file's health by its diagnosis codes' numbered columns; a table of other numbered
# columns (`tx1`, `x2`) stays without
CATS: dict[str, tuple[str, frozenset[str]]] = {
    "claims_dx1_dx2_comma": (_claims(("dx1", "dx2"), ","), frozenset({"health"})),
    "claims_DX_1_semicolon": (_claims(("DX_1", "DX_2"), ";"), frozenset({"health"})),
    "claims_diag3_pipe": (_claims(("diag3", "diag4"), "|"), frozenset({"health"})),
    "claims_icd10_primary_tab": (_claims(("icd10_primary", "icd10_secondary"), "\t"), frozenset({"health"})),
    "claims_tx1_tx2_no_codes": (
        _claims(("tx1", "tx2"), ",").replace("F32.1", "A1").replace("C50.911", "Z9").replace("O09.90", "K7"),
        frozenset(),
    ),
}


@pytest.mark.parametrize("name", sorted(CATS))
def test_categories(name: str) -> None:
    text, want = CATS[name]
    assert {s.category for f in detect(text, key=KEY) for s in f.sensitive} == want


def _found(frags: list[Fragment]) -> Ids:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(KEEP))
def test_kept(name: str) -> None:
    text, want = KEEP[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    text, banned = NEGATIVES[name]
    got = _found(detect(text, key=KEY))
    assert not {x for x in got if x[0] in banned}, sorted(got)


def test_the_crawls_road_reads_them() -> None:
    """`detect_many` (a crawl's page of posts) finds in each post what `detect` does, as text and bytes."""
    texts = [v[0] for d in (POSITIVES, KEEP, NEGATIVES, CATS) for v in d.values()]
    for items in (texts, [t.encode() for t in texts]):
        many = detect_many(items, key=KEY)  # type: ignore[arg-type]
        assert [_found(x) for x in many] == [_found(detect(b, key=KEY)) for b in items]


def test_engines_agree() -> None:
    """Both engines give the same fragments (every field, the excerpt too), LF and CRLF, text and
    bytes; the engine VIGIE_ENGINE names is restored after."""
    require_native()
    try:
        inputs = {k: v[0] for d in (POSITIVES, KEEP, NEGATIVES, CATS) for k, v in d.items()}
        for name, text in inputs.items():
            for eol in ("\n", "\r\n"):
                t = text.replace("\n", eol)
                for data in (t, t.encode()):
                    ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                    assert_same_fragments(ref, got, f"{name} {eol!r} {type(data).__name__}")
    finally:
        engine.set_engine(None)
