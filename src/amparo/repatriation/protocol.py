"""The inter-institutional repatriation protocol, as data: the one place that says which steps there are,
in which order, who is responsible for each, whether it is mandatory, when it is due, what evidence it
needs and which institutions are told when it opens or is completed.

Sources: the Foreign Ministry's inter-institutional protocol for the repatriation of trafficking victims
(separate procedures for nationals abroad and foreigners in Guatemala; participants PGN, SBS, DGM, PDH,
SVET; the receiving institution must meet minimum conditions) and the 2008 cable's description of the
national protocol for children and adolescents: consulates identify the victim and issue travel documents,
the Foreign Ministry notifies PGN, DGM and SBS of the accompaniment required, the victim is received at the
port of entry and her health assessed, and minors are reunited with their families unless the family was
responsible for the exploitation (reference/guatemala-law.md, "Protocols").

Services, selectors, screens and demo data read these tables; nothing else defines a step. What a step
records (its note and evidence file: identity documents, the best-interest and family assessments, health)
is need-to-know: ``records_to`` names the parties that act on it next (see permissions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    NATIONAL = "national", _("National returning from abroad")
    FOREIGN = "foreign", _("Foreigner returning to their country of origin")


class PartyRole(models.TextChoices):
    """The institutions the protocol names. Fixed ones are the seeded institutions; the consulate and the
    receiving institution are chosen when the repatriation starts."""

    CONSULATE = "consulate", _("Consulate")
    MINEX = "minex", _("Foreign Ministry (MINEX)")
    PGN = "pgn", _("Solicitor General's Office (PGN)")
    SBS = "sbs", _("Secretariat of Social Welfare (SBS)")
    DGM = "dgm", _("General Directorate of Immigration (DGM)")
    PDH = "pdh", _("Human Rights Ombudsman (PDH)")
    SVET = "svet", _("Secretariat against Sexual Violence, Exploitation and Trafficking (SVET)")
    RECEIVING = "receiving", _("Receiving institution")


# Party role -> seeded institution code (organizations/seed.py). CONSULATE and RECEIVING are chosen.
FIXED_PARTIES: dict[str, str] = {
    PartyRole.MINEX: "minex",
    PartyRole.PGN: "pgn",
    PartyRole.SBS: "sbs",
    PartyRole.DGM: "dgm",
    PartyRole.PDH: "pdh",
    PartyRole.SVET: "svet",
}
CHOSEN_PARTIES = (PartyRole.CONSULATE, PartyRole.RECEIVING)
# The children's attorney (PGN) and social welfare (SBS) take part only when the victim is (presumed) a minor.
MINORS_ONLY_PARTIES = frozenset({PartyRole.PGN, PartyRole.SBS})


class Destination(models.TextChoices):
    """Where the person goes at the hand-over."""

    FAMILY = "family", _("Reunification with the family")
    EXTENDED_FAMILY = "extended_family", _("Other relatives, assessed separately")
    STATE_SHELTER = "state_shelter", _("State protection shelter")
    NGO_CARE = "ngo_care", _("NGO long-term care")
    INDEPENDENT = "independent", _("Independent living (adults)")
    OTHER = "other", _("Other arrangement")


@dataclass(frozen=True)
class Evidence:
    code: str
    label: Promise


@dataclass(frozen=True)
class Due:
    days: int
    after: str  # "start" (of the repatriation) or "previous" (the step before it was done)


@dataclass(frozen=True)
class StepDef:
    code: str
    label: Promise
    responsible: str  # a PartyRole
    mandatory: bool
    due: Due
    evidence: tuple[Evidence, ...]
    notify_on_open: tuple[str, ...] = ()  # party roles told when the step opens (beside the responsible)
    notify_on_complete: tuple[str, ...] = ()  # party roles told when it is done
    # Party roles that see what is recorded on the step (note, reason, evidence file) besides the case team and
    # the responsible institution: those that act on it next (permissions.step_records_orgs is the rule).
    records_to: tuple[str, ...] = ()
    minors_only: bool = False
    family_assessment: bool = False  # records whether the family took part in the exploitation
    handover: bool = False  # confirmed by the receiving institution; completes the repatriation


@dataclass(frozen=True)
class Protocol:
    track: str
    steps: tuple[StepDef, ...]

    def step(self, code: str) -> StepDef | None:
        return next((s for s in self.steps if s.code == code), None)

    def steps_for(self, *, minor: bool) -> tuple[StepDef, ...]:
        return tuple(s for s in self.steps if minor or not s.minors_only)

    def parties_for(self, *, minor: bool) -> tuple[str, ...]:
        """The party roles of this track: responsible for a step or named in a notice."""
        roles: list[str] = []
        for step in self.steps_for(minor=minor):
            for role in (step.responsible, *step.notify_on_open, *step.notify_on_complete):
                if role not in roles and (minor or role not in MINORS_ONLY_PARTIES):
                    roles.append(role)
        return tuple(roles)


E = Evidence
IDENTITY_VERIFIED = E("identity_verified", _("Identity and nationality verified"))
WISH_TO_RETURN = E("wish_to_return", _("The person's wish to return (or the minor's protection order) recorded"))
TRAVEL_DOCUMENT = E("travel_document_issued", _("Travel document issued"))
ACCOMPANIMENT = E("accompaniment_requested", _("PGN, DGM and SBS notified of the accompaniment required"))
CONSULATE_NOTIFIED = E("consulate_notified", _("Consulate of the country of origin notified"))
BEST_INTEREST = E("best_interest_report", _("Best-interest assessment report"))
FAMILY_ASSESSED = E("family_assessed", _("Family assessment report"))
CONDITIONS = E("minimum_conditions_met", _("Minimum conditions of the receiving institution verified"))
PDH_INFORMED = E("pdh_informed", _("Ombudsman's office informed for monitoring"))
SVET_INFORMED = E("svet_informed", _("SVET informed"))
ENTRY_REGISTERED = E("entry_registered", _("Entry registered at the port of entry"))
NO_SANCTION = E("no_immigration_sanction", _("No immigration sanction or detention (victim status recognised)"))
HEALTH = E("health_assessed", _("Health assessment done"))
EXIT_REGISTERED = E("exit_registered", _("Exit registered and escort assigned"))
HANDOVER_RECORD = E("handover_record", _("Hand-over record signed"))

P = PartyRole

HANDOVER_NOTIFY = (P.CONSULATE, P.MINEX, P.PGN, P.SBS, P.DGM)

NATIONAL = Protocol(
    Track.NATIONAL,
    (
        StepDef(
            "consular_interview",
            _("Consular identification and interview"),
            P.CONSULATE,
            True,
            Due(3, "start"),
            (IDENTITY_VERIFIED, WISH_TO_RETURN),
            notify_on_complete=(P.MINEX,),
            records_to=(P.MINEX,),
        ),
        StepDef(
            "travel_document",
            _("Travel document issued by the consulate"),
            P.CONSULATE,
            True,
            Due(5, "previous"),
            (TRAVEL_DOCUMENT,),
            notify_on_complete=(P.MINEX,),
            records_to=(P.MINEX, P.DGM),
        ),
        StepDef(
            "minex_coordination",
            _("Foreign Ministry notifies PGN, DGM and SBS of the accompaniment required"),
            P.MINEX,
            True,
            Due(2, "previous"),
            (ACCOMPANIMENT,),
            notify_on_complete=(P.PGN, P.DGM, P.SBS),
            records_to=(P.PGN, P.DGM, P.SBS),
        ),
        StepDef(
            "best_interest",
            _("Best-interest assessment of the child"),
            P.PGN,
            True,
            Due(5, "previous"),
            (BEST_INTEREST,),
            notify_on_complete=(P.SBS,),
            minors_only=True,
            records_to=(P.SBS,),
        ),
        StepDef(
            "family_assessment",
            _("Family assessment (was the family involved in the exploitation?)"),
            P.SBS,
            True,
            Due(7, "previous"),
            (FAMILY_ASSESSED,),
            notify_on_complete=(P.PGN,),
            minors_only=True,
            family_assessment=True,
            records_to=(P.PGN,),
        ),
        StepDef(
            "reception_conditions",
            _("Receiving institution confirms it meets the minimum conditions"),
            P.RECEIVING,
            True,
            Due(3, "previous"),
            (CONDITIONS,),
        ),
        StepDef(
            "pdh_notice",
            _("Ombudsman's office (PDH) informed for monitoring"),
            P.PDH,
            False,
            Due(3, "previous"),
            (PDH_INFORMED,),
        ),
        StepDef(
            "port_reception",
            _("Reception at the port of entry, with the accompaniment"),
            P.DGM,
            True,
            Due(2, "previous"),
            (ENTRY_REGISTERED,),
            notify_on_open=(P.PGN, P.SBS),
            notify_on_complete=(P.RECEIVING,),
            records_to=(P.RECEIVING,),
        ),
        StepDef(
            "health_assessment",
            _("Health assessment on arrival"),
            P.DGM,
            True,
            Due(1, "previous"),
            (HEALTH,),
        ),
        StepDef(
            "handover",
            _("Hand-over to the receiving institution"),
            P.RECEIVING,
            True,
            Due(1, "previous"),
            (HANDOVER_RECORD,),
            notify_on_complete=HANDOVER_NOTIFY,
            handover=True,
        ),
    ),
)

FOREIGN = Protocol(
    Track.FOREIGN,
    (
        StepDef(
            "dgm_identification",
            _("Identification and immigration status (the victim is not deported)"),
            P.DGM,
            True,
            Due(2, "start"),
            (IDENTITY_VERIFIED, NO_SANCTION),
            notify_on_complete=(P.MINEX,),
            records_to=(P.MINEX,),
        ),
        StepDef(
            "minex_notice",
            _("Foreign Ministry notifies the consulate of the country of origin, and PGN, DGM and SBS"),
            P.MINEX,
            True,
            Due(2, "previous"),
            (CONSULATE_NOTIFIED, ACCOMPANIMENT),
            notify_on_complete=(P.CONSULATE, P.PGN, P.DGM, P.SBS),
            records_to=(P.CONSULATE, P.PGN, P.DGM, P.SBS),
        ),
        StepDef(
            "best_interest",
            _("Best-interest assessment of the child"),
            P.PGN,
            True,
            Due(5, "previous"),
            (BEST_INTEREST,),
            notify_on_complete=(P.CONSULATE,),
            minors_only=True,
            records_to=(P.CONSULATE,),
        ),
        StepDef(
            "family_assessment",
            _("Family assessment in the country of origin (was the family involved in the exploitation?)"),
            P.CONSULATE,
            True,
            Due(10, "previous"),
            (FAMILY_ASSESSED,),
            notify_on_complete=(P.PGN,),
            minors_only=True,
            family_assessment=True,
            records_to=(P.PGN,),
        ),
        StepDef(
            "travel_document",
            _("Travel document issued by the consulate"),
            P.CONSULATE,
            True,
            Due(5, "previous"),
            (TRAVEL_DOCUMENT,),
            notify_on_complete=(P.DGM,),
            records_to=(P.DGM,),
        ),
        StepDef(
            "svet_notice",
            _("SVET informed"),
            P.SVET,
            False,
            Due(3, "previous"),
            (SVET_INFORMED,),
        ),
        StepDef(
            "health_assessment",
            _("Health assessment before travel"),
            P.DGM,
            True,
            Due(2, "previous"),
            (HEALTH,),
        ),
        StepDef(
            "departure_escort",
            _("Exit and escort to the border or airport"),
            P.DGM,
            True,
            Due(2, "previous"),
            (EXIT_REGISTERED,),
            notify_on_open=(P.CONSULATE, P.PGN),
            notify_on_complete=(P.RECEIVING,),
            records_to=(P.RECEIVING,),
        ),
        StepDef(
            "handover",
            _("Hand-over to the receiving institution in the country of origin"),
            P.RECEIVING,
            True,
            Due(1, "previous"),
            (HANDOVER_RECORD,),
            notify_on_complete=HANDOVER_NOTIFY,
            handover=True,
        ),
    ),
)

PROTOCOLS: dict[str, Protocol] = {NATIONAL.track: NATIONAL, FOREIGN.track: FOREIGN}


def protocol_for(track: str) -> Protocol:
    return PROTOCOLS[track]
