from django.urls import path

from . import views

app_name = "reintegration"

urlpatterns = [
    path("", views.due_view, name="due"),
    path("cases/<uuid:case_id>/", views.case_view, name="case"),
    path("cases/<uuid:case_id>/goals/new/", views.goal_new_view, name="goal_new"),
    path("cases/<uuid:case_id>/visits/new/", views.visit_new_view, name="visit_new"),
    path("goals/<uuid:goal_id>/", views.goal_edit_view, name="goal_edit"),
]
