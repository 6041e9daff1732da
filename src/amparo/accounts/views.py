from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.audit.services import audit_record
from amparo.core.exceptions import ValidationFailed
from amparo.core.views import actor_from, add_service_errors, requires

from . import selectors, services
from .actor import Actor
from .decorators import mark_reauthenticated, reauth_required, recently_reauthenticated
from .forms import (
    ApiTokenForm,
    LoginForm,
    MembershipGrantForm,
    PasswordChangeForm,
    ReauthForm,
    TokenForm,
    UserCreateForm,
    UserPasswordSetForm,
)
from .middleware import MEMBERSHIP_SESSION_KEY
from .models import User
from .roles import Perm


def _safe_next(request: HttpRequest, default: str = "web:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    audit_record(actor=Actor.for_system("anonymous"), action="auth.lockout")
    return render(request, "accounts/locked_out.html", status=429)


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The username or password is not correct."))
        else:
            login(request, user)
            if selectors.user_requires_two_factor(user=user):  # type: ignore[arg-type]
                return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': _safe_next(request)})}")
            return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.user_has_confirmed_totp(user=user):  # type: ignore[arg-type]
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _safe_next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].replace(" ", ""))
        actor = actor_from(request)
        if device is None:
            audit_record(actor=actor, action="auth.two_factor_failed", target_type="user", target_id=user.pk)
            form.add_error("token", _("The code is not valid or has already been used."))
        else:
            otp_login(request, device)
            audit_record(
                actor=actor,
                action="auth.login",
                target_type="user",
                target_id=user.pk,
                details={"device": type(device).__name__},
            )
            return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=5, dark="#111", light="#fff"))


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    enrolled = selectors.user_has_confirmed_totp(user=user)  # type: ignore[arg-type]
    if enrolled and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:two_factor_verify")
    if enrolled and not recently_reauthenticated(request):
        # Enrolling replaces the current authenticator and the recovery codes: confirm it is the user first.
        return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': request.get_full_path()})}")
    device = services.totp_device_start(user=user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = actor_from(request)
        try:
            codes = services.totp_device_confirm(actor=actor, device=device, token=form.cleaned_data["token"])
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret, "next": _safe_next(request)},
    )


@requires()
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    codes = services.recovery_codes_regenerate(actor=actor_from(request))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@requires()
def security_view(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    return render(request, "accounts/security.html", {"devices": devices})


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@requires()
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through the authentication backends: wrong passwords are audited and count towards the lockout.
        checked = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["current_password"]
        )
        if checked is None or checked.pk != request.user.pk:
            form.add_error("current_password", _("Your current password is not correct."))
            return render(request, "accounts/password_change.html", {"form": form})
        try:
            user = services.password_change(
                actor=actor_from(request),
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _("Your password was changed. Your other sessions were closed."))
            return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@sensitive_post_parameters("password", "token")
@requires()
def reauth_view(request: HttpRequest) -> HttpResponse:
    form = ReauthForm(request.POST or None)
    user = request.user
    needs_token = selectors.user_requires_two_factor(user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        ok = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) is not None
        if ok and needs_token:
            ok = match_token(user, form.cleaned_data["token"].replace(" ", "")) is not None
        audit_record(
            actor=actor_from(request),
            action="auth.reauth" if ok else "auth.reauth_failed",  # type: ignore[attr-defined]
            target_type="user",
            target_id=user.pk,
        )
        if ok:
            mark_reauthenticated(request)
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(None, _("Password or code not correct."))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "needs_token": needs_token, "next": _safe_next(request)},
    )


@requires()
@require_POST
def membership_switch(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("membership", "")
    wanted = int(raw) if raw.isdigit() else 0
    memberships = {m.pk: m for m in selectors.active_memberships(user=request.user)}  # type: ignore[arg-type]
    if wanted in memberships:
        request.session[MEMBERSHIP_SESSION_KEY] = wanted
        chosen = memberships[wanted]
        audit_record(
            actor=Actor(user=request.user, membership=chosen),  # type: ignore[arg-type]
            action="auth.membership_switch",
            target_type="membership",
            target_id=wanted,
        )
    return redirect("web:home")


# --- API tokens ---


@requires(Perm.API_TOKEN_OWN)
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_tokens_of(actor=actor_from(request))
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "form": ApiTokenForm()})


