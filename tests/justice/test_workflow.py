"""The investigation's steps along the criminal procedure (vocab.INVESTIGATION_TRANSITIONS) and the team
roles chosen by the lead (vocab.TEAM_ROLES_FOR_USER_ROLE)."""

from __future__ import annotations

import re

import pytest

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import ValidationFailed
from amparo.justice import services
from amparo.justice import vocab as justice_vocab
from amparo.justice.models import Investigation, InvestigationMember, InvestigationStatusChange
from amparo.justice.vocab import (
    INVESTIGATION_STAGE_ORDER,
    INVESTIGATION_TRANSITIONS,
    InvestigationStatus,
    investigation_next_statuses,
)

pytestmark = pytest.mark.django_db

OPEN, PROSECUTION, TRIAL, JUDGMENT, CLOSED = INVESTIGATION_STAGE_ORDER


def _move(world, investigation, status, reason=""):
    return services.investigation_set_status(
        world.actor(Role.PROSECUTOR), investigation_id=investigation.pk, status=status, reason=reason
    )


def _walk(world, investigation, *statuses):
    for status in statuses:
        _move(world, investigation, status)


def _status_events(investigation):
    return AuditEvent.objects.filter(
        action__in=["investigation.status", "investigation.reopen"], target_id=str(investigation.pk)
    ).order_by("seq")


# --- the map ---


def test_the_map_covers_every_status_and_names_only_statuses():
    assert set(INVESTIGATION_TRANSITIONS) == set(InvestigationStatus.values) == set(INVESTIGATION_STAGE_ORDER)
    for source, targets in INVESTIGATION_TRANSITIONS.items():
        assert targets and targets <= set(InvestigationStatus.values)
        assert source not in targets
    # never from the investigation straight to a trial or a judgment
    assert investigation_next_statuses(OPEN) == [PROSECUTION, CLOSED]
    assert investigation_next_statuses(CLOSED) == [OPEN]


# --- allowed steps ---


def test_the_procedure_forward_is_recorded_and_audited_with_codes_only(world, investigation):
    _walk(world, investigation, PROSECUTION, TRIAL, JUDGMENT, CLOSED)
    investigation.refresh_from_db()
    assert investigation.status == CLOSED
    steps = list(InvestigationStatusChange.objects.filter(investigation=investigation).order_by("at"))
    assert [(s.from_status, s.to_status) for s in steps] == [
        (OPEN, PROSECUTION),
        (PROSECUTION, TRIAL),
        (TRIAL, JUDGMENT),
        (JUDGMENT, CLOSED),
    ]
    assert all(s.reason is None and s.actor == world.user(Role.PROSECUTOR) for s in steps)
    events = list(_status_events(investigation))
    assert [e.action for e in events] == ["investigation.status"] * 4
    assert events[0].details == {"previous": OPEN, "status": PROSECUTION, "back": False}


def test_an_open_investigation_may_be_closed_at_once(world, investigation):
    """Archivo or desestimación: the file closes without charges."""
    _move(world, investigation, CLOSED)
    investigation.refresh_from_db()
    assert investigation.status == CLOSED


# --- refused steps: a clear error, nothing saved ---


@pytest.mark.parametrize(
    "path,target",
    [
        ((), JUDGMENT),  # from the investigation straight to a judgment
        ((), TRIAL),
        ((), OPEN),  # no change is no step
        ((PROSECUTION,), JUDGMENT),  # the trial is skipped
        ((PROSECUTION, TRIAL, JUDGMENT, CLOSED), JUDGMENT),  # a closed file reopens only into the investigation
        ((PROSECUTION, TRIAL, JUDGMENT, CLOSED), PROSECUTION),
    ],
)
def test_a_step_outside_the_procedure_is_refused_and_nothing_is_saved(world, investigation, path, target):
    _walk(world, investigation, *path)
    investigation.refresh_from_db()
    before = investigation.status
    steps, events = InvestigationStatusChange.objects.count(), _status_events(investigation).count()
    with pytest.raises(ValidationFailed) as exc:
        _move(world, investigation, target, reason="Because")
    message = exc.value.errors["status"][0]
    assert message == (
        f"An investigation cannot go from “{InvestigationStatus(before).label}” "
        f"to “{InvestigationStatus(target).label}”."
    )
    investigation.refresh_from_db()
    assert investigation.status == before
    assert InvestigationStatusChange.objects.count() == steps
    assert _status_events(investigation).count() == events


def test_an_unknown_status_is_refused(world, investigation):
    with pytest.raises(ValidationFailed) as exc:
        _move(world, investigation, "sentenced")
    assert exc.value.errors == {"status": ["Choose a valid status."]}
    assert Investigation.objects.get(pk=investigation.pk).status == OPEN


# --- going back and reopening need a reason ---


