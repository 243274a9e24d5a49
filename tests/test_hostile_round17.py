"""Hostile-input round 17 (wave 30): what a paste site's answer says of itself, and lies.

Through ONE real crawl of the kit's paste site (`vigie crawl` in a subprocess against 127.0.0.1,
module-scoped: every crawl test of this file reads the same run, each raw paste answering one
hostile way), then unit tests where a crawl adds nothing.

- a raw paste served as `text/plain` with no charset, in windows-1252 (a French, German or Spanish
  dump saved on Windows), was read by Scrapy's guess (charset-normalizer ties windows-1250 with
  windows-1252 and took the first): `Lefèvre` became `Lefčvre`, `à` `ŕ`, names and addresses
  mangled before detection. An undeclared page or paste that is not UTF-8 is read in the encoding
  `vigie scan` guesses for the same bytes (`indexer.decode.guessed_encoding`: windows-1252 for
  Western text, else charset-normalizer: Cyrillic in windows-1251 stays so), counted (`refused:
  pages_charset_guessed`) and logged. Declared pages and UTF-8 ones are not guesses: not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler._charset import guessed_page_encoding
from tests.fixtures.forum import CrawlRun, crawl, make_config
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

Raw = Callable[[BaseHTTPRequestHandler], None]


def answer(body: bytes, content_type: str | None, *extra: str) -> Raw:
    """A raw paste answered with `body` under `content_type` (None: no Content-Type) and `extra` headers."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        head = "HTTP/1.1 200 OK\r\n" + (f"Content-Type: {content_type}\r\n" if content_type else "")
        head += "".join(f"{h}\r\n" for h in extra)
        handler.wfile.write(f"{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1") + body)
        handler.wfile.flush()
    return write


# Western dumps in windows-1252, none declaring it: (text, the words that must come out whole)
WESTERN = {
    "fr": ("nom;prénom;adresse;email\n"
           "Lefèvre;Hélène;12 rue de la Gare, 75011 Paris;helene.lefevre@exemple.fr\n"
           "Garçon;Jérôme;3 allée des Châtaigniers, Besançon;jerome.garcon@exemple.fr\n"
           "Bérenger;Noël;7 place Saint-Étienne, Orléans;noel.berenger@exemple.fr\n",
           ["Lefèvre", "Hélène", "allée des Châtaigniers", "Orléans", "Noël"]),
    "de": ("Name\tStraße\tOrt\tE-Mail\n"
           "Jürgen Größ\tHauptstraße 5\tMünchen\tjuergen.gross@beispiel.de\n"
           "Änne Weiß\tBahnhofstraße 7\tKöln\taenne.weiss@beispiel.de\n",
           ["Jürgen Größ", "Bahnhofstraße", "Köln", "Änne Weiß"]),
    "pt": ("nome|morada|email\n"
           "João Conceição|Rua São Gonçalo 4, Viseu|joao.conceicao@exemplo.pt\n"
           "Inês Magalhães|Avenida da Liberdade 80, Lisboa|ines.magalhaes@exemplo.pt\n",
           ["João Conceição", "São Gonçalo", "Inês Magalhães"]),
    "it": ("Niccolò Lucà - via della Città 3, Forlì - niccolo.luca@esempio.it\n"
           "Mattia Però - piazza Santa Croce 1, Cantù - mattia.pero@esempio.it\n",
           ["Niccolò Lucà", "Città", "Forlì", "Però", "Cantù"]),
    "es": ("nombre,dirección,correo\n"
           "José Núñez,Calle de la Peña 3 Logroño,jose.nunez@ejemplo.es\n"
           "María Ibáñez,Avenida Andalucía 9 Cádiz,maria.ibanez@ejemplo.es\n",
           ["José Núñez", "Peña", "Logroño", "María Ibáñez", "Cádiz"]),
    "fr_prose": ("Voilà la base complète, très à jour : Noël Bérénice, née le 12/03/1987 à Orléans, "
                 "joignable au 06 12 34 56 78, être discret « svp » — merci à tous.\n",
                 ["Voilà", "très à jour", "Bérénice", "être discret « svp » — merci à tous"]),
}
RUSSIAN = "Иванов Иван Иванович; Москва, ул. Ленина 5; ivanov@primer.ru\nПетрова Анна; Казань; petrova@primer.ru\n"
POLISH = "Zażółć gęślą jaźń; Łódź, ul. Świętokrzyska 5; Wrocław; jan.kowalski@przyklad.pl\n"
UTF8 = "nom;prénom\nDurand;Sébastien;sebastien.durand@exemple.fr\n"


