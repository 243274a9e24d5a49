"""Machine text is no combo list (blind probe set 6, P17-P33): any two-column pipe table
(`date|epoch`, `match|score`, `ticket|sha1`), MISP's `"filename|md5",` type strings, a lexer's
regex alternatives, Rust `use` paths (`ops::Deref,`), /etc/passwd lines (`root:x:0:0:...`), and
lines of code or credits with an `@` and one comma (`@pytest.mark.parametrize('a', b)`, doxygen's
`* @param x ..., inclusive`, Perl's `our @chown = ('/bin/chown', '-h');`, a .po file's
`# Name <a@x.org>, 2011`) were read as login/password pairs. A combo's login is a login (an
address, or a user name shaped like one) and its password no code, number, date or file checksum.

Each text is varied (separators, lengths, header or none, French and English) and run through
`detect` and `detect_many` on BOTH engines (the same fragments); the combo lists beside them must
keep reading. Before the fix each negative gave credentials or password hashes on both engines.
All values are synthetic."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.identifiers import canon_credential
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import vigie_native

KEY = MatchKey(b"\x4c" * 32, version=1)
ENGINES = ["python"] + (["native"] if vigie_native is not None else [])

_SHA1 = [
    "f5cba27412e2543f63cf5f37c29ed50d4600c34d",
    "3ea7f168b532332643d08a0c4aa766f786182fe3",
    "06c4368b749b03c728a6f68beba662f7d892bd51",
    "9a3e61b6bcc8abec08f195526c3132d5a4a98cc0",
]

NEGATIVES = {
    # two-column pipe tables of anything but accounts, with and without their header
    "dates_epochs": (
        "date|epoch\n22/07/1984|1754629064\n13/05/1996|1730310608\n03/01/1953|1766093499\n13/12/2020|1702069025"
    ),
    "iso_dates_epochs_no_header": (
        "2024-01-15|1705276800\n2024-02-15|1707955200\n2024-03-15|1710460800\n2024-04-15|1713139200"
    ),
    "match_scores": "match|score\nPSG-OM|2-1\nOL-ASSE|3-0\nLOSC-RCL|1-1\nOGCN-ASM|0-2\nFCN-SRFC|2-2",
    "match_scores_en": "Arsenal|2-0\nChelsea|1-3\nEverton|0-0\nFulham|4-1\nBrentford|2-2",
    "ticket_checksums": "ticket|sha1\n" + "\n".join(f"#43617{k}|{h}" for k, h in enumerate(_SHA1)),
    "file_checksums_en": "file|sha1\n" + "\n".join(f"build-{k}.tar.gz|{h}" for k, h in enumerate(_SHA1)),
    "ref_numbers": "ref|num\nA-1|123456789\nA-2|987654321\nA-3|192837465\nA-4|564738291",
    "versions": "package|version\nrequests|2.31.0\nurllib3|2.2.1\nidna|3.6\ncertifi|2024.2.2",
    "cities_postcodes": "ville|code_postal\nLyon|69001\nNantes|44000\nRennes|35000\nLille|59000",
    "floats_scores": "lon|score\n2.3522|0.25421900\n4.8357|0.71254812\n-1.5536|0.12457800\n7.2619|0.98745100",
    # JSON arrays of MISP attribute types, a lexer's alternatives
    "misp_types": '[\n  "filename|md5",\n  "filename|sha1",\n  "filename|sha256",\n  "ip-dst|port",\n  "domain|ip",\n]',
    "misp_types_indented": (
        '    "hostname|port",\n    "email-src|display-name",\n    "filename|imphash",\n    "ip-src|port",'
    ),
    "regex_alternatives": (
        "    r'(?<=\\.scan\\s)|'\n    r'(?<=\\.sub\\s)|'\n    r'(?<=\\.gsub\\s)|'\n    r'(?<=\\.index\\s)|'"
    ),
    # paths and system files
    "rust_use": (
        "use std::{\n    convert::TryInto,\n    ops::Deref,\n    ptr::null_mut,\n    slice::from_raw_parts,\n};"
    ),
    "cpp_names": (
        "std::vector<int> v;\nboost::asio::io_context ctx;\ntokio::runtime::Runtime rt;\nserde::Deserialize x;"
    ),
    "etc_passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nsshd:x:110:65534::/run/sshd:/usr/sbin/nologin\n"
    "deploy:x:1001:1001:Deploy user,,,:/home/deploy:/bin/bash",
    # lines of code or credits with an `@` before one comma
    "pytest_decorators": "@pytest.mark.parametrize('dtype', dtypes)\n@pytest.mark.parametrize('fftsize', fftsizes)\n"
    "@pytest.mark.parametrize('axis', axes)\ndef test_fft(dtype, fftsize, axis):",
    "java_annotations": '@SuppressWarnings("unchecked", rawtypes)\n@Column(name = "email", nullable)\n'
    '@Table(name = "users", schema)\n@JsonProperty("login", required)',
    "doxygen": " * @param start first character of the range, inclusive\n"
    " * @param end last character of the range, inclusive\n"
    " * @param flags the options, combined\n * @return the set, modified",
    "perl_arrays": "our @chown         = ('/bin/chown', '-h');\n"
    "our @adduser       = ('/usr/sbin/adduser', '--quiet');\n"
    "our @install       = ('/usr/bin/install', '-p');\nour @rm            = ('/bin/rm', '-f');",
    "po_translators": "# French translation of coreutils.\n# Copyright (C) 2011 Free Software Foundation, Inc.\n"
    "# Odile Bertin <obertin@example.org>, 2011\n# Yves Caradec <yves@example.net>, 2011, 2012\n"
    "# Jean Martin <jmartin@example.com>, 2013\n#",
    "copyright_credits_en": "Copyright (c) 2019 Alice Smith <alice@example.org>, 2019\n"
    "Copyright (c) 2020 Bob Jones <bob@example.net>, 2020\n"
    "Copyright (c) 2021 Carol White <carol@example.com>, 2021",
}


def _run(text: str, eng: str) -> tuple[list[Fragment], list[Fragment]]:
    engine.set_engine(eng)
    try:
        return detect(text, key=KEY), detect_many([text], key=KEY)[0]
    finally:
        engine.set_engine(None)


def _secrets(frags: list[Fragment]) -> list[tuple[str, str]]:
    return sorted((i.type, i.value) for f in frags for i in f.identifiers if i.type in ("credential", "password_hash"))


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_machine_text_gives_no_credential(name: str) -> None:
    text = NEGATIVES[name]
    ref = None
    for eng in ENGINES:
        one, many = _run(text, eng)
        assert _secrets(one) == [], (name, eng)
        assert _secrets(many) == [], (name, eng)
        assert one == many, (name, eng)
        if ref is None:
            ref = one
        assert one == ref, (name, eng)  # both engines, the same fragments


USERS = [
    ("jdupont", "Azerty123!"),
    ("marie.claire", "soleil2019"),
    ("k_martin", "P@ssw0rd"),
    ("xXdarkXx", "motdepasse!!"),
    ("lea-b", "Lea1994"),
    ("t.moreau85", "chaton85"),
]
_MD5 = [
    "5f4dcc3b5aa765d61d327deb882cf99a",
    "e10adc3949ba59abbe56e057f20f883e",
    "25d55ad283aa400af464c76d713c07ad",
    "d8578edf8458ce06fbc5bb76a58c5ca4",
    "fcea920f7412b5da7be0cf42b8c93759",
    "96e79218965eb72c92a549dd5a330112",
]

POSITIVES = {
    "email_pipe": ("\n".join(f"{u}@orange.fr|{p}" for u, p in USERS), {(f"{u}@orange.fr", p) for u, p in USERS}),
    "email_colon_header": (
        "email:password\n" + "\n".join(f"{u}@free.fr:{p}" for u, p in USERS),
        {(f"{u}@free.fr", p) for u, p in USERS},
    ),
    "username_pipe": ("\n".join(f"{u}|{p}" for u, p in USERS), set(USERS)),
    "username_colon": ("\n".join(f"{u}:{p}" for u, p in USERS), set(USERS)),
    "email_tab": ("\n".join(f"{u}@sfr.fr\t{p}" for u, p in USERS), {(f"{u}@sfr.fr", p) for u, p in USERS}),
    "email_semicolon": (
        "\n".join(f"{u}@laposte.net;{p}" for u, p in USERS),
        {(f"{u}@laposte.net", p) for u, p in USERS},
    ),
    "email_comma": ("\n".join(f"{u}@gmail.com,{p}" for u, p in USERS), {(f"{u}@gmail.com", p) for u, p in USERS}),
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_combo_lists_keep_reading(name: str) -> None:
    text, pairs = POSITIVES[name]
    want = {canon_credential(u, p) for u, p in pairs}
    for eng in ENGINES:
        one, many = _run(text, eng)
        got = {i.value for f in one for i in f.identifiers if i.type == "credential"}
        assert got == want, (name, eng)
        assert one == many, (name, eng)


def test_username_hash_lists_keep_reading() -> None:
    """`user|md5` is a leak's format (a forum's users and their unsalted hashes): still read."""
    text = "\n".join(f"{u}|{h}" for (u, _), h in zip(USERS, _MD5, strict=True))
    for eng in ENGINES:
        one, _ = _run(text, eng)
        assert {i.value for f in one for i in f.identifiers if i.type == "password_hash"} == {
            f"md5:{h}" for h in _MD5
        }, eng


def test_detect_many_reads_the_batch_as_detect() -> None:
    """The crawl's path, one batch of every text above (its sparse scan decides per post)."""
    texts = [NEGATIVES[n] for n in sorted(NEGATIVES)] + [POSITIVES[n][0] for n in sorted(POSITIVES)]
    for eng in ENGINES:
        engine.set_engine(eng)
        try:
            many = detect_many(texts, key=KEY)
            assert many == [detect(t, key=KEY) for t in texts], eng
        finally:
            engine.set_engine(None)
        assert sum(len(_secrets(f)) for f in many[: len(NEGATIVES)]) == 0, eng


