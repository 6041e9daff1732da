from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepatriationConfig(AppConfig):
    name = "amparo.repatriation"
    label = "repatriation"
    verbose_name = _("Repatriation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.cases.services import CLOSURE_CHECKS
        from amparo.people.services import PERSON_AGE_CHANGED_HOOKS

        from .services import repatriation_in_progress_blocks_closure, repatriations_follow_person_age

        if repatriation_in_progress_blocks_closure not in CLOSURE_CHECKS:
            CLOSURE_CHECKS.append(repatriation_in_progress_blocks_closure)
        # A corrected age changes the presumption of minority of a repatriation in progress. Registered after
        # the cases' hook (cases comes first in INSTALLED_APPS): it reads the case's updated minor's protocol.
        if repatriations_follow_person_age not in PERSON_AGE_CHANGED_HOOKS:
            PERSON_AGE_CHANGED_HOOKS.append(repatriations_follow_person_age)
