"""Roles and permissions: the one readable table. Deny by default: what is not listed is refused.

A user acts through a membership (user, institution, role). Object-level rules (which person or case
a permission applies to) live in each app's permissions.py and always start from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

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
    # --- hotline app (amparo.hotline) ---
    HOTLINE_TAKE = "hotline.take"  # record, take and work calls of the shared queue (call-center institutions)
    HOTLINE_SUPERVISE = "hotline.supervise"  # whole queue, reassign, statistics, on-duty roster
    HOTLINE_ALERT = "hotline.alert"  # can be on duty for urgent rescue alerts and open the alerts sent to one
    # capacity and stats (issue 6)
    CAPACITY_VIEW = "capacity.view"  # trainings, prevention activities and the national plan (no victims in them)
    CAPACITY_MANAGE = "capacity.manage"  # record the institution's trainings, participants and prevention work
    PLAN_MANAGE = "plan.manage"  # the national plan: actions, indicators, targets (the secretariat)
    PLAN_REPORT = "plan.report"  # progress of the institution's actions; its narrative in the annual report
    STATS_RECORDS = "stats.records"  # the records behind a figure (only cases the user may see anyway)
    STATS_EXPORT_IDENTIFIED = "stats.export_identified"  # record-level exports of the institution's cases
    # --- justice (investigations and prosecutions) ---
    COMPLAINT_CREATE = "complaint.create"  # record a complaint (denuncia), e.g. from a hotline call
    JUSTICE_VIEW = "justice.view"  # complaints received by the institution; investigations of one's team
    JUSTICE_EDIT = "justice.edit"  # open investigations, work on those of one's team
    OPERATION_CREATE = "operation.create"  # plan compartmented operations (raids) and name their members
    WITNESS_PROTECT = "witness.protect"  # place witnesses under protection and name the protection team
    # law app: the legal catalog is public law that every signed-in user browses; the calculator is
    # for the roles that work with cases or justice.
    LAW_CALCULATE = "law.calculate"
    # --- reintegration / directory editing (issue 4) ---
    DIRECTORY_MANAGE = "directory.manage"  # edit the institution's own rows of the service directory
    # repatriation (amparo.repatriation)
    REPATRIATION_MANAGE = "repatriation.manage"  # start, work on and cancel the repatriation of a team case
    REPATRIATION_PARTICIPATE = "repatriation.participate"  # see and do the steps the institution is named for
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
    # --- hotline app ---
    Perm.HOTLINE_TAKE: _("Record and work hotline calls (call-center institutions)"),
    Perm.HOTLINE_SUPERVISE: _("Supervise the hotline: whole queue, reassignment, statistics, on-duty roster"),
    Perm.HOTLINE_ALERT: _("Receive urgent rescue alerts from the hotline when on duty"),
    # capacity and stats (issue 6)
    Perm.CAPACITY_VIEW: _("See trainings, prevention activities and the national plan"),
    Perm.CAPACITY_MANAGE: _("Record the institution's trainings and prevention activities"),
    Perm.PLAN_MANAGE: _("Manage the national plan: actions, indicators and targets"),
    Perm.PLAN_REPORT: _("Report progress on the institution's plan actions and write its report narrative"),
    Perm.STATS_RECORDS: _("See the records behind a statistic (cases one may see anyway)"),
    Perm.STATS_EXPORT_IDENTIFIED: _("Export the institution's case records (password-protected archives)"),
    # --- justice ---
    Perm.COMPLAINT_CREATE: _("Record complaints (denuncias)"),
    Perm.JUSTICE_VIEW: _("See complaints received and the investigations of your team"),
    Perm.JUSTICE_EDIT: _("Open investigations and work on those of your team"),
    Perm.OPERATION_CREATE: _("Plan compartmented operations and name their members"),
    Perm.WITNESS_PROTECT: _("Place witnesses under protection and name the protection team"),
    Perm.LAW_CALCULATE: _("Run the penalty calculator"),  # law app
    # --- reintegration / directory editing (issue 4) ---
    Perm.DIRECTORY_MANAGE: _("Edit the institution's services in the service directory"),
    # repatriation (amparo.repatriation)
    Perm.REPATRIATION_MANAGE: _("Start and follow the repatriation of your team's cases"),
    Perm.REPATRIATION_PARTICIPATE: _("Take part in repatriations: the steps your institution is responsible for"),
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
# capacity and stats (issue 6): supervisors run their institution's trainings and report on the plan;
# statisticians (the secretariat's analysts) keep the plan and see only disclosure-controlled figures.
_STATS_SUPERVISOR = frozenset(
    {
        Perm.STATS_VIEW,
        Perm.CAPACITY_VIEW,
        Perm.CAPACITY_MANAGE,
        Perm.PLAN_REPORT,
        Perm.STATS_RECORDS,
        Perm.STATS_EXPORT_IDENTIFIED,
    }
)
_STATS_STATISTICIAN = frozenset({Perm.STATS_VIEW, Perm.CAPACITY_VIEW, Perm.PLAN_MANAGE})
# --- justice: police investigators plan and execute operations; prosecutors also run witness protection ---
_JUSTICE_WORK = frozenset({Perm.COMPLAINT_CREATE, Perm.JUSTICE_VIEW, Perm.JUSTICE_EDIT, Perm.OPERATION_CREATE})
_INVESTIGATOR_JUSTICE = _JUSTICE_WORK
_PROSECUTOR_JUSTICE = _JUSTICE_WORK | {Perm.WITNESS_PROTECT}

# --- reintegration / directory editing (issue 4): who keeps the institution's directory rows current ---
_DIRECTORY = frozenset({Perm.DIRECTORY_MANAGE})

# repatriation (amparo.repatriation): who starts a repatriation for a case, and who takes part in one.
_REPATRIATION_BOTH = frozenset({Perm.REPATRIATION_MANAGE, Perm.REPATRIATION_PARTICIPATE})
_REPATRIATION_PARTICIPATE = frozenset({Perm.REPATRIATION_PARTICIPATE})

# --- hotline app: who takes calls, supervises the hotline, is alerted for urgent rescues ---
_HOTLINE_TAKE = frozenset({Perm.HOTLINE_TAKE})
# Hotline supervisors also turn a call into a complaint (denuncia), as their operators do.
_HOTLINE_SUPERVISE = frozenset({Perm.HOTLINE_TAKE, Perm.HOTLINE_SUPERVISE, Perm.COMPLAINT_CREATE})
_HOTLINE_ALERT = frozenset({Perm.HOTLINE_ALERT})

# role -> (permissions, two-factor required)
ROLE_TABLE: dict[str, RoleRules] = {
    Role.CASEWORKER: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS | _REPATRIATION_BOTH, two_factor=True),
    Role.SUPERVISOR: RoleRules(
        _PERSON_FULL
        | _CASE_WORK
        | {Perm.CASE_SUPERVISE, Perm.REFERRAL_OVERRIDE, Perm.SHELTER_ADMIT}
        | _OWN_TOKENS
        | _DIRECTORY
        | _REPATRIATION_BOTH
        | _HOTLINE_SUPERVISE
        | _STATS_SUPERVISOR
        | {Perm.LINKAGE_REVIEW},  # linkage: supervisors review duplicates of their institution's persons
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
        | _OWN_TOKENS
        | _REPATRIATION_PARTICIPATE,
        two_factor=True,
    ),
    Role.HOTLINE_OPERATOR: RoleRules(
        frozenset({Perm.PERSON_VIEW, Perm.PERSON_SEARCH, Perm.PERSON_CREATE, Perm.CASE_VIEW, Perm.CASE_CREATE})
        | {Perm.COMPLAINT_CREATE}  # justice: a call can become a complaint
        | _OWN_TOKENS
        | _HOTLINE_TAKE,
        two_factor=True,
    ),
    Role.CONSULAR_OFFICER: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS | _REPATRIATION_BOTH, two_factor=True),
    Role.INVESTIGATOR: RoleRules(
        _PERSON_FULL | _CASE_WORK | _INVESTIGATOR_JUSTICE | _OWN_TOKENS | _HOTLINE_ALERT, two_factor=True
    ),
    Role.PROSECUTOR: RoleRules(
        _PERSON_FULL | _CASE_WORK | _PROSECUTOR_JUSTICE | _OWN_TOKENS | _HOTLINE_ALERT, two_factor=True
    ),
    Role.PGN_ATTORNEY: RoleRules(_PERSON_FULL | _CASE_WORK | _OWN_TOKENS | _REPATRIATION_BOTH, two_factor=True),
    Role.STATISTICIAN: RoleRules(_STATS_STATISTICIAN | _OWN_TOKENS, two_factor=False),
    # The trail holds no identities, but it maps who did what: auditors use two factors too.
    Role.AUDITOR: RoleRules(frozenset({Perm.AUDIT_VIEW}), two_factor=True),
    # Administrators manage accounts, which could grant any access: two factors, and no case content.
    # linkage: administrators may start a run (it shows counts and progress, never identities).
    Role.ADMINISTRATOR: RoleRules(frozenset({Perm.USER_MANAGE, Perm.LINKAGE_RUN}) | _DIRECTORY, two_factor=True),
}

# law app: the penalty calculator for every role that works with cases or justice.
for _role in (
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.SHELTER_STAFF,
    Role.HOTLINE_OPERATOR,
    Role.CONSULAR_OFFICER,
    Role.INVESTIGATOR,
    Role.PROSECUTOR,
    Role.PGN_ATTORNEY,
):
    ROLE_TABLE[_role] = RoleRules(ROLE_TABLE[_role].permissions | {Perm.LAW_CALCULATE}, ROLE_TABLE[_role].two_factor)


def role_has(role: str, perm: str) -> bool:
    rules = ROLE_TABLE.get(role)
    return bool(rules and perm in rules.permissions)


def role_requires_two_factor(role: str) -> bool:
    rules = ROLE_TABLE.get(role)
    return True if rules is None else rules.two_factor


# --- which institutions may hold which role: the one place for this rule ---
# Roles that carry state powers (prosecution, criminal investigation, consular protection, the PGN's
# representation of children) belong to the institutions that hold those powers by law; the general roles
# may be held in any member institution. Deny by default: a role missing from ROLE_HOLDERS is held nowhere.
# Institutions are matched by their code (organizations/seed.py), their parent's code (the Guatemalan
# consulates hang from the Foreign Ministry) or a code prefix (the consulates of other countries registered
# as institutions: ``consulado-honduras``).


class Institution(Protocol):
    code: str

    @property
    def parent(self) -> Any: ...


@dataclass(frozen=True)
class Holders:
    """The institutions that may hold a role. ``anywhere`` for the general roles."""

    anywhere: bool = False
    codes: frozenset[str] = frozenset()
    parent_codes: frozenset[str] = frozenset()
    code_prefixes: tuple[str, ...] = ()

    def admit(self, organization: Institution) -> bool:
        if self.anywhere:
            return True
        code = (organization.code or "").lower()
        if code in self.codes or code.startswith(self.code_prefixes):
            return True
        parent = organization.parent if getattr(organization, "parent_id", None) else None
        return parent is not None and (parent.code or "").lower() in self.parent_codes


ANYWHERE = Holders(anywhere=True)
PUBLIC_MINISTRY = "mp"
NATIONAL_POLICE = "pnc"
FOREIGN_MINISTRY = "minex"
SOLICITOR_GENERAL = "pgn"

ROLE_HOLDERS: dict[str, Holders] = {
    Role.CASEWORKER: ANYWHERE,
    Role.SUPERVISOR: ANYWHERE,
    Role.SHELTER_STAFF: ANYWHERE,
    Role.HOTLINE_OPERATOR: ANYWHERE,  # call centers are registered per institution (hotline app)
    Role.STATISTICIAN: ANYWHERE,
    Role.AUDITOR: ANYWHERE,
    Role.ADMINISTRATOR: ANYWHERE,
    # Prosecution is the Public Ministry's alone; its own investigators (DICRI) work beside the police.
    Role.PROSECUTOR: Holders(codes=frozenset({PUBLIC_MINISTRY})),
    Role.INVESTIGATOR: Holders(codes=frozenset({NATIONAL_POLICE, PUBLIC_MINISTRY})),
    # The Foreign Ministry (its consular affairs and call center), its consulates, and the consulates of
    # other countries that take part in repatriations.
    Role.CONSULAR_OFFICER: Holders(
        codes=frozenset({FOREIGN_MINISTRY}),
        parent_codes=frozenset({FOREIGN_MINISTRY}),
        code_prefixes=("consulado-",),
    ),
    Role.PGN_ATTORNEY: Holders(codes=frozenset({SOLICITOR_GENERAL})),
}


def role_allowed_in(role: str, organization: Institution) -> bool:
    """Whether a user of this institution may be given this role."""
    holders = ROLE_HOLDERS.get(role)
    return holders is not None and holders.admit(organization)


def role_choices_for(organization: Institution | None) -> list[tuple[str, str | Promise]]:
    """The roles a user of this institution may be given, for forms (none without an institution)."""
    if organization is None:
        return []
    return [(value, label) for value, label in Role.choices if role_allowed_in(value, organization)]
