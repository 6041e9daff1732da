"""Case screens. Thin: parse the form, call a selector or service, render or redirect."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership
from amparo.accounts.roles import Perm
from amparo.core.exceptions import StaleEdit, TamperedCiphertext, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires
from amparo.people.integrity import mark_unreadable
from amparo.people.views import tampered_response

from . import selectors, services
from .forms import (
    AttachmentForm,
    CarePlanForm,
    CaseFilterForm,
    ClosureForm,
    ConsentForm,
    DeliveryForm,
    DetermineForm,
    EventForm,
    NoteForm,
    ReviewForm,
    RiskForm,
    ScreeningForm,
    TaskForm,
    TeamForm,
    TransitionForm,
    WithdrawForm,
)
from .identity import hidden_as
from .models import CarePlan, CarePlanStatus, Case, Consent, Task
from .permissions import can_edit_case, can_supervise_case, supervisors_of
from .vocab import CLOSABLE_FROM, INDICATORS, TRANSITIONS, CaseStatus

Perform = Callable[[Actor, Case, dict[str, Any]], object]


def _members(case: Case) -> list[tuple[int, str]]:
    memberships = Membership.objects.filter(organization_id=case.owner_org_id, is_active=True).select_related("user")
    seen: dict[int, str] = {}
    for m in memberships.order_by("user__username"):
        seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
    return list(seen.items())


def _detail_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


@requires(Perm.CASE_VIEW)
def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    scope = request.GET.get("scope", "mine")
    if scope not in ("mine", "unit", "all") or (scope != "mine" and not actor.has(Perm.CASE_SUPERVISE)):
        scope = "mine"
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters(scope=scope)
    if form.is_valid():
        for name, value in form.cleaned_data.items():
            setattr(filters, name, value)
    page = selectors.case_list(actor=actor, filters=filters, cursor=request.GET.get("after", ""))
    overdue = list(selectors.overdue_tasks(actor=actor)[:20])
    # One record failing its integrity check shows a placeholder (reported) instead of failing the whole list.
    mark_unreadable(actor=actor, records=[c.person for c in page.cases if not getattr(c, "hidden_as", "")])
    mark_unreadable(actor=actor, records=overdue, fields=("title",), reported_as=_as_its_case)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "scope": scope, "query": query.urlencode(), "overdue": overdue},
    )


def _as_its_case(task: Model) -> tuple[str, object]:
    """A task's title failing its check is reported as its case's, as the case page reports it."""
    assert isinstance(task, Task)
    return "case", task.case_id


@requires(Perm.CASE_CREATE)
@require_POST
def case_open_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    try:
        case = services.case_open(actor=actor_from(request), person_id=person_id)
    except ValidationFailed as exc:
        # Back to the person's page (its open cases are listed there), with the reason.
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("people:detail", person_id=person_id)
    messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
    return redirect(_detail_url(case))


@requires(Perm.CASE_VIEW)
def case_detail_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    case = selectors.case_get_for_view(actor=actor, case_id=case_id)
    try:
        context = _detail_context(actor, case)
        _decrypt_shown(context)
    except TamperedCiphertext:
        # The case's id, not the person's: a protected witness's person id is not shown outside their team.
        return tampered_response(request, "case", case.pk)
    return render(request, "cases/detail.html", context)


# The encrypted values the case page shows, decrypted before rendering so that a tampered one is reported
# (409, audited) instead of failing half-way through the template.
_SHOWN_ENCRYPTED = {
    "events": ("description",),
    "deliveries": ("notes",),
    "tasks": ("title",),
    "notes": ("body",),
    "attachments": ("filename", "description"),
    "history": ("reason",),
}


def _decrypt_shown(context: dict[str, Any]) -> None:
    for key, names in _SHOWN_ENCRYPTED.items():
        for obj in context[key]:
            for name in names:
                getattr(obj, name)
    plan = context["plan"]
    if plan is not None:
        plan.goals, plan.review_comment  # noqa: B018


def _detail_context(actor: Actor, case: Case) -> dict[str, Any]:
    from amparo.referrals.models import Referral
    from amparo.reintegration.selectors import case_summary

    plan = CarePlan.objects.filter(case=case).prefetch_related("services__provider").first()
    editable = can_edit_case(actor, case)
    pseudonym = hidden_as(actor, case)
    return {
        "case": case,
        # Outside a witness's protection team: the pseudonym, no link, no age group.
        "hidden": bool(pseudonym),
        "person_name": pseudonym or case.person.full_name,
        "can_edit": editable,
        # A closed case takes only notes, tasks, files, consents and team changes until it is reopened.
        "can_work": editable and case.status != CaseStatus.CLOSED,
        "can_supervise": can_supervise_case(actor, case),
        # After a merge of person records: the person's other active case(s) in this institution.
        "other_active": selectors.other_active_cases(actor=actor, case=case),
        "transitions": [CaseStatus(s) for s in sorted(TRANSITIONS.get(case.status, ()))] if editable else [],
        "can_request_closure": editable and case.status in CLOSABLE_FROM and not case.closure_requested,
        "screening": case.screenings.first(),
        "events": list(case.events.all()),
        "consents": list(case.consents.all()),
        "consent_assistance": services.has_consent(case, "assistance"),
        "risk": case.risk_assessments.first(),
        "plan": plan,
        "plan_submittable": editable
        and case.status != CaseStatus.CLOSED
        and plan is not None
        and plan.status in (CarePlanStatus.DRAFT, CarePlanStatus.RETURNED),
        "plan_reviewable": plan is not None and plan.status == CarePlanStatus.SUBMITTED,
        "deliveries": list(case.deliveries.select_related("provider")),
        "tasks": list(case.tasks.select_related("assigned_to")),
        "notes": list(case.notes.select_related("author")[:50]),
        "attachments": list(case.attachments.all()),
        "history": list(case.status_changes.select_related("actor")),
        "assigned": list(case.assigned.all()),
        "today": timezone.localdate(),
        "referrals": list(Referral.objects.filter(case=case).select_related("to_org").order_by("-sent_at")),
        "can_refer": editable and case.status != CaseStatus.CLOSED and actor.has(Perm.REFERRAL_SEND),
        "reintegration": case_summary(case),
        **_repatriation_context(actor, case, editable),
    }


def _repatriation_context(actor: Actor, case: Case, editable: bool) -> dict[str, Any]:
    """The case's repatriations (amparo.repatriation) and whether the team can start one."""
    from amparo.repatriation.models import Repatriation, RepatriationStatus

    if not actor.has(Perm.REPATRIATION_MANAGE):
        return {"show_repatriations": False}
    repatriations = list(Repatriation.objects.filter(case=case).order_by("-started_at"))
    in_progress = any(r.status == RepatriationStatus.IN_PROGRESS for r in repatriations)
    return {
        "show_repatriations": True,
        "repatriations": repatriations,
        "can_repatriate": editable and case.status != CaseStatus.CLOSED and not in_progress,
    }


