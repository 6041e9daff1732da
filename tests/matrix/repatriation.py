"""Authorization matrix for amparo.repatriation.

The home institution (Casa Alianza) owns the cases; its team is the home caseworker (owner) and the home
supervisors. The other institution (SBS) takes part only in repatriations of minors (children's welfare)
or when it is the receiving institution:

- ``rep_adult``: an adult returning from Mexico; SBS is not a party -> the other institution gets 404.
- ``rep_minor``: a minor; the current step is SBS's family assessment -> SBS's participants act on it.
  Its evidence files: the consular interview's (not SBS's to see: 404) and PGN's best-interest assessment
  (SBS needs it for the family assessment: 200).
- ``rep_handover``: an adult received by SBS, at the hand-over -> only SBS confirms (the team gets 403).
Actions are posted empty: whoever may act gets 400 (the evidence is missing), so nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amparo.accounts.roles import Perm, Role, role_has
from amparo.repatriation.models import Repatriation
from tests.matrix import Case, any_of, case_team

MANAGE, PARTICIPATE = Perm.REPATRIATION_MANAGE, Perm.REPATRIATION_PARTICIPATE


def _on_team(role: str, where: str) -> bool:
    return (
        where == "home" and role_has(role, MANAGE) and (role == Role.CASEWORKER or role_has(role, Perm.CASE_SUPERVISE))
    )


def access(
    team: int | None, party: int | None = None, *, needs: tuple[str, ...] = (MANAGE, PARTICIPATE)
) -> Callable[[str, str], int]:
    """Roles without any of ``needs`` get 403; the case team gets ``team``; the other institution's roles
    that take part get ``party`` (None: it is not a party, 404); anybody else 404."""

    def expect(role: str, where: str) -> int:
        if not any(role_has(role, p) for p in needs):
            return 403
        if _on_team(role, where):
            return 403 if team is None else team
        if where == "other" and party is not None and role_has(role, PARTICIPATE):
            return party
        return 404

    return expect


def cancel_access(party_visible: bool, ok: int = 200) -> Callable[[str, str], int]:
    """Only the team cancels; a party that sees the repatriation gets 403, anybody else 404."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, MANAGE):
            return 403
        if _on_team(role, where):
            return ok
        return 403 if party_visible and where == "other" else 404

    return expect


def _url(key: str, suffix: str = "") -> Callable[[dict[str, Any]], str]:
    return lambda o: f"/repatriations/{o[key].pk}/{suffix}"


def _api(key: str, suffix: str = "") -> Callable[[dict[str, Any]], str]:
    return lambda o: f"/api/v1/repatriations/{o[key].pk}/{suffix}"


CASES = [
    Case("repatriation:list", "get", lambda o: "/repatriations/", any_of(MANAGE, PARTICIPATE)),
    Case("repatriation:start", "get", lambda o: f"/repatriations/new/{o['case'].pk}/", case_team(MANAGE)),
    Case("repatriation:detail", "get", _url("rep_adult"), access(200)),
    Case("repatriation:detail", "get", _url("rep_minor"), access(200, 200)),
    Case("repatriation:step", "get", _url("rep_adult", "steps/consular_interview/"), access(200)),
    Case("repatriation:step", "post", _url("rep_adult", "steps/consular_interview/"), access(400)),
    Case("repatriation:step", "get", _url("rep_minor", "steps/family_assessment/"), access(200, 200)),
    Case("repatriation:step", "post", _url("rep_minor", "steps/family_assessment/"), access(400, 400)),
    # A step that is not SBS's: it sees the repatriation but may not record the step.
    Case("repatriation:step", "get", _url("rep_minor", "steps/travel_document/"), access(200, 403)),
    Case("repatriation:not_applicable", "get", _url("rep_adult", "steps/pdh_notice/not-applicable/"), access(200)),
    Case(
        "repatriation:not_applicable",
        "post",
        _url("rep_minor", "steps/family_assessment/not-applicable/"),
        access(400, 400),
        {"reason": "no"},
    ),
    Case("repatriation:handover", "get", _url("rep_handover", "handover/"), access(None, 200, needs=(PARTICIPATE,))),
    Case("repatriation:handover", "post", _url("rep_handover", "handover/"), access(None, 400, needs=(PARTICIPATE,))),
    Case("repatriation:handover", "get", _url("rep_adult", "handover/"), access(None, needs=(PARTICIPATE,))),
    Case("repatriation:cancel", "get", _url("rep_adult", "cancel/"), cancel_access(False)),
    Case("repatriation:cancel", "post", _url("rep_minor", "cancel/"), cancel_access(True, 400)),
    # Evidence files are need-to-know: SBS (a party) reads PGN's best-interest assessment, which it needs for
    # the family assessment, but not the consular interview's file (404, as if there were no file).
    Case(
        "repatriation:attachment",
        "get",
        lambda o: f"/repatriations/{o['rep_minor'].pk}/files/{o['rep_minor_file_step'].pk}/",
        access(200, 404),
    ),
    Case(
        "repatriation:attachment",
        "get",
        lambda o: f"/repatriations/{o['rep_minor'].pk}/files/{o['rep_minor_assessment_step'].pk}/",
        access(200, 200),
    ),
    Case("api:repatriations", "get", lambda o: "/api/v1/repatriations/", any_of(MANAGE, PARTICIPATE)),
    Case("api:repatriation", "get", _api("rep_adult"), access(200)),
    Case("api:repatriation", "get", _api("rep_minor"), access(200, 200)),
    Case(
        "api:repatriation_step_complete",
        "post",
        _api("rep_adult", "steps/consular_interview/complete/"),
        access(400),
        {"note": ""},
    ),
    Case(
        "api:repatriation_step_complete",
        "post",
        _api("rep_minor", "steps/family_assessment/complete/"),
        access(400, 400),
        {"note": ""},
    ),
]


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    from tests.repatriation.helpers import case_for, complete, current_code, start

    team = world.actor("caseworker")
    rep_adult = start(world, case_for(world, minor=False))
    rep_minor = start(world, case_for(world, minor=True))
    file_step = complete(team, rep_minor, "consular_interview", file_name="acta.txt", file_data=b"Acta consular")
    for code in ("travel_document", "minex_coordination"):
        complete(team, rep_minor, code)
    assessment_step = complete(team, rep_minor, "best_interest", file_name="informe.txt", file_data=b"Informe")
    assert current_code(rep_minor) == "family_assessment"
    rep_handover = start(world, case_for(world, minor=False), receiving="sbs")
    while current_code(rep_handover) != "handover":
        complete(team, rep_handover, current_code(rep_handover))
    assert Repatriation.objects.filter(status="in_progress").count() == 3
    return {
        "rep_adult": rep_adult,
        "rep_minor": rep_minor,
        "rep_minor_file_step": file_step,
        "rep_minor_assessment_step": assessment_step,
        "rep_handover": rep_handover,
    }
