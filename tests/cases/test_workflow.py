from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amparo.accounts.models import User
from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import CarePlanStatus, Case, Task
from amparo.cases.screening import age_group, propose_status
from amparo.cases.selectors import CaseFilters, case_list, overdue_tasks
from amparo.cases.services import EventInput, PlannedServiceInput
from amparo.cases.vocab import INDICATORS, Answer, CaseStatus, TraffickingStatus
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from tests.conftest import make_person

TODAY = timezone.localdate()


def _open(world, role: str = "caseworker", **person) -> Case:
    actor = world.actor(role)
    p = make_person(actor, **person)
    return services.case_open(actor=actor, person_id=p.pk)


def _adult_consent(world, case: Case, scopes=("assistance",)) -> None:
    services.consent_record(
        actor=world.actor("caseworker"), case_id=case.pk, scopes=list(scopes), given_by="person", given_on=TODAY
    )


# --- screening rules ---


def _answers(**yes: str) -> dict[str, str]:
    answers = {i.code: Answer.NO for i in INDICATORS}
    answers.update({code: Answer.YES for code in yes})
    return answers


def test_screening_proposes_presumed_with_means_and_exploitation() -> None:
    assert propose_status(_answers(ilo_deception="", ilo_ec_sexual_services=""), minor=False) == "presumed"


def test_screening_for_a_minor_needs_no_means() -> None:
    only_exploitation = _answers(ilo_ec_sexual_services="")
    assert propose_status(only_exploitation, minor=False) == TraffickingStatus.POSSIBLE
    assert propose_status(only_exploitation, minor=True) == TraffickingStatus.PRESUMED


def test_screening_two_medium_indicators_count_as_one_strong() -> None:
    answers = _answers(ilo_abuse_vulnerability="", ilo_ec_substances="", ilo_wages="", ilo_overtime="")
    assert propose_status(answers, minor=False) == TraffickingStatus.PRESUMED
    assert propose_status(_answers(ilo_wages=""), minor=False) == TraffickingStatus.POSSIBLE


def test_screening_all_no_proposes_not_a_victim_and_unknowns_keep_possible() -> None:
    assert propose_status(_answers(), minor=False) == TraffickingStatus.NOT_A_VICTIM
    assert propose_status({}, minor=False) == TraffickingStatus.POSSIBLE


def test_age_groups_follow_ctdc() -> None:
    assert [age_group(a, a) for a in (5, 12, 17, 18, 22, 25, 50)] == [
        "0-8",
        "9-17",
        "9-17",
        "18-20",
        "21-23",
        "24-26",
        "48+",
    ]
    assert age_group(None, None) == "-99"


# --- presumption of minority and consent ---


@pytest.mark.django_db
def test_presumption_of_minority(world) -> None:
    uncertain = _open(world, age_min=16, age_max=20)
    unknown = _open(world, given="Sin", surnames="Edad")
    adult = _open(world, given="Adulta", date_of_birth=TODAY.replace(year=TODAY.year - 30))
    assert uncertain.minor_protocol and unknown.minor_protocol and not adult.minor_protocol
    assert uncertain.age_group == "9-17"


