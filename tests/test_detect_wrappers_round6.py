"""Wrappers on every line, round 6: what the place a dump was pasted in, or the tool that printed it, adds.

A dump posted in a Telegram or Discord channel (backticks, `||spoilers||`, `**bold**`, a lookup
bot's tree, `#tel` and `[DDN]` labels), copied from a chat log (`[09:41] `, `<nick> `) or a paste
site (its line numbers), printed by a terminal (ANSI colours), commented (`  # valid`), indented
as a markdown code block or fenced one line a block, or glued to BBCode/HTML tags, was read
partly or not at all, and backticks and bold made FALSE e-mails (`**a@b.fr`, `` `a@b.fr ``;
blind probe set 5). Here each wrapper goes on each kind of dump (other people, other separators,
French and English labels) and must give exactly what the bare dump gives, through `detect()` and
`detect_many` (the crawl's path) as text and bytes; the bare dumps are not rewritten at all, and
chat logs, markdown posts, code listings, build logs and scripts wearing the same wrappers stay
clean. Run on both engines (VIGIE_ENGINE): the rewrite is before either reads the text."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import pytest

from indexer.detect import detect, firstlook
from indexer.detect.prefilter import detect_many
from indexer.detect.wrappers import unwrap
from indexer.tokens import MatchKey
from tests.blind_probe_harness import STRICT, iban, luhn, nir

KEY = MatchKey(b"\x6e" * 32, version=1)


class P:
    def __init__(self, last: str, first: str, dob: str, email: str, phone: str, nir_body: str, bban: str) -> None:
        self.last, self.first, self.dob, self.email, self.phone = last, first, dob, email, phone
        self.nir = nir(nir_body)
        self.iban = iban("FR", bban)
        self.spaced = " ".join(phone[i : i + 2] for i in range(0, 10, 2))


PEOPLE = [
    P(
        "BRUNET",
        "Maëlle",
        "03/09/1991",
        "maelle.brunet@laposte.net",
        "0645127830",
        "2910975056123",
        "30004000031234567890143",
    ),
    P(
        "CHEVALIER",
        "Yanis",
        "14/06/1987",
        "y.chevalier87@gmail.com",
        "0782214569",
        "1870669123045",
        "20041010050500013M02606",
    ),
    P(
        "LEROY",
        "Sofia",
        "29/01/2002",
        "sofia.leroy@outlook.fr",
        "0611893304",
        "2020133063077",
        "30003030100005023140129",
    ),
    P(
        "MOULIN",
        "Gaspard",
        "08/11/1975",
        "gaspard.moulin@free.fr",
        "0698402217",
        "1751144109011",
        "10278060410002045540123",
    ),
    P("PERRET", "Nour", "21/04/1968", "nour.perret@sfr.fr", "0756348812", "2680413055089", "30066100410001057380116"),
]
CARD = luhn("4970101234", 16)

# ---------------------------------------------------------------- the bare dumps (lists of lines)
KINDS: dict[str, list[str]] = {
    "combo": [f"{p.email}:{p.last[:3].title()}{p.dob[-2:]}!x#{i}" for i, p in enumerate(PEOPLE)],
    "csv_semicolon": ["nom;prenom;date_naissance;email;telephone;nir"]
    + [f"{p.last};{p.first};{p.dob};{p.email};{p.phone};{p.nir}" for p in PEOPLE],
    "csv_comma_en": ["last_name,first_name,birth_date,email,phone"]
    + [f"{p.last.title()},{p.first},{p.dob},{p.email},+33{p.phone[1:]}" for p in PEOPLE],
    "fullz_pipe": [f"{p.first} {p.last.title()}|{p.dob}|{p.phone}|{p.email}|{p.iban}" for p in PEOPLE],
    "jsonl": [
        json.dumps({"uid": 900 + i, "mail": p.email, "tel": "+33" + p.phone[1:], "naissance": p.dob})
        for i, p in enumerate(PEOPLE)
    ],
    "dox_fr": [
        line
        for p in PEOPLE[:3]
        for line in (
            f"Nom : {p.last}",
            f"Prénom : {p.first}",
            f"Date de naissance : {p.dob}",
            f"Téléphone : {p.spaced}",
            f"Email : {p.email}",
            f"N° sécu : {p.nir}",
            f"IBAN : {p.iban}",
            "",
        )
    ][:-1],
    "dox_en": [
        line
        for p in PEOPLE[2:]
        for line in (
            f"Name: {p.first} {p.last.title()}",
            f"Date of birth: {p.dob}",
            f"Mobile: {p.spaced}",
            f"E-mail: {p.email}",
            f"Social security (FR): {p.nir}",
            "",
        )
    ][:-1],
    "stealer": [
        line
        for i, p in enumerate(PEOPLE)
        for line in (
            "=" * 14,
            f"URL: https://login.example-shop.fr/account/{i}",
            f"Login: {p.email}",
            f"Password: Pw{i}-{p.first[:2]}!",
        )
    ],
    "vcf": [
        line
        for p in PEOPLE[:3]
        for line in (
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{p.last.title()};{p.first};;;",
            f"EMAIL:{p.email}",
            f"TEL;TYPE=CELL:{p.phone}",
            f"BDAY:{p.dob[6:]}-{p.dob[3:5]}-{p.dob[:2]}",
            "END:VCARD",
        )
    ],
    "json_pretty": json.dumps(
        [{"nom": p.last, "courriel": p.email, "portable": p.phone, "ddn": p.dob} for p in PEOPLE[:4]],
        indent=4,
        ensure_ascii=False,
    ).split("\n"),
}

G, R = "\x1b[32m", "\x1b[0m"


def _gutter(sep: str) -> Callable[[list[str]], str]:
    return lambda ls: "\n".join(f"{i}{sep}{ln}" for i, ln in enumerate(ls, 1))


# ---------------------------------------------------------------- what wraps each line
WRAPS: dict[str, Callable[[list[str]], str]] = {
    "backticks": lambda ls: "\n".join(f"`{ln}`" for ln in ls if ln),
    "backticks_after_a_title": lambda ls: "🔥 NEW DROP 🔥\n\n" + "\n".join(f"`{ln}`" for ln in ls if ln),
    "spoilers": lambda ls: "\n".join(f"||{ln}||" for ln in ls if ln),
    "bold": lambda ls: "\n".join(f"**{ln}**" for ln in ls if ln),
    "underline": lambda ls: "\n".join(f"__{ln}__" for ln in ls if ln),
    "irc_nick": lambda ls: "\n".join(f"<darkvendor> {ln}" for ln in ls),
    "irc_op_nick_and_time": lambda ls: "\n".join(f"[23:{i % 60:02d}] <@Kr4ken> {ln}" for i, ln in enumerate(ls)),
    "chat_time": lambda ls: "\n".join(f"[09:{i % 60:02d}] {ln}" for i, ln in enumerate(ls)),
    "chat_datetime": lambda ls: "\n".join(f"[2026-11-30 09:41:{i % 60:02d}]{ln}" for i, ln in enumerate(ls)),
    "gutter_tab": _gutter("\t"),
    "gutter_pipe": _gutter(" | "),
    "gutter_box": lambda ls: "\n".join(f"{i:>3} │ {ln}" for i, ln in enumerate(ls, 1)),
    "numbered_paren": lambda ls: "\n".join(f"{i}) {ln}" for i, ln in enumerate(ls, 1)),
    "numbered_dot_from_7": lambda ls: "\n".join(f"{i}.  {ln}" for i, ln in enumerate(ls, 7)),
    "comment_two_spaces": lambda ls: "\n".join(f"{ln}  # ok" if ln else ln for ln in ls),
    "comment_valid": lambda ls: "\n".join(f"{ln} # VALID" if ln else ln for ln in ls),
    "ansi_green_lines": lambda ls: "\n".join(f"{G}{ln}{R}" if ln else ln for ln in ls),
    "ansi_bold_marker": lambda ls: "\n".join(f"\x1b[1;33m[+]\x1b[0m {ln}" if ln else ln for ln in ls),
    "md_indented_4": lambda ls: "Extrait du fichier :\n\n" + "\n".join("    " + ln if ln else ln for ln in ls),
    "md_indented_tab": lambda ls: "Dump :\n\n" + "\n".join("\t" + ln if ln else ln for ln in ls) + "\n\nvoilà",
    "fence_each_line": lambda ls: "\n".join(f"```\n{ln}\n```" for ln in ls if ln),
    "fence_each_line_lang_blank": lambda ls: "\n\n".join(f"```txt\n{ln}\n```" for ln in ls if ln),
    "spoiler_code_glued": lambda ls: "Free sample\n[spoiler=clic][code]" + "\n".join(ls) + "[/code][/spoiler]",
    "pre_glued": lambda ls: "<pre>" + "\n".join(ls) + "</pre>\nmerci",
    "textarea_escaped": lambda ls: '<textarea rows="9">' + html.escape("\n".join(ls)) + "</textarea>",
}
# (kind, wrap) pairs left out: a wrapper that makes another dump kind than its bare one
SKIP = {
    ("dox_fr", "fence_each_line_lang_blank"),  # (a fence's blank lines between its people: the same)
}


def _strict(frags: list) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers if i.type in STRICT}


BARE = {k: _strict(detect("\n".join(ls), key=KEY)) for k, ls in KINDS.items()}


def test_the_bare_dumps_are_read_and_not_rewritten() -> None:
    for kind, lines in KINDS.items():
        assert len(BARE[kind]) >= 5, (kind, BARE[kind])
        assert unwrap("\n".join(lines)) is None, kind


CASES = [(k, w) for k in KINDS for w in WRAPS if (k, w) not in SKIP]


@pytest.mark.parametrize(("kind", "wrap"), CASES)
def test_a_wrapped_dump_reads_as_the_bare_one(kind: str, wrap: str) -> None:
    text = WRAPS[wrap](KINDS[kind])
    got = _strict(detect(text, key=KEY))
    assert got == BARE[kind], {"missed": sorted(BARE[kind] - got), "false": sorted(got - BARE[kind])}


@pytest.mark.parametrize("wrap", sorted(WRAPS))
def test_the_crawls_path_reads_them_too(wrap: str) -> None:
    items = [WRAPS[wrap](KINDS[k]) for k in ("combo", "dox_fr", "stealer", "jsonl")]
    items.insert(1, "Salut, quelqu'un a le lien du tuto ? merci")
    for batch in (items, [i.encode() for i in items]):
        got = detect_many(batch, key=KEY)
        for item, frags in zip(batch, got, strict=True):
            assert frags == detect(item, key=KEY), (wrap, str(item)[:60])
    assert all(detect_many(items, key=KEY)[k] for k in (0, 2, 3, 4))


def test_fragment_lines_are_the_inputs() -> None:
    """Code fences dropped: the fragments' lines are still the input's."""
    text = "intro\n" + WRAPS["fence_each_line"](KINDS["combo"])
    frags = detect(text, key=KEY)
    assert len(frags) == 1
    assert (frags[0].start_line, frags[0].end_line) == (3, 3 + 3 * (len(KINDS["combo"]) - 1))
    text = WRAPS["chat_time"](["Voilà le sample :"] + KINDS["combo"])
    frags = detect(text, key=KEY)
    assert (frags[0].start_line, frags[0].end_line) == (2, 1 + len(KINDS["combo"]))


# ---------------------------------------------------------------- messenger doxes: labels as channels write them
def _dox(fmt: Callable[[P], str]) -> str:
    return "\n\n".join(fmt(p) for p in PEOPLE[:3])


DOX_WANT = (
    {("email", p.email) for p in PEOPLE[:3]}
    | {("nir", p.nir) for p in PEOPLE[:3]}
    | {("phone", "+33" + p.phone[1:]) for p in PEOPLE[:3]}
    | {("dob", f"{p.dob[6:]}-{p.dob[3:5]}-{p.dob[:2]}") for p in PEOPLE[:3]}
    | {("email", "ychevalier87@gmail.com")}
)

DOXES: dict[str, Callable[[P], str]] = {
    "bot_tree_backticks": lambda p: (
        f"🔎 Résultat pour {p.last} {p.first}\n├─ 📅 Naissance: `{p.dob}`\n├─ 📱 Téléphone: `{p.phone}`\n"
        f"├─ 📧 Email: `{p.email}`\n└─ 🆔 NIR: `{p.nir}`"
    ),
    "bot_tree_ascii_en": lambda p: (
        f"[+] Match: {p.first} {p.last}\n|-- DOB: `{p.dob}`\n|-- Phone: `{p.spaced}`\n|-- Mail: `{p.email}`\n"
        f"`-- SSN: `{p.nir}`"
    ),
    "bold_labels_spoiler_values": lambda p: (
        f"**Nom:** {p.last} {p.first}\n**Né le:** ||{p.dob}||\n**Tel:** ||{p.spaced}||\n**Mail:** ||{p.email}||\n"
        f"**Sécu:** ||{p.nir}||"
    ),
    "bold_labels_colon_outside": lambda p: (
        f"**Name** : {p.first} {p.last}\n**DOB** : `{p.dob}`\n**Phone** : `{p.phone}`\n**Email** : `{p.email}`\n"
        f"**NIR** : `{p.nir}`"
    ),
    "hashtag_labels": lambda p: f"#nom {p.last}\n#ddn {p.dob}\n#tel {p.spaced}\n#mail {p.email}\n#secu {p.nir}",
    "hashtag_labels_en_colon": lambda p: (
        f"#name: {p.first}\n#dob: {p.dob}\n#phone: {p.phone}\n#email: {p.email}\n#ssn: {p.nir}"
    ),
    "bracketed_labels": lambda p: f"[NOM] {p.last}\n[DDN] {p.dob}\n[TEL] {p.spaced}\n[MAIL] {p.email}\n[SECU] {p.nir}",
    "bracketed_labels_colon": lambda p: (
        f"[Name]: {p.first}\n[DOB]: {p.dob}\n[Phone]: {p.phone}\n[Email]: {p.email}\n[NIR]: {p.nir}"
    ),
    "emoji_only_labels": lambda p: f"👤 {p.first} {p.last}\n🎂 {p.dob}\n📱 {p.spaced}\n📧 {p.email}\n🆔 {p.nir}",
    "emoji_colon_labels_tree": lambda p: (
        f"👤: {p.last} {p.first}\n├ 🎂: {p.dob}\n├ ☎️: {p.phone}\n├ ✉️: {p.email}\n└ 🆔: `{p.nir}`"
    ),
    "ansi_lookup_labels": lambda p: (
        f"\x1b[1mNom\x1b[0m: {G}{p.last}{R}\n\x1b[1mNaissance\x1b[0m: {G}{p.dob}{R}\n"
        f"\x1b[1mTel\x1b[0m: {G}{p.phone}{R}\n"
        f"\x1b[1mEmail\x1b[0m: {G}{p.email}{R}\n\x1b[1mNIR\x1b[0m: {G}{p.nir}{R}"
    ),
}


@pytest.mark.parametrize("name", sorted(DOXES))
def test_messenger_doxes(name: str) -> None:
    got = _strict(detect(_dox(DOXES[name]), key=KEY))
    assert got == DOX_WANT, {"missed": sorted(DOX_WANT - got), "false": sorted(got - DOX_WANT)}


def test_ansi_cells_and_lookup_rows() -> None:
    rows = [
        f"{G}{p.last}{R};{G}{p.first}{R};{G}{p.dob}{R};{G}{p.email}{R};{G}{p.phone}{R};{G}{p.nir}{R}" for p in PEOPLE
    ]
    text = "\n".join(KINDS["csv_semicolon"][:1] + rows)
    assert _strict(detect(text, key=KEY)) == BARE["csv_semicolon"]
    rows = [
        f"\x1b[1m[+]\x1b[0m {p.last} {p.first} | {G}{p.email}{R} | {G}{p.phone}{R} | {G}{p.dob}{R} | {G}{p.nir}{R}"
        for p in PEOPLE
    ]
    got = _strict(detect("\n".join(rows), key=KEY))
    assert not any(v.startswith(("32m", "[32m", "0m")) for _, v in got), got
    assert {("email", p.email) for p in PEOPLE} <= got and {("nir", p.nir) for p in PEOPLE} <= got


# ---------------------------------------------------------------- the same wrappers on what is no dump
NEGATIVES = {
    # (no chat log here: a chat's lines with a phone or an IBAN are read by the chat recogniser
    # as they were before `unwrap` (tests/test_detect_log_and_record_shapes.py chat_irc_nicks);
    # when its lines read bare give nothing, `detect` reads the chat as it came)
    "markdown_sale_post": "\n".join(
        [
            "**Prix:** 50 € le lot",
            "**Contact:** ||@vendeur_fr|| sur Telegram",
            "**Livraison:** `instantanée`",
            "**Escrow:** accepté",
        ]
    ),
    "code_listing_with_gutter": "\n".join(
        f"{i}\t{ln}"
        for i, ln in enumerate(
            [
                "def send(to: str) -> None:",
                "    msg = build(to, subject='Bonjour')",
                "    smtp.sendmail('noreply@example.org', [to], msg)",
                "    log.info('sent %d bytes', len(msg))",
                "    return None",
            ],
            1,
        )
    ),
    "build_log_ansi": "\n".join(
        [
            "\x1b[32m[INFO]\x1b[0m Building vigie 0.26.0 (2026-12-05 09:12:44)",
            "\x1b[32m[INFO]\x1b[0m 1254 tests, 0 failures, 17 skipped",
            "\x1b[33m[WARN]\x1b[0m mail to ci@example.org deferred (421)",
            "\x1b[32m[INFO]\x1b[0m artefact 4970 1012 3400 0000 bytes",
        ]
    ),
    "shell_script_comments": "\n".join(
        [
            "export PATH=/usr/local/bin:$PATH  # tools",
            "rsync -a /srv/data backup@10.0.0.2:/bak  # nightly",
            "sleep 3600  # wait an hour",
            "echo done  # log",
        ]
    ),
    "numbered_rules": "\n".join(
        [
            "1) pas de spam",
            "2) pas de doxx ici, c'est interdit",
            "3) les ventes passent par l'escrow",
            "4) 48 h pour un litige",
        ]
    ),
    "spoiler_chatter": "\n".join(
        [
            "||le film finit mal||",
            "||le héros meurt au chapitre 12||",
            "||tout était un rêve||",
        ]
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_what_is_no_dump_stays_clean(name: str) -> None:
    got = [(i.type, i.value) for f in detect(NEGATIVES[name], key=KEY) for i in f.identifiers]
    assert got == [], got


def test_a_pipe_dump_with_empty_fields_keeps_them() -> None:
    """`||` inside a row is an empty field, not a spoiler: the row keeps its columns."""
    rows = [f"{p.last}|{p.first}||{p.dob}|{p.email}|{p.phone}" for p in PEOPLE]
    assert unwrap("\n".join(rows)) is None


def test_a_copy_with_ids_keeps_its_first_column() -> None:
    """A COPY's rows start with their ids, one more each line, then a tab: no line numbers."""
    lines = (
        ["COPY public.clients (id, nom, email, telephone, naissance) FROM stdin;"]
        + [
            f"{i}\t{p.last}\t{p.email}\t{p.phone}\t{p.dob[6:]}-{p.dob[3:5]}-{p.dob[:2]}"
            for i, p in enumerate(PEOPLE, 1)
        ]
        + ["\\."]
    )
    assert unwrap("\n".join(lines)) is None
    big = "\n".join(lines[:1] + [f"{k}\t{lines[1 + k % 5].split(chr(9), 1)[1]}" for k in range(1, 200)])
    assert unwrap(big) is None
    if firstlook._db() is not None:  # (nor is a TSV with ids a reason for the pass: bench dense's COPY)
        assert not firstlook.looks(big.encode()) & firstlook.WRAPPED


