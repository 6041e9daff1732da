"""Standard exports: CTDC-style k-anonymised records, HTCDS 2.0 (export and all-or-nothing import),
UNODC Global Report tables and SDG 16.2.2. Identity-bearing files leave only as AES-encrypted zip
archives (pyzipper) with a password the user chooses."""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases import services as case_services
from amparo.cases.identity import attach_shown_persons
from amparo.cases.models import Case
from amparo.cases.permissions import cases_visible_to
from amparo.cases.vocab import (
    CaseStatus,
    DeterminedBy,
    EventKind,
    ExploitationForm,
    MeansOfControl,
    RecruiterRelation,
    RecruitmentMethod,
    TraffickingStatus,
)
from amparo.core import geo
from amparo.core.exceptions import PermissionDenied, ValidationFailed
from amparo.people.models import Gender, Person
from amparo.people.services import person_create
from amparo.people.validation import PersonInput

from . import aggregates as agg
from . import facts, publish
from .aggregates import Filters
from .disclosure import MISSING, k_anonymize

# ------------------------------------------------------------------------------------------- CTDC

CTDC_FORM_FLAGS = {
    "isForcedLabour": ("ForcedLabour", "ChildLabour", "Servitude"),
    "isSexualExploit": ("SexualExploitation",),
    "isForcedMarriage": ("ForcedMarriage",),
    "isForcedMilitary": ("ForcedMilitaryByNonStateActors",),
    "isOrganRemoval": ("OrganRemoval",),
    "isOtherExploit": ("ForcedBegging", "ForcedAdoption", "Surrogacy", "ForcedCriminality", "Other"),
}
CTDC_MEANS = [m for m in MeansOfControl.values]
CTDC_QUASI_IDENTIFIERS = (
    "gender",
    "ageBroad",
    "majorityStatus",
    "isSexualExploit",
    "isForcedLabour",
    "isOtherExploit",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "yearOfRegistration",
    "citizenship",
    "CountryOfExploitation",
    "recruiterRelation",
    *(f"meansOfControl{m}" for m in CTDC_MEANS),
)
CTDC_FIELDS = ("Datasource", *CTDC_QUASI_IDENTIFIERS)


def _ctdc_gender(gender: str) -> str:
    return {"F": "Female", "M": "Male"}.get(agg.sex_of(gender), MISSING)


def _majority(age_group: str) -> str:
    if not age_group:
        return MISSING
    return "Minor" if age_group in agg.MINOR_GROUPS else "Adult"


def ctdc_source_rows(filters: Filters) -> list[dict[str, Any]]:
    cases = agg.victims(filters).values_list(
        "pk", "opened_at", "age_group", "forms_index", "person__gender", "person__nationalities"
    )
    rows: dict[Any, dict[str, Any]] = {}
    for pk, opened, age_group, forms_index, gender, nationalities in cases.iterator(chunk_size=5000):
        forms = {f for f in forms_index.split("|") if f}
        row: dict[str, Any] = {
            "Datasource": "Case Management",
            "yearOfRegistration": opened.year,
            "gender": _ctdc_gender(gender),
            "ageBroad": age_group or MISSING,
            "majorityStatus": _majority(age_group),
            "citizenship": nationalities[0] if nationalities else MISSING,
            "CountryOfExploitation": MISSING,
            "recruiterRelation": MISSING,
        }
        for flag, codes in CTDC_FORM_FLAGS.items():
            row[flag] = int(bool(forms & set(codes))) if forms else MISSING
        for m in CTDC_MEANS:
            row[f"meansOfControl{m}"] = 0
        rows[pk] = row
    from amparo.cases.models import TraffickingEvent

    events = TraffickingEvent.objects.filter(case_id__in=list(rows)).values_list(
        "case_id", "kind", "country", "means_of_control", "recruiter_relation"
    )
    for case_id, kind, country, means, relation in events.iterator(chunk_size=5000):
        row = rows[case_id]
        if kind == EventKind.EXPLOITATION and country:
            row["CountryOfExploitation"] = country
        for m in means or []:
            row[f"meansOfControl{m}"] = 1
        if relation:
            row["recruiterRelation"] = relation
    return list(rows.values())


