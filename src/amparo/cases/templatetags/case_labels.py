"""Labels for the codes a trafficking event stores (places, means of control): the case page shows names."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from amparo.cases.vocab import MeansOfControl
from amparo.core import geo
from amparo.core.choices import choice_label

register = template.Library()


@register.filter
def department_label(code: str) -> str:
    return geo.department_name(code) or code


@register.filter
def municipality_label(code: str) -> str:
    return geo.municipality_name(code) or code


@register.filter
def means_of_control(codes: Iterable[str]) -> str:
    return ", ".join(choice_label(MeansOfControl, c) for c in codes or [])
