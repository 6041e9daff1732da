"""Writes for users, memberships, two-factor devices and API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.organizations.models import Organization, Unit

from .actor import Actor
from .models import ApiToken, Membership, User
from .roles import Perm, Role, role_allowed_in

RECOVERY_CODE_COUNT = 10


def _require(actor: Actor, perm: str) -> None:
    if not actor.has(perm):
        raise PermissionDenied()


def _role_errors(organization: Organization, role: str) -> list[str]:
    """Why this institution may not hold the role (the rule: roles.ROLE_HOLDERS), or nothing."""
    if role not in Role.values:
        return [_("Choose a valid role.")]
    if not role_allowed_in(role, organization):
        return [
            _("%(institution)s cannot hold the role %(role)s: it carries powers reserved to other institutions.")
            % {"institution": organization, "role": Role(role).label}
        ]
    return []


def _check_unit(organization: Organization, unit: Unit | None) -> None:
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationFailed({"unit": [_("The unit does not belong to the institution.")]})


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    unit: Unit | None = None,
) -> User:
    """An administrator creates a user in the administrator's own institution."""
    _require(actor, Perm.USER_MANAGE)
    assert actor.membership is not None
    organization = actor.membership.organization
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    role_errors = _role_errors(organization, role)
    if role_errors:
        errors["role"] = role_errors
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    _check_unit(organization, unit)
    candidate.set_password(password)
    candidate.save()
    membership = Membership.objects.create(user=candidate, organization=organization, unit=unit, role=role)
    audit_record(actor=actor, action="user.create", target_type="user", target_id=candidate.pk)
    audit_record(
        actor=actor,
        action="membership.grant",
        target_type="membership",
        target_id=membership.pk,
        details={"user_id": candidate.pk, "role": role, "organization_id": organization.pk},
    )
    return candidate


def _require_account_managed_here(actor: Actor, user: User) -> None:
    """Account-wide actions (activate, deactivate, reset two-factor, unlock, set a password) reach every
    institution the user works for: an administrator may take them only for an account that works here and
    nowhere else. A former member, or a member who also works for another institution, is managed through
    their roles here (the other institution's administrator keeps control of the account)."""
    memberships = Membership.objects.filter(user=user, is_active=True)
    if not memberships.filter(organization_id=actor.org_pk).exists():
        raise NotFound()
    if memberships.exclude(organization_id=actor.org_pk).exists():
        raise ValidationFailed(
            {
                "user": [
                    _(
                        "This account also works for another institution: only its roles here can be changed. "
                        "Ask that institution's administrator for the rest."
                    )
                ]
            }
        )


def _managed_membership(actor: Actor, membership_id: int) -> Membership:
    membership = Membership.objects.filter(pk=membership_id, organization_id=actor.org_pk).first()
    if membership is None:
        raise NotFound()
    return membership


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, role: str, unit: Unit | None = None) -> Membership:
    _require(actor, Perm.USER_MANAGE)
    assert actor.membership is not None
    if not Membership.objects.filter(user=user, organization_id=actor.org_pk).exists():
        raise NotFound()  # only users already in the administrator's institution
    if user.pk == actor.user_id:
        # Administrators manage users, not case content: a role for oneself is granted by another administrator.
        raise ValidationFailed({"role": [_("You cannot grant a role to yourself: ask another administrator.")]})
    role_errors = _role_errors(actor.membership.organization, role)
    if role_errors:
        raise ValidationFailed({"role": role_errors})
    _check_unit(actor.membership.organization, unit)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=actor.membership.organization, role=role, defaults={"unit": unit}
    )
    if not created and membership.is_active and membership.unit_id == (unit.pk if unit else None):
        raise ValidationFailed({"role": [_("The user already has this role here: nothing changed.")]})
    if not created:
        membership.is_active = True
        membership.unit = unit
        membership.save(update_fields=["is_active", "unit"])
    audit_record(
        actor=actor,
        action="membership.grant",
        target_type="membership",
        target_id=membership.pk,
        details={"user_id": user.pk, "role": role, "organization_id": membership.organization_id},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership_id: int) -> Membership:
    _require(actor, Perm.USER_MANAGE)
    membership = _managed_membership(actor, membership_id)
    if membership.user_id == actor.user_id and membership.role == Role.ADMINISTRATOR:
        raise ValidationFailed({"role": [_("You cannot remove your own administrator role.")]})
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action="membership.revoke",
        target_type="membership",
        target_id=membership.pk,
        details={"user_id": membership.user_id, "role": membership.role},
    )
    return membership


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    _require(actor, Perm.USER_MANAGE)
    _require_account_managed_here(actor, user)
    if user.pk == actor.user_id and not active:
        raise ValidationFailed({"is_active": [_("You cannot deactivate yourself.")]})
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target_type="user",
        target_id=user.pk,
    )
    return user


