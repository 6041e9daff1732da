"""Browser journey of an investigation: a prosecutor records a complaint, opens an investigation with an
investigator on the team, adds a place and a suspect, plans a raid only they know about; the investigator
sees the file but not the operation; the prosecutor sees the refused attempt in the access log."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.roles import Role
from amparo.justice.models import Complaint, Investigation, Operation
from amparo.law.selectors import article_by_ref

from ..conftest import World
from .conftest import screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


def test_prosecutor_opens_an_investigation_and_plans_a_compartmented_raid(
    new_page: Any, world: World, live_server: Any
) -> None:
    prosecutor = world.user(Role.PROSECUTOR)
    investigator = world.user(Role.INVESTIGATOR)
    today = timezone.localdate().isoformat()

    page = new_page()
    sign_in(page, prosecutor)
    page.goto("/justice/complaints/new/")
    page.fill("#id_received_on", today)
    page.select_option("#id_source", "walk_in")
    page.fill("#id_mp_file_number", "MP001-2026-4411")
    page.fill("#id_summary", "Una madre denuncia que su hija de 15 años trabaja en el Bar La Estrella.")
    screenshot(page, "justice-complaint-form")
    page.get_by_role("button", name=_es("Save")).click()
    complaint = Complaint.objects.get()
    page.wait_for_url(f"**/justice/complaints/{complaint.pk}/")
    screenshot(page, "justice-complaint")
    page.get_by_role("link", name=_es("Open an investigation")).click()
    page.fill("#id_opened_on", today)
    page.fill("#id_summary", "Explotación sexual de adolescentes en el Bar La Estrella.")
    page.select_option("#id_team-0-user", str(investigator.pk))
    assert page.locator(f"input[name=complaints][value='{complaint.pk}']").is_checked()
    page.get_by_role("button", name=_es("Save")).click()
    investigation = Investigation.objects.get()
    page.wait_for_url(f"**/justice/{investigation.pk}/")
    assert investigation.mp_file_number == "MP001-2026-4411"

    page.get_by_role("link", name=_es("Add a place or business")).click()
    page.select_option("#id_place_type", "bar")
    page.fill("#id_name", "Bar La Estrella")
    page.fill("#id_address", "Km 18 carretera al Atlántico")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url("**tab=overview")
    screenshot(page, "justice-investigation-overview")

    page.goto(f"/justice/{investigation.pk}/suspects/new/")
    page.fill("#id_given_names", "Rigoberto")
    page.fill("#id_surnames", "Sacul Pop")
    page.select_option("#id_gender", "Masculine")
    page.select_option("#id_role_in_process", "Exploiter")
    page.check("#id_public_official")
    page.fill("#id_official_institution", "Municipalidad")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url("**tab=suspects")
    assert "Rigoberto Sacul Pop" in page.locator("main").inner_text()
    screenshot(page, "justice-investigation-suspects")

    # A charge under art. 202 Ter (the version in force on the offence date): the screen shows the range.
    page.goto(f"/justice/{investigation.pk}/charges/new/")
    page.select_option("#id_suspect", index=1)
    page.select_option("#id_article", str(article_by_ref("penal-code:202 Ter").pk))
    page.fill("#id_offence_date", (timezone.localdate() - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_filed_on", today)
    page.fill("#id_victim_age", "15")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url("**tab=court")
    page.locator("#charges-title + ul a").first.click()
    page.wait_for_url("**/justice/charges/**")
    assert page.locator(".result-range").inner_text().strip()
    screenshot(page, "justice-charge")

    page.goto(f"/justice/{investigation.pk}/operations/new/")
    page.fill("#id_codename", "Estrella Fugaz")
    page.fill("#id_objective", "Allanamiento con la PGN a las 22:00")
    page.fill("#id_planned_for", today)
    page.get_by_role("button", name=_es("Save")).click()
    operation = Operation.objects.get()
    page.wait_for_url(f"**/justice/operations/{operation.pk}/")
    screenshot(page, "justice-operation")

    # The investigator of the same team: the file, yes; the operation, no (as if it did not exist).
    other = new_page()
    sign_in_by_cookie(other, investigator, live_server.url)
    other.goto(f"/justice/{investigation.pk}/?tab=operations")
    assert "Estrella Fugaz" not in other.locator("main").inner_text()
    response = other.goto(f"/justice/operations/{operation.pk}/")
    assert response is not None and response.status == 404

    page.goto(f"/justice/operations/{operation.pk}/access-log/")
    log = page.locator("main").inner_text()
    assert investigator.username in log
    screenshot(page, "justice-operation-access-log")
    page.goto("/justice/?suspect_name=rigoberto sacul")
    assert investigation.number in page.locator("main").inner_text()
    screenshot(page, "justice-search")
