"""JSON API for statistics: the dashboard's series, read-only, after disclosure control (the same
`amparo.stats.publish` charts as the screens and the CSV downloads). Suppressed cells are null; no record
is ever reachable from here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amparo.accounts.api_auth import actor_of
from amparo.accounts.roles import Perm
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed

from . import publish
from .disclosure import threshold_from_settings
from .forms import FilterForm


class ChartRefSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class ChartListSerializer(serializers.Serializer):
    results = ChartRefSerializer(many=True)


class CellSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="the category, in the request's language")
    value = serializers.IntegerField(allow_null=True, help_text="null: suppressed (below the threshold or with one)")


class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="the row, in the request's language")
    values = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField(allow_null=True)


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    institution = serializers.IntegerField(allow_null=True)
    department = serializers.CharField()
    threshold = serializers.IntegerField()
    additive = serializers.BooleanField(help_text="false: a record may count in several rows (no total)")
    note = serializers.CharField()
    series = CellSerializer(many=True, required=False, help_text="one-way charts")
    total = serializers.IntegerField(allow_null=True, required=False)
    columns = serializers.ListField(child=serializers.CharField(), required=False, help_text="two-way tables")
    rows = RowSerializer(many=True, required=False)


FILTERS = [
    OpenApiParameter("start", str, description="first day (YYYY-MM-DD); default: the current reporting period"),
    OpenApiParameter("end", str, description="last day (YYYY-MM-DD)"),
    OpenApiParameter("institution", int, description="an institution's id"),
    OpenApiParameter("department", str, description="a department code (01-22)"),
]


def _require(request: Request) -> None:
    if not actor_of(request).has(Perm.STATS_VIEW):
        raise PermissionDenied()


class ChartCollectionApi(APIView):
    @extend_schema(
        responses={200: ChartListSerializer},
        summary="The dashboard's charts",
        operation_id="v1_stats_charts_list",
    )
    def get(self, request: Request) -> Response:
        _require(request)
        return Response({"results": [{"key": k, "title": str(publish.CHARTS[k][0])} for k in publish.DASHBOARD]})


def chart_data(chart: publish.Chart, form: FilterForm) -> dict[str, Any]:
    f = form.filters()
    data: dict[str, Any] = {
        "key": chart.key,
        "title": chart.title,
        "start": f.period.start,
        "end": f.period.end,
        "institution": f.institution_id,
        "department": f.department,
        "threshold": (chart.series or chart.table).threshold,  # type: ignore[union-attr]
        "additive": chart.additive,
        "note": chart.note,
    }
    if chart.series is not None:
        data["series"] = [{"code": c, "name": label, "value": v} for c, label, v in chart.rows()]
        data["total"] = chart.series.total if chart.additive else None
    elif chart.table is not None:
        data["columns"] = [str(c) for c in chart.extra.get("col_labels", chart.table.col_labels)]  # type: ignore[attr-defined]
        data["rows"] = [
            {"code": code, "name": label, "values": list(values), "total": total}
            for code, (label, values, total) in zip(chart.codes, chart.table_rows(), strict=True)
        ]
        if not chart.extra.get("hide_col_totals"):
            data["rows"].append(
                {"code": "", "name": _("Total"), "values": list(chart.table.col_totals), "total": chart.table.total}
            )
    return data


class ChartDetailApi(APIView):
    @extend_schema(
        parameters=FILTERS,
        responses={200: ChartSerializer},
        summary="One chart's figures for a period, after disclosure control",
        operation_id="v1_stats_chart_retrieve",
    )
    def get(self, request: Request, key: str) -> Response:
        _require(request)
        if key not in publish.DASHBOARD:
            raise NotFound()
        form = FilterForm(request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationFailed({k: [str(m) for m in v] for k, v in form.errors.items()}, form.error_text())
        chart = publish.chart(key, form.filters(), threshold_from_settings())
        return Response(chart_data(chart, form))


chart_collection_api = ChartCollectionApi.as_view()
chart_detail_api = ChartDetailApi.as_view()
