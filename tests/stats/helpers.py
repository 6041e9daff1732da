"""Hand-counted fixtures: victims created row by row with known categories, so each figure can be
checked against a count done by hand in the test."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from amparo.cases.models import Case, TraffickingEvent
from amparo.people.models import Person
from amparo.stats import facts

_counter = {"n": 0}


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=timezone.get_current_timezone())


def victim(
    world: Any,
    *,
    opened: datetime.date,
    gender: str = "Feminine",
    age_group: str = "9-17",
    nationality: str = "GT",
    forms: tuple[str, ...] = ("SexualExploitation",),
    department: str = "01",
    status: str = "confirmed",
    where: str = "home",
    given: str = "Ana",
) -> Case:
    _counter["n"] += 1
    org = world.home if where == "home" else world.other
    owner = world.user("caseworker", where)
    person = Person.objects.create(
        owner_org=org,
        given_names=given,
        surnames="Prueba",
        gender=gender,
        nationalities=[nationality] if nationality else [],
    )
    case = Case.objects.create(
        number=f"T-{_counter['n']}",
        person=person,
        owner_org=org,
        owner=owner,
        trafficking_status=status,
        age_group=age_group,
        status_determined_by="" if status == "possible" else "NGO",
        forms_index="|" + "|".join(forms) + "|" if forms else "",
        opened_at=at(opened),
    )
    if forms:
        TraffickingEvent.objects.create(
            case=case, kind="exploitation", country="GT", department=department, forms=list(forms)
        )
    facts.refresh_cases([case.pk])  # what the case services do in their transaction
    return case


def many(world: Any, n: int, **kwargs: Any) -> list[Case]:
    return [victim(world, **kwargs) for _ in range(n)]
