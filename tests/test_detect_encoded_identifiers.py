"""Identifiers that leak percent-encoded or obfuscated: URL-encoded form posts and query strings
(stealer logs, phishing kits' dumps, HTTP captures) and e-mail addresses written against
scrapers (`jean.dupont [at] gmail [dot] com`). Their canonical values are the decoded ones (the
tokens match the registered identifiers), their spans cover the text as written, the excerpt
hides it, both engines agree, and the prefilter keeps their lines. Synthetic data only."""

from __future__ import annotations

import random
from urllib.parse import quote, quote_plus

import pytest
from faker import Faker

from indexer.decode import decode
from indexer.detect import _LIMITS, Tokenizer, detect, detect_text
from indexer.detect import prefilter as P
from indexer.detect.encoded import decode_form_value, form_fields, obfuscated_emails
from indexer.detect.scan import scan
from indexer.detect.seeds import candidate_starts
from indexer.identifiers import canon_phone
from indexer.tokens import MatchKey, token
from tests.corpus.generate import make_prose_post
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x37" * 32)


def _people(n: int, seed: int) -> list[dict[str, str]]:
    fk = Faker("fr_FR")
    fk.seed_instance(seed)
    r = random.Random(seed)
    out = []
    for _ in range(n):
        first, last = fk.first_name(), fk.last_name()
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        local = local.encode("ascii", "ignore").decode() or "x"
        email = f"{local}{r.randint(1, 99)}@{r.choice(['gmail.com', 'orange.fr', 'free.fr', 'laposte.net'])}"
        digits = "0"
        while canon_phone("0" + digits) is None:  # a number France assigns (06, 07 5-9)
            digits = r.choice("67") + "".join(r.choice("0123456789") for _ in range(8))
        out.append({"email": email, "phone": f"0{digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:9]}",
                    "password": fk.password(length=10, special_chars=True) + r.choice("!&%+@é"),
                    "first": first, "last": last})
    return out


def _ids(frags: list) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _form_line(p: dict[str, str], keys: tuple[str, str, str] = ("email", "password", "tel")) -> str:
    return (f"{keys[0]}={quote_plus(p['email'])}&{keys[1]}={quote_plus(p['password'])}"
            f"&{keys[2]}={quote(p['phone'])}")


# ------------------------------------------------------------------------------ form posts
@pytest.mark.parametrize("keys", [("email", "password", "tel"), ("mail", "pass", "telephone"),
                                  ("login", "pwd", "mobile"), ("user%5Bemail%5D", "user%5Bpassword%5D", "phone")])
def test_form_posts_give_decoded_emails_phones_and_credentials(keys: tuple[str, str, str]) -> None:
    people = _people(6, seed=len(keys[0]))
    lines = [_form_line(p, keys) for p in people]
    text = "\n".join(lines)
    assert "@" not in text  # nothing plain: before this, six such lines gave nothing
    frags = detect(text.encode(), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("dox", 1, 6)]
    got = _ids(frags)
    for p in people:
        assert ("email", p["email"].lower()) in got
        assert ("phone", canon_phone(p["phone"])) in got
        assert ("credential", f"{p['email'].lower()}:{p['password']}") in got
    f = frags[0]
    for i in f.identifiers:
        if i.type in ("email", "phone"):
            written = f.text[i.start:i.end]
            assert "%" in written or "+" in written or written.isdigit(), written  # the encoded text
            assert (i.type == "phone") or i.value.split("@")[0].replace(".", "") in \
                decode_form_value(written)[0].lower().replace(".", "")  # type: ignore[index]
    for p in people:  # the excerpt shows none of what the lines hold
        assert quote_plus(p["email"]) not in f.excerpt and quote_plus(p["password"]) not in f.excerpt


def test_form_token_is_the_plain_identifiers() -> None:
    p = _people(3, seed=5)
    frags = detect("\n".join(_form_line(x) for x in p), key=KEY)
    toks = {i.value: i.token for f in frags for i in f.identifiers if i.type == "email"}
    assert toks[p[0]["email"].lower()] == token(KEY, "email", p[0]["email"].lower())


def test_urls_with_a_query_and_a_fragment() -> None:
    people = _people(4, seed=9)
    text = "\n".join(f"https://connexion.example.org/login.php?email={quote(p['email'], safe='')}"
                     f"&pass={quote(p['password'], safe='')}#top" for p in people)
    got = _ids(detect(text, key=KEY))
    for p in people:
        assert ("email", p["email"].lower()) in got
        assert ("credential", f"{p['email'].lower()}:{p['password']}") in got


def test_form_lines_without_encoding_read_as_before() -> None:
    """Plain `key=value&...` lines (read by the labelled-line recogniser before) give the same."""
    people = _people(4, seed=2)
    text = "\n".join(f"email={p['email']}&tel={p['phone'].replace(' ', '')}&nom={p['last']}" for p in people)
    got = _ids(detect(text, key=KEY))
    assert {("email", p["email"].lower()) for p in people} <= got
    assert {("phone", canon_phone(p["phone"])) for p in people} <= got


