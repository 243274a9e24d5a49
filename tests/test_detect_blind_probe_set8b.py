# ruff: noqa: E501  (a dump's line is kept whole, as it was posted)
"""Blind probe, set 8b: identifiers written the ways people and neighbouring countries write them, and
business documents whose numbers have the same shapes and belong to no one.

Written apart from the detector (wave 29, helper H), people from set 8. Recall: a NIR with its key in
parentheses, after a slash or a dash, glued in a sentence; French phones in every notation a form lets
through, and split into a country-code column and a number column; French RIB columns; dumps from
Belgium, Switzerland, Luxembourg, Monaco, Germany, Spain and Italy in their own notations (a country
column deciding the region); cards with dashes, expiry and CVV. Precision: the same with wrong keys,
invoices between companies (SIRET, VAT numbers, the supplier's IBAN), VAT lists, GS1 barcodes,
electricity meter numbers, a phone-format table, chess games, a Debian changelog, a paper's table.
"""

from __future__ import annotations

from tests.blind_probe_harness import (
    Probe,
    e164,
    fr_date,
    fr_spaced,
    grouped,
    iban,
    luhn,
    make_tests,
    spaced_nir,
)
from tests.test_detect_blind_probe_set8 import PEOPLE, compact, digits, ids, rib_key, sl, up

__all__ = ["SET"]

SET = Probe("8b")
case = SET.case
neg = SET.negative

# ================================================================ NIR written unusually

_s = sl(2, 5)


def _nir_forms(v: str, k: int) -> str:
    body, key = v[:13], v[13:]
    return [
        f"{spaced_nir(v)[:-3]} ({key})",
        f"{body} ({key})",
        f"{body}/{key}",
        f"{spaced_nir(v)[:-3]} - {key}",
        f"{body[0]}-{body[1:3]}-{body[3:5]}-{body[5:7]}-{body[7:10]}-{body[10:]} clé {key}",
    ][k]


case(
    "nir_key_in_parens_slash_dash",
    "Nom;Prénom;Email;N° Sécurité sociale\n"
    + "\n".join(f"{up(p.last)};{p.first};{p.email};{_nir_forms(p.nir, k)}" for k, p in enumerate(_s)),
    ids(_s, "en"),
)
_s = sl(7, 3)
case(
    "nir_glued_in_chat_sentences",
    "\n".join(
        [
            f"[21:02] <kevin> bon la cible c'est {_s[0].first} {_s[0].last}, son num de sécu c'est le {_s[0].nir[:13]} clé {_s[0].nir[13:]}",
            f"[21:03] <kevin> tel {fr_spaced(_s[0].mobile)} et elle est née le {fr_date(_s[0].dob)}",
            f"[21:05] <d4rk> la soeur aussi : {_s[1].first} {_s[1].last}, sécu {_s[1].nir}, née le {fr_date(_s[1].dob)}, {compact(_s[1].mobile)}",
            f"[21:07] <kevin> et le père, {_s[2].first}, n° SS {spaced_nir(_s[2].nir)} / portable {_s[2].mobile}",
        ]
    ),
    ids(_s, "np") | ids(_s[:2], "d"),
)

# ================================================================ phones: every notation a form lets through


def _fr_forms(e: str, k: int) -> str:
    n = e[3:]
    sp = fr_spaced(e)
    return [
        f"+33 (0){n[0]} {sp[3:]}",
        f"0033 {n[0]} {sp[3:]}",
        sp.replace(" ", "."),
        f"+33.{n[0]}.{sp[3:].replace(' ', '.')}",
        f"+33 0{n[0]} {sp[3:]}",
        f"(+33) {n[0]} {sp[3:]}",
        f"tel:+33{n}",
        sp.replace(" ", "-"),
        f"+33-{n[0]}-{sp[3:].replace(' ', '-')}",
        f"+33{n[0]} {n[1:5]} {n[5:]}",
    ][k]


