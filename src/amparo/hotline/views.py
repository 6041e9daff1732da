from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.exceptions import StaleEdit, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires
from amparo.organizations.models import Organization

from . import reference, selectors, services
from .forms import (
    AssignForm,
    CallForm,
    CaseForm,
    ComplaintForm,
    DutyShiftForm,
    FollowUpForm,
    LookupForm,
    StatsForm,
    UpdateForm,
)
from .models import CallCenter, CallStatus, Duty
from .permissions import (
    can_file_complaint_from,
    can_open_case_from,
    can_work_call,
    is_hotline_staff,
    is_hotline_supervisor,
)


def _staff_or_403(request: HttpRequest) -> None:
    if not is_hotline_staff(actor_from(request)):
        raise DjangoPermissionDenied()


def _flash_errors(request: HttpRequest, exc: ValidationFailed) -> None:
    for msgs in exc.errors.values():
        for msg in msgs:
            messages.error(request, msg)


@requires(Perm.HOTLINE_TAKE)
def queue_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    _staff_or_403(request)
    tab = request.GET.get("tab", "new")
    status = request.GET.get("status", "")
    status = status if status in CallStatus.values else ""
    try:
        organization_id = int(request.GET.get("institution", "") or 0) or None
    except ValueError:
        organization_id = None
    queue = selectors.call_queue(actor=actor, tab=tab, status=status, organization_id=organization_id)
    return render(
        request,
        "hotline/queue.html",
        {
            "queue": queue,
            "is_supervisor": is_hotline_supervisor(actor),
            "statuses": CallStatus.choices,
            "status": status,
            "institutions": Organization.objects.filter(pk__in=CallCenter.objects.values("organization")),
            "institution": organization_id,
        },
    )


@sensitive_post_parameters("summary", "caller_contact")
@requires(Perm.HOTLINE_TAKE)
def call_new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    _staff_or_403(request)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.CallInput(
            channel=d["channel"],
            received_at=d["received_at"],
            language=d["language"],
            caller_type=d["caller_type"],
            summary=d["summary"],
            category=d["category"],
            urgency=d["urgency"],
            department=d["department"],
            municipality=d["municipality"],
            caller_contact=d["caller_contact"],
        )
        try:
            call = services.call_record(actor=actor, data=data, take=d["take"])
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(
                request,
                _("Call recorded. Give the caller the reference code %(code)s.")
                % {"code": reference.display(call.reference_code)},
            )
            return redirect("hotline:detail", call_id=call.pk)
    return render(request, "hotline/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@requires(Perm.HOTLINE_TAKE)
def call_detail_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    call = selectors.call_get_for_view(actor=actor, call_id=call_id)
    supervisor = is_hotline_supervisor(actor)
    update_form = UpdateForm(
        initial={
            "category": call.category,
            "urgency": call.urgency,
            "status": call.status if call.status != CallStatus.NEW else CallStatus.IN_PROGRESS,
            "referred_to": call.referred_to_id,
            "version": call.version,
        }
    )
    operators = list(services.hotline_staff_users()) if supervisor else []
    return render(
        request,
        "hotline/detail.html",
        {
            "call": call,
            "code": reference.display(call.reference_code),
            "follow_ups": selectors.follow_ups_of(call),
            "alerts": selectors.alerts_of(call),
            "can_work": can_work_call(actor, call),
            "can_take": call.is_open and call.handler_id is None,
            "can_open_case": call.case_id is None and can_open_case_from(actor, call),
            "case_visible": call.case is not None and _case_visible(actor, call.case),
            "can_file_complaint": call.complaint_id is None and can_file_complaint_from(actor, call),
            "update_form": update_form,
            "assign_form": AssignForm(initial={"handler": call.handler_id}, operators=operators)
            if supervisor
            else None,
        },
    )


def _case_visible(actor: object, case: object) -> bool:
    from amparo.cases.permissions import can_view_case

    return can_view_case(actor, case)  # type: ignore[arg-type]


@requires(Perm.HOTLINE_TAKE)
@require_POST
def call_take_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    try:
        services.call_take(actor=actor_from(request), call_id=call_id)
    except ValidationFailed as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("You are handling this call."))
    return redirect("hotline:detail", call_id=call_id)


@requires(Perm.HOTLINE_TAKE)
@require_POST
def call_update_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    selectors.call_find(actor=actor_from(request), call_id=call_id)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("hotline:detail", call_id=call_id)
    d = form.cleaned_data
    try:
        call = services.call_update(
            actor=actor_from(request),
            call_id=call_id,
            category=d["category"],
            urgency=d["urgency"],
            status=d["status"],
            referred_to_id=d["referred_to"].pk if d["referred_to"] else None,
            expected_version=d["version"],
        )
    except ValidationFailed as exc:
        _flash_errors(request, exc)
    except StaleEdit:
        messages.error(request, _("Someone else changed this call after you opened it: review it and try again."))
    else:
        messages.success(request, _("Call updated."))
        if call.is_urgent_rescue:
            messages.warning(request, _("Urgent rescue request: see below who was alerted."))
    return redirect("hotline:detail", call_id=call_id)


@requires(Perm.HOTLINE_SUPERVISE)
@require_POST
def call_assign_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    selectors.call_find(actor=actor, call_id=call_id)
    form = AssignForm(request.POST, operators=list(services.hotline_staff_users()))
    handler_id = form.cleaned_data["handler"] if form.is_valid() else 0  # 0: refused by the service
    try:
        services.call_assign(actor=actor, call_id=call_id, handler_id=handler_id)
    except ValidationFailed as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Call reassigned."))
    return redirect("hotline:detail", call_id=call_id)


