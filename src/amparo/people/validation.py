"""The rules a person's data must follow (one place, used by the HTML forms and the API)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.core import geo
from amparo.core.normalize import normalize_document

from .models import DocumentType, Gender, People

MAX_AGE = 120
MAX_ALIASES = 20
MAX_DOCUMENTS = 10
DPI_DIGITS = 13  # CUI: 8 digits, a check digit, the department (2) and the municipality (2)


@dataclass
class DocumentInput:
    doc_type: str
    number: str
    issuing_country: str = ""
    suspected_false: bool = False


@dataclass
class PersonInput:
    given_names: str
    surnames: str = ""
    aliases: list[str] = field(default_factory=list)
    date_of_birth: datetime.date | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str = Gender.UNKNOWN
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    people: str = People.UNKNOWN
    phone: str = ""
    email: str = ""
    address: str = ""
    residence_department: str = ""
    residence_municipality: str = ""
    documents: list[DocumentInput] = field(default_factory=list)


IDENTIFYING_FIELDS = ("given_names", "surnames", "aliases", "date_of_birth", "phone", "email", "address")
CATEGORY_FIELDS = (
    "age_min",
    "age_max",
    "gender",
    "nationalities",
    "languages",
    "people",
    "residence_department",
    "residence_municipality",
)


def validate_person(data: PersonInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.given_names = " ".join(data.given_names.split())
    data.surnames = " ".join(data.surnames.split())
    data.aliases = [" ".join(a.split()) for a in data.aliases if a.strip()]
    if not data.given_names:
        add("given_names", _("Enter the given names (or a provisional name)."))
    if len(data.given_names) > 200 or len(data.surnames) > 200:
        add("given_names", _("Names are limited to 200 characters."))
    if len(data.aliases) > MAX_ALIASES or any(len(a) > 200 for a in data.aliases):
        add(
            "aliases",
            _("At most %(count)s aliases, each up to 200 characters.") % {"count": MAX_ALIASES},
        )
    if len(data.phone or "") > 40:
        add("phone", _("The phone is limited to 40 characters."))
    if len(data.address or "") > 500:
        add("address", _("The address is limited to 500 characters."))
    today = timezone.localdate()
    if data.date_of_birth:
        if data.date_of_birth > today:
            add("date_of_birth", _("The date of birth cannot be in the future."))
        elif (today - data.date_of_birth).days > MAX_AGE * 366:
            add("date_of_birth", _("The date of birth is more than %(years)s years ago.") % {"years": MAX_AGE})
    for name in ("age_min", "age_max"):
        value = getattr(data, name)
        if value is not None and not (0 <= value <= MAX_AGE):
            add(name, _("The age must be between 0 and %(max)s.") % {"max": MAX_AGE})
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        add("age_max", _("The upper age cannot be lower than the lower age."))
    if data.gender not in Gender.values:
        add("gender", _("Choose a valid value."))
    if data.people not in People.values:
        add("people", _("Choose a valid value."))
    for code in data.nationalities:
        if code not in geo.COUNTRIES:
            add("nationalities", _("Unknown country code: %(code)s.") % {"code": code})
    for code in data.languages:
        if code not in geo.LANGUAGES:
            add("languages", _("Unknown language code: %(code)s.") % {"code": code})
    if data.residence_department and data.residence_department not in geo.DEPARTMENTS:
        add("residence_department", _("Choose a valid department."))
    if data.residence_municipality and not geo.is_valid_municipality(
        data.residence_department, data.residence_municipality
    ):
        add("residence_municipality", _("The municipality does not belong to the department."))
    if data.email and ("@" not in data.email or len(data.email) > 254):
        add("email", _("Enter a valid e-mail address."))
    if len(data.documents) > MAX_DOCUMENTS:
        add("documents", _("At most %(count)s documents.") % {"count": MAX_DOCUMENTS})
    seen: set[tuple[str, str]] = set()
    for doc in data.documents:
        doc.number = " ".join(doc.number.split())
        normalized = normalize_document(doc.number)
        if doc.doc_type not in DocumentType.values:
            add("documents", _("Choose a valid document type."))
        if not doc.number:
            add("documents", _("Enter the document number."))
        elif not normalized or len(doc.number) > 60:
            add("documents", _("A document number has letters or digits, up to 60 characters."))
        elif (
            doc.doc_type == DocumentType.DPI
            and not doc.suspected_false
            and not (normalized.isdigit() and len(normalized) == DPI_DIGITS)
        ):
            # A false DPI is recorded as it is, marked as suspected false.
            add(
                "documents",
                _("A DPI number has %(digits)s digits; mark the document as suspected false if it does not.")
                % {"digits": DPI_DIGITS},
            )
        if (doc.doc_type, normalized) in seen and normalized:
            add("documents", _("The same document is entered twice."))
        seen.add((doc.doc_type, normalized))
        if doc.issuing_country and doc.issuing_country not in geo.COUNTRIES:
            add("documents", _("Unknown country code: %(code)s.") % {"code": doc.issuing_country})
    return errors
