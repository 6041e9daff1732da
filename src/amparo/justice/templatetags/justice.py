from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from amparo.core import geo
from amparo.people.models import Gender

register = template.Library()


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def department(code: str) -> str:
    return geo.department_name(code) or code


@register.filter
def gender_label(code: str) -> str:
    return str(Gender(code).label) if code in Gender.values else ""


ACCESS_LABELS = {
    "view": _("viewed"),
    "list": _("listed"),
    "edit": _("changed"),
    "screening": _("on-site screening"),
    "access_log": _("access log"),
}


@register.filter
def access_label(code: str) -> str:
    return str(ACCESS_LABELS.get(code, code))
