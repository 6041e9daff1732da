"""Admissions to shelters under court orders, and discharges. Capacity is enforced under a row lock."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.vocab import ServiceType
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed

from .models import (
    Destination,
    Placement,
    PlacementRenewal,
    Referral,
    ReferralStatus,
    ShelterBeds,
    ShelterCategory,
)
from .permissions import shelters_managed_by
from .services import _notify, _senders, _user

MAX_STAY_DAYS = 3 * 365

# Children are not housed with adults (the minor's protocol: the presumption of minority applies until an age
# is proven), nor girls with boys. A sex not recorded or non-conforming is not refused: the staff decide.
_CHILDREN = {ShelterCategory.GIRLS, ShelterCategory.BOYS, ShelterCategory.ADOLESCENT_MOTHERS}
_ADULTS = {ShelterCategory.ADULT_WOMEN, ShelterCategory.MEN}
_NOT_FOR_SEX = {
    "Masculine": {ShelterCategory.GIRLS, ShelterCategory.ADOLESCENT_MOTHERS, ShelterCategory.ADULT_WOMEN},
    "Feminine": {ShelterCategory.BOYS, ShelterCategory.MEN},
}


def _category_mismatch(case: Case, category: str) -> list[str]:
    """Why ``category`` is not for the person of ``case`` (none: it is). Foreign victims' shelters take anyone."""
    problems = []
    if case.minor_protocol and category in _ADULTS:
        problems.append(
            _("The person is treated as a minor (presumption of minority): choose a category for children.")
        )
    elif not case.minor_protocol and category in _CHILDREN:
        problems.append(_("The person is an adult: a category for children is not for her or him."))
    if category in _NOT_FOR_SEX.get(case.person.gender, set()):
        problems.append(_("The category does not match the person's sex as recorded."))
    return problems


@transaction.atomic
def placement_admit(
    *,
    actor: Actor,
    referral_id: uuid.UUID | str,
    shelter_id: uuid.UUID | str,
    category: str,
    court: str,
    file_number: str,
    order_date: datetime.date,
    stay_days: int,
    judge: str = "",
) -> Placement:
    """Admit the person of an accepted shelter referral, under the judge's order that sets the length of stay."""
    if not actor.has(Perm.SHELTER_ADMIT):
        raise PermissionDenied()
    # Another institution's shelter, or one another unit of the institution runs, is not found.
    shelter = shelters_managed_by(actor).filter(pk=shelter_id, is_active=True).first()
    case_id = Referral.objects.filter(pk=referral_id, to_org_id=actor.org_pk).values_list("case_id", flat=True).first()
    if shelter is None or case_id is None:
        raise NotFound()
    # The case row, then the referral's, are locked until commit (the order consent_withdraw takes them): one
    # person is not admitted twice by two submissions at once, nor under a referral cancelled meanwhile.
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case", "case__person").get(pk=referral_id)
    )
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if referral.status != ReferralStatus.ACCEPTED or referral.service_type != ServiceType.SHELTER:
        add("referral", _("Admissions come from an accepted shelter referral."))
    if category not in ShelterCategory.values:
        add("category", _("Choose a category."))
    else:
        for message in _category_mismatch(referral.case, category):
            add("category", message)
    if not court.strip():
        add("court", _("Name the court that ordered the placement."))
    if not file_number.strip():
        add("file_number", _("Give the court file number."))
    today = timezone.localdate()
    if order_date > today:
        add("order_date", _("The order date cannot be in the future."))
    if not 1 <= stay_days <= MAX_STAY_DAYS:
        add("stay_days", _("The length of stay must be between 1 and %(max)s days.") % {"max": MAX_STAY_DAYS})
    # Only a valid order has an end (a date far in the future plus a stay would not even be a date).
    order_end = None if errors else order_date + datetime.timedelta(days=stay_days)
    if order_end is not None and order_end < today:
        add(
            "order_date",
            _("The order ended on %(date)s: a new order is needed.")
            % {"date": formats.date_format(order_end, "SHORT_DATE_FORMAT")},
        )
    if Placement.objects.filter(case_id=referral.case_id, discharged_at__isnull=True).exists():
        add("referral", _("This person is already placed in a shelter."))
    if errors:
        raise ValidationFailed(errors)
    assert order_end is not None
    # The capacity row is locked until commit: two admissions for the last bed cannot both succeed.
    beds = ShelterBeds.objects.select_for_update().filter(shelter=shelter, category=category).first()
    occupied = Placement.objects.filter(shelter=shelter, category=category, discharged_at__isnull=True).count()
    if beds is None or occupied >= beds.beds:
        raise ValidationFailed(
            {"category": [_("%(shelter)s has no free bed for this category.") % {"shelter": shelter.name}]}
        )
    placement = Placement.objects.create(
        shelter=shelter,
        category=category,
        case=referral.case,
        referral=referral,
        court=court.strip(),
        file_number=file_number.strip(),
        judge=judge.strip() or None,
        order_date=order_date,
        order_end=order_end,
        admitted_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="shelter.admitted",
        target_type="placement",
        target_id=placement.pk,
        details={"shelter": str(shelter.pk), "category": category, "referral": str(referral.pk)},
    )
    _notify(_senders(referral), "referral.placed", referral)
    return placement


