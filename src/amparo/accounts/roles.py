"""Roles and permissions: the one readable table. Deny by default: what is not listed is refused.

A user acts through a membership (user, institution, role). Object-level rules (which person or case
a permission applies to) live in each app's permissions.py and always start from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Perm:
    """Permission codes. Later issues add theirs here."""

    PERSON_VIEW = "person.view"  # see identifying data of persons of one's institution
    PERSON_SEARCH = "person.search"
    PERSON_CREATE = "person.create"
    PERSON_EDIT = "person.edit"
    AUDIT_VIEW = "audit.view"  # browse the audit trail (no identities in it)
    USER_MANAGE = "user.manage"  # users and memberships of one's institution
    STATS_VIEW = "stats.view"  # disclosure-controlled aggregates only
    API_TOKEN_OWN = "api_token.own"  # create and revoke one's own API tokens
    CASE_VIEW = "case.view"  # cases of one's team (owner, assigned, supervisor)
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"  # record screening, consent, plans, services, tasks, notes on team cases
    CASE_SUPERVISE = "case.supervise"  # all cases of the institution; approve care plans and closures
    REFERRAL_SEND = "referral.send"  # refer a team case to another institution
    REFERRAL_RECEIVE = "referral.receive"  # see referrals to the institution (shared sections), answer them
    REFERRAL_OVERRIDE = "referral.override"  # refer without consent or order, with a written reason
    SHELTER_ADMIT = "shelter.admit"  # admit to and discharge from the institution's shelters
    # linkage (duplicate detection and cross-border linkage)
    LINKAGE_RUN = "linkage.run"  # start a duplicate-detection run and follow its progress (no identities)
    LINKAGE_REVIEW = "linkage.review"  # review candidate pairs involving the institution's persons; merge, undo


PERMISSION_LABELS: dict[str, Promise] = {
    Perm.PERSON_VIEW: _("View persons and their identifying data"),
    Perm.PERSON_SEARCH: _("Search persons by name or document"),
    Perm.PERSON_CREATE: _("Register persons"),
    Perm.PERSON_EDIT: _("Edit persons"),
    Perm.AUDIT_VIEW: _("Browse the audit trail"),
    Perm.USER_MANAGE: _("Manage users and roles of the institution"),
    Perm.STATS_VIEW: _("See statistics (aggregates only)"),
    Perm.API_TOKEN_OWN: _("Create and revoke personal API tokens"),
    Perm.CASE_VIEW: _("See the cases of your team"),
    Perm.CASE_CREATE: _("Open victim cases"),
    Perm.CASE_EDIT: _("Work on your team's cases"),
    Perm.CASE_SUPERVISE: _("Supervise all cases of the institution and approve plans and closures"),
    Perm.REFERRAL_SEND: _("Refer cases to other institutions"),
    Perm.REFERRAL_RECEIVE: _("Receive and answer referrals"),
    Perm.REFERRAL_OVERRIDE: _("Refer without consent or order, giving a written reason"),
    Perm.SHELTER_ADMIT: _("Admit to and discharge from the institution's shelters"),
    # linkage
    Perm.LINKAGE_RUN: _("Start duplicate-detection runs"),
    Perm.LINKAGE_REVIEW: _("Review possible duplicates of the institution's persons, merge and undo merges"),
}


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    INVESTIGATOR = "investigator", _("Investigator")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    PGN_ATTORNEY = "pgn_attorney", _("PGN attorney")
    STATISTICIAN = "statistician", _("Statistician")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


@dataclass(frozen=True)
class RoleRules:
    permissions: frozenset[str]
    two_factor: bool  # TOTP required to use this role


_PERSON_FULL = frozenset({Perm.PERSON_VIEW, Perm.PERSON_SEARCH, Perm.PERSON_CREATE, Perm.PERSON_EDIT})
_CASE_WORK = frozenset({Perm.CASE_VIEW, Perm.CASE_CREATE, Perm.CASE_EDIT, Perm.REFERRAL_SEND, Perm.REFERRAL_RECEIVE})
_OWN_TOKENS = frozenset({Perm.API_TOKEN_OWN})

# role -> (permissions, two-factor required)
ROLE_TABLE: dict[str, RoleRules] = {
    Role.CASEWORKER: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS, two_factor=True),
    Role.SUPERVISOR: RoleRules(
        _PERSON_FULL
        | _CASE_WORK
        | {Perm.CASE_SUPERVISE, Perm.REFERRAL_OVERRIDE, Perm.SHELTER_ADMIT}
        | {Perm.LINKAGE_REVIEW}  # linkage: supervisors review duplicates of their institution's persons
        | _OWN_TOKENS,
        two_factor=True,
    ),
    Role.SHELTER_STAFF: RoleRules(
        frozenset(
            {
                Perm.PERSON_VIEW,
                Perm.PERSON_SEARCH,
                Perm.PERSON_CREATE,
                Perm.CASE_VIEW,
                Perm.CASE_EDIT,
                Perm.REFERRAL_RECEIVE,
                Perm.SHELTER_ADMIT,
            }
        )
        | _OWN_TOKENS,
        two_factor=True,
    ),
    Role.HOTLINE_OPERATOR: RoleRules(
        frozenset({Perm.PERSON_VIEW, Perm.PERSON_SEARCH, Perm.PERSON_CREATE, Perm.CASE_VIEW, Perm.CASE_CREATE})
        | _OWN_TOKENS,
        two_factor=True,
    ),
    Role.CONSULAR_OFFICER: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS, two_factor=True),
    Role.INVESTIGATOR: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS, two_factor=True),
    Role.PROSECUTOR: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS, two_factor=True),
    Role.PGN_ATTORNEY: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS, two_factor=True),
    Role.STATISTICIAN: RoleRules(frozenset({Perm.STATS_VIEW}) | _OWN_TOKENS, two_factor=False),
    # The trail holds no identities, but it maps who did what: auditors use two factors too.
    Role.AUDITOR: RoleRules(frozenset({Perm.AUDIT_VIEW}), two_factor=True),
    # Administrators manage accounts, which could grant any access: two factors, and no case content.
    # linkage: administrators may start a run (it shows counts and progress, never identities).
    Role.ADMINISTRATOR: RoleRules(frozenset({Perm.USER_MANAGE, Perm.LINKAGE_RUN}), two_factor=True),
}


def role_has(role: str, perm: str) -> bool:
    rules = ROLE_TABLE.get(role)
    return bool(rules and perm in rules.permissions)


def role_requires_two_factor(role: str) -> bool:
    rules = ROLE_TABLE.get(role)
    return True if rules is None else rules.two_factor
