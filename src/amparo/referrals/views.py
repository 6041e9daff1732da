from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amparo.accounts.decorators import reauth_required
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases import selectors as case_selectors
from amparo.cases.permissions import can_edit_case
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import selectors, services
from .forms import BoxFilterForm, DirectoryForm, OutcomeForm, ReferralForm, RespondForm
from .pdf import referral_pdf
from .permissions import is_receiver


@requires()
def referral_boxes_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    if not (actor.has(Perm.REFERRAL_RECEIVE) or actor.has(Perm.CASE_VIEW)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied()
    form = BoxFilterForm(request.GET or None)
    valid = form.is_valid()
    status = form.cleaned_data["status"] if valid else ""
    person = form.cleaned_data["person"] if valid else None
    if not valid and "person" in form.errors:
        messages.error(request, _("That person reference is not valid; showing every referral."))
    boxes = selectors.referral_boxes(actor=actor, status=status, person_id=person)
    return render(request, "referrals/boxes.html", {"boxes": boxes, "form": form, "today": timezone.localdate()})


@sensitive_post_parameters()
@requires(Perm.REFERRAL_SEND)
def referral_new_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    case = case_selectors.case_get_for_view(actor=actor, case_id=case_id)
    if not can_edit_case(actor, case):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied()
    form = ReferralForm(request.POST if request.method == "POST" else None, exclude_org=case.owner_org_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            referral = services.referral_send(
                actor=actor,
                case_id=case.pk,
                to_org_id=d["to_org"].pk,
                service_type=d["service_type"],
                legal_basis=d["legal_basis"],
                shared_sections=d["shared_sections"],
                respond_by=d["respond_by"],
                reason=d["reason"],
                order_reference=d["order_reference"],
                override_reason=d["override_reason"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Referral sent to %(org)s.") % {"org": referral.to_org.name})
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request, "referrals/new.html", {"case": case, "form": form}, status=400 if request.method == "POST" else 200
    )


@requires()
def referral_detail_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.referral_get_for_view(actor=actor, referral_id=referral_id)
    may_cancel = view.as_sender and view.referral.is_active and can_edit_case(actor, view.referral.case)
    # Cancelling waits for the discharge, unless the receiver was taken out of the network (no discharge comes).
    placed = view.person_placed and view.referral.to_org.is_active
    return render(
        request,
        "referrals/detail.html",
        {
            "view": view,
            "referral": view.referral,
            "sections": view.sections,
            "respond_form": RespondForm(),
            "outcome_form": OutcomeForm(),
            "today": timezone.localdate(),
            "can_answer": not view.as_sender and not view.access_ended and is_receiver(actor, view.referral),
            "can_cancel": may_cancel and not placed,
            # The sender may not cancel while the person is placed (the page says why the button is missing).
            "cancel_waits_for_discharge": may_cancel and placed,
            # The receiver is about to close a shelter referral while the person is still placed.
            "still_placed": not view.as_sender and view.person_placed,
        },
    )


def _errors_to_messages(request: HttpRequest, exc: ValidationFailed) -> None:
    for msgs in exc.errors.values():
        for msg in msgs:
            messages.error(request, msg)


@requires(Perm.REFERRAL_RECEIVE)
@require_POST
def referral_respond_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
    else:
        try:
            services.referral_respond(
                actor=actor_from(request),
                referral_id=referral_id,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Answer sent."))
    return redirect("referrals:detail", referral_id=referral_id)


@requires(Perm.REFERRAL_RECEIVE)
@require_POST
def referral_complete_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"outcome": [_("Describe the outcome for the sender.")]})
        services.referral_complete(
            actor=actor_from(request), referral_id=referral_id, outcome=form.cleaned_data["outcome"]
        )
    except ValidationFailed as exc:
        _errors_to_messages(request, exc)
        return redirect("referrals:detail", referral_id=referral_id)
    messages.success(request, _("Outcome sent to the referring institution. The referral is closed."))
    return redirect("referrals:boxes")


@requires(Perm.REFERRAL_SEND)
@require_POST
def referral_cancel_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    try:
        services.referral_cancel(actor=actor_from(request), referral_id=referral_id)
    except ValidationFailed as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Referral cancelled."))
    return redirect("referrals:detail", referral_id=referral_id)


@requires()
@reauth_required
def referral_pdf_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """An export of identifying data: re-authentication, audit, and only what the referral shares."""
    actor = actor_from(request)
    view = selectors.referral_get_for_view(actor=actor, referral_id=referral_id)
    if view.access_ended:  # the form prints shared sections: the receiver's access to them has ended
        raise Http404()
    data = referral_pdf(view)
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=actor, action="referral.pdf_exported", target_type="referral", target_id=view.referral.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ficha-{view.referral.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@requires()
def referral_attachment_view(request: HttpRequest, referral_id: uuid.UUID, attachment_id: uuid.UUID) -> HttpResponse:
    attachment, data = selectors.referral_attachment(
        actor=actor_from(request), referral_id=referral_id, attachment_id=attachment_id
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.pk}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Perm.CASE_VIEW)
def directory_view(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v not in ("", None)}
    offers = selectors.directory_search(**filters)
    return render(request, "referrals/directory.html", {"form": form, "offers": offers})
