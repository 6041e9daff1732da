"""The statistics table gives exactly the figures computed directly from the records, for any period and
filter, and the services keep it current in their own transaction."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db import transaction

from amparo.accounts.roles import Role
from amparo.cases import services as case_services
from amparo.cases.models import Case, TraffickingEvent
from amparo.people.services import person_update
from amparo.people.validation import PersonInput
from amparo.stats import aggregates as agg
from amparo.stats import facts, publish
from amparo.stats.aggregates import Filters, Period
from amparo.stats.models import CaseFact, FactBuild, FactCell, FactRollup
from amparo.stats.report import build_report
from tests.conftest import make_person

from .helpers import victim

pytestmark = pytest.mark.django_db

D = datetime.date
FIGURES = (
    agg.victims_total,
    agg.victims_by_year,
    agg.victims_by_sex_and_age,
    agg.victims_by_nationality,
    agg.victims_by_form,
    agg.victims_by_department,
    agg.victims_by_form_and_sex_age,
    agg.cases_by_status_determination,
)


def _random_world(world: Any, rng: random.Random, n: int) -> None:
    forms = ["SexualExploitation", "ForcedLabour", "ForcedBegging", "ForcedMarriage", "Other"]
    for _ in range(n):
        chosen = tuple(sorted(rng.sample(forms, rng.choice([0, 1, 1, 2]))))
        case = victim(
            world,
            opened=D(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 3 * 365)),
            gender=rng.choice(["Feminine", "Masculine", "NonSpecifiedUnknown", "TransgenderMasculine"]),
            age_group=rng.choice(["0-8", "9-17", "18-20", "30-38", "48+", ""]),
            nationality=rng.choice(["GT", "GT", "HN", "SV", ""]),
            forms=chosen,
            department=rng.choice(["01", "05", "09", ""]),
            status=rng.choice(["confirmed", "presumed", "possible", "not_a_victim"]),
            where=rng.choice(["home", "other"]),
        )
        if chosen and rng.random() < 0.3:  # exploited in a second department too (or again in the same)
            TraffickingEvent.objects.create(
                case=case, kind="exploitation", country="GT", department=rng.choice(["01", "13"]), forms=[]
            )
            facts.refresh_cases([case.pk])
        if rng.random() < 0.25:  # closed as a duplicate or in error (never counted), or a code that does not close
            status, code = rng.choice(CLOSURES)
            Case.objects.filter(pk=case.pk).update(status=status, closure_code=code)
            facts.refresh_cases([case.pk])


# (case status, closure code): the first two count nowhere; a code merely asked for (or left by a reopening)
# and a closure for a reason in words count as any case
CLOSURES = [("closed", "duplicate"), ("closed", "opened_in_error"), ("assistance", "duplicate"), ("closed", "")]


def _filters(world: Any, rng: random.Random) -> list[Filters]:
    periods = [
        Period(D(2010, 4, 1), D(2011, 3, 31)),  # a reporting period: whole months only
        Period(D(2010, 1, 1), D(2012, 12, 31)),
        Period(D(2010, 2, 17), D(2011, 9, 3)),  # edge days at both ends
        Period(D(2011, 6, 5), D(2011, 6, 20)),  # inside one month
        Period(D(2011, 6, 5), D(2011, 7, 31)),
    ]
    for _ in range(4):
        start = D(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
        periods.append(Period(start, start + datetime.timedelta(days=rng.randint(0, 400))))
    result = []
    for period in periods:
        result.append(Filters(period))
        result.append(Filters(period, institution_id=world.home.pk))
        result.append(Filters(period, department="01"))
        result.append(Filters(period, institution_id=world.other.pk, department="05"))
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_table_equals_direct_path_on_random_data(world: Any, seed: int) -> None:
    rng = random.Random(seed)
    _random_world(world, rng, 180)
    assert facts.in_use()
    checked = 0
    for filters in _filters(world, rng):
        for figure in FIGURES:
            from_table = figure(filters)
            with facts.direct_path():
                assert not facts.in_use()
                direct = figure(filters)
            assert from_table == direct, (figure.__name__, filters)
            checked += 1
        with facts.direct_path():
            direct_just = agg.cases_determined_by(filters, "NGO")
        assert agg.cases_determined_by(filters, "NGO") == direct_just
    assert checked == 36 * len(FIGURES)
    # counted by hand: identified, less those closed as duplicates or in error (both paths agreed above)
    wide = Filters(Period(D(2000, 1, 1), D(2100, 12, 31)))
    closed_out = {("closed", "duplicate"), ("closed", "opened_in_error")}
    cases = list(Case.objects.values_list("trafficking_status", "status", "closure_code"))
    assert agg.victims_total(wide) == sum(1 for s, *c in cases if s in agg.IDENTIFIED and tuple(c) not in closed_out)
    assert any(tuple(c) in closed_out for _s, *c in cases) and any(c == ["assistance", "duplicate"] for _s, *c in cases)


def test_published_charts_and_report_equal_direct_path(world: Any) -> None:
    _random_world(world, random.Random(7), 150)
    filters = Filters(Period(D(2010, 4, 1), D(2011, 3, 31)))
    for key in publish.DASHBOARD:
        table = publish.chart(key, filters, 3)
        with facts.direct_path():
            direct = publish.chart(key, filters, 3)
        assert (table.codes, table.series, table.table) == (direct.codes, direct.series, direct.table), key
    report = build_report(filters, threshold=3)
    with facts.direct_path():
        direct_report = build_report(filters, threshold=3)
    assert [(f.code, f.value) for s in report.sections for f in s.facts] == [
        (f.code, f.value) for s in direct_report.sections for f in s.facts
    ]


def test_incremental_table_equals_rebuilt_table(world: Any) -> None:
    _random_world(world, random.Random(3), 120)
    kept = sorted((facts.key_of(c), c.n) for c in FactCell.objects.all())  # type: ignore[arg-type]
    kept_facts = sorted((str(f.case_id), f.opened_on, facts.key_of(f)) for f in CaseFact.objects.all())
    kept_rollups = sorted(FactRollup.objects.values_list("grouping", "month", "org_id", "status", "value", "n"))
    assert len({r[0] for r in kept_rollups}) == len(facts.ROLLUPS)
    build = facts.rebuild()
    assert sorted(FactRollup.objects.values_list("grouping", "month", "org_id", "status", "value", "n")) == kept_rollups
    counted = agg.counted_cases().count()
    assert build.cases == counted and 90 < counted < Case.objects.count() == 120  # some closed as not counted
    assert sorted((facts.key_of(c), c.n) for c in FactCell.objects.all()) == kept  # type: ignore[arg-type]
    assert sorted((str(f.case_id), f.opened_on, facts.key_of(f)) for f in CaseFact.objects.all()) == kept_facts
    assert sum(n for _k, n in kept) == counted


def test_services_keep_the_table_current(world: Any) -> None:
    actor = world.actor(Role.CASEWORKER)
    period = Filters(Period(D(2000, 1, 1), D(2100, 12, 31)))
    person = make_person(actor, gender="Feminine", nationalities=["HN"])
    case = case_services.case_open(actor=actor, person_id=person.pk)
    assert agg.cases_by_status_determination(period) == {"possible": 1}
    assert agg.victims_total(period) == 0
    case_services.case_determine_status(actor=actor, case_id=case.pk, status="confirmed", determined_by="NGO")
    assert agg.victims_total(period) == 1
    assert agg.victims_by_nationality(period) == {"HN": 1}
    case_services.event_add(
        actor=actor,
        case_id=case.pk,
        data=case_services.EventInput(kind="exploitation", country="GT", department="05", forms=["ForcedLabour"]),
    )
    assert agg.victims_by_department(period) == {"05": 1}
    assert agg.victims_by_form(period)["ForcedLabour"] == 1
    assert agg.victims_total(Filters(period.period, department="05")) == 1
    person.refresh_from_db()
    data = PersonInput(
        given_names=person.given_names,
        surnames=person.surnames,
        gender="Masculine",
        nationalities=["SV"],
        documents=[],
    )
    person_update(actor=actor, person_id=person.pk, data=data, expected_version=person.version)
    assert agg.victims_by_sex(period) == {"M": 1}
    assert agg.victims_by_nationality(period) == {"SV": 1}
    assert FactCell.objects.get().n == 1  # the count moved; no empty cell left behind
    assert sorted(FactRollup.objects.values_list("grouping", "value", "n")) == [
        ("dept", "|05|", 1),
        ("forms", "|ForcedLabour|", 1),
        ("nationality", "SV", 1),
        ("sex_age", "M:" + CaseFact.objects.get().age_group, 1),
    ]
    case_services.case_determine_status(actor=actor, case_id=case.pk, status="not_a_victim", determined_by="NGO")
    assert agg.victims_total(period) == 0
    assert agg.cases_by_status_determination(period) == {"not_a_victim": 1}


def test_a_change_rolled_back_leaves_the_table_as_it_was(world: Any) -> None:
    actor = world.actor(Role.CASEWORKER)
    person = make_person(actor)
    case = case_services.case_open(actor=actor, person_id=person.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.case_determine_status(actor=actor, case_id=case.pk, status="confirmed", determined_by="NGO")
        assert FactCell.objects.get().status == "confirmed"
        raise RuntimeError("the rest of the request failed")
    assert CaseFact.objects.get().status == "possible"
    assert [(c.status, c.n) for c in FactCell.objects.all()] == [("possible", 1)]


def test_a_deleted_case_leaves_the_table(world: Any) -> None:
    case = victim(world, opened=D(2011, 5, 1))
    period = Filters(Period(D(2011, 1, 1), D(2011, 12, 31)))
    assert agg.victims_total(period) == 1
    TraffickingEvent.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).delete()
    facts.refresh_cases([case.pk])
    assert agg.victims_total(period) == 0
    assert not FactCell.objects.exists() and not CaseFact.objects.exists() and not FactRollup.objects.exists()


def test_without_a_build_the_figures_come_from_the_records(world: Any) -> None:
    FactBuild.objects.all().delete()
    Case.objects.all().delete()
    victim(world, opened=D(2011, 5, 1))
    CaseFact.objects.all().delete()
    FactCell.objects.all().delete()
    assert not facts.in_use()
    assert agg.victims_total(Filters(Period(D(2011, 1, 1), D(2011, 12, 31)))) == 1


def test_rebuild_command_stamps_the_freshness(world: Any) -> None:
    from django.core.management import call_command

    victim(world, opened=D(2011, 5, 1))
    FactCell.objects.all().delete()  # as after a bulk load that bypassed the services
    call_command("stats_rebuild", verbosity=0)
    build = facts.freshness()
    assert build is not None and build.cases == 1 and build.cells == 1
    assert agg.victims_total(Filters(Period(D(2011, 1, 1), D(2011, 12, 31)))) == 1


def test_dashboard_says_where_the_figures_come_from(world: Any, client: Any) -> None:
    from tests.conftest import login

    victim(world, opened=D(2011, 5, 1))
    login(client, world.user("statistician"))
    built = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    assert "rebuilt from the records on" in built
    FactBuild.objects.all().delete()
    direct = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    assert "computed directly from the records" in direct
