from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from amparo.accounts.actor import Actor
from amparo.audit.models import AuditEvent, AuditHead
from amparo.audit.services import audit_head_export, audit_record, audit_verify
from tests.conftest import _audit_triggers


def _fill(n: int = 6) -> None:
    actor = Actor.for_system("test")
    for i in range(n):
        audit_record(actor=actor, action=f"test.event{i}", target_type="thing", target_id=i, details={"n": i})


def _raw(sql: str, params: list | None = None) -> None:
    """Tamper directly in the database, as someone with database access would (triggers lifted)."""
    _audit_triggers("drop")
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    _audit_triggers("create")


@pytest.mark.django_db
def test_intact_chain_verifies() -> None:
    _fill()
    result = audit_verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    call_command("audit", "verify")


@pytest.mark.django_db
def test_application_cannot_update_or_delete_events() -> None:
    _fill(2)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="x")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


@pytest.mark.django_db
def test_edit_is_detected() -> None:
    _fill()
    _raw("UPDATE audit_auditevent SET target_id = %s WHERE seq = 3", ["999"])
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and "edited" in result.reason
    with pytest.raises(CommandError, match="BROKEN at event 3"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_edit_of_details_is_detected() -> None:
    _fill()
    _raw("UPDATE audit_auditevent SET details = %s WHERE seq = 2", [json.dumps({"n": 5})])
    assert audit_verify().broken_seq == 2


@pytest.mark.django_db
def test_deletion_is_detected() -> None:
    _fill()
    _raw("DELETE FROM audit_auditevent WHERE seq = 4")
    result = audit_verify()
    assert not result.ok and result.broken_seq == 4


@pytest.mark.django_db
def test_deletion_of_the_last_events_is_detected() -> None:
    _fill()
    last = AuditHead.objects.get().seq
    _raw("DELETE FROM audit_auditevent WHERE seq >= %s", [last - 1])
    result = audit_verify()
    assert not result.ok and "deleted" in result.reason


@pytest.mark.django_db
def test_deletion_of_the_tail_with_head_rewritten_is_caught_by_exported_head() -> None:
    _fill()
    exported = audit_head_export()
    keep = exported["seq"] - 2
    prev = AuditEvent.objects.get(seq=keep).hash
    _raw("DELETE FROM audit_auditevent WHERE seq > %s", [keep])
    AuditHead.objects.filter(pk=1).update(seq=keep, hash=prev)
    assert audit_verify().ok  # consistent on its own...
    result = audit_verify(expected_head=exported)
    assert not result.ok and "exported chain head" in result.reason  # ...but not with the head kept elsewhere


@pytest.mark.django_db
def test_insertion_is_detected() -> None:
    _fill()
    forged = AuditEvent.objects.get(seq=2)
    _raw("UPDATE audit_auditevent SET seq = seq + 1000 WHERE seq >= 3")
    _raw(
        "INSERT INTO audit_auditevent (seq, created_at, actor_id, actor_username, organization_id, role, action,"
        " target_type, target_id, request_id, details, prev_hash, hash) VALUES"
        " (3, %s, NULL, 'intruder', NULL, '', 'forged', '', '', '', %s, %s, %s)",
        [forged.created_at, "{}", forged.hash, "f" * 64],
    )
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


@pytest.mark.django_db
def test_reordering_is_detected() -> None:
    _fill()
    _raw("UPDATE audit_auditevent SET seq = -1 WHERE seq = 2")
    _raw("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    _raw("UPDATE audit_auditevent SET seq = 3 WHERE seq = -1")
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2


@pytest.mark.django_db
def test_event_is_written_in_the_same_transaction_as_the_change() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        audit_record(actor=Actor.for_system("test"), action="test.rolled_back")
        raise IntegrityError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.django_db
def test_head_export_command(tmp_path) -> None:
    _fill(3)
    out = tmp_path / "head.json"
    call_command("audit", "head", output=out)
    head = json.loads(out.read_text())
    assert head["seq"] == AuditHead.objects.get().seq
    call_command("audit", "verify", head=out)


@pytest.mark.django_db
def test_events_appended_during_verification_are_not_a_false_alarm(monkeypatch) -> None:
    from amparo.audit import services

    _fill(3)
    original = services._iter_events

    def iter_and_write(*, until: int, batch: int = 20000):
        yield from original(until=until, batch=batch)
        audit_record(actor=Actor.for_system("test"), action="test.concurrent")  # another request writes

    monkeypatch.setattr(services, "_iter_events", iter_and_write)
    assert audit_verify().ok
