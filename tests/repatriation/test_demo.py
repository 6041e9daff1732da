from __future__ import annotations

import pytest
from django.core.management import call_command

from amparo.audit.services import audit_verify
from amparo.repatriation.demo import build_repatriations, overdue_count
from amparo.repatriation.models import Repatriation


@pytest.mark.django_db
def test_demo_has_repatriations_at_every_stage(settings) -> None:
    call_command("demo_data", persons=400, seed=11, verbosity=0)
    repatriations = list(Repatriation.objects.all())
    assert len(repatriations) == 8
    assert {r.track for r in repatriations} == {"national", "foreign"}
    assert {r.status for r in repatriations} == {"in_progress", "completed", "cancelled"}
    assert any(r.minor and r.family_involved is True and r.destination == "ngo_care" for r in repatriations)
    assert any(r.minor and r.track == "foreign" for r in repatriations)
    assert overdue_count() >= 1
    current = {r.steps.filter(state="current").values_list("code", flat=True).first() for r in repatriations}
    assert len(current - {None}) >= 5  # in progress at different steps
    assert build_repatriations() == 0  # idempotent
    assert audit_verify().ok