_SHA256 = "20982c5e0452e662515e29b41f7be5a3c69e5918a9228929a563d9f1dfdfbbc5"


@pytest.mark.parametrize("key", ["typesPublisherContentHash", "fileHash", "content_hash", "commit_hash", "info_hash"])
def test_a_file_or_commit_hash_is_no_password_hash(key: str) -> None:
    """A package's, a file's, a commit's or a torrent's hash beside people (a package.json's
    contributors) is no password hash (P25); under `password_hash` the same value is one."""
    people = ", ".join(
        f'{{"name": "{n}", "githubUsername": "{u}"}}'
        for n, u in [("Armand Ricard", "aricard"), ("Odile Bertin", "obertin")]
    )
    text = f'{{\n    "name": "@types/widgets",\n    "contributors": [{people}],\n    "{key}": "{_SHA256}"\n}}'
    dump = "\n".join(
        f'{{"email": "{u}@orange.fr", "password_hash": "{h}"}}'
        for u, h in zip(["aricard", "obertin", "ycaradec"], _SHA1[:3], strict=True)
    )
    for eng in ENGINES:
        one, many = _run(text, eng)
        assert _secrets(one) == _secrets(many) == [], (key, eng)
        got, _ = _run(dump, eng)
        assert {v for t, v in _secrets(got) if t == "password_hash"} == {f"sha1:{h}" for h in _SHA1[:3]}, eng


