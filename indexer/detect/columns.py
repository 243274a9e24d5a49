"""Column and label names, French and English, mapped to the role of the values under them.

Typing a column by its header is where precision comes from: a 9-digit Luhn number is a SIREN
under `siren`, an ADELI under `adeli`, and nothing at all in free text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import phonenumbers

from indexer import engine
from indexer import identifiers as ids
from indexer._re2fast import contains
from indexer.article9 import HEADER_CATEGORIES, fold
from indexer.detect.roles import Role, region_of_header
from indexer.redact import ADDRESS, net_patterns

__all__ = ["LUHN_ID_ROLES", "ROLES", "STRONG_ROLES", "infer_roles", "names_a_luhn_column", "norm_name",
           "other_person_role", "role_of"]

_NON = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """`Date de naissance`, `date_naissance`, `"DateNaissance"` -> comparable keys."""
    s = name.strip().strip("`\"'[] ")
    # camelCase -> snake
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", s)
    return _NON.sub("_", fold(s.replace("ß", "ss"))).strip("_")


_GROUPS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e_mail", "mail", "courriel", "adresse_mail", "adresse_email", "adresse_e_mail", "email_address",
              "mail_address", "adresse_electronique", "user_email", "emailaddress", "contact_email", "correo",
              "correo_electronico", "mailadresse", "e_mail_adresse", "posta_elettronica", "email_adres",
              "mel", "adr_mail", "adr_email", "adrmail", "adremail", "adresse_courriel"),
    "phone": ("telephone", "tel", "phone", "mobile", "portable", "gsm", "phone_number", "tel_mobile",
              "tel_fixe", "numero_telephone", "num_tel", "cellphone", "cell", "telephone_portable",
              "phonenumber", "mobile_phone", "home_phone", "fixe", "tel_portable", "telephone_mobile",
              "numero", "num_telephone", "no_tel", "n_tel", "telefono", "movil", "cellulare", "telefon", "handy",
              "mobil", "mobilnummer", "telefonnummer", "rufnummer", "telefoon", "mobiel", "natel", "telemovel",
              "telefoonnummer", "mobielnummer", "mobiel_nummer", "gsmnummer", "gsm_nummer",
              "telefone", "celular", "tel2", "phone2", "telephone2", "msisdn", "cell_phone", "fax", "telecopie",
              "mob", "whatsapp", "whats_app", "numero_whatsapp", "contact_phone", "telefonnummer_mobil",
              "portable_perso",
              # a directory's column ("Direct line" is no address's line)
              "direct_line", "direct_lines", "direct_dial"),
    "nir": ("nir", "num_secu", "numero_secu", "numero_securite_sociale", "secu", "ssn", "insee",
            "no_ss", "n_ss", "numero_ss", "securite_sociale", "nss", "num_ss", "n_secu", "no_secu",
            "numero_de_securite_sociale", "social_security_number", "matricule_secu", "social_security",
            "carte_vitale", "num_carte_vitale",
            # the INS (a health record's national identifier: the NIR under its INSi name, `Matricule INS`)
            "matricule_ins", "ins", "numero_ins", "num_ins", "n_ins", "ins_nir", "matricule_ins_nir"),
    "iban": ("iban", "rib", "compte_iban", "bank_account", "numero_iban", "compte_bancaire", "kontonummer",
             "account_number", "bank_account_number", "cuenta_bancaria", "conto_corrente", "rekeningnummer"),
    "card": ("card", "card_number", "cb", "numero_carte", "carte", "cc_number", "pan", "credit_card",
             "cardnumber", "carte_bancaire", "num_carte", "cc", "ccnum", "credit_card_number", "card_num",
             "numero_cb", "num_cb", "cc_no", "card_no", "kreditkarte", "tarjeta", "numero_tarjeta"),
    "siren": ("siren", "num_siren", "numero_siren"),
    "siret": ("siret", "num_siret", "numero_siret"),
    "rpps": ("rpps", "num_rpps", "numero_rpps", "id_rpps"),
    "adeli": ("adeli", "num_adeli", "numero_adeli"),
    "dob": ("date_naissance", "date_de_naissance", "naissance", "ddn", "dob", "birthdate", "birth_date",
            "date_of_birth", "birthday", "ne_le", "nee_le", "ne_e_le", "datenaissance", "date_naiss",
            "dt_naissance", "geburtsdatum", "fecha_nacimiento", "fecha_de_nacimiento", "data_nascita",
            "data_di_nascita", "geboortedatum", "data_nascimento", "data_de_nascimento",
            # the other ways labels and columns say it (initials, "born", short and foreign forms)
            "d_o_b", "born", "born_on", "bday", "b_day", "birth_day", "date_birth", "birth_dt", "dt_birth",
            "dn", "d_n", "birth", "dob_date", "birthdate_iso", "naiss", "date_naiss", "ddnaiss", "dnaiss",
            "jour_naissance",
            "date_anniversaire", "nacimiento",
            # address books' birthday column (Outlook's CSV in French, Spanish, Italian, Dutch, Portuguese)
            "anniversaire", "date_d_anniversaire", "cumpleanos", "compleanno", "verjaardag", "aniversario",
            "fecha_nac", "f_nacimiento", "fec_nac", "nascita", "data_nasc",
            "geboren", "geb_datum", "geburtstag", "geboortedag",
            # medical and accounting software's abbreviations of "date de naissance"
            "nais", "date_nais", "dt_nais", "dtnais", "datnais", "dat_nais", "dnais", "dtnaiss", "dt_naiss",
            "datnaiss", "dte_naiss", "dte_nais", "datenais", "datenaiss", "datnai",
            # HL7 CDA's `<birthTime value="19880214"/>` (a French DMP document's patient)
            "birth_time"),
    # national identifiers beside the NIR; the country is given below (_NATIONAL)
    "national_id": ("national_id", "national_id_number", "numero_national", "numero_registre_national",
                    "registre_national", "rijksregisternummer", "niss", "insz", "nn", "national_number", "dni", "nie",
                    "dni_nie", "nif", "documento", "numero_dni", "codice_fiscale", "codicefiscale", "cf",
                    "cod_fiscale", "nino", "ni_number", "national_insurance", "national_insurance_number",
                    # a UK dox's short labels: `NI: JG 10 37 26 C`, `NI No`, `Nat Ins`
                    "ni", "ni_no", "ni_num", "ni_nr", "nat_ins", "nat_ins_no", "national_insurance_no", "avs",
                    "ahv", "ahv_nr", "no_avs", "numero_avs", "avs_number", "ahv_nummer", "us_ssn"),
    "country": ("pays", "country", "country_code", "pais", "paese", "land", "pays_residence"),
    # another system's record number that our identifiers do not cover (a UK NHS or Scottish CHI number,
    # a hospital's MRN): read as nothing, never as a phone (blind set 8c: an NHS number in 3-3-4,
    # `609 224 2124`, was a French mobile)
    "record_no": ("nhs_no", "nhs_number", "nhs_num", "nhs_nr", "nhs", "nhsno", "nhs_id", "chi", "chi_no",
                  "chi_number", "chi_num", "mrn", "medical_record_number", "medical_record_no", "hospital_number",
                  "hospital_no", "hosp_no", "health_card_number", "ohip", "ohip_number",
                  "medicare_number", "medicare_no",
                  # a device's serial or asset number (a network inventory's `N° série` beside MACs and IPs:
                  # 16 digits opening with 4 are a Visa's length, Luhn-valid one time in ten)
                  "serial", "serial_no", "serial_number", "serial_num", "serialnumber", "s_n", "n_serie",
                  "no_serie", "num_serie", "numero_serie", "numero_de_serie", "n_de_serie",
                  "asset", "asset_tag", "asset_no", "asset_number", "asset_id", "n_inventaire", "no_inventaire",
                  "numero_inventaire", "num_inventaire", "inventaire", "service_tag", "seriennummer",
                  "numero_de_serie_appareil", "device_serial"),
    "last_name": ("nom", "nom_famille", "nom_de_famille", "last_name", "lastname", "surname",
                  "family_name", "nom_patient", "nom_usage", "nom_naissance", "cognome", "nachname", "apellidos",
                  "apellido", "achternaam", "patronyme",
                  # HL7 FHIR's HumanName and CDA's `<name>`: `{"family": "Moreau", "given": ["Julien"]}`
                  "family"),
    "first_name": ("prenom", "prenoms", "first_name", "firstname", "given_name", "prenom_patient",
                   "forename", "vorname", "nombre", "voornaam", "given"),
    "full_name": ("name", "full_name", "fullname", "nom_complet", "nom_prenom", "identite",
                  "patient", "client", "contact_name", "display_name", "titulaire", "real_name",
                  "realname", "nom_reel", "vrai_nom", "identity", "nom_et_prenom", "prenom_nom",
                  "nom_prenoms", "customer_name", "patient_name", "account_holder", "account_name",
                  "cardholder", "card_holder", "cardholder_name", "name_on_card", "titulaire_du_compte",
                  "nom_titulaire", "titulaire_carte", "beneficiaire", "beneficiary",
                  # a stealer's CreditCards block: `Holder: ALICE FOURNIER`, `Card: 4970...`
                  "holder", "card_holder_name", "name_on_the_card", "nameoncard"),
    "street": ("adresse", "address", "rue", "street", "address1", "adresse1", "addr", "adresse_postale",
               "street_address", "voie", "domicile", "address_line1", "adresse_1", "direccion", "indirizzo",
               "anschrift", "strasse", "adres", "morada", "endereco", "home_address",
               "adr", "lib_voie", "libelle_voie", "num_voie", "no_voie", "ligne_adresse",
               # HL7 FHIR's Address: `{"line": ["23 rue des Lilas"], "city": "Lyon", "postalCode": "69003"}`
               "line"),
    "postcode": ("code_postal", "cp", "zip", "postal_code", "zipcode", "zip_code", "postcode", "codpos", "cod_pos",
                 "code_post", "cp_ville"),
    "city": ("ville", "city", "commune", "localite", "town"),
    "password": ("password", "pass", "passwd", "pwd", "mot_de_passe", "mdp", "motdepasse", "user_pass",
                 "user_password", "pass_word", "pw", "passwort", "kennwort", "contrasena", "clave", "senha",
                 "wachtwoord", "parola_d_ordine"),
    "hash": ("password_hash", "hash", "pass_hash", "hashed_password", "pwd_hash", "passhash",
             "password_digest", "encrypted_password", "mdp_hash", "hash_mdp"),
    "login": ("login", "username", "user", "user_name", "pseudo", "identifiant", "user_login",
              "nickname", "screen_name", "account", "compte"),
    "url": ("url", "host", "hostname", "site", "website", "origin", "origin_url", "action_url", "domain",
            "soft_url", "link"),
}

ROLES: dict[str, str] = {name: role for role, names in _GROUPS.items() for name in names}
ROLES.update({k: "a9:" + v for k, v in HEADER_CATEGORIES.items()})

STRONG_ROLES = frozenset({"email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli", "national_id",
                          "dob", "last_name", "first_name", "full_name", "street", "password", "hash",
                          "login"})


# the country a national identifier column's name implies (a `Role` carries it to the extractor)
_NATIONAL: dict[str, str] = {
    **dict.fromkeys(("numero_national", "numero_registre_national", "registre_national", "rijksregisternummer",
                     "niss", "insz", "nn"), "BE"),
    **dict.fromkeys(("dni", "nie", "dni_nie", "nif", "documento", "numero_dni"), "ES"),
    **dict.fromkeys(("codice_fiscale", "codicefiscale", "cf", "cod_fiscale"), "IT"),
    **dict.fromkeys(("nino", "ni_number", "national_insurance", "national_insurance_number", "ni", "ni_no", "ni_num",
                     "ni_nr", "nat_ins", "nat_ins_no", "national_insurance_no"), "GB"),
    **dict.fromkeys(("avs", "ahv", "ahv_nr", "no_avs", "numero_avs", "avs_number", "ahv_nummer"), "CH"),
    **dict.fromkeys(("us_ssn", "ssn", "social_security_number", "social_security"), "US"),
}


@lru_cache(maxsize=65536)
def role_of(name: str) -> str | None:
    """The role of a column or label name, as a `Role` carrying the country the name gives
    (`tel_us`, `phone (+32)`, `dni`; `ssn` keeps the NIR role, read as a US SSN if no NIR)."""
    role = _role_of(name)
    if role not in ("phone", "national_id", "nir"):
        return role
    key = norm_name(name)
    if role == "phone":
        region, hint = region_of_header(key)
        return Role(role, region, hint) if region or hint else role
    last = key.rpartition("_")[2]
    if last in _COUNTRY_SUFFIX and key != last:  # `ni_number_fr`, `ssn_be`: the country the name ends with
        named = _COUNTRY_SUFFIX[last]
        return "nir" if named == "FR" else Role("national_id", named)
    country = _NATIONAL.get(key) or _NATIONAL.get(key.partition("_")[0])
    return Role(role, country) if country else role


# a national identifier column's name ending with its country (`ni_number_fr`: a French payroll's
# NIR under an English header, `ssn_be`): that country's number, whatever number the name says
_COUNTRY_SUFFIX = {"fr": "FR", "fra": "FR", "france": "FR", "be": "BE", "bel": "BE", "es": "ES", "esp": "ES",
                   "it": "IT", "ita": "IT", "uk": "GB", "gb": "GB", "gbr": "GB", "ch": "CH", "che": "CH",
                   "us": "US", "usa": "US"}


@lru_cache(maxsize=4096)
def other_person_role(name: str) -> str | None:
    """The name role of a column or label that names someone else than the record's person
    (`nom_medecin`, `Nom du père`), which `role_of` leaves untyped; None for any other name.
    A dox lists such a person as one of its own (`shapes._label`)."""
    key = norm_name(name)
    if not key or len(key) > 40 or not set(key.split("_")) & _OTHER_PERSON:
        return None
    role = _role_of_key(key)
    return role if role in _NAME_ROLES else None


def _role_of(name: str) -> str | None:
    key = norm_name(name)
    if not key:
        return _foreign_role(name) if len(name) <= 40 else None
    if len(key) > 40:
        return None
    role = _role_of_key(key)
    if role is None and "_" in key:
        key, role = _rejoined(key)
    if role is None:
        return None
    words = set(key.split("_"))
    if role in _NAME_ROLES and words & _OTHER_PERSON:
        # `nom_medecin`, `prenom_mere`: someone else's name; in a row it would be paired with the
        # record's person's first or last name
        return None
    if role in _NAME_ROLES and words & _UNIT_WORDS:
        return None  # `Nom du service`, `nom_etablissement`: a unit's or a company's name, no one's
    if words & _BIRTH_WORDS and words & _PLACE_WORDS and not words & _DATE_WORDS and not role.startswith("a9:"):
        # `lieu_naissance`, `ville_naissance`, `cp_naissance`: where, not when nor where one lives (but the
        # parents' countries of birth, `pays_naissance_pere`, are an ethnic origin: `article9.HEADER_CATEGORIES`)
        return None
    if role == "hash" and words & _NOT_PASSWORD_HASH:
        return None  # `typesPublisherContentHash`, `file_hash`, `commit_hash`: a file's or a commit's, no password's
    if words & _KIND_WORDS and role in _KIND_TYPED:
        return None  # `Phone 1 - Type`, `Address 1 - Label`: "Mobile", "Home", what kind the value is
    if role in _POSTAL_ROLES:
        if any(ROLES.get(w) == "email" for w in words):
            return "email"  # `adresse_courriel`, `adr_mail`: an e-mail address
        if words & _NOT_POSTAL:
            return None  # `adresse_ip`, `remote_addr`, `wallet_address`: no postal address
        if role == "street" and len(words) > 1:
            # a part of an address named after it (Google's `Address 1 - City`, `... - Country`):
            # the part's role, or none for what the canonical address leaves out
            if words & _CITY_WORDS:
                return "city"
            if words & _NOT_ADDRESS_PARTS:
                return None
    return role


def _role_of_key(key: str) -> str | None:
    """The role of a normalised name: itself, its words (`_role_in_words`), else the name
    without a trailing index (`tel2`, `prenom_1`, `adresse_ligne1`), else a name written
    without its separator (`numsecu`, `datenaissance`, `telportable`, `nompat`)."""
    role = ROLES.get(key)
    if role is None and "_" in key:
        role = _role_in_words(key.split("_"))
    if role is None:
        stem = key.rstrip("0123456789")
        if stem != key and len(key) - len(stem) <= 2 and len(stem.rstrip("_")) >= 2:
            role = _role_of_key(stem.rstrip("_"))
            # a second address line (`adresse2`: "Bât B", "Apt 12") is no part of the address's
            # canonical form, which registrations are matched against
            return None if role == "street" and key[len(stem):] not in ("0", "1") else role
        if "_" not in key and 4 <= len(key) <= 30:
            role = _glued(key)
    return role


# what a name written without separators may end with after a phone, e-mail or name word:
# `teldom`, `telport`, `mailpro`, `nompat`, `prenompat` (only after those roles: `passport` is
# no password column)
_QUALIFIERS = frozenset({"pat", "patient", "dom", "domicile", "perso", "pro", "port", "portable", "mob", "mobile",
                         "fixe", "bureau", "travail", "usuel", "principal", "secondaire"})
_QUALIFIED_ROLES = frozenset({"phone", "email", "last_name", "first_name"})


def _glued(key: str) -> str | None:
    """The role of a name glued from two words: the two words are a known name (`num_secu`,
    `date_naissance`, `code_postal`), or a phone, e-mail or name word and a qualifier."""
    for i in range(2, len(key) - 1):
        role = ROLES.get(key[:i] + "_" + key[i:])
        if role is not None and role not in _GENERIC_PARTS:
            return role
    for i in range(2, len(key) - 1):
        if key[i:] in _QUALIFIERS:
            role = ROLES.get(key[:i])
            if role in _QUALIFIED_ROLES:
                return role
    return None


# Headers in a script `norm_name` folds to nothing (Arabic, Hebrew, Cyrillic, Greek, CJK): a leak's
# header in its people's language must not hide a column (blind set 7b: `تاريخ الميلاد`, the births
# missed). Only what the values alone cannot type (a date is no birth without its name) and the names
# that go with it: a phone or an e-mail column is typed by its values in any script. Keys are
# `_foreign_key`'s: case folded, marks and punctuation dropped, words joined by one space.
_FOREIGN: dict[str, str] = {
    **dict.fromkeys((
        "تاريخ الميلاد", "تاريخ الولادة", "الميلاد", "تاريخ ميلاد", "ميلاد",  # Arabic
        "תאריך לידה", "ת לידה", "תאריך הלידה",  # Hebrew
        "дата рождения", "дата рожд", "д р", "день рождения", "дата народження",  # Russian, Ukrainian
        "ημερομηνία γέννησης", "ημ γέννησης", "γέννηση",  # Greek
        "出生日期", "生日", "出生年月日", "生年月日", "誕生日", "생년월일", "出生年月",  # Chinese, Japanese, Korean
    ), "dob"),
    **dict.fromkeys(("الهاتف", "هاتف", "الجوال", "جوال", "رقم الهاتف", "טלפון", "נייד", "телефон", "тел",
                     "τηλέφωνο", "κινητό", "电话", "電話", "手机", "手機", "電話番号", "携帯", "전화번호",
                     "휴대폰"), "phone"),
    **dict.fromkeys(("البريد", "البريد الإلكتروني", "البريد الالكتروني", "דואל", "דוא ל", "אימייל",
                     "эл почта", "электронная почта", "почта", "ηλ ταχυδρομείο", "邮箱", "电子邮件", "電子郵件",
                     "メール", "メールアドレス", "이메일"), "email"),
    **dict.fromkeys(("اللقب", "اسم العائلة", "שם משפחה", "фамилия", "επώνυμο"), "last_name"),
    **dict.fromkeys(("الاسم الأول", "שם פרטי", "имя", "όνομα"), "first_name"),
    **dict.fromkeys(("الاسم", "الاسم الكامل", "שם", "שם מלא", "фио", "ονοματεπώνυμο", "姓名", "氏名",
                     "이름"), "full_name"),
}
_NOT_WORD = re.compile(r"[\W_]+")


def _foreign_key(name: str) -> str:
    """A header in another script as `_FOREIGN` keys it: marks (Arabic and Hebrew vowels, Greek
    accents), tatweel and direction marks dropped, case folded (Greek's final sigma too)."""
    s = "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) not in ("Mn", "Cf")
                and c != "\u0640")
    s = unicodedata.normalize("NFC", s.casefold()).replace("ё", "е")
    return " ".join(_NOT_WORD.sub(" ", s).split())


