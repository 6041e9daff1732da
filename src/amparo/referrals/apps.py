from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "amparo.referrals"
    label = "referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amparo.cases.services import CLOSURE_CHECKS, CONSENT_WITHDRAWN_HOOKS
        from amparo.people.services import PERSON_AGE_CHANGED_HOOKS

        from .services import (
            active_referrals_block_closure,
            end_referrals_of_lapsed_consent,
            end_referrals_of_withdrawn_consent,
        )

        if end_referrals_of_withdrawn_consent not in CONSENT_WITHDRAWN_HOOKS:
            CONSENT_WITHDRAWN_HOOKS.append(end_referrals_of_withdrawn_consent)
        # After the cases app's hook (installed first), which updates each case's presumption of minority.
        if end_referrals_of_lapsed_consent not in PERSON_AGE_CHANGED_HOOKS:
            PERSON_AGE_CHANGED_HOOKS.append(end_referrals_of_lapsed_consent)
        if active_referrals_block_closure not in CLOSURE_CHECKS:
            CLOSURE_CHECKS.append(active_referrals_block_closure)
