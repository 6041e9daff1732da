from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.cases.vocab import ServiceType
from amparo.core import geo
from amparo.core.widgets import FastSelect
from amparo.organizations.models import Organization
from amparo.people.models import Gender

from .models import LegalBasis, ReferralStatus, Section

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    to_org = forms.ModelChoiceField(label=_("Institution"), queryset=Organization.objects.none())
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices, widget=forms.RadioSelect)
    order_reference = forms.CharField(label=_("Order reference (court or PGN)"), required=False, max_length=200)
    override_reason = forms.CharField(
        label=_("Reason for the override"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_sections = forms.MultipleChoiceField(
        label=_("Sections shared with the receiver"),
        choices=Section.choices,
        initial=[Section.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share only what the receiver needs for this service."),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    respond_by = forms.DateField(label=_("Answer expected by"), required=False, widget=DATE)

    def __init__(self, *args: Any, exclude_org: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Organization.objects.filter(is_active=True, service_offers__is_active=True)
            .exclude(pk=exclude_org or 0)
            .distinct()
            .order_by("name")
        )


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required to decline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome for the sender"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class BoxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ReferralStatus.choices], widget=FastSelect
    )
    # The referrals of one person and of the records merged with it (the person page links here).
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)


class DirectoryForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", "—"), *ServiceType.choices], widget=FastSelect
    )
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        widget=FastSelect,
        choices=lambda: [("", "—"), *sorted(geo.DEPARTMENTS.items())],
    )
    age = forms.IntegerField(label=_("Age of the person"), required=False, min_value=0, max_value=120)
    gender = forms.ChoiceField(
        label=_("Sex / gender"), required=False, choices=[("", "—"), *Gender.choices], widget=FastSelect
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        widget=FastSelect,
        choices=lambda: [("", "—"), *geo.country_choices(get_language())],
    )
