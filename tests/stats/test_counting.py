"""What a victim figure counts: never a case closed as opened in error or as a duplicate (in every figure, the
statistics table and the exports, from the approval of that closure until the case is reopened), and cases,
not persons; beside them, the distinct persons (across institutions and merged records)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amparo.cases import services as case_services
from amparo.cases.models import Case
from amparo.cases.vocab import ClosureCode
from amparo.linkage import services as linkage_services
from amparo.linkage.models import CandidatePair, LinkageRun, PersonMerge, RunStatus
from amparo.people.models import Person
from amparo.stats import aggregates as agg
from amparo.stats import exports, facts, publish
from amparo.stats.aggregates import Filters, Period
from amparo.stats.models import CaseFact, FactCell
from amparo.stats.report import build_report
from tests.conftest import login, make_person

from .helpers import at, victim

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
RECENT = Filters(Period(TODAY - datetime.timedelta(days=40), TODAY))
QUERY = f"start={RECENT.period.start.isoformat()}&end={TODAY.isoformat()}"


def _figures(filters: Filters) -> dict[str, Any]:
    return {
        "total": agg.victims_total(filters),
        "year": agg.victims_by_year(filters),
        "sex_age": agg.victims_by_sex_and_age(filters),
        "nationality": agg.victims_by_nationality(filters),
        "form": agg.victims_by_form(filters),
        "status": agg.cases_by_status_determination(filters),
        "by_ngo": agg.cases_determined_by(filters, "NGO"),
        "persons": agg.distinct_persons(filters),
    }


def _same_both_ways(filters: Filters) -> dict[str, Any]:
    """The figures from the statistics table, checked against the records read directly."""
    from_table = _figures(filters)
    with facts.direct_path():
        assert _figures(filters) == from_table
    return from_table


def _victim_in_assistance(world: Any, given: str) -> Case:
    """A confirmed victim opened today through the services, screened, with consent, in assistance."""
    actor = world.actor("caseworker")
    person = make_person(
        actor, given, "Tzul Coc", gender="Feminine", date_of_birth=TODAY.replace(year=TODAY.year - 30), documents=[]
    )
    case = case_services.case_open(actor=actor, person_id=person.pk)
    case_services.screening_record(actor=actor, case_id=case.pk, answers={})
    case_services.case_determine_status(actor=actor, case_id=case.pk, status="confirmed", determined_by="NGO")
    case_services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    case_services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    return Case.objects.get(pk=case.pk)


def _dashboard(world: Any) -> str:
    response = login(Client(), world.user("statistician")).get(f"/stats/?{QUERY}")
    assert response.status_code == 200
    return response.content.decode()


def _htcds_numbers(world: Any) -> set[str]:
    return {row["cas_CaseId"] for row in exports.htcds_rows(world.actor("supervisor"))}


def _cube_total() -> int:
    return sum(FactCell.objects.values_list("n", flat=True))


def test_a_duplicate_counts_nowhere_from_its_approval_until_it_is_reopened(world: Any, settings: Any) -> None:
    settings.STATS_SUPPRESSION_THRESHOLD = 1  # no suppression: every count as it is
    kept = _victim_in_assistance(world, "Ana")
    duplicate = _victim_in_assistance(world, "Rosa")
    for case in (kept, duplicate):
        case_services.service_deliver(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            service_type="medical",
            provider_id=world.home.pk,
            start_date=TODAY,
        )
    counted = _same_both_ways(RECENT)
    assert counted["total"] == 2 and counted["persons"] == 2
    report = {f.code: f.value for s in build_report(RECENT, threshold=1).sections for f in s.facts}
    assert (report["victims"], report["persons"], report["service_medical"]) == (2, 2, 2)
    assert counted["year"] == {str(TODAY.year): 2} and counted["status"] == {"confirmed": 2}
    assert sum(counted["sex_age"].values()) == 2 and counted["by_ngo"] == 2
    worker, supervisor = world.actor("caseworker"), world.actor("supervisor")

    # Asked for, or sent back: the case is not closed, it still counts.
    case_services.case_request_closure(actor=worker, case_id=duplicate.pk, code=ClosureCode.DUPLICATE)
    assert _same_both_ways(RECENT) == counted
    case_services.case_review_closure(actor=supervisor, case_id=duplicate.pk, approve=False, comment="Revisar")
    assert _same_both_ways(RECENT) == counted
    case_services.case_request_closure(actor=worker, case_id=duplicate.pk, code=ClosureCode.DUPLICATE)

    # Approved: gone from every figure, the table, the dashboard, the report and the exports.
    case_services.case_review_closure(actor=supervisor, case_id=duplicate.pk, approve=True)
    closed = _same_both_ways(RECENT)
    assert closed["total"] == 1 and closed["persons"] == 1
    assert closed["year"] == {str(TODAY.year): 1} and closed["status"] == {"confirmed": 1}
    assert sum(closed["sex_age"].values()) == 1 and closed["by_ngo"] == 1
    assert not CaseFact.objects.filter(case_id=duplicate.pk).exists() and _cube_total() == 1
    body = _dashboard(world)
    assert 'id="victims-total">1<' in body and 'id="persons-total">1<' in body
    assert "Counted per case" in body
    report = {f.code: f.value for s in build_report(RECENT, threshold=1).sections for f in s.facts}
    assert (report["victims"], report["persons"], report["service_medical"]) == (1, 1, 1)
    assert _htcds_numbers(world) == {kept.number}
    assert len(exports.ctdc_source_rows(RECENT)) == 1
    assert publish.chart("victims_sex_age", RECENT, 1).table.total == 1  # type: ignore[union-attr]

    # The incrementally kept table is the one a rebuild gives.
    cells = sorted((facts.key_of(c), c.n) for c in FactCell.objects.all())  # type: ignore[arg-type]
    assert facts.rebuild().cases == 1
    assert sorted((facts.key_of(c), c.n) for c in FactCell.objects.all()) == cells  # type: ignore[arg-type]

    # Reopened (its closure code stays on the case): it counts again, everywhere.
    case_services.case_transition(actor=worker, case_id=duplicate.pk, to_status="assistance", reason="No era duplicado")
    assert Case.objects.get(pk=duplicate.pk).closure_code == ClosureCode.DUPLICATE
    assert _same_both_ways(RECENT) == counted
    assert CaseFact.objects.filter(case_id=duplicate.pk).exists() and _cube_total() == 2
    assert 'id="victims-total">2<' in _dashboard(world)
    assert _htcds_numbers(world) == {kept.number, duplicate.number}


def test_a_case_opened_in_error_leaves_the_cases_by_status(world: Any) -> None:
    worker = world.actor("caseworker")
    person = make_person(worker, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    case = case_services.case_open(actor=worker, person_id=person.pk)  # possible: a case, not a victim
    assert _same_both_ways(RECENT)["status"] == {"possible": 1}
    case_services.case_request_closure(actor=worker, case_id=case.pk, code=ClosureCode.OPENED_IN_ERROR)
    case_services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert _same_both_ways(RECENT)["status"] == {}
    assert not CaseFact.objects.exists() and not FactCell.objects.exists()
    assert publish.chart("cases_status", RECENT, 1).empty


def test_a_case_closed_for_a_reason_in_words_still_counts(world: Any) -> None:
    case = _victim_in_assistance(world, "Ana")
    worker = world.actor("caseworker")
    case_services.case_request_closure(actor=worker, case_id=case.pk, reason="Reintegrada")
    case_services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert _same_both_ways(RECENT)["total"] == 1


# ------------------------------------------------------------------------------------ distinct persons

PERIOD = Filters(Period(D(2011, 4, 1), D(2012, 3, 31)))


def _second_case(world: Any, person: Person, *, where: str, opened: datetime.date) -> Case:
    """Another case of the same person record (as when two institutions assist the same person)."""
    org = world.home if where == "home" else world.other
    case = Case.objects.create(
        number=f"T-{person.pk.hex[:6]}-{where}",
        person=person,
        owner_org=org,
        owner=world.user("caseworker", where),
        trafficking_status="confirmed",
        age_group="18-20",
        status_determined_by="NGO",
        opened_at=at(opened),
    )
    facts.refresh_cases([case.pk])
    return case


def test_a_person_assisted_by_two_institutions_is_two_victims_and_one_person(world: Any) -> None:
    first = victim(world, opened=D(2011, 5, 1))
    _second_case(world, first.person, where="other", opened=D(2011, 9, 1))
    victim(world, opened=D(2011, 6, 1), given="Rosa")  # somebody else
    figures = _same_both_ways(PERIOD)
    assert (figures["total"], figures["persons"]) == (3, 2)
    home, other = (Filters(PERIOD.period, institution_id=org.pk) for org in (world.home, world.other))
    assert (agg.victims_total(home), agg.distinct_persons(home)) == (2, 2)
    assert (agg.victims_total(other), agg.distinct_persons(other)) == (1, 1)
    # the period too: the second case opened before the period leaves the person counted once, by the first
    before = Filters(Period(D(2011, 4, 1), D(2011, 7, 31)))
    assert (agg.victims_total(before), agg.distinct_persons(before)) == (2, 2)


def _pair(left: Person, right: Person) -> CandidatePair:
    run = LinkageRun.objects.create(threshold=6, status=RunStatus.SUCCEEDED, is_current=True)
    return CandidatePair.objects.create(
        run=run,
        left=left,
        right=right,
        left_org_id=left.owner_org_id,
        right_org_id=right.owner_org_id,
        match_weight=11.0,
        match_probability=0.99,
        evidence={"surnames": {"level": "first_exact", "weight": 5.1}},
    )


def test_two_records_merged_as_one_person_count_as_one_until_the_merge_is_undone(world: Any) -> None:
    a = victim(world, opened=D(2011, 5, 1), where="home").person
    b = victim(world, opened=D(2011, 8, 1), where="other").person
    c = victim(world, opened=D(2011, 10, 1), where="other", given="Rosa").person
    pair = _pair(a, b)
    assert agg.distinct_persons(PERIOD) == 3
    linkage_services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    linkage_services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=pair.pk, decision="confirm")
    merge = PersonMerge.objects.get(undone_at__isnull=True)
    figures = _same_both_ways(PERIOD)
    assert (figures["total"], figures["persons"]) == (3, 2)
    assert merge.survivor_id == a.pk and c.pk not in (merge.survivor_id, merge.absorbed_id)
    # the other institution's cases: b (one person with a, whose case is elsewhere) and c
    assert agg.distinct_persons(Filters(PERIOD.period, institution_id=world.other.pk)) == 2
    linkage_services.merge_undo(actor=world.actor("supervisor"), merge_id=merge.pk)
    assert agg.distinct_persons(PERIOD) == 3


def test_a_chain_of_merges_is_one_person(world: Any) -> None:
    records = [victim(world, opened=D(2011, 5 + i, 1), where=w).person for i, w in enumerate(("home", "other", "home"))]
    PersonMerge.objects.create(survivor=records[0], absorbed=records[1])
    PersonMerge.objects.create(survivor=records[1], absorbed=records[2])  # absorbed in turn: still one group
    assert agg.victims_total(PERIOD) == 3
    assert agg.distinct_persons(PERIOD) == 1
    assert agg.distinct_persons(Filters(PERIOD.period, institution_id=world.home.pk)) == 1


def test_distinct_persons_are_suppressed_like_the_victims(world: Any, client: Any) -> None:
    first = victim(world, opened=D(2011, 5, 1))
    _second_case(world, first.person, where="other", opened=D(2011, 9, 1))
    for i in range(3):
        victim(world, opened=D(2011, 6, 1), given=f"Rosa{i}")
    assert (agg.victims_total(PERIOD), agg.distinct_persons(PERIOD)) == (5, 4)
    assert publish.persons_headline(PERIOD, 5) == (None, True)  # 4 < 5: hidden as small
    assert publish.victims_headline(PERIOD, 5) == (5, False)
    assert publish.persons_headline(PERIOD, 4) == (4, False)
    report = build_report(PERIOD, threshold=5)
    persons = next(f for s in report.sections for f in s.facts if f.code == "persons")
    assert (persons.value, persons.shown(5)) == (None, "<5")
    login(client, world.user("statistician"))
    body = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()  # threshold 11
    assert 'id="victims-total">&lt;11<' in body and 'id="persons-total">&lt;11<' in body