_FOREIGN = {_foreign_key(k): v for k, v in _FOREIGN.items()}


def _foreign_role(name: str) -> str | None:
    """The role of a header `norm_name` folds to nothing (`_FOREIGN`)."""
    if name.isascii():
        return None
    key = _foreign_key(name)
    role = _FOREIGN.get(key)
    if role is None and " " in key:  # `تاريخ الميلاد للمريض` (the patient's birth date): its first two words
        role = _FOREIGN.get(" ".join(key.split()[:2]))
    return role


# An OCR'd form splits a label's word (`Date de na issance`, `Télé phone`): one word of a name's known
# words, written in two pieces, is read joined (`date_de_naissance`) when that names an identifier
_ROLE_WORDS = frozenset(w for k in ROLES for w in k.split("_") if len(w) >= 5)


def _rejoined(key: str) -> tuple[str, str | None]:
    """(`key` with two adjacent pieces joined into a known word, its role) or (`key`, None)."""
    words = key.split("_")
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if len(a) >= 2 and len(b) >= 2 and a.isalpha() and b.isalpha() and a + b in _ROLE_WORDS:
            joined = "_".join([*words[:i], a + b, *words[i + 2:]])
            role = _role_of_key(joined)
            if role in STRONG_ROLES:
                return joined, role
    return key, None


