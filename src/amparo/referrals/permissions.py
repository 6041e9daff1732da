"""Who sees a referral, and what of the case: the sending team sees it all; the receiving institution
sees only the shared sections, only while the referral is active and its legal basis still holds."""

from __future__ import annotations

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases.permissions import can_view_case

from .models import LegalBasis, Referral


def legal_basis_holds(referral: Referral) -> bool:
    if referral.legal_basis == LegalBasis.CONSENT:
        return referral.consent is not None and referral.consent.withdrawn_at is None
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