def test_reopening_needs_a_reason(world, investigation):
    _walk(world, investigation, CLOSED)
    for blank in ("", "   "):
        with pytest.raises(ValidationFailed) as exc:
            _move(world, investigation, OPEN, reason=blank)
        assert exc.value.errors == {"reason": ["Give the reason for reopening the investigation."]}
    assert Investigation.objects.get(pk=investigation.pk).status == CLOSED
    assert not InvestigationStatusChange.objects.filter(to_status=OPEN).exists()
    assert not AuditEvent.objects.filter(action="investigation.reopen").exists()

    reason = "New testimony from Lucía Pérez"
    _move(world, investigation, OPEN, reason=f"  {reason} ")
    assert Investigation.objects.get(pk=investigation.pk).status == OPEN
    step = InvestigationStatusChange.objects.get(to_status=OPEN)
    assert (step.from_status, step.reason) == (CLOSED, reason)
    event = AuditEvent.objects.get(action="investigation.reopen", target_id=str(investigation.pk))
    assert event.details == {"previous": CLOSED, "status": OPEN, "back": True}
    assert "Lucía" not in str(event.details)


@pytest.mark.parametrize("path,back_to", [((PROSECUTION,), OPEN), ((PROSECUTION, TRIAL, JUDGMENT), TRIAL)])
def test_going_back_to_an_earlier_stage_needs_a_reason(world, investigation, path, back_to):
    _walk(world, investigation, *path)
    with pytest.raises(ValidationFailed) as exc:
        _move(world, investigation, back_to)
    assert exc.value.errors == {"reason": ["Give the reason for going back to an earlier stage."]}
    assert Investigation.objects.get(pk=investigation.pk).status == path[-1]
    _move(world, investigation, back_to, reason="The court annulled it")
    assert Investigation.objects.get(pk=investigation.pk).status == back_to
    event = _status_events(investigation).last()
    assert event is not None and event.details == {"previous": path[-1], "status": back_to, "back": True}


def test_a_reason_too_long_is_refused(world, investigation):
    _walk(world, investigation, CLOSED)
    with pytest.raises(ValidationFailed) as exc:
        _move(world, investigation, OPEN, reason="x" * 2001)
    assert "reason" in exc.value.errors
    assert Investigation.objects.get(pk=investigation.pk).status == CLOSED


# --- the screen ---