CODE_OBJECTS = {
    "python_proxy_kwargs": '    yield Request(\n        url="https://exemple.org",\n        meta={\n'
    '            "proxy": {\n                "server": "http://proxy.exemple.fr:3128",\n'
    '                "username": "user",\n                "password": "pass",\n            },\n        },\n    )',
    "python_client_options": 'client = Client(\n    url="https://api.exemple.fr",\n    options={\n'
    '        "login": "demo",\n        "pass": "demo1234",\n    },\n)',
    "js_ntlm_options": "ntlm.get({\n  url: 'https://intranet.exemple.fr',\n  username: 'jdupont',\n"
    "  password: 'Azerty123!',\n  domain: 'CORP',\n});",
    "js_smtp_options": "const opts = {\n  host: 'smtp.exemple.fr',\n  user: 'noreply@exemple.fr',\n"
    "  password: 'motdepasse',\n};",
}


@pytest.mark.parametrize("name", sorted(CODE_OBJECTS))
def test_code_objects_are_no_stealer_log(name: str) -> None:
    """An options object or a dict of code (`"password": "pass",`) is no stealer log (P17): its
    values are literals, a quoted string and a comma each; a stealer log keeps reading."""
    log = "\n\n".join(f"URL: https://www.orange.fr/auth\nUsername: {u}@orange.fr\nPassword: {p}" for u, p in USERS[:3])
    for eng in ENGINES:
        one, many = _run(CODE_OBJECTS[name], eng)
        assert _secrets(one) == _secrets(many) == [], (name, eng)
        got, _ = _run(log, eng)
        want = {canon_credential(f"{u}@orange.fr", p) for u, p in USERS[:3]}
        assert {v for t, v in _secrets(got)} == want, eng


def _floats(sep: str, dec: str = ".") -> str:
    rows = [
        ("0.01", "-0.44372674", "0.12345678", "-0.98765432"),
        ("0.02", "-0.47564102", "0.22345678", "-0.88765432"),
        ("0.03", "-0.82176463", "0.32345678", "-0.78765432"),
        ("0.04", "-0.51234987", "0.42345678", "-0.68765432"),
    ]
    return sep.join("txyz") + "\n" + "\n".join(sep.join(c.replace(".", dec) for c in r) for r in rows)


NEGATIVE_FLOATS = {
    "csv_comma": _floats(","),
    "csv_semicolon": _floats(";"),
    "tsv": _floats("\t"),
    "csv_semicolon_decimal_comma": _floats(";", ","),
    "numpy_matrix": "R = np.array([[0.89299824, -0.44372674, 0.0752378],\n"
    "              [-0.47564102, 0.82176463, -0.31245678],\n"
    "              [0.07523780, -0.51234987, 0.85476231]])",
}


@pytest.mark.parametrize("name", sorted(NEGATIVE_FLOATS))
def test_negative_decimals_are_no_national_ids(name: str) -> None:
    """`-0.44372674` (a sensor's reading, a rotation matrix) is no US SSN 044372674 (P18)."""
    for eng in ENGINES:
        one, many = _run(NEGATIVE_FLOATS[name], eng)
        ids_ = [(i.type, i.value) for f in one for i in f.identifiers if i.type in ("national_id", "phone")]
        assert ids_ == [], (name, eng)
        assert one == many, (name, eng)
