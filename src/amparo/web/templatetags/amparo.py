from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language

from amparo.accounts.roles import Role
from amparo.core import geo

register = template.Library()


@register.filter
def country(code: str) -> str:
    return geo.country_name(code, get_language() or "es") if code else ""


@register.filter
def countries(codes: Iterable[str]) -> str:
    return ", ".join(country(c) for c in codes or [])


@register.filter
def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


@register.filter
def exploitation_forms(codes: Iterable[str]) -> str:
    from amparo.cases.vocab import ExploitationForm

    return ", ".join(str(ExploitationForm(c).label) if c in ExploitationForm.values else c for c in codes or [])
