from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires
from amparo.stats.disclosure import threshold_from_settings

from . import selectors, services
from .forms import (
    ActionForm,
    ActivityForm,
    IndicatorEditForm,
    IndicatorForm,
    ParticipantForm,
    ProgressForm,
    TargetForm,
    TrainingForm,
    YearForm,
)
from .models import Indicator, PlanAction, TargetGroup, Topic


def _year(request: HttpRequest) -> tuple[YearForm, int | None]:
    form = YearForm(request.GET or None)
    return form, (form.cleaned_data.get("year") if form.is_valid() else None)


@requires(Perm.CAPACITY_VIEW)
def training_list_view(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    trainings = selectors.training_list(actor=actor_from(request), year=year)
    return render(request, "capacity/trainings.html", {"form": form, "trainings": trainings[:200]})


@requires(Perm.CAPACITY_MANAGE)
def training_new_view(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=actor_from(request), data=_training_input(form.cleaned_data))
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("capacity:training", training_id=training.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/training_new.html", {"form": form}, status=status)


def _training_input(d: dict[str, Any]) -> services.TrainingInput:
    return services.TrainingInput(
        title=d["title"],
        start_date=d["start_date"],
        end_date=d["end_date"],
        topics=d["topics"],
        target_groups=d["target_groups"],
        funders=d["funders"],
        place=d["place"],
        department=d["department"],
        planned_participants=d["planned_participants"],
        co_organizer_ids=[o.pk for o in d["co_organizers"]],
    )


@requires(Perm.CAPACITY_MANAGE)
def training_edit_view(request: HttpRequest, training_id: uuid.UUID) -> HttpResponse:
    """The organizing institution's managers correct a training (404 for the others)."""
    actor = actor_from(request)
    training = selectors.training_for_edit(actor=actor, training_id=training_id)
    initial = {
        name: getattr(training, name)
        for name in (
            "title",
            "start_date",
            "end_date",
            "funders",
            "place",
            "department",
            "planned_participants",
            "topics",
            "target_groups",
        )
    }
    initial["co_organizers"] = list(training.co_organizers.all())
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(actor=actor, training_id=training.pk, data=_training_input(form.cleaned_data))
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Training saved."))
            return redirect("capacity:training", training_id=training.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/training_edit.html", {"form": form, "training": training}, status=status)


@requires(Perm.CAPACITY_VIEW)
def training_detail_view(request: HttpRequest, training_id: uuid.UUID) -> HttpResponse:
    view = selectors.training_get(actor=actor_from(request), training_id=training_id)
    return render(request, "capacity/training.html", {"view": view, "form": ParticipantForm(), **_labels(view)})


def _labels(view: selectors.TrainingView) -> dict[str, list[str]]:
    topics, groups = dict(Topic.choices), dict(TargetGroup.choices)
    return {
        "topics": [str(topics.get(c, c)) for c in view.training.topics],
        "groups": [str(groups.get(c, c)) for c in view.training.target_groups],
    }


@requires(Perm.CAPACITY_MANAGE)
@require_POST
def participant_add_view(request: HttpRequest, training_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        try:
            services.participant_add(actor=actor, training_id=training_id, data=_participant_input(form.cleaned_data))
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Participant added."))
            return redirect("capacity:training", training_id=training_id)
    view = selectors.training_get(actor=actor, training_id=training_id)
    if not view.can_manage:
        raise NotFound()
    return render(request, "capacity/training.html", {"view": view, "form": form, **_labels(view)}, status=400)


def _participant_input(d: dict[str, Any]) -> services.ParticipantInput:
    return services.ParticipantInput(
        role=d["role"],
        sex=d["sex"],
        institution_id=d["institution"].pk if d["institution"] else None,
        institution_other=d["institution_other"],
        name=d["name"],
        attended=d["attended"],
        pre_score=d["pre_score"],
        post_score=d["post_score"],
    )


@requires(Perm.CAPACITY_MANAGE)
def participant_edit_view(request: HttpRequest, training_id: uuid.UUID, participant_id: uuid.UUID) -> HttpResponse:
    """The organizing institution's managers correct a participant (404 for the others)."""
    actor = actor_from(request)
    participant = selectors.participant_for_edit(actor=actor, training_id=training_id, participant_id=participant_id)
    initial = {
        "role": participant.role,
        "sex": participant.sex,
        "institution": participant.institution_id,
        "institution_other": participant.institution_other,
        "name": participant.name or "",
        "attended": participant.attended,
        "pre_score": participant.pre_score,
        "post_score": participant.post_score,
    }
    form = ParticipantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(
                actor=actor,
                training_id=training_id,
                participant_id=participant.pk,
                data=_participant_input(form.cleaned_data),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Participant saved."))
            return redirect("capacity:training", training_id=training_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "capacity/participant_edit.html",
        {"form": form, "training": participant.training, "participant": participant},
        status=status,
    )


@requires(Perm.CAPACITY_MANAGE)
@require_POST
def participant_remove_view(request: HttpRequest, training_id: uuid.UUID, participant_id: uuid.UUID) -> HttpResponse:
    if services.participant_remove(actor=actor_from(request), training_id=training_id, participant_id=participant_id):
        messages.success(request, _("Participant removed."))
    else:
        messages.info(request, _("This participant had already been removed."))
    return redirect("capacity:training", training_id=training_id)


@requires(Perm.CAPACITY_VIEW)
def prevention_list_view(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    activities = selectors.prevention_list(actor=actor_from(request), year=year)
    return render(request, "capacity/prevention.html", {"form": form, "activities": activities[:200]})


@requires(Perm.CAPACITY_MANAGE)
def prevention_new_view(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            data = services.ActivityInput(**{k: v for k, v in d.items() if k != "channels"}, media=d["channels"])
            services.prevention_create(actor=actor_from(request), data=data)
        except ValidationFailed as exc:
            add_service_errors(form, {("channels" if k == "media" else k): v for k, v in exc.errors.items()})
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("capacity:prevention")
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/prevention_new.html", {"form": form}, status=status)


@requires(Perm.CAPACITY_VIEW)
def plan_view(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    year = year or timezone.localdate().year
    if not form.errors:  # the box shows the year the page shows (a wrong year stays, with its error)
        form = YearForm(initial={"year": year})
    actor = actor_from(request)
    rows = [
        (
            row,
            [
                # one form per indicator, each with its own ids (id_progress_<pk>_year...) so labels work
                (item, ProgressForm(initial={"year": year}, auto_id=f"id_progress_{item.indicator.pk}_%s"))
                for item in row.indicators
            ],
        )
        for row in selectors.plan_overview(actor=actor, year=year)
    ]
    return render(
        request,
        "capacity/plan.html",
        {
            "form": form,
            "rows": rows,
            "year": year,
            "threshold": threshold_from_settings(),
            "current_org_id": actor.org_pk,
        },
    )


@requires(Perm.PLAN_MANAGE)
def action_new_view(request: HttpRequest) -> HttpResponse:
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_action_create(
                actor=actor_from(request),
                code=d["code"],
                title=d["title"],
                axis=d["axis"],
                responsible_ids=[o.pk for o in d["responsible"]],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Action added to the plan."))
            return redirect("capacity:plan")
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/action_new.html", {"form": form}, status=status)


@requires(Perm.PLAN_MANAGE)
def indicator_new_view(request: HttpRequest, action_id: int) -> HttpResponse:
    action = PlanAction.objects.filter(pk=action_id).first()
    if action is None:
        raise NotFound()
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        targets = {d["target_year"]: d["target_value"]} if d["target_year"] is not None else {}
        try:
            services.indicator_create(
                actor=actor_from(request),
                action_id=action.pk,
                name=d["name"],
                unit=d["unit"],
                computed=d["computed"],
                source=d["source"],
                baseline=d["baseline"],
                baseline_year=d["baseline_year"],
                targets=targets,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("capacity:plan")
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/indicator_new.html", {"form": form, "action": action}, status=status)


@requires(Perm.PLAN_REPORT)
@require_POST
def progress_add_view(request: HttpRequest, indicator_id: int) -> HttpResponse:
    if not Indicator.objects.filter(pk=indicator_id).exists():
        raise NotFound()
    form = ProgressForm(request.POST)
    year = timezone.localdate().year
    if not form.is_valid():
        messages.error(request, _("Give the year and the progress."))
    else:
        d = form.cleaned_data
        year = d["year"]
        try:
            services.progress_add(
                actor=actor_from(request), indicator_id=indicator_id, year=d["year"], value=d["value"], note=d["note"]
            )
        except ValidationFailed as exc:
            for msgs in exc.errors.values():
                for msg in msgs:
                    messages.error(request, msg)
        else:
            messages.success(request, _("Progress recorded."))
    return redirect(f"{_plan_url()}?year={year}")


@requires(Perm.PLAN_MANAGE)
def action_edit_view(request: HttpRequest, action_id: int) -> HttpResponse:
    action = PlanAction.objects.prefetch_related("responsible").filter(pk=action_id).first()
    if action is None:
        raise NotFound()
    initial = {"code": action.code, "title": action.title, "axis": action.axis, "responsible": action.responsible.all()}
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.plan_action_update(
                actor=actor_from(request),
                action_id=action.pk,
                code=d["code"],
                title=d["title"],
                axis=d["axis"],
                responsible_ids=[o.pk for o in d["responsible"]],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Plan action saved."))
            return redirect("capacity:plan")
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/action_edit.html", {"form": form, "action": action}, status=status)


def _indicator_page(
    request: HttpRequest, indicator: Indicator, form: IndicatorEditForm, target_form: TargetForm, status: int
) -> HttpResponse:
    return render(
        request,
        "capacity/indicator_edit.html",
        {"form": form, "target_form": target_form, "indicator": indicator, "targets": indicator.targets.all()},
        status=status,
    )


def _indicator_or_404(indicator_id: int) -> Indicator:
    indicator = Indicator.objects.select_related("action").filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound()
    return indicator


@requires(Perm.PLAN_MANAGE)
def indicator_edit_view(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator_or_404(indicator_id)
    initial = {
        name: getattr(indicator, name) for name in ("name", "unit", "computed", "source", "baseline", "baseline_year")
    }
    form = IndicatorEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.indicator_update(
                actor=actor_from(request),
                indicator_id=indicator.pk,
                name=d["name"],
                unit=d["unit"],
                computed=d["computed"],
                source=d["source"],
                baseline=d["baseline"],
                baseline_year=d["baseline_year"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("capacity:plan")
    status = 400 if request.method == "POST" else 200
    return _indicator_page(request, indicator, form, TargetForm(), status)


@requires(Perm.PLAN_MANAGE)
@require_POST
def target_set_view(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator_or_404(indicator_id)
    target_form = TargetForm(request.POST)
    if target_form.is_valid():
        d = target_form.cleaned_data
        try:
            services.target_set(actor=actor_from(request), indicator_id=indicator.pk, year=d["year"], value=d["value"])
        except ValidationFailed as exc:
            add_service_errors(target_form, exc.errors)
        else:
            messages.success(request, _("Target saved."))
            return redirect("capacity:indicator_edit", indicator_id=indicator.pk)
    initial = {
        name: getattr(indicator, name) for name in ("name", "unit", "computed", "source", "baseline", "baseline_year")
    }
    return _indicator_page(request, indicator, IndicatorEditForm(initial=initial), target_form, 400)


@requires(Perm.PLAN_MANAGE)
@require_POST
def target_remove_view(request: HttpRequest, indicator_id: int, year: int) -> HttpResponse:
    services.target_remove(actor=actor_from(request), indicator_id=indicator_id, year=year)
    messages.success(request, _("Target removed."))
    return redirect("capacity:indicator_edit", indicator_id=indicator_id)


@requires(Perm.PLAN_REPORT)
def progress_edit_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_from(request)
    entry = selectors.progress_entry_for_edit(actor=actor, entry_id=entry_id)
    if entry is None:
        raise NotFound()
    form = ProgressForm(request.POST or None, initial={"year": entry.year, "value": entry.value, "note": entry.note})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.progress_update(actor=actor, entry_id=entry.pk, year=d["year"], value=d["value"], note=d["note"])
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Progress saved."))
            return redirect(f"{_plan_url()}?year={d['year']}")
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/progress_edit.html", {"form": form, "entry": entry}, status=status)


def _plan_url() -> str:
    from django.urls import reverse

    return reverse("capacity:plan")
