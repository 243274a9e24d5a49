"""Fragments about no one: article 9 words that name an organisation or a project, not a person.

Why: an article 9 flag raises a fragment to critical severity, and the words of a category are as
often the names of things as facts about someone. Two kinds of text hold them with identifiers but
hold no person:

- a directory of an organisation's units (a hospital's wards, a union's sections, a party's
  federations): each row names its unit ("Oncologie", "CGT", "Parti socialiste") beside its
  switchboard and its service mailbox (`oncologie@chu-...`, `federation69@...`). The same table
  with a person per row (a name, a mobile, a personal address) is a list of patients or members
  and keeps its flags (`directory`);
- a project's record (a ChangeLog, commit trailers): "disabled the borderline MST check", "Merge
  with FSF version" are about code, and a release date beside a contributor's name is no birth
  (`changelog`).

And a title that says what every row is ("LISTE DES ADHÉRENTS — Syndicat CGT" above a CSV of
names and mobiles) says it of each row (`title_flags`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

from indexer.article9 import _NO_UNION, fold, scan_article9
from indexer.models import Identifier, SensitiveFlag

__all__ = ["PROJECT_TYPES", "UNIT_TYPES", "changelog", "directory", "holders", "register_flags", "title_flags"]

# the identifiers a directory of units holds: switchboards and mailboxes
UNIT_TYPES = frozenset({"email", "phone"})

# ---------------------------------------------------------------- directories of units

# mail providers of people (a personal address on them is someone's), folded
_PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "aol.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "neuf.fr",
        "laposte.net",
        "bbox.fr",
        "numericable.fr",
        "club-internet.fr",
        "gmx.fr",
        "gmx.com",
        "gmx.de",
        "web.de",
        "proton.me",
        "protonmail.com",
        "tutanota.com",
        "mail.com",
        "yandex.ru",
        "mail.ru",
        "libertysurf.fr",
        "aliceadsl.fr",
        "cegetel.net",
        "noos.fr",
        "voila.fr",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "comcast.net",
        "verizon.net",
        "t-online.de",
    }
)
# the words of a unit's or a role's mailbox (`accueil@`, `secretariat.oncologie@`, `federation69@`)
_ROLE_WORDS = frozenset(
    {
        "accueil",
        "contact",
        "contacts",
        "info",
        "infos",
        "information",
        "secretariat",
        "secretaire",
        "direction",
        "service",
        "services",
        "admin",
        "administration",
        "rh",
        "drh",
        "communication",
        "presse",
        "press",
        "federation",
        "fede",
        "section",
        "sections",
        "standard",
        "bureau",
        "permanence",
        "reception",
        "office",
        "cabinet",
        "mairie",
        "agence",
        "support",
        "hello",
        "bonjour",
        "admissions",
        "admission",
        "urgences",
        "consultations",
        "consultation",
        "rdv",
        "rendezvous",
        "courrier",
        "mail",
        "team",
        "equipe",
        "union",
        "syndicat",
        "comite",
        "cse",
        "ce",
        "ud",
        "ul",
        "uss",
        "fd",
        "unite",
        "pole",
        "dept",
        "departement",
        "noreply",
        "no",
        "reply",
        "webmaster",
        "postmaster",
        "sales",
        "compta",
        "comptabilite",
        "facturation",
    }
)
_STOP = frozenset({"de", "du", "des", "la", "le", "les", "et", "d", "l", "en", "a", "au", "aux", "of", "the", "and"})
_WORD = re.compile(r"[a-z]+")
_EMAIL = re.compile(r"([a-z0-9._%+-]{1,64})@([a-z0-9.-]{1,253}\.[a-z]{2,24})")


def _cell_words(cells: Iterable[str]) -> tuple[set[str], set[str]]:
    """The words of a row's cells (and each cell's words glued: "SUD Rail" -> "sudrail") and the
    initials of each cell ("Rassemblement national" -> "rn", "La France insoumise" -> "lfi", "fi")."""
    words: set[str] = set()
    initials: set[str] = set()
    for cell in cells:
        ws = _WORD.findall(cell)
        if not ws:
            continue
        words.update(ws)
        words.add("".join(ws))
        if len(ws) >= 2:
            initials.add("".join(w[0] for w in ws))
            initials.add("".join(w[0] for w in ws if w not in _STOP))
    return words, initials


def _explained(token: str, words: set[str], initials: set[str]) -> bool:
    """A mailbox's word that names the row's unit: a role's word, a cell's word or its start
    ("addicto" for "addictologie", "metaux" beside "metallurgie"), a cell's initials ("rn")."""
    if token in _ROLE_WORDS or token in words or token in initials:
        return True
    if len(token) < 3:
        return False
    return any(w.startswith(token) or (len(w) >= 4 and token[:4] == w[:4]) for w in words)


