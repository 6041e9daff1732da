"""The referral actions of the JSON API in the authorization matrix.

The core objects (tests/test_authorization_matrix.py): ``referral`` goes from the home case to the other
institution and awaits its answer; ``shelter_referral`` was accepted by the other institution, which placed the
person in its shelter. Each action is posted so that whoever may act on it gets the service's 400 (already
answered, not yet accepted, still in the shelter) and nothing changes between roles: the receiving
institution's roles answer, the sending case team cancels; another institution gets 404 and a role without
the permission 403, as on the web actions (referrals:respond, referrals:complete, referrals:cancel).

POST /api/v1/referrals/ (send) needs the case's id in its body, which the matrix's static bodies cannot carry:
its every-role x both-institutions check is in tests/referrals/test_api_actions.py.
"""

from __future__ import annotations

from collections.abc import Callable

from amparo.accounts.roles import Perm, role_has
from tests.matrix import Case, case_team


def _receiver(ok: int) -> Callable[[str, str], int]:
    def expect(role: str, where: str) -> int:
        if not role_has(role, Perm.REFERRAL_RECEIVE):
            return 403
        return ok if where == "other" else 404

    return expect


CASES = [
    Case(
        "api:referral_accept",
        "post",
        lambda o: f"/api/v1/referrals/{o['shelter_referral'].pk}/accept/",
        _receiver(400),
    ),
    Case(
        "api:referral_decline",
        "post",
        lambda o: f"/api/v1/referrals/{o['shelter_referral'].pk}/decline/",
        _receiver(400),
        {"reason": "Sin cupo"},
    ),
    Case(
        "api:referral_complete",
        "post",
        lambda o: f"/api/v1/referrals/{o['referral'].pk}/complete/",
        _receiver(400),
        {"outcome": "Atendida"},
    ),
    Case(
        "api:referral_cancel",
        "post",
        lambda o: f"/api/v1/referrals/{o['shelter_referral'].pk}/cancel/",
        case_team(Perm.REFERRAL_SEND, 400),
    ),
]
