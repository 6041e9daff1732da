from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepatriationConfig(AppConfig):
    name = "amparo.repatriation"
    label = "repatriation"
    verbose_name = _("Repatriation")
    default_auto_field = "django.db.models.BigAutoField"
