from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_search_view, name="search"),
    path("new/", views.person_create_view, name="create"),
    path("<uuid:person_id>/", views.person_detail_view, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit_view, name="edit"),
]
