from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from amparo.accounts.actor import Actor
from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.models import Case as VictimCase
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.hotline import reference, selectors, services
from amparo.hotline.models import Call, CallCenter, CallStatus, DutyShift, FollowUp, RescueAlert
from amparo.notifications.models import Notification
from amparo.organizations.models import Organization, Unit
from amparo.people.models import Person
from amparo.people.validation import PersonInput
from tests.conftest import login
from tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory

NOW = timezone.now


def es(message: str) -> str:
    """A message as the Spanish (default) screens show it, HTML-escaped."""
    with translation.override("es"):
        return escape(translation.gettext(message))


def _officer(username: str, org_code: str, role: str, unit_code: str | None) -> User:
    org = Organization.objects.get(code=org_code)
    unit = Unit.objects.get(organization=org, code=unit_code) if unit_code else None
    membership = MembershipFactory(user=UserFactory(username=username), organization=org, role=role, unit=unit)
    TOTPDeviceFactory(user=membership.user)
    return membership.user


def _actor(user: User) -> Actor:
    return Actor(user=user, membership=user.memberships.get())


@pytest.fixture
def hotline(world) -> dict[str, Any]:
    """Home joins the shared queue (besides the seeded call centers, reloaded in case a transactional test
    flushed them); PNC and MP officers, in and outside the anti-trafficking units."""
    from amparo.hotline.seed import load_call_centers

    load_call_centers(Organization, Unit, CallCenter)
    CallCenter.objects.create(organization=world.home)
    return {
        "police": [
            _officer("pnc-trata-1", "pnc", Role.INVESTIGATOR, "dei-trata"),
            _officer("pnc-trata-2", "pnc", Role.INVESTIGATOR, "dei-trata"),
        ],
        "police_outside_unit": _officer("pnc-otro", "pnc", Role.INVESTIGATOR, None),
        "prosecutors": [_officer("mp-trata-1", "mp", Role.PROSECUTOR, "fiscalia-trata")],
        "prosecutor_outside_unit": _officer("mp-mujer", "mp", Role.PROSECUTOR, "fiscalia-mujer"),
    }


def _input(**overrides: Any) -> services.CallInput:
    values: dict[str, Any] = {
        "channel": "phone",
        "received_at": NOW() - datetime.timedelta(minutes=2),
        "language": "quc",
        "caller_type": "relative",
        "summary": "Mi hija de 15 años está retenida en un bar de Coatepeque",
        "category": "complaint",
        "urgency": "medium",
        "department": "09",
        "municipality": "0915",
        "caller_contact": "5555-0101",
    }
    values.update(overrides)
    return services.CallInput(**values)


def _record(world, role: str = "hotline_operator", **overrides: Any) -> Call:
    return services.call_record(actor=world.actor(role), data=_input(**overrides))


def _shift(user: User, duty: str, start: datetime.timedelta, end: datetime.timedelta) -> DutyShift:
    org = user.memberships.get().organization
    return DutyShift.objects.create(
        user=user, organization=org, duty=duty, starts_at=NOW() + start, ends_at=NOW() + end, created_by=user
    )


# --- intake ---


@pytest.mark.django_db
def test_intake_encrypts_the_content_and_audits_only_codes(world, hotline) -> None:
    call = _record(world)
    assert call.status == CallStatus.IN_PROGRESS and call.handler == world.user("hotline_operator")
    assert call.organization == world.home
    assert reference.normalize(call.reference_code) == call.reference_code
    row = Call.objects.filter(pk=call.pk).values_list("summary", "caller_contact", "reference_code").get()
    stored = " ".join(row)
    assert "Coatepeque" not in stored and "5555" not in stored and call.reference_code not in stored
    fresh = Call.objects.get(pk=call.pk)
    assert fresh.summary.endswith("Coatepeque") and fresh.caller_contact == "5555-0101"
    event = AuditEvent.objects.filter(action="hotline.call_record", target_id=str(call.pk)).get()
    assert event.details == {
        "channel": "phone",
        "category": "complaint",
        "urgency": "medium",
        "language": "quc",
        "caller": "relative",
        "taken": True,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"received_at": None}, "received_at"),
        ({"received_at": NOW() + datetime.timedelta(hours=2)}, "received_at"),
        ({"received_at": NOW() - datetime.timedelta(days=400)}, "received_at"),
        ({"language": "xx"}, "language"),
        ({"caller_type": "journalist"}, "caller_type"),
        ({"category": "gossip"}, "category"),
        ({"urgency": "extreme"}, "urgency"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 10_001}, "summary"),
        ({"caller_contact": "5" * 301}, "caller_contact"),
        ({"department": "99", "municipality": ""}, "department"),
        ({"department": "01", "municipality": "0915"}, "municipality"),
    ],
)
def test_bad_intake_saves_nothing(world, hotline, overrides, field) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _record(world, **overrides)
    assert field in exc.value.errors
    assert Call.objects.count() == 0 and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_bad_intake_through_the_screen_saves_nothing(world, hotline) -> None:
    client = login(Client(), world.user("hotline_operator"))
    response = client.post(
        "/hotline/new/",
        {
            "channel": "phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "language": "spa",
            "caller_type": "victim",
            "category": "complaint",
            "urgency": "low",
            "summary": "Algo pasó",
            "department": "01",
            "municipality": "0915",
        },
    )
    assert response.status_code == 400, response.context["form"].errors
    assert es("The municipality does not belong to the department.") in response.content.decode()
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_only_staff_of_participating_call_centers_record_calls(world, hotline) -> None:
    with pytest.raises(PermissionDenied):
        _record(world, role="caseworker")  # home, but no hotline permission
    with pytest.raises(PermissionDenied):
        services.call_record(actor=world.actor("hotline_operator", "other"), data=_input())  # not participating
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_the_queue_is_shared_by_the_call_centers_and_closed_to_others(world, hotline) -> None:
    """A call answered by the Foreign Ministry is worked by the Ombudsman's operators too (the seed's three
    call centers working together); an operator of a non-participating institution learns nothing."""
    minex = _officer("minex-op", "minex", Role.HOTLINE_OPERATOR, "call-center")
    pdh = _officer("pdh-op", "pdh", Role.HOTLINE_OPERATOR, "call-center")
    pdh_defensoria = _officer("pdh-defensoria", "pdh", Role.HOTLINE_OPERATOR, "defensoria-trata")
    call = services.call_record(actor=_actor(minex), data=_input(), take=False)
    queue = selectors.call_queue(actor=_actor(pdh), tab="new")
    assert [c.pk for c in queue.calls] == [call.pk]
    assert login(Client(), pdh).get(f"/hotline/calls/{call.pk}/").status_code == 200
    services.call_take(actor=_actor(pdh), call_id=call.pk)
    assert Call.objects.get(pk=call.pk).handler == pdh
    outsider = login(Client(), world.user("hotline_operator", "other"))
    assert outsider.get(f"/hotline/calls/{call.pk}/").status_code == 404
    assert outsider.get("/hotline/").status_code == 403
    assert login(Client(), pdh_defensoria).get(f"/hotline/calls/{call.pk}/").status_code == 404  # not the unit
    with pytest.raises(NotFound):
        services.call_take(actor=world.actor("hotline_operator", "other"), call_id=call.pk)
    assert login(Client(), world.user("caseworker")).get(f"/hotline/calls/{call.pk}/").status_code == 403


