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
