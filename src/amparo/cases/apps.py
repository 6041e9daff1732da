from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "amparo.cases"
    label = "cases"
    verbose_name = _("Victim cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.core.rotation import register_index_rebuilder

        from .attachments import rotate_attachment_files

        # Attachment files are re-encrypted with the rest when keys rotate.
        register_index_rebuilder(rotate_attachment_files)
