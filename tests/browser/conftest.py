"""Playwright (sync API) against pytest-django's live server, driving Debian's /usr/bin/chromium.

The tests are marked ``browser`` and skipped when /usr/bin/chromium is missing (``make browser-deps``
installs it). Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP

from amparo.accounts.models import User
from amparo.organizations.models import Organization, Unit
from amparo.organizations.seed import load_institutions

from ..conftest import login
from ..factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from the
    # test body unless told it is fine (the live server answers from its own thread). Module scope, so
    # the loop and the variable do not outlive the browser tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _seeded_institutions(transactional_db: Any) -> None:
    """live_server needs transactional tests, whose flush drops the data migration's institutions."""
    if not Organization.objects.filter(code="casa-alianza").exists():
        load_institutions(Organization, Unit)


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of pages, each in its own context (own cookies); Spanish browser, desktop width."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, locale: str = "es-GT") -> Any:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport=viewport or DESKTOP, device_scale_factor=1
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


def totp_code(key: bytes, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> str:
    """The code an authenticator app would show now."""
    return f"{TOTP(key, step, t0, digits, drift).token():0{digits}d}"


def totp_token(user: User) -> str:
    device = user.totpdevice_set.get(confirmed=True)
    return totp_code(device.bin_key, device.step, device.t0, device.digits, device.drift)


def sign_in(page: Any, user: User, password: str = PASSWORD) -> None:
    """The real two-step sign-in through the screens."""
    page.goto("/accounts/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.fill("#id_token", totp_token(user))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def sign_in_by_cookie(page: Any, user: User, base_url: str) -> None:
    """A verified session (password and second factor passed) for screens that are not about sign-in."""
    client = login(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
