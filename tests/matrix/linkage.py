"""Linkage screens in the authorization matrix. The pair between two home persons shows the cross-institution
denial: reviewers of the other institution get 404; a pair across both institutions is open to both."""

from __future__ import annotations

from typing import Any

from amparo.accounts.roles import Perm, role_has
from amparo.linkage.models import CandidatePair, LinkageRun, PartnerImport, PartnerLink, PersonMerge, RunStatus
from tests.conftest import make_person
from tests.matrix import Case, by_perm, own_object


def _home_reviewer(ok: int):
    return own_object(Perm.LINKAGE_REVIEW, ok)


def _both_reviewers(role: str, where: str) -> int:
    return 200 if role_has(role, Perm.LINKAGE_REVIEW) else 403


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    home_actor = world.actor("caseworker")
    twin = make_person(home_actor, "Valeria", "Jimenez")
    other_person = make_person(world.actor("caseworker", "other"), "Valeria", "Jiménez")
    run = LinkageRun.objects.create(threshold=6, status=RunStatus.SUCCEEDED, is_current=True)
    evidence = {"given_name": {"level": "exact", "weight": 7.0}}
    home_pair = CandidatePair.objects.create(
        run=run,
        left=base["person"],
        right=twin,
        left_org=world.home,
        right_org=world.home,
        match_weight=12,
        match_probability=0.99,
        evidence=evidence,
    )
    cross_pair = CandidatePair.objects.create(
        run=run,
        left=base["person"],
        right=other_person,
        left_org=world.home,
        right_org=world.other,
        match_weight=10,
        match_probability=0.98,
        evidence=evidence,
    )
    merged_a = make_person(home_actor, "Rosa", "Coc")
    merged_b = make_person(home_actor, "Rosa", "Cok")
    merge = PersonMerge.objects.create(survivor=merged_a, absorbed=merged_b)
    partner = PartnerImport.objects.create(partner="SV", schema_version="1", record_count=1, file_sha256="0" * 64)
    link = PartnerLink.objects.create(
        partner_import=partner, person=base["person"], owner_org=world.home, partner_record="sv-1", dice=0.9
    )
    return {"run": run, "home_pair": home_pair, "cross_pair": cross_pair, "merge": merge, "partner_link": link}


CASES = [
    Case("linkage:runs", "get", lambda o: "/linkage/runs/", by_perm(Perm.LINKAGE_RUN)),
    Case("linkage:run", "get", lambda o: f"/linkage/runs/{o['run'].pk}/", by_perm(Perm.LINKAGE_RUN)),
    Case("linkage:queue", "get", lambda o: "/linkage/review/", by_perm(Perm.LINKAGE_REVIEW)),
    Case("linkage:pair", "get", lambda o: f"/linkage/review/{o['home_pair'].pk}/", _home_reviewer(200)),
    Case("linkage:pair", "get", lambda o: f"/linkage/review/{o['cross_pair'].pk}/", _both_reviewers),
    Case(
        "linkage:pair_decide",
        "post",
        lambda o: f"/linkage/review/{o['home_pair'].pk}/decide/",
        _home_reviewer(302),
        {"decision": "bogus"},
    ),
    Case("linkage:merge_undo", "post", lambda o: f"/linkage/merges/{o['merge'].pk}/undo/", _home_reviewer(302)),
    Case(
        "linkage:partner_link_decide",
        "post",
        lambda o: f"/linkage/partner-links/{o['partner_link'].pk}/decide/",
        _home_reviewer(302),
        {"decision": "bogus"},
    ),
]

CASES.append(
    Case(
        "linkage:possible_duplicates",
        "post",
        lambda o: "/linkage/possible-duplicates/",
        by_perm(Perm.PERSON_CREATE),
        {"given_names": "Valeria", "surnames": "Jiménez"},
    )
)
