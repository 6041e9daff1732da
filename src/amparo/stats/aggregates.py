"""Raw aggregates over the records: counts only, never a row. The one place the figures are defined.

Nothing here is shown as is: `amparo.stats.publish` passes every count through disclosure control.
A "victim identified" is a case whose trafficking status is presumed or confirmed, counted in the period
in which its case was opened (the date of identification). The unit is the case: a person with cases in two
institutions counts in each (`distinct_persons` counts each person once, for the headline). A case closed as
opened in error or as a duplicate counts nowhere (`counted_cases`: every figure starts from it). Forms of
exploitation and departments are multi-valued (a victim can be exploited in several ways and places): their
tables count victims per value, so they do not add up to the number of victims.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from amparo.capacity.models import Participant, PreventionActivity, Training
from amparo.cases.models import Case, TraffickingEvent
from amparo.cases.vocab import CaseStatus, ClosureCode, EventKind, ExploitationForm, TraffickingStatus
from amparo.people.models import Gender
from amparo.referrals.models import Placement, Referral, ReferralStatus, ShelterBeds

IDENTIFIED = (TraffickingStatus.PRESUMED, TraffickingStatus.CONFIRMED)
AGE_GROUPS = ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")
MINOR_GROUPS = frozenset({"0-8", "9-17"})
SEXES = ("F", "M", "U")  # UNODC reports women/men/girls/boys; other genders and unknown are kept apart


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def aware_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end


@dataclass(frozen=True)
class Filters:
    period: Period
    institution_id: int | None = None
    department: str = ""


def sex_of(gender: str) -> str:
    if gender in (Gender.FEMININE, Gender.TRANSGENDER_FEMININE):
        return "F"
    if gender in (Gender.MASCULINE, Gender.TRANSGENDER_MASCULINE):
        return "M"
    return "U"


def not_counted(prefix: str = "") -> Q:
    """The cases no figure counts: closed (with the supervisor's approval) as opened in error or as a
    duplicate of another case (cases.vocab.ClosureCode). No victim's case ended there; the kept case counts.
    Only the approved closure matters: the code of a closure merely asked for, sent back, or of a case reopened
    since, is kept on the case but the case is not closed. ``prefix`` reaches the case from another model
    ("case__")."""
    return Q(**{f"{prefix}status": CaseStatus.CLOSED, f"{prefix}closure_code__in": ClosureCode.values})


def counted_cases() -> QuerySet[Case]:
    """Every case a figure may count (the statistics table holds a fact for these only)."""
    return Case.objects.exclude(not_counted())


def victims(filters: Filters) -> QuerySet[Case]:
    start, end = filters.period.aware_bounds()
    rows = counted_cases().filter(trafficking_status__in=IDENTIFIED, opened_at__gte=start, opened_at__lt=end)
    if filters.institution_id:
        rows = rows.filter(owner_org_id=filters.institution_id)
    if filters.department:
        exploited_there = TraffickingEvent.objects.filter(kind=EventKind.EXPLOITATION, department=filters.department)
        rows = rows.filter(pk__in=exploited_there.values("case_id"))
    return rows


def _facts(filters: Filters, dims: tuple[str, ...], **kwargs: Any) -> Counter[tuple[Any, ...]] | None:
    """The counts from the statistics table (`amparo.stats.facts`), or None when it is not in use."""
    from . import facts

    if not facts.in_use():
        return None
    kwargs.setdefault("statuses", IDENTIFIED)
    kwargs.setdefault("department", filters.department)
    return facts.grouped(
        filters.period.start, filters.period.end, dims, institution_id=filters.institution_id, **kwargs
    )


def _split_index(index: str) -> list[str]:
    return [code for code in index.split("|") if code]


def victims_total(filters: Filters) -> int:
    cube = _facts(filters, ())
    if cube is not None:
        return cube[()]
    return victims(filters).count()


RESOLVE_CHUNK = 500


def distinct_persons(filters: Filters) -> int:
    """The persons behind the victims of ``filters``, each counted once: however many cases they have (in
    several institutions, or one after another), and the records merged by linkage as one person
    (`amparo.linkage.resolve`). Always from the records: the statistics table holds no person."""
    from amparo.linkage.models import PersonMerge
    from amparo.linkage.resolve import groups_of

    rows = victims(filters)
    active = PersonMerge.objects.filter(undone_at__isnull=True)
    in_merges = Q(person_id__in=active.values("survivor_id")) | Q(person_id__in=active.values("absorbed_id"))
    # persons in no merge are themselves: counted in the database; the few merged ones resolved to theirs
    alone = rows.exclude(in_merges).aggregate(n=Count("person_id", distinct=True))["n"] or 0
    merged = sorted(set(rows.filter(in_merges).order_by().values_list("person_id", flat=True)), key=str)
    canonical: set[Any] = set()
    for i in range(0, len(merged), RESOLVE_CHUNK):
        canonical |= {group.canonical for group in groups_of(merged[i : i + RESOLVE_CHUNK]).values()}
    return alone + len(canonical)


def victims_by_year(filters: Filters) -> Counter[str]:
    cube = _facts(filters, ("month",))
    if cube is not None:
        years: Counter[str] = Counter()
        for (month,), n in cube.items():
            years[str(month.year)] += n
        return years
    rows = victims(filters).annotate(y=ExtractYear("opened_at")).values("y").annotate(n=Count("id"))
    return Counter({str(r["y"]): r["n"] for r in rows})


def victims_by_sex_and_age(filters: Filters) -> Counter[tuple[str, str]]:
    cube = _facts(filters, ("sex", "age_group"))
    if cube is not None:
        return Counter({(sex, age or "-99"): n for (sex, age), n in cube.items()})
    rows = victims(filters).values("person__gender", "age_group").annotate(n=Count("id"))
    result: Counter[tuple[str, str]] = Counter()
    for r in rows:
        result[(sex_of(r["person__gender"]), r["age_group"] or "-99")] += r["n"]
    return result


def victims_by_sex(filters: Filters) -> Counter[str]:
    result: Counter[str] = Counter()
    for (sex, _age), n in victims_by_sex_and_age(filters).items():
        result[sex] += n
    return result


def victims_by_age(filters: Filters) -> Counter[str]:
    result: Counter[str] = Counter()
    for (_sex, age), n in victims_by_sex_and_age(filters).items():
        result[age] += n
    return result


def victims_by_nationality(filters: Filters) -> Counter[str]:
    """The first nationality recorded (ISO 3166 alpha-2); "-99" when none is known."""
    cube = _facts(filters, ("nationality",))
    if cube is not None:
        return Counter({code: n for (code,), n in cube.items()})
    rows = victims(filters).values("person__nationalities").annotate(n=Count("id"))
    result: Counter[str] = Counter()
    for r in rows:
        codes = r["person__nationalities"] or []
        result[codes[0] if codes else "-99"] += r["n"]
    return result


def victims_by_form(filters: Filters) -> Counter[str]:
    """Victims per form of exploitation (from the case's forms index; one conditional count per form)."""
    cube = _facts(filters, ("forms_index",))
    if cube is not None:
        forms = Counter(dict.fromkeys(FORMS, 0))
        forms["-99"] = 0
        for (index,), n in cube.items():
            codes = _split_index(index)
            for code in codes:
                if code in forms and code != "-99":
                    forms[code] += n
            if not index:
                forms["-99"] += n
        return forms
    counts = victims(filters).aggregate(
        **{f"f_{i}": Count("id", filter=Q(forms_index__contains=f"|{code}|")) for i, code in enumerate(FORMS)},
        none=Count("id", filter=Q(forms_index="")),
    )
    result = Counter({code: counts[f"f_{i}"] for i, code in enumerate(FORMS)})
    result["-99"] = counts["none"]
    return result


FORMS: tuple[str, ...] = tuple(ExploitationForm.values)


def victims_by_department(filters: Filters) -> Counter[str]:
    """Victims per department of exploitation in Guatemala (a victim exploited in two counts in both)."""
    cube = _facts(filters, ("dept_index",))
    if cube is not None:
        departments: Counter[str] = Counter()
        for (index,), n in cube.items():
            for code in _split_index(index):
                departments[code] += n
        return departments
    events = TraffickingEvent.objects.filter(kind=EventKind.EXPLOITATION, case__in=victims(filters)).exclude(
        department=""
    )
    rows = events.values("department").annotate(n=Count("case_id", distinct=True))
    return Counter({r["department"]: r["n"] for r in rows})


def victims_by_form_and_sex_age(filters: Filters) -> dict[str, Counter[str]]:
    """UNODC: for each form, victims as women, men, girls, boys (and unknown)."""
    result: dict[str, Counter[str]] = {}
    cube = _facts(filters, ("forms_index", "sex", "age_group"))
    if cube is not None:
        result = {code: Counter() for code in (*FORMS, "-99")}
        for (index, sex, age), n in cube.items():
            group = unodc_group(sex, age)
            for code in _split_index(index) if index else ["-99"]:
                if code in result:
                    result[code][group] += n
        return {code: +counter for code, counter in result.items()}
    base = victims(filters)
    for code in (*FORMS, ""):
        rows = (
            (base.filter(forms_index__contains=f"|{code}|") if code else base.filter(forms_index=""))
            .values("person__gender", "age_group")
            .annotate(n=Count("id"))
        )
        counter: Counter[str] = Counter()
        for r in rows:
            counter[unodc_group(sex_of(r["person__gender"]), r["age_group"] or "")] += r["n"]
        result[code or "-99"] = counter
    return result


def unodc_group(sex: str, age_group: str) -> str:
    if sex == "U" or not age_group or age_group == "-99":
        return "unknown"
    minor = age_group in MINOR_GROUPS
    return {("F", True): "girls", ("F", False): "women", ("M", True): "boys", ("M", False): "men"}[(sex, minor)]


# ------------------------------------------------------------------------------ status of all cases


def cases_by_status_determination(filters: Filters) -> Counter[str]:
    """All cases opened in the period by trafficking status (possible, presumed, confirmed, not a victim)."""
    cube = _facts(filters, ("status",), statuses=None, department="")
    if cube is not None:
        return Counter({status: n for (status,), n in cube.items()})
    start, end = filters.period.aware_bounds()
    rows = counted_cases().filter(opened_at__gte=start, opened_at__lt=end)
    if filters.institution_id:
        rows = rows.filter(owner_org_id=filters.institution_id)
    return Counter({r["trafficking_status"]: r["n"] for r in rows.values("trafficking_status").annotate(n=Count("id"))})


def cases_determined_by(filters: Filters, determined_by: str) -> int:
    """Cases opened in the period whose status was determined by ``determined_by`` (any status)."""
    cube = _facts(filters, (), statuses=None, department="", determined_by=determined_by)
    if cube is not None:
        return cube[()]
    start, end = filters.period.aware_bounds()
    rows = counted_cases().filter(opened_at__gte=start, opened_at__lt=end, status_determined_by=determined_by)
    if filters.institution_id:
        rows = rows.filter(owner_org_id=filters.institution_id)
    return rows.count()


# --------------------------------------------------------------------------------------- referrals


def referrals(filters: Filters) -> QuerySet[Referral]:
    start, end = filters.period.aware_bounds()
    rows = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if filters.institution_id:
        rows = rows.filter(Q(from_org_id=filters.institution_id) | Q(to_org_id=filters.institution_id))
    return rows


def referrals_by_status(filters: Filters) -> Counter[str]:
    return Counter({r["status"]: r["n"] for r in referrals(filters).values("status").annotate(n=Count("id"))})


def referrals_by_service(filters: Filters) -> Counter[str]:
    return Counter(
        {r["service_type"]: r["n"] for r in referrals(filters).values("service_type").annotate(n=Count("id"))}
    )


def referral_timeliness(filters: Filters, today: datetime.date | None = None) -> Counter[str]:
    """Answered by the expected date, answered late, unanswered and overdue, awaiting (not yet due)."""
    today = today or timezone.localdate()
    counts = referrals(filters).aggregate(
        on_time=Count("id", filter=Q(responded_at__isnull=False, responded_at__date__lte=F("respond_by"))),
        late=Count("id", filter=Q(responded_at__isnull=False, responded_at__date__gt=F("respond_by"))),
        overdue=Count("id", filter=Q(responded_at__isnull=True, status=ReferralStatus.SENT, respond_by__lt=today)),
        waiting=Count("id", filter=Q(responded_at__isnull=True, status=ReferralStatus.SENT, respond_by__gte=today)),
        withdrawn=Count("id", filter=Q(responded_at__isnull=True) & ~Q(status=ReferralStatus.SENT)),
    )
    return Counter({k: v for k, v in counts.items()})


# ---------------------------------------------------------------------------------------- shelters


def shelter_occupancy(filters: Filters) -> dict[str, dict[str, int]]:
    """Per shelter category: beds, persons placed at the end of the period, admissions in the period."""
    start, end = filters.period.aware_bounds()
    beds = ShelterBeds.objects.filter(shelter__is_active=True)
    placements = Placement.objects.all()
    if filters.institution_id:
        beds = beds.filter(shelter__organization_id=filters.institution_id)
        placements = placements.filter(shelter__organization_id=filters.institution_id)
    if filters.department:
        beds = beds.filter(shelter__department=filters.department)
        placements = placements.filter(shelter__department=filters.department)
    result: dict[str, dict[str, int]] = {}
    for r in beds.values("category").annotate(n=Sum("beds")):
        result.setdefault(r["category"], {"beds": 0, "occupied": 0, "admitted": 0})["beds"] = r["n"] or 0
    present = placements.filter(admitted_at__lt=end).filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=end))
    for r in present.values("category").annotate(n=Count("id")):
        result.setdefault(r["category"], {"beds": 0, "occupied": 0, "admitted": 0})["occupied"] = r["n"]
    for r in placements.filter(admitted_at__gte=start, admitted_at__lt=end).values("category").annotate(n=Count("id")):
        result.setdefault(r["category"], {"beds": 0, "occupied": 0, "admitted": 0})["admitted"] = r["n"]
    return result


