# ruff: noqa: E501  (a tool's line is kept whole, as the tool prints it)
"""Recall round 11: leaks as analysts' tools print them (blind probe set 9, wave 30), each written
again with other people, tools, separators and sizes, so that a fix holds for its class and not for
the probe's one example (`indexer.detect.toolprints`):

- a search's file and line prefix (`grep -rn`, `grep -H`, `rg -n --column`, `ag`): read as a
  combo's `login:password`, nothing found (set 9's grep_recursive_file_line_match);
- a terminal's caret notation (`cat -A`, `cat -vET`, `less -U`, vim's `:set list`): `^I` tabs, `$`
  ends, `^M` carriage returns, `M-` bytes (cat_show_all_tabs_and_crlf_markers);
- a word diff (`git diff --word-diff`, `wdiff`): `[-old-]{+new+}`, the new value glued to the old
  one and lost (git_word_diff_phone_changes_in_rows).

Each class has negatives of its shape that hold no one (a grep of source code, a `cat -A` of a
config file or of sensor readings, a word diff of a config). Scoring as the blind probes: a
positive's identifiers of the scored types equal the expected set; a negative's hold none of the
types it bans. The positives failed before this round's change on both engines (guards marked so
excepted); both engines give the same fragments; `detect_many` (the crawl's road) finds what
`detect` does. Values are synthetic: made-up people, numbers libphonenumber calls valid."""

from __future__ import annotations

import json
import unicodedata

from indexer.tokens import MatchKey
from tests.blind_probe_harness import e164, nir
from tests.native_core import people_ids, recall_file_tests

