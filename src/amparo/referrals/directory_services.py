"""Editing the service directory: an institution's users with ``directory.manage`` keep their own
institution's offers current (add, edit, deactivate). Another institution's offers are NotFound (404)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.vocab import ServiceType
from amparo.core import geo
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.people.models import Gender

from .models import ServiceOffer

MAX_AGE = 120


@dataclass
class OfferInput:
    service_type: str
    description: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sexes: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    opening_hours: str = ""


def _validate(data: OfferInput, organization_id: int, offer_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.service_type not in ServiceType.values:
        add("service_type", _("Choose a valid service."))
    elif (
        ServiceOffer.objects.filter(organization_id=organization_id, service_type=data.service_type)
        .exclude(pk=offer_id or 0)
        .exists()
    ):
        add("service_type", _("Your institution already lists this service: edit that entry instead."))
    for name in ("min_age", "max_age"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_AGE:
            add(name, _("Give an age between 0 and %(max)s.") % {"max": MAX_AGE})
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        add("max_age", _("The maximum age cannot be below the minimum age."))
    if any(s not in Gender.values for s in data.sexes):
        add("sexes", _("Choose valid values."))
    if any(n not in geo.COUNTRIES for n in data.nationalities):
        add("nationalities", _("Choose valid nationalities."))
    if any(d not in geo.DEPARTMENTS for d in data.departments):
        add("departments", _("Choose valid departments."))
    if data.email.strip():
        try:
            validate_email(data.email.strip())
        except ValidationError:
            add("email", _("Give a valid e-mail address."))
    if len(data.description) > 300:
        add("description", _("Keep the description under 300 characters."))
    if len(data.phone) > 40:
        add("phone", _("The phone number is too long."))
    if len(data.opening_hours) > 120:
        add("opening_hours", _("Keep the opening hours under 120 characters."))
    return errors


def _apply(offer: ServiceOffer, data: OfferInput) -> list[str]:
    values = {
        "service_type": data.service_type,
        "description": data.description.strip(),
        "min_age": data.min_age,
        "max_age": data.max_age,
        "sexes": sorted(set(data.sexes)),
        "nationalities": sorted(set(data.nationalities)),
        "departments": sorted(set(data.departments)),
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "opening_hours": data.opening_hours.strip(),
    }
    changed = [name for name, value in values.items() if getattr(offer, name) != value]
    for name, value in values.items():
        setattr(offer, name, value)
    return changed


def _audit(actor: Actor, action: str, offer: ServiceOffer, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="service_offer", target_id=offer.pk, details=details)


def _own_offer(actor: Actor, offer_id: int) -> ServiceOffer:
    if not actor.has(Perm.DIRECTORY_MANAGE):
        raise PermissionDenied()
    offer = ServiceOffer.objects.select_for_update().filter(pk=offer_id, organization_id=actor.org_pk).first()
    if offer is None:
        raise NotFound()
    return offer


@transaction.atomic
def offer_create(*, actor: Actor, data: OfferInput) -> ServiceOffer:
    if not actor.has(Perm.DIRECTORY_MANAGE) or actor.membership is None:
        raise PermissionDenied()
    errors = _validate(data, actor.org_pk, None)
    if errors:
        raise ValidationFailed(errors)
    offer = ServiceOffer(organization_id=actor.org_pk)
    _apply(offer, data)
    offer.save()
    _audit(actor, "directory.offer_created", offer, service=offer.service_type)
    return offer


@transaction.atomic
def offer_update(*, actor: Actor, offer_id: int, data: OfferInput) -> ServiceOffer:
    offer = _own_offer(actor, offer_id)
    errors = _validate(data, offer.organization_id, offer.pk)
    if errors:
        raise ValidationFailed(errors)
    changed = _apply(offer, data)
    if changed:
        offer.save()
        _audit(actor, "directory.offer_updated", offer, service=offer.service_type, fields=changed)
    return offer


@transaction.atomic
def offer_set_active(*, actor: Actor, offer_id: int, active: bool) -> ServiceOffer:
    """Deactivate (the offer leaves the directory and takes no new referrals) or reactivate it."""
    offer = _own_offer(actor, offer_id)
    if offer.is_active != active:
        offer.is_active = active
        offer.save(update_fields=["is_active"])
        _audit(
            actor,
            "directory.offer_reactivated" if active else "directory.offer_deactivated",
            offer,
            service=offer.service_type,
        )
    return offer