@requires(Perm.API_TOKEN_OWN)
@reauth_required
def api_token_create_view(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(actor=actor_from(request), name=form.cleaned_data["name"])  # type: ignore[attr-defined]
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            return render(request, "accounts/api_token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "accounts/api_tokens.html",
        {"tokens": selectors.api_tokens_of(actor=actor_from(request)), "form": form},
    )  # type: ignore[attr-defined]


@requires()
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(actor=actor_from(request), token_id=token_id)  # type: ignore[attr-defined]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")


# --- user management (administrators) ---


@requires(Perm.USER_MANAGE)
def user_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    users = selectors.user_list_visible_to(actor=actor_from(request), query=query)  # type: ignore[attr-defined]
    return render(request, "accounts/user_list.html", {"users": users, "q": query})


@sensitive_post_parameters("password")
@requires(Perm.USER_MANAGE)
def user_create_view(request: HttpRequest) -> HttpResponse:
    organization = request.membership.organization  # type: ignore[attr-defined]
    form = UserCreateForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor_from(request),
                username=data["username"],
                password=data["password"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                unit=data["unit"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("User %(username)s created.") % {"username": user.username})
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@sensitive_post_parameters("password")
@requires(Perm.USER_MANAGE)
def user_detail_view(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = actor_from(request)
    target = selectors.user_get_for_admin(actor=actor, user_id=user_id)
    if target is None:
        from django.http import Http404

        raise Http404()
    organization = request.membership.organization  # type: ignore[attr-defined]
    form = MembershipGrantForm(request.POST or None, organization=organization)
    if request.method == "POST":
        action = request.POST.get("action")
        membership_raw = request.POST.get("membership", "")
        password_form = UserPasswordSetForm(request.POST)
        try:
            if action == "grant" and form.is_valid():
                services.membership_grant(
                    actor=actor, user=target, role=form.cleaned_data["role"], unit=form.cleaned_data["unit"]
                )
                messages.success(request, _("Role granted."))
            elif action == "revoke" and membership_raw.isdigit():
                services.membership_revoke(actor=actor, membership_id=int(membership_raw))
                messages.success(request, _("Role removed."))
            elif action in {"activate", "deactivate"}:
                services.user_set_active(actor=actor, user=target, active=action == "activate")
                messages.success(request, _("Account updated."))
            elif action == "reset_2fa":
                services.user_reset_two_factor(actor=actor, user=target)
                messages.success(request, _("Two-factor devices removed: the user will enrol again."))
            elif action == "unlock":
                services.user_unlock(actor=actor, user=target)
                messages.success(request, _("Sign-in lock removed."))
            elif action == "set_password":
                if not password_form.is_valid():
                    raise ValidationFailed({"password": [_("Enter the new password.")]})
                services.user_set_password(actor=actor, user=target, password=password_form.cleaned_data["password"])
                messages.success(request, _("New password set: the user's open sessions were closed."))
            else:
                return render(
                    request,
                    "accounts/user_detail.html",
                    _user_context(target, organization, form),
                    status=400,
                )
            return redirect("accounts:user_detail", user_id=target.pk)
        except ValidationFailed as exc:
            for msgs in exc.errors.values():
                for msg in msgs:
                    messages.error(request, msg)
            return redirect("accounts:user_detail", user_id=target.pk)
    return render(request, "accounts/user_detail.html", _user_context(target, organization, form))


def _user_context(target: User, organization: Any, form: Any) -> dict[str, Any]:
    return {
        "target": target,
        "memberships": target.memberships.filter(organization=organization).select_related("unit"),
        "other_institutions": target.memberships.exclude(organization=organization).count(),
        "has_totp": selectors.user_has_confirmed_totp(user=target),
        "form": form,
        "password_form": UserPasswordSetForm(),
    }
