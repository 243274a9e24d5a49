"""crawler.privatebin reads pastes encrypted by a real PrivateBin client (pbincli, from PyPI), so
the format is PrivateBin's and not ours; hostile answers are refused with their kind.

pbincli's `Paste` does the browser's work (PBKDF2, AES-GCM over the adata, raw deflate, the
`{"paste", "attachment", "attachment_name"}` message); the answer is what a PrivateBin server
returns for `GET /?<id>` (its `_return_message`: status, id, url, then the stored paste), written
with PHP's escaped slashes."""

from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path
from typing import Any

import base58
import pytest
from pbincli.format import Paste

from crawler.privatebin import MAX_ITERATIONS, PrivateBinError, b58decode, decrypt_paste, find_links, parse_link

CAP = 1_000_000
ITERATIONS = 1000
PASTE_ID = "a1b2c3d4e5f6a7b8"


def encrypt(
    text: str, *, password: str = "", burn: bool = False, compression: str = "zlib", attachment: Path | None = None
) -> tuple[bytes, str]:
    """(the server's JSON answer, the link's fragment) of a paste pbincli encrypted."""
    paste = Paste()
    # pbincli derives its key with a PBKDF2 whose PRF is a Python lambda: 2 CPU-s at PrivateBin's
    # 100,000 iterations. Its own count, lowered, is written into the adata as any count is.
    paste._iteration_count = ITERATIONS
    paste.setVersion(2)
    paste.setText(text)
    paste.setCompression(compression)
    if password:
        paste.setPassword(password)
    if attachment is not None:
        paste.setAttachment(str(attachment))
    paste.encrypt("plaintext", burn, False, "1week")
    return server_answer(json.loads(paste.getJSON())), paste.getHash()


def server_answer(stored: dict[str, Any]) -> bytes:
    """What PrivateBin's Controller::_read sends: status, id, url, then the paste (PHP json_encode
    escapes `/`)."""
    answer = {
        "status": 0,
        "id": PASTE_ID,
        "url": f"/?{PASTE_ID}",
        **stored,
        "comments": [],
        "comment_count": 0,
        "comment_offset": 0,
        "@context": "?jsonld=paste",
    }
    return json.dumps(answer).replace("/", "\\/").encode()


def key_of(fragment: str) -> bytes:
    link = parse_link(f"http://127.0.0.1:8080/?{PASTE_ID}#{fragment}")
    assert link is not None
    return link.key


def read(answer: bytes, fragment: str, passwords: tuple[str, ...] = (), **kw: Any) -> Any:
    return decrypt_paste(answer, key_of(fragment), passwords, max_bytes=CAP, max_plain_bytes=CAP, **kw)


@pytest.mark.parametrize("compression", ["zlib", "none"])
def test_a_paste_encrypted_by_pbincli_is_read(compression: str) -> None:
    text = "clients:\njeanne.martin@exemple.fr;+33 6 12 34 56 78\n/é/ « leak »\n"
    answer, fragment = encrypt(text, compression=compression)
    paste = read(answer, fragment)
    assert paste.text == text
    assert paste.attachment is None and not paste.burn_after_reading and paste.password_rank == 0


def test_the_attachment_comes_out_as_sent(tmp_path: Path) -> None:
    csv = tmp_path / "clients.csv"
    csv.write_bytes(b"email;iban\njeanne.martin@exemple.fr;FR7630006000011234567890189\n")
    answer, fragment = encrypt("the file", attachment=csv)
    paste = read(answer, fragment)
    assert (paste.text, paste.attachment, paste.attachment_name) == ("the file", csv.read_bytes(), "clients.csv")


def test_a_password_paste_opens_with_the_password_given_beside_it() -> None:
    answer, fragment = encrypt("secret dump", password="leakforum2024")
    with pytest.raises(PrivateBinError) as none:
        read(answer, fragment)
    assert none.value.kind == "no_password"
    with pytest.raises(PrivateBinError) as wrong:
        read(answer, fragment, ("nope", "leakforum2023"))
    assert wrong.value.kind == "wrong_key" and "2 password(s)" in str(wrong.value)
    paste = read(answer, fragment, ("nope", "leakforum2024"))
    assert paste.text == "secret dump" and paste.password_rank == 2