_NAME_ROLES = frozenset({"last_name", "first_name", "full_name"})
# whose name a column holds when it is not the record's person's (a `Role` on it would pair a
# patient's first name with the doctor's or the father's last name)
_OTHER_PERSON = frozenset({"medecin", "docteur", "dr", "praticien", "prescripteur", "pere", "mere", "parent", "parents",
                           "conjoint", "epoux", "tuteur", "tutrice", "urgence", "prevenir", "employeur", "doctor",
                           "physician", "father", "mother", "spouse", "guardian", "emergency", "kin"})
_UNIT_WORDS = frozenset({"service", "services", "unite", "pole", "departement", "department", "societe", "entreprise",
                         "etablissement", "agence", "magasin", "structure", "organisme", "company", "unit"})
_BIRTH_WORDS = frozenset({"naissance", "naiss", "nais", "birth", "born", "nacimiento", "nascita", "geboorte"})
_PLACE_WORDS = frozenset({"lieu", "ville", "commune", "pays", "departement", "dept", "dep", "cp", "code", "postal",
                          "place", "city", "country", "town", "lugar", "luogo", "ort", "plaats", "region"})
_DATE_WORDS = frozenset({"date", "dt", "dte", "dat", "ddn", "jour", "fecha", "data", "datum"})
_POSTAL_ROLES = frozenset({"street", "postcode", "city"})
_KIND_WORDS = frozenset({"type", "label", "kind"})
# what a hash column names when it is no password's hash: a file's, a package's, a commit's, a
# torrent's content (a package.json's `typesPublisherContentHash`, a lock file's `integrity`)
_NOT_PASSWORD_HASH = frozenset({"content", "file", "files", "checksum", "integrity", "commit", "tree", "blob", "etag",
                                "git", "source", "tarball", "package", "image", "block", "tx", "transaction", "torrent",
                                "info", "publisher", "build", "artifact", "manifest", "object", "chunk"})
