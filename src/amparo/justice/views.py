"""Screens of the justice app. Thin: parse, call a selector or service, render. Operations and protected
witnesses go through the selectors and protection.py, which keep the compartments."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts.actor import Actor
from amparo.accounts.decorators import reauth_required
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.permissions import cases_visible_to
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires
from amparo.people.validation import PersonInput

from . import (
    court_services,
    forms,
    operation_services,
    prosecution_services,
    protection_services,
    selectors,
    services,
)
from .models import Complaint, Cooperation, Evidence, Investigation, ProtectedWitness, Witness
from .permissions import can_edit_complaint, can_edit_investigation, can_manage_team, can_view_complaint
from .protection import is_on_protection_team, shown_person
from .vocab import investigation_next_statuses

TABS = [
    ("overview", gettext_lazy("Overview")),
    ("suspects", gettext_lazy("Suspects and witnesses")),
    ("victims", gettext_lazy("Victims")),
    ("evidence", gettext_lazy("Evidence")),
    ("operations", gettext_lazy("Operations")),
    ("court", gettext_lazy("Prosecution and court")),
]


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _errors_to_messages(request: HttpRequest, exc: ValidationFailed) -> None:
    for msgs in exc.errors.values():
        for msg in msgs:
            messages.error(request, msg)


def _detail_url(investigation_id: object, tab: str = "overview") -> str:
    return f"{reverse('justice:detail', args=[investigation_id])}?tab={tab}"


def _cases_by_number(actor: Actor, text: str) -> tuple[list[uuid.UUID], list[str]]:
    numbers = [n.strip() for n in (text or "").split(",") if n.strip()]
    found = dict(cases_visible_to(actor).filter(number__in=numbers).values_list("number", "pk"))
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


def _new_person(data: dict[str, Any]) -> PersonInput | None:
    if not (data.get("given_names") or "").strip():
        return None
    return PersonInput(
        given_names=data["given_names"],
        surnames=data.get("surnames") or "",
        gender=data.get("gender") or "NonSpecifiedUnknown",
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        nationalities=[data["nationality"]] if data.get("nationality") else [],
    )


# --- investigations: list, search, export ---


def _filters(form: forms.SearchForm) -> selectors.InvestigationFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.InvestigationFilters(**{k: data.get(k) or "" for k in forms.SearchForm.base_fields})


@requires(Perm.JUSTICE_VIEW)
def investigation_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = forms.SearchForm(request.GET or None)
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    page = selectors.investigation_search(actor=actor, filters=_filters(form), offset=offset)
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "justice/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "offset": offset,
            "next_offset": offset + selectors.PAGE_SIZE if offset + selectors.PAGE_SIZE < page.total else None,
        },
    )


@requires(Perm.JUSTICE_VIEW)
@reauth_required
def investigation_export_view(request: HttpRequest) -> HttpResponse:
    """CSV of the search results (re-authenticated, audited). Operations are counted only where the user
    is in their compartment; protected witnesses appear as pseudonyms."""
    actor = actor_from(request)
    page = selectors.investigation_search(
        actor=actor, filters=_filters(forms.SearchForm(request.GET or None)), limit=1000
    )
    rows = selectors.investigation_export_rows(actor=actor, investigations=page.investigations)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Investigation"),
            _("Public Ministry file number"),
            _("Status"),
            _("Opened on"),
            _("Suspects"),
            _("Witnesses"),
            _("Victims"),
            _("Operations"),
        ]
    )
    writer.writerows(rows)
    with transaction.atomic():
        audit_record(actor=actor, action="investigation.exported", details={"rows": len(rows)})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="investigations.csv"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Perm.JUSTICE_EDIT)
def investigation_new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    complaints = selectors.complaint_list(actor=actor, unassigned_only=True, limit=200)
    form = forms.InvestigationForm(
        request.POST or None, complaints=complaints, initial={"complaints": request.GET.getlist("complaint")}
    )
    team = forms.TeamFormSet(request.POST or None, prefix="team", form_kwargs={"lead_id": actor.user_pk})
    if request.method == "POST" and form.is_valid() and team.is_valid():
        d = form.cleaned_data
        try:
            investigation = services.investigation_open(
                actor,
                summary=d["summary"],
                opened_on=d["opened_on"],
                mp_file_number=d["mp_file_number"],
                complaint_ids=d["complaints"],
                members=forms.team_members(team),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Investigation %(number)s opened.") % {"number": investigation.number})
            return redirect("justice:detail", investigation_id=investigation.pk)
    return render(
        request,
        "justice/form.html",
        {
            "form": form,
            "team_formset": team,
            "team_help": _("Prosecutors and investigators who work on the file (you lead it), with their role."),
            "title": _("Open an investigation"),
        },
        status=_status(request),
    )


@requires(Perm.JUSTICE_VIEW)
def investigation_detail_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.investigation_get_for_view(actor=actor, investigation_id=investigation_id)
    tab = request.GET.get("tab", "overview")
    if tab not in dict(TABS):
        tab = "overview"
    return render(
        request,
        "justice/detail.html",
        {
            "view": view,
            "investigation": view.investigation,
            "tab": tab,
            "tabs": TABS,
            "status_form": forms.StatusForm(allowed=investigation_next_statuses(view.investigation.status)),
            "custody_form": forms.CustodyForm(),
            "cooperation_form": forms.CooperationStatusForm(),
            "can_protect": actor.has(Perm.WITNESS_PROTECT) and view.can_edit,
            "can_plan": actor.has(Perm.OPERATION_CREATE) and view.can_edit,
        },
    )


@requires(Perm.JUSTICE_EDIT)
@require_POST
def investigation_status_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    return _post_on_investigation(
        request,
        investigation_id,
        form=forms.StatusForm(request.POST),
        invalid={"status": [_("Choose a valid status.")]},
        act=lambda d: services.investigation_set_status(
            actor, investigation_id=investigation_id, status=d["status"], reason=d["reason"]
        ),
        done=_("Status changed."),
        tab="overview",
    )


def _editable(actor: Actor, investigation_id: uuid.UUID) -> Investigation:
    investigation = selectors.investigation_lookup(actor, investigation_id)
    if not can_edit_investigation(actor, investigation):
        raise DjangoPermissionDenied()
    return investigation


def _post_on_investigation(
    request: HttpRequest,
    investigation_id: uuid.UUID,
    *,
    form: Any,
    invalid: dict[str, list[str]],
    act: Callable[[dict[str, Any]], object],
    done: str,
    tab: str,
) -> HttpResponse:
    """The small forms posted from the investigation's page (status, custody entry, cooperation status): team
    members only; an invalid form (``invalid``) or the service's refusal come back as messages on that tab."""
    _editable(actor_from(request), investigation_id)
    try:
        if not form.is_valid():
            raise ValidationFailed(invalid)
        act(form.cleaned_data)
    except ValidationFailed as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect(_detail_url(investigation_id, tab))