@pytest.mark.django_db
def test_queue_tabs_put_urgent_calls_first(world, hotline) -> None:
    operator = world.actor("hotline_operator")
    low = services.call_record(actor=operator, data=_input(urgency="low"), take=False)
    urgent = services.call_record(actor=operator, data=_input(urgency="high"), take=False)
    mine = services.call_record(actor=operator, data=_input(urgency="medium"))
    queue = selectors.call_queue(actor=operator, tab="new")
    assert [c.pk for c in queue.calls] == [urgent.pk, low.pk]
    assert queue.counts == {"new": 2, "mine": 1, "urgent": 1}
    assert [c.pk for c in selectors.call_queue(actor=operator, tab="mine").calls] == [mine.pk]
    assert selectors.call_queue(actor=operator, tab="all").tab == "new"  # operators do not get "all"
    assert len(selectors.call_queue(actor=world.actor("supervisor"), tab="all").calls) == 3


@pytest.mark.django_db
def test_supervisor_reassigns_and_the_operator_is_notified(world, hotline) -> None:
    call = _record(world, role="supervisor")
    operator = world.user("hotline_operator")
    client = login(Client(), world.user("supervisor"))
    assert client.post(f"/hotline/calls/{call.pk}/assign/", {"handler": operator.pk}).status_code == 302
    assert Call.objects.get(pk=call.pk).handler == operator
    assert Notification.objects.filter(recipient=operator, kind="hotline.assigned").count() == 1
    with pytest.raises(ValidationFailed):  # a caseworker is not a hotline operator
        services.call_assign(actor=world.actor("supervisor"), call_id=call.pk, handler_id=world.user("caseworker").pk)
    with pytest.raises(PermissionDenied):
        services.call_assign(actor=world.actor("hotline_operator"), call_id=call.pk, handler_id=operator.pk)


@pytest.mark.django_db
def test_only_the_handler_or_a_supervisor_updates_a_taken_call(world, hotline) -> None:
    call = _record(world, role="supervisor")
    with pytest.raises(PermissionDenied):
        services.call_update(
            actor=world.actor("hotline_operator"), call_id=call.pk, category="other", urgency="low", status="closed"
        )
    with pytest.raises(ValidationFailed) as exc:
        services.call_update(
            actor=world.actor("supervisor"), call_id=call.pk, category="other", urgency="low", status="referred"
        )
    assert "referred_to" in exc.value.errors
    updated = services.call_update(
        actor=world.actor("supervisor"),
        call_id=call.pk,
        category="assistance",
        urgency="low",
        status="referred",
        referred_to_id=world.other.pk,
    )
    assert updated.status == "referred" and updated.referred_to == world.other


# --- urgent rescue alerts ---


@pytest.mark.django_db
def test_urgent_rescue_alerts_the_officers_on_duty_at_once(world, hotline) -> None:
    on_police, off_police = hotline["police"]
    prosecutor = hotline["prosecutors"][0]
    _shift(on_police, "police", -datetime.timedelta(hours=2), datetime.timedelta(hours=6))
    _shift(off_police, "police", -datetime.timedelta(hours=30), -datetime.timedelta(hours=6))  # ended
    _shift(prosecutor, "prosecutor", -datetime.timedelta(minutes=5), datetime.timedelta(hours=23))
    call = _record(world, category="rescue", urgency="urgent")
    alerted = set(RescueAlert.objects.filter(call=call).values_list("recipient__username", "via_roster"))
    assert alerted == {("pnc-trata-1", True), ("mp-trata-1", True)}
    notified = Notification.objects.filter(kind="hotline.rescue_alert")
    assert {n.recipient.username for n in notified} == {"pnc-trata-1", "mp-trata-1"}
    assert {n.target_url for n in notified} == {f"/hotline/alerts/{call.pk}/"}
    assert call.alert_summary == {"police": {"via": "roster", "count": 1}, "prosecutor": {"via": "roster", "count": 1}}
    page = login(Client(), world.user("hotline_operator")).get(f"/hotline/calls/{call.pk}/")
    assert {a.recipient.username for a in page.context["alerts"]} == {"pnc-trata-1", "mp-trata-1"}
    assert "data-fallback" not in page.content.decode()


