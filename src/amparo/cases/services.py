"""Writes on cases: atomic, explicit actor, permission re-checked, audited in the same transaction."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core import geo
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from amparo.linkage.resolve import members_of
from amparo.notifications.kinds import CARE_PLAN_SUBMITTED, CASE_NEEDS_TEAM, CASE_SECOND_ACTIVE, CLOSURE_REQUESTED
from amparo.organizations.models import Organization, Unit
from amparo.people.models import Person
from amparo.people.permissions import can_view_person

if TYPE_CHECKING:
    from amparo.linkage.models import PersonMerge

from .models import (
    Attachment,
    CarePlan,
    CarePlanStatus,
    Case,
    CaseCounter,
    CaseNote,
    CaseStatusChange,
    Consent,
    PlannedService,
    RiskAssessment,
    Screening,
    ServiceDelivery,
    Task,
    TraffickingEvent,
)
from .permissions import can_edit_case, can_supervise_case, can_view_case, supervisors_of
from .screening import age_group, propose_status
from .selectors import active_cases_of_person
from .vocab import (
    CLOSABLE_FROM,
    FREE_REASON,
    INDICATOR_BY_CODE,
    MINOR_CONSENT_GIVERS,
    NEEDS_CONSENT_TO_ASSISTANCE,
    RISK_ORDER,
    TRANSITIONS,
    Answer,
    CaseStatus,
    ClosureCode,
    ConsentGiver,
    ConsentScope,
    DeterminedBy,
    EventKind,
    ExploitationForm,
    MeansOfControl,
    Priority,
    RecruiterRelation,
    RecruitmentMethod,
    RiskLevel,
    ServiceType,
    TraffickingStatus,
)


def _fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({name: [message]})


def _case_for_edit(actor: Actor, case_id: uuid.UUID | str, *, allow_closed: bool = False) -> Case:
    """The case locked for update, or NotFound/PermissionDenied (existence does not leak).

    A closed case takes only notes, tasks, files, team changes, consents (recorded or withdrawn) and reopening."""
    if not actor.has(Perm.CASE_EDIT):
        raise PermissionDenied()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    if not can_edit_case(actor, case):
        raise PermissionDenied()
    if case.status == CaseStatus.CLOSED and not allow_closed:
        raise _fail("status", _("The case is closed: reopen it first."))
    return case


def _user(actor: Actor) -> User:
    assert actor.user is not None  # services are reached only through an authenticated actor
    return actor.user


def _audit(actor: Actor, action: str, case: Case, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="case", target_id=case.pk, details=details)


def _bump(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    case.refresh_from_db(fields=["version"])
    _changed(case)


def _changed(case: Case) -> None:
    for hook in CASE_CHANGED_HOOKS:
        hook(case)


# Called in the transaction of every change to a case (statistics keep their table of figures current).
CASE_CHANGED_HOOKS: list[Callable[[Case], object]] = []
# Called in the withdrawal's transaction by apps whose access rests on a consent (referrals register here).
CONSENT_WITHDRAWN_HOOKS: list[Callable[[Actor, Consent], object]] = []
# Called in the closure's transaction once a supervisor approves it (reintegration registers the
# post-closure follow-up schedule here). Not for a case closed as opened in error or as a duplicate
# (vocab.ClosureCode): no victim's case ends there, so nothing follows it (the kept case has its own).
CASE_CLOSED_HOOKS: list[Callable[[Actor, Case], object]] = []
# Asked before a closure is requested and again before it is approved; each returns the reasons the case
# cannot be closed yet (referrals register here: a closed case must not go on sharing its data).
CLOSURE_CHECKS: list[Callable[[Case], list[str]]] = []


def _closure_blockers(case: Case) -> None:
    reasons = [reason for check in CLOSURE_CHECKS for reason in check(case)]
    if reasons:
        raise ValidationFailed({"status": reasons})


def _case_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.pk])


def _notify_supervisors(actor: Actor, case: Case, kind: str) -> None:
    """Tell whoever must act: the case's supervisor, or (none set) every supervisor of the institution.
    Not the actor: a supervisor who submits a plan knows it waits."""
    from amparo.notifications.services import notify

    supervisors = dict(supervisors_of(case.owner_org_id))
    ids = [case.supervisor_id] if case.supervisor_id in supervisors else list(supervisors)
    recipients = User.objects.filter(pk__in=ids).exclude(pk=actor.user_pk)
    notify(recipients=recipients, kind=kind, target_url=_case_url(case))


def has_consent(case: Case, scope: str) -> bool:
    """An active (not withdrawn) consent covering ``scope``, from someone entitled to give it."""
    for consent in case.consents.filter(withdrawn_at__isnull=True):
        if scope in consent.scopes and (not case.minor_protocol or consent.given_by in MINOR_CONSENT_GIVERS):
            return True
    return False


def _require_consent_to_assistance(case: Case, *, reopening: bool) -> None:
    """The moves into assistance (vocab.NEEDS_CONSENT_TO_ASSISTANCE) need a consent to assistance in force.
    There is no exception for minors: their assistance, too, rests on a consent or a judge's order
    (MINOR_CONSENT_GIVERS). Reopening a case whose consent was withdrawn (and none is in force) is refused with
    that reason: the person (for a minor: the guardian, the PGN attorney or a judge) said no to assistance, and
    a new consent is recorded first, which a closed case takes for this (consent_record)."""
    if has_consent(case, ConsentScope.ASSISTANCE):
        return
    withdrawn = reopening and any(
        ConsentScope.ASSISTANCE in consent.scopes for consent in case.consents.filter(withdrawn_at__isnull=False)
    )
    if withdrawn and case.minor_protocol:
        message = _(
            "The consent to assistance was withdrawn: record the new consent of a guardian, the PGN attorney "
            "or a judge's order (minor) before reopening the case."
        )
    elif withdrawn:
        message = _(
            "The person withdrew their consent to assistance: record their new consent before reopening the case."
        )
    elif case.minor_protocol:
        message = _("Assistance needs the consent of a guardian, the PGN attorney or a judge's order (minor).")
    else:
        message = _("Assistance needs the person's informed consent: record it first.")
    raise _fail("consent", message)


# --- opening and the case team ---


def _next_number(organization: Organization) -> str:
    year = timezone.localdate().year
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(organization=organization, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = "".join(ch for ch in organization.acronym.upper() if ch.isalnum())[:8] or "CASE"
    return f"{prefix}-{year}-{counter.last:05d}"


def _refuse_second_active_case(person_id: uuid.UUID, organization_id: int, reopened: uuid.UUID | None = None) -> None:
    """One active (not closed) case per person and institution: a double-clicked "Open a case" must not
    number two cases. The person's merged records count as the person (a case of any of them is the person's).
    The other case's number is not given: it may belong to another team of the institution.
    The caller holds the person's row lock (select_for_update) and the other merged records are locked here,
    so that two requests at once cannot both pass (PostgreSQL; SQLite runs write transactions one at a time).
    A merge may still bring two active cases together: see cases_after_person_merge."""
    group = members_of(Person.objects.filter(pk=person_id).values("pk"))
    list(Person.objects.select_for_update().filter(pk__in=group).values_list("pk", flat=True))
    active = active_cases_of_person(person_id, organization_id)
    if reopened is not None:
        active = active.exclude(pk=reopened)
    if active.exists():
        raise _fail("person", _("This person already has an open case in your institution."))


@transaction.atomic
def case_open(
    *, actor: Actor, person_id: uuid.UUID | str, priority: str = Priority.NORMAL, unit: Unit | None = None
) -> Case:
    if not actor.has(Perm.CASE_CREATE):
        raise PermissionDenied()
    # Locked for the one-active-case check (_refuse_second_active_case).
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not can_view_person(actor, person):
        raise NotFound()
    if priority not in Priority.values:
        raise _fail("priority", _("Choose a valid priority."))
    assert actor.membership is not None and actor.user is not None
    organization = actor.membership.organization
    if unit is not None and unit.organization_id != organization.pk:
        raise _fail("unit", _("The unit does not belong to the institution."))
    _refuse_second_active_case(person.pk, organization.pk)
    today = timezone.localdate()
    low, high = person.age_range_on(today)
    case = Case.objects.create(
        number=_next_number(organization),
        person=person,
        owner_org=organization,
        owner_unit=unit or actor.membership.unit,
        owner=_user(actor),
        priority=priority,
        minor_protocol=person.presumed_minor_on(today),
        age_group=age_group(low, high),
    )
    _audit(actor, "case.open", case, minor_protocol=case.minor_protocol)
    _changed(case)
    if not actor.has(Perm.CASE_EDIT):
        # Opened by someone who cannot work on it (a hotline operator): a supervisor must assign it.
        _notify_supervisors(actor, case, CASE_NEEDS_TEAM)
    return case


def cases_follow_person_age(actor: Actor, person: Person) -> None:
    """The person's age was corrected (a birth certificate found after opening, a new estimate): the
    presumption of minority and the age group of the person's cases follow, as of each case's opening.

    Called by people.services.person_update in its transaction (PERSON_AGE_CHANGED_HOOKS), after the person
    edit was authorized: this is a consequence of the person's record, not an edit of the case by the actor.
    """
    for case in Case.objects.select_for_update().filter(person_id=person.pk):
        opened = timezone.localtime(case.opened_at).date()
        # An estimate made after the opening is the best knowledge of the age then (not moved back a year).
        day = max(opened, person.age_assessed_on) if person.age_assessed_on else opened
        low, high = person.age_range_on(day)
        minor, group = person.presumed_minor_on(day), age_group(low, high)
        wanted = {"minor_protocol": minor, "age_group": group}
        changed = [name for name, value in wanted.items() if getattr(case, name) != value]
        if not changed:
            continue
        case.minor_protocol, case.age_group = minor, group
        case.save(update_fields=changed)
        _bump(case)
        _audit(actor, "case.age_corrected", case, fields=changed, minor_protocol=minor)


def cases_after_person_merge(actor: Actor, merge: PersonMerge) -> None:
    """Two person records were merged (amparo.linkage): if that gives the person two active cases in one
    institution, the teams of those cases are told, and each case page shows the other (other_active_cases),
    so that one of them is closed. The merge itself is not refused: the reviewer confirmed the identity and
    may not see those cases.

    Called by linkage.services in the merge's transaction (PERSON_MERGED_HOOKS). The notification names no
    person and no case number: only its kind and the link to the recipient's case."""
    from amparo.notifications.services import notify

    by_institution: dict[int, list[Case]] = {}
    for case in active_cases_of_person(merge.survivor_id).order_by("opened_at"):
        by_institution.setdefault(case.owner_org_id, []).append(case)
    for organization_id, cases in by_institution.items():
        if len(cases) < 2:
            continue
        supervisors = [user_id for user_id, _name in supervisors_of(organization_id)]
        for case in cases:
            team = {case.owner_id, *case.assigned.values_list("pk", flat=True)}
            team |= {case.supervisor_id} if case.supervisor_id in supervisors else set(supervisors)
            # notify keeps only those still active in this institution
            notify(
                recipients=User.objects.filter(pk__in=team),
                kind=CASE_SECOND_ACTIVE,
                target_url=_case_url(case),
                organization_id=organization_id,
            )
            _audit(actor, "case.second_active_after_merge", case, active_cases=len(cases))


