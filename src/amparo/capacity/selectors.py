"""Reads of the capacity app, scoped to the actor."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.stats.disclosure import is_small, threshold_from_settings

from . import indicators
from .models import Indicator, Participant, PlanAction, PreventionActivity, ProgressEntry, TargetGroup, Training
from .permissions import can_manage_training, can_report_on


def _require_view(actor: Actor) -> None:
    if not actor.has(Perm.CAPACITY_VIEW):
        raise PermissionDenied()


def training_list(*, actor: Actor, year: int | None = None) -> QuerySet[Training]:
    _require_view(actor)
    rows = Training.objects.select_related("organization").annotate(
        trained=Count("participants", filter=Q(participants__attended=True)),
        registered=Count("participants"),
    )
    if year:
        rows = rows.filter(start_date__year=year)
    return rows.order_by("-start_date")


@dataclass
class TrainingView:
    training: Training
    can_manage: bool
    by_role: list[dict[str, Any]]
    trained: int
    planned: int
    pre_avg: float | None
    post_avg: float | None
    participants: list[Participant] = field(default_factory=list)  # only for the organizing institution
    started: bool = True  # participants are recorded once the training has started


@transaction.atomic
def training_get(*, actor: Actor, training_id: uuid.UUID) -> TrainingView:
    """A training with its figures; the organizing institution's managers also see the participants
    (their names are identifying data: showing them is audited)."""
    _require_view(actor)
    training = Training.objects.select_related("organization").filter(pk=training_id).first()
    if training is None:
        raise NotFound()
    manage = can_manage_training(actor, training)
    attended = training.participants.filter(attended=True)
    labels = dict(TargetGroup.choices)
    by_role = [
        {"role": r["role"], "label": labels.get(r["role"], r["role"]), "n": r["n"]}
        for r in attended.values("role").annotate(n=Count("id")).order_by("role")
    ]
    scores = attended.aggregate(pre=Avg("pre_score"), post=Avg("post_score"))
    participants = list(training.participants.select_related("institution").order_by("role")) if manage else []
    named = sum(1 for p in participants if p.name)
    if named:
        audit_record(
            actor=actor,
            action="training.participants_view",
            target_type="training",
            target_id=training.pk,
            details={"named": named},
        )
    return TrainingView(
        training=training,
        can_manage=manage,
        by_role=by_role,
        trained=attended.count(),
        planned=training.planned_participants,
        pre_avg=scores["pre"],
        post_avg=scores["post"],
        participants=participants,
        started=training.start_date <= timezone.localdate(),
    )


def training_for_edit(*, actor: Actor, training_id: uuid.UUID) -> Training:
    """A training its organizing institution's managers may edit; 404 for everybody else."""
    _require_view(actor)
    training = Training.objects.prefetch_related("co_organizers").filter(pk=training_id).first()
    if training is None or not can_manage_training(actor, training):
        raise NotFound()
    return training


@transaction.atomic
def participant_for_edit(*, actor: Actor, training_id: uuid.UUID, participant_id: uuid.UUID) -> Participant:
    """A participant of a training the actor's institution organizes, for its managers; 404 for everybody
    else. Showing a participant's name is a view of identifying data: audited (without the name)."""
    training = training_for_edit(actor=actor, training_id=training_id)
    participant = training.participants.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound()
    if participant.name:
        audit_record(
            actor=actor,
            action="training.participants_view",
            target_type="training",
            target_id=training.pk,
            details={"named": 1},
        )
    return participant


def prevention_list(*, actor: Actor, year: int | None = None) -> QuerySet[PreventionActivity]:
    _require_view(actor)
    rows = PreventionActivity.objects.select_related("organization")
    if year:
        rows = rows.filter(start_date__year=year)
    return rows.order_by("-start_date")


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: Decimal | None
    suppressed: bool
    source: str
    target: Decimal | None
    progress: list[Any]
    can_report: bool
    small: bool = True  # when suppressed: published as below the threshold (else: hidden to protect another)


