"""Translated names of the comparisons and their agreement levels (the codes stored as evidence)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

COMPARISON_LABELS = {
    "given_name": _("Given name"),
    "surnames": _("Surnames"),
    "birth": _("Date of birth / age"),
    "sex": _("Sex"),
    "nationality": _("Nationality"),
    "document": _("Identity document"),
    "phone": _("Phone"),
    "address": _("Address"),
    "email": _("E-mail"),
    "place": _("Place of residence"),
    "institution": _("Registering institution"),
}

LEVEL_LABELS = {
    "missing": _("missing on one side"),
    "all_exact": _("all given names identical"),
    "exact": _("identical"),
    "exact_second_differs": _("first identical, second given names differ"),
    "nickname": _("nickname of the same name"),
    "phonetic": _("sounds the same"),
    "typo": _("differs by a typo"),
    "other_given_name": _("another of the given names agrees"),
    "among_surnames": _("entered among the other record's surnames"),
    "both_exact": _("both identical"),
    "first_exact_second_similar": _("first surname identical, second similar"),
    "first_exact_second_missing": _("first surname identical, second missing on one side"),
    "first_exact_married": _("first surname identical, a married name (“de …”) on one side"),
    "first_exact": _("first surname identical, second different"),
    "first_similar_second_same": _("first surname similar, second the same"),
    "first_similar": _("first surname similar"),
    "other_surname": _("a surname agrees in another position"),
    "among_given_names": _("entered among the other record's given names"),
    "same_date": _("same date of birth"),
    "altered_year": _("same day and month, another year (possible false document)"),
    "date_typo": _("dates of birth differ by a typo"),
    "within_a_year": _("dates of birth less than a year apart"),
    "dates_differ": _("different dates of birth"),
    "close": _("ages close"),
    "compatible": _("ages compatible"),
    "within_3_years": _("within 3 years"),
    "within_8_years": _("within 8 years (possible false document)"),
    "same": _("same"),
    "same_municipality": _("same municipality"),
    "same_department": _("same department"),
    "similar": _("similar"),
    "different": _("different"),
}


# The stages a run reports (``LinkageRun.stage``): the engine's codes and the service's own.
STAGE_LABELS = {
    "decrypt": pgettext_lazy("linkage run stage", "reading the records"),
    "estimate_u": pgettext_lazy("linkage run stage", "estimating how often values agree by chance"),
    "estimate_m": pgettext_lazy("linkage run stage", "estimating how often duplicates agree"),
    "predict": pgettext_lazy("linkage run stage", "comparing the pairs"),
    "cluster": pgettext_lazy("linkage run stage", "grouping the records"),
    "save": pgettext_lazy("linkage run stage", "saving the results"),
    "done": pgettext_lazy("linkage run stage", "done"),
}


def stage_label(stage: str) -> str:
    """The translated name of a run's stage; an unknown code (a newer engine) is shown as it is."""
    return str(STAGE_LABELS.get(stage, stage))


def evidence_rows(evidence: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    rows = []
    for name, item in evidence.items():
        weight = float(item.get("weight") or 0.0)  # type: ignore[arg-type]
        rows.append(
            {
                "field": COMPARISON_LABELS.get(name, name),
                "level": LEVEL_LABELS.get(str(item.get("level")), item.get("level")),
                "weight": weight,
                "tone": "agree" if weight > 0.5 else ("disagree" if weight < -0.5 else "neutral"),
            }
        )
    return rows
