"""Hostile input: huge lines, strings built to make backtracking engines explode, binary
garbage, wrongly-encoded bytes, markup bombs. Each case must finish within a small time budget
and with bounded memory; none may raise."""

from __future__ import annotations

import random
import time
import tracemalloc

import pytest

from indexer.decode import Limits, decode
from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x07" * 32)


def timed(data: bytes | str, budget: float, **kw: object) -> list:
    """`detect()` within `budget` seconds of this thread's CPU time: what a blow-up costs is
    work, and the suite's workers share two cores, so the wall clock also counts the other
    workers' turns (a case once failed at 5.25 s wall, 1.5 s alone). The wall clock still
    bounds it, at four times the budget, so that a case that sleeps or waits fails too."""
    t0, w0 = time.thread_time(), time.perf_counter()
    frags = detect(data, key=KEY, **kw)
    elapsed, wall = time.thread_time() - t0, time.perf_counter() - w0
    assert elapsed < budget, f"took {elapsed:.2f}s of CPU (budget {budget}s)"
    assert wall < 4 * budget, f"took {wall:.2f}s (wall-clock bound {4 * budget}s)"
    return frags


PATHOLOGICAL = {
    "email_local": "a" * 200_000 + "@",
    "email_dots": "a." * 100_000 + "@b",
    "email_domain": "x@" + "a-" * 100_000,
    "email_many_ats": "@a" * 100_000,
    "digits_spaced": "1 " * 200_000,
    "digits_dotted": "0." * 200_000 + "x",
    "digits_mixed": "1 -.(0)" * 50_000,
    "iban_like": "FR14 " + "ABCD " * 100_000,
    "nir_like": "2A" * 100_000,
    "hex": "a" * 300_000 + "g",
    "bcrypt_prefix": "$2y$10$" * 50_000,
    "sql_unterminated": "INSERT INTO t VALUES ('" + "\\'" * 100_000,
    "sql_escaped": "INSERT INTO t VALUES ('" + "\\'" * 100_000 + "','" + "''" * 100_000 + "');",
    "kv_trailing_spaces": "Nom: x" + " " * 200_000 + "y",
    "sql_parens": "INSERT INTO t VALUES " + "(" * 100_000 + ")" * 100_000 + ";",
    "sql_quotes": "INSERT INTO t VALUES (" + "'a'," * 100_000 + ");",
    "csv_quotes": '"' * 200_001 + ";a;b",
    "kv_label": "a" * 100_000 + ": " + "b" * 100_000,
    "combo": ("x" * 120 + ":" + "y" * 250 + "\n") * 5000,
    "json_deep": "{" * 50_000 + "}" * 50_000 + "\n" + "[" * 50_000 + ":" + "]" * 50_000,
    "article9": "séropositif " * 100_000,
    "article9_prefix": "catholique non " * 100_000,
    "copy_no_end": "COPY t (email) FROM stdin;\n" + "a@b.fr\n" * 50_000,
    "hl7_long": "MSH|^~\\&|\n" + "PID|" + "|" * 200_000,
    "separators": ";" * 300_000,
    "tabs_lines": ("\t" * 50 + "\n") * 20_000,
    "spaced_wide": ("x@y.fr 0612345678 " * 40 + "\n") * 3000,
    "spaced_gaps": ("a@b.fr" + " " * 300 + "0612345678\n") * 3000,
    "spaced_rows": ("a@b.fr 0612345678 Dupont\n") * 30_000,
    "spaced_untyped": "Build 1234567890 passed in 12 s\n" * 20_000,  # one same-shaped run, no table
    "spaced_alternating": "a 0612345678 b  c\nx 0612345678 y z\n" * 5_000,  # the two ways of splitting differ
    # the entry recognisers look back for their head line from every start line
    "vcard_no_end": "BEGIN:VCARD\n" + "EMAIL:a@b.fr\nTEL:0612345678\n" * 50_000,
    "vcard_begins": "BEGIN:VCARD\nEMAIL;TYPE=x:a@b.fr\n" * 50_000,
    "ldif_one_entry": "dn: cn=x\n" + "mail: a@b.fr\ntelephoneNumber: 0612345678\n" * 50_000,
    "ldif_folded": "dn: cn=x\n" + " a@b.fr 0612345678\n" * 100_000,
    "xml_unclosed": "<r>\n" + "<email>a@b.fr<tel>0612345678\n" * 50_000,
    "xml_leaves": ("<p><email>a@b.fr</email>" + "<n>" * 2000 + "</p>\n") * 100,
    "xml_no_roles": "<x><y>0612345678 a@b.fr</y></x>\n" * 50_000,
    "xml_attributes": ("<p " + 'email="a@b.fr" tel="0612345678" ' * 2000 + "/>\n") * 100,
    "xml_attribute_unclosed": "<p email=\"a@b.fr\" tel=\"0612345678" + " x=" * 100_000 + "\n",
    "xml_start_unclosed": ("<p a=\"1\" " * 50_000 + "\n") * 4,
    # pretty-printed JSON: brackets never closed, nested past any depth, members without an opener
    "json_pretty_deep": "[\n" * 100_000 + '{\n"email": "a@b.fr",\n"tel": "0612345678"\n},\n' * 3,
    "json_pretty_unclosed": "[\n  {\n" + '    "email": "a@b.fr",\n    "tel": "0612345678",\n' * 50_000,
    "json_pretty_members": ('  "email": "a@b.fr",\n  "x": 1,\n  },\n') * 40_000,
    "json_pretty_records": "[\n" + '  {\n    "email": "a@b.fr",\n    "tel": "0612345678"\n  },\n' * 40_000 + "]",
    "json_pretty_strings": "{\n" + '  "k": "' + "\\\"[{" * 100_000 + '"\n' + '  "email": "a@b.fr"\n}\n',
    # pasted tables: rules under every line, row marks between every key, bullets everywhere
    "table_rules": "nom | email\n-----+------\n" * 50_000,
    "table_rule_rows": "nom | email | tel\n----+----\n" + "x | a@b.fr | 0612345678\n" * 100_000,
    "row_marks": ("*** 1. row ***\nemail: a@b.fr\nnom: X\n") * 50_000,
    "yaml_bullets": ("- nom: X\n  email: a@b.fr\n  tel: 0612345678\n") * 50_000,
    "fixed_headers": ("NOM     EMAIL      TEL\n" + "X       a@b.fr     0612345678\n") * 50_000,
    "labelled_pairs": ("a: b | " * 60 + "email: a@b.fr\n") * 20_000,
    "labelled_records": ("nom: X | " * 20 + "email: a@b.fr | tel: 0612345678\n") * 20_000,
    "labelled_separators": ("x: " + " - " * 100_000 + "\n") * 5,
    "labelled_long": "Email: a@b.fr | Tel: " + "0612345678 - " * 200_000 + "\n",
    "json_array_line": "[" + ",".join('{"email": "a@b.fr", "tel": "0612345678"}' for _ in range(20_000)) + "]",
    # labels apart by spaces, one number a line, URL:login:password lines (a backtracking URL
    # pattern took 22 s on `url_combo_colons`)
    "spaced_labels_values": ("Nom: " + "x " * 990 + "Tel: 0612345678\n") * 1_000,
    "spaced_labels_colons": ("Nom: " + "a:b " * 400 + "\n") * 2_000,
    "spaced_labels_words": ("Nom: " + "date de naissance " * 100 + ": x Email: a@b.fr\n") * 2_000,
    "number_lines": ("1 " * 59 + "\n") * 20_000,
    "url_combo_colons": ("https://a.fr/" + "x:" * 290 + "\n") * 1_700,
    "url_combo_hosts": ("a." * 290 + "fr:x\n") * 1_700,
    "captured_combo_pipes": ("u@x.fr:" + "p" * 250 + " |" * 150 + "\n") * 1_700,
    # wave 13's shapes: a line of addresses, directories, username combos, one-line XML, lab
    # messages, INSERT heads over two lines, password labels
    "address_line": ", ".join(f"u{k}@d{k % 97}.fr" for k in range(30_000)),
    "address_line_names": ("Ab Cd <a@b.fr>, " * 60 + "x\n") * 1_000,
    "many_at_lines": "a@b c@d e@f g@h\n" * 60_000,
    "named_numbers_same": "Claire Martin : 06 12 34 56 78\n" * 30_000,
    "named_numbers_words": ("Ab " * 40 + ": 06 12 34 56 78\n") * 8_000,
    "username_combos": "".join(f"user{k}:Azerty{k}!\n" for k in range(25_000)),
    "username_combos_keys": "game:ABCDE-FGHIJ-KLMNP\n" * 40_000,
    "xml_one_line": "<r>" + "<p><nom>N</nom><email>u@d.fr</email></p>" * 20_000 + "</r>",
    "lt_lines": ("<" * 60 + "\n") * 16_000,
    "astm_headers": "H|\\^&|20240101\n" * 50_000,
    "astm_patients": "H|\\^&|20240101\n" + "P|1||||A^B||19850101\n" * 20_000,
    "insert_heads_split": "INSERT INTO t (a,b)\nVALUES\n" * 30_000,
    "password_labels": "Password: x\n" * 80_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_strings_run_in_linear_time(name: str) -> None:
    timed(PATHOLOGICAL[name], budget=5.0)


def test_doubling_input_roughly_doubles_time() -> None:
    """A backtracking blow-up would show as super-linear growth."""
    def t(n: int) -> float:
        s = ("1 " * 40 + "a@" + "b." * 30 + "\n") * n
        t0 = time.thread_time()  # CPU time: another worker's turn is not this call's work
        detect(s, key=KEY)
        return time.thread_time() - t0
    t(500)
    small, big = t(4000), t(16000)
    assert big < 8 * small + 0.05, (small, big)


@pytest.mark.slow
def test_huge_single_line_is_capped() -> None:
    line = ("jean.dupont@gmail.com;0612345678;" * 700_000)  # ~23 MB, no newline
    frags = timed(line, budget=10.0, limits=Limits(max_line_chars=1_000_000))
    assert all(len(f.text) <= 1_000_100 for f in frags)


def test_binary_garbage_and_wrong_encodings() -> None:
    rng = random.Random(1)
    garbage = bytes(rng.getrandbits(8) for _ in range(1_000_000))
    timed(garbage, budget=10.0)
    timed(b"\xff\xfe" + garbage[:100_001], budget=5.0)  # odd-length UTF-16 with BOM
    timed(b"\x00" * 500_000, budget=5.0)
    mixed = b"Dupont;Jean;jean@x.fr\n" + "Élodie;Martin;é@x.fr\n".encode("cp1252") + b"\xc3\x28\xa0\xa1\n"
    timed(mixed * 1000, budget=5.0)
    timed("lone surrogate \ud800 here;a@b.fr;0612345678\n" * 3, budget=2.0)


def test_a_country_prefix_without_rules_is_no_identifier_and_no_crash() -> None:
    """`xx:12345` cells (a reference, a time, a tag) read like the `CC:number` form a user may type
    for a national identifier; on a crawled page an unknown country is nothing, never an error."""
    rows = "".join(f"r{k};fs:8902{k};u{k}@exemple.fr;0612345678\n" for k in range(4))
    for text in (rows, "nom;national_id;email;tel\n" + rows, rows.replace(";", "  ")):
        frags = timed(text, budget=2.0)
        assert frags and not any(i.type == "national_id" for f in frags for i in f.identifiers)
        assert {i.type for f in frags for i in f.identifiers} >= {"email", "phone"}


def test_markup_bombs() -> None:
    timed("<div>" * 20_000 + "x" + "</div>" * 20_000, budget=10.0, content_type="text/html")
    timed("<p>a;b;c@d.fr</p>" * 20_000, budget=10.0, content_type="text/html")  # was quadratic with bs4 inserts
    timed("<" * 500_000, budget=5.0, content_type="text/html")
    timed("<!--" + "a" * 500_000, budget=5.0, content_type="text/html")
    big = "<html><body>" + "<p>a;b;c@d.fr</p>" * 100_000 + "</body></html>"  # > max_html_bytes: regex path
    frags = timed(big, budget=15.0, limits=Limits(max_html_bytes=1_000_000))
    assert sum(len(f.identifiers) for f in frags) == 100_000
    timed("<script>" * 300_000, budget=5.0, limits=Limits(max_html_bytes=1_000))
    timed("<" * 500_000 + "p>", budget=5.0, limits=Limits(max_html_bytes=1_000))


def test_time_cap_returns_what_was_found() -> None:
    """The cap must stop the work, not throw it away: the blocks found before it fires come
    back whole and in order. 8000 small blocks, each its own fragment, take ~2 s to detect in
    full; reading them (decode, seeds) takes ~0.1 s, so a 0.5 s cap fires part-way through.
    The cap is CPU time, so the machine's load does not move it."""
    n_blocks = 8_000

    def emails(b: int) -> list[str]:
        return [f"u{b}x{r}@example.org" for r in range(3)]

    blocks = []
    for b in range(n_blocks):
        rows = "\n".join(f"{e};06{(b * 3 + r) % 100_000_000:08d}" for r, e in enumerate(emails(b)))
        blocks.append(f"Voici la base numero {b}, bonne lecture a tous les membres du forum.\n\n{rows}\n")
    t0 = time.thread_time()  # the cap counts this thread's CPU time, not the busy machine's clock
    frags = detect("\n".join(blocks), key=KEY, limits=Limits(max_seconds=0.5))
    assert time.thread_time() - t0 < 3.0
    assert 0 < len(frags) < n_blocks, len(frags)  # something was found, and the cap did stop it
    for b, frag in enumerate(frags[:-1]):  # block b is lines 6b+3 .. 6b+5
        assert (frag.start_line, frag.end_line) == (6 * b + 3, 6 * b + 5)
        assert [i.value for i in frag.identifiers if i.type == "email"] == emails(b)
        assert sum(i.type == "phone" for i in frag.identifiers) == 3
    last = [i.value for i in frags[-1].identifiers if i.type == "email"]  # the cap may cut it short
    assert last and last == emails(len(frags) - 1)[: len(last)]


def test_size_cap_cuts_input() -> None:
    data = b"a@b.fr:pw1\nc@d.fr:pw2\ne@f.fr:pw3\n" + b"x" * 2_000_000
    frags = detect(data, key=KEY, limits=Limits(max_bytes=1_000))
    assert [f.kind for f in frags] == ["combo"]
    assert decode(b"y" * 5000, limits=Limits(max_bytes=100)) == "y" * 100


def test_memory_is_bounded_on_a_dense_dump() -> None:
    rows = "\n".join(f"Dupont{i};Jean;u{i}@example.org;0612{i % 1000000:06d}" for i in range(8_000))
    tracemalloc.start()
    frags = detect(rows, key=KEY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(frags) == 1
    # ~50 identifiers' worth of objects per input line is the budget (Identifier + token + value)
    assert peak < 60 * len(rows), (peak, len(rows))


def test_per_line_answers_are_kept_only_during_the_call() -> None:
    """`shapes` keeps the answers of its per-line tests while one call runs (a header above one
    row at a time asked each line's shape five times): none of the crawled lines it keeps may
    outlive the call."""
    from indexer.detect import shapes

    table = "NOM     PRENOM     EMAIL              TEL\n" + "".join(
        f"DUPONT{k}  JEAN{k}      jean{k}@exemple.fr    06123456{k:02d}\n" for k in range(30))
    frags = detect(table + "\nNOM;EMAIL\nX;a@b.fr\n", key=KEY)
    assert frags and frags[0].identifiers  # the fixed-width table was read through the memo
    memos = (shapes._sig_short, shapes._spaced_row_short, shapes._cell_count_short, shapes._header_roles_short)
    assert [m.cache_info().currsize for m in memos] == [0, 0, 0, 0]
