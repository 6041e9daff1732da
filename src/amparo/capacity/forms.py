from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core.geo import DEPARTMENTS
from amparo.organizations.models import Organization

from . import indicators
from .models import ActivityKind, Axis, Medium, Sex, TargetGroup, Topic

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


def _departments() -> list[tuple[str, str]]:
    return [("", "—"), *sorted(DEPARTMENTS.items(), key=lambda kv: kv[1])]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), widget=DATE)
    funders = forms.CharField(label=_("Funded by"), max_length=200, required=False)
    co_organizers = forms.ModelMultipleChoiceField(
        label=_("Co-organizers"), queryset=Organization.objects.filter(is_active=True), required=False
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    department = forms.ChoiceField(label=_("Department"), choices=_departments, required=False)
    planned_participants = forms.IntegerField(label=_("Planned participants"), min_value=0, initial=0)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple
    )


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=TargetGroup.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.filter(is_active=True), required=False
    )
    institution_other = forms.CharField(label=_("Other institution"), max_length=200, required=False)
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if a certificate needs it: statistics never use names."),
    )
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    pre_score = forms.IntegerField(label=_("Pre-test score (0-100)"), required=False)
    post_score = forms.IntegerField(label=_("Post-test score (0-100)"), required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), widget=DATE)
    department = forms.ChoiceField(label=_("Department"), choices=_departments, required=False)
    channels = forms.MultipleChoiceField(  # "media" would shadow Form.media
        label=_("Media"), choices=Medium.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    estimated_reach = forms.IntegerField(label=_("Estimated reach"), min_value=0, initial=0)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)


class ActionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Strategic action"), max_length=300)
    axis = forms.ChoiceField(label=_("Axis"), choices=Axis.choices)
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible institutions"), queryset=Organization.objects.filter(is_active=True)
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    computed = forms.ChoiceField(label=_("Computed from Amparo's records"), required=False)
    source = forms.CharField(label=_("Source (manual indicators)"), max_length=200, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=12, decimal_places=2)
    baseline_year = forms.IntegerField(label=_("Baseline year"), required=False, min_value=2000, max_value=2100)
    target_year = forms.IntegerField(label=_("Target year"), required=False, min_value=2000, max_value=2100)
    target_value = forms.DecimalField(label=_("Target"), required=False, max_digits=12, decimal_places=2, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["computed"].choices = [  # type: ignore[attr-defined]
            ("", _("No: entered by hand")),
            *((key, label) for key, (label, _f) in indicators.COMPUTED.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "target_year" in self.fields and "target_year" not in self.errors and "target_value" not in self.errors:
            year, value = data.get("target_year"), data.get("target_value")
            if (year is None) != (value is None):
                raise forms.ValidationError(_("Give both the target year and the target, or neither."))
        return data


class ProgressForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Value (manual indicators)"), required=False, max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class IndicatorEditForm(IndicatorForm):
    """The indicator itself; its yearly targets are set one by one (TargetForm)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["target_year"]
        del self.fields["target_value"]


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2, min_value=0)
