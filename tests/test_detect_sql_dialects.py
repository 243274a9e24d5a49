"""SQL Server and PostgreSQL INSERT dumps (wave 23, blind probe set 3's misses).

- SQL Server's Unicode literal `N'...'` is a quoted value: its text, from after its quote (read as
  a bare value, `N'a.dupont@free.fr'` was the false address `n'a.dupont@free.fr` and the real
  one was lost);
- `INSERT [dbo].[Patients] (...) VALUES` (no `INTO`, as SSMS scripts it) and names in brackets,
  double quotes or backticks cut by dots (`"public"."clients"`, `[Dossiers patients]`) head an
  INSERT: they gave nothing.

Every case runs on the Python reference and on the compiled core (when built): same fragments.
Synthetic data only.
"""

from __future__ import annotations

from typing import Any

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, native_engine

KEY = MatchKey(b"\x5a" * 32, version=2)

ENGINES = ["python", "native"]
STRICT = ("email", "phone", "nir")


@pytest.fixture(params=ENGINES)
def eng(request: pytest.FixtureRequest) -> Any:
    if request.param == "native":
        native_engine()  # skipped (or failed under VIGIE_REQUIRE_NATIVE=1) when not built
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine()  # back to VIGIE_ENGINE


def _ids(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers}


POSITIVES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "nvarchar_into_multirow": (
        "INSERT INTO clients (prenom, courriel, nom) VALUES (N'Léa', N'lea.roux@laposte.net', N'Roux'), "
        "(N'Hugo', N'hugo.blanc@sfr.fr', N'Blanc');\n",
        {("email", "lea.roux@laposte.net"), ("email", "hugo.blanc@sfr.fr")},
    ),
    "nvarchar_lower_n_and_nulls": (
        "insert into abonnes (id, mail, tel) values (7, n'zoe.perrin@orange.fr', NULL), "
        "(8, NULL, n'06 45 12 78 90');\n",
        {("email", "zoe.perrin@orange.fr"), ("phone", "+33645127890")},
    ),
    "nvarchar_doubled_quote_inside": (
        "INSERT INTO contacts (nom, email) VALUES (N'O''Neil', N'k.o''neil@free.fr'), "
        "(N'D''Arc', N'j.darc@free.fr');\n",
        {("email", "k.o'neil@free.fr"), ("email", "j.darc@free.fr")},
    ),
    "tsql_brackets_no_into_go": (
        "USE [Cabinet]\nGO\n"
        "INSERT [dbo].[Patients] ([Telephone], [Nom], [Email]) VALUES "
        "(N'0678451209', N'Garnier', N'm.garnier@neuf.fr')\n"
        "INSERT [dbo].[Patients] ([Telephone], [Nom], [Email]) VALUES (N'0745983456', N'Lucas', N'p.lucas@yahoo.fr')\n"
        "GO\n",
        {
            ("phone", "+33678451209"),
            ("phone", "+33745983456"),
            ("email", "m.garnier@neuf.fr"),
            ("email", "p.lucas@yahoo.fr"),
        },
    ),
    "tsql_bracketed_name_with_spaces": (
        "INSERT INTO [dbo].[Dossiers patients] ([Adresse mail], [Numero de telephone]) VALUES\n"
        "(N'aline.morel@wanadoo.fr', N'+33 6 21 43 65 87'),\n(N'remi.faure@hotmail.fr', N'06 98 76 54 32');\n",
        {
            ("email", "aline.morel@wanadoo.fr"),
            ("phone", "+33621436587"),
            ("email", "remi.faure@hotmail.fr"),
            ("phone", "+33698765432"),
        },
    ),
    "postgres_quoted_schema": (
        'INSERT INTO "public"."membres" ("id", "email", "mobile") VALUES (1, \'theo.girard@free.fr\', '
        "'0611223344'), (2, 'ines.bonnet@orange.fr', NULL);\n",
        {("email", "theo.girard@free.fr"), ("phone", "+33611223344"), ("email", "ines.bonnet@orange.fr")},
    ),
    "mysql_backticked_schema": (
        "INSERT INTO `crm`.`leads` (`email`, `nom`) VALUES ('sacha.petit@gmx.fr', 'Petit');\n",
        {("email", "sacha.petit@gmx.fr")},
    ),
}

NEGATIVES: dict[str, str] = {
    "prose_about_nliterals": (
        "En T-SQL, préfixez les chaînes Unicode par N : N'bonjour' ou N'exemple@domaine'. Sans le N,\n"
        "les caractères hors page de code sont perdus. Voir INSERT [dbo].[T] dans la doc.\n"
    ),
    "tsql_code_without_personal_data": (
        "INSERT [dbo].[Parametres] ([Cle], [Valeur]) VALUES (N'theme', N'sombre'), (N'langue', N'fr-FR')\n"
        "GO\nINSERT INTO [ref].[Pays] ([Code], [Libelle]) VALUES (N'FR', N'France'), (N'BE', N'Belgique')\nGO\n"
    ),
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_dialect_positive(eng: str, name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in _ids(text) if x[0] in STRICT}  # (names come too: not what is tested here)
    assert got == want, (eng, sorted(got))


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_dialect_negative(eng: str, name: str) -> None:
    got = {x for x in _ids(NEGATIVES[name]) if x[0] in STRICT}
    assert got == set(), (eng, sorted(got))


def test_nliteral_is_never_the_address_with_its_n(eng: str) -> None:
    """The literal's `N` never joins the address, whatever blanks come before it."""
    for sep in ("", " ", "  ", "\t"):
        text = f"INSERT INTO t (id, email) VALUES (1,{sep}N'a.dupont@free.fr');\n"
        assert _ids(text) == {("email", "a.dupont@free.fr")}, repr(text)


@pytest.mark.parametrize("name", sorted(POSITIVES) + sorted(NEGATIVES))
def test_engines_agree(name: str) -> None:
    native_engine()
    text = POSITIVES[name][0] if name in POSITIVES else NEGATIVES[name]
    for t in (text, text.replace("\n", "\r\n")):
        engine.set_engine("python")
        ref = detect(t, key=KEY)
        engine.set_engine("native")
        got = detect(t, key=KEY)
        engine.set_engine()  # back to VIGIE_ENGINE
        assert_same_fragments(ref, got, name)