def test_invalid_escapes_and_non_utf8_bytes_give_no_garbage() -> None:
    text = ("email=jean.dupont%4&password=%FF%FE&tel=06%2G12\n"
            "email=a%C3%28b%40exemple.fr&password=%00%01&tel=%%%%\n"
            "email=zoe.roux%40exemple.fr&password=abc%2&tel=0\n"
            "email=luc.b%40exemple.fr&password=caf%C3%A9&tel=06%2012%2034%2056%2079\n")
    frags = detect(text, key=KEY)
    got = _ids(frags)
    assert ("email", "luc.b@exemple.fr") in got and ("credential", "luc.b@exemple.fr:café") in got
    assert ("email", "zoe.roux@exemple.fr") in got
    assert not any("%" in v for _, v in got), got  # nothing read from what does not decode
    assert "%FF%FE" not in frags[0].excerpt and "%C3%28b" not in frags[0].excerpt
    assert decode_form_value("%E9t%E9") is None and decode_form_value("a%0Ab") is None
    assert decode_form_value("100%") is None and decode_form_value("abc") == ("abc", None)
    assert decode_form_value("+33612345678") == ("+33612345678", list(range(13)))
    assert decode_form_value("a+b%C3%A9")[0] == "a bé"  # type: ignore[index]


def test_form_fields_shapes() -> None:
    assert form_fields("a=1&b=2") == [("a", "1", 2), ("b", "2", 6)]
    assert form_fields("  /login?user%5Bmail%5D=x&p=y") == [("mail", "x", 24), ("p", "y", 28)]
    assert form_fields("email=a b&pass=c") is None  # blanks: not URL-encoded
    assert form_fields("https://x.example/page") is None and form_fields("just=one") is None
    assert form_fields("a=1&=2") is None and form_fields("not a form") is None


# ------------------------------------------------------------------------ obfuscated e-mails
_STYLES = ["{l} [at] {d} [dot] {t}", "{l}(at){d}(dot){t}", "{l} {{at}} {d} {{dot}} {t}", "{l}[@]{d}[.]{t}",
           "{l} [AT] {d} [DOT] {t}", "{l} (at) {d}.{t}", "{l} [at] {d} dot {t}"]


def _obfuscate(email: str, style: str) -> str:
    local, dom = email.split("@")
    d, t = dom.rsplit(".", 1)
    return style.format(l=local, d=d, t=t)


@pytest.mark.parametrize("style", _STYLES)
def test_obfuscated_emails_in_lists_doxes_and_tables(style: str) -> None:
    people = _people(4, seed=len(style))
    written = [_obfuscate(p["email"], style) for p in people]
    want = {("email", p["email"].lower()) for p in people}
    listing = "Contacts du bureau :\n\n" + "\n".join(written) + "\n"
    assert want <= _ids(detect(listing, key=KEY))
    p = people[0]
    dox = f"Nom: {p['last']}\nPrénom: {p['first']}\nEmail: {written[0]}\nTel: {p['phone']}\n"
    frags = detect(dox, key=KEY)
    assert ("email", p["email"].lower()) in _ids(frags)
    i = next(i for f in frags for i in f.identifiers if i.value == p["email"].lower())
    assert frags[0].text[i.start:i.end] == written[0]  # the span is the obfuscated writing
    assert written[0] not in frags[0].excerpt
    assert i.token == token(KEY, "email", p["email"].lower())
    csv = "nom;prenom;email\n" + "\n".join(
        f"{x['last']};{x['first']};{w}" for x, w in zip(people, written, strict=True))
    assert want <= _ids(detect(csv, key=KEY))


_PROSE = [
    "meet me at home dot com, then we go at the dot com party",
    "On se retrouve at home vers 18h, the dot com bubble était en 2000.",
    "Le site (at) la mairie est fermé [dot] On verra demain.",
    "Prix (at) 12 [dot] 50 euros, rendez-vous [at] la gare.",
    "I'm (at) work; call me later (at)",
    "voir https://exemple.fr/recherche?q=caf%C3%A9%20cr%C3%A8me&page=2 pour la suite",
    "lien: https://wiki.example.org/wiki/Foo%20Bar_(at)_baz et https://x.example/a%20b?x=1%2B1",
    "Réunion [at] 10h [dot] Salle B (at) the end of the hall.",
    "the chat (at)tached, the dog [at]e it",
]


def test_prose_with_at_dot_and_encoded_urls_gives_nothing() -> None:
    for s in _PROSE:
        out: list = []
        scan(s, out)
        assert not [x for x in out if x[0] == "email"], s
        assert detect(s + "\n" + s + "\n" + s + "\n", key=KEY) == [], s
    assert obfuscated_emails("contact [at] example") == []  # no dot: no domain


