from django.urls import path

from . import views

app_name = "law"

urlpatterns = [
    path("", views.catalog_view, name="catalog"),
    path("calculator/", views.calculator_view, name="calculator"),
]
