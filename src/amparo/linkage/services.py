"""Writes of the linkage app: runs, review decisions, merges and their undoing, partner-link decisions."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed

from . import engine
from .models import (
    CandidatePair,
    Decision,
    LinkageRun,
    PairDecision,
    PairStatus,
    PartnerLink,
    PersonMerge,
    RunStatus,
)
from .permissions import can_review_pair, merges_visible_to, partner_links_visible_to
from .resolve import canonical_id, group_ids, groups_of

SYSTEM = Actor.for_system("task:linkage-run")
# Called in the merge's transaction, once the merge is recorded, by apps whose records follow the merged
# person (cases registers here: the merge may give the person two active cases in one institution).
PERSON_MERGED_HOOKS: list[Callable[[Actor, PersonMerge], object]] = []


def _threshold() -> float:
    return float(getattr(settings, "LINKAGE_THRESHOLD", engine.DEFAULT_THRESHOLD))


@transaction.atomic
def run_request(*, actor: Actor, trigger: str = "web") -> LinkageRun:
    """Queue a duplicate-detection run (the background task does the work). One run at a time."""
    if not actor.system and not actor.has(Perm.LINKAGE_RUN):
        raise PermissionDenied()
    busy = LinkageRun.objects.select_for_update().filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists()
    if busy:
        raise ValidationFailed({"__all__": [_("A run is already in progress.")]})
    run = LinkageRun.objects.create(started_by=actor.user, trigger=trigger[:40], threshold=_threshold())
    audit_record(actor=actor, action="linkage.run.request", target_type="linkage_run", target_id=run.pk)
    from .tasks import execute_run

    transaction.on_commit(functools.partial(execute_run.enqueue, run_id=str(run.pk)), robust=False)
    return run


def _progress(run_id: uuid.UUID, percent: int, stage: str) -> None:
    LinkageRun.objects.filter(pk=run_id).update(progress=percent, stage=stage[:20])


def _evidence(model: dict[str, Any], pair: dict[str, Any]) -> dict[str, dict[str, Any]]:
    evidence: dict[str, dict[str, Any]] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        gamma = pair.get(f"gamma_{name}")
        if gamma is None or gamma < 0:
            label = "missing"
        else:
            label = levels[len(levels) - 1 - int(gamma)].get("label_for_charts", "")
        evidence[name] = {"level": label, "weight": round(float(pair.get(f"mw_{name}") or 0.0), 2)}
    return evidence


def execute_run(run_id: uuid.UUID | str, *, memory_limit: str | None = None) -> bool:
    """The run's body (called by the task). Persons are decrypted into memory only; the new pairs replace
    the review queue in one transaction at the end, so a failure leaves the previous results as they were."""
    from amparo.people.models import Person

    from .records import person_records

    run = LinkageRun.objects.get(pk=run_id)
    LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=1)
    try:
        _progress(run.pk, 5, "decrypt")
        persons = Person.objects.prefetch_related("documents").order_by("pk")
        records = list(person_records(persons.iterator(chunk_size=2000)))
        if len(records) < 2:
            prediction = engine.Prediction(pairs=[], clusters={}, model={}, blocked_pairs=0)
        else:
            prediction = engine.train_and_predict(
                records,
                threshold=run.threshold,
                progress=lambda p, s: _progress(run.pk, p, s),
                memory_limit=str(
                    memory_limit or getattr(settings, "LINKAGE_MEMORY_LIMIT", engine.DEFAULT_MEMORY_LIMIT)
                ),
            )
        count = len(records)
        del records
        _progress(run.pk, 90, "save")
        _save_results(run, prediction, count)
        return True
    except Exception as exc:
        with transaction.atomic():
            LinkageRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), error=type(exc).__name__[:120]
            )
            audit_record(
                actor=SYSTEM,
                action="linkage.run.fail",
                target_type="linkage_run",
                target_id=run.pk,
                details={"error": type(exc).__name__},
            )
        return False


Key = tuple[str, str]


@dataclass
class _Carry:
    """What a new pair inherits from the same two records in the run it replaces."""

    status: str
    decisions: list[PairDecision]
    merges: list[PersonMerge]


def _unchanged_since(decision: PairDecision, updated: dict[str, Any], pair: CandidatePair) -> bool:
    """A decision stands while neither record has been edited after it (Person.updated_at moves on every edit,
    documents included); an answer given on other data goes back to review."""
    return all(
        updated.get(str(pid)) is None or updated[str(pid)] <= decision.decided_at
        for pid in (pair.left_id, pair.right_id)
    )


def _carry_over(keys: set[Key]) -> dict[Key, _Carry]:
    """Statuses and decision records of the current run's pairs, for the pairs the new run finds again.

    - An active merge stays merged, whichever run's pair it was made on (its pair is re-pointed to the new one).
    - A pair marked merged without an active merge row (merged through another pair of the same group) stays
      merged while both records are still one group, else it becomes "merge undone".
    - Confirmations and rejections carry over with who and when, unless a record changed after the decision.
      A rejection from before decisions were recorded has no record to check: it carries over as it is.
    - "Merge undone" stays so (the pair is open for review either way)."""
    from amparo.people.models import Person

    from .resolve import groups_of

    previous = {
        (str(p.left_id), str(p.right_id)): p
        for p in CandidatePair.objects.filter(run__is_current=True)
        .exclude(status=PairStatus.PENDING)
        .prefetch_related("decisions")
        if (str(p.left_id), str(p.right_id)) in keys
    }
    merges: dict[Key, list[PersonMerge]] = {}
    for merge in PersonMerge.objects.filter(undone_at__isnull=True, pair__isnull=False).select_related("pair"):
        key = (str(merge.pair.left_id), str(merge.pair.right_id)) if merge.pair is not None else ("", "")
        if key in keys:
            merges.setdefault(key, []).append(merge)
    involved = {pid for key in set(previous) | set(merges) for pid in key}
    updated = {str(pk): at for pk, at in Person.objects.filter(pk__in=involved).values_list("pk", "updated_at")}
    merged_without_row = [k for k, p in previous.items() if p.status == PairStatus.MERGED and k not in merges]
    groups = groups_of({pid for key in merged_without_row for pid in key})
    carried: dict[Key, _Carry] = {}
    for key in set(previous) | set(merges):
        prev = previous.get(key)
        decisions = list(prev.decisions.all()) if prev is not None else []
        if key in merges or prev is None:
            source = merges[key][0].pair
            if prev is None and source is not None:
                decisions = list(source.decisions.all())
            carried[key] = _Carry(PairStatus.MERGED, decisions, merges[key])
            continue
        if prev.status == PairStatus.MERGED:
            left, right = (uuid.UUID(pid) for pid in key)
            if groups[left].canonical == groups[right].canonical:
                carried[key] = _Carry(PairStatus.MERGED, decisions, [])
            else:
                carried[key] = _Carry(PairStatus.UNMERGED, [], [])
            continue
        standing = [d for d in decisions if _unchanged_since(d, updated, prev)]
        if any(d.decision == Decision.REJECT for d in standing):
            status = PairStatus.REJECTED
        elif standing:
            status = PairStatus.CONFIRMED
        elif prev.status == PairStatus.REJECTED and not decisions:
            status = PairStatus.REJECTED
        elif prev.status == PairStatus.UNMERGED:
            status = PairStatus.UNMERGED
        else:
            status = PairStatus.PENDING
        carried[key] = _Carry(status, standing, [])
    return carried


def _apply_carry_over(pairs: list[CandidatePair], carried: dict[Key, _Carry]) -> None:
    """Copy the decision records (keeping who and when) and re-point active merges to the new pairs."""
    copies: list[PairDecision] = []
    decided_at: list[Any] = []
    moved: list[PersonMerge] = []
    for pair in pairs:
        carry = carried.get((str(pair.left_id), str(pair.right_id)))
        if carry is None:
            continue
        for d in carry.decisions:
            copies.append(
                PairDecision(
                    pair=pair, organization_id=d.organization_id, decided_by_id=d.decided_by_id, decision=d.decision
                )
            )
            decided_at.append(d.decided_at)
        for merge in carry.merges:
            merge.pair = pair
            moved.append(merge)
    PairDecision.objects.bulk_create(copies, batch_size=2000)
    for copy, when in zip(copies, decided_at, strict=True):
        copy.decided_at = when  # bulk_create stamped them now (auto_now_add); keep the original moment
    PairDecision.objects.bulk_update(copies, ["decided_at"], batch_size=2000)
    PersonMerge.objects.bulk_update(moved, ["pair"], batch_size=2000)


def _shared_group(clusters: dict[str, str], left: str, right: str) -> str:
    """The group both records were put in, or "" when the grouping kept them apart (the records linked to
    them weigh against one person): reviewers see which pairs belong together, and which did not."""
    group = clusters.get(left, "")
    return group if group and clusters.get(right) == group else ""


@transaction.atomic
def _save_results(run: LinkageRun, prediction: engine.Prediction, record_count: int) -> None:
    from amparo.people.models import Person

    existing = set(str(pk) for pk in Person.objects.values_list("pk", flat=True))
    pairs = []
    for p in prediction.pairs:
        left, right = sorted((str(p["unique_id_l"]), str(p["unique_id_r"])))
        if left not in existing or right not in existing:
            continue  # deleted while the run was going
        if p["unique_id_l"] != left:
            p["owner_org_l"], p["owner_org_r"] = p["owner_org_r"], p["owner_org_l"]
        pairs.append(
            CandidatePair(
                run=run,
                left_id=left,
                right_id=right,
                left_org_id=p["owner_org_l"],
                right_org_id=p["owner_org_r"],
                match_weight=float(p["match_weight"]),
                match_probability=float(p["match_probability"]),
                evidence=_evidence(prediction.model, p),
                cluster=_shared_group(prediction.clusters, left, right),
            )
        )
    carried = _carry_over({(str(p.left_id), str(p.right_id)) for p in pairs})
    for pair in pairs:
        carry = carried.get((str(pair.left_id), str(pair.right_id)))
        pair.status = carry.status if carry is not None else PairStatus.PENDING
    CandidatePair.objects.bulk_create(pairs, batch_size=2000)
    _apply_carry_over(pairs, carried)
    LinkageRun.objects.filter(is_current=True).update(is_current=False)
    clusters = len({p.cluster for p in pairs if p.cluster})
    LinkageRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        progress=100,
        stage="done",
        record_count=record_count,
        blocked_pairs=prediction.blocked_pairs,
        pair_count=len(pairs),
        cluster_count=clusters,
        model=prediction.model,
        timings={k: round(v, 3) for k, v in prediction.timings.items()},
        threshold=run.threshold if prediction.threshold is None else prediction.threshold,
        is_current=True,
    )
    audit_record(
        actor=SYSTEM,
        action="linkage.run.finish",
        target_type="linkage_run",
        target_id=run.pk,
        details={
            "records": record_count,
            "pairs": len(pairs),
            "clusters": clusters,
            "carried_over": sum(1 for c in carried.values() if c.status != PairStatus.PENDING),
            "reopened": sum(1 for c in carried.values() if c.status == PairStatus.PENDING),
        },
    )


def _pair_for_review(actor: Actor, pair_id: int) -> CandidatePair:
    if not actor.has(Perm.LINKAGE_REVIEW):
        raise PermissionDenied()
    pair = CandidatePair.objects.select_for_update(of=("self",)).filter(pk=pair_id).select_related("run").first()
    if pair is None or not can_review_pair(actor, pair):
        raise NotFound()
    if not pair.run.is_current:
        # a page opened before a newer run replaced the queue: its decisions carried over to the new pairs
        raise ValidationFailed(
            {"__all__": [_("This pair is from an earlier run; a newer run has replaced it. Review it again.")]}
        )
    return pair


def _merge(actor: Actor, pair: CandidatePair) -> PersonMerge | None:
    from amparo.people.models import Person

    left, right = canonical_id(pair.left_id), canonical_id(pair.right_id)
    if left == right:
        return None
    older, newer = sorted(Person.objects.filter(pk__in=[left, right]), key=lambda p: (p.created_at, str(p.pk)))
    merge = PersonMerge.objects.create(survivor=older, absorbed=newer, pair=pair, merged_by=actor.user)
    for hook in PERSON_MERGED_HOOKS:
        hook(actor, merge)
    return merge


@transaction.atomic
def pair_decide(*, actor: Actor, pair_id: int, decision: str) -> CandidatePair:
    """Record the actor's institution's answer. A rejection closes the pair; the pair is merged once every
    institution whose record it involves has confirmed."""
    pair = _pair_for_review(actor, pair_id)
    if decision not in Decision.values:
        raise ValidationFailed({"decision": [_("Choose whether they are the same person.")]})
    if pair.status not in (PairStatus.PENDING, PairStatus.CONFIRMED, PairStatus.UNMERGED):
        raise ValidationFailed({"__all__": [_("This pair has already been decided.")]})
    if pair.decisions.filter(organization_id=actor.org_pk, decision=decision).exists():
        # the same answer twice (a double submit): nothing changes, nothing is audited again
        raise ValidationFailed({"__all__": [_("Your institution has already given this answer.")]})
    PairDecision.objects.update_or_create(
        pair=pair,
        organization_id=actor.org_pk,
        defaults={"decision": decision, "decided_by": actor.user, "decided_at": timezone.now()},
    )
    merge = None
    if decision == Decision.REJECT:
        pair.status = PairStatus.REJECTED
    else:
        confirmed = set(pair.decisions.filter(decision=Decision.CONFIRM).values_list("organization_id", flat=True))
        if pair.organizations <= confirmed:
            merge = _merge(actor, pair)
            pair.status = PairStatus.MERGED
        else:
            pair.status = PairStatus.CONFIRMED
    pair.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"linkage.pair.{decision}",
        target_type="candidate_pair",
        target_id=pair.pk,
        details={"status": pair.status, "merged": merge is not None, "cross_institution": len(pair.organizations) > 1},
    )
    return pair


@transaction.atomic
def merge_undo(*, actor: Actor, merge_id: uuid.UUID | str) -> PersonMerge:
    """Undo a merge: the records were never changed, so marking the merge undone restores them exactly.

    The pair goes back to review ("merge undone") in the current run, whichever run's pair the merge was made
    on; the merge's ``pair`` then names the current run's pair of the same records, if there is one. Pairs
    marked merged because their records had become one person through other merges go back to review too,
    when this undo separates them."""
    if not actor.has(Perm.LINKAGE_REVIEW):
        raise PermissionDenied()
    merge = (
        merges_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("survivor", "absorbed", "pair")
        .filter(pk=merge_id)
        .first()
    )
    if merge is None:
        raise NotFound()
    if merge.undone_at is not None:
        raise ValidationFailed({"__all__": [_("This merge has already been undone.")]})
    group = group_ids(merge.survivor_id)
    merge.undone_at = timezone.now()
    merge.undone_by = actor.user
    reopened: list[int] = []
    if merge.pair is not None:
        current = CandidatePair.objects.filter(
            run__is_current=True, left_id=merge.pair.left_id, right_id=merge.pair.right_id
        ).first()
        ids = {merge.pair.pk} | ({current.pk} if current is not None else set())
        reopened = list(CandidatePair.objects.filter(pk__in=ids, status=PairStatus.MERGED).values_list("pk", flat=True))
        if current is not None:
            merge.pair = current
    merge.save(update_fields=["undone_at", "undone_by", "pair"])
    reopened += _separated_pairs(group, exclude=set(reopened))
    CandidatePair.objects.filter(pk__in=reopened).update(status=PairStatus.UNMERGED)
    PairDecision.objects.filter(pair_id__in=reopened).delete()
    audit_record(
        actor=actor,
        action="linkage.merge.undo",
        target_type="person_merge",
        target_id=merge.pk,
        details={"reopened_pairs": sorted(reopened)},
    )
    return merge


def _separated_pairs(group: set[uuid.UUID], exclude: set[int]) -> list[int]:
    """The current run's pairs marked merged without a merge of their own (their records had become one
    person through other pairs) whose records an undo has just separated."""
    pairs = [
        p
        for p in CandidatePair.objects.filter(run__is_current=True, status=PairStatus.MERGED, left_id__in=group)
        .filter(right_id__in=group)
        .exclude(pk__in=exclude)
        .exclude(pk__in=PersonMerge.objects.filter(undone_at__isnull=True, pair__isnull=False).values("pair_id"))
    ]
    groups = groups_of({pid for p in pairs for pid in (p.left_id, p.right_id)})
    return [p.pk for p in pairs if groups[p.left_id].canonical != groups[p.right_id].canonical]


@transaction.atomic
def partner_link_decide(*, actor: Actor, link_id: int, decision: str) -> PartnerLink:
    if not actor.has(Perm.LINKAGE_REVIEW):
        raise PermissionDenied()
    link = partner_links_visible_to(actor).select_for_update().filter(pk=link_id).first()
    if link is None:
        raise NotFound()
    if decision not in Decision.values:
        raise ValidationFailed({"decision": [_("Choose whether they are the same person.")]})
    if link.status != PairStatus.PENDING:
        raise ValidationFailed({"__all__": [_("This link has already been decided.")]})
    link.status = PairStatus.CONFIRMED if decision == Decision.CONFIRM else PairStatus.REJECTED
    link.decided_by = actor.user
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action=f"linkage.partner_link.{decision}", target_type="partner_link", target_id=link.pk)
    return link


def open_items_q() -> Q:
    return Q(status__in=[PairStatus.PENDING, PairStatus.CONFIRMED, PairStatus.UNMERGED])
