"""Well-known example values: identifiers that pass their checks and are no one's.

Payment providers publish test card numbers (`4242 4242 4242 4242`, `4111 1111 1111 1111`, ...)
and every payment page, SDK README and support thread repeats them; the IBAN registry (ISO
13616, SWIFT's register) gives one example IBAN per country (`FR14 2004 1010 0505 0001 3M02
606`, `DE89 3704 0044 0532 0130 00`, `GB29 NWBK 6016 1331 9268 19`) that every format table
copies; API docs fill their example records with placeholders (`+33 6 00 00 00 00`,
`0123456789`, `jane.doe@example.com`, `1970-01-01`). Each passes Luhn, mod 97 or the phone
plan, so the readers take them; this list, in one place, takes them out of a fragment's found
list before it is built (docs: README, "What Vigie is"):

- a published test card (`TEST_CARDS`, and Stripe's whole `4000 00..` test range), a phone
  number whose last six digits are zeros (`+33 6 00 00 00 00`, `0470 00 00 00`) or the keyboard run
  `01 23 45 67 89`, and a registry's example IBAN (`TEXTBOOK_IBANS`) are no one's unless their
  record holds another identifier (a customer dump's row: a name, an e-mail beside it; a dox),
  which makes them a person's, however they got them (synthetic and test dumps give people
  `4111 1111 1111 1111`), or their fragment holds two values of their type that are no examples
  (a dump of people, one of whom typed `06 00 00 00 00`): a payment page's table, a format
  table's rows (a country, a length), an API doc's example hold neither;
- an example record: when the fragment holds a test card or a placeholder phone and every
  other identifier of it is an address at a reserved domain (RFC 2606/6761: `example.com`, `.test`,
  `.invalid`, `localhost`...) or the epoch as a birth (`1970-01-01`, `1900-01-01`), those go
  too. Alone, neither is dropped: Faker's `email()` writes `example.*` addresses in the
  detection corpus's dumps, and people are born on the first of January 1970.

A specification's text is no leak either (wave 31, the lead's decision: ONE example in it): when the few
lines over a fragment cite an RFC (or an Internet-Draft) with a section, an appendix or "example"
(`RFC 6350 section 8, example:`), a fragment whose person identifiers are all addresses at reserved
domains (RFC 3696's list of address syntaxes) or make ONE record (one name, one address, a card's few
phones) loses them (`spec_framed`). Two people in that shape, realistic addresses listed under an RFC's
section, and the same card with no specification over it are kept.

A lottery's results are no phones either: a "phone" written as five two-digit balls in rising
order (`06 12 34 45 48`) is a draw beside a lottery's words (`boules`, `tirage`, `winning
numbers`...), or when three or more are all of a fragment's phones (a number's pairs rise so
about one time in 25: three in a row, one in 15,000).

Python for both engines, as `notmail.drop_no_ones`: `firstlook` looks in its one Hyperscan
pass over a text for the most copied of these values' heads, the placeholder phones and the
lottery's words (`PATTERNS`, bit `EXAMPLE`); the fragments of a text that holds one are walked
and lose every listed value; a text under `firstlook.SMALL` is walked without a look. (A big
text whose only examples are rarer ones, say a table of the registry's Balkan IBANs alone, is
read as before.)
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

__all__ = ["PATTERNS", "PLACEHOLDER_PATTERNS", "TEST_CARDS", "TEXTBOOK_IBANS", "drop_examples",
           "drop_placeholder_person", "is_test_card", "spec_framed"]

# Published test numbers: Stripe, Adyen, Braintree, PayPal, Authorize.net, Checkout.com,
# Worldpay, Visa's and Mastercard's test suites (each passes Luhn and a network's ranges)
TEST_CARDS = frozenset(
    """
