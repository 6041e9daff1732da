from __future__ import annotations

import pytest
from django.test import Client

from amparo.accounts.actor import Actor
from amparo.audit.services import audit_record
from tests.audit.test_chain import _raw
from tests.conftest import login


@pytest.mark.django_db
def test_the_verify_screen_says_why_the_chain_is_broken_in_the_users_language(world, english) -> None:
    for i in range(4):
        audit_record(actor=Actor.for_system("test"), action=f"test.event{i}", details={"n": i})
    _raw("UPDATE audit_auditevent SET details = %s WHERE seq = 2", ['{"n": 7}'])
    page = login(Client(), world.user("auditor")).post("/audit/verify/").content.decode()
    assert "The event&#x27;s content does not match its hash: it was edited." in page
    assert "content does not match its hash (edited)" not in page  # the command line's wording stays there
