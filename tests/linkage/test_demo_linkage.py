from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from amparo.audit.models import AuditEvent
from amparo.linkage.models import CandidatePair, LinkageRun, RunStatus


@pytest.mark.django_db
def test_demo_data_with_linkage_runs_duplicate_detection_once_so_the_queue_has_pairs() -> None:
    """`make run` passes --linkage: a new user finds the demo's duplicates in the review queue without an
    administrator starting a run first; loading again (make run each time) does not run it again."""
    out = io.StringIO()
    call_command("demo_data", persons=150, seed=3, linkage=True, stdout=out)
    run = LinkageRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED and run.is_current and run.record_count >= 150
    assert CandidatePair.objects.filter(run=run).count() == run.pair_count > 0
    assert str(run.pk) in out.getvalue()
    assert AuditEvent.objects.filter(action="linkage.run.finish").count() == 1
    call_command("demo_data", persons=150, seed=3, linkage=True, if_empty=True, stdout=io.StringIO())
    assert LinkageRun.objects.count() == 1
