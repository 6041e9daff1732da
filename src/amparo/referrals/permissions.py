"""Who sees a referral, and what of the case: the sending team sees it all; the receiving institution
sees only the shared sections, only while the referral is active and its legal basis still holds."""

from __future__ import annotations

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases.models import Case, Consent
from amparo.cases.permissions import can_view_case
from amparo.cases.vocab import MINOR_CONSENT_GIVERS

from .models import LegalBasis, Referral


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
