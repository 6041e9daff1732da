"""The repatriation protocol as a workflow: both tracks end to end, order, mandatory steps, minors,
the hand-over by the receiving side, notifications and who may see or act."""

from __future__ import annotations

import pytest

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.notifications.models import Notification
from amparo.repatriation import selectors, services
from amparo.repatriation.models import Repatriation, RepatriationStatus, RepatriationStep, StepState
from amparo.repatriation.protocol import PROTOCOLS, PartyRole, Track

from .helpers import case_for, complete, current_code, foreign_consulate, member, org, start


def _states(repatriation: Repatriation) -> dict[str, str]:
    return dict(repatriation.steps.order_by("position").values_list("code", "state"))


# --- the protocol data -----------------------------------------------------------------------------------


def test_protocol_tables_are_consistent() -> None:
    for protocol in PROTOCOLS.values():
        codes = [s.code for s in protocol.steps]
        assert len(codes) == len(set(codes))
        assert protocol.steps[-1].handover and sum(s.handover for s in protocol.steps) == 1
        assert protocol.steps[-1].responsible == PartyRole.RECEIVING
        minors = [i for i, s in enumerate(protocol.steps) if s.minors_only]
        family = next(i for i, s in enumerate(protocol.steps) if s.family_assessment)
        assert family in minors and all(i < len(protocol.steps) - 1 for i in minors)
        assert all(s.evidence for s in protocol.steps)
        assert protocol.steps[0].due.after == "start"
    named = {r for p in PROTOCOLS.values() for r in p.parties_for(minor=True)}
    assert named == set(PartyRole.values)  # every institution the protocol names takes part somewhere


