"""Shared pieces of the JSON API: strict input serializers and the error envelope in the schema."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from .exceptions import ValidationFailed


class StrictSerializer(serializers.Serializer):
    """Input that names a field the endpoint does not know is refused (400, the field named) instead of being
    silently dropped: a misspelt optional field would otherwise save its default."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {str(name): [_("Unknown field.")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from exc
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


@contextmanager
def fields_named_as_sent(renames: Mapping[str, str]) -> Iterator[None]:
    """A service's validation errors under the names of the request's fields (a service that names its own
    ``cases`` where the request sent ``case_ids``)."""
    try:
        yield
    except ValidationFailed as exc:
        exc.errors = {renames.get(name, name): messages for name, messages in exc.errors.items()}
        raise


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable: validation_error, not_found, permission_denied, stale_edit...")
    message = serializers.CharField(help_text="In the request's language (Accept-Language: es, en).")
    current_version = serializers.IntegerField(required=False, help_text="stale_edit: the version to read again.")
    changed_fields = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="stale_edit: what changed since your version."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "fields" cannot be declared as a class attribute: it is the name of Serializer.fields.
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="validation_error: the messages of each field; nested ones as dotted names (documents.0.number).",
        )
        return fields


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_WRITES = {"POST", "PUT", "PATCH"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the error envelope (core.api_errors) on the answers every operation can
    give; an operation that declares one of those codes itself keeps its own."""

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        errors: dict[str, str] = {}
        queries = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if method.upper() in _WRITES or queries:
            errors["400"] = "Invalid input: the fields at fault are named in error.fields."
        errors["401"] = "No credentials, or an invalid, revoked or deactivated token."
        errors["403"] = "Your role does not allow this."
        if "{" in path:
            errors["404"] = "Not found, or not visible to you (the same answer)."
        errors["429"] = "Too many requests."
        schema = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code, description in errors.items():
            responses.setdefault(
                code, {"content": {"application/json": {"schema": schema}}, "description": description}
            )
        return operation
