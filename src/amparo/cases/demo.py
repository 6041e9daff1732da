"""Synthetic cases at every stage of the workflow, for the demo and the benchmarks. Never real people.

Built in bulk (one audit event for the whole load, written by the demo-data command): going through the
services for hundreds of thousands of cases would take hours and fill the trail with demo noise.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from amparo.organizations.models import Organization
from amparo.people.models import Person

from .models import (
    CarePlan,
    CarePlanStatus,
    Case,
    CaseCounter,
    CaseStatusChange,
    Consent,
    PlannedService,
    RiskAssessment,
    Screening,
    ServiceDelivery,
    Task,
    TraffickingEvent,
)
from .screening import age_group, propose_status
from .vocab import INDICATORS, Answer, CaseStatus, ConsentGiver, EventKind, RiskLevel, ServiceType

DEMO_NAMESPACE = uuid.UUID("6f1c2f7e-3b1a-4c55-9d0e-5a1d2b7c9e11")
STAGES = [
    (CaseStatus.OPEN, 10),
    (CaseStatus.IDENTIFICATION, 20),
    (CaseStatus.ASSISTANCE, 35),
    (CaseStatus.FOLLOW_UP, 15),
    (CaseStatus.CLOSED, 20),
]
FORMS = [
    (["SexualExploitation"], 65),
    (["ForcedLabour"], 18),
    (["ForcedBegging"], 5),
    (["SexualExploitation", "ForcedLabour"], 5),
    (["ForcedAdoption"], 3),
    (["ForcedCriminality"], 4),
]
SCENES = [
    "Bar en zona fronteriza",
    "Finca agrícola",
    "Casa particular (trabajo doméstico)",
    "Centro nocturno",
    "Basurero municipal",
    "Agencia de empleo falsa",
]


@dataclass
class Batch:
    rows: dict[type[Any], list[Any]] = field(default_factory=lambda: defaultdict(list))
    m2m: list[Any] = field(default_factory=list)
    # (model, field) -> [(row, when)]: timestamps the models set to the time of the load (auto_now_add),
    # put back to the case's own dates once the rows are created (save).
    stamps: dict[tuple[type[Any], str], list[tuple[Any, datetime.datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, obj: Any) -> None:
        self.rows[type(obj)].append(obj)

    def stamp(self, obj: Any, name: str, when: datetime.datetime) -> None:
        self.stamps[(type(obj), name)].append((obj, when))


def _weighted(rng: random.Random, options: list[tuple[Any, int]]) -> Any:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


class CaseNumbers:
    def __init__(self) -> None:
        self.year = timezone.localdate().year
        self.last: dict[int, int] = {c.organization_id: c.last for c in CaseCounter.objects.filter(year=self.year)}
        self.prefix = {
            o.pk: "".join(ch for ch in o.acronym.upper() if ch.isalnum())[:8] or "CASE"
            for o in Organization.objects.all()
        }
        # A load interrupted before its counters were saved left numbered cases behind: continue after them.
        for org_id, prefix in self.prefix.items():
            used = Case.objects.filter(owner_org_id=org_id, number__startswith=f"{prefix}-{self.year}-").count()
            self.last[org_id] = max(self.last.get(org_id, 0), used)

    def next(self, org_id: int) -> str:
        self.last[org_id] = self.last.get(org_id, 0) + 1
        return f"{self.prefix[org_id]}-{self.year}-{self.last[org_id]:05d}"

    def save(self) -> None:
        for org_id, last in self.last.items():
            CaseCounter.objects.update_or_create(organization_id=org_id, year=self.year, defaults={"last": last})


def build_case(
    rng: random.Random,
    person: Person,
    owner_id: int,
    supervisor_id: int | None,
    numbers: CaseNumbers,
    today: datetime.date,
    batch: Batch,
) -> tuple[Case, Consent | None]:
    """Add a case (and what its stage implies) to the batch; returns the case and its consent, if any."""
    status = _weighted(rng, STAGES)
    consent: Consent | None = None
    low, high = person.age_range_on(today)
    minor = person.presumed_minor_on(today)
    forms = _weighted(rng, FORMS)
    now = timezone.now()
    opened = now - datetime.timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
    deliveries: list[ServiceDelivery] = []
    case = Case(
        id=uuid.uuid5(DEMO_NAMESPACE, f"case:{person.pk}"),  # one case per person, stable across reruns
        number=numbers.next(person.owner_org_id),
        person_id=person.pk,
        owner_org_id=person.owner_org_id,
        owner_id=owner_id,
        supervisor_id=supervisor_id,
        status=status,
        minor_protocol=minor,
        age_group=age_group(low, high),
        priority=rng.choice(["normal", "normal", "high", "low", "urgent"]),
    )
    case.opened_at = opened
    batch.add(case)
    order = [s for s, _ in STAGES]
    reached = order.index(status)
    previous = CaseStatus.OPEN
    changes: list[CaseStatusChange] = []
    screening: Screening | None = None
    events: list[TraffickingEvent] = []
    risk: RiskAssessment | None = None
    for stage in order[1 : reached + 1]:
        change = CaseStatusChange(
            case=case,
            from_status=previous,
            to_status=stage,
            actor_id=owner_id,
            reason="Cierre aprobado" if stage == CaseStatus.CLOSED else None,
        )
        changes.append(change)
        batch.add(change)
        previous = stage
    if reached >= 1:  # screened
        answers = {i.code: rng.choice([Answer.YES, Answer.NO, Answer.UNKNOWN, Answer.NO]) for i in INDICATORS}
        if rng.random() < 0.8:
            answers["ilo_deception"] = Answer.YES
            answers["ilo_ec_sexual_services" if "SexualExploitation" in forms else "ilo_restriction_movement"] = (
                Answer.YES
            )
        proposed = propose_status(answers, minor=minor)
        screening = Screening(
            case=case,
            answers=answers,
            proposed_status=proposed,
            screened_by_id=owner_id,
            screened_by_org_type="NGO",
        )
        batch.add(screening)
        case.trafficking_status = proposed if proposed != "not_a_victim" else "possible"
        if rng.random() < 0.3:
            case.trafficking_status = "confirmed"
            case.status_determined_by = "CourtOrProsecution"
            case.status_determined_at = opened + datetime.timedelta(days=30)
        start = today - datetime.timedelta(days=rng.randint(100, 1200))
        events.append(
            TraffickingEvent(
                case=case,
                kind=EventKind.RECRUITMENT,
                country=rng.choice(["GT", "SV", "HN"]),
                start_date=start,
                start_approximate=True,
                recruiter_relation=rng.choice(["Friend", "Family", "IntimatePartner", "Other", "Unknown"]),
                recruitment_method=rng.choice(["JobOffer", "MigrationFacilitation", "Romance"]),
            )
        )
        events.append(
            TraffickingEvent(
                case=case,
                kind=EventKind.EXPLOITATION,
                country=rng.choice(["GT", "GT", "MX"]),
                start_date=start + datetime.timedelta(days=20),
                end_date=start + datetime.timedelta(days=rng.randint(30, 90)),
                forms=forms,
                means_of_control=rng.sample(
                    ["DebtBondage", "Threats", "WithholdsDocuments", "RestrictsMovement", "FalsePromises"], 2
                ),
                description=rng.choice(SCENES),
            )
        )
        for event in events:
            batch.add(event)
        case.forms_index = "|" + "|".join(sorted(forms)) + "|"
    if reached >= 2:  # assistance: consent, risk, care plan, services
        giver = (
            rng.choice([ConsentGiver.GUARDIAN, ConsentGiver.PGN_ATTORNEY, ConsentGiver.JUDGE_ORDER])
            if minor
            else ConsentGiver.PERSON
        )
        consent = Consent(
            case=case,
            scopes=["assistance", "statistics", "referral"] + (["data_sharing"] if rng.random() < 0.5 else []),
            referral_services=["shelter", "psychological", "legal"],
            given_by=giver,
            giver_name="Tutora" if giver == ConsentGiver.GUARDIAN else None,
            reference="Juzgado de Niñez 2026-001" if giver == ConsentGiver.JUDGE_ORDER else None,
            given_on=timezone.localdate(opened),
            recorded_by_id=owner_id,
        )
        batch.add(consent)
        level = rng.choice([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL])
        risk = RiskAssessment(
            case=case,
            individual=level,
            family=RiskLevel.MEDIUM,
            community=RiskLevel.LOW,
            retrafficking=level,
            reprisal=RiskLevel.MEDIUM,
            assessed_by_id=owner_id,
        )
        batch.add(risk)
        case.risk_level = level
        approved = reached >= 3 or rng.random() < 0.5
        plan = CarePlan(
            id=uuid.uuid5(DEMO_NAMESPACE, f"care-plan:{case.pk}"),
            case=case,
            goals="Atención psicológica, salud y reintegración familiar segura",
            status=CarePlanStatus.APPROVED if approved else CarePlanStatus.SUBMITTED,
            reviewed_by_id=supervisor_id if approved else None,
        )
        batch.add(plan)
        for service in rng.sample([s.value for s in ServiceType], 3):
            batch.add(PlannedService(plan=plan, service_type=service, provider_id=person.owner_org_id))
            delivery = ServiceDelivery(
                case=case,
                service_type=service,
                provider_id=person.owner_org_id,
                start_date=timezone.localdate(opened) + datetime.timedelta(days=rng.randint(1, 30)),
                recorded_by_id=owner_id,
            )
            deliveries.append(delivery)
            batch.add(delivery)
    if status != CaseStatus.CLOSED and rng.random() < 0.6:
        # Some are overdue, none was due before the case was opened.
        due = max(today + datetime.timedelta(days=rng.randint(-20, 30)), timezone.localdate(opened))
        batch.add(
            Task(
                case=case,
                title=rng.choice(["Visita de seguimiento", "Cita médica", "Audiencia", "Llamar a la PGN"]),
                due_date=due,
                assigned_to_id=owner_id,
                created_by_id=owner_id,
            )
        )
    if status == CaseStatus.CLOSED:
        case.closed_at = _closure(opened, now, datetime.timedelta(days=rng.randint(90, 400)))
        case.closure_reason = "Reintegración completada"
    # Nothing the case records happens after now, nor (a closed case) after its closure.
    latest = case.closed_at or now
    if case.status_determined_at is not None:
        case.status_determined_at = min(case.status_determined_at, latest)
    for delivery in deliveries:
        delivery.start_date = min(delivery.start_date, timezone.localdate(latest))
    # What the models would date at the load (auto_now_add) follows the case's own dates instead.
    reached_at = _reached_at(opened, latest)
    for change in changes:
        batch.stamp(change, "at", reached_at[change.to_status])
    for row, name in [(screening, "screened_at"), *[(event, "created_at") for event in events]]:
        if row is not None:
            batch.stamp(row, name, reached_at[CaseStatus.IDENTIFICATION])
    if consent is not None:  # given on the day of the opening, recorded before assistance began
        batch.stamp(consent, "recorded_at", opened + (reached_at[CaseStatus.ASSISTANCE] - opened) * 3 / 4)
    if risk is not None:
        batch.stamp(risk, "assessed_at", reached_at[CaseStatus.ASSISTANCE])
    for delivery in deliveries:
        noon = timezone.make_aware(datetime.datetime.combine(delivery.start_date, datetime.time(12)))
        batch.stamp(delivery, "recorded_at", min(max(noon, reached_at[CaseStatus.ASSISTANCE]), latest))
    return case, consent


def _reached_at(opened: datetime.datetime, latest: datetime.datetime) -> dict[str, datetime.datetime]:
    """When a demo case reached each stage, from its own dates: screened within two hours of its opening,
    in assistance within the day (services start the next day at the earliest), in follow-up at seven tenths
    of its time, closed when it closed. Never before the opening nor after ``latest`` (its closure, or now)."""
    span = latest - opened
    return {
        CaseStatus.IDENTIFICATION: opened + min(span / 10, datetime.timedelta(hours=2)),
        CaseStatus.ASSISTANCE: opened + min(span / 5, datetime.timedelta(hours=20)),
        CaseStatus.FOLLOW_UP: opened + span * 7 / 10,
        CaseStatus.CLOSED: latest,
    }


def _closure(opened: datetime.datetime, now: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
    """When a case that took ``duration`` (90 to 400 days) closed: never after now. A case opened more
    recently than that closed sooner, at the same share of its time so far (so not all on the same day)."""
    if opened + duration <= now:
        return opened + duration
    return opened + (now - opened) * (duration / datetime.timedelta(days=400))


@transaction.atomic
def save(batch: Batch) -> int:
    order = [
        Case,
        CaseStatusChange,
        Screening,
        TraffickingEvent,
        Consent,
        RiskAssessment,
        CarePlan,
        PlannedService,
        ServiceDelivery,
        Task,
    ]
    # Other apps' rows (referrals, placements) follow, in the order they were first added.
    order += [model for model in batch.rows if model not in order]
    for model in order:
        rows = batch.rows.get(model, [])
        if rows:
            model._default_manager.bulk_create(rows, batch_size=1000)
    # bulk_create dated these at the load (auto_now_add): an UPDATE puts the case's own dates back (demo rows:
    # no service, no audit, as for their creation).
    for (model, name), stamped in batch.stamps.items():
        for row, when in stamped:
            setattr(row, name, when)
        model._default_manager.bulk_update([row for row, _when in stamped], [name], batch_size=1000)
    return len(batch.rows.get(Case, []))
