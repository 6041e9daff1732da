"""Trainings, prevention and the national plan: the screens of the capacity app.

Trainings and the plan are visible to every role with capacity.view whatever its institution (public
sector work, no victims in it); changing a training (participants) is for its own institution (404
elsewhere); progress is reported only by the institutions responsible for the action (403 elsewhere)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from amparo.accounts.roles import Perm, role_has
from amparo.capacity import services
from tests.matrix import Case, by_perm, own_object


def _responsible(ok: int):
    return lambda role, where: (ok if where == "home" else 403) if role_has(role, Perm.PLAN_REPORT) else 403


CASES = [
    Case("capacity:trainings", "get", lambda o: "/capacity/trainings/", by_perm(Perm.CAPACITY_VIEW)),
    Case("capacity:training_new", "get", lambda o: "/capacity/trainings/new/", by_perm(Perm.CAPACITY_MANAGE)),
    Case(
        "capacity:training",
        "get",
        lambda o: f"/capacity/trainings/{o['training'].pk}/",
        by_perm(Perm.CAPACITY_VIEW),
    ),
    # Editing a training or a participant: the organizing (home) institution's managers; 404 elsewhere.
    Case(
        "capacity:training_edit",
        "get",
        lambda o: f"/capacity/trainings/{o['training'].pk}/edit/",
        own_object(Perm.CAPACITY_MANAGE),
    ),
    Case(
        "capacity:participant_edit",
        "get",
        lambda o: f"/capacity/trainings/{o['training'].pk}/participants/{o['participant'].pk}/edit/",
        own_object(Perm.CAPACITY_MANAGE),
    ),
    Case(
        "capacity:participant_add",
        "post",
        lambda o: f"/capacity/trainings/{o['training'].pk}/participants/",
        own_object(Perm.CAPACITY_MANAGE, 302),
        {"role": "judges", "sex": "F", "institution_other": "OJ", "attended": "on"},
    ),
    Case(
        "capacity:participant_remove",
        "post",
        lambda o: f"/capacity/trainings/{o['training'].pk}/participants/{o['participant'].pk}/remove/",
        own_object(Perm.CAPACITY_MANAGE, 302),
    ),
    Case("capacity:prevention", "get", lambda o: "/capacity/prevention/", by_perm(Perm.CAPACITY_VIEW)),
    Case("capacity:prevention_new", "get", lambda o: "/capacity/prevention/new/", by_perm(Perm.CAPACITY_MANAGE)),
    Case("capacity:plan", "get", lambda o: "/capacity/plan/", by_perm(Perm.CAPACITY_VIEW)),
    Case("capacity:action_new", "get", lambda o: "/capacity/plan/actions/new/", by_perm(Perm.PLAN_MANAGE)),
    Case(
        "capacity:indicator_new",
        "get",
        lambda o: f"/capacity/plan/actions/{o['plan_action'].pk}/indicators/new/",
        by_perm(Perm.PLAN_MANAGE),
    ),
    Case(
        "capacity:action_edit",
        "get",
        lambda o: f"/capacity/plan/actions/{o['plan_action'].pk}/edit/",
        by_perm(Perm.PLAN_MANAGE),
    ),
    Case(
        "capacity:indicator_edit",
        "get",
        lambda o: f"/capacity/plan/indicators/{o['indicator'].pk}/edit/",
        by_perm(Perm.PLAN_MANAGE),
    ),
    Case(
        "capacity:target_set",
        "post",
        lambda o: f"/capacity/plan/indicators/{o['indicator'].pk}/targets/",
        by_perm(Perm.PLAN_MANAGE, 302),
        {"year": "2027", "value": "40"},
    ),
    Case(
        "capacity:target_remove",
        "post",
        lambda o: f"/capacity/plan/indicators/{o['indicator'].pk}/targets/2026/remove/",
        by_perm(Perm.PLAN_MANAGE, 302),
    ),
    Case(
        "capacity:progress_edit",
        "get",
        lambda o: f"/capacity/plan/progress/{o['progress'].pk}/edit/",
        own_object(Perm.PLAN_REPORT),  # reported by the home institution: only it corrects it
    ),
    Case(
        "capacity:progress_add",
        "post",
        lambda o: f"/capacity/plan/indicators/{o['indicator'].pk}/progress/",
        _responsible(302),
        {"year": "2026", "note": "Avance"},
    ),
]


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    supervisor = world.actor("supervisor")
    training = services.training_create(
        actor=supervisor,
        data=services.TrainingInput(
            title="Refresher for judges",
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 3),
            topics=["legal_framework"],
            target_groups=["judges"],
            planned_participants=30,
        ),
    )
    participant = services.participant_add(
        actor=supervisor,
        training_id=training.pk,
        data=services.ParticipantInput(role="judges", sex="F", institution_other="OJ", pre_score=40, post_score=80),
    )
    statistician = world.actor("statistician")
    action = services.plan_action_create(
        actor=statistician, code="1.1", title="Train judges", axis="prosecution", responsible_ids=[world.home.pk]
    )
    indicator = services.indicator_create(
        actor=statistician,
        action_id=action.pk,
        name="Judges trained",
        computed="judges_trained",
        targets={2026: Decimal(30)},
    )
    progress = services.progress_add(
        actor=supervisor, indicator_id=indicator.pk, year=2026, value=None, note="First group trained"
    )
    return {
        "training": training,
        "participant": participant,
        "plan_action": action,
        "indicator": indicator,
        "progress": progress,
    }
