from __future__ import annotations

from django import template

from amparo.core import geo

from .. import reference

register = template.Library()


@register.filter
def place(call: object) -> str:
    """ "Municipality, Department" of a call (codes from core.geo), or an empty string."""
    department = getattr(call, "department", "")
    municipality = getattr(call, "municipality", "")
    parts = [
        geo.municipality_name(municipality) if municipality else "",
        geo.department_name(department) if department else "",
    ]
    return ", ".join(p for p in parts if p)


@register.filter
def refcode(code: str) -> str:
    return reference.display(code) if code else ""
