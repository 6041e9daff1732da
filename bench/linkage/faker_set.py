"""A second labelled generator, written apart from Amparo's model and never used to tune it: Faker's Mexican
names, states, cities and dates, one CSV file in a Mexican register's layout, for evaluate_csv.py.

    .venv/bin/python bench/linkage/faker_set.py 100000 faker100k.csv [--seed 2] [--estimated-ages 0.45]
    .venv/bin/python bench/linkage/evaluate_csv.py faker100k.csv

Why: the evaluation set (``amparo.linkage.synthetic``) and the model were built by the same hands, so a good
figure there may only say that the model knows that generator. This one draws from other lists (Faker es_MX:
186 female and 161 male given names, 623 surnames), another layout (Spanish headers, day/month/year dates, F/M,
a 13-digit document, a phone) and corruption of its own, at rates chosen before any run:

- a person has 1 to 4 records (one more with probability 0.4, 0.2 and 0.1); the first is clean;
- a copy: a typo in the given names (25 %), in the first surname (25 %); the second surname dropped (20 %) or
  mistyped (12 %); the second given name dropped (10 %); the date of birth missing (15 %) or wrong (8.5 %: a
  year off by one, day and month swapped, or the day off by one); the document missing (40 %) or another
  (6 %); the phone missing (40 %) or another (9 %); the city missing (25 %), the state (10 %), the sex (5 %);
  names and places in capitals without accents (30 %).

``--estimated-ages S`` replaces the date of birth of a share S of the records that have one (first records
included) by an age estimated at sight, up to two years off, in an ``edad`` column with the date it was
assessed: the evaluation set has 45 % such records, the main reason it is harder (docs/benchmarks.md §8).
``--concentrated`` draws the names as real registers hold them, a few names carried by many persons, instead of
Faker's even draw: given names with weights 1/(rank + 3) (the commonest, about 8 % of a sex, as "María"),
surnames with 1/(rank + 5) (the commonest about 4 %), in an order shuffled by the seed.
Faker is a dependency of factory_boy, so it is installed with the tests; its version is pinned
(requirements/constraints.txt), and the same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import random
import string
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HEADER = [
    "rec_id",
    "cluster",
    "nombres",
    "apellido_paterno",
    "apellido_materno",
    "fecha_nacimiento",
    "edad",
    "fecha_evaluacion",
    "sexo",
    "estado",
    "ciudad",
    "documento",
    "telefono",
]
ASSESSED_ON = datetime.date(2026, 1, 1)


class _Corrupt:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def typo(self, word: str) -> str:
        if len(word) < 3:
            return word
        i = self.rng.randrange(len(word) - 1)
        kind = self.rng.random()
        if kind < 0.3:
            return word[:i] + word[i + 1 :]
        if kind < 0.6:
            return word[:i] + self.rng.choice(string.ascii_lowercase) + word[i + 1 :]
        if kind < 0.8:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i] + word[i] + word[i:]

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def wrong_date(self, day: datetime.date) -> datetime.date:
        kind = self.rng.random()
        if kind < 0.5:
            return day.replace(year=day.year + self.rng.choice([-1, 1]), day=min(day.day, 28))
        if kind < 0.75 and day.day <= 12:
            return day.replace(day=day.month, month=day.day)
        return day.replace(day=day.day % 28 + 1)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").upper()


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _copy(person: dict[str, object], c: _Corrupt) -> dict[str, object]:
    r = dict(person)
    if c.chance(0.25):
        r["given"] = c.typo(str(r["given"]))
    if c.chance(0.25):
        r["s1"] = c.typo(str(r["s1"]))
    if c.chance(0.2):
        r["s2"] = ""
    elif c.chance(0.15):
        r["s2"] = c.typo(str(r["s2"]))
    if c.chance(0.1) and " " in str(r["given"]):
        r["given"] = str(r["given"]).split()[0]
    if c.chance(0.15):
        r["born"] = None
    elif c.chance(0.1):
        r["born"] = c.wrong_date(person["born"])  # type: ignore[arg-type]
    if c.chance(0.4):
        r["doc"] = ""
    elif c.chance(0.1):
        r["doc"] = c.digits(13)
    if c.chance(0.4):
        r["phone"] = ""
    elif c.chance(0.15):
        r["phone"] = c.digits(10)
    if c.chance(0.25):
        r["city"] = ""
    if c.chance(0.1):
        r["state"] = ""
    if c.chance(0.05):
        r["sex"] = ""
    if c.chance(0.3):
        for key in ("given", "s1", "s2", "city", "state"):
            r[key] = _plain(str(r[key]))
    return r


class _Names:
    """Faker's Mexican given names and surnames, drawn evenly (Faker's way) or concentrated."""

    def __init__(self, fake: Any, seed: int, concentrated: bool) -> None:
        from faker.providers.person.es_MX import Provider

        self.fake = fake
        self.rng = random.Random(seed + 2)
        self.concentrated = concentrated
        self.lists = {
            "female": self._ranked(Provider.first_names_female, 3),
            "male": self._ranked(Provider.first_names_male, 3),
            "surname": self._ranked(Provider.last_names, 5),
        }

    def _ranked(self, names: Sequence[str], offset: int) -> tuple[list[str], list[float]]:
        ranked = list(dict.fromkeys(names))
        self.rng.shuffle(ranked)
        return ranked, list(itertools.accumulate(1 / (rank + offset) for rank in range(len(ranked))))

    def draw(self, kind: str) -> str:
        if not self.concentrated:
            draw = {"female": self.fake.first_name_female, "male": self.fake.first_name_male}.get(kind)
            return str((draw or self.fake.last_name)())
        names, cumulative = self.lists[kind]
        return self.rng.choices(names, cum_weights=cumulative)[0]


def rows(count: int, seed: int = 2, estimated_ages: float = 0.0, concentrated: bool = False) -> Iterator[list[str]]:
    """``count`` labelled rows (without the header), in HEADER's order."""
    from faker import Faker

    fake = Faker("es_MX")
    fake.seed_instance(seed)
    names = _Names(fake, seed, concentrated)
    c = _Corrupt(random.Random(seed))
    ages = random.Random(seed + 1)  # its own draws: with or without estimated ages, the same persons and copies
    produced = person_id = 0
    while produced < count:
        female = c.chance(0.6)
        sex = "female" if female else "male"
        given = names.draw(sex) if c.chance(0.7) else f"{names.draw(sex)} {names.draw(sex)}"
        person: dict[str, object] = {
            "given": given,
            "s1": names.draw("surname"),
            "s2": names.draw("surname"),
            "born": fake.date_of_birth(minimum_age=10, maximum_age=60),
            "sex": "F" if female else "M",
            "state": fake.state(),
            "city": fake.city(),
            "doc": c.digits(13),
            "phone": c.digits(10),
        }
        copies = 1 + c.chance(0.4) + c.chance(0.2) + c.chance(0.1)
        for number in range(min(copies, count - produced)):
            record = _copy(person, c) if number else dict(person)
            born: datetime.date | None = record["born"]  # type: ignore[assignment]
            age = assessed = ""
            if born and ages.random() < estimated_ages:
                age = str(max(0, _age(person["born"], ASSESSED_ON) + ages.randint(-2, 2)))  # type: ignore[arg-type]
                assessed, born = ASSESSED_ON.isoformat(), None
            yield [
                str(produced),
                str(person_id),
                str(record["given"]),
                str(record["s1"]),
                str(record["s2"]),
                born.strftime("%d/%m/%Y") if born else "",
                age,
                assessed,
                str(record["sex"]),
                str(record["state"]),
                str(record["city"]),
                str(record["doc"]),
                str(record["phone"]),
            ]
            produced += 1
        person_id += 1


def write(path: Path, count: int, seed: int = 2, estimated_ages: float = 0.0, concentrated: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count, seed, estimated_ages, concentrated))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="records to write")
    parser.add_argument("path", type=Path, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument(
        "--estimated-ages", type=float, default=0.0, metavar="S", help="share of records with an estimated age"
    )
    parser.add_argument("--concentrated", action="store_true", help="a few names carried by many persons")
    args = parser.parse_args(argv)
    if args.count < 1 or not 0.0 <= args.estimated_ages <= 1.0:
        parser.error("count must be positive and --estimated-ages between 0 and 1")
    write(args.path, args.count, args.seed, args.estimated_ages, args.concentrated)
    print(f"{args.count:,} records written to {args.path}")


if __name__ == "__main__":
    main()
