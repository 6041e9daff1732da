"""Error pages that say what happened in the user's language and never echo request data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields...): the API answers with its
    error envelope instead of an HTML page; the screens keep Django's page."""
    if _api(request):
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            code, message = "request_too_large", _("The request is too large.")
        else:
            code, message = "bad_request", _("The request could not be read.")
        return JsonResponse({"error": {"code": code, "message": message}}, status=400)
    return defaults.bad_request(request, exception)


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
