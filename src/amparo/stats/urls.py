from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("charts/<slug:key>.csv", views.chart_csv_view, name="chart_csv"),
    path("records/<slug:key>/", views.records_view, name="records"),
]
