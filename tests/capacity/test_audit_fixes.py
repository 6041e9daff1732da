"""Fixes from the area audit: the plan screen publishes its computed indicators as the statistics do."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from amparo.audit.models import AuditEvent
from amparo.capacity import indicators, selectors, services
from amparo.capacity.models import Indicator, IndicatorTarget, Participant, Training
from amparo.core.exceptions import ValidationFailed
from amparo.stats import publish
from amparo.stats.aggregates import Filters, Period
from tests.conftest import login

pytestmark = pytest.mark.django_db

D = datetime.date


def _trained(actor, counts: dict[str, int]) -> None:
    training = services.training_create(
        actor=actor,
        data=services.TrainingInput(
            title="Trata de personas: marco legal",
            start_date=D(2011, 5, 2),
            end_date=D(2011, 5, 3),
            topics=["legal_framework"],
            target_groups=list(counts),
            planned_participants=100,
        ),
    )
    Participant.objects.bulk_create(
        Participant(training=training, role=role, institution_other="OJ")
        for role, n in counts.items()
        for _ in range(n)
    )


def test_plan_does_not_show_a_count_the_dashboard_hides_to_protect_a_small_one(world, client, settings) -> None:
    settings.STATS_SUPPRESSION_THRESHOLD = 11
    stat, sup = world.actor("statistician"), world.actor("supervisor")
    # 5 prosecutors (small), so the smallest other bar (12 judges) is hidden too: with the total, the
    # judges' count would give the prosecutors' away
    _trained(sup, {"judges": 12, "prosecutors": 5, "police": 30})
    chart = publish.chart("trainings", Filters(Period(D(2011, 1, 1), D(2011, 12, 31))))
    assert chart.row_texts()[0][2] == "•" and chart.total_text() == "47"
    action = services.plan_action_create(
        actor=stat, code="2.1", title="Capacitar jueces", axis="prosecution", responsible_ids=[world.home.pk]
    )
    judges = services.indicator_create(actor=stat, action_id=action.pk, name="Jueces", computed="judges_trained")
    everyone = services.indicator_create(actor=stat, action_id=action.pk, name="Todos", computed="people_trained")
    items = {i.indicator.pk: i for i in selectors.plan_overview(actor=stat, year=2011)[0].indicators}
    assert items[judges.pk].value is None and items[judges.pk].suppressed and not items[judges.pk].small
    assert items[everyone.pk].value == 47 and not items[everyone.pk].suppressed
    body = login(client, world.user("statistician")).get("/capacity/plan/?year=2011").content.decode()
    assert ">12<" not in body and "•" in body


def test_plan_does_not_give_a_hidden_count_away_as_a_rate(world, settings) -> None:
    from amparo.stats import aggregates as agg

    settings.STATS_SUPPRESSION_THRESHOLD = 11
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="3.1", title="Derivar a tiempo", axis="protection", responsible_ids=[world.home.pk]
    )
    rate = services.indicator_create(actor=stat, action_id=action.pk, name="A tiempo", computed="referrals_on_time")
    from collections import Counter
    from decimal import Decimal
    from unittest import mock

    from amparo.capacity import indicators

    # 20 referrals sent, 5 answered on time: the dashboard hides the 5; a rate of 25% would give it away
    label = indicators.COMPUTED["referrals_on_time"][0]
    with (
        mock.patch.object(agg, "referral_timeliness", return_value=Counter({"on_time": 5, "late": 15})),
        mock.patch.dict(indicators.COMPUTED, {"referrals_on_time": (label, lambda year: Decimal("25.0"))}),
    ):
        item = selectors.plan_overview(actor=stat, year=2011)[0].indicators[0]
    assert item.indicator.pk == rate.pk
    assert item.value is None and item.suppressed


def test_prevention_list_names_the_media(world, client) -> None:
    services.prevention_create(
        actor=world.actor("supervisor"),
        data=services.ActivityInput(
            kind="campaign",
            title="No te dejes engañar",
            start_date=D(2011, 6, 1),
            end_date=D(2011, 6, 30),
            media=["social", "billboard"],
            estimated_reach=250000,
        ),
    )
    body = login(client, world.user("statistician")).get("/capacity/prevention/").content.decode()
    assert "Social media, Billboards" in body and "social, billboard" not in body


# --- second audit: participants, targets, the progress form, names shown ---


def _future_training(actor, days: int = 30):
    start = timezone.localdate() + datetime.timedelta(days=days)
    return services.training_create(
        actor=actor,
        data=services.TrainingInput(
            title="Refresher for judges",
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            topics=["legal_framework"],
            target_groups=["judges"],
            planned_participants=25,
        ),
    )


def test_no_one_is_trained_by_a_training_that_has_not_taken_place(world, client) -> None:
    sup = world.actor("supervisor")
    training = _future_training(sup)
    with pytest.raises(ValidationFailed) as exc:
        services.participant_add(
            actor=sup,
            training_id=training.pk,
            data=services.ParticipantInput(role="judges", institution_other="OJ", post_score=90),
        )
    assert "training" in exc.value.errors
    page = login(client, world.user("supervisor"))
    response = page.post(
        f"/capacity/trainings/{training.pk}/participants/",
        {"role": "judges", "sex": "F", "institution_other": "OJ", "attended": "on"},
    )
    assert response.status_code == 400
    assert "The training has not started yet" in response.content.decode()
    assert Participant.objects.count() == 0
    assert not AuditEvent.objects.filter(action="training.participant_added").exists()
    assert indicators.judges_trained(training.start_date.year) == 0
    detail = page.get(f"/capacity/trainings/{training.pk}/").content.decode()
    assert "data-not-started" in detail and f"/capacity/trainings/{training.pk}/participants/" not in detail
    # on its first day it can be recorded
    Training.objects.filter(pk=training.pk).update(start_date=timezone.localdate())
    services.participant_add(
        actor=sup, training_id=training.pk, data=services.ParticipantInput(role="judges", institution_other="OJ")
    )
    assert Participant.objects.count() == 1


def test_showing_participant_names_is_audited_without_the_names(world, client) -> None:
    sup = world.actor("supervisor")
    training = services.training_create(
        actor=sup,
        data=services.TrainingInput(
            title="Trata", start_date=D(2011, 5, 2), end_date=D(2011, 5, 3), topics=["other"], target_groups=["police"]
        ),
    )
    services.participant_add(
        actor=sup, training_id=training.pk, data=services.ParticipantInput(role="police", institution_other="PNC")
    )
    selectors.training_get(actor=sup, training_id=training.pk)
    assert not AuditEvent.objects.filter(action="training.participants_view").exists()  # no names: nothing shown
    services.participant_add(
        actor=sup,
        training_id=training.pk,
        data=services.ParticipantInput(role="police", institution_other="PNC", name="Agente Pérez"),
    )
    body = login(client, world.user("supervisor")).get(f"/capacity/trainings/{training.pk}/").content.decode()
    assert "Agente Pérez" in body
    event = AuditEvent.objects.get(action="training.participants_view")
    assert event.target_id == str(training.pk) and event.details == {"named": 1}
    # others see no names, and nothing is recorded for them
    selectors.training_get(actor=world.actor("statistician"), training_id=training.pk)
    assert AuditEvent.objects.filter(action="training.participants_view").count() == 1


def test_a_new_indicator_refuses_a_bad_target_and_saves_nothing(world, client) -> None:
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="2.1", title="Capacitar jueces", axis="prosecution", responsible_ids=[world.home.pk]
    )
    with pytest.raises(ValidationFailed) as exc:
        services.indicator_create(
            actor=stat, action_id=action.pk, name="Jueces", computed="judges_trained", targets={2027: Decimal(-5)}
        )
    assert "target_value" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.indicator_create(
            actor=stat, action_id=action.pk, name="Jueces", computed="judges_trained", targets={1999: Decimal(5)}
        )
    assert "target_year" in exc.value.errors
    page = login(client, world.user("statistician"))
    url = f"/capacity/plan/actions/{action.pk}/indicators/new/"
    form = {"name": "Jueces", "computed": "judges_trained"}
    for extra in ({"target_value": "-5", "target_year": "2027"}, {"target_year": "2027"}, {"target_value": "40"}):
        response = page.post(url, {**form, **extra})
        assert response.status_code == 400, extra
    assert "Give both the target year and the target, or neither." in response.content.decode()
    assert not Indicator.objects.exists() and not IndicatorTarget.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.indicator_created").exists()
    assert page.post(url, {**form, "target_year": "2027", "target_value": "0"}).status_code == 302
    assert IndicatorTarget.objects.get().value == 0


def test_progress_on_a_computed_indicator_offers_no_value_field(world, client) -> None:
    stat = world.actor("statistician")
    action = services.plan_action_create(
        actor=stat, code="2.1", title="Capacitar jueces", axis="prosecution", responsible_ids=[world.home.pk]
    )
    services.indicator_create(actor=stat, action_id=action.pk, name="Jueces", computed="judges_trained")
    body = login(client, world.user("supervisor")).get("/capacity/plan/").content.decode()
    assert 'name="note"' in body and 'name="value"' not in body
    services.indicator_create(actor=stat, action_id=action.pk, name="Protocolos", source="Informe")
    body = client.get("/capacity/plan/").content.decode()
    assert body.count('name="value"') == 1


def test_negative_participants_are_reported_on_their_own_field(world) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.prevention_create(
            actor=world.actor("supervisor"),
            data=services.ActivityInput(
                kind="campaign",
                title="Campaña",
                start_date=D(2011, 6, 1),
                end_date=D(2011, 6, 30),
                media=["radio"],
                participants=-1,
            ),
        )
    assert list(exc.value.errors) == ["participants"]
