"""Misses round 5: what blind probe set 4 (wave 24) left missed in doxes, labels and stealer logs,
each written again with other people, separators, orders and languages, so that a fix holds for
its class and not for the probe's one example:

- a dox's or a lookup card's labels apart from their values by a tab, a pipe, dot leaders (doxbin's
  sections under `[+] Contact` titles) or an arrow (`DOB: ➤ ...`, `Name ► ...`), read as `label:
  value` lines; a TSV's header, a pipe table's rows, labels that name nothing are left as they are;
- a CSV whose birth column is `DN`, `D.N.` or `birth`;
- a stealer log labelled in Russian (`Сайт:`/`Хост:`, `Логин:`/`Почта:`, `Пароль:`);
- a dox in prose whose person is named before a `(DOB ...)` or an em dash (`X — né le ... — mail
  — 06 ...`), or whose text says something of article 9 about the person it names
  (`X (x@y, 06 ...) tested HIV positive`, `X est homo, ... joignable au 06 ...`): a practitioner's
  or a service's contact beside words of health stays nothing.

Negatives must stay without what the fix adds. Scoring as the blind probes: a positive's
identifiers of the scored types equal the expected set (names are not scored); a negative's must
not hold the types it bans. Each positive failed before this round's change on both engines
(checked by running this file against the previous commit's `indexer`); both engines give the
same fragments (`test_engines_agree`); `detect_many` (the crawl's road) finds what `detect` does.
Values are synthetic: made-up people, numbers libphonenumber calls valid, checks computed."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x5e" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})

# synthetic people: (first, last, email, French mobile written, its E.164)
_P = [
    ("Jean", "Morel", "jean.morel@free.fr", "06 13 70 37 01", "+33613703701"),
    ("Léa", "Dupuis", "lea.dupuis@laposte.net", "06 46 17 28 35", "+33646172835"),
    ("Inès", "Faure", "ines.faure@orange.fr", "06 68 64 19 69", "+33668641969"),
]
J, L, N = _P


def _c(p: tuple[str, ...], *dobs: str) -> set[tuple[str, str]]:
    return {("email", p[2]), ("phone", p[4])} | {("dob", d) for d in dobs}


POSITIVES: dict[str, tuple[str, set[tuple[str, str]], frozenset[str]]] = {
    # ------------------------------------------------------------------------ prose doxes
    "prose_dob_in_parentheses_colon": (
        f"{J[0]} {J[1]} (DOB: 23.04.1979) — {J[2]} — {J[3]}\n",
        _c(J, "1979-04-23"),
        frozenset(),
    ),
    "prose_dob_lower_dots_en": (
        f"found him: {L[0]} {L[1]} (d.o.b 1988-12-01), mail {L[2]}, cell {L[3]}\n",
        _c(L, "1988-12-01"),
        frozenset(),
    ),
    "prose_em_dashes_nee_le": (
        f"{N[0]} {N[1].upper()} — née le 17/02/1966 — {N[3]} — {N[2]}\n",
        _c(N, "1966-02-17"),
        frozenset(),
    ),
    "prose_em_dash_then_date": (
        f"{J[1].upper()} {J[0]} — 12/07/1984 — {J[2]} — {J[4]}\n",
        _c(J, "1984-07-12"),
        frozenset(),
    ),
    "prose_en_contacts_in_parentheses_hiv": (
        f"{N[0]} {N[1]} ({N[2]}, {N[3]}) is HIV positive and her boss has no idea.\n",
        _c(N),
        frozenset({"health"}),
    ),
    "prose_fr_est_seropositif": (
        f"{J[0]} {J[1]} est séropositif depuis 2019, joignable au {J[3]} ou {J[2]}\n",
        _c(J),
        frozenset({"health"}),
    ),
    "prose_fr_est_lesbienne_two_lines": (
        f"Petite info : {L[0]} {L[1]} est lesbienne et sa famille ne le sait pas.\n{L[2]} / {L[4]}\n",
        _c(L),
        frozenset({"sexual_orientation"}),
    ),
    "prose_en_is_gay_contacts_after": (
        f"heads up, {J[0]} {J[1]} is gay. {J[2]} {J[4]}\n",
        _c(J),
        frozenset({"sexual_orientation"}),
    ),
    # ------------------------------------------------- labels apart from values by other separators
    "labels_tab_en": (
        f"Name\t{J[0]} {J[1]}\nDOB\t12/07/1984\nPhone\t{J[3]}\nEmail\t{J[2]}\n",
        _c(J, "1984-07-12"),
        frozenset(),
    ),
    "labels_pipe_fr_two_records": (
        f"Nom | {L[0]} {L[1]}\nDate de naissance | 01/12/1988\nPortable | {L[3]}\nMail | {L[2]}\n\n"
        f"Nom | {N[0]} {N[1]}\nDate de naissance | 17/02/1966\nPortable | {N[3]}\nMail | {N[2]}\n",
        _c(L, "1988-12-01") | _c(N, "1966-02-17"),
        frozenset(),
    ),
    "labels_dot_leaders_titled_sections": (
        f"[+] Identité\n  Nom .......... {J[0]} {J[1]}\n  Né le ........ 12/07/1984\n\n[+] Contact\n"
        f"  Tél .......... {J[3]}\n  Mail ......... {J[2]}\n",
        _c(J, "1984-07-12"),
        frozenset(),
    ),
    "labels_arrow_after_colon_fr": (
        f"Nom : ➜ {N[0]} {N[1]}\nNé le : ➜ 17/02/1966\nTél : ➜ {N[3]}\nEmail : ➜ {N[2]}\n",
        _c(N, "1966-02-17"),
        frozenset(),
    ),
    # ------------------------------------------------------------ stealer logs in Russian
    "stealer_ru_host_login_password": (
        "".join(f"Хост: https://www.site{k}.fr/login\nЛогин: {p[2]}\nПароль: Pw{k}x!\n\n" for k, p in enumerate(_P)),
        {("email", p[2]) for p in _P} | {("credential", f"{p[2]}:Pw{k}x!") for k, p in enumerate(_P)},
        frozenset(),
    ),
    "stealer_ru_url_mail_browser_no_blank": (
        "".join(
            f"URL: https://compte.site{k}.fr/\nПочта: {p[2]}\nПароль: s3cret-{k}\nБраузер: Chrome\n=====\n"
            for k, p in enumerate(_P)
        ),
        {("email", p[2]) for p in _P} | {("credential", f"{p[2]}:s3cret-{k}") for k, p in enumerate(_P)},
        frozenset(),
    ),
    # --------------------------------------------------------------- date of birth headers
    "csv_header_d_n_dotted": (
        "Nom;Prénom;D.N.;Portable\n"
        + "".join(
            f"{p[1]};{p[0]};{d};{p[3]}\n" for p, d in zip(_P, ("12/07/1984", "01/12/1988", "17/02/1966"), strict=True)
        ),
        {("phone", p[4]) for p in _P} | {("dob", d) for d in ("1984-07-12", "1988-12-01", "1966-02-17")},
        frozenset(),
    ),
    "csv_header_birth_en": (
        "name,email,birth\n"
        + "".join(
            f"{p[0]} {p[1]},{p[2]},{d}\n" for p, d in zip(_P, ("1984-07-12", "1988-12-01", "1966-02-17"), strict=True)
        ),
        {("email", p[2]) for p in _P} | {("dob", d) for d in ("1984-07-12", "1988-12-01", "1966-02-17")},
        frozenset(),
    ),
}

# read as before: the rewrites must not take them (a TSV's header, a pipe table's rows)
KEEP: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "labels_arrow_no_colon_en": (
        f"Full name ► {L[0]} {L[1]}\nDate of birth ► 01.12.1988\nMobile ► {L[4]}\nE-mail ► {L[2]}\n",
        _c(L, "1988-12-01"),
    ),
    "tsv_header_email_phone_name": (
        "email\tphone\tname\n" + "".join(f"{p[2]}\t{p[3].replace(' ', '')}\t{p[0]}\n" for p in _P),
        {x for p in _P for x in _c(p)},
    ),
    "pipe_table_rows": (
        "nom | email | tel\n" + "".join(f"{p[1]} | {p[2]} | {p[3]}\n" for p in _P),
        {x for p in _P for x in _c(p)},
    ),
}

NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {
    "prose_doctor_recommends_hiv_test": (
        "Le Dr Martin Lefebvre recommande le dépistage du VIH : prenez RDV au 01 45 67 89 10 ou "
        "rdv.lefebvre@gmail.com\n",
        frozenset({"email", "phone"}),
    ),
    "prose_centre_name_holds_the_term": (
        "Centre Dépistage VIH Paris est ouvert, 01 45 67 89 10, jean.dupont@gmail.com\n",
        frozenset({"email", "phone"}),
    ),
    "prose_psychologist_ad": (
        "Mme Claire Robin, psychologue, consulte au 06 12 34 56 78 ou claire.robin@gmail.com pour dépression "
        "et anxiété\n",
        frozenset({"email", "phone"}),
    ),
    "labels_price_list_pipes": (
        "Prix | 50 €\nVille | Paris\nLivraison | oui\nContact | voir profil\n",
        frozenset({"dob"}),
    ),
    "prose_colleague_no_article9": (
        f"{J[0]} {J[1]} est notre nouveau commercial, {J[2]}, {J[3]}\n",
        frozenset({"email", "phone"}),
    ),
}


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want, cats = POSITIVES[name]
    frags = detect(text, key=KEY)
    got = {x for x in _found(frags) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}
    assert cats <= {s.category for f in frags for s in f.sensitive}


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
    """`detect_many` (a crawl's page of posts) finds in each post what `detect` does."""
    items = [v[0].encode() for d in (POSITIVES, KEEP, NEGATIVES) for v in d.values()]
    many = detect_many(items, key=KEY)
    assert [_found(x) for x in many] == [_found(detect(b, key=KEY)) for b in items]


def test_engines_agree() -> None:
    """Both engines give the same fragments (every field, the excerpt too), LF and CRLF, text and
    bytes; the engine VIGIE_ENGINE names is restored after."""
    require_native()
    try:
        inputs = {k: v[0] for d in (POSITIVES, KEEP, NEGATIVES) for k, v in d.items()}
        for name, text in inputs.items():
            for eol in ("\n", "\r\n"):
                t = text.replace("\n", eol)
                for data in (t, t.encode()):
                    ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                    assert_same_fragments(ref, got, f"{name} {eol!r} {type(data).__name__}")
    finally:
        engine.set_engine(None)