# --- both tracks end to end ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_national_track_for_an_adult_end_to_end(world) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    minex = member("minex", "consular_officer")
    dgm = member("dgm")
    receiving = member("sobrevivientes")
    case = case_for(world, minor=False)
    repatriation = start(world, case)
    assert repatriation.track == Track.NATIONAL and not repatriation.minor and repatriation.nationality == "GT"
    assert list(repatriation.steps.values_list("code", flat=True)) == [
        "consular_interview",
        "travel_document",
        "minex_coordination",
        "reception_conditions",
        "pdh_notice",
        "port_reception",
        "health_assessment",
        "handover",
    ]
    roles = set(repatriation.parties.values_list("role", flat=True))
    assert PartyRole.PGN not in roles and PartyRole.SBS not in roles  # children's institutions: minors only
    first = repatriation.steps.get(code="consular_interview")
    assert first.state == StepState.CURRENT and first.due_date is not None
    assert first.organization == org("consulado-tapachula")

    complete(consul, repatriation, "consular_interview")
    complete(consul, repatriation, "travel_document")
    complete(minex, repatriation, "minex_coordination")
    complete(receiving, repatriation, "reception_conditions")
    services.repatriation_step_not_applicable(
        actor=world.actor("caseworker"),
        repatriation_id=repatriation.pk,
        step_code="pdh_notice",
        reason="La PDH ya da seguimiento al caso",
    )
    complete(dgm, repatriation, "port_reception")
    complete(dgm, repatriation, "health_assessment")
    assert current_code(repatriation) == "handover"
    services.repatriation_handover_confirm(
        actor=receiving,
        repatriation_id=repatriation.pk,
        destination="independent",
        evidence=["handover_record"],
        note="Recibida en el albergue",
    )
    repatriation.refresh_from_db()
    assert repatriation.status == RepatriationStatus.COMPLETED and repatriation.completed_at is not None
    assert repatriation.destination == "independent"
    states = _states(repatriation)
    assert states.pop("pdh_notice") == StepState.NOT_APPLICABLE
    assert set(states.values()) == {StepState.DONE}
    done = repatriation.steps.get(code="travel_document")
    assert done.done_by_org == org("consulado-tapachula") and done.evidence == ["travel_document_issued"]
    assert done.note == "Hecho según el protocolo"
    actions = list(
        AuditEvent.objects.filter(target_type="repatriation", target_id=str(repatriation.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("repatriation.step_completed") == 6
    assert "repatriation.start" in actions and "repatriation.handover_confirmed" in actions
    assert "repatriation.step_not_applicable" in actions


@pytest.mark.django_db
def test_foreign_track_for_a_minor_end_to_end(world) -> None:
    consulate = foreign_consulate("HN")
    consul = member(consulate.code, "consular_officer", "consul-hn")
    dgm = member("dgm")
    minex = member("minex", "consular_officer")
    pgn = member("pgn", "pgn_attorney")
    iom = member("oim")
    case = case_for(world, minor=True, nationality="HN")
    repatriation = start(world, case, track="foreign", country="HN", consulate=consulate.code, receiving="oim")
    assert repatriation.minor
    assert list(repatriation.steps.values_list("code", flat=True)) == [s.code for s in PROTOCOLS["foreign"].steps]
    complete(dgm, repatriation, "dgm_identification")
    complete(minex, repatriation, "minex_notice")
    complete(pgn, repatriation, "best_interest")
    complete(consul, repatriation, "family_assessment", family_involved=False, destination="family")
    complete(consul, repatriation, "travel_document")
    services.repatriation_step_not_applicable(
        actor=world.actor("caseworker"), repatriation_id=repatriation.pk, step_code="svet_notice", reason="No aplica"
    )
    complete(dgm, repatriation, "health_assessment")
    complete(dgm, repatriation, "departure_escort")
    # The hand-over through the step service is the same confirmation, still only by the receiving side.
    complete(iom, repatriation, "handover", destination="family")
    repatriation.refresh_from_db()
    assert repatriation.status == RepatriationStatus.COMPLETED
    assert repatriation.family_involved is False and repatriation.destination == "family"


# --- order, mandatory and optional steps -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_step_out_of_order_is_refused_and_nothing_is_saved(world) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    repatriation = start(world, case_for(world, minor=False))
    events = AuditEvent.objects.count()
    notifications = Notification.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        complete(consul, repatriation, "travel_document")
    message = exc.value.errors["step"][0]
    assert "Consular identification and interview" in message and "in order" in message
    with pytest.raises(ValidationFailed):  # the case team cannot jump ahead either
        complete(world.actor("caseworker"), repatriation, "minex_coordination")
    assert repatriation.steps.get(code="travel_document").state == StepState.PENDING
    assert repatriation.steps.get(code="consular_interview").state == StepState.CURRENT
    assert AuditEvent.objects.count() == events and Notification.objects.count() == notifications
    complete(consul, repatriation, "consular_interview")
    with pytest.raises(ValidationFailed) as again:
        complete(consul, repatriation, "consular_interview")
    assert "already been recorded" in again.value.errors["step"][0]


@pytest.mark.django_db
def test_evidence_and_a_note_are_required(world) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    repatriation = start(world, case_for(world, minor=False))
    with pytest.raises(ValidationFailed) as exc:
        complete(consul, repatriation, "consular_interview", evidence=["identity_verified"], note=" ")
    assert "wish to return" in exc.value.errors["evidence"][0] and exc.value.errors["note"]
    assert repatriation.steps.get(code="consular_interview").state == StepState.CURRENT


@pytest.mark.django_db
def test_mandatory_steps_cannot_be_skipped_optional_ones_need_a_reason(world) -> None:
    team = world.actor("caseworker")
    repatriation = start(world, case_for(world, minor=False))
    with pytest.raises(ValidationFailed) as exc:
        services.repatriation_step_not_applicable(
            actor=team, repatriation_id=repatriation.pk, step_code="consular_interview", reason="No hace falta"
        )
    assert "mandatory" in exc.value.errors["step"][0]
    for code in ("consular_interview", "travel_document", "minex_coordination", "reception_conditions"):
        complete(team, repatriation, code)
    # An optional step cannot be skipped by jumping past it: the next mandatory step waits.
    with pytest.raises(ValidationFailed) as jump:
        complete(team, repatriation, "port_reception")
    assert "optional" in jump.value.errors["step"][0]
    with pytest.raises(ValidationFailed) as reason:
        services.repatriation_step_not_applicable(
            actor=team, repatriation_id=repatriation.pk, step_code="pdh_notice", reason=""
        )
    assert "reason" in reason.value.errors
    step = services.repatriation_step_not_applicable(
        actor=team, repatriation_id=repatriation.pk, step_code="pdh_notice", reason="Monitoreo ya activo"
    )
    assert step.state == StepState.NOT_APPLICABLE and step.not_applicable_reason == "Monitoreo ya activo"
    assert current_code(repatriation) == "port_reception"


# --- minors ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_minor_gets_the_assessments_before_the_hand_over(world) -> None:
    team = world.actor("caseworker")
    repatriation = start(world, case_for(world, minor=True), receiving="sbs")
    codes = list(repatriation.steps.values_list("code", flat=True))
    assert codes.index("best_interest") < codes.index("family_assessment") < codes.index("handover")
    for code in ("consular_interview", "travel_document", "minex_coordination"):
        complete(team, repatriation, code)
    sbs = world.actor("shelter_staff", "other")
    with pytest.raises(ValidationFailed) as exc:  # the receiving side cannot hand over before the assessments
        complete(sbs, repatriation, "handover", destination="family")
    assert "Best-interest assessment" in exc.value.errors["step"][0]
    adult = start(world, case_for(world, minor=False))
    assert not adult.steps.filter(code__in=["best_interest", "family_assessment"]).exists()


@pytest.mark.django_db
def test_a_family_involved_in_the_exploitation_is_not_a_destination(world) -> None:
    team = world.actor("caseworker")
    sbs = world.actor("caseworker", "other")
    repatriation = start(world, case_for(world, minor=True), receiving="sbs")
    for code in ("consular_interview", "travel_document", "minex_coordination", "best_interest"):
        complete(team, repatriation, code)
    with pytest.raises(ValidationFailed) as missing:
        complete(sbs, repatriation, "family_assessment", destination="ngo_care")
    assert "family_involved" in missing.value.errors
    with pytest.raises(ValidationFailed) as refused:
        complete(sbs, repatriation, "family_assessment", family_involved=True, destination="family")
    assert "reunification with the family is refused" in refused.value.errors["destination"][0]
    repatriation.refresh_from_db()
    assert repatriation.family_involved is None  # nothing saved
    assert repatriation.steps.get(code="family_assessment").state == StepState.CURRENT
    complete(sbs, repatriation, "family_assessment", family_involved=True, destination="ngo_care")
    for code in ("reception_conditions", "pdh_notice", "port_reception", "health_assessment"):
        complete(team, repatriation, code)
    receiving = world.actor("shelter_staff", "other")
    with pytest.raises(ValidationFailed) as at_handover:
        services.repatriation_handover_confirm(
            actor=receiving,
            repatriation_id=repatriation.pk,
            destination="family",
            evidence=["handover_record"],
            note="Entrega",
        )
    assert "refused" in at_handover.value.errors["destination"][0]
    with pytest.raises(ValidationFailed) as independent:
        services.repatriation_handover_confirm(
            actor=receiving,
            repatriation_id=repatriation.pk,
            destination="independent",
            evidence=["handover_record"],
            note="Entrega",
        )
    assert "minor" in independent.value.errors["destination"][0]
    services.repatriation_handover_confirm(
        actor=receiving,
        repatriation_id=repatriation.pk,
        destination="state_shelter",
        evidence=["handover_record"],
        note="Entrega al hogar",
    )
    repatriation.refresh_from_db()
    assert repatriation.status == RepatriationStatus.COMPLETED and repatriation.destination == "state_shelter"


# --- who may act -----------------------------------------------------------------------------------------


def _to_handover(world, repatriation: Repatriation) -> None:
    team = world.actor("caseworker")
    while current_code(repatriation) != "handover":
        code = current_code(repatriation)
        if code == "family_assessment":
            complete(team, repatriation, code, family_involved=False, destination="family")
        else:
            complete(team, repatriation, code)


@pytest.mark.django_db
def test_only_the_receiving_side_confirms_the_hand_over(world) -> None:
    repatriation = start(world, case_for(world, minor=False), receiving="sbs")
    _to_handover(world, repatriation)
    consul = member("consulado-tapachula", "consular_officer")
    for actor in (world.actor("caseworker"), world.actor("supervisor"), consul):
        with pytest.raises(PermissionDenied):
            services.repatriation_handover_confirm(
                actor=actor,
                repatriation_id=repatriation.pk,
                destination="family",
                evidence=["handover_record"],
                note="x",
            )
        with pytest.raises(PermissionDenied):
            complete(actor, repatriation, "handover", destination="family")
    with pytest.raises(PermissionDenied):  # a role of the receiving institution without the permission
        complete(world.actor("statistician", "other"), repatriation, "handover", destination="family")
    assert Repatriation.objects.get(pk=repatriation.pk).status == RepatriationStatus.IN_PROGRESS
    services.repatriation_handover_confirm(
        actor=world.actor("shelter_staff", "other"),
        repatriation_id=repatriation.pk,
        destination="family",
        evidence=["handover_record"],
        note="Recibida",
    )
    assert Repatriation.objects.get(pk=repatriation.pk).status == RepatriationStatus.COMPLETED


@pytest.mark.django_db
def test_only_the_team_and_the_responsible_institution_act(world) -> None:
    repatriation = start(world, case_for(world, minor=False))
    dgm = member("dgm")  # a party, but the current step is the consulate's
    with pytest.raises(PermissionDenied):
        complete(dgm, repatriation, "consular_interview")
    outsider = member("pnc")  # can take part in repatriations, but not in this one
    for actor in (outsider, world.actor("caseworker", "other"), world.actor("consular_officer")):
        # not the team (home consular officer: not on the case), not a party: as if it did not exist
        with pytest.raises(NotFound):
            complete(actor, repatriation, "consular_interview")
        with pytest.raises(NotFound):
            selectors.repatriation_get_for_view(actor=actor, repatriation_id=repatriation.pk)
        assert selectors.repatriation_list(actor=actor).rows == []
    with pytest.raises(PermissionDenied):
        selectors.repatriation_get_for_view(actor=world.actor("statistician"), repatriation_id=repatriation.pk)
    complete(member("consulado-tapachula", "consular_officer"), repatriation, "consular_interview")
    assert selectors.repatriation_get_for_view(actor=dgm, repatriation_id=repatriation.pk).as_team is False


@pytest.mark.django_db
def test_cancel_by_the_team_with_a_reason(world) -> None:
    repatriation = start(world, case_for(world, minor=False))
    consul = member("consulado-tapachula", "consular_officer")
    with pytest.raises(PermissionDenied):
        services.repatriation_cancel(actor=consul, repatriation_id=repatriation.pk, reason="x")
    with pytest.raises(ValidationFailed):
        services.repatriation_cancel(actor=world.actor("caseworker"), repatriation_id=repatriation.pk, reason=" ")
    before = Notification.objects.filter(kind="repatriation.cancelled").count()
    services.repatriation_cancel(
        actor=world.actor("caseworker"), repatriation_id=repatriation.pk, reason="Decidió quedarse"
    )
    repatriation.refresh_from_db()
    assert repatriation.status == RepatriationStatus.CANCELLED and repatriation.cancel_reason == "Decidió quedarse"
    assert Notification.objects.filter(kind="repatriation.cancelled").count() > before
    with pytest.raises(ValidationFailed) as exc:
        complete(consul, repatriation, "consular_interview")
    assert "cancelled" in exc.value.errors["status"][0]
    # A new repatriation can start once none is in progress.
    assert start(world, repatriation.case).status == RepatriationStatus.IN_PROGRESS


@pytest.mark.django_db
def test_start_is_checked(world) -> None:
    case = case_for(world, minor=False)
    with pytest.raises(ValidationFailed) as exc:
        start(world, case, consulate="pgn", receiving="consulado-mexico")
    assert {"consulate", "receiving"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as wrong_track:
        start(world, case, track="foreign", country="HN", consulate="consulado-tapachula", receiving="oim")
    assert "track" in wrong_track.value.errors and "consulate" in wrong_track.value.errors
    with pytest.raises(ValidationFailed) as home:
        start(world, case, country="GT")
    assert "country" in home.value.errors
    assert not Repatriation.objects.exists() and not RepatriationStep.objects.exists()
    start(world, case)
    with pytest.raises(ValidationFailed) as twice:
        start(world, case)
    assert "already has a repatriation in progress" in twice.value.errors["case"][0]
    with pytest.raises(NotFound):
        services.repatriation_start(
            actor=world.actor("caseworker", "other"),
            case_id=case.pk,
            track="national",
            country="MX",
            consulate_id=org("consulado-tapachula").pk,
            receiving_id=org("sbs").pk,
        )
    with pytest.raises(PermissionDenied):
        services.repatriation_start(
            actor=world.actor("shelter_staff"),
            case_id=case.pk,
            track="national",
            country="MX",
            consulate_id=org("consulado-tapachula").pk,
            receiving_id=org("sbs").pk,
        )


# --- notifications ---------------------------------------------------------------------------------------


def _kinds_for(actor) -> list[str]:
    return list(Notification.objects.filter(recipient=actor.user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_the_institutions_the_protocol_names_are_notified(world) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    minex = member("minex", "consular_officer")
    pgn = member("pgn", "pgn_attorney")
    dgm = member("dgm")
    hotline = member("minex", "hotline_operator")  # MINEX, but cannot take part in repatriations
    sbs = world.actor("caseworker", "other")
    repatriation = start(world, case_for(world, minor=True))
    assert _kinds_for(consul) == ["repatriation.step_opened"]
    assert _kinds_for(pgn) == [] and _kinds_for(sbs) == []
    complete(consul, repatriation, "consular_interview")
    assert "repatriation.step_completed" in _kinds_for(minex)
    assert "repatriation.step_completed" in _kinds_for(world.actor("caseworker"))  # the case team hears too
    complete(consul, repatriation, "travel_document")
    assert "repatriation.step_opened" in _kinds_for(minex)
    complete(minex, repatriation, "minex_coordination")
    # The Foreign Ministry's notice of the accompaniment required goes to PGN, DGM and SBS.
    for actor in (pgn, dgm, sbs):
        assert "repatriation.step_completed" in _kinds_for(actor)
    assert "repatriation.step_opened" in _kinds_for(pgn)  # the best-interest assessment is PGN's
    assert _kinds_for(hotline) == [] and _kinds_for(world.actor("statistician", "other")) == []
    targets = set(Notification.objects.filter(kind__startswith="repatriation.").values_list("target_url", flat=True))
    assert targets == {f"/repatriations/{repatriation.pk}/"}


@pytest.mark.django_db
def test_the_hand_over_notifies_every_party(world) -> None:
    consul = member("consulado-tapachula", "consular_officer")
    dgm = member("dgm")
    repatriation = start(world, case_for(world, minor=False), receiving="sbs")
    _to_handover(world, repatriation)
    services.repatriation_handover_confirm(
        actor=world.actor("shelter_staff", "other"),
        repatriation_id=repatriation.pk,
        destination="family",
        evidence=["handover_record"],
        note="Recibida",
    )
    for actor in (consul, dgm, world.actor("caseworker")):
        assert "repatriation.completed" in _kinds_for(actor)


# --- overdue ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_steps_show_in_the_list(world) -> None:
    import datetime

    repatriation = start(world, case_for(world, minor=False))
    on_time = start(world, case_for(world, minor=False))
    RepatriationStep.objects.filter(repatriation=repatriation, state="current").update(
        due_date=datetime.date.today() - datetime.timedelta(days=2)
    )
    result = selectors.repatriation_list(actor=world.actor("caseworker"))
    assert result.overdue == 1
    rows = {row.repatriation.pk: row for row in result.rows}
    assert rows[repatriation.pk].overdue and not rows[on_time.pk].overdue
    only = selectors.repatriation_list(actor=world.actor("caseworker"), overdue_only=True)
    assert [r.repatriation.pk for r in only.rows] == [repatriation.pk]
    view = selectors.repatriation_get_for_view(actor=world.actor("caseworker"), repatriation_id=repatriation.pk)
    assert view.current is not None and view.current.status == "overdue"
    assert [r.status for r in view.steps[1:]] == ["pending"] * (len(view.steps) - 1)
    assert all(r.projected and r.due is not None for r in view.steps[1:])


@pytest.mark.django_db
def test_a_repatriation_in_progress_keeps_the_case_open(world) -> None:
    """The other institutions go on working on the steps: the case is not closed (nor its post-closure
    follow-ups scheduled) until the hand-over is confirmed or the repatriation is cancelled."""
    from amparo.cases import services as cases
    from amparo.cases.vocab import CaseStatus

    caseworker, supervisor = world.actor("caseworker"), world.actor("supervisor")
    case = case_for(world, minor=False)
    cases.screening_record(actor=caseworker, case_id=case.pk, answers={})
    repatriation = start(world, case)
    with pytest.raises(ValidationFailed) as exc:
        cases.case_request_closure(actor=caseworker, case_id=case.pk, reason="Retornó")
    assert "repatriation is in progress" in exc.value.errors["status"][0]
    services.repatriation_cancel(actor=caseworker, repatriation_id=repatriation.pk, reason="Decidió quedarse")
    cases.case_request_closure(actor=caseworker, case_id=case.pk, reason="Reintegrada")
    # Started while the closure waited for approval: the approval is refused.
    again = start(world, case)
    with pytest.raises(ValidationFailed):
        cases.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED
    services.repatriation_cancel(actor=caseworker, repatriation_id=again.pk, reason="Sin documentos")
    closed = cases.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    assert closed.status == CaseStatus.CLOSED
