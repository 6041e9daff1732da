"""Who may review which linkage results.

Persons belong to the institution that registered them. A reviewer (``linkage.review``, granted to
supervisors) sees the pairs in which at least one record is their institution's; of a record of another
institution they see only that institution and the per-field evidence, never its identity. A pair across
two institutions is merged only once a reviewer of each has confirmed it, so neither merges the other's
record alone. There is no national reviewer: the role table has no role that may see every institution's
identities, and linkage must not create one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import CandidatePair, PartnerLink


def pairs_visible_to(actor: Actor) -> QuerySet[CandidatePair]:
    if not actor.has(Perm.LINKAGE_REVIEW):
        return CandidatePair.objects.none()
    return CandidatePair.objects.filter(Q(left_org_id=actor.org_pk) | Q(right_org_id=actor.org_pk))


def can_review_pair(actor: Actor, pair: CandidatePair) -> bool:
    return actor.has(Perm.LINKAGE_REVIEW) and actor.org_pk in pair.organizations


def partner_links_visible_to(actor: Actor) -> QuerySet[PartnerLink]:
    if not actor.has(Perm.LINKAGE_REVIEW):
        return PartnerLink.objects.none()
    return PartnerLink.objects.filter(owner_org_id=actor.org_pk)