@transaction.atomic
def case_update_team(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    expected_version: int,
    priority: str,
    supervisor_id: int | None,
    assigned_ids: Iterable[int],
) -> Case:
    case = _case_for_edit(actor, case_id, allow_closed=True)
    members = set(
        Membership.objects.filter(organization_id=case.owner_org_id, is_active=True).values_list("user_id", flat=True)
    )
    assigned = set(assigned_ids)
    errors: dict[str, list[str]] = {}
    if priority not in Priority.values:
        errors["priority"] = [_("Choose a valid priority.")]
    if supervisor_id is not None and supervisor_id not in dict(supervisors_of(case.owner_org_id)):
        errors["supervisor"] = [_("The supervisor must be a member of the institution whose role supervises cases.")]
    if not assigned <= members:
        errors["assigned"] = [_("Caseworkers must belong to the institution.")]
    if errors:
        raise ValidationFailed(errors)
    current = {
        "priority": case.priority,
        "supervisor": case.supervisor_id,
        "assigned": set(case.assigned.values_list("pk", flat=True)),
    }
    wanted = {"priority": priority, "supervisor": supervisor_id, "assigned": assigned}
    if case.version != expected_version:
        raise StaleEdit(case.version, [k for k in current if current[k] != wanted[k]])
    changed = [k for k in current if current[k] != wanted[k]]
    if changed:
        case.priority = priority
        case.supervisor_id = supervisor_id
        case.save(update_fields=["priority", "supervisor"])
        case.assigned.set(User.objects.filter(pk__in=assigned))
        _bump(case)
        _audit(actor, "case.update", case, fields=changed)
    return case


