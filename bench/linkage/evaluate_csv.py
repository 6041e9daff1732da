"""Duplicate detection on any labelled CSV file: bring your own data.

    .venv/bin/python bench/linkage/evaluate_csv.py people.csv [--entity person] [--threshold -3.5]
    .venv/bin/python bench/linkage/evaluate_csv.py --write-synthetic 10000 --seed 31 synthetic.csv

One row per record; records with the same value in the entity column are the same person (a blank entity,
or NA, N/A, NaN, None, null, -1, - or ?, is a person of its own; with --unlabelled skip such records are
deduplicated with the others but left out of the scores). Without an entity column, ids written the
FEBRL way (rec-12-org, rec-12-dup-0) give it: person 12. The file is UTF-8 (a BOM allowed), else read as
Windows-1252 (what Excel writes), or --encoding. The engine is trained on the file itself
without the labels (u by random sampling, m by EM, as in a run), with its default threshold and grouping;
the labels are used only to score the result.

Columns are found by name (case, accents, spaces, dots and hyphens ignored); the first name in each list that
the file has is used, and an option names another column (``--sex none`` leaves a field out):

    id             id, record_id, rec_id, unique_id, registro, id_registro, no_registro, numero_registro,
                   numero_de_registro, folio (absent: row numbers 1, 2, ...)
    entity         entity, entity_id, cluster, cluster_id, true_id, person_id, match_id, gold_id, true_entity,
                   id_persona, persona_id, group, group_id
    given names    given_names, first_name, given_name, firstname, forename, first_names, nombres, primer_nombre,
                   nombre_1, given, first; then middle_names, middle_name, second_name, second_given_name,
                   segundo_nombre, nombre_2, otros_nombres joined after them
    surnames       surnames, last_name, surname, lastname, family_name, apellidos, apellido, primer_apellido,
                   apellido_paterno, apellido_1, first_surname, paternal_surname, family, last; then
                   second_surname, segundo_apellido, apellido_materno, apellido_2, second_last_name,
                   maternal_surname, mothers_surname joined after them
    full name      full_name, name, fullname, nombre_completo, nombre: used only when the file has neither
                   given names nor surnames. "Surnames, Given names" is split at the comma; otherwise the
                   last two words are the surnames (Spanish double surnames; "de", "del", "de la" stay with
                   the word after them) and the rest the given names, or the last word when there are two;
                   of three words, the middle one goes where the file's other names put it more often.
                   Beside a surnames column without a given-names one, this column holds the given names.
    aliases        aliases, alias, nickname, nicknames, apodo, apodos (several separated by ';')
    date of birth  date_of_birth, dob, birth_date, birthdate, birthday, fecha_nacimiento, fecha_de_nacimiento,
                   fecha_nac, f_nacimiento: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD, or day, month and year as numbers
                   separated by / - or . (two-digit years: the latest such year not in the future) read day
                   first unless the file's own dates show month first (a second number above 12, never a
                   first); also "4 Mar 1990", "4 de marzo de 1990", "March 4, 1990" (English or Spanish
                   months); a time after any of them is ignored; --dob-format for another; a year alone counts
                   as an age range; anything else is missing
    sex            sex, gender, sexo, genero: F, female, feminine, femenino, mujer, woman -> Feminine; M, male,
                   masculine, masculino, hombre, man, H, V, varón -> Masculine, but M is mujer in a file that
                   has H and no F; 1 and 2 are ISO/IEC 5218 (male, female) when every code is 0, 1, 2 or 9;
                   Amparo's own codes as they are; anything else unknown
    nationality    nationality, citizenship, nacionalidad, country, pais: ISO 3166 alpha-2 or alpha-3 code, a
                   country name (Spanish or English), or a demonym of the region (guatemalteca, Salvadoran)
    documents      documents, document, document_number, id_number, national_id, passport, ssn, soc_sec_id,
                   documento, documentos, numero_documento, no_documento, dpi, cui, pasaporte, cedula, dni,
                   curp (several separated by ';')
    department     department, state, province, region, departamento, provincia, estado, entidad_federativa
    municipality   municipality, suburb, city, town, municipio, ciudad, localidad; else birth_place,
                   place_of_birth, lugar_de_nacimiento, lugar_nacimiento
    phone          phone, phone_number, telephone, mobile, telefono, celular, movil (the last 8 digits)
    address        address, street_address, address_1, direccion, domicilio (free text, compared whole; else
                   postcode, postal_code, zip, zip_code, codigo_postal, postcode_fake), with
                   street_number, house_number before it and address_2, address_line_2 after it if present
    email          email, e_mail, email_address, mail, correo, correo_electronico (compared in lower case)
    age            age, estimated_age, declared_age, edad, edad_estimada: a number (-> age +- --age-spread,
                   default 2) or a range "20-25", "20 a 25 años", "entre 20 y 25" (as it is; units "años",
                   "years" and a decimal comma allowed), assessed on the assessed_on column or --as-of
                   (default today)
    age_min/max    age_min, min_age, edad_minima / age_max, max_age, edad_maxima (take precedence over age)
    assessed_on    age_assessed_on, assessed_on, age_date, fecha_evaluacion, fecha_de_evaluacion
    owner          owner, owner_org, institution, organization, org, source, institucion, fuente (integers or
                   any labels): the registering institution, compared (same / different) when the file has
                   two or more

Department, municipality and nationality are compared for equality after normalisation (case and accents
folded), so codes or names both work as long as the file is consistent. The file is refused (exit status 2)
when it is empty or not CSV, or lacks the entity column, an explicitly named id column, or both name
columns. Everything stays in memory (no database).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import re
import resource
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")

from dedup_measures import HEADER, Measures, measure  # noqa: E402

from amparo.core.geo import COUNTRIES, COUNTRIES_EN  # noqa: E402
from amparo.core.normalize import PARTICLES, normalize_text, strip_accents  # noqa: E402
from amparo.linkage.records import UNKNOWN_GENDER  # noqa: E402

# field -> the column names accepted, in order of preference (compared after header_key)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "record_id",
        "rec_id",
        "unique_id",
        "registro",
        "id_registro",
        "no_registro",
        "numero_registro",
        "numero_de_registro",
        "folio",
    ),
    "entity": (
        "entity",
        "entity_id",
        "cluster",
        "cluster_id",
        "true_id",
        "person_id",
        "match_id",
        "gold_id",
        "true_entity",
        "id_persona",
        "persona_id",
        "group",  # Splink's labelled examples (fake_1000)
        "group_id",
    ),
    "given_names": (
        "given_names",
        "first_name",
        "given_name",
        "firstname",
        "forename",
        "first_names",
        "nombres",
        "primer_nombre",
        "nombre_1",
        "given",
        "first",
    ),
    # joined after the given names: files that split them (primer_nombre, segundo_nombre)
    "middle_names": (
        "middle_names",
        "middle_name",
        "second_name",
        "second_given_name",
        "segundo_nombre",
        "nombre_2",
        "otros_nombres",
    ),
    "surnames": (
        "surnames",
        "last_name",
        "surname",
        "lastname",
        "family_name",
        "apellidos",
        "apellido",
        "primer_apellido",
        "apellido_paterno",
        "apellido_1",
        "first_surname",
        "paternal_surname",
        "family",
        "last",
    ),
    # joined after the surnames: files that split the two Spanish surnames
    "second_surname": (
        "second_surname",
        "segundo_apellido",
        "apellido_materno",
        "apellido_2",
        "second_last_name",
        "maternal_surname",
        "mothers_surname",
    ),
    "full_name": ("full_name", "name", "fullname", "nombre_completo", "nombre"),
    "aliases": ("aliases", "alias", "nickname", "nicknames", "apodo", "apodos"),
    "date_of_birth": (
        "date_of_birth",
        "dob",
        "birth_date",
        "birthdate",
        "birthday",
        "fecha_nacimiento",
        "fecha_de_nacimiento",
        "fecha_nac",
        "f_nacimiento",
    ),
    "sex": ("sex", "gender", "sexo", "genero"),
    "nationality": ("nationality", "citizenship", "nacionalidad", "country", "pais"),
    "documents": (
        "documents",
        "document",
        "document_number",
        "id_number",
        "national_id",
        "passport",
        "ssn",
        "soc_sec_id",
        "documento",
        "documentos",
        "numero_documento",
        "no_documento",
        "dpi",
        "cui",
        "pasaporte",
        "cedula",
        "dni",
        "curp",
    ),
    "department": (
        "department",
        "state",
        "province",
        "region",
        "departamento",
        "provincia",
        "estado",  # Mexico's states; after the others, as "estado" may also be a status column
        "entidad_federativa",
    ),
    # a place of birth stands for the place when the file has no other (Splink's historical_50k: birth_place)
    "municipality": (
        "municipality",
        "suburb",
        "city",
        "town",
        "municipio",
        "ciudad",
        "localidad",
        "birth_place",
        "place_of_birth",
        "lugar_de_nacimiento",
        "lugar_nacimiento",
    ),
    "phone": ("phone", "phone_number", "telephone", "mobile", "telefono", "celular", "movil"),
    # a postcode alone stands for the address (historical_50k: postcode_fake)
    "address": (
        "address",
        "street_address",
        "address_1",
        "direccion",
        "domicilio",
        "postcode",
        "postal_code",
        "zip",
        "zip_code",
        "codigo_postal",
        "postcode_fake",
    ),
    "email": ("email", "e_mail", "email_address", "mail", "correo", "correo_electronico"),
    # joined to the address when the file splits it (FEBRL: street_number, address_1, address_2)
    "street_number": ("street_number", "house_number", "street_no"),
    "address_2": ("address_2", "address_line_2"),
    "age": ("age", "estimated_age", "declared_age", "edad", "edad_estimada"),
    "age_min": ("age_min", "min_age", "edad_minima"),
    "age_max": ("age_max", "max_age", "edad_maxima"),
    "assessed_on": ("age_assessed_on", "assessed_on", "age_date", "fecha_evaluacion", "fecha_de_evaluacion"),
    "owner": ("owner", "owner_org", "institution", "organization", "org", "source", "institucion", "fuente"),
}
OFF = {"", "none", "-"}  # an option value that leaves the field out
# The FEBRL convention (Christen's generator): the person is in the record id; not a column name (a NUL)
FEBRL_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")
FROM_IDS = "\x00ids"

FEMININE, MASCULINE = "Feminine", "Masculine"
# Amparo's (HTCDS 2.0 prs_Gender) codes, kept as they are
GENDER_CODES = (FEMININE, MASCULINE, "TransgenderFeminine", "TransgenderMasculine", "NonConforming")
SEXES = {
    **{v: FEMININE for v in ("f", "female", "feminine", "femenino", "femenina", "mujer", "woman", "fem")},
    **{v: MASCULINE for v in ("m", "male", "masculine", "masculino", "hombre", "man", "masc", "h", "v", "varon")},
    **{code.lower(): code for code in GENDER_CODES},
}
# ISO/IEC 5218, used when every code of the file is one of its digits (0 not known, 9 not applicable)
ISO_5218 = {"1": MASCULINE, "2": FEMININE}
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")  # tried first; then the numeric day, month, year of NUMERIC_DATE
# 4/3/1990, 04-03-90, 1990/03/04: the order of day and month is settled per file (DateReader)
NUMERIC_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
TIME_AFTER = re.compile(
    r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s?m\.?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.I
)
# 4 Mar 1990, 04-mar-1990, 4 de marzo de 1990, March 4, 1990
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s/.\-]*(?:de\s+)?([^\W\d_]{3,})\.?[\s/.,\-]*(?:de\s+|del\s+)?(\d{4})")
MONTH_DAY_YEAR = re.compile(r"([^\W\d_]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})")
# the first three letters of a month's name in English or Spanish (no clashes between the two languages)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "ene"),
            ("feb",),
            ("mar",),
            ("apr", "abr"),
            ("may",),
            ("jun",),
            ("jul",),
            ("aug", "ago"),
            ("sep", "set"),
            ("oct",),
            ("nov",),
            ("dec", "dic"),
        ),
        start=1,
    )
    for name in names
}
DELIMITERS = (",", ";", "\t", "|")


class Refused(Exception):
    """The file cannot be evaluated; the message says why (exit status 2)."""


def header_key(name: str) -> str:
    """Case, accents, spaces, hyphens and dots folded: "Fecha de Nacimiento" and "fecha_de_nacimiento" are one."""
    return re.sub(r"[\s\-.]+", "_", strip_accents(name.strip().lstrip("\ufeff").casefold())).strip("_")


def febrl_person(record_id: str) -> str | None:
    """The person of a FEBRL record id: "rec-12-org" and "rec-12-dup-0" are person 12."""
    found = FEBRL_ID.fullmatch(record_id.strip())
    return found.group(1) if found else None


def resolve_columns(
    header: Sequence[str], chosen: Mapping[str, str | None] | None = None, rows: Sequence[Mapping[str, str]] = ()
) -> dict[str, str | None]:
    """field -> the file's column for it (None: not used). ``chosen`` names a column for a field (None: find
    it by the accepted names; "none": leave the field out). Without an entity column, ids written the FEBRL
    way (``rows`` shows them) give the entity: ``FROM_IDS``."""
    chosen = chosen or {}
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(header_key(name), name)
    mapping: dict[str, str | None] = {}
    for fld, accepted in COLUMNS.items():
        wanted = chosen.get(fld)
        if wanted is not None and wanted.strip().lower() in OFF:
            mapping[fld] = None
        elif wanted is not None:
            if header_key(wanted) not in by_key:
                raise Refused(f"column {wanted!r} (for {fld}) is not in the file; its columns: {', '.join(header)}")
            mapping[fld] = by_key[header_key(wanted)]
        else:
            mapping[fld] = next((by_key[k] for k in accepted if k in by_key), None)
    ids = [row[mapping["id"]] for row in rows] if mapping["id"] is not None and mapping["entity"] is None else []
    if ids and all(febrl_person(i) is not None for i in ids):
        mapping["entity"] = FROM_IDS
    if mapping["entity"] is None:
        raise Refused(
            "no entity column (the truth label: records with the same entity are the same person); "
            f"looked for {', '.join(COLUMNS['entity'])} (or ids written rec-N-org, rec-N-dup-k); name it with "
            f"--entity. The file's columns: {', '.join(header)}"
        )
    if mapping["given_names"] is None and mapping["surnames"] is not None and mapping["full_name"] is not None:
        # "nombre" beside "apellidos", "name" beside "surname": the name column holds the given names
        mapping["given_names"], mapping["full_name"] = mapping["full_name"], None
    if mapping["given_names"] is not None or mapping["surnames"] is not None:
        mapping["full_name"] = None  # separate name columns say more than one split by rule
    elif mapping["full_name"] is None:
        raise Refused(
            "no name column: neither given names "
            f"({', '.join(COLUMNS['given_names'])}) nor surnames ({', '.join(COLUMNS['surnames'])}) "
            f"nor a full name ({', '.join(COLUMNS['full_name'])}); name them with --given-names and --surnames, "
            f"or --full-name. The file's columns: {', '.join(header)}"
        )
    if mapping["id"] is not None and mapping["id"] == mapping["entity"]:
        raise Refused(f"the id and entity columns are the same ({mapping['id']!r})")
    return mapping


def _numeric_parts(value: str) -> tuple[str, str, str] | None:
    found = NUMERIC_DATE.fullmatch(TIME_AFTER.sub("", value.strip()))
    return (found.group(1), found.group(2), found.group(3)) if found else None


@dataclass(frozen=True)
class DateReader:
    """Reads the dates of one file. A date written 04/03/1990 is the 4th of March in Guatemala and the 3rd of
    April in the United States: the file settles it (month_first when one of its dates has a second number
    above 12 and none a first), else day first. A two-digit year is the latest year not after ``today`` (a
    date of birth is never in the future). By hand: dateutil guesses each value alone, so one file's dates
    could be read in both orders, and it knows no Spanish month names."""

    month_first: bool = False
    today: datetime.date = field(default_factory=datetime.date.today)
    fmt: str | None = None  # an explicit strptime format: nothing else is tried

    @classmethod
    def for_values(cls, values: Iterable[str], today: datetime.date, fmt: str | None = None) -> DateReader:
        first_above_12 = second_above_12 = False
        for value in values:
            parts = _numeric_parts(value)
            if parts is None or len(parts[0]) > 2:
                continue
            first_above_12 |= int(parts[0]) > 12
            second_above_12 |= int(parts[1]) > 12
        return cls(month_first=second_above_12 and not first_above_12, today=today, fmt=fmt)

    @property
    def order(self) -> str:
        return self.fmt or ("month/day/year" if self.month_first else "day/month/year")

    def year(self, text: str) -> int:
        year = int(text)
        if len(text) <= 2:
            year += 2000 if 2000 + year <= self.today.year else 1900
        return year

    def parse(self, value: str) -> datetime.date | None:
        value = value.strip()
        if not value:
            return None
        if self.fmt:
            try:
                return datetime.datetime.strptime(value, self.fmt).date()
            except ValueError:
                return None
        # a time after the date (ISO "T10:30:00", "04/03/1990 10:30", "4/3/1990 10:30 a.m."): not part of it
        value = TIME_AFTER.sub("", value)
        for f in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value, f).date()
            except ValueError:
                continue
        try:
            return self._parse_parts(value)
        except ValueError:  # 31/02/1990
            return None

    def _parse_parts(self, value: str) -> datetime.date | None:
        parts = _numeric_parts(value)
        if parts is not None:
            first, second, third = parts
            if len(first) == 4:
                return datetime.date(int(first), int(second), int(third))
            if len(third) not in (2, 4):
                return None
            day, month = (second, first) if self.month_first else (first, second)
            return datetime.date(self.year(third), int(month), int(day))
        folded = strip_accents(value.casefold())
        if found := DAY_MONTH_YEAR.fullmatch(folded):
            day, month_name, year = found.groups()
        elif found := MONTH_DAY_YEAR.fullmatch(folded):
            month_name, day, year = found.groups()
        else:
            return None
        month = MONTHS.get(month_name[:3])
        return datetime.date(int(year), month, int(day)) if month else None


def parse_date(value: str, fmt: str | None = None) -> datetime.date | None:
    """One date alone, day first (a file's dates are read with ``DateReader.for_values``)."""
    return DateReader(fmt=fmt).parse(value)


def sex_codes(values: Iterable[str]) -> dict[str, str]:
    """The sex codes of one file: M is "male" beside F, and "mujer" beside H (hombre) without F; the digits 1
    and 2 are ISO/IEC 5218 when every code is one of its digits."""
    seen = {v.strip().casefold() for v in values} - {""}
    codes = dict(SEXES)
    if "h" in seen and "f" not in seen:
        codes["m"] = FEMININE
    if seen and seen <= {"0", "1", "2", "9"}:
        codes.update(ISO_5218)
    return codes


def parse_sex(value: str, codes: Mapping[str, str] = SEXES) -> str:
    return codes.get(strip_accents(value.strip().casefold()), UNKNOWN_GENDER)


# Demonyms of the region's files ("guatemalteca", "Salvadoran"): Spanish stems take -o and -a
DEMONYMS: dict[str, tuple[str, ...]] = {
    "GT": ("guatemaltec*", "guatemalan"),
    "SV": ("salvadoreñ*", "salvadoran", "salvadorean"),
    "HN": ("hondureñ*", "honduran"),
    "NI": ("nicaragüense", "nicaraguan"),
    "MX": ("mexican*",),
    "BZ": ("beliceñ*", "belizean"),
    "CR": ("costarricense", "costa rican"),
    "PA": ("panameñ*", "panamanian"),
    "US": ("estadounidense", "norteamerican*", "american"),
    "CA": ("canadiense", "canadian"),
    "CO": ("colombian*",),
    "EC": ("ecuatorian*", "ecuadorian"),
    "PE": ("peruan*", "peruvian"),
    "VE": ("venezolan*", "venezuelan"),
    "CU": ("cuban*",),
    "DO": ("dominican*",),
    "HT": ("haitian*",),
    "CN": ("chin*", "chinese"),
}


def _country_names() -> dict[str, str]:
    """Normalised name, alpha-3 code or demonym -> alpha-2 code: Amparo's own names in both languages, then
    pycountry's (every ISO 3166 country) where it is installed (the dev extra)."""
    names: dict[str, str] = {}
    try:
        import pycountry
    except ImportError:  # the app's install alone: Amparo's 111 countries and the demonyms
        pass
    else:
        for country in pycountry.countries:
            for name in ("alpha_3", "name", "common_name", "official_name"):
                if hasattr(country, name):
                    names[normalize_text(getattr(country, name))] = country.alpha_2
    for code, words in DEMONYMS.items():
        for word in words:
            endings = ("o", "a", "os", "as") if word.endswith("*") else ("",)
            names.update({normalize_text(word.rstrip("*") + ending): code for ending in endings})
    names.update({normalize_text(n): code for table in (COUNTRIES, COUNTRIES_EN) for code, n in table.items()})
    return names


COUNTRY_NAMES = _country_names()


def parse_nationality(value: str) -> str:
    """ISO 3166 alpha-2 or alpha-3 code, a country's name in Spanish or English, or a demonym -> alpha-2."""
    value = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    return COUNTRY_NAMES.get(normalize_text(value), "")


AGE_UNITS = re.compile(r"\s*(?:anos|ano|years?|yrs?|y/o|a)\.?\s*$")


def parse_age(value: str) -> tuple[float, float] | None:
    """ "25" -> (25, 25); "20-25", "20 to 25", "20 a 25 años", "entre 20 y 25" -> (20, 25); "25 años",
    "25 years", "25,5" as 25 and 25.5; anything else None."""
    text = AGE_UNITS.sub("", strip_accents(value.casefold())).replace(",", ".")
    text = re.sub(r"^\s*(?:entre|between)\s+", "", text)
    numbers = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:(?:-|to|a|y|and)\s*(\d+(?:\.\d+)?)\s*)?", text)
    if not numbers:
        return None
    low = float(numbers.group(1))
    high = float(numbers.group(2)) if numbers.group(2) else low
    return (low, high) if low <= high else (high, low)


