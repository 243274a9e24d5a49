"""Synthetic leaked-data dumps for the demo forum: every person here is made up by Faker (fr_FR).

Why it lives in `vigie_kit/` and not in `tests/`: `vigie demo` serves the demo forum from an
installed kit (the `demo` extra), so it cannot depend on the test tree. Each generator returns
the text AND the identifiers it planted, exactly as written in the text, so tests can check
that every one of them was crawled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

__all__ = ["Dump", "Synth", "nir_key"]

_SENSITIVE_NOTES = [
    "Patient séropositif VIH, traitement antirétroviral en cours",
    "Suivi psychiatrique, dépression sévère",
    "Pratiquant musulman, régime halal demandé",
    "Catholique pratiquant, refuse la transfusion",
    "Homosexuel, vit avec son compagnon",
    "Diabète de type 1, insulinodépendant",
    "Grossesse de 12 semaines",
    "Aucune remarque",
    "Allergie à la pénicilline",
    "Membre du syndicat CGT",
]


def nir_key(first13: str) -> str:
    """The two-digit control key of a French NIR (97 - n mod 97)."""
    return f"{97 - int(first13) % 97:02d}"


@dataclass
class Dump:
    """A block of text plus the identifiers planted in it (type -> values as written)."""

    kind: str
    text: str
    planted: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> None:
        self.planted.setdefault(kind, []).append(value)


class Synth:
    """Deterministic generator (seeded) of prose, signatures and dumps."""

    def __init__(self, seed: int = 1337) -> None:
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self._emails: set[str] = set()

    # ---------------------------------------------------------------- identifiers
    def email(self) -> str:
        while True:
            value = f"{self.fake.user_name()}{self.rng.randint(1, 9999)}@{self.fake.free_email_domain()}"
            if value not in self._emails:
                self._emails.add(value)
                return value

    def phone(self) -> str:
        digits = [self.rng.randint(0, 9) for _ in range(8)]
        prefix = self.rng.choice(["06", "07", "01", "04"])
        groups = [prefix] + ["".join(map(str, digits[i:i + 2])) for i in range(0, 8, 2)]
        return self.rng.choice([" ".join(groups), "".join(groups), "+33 " + " ".join(groups)[1:]])

    def nir(self, sex: int | None = None, born: tuple[int, int] | None = None) -> str:
        sex = sex or self.rng.choice([1, 2])
        year, month = born or (self.rng.randint(1940, 2005), self.rng.randint(1, 12))
        dept = f"{self.rng.randint(1, 95):02d}"
        if dept == "20":
            dept = "21"
        first13 = f"{sex}{year % 100:02d}{month:02d}{dept}{self.rng.randint(1, 990):03d}{self.rng.randint(1, 999):03d}"
        return first13 + nir_key(first13)

    # ---------------------------------------------------------------- noise
    def prose(self, sentences: int = 3) -> str:
        return self.fake.paragraph(nb_sentences=sentences)

    def signature(self) -> str:
        return self.rng.choice([
            "-- \nPas de support en MP.",
            "--\n« La donnée veut être libre »",
            "___\nVouches: 12 | escrow accepté",
            "-- \nPGP sur demande. Pas de DM non sollicités.",
        ])

    def title(self) -> str:
        return self.rng.choice([
            "[VENTE] Base clients ", "Leak ", "Dump frais ", "Combo ", "Dox ", "Discussion : ",
            "Question sur ", "[PARTAGE] ",
        ]) + self.fake.company()

    # ---------------------------------------------------------------- dumps
    def patients(self, rows: int = 8) -> Dump:
        dump = Dump("patients", "")
        lines = ["nom;prenom;date_naissance;email;telephone;nir;adresse;notes"]
        for _ in range(rows):
            sex = self.rng.choice([1, 2])
            first = self.fake.first_name_male() if sex == 1 else self.fake.first_name_female()
            last = self.fake.last_name()
            born = self.fake.date_of_birth(minimum_age=18, maximum_age=85)
            email, phone = self.email(), self.phone()
            nir = self.nir(sex, (born.year, born.month))
            address = self.fake.address().replace("\n", " ")
            note = self.rng.choice(_SENSITIVE_NOTES)
            lines.append(f"{last};{first};{born:%d/%m/%Y};{email};{phone};{nir};{address};{note}")
            dump.add("email", email)
            dump.add("phone", phone)
            dump.add("nir", nir)
        dump.text = "\n".join(lines)
        return dump

    def combo(self, rows: int = 10) -> Dump:
        dump = Dump("combo", "")
        lines = []
        for _ in range(rows):
            email = self.email()
            lines.append(f"{email}:{self.fake.password(length=10)}")
            dump.add("email", email)
        dump.text = "\n".join(lines)
        return dump

    def sql(self, rows: int = 6) -> Dump:
        dump = Dump("sql", "")
        lines = ["-- MySQL dump 10.13  Distrib 8.0.36",
                 "INSERT INTO `users` (`id`, `nom`, `email`, `tel`) VALUES"]
        values = []
        for i in range(rows):
            email, phone = self.email(), self.phone()
            name = self.fake.last_name().replace("'", "")
            values.append(f"({i + 1}, '{name}', '{email}', '{phone}')")
            dump.add("email", email)
            dump.add("phone", phone)
        lines.append(",\n".join(values) + ";")
        dump.text = "\n".join(lines)
        return dump

    def dox(self) -> Dump:
        dump = Dump("dox", "")
        email, phone, nir = self.email(), self.phone(), self.nir()
        name = self.fake.name()
        dump.text = "\n".join([
            f"Nom : {name}",
            f"Adresse : {self.fake.address().replace(chr(10), ', ')}",
            f"Téléphone : {phone}",
            f"Email : {email}",
            f"Sécu : {nir}",
            f"Employeur : {self.fake.company()}",
        ])
        dump.add("email", email)
        dump.add("phone", phone)
        dump.add("nir", nir)
        return dump

    def any_dump(self) -> Dump:
        return self.rng.choice([self.patients, self.combo, self.sql, self.dox])()
