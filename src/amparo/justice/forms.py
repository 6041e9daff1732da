"""Forms parse the screens; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.cases.vocab import INDICATORS
from amparo.core import geo
from amparo.core.widgets import FastSelect
from amparo.organizations.models import Organization
from amparo.people.models import Gender

from .vocab import (
    ComplaintSource,
    CooperationDirection,
    CooperationKind,
    CooperationStatus,
    CourtEventKind,
    CustodyAction,
    EvidenceKind,
    InvestigationStatus,
    PlaceType,
    RoleInProcess,
    TeamRole,
    VerdictOutcome,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def _countries() -> list[tuple[str, str]]:
    return [("", "—"), *geo.country_choices(get_language())]


def _departments() -> list[tuple[str, str]]:
    return [("", "—"), *sorted(geo.DEPARTMENTS.items())]


def _user_label(obj: Any) -> str:
    # memberships are prefetched by justice_user_queryset (one query for every option of every row)
    membership = next((m for m in obj.memberships.all() if m.is_active), None)
    where = f" · {membership.organization.acronym} · {membership.get_role_display()}" if membership else ""
    return f"{obj.get_full_name() or obj.username}{where}"


class UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


def justice_user_queryset() -> QuerySet[User]:
    from amparo.accounts.roles import ROLE_TABLE, Perm

    roles = [role for role, rules in ROLE_TABLE.items() if Perm.JUSTICE_VIEW in rules.permissions]
    active = Membership.objects.filter(is_active=True).select_related("organization")
    return (
        User.objects.filter(is_active=True, memberships__is_active=True, memberships__role__in=roles)
        .distinct()
        .order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=active))
    )


class SearchForm(forms.Form):
    file_number = forms.CharField(label=_("File number"), required=False, max_length=60)
    suspect_name = forms.CharField(label=_("Suspect's name"), required=False, max_length=200)
    place_name = forms.CharField(label=_("Place or business name"), required=False, max_length=200)
    place_type = forms.ChoiceField(label=_("Type of place"), required=False, choices=[("", "—"), *PlaceType.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *InvestigationStatus.choices])


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    source = forms.ChoiceField(label=_("Source"), choices=ComplaintSource.choices)
    receiving_org = forms.ModelChoiceField(label=_("Receiving institution"), queryset=Organization.objects.none())
    mp_file_number = forms.CharField(label=_("Public Ministry file number"), required=False, max_length=60)
    summary = forms.CharField(label=_("Summary"), max_length=20000, widget=TEXT)
    case_numbers = forms.CharField(
        label=_("Victim cases"),
        required=False,
        max_length=500,
        help_text=_("Case numbers of your team, separated by commas."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .permissions import complaint_receivers

        field = self.fields["receiving_org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = complaint_receivers(actor)
        if field.queryset.filter(pk=actor.org_pk).exists():
            field.initial = actor.org_pk


class InvestigationForm(forms.Form):
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)
    mp_file_number = forms.CharField(
        label=_("Public Ministry file number"),
        required=False,
        max_length=60,
        help_text=_("Taken from the complaint when left empty."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=20000, widget=TEXT)
    complaints = forms.MultipleChoiceField(
        label=_("Complaints"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, complaints: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        complaint_field = self.fields["complaints"]
        assert isinstance(complaint_field, forms.MultipleChoiceField)
        complaint_field.choices = [
            (str(c.pk), f"{c.number} · {c.received_on:%Y-%m-%d} · {c.get_source_display()}") for c in complaints or []
        ]


class TeamMemberForm(forms.Form):
    """One member of an investigation team and their role in it. An empty role takes the default for the
    member's role in their institution; the service refuses a role that does not fit it. The lead is not
    offered (``lead_id``): they are always on the team, in their own role."""

    user = UserChoice(label=_("Member"), required=False, queryset=User.objects.none())
    team_role = forms.ChoiceField(
        label=_("Role in the team"),
        required=False,
        choices=[("", _("Default for their role")), *TeamRole.choices],
    )

    def __init__(self, *args: Any, lead_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)
        users = justice_user_queryset()
        user.queryset = users.exclude(pk=lead_id) if lead_id is not None else users


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=3, max_num=50, validate_max=True)


def team_members(formset: forms.BaseFormSet) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    """The (user id, team role) pairs of a valid ``TeamFormSet``; a row without a member is ignored."""
    rows = (form.cleaned_data for form in formset.forms)
    return [(d["user"].pk, d.get("team_role") or "") for d in rows if d and d.get("user") is not None]


class OperationMembersForm(forms.Form):
    members = UserChoices(
        label=_("Team"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = justice_user_queryset()


class StatusForm(forms.Form):
    """The next status of an investigation. On screen only the steps allowed from the current status are
    offered (``allowed``); the service decides (a posted form accepts any status and gets its clear error)."""

    status = forms.ChoiceField(label=_("New status"), choices=InvestigationStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to go back to an earlier stage or to reopen a closed investigation."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            field = self.fields["status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(s, InvestigationStatus(s).label) for s in allowed]


class PlaceForm(forms.Form):
    place_type = forms.ChoiceField(label=_("Type"), choices=PlaceType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=500)
    department = forms.ChoiceField(label=_("Department"), required=False, choices=_departments, widget=FastSelect)


class NewPersonFields(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    surnames = forms.CharField(label=_("Surnames"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age_min = forms.IntegerField(label=_("Estimated age from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Estimated age to"), required=False, min_value=0, max_value=120)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=_countries, widget=FastSelect)


class SuspectForm(NewPersonFields):
    business = forms.ChoiceField(
        label=_("Or a business of this investigation"),
        required=False,
        choices=[],
        help_text=_("Leave the name empty when the suspect is a business."),
    )
    role_in_process = forms.ChoiceField(label=_("Role in the process"), choices=RoleInProcess.choices)
    public_official = forms.BooleanField(label=_("Public official (complicity)"), required=False)
    official_institution = forms.CharField(label=_("Official's institution"), required=False, max_length=120)

    def __init__(self, *args: Any, places: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        business = self.fields["business"]
        assert isinstance(business, forms.ChoiceField)
        business.choices = [("", "—"), *[(str(p.pk), f"{p.get_place_type_display()} · {p.name}") for p in places or []]]


class WitnessForm(NewPersonFields):
    pass


class CaseNumberForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=TEXT)
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE)
    holder = forms.CharField(label=_("Held by"), max_length=200)
    location = forms.CharField(label=_("Location"), required=False, max_length=300)


class CustodyForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[c for c in CustodyAction.choices if c[0] != "collected"])
    at = forms.DateTimeField(label=_("When"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    holder = forms.CharField(label=_("Held by"), max_length=200)
    location = forms.CharField(label=_("Location"), required=False, max_length=300)


class _SuspectChoice(forms.Form):
    suspect = forms.ChoiceField(label=_("Suspect"), choices=[])

    def __init__(self, *args: Any, suspects: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suspect"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *(suspects or [])]


class ArrestForm(_SuspectChoice):
    arrested_on = forms.DateField(label=_("Arrested on"), widget=DATE)
    with_warrant = forms.BooleanField(label=_("With an arrest warrant"), required=False, initial=True)
    department = forms.ChoiceField(label=_("Department"), required=False, choices=_departments, widget=FastSelect)


class CourtEventForm(_SuspectChoice):
    kind = forms.ChoiceField(label=_("Event"), choices=CourtEventKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suspect"].required = False


class CooperationForm(_SuspectChoice):
    kind = forms.ChoiceField(label=_("Kind"), choices=CooperationKind.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=CooperationDirection.choices)
    country = forms.ChoiceField(label=_("Other country"), choices=_countries, widget=FastSelect)
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suspect"].required = False


class CooperationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CooperationStatus.choices)
    status_on = forms.DateField(label=_("Since"), widget=DATE)


class OperationForm(forms.Form):
    codename = forms.CharField(label=_("Code name"), max_length=80)
    objective = forms.CharField(label=_("Objective and plan"), max_length=10000, widget=TEXT)
    planned_for = forms.DateField(label=_("Planned for"), widget=DATE)
    target = forms.ChoiceField(label=_("Target"), required=False, choices=[])
    members = UserChoices(
        label=_("Members (only they will know the operation exists)"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, places: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", "—"), *[(str(p.pk), f"{p.get_place_type_display()} · {p.name}") for p in places or []]]
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = justice_user_queryset()


class ExecuteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=10000, widget=TEXT)


class FoundPersonForm(NewPersonFields):
    indicators = forms.MultipleChoiceField(
        label=_("Indicators observed"),
        required=False,
        choices=[(i.code, i.label) for i in INDICATORS],
        widget=forms.CheckboxSelectMultiple,
    )


FoundPersonFormSet = forms.formset_factory(FoundPersonForm, extra=3, max_num=50)


class ProtectForm(forms.Form):
    started_on = forms.DateField(label=_("Protected since"), widget=DATE)
    whereabouts = forms.CharField(label=_("Whereabouts"), required=False, max_length=2000, widget=TEXT)
    team = UserChoices(
        label=_("Protection team (only they will see who this person is)"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelMultipleChoiceField)
        team.queryset = justice_user_queryset()


class ProtectionForm(ProtectForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["started_on"]


class ProtectionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Protection ended on"), widget=DATE)


class AttachComplaintForm(forms.Form):
    complaint = forms.ChoiceField(label=_("Complaint"), choices=[])

    def __init__(self, *args: Any, complaints: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["complaint"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(c.pk), f"{c.number} · {c.received_on:%Y-%m-%d} · {c.get_source_display()}") for c in complaints
        ]
        if not complaints:
            field.help_text = _("Every complaint received by your institution is already in an investigation.")


class LinkCasesForm(forms.Form):
    case_numbers = forms.CharField(
        label=_("Case numbers"), max_length=500, help_text=_("Case numbers of your team, separated by commas.")
    )


class ChargeForm(_SuspectChoice):
    article = forms.TypedChoiceField(label=_("Article"), coerce=int, choices=[])
    offence_date = forms.DateField(label=_("Offence date"), widget=DATE)
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)
    victim_age = forms.IntegerField(label=_("Victim's age at the offence"), required=False, min_value=0, max_value=120)
    circumstances = forms.MultipleChoiceField(
        label=_("Circumstances"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from amparo.law.calculator import article_label
        from amparo.law.circumstances import GIVEN
        from amparo.law.selectors import offence_articles

        article = self.fields["article"]
        assert isinstance(article, forms.ChoiceField)
        article.choices = [("", "—"), *[(a.pk, f"{article_label(a)} · {a.title}") for a in offence_articles()]]
        circumstances = self.fields["circumstances"]
        assert isinstance(circumstances, forms.MultipleChoiceField)
        circumstances.choices = list(GIVEN.items())


class VerdictForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Verdict"), choices=VerdictOutcome.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=200)


class SentenceForm(forms.Form):
    years = forms.IntegerField(label=_("Prison: years"), initial=0, min_value=-1000, max_value=1000)
    months = forms.IntegerField(label=_("months"), initial=0, min_value=-1000, max_value=1000)
    days = forms.IntegerField(label=_("days"), initial=0, min_value=-1000, max_value=1000)
    fine = forms.DecimalField(label=_("Fine (Q)"), required=False, max_digits=14, decimal_places=2)
    reparation = forms.DecimalField(
        label=_("Reparation to the victim (Q)"), required=False, max_digits=14, decimal_places=2
    )
    reparation_case = forms.ChoiceField(label=_("Victim (third-party plaintiff)"), required=False, choices=[])
    reason = forms.CharField(
        label=_("Reason (required outside the computed range)"),
        required=False,
        max_length=5000,
        widget=TEXT,
    )

    def __init__(self, *args: Any, victims: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reparation_case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *(victims or [])]
