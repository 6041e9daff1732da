"""Synthetic justice demo data (invented names, places and file numbers): complaints, investigations at
every stage, a planned operation (compartmented), an executed one with its on-site screening, and a
protected witness. Built through the services, as the demo prosecutor (MP) and investigator (PNC).
Idempotent: nothing is added when the demo prosecutor already leads an investigation."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.models import User

from . import court_services, operation_services, protection_services, services
from .models import Investigation, InvestigationStatusChange
from .vocab import INVESTIGATION_STAGE_ORDER, InvestigationStatus

PROSECUTOR = "gloria.prosecutor"
INVESTIGATOR = "fabio.investigator"

# (summary, place type, place name, department, suspects [(given, surnames, sex, role, official)], stage)
FILES: list[tuple[str, str, str, str, list[tuple[str, str, str, str, bool]], str]] = [
    (
        "Adolescentes reclutadas con ofertas de empleo en un bar de carretera",
        "bar",
        "Bar El Mirador del Sur",
        "05",
        [("Rigoberto", "Sacul Pop", "Masculine", "Exploiter", False)],
        InvestigationStatus.OPEN,
    ),
    (
        "Red que traslada mujeres centroamericanas a un centro nocturno fronterizo",
        "night_club",
        "Centro nocturno La Gaviota",
        "12",
        [
            ("Wilmer Estuardo", "Chen Xol", "Masculine", "Transporter", False),
            ("Odilia", "Marroquín Paz", "Feminine", "Recruiter", False),
        ],
        InvestigationStatus.PROSECUTION,
    ),
    (
        "Trabajo forzoso de jornaleros en una finca cafetalera",
        "farm",
        "Finca Los Naranjales",
        "09",
        [("Eusebio", "Cifuentes Rivas", "Masculine", "Owner", False)],
        InvestigationStatus.TRIAL,
    ),
    (
        "Agencia de empleo que retiene documentos de trabajadoras domésticas",
        "agency",
        "Agencia Colocaciones Horizonte",
        "01",
        [
            ("Mirna Judith", "Ochoa Salguero", "Feminine", "Recruiter", False),
            ("Baudilio", "Catalán Mejía", "Masculine", "CorruptOfficial", True),
        ],
        InvestigationStatus.JUDGMENT,
    ),
    (
        "Explotación sexual de adolescentes en un prostíbulo clandestino",
        "brothel",
        "Casa de la calle Sexta",
        "16",
        [("Fermín", "Ajú Tecú", "Masculine", "Exploiter", False)],
        InvestigationStatus.CLOSED,
    ),
]

# Persons the justice demo registers: the suspects, one protected witness, three persons found in a raid.
DEMO_PERSONS = sum(len(f[4]) for f in FILES) + 1 + 3

STAGE_EVENTS: dict[str, list[str]] = {
    InvestigationStatus.OPEN: [],
    InvestigationStatus.PROSECUTION: ["first_statement"],
    InvestigationStatus.TRIAL: ["first_statement", "indictment", "intermediate"],
    InvestigationStatus.JUDGMENT: ["first_statement", "indictment", "intermediate", "trial", "verdict"],
    InvestigationStatus.CLOSED: ["first_statement", "indictment", "intermediate", "trial", "verdict", "appeal"],
}


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    membership = user.memberships.filter(is_active=True).first() if user else None
    return Actor(user=user, membership=membership, system="cli:demo-data") if membership else None


@transaction.atomic
def build_justice_demo() -> int:
    """Returns the number of investigations created (0 when already there or accounts are missing)."""
    from amparo.people.validation import PersonInput

    prosecutor, investigator = _actor(PROSECUTOR), _actor(INVESTIGATOR)
    if prosecutor is None or investigator is None or prosecutor.user is None or investigator.user is None:
        return 0
    if Investigation.objects.filter(lead=prosecutor.user).exists():
        return 0
    today = timezone.localdate()
    created = 0
    for index, (summary, place_type, place_name, department, suspects, stage) in enumerate(FILES):
        start = today - datetime.timedelta(days=900 - index * 150)
        complaint = services.complaint_create(
            prosecutor,
            received_on=start,
            source=["hotline", "walk_in", "police", "institution", "ex_officio"][index],
            summary=summary,
            mp_file_number=f"MP001-{start.year}-{1200 + index * 37}",
        )
        investigation = services.investigation_open(
            prosecutor,
            summary=summary,
            opened_on=start + datetime.timedelta(days=3),
            complaint_ids=[complaint.pk],
            members=[(investigator.user.pk, "investigator")],
        )
        created += 1
        place = services.place_add(
            investigator,
            investigation_id=investigation.pk,
            place_type=place_type,
            name=place_name,
            address=f"Km {20 + index * 7}, carretera (dirección ficticia)",
            department=department,
        )
        suspect_ids = []
        for given, surnames, sex, role, official in suspects:
            suspect = services.suspect_add(
                investigator,
                investigation_id=investigation.pk,
                role_in_process=role,
                new_person=PersonInput(
                    given_names=given, surnames=surnames, gender=sex, age_min=30, age_max=50, nationalities=["GT"]
                ),
                public_official=official,
                official_institution="Inspección de Trabajo" if official else "",
            )
            suspect_ids.append(suspect.pk)
        services.evidence_add(
            investigator,
            investigation_id=investigation.pk,
            kind="document",
            description="Registros de pagos y listas de trabajadoras",
            collected_on=start + datetime.timedelta(days=20),
            holder="Almacén de evidencias, DEIC",
        )
        day = start + datetime.timedelta(days=40)
        for kind in STAGE_EVENTS[stage]:
            court_services.court_event_add(
                prosecutor,
                investigation_id=investigation.pk,
                kind=kind,
                date=day,
                court="Juzgado de Primera Instancia Penal de Delitos de Femicidio y Trata",
                suspect_id=suspect_ids[0],
            )
            day += datetime.timedelta(days=60)
        if stage != InvestigationStatus.OPEN:
            court_services.arrest_record(
                prosecutor,
                investigation_id=investigation.pk,
                suspect_id=suspect_ids[0],
                arrested_on=start + datetime.timedelta(days=35),
                department=department,
            )
        if stage != InvestigationStatus.OPEN:
            _prosecution(prosecutor, investigation, suspect_ids[0], start, stage)
        steps = INVESTIGATION_STAGE_ORDER[1 : INVESTIGATION_STAGE_ORDER.index(stage) + 1]
        for step in steps:
            services.investigation_set_status(prosecutor, investigation_id=investigation.pk, status=step)
        # The history is stamped at load time: spread it between the opening and today, in order (demo only).
        span = (today - start).days
        for n, change in enumerate(InvestigationStatusChange.objects.filter(investigation=investigation)):
            when = start + datetime.timedelta(days=60 + (span - 60) * n // max(len(steps), 1))
            InvestigationStatusChange.objects.filter(pk=change.pk).update(
                at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(10)))
            )
        if index == 0:
            _operations(prosecutor, investigator, investigation, place.pk, today)
        if index == 1:
            cooperation = court_services.cooperation_add(
                prosecutor,
                investigation_id=investigation.pk,
                kind="mla",
                direction="outgoing",
                country="MX",
                requested_on=start + datetime.timedelta(days=30),
                suspect_id=suspect_ids[0],
            )
            court_services.cooperation_update(
                prosecutor,
                cooperation_id=cooperation.pk,
                status="in_progress",
                status_on=start + datetime.timedelta(days=90),
            )
            witness = services.witness_add(
                prosecutor,
                investigation_id=investigation.pk,
                new_person=PersonInput(
                    given_names="Yesenia Marisol", surnames="Toj Ixcoy", gender="Feminine", nationalities=["GT"]
                ),
            )
            protection_services.witness_protect(
                prosecutor,
                person_id=witness.person_id,
                started_on=start + datetime.timedelta(days=45),
                whereabouts="Casa de protección (dirección ficticia)",
            )
    return created


def _prosecution(
    prosecutor: Actor, investigation: Investigation, suspect_id: uuid.UUID, start: datetime.date, stage: str
) -> None:
    """A charge under art. 202 Ter (the version in force on the offence date); a conviction and a sentence
    within the calculator's range once the file reached judgment."""

    from amparo.law.selectors import article_by_ref

    from . import prosecution_services

    article = article_by_ref("penal-code:202 Ter")
    if article is None:  # the legal catalog is not loaded
        return
    charge = prosecution_services.charge_file(
        prosecutor,
        investigation_id=investigation.pk,
        suspect_id=suspect_id,
        article_id=article.pk,
        offence_date=start - datetime.timedelta(days=60),
        filed_on=start + datetime.timedelta(days=50),
        victim_age=16,
    )
    if stage in (InvestigationStatus.JUDGMENT, InvestigationStatus.CLOSED):
        verdict = prosecution_services.verdict_record(
            prosecutor,
            charge_id=charge.pk,
            outcome="convicted",
            date=start + datetime.timedelta(days=280),
            court="Tribunal de Sentencia Penal de Delitos de Femicidio y Trata",
        )
        outcome = prosecution_services.charge_outcome(charge)
        years = outcome.prison.low.days // 365 + 1 if outcome.prison else 0
        prosecution_services.sentence_record(
            prosecutor,
            verdict_id=verdict.pk,
            years=years,
            fine=outcome.fine.low if outcome.fine else None,
        )


