"""The case list rows built in Python (templatetags/case_rows.py) are the rows the template loop built."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from amparo.cases import services
from amparo.cases.models import Case
from amparo.cases.selectors import CaseFilters, case_list
from amparo.cases.templatetags.case_rows import case_rows
from amparo.cases.vocab import CaseStatus, Priority, RiskLevel, TraffickingStatus
from amparo.core.choices import choice_label
from tests.conftest import make_person

# The loop the list template had before the rows were built in Python.
TEMPLATE_LOOP = """{% load i18n %}{% for c in cases %}
    <tr><td class="nowrap"><a href="{% url 'cases:detail' c.pk %}">{{ c.number }}</a>{% if c.minor_protocol %} <span class="badge warn">{% translate "minor" %}</span>{% endif %}</td>
      <td>{{ c.person.full_name }}</td>
      <td>{{ c.get_status_display }}{% if c.closure_requested %} <span class="badge">{% translate "closure requested" %}</span>{% endif %}</td>
      <td>{{ c.get_trafficking_status_display }}</td><td>{{ c.get_risk_level_display }}</td><td>{{ c.get_priority_display }}</td>
      <td class="nowrap">{{ c.opened_at|date:"SHORT_DATE_FORMAT" }}</td></tr>
  {% endfor %}"""  # noqa: E501


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_python_rows_equal_the_template_loop(world, language) -> None:
    actor = world.actor("caseworker")
    minor = make_person(actor, given='Ana <b>"Jo"</b>', surnames="Batz & Tzul", age_min=15, age_max=17)
    adult = make_person(actor, given="Rosa", surnames="Xicará", age_min=30, age_max=35)
    services.case_open(actor=actor, person_id=minor.pk)
    other = services.case_open(actor=actor, person_id=adult.pk)
    # 03:00 UTC on 2 January is still 1 January in Guatemala (UTC-6): the row must show the local date.
    late_evening = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
    Case.objects.filter(pk=other.pk).update(
        closure_requested=True, priority=Priority.HIGH, status=CaseStatus.ASSISTANCE, opened_at=late_evening
    )
    cases = case_list(actor=actor, filters=CaseFilters(scope="mine")).cases
    assert len(cases) == 2 and any(c.minor_protocol for c in cases) and any(c.closure_requested for c in cases)
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"cases": cases}))
        built = case_rows(cases)
    assert _squash(built) == _squash(expected)
    assert "01/01/2026" in built
    assert "&lt;b&gt;&quot;Jo&quot;&lt;/b&gt;" in built and "Batz &amp; Tzul" in built


@pytest.mark.parametrize("language", ["es", "en"])
def test_fast_labels_equal_djangos_display(language) -> None:
    enums = {
        "status": CaseStatus,
        "priority": Priority,
        "risk_level": RiskLevel,
        "trafficking_status": TraffickingStatus,
    }
    with translation.override(language):
        for name, enum in enums.items():
            field = Case._meta.get_field(name)
            for value in [v for v, _label in field.choices] + ["not-a-choice"]:
                case = Case(**{name: value})
                assert choice_label(enum, value) == getattr(case, f"get_{name}_display")(), (name, value)
