from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from amparo.core import geo
from amparo.core.widgets import FastSelect
from amparo.organizations.models import Organization
from amparo.people.models import Gender

from .models import CallerType, CallLanguage, CallStatus, Category, Channel, Duty, Urgency

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_STATS_DAYS = 731


def _now_local() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _departments() -> list[tuple[str, str]]:
    return [("", "—"), *sorted(geo.DEPARTMENTS.items())]


def _municipalities() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (code, f"{name} ({geo.department_name(dept)})") for code, (dept, name) in sorted(geo.MUNICIPALITIES.items())
    ]


class ContactFields(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = forms.DateTimeField(
        label=pgettext_lazy("date", "Received"),
        widget=DATETIME,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    language = forms.ChoiceField(label=_("Language of the call"), choices=CallLanguage.choices, initial="spa")
    caller_type = forms.ChoiceField(label=_("Caller"), choices=CallerType.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Encrypted. What happened, where, who is at risk, what the caller asks for."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = _now_local


class CallForm(ContactFields):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.MEDIUM)
    department = forms.ChoiceField(label=_("Department"), required=False, choices=_departments, widget=FastSelect)
    municipality = forms.ChoiceField(
        label=_("Municipality"), required=False, choices=_municipalities, widget=FastSelect
    )
    caller_contact = forms.CharField(
        label=_("Caller's contact (optional)"),
        required=False,
        max_length=300,
        help_text=_("Encrypted. Only if the caller agrees to be called back."),
    )
    take = forms.BooleanField(label=_("I handle this call myself"), required=False, initial=True)

    field_order = [
        "channel",
        "received_at",
        "language",
        "caller_type",
        "category",
        "urgency",
        "department",
        "municipality",
        "summary",
        "caller_contact",
        "take",
    ]


class FollowUpForm(ContactFields):
    pass


class UpdateForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(c, label) for c, label in CallStatus.choices if c != CallStatus.NEW],
    )
    referred_to = forms.ModelChoiceField(
        label=_("Referred to"),
        required=False,
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        help_text=_("Required when the status is referred."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(forms.Form):
    handler = forms.TypedChoiceField(label=_("Operator"), coerce=int, choices=[])

    def __init__(self, *args: Any, operators: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(u.pk, u.get_full_name() or u.username) for u in operators or []]


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Reference code"),
        max_length=40,
        help_text=_("As the caller reads it, for example 7KQ3-M9TZ-4."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class CaseForm(forms.Form):
    given_names = forms.CharField(
        label=_("Given names (or a provisional name)"), max_length=200, help_text=_("Encrypted.")
    )
    surnames = forms.CharField(label=_("Surnames"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age_min = forms.IntegerField(label=_("Estimated age from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Estimated age to"), required=False, min_value=0, max_value=120)
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        widget=FastSelect,
        choices=lambda: [("", "—"), *geo.country_choices(get_language())],
    )


class StatsForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if (end - start).days > MAX_STATS_DAYS:
                raise forms.ValidationError(_("Choose a period of at most two years."))
        return data


class DutyShiftForm(forms.Form):
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices)
    user = forms.TypedChoiceField(label=_("Officer"), coerce=int, choices=[])
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME, input_formats=[DATETIME_FORMAT])
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME, input_formats=[DATETIME_FORMAT])

    def __init__(self, *args: Any, officers: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (str(label), [(u.pk, u.get_full_name() or u.username) for u in users]) for label, users in officers or []
        ]
        start = _now_local().replace(minute=0)
        self.fields["starts_at"].initial = start
        self.fields["ends_at"].initial = start + datetime.timedelta(hours=24)


class ComplaintForm(forms.Form):
    receiving_org = forms.ModelChoiceField(
        label=_("Received by"), queryset=Organization.objects.none(), empty_label=None
    )
    summary = forms.CharField(
        label=_("Summary of the complaint"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted. Starts from the call's summary: remove what the caller asked to keep out."),
    )
    link_case = forms.BooleanField(label=_("Link the call's victim case"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from amparo.justice.vocab import RECEIVING_INSTITUTION_CODES

        super().__init__(*args, **kwargs)
        field = self.fields["receiving_org"]
        assert isinstance(field, forms.ModelChoiceField)
        # The Public Ministry first: the complaint goes to the prosecutors.
        field.queryset = Organization.objects.filter(code__in=RECEIVING_INSTITUTION_CODES, is_active=True).order_by(
            "code"
        )
