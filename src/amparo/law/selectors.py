"""Reads of the legal catalog. The catalog is public law: every signed-in user may read it, so these
selectors need no actor; the calculator's permission is checked by its views."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from amparo.core.exceptions import ValidationFailed

from .models import Article, ArticleVersion, IncreaseRule, Law, PenaltyBand, Provision


def catalog_laws() -> QuerySet[Law]:
    """Laws with their articles, versions, bands and rules, for the browse screen and the API."""
    versions = (
        ArticleVersion.objects.select_related("amended_by", "successor__law")
        .prefetch_related(Prefetch("bands", queryset=PenaltyBand.objects.all()))
        .prefetch_related(Prefetch("rules", queryset=IncreaseRule.objects.all()))
        .order_by("effective_from")
    )
    articles = Article.objects.prefetch_related(Prefetch("versions", queryset=versions))
    return Law.objects.prefetch_related(Prefetch("articles", queryset=articles))


def provisions() -> QuerySet[Provision]:
    return Provision.objects.all()


def offence_articles() -> list[Article]:
    """Articles with a penalty of their own (the ones a charge or a calculation can name)."""
    articles = Article.objects.select_related("law").prefetch_related("versions__bands")
    return [a for a in articles if any(v.is_offence for v in a.versions.all())]


def article_by_ref(ref: str) -> Article | None:
    law, _sep, number = ref.partition(":")
    return Article.objects.select_related("law").filter(law__code=law, number=number).first()


def versions_in_force(article: Article, on: datetime.date) -> list[ArticleVersion]:
    """Versions that may have been in force on ``on`` (two when the day falls where the change day is unknown)."""
    versions = ArticleVersion.objects.filter(article=article).select_related("article__law", "successor__law")
    return [v for v in versions.order_by("effective_from") if v.possibly_in_force(on)]


def version_in_force(article: Article, on: datetime.date) -> ArticleVersion:
    """The version of ``article`` in force on the offence date ``on`` (the earlier one when the change day is
    not known: the calculator shows both). ValidationFailed, on the field ``offence_date``, when none is."""
    from .calculator import _not_in_force_message

    found = versions_in_force(article, on)
    if not found:
        versions = list(ArticleVersion.objects.filter(article=article).select_related("successor__law"))
        versions.sort(key=lambda v: v.effective_from)
        raise ValidationFailed({"offence_date": [_not_in_force_message(article, versions, on)]})
    return found[0]