# --- workflow ---


@transaction.atomic
def case_transition(*, actor: Actor, case_id: uuid.UUID | str, to_status: str, reason: str = "") -> Case:
    """Move along the workflow; only valid transitions, with their preconditions."""
    case = _case_for_edit(actor, case_id, allow_closed=True)
    if to_status not in TRANSITIONS.get(case.status, frozenset()):
        raise _fail(
            "status",
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": CaseStatus(case.status).label,
                "to": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
            },
        )
    if case.status == CaseStatus.CLOSED and not reason.strip():
        raise _fail("reason", _("Give the reason for reopening the case."))
    if case.status == CaseStatus.CLOSED:
        # Reopening must not give the person a second active case (one was opened after this one closed).
        Person.objects.select_for_update().filter(pk=case.person_id).values_list("pk", flat=True).first()
        _refuse_second_active_case(case.person_id, case.owner_org_id, reopened=case.pk)
    identified = case.status == CaseStatus.IDENTIFICATION
    if identified and to_status == CaseStatus.ASSISTANCE and case.trafficking_status == TraffickingStatus.NOT_A_VICTIM:
        raise _fail("status", _("The person was determined not to be a victim: refer them instead."))
    if (case.status, to_status) in NEEDS_CONSENT_TO_ASSISTANCE:
        _require_consent_to_assistance(case, reopening=case.status == CaseStatus.CLOSED)
    if to_status == CaseStatus.FOLLOW_UP:
        plan = CarePlan.objects.filter(case=case).first()
        if plan is None or plan.status != CarePlanStatus.APPROVED:
            raise _fail("care_plan", _("Follow-up needs a care plan approved by a supervisor."))
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=to_status, reason=reason.strip() or None, actor=_user(actor)
    )
    reopening = case.status == CaseStatus.CLOSED
    case.status = to_status
    case.closed_at = None if reopening else case.closed_at
    case.closure_requested = False
    case.save(update_fields=["status", "closed_at", "closure_requested"])
    _bump(case)
    _audit(actor, "case.reopen" if reopening else "case.transition", case, to=to_status)
    return case


