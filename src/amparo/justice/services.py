"""Writes of the justice app: atomic, with an explicit actor, permission re-checked, audited in the same
transaction (codes and counts only in the audit details, never names or free text)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import User
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.permissions import can_view_case
from amparo.core.exceptions import PermissionDenied, ValidationFailed
from amparo.organizations.models import Organization

from .models import Complaint, JusticeCounter
from .vocab import RECEIVING_INSTITUTION_CODES, ComplaintSource

SUMMARY_MAX = 20_000
EARLIEST_DATE = datetime.date(1990, 1, 1)


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise PermissionDenied()
    return actor.user


def _audit(actor: Actor, action: str, target_type: str, target_id: object, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type=target_type, target_id=target_id, details=details)


def _next_number(organization: Organization, kind: str) -> str:
    year = timezone.localdate().year
    counter, _created = JusticeCounter.objects.select_for_update().get_or_create(
        organization=organization, kind=kind, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = "".join(ch for ch in organization.acronym.upper() if ch.isalnum())[:8] or "ORG"
    return f"{prefix}-{kind}-{year}-{counter.last:05d}"


def _check_date(errors: _Errors, name: str, value: datetime.date | None, *, required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(name, _("Give the date."))
        return
    if value > timezone.localdate():
        errors.add(name, _("The date cannot be in the future."))
    elif value < EARLIEST_DATE:
        errors.add(name, _("The date is too far in the past."))


def _visible_cases(actor: Actor, case_ids: Iterable[uuid.UUID | str], errors: _Errors, field: str) -> list[Case]:
    """The cases, all of which the actor must be able to see; any other id is refused with one message
    (whether it exists or not is not revealed)."""
    wanted = {str(c) for c in case_ids}
    if not wanted:
        return []
    try:
        found = list(Case.objects.filter(pk__in=wanted))
    except (ValueError, TypeError):
        found = []
    visible = [c for c in found if can_view_case(actor, c)]
    if len(visible) != len(wanted):
        errors.add(field, _("Link only victim cases of your team."))
    return visible


def receiving_institutions() -> list[Organization]:
    return list(Organization.objects.filter(code__in=RECEIVING_INSTITUTION_CODES, is_active=True))


# --- complaints (denuncias) ---


@transaction.atomic
def complaint_create(
    actor: Actor,
    *,
    received_on: datetime.date,
    source: str,
    summary: str,
    receiving_org_id: int | None = None,
    mp_file_number: str = "",
    case_ids: Iterable[uuid.UUID | str] = (),
) -> Complaint:
    """Record a complaint (denuncia). Used by the justice screens and by the hotline.

    - ``received_on``: the day it was received (not in the future).
    - ``source``: a ``ComplaintSource`` code (hotline, walk_in, police, institution, ex_officio).
    - ``summary``: the narrative; stored encrypted, never logged or audited.
    - ``receiving_org_id``: the institution receiving it, the Public Ministry or the police (organization
      codes in ``RECEIVING_INSTITUTION_CODES``); default and always allowed: the actor's own institution.
    - ``mp_file_number``: the Public Ministry's file number, if already known.
    - ``case_ids``: victim cases to link; each must be visible to the actor (``can_view_case``).

    Needs ``complaint.create``. Raises ValidationFailed (nothing saved) or PermissionDenied.
    """
    if not actor.has(Perm.COMPLAINT_CREATE) or actor.membership is None:
        raise PermissionDenied()
    errors = _Errors()
    _check_date(errors, "received_on", received_on)
    if source not in ComplaintSource.values:
        errors.add("source", _("Choose the source of the complaint."))
    summary = (summary or "").strip()
    if not summary:
        errors.add("summary", _("Write a summary of the complaint."))
    elif len(summary) > SUMMARY_MAX:
        errors.add("summary", _("The summary is too long."))
    mp_file_number = (mp_file_number or "").strip()
    if len(mp_file_number) > 60:
        errors.add("mp_file_number", _("The file number is too long."))
    org_id = receiving_org_id or actor.org_pk
    receiving = Organization.objects.filter(pk=org_id, is_active=True).first()
    if receiving is None or (receiving.pk != actor.org_pk and receiving.code not in RECEIVING_INSTITUTION_CODES):
        errors.add("receiving_org", _("A complaint is received by the Public Ministry or the police."))
    cases = _visible_cases(actor, case_ids, errors, "cases")
    errors.raise_if_any()
    assert receiving is not None
    complaint = Complaint.objects.create(
        number=_next_number(receiving, "DEN"),
        received_on=received_on,
        source=source,
        receiving_org=receiving,
        recorded_by_org_id=actor.org_pk,
        mp_file_number=mp_file_number,
        summary=summary,
        created_by=_user(actor),
    )
    complaint.cases.set(cases)
    _audit(
        actor,
        "complaint.create",
        "complaint",
        complaint.pk,
        source=source,
        receiving_org=receiving.pk,
        cases=len(cases),
    )
    return complaint


@transaction.atomic
def complaint_link_cases(
    actor: Actor, *, complaint_id: uuid.UUID | str, case_ids: Iterable[uuid.UUID | str]
) -> Complaint:
    """Link more victim cases to a complaint of the institution (cases of the actor's team only)."""
    from amparo.core.exceptions import NotFound

    from .permissions import can_edit_complaint, can_view_complaint

    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or not can_view_complaint(actor, complaint):
        raise NotFound()
    if not can_edit_complaint(actor, complaint):
        raise PermissionDenied()
    errors = _Errors()
    cases = _visible_cases(actor, case_ids, errors, "cases")
    errors.raise_if_any()
    complaint.cases.add(*cases)
    _audit(actor, "complaint.link_cases", "complaint", complaint.pk, cases=len(cases))
    return complaint
