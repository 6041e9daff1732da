"""The second audit of reintegration: a case closed as a duplicate after an earlier closure, goals whose
institution left the network, and forms sent twice. Each test failed before its fix."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.cases import services as cases
from amparo.cases.vocab import CaseStatus
from amparo.core.exceptions import ValidationFailed
from amparo.reintegration import schedule, selectors, services
from amparo.reintegration.models import FollowUpVisit, Goal, ScheduledFollowUp
from tests.conftest import login

from .test_reintegration import _case, _close, _consent, _goal

TODAY = timezone.localdate()
NO_VICTIMS_CASE = (
    "This case was closed as a duplicate or as opened in error: its reintegration record stays as it was. "
    "Carry on in the person's case that remains."
)


@pytest.mark.django_db
def test_a_case_closed_as_a_duplicate_after_an_earlier_closure_has_no_follow_ups(world, settings, english) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3]
    case = _case(world)
    case.opened_at = timezone.now() - datetime.timedelta(days=200)
    case.save(update_fields=["opened_at"])
    case = _close(world, case)
    _goal(world, case)
    # The 1-month follow-up is due (the closure was 40 days ago).
    ScheduledFollowUp.objects.filter(case=case).update(due_on=TODAY - datetime.timedelta(days=9))
    assert selectors.pending_follow_ups().filter(case=case).count() == 2
    _consent(world, case)
    cases.case_transition(
        actor=world.actor("caseworker"), case_id=case.pk, to_status=CaseStatus.ASSISTANCE, reason="Recaída"
    )
    # The person's records were merged: this case is the duplicate of her other one, and is closed as such.
    cases.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, code="duplicate")
    case = cases.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert case.status == CaseStatus.CLOSED and case.closure_code == "duplicate"

    # The schedule of the first closure does not come back to life: nothing due, no reminder, nothing to record.
    assert {r.state for r in selectors.follow_up_rows(case)} == {schedule.CANCELLED}
    assert not selectors.pending_follow_ups().filter(case=case).exists()
    assert not selectors.follow_ups_due_for(actor=world.actor("caseworker"))
    pending = ScheduledFollowUp.objects.filter(case=case).first()
    with pytest.raises(ValidationFailed) as exc:
        services.visit_record(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            date=TODAY,
            modality="phone",
            outcome="stable",
            follow_up_id=pending.pk,
        )
    assert exc.value.errors == {"__all__": [NO_VICTIMS_CASE]}
    with pytest.raises(ValidationFailed):  # the plan stays as it was
        _goal(world, case, description="Otro objetivo")
    assert not FollowUpVisit.objects.filter(case=case).exists() and Goal.objects.filter(plan__case=case).count() == 1

    client = login(Client(), world.user("caseworker"))
    page = client.get(f"/reintegration/cases/{case.pk}/").content.decode()
    assert 'id="no-victims-case"' in page and NO_VICTIMS_CASE in page
    assert f"/reintegration/cases/{case.pk}/goals/new/" not in page
    assert f"/reintegration/cases/{case.pk}/visits/new/" not in page
    assert "Record it" not in page
    assert client.get(f"/reintegration/cases/{case.pk}/visits/new/").status_code == 403
    assert (
        "no-victims-case" not in client.get(f"/reintegration/cases/{_close(world, _case(world)).pk}/").content.decode()
    )


@pytest.mark.django_db
def test_a_goal_whose_institution_left_the_network_can_still_be_brought_to_an_end(world, english) -> None:
    case = _case(world)
    goal = _goal(world, case)
    world.other.is_active = False
    world.other.save(update_fields=["is_active"])
    client = login(Client(), world.user("caseworker"))
    page = client.get(f"/reintegration/goals/{goal.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/reintegration/goals/{goal.pk}/",
        {
            "area": goal.area,
            "description": goal.description,
            "institution": world.other.pk,
            "status": "dropped",
            "version": goal.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    goal.refresh_from_db()
    assert goal.status == "dropped" and goal.institution_id == world.other.pk
    # A new goal does not go to an institution out of the network.
    with pytest.raises(ValidationFailed) as exc:
        _goal(world, case, description="Otro curso")
    assert "institution" in exc.value.errors
    response = client.post(
        f"/reintegration/cases/{case.pk}/goals/new/",
        {"area": "education", "description": "Primaria acelerada", "institution": world.other.pk, "status": "planned"},
    )
    assert response.status_code == 400 and "institution" in response.context["form"].errors


@pytest.mark.django_db
def test_a_goal_form_sent_twice_adds_one_goal(world, english) -> None:
    case = _case(world)
    client = login(Client(), world.user("caseworker"))
    data = {"area": "vocational", "description": "Curso de panadería", "institution": world.other.pk}
    data["status"] = "planned"
    assert client.post(f"/reintegration/cases/{case.pk}/goals/new/", data).status_code == 302
    again = client.post(f"/reintegration/cases/{case.pk}/goals/new/", {**data, "description": " curso de  Panadería "})
    assert again.status_code == 400
    assert "This goal is already in the plan, open: edit that one." in again.context["form"].errors["description"]
    assert Goal.objects.filter(plan__case=case).count() == 1
    # Another area, or once the first one is closed, the same words make a new goal.
    _goal(world, case, area="income", description="Curso de panadería")
    first = Goal.objects.get(plan__case=case, area="vocational")
    Goal.objects.filter(pk=first.pk).update(status="not_achieved")
    _goal(world, case, description="Curso de panadería")
    assert Goal.objects.filter(plan__case=case).count() == 3


@pytest.mark.django_db
def test_a_visit_form_sent_twice_records_one_visit(world, english) -> None:
    case = _case(world)
    client = login(Client(), world.user("caseworker"))
    data = {
        "date": TODAY.isoformat(),
        "modality": "phone",
        "visited_by": world.user("caseworker").pk,
        "outcome": "stable",
        "notes": "Trabaja en la panadería",
    }
    assert client.post(f"/reintegration/cases/{case.pk}/visits/new/", data).status_code == 302
    again = client.post(f"/reintegration/cases/{case.pk}/visits/new/", data)
    assert again.status_code == 400
    assert again.context["form"].non_field_errors() == [
        "This follow-up was recorded a moment ago: it is not recorded twice."
    ]
    assert FollowUpVisit.objects.filter(case=case).count() == 1
    # A second call that day with something else to say is recorded; so is the same one after a while.
    assert (
        client.post(f"/reintegration/cases/{case.pk}/visits/new/", {**data, "notes": "Sin novedad"}).status_code == 302
    )
    FollowUpVisit.objects.filter(case=case).update(recorded_at=timezone.now() - datetime.timedelta(minutes=11))
    assert client.post(f"/reintegration/cases/{case.pk}/visits/new/", data).status_code == 302
    assert FollowUpVisit.objects.filter(case=case).count() == 3
