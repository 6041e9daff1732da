"""Synthetic reintegration plans, follow-up visits and post-closure schedules for the demo. Never real people.

Built in bulk with the cases (the demo-data command writes one audit event for the whole load).
"""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

from django.utils import timezone

from amparo.cases.demo import DEMO_NAMESPACE
from amparo.cases.vocab import CaseStatus
from amparo.referrals.models import Referral, ServiceOffer

from . import schedule
from .models import (
    AREA_SERVICE,
    FollowUpVisit,
    Goal,
    GoalArea,
    GoalStatus,
    Modality,
    ReintegrationPlan,
    ScheduledFollowUp,
    VisitOutcome,
)

GOALS: dict[str, list[str]] = {
    GoalArea.VOCATIONAL: ["Curso de cocina y panadería", "Formación técnica en costura", "Taller de computación"],
    GoalArea.INCOME: ["Capital semilla para venta de comida", "Empleo en comercio local"],
    GoalArea.HEALTH: ["Control médico y vacunas", "Tratamiento y seguimiento de salud"],
    GoalArea.EDUCATION: ["Inscripción en la escuela", "Terminar la primaria acelerada"],
    GoalArea.COUNSELLING: ["Terapia individual semanal", "Grupo de apoyo"],
    GoalArea.FAMILY: ["Reunificación con la abuela tras evaluación", "Mediación familiar"],
    GoalArea.HOUSING: ["Vivienda segura con familiares", "Alquiler compartido acompañado"],
    GoalArea.LEGAL: ["Acompañamiento como querellante", "Documento de identidad"],
}
NOTES = [
    "Asiste regularmente; buena relación con la familia",
    "Refiere dificultades económicas; se coordina apoyo",
    "No se encontró en el domicilio; vecinos informan mudanza",
    "Continúa en el curso; muestra avances",
    "Manifiesta temor por contacto del tratante; se activa protocolo",
]
OUTCOMES = [
    (VisitOutcome.STABLE, 55),
    (VisitOutcome.NEEDS_SUPPORT, 25),
    (VisitOutcome.AT_RISK, 10),
    (VisitOutcome.LOST_CONTACT, 7),
    (VisitOutcome.REVICTIMIZED, 3),
]
STATUSES = {
    CaseStatus.ASSISTANCE: [GoalStatus.PLANNED, GoalStatus.IN_PROGRESS],
    CaseStatus.FOLLOW_UP: [GoalStatus.IN_PROGRESS, GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED],
    CaseStatus.CLOSED: [GoalStatus.ACHIEVED, GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED],
}


def providers() -> dict[str, list[int]]:
    """Per directory service, the institutions that offer it (to name a goal's responsible institution)."""
    by_service: dict[str, list[int]] = {}
    for service, org_id in ServiceOffer.objects.filter(is_active=True).values_list("service_type", "organization_id"):
        by_service.setdefault(service, []).append(org_id)
    return {k: sorted(v) for k, v in by_service.items()}


def _id(case: Any, what: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{what}:{case.pk}")


def build_reintegration(
    rng: random.Random, case: Any, batch: Any, today: datetime.date, offers: dict[str, list[int]]
) -> None:
    """A plan for cases in assistance or later; visits from follow-up on; the schedule of a closed case."""
    if case.status not in STATUSES:
        return
    referrals = [r for r in batch.rows.get(Referral, []) if r.case_id == case.pk]
    plan = ReintegrationPlan(id=_id(case, "reintegration-plan"), case=case, created_by_id=case.owner_id)
    batch.add(plan)
    opened = case.opened_at.date()
    for n, area in enumerate(rng.sample(list(GoalArea.values), rng.randint(2, 4))):
        service = AREA_SERVICE[area]
        referral = next((r for r in referrals if r.service_type == service), None)
        institution = referral.to_org_id if referral else rng.choice(offers.get(service) or [case.owner_org_id])
        batch.add(
            Goal(
                id=_id(case, f"goal-{n}"),
                plan=plan,
                area=area,
                description=rng.choice(GOALS[area]),
                institution_id=institution,
                referral=referral,
                status=rng.choice(STATUSES[case.status]),
                target_date=opened + datetime.timedelta(days=rng.randint(60, 420)),
                created_by_id=case.owner_id,
            )
        )
    if case.status == CaseStatus.ASSISTANCE:
        return
    closed_on = min(timezone.localdate(case.closed_at), today) if case.closed_at else today
    last = closed_on if case.status == CaseStatus.CLOSED else today
    for n in range(rng.randint(1, 3)):
        day = opened + datetime.timedelta(days=rng.randint(30, max((last - opened).days, 31)))
        batch.add(_visit(rng, case, f"visit-{n}", min(day, today)))
    if case.status != CaseStatus.CLOSED:
        return
    for months in schedule.follow_up_months():
        due_on = schedule.add_months(closed_on, months)
        follow_up = ScheduledFollowUp(id=_id(case, f"follow-up-{months}"), case=case, months=months, due_on=due_on)
        # Most follow-ups that fell due were done; some are still due or overdue.
        if due_on <= today and rng.random() < 0.7:
            visit = _visit(rng, case, f"follow-up-visit-{months}", min(due_on + datetime.timedelta(days=3), today))
            batch.add(visit)
            follow_up.visit = visit
        batch.add(follow_up)


def _visit(rng: random.Random, case: Any, what: str, day: datetime.date) -> FollowUpVisit:
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    return FollowUpVisit(
        id=_id(case, what),
        case=case,
        date=day,
        modality=rng.choice(list(Modality.values)),
        visited_by_id=case.owner_id,
        outcome=outcome,
        notes=rng.choice(NOTES) if rng.random() < 0.7 else None,
        recorded_by_id=case.owner_id,
    )