def _unit_mailbox(local: str, domain: str, row: str) -> bool | None:
    """True: a unit's or a role's mailbox (its words are a role's or the row's cells': `camden.health@`
    beside "Camden Health"; a person's name in the row is no unit: `directory` reads only fragments
    where no name was found); False: a person's (on a mail provider of people); None: neither said."""
    if domain in _PERSONAL_DOMAINS:
        return False
    tokens = [t for t in _NOT_ALPHA.split(local) if t]
    if not tokens:
        return None
    words, initials = _cell_words(c for c in _CELL_SPLIT.split(row) if "@" not in c)
    return True if all(_explained(t, words, initials) for t in tokens) else None


_NOT_ALPHA = re.compile(r"[^a-z]+")
_CELL_SPLIT = re.compile(r"[;\t|,]")


def directory(text: str, types: set[str], identifiers: Iterable[Identifier]) -> bool:
    """The fragment is a directory of units: its only identifiers are e-mail addresses and phone numbers
    (`UNIT_TYPES`), every phone a fixed line (a switchboard), no address a person's, and at least two
    thirds of the addresses a unit's mailbox (`_unit_mailbox`). Read only for a fragment with flags."""
    if not types or not types <= UNIT_TYPES:
        return False
    phones = 0
    for n, ident in enumerate(identifiers):  # (a dump's first mobile ends the read)
        if n >= _MAX_UNITS:
            return False  # a directory of units is short; a dump of people is not read through
        if ident.type == "phone":
            phones += 1
            if not _switchboard(ident.value):
                return False
    unit = rows = 0
    for line in fold(text).split("\n"):
        for m in _EMAIL.finditer(line):
            rows += 1
            if rows > _MAX_UNITS:
                return False
            said = _unit_mailbox(m.group(1), m.group(2), line)
            if said is False:
                return False
            unit += bool(said)
    return rows >= 2 and unit * 3 >= rows * 2 and phones <= rows * 3


_MAX_UNITS = 600  # identifiers of a directory read at most (two a unit: 300 wards, sections or offices)


def _switchboard(e164: str) -> bool:
    """A fixed line (or a toll-free, shared-cost or VoIP number): a unit's switchboard. A French mobile
    (+336, +337) is told by its prefix, without parsing."""
    if e164.startswith(("+336", "+337")):
        return False
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return False
    return kind in _SWITCHBOARD_TYPES


_SWITCHBOARD_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.VOIP,
    }
)


# ---------------------------------------------------------------- project records

