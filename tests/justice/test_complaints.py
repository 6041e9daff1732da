from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.services import case_open
from amparo.core.exceptions import PermissionDenied, ValidationFailed
from amparo.justice.models import Complaint
from amparo.justice.services import complaint_create
from amparo.organizations.models import Organization
from tests.conftest import make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_prosecutor_records_a_complaint_with_encrypted_summary_and_linked_case(world):
    caseworker = world.actor(Role.PROSECUTOR)
    person = make_person(caseworker)
    case = case_open(actor=caseworker, person_id=person.pk)
    complaint = complaint_create(
        caseworker,
        received_on=TODAY,
        source="walk_in",
        summary="Bar La Estrella recruits girls from Huehuetenango",
        mp_file_number="MP001-2024-77",
        case_ids=[case.pk],
    )
    assert complaint.receiving_org_id == world.home.pk
    assert list(complaint.cases.all()) == [case]
    stored = Complaint.objects.values_list("summary", flat=True).get(pk=complaint.pk)
    assert "Estrella" not in stored
    assert Complaint.objects.get(pk=complaint.pk).summary.startswith("Bar La Estrella")
    event = AuditEvent.objects.filter(action="complaint.create").get()
    assert "Estrella" not in str(event.details)
    assert event.details["cases"] == 1


def test_hotline_operator_sends_a_complaint_to_the_public_ministry(world):
    operator = world.actor(Role.HOTLINE_OPERATOR)
    mp = Organization.objects.get(code="mp")
    complaint = complaint_create(
        operator, received_on=TODAY, source="hotline", summary="Caller reports a brothel", receiving_org_id=mp.pk
    )
    assert complaint.receiving_org == mp
    assert complaint.recorded_by_org_id == world.home.pk
    assert complaint.number.startswith("MP-DEN-")


def test_complaint_to_an_institution_that_does_not_receive_complaints_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        complaint_create(
            world.actor(Role.HOTLINE_OPERATOR),
            received_on=TODAY,
            source="hotline",
            summary="x",
            receiving_org_id=world.other.pk,
        )
    assert "receiving_org" in exc.value.errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("explicit", [False, True])
def test_a_hotline_operator_cannot_file_a_complaint_with_their_own_institution_where_nobody_would_see_it(
    world, explicit: bool
):
    """The hotline operator's institution (here Casa Alianza; MINEX or PDH in the demo) has nobody with
    justice.view: a complaint received there would be seen by nobody. By default or chosen, it is refused."""
    operator = world.actor(Role.HOTLINE_OPERATOR)
    with pytest.raises(ValidationFailed) as exc:
        complaint_create(
            operator,
            received_on=TODAY,
            source="hotline",
            summary="Caller reports a brothel",
            receiving_org_id=world.home.pk if explicit else None,
        )
    assert exc.value.errors["receiving_org"] == [
        gettext("A complaint is received by the Public Ministry or the police.")
    ]
    assert not Complaint.objects.exists()


def test_the_complaint_form_offers_the_own_institution_only_to_those_who_see_its_complaints(world):
    from amparo.justice.forms import ComplaintForm

    mp_pnc = set(Organization.objects.filter(code__in=["mp", "pnc"]).values_list("pk", flat=True))
    operator_form = ComplaintForm(actor=world.actor(Role.HOTLINE_OPERATOR))
    assert set(operator_form.fields["receiving_org"].queryset.values_list("pk", flat=True)) == mp_pnc
    assert operator_form.fields["receiving_org"].initial is None
    prosecutor_form = ComplaintForm(actor=world.actor(Role.PROSECUTOR))
    choices = set(prosecutor_form.fields["receiving_org"].queryset.values_list("pk", flat=True))
    assert choices == mp_pnc | {world.home.pk}
    assert prosecutor_form.fields["receiving_org"].initial == world.home.pk


def test_a_hotline_operator_posting_the_complaint_form_with_their_institution_saves_nothing(world, client_for):
    client = client_for(Role.HOTLINE_OPERATOR)
    response = client.post(
        "/justice/complaints/new/",
        {"received_on": TODAY.isoformat(), "source": "hotline", "receiving_org": world.home.pk, "summary": "A summary"},
    )
    assert response.status_code == 400  # the form again, with the error on the field
    assert response.context["form"].errors["receiving_org"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on"),
        ({"source": "rumour"}, "source"),
        ({"summary": "   "}, "summary"),
    ],
)
def test_bad_complaint_input_saves_nothing(world, kwargs, field):
    data = {"received_on": TODAY, "source": "walk_in", "summary": "A summary"} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        complaint_create(world.actor(Role.INVESTIGATOR), **data)
    assert field in exc.value.errors
    assert not Complaint.objects.exists()


def test_linking_a_case_of_another_institution_is_refused_without_revealing_it(world):
    other = world.actor(Role.CASEWORKER, "other")
    foreign_case = case_open(actor=other, person_id=make_person(other).pk)
    with pytest.raises(ValidationFailed) as exc:
        complaint_create(
            world.actor(Role.PROSECUTOR), received_on=TODAY, source="walk_in", summary="s", case_ids=[foreign_case.pk]
        )
    assert exc.value.errors["cases"] == [gettext("Link only victim cases of your team.")]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.STATISTICIAN, Role.ADMINISTRATOR, Role.AUDITOR])
def test_roles_without_the_permission_cannot_record_complaints(world, role):
    with pytest.raises(PermissionDenied):
        complaint_create(world.actor(role), received_on=TODAY, source="walk_in", summary="s")
