from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from amparo.core import crypto
from amparo.core.exceptions import KeyConfigurationError
from amparo.core.keycheck import verify_master_keys
from amparo.core.keys import reset_keyring
from amparo.people.models import IdentityDocument, Person, PersonIndexToken
from amparo.people.selectors import person_search
from tests.conftest import make_person

OLD = "t1:" + base64.b64encode(b"test-key-test-key-test-key-00000").decode()
NEW = "t2:" + base64.b64encode(b"rotated-key-rotated-key-rotated!").decode()


@pytest.fixture(autouse=True)
def _reset_keys():
    reset_keyring()
    yield
    reset_keyring()


def _kids(model, column):
    return {crypto.key_id_of(v) for v in model.objects.values_list(column, flat=True) if v}


@pytest.mark.django_db
def test_rotate_reencrypts_everything_and_loses_nothing(world) -> None:
    actor = world.actor("caseworker")
    with override_settings(AMPARO_KEYS=OLD):
        reset_keyring()
        verify_master_keys()
        people = [make_person(actor, given=f"Persona{i}", surnames="Xicará Tzul", phone=f"+502 {i}") for i in range(7)]
    with override_settings(AMPARO_KEYS=f"{OLD},{NEW}", AMPARO_ACTIVE_KEY_ID="t2"):
        reset_keyring()
        # Interrupted run: only part of the rows done (resumability).
        from amparo.core import rotation

        _model, fields = next((m, f) for m, f in rotation.encrypted_fields() if m is Person)
        first = Person.objects.order_by("pk").first()
        for f in fields:
            raw = first.__dict__[f.attname]
            if raw:
                Person.objects.filter(pk=first.pk).update(
                    **{f.attname: f.encrypt_for(first, f.decrypt_for(first, raw), kid="t2")}
                )
        call_command("keys", "rotate", batch_size=3)
        assert _kids(Person, "given_names") == {"t2"}
        assert _kids(IdentityDocument, "number") == {"t2"}
        assert set(PersonIndexToken.objects.values_list("kid", flat=True)) == {"t2"}
        call_command("keys", "rotate")  # running again is harmless
    # The old key can now be removed: everything reads with the new key alone, and the app starts.
    with override_settings(AMPARO_KEYS=NEW):
        reset_keyring()
        verify_master_keys()
        for p in people:
            fresh = Person.objects.get(pk=p.pk)
            assert fresh.given_names == p.given_names
            assert fresh.surnames == "Xicará Tzul"
            assert fresh.documents.get().number == "2456 78901 0101"
        found = person_search(actor=actor, name="Persona3 Sicara")
        assert found.persons[0].pk == people[3].pk
        assert person_search(actor=actor, document="2456789010101").persons


@pytest.mark.django_db
def test_wrong_master_key_stops_the_app(world) -> None:
    with override_settings(AMPARO_KEYS=OLD):
        reset_keyring()
        verify_master_keys()
        make_person(world.actor("caseworker"))
    wrong = "t1:" + base64.b64encode(b"an-attacker-or-a-typo-key-000000").decode()
    with override_settings(AMPARO_KEYS=wrong):
        reset_keyring()
        with pytest.raises(KeyConfigurationError, match="not the key"):
            verify_master_keys()
        with pytest.raises(CommandError, match="Refusing to start"):
            call_command("serve")
    with override_settings(AMPARO_KEYS=NEW):  # the key that encrypted the data is missing
        reset_keyring()
        with pytest.raises(KeyConfigurationError, match="not configured"):
            verify_master_keys()