@dataclass
class Run:
    run: CrawlRun
    ids: dict[str, str]  # case: paste id

    def body(self, case: str) -> str:
        got = [i["body"] for i in self.run.items if i.get("post_id") == self.ids[case]]
        assert len(got) == 1, (case, got, self.run.stderr[-3000:])
        return str(got[0])


@pytest.fixture(scope="module")
def pastes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("round17")
    with ForumServer("phpbb", size="small", hostile=False) as server:
        routes: dict[str, Raw] = {
            **{f"w_{k}": answer(text.encode("cp1252"), "text/plain") for k, (text, _) in WESTERN.items()},
            "w_fr_no_type": answer(WESTERN["fr"][0].encode("cp1252"), None),  # no Content-Type at all
            "ru": answer(RUSSIAN.encode("cp1251"), "text/plain"),
            "pl_declared": answer(POLISH.encode("cp1250"), "text/plain; charset=windows-1250"),
            "utf8": answer(UTF8.encode(), "text/plain"),
        }
        ids = {}
        for case, route in routes.items():
            paste = server.add_paste("placeholder", title=f"paste {case}")
            server.raw_routes[f"/raw/{paste.id}"] = route
            ids[case] = paste.id
        config = make_config(tmp / "config", server.url, kind="paste", limits={"retries": 0})
        run = crawl(config, tmp / "data", "test-paste", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    yield Run(run, ids)


@pytest.mark.parametrize("case", sorted(WESTERN))
def test_an_undeclared_western_paste_is_read_as_windows_1252(pastes: Run, case: str) -> None:
    body = pastes.body(f"w_{case}")
    for words in WESTERN[case][1]:
        assert words in body, (case, body)


def test_an_undeclared_paste_without_a_content_type_is_read_alike(pastes: Run) -> None:
    body = pastes.body("w_fr_no_type")
    assert all(w in body for w in WESTERN["fr"][1]), body


def test_cyrillic_and_declared_pastes_are_read_as_they_are(pastes: Run) -> None:
    assert "Иванов Иван Иванович" in pastes.body("ru") and "Казань" in pastes.body("ru")
    assert "Zażółć gęślą jaźń; Łódź" in pastes.body("pl_declared")  # declared: read so, no guess
    assert "Sébastien" in pastes.body("utf8")


def test_each_guess_is_counted_and_logged(pastes: Run) -> None:
    # the Western five and the Russian one; not the declared one nor the UTF-8 one (nor the pages
    # of the listing, UTF-8)
    assert pastes.run.summary["refused"]["pages_charset_guessed"] == len(WESTERN) + 2, pastes.run.summary
    said = pastes.run.stderr
    assert said.count("declares no charset and is not UTF-8: read as cp1252") == len(WESTERN) + 1, said[-3000:]
    assert said.count("declares no charset and is not UTF-8: read as cp1251") == 1, said[-3000:]


@pytest.mark.parametrize(("text", "codec", "expected"), [
    (WESTERN["fr"][0], "cp1252", "cp1252"),
    ("Maître Œdipe, cœur, sœur: 2,50 € — « ça »\n", "cp1252", "cp1252"),
    (RUSSIAN, "cp1251", "cp1251"),
    (UTF8, "utf-8", None),  # UTF-8: no guess
    ("plain ascii only\n", "ascii", None),
], ids=["fr", "ligatures", "ru", "utf8", "ascii"])
def test_what_an_undeclared_body_is_guessed_as(text: str, codec: str, expected: str | None) -> None:
    assert guessed_page_encoding("text/plain", text.encode(codec)) == expected
    # declared in the Content-Type, or in a <meta>, or by a BOM: no guess
    assert guessed_page_encoding("text/plain; charset=iso-8859-1", text.encode(codec)) is None
    assert guessed_page_encoding("text/html", b'<meta charset="windows-1250">' + text.encode(codec)) is None
    assert guessed_page_encoding("text/plain", b"\xef\xbb\xbf" + text.encode("utf-8")) is None
