from __future__ import annotations

from typing import Any

from django import template

from amparo.law.calculator import format_money, fraction_text, period_text, version_period
from amparo.law.calculator import format_term as _format_term
from amparo.law.circumstances import label

register = template.Library()


@register.filter
def term(days: int | None) -> str:
    return "" if days is None else _format_term(int(days))


@register.filter
def money(amount: Any) -> str:
    """An amount in quetzales, localized with thousands grouped (Q300 000,00 / Q300,000.00); "—" for none."""
    return "—" if amount is None or amount == "" else format_money(amount)


@register.filter
def circumstance_labels(codes: list[str]) -> str:
    return "; ".join(label(code) for code in codes)


@register.filter
def fraction(rule: Any) -> str:
    return fraction_text(rule.fraction)


@register.filter
def period(version: Any) -> str:
    return version_period(version)


@register.filter
def precise_date(day: Any, precision: str) -> str:
    return period_text(day, precision)
