from __future__ import annotations

from django.db.models import QuerySet

from .models import Organization, Unit


def organization_list() -> QuerySet[Organization]:
    """Institutions are public directory data: every signed-in user may list them."""
    return Organization.objects.filter(is_active=True).order_by("name")


def unit_list(*, organization: Organization) -> QuerySet[Unit]:
    return Unit.objects.filter(organization=organization).order_by("name")
