"""Who may review which linkage results.

Persons belong to the institution that registered them. A reviewer (``linkage.review``, granted to
supervisors) sees the pairs in which at least one record is their institution's; of a record of another
institution they see only that institution and the per-field evidence, never its identity. A pair across
two institutions is merged only once a reviewer of each has confirmed it, so neither merges the other's
record alone. There is no national reviewer: the role table has no role that may see every institution's
identities, and linkage must not create one.

A protected witness (amparo.justice.protection) does not exist outside the protection team: pairs, merges and
partner links involving such a record are left out for everybody else (the evidence beside the reviewer's
own record would describe the witness, and a merge would tie the witness to another record).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import CandidatePair, PartnerLink, PersonMerge


def _hidden(actor: Actor) -> QuerySet[Any, Any]:
    from amparo.justice.protection import hidden_person_ids

    return hidden_person_ids(actor)


def pairs_visible_to(actor: Actor) -> QuerySet[CandidatePair]:
    if not actor.has(Perm.LINKAGE_REVIEW):
        return CandidatePair.objects.none()
    hidden = _hidden(actor)
    return (
        CandidatePair.objects.filter(Q(left_org_id=actor.org_pk) | Q(right_org_id=actor.org_pk))
        .exclude(left_id__in=hidden)
        .exclude(right_id__in=hidden)
    )


def can_review_pair(actor: Actor, pair: CandidatePair) -> bool:
    return (
        actor.has(Perm.LINKAGE_REVIEW)
        and actor.org_pk in pair.organizations
        and not _hidden(actor).filter(person_id__in=[pair.left_id, pair.right_id]).exists()
    )


def merges_visible_to(actor: Actor) -> QuerySet[PersonMerge]:
    """The merges a reviewer may see and undo: those of a record of their institution, and those made on a
    pair they review (a record merged earlier stands for its group: the merge joins the groups' surviving
    records, which may both be other institutions')."""
    if not actor.has(Perm.LINKAGE_REVIEW):
        return PersonMerge.objects.none()
    hidden = _hidden(actor)
    org = actor.org_pk
    return (
        PersonMerge.objects.filter(
            Q(survivor__owner_org_id=org)
            | Q(absorbed__owner_org_id=org)
            | Q(pair__left_org_id=org)
            | Q(pair__right_org_id=org)
        )
        .exclude(survivor_id__in=hidden)
        .exclude(absorbed_id__in=hidden)
    )


def partner_links_visible_to(actor: Actor) -> QuerySet[PartnerLink]:
    if not actor.has(Perm.LINKAGE_REVIEW):
        return PartnerLink.objects.none()
    return PartnerLink.objects.filter(owner_org_id=actor.org_pk).exclude(person_id__in=_hidden(actor))
