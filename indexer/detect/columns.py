"""Column and label names, French and English, mapped to the role of the values under them.

Typing a column by its header is where precision comes from: a 9-digit Luhn number is a SIREN
under `siren`, an ADELI under `adeli`, and nothing at all in free text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.article9 import HEADER_CATEGORIES, fold

__all__ = ["ROLES", "STRONG_ROLES", "norm_name", "role_of"]

_NON = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """`Date de naissance`, `date_naissance`, `"DateNaissance"` -> comparable keys."""
    s = name.strip().strip("`\"'[] ")
    # camelCase -> snake
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", s)
    return _NON.sub("_", fold(s)).strip("_")


_GROUPS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e_mail", "mail", "courriel", "adresse_mail", "adresse_email", "email_address",
              "mail_address", "adresse_electronique", "user_email", "emailaddress", "contact_email"),
    "phone": ("telephone", "tel", "phone", "mobile", "portable", "gsm", "phone_number", "tel_mobile",
              "tel_fixe", "numero_telephone", "num_tel", "cellphone", "cell", "telephone_portable",
              "phonenumber", "mobile_phone", "home_phone", "fixe", "tel_portable", "telephone_mobile",
              "numero", "num_telephone", "no_tel", "n_tel"),
    "nir": ("nir", "num_secu", "numero_secu", "numero_securite_sociale", "secu", "ssn", "insee",
            "no_ss", "n_ss", "numero_ss", "securite_sociale", "nss", "num_ss", "n_secu", "no_secu",
            "numero_de_securite_sociale", "social_security_number", "matricule_secu"),
    "iban": ("iban", "rib", "compte_iban", "bank_account", "numero_iban"),
    "card": ("card", "card_number", "cb", "numero_carte", "carte", "cc_number", "pan", "credit_card",
             "cardnumber", "carte_bancaire", "num_carte", "cc", "ccnum"),
    "siren": ("siren", "num_siren", "numero_siren"),
    "siret": ("siret", "num_siret", "numero_siret"),
    "rpps": ("rpps", "num_rpps", "numero_rpps", "id_rpps"),
    "adeli": ("adeli", "num_adeli", "numero_adeli"),
    "dob": ("date_naissance", "date_de_naissance", "naissance", "ddn", "dob", "birthdate", "birth_date",
            "date_of_birth", "birthday", "ne_le", "nee_le", "ne_e_le", "datenaissance", "date_naiss",
            "dt_naissance"),
    "last_name": ("nom", "nom_famille", "nom_de_famille", "last_name", "lastname", "surname",
                  "family_name", "nom_patient", "nom_usage", "nom_naissance"),
    "first_name": ("prenom", "prenoms", "first_name", "firstname", "given_name", "prenom_patient",
                   "forename"),
    "full_name": ("name", "full_name", "fullname", "nom_complet", "nom_prenom", "identite",
                  "patient", "client", "contact_name", "display_name", "titulaire", "real_name",
                  "realname", "nom_reel", "vrai_nom", "identity", "nom_et_prenom", "prenom_nom",
                  "nom_prenoms", "customer_name", "patient_name"),
    "street": ("adresse", "address", "rue", "street", "address1", "adresse1", "addr", "adresse_postale",
               "street_address", "voie", "domicile", "address_line1", "adresse_1"),
    "postcode": ("code_postal", "cp", "zip", "postal_code", "zipcode", "zip_code", "postcode"),
    "city": ("ville", "city", "commune", "localite", "town"),
    "password": ("password", "pass", "passwd", "pwd", "mot_de_passe", "mdp", "motdepasse", "user_pass",
                 "user_password", "pass_word", "pw"),
    "hash": ("password_hash", "hash", "pass_hash", "hashed_password", "pwd_hash", "passhash",
             "password_digest", "encrypted_password", "mdp_hash", "hash_mdp"),
    "login": ("login", "username", "user", "user_name", "pseudo", "identifiant", "user_login",
              "nickname", "screen_name", "account", "compte"),
    "url": ("url", "host", "hostname", "site", "website", "origin", "origin_url", "action_url", "domain",
            "soft_url", "link"),
}

ROLES: dict[str, str] = {name: role for role, names in _GROUPS.items() for name in names}
ROLES.update({k: "a9:" + v for k, v in HEADER_CATEGORIES.items()})

STRONG_ROLES = frozenset({"email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli",
                          "dob", "last_name", "first_name", "full_name", "street", "password", "hash",
                          "login"})


@lru_cache(maxsize=65536)
def role_of(name: str) -> str | None:
    key = norm_name(name)
    if not key or len(key) > 40:
        return None
    role = ROLES.get(key)
    if role is None and "_" in key:
        # `email_client`, `tel_domicile`, `adresse_facturation`: try the head and the tail word
        head, _, tail = key.partition("_")
        role = ROLES.get(head) or ROLES.get(key.rsplit("_", 1)[1])
        if role in ("login", "url", "full_name"):  # too generic as a part of a longer name
            role = None
    return role
