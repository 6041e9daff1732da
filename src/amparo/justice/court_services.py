"""Arrests, court events and international cooperation on an investigation (charges, verdicts and
sentences are in prosecution_services.py, with the legal catalog)."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.core import geo

from .models import Arrest, Cooperation, CourtEvent, Investigation, Suspect
from .services import _audit, _check_date, _Errors, _user, investigation_for_edit, investigation_start
from .vocab import CooperationDirection, CooperationKind, CooperationStatus, CourtEventKind, OperationStatus

# The order of the stages of a criminal process (Guatemalan criminal procedure).
STAGE_ORDER: list[str] = [
    CourtEventKind.FIRST_STATEMENT,
    CourtEventKind.INDICTMENT,
    CourtEventKind.INTERMEDIATE,
    CourtEventKind.TRIAL,
    CourtEventKind.VERDICT,
    CourtEventKind.APPEAL,
]
MAX_SCHEDULE_AHEAD = datetime.timedelta(days=3 * 366)  # hearings are scheduled ahead, within reason


def _suspect(investigation: Investigation, suspect_id: uuid.UUID | str | None, errors: _Errors) -> Suspect | None:
    if not suspect_id:
        return None
    suspect = investigation.suspects.filter(pk=suspect_id).first()
    if suspect is None:
        errors.add("suspect", _("Choose a suspect of this investigation."))
    return suspect


@transaction.atomic
def arrest_record(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    suspect_id: uuid.UUID | str,
    arrested_on: datetime.date,
    with_warrant: bool = True,
    operation_id: uuid.UUID | str | None = None,
    department: str = "",
) -> Arrest:
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    suspect = _suspect(investigation, suspect_id, errors)
    if suspect is None and not errors.errors:
        errors.add("suspect", _("Choose the suspect arrested."))
    _check_date(errors, "arrested_on", arrested_on)
    if arrested_on and arrested_on < investigation_start(investigation):
        errors.add("arrested_on", _("An arrest cannot precede the complaint or the opening of the investigation."))
    if department and department not in geo.DEPARTMENTS:
        errors.add("department", _("Choose a valid department."))
    operation = None
    if operation_id:
        from .permissions import operations_visible_to

        operation = (
            operations_visible_to(actor)
            .filter(pk=operation_id, investigation=investigation, status=OperationStatus.EXECUTED)
            .first()
        )
        if operation is None:
            errors.add("operation", _("Choose an executed operation of this investigation."))
    errors.raise_if_any()
    assert suspect is not None
    arrest = Arrest.objects.create(
        investigation=investigation,
        suspect=suspect,
        arrested_on=arrested_on,
        with_warrant=with_warrant,
        operation=operation,
        department=department,
    )
    _audit(actor, "investigation.arrest", "investigation", investigation.pk, warrant=with_warrant)
    return arrest


def validate_court_event_date(
    investigation: Investigation, kind: str, date: datetime.date, suspect: Suspect | None, errors: _Errors
) -> None:
    if date is None:
        errors.add("date", _("Give the date."))
        return
    start = investigation_start(investigation)
    if date < start:
        errors.add(
            "date",
            _("A court event cannot be dated before the complaint (%(date)s).")
            % {"date": formats.date_format(start, "SHORT_DATE_FORMAT")},
        )
    if date > timezone.localdate() + MAX_SCHEDULE_AHEAD:
        errors.add("date", _("The date is too far in the future."))
    if kind not in STAGE_ORDER:
        return
    stage = STAGE_ORDER.index(kind)
    events = investigation.court_events.all()
    if suspect is not None:
        events = events.filter(suspect__in=[suspect]) | investigation.court_events.filter(suspect__isnull=True)
    for event in events:
        other = STAGE_ORDER.index(event.kind) if event.kind in STAGE_ORDER else None
        if other is None:
            continue
        if other < stage and event.date > date:
            errors.add(
                "date",
                _("This stage cannot come before the %(stage)s of %(date)s.")
                % {"stage": event.get_kind_display().lower(), "date": event.date.isoformat()},
            )
            break
        if other > stage and event.date < date:
            errors.add(
                "date",
                _("This stage cannot come after the %(stage)s of %(date)s.")
                % {"stage": event.get_kind_display().lower(), "date": event.date.isoformat()},
            )
            break


@transaction.atomic
def court_event_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    kind: str,
    date: datetime.date,
    court: str,
    suspect_id: uuid.UUID | str | None = None,
    notes: str = "",
) -> CourtEvent:
    """A hearing or decision. Refused before the complaint, or out of the order of the process's stages."""
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    if kind not in CourtEventKind.values:
        errors.add("kind", _("Choose the kind of court event."))
    if not (court or "").strip() or len(court) > 200:
        errors.add("court", _("Name the court (up to 200 characters)."))
    suspect = _suspect(investigation, suspect_id, errors)
    validate_court_event_date(investigation, kind, date, suspect, errors)
    errors.raise_if_any()
    event = CourtEvent.objects.create(
        investigation=investigation,
        suspect=suspect,
        kind=kind,
        date=date,
        court=court.strip(),
        notes=notes.strip() or None,
        recorded_by=_user(actor),
    )
    _audit(actor, "investigation.court_event", "investigation", investigation.pk, kind=kind)
    return event