KEY = MatchKey(b"\x3b" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id", "credential"})
Ids = set[tuple[str, str]]

_FIRST = ["Gwendal", "Océane", "Killian", "Anaïs", "Erwan", "Noémie", "Yannick", "Léna", "Bastien", "Maïwenn", "Jordan", "Élise"]
_LAST = ["Le Floch", "Tanguy", "Kerjean", "Guillou", "Bellec", "Prigent", "Cadiou", "Le Roux", "Jézéquel", "Cloarec", "Salaün", "Riou"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "hotmail.fr", "yahoo.fr", "outlook.fr"]


def _person(i: int) -> dict[str, str]:
    first, last = _FIRST[i % 12], _LAST[(i * 7 + 3) % 12]
    plain = unicodedata.normalize("NFKD", first.lower()).encode("ascii", "ignore").decode()
    plain_last = unicodedata.normalize("NFKD", last.lower()).encode("ascii", "ignore").decode().replace(" ", "")
    y, m, d = 1948 + (i * 17) % 55, 1 + (i * 7) % 12, 1 + (i * 13) % 28
    national = f"06{(31728465 + i * 8117) % 10**8:08d}" if i % 2 else f"07{(62013574 + i * 4421) % 10**8:08d}"
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{(29 + i * 5) % 89 + 1:02d}{(317 + i * 41) % 989 + 1:03d}{(523 + i * 67) % 989 + 1:03d}"
    return {
        "first": first,
        "last": last,
        "mail": f"{plain}.{plain_last}{i + 7}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "spaced": " ".join(national[k:k + 2] for k in range(0, 10, 2)),
        "e164": e164(national),
        "iso": f"{y}-{m:02d}-{d:02d}",
        "fr": f"{d:02d}/{m:02d}/{y}",
        "nir": nir(body),
        "pw": f"Kz{i}!pass{1990 + i}",
    }


PEOPLE = [_person(i) for i in range(24)]
_ids = people_ids


def _up(s: str) -> str:
    return s.upper()


POSITIVES: dict[str, tuple[str, Ids]] = {}
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {}

# ------------------------------------------------------------------ a search's file and line prefixes

_A = PEOPLE[0:5]
POSITIVES["grep__H_no_line_numbers_semicolon_rows_two_files (guard)"] = (
    "$ grep -H -i 'finistere' dumps/*.txt\n"
    + "\n".join(f"dumps/{'adherents' if n < 3 else 'relances_2025'}.txt:{_up(p['last'])};{p['first']};{p['mail']};{p['spaced']};{p['fr']}" for n, p in enumerate(_A)),
    _ids(_A, "mail phone dob"),
)
_B = PEOPLE[5:9]
POSITIVES["grep__rg_line_and_column_pipe_rows"] = (
    "$ rg -n --column --no-heading '@' exports/\n"
    + "\n".join(f"exports/crm/users.psv:{120 + n * 37}:1:{p['mail']}|{p['e164']}|{p['iso']}|{p['last']}" for n, p in enumerate(_B)),
    _ids(_B, "mail phone dob"),
)
_C = PEOPLE[9:14]
POSITIVES["grep__ag_dot_slash_paths_group_separators_numbers_restart"] = (
    "\n--\n".join(f"./base/{'a' if n % 2 else 'b'}/clients.csv:{7 + n}:{_up(p['last'])},{p['first']},{p['nir']},{p['mail']}" for n, p in enumerate(_C)),
    _ids(_C, "mail nir"),
)
_D = PEOPLE[14:17]
POSITIVES["grep__rn_combo_lines_credentials_kept"] = (
    "\n".join(f"leaks/combos/fr_mix.txt:{88 + n * 5}:{p['mail']}:{p['pw']}" for n, p in enumerate(_D)),
    _ids(_D, "mail cred"),
)
NEGATIVES["grep__source_code_search"] = (
    "$ grep -rn 'birth' src/\n"
    "src/models/user.py:14:    birth_date = models.DateField(null=True)\n"
    "src/models/user.py:15:    phone = models.CharField(max_length=20)\n"
    "src/api/serializers.py:31:        fields = ['email', 'phone', 'birth_date']\n"
    "src/api/tests.py:88:        self.assertEqual(r.json()['created'], '2024-03-11')\n"
    "src/api/tests.py:102:        user = make_user(email='test@example.com', birth_date='2000-01-01')\n",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["grep__log_search_versions_and_times"] = (
    "\n".join(f"logs/app-2025-0{n + 1}-1{n}.log:{400 + n * 12}:2025-0{n + 1}-1{n} 08:1{n}:0{n} WARN build 4.1{n}.0 took 1{n}03 ms" for n in range(5)),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ caret notation: ^I tabs, $ ends, M- bytes


def _m_notation(s: str) -> str:
    """`cat -v`'s view of `s`'s UTF-8: each byte over 127 as `M-` and its low 7 bits, caret-escaped."""
    out = []
    for b in s.encode("utf-8"):
        if b < 0x80:
            out.append(chr(b))
        else:
            c = b & 0x7F
            out.append("M-" + ("^" + chr(c ^ 0x40) if c < 0x20 else "^?" if c == 0x7F else chr(c)))
    return "".join(out)


_E = PEOPLE[2:6]
POSITIVES["caret__cat_A_semicolons_crlf_accents_as_M_bytes"] = (
    "$ cat -A clients_export.csv\n"
    + "nom;prenom;email;tel;ne_le^M$\n"
    + "\n".join(_m_notation(f"{_up(p['last'])};{p['first']};{p['mail']};{p['national']};{p['fr']}") + "^M$" for p in _E),
    _ids(_E, "mail phone dob"),
)
_F = PEOPLE[6:10]
POSITIVES["caret__cat_vET_tsv_no_cr_iso_births_and_nir"] = (
    "\n".join(f"{p['first']}^I{_up(p['last'])}^I{p['iso']}^I{p['nir']}^I{p['mail']}$" for p in _F) + "\n$\n",
    _ids(_F, "mail dob nir"),
)
_G = PEOPLE[10:14]
POSITIVES["caret__less_U_tabs_and_cr_no_dollar"] = (
    "\n".join(f"{n + 1}^I{_up(p['last'])}^I{p['first']}^I{p['mail']}^I{p['spaced']}^I{p['fr']}^M" for n, p in enumerate(_G)),
    _ids(_G, "mail phone dob"),
)
_H = PEOPLE[14:18]
POSITIVES["caret__vim_list_mode_tabs_and_dollars_english_header"] = (
    "email^Iphone^Idate_of_birth$\n" + "\n".join(f"{p['mail']}^I{p['e164']}^I{p['iso']}$" for p in _H),
    _ids(_H, "mail phone dob"),
)
NEGATIVES["caret__cat_A_config_file"] = (
    "$ cat -A /etc/app/app.conf\n[server]$\nport^I=^I8080$\ntimeout^I=^I30$\nstarted^I=^I2024-03-11$\nadmin_contact^I=^Iops$\n$\n",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["caret__cat_A_sensor_readings"] = (
    "\n".join(f"2025-0{n + 1}-1{n}T0{n}:00:00^I{19 + n}.{n}^I{40 + n}^I0{n}-A^M$" for n in range(6)),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ word diffs: [-old-]{+new+}

_I = PEOPLE[16:20]
_I2 = PEOPLE[20:24]
POSITIVES["word_diff__wdiff_emails_changed_space_between"] = (
    "$ wdiff old/membres.txt new/membres.txt\n"
    + "\n".join(f"{_up(p['last']).replace(' ', '')} {p['first']} [-{p['mail']}-] {{+{q['mail']}+}} {p['spaced']} {p['fr']}" for p, q in zip(_I, _I2, strict=True)),
    _ids(_I, "mail phone dob") | _ids(_I2, "mail"),
)
_J = PEOPLE[0:4]
POSITIVES["word_diff__git_births_corrected_pipe_rows"] = (
    "diff --git a/export.psv b/export.psv\n@@ -3,4 +3,4 @@\n"
    + "\n".join(f"{_up(p['last'])}|{p['first']}|{p['mail']}|[-{q['fr']}-]{{+{p['fr']}+}}|{p['nir']}" for p, q in zip(_J, PEOPLE[4:8], strict=True)),
    _ids(_J, "mail dob nir") | {("dob", q["iso"]) for q in PEOPLE[4:8]},
)
_K = PEOPLE[8:12]
POSITIVES["word_diff__only_insertions_phone_column_filled"] = (
    "@@ -1,6 +1,6 @@\nnom,prenom,email,mobile,naissance\n"
    + "\n".join(f"{_up(p['last'])},{p['first']},{p['mail']},{{+{p['national']}+}},{p['iso']}" for p in _K)
    + f"\n{_up(PEOPLE[12]['last'])},{PEOPLE[12]['first']},{PEOPLE[12]['mail']},{PEOPLE[12]['national']},{PEOPLE[12]['iso']}",
    _ids([*_K, PEOPLE[12]], "mail phone dob"),
)
NEGATIVES["word_diff__config_changes"] = (
    "diff --git a/config.yml b/config.yml\n@@ -1,6 +1,6 @@\n"
    "version: [-1.4.2-]{+1.4.3+}\ntimeout: [-30-]{+60+}\nrelease_date: [-2024-01-03-]{+2024-02-03+}\n"
    "support_hours: 9h-18h\nbuild: [-20240103.1-]{+20240203.4+}\nmax_upload: [-0612-]{+0712+} MB\n",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["word_diff__prose_edits"] = (
    "La réunion du [-12/03/2025-]{+19/03/2025+} est déplacée, salle [-B12-]{+C4+}.\n"
    "Merci de confirmer avant [-vendredi-]{+lundi+} midi.\nOrdre du jour inchangé.\n",
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ the INS: the NIR under a health record's names


def _spaced_nir(v: str) -> str:
    return f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}"


_L = PEOPLE[3:7]
POSITIVES["ins__insi_answers_four_identities_the_last_read_too"] = (
    "\n\n".join(f"Téléservice INSi — appel {4410 + n} : identité qualifiée\nMatricule INS : {p['nir']} (OID 1.2.250.1.213.1.4.8)\n"
                f"Nom de naissance : {_up(p['last'])}\nPrénom(s) : {_up(p['first'])}\nDate de naissance : {p['iso']}\nCode lieu de naissance : 29{232 + n}"
                for n, p in enumerate(_L)),
    _ids(_L, "dob nir"),
)
_M = PEOPLE[8:11]
POSITIVES["ins__n_ins_spaced_and_birth_day_first"] = (
    "\n\n".join(f"Fiche {n + 1}\nN° INS : {_spaced_nir(p['nir'])}\nNom : {_up(p['last'])}\nNé(e) le : {p['fr']}\nService : consultation"
                for n, p in enumerate(_M)),
    _ids(_M, "dob nir"),
)
_N = PEOPLE[12:16]
POSITIVES["ins__dmp_export_matricule_ins_column (guard)"] = (
    "matricule_ins;nom_naissance;prenom;date_naissance;sexe\n"
    + "\n".join(f"{p['nir']};{_up(p['last'])};{p['first']};{p['fr']};{'F' if p['nir'][0] == '2' else 'M'}" for p in _N),
    _ids(_N, "dob nir"),
)
NEGATIVES["ins__insurance_ins_column_policy_numbers"] = (
    "ref;ins;montant;echeance\n" + "\n".join(f"C-{n};{(874512093311 + n * 7919) * 1000 + n:015d};{120 + n},00;2025-0{n + 1}-15" for n in range(5)),
    frozenset({"nir", "dob"}),
)

# ------------------------------------------------------------------ a labelled line a record, result lines under it

_O = PEOPLE[16:20]
POSITIVES["results__english_name_dob_tel_then_three_lines_each"] = (
    "\n\n".join(f"NAME: {_up(p['last'])}, {p['first']}   DOB: {p['fr']}   Tel: {p['e164']}\nSample: serum\nResult: HBsAg ... positive\nNote: refer to hepatology"
                for p in _O),
    _ids(_O, "phone dob"),
)
_P = PEOPLE[20:23]
POSITIVES["results__french_patient_nee_le_portable_then_results (guard)"] = (
    "\n\n".join(f"Patient : {_up(p['last'])} {p['first']}   Né(e) le : {p['fr']}   Portable : {p['spaced']}\nGlycémie à jeun ..... 1,32 g/L\nHbA1c ............... 7,4 %"
                for p in _P),
    _ids(_P, "phone dob"),
)
_Q = PEOPLE[0:3]
POSITIVES["results__pipes_between_pairs_then_notes"] = (
    "\n\n".join(f"Nom: {_up(p['last'])} | DDN: {p['iso']} | Mail: {p['mail']}\nNotes: rappel J+7\nStatut: à recontacter" for p in _Q),
    _ids(_Q, "mail dob"),
)
NEGATIVES["results__flights_labelled_then_lines"] = (
    "\n\n".join(f"Vol: AF{1200 + n}   Date: 1{n}/03/2025   Porte: K{40 + n}\nEmbarquement: 10h{n}5\nStatut: à l'heure" for n in range(4)),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ a log's rows ending in a quoted message

_R = PEOPLE[4:9]
_MSG = ["Bonjour {f}, votre colis est arrivé au relais.", "Bonjour {f}, rappel : RDV demain 9h30 avec le Dr Le Goff (merci de venir 10 min avant).",
        "{f}, votre code est 4410.", "Bonjour {f}, votre commande a été expédiée aujourd'hui, suivi sous 24h.", "Rappel {f} : paiement reçu, merci !"]
POSITIVES["quoted_tail__sms_gateway_messages_of_any_length"] = (
    "\n".join(f"2025-02-1{n} 10:0{n}:1{n} [smsd] delivered to {p['national']} \"{_MSG[n].format(f=p['first'])}\"" for n, p in enumerate(_R)),
    _ids(_R, "phone"),
)
_S = PEOPLE[10:14]
POSITIVES["quoted_tail__mailer_log_subject_quoted"] = (
    "\n".join(f"Mar 0{n + 2} 08:1{n}:00 newsletter[2231]: SENT to {p['mail']} \"{_MSG[n].format(f=p['first'])}\"" for n, p in enumerate(_S)),
    _ids(_S, "mail"),
)
_T = PEOPLE[15:19]
POSITIVES["quoted_tail__whatsapp_api_log_e164_first_row_longest"] = (
    "\n".join(f"[2025-03-0{n + 1} 09:1{n}] OUT {p['e164']} template=rappel_rdv \"{('Bonjour ' + p['first'] + ', votre rendez-vous de contrôle au centre de santé est confirmé pour jeudi à 14h, salle 3, rez-de-chaussée.') if n == 0 else 'Bonjour ' + p['first'] + ', RDV confirmé.'}\"" for n, p in enumerate(_T)),
    _ids(_T, "phone"),
)
NEGATIVES["quoted_tail__web_access_log"] = (
    "\n".join(f"10.0.0.{n + 4} - - [12/Mar/2025:10:0{n}:00 +0100] \"GET /produits/{n} HTTP/1.1\" 200 {5120 + n} \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/12{n}.0\"" for n in range(5)),
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["quoted_tail__build_log_messages"] = (
    "\n".join(f"2025-01-0{n + 1} 12:00:0{n} job {4410 + n} step {n} msg=\"compiled {120 + n} files in {n + 2}.{n}s, cache hit 9{n}%\"" for n in range(5)),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ a print's elision row between its head and tail


def _frame(rows: list[tuple[str, dict[str, str]]], cols: list[tuple[str, str]], idx_w: int = 7) -> str:
    """A pandas-like print: a header of column names, each row its index then its cells right-aligned."""
    ws = [max(len(h), *(len(p[k]) if p else 3 for _, p in rows)) + 2 for h, k in cols]
    head = " " * idx_w + "".join(f"{h:>{w}}" for (h, _), w in zip(cols, ws, strict=True))
    body = [f"{ix:<{idx_w}}" + "".join(f"{(p[k] if p else '...'):>{w}}" for (_, k), w in zip(cols, ws, strict=True)) for ix, p in rows]
    return head + "\n" + "\n".join(body)


_U = PEOPLE[0:7]
POSITIVES["elided__pandas_five_then_two_rows_nir_and_births"] = (
    ">>> patients\n" + _frame([(str(n), p) for n, p in enumerate(_U[:5])] + [("...", {})] + [(str(99993 + n), p) for n, p in enumerate(_U[5:])],
                             [("nom", "last"), ("secu", "nir"), ("naissance", "fr")]) + "\n\n[99995 rows x 3 columns]\n",
    _ids(_U, "dob nir"),
)
_V = PEOPLE[10:15]
POSITIVES["elided__head_three_then_tail_two_email_phone_iso"] = (
    "In [7]: df\nOut[7]:\n" + _frame([(str(n), p) for n, p in enumerate(_V[:3])] + [("...", {})] + [(str(48210 + n), p) for n, p in enumerate(_V[3:])],
                                    [("nom", "first"), ("email", "mail"), ("mobile", "national"), ("ddn", "iso")], idx_w=6) + "\n",
    _ids(_V, "mail phone dob"),
)
_W = PEOPLE[15:20]
POSITIVES["elided__single_ellipsis_line_between_rows"] = (
    "\n".join(f"{_up(p['last']).replace(' ', '_')}  {p['first']}  {p['mail']}  {p['fr']}" for p in _W[:3]) + "\n…\n"
    + "\n".join(f"{_up(p['last']).replace(' ', '_')}  {p['first']}  {p['mail']}  {p['fr']}" for p in _W[3:]),
    _ids(_W, "mail dob"),
)
NEGATIVES["elided__pandas_stock_print"] = (
    ">>> stock\n" + "\n".join(["       sku   qty    updated", *(f"{n:<7}A-{4410 + n}  {12 + n}  2025-0{n + 1}-1{n}" for n in range(3)),
                                "...    ...   ...        ...", *(f"{9000 + n:<7}B-{8810 + n}  {3 + n}  2025-0{n + 4}-0{n + 1}" for n in range(3))]) + "\n",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["elided__sensor_readings_print"] = (
    "\n".join([*(f"{n}  2025-01-0{n + 1}T10:00  {19 + n}.5  {40 + n}" for n in range(3)), "...  ...  ...  ...",
               *(f"{86390 + n}  2025-03-0{n + 1}T10:00  {21 + n}.0  {50 + n}" for n in range(3))]) + "\n",
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ a notebook's outputs: a text kept as JSON strings, one a line


def _nb(outputs: list[dict[str, object]], source: list[str], indent: int = 1) -> str:
    """A notebook as nbformat writes it (each multi-line string an array of lines, `indent` 1)."""
    return json.dumps({"cells": [{"cell_type": "code", "execution_count": 4, "metadata": {}, "source": source, "outputs": outputs}],
                       "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5},
                      ensure_ascii=False, indent=indent)


def _lines(text: str) -> list[str]:
    return [ln + "\n" for ln in text.split("\n")[:-1]] + [text.split("\n")[-1]]


_X = PEOPLE[2:7]
POSITIVES["notebook__text_plain_frame_nir_and_births_day_first"] = (
    _nb([{"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": _lines(
        _frame([(str(n), p) for n, p in enumerate(_X)], [("nom", "last"), ("prenom", "first"), ("nir", "nir"), ("date_naissance", "fr")], idx_w=3))}}],
        ["df = pd.read_sql('select * from assures', con)\n", "df.head()"]),
    _ids(_X, "dob nir"),
)
_Y = PEOPLE[8:12]
POSITIVES["notebook__stdout_stream_semicolon_rows_indent_two"] = (
    _nb([{"output_type": "stream", "name": "stdout", "text": _lines("\n".join(f"{_up(p['last'])};{p['first']};{p['mail']};{p['spaced']};{p['iso']}" for p in _Y) + "\n")}],
        ["for row in rows[:4]:\n", "    print(';'.join(row))"], indent=2),
    _ids(_Y, "mail phone dob"),
)
_Z = PEOPLE[13:17]
POSITIVES["notebook__markdown_cell_pasted_tab_rows"] = (
    json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": _lines("## échantillon\n" + "\n".join(
        f"{p['first']}\t{_up(p['last'])}\t{p['fr']}\t{p['e164']}\t{p['mail']}" for p in _Z))}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
        ensure_ascii=False, indent=1),
    _ids(_Z, "mail phone dob"),
)
NEGATIVES["notebook__sensor_frame_output"] = (
    _nb([{"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": _lines(
        "                 ts  temp  hum  station\n" + "\n".join(f"{n}  2025-0{n + 1}-1{n} 10:00  {19 + n}.5  {40 + n}  BRE-0{n}" for n in range(5)))}}],
        ["df = load_station('BRE')\n", "df.head()"]),
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["notebook__code_cells_only"] = (
    _nb([], _lines("import pandas as pd\nfrom datetime import date\n\ndf = pd.read_csv('clients.csv', sep=';', dtype=str)\n"
                   "df['ddn'] = pd.to_datetime(df['ddn'], format='%d/%m/%Y')\nprint(df.shape, date(1985, 4, 12))")),
    frozenset({"dob", "phone", "nir", "email"}),
)

# ------------------------------------------------------------------ a wide frame printed in column blocks (pandas' ` \`)


def _wide(rows: list[tuple[str, dict[str, str]]], blocks: list[list[tuple[str, str]]], idx_w: int = 6) -> str:
    """A pandas-like wide print: each block of columns under its own header, all but the last ending in ` \\`."""
    out = []
    for b, cols in enumerate(blocks):
        ws = [max(len(h), *(len(p[k]) for _, p in rows)) + 2 for h, k in cols]
        tail = "  \\" if b < len(blocks) - 1 else "  "
        out.append(" " * idx_w + "".join(f"{h:>{w}}" for (h, _), w in zip(cols, ws, strict=True)) + tail + "\n"
                   + "\n".join(f"{ix:<{idx_w}}" + "".join(f"{p[k]:>{w}}" for (_, k), w in zip(cols, ws, strict=True)) + "   "
                               for ix, p in rows))
    return "\n\n".join(out)


_AA = PEOPLE[1:5]
POSITIVES["wide__three_blocks_name_then_mail_then_nir_and_birth (guard)"] = (
    ">>> clients.head(4)\n" + _wide([(str(n), p) for n, p in enumerate(_AA)],
                                    [[("nom", "last"), ("prenom", "first")], [("courriel", "mail")], [("nir", "nir"), ("ne_le", "fr")]]) + "\n",
    _ids(_AA, "mail dob nir"),
)
_AB = PEOPLE[5:10]
POSITIVES["wide__big_index_phone_and_iso_birth_in_second_block"] = (
    "In [12]: df.tail()\nOut[12]:\n" + _wide([(str(184305 + n), p) for n, p in enumerate(_AB)],
                                            [[("prenom", "first"), ("nom", "last"), ("email", "mail")], [("mobile", "national"), ("date_naissance", "iso")]], idx_w=8)
    + "\n\n[5 rows x 5 columns]\n",
    _ids(_AB, "mail phone dob"),
)
_AC = PEOPLE[11:14]
POSITIVES["wide__three_rows_name_block_then_phone_birth_block"] = (
    _wide([(str(n), p) for n, p in enumerate(_AC)], [[("last_name", "last"), ("first_name", "first")], [("phone", "e164"), ("dob", "fr")]]),
    _ids(_AC, "phone dob"),
)
NEGATIVES["wide__stock_frame_two_blocks"] = (
    ">>> stock.head(3)\n" + "\n\n".join((
        "          sku                    libelle  \\\n" + "\n".join(f"{n}  A-{4410 + n}  Carton double cannelure {n}   " for n in range(3)),
        "    qty     updated  entrepot\n" + "\n".join(f"{n}  {12 + n}  2025-0{n + 1}-1{n}  BREST-{n}" for n in range(3)))) + "\n",
    frozenset({"dob", "phone", "nir", "email"}),
)
NEGATIVES["wide__sensor_frame_two_blocks"] = (
    "\n\n".join((
        "     station                   ts  \\\n" + "\n".join(f"{n}  BRE-0{n}  2025-0{n + 1}-0{n + 1} 10:00   " for n in range(4)),
        "   temp  hum\n" + "\n".join(f"{n}  {19 + n}.5  {40 + n}" for n in range(4)))) + "\n",
    frozenset({"dob", "phone", "nir", "email"}),
)

globals().update(recall_file_tests(POSITIVES, NEGATIVES, SCORED, KEY))
