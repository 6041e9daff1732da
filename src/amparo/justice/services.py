"""Writes of the justice app: atomic, with an explicit actor, permission re-checked, audited in the same
transaction (codes and counts only in the audit details, never names or free text)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import User
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.permissions import can_view_case
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.linkage.resolve import members_of
from amparo.organizations.models import Organization
from amparo.people.models import Person
from amparo.people.permissions import can_view_person, hidden_by_protection
from amparo.people.validation import PersonInput

from .models import (
    Complaint,
    CustodyEntry,
    Evidence,
    Investigation,
    InvestigationMember,
    InvestigationStatusChange,
    InvestigationVictim,
    JusticeCounter,
    Place,
    Suspect,
    Witness,
)
from .permissions import (
    can_edit_complaint,
    can_edit_investigation,
    can_manage_team,
    can_view_complaint,
    can_view_investigation,
    complaint_receivers,
    complaints_visible_to,
)
from .vocab import (
    INVESTIGATION_TRANSITIONS,
    ComplaintSource,
    CustodyAction,
    EvidenceKind,
    InvestigationStatus,
    PlaceType,
    RoleInProcess,
    SuspectKind,
    TeamRole,
    investigation_step_back,
    team_roles_for,
)

SUMMARY_MAX = 20_000
REASON_MAX = 2000
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
      codes in ``RECEIVING_INSTITUTION_CODES``), or the actor's own institution when the actor sees its
      complaints (``permissions.complaint_receivers``); default: the actor's own institution.
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
    receiving = complaint_receivers(actor).filter(pk=org_id).first()
    if receiving is None:
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


# --- investigations ---


def justice_user_roles(user_ids: Iterable[int]) -> dict[int, tuple[User, list[str]]]:
    """Active users with an active membership whose role has justice.view (any institution), with those
    roles: user id -> (user, roles in membership order)."""
    from amparo.accounts.models import Membership
    from amparo.accounts.roles import role_has

    ids = {int(u) for u in user_ids}
    memberships = Membership.objects.filter(user_id__in=ids, is_active=True, user__is_active=True).select_related(
        "user"
    )
    found: dict[int, tuple[User, list[str]]] = {}
    for m in memberships:
        if role_has(m.role, Perm.JUSTICE_VIEW):
            found.setdefault(m.user_id, (m.user, []))[1].append(m.role)
    return found


def justice_users(user_ids: Iterable[int]) -> list[User]:
    """Active users with an active membership whose role has justice.view (any institution)."""
    return [user for user, _roles in justice_user_roles(user_ids).values()]


def investigation_for_edit(actor: Actor, investigation_id: uuid.UUID | str) -> Investigation:
    """The investigation locked for a write by a team member; 404 for anybody outside the team."""
    if not actor.has(Perm.JUSTICE_EDIT):
        raise PermissionDenied()
    investigation = Investigation.objects.select_for_update().filter(pk=investigation_id).first()
    if investigation is None or not can_view_investigation(actor, investigation):
        raise NotFound()
    if not can_edit_investigation(actor, investigation):
        raise PermissionDenied()
    return investigation


def investigation_start(investigation: Investigation) -> datetime.date:
    """The earliest date of the file: its first complaint, or the day it was opened."""
    first = investigation.complaints.order_by("received_on").values_list("received_on", flat=True).first()
    return min(first, investigation.opened_on) if first else investigation.opened_on


@transaction.atomic
def investigation_open(
    actor: Actor,
    *,
    summary: str,
    opened_on: datetime.date,
    mp_file_number: str = "",
    complaint_ids: Iterable[uuid.UUID | str] = (),
    members: Iterable[tuple[int, str]] = (),
) -> Investigation:
    """Open an investigation file led by the actor; ``members`` are (user id, TeamRole) pairs."""
    if not actor.has(Perm.JUSTICE_EDIT) or actor.membership is None:
        raise PermissionDenied()
    errors = _Errors()
    _check_date(errors, "opened_on", opened_on)
    summary = (summary or "").strip()
    if not summary:
        errors.add("summary", _("Write a summary of the investigation."))
    elif len(summary) > SUMMARY_MAX:
        errors.add("summary", _("The summary is too long."))
    mp_file_number = (mp_file_number or "").strip()
    if len(mp_file_number) > 60:
        errors.add("mp_file_number", _("The file number is too long."))
    wanted = {str(c) for c in complaint_ids}
    complaints = list(complaints_visible_to(actor).filter(pk__in=wanted)) if wanted else []
    if len(complaints) != len(wanted):
        errors.add("complaints", _("Link only complaints received by your institution."))
    if any(c.investigation_id for c in complaints):
        errors.add("complaints", _("A complaint already belongs to an investigation."))
    if opened_on and any(c.received_on > opened_on for c in complaints):
        errors.add("opened_on", _("An investigation cannot open before its complaint was received."))
    team = _team_members(errors, members)
    errors.raise_if_any()
    organization = actor.membership.organization
    investigation = Investigation.objects.create(
        number=_next_number(organization, "INV"),
        owner_org=organization,
        mp_file_number=mp_file_number or next((c.mp_file_number for c in complaints if c.mp_file_number), ""),
        summary=summary,
        opened_on=opened_on,
        lead=_user(actor),
    )
    InvestigationMember.objects.create(
        investigation=investigation,
        user=_user(actor),
        team_role=next(iter(team_roles_for([actor.role or ""])), TeamRole.INVESTIGATOR),
    )
    for user, role in team:
        if user.pk != actor.user_pk:
            InvestigationMember.objects.create(investigation=investigation, user=user, team_role=role)
    Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(investigation=investigation)
    _audit(
        actor,
        "investigation.open",
        "investigation",
        investigation.pk,
        complaints=len(complaints),
        members=investigation.team.count(),
    )
    return investigation


def _team_members(errors: _Errors, members: Iterable[tuple[int, str]]) -> list[tuple[User, str]]:
    """The (user, team role) pairs of a team. An empty role takes the default for the member's role in their
    institution; a role that does not fit it (vocab.TEAM_ROLES_FOR_USER_ROLE) is refused."""
    pairs = [(int(u), (r or "").strip()) for u, r in members]
    if any(r and r not in TeamRole.values for _u, r in pairs):
        errors.add("members", _("Choose a role for each team member."))
        return []
    if len({u for u, _r in pairs}) != len(pairs):
        errors.add("members", _("Name each team member only once."))
        return []
    found = justice_user_roles(u for u, _r in pairs)
    if len(found) != len(pairs):
        errors.add("members", _("Team members must be active prosecutors or investigators."))
        return []
    team: list[tuple[User, str]] = []
    for user_id, role in pairs:
        user, user_roles = found[user_id]
        fitting = team_roles_for(user_roles)
        if not fitting:
            errors.add("members", _("Team members must be active prosecutors or investigators."))
            return []
        if role and role not in fitting:
            message = _("%(user)s cannot be “%(role)s” in the team: choose %(allowed)s.") % {
                "user": user.get_full_name() or user.username,
                "role": TeamRole(role).label,
                "allowed": ", ".join(f"“{TeamRole(r).label}”" for r in fitting),
            }
            errors.add("members", message)
            continue
        team.append((user, role or fitting[0]))
    return team


@transaction.atomic
def investigation_set_team(
    actor: Actor, *, investigation_id: uuid.UUID | str, members: Iterable[tuple[int, str]]
) -> Investigation:
    """Replace the team (the lead always stays). Only the lead names the team."""
    investigation = investigation_for_edit(actor, investigation_id)
    if not can_manage_team(actor, investigation):
        raise PermissionDenied()
    errors = _Errors()
    team = _team_members(errors, members)
    errors.raise_if_any()
    investigation.team.exclude(user_id=investigation.lead_id).delete()
    for user, role in team:
        if user.pk != investigation.lead_id:
            InvestigationMember.objects.create(investigation=investigation, user=user, team_role=role)
    roles = dict(investigation.team.values("team_role").annotate(n=Count("id")).values_list("team_role", "n"))
    # counts per team role (codes and numbers only)
    by_role = {f"as_{role}": roles.get(role, 0) for role in TeamRole.values}
    _audit(
        actor, "investigation.team", "investigation", investigation.pk, members=investigation.team.count(), **by_role
    )
    return investigation


@transaction.atomic
def investigation_set_status(
    actor: Actor, *, investigation_id: uuid.UUID | str, status: str, reason: str = ""
) -> Investigation:
    """Move the investigation along the procedure: only the steps of ``vocab.INVESTIGATION_TRANSITIONS``.
    Going back to an earlier stage or reopening a closed file needs a ``reason`` (kept encrypted with the
    step, never audited). The audit event holds the two status codes only."""
    investigation = investigation_for_edit(actor, investigation_id)
    if status not in InvestigationStatus.values:
        raise ValidationFailed({"status": [_("Choose a valid status.")]})
    previous = investigation.status
    if status not in INVESTIGATION_TRANSITIONS.get(previous, frozenset()):
        message = _("An investigation cannot go from “%(from)s” to “%(to)s”.") % {
            "from": InvestigationStatus(previous).label,
            "to": InvestigationStatus(status).label,
        }
        raise ValidationFailed({"status": [message]})
    reason = (reason or "").strip()
    back = investigation_step_back(previous, status)
    if back and not reason:
        message = (
            _("Give the reason for reopening the investigation.")
            if previous == InvestigationStatus.CLOSED
            else _("Give the reason for going back to an earlier stage.")
        )
        raise ValidationFailed({"reason": [message]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [_("The reason is too long.")]})
    InvestigationStatusChange.objects.create(
        investigation=investigation, from_status=previous, to_status=status, reason=reason or None, actor=_user(actor)
    )
    investigation.status = status
    investigation.save(update_fields=["status"])
    action = "investigation.reopen" if previous == InvestigationStatus.CLOSED else "investigation.status"
    _audit(actor, action, "investigation", investigation.pk, previous=previous, status=status, back=back)
    return investigation


@transaction.atomic
def complaint_attach(actor: Actor, *, investigation_id: uuid.UUID | str, complaint_id: uuid.UUID | str) -> Complaint:
    investigation = investigation_for_edit(actor, investigation_id)
    complaint = complaints_visible_to(actor).select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound()
    if complaint.investigation_id and complaint.investigation_id != investigation.pk:
        raise ValidationFailed({"complaint": [_("A complaint already belongs to an investigation.")]})
    complaint.investigation = investigation
    complaint.save(update_fields=["investigation"])
    _audit(actor, "investigation.complaint", "investigation", investigation.pk, complaint=str(complaint.pk))
    return complaint


def place_name_index(name: str) -> int:
    from amparo.core.blind import blind_index
    from amparo.core.normalize import name_words

    return blind_index(" ".join(name_words(name)), kind="justice-place-name")


@transaction.atomic
def place_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    place_type: str,
    name: str,
    address: str = "",
    department: str = "",
    municipality: str = "",
) -> Place:
    from amparo.core import geo

    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    if place_type not in PlaceType.values:
        errors.add("place_type", _("Choose the type of place."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors.add("name", _("Give the name of the place (up to 200 characters)."))
    if department and department not in geo.DEPARTMENTS:
        errors.add("department", _("Choose a valid department."))
    if municipality and not geo.is_valid_municipality(department, municipality):
        errors.add("municipality", _("Choose a municipality of the department."))
    errors.raise_if_any()
    place = Place.objects.create(
        investigation=investigation,
        place_type=place_type,
        name=name,
        address=(address or "").strip() or None,
        department=department,
        municipality=municipality,
        name_index=place_name_index(name),
    )
    _audit(actor, "investigation.place", "investigation", investigation.pk, place_type=place_type)
    return place


def _has_merged_record(actor: Actor, records: QuerySet[Suspect] | QuerySet[Witness], person: Person) -> bool:
    """Whether ``records`` (an investigation's suspects or witnesses) already hold a record merged with
    ``person`` (amparo.linkage), in one query. A protected person hidden from the actor does not count: the
    refusal would tell the actor that the pseudonym is this person."""
    group = members_of(Person.objects.filter(pk=person.pk).values("pk"))
    return (
        records.filter(person_id__in=group)
        .exclude(person_id=person.pk)
        .exclude(person_id__in=hidden_by_protection(actor))
        .exists()
    )


def _register(actor: Actor, data: PersonInput) -> Person:
    """Register a person through amparo.people (its rules, index and audit)."""
    from amparo.people.services import person_create

    return person_create(actor=actor, data=data)


@transaction.atomic
def suspect_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    role_in_process: str,
    person_id: uuid.UUID | str | None = None,
    business_id: uuid.UUID | str | None = None,
    public_official: bool = False,
    official_institution: str = "",
    notes: str = "",
    new_person: PersonInput | None = None,
) -> Suspect:
    """A suspect: an individual (a registered Person, or ``new_person`` registered now through
    amparo.people) or a business (a place of the investigation)."""
    investigation = investigation_for_edit(actor, investigation_id)
    if new_person is not None and not business_id:
        person_id = _register(actor, new_person).pk
    errors = _Errors()
    if role_in_process not in RoleInProcess.values:
        errors.add("role_in_process", _("Choose the suspect's role in the process."))
    person = business = None
    if bool(person_id) == bool(business_id):
        errors.add("person", _("Choose either a person or a business."))
    elif person_id:
        person = Person.objects.filter(pk=person_id).first()
        if person is None or not can_view_person(actor, person):
            errors.add("person", _("Choose a person registered by your institution."))
        elif investigation.suspects.filter(person=person).exists():
            errors.add("person", _("This person is already a suspect in the investigation."))
        elif _has_merged_record(actor, investigation.suspects.all(), person):
            message = _("This person is already a suspect in the investigation through a record merged with theirs.")
            errors.add("person", message)
    elif business_id:
        business = investigation.places.filter(pk=business_id).first()
        if business is None:
            errors.add("business", _("Choose a place of this investigation."))
    if public_official and not official_institution.strip():
        errors.add("official_institution", _("Name the official's institution."))
    errors.raise_if_any()
    suspect = Suspect.objects.create(
        investigation=investigation,
        kind=SuspectKind.INDIVIDUAL if person else SuspectKind.BUSINESS,
        person=person,
        business=business,
        role_in_process=role_in_process,
        public_official=public_official,
        official_institution=official_institution.strip()[:120] if public_official else "",
        notes=notes.strip() or None,
    )
    _audit(
        actor,
        "investigation.suspect",
        "investigation",
        investigation.pk,
        kind=suspect.kind,
        role=role_in_process,
        official=public_official,
    )
    return suspect


@transaction.atomic
def victim_link(actor: Actor, *, investigation_id: uuid.UUID | str, case_id: uuid.UUID | str) -> InvestigationVictim:
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    cases = _visible_cases(actor, [case_id], errors, "case")
    errors.raise_if_any()
    link, created = InvestigationVictim.objects.get_or_create(investigation=investigation, case=cases[0])
    if created:
        _audit(actor, "investigation.victim", "investigation", investigation.pk)
    return link


@transaction.atomic
def witness_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    person_id: uuid.UUID | str | None = None,
    new_person: PersonInput | None = None,
) -> Witness:
    investigation = investigation_for_edit(actor, investigation_id)
    if new_person is not None:
        person_id = _register(actor, new_person).pk
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None or not can_view_person(actor, person):
        raise ValidationFailed({"person": [_("Choose a person registered by your institution.")]})
    if _has_merged_record(actor, investigation.witnesses.all(), person):
        message = _("This person is already a witness in the investigation through a record merged with theirs.")
        raise ValidationFailed({"person": [message]})
    witness, created = Witness.objects.get_or_create(investigation=investigation, person=person)
    if created:
        _audit(actor, "investigation.witness", "investigation", investigation.pk)
    return witness


@transaction.atomic
def evidence_add(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    kind: str,
    description: str,
    collected_on: datetime.date,
    holder: str,
    location: str = "",
) -> Evidence:
    """An evidence item and the first link of its chain of custody (collected)."""
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    if kind not in EvidenceKind.values:
        errors.add("kind", _("Choose the kind of evidence."))
    if not (description or "").strip():
        errors.add("description", _("Describe the evidence."))
    _check_date(errors, "collected_on", collected_on)
    if collected_on and collected_on < investigation_start(investigation) - datetime.timedelta(days=3650):
        errors.add("collected_on", _("The date is too far in the past."))
    if not (holder or "").strip():
        errors.add("holder", _("Say who holds the evidence."))
    errors.raise_if_any()
    last = investigation.evidence.order_by("-number").values_list("number", flat=True).first() or 0
    evidence = Evidence.objects.create(
        investigation=investigation,
        number=last + 1,
        kind=kind,
        description=description.strip(),
        collected_on=collected_on,
        collected_by=_user(actor),
    )
    # Only the day of the collection is known: its link starts that day, so any later link of the same day
    # (stored at 09:00 after a collection that morning) follows it, and it is never in the future.
    at = timezone.make_aware(datetime.datetime.combine(collected_on, datetime.time.min))
    CustodyEntry.objects.create(
        evidence=evidence,
        action=CustodyAction.COLLECTED,
        at=min(at, timezone.now()),
        holder=holder.strip(),
        location=location.strip() or None,
        recorded_by=_user(actor),
    )
    _audit(actor, "investigation.evidence", "investigation", investigation.pk, kind=kind, item=evidence.number)
    return evidence


@transaction.atomic
def custody_record(
    actor: Actor,
    *,
    evidence_id: uuid.UUID | str,
    action: str,
    at: datetime.datetime,
    holder: str,
    location: str = "",
) -> CustodyEntry:
    """Append a link to the chain of custody; it cannot predate the previous link or be in the future."""
    evidence = Evidence.objects.select_related("investigation").filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound()
    investigation_for_edit(actor, evidence.investigation_id)
    errors = _Errors()
    if action not in CustodyAction.values or action == CustodyAction.COLLECTED:
        errors.add("action", _("Choose what happened to the evidence."))
    last = evidence.custody.order_by("-at").first()
    if at is None:
        errors.add("at", _("Give the date and time."))
    elif at > timezone.now():
        errors.add("at", _("The date cannot be in the future."))
    elif last is not None and at < last.at:
        errors.add("at", _("The chain of custody cannot go back in time: this is before the previous entry."))
    if last is not None and last.action == CustodyAction.DESTROYED:
        errors.add("action", _("The evidence was destroyed."))
    if not (holder or "").strip():
        errors.add("holder", _("Say who holds the evidence."))
    errors.raise_if_any()
    entry = CustodyEntry.objects.create(
        evidence=evidence,
        action=action,
        at=at,
        holder=holder.strip(),
        location=location.strip() or None,
        recorded_by=_user(actor),
    )
    _audit(actor, "evidence.custody", "evidence", evidence.pk, custody_action=action)
    return entry
