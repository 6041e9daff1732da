"""Synthetic hotline calls for the demo: a few hundred over the last months, and an on-duty roster.

Reproducible (seeded), fast (bulk inserts; encryption still happens field by field) and synthetic only:
summaries are built from generic phrases, never from real events or people. A handful of calls become
victim cases through the real service, so the link between call and case shows in both screens.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.audit.services import audit_record
from amparo.core import geo
from amparo.people.validation import PersonInput

from . import reference
from .models import Call, CallStatus, Category, Duty, DutyShift, FollowUp, RescueAlert, Urgency
from .services import call_open_case

OPERATORS = ["diego.hotline", "nora.hotline", "olga.supervisor"]
DUTY_OFFICERS: dict[str, list[str]] = {
    Duty.POLICE: ["fabio.investigator", "pablo.investigator"],
    Duty.PROSECUTOR: ["gloria.prosecutor", "rita.prosecutor"],
}

CHANNELS = [("phone", 55), ("whatsapp", 20), ("web_form", 10), ("sms", 5), ("email", 5), ("walk_in", 5)]
LANGUAGES = [("spa", 70), ("quc", 8), ("kek", 7), ("cak", 5), ("mam", 5), ("eng", 3), ("other", 2)]
CALLERS = [("relative", 30), ("anonymous", 25), ("victim", 20), ("witness", 18), ("official", 7)]
CATEGORIES = [("information", 40), ("complaint", 25), ("assistance", 15), ("rescue", 10), ("other", 10)]
URGENCY_BY_CATEGORY = {
    "information": [("low", 80), ("medium", 20)],
    "complaint": [("medium", 50), ("high", 40), ("urgent", 10)],
    "assistance": [("medium", 50), ("high", 40), ("low", 10)],
    "rescue": [("urgent", 60), ("high", 40)],
    "other": [("low", 70), ("medium", 30)],
}
# Calls per hour of the day (relative): busy in the day, a night peak from bars and clubs.
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 8, 9, 9, 8, 7, 6, 6, 6, 6, 5, 4]

WHO = ["Una adolescente", "Una joven", "Un niño", "Una mujer", "Dos muchachas", "Un grupo de jóvenes", "Una niña"]
WHERE = [
    "en un bar",
    "en un centro nocturno",
    "en una finca",
    "en una casa de citas",
    "en una agencia de empleo",
    "en un restaurante",
    "en una maquila",
]
WHAT = [
    "no la dejan salir y le quitaron sus documentos",
    "le ofrecieron trabajo y ahora debe pagar una deuda",
    "parece menor de edad y trabaja de noche",
    "pide ayuda para regresar a su país",
    "fue trasladada desde la frontera con promesas de empleo",
    "trabaja sin pago y la amenazan",
]
ASKS = {
    "information": "La persona que llama pide información sobre cómo denunciar.",
    "complaint": "Quiere presentar una denuncia.",
    "assistance": "Solicita atención y albergue.",
    "rescue": "Pide un rescate urgente.",
    "other": "Consulta general.",
}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


@dataclass
class DemoStaff:
    operators: list[tuple[User, int]]  # (user, institution id)
    officers: dict[str, list[User]]
    supervisor: User | None


def _staff() -> DemoStaff | None:
    operators = []
    for username in OPERATORS:
        membership = Membership.objects.filter(user__username=username, is_active=True).first()
        if membership is not None:
            operators.append((membership.user, membership.organization_id))
    if not operators:
        return None
    officers = {
        duty: list(User.objects.filter(username__in=names).order_by("username"))
        for duty, names in DUTY_OFFICERS.items()
    }
    return DemoStaff(operators, officers, User.objects.filter(username="olga.supervisor").first())


def _closed_at(rng: random.Random, received: datetime.datetime, status: str) -> datetime.datetime | None:
    return received + datetime.timedelta(hours=rng.randrange(1, 72)) if status == CallStatus.CLOSED else None


def _status(rng: random.Random, age_days: float) -> str:
    if age_days < 2:
        return _pick(rng, [("new", 40), ("in_progress", 50), ("referred", 10)])
    if age_days < 14:
        return _pick(rng, [("in_progress", 30), ("referred", 30), ("closed", 40)])
    return _pick(rng, [("in_progress", 5), ("referred", 35), ("closed", 60)])


def load_demo_calls(*, count: int = 300, seed: int = 2008, days: int = 180, cases: int = 6) -> int:
    """Create the demo calls and roster if there are no calls yet; returns how many calls were created."""
    if Call.objects.exists():
        return 0
    from amparo.organizations.models import Organization, Unit

    from .models import CallCenter
    from .seed import load_call_centers

    load_call_centers(Organization, Unit, CallCenter)
    staff = _staff()
    if staff is None:
        return 0
    rng = random.Random(seed + 5)
    now = timezone.now()
    municipalities = sorted(geo.MUNICIPALITIES.items())
    referral_targets = list(
        Membership.objects.filter(organization__code__in=["sbs", "pgn", "casa-alianza", "mp", "pnc"])
        .values_list("organization_id", flat=True)
        .distinct()
    )
    calls: list[Call] = []
    follow_ups: list[FollowUp] = []
    alerts: list[RescueAlert] = []
    for _ in range(count):
        day = rng.random() ** 1.4 * days  # more calls recently, as the campaign made the line known
        date = (now - datetime.timedelta(days=day)).astimezone(timezone.get_current_timezone())
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        received = date.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
        if received > now:
            received -= datetime.timedelta(days=1)
        category = _pick(rng, CATEGORIES)
        urgency = _pick(rng, URGENCY_BY_CATEGORY[category])
        status = _status(rng, (now - received).total_seconds() / 86400)
        handler, org_id = rng.choice(staff.operators)
        code = reference.new_code()
        municipality, (department, _name) = rng.choice(municipalities) if rng.random() < 0.85 else ("", ("", ""))
        summary = f"{rng.choice(WHO)} {rng.choice(WHERE)}: {rng.choice(WHAT)}. {ASKS[category]}"
        call = Call(
            reference_digest=reference.digest(code),
            reference_code=code,
            channel=_pick(rng, CHANNELS),
            received_at=received,
            language=_pick(rng, LANGUAGES),
            caller_type=_pick(rng, CALLERS),
            department=department,
            municipality=municipality,
            summary=summary,
            caller_contact=f"5{rng.randrange(10**7):07d}" if rng.random() < 0.4 else None,
            category=category,
            urgency=urgency,
            status=status,
            organization_id=org_id,
            recorded_by=handler,
            handler=None if status == CallStatus.NEW else handler,
            referred_to_id=rng.choice(referral_targets) if status == CallStatus.REFERRED and referral_targets else None,
            created_at=received,
            updated_at=received,
            closed_at=received + datetime.timedelta(hours=rng.randrange(1, 72))
            if status == CallStatus.CLOSED
            else None,
        )
        calls.append(call)
        if rng.random() < 0.15:
            follow_up_at = min(received + datetime.timedelta(days=rng.randrange(1, 20)), now)
            follow_ups.append(
                FollowUp(
                    call=call,
                    channel=_pick(rng, CHANNELS),
                    received_at=follow_up_at,
                    language=call.language,
                    caller_type=call.caller_type,
                    summary="Llama de nuevo para saber el estado de su reporte.",
                    organization_id=rng.choice(staff.operators)[1],
                    recorded_by=rng.choice(staff.operators)[0],
                    created_at=follow_up_at,
                )
            )
        if category == Category.RESCUE and urgency == Urgency.URGENT:
            summary_json: dict[str, dict[str, object]] = {}
            for duty, officers in staff.officers.items():
                if officers:
                    officer = officers[received.toordinal() % len(officers)]  # who was on duty that day
                    alerts.append(
                        RescueAlert(
                            call=call,
                            recipient=officer,
                            duty=duty,
                            created_at=received,
                            acknowledged_at=received + datetime.timedelta(minutes=rng.randrange(2, 25)),
                        )
                    )
                summary_json[duty] = {"via": "roster" if officers else "none", "count": 1 if officers else 0}
            call.alerted_at = received
            call.alert_summary = summary_json
    with transaction.atomic():
        Call.objects.bulk_create(calls, batch_size=500)
        FollowUp.objects.bulk_create(follow_ups, batch_size=500)
        RescueAlert.objects.bulk_create(alerts, batch_size=500)
        shifts = _roster(staff, now)
        audit_record(
            actor=Actor.for_system("cli:demo-data"),
            action="hotline.demo_load",
            details={"calls": len(calls), "follow_ups": len(follow_ups), "alerts": len(alerts), "shifts": shifts},
        )
    _cases(staff, calls, cases)
    return len(calls)


def _roster(staff: DemoStaff, now: datetime.datetime) -> int:
    """24-hour shifts from 07:00, yesterday to a week ahead, alternating the two officers of each duty."""
    if staff.supervisor is None:
        return 0
    start = timezone.localtime(now).replace(hour=7, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    shifts = []
    for day in range(9):
        for duty, officers in staff.officers.items():
            if not officers:
                continue
            officer = officers[day % len(officers)]
            begins = start + datetime.timedelta(days=day)
            shifts.append(
                DutyShift(
                    user=officer,
                    organization=officer.memberships.get().organization,
                    duty=duty,
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(hours=24),
                    created_by=staff.supervisor,
                )
            )
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)


def _cases(staff: DemoStaff, calls: list[Call], count: int) -> None:
    """A few assistance and rescue calls become victim cases through the service (linked both ways)."""
    handler, _org = staff.operators[0]
    actor = Actor(user=handler, membership=handler.memberships.get())
    candidates = [
        c for c in calls if c.handler_id == handler.pk and c.category in ("assistance", "rescue") and c.is_open
    ]
    for i, call in enumerate(candidates[:count]):
        call_open_case(
            actor=actor,
            call_id=call.pk,
            person=PersonInput(
                given_names=f"Persona de la llamada {i + 1}",
                age_min=14,
                age_max=25,
                gender="Feminine",
                nationalities=["GT"],
                languages=[call.language] if call.language != "other" else [],
                residence_department=call.department,
                residence_municipality=call.municipality,
            ),
        )
