from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.core import geo
from amparo.core.widgets import FastSelect
from amparo.organizations.models import Organization
from amparo.people.models import Gender

from .vocab import (
    FREE_REASON,
    INDICATORS,
    Answer,
    CaseStatus,
    ClosureCode,
    ConsentGiver,
    ConsentScope,
    DeterminedBy,
    EventKind,
    ExploitationForm,
    MeansOfControl,
    Priority,
    RecruiterRelation,
    RecruitmentMethod,
    RiskLevel,
    ServiceType,
    TraffickingStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> expects


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _providers() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.filter(is_active=True))


class CaseFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Victim's name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect, choices=_blank(CaseStatus.choices))
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"), required=False, widget=FastSelect, choices=_blank(TraffickingStatus.choices)
    )
    form = forms.ChoiceField(
        label=_("Form of exploitation"), required=False, widget=FastSelect, choices=_blank(ExploitationForm.choices)
    )
    age_group = forms.ChoiceField(
        label=_("Age group"),
        required=False,
        widget=FastSelect,
        choices=_blank(
            [
                *((g, g) for g in ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")),
                ("-99", _("Age unknown")),  # CTDC's code for an unknown age
            ]
        ),
    )
    sex = forms.ChoiceField(label=_("Sex / gender"), required=False, widget=FastSelect, choices=_blank(Gender.choices))
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        widget=FastSelect,
        choices=lambda: _blank(geo.country_choices(get_language())),
    )
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        widget=FastSelect,
        choices=lambda: _blank(sorted(geo.DEPARTMENTS.items())),
    )
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE)
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DATE)


class ScreeningForm(forms.Form):
    """One yes/no/unknown question per indicator, with an optional note."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            self.fields[indicator.code] = forms.ChoiceField(
                label=str(indicator.label), choices=Answer.choices, initial=Answer.UNKNOWN, widget=forms.RadioSelect
            )
            self.fields[f"note_{indicator.code}"] = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def indicator_rows(self) -> list[tuple[Any, Any, str]]:
        return [(self[i.code], self[f"note_{i.code}"], i.dimension) for i in INDICATORS]


class DetermineForm(forms.Form):
    status = forms.ChoiceField(label=_("Trafficking status"), choices=TraffickingStatus.choices)
    determined_by = forms.ChoiceField(label=_("Determined by"), choices=DeterminedBy.choices)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Stage"), choices=EventKind.choices)
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=lambda: _blank(geo.country_choices(get_language()))
    )
    department = forms.ChoiceField(
        label=_("Department"), required=False, choices=lambda: _blank(sorted(geo.DEPARTMENTS.items()))
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        choices=lambda: _blank(
            [(c, f"{geo.department_name(d)} · {n}") for c, (d, n) in sorted(geo.MUNICIPALITIES.items())]
        ),
    )
    start_date = forms.DateField(label=_("From"), required=False, widget=DATE)
    start_approximate = forms.BooleanField(label=_("Approximate start"), required=False)
    end_date = forms.DateField(label=_("To"), required=False, widget=DATE)
    end_approximate = forms.BooleanField(label=_("Approximate end"), required=False)
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        required=False,
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    industry = forms.CharField(label=_("Industry (ISIC code)"), required=False, max_length=10)
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"), required=False, choices=MeansOfControl.choices, widget=forms.CheckboxSelectMultiple
    )
    recruiter_relation = forms.ChoiceField(
        label=_("Relation to the recruiter"), required=False, choices=_blank(RecruiterRelation.choices)
    )
    recruitment_method = forms.ChoiceField(
        label=_("Method of recruitment"), required=False, choices=_blank(RecruitmentMethod.choices)
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("Consents to"), choices=ConsentScope.choices, widget=forms.CheckboxSelectMultiple
    )
    referral_services = forms.MultipleChoiceField(
        label=_("Services the referral may go to"),
        required=False,
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    giver_name = forms.CharField(label=_("Name of who consents (guardian or attorney)"), required=False, max_length=200)
    reference = forms.CharField(label=_("Court order or document reference"), required=False, max_length=200)
    given_on = forms.DateField(label=_("Date"), widget=DATE)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)


class RiskForm(forms.Form):
    individual = forms.ChoiceField(label=_("Individual risk"), choices=RiskLevel.choices[1:])
    family = forms.ChoiceField(label=_("Family risk"), choices=RiskLevel.choices[1:])
    community = forms.ChoiceField(label=_("Community risk"), choices=RiskLevel.choices[1:])
    retrafficking = forms.ChoiceField(label=_("Risk of re-trafficking"), choices=RiskLevel.choices[1:])
    reprisal = forms.ChoiceField(label=_("Risk of reprisal"), choices=RiskLevel.choices[1:])
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CarePlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    services = forms.MultipleChoiceField(
        label=_("Services planned"), choices=ServiceType.choices, widget=forms.CheckboxSelectMultiple
    )
    provider = forms.ModelChoiceField(
        label=_("Main provider"), required=False, queryset=Organization.objects.filter(is_active=True)
    )
    due_date = forms.DateField(label=_("Planned by"), required=False, widget=DATE)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    # Radio buttons with nothing chosen: approving must be a deliberate choice, never a default.
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Send back with comments"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliveryForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.filter(is_active=True))
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_date = forms.DateField(label=_("Due"), widget=DATE)
    assigned_to = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, choices=[])

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = members or []  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or text)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=[])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reopen a closed case."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the transitions the workflow allows from the current status are offered.
        self.fields["to_status"].choices = [(s, CaseStatus(s).label) for s in allowed or []]  # type: ignore[attr-defined]


class ClosureForm(forms.Form):
    code = forms.ChoiceField(label=_("Kind of closure"), choices=[], required=False)
    reason = forms.CharField(
        label=_("Why close the case?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a reason not listed above. Kept encrypted."),
    )

    def __init__(self, *args: Any, allowed: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the reasons the case may be closed for now (vocab.CLOSABLE_FROM); the service checks them again.
        choices: list[tuple[str, Any]] = (
            [(FREE_REASON, _("Another reason (write it below)"))] if FREE_REASON in allowed else []
        )
        choices += [(code.value, code.label) for code in ClosureCode if code.value in allowed]
        self.fields["code"].choices = choices  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    supervisor = forms.TypedChoiceField(label=_("Supervisor"), coerce=int, required=False, empty_value=None, choices=[])
    assigned = forms.TypedMultipleChoiceField(
        label=_("Assigned caseworkers"), coerce=int, required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]] | None = None,
        supervisors: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", "—"), *(supervisors or [])]  # type: ignore[attr-defined]
        self.fields["assigned"].choices = members or []  # type: ignore[attr-defined]