def test_a_wrong_key_is_refused_and_never_said() -> None:
    answer, _ = encrypt("x")
    _, other = encrypt("y")
    with pytest.raises(PrivateBinError) as exc:
        read(answer, other)
    assert exc.value.kind == "no_password"
    assert other not in str(exc.value) and other not in repr(parse_link(f"http://h/?{PASTE_ID}#{other}"))


def test_the_burn_flag_is_read_from_the_link_and_from_the_paste() -> None:
    answer, fragment = encrypt("once", burn=True)
    assert read(answer, fragment).burn_after_reading
    link = parse_link(f"http://h.onion/?{PASTE_ID}#-{fragment}")
    assert link is not None and link.burn_after_reading and link.key == base58.b58decode(fragment)
    assert link.url == f"http://h.onion/?{PASTE_ID}" and "#" not in link.url


def test_huge_iterations_are_refused_before_any_pbkdf2() -> None:
    answer, fragment = encrypt("x")
    doc = json.loads(answer)
    doc["adata"][0][2] = 10**9
    start = time.process_time()
    with pytest.raises(PrivateBinError) as exc:
        read(json.dumps(doc).encode(), fragment)
    assert exc.value.kind == "iterations"
    assert time.process_time() - start < 2  # a billion iterations would take minutes of CPU
    doc["adata"][0][2] = MAX_ITERATIONS + 1
    with pytest.raises(PrivateBinError):
        read(json.dumps(doc).encode(), fragment)


def test_a_deflate_bomb_is_refused_at_the_cap() -> None:
    answer, fragment = encrypt("0" * (CAP * 8))  # 8 MB of zeros deflate to ~8 kB
    assert len(answer) < 100_000
    with pytest.raises(PrivateBinError) as exc:
        read(answer, fragment)
    assert exc.value.kind == "too_big"
    paste = decrypt_paste(answer, key_of(fragment), max_bytes=CAP, max_plain_bytes=CAP * 9)
    assert len(paste.text) == CAP * 8


def test_ciphertext_and_attachment_past_max_bytes_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(bytes(range(256)) * 600)  # 150 kB that do not compress
    answer, fragment = encrypt("x", attachment=big)
    with pytest.raises(PrivateBinError) as exc:
        decrypt_paste(answer, key_of(fragment), max_bytes=100_000, max_plain_bytes=CAP)
    assert exc.value.kind == "too_big"


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (b"<html>not json</html>", "malformed"),
        (b"[1, 2]", "malformed"),
        (b"[" * 100_000, "malformed"),
        (b'{"status": 1, "message": "Paste does not exist, has expired or has been deleted."}', "gone"),
        (b'{"status": 0, "data": "{\\"iv\\":\\"x\\"}", "meta": {}}', "unsupported"),
        (b'{"status": 0, "v": 2, "ct": "AAAA", "adata": [1, 2]}', "malformed"),
    ],
)
def test_hostile_or_foreign_answers_are_refused_with_their_kind(answer: bytes, kind: str) -> None:
    _, fragment = encrypt("x")
    with pytest.raises(PrivateBinError) as exc:
        read(answer, fragment)
    assert exc.value.kind == kind


def test_bad_base64_and_other_ciphers_are_refused() -> None:
    answer, fragment = encrypt("x")
    doc = json.loads(answer)
    bad_ct = {**doc, "ct": doc["ct"][:-4] + "!!!!"}
    with pytest.raises(PrivateBinError) as exc:
        read(json.dumps(bad_ct).encode(), fragment)
    assert exc.value.kind == "malformed" and "base64" in str(exc.value)
    doc["adata"][0][6] = "ccm"
    with pytest.raises(PrivateBinError) as exc:
        read(json.dumps(doc).encode(), fragment)
    assert exc.value.kind == "unsupported"


def test_base58_matches_the_reference_implementation() -> None:
    samples = [b"", b"\0", b"\0\0\x01", bytes(range(32)), b"\xff" * 32, bytes(32)]
    samples += [bytes((i * 37 + j * 11) % 256 for j in range(32)) for i in range(50)]
    for raw in samples:
        assert b58decode(base58.b58encode(raw).decode()) == raw
    with pytest.raises(ValueError):
        b58decode("0OIl")


