from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.cases.vocab import ServiceType
from amparo.core import geo
from amparo.people.models import Gender

from .directory_services import MAX_AGE, OfferInput


class OfferForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=MAX_AGE)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=MAX_AGE)
    sexes = forms.MultipleChoiceField(
        label=_("For (sex / gender)"),
        required=False,
        choices=Gender.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everyone."),
    )
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        required=False,
        choices=lambda: geo.country_choices(get_language()),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("None chosen: any nationality."),
    )
    departments = forms.MultipleChoiceField(
        label=_("Coverage (departments)"),
        required=False,
        choices=lambda: sorted(geo.DEPARTMENTS.items(), key=lambda kv: kv[1]),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole country."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), required=False, max_length=120)

    def to_input(self) -> OfferInput:
        d: dict[str, Any] = self.cleaned_data
        return OfferInput(
            service_type=d["service_type"],
            description=d["description"],
            min_age=d["min_age"],
            max_age=d["max_age"],
            sexes=list(d["sexes"]),
            nationalities=list(d["nationalities"]),
            departments=list(d["departments"]),
            phone=d["phone"],
            email=d["email"],
            opening_hours=d["opening_hours"],
        )
