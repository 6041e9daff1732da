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


class TeamRole(models.TextChoices):
    PROSECUTOR = "prosecutor", _("Prosecutor")
    INVESTIGATOR = "investigator", _("Investigator")
    ASSISTANT = "assistant", _("Assistant")


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
