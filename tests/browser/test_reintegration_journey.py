"""Browser journey of reintegration: from the case page of a closed case, the caseworker adds a goal to the
plan and records the overdue follow-up; a supervisor edits the institution's services in the directory."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.roles import Role
from amparo.cases import services as cases
from amparo.organizations.models import Organization
from amparo.referrals.models import ServiceOffer
from amparo.referrals.seed import load_offers
from amparo.reintegration.models import Goal, ScheduledFollowUp

from ..conftest import World, make_person
from .conftest import screenshot, sign_in_by_cookie

pytestmark = pytest.mark.browser

NOTES = "Vive con su abuela; asiste al curso de panadería los sábados."


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


@pytest.fixture(autouse=True)
def _service_directory(_seeded_institutions: None) -> None:
    if not ServiceOffer.objects.filter(organization__code="casa-alianza").exists():
        load_offers(Organization, ServiceOffer)


def _closed_case(world: World, settings: Any) -> Any:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3]
    actor = world.actor(Role.CASEWORKER)
    person = make_person(actor, given="Marta", surnames="Ic Choc", documents=[], age_min=19, age_max=20)
    case = cases.case_open(actor=actor, person_id=person.pk)
    cases.screening_record(actor=actor, case_id=case.pk, answers={})
    cases.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada con su familia")
    return cases.case_review_closure(actor=world.actor(Role.SUPERVISOR), case_id=case.pk, approve=True)


def test_caseworker_plans_reintegration_and_records_the_overdue_follow_up(
    page: Any, world: World, live_server: Any, settings: Any
) -> None:
    case = _closed_case(world, settings)
    first = ScheduledFollowUp.objects.filter(case=case).order_by("months").first()
    assert first is not None
    ScheduledFollowUp.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=20))
    sign_in_by_cookie(page, world.user(Role.CASEWORKER), live_server.url)

    page.goto(f"/cases/{case.pk}/")
    section = page.locator("#reintegration")
    assert _es("Overdue") in section.inner_text()
    screenshot(page, "reintegration-case-page")
    section.get_by_role("link", name=_es("Open the plan and follow-ups")).click()
    page.wait_for_url(f"**/reintegration/cases/{case.pk}/")
    schedule = page.locator("#schedule")
    assert schedule.locator(".badge.danger").count() == 1 and schedule.locator("li").count() == 2
    screenshot(page, "reintegration-plan-empty")

    # --- A goal, with a mistake first: the error comes back on the form.
    page.locator("#goals").get_by_role("link", name=_es("Add a goal")).click()
    page.wait_for_url(f"**/reintegration/cases/{case.pk}/goals/new/")
    page.select_option("#id_area", "vocational")
    page.get_by_role("button", name=_es("Save")).click()
    assert page.locator(".has-error").count() >= 1
    page.fill("#id_description", "Curso de panadería con certificado")
    page.select_option("#id_institution", str(Organization.objects.get(code="oim").pk))
    page.select_option("#id_status", "in_progress")
    page.fill("#id_target_date", (timezone.localdate() + datetime.timedelta(days=120)).isoformat())
    screenshot(page, "reintegration-goal-form")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url(re.compile(rf"/reintegration/cases/{case.pk}/#goals$"))
    goal = Goal.objects.get()
    assert goal.status == "in_progress" and goal.institution.code == "oim"
    assert "Curso de panadería con certificado" in page.locator("#goals").inner_text()

    # --- The overdue follow-up, recorded as a visit.
    page.locator("#schedule").get_by_role("link", name=_es("Record it")).click()
    page.wait_for_url(f"**/reintegration/cases/{case.pk}/visits/new/?follow_up={first.pk}")
    assert page.locator("#id_follow_up").input_value() == str(first.pk)
    page.check("input[name=modality][value=home]")
    page.check("input[name=outcome][value=stable]")
    page.fill("#id_notes", NOTES)
    screenshot(page, "reintegration-visit-form")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url(re.compile(rf"/reintegration/cases/{case.pk}/#visits$"))
    first.refresh_from_db()
    assert first.visit is not None and first.visit.notes == NOTES
    assert NOTES in page.locator("#visits").inner_text()
    assert page.locator("#schedule .badge.danger").count() == 0
    screenshot(page, "reintegration-plan")

    page.goto("/reintegration/")
    assert case.number not in page.locator("main").inner_text()
    screenshot(page, "reintegration-due")


def test_supervisor_edits_the_institutions_services(page: Any, world: World, live_server: Any) -> None:
    sign_in_by_cookie(page, world.user(Role.SUPERVISOR), live_server.url)
    page.goto("/referrals/directory/")
    page.get_by_role("link", name=_es("Edit your institution's services")).click()
    page.wait_for_url("**/referrals/directory/manage/")
    rows = page.locator("tbody tr")
    assert rows.count() == ServiceOffer.objects.filter(organization=world.home).count()
    screenshot(page, "directory-manage")
    legal = ServiceOffer.objects.get(organization=world.home, service_type="legal")
    page.goto(f"/referrals/directory/manage/{legal.pk}/")
    screenshot(page, "directory-offer-form")
    page.fill("#id_phone", "2200-1111")
    page.fill("#id_max_age", "25")
    page.get_by_role("button", name=_es("Save")).click()
    page.wait_for_url("**/referrals/directory/manage/")
    legal.refresh_from_db()
    assert legal.phone == "2200-1111" and legal.max_age == 25
    row = page.locator("tbody tr").filter(has_text="2200-1111")
    row.get_by_role("button", name=re.compile(_es("Deactivate"))).click()
    page.wait_for_url("**/referrals/directory/manage/")
    legal.refresh_from_db()
    assert not legal.is_active
    assert page.locator("tbody tr").filter(has_text="2200-1111").locator(".badge.warn").count() == 1
