"""Re-authentication before sensitive actions (exports, break-glass, tokens): later issues reuse it."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

REAUTH_SESSION_KEY = "amparo_reauth_at"


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_SESSION_KEY)
    return at is not None and time.time() - float(at) <= settings.REAUTH_MAX_AGE_SECONDS


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_SESSION_KEY] = time.time()


def reauth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The user must have entered their password (and second factor) in the last few minutes."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_reauthenticated(request):
            return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
