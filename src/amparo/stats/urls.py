from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("charts/<slug:key>.csv", views.chart_csv_view, name="chart_csv"),
    path("records/<slug:key>/", views.records_view, name="records"),
    path("report/", views.report_view, name="report"),
    path("report/export.<slug:fmt>", views.report_export_view, name="report_export"),
    path("report/narratives/<slug:section>/", views.narrative_edit_view, name="narrative"),
    path("exports/", views.exports_view, name="exports"),
    path("exports/<slug:kind>.csv", views.export_view, name="export"),
    path("exports/htcds/", views.htcds_export_view, name="htcds_export"),
    path("exports/htcds/import/", views.htcds_import_view, name="htcds_import"),
]