def _units(value: str) -> list[str]:
    """The words of a name, a particle joined to the word after it ("de la Cruz" is one surname)."""
    units: list[str] = []
    pending: list[str] = []
    for word in value.split():
        pending.append(word)
        if normalize_text(word) not in PARTICLES:
            units.append(" ".join(pending))
            pending = []
    if pending:
        units.append(" ".join(pending))
    return units


@dataclass
class NameRoles:
    """How often each word of the file is a given name and how often a surname, counted on the names whose
    split is certain; it settles the uncertain ones."""

    given: Counter[str] = field(default_factory=Counter)
    surname: Counter[str] = field(default_factory=Counter)

    def is_given(self, unit: str) -> bool:
        key = normalize_text(unit)
        return self.given[key] > self.surname[key]


def _certain_split(value: str) -> tuple[list[str], list[str]] | None:
    """(given-name units, surname units) when the rule alone decides: at a comma ("Surnames, Given names"),
    one word (a given name), two words (given name, surname), four or more (the last two are surnames).
    None for three words, which the file's other names must settle."""
    if "," in value:
        surnames, _, given = value.partition(",")
        return _units(given), _units(surnames)
    units = _units(value)
    if len(units) == 3:
        return None
    cut = len(units) - 2 if len(units) >= 4 else 1
    return units[:cut], units[cut:]


