from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core import geo
from amparo.core.widgets import FastSelect

from .models import Destination, Shelter, ShelterCategory
from .shelter_services import MAX_STAY_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdmitForm(forms.Form):
    shelter = forms.ModelChoiceField(label=_("Shelter"), queryset=Shelter.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=ShelterCategory.choices)
    court = forms.CharField(label=_("Court"), max_length=200)
    file_number = forms.CharField(label=_("Court file number"), max_length=100)
    judge = forms.CharField(label=_("Judge"), required=False, max_length=200)
    order_date = forms.DateField(label=_("Order date"), widget=DATE)
    stay_days = forms.IntegerField(label=_("Length of stay ordered (days)"), min_value=1, max_value=MAX_STAY_DAYS)

    def __init__(self, *args: Any, shelters: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shelter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = shelters if shelters is not None else Shelter.objects.none()


class RenewForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=200)
    file_number = forms.CharField(label=_("Court file number"), max_length=100)
    judge = forms.CharField(label=_("Judge"), required=False, max_length=200)
    order_date = forms.DateField(label=_("Date of the new order"), widget=DATE)
    stay_days = forms.IntegerField(label=_("Length of stay ordered (days)"), min_value=1, max_value=MAX_STAY_DAYS)


class DischargeForm(forms.Form):
    destination = forms.ChoiceField(label=_("Destination"), choices=Destination.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AvailabilityForm(forms.Form):
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        widget=FastSelect,
        choices=lambda: [("", "—"), *sorted(geo.DEPARTMENTS.items())],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, widget=FastSelect, choices=[("", "—"), *ShelterCategory.choices]
    )
