"""Browser journey of a referral to a shelter: an NGO refers a girl under a court order to an SBS shelter,
the shelter accepts, admits her and reports the outcome, and the NGO's caseworker sees it.

The browser asks for Spanish (es-GT). Texts are looked up in the Spanish catalogue with ``_es`` so the
tests pass whether or not a string is translated yet; fields are found by their ids or names.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from amparo.accounts.roles import Role
from amparo.cases import services as cases
from amparo.cases.models import Case
from amparo.notifications.models import Notification
from amparo.organizations.models import Organization, Unit
from amparo.referrals import services, shelter_services
from amparo.referrals.models import Placement, Referral, ReferralStatus, ServiceOffer, Shelter, ShelterBeds
from amparo.referrals.seed import load_offers

from ..conftest import World, make_person
from .conftest import screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser

NOTE = "Nota reservada del equipo: la madre visitó la oficina."
OUTCOME = "Ixchel ingresó al Hogar Antigua; inicia la escuela el lunes y tiene terapia semanal."


def _es(msgid: str) -> str:
    """What the Spanish screen shows for ``msgid`` (the English text until it is translated)."""
    with translation.override("es"):
        return str(translation.gettext(msgid))


def _today() -> str:
    return timezone.localdate().isoformat()


def _referral_url(referral: Referral) -> re.Pattern[str]:
    return re.compile(rf"/referrals/{referral.pk}/$")


def _badges(page: Any) -> list[str]:
    return [b.strip() for b in page.locator(".case-head .badge").all_inner_texts()]


def _messages(page: Any) -> list[str]:
    return [m.strip() for m in page.locator(".messages li").all_inner_texts()]


@pytest.fixture(autouse=True)
def _service_directory(_seeded_institutions: None) -> None:
    """The flush of transactional tests drops the seeded service directory; SBS must offer shelter."""
    if not ServiceOffer.objects.filter(organization__code="sbs", service_type="shelter").exists():
        load_offers(Organization, ServiceOffer)


def _shelter(world: World, beds: int) -> Shelter:
    """An SBS girls' shelter; its staff (and supervisor) work in the shelter's unit."""
    unit = Unit.objects.get(organization=world.other, code="hogar-antigua")
    for role in (Role.SHELTER_STAFF, Role.SUPERVISOR):
        world.user(role, "other").memberships.update(unit=unit)
    shelter = Shelter.objects.create(
        organization=world.other,
        unit=unit,
        name="Hogar Antigua",
        department="03",
        address="Calle del Hogar 7, Antigua Guatemala",
    )
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=beds)
    return shelter


def _girl_case(world: World, given: str = "Ixchel", surnames: str = "Coc Pop") -> Case:
    actor = world.actor(Role.CASEWORKER)
    person = make_person(actor, given=given, surnames=surnames, documents=[], age_min=14, age_max=15, gender="Feminine")
    case = cases.case_open(actor=actor, person_id=person.pk)
    assert case.minor_protocol
    return case


def _accepted_referral(world: World, case: Case) -> Referral:
    referral = services.referral_send(
        actor=world.actor(Role.CASEWORKER),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="court_order",
        order_reference="Juzgado de Niñez 01-2026",
        shared_sections=["identity"],
    )
    return services.referral_respond(
        actor=world.actor(Role.SHELTER_STAFF, "other"), referral_id=referral.pk, accept=True
    )


def _fill_admission(page: Any, shelter: Shelter, file_number: str) -> None:
    page.select_option("#id_shelter", str(shelter.pk))
    page.select_option("#id_category", "girls")
    page.fill("#id_court", "Juzgado de Primera Instancia de la Niñez y Adolescencia, Sacatepéquez")
    page.fill("#id_file_number", file_number)
    page.fill("#id_judge", "Lcda. Marta Son")
    page.fill("#id_order_date", _today())
    page.fill("#id_stay_days", "90")


def test_a_girl_referred_to_a_shelter_is_admitted_and_the_ngo_sees_the_outcome(
    new_page: Any, world: World, live_server: Any
) -> None:
    shelter = _shelter(world, beds=2)
    case = _girl_case(world)
    cases.note_add(actor=world.actor(Role.CASEWORKER), case_id=case.pk, body=NOTE)
    caseworker = world.user(Role.CASEWORKER)
    staff = world.user(Role.SHELTER_STAFF, "other")

    # --- The NGO caseworker: two-factor sign-in, the case, "Refer" in its Referrals section.
    sender = new_page()
    sign_in(sender, caseworker)
    sender.goto(f"/cases/{case.pk}/")
    sender.locator("#referrals").get_by_role("link", name=_es("Refer"), exact=True).click()
    sender.wait_for_url(f"**/referrals/new/{case.pk}/")
    assert _es("Minor's protocol (presumption of minority)") in sender.locator("main").inner_text()
    # The case's own institution is not offered as a receiver.
    assert sender.locator(f"#id_to_org option[value='{world.home.pk}']").count() == 0
    sender.select_option("#id_service_type", "shelter")
    sender.select_option("#id_to_org", str(world.other.pk))
    sender.check("input[name=legal_basis][value=court_order]")
    sender.fill("#id_order_reference", "Juzgado de Niñez y Adolescencia, expediente 01-2026-88, 3 de marzo")
    # Minimum necessary: identity only (the default), nothing else ticked.
    sender.check("input[name=shared_sections][value=identity]")
    assert sender.locator("input[name=shared_sections]:checked").count() == 1
    sender.fill("#id_reason", "Medida de abrigo temporal ordenada por el juez.")
    screenshot(sender, "referral-journey-form")
    sender.get_by_role("button", name=_es("Send the referral")).click()
    referral = Referral.objects.get(case=case)
    sender.wait_for_url(_referral_url(referral))
    assert _messages(sender) == [_es("Referral sent to %(org)s.") % {"org": world.other.name}]
    assert _badges(sender) == [_es("Sent, awaiting answer")]
    assert referral.status == ReferralStatus.SENT
    assert referral.to_org == world.other
    assert referral.legal_basis == "court_order"
    assert referral.shared_sections == ["identity"]
    assert referral.order_reference.startswith("Juzgado de Niñez")
    facts = sender.locator("main dl.facts").first.inner_text()
    assert world.other.name in facts
    assert _es("Court protection order (minor)") in facts
    # The sender's case page lists it too.
    sender.goto(f"/cases/{case.pk}/")
    assert _es("Sent, awaiting answer") in sender.locator("#referrals").inner_text()

    # --- SBS shelter staff (a verified session): the referral is in "Received".
    shelter_page = new_page()
    sign_in_by_cookie(shelter_page, staff, live_server.url)
    shelter_page.goto("/referrals/")
    received = shelter_page.locator("section[aria-labelledby=inbox-title]")
    assert _es("Received") in received.locator("h2").inner_text()
    row = received.locator("tbody tr").filter(has_text=world.home.name)
    assert row.count() == 1
    assert _es("Sent, awaiting answer") in row.inner_text()
    row.get_by_role("link", name=world.home.name).click()
    shelter_page.wait_for_url(_referral_url(referral))

    # Only the identity is shared: no notes, no link to the NGO's case, nothing else of the case.
    main = shelter_page.locator("main")
    assert [h.strip() for h in main.locator("h3").all_inner_texts()] == [_es("Identity")]
    text = main.inner_text()
    assert "Ixchel Coc Pop" in text
    assert _es("Minor's protocol (presumption of minority)") in text
    assert NOTE not in text
    assert _es("Notes") not in [h.strip() for h in main.locator("h2, h3").all_inner_texts()]
    assert main.locator(f"a[href='/cases/{case.pk}/']").count() == 0
    assert case.number not in text
    # Not yet accepted: no admission link.
    assert main.get_by_role("link", name=_es("Admit to a shelter")).count() == 0
    screenshot(shelter_page, "referral-journey-received")

    # --- The shelter accepts.
    shelter_page.check("input[name=decision][value=accept]")
    shelter_page.get_by_role("button", name=_es("Send the answer")).click()
    shelter_page.wait_for_url(_referral_url(referral))
    assert _messages(shelter_page) == [_es("Answer sent.")]
    assert _badges(shelter_page) == [_es("Accepted")]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.responded_by == staff

    # --- ... and admits her under the judge's order.
    shelter_page.get_by_role("link", name=_es("Admit to a shelter")).click()
    shelter_page.wait_for_url(f"**/referrals/{referral.pk}/admit/")
    assert "Ixchel Coc Pop" in shelter_page.locator("main").inner_text()
    _fill_admission(shelter_page, shelter, "01-2026-88")
    screenshot(shelter_page, "referral-journey-admission")
    shelter_page.get_by_role("button", name=_es("Admit"), exact=True).click()
    shelter_page.wait_for_url(f"**/referrals/shelters/{shelter.pk}/")
    assert _messages(shelter_page) == [_es("Admitted. The referring institution has been notified.")]
    placement = Placement.objects.get(case=case)
    assert placement.shelter == shelter
    assert placement.referral == referral
    assert placement.category == "girls"
    assert placement.file_number == "01-2026-88"
    assert placement.order_date == timezone.localdate()
    assert placement.order_end == timezone.localdate() + datetime.timedelta(days=90)
    assert placement.discharged_at is None
    present = shelter_page.locator("section[aria-labelledby=placements-title] li")
    assert present.count() == 1
    assert case.number in present.inner_text()
    assert _es("Girls") in present.inner_text()
    assert "Calle del Hogar 7" in shelter_page.locator("main").inner_text()  # its own staff see the address
    screenshot(shelter_page, "referral-journey-shelter")

    # --- The shelter reports the outcome: the referral is completed and its access ends.
    shelter_page.goto(f"/referrals/{referral.pk}/")
    outcome = shelter_page.locator("section[aria-labelledby=outcome-title]")
    assert _es("Report the outcome") in outcome.locator("h2").inner_text()
    # She is still placed: the screen says what closing the referral does to the shelter's access.
    assert outcome.locator(".callout.warn").count() == 1
    outcome.locator("#id_outcome").fill(OUTCOME)
    outcome.get_by_role("button", name=_es("Close the referral with this outcome")).click()
    shelter_page.wait_for_url(re.compile(r"/referrals/$"))
    assert _messages(shelter_page) == [_es("Outcome sent to the referring institution. The referral is closed.")]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.outcome == OUTCOME
    assert referral.closed_at is not None
    row = shelter_page.locator("section[aria-labelledby=inbox-title] tbody tr").filter(has_text=world.home.name)
    assert _es("Completed") in row.inner_text()
    # The shelter no longer sees what was shared: it keeps the referral's record and its outcome, and the
    # screen says so.
    response = shelter_page.goto(f"/referrals/{referral.pk}/")
    assert response is not None and response.status == 200
    main = shelter_page.locator("main")
    assert main.locator("#access-ended").count() == 1
    assert "Ixchel" not in main.inner_text().replace(OUTCOME, "")
    assert OUTCOME in main.locator("dl.facts").first.inner_text()
    assert main.get_by_role("link", name=_es("Referral form (PDF)")).count() == 0
    screenshot(shelter_page, "referral-journey-closed-for-receiver")
    shelter_page.goto(f"/referrals/shelters/{shelter.pk}/")
    present = shelter_page.locator("section[aria-labelledby=placements-title] li")
    assert case.number in present.inner_text() and "Ixchel" not in present.inner_text()
    assert present.locator(".muted").count() == 1  # "referral closed: ... no longer available here"

    # --- The caseworker (a verified session): the bell, the notification, the outcome.
    assert set(Notification.objects.filter(recipient=caseworker).values_list("kind", flat=True)) == {
        "referral.accepted",
        "referral.placed",
        "referral.completed",
    }
    worker = new_page()
    sign_in_by_cookie(worker, caseworker, live_server.url)
    worker.goto("/")
    bell = worker.locator("header a.bell")
    count = int(bell.locator(".bell-count").inner_text().strip())
    assert count > 0
    assert count == Notification.objects.filter(recipient=caseworker, read_at__isnull=True).count()
    bell.click()
    worker.wait_for_url("**/notifications/")
    notices = worker.locator("ul.notifications li")
    assert notices.count() == count
    texts = notices.all_inner_texts()
    for label in (
        "A referral you sent was accepted",
        "A person you referred was admitted to a shelter",
        "A referral was completed",
    ):
        assert any(_es(label) in t for t in texts), label
    assert NOTE not in worker.locator("main").inner_text() and "Ixchel" not in worker.locator("main").inner_text()
    worker.get_by_role("link", name=_es("A referral was completed")).click()
    worker.wait_for_url(_referral_url(referral))
    assert _badges(worker) == [_es("Completed")]
    facts = worker.locator("main dl.facts").first
    assert _es("Outcome") in facts.inner_text()
    assert OUTCOME in facts.inner_text()
    screenshot(worker, "referral-journey-outcome")
    # The opened notification is read: the bell counts one less.
    assert int(worker.locator("header a.bell .bell-count").inner_text().strip()) == count - 1
    # The case page shows the referral as completed, with no way to cancel it.
    assert worker.get_by_role("button", name=_es("Cancel the referral")).count() == 0
    worker.goto(f"/cases/{case.pk}/")
    assert _es("Completed") in worker.locator("#referrals").inner_text()


def test_admission_to_a_full_shelter_is_refused_clearly(page: Any, world: World, live_server: Any) -> None:
    shelter = _shelter(world, beds=1)
    first = _accepted_referral(world, _girl_case(world, "Ixchel", "Coc Pop"))
    shelter_services.placement_admit(
        actor=world.actor(Role.SHELTER_STAFF, "other"),
        referral_id=first.pk,
        shelter_id=shelter.pk,
        category="girls",
        court="Juzgado de Niñez y Adolescencia",
        file_number="01-2026-88",
        order_date=timezone.localdate(),
        stay_days=90,
    )
    second_case = _girl_case(world, "Rosa", "Tum Sic")
    second = _accepted_referral(world, second_case)
    sign_in_by_cookie(page, world.user(Role.SHELTER_STAFF, "other"), live_server.url)

    page.goto(f"/referrals/{second.pk}/")
    page.get_by_role("link", name=_es("Admit to a shelter")).click()
    page.wait_for_url(f"**/referrals/{second.pk}/admit/")
    assert "Rosa Tum Sic" in page.locator("main").inner_text()
    _fill_admission(page, shelter, "01-2026-91")
    page.get_by_role("button", name=_es("Admit"), exact=True).click()

    error = page.locator(".field.has-error .errorlist")
    error.wait_for()
    assert error.count() == 1
    assert error.inner_text().strip() == _es("%(shelter)s has no free bed for this category.") % {
        "shelter": shelter.name
    }
    assert page.locator(".form-summary[role=alert]").is_visible()
    assert page.url.endswith(f"/referrals/{second.pk}/admit/")
    # What was typed is kept; nobody else is placed.
    assert page.locator("#id_file_number").input_value() == "01-2026-91"
    assert page.locator("#id_category").input_value() == "girls"
    assert not Placement.objects.filter(case=second_case).exists()
    assert Placement.objects.filter(shelter=shelter).count() == 1
    screenshot(page, "referral-admission-full")
