"""Writes of the capacity app: trainings and participants, prevention activities, the national plan."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.core.geo import DEPARTMENTS
from amparo.organizations.models import Organization

from . import indicators
from .models import (
    ActivityKind,
    Axis,
    Indicator,
    IndicatorTarget,
    Medium,
    Participant,
    PlanAction,
    PreventionActivity,
    ProgressEntry,
    Sex,
    TargetGroup,
    Topic,
    Training,
)
from .permissions import can_report_on

MAX_DAYS = 366


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _check_dates(errors: _Errors, start: datetime.date | None, end: datetime.date | None) -> None:
    if start is None:
        errors.add("start_date", _("Give the start date."))
    if end is None:
        errors.add("end_date", _("Give the end date."))
    if start and end and end < start:
        errors.add("end_date", _("The end date is before the start date."))
    if start and end and (end - start).days > MAX_DAYS:
        errors.add("end_date", _("An activity lasts at most a year: record each year apart."))


def _check_codes(errors: _Errors, name: str, codes: Sequence[str], allowed: Sequence[str], required: bool) -> None:
    if required and not codes:
        errors.add(name, _("Choose at least one."))
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        errors.add(name, _("Unknown codes: %(codes)s") % {"codes": ", ".join(unknown)})


def _check_department(errors: _Errors, code: str) -> None:
    if code and code not in DEPARTMENTS:
        errors.add("department", _("Unknown department."))


@dataclass
class TrainingInput:
    title: str
    start_date: datetime.date
    end_date: datetime.date
    topics: list[str]
    target_groups: list[str]
    funders: str = ""
    place: str = ""
    department: str = ""
    planned_participants: int = 0
    co_organizer_ids: Sequence[int] = ()


def _check_training(errors: _Errors, data: TrainingInput) -> list[Organization]:
    """The rules of a training's description, the same when it is recorded and when it is edited;
    returns the co-organizers."""
    if not data.title.strip():
        errors.add("title", _("Give the training a title."))
    _check_dates(errors, data.start_date, data.end_date)
    _check_codes(errors, "topics", data.topics, Topic.values, True)
    _check_codes(errors, "target_groups", data.target_groups, TargetGroup.values, True)
    _check_department(errors, data.department)
    if data.planned_participants < 0:
        errors.add("planned_participants", _("The number cannot be negative."))
    co_organizers = list(Organization.objects.filter(pk__in=data.co_organizer_ids))
    if len(co_organizers) != len(set(data.co_organizer_ids)):
        errors.add("co_organizers", _("Unknown institution."))
    return co_organizers


def _training_values(data: TrainingInput) -> dict[str, object]:
    return {
        "title": data.title.strip(),
        "funders": data.funders.strip(),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "place": data.place.strip(),
        "department": data.department,
        "topics": list(dict.fromkeys(data.topics)),
        "target_groups": list(dict.fromkeys(data.target_groups)),
        "planned_participants": data.planned_participants,
    }


@transaction.atomic
def training_create(*, actor: Actor, data: TrainingInput) -> Training:
    if not actor.has(Perm.CAPACITY_MANAGE):
        raise PermissionDenied()
    errors = _Errors()
    co_organizers = _check_training(errors, data)
    errors.raise_if_any()
    training = Training.objects.create(
        organization_id=actor.org_pk, created_by_id=actor.user_pk, **_training_values(data)
    )
    training.co_organizers.set(co_organizers)
    audit_record(
        actor=actor,
        action="training.created",
        target_type="training",
        target_id=training.pk,
        details={"topics": training.topics, "target_groups": training.target_groups},
    )
    return training


def _own_training(actor: Actor, training_id: uuid.UUID | str) -> Training:
    if not actor.has(Perm.CAPACITY_MANAGE):
        raise PermissionDenied()
    training = Training.objects.select_for_update().filter(pk=training_id, organization_id=actor.org_pk).first()
    if training is None:
        raise NotFound()
    return training


@transaction.atomic
def training_update(*, actor: Actor, training_id: uuid.UUID | str, data: TrainingInput) -> Training:
    """Correct a training's description: its organizing institution's managers only (404 for the others),
    with the rules of ``training_create``. A training with participants cannot move into the future
    (participants are recorded once a training has taken place)."""
    training = _own_training(actor, training_id)
    errors = _Errors()
    co_organizers = _check_training(errors, data)
    if data.start_date and data.start_date > timezone.localdate() and training.participants.exists():
        errors.add(
            "start_date",
            _("Participants are already recorded: the training cannot start after today."),
        )
    errors.raise_if_any()
    values = _training_values(data)
    changed = [name for name, value in values.items() if getattr(training, name) != value]
    if {o.pk for o in training.co_organizers.all()} != {o.pk for o in co_organizers}:
        changed.append("co_organizers")
    for name, value in values.items():
        setattr(training, name, value)
    training.save(update_fields=list(values))
    training.co_organizers.set(co_organizers)
    audit_record(
        actor=actor,
        action="training.updated",
        target_type="training",
        target_id=training.pk,
        details={"fields": changed},
    )
    return training


@dataclass
class ParticipantInput:
    role: str
    sex: str = Sex.UNKNOWN
    institution_id: int | None = None
    institution_other: str = ""
    name: str = ""
    attended: bool = True
    pre_score: int | None = None
    post_score: int | None = None


def _check_participant(errors: _Errors, training: Training, data: ParticipantInput) -> None:
    """The rules of a participant, the same when added and when edited."""
    if training.start_date > timezone.localdate():
        # Participants count as trained in the statistics and the plan: not before the training takes place.
        errors.add(
            "training",
            _(
                "The training has not started yet (it starts on %(date)s): "
                "record its participants once it has taken place."
            )
            % {"date": formats.date_format(training.start_date, "SHORT_DATE_FORMAT")},
        )
    if data.role not in TargetGroup.values:
        errors.add("role", _("Choose a role."))
    if data.sex not in Sex.values:
        errors.add("sex", _("Choose a value."))
    if data.institution_id is None and not data.institution_other.strip():
        errors.add("institution", _("Give the participant's institution."))
    if data.institution_id is not None and not Organization.objects.filter(pk=data.institution_id).exists():
        errors.add("institution", _("Unknown institution."))
    for name, score in (("pre_score", data.pre_score), ("post_score", data.post_score)):
        if score is not None and not 0 <= score <= 100:
            errors.add(name, _("A score is between 0 and 100."))
    if not data.attended and data.post_score is not None:
        errors.add("post_score", _("Someone who did not attend has no post-test score."))


def _participant_values(data: ParticipantInput) -> dict[str, object]:
    return {
        "institution_id": data.institution_id,
        "institution_other": data.institution_other.strip(),
        "role": data.role,
        "sex": data.sex,
        "name": data.name.strip() or None,
        "attended": data.attended,
        "pre_score": data.pre_score,
        "post_score": data.post_score,
    }


@transaction.atomic
def participant_add(*, actor: Actor, training_id: uuid.UUID | str, data: ParticipantInput) -> Participant:
    training = _own_training(actor, training_id)
    errors = _Errors()
    _check_participant(errors, training, data)
    errors.raise_if_any()
    participant = Participant.objects.create(training=training, **_participant_values(data))
    audit_record(
        actor=actor,
        action="training.participant_added",
        target_type="training",
        target_id=training.pk,
        details={"role": data.role, "attended": data.attended},
    )
    return participant


@transaction.atomic
def participant_update(
    *, actor: Actor, training_id: uuid.UUID | str, participant_id: uuid.UUID | str, data: ParticipantInput
) -> Participant:
    """Correct a participant: the organizing institution's managers only (404 for the others), with the
    rules of ``participant_add``. The audit event names the fields changed, never their values (the name
    is identifying data)."""
    training = _own_training(actor, training_id)
    participant = Participant.objects.select_for_update().filter(pk=participant_id, training=training).first()
    if participant is None:
        raise NotFound()
    errors = _Errors()
    _check_participant(errors, training, data)
    errors.raise_if_any()
    values = _participant_values(data)
    changed = [name.removesuffix("_id") for name, value in values.items() if getattr(participant, name) != value]
    for name, value in values.items():
        setattr(participant, name, value)
    participant.save(update_fields=[name.removesuffix("_id") for name in values])
    audit_record(
        actor=actor,
        action="training.participant_updated",
        target_type="training",
        target_id=training.pk,
        details={"fields": changed, "role": data.role, "attended": data.attended},
    )
    return participant


@transaction.atomic
def participant_remove(*, actor: Actor, training_id: uuid.UUID | str, participant_id: uuid.UUID | str) -> bool:
    """Remove a participant of one's own training (404 for another institution's). False, with nothing
    done, when the participant is no longer there (a second click)."""
    training = _own_training(actor, training_id)
    deleted, _detail = Participant.objects.filter(pk=participant_id, training=training).delete()
    if not deleted:
        return False
    audit_record(actor=actor, action="training.participant_removed", target_type="training", target_id=training.pk)
    return True


@dataclass
class ActivityInput:
    kind: str
    title: str
    start_date: datetime.date
    end_date: datetime.date
    department: str = ""
    media: list[str] | None = None
    languages: str = ""
    target_groups: list[str] | None = None
    estimated_reach: int = 0
    participants: int = 0


@transaction.atomic
def prevention_create(*, actor: Actor, data: ActivityInput) -> PreventionActivity:
    if not actor.has(Perm.CAPACITY_MANAGE):
        raise PermissionDenied()
    errors = _Errors()
    if data.kind not in ActivityKind.values:
        errors.add("kind", _("Choose a kind of activity."))
    if not data.title.strip():
        errors.add("title", _("Give the activity a title."))
    _check_dates(errors, data.start_date, data.end_date)
    _check_department(errors, data.department)
    media, groups = data.media or [], data.target_groups or []
    _check_codes(errors, "media", media, Medium.values, data.kind == ActivityKind.CAMPAIGN)
    _check_codes(errors, "target_groups", groups, TargetGroup.values, False)
    if data.estimated_reach < 0:
        errors.add("estimated_reach", _("The number cannot be negative."))
    if data.participants < 0:
        errors.add("participants", _("The number cannot be negative."))
    if data.kind == ActivityKind.WORKSHOP and data.participants == 0:
        errors.add("participants", _("Give the number of workshop participants."))
    errors.raise_if_any()
    activity = PreventionActivity.objects.create(
        organization_id=actor.org_pk,
        kind=data.kind,
        title=data.title.strip(),
        start_date=data.start_date,
        end_date=data.end_date,
        department=data.department,
        media=media,
        languages=data.languages.strip(),
        target_groups=groups,
        estimated_reach=data.estimated_reach,
        participants=data.participants,
        created_by_id=actor.user_pk,
    )
    audit_record(
        actor=actor,
        action="prevention.created",
        target_type="prevention_activity",
        target_id=activity.pk,
        details={"kind": data.kind, "reach": data.estimated_reach},
    )
    return activity


# ------------------------------------------------------------------------------------------ the plan


@transaction.atomic
def plan_action_create(*, actor: Actor, code: str, title: str, axis: str, responsible_ids: Sequence[int]) -> PlanAction:
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    errors = _Errors()
    code = code.strip()
    responsible = _check_action(errors, code, title, axis, responsible_ids)
    if code and PlanAction.objects.filter(code=code).exists():
        errors.add("code", _("An action with this code exists."))
    errors.raise_if_any()
    action = PlanAction.objects.create(code=code, title=title.strip(), axis=axis)
    action.responsible.set(responsible)
    audit_record(
        actor=actor,
        action="plan.action_created",
        target_type="plan_action",
        target_id=action.pk,
        details={"axis": axis, "responsible": len(responsible)},
    )
    return action


def _check_action(
    errors: _Errors, code: str, title: str, axis: str, responsible_ids: Sequence[int]
) -> list[Organization]:
    if not code:
        errors.add("code", _("Give the action a code (e.g. 2.3)."))
    if not title.strip():
        errors.add("title", _("Describe the action."))
    if axis not in Axis.values:
        errors.add("axis", _("Choose an axis."))
    responsible = list(Organization.objects.filter(pk__in=responsible_ids))
    if not responsible or len(responsible) != len(set(responsible_ids)):
        errors.add("responsible", _("Choose the responsible institutions."))
    return responsible


@transaction.atomic
def plan_action_update(
    *, actor: Actor, action_id: int, code: str, title: str, axis: str, responsible_ids: Sequence[int]
) -> PlanAction:
    """Change an action of the plan: its code, wording, axis and responsible institutions."""
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    action = PlanAction.objects.select_for_update().filter(pk=action_id).first()
    if action is None:
        raise NotFound()
    errors = _Errors()
    code = code.strip()
    responsible = _check_action(errors, code, title, axis, responsible_ids)
    if code and PlanAction.objects.filter(code=code).exclude(pk=action.pk).exists():
        errors.add("code", _("An action with this code exists."))
    errors.raise_if_any()
    before = {o.pk for o in action.responsible.all()}
    changed = [
        name
        for name, value in (("code", code), ("title", title.strip()), ("axis", axis))
        if getattr(action, name) != value
    ]
    if before != {o.pk for o in responsible}:
        changed.append("responsible")
    action.code, action.title, action.axis = code, title.strip(), axis
    action.save(update_fields=["code", "title", "axis"])
    action.responsible.set(responsible)
    audit_record(
        actor=actor,
        action="plan.action_updated",
        target_type="plan_action",
        target_id=action.pk,
        details={"fields": changed},
    )
    return action


def _check_indicator(
    errors: _Errors, name: str, computed: str, source: str, baseline: Decimal | None, baseline_year: int | None
) -> None:
    if not name.strip():
        errors.add("name", _("Name the indicator."))
    if computed and computed not in indicators.COMPUTED:
        errors.add("computed", _("Unknown computed indicator."))
    if not computed and not source.strip():
        errors.add("source", _("A manual indicator needs its source (e.g. the institution's report)."))
    if (baseline is None) != (baseline_year is None):
        errors.add("baseline_year", _("Give the baseline with its year."))
    if baseline_year is not None and not 2000 <= baseline_year <= 2100:
        errors.add("baseline_year", _("Give a year between 2000 and 2100."))


@transaction.atomic
def indicator_update(
    *,
    actor: Actor,
    indicator_id: int,
    name: str,
    unit: str = "",
    computed: str = "",
    source: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
) -> Indicator:
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    indicator = Indicator.objects.select_for_update().filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound()
    errors = _Errors()
    _check_indicator(errors, name, computed, source, baseline, baseline_year)
    if computed and indicator.progress.exclude(value=None).exists():
        errors.add("computed", _("Progress values were entered by hand for this indicator: it cannot become computed."))
    errors.raise_if_any()
    values = {
        "name": name.strip(),
        "unit": unit.strip(),
        "computed": computed,
        "source": source.strip(),
        "baseline": baseline,
        "baseline_year": baseline_year,
    }
    changed = [k for k, v in values.items() if getattr(indicator, k) != v]
    for k, v in values.items():
        setattr(indicator, k, v)
    indicator.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="plan.indicator_updated",
        target_type="indicator",
        target_id=indicator.pk,
        details={"fields": changed},
    )
    return indicator


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    action_id: int,
    name: str,
    unit: str = "",
    computed: str = "",
    source: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    targets: dict[int, Decimal] | None = None,
) -> Indicator:
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    action = PlanAction.objects.filter(pk=action_id).first()
    if action is None:
        raise NotFound()
    errors = _Errors()
    _check_indicator(errors, name, computed, source, baseline, baseline_year)
    for year, value in (targets or {}).items():
        if not 2000 <= year <= 2100:
            errors.add("target_year", _("Give a year between 2000 and 2100."))
        if value < 0:
            errors.add("target_value", _("A target cannot be negative."))
    errors.raise_if_any()
    indicator = Indicator.objects.create(
        action=action,
        name=name.strip(),
        unit=unit.strip(),
        computed=computed,
        source=source.strip(),
        baseline=baseline,
        baseline_year=baseline_year,
    )
    for year, value in (targets or {}).items():
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=value)
    audit_record(
        actor=actor,
        action="plan.indicator_created",
        target_type="indicator",
        target_id=indicator.pk,
        details={"computed": computed or "manual", "targets": len(targets or {})},
    )
    return indicator


@transaction.atomic
def target_set(*, actor: Actor, indicator_id: int, year: int, value: Decimal) -> IndicatorTarget:
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound()
    errors = _Errors()
    if not 2000 <= year <= 2100:
        errors.add("year", _("Give a year between 2000 and 2100."))
    if value < 0:
        errors.add("value", _("A target cannot be negative."))
    errors.raise_if_any()
    target, _created = IndicatorTarget.objects.update_or_create(
        indicator=indicator, year=year, defaults={"value": value}
    )
    audit_record(
        actor=actor, action="plan.target_set", target_type="indicator", target_id=indicator.pk, details={"year": year}
    )
    return target


@transaction.atomic
def target_remove(*, actor: Actor, indicator_id: int, year: int) -> None:
    if not actor.has(Perm.PLAN_MANAGE):
        raise PermissionDenied()
    if not Indicator.objects.filter(pk=indicator_id).exists():
        raise NotFound()
    deleted, _by_model = IndicatorTarget.objects.filter(indicator_id=indicator_id, year=year).delete()
    if not deleted:  # already removed (a second click): nothing to do
        return
    audit_record(
        actor=actor,
        action="plan.target_removed",
        target_type="indicator",
        target_id=indicator_id,
        details={"year": year},
    )


@transaction.atomic
def progress_add(*, actor: Actor, indicator_id: int, year: int, value: Decimal | None, note: str) -> ProgressEntry:
    """An institution responsible for the action reports on it (a value only for manual indicators)."""
    if not actor.has(Perm.PLAN_REPORT):
        raise PermissionDenied()
    indicator = Indicator.objects.select_related("action").filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound()
    if not can_report_on(actor, indicator.action):
        raise PermissionDenied()
    errors = _Errors()
    if not 2000 <= year <= 2100:
        errors.add("year", _("Give a year between 2000 and 2100."))
    if indicator.computed and value is not None:
        errors.add("value", _("This indicator is computed from the records: report progress as a note."))
    if value is None and not note.strip():
        errors.add("note", _("Give a value or describe the progress."))
    errors.raise_if_any()
    entry = ProgressEntry.objects.create(
        indicator=indicator,
        organization_id=actor.org_pk,
        year=year,
        value=value,
        note=note.strip(),
        entered_by_id=actor.user_pk,
    )
    audit_record(
        actor=actor,
        action="plan.progress_added",
        target_type="indicator",
        target_id=indicator.pk,
        details={"year": year, "has_value": value is not None},
    )
    return entry


@transaction.atomic
def progress_update(*, actor: Actor, entry_id: int, year: int, value: Decimal | None, note: str) -> ProgressEntry:
    """Correct a progress entry: only the institution that reported it (404 for the others)."""
    if not actor.has(Perm.PLAN_REPORT):
        raise PermissionDenied()
    entry = (
        ProgressEntry.objects.select_for_update()
        .select_related("indicator__action")
        .filter(pk=entry_id, organization_id=actor.org_pk)
        .first()
    )
    if entry is None:
        raise NotFound()
    if not can_report_on(actor, entry.indicator.action):
        raise PermissionDenied()
    errors = _Errors()
    if not 2000 <= year <= 2100:
        errors.add("year", _("Give a year between 2000 and 2100."))
    if entry.indicator.computed and value is not None:
        errors.add("value", _("This indicator is computed from the records: report progress as a note."))
    if value is None and not note.strip():
        errors.add("note", _("Give a value or describe the progress."))
    errors.raise_if_any()
    entry.year, entry.value, entry.note = year, value, note.strip()
    entry.save(update_fields=["year", "value", "note"])
    audit_record(
        actor=actor,
        action="plan.progress_updated",
        target_type="indicator",
        target_id=entry.indicator_id,
        details={"entry": entry.pk, "year": year, "has_value": value is not None},
    )
    return entry