@transaction.atomic
def cooperation_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    kind: str,
    direction: str,
    country: str,
    requested_on: datetime.date,
    suspect_id: uuid.UUID | str | None = None,
    notes: str = "",
) -> Cooperation:
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    if kind not in CooperationKind.values:
        errors.add("kind", _("Choose the kind of cooperation."))
    if direction not in CooperationDirection.values:
        errors.add("direction", _("Say who requested it."))
    if country not in geo.COUNTRIES or country == "GT":
        errors.add("country", _("Choose the other country."))
    _check_date(errors, "requested_on", requested_on)
    suspect = _suspect(investigation, suspect_id, errors)
    if kind == CooperationKind.EXTRADITION and suspect is None and not errors.errors.get("suspect"):
        errors.add("suspect", _("An extradition concerns a suspect: choose one."))
    errors.raise_if_any()
    cooperation = Cooperation.objects.create(
        investigation=investigation,
        suspect=suspect,
        kind=kind,
        direction=direction,
        country=country,
        requested_on=requested_on,
        status_on=requested_on,
        notes=notes.strip() or None,
    )
    _audit(actor, "investigation.cooperation", "investigation", investigation.pk, kind=kind, country=country)
    return cooperation


# Which status may follow which (requested -> in progress -> granted/refused -> executed).
COOPERATION_NEXT: dict[str, set[str]] = {
    CooperationStatus.REQUESTED: {
        CooperationStatus.IN_PROGRESS,
        CooperationStatus.GRANTED,
        CooperationStatus.REFUSED,
        CooperationStatus.WITHDRAWN,
    },
    CooperationStatus.IN_PROGRESS: {CooperationStatus.GRANTED, CooperationStatus.REFUSED, CooperationStatus.WITHDRAWN},
    CooperationStatus.GRANTED: {CooperationStatus.EXECUTED, CooperationStatus.WITHDRAWN},
    CooperationStatus.REFUSED: set(),
    CooperationStatus.EXECUTED: set(),
    CooperationStatus.WITHDRAWN: set(),
}


@transaction.atomic
def cooperation_update(
    actor: Actor, *, cooperation_id: uuid.UUID | str, status: str, status_on: datetime.date
) -> Cooperation:
    from amparo.core.exceptions import NotFound

    cooperation = Cooperation.objects.filter(pk=cooperation_id).first()
    if cooperation is None:
        raise NotFound()
    investigation_for_edit(actor, cooperation.investigation_id)
    errors = _Errors()
    if status not in COOPERATION_NEXT.get(cooperation.status, set()):
        errors.add("status", _("This status cannot follow the current one."))
    _check_date(errors, "status_on", status_on)
    if status_on and status_on < cooperation.status_on:
        errors.add("status_on", _("The date cannot be before the current status."))
    errors.raise_if_any()
    previous = cooperation.status
    cooperation.status = status
    cooperation.status_on = status_on
    cooperation.save(update_fields=["status", "status_on"])
    _audit(actor, "cooperation.status", "investigation", cooperation.investigation_id, previous=previous, status=status)
    return cooperation
