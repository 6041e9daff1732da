from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "amparo.people"
    label = "people"
    verbose_name = _("Persons")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.core.rotation import register_index_rebuilder

        from .indexing import rebuild_stale_indexes

        register_index_rebuilder(rebuild_stale_indexes)
