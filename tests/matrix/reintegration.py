"""Reintegration screens and API: the case team (owner, the institution's supervisors) only; anybody else
404 (no existence leak), or 403 without the permission."""

from __future__ import annotations

from typing import Any

from amparo.accounts.roles import Perm
from amparo.reintegration import services
from tests.matrix import Case, by_perm, case_team


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    goal = services.goal_add(
        actor=world.actor("caseworker"),
        case_id=base["case"].pk,
        area="counselling",
        description="Terapia de grupo",
        institution_id=world.home.pk,
    )
    return {"goal": goal}


CASES = [
    Case("reintegration:due", "get", lambda o: "/reintegration/", by_perm(Perm.CASE_VIEW)),
    Case("reintegration:case", "get", lambda o: f"/reintegration/cases/{o['case'].pk}/", case_team(Perm.CASE_VIEW)),
    Case(
        "reintegration:goal_new",
        "get",
        lambda o: f"/reintegration/cases/{o['case'].pk}/goals/new/",
        case_team(Perm.CASE_EDIT),
    ),
    Case(
        "reintegration:visit_new",
        "get",
        lambda o: f"/reintegration/cases/{o['case'].pk}/visits/new/",
        case_team(Perm.CASE_EDIT),
    ),
    Case(
        "reintegration:goal_edit",
        "get",
        lambda o: f"/reintegration/goals/{o['goal'].pk}/",
        case_team(Perm.CASE_EDIT),
    ),
    Case(
        "api:case_reintegration",
        "get",
        lambda o: f"/api/v1/cases/{o['case'].pk}/reintegration/",
        case_team(Perm.CASE_VIEW),
    ),
]