@dataclass
class CtdcRelease:
    rows: list[dict[str, Any]]
    k: int
    blanked: int
    dropped: int

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(CTDC_FIELDS))
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def ctdc_release(filters: Filters, k: int, *, seed: int | None = None) -> CtdcRelease:
    """Record-level, k-anonymous on every field (each is a quasi-identifier), rows shuffled, no ids."""
    result = k_anonymize(ctdc_source_rows(filters), CTDC_QUASI_IDENTIFIERS, k)
    rows = [{f: r[f] for f in CTDC_FIELDS} for r in result.records]
    random.Random(seed).shuffle(rows)
    return CtdcRelease(rows, k, result.blanked, result.dropped)


# ------------------------------------------------------------------------------------- HTCDS 2.0

HTCDS_FIELDS = (
    "cas_CaseId",
    "cas_Status",
    "cas_OpenedDate",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDeterminedBy",
    "vic_TypeOfExploitation",
    "vic_MethodsOfControl",
    "vic_RelationshipToTrafficker",
    "vic_MethodOfRecruitment",
    "hte_ExploitationCountry",
    "hte_ExploitationDepartment",
)
CASE_STATUS_TO_HTCDS: dict[str, str] = {
    CaseStatus.OPEN: "Active",
    CaseStatus.IDENTIFICATION: "Active",
    CaseStatus.ASSISTANCE: "Active",
    CaseStatus.FOLLOW_UP: "FollowUp",
    CaseStatus.CLOSED: "Closed",
}
# HTCDS has Possible, Actual, NotAVictim; Amparo's "presumed" sits between: exported as Possible with the
# Amparo code kept in an extension column so that the round trip is exact.
STATUS_TO_HTCDS: dict[str, str] = {
    TraffickingStatus.POSSIBLE: "Possible",
    TraffickingStatus.PRESUMED: "Possible",
    TraffickingStatus.CONFIRMED: "Actual",
    TraffickingStatus.NOT_A_VICTIM: "NotAVictim",
}
HTCDS_TO_STATUS = {
    "Possible": TraffickingStatus.POSSIBLE,
    "Actual": TraffickingStatus.CONFIRMED,
    "NotAVictim": TraffickingStatus.NOT_A_VICTIM,
}
EXTENSION_FIELDS = ("x_amparo_TraffickingStatus",)
ALL_HTCDS_FIELDS = (*HTCDS_FIELDS, *EXTENSION_FIELDS)
SEP = ";"


def _join(values: Iterable[str]) -> str:
    return SEP.join(v for v in values if v)


def _person_fields(person: Person, pseudonym: str) -> dict[str, str]:
    if pseudonym:
        return {
            "prs_FirstName": pseudonym,
            "prs_SecondName": "",
            "prs_Birthdate": "",
            "prs_Gender": "",
            "prs_Citizenship": "",
        }
    return {
        "prs_FirstName": person.given_names or "",
        "prs_SecondName": person.surnames or "",
        "prs_Birthdate": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "prs_Gender": person.gender,
        "prs_Citizenship": _join(person.nationalities),
    }


