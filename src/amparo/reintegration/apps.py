from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "amparo.reintegration"
    label = "reintegration"
    verbose_name = _("Reintegration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.cases.services import CASE_CLOSED_HOOKS

        from .services import schedule_after_closure

        if schedule_after_closure not in CASE_CLOSED_HOOKS:
            CASE_CLOSED_HOOKS.append(schedule_after_closure)