_KIND_TYPED = frozenset({"street", "postcode", "city", "phone", "email"})
_CITY_WORDS = frozenset({"city", "ville", "town", "locality", "localite", "commune"})
# an address's parts that its canonical form leaves out, and a full address beside its parts
_NOT_ADDRESS_PARTS = frozenset({"country", "pays", "region", "state", "province", "box", "extended", "formatted"})
# words that make an "address" column something else than a postal address
_NOT_POSTAL = frozenset({"ip", "ipv4", "ipv6", "mac", "remote", "wallet", "btc", "bitcoin", "eth", "crypto",
                         "server", "serveur", "smtp", "web", "lan", "wan", "gateway", "passerelle", "dns", "proxy",
                         "vpn"})
# a generic "number" word heads many names of record numbers (`numero_client`, `numero_dossier`,
# `numero_passeport`): it types a name only with the word after it (`numero_portable`, `numero_insee`)
_NUMBER_HEADS = frozenset({"numero", "num", "no", "n", "nr", "nro", "nummer", "number"})


def _role_in_words(words: list[str]) -> str | None:
    """The role a longer name holds: its longest run of two or more words that names one
    (`adresse_e_mail` is an e-mail, not a street; `e_mail_professionnel`, `date_de_naissance_pere`),
    else its head or tail word (`email_client`, `tel_domicile`, `adresse_facturation`). A lone
    word inside the name does not count: `statut_mail_envoye` is no e-mail column, and a
    generic "number" head (`numero_client`) is no phone."""
    n = len(words)
    for size in range(n - 1, 1, -1):
        for i in range(n - size + 1):
            role = ROLES.get("_".join(words[i:i + size]))
            if role is not None and role not in _GENERIC_PARTS:
                return role
    role = None if words[0] in _NUMBER_HEADS else ROLES.get(words[0])
    if role is None or role in _GENERIC_PARTS:
        # a generic head says whose the value is (Kibana's `user.birthday`, `account.phone`,
        # `customer_birthdate`): the tail says what it is
        role = ROLES.get(words[-1])
    return None if role in _GENERIC_PARTS else role


