from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .actor import Actor
from .models import ApiToken
from .selectors import user_requires_two_factor


class AmparoTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer amp_...``: a personal token acting through one membership."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        token = (
            ApiToken.objects.select_related("membership__user", "membership__organization")
            .filter(digest=ApiToken.digest_of(raw))
            .first()
        )
        if (
            token is None
            or token.revoked_at is not None
            or not token.membership.is_active
            or not token.membership.organization.is_active
            or not token.membership.user.is_active
        ):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        django_request = request._request
        django_request.membership = token.membership  # type: ignore[attr-defined]
        django_request.actor = Actor(  # type: ignore[attr-defined]
            user=token.membership.user,
            membership=token.membership,
            request_id=getattr(django_request, "request_id", ""),
        )
        return token.membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Browser sessions, only once two-factor is passed when the user's roles require it."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if user_requires_two_factor(user=user) and not user.is_verified():
            raise exceptions.AuthenticationFailed(_("Two-factor verification required."))
        return result


def actor_of(request: Request) -> Actor:
    actor: Actor = getattr(request._request, "actor", None) or Actor(user=None, membership=None)
    return actor