def test_links_are_found_in_a_post_and_refused_when_not_links() -> None:
    _, key = encrypt("x")
    text = (
        f"full dump here http://pbinxxxx.onion/?{PASTE_ID}#{key} pass: x\n"
        f"same again <http://pbinxxxx.onion/?{PASTE_ID}#{key}>, once burnt: "
        f"https://other.onion/bin/?pasteid=0123456789abcdef#-{key}.\n"
        f"no key http://pbinxxxx.onion/?{PASTE_ID} and a bad one http://x.onion/?{PASTE_ID}#0OIl0OIl0OIl0OIl0OIl0"
    )
    links = find_links(text)
    assert [(lk.url, lk.burn_after_reading) for lk in links] == [
        (f"http://pbinxxxx.onion/?{PASTE_ID}", False),
        ("https://other.onion/bin/?0123456789abcdef", True),
    ]
    assert all(lk.key == base58.b58decode(key) for lk in links)
    assert parse_link(f"http://h/?{PASTE_ID}#abc") is None  # too short for a key
    assert parse_link(f"http://h/?xyz#{key}") is None


def v1_answer(text: str, *, password: str = "", attachment: Path | None = None) -> tuple[bytes, str]:
    """A format 1 paste (PrivateBin < 1.3) pbincli encrypted with SJCL (the `sjcl` package, GCM),
    answered as PrivateBin 1.x's JSON API did; and its link's fragment (base64)."""
    paste = Paste()
    paste.setVersion(1)
    paste.setText(text)
    if password:
        paste.setPassword(password)
    if attachment is not None:
        paste.setAttachment(str(attachment))
    paste.encrypt("plaintext", False, False, "1week")
    stored = {k: v.decode() if isinstance(v, bytes) else v for k, v in paste.getJSON().items()}
    answer = {
        "status": 0,
        "id": PASTE_ID,
        "url": f"/?{PASTE_ID}",
        "data": stored["data"],
        "meta": {"formatter": "plaintext", "postdate": 1764000000, "opendiscussion": False},
    }
    if attachment is not None:
        answer.update(attachment=stored["attachment"], attachmentname=stored["attachmentname"])
    return json.dumps(answer).replace("/", "\\/").encode(), paste.getHash()


def test_a_format_1_paste_is_read(tmp_path: Path) -> None:
    csv = tmp_path / "leak.csv"
    csv.write_bytes(b"email\njeanne.martin@exemple.fr\n")
    answer, fragment = v1_answer("ancien format é\n", attachment=csv)
    assert fragment.endswith("=")
    link = parse_link(f"http://old.onion/?{PASTE_ID}#{fragment}")
    assert link is not None and link.legacy and link.key == fragment.encode()
    paste = decrypt_paste(answer, link.key, max_bytes=CAP, max_plain_bytes=CAP)
    assert (paste.text, paste.attachment, paste.attachment_name) == ("ancien format é\n", csv.read_bytes(), "leak.csv")
    locked, fragment = v1_answer("verrouillé", password="leakforum2024")
    key = fragment.encode()
    with pytest.raises(PrivateBinError) as exc:
        decrypt_paste(locked, key, max_bytes=CAP, max_plain_bytes=CAP)
    assert exc.value.kind == "no_password"
    assert decrypt_paste(locked, key, ("x", "leakforum2024"), max_bytes=CAP, max_plain_bytes=CAP).text == "verrouillé"


def test_a_zerobin_page_with_sjcl_ccm_is_read() -> None:
    """ZeroBin embeds the paste in its page (`<div id="cipherdata">`), encrypted by SJCL's
    default mode, CCM with a 64-bit tag (here by the `sjcl` package)."""
    from sjcl import SJCL

    packer = Paste()
    packer.setVersion(1)
    packed = packer._Paste__compress(b"zerobin dump\njeanne.martin@exemple.fr\n")  # ZeroBin's compress()
    passphrase = base64.b64encode(bytes(range(32)))
    sealed = SJCL().encrypt(packed, passphrase)
    assert sealed["mode"] == "ccm" and sealed["ts"] == 64
    data = json.dumps({k: v.decode() if isinstance(v, bytes) else v for k, v in sealed.items()})
    page = (
        '<html><body><div id="cipherdata" style="display:none;">'
        + html.escape(json.dumps([{"data": data, "meta": {"postdate": 1764000000}}]))
        + "</div></body></html>"
    )
    paste = decrypt_paste(page.encode(), passphrase, max_bytes=CAP, max_plain_bytes=CAP)
    assert paste.text == "zerobin dump\njeanne.martin@exemple.fr\n"
    with pytest.raises(PrivateBinError) as exc:
        decrypt_paste(page.encode(), base64.b64encode(bytes(32)), max_bytes=CAP, max_plain_bytes=CAP)
    assert exc.value.kind == "no_password"
    found = find_links(f"old: http://zb.onion/?{PASTE_ID}#{passphrase.decode()} and more")
    assert [(lk.legacy, lk.key) for lk in found] == [(True, passphrase)]