_GENERIC_PARTS = frozenset({"login", "url", "full_name"})  # too generic as a part of a longer name


# ------------------------------------------------------------------ header-less column typing
# The identifier types a column may be given by its values alone (`_value_types` tries them in
# this order, except a phone before a national id; a column needs 60% of its values of one type,
# so two types never tie). Types that are only a Luhn digit (SIREN, RPPS...) or only a shape (a
# date is not a date of birth, a 9-digit number is not an SSN) need a header.
_BY_VALUE = ("email", "iban", "nir", "card", "national_id", "phone", "street")
_WORTH = re.compile(r"[0-9@$]")  # what a word cell (a city) does not hold
_PHONE_CHARS = frozenset("+0123456789 .-()/\u00a0")


def _decimal(v: str) -> bool:
    """A number with one decimal point (`48.8566140`, a latitude; `-0.44372674`, a sensor's
    reading): no phone or national id is written so (its digits read as a US SSN, 044372674)."""
    u = v[1:] if v[:1] == "-" else v
    return u.count(".") == 1 and u.replace(".", "").isdigit()


_PHONE: tuple[str, str | None] = ("phone", None)
# a French number without its trunk 0 (`612345678`: what a spreadsheet leaves of `0612345678`)
_BARE_PHONE: tuple[str, str | None] = ("phone", "bare")


def _french_by_value(v: str) -> bool:
    """A French number that types its column by itself: with its trunk 0 or a +CC, as the
    settling vote reads France. `612345678` alone is as much a counter, an amount, an id: a
    column of them is a phone column when its header says so, or when some of its numbers keep
    their 0 (a spreadsheet dropped the others': `_column_role`), not by their values alone."""
    return v.lstrip(" \t\"'(")[:1] in ("0", "+") and ids.canon_phone(v, "FR") is not None