4007000000027 4012888818888 4222222222222 30569309025904 36006666333344 36070500001020 36227206271667
36259600000004 38000000000006 38520000023237 345678901234564 370000000000002 370000000100018 371449635398431
378282246310005 378734493671000 2221000000000009 2222400070000005 2222410740360010 2222420000001113
2223000010005780 2223000010309703 2223000010309711 2223000048400011 2223003122003222 2223520043560014
3056930009020004 3530111333300000 3566002020360505 3569990010095841 4000056655665556 4000060000000006
4000180000000002 4000620000000007 4001590000000001 4005519200000004 4005550000000001 4009348888881881
4012000033330026 4012000077777777 4012888888881881 4035501000000008 4035874000424977 4100000000000019
4111111111111111 4111111145551142 4166676667666746 4217651111111119 4242424242424242 4263970000005262
4293189100000008 4360000001000005 4444333322221111 4462030000000000 4484070000000000 4484070000035519
4500600000000061 4543474002249996 4646464646464644 4917300800000000 4917484589897107 4917610000000000
4988080000000000 4988438843884305 5019717010103742 5105105105105100 5200828282828210 5204740009900014
5424000000000015 5425233430109903 5431111111111111 5436031030606378 5454545454545454 5500000000000004
5555341244441115 5555444433331111 5555555555554444 5555558265554449 5577000055770004 6011000000000012
6011000990139424 6011000991300009 6011111111111117 6011601160116611 6011981111111113 6200000000000005
6200000000000047 6221261111117766 6223164991230014 6243030000000001 6250946000000016 6304000000000000
6331101999990016 6445644564456445 6555900000604105 6759649826438453 6771798021000008 6205500000000000004
6799990100000000019
""".split()
)
_STRIPE = "400000"  # Stripe's test cards: 4000 0000 0000 0002 (declined), 4000 0025 0000 3155 (3-D Secure)...

# The IBAN registry's example of each country (SWIFT, ISO 13616), and Wikipedia's
TEXTBOOK_IBANS = frozenset(
    """
AD1200012030200359100100 AE070331234567890123456 AL47212110090000000235698741 AT611904300234573201
AZ21NABZ00000000137010001944 BA391290079401028494 BE68539007547034 BG80BNBG96611020345678
BH67BMAG00001299123456 BR1800360305000010009795493C1 BY13NBRB3600900000002Z00AB00 CH9300762011623852957
CR05015202001026284066 CY17002001280000001200527600 CZ6508000000192000145399 DE44500105175407324931
DE89370400440532013000 DK5000400440116243 DO28BAGR00000001212453611324 EE382200221020145685
EG380019000500000000263180002 ES9121000418450200051332 FI2112345600000785 FO6264600001631634
FR1420041010050500013M02606 GB29NWBK60161331926819 GB82WEST12345698765432 GE29NB0000000101904917
GI75NWBK000000007099453 GL8964710001000206 GR1601101250000000012300695 GT82TRAJ01020000001210029690
HR1210010051863000160 HU42117730161111101800000000 IE29AIBK93115212345678 IL620108000000099999999
IQ98NBIQ850123456789012 IS140159260076545510730339 IT60X0542811101000000123456 JO94CBJO0010000000000131000302
KW81CBKU0000000000001234560101 KZ86125KZT5004100100 LB62099900000001001901229114
LC55HEMM000100010012001200023015 LI21088100002324013AA LT121000011101001000 LU280019400644750000
LV80BANK0000435195001 MC5811222000010123456789030 MD24AG000225100013104168 ME25505000012345678951
MK07250120000058984 MR1300020001010000123456753 MT84MALT011000012345MTLCAST001S MU17BOMM0101101030300200000MUR
NL91ABNA0417164300 NO9386011117947 PK36SCBL0000001123456702 PL61109010140000071219812874
PS92PALS000000000400123456702 PT50000201231234567890154 QA58DOHB00001234567890ABCDEFG RO49AAAA1B31007593840000
RS35260005601001611379 SA0380000000608010167519 SC18SSCB11010000000000001497USD SE4550000000058398257466
SI56263300012039086 SK3112000000198742637541 SM86U0322509800000000270100 ST68000100010051845310112
SV62CENR00000000000000700025 TL380080012345678910157 TN5910006035183598478831 TR330006100519786457841326
UA213223130000026007233566001 VA59001123000012345678 VG96VPVG0000012345678901 XK051212012345678906
""".split()
)

_KEYBOARD_PHONE = "+33123456789"  # 01 23 45 67 89
_EPOCH_DOBS = frozenset({"1970-01-01", "1900-01-01"})
# a birth no one alive has, that software writes for an unknown one and vendors' test messages carry
# (HL7's `PID|...|TEST^PATIENT||19000101`): a fragment's only person identifier so is no one's
_PLACEHOLDER_BIRTH = "1900-01-01"
_RESERVED_SLD = ("example.com", "example.net", "example.org")
_RESERVED_TLD = ("example", "test", "invalid", "localhost")
# the identifiers a person is found by (a name, an address or a credential alone makes no record)
_PERSON = frozenset({"email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli", "dob", "national_id"})


# the local parts documentation writes for its one example person (at a reserved domain only:
# `_placeholder_address`); the gate's share is the first few, the ones every vendor's doc copies
_GATE_LOCALS = ("john.doe", "jane.doe", "johndoe", "janedoe", "jdoe", "john.smith", "jane.smith")
_PLACEHOLDER_LOCALS = frozenset(_GATE_LOCALS) | frozenset(
    {"john", "jane", "j.doe", "john_doe", "jane_doe", "john-doe", "jane-doe", "janesmith", "johnsmith",
     "max.mustermann", "erika.mustermann", "jean.dupont", "marie.dupont", "mario.rossi", "juan.perez"})


def _placeholder_address(addr: str) -> bool:
    """A placeholder person's address: a local part documentation writes for its example (`john.doe`)
    at a reserved domain (`example.com`, `.test`): both, so a dump's `john.doe@gmail.com` is kept."""
    return addr.partition("@")[0] in _PLACEHOLDER_LOCALS and _reserved(addr)


