"""The service directory of the seed institutions (what the seed documents say each one offers)."""

from __future__ import annotations

from typing import Any

# institution code -> [(service, min age, max age, sexes, description)]
OFFERS: dict[str, list[tuple[str, int | None, int | None, list[str], str]]] = {
    "sbs": [
        ("shelter", 0, 17, [], "Hogares de protección para niñas, niños y adolescentes (orden judicial)"),
        ("psychological", 0, 17, [], "Atención psicológica en los hogares"),
        ("education", 0, 17, [], "Educación y talleres ocupacionales"),
    ],
    "casa-alianza": [
        ("shelter", 0, 17, [], "Hogar de protección y cuidado a largo plazo"),
        ("legal", 0, 17, [], "Programa legal: acompañamiento como querellante"),
        ("psychological", 0, 17, [], "Atención psicológica"),
        ("education", 0, 17, [], "Educación formal"),
        ("vocational", 14, 17, [], "Formación técnica"),
        ("family_tracing", 0, 17, [], "Búsqueda y reintegración familiar"),
    ],
    "sobrevivientes": [
        ("legal", 13, None, ["Feminine", "TransgenderFeminine"], "Acompañamiento legal a mujeres"),
        ("psychological", 13, None, [], "Atención psicológica"),
        ("shelter", 18, None, ["Feminine", "TransgenderFeminine"], "Albergue temporal para mujeres"),
    ],
    "casa-migrante": [
        ("shelter", 18, None, [], "Albergue para personas migrantes"),
        ("repatriation", None, None, [], "Apoyo al retorno"),
    ],
    "dgm": [
        ("shelter", 18, None, [], "Albergue para víctimas extranjeras"),
        ("repatriation", None, None, [], "Trámites migratorios del retorno"),
    ],
    "pgn": [
        ("legal", 0, 17, [], "Procuraduría de la Niñez: medidas de protección"),
        ("family_tracing", 0, 17, [], "Evaluación y búsqueda de familia"),
        ("repatriation", 0, 17, [], "Repatriación de niñez (protocolo nacional)"),
    ],
    "minex": [("repatriation", None, None, [], "Coordinación de la repatriación")],
    "consulado-tapachula": [("repatriation", None, None, [], "Protección consular y acompañamiento")],
    "consulado-mexico": [("repatriation", None, None, [], "Protección consular y acompañamiento")],
    "oim": [
        ("repatriation", None, None, [], "Retorno voluntario asistido"),
        ("income", 16, None, [], "Generación de ingresos"),
        ("vocational", 16, None, [], "Formación profesional"),
        ("medical", None, None, [], "Atención médica"),
    ],
    "mp": [("legal", None, None, [], "Atención a víctimas del Ministerio Público")],
    "pdh": [("legal", None, None, [], "Defensoría de las víctimas de trata")],
}


def load_offers(organization_model: Any, offer_model: Any) -> int:
    created = 0
    for code, offers in OFFERS.items():
        organization = organization_model.objects.filter(code=code).first()
        if organization is None:
            continue
        for service, min_age, max_age, sexes, description in offers:
            _offer, made = offer_model.objects.update_or_create(
                organization=organization,
                service_type=service,
                defaults={
                    "min_age": min_age,
                    "max_age": max_age,
                    "sexes": sexes,
                    "description": description,
                    "opening_hours": "24/7" if service == "shelter" else "Lunes a viernes 8:00-16:30",
                },
            )
            created += int(made)
    return created
