"""Fast labels for choice fields.

Django's generated ``get_FOO_display`` rebuilds a dict of the field's whole choice list on every call,
hashing each lazy label (which translates it): about 0.1 ms per call, 200 calls on a 50-row case list.
The enum already maps values to members, so the label is one dictionary lookup away.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """What ``get_FOO_display`` returns: the translated label, or the raw value if it is not a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return "" if value is None else str(value)
