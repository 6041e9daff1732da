"""Dashboards, chart downloads, and the records behind a figure (for those who may see the records)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from amparo.accounts.roles import Perm
from amparo.core.views import actor_from, requires

from . import publish, selectors
from .disclosure import threshold_from_settings
from .forms import FilterForm


def _form(request: HttpRequest, *, complete: bool = False) -> FilterForm:
    form = FilterForm(request.GET or None, complete=complete)
    form.is_valid()
    return form


@requires(Perm.STATS_VIEW)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and form.errors:
        return render(request, "stats/dashboard.html", {"form": form, "charts": []}, status=400)
    filters = form.filters()
    charts = [publish.chart(key, filters) for key in publish.DASHBOARD]
    total = publish.protect_series(["all"], [selectors.victims_total(filters)], threshold_from_settings())
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "charts": charts,
            "query": form.query(),
            "threshold": threshold_from_settings(),
            "victims_total": total.values[0],
            "can_see_records": actor_from(request).has(Perm.STATS_RECORDS),
            "record_keys": selectors.RECORD_KEYS,
        },
    )


@requires(Perm.STATS_VIEW)
def chart_csv_view(request: HttpRequest, key: str) -> HttpResponse:
    if key not in publish.CHARTS:
        raise Http404()
    form = _form(request)
    if form.is_bound and form.errors:
        return HttpResponse(_("Invalid period."), status=400, content_type="text/plain; charset=utf-8")
    chart = publish.chart(key, form.filters())
    response = HttpResponse(publish.chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    return response


@requires(Perm.STATS_RECORDS)
def records_view(request: HttpRequest, key: str) -> HttpResponse:
    """The cases behind one figure, limited to those the user may open anyway (their team, or their
    institution's for supervisors). A statistician never has this permission."""
    actor = actor_from(request)
    if not actor.has(Perm.CASE_VIEW):
        raise DjangoPermissionDenied()
    form = _form(request)
    code = request.GET.get("code", "")
    try:
        cases = selectors.records_behind(actor=actor, key=key, code=code, filters=form.filters())
    except KeyError as exc:
        raise Http404() from exc
    return render(
        request,
        "stats/records.html",
        {"cases": cases[:500], "chart": publish.CHARTS[key][0], "code": code, "query": form.query()},
    )
