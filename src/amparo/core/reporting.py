from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class NoSensitiveDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports never include request bodies or local variables: they could hold identities."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        return {}

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return []
