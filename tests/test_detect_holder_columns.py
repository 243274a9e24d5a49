"""A bank or card export names its holder's column `Account holder`, `Cardholder`, `Titulaire du
compte`, `Bénéficiaire`: those columns were not read as names, so the IBANs and cards were
found without the person they belong to. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name
from indexer.tokens import MatchKey
from tests.fixtures.identifiers import iban_fr

KEY = MatchKey(b"\x59" * 32, version=1)
HOLDERS = [f"Claire{k} Martin" for k in range(5)]


@pytest.mark.parametrize("header", ["Account holder", "Account name", "Cardholder", "Name on card",
                                    "Titulaire du compte", "Nom titulaire", "Bénéficiaire", "Beneficiary"])
def test_the_holder_column_is_a_name(header: str) -> None:
    rows = [f"{h},{iban_fr(f'123456789{k:02d}')},BNPAFRPP" for k, h in enumerate(HOLDERS)]
    frags = detect(f"{header},IBAN,BIC\n" + "\n".join(rows), key=KEY)
    assert {i.value for f in frags for i in f.identifiers if i.type == "name"} == {canon_name(h) for h in HOLDERS}
    assert len({i.value for f in frags for i in f.identifiers if i.type == "iban"}) == 5