def htcds_rows(actor: Actor) -> list[dict[str, str]]:
    """The actor's institution's cases (those the actor may see), with identities; not the cases closed as
    opened in error or as duplicates (aggregates.not_counted): no victim's case, the kept case is exported."""
    if not (actor.has(Perm.STATS_EXPORT_IDENTIFIED) and actor.has(Perm.CASE_VIEW)):
        raise PermissionDenied()
    visible = cases_visible_to(actor).exclude(agg.not_counted())
    cases = list(visible.select_related("person").prefetch_related("events").order_by("opened_at"))
    attach_shown_persons(actor, cases)
    rows = []
    for case in cases:
        person = case.person
        pseudonym = case.hidden_as  # type: ignore[attr-defined]
        exploitation = [e for e in case.events.all() if e.kind == EventKind.EXPLOITATION]
        forms = sorted({f for e in exploitation for f in e.forms})
        means = sorted({m for e in case.events.all() for m in e.means_of_control})
        relation = next((e.recruiter_relation for e in case.events.all() if e.recruiter_relation), "")
        method = next((e.recruitment_method for e in case.events.all() if e.recruitment_method), "")
        first = exploitation[0] if exploitation else None
        rows.append(
            {
                "cas_CaseId": case.number,
                "cas_Status": CASE_STATUS_TO_HTCDS.get(case.status, "Active"),
                "cas_OpenedDate": timezone.localdate(case.opened_at).isoformat(),
                # A protected witness, the exporter outside the protection team: the pseudonym only.
                **_person_fields(person, pseudonym),
                "vic_TraffickingStatus": STATUS_TO_HTCDS[case.trafficking_status],
                "vic_TraffickingStatusDeterminedBy": case.status_determined_by,
                "vic_TypeOfExploitation": _join(forms),
                "vic_MethodsOfControl": _join(means),
                "vic_RelationshipToTrafficker": relation,
                "vic_MethodOfRecruitment": method,
                "hte_ExploitationCountry": first.country if first else "",
                "hte_ExploitationDepartment": first.department if first else "",
                "x_amparo_TraffickingStatus": case.trafficking_status,
            }
        )
    return rows


def htcds_csv(rows: Sequence[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ALL_HTCDS_FIELDS))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def htcds_json(rows: Sequence[dict[str, str]]) -> str:
    def as_json(row: dict[str, str]) -> dict[str, Any]:
        item: dict[str, Any] = dict(row)
        for name in ("prs_Citizenship", "vic_TypeOfExploitation", "vic_MethodsOfControl"):
            item[name] = [v for v in row[name].split(SEP) if v]
        return item

    return json.dumps({"standard": "HTCDS 2.0", "records": [as_json(r) for r in rows]}, ensure_ascii=False, indent=1)


def protected_zip(files: dict[str, str | bytes], password: str) -> bytes:
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode())
        for name, content in files.items():
            archive.writestr(name, content if isinstance(content, bytes) else content.encode("utf-8"))
    return out.getvalue()


MIN_ARCHIVE_PASSWORD = 12


# --------------------------------------------------------------------------------- HTCDS import


class ImportFailed(ValidationFailed):
    """Nothing was imported; ``rows`` maps row numbers (1 = first record) to their errors."""

    def __init__(self, rows: dict[int, list[str]]) -> None:
        self.rows = rows
        super().__init__({"file": [_("%(n)s rows have errors: nothing was imported.") % {"n": len(rows)}]})


