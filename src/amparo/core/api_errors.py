"""JSON errors for the API: a stable code and a message in the user's language."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import exceptions as amparo

_STATUS = {
    amparo.PermissionDenied: status.HTTP_403_FORBIDDEN,
    amparo.NotFound: status.HTTP_404_NOT_FOUND,
    amparo.ValidationFailed: status.HTTP_400_BAD_REQUEST,
    amparo.StaleEdit: status.HTTP_409_CONFLICT,
    amparo.TamperedCiphertext: status.HTTP_409_CONFLICT,
}


def _payload(code: str, message: Any, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), **extra}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, amparo.AmparoError):
        extra: dict[str, Any] = {}
        if isinstance(exc, amparo.ValidationFailed):
            extra["fields"] = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        if isinstance(exc, amparo.StaleEdit):
            extra["current_version"] = exc.current_version
            extra["changed_fields"] = exc.changed_fields
        return Response(_payload(exc.code, exc.message, **extra), status=_STATUS.get(type(exc), 400))
    if isinstance(exc, Http404):
        return Response(_payload("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
        response.data = _payload("validation_error", _("Some fields are not valid."), fields=fields)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = _payload(str(code), exc.detail)
    return response