@dataclass
class ActionRow:
    action: PlanAction
    indicators: list[IndicatorRow]


def plan_overview(*, actor: Actor, year: int | None = None) -> list[ActionRow]:
    """Every action with its indicators for a year: computed ones from the records (counts below the
    disclosure threshold are not shown), manual ones from the latest progress entry with a value."""
    _require_view(actor)
    year = year or datetime.date.today().year
    threshold = threshold_from_settings()
    published: dict[str, tuple[Decimal | None, bool, bool]] = {}
    rows = []
    actions = PlanAction.objects.prefetch_related("responsible", "indicators__targets", "indicators__progress")
    for action in actions:
        reporter = can_report_on(actor, action)
        items = []
        for indicator in action.indicators.all():
            target = next((t.value for t in indicator.targets.all() if t.year == year), None)
            progress = [p for p in indicator.progress.all() if p.year == year]
            suppressed, small = False, True
            if indicator.computed:
                label, _function = indicators.COMPUTED.get(indicator.computed, ("", None))
                if indicator.computed not in published:
                    published[indicator.computed] = _computed_as_published(indicator.computed, year, threshold)
                value, suppressed, small = published[indicator.computed]
                source = str(label)
            else:
                value = next((p.value for p in progress if p.value is not None), None)
                source = indicator.source
            items.append(IndicatorRow(indicator, value, suppressed, source, target, progress, reporter, small))
        rows.append(ActionRow(action, items))
    return rows


def _computed_as_published(key: str, year: int, threshold: int) -> tuple[Decimal | None, bool, bool]:
    """A computed indicator for a calendar year as the statistics publish it for that year: the same
    count, hidden the same way (a count the dashboard hides to protect a small one must not be shown
    here, or the small one could be worked out). Returns (value, suppressed, published as small)."""
    from amparo.stats import publish
    from amparo.stats.aggregates import Filters, Period

    filters = Filters(Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if key == "victims_identified":
        victims, small = publish.victims_headline(filters, threshold)
        return (None, True, small) if victims is None else (Decimal(victims), False, False)
    if key in ("people_trained", "judges_trained"):
        chart = publish.chart("trainings", filters, threshold)
        assert chart.series is not None
        if key == "people_trained":
            total = chart.series.total
            return (None, True, chart.series.total_small) if total is None else (Decimal(total), False, False)
        if "judges" not in chart.codes:
            return Decimal(0), False, False
        i = chart.codes.index("judges")
        count = chart.series.values[i]
        return (None, True, chart.series.is_small(i)) if count is None else (Decimal(count), False, False)
    if key == "referrals_on_time":
        # a rate from hidden counts would give them away (with the published number sent, the number on time)
        chart = publish.chart("referrals_timeliness", filters, threshold)
        assert chart.series is not None
        on_time = dict(zip(chart.codes, chart.series.values, strict=True)).get("on_time", 0)
        if chart.series.total == 0:
            return None, False, False
        if on_time is None or chart.series.total is None:
            return None, True, False
        return indicators.compute(key, year), False, False
    value = indicators.compute(key, year)
    if value is not None and key != "prevention_reach" and is_small(int(value), threshold):
        return None, True, True
    return value, False, False


def training_totals(*, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Planned vs trained in a period (for the report and the dashboard)."""
    trainings = Training.objects.filter(start_date__range=(start, end))
    planned = sum(t.planned_participants for t in trainings.only("planned_participants"))
    trained = Participant.objects.filter(training__in=trainings, attended=True).count()
    return {"events": trainings.count(), "planned": planned, "trained": trained}


def can_see_participants(actor: Actor, training: Training) -> bool:
    return can_manage_training(actor, training)


def progress_entry_for_edit(*, actor: Actor, entry_id: int) -> ProgressEntry | None:
    """A progress entry the user's institution reported (the only ones it may correct)."""
    return (
        ProgressEntry.objects.select_related("indicator__action")
        .filter(pk=entry_id, organization_id=actor.org_pk)
        .first()
    )
