"""Vocabularies of the case file: HTCDS 2.0 codes, CTDC lists and the ILO screening indicators.

The code is what is stored; the label is translated for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IDENTIFICATION = "identification", _("Identification")
    ASSISTANCE = "assistance", _("Assistance")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", pgettext_lazy("case", "Closed")


# The workflow: only these transitions are valid (reopening needs a reason).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.IDENTIFICATION}),
    CaseStatus.IDENTIFICATION: frozenset({CaseStatus.ASSISTANCE}),
    CaseStatus.ASSISTANCE: frozenset({CaseStatus.FOLLOW_UP}),
    CaseStatus.FOLLOW_UP: frozenset({CaseStatus.ASSISTANCE}),
    CaseStatus.CLOSED: frozenset({CaseStatus.ASSISTANCE, CaseStatus.FOLLOW_UP}),  # reopen, with a reason
}


class ClosureCode(models.TextChoices):
    """A closure that ends no victim's case: kept as a code (on the case, its history and the audit trail) so
    that figures and follow-ups can tell it apart. Any other closure is explained in words (encrypted)."""

    OPENED_IN_ERROR = "opened_in_error", _("Opened in error")
    DUPLICATE = "duplicate", _("Duplicate of another case")


FREE_REASON = ""  # a closure explained in words only, with no code
# Closing goes through the supervisor's approval, from these states and for these reasons. A case still open
# (never screened) is closed only as opened in error or as a duplicate (the second active case of a person
# whose two records were merged): nothing was done in it that another reason could end.
CLOSABLE_FROM: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset(ClosureCode.values),
    CaseStatus.IDENTIFICATION: frozenset({FREE_REASON, *ClosureCode.values}),
    CaseStatus.ASSISTANCE: frozenset({FREE_REASON, *ClosureCode.values}),
    CaseStatus.FOLLOW_UP: frozenset({FREE_REASON, *ClosureCode.values}),
}
# Assistance rests on a consent to assistance in force (for a minor: a guardian's, the PGN attorney's or a
# judge's order, MINOR_CONSENT_GIVERS): every move into assistance needs one. Follow-up is reached only
# through assistance, so reopening a closed case into follow-up needs it as much as reopening it into
# assistance. Moving on from assistance to follow-up enters nothing new (a consent withdrawn meanwhile
# already stops the services: service_deliver).
NEEDS_CONSENT_TO_ASSISTANCE: frozenset[tuple[str, str]] = frozenset(
    {
        (CaseStatus.IDENTIFICATION, CaseStatus.ASSISTANCE),
        (CaseStatus.FOLLOW_UP, CaseStatus.ASSISTANCE),
        (CaseStatus.CLOSED, CaseStatus.ASSISTANCE),
        (CaseStatus.CLOSED, CaseStatus.FOLLOW_UP),
    }
)


class Priority(models.TextChoices):
    # "priority" context: Spanish "prioridad" is feminine (baja/alta), unlike risk levels (bajo/alto).
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", _("Urgent")


class RiskLevel(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


RISK_ORDER: list[str] = [RiskLevel.UNKNOWN, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL]


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus, with 'presumed' between possible and confirmed (actual)."""

    POSSIBLE = "possible", _("Possible victim")
    PRESUMED = "presumed", _("Presumed victim")
    CONFIRMED = "confirmed", _("Confirmed victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")


class DeterminedBy(models.TextChoices):
    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT_AGENCY = "GovernmentAgency", _("Government social or protection agency")
    IMMIGRATION = "Immigration", _("Immigration authority")
    INTERNATIONAL = "InternationalOrganization", _("International organization")
    SELF = "SelfIdentified", _("Self-identified")


