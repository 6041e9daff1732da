"""Shared set-up for repatriation tests (and tests/matrix/repatriation.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Role
from amparo.cases import services as cases
from amparo.cases.models import Case
from amparo.organizations.models import Organization
from amparo.repatriation import services
from amparo.repatriation.models import Repatriation
from amparo.repatriation.protocol import protocol_for
from tests.conftest import make_person
from tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory

TODAY = timezone.localdate()


def member(org_code: str, role: str = Role.CASEWORKER, username: str = "") -> Actor:
    """A user of a seeded (or test) institution, with the second factor enrolled."""
    organization = Organization.objects.get(code=org_code)
    user = UserFactory(username=username or f"{org_code}-{role}")
    membership = MembershipFactory(user=user, organization=organization, role=role)
    TOTPDeviceFactory(user=user)
    return Actor(user=user, membership=membership)


def foreign_consulate(country: str = "HN") -> Organization:
    organization, _ = Organization.objects.get_or_create(
        code=f"consulado-{country.lower()}-gt",
        defaults={
            "acronym": f"CONS-{country}",
            "name": f"Consulado de {country} en Guatemala",
            "org_type": "CentralGovernment",
            "country": country,
        },
    )
    return organization


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def case_for(world: Any, *, minor: bool, nationality: str = "GT", owner: str = "caseworker") -> Case:
    actor = world.actor(owner)
    age = {"age_min": 14, "age_max": 15} if minor else {"date_of_birth": TODAY.replace(year=TODAY.year - 25)}
    person = make_person(actor, nationalities=[nationality], gender="Feminine", **age)
    return cases.case_open(actor=actor, person_id=person.pk)


def start(
    world: Any,
    case: Case,
    *,
    track: str = "national",
    country: str = "MX",
    consulate: str = "consulado-tapachula",
    receiving: str = "sobrevivientes",
) -> Repatriation:
    return services.repatriation_start(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        track=track,
        country=country,
        consulate_id=org(consulate).pk,
        receiving_id=org(receiving).pk,
    )


def evidence_of(repatriation: Repatriation, code: str) -> list[str]:
    definition = protocol_for(repatriation.track).step(code)
    assert definition is not None
    return [e.code for e in definition.evidence]


def complete(actor: Actor, repatriation: Repatriation, code: str, **kwargs: Any) -> Any:
    params: dict[str, Any] = {"evidence": evidence_of(repatriation, code), "note": "Hecho según el protocolo"}
    params.update(kwargs)
    return services.repatriation_step_complete(actor=actor, repatriation_id=repatriation.pk, step_code=code, **params)


def current_code(repatriation: Repatriation) -> str:
    return repatriation.steps.get(state="current").code
