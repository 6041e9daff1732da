from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "amparo.capacity"
    label = "capacity"
    verbose_name = _("Trainings, prevention and the national plan")
    default_auto_field = "django.db.models.BigAutoField"
