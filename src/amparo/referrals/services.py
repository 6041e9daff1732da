"""Referrals between institutions: legal basis enforced, minimum-necessary sharing, answers, outcomes."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm, Role, role_has
from amparo.audit.services import audit_record
from amparo.cases.models import Case, Consent
from amparo.cases.permissions import can_edit_case, can_view_case
from amparo.cases.vocab import CaseStatus, ConsentScope, ServiceType
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.organizations.models import Organization
from amparo.people.models import Person

from .models import ACTIVE_STATUSES, LegalBasis, Placement, Referral, ReferralStatus, Section, ServiceOffer, Shelter
from .permissions import consent_holds, is_receiver

DEFAULT_ANSWER_DAYS = 3
MAX_ANSWER_DAYS = 90


def _fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({name: [message]})


def _audit(actor: Actor, action: str, referral: Referral, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="referral", target_id=referral.pk, details=details)


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def _notify(recipients: Iterable[User], kind: str, referral: Referral) -> None:
    from amparo.notifications.services import notify

    notify(recipients=recipients, kind=kind, target_url=f"/referrals/{referral.pk}/")


# Who in the receiving institution handles a service, and so is told of a new referral for it. When the
# institution has nobody in these roles (or the service is not listed), every receiver is told.
SERVICE_ROLES: dict[str, frozenset[str]] = {
    ServiceType.SHELTER: frozenset({Role.SHELTER_STAFF}),
    ServiceType.REPATRIATION: frozenset({Role.CONSULAR_OFFICER, Role.PGN_ATTORNEY}),
}


def responsible_receivers(organization_id: int, service_type: str) -> list[User]:
    """The users of the unit / role responsible for the service in the institution (shelter referrals: the
    staff of the units that run its shelters); all its receivers when there is nobody in particular."""
    memberships = Membership.objects.filter(
        organization_id=organization_id, is_active=True, user__is_active=True
    ).select_related("user")
    receivers = [m for m in memberships if role_has(m.role, Perm.REFERRAL_RECEIVE)]
    roles = SERVICE_ROLES.get(service_type, frozenset())
    chosen = [m for m in receivers if m.role in roles]
    if service_type == ServiceType.SHELTER and chosen:
        units = set(
            Shelter.objects.filter(organization_id=organization_id, is_active=True).values_list("unit_id", flat=True)
        )
        if units and None not in units:  # every shelter is run by a unit: its staff
            chosen = [m for m in chosen if m.unit_id in units] or chosen
    return [m.user for m in (chosen or receivers)]


def _receivers_of(referral: Referral) -> list[User]:
    """Those told of the referral when it arrived, and whoever answered it."""
    users = responsible_receivers(referral.to_org_id, referral.service_type)
    if referral.responded_by is not None:
        users.append(referral.responded_by)
    return users


def _senders(referral: Referral) -> list[User]:
    return [u for u in {referral.sent_by, referral.case.owner} if u is not None]


def consent_covering(case: Case, service_type: str) -> Consent | None:
    """An active consent to referral for this service, from someone entitled to give it."""
    for consent in case.consents.filter(withdrawn_at__isnull=True):
        if ConsentScope.REFERRAL not in consent.scopes or service_type not in consent.referral_services:
            continue
        if consent_holds(case, consent):
            return consent
    return None


def offer_for(organization: Organization, service_type: str, case: Case) -> ServiceOffer | None:
    """The receiver's active offer of the service, if the person is eligible for it."""
    offer = ServiceOffer.objects.filter(organization=organization, service_type=service_type, is_active=True).first()
    if offer is None:
        return None
    person = case.person
    low, high = person.age_range_on(timezone.localdate())
    if offer.min_age is not None and high is not None and high < offer.min_age:
        return None
    if offer.max_age is not None and low is not None and low > offer.max_age:
        return None
    if offer.sexes and person.gender not in offer.sexes:
        return None
    if offer.nationalities and not set(person.nationalities) & set(offer.nationalities):
        return None
    return offer


