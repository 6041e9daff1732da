"""Browser journey of an urgent call: a Foreign Ministry operator takes a rescue request, the police
investigator on duty is alerted at once (nobody is on duty at the prosecutor's office, so its whole
anti-trafficking unit is, and the screen says so), the investigator acknowledges, the operator opens a
victim case and files the complaint to the Public Ministry; later the caller phones again with the
reference code only. Screenshots of every hotline screen go to test-artifacts/.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.hotline.models import Call, CallCenter, DutyShift, RescueAlert
from amparo.notifications.models import Notification
from amparo.organizations.models import Organization, Unit

from ..factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from .conftest import MOBILE, screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser

SUMMARY = "Una vecina ve a dos niñas encerradas en la trastienda de un bar en Coatepeque; gritan pidiendo ayuda."


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


def _staff(username: str, org_code: str, role: str, unit_code: str | None, full_name: str) -> User:
    org = Organization.objects.get(code=org_code)
    unit = Unit.objects.filter(organization=org, code=unit_code).first() if unit_code else None
    first, last = full_name.split(" ", 1)
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(user=user, organization=org, role=role, unit=unit)
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def centers(_seeded_institutions: None) -> dict[str, User]:
    """The flush of transactional tests drops the call centers of the data migration: put MINEX's back."""
    minex = Organization.objects.get(code="minex")
    CallCenter.objects.get_or_create(
        organization=minex, defaults={"unit": Unit.objects.get(organization=minex, code="call-center")}
    )
    people = {
        "operator": _staff("op.minex", "minex", Role.HOTLINE_OPERATOR, "call-center", "Diana Operadora"),
        "supervisor": _staff("sup.minex", "minex", Role.SUPERVISOR, "call-center", "Sonia Supervisora"),
        "police": _staff("pnc.guardia", "pnc", Role.INVESTIGATOR, "dei-trata", "Pedro Investigador"),
        "police_off": _staff("pnc.libre", "pnc", Role.INVESTIGATOR, "dei-trata", "Pablo Descanso"),
        "prosecutor": _staff("mp.trata", "mp", Role.PROSECUTOR, "fiscalia-trata", "Marta Fiscal"),
    }
    now = timezone.now()
    DutyShift.objects.create(
        user=people["police"],
        organization=Organization.objects.get(code="pnc"),
        duty="police",
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now + datetime.timedelta(hours=21),
        created_by=people["supervisor"],
    )
    return people