@pytest.mark.django_db
def test_nobody_on_duty_alerts_the_whole_units_and_says_so(world, hotline) -> None:
    call = _record(world, category="rescue", urgency="urgent")
    alerted = set(RescueAlert.objects.filter(call=call).values_list("recipient__username", flat=True))
    assert alerted == {"pnc-trata-1", "pnc-trata-2", "mp-trata-1"}  # not the officers outside the units
    assert set(
        Notification.objects.filter(kind="hotline.rescue_alert_fallback").values_list("recipient__username", flat=True)
    ) == {"pnc-trata-1", "pnc-trata-2", "mp-trata-1"}
    assert call.alert_summary["police"] == {"via": "fallback", "count": 2}
    page = login(Client(), world.user("hotline_operator")).get(f"/hotline/calls/{call.pk}/").content.decode()
    assert 'data-fallback="police"' in page and 'data-fallback="prosecutor"' in page


@pytest.mark.django_db
def test_on_duty_police_and_fallback_prosecutors_are_decided_per_duty(world, hotline) -> None:
    _shift(hotline["police"][1], "police", -datetime.timedelta(hours=1), datetime.timedelta(hours=1))
    call = _record(world, category="rescue", urgency="urgent")
    assert call.alert_summary == {
        "police": {"via": "roster", "count": 1},
        "prosecutor": {"via": "fallback", "count": 1},
    }


@pytest.mark.django_db
def test_officer_removed_from_the_role_is_not_alerted_from_the_roster(world, hotline) -> None:
    officer = hotline["police"][0]
    _shift(officer, "police", -datetime.timedelta(hours=1), datetime.timedelta(hours=1))
    officer.memberships.update(is_active=False)
    call = _record(world, category="rescue", urgency="urgent")
    assert call.alert_summary["police"] == {"via": "fallback", "count": 1}


@pytest.mark.django_db
def test_only_urgent_rescue_requests_alert_and_only_once(world, hotline) -> None:
    call = _record(world, category="rescue", urgency="high")
    assert call.alerted_at is None and not RescueAlert.objects.exists()
    _record(world, category="complaint", urgency="urgent")
    assert not RescueAlert.objects.exists()
    operator = world.actor("hotline_operator")
    services.call_update(actor=operator, call_id=call.pk, category="rescue", urgency="urgent", status="in_progress")
    assert RescueAlert.objects.filter(call=call).count() == 3
    services.call_update(actor=operator, call_id=call.pk, category="rescue", urgency="high", status="in_progress")
    services.call_update(actor=operator, call_id=call.pk, category="rescue", urgency="urgent", status="in_progress")
    assert RescueAlert.objects.filter(call=call).count() == 3
    assert Notification.objects.filter(kind__startswith="hotline.rescue").count() == 3


@pytest.mark.django_db
def test_alerted_officer_sees_the_alert_and_acknowledges_it(world, hotline) -> None:
    _shift(hotline["police"][0], "police", -datetime.timedelta(hours=1), datetime.timedelta(hours=1))
    call = _record(world, category="rescue", urgency="urgent")
    officer = login(Client(), hotline["police"][0])
    page = officer.get(f"/hotline/alerts/{call.pk}/").content.decode()
    assert "Coatepeque" in page and "5555-0101" not in page  # the summary, not the caller's contact
    assert officer.get(f"/hotline/calls/{call.pk}/").status_code == 403  # the alert, not the queue
    assert login(Client(), hotline["police_outside_unit"]).get(f"/hotline/alerts/{call.pk}/").status_code == 404
    assert officer.post(f"/hotline/alerts/{call.pk}/ack/").status_code == 302
    assert RescueAlert.objects.get(call=call, recipient=hotline["police"][0]).acknowledged_at is not None
    assert Notification.objects.filter(
        recipient=world.user("hotline_operator"), kind="hotline.alert_acknowledged"
    ).exists()
    assert AuditEvent.objects.filter(action="hotline.alert_view", target_id=str(call.pk)).count() == 1


# --- the roster ---


@pytest.mark.django_db
def test_supervisor_keeps_the_roster(world, hotline) -> None:
    supervisor = world.actor("supervisor")
    start, end = NOW(), NOW() + datetime.timedelta(hours=12)
    police = hotline["police"][0]
    shift = services.duty_shift_add(actor=supervisor, user_id=police.pk, duty="police", starts_at=start, ends_at=end)
    assert services.on_duty("police") == [police]
    with pytest.raises(ValidationFailed) as exc:  # a prosecutor cannot hold the police duty
        services.duty_shift_add(
            actor=supervisor, user_id=hotline["prosecutors"][0].pk, duty="police", starts_at=start, ends_at=end
        )
    assert "user" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.duty_shift_add(actor=supervisor, user_id=police.pk, duty="police", starts_at=end, ends_at=start)
    assert "ends_at" in exc.value.errors
    with pytest.raises(PermissionDenied):
        services.duty_shift_add(
            actor=world.actor("hotline_operator"), user_id=police.pk, duty="police", starts_at=start, ends_at=end
        )
    with pytest.raises(PermissionDenied):  # supervisor of a non-participating institution
        services.duty_shift_add(
            actor=world.actor("supervisor", "other"), user_id=police.pk, duty="police", starts_at=start, ends_at=end
        )
    operator = login(Client(), world.user("hotline_operator"))
    page = operator.get("/hotline/roster/")
    assert [s.user for s in page.context["shifts"]] == [police] and page.context["form"] is None
    assert operator.post("/hotline/roster/", {"duty": "police"}).status_code == 403
    services.duty_shift_remove(actor=supervisor, shift_id=shift.pk)
    assert services.on_duty("police") == []