@transaction.atomic
def referral_send(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    to_org_id: int,
    service_type: str,
    legal_basis: str,
    shared_sections: list[str],
    respond_by: datetime.date | None = None,
    reason: str = "",
    order_reference: str = "",
    override_reason: str = "",
) -> Referral:
    if not actor.has(Perm.REFERRAL_SEND):
        raise PermissionDenied()
    case = Case.objects.select_for_update(of=("self",)).select_related("person").filter(pk=case_id).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound()
    if not can_edit_case(actor, case):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if case.status == CaseStatus.CLOSED:
        add("case", _("The case is closed: reopen it first."))
    to_org = Organization.objects.filter(pk=to_org_id, is_active=True).first()
    if service_type not in ServiceType.values:
        add("service_type", _("Choose a valid service."))
    if to_org is None:
        add("to_org", _("Choose an institution."))
    elif to_org.pk == case.owner_org_id:
        add("to_org", _("A referral goes to another institution."))
    elif service_type in ServiceType.values and offer_for(to_org, service_type, case) is None:
        add(
            "to_org",
            _("%(org)s does not offer this service to this person (see the service directory).") % {"org": to_org.name},
        )
    elif Referral.objects.filter(
        case=case, to_org=to_org, service_type=service_type, status__in=ACTIVE_STATUSES
    ).exists():
        add(
            "to_org",
            _("A referral of this case to %(org)s for this service is already open: follow that one up.")
            % {"org": to_org.name},
        )
    if not shared_sections or any(s not in Section.values for s in shared_sections):
        add("shared_sections", _("Choose the sections to share (at least the identity)."))
    today = timezone.localdate()
    respond_by = respond_by or today + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)
    if respond_by < today:
        add("respond_by", _("The answer date cannot be in the past."))
    elif respond_by > today + datetime.timedelta(days=MAX_ANSWER_DAYS):
        # A mistyped year would keep the referral from ever being overdue (no reminder, no count).
        add(
            "respond_by",
            _("The answer date is more than %(days)s days away: give a nearer date.") % {"days": MAX_ANSWER_DAYS},
        )
    consent = None
    if legal_basis == LegalBasis.CONSENT:
        consent = consent_covering(case, service_type)
        if consent is None:
            add(
                "legal_basis",
                _(
                    "No active consent covers a referral for this service: record it first, or use "
                    "a protection order (minors)."
                ),
            )
    elif legal_basis in (LegalBasis.COURT_ORDER, LegalBasis.PGN_ORDER):
        if not case.minor_protocol:
            add("legal_basis", _("Protection orders are the legal basis only for minors; an adult must consent."))
        if not order_reference.strip():
            add("order_reference", _("Give the order's reference (court, file number, date)."))
    elif legal_basis == LegalBasis.SUPERVISOR_OVERRIDE:
        if not actor.has(Perm.REFERRAL_OVERRIDE):
            add("legal_basis", _("Only a supervisor can refer without consent or order."))
        if not override_reason.strip():
            add("override_reason", _("Write why the referral cannot wait for consent or an order."))
    else:
        add("legal_basis", _("Choose the legal basis."))
    if errors:
        raise ValidationFailed(errors)
    assert to_org is not None
    referral = Referral.objects.create(
        case=case,
        from_org_id=case.owner_org_id,
        to_org=to_org,
        service_type=service_type,
        legal_basis=legal_basis,
        consent=consent,
        order_reference=order_reference.strip() or None,
        override_reason=override_reason.strip() or None,
        shared_sections=sorted(set(shared_sections)),
        reason=reason.strip() or None,
        respond_by=respond_by,
        sent_by=_user(actor),
    )
    _audit(
        actor,
        "referral.send",
        referral,
        to=to_org.pk,
        service=service_type,
        basis=legal_basis,
        sections=referral.shared_sections,
    )
    if legal_basis == LegalBasis.SUPERVISOR_OVERRIDE:
        _audit(actor, "referral.override", referral)
    _notify(responsible_receivers(to_org.pk, service_type), "referral.received", referral)
    return referral


def _for_receiver(actor: Actor, referral_id: uuid.UUID | str) -> Referral:
    if not actor.has(Perm.REFERRAL_RECEIVE):
        raise PermissionDenied()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("case").filter(pk=referral_id).first()
    if referral is None or not is_receiver(actor, referral):
        raise NotFound()
    return referral


@transaction.atomic
def referral_respond(*, actor: Actor, referral_id: uuid.UUID | str, accept: bool, reason: str = "") -> Referral:
    referral = _for_receiver(actor, referral_id)
    if referral.status != ReferralStatus.SENT:
        raise _fail("status", _("This referral has already been answered or closed."))
    if not accept and not reason.strip():
        raise _fail("reason", _("Say why the referral is declined."))
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.responded_by = _user(actor)
    referral.responded_at = timezone.now()
    referral.decline_reason = None if accept else reason.strip()
    referral.closed_at = None if accept else referral.responded_at
    referral.save(update_fields=["status", "responded_by", "responded_at", "decline_reason", "closed_at"])
    _audit(actor, "referral.accepted" if accept else "referral.declined", referral)
    _notify(_senders(referral), "referral.accepted" if accept else "referral.declined", referral)
    return referral


