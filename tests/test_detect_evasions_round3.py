"""Evasions round 3: the shapes the blind probe of evasions left missed (its MISSED set), each
written again with other people, separators, spacing, casing, languages and countries, so that
the fix holds for the shape and not for the probe's one example:

- lines of a list that give a name (and a phone) beside an address written against scrapers
  (`- Jean Dupont : jean [at] orange [dot] fr`, `Dupont Jean - j(at)x(dot)fr - 06 ...`);
- several phone numbers on one line, apart by `/`, `,`, `;`, `|` or `ou`/`or` (`WhatsApp :
  +33.6.67.47.40.47 / +33-7-71-34-75-01 / ...`);
- dates of birth written as 8 glued digits, day first (`12041963`; month first only where day
  first is no date) under a date-of-birth column: fixed-width exports with other layouts, CSV
  and pipe files;
- a Telegram Desktop JSON export without `text_entities` (exports before 3.x), its messages'
  text a string or a list of entities, indented or on one line, words after it.

Negatives must stay empty: prose with `[at]` and `(dot)` in brackets, code indexing arrays with
`[at]`, version numbers, IPs, timetables and lottery draws on one line, a fixed-width report of
prices and dates, a chat export without identifiers.

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set
(names and addresses are not scored), a negative gives no identifier. Each positive failed
before this round's change (checked by running this file against the previous commit's
`indexer`). Values are synthetic: made-up people, numbers libphonenumber calls valid."""

from __future__ import annotations

import json

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5a" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id"})


def _tg(messages: list[object], indent: int | None = 1, **head: object) -> str:
    """A Telegram Desktop export of one chat, without `text_entities` (as before version 3)."""
    obj = {"name": "Canal", "type": "private_supergroup", "id": 1555000111, **head, "messages": [
        {"id": 100 + k, "type": "message", "date": f"2024-05-0{k + 1}T21:0{k}:00", "from": "anon",
         "from_id": f"user{7000 + k}", "text": m} for k, m in enumerate(messages)]}
    return json.dumps(obj, ensure_ascii=False, indent=indent)