def _action(
    request: HttpRequest,
    case_id: uuid.UUID,
    form_class: type[Any],
    perform: Perform,
    *,
    title: str,
    anchor: str,
    form_kwargs: Callable[[Case], dict[str, Any]] | None = None,
    supervise: bool = False,
    template: str = "cases/action.html",
) -> HttpResponse:
    """GET shows the form; POST calls the service; errors come back on the same form, nothing saved."""
    actor = actor_from(request)
    case = selectors.case_get_for_view(actor=actor, case_id=case_id)
    if not (can_supervise_case(actor, case) if supervise else can_edit_case(actor, case)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied()
    extra = form_kwargs(case) if form_kwargs else {}
    conflict: list[tuple[Any, str]] = []
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **extra) if request.FILES else form_class(request.POST, **extra)
        if form.is_valid():
            try:
                perform(actor, case, form.cleaned_data)
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            except StaleEdit as exc:
                # Keep what this user typed, show what the other person saved, and take the new version:
                # saving again applies this user's values on top (an explicit merge, never a silent one).
                current = _initial(case, form_class)
                conflict = [
                    (form.fields[f].label, _display(form.fields[f], current.get(f)))
                    for f in exc.changed_fields
                    if f in form.fields
                ]
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form = form_class(data, **extra)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else changed this meanwhile. Nothing was saved. Their values are "
                        "listed above the form; adjust yours and save again to merge."
                    ),
                )
            else:
                messages.success(request, _("Saved."))
                return redirect(_detail_url(case, anchor))
        status = 400
    else:
        form = form_class(initial=_initial(case, form_class), **extra)
        status = 200
    return render(
        request,
        template,
        {"case": case, "form": form, "title": title, "multipart": form_class is AttachmentForm, "conflict": conflict},
        status=status,
    )


