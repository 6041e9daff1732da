"""The circumstances the calculator understands: one vocabulary for the catalog file, the form and the API.

A catalog rule names the codes that trigger it (`when_any`); a penalty band may require codes (`when_all`).
Age codes (``victim_minor``, ``victim_under_14``...) are derived from the victim's age; ``victim_minor`` may
also be given on its own when the exact age is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Codes a user can give (checkboxes of the form, `circumstances` of the API), in display order.
GIVEN: dict[str, Promise] = {
    "victim_minor": _("Victim a minor (under 18)"),
    "victim_disabled": _("Victim with a disability"),
    "victim_elderly": _("Victim an elderly person"),
    "victim_pregnant": _("Victim pregnant"),
    "victim_lacks_capacity": _("Victim lacks volitional or cognitive capacity"),
    "physical_harm": _("Victim suffered physical harm"),
    "victim_death": _("Victim died"),
    "offender_relative": _("Offender a relative of the victim"),
    "offender_guardian": _("Offender a guardian, tutor or custodian of the victim"),
    "offender_partner": _("Offender a partner or former partner of the victim"),
    "offender_educator": _("Offender in charge of the victim's education"),
    "offender_public_official": _("Offender a public official or public employee"),
    "offender_professional": _("Offender a professional"),
    "violence": _("Violence"),
    "deceit": _("Deceit"),
    "abuse_of_authority": _("Abuse of authority"),
    "weapons_or_drugs": _("Weapons or drugs used"),
    "servile_marriage": _("Servile marriage, child substitution, feigned birth or altered civil status"),
    "for_profit": _("For profit or to satisfy the desires of others"),
    "own_benefit": _("For the offender's own benefit"),
    "perverse_acts": _("Perverse, premature or excessive sexual acts"),
    "habitual": _("Committed habitually"),
    "danger_to_health": _("Conditions or means endangering health or physical integrity"),
}

# Codes derived from the victim's age (never given directly, except victim_minor).
DERIVED: dict[str, Promise] = {
    "victim_under_14": _("Victim under 14"),
    "victim_under_12": _("Victim under 12"),
    "victim_under_10": _("Victim under 10"),
}

AGE_LIMITS = {"victim_minor": 18, "victim_under_14": 14, "victim_under_12": 12, "victim_under_10": 10}

ALL_CODES: dict[str, Promise] = {**GIVEN, **DERIVED}
MAX_AGE = 120


def label(code: str) -> str:
    return str(ALL_CODES.get(code, code))


@dataclass(frozen=True)
class Circumstances:
    """What the calculator knows of the offence: the victim's age in completed years (optional) and codes."""

    victim_age: int | None = None
    given: frozenset[str] = field(default_factory=frozenset)

    def codes(self) -> frozenset[str]:
        """Given codes plus those derived from the age."""
        derived = set(self.given)
        if self.victim_age is not None:
            derived |= {code for code, limit in AGE_LIMITS.items() if self.victim_age < limit}
        return frozenset(derived)
