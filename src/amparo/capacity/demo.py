"""Demo trainings, prevention activities and a national plan (synthetic; reproducible; idempotent). Titles are
in Spanish, as the Guatemalan institutions would type them (they are data, not interface text)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from amparo.accounts.models import Membership
from amparo.accounts.roles import Role
from amparo.organizations.models import Organization

from .models import (
    ActivityKind,
    Indicator,
    IndicatorTarget,
    Participant,
    PlanAction,
    PreventionActivity,
    Sex,
    Training,
)

TRAININGS = [
    # title, organizer, funders, target group, topics, planned, trained, department
    (
        "Actualización sobre la ley contra la trata para jueces (primer grupo)",
        "svet",
        "IOM",
        "judges",
        ["legal_framework", "victim_rights"],
        600,
        124,
        "01",
    ),
    (
        "Identificación de víctimas en puestos fronterizos",
        "dgm",
        "IOM",
        "immigration",
        ["identification", "referral"],
        60,
        48,
        "09",
    ),
    (
        "Investigación de la trata con fines de explotación laboral",
        "mp",
        "UNODC",
        "prosecutors",
        ["investigation", "labour"],
        40,
        35,
        "01",
    ),
    (
        "Unidades policiales: detección de víctimas en operativos",
        "pnc",
        "",
        "police",
        ["identification", "minors"],
        80,
        66,
        "05",
    ),
    (
        "Protección consular de connacionales víctimas de trata",
        "minex",
        "",
        "consuls",
        ["referral", "victim_rights"],
        25,
        21,
        "01",
    ),
    (
        "Sensibilización sobre la trata para contingentes de paz",
        "svet",
        "",
        "peacekeeping",
        ["legal_framework", "sexual"],
        150,
        140,
        "01",
    ),
]

ACTIVITIES = [
    (
        ActivityKind.CAMPAIGN,
        "No te dejes engañar: ofertas de trabajo falsas",
        "svet",
        ["radio", "social", "billboard"],
        350000,
        0,
        "00",
    ),
    (ActivityKind.HOTLINE_PROMOTION, "Línea 1552: denuncia la trata", "minex", ["tv", "radio"], 500000, 0, ""),
    (ActivityKind.WORKSHOP, "Talleres en escuelas de Quetzaltenango", "casa-alianza", ["schools"], 0, 420, "09"),
    (
        ActivityKind.DEMAND_REDUCTION,
        "Turismo sin explotación sexual infantil",
        "svet",
        ["print", "social"],
        80000,
        0,
        "03",
    ),
]

PLAN = [
    (
        "1.1",
        "Sensibilización sobre la trata en comunidades de origen",
        "prevention",
        ["svet", "minex"],
        [("Alcance estimado de las actividades de prevención", "prevention_reach", "", 500000)],
    ),
    (
        "2.1",
        "Identificar y asistir a las víctimas",
        "protection",
        ["sbs", "pgn", "casa-alianza"],
        [
            ("Víctimas identificadas", "victims_identified", "", 400),
            ("Remisiones respondidas a tiempo (%)", "referrals_on_time", "", 90),
        ],
    ),
    (
        "3.1",
        "Capacitar a funcionarios de justicia",
        "prosecution",
        ["mp", "svet"],
        [("Jueces capacitados", "judges_trained", "", 300), ("Funcionarios capacitados", "people_trained", "", 800)],
    ),
    (
        "4.1",
        "Protocolo interinstitucional de repatriación vigente",
        "coordination",
        ["minex", "sbs"],
        [("Protocolos firmados", "", "Actas de la Comisión", 2)],
    ),
]


def _creator(org: Organization) -> int | None:
    membership = (
        Membership.objects.filter(organization=org, role=Role.SUPERVISOR).first()
        or Membership.objects.filter(organization=org).first()
    )
    return membership.user_id if membership else None


@transaction.atomic
def load(today: datetime.date, seed: int = 2011) -> dict[str, int]:
    if Training.objects.exists() or PlanAction.objects.exists():
        return {"trainings": 0, "activities": 0, "actions": 0}
    rng = random.Random(seed)
    orgs = {o.code: o for o in Organization.objects.all()}
    any_user = Membership.objects.values_list("user_id", flat=True).first()
    if any_user is None:
        return {"trainings": 0, "activities": 0, "actions": 0}
    made = {"trainings": 0, "activities": 0, "actions": 0}
    for i, (title, org_code, funders, group, topics, planned, trained, dept) in enumerate(TRAININGS):
        org = orgs.get(org_code) or orgs["svet"]
        start = today - datetime.timedelta(days=30 + 45 * i)
        training = Training.objects.create(
            organization=org,
            title=title,
            funders=funders,
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            place="",
            department=dept,
            topics=topics,
            target_groups=[group],
            planned_participants=planned,
            created_by_id=_creator(org) or any_user,
        )
        participants: list[Participant] = []
        for _ in range(trained + rng.randint(0, 6)):
            attended = len(participants) < trained
            pre = rng.randint(30, 70)
            participants.append(
                Participant(
                    training=training,
                    institution_other="Organismo Judicial" if group == "judges" else "",
                    institution=None if group == "judges" else org,
                    role=group,
                    sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                    attended=attended,
                    pre_score=pre,
                    post_score=min(100, pre + rng.randint(5, 35)) if attended else None,
                )
            )
        Participant.objects.bulk_create(participants)
        made["trainings"] += 1
    for i, (kind, title, org_code, media, reach, people, dept) in enumerate(ACTIVITIES):
        org = orgs.get(org_code) or orgs["svet"]
        start = today - datetime.timedelta(days=60 + 50 * i)
        PreventionActivity.objects.create(
            organization=org,
            kind=kind,
            title=title,
            start_date=start,
            end_date=start + datetime.timedelta(days=30),
            department="" if dept == "00" else dept,
            media=media,
            estimated_reach=reach,
            participants=people,
            target_groups=["community"],
            created_by_id=_creator(org) or any_user,
        )
        made["activities"] += 1
    for code, title, axis, responsible, items in PLAN:
        action = PlanAction.objects.create(code=code, title=title, axis=axis)
        action.responsible.set([orgs[c] for c in responsible if c in orgs])
        for name, computed, source, target in items:
            indicator = Indicator.objects.create(
                action=action,
                name=name,
                computed=computed,
                source=source,
                baseline=Decimal(0) if not computed else None,
                baseline_year=today.year - 1 if not computed else None,
            )
            for year in (today.year, today.year + 1):
                IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(target))
        made["actions"] += 1
    return made
