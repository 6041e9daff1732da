"""Fixes from the area audit: the plan screen publishes its computed indicators as the statistics do."""

from __future__ import annotations

import datetime

import pytest

from amparo.capacity import selectors, services
from amparo.capacity.models import Participant
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
