from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amparo.accounts.roles import Perm
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import add_service_errors, requires

from . import selectors
from .calculator import ADDITIVE, CalculationRequest, calculate
from .circumstances import Circumstances
from .forms import CalculatorForm


@requires()
def catalog_view(request: HttpRequest) -> HttpResponse:
    """The catalog, for every signed-in user: it is public law."""
    return render(
        request,
        "law/catalog.html",
        {"laws": selectors.catalog_laws(), "provisions": selectors.provisions()},
    )


@requires(Perm.LAW_CALCULATE)
def calculator_view(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    calculation = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            calculation = calculate(
                CalculationRequest(
                    offence_date=d["offence_date"],
                    judgment_date=d["judgment_date"],
                    articles=tuple(d["articles"]),
                    circumstances=Circumstances(victim_age=d["victim_age"], given=frozenset(d["circumstances"])),
                    combination=d["combination"] or ADDITIVE,
                )
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
    return render(request, "law/calculator.html", {"form": form, "calculation": calculation})
