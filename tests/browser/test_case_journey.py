"""Browser journeys of case management: open, screen, consent, plan, approve, deliver, close.

The browser asks for Spanish (es-GT). Texts are looked up in the Spanish catalogue with ``_es`` so the
tests pass whether or not a string is translated yet; fields are found by their ids.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.roles import Role
from amparo.cases import services
from amparo.cases.models import Attachment, CarePlanStatus, Case, Consent, Task
from amparo.cases.vocab import INDICATOR_BY_CODE, CaseStatus, TraffickingStatus
from amparo.people.models import Person

from ..conftest import make_person
from .conftest import DESKTOP, MOBILE, screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser

# The header of a Windows executable (MZ, DOS stub, NUL bytes): binary, whatever its name says.
FAKE_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def _es(msgid: str) -> str:
    """What the Spanish screen shows for ``msgid`` (the English text until it is translated)."""
    with translation.override("es"):
        return str(translation.gettext(msgid))


def _es_ctx(context: str, msgid: str) -> str:
    with translation.override("es"):
        return str(translation.pgettext(context, msgid))


def _indicator(code: str) -> str:
    with translation.override("es"):
        return str(INDICATOR_BY_CODE[code].label)


def _years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def _today() -> str:
    return timezone.localdate().isoformat()


def _detail_url(case: Case) -> re.Pattern[str]:
    return re.compile(rf"/cases/{case.pk}/(#[\w-]*)?$")


def _save(page: Any, case: Case) -> None:
    """Submit the action form and expect to land back on the case with the success message."""
    page.locator("main form.card").get_by_role("button", name=_es("Save"), exact=True).click()
    page.wait_for_url(_detail_url(case))
    assert page.locator(".messages li.success").inner_text().strip() == _es("Saved.")


def _refresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def _badges(page: Any) -> list[str]:
    return [b.strip() for b in page.locator(".case-head .badge").all_inner_texts()]


def test_case_from_opening_to_closure(new_page: Any, world: Any, live_server: Any) -> None:
    caseworker = world.user(Role.CASEWORKER)
    supervisor = world.user(Role.SUPERVISOR)
    page = new_page()

    # --- Caseworker: two-factor sign-in, registers an adult and opens a case from the person's page.
    sign_in(page, caseworker)
    page.goto("/persons/new/")
    page.fill("#id_given_names", "Marisol")
    page.fill("#id_surnames", "Ajú Tzoc")
    page.fill("#id_date_of_birth", _years_ago(25, days=40).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    person = Person.objects.get()
    assert person.date_of_birth == _years_ago(25, days=40)

    page.get_by_role("button", name=_es("Open a case")).click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get(person=person)
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.number in page.locator("h1").inner_text()
    assert not case.minor_protocol
    assert case.owner == caseworker
    assert _es("Open") in _badges(page)
    screenshot(page, "case-journey-opened")

    # --- Screening: deception (means) and sexual exploitation, both strong: a presumed victim.
    page.locator("#identification").get_by_role("link", name=_es("Screen"), exact=True).click()
    page.wait_for_url(f"**/cases/{case.pk}/screening/")
    for code in ("ilo_deception", "ilo_ec_sexual_services"):
        indicator = page.locator("fieldset.indicator").filter(has_text=_indicator(code))
        assert indicator.count() == 1
        indicator.get_by_role("radio", name=_es("Yes"), exact=True).check()
    # The others stay "unknown", the default.
    assert page.locator("input[name=ilo_violence][value=unknown]").is_checked()
    screenshot(page, "case-journey-screening")
    page.get_by_role("button", name=_es("Record the screening")).click()
    page.wait_for_url(_detail_url(case))
    screening = case.screenings.get()
    assert screening.answers["ilo_deception"] == "yes"
    assert screening.answers["ilo_ec_sexual_services"] == "yes"
    assert screening.answers["ilo_violence"] == "unknown"
    assert screening.proposed_status == TraffickingStatus.PRESUMED
    identification = page.locator("#identification")
    assert _es("Presumed victim") in identification.inner_text()
    assert _es("Identification") in _badges(page)
    assert _refresh(case).status == CaseStatus.IDENTIFICATION

    # --- Confirm the status (the form proposes the screening's result), determined by the NGO.
    identification.get_by_role("link", name=_es("Determine the status")).click()
    page.wait_for_url(f"**/cases/{case.pk}/status/")
    assert page.locator("#id_status").input_value() == TraffickingStatus.PRESUMED
    page.select_option("#id_determined_by", "NGO")
    _save(page, case)
    case = _refresh(case)
    assert case.trafficking_status == TraffickingStatus.PRESUMED
    assert case.status_determined_by == "NGO"
    assert _es("Presumed victim") in _badges(page)

    # --- Assistance needs consent first: the transition is refused with a clear message.
    page.goto(f"/cases/{case.pk}/transition/")
    page.select_option("#id_to_status", CaseStatus.ASSISTANCE)
    page.locator("main form.card").get_by_role("button", name=_es("Save"), exact=True).click()
    summary = page.locator(".form-summary")
    summary.wait_for()
    assert _es("Assistance needs the person's informed consent: record it first.") in summary.inner_text()
    assert _refresh(case).status == CaseStatus.IDENTIFICATION

    # --- Informed consent to assistance, given by the (adult) person.
    page.goto(f"/cases/{case.pk}/")
    page.locator("#consent").get_by_role("link", name=_es("Record consent")).click()
    page.wait_for_url(f"**/cases/{case.pk}/consents/")
    page.check("input[name=scopes][value=assistance]")
    page.select_option("#id_given_by", "person")
    page.fill("#id_given_on", _today())
    _save(page, case)
    consent = Consent.objects.get(case=case)
    assert consent.scopes == ["assistance"]
    assert consent.given_by == "person"
    assert consent.given_on == timezone.localdate()
    assert page.locator("#consent .badge.warn").count() == 0  # "no valid consent" is gone

    # --- Now the case may move to assistance.
    page.locator("#workflow").get_by_role("link", name=_es("Change the status")).click()
    page.wait_for_url(f"**/cases/{case.pk}/transition/")
    page.select_option("#id_to_status", CaseStatus.ASSISTANCE)
    page.fill("#id_reason", "Consentimiento informado firmado.")
    _save(page, case)
    assert _refresh(case).status == CaseStatus.ASSISTANCE
    assert _es("Assistance") in _badges(page)

    # --- Care plan: goals and two services, then sent for approval.
    page.locator("#care-plan").get_by_role("link", name=_es("Write the plan")).click()
    page.wait_for_url(f"**/cases/{case.pk}/care-plan/")
    page.fill("#id_goals", "Atención psicológica semanal y acompañamiento legal en el proceso penal.")
    page.check("input[name=services][value=psychological]")
    page.check("input[name=services][value=legal]")
    page.select_option("#id_provider", str(world.home.pk))
    screenshot(page, "case-journey-care-plan")
    _save(page, case)
    plan = case.care_plan
    assert plan.status == CarePlanStatus.DRAFT
    assert sorted(plan.services.values_list("service_type", flat=True)) == ["legal", "psychological"]
    care_plan = page.locator("#care-plan")
    assert "Atención psicológica semanal" in care_plan.inner_text()
    care_plan.get_by_role("button", name=_es("Send for approval")).click()
    page.wait_for_url(_detail_url(case))
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.SUBMITTED
    assert _es("Awaiting approval") in page.locator("#care-plan .badge").all_inner_texts()
    # A caseworker cannot approve their own plan.
    assert page.locator("#care-plan").get_by_role("link", name=_es("Review the plan")).count() == 0
    screenshot(page, "case-journey-plan-submitted")

    # --- Sign out; the supervisor signs in (two factors) and approves the plan.
    page.get_by_role("button", name=_es("Sign out")).click()
    page.wait_for_url("**/accounts/login/**")
    sign_in(page, supervisor)
    page.goto("/cases/?scope=all")
    page.get_by_role("link", name=case.number, exact=True).click()
    page.wait_for_url(_detail_url(case))
    page.locator("#care-plan").get_by_role("link", name=_es("Review the plan")).click()
    page.wait_for_url(f"**/cases/{case.pk}/care-plan/review/")
    assert "Atención psicológica semanal" in page.locator("main").inner_text()
    page.check("input[name=decision][value=approve]")
    page.fill("#id_comment", "Plan adecuado.")
    screenshot(page, "case-journey-plan-review")
    _save(page, case)
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.APPROVED
    assert plan.reviewed_by == supervisor
    assert _es("Approved") in page.locator("#care-plan .badge").all_inner_texts()

    # --- Caseworker again (a verified session; the real sign-in was tested above): service delivered,
    # follow-up, and a request to close.
    worker = new_page()
    sign_in_by_cookie(worker, caseworker, live_server.url)
    worker.goto(f"/cases/{case.pk}/")
    worker.locator("#services").get_by_role("link", name=_es("Record a service")).click()
    worker.wait_for_url(f"**/cases/{case.pk}/services/")
    worker.select_option("#id_service_type", "psychological")
    worker.select_option("#id_provider", str(world.home.pk))
    worker.fill("#id_start_date", _today())
    worker.fill("#id_notes", "Primera sesión.")
    _save(worker, case)
    delivery = case.deliveries.get()
    assert delivery.service_type == "psychological"
    assert _es("Psychological care") in worker.locator("#services").inner_text()

    worker.locator("#workflow").get_by_role("link", name=_es("Change the status")).click()
    worker.wait_for_url(f"**/cases/{case.pk}/transition/")
    worker.select_option("#id_to_status", CaseStatus.FOLLOW_UP)
    _save(worker, case)
    assert _refresh(case).status == CaseStatus.FOLLOW_UP

    worker.locator("#workflow").get_by_role("link", name=_es("Ask to close")).click()
    worker.wait_for_url(f"**/cases/{case.pk}/closure/")
    worker.fill("#id_reason", "Objetivos del plan cumplidos; la persona está en un lugar seguro.")
    _save(worker, case)
    case = _refresh(case)
    assert case.closure_requested
    assert _es("Closure requested") in _badges(worker)
    assert worker.locator("#workflow").get_by_role("link", name=_es("Ask to close")).count() == 0
    screenshot(worker, "case-journey-closure-requested")

    # --- Supervisor approves the closure: the case is closed.
    page.goto(f"/cases/{case.pk}/")
    page.locator("#workflow").get_by_role("link", name=_es("Review the closure")).click()
    page.wait_for_url(f"**/cases/{case.pk}/closure/review/")
    assert "Objetivos del plan cumplidos" in page.locator("main").inner_text()
    page.check("input[name=decision][value=approve]")
    _save(page, case)
    case = _refresh(case)
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert not case.closure_requested
    assert _es_ctx("case", "Closed") in _badges(page)
    history = page.locator("#history li").all_inner_texts()
    assert len(history) == 4  # open→identification→assistance→follow-up→closed
    screenshot(page, "case-journey-closed")

    # The caseworker sees it closed too.
    worker.goto("/cases/")
    row = worker.locator("table tbody tr").filter(has_text=case.number)
    assert _es_ctx("case", "Closed") in row.inner_text()


def test_a_minor_cannot_consent_alone(page: Any, world: Any, live_server: Any) -> None:
    actor = world.actor(Role.CASEWORKER)
    minor = make_person(actor, given="Ana", surnames="Xol", documents=[], date_of_birth=_years_ago(15, days=100))
    case = services.case_open(actor=actor, person_id=minor.pk)
    assert case.minor_protocol
    sign_in_by_cookie(page, world.user(Role.CASEWORKER), live_server.url)

    page.goto(f"/cases/{case.pk}/")
    assert _es("Minor's protocol (presumption of minority)") in _badges(page)
    page.goto(f"/cases/{case.pk}/consents/")
    page.check("input[name=scopes][value=assistance]")
    page.select_option("#id_given_by", "person")
    page.fill("#id_given_on", _today())
    page.locator("main form.card").get_by_role("button", name=_es("Save"), exact=True).click()

    error = page.locator(".field.has-error .errorlist")
    error.wait_for()
    expected = _es(
        "The person is (presumed) a minor: a guardian, the PGN attorney or a judge's order must give the consent."
    )
    assert error.inner_text().strip() == expected
    assert page.locator(".form-summary[role=alert]").is_visible()
    assert page.url.endswith(f"/cases/{case.pk}/consents/")
    # What was typed is kept, nothing is saved.
    assert page.locator("input[name=scopes][value=assistance]").is_checked()
    assert Consent.objects.filter(case=case).count() == 0
    screenshot(page, "case-consent-minor-refused")

    # A guardian may consent for them.
    page.select_option("#id_given_by", "guardian")
    page.fill("#id_giver_name", "María Xol")
    page.fill("#id_given_on", _today())
    _save(page, case)
    assert Consent.objects.get(case=case).given_by == "guardian"
    assert page.locator("#consent .badge.warn").count() == 0


def test_attachment_checks_the_content_not_the_name(
    page: Any, world: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path / "attachments"
    actor = world.actor(Role.CASEWORKER)
    case = services.case_open(actor=actor, person_id=make_person(actor).pk)
    sign_in_by_cookie(page, world.user(Role.CASEWORKER), live_server.url)

    # An executable renamed .pdf: refused, with the accepted types, and nothing stored.
    page.goto(f"/cases/{case.pk}/")
    page.locator("#attachments").get_by_role("link", name=_es("Attach a file")).click()
    page.wait_for_url(f"**/cases/{case.pk}/attachments/")
    page.set_input_files("#id_file", files=[{"name": "informe.pdf", "mimeType": "application/pdf", "buffer": FAKE_EXE}])
    page.fill("#id_description", "Informe médico")
    page.locator("main form.card").get_by_role("button", name=_es("Save"), exact=True).click()
    error = page.locator(".field.has-error .errorlist")
    error.wait_for()
    assert error.inner_text().strip() == _es(
        "This type of file is not accepted. Upload a PDF document, a PNG or JPEG image, or a plain text (.txt) file."
    )
    assert page.url.endswith(f"/cases/{case.pk}/attachments/")
    assert Attachment.objects.count() == 0
    stored = settings.AMPARO_ATTACHMENTS_DIR
    assert not stored.exists() or not any(stored.iterdir())
    screenshot(page, "case-attachment-refused")

    # A small text file is accepted and listed on the case.
    page.set_input_files(
        "#id_file",
        files=[{"name": "entrevista.txt", "mimeType": "text/plain", "buffer": b"Notas de la entrevista.\n"}],
    )
    page.fill("#id_description", "Notas")
    _save(page, case)
    attachment = Attachment.objects.get()
    assert attachment.filename == "entrevista.txt"
    assert attachment.content_type.startswith("text/plain")
    files = page.locator("#attachments li a")
    assert files.all_inner_texts() == ["entrevista.txt"]
    assert "Notas" in page.locator("#attachments").inner_text()


def test_consent_and_service_dates_start_at_today(page: Any, world: Any, live_server: Any) -> None:
    actor = world.actor(Role.CASEWORKER)
    case = services.case_open(actor=actor, person_id=make_person(actor, date_of_birth=_years_ago(30)).pk)
    sign_in_by_cookie(page, world.user(Role.CASEWORKER), live_server.url)
    page.goto(f"/cases/{case.pk}/consents/")
    assert page.locator("#id_given_on").input_value() == _today()
    page.goto(f"/cases/{case.pk}/services/")
    assert page.locator("#id_start_date").input_value() == _today()


SCREEN_WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}


def _no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", list(SCREEN_WIDTHS))
def test_case_screens_fit_the_viewport(new_page: Any, world: Any, live_server: Any, width: str) -> None:
    """Screenshots of the case screens (test-artifacts/) at desktop and phone widths, for review."""
    actor = world.actor(Role.CASEWORKER)
    boss = world.actor(Role.SUPERVISOR)
    adult = make_person(actor, given="Marisol", surnames="Ajú Tzoc", documents=[], date_of_birth=_years_ago(25))
    minor = make_person(actor, given="Ana", surnames="Xol", documents=[], date_of_birth=_years_ago(15))
    case = services.case_open(actor=actor, person_id=adult.pk)
    minor_case = services.case_open(actor=actor, person_id=minor.pk, priority="urgent")
    task = services.task_create(
        actor=actor,
        case_id=minor_case.pk,
        title="Pedir certificado de nacimiento",
        due_date=timezone.localdate(),
        assigned_to_id=actor.user.pk,
    )
    # overdue by three days (a new task cannot be due in the past)
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    overflowing: list[str] = []
    page = new_page(SCREEN_WIDTHS[width])
    sign_in_by_cookie(page, actor.user, live_server.url)

    def shot(name: str, url: str) -> None:
        page.goto(url)
        screenshot(page, f"{name}-{width}")
        if not _no_horizontal_scroll(page):
            overflowing.append(name)

    shot("case-detail-open", f"/cases/{case.pk}/")
    shot("case-screening", f"/cases/{case.pk}/screening/")
    services.screening_record(
        actor=actor, case_id=case.pk, answers={"ilo_deception": "yes", "ilo_ec_sexual_services": "yes"}
    )
    services.case_determine_status(actor=actor, case_id=case.pk, status="presumed", determined_by="NGO")
    shot("case-consent", f"/cases/{case.pk}/consents/")
    services.consent_record(
        actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=timezone.localdate()
    )
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    shot("case-care-plan-form", f"/cases/{case.pk}/care-plan/")
    services.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Atención psicológica semanal y acompañamiento legal en el proceso penal.",
        services=[services.PlannedServiceInput("psychological"), services.PlannedServiceInput("legal")],
        expected_version=None,
    )
    services.care_plan_submit(actor=actor, case_id=case.pk)
    services.risk_assess(
        actor=actor,
        case_id=case.pk,
        levels={
            "individual": "high",
            "family": "medium",
            "community": "low",
            "retrafficking": "high",
            "reprisal": "medium",
        },
    )
    shot("case-detail-plan-submitted", f"/cases/{case.pk}/")
    shot("case-transition", f"/cases/{case.pk}/transition/")
    shot("case-list", "/cases/")

    page = new_page(SCREEN_WIDTHS[width])
    sign_in_by_cookie(page, boss.user, live_server.url)
    shot("case-plan-review", f"/cases/{case.pk}/care-plan/review/")
    services.care_plan_review(actor=boss, case_id=case.pk, approve=True)
    services.service_deliver(
        actor=actor,
        case_id=case.pk,
        service_type="psychological",
        provider_id=world.home.pk,
        start_date=timezone.localdate(),
        notes="Primera sesión.",
    )
    services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up")
    services.case_request_closure(actor=actor, case_id=case.pk, reason="Objetivos del plan cumplidos.")
    shot("case-closure-review", f"/cases/{case.pk}/closure/review/")
    services.case_review_closure(actor=boss, case_id=case.pk, approve=True)
    shot("case-detail-closed", f"/cases/{case.pk}/")
    shot("case-detail-minor", f"/cases/{minor_case.pk}/")
    shot("case-list-supervisor", "/cases/?scope=all")

    assert overflowing == [], f"pages wider than the {width} viewport: {overflowing}"
