# ruff: noqa: E501  (a dump's line is kept whole, as it is pasted)
"""Banking and card identifiers where payment files keep them, round 11 (wave 31, helper B).

Blind sets 9b and 8b lost every IBAN or card written the way a bank, a payment file or a terminal writes
it: EPC QR payloads (one field a line), SWIFT MT parties (`:50K:/<IBAN>`, `:59:/<IBAN>`, MT940's `:25:`),
French RIB tables (bank, branch, account, key: the account itself when its key is right), EMV TLV dumps
(tags 5A, 57, 5F20 in hex bytes), IBANs in a form's boxes of four or wrapped onto an indented next line,
and carders' lines (a card in groups of any separator, its expiry, its CVV). Each class has variants the
probes did not show and negatives of the same shape: one sample message or payload from a specification,
a RIB with a wrong key, an invoice's or a product list's numbers, a payment provider's test cards.

Every test runs on both engines (`eng`): the text is rewritten before either reads it (`detect.banking`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import grouped, iban, luhn
from tests.test_detect_blind_probe_set9 import rib_key

KEY = MatchKey(b"\x42" * 32, version=2)

STRICT = {"email", "phone", "nir", "iban", "card", "dob"}


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        from tests.native_core import require_native

        require_native()
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine(None)


def found(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers if i.type in STRICT}


def _fr(bank: str, branch: str, account: str) -> str:
    return iban("FR", f"{bank}{branch}{account}{rib_key(bank, branch, account)}")


# synthetic accounts (valid in form only)
FR = [_fr("30004", "01025", "00012345678"), _fr("10107", "00142", "0043219876K"), _fr("17515", "90000", "08765432101"), _fr("18206", "00040", "65010203040")]
DE = [iban("DE", "37040044" + a) for a in ("0111222333", "0222333444", "0333444555")]
NAMES = [("Maëlle", "KERGOAT"), ("Youssef", "BENALI"), ("Ingrid", "HOARAU"), ("Côme", "VASSEUR")]
CARDS = [luhn("4974" + x, 16) for x in ("01234", "56789", "13579")] + [luhn("5132" + x, 16) for x in ("24680", "11223")]
AMEX = [luhn("3741" + x, 15) for x in ("987654", "123987")]


def _dash(c: str, sep: str) -> str:
    return sep.join(c[i:i + 4] for i in range(0, 16, 4))


# ---------------------------------------------------------------- EPC QR payloads


def _epc(version: str, service: str, bic: str, name: str, acct: str, tail: list[str]) -> str:
    return "\n".join(["BCD", version, "1", service, bic, name, acct, *tail])


EPC = {
    "v001_inst_no_blank_lines": "QR virements fournisseurs (décodés)\n" + "\n".join(
        _epc("001", "INST", b, f"{f} {ln}", a, ["EUR120.00", "SUPP", f"FAC-{k}"]) for k, (b, (f, ln), a) in enumerate(zip(["BNPAFRPP", "CEPAFRPP", "PSSTFRPP"], NAMES, FR, strict=False))),
    "v002_no_bic_german": "\n\n".join(_epc("002", "SCT", "", f"{f} {ln}", a, ["EUR9.99", "", "Erstattung"]) for (f, ln), a in zip(NAMES, DE, strict=False)),
    "lowercase_iban_crlf_like_spacing": "\n\n\n".join(_epc("002", "SCT", "AGRIFRPP", f"{ln} {f}", a, [f"EUR{k}5.00"]) for k, ((f, ln), a) in enumerate(zip(NAMES[1:], FR[1:], strict=False))),
}
EPC_WANT = {
    "v001_inst_no_blank_lines": {("iban", a) for a in FR[:3]},
    "v002_no_bic_german": {("iban", a) for a in DE},
    "lowercase_iban_crlf_like_spacing": {("iban", a) for a in FR[1:]},
}

# ---------------------------------------------------------------- SWIFT MT messages


def _mt(k: int, ordering: str, oname: str, benef: str, bname: str, tag59: str = "59") -> str:
    lines = ["{1:F01CRLYFRPPAXXX00000" + f"{k:05d}" + "}{2:I103COBADEFFXXXXN}{4:", f":20:PAY-{k}", ":23B:CRED",
             f":32A:261201EUR{300 + k},00", f":50K:/{ordering}", oname, "12 RUE DES LILAS"]
    if tag59 == "59F":
        lines += [f":59F:/{benef}", f"1/{bname}", "2/HAUPTSTRASSE 5"]
    else:
        lines += [f":59:/{benef}", bname]
    return "\n".join([*lines, ":71A:OUR", "-}"])


MT = {
    "mt103_59f_structured": "\n".join(_mt(k, FR[k], f"{NAMES[k][1]} {NAMES[k][0].upper()}", DE[k], f"{NAMES[k + 1][1]} {NAMES[k + 1][0].upper()}", "59F") for k in range(3)),
    "mt103_blank_between_messages": "\n\n".join(_mt(k, FR[k + 1], f"{NAMES[k + 1][1]}", DE[k], f"{NAMES[k][1]}") for k in range(2)),
    "mt940_statements_25": "\n\n".join(f"{{1:F01SOGEFRPPAXXX0000000000}}{{2:O940}}{{4:\n:20:STMT{k}\n:25:SOGEFRPP/{FR[k]}\n:28C:{k + 1}/1\n:60F:C261130EUR{1000 + k},00\n:62F:C261201EUR{900 + k},00\n-}}" for k in range(3)),
}
MT_WANT = {
    "mt103_59f_structured": {("iban", a) for a in FR[:3] + DE[:3]},
    "mt103_blank_between_messages": {("iban", a) for a in FR[1:3] + DE[:2]},
    "mt940_statements_25": {("iban", a) for a in FR[:3]},
}

# ---------------------------------------------------------------- RIB tables


def _parts(a: str) -> tuple[str, str, str, str]:
    return a[4:9], a[9:14], a[14:25], a[25:]


RIB = {
    # no IBAN line: the account is the RIB table's (its key right), FR76 built from it
    "no_iban_line_titulaire": "\n\n".join(f"Titulaire : {f} {ln}\nCode banque  Code guichet  Numéro de compte  Clé\n{' '.join(_parts(a))}" for (f, ln), a in zip(NAMES, FR, strict=True)),
    "pipe_table_upper_header_letter_account": "\n\n".join(f"TITULAIRE DU COMPTE : {ln} {f}\n{k + 3} allée des Ajoncs 35000 Rennes\n| BANQUE | GUICHET | COMPTE | CLÉ |\n| {' | '.join(_parts(a))} |" for k, ((f, ln), a) in enumerate(zip(NAMES[:3], FR[1:4], strict=True))),
    "account_holder_en_semicolons": "\n".join(f"Account holder: {f} {ln}\nbanque;guichet;compte;cle\n{';'.join(_parts(a))}\nIBAN: {grouped(a)}\n" for (f, ln), a in zip(NAMES[1:], FR[:3], strict=True)),
}
RIB_WANT = {
    "no_iban_line_titulaire": {("iban", a) for a in FR},
    "pipe_table_upper_header_letter_account": {("iban", a) for a in FR[1:4]},
    "account_holder_en_semicolons": {("iban", a) for a in FR[:3]},
}

# ---------------------------------------------------------------- IBANs in boxes, IBANs wrapped


_INDENT = ["           ", "\t"]


def _boxes(a: str, sep: str = "|") -> str:
    cells = [a[i:i + 4] for i in range(0, len(a), 4)]
    return {"|": "|" + "|".join(cells) + "|", "[": "".join(f"[{c}]" for c in cells), " | ": "| " + " | ".join(cells) + " |"}[sep]


IBANS = {
    "brackets_mandate": "\n".join(f"Débiteur : {ln} {f} — né(e) le 0{k + 3}/0{k + 4}/19{70 + k}\nIBAN {_boxes(a, '[')}" for k, ((f, ln), a) in enumerate(zip(NAMES[:3], FR[:3], strict=True))),
    "spaced_pipes_german": "\n".join(f"Name: {f} {ln} | Geburtsdatum: 1{k}.0{k + 1}.198{k}\nIBAN {_boxes(a, ' | ')}" for k, ((f, ln), a) in enumerate(zip(NAMES[:3], DE, strict=True))),
    "wrapped_tab_and_spaces": "\n\n".join(f"Nom : {ln} {f}\nNé le : 0{k + 2}/11/198{k}\nTél : 06 1{k} 2{k} 3{k} 4{k}\nIBAN : {grouped(a)[:19]}\n{_INDENT[k % 2]}{grouped(a)[20:]}\nVille : Brest" for k, ((f, ln), a) in enumerate(zip(NAMES[:3], FR[:3], strict=True))),
}
IBANS_WANT = {
    "brackets_mandate": {("iban", a) for a in FR[:3]} | {("dob", f"19{70 + k}-0{k + 4}-0{k + 3}") for k in range(3)},
    "spaced_pipes_german": {("iban", a) for a in DE} | {("dob", f"198{k}-0{k + 1}-1{k}") for k in range(3)},
    "wrapped_tab_and_spaces": {("iban", a) for a in FR[:3]} | {("phone", f"+3361{k}2{k}3{k}4{k}") for k in range(3)} | {("dob", f"198{k}-11-0{k + 2}") for k in range(3)},
}

# ---------------------------------------------------------------- EMV TLV dumps


def _hex(s: str, sep: str = " ") -> str:
    return sep.join(s[i:i + 2] for i in range(0, len(s), 2))


def _name_hex(n: str) -> str:
    return _hex(n.encode().hex().upper())


EMV = {
    "holder_in_hex_bytes": "\n\n".join(f"-- APDU READ RECORD {k} --\n5A 08 {_hex(c)}\n5F 20 {len(n):02X} {_name_hex(n)}\n5F 24 03 {_hex('2912' + '31')}" for k, (c, n) in enumerate(zip(CARDS[:3], ["KERGOAT/MAELLE", "BENALI/YOUSSEF", "HOARAU/INGRID"], strict=True))),
    "track2_only_compact_bytes": "\n".join(f"txn={k}\n57 13 {_hex(c + 'D' + f'{28 + k}01' + '201' + '0' * 13 + 'F', '')}" for k, c in enumerate(CARDS[2:5])),
    "tag_and_length_glued": "\n\n".join(f"5A08 {_hex(c)}\n5F200E {n}" for c, n in zip(CARDS[:3], ["VASSEUR/COME  ", "HOARAU/INGRID ", "BENALI/YOUSSEF"], strict=True)),
}
EMV_WANT = {
    "holder_in_hex_bytes": {("card", c) for c in CARDS[:3]},
    "track2_only_compact_bytes": {("card", c) for c in CARDS[2:5]},
    "tag_and_length_glued": {("card", c) for c in CARDS[:3]},
}

# ---------------------------------------------------------------- carders' lines

CARDING = {
    "semicolons_french_labels": "\n".join(f"Carte: {_dash(c, ' ')} ; Exp: {k + 1:02d}/{28 + k} ; Crypto: {300 + k} ; {f} {ln}" for k, (c, (f, ln)) in enumerate(zip(CARDS[:4], NAMES, strict=True))),
    "dots_and_compact_mixed_amex": f"{_dash(CARDS[0], '.')} 04/2029 112 {NAMES[0][1]}\n{CARDS[1]} 0530 887 {NAMES[1][1]}\n{AMEX[0][:4]}.{AMEX[0][4:10]}.{AMEX[0][10:]} 11/27 4410 AMEX\n{AMEX[1][:4]} {AMEX[1][4:10]} {AMEX[1][10:]} 02/31 9021 AMEX",
    "english_labels_pipes": "\n".join(f"CARD {_dash(c, '-')} | EXPIRY 2030-0{k + 1} | CVC {521 + k} | {f.upper()} {ln} | {ln.lower()}{k}@free.fr" for k, (c, (f, ln)) in enumerate(zip(CARDS[2:5], NAMES, strict=False))),
}
CARDING_WANT = {
    "semicolons_french_labels": {("card", c) for c in CARDS[:4]},
    "dots_and_compact_mixed_amex": {("card", c) for c in CARDS[:2] + AMEX},
    "english_labels_pipes": {("card", c) for c in CARDS[2:5]} | {("email", f"{ln.lower()}{k}@free.fr") for k, (_, ln) in enumerate(NAMES[:3])},
}

POSITIVES = {**EPC, **MT, **RIB, **IBANS, **EMV, **CARDING}
WANT = {**EPC_WANT, **MT_WANT, **RIB_WANT, **IBANS_WANT, **EMV_WANT, **CARDING_WANT}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_bank_and_card_records_are_read(eng: str, name: str) -> None:
    got = found(POSITIVES[name])
    assert WANT[name] <= got, f"{name}: missed {sorted(WANT[name] - got)}"


# ---------------------------------------------------------------- negatives: the same shapes about no one

_WRONG_KEY = [a[:25] + f"{(int(a[25:]) + 11) % 97:02d}" for a in FR]

NEGATIVES = {
    "epc_one_payload_in_a_guide": "Exemple de contenu d'un QR code EPC (guide de la Fédération bancaire) :\nBCD\n002\n1\nSCT\nBNPAFRPP\nAssociation Exemple\nFR7630004000031234567890143\nEUR10\n\n\nDon",
    "epc_two_payloads_bad_ibans": "\n\n".join(_epc("002", "SCT", "AGRIFRPP", f"{f} {ln}", a[:-1] + str((int(a[-1]) + 1) % 10), ["EUR5"]) for (f, ln), a in zip(NAMES[:2], FR[:2], strict=True)),
    "mt103_one_sample_message": _mt(0, "FR7630006000011234567890189", "ORDERING CUSTOMER", "DE89370400440532013000", "BENEFICIARY NAME"),
    "mt_field_reference_table": "Tag | Field | Format\n:20: | Transaction Reference | 16x\n:50K: | Ordering Customer | [/34x] 4*35x\n:59: | Beneficiary Customer | [/34x] 4*35x\n:25: | Account Identification | 35x",
    "rib_wrong_keys_no_iban_line": "\n\n".join(f"Titulaire : {f} {ln}\nCode banque  Code guichet  Numéro de compte  Clé\n{a[4:9]} {a[9:14]} {a[14:25]} {a[25:]}" for (f, ln), a in zip(NAMES, _WRONG_KEY, strict=True)),
    "rib_format_spec": "Structure du RIB\nCode banque  Code guichet  N° de compte  Clé RIB\n5 chiffres   5 chiffres    11 caractères 2 chiffres\nLa clé RIB se calcule ainsi : 97 - ((89 x banque + 15 x guichet + 3 x compte) modulo 97).",
    "bank_routing_table": "Code banque;Code guichet;Agence;Ville\n30004;01025;BNP Paribas Brest Siam;Brest\n10107;00142;BRED Quimper;Quimper\n17515;90000;Caisse d'Epargne Rennes;Rennes",
    "form_template_empty_boxes": "IBAN |____|____|____|____|____|____|___|\nBIC |___________|\nIBAN |FR76|____|____|____|____|____|___|",
    "iban_format_table_boxes": "Pays | IBAN exemple\n|FR14|2004|1010|0505|0001|3M02|606|\n|DE89|3704|0044|0532|0130|00|",
    "emv_spec_one_record": "EMV Book 3, Annex A — example record\n5A 08 47 61 73 90 01 01 00 10\n5F 20 0E 43 41 52 44 48 4F 4C 44 45 52 2F 56 49 53 41",
    "stripe_test_cards_table": "Numéro | Expiration | CVC\n4242 4242 4242 4242 | 12/34 | 123\n4000 0566 5566 5556 | 12/34 | 123\n5555 5555 5555 4444 | 12/34 | 123\n3782 822463 10005 | 12/34 | 1234 AMEX",
    "invoice_lines_dates_amounts": "Facture 2026-11452 exp 12/2026 total 450\nFacture 2026-11453 exp 01/2027 total 125\nRéf. 3017620422003 exp 03/27 lot 112\nEAN 5449000000996 exp 09/28 lot 448",
    "sepa_creditor_ids_and_bics": "Créancier;ICS;BIC\nEDF;FR47ZZZ000001;BNPAFRPP\nOrange;FR55ZZZ001226;SOGEFRPP\nFree;FR40ZZZ475532;CMCIFRPP",
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_the_same_shapes_about_no_one_stay_clean(eng: str, name: str) -> None:
    got = {x for x in found(NEGATIVES[name]) if x[0] in ("iban", "card")}
    assert got == set(), f"{name}: {sorted(got)}"


def test_labelled_values_are_read_in_linear_time() -> None:
    """A holder's label and an EMV tag's value end at the line's last character that is no space or
    tab; the pattern tried that end from each character of the value, quadratic in a run of spaces
    inside one hostile line (8 kB: 0.24 CPU-s; 256 kB: minutes). Same groups as before on ordinary lines."""
    import time

    from indexer.detect.banking import _EMV, _LABEL

    for pattern, head in ((_LABEL, "Titulaire : "), (_EMV, "5A 08 ")):
        hostile = head + "x" + " " * 256_000 + "y\t "
        started = time.process_time()
        m = pattern.match(hostile)
        assert time.process_time() - started < 2.0
        assert m is not None and m.group(m.lastindex or 0).endswith("y") and m.group(m.lastindex or 0).startswith("x")
    assert _LABEL.match("Titulaire :  M. Jean DUPONT \t").groups() == ("Titulaire", "M. Jean DUPONT")
    assert _EMV.match("5F20 1A  DUPONT/JEAN  ").groups() == ("5F20", "1A", "DUPONT/JEAN")
