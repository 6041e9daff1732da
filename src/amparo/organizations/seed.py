"""The institutions the seed documents name, with their units. Loaded by a data migration.

Names are the institutions' own (public bodies and organizations), not people.
"""

from __future__ import annotations

from typing import Any

# (code, acronym, name, HTCDS type, parent code, [(unit code, unit name)])
INSTITUTIONS: list[tuple[str, str, str, str, str | None, list[tuple[str, str]]]] = [
    (
        "mp",
        "MP",
        "Ministerio Público",
        "LegalService",
        None,
        [
            ("fiscalia-trata", "Fiscalía contra la Trata de Personas"),
            ("proteccion-testigos", "Oficina de Protección de Testigos"),
            ("fiscalia-mujer", "Fiscalía de la Mujer"),
        ],
    ),
    (
        "pnc",
        "PNC",
        "Policía Nacional Civil",
        "LawEnforcement",
        None,
        [
            ("dei-trata", "Sección contra la Trata de Personas (DEIC)"),
            ("call-center", "Centro de llamadas (línea de denuncia)"),
        ],
    ),
    (
        "minex",
        "MINEX",
        "Ministerio de Relaciones Exteriores",
        "CentralGovernment",
        None,
        [
            ("call-center", "Centro de llamadas 24 horas"),
            ("asuntos-consulares", "Dirección de Asuntos Consulares"),
        ],
    ),
    (
        "consulado-tapachula",
        "CONS-TAP",
        "Consulado de Guatemala en Tapachula",
        "CentralGovernment",
        "minex",
        [
            ("proteccion", "Protección consular"),
        ],
    ),
    (
        "consulado-mexico",
        "CONS-MEX",
        "Consulado de Guatemala en Ciudad de México",
        "CentralGovernment",
        "minex",
        [
            ("proteccion", "Protección consular"),
        ],
    ),
    (
        "sbs",
        "SBS",
        "Secretaría de Bienestar Social de la Presidencia",
        "CentralGovernment",
        None,
        [
            ("proteccion-especial", "Subsecretaría de Protección Especial"),
            ("hogar-antigua", "Hogar de protección (niñas), Antigua Guatemala"),
            ("hogar-san-jose-pinula", "Hogar de protección (niños), San José Pinula"),
        ],
    ),
    (
        "dgm",
        "DGM",
        "Dirección General de Migración",
        "ImmigrationService",
        None,
        [
            ("albergue-migrantes", "Albergue para migrantes y víctimas extranjeras"),
            ("control-fronterizo", "Control fronterizo"),
        ],
    ),
    (
        "pgn",
        "PGN",
        "Procuraduría General de la Nación",
        "LegalService",
        None,
        [
            ("procuraduria-ninez", "Procuraduría de la Niñez y la Adolescencia"),
        ],
    ),
    (
        "pdh",
        "PDH",
        "Procuraduría de los Derechos Humanos",
        "CentralGovernment",
        None,
        [
            ("call-center", "Centro de llamadas"),
            ("defensoria-trata", "Defensoría de las Víctimas de Trata"),
        ],
    ),
    (
        "oj",
        "OJ",
        "Organismo Judicial (juzgados)",
        "LegalService",
        None,
        [
            ("enlace-juzgados-ninez", "Enlace con juzgados de niñez y adolescencia"),
            ("enlace-juzgados-penales", "Enlace con juzgados penales"),
        ],
    ),
    (
        "svet",
        "SVET",
        "Secretaría contra la Violencia Sexual, Explotación y Trata de Personas",
        "CentralGovernment",
        None,
        [
            ("estadistica", "Unidad de estadística y monitoreo"),
            ("secretaria-comision", "Secretaría de la Comisión Interinstitucional"),
        ],
    ),
    (
        "casa-alianza",
        "Casa Alianza",
        "Asociación Casa Alianza Guatemala",
        "NGO",
        None,
        [
            ("hogar", "Hogar de protección"),
            ("legal", "Programa legal"),
        ],
    ),
    (
        "sobrevivientes",
        "Sobrevivientes",
        "Fundación Sobrevivientes",
        "NGO",
        None,
        [
            ("atencion", "Atención integral"),
        ],
    ),
    (
        "casa-migrante",
        "Casa del Migrante",
        "Casa del Migrante (Scalabrinianos)",
        "NGO",
        None,
        [
            ("albergue", "Albergue"),
        ],
    ),
    (
        "oim",
        "OIM",
        "Organización Internacional para las Migraciones",
        "InternationalOrganization",
        None,
        [
            ("proteccion", "Programa de protección y asistencia"),
            ("capacitacion", "Capacitación"),
        ],
    ),
]


def load_institutions(organization_model: Any, unit_model: Any) -> int:
    """Create or update the seed institutions and units; idempotent. Returns how many were created."""
    created_count = 0
    by_code: dict[str, Any] = {}
    for code, acronym, name, org_type, parent_code, units in INSTITUTIONS:
        org, created = organization_model.objects.update_or_create(
            code=code,
            defaults={
                "acronym": acronym,
                "name": name,
                "org_type": org_type,
                "parent": by_code.get(parent_code) if parent_code else None,
            },
        )
        by_code[code] = org
        created_count += int(created)
        for unit_code, unit_name in units:
            unit_model.objects.update_or_create(organization=org, code=unit_code, defaults={"name": unit_name})
    return created_count
