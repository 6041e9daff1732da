from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("open/<uuid:person_id>/", views.case_open_view, name="open"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
    path("<uuid:case_id>/team/", views.team_view, name="team"),
    path("<uuid:case_id>/screening/", views.screening_view, name="screening"),
    path("<uuid:case_id>/status/", views.determine_view, name="determine"),
    path("<uuid:case_id>/events/", views.event_view, name="event"),
    path("<uuid:case_id>/consents/", views.consent_view, name="consent"),
    path("consents/<uuid:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<uuid:case_id>/risk/", views.risk_view, name="risk"),
    path("<uuid:case_id>/care-plan/", views.care_plan_view, name="care_plan"),
    path("<uuid:case_id>/care-plan/submit/", views.care_plan_submit_view, name="care_plan_submit"),
    path("<uuid:case_id>/care-plan/review/", views.care_plan_review_view, name="care_plan_review"),
    path("<uuid:case_id>/services/", views.delivery_view, name="delivery"),
    path("<uuid:case_id>/tasks/", views.task_view, name="task"),
    path("tasks/<uuid:task_id>/done/", views.task_done_view, name="task_done"),
    path("<uuid:case_id>/notes/", views.note_view, name="note"),
    path("<uuid:case_id>/attachments/", views.attachment_view, name="attachment"),
    path("attachments/<uuid:attachment_id>/", views.attachment_download_view, name="attachment_download"),
    path("<uuid:case_id>/transition/", views.transition_view, name="transition"),
    path("<uuid:case_id>/closure/", views.closure_view, name="closure"),
    path("<uuid:case_id>/closure/review/", views.closure_review_view, name="closure_review"),
]
