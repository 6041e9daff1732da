from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django_otp.oath import TOTP

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from amparo.accounts.middleware import LAST_ACTIVITY_SESSION_KEY
from amparo.audit.models import AuditEvent
from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def _code(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_production_hasher_is_argon2() -> None:
    from amparo.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("x" * 14).startswith("argon2$")


@pytest.mark.django_db
def test_login_requires_second_factor(world) -> None:
    user = world.user("caseworker")
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    # Without the code nothing is reachable.
    assert client.get("/persons/").status_code == 302
    assert client.get("/api/v1/persons/").status_code in (401, 403)
    bad = client.post("/accounts/two-factor/verify/", {"token": "000000"})
    assert bad.status_code == 200 and client.get("/persons/").status_code == 302
    device = user.totpdevice_set.get()
    # django-otp throttles after a failure (1 s, doubling); a valid code right away is refused too.
    assert client.post("/accounts/two-factor/verify/", {"token": _code(device)}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/two-factor/verify/", {"token": _code(device), "next": "/persons/"})
    assert ok.status_code == 302 and ok["Location"] == "/persons/"
    assert client.get("/persons/").status_code == 200
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.password_ok", "auth.two_factor_failed", "auth.login"} <= set(actions)


@pytest.mark.django_db
def test_recovery_code_works_once(world) -> None:
    from amparo.accounts.services import recovery_codes_regenerate_unaudited

    user = world.user("prosecutor")
    codes = recovery_codes_regenerate_unaudited(user=user)
    for expected in (302, 200):
        client = Client()
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        response = client.post("/accounts/two-factor/verify/", {"token": codes[0]})
        assert response.status_code == expected


@pytest.mark.django_db
def test_first_login_forces_enrolment_with_qr_and_recovery_codes(world) -> None:
    user = MembershipFactory(organization=world.home, role="caseworker").user
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    response = client.get("/accounts/two-factor/verify/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    assert b'src="data:image/svg+xml;charset=utf-8,%3Csvg' in response.content
    device = user.totpdevice_set.get(confirmed=False)
    wrong = client.post("/accounts/two-factor/setup/", {"token": "123456"})
    assert wrong.status_code == 200 and not user.totpdevice_set.filter(confirmed=True).exists()
    done = client.post("/accounts/two-factor/setup/", {"token": _code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get("/persons/").status_code == 200


@pytest.mark.django_db
def test_statistician_needs_no_second_factor(world) -> None:
    user = UserFactory()
    MembershipFactory(user=user, organization=world.home, role="statistician")
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_lockout_after_repeated_failures(world) -> None:
    user = world.user("caseworker")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": user.username, "password": "wrong-password"})
        assert response.status_code in (200, 429)
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "auth.lockout" in AuditEvent.objects.values_list("action", flat=True)
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= settings.AXES_FAILURE_LIMIT
    # An administrator of the institution can lift the lock.
    admin = login(Client(), world.user("administrator"))
    admin.post(f"/accounts/users/{user.pk}/", {"action": "unlock"})
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_failed_login_with_unknown_username_is_audited_without_the_name(world) -> None:
    Client().post("/accounts/login/", {"username": "Zenaida Canarioqx", "password": "x"})
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert "Canarioqx" not in str(event.details) and "username_sha256" in event.details


@pytest.mark.django_db
def test_idle_session_times_out(world) -> None:
    client = login(Client(), world.user("caseworker"))
    assert client.get("/persons/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get("/persons/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/persons/").status_code == 302  # really signed out


@pytest.mark.django_db
def test_reauthentication_before_sensitive_action(world) -> None:
    user = world.user("caseworker")
    client = login(Client(), user)
    response = client.post("/accounts/tokens/new/", {"name": "telefonía"})
    assert response.status_code == 302 and "/accounts/reauth/" in response["Location"]
    bad = client.post("/accounts/reauth/", {"password": PASSWORD, "token": "000000"})
    assert bad.status_code == 200 and REAUTH_SESSION_KEY not in client.session
    user.totpdevice_set.get().throttle_reset()
    ok = client.post(
        "/accounts/reauth/",
        {"password": PASSWORD, "token": _code(user.totpdevice_set.get()), "next": "/accounts/tokens/"},
    )
    assert ok.status_code == 302
    created = client.post("/accounts/tokens/new/", {"name": "telefonía"})
    assert created.status_code == 200 and created.context["raw"].startswith("amp_")


@pytest.mark.django_db
def test_security_headers(world) -> None:
    response = login(Client(), world.user("caseworker")).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_check_deploy_is_clean_under_production_settings() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "AMPARO_TESTING", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        SECRET_KEY="x" * 30 + "-a-long-random-production-secret-value-0123456789",
        ALLOWED_HOSTS="amparo.example.org",
        DJANGO_SETTINGS_MODULE="amparo.config.settings",
        AMPARO_KEYS="k1:" + "A" * 43 + "=",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