def _value_types(v: str, regions: frozenset[str]) -> tuple[str, str | None] | None:
    """What one cell validates as (type, country for national ids), or None."""
    if "@" in v:
        return ("email", None) if ids.canon_email(v) else None
    c0 = v[:1]
    if c0.isalpha() and v[1:2].isalpha() and v[2:3].isdigit() and ids.canon_iban(v):
        return "iban", None
    digits = sum(map(str.isdigit, v))  # (`str.isdigit` per character, in C: a generator was a fifth of the call)
    if "." in v and _decimal(v):
        return None
    if digits >= 9 and ids.canon_nir(v) and len(v.replace(" ", "")) == 15:
        return "nir", None
    if 12 <= digits <= 19 and ids.canon_card(v):
        return "card", None
    # a date (`1970-03-07`, `15.10.1996`) is a valid number somewhere: 8 digits or fewer that read
    # as a date are not a phone (asked only of a phone: most dates are none, and the phone's check
    # is the cheaper)
    if 6 <= digits <= 15 and _PHONE_CHARS.issuperset(v) and (digits > 8 or not _dob(v)):
        if _french_by_value(v) or any(ids.canon_phone(v, r) for r in regions if r != "FR"):
            return _PHONE
        if ids.canon_phone(v, "FR"):
            return _BARE_PHONE
    if 6 <= len(v) <= 24 and digits >= 5:
        country = _national_country(v)
        if country is not None:
            return "national_id", country
    # ADDRESS needs a street-type word after the number: a cell without a letter (a date, an
    # expiry, a CVV) holds none (its case folding reads only letters as letters: `ſ`, `K`)
    if digits and any(map(str.isalpha, v)) and contains(ADDRESS, v):
        return "street", None
    return None


# The compact lengths `identifiers._national_compact` accepts, by country (the NINO's regex: 9
# characters, or 10 with the newline its `$` lets through)
_NID_LENGTHS = {"BE": (11,), "ES": (9,), "IT": (16,), "US": (9,), "GB": (9, 10), "CH": (13,)}
_NID_BY_LENGTH: dict[int, tuple[str, ...]] = {
    n: tuple(cc for cc in ids.NATIONAL_ID_COUNTRIES if n in _NID_LENGTHS[cc])
    for n in {n for lengths in _NID_LENGTHS.values() for n in lengths}}


def _national_country(v: str) -> str | None:
    """The country of the one national identifier form `v` validates as, when that types a column:
    bare digit runs pass some country's rules by chance (most 9-digit numbers are valid SSNs),
    so a column is typed by them only with the 11- and 13-digit checksummed forms (BE, CH).

    The same answer as `ids.national_id_forms(v, strict=False)`, read as above, for a tenth of
    the work: the cell is compacted once (that function compacts it once per country, six
    `str.translate`s), and only the countries whose rules accept its length are asked (a date's
    8 digits: none)."""
    s = v.strip()
    if len(s) > 3 and s[2] == ":" and s[:2].isalpha():  # `BE:85073003328`: that function reads the prefix
        forms = ids.national_id_forms(v, strict=False)
        return forms[0][:2] if len(forms) == 1 and (not v.isdigit() or forms[0][:2] in ("BE", "CH")) else None
    c = s.upper()  # as `ids.canon_national_id` compacts it
    if len(c) > 24:
        return None
    c = c.translate(ids._NID_STRIP)
    found = None
    for cc in _NID_BY_LENGTH.get(len(c), ()):
        if _national_valid(cc, c):
            if found is not None:
                return None  # two countries' forms: not one
            found = cc
    if found is None or (v.isdigit() and found not in ("BE", "CH")):
        return None
    return found


def _national_valid(cc: str, c: str) -> bool:
    """`ids._national_compact(cc, c)` of a compacted value, by the compiled core when it is the
    engine and `c` is ASCII letters and digits (then the core's own compaction leaves it as it
    is): python-stdnum's checks cost ~70k instructions on an 11-digit number (Belgium's)."""
    n = ids._native()
    if n is not None and c.isascii() and c.isalnum():
        r = ids._native_answer(n.canon_national_id, c, cc, engine.today())
        if r is not ...:
            return r is not None
    return bool(ids._national_compact(cc, c))


def _dob(v: str) -> str | None:
    """`ids.canon_dob(v)`, by the compiled core's port when it is the engine (~25k instructions of
    Python a date otherwise); the reference decides what the port defers."""
    n = ids._native()
    if n is not None:
        r = ids._native_answer(n.canon, "dob", v, engine.today())
        if r is not ... and r != "\0defer":
            return r
    return ids.canon_dob(v)


_TUPLE_EDGE = ("('", '("', "(0", "(1", "(2", "(3", "(4", "(5", "(6", "(7", "(8", "(9")


def _bare(v: str) -> str:
    """A cell of a SQL tuple's line read as a CSV row without its quotes and the tuple's
    parentheses: `('jean@x.fr'` -> `jean@x.fr`, `'2840...');` -> `2840...`, `(307` -> `307`."""
    if v[:1] == "(" and (v[1:2] in ("'", '"') or v[1:].isdigit()):
        v = v[1:]
    t = v.rstrip(";,")
    if t[-1:] == ")" and (t[-2:-1] in ("'", '"') or t[:-1].isdigit()):
        v = t[:-1]
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    return v


def infer_roles(columns: list[list[str]]) -> list[str | None]:
    """Roles for the columns of a dump without a header, from what their values validate as
    across rows: a column is typed when at least 60% of its non-empty values (and at least
    two) agree. The roles then drive the same extraction and masks as a header's would: a
    phone column reads its national numbers in the context of the other rows' +CC numbers,
    a street column and its postcode are masked and combined into an address. Untyped
    columns stay None (their values are scanned as free text, word cells masked).

    On the native engine the compiled core types them in one call (`vigie_native.infer_roles`,
    rust/vigie_native/src/roles.rs: the steps below on its ports, Python asked for the values
    they defer on); `_infer_roles_py` is the reference (tests/test_columns_core.py)."""
    core = _core_roles()
    if core is not None:
        got = core[0](columns, core[1], engine.today(), ids._this_year(), core[2])
        if got is not None:
            done, raw, intl = got
            roles: list[str | None] = [None if r is None else Role(r[0], r[1]) if r[1] else r[0] for r in raw]
            if done:
                return roles
            # (an IBAN's or national id's country for the untyped columns: the rest is Python's)
            if any(col and col[0][:2] in _TUPLE_EDGE for col in columns):
                columns = [[_bare(v) for v in col] for col in columns]
            return _infer_rest(columns, roles, set(intl))
    return _infer_roles_py(columns)