def _status_options(page: str) -> list[str]:
    select = re.search(r'<select name="status".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_the_page_offers_only_the_allowed_next_statuses(world, investigation, client_for):
    client = client_for(Role.PROSECUTOR)
    assert _status_options(client.get(f"/justice/{investigation.pk}/").content.decode()) == [PROSECUTION, CLOSED]
    _walk(world, investigation, PROSECUTION, TRIAL, JUDGMENT, CLOSED)
    page = client.get(f"/justice/{investigation.pk}/").content.decode()
    assert _status_options(page) == [OPEN]
    assert "Status history" in page


def test_a_refused_step_posted_comes_back_as_a_message(world, investigation, client_for):
    client = client_for(Role.PROSECUTOR)
    url = f"/justice/{investigation.pk}/status/"
    response = client.post(url, {"status": JUDGMENT}, follow=True)
    assert "An investigation cannot go from “Under investigation” to “Judgment”." in response.content.decode()
    assert Investigation.objects.get(pk=investigation.pk).status == OPEN
    _walk(world, investigation, CLOSED)
    response = client.post(url, {"status": OPEN, "reason": ""}, follow=True)
    assert "Give the reason for reopening the investigation." in response.content.decode()
    assert Investigation.objects.get(pk=investigation.pk).status == CLOSED
    response = client.post(url, {"status": OPEN, "reason": "New evidence"}, follow=True)
    assert "Status changed." in response.content.decode()
    assert Investigation.objects.get(pk=investigation.pk).status == OPEN


# --- team roles ---


def _roles(investigation):
    return {m.user.username: m.team_role for m in InvestigationMember.objects.filter(investigation=investigation)}


def test_an_empty_team_role_takes_the_default_for_the_members_role(world, investigation):
    services.investigation_set_team(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        members=[(world.user(Role.INVESTIGATOR).pk, ""), (world.user(Role.PROSECUTOR, "other").pk, "")],
    )
    assert _roles(investigation) == {
        "home-prosecutor": "prosecutor",
        "home-investigator": "investigator",
        "other-prosecutor": "prosecutor",
    }


def test_the_lead_chooses_the_assistant_role(world, investigation):
    services.investigation_set_team(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        members=[
            (world.user(Role.PROSECUTOR, "other").pk, "assistant"),
            (world.user(Role.INVESTIGATOR).pk, "assistant"),
        ],
    )
    assert _roles(investigation) == {
        "home-prosecutor": "prosecutor",
        "other-prosecutor": "assistant",
        "home-investigator": "assistant",
    }
    event = AuditEvent.objects.filter(action="investigation.team", target_id=str(investigation.pk)).last()
    assert event is not None
    assert event.details == {"members": 3, "as_prosecutor": 1, "as_investigator": 0, "as_assistant": 2}


@pytest.mark.parametrize(
    "role,where,team_role",
    [(Role.INVESTIGATOR, "home", "prosecutor"), (Role.PROSECUTOR, "other", "investigator")],
)
def test_a_team_role_that_does_not_fit_the_member_is_refused(world, investigation, role, where, team_role):
    before = _roles(investigation)
    with pytest.raises(ValidationFailed) as exc:
        services.investigation_set_team(
            world.actor(Role.PROSECUTOR),
            investigation_id=investigation.pk,
            members=[(world.user(role, where).pk, team_role)],
        )
    [message] = exc.value.errors["members"]
    assert f"cannot be “{team_role.capitalize()}” in the team" in message
    assert _roles(investigation) == before


def test_team_roles_are_denied_by_default(world, investigation, monkeypatch):
    """A role of an institution missing from the map cannot join a team, whatever the team role asked."""
    monkeypatch.delitem(justice_vocab.TEAM_ROLES_FOR_USER_ROLE, "investigator")
    assert justice_vocab.team_roles_for(["investigator", "caseworker"]) == []
    for team_role in ("", "investigator", "assistant"):
        with pytest.raises(ValidationFailed) as exc:
            services.investigation_set_team(
                world.actor(Role.PROSECUTOR),
                investigation_id=investigation.pk,
                members=[(world.user(Role.INVESTIGATOR).pk, team_role)],
            )
        assert exc.value.errors == {"members": ["Team members must be active prosecutors or investigators."]}
    assert _roles(investigation) == {"home-prosecutor": "prosecutor", "home-investigator": "investigator"}


def test_a_member_named_twice_or_an_unknown_role_is_refused(world, investigation):
    investigator = world.user(Role.INVESTIGATOR).pk
    for members in ([(investigator, "investigator"), (investigator, "assistant")], [(investigator, "boss")]):
        with pytest.raises(ValidationFailed):
            services.investigation_set_team(
                world.actor(Role.PROSECUTOR), investigation_id=investigation.pk, members=members
            )
    assert _roles(investigation) == {"home-prosecutor": "prosecutor", "home-investigator": "investigator"}


def _team_post(rows: list[tuple[int | str, str]]) -> dict[str, object]:
    data: dict[str, object] = {
        "team-TOTAL_FORMS": str(len(rows)),
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "50",
    }
    for i, (user, role) in enumerate(rows):
        data[f"team-{i}-user"] = str(user)
        data[f"team-{i}-team_role"] = role
    return data


def test_the_team_page_saves_the_chosen_roles_and_the_team_list_shows_them(world, investigation, client_for):
    client = client_for(Role.PROSECUTOR)
    page = client.get(f"/justice/{investigation.pk}/team/").content.decode()
    member_row = re.search(r'<select name="team-0-team_role".*?</select>', page, re.S)
    assert member_row is not None and '<option value="investigator" selected>' in member_row.group(0)
    rows = [(world.user(Role.INVESTIGATOR).pk, ""), (world.user(Role.PROSECUTOR, "other").pk, "assistant"), ("", "")]
    response = client.post(f"/justice/{investigation.pk}/team/", _team_post(rows))
    assert response.status_code == 302
    assert _roles(investigation)["other-prosecutor"] == "assistant"
    assert _roles(investigation)["home-investigator"] == "investigator"
    detail = client.get(f"/justice/{investigation.pk}/").content.decode()
    team = re.search(r'id="team-title".*?</ul>', detail, re.S)
    assert team is not None and "Assistant" in team.group(0)


def test_the_team_page_shows_the_refusal_and_saves_nothing(world, investigation, client_for):
    client = client_for(Role.PROSECUTOR)
    rows = [(world.user(Role.INVESTIGATOR).pk, "prosecutor")]
    response = client.post(f"/justice/{investigation.pk}/team/", _team_post(rows))
    assert response.status_code == 400
    assert "cannot be “Prosecutor” in the team" in response.content.decode()
    assert _roles(investigation) == {"home-prosecutor": "prosecutor", "home-investigator": "investigator"}


def test_only_the_lead_opens_the_team_page(world, investigation, client_for):
    assert client_for(Role.INVESTIGATOR).get(f"/justice/{investigation.pk}/team/").status_code == 403
    assert client_for(Role.PROSECUTOR, "other").get(f"/justice/{investigation.pk}/team/").status_code == 404


def test_opening_an_investigation_names_the_team_with_roles(world, client_for):
    client = client_for(Role.PROSECUTOR)
    data = {"opened_on": "2025-01-10", "summary": "A network", "mp_file_number": ""}
    data.update(_team_post([(world.user(Role.PROSECUTOR, "other").pk, "assistant"), ("", "")]))
    response = client.post("/justice/new/", data)
    assert response.status_code == 302
    investigation = Investigation.objects.get()
    assert _roles(investigation) == {"home-prosecutor": "prosecutor", "other-prosecutor": "assistant"}
