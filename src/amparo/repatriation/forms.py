from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.core import geo
from amparo.core.widgets import FastSelect
from amparo.organizations.models import Organization

from .models import RepatriationStatus
from .protocol import Destination, StepDef, Track

NOTE = forms.Textarea(attrs={"rows": 3})


def _countries() -> list[tuple[str, str]]:
    return [("", "—"), *geo.country_choices(get_language(), exclude=("GT",))]


class StartForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices, widget=forms.RadioSelect)
    country = forms.ChoiceField(
        label=_("Country"),
        choices=_countries,
        widget=FastSelect,
        help_text=_("Where a national returns from; where a foreigner returns to."),
    )
    consulate = forms.ModelChoiceField(
        label=_("Consulate"),
        queryset=Organization.objects.none(),
        help_text=_("A Guatemalan consulate (nationals), or the consulate of the country of origin (foreigners)."),
    )
    receiving = forms.ModelChoiceField(
        label=_("Receiving institution"),
        queryset=Organization.objects.none(),
        help_text=_("It confirms the hand-over, and must meet the minimum conditions of the protocol."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Organization.objects.filter(is_active=True).order_by("name")
        consulate = self.fields["consulate"]
        receiving = self.fields["receiving"]
        assert isinstance(consulate, forms.ModelChoiceField) and isinstance(receiving, forms.ModelChoiceField)
        consulate.queryset = active.filter(Q(parent__code="minex") | ~Q(country="GT"))
        receiving.queryset = active.filter(parent__isnull=True)


class StepForm(forms.Form):
    """Completing a step: the evidence the protocol asks for, a note, an optional file (all checked by the
    service, which gives the messages); the family assessment and the hand-over ask for more."""

    evidence = forms.MultipleChoiceField(
        label=_("Evidence"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    family_involved = forms.TypedChoiceField(
        label=_("Was the family involved in the exploitation?"),
        required=False,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, choices=[("", "—"), *Destination.choices], widget=FastSelect
    )
    note = forms.CharField(label=_("Note (what was done)"), required=False, max_length=4000, widget=NOTE)
    file = forms.FileField(label=_("Evidence file (PDF, JPEG, PNG or text; optional)"), required=False)

    def __init__(self, *args: Any, definition: StepDef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        assert isinstance(evidence, forms.MultipleChoiceField)
        evidence.choices = [(e.code, e.label) for e in definition.evidence]
        if not definition.family_assessment:
            del self.fields["family_involved"]
        if not (definition.family_assessment or definition.handover):
            del self.fields["destination"]
        elif definition.family_assessment:
            self.fields["destination"].label = _("Planned destination")
            self.fields["destination"].help_text = _(
                "If the family was involved in the exploitation, reunification with the family is refused."
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=NOTE)


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *RepatriationStatus.choices], widget=FastSelect
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