@transaction.atomic
def case_request_closure(*, actor: Actor, case_id: uuid.UUID | str, reason: str = "", code: str = FREE_REASON) -> Case:
    """Ask a supervisor to close the case: for a reason in words (encrypted), or as opened in error or a
    duplicate (a code, with optional words); which of these a case may be closed for is vocab.CLOSABLE_FROM."""
    case = _case_for_edit(actor, case_id)
    allowed = CLOSABLE_FROM.get(case.status)
    if allowed is None:
        raise _fail("status", _("Only an active case can be closed."))
    if code != FREE_REASON and code not in ClosureCode.values:
        raise _fail("code", _("Choose a valid reason for closing."))
    if code not in allowed:
        reasons = ", ".join(str(ClosureCode(c).label) for c in sorted(allowed - {FREE_REASON}))
        raise _fail(
            "code",
            _("A case in “%(status)s” can only be closed for one of these reasons: %(reasons)s.")
            % {"status": CaseStatus(case.status).label, "reasons": reasons},
        )
    if code == FREE_REASON and not reason.strip():
        raise _fail("reason", _("Give the reason for closing the case."))
    _closure_blockers(case)
    case.closure_requested = True
    case.closure_code = code
    case.closure_reason = reason.strip() or None
    case.save(update_fields=["closure_requested", "closure_code", "closure_reason"])
    _bump(case)
    _audit(actor, "case.closure_requested", case, code=code)
    _notify_supervisors(actor, case, CLOSURE_REQUESTED)
    return case


def _case_for_supervision(actor: Actor, case_id: uuid.UUID | str) -> Case:
    if not actor.has(Perm.CASE_SUPERVISE):
        raise PermissionDenied()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not can_supervise_case(actor, case):
        raise NotFound()
    return case