def drop_placeholder_person(found: Any) -> None:
    """Empty `found` when its one person identifier is a documentation's placeholder address
    (`john.doe@example.com` beside a name and an address: ONE example record, the lead's policy).
    Asked only of a text whose first look saw such an address's head (`PLACEHOLDER_PATTERNS`,
    firstlook bit PLACEHOLDER: a combo list's 130k addresses are never walked for it)."""
    person = _person_ids(found, 1)
    if person is not None and len(person) == 1 and person[0][0] == "email" and _placeholder_address(person[0][1]):
        found[:] = []


# Hyperscan literals (`firstlook`'s bit PLACEHOLDER): a placeholder person's address head
PLACEHOLDER_PATTERNS: list[bytes] = sorted(
    {b"".join(b"\\x%02x" % c for c in (w + "@").encode()) for local in _GATE_LOCALS
     for w in (local, local.capitalize(), local.title())})


def _literal(s: str) -> bytes:
    return b"".join(b"\\x%02x" % c for c in s.encode())


# The gate's share of the lists: the values every payment page and format table copies. A text
# holding one of them (or the lottery's words, or a placeholder phone) has its fragments walked,
# and a walk drops every listed value; a text under `firstlook.SMALL` is walked without a gate.
# (A few dozen literals cost `firstlook` nothing measurable; past ~100, on a dump's digits, its scan
# grew ~8%: the whole lists in every writing, or their heads, were +0.4-0.9% of detection.)
_GATE_CARDS = (
    "4242424242424242 4111111111111111 5555555555554444 378282246310005 4000056655665556 6011111111111117 "
    "5105105105105100"
).split()
_GATE_IBANS = (
    "FR1420041010050500013M02606 DE89370400440532013000 GB29NWBK60161331926819 GB82WEST12345698765432 BE68539007547034"
).split()


def _heads(v: str) -> list[str]:
    """How a card number or an IBAN is written whole: compact, and in its groups (4-6-5 for Amex
    and Diners' 14 digits, else fours) apart by a space or a dash. (Whole values: their first
    twelve characters alone, `4000 0000 0000`, made the scan ~8% dearer on a dump's digits.)"""
    if len(v) in (14, 15) and v[0] == "3":
        groups = [v[:4], v[4:10], v[10:]]
    else:
        groups = [v[i : i + 4] for i in range(0, len(v), 4)]
    return [v] + [sep.join(groups) for sep in " -"]