# --------------------------------------------------------------------------------- capacity, plan


def trained_by_group(filters: Filters) -> Counter[str]:
    trainings = Training.objects.filter(start_date__range=(filters.period.start, filters.period.end))
    if filters.institution_id:
        trainings = trainings.filter(organization_id=filters.institution_id)
    if filters.department:
        trainings = trainings.filter(department=filters.department)
    rows = Participant.objects.filter(training__in=trainings, attended=True).values("role").annotate(n=Count("id"))
    return Counter({r["role"]: r["n"] for r in rows})


def training_summary(filters: Filters) -> dict[str, int]:
    trainings = Training.objects.filter(start_date__range=(filters.period.start, filters.period.end))
    if filters.institution_id:
        trainings = trainings.filter(organization_id=filters.institution_id)
    if filters.department:
        trainings = trainings.filter(department=filters.department)
    totals = trainings.aggregate(events=Count("id"), planned=Sum("planned_participants"))
    trained = Participant.objects.filter(training__in=trainings, attended=True).count()
    return {"events": totals["events"] or 0, "planned": totals["planned"] or 0, "trained": trained}


def prevention_summary(filters: Filters) -> dict[str, Any]:
    rows = PreventionActivity.objects.filter(start_date__range=(filters.period.start, filters.period.end))
    if filters.institution_id:
        rows = rows.filter(organization_id=filters.institution_id)
    if filters.department:
        rows = rows.filter(Q(department=filters.department) | Q(department=""))
    by_kind = Counter({r["kind"]: r["n"] for r in rows.values("kind").annotate(n=Count("id"))})
    totals = rows.aggregate(reach=Sum("estimated_reach"), participants=Sum("participants"))
    return {"by_kind": by_kind, "reach": totals["reach"] or 0, "participants": totals["participants"] or 0}