def _investigation_form(
    request: HttpRequest,
    investigation_id: uuid.UUID,
    *,
    make_form: Callable[[Investigation, Any], Any],
    submit: Callable[[Actor, Investigation, dict[str, Any]], object],
    title: str,
    tab: str,
    done: str,
) -> HttpResponse:
    """The pattern of every form on an investigation: team members only, the service decides."""
    actor = actor_from(request)
    investigation = _editable(actor, investigation_id)
    form = make_form(investigation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit(actor, investigation, form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, done)
            return redirect(_detail_url(investigation.pk, tab))
    return render(
        request,
        "justice/form.html",
        {"form": form, "title": title, "investigation": investigation, "back": _detail_url(investigation.pk, tab)},
        status=_status(request),
    )


@requires(Perm.JUSTICE_EDIT)
def team_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    """The lead names the team and each member's role in it (the lead always stays, in their role)."""
    actor = actor_from(request)
    investigation = _editable(actor, investigation_id)
    if not can_manage_team(actor, investigation):
        raise DjangoPermissionDenied()
    others = investigation.team.exclude(user_id=investigation.lead_id).order_by("added_at")
    initial = [{"user": m.user_id, "team_role": m.team_role} for m in others]
    team = forms.TeamFormSet(
        request.POST or None, prefix="team", initial=initial, form_kwargs={"lead_id": investigation.lead_id}
    )
    errors: list[str] = []
    if request.method == "POST" and team.is_valid():
        try:
            services.investigation_set_team(actor, investigation_id=investigation.pk, members=forms.team_members(team))
        except ValidationFailed as exc:
            errors = [str(m) for msgs in exc.errors.values() for m in msgs]
        else:
            messages.success(request, _("Team saved."))
            return redirect(_detail_url(investigation.pk, "overview"))
    return render(
        request,
        "justice/team.html",
        {
            "team_formset": team,
            "errors": errors,
            "lead": investigation.team.filter(user_id=investigation.lead_id).select_related("user").first(),
            "title": _("Team"),
            "investigation": investigation,
            "back": _detail_url(investigation.pk, "overview"),
        },
        status=_status(request),
    )


@requires(Perm.JUSTICE_EDIT)
def place_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        return services.place_add(actor, investigation_id=inv.pk, **d)

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.PlaceForm(data),
        submit=submit,
        title=_("Add a place or business"),
        tab="overview",
        done=_("Place added."),
    )


