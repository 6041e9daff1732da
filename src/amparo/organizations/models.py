from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    """HTCDS 2.0 org_Type."""

    NGO = "NGO", _("Non-governmental organization")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthService", _("Health service")
    CENTRAL_GOVERNMENT = "CentralGovernment", _("Central government")
    LOCAL_GOVERNMENT = "LocalGovernment", _("Local government")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or college")
    INTERNATIONAL = "InternationalOrganization", _("International organization")


class Organization(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40)
    org_type = models.CharField(_("type"), max_length=40, choices=OrganizationType.choices)
    country = models.CharField(_("country"), max_length=2, default="GT")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.acronym or self.name


class Unit(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=60)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="unique_unit_code")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.organization} · {self.name}"
