from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    name = "amparo.justice"
    label = "justice"
    verbose_name = _("Investigations and prosecutions")
    default_auto_field = "django.db.models.BigAutoField"