def _display(field: Any, value: Any) -> str:
    """A stored value as the form would show it (choice labels instead of codes)."""
    choices = dict(getattr(field, "choices", []) or [])
    values = value if isinstance(value, list | tuple | set) else [value]
    shown = [str(choices.get(v, v)) for v in values if v not in (None, "")]
    return ", ".join(shown) or "—"


def _initial(case: Case, form_class: type[Any]) -> dict[str, Any]:
    today = timezone.localdate()
    if form_class is TeamForm:
        return {
            "priority": case.priority,
            "supervisor": case.supervisor_id,
            "assigned": list(case.assigned.values_list("pk", flat=True)),
            "version": case.version,
        }
    if form_class is CarePlanForm:
        plan = CarePlan.objects.filter(case=case).prefetch_related("services").first()
        if plan is None:
            return {}
        services_planned = list(plan.services.all())
        return {
            "goals": plan.goals,
            "services": [s.service_type for s in services_planned],
            "provider": services_planned[0].provider_id if services_planned else None,
            "due_date": services_planned[0].due_date if services_planned else None,
            "version": plan.version,
        }
    if form_class in (ConsentForm, DeliveryForm):
        return {"given_on": today, "start_date": today}
    if form_class is ScreeningForm:
        last = case.screenings.first()  # a new screening starts from the previous answers
        return dict(last.answers) if last else {}
    if form_class is DetermineForm:
        screening = case.screenings.first()
        return {"status": screening.proposed_status if screening else case.trafficking_status}
    return {}


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def screening_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    def perform(actor: Actor, case: Case, data: dict[str, Any]) -> object:
        answers = {i.code: data[i.code] for i in INDICATORS}
        notes = {i.code: data[f"note_{i.code}"] for i in INDICATORS}
        return services.screening_record(actor=actor, case_id=case.pk, answers=answers, notes=notes)

    return _action(
        request,
        case_id,
        ScreeningForm,
        perform,
        title=_("Identification screening"),
        anchor="identification",
        template="cases/screening.html",
    )


@requires(Perm.CASE_EDIT)
def determine_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        DetermineForm,
        lambda a, c, d: services.case_determine_status(
            actor=a, case_id=c.pk, status=d["status"], determined_by=d["determined_by"]
        ),
        title=_("Trafficking status"),
        anchor="identification",
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def event_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    def perform(actor: Actor, case: Case, d: dict[str, Any]) -> object:
        data = dict(d)
        data["forms"] = data.pop("exploitation_forms")
        return services.event_add(actor=actor, case_id=case.pk, data=services.EventInput(**data))

    return _action(request, case_id, EventForm, perform, title=_("Trafficking event"), anchor="events")


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def consent_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        ConsentForm,
        lambda a, c, d: services.consent_record(
            actor=a,
            case_id=c.pk,
            scopes=d["scopes"],
            given_by=d["given_by"],
            given_on=d["given_on"],
            giver_name=d["giver_name"],
            reference=d["reference"],
            referral_services=d["referral_services"],
        ),
        title=_("Informed consent"),
        anchor="consent",
    )


@requires(Perm.CASE_EDIT)
@require_POST
def consent_withdraw_view(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    form = WithdrawForm(request.POST)
    form.is_valid()
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None:
        raise Http404()
    try:
        services.consent_withdraw(
            actor=actor_from(request), consent_id=consent_id, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.success(request, _("Consent withdrawn. It no longer applies anywhere."))
    return redirect(_detail_url(consent.case, "consent"))


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def risk_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        RiskForm,
        lambda a, c, d: services.risk_assess(actor=a, case_id=c.pk, levels=d, notes=d.get("notes", "")),
        title=_("Risk assessment"),
        anchor="risk",
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def care_plan_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    def perform(actor: Actor, case: Case, d: dict[str, Any]) -> object:
        provider = d["provider"].pk if d["provider"] else None
        planned = [services.PlannedServiceInput(s, provider, d["due_date"]) for s in d["services"]]
        return services.care_plan_save(
            actor=actor, case_id=case.pk, goals=d["goals"], services=planned, expected_version=d["version"]
        )

    return _action(request, case_id, CarePlanForm, perform, title=_("Care plan"), anchor="care-plan")


@requires(Perm.CASE_EDIT)
@require_POST
def care_plan_submit_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _post_then_detail(request, case_id, "care-plan", lambda a, c: services.care_plan_submit(actor=a, case_id=c))


@requires(Perm.CASE_SUPERVISE)
def care_plan_review_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        ReviewForm,
        lambda a, c, d: services.care_plan_review(
            actor=a, case_id=c.pk, approve=d["decision"] == "approve", comment=d["comment"]
        ),
        title=_("Review the care plan"),
        anchor="care-plan",
        supervise=True,
        template="cases/review_plan.html",
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def delivery_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        DeliveryForm,
        lambda a, c, d: services.service_deliver(
            actor=a,
            case_id=c.pk,
            service_type=d["service_type"],
            provider_id=d["provider"].pk,
            start_date=d["start_date"],
            end_date=d["end_date"],
            notes=d["notes"],
        ),
        title=_("Service delivered"),
        anchor="services",
    )


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def task_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        TaskForm,
        lambda a, c, d: services.task_create(
            actor=a, case_id=c.pk, title=d["title"], due_date=d["due_date"], assigned_to_id=d["assigned_to"]
        ),
        title=_("New task"),
        anchor="tasks",
        form_kwargs=lambda c: {"members": _members(c)},
    )


