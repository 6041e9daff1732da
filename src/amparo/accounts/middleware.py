from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .actor import Actor
from .selectors import active_memberships, user_requires_two_factor

Handler = Callable[[HttpRequest], HttpResponse]
MEMBERSHIP_SESSION_KEY = "amparo_membership_id"
LAST_ACTIVITY_SESSION_KEY = "amparo_last_activity"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class IdleTimeoutMiddleware:
    """Sign out a session idle for longer than SESSION_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                if _is_api(request):
                    return JsonResponse(
                        {"error": {"code": "session_expired", "message": _("Your session expired.")}},
                        status=401,
                    )
                messages.info(request, _("Your session was closed after a period of inactivity."))
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)


class ActiveMembershipMiddleware:
    """Sets request.membership (the institution and role the user acts as) and request.actor."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        if request.user.is_authenticated:
            memberships = list(active_memberships(user=request.user))
            wanted = request.session.get(MEMBERSHIP_SESSION_KEY)
            membership = next((m for m in memberships if m.pk == wanted), None)
            if membership is None and memberships:
                membership = memberships[0]
        request.membership = membership  # type: ignore[attr-defined]
        request.actor = Actor(  # type: ignore[attr-defined]
            user=request.user if request.user.is_authenticated else None,
            membership=membership,
            request_id=getattr(request, "request_id", ""),
        )
        return self.get_response(request)


_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/", "/accounts/logout/", "/accounts/two-factor/")


class TwoFactorRequiredMiddleware:
    """Users whose roles see identifying data must pass TOTP before anything else (enrol if needed)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and user_requires_two_factor(user=user)  # type: ignore[arg-type]
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