@transaction.atomic
def user_reset_two_factor(*, actor: Actor, user: User) -> None:
    """Remove a user's devices (lost phone): they enrol again at next sign-in."""
    _require(actor, Perm.USER_MANAGE)
    _require_account_managed_here(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.two_factor_reset", target_type="user", target_id=user.pk)


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> None:
    from axes.utils import reset

    _require(actor, Perm.USER_MANAGE)
    _require_account_managed_here(actor, user)
    reset(username=user.username)
    audit_record(actor=actor, action="user.unlock", target_type="user", target_id=user.pk)


def _password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    """An administrator gives a user a new password (forgotten password): every session of the user ends."""
    _require(actor, Perm.USER_MANAGE)
    _require_account_managed_here(actor, user)
    if user.pk == actor.user_id:
        raise ValidationFailed({"password": [_("Change your own password on your security page.")]})
    errors = _password_errors(password, user)
    if errors:
        raise ValidationFailed({"password": errors})
    user.set_password(password)  # the session hash changes: Django ends the user's open sessions
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_set", target_type="user", target_id=user.pk)
    return user


@transaction.atomic
def password_change(*, actor: Actor, current_password: str, new_password: str) -> User:
    """The user changes their own password; their other sessions end (the caller keeps the current one).
    Screens check the current password through ``authenticate`` first, so failures count towards the lockout
    and are audited like any failed sign-in."""
    user = actor.user
    if user is None or not user.is_active:
        raise PermissionDenied()
    if not user.check_password(current_password):
        raise ValidationFailed({"current_password": [_("Your current password is not correct.")]})
    if current_password == new_password:
        raise ValidationFailed({"new_password": [_("The new password must be different from the current one.")]})
    errors = _password_errors(new_password, user)
    if errors:
        raise ValidationFailed({"new_password": errors})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="auth.password_changed", target_type="user", target_id=user.pk)
    return user


# --- two-factor enrolment (the user acts on their own account) ---


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Amparo TOTP", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns fresh recovery codes (shown once)."""
    if device.user_id != actor.user_id or device.confirmed:
        raise PermissionDenied()
    if not device.verify_token(token):
        raise ValidationFailed({"token": [_("The code is not valid. Check the time on your phone.")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=actor.user_pk).exclude(pk=device.pk).delete()
    codes = recovery_codes_regenerate_unaudited(user=device.user)
    audit_record(actor=actor, action="auth.two_factor_enrolled", target_type="user", target_id=actor.user_id)
    return codes


def recovery_codes_regenerate_unaudited(*, user: User) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: Actor) -> list[str]:
    assert actor.user is not None
    codes = recovery_codes_regenerate_unaudited(user=actor.user)
    audit_record(actor=actor, action="auth.recovery_codes_regenerated", target_type="user", target_id=actor.user_id)
    return codes


# --- API tokens ---

TOKEN_PREFIX = "amp_"


@transaction.atomic
def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret value, which is shown once and never stored."""
    _require(actor, Perm.API_TOKEN_OWN)
    assert actor.membership is not None
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": [_("Give the token a name.")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=actor.membership, name=name[:100], prefix=raw[:12], digest=ApiToken.digest_of(raw)
    )
    audit_record(actor=actor, action="api_token.create", target_type="api_token", target_id=token.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, membership__user_id=actor.user_pk).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target_type="api_token", target_id=token.pk)
    return token


@transaction.atomic
def admin_create_initial(*, username: str, password: str, organization: Organization, email: str = "") -> User:
    """`amparo createadmin`: the first administrator of an institution (no acting user yet)."""
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    candidate = User(username=username, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    role_errors = _role_errors(organization, Role.ADMINISTRATOR)
    if role_errors:
        errors["role"] = role_errors
    if errors:
        raise ValidationFailed(errors)
    candidate.set_password(password)
    candidate.save()
    membership = Membership.objects.create(user=candidate, organization=organization, role=Role.ADMINISTRATOR)
    actor = Actor.for_system("cli:createadmin")
    audit_record(actor=actor, action="user.create", target_type="user", target_id=candidate.pk)
    audit_record(
        actor=actor,
        action="membership.grant",
        target_type="membership",
        target_id=membership.pk,
        details={"user_id": candidate.pk, "role": Role.ADMINISTRATOR, "organization_id": organization.pk},
    )
    return candidate