@transaction.atomic
def placement_discharge(*, actor: Actor, placement_id: uuid.UUID | str, destination: str, notes: str = "") -> Placement:
    if not actor.has(Perm.SHELTER_ADMIT):
        raise PermissionDenied()
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("shelter", "referral", "referral__case")
        .filter(pk=placement_id, shelter__in=shelters_managed_by(actor))
        .first()
    )
    if placement is None:
        raise NotFound()
    if placement.discharged_at is not None:
        raise ValidationFailed({"destination": [_("Already discharged.")]})
    if destination not in Destination.values:
        raise ValidationFailed({"destination": [_("Choose where the person goes.")]})
    placement.discharged_at = timezone.now()
    placement.destination = destination
    placement.discharge_notes = notes.strip() or None
    placement.save(update_fields=["discharged_at", "destination", "discharge_notes"])
    audit_record(
        actor=actor,
        action="shelter.discharged",
        target_type="placement",
        target_id=placement.pk,
        details={"destination": destination},
    )
    if placement.referral is not None:
        _notify(_senders(placement.referral), "referral.discharged", placement.referral)
    return placement


@transaction.atomic
def placement_renew(
    *,
    actor: Actor,
    placement_id: uuid.UUID | str,
    court: str,
    file_number: str,
    judge: str = "",
    order_date: datetime.date,
    stay_days: int,
) -> Placement:
    """Record a new court order that extends a stay (a judge renews the protection measure). The placement
    takes the new order, the renewal keeps the one it replaced, and the referring institution is told; the
    reminders follow the new end (they are keyed by it). Only the shelter's institution renews."""
    if not actor.has(Perm.SHELTER_ADMIT):
        raise PermissionDenied()
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("referral")
        .filter(pk=placement_id, shelter__in=shelters_managed_by(actor))
        .first()
    )
    if placement is None:
        raise NotFound()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if placement.discharged_at is not None:
        raise ValidationFailed({"order_date": [_("The person has left the shelter: there is no stay to renew.")]})
    if not court.strip():
        add("court", _("Name the court that ordered the placement."))
    if not file_number.strip():
        add("file_number", _("Give the court file number."))
    today = timezone.localdate()
    if order_date > today:
        add("order_date", _("The order date cannot be in the future."))
    elif order_date < placement.order_date:
        add("order_date", _("The new order cannot be older than the order in force."))
    if not 1 <= stay_days <= MAX_STAY_DAYS:
        add("stay_days", _("The length of stay must be between 1 and %(max)s days.") % {"max": MAX_STAY_DAYS})
    order_end = None if errors else order_date + datetime.timedelta(days=stay_days)
    if order_end is not None and order_end <= placement.order_end:
        add(
            "stay_days",
            _("The new order must end after the order in force (%(date)s).")
            % {"date": formats.date_format(placement.order_end, "SHORT_DATE_FORMAT")},
        )
    elif order_end is not None and order_end < today:
        add(
            "order_date",
            _("The order ended on %(date)s: a new order is needed.")
            % {"date": formats.date_format(order_end, "SHORT_DATE_FORMAT")},
        )
    if errors:
        raise ValidationFailed(errors)
    assert order_end is not None
    previous_end = placement.order_end
    PlacementRenewal.objects.create(
        placement=placement,
        previous_court=placement.court,
        previous_file_number=placement.file_number,
        previous_judge=placement.judge,
        previous_order_date=placement.order_date,
        previous_order_end=previous_end,
        renewed_by=_user(actor),
    )
    placement.court = court.strip()
    placement.file_number = file_number.strip()
    placement.judge = judge.strip() or None
    placement.order_date = order_date
    placement.order_end = order_end
    placement.save(update_fields=["court", "file_number", "judge", "order_date", "order_end"])
    audit_record(
        actor=actor,
        action="shelter.order_renewed",
        target_type="placement",
        target_id=placement.pk,
        details={"previous_end": previous_end.isoformat(), "order_end": order_end.isoformat()},
    )
    if placement.referral is not None:
        _notify(_senders(placement.referral), "placement.order_renewed", placement.referral)
    return placement
