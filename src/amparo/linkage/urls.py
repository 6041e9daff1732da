from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("possible-duplicates/", views.possible_duplicates_view, name="possible_duplicates"),
    path("runs/", views.run_list_view, name="runs"),
    path("runs/<uuid:run_id>/", views.run_detail_view, name="run"),
    path("review/", views.queue_view, name="queue"),
    path("review/<int:pair_id>/", views.pair_view, name="pair"),
    path("review/<int:pair_id>/decide/", views.pair_decide_view, name="pair_decide"),
    path("merges/<uuid:merge_id>/undo/", views.merge_undo_view, name="merge_undo"),
    path("partner-links/<int:link_id>/decide/", views.partner_link_decide_view, name="partner_link_decide"),
]
