"""Synthetic shelters, referrals and placements for the demo: every referral status, shelters partly full.

Never real places: shelter names are generic and addresses invented.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from amparo.organizations.models import Organization, Unit

from .models import LegalBasis, Placement, Referral, ReferralStatus, Section, Shelter, ShelterBeds

# institution code, unit code, name, department, {category: beds}
SHELTERS: list[tuple[str, str | None, str, str, dict[str, int]]] = [
    ("sbs", "hogar-antigua", "Hogar de protección (niñas)", "03", {"girls": 40, "adolescent_mothers": 8}),
    ("sbs", "hogar-san-jose-pinula", "Hogar de protección (niños)", "01", {"boys": 30}),
    ("casa-alianza", "hogar", "Hogar Casa Alianza", "01", {"girls": 35, "boys": 20, "adolescent_mothers": 10}),
    ("dgm", "albergue-migrantes", "Albergue de la DGM", "01", {"foreign_victims": 30, "adult_women": 12, "men": 12}),
    ("sobrevivientes", None, "Albergue temporal", "01", {"adult_women": 15}),
]
OUTCOMES = [
    "Atención brindada; seguimiento mensual",
    "Reintegrada con su familia tras evaluación",
    "Inscrita en formación técnica",
]


def ensure_shelters() -> dict[int, list[tuple[Shelter, dict[str, int]]]]:
    by_org: dict[int, list[tuple[Shelter, dict[str, int]]]] = {}
    for code, unit_code, name, department, beds in SHELTERS:
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            continue
        unit = Unit.objects.filter(organization=organization, code=unit_code).first() if unit_code else None
        shelter = Shelter.objects.filter(organization=organization, name=name).first()
        if shelter is None:
            shelter = Shelter(organization=organization, unit=unit, name=name, department=department)
            shelter.address = (
                f"{random.Random(name).randint(1, 30)}a. avenida {random.Random(department).randint(1, 20)}-00"
            )
            shelter.save()
        for category, count in beds.items():
            ShelterBeds.objects.get_or_create(shelter=shelter, category=category, defaults={"beds": count})
        free = {
            c: count - Placement.objects.filter(shelter=shelter, category=c, discharged_at__isnull=True).count()
            for c, count in beds.items()
        }
        by_org.setdefault(organization.pk, []).append((shelter, free))
    return by_org


def _category(case: Any) -> str:
    person = case.person
    foreign = person.nationalities and person.nationalities[0] != "GT"
    if case.minor_protocol:
        return "girls" if person.gender == "Feminine" else "boys"
    if foreign:
        return "foreign_victims"
    return "adult_women" if person.gender == "Feminine" else "men"


def _status_for(rng: random.Random, case: Any) -> str:
    options = [
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.CANCELLED,
    ]
    weights = [15, 35, 10, 30, 10]
    if case.status == "closed":  # a case closes only once its referrals are closed
        weights = [0, 0, 10, 30, 10]
    return str(rng.choices(options, weights)[0])


def build_referrals(
    rng: random.Random,
    case: Any,
    consent: Any,
    batch: Any,
    shelters: dict[int, list[tuple[Shelter, dict[str, int]]]],
    receivers: dict[int, int],
) -> None:
    """One or two referrals for a case in assistance or later; a shelter placement when accepted. The dates
    follow one another (sent, answered, admitted, closed or discharged) and none is in the future."""
    now = timezone.now()
    today = timezone.localdate()
    shelter_orgs = [org for org in shelters if org != case.owner_org_id]
    if not shelter_orgs:
        return
    to_org = rng.choice(shelter_orgs)
    status = _status_for(rng, case)
    minor = case.minor_protocol
    # Nothing after now, nor after the case's closure (when that is in the past).
    latest = min(now, case.closed_at) if case.closed_at and case.closed_at > case.opened_at else now
    sent = min(case.opened_at + datetime.timedelta(days=rng.randint(5, 40)), latest)
    referral = Referral(
        case=case,
        from_org_id=case.owner_org_id,
        to_org_id=to_org,
        service_type="shelter",
        legal_basis=LegalBasis.COURT_ORDER if minor else LegalBasis.CONSENT,
        consent=None if minor else consent,
        order_reference=f"Juzgado de Niñez y Adolescencia, expediente 2026-{rng.randint(1, 9999):04d}"
        if minor
        else None,
        shared_sections=[Section.IDENTITY] + ([Section.RISK] if rng.random() < 0.5 else []),
        status=status,
        respond_by=(sent + datetime.timedelta(days=3)).date(),
        sent_by_id=case.owner_id,
    )
    if status == ReferralStatus.SENT:  # awaiting an answer: sent in the last days, some overdue
        referral.respond_by = today + datetime.timedelta(days=rng.randint(-5, 3))
        sent = max(now - datetime.timedelta(days=(today - referral.respond_by).days + 3), case.opened_at)
        referral.respond_by = max(referral.respond_by, timezone.localtime(sent).date())
    referral.sent_at = sent
    answered = sent
    if status != ReferralStatus.SENT and status != ReferralStatus.CANCELLED:
        answered = min(sent + datetime.timedelta(days=rng.randint(0, 3)), latest)
        referral.responded_at = answered
        referral.responded_by_id = receivers.get(to_org)
    if status == ReferralStatus.DECLINED:
        referral.decline_reason = "Sin cupo para la categoría"
    if status == ReferralStatus.COMPLETED:
        referral.outcome = rng.choice(OUTCOMES)
    if status in (ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED):
        referral.closed_at = min(sent + datetime.timedelta(days=rng.randint(20, 200)), latest)
        if status == ReferralStatus.DECLINED:  # a refusal closes the referral when it is answered
            referral.closed_at = answered
    batch.add(referral)
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED) and receivers.get(to_org):
        category = _category(case)
        for shelter, free in shelters[to_org]:
            if free.get(category, 0) > 0:
                admitted = answered  # on the day the shelter accepted, under the judge's order of that day
                active = status == ReferralStatus.ACCEPTED
                order_date = timezone.localtime(admitted).date()
                placement = Placement(
                    shelter=shelter,
                    category=category,
                    case=case,
                    referral=referral,
                    court="Juzgado de Niñez y Adolescencia" if minor else "Juzgado de Paz",
                    file_number=f"2026-{rng.randint(1, 99999):05d}",
                    order_date=order_date,
                    order_end=order_date + datetime.timedelta(days=rng.choice([60, 90, 180])),
                    admitted_at=admitted,
                    admitted_by_id=receivers[to_org],
                    discharged_at=None if active else referral.closed_at,
                    destination="" if active else "family",
                )
                if active:
                    free[category] -= 1
                batch.add(placement)
                break