# ---------------------------------------------------------------- the first look (`firstlook.WRAPPED`)
@pytest.mark.skipif(firstlook._db() is None, reason="no hyperscan here: every bit is set, unwrap always runs")
def test_wrapped_bit_wherever_unwrap_changes_the_text() -> None:
    """Hyperscan's needles (`wrappers.NEEDLES`) are a superset of `unwrap`'s own first look:
    every wrapped text above, and each alone among a dense dump's plain rows (over `SMALL`
    bytes: below it every bit is set), sets the bit; the plain rows alone do not."""
    pad = "\n".join(f"{p.last};{p.first};{p.email};{p.phone}" for p in PEOPLE * 8) + "\n"
    assert len(pad.encode()) >= firstlook.SMALL and not firstlook.looks(pad.encode()) & firstlook.WRAPPED
    texts = [WRAPS[w](KINDS[k]) for k, w in CASES] + [_dox(f) for f in DOXES.values()] + list(NEGATIVES.values())
    changed = 0
    for t in texts:
        for text in (t, pad + t, t + "\n" + pad, pad + t + "\n" + pad):
            if unwrap(text) is not None:
                changed += 1
                assert firstlook.looks(text.encode()) & firstlook.WRAPPED, text[:80]
    assert changed > 4 * len(CASES) // 2


def test_a_psql_table_keeps_its_id_column() -> None:
    """psql's output: ids counting the rows, then ` | `, in every row: a column, not line numbers."""
    lines = (
        [" id | nom | email | telephone", "----+-----+-------+----------"]
        + [f"  {i} | {p.last} | {p.email} | {p.phone}" for i, p in enumerate(PEOPLE, 1)]
        + ["(5 rows)"]
    )
    assert unwrap("\n".join(lines)) is None