@transaction.atomic
def case_review_closure(*, actor: Actor, case_id: uuid.UUID | str, approve: bool, comment: str = "") -> Case:
    """The supervisor closes the case, or sends the request back with a comment."""
    case = _case_for_supervision(actor, case_id)
    if not case.closure_requested:
        raise _fail("status", _("Nobody has asked to close this case."))
    if not approve and not comment.strip():
        raise _fail("comment", _("Say why the closure is sent back."))
    closed_from = case.status
    if approve:
        _closure_blockers(case)  # a referral may have been sent since the request
        CaseStatusChange.objects.create(
            case=case,
            from_status=case.status,
            to_status=CaseStatus.CLOSED,
            reason=case.closure_reason,
            closure_code=case.closure_code,
            actor=_user(actor),
        )
        case.status = CaseStatus.CLOSED
        case.closed_at = timezone.now()
    else:
        CaseNote.objects.create(
            case=case, author=_user(actor), body=_("Closure sent back: %(comment)s") % {"comment": comment.strip()}
        )
    case.closure_requested = False
    case.save(update_fields=["status", "closed_at", "closure_requested"])
    _bump(case)
    if approve:
        _audit(actor, "case.closure_approved", case, code=case.closure_code, from_status=closed_from)
    else:
        _audit(actor, "case.closure_returned", case)
    if approve and case.closure_code == FREE_REASON:
        for hook in CASE_CLOSED_HOOKS:
            hook(actor, case)
    return case


# --- identification and screening ---


@transaction.atomic
def screening_record(
    *, actor: Actor, case_id: uuid.UUID | str, answers: Mapping[str, str], notes: Mapping[str, str] | None = None
) -> Screening:
    case = _case_for_edit(actor, case_id)
    unknown = [code for code in answers if code not in INDICATOR_BY_CODE]
    bad = [code for code, value in answers.items() if value not in Answer.values]
    if unknown or bad:
        raise _fail("answers", _("Some answers are not valid."))
    if case.status == CaseStatus.CLOSED:
        raise _fail("status", _("The case is closed."))
    clean = {code: answers.get(code, Answer.UNKNOWN) for code in INDICATOR_BY_CODE}
    proposed = propose_status(clean, minor=case.minor_protocol)
    assert actor.membership is not None
    screening = Screening.objects.create(
        case=case,
        answers=clean,
        notes={k: v for k, v in (notes or {}).items() if v and k in INDICATOR_BY_CODE},  # type: ignore[misc]
        proposed_status=proposed,
        screened_by=_user(actor),
        screened_by_org_type=actor.membership.organization.org_type,
    )
    if case.status == CaseStatus.OPEN:
        CaseStatusChange.objects.create(
            case=case, from_status=case.status, to_status=CaseStatus.IDENTIFICATION, actor=_user(actor)
        )
        case.status = CaseStatus.IDENTIFICATION
        case.save(update_fields=["status"])
    _bump(case)
    _audit(actor, "case.screening", case, proposed=proposed, yes=sum(1 for v in clean.values() if v == Answer.YES))
    return screening


@transaction.atomic
def case_determine_status(*, actor: Actor, case_id: uuid.UUID | str, status: str, determined_by: str) -> Case:
    """A person confirms (or changes) the trafficking status, recording who determined it."""
    case = _case_for_edit(actor, case_id)
    errors: dict[str, list[str]] = {}
    if status not in TraffickingStatus.values:
        errors["status"] = [_("Choose a valid status.")]
    if determined_by not in DeterminedBy.values:
        errors["determined_by"] = [_("Say who determined the status.")]
    if errors:
        raise ValidationFailed(errors)
    case.trafficking_status = status
    case.status_determined_by = determined_by
    case.status_determined_at = timezone.now()
    case.status_determined_user = actor.user
    case.save(
        update_fields=["trafficking_status", "status_determined_by", "status_determined_at", "status_determined_user"]
    )
    _bump(case)
    _audit(actor, "case.status_determined", case, status=status, by=determined_by)
    return case


# --- trafficking events ---


@dataclass
class EventInput:
    kind: str
    country: str = ""
    department: str = ""
    municipality: str = ""
    start_date: datetime.date | None = None
    start_approximate: bool = False
    end_date: datetime.date | None = None
    end_approximate: bool = False
    forms: list[str] = field(default_factory=list)
    industry: str = ""
    means_of_control: list[str] = field(default_factory=list)
    recruiter_relation: str = ""
    recruitment_method: str = ""
    description: str = ""


