"""Demo cases never record anything dated after now, and nothing of a case before its opening."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from amparo.cases.demo import Batch, CaseNumbers, build_case
from amparo.cases.models import Case, Consent, ServiceDelivery, Task, TraffickingEvent
from amparo.people.demo import generate

pytestmark = pytest.mark.django_db


def _check(cases: list[Case], consents: list[Consent], deliveries: list[ServiceDelivery], tasks: list[Task]) -> None:
    now, today = timezone.now(), timezone.localdate()
    by_id = {case.pk: case for case in cases}
    for case in cases:
        assert case.opened_at <= now
        if case.status == "closed":
            assert case.closed_at is not None and case.opened_at < case.closed_at <= now, case.number
        else:
            assert case.closed_at is None
        if case.status_determined_at is not None:
            assert case.opened_at <= case.status_determined_at <= (case.closed_at or now), case.number
    for consent in consents:
        opened = timezone.localdate(by_id[consent.case_id].opened_at)
        assert opened <= consent.given_on <= today
    for delivery in deliveries:
        case = by_id[delivery.case_id]
        assert timezone.localdate(case.opened_at) <= delivery.start_date <= timezone.localdate(case.closed_at or now)
    for task in tasks:  # a task may be due later, not before its case existed
        assert task.due_date >= timezone.localdate(by_id[task.case_id].opened_at)


def test_built_demo_cases_have_no_date_after_now(world) -> None:
    today = timezone.localdate()
    numbers = CaseNumbers()
    batch = Batch()
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        for item in generate(600, seed, [world.home.pk, world.other.pk], today):
            build_case(
                rng, item.person, world.user("caseworker").pk, world.user("supervisor").pk, numbers, today, batch
            )
    rows = batch.rows
    cases = rows[Case]
    # Enough closed cases opened recently (under 400 days) for the old closure dates to have been in the future.
    recent = [c for c in cases if c.status == "closed" and c.opened_at > timezone.now() - datetime.timedelta(days=400)]
    assert len(recent) > 50
    _check(cases, rows[Consent], rows[ServiceDelivery], rows[Task])
    events = rows[TraffickingEvent]
    assert events and all(e.start_date <= today and (e.end_date is None or e.end_date <= today) for e in events)


def test_loaded_demo_data_has_no_case_date_after_now(world) -> None:
    call_command("demo_data", persons=200, seed=7, verbosity=0)
    cases = list(Case.objects.all())
    assert any(c.status == "closed" for c in cases)
    _check(cases, list(Consent.objects.all()), list(ServiceDelivery.objects.all()), list(Task.objects.all()))
    today = timezone.localdate()
    assert not TraffickingEvent.objects.filter(start_date__gt=today).exists()
    assert not TraffickingEvent.objects.filter(end_date__gt=today).exists()
