"""The case list with a record failing its integrity check: a marked placeholder in its row, reported once,
instead of a 500 for the whole list."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Task
from amparo.cases.selectors import CaseFilters, case_list
from amparo.cases.templatetags.case_rows import case_rows
from amparo.people.models import Person
from tests.conftest import login, make_person

TODAY = timezone.localdate()
UNREADABLE = "[unreadable: integrity check failed]"


def _cases_with_one_tampered_name(world):
    actor = world.actor("caseworker")
    alba = make_person(actor, given="Alba", surnames="Tzul")
    berta = make_person(actor, given="Berta", surnames="Coc")
    services.case_open(actor=actor, person_id=alba.pk)
    case = services.case_open(actor=actor, person_id=berta.pk)
    stolen = Person.objects.filter(pk=alba.pk).values_list("given_names", flat=True).get()
    Person.objects.filter(pk=berta.pk).update(given_names=stolen)
    return berta, case


@pytest.mark.django_db
def test_the_case_list_shows_a_placeholder_and_reports_the_person_once(world) -> None:
    berta, case = _cases_with_one_tampered_name(world)
    response = login(Client(), world.user("caseworker")).get("/cases/")
    assert response.status_code == 200
    page = response.content.decode()
    assert gettext(UNREADABLE) in page and case.number in page
    assert page.count("Alba Tzul") == 1  # her own row only
    failures = AuditEvent.objects.filter(action="person.integrity_failed")
    assert [(e.target_type, e.target_id) for e in failures] == [("person", str(berta.pk))]
    assert "Alba" not in str(failures.get().details)


@pytest.mark.django_db
def test_rows_rendered_without_the_view_do_not_fail_either(world) -> None:
    _cases_with_one_tampered_name(world)
    cases = case_list(actor=world.actor("caseworker"), filters=CaseFilters(scope="mine")).cases
    with translation.override("en"):
        built = case_rows(cases)
    assert UNREADABLE in built and "Alba Tzul" in built


@pytest.mark.django_db
def test_a_tampered_overdue_task_title_does_not_take_the_list_down(world) -> None:
    actor = world.actor("caseworker")
    person = make_person(actor)
    case = services.case_open(actor=actor, person_id=person.pk)
    user = world.user("caseworker")
    kept = services.task_create(actor=actor, case_id=case.pk, title="Visita", due_date=TODAY, assigned_to_id=user.pk)
    moved = services.task_create(actor=actor, case_id=case.pk, title="Cita", due_date=TODAY, assigned_to_id=user.pk)
    stolen = Task.objects.filter(pk=kept.pk).values_list("title", flat=True).get()
    Task.objects.filter(pk=moved.pk).update(title=stolen, due_date=TODAY - datetime.timedelta(days=2))
    Task.objects.filter(pk=kept.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    response = login(Client(), world.user("caseworker")).get("/cases/")
    assert response.status_code == 200
    page = response.content.decode()
    assert gettext(UNREADABLE) in page and page.count("Visita") == 1
    failures = AuditEvent.objects.filter(action="case.integrity_failed")
    assert [(e.target_type, e.target_id) for e in failures] == [("case", str(case.pk))]