@requires(Perm.CASE_EDIT)
@require_POST
def task_done_view(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    task = services.task_complete(actor=actor_from(request), task_id=task_id)
    return redirect(_detail_url(task.case, "tasks"))


@sensitive_post_parameters()
@requires(Perm.CASE_EDIT)
def note_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        NoteForm,
        lambda a, c, d: services.note_add(actor=a, case_id=c.pk, body=d["body"]),
        title=_("New note"),
        anchor="notes",
    )


@requires(Perm.CASE_EDIT)
def attachment_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    def perform(actor: Actor, case: Case, d: dict[str, Any]) -> object:
        upload = d["file"]
        data = upload.read(upload.size + 1)  # Django has already bounded the upload; size re-checked inside
        return services.attachment_add(
            actor=actor, case_id=case.pk, filename=upload.name, data=data, description=d["description"]
        )

    return _action(request, case_id, AttachmentForm, perform, title=_("Attach a file"), anchor="attachments")


@requires(Perm.CASE_VIEW)
def attachment_download_view(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
    attachment, data = selectors.attachment_download(actor=actor_from(request), attachment_id=attachment_id)
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.pk}{_extension(attachment)}"'
    response["Cache-Control"] = "no-store"
    return response


def _extension(attachment: Any) -> str:
    return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "text/plain": ".txt"}.get(
        attachment.content_type.split(";")[0], ""
    )


@requires(Perm.CASE_EDIT)
def transition_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        TransitionForm,
        lambda a, c, d: services.case_transition(actor=a, case_id=c.pk, to_status=d["to_status"], reason=d["reason"]),
        title=_("Change the status"),
        anchor="workflow",
        form_kwargs=lambda c: {"allowed": sorted(TRANSITIONS.get(c.status, ()))},
    )


@requires(Perm.CASE_EDIT)
def closure_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        ClosureForm,
        lambda a, c, d: services.case_request_closure(actor=a, case_id=c.pk, reason=d["reason"], code=d["code"]),
        title=_("Ask to close the case"),
        anchor="workflow",
        form_kwargs=lambda c: {"allowed": CLOSABLE_FROM.get(c.status, frozenset())},
    )


@requires(Perm.CASE_SUPERVISE)
def closure_review_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        ReviewForm,
        lambda a, c, d: services.case_review_closure(
            actor=a, case_id=c.pk, approve=d["decision"] == "approve", comment=d["comment"]
        ),
        title=_("Review the closure"),
        anchor="workflow",
        supervise=True,
        template="cases/review_closure.html",
    )


@requires(Perm.CASE_EDIT)
def team_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        case_id,
        TeamForm,
        lambda a, c, d: services.case_update_team(
            actor=a,
            case_id=c.pk,
            expected_version=d["version"],
            priority=d["priority"],
            supervisor_id=d["supervisor"],
            assigned_ids=d["assigned"],
        ),
        title=_("Case team and priority"),
        anchor="team",
        form_kwargs=lambda c: {"members": _members(c), "supervisors": supervisors_of(c.owner_org_id)},
    )


def _post_then_detail(
    request: HttpRequest, case_id: uuid.UUID, anchor: str, perform: Callable[[Actor, uuid.UUID], object]
) -> HttpResponse:
    actor = actor_from(request)
    case = selectors.case_get_for_view(actor=actor, case_id=case_id)
    try:
        perform(actor, case.pk)
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.success(request, _("Saved."))
    return redirect(_detail_url(case, anchor))
