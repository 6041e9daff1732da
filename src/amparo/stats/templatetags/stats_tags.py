from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from amparo.stats.publish import Chart, bar_svg, shown

register = template.Library()


@register.simple_tag
def chart_svg(chart: Chart) -> SafeString:
    return bar_svg(chart)


@register.filter
def cell(value: int | None, threshold: int) -> str:
    return shown(value, threshold)


@register.filter
def fact_text(fact: object, threshold: int) -> str:
    """A report fact as published, with its marker."""
    return fact.shown(threshold)  # type: ignore[attr-defined]
