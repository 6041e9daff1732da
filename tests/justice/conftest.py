from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.justice.models import Investigation
from amparo.justice.services import complaint_create, investigation_open

TODAY = timezone.localdate()
LAST_YEAR = TODAY - datetime.timedelta(days=365)


def open_investigation(world: Any, *, where: str = "home", members: bool = True) -> Investigation:
    prosecutor = world.actor(Role.PROSECUTOR, where)
    complaint = complaint_create(
        prosecutor, received_on=LAST_YEAR, source="walk_in", summary="Girls held at a bar", mp_file_number="MP-77-2025"
    )
    team = [(world.user(Role.INVESTIGATOR, where).pk, "investigator")] if members else []
    return investigation_open(
        prosecutor,
        summary="Network recruiting girls for a bar",
        opened_on=LAST_YEAR + datetime.timedelta(days=2),
        complaint_ids=[complaint.pk],
        members=team,
    )


@pytest.fixture
def investigation(world: Any) -> Investigation:
    return open_investigation(world)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """This app's tests assert the English msgids (see tests/conftest.py `english`)."""
