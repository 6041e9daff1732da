from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_warning_free(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/persons/" in text and "/api/v1/cases/" in text and "apiToken" in text


@pytest.mark.django_db
def test_every_operation_documents_the_error_envelope(world) -> None:
    from django.test import Client

    from tests.conftest import login

    client = login(Client(), world.user("caseworker"))
    schema = client.get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message"} and "fields" in body["properties"]
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            wanted = {"401", "403"} | ({"404"} if "{" in path else set()) | ({"400"} if method != "get" else set())
            for code in wanted:
                assert responses[code]["content"]["application/json"]["schema"] == error, (method, path, code)
    # A declared one is kept: the person's edit documents its stale-version conflict.
    assert "409" in schema["paths"]["/api/v1/persons/{person_id}/"]["put"]["responses"]
    # What the schema says is what comes back.
    answer = client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/").json()
    assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message"}
