"""JSON errors for the API: a stable code and a message in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
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


def _flatten(detail: Any, name: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as flat names with their messages: the items of a list ("case_ids.0"), the fields of
    a nested object ("documents.1.number"), instead of the repr of DRF's error structures."""
    out: dict[str, list[str]] = {}

    def add(key: str, messages: list[str]) -> None:
        out.setdefault(key or "non_field_errors", []).extend(messages)

    if isinstance(detail, Mapping):
        for key, value in detail.items():
            for sub, messages in _flatten(value, f"{name}.{key}" if name else str(key)).items():
                add(sub, messages)
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, Mapping | list | tuple):
                for sub, messages in _flatten(item, f"{name}.{index}" if name else str(index)).items():
                    add(sub, messages)
            else:
                add(name, [str(item)])
    else:
        add(name, [str(detail)])
    return out


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
        response.data = _payload("validation_error", _("Some fields are not valid."), fields=_flatten(detail))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's text is English only and quotes the parser's own error.
        response.data = _payload("parse_error", _("The request body could not be read: send valid JSON."))
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = _payload(str(code), exc.detail)
    return response
