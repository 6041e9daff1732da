from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amparo.accounts.roles import PERMISSION_LABELS, ROLE_TABLE
from amparo.accounts.selectors import active_memberships


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    perms = sorted(ROLE_TABLE[membership.role].permissions) if membership else []
    return render(
        request,
        "web/home.html",
        {
            "memberships": active_memberships(user=request.user),  # type: ignore[arg-type]
            "capabilities": [PERMISSION_LABELS[p] for p in perms],
        },
    )


def healthz_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