def _patterns() -> list[bytes]:
    out = {_literal(h) for c in _GATE_CARDS for h in _heads(c)}
    out.update(_literal(h) for v in _GATE_IBANS for h in _heads(v))
    # a phone whose last eight digits are zeros (+33 6 00 00 00 00, 0600000000), 01 23 45 67 89
    for sep in " .-":
        out.add(_literal(sep.join(["00"] * 4)))
        out.add(_literal(sep.join(["01", "23", "45", "67", "89"])))
    # and whose last six are (`0470 00 00 00`, `078 000 00 00`; not `00-00-00`: MySQL's zero dates)
    out.update(_literal(sep.join(["00"] * 3)) for sep in " .")
    out.update(_literal(f"{d}00000000") for d in "123456789")
    out.update(_literal(w) for w in ("0123456789", "+33123456789", "+33 1 23 45 67 89", "7700 000000", "7700000000"))
    # a specification's example values (OpenAPI/Swagger, JSON Schema: `example: jean.dupont@example.com`)
    out.update(_literal(w) for w in ("example:", '"example":', '"example" :', "examples:", '"examples":'))
    # a specification's text citing itself or another (`RFC 6350 section 8, example:`; `examples.spec_framed`)
    out.update(_literal(w) for w in ("RFC ", "RFC-"))
    # the placeholder birth of a vendor's test message (HL7 `19000101`) and of a sample's form
    out.update(_literal(w) for w in ("19000101", "1900-01-01", "01/01/1900"))
    # a lottery's draws (`boules` 06 12 34 45 48): the words that head them, as they are cased
    for word in ("boules", "tirage", "winning numbers", "winning_numbers", "euromillions", "loto", "lotto", "keno"):
        out.update(_literal(w) for w in (word, word.capitalize(), word.upper()))
    # (literals only: Hyperscan's literal matcher finds them at no measurable cost on a dump's
    # text; regular expressions and case-insensitive words beside them made `firstlook` ~9% dearer)
    return sorted(out)


# Hyperscan patterns (`firstlook`'s bit EXAMPLE): where a fragment may hold one of these values
PATTERNS: list[bytes] = _patterns()
_LOTTERY = re.compile(r"(?i)\bboules\b|\btirages?\b|winning[ _]numbers|euromillions?|\blott?o\b|\bkeno\b")


def is_test_card(c: str) -> bool:
    """A canonical card number that a payment provider publishes for tests."""
    return c in TEST_CARDS or (len(c) == 16 and c.startswith(_STRIPE))


def _placeholder_phone(c: str) -> bool:
    # (six zeros end a format table's examples too: `0470 00 00 00`, `078 000 00 00`; a real line's
    # number ending so is kept where its record or its fellow numbers say it is someone's)
    return c.endswith("000000") or c == _KEYBOARD_PHONE


def _reserved(addr: str) -> bool:
    domain = addr.rpartition("@")[2]
    if domain in _RESERVED_SLD or domain.endswith(tuple("." + d for d in _RESERVED_SLD)):
        return True
    return domain.rpartition(".")[2] in _RESERVED_TLD


def _drawn(text: str, st: int | None, en: int | None) -> bool:
    """A "phone" written as a lottery's draw: five two-digit balls in strictly rising order
    (`06 12 34 45 48`; a number's pairs rise so one time in a few hundred, and only beside a
    lottery's words is this asked)."""
    if st is None or en is None:
        return False
    balls = _BALLS.fullmatch(text[st:en])
    if balls is None:
        return False
    n = [int(b) for b in balls.groups()]
    return 0 < n[0] < n[1] < n[2] < n[3] < n[4]


_BALLS = re.compile(r"([0-9]{2})[ .\-]([0-9]{2})[ .\-]([0-9]{2})[ .\-]([0-9]{2})[ .\-]([0-9]{2})")


def _line(text: str, st: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, st) + 1
    b = text.find("\n", st)
    return a, len(text) if b < 0 else b


# the key of a specification's example value right before it, on its line (OpenAPI/Swagger's `example:`,
# JSON Schema's `"examples": [`), the value perhaps quoted and inside a flow mapping
# (a text holding none, a combo list of example.com addresses, reads no found list for it)
_SPEC_KEY = re.compile(r"""examples?["']?\s*[:=]""")
_EXAMPLE_KEY = re.compile(r"""\bexamples?["']?\s*[:=]\s*[\[{]?\s*["']?$""")


