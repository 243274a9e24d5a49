"""Every test vector of shared/reference/identifiers.md, valid and invalid, through the public
`canonical_forms()` that `vigie hash` and `vigie search --identifier` rely on."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from stdnum import iban as std_iban
from stdnum.exceptions import InvalidComponent, ValidationError

from indexer.identifiers import (
    IdentifierError,
    canon_iban,
    canon_phone,
    canonical_forms,
    hash_kind,
    nir_key,
)

VALID_NIRS = [
    "295109912611193", "253072B07300470", "253072A07300443", "177022A00100229",
    "253012A07300444", "177025626004544", "253077507300483", "188057208107893",
    "195109912611146", "195109912622232", "140200109002223", "141330109002285",
    "869069713002256", "869069913802253",
]


@pytest.mark.parametrize("nir", VALID_NIRS)
def test_valid_nirs(nir: str) -> None:
    assert canonical_forms("nir", nir) == [nir]


def test_nir_with_spaces_and_lowercase_corsica() -> None:
    assert canonical_forms("nir", "2 95 10 99 126 111 93") == ["295109912611193"]
    assert canonical_forms("nir", "2 53 07 2b 073 004 70") == ["253072B07300470"]


@pytest.mark.parametrize("body,key", [("1891275125012", 82), ("2620875032039", 77)])
def test_nir_13_digit_body_gets_key(body: str, key: int) -> None:
    assert nir_key(body) == key
    assert canonical_forms("nir", body) == [f"{body}{key:02d}"]
    spaced = f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:]}"
    assert canonical_forms("nir", spaced) == [f"{body}{key:02d}"]


def test_corsica_key_uses_19_and_18_not_zero() -> None:
    assert nir_key("253072A073004") == 43
    assert nir_key("253072B073004") == 70
    # django-localflavor's A/B -> 0 would give a different key, which we must reject
    wrong = 97 - int("2530700073004") % 97
    assert canonical_forms("nir", f"253072A073004{wrong:02d}") == []


@pytest.mark.parametrize("bad", ["295109912611199", "253072C07300443", "6546546546546703", "", "abc",
                                 "595109912611193", "2951399126111"])
def test_invalid_nirs(bad: str) -> None:
    assert canonical_forms("nir", bad) == []


@pytest.mark.parametrize("raw", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678",
                                 "+33 (0)6 12 34 56 78", "33612345678", "0612345678", "06-12-34-56-78"])
def test_phone_forms_are_one_number(raw: str) -> None:
    assert canonical_forms("phone", raw) == ["+33612345678"]


@pytest.mark.parametrize("raw,e164", [("0690 12 34 56", "+590690123456"), ("0696 12 34 56", "+596696123456"),
                                      ("0694 12 34 56", "+594694123456"), ("0692 12 34 56", "+262692123456"),
                                      ("0639 01 23 45", "+262639012345"), ("0590 82 12 34", "+590590821234")])
def test_overseas_numbers_retry_regions(raw: str, e164: str) -> None:
    assert canonical_forms("phone", raw) == [e164]
    assert phonenumbers.is_valid_number(phonenumbers.parse(e164))


def test_international_and_invalid_phones() -> None:
    assert canonical_forms("phone", "+1 212 555 0199") == ["+12125550199"]
    assert canonical_forms("phone", "+44 20 7946 0018") == ["+442079460018"]
    assert canonical_forms("phone", "07 01 23 45 67") == []  # 70-72 are not mobile ranges
    assert canonical_forms("phone", "06 12 34 56") == []
    assert canonical_forms("phone", "hello") == []


def test_fast_phone_path_agrees_with_phonenumbers() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        nsn = str(rng.randint(100000000, 999999999))
        ref = phonenumbers.parse("+33" + nsn)
        valid = phonenumbers.is_valid_number(ref)
        expected = phonenumbers.format_number(ref, phonenumbers.PhoneNumberFormat.E164) if valid else None
        assert canon_phone("+33" + nsn) == expected, nsn


def test_email_exact_and_gmail_canonical() -> None:
    assert canonical_forms("email", " Jean.Dupont+promo@GMail.com ") == [
        "jean.dupont+promo@gmail.com", "jeandupont@gmail.com"]
    assert canonical_forms("email", "j.d@googlemail.com") == ["j.d@googlemail.com", "jd@gmail.com"]
    assert canonical_forms("email", "Jean.Dupont+x@orange.fr") == ["jean.dupont+x@orange.fr"]
    assert canonical_forms("email", "jeandupont@gmail.com") == ["jeandupont@gmail.com"]
    assert canonical_forms("email", "marie@exämple.fr") == ["marie@xn--exmple-cua.fr"]
    for bad in ["no-at-sign", "a@b", "@example.com", "a@@b.com", "a b@c.com", "a@-x.com"]:
        assert canonical_forms("email", bad) == [], bad


def test_iban() -> None:
    assert canonical_forms("iban", "FR14 2004 1010 0505 0001 3M02 606") == ["FR1420041010050500013M02606"]
    assert canonical_forms("iban", "fr1420041010050500013m02606") == ["FR1420041010050500013M02606"]
    assert canonical_forms("iban", "FR15 2004 1010 0505 0001 3M02 606") == []
    assert canonical_forms("iban", "DE89 3704 0044 0532 0130 00") == ["DE89370400440532013000"]


def test_cards_need_luhn_and_brand() -> None:
    assert canonical_forms("card", "4111 1111 1111 1111") == ["4111111111111111"]
    assert canonical_forms("card", "5500-0000-0000-0004") == ["5500000000000004"]
    assert canonical_forms("card", "378282246310005") == ["378282246310005"]
    assert canonical_forms("card", "2223000048400011") == ["2223000048400011"]
    assert canonical_forms("card", "4111111111111112") == []  # Luhn fails
    assert canonical_forms("card", "9111111111111111") == []  # Luhn-valid? no brand anyway
    assert canonical_forms("card", "1234567812345670") == []  # Luhn ok, no brand


def test_siren_siret_rpps_adeli() -> None:
    assert canonical_forms("siren", "404 833 048") == ["404833048"]
    assert canonical_forms("siren", "404833049") == []
    assert canonical_forms("siret", "732 829 320 00074") == ["73282932000074"]
    assert canonical_forms("siret", "73282932000075") == []
    assert canonical_forms("rpps", "10005173140") == ["10005173140"]
    assert canonical_forms("rpps", "10003879623") == ["10003879623"]
    assert canonical_forms("rpps", "10003879624") == []
    assert canonical_forms("adeli", "349102665") == ["349102665"]
    assert canonical_forms("adeli", "349102666") == []


def test_dob_day_first_to_iso() -> None:
    for raw in ["12/03/1985", "12-03-1985", "12.03.1985", "1985-03-12", "19850312", "1985-03-12 00:00:00"]:
        assert canonical_forms("dob", raw) == ["1985-03-12"], raw
    # month first only where day first cannot be a date (a US export)
    assert canonical_forms("dob", "12/13/1985") == ["1985-12-13"]
    for bad in ["31/02/1985", "13/13/1985", "1985-13-01", "12/03/1850", "hier", "02/30/1985"]:
        assert canonical_forms("dob", bad) == [], bad


def test_password_hashes_by_kind() -> None:
    assert hash_kind("$2y$10$" + "a" * 53) == "bcrypt"
    assert hash_kind("5F4DCC3B5AA765D61D8327DEB882CF99") == "md5"
    assert canonical_forms("password_hash", "5F4DCC3B5AA765D61D8327DEB882CF99") == [
        "md5:5f4dcc3b5aa765d61d8327deb882cf99"]
    assert hash_kind("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8") == "sha1"
    assert hash_kind("a" * 64) == "sha256"
    assert hash_kind("hunter2") is None
    assert canonical_forms("password_hash", "hunter2") == []


def test_credential_name_address() -> None:
    assert canonical_forms("credential", "Jean.Dupont@Orange.fr:S3cret!") == ["jean.dupont@orange.fr:S3cret!"]
    assert canonical_forms("credential", "nopassword") == []
    assert canonical_forms("name", "DUPONT Jean-Éric") == canonical_forms("name", "jean eric dupont")
    assert canonical_forms("name", "Cher") == []
    assert canonical_forms("address", "12, rue de l'Église 75001 Paris") == ["12 rue de l eglise 75001 paris"]
    assert canonical_forms("address", "Paris") == []


def test_unknown_type_raises() -> None:
    with pytest.raises(IdentifierError, match="unknown identifier type"):
        canonical_forms("passport", "X")


def test_fast_iban_path_agrees_with_stdnum() -> None:
    """canon_iban does the mod 97 in one int() and caches stdnum's per-country lookups; on
    valid, mutated and checksum-forged IBANs (countries with and without a country module)
    it must say what stdnum says, but for a bank code missing from stdnum's bank list."""

    from indexer.identifiers import canon_iban

    rng = random.Random(11)
    b10 = str.maketrans({chr(65 + k): str(10 + k) for k in range(26)})
    cands = ["FR1420041010050500013M02606", "DE89370400440532013000", "BE68539007547034",
             "ES9121000418450200051332", "GB82WEST12345698765432", "NO9386011117947", "ME25505000012345678951"]
    for v in list(cands):
        for _ in range(20):
            chars = list(v)
            chars[rng.randrange(len(chars))] = rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            cands.append("".join(chars))
    for cc in ("BE", "ES", "ME", "NO", "FR", "GB", "XX", "ZZ"):
        for _ in range(50):
            body = "".join(rng.choice("0123456789") for _ in range(rng.randrange(11, 30)))
            chk = 98 - int((body + cc + "00").translate(b10)) % 97
            cands.append(f"{cc}{chk:02d}{body}")
    # Belgium's own check is re-stated in canon_iban (`_be_account_check`): 12-digit accounts
    # with the right IBAN digits, half with the account's own mod 97 right (00 written 97)
    for k in range(400):
        acct = "".join(rng.choice("0123456789") for _ in range(10))
        key = int(acct) % 97 or 97
        body = acct + (f"{key:02d}" if k % 2 else f"{rng.randrange(100):02d}")
        chk = 98 - int((body + "BE00").translate(b10)) % 97
        cands.append(f"BE{chk:02d}{body}")
    def stdnum_says(c: str) -> str | None:
        """stdnum's verdict, except that a country module's InvalidComponent (Belgium: the bank
        code is not in stdnum's bank list) does not reject: its checksums still do (issue 12)."""
        if std_iban.is_valid(c):
            return c
        if not _valid_without_country(c):
            return None
        module = std_iban._get_cc_module(c[:2])
        if module is None:  # valid without a country module, yet is_valid said no: cannot be
            return None
        try:
            module.validate(c)
        except InvalidComponent:
            return c
        except ValidationError:
            return None
        return c

    n_valid = n_bank = 0
    for c in cands:
        want = stdnum_says(c)
        assert canon_iban(c) == want, c
        n_valid += want is not None
        n_bank += want is not None and not std_iban.is_valid(c)
    assert 10 < n_valid < len(cands) - 100  # both outcomes are exercised
    assert n_bank >= 1  # the bank-list case is exercised (BE68539007547034 among others)


def _valid_without_country(c: str) -> bool:
    try:
        std_iban.validate(c, check_country=False)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("key_len", [1, 16, 32, 64, 65, 200])
def test_tokenizer_is_the_token_formula(key_len: int) -> None:
    """The extractor's tokenizer (precomputed HMAC states) gives exactly `token` (hmac.digest)."""
    from indexer.tokens import MatchKey, token, tokenizer

    key = MatchKey(random.Random(key_len).randbytes(key_len))
    fn = tokenizer(key)
    for t, c in (("email", "jean@example.fr"), ("name", "élodie dupont"), ("phone", "+33612345678"), ("nir", "")):
        assert fn(t, c) == token(key, t, c)


@pytest.mark.parametrize("written", ["FR76.3000.6000.0112.3456.7890.189", "fr76.3000.6000.0112.3456.7890.189",
                                     "FR76 3000-6000.0112 3456.7890 189"])
def test_an_iban_written_with_dots_has_the_compact_value(written: str) -> None:
    """One IBAN, one value, one token: written with dots between its groups it kept them, so its
    token matched no registered IBAN (found by the wave 21 blind probe)."""
    assert canon_iban(written) == "FR7630006000011234567890189"
    assert canon_iban(written[:-1] + "8") is None  # its key is still checked
