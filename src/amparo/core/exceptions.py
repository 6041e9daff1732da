"""Errors shared by every app. Services raise these; views and the API translate them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class AmparoError(Exception):
    code = "error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: object = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class PermissionDenied(AmparoError):
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(AmparoError):
    code = "not_found"
    default_message = _("Not found.")


class ValidationFailed(AmparoError):
    code = "validation_error"
    default_message = _("Some fields are not valid.")

    def __init__(self, errors: dict[str, list[str]], message: object = None) -> None:
        self.errors = errors
        super().__init__(message)


class StaleEdit(AmparoError):
    """An edit was made on an old version of a record (optimistic locking)."""

    code = "stale_edit"
    default_message = _("Someone else changed this record after you opened it. Review the differences.")

    def __init__(self, current_version: int, changed_fields: list[str]) -> None:
        self.current_version = current_version
        self.changed_fields = changed_fields
        super().__init__()


class KeyConfigurationError(AmparoError):
    code = "key_configuration"
    default_message = _("The encryption keys are missing or wrong.")


class TamperedCiphertext(AmparoError):
    """A ciphertext failed authentication: it was edited, moved to another row or field, or is corrupt."""

    code = "tampered"
    default_message = _("This value has been tampered with and cannot be shown.")
