"""Reads of the linkage app, scoped to the actor. Views of identifying data are audited."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.core.geo import department_name, municipality_name
from amparo.people.permissions import can_view_person

from .labels import evidence_rows
from .models import CandidatePair, Decision, LinkageRun, PairStatus, PartnerLink, PersonMerge, RunStatus
from .permissions import can_review_pair, merges_visible_to, pairs_visible_to, partner_links_visible_to
from .resolve import group_ids, groups_of

QUEUE_LIMIT = 200


def run_list(*, actor: Actor, limit: int = 20) -> list[LinkageRun]:
    if not actor.has(Perm.LINKAGE_RUN):
        raise PermissionDenied()
    return list(LinkageRun.objects.defer("model").order_by("-requested_at")[:limit])


def run_in_progress(*, actor: Actor) -> bool:
    """Whether a run is queued or running (one run at a time)."""
    if not actor.has(Perm.LINKAGE_RUN):
        raise PermissionDenied()
    return LinkageRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists()


def run_get(*, actor: Actor, run_id: uuid.UUID | str) -> LinkageRun:
    if not actor.has(Perm.LINKAGE_RUN):
        raise PermissionDenied()
    run = LinkageRun.objects.defer("model").filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run


@dataclass
class Group:
    """A group in which the current run put more than two records, as far as the actor may see it: its pairs
    that the actor may review (those with a record of the actor's institution)."""

    number: int  # in the order the queue first shows the group
    pairs: list[CandidatePair]

    @property
    def records(self) -> int:
        return len({pk for pair in self.pairs for pk in (pair.left_id, pair.right_id)})


def visible_groups(actor: Actor, clusters: set[str]) -> dict[str, list[CandidatePair]]:
    """The current run's pairs that the actor may review in each of these groups, strongest first."""
    found: dict[str, list[CandidatePair]] = {}
    if not clusters:
        return found
    pairs = (
        pairs_visible_to(actor)
        .filter(run__is_current=True, cluster__in=clusters)
        .select_related("left_org", "right_org")
        .order_by("-match_weight", "pk")
    )
    for pair in pairs:
        found.setdefault(pair.cluster, []).append(pair)
    return found


@dataclass
class QueueRow:
    pair: CandidatePair
    group: Group | None  # None: the pair is its group, or the grouping kept its records apart (see ``grouped``)
    answered: bool = False  # the actor's institution has answered (a pair confirmed by one side: which one)

    @property
    def grouped(self) -> bool:
        return bool(self.pair.cluster)


@dataclass
class Queue:
    rows: list[QueueRow]
    merges: list[PersonMerge]
    partner_links: list[PartnerLink]
    run: LinkageRun | None
    confirmed_links: list[PartnerLink] = field(default_factory=list)

    @property
    def pairs(self) -> list[CandidatePair]:
        return [row.pair for row in self.rows]


def _rows(actor: Actor, pairs: list[CandidatePair]) -> list[QueueRow]:
    # Groups are numbered as the list first shows them; only groups of three records or more are named, a
    # pair alone being its own group.
    members = visible_groups(actor, {pair.cluster for pair in pairs if pair.cluster})
    groups: dict[str, Group] = {}
    rows = []
    for pair in pairs:
        group = None
        if len(members.get(pair.cluster, ())) > 1:
            group = groups.setdefault(pair.cluster, Group(number=len(groups) + 1, pairs=members[pair.cluster]))
        answered = any(d.organization_id == actor.org_pk for d in pair.decisions.all())
        rows.append(QueueRow(pair=pair, group=group, answered=answered))
    return rows


@transaction.atomic
def review_queue(*, actor: Actor, status: str = "open") -> Queue:
    if not actor.has(Perm.LINKAGE_REVIEW):
        raise PermissionDenied()
    run = LinkageRun.objects.defer("model").filter(is_current=True).first()
    pairs = (
        pairs_visible_to(actor)
        .filter(run__is_current=True)
        .select_related("left_org", "right_org")
        .prefetch_related("decisions")
    )
    if status == "open":
        pairs = pairs.filter(status__in=[PairStatus.PENDING, PairStatus.CONFIRMED, PairStatus.UNMERGED])
    elif status in PairStatus.values:
        pairs = pairs.filter(status=status)
    merges = list(
        merges_visible_to(actor)
        .filter(undone_at__isnull=True)
        .select_related("survivor__owner_org", "absorbed__owner_org", "pair__run")
        .order_by("-merged_at")[:QUEUE_LIMIT]
    )
    visible_links = partner_links_visible_to(actor).select_related("partner_import")
    links = list(visible_links.filter(status=PairStatus.PENDING)[:QUEUE_LIMIT])
    # Confirmed links stay listed for follow-up (asking the partner for the case through the agreed channel).
    confirmed = list(
        visible_links.filter(status=PairStatus.CONFIRMED)
        .select_related("decided_by")
        .order_by("-decided_at", "pk")[:QUEUE_LIMIT]
    )
    rows = _rows(actor, list(pairs[:QUEUE_LIMIT]))
    audit_record(
        actor=actor,
        action="linkage.queue.view",
        details={
            "pairs": len(rows),
            "merges": len(merges),
            "partner_links": len(links),
            "confirmed_links": len(confirmed),
        },
    )
    return Queue(rows=rows, merges=merges, partner_links=links, run=run, confirmed_links=confirmed)


def reviewable_pair_id(*, actor: Actor, pair_id: int | None) -> int | None:
    """``pair_id`` if it is a pair of the current run that the actor may open, else None."""
    if pair_id is None:
        return None
    pair = CandidatePair.objects.filter(pk=pair_id, run__is_current=True).first()
    return pair.pk if pair is not None and can_review_pair(actor, pair) else None


def merge_pair_id(*, actor: Actor, merge_id: uuid.UUID) -> int | None:
    """The pair a merge the actor may see was made on (or re-pointed to), undone or not."""
    return merges_visible_to(actor).filter(pk=merge_id).values_list("pair_id", flat=True).first()


def current_pair_id(*, actor: Actor, pair_id: int) -> int | None:
    """The current run's pair of the same two records as ``pair_id`` (itself if it is current), if the actor
    may open it: where a page opened before a newer run leads."""
    pair = CandidatePair.objects.filter(pk=pair_id).first()
    if pair is None or not can_review_pair(actor, pair):
        return None
    current = CandidatePair.objects.filter(run__is_current=True, left_id=pair.left_id, right_id=pair.right_id).first()
    return reviewable_pair_id(actor=actor, pair_id=current.pk if current is not None else None)


@dataclass
class Side:
    person_id: uuid.UUID
    organization: Any
    own: bool  # the actor's institution's record: shown in clear
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class PairView:
    pair: CandidatePair
    left: Side
    right: Side
    evidence: list[dict[str, Any]]
    decided_by_my_institution: str
    waiting_for_other: bool
    merge: PersonMerge | None
    # the two records are one person already, through merges made on other pairs (no merge of this pair's own)
    one_person: bool = False
    # confirming now merges (every other institution of the pair has confirmed), else it waits for them
    confirm_merges: bool = True
    # the other pairs of the group the run put both records in, that the actor may review; see ``grouped``
    # (the page lists the strongest 50: a larger group is namesakes, not one person's records)
    group_pairs: list[CandidatePair] = field(default_factory=list)

    @property
    def grouped(self) -> bool:
        return bool(self.pair.cluster)

    @property
    def group_records(self) -> int:
        return len({pk for p in [self.pair, *self.group_pairs] for pk in (p.left_id, p.right_id)})


def _side(actor: Actor, person: Any) -> Side:
    # can_view_person also keeps a protected witness's identity within the protection team.
    own = can_view_person(actor, person)
    side = Side(person_id=person.pk, organization=person.owner_org, own=own)
    if own:
        low, high = person.age_range_on(datetime.date.today())
        side.fields = {
            "name": person.full_name,
            "aliases": ", ".join(str(a) for a in person.aliases or []),
            "date_of_birth": person.date_of_birth,
            "age": (low, high),
            "gender": person.get_gender_display(),
            "nationalities": list(person.nationalities or []),  # codes: the template names the countries
            "documents": [str(d.number) for d in person.documents.all()],
            # compared by the model too: the reviewer sees what "phone: same" or "address: similar" refers to
            "phone": str(person.phone or ""),
            "address": str(person.address or ""),
            "email": str(person.email or ""),
            "place": ", ".join(
                name
                for name in (
                    municipality_name(person.residence_municipality),
                    department_name(person.residence_department),
                )
                if name
            ),
        }
    return side


@transaction.atomic
def pair_view(*, actor: Actor, pair_id: int) -> PairView:
    if not actor.has(Perm.LINKAGE_REVIEW):
        raise PermissionDenied()
    pair = (
        CandidatePair.objects.filter(pk=pair_id, run__is_current=True)
        .select_related("left__owner_org", "right__owner_org")
        .first()
    )
    if pair is None or not can_review_pair(actor, pair):
        raise NotFound()
    decisions = {d.organization_id: d.decision for d in pair.decisions.all()}
    mine = decisions.get(actor.org_pk, "")
    # The active merge of these two records, made on this pair or on the same records' pair of an earlier run.
    merge = (
        PersonMerge.objects.filter(undone_at__isnull=True)
        .filter(Q(pair=pair) | Q(pair__left_id=pair.left_id, pair__right_id=pair.right_id))
        .first()
    )
    groups = groups_of([pair.left_id, pair.right_id])
    confirmed = {org for org, d in decisions.items() if d == Decision.CONFIRM}
    view = PairView(
        pair=pair,
        left=_side(actor, pair.left),
        right=_side(actor, pair.right),
        evidence=evidence_rows(pair.evidence),
        decided_by_my_institution=mine,
        waiting_for_other=mine == Decision.CONFIRM and pair.status == PairStatus.CONFIRMED,
        merge=merge,
        one_person=merge is None and groups[pair.left_id].canonical == groups[pair.right_id].canonical,
        confirm_merges=pair.organizations <= confirmed | {actor.org_pk},
        group_pairs=[p for p in visible_groups(actor, {pair.cluster} - {""}).get(pair.cluster, []) if p.pk != pair.pk],
    )
    audit_record(
        actor=actor,
        action="linkage.pair.view",
        target_type="candidate_pair",
        target_id=pair.pk,
        details={
            "own_records": int(view.left.own) + int(view.right.own),
            # the records whose identity the page shows, as person.view names its person
            "persons_shown": [str(side.person_id) for side in (view.left, view.right) if side.own],
            "group_pairs": len(view.group_pairs),
        },
    )
    return view


def linked_person_ids(person_id: uuid.UUID | str) -> set[uuid.UUID]:
    """The records merged with this person (itself included): what cases and referrals follow."""
    return group_ids(person_id)
