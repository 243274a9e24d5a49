"""An HL7 PID telecom field with repetitions (`0612345678^PRN^CP~^NET^Internet^x@y.fr`, how
French medical software sends a patient's mobile and e-mail) was read as one phone number and
the e-mail was lost: found by a blind probe of leak samples (a held-out set written apart from
the code). Exact identifier sets, on the engine VIGIE_ENGINE names. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5c" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


N1 = "185037511512332"

HL7 = {
    "mobile_and_email": (
        "0612345678^PRN^CP~^NET^Internet^jean.lefevre@exemple.fr",
        {("phone", "+33612345678"), ("email", "jean.lefevre@exemple.fr")}),
    "home_mobile_and_email": (
        "0145678912^PRN^PH~0698765432^ORN^CP~^NET^Internet^m.dubois@exemple.fr",
        {("phone", "+33145678912"), ("phone", "+33698765432"), ("email", "m.dubois@exemple.fr")}),
    "one_number": ("0612345678", {("phone", "+33612345678")}),
    "one_number_with_its_use": ("0612345678^PRN^CP", {("phone", "+33612345678")}),
}


@pytest.mark.parametrize("name", HL7)
def test_hl7_telecom_repetitions(name: str) -> None:
    telecom, want = HL7[name]
    text = ("MSH|^~\\&|MEDILOG|CAB01|LAB|LAB01|20240315102233||ADT^A04|MSG00001|P|2.5\r"
            f"PID|1||123456^^^MEDILOG^PI~{N1}^^^INS-NIR^NH||LEFEVRE^JEAN||19850315|M|||"
            f"12 RUE DE LA PAIX^^PARIS^^75002^FRA||{telecom}\r")
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["hl7"]
    assert _found(frags) == want | {("nir", N1), ("name", "jean lefevre"), ("dob", "1985-03-15"),
                                    ("address", "12 rue de la paix paris 75002")}
    f = frags[0]
    assert "jean.lefevre@exemple.fr" not in f.excerpt and "m.dubois@exemple.fr" not in f.excerpt
