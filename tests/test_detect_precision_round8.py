"""Precision round 8: a project's records and lists of people are no dumps (`nobody.changelog`, `nobody.holders`).

tests/corpus/real_text_sweep.py read this machine's real third-party text (285 MB: /usr/share/doc, man
pages, French catalogues, package metadata): 2,141 fragments, 7.5 a MB, and 96% of them were a
copyright file's holders (`2005, Name <a@x>`, `Copyright © 1994 Name <a@x>`), a README's maintainers, a
ChangeLog's co-authors or entries whose heads the project-record rule did not know (`Name  (a@x)`,
`Thanks to Name <a@x>. (Closes: #756596)`, `Author:`/`Date:` without `commit`), flagged
`health: disabled`, `sexual_orientation: FSF`, `religion: Faith` (a surname) along the way.

Their addresses are still found (a real person's address in a changelog is an address), but the
fragment is kind `project`, low severity (no alert under the default `min_severity`), no birth and no
article 9 flag. The texts here are small synthetic rewrites of those shapes (no third-party text, no
real address), each class in several variants; and the same shapes that ARE dumps stay dumps: a list of
names and addresses under no project head (an address book, a members' list), a holders-looking list
with phones, a dox with one credit line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment, Severity
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x38" * 32, version=2)



def _frags(text: str) -> list[Fragment]:
    frags = detect(text, key=KEY)
    many = detect_many([text.encode()], key=KEY)[0]
    assert [(f.kind, f.start_line, f.end_line, sorted((i.type, i.value) for i in f.identifiers)) for f in frags] == [
        (f.kind, f.start_line, f.end_line, sorted((i.type, i.value) for i in f.identifiers)) for f in many]
    return frags


# ---------------------------------------------------------------- a project's people and records

PROJECT = {
    # a Debian copyright file's holders, years first (DEP-5 continuation lines)
    "dep5_years_commas": "Files: debian/*\nCopyright: 2016-2018, Amaury Lecomte <amaury@exemple-kde.org>\n"
    "  2014-2018, Berthe Vasseur <berthe@exemple-net.fr>\n  2014, Cyrille Poulain <cyrille@exemple.dk>\n"
    "  2010, Axelle Blanchet <axelle@blanchet-exemple.co.uk>\n  2016, Basile Comte <basile@exemple-deb.org>\n"
    "  2009-2012, Exemple Labs AB\nLicense: GPL-2+\n",
    "years_spaces": "Copyright:\n           1995 Denis Roux  <droux@exemple-univ.de>\n"
    "           1996-1999 Eloi Marchal <eloi@exemple-deb.org>\n           2000-2004 Fanny Girard <fg@exemple-deb.org>\n"
    "           2005-2009 Gael Perrin <gael@perrin-exemple.de>\n",
    "copyright_signs": "Copyright © 2003 Hector Lemaire <hector@exemple-deb.org>\n"
    "Copyright © 1999-2002 Ines Carpentier <ines@exemple-deb.org>\n"
    "Copyright © 2006-2016 Jules Fabre <jf@exemple-deb.org>\n",
    "c_marks_and_nick": "           (C) 2006-2011 Karim Benali <karim@exemple-it.it>\n"
    "           (C) 2011-2013 Laure Masson (lm) <laure@exemple-deb.org>\n"
    "           (C) 2013 Marc Noel <marc+deb@noel-exemple.com>\n",
    "roff_comments": '.\\" Copyright (C) 2008, Nadia Ollier <nadia@exemple-horizon.com>,\n'
    '.\\" and Copyright (C) 2008, Olivier Petit <op@exemple-selenic.com>\n'
    '.\\" and Copyright (C) 2016, Pascale Quentin <pascale.quentin@exemple-supelec.fr>\n.TH RANDOM 7\n',
    "roff_modified_by": '.\\" Modified Sun Jul 25 11:05:58 1993 by Remi Sauvage (remi@exemple-unc.edu)\n'
    '.\\" Modified Sat Feb 10 16:18:03 1996 by Sylvie Thomas (sylvie@exemple-escape.de)\n'
    '.\\" Modified Mon Jun 16 20:02:00 1997 by Tanguy Vidal <tanguy@exemple-deb.org>\n'
    '.\\" Modified Mon Feb  6 16:41:00 1999 by Tanguy Vidal <tanguy@exemple-deb.org>\n'
    '.\\" Modified Tue Feb  8 16:46:45 2000 by Ulrich Weiss <ulrich@exemple-uni.de>\n.TH HIER 7\n',
    "source_header_hash": "#!/bin/sh\n# Copyright 2019 Ugo Weber <ugo@exemple-dev.io>\n"
    "# Copyright 2020-2021 Valerie Xavier <vx@exemple-dev.io>\n# Copyright 2022 Yann Zeller <yz@exemple-dev.io>\n",
    # lists under a head that says whose names they are
    "maintainers_roles": "Maintainers of these packages\n-----------------------------\n\n"
    "Albert Blanc <albert@exemple-deb.org>\nBruno Caron <bruno@caron-exemple.org>     (gnat)\n"
    "Chloe Dumas <chloe@exemple-ubuntu.com>                (gdc)\n"
    "David Ernst <dernst@exemple-deb.org>   (mips*-linux)\n",
    "upstream_authors_obfuscated": "The main portion is copyright:\n Upstream Authors:\n  the Exemple developers\n"
    "  Emile Faure <emile (at) faure-exemple (dot) de>\n  Flora Gauthier <flora@exemple-bur.st>\n"
    "  Gaston Hamel <gaston.hamel@gmail.com>\n",
    "translators_blocks": "Files: debian/po/*\nCopyright:           Henri Icard <henri.icard@gmail.com>\n"
    "                     Irene Jacob <irene@exemple-linux.ba>\n" + "".join(
        f"                     {a} {b} <{a.lower()}.{b.lower()}@gmail.com>\n"
        for a, b in [("Jerome", "Klein"), ("Karine", "Lucas"), ("Leon", "Morel"), ("Maud", "Nicolas")])
    + "                     Nathan Ortiz (nathan@exemple-fisika.ui.ac.id\n" + "".join(
        f"                     {a} {b} <{a.lower()}@{b.lower()}-exemple.org>\n"
        for a, b in [("Odile", "Pons"), ("Pierre", "Roy"), ("Quentin", "Sorel"), ("Rose", "Texier")])
    + "License: GPL-2+\n",
    "sections_under_copyright_field": "Files: *\nCopyright:\n © 2002-2014:\n .\n  Full Color Icons\n"
    "  ================\n .\n  Samuel Urbain <samuel.urbain@gmail.com>\n  Tess Vial <tess@exemple.it>\n"
    "  Ugo Wolff <ugo@wolff-exemple.info>\n .\n"
    "  Symbolic Icons\n  ==============\n .\n  Metaphors\n  ---------\n"
    "  Victor Yung <victor.yung@exemple-intel.com>\n  Wanda Zobel <wanda.zobel@exemple-intel.com>\n"
    "  Xavier Adam <xavier.adam@exemple-intel.com>\n",
    "authors_fr": "Auteurs du dictionnaire :\n\n        3.0-4.0   Yves Bailly <ybailly@gmail.com>\n"
    "        2.0       Zoe Collin <zoe.collin@exemple-alcandre.net>\n"
    "        1.0       Anais Delorme <anais@delorme-exemple.ch>\n",
    "changelog_coauthors": "2021-01-07  Bastien Egal  <bastien@exemple-five.com>\n"
    "\t    Celine Fort  <celine@exemple-five.com>\n\t    Damien Gros  <damien@exemple-five.com>\n"
    "\t    Elsa Henry  <elsa.henry@exemple-cosm.com>\n\n\t* elfxx-riscv.c (riscv_std_ext): Added zihintpause.\n",
    # change records whose heads the rule did not know
    "debian_items_thanks": "libexemple (0.7.0-2) unstable; urgency=high\n\n" + "".join(
        f"  * Fix {what}. (Closes: #75659{i})\n    {who} {a} {b} <{a.lower()}.{b.lower()}@{dom}>.\n"
        for i, (what, who, a, b, dom) in enumerate([
            ("typo in package descriptions", "Thanks to", "Fabien", "Guerin", "exemple-centrum.sk"),
            ("the build on hurd", "Reported by", "Gisele", "Huet", "gmail.com"),
            ("a crash in the parser", "Patch from", "Hubert", "Imbert", "exemple-lib.org"),
            ("the manual page", "Thanks to", "Ida", "Jourdan", "free.fr")]))
    + "  * Move dh_install before any other command in the binary-arch\n    target in debian/rules.\n"
    "\n -- Jade Kessler <jade@exemple-deb.org>  Fri, 29 Aug 2014 14:42:03 +0200\n",
    "debian_uploader_groups": "  [ Hugo Ibert ]\n" + "".join(
        f"  * {what}. Closes: #10090{i}\n    {who} {a} {b} <{a.lower()}@{b.lower()}-exemple.de>.\n"
        for i, (what, who, a, b) in enumerate([
            ("dpkg-exemple: Add support for --force-not-root", "Based on a patch by", "Isabelle", "Joly"),
            ("Exemple::Archive: Prevent directory traversal", "Reported by", "Jacques", "Kahn"),
            ("man: Keep the disabled option out of the help", "Prompted by", "Karl", "Lenoir"),
            ("man: Document what ${} is good for", "Prompted by", "Lina", "Mercier")]))
    + "\n  [ Marius Noble ]\n  * Build the doc in the binary-indep\n    target in debian/rules.\n",
    "debian_item_authors": "".join(
        f"  * {a} {b} <{a.lower()}@{b.lower()}-exemple.de>:\n    {what}  Closes: #16961{i}\n"
        for i, (a, b, what) in enumerate([
            ("Lucie", "Marty", "Remove disabled --command-fd from help."),
            ("Mathis", "Nadal", "Apply patch to update-alternatives."),
            ("Noemie", "Olivier", "Add --all to update-alternatives."),
            ("Octave", "Prieur", "Alter the --config prompt.")]))
    + "  * Call dh_installman in the binary-arch\n    target in debian/rules.\n",
    "gnu_paren_heads": "".join(
        f"{day}  {a} {b}  ({a.lower()}@exemple-cygnus.com)\n\n\t* {what}\n\n"
        for day, a, b, what in [
            ("Wed Sep  7 13:15:25 1994", "Oscar", "Paris", "config.guess (sun4*:SunOS:*:*): Change '-JL' to '_JL'."),
            ("Tue Sep  6 23:23:18 1994", "Paula", "Quere", "config.sub:  Merge cleanup from FSF."),
            ("Mon Sep  5 05:01:30 1994", "Quentin", "Rolland", "configure.in (arm-*-*): Don't configure ld."),
            ("Thu Sep  1 09:35:00 1994", "Rachel", "Sorin", "Makefile.in: handle the BISON of FSF releases.")])
    + "\t* configure: when using config.guess, only set the\n\ttarget alias when it is not set.\n",
    "git_log_author_date": "Author: Romain Simon <romain@exemple-tls.org>\nDate:   Tue Nov 29 16:00:30 2016 +0100\n\n"
    "    tests: check that MD5 is disabled\n\n"
    "Author: Sarah Tessier <sarah@exemple-tls.org>\nDate:   Tue Nov 29 15:51:18 2016 +0100\n\n"
    "    tools: disabled the borderline check in the MST window\n",
    "indented_changelog_heads": "\tSync with gcc:\n" + "".join(
        f"\t2006-12-2{i}  {a} {b}  <{a.lower()}@exemple-gnu.org>\n\n\t* {what}\n\t* configure: Regenerate.\n\n"
        for i, (a, b, what) in enumerate([
            ("Tristan", "Ulm", "configure.in: Reorganize recognition of languages."),
            ("Ursule", "Vigne", "Makefile.def (target_modules): Add libgcc-math."),
            ("Vincent", "Weil", "configure.in (target_libraries): Add libgcc-math."),
            ("Wilfried", "Yon", "Makefile.in: Re-generate.")]))
    + "\t* configure.in: Enable libgcj for the hppa\n\ttarget on hpux11.\n",
    "dep5_head_debianized": "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
    "Upstream-Name: exemple-lib\nUpstream-Contact: Valentin Wurtz <vw@exemple-suse.cz>\n"
    "Source: ftp://ftp.exemple-project.org/pub/lib\n"
    "Comment: This package was debianized by Wendy Xu <wendy@exemple-deb.org> 7 Jun 1998.\n"
    "         Xavier Yvon <xyvon@exemple-deb.org> took over on 17 Oct 1999.\n"
    "         Since September 2002 it has been maintained by the participants in the\n"
    "         Exemple team <pkg-exemple@lists.exemple-deb.org>.\n",
    "faith_monk_surnames": "Copyright 1995-2000 Yannick Zorn (yzorn@exemple-ods.com)\n"
    "Copyright 1995 Rickard E. Faith (faith@exemple-unc.edu)\nCopyright 2000 Aline Monk (monk@exemple-deb.org)\n"
    "Copyright (C) 2003 FSF-India <locale@exemple-gnu.org.in>\n",
}


# these make no fragment at all, before this change as after (too few rows for a table, no dox cue):
# whatever they give must still be no dump
_NO_FRAGMENT = frozenset({"c_marks_and_nick", "debian_uploader_groups", "gnu_paren_heads", "indented_changelog_heads",
                          "dep5_head_debianized"})


@pytest.mark.parametrize("name", sorted(PROJECT))
def test_a_projects_people_are_no_dump(eng: str, name: str) -> None:
    frags = _frags(PROJECT[name])
    if name not in _NO_FRAGMENT:
        assert "email" in {i.type for f in frags for i in f.identifiers}, f"{name}: its addresses are still found"
    for f in frags:
        assert f.kind == "project", (name, f.kind, f.text[:80])
        assert f.severity == Severity.low
        assert f.sensitive == [], (name, f.sensitive)
        assert "dob" not in {i.type for i in f.identifiers}


# ---------------------------------------------------------------- the same shapes that are dumps

DUMPS = {
    # names and addresses under no project head: an address book, a members' export, a paste
    "address_book_bare": "Jean Dupont <jean.dupont@gmail.com>\nMarie Lefort <marie.lefort@orange.fr>\n"
    "Paul Martin <paul.martin@free.fr>\nLucie Bernard <lucie.bernard@hotmail.fr>\n",
    "members_list_head": "Liste des membres du club (export 2024)\n\nAlice Moreau <alice.moreau@gmail.com>\n"
    "Bruno Petit <bruno.petit@laposte.net>\nClara Roux <clara.roux@sfr.fr>\nDenis Faure <denis.faure@yahoo.fr>\n",
    "indented_tab_list": "voici les comptes recup :\n\tEmma Garnier  <emma.garnier@gmail.com>\n"
    "\tFelix Henry  <felix.henry@outlook.fr>\n\tGina Iris  <gina.iris@free.fr>\n\tHugo Jost  <hugo.jost@gmail.com>\n",
    "en_customers": "Customers:\nIan Kemp <ian.kemp@btinternet.com>\nJane Lowe <jane.lowe@gmail.com>\n"
    "Kyle Moss <kyle.moss@yahoo.co.uk>\nLily Nash <lily.nash@hotmail.co.uk>\n",
    # a holders-looking list with what no project's list holds: phones
    "years_with_phones": "Copyright:\n 2019, Marc Olive <marc.olive@gmail.com> 06 12 34 56 78\n"
    " 2020, Nina Perret <nina.perret@free.fr> 06 23 45 67 89\n"
    " 2021, Omar Quint <omar.quint@orange.fr> 07 81 92 03 14\n",
}


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_the_same_shapes_that_are_dumps_stay(eng: str, name: str) -> None:
    frags = _frags(DUMPS[name])
    assert frags, name
    assert all(f.kind != "project" for f in frags), [(f.kind, f.text[:60]) for f in frags]
    assert max(f.severity for f in frags) >= Severity.medium


def test_a_dox_with_one_credit_line_keeps_its_birth(eng: str) -> None:
    dox = ("Cible : Léa Marchand, née le 14/03/1988, tel 06 12 34 56 78, mail lea.marchand@free.fr.\n"
           "Adresse : 12 rue des Lilas, 69003 Lyon.\nThanks to Paul Rey <paul.rey@gmail.com> for the tip.\n")
    frags = _frags(dox)
    assert {"dob", "phone"} <= {i.type for f in frags for i in f.identifiers}
    assert all(f.kind != "project" for f in frags)


def test_a_patients_list_under_a_thanks_line_keeps_its_flags(eng: str) -> None:
    text = ("Thanks to the nurse for the export\n\nnom;prenom;email;telephone;pathologie\n"
            "Dupont;Jean;jean.dupont@gmail.com;0612345678;diabète de type 1\n"
            "Martin;Claire;claire.martin@free.fr;0623456789;séropositive\n"
            "Durand;Paul;paul.durand@orange.fr;0634567890;schizophrénie\n")
    frags = _frags(text)
    assert frags and all(f.kind != "project" for f in frags)
    assert "health" in {s.category for f in frags for s in f.sensitive}


# ---------------------------------------------------------------- the sweep on fixed files


def test_the_sweep_reads_fixed_files(tmp_path: Path) -> None:
    """`tests.corpus.real_text_sweep` on three fixed synthetic files: the project's lists are counted as
    project records, the address book as a dump (the sweep's figures are per MB of these bytes)."""
    from tests.corpus.real_text_sweep import sweep_files

    files = []
    for name, text in [("copyright", PROJECT["dep5_years_commas"] + "\n\n" + PROJECT["maintainers_roles"]),
                       ("changelog", PROJECT["debian_items_thanks"]), ("book.txt", DUMPS["address_book_bare"])]:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        files.append(("files", p))
    sw = sweep_files(files, "python")
    assert sw.files == 3 and sw.bytes == sum(p.stat().st_size for _, p in files)
    assert sw.kinds["project"] == 3 and sw.dumps == 1
    assert sw.flags == {}
    assert sw.summary()["dumps_per_mb"] == round(sw.dumps / (sw.bytes / 1e6), 3)
