from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "amparo.cases"
    label = "cases"
    verbose_name = _("Victim cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.core.rotation import register_index_rebuilder
        from amparo.linkage.services import PERSON_MERGED_HOOKS
        from amparo.people.services import PERSON_AGE_CHANGED_HOOKS

        from .attachments import rotate_attachment_files
        from .services import cases_after_person_merge, cases_follow_person_age

        # Attachment files are re-encrypted with the rest when keys rotate.
        register_index_rebuilder(rotate_attachment_files)
        # A corrected age changes the presumption of minority of the person's cases.
        if cases_follow_person_age not in PERSON_AGE_CHANGED_HOOKS:
            PERSON_AGE_CHANGED_HOOKS.append(cases_follow_person_age)
        # A merge of person records may give the person two active cases in one institution: tell their teams.
        if cases_after_person_merge not in PERSON_MERGED_HOOKS:
            PERSON_MERGED_HOOKS.append(cases_after_person_merge)
