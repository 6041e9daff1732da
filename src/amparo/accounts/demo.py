"""Demo accounts (one per role, across institutions) with a known password and pre-enrolled TOTP.

Only for demonstrations: `amparo demo-data` creates them, and `amparo demo-otp USER` prints the
current code for them, and refuses to work unless AMPARO_DEMO is on.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.organizations.models import Organization, Unit

from .models import Membership, User
from .roles import Role, role_allowed_in

DEMO_PASSWORD = "Amparo-demo-2026!"

# username, institution code, role, unit code
DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("ana.caseworker", "casa-alianza", Role.CASEWORKER, "hogar"),
    ("beto.supervisor", "casa-alianza", Role.SUPERVISOR, "hogar"),
    ("carla.shelter", "sbs", Role.SHELTER_STAFF, "hogar-antigua"),
    ("sara.caseworker", "sbs", Role.CASEWORKER, "proteccion-especial"),
    ("diego.hotline", "minex", Role.HOTLINE_OPERATOR, "call-center"),
    ("elena.consul", "consulado-tapachula", Role.CONSULAR_OFFICER, "proteccion"),
    ("fabio.investigator", "pnc", Role.INVESTIGATOR, "dei-trata"),
    ("gloria.prosecutor", "mp", Role.PROSECUTOR, "fiscalia-trata"),
    ("hugo.pgn", "pgn", Role.PGN_ATTORNEY, "procuraduria-ninez"),
    ("ines.caseworker", "sobrevivientes", Role.CASEWORKER, "atencion"),
    ("julia.statistician", "svet", Role.STATISTICIAN, "estadistica"),
    ("karl.auditor", "svet", Role.AUDITOR, None),
    ("lucia.admin", "svet", Role.ADMINISTRATOR, None),
    ("mario.admin", "casa-alianza", Role.ADMINISTRATOR, None),
    # --- hotline app: a second call center, its supervisor, and a second officer per duty for the roster ---
    ("nora.hotline", "pdh", Role.HOTLINE_OPERATOR, "call-center"),
    ("olga.supervisor", "minex", Role.SUPERVISOR, "call-center"),
    ("pablo.investigator", "pnc", Role.INVESTIGATOR, "dei-trata"),
    ("rita.prosecutor", "mp", Role.PROSECUTOR, "fiscalia-trata"),
    # --- repatriation: the immigration service takes steps of both tracks; IOM assists returns ---
    ("tomas.dgm", "dgm", Role.CASEWORKER, "albergue-migrantes"),
    ("ursula.oim", "oim", Role.CASEWORKER, "proteccion"),
]


def demo_totp_key(username: str) -> str:
    return hashlib.sha256(f"amparo-demo-totp:{username}".encode()).hexdigest()[:40]


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts if missing; returns (username, institution, role label)."""
    rows = []
    for username, org_code, role, unit_code in DEMO_ACCOUNTS:
        organization = Organization.objects.get(code=org_code)
        if not role_allowed_in(role, organization):  # demo accounts follow the same rule as real ones
            raise ValueError(f"Demo account {username}: {org_code} cannot hold the role {role}.")
        unit = Unit.objects.filter(organization=organization, code=unit_code).first() if unit_code else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": username.split(".")[0].capitalize(),
                "last_name": "Demo",
                "email": f"{username}@demo.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organization=organization, role=role, defaults={"unit": unit})
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo TOTP", defaults={"key": demo_totp_key(username), "confirmed": True}
        )
        rows.append((username, organization.acronym, str(Role(role).label)))
    return rows
