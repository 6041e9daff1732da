"""Synthetic repatriations for the demo, at every stage: both tracks, a minor whose family took part in the
exploitation (so an alternative destination), one completed, one cancelled, one overdue.

Built through the services, acting as the demo users, so the steps, audit events and notifications are
what real use produces. Reproducible: the cases are chosen in a fixed order; idempotent: nothing is done
when repatriations exist. The foreign consulates added are public bodies (no people).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership
from amparo.accounts.roles import Perm, role_has
from amparo.cases.models import Case
from amparo.organizations.models import Organization

from . import services
from .models import Repatriation, RepatriationStep, StepState
from .protocol import Track, protocol_for

# Consulates of neighbouring countries in Guatemala (the foreign track's consulate of the country of origin).
FOREIGN_CONSULATES = {
    "HN": ("consulado-honduras", "CONS-HN", "Consulado de Honduras en Guatemala"),
    "SV": ("consulado-el-salvador", "CONS-SV", "Consulado de El Salvador en Guatemala"),
    "NI": ("consulado-nicaragua", "CONS-NI", "Consulado de Nicaragua en Guatemala"),
    "MX": ("consulado-mexico-gt", "CONS-MX", "Consulado de México en Guatemala"),
}


@dataclass(frozen=True)
class Scenario:
    owner: str  # institution that owns the case
    track: str
    minor: bool
    receiving: str  # institution code (national) or "oim"
    until: str  # step left current; "completed" or "cancelled"
    days_ago: int = 0  # how long ago it started (the overdue one started long ago)
    family_involved: bool = False


SCENARIOS = [
    Scenario("casa-alianza", Track.NATIONAL, False, "sobrevivientes", "consular_interview"),
    Scenario("consulado-tapachula", Track.NATIONAL, False, "sobrevivientes", "port_reception", days_ago=25),
    Scenario("casa-alianza", Track.NATIONAL, True, "sbs", "reception_conditions", days_ago=2, family_involved=True),
    Scenario("casa-alianza", Track.NATIONAL, True, "sbs", "completed", days_ago=6),
    Scenario("pgn", Track.NATIONAL, True, "casa-alianza", "best_interest", days_ago=1),
    Scenario("casa-alianza", Track.FOREIGN, False, "oim", "travel_document", days_ago=1),
    Scenario("casa-alianza", Track.FOREIGN, True, "oim", "family_assessment", days_ago=2),
    Scenario("casa-alianza", Track.FOREIGN, False, "oim", "cancelled", days_ago=3),
]


def _actor(user_id: int, organization_id: int, perm: str) -> Actor | None:
    for membership in Membership.objects.filter(
        user_id=user_id, organization_id=organization_id, is_active=True
    ).select_related("user"):
        if role_has(membership.role, perm):
            return Actor(user=membership.user, membership=membership)
    return None


def _participant(organization: Organization) -> Actor | None:
    for membership in Membership.objects.filter(organization=organization, is_active=True).select_related("user"):
        if role_has(membership.role, Perm.REPATRIATION_PARTICIPATE):
            return Actor(user=membership.user, membership=membership)
    return None


def _consulate(country: str) -> Organization | None:
    if country not in FOREIGN_CONSULATES:
        return None
    code, acronym, name = FOREIGN_CONSULATES[country]
    organization, _created = Organization.objects.get_or_create(
        code=code, defaults={"acronym": acronym, "name": name, "org_type": "CentralGovernment", "country": country}
    )
    return organization


def _candidates(owner: Organization, scenario: Scenario, used: set[Any]) -> list[Case]:
    cases = (
        Case.objects.filter(owner_org=owner, status__in=["assistance", "follow_up"], minor_protocol=scenario.minor)
        .select_related("person", "owner")
        .order_by("number")
    )
    chosen = []
    for case in cases:
        nationality = (case.person.nationalities or [""])[0]
        national = nationality == "GT"
        if case.pk in used or national != (scenario.track == Track.NATIONAL):
            continue
        if scenario.track == Track.FOREIGN and nationality not in FOREIGN_CONSULATES:
            continue
        chosen.append(case)
    return chosen


def _backdate(repatriation: Repatriation, days: int) -> None:
    if not days:
        return
    shift = datetime.timedelta(days=days)
    Repatriation.objects.filter(pk=repatriation.pk).update(started_at=F("started_at") - shift)
    steps = RepatriationStep.objects.filter(repatriation=repatriation)
    steps.filter(opened_at__isnull=False).update(opened_at=F("opened_at") - shift, due_date=F("due_date") - shift)
    steps.filter(done_at__isnull=False).update(done_at=F("done_at") - shift)
    if repatriation.completed_at or repatriation.cancelled_at:
        Repatriation.objects.filter(pk=repatriation.pk, completed_at__isnull=False).update(
            completed_at=F("completed_at") - shift
        )
        Repatriation.objects.filter(pk=repatriation.pk, cancelled_at__isnull=False).update(
            cancelled_at=F("cancelled_at") - shift
        )


def _run(scenario: Scenario, case: Case) -> Repatriation | None:
    team = _actor(case.owner_id, case.owner_org_id, Perm.REPATRIATION_MANAGE)
    if team is None:
        return None
    nationality = (case.person.nationalities or ["GT"])[0]
    if scenario.track == Track.NATIONAL:
        country = "MX"
        consulate = Organization.objects.filter(code="consulado-tapachula").first()
    else:
        country = nationality
        consulate = _consulate(nationality)
    receiving = Organization.objects.filter(code=scenario.receiving).first()
    if consulate is None or receiving is None:
        return None
    repatriation = services.repatriation_start(
        actor=team,
        case_id=case.pk,
        track=scenario.track,
        country=country,
        consulate_id=consulate.pk,
        receiving_id=receiving.pk,
    )
    protocol = protocol_for(scenario.track)
    for definition in protocol.steps_for(minor=repatriation.minor):
        if definition.code == scenario.until:
            break
        if definition.handover:
            if scenario.until != "completed":
                break
            receiver = _participant(receiving)
            if receiver is None:
                break
            services.repatriation_handover_confirm(
                actor=receiver,
                repatriation_id=repatriation.pk,
                destination="ngo_care" if scenario.family_involved else "family",
                evidence=[e.code for e in definition.evidence],
                note="Acta de entrega firmada en el puerto de entrada",
            )
            break
        if scenario.until == "cancelled" and definition.code == "health_assessment":
            services.repatriation_cancel(
                actor=team, repatriation_id=repatriation.pk, reason="La persona decidió permanecer en Guatemala"
            )
            break
        if not definition.mandatory:
            services.repatriation_step_not_applicable(
                actor=team,
                repatriation_id=repatriation.pk,
                step_code=definition.code,
                reason="Ya informada por otra vía",
            )
            continue
        services.repatriation_step_complete(
            actor=team,
            repatriation_id=repatriation.pk,
            step_code=definition.code,
            evidence=[e.code for e in definition.evidence],
            note="Registrado según el protocolo; constancia en el expediente físico",
            family_involved=scenario.family_involved if definition.family_assessment else None,
            destination=("ngo_care" if scenario.family_involved else "family") if definition.family_assessment else "",
        )
    _backdate(repatriation, scenario.days_ago)
    return repatriation


@transaction.atomic
def build_repatriations() -> int:
    """Create the demo repatriations (once); returns how many were created."""
    if Repatriation.objects.exists():
        return 0
    used: set[Any] = set()
    made = 0
    for scenario in SCENARIOS:
        owner = Organization.objects.filter(code=scenario.owner).first()
        if owner is None:
            continue
        for case in _candidates(owner, scenario, used)[:1]:
            used.add(case.pk)
            if _run(scenario, case) is not None:
                made += 1
    return made


def overdue_count() -> int:
    return RepatriationStep.objects.filter(
        state=StepState.CURRENT, due_date__lt=timezone.localdate(), repatriation__status="in_progress"
    ).count()
