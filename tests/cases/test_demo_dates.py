"""Demo cases never record anything dated after now, and nothing of a case before its opening. What the models
date at the load (auto_now_add: status changes, screenings, risk assessments...) follows the case's own dates:
its history runs from the opening to the closure, the change to "closed" dated when the case closed."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from amparo.cases.demo import Batch, CaseNumbers, build_case
from amparo.cases.models import (
    Case,
    CaseStatusChange,
    Consent,
    RiskAssessment,
    Screening,
    ServiceDelivery,
    Task,
    TraffickingEvent,
)
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


def _check_history(cases: list[Case], stamped: dict[tuple[type, str], list[tuple[object, datetime.datetime]]]) -> None:
    """Each stamped row of a case lies between its opening and its closure (or now); the status changes run
    open -> ... -> the case's status, in order of time, the change to "closed" at the closing time."""
    now = timezone.now()
    by_id = {case.pk: case for case in cases}
    history: dict[object, list[CaseStatusChange]] = {}
    for (_model, name), rows in stamped.items():
        for row, when in rows:
            case = by_id[row.case_id]  # type: ignore[attr-defined]
            assert case.opened_at <= when <= (case.closed_at or now), (case.number, name)
            if isinstance(row, CaseStatusChange):
                history.setdefault(case.pk, []).append(row)
    for case in cases:
        changes = sorted(history.get(case.pk, []), key=lambda change: change.at)
        steps = [(c.from_status, c.to_status) for c in changes]
        chain = ["open", *[to for _from, to in steps]]
        assert steps == list(itertools.pairwise(chain)), case.number
        assert chain[-1] == case.status, case.number
        if case.status == "closed":
            assert changes[-1].at == case.closed_at, case.number


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
    for (_model, name), stamped in batch.stamps.items():  # put on the rows by save(), after bulk creation
        for row, when in stamped:
            setattr(row, name, when)
    _check_history(cases, batch.stamps)
    stamped = {(model, name) for model, name in batch.stamps}
    assert {(CaseStatusChange, "at"), (Screening, "screened_at"), (RiskAssessment, "assessed_at")} <= stamped
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
    # The dates the models set at the load were put back to each case's own.
    loaded = {
        (model, name): [(row, getattr(row, name)) for row in model.objects.all()]
        for model, name in [
            (CaseStatusChange, "at"),
            (Screening, "screened_at"),
            (RiskAssessment, "assessed_at"),
            (Consent, "recorded_at"),
            (TraffickingEvent, "created_at"),
            (ServiceDelivery, "recorded_at"),
        ]
    }
    assert all(loaded.values())
    _check_history(cases, loaded)
    closed = [c for c in cases if c.status == "closed"]
    assert closed and all(c.status_changes.get(to_status="closed").at == c.closed_at for c in closed)
    # Screened within hours of the opening, not on the day of the load.
    for screening in Screening.objects.select_related("case"):
        assert screening.screened_at - screening.case.opened_at <= datetime.timedelta(hours=2)


def test_demo_investigations_history_runs_from_the_opening_to_now(world) -> None:
    from amparo.justice.models import Investigation

    call_command("demo_data", persons=50, seed=7, verbosity=0)
    now = timezone.now()
    walked = 0
    for investigation in Investigation.objects.all():
        stamps = [change.at for change in investigation.status_changes.order_by("at")]
        opened = timezone.make_aware(datetime.datetime.combine(investigation.opened_on, datetime.time()))
        assert all(opened <= at <= now for at in stamps)
        assert stamps == sorted(set(stamps))
        if len(stamps) > 1:  # one step after the other over the months, not all at the load
            assert stamps[-1] - stamps[0] > datetime.timedelta(days=30)
            walked += 1
    assert walked
