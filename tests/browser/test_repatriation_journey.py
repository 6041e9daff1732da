"""Browser journey of a repatriation: the NGO's caseworker starts the return of a Guatemalan girl from
Mexico on the case page; SBS records the family assessment (the family took part in the exploitation, so
reunification with it is refused on the screen); SBS's shelter confirms the hand-over; the list shows
what is overdue. Screenshots of each screen go to test-artifacts/.

The browser asks for English (the msgids), so the texts checked are the source strings.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from amparo.repatriation.models import Repatriation, RepatriationStatus, RepatriationStep
from tests.repatriation.helpers import case_for, complete, current_code, org, start

from .conftest import screenshot, sign_in_by_cookie

pytestmark = pytest.mark.browser


def _english(new_page: Any) -> Any:
    return new_page(locale="en-US")


@pytest.mark.django_db(transaction=True)
def test_repatriation_journey(world, new_page, live_server) -> None:
    case = case_for(world, minor=True)
    team = _english(new_page)
    sign_in_by_cookie(team, world.user("caseworker"), live_server.url)
    team.goto(f"/cases/{case.pk}/")
    team.click(f"a[href='/repatriations/new/{case.pk}/']")
    team.wait_for_url(re.compile(r"/repatriations/new/"))
    screenshot(team, "repatriation-start")
    team.check("input[name=track][value=national]")
    team.select_option("#id_country", "MX")
    team.select_option("#id_consulate", str(org("consulado-tapachula").pk))
    team.select_option("#id_receiving", str(org("sbs").pk))
    team.click("main form button[type=submit]")
    team.wait_for_url(re.compile(r"/repatriations/[0-9a-f-]{36}/$"))
    repatriation = Repatriation.objects.get(case=case)
    assert "Consular identification and interview" in team.inner_text("#current-title")
    screenshot(team, "repatriation-detail-started")

    for code in ("consular_interview", "travel_document", "minex_coordination", "best_interest"):
        complete(world.actor("caseworker"), repatriation, code)
    sbs = _english(new_page)
    sign_in_by_cookie(sbs, world.user("caseworker", "other"), live_server.url)
    sbs.goto(f"/repatriations/{repatriation.pk}/")
    assert case.person.given_names not in sbs.content()  # a participant sees no identity
    sbs.click(f"a[href='/repatriations/{repatriation.pk}/steps/family_assessment/']")
    sbs.check("#id_evidence_0")
    sbs.check("input[name=family_involved][value=yes]")
    sbs.select_option("#id_destination", "family")
    sbs.fill("#id_note", "Visita domiciliaria: la madre organizó el viaje.")
    sbs.click("main form button[type=submit]")
    assert "reunification with the family is refused" in sbs.inner_text("main")
    screenshot(sbs, "repatriation-family-refused")
    sbs.select_option("#id_destination", "ngo_care")
    sbs.check("input[name=family_involved][value=yes]")
    sbs.check("#id_evidence_0")
    sbs.click("main form button[type=submit]")
    sbs.wait_for_url(re.compile(rf"/repatriations/{repatriation.pk}/$"))
    assert current_code(repatriation) == "reception_conditions"

    while current_code(repatriation) != "handover":
        complete(world.actor("caseworker"), repatriation, current_code(repatriation))
    shelter = _english(new_page)
    sign_in_by_cookie(shelter, world.user("shelter_staff", "other"), live_server.url)
    shelter.goto(f"/repatriations/{repatriation.pk}/")
    shelter.click(f"a[href='/repatriations/{repatriation.pk}/handover/']")
    assert shelter.input_value("#id_destination") == "ngo_care"
    shelter.check("#id_evidence_0")
    shelter.fill("#id_note", "Recibida en el aeropuerto; acta firmada.")
    screenshot(shelter, "repatriation-handover")
    shelter.click("main form button[type=submit]")
    shelter.wait_for_url(re.compile(rf"/repatriations/{repatriation.pk}/$"))
    assert Repatriation.objects.get(pk=repatriation.pk).status == RepatriationStatus.COMPLETED
    screenshot(shelter, "repatriation-detail-completed")

    late = start(world, case_for(world, minor=False))
    RepatriationStep.objects.filter(repatriation=late, state="current").update(
        due_date=datetime.date.today() - datetime.timedelta(days=4)
    )
    team.goto("/repatriations/")
    assert "1 overdue" in team.inner_text("main")
    screenshot(team, "repatriation-list")
    team.goto(f"/repatriations/{late.pk}/")
    screenshot(team, "repatriation-detail-overdue")