POSITIVES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # ------------------------------------------------- names and phones beside obfuscated addresses
    "ob_en_angle_curly": (
        "Staff list (don't share):\n"
        "* Alice Martin <alice.martin {at} example-mail {dot} com>\n"
        "* Bob Carter <b.carter {at} mailbox {dot} org>\n"
        "* Chloe Evans <chloe.evans {at} webmail {dot} net>\n",
        {("email", "alice.martin@example-mail.com"), ("email", "b.carter@mailbox.org"),
         ("email", "chloe.evans@webmail.net")}),
    "ob_fr_city_arrow_caps": (
        "Les profs du lycée :\n"
        "Léa Dupuis (Lyon) -> lea.dupuis [AT] laposte [DOT] net\n"
        "Hugo Roux (Lille) -> hugo.roux [AT] sfr [DOT] fr\n"
        "Inès Faure (Nantes) -> ines.faure [AT] orange [DOT] fr\n",
        {("email", "lea.dupuis@laposte.net"), ("email", "hugo.roux@sfr.fr"), ("email", "ines.faure@orange.fr")}),
    "ob_uk_dashes": (
        "club members\n"
        "Tom Baker - tom.baker[at]mailhost[dot]co[dot]uk - +44 7400 123456\n"
        "Jack Hill - jack.hill[at]mailhost[dot]co[dot]uk - +44 7400 654321\n"
        "Harry Stone - h.stone[at]fastmail[dot]fm - +44 7911 123456\n",
        {("email", "tom.baker@mailhost.co.uk"), ("email", "jack.hill@mailhost.co.uk"),
         ("email", "h.stone@fastmail.fm"), ("phone", "+447400123456"), ("phone", "+447400654321"),
         ("phone", "+447911123456")}),
    "ob_uk_name_in_parentheses": (
        "club members\n"
        "- tom.baker[at]mailhost[dot]co[dot]uk (Tom Baker) +44 7400 123456\n"
        "- jack.hill[at]mailhost[dot]co[dot]uk (Jack Hill) +44 7400 654321\n"
        "- h.stone[at]fastmail[dot]fm (Harry Stone) +44 7911 123456\n",
        {("email", "tom.baker@mailhost.co.uk"), ("email", "jack.hill@mailhost.co.uk"),
         ("email", "h.stone@fastmail.fm"), ("phone", "+447400123456"), ("phone", "+447400654321"),
         ("phone", "+447911123456")}),
    "ob_de_phone_before_address": (
        "Mitarbeiter:\n"
        "Hans Müller (Tel. +49 151 23456789): hans.mueller (at) web (dot) de\n"
        "Eva Schulz (Tel. +49 170 1234567): eva.schulz (at) gmx (dot) de\n"
        "Jan Wagner (Tel. +49 176 98765432): jan.wagner (at) t-online (dot) de\n",
        {("email", "hans.mueller@web.de"), ("email", "eva.schulz@gmx.de"), ("email", "jan.wagner@t-online.de"),
         ("phone", "+4915123456789"), ("phone", "+491701234567"), ("phone", "+4917698765432")}),
    "ob_at_sign_brackets_name_after": (
        "marc.petit[@]sfr[.]fr — Marc Petit\n"
        "julie.blanc[@]free[.]fr — Julie Blanc\n"
        "n.girard[@]bbox[.]fr — Noé Girard\n",
        {("email", "marc.petit@sfr.fr"), ("email", "julie.blanc@free.fr"), ("email", "n.girard@bbox.fr")}),
    "ob_colon_name_first_mixed_plain": (
        "Contacts:\n"
        "Paul Renard : paul.renard [at] outlook [dot] fr\n"
        "Anne Colin : anne.colin@gmx.fr\n"
        "Yann Leduc : yann.leduc [at] yahoo [dot] fr\n",
        {("email", "paul.renard@outlook.fr"), ("email", "anne.colin@gmx.fr"), ("email", "yann.leduc@yahoo.fr")}),
    # ------------------------------------------------------------------ several phones on one line
    "ph_uk_commas_names_below": (
        "Sellers' WhatsApp: +44 7400 123456, +44.7400.654321, +44-7911-123456\nTom, Jack, Harry\n",
        {("phone", "+447400123456"), ("phone", "+447400654321"), ("phone", "+447911123456")}),
    "ph_be_semicolons": (
        "GSM des vendeurs\nBXL ; +32 470 12 34 56 ; +32.475.17.99.43 ; 0032 479 04 90 81\n",
        {("phone", "+32470123456"), ("phone", "+32475179943"), ("phone", "+32479049081")}),
    "ph_fr_pipes_no_label": (
        "les numéros\n06 12 34 56 78 | 07.81.22.33.44 | +33 6 45 12 78 90 | 06-52-41-30-99\nbonne chasse\n",
        {("phone", "+33612345678"), ("phone", "+33781223344"), ("phone", "+33645127890"),
         ("phone", "+33652413099")}),
    "ph_ch_es_ou": (
        "Numéros : +41 79 123 45 67 ou +41.78.766.88.59 ou +34 612 34 56 78\n",
        {("phone", "+41791234567"), ("phone", "+41787668859"), ("phone", "+34612345678")}),
    "ph_us_slashes": (
        "Call list: +1 (415) 555-0132 / +1-212-555-0198 / +1 646 555 0123\n",
        {("phone", "+14155550132"), ("phone", "+12125550198"), ("phone", "+16465550123")}),
    # ---------------------------------------------------------------- dates of birth glued, day first
    "fw_other_layout": (
        "MATRICULE  NOM_PATRONYMIQUE  PRENOMS   DT_NAISS   GSM\n"
        "00012      MARTIN            CLAIRE    05111985   0612345678\n"
        "00013      ROUX              HUGO      23071979   0781223344\n"
        "00014      FAURE             INES      30011992   0652413099\n",
        {("dob", "1985-11-05"), ("dob", "1979-07-23"), ("dob", "1992-01-30"), ("phone", "+33612345678"),
         ("phone", "+33781223344"), ("phone", "+33652413099")}),
    "fw_english_month_first": (
        "LAST_NAME     FIRST_NAME    BIRTHDATE    PHONE\n"
        "SMITH         JOHN          07261990     +44 7400 123456\n"
        "BROWN         EMMA          12311985     +44 7400 654321\n"
        "TAYLOR        OLIVER        03151978     +44 7911 123456\n",
        {("dob", "1990-07-26"), ("dob", "1985-12-31"), ("dob", "1978-03-15"), ("phone", "+447400123456"),
         ("phone", "+447400654321"), ("phone", "+447911123456")}),
    "fw_date_nais_two_words": (
        "NOM        PRENOM     DATE NAIS   EMAIL\n"
        "LEDUC      YANN       01021961    yann.leduc@yahoo.fr\n"
        "COLIN      ANNE       17091974    anne.colin@gmx.fr\n",
        {("dob", "1961-02-01"), ("dob", "1974-09-17"), ("email", "yann.leduc@yahoo.fr"),
         ("email", "anne.colin@gmx.fr")}),
    "csv_glued_dob": (
        "nom;prenom;date_naissance;email\n"
        "Renard;Paul;14021988;paul.renard@outlook.fr\nBlanc;Julie;29021996;julie.blanc@free.fr\n"
        "Petit;Marc;31121950;marc.petit@sfr.fr\n",
        {("dob", "1988-02-14"), ("dob", "1996-02-29"), ("dob", "1950-12-31"), ("email", "paul.renard@outlook.fr"),
         ("email", "julie.blanc@free.fr"), ("email", "marc.petit@sfr.fr")}),
    "pipe_glued_dob_english": (
        "Name|DOB|Email\nJane Doe|14021988|jane.doe@example.com\nMark Lee|09111979|mark.lee@example.org\n",
        {("dob", "1988-02-14"), ("dob", "1979-11-09"), ("email", "jane.doe@example.com"),
         ("email", "mark.lee@example.org")}),
    # ------------------------------------------------------------- Telegram exports without entities
    "tg_plain_string_texts": (
        _tg(["le gars c'est Julien Moreau, né le 14/02/1988, 06 45 12 78 90, julien.moreau88@gmail.com",
             "et sa sœur Chloé Moreau née le 03/07/1992, 07 81 22 33 44, chloe.moreau@free.fr"],
            type="personal_chat", name="Kevin"),
        {("dob", "1988-02-14"), ("phone", "+33645127890"), ("email", "julien.moreau88@gmail.com"),
         ("email", "julienmoreau88@gmail.com"), ("dob", "1992-07-03"), ("phone", "+33781223344"),
         ("email", "chloe.moreau@free.fr")}),
    "tg_english_entities_compact": (
        _tg([["Dox: ", {"type": "bold", "text": "Tyler Brooks"}, ", DOB 19/04/1999, phone ",
              {"type": "phone", "text": "+44 7400 123456"}, ", mail ",
              {"type": "email", "text": "tyler.b@example.com"}],
             ["Dox: ", {"type": "bold", "text": "Amy Clark"}, ", born 02/12/1984, phone ",
              {"type": "phone", "text": "+44 7911 123456"}, ", mail ",
              {"type": "email", "text": "amy.clark@example.org"}]],
            indent=None),
        {("dob", "1999-04-19"), ("phone", "+447400123456"), ("email", "tyler.b@example.com"), ("dob", "1984-12-02"),
         ("phone", "+447911123456"), ("email", "amy.clark@example.org")}),
    "tg_words_after_export": (
        "voilà l'export du canal :\n"
        + _tg([["Nouvelle cible : ", {"type": "bold", "text": "Inès Faure"}, ", née le 30/01/1992, tel ",
                {"type": "phone", "text": "06 52 41 30 99"}, ", mail ",
                {"type": "email", "text": "ines.faure@orange.fr"}],
               ["Suivant : ", {"type": "bold", "text": "Hugo Roux"}, ", né le 23/07/1979, tel ",
                {"type": "phone", "text": "07 81 22 33 44"}, ", mail ", {"type": "email", "text": "hugo.roux@sfr.fr"}]])
        + "\nle reste en MP\n",
        {("dob", "1992-01-30"), ("phone", "+33652413099"), ("email", "ines.faure@orange.fr"), ("dob", "1979-07-23"),
         ("phone", "+33781223344"), ("email", "hugo.roux@sfr.fr")}),
    # ------------------------------------ H's set 3 (wave 23): births in chat messages, prefixed log keys
    "chat_discord_born_dob_en": (
        "[12/03/2024 22:14] shadow#4242: his name is Tyler Brooks, born 19/04/1999\n"
        "[12/03/2024 22:15] shadow#4242: number +44 7400 123456\n"
        "[12/03/2024 22:16] kr4ken: mail tyler.b@example.com, DOB: 02/12/1984 for his brother\n",
        {("dob", "1999-04-19"), ("phone", "+447400123456"), ("email", "tyler.b@example.com"), ("dob", "1984-12-02")}),
    "chat_parenthesised_times_dob": (
        "(22:14) kr4ken: the guy's sister, d.o.b. 03/07/1992\n"
        "(22:15) kr4ken: her cell +44 7911 123456\n"
        "(22:16) shadow: mail amy.clark@example.org\n",
        {("dob", "1992-07-03"), ("phone", "+447911123456"), ("email", "amy.clark@example.org")}),
    "log_camel_case_keys": (
        "".join(f"ts=2024-05-0{k}T10:00:00Z level=info event=signup userEmail={e} userPhone={p} "
                f"userBirthdate={d} plan=free\n"
                for k, (e, p, d) in enumerate((("tyler.b@example.com", "+447400123456", "1984-12-02"),
                                               ("amy.clark@example.org", "+447911123456", "1999-04-19")))),
        {("email", "tyler.b@example.com"), ("phone", "+447400123456"), ("dob", "1984-12-02"),
         ("email", "amy.clark@example.org"), ("phone", "+447911123456"), ("dob", "1999-04-19")}),
    "log_owner_prefixed_keys": (
        "order=51 client_email=hugo.roux@sfr.fr client_phone=0781223344 client_birthdate=1979-07-23\n"
        "order=52 beneficiary.email=ines.faure@orange.fr beneficiary.mobile=0652413099 user_dob=1992-01-30\n",
        {("email", "hugo.roux@sfr.fr"), ("phone", "+33781223344"), ("dob", "1979-07-23"),
         ("email", "ines.faure@orange.fr"), ("phone", "+33652413099"), ("dob", "1992-01-30")}),
    # address books' birthday column (set 3's French Outlook CSV: `Anniversaire`), other locales
    "outlook_es_cumpleanos": (
        '"Nombre","Apellidos","Dirección de correo electrónico","Teléfono móvil","Cumpleaños"\n'
        '"Lucía","García","lucia.garcia@example.es","+34 612 34 56 78","14/02/1988"\n'
        '"Pablo","Ruiz","pablo.ruiz@example.es","+34 612 34 56 79","09/11/1979"\n',
        {("dob", "1988-02-14"), ("dob", "1979-11-09"), ("email", "lucia.garcia@example.es"),
         ("email", "pablo.ruiz@example.es"), ("phone", "+34612345678"), ("phone", "+34612345679")}),
    "outlook_it_compleanno": (
        "Nome;Cognome;Posta elettronica;Cellulare;Compleanno\n"
        "Giulia;Rossi;giulia.rossi@example.it;+39 312 345 6789;03/07/1992\n"
        "Marco;Bianchi;marco.bianchi@example.it;+39 312 345 6780;23/07/1979\n",
        {("dob", "1992-07-03"), ("dob", "1979-07-23"), ("email", "giulia.rossi@example.it"),
         ("email", "marco.bianchi@example.it"), ("phone", "+393123456789"), ("phone", "+393123456780")}),
    "outlook_nl_verjaardag_tsv": (
        "Voornaam\tAchternaam\tE-mailadres\tMobiel\tVerjaardag\n"
        "Daan\tJansen\tdaan.jansen@example.nl\t+31 6 12345678\t30-01-1992\n"
        "Sanne\tBakker\tsanne.bakker@example.nl\t+31 6 12345679\t05-11-1985\n",
        {("dob", "1992-01-30"), ("dob", "1985-11-05"), ("email", "daan.jansen@example.nl"),
         ("email", "sanne.bakker@example.nl"), ("phone", "+31612345678"), ("phone", "+31612345679")}),
    "contacts_fr_date_d_anniversaire": (
        "Prénom|Nom|Courriel|Portable|Date d'anniversaire\n"
        "Léa|Dupuis|lea.dupuis@laposte.net|06 12 34 56 78|19/04/1999\n"
        "Hugo|Roux|hugo.roux@sfr.fr|07 81 22 33 44|02/12/1984\n",
        {("dob", "1999-04-19"), ("dob", "1984-12-02"), ("email", "lea.dupuis@laposte.net"),
         ("email", "hugo.roux@sfr.fr"), ("phone", "+33612345678"), ("phone", "+33781223344")}),
    # a UK National Insurance number under a dox's short label (set 3's `NI: JG 10 37 26 C`)
    "uk_dox_ni_no_spaced": (
        "Name: Amy Clark\nDOB: 19/04/1999\nNI No: AB 12 34 56 C\nMobile: +44 7911 123456\n"
        "Email: amy.clark@example.org\n",
        {("dob", "1999-04-19"), ("national_id", "GB:AB123456C"), ("phone", "+447911123456"),
         ("email", "amy.clark@example.org")}),
    "uk_csv_nat_ins_column": (
        "Surname,Forename,Nat Ins,Mobile\nClark,Amy,AB123456C,+44 7911 123456\n"
        "Brooks,Tyler,JG 10 37 26 C,+44 7400 123456\n",
        {("national_id", "GB:AB123456C"), ("national_id", "GB:JG103726C"), ("phone", "+447911123456"),
         ("phone", "+447400123456")}),
    # a holder and a card number under labels (set 3's RedLine CreditCards block), no other anchor
    "stealer_creditcards_en": (
        "Holder: TYLER BROOKS\nCardType: MasterCard\nCard: 5412263076883912\nExpire: 1/2027\n\n"
        "Holder: AMY CLARK\nCardType: Visa\nCard: 4532168514616444\nExpire: 11/2026\n",
        {("card", "5412263076883912"), ("card", "4532168514616444")}),
    "carte_titulaire_fr": (
        "Titulaire : Hugo Roux\nCarte : 4970 3332 1838 5980\nExpiration : 09/27\nCVV : 123\n",
        {("card", "4970333218385980")}),
    # labelled fields on one line whose date of birth runs into an unknown label, an age or a place
    # (set 3's `DOB: 03/17/1968   MRN: 00482913`)
    "labelled_line_dob_then_age": (
        "Name: Amy Clark   DOB: 19/04/1999 (25 y/o)   Ref: A-2231\n"
        "Phone: +44 7911 123456   Email: amy.clark@example.org\n",
        {("dob", "1999-04-19"), ("phone", "+447911123456"), ("email", "amy.clark@example.org")}),
    "labelled_line_ne_le_a_lieu": (
        "Nom : Hugo Roux   Né le : 23/07/1979 à Lille   Dossier : 88123\n"
        "Tél : 07 81 22 33 44   Mail : hugo.roux@sfr.fr\n",
        {("dob", "1979-07-23"), ("phone", "+33781223344"), ("email", "hugo.roux@sfr.fr")}),
}

