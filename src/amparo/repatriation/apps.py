from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepatriationConfig(AppConfig):
    name = "amparo.repatriation"
    label = "repatriation"
    verbose_name = _("Repatriation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.cases.services import CLOSURE_CHECKS

        from .services import repatriation_in_progress_blocks_closure

        if repatriation_in_progress_blocks_closure not in CLOSURE_CHECKS:
            CLOSURE_CHECKS.append(repatriation_in_progress_blocks_closure)
