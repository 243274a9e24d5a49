"""A Telegram dox labels its lines with emojis (`📞 06 12 34 56 78`, `🏠 12 rue ...`) instead
of words: nothing was found in it (a blind probe of leak samples, a held-out set written apart
from the code). Exact identifier sets, on the engine VIGIE_ENGINE names. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5d" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


DOXES = {
    "emoji_only": (
        "👤 Sophie Rousseau\n🎂 19/07/1978\n📞 06 33 22 11 00\n📧 sophie.r@exemple.fr\n"
        "🏠 19 rue Paradis 13006 Marseille\n🆔 NIR: 278071300104532\n"),
    "emoji_and_colons": (
        "👤: Sophie Rousseau\n🎂: 19/07/1978\n📱: 06 33 22 11 00\n✉️: sophie.r@exemple.fr\n"
        "🏡: 19 rue Paradis 13006 Marseille\n🆔 NIR: 278071300104532\n"),
    "emoji_then_word_labels": (
        "👤 Nom : Sophie Rousseau\n🎂 Née le : 19/07/1978\n📞 Tel : 06 33 22 11 00\n📧 Mail : sophie.r@exemple.fr\n"
        "🏠 Adresse : 19 rue Paradis 13006 Marseille\n🆔 NIR: 278071300104532\n"),
}


@pytest.mark.parametrize("name", DOXES)
def test_emoji_labelled_doxes(name: str) -> None:
    text = "🔎 DOX 🔎\n\n" + DOXES[name] + "\nsource: t.me/xxxx\n"
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["dox"]
    assert _found(frags) == {("name", "rousseau sophie"), ("dob", "1978-07-19"), ("phone", "+33633221100"),
                             ("email", "sophie.r@exemple.fr"), ("address", "19 rue paradis 13006 marseille"),
                             ("nir", "278071300104532")}


def test_an_emoji_post_without_identifiers_is_nothing() -> None:
    text = ("🔥 NEW DB 🔥\n📦 Taille : 12 Go\n📅 Date : 2024-03-15\n📍 France\n💰 Prix : 0.5 BTC\n"
            "📞 Contact : @vendeur_fr\n")
    assert detect(text, key=KEY) == []
