"""Reintegration screens. Thin: parse the form, call a selector or service, render or redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from amparo.accounts.roles import Perm
from amparo.core.exceptions import StaleEdit, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import selectors, services
from .forms import GoalForm, VisitForm
from .permissions import can_edit_reintegration


def _case_url(case_id: Any, anchor: str = "") -> str:
    return reverse("reintegration:case", args=[case_id]) + (f"#{anchor}" if anchor else "")


@requires(Perm.CASE_VIEW)
def due_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.follow_ups_due_for(actor=actor_from(request))
    return render(request, "reintegration/due.html", {"rows": rows})


@requires(Perm.CASE_VIEW)
def case_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.reintegration_get_for_view(actor=actor, case_id=case_id)
    return render(
        request,
        "reintegration/case.html",
        {
            "view": view,
            "case": view.case,
            "can_edit": can_edit_reintegration(actor, view.case),
            "today": timezone.localdate(),
        },
    )


def _editable_case(request: HttpRequest, case_id: uuid.UUID) -> Any:
    actor = actor_from(request)
    case = selectors.case_for_form(actor=actor, case_id=case_id)
    if not can_edit_reintegration(actor, case):
        raise PermissionDenied()
    return case


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def goal_new_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = GoalForm(request.POST or None, case=case, initial={"area": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.goal_add(
                actor=actor_from(request),
                case_id=case.pk,
                area=d["area"],
                description=d["description"],
                institution_id=d["institution"].pk if d["institution"] else None,
                referral_id=d["referral"].pk if d["referral"] else None,
                status=d["status"],
                target_date=d["target_date"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Goal added to the reintegration plan."))
            return redirect(_case_url(case.pk, "goals"))
    return render(
        request,
        "reintegration/form.html",
        {"case": case, "form": form, "title": _("Add a reintegration goal")},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def goal_edit_view(request: HttpRequest, goal_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    goal = selectors.goal_for_edit(actor=actor, goal_id=goal_id)
    case = goal.plan.case
    if not can_edit_reintegration(actor, case):
        raise PermissionDenied()
    initial = {
        "area": goal.area,
        "description": goal.description,
        "institution": goal.institution_id,
        "referral": goal.referral_id,
        "status": goal.status,
        "target_date": goal.target_date,
        "version": goal.version,
    }
    form = GoalForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.goal_update(
                actor=actor,
                goal_id=goal.pk,
                expected_version=d["version"],
                area=d["area"],
                description=d["description"],
                institution_id=d["institution"].pk if d["institution"] else None,
                referral_id=d["referral"].pk if d["referral"] else None,
                status=d["status"],
                target_date=d["target_date"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        except StaleEdit as exc:
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = GoalForm(data, case=case, initial=initial)  # the goal's own referral and institution stay choosable
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else changed this goal meanwhile. Nothing was saved. Review the goal and save "
                    "again to apply your values."
                ),
            )
        else:
            messages.success(request, _("Goal saved."))
            return redirect(_case_url(case.pk, "goals"))
    return render(
        request,
        "reintegration/form.html",
        {"case": case, "form": form, "title": _("Edit the reintegration goal")},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def visit_new_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, case_id)
    actor = actor_from(request)
    initial = {
        "date": timezone.localdate(),
        "visited_by": actor.user_pk,
        "follow_up": request.GET.get("follow_up") or None,
    }
    form = VisitForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.visit_record(
                actor=actor,
                case_id=case.pk,
                date=d["date"],
                modality=d["modality"],
                outcome=d["outcome"],
                visited_by_id=d["visited_by"],
                notes=d["notes"],
                follow_up_id=d["follow_up"].pk if d["follow_up"] else None,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Follow-up recorded."))
            if visit.outcome in services.ALERT_OUTCOMES:
                messages.warning(request, _("The supervisor has been alerted to this outcome."))
            return redirect(_case_url(case.pk, "visits"))
    return render(
        request,
        "reintegration/form.html",
        {"case": case, "form": form, "title": _("Record a follow-up")},
        status=400 if request.method == "POST" else 200,
    )
