from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("new/", views.call_new_view, name="new"),
    path("lookup/", views.lookup_view, name="lookup"),
    path("stats/", views.stats_view, name="stats"),
    path("roster/", views.roster_view, name="roster"),
    path("roster/<int:shift_id>/remove/", views.roster_remove_view, name="roster_remove"),
    path("calls/<uuid:call_id>/", views.call_detail_view, name="detail"),
    path("calls/<uuid:call_id>/take/", views.call_take_view, name="take"),
    path("calls/<uuid:call_id>/update/", views.call_update_view, name="update"),
    path("calls/<uuid:call_id>/assign/", views.call_assign_view, name="assign"),
    path("calls/<uuid:call_id>/follow-up/", views.call_follow_up_view, name="follow_up"),
    path("calls/<uuid:call_id>/case/", views.call_case_view, name="case"),
    path("calls/<uuid:call_id>/complaint/", views.call_complaint_view, name="complaint"),
    path("alerts/<uuid:call_id>/", views.alert_view, name="alert"),
    path("alerts/<uuid:call_id>/ack/", views.alert_ack_view, name="alert_ack"),
]