@requires(Perm.JUSTICE_EDIT)
def suspect_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        person = _new_person(d)
        if person is None and not d["business"]:
            raise ValidationFailed({"given_names": [_("Give the suspect's name, or choose a business.")]})
        return services.suspect_add(
            actor,
            investigation_id=inv.pk,
            role_in_process=d["role_in_process"],
            business_id=d["business"] or None,
            new_person=person,
            public_official=d["public_official"],
            official_institution=d["official_institution"],
        )

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.SuspectForm(data, places=list(inv.places.all())),
        submit=submit,
        title=_("Add a suspect"),
        tab="suspects",
        done=_("Suspect added."),
    )


@requires(Perm.JUSTICE_EDIT)
def witness_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        person = _new_person(d)
        if person is None:
            raise ValidationFailed({"given_names": [_("Give the witness's name.")]})
        return services.witness_add(actor, investigation_id=inv.pk, new_person=person)

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.WitnessForm(data),
        submit=submit,
        title=_("Add a witness"),
        tab="suspects",
        done=_("Witness added."),
    )


@requires(Perm.JUSTICE_EDIT)
def complaint_attach_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    """A later complaint about the same facts joins the file (complaints of the institution not yet in one)."""
    complaints = selectors.complaint_list(actor=actor_from(request), unassigned_only=True, limit=200)

    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        return services.complaint_attach(actor, investigation_id=inv.pk, complaint_id=d["complaint"])

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.AttachComplaintForm(data, complaints=complaints),
        submit=submit,
        title=_("Add a complaint"),
        tab="overview",
        done=_("Complaint added to the investigation."),
    )


@requires(Perm.JUSTICE_EDIT)
def victim_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        ids, missing = _cases_by_number(actor, d["case_number"])
        if missing or not ids:
            raise ValidationFailed({"case_number": [_("Link only victim cases of your team.")]})
        return services.victim_link(actor, investigation_id=inv.pk, case_id=ids[0])

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.CaseNumberForm(data),
        submit=submit,
        title=_("Link a victim's case"),
        tab="victims",
        done=_("Victim linked."),
    )


@requires(Perm.JUSTICE_EDIT)
def evidence_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        return services.evidence_add(actor, investigation_id=inv.pk, **d)

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: forms.EvidenceForm(data),
        submit=submit,
        title=_("Add evidence"),
        tab="evidence",
        done=_("Evidence added."),
    )


