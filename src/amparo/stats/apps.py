from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "amparo.stats"
    label = "stats"
    verbose_name = _("Statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.cases.services import CASE_CHANGED_HOOKS
        from amparo.people.services import PERSON_CHANGED_HOOKS

        from . import facts, hotline_figures
        from .justice_figures import register

        register()
        hotline_figures.register()
        if facts.on_case_changed not in CASE_CHANGED_HOOKS:
            CASE_CHANGED_HOOKS.append(facts.on_case_changed)
        if facts.on_person_changed not in PERSON_CHANGED_HOOKS:
            PERSON_CHANGED_HOOKS.append(facts.on_person_changed)
