"""A national number behind its label inside a row's untyped cell (`nationals.add`, wave 31, helper P).

(UK NINO, Spanish DNI/NIE, Belgian national register number, Swiss AVS.)

Blind set 10b's `uk_nino_compact_after_label`: `Olivia Hughes | NI No: JM514446A | <email> | born <date>`
gave the emails and births but no NINO (the dox form `NI No: JM514446A` on its own line was read).
The class: a UK NINO or a Spanish DNI/NIE introduced by its label in a value no column types, in other
separators, cases and spellings; beside it the same rows whose number fails its country's rules (a
refused NINO prefix, a DNI's wrong letter) or whose label introduces something else stay without one.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x3c" * 32, version=2)
_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _dni(n: int) -> str:
    return f"{n:08d}{_LETTERS[n % 23]}"


def _nie(prefix: str, n: int) -> str:
    return f"{prefix}{n:07d}{_LETTERS[int('XYZ'.index(prefix) * 10**7 + n) % 23]}"


def _be(body: str) -> str:
    """A Belgian national number born before 2000: its 9 digits and 97 minus their remainder mod 97."""
    return body + f"{97 - int(body) % 97:02d}"


def _avs(body: str) -> str:
    """A Swiss AVS number: 756, nine digits, then the EAN-13 check digit."""
    s = sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(body))
    return body + str((10 - s % 10) % 10)


def _frags(text: str) -> list[Fragment]:
    frags = detect(text, key=KEY)
    many = detect_many([text.encode()], key=KEY)[0]
    assert [sorted((i.type, i.value) for i in f.identifiers) for f in frags] == [
        sorted((i.type, i.value) for i in f.identifiers) for f in many
    ]
    return frags


def _nationals(frags: list[Fragment]) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "national_id"}


_GB = [
    ("Olivia Hughes", "AB123456C", "olivia.h@btinternet.com"),
    ("Arjun Patel", "PR379082C", "arjun.p@outlook.co.uk"),
    ("Ciara Byrne", "WE227101D", "ciara.b@yahoo.co.uk"),
    ("Tom Evans", "JG103726A", "tom.evans@gmail.com"),
]
_ES = [
    ("Lucía García", 8189054, "lucia.g@telefonica.es"),
    ("Pablo Ruiz", 54052211, "pablo.r@hotmail.es"),
    ("Marta Gil", 30111222, "marta.gil@gmail.com"),
    ("Jorge Sanz", 71234567, "jorge.sanz@yahoo.es"),
]

FOUND = {
    "nino_semicolon_label_colon": (
        "\n".join(f"{n};NINO: {ni};{e};01/0{k + 1}/198{k}" for k, (n, ni, e) in enumerate(_GB)),
        {f"GB:{ni}" for _, ni, _ in _GB},
    ),
    "nino_tab_national_insurance_no_spaced": (
        "\n".join(
            f"{n}\tNational Insurance No. {ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}\t{e}" for n, ni, e in _GB
        ),
        {f"GB:{ni}" for _, ni, _ in _GB},
    ),
    "nino_lower_case_pipe": (
        "\n".join(f"{n} | ni no: {ni.lower()} | {e}" for n, ni, e in _GB),
        {f"GB:{ni}" for _, ni, _ in _GB},
    ),
    "dni_lower_letter_pipe_rows": (
        "\n".join(
            f"{n} | dni {_dni(d).lower()} | {e} | nacido el 0{k + 1}-03-198{k}" for k, (n, d, e) in enumerate(_ES)
        ),
        {f"ES:{_dni(d)}" for _, d, _ in _ES},
    ),
    "nie_dashed_semicolon_rows": (
        "\n".join(
            f"{n};NIE: {p}-{_nie(p, d % 10**7)[1:8]}-{_nie(p, d % 10**7)[8]};{e}"
            for (n, d, e), p in zip(_ES, "XYZX", strict=True)
        ),
        {f"ES:{_nie(p, d % 10**7)}" for (_, d, _), p in zip(_ES, "XYZX", strict=True)},
    ),
    "niss_dotted_pipe_rows": (
        "\n".join(
            f"{n} | NISS {b[:2]}.{b[2:4]}.{b[4:6]}-{b[6:9]}.{b[9:]} | {e}"
            for n, b, e in zip(
                [g[0] for g in _GB],
                [_be(x) for x in ("850730033", "790214123", "910101457", "681225200")],
                [g[2] for g in _GB],
                strict=True,
            )
        ),
        {f"BE:{_be(x)}" for x in ("850730033", "790214123", "910101457", "681225200")},
    ),
    "registre_national_in_a_dox_line": (
        "Les voisins du dessus :\n- Wout Peeters, registre national "
        + _be("880314147")
        + ", GSM +32 477 75 38 50, wout.p@telenet.be ;\n- Els Janssens, numéro national "
        + _be("900611238")
        + ", els.j@skynet.be, née le 11/06/1990 ;\n- Jan Maes, registre national : "
        + _be("750422310")
        + ", jan.maes@proximus.be.\n",
        {f"BE:{_be('880314147')}", f"BE:{_be('900611238')}", f"BE:{_be('750422310')}"},
    ),
    "ahv_dotted_semicolon_rows": (
        "\n".join(
            f"{n};AHV-Nr. {a[:3]}.{a[3:7]}.{a[7:11]}.{a[11:]};{e}"
            for (n, _, e), a in zip(_GB, [_avs(f"756{k}0354112{k}"[:12]) for k in range(4)], strict=True)
        ),
        {f"CH:{_avs(f'756{k}0354112{k}'[:12])}" for k in range(4)},
    ),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_a_labelled_national_number_in_a_row_is_found(eng: str, name: str) -> None:
    text, want = FOUND[name]
    got = _nationals(_frags(text))
    assert want <= got, (name, sorted(want - got))


CLEAN = {
    # a refused NINO prefix (QQ, GB), a DNI with the wrong letter: no number of that country
    "nino_refused_prefixes": "\n".join(
        f"{n} | NI No: {p}123456C | {e}" for (n, _, e), p in zip(_GB, ["QQ", "GB", "TN", "ZZ"], strict=True)
    ),
    "dni_wrong_letters": "\n".join(f"{n} | DNI {d:08d}{'A' if _dni(d)[-1] != 'A' else 'B'} | {e}" for n, d, e in _ES),
    # an AVS with a wrong check digit, a national register number failing mod 97
    "avs_wrong_check_digits": "\n".join(
        f"{n} | n° AVS {_avs(f'756{k}0354112{k}'[:12])[:12]}{(int(_avs(f'756{k}0354112{k}'[:12])[12]) + 1) % 10} | {e}"
        for k, (n, _, e) in enumerate(_GB)
    ),
    "niss_wrong_remainders": "\n".join(
        f"{n} | NISS {_be(b)[:9]}{(int(_be(b)[9:]) + 1) % 100:02d} | {e}"
        for (n, _, e), b in zip(_GB, ("850730033", "790214123", "910101457", "681225200"), strict=True)
    ),
    # a label's words introducing something else: a ticket number, an order reference
    "ni_before_a_reference": "\n".join(f"{n} | ref NI-{k}42 order AB1234 | {e}" for k, (n, _, e) in enumerate(_GB)),
    # a number of the right shape with no label: a booking code
    "unlabelled_codes": "\n".join(f"{n} | code {ni} | {e}" for n, ni, e in _GB),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_the_same_rows_without_a_valid_labelled_number_give_none(eng: str, name: str) -> None:
    frags = _frags(CLEAN[name])
    assert _nationals(frags) == set(), (name, _nationals(frags))
    assert {i.type for f in frags for i in f.identifiers} >= {"email"}
