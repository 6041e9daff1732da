"""Who sees a referral, and what of the case: the sending team sees it all; the receiving institution
sees only the shared sections, only while the referral is active and its legal basis still holds."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases.models import Case, Consent
from amparo.cases.permissions import can_view_case
from amparo.cases.vocab import MINOR_CONSENT_GIVERS

from .models import LegalBasis, Referral, Shelter


def consent_holds(case: Case, consent: Consent) -> bool:
    """A consent in force, from someone entitled to give it: for a (presumed) minor, a guardian, the PGN
    attorney or a judge's order (Ley PINA), also when the presumption of minority came after the consent."""
    if consent.withdrawn_at is not None:
        return False
    return not case.minor_protocol or consent.given_by in MINOR_CONSENT_GIVERS


def legal_basis_holds(referral: Referral) -> bool:
    if referral.legal_basis == LegalBasis.CONSENT:
        return referral.consent is not None and consent_holds(referral.case, referral.consent)
    return True


def is_receiver(actor: Actor, referral: Referral) -> bool:
    return actor.has(Perm.REFERRAL_RECEIVE) and referral.to_org_id == actor.org_pk


def receiver_has_access(actor: Actor, referral: Referral) -> bool:
    return is_receiver(actor, referral) and referral.is_active and legal_basis_holds(referral)


def is_sender(actor: Actor, referral: Referral) -> bool:
    return referral.from_org_id == actor.org_pk and can_view_case(actor, referral.case)


def inbox_for(actor: Actor) -> QuerySet[Referral]:
    if not actor.has(Perm.REFERRAL_RECEIVE):
        return Referral.objects.none()
    return Referral.objects.filter(to_org_id=actor.org_pk)


def outbox_for(actor: Actor) -> QuerySet[Referral]:
    from amparo.cases.permissions import cases_visible_to

    if not actor.has(Perm.CASE_VIEW):
        return Referral.objects.none()
    return Referral.objects.filter(from_org_id=actor.org_pk, case__in=cases_visible_to(actor))


def shelters_managed_by(actor: Actor) -> QuerySet[Shelter]:
    """The shelters whose admissions, discharges and renewals the actor records: the shelters of the actor's
    institution that no unit runs, and those the actor's unit runs (an institution such as SBS runs several,
    each with its own staff). A supervisor of the institution manages them all. Shelter staff without a unit
    manage only the shelters no unit runs: deny by default, an administrator assigns the unit."""
    if not actor.has(Perm.SHELTER_ADMIT):
        return Shelter.objects.none()
    shelters = Shelter.objects.filter(organization_id=actor.org_pk)
    if actor.has(Perm.CASE_SUPERVISE):
        return shelters
    in_scope = Q(unit__isnull=True)
    if actor.membership is not None and actor.membership.unit_id is not None:
        in_scope |= Q(unit_id=actor.membership.unit_id)
    return shelters.filter(in_scope)
