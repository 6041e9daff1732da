"""Model fields whose values are encrypted by the application before they reach the database.

In code they behave like ordinary fields: ``person.given_names = "Ana"`` and ``person.given_names``
read back "Ana". In the database the column holds ``A1$kid$...`` bound to (table, column, row id).
Decryption is lazy (on first attribute access) because the row id is needed as associated data and
Django's ``from_db_value`` does not receive the instance. Filtering by value is refused: search goes
through blind indexes (``amparo.core.blind``).

Models using these fields must have a primary key assigned before saving (UUIDField default=uuid4).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto


class Ciphertext(str):
    """A value as stored: not yet decrypted."""


class EncryptedDescriptor(DeferredAttribute):
    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.decrypt_for(instance, value)  # type: ignore[attr-defined]
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


def associated_data(model: type[models.Model], column: str, pk: object) -> bytes:
    return f"{model._meta.db_table}\x1f{column}\x1f{pk}".encode()


class EncryptedMixin:
    descriptor_class = EncryptedDescriptor
    attname: str
    column: str
    model: type[models.Model]

    def encode_plain(self, value: Any) -> bytes:
        return str(value).encode()

    def decode_plain(self, data: bytes) -> Any:
        return data.decode()

    def purpose(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def decrypt_for(self, instance: models.Model, token: str) -> Any:
        aad = associated_data(self.model, self.column, instance.pk)
        return self.decode_plain(crypto.decrypt(token, purpose=self.purpose(), aad=aad))

    def encrypt_for(self, instance: models.Model, value: Any, kid: str | None = None) -> str:
        if instance.pk is None:
            raise ValueError(f"{type(instance).__name__} needs its primary key set before encryption.")
        aad = associated_data(self.model, self.column, instance.pk)
        return crypto.encrypt(self.encode_plain(value), purpose=self.purpose(), aad=aad, kid=kid)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Ciphertext(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Ciphertext):
            return value  # unchanged since it was loaded: keep the stored ciphertext
        if value == "" and self.empty_as_null():
            return None
        return self.encrypt_for(model_instance, value)

    def empty_as_null(self) -> bool:
        return False

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"Encrypted field {self.attname!r} cannot be queried by value; use its blind index.")
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        # Serialization (dumpdata, fixtures) must never carry plaintext.
        raw = obj.__dict__.get(self.attname)
        return raw if isinstance(raw, Ciphertext) else ""


class EncryptedTextField(EncryptedMixin, models.TextField):
    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {"form_class": forms.CharField, "required": not self.blank}
        if self.max_length:
            defaults["max_length"] = self.max_length
        defaults.update(kwargs)
        defaults.pop("widget", None) if defaults.get("form_class") is forms.CharField else None
        return forms.CharField(
            required=defaults["required"],
            max_length=defaults.get("max_length"),
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def empty_as_null(self) -> bool:
        return self.null


class EncryptedDateField(EncryptedMixin, models.TextField):
    def encode_plain(self, value: Any) -> bytes:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if not isinstance(value, datetime.date):
            value = datetime.date.fromisoformat(str(value))
        return value.isoformat().encode()

    def decode_plain(self, data: bytes) -> Any:
        return datetime.date.fromisoformat(data.decode())

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.DateField(required=not self.blank, label=self.verbose_name, help_text=self.help_text)

    def empty_as_null(self) -> bool:
        return True


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (for example a list of aliases), encrypted as a whole."""

    def encode_plain(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    def decode_plain(self, data: bytes) -> Any:
        return json.loads(data)