@transaction.atomic
def referral_complete(*, actor: Actor, referral_id: uuid.UUID | str, outcome: str) -> Referral:
    """The receiver reports the outcome back to the sender; its access ends."""
    referral = _for_receiver(actor, referral_id)
    if referral.status != ReferralStatus.ACCEPTED:
        raise _fail("status", _("Only an accepted referral can be completed."))
    if not outcome.strip():
        raise _fail("outcome", _("Describe the outcome for the sender."))
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome.strip()
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "outcome", "closed_at"])
    _audit(actor, "referral.completed", referral)
    _notify(_senders(referral), "referral.completed", referral)
    return referral


@transaction.atomic
def referral_cancel(*, actor: Actor, referral_id: uuid.UUID | str) -> Referral:
    referral = Referral.objects.select_for_update(of=("self",)).select_related("case").filter(pk=referral_id).first()
    if referral is None or referral.from_org_id != actor.org_pk or not can_view_case(actor, referral.case):
        raise NotFound()
    if not can_edit_case(actor, referral.case):
        raise PermissionDenied()
    if referral.status not in ACTIVE_STATUSES:
        raise _fail("status", _("This referral is already closed."))
    # Cancelling ends the shelter's access to the shared identity: not while the person lives there. The
    # referral row is locked, and placement_admit locks it too, so no admission slips in after this check.
    # An institution taken out of the network records no discharge: its referral can always be cancelled.
    receiver_active = Organization.objects.filter(pk=referral.to_org_id, is_active=True).exists()
    if receiver_active and Placement.objects.filter(referral=referral, discharged_at__isnull=True).exists():
        raise _fail(
            "status",
            _(
                "The person is still in the shelter: the referral can be cancelled once the shelter records "
                "the discharge."
            ),
        )
    referral.status = ReferralStatus.CANCELLED
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "closed_at"])
    _audit(actor, "referral.cancelled", referral)
    _notify(_receivers_of(referral), "referral.cancelled", referral)
    return referral


def active_referrals_block_closure(case: Case) -> list[str]:
    """Hooked into the closure of a case (cases.services.CLOSURE_CHECKS): while a referral is awaiting an
    answer or accepted, the receiver sees the shared sections, so the case stays open until each one is
    completed by the receiver or cancelled by the sender (who then notifies the receiver)."""
    active = list(
        Referral.objects.filter(case=case, status__in=ACTIVE_STATUSES).select_related("to_org").order_by("sent_at")
    )
    return [
        _(
            "The referral to %(institution)s (%(service)s, %(status)s) is still open: it must be completed by the "
            "receiver or cancelled before the case is closed."
        )
        % {"institution": r.to_org.name, "service": r.get_service_type_display(), "status": r.get_status_display()}
        for r in active
    ]


def end_referrals_of_withdrawn_consent(actor: Actor, consent: Consent) -> int:
    """Withdrawal of consent ends, at once, the referrals that rested on it (hooked into consent_withdraw)."""
    ended = 0
    for referral in Referral.objects.select_for_update().filter(consent=consent, status__in=ACTIVE_STATUSES):
        referral.status = ReferralStatus.ENDED
        referral.closed_at = timezone.now()
        referral.save(update_fields=["status", "closed_at"])
        _audit(actor, "referral.ended_consent_withdrawn", referral)
        _notify(_receivers_of(referral), "referral.ended", referral)
        ended += 1
    return ended


def end_referrals_of_lapsed_consent(actor: Actor, person: Person) -> int:
    """The person's age was corrected and a case of hers now follows the minor's protocol: a consent she gave
    herself no longer covers a referral (only a guardian, the PGN attorney or a judge's order may consent for a
    minor), so the referrals that rested on one end at once, as on a withdrawal; the sender is told too, to
    record a valid consent or a protection order and refer again.

    Hooked into people.services.person_update (PERSON_AGE_CHANGED_HOOKS), after the cases' own hook (the cases
    app is installed first) has brought each case's presumption of minority up to date."""
    ended = 0
    active = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "consent")
        .filter(
            case__person_id=person.pk,
            case__minor_protocol=True,
            legal_basis=LegalBasis.CONSENT,
            status__in=ACTIVE_STATUSES,
        )
    )
    for referral in active:
        if referral.consent is not None and consent_holds(referral.case, referral.consent):
            continue
        referral.status = ReferralStatus.ENDED
        referral.closed_at = timezone.now()
        referral.save(update_fields=["status", "closed_at"])
        _audit(actor, "referral.ended_consent_lapsed", referral, reason="minor_protocol")
        _notify([*_receivers_of(referral), *_senders(referral)], "referral.ended", referral)
        ended += 1
    return ended
