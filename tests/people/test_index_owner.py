"""The blind-index entries carry their person's institution (owner_org), and searches start from it."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.test import override_settings

from amparo.cases import services as case_services
from amparo.cases.selectors import CaseFilters, case_list
from amparo.core.keys import reset_keyring
from amparo.people.models import IndexKind, Person, PersonIndexToken
from amparo.people.selectors import person_search
from amparo.people.services import person_update
from amparo.people.validation import DocumentInput, PersonInput
from tests.conftest import make_person

OLD = "t1:" + base64.b64encode(b"test-key-test-key-test-key-00000").decode()
NEW = "t2:" + base64.b64encode(b"rotated-key-rotated-key-rotated!").decode()


def _out_of_sync() -> int:
    """Index entries whose institution differs from their person's."""
    return PersonIndexToken.objects.exclude(owner_org_id=F("person__owner_org_id")).count()


@pytest.fixture
def _fresh_keys():
    reset_keyring()
    yield
    reset_keyring()


@pytest.mark.django_db
def test_entries_carry_the_institution_on_create_and_update(world) -> None:
    home, other = world.actor("caseworker"), world.actor("caseworker", "other")
    mine = make_person(home, given="Rosa", surnames="Batz Xicará")
    theirs = make_person(other, given="Rosa", surnames="Batz Xicará")
    assert set(mine.index_tokens.values_list("owner_org_id", flat=True)) == {world.home.pk}
    assert set(theirs.index_tokens.values_list("owner_org_id", flat=True)) == {world.other.pk}
    data = PersonInput(
        given_names="Rosa Elena",
        surnames="Batz",
        documents=[DocumentInput("passport", "X1234567", "GT")],
    )
    person_update(actor=home, person_id=mine.pk, data=data, expected_version=mine.version)
    assert mine.index_tokens.filter(kind=IndexKind.DOCUMENT).count() == 1
    assert set(mine.index_tokens.values_list("owner_org_id", flat=True)) == {world.home.pk}
    assert _out_of_sync() == 0


@pytest.mark.django_db
def test_name_search_is_scoped_by_the_entries_institution(world) -> None:
    home, other = world.actor("caseworker"), world.actor("caseworker", "other")
    mine = make_person(home, given="Rosa", surnames="Batz Xicará")
    theirs = make_person(other, given="Rosa", surnames="Batz Xicará")
    my_case = case_services.case_open(actor=home, person_id=mine.pk)
    case_services.case_open(actor=other, person_id=theirs.pk)
    assert [p.pk for p in person_search(actor=home, name="rosa bats").persons] == [mine.pk]
    assert [p.pk for p in person_search(actor=other, name="rosa bats").persons] == [theirs.pk]
    assert [c.pk for c in case_list(actor=home, filters=CaseFilters(name="Rosa Bats")).cases] == [my_case.pk]
    # The lookup goes by the institution stored in the entry: entries filed under another institution
    # are not found from here...
    PersonIndexToken.objects.filter(person=mine).update(owner_org=world.other)
    assert person_search(actor=home, name="rosa bats").persons == []
    assert case_list(actor=home, filters=CaseFilters(name="Rosa Bats")).cases == []
    # ...and still never reveal a person the other institution may not see (visibility is checked too).
    assert [p.pk for p in person_search(actor=other, name="rosa bats").persons] == [theirs.pk]
    assert [c.person_id for c in case_list(actor=other, filters=CaseFilters(name="Rosa Bats")).cases] == [theirs.pk]


@pytest.mark.django_db
def test_bulk_demo_load_and_key_rotation_keep_the_institution(_fresh_keys) -> None:
    with override_settings(AMPARO_KEYS=OLD):
        reset_keyring()
        call_command("demo_data", persons=150, seed=5, verbosity=0)  # bulk_insert_tokens, plain rows
        assert PersonIndexToken.objects.count() > 150 * 4
        assert PersonIndexToken.objects.values("owner_org_id").distinct().count() > 3
        assert _out_of_sync() == 0
    with override_settings(AMPARO_KEYS=f"{OLD},{NEW}", AMPARO_ACTIVE_KEY_ID="t2"):
        reset_keyring()
        call_command("keys", "rotate", batch_size=40)  # rebuilds every person's entries under t2
        assert set(PersonIndexToken.objects.values_list("kid", flat=True)) == {"t2"}
        assert _out_of_sync() == 0
        assert not PersonIndexToken.objects.filter(owner_org__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_migration_backfills_the_institution_of_existing_entries(world) -> None:
    make_person(world.actor("caseworker"), given="Rosa", surnames="Batz")
    make_person(world.actor("caseworker", "other"), given="Ana", surnames="Tzul Chen")
    before = sorted(PersonIndexToken.objects.values_list("person_id", "kind", "kid", "value", "owner_org_id"))
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0001_initial")])  # entries without an institution, as before
    executor.loader.build_graph()
    executor.migrate([key for key in executor.loader.graph.leaf_nodes() if key[0] == "people"])
    after = sorted(PersonIndexToken.objects.values_list("person_id", "kind", "kid", "value", "owner_org_id"))
    assert after == before and len(after) > 8
    assert {o for *_rest, o in after} == {world.home.pk, world.other.pk}
    assert _out_of_sync() == 0
    assert Person.objects.count() == 2
