"""Reproducible synthetic persons for demonstrations, tests and benchmarks. Never real people.

Proportions follow the seed documents: most victims are young women aged 19 to 25, a growing share
are minors; most are Guatemalan, then Salvadoran, Honduran, Nicaraguan, Mexican and Colombian; false
documents hide age and nationality; and the same person is often registered by several institutions
with other spellings (those duplicates are what the linkage issue must find).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from amparo.core import geo

from . import demo_names as names
from .models import DocumentType, Gender, IdentityDocument, People, Person

NATIONALITY_WEIGHTS = [("GT", 60), ("SV", 13), ("HN", 12), ("NI", 8), ("MX", 4), ("CO", 3)]
MAYA_LANGUAGES = ["quc", "kek", "cak", "mam", "tzj", "poh", "acr", "kjb", "ixl"]
DUPLICATE_SHARE = 0.06


@dataclass
class DemoPerson:
    person: Person
    documents: list[IdentityDocument]
    duplicate_of: uuid.UUID | None = None


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _age(rng: random.Random) -> int:
    bucket = rng.random()
    if bucket < 0.30:
        return rng.randint(12, 17)  # minors: a growing share
    if bucket < 0.80:
        return rng.randint(19, 25)  # the majority
    if bucket < 0.95:
        return rng.randint(26, 40)
    return rng.randint(41, 60)


def _dpi(rng: random.Random) -> str:
    return f"{rng.randint(1000, 9999)} {rng.randint(10000, 99999)} {rng.randint(101, 2217):04d}"


def _passport(rng: random.Random, country: str) -> str:
    return f"{country[0]}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000000, 9999999)}"


def _phone(rng: random.Random, country: str) -> str:
    prefix = {"GT": "+502", "SV": "+503", "HN": "+504", "NI": "+505", "MX": "+52", "CO": "+57"}[country]
    return f"{prefix} {rng.randint(3000, 5999)} {rng.randint(1000, 9999)}"


def _new_person(rng: random.Random, today: datetime.date, owner_org_id: int) -> DemoPerson:
    country = rng.choices([c for c, _ in NATIONALITY_WEIGHTS], [w for _, w in NATIONALITY_WEIGHTS])[0]
    female = rng.random() < 0.8
    maya = country == "GT" and rng.random() < 0.4
    given_pool = names.GIVEN_NAMES_FEMALE if female else names.GIVEN_NAMES_MALE
    given = rng.choice(given_pool)
    if rng.random() < 0.45:
        second = rng.choice(given_pool)
        if second != given:
            given = f"{given} {second}"
    surname_pool = names.SURNAMES_MAYA if maya else names.SURNAMES_SPANISH
    first_surname = rng.choice(surname_pool)
    second_pool = names.SURNAMES_MAYA if maya and rng.random() < 0.6 else names.SURNAMES_SPANISH
    surnames = f"{first_surname} {rng.choice(second_pool)}"
    age = _age(rng)
    person = Person(id=_uuid(rng), owner_org_id=owner_org_id)
    person.given_names = given
    person.surnames = surnames
    person.aliases = (
        [rng.choice(names.NICKNAMES[given.split()[0]])]
        if (given.split()[0] in names.NICKNAMES and rng.random() < 0.2)
        else []
    )
    if rng.random() < 0.5:
        born = today.replace(year=today.year - age) - datetime.timedelta(days=rng.randint(0, 364))
        person.date_of_birth = born
    else:
        spread = rng.randint(1, 3)
        person.age_min, person.age_max = max(0, age - spread), age + spread
        person.age_assessed_on = today
    person.gender = Gender.FEMININE if female else Gender.MASCULINE
    if rng.random() < 0.01:
        person.gender = rng.choice([Gender.TRANSGENDER_FEMININE, Gender.NON_CONFORMING, Gender.UNKNOWN])
    person.nationalities = [country]
    person.people = People.MAYA if maya else (People.LADINO if country == "GT" else People.UNKNOWN)
    person.languages = ["spa", rng.choice(MAYA_LANGUAGES)] if maya else ["spa"]
    person.phone = _phone(rng, country) if rng.random() < 0.4 else None
    person.email = None
    if country == "GT":
        dept = rng.choice(list(geo.DEPARTMENTS))
        munis = geo.municipalities_of(dept)
        person.residence_department = dept
        person.residence_municipality = rng.choice(munis)[0] if munis else ""
        person.address = (
            f"{rng.randint(1, 30)}a. calle {rng.randint(1, 40)}-{rng.randint(10, 99)}, zona {rng.randint(1, 21)}"
        )
    else:
        person.address = None
    docs: list[IdentityDocument] = []
    if rng.random() < 0.75:
        doc_type = DocumentType.DPI if country == "GT" else DocumentType.PASSPORT
        number = _dpi(rng) if country == "GT" else _passport(rng, country)
        docs.append(
            IdentityDocument(
                id=_uuid(rng),
                person=person,
                doc_type=doc_type,
                number=number,
                issuing_country=country,
                suspected_false=False,
            )
        )
    if country != "GT" and rng.random() < 0.25:
        # Authentic-looking but illegally issued Guatemalan documents (seed cable).
        docs.append(
            IdentityDocument(
                id=_uuid(rng),
                person=person,
                doc_type=DocumentType.DPI,
                number=_dpi(rng),
                issuing_country="GT",
                suspected_false=True,
            )
        )
    return DemoPerson(person, docs)


def _variant(rng: random.Random, word: str) -> str:
    options = names.SPELLING_VARIANTS.get(word)
    if options:
        return rng.choice(options)
    if len(word) > 4 and rng.random() < 0.5:  # a typo: two letters swapped
        i = rng.randint(1, len(word) - 3)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def _duplicate(rng: random.Random, original: DemoPerson, today: datetime.date, owner_org_id: int) -> DemoPerson:
    """The same person registered again by another institution, with realistic differences."""
    src = original.person
    person = Person(id=_uuid(rng), owner_org_id=owner_org_id)
    given_words = str(src.given_names).split()
    surname_words = str(src.surnames).split()
    change = rng.random()
    if change < 0.3:
        given_words = [_variant(rng, w) for w in given_words]
    elif change < 0.45 and len(given_words) > 1:
        given_words = list(reversed(given_words))
    elif change < 0.6 and given_words[0] in names.NICKNAMES:
        given_words = [rng.choice(names.NICKNAMES[given_words[0]])]
    if rng.random() < 0.35 and len(surname_words) > 1:
        surname_words = surname_words[:1]  # second surname dropped
    elif rng.random() < 0.3:
        surname_words = [_variant(rng, w) for w in surname_words]
    person.given_names = " ".join(given_words)
    person.surnames = " ".join(surname_words)
    person.aliases = []
    low, _high = src.age_range_on(today)
    age = low if low is not None else 20
    if rng.random() < 0.3:
        age += rng.choice([-4, -3, 2, 3, 5])  # a false document shifts the age
    age = max(10, age)
    person.age_min, person.age_max = max(0, age - 2), age + 2
    person.age_assessed_on = today
    person.gender = src.gender
    person.nationalities = list(src.nationalities)
    if rng.random() < 0.15:
        person.nationalities = ["GT"]  # declared Guatemalan with a false DPI
    person.people = src.people
    person.languages = list(src.languages)
    person.residence_department = src.residence_department
    person.residence_municipality = src.residence_municipality
    person.phone = None
    person.email = None
    person.address = None
    docs = []
    if original.documents and rng.random() < 0.5:
        d = original.documents[0]
        docs.append(
            IdentityDocument(
                id=_uuid(rng),
                person=person,
                doc_type=d.doc_type,
                number=d.number,
                issuing_country=d.issuing_country,
                suspected_false=d.suspected_false,
            )
        )
    elif rng.random() < 0.4:
        docs.append(
            IdentityDocument(
                id=_uuid(rng),
                person=person,
                doc_type=DocumentType.DPI,
                number=_dpi(rng),
                issuing_country="GT",
                suspected_false=True,
            )
        )
    return DemoPerson(person, docs, duplicate_of=src.pk)


def generate(count: int, seed: int, owner_org_ids: list[int], today: datetime.date) -> Iterator[DemoPerson]:
    """Yield ``count`` persons; about 6% are re-registrations of an earlier one by another institution."""
    rng = random.Random(seed)
    recent: list[DemoPerson] = []
    for _ in range(count):
        owner = rng.choice(owner_org_ids)
        if recent and rng.random() < DUPLICATE_SHARE:
            original = rng.choice(recent)
            others = [o for o in owner_org_ids if o != original.person.owner_org_id] or owner_org_ids
            item = _duplicate(rng, original, today, rng.choice(others))
        else:
            item = _new_person(rng, today, owner)
            recent.append(item)
            if len(recent) > 2000:
                recent.pop(0)
        yield item