NEGATIVES: dict[str, str] = {
    "neg_prose_brackets": (
        "We met [at] the station [dot] Then we left (at) noon.\n"
        "The meeting [at] 10h [dot] Salle B, bring coffee (dot) and cake.\n"
        "See you [at] home [dot] Bye (at) last.\n"),
    "neg_code_indexing": (
        "x = matrix[at]row[dot]col\ny = grid(at)cell(dot)value;\nz = table{at}idx{dot}key\n"
        "print(matrix[at]row[dot]col)\n"),
    "neg_versions_line": "Builds: 6.67.47.40 / 7.71.34.75 / 8.12.0.1 / 10.4.22.118\n",
    "neg_ips_line": "DNS : 10.66.74.74 / 192.168.1.47 / 172.16.254.1 / 8.8.8.8\n",
    "neg_timetable_line": "Horaires : 08.30-12.00 / 14.00-18.30 / 09.00-12.00 / 13.30-17.00\n",
    "neg_lottery_line": "Tirages : 6 - 12 - 34 - 40 - 47 / 3 - 9 - 21 - 33 - 45 / 11 - 17 - 25 - 38 - 49\n",
    "neg_quantities_line": "Stock : 1 200 450 ; 3 400 120 ; 12 000 000 ; 450 000\n",
    "neg_fixed_width_prices": (
        "REF        DESIGNATION         QTE    PRIX_HT    DATE_CMD\n"
        "00012345   Vis inox M4         100    12,50      12042023\n"
        "00012346   Ecrou M4            250    4,20       13042023\n"
        "00012347   Rondelle M4         500    2,10       14042023\n"),
    "neg_chat_export_no_ids": _tg(["on se voit le 19/04 à 18h ?", "ok, commande 2024-031-5587412 reçue",
                                   "né le 1er mai, comme toi", "le code c'est 12041963"]),
    "neg_french_ni_labels": "Ni: oui\nNi: non\nNi: 12 34\nNi : ni l'un ni l'autre\n",
    "neg_holder_masked_card": "Holder: JOHN SMITH\nCard: 4970 **** **** 5980\nExpire: 09/27\n",
    "neg_holder_card_bad_check": "Holder: JOHN SMITH\nCard: 4970333218385981\nExpire: 09/27\n",
    "neg_log_ids_and_prices": (
        "req_id=7f3a9c user_id=1234 session_ttl=3600 cache_hits=12 item_price=12.50\n"
        "req_id=7f3a9d user_id=1235 session_ttl=3600 cache_hits=14 item_price=9.99\n"),
}


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    assert _found(detect(NEGATIVES[name], key=KEY)) == set()