# a ChangeLog entry's head (`1999-04-30  Armand Ricard  <a@x>`, `Thu May 20 10:00:42 1999  Name  <a@x>`),
# its items (`* config.guess: ...`, `\t* Makefile.in (GCC_FOR_TARGET): ...`), commit trailers
# (`Reviewed-by:`, `Signed-off-by:`, `Closes: #12087`), `git log`'s heads (`commit 4f2a9c1`, `Author: Name
# <a@x>`), a Debian changelog's (`pkg (1.4-2) unstable; urgency=medium`, ` -- Name <a@x>  Thu, 20 May ...`)
# and curl's entries (`Name (13 Dec 2022)`); a head may give its address in brackets (`(a@x)`), an item
# its author (`  * Name <a@x>:`), its credit (`Thanks to Name <a@x>.`, `Reported by`, `Patch from`), its
# bug (`... (Closes: #756596)`), a Debian changelog its uploaders' groups (`  [ Guillem Jover ]`); a
# Debian copyright file's head (`Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/`,
# `Upstream-Contact: Name <a@x>`) is a project's record too
_CHANGELOG_LINE = re.compile(
    r"(?m)^(?:(?P<strong>[ \t]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]{2,}[^\n<]{2,80}<[^\s<>@]{1,64}@[^\s<>]{1,255}>"
    r"|[ \t]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]{2,}[^\n<(]{2,80}\([^\s<>()@]{1,64}@[^\s<>()]{1,255}\)"
    r"|Upstream-(?:Name|Contact): |Format: https?://www\.debian\.org/doc/packaging-manuals/copyright-format"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} {1,2}[0-9]{1,2} [0-9:]{8} [0-9]{4}[ \t]{2,}[^\n<(]{2,80}[<(]"
    r"|[ \t]*\* [A-Z][^\n<>:*]{1,60} <[^\s<>@]{1,64}@[^\s<>]{1,255}>:[ \t]*$"
    r"|[^\n]{0,200}?\b(?:[Tt]hanks to|[Rr]eported by|[Pp]rompted by|[Pp]atch (?:by|from)|[Ss]uggested by"
    r"|[Nn]oticed by|[Cc]ontributed by|[Ss]potted by|[Pp]ointed out by|[Rr]eviewed by) [^\n<>]{1,80}"
    r"<[^\s<>@]{1,64}@[^\s<>]{1,255}>"
    r"|[ \t]*(?:Reviewed|Signed-off|Acked|Reported|Tested|Suggested|Co-authored|Helped)-by: [^\n]{1,120}"
    r"|[ \t]*(?:Closes|Fixes|Bug|Ref): #[0-9]{1,9}[ \t]*$"
    r"|[^\n]{0,200}?\(?Closes: #[0-9]{1,9}\)?\.?[ \t]*$"
    r"|commit [0-9a-f]{7,40}\b|Author: [^\n<]{1,80}<[^\s<>@]{1,64}@[^\s<>]{1,255}>"
    r"| -- [^\n<]{1,80}<[^\s<>@]{1,64}@[^\s<>]{1,255}>  [A-Z][a-z]{2}, "
    r"|[a-z0-9][a-z0-9.+-]{1,60} \([^()\s]{1,40}\) [a-z][a-z -]{0,60}; urgency=)"
    r"|[ \t]*\* [A-Za-z0-9_+-]{1,40}(?:[./][A-Za-z0-9_+-]{1,40}){1,6}(?: \([^)\n]{1,80}\))?:[ \n]"
    r"|[A-Z][^\n()]{2,60} \([0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}\)[ \t]*$"
    r"|  \[ [A-Z][a-z]+(?: [A-Z][A-Za-z'.-]+){1,4} \][ \t]*$)"
)


def changelog(text: str) -> bool:
    """The text is a project's change record: two of its lines at least are ChangeLog heads, items
    or commit trailers (`_CHANGELOG_LINE`), one of them a head with its author's address or a
    trailer (a dox's bullet "* Tel: ..." or "Jean Dupont (12 Mar 1990)" alone is none). A literal
    every head and trailer holds is looked for first."""
    if not ("-by: " in text or "  <" in text or ": #" in text or "commit " in text or "; urgency=" in text
            or ">:" in text or "  (" in text or " by " in text or "hanks to " in text or "Author: " in text
            or "Upstream-" in text):
        return False
    n = strong = 0
    for m in _CHANGELOG_LINE.finditer(text):
        n += 1
        strong += m.group(1) is not None
        if n >= 2 and strong:
            return True
    return False


# ---------------------------------------------------------------- a project's people

# the identifiers a list of a project's people holds: their names and addresses
PROJECT_TYPES = frozenset({"email", "name"})

# a copyright holder's, an author's or a maintainer's line: `Copyright © 1996-1999 Guy Maor <a@x>`, ` 2005,
# Luk Claes <a@x>`, `(C) 2006-2011 Name <a@x>`, `Name <a@x>     (gnat)`, `\t    Jim Wilson  <a@x>`,
# `Name (a@x)`, `Name (nick) <a@x>`, `Name <name (at) host (dot) de>`, `Name <a@x> and Name <b@y>`,
# `Copyright (C) 2003 OpenMN team`, `2009-2012, Ericsson AB`; in a source's or a man page's comment (`.\\" `,
# `# `, `// `) too, and a change's author (`Modified Sun Jul 25 1993 by Name (a@x)`)
_ADDR = r"(?:<[^<>\n]{1,120}>|\([^\s()@]{1,64}@[^\s()]{1,255}\)?|[^\s<>()@,;|]{1,64}@[^\s<>()@,;|]{1,255})"
_HOLDER = re.compile(  # (fullmatch only: \A keeps a search of a long line to its start)
    r"\A[ \t]*(?:\.\\\"|#{1,3}|//|;{1,3}|%{1,3})?[ \t]*(?:[*-][ \t]+)?"
    r"(?P<mark>(?:(?:and[ \t]+)?(?:Copyright|COPYRIGHT|Copr\.)(?:[ \t]*:)?(?:[ \t]*(?:\([cC]\)|\u00a9))?"
    r"|\([cC]\)|\u00a9|(?:Modified|Written|Updated|Rewritten|Maintained|Contributed)\b[^<>()@\n]{0,60}?\bby[ \t]"
    r"|(?:Modified|Written|Maintained)[ \t]*:)[ \t]*)?"
    r"(?P<years>[12][0-9]{3}(?:[ \t]*(?:[-\u2013\u2014,/]|and)?[ \t]*[12][0-9]{3}){0,12}"
    r"[ \t]*[-\u2013\u2014]?[ \t]*[,:]?)?"
    r"[ \t]*(?P<who>[^\s<>()@,;|:][^<>()@;|\t\n]{0,80}?)??[ \t]*(?:\([^()@\n]{1,30}\)[ \t]*)?"
    r"(?P<addr>" + _ADDR + r"(?:[ \t]*(?:,|and|&)[ \t]*[^<>()@;|\t\n]{1,80}?[ \t]*" + _ADDR + r"){0,3})?"
    r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*[.,:]?[ \t]*"
)
# a line such a list may hold between its people: a field of a Debian copyright file, a rule, a lone dot
_NEUTRAL = re.compile(r"\A[ \t]*(?:(?:Files|License|Copyright|Comment|Source)[ \t]*:[^\n]{0,200}|[.=_-]{0,80})")
_RULE = re.compile(r"\A[ \t]*[.=_-]{0,80}[ \t]*")
# what a project's list of people stands under ("Upstream Authors:", "Maintainers of these packages",
# "Copyright:", "Thanks to"), folded
_PEOPLE_HEAD = re.compile(
    r"\b(?:copyright|authors?|co-?authors|maintainers?|uploaders?|contributors|credits|translators?|thanks|"
    r"written by|upstream|signed-off-by|packagers?|auteurs?|traducteurs?|mainteneurs?|remerciements)\b"
    r"|(?m:^[ \t]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]{2,}[^\n<]{2,80}<)"  # a ChangeLog head: its co-authors under it
)
_MAX_HOLDER_LINES = 400  # a project's list of people is read at most this far; a longer one is a dump's
_HEAD_LINES = 8  # the lines over a list read for its head


def _holder(line: str) -> re.Match[str] | None:
    """A person's line of such a list (`_HOLDER`): an address, or copyright years or a mark beside a name."""
    if len(line) > 300:
        return None
    m = _HOLDER.fullmatch(line)
    if m is None or not (m.group("addr") or ((m.group("mark") or m.group("years")) and m.group("who"))):
        return None
    return m


def holders(text: str, lines: list[str], first: int) -> bool:
    """The fragment `text` (`lines[first]` its first line) is a list of a project's people (a copyright
    file's holders, a README's maintainers, a ChangeLog entry's co-authors): every line one person and
    their address at most, or a field or a rule between them, and either most lines carry copyright years
    or a mark (`Copyright`, `(C)`, `©`), or the fragment's first line or the lines over it say whose
    names they are ("Authors", "Maintainers", "Copyright:", "Thanks to", a ChangeLog head). Over it means
    the lines up to the first one not indented (a Debian copyright file's field goes on indented, through
    its sections' titles and the list's other blocks), at most `_HEAD_LINES` of them that are no person's.
    A list of names and addresses under no such head stays a dump (an address book, a mailing list's
    members). Read only for fragments holding `PROJECT_TYPES`."""
    people = marked = 0
    head: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = _holder(line)
        if m is None:
            if _NEUTRAL.fullmatch(line):
                continue
            return False
        people += 1
        if people > _MAX_HOLDER_LINES:
            return False
        marked += bool(m.group("mark") or m.group("years"))
        if not head:
            head.append(line)
    if people < 2:
        return False
    if marked * 2 >= people:
        return True
    if _PEOPLE_HEAD.search(fold(head[0])) is not None:
        return True
    k = first - 1
    others = 0
    while k >= 0 and k >= first - _MAX_HOLDER_LINES and others < _HEAD_LINES:
        line = lines[k]
        k -= 1
        if not line.strip() or _RULE.fullmatch(line):
            continue
        if _PEOPLE_HEAD.search(fold(line)) is not None:
            return True
        if _holder(line) is not None:
            continue
        others += 1
        if line[:1] not in (" ", "\t"):
            break
    return False


# ---------------------------------------------------------------- a title over a table

# the people a list's title names: each row is one of them ("Liste des adhérents", "Fichier patients",
# "Members list")
_PEOPLE_TITLE = re.compile(
    r"\b(?:adherents?|adherentes?|membres|militants?|militantes|syndiques|patients?|"
    r"patientes|fideles|paroissiens|electeurs|donateurs|members|patients|congregation|"
    r"parishioners|donors|voters|activists)\b"
)


# a rite, a pilgrimage or a chaplaincy a list's title names (folded): each row takes part in it ("Hajj 1448 —
# liste des pèlerins", "Aumônerie catholique — inscrits", "préparation bar/bat mitsva"); said only over a
# header that names people (`_PERSON_HEAD`): a public offer, a calendar or a price list of the same words
# names no one (`_RITE_WORDS`: the title's words that ask; the religion said is the lexicon's)
_PERSON_HEAD = re.compile(
    r"(?:^|[^a-z])(?:noms?|prenoms?|names?|surnames?|first|last|eleves?|jeunes?|enfants?|pelerins?|pilgrims?|"
    r"participants?|passagers?|passengers?|inscrits?|parents?|pupils?|students?|child|children)"
    r"(?![ _]+(?:du|de|des|d'|of|the)\b)(?:[^a-z]|$)"  # ("nom du forfait", "name of the hotel": a thing's)
)
_RITE_WORDS = frozenset(
    "pelerin pelerins pelerine pelerines pelerinage pelerinages pilgrim pilgrims pilgrimage pilgrimages hajj omra "
    "umrah aumonerie aumoneries chaplaincy mitsva mitsvas mitzvah mitzvahs catechisme catechismes catechese "
    "catechumene catechumenes confirmand confirmands communiant communiants confirmation communion bapteme "
    "baptemes baptism baptisms".split()
)


def title_flags(line: str, head: str = "") -> list[SensitiveFlag]:
    """The flags of a table's title line when it names the people its rows are ("LISTE DES ADHÉRENTS —
    Syndicat CGT"): each row is such a person. Or when the title (or the table's first line, `head`)
    makes the table an organisation's register of its people: the donors, payers, members renewing,
    signatories asking to join of a religious body, a party or a union ("Diocèse — Denier de l'Église —
    donateurs", "Mosquée — Zakat al-Fitr — versements", "Conservative Association — membership
    renewals"): each row gave to it, paid it or belongs to it (`register_flags`). The flags carry no
    offsets (the title is not the fragment's text)."""
    if len(line) > 300:
        return []
    folded = line.lower() if line.isascii() else fold(line)
    words = _WORD.findall(folded)
    if not _RITE_WORDS.isdisjoint(words) and head and _PERSON_HEAD.search(fold(head[:400]).lower()) is not None:
        said = [  # a rite's or a pilgrimage's list of people: its religion is theirs
            SensitiveFlag(category=f.category, evidence=f.evidence, start=None, end=None)
            for f in scan_article9(line, limit=8) if f.category == "religion"
        ]
        if said:
            return said
    if _TITLE_WORDS.isdisjoint(words):
        return []  # (most titles: "Sample:", "Voici un extrait :"; one C pass, no pattern tried)
    if _PEOPLE_TITLE.search(folded) is not None:
        said = [
            SensitiveFlag(category=f.category, evidence=f.evidence, start=None, end=None)
            for f in scan_article9(line, limit=8)
        ]
        if said:
            return said
    return register_flags(line, folded, head)


# ---------------------------------------------------------------- an organisation's register

# the people of an organisation's register as its title or header says them: who gave, paid, renewed or
# holds a membership (folded); a donor or payer is the organisation's only where the organisation is of a
# belief, a party or a union (`_REGISTER_ORGS`): a charity's donors or a hospital's payers are nobody's
# condition
_REGISTER_PEOPLE = re.compile(
    r"\b(?:donateurs?|donatrices?|dons?|donations?|donors?|versements|paiements|payments|cotisations?|"
    r"cotisants?|payeurs|payers|contributions|contributors|recus fiscaux|receipts|dues|renewals?|"
    r"renouvellements?|re-?adhesions?|membership|members? since|membres? depuis|adherente?s?(?:\(e\))? depuis|"
    r"adhesions?|gift[ _]aid|pledges?|offrandes?|offerings?"
    # a union's or a party's register of its members by number, or of their cases (a union's legal services:
    # "UNISON legal services — member claims", a `Member no.` column; wave 31)
    r"|members?'?[ _.]*(?:no|nos|number|numbers|num|id|ids|claims?|cases?)|(?:n[o\xb0]|num(?:ero)?)[ _.]*"
    r"(?:d'|de |_)?(?:adherent|membre)|matricule[ _]adherent)(?:\b|_)"
)
# a register of what the organisation pays or employs (its suppliers, invoices, staff): no belief of theirs
_NOT_ITS_PEOPLE = re.compile(r"\b(?:fournisseurs?|suppliers?|prestataires?|vendors?|factures?|invoices?|salaries|"
                             r"employes|staff|payroll|paie|personnel)\b")
# signatories are a party's people when the list asks them to join it (a `souhaite_adherer` column)
_SIGNATORIES = re.compile(r"\b(?:signataires?|signatories|signatures|signed)\b")
_JOIN = re.compile(r"(?:souhaite|veut|souhaiterait)[ _]+(?:adherer|devenir[ _]+(?:adherent|membre))|"
                   r"\bdevenir[ _]+(?:adherent|membre)|\b(?:wants?|wishes)[ _]+to[ _]+join\b|"
                   r"\bjoin[ _]+(?:the[ _]+)?party\b|\badhesion[ _]+(?:souhaitee|demandee)")
# the organisations whose register says its people's category (folded): a church, a diocese or a
# mosque and their levies, a party and its financing association, a union and its sections
_REGISTER_ORGS = (
    ("religion", re.compile(
        r"\b(?:dioceses?|paroisses?|paroissia(?:l|le|ux|les)|denier de l'eglise|denier du culte|mosquees?|"
        r"zakat|zakat al-fitr|sadaqa|synagogues?|consistoire israelite|communaute israelite|eglises?|"
        r"temple protestant|gurdwara|pagode|parish|parishes|mosques?|church|churches|tithes?|tithing|"
        r"congregation|kehilla|shul|assemblee evangelique|conseil presbyteral)\b")),
    ("political_opinion", re.compile(
        r"\b(?:association de financement|mandataire financier|(?:du|le|au|un|notre) parti|parti politique|"
        r"political party|party (?:branch|association|members|membership|donors)|constituency (?:party|association)|"
        r"(?:labour|conservative|tory|green|liberal democrat|reform uk|republican|democratic) "
        r"(?:party|association|branch|club))\b")),
    ("trade_union", re.compile(
        r"\b(?:sections? syndicales?|syndicats?|unions? (?:locales?|departementales?|regionales?)|"
        r"trade unions?|union (?:branch|dues|local|members|membership)|cotisations? syndicales?)\b")),
)
_REGISTER_CATEGORIES = frozenset(c for c, _ in _REGISTER_ORGS)
# the three as one pattern, a named group each
_ANY_ORG = re.compile("|".join(f"(?P<{c}>{rx.pattern})" for c, rx in _REGISTER_ORGS))
# a word each of the patterns above must hold one of (folded): a title holding none is asked nothing more
# (Python's `re` tries the alternations at every position: ~140 ns a character, ~50k instructions a title)
_WORD = re.compile(r"[a-z]+")
_GATE_WORDS = frozenset(
    "donateur donateurs donatrice donatrices don dons donation donations donor donors versements paiements payments "
    "cotisation cotisations cotisant cotisants payeurs payers contributions contributors recus receipts dues "
    "renewal renewals renouvellement renouvellements adhesion adhesions readhesion readhesions membership member "
    "members membre membres adherent adherente adherents adherentes gift pledge pledges offrande offrandes "
    "offering offerings signataire signataires signatories signatures signed diocese dioceses paroisse paroisses "
    "paroissial paroissiale paroissiaux paroissiales denier mosquee mosquees zakat sadaqa synagogue synagogues "
    "consistoire communaute eglise eglises temple gurdwara pagode parish parishes mosque mosques church churches "
    "tithe tithes tithing congregation kehilla shul assemblee conseil association mandataire parti party "
    "constituency labour conservative tory green liberal reform republican democratic section sections syndicale "
    "syndicales syndicat syndicats union unions trade cotisation".split()
)
# and the words of `_PEOPLE_TITLE`: a title holding none of either flags nothing
_TITLE_WORDS = _GATE_WORDS | frozenset(
    "adherent adherents adherente adherentes membres militant militants militantes syndiques patient patients "
    "patientes fideles paroissiens electeurs donateurs members congregation parishioners donors voters "
    "activists".split()
)


def register_flags(line: str, folded: str = "", head: str = "") -> list[SensitiveFlag]:
    """The category of an organisation whose register a table is, as its title `line` (and its header
    `head`) say it: who gave to a diocese, paid a mosque's zakat, renews a party's membership, asks to join
    the party whose petition they signed. A title that names no such organisation, or no such people of
    it, flags nothing (a parish's newsletter, a party's public candidate list, a charity's donors).

    Cheapest first (a dump's fragments under a "Sample:" or "Voici un extrait :" pay ~1 us): the title's
    own words; the header is read only under a title that names an organisation, or signatories."""
    folded = folded or fold(line)
    if _GATE_WORDS.isdisjoint(_WORD.findall(folded)) or _NOT_ITS_PEOPLE.search(folded) is not None:
        return []  # (no word of an organisation, of its people or of signatories: most titles, one C pass)
    # (`search` first: `finditer` sets up a scanner of the pattern's groups, ~20 times a failed search's cost)
    orgs = [] if _ANY_ORG.search(folded) is None else list(_ANY_ORG.finditer(folded))
    signed = _SIGNATORIES.search(folded) is not None
    if orgs or signed:
        said = folded + "\n" + fold(head[:400]) if head else folded
        people = _REGISTER_PEOPLE.search(said) is not None or (signed and _JOIN.search(said) is not None)
    else:  # a party, a union or a faith the lexicon names ("Rassemblement national"): asked under people only
        # (its title's or its header's: "UNISON legal services" over a `Member no.` column)
        people = _REGISTER_PEOPLE.search(folded + "\n" + fold(head[:400]) if head else folded) is not None
    if not people:
        return []
    out: list[SensitiveFlag] = []
    seen: set[str] = set()
    for m in orgs:
        cat = m.lastgroup or ""
        if cat in seen or (cat == "trade_union" and _NO_UNION.search(folded) is not None):
            continue
        seen.add(cat)
        out.append(SensitiveFlag(category=cat, evidence=line[m.start():m.end()], start=None, end=None))
    if not out:
        for f in scan_article9(line, limit=8):  # a party, a union or a faith named ("Rassemblement national")
            if f.category in _REGISTER_CATEGORIES and f.category not in seen:
                seen.add(f.category)
                out.append(SensitiveFlag(category=f.category, evidence=f.evidence, start=None, end=None))
    return out