def validate_event(data: EventInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
    if data.kind not in EventKind.values:
        add("kind", _("Choose a valid stage."))
    for name in ("start_date", "end_date"):
        value = getattr(data, name)
        if value is not None and value > today:
            add(name, _("The date cannot be in the future."))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        add("end_date", _("It cannot end before it starts."))
    if data.country and data.country not in geo.COUNTRIES:
        add("country", _("Choose a valid country."))
    if data.department and (data.country not in ("", "GT") or data.department not in geo.DEPARTMENTS):
        add("department", _("Departments apply to Guatemala only."))
    if data.municipality and not geo.is_valid_municipality(data.department, data.municipality):
        add("municipality", _("The municipality does not belong to the department."))
    if any(f not in ExploitationForm.values for f in data.forms):
        add("forms", _("Choose valid forms of exploitation."))
    if data.kind != EventKind.EXPLOITATION and data.forms:
        add("forms", _("Forms of exploitation belong to the exploitation stage."))
    if any(m not in MeansOfControl.values for m in data.means_of_control):
        add("means_of_control", _("Choose valid means of control."))
    if data.recruiter_relation and data.recruiter_relation not in RecruiterRelation.values:
        add("recruiter_relation", _("Choose a valid value."))
    if data.recruitment_method and data.recruitment_method not in RecruitmentMethod.values:
        add("recruitment_method", _("Choose a valid value."))
    return errors


def _refresh_forms_index(case: Case) -> None:
    forms = sorted({f for ev in case.events.all() for f in ev.forms})
    case.forms_index = "|" + "|".join(forms) + "|" if forms else ""
    case.save(update_fields=["forms_index"])


@transaction.atomic
def event_add(*, actor: Actor, case_id: uuid.UUID | str, data: EventInput) -> TraffickingEvent:
    case = _case_for_edit(actor, case_id)
    errors = validate_event(data)
    if errors:
        raise ValidationFailed(errors)
    event = TraffickingEvent.objects.create(
        case=case,
        kind=data.kind,
        country=data.country,
        department=data.department,
        municipality=data.municipality,
        start_date=data.start_date,
        start_approximate=data.start_approximate,
        end_date=data.end_date,
        end_approximate=data.end_approximate,
        forms=data.forms,
        industry=data.industry,
        means_of_control=data.means_of_control,
        recruiter_relation=data.recruiter_relation,
        recruitment_method=data.recruitment_method,
        description=data.description or None,
    )
    _refresh_forms_index(case)
    _bump(case)
    _audit(actor, "case.event_add", case, kind=data.kind)
    return event


# --- consent ---


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    scopes: list[str],
    given_by: str,
    given_on: datetime.date,
    giver_name: str = "",
    reference: str = "",
    referral_services: list[str] | None = None,
) -> Consent:
    # A closed case takes a consent too: a person who withdrew theirs gives a new one before it is reopened.
    case = _case_for_edit(actor, case_id, allow_closed=True)
    errors: dict[str, list[str]] = {}
    if not scopes or any(s not in ConsentScope.values for s in scopes):
        errors["scopes"] = [_("Choose what is consented to.")]
    if given_by not in ConsentGiver.values:
        errors["given_by"] = [_("Say who gives the consent.")]
    elif case.minor_protocol and given_by not in MINOR_CONSENT_GIVERS:
        errors["given_by"] = [
            _(
                "The person is (presumed) a minor: a guardian, the PGN attorney or a judge's "
                "order must give the consent."
            )
        ]
    if given_by == ConsentGiver.JUDGE_ORDER and not reference.strip():
        errors["reference"] = [_("Give the court order's reference.")]
    if given_by in (ConsentGiver.GUARDIAN, ConsentGiver.PGN_ATTORNEY) and not giver_name.strip():
        errors["giver_name"] = [_("Give the name of who consents.")]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("The date cannot be in the future.")]
    services = referral_services or []
    if any(s not in ServiceType.values for s in services):
        errors["referral_services"] = [_("Choose valid services.")]
    if ConsentScope.REFERRAL in scopes and not services:
        errors["referral_services"] = [_("Name the services the referral may go to.")]
    if errors:
        raise ValidationFailed(errors)
    consent = Consent.objects.create(
        case=case,
        scopes=sorted(set(scopes)),
        referral_services=sorted(set(services)),
        given_by=given_by,
        giver_name=giver_name.strip() or None,
        reference=reference.strip() or None,
        given_on=given_on,
        recorded_by=_user(actor),
    )
    _bump(case)
    _audit(actor, "case.consent_recorded", case, scopes=consent.scopes, given_by=given_by)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent_id: uuid.UUID | str, reason: str = "") -> Consent:
    """Takes effect at once: every check of consent reads only consents not withdrawn."""
    consent = Consent.objects.select_related("case").filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    case = _case_for_edit(actor, consent.case_id, allow_closed=True)
    if consent.withdrawn_at is not None:
        raise _fail("consent", _("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_reason = reason.strip() or None
    consent.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    for hook in CONSENT_WITHDRAWN_HOOKS:
        hook(actor, consent)
    _bump(case)
    _audit(actor, "case.consent_withdrawn", case, scopes=consent.scopes)
    return consent


# --- risk, care plan, services ---


@transaction.atomic
def risk_assess(
    *, actor: Actor, case_id: uuid.UUID | str, levels: Mapping[str, str], notes: str = ""
) -> RiskAssessment:
    case = _case_for_edit(actor, case_id)
    names = ("individual", "family", "community", "retrafficking", "reprisal")
    errors = {n: [_("Choose a level.")] for n in names if levels.get(n) not in RiskLevel.values}
    if errors:
        raise ValidationFailed(errors)
    assessment = RiskAssessment.objects.create(
        case=case, notes=notes.strip() or None, assessed_by=_user(actor), **{n: levels[n] for n in names}
    )
    case.risk_level = max((levels[n] for n in names), key=lambda level: RISK_ORDER.index(level))
    case.save(update_fields=["risk_level"])
    _bump(case)
    _audit(actor, "case.risk_assessed", case, level=case.risk_level)
    return assessment


@dataclass
class PlannedServiceInput:
    service_type: str
    provider_id: int | None = None
    due_date: datetime.date | None = None


@transaction.atomic
def care_plan_save(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    goals: str,
    services: list[PlannedServiceInput],
    expected_version: int | None,
) -> CarePlan:
    """Create or edit the care plan; an edited approved plan needs approval again."""
    case = _case_for_edit(actor, case_id)
    errors: dict[str, list[str]] = {}
    if not goals.strip():
        errors["goals"] = [_("Write the goals of the plan.")]
    if not services:
        errors["services"] = [_("Plan at least one service.")]
    if any(s.service_type not in ServiceType.values for s in services):
        errors["services"] = [_("Choose valid services.")]
    providers = {s.provider_id for s in services if s.provider_id}
    if providers and Organization.objects.filter(pk__in=providers).count() != len(providers):
        errors["services"] = [_("Choose valid providers.")]
    if errors:
        raise ValidationFailed(errors)
    plan = CarePlan.objects.select_for_update().filter(case=case).first()
    # No version means "no plan when I opened the form": a plan written meanwhile is not overwritten either.
    if plan is not None and plan.version != expected_version:
        raise StaleEdit(plan.version, ["goals"] if plan.goals != goals.strip() else ["services"])
    if plan is None:
        plan = CarePlan(case=case)
    else:
        plan.version += 1
    plan.goals = goals.strip()
    plan.status = CarePlanStatus.DRAFT
    plan.save()
    plan.services.all().delete()
    PlannedService.objects.bulk_create(
        PlannedService(plan=plan, service_type=s.service_type, provider_id=s.provider_id, due_date=s.due_date)
        for s in services
    )
    _bump(case)
    _audit(actor, "case.care_plan_saved", case, services=len(services))
    return plan


@transaction.atomic
def care_plan_submit(*, actor: Actor, case_id: uuid.UUID | str) -> CarePlan:
    case = _case_for_edit(actor, case_id)
    plan = CarePlan.objects.select_for_update().filter(case=case).first()
    if plan is None or plan.status not in (CarePlanStatus.DRAFT, CarePlanStatus.RETURNED):
        raise _fail("care_plan", _("Only a draft or returned plan can be sent for approval."))
    plan.status = CarePlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    _bump(case)
    _audit(actor, "case.care_plan_submitted", case)
    _notify_supervisors(actor, case, CARE_PLAN_SUBMITTED)
    return plan


@transaction.atomic
def care_plan_review(*, actor: Actor, case_id: uuid.UUID | str, approve: bool, comment: str = "") -> CarePlan:
    case = _case_for_supervision(actor, case_id)
    plan = CarePlan.objects.select_for_update().filter(case=case).first()
    if plan is None or plan.status != CarePlanStatus.SUBMITTED:
        raise _fail("care_plan", _("There is no plan awaiting approval."))
    if not approve and not comment.strip():
        raise _fail("comment", _("Say what must change in the plan."))
    plan.status = CarePlanStatus.APPROVED if approve else CarePlanStatus.RETURNED
    plan.review_comment = comment.strip() or None
    plan.reviewed_by = actor.user
    plan.reviewed_at = timezone.now()
    plan.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    _bump(case)
    _audit(actor, "case.care_plan_approved" if approve else "case.care_plan_returned", case)
    return plan


@transaction.atomic
def service_deliver(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    service_type: str,
    provider_id: int,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    notes: str = "",
) -> ServiceDelivery:
    case = _case_for_edit(actor, case_id)
    errors: dict[str, list[str]] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = [_("Choose a valid service.")]
    if not Organization.objects.filter(pk=provider_id).exists():
        errors["provider"] = [_("Choose a valid provider.")]
    today = timezone.localdate()
    if start_date > today:
        errors["start_date"] = [_("The date cannot be in the future.")]
    if end_date and end_date < start_date:
        errors["end_date"] = [_("It cannot end before it starts.")]
    if not has_consent(case, ConsentScope.ASSISTANCE):
        errors["consent"] = [_("There is no valid consent to assistance (it may have been withdrawn).")]
    if errors:
        raise ValidationFailed(errors)
    delivery = ServiceDelivery.objects.create(
        case=case,
        service_type=service_type,
        provider_id=provider_id,
        start_date=start_date,
        end_date=end_date,
        notes=notes.strip() or None,
        recorded_by=_user(actor),
    )
    _bump(case)
    _audit(actor, "case.service_delivered", case, service=service_type)
    return delivery


# --- tasks, notes, attachments ---


@transaction.atomic
def task_create(
    *, actor: Actor, case_id: uuid.UUID | str, title: str, due_date: datetime.date, assigned_to_id: int
) -> Task:
    case = _case_for_edit(actor, case_id, allow_closed=True)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Describe the task.")]
    if due_date < timezone.localdate():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    if not Membership.objects.filter(
        user_id=assigned_to_id, organization_id=case.owner_org_id, is_active=True
    ).exists():
        errors["assigned_to"] = [_("Assign the task to someone of the institution.")]
    if errors:
        raise ValidationFailed(errors)
    task = Task.objects.create(
        case=case, title=title.strip(), due_date=due_date, assigned_to_id=assigned_to_id, created_by=_user(actor)
    )
    _audit(actor, "case.task_created", case)
    return task


@transaction.atomic
def task_complete(*, actor: Actor, task_id: uuid.UUID | str) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    case = _case_for_edit(actor, task.case_id, allow_closed=True)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _audit(actor, "case.task_done", case)
    return task


@transaction.atomic
def note_add(*, actor: Actor, case_id: uuid.UUID | str, body: str) -> CaseNote:
    case = _case_for_edit(actor, case_id, allow_closed=True)
    if not body.strip():
        raise _fail("body", _("The note is empty."))
    note = CaseNote.objects.create(case=case, body=body.strip(), author=_user(actor))
    _audit(actor, "case.note_added", case)
    return note


@transaction.atomic
def attachment_add(
    *, actor: Actor, case_id: uuid.UUID | str, filename: str, data: bytes, description: str = ""
) -> Attachment:
    """Checks type and size, strips metadata, encrypts the file; the row and the file commit together."""
    from . import attachments

    case = _case_for_edit(actor, case_id, allow_closed=True)
    clean = attachments.validate_and_clean(filename, data)
    attachment = Attachment(
        case=case,
        filename=clean.filename,
        description=description.strip() or None,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
        uploaded_by=_user(actor),
    )
    attachment.key_id = attachments.store(attachment.id, clean.data)
    try:
        attachment.save()
    except Exception:
        attachments.delete_file(attachment.id)
        raise
    _audit(actor, "case.attachment_added", case, size=attachment.size)
    return attachment
