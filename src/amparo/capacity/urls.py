from django.urls import path

from . import views

app_name = "capacity"

urlpatterns = [
    path("trainings/", views.training_list_view, name="trainings"),
    path("trainings/new/", views.training_new_view, name="training_new"),
    path("trainings/<uuid:training_id>/", views.training_detail_view, name="training"),
    path("trainings/<uuid:training_id>/edit/", views.training_edit_view, name="training_edit"),
    path("trainings/<uuid:training_id>/participants/", views.participant_add_view, name="participant_add"),
    path(
        "trainings/<uuid:training_id>/participants/<uuid:participant_id>/edit/",
        views.participant_edit_view,
        name="participant_edit",
    ),
    path(
        "trainings/<uuid:training_id>/participants/<uuid:participant_id>/remove/",
        views.participant_remove_view,
        name="participant_remove",
    ),
    path("prevention/", views.prevention_list_view, name="prevention"),
    path("prevention/new/", views.prevention_new_view, name="prevention_new"),
    path("plan/", views.plan_view, name="plan"),
    path("plan/actions/new/", views.action_new_view, name="action_new"),
    path("plan/actions/<int:action_id>/edit/", views.action_edit_view, name="action_edit"),
    path("plan/actions/<int:action_id>/indicators/new/", views.indicator_new_view, name="indicator_new"),
    path("plan/indicators/<int:indicator_id>/edit/", views.indicator_edit_view, name="indicator_edit"),
    path("plan/indicators/<int:indicator_id>/targets/", views.target_set_view, name="target_set"),
    path(
        "plan/indicators/<int:indicator_id>/targets/<int:year>/remove/",
        views.target_remove_view,
        name="target_remove",
    ),
    path("plan/progress/<int:entry_id>/edit/", views.progress_edit_view, name="progress_edit"),
    path("plan/indicators/<int:indicator_id>/progress/", views.progress_add_view, name="progress_add"),
]