def test_detect_many_gives_what_detect_gives() -> None:
    """The crawl's entry point (one scan for a batch of posts) finds what `detect` does."""
    texts = [POSITIVES[n][0] for n in sorted(POSITIVES)] + [NEGATIVES[n] for n in sorted(NEGATIVES)]
    items = [t.encode() for t in texts]
    many = detect_many(items, key=KEY)
    for t, got in zip(texts, many, strict=True):
        assert [(f.kind, f.start_line, f.end_line, _found([f])) for f in got] == [
            (f.kind, f.start_line, f.end_line, _found([f])) for f in detect(t, key=KEY)], t[:60]


def test_telegram_html_export_stays_read() -> None:
    """A guard, not a fix (it was read before): Telegram's HTML export of the same messages."""
    body = "".join(
        f'<div class="message default clearfix" id="message{10 + k}"><div class="body">'
        f'<div class="from_name">anon</div><div class="text">Dox : <strong>{n}</strong>, né le {d}, '
        f'tel <a href="tel:{p}">{p}</a>, mail <a href="mailto:{e}">{e}</a></div></div></div>\n'
        for k, (n, d, p, e) in enumerate((("Hugo Roux", "23/07/1979", "+33 7 81 22 33 44", "hugo.roux@sfr.fr"),
                                          ("Inès Faure", "30/01/1992", "+33 6 52 41 30 99", "ines.faure@orange.fr"))))
    html = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"/></head><body><div class="history">\n{body}'
            "</div></body></html>\n")
    got = {x for x in _found(detect(html.encode(), key=KEY, filename="messages.html")) if x[0] in SCORED}
    assert got == {("dob", "1979-07-23"), ("phone", "+33781223344"), ("email", "hugo.roux@sfr.fr"),
                   ("dob", "1992-01-30"), ("phone", "+33652413099"), ("email", "ines.faure@orange.fr")}


def test_a_chat_date_without_a_birth_cue_is_no_birth() -> None:
    """A chat's dates that no `né le`/`born`/`DOB` introduces stay dates (a meeting, an order)."""
    text = ("[12/03/2024 22:14] a: rdv le 19/04/1973 ? son 06 52 41 30 99\n"
            "[12/03/2024 22:15] b: ok, commande du 02/12/1984, ines.faure@orange.fr\n"
            "[12/03/2024 22:16] a: le site est en ligne depuis le 30/01/1992\n")
    got = _found(detect(text, key=KEY))
    assert ("phone", "+33652413099") in got and not {x for x in got if x[0] == "dob"}
