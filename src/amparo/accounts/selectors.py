from __future__ import annotations

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.core.exceptions import PermissionDenied

from .actor import Actor
from .models import ApiToken, Membership, User
from .roles import Perm, role_requires_two_factor


def active_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization", "unit")
        .order_by("organization__name", "role")
    )


def user_requires_two_factor(*, user: User) -> bool:
    return any(role_requires_two_factor(m.role) for m in active_memberships(user=user))


def user_has_confirmed_totp(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_list_visible_to(*, actor: Actor, query: str = "") -> QuerySet[User]:
    """Users with a membership in the administrator's institution."""
    if not actor.has(Perm.USER_MANAGE):
        raise PermissionDenied()
    users = User.objects.filter(memberships__organization_id=actor.org_pk).distinct()
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    return users.order_by("username").prefetch_related("memberships__organization")


def user_get_for_admin(*, actor: Actor, user_id: int) -> User | None:
    return user_list_visible_to(actor=actor).filter(pk=user_id).first()


def api_tokens_of(*, actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership__user_id=actor.user_pk).select_related("membership__organization")