@requires(Perm.JUSTICE_EDIT)
@require_POST
def custody_new_view(request: HttpRequest, evidence_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    evidence = Evidence.objects.filter(pk=evidence_id).only("investigation_id").first()
    if evidence is None:
        raise NotFound()
    return _post_on_investigation(
        request,
        evidence.investigation_id,
        form=forms.CustodyForm(request.POST),
        invalid={"at": [_("Fill in the custody entry.")]},
        act=lambda d: services.custody_record(actor, evidence_id=evidence_id, **d),
        done=_("Chain of custody updated."),
        tab="evidence",
    )


def _suspect_choices(actor: Actor, inv: Investigation) -> list[tuple[str, str]]:
    from .protection import shown_persons

    suspects = list(inv.suspects.select_related("person", "business"))
    shown = shown_persons(actor, [s.person for s in suspects if s.person])
    return [
        (str(s.pk), str(shown[s.person_id]) if s.person_id else f"{s.business.name if s.business else '—'}")
        for s in suspects
    ]


def _suspect_record_form(
    request: HttpRequest,
    investigation_id: uuid.UUID,
    *,
    form_class: Callable[..., Any],
    record: Callable[..., object],
    title: str,
    tab: str,
    done: str,
) -> HttpResponse:
    """A form that names one of the investigation's suspects (arrest, court event, cooperation, charge): the
    suspects as the user may see them; the form's fields are the service's keywords, the suspect ``suspect_id``
    (none when the form leaves it blank)."""
    actor = actor_from(request)

    def submit(actor: Actor, inv: Investigation, d: dict[str, Any]) -> object:
        fields = dict(d)
        return record(actor, investigation_id=inv.pk, suspect_id=fields.pop("suspect") or None, **fields)

    return _investigation_form(
        request,
        investigation_id,
        make_form=lambda inv, data: form_class(data, suspects=_suspect_choices(actor, inv)),
        submit=submit,
        title=title,
        tab=tab,
        done=done,
    )


@requires(Perm.JUSTICE_EDIT)
def arrest_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    return _suspect_record_form(
        request,
        investigation_id,
        form_class=forms.ArrestForm,
        record=court_services.arrest_record,
        title=_("Record an arrest"),
        tab="suspects",
        done=_("Arrest recorded."),
    )


@requires(Perm.JUSTICE_EDIT)
def court_event_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    return _suspect_record_form(
        request,
        investigation_id,
        form_class=forms.CourtEventForm,
        record=court_services.court_event_add,
        title=_("Record a court event"),
        tab="court",
        done=_("Court event recorded."),
    )


@requires(Perm.JUSTICE_EDIT)
def cooperation_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    return _suspect_record_form(
        request,
        investigation_id,
        form_class=forms.CooperationForm,
        record=court_services.cooperation_add,
        title=_("Request international cooperation"),
        tab="court",
        done=_("Cooperation recorded."),
    )


@requires(Perm.JUSTICE_EDIT)
@require_POST
def cooperation_status_view(request: HttpRequest, cooperation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    cooperation = Cooperation.objects.filter(pk=cooperation_id).only("investigation_id").first()
    if cooperation is None:
        raise NotFound()
    return _post_on_investigation(
        request,
        cooperation.investigation_id,
        form=forms.CooperationStatusForm(request.POST),
        invalid={"status": [_("Choose the status and its date.")]},
        act=lambda d: court_services.cooperation_update(actor, cooperation_id=cooperation_id, **d),
        done=_("Status changed."),
        tab="court",
    )


# --- complaints ---


@requires(Perm.JUSTICE_VIEW)
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    complaints = selectors.complaint_list(actor=actor_from(request), unassigned_only=request.GET.get("open") == "1")
    return render(request, "justice/complaints.html", {"complaints": complaints})


@requires(Perm.COMPLAINT_CREATE)
def complaint_new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    form = forms.ComplaintForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ids, missing = _cases_by_number(actor, d["case_numbers"])
        try:
            if missing:
                raise ValidationFailed({"case_numbers": [_("Link only victim cases of your team.")]})
            complaint = services.complaint_create(
                actor,
                received_on=d["received_on"],
                source=d["source"],
                summary=d["summary"],
                receiving_org_id=d["receiving_org"].pk,
                mp_file_number=d["mp_file_number"],
                case_ids=ids,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
            if actor.has(Perm.JUSTICE_VIEW) and complaint.receiving_org_id == actor.org_pk:
                return redirect("justice:complaint", complaint_id=complaint.pk)
            return redirect("web:home")
    return render(
        request, "justice/form.html", {"form": form, "title": _("Record a complaint")}, status=_status(request)
    )


@requires(Perm.JUSTICE_VIEW)
def complaint_detail_view(request: HttpRequest, complaint_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    complaint = selectors.complaint_get_for_view(actor=actor, complaint_id=complaint_id)
    visible_cases = cases_visible_to(actor).filter(pk__in=complaint.cases.values("pk"))
    investigation_visible = (
        complaint.investigation_id is not None
        and selectors.investigations_visible_to(actor).filter(pk=complaint.investigation_id).exists()
    )
    return render(
        request,
        "justice/complaint.html",
        {
            "complaint": complaint,
            "cases": list(visible_cases),
            "other_cases": complaint.cases.count() - visible_cases.count(),
            "investigation_visible": investigation_visible,
            "link_form": forms.LinkCasesForm() if can_edit_complaint(actor, complaint) else None,
        },
    )


# --- operations ---


@requires(Perm.OPERATION_CREATE)
def operation_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    investigation = _editable(actor, investigation_id)
    form = forms.OperationForm(request.POST or None, places=list(investigation.places.all()))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            operation = operation_services.operation_plan(
                actor,
                investigation_id=investigation.pk,
                codename=d["codename"],
                objective=d["objective"],
                planned_for=d["planned_for"],
                target_id=d["target"] or None,
                member_ids=[u.pk for u in d["members"]],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Operation planned. Only its members can see it."))
            return redirect("justice:operation", operation_id=operation.pk)
    return render(
        request,
        "justice/form.html",
        {
            "form": form,
            "title": _("Plan an operation"),
            "investigation": investigation,
            "back": _detail_url(investigation.pk, "operations"),
        },
        status=_status(request),
    )


@requires(Perm.JUSTICE_VIEW)
def operation_detail_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    view = selectors.operation_get_for_view(actor=actor_from(request), operation_id=operation_id)
    return render(
        request,
        "justice/operation.html",
        {"view": view, "operation": view.operation, "execute_form": forms.ExecuteForm()},
    )


@requires(Perm.JUSTICE_VIEW)
def operation_access_log_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    operation, accesses = selectors.operation_access_log(actor=actor_from(request), operation_id=operation_id)
    return render(request, "justice/access_log.html", {"operation": operation, "accesses": accesses})


@requires(Perm.JUSTICE_EDIT)
def operation_members_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    operation = selectors.operation_for_lead(actor=actor, operation_id=operation_id)
    form = forms.OperationMembersForm(
        request.POST or None, initial={"members": list(operation.members.values_list("pk", flat=True))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            operation_services.operation_set_members(
                actor, operation_id=operation.pk, member_ids=[u.pk for u in form.cleaned_data["members"]]
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Members saved."))
            return redirect("justice:operation", operation_id=operation.pk)
    return render(
        request,
        "justice/form.html",
        {"form": form, "title": _("Operation members"), "back": reverse("justice:operation", args=[operation.pk])},
        status=_status(request),
    )


@requires(Perm.JUSTICE_EDIT)
@require_POST
def operation_execute_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    form = forms.ExecuteForm(request.POST)
    try:
        operation_services.operation_execute(
            actor_from(request), operation_id=operation_id, outcome=form.data.get("outcome", "")
        )
    except ValidationFailed as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Operation executed. Screen the persons found."))
        return redirect("justice:operation_screening", operation_id=operation_id)
    return redirect("justice:operation", operation_id=operation_id)


@requires(Perm.JUSTICE_EDIT)
@require_POST
def operation_cancel_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    try:
        operation_services.operation_cancel(actor_from(request), operation_id=operation_id)
    except ValidationFailed as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Operation cancelled."))
    return redirect("justice:operation", operation_id=operation_id)


@requires(Perm.JUSTICE_EDIT)
def operation_screening_view(request: HttpRequest, operation_id: uuid.UUID) -> HttpResponse:
    """On-site screening of the persons found: presumed victims become cases in one step."""
    actor = actor_from(request)
    operation = selectors.operation_for_member(actor=actor, operation_id=operation_id, action="screening")
    formset = forms.FoundPersonFormSet(request.POST or None, prefix="found")
    if request.method == "POST" and formset.is_valid():
        found = [
            operation_services.FoundPerson(
                given_names=d["given_names"],
                surnames=d["surnames"],
                gender=d["gender"],
                age_min=d["age_min"],
                age_max=d["age_max"],
                nationalities=[d["nationality"]] if d["nationality"] else [],
                answers={code: "yes" for code in d["indicators"]},
            )
            for d in formset.cleaned_data
            if d and (d.get("given_names") or "").strip()
        ]
        try:
            result = operation_services.operation_screen_found(actor, operation_id=operation.pk, found=found)
        except ValidationFailed as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(found)d persons screened; %(cases)d presumed victims now have a case.")
                % {"found": len(result.findings), "cases": len(result.cases)},
            )
            return redirect("justice:operation", operation_id=operation.pk)
    return render(
        request,
        "justice/screening.html",
        {"operation": operation, "formset": formset},
        status=_status(request),
    )


# --- witness protection ---


@requires(Perm.WITNESS_PROTECT)
def protected_witnesses_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    protections = list(
        ProtectedWitness.objects.filter(team__id=actor.user_pk).select_related("person").order_by("serial")
    )
    rows = [(p, shown_person(actor, p.person)) for p in protections]
    with transaction.atomic():
        audit_record(actor=actor, action="witness.list", details={"results": len(rows)})
    return render(request, "justice/witnesses.html", {"rows": rows})


@requires(Perm.WITNESS_PROTECT)
def witness_protect_view(request: HttpRequest, witness_id: int) -> HttpResponse:
    actor = actor_from(request)
    witness = Witness.objects.select_related("person").filter(pk=witness_id).first()
    if witness is None:
        raise NotFound()
    investigation = _editable(actor, witness.investigation_id)
    shown = shown_person(actor, witness.person)
    if shown.hidden:
        raise NotFound()
    form = forms.ProtectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            protection_services.witness_protect(
                actor,
                person_id=witness.person_id,
                started_on=d["started_on"],
                whereabouts=d["whereabouts"],
                team_ids=[u.pk for u in d["team"]],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("The witness is under protection."))
            return redirect(_detail_url(investigation.pk, "suspects"))
    return render(
        request,
        "justice/form.html",
        {
            "form": form,
            "title": _("Place %(name)s under protection") % {"name": shown.name},
            "back": _detail_url(investigation.pk, "suspects"),
        },
        status=_status(request),
    )


@requires(Perm.WITNESS_PROTECT)
def protection_detail_view(request: HttpRequest, protection_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    protection = ProtectedWitness.objects.select_related("person").filter(pk=protection_id).first()
    if protection is None or not is_on_protection_team(actor, protection):
        raise NotFound()
    form = forms.ProtectionForm(
        request.POST or None,
        initial={"whereabouts": protection.whereabouts, "team": list(protection.team.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            protection_services.protection_update(
                actor,
                protection_id=protection.pk,
                whereabouts=form.cleaned_data["whereabouts"],
                team_ids=[u.pk for u in form.cleaned_data["team"]],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Protection updated."))
            return redirect("justice:protection", protection_id=protection.pk)
    else:
        with transaction.atomic():
            audit_record(actor=actor, action="witness.view", target_type="protected_witness", target_id=protection.pk)
    return render(
        request,
        "justice/protection.html",
        {
            "protection": protection,
            "shown": shown_person(actor, protection.person),
            "form": form,
            "end_form": forms.ProtectionEndForm(),
        },
        status=_status(request),
    )


@requires(Perm.WITNESS_PROTECT)
@require_POST
def protection_end_view(request: HttpRequest, protection_id: uuid.UUID) -> HttpResponse:
    """Ending a protection shows the witness's name again to everyone who may see the person: the team decides,
    with the date; outside the team the protection does not exist (404, from the service)."""
    actor = actor_from(request)
    protection = ProtectedWitness.objects.filter(pk=protection_id).first()
    if protection is None or not is_on_protection_team(actor, protection):
        raise NotFound()
    form = forms.ProtectionEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"ended_on": [_("Give the date the protection ended.")]})
        protection_services.protection_end(actor, protection_id=protection_id, ended_on=form.cleaned_data["ended_on"])
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("justice:protection", protection_id=protection_id)
    messages.success(request, _("Protection ended: the witness's name is shown again."))
    return redirect("justice:protection", protection_id=protection_id)


@requires(Perm.JUSTICE_EDIT)
@require_POST
def complaint_cases_view(request: HttpRequest, complaint_id: uuid.UUID) -> HttpResponse:
    """Link victim cases of the user's team to a complaint of the institution after it was recorded."""
    actor = actor_from(request)
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not can_view_complaint(actor, complaint):
        raise NotFound()
    form = forms.LinkCasesForm(request.POST)
    try:
        ids, missing = _cases_by_number(actor, request.POST.get("case_numbers", "")) if form.is_valid() else ([], [])
        if missing or not ids:
            raise ValidationFailed({"case_numbers": [_("Link only victim cases of your team.")]})
        services.complaint_link_cases(actor, complaint_id=complaint_id, case_ids=ids)
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Victim cases linked to the complaint."))
    return redirect("justice:complaint", complaint_id=complaint_id)


# --- charges, verdicts, sentences ---


def _charge_file(actor: Actor, *, article: int, **fields: Any) -> object:
    return prosecution_services.charge_file(actor, article_id=article, **fields)


@requires(Perm.JUSTICE_EDIT)
def charge_new_view(request: HttpRequest, investigation_id: uuid.UUID) -> HttpResponse:
    return _suspect_record_form(
        request,
        investigation_id,
        form_class=forms.ChargeForm,
        record=_charge_file,
        title=_("File a charge"),
        tab="court",
        done=_("Charge filed."),
    )


def _charge_page(request: HttpRequest, view: Any, **forms_: Any) -> HttpResponse:
    context = {
        "view": view,
        "charge": view.charge,
        "outcome": view.outcome,
        "verdict_form": forms_.get("verdict_form") or forms.VerdictForm(),
        "sentence_form": forms_.get("sentence_form") or forms.SentenceForm(victims=view.victims),
    }
    return render(request, "justice/charge.html", context, status=400 if forms_ else 200)


@requires(Perm.JUSTICE_VIEW)
def charge_detail_view(request: HttpRequest, charge_id: uuid.UUID) -> HttpResponse:
    return _charge_page(request, selectors.charge_get_for_view(actor=actor_from(request), charge_id=charge_id))


@requires(Perm.JUSTICE_EDIT)
@require_POST
def verdict_view(request: HttpRequest, charge_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.charge_get_for_view(actor=actor, charge_id=charge_id)
    if not view.can_edit:
        raise DjangoPermissionDenied()
    form = forms.VerdictForm(request.POST)
    if form.is_valid():
        try:
            prosecution_services.verdict_record(actor, charge_id=charge_id, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Verdict recorded."))
            return redirect("justice:charge", charge_id=charge_id)
    return _charge_page(request, view, verdict_form=form)


@requires(Perm.JUSTICE_EDIT)
@require_POST
def sentence_view(request: HttpRequest, charge_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.charge_get_for_view(actor=actor, charge_id=charge_id)
    if not view.can_edit:
        raise DjangoPermissionDenied()
    form = forms.SentenceForm(request.POST, victims=view.victims)
    verdict = getattr(view.charge, "verdict", None)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if verdict is None:
                raise ValidationFailed({"years": [_("Record the verdict first.")]})
            prosecution_services.sentence_record(
                actor,
                verdict_id=verdict.pk,
                years=d["years"],
                months=d["months"],
                days=d["days"],
                fine=d["fine"],
                reparation=d["reparation"],
                reparation_case_id=d["reparation_case"] or None,
                reason=d["reason"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Sentence recorded."))
            return redirect("justice:charge", charge_id=charge_id)
    return _charge_page(request, view, sentence_form=form)