def _spec_example(text: str, st: int | None) -> bool:
    """The value at `st` is a specification's example (its line's key right before it)."""
    if st is None:
        return False
    a = max(text.rfind("\n", 0, st) + 1, st - 40)
    return _EXAMPLE_KEY.search(text, a, st) is not None


def _person_ids(found: Any, most: int) -> list[Any] | None:
    """`found`'s person identifiers, or None once there are more than `most`: the two checks below
    are about a record of one person, and reading a combo list's whole found list made a tuple per
    identifier (the core's list makes them as it is read, a type after the other: +28% CPU on a
    2 MB combo chunk; the checks are also gated on what their text must hold)."""
    out = []
    for f in found:
        if f[0] in _PERSON:
            out.append(f)
            if len(out) > most:
                return None
    return out


def _spec_record(items: list[Any], text: str) -> bool:
    """The fragment's person identifiers are all a specification's example values, one of each type at
    most (ONE example record: the lead's decision, wave 29; two people in that shape are a leak)."""
    person = _person_ids(items, len(_PERSON))
    if not person or len({f[1] for f in person}) != len(person):
        return False
    if len({f[0] for f in person}) != len(person):
        return False
    return all(_spec_example(text, f[2]) for f in person)


# a specification's text as it frames its examples (wave 31, the lead's decision: ONE example in a
# specification's text is no leak): it cites an RFC (or an Internet-Draft) and numbers its sections, an
# appendix, or says "example" (`RFC 3696 section 3 gives these as valid addresses:`, `RFC 6350 section 8,
# example:`). Read on the few lines over the fragment (its framing) and its own first line.
_RFC = re.compile(r"\bRFC[ -]?[0-9]{3,5}\b|\bdraft-ietf-[a-z0-9-]{3,60}")
_SPEC_FRAME = re.compile(r"(?i)\b(?:section|sect\.|appendix|annexe?|examples?|exemples?|e\.g\.)[ .:,]|§ ?[0-9]")
_FRAME_LINES = 3  # non-blank lines read over a fragment for its framing
_FRAME_CHARS = 600
# one record: at most one of each of a person's identifiers but phones (a card's work, cell and fax lines)
_ONE_EACH = frozenset({"email", "name", "dob", "nir", "iban", "card", "national_id", "siren", "siret"})
_SPEC_PHONES = 3


def spec_framed(raw: list[str], first: int) -> str:
    """The lines over `raw[first]` (a fragment's first line) that frame it as a specification's example,
    joined, or "" (the usual answer: most texts cite no RFC; the caller asks only texts holding "RFC")."""
    out: list[str] = []
    k = first - 1
    size = 0
    while k >= 0 and len(out) < _FRAME_LINES and size < _FRAME_CHARS:
        line = raw[k]
        k -= 1
        if line.strip():
            out.append(line[:_FRAME_CHARS])
            size += len(line)
    frame = "\n".join(reversed(out)) + "\n" + (raw[first][:_FRAME_CHARS] if first < len(raw) else "")
    if _RFC.search(frame) is None or _SPEC_FRAME.search(frame) is None:
        return ""
    return frame


def _spec_example_set(items: Any) -> bool:
    """What a specification's example shows: a list of address syntaxes, each at a reserved domain
    (RFC 3696's `"Fred Bloggs"@example.com`, `$A12345@example.com`), or ONE record (RFC 6350's one
    author's card: one name, one address, its work and cell lines). Two people in that shape are a leak."""
    person = _person_ids(items, 24)
    if not person:
        return False
    if all(f[0] == "email" and _reserved(f[1]) for f in person):
        return True
    counts = Counter(f[0] for f in items)
    return all(counts[t] <= 1 for t in _ONE_EACH) and counts["phone"] <= _SPEC_PHONES


