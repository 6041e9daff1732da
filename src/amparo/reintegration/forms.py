from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amparo.accounts.models import Membership
from amparo.cases.models import Case
from amparo.organizations.models import Organization
from amparo.referrals.models import Referral

from .models import GoalArea, GoalStatus, Modality, ScheduledFollowUp, VisitOutcome
from .permissions import follow_ups_run
from .services import GOAL_REFERRAL_STATUSES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        org = obj.to_org.acronym or obj.to_org.name
        return f"{org} · {obj.get_service_type_display()} · {obj.get_status_display()}"


class FollowUpChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        text = ngettext(
            "%(months)s month after closure (due %(date)s)",
            "%(months)s months after closure (due %(date)s)",
            obj.months,
        )
        return text % {"months": obj.months, "date": formats.date_format(obj.due_on, "SHORT_DATE_FORMAT")}


class GoalForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=GoalArea.choices)
    description = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Encrypted.")
    )
    institution = forms.ModelChoiceField(
        label=_("Responsible institution or service"), queryset=Organization.objects.none(), required=False
    )
    referral = ReferralChoiceField(
        label=_("Referral (when the goal rests on one)"),
        queryset=Referral.objects.none(),
        required=False,
        help_text=_("The responsible institution is then the one the referral went to."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.PLANNED)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = self.fields["institution"]
        assert isinstance(institution, forms.ModelChoiceField)
        # A goal's institution taken out of the network since stays choosable on that goal (to close it).
        kept = self.initial.get("institution") or 0
        institution.queryset = Organization.objects.filter(Q(is_active=True) | Q(pk=kept)).order_by("name")
        referral = self.fields["referral"]
        assert isinstance(referral, forms.ModelChoiceField)
        current = self.initial.get("referral")
        referrals = Referral.objects.filter(case=case, from_org_id=case.owner_org_id).filter(
            Q(status__in=GOAL_REFERRAL_STATUSES) | Q(pk=current)
        )
        referral.queryset = referrals.select_related("to_org").order_by("-sent_at")


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices, widget=forms.RadioSelect)
    visited_by = forms.TypedChoiceField(label=_("Who"), coerce=int)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted. Seen only by the case team."),
    )
    follow_up = FollowUpChoiceField(
        label=_("Scheduled follow-up it answers"), queryset=ScheduledFollowUp.objects.none(), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.filter(organization_id=case.owner_org_id, is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        )
        seen: dict[int, str] = {}
        for m in members:
            seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
        visited_by = self.fields["visited_by"]
        assert isinstance(visited_by, forms.TypedChoiceField)
        visited_by.choices = list(seen.items())
        follow_up = self.fields["follow_up"]
        assert isinstance(follow_up, forms.ModelChoiceField)
        # Only a closed case's schedule runs (a reopened case's waits until it is closed again).
        pending = ScheduledFollowUp.objects.filter(case=case, visit__isnull=True, cancelled_at__isnull=True)
        follow_up.queryset = pending.order_by("due_on") if follow_ups_run(case) else pending.none()
