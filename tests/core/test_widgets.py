"""FastSelect renders what Django's Select renders (same options, values, labels, escaping, selection)."""

from __future__ import annotations

import re

from django import forms
from django.utils.safestring import mark_safe

from amparo.core.widgets import FastSelect

CHOICES = [
    ("", "—"),
    ("a&b", 'Tom & "Jerry" <x>'),
    ("GT", "Guatemala"),
    ("safe", mark_safe("<em>already safe</em>")),
    (3, "Three"),
]


def _options(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", o) for o in re.findall(r"<option[^>]*>.*?</option>", html, flags=re.S)]


def test_fast_select_equals_django_select() -> None:
    for value in (None, "", "a&b", "GT", 3, "safe"):
        fast = FastSelect(choices=CHOICES, attrs={"id": "id_x"}).render("x", value)
        slow = forms.Select(choices=CHOICES, attrs={"id": "id_x"}).render("x", value)
        assert _options(fast) == [o.replace(' selected=""', " selected") for o in _options(slow)], value
        assert fast.startswith('<select id="id_x" name="x">') and 'name="x"' in slow
    assert "Tom &amp; &quot;Jerry&quot; &lt;x&gt;" in FastSelect(choices=CHOICES).render("x", None)
    assert "<em>already safe</em>" in FastSelect(choices=CHOICES).render("x", None)
