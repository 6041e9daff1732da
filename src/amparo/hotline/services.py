"""Writes of the hotline: intake, triage, follow-ups by reference code, rescue alerts, cases, the roster.

Every service is atomic, takes an explicit actor, re-checks permission and writes its audit event (codes
and counts only: never the summary, the caller's contact or the reference code) in the same transaction.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm, Role, role_has
from amparo.audit.models import AuditEvent
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.vocab import Priority
from amparo.core import geo
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from amparo.justice.models import Complaint
from amparo.notifications import kinds
from amparo.organizations.models import Organization
from amparo.people.models import Gender
from amparo.people.validation import PersonInput

from . import reference
from .models import (
    Call,
    CallCenter,
    CallerType,
    CallLanguage,
    CallStatus,
    Category,
    Channel,
    Duty,
    DutyShift,
    FollowUp,
    RescueAlert,
    Urgency,
)
from .permissions import (
    alert_for,
    call_center_of,
    calls_visible_to,
    can_file_complaint_from,
    can_open_case_from,
    can_view_call,
    can_work_call,
    is_hotline_staff,
)

SUMMARY_MAX = 10_000
CONTACT_MAX = 300
FUTURE_SKEW = datetime.timedelta(minutes=5)
OLDEST_CALL = datetime.timedelta(days=366)
LONGEST_SHIFT = datetime.timedelta(days=7)
# Reference-code lookups: at most this many unsuccessful ones per operator in the window.
LOOKUP_FAILURES_ALLOWED = 10
LOOKUP_WINDOW = datetime.timedelta(minutes=15)

# Who is alerted for an urgent rescue request: per duty, the institution and role on the roster, and the
# anti-trafficking unit whose members are all alerted when nobody is on duty.
DUTY_UNITS: dict[str, tuple[str, str, str]] = {
    Duty.POLICE: ("pnc", Role.INVESTIGATOR, "dei-trata"),
    Duty.PROSECUTOR: ("mp", Role.PROSECUTOR, "fiscalia-trata"),
}
URGENCY_TO_PRIORITY = {
    Urgency.URGENT: Priority.URGENT,
    Urgency.HIGH: Priority.HIGH,
    Urgency.MEDIUM: Priority.NORMAL,
    Urgency.LOW: Priority.LOW,
}


@dataclass
class CallInput:
    channel: str
    received_at: datetime.datetime | None
    language: str
    caller_type: str
    summary: str
    category: str
    urgency: str
    department: str = ""
    municipality: str = ""
    caller_contact: str = ""


@dataclass
class FollowUpInput:
    channel: str
    received_at: datetime.datetime | None
    language: str
    caller_type: str
    summary: str


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def _audit(actor: Actor, action: str, call: Call, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="hotline_call", target_id=call.pk, details=details)


def _notify(recipients: list[User], kind: str, target_url: str) -> None:
    from amparo.notifications.services import notify

    notify(recipients=recipients, kind=kind, target_url=target_url)


def _require_staff(actor: Actor) -> CallCenter:
    if not actor.has(Perm.HOTLINE_TAKE):
        raise PermissionDenied()
    center = call_center_of(actor)
    if center is None:
        raise PermissionDenied()
    return center


def _call_for_update(actor: Actor, call_id: uuid.UUID | str) -> Call:
    """The call, locked; without the permission 403, outside the shared queue 404 (no existence leak)."""
    if not actor.has(Perm.HOTLINE_TAKE):
        raise PermissionDenied()
    call = Call.objects.select_for_update(of=("self",)).filter(pk=call_id).first()
    if call is None or not can_view_call(actor, call):
        raise NotFound()
    return call


def _check_contact(errors: dict[str, list[str]], channel: str, received_at: datetime.datetime | None) -> None:
    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if channel not in Channel.values:
        add("channel", _("Choose the channel."))
    now = timezone.now()
    if received_at is None:
        add("received_at", _("Give the date and time of the call."))
    elif received_at > now + FUTURE_SKEW:
        add("received_at", _("The call cannot be in the future."))
    elif received_at < now - OLDEST_CALL:
        add("received_at", _("The call is more than a year old: record only recent calls."))


def validate_call(data: CallInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    _check_contact(errors, data.channel, data.received_at)
    data.summary = (data.summary or "").strip()
    data.caller_contact = (data.caller_contact or "").strip()
    if data.language not in CallLanguage.values:
        add("language", _("Choose the language of the call."))
    if data.caller_type not in CallerType.values:
        add("caller_type", _("Choose who is calling."))
    if data.category not in Category.values:
        add("category", _("Choose a category."))
    if data.urgency not in Urgency.values:
        add("urgency", _("Choose the urgency."))
    if not data.summary:
        add("summary", _("Write a summary of the call."))
    elif len(data.summary) > SUMMARY_MAX:
        add("summary", _("The summary is limited to %(max)s characters.") % {"max": SUMMARY_MAX})
    if len(data.caller_contact) > CONTACT_MAX:
        add("caller_contact", _("The contact is limited to %(max)s characters.") % {"max": CONTACT_MAX})
    if data.department and data.department not in geo.DEPARTMENTS:
        add("department", _("Choose a valid department."))
    if data.municipality and not geo.is_valid_municipality(data.department, data.municipality):
        add("municipality", _("The municipality does not belong to the department."))
    return errors


def _new_reference() -> tuple[str, str]:
    while True:
        code = reference.new_code()
        digest = reference.digest(code)
        if not Call.objects.filter(reference_digest=digest).exists():
            return code, digest


# --- intake ---


@transaction.atomic
def call_record(*, actor: Actor, data: CallInput, take: bool = True) -> Call:
    """Record a call in the shared queue; the caller gets ``call.reference_code``. An urgent rescue
    request alerts the officers on duty at once."""
    center = _require_staff(actor)
    errors = validate_call(data)
    if errors:
        raise ValidationFailed(errors)
    assert data.received_at is not None
    code, digest = _new_reference()
    now = timezone.now()
    call = Call.objects.create(
        reference_digest=digest,
        reference_code=code,
        channel=data.channel,
        received_at=data.received_at,
        language=data.language,
        caller_type=data.caller_type,
        department=data.department,
        municipality=data.municipality if data.department else "",
        summary=data.summary,
        caller_contact=data.caller_contact or None,
        category=data.category,
        urgency=data.urgency,
        status=CallStatus.IN_PROGRESS if take else CallStatus.NEW,
        organization_id=center.organization_id,
        recorded_by=_user(actor),
        handler=_user(actor) if take else None,
        created_at=now,
        updated_at=now,
    )
    _audit(
        actor,
        "hotline.call_record",
        call,
        channel=call.channel,
        category=call.category,
        urgency=call.urgency,
        language=call.language,
        caller=call.caller_type,
        taken=take,
    )
    if call.is_urgent_rescue:
        _alert(actor, call)
    return call


# --- urgent rescue alerts ---


def _duty_memberships(duty: str) -> QuerySet[Membership]:
    org_code, role, _unit = DUTY_UNITS[duty]
    return Membership.objects.filter(
        organization__code=org_code, role=role, is_active=True, user__is_active=True
    ).select_related("user")


def on_duty(duty: str, at: datetime.datetime | None = None) -> list[User]:
    """The officers on the roster for this duty at this moment (still members with the duty's role)."""
    at = at or timezone.now()
    rostered = set(
        DutyShift.objects.filter(duty=duty, starts_at__lte=at, ends_at__gt=at).values_list("user_id", flat=True)
    )
    if not rostered:
        return []
    return _unique_users(_duty_memberships(duty).filter(user_id__in=rostered))


def unit_fallback(duty: str) -> list[User]:
    """Every member of the duty's anti-trafficking unit (when nobody is on duty)."""
    _org, _role, unit_code = DUTY_UNITS[duty]
    return _unique_users(_duty_memberships(duty).filter(unit__code=unit_code))


def _unique_users(memberships: QuerySet[Membership]) -> list[User]:
    return list({m.user_id: m.user for m in memberships.order_by("user_id")}.values())


def _alert(actor: Actor, call: Call) -> None:
    now = timezone.now()
    summary: dict[str, dict[str, object]] = {}
    target = f"/hotline/alerts/{call.pk}/"
    for duty in (Duty.POLICE, Duty.PROSECUTOR):
        recipients = on_duty(duty, now)
        via = "roster"
        if not recipients:
            recipients, via = unit_fallback(duty), "fallback"
        already = set(RescueAlert.objects.filter(call=call).values_list("recipient_id", flat=True))
        fresh = [u for u in recipients if u.pk not in already]
        RescueAlert.objects.bulk_create(
            RescueAlert(call=call, recipient=u, duty=duty, via_roster=via == "roster", created_at=now) for u in fresh
        )
        summary[duty] = {"via": via if recipients else "none", "count": len(recipients)}
        kind = kinds.HOTLINE_RESCUE_ALERT if via == "roster" else kinds.HOTLINE_RESCUE_ALERT_FALLBACK
        if fresh:
            _notify(fresh, kind, target)
    call.alerted_at = now
    call.alert_summary = summary
    call.save(update_fields=["alerted_at", "alert_summary"])
    _audit(
        actor,
        "hotline.rescue_alert",
        call,
        police_via=summary[Duty.POLICE]["via"],
        police_count=summary[Duty.POLICE]["count"],
        prosecutor_via=summary[Duty.PROSECUTOR]["via"],
        prosecutor_count=summary[Duty.PROSECUTOR]["count"],
    )


@transaction.atomic
def alert_acknowledge(*, actor: Actor, call_id: uuid.UUID | str) -> RescueAlert:
    alert = alert_for(actor, call_id)
    if alert is None:
        raise NotFound()
    alert = RescueAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_at"])
        audit_record(
            actor=actor, action="hotline.alert_acknowledged", target_type="hotline_call", target_id=alert.call_id
        )
        call = alert.call
        people = [u for u in User.objects.filter(pk__in={call.handler_id, call.recorded_by_id} - {None})]
        _notify(people, kinds.HOTLINE_ALERT_ACKNOWLEDGED, f"/hotline/calls/{call.pk}/")
    return alert


# --- working the queue ---


@transaction.atomic
def call_take(*, actor: Actor, call_id: uuid.UUID | str) -> Call:
    call = _call_for_update(actor, call_id)
    if call.handler_id not in (None, actor.user_pk):
        raise ValidationFailed({"handler": [_("Another operator is handling this call.")]})
    if not call.is_open:
        raise ValidationFailed({"status": [_("This call is closed or referred: reopen it first.")]})
    call.handler = _user(actor)
    call.status = CallStatus.IN_PROGRESS
    call.updated_at = timezone.now()
    call.version += 1
    call.save(update_fields=["handler", "status", "updated_at", "version"])
    _audit(actor, "hotline.call_take", call)
    return call


@transaction.atomic
def call_update(
    *,
    actor: Actor,
    call_id: uuid.UUID | str,
    category: str,
    urgency: str,
    status: str,
    referred_to_id: int | None = None,
    expected_version: int | None = None,
) -> Call:
    """Triage and follow-up status. Becoming an urgent rescue request sends the alert (once)."""
    call = _call_for_update(actor, call_id)
    if not can_work_call(actor, call):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if category not in Category.values:
        add("category", _("Choose a category."))
    if urgency not in Urgency.values:
        add("urgency", _("Choose the urgency."))
    if status not in (CallStatus.IN_PROGRESS, CallStatus.REFERRED, CallStatus.CLOSED):
        add("status", _("Choose in progress, referred or closed."))
    referred_to = None
    if status == CallStatus.REFERRED:
        referred_to = Organization.objects.filter(pk=referred_to_id or 0, is_active=True).first()
        if referred_to is None:
            add("referred_to", _("Choose the institution the call was referred to."))
    if errors:
        raise ValidationFailed(errors)
    fields = {
        "category": category,
        "urgency": urgency,
        "status": status,
        "referred_to_id": getattr(referred_to, "pk", None),
    }
    changed = [name for name, value in fields.items() if getattr(call, name) != value]
    if expected_version is not None and expected_version != call.version:
        raise StaleEdit(call.version, changed)
    if not changed:
        return call
    was_urgent_rescue = call.is_urgent_rescue
    for name, value in fields.items():
        setattr(call, name, value)
    now = timezone.now()
    call.closed_at = now if status == CallStatus.CLOSED else None
    if call.handler_id is None:
        call.handler = _user(actor)
    call.updated_at = now
    call.version += 1
    call.save()
    _audit(actor, "hotline.call_update", call, fields=changed, status=status, category=category, urgency=urgency)
    if call.is_urgent_rescue and not was_urgent_rescue and call.alerted_at is None:
        _alert(actor, call)
    return call


def hotline_staff_users() -> QuerySet[User]:
    """Users who can handle calls: active members of a participating call center with the permission."""
    centers = list(CallCenter.objects.filter(is_active=True))
    roles = [r for r in Role.values if role_has(r, Perm.HOTLINE_TAKE)]
    ids: set[int] = set()
    for center in centers:
        memberships = Membership.objects.filter(
            organization_id=center.organization_id, role__in=roles, is_active=True, user__is_active=True
        )
        if center.unit_id:
            memberships = memberships.filter(Q(unit_id=center.unit_id) | Q(unit__isnull=True))
        ids.update(memberships.values_list("user_id", flat=True))
    return User.objects.filter(pk__in=ids).order_by("username")


@transaction.atomic
def call_assign(*, actor: Actor, call_id: uuid.UUID | str, handler_id: int) -> Call:
    if not actor.has(Perm.HOTLINE_SUPERVISE):
        raise PermissionDenied()
    call = _call_for_update(actor, call_id)
    handler = hotline_staff_users().filter(pk=handler_id).first()
    if handler is None:
        raise ValidationFailed({"handler": [_("Choose an operator of a participating call center.")]})
    if call.handler_id == handler.pk:
        return call
    call.handler = handler
    if call.status == CallStatus.NEW:
        call.status = CallStatus.IN_PROGRESS
    call.updated_at = timezone.now()
    call.version += 1
    call.save(update_fields=["handler", "status", "updated_at", "version"])
    _audit(actor, "hotline.call_assign", call, handler=handler.pk)
    if handler.pk != actor.user_pk:
        _notify([handler], kinds.HOTLINE_ASSIGNED, f"/hotline/calls/{call.pk}/")
    return call


# --- follow-ups by reference code ---


@transaction.atomic
def call_follow_up(*, actor: Actor, call_id: uuid.UUID | str, data: FollowUpInput) -> FollowUp:
    call = _call_for_update(actor, call_id)
    center = _require_staff(actor)
    errors: dict[str, list[str]] = {}
    _check_contact(errors, data.channel, data.received_at)
    if data.received_at is not None and data.received_at < call.received_at:
        errors.setdefault("received_at", []).append(
            _("A follow-up call cannot be earlier than the first call (%(when)s).")
            % {"when": formats.date_format(timezone.localtime(call.received_at), "SHORT_DATETIME_FORMAT")}
        )
    data.summary = (data.summary or "").strip()
    if data.language not in CallLanguage.values:
        errors.setdefault("language", []).append(_("Choose the language of the call."))
    if data.caller_type not in CallerType.values:
        errors.setdefault("caller_type", []).append(_("Choose who is calling."))
    if not data.summary:
        errors.setdefault("summary", []).append(_("Write a summary of the call."))
    elif len(data.summary) > SUMMARY_MAX:
        errors.setdefault("summary", []).append(
            _("The summary is limited to %(max)s characters.") % {"max": SUMMARY_MAX}
        )
    if errors:
        raise ValidationFailed(errors)
    assert data.received_at is not None
    follow_up = FollowUp.objects.create(
        call=call,
        channel=data.channel,
        received_at=data.received_at,
        language=data.language,
        caller_type=data.caller_type,
        summary=data.summary,
        organization_id=center.organization_id,
        recorded_by=_user(actor),
    )
    call.updated_at = timezone.now()
    call.save(update_fields=["updated_at"])
    _audit(actor, "hotline.follow_up", call, channel=data.channel, caller=data.caller_type)
    return follow_up


def _recent_lookup_failures(actor: Actor) -> int:
    since = timezone.now() - LOOKUP_WINDOW
    return AuditEvent.objects.filter(
        actor_id=actor.user_pk, action="hotline.lookup_failed", created_at__gte=since
    ).count()


def reference_lookup(*, actor: Actor, code: str) -> Call:
    """The report a reference code belongs to. Every lookup is audited; a wrong code says only that it is
    wrong (malformed, or no report has it), and after too many wrong codes the operator must wait."""
    _require_staff(actor)
    with transaction.atomic():
        if _recent_lookup_failures(actor) >= LOOKUP_FAILURES_ALLOWED:
            audit_record(actor=actor, action="hotline.lookup_refused", details={"reason": "rate_limited"})
            error = _("Too many unsuccessful lookups: wait %(minutes)s minutes and check the code with the caller.") % {
                "minutes": int(LOOKUP_WINDOW.total_seconds() // 60)
            }
            call = None
        else:
            canonical = reference.normalize(code)
            call = None
            if canonical is None:
                error = _(
                    "This is not a valid reference code: it has 9 characters, such as 7KQ3-M9TZ-4. "
                    "Check it with the caller."
                )
                reason = "malformed"
            else:
                call = calls_visible_to(actor).filter(reference_digest__in=reference.lookup_digests(canonical)).first()
                error = _("No report has this reference code. Check it with the caller.")
                reason = "unknown"
            if call is not None:
                audit_record(actor=actor, action="hotline.lookup", target_type="hotline_call", target_id=call.pk)
            else:
                audit_record(actor=actor, action="hotline.lookup_failed", details={"reason": reason})
    if call is None:  # raised after the audit event is committed
        raise ValidationFailed({"code": [error]})
    return call


# --- a call becomes a victim case ---


PERSON_LANGUAGES = ("spa", "eng", "quc", "kek", "cak", "mam")  # call languages that are person languages


def person_from_call(
    call: Call,
    *,
    given_names: str,
    surnames: str = "",
    gender: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    nationality: str = "",
) -> PersonInput:
    """The person a call's case is opened for: what the operator entered, plus the call's language and place."""
    return PersonInput(
        given_names=given_names,
        surnames=surnames,
        gender=gender or Gender.UNKNOWN,
        age_min=age_min,
        age_max=age_max,
        nationalities=[nationality] if nationality else [],
        languages=[call.language] if call.language in PERSON_LANGUAGES else [],
        residence_department=call.department,
        residence_municipality=call.municipality,
    )


@transaction.atomic
def call_open_case(*, actor: Actor, call_id: uuid.UUID | str, person: PersonInput) -> Case:
    """Register the person and open a victim case in the operator's institution, linked to the call
    (the call shows its case, the case shows its source call)."""
    from amparo.cases.services import case_open
    from amparo.people.services import person_create

    call = _call_for_update(actor, call_id)
    if not can_open_case_from(actor, call):
        raise PermissionDenied()
    if call.case_id is not None:
        raise ValidationFailed({"case": [_("This call already has a victim case.")]})
    registered = person_create(actor=actor, data=person)
    case = case_open(actor=actor, person_id=registered.pk, priority=URGENCY_TO_PRIORITY[Urgency(call.urgency)])
    call.case = case
    if call.handler_id is None:
        call.handler = _user(actor)
    if call.status == CallStatus.NEW:
        call.status = CallStatus.IN_PROGRESS
    call.updated_at = timezone.now()
    call.version += 1
    call.save(update_fields=["case", "handler", "status", "updated_at", "version"])
    _audit(actor, "hotline.case_opened", call, case=str(case.pk))
    return case


# --- a call becomes a complaint (denuncia) to the Public Ministry or the police ---


@transaction.atomic
def call_file_complaint(
    *,
    actor: Actor,
    call_id: uuid.UUID | str,
    receiving_org_id: int,
    summary: str = "",
    link_case: bool = True,
) -> Complaint:
    """Record the call as a complaint received by the MP (or the PNC), through the justice app's service;
    the call keeps the link, the complaint lists its source call, and the call's victim case (if the
    operator may see it) is linked to the complaint."""
    from amparo.cases.permissions import can_view_case
    from amparo.justice.services import complaint_create
    from amparo.justice.vocab import RECEIVING_INSTITUTION_CODES, ComplaintSource

    call = _call_for_update(actor, call_id)
    if not can_file_complaint_from(actor, call):
        raise PermissionDenied()
    if call.complaint_id is not None:
        raise ValidationFailed({"complaint": [_("This call is already a complaint.")]})
    # From a call, only to the MP or the PNC (complaint_create also accepts the recorder's own institution).
    if not Organization.objects.filter(pk=receiving_org_id, code__in=RECEIVING_INSTITUTION_CODES).exists():
        raise ValidationFailed({"receiving_org": [_("A complaint is received by the Public Ministry or the police.")]})
    case_ids = [call.case.pk] if link_case and call.case is not None and can_view_case(actor, call.case) else []
    complaint = complaint_create(
        actor,
        received_on=timezone.localdate(call.received_at),
        source=ComplaintSource.HOTLINE,
        summary=summary.strip() or call.summary,
        receiving_org_id=receiving_org_id,
        case_ids=case_ids,
    )
    call.complaint = complaint
    if call.handler_id is None:
        call.handler = _user(actor)
    if call.status == CallStatus.NEW:
        call.status = CallStatus.IN_PROGRESS
    call.updated_at = timezone.now()
    call.version += 1
    call.save(update_fields=["complaint", "handler", "status", "updated_at", "version"])
    _audit(
        actor,
        "hotline.complaint_filed",
        call,
        complaint=str(complaint.pk),
        receiving_org=complaint.receiving_org_id,
        cases=len(case_ids),
    )
    return complaint


# --- the on-duty roster ---


def duty_candidates(duty: str) -> QuerySet[User]:
    return User.objects.filter(pk__in=_duty_memberships(duty).values("user_id")).order_by("last_name", "username")


@transaction.atomic
def duty_shift_add(
    *,
    actor: Actor,
    user_id: int,
    duty: str,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
) -> DutyShift:
    if not actor.has(Perm.HOTLINE_SUPERVISE) or not is_hotline_staff(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    user = None
    if duty not in Duty.values:
        add("duty", _("Choose the duty."))
    else:
        user = duty_candidates(duty).filter(pk=user_id).first()
        if user is None:
            add("user", _("Choose an officer of the institution and role this duty needs."))
    if starts_at is None or ends_at is None:
        add("starts_at", _("Give the start and the end of the shift."))
    elif ends_at <= starts_at:
        add("ends_at", _("The shift must end after it starts."))
    elif ends_at - starts_at > LONGEST_SHIFT:
        add("ends_at", _("A shift lasts at most 7 days."))
    elif ends_at <= timezone.now():
        add("ends_at", _("The shift has already ended."))
    if errors:
        raise ValidationFailed(errors)
    assert user is not None and starts_at is not None and ends_at is not None
    # The same officer twice on the same duty at the same time (a double submit, or a typo) would only
    # make the roster misleading: refuse an overlapping shift.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if DutyShift.objects.filter(user=user, duty=duty, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationFailed({"starts_at": [_("This officer already has a shift for this duty at that time.")]})
    org_code = DUTY_UNITS[duty][0]
    shift = DutyShift.objects.create(
        user=user,
        organization=Organization.objects.get(code=org_code),
        duty=duty,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="hotline.duty_add",
        target_type="hotline_duty",
        target_id=shift.pk,
        details={"duty": duty, "user": user.pk},
    )
    return shift


@transaction.atomic
def duty_shift_remove(*, actor: Actor, shift_id: int) -> bool:
    """Take a shift off the roster. False (nothing done, nothing audited) when it is no longer there: a
    double click, or two supervisors removing it at once."""
    if not actor.has(Perm.HOTLINE_SUPERVISE) or not is_hotline_staff(actor):
        raise PermissionDenied()
    shift = DutyShift.objects.select_for_update().filter(pk=shift_id).first()
    if shift is None:
        return False
    audit_record(
        actor=actor,
        action="hotline.duty_remove",
        target_type="hotline_duty",
        target_id=shift.pk,
        details={"duty": shift.duty, "user": shift.user_id},
    )
    shift.delete()
    return True
