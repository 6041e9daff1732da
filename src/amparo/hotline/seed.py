"""The call centers that share the queue: the three 24-hour call centers of the seed cable (Foreign Ministry,
Human Rights Ombudsman, police). Loaded by a data migration; idempotent, so the demo and tests can reload
them after a flush."""

from __future__ import annotations

from typing import Any

# institution code, unit code (the call center's staff)
CALL_CENTERS: list[tuple[str, str]] = [("minex", "call-center"), ("pdh", "call-center"), ("pnc", "call-center")]
UNIT_NAME = "Centro de llamadas (línea de denuncia)"  # for databases seeded before the PNC's was listed


def load_call_centers(organization_model: Any, unit_model: Any, call_center_model: Any) -> int:
    created = 0
    for org_code, unit_code in CALL_CENTERS:
        organization = organization_model.objects.filter(code=org_code).first()
        if organization is None:
            continue
        unit, _ = unit_model.objects.get_or_create(
            organization=organization, code=unit_code, defaults={"name": UNIT_NAME}
        )
        _center, made = call_center_model.objects.get_or_create(organization=organization, defaults={"unit": unit})
        created += int(made)
    return created