@pytest.mark.django_db
def test_consent_rules_for_minors_and_adults(world) -> None:
    minor = _open(world, age_min=14, age_max=16)
    actor = world.actor("caseworker")
    with pytest.raises(ValidationFailed) as exc:
        services.consent_record(actor=actor, case_id=minor.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    assert "given_by" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.consent_record(
            actor=actor, case_id=minor.pk, scopes=["assistance"], given_by="judge_order", given_on=TODAY
        )
    assert "reference" in exc.value.errors
    services.consent_record(
        actor=actor,
        case_id=minor.pk,
        scopes=["assistance"],
        given_by="judge_order",
        given_on=TODAY,
        reference="Juzgado de Niñez 01-2026-123",
    )
    assert services.has_consent(Case.objects.get(pk=minor.pk), "assistance")
    with pytest.raises(ValidationFailed):
        services.consent_record(
            actor=actor,
            case_id=minor.pk,
            scopes=["referral"],
            given_by="pgn_attorney",
            given_on=TODAY,
            giver_name="Licda. Demo",
        )  # referral needs named services


@pytest.mark.django_db
def test_withdrawal_takes_effect_at_once(world) -> None:
    case = _open(world, date_of_birth=TODAY.replace(year=TODAY.year - 24))
    _adult_consent(world, case)
    consent = case.consents.get()
    services.screening_record(actor=world.actor("caseworker"), case_id=case.pk, answers={})
    services.case_transition(actor=world.actor("caseworker"), case_id=case.pk, to_status="assistance")
    provider = world.home.pk
    services.service_deliver(
        actor=world.actor("caseworker"), case_id=case.pk, service_type="medical", provider_id=provider, start_date=TODAY
    )
    services.consent_withdraw(actor=world.actor("caseworker"), consent_id=consent.pk, reason="ya no desea")
    with pytest.raises(ValidationFailed) as exc:
        services.service_deliver(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            service_type="legal",
            provider_id=provider,
            start_date=TODAY,
        )
    assert "consent" in exc.value.errors
    assert AuditEvent.objects.filter(action="case.consent_withdrawn").exists()


# --- workflow ---


@pytest.mark.django_db
def test_workflow_valid_and_invalid_transitions(world) -> None:
    actor, supervisor = world.actor("caseworker"), world.actor("supervisor")
    case = _open(world, date_of_birth=TODAY.replace(year=TODAY.year - 22))
    with pytest.raises(ValidationFailed):  # open -> assistance skips identification
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    services.screening_record(
        actor=actor, case_id=case.pk, answers={"ilo_deception": "yes", "ilo_ec_sexual_services": "yes"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFICATION
    assert case.screenings.get().proposed_status == TraffickingStatus.PRESUMED
    services.case_determine_status(actor=actor, case_id=case.pk, status="presumed", determined_by="NGO")
    with pytest.raises(ValidationFailed) as exc:  # no consent yet
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    assert "consent" in exc.value.errors
    _adult_consent(world, case)
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    with pytest.raises(ValidationFailed):  # follow-up needs an approved plan
        services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up")
    services.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Recuperación y reintegración",
        services=[PlannedServiceInput("psychological", world.home.pk)],
        expected_version=None,
    )
    services.care_plan_submit(actor=actor, case_id=case.pk)
    with pytest.raises(PermissionDenied):  # a caseworker cannot approve
        services.care_plan_review(actor=actor, case_id=case.pk, approve=True)
    with pytest.raises(ValidationFailed):  # sending back needs a comment
        services.care_plan_review(actor=supervisor, case_id=case.pk, approve=False)
    services.care_plan_review(actor=supervisor, case_id=case.pk, approve=False, comment="Añadir educación")
    assert case.care_plan.status == CarePlanStatus.RETURNED
    services.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Recuperación, educación y reintegración",
        services=[PlannedServiceInput("psychological"), PlannedServiceInput("education")],
        expected_version=1,
    )
    services.care_plan_submit(actor=actor, case_id=case.pk)
    services.care_plan_review(actor=supervisor, case_id=case.pk, approve=True)
    services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up")
    with pytest.raises(ValidationFailed):
        services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)  # nobody asked
    services.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada con su familia")
    services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at
    with pytest.raises(ValidationFailed):  # reopening needs a reason
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    history = list(case.status_changes.values_list("to_status", flat=True))
    assert history == ["identification", "assistance", "follow_up", "closed", "assistance"]


