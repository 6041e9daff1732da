"""Who may see and work on a case: the case team and the institution's supervisors, nobody else.

(The referral issue widens this with consented, time-limited shares, here.)
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import Case


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    if not actor.has(Perm.CASE_VIEW):
        return Case.objects.none()
    cases = Case.objects.filter(owner_org_id=actor.org_pk)
    if actor.has(Perm.CASE_SUPERVISE):
        return cases
    assigned = Case.assigned.through.objects.filter(case_id=OuterRef("pk"), user_id=actor.user_pk)
    return cases.filter(Q(owner_id=actor.user_pk) | Q(supervisor_id=actor.user_pk) | Exists(assigned))


def is_team_member(actor: Actor, case: Case) -> bool:
    if actor.user_pk in (case.owner_id, case.supervisor_id):
        return True
    return case.assigned.filter(pk=actor.user_pk).exists()


def can_view_case(actor: Actor, case: Case) -> bool:
    if not actor.has(Perm.CASE_VIEW) or case.owner_org_id != actor.org_pk:
        return False
    return actor.has(Perm.CASE_SUPERVISE) or is_team_member(actor, case)


def can_edit_case(actor: Actor, case: Case) -> bool:
    return actor.has(Perm.CASE_EDIT) and can_view_case(actor, case)


def can_supervise_case(actor: Actor, case: Case) -> bool:
    return actor.has(Perm.CASE_SUPERVISE) and case.owner_org_id == actor.org_pk


def supervisors_of(org_id: int) -> list[tuple[int, str]]:
    """The institution's active members whose role may supervise cases, as (user id, name), by username.

    The one rule for who can be a case's supervisor: approvals and at-risk alerts go to this person.
    """
    from amparo.accounts.models import Membership
    from amparo.accounts.roles import role_has

    memberships = Membership.objects.filter(organization_id=org_id, is_active=True, user__is_active=True)
    seen: dict[int, str] = {}
    for m in memberships.select_related("user").order_by("user__username"):
        if role_has(m.role, Perm.CASE_SUPERVISE):
            seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
    return list(seen.items())