def drop_examples(found: Any, text: str, kind: str = "", frame: str = "") -> None:
    """Take the well-known example values out of `found` (a list of (type, canonical, start,
    end), `text`'s offsets), in place. `kind`: the fragment's shape, which says whether a
    record is a line (a table's row) or the whole fragment (a dox, a pretty-printed JSON).
    `frame`: the lines over the fragment when they frame it as a specification's example
    (`spec_framed`)."""
    if "xample" in text and _SPEC_KEY.search(text) is not None and _spec_record(found, text):
        found[:] = []  # a specification's one example record: no one's (its name goes with it)
        return
    if frame and _spec_example_set(found):
        found[:] = []  # a specification's text and its example (`spec_framed`): no one's
        return
    person = _person_ids(found, 1) if "1900" in text else None  # (every writing of that birth holds it)
    if person is not None and len(person) == 1 and person[0][0] == "dob" and person[0][1] == _PLACEHOLDER_BIRTH:
        found[:] = []  # a vendor's test message or a sample (`TEST^PATIENT`, born 1900-01-01) alone: no one
        return
    draws: list[int] = []  # "phones" written as a lottery's draws
    ex: list[int] = []  # test cards, placeholder phones: dropped unless a person's record holds them
    books: list[int] = []  # textbook IBANs: the same
    items = list(found)
    for k, f in enumerate(items):
        t = f[0]
        if t == "card":
            if is_test_card(f[1]):
                ex.append(k)
        elif t == "phone":
            if _placeholder_phone(f[1]):
                ex.append(k)
            elif _drawn(text, f[2], f[3]):
                draws.append(k)
        elif t == "iban" and f[1] in TEXTBOOK_IBANS:
            books.append(k)
    # reserved addresses, epoch births: dropped in an example record only (asked only when there
    # are examples: a 2 MB combo list's 70k addresses are looked at once, not twice)
    soft = (
        [k for k, f in enumerate(items) if f[0] == "email" and _reserved(f[1]) or f[0] == "dob" and f[1] in _EPOCH_DOBS]
        if ex or books
        else []
    )
    drop: set[int] = set()
    if draws and (
        _LOTTERY.search(text) is not None  # (a rewrite may have left the lottery's header out:)
        or len(draws) >= 3
        and sum(f[0] == "phone" for f in items) == len(draws)
    ):
        drop.update(draws)
    if ex or books:
        examples = set(ex) | set(books)
        others = [k for k in range(len(items)) if k not in examples and k not in drop]
        soft_at = set(soft)
        if (
            ex
            and all(k in soft_at or items[k][0] not in _PERSON for k in others)
            and (soft or not any(items[k][0] == "name" for k in others))
        ):
            # an example record (an API doc's, a payment page's): no one's value in the whole
            # fragment but the examples' own reserved addresses and epoch births, which go too
            # (a holder's name beside a test card with no such example value is a phishing
            # kit's victim: theirs)
            drop |= examples | set(soft)
        else:
            # A well-known value beside another identifier of its record (a dump's row: a name,
            # an e-mail, a NIR; a dox: the fragment) is that person's, however they got it
            # (synthetic and test dumps give people `4111 1111 1111 1111` and `06 00 00 00 00`);
            # so is one among other values of its type that are no examples (a dump of people).
            # A format table's rows and a list of test numbers hold neither.
            rows = kind in _ROW_KINDS
            kinds = Counter(items[k][0] for k in others if k not in soft_at)
            drop |= {k for k in examples if kinds[items[k][0]] < 2 and not _in_a_record(items, k, others, text, rows)}
    if not drop:
        return
    keep = [f for k, f in enumerate(items) if k not in drop]
    if keep and all(f[0] == "name" for f in keep) and not any(items[k][0] == "name" for k in drop):
        keep = []  # (a format table's country names: no one without the examples' values)
    found[:] = keep


# the shapes whose records are lines (a table's rows); in the others a record spans lines
_ROW_KINDS = frozenset({"csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl", "log", "lone_record"})


def _in_a_record(items: list[Any], k: int, others: list[int], text: str, rows: bool) -> bool:
    """Whether the record of identifier `k` (its line, or with `rows` false the fragment) holds
    one of the `others`: a person's, whose IBAN it is however they got it."""
    if not others:
        return False
    st = items[k][2]
    if not rows or st is None:
        return True
    a, b = _line(text, st)
    return any(items[j][2] is not None and a <= items[j][2] < b for j in others)