@pytest.mark.django_db
def test_roster_screen_adds_a_shift(world, hotline) -> None:
    client = login(Client(), world.user("supervisor"))
    start = timezone.localtime()
    response = client.post(
        "/hotline/roster/",
        {
            "duty": "prosecutor",
            "user": hotline["prosecutors"][0].pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert services.on_duty("prosecutor") == [hotline["prosecutors"][0]]


# --- reference codes ---


def test_reference_codes_are_well_formed_and_catch_typing_errors() -> None:
    codes = {reference.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in list(codes)[:50]:
        assert len(code) == 9 and reference.normalize(code) == code
        assert reference.normalize(reference.display(code).lower()) == code
        for i in range(9):  # every single wrong symbol is caught
            for other in reference.ALPHABET:
                if other != code[i]:
                    assert reference.normalize(code[:i] + other + code[i + 1 :]) is None
        for i in range(8):  # every swap of neighbours is caught, except 0 with Z (Luhn's blind spot)
            if code[i] != code[i + 1] and {code[i], code[i + 1]} != {"0", "Z"}:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert reference.normalize(swapped) is None
    assert reference.normalize("7KQ3-M9TZ") is None
    assert reference.normalize("") is None


def test_reference_code_reads_confusable_letters_as_digits() -> None:
    body = "0K13M9TZ"
    code = body + reference.check_character(body)
    assert reference.normalize(code.replace("0", "O").replace("1", "I")) == code


@pytest.mark.django_db
def test_follow_up_by_reference_code_found_unknown_malformed(world, hotline) -> None:
    call = _record(world)
    code = reference.display(call.reference_code)
    client = login(Client(), world.user("hotline_operator"))
    found = client.post("/hotline/lookup/", {"code": code.lower().replace("-", " ")})
    assert found.status_code == 302 and found["Location"] == f"/hotline/calls/{call.pk}/follow-up/"
    page = client.get(found["Location"]).content.decode()
    assert es("In progress") in page
    added = client.post(
        found["Location"],
        {
            "channel": "whatsapp",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "language": "quc",
            "caller_type": "anonymous",
            "summary": "Llama otra vez: la trasladaron a otro bar",
        },
    )
    assert added.status_code == 302
    follow_up = FollowUp.objects.get(call=call)
    assert follow_up.summary.startswith("Llama otra vez") and follow_up.channel == "whatsapp"
    # Unknown: a well-formed code nobody has. Malformed: a typing error.
    body = "ZZZZZZZZ"
    unknown = client.post("/hotline/lookup/", {"code": body + reference.check_character(body)})
    assert unknown.status_code == 400
    assert es("No report has this reference code. Check it with the caller.") in unknown.content.decode()
    assert str(call.pk) not in unknown.content.decode()
    malformed = client.post("/hotline/lookup/", {"code": code[:-1] + ("0" if code[-1] != "0" else "1")})
    assert malformed.status_code == 400
    assert (
        es("This is not a valid reference code: it has 9 characters, such as 7KQ3-M9TZ-4. Check it with the caller.")
        in malformed.content.decode()
    )
    reasons = [e.details.get("reason") for e in AuditEvent.objects.filter(action="hotline.lookup_failed")]
    assert sorted(reasons) == ["malformed", "unknown"]
    assert AuditEvent.objects.filter(action="hotline.lookup", target_id=str(call.pk)).count() == 1
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db
def test_lookups_are_rate_limited_after_too_many_wrong_codes(world, hotline) -> None:
    call = _record(world)
    actor = world.actor("hotline_operator")
    for _ in range(services.LOOKUP_FAILURES_ALLOWED):
        with pytest.raises(ValidationFailed):
            services.reference_lookup(actor=actor, code="WRONG")
    with pytest.raises(ValidationFailed) as exc:
        services.reference_lookup(actor=actor, code=call.reference_code)  # even the right one must wait
    assert exc.value.errors["code"][0] == translation.gettext(
        "Too many unsuccessful lookups: wait %(minutes)s minutes and check the code with the caller."
    ) % {"minutes": 15}
    assert AuditEvent.objects.filter(action="hotline.lookup_refused").count() == 1
    # Another operator is not affected.
    assert services.reference_lookup(actor=world.actor("supervisor"), code=call.reference_code) == call


@pytest.mark.django_db
def test_lookup_is_refused_outside_the_call_centers(world, hotline) -> None:
    call = _record(world)
    with pytest.raises(PermissionDenied):
        services.reference_lookup(actor=world.actor("hotline_operator", "other"), code=call.reference_code)


# --- a call becomes a victim case ---


@pytest.mark.django_db
def test_call_becomes_a_case_linked_both_ways(world, hotline) -> None:
    call = _record(world, urgency="high")
    client = login(Client(), world.user("hotline_operator"))
    response = client.post(
        f"/hotline/calls/{call.pk}/case/",
        {"given_names": "Hija de la llamante", "gender": "Feminine", "age_min": 14, "age_max": 16, "nationality": "GT"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    case = call.case
    assert case is not None and case.owner_org == world.home and case.owner == world.user("hotline_operator")
    assert case.minor_protocol and case.priority == "high"
    assert list(case.hotline_calls.all()) == [call]
    assert case.person.residence_municipality == "0915" and case.person.languages == ["quc"]
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert es("Source: hotline call") in case_page and f"/hotline/calls/{call.pk}/" in case_page
    call_page = client.get(f"/hotline/calls/{call.pk}/").content.decode()
    assert case.number in call_page and f"/cases/{case.pk}/" in call_page
    with pytest.raises(ValidationFailed):
        services.call_open_case(actor=world.actor("hotline_operator"), call_id=call.pk, person=PersonInput("Otra"))


@pytest.mark.django_db
def test_bad_person_input_opens_no_case(world, hotline) -> None:
    call = _record(world)
    with pytest.raises(ValidationFailed):
        services.call_open_case(
            actor=world.actor("hotline_operator"), call_id=call.pk, person=PersonInput(given_names="  ", age_min=200)
        )
    assert not Person.objects.exists() and not VictimCase.objects.exists()
    assert Call.objects.get(pk=call.pk).case_id is None


@pytest.mark.django_db
def test_case_cannot_be_opened_by_an_operator_who_does_not_handle_the_call(world, hotline) -> None:
    call = _record(world, role="supervisor")
    with pytest.raises(PermissionDenied):
        services.call_open_case(actor=world.actor("hotline_operator"), call_id=call.pk, person=PersonInput("Ana"))
    with pytest.raises(NotFound):
        services.call_open_case(
            actor=world.actor("hotline_operator", "other"), call_id=call.pk, person=PersonInput("Ana")
        )


# --- statistics ---


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
def test_statistics_match_hand_counted_calls(world, hotline) -> None:
    today = timezone.localdate()
    d1, d2, before = (
        today - datetime.timedelta(days=3),
        today - datetime.timedelta(days=2),
        today - datetime.timedelta(days=20),
    )
    operator = world.actor("hotline_operator")
    rows = [
        # (received, channel, category) -> 5 calls in the period, 1 before it
        (_at(d1, 8, 15), "phone", "complaint"),
        (_at(d1, 8, 45), "phone", "rescue"),
        (_at(d1, 22, 10), "whatsapp", "information"),
        (_at(d2, 0, 5), "email", "information"),
        (_at(d2, 8, 59), "web_form", "assistance"),
        (_at(before, 8, 0), "sms", "complaint"),
    ]
    calls = [
        services.call_record(actor=operator, data=_input(received_at=at, channel=ch, category=cat, urgency="low"))
        for at, ch, cat in rows
    ]
    services.call_open_case(actor=operator, call_id=calls[1].pk, person=PersonInput("Víctima"))
    services.call_update(actor=operator, call_id=calls[2].pk, category="information", urgency="low", status="closed")
    services.call_update(
        actor=operator,
        call_id=calls[3].pk,
        category="information",
        urgency="low",
        status="referred",
        referred_to_id=world.other.pk,
    )
    services.call_follow_up(
        actor=operator,
        call_id=calls[0].pk,
        data=services.FollowUpInput("sms", _at(d2, 9), "spa", "anonymous", "Otra vez"),
    )
    stats = selectors.call_statistics(actor=world.actor("supervisor"), start=d1, end=d2)
    assert stats.total == 5 and stats.follow_ups == 1
    assert {code: n for code, _l, n in stats.by_channel} == {
        "phone": 2,
        "whatsapp": 1,
        "sms": 0,
        "email": 1,
        "walk_in": 0,
        "web_form": 1,
    }
    assert {code: n for code, _l, n in stats.by_category} == {
        "information": 2,
        "complaint": 1,
        "rescue": 1,
        "assistance": 1,
        "other": 0,
    }
    assert {code: n for code, _l, n in stats.by_outcome} == {
        "open": 2,
        "case_complaint": 0,
        "complaint": 0,
        "case": 1,
        "referred": 1,
        "closed": 1,
    }
    hours = dict(stats.by_hour)
    assert hours[8] == 3 and hours[22] == 1 and hours[0] == 1 and sum(hours.values()) == 5
    wide = selectors.call_statistics(actor=world.actor("supervisor"), start=before, end=today)
    assert wide.total == 6
    with pytest.raises(PermissionDenied):
        selectors.call_statistics(actor=operator, start=d1, end=d2)
    page = login(Client(), world.user("supervisor")).get(f"/hotline/stats/?start={d1.isoformat()}&end={d2.isoformat()}")
    assert page.status_code == 200 and "Coatepeque" not in page.content.decode()


@pytest.mark.django_db
def test_statistics_refuse_an_inverted_period(world, hotline) -> None:
    client = login(Client(), world.user("supervisor"))
    page = client.get("/hotline/stats/?start=2026-05-02&end=2026-05-01")
    assert page.status_code == 200 and es("The period must start before it ends.") in page.content.decode()


# --- API ---


def _api_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "channel": "web_form",
        "received_at": (NOW() - datetime.timedelta(minutes=10)).isoformat(),
        "language": "spa",
        "caller_type": "witness",
        "category": "rescue",
        "urgency": "urgent",
        "summary": "Vi a dos niñas encerradas en una finca",
        "department": "05",
        "municipality": "0501",
    }
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_api_records_lists_and_looks_up(world, hotline) -> None:
    client = login(Client(), world.user("hotline_operator"))
    created = client.post("/api/v1/hotline/calls/", _api_payload(), content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert reference.normalize(body["reference_code"]) is not None
    assert body["alert"]["police"] == {"via": "fallback", "count": 2}
    assert "summary" not in body
    listed = client.get("/api/v1/hotline/calls/?tab=urgent").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    found = client.post("/api/v1/hotline/lookup/", {"code": body["reference_code"]}, content_type="application/json")
    assert found.status_code == 200 and found.json()["id"] == body["id"] and found.json()["case_opened"] is False
    unknown = client.post("/api/v1/hotline/lookup/", {"code": "1234-5678-9"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "validation_error"


@pytest.mark.django_db
def test_api_bad_input_saves_nothing(world, hotline) -> None:
    client = login(Client(), world.user("hotline_operator"))
    for payload in (_api_payload(channel="fax"), _api_payload(municipality="0915"), _api_payload(summary="")):
        response = client.post("/api/v1/hotline/calls/", payload, content_type="application/json")
        assert response.status_code == 400, payload
    assert Call.objects.count() == 0 and not Notification.objects.exists()
    other = login(Client(), world.user("hotline_operator", "other"))
    assert other.post("/api/v1/hotline/calls/", _api_payload(), content_type="application/json").status_code == 403


# --- a call becomes a complaint (justice app) ---


@pytest.mark.django_db
def test_call_becomes_a_complaint_to_the_public_ministry_linked_both_ways(world, hotline) -> None:
    from amparo.justice.models import Complaint

    call = _record(world, category="complaint", urgency="high")
    operator = world.actor("hotline_operator")
    case = services.call_open_case(actor=operator, call_id=call.pk, person=PersonInput("Hija de la llamante"))
    mp = Organization.objects.get(code="mp")
    client = login(Client(), world.user("hotline_operator"))
    form = client.get(f"/hotline/calls/{call.pk}/complaint/")
    assert form.status_code == 200 and form.context["form"].fields["receiving_org"].queryset.first() == mp
    response = client.post(
        f"/hotline/calls/{call.pk}/complaint/",
        {"receiving_org": mp.pk, "summary": "Denuncia: menor retenida en un bar", "link_case": "on"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    complaint = call.complaint
    assert complaint is not None and complaint.receiving_org == mp and complaint.source == "hotline"
    assert complaint.received_on == timezone.localdate(call.received_at)
    assert list(complaint.hotline_calls.all()) == [call]
    assert list(complaint.cases.all()) == [case]
    assert complaint.summary == "Denuncia: menor retenida en un bar"
    assert complaint.number in client.get(f"/hotline/calls/{call.pk}/").content.decode()
    with pytest.raises(ValidationFailed):  # once
        services.call_file_complaint(actor=operator, call_id=call.pk, receiving_org_id=mp.pk)
    assert Complaint.objects.count() == 1
    stats = selectors.call_statistics(
        actor=world.actor("supervisor"), start=timezone.localdate(), end=timezone.localdate()
    )
    assert dict((c, n) for c, _l, n in stats.by_outcome)["case_complaint"] == 1


@pytest.mark.django_db
def test_a_complaint_goes_only_to_the_mp_or_the_police_and_bad_input_saves_nothing(world, hotline) -> None:
    from amparo.justice.models import Complaint

    call = _record(world)
    operator = world.actor("hotline_operator")
    with pytest.raises(ValidationFailed) as exc:
        services.call_file_complaint(actor=operator, call_id=call.pk, receiving_org_id=world.other.pk)
    assert "receiving_org" in exc.value.errors
    with pytest.raises(PermissionDenied):  # staff of the queue without the right to record complaints
        services.call_file_complaint(
            actor=world.actor("administrator"), call_id=call.pk, receiving_org_id=Organization.objects.get(code="mp").pk
        )
    with pytest.raises(NotFound):
        services.call_file_complaint(
            actor=world.actor("hotline_operator", "other"),
            call_id=call.pk,
            receiving_org_id=Organization.objects.get(code="mp").pk,
        )
    assert not Complaint.objects.exists() and Call.objects.get(pk=call.pk).complaint_id is None


@pytest.mark.django_db
def test_hotline_supervisor_turns_an_operators_call_into_a_complaint(world, hotline) -> None:
    """A supervisor of the call center works any call of the queue, including filing it as a complaint."""
    from amparo.justice.models import Complaint

    call = _record(world, category="complaint", urgency="high")
    assert call.handler == world.user("hotline_operator")
    mp = Organization.objects.get(code="mp")
    client = login(Client(), world.user("supervisor"))
    detail = client.get(f"/hotline/calls/{call.pk}/")
    assert detail.status_code == 200 and detail.context["can_file_complaint"]
    assert client.get(f"/hotline/calls/{call.pk}/complaint/").status_code == 200
    response = client.post(
        f"/hotline/calls/{call.pk}/complaint/", {"receiving_org": mp.pk, "summary": "Denuncia del supervisor"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    complaint = Complaint.objects.get()
    assert call.complaint == complaint and complaint.receiving_org == mp
    assert complaint.summary == "Denuncia del supervisor"
    assert complaint.created_by == world.user("supervisor")
    assert call.handler == world.user("hotline_operator")  # the supervisor does not take the call over
    filed = AuditEvent.objects.get(action="hotline.complaint_filed")
    assert filed.actor_id == world.user("supervisor").pk and filed.target_id == str(call.pk)
    assert AuditEvent.objects.filter(action="complaint.create", actor_id=world.user("supervisor").pk).count() == 1


@pytest.mark.django_db
def test_supervisor_outside_the_call_centers_files_no_complaint_from_a_call(world, hotline) -> None:
    call = _record(world)
    mp = Organization.objects.get(code="mp")
    with pytest.raises(NotFound):  # the other institution does not take part in the hotline
        services.call_file_complaint(actor=world.actor("supervisor", "other"), call_id=call.pk, receiving_org_id=mp.pk)
    client = login(Client(), world.user("supervisor", "other"))
    assert client.post(f"/hotline/calls/{call.pk}/complaint/", {"receiving_org": mp.pk}).status_code == 404
    call.refresh_from_db()
    assert call.complaint_id is None and not AuditEvent.objects.filter(action="complaint.create").exists()


# --- the API turns a call into a case and/or a complaint (same services as the screens) ---


def _api(user: User) -> Client:
    return login(Client(), user)


@pytest.mark.django_db
def test_api_turns_a_call_into_a_case_and_a_complaint_linked_both_ways(world, hotline, english) -> None:
    from amparo.justice.models import Complaint

    call = _record(world, category="rescue", urgency="high")
    client = _api(world.user("hotline_operator"))
    opened = client.post(
        f"/api/v1/hotline/calls/{call.pk}/case/",
        {"given_names": "Hija de la llamante", "gender": "Feminine", "age_min": 14, "age_max": 16, "nationality": "GT"},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    call.refresh_from_db()
    case = call.case
    assert case is not None and opened.json() == {
        "call_id": str(call.pk),
        "case_id": str(case.pk),
        "case_number": case.number,
        "complaint_id": None,
    }
    # The same helper as the screen: the call's language and place go to the person.
    assert case.person.languages == ["quc"] and case.person.residence_municipality == "0915"
    assert case.person.nationalities == ["GT"] and case.minor_protocol and case.priority == "high"
    mp = Organization.objects.get(code="mp")
    filed = client.post(
        f"/api/v1/hotline/calls/{call.pk}/complaint/", {"receiving_org": mp.pk}, content_type="application/json"
    )
    assert filed.status_code == 201, filed.content
    complaint = Complaint.objects.get()
    assert filed.json() == {
        "call_id": str(call.pk),
        "complaint_id": str(complaint.pk),
        "complaint_number": complaint.number,
        "receiving_org": mp.pk,
        "case_ids": [str(case.pk)],
    }
    assert complaint.summary == call.summary and complaint.source == "hotline"
    assert list(complaint.hotline_calls.all()) == [call] and list(complaint.cases.all()) == [case]
    operator_id = world.user("hotline_operator").pk
    for action in ("hotline.case_opened", "hotline.complaint_filed", "case.open", "complaint.create"):
        assert AuditEvent.objects.filter(action=action, actor_id=operator_id).count() == 1, action
    # Nothing identifying in the audit details.
    details = " ".join(str(e.details) for e in AuditEvent.objects.all())
    assert "Hija" not in details and "Coatepeque" not in details


@pytest.mark.django_db
def test_api_conversion_of_an_unknown_call_is_a_404_like_a_call_outside_the_queue(world, hotline, english) -> None:
    import uuid

    call = _record(world)
    mp = Organization.objects.get(code="mp")
    operator = _api(world.user("hotline_operator"))
    outsider = _api(world.user("hotline_operator", "other"))
    answers = []
    for client, call_id in ((operator, uuid.uuid4()), (outsider, call.pk)):
        for path, body in (("case", {"given_names": "Ana"}), ("complaint", {"receiving_org": mp.pk})):
            response = client.post(f"/api/v1/hotline/calls/{call_id}/{path}/", body, content_type="application/json")
            assert response.status_code == 404, (path, response.content)
            answers.append(response.json())
    assert all(a == {"error": {"code": "not_found", "message": "Not found."}} for a in answers), answers
    assert not Person.objects.exists() and not VictimCase.objects.exists()
    call.refresh_from_db()
    assert call.case_id is None and call.complaint_id is None


@pytest.mark.django_db
def test_api_refuses_a_second_conversion_and_saves_nothing(world, hotline, english) -> None:
    from amparo.justice.models import Complaint

    call = _record(world)
    client = _api(world.user("hotline_operator"))
    mp = Organization.objects.get(code="mp")
    url = f"/api/v1/hotline/calls/{call.pk}/"
    assert client.post(url + "case/", {"given_names": "Ana"}, content_type="application/json").status_code == 201
    assert client.post(url + "complaint/", {"receiving_org": mp.pk}, content_type="application/json").status_code == 201
    persons, events = Person.objects.count(), AuditEvent.objects.count()
    again = client.post(url + "case/", {"given_names": "Otra"}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {"case": ["This call already has a victim case."]}
    again = client.post(url + "complaint/", {"receiving_org": mp.pk}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {"complaint": ["This call is already a complaint."]}
    assert Person.objects.count() == persons and VictimCase.objects.count() == 1 and Complaint.objects.count() == 1
    assert AuditEvent.objects.count() == events  # the refused attempts changed nothing


@pytest.mark.django_db
def test_api_bad_conversion_input_saves_nothing(world, hotline, english) -> None:
    from amparo.justice.models import Complaint

    call = _record(world)
    client = _api(world.user("hotline_operator"))
    url = f"/api/v1/hotline/calls/{call.pk}/"
    for body in ({}, {"given_names": "Ana", "age_min": 200}, {"given_names": "Ana", "nationality": "XX"}):
        response = client.post(url + "case/", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error", body
    inverted = client.post(url + "case/", {"given_names": "Ana", "age_min": 16, "age_max": 12}, "application/json")
    assert inverted.status_code == 400 and inverted.json()["error"]["fields"], inverted.content
    for body in ({}, {"receiving_org": "mp"}, {"receiving_org": world.other.pk}, {"receiving_org": 0}):
        response = client.post(url + "complaint/", body, content_type="application/json")
        assert response.status_code == 400, body
    wrong_org = client.post(url + "complaint/", {"receiving_org": world.other.pk}, content_type="application/json")
    assert wrong_org.json()["error"]["fields"]["receiving_org"] == [
        "A complaint is received by the Public Ministry or the police."
    ]
    assert not Person.objects.exists() and not VictimCase.objects.exists() and not Complaint.objects.exists()
    call.refresh_from_db()
    assert call.case_id is None and call.complaint_id is None


@pytest.mark.django_db
def test_api_rechecks_who_may_convert_the_call(world, hotline, english) -> None:
    """A call taken by the supervisor: another operator may not convert it; the supervisor may, and files the
    complaint as the screens let them; without the hotline permission, 403."""
    from amparo.justice.models import Complaint

    call = _record(world, role="supervisor")
    mp = Organization.objects.get(code="mp")
    operator = _api(world.user("hotline_operator"))
    url = f"/api/v1/hotline/calls/{call.pk}/"
    assert operator.post(url + "case/", {"given_names": "Ana"}, content_type="application/json").status_code == 403
    assert operator.post(url + "complaint/", {"receiving_org": mp.pk}, "application/json").status_code == 403
    caseworker = _api(world.user("caseworker"))
    assert caseworker.post(url + "complaint/", {"receiving_org": mp.pk}, "application/json").status_code == 403
    assert not Complaint.objects.exists() and not VictimCase.objects.exists()
    supervisor = _api(world.user("supervisor"))
    filed = supervisor.post(url + "complaint/", {"receiving_org": mp.pk, "summary": "Denuncia"}, "application/json")
    assert filed.status_code == 201 and Complaint.objects.get().created_by == world.user("supervisor")


# --- fixes from the area audit ---


def _follow_up_form(received_at: datetime.datetime) -> dict[str, str]:
    return {
        "channel": "phone",
        "received_at": timezone.localtime(received_at).strftime("%Y-%m-%dT%H:%M"),
        "language": "spa",
        "caller_type": "relative",
        "summary": "Vuelve a llamar",
    }


@pytest.mark.django_db
def test_a_follow_up_cannot_be_earlier_than_the_first_call(world, hotline) -> None:
    call = _record(world, received_at=NOW() - datetime.timedelta(days=2))
    actor = world.actor("hotline_operator")
    events = AuditEvent.objects.filter(action="hotline.follow_up").count()
    data = services.FollowUpInput(
        channel="phone",
        received_at=call.received_at - datetime.timedelta(days=1),
        language="spa",
        caller_type="relative",
        summary="Vuelve a llamar",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.call_follow_up(actor=actor, call_id=call.pk, data=data)
    assert list(exc.value.errors) == ["received_at"]
    client = login(Client(), world.user("hotline_operator"))
    response = client.post(
        f"/hotline/calls/{call.pk}/follow-up/", _follow_up_form(call.received_at - datetime.timedelta(hours=3))
    )
    assert response.status_code == 400
    assert "received_at" in response.context["form"].errors
    assert FollowUp.objects.count() == 0
    assert AuditEvent.objects.filter(action="hotline.follow_up").count() == events
    # the same day, later than the call: accepted
    later = client.post(
        f"/hotline/calls/{call.pk}/follow-up/", _follow_up_form(call.received_at + datetime.timedelta(hours=3))
    )
    assert later.status_code == 302 and FollowUp.objects.filter(call=call).count() == 1


@pytest.mark.django_db
def test_a_double_submitted_shift_is_not_added_twice(world, hotline) -> None:
    client = login(Client(), world.user("supervisor"))
    start = timezone.localtime()
    form = {
        "duty": "police",
        "user": hotline["police"][0].pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post("/hotline/roster/", form).status_code == 302
    again = client.post("/hotline/roster/", form)
    assert again.status_code == 400
    assert es("This officer already has a shift for this duty at that time.") in again.content.decode()
    assert DutyShift.objects.count() == 1
    assert AuditEvent.objects.filter(action="hotline.duty_add").count() == 1
    # an overlapping shift of the same officer is refused too; another officer, or the next shift, is not
    supervisor = world.actor("supervisor")
    with pytest.raises(ValidationFailed):
        services.duty_shift_add(
            actor=supervisor,
            user_id=hotline["police"][0].pk,
            duty="police",
            starts_at=NOW() + datetime.timedelta(hours=4),
            ends_at=NOW() + datetime.timedelta(hours=20),
        )
    services.duty_shift_add(
        actor=supervisor,
        user_id=hotline["police"][1].pk,
        duty="police",
        starts_at=NOW() + datetime.timedelta(hours=4),
        ends_at=NOW() + datetime.timedelta(hours=20),
    )
    shift = DutyShift.objects.get(user=hotline["police"][0])
    services.duty_shift_add(
        actor=supervisor,
        user_id=hotline["police"][0].pk,
        duty="police",
        starts_at=shift.ends_at,
        ends_at=shift.ends_at + datetime.timedelta(hours=8),
    )
    assert DutyShift.objects.count() == 3


@pytest.mark.django_db
def test_lookup_finds_only_calls_of_the_shared_queue(world, hotline) -> None:
    minex = _officer("minex-op", "minex", Role.HOTLINE_OPERATOR, "call-center")
    call = _record(world)
    assert services.reference_lookup(actor=_actor(minex), code=call.reference_code) == call
    CallCenter.objects.filter(organization=world.home).delete()  # the home institution leaves the queue
    with pytest.raises(ValidationFailed) as exc:
        services.reference_lookup(actor=_actor(minex), code=call.reference_code)
    assert exc.value.errors["code"] == [
        translation.gettext("No report has this reference code. Check it with the caller.")
    ]


@pytest.mark.django_db
def test_the_reference_code_is_kept_out_of_error_reports(world, hotline) -> None:
    response = login(Client(), world.user("hotline_operator")).post("/hotline/lookup/", {"code": "7KQ3-M9TZ-4"})
    assert response.wsgi_request.sensitive_post_parameters == ("code",)  # type: ignore[attr-defined]


# --- fixes from the second audit ---


@pytest.mark.django_db
def test_case_from_a_call_labels_both_ends_of_the_age_range(world, hotline) -> None:
    """The upper age read just "hasta": both fields say what they are, as on the person form."""
    call = _record(world)
    page = login(Client(), world.user("hotline_operator")).get(f"/hotline/calls/{call.pk}/case/").content.decode()
    assert f'for="id_age_min">{es("Estimated age from")}' in page
    assert f'for="id_age_max">{es("Estimated age to")}' in page
    assert es("Estimated age to") == "Edad estimada hasta"
    with translation.override("en"):
        from amparo.hotline.forms import CaseForm

        assert [str(CaseForm().fields[f].label) for f in ("age_min", "age_max")] == [
            "Estimated age from",
            "Estimated age to",
        ]


@pytest.mark.django_db
def test_removing_a_shift_twice_says_so_instead_of_a_404(world, hotline) -> None:
    police = hotline["police"][0]
    shift = services.duty_shift_add(
        actor=world.actor("supervisor"),
        user_id=police.pk,
        duty="police",
        starts_at=NOW(),
        ends_at=NOW() + datetime.timedelta(hours=8),
    )
    client = login(Client(), world.user("supervisor"))
    url = f"/hotline/roster/{shift.pk}/remove/"
    first = client.post(url, follow=True)
    assert first.redirect_chain == [("/hotline/roster/", 302)]
    assert es("Shift removed from the roster.") in first.content.decode()
    second = client.post(url, follow=True)  # the double click
    assert second.redirect_chain == [("/hotline/roster/", 302)]
    assert es("This shift is no longer on the roster: it had already been removed.") in second.content.decode()
    assert not DutyShift.objects.filter(pk=shift.pk).exists()
    assert AuditEvent.objects.filter(action="hotline.duty_remove", target_id=str(shift.pk)).count() == 1
    assert services.duty_shift_remove(actor=world.actor("supervisor"), shift_id=shift.pk) is False


@pytest.mark.django_db
def test_shift_removal_outside_the_call_centers_stays_a_404(world, hotline) -> None:
    """A supervisor of a non-participating institution: 404 for an existing shift and a removed one alike."""
    police = hotline["police"][0]
    shift = _shift(police, "police", datetime.timedelta(hours=0), datetime.timedelta(hours=8))
    outsider = login(Client(), world.user("supervisor", "other"))
    assert outsider.post(f"/hotline/roster/{shift.pk}/remove/").status_code == 404
    assert DutyShift.objects.filter(pk=shift.pk).exists()
    assert outsider.post(f"/hotline/roster/{shift.pk + 1000}/remove/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.duty_shift_remove(actor=world.actor("supervisor", "other"), shift_id=shift.pk)
    assert DutyShift.objects.filter(pk=shift.pk).exists()
