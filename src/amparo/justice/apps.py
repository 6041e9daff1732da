from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    name = "amparo.justice"
    label = "justice"
    verbose_name = _("Investigations and prosecutions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.audit.compartments import register_compartment

        from .permissions import operations_secret_from

        # Audit events name an operation by id: outside the compartment, that alone would reveal a planned raid.
        register_compartment("operation", lambda actor: operations_secret_from(actor).values_list("pk", flat=True))
