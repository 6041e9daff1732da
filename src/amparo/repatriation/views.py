"""Repatriation screens. Thin: parse the form, call a selector or service, render or redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from amparo.accounts.roles import Perm
from amparo.cases import selectors as case_selectors
from amparo.cases.permissions import can_edit_case
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import selectors, services
from .forms import ListFilterForm, ReasonForm, StartForm, StepForm
from .permissions import is_team_editor


def _detail(repatriation_id: uuid.UUID) -> HttpResponse:
    return redirect("repatriation:detail", repatriation_id=repatriation_id)


def _upload(request: HttpRequest, form: Any) -> tuple[str, bytes | None]:
    upload = form.cleaned_data.get("file")
    if not upload:
        return "", None
    return upload.name, upload.read(upload.size + 1)  # Django bounded the upload; the size is re-checked


@requires()
def repatriation_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = ListFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    result = selectors.repatriation_list(actor=actor, status=status, overdue_only=overdue)
    return render(request, "repatriation/list.html", {"form": form, "result": result})


@requires(Perm.REPATRIATION_MANAGE)
def repatriation_start_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    case = case_selectors.case_get_for_view(actor=actor, case_id=case_id)
    if not can_edit_case(actor, case):
        raise DjangoPermissionDenied()
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            repatriation = services.repatriation_start(
                actor=actor,
                case_id=case.pk,
                track=d["track"],
                country=d["country"],
                consulate_id=d["consulate"].pk,
                receiving_id=d["receiving"].pk,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Repatriation started. The institutions of the first step were notified."))
            return _detail(repatriation.pk)
    return render(
        request,
        "repatriation/start.html",
        {"case": case, "form": form, "minor": services.treated_as_minor(case)},
        status=400 if request.method == "POST" else 200,
    )


@requires()
def repatriation_detail_view(request: HttpRequest, repatriation_id: uuid.UUID) -> HttpResponse:
    view = selectors.repatriation_get_for_view(actor=actor_from(request), repatriation_id=repatriation_id)
    return render(
        request,
        "repatriation/detail.html",
        {"view": view, "repatriation": view.repatriation, "today": timezone.localdate()},
    )


@sensitive_post_parameters("note")
@requires()
def step_complete_view(request: HttpRequest, repatriation_id: uuid.UUID, step_code: str) -> HttpResponse:
    actor = actor_from(request)
    view, row = selectors.step_for_action(actor=actor, repatriation_id=repatriation_id, step_code=step_code)
    if row.definition.handover:
        return redirect("repatriation:handover", repatriation_id=repatriation_id)
    bound = request.method == "POST"
    form = StepForm(request.POST if bound else None, request.FILES if bound else None, definition=row.definition)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        name, data = _upload(request, form)
        try:
            services.repatriation_step_complete(
                actor=actor,
                repatriation_id=repatriation_id,
                step_code=step_code,
                evidence=d["evidence"],
                note=d["note"],
                family_involved=d.get("family_involved"),
                destination=d.get("destination") or "",
                file_name=name,
                file_data=data,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Step recorded. The next step is open."))
            return _detail(repatriation_id)
    return render(
        request,
        "repatriation/step.html",
        {"view": view, "row": row, "form": form, "handover": False},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("note")
@requires(Perm.REPATRIATION_PARTICIPATE)
def handover_view(request: HttpRequest, repatriation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view, row = selectors.step_for_action(actor=actor, repatriation_id=repatriation_id, handover=True)
    initial = {"destination": view.repatriation.destination}
    bound = request.method == "POST"
    form = StepForm(
        request.POST if bound else None, request.FILES if bound else None, definition=row.definition, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        name, data = _upload(request, form)
        try:
            services.repatriation_handover_confirm(
                actor=actor,
                repatriation_id=repatriation_id,
                destination=d.get("destination") or "",
                evidence=d["evidence"],
                note=d["note"],
                file_name=name,
                file_data=data,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Hand-over confirmed. The repatriation is complete."))
            return _detail(repatriation_id)
    return render(
        request,
        "repatriation/step.html",
        {"view": view, "row": row, "form": form, "handover": True},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("reason")
@requires()
def step_not_applicable_view(request: HttpRequest, repatriation_id: uuid.UUID, step_code: str) -> HttpResponse:
    actor = actor_from(request)
    view, row = selectors.step_for_action(actor=actor, repatriation_id=repatriation_id, step_code=step_code)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.repatriation_step_not_applicable(
                actor=actor, repatriation_id=repatriation_id, step_code=step_code, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Step marked not applicable. The next step is open."))
            return _detail(repatriation_id)
    return render(
        request,
        "repatriation/reason.html",
        {"view": view, "row": row, "form": form, "action": "not_applicable"},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("reason")
@requires(Perm.REPATRIATION_MANAGE)
def repatriation_cancel_view(request: HttpRequest, repatriation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.repatriation_get_for_view(actor=actor, repatriation_id=repatriation_id)
    if not is_team_editor(actor, view.repatriation):
        raise DjangoPermissionDenied()
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.repatriation_cancel(
                actor=actor, repatriation_id=repatriation_id, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Repatriation cancelled. The institutions taking part were notified."))
            return _detail(repatriation_id)
    return render(
        request,
        "repatriation/reason.html",
        {"view": view, "row": None, "form": form, "action": "cancel"},
        status=400 if request.method == "POST" else 200,
    )


@requires()
def step_attachment_view(request: HttpRequest, repatriation_id: uuid.UUID, step_id: uuid.UUID) -> HttpResponse:
    attachment, data = selectors.step_attachment(
        actor=actor_from(request), repatriation_id=repatriation_id, step_id=step_id
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.pk}"'
    response["Cache-Control"] = "no-store"
    return response
