"""Error pages that say what happened in the user's language and never echo request data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _api(request):
        return JsonResponse(
            {"error": {"code": "permission_denied", "message": _("You do not have permission to do this.")}},
            status=403,
        )
    return render(
        request,
        "web/error.html",
        {
            "code": 403,
            "title": _("Not allowed"),
            "message": _("Your role in this institution does not allow this."),
        },
        status=403,
    )


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _api(request):
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
    return render(
        request,
        "web/error.html",
        {
            "code": 404,
            "title": _("Not found"),
            "message": _("This page does not exist or you do not have access to it."),
        },
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return JsonResponse({"error": {"code": "server_error", "message": _("Internal error.")}}, status=500)
    return render(
        request,
        "web/error.html",
        {
            "code": 500,
            "title": _("Something went wrong"),
            "message": _("The error was recorded. Quote the request id to support."),
        },
        status=500,
    )
