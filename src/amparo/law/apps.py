from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "amparo.law"
    label = "law"
    verbose_name = _("Legal catalog")
    default_auto_field = "django.db.models.BigAutoField"