_s = sl(10, 10)
case(
    "fr_phone_notations_ten_forms",
    "email,nom,mobile\n" + "\n".join(f"{p.email},{p.last},{_fr_forms(p.mobile, k)}" for k, p in enumerate(_s)),
    ids(_s, "ep"),
)
_s = sl(20, 5)
case(
    "phone_country_code_column_apart",
    "prenom;nom;email;indicatif;numero;naissance\n"
    + "\n".join(
        f"{p.first};{p.last};{p.email};{['+33', '33', '0033', '+33', '33'][k]};{[p.mobile[3:], compact(p.mobile), p.mobile[3:], fr_spaced(p.mobile)[1:].strip(), p.mobile[3:]][k]};{p.dob}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)


def _rib(v: str) -> str:
    return f"{v[4:9]};{v[9:14]};{v[14:25]};{v[25:]}"


_s = sl(25, 4)
case(
    "fr_rib_columns_bank_branch_account_key",
    "titulaire;email;code_banque;code_guichet;num_compte;cle_rib;domiciliation\n"
    + "\n".join(f"{up(p.last)} {p.first};{p.email};{_rib(p.iban)};CIC {p.city.upper()}" for p in _s),
    ids(_s, "e"),
    maybe=ids(_s, "i"),
)
_p = PEOPLE[17]
case(
    "dox_nir_spaced_iban_wrapped_0033",
    f"""=== {up(_p.last)} {_p.first} ===
né(e) le ....... {fr_date(_p.dob)} à {_p.city}
sécu ........... {spaced_nir(_p.nir)}
tél ............ 0033 {_p.mobile[3]} {fr_spaced(_p.mobile)[3:]}
mail ........... {_p.email}
banque ......... {grouped(_p.iban)[:15]}
                 {grouped(_p.iban)[15:]}
adresse ........ {_p.street}, {_p.zip} {_p.city}
""",
    ids([_p], "ndpei"),
)

# ================================================================ neighbouring countries' dumps


def _be_nn(yymmdd: str, serial: str) -> str:
    body = yymmdd + serial
    return body + f"{97 - int(body) % 97:02d}"


def _ch_ahv(body12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _be_bban(ten: str) -> str:
    """A Belgian account number: its last two digits are the first ten mod 97 (97 for 0)."""
    return ten + f"{int(ten) % 97 or 97:02d}"


def _es_bban(bank: str, branch: str, account: str) -> str:
    """A Spanish CCC: two national check digits between the branch and the account."""
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

    def check(ten: str) -> str:
        d = 11 - sum(int(c) * w[i] for i, c in enumerate(ten)) % 11
        return str({11: 0, 10: 1}.get(d, d))

    return bank + branch + check("00" + bank + branch) + check(account) + account


def _es_dni(num: str) -> str:
    return num + "TRWAGMYFPDXBNJZSQVHLCKE"[int(num) % 23]


def _it_cf(body15: str) -> str:
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    total = sum(
        odd[int(c) if c.isdigit() else ord(c) - 65] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65)
        for i, c in enumerate(body15)
    )
    return body15 + chr(65 + total % 26)


def _it_bban(abi_cab_account: str) -> str:
    """An Italian BBAN: its CIN letter is computed like a codice fiscale's check letter."""
    return _it_cf(abi_cab_account)[-1] + abi_cab_account


_BE = [("Wouters", "Lien", "lien.wouters@telenet.be", "0470" + digits(1, "be", 6), "1985-07-30", _be_nn("850730", "033"), iban("BE", _be_bban("0010" + digits(1, "beacc", 6)))),
       ("Dubois", "Arnaud", "arnaud.dubois@skynet.be", "0494" + digits(2, "be", 6), "1972-04-15", _be_nn("720415", "112"), iban("BE", _be_bban("3630" + digits(2, "beacc", 6)))),
       ("Peeters", "Sofie", "sofie.peeters@proximus.be", "0486" + digits(3, "be", 6), "1990-01-01", _be_nn("900101", "245"), iban("BE", _be_bban("0689" + digits(3, "beacc", 6)))),
       ("Janssens", "Bram", "bram.janssens@gmail.com", "0477" + digits(4, "be", 6), "1968-11-23", _be_nn("681123", "061"), iban("BE", _be_bban("7310" + digits(4, "beacc", 6))))]  # fmt: skip


def _be_forms(n: str, k: int) -> str:
    return [
        f"{n[:4]} {n[4:6]} {n[6:8]} {n[8:]}",
        f"{n[:4]}/{n[4:6]}.{n[6:8]}.{n[8:]}",
        f"+32 (0){n[1:4]} {n[4:6]} {n[6:8]} {n[8:]}",
        f"0032 {n[1:4]} {n[4:]}",
    ][k]


case(
    "belgian_dump_local_notations",
    "Naam;Voornaam;E-mail;GSM;Geboortedatum;Rijksregisternummer;Rekeningnummer\n"
    + "\n".join(
        f"{ln};{f};{m};{_be_forms(t, k)};{fr_date(d)};{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]};{grouped(b)}"
        for k, (ln, f, m, t, d, v, b) in enumerate(_BE)
    ),
    {("email", m) for _l, _f, m, *_x in _BE}
    | {("email", "bramjanssens@gmail.com")}
    | {("phone", e164(x[3], "BE")) for x in _BE}
    | {("dob", x[4]) for x in _BE}
    | {("national_id", f"BE:{x[5]}") for x in _BE}
    | {("iban", x[6]) for x in _BE},
)
_CH = [("Favre", "Léa", "lea.favre@bluewin.ch", "079" + digits(1, "ch", 7), "1988-02-14", _ch_ahv("7569217" + digits(1, "ahv", 5)), iban("CH", "00762" + digits(1, "chacc", 12))),
       ("Meier", "Jonas", "jonas.meier@gmx.ch", "076" + digits(2, "ch", 7), "1975-09-03", _ch_ahv("7561234" + digits(2, "ahv", 5)), iban("CH", "00235" + digits(2, "chacc", 12))),
       ("Rochat", "Chloé", "chloe.rochat@sunrise.ch", "078" + digits(3, "ch", 7), "1993-12-30", _ch_ahv("7563456" + digits(3, "ahv", 5)), iban("CH", "09000" + digits(3, "chacc", 12)))]  # fmt: skip
case(
    "swiss_dump_local_notations",
    "Nom;Prénom;Courriel;Natel;Date de naissance;No AVS;IBAN\n"
    + "\n".join(
        f"{ln};{f};{m};{[f'{t[:3]} {t[3:6]} {t[6:8]} {t[8:]}', f'+41 (0){t[1:3]} {t[3:6]} {t[6:8]} {t[8:]}', f'0041 {t[1:3]} {t[3:]}'][k]};{fr_date(d, '.')};{v[:3]}.{v[3:7]}.{v[7:11]}.{v[11:]};{grouped(b)}"
        for k, (ln, f, m, t, d, v, b) in enumerate(_CH)
    ),
    {("email", x[2]) for x in _CH}
    | {("phone", e164(x[3], "CH")) for x in _CH}
    | {("dob", x[4]) for x in _CH}
    | {("national_id", f"CH:{x[5]}") for x in _CH}
    | {("iban", x[6]) for x in _CH},
)
_LU = [("Schmit", "Claude", "claude.schmit@pt.lu", "621" + digits(1, "lu", 6), "1979-05-21", iban("LU", "001" + digits(1, "luacc", 13))),
       ("Hoffmann", "Martine", "martine.hoffmann@internet.lu", "691" + digits(2, "lu", 6), "1984-10-02", iban("LU", "014" + digits(2, "luacc", 13))),
       ("Reuter", "Paul", "paul.reuter@tango.lu", "661" + digits(3, "lu", 6), "1961-03-17", iban("LU", "019" + digits(3, "luacc", 13)))]  # fmt: skip
case(
    "luxembourg_dump_nine_digit_mobiles",
    "nom;prenom;email;gsm;ne_le;iban\n"
    + "\n".join(
        f"{ln};{f};{m};{[f'{t[:3]} {t[3:6]} {t[6:]}', f'+352 {t[:3]} {t[3:6]} {t[6:]}', f'00352{t}'][k]};{fr_date(d)};{grouped(b)}"
        for k, (ln, f, m, t, d, b) in enumerate(_LU)
    ),
    {("email", x[2]) for x in _LU}
    | {("phone", e164(x[3], "LU")) for x in _LU}
    | {("dob", x[4]) for x in _LU}
    | {("iban", x[5]) for x in _LU},
)
_MC = [("Grimaldi", "Stéphanie", "s.grimaldi@monaco.mc", "6" + digits(1, "mc", 8), "1976-06-12", iban("MC", "1122200001" + digits(1, "mcacc", 11) + rib_key("11222", "00001", digits(1, "mcacc", 11)))),
       ("Passeron", "Louis", "louis.passeron@libello.com", "6" + digits(2, "mc", 8), "1958-08-08", iban("MC", "1273900070" + digits(2, "mcacc", 11) + rib_key("12739", "00070", digits(2, "mcacc", 11)))),
       ("Bertani", "Giulia", "giulia.bertani@monaco.mc", "6" + digits(3, "mc", 8), "1999-02-27", iban("MC", "1320800010" + digits(3, "mcacc", 11) + rib_key("13208", "00010", digits(3, "mcacc", 11))))]  # fmt: skip
case(
    "monaco_dump_country_column_mc",
    "nom;prenom;email;pays;telephone;date_naissance;iban\n"
    + "\n".join(
        f"{ln};{f};{m};MC;{[f'+377 {t[0]} {t[1:3]} {t[3:5]} {t[5:7]} {t[7:]}', f'0{t[0]} {t[1:3]} {t[3:5]} {t[5:7]} {t[7:]}', f'00377{t}'][k]};{fr_date(d)};{grouped(b)}"
        for k, (ln, f, m, t, d, b) in enumerate(_MC)
    ),
    {("email", x[2]) for x in _MC}
    | {("phone", e164(x[3], "MC")) for x in _MC}
    | {("dob", x[4]) for x in _MC}
    | {("iban", x[5]) for x in _MC},
)
_DE = [("Müller", "Lukas", "lukas.mueller@web.de", "0151" + digits(1, "de", 8), "1986-03-14", iban("DE", "37040044" + digits(1, "deacc", 10))),
       ("Schäfer", "Anna", "anna.schaefer@gmx.de", "0172" + digits(2, "de", 7), "1991-07-09", iban("DE", "50010517" + digits(2, "deacc", 10))),
       ("Wagner", "Jürgen", "j.wagner@t-online.de", "0160" + digits(3, "de", 7), "1957-12-01", iban("DE", "10020890" + digits(3, "deacc", 10))),
       ("Becker", "Mia", "mia.becker@posteo.de", "0176" + digits(4, "de", 8), "2001-05-26", iban("DE", "20041133" + digits(4, "deacc", 10)))]  # fmt: skip


def _de_forms(n: str, k: int) -> str:
    return [f"{n[:4]} {n[4:]}", f"+49 (0){n[1:4]}-{n[4:7]} {n[7:]}", f"0049 {n[1:4]} {n[4:]}", f"{n[:4]}/{n[4:]}"][k]


case(
    "german_dump_handy_and_geburtsdatum",
    "Vorname;Nachname;E-Mail;Handy;Geburtsdatum;IBAN;Kontoinhaber\n"
    + "\n".join(
        f"{f};{ln};{m};{_de_forms(t, k)};{fr_date(d, '.')};{grouped(b)};{f} {ln}"
        for k, (ln, f, m, t, d, b) in enumerate(_DE)
    ),
    {("email", x[2]) for x in _DE}
    | {("phone", e164(x[3], "DE")) for x in _DE}
    | {("dob", x[4]) for x in _DE}
    | {("iban", x[5]) for x in _DE},
)
_ES = [("García López", "Lucía", "lucia.garcia@telefonica.net", "6" + digits(1, "es", 8), "1983-10-19", _es_dni("4" + digits(1, "dni", 7)), iban("ES", _es_bban("2100", "0418", digits(1, "esacc", 10)))),
       ("Fernández Ruiz", "Javier", "javi.fernandez@yahoo.es", "6" + digits(2, "es", 8), "1970-02-02", _es_dni("5" + digits(2, "dni", 7)), iban("ES", _es_bban("0049", "1500", digits(2, "esacc", 10)))),
       ("Martín Sanz", "Paula", "paula.martin@hotmail.es", "7" + digits(3, "es", 8), "1996-08-31", _es_dni("7" + digits(3, "dni", 7)), iban("ES", _es_bban("0182", "2370", digits(3, "esacc", 10))))]  # fmt: skip
case(
    "spanish_dump_movil_dni",
    "apellidos;nombre;correo;móvil;fecha_nacimiento;dni;iban\n"
    + "\n".join(
        f"{ln};{f};{m};{[f'{t[:3]} {t[3:5]} {t[5:7]} {t[7:]}', f'+34 {t}', f'0034 {t[:3]} {t[3:6]} {t[6:]}'][k]};{fr_date(d)};{v};{grouped(b)}"
        for k, (ln, f, m, t, d, v, b) in enumerate(_ES)
    ),
    {("email", x[2]) for x in _ES}
    | {("phone", e164(x[3], "ES")) for x in _ES}
    | {("dob", x[4]) for x in _ES}
    | {("national_id", f"ES:{x[5]}") for x in _ES}
    | {("iban", x[6]) for x in _ES},
)
_IT = [("Rossi", "Marco", "marco.rossi@libero.it", "333" + digits(1, "it", 7), "1985-12-10", _it_cf("RSSMRC85T10H501"), iban("IT", _it_bban("0542811101" + digits(1, "itacc", 12)))),
       ("Bianchi", "Giulia", "giulia.bianchi@alice.it", "347" + digits(2, "it", 7), "1990-04-22", _it_cf("BNCGLI90D62F205"), iban("IT", _it_bban("0306909606" + digits(2, "itacc", 12)))),
       ("Esposito", "Ciro", "ciro.esposito@virgilio.it", "320" + digits(3, "it", 7), "1962-07-05", _it_cf("SPSCRI62L05F839"), iban("IT", _it_bban("0200802435" + digits(3, "itacc", 12))))]  # fmt: skip
case(
    "italian_dump_cellulare_codice_fiscale",
    "cognome;nome;email;cellulare;data_nascita;codice_fiscale;iban\n"
    + "\n".join(
        f"{ln};{f};{m};{[f'{t[:3]} {t[3:6]} {t[6:]}', f'+39 {t[:3]} {t[3:]}', f'0039 {t}'][k]};{fr_date(d)};{v};{b}"
        for k, (ln, f, m, t, d, v, b) in enumerate(_IT)
    ),
    {("email", x[2]) for x in _IT}
    | {("phone", e164(x[3], "IT")) for x in _IT}
    | {("dob", x[4]) for x in _IT}
    | {("national_id", f"IT:{x[5]}") for x in _IT}
    | {("iban", x[6]) for x in _IT},
)
_s = sl(0, 4)
_amex = [luhn("37" + digits(k, "amex", 12), 15) for k in range(2)]
case(
    "cards_dashes_expiry_cvv_lines",
    "\n".join(
        [
            f"{'-'.join(grouped(_s[0].card).split())} exp 03/27 cvv {digits(0, 'cvv', 3)} {up(_s[0].first)} {up(_s[0].last)}",
            f"{grouped(_s[1].card)} | 11/28 | {digits(1, 'cvv', 3)} | {_s[1].first} {_s[1].last} | {_s[1].email}",
            f"{_s[2].card}|0929|{digits(2, 'cvv', 3)}|{up(_s[2].last)}|{_s[2].zip}",
            f"CC: {_s[3].card[:4]}.{_s[3].card[4:8]}.{_s[3].card[8:12]}.{_s[3].card[12:]} EXP: 2029-01 CVV: {digits(3, 'cvv', 3)}",
            f"{_amex[0][:4]} {_amex[0][4:10]} {_amex[0][10:]} 06/30 {digits(4, 'cvv', 4)} AMEX",
            f"{_amex[1][:4]}-{_amex[1][4:10]}-{_amex[1][10:]} 12/27 {digits(5, 'cvv', 4)} AMEX",
        ]
    ),
    ids(_s, "c") | {("email", _s[1].email)} | {("card", a) for a in _amex},
)

_s = sl(6, 5)
case(
    "two_phones_a_cell_with_notes",
    "nom;email;telephones\n"
    + "\n".join(
        f"{p.last};{p.email};{fr_spaced(p.mobile)} {['(perso)', '/ 02 98 ' + digits(k, 'fixe', 2) + ' 12 ' + digits(k, 'f2', 2) + ' (fixe)', '(après 18h)', '- ' + compact(PEOPLE[(k + 11) % 30].mobile) + ' (conjoint)', '(WhatsApp)'][k]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep") | {("phone", PEOPLE[14].mobile)},
    maybe={("phone", e164("0298" + digits(1, "fixe", 2) + "12" + digits(1, "f2", 2)))},
)
_s = sl(11, 4)
case(
    "track2_dumps_with_pin",
    "=== DUMPS 101 FR (track 2 + PIN) — valid rate 80% ===\n"
    + "\n".join(
        f"{p.card}={28 + k % 2}{k + 3:02d}101{digits(k, 't2', 12)} | PIN {digits(k, 'pin', 4)} | {p.city} {p.zip}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "c"),
)


def _pt_bban(bank_branch_account: str) -> str:
    """A Portuguese NIB: two national check digits, 98 - (number * 100 mod 97)."""
    return bank_branch_account + f"{98 - int(bank_branch_account) * 100 % 97:02d}"


def _nl_account() -> list[str]:
    """Dutch account numbers passing the 11-test (elfproef)."""
    out: list[str] = []
    for k in range(200):
        acc = digits(k, "nlacc", 10)
        if sum(int(c) * (10 - i) for i, c in enumerate(acc)) % 11 == 0:
            out.append(acc)
    return out[:3]


_PT = [("Silva", "Inês", "ines.silva@sapo.pt", "91" + digits(1, "pt", 7), "1989-06-11", iban("PT", _pt_bban("0035" + "0651" + digits(1, "ptacc", 11)))),
       ("Santos", "Rui", "rui.santos@gmail.com", "93" + digits(2, "pt", 7), "1974-01-25", iban("PT", _pt_bban("0007" + "0000" + digits(2, "ptacc", 11)))),
       ("Costa", "Beatriz", "bia.costa@outlook.pt", "96" + digits(3, "pt", 7), "2000-09-14", iban("PT", _pt_bban("0033" + "0000" + digits(3, "ptacc", 11))))]  # fmt: skip
case(
    "portuguese_dump_telemovel",
    "nome;apelido;email;telemóvel;data de nascimento;iban\n"
    + "\n".join(
        f"{f};{ln};{m};{[f'{t[:3]} {t[3:6]} {t[6:]}', f'+351 {t}', f'00351 {t[:3]} {t[3:]}'][k]};{fr_date(d)};{grouped(b)}"
        for k, (ln, f, m, t, d, b) in enumerate(_PT)
    ),
    {("email", x[2]) for x in _PT}
    | {("email", "ruisantos@gmail.com")}
    | {("phone", e164(x[3], "PT")) for x in _PT}
    | {("dob", x[4]) for x in _PT}
    | {("iban", x[5]) for x in _PT},
)
_NL = [("de Vries", "Sanne", "sanne.devries@ziggo.nl", "61" + digits(1, "nl", 7), "1987-02-19"),
       ("Bakker", "Daan", "daan.bakker@kpnmail.nl", "64" + digits(2, "nl", 7), "1979-11-30"),
       ("van Dijk", "Emma", "emma.vandijk@hotmail.nl", "62" + digits(3, "nl", 7), "1995-04-07")]  # fmt: skip
_NL_IBAN = [iban("NL", bank + acc) for bank, acc in zip(["ABNA", "INGB", "RABO"], _nl_account(), strict=True)]
case(
    "dutch_dump_06_dash",
    "achternaam;voornaam;e-mail;mobiel;geboortedatum;iban\n"
    + "\n".join(
        f"{ln};{f};{m};{[f'0{t[0]}-{t[1:]}', f'+31 {t[0]} {t[1:]}', f'0031{t}'][k]};{fr_date(d, '-')};{grouped(b)}"
        for k, ((ln, f, m, t, d), b) in enumerate(zip(_NL, _NL_IBAN, strict=True))
    ),
    {("email", x[2]) for x in _NL}
    | {("phone", e164(x[3], "NL")) for x in _NL}
    | {("dob", x[4]) for x in _NL}
    | {("iban", b) for b in _NL_IBAN},
)

# ================================================================ the same shapes, wrong keys, no one


def _bad(v: str) -> str:
    return v[:-1] + str((int(v[-1]) + 3) % 10)


_s = sl(4, 5)
neg(
    "nir_wrong_keys_in_parens",
    "Nom;N° Sécurité sociale;Ville\n"
    + "\n".join(f"{up(p.last)};{spaced_nir(_bad(p.nir))[:-3]} ({_bad(p.nir)[13:]});{p.city}" for p in _s),
)
neg(
    "cards_wrong_luhn_with_expiry",
    "\n".join(
        f"{'-'.join(grouped(_bad(p.card)).split())} exp 0{k + 1}/2{7 + k % 3} cvv {digits(k, 'cvv', 3)}"
        for k, p in enumerate(sl(9, 5))
    ),
)
neg(
    "iban_wrong_check_digits_be_de_it",
    "Compte;Titulaire\n"
    + "\n".join(
        f"{grouped(b[:2] + f'{(int(b[2:4]) + 1) % 100:02d}' + b[4:])};Compte joint n°{k}"
        for k, b in enumerate([_BE[0][6], _DE[1][5], _IT[2][6], _CH[0][6], PEOPLE[3].iban])
    ),
)
neg(
    "invoice_b2b_siret_vat_supplier_iban",
    f"""FACTURE FA-2026-1187                                   Nantes, le 30/11/2026
Émetteur : ATELIERS DE LA LOIRE SAS, 4 quai de la Fosse, 44000 Nantes
SIRET {luhn("73282932", 9)}{luhn("0001", 5)[-5:]} — RCS Nantes — TVA intracommunautaire FR{(12 + 3 * (int(luhn("73282932", 9)) % 97)) % 97:02d}{luhn("73282932", 9)}
Client : BRETAGNE LOGISTIQUE SARL, ZA de Kergaradec, 29490 Guipavas — SIRET {luhn("40483304", 9)}00022 — TVA FR83{luhn("40483304", 9)}
Désignation                                Qté     PU HT      Total HT
Palettes bois 120x80                       400     9,50       3 800,00
Transport (bon 2026110044)                   1   180,00         180,00
Total HT 3 980,00 — TVA 20 % 796,00 — Total TTC 4 776,00 EUR
Règlement par virement à 30 jours : IBAN {grouped(iban("FR", "30004" + "00821" + "00010417542" + rib_key("30004", "00821", "00010417542")))} — BIC BNPAFRPPNAN
Standard : 02 40 44 12 00 — compta@ateliers-loire.example""",
)
neg(
    "eu_vat_number_list",
    """Liste des numéros de TVA de nos filiales (VIES vérifié le 30/11/2026)
FR 40 303265045      France
BE 0403 019 261      Belgique
DE 811 569 869       Allemagne
IT 00743110157       Italie
ES A-28015865        Espagne
LU 15027442          Luxembourg
NL 8035 80 471 B01   Pays-Bas""",
)
neg(
    "gs1_128_barcode_lines",
    "\n".join(
        f"(01){luhn('0376' + digits(k, 'gtin', 9), 14)}(17){26 + k % 3}{k % 12 + 1:02d}{10 + k}(10)LOT{digits(k, 'lot', 5)}(21){digits(k, 'ser', 9)}"
        for k in range(8)
    ),
)
neg(
    "linky_prm_meter_list_public_buildings",
    "Bâtiment;PRM;Puissance;Tarif;Mise en service\n"
    + "\n".join(
        f"{b};{digits(k, 'prm', 14)};{p} kVA;{t};{fr_date(f'20{12 + k}-0{k + 1}-1{k}')}"
        for k, (b, p, t) in enumerate(
            [
                ("Mairie", 36, "C4"),
                ("École Jules Ferry", 24, "C5"),
                ("Gymnase municipal", 42, "C4"),
                ("Médiathèque", 18, "C5"),
                ("Services techniques", 30, "C5"),
            ]
        )
    ),
)
neg(
    "phone_format_reference_table",
    """Formats de numéros par pays (exemples de la documentation)
Pays        | Format national   | Format international | Exemple
France      | 0X XX XX XX XX    | +33 X XX XX XX XX    | 01 23 45 67 89
Belgique    | 04XX XX XX XX     | +32 4XX XX XX XX     | 0470 00 00 00
Suisse      | 07X XXX XX XX     | +41 7X XXX XX XX     | 078 000 00 00
Allemagne   | 01XX XXXXXXXX     | +49 1XX XXXXXXXX     | 0151 00000000
Espagne     | 6XX XX XX XX      | +34 6XX XX XX XX     | 600 00 00 00""",
)
neg(
    "chess_pgn_games",
    """[Event "Championnat de Bretagne"]
[Site "Brest FRA"]
[Date "1987.03.14"]
[Round "5"]
[White "Le Bihan, Erwan"]
[Black "Kerbrat, Yannick"]
[Result "1-0"]
[WhiteElo "2187"]
[BlackElo "2104"]
[ECO "B90"]

1. e4 c5 2. Nf3 d6 3. d4 cxd4 4. Nxd4 Nf6 5. Nc3 a6 6. Be3 e5 7. Nb3 Be6 8. f3 Be7 9. Qd2 O-O 1-0

[Event "Open de Quimper"]
[Site "Quimper FRA"]
[Date "1992.07.21"]
[Round "2"]
[White "Tanguy, Soizic"]
[Black "Guégan, Hervé"]
[Result "1/2-1/2"]
[ECO "C42"]

1. e4 e5 2. Nf3 Nf6 3. Nxe5 d6 4. Nf3 Nxe4 5. d4 d5 1/2-1/2""",
)
neg(
    "debian_changelog_maintainers",
    """vigie-tools (2.4.1-1) unstable; urgency=medium

  * New upstream release.
  * Bump Standards-Version to 4.7.0.

 -- Gwenaëlle Le Bihan <gwenaelle@debian.org>  Mon, 30 Nov 2026 10:22:31 +0100

vigie-tools (2.4.0-2) unstable; urgency=medium

  * Team upload.
  * d/control: add Rules-Requires-Root: no (Closes: #1084412)

 -- Erwan Kerbrat <ekerbrat@debian.org>  Thu, 12 Nov 2026 18:04:11 +0100

vigie-tools (2.4.0-1) unstable; urgency=low

  * Initial release (Closes: #1071203)

 -- Gwenaëlle Le Bihan <gwenaelle@debian.org>  Sat, 14 Mar 2026 09:00:00 +0100""",
)
neg(
    "paper_table_anonymised_subjects",
    """Table 2. Baseline characteristics of the enrolled subjects (n = 6)
Subject  Age  Sex  BMI   HbA1c (%)  eGFR   Enrolled     Follow-up (months)
S-001    54   F    27.1  7.2        88     2024-03-14   18
S-002    61   M    31.4  8.1        72     2024-03-21   17
S-003    47   F    24.9  6.9        95     2024-04-02   17
S-004    69   M    29.8  7.8        61     2024-04-11   16
S-005    58   F    33.0  8.4        70     2024-05-06   15
S-006    63   M    26.2  7.0        83     2024-05-20   15
Values are raw measurements; subjects are identified by study code only.""",
)


def _rf(ref: str) -> str:
    """An ISO 11649 creditor reference: RF, two mod-97 check digits, the reference."""
    num = int("".join(str(int(c, 36)) for c in ref + "RF00"))
    return f"RF{98 - num % 97:02d}{ref}"


neg(
    "sepa_creditor_references_rf",
    "Relevé des virements reçus — novembre 2026\nDate;Montant;Référence structurée;Libellé\n"
    + "\n".join(
        f"{fr_date(f'2026-11-{10 + k}')};{120 + k * 37},00;{grouped(_rf('5390' + digits(k, 'rf', 12)))};FACT 2026-{1100 + k}"
        for k in range(5)
    ),
)
neg(
    "isin_portfolio_statement",
    """Relevé de portefeuille au 30/11/2026 — compte titres (PEA)
ISIN            Libellé                    Quantité   Cours      Valorisation
FR0000120271    TOTALENERGIES SE           40         58,12      2 324,80
FR0000131104    BNP PARIBAS ACT.A          25         63,40      1 585,00
FR0000120578    SANOFI                     12         91,55      1 098,60
FR0010307819    LEGRAND                    8          98,20        785,60
LU1681043599    AMUNDI MSCI WORLD UCITS    30        512,03     15 360,90
IE00B4L5Y983    ISHARES CORE MSCI WORLD    10         98,77        987,70""",
)
neg(
    "fleet_vin_list",
    """Parc véhicules — service technique
Immat.     VIN                  Modèle              Mise en circ.  Km
GH-412-KL  VF1RFB00X67123456    Renault Mégane      14/03/2021     61 204
FT-880-AB  VF3MCYHZRKS012345    Peugeot 3008        02/07/2020     88 410
HJ-017-QZ  WVWZZZAWZLY098765    Volkswagen Polo     21/11/2022     23 977
EK-223-TR  VF7SXHNZTGT445566    Citroën C4          09/09/2019    112 300""",
)
neg(
    "genealogy_ancestors_1800s",
    """Arbre de la famille Le Bihan — ascendance (sources : registres paroissiaux, état civil)
Sosa 8  Yves LE BIHAN, né le 14/03/1851 à Plouguerneau, décédé le 02/11/1912, cultivateur
Sosa 9  Marie-Anne KERBRAT, née le 21/07/1855 à Lannilis, décédée le 30/01/1931
Sosa 10 Jean-Marie TANGUY, né le 06/02/1849 à Landéda, décédé le 17/05/1899, marin
Sosa 11 Françoise GUÉGAN, née le 11/12/1853 à Plouguerneau, décédée le 08/08/1920
Sosa 12 Hervé MORVAN, né le 03/04/1860 à Brest, décédé le 19/10/1918, ouvrier de l'arsenal""",
)

neg(
    "go_test_table_reference_vectors",
    """func TestValidateNIR(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"295109912611193", true},
		{"253072B07300470", true},
		{"188057208107893", true},
		{"295109912611199", false}, // bad key
		{"253072C07300443", false}, // bad format
	}
	for _, c := range cases {
		if got := ValidateNIR(c.in); got != c.want {
			t.Errorf("ValidateNIR(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestIBAN(t *testing.T) {
	for _, v := range []string{"FR1420041010050500013M02606", "DE89370400440532013000", "GB82WEST12345698765432"} {
		if !ValidIBAN(v) {
			t.Fatal(v)
		}
	}
}""",
)
neg(
    "company_directory_switchboards",
    """Annuaire interne — Ateliers de la Loire (mise à jour 30/11/2026)
Service                 Ligne directe      Poste   Fax
Accueil / standard      02 40 44 12 00     100     02 40 44 12 99
Comptabilité            02 40 44 12 10     110     —
Ressources humaines     02 40 44 12 20     120     —
Atelier (quai 4)        02 40 44 12 40     140     —
Astreinte maintenance   02 40 44 12 55     155     —
Courriel générique : contact@ateliers-loire.example""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "nir_glued_in_chat_sentences": "a Corsican NIR (2A) written compact in a chat sentence ('sécu 2950...2A...') is missed",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 29): a regression fails.
FLOORS = {"recall": 0.94, "precision": 0.92}
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