def test_prose_posts_with_obfuscation_words_stay_empty() -> None:
    r = random.Random(4)
    for k in range(60):
        post = make_prose_post(91_000 + k)
        words = post.split(" ")
        for _ in range(6):
            words.insert(r.randrange(len(words) + 1), r.choice(["[at]", "(at)", "{dot}", "at", "dot", "%20", "+"]))
        assert detect(" ".join(words), key=KEY) == []


# ------------------------------------------------------------------ seeds, prefilter, engines
def test_lines_holding_only_encoded_identifiers_are_seed_lines() -> None:
    p = _people(3, seed=1)
    for lines in ([_form_line(x) for x in p], [_obfuscate(x["email"], _STYLES[0]) for x in p],
                  [f"tel={quote(x['phone'])}&nom={x['last']}" for x in p]):
        starts = [s for s, _ in candidate_starts("\n".join(lines).encode())]
        assert starts == [0, 1, 2], lines


def test_prefilter_keeps_encoded_and_obfuscated_lines() -> None:
    if not P.available():
        pytest.skip("hyperscan not installed: " + P.reason())
    people = _people(6, seed=3)
    posts: list[str] = []
    while sum(map(len, posts)) < P.WINDOWED_MIN_BYTES // 2:
        posts.append(make_prose_post(95_000 + len(posts)))
    pad = "\n\n".join(posts)
    blocks = ["\n".join(_form_line(x) for x in people),
              "\n".join(_obfuscate(x["email"], s) for x, s in zip(people, _STYLES, strict=False)),
              "Nom: Durand\nPrénom: Paul\nEmail: " + _obfuscate(people[0]["email"], _STYLES[1]) + "\nTel: 0612345678"]
    b = (pad + "\n\n" + "\n\n\n".join(blocks) + "\n\n" + pad).encode()
    assert len(b) >= P.WINDOWED_MIN_BYTES
    want = detect_text(decode(b), key=KEY)
    assert len(want) == 3
    got = P.run(b, detect_text, Tokenizer(KEY), None, None, _LIMITS, max_share=1.0)
    assert got == want
    assert detect(b, key=KEY) == want
    items = [blk.encode() for blk in blocks] + [make_prose_post(96_000).encode()]
    assert P.detect_many(items, key=KEY) == [detect(x, key=KEY) for x in items]
    assert [len(detect(x, key=KEY)) for x in items] == [1, 1, 1, 0]


def test_both_engines_agree() -> None:
    require_native()
    people = _people(8, seed=8)
    texts = ["\n".join(_form_line(x) for x in people),
             "\n".join(f"https://x.example/l?mail={quote(x['email'])}&pwd={quote(x['password'])}" for x in people),
             "\n".join(_obfuscate(x["email"], s) for x, s in zip(people, _STYLES, strict=False)),
             "email;nom\n" + "\n".join(f"{_obfuscate(x['email'], _STYLES[1])};{x['last']}" for x in people),
             "Nom: Dupont\nPrénom: Jean\nEmail: jean.dupont (at) exemple (dot) fr\nTel: 0612345678 / "
             "marie [at] exemple [dot] fr",
             "email=jean.dupont%4&password=%FF%FE&tel=06%2G12\nemail=a%40b.fr&password=x%2&tel=0612345678\n"
             "email=c%40d.fr&password=%C3%A9&tel=%2B33612345678"]
    for t in texts:
        ref, got = both_engines(t.encode(), KEY)
        assert ref, t
        assert_same_fragments(ref, got, t[:40])


def test_phone_only_form_lines_pass_the_native_prefilter() -> None:
    """`%20` between a number's digits makes a seed for the one-pass scans too (the core's
    sparse scan walks digit runs by hand)."""
    if not P.available():
        pytest.skip("hyperscan not installed: " + P.reason())
    people = _people(4, seed=12)
    items = ["\n".join(f"nom={x['last'].replace(' ', '+')}&tel={quote(x['phone'])}" for x in people).encode(),
             "\n".join(f"pr%C3%A9nom={quote(x['first'])}&mail={quote(x['email'])}" for x in people).encode()]
    want = [detect(x, key=KEY) for x in items]
    assert [len(w) for w in want] == [1, 1]
    assert P.detect_many(items, key=KEY) == want


@pytest.mark.slow
def test_hostile_encoded_and_obfuscated_lines_stay_linear() -> None:
    import time

    hostile = ["x.y (at) z (dot) " * 60_000, "a (at) " * 150_000, "[at]" * 250_000,
               "\n".join(["email=a%40b.fr&p=" + "%41" * 2000] * 300),
               "\n".join(["k=%C3%A9&t=06%2012%2034%2056%2078"] * 40_000),
               "\n".join(["https://h.example/p?q=%40&r=1"] * 40_000),
               "\n".join(["j [at] x [dot] fr (at) (at) [at]"] * 40_000)]
    for s in hostile:
        t0 = time.thread_time()
        detect(s.encode(), key=KEY)
        assert time.thread_time() - t0 < 8.0, s[:40]
