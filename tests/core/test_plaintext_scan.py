"""Create people with known canary names and documents, then look for them in the raw database,
the logs and the audit trail: they must be nowhere in plaintext."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.people.validation import DocumentInput
from tests.conftest import login, make_person

CANARY_GIVEN = "Zenaida Canarioqx"
CANARY_SURNAME = "Pajarillowq Ruiseñorzz"
CANARY_DOC = "CANARY-DOC-77412"
CANARY_PHONE = "+502 5555 0199"
CANARY_ADDRESS = "Callejón del Canario 42"
CANARIES = [
    "Canarioqx",
    "canarioqx",
    "Pajarillowq",
    "CANARY-DOC-77412",
    "CANARYDOC77412",
    "5555 0199",
    "Callejón del Canario",
    "Callej\\u00f3n",
]


def _create_canaries(world) -> None:
    make_person(
        world.actor("caseworker"),
        given=CANARY_GIVEN,
        surnames=CANARY_SURNAME,
        aliases=["Canarioqx Alias"],
        phone=CANARY_PHONE,
        address=CANARY_ADDRESS,
        email="canarioqx@example.org",
        documents=[DocumentInput("passport", CANARY_DOC, "HN", True)],
    )


def _dump_database() -> bytes:
    if connection.vendor == "sqlite":
        connection.close()
        path = Path(settings.DATABASES["default"]["NAME"])
        data = path.read_bytes()
        wal = Path(str(path) + "-wal")
        return data + (wal.read_bytes() if wal.exists() else b"")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    params = connection.settings_dict
    result = subprocess.run(
        [
            "pg_dump",
            "-h",
            params["HOST"] or "127.0.0.1",
            "-p",
            str(params["PORT"] or 5432),
            "-U",
            params["USER"] or "postgres",
            "--data-only",
            params["NAME"],
        ],
        capture_output=True,
        check=True,
    )
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_identity_in_raw_database(world) -> None:
    _create_canaries(world)
    dump = _dump_database()
    assert len(dump) > 10_000  # we really read the database
    assert b"casa-alianza" in dump  # and plaintext that is not identifying is visible
    for canary in CANARIES:
        assert canary.encode() not in dump, canary
        assert canary.encode("utf-16-le") not in dump, canary


@pytest.mark.django_db
def test_no_plaintext_identity_in_logs_or_audit(world, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _create_canaries(world)
    client = login(Client(), world.user("caseworker"))
    response = client.get("/persons/", {"name": "Zenaida Canarioqx"})
    assert response.status_code == 200
    assert b"Canarioqx" in response.content  # the authorised user sees it
    person_id = response.context["persons"][0].pk
    assert client.get(f"/persons/{person_id}/").status_code == 200
    assert client.get(f"/api/v1/persons/?name={CANARY_GIVEN}").status_code == 200
    logged = caplog.text
    trail = " ".join(f"{e.action} {e.target_id} {e.details} {e.actor_username}" for e in AuditEvent.objects.all())
    assert "person.search" in trail and "person.view" in trail
    for canary in CANARIES:
        assert canary not in logged, canary
        assert canary not in trail, canary


@pytest.mark.django_db
def test_audit_details_refuse_free_text(world) -> None:
    from amparo.audit.services import audit_record

    with pytest.raises(ValueError):
        audit_record(actor=world.actor("caseworker"), action="x", details={"note": "Zenaida Canarioqx"})