def test_every_cut_and_flip_of_an_answer_is_read_or_refused_with_a_kind() -> None:
    """Mutants of a real answer (each cut, and a flipped byte every 7th position): read, or
    refused with `PrivateBinError`; never another exception (which would lose the item uncounted)."""
    answer, fragment = encrypt("x" * 40)
    key = key_of(fragment)
    mutants = [answer[:n] for n in range(0, len(answer), 3)]
    mutants += [
        answer[:i] + bytes([answer[i] ^ flip]) + answer[i + 1 :]
        for i in range(0, len(answer), 7)
        for flip in (0x01, 0x20)
    ]
    kinds: dict[str, int] = {}
    for mutant in mutants:
        try:
            decrypt_paste(mutant, key, max_bytes=CAP, max_plain_bytes=CAP)
            kinds["read"] = kinds.get("read", 0) + 1
        except PrivateBinError as exc:
            kinds[exc.kind] = kinds.get(exc.kind, 0) + 1
    assert kinds.get("malformed", 0) > 100 and kinds.get("no_password", 0) > 10, kinds


def _sealed(plain: bytes, key: bytes, compression: str = "none") -> bytes:
    """A format 2 answer around `plain`, sealed here (pbincli seals only its own well-formed
    message): what a hostile site could serve once the key is known, as PrivateBin's client would
    open it."""
    import hashlib
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    iv, salt = os.urandom(16), os.urandom(8)
    adata = [
        [base64.b64encode(iv).decode(), base64.b64encode(salt).decode(), 10, 256, 128, "aes", "gcm", compression],
        "plaintext",
        0,
        0,
    ]
    derived = hashlib.pbkdf2_hmac("sha256", key, salt, 10, 32)
    sealed = AESGCM(derived).encrypt(iv, plain, json.dumps(adata, separators=(",", ":")).encode())
    return json.dumps({"status": 0, "v": 2, "adata": adata, "ct": base64.b64encode(sealed).decode()}).encode()


@pytest.mark.parametrize(
    ("plain", "compression", "kind"),
    [
        (b"not deflate at all", "zlib", "malformed"),
        (b"not json", "none", "malformed"),
        (b"[" * 50_000, "none", "malformed"),
        (b'{"paste": 12}', "none", "malformed"),
        (b'{"paste": "x", "attachment": 5}', "none", "malformed"),
        (b'{"paste": "x", "attachment": "http://elsewhere/x.zip"}', "none", "malformed"),
        (b'{"paste": "x", "attachment": "data:text/plain;base64,%%%%"}', "none", "malformed"),
        (b'{"paste": "x", "attachment": "data:text/plain;base64,' + b"A" * 2_000_000 + b'"}', "none", "too_big"),
        (b'{"paste": "' + b"a" * (CAP + 1) + b'"}', "none", "too_big"),
    ],
)
def test_hostile_plaintexts_are_refused_with_their_kind(plain: bytes, compression: str, kind: str) -> None:
    key = bytes(range(32))
    with pytest.raises(PrivateBinError) as exc:
        decrypt_paste(_sealed(plain, key, compression), key, max_bytes=CAP, max_plain_bytes=CAP)
    assert exc.value.kind == kind, exc.value


def test_a_sealed_attachment_list_reads_its_first() -> None:
    key = bytes(range(32))
    plain = json.dumps(
        {
            "paste": "x",
            "attachment": ["data:text/csv;base64,YSxiCg==", "data:,"],
            "attachment_name": ["../../etc/a.csv", "b"],
        }
    ).encode()
    paste = decrypt_paste(_sealed(plain, key), key, max_bytes=CAP, max_plain_bytes=CAP)
    assert (paste.attachment, paste.attachment_name) == (b"a,b\n", "a.csv")