@sensitive_post_parameters("summary")
@requires(Perm.HOTLINE_TAKE)
def call_follow_up_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    call = selectors.call_get_for_view(actor=actor, call_id=call_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.FollowUpInput(
            channel=d["channel"],
            received_at=d["received_at"],
            language=d["language"],
            caller_type=d["caller_type"],
            summary=d["summary"],
        )
        try:
            services.call_follow_up(actor=actor, call_id=call.pk, data=data)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Follow-up call added to the report."))
            return redirect("hotline:detail", call_id=call.pk)
    return render(
        request,
        "hotline/follow_up.html",
        {"call": call, "form": form, "follow_ups": selectors.follow_ups_of(call)},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("code")
@requires(Perm.HOTLINE_TAKE)
def lookup_view(request: HttpRequest) -> HttpResponse:
    """The caller gives their reference code: the operator finds the report, with no identity asked."""
    actor = actor_from(request)
    _staff_or_403(request)
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.reference_lookup(actor=actor, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            return redirect("hotline:follow_up", call_id=call.pk)
    return render(request, "hotline/lookup.html", {"form": form}, status=400 if request.method == "POST" else 200)


@sensitive_post_parameters()
@requires(Perm.HOTLINE_TAKE)
def call_case_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    call = selectors.call_get_for_view(actor=actor, call_id=call_id)
    if not can_open_case_from(actor, call):
        raise DjangoPermissionDenied()
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_from_call(call, **form.cleaned_data)
        try:
            case = services.call_open_case(actor=actor, call_id=call.pk, person=person)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Victim case %(number)s opened from this call.") % {"number": case.number})
            return redirect("hotline:detail", call_id=call.pk)
    return render(
        request, "hotline/case.html", {"call": call, "form": form}, status=400 if request.method == "POST" else 200
    )


@sensitive_post_parameters("summary")
@requires(Perm.HOTLINE_TAKE)
def call_complaint_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    """The call becomes a complaint (denuncia) received by the Public Ministry or the police."""
    actor = actor_from(request)
    call = selectors.call_get_for_view(actor=actor, call_id=call_id)
    if not can_file_complaint_from(actor, call):
        raise DjangoPermissionDenied()
    form = ComplaintForm(request.POST or None, initial={"summary": call.summary})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.call_file_complaint(
                actor=actor,
                call_id=call.pk,
                receiving_org_id=d["receiving_org"].pk,
                summary=d["summary"],
                link_case=d["link_case"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(
                request,
                _("Complaint %(number)s recorded for %(org)s.")
                % {"number": complaint.number, "org": complaint.receiving_org.name},
            )
            return redirect("hotline:detail", call_id=call.pk)
    return render(
        request, "hotline/complaint.html", {"call": call, "form": form}, status=400 if request.method == "POST" else 200
    )


@requires(Perm.HOTLINE_SUPERVISE)
def stats_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    _staff_or_403(request)
    today = timezone.localdate()
    form = StatsForm(request.GET or {"start": today - datetime.timedelta(days=89), "end": today})
    stats = None
    if form.is_valid():
        stats = selectors.call_statistics(actor=actor, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return render(request, "hotline/stats.html", {"form": form, "stats": stats})


def _officers() -> list[tuple[str, list[object]]]:
    return [(str(label), list(services.duty_candidates(code))) for code, label in Duty.choices]


@requires(Perm.HOTLINE_TAKE)
def roster_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    _staff_or_403(request)
    supervisor = is_hotline_supervisor(actor)
    form = DutyShiftForm(request.POST or None, officers=_officers()) if supervisor else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied()
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.duty_shift_add(
                    actor=actor, user_id=d["user"], duty=d["duty"], starts_at=d["starts_at"], ends_at=d["ends_at"]
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("Shift added to the roster."))
                return redirect("hotline:roster")
    now = timezone.now()
    on_duty = {code: services.on_duty(code, now) for code in Duty.values}
    return render(
        request,
        "hotline/roster.html",
        {
            "shifts": selectors.duty_roster(actor=actor),
            "form": form,
            "now": now,
            "on_duty": [(label, on_duty[code]) for code, label in Duty.choices],
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Perm.HOTLINE_SUPERVISE)
@require_POST
def roster_remove_view(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = actor_from(request)
    if selectors.find_shift(actor=actor, shift_id=shift_id) is None or not services.duty_shift_remove(
        actor=actor, shift_id=shift_id
    ):
        messages.info(request, _("This shift is no longer on the roster: it had already been removed."))
    else:
        messages.success(request, _("Shift removed from the roster."))
    return redirect("hotline:roster")


@requires(Perm.HOTLINE_ALERT)
def alert_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_for_view(actor=actor_from(request), call_id=call_id)
    return render(request, "hotline/alert.html", {"alert": alert, "call": alert.call})


@requires(Perm.HOTLINE_ALERT)
@require_POST
def alert_ack_view(request: HttpRequest, call_id: uuid.UUID) -> HttpResponse:
    services.alert_acknowledge(actor=actor_from(request), call_id=call_id)
    messages.success(request, _("Alert acknowledged: the hotline operator is told."))
    return redirect("hotline:alert", call_id=call_id)
