"""Browser journey from the hotline to the penalty range, in one go: a Foreign Ministry operator takes an
urgent rescue request, the call becomes a victim case and a complaint to the Public Ministry (linked both
ways); the anti-trafficking prosecutor, alerted by the call, finds the complaint, opens an investigation
from it, adds a suspect and a charge under art. 202 Ter with an aggravating circumstance of art. 204, and
reads the increased penalty range on the charge's screen."""

from __future__ import annotations

import datetime
import re
import shutil
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.models import User
from amparo.accounts.roles import Role
from amparo.hotline.models import Call, CallCenter, RescueAlert
from amparo.justice.models import Charge, Investigation, Suspect
from amparo.law.selectors import article_by_ref
from amparo.organizations.models import Organization, Unit

from ..factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from .conftest import screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser

SUMMARY = "Un vecino ve a tres adolescentes encerradas en un bar de Malacatán; un policía municipal cuida la puerta."


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


def _staff(username: str, org_code: str, role: str, unit_code: str, full_name: str) -> User:
    org = Organization.objects.get(code=org_code)
    first, last = full_name.split(" ", 1)
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(user=user, organization=org, role=role, unit=Unit.objects.get(organization=org, code=unit_code))
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def people(_seeded_institutions: None) -> dict[str, User]:
    minex = Organization.objects.get(code="minex")
    CallCenter.objects.get_or_create(
        organization=minex, defaults={"unit": Unit.objects.get(organization=minex, code="call-center")}
    )
    return {
        "operator": _staff("op.malacatan", "minex", Role.HOTLINE_OPERATOR, "call-center", "Irma Operadora"),
        "prosecutor": _staff("mp.fiscal", "mp", Role.PROSECUTOR, "fiscalia-trata", "Lucrecia Fiscal"),
        "investigator": _staff("pnc.dei", "pnc", Role.INVESTIGATOR, "dei-trata", "Julio Investigador"),
    }