def test_operator_takes_an_urgent_rescue_call(new_page: Any, live_server: Any, centers: dict[str, User]) -> None:
    page = new_page()
    sign_in(page, centers["operator"])
    page.click("nav >> a[href='/hotline/']")
    page.wait_for_url("**/hotline/")
    screenshot(page, "hotline-queue-empty")
    page.click("main a[href='/hotline/new/']")
    page.wait_for_url("**/hotline/new/")
    assert page.input_value("#id_received_at")  # now, prefilled
    page.select_option("#id_channel", "whatsapp")
    page.select_option("#id_language", "spa")
    page.select_option("#id_caller_type", "witness")
    page.select_option("#id_category", "rescue")
    page.select_option("#id_urgency", "urgent")
    page.select_option("#id_department", "09")
    page.select_option("#id_municipality", "0915")
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_caller_contact", "5555-0199")
    screenshot(page, "hotline-new-call")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/hotline/calls/[0-9a-f-]+/$"))
    call = Call.objects.get()
    assert call.is_urgent_rescue and call.handler == centers["operator"]
    # The caller's reference code is announced once, on the screen, to read to the caller.
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", page.locator(".messages").inner_text())
    assert code is not None and code.group(0).replace("-", "") == call.reference_code
    # At once: the investigator on duty (not his colleague off duty) and, nobody being on duty at the
    # prosecutor's office, the whole anti-trafficking prosecutor's unit; the screen says so.
    alerted = set(RescueAlert.objects.filter(call=call).values_list("recipient__username", flat=True))
    assert alerted == {"pnc.guardia", "mp.trata"}
    assert Notification.objects.filter(recipient=centers["police"], kind="hotline.rescue_alert").exists()
    assert Notification.objects.filter(recipient=centers["prosecutor"], kind="hotline.rescue_alert_fallback").exists()
    assert not Notification.objects.filter(recipient=centers["police_off"]).exists()
    assert page.locator("#alerts [data-fallback='prosecutor']").is_visible()
    assert page.locator("#alerts [data-fallback='police']").count() == 0
    assert "Pedro Investigador" in page.locator("#alerts").inner_text()
    screenshot(page, "hotline-call-urgent-alerted")

    # The investigator on duty opens the alert from the bell and acknowledges it.
    officer = new_page()
    sign_in_by_cookie(officer, centers["police"], live_server.url)
    officer.goto("/notifications/")
    officer.click(f"main a:has-text('{_es('URGENT: a rescue request came in while you are on duty')}')")
    officer.wait_for_url(f"**/hotline/alerts/{call.pk}/")
    assert "Coatepeque" in officer.locator("main").inner_text()
    assert "5555-0199" not in officer.content()  # the caller's contact stays with the hotline
    screenshot(officer, "hotline-alert-officer")
    officer.click("main form[action$='/ack/'] button")
    officer.wait_for_url(f"**/hotline/alerts/{call.pk}/")
    assert RescueAlert.objects.get(call=call, recipient=centers["police"]).acknowledged_at is not None

    # Back at the hotline: acknowledged; the call becomes a victim case and a complaint to the MP.
    page.reload()
    assert page.locator("#alerts .badge").filter(has_text=re.compile(r"\d\d:\d\d")).count() == 1
    page.click(f"a[href='/hotline/calls/{call.pk}/case/']")
    page.fill("#id_given_names", "Niña 1 (nombre provisional)")
    page.select_option("#id_gender", "Feminine")
    page.fill("#id_age_min", "12")
    page.fill("#id_age_max", "15")
    screenshot(page, "hotline-open-case")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/")
    call.refresh_from_db()
    assert call.case is not None and call.case.minor_protocol
    page.click(f"a[href='/hotline/calls/{call.pk}/complaint/']")
    assert page.input_value("#id_summary") == SUMMARY
    assert page.locator("#id_receiving_org option").first.get_attribute("value") == str(
        Organization.objects.get(code="mp").pk
    )
    screenshot(page, "hotline-complaint")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/")
    call.refresh_from_db()
    assert call.complaint is not None and list(call.complaint.cases.all()) == [call.case]
    outcome = page.locator("#outcome").inner_text()
    assert call.case.number in outcome and call.complaint.number in outcome
    screenshot(page, "hotline-call-case-and-complaint")
    # The case shows its source call.
    page.click(f"#outcome a[href='/cases/{call.case.pk}/']")
    page.wait_for_url(f"**/cases/{call.case.pk}/")
    assert page.locator(f"#summary a[href='/hotline/calls/{call.pk}/']").count() == 1

    # Later the caller phones again and gives only the code.
    page.goto("/hotline/lookup/")
    page.fill("#id_code", "ZZZZ-ZZZZ-Z")
    page.click("main button[type=submit]")
    assert page.locator(".errorlist").count() >= 1 and Call.objects.count() == 1
    screenshot(page, "hotline-lookup-error")
    page.fill("#id_code", code.group(0).lower())
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/follow-up/")
    page.select_option("#id_caller_type", "witness")
    page.fill("#id_summary", "Vuelve a llamar: las niñas ya no están en el bar, las subieron a un pick-up.")
    screenshot(page, "hotline-follow-up")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/")
    assert call.follow_ups.count() == 1

    # The supervisor's screens: the whole queue, the roster and the statistics.
    boss = new_page()
    sign_in_by_cookie(boss, centers["supervisor"], live_server.url)
    boss.goto("/hotline/?tab=all")
    assert boss.locator(f"a[href='/hotline/calls/{call.pk}/']").count() == 1
    screenshot(boss, "hotline-queue-supervisor")
    boss.goto("/hotline/roster/")
    assert "Pedro Investigador" in boss.locator("main").inner_text()
    screenshot(boss, "hotline-roster")
    boss.goto("/hotline/stats/")
    assert boss.locator("#by-hour").is_visible()
    screenshot(boss, "hotline-stats")
    phone = new_page(viewport=MOBILE)
    sign_in_by_cookie(phone, centers["operator"], live_server.url)
    phone.goto(f"/hotline/calls/{call.pk}/")
    screenshot(phone, "hotline-call-mobile")
