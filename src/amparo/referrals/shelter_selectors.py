"""Shelter availability (operational counts, no identities) and a shelter's own placements and alerts."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.core.exceptions import NotFound, PermissionDenied

from .models import Placement, Shelter, ShelterAccess, ShelterBeds
from .permissions import shelters_managed_by


def expiry_warning_days() -> int:
    """Days before a court order ends when the shelter is warned (screen and reminders alike)."""
    return int(getattr(settings, "AMPARO_ORDER_EXPIRY_DAYS", 15))


@dataclass
class Availability:
    shelter: Shelter
    category: str
    category_label: str
    beds: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.beds - self.occupied, 0)


def availability(*, actor: Actor, department: str = "", category: str = "") -> list[Availability]:
    """Beds, occupied and free per shelter and category, for the whole country, in one grouped query."""
    if not (actor.has(Perm.CASE_VIEW) or actor.has(Perm.REFERRAL_RECEIVE)):
        raise PermissionDenied()
    beds = ShelterBeds.objects.filter(shelter__is_active=True).select_related("shelter")
    if department:
        beds = beds.filter(shelter__department=department)
    if category:
        beds = beds.filter(category=category)
    occupied = {
        (row["shelter_id"], row["category"]): row["n"]
        for row in Placement.objects.filter(discharged_at__isnull=True)
        .values("shelter_id", "category")
        .annotate(n=Count("id"))
    }
    return [
        Availability(
            b.shelter, b.category, b.get_category_display(), b.beds, occupied.get((b.shelter_id, b.category), 0)
        )
        for b in beds.order_by("shelter__name", "category")
    ]


def occupancy_of(shelter: Shelter) -> list[Availability]:
    """One shelter's beds, occupied and free per category (its own page: is there a bed tonight?)."""
    occupied = dict(
        Placement.objects.filter(shelter=shelter, discharged_at__isnull=True)
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [
        Availability(shelter, b.category, b.get_category_display(), b.beds, occupied.get(b.category, 0))
        for b in shelter.beds.order_by("category")
    ]


def can_see_address(actor: Actor, shelter: Shelter) -> bool:
    """Critical data: the shelter's own staff (its unit) and explicit grantees only."""
    staff = (
        actor.membership is not None
        and actor.membership.organization_id == shelter.organization_id
        and (shelter.unit_id is None or actor.membership.unit_id == shelter.unit_id)
        and actor.has(Perm.SHELTER_ADMIT)
    )
    return staff or ShelterAccess.objects.filter(shelter=shelter, user_id=actor.user_pk).exists()


def shelters_of(actor: Actor) -> QuerySet[Shelter]:
    """The shelters the actor works in (their unit's, or all of the institution's for a supervisor)."""
    return shelters_managed_by(actor).filter(is_active=True)


def shelter_get(*, actor: Actor, shelter_id: uuid.UUID | str) -> Shelter:
    shelter = shelters_of(actor).filter(pk=shelter_id).first()
    if shelter is None:
        raise NotFound()
    return shelter


def placements_of(*, actor: Actor, shelter: Shelter) -> QuerySet[Placement]:
    return Placement.objects.filter(
        shelter=shelter, shelter__in=shelters_managed_by(actor), discharged_at__isnull=True
    ).select_related("case", "referral")


@dataclass
class OrderAlerts:
    expiring: list[Placement]
    expired: list[Placement]


def placement_for_renewal(*, actor: Actor, placement_id: uuid.UUID | str) -> Placement:
    """A present placement in one of the shelters the actor works in; anything else is not found."""
    placement = (
        Placement.objects.select_related("shelter", "case")
        .filter(pk=placement_id, shelter__in=shelters_managed_by(actor), discharged_at__isnull=True)
        .first()
    )
    if placement is None:
        raise NotFound()
    return placement


def placement_of_institution(*, actor: Actor, placement_id: uuid.UUID | str) -> Placement:
    """A placement, present or past, in one of the shelters the actor works in; another's is not found (another
    institution's, or another unit's of the same institution)."""
    if not actor.has(Perm.SHELTER_ADMIT):
        raise PermissionDenied()
    placement = Placement.objects.filter(pk=placement_id, shelter__in=shelters_managed_by(actor)).first()
    if placement is None:
        raise NotFound()
    return placement


def order_alerts(*, actor: Actor, today: datetime.date | None = None) -> OrderAlerts:
    """Active placements whose court order ends within AMPARO_ORDER_EXPIRY_DAYS, and those already ended."""
    today = today or timezone.localdate()
    active = Placement.objects.filter(shelter__in=shelters_of(actor), discharged_at__isnull=True).select_related(
        "shelter", "case"
    )
    soon = today + datetime.timedelta(days=expiry_warning_days())
    return OrderAlerts(
        expiring=list(active.filter(Q(order_end__gte=today) & Q(order_end__lte=soon))),
        expired=list(active.filter(order_end__lt=today)),
    )
