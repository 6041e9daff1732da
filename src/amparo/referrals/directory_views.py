"""Screens to edit the institution's own rows of the service directory (directory.manage)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.roles import Perm
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import directory_services, selectors
from .directory_forms import OfferForm


@requires(Perm.DIRECTORY_MANAGE)
def manage_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    return render(request, "referrals/directory_manage.html", {"offers": selectors.offers_of(actor=actor)})


@requires(Perm.DIRECTORY_MANAGE)
def offer_new_view(request: HttpRequest) -> HttpResponse:
    form = OfferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            directory_services.offer_create(actor=actor_from(request), data=form.to_input())
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Service added to the directory."))
            return redirect("referrals:directory_manage")
    return render(
        request,
        "referrals/offer_form.html",
        {"form": form, "title": _("Add a service")},
        status=400 if request.method == "POST" else 200,
    )


@requires(Perm.DIRECTORY_MANAGE)
def offer_edit_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_of(actor=actor_from(request), offer_id=offer_id)
    initial = {
        name: getattr(offer, name)
        for name in (
            "service_type",
            "description",
            "min_age",
            "max_age",
            "sexes",
            "nationalities",
            "departments",
            "phone",
            "email",
            "opening_hours",
        )
    }
    form = OfferForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            directory_services.offer_update(actor=actor_from(request), offer_id=offer.pk, data=form.to_input())
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Service saved."))
            return redirect("referrals:directory_manage")
    return render(
        request,
        "referrals/offer_form.html",
        {"form": form, "offer": offer, "title": _("Edit the service")},
        status=400 if request.method == "POST" else 200,
    )


@requires(Perm.DIRECTORY_MANAGE)
@require_POST
def offer_active_view(request: HttpRequest, offer_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    directory_services.offer_set_active(actor=actor_from(request), offer_id=offer_id, active=active)
    messages.success(request, _("Service back in the directory.") if active else _("Service deactivated."))
    return redirect("referrals:directory_manage")