def name_roles(values: Iterable[str]) -> NameRoles:
    """Roles counted on the names whose split is certain and that have both parts."""
    roles = NameRoles()
    for value in values:
        split = _certain_split(value)
        if split and split[0] and split[1]:
            roles.given.update(map(normalize_text, split[0]))
            roles.surname.update(map(normalize_text, split[1]))
    return roles


def split_full_name(value: str, roles: NameRoles | None = None) -> tuple[str, str]:
    """(given names, surnames) of a name written whole. By hand: name-parsing libraries (nameparser,
    probablepeople) assume the English order with one surname.

    "López García, Ana" -> ("Ana", "López García"); "Ana de León Pérez" -> ("Ana", "de León Pérez"); "Ana
    López" -> ("Ana", "López"); four words or more: the last two are the surnames. Three words are either two
    given names and a surname ("Ana María López", a second surname dropped) or one given name and two
    surnames: the middle word goes where ``roles`` (counted on the file's certain names) has seen it more often,
    else to the surnames."""
    split = _certain_split(value)
    if split is None:
        units = _units(value)
        cut = 2 if roles is not None and roles.is_given(units[1]) else 1
        split = units[:cut], units[cut:]
    return " ".join(split[0]), " ".join(split[1])


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


@dataclass
class Loaded:
    records: list[dict[str, object]]
    labels: dict[str, str]  # unique_id -> entity
    mapping: dict[str, str | None]  # field -> column
    delimiter: str
    notes: dict[str, str] = field(default_factory=dict)  # field -> what was read from its column
    encoding: str = "UTF-8"


