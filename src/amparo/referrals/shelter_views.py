from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import selectors, shelter_selectors, shelter_services
from .shelter_forms import AdmitForm, AvailabilityForm, DischargeForm, RenewForm


@requires()
def availability_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    if not (actor.has(Perm.CASE_VIEW) or actor.has(Perm.REFERRAL_RECEIVE)):
        raise PermissionDenied()
    form = AvailabilityForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = shelter_selectors.availability(
        actor=actor, department=filters.get("department", ""), category=filters.get("category", "")
    )
    return render(
        request,
        "referrals/shelters.html",
        {
            "form": form,
            "rows": rows,
            "own": list(shelter_selectors.shelters_of(actor)),
            "alerts": shelter_selectors.order_alerts(actor=actor) if actor.has(Perm.SHELTER_ADMIT) else None,
        },
    )


@requires(Perm.SHELTER_ADMIT)
def shelter_detail_view(request: HttpRequest, shelter_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    shelter = shelter_selectors.shelter_get(actor=actor, shelter_id=shelter_id)
    show_address = shelter_selectors.can_see_address(actor, shelter)
    if show_address:
        from django.db import transaction

        from amparo.audit.services import audit_record

        with transaction.atomic():
            audit_record(actor=actor, action="shelter.address_viewed", target_type="shelter", target_id=shelter.pk)
    return render(
        request,
        "referrals/shelter_detail.html",
        {
            "shelter": shelter,
            "show_address": show_address,
            "placements": shelter_selectors.placements_of(actor=actor, shelter=shelter),
            "beds": shelter_selectors.occupancy_of(shelter),
            "today": timezone.localdate(),
            "discharge_form": DischargeForm(),
        },
    )


@sensitive_post_parameters()
@requires(Perm.SHELTER_ADMIT)
def admit_view(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    view = selectors.referral_get_for_view(actor=actor, referral_id=referral_id)
    if view.as_sender or view.access_ended:  # admissions are the receiving shelter's act, while active
        raise Http404()
    form = AdmitForm(request.POST if request.method == "POST" else None, shelters=shelter_selectors.shelters_of(actor))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            shelter_services.placement_admit(
                actor=actor,
                referral_id=referral_id,
                shelter_id=d["shelter"].pk,
                category=d["category"],
                court=d["court"],
                file_number=d["file_number"],
                judge=d["judge"],
                order_date=d["order_date"],
                stay_days=d["stay_days"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Admitted. The referring institution has been notified."))
            return redirect("referrals:shelter", shelter_id=d["shelter"].pk)
    return render(
        request,
        "referrals/admit.html",
        {"view": view, "referral": view.referral, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters()
@requires(Perm.SHELTER_ADMIT)
def renew_view(request: HttpRequest, placement_id: uuid.UUID) -> HttpResponse:
    """A judge renewed the protection measure: the new order extends the stay (the court file number is
    identifying: not in error reports)."""
    actor = actor_from(request)
    placement = shelter_selectors.placement_for_renewal(actor=actor, placement_id=placement_id)
    form = RenewForm(request.POST if request.method == "POST" else None, initial={"court": placement.court})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            shelter_services.placement_renew(
                actor=actor,
                placement_id=placement.pk,
                court=d["court"],
                file_number=d["file_number"],
                judge=d["judge"],
                order_date=d["order_date"],
                stay_days=d["stay_days"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Court order renewed. The referring institution has been notified."))
            return redirect("referrals:shelter", shelter_id=placement.shelter_id)
    return render(
        request,
        "referrals/renew.html",
        {"placement": placement, "form": form, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@requires(Perm.SHELTER_ADMIT)
@require_POST
def discharge_view(request: HttpRequest, placement_id: uuid.UUID) -> HttpResponse:
    actor = actor_from(request)
    # Another institution's placement is not found (404); errors go back to the page of the placement's shelter.
    placement = shelter_selectors.placement_of_institution(actor=actor, placement_id=placement_id)
    form = DischargeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"destination": [_("Choose where the person goes.")]})
        shelter_services.placement_discharge(
            actor=actor,
            placement_id=placement.pk,
            destination=form.cleaned_data["destination"],
            notes=form.cleaned_data["notes"],
        )
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.success(request, _("Discharged."))
    return redirect("referrals:shelter", shelter_id=placement.shelter_id)