def parse_htcds(name: str, content: bytes) -> list[dict[str, Any]]:
    """CSV or JSON with the standard's field names into a list of records (multi-values as lists)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": [_("The file is not UTF-8 text.")]}) from exc
    if name.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed({"file": [_("The file is not valid JSON.")]}) from exc
        found = data.get("records") if isinstance(data, dict) else data
        if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
            raise ValidationFailed({"file": [_("The JSON must hold a list of records.")]})
        return found
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "prs_FirstName" not in reader.fieldnames:
        raise ValidationFailed({"file": [_("The CSV has no HTCDS header (prs_FirstName missing).")]})
    unknown = [f for f in reader.fieldnames if f not in ALL_HTCDS_FIELDS]
    if unknown:
        raise ValidationFailed({"file": [_("Unknown columns: %(cols)s") % {"cols": ", ".join(unknown)}]})
    records: list[dict[str, Any]] = []
    for row in reader:
        if None in row:
            records.append({"__malformed__": True})
            continue
        item: dict[str, Any] = dict(row)
        for field_name in ("prs_Citizenship", "vic_TypeOfExploitation", "vic_MethodsOfControl"):
            item[field_name] = [v for v in (row.get(field_name) or "").split(SEP) if v]
        records.append(item)
    return records


# no case was opened before this year (nor can a reporting period start before it: stats.forms.FIRST_YEAR)
FIRST_OPENED_YEAR = 1900


@dataclass
class ImportRow:
    person: PersonInput
    status: str
    determined_by: str
    forms: list[str]
    means: list[str]
    relation: str
    method: str
    country: str
    department: str
    opened: datetime.date | None


def _validate_record(record: dict[str, Any]) -> tuple[ImportRow | None, list[str]]:
    errors: list[str] = []
    if record.get("__malformed__"):
        return None, [_("The row has more values than the header.")]
    unknown = [k for k in record if k not in ALL_HTCDS_FIELDS]
    if unknown:
        errors.append(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})

    def text(name: str) -> str:
        value = record.get(name) or ""
        return value.strip() if isinstance(value, str) else str(value)

    def codes(name: str) -> list[str]:
        value = record.get(name) or []
        return [str(v) for v in (value if isinstance(value, list) else str(value).split(SEP)) if v]

    given = text("prs_FirstName")
    if not given:
        errors.append(_("prs_FirstName is required."))
    birthdate = None
    if text("prs_Birthdate"):
        try:
            birthdate = datetime.date.fromisoformat(text("prs_Birthdate"))
        except ValueError:
            errors.append(_("prs_Birthdate is not a date (YYYY-MM-DD)."))
    opened = None
    if text("cas_OpenedDate"):
        try:
            opened = datetime.date.fromisoformat(text("cas_OpenedDate"))
        except ValueError:
            errors.append(_("cas_OpenedDate is not a date (YYYY-MM-DD)."))
        else:
            if opened > timezone.localdate():
                errors.append(_("cas_OpenedDate %(date)s is in the future.") % {"date": opened.isoformat()})
            elif opened.year < FIRST_OPENED_YEAR:
                errors.append(
                    _("cas_OpenedDate %(date)s is before %(year)s.")
                    % {"date": opened.isoformat(), "year": FIRST_OPENED_YEAR}
                )
    gender = text("prs_Gender") or Gender.UNKNOWN
    if gender not in Gender.values:
        errors.append(_("Unknown prs_Gender: %(v)s") % {"v": gender})
    nationalities = codes("prs_Citizenship")
    for code in nationalities:
        if code not in geo.COUNTRIES:
            errors.append(_("Unknown prs_Citizenship: %(v)s") % {"v": code})
    status = text("x_amparo_TraffickingStatus")
    if status:
        if status not in TraffickingStatus.values:
            errors.append(_("Unknown x_amparo_TraffickingStatus: %(v)s") % {"v": status})
    else:
        htcds_status = text("vic_TraffickingStatus") or "Possible"
        if htcds_status not in HTCDS_TO_STATUS:
            errors.append(_("Unknown vic_TraffickingStatus: %(v)s") % {"v": htcds_status})
        status = HTCDS_TO_STATUS.get(htcds_status, TraffickingStatus.POSSIBLE)
    determined_by = text("vic_TraffickingStatusDeterminedBy")
    if determined_by and determined_by not in DeterminedBy.values:
        errors.append(_("Unknown vic_TraffickingStatusDeterminedBy: %(v)s") % {"v": determined_by})
    if status != TraffickingStatus.POSSIBLE and not determined_by:
        errors.append(_("vic_TraffickingStatusDeterminedBy is required for this status."))
    forms = codes("vic_TypeOfExploitation")
    means = codes("vic_MethodsOfControl")
    for code in forms:
        if code not in ExploitationForm.values:
            errors.append(_("Unknown vic_TypeOfExploitation: %(v)s") % {"v": code})
    for code in means:
        if code not in MeansOfControl.values:
            errors.append(_("Unknown vic_MethodsOfControl: %(v)s") % {"v": code})
    relation, method = text("vic_RelationshipToTrafficker"), text("vic_MethodOfRecruitment")
    if relation and relation not in RecruiterRelation.values:
        errors.append(_("Unknown vic_RelationshipToTrafficker: %(v)s") % {"v": relation})
    if method and method not in RecruitmentMethod.values:
        errors.append(_("Unknown vic_MethodOfRecruitment: %(v)s") % {"v": method})
    country, department = text("hte_ExploitationCountry"), text("hte_ExploitationDepartment")
    if country and country not in geo.COUNTRIES:
        errors.append(_("Unknown hte_ExploitationCountry: %(v)s") % {"v": country})
    if department and department not in geo.DEPARTMENTS:
        errors.append(_("Unknown hte_ExploitationDepartment: %(v)s") % {"v": department})
    if errors:
        return None, errors
    person = PersonInput(
        given_names=given,
        surnames=text("prs_SecondName"),
        date_of_birth=birthdate,
        gender=gender,
        nationalities=nationalities,
    )
    return ImportRow(person, status, determined_by, forms, means, relation, method, country, department, opened), []


@transaction.atomic
def htcds_import(*, actor: Actor, records: list[dict[str, Any]]) -> list[Case]:
    """All or nothing: every row is checked first; any error and nothing is saved (ImportFailed lists
    each row's errors). Cases are opened for the actor's institution through the case services."""
    if not (actor.has(Perm.STATS_EXPORT_IDENTIFIED) and actor.has(Perm.CASE_CREATE) and actor.has(Perm.PERSON_CREATE)):
        raise PermissionDenied()
    if not records:
        raise ValidationFailed({"file": [_("The file holds no records.")]})
    parsed: list[ImportRow] = []
    row_errors: dict[int, list[str]] = {}
    for number, record in enumerate(records, start=1):
        row, errors = _validate_record(record)
        if errors:
            row_errors[number] = errors
        elif row is not None:
            parsed.append(row)
    if row_errors:
        raise ImportFailed(row_errors)
    created: list[Case] = []
    for number, row in enumerate(parsed, start=1):
        try:
            created.append(_import_row(actor, row))
        except ValidationFailed as exc:
            row_errors[number] = [str(m) for msgs in exc.errors.values() for m in msgs]
    if row_errors:
        transaction.set_rollback(True)
        raise ImportFailed(row_errors)
    audit_record(
        actor=actor,
        action="htcds.imported",
        target_type="organization",
        target_id=actor.org_pk,
        details={"cases": len(created)},
    )
    return created


def _import_row(actor: Actor, row: ImportRow) -> Case:
    from django.utils import timezone

    from amparo.cases.services import EventInput

    person = person_create(actor=actor, data=row.person)
    case = case_services.case_open(actor=actor, person_id=person.pk)
    if row.opened:
        case.opened_at = datetime.datetime.combine(
            row.opened, datetime.time(12), tzinfo=timezone.get_current_timezone()
        )
        case.save(update_fields=["opened_at"])
        facts.refresh_cases([case.pk])
    if row.status != TraffickingStatus.POSSIBLE:
        case = case_services.case_determine_status(
            actor=actor, case_id=case.pk, status=row.status, determined_by=row.determined_by
        )
    if row.forms or row.country or row.department or row.means or row.relation or row.method:
        case_services.event_add(
            actor=actor,
            case_id=case.pk,
            data=EventInput(
                kind=EventKind.EXPLOITATION,
                country=row.country or ("GT" if row.department else ""),
                department=row.department,
                forms=row.forms,
                means_of_control=row.means,
                recruiter_relation=row.relation,
                recruitment_method=row.method,
            ),
        )
    return case


# ------------------------------------------------------------------------------ UNODC and SDG 16.2.2


def unodc_victims_table(filters: Filters, threshold: int) -> tuple[list[str], list[str], Any]:
    """The same table as the report's victims by form (its row totals): one protection for both."""
    return publish.unodc_table(filters, threshold)


def unodc_csv(filters: Filters, threshold: int) -> str:
    """Victims by form of exploitation as women, men, girls, boys: a victim may count in several forms, so
    the forms are not added up; the last row counts each victim once (from the published sex by age
    table and the published number of victims, hidden as they are)."""
    forms, groups, table = unodc_victims_table(filters, threshold)
    m = len(groups)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Form of exploitation"), *(publish.unodc_label(g) for g in groups), _("Total")])
    for r, form in enumerate(forms):
        cells = [publish.shown(v, threshold, small=table.is_small(r, c)) for c, v in enumerate(table.cells[r])]
        total = publish.shown(table.row_totals[r], threshold, small=table.is_small(r, m))
        writer.writerow([publish.form_label(form), *cells, total])
    distinct = publish.sex_age_groups(publish.chart("victims_sex_age", filters, threshold))
    victims, victims_small = publish.victims_headline(filters, threshold)
    persons, persons_small = publish.persons_headline(filters, threshold)
    writer.writerow(
        [
            _("Victims identified, all forms (counted per case)"),
            *(publish.shown(distinct[g][0], threshold, small=distinct[g][1]) for g in groups),
            publish.shown(victims, threshold, small=victims_small),
        ]
    )
    writer.writerow(
        [
            _("Distinct persons identified as victims, each counted once"),
            *([""] * len(groups)),
            publish.shown(persons, threshold, small=persons_small),
        ]
    )
    writer.writerow([])
    writer.writerow(
        [
            _(
                "A victim may suffer several forms of exploitation and then counts in each: the forms do not add "
                "up to the number of victims, given once per case in the row of all forms."
            )
        ]
    )
    writer.writerow([publish.units_text()])
    writer.writerow([publish.legend(threshold)])
    return out.getvalue()


POPULATION_FILE = Path(__file__).resolve().parent / "data" / "population_gt.csv"


@dataclass(frozen=True)
class Population:
    year: int
    sex: str
    age_group: str  # "0-17" or "18+"
    population: int
    source: str


def population_table() -> list[Population]:
    with POPULATION_FILE.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return [Population(int(r["year"]), r["sex"], r["age_group"], int(r["population"]), r["source"]) for r in rows]


def population_source_note() -> str:
    with POPULATION_FILE.open(encoding="utf-8") as handle:
        return " ".join(line[1:].strip() for line in handle if line.startswith("#"))


SDG_GROUPS = {("F", "0-17"): "girls", ("F", "18+"): "women", ("M", "0-17"): "boys", ("M", "18+"): "men"}


def sdg_16_2_2(filters: Filters, threshold: int) -> list[dict[str, Any]]:
    """Detected victims per 100,000 population, by sex and age (children 0-17, adults 18+), for the
    year in which the period ends: the UNODC groups of the published sex by age table (hidden as they
    are there). Rates of suppressed counts are suppressed too."""
    year = filters.period.end.year
    populations = {(p.sex, p.age_group): p for p in population_table() if p.year == year}
    groups = publish.sex_age_groups(publish.chart("victims_sex_age", filters, threshold))
    rows = []
    for (sex, age), group in SDG_GROUPS.items():
        value, small = groups[group]
        pop = populations.get((sex, age))
        rate = None
        if value is not None and pop is not None and pop.population:
            rate = (Decimal(value) * 100000 / pop.population).quantize(Decimal("0.01"))
        rows.append(
            {
                "year": year,
                "sex": sex,
                "age": age,
                "victims": value,
                "victims_small": small,
                "population": pop.population if pop else None,
                "rate_per_100000": rate,
                "population_source": pop.source if pop else "",
            }
        )
    return rows


def series_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], threshold: int) -> str:
    """Rows of published values (hidden ones already as their markers; None: hidden for another)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([publish.SECONDARY_MARK if v is None else v for v in row])
    writer.writerow([])
    writer.writerow([publish.legend(threshold)])
    return out.getvalue()


def _rate_text(row: dict[str, Any]) -> str:
    if row["victims"] is None:
        return publish.SECONDARY_MARK  # the rate of a hidden count is hidden too
    return "" if row["rate_per_100000"] is None else str(row["rate_per_100000"])


def sdg_csv(filters: Filters, threshold: int) -> str:
    rows = [
        [
            r["year"],
            r["sex"],
            r["age"],
            publish.shown(r["victims"], threshold, small=r["victims_small"]),
            r["population"] or "",
            _rate_text(r),
            r["population_source"],
        ]
        for r in sdg_16_2_2(filters, threshold)
    ]
    header = ["year", "sex", "age", "victims", "population", "rate_per_100000", "population_source"]
    notes = f"\n# {population_source_note()}\n# {publish.unit_note()}\n"
    return series_csv(header, rows, threshold) + notes