UNLABELLED = frozenset({"na", "n/a", "nan", "none", "null", "-1", "-", "?"})


def decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """(text, the encoding read). Without ``encoding``: UTF-8 (a BOM allowed), else Windows-1252, what Excel
    writes in Spanish and English: a file that is not UTF-8 is nearly always that (Latin-1 where it is not)."""
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise Refused(
                f"{path} is not {encoding} text ({error.reason} at byte {error.start}); try another --encoding"
            ) from error
        except LookupError as error:
            raise Refused(f"unknown encoding {encoding!r}") from error
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252 (not UTF-8; --encoding names another)"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1 (not UTF-8; --encoding names another)"


def read_rows(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[list[str], list[dict], str, str]:
    """The header, the rows (column -> stripped text), the delimiter and the encoding read; Refused when it
    is not CSV."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Refused(f"cannot read {path}: {error.strerror}") from error
    if not raw.strip():
        raise Refused(f"{path} is empty")
    if b"\x00" in raw[:65536]:
        raise Refused(f"{path} is not a CSV text file (it holds binary data)")
    text, encoding = decode(raw, path, encoding)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Refused(f"{path} is empty")
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = delimiter or max(DELIMITERS, key=first.count)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        lines = [line for line in reader if any(cell.strip() for cell in line)]
    except csv.Error as error:
        raise Refused(f"{path} is not readable as CSV: {error}") from error
    if not lines:
        raise Refused(f"{path} has no header and no records")
    header = [h.strip() for h in lines[0]]
    if len(set(map(header_key, header))) < len(header):
        dupes = sorted({h for h in header if [header_key(x) for x in header].count(header_key(h)) > 1})
        raise Refused(f"{path}: the header repeats a column name ({', '.join(dupes)})")
    body = lines[1:]
    if not body:
        raise Refused(f"{path} has a header but no records")
    ragged = sum(1 for line in body if len(line) != len(header))
    if ragged > len(body) // 10:
        raise Refused(
            f"{path} does not look like CSV with delimiter {delimiter!r}: {ragged:,} of {len(body):,} rows do not "
            f"have the header's {len(header)} fields (--delimiter names another)"
        )
    # A row with more fields than the header has an unquoted delimiter inside a value: every column after it
    # is shifted (a sex lands in the document column), which silently corrupts the comparison. Refused, with
    # the rows named. A row with fewer fields only lacks trailing empty values and is padded.
    longer = [i + 2 for i, line in enumerate(body) if len(line) > len(header)]
    if longer:
        shown = ", ".join(f"{n:,}" for n in longer[:5]) + (" ..." if len(longer) > 5 else "")
        raise Refused(
            f"{path}: {len(longer):,} rows have more fields than the header's {len(header)} (lines {shown}): a value "
            f"holds an unquoted {delimiter!r}, so its columns would be shifted; quote such values"
        )
    rows = [{h: (line[i].strip() if i < len(line) else "") for i, h in enumerate(header)} for line in body]
    return header, rows, delimiter, encoding


def load(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    age_spread: float = 2,
    as_of: datetime.date | None = None,
    dob_format: str | None = None,
) -> Loaded:
    """Read a labelled CSV file into linkage records and their truth labels."""
    header, rows, delimiter, encoding = read_rows(path, encoding, delimiter)
    mapping = resolve_columns(header, columns, rows)
    as_of = as_of or datetime.date.today()
    col = {fld: c for fld, c in mapping.items() if c is not None and c != FROM_IDS}

    def get(row: dict[str, str], fld: str) -> str:
        return row[col[fld]] if fld in col else ""

    owners: dict[str, int] = {}
    if "owner" in col:
        values = sorted({row[col["owner"]].strip() for row in rows} - {""})  # an empty cell: not known
        numeric = all(re.fullmatch(r"-?\d+", v) for v in values)
        owners = {v: int(v) if numeric else i for i, v in enumerate(values, start=1)}
        if len(owners) < 2:  # one institution for every record tells nothing: compared as unknown (0)
            owners = {v: 0 for v in owners}
    roles = name_roles(row[col["full_name"]] for row in rows) if "full_name" in col else None
    dates = DateReader.for_values((get(row, "date_of_birth") for row in rows), as_of, dob_format)
    assessed_dates = DateReader.for_values((get(row, "assessed_on") for row in rows), as_of)
    sexes = sex_codes(get(row, "sex") for row in rows)
    seen: dict[str, int] = {}
    records: list[dict[str, object]] = []
    labels: dict[str, str] = {}
    count: Counter[str] = Counter()
    bad: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        uid = get(row, "id") if "id" in col else str(n)
        if not uid:
            raise Refused(f"row {n}: the id column {col['id']!r} is blank")
        if uid in seen:
            raise Refused(f"rows {seen[uid]} and {n} have the same id {uid!r}: ids must be unique")
        seen[uid] = n
        label = (febrl_person(uid) or "") if mapping["entity"] == FROM_IDS else get(row, "entity")
        # the usual "no label" markers of labelled sets: a person of their own, not one giant entity
        label = "" if label.strip().casefold() in UNLABELLED else label
        count["no entity"] += not label
        labels[uid] = label or f"\x00{uid}"  # blank: a person of their own
        dob: datetime.date | None = None
        low = high = None
        assessed = assessed_dates.parse(get(row, "assessed_on")) or as_of
        text = get(row, "date_of_birth")
        if text:
            dob = dates.parse(text)
            if dob is None and re.fullmatch(r"\d{4}", text) and 1850 < int(text) <= as_of.year:
                low, high, assessed = max(0, as_of.year - int(text) - 1), as_of.year - int(text), as_of
                count["dob year only"] += 1
            elif dob is None:
                count["dob not understood"] += 1
                bad.setdefault("date_of_birth", text)
            else:
                count["dob"] += 1
        lo_text, hi_text, age_text = get(row, "age_min"), get(row, "age_max"), get(row, "age")
        if lo_text or hi_text:
            lo, hi = parse_age(lo_text or hi_text), parse_age(hi_text or lo_text)
            if lo and hi:
                low, high = int(lo[0]), int(hi[1])
                count["age"] += 1
            else:
                count["age not understood"] += 1
                bad.setdefault("age", lo_text or hi_text)
        elif age_text:
            ages = parse_age(age_text)
            if ages:
                spread = age_spread if ages[0] == ages[1] else 0  # a range given is the estimate itself
                low, high = max(0, int(ages[0] - spread)), int(ages[1] + spread)
                count["age"] += 1
            else:
                count["age not understood"] += 1
                bad.setdefault("age", age_text)
        sex = parse_sex(get(row, "sex"), sexes)
        count[f"sex {sex}"] += 1
        nat_text = get(row, "nationality")
        nationality = parse_nationality(nat_text) if nat_text else ""
        if nat_text and not nationality:
            count["nationality not understood"] += 1
            bad.setdefault("nationality", nat_text)
        given = " ".join(v for v in (get(row, "given_names"), get(row, "middle_names")) if v)
        surnames = " ".join(v for v in (get(row, "surnames"), get(row, "second_surname")) if v)
        if "full_name" in col:
            given, surnames = split_full_name(get(row, "full_name"), roles)
            count["full name split"] += bool(given and surnames)
        records.append(
            {
                "unique_id": uid,
                "given_names": given,
                "surnames": surnames,
                "aliases": split_list(get(row, "aliases")),
                "date_of_birth": dob.isoformat() if dob else None,
                "age_min": low,
                "age_max": high,
                "age_assessed_on": assessed.isoformat() if low is not None or high is not None else None,
                "gender": sex,
                "nationality": nationality,
                "documents": split_list(get(row, "documents")),
                "department": normalize_text(get(row, "department")),
                "municipality": normalize_text(get(row, "municipality")),
                "owner_org": owners.get(get(row, "owner").strip(), 0),
                "phone": get(row, "phone"),
                "address": " ".join(v for v in (get(row, f) for f in ("street_number", "address", "address_2")) if v),
                "email": get(row, "email"),
            }
        )
    if len(records) < 2:
        raise Refused(f"{path} has fewer than two records")
    notes = _notes(records, count, bad, len(owners))
    if count["dob"]:
        notes["date_of_birth"] += f" (numbers read as {dates.order})"
    if sexes["m"] == FEMININE:
        notes["sex"] += " (H hombre, M mujer)"
    return Loaded(records=records, labels=labels, mapping=mapping, delimiter=delimiter, notes=notes, encoding=encoding)


def _notes(records: list[dict[str, object]], count: Counter[str], bad: dict[str, str], owners: int) -> dict[str, str]:
    total = len(records)

    def filled(key: str) -> int:
        return sum(1 for r in records if r[key])

    def unclear(fld: str, key: str) -> str:
        return f", {count[key]:,} not understood (e.g. {bad[fld]!r})" if count[key] else ""

    return {
        "entity": f"{total - count['no entity']:,} labelled"
        + (f", {count['no entity']:,} blank (a person each)" if count["no entity"] else ""),
        "given_names": f"{filled('given_names'):,} of {total:,} filled",
        "surnames": f"{filled('surnames'):,} of {total:,} filled",
        "full_name": f"{count['full name split']:,} of {total:,} split into given names and surnames",
        "aliases": f"{filled('aliases'):,} with aliases",
        "date_of_birth": f"{count['dob']:,} dates"
        + (f", {count['dob year only']:,} a year only (an age range)" if count["dob year only"] else "")
        + unclear("date_of_birth", "dob not understood"),
        "age": f"{count['age']:,} ages or ranges" + unclear("age", "age not understood"),
        "sex": f"{count['sex Feminine']:,} feminine, {count['sex Masculine']:,} masculine, "
        f"{count['sex NonSpecifiedUnknown']:,} unknown",
        "nationality": f"{filled('nationality'):,} filled" + unclear("nationality", "nationality not understood"),
        "documents": f"{filled('documents'):,} with a document",
        "department": f"{filled('department'):,} filled",
        "municipality": f"{filled('municipality'):,} filled",
        "phone": f"{filled('phone'):,} filled",
        "address": f"{filled('address'):,} filled",
        "email": f"{filled('email'):,} filled",
        "middle_names": "joined after the given names",
        "second_surname": "joined after the surnames",
        "street_number": "joined before the address",
        "address_2": "joined after the address",
        "owner": f"{owners:,} institutions" if owners > 1 else "one institution: not compared",
    }


# fields that only complete another: not listed when the file has no column for them
OPTIONAL_PARTS = ("age_min", "age_max", "assessed_on", "middle_names", "second_surname", "street_number", "address_2")


def describe(loaded: Loaded) -> list[str]:
    """Which column was used for which field, and what was read from it."""
    lines = []
    ranges = loaded.mapping["age_min"] or loaded.mapping["age_max"]
    # the ages read are noted once: on the first range column when there is one, else on the age column
    age_note = "age_min" if loaded.mapping["age_min"] else "age_max" if loaded.mapping["age_max"] else "age"
    for fld, column in loaded.mapping.items():
        if fld in OPTIONAL_PARTS and column is None:
            continue
        if fld in ("age", "age_min", "age_max"):
            note = loaded.notes["age"] if fld == age_note else None
        else:
            note = loaded.notes.get(fld)
        if column is None:
            absent = {"id": "row numbers", "owner": "not compared"}.get(fld, "not used")
            if fld == "age" and ranges:
                absent = "ranges from age_min/age_max"
            lines.append(f"{fld} <- (no column: {absent})")
        elif column == FROM_IDS:
            lines.append(f"{fld} <- the ids (rec-N-org, rec-N-dup-k: person N): {note}")
        elif fld == "age" and ranges:
            lines.append(f"{fld} <- {column} (not used: age_min/age_max take precedence)")
        else:
            lines.append(f"{fld} <- {column}" + (f": {note}" if note else ""))
    return lines


def evaluate(loaded: Loaded, threshold: float | None = None, skip_unlabelled: bool = False) -> Measures:
    """``skip_unlabelled``: records without a label are deduplicated with the others but not scored (a file
    labelled in part); by default each is a person of its own."""
    scored = None
    if skip_unlabelled:
        scored = [uid for uid, label in loaded.labels.items() if not label.startswith("\x00")]
    return measure(loaded.records, loaded.labels, threshold, scored)


# The synthetic writer: the same format, so that the round trip is testable and the format is shown.
SYNTHETIC_HEADER = [
    "id",
    "entity",
    "given_names",
    "surnames",
    "aliases",
    "date_of_birth",
    "age_min",
    "age_max",
    "age_assessed_on",
    "sex",
    "nationality",
    "documents",
    "department",
    "municipality",
    "owner",
]


def synthetic_rows(count: int, seed: int) -> Iterable[list[object]]:
    from amparo.linkage.synthetic import generate

    sex = {FEMININE: "F", MASCULINE: "M"}
    for item in generate(count, seed=seed):
        r = item.record
        yield [
            r["unique_id"],
            item.entity,
            r["given_names"],
            r["surnames"],
            ";".join(r["aliases"]),
            r["date_of_birth"] or "",
            "" if r["age_min"] is None else r["age_min"],
            "" if r["age_max"] is None else r["age_max"],
            r["age_assessed_on"] or "",
            sex.get(r["gender"], ""),
            r["nationality"],
            ";".join(r["documents"]),
            r["department"],
            r["municipality"],
            r["owner_org"],
        ]


def write_synthetic(count: int, seed: int, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(SYNTHETIC_HEADER)
        writer.writerows(synthetic_rows(count, seed))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", type=Path, help="the labelled CSV file (or the file to write with --write-synthetic)")
    parser.add_argument("--write-synthetic", type=int, metavar="N", help="write N labelled synthetic records")
    parser.add_argument("--seed", type=int, default=7, help="seed of --write-synthetic (default 7)")
    parser.add_argument("--encoding", help="text encoding (default UTF-8, a BOM allowed, else Windows-1252)")
    parser.add_argument("--delimiter", help="field separator (default: the commonest of , ; tab | in the header)")
    parser.add_argument("--threshold", type=float, help="match weight threshold (default the engine's)")
    parser.add_argument(
        "--unlabelled",
        choices=("own", "skip"),
        default="own",
        help="records without a label: each a person of its own (default), or deduplicated but not scored",
    )
    parser.add_argument("--age-spread", type=float, default=2, help="an age a becomes a-spread..a+spread (default 2)")
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="date ages were assessed (default today)")
    parser.add_argument("--dob-format", help="strptime format of the dates of birth, e.g. %%m/%%d/%%Y")
    group = parser.add_argument_group("columns", "the column for a field ('none' leaves the field out)")
    for fld in COLUMNS:
        flag = "--" + fld.replace("_", "-")
        group.add_argument(flag, dest=f"col_{fld}", metavar="COLUMN", help=f"default: {', '.join(COLUMNS[fld])}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.write_synthetic is not None:
        if args.write_synthetic < 2:
            print("error: --write-synthetic needs at least 2 records", file=sys.stderr)
            return 2
        write_synthetic(args.write_synthetic, args.seed, args.csv)
        print(f"wrote {args.write_synthetic:,} labelled synthetic records (seed {args.seed}) to {args.csv}")
        return 0
    columns = {fld: getattr(args, f"col_{fld}") for fld in COLUMNS}
    try:
        loaded = load(
            args.csv,
            encoding=args.encoding,
            delimiter=args.delimiter,
            columns=columns,
            age_spread=args.age_spread,
            as_of=args.as_of,
            dob_format=args.dob_format,
        )
    except Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    import django

    django.setup()
    machine = f"load {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores"
    print(f"# {args.csv} ({loaded.encoding}, delimiter {loaded.delimiter!r}); {machine}")
    for line in describe(loaded):
        print(f"#   {line}")
    print(HEADER)
    print(evaluate(loaded, args.threshold, args.unlabelled == "skip").row(args.csv.name), flush=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
