from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from amparo.audit.models import AuditEvent
from amparo.capacity import indicators, selectors, services
from amparo.capacity.models import Participant, Training
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from tests.conftest import login

pytestmark = pytest.mark.django_db

D = datetime.date


def _training(actor, **kwargs):
    data = {
        "title": "Trata de personas: marco legal",
        "start_date": D(2011, 5, 2),
        "end_date": D(2011, 5, 3),
        "topics": ["legal_framework", "victim_rights"],
        "target_groups": ["judges"],
        "planned_participants": 600,
        "funders": "OIM",
    }
    data.update(kwargs)
    return services.training_create(actor=actor, data=services.TrainingInput(**data))


def test_training_planned_vs_trained_and_scores(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    for i in range(3):
        services.participant_add(
            actor=sup,
            training_id=training.pk,
            data=services.ParticipantInput(
                role="judges", sex="F", institution_other="OJ", pre_score=40 + i * 10, post_score=80
            ),
        )
    services.participant_add(
        actor=sup,
        training_id=training.pk,
        data=services.ParticipantInput(role="judges", institution_other="OJ", attended=False),
    )
    view = selectors.training_get(actor=sup, training_id=training.pk)
    assert (view.planned, view.trained) == (600, 3)
    assert view.pre_avg == 50 and view.post_avg == 80
    assert len(view.participants) == 4  # the organizing institution sees its participants
    other = selectors.training_get(actor=world.actor("statistician"), training_id=training.pk)
    assert other.participants == [] and other.trained == 3  # others see counts only
    assert AuditEvent.objects.filter(action="training.participant_added").count() == 4
    assert indicators.judges_trained(2011) == Decimal(3)
    assert indicators.people_trained(2012) == Decimal(0)


def test_participant_name_is_encrypted_and_not_audited(world) -> None:
    sup = world.actor("supervisor")
    training = _training(sup)
    services.participant_add(
        actor=sup,
        training_id=training.pk,
        data=services.ParticipantInput(role="police", institution_other="PNC", name="Agente Pérez"),
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM capacity_participant")
        (raw,) = cursor.fetchone()
    assert "Pérez" not in str(raw)
    assert Participant.objects.get().name == "Agente Pérez"
    assert "Pérez" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"end_date": D(2011, 4, 1)}, "end_date"),
        ({"topics": []}, "topics"),
        ({"target_groups": ["astronauts"]}, "target_groups"),
        ({"department": "99"}, "department"),
    ],
)
def test_bad_training_input_saves_nothing(world, changes, field) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _training(world.actor("supervisor"), **changes)
    assert field in exc.value.errors
    assert not Training.objects.exists()


def test_only_the_organizing_institution_adds_participants(world) -> None:
    training = _training(world.actor("supervisor"))
    data = services.ParticipantInput(role="judges", institution_other="OJ")
    with pytest.raises(NotFound):
        services.participant_add(actor=world.actor("supervisor", "other"), training_id=training.pk, data=data)
    with pytest.raises(PermissionDenied):
        services.participant_add(actor=world.actor("statistician"), training_id=training.pk, data=data)
    with pytest.raises(ValidationFailed):
        services.participant_add(
            actor=world.actor("supervisor"),
            training_id=training.pk,
            data=services.ParticipantInput(role="judges", institution_other="OJ", pre_score=140),
        )


def test_prevention_activity_rules(world) -> None:
    sup = world.actor("supervisor")
    with pytest.raises(ValidationFailed) as exc:
        services.prevention_create(
            actor=sup,
            data=services.ActivityInput(
                kind="campaign", title="Campaña", start_date=D(2011, 6, 1), end_date=D(2011, 6, 30)
            ),
        )
    assert "media" in exc.value.errors  # a campaign says through which media
    activity = services.prevention_create(
        actor=sup,
        data=services.ActivityInput(
            kind="campaign",
            title="No te dejes engañar",
            start_date=D(2011, 6, 1),
            end_date=D(2011, 6, 30),
            media=["radio", "social"],
            estimated_reach=250000,
        ),
    )
    assert activity.organization_id == world.home.pk
    assert indicators.prevention_reach(2011) == Decimal(250000)


def test_plan_indicators_computed_and_manual(world, settings) -> None:
    settings.STATS_SUPPRESSION_THRESHOLD = 3
    stat, sup = world.actor("statistician"), world.actor("supervisor")
    action = services.plan_action_create(
        actor=stat, code="2.1", title="Capacitar jueces", axis="prosecution", responsible_ids=[world.home.pk]
    )
    computed = services.indicator_create(
        actor=stat, action_id=action.pk, name="Jueces", computed="judges_trained", targets={2011: Decimal(124)}
    )
    manual = services.indicator_create(
        actor=stat, action_id=action.pk, name="Protocolos", source="Informe OJ", baseline=Decimal(0), baseline_year=2010
    )
    with pytest.raises(ValidationFailed):
        services.indicator_create(actor=stat, action_id=action.pk, name="Sin fuente")
    training = _training(sup)
    for _ in range(4):
        services.participant_add(
            actor=sup, training_id=training.pk, data=services.ParticipantInput(role="judges", institution_other="OJ")
        )
    services.progress_add(actor=sup, indicator_id=manual.pk, year=2011, value=Decimal(2), note="Dos protocolos")
    with pytest.raises(ValidationFailed):  # computed indicators take notes only
        services.progress_add(actor=sup, indicator_id=computed.pk, year=2011, value=Decimal(5), note="")
    with pytest.raises(PermissionDenied):  # not responsible for the action
        services.progress_add(
            actor=world.actor("supervisor", "other"), indicator_id=manual.pk, year=2011, value=None, note="x"
        )
    rows = selectors.plan_overview(actor=stat, year=2011)
    items = {i.indicator.pk: i for i in rows[0].indicators}
    assert items[computed.pk].value == Decimal(4) and items[computed.pk].target == Decimal(124)
    assert items[manual.pk].value == Decimal(2) and items[manual.pk].source == "Informe OJ"
    settings.STATS_SUPPRESSION_THRESHOLD = 11
    rows = selectors.plan_overview(actor=stat, year=2011)
    assert next(i for i in rows[0].indicators if i.indicator.pk == computed.pk).suppressed


def test_screens(world, client) -> None:
    login(client, world.user("supervisor"))
    response = client.post(
        "/capacity/trainings/new/",
        {
            "title": "Cónsules",
            "start_date": "2011-07-04",
            "end_date": "2011-07-05",
            "planned_participants": "20",
            "topics": ["referral"],
            "target_groups": ["consuls"],
        },
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert client.get(f"/capacity/trainings/{training.pk}/").status_code == 200
    bad = client.post(
        "/capacity/trainings/new/",
        {
            "title": "X",
            "start_date": "2011-07-04",
            "end_date": "2011-07-01",
            "planned_participants": "1",
            "topics": ["referral"],
            "target_groups": ["consuls"],
        },
    )
    assert bad.status_code == 400 and "before the start date" in bad.content.decode()
    assert client.get("/capacity/plan/?year=2011").status_code == 200
    assert client.get("/capacity/prevention/").status_code == 200
