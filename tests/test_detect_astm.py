"""Laboratory results as analysers and French labs exchange them: ASTM E1394 (LIS2-A2) and HPRIM
Santé / HPRIM NET, a header record that defines the delimiters, then one record a line. A lab's
export of them gave nothing (a patient's name is `MARTIN^CLAIRE` in field 5, the phone in field
12: no column header names them). Now each patient record gives its name, birth date, address
and phone, and the orders and results flag the fragment as health data. All values are
synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name, canon_phone
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x53" * 32, version=1)
PATIENTS = [(f"MARTIN{k}", "CLAIRE", f"1985031{k}", f"061{k}234567") for k in range(5)]


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


def _astm() -> str:
    return "H|\\^&|||ANALYSEUR^1.0|||||||P|LIS2-A2|20240115083000\n" + "\n".join(
        f"P|{k + 1}|PID{k}||00{k}2345|{a}^{b}^^^MME||{d}|F||1{k} RUE DE LA PAIX^PARIS^^75002^FR||{t}|DR X\n"
        f"O|1|SPL{k}||^^^NFS|R||||||N\nR|1|^^^HB|13.5|g/dL|12-16|N||F\nC|1|L|Suivi hématologique|G"
        for k, (a, b, d, t) in enumerate(PATIENTS)) + "\nL|1|N"


def _hprim() -> str:
    return "H|~^\\&|||LABO BIO^LAB01||ORU|||CABINET^MED01||P|H2.1^C|202401150830\n" + "\n".join(
        f"P|{k + 1}|PID{k}||00{k}2345|{a}^{b}||{d}|F||1{k} RUE DE LA PAIX^PARIS^^75002||{t}\n"
        "OBR|1|||NFS\nOBX|1|NM|HB^Hemoglobine||13.5|g/dl|12-16|N"
        for k, (a, b, d, t) in enumerate(PATIENTS)) + "\nL|1|N"


@pytest.mark.parametrize("make", [_astm, _hprim])
def test_a_lab_message_gives_each_patient(make: object) -> None:
    text = "résultats du labo :\n\n" + make() + "\n\nfin"  # type: ignore[operator]
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line) for f in frags] == [("astm", 3)]
    assert _values(frags, "name") == {canon_name(f"{b} {a}") for a, b, _, _ in PATIENTS}
    assert _values(frags, "phone") == {canon_phone(t) for *_, t in PATIENTS}
    assert len(_values(frags, "dob")) == 5 and len(_values(frags, "address")) == 5
    assert "health" in {s.category for s in frags[0].sensitive}
    assert not any(a in frags[0].excerpt or t in frags[0].excerpt for a, _, _, t in PATIENTS)


def test_a_message_without_a_patient_record_gives_nothing() -> None:
    text = "H|\\^&|||ANALYSEUR|||||||P|1|20240115083000\nO|1|SPL1||^^^NFS\nR|1|^^^HB|13.5|g/dL\nL|1|N"
    assert detect(text, key=KEY) == []


def test_pipe_rows_whose_first_column_is_a_letter_keep_their_header() -> None:
    """A `|` CSV whose first column holds one letter (`F|MARTIN|...`) looks like records: without
    a header record above them they are read as the table they are."""
    rows = [f"F|{a}|{b}|claire{k}@exemple.fr" for k, (a, b, _, _) in enumerate(PATIENTS)]
    frags = detect("SEXE|NOM|PRENOM|EMAIL\n" + "\n".join(rows), key=KEY)
    assert [(f.kind, f.start_line) for f in frags] == [("csv", 1)]
    assert _values(frags, "name") == {canon_name(f"{b} {a}") for a, b, _, _ in PATIENTS}
