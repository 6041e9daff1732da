"""Vocabularies of the justice app (HTCDS 2.0 where it has one)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintSource(models.TextChoices):
    HOTLINE = "hotline", _("Hotline / call center")
    WALK_IN = "walk_in", _("Walk-in")
    POLICE = "police", _("Police report")
    INSTITUTION = "institution", _("Referral from another institution")
    EX_OFFICIO = "ex_officio", _("Ex officio (opened by the Public Ministry)")


# The institutions that receive complaints (denuncias): the Public Ministry and the National Civil Police.
RECEIVING_INSTITUTION_CODES = ("mp", "pnc")


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("Under investigation")
    PROSECUTION = "prosecution", _("Prosecution (charges filed)")
    TRIAL = "trial", _("Trial")
    JUDGMENT = "judgment", _("Judgment")
    CLOSED = "closed", _("Closed")


# The criminal procedure (Código Procesal Penal), one place for its order. The preparatory investigation
# ends in an accusation (acusación: charges filed) or in a closure (archivo, desestimación, sobreseimiento);
# the intermediate stage sends the accusation to trial (apertura a juicio), sends it back to the
# investigation (clausura provisional) or closes it; the trial ends in a judgment (sentencia), which becomes
# final (closed) or is annulled on appeal with a new trial (reenvío). The criminal action may end at any
# stage (death of the accused, prescription), so every open stage may close. A closed file reopens only
# into the investigation (new evidence after an archivo or a clausura provisional).
INVESTIGATION_TRANSITIONS: dict[str, frozenset[str]] = {
    InvestigationStatus.OPEN: frozenset({InvestigationStatus.PROSECUTION, InvestigationStatus.CLOSED}),
    InvestigationStatus.PROSECUTION: frozenset(
        {InvestigationStatus.TRIAL, InvestigationStatus.CLOSED, InvestigationStatus.OPEN}
    ),
    InvestigationStatus.TRIAL: frozenset({InvestigationStatus.JUDGMENT, InvestigationStatus.CLOSED}),
    InvestigationStatus.JUDGMENT: frozenset({InvestigationStatus.CLOSED, InvestigationStatus.TRIAL}),
    InvestigationStatus.CLOSED: frozenset({InvestigationStatus.OPEN}),
}
INVESTIGATION_STAGE_ORDER: tuple[str, ...] = (
    InvestigationStatus.OPEN,
    InvestigationStatus.PROSECUTION,
    InvestigationStatus.TRIAL,
    InvestigationStatus.JUDGMENT,
    InvestigationStatus.CLOSED,
)


def investigation_next_statuses(status: str) -> list[str]:
    """The statuses an investigation may move to from ``status``, in the order of the procedure."""
    allowed = INVESTIGATION_TRANSITIONS.get(status, frozenset())
    return [s for s in INVESTIGATION_STAGE_ORDER if s in allowed]


def investigation_step_back(from_status: str, to_status: str) -> bool:
    """Whether the move goes back to an earlier stage (reopening a closed file included): it needs a reason."""
    order = INVESTIGATION_STAGE_ORDER
    return from_status in order and to_status in order and order.index(to_status) < order.index(from_status)


class TeamRole(models.TextChoices):
    PROSECUTOR = "prosecutor", _("Prosecutor")
    INVESTIGATOR = "investigator", _("Investigator")
    ASSISTANT = "assistant", _("Assistant")


# The roles a member may take in an investigation team, by their role in their institution (accounts
# ``Role`` codes). Deny by default: a user role not listed here cannot join a team. The first is the default.
# A prosecutor leads or assists (auxiliar fiscal); an investigator investigates or assists.
TEAM_ROLES_FOR_USER_ROLE: dict[str, tuple[str, ...]] = {
    "prosecutor": (TeamRole.PROSECUTOR, TeamRole.ASSISTANT),
    "investigator": (TeamRole.INVESTIGATOR, TeamRole.ASSISTANT),
}


def team_roles_for(user_roles: list[str] | tuple[str, ...]) -> list[str]:
    """The team roles that fit any of ``user_roles`` (a user's active roles), the default first."""
    found: list[str] = []
    for role in user_roles:
        for team_role in TEAM_ROLES_FOR_USER_ROLE.get(role, ()):
            if team_role not in found:
                found.append(team_role)
    return found


class PlaceType(models.TextChoices):
    BAR = "bar", _("Bar")
    NIGHT_CLUB = "night_club", _("Night club")
    BROTHEL = "brothel", _("Brothel")
    FARM = "farm", _("Farm")
    AGENCY = "agency", _("Agency (employment, travel, modelling)")
    OTHER = "other", _("Other")


class RoleInProcess(models.TextChoices):
    """HTCDS 2.0 per_RoleInProcess."""

    RECRUITER = "Recruiter", _("Recruiter")
    TRANSPORTER = "Transporter", _("Transporter")
    EXPLOITER = "Exploiter", _("Exploiter")
    SMUGGLER = "Smuggler", _("Smuggler")
    HARBOURER = "Harbourer", _("Harbourer (receives or hides victims)")
    CONTROLLER = "Controller", _("Controller / guard")
    OWNER = "Owner", _("Owner of the business")
    MANAGER = "Manager", _("Manager")
    FINANCIER = "Financier", _("Financier")
    DOCUMENT_FORGER = "DocumentForger", _("Document forger")
    CLIENT = "Client", _("Client (pays for exploitation)")
    CORRUPT_OFFICIAL = "CorruptOfficial", _("Complicit official")
    INTERMEDIARY = "Intermediary", _("Intermediary")
    OTHER = "Other", _("Other")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class SuspectKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    BUSINESS = "business", _("Business")


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    DIGITAL = "digital", _("Digital (phone, computer, messages)")
    PHYSICAL = "physical", _("Physical object")
    FINANCIAL = "financial", _("Financial record")
    TESTIMONY = "testimony", _("Recorded testimony")
    FORENSIC = "forensic", _("Forensic report")
    OTHER = "other", _("Other")


class CustodyAction(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    TRANSFERRED = "transferred", _("Transferred")
    ANALYSED = "analysed", _("Sent for analysis")
    STORED = "stored", _("Stored")
    PRESENTED = "presented", _("Presented in court")
    RETURNED = "returned", _("Returned")
    DESTROYED = "destroyed", _("Destroyed")


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    EXECUTED = "executed", _("Executed")
    CANCELLED = "cancelled", _("Cancelled")


class CourtEventKind(models.TextChoices):
    FIRST_STATEMENT = "first_statement", _("First statement")
    INDICTMENT = "indictment", _("Indictment")
    INTERMEDIATE = "intermediate", _("Intermediate stage hearing")
    TRIAL = "trial", _("Trial")
    VERDICT = "verdict", _("Verdict")
    APPEAL = "appeal", _("Appeal")


class CooperationKind(models.TextChoices):
    EXTRADITION = "extradition", _("Extradition")
    MLA = "mla", _("Mutual legal assistance")
    DEPORTATION = "deportation", _("Deportation")


class CooperationDirection(models.TextChoices):
    OUTGOING = "outgoing", _("Requested by Guatemala")
    INCOMING = "incoming", _("Requested from abroad")


class CooperationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    EXECUTED = "executed", _("Executed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChargeStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECIDED = "decided", _("Decided (verdict)")


class VerdictOutcome(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")
