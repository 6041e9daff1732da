"""Browser journeys of the foundation: two-factor sign-in and enrolment, language, persons."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.utils import translation

from amparo.accounts.roles import Role
from amparo.people.models import Person

from ..conftest import make_person
from ..factories import PASSWORD, MembershipFactory, UserFactory
from .conftest import DESKTOP, MOBILE, screenshot, sign_in, sign_in_by_cookie, totp_code, totp_token

pytestmark = pytest.mark.browser


def _html_lang(page: Any) -> str:
    return page.locator("html").get_attribute("lang")


def test_sign_in_switch_language_register_and_find_person(page: Any, world: Any, live_server: Any) -> None:
    caseworker = world.user(Role.CASEWORKER)

    # Password, then the TOTP code of the user's authenticator.
    page.goto("/accounts/login/")
    assert _html_lang(page) == "es"
    page.fill("#id_username", caseworker.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.fill("#id_token", totp_token(caseworker))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    nav = page.locator("header nav")
    assert caseworker.get_username() in page.locator("header .who").inner_text()

    # Spanish first (the browser asks for es-GT), then English through the header's selector.
    with translation.override("es"):
        spanish_persons = translation.gettext("Persons")
    assert _html_lang(page) == "es"
    # Until the Spanish catalogue (locale/es) exists, "Persons" is not translated and only <html lang>
    # tells the languages apart; once it exists the nav text must change too.
    if spanish_persons != "Persons":
        assert nav.get_by_role("link", name=spanish_persons).is_visible()
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert _html_lang(page) == "en"
    assert nav.get_by_role("link", name="Persons", exact=True).is_visible()
    if spanish_persons != "Persons":
        assert nav.get_by_role("link", name=spanish_persons).count() == 0

    # Register a person through the form.
    page.goto("/persons/new/")
    page.fill("#id_given_names", "Valeria")
    page.fill("#id_surnames", "Jiménez López")
    page.select_option("#id_doc-0-doc_type", "dpi")
    page.fill("#id_doc-0-number", "2456 78901 0101")
    page.select_option("#id_doc-0-issuing_country", "GT")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    person = Person.objects.get()
    assert page.url.endswith(f"/persons/{person.pk}/")
    assert page.locator("h1").inner_text() == "Valeria Jiménez López"

    # Find it again by a misspelled name (b/v, j/g, z/s): the search answers through htmx.
    page.goto("/persons/")
    page.fill("#id_name", "Baleria Gimenes")
    page.click("form[role=search] button[type=submit]")
    heading = page.locator("#results h2")
    heading.filter(has_text=re.compile(r"^\s*1 result\s*$")).wait_for()
    screenshot(page, "journey-search-results")
    link = page.locator("#results tbody a")
    assert link.count() == 1
    assert link.inner_text() == "Valeria Jiménez López"
    link.click()
    page.wait_for_url(f"**/persons/{person.pk}/")
    assert "Valeria" in page.locator("h1").inner_text()


def test_first_sign_in_without_device_is_forced_into_enrolment(page: Any, world: Any) -> None:
    newcomer = MembershipFactory(
        user=UserFactory(username="newcomer"), organization=world.home, role=Role.CASEWORKER
    ).user
    assert not newcomer.totpdevice_set.exists()

    page.goto("/accounts/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    # Nothing else is reachable before enrolment.
    page.goto("/persons/")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.locator(".qr img").is_visible()

    # The key for manual entry is folded away in a <details>.
    secret_box = page.locator("#totp-secret")
    assert not secret_box.is_visible()
    page.click("details summary")
    secret = secret_box.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+", secret)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    device = newcomer.totpdevice_set.get(confirmed=False)
    assert key == device.bin_key
    page.fill("#id_token", totp_code(key, device.step, device.t0, device.digits, device.drift))
    page.click("main form button[type=submit]")

    codes = page.locator("#recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    screenshot(page, "recovery-codes")
    assert newcomer.totpdevice_set.get().confirmed
    page.click("main .actions a.btn")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("header nav").is_visible()
    assert "/accounts/" not in page.url


def test_enrolment_qr_code_is_a_loadable_image(page: Any, world: Any) -> None:
    MembershipFactory(user=UserFactory(username="scanner"), organization=world.home, role=Role.AUDITOR)
    page.goto("/accounts/login/")
    page.fill("#id_username", "scanner")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    image = page.locator(".qr img")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_wrong_code_shows_an_error_and_does_not_sign_in(page: Any, world: Any) -> None:
    caseworker = world.user(Role.CASEWORKER)
    right = int(totp_token(caseworker))
    wrong = f"{(right + 500_000) % 1_000_000:06d}"

    page.goto("/accounts/login/")
    page.fill("#id_username", caseworker.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.fill("#id_token", wrong)
    page.click("main button[type=submit]")

    error = page.locator(".field.has-error .errorlist")
    error.wait_for()
    assert error.inner_text().strip()
    assert "/accounts/two-factor/verify/" in page.url

    # Still not signed in: every screen sends back to the second step.
    page.goto("/persons/")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    assert page.locator("header nav").count() == 0


SCREEN_WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}


def _no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", list(SCREEN_WIDTHS))
def test_screens_fit_the_viewport(new_page: Any, world: Any, live_server: Any, width: str) -> None:
    """Screenshots of the main screens (test-artifacts/) at desktop and phone widths, for review."""
    viewport = SCREEN_WIDTHS[width]
    caseworker = world.user(Role.CASEWORKER)
    make_person(world.actor(Role.CASEWORKER))
    make_person(world.actor(Role.CASEWORKER), given="Valentina", surnames="Jimenes", documents=[])
    overflowing: list[str] = []

    def shot(page: Any, name: str) -> None:
        screenshot(page, f"{name}-{width}")
        if not _no_horizontal_scroll(page):
            overflowing.append(name)

    page = new_page(viewport)
    page.goto("/accounts/login/")
    shot(page, "login")
    page.fill("#id_username", caseworker.get_username())
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    page.locator(".errorlist").first.wait_for()
    shot(page, "login-error")
    sign_in(page, caseworker)
    shot(page, "home-caseworker")
    page.goto("/persons/new/")
    page.click("main form button[type=submit]")
    page.locator(".has-error").first.wait_for()
    shot(page, "person-form-errors")
    person = Person.objects.order_by("created_at").first()
    page.goto(f"/persons/{person.pk}/")
    shot(page, "person-detail")
    page.goto("/persons/?name=Baleria+Gimenes&document=")
    shot(page, "search-results")
    page.goto("/persons/")
    shot(page, "search-recent")

    newcomer = MembershipFactory(
        user=UserFactory(username=f"newcomer-{width}"), organization=world.home, role=Role.CASEWORKER
    ).user
    page = new_page(viewport)
    page.goto("/accounts/login/")
    page.fill("#id_username", newcomer.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    shot(page, "two-factor-setup")
    page.click("details summary")
    page.fill("#id_token", "123")
    page.click("main form button[type=submit]")
    page.locator(".has-error").first.wait_for()
    shot(page, "two-factor-setup-error")

    page = new_page(viewport)
    page.goto("/accounts/login/")
    page.fill("#id_username", caseworker.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    shot(page, "two-factor-verify")

    page = new_page(viewport)
    sign_in_by_cookie(page, world.user(Role.ADMINISTRATOR), live_server.url)
    page.goto("/accounts/users/")
    shot(page, "user-list-administrator")
    page.goto(f"/accounts/users/{caseworker.pk}/")
    shot(page, "user-detail-administrator")

    page = new_page(viewport)
    sign_in_by_cookie(page, world.user(Role.AUDITOR), live_server.url)
    page.goto("/audit/")
    shot(page, "audit-trail-auditor")
    page.goto("/")
    shot(page, "home-auditor")

    assert overflowing == [], f"pages wider than the {width} viewport: {overflowing}"
