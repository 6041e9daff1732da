from django.urls import path

from . import views

app_name = "repatriation"

urlpatterns = [
    path("", views.repatriation_list_view, name="list"),
    path("new/<uuid:case_id>/", views.repatriation_start_view, name="start"),
    path("<uuid:repatriation_id>/", views.repatriation_detail_view, name="detail"),
    path("<uuid:repatriation_id>/handover/", views.handover_view, name="handover"),
    path("<uuid:repatriation_id>/cancel/", views.repatriation_cancel_view, name="cancel"),
    path("<uuid:repatriation_id>/files/<uuid:step_id>/", views.step_attachment_view, name="attachment"),
    path("<uuid:repatriation_id>/steps/<slug:step_code>/", views.step_complete_view, name="step"),
    path(
        "<uuid:repatriation_id>/steps/<slug:step_code>/not-applicable/",
        views.step_not_applicable_view,
        name="not_applicable",
    ),
]
