"""OpenAPI descriptions of Amparo's authentication schemes (drf-spectacular extensions)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "amparo.accounts.api_auth.AmparoTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "Personal API token (amp_...), revocable."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "amparo.accounts.api_auth.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Browser session after two-factor verification (CSRF token required on writes).",
        }