@pytest.mark.django_db
def test_event_validation(world) -> None:
    case = _open(world)
    actor = world.actor("caseworker")
    future = TODAY + datetime.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        services.event_add(
            actor=actor,
            case_id=case.pk,
            data=EventInput(
                kind="exploitation",
                start_date=TODAY,
                end_date=TODAY - datetime.timedelta(days=10),
                forms=["SexualExploitation"],
                country="GT",
                department="01",
                municipality="0901",
            ),
        )
    assert {"end_date", "municipality"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        services.event_add(
            actor=actor, case_id=case.pk, data=EventInput(kind="recruitment", start_date=future, forms=["ForcedLabour"])
        )
    assert {"start_date", "forms"} <= set(exc.value.errors)
    services.event_add(
        actor=actor,
        case_id=case.pk,
        data=EventInput(
            kind="exploitation",
            country="MX",
            start_date=TODAY - datetime.timedelta(days=90),
            start_approximate=True,
            forms=["SexualExploitation", "ForcedLabour"],
            means_of_control=["DebtBondage"],
            description="Bar en Tapachula",
        ),
    )
    case.refresh_from_db()
    assert case.forms_index == "|ForcedLabour|SexualExploitation|"


@pytest.mark.django_db
def test_concurrent_team_edits_do_not_overwrite(world) -> None:
    case = _open(world)
    a, b = world.actor("caseworker"), world.actor("supervisor")
    supervisor_id = world.user("supervisor").pk
    services.case_update_team(
        actor=a, case_id=case.pk, expected_version=1, priority="high", supervisor_id=supervisor_id, assigned_ids=[]
    )
    with pytest.raises(StaleEdit) as exc:
        services.case_update_team(
            actor=b, case_id=case.pk, expected_version=1, priority="low", supervisor_id=supervisor_id, assigned_ids=[]
        )
    assert "priority" in exc.value.changed_fields
    assert Case.objects.get(pk=case.pk).priority == "high"


@pytest.mark.django_db
def test_only_the_team_and_supervisors_see_a_case(world) -> None:
    case = _open(world)
    colleague = world.actor("caseworker")  # the owner
    with pytest.raises(NotFound):
        services.note_add(actor=world.actor("caseworker", "other"), case_id=case.pk, body="x")
    # Another caseworker of the same institution, not on the team:
    from tests.factories import MembershipFactory

    outsider_user = MembershipFactory(organization=world.home, role="caseworker").user
    from amparo.accounts.actor import Actor

    outsider = Actor(user=outsider_user, membership=outsider_user.memberships.get())
    with pytest.raises(NotFound):
        services.note_add(actor=outsider, case_id=case.pk, body="x")
    assert case_list(actor=outsider, filters=CaseFilters(scope="all")).cases == []
    services.case_update_team(
        actor=colleague,
        case_id=case.pk,
        expected_version=1,
        priority="normal",
        supervisor_id=None,
        assigned_ids=[outsider_user.pk],
    )
    services.note_add(actor=outsider, case_id=case.pk, body="Visita domiciliaria")
    assert [c.pk for c in case_list(actor=outsider, filters=CaseFilters(scope="mine")).cases] == [case.pk]
    supervisor_cases = case_list(actor=world.actor("supervisor"), filters=CaseFilters(scope="all")).cases
    assert case.pk in [c.pk for c in supervisor_cases]


@pytest.mark.django_db
def test_lists_filters_name_search_and_keyset_pages(world) -> None:
    actor = world.actor("caseworker")
    for i in range(7):
        _open(
            world,
            given=f"Nombre{i}",
            surnames="Xicará" if i % 2 else "López",
            gender="Feminine",
            nationalities=["SV" if i < 3 else "GT"],
        )
    page1 = case_list(actor=actor, filters=CaseFilters(scope="mine"), page_size=3)
    page2 = case_list(actor=actor, filters=CaseFilters(scope="mine"), cursor=page1.next_cursor, page_size=3)
    page3 = case_list(actor=actor, filters=CaseFilters(scope="mine"), cursor=page2.next_cursor, page_size=3)
    seen = [c.pk for c in page1.cases + page2.cases + page3.cases]
    assert len(seen) == 7 == len(set(seen)) and page3.next_cursor == ""
    assert len(case_list(actor=actor, filters=CaseFilters(nationality="SV")).cases) == 3
    assert len(case_list(actor=actor, filters=CaseFilters(name="Sicara")).cases) == 3
    assert len(case_list(actor=actor, filters=CaseFilters(name="Nombre3 Sicara")).cases) == 3  # half the words
    assert len(case_list(actor=actor, filters=CaseFilters(name="Nombre3 Sicara Batz")).cases) == 1
    assert case_list(actor=actor, filters=CaseFilters(status="closed")).cases == []


@pytest.mark.django_db
def test_overdue_tasks(world) -> None:
    case = _open(world)
    actor = world.actor("caseworker")
    user: User = world.user("caseworker")
    late = services.task_create(
        actor=actor, case_id=case.pk, title="Llamar a la PGN", due_date=TODAY, assigned_to_id=user.pk
    )
    # A new task cannot be due in the past: this one was due today, and two days have gone by.
    Task.objects.filter(pk=late.pk).update(due_date=TODAY - datetime.timedelta(days=2))
    services.task_create(
        actor=actor,
        case_id=case.pk,
        title="Visita",
        due_date=TODAY + datetime.timedelta(days=5),
        assigned_to_id=user.pk,
    )
    assert [t.pk for t in overdue_tasks(actor=actor)] == [late.pk]
    services.task_complete(actor=actor, task_id=late.pk)
    assert list(overdue_tasks(actor=actor)) == []
    with pytest.raises(ValidationFailed):
        services.task_create(
            actor=actor, case_id=case.pk, title="x", due_date=TODAY, assigned_to_id=world.user("caseworker", "other").pk
        )


@pytest.mark.django_db
def test_a_new_task_is_not_due_in_the_past(world, english) -> None:
    case = _open(world)
    actor = world.actor("caseworker")
    user: User = world.user("caseworker")
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(
            actor=actor,
            case_id=case.pk,
            title="Llamar a la PGN",
            due_date=TODAY - datetime.timedelta(days=1),
            assigned_to_id=user.pk,
        )
    assert exc.value.errors == {"due_date": ["The due date cannot be in the past."]}
    assert not Task.objects.filter(case=case).exists()
    # Due today is fine (and, once today is past, it is simply overdue).
    services.task_create(actor=actor, case_id=case.pk, title="Visita", due_date=TODAY, assigned_to_id=user.pk)


@pytest.mark.django_db
def test_a_closed_case_takes_only_notes_tasks_and_reopening(world) -> None:
    actor, supervisor = world.actor("caseworker"), world.actor("supervisor")
    case = _open(world, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    services.case_request_closure(actor=actor, case_id=case.pk, reason="No es víctima de trata")
    services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    with pytest.raises(ValidationFailed) as exc:
        services.event_add(actor=actor, case_id=case.pk, data=EventInput(kind="recruitment"))
    assert "status" in exc.value.errors
    services.note_add(actor=actor, case_id=case.pk, body="Llamada de seguimiento después del cierre")
    _adult_consent(world, case)  # a closed case takes the consent that reopening into assistance needs
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva denuncia")
    services.event_add(actor=actor, case_id=case.pk, data=EventInput(kind="recruitment"))
