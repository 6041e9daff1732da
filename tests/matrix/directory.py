"""Editing the service directory: users with directory.manage edit their own institution's offers only;
another institution's offer is 404 (no existence leak)."""

from __future__ import annotations

from typing import Any

from amparo.accounts.roles import Perm
from amparo.referrals.models import ServiceOffer
from tests.matrix import Case, by_perm, own_object


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    return {"home_offer": ServiceOffer.objects.get(organization=world.home, service_type="legal")}


CASES = [
    Case("referrals:directory_manage", "get", lambda o: "/referrals/directory/manage/", by_perm(Perm.DIRECTORY_MANAGE)),
    Case("referrals:offer_new", "get", lambda o: "/referrals/directory/manage/new/", by_perm(Perm.DIRECTORY_MANAGE)),
    Case(
        "referrals:offer_edit",
        "get",
        lambda o: f"/referrals/directory/manage/{o['home_offer'].pk}/",
        own_object(Perm.DIRECTORY_MANAGE),
    ),
    # Reactivating an active offer changes nothing: every role can run it on the same object.
    Case(
        "referrals:offer_active",
        "post",
        lambda o: f"/referrals/directory/manage/{o['home_offer'].pk}/active/",
        own_object(Perm.DIRECTORY_MANAGE, 302),
        {"active": "1"},
    ),
]
