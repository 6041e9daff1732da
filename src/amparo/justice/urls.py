from django.urls import path

from . import views

app_name = "justice"

urlpatterns = [
    path("", views.investigation_list_view, name="list"),
    path("export.csv", views.investigation_export_view, name="export"),
    path("new/", views.investigation_new_view, name="new"),
    path("complaints/", views.complaint_list_view, name="complaints"),
    path("complaints/new/", views.complaint_new_view, name="complaint_new"),
    path("complaints/<uuid:complaint_id>/", views.complaint_detail_view, name="complaint"),
    path("complaints/<uuid:complaint_id>/cases/", views.complaint_cases_view, name="complaint_cases"),
    path("<uuid:investigation_id>/", views.investigation_detail_view, name="detail"),
    path("<uuid:investigation_id>/status/", views.investigation_status_view, name="status"),
    path("<uuid:investigation_id>/team/", views.team_view, name="team"),
    path("<uuid:investigation_id>/complaints/add/", views.complaint_attach_view, name="complaint_attach"),
    path("<uuid:investigation_id>/places/new/", views.place_new_view, name="place_new"),
    path("<uuid:investigation_id>/suspects/new/", views.suspect_new_view, name="suspect_new"),
    path("<uuid:investigation_id>/witnesses/new/", views.witness_new_view, name="witness_new"),
    path("<uuid:investigation_id>/victims/new/", views.victim_new_view, name="victim_new"),
    path("<uuid:investigation_id>/evidence/new/", views.evidence_new_view, name="evidence_new"),
    path("<uuid:investigation_id>/arrests/new/", views.arrest_new_view, name="arrest_new"),
    path("<uuid:investigation_id>/court/new/", views.court_event_new_view, name="court_event_new"),
    path("<uuid:investigation_id>/cooperation/new/", views.cooperation_new_view, name="cooperation_new"),
    path("<uuid:investigation_id>/operations/new/", views.operation_new_view, name="operation_new"),
    path("<uuid:investigation_id>/charges/new/", views.charge_new_view, name="charge_new"),
    path("charges/<uuid:charge_id>/", views.charge_detail_view, name="charge"),
    path("charges/<uuid:charge_id>/verdict/", views.verdict_view, name="verdict"),
    path("charges/<uuid:charge_id>/sentence/", views.sentence_view, name="sentence"),
    path("evidence/<uuid:evidence_id>/custody/", views.custody_new_view, name="custody_new"),
    path("cooperation/<uuid:cooperation_id>/status/", views.cooperation_status_view, name="cooperation_status"),
    path("operations/<uuid:operation_id>/", views.operation_detail_view, name="operation"),
    path("operations/<uuid:operation_id>/access-log/", views.operation_access_log_view, name="operation_access_log"),
    path("operations/<uuid:operation_id>/members/", views.operation_members_view, name="operation_members"),
    path("operations/<uuid:operation_id>/execute/", views.operation_execute_view, name="operation_execute"),
    path("operations/<uuid:operation_id>/cancel/", views.operation_cancel_view, name="operation_cancel"),
    path("operations/<uuid:operation_id>/screening/", views.operation_screening_view, name="operation_screening"),
    path("witnesses/", views.protected_witnesses_view, name="witnesses"),
    path("witnesses/<int:witness_id>/protect/", views.witness_protect_view, name="witness_protect"),
    path("protection/<uuid:protection_id>/", views.protection_detail_view, name="protection"),
    path("protection/<uuid:protection_id>/end/", views.protection_end_view, name="protection_end"),
]
