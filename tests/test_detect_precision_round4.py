"""Precision round 4: identifiers blind probe set 4 (wave 24) read where there were none, or
read wrong, each written again with other people, layouts and spellings so that a fix holds for
its class and not for the probe's one example:

- national numbers of a dump from another country (Morocco, Algeria, Belgium, Tunisia) read as
  French `+33` numbers when the digits fit: the fragment's e-mail domains (`@menara.ma`,
  `@skynet.be`) say the country when the header does not;
- addresses that are no one's: a seller's masked preview (`j****@hotmail.fr`), a
  redacted template's placeholder (`xxxx@xxxx.fr`), a URL's user information
  (`android://<hash>@com.whatsapp/`, `ftp://backup@files.acme-conseil.fr/`);
- an SQL literal's doubled quote (`'d''artagnan@free.fr'`) kept in the address.

Negatives hold what must not change: a French dump with one foreign address keeps its `+33`
numbers; a French dump with a few Belgian addresses too (France wins the vote for numbers no
Belgian plan has); real addresses beside the no-one's ones are found.

Each case failed on the previous commit on both engines (checked by running this file with
`drop_no_ones` and `Sink._hint_from_mail` taken out); both engines give the same fragments
(`test_engines_agree`). Values are synthetic: made-up people, numbers libphonenumber calls valid."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x5a" * 32, version=1)


def _found(text: str, typ: str) -> set[str]:
    return {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == typ}


# name -> (text, type, values expected exactly)
CASES: dict[str, tuple[str, str, set[str]]] = {
    "morocco_mobiles_and_landlines_comma_csv": (
        "name,email,mobile,city\n"
        "Yassine Alaoui,y.alaoui@menara.ma,0611223344,Fès\n"
        "Salma Bennani,salma.bennani@gmail.com,0678901234,Tanger\n"
        "Omar Chraibi,o.chraibi@iam.ma,0522123456,Casablanca\n"
        "Nadia Tazi,nadia.tazi@menara.ma,0700112233,Agadir\n",
        "phone",
        {"+212611223344", "+212678901234", "+212522123456", "+212700112233"},
    ),
    "algeria_json_lines_spaced_numbers": (
        '{"nom": "Kaci", "prenom": "Amel", "email": "amel.kaci@djaweb.dz", "tel": "0551 23 45 67"}\n'
        '{"nom": "Saadi", "prenom": "Rachid", "email": "r.saadi@yahoo.fr", "tel": "0661 23 45 67"}\n'
        '{"nom": "Haddad", "prenom": "Lina", "email": "lina.haddad@djaweb.dz", "tel": "0770 12 34 56"}\n'
        '{"nom": "Mebarki", "prenom": "Sofiane", "email": "s.mebarki@caramail.dz", "tel": "0551 98 76 54"}\n',
        "phone",
        {"+213551234567", "+213661234567", "+213770123456", "+213551987654"},
    ),
    "belgium_tab_separated_tel": (
        "nom\tprenom\temail\ttel\n"
        "Peeters\tLucas\tlucas.peeters@telenet.be\t0470 12 34 56\n"
        "Janssens\tEmma\temma.janssens@skynet.be\t0485/23.45.67\n"
        "Maes\tNoah\tnoah.maes@proximus.be\t0499 87 65 43\n",
        "phone",
        {"+32470123456", "+32485234567", "+32499876543"},
    ),
    "tunisia_eight_digits_semicolon": (
        "nom;email;telephone\n"
        "Trabelsi Mehdi;mehdi.trabelsi@topnet.tn;22 123 456\n"
        "Ben Salah Ines;ines.bensalah@planet.tn;98 765 432\n"
        "Gharbi Anis;anis.gharbi@topnet.tn;71 234 567\n",
        "phone",
        {"+21622123456", "+21698765432", "+21671234567"},
    ),
    # negatives of the phone class: France stays France
    "french_dump_one_moroccan_address": (
        "nom;email;telephone\n"
        "Morel Jean;jean.morel@orange.fr;0611223344\n"
        "Dupuis Léa;lea.dupuis@menara.ma;0678901234\n"
        "Faure Inès;ines.faure@gmail.com;0770123456\n",
        "phone",
        {"+33611223344", "+33678901234", "+33770123456"},
    ),
    "french_numbers_beside_belgian_addresses": (
        "nom;email;telephone\n"
        "Morel Jean;jean.morel@skynet.be;06 11 22 33 44\n"
        "Dupuis Léa;lea.dupuis@telenet.be;06 78 90 12 34\n"
        "Faure Inès;ines.faure@gmail.com;07 70 12 34 56\n",
        "phone",
        {"+33611223344", "+33678901234", "+33770123456"},
    ),
    "french_dump_swiss_addresses_a_minority": (
        "nom;email;telephone\n"
        "Morel Jean;jean.morel@bluewin.ch;06 11 22 33 44\n"
        "Dupuis Léa;lea.dupuis@bluewin.ch;06 12 34 56 78\n"
        "Faure Inès;ines.faure@gmail.com;07 70 12 34 56\n"
        "Roy Paul;paul.roy@hotmail.com;07 81 23 45 67\n"
        "Petit Marc;marc.petit@gmail.com;06 21 23 45 67\n",
        "phone",
        {"+33611223344", "+33612345678", "+33770123456", "+33781234567", "+33621234567"},
    ),
    # addresses that are no one's
    "masked_preview_of_a_sale": (
        "Aperçu de la base (2 000 lignes) :\n"
        "j****@hotmail.fr | 06 11 22 33 44 | Lyon\n"
        "ma**@orange.fr | 06 78 90 12 34 | Lille\n"
        "s.b***@gmail.com | 07 70 12 34 56 | Nantes\n"
        "pierre.roy@sfr.fr | 06 12 34 56 78 | Metz\n",
        "email",
        {"pierre.roy@sfr.fr"},
    ),
    "placeholder_addresses_of_a_template": (
        "Nom;Email;Téléphone\n"
        "XXXX;XXXX@XXXX.COM;0611223344\n"
        "Petit;Xxxxx@Xxxxxx.fr;0645678912\n"
        "Durand;xxx@gmail.com;0678901234\n"
        "Roy;pierre.roy@sfr.fr;0612345678\n",
        "email",
        {"pierre.roy@sfr.fr"},
    ),
    "url_userinfo_in_ulp_lines": (
        "android://AbC9xYz0Qw@com.whatsapp/:camille.mercier@orange.fr:Camille1979!\n"
        "ftp://backup@files.acme-conseil.fr/:louis.martin@free.fr:Louis2001$\n"
        "android://Kp3Lm8Nq2Rs@fr.ameli.android/:sarah.lemaire@yahoo.com:Sarah1973?\n"
        "https://www.laposte.fr/:mathis.faure@laposte.net:Mathis1958!\n",
        "email",
        {"camille.mercier@orange.fr", "louis.martin@free.fr", "sarah.lemaire@yahoo.com", "mathis.faure@laposte.net"},
    ),
    "sql_doubled_quotes_in_addresses": (
        "INSERT INTO clients (id, nom, email, tel) VALUES\n"
        "(1, 'D''Artagnan', 'charles.d''artagnan@free.fr', '0611223344'),\n"
        "(2, 'O''Neill', 'k.o''neill@orange.fr', '0678901234'),\n"
        "(3, 'Roy', 'pierre.roy@sfr.fr', '0612345678');\n",
        "email",
        {"charles.d'artagnan@free.fr", "k.o'neill@orange.fr", "pierre.roy@sfr.fr"},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    text, typ, want = CASES[name]
    assert _found(text, typ) == want


def test_real_addresses_near_the_shapes_stay() -> None:
    """What the filter looks for sits in the text, but these addresses are someone's: an
    `exemple.fr`, a URL before a space, an empty SQL literal and a `***` cell, `xxx` in a word."""
    text = (
        "INSERT INTO t (id, email, note, tel) VALUES\n"
        "(1, 'jean.morel@exemple.fr', '', '0611223344'),\n"
        "(2, 'lea.test@orange.fr', 'voir https://www.example.com/ ok', '0678901234'),\n"
        "(3, 'x.roy@latest.fr', '***', '0612345678'),\n"
        "(4, 'maxxx.dupont@orange.fr', 'ok', '0645678912');\n"
    )
    want = {"jean.morel@exemple.fr", "lea.test@orange.fr", "x.roy@latest.fr", "maxxx.dupont@orange.fr"}
    assert _found(text, "email") == want


def test_engines_agree() -> None:
    """Both engines give the same fragments (every field, the excerpt too), text and bytes."""
    require_native()
    try:
        for name, (text, _, _) in CASES.items():
            for data in (text, text.encode()):
                ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                assert_same_fragments(ref, got, f"{name} {type(data).__name__}")
    finally:
        engine.set_engine(None)