def test_urgent_call_becomes_case_complaint_investigation_and_charge(
    new_page: Any, live_server: Any, people: dict[str, User]
) -> None:
    today = timezone.localdate()

    # --- the operator takes the urgent call ---
    page = new_page()
    sign_in(page, people["operator"])
    page.goto("/hotline/new/")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_language", "spa")
    page.select_option("#id_caller_type", "witness")
    page.select_option("#id_category", "rescue")
    page.select_option("#id_urgency", "urgent")
    page.select_option("#id_department", "12")
    page.select_option("#id_municipality", "1215")
    page.fill("#id_summary", SUMMARY)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/hotline/calls/[0-9a-f-]+/$"))
    call = Call.objects.get()
    assert call.is_urgent_rescue
    # Nobody is on duty: the whole anti-trafficking units of the MP and the police are alerted at once.
    assert set(RescueAlert.objects.filter(call=call).values_list("recipient__username", flat=True)) == {
        "mp.fiscal",
        "pnc.dei",
    }

    # The call becomes a victim case, then a complaint to the Public Ministry that carries the case.
    page.click(f"a[href='/hotline/calls/{call.pk}/case/']")
    page.fill("#id_given_names", "Adolescente 1 (nombre provisional)")
    page.select_option("#id_gender", "Feminine")
    page.fill("#id_age_min", "14")
    page.fill("#id_age_max", "16")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/")
    page.click(f"a[href='/hotline/calls/{call.pk}/complaint/']")
    mp = Organization.objects.get(code="mp")
    page.select_option("#id_receiving_org", str(mp.pk))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/hotline/calls/{call.pk}/")
    call.refresh_from_db()
    assert call.case is not None and call.complaint is not None
    complaint, case = call.complaint, call.case
    assert complaint.receiving_org == mp and complaint.source == "hotline"
    assert list(complaint.cases.all()) == [case]  # linked both ways: call -> case, call -> complaint -> case
    outcome = page.locator("#outcome").inner_text()
    assert case.number in outcome and complaint.number in outcome

    # --- the prosecutor finds the complaint among those received and opens an investigation from it ---
    prosecutor = new_page()
    sign_in_by_cookie(prosecutor, people["prosecutor"], live_server.url)
    prosecutor.goto("/justice/complaints/?open=1")
    prosecutor.click(f"main a:has-text('{complaint.number}')")
    prosecutor.wait_for_url(f"**/justice/complaints/{complaint.pk}/")
    facts = prosecutor.locator("main").inner_text()
    assert "Malacatán" in facts and _es("Hotline") in facts
    prosecutor.get_by_role("link", name=_es("Open an investigation")).click()
    assert prosecutor.locator(f"input[name=complaints][value='{complaint.pk}']").is_checked()
    prosecutor.fill("#id_opened_on", today.isoformat())
    prosecutor.fill("#id_summary", "Retención de adolescentes en un bar de Malacatán con protección policial.")
    prosecutor.select_option("#id_team-0-user", str(people["investigator"].pk))
    prosecutor.get_by_role("button", name=_es("Save")).click()
    investigation = Investigation.objects.get()
    prosecutor.wait_for_url(f"**/justice/{investigation.pk}/")
    complaint.refresh_from_db()
    assert complaint.investigation_id == investigation.pk

    # A suspect: the municipal policeman at the door (a public official: complicity).
    prosecutor.goto(f"/justice/{investigation.pk}/suspects/new/")
    prosecutor.fill("#id_given_names", "Eliseo")
    prosecutor.fill("#id_surnames", "Bámaca Orozco")
    prosecutor.select_option("#id_gender", "Masculine")
    prosecutor.select_option("#id_role_in_process", "Exploiter")
    prosecutor.check("#id_public_official")
    prosecutor.fill("#id_official_institution", "Policía Municipal de Malacatán")
    prosecutor.get_by_role("button", name=_es("Save")).click()
    prosecutor.wait_for_url("**tab=suspects")
    assert "Eliseo Bámaca Orozco" in prosecutor.locator("main").inner_text()
    suspect = Suspect.objects.get(investigation=investigation)

    # The charge: art. 202 Ter (8 to 18 years), the offender a public official: +1/3 under art. 204 (g).
    prosecutor.goto(f"/justice/{investigation.pk}/charges/new/")
    prosecutor.select_option("#id_suspect", str(suspect.pk))
    article = article_by_ref("penal-code:202 Ter")
    assert article is not None
    prosecutor.select_option("#id_article", str(article.pk))
    prosecutor.fill("#id_offence_date", (today - datetime.timedelta(days=2)).isoformat())
    prosecutor.fill("#id_filed_on", today.isoformat())
    prosecutor.fill("#id_victim_age", "15")
    prosecutor.check("input[name=circumstances][value=offender_public_official]")
    prosecutor.get_by_role("button", name=_es("Save")).click()
    prosecutor.wait_for_url("**tab=court")
    charge = Charge.objects.get()
    assert charge.suspect == suspect and charge.article == article
    prosecutor.click(f"a[href='/justice/charges/{charge.pk}/']")
    prosecutor.wait_for_url(f"**/justice/charges/{charge.pk}/")
    # 8 years x 4/3 = 3,893 days = 10 years, 8 months, 3 days; 18 years x 4/3 = 24 years; the fine of
    # Q300,000 to Q500,000 likewise (shown with the Spanish decimal comma and digit grouping).
    shown = " ".join(prosecutor.locator(".result-range").inner_text().split())
    low = ", ".join(
        [
            _es_n("%(n)d year", "%(n)d years", 10),
            _es_n("%(n)d month", "%(n)d months", 8),
            _es_n("%(n)d day", "%(n)d days", 3),
        ]
    )
    high = _es_n("%(n)d year", "%(n)d years", 24)
    assert shown == f"{low} – {high} · {_es('fine')} Q400 000,00 – Q666 666,66", shown
    steps = prosecutor.locator("section:has(#range-title) ul").inner_text()
    assert "+1/3" in steps and "204 (g)" in steps, steps
    path = screenshot(prosecutor, "journey-call-to-charge")
    shutil.copy(path, "/tmp/journey-call-to-charge.png")


def _es_n(singular: str, plural: str, n: int) -> str:
    with translation.override("es"):
        return str(translation.ngettext(singular, plural, n) % {"n": n})