_CORE_ROLES: list[Any] = [None, None]  # (the vigie_native module, (its infer_roles, a SafetyNet, the hooks))


def _core_roles() -> tuple[Any, Any, tuple[Any, ...]] | None:
    """The core's `infer_roles` with its safety net (whose `ADDRESS` it reads) and its hooks into
    this module, when the native engine runs and the national id lengths are those it knows."""
    n = ids._native()
    if n is None or not hasattr(n, "infer_roles") or _NID_BY_LENGTH != _CORE_NID_BY_LENGTH:
        return None
    if _CORE_ROLES[0] is not n:
        _CORE_ROLES[:] = [n, (n.infer_roles, n.SafetyNet(*net_patterns()),
                              (_value_types, _dob, ids.canon_nir, ids.canon_phone, ids._CC_REGION, _PHONE_REGIONS,
                               _national_prefix))]
    got: tuple[Any, Any, tuple[Any, ...]] = _CORE_ROLES[1]
    return got


# the countries the core asks by a compact national id's length (roles.rs `national_country`)
_CORE_NID_BY_LENGTH = {9: ("ES", "US", "GB"), 10: ("GB",), 11: ("BE",), 13: ("CH",), 16: ("IT",)}


def _infer_roles_py(columns: list[list[str]]) -> list[str | None]:
    """`infer_roles` in Python: the reference of the core's."""
    if any(col and col[0][:2] in _TUPLE_EDGE for col in columns):  # SQL tuples read as cells
        columns = [[_bare(v) for v in col] for col in columns]
    roles: list[str | None] = []
    intl: set[str] = set()
    for col in columns:  # the +CC numbers of the block: the regions its national numbers may be in
        for v in col:
            # (a +CC or 00CC number holds "+" or "00": two C searches spare most cells the call)
            if ("+" in v or "00" in v) and ids.is_international(v) and (e164 := ids.canon_phone(v)):
                r = ids.calling_region(e164)
                if r:
                    intl.add(r)
    regions = frozenset(intl - {"FR"})
    for col in columns:
        vals = [v for v in col if v]
        roles.append(_column_role(vals, regions))
    return _infer_rest(columns, roles, intl)


def _infer_rest(columns: list[list[str]], roles: list[str | None], intl: set[str]) -> list[str | None]:
    """`infer_roles` after each column's own typing (`roles`; `intl`: the regions of the block's
    +CC numbers): the phones of an IBAN's or national id's country, the dates of birth, the
    postcode and city beside a street."""
    if None in roles and ("iban" in roles or "national_id" in roles):
        # a foreign dump without its header: its IBANs' or national ids' country is where its
        # national numbers are valid (`0151 23456789` beside DE IBANs, `07911 234567` beside NINOs)
        more = _countries_of(columns, roles) - intl - {"FR"}
        if more:
            for k, col in enumerate(columns):
                if roles[k] is None:
                    vals = [v for v in col if v]
                    if sum(1 for v in vals if _national_in(v, more)) >= max(2, 0.6 * len(vals)):
                        roles[k] = "phone"
    if "nir" in roles:
        _dob_beside_nir(columns, roles)
    if "dob" not in roles and (typed := sum(1 for r in roles if r in _PERSON_TYPED)):
        _dob_of_fullz(columns, roles, typed)
    if "street" in roles:  # five digits beside a street are its postcode, and words after it the city
        for k, col in enumerate(columns):
            vals = [v for v in col if v]
            if roles[k] is None and vals and sum(len(v) == 5 and v.isdigit() for v in vals) >= 0.6 * len(vals):
                roles[k] = "postcode"
                after = [v for v in columns[k + 1] if v] if k + 1 < len(columns) else []
                if after and roles[k + 1] is None and sum(not _WORTH.search(v) for v in after) >= 0.6 * len(after):
                    roles[k + 1] = "city"
    return roles


_LUHN_ID_LENGTHS = {"siren": 9, "adeli": 9, "siret": 14, "rpps": 11}
LUHN_ID_ROLES = frozenset(_LUHN_ID_LENGTHS)


def names_a_luhn_column(head: list[str], roles: list[str | None], row: list[str]) -> bool:
    """Whether a first line that names one known column only is still a header: that column is of
    an identifier only a header can type (a SIRET, a SIREN, an RPPS, an ADELI: a Luhn digit and
    nothing else to see), the row below holds one under it, and no other name holds a digit.
    (A company list `raison_sociale;siret;contact`: read header-less, its SIRETs that start
    300-305, 36 or 38 were typed by their values as Diners cards.)"""
    k = next((n for n, r in enumerate(roles) if r in _LUHN_ID_LENGTHS), -1)
    if k < 0 or k >= len(row) or any(c.isdigit() for h in head for c in h):
        return False
    return ids.canon_luhn_id(row[k].strip().strip("\"'"), _LUHN_ID_LENGTHS[str(roles[k])]) is not None


def _countries_of(columns: list[list[str]], roles: list[str | None]) -> set[str]:
    """The country of each IBAN or national id column typed by its values, where most of its
    values (and two at least) are of one country."""
    out: set[str] = set()
    for k, role in enumerate(roles):
        if role == "national_id" and isinstance(role, Role) and role.region:
            out.add(role.region)
        elif role == "iban":
            vals = [v.strip()[:2].upper() for v in columns[k] if v]
            best = max(set(vals), key=vals.count) if vals else ""
            if vals.count(best) >= max(2, 0.6 * len(vals)) and best.isalpha() and best in _PHONE_REGIONS:
                out.add(best)
    return out


