"""Writes on persons: atomic, with an explicit actor, permission re-checked, audited in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed

from .indexing import reindex_person
from .models import IdentityDocument, Person
from .permissions import can_edit_person
from .validation import CATEGORY_FIELDS, IDENTIFYING_FIELDS, PersonInput, validate_person

# Called in the transaction of every change to a person (statistics recount the person's cases).
PERSON_CHANGED_HOOKS: list[Callable[[Person], object]] = []
# Called first, in the same transaction, when the date of birth or the estimated age changed (cases register
# here: the presumption of minority follows a corrected age).
PERSON_AGE_CHANGED_HOOKS: list[Callable[[Actor, Person], object]] = []
_AGE_FIELDS = {"date_of_birth", "age_min", "age_max"}

_PERSON_FIELDS = IDENTIFYING_FIELDS + CATEGORY_FIELDS


def _apply(person: Person, data: PersonInput) -> None:
    for name in _PERSON_FIELDS:
        setattr(person, name, getattr(data, name))
    # The estimate's date is kept while there is an estimate (it may contradict a doubtful date of birth).
    if data.age_min is None and data.age_max is None:
        person.age_assessed_on = None


def _documents_signature(docs: Any) -> list[tuple[str, str, str, bool]]:
    return sorted((d.doc_type, d.number, d.issuing_country, bool(d.suspected_false)) for d in docs)


def _replace_documents(person: Person, data: PersonInput) -> None:
    person.documents.all().delete()
    IdentityDocument.objects.bulk_create(
        IdentityDocument(
            person=person,
            doc_type=d.doc_type,
            number=d.number,
            issuing_country=d.issuing_country,
            suspected_false=d.suspected_false,
        )
        for d in data.documents
    )


@transaction.atomic
def person_create(*, actor: Actor, data: PersonInput) -> Person:
    if not actor.has(Perm.PERSON_CREATE):
        raise PermissionDenied()
    errors = validate_person(data)
    if errors:
        raise ValidationFailed(errors)
    assert actor.membership is not None
    person = Person(owner_org_id=actor.membership.organization_id, created_by=actor.user)
    _apply(person, data)
    if data.age_min is not None or data.age_max is not None:
        from django.utils import timezone

        person.age_assessed_on = timezone.localdate()
    person.save()
    _replace_documents(person, data)
    reindex_person(person)
    audit_record(
        actor=actor,
        action="person.create",
        target_type="person",
        target_id=person.pk,
        details={"documents": len(data.documents)},
    )
    return person


def _blank_as_none(value: Any) -> Any:
    # An empty optional field is stored as NULL but submitted as "": both mean "not given".
    return None if value in ("", []) else value


def changed_fields(person: Person, data: PersonInput) -> list[str]:
    changed = [
        name for name in _PERSON_FIELDS if _blank_as_none(getattr(person, name)) != _blank_as_none(getattr(data, name))
    ]
    if _documents_signature(person.documents.all()) != _documents_signature(data.documents):
        changed.append("documents")
    return changed


@transaction.atomic
def person_update(*, actor: Actor, person_id: uuid.UUID | str, data: PersonInput, expected_version: int) -> Person:
    """Refuses an edit made on an old version (StaleEdit lists the fields that differ now)."""
    if not actor.has(Perm.PERSON_EDIT):
        raise PermissionDenied()
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not can_edit_person(actor, person):
        raise NotFound()
    errors = validate_person(data)
    if errors:
        raise ValidationFailed(errors)
    if person.version != expected_version:
        raise StaleEdit(person.version, changed_fields(person, data))
    changed = changed_fields(person, data)
    if not changed:
        return person
    if data.age_min != person.age_min or data.age_max != person.age_max:
        from django.utils import timezone

        person.age_assessed_on = timezone.localdate()
    _apply(person, data)
    person.version = F("version") + 1
    person.save()
    person.refresh_from_db(fields=["version"])
    _replace_documents(person, data)
    reindex_person(person)
    audit_record(
        actor=actor,
        action="person.update",
        target_type="person",
        target_id=person.pk,
        details={"fields": changed},
    )
    if _AGE_FIELDS & set(changed):
        for age_hook in PERSON_AGE_CHANGED_HOOKS:
            age_hook(actor, person)
    for hook in PERSON_CHANGED_HOOKS:
        hook(person)
    return person


@transaction.atomic
def tampering_report(*, actor: Actor, target_type: str, target_id: uuid.UUID | str) -> None:
    """A record whose encrypted data failed its integrity check was opened: the screen says the event was
    recorded, so it is (no value, only what was opened and by whom), for the auditors and the security officer."""
    audit_record(actor=actor, action=f"{target_type}.integrity_failed", target_type=target_type, target_id=target_id)