class ExploitationForm(models.TextChoices):
    """HTCDS TypeOfExploitation plus forced criminality (an open request on the standard)."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced recruitment by armed groups")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Irregular adoption")
    SURROGACY = "Surrogacy", _("Forced surrogacy")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminality")
    OTHER = "Other", _("Other")


class MeansOfControl(models.TextChoices):
    """CTDC meansOfControl."""

    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL = "RestrictsFinancialAccess", _("Restricts financial access")
    THREATS = "Threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PSYCHOACTIVE = "PsychoactiveSubstances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    RESTRICTS_MEDICAL = "RestrictsMedicalCare", _("Restricts medical care")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    USES_CHILDREN = "UsesChildren", _("Uses children")
    THREAT_LAW_ENFORCEMENT = "ThreatOfLawEnforcement", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")
    NOT_SPECIFIED = "NotSpecified", _("Not specified")


class RecruiterRelation(models.TextChoices):
    """CTDC recruiterRelation."""

    INTIMATE_PARTNER = "IntimatePartner", _("Intimate partner")
    FRIEND = "Friend", _("Friend")
    FAMILY = "Family", _("Family member")
    OTHER = "Other", _("Other")
    UNKNOWN = "Unknown", _("Unknown")


class RecruitmentMethod(models.TextChoices):
    JOB_OFFER = "JobOffer", _("False job offer")
    STUDY_OFFER = "StudyOffer", _("False study or travel offer")
    MIGRATION = "MigrationFacilitation", _("Help to migrate")
    ROMANCE = "Romance", _("Romantic relationship")
    ABDUCTION = "Abduction", _("Abduction")
    SOLD_BY_FAMILY = "SoldByFamily", _("Sold or given by family")
    ONLINE = "Online", _("Online contact")
    OTHER = "Other", _("Other")
    UNKNOWN = "Unknown", _("Unknown")


class EventKind(models.TextChoices):
    """HTCDS hte_ trafficking events."""

    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSIT = "transit", _("Transit")
    EXPLOITATION = "exploitation", _("Exploitation")


class ServiceType(models.TextChoices):
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological care")
    LEGAL = "legal", _("Legal assistance")
    SHELTER = "shelter", _("Shelter")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    INCOME = "income", _("Income generation")
    FAMILY_TRACING = "family_tracing", _("Family tracing and reintegration")
    REPATRIATION = "repatriation", _("Repatriation")


class ConsentScope(models.TextChoices):
    ASSISTANCE = "assistance", _("Receive assistance")
    DATA_SHARING = "data_sharing", _("Share data with other institutions")
    REFERRAL = "referral", _("Referral to the named services")
    STATISTICS = "statistics", _("Use in anonymous statistics")


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("Parent or guardian")
    PGN_ATTORNEY = "pgn_attorney", _("PGN children's attorney")
    JUDGE_ORDER = "judge_order", _("Judge's order")


# For a (presumed) minor, only these may consent (Ley PINA; PGN represents children without guardians).
MINOR_CONSENT_GIVERS = frozenset({ConsentGiver.GUARDIAN, ConsentGiver.PGN_ATTORNEY, ConsentGiver.JUDGE_ORDER})


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    dimension: str  # "means" (deception, coercion, abuse of vulnerability) or "exploitation"
    strength: str  # "strong" or "medium" (ILO-EC Delphi)
    children: bool = True  # applies to children too


# The 11 ILO indicators of forced labour, and ILO-EC (2009) operational indicators, in two dimensions:
# the means used (deceptive or coercive recruitment, abuse of vulnerability) and the exploitation itself.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "ilo_abuse_vulnerability",
        _("Abuse of vulnerability (poverty, irregular status, age, dependency)"),
        "means",
        "medium",
    ),
    Indicator("ilo_deception", _("Deception about the nature of the work, conditions or wages"), "means", "strong"),
    Indicator(
        "ilo_restriction_movement",
        _("Restriction of movement (locked in, accompanied, not free to leave)"),
        "exploitation",
        "strong",
    ),
    Indicator(
        "ilo_isolation", _("Isolation (remote place, no contact with family or others)"), "exploitation", "medium"
    ),
    Indicator("ilo_violence", _("Physical or sexual violence"), "means", "strong"),
    Indicator("ilo_threats", _("Intimidation and threats (to self, family, of denunciation)"), "means", "strong"),
    Indicator("ilo_documents", _("Retention of identity documents"), "means", "strong"),
    Indicator("ilo_wages", _("Withholding of wages"), "exploitation", "medium"),
    Indicator("ilo_debt", _("Debt bondage"), "means", "strong"),
    Indicator("ilo_conditions", _("Abusive working and living conditions"), "exploitation", "medium"),
    Indicator("ilo_overtime", _("Excessive overtime"), "exploitation", "medium"),
    Indicator(
        "ilo_ec_sexual_services",
        _("Forced to provide sexual services or to take part in pornography"),
        "exploitation",
        "strong",
    ),
    Indicator("ilo_ec_begging_crime", _("Forced to beg or to commit crimes"), "exploitation", "strong"),
    Indicator("ilo_ec_earnings_taken", _("Earnings taken by someone else"), "exploitation", "strong"),
    Indicator("ilo_ec_substances", _("Given drugs or alcohol to control them"), "means", "medium"),
    Indicator(
        "ilo_ec_child_hazardous", _("A child in hazardous work or out of school to work"), "exploitation", "strong"
    ),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
