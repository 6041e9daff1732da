"""The legal catalog: laws, articles, versions in time, penalty bands, increase rules, general provisions.

Everything here comes from the reviewed catalog file (amparo/law/data/guatemala.toml) through the loader;
nobody edits these rows by hand. Texts are kept in English and Spanish (``*_en``/``*_es``): the catalog is
data, so gettext does not translate it.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class RuleKind(models.TextChoices):
    INCREASE = "increase", _("Increase by a fraction")
    CORRESPONDING_CRIME = "corresponding_crime", _("Penalty of the corresponding crime (not computed)")
    NOTE = "note", _("Recorded, never computed")


class PenaltyKind(models.TextChoices):
    PRISON = "prison", _("Prison")
    FINE = "fine", _("Fine")
    BOTH = "both", _("Prison and fine")


def localized(obj: object, field: str) -> str:
    """The Spanish or English text of a catalog field, following the active language."""
    lang = (get_language() or "es")[:2]
    value = getattr(obj, f"{field}_{'es' if lang == 'es' else 'en'}", "")
    return str(value or getattr(obj, f"{field}_en", "") or "")


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the month or year a date stands for (the date itself at day precision)."""
    if precision == DatePrecision.YEAR:
        return datetime.date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        following = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    return day


class Law(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200)
    instrument = models.CharField(max_length=100, blank=True)
    source = models.TextField(blank=True)
    notes_en = models.TextField(blank=True)
    notes_es = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def notes(self) -> str:
        return localized(self, "notes")


class Provision(models.Model):
    """A general rule of application (the prison cap, the more favourable law...)."""

    code = models.SlugField(max_length=40, unique=True)
    reference_en = models.CharField(max_length=200)
    reference_es = models.CharField(max_length=200, blank=True)
    summary_en = models.TextField()
    summary_es = models.TextField()
    max_prison_days = models.PositiveIntegerField(null=True, blank=True)
    source = models.TextField(blank=True)
    verified = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def reference(self) -> str:
        """Where the rule is written ("Código Penal, art. 44"), in the active language."""
        return localized(self, "reference")


class Article(models.Model):
    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="articles")
    number = models.CharField(max_length=20)  # "194", "202 Ter"
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["law__position", "position"]
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="law_article_unique_number")]

    def __str__(self) -> str:
        return f"{self.law.code}:{self.number}"

    @property
    def ref(self) -> str:
        """The article's reference in the API and forms: ``penal-code:202 Ter``."""
        return f"{self.law.code}:{self.number}"

    @property
    def title(self) -> str:
        return localized(self, "title")


class ArticleVersion(models.Model):
    """The article's text and penalties over one period. ``effective_to`` is the first day it no longer
    applies (null: still in force). With month or year precision the exact change day is unknown."""

    code = models.SlugField(max_length=60, unique=True)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField()
    effective_from_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default="day")
    effective_to = models.DateField(null=True, blank=True)
    effective_to_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default="day")
    dates_verified = models.BooleanField(default=False)
    confirmed_on = models.DateField(null=True, blank=True, help_text="A day a source confirms it was in force.")
    amended_by = models.ForeignKey(Law, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    successor = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="Where the offence continued when this version ended in another article.",
    )
    summary_en = models.TextField()
    summary_es = models.TextField()
    notes_en = models.TextField(blank=True)
    notes_es = models.TextField(blank=True)
    source = models.TextField()
    verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["article__law__position", "article__position", "effective_from"]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def notes(self) -> str:
        return localized(self, "notes")

    @property
    def from_last(self) -> datetime.date:
        """The latest day the version may have started."""
        return period_end(self.effective_from, self.effective_from_precision)

    @property
    def to_last(self) -> datetime.date | None:
        """The latest day the version may have ended (exclusive)."""
        if self.effective_to is None:
            return None
        return period_end(self.effective_to, self.effective_to_precision)

    def possibly_in_force(self, day: datetime.date) -> bool:
        to_last = self.to_last
        return self.effective_from <= day and (to_last is None or day < to_last)

    def certainly_in_force(self, day: datetime.date) -> bool:
        return self.from_last <= day and (self.effective_to is None or day < self.effective_to)

    @property
    def is_offence(self) -> bool:
        """Has a penalty of its own (else it only raises other articles' penalties)."""
        return any(True for _band in self.bands.all())


class PenaltyBand(models.Model):
    """One penalty of a version; several when it depends on the victim's age or other circumstances."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(max_length=40)
    label_en = models.CharField(max_length=200, blank=True)
    label_es = models.CharField(max_length=200, blank=True)
    prison_min_days = models.PositiveIntegerField(null=True, blank=True)
    prison_max_days = models.PositiveIntegerField(null=True, blank=True)
    fine_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    victim_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    victim_age_max = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Exclusive.")
    when_all = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="law_band_unique_code")]

    def __str__(self) -> str:
        return f"{self.version.code}/{self.code}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def depends_on_age(self) -> bool:
        return self.victim_age_min is not None or self.victim_age_max is not None


class IncreaseRule(models.Model):
    """An increase (or a recorded consequence) stated in ``version``'s text, for the articles of the same
    law listed in ``applies_to``, triggered by any of the circumstance codes in ``when_any``."""

    code = models.SlugField(max_length=60, unique=True)
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=20, choices=RuleKind.choices, default=RuleKind.INCREASE)
    fraction_num = models.PositiveSmallIntegerField(null=True, blank=True)
    fraction_den = models.PositiveSmallIntegerField(null=True, blank=True)
    penalty = models.CharField(max_length=6, choices=PenaltyKind.choices, default=PenaltyKind.BOTH)
    applies_to = models.JSONField(default=list)
    when_any = models.JSONField(default=list)
    group = models.CharField(max_length=40, blank=True)
    label_en = models.CharField(max_length=300)
    label_es = models.CharField(max_length=300)
    notes_en = models.TextField(blank=True)
    notes_es = models.TextField(blank=True)
    source = models.TextField()
    verified = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version__article__law__position", "version__article__position", "position"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def notes(self) -> str:
        return localized(self, "notes")

    @property
    def fraction(self) -> Fraction | None:
        if self.fraction_num is None or not self.fraction_den:
            return None
        return Fraction(self.fraction_num, self.fraction_den)