_PHONE_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


@lru_cache(maxsize=512)
def _national_prefix(region: str) -> str | None:
    """The trunk prefix of `region`'s national numbers (`0` in Germany), None where it has none."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return meta.national_prefix if meta is not None else None


def _national_in(v: str, regions: set[str]) -> bool:
    """A number of 9 digits or more valid in one of `regions`, with its trunk prefix where the
    country has one (80% of 10-digit order numbers are valid German numbers without their 0)."""
    if not (9 <= sum(map(str.isdigit, v)) <= 15 and _PHONE_CHARS.issuperset(v)):
        return False
    first = v.lstrip(" \t\"'(")[:1]
    for r in regions:
        prefix = _national_prefix(r)
        if (prefix is None or first == prefix) and ids.canon_phone(v, r) is not None:
            return True
    return False


def _column_role(vals: list[str], regions: frozenset[str]) -> str | None:
    """The type at least 60% of a column's values (and at least two) validate as, else None.

    The values are read until the answer is certain, not all of them: a type counted on 60% of
    the column is more than half of it, so no other type can reach its count (that is why no
    tie can arise then); and once no type can reach 60% even with every value left, the answer
    is None. The same answer as counting every value (tests/test_detect_columns_early.py)."""
    n = len(vals)
    need = max(2, 0.6 * n)  # the count a type needs (`>=`)
    counts: dict[tuple[str, str | None], int] = {}
    top = 0  # the highest count so far
    anchored = False  # a phone with its trunk 0 or +CC seen: bare ones count as phones then
    for k, v in enumerate(vals):
        t = _value_types(v, regions)
        if t is not None:
            if t is _BARE_PHONE:
                t = _PHONE
            elif t is _PHONE:
                anchored = True
            c = counts[t] = counts.get(t, 0) + 1
            if t is _PHONE and not anchored:
                pass  # (typed once a number with its 0 is seen, if one is)
            elif c >= need:
                role, country = t
                return Role(role, country) if country else role
            if c > top:
                top = c
        if top + n - 1 - k < need:  # even every value left of the one type cannot reach it
            return None
    return None


# the columns that make a header-less block a list of people (a fullz, a customer export)
_PERSON_TYPED = frozenset({"email", "phone", "nir", "iban", "card", "national_id"})
_NAME_CELL = re.compile(r"[^\W\d_]+(?:[ '’.-]{1,2}[^\W\d_]+){0,4}")
_MIN_AGE, _MAX_AGE = 14, 110


def _birth_date(v: str, this_year: int) -> str | None:
    """A cell that is a date alone (no time: a record's creation stamp has one) of someone aged
    `_MIN_AGE` to `_MAX_AGE`: an order's or an account's date of the last years is none."""
    if not 8 <= len(v) <= 10 or not v[:1].isdigit() or ":" in v:
        return None
    d = _dob(v)
    return d if d is not None and _MIN_AGE <= this_year - int(d[:4]) <= _MAX_AGE else None


def _dob_of_fullz(columns: list[list[str]], roles: list[str | None], typed: int) -> None:
    """A header-less list of people with one column of dates, each a birth of someone aged 14 to
    110, not all of one year: that column is their date of birth (a fullz line,
    `Alice|Fournier|12/07/1984|...|06 13 70 37 01|alice@...`). People are said by names in words
    beside one typed column (an e-mail: `ROUSSEL;Armelle;armelle@...;17/05/1981`) or more, or by
    three typed columns without names (`mail|phone|dob|card|exp`); two typed columns alone (a
    mail and a phone: an account list's creation dates) do not. Two such columns of old dates (a
    birth and a creation date) are left untyped: which is which is unknown; a recent date (a
    sign-up in 2023: no one aged 3 is in a fullz) is no birth."""
    untyped = [vals for k, col in enumerate(columns) if roles[k] is None and (vals := [v for v in col if v])]
    names = any(all(v[0].isupper() and _NAME_CELL.fullmatch(v) for v in vals) for vals in untyped)
    if not names and typed < 3:  # (fewer typed columns need names: no date is read then)
        return
    found = -1
    this_year = ids._this_year()
    for k, col in enumerate(columns):
        if roles[k] is not None:
            continue
        vals = [v for v in col if v]
        born = [d for v in vals if (d := _birth_date(v, this_year)) is not None]
        if len(born) >= 2 and len(born) >= 0.6 * len(vals) and len({d[:4] for d in born}) > 1:
            if found >= 0:
                return
            found = k
    if found >= 0:
        roles[found] = "dob"


def _dob_beside_nir(columns: list[list[str]], roles: list[str | None]) -> None:
    """A date is no date of birth by its value alone, but a NIR says its holder's year and
    month of birth: an untyped column of dates that agree with the NIRs of their rows (at
    least two, and 60% of its values) is the date of birth column of a header-less dump."""
    nirs = columns[roles.index("nir")]
    born = [c[1:5] if c and c[3:5] <= "12" else None for c in (ids.canon_nir(v) if v else None for v in nirs)]
    for k, col in enumerate(columns):
        if roles[k] is not None:
            continue
        vals = [(r, v) for r, v in enumerate(col) if v]
        agree = 0
        for r, v in vals:
            d = _dob(v) if 6 <= len(v) <= 25 and v[:1].isdigit() else None
            if d is not None and r < len(born) and born[r] == d[2:4] + d[5:7]:
                agree += 1
        if agree >= 2 and agree >= 0.6 * len(vals):
            roles[k] = "dob"
