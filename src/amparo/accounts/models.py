from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who works in Amparo. Staff identities are not victim identities: stored in clear."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=[("es", "Español"), ("en", "English")], default="es"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership_role")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal, revocable API token bound to one membership. Only its SHA-256 is stored."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