def _operations(
    prosecutor: Actor, investigator: Actor, investigation: Investigation, place_id: uuid.UUID, today: datetime.date
) -> None:
    # Planned by the PNC investigator alone: the prosecutor, on the same team, does not see it.
    operation_services.operation_plan(
        investigator,
        investigation_id=investigation.pk,
        codename="Operación Amanecer",
        objective="Allanamiento del bar con la DGM y la PGN; entrada a las 22:00",
        planned_for=today + datetime.timedelta(days=5),
        target_id=place_id,
    )
    executed = operation_services.operation_plan(
        prosecutor,
        investigation_id=investigation.pk,
        codename="Operación Luciérnaga",
        objective="Rescate en el bar; equipo de la PGN para menores",
        planned_for=today - datetime.timedelta(days=30),
        member_ids=[investigator.user_pk],
        target_id=place_id,
    )
    operation_services.operation_execute(
        prosecutor,
        operation_id=executed.pk,
        executed_at=timezone.now() - datetime.timedelta(days=30),
        outcome="Tres personas encontradas; dos adolescentes",
    )
    answers = {"ilo_deception": "yes", "ilo_documents": "yes", "ilo_ec_sexual_services": "yes"}
    operation_services.operation_screen_found(
        investigator,
        operation_id=executed.pk,
        found=[
            operation_services.FoundPerson("Keila Roxana", "Pop Caal", "Feminine", 15, 17, ["GT"], answers),
            operation_services.FoundPerson("Dania Marisela", "Flores Amaya", "Feminine", 16, 18, ["HN"], answers),
            operation_services.FoundPerson("Julio", "Tzoc", "Masculine", 40, 50, ["GT"], {}),
        ],
    )
