from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField


class ReportSection(models.TextChoices):
    """The structure of the yearly report the seed cable follows (US TIP questionnaire)."""

    OVERVIEW = "overview", _("Overview")
    PROSECUTION = "prosecution", _("Investigation and prosecution")
    PROTECTION = "protection", _("Protection and assistance")
    PREVENTION = "prevention", _("Prevention")
    BEST_PRACTICES = "best_practices", _("Best practices")


class ReportNarrative(models.Model):
    """What one institution writes for one section of the report of one period (only it edits it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # bound into the ciphertext
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    section = models.CharField(max_length=20, choices=ReportSection.choices)
    text = EncryptedTextField(_("narrative"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_start", "period_end", "section"], name="unique_report_narrative"
            )
        ]
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.section} {self.period_start}"


class _FactDimensions(models.Model):
    """The dimensions every victim figure groups or filters by (no identity: codes only)."""

    month = models.DateField()  # first day of the month of opening (local time)
    org_id = models.BigIntegerField()  # the owning institution
    status = models.CharField(max_length=20)  # trafficking status
    determined_by = models.CharField(max_length=30, blank=True)
    sex = models.CharField(max_length=1)  # F, M, U (see aggregates.sex_of)
    age_group = models.CharField(max_length=6, blank=True)  # CTDC broad group at opening, "" unknown
    nationality = models.CharField(max_length=3)  # first nationality recorded, "-99" none
    forms_index = models.CharField(max_length=300, blank=True)  # "|Form|Form|"
    dept_index = models.CharField(max_length=200, blank=True)  # "|01|05|": departments of exploitation

    class Meta:
        abstract = True


FACT_DIMENSIONS = (
    "month",
    "org_id",
    "status",
    "determined_by",
    "sex",
    "age_group",
    "nationality",
    "forms_index",
    "dept_index",
)


class CaseFact(_FactDimensions):
    """One row per case: where the case counts in the cube (so a change moves exactly one count), and the
    day of opening, for periods that do not start or end on a month boundary. Kept current in the
    transaction of every service that changes a case, its person or its events (`amparo.stats.facts`)."""

    case_id = models.UUIDField(primary_key=True)  # not a foreign key: a deleted case must still be subtracted
    opened_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["opened_on", "status"], name="stats_casefact_opened")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.month}"


class FactCell(_FactDimensions):
    """The pre-aggregated cube: number of cases per month and combination of dimensions."""

    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(FACT_DIMENSIONS), name="unique_fact_cell")]
        indexes = [models.Index(fields=["month", "status"], name="stats_factcell_month")]

    def __str__(self) -> str:
        return f"{self.month} {self.status}: {self.n}"


class FactBuild(models.Model):
    """When the statistics table was last rebuilt from the records (the freshness stamp). Without a row the
    figures are computed directly from the records."""

    built_at = models.DateTimeField()
    cases = models.PositiveIntegerField()
    cells = models.PositiveIntegerField()
    seconds = models.FloatField()

    def __str__(self) -> str:
        return f"{self.built_at:%Y-%m-%d %H:%M} ({self.cases} cases)"


class FactRollup(models.Model):
    """The cube rolled up to one breakdown at a time (no department): what the dashboard reads when it is
    not filtered by department, a few rows per month instead of one per combination of every dimension.
    ``grouping`` names the breakdown (see `amparo.stats.facts.ROLLUPS`) and ``value`` its code."""

    grouping = models.CharField(max_length=12)
    month = models.DateField()
    org_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    determined_by = models.CharField(max_length=30, blank=True)
    value = models.CharField(max_length=300, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "month", "org_id", "status", "determined_by", "value"], name="unique_fact_rollup"
            )
        ]
        indexes = [models.Index(fields=["grouping", "month", "status"], name="stats_factrollup_month")]

    def __str__(self) -> str:
        return f"{self.grouping} {self.month} {self.value}: {self.n}"
